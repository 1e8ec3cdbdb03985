/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-cleanup.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_CLEANUP_DIALOG (lab_cleanup_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabCleanupDialog, lab_cleanup_dialog, LAB, CLEANUP_DIALOG, AdwWindow)

LabCleanupDialog *lab_cleanup_dialog_new            (LabStore          *store);
LabCleanupPlan   *lab_cleanup_dialog_get_plan       (LabCleanupDialog  *self);
gboolean          lab_cleanup_dialog_get_busy       (LabCleanupDialog  *self);
guint             lab_cleanup_dialog_get_n_listed   (LabCleanupDialog  *self,
                                                     LabCleanupCategory category);
void              lab_cleanup_dialog_set_included   (LabCleanupDialog  *self,
                                                     LabCleanupCategory category,
                                                     gboolean           included);
guint64           lab_cleanup_dialog_get_reclaimed  (LabCleanupDialog  *self);

G_END_DECLS
