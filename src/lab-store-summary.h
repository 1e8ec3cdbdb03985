/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_STORE_SUMMARY (lab_store_summary_get_type ())

G_DECLARE_FINAL_TYPE (LabStoreSummary, lab_store_summary, LAB, STORE_SUMMARY, GtkWidget)

LabStore     *lab_store_summary_get_store (LabStoreSummary *self);
void          lab_store_summary_set_store (LabStoreSummary *self,
                                           LabStore        *store);
void          lab_store_summary_refresh   (LabStoreSummary *self);
LabStoreInfo *lab_store_summary_get_info  (LabStoreSummary *self);

G_END_DECLS
