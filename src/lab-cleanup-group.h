/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-data-dir.h"

G_BEGIN_DECLS

#define LAB_TYPE_CLEANUP_GROUP (lab_cleanup_group_get_type ())

G_DECLARE_FINAL_TYPE (LabCleanupGroup, lab_cleanup_group, LAB, CLEANUP_GROUP, AdwPreferencesGroup)

void       lab_cleanup_group_set_data_dir (LabCleanupGroup *self,
                                           LabDataDir      *dir);
GtkWidget *lab_cleanup_group_get_editor   (LabCleanupGroup *self,
                                           const char      *key);

G_END_DECLS
