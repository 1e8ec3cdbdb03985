/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_DATA_PAGE (lab_data_page_get_type ())

G_DECLARE_FINAL_TYPE (LabDataPage, lab_data_page, LAB, DATA_PAGE, GtkWidget)

LabStore *lab_data_page_get_store (LabDataPage *self);
void      lab_data_page_set_store (LabDataPage *self,
                                   LabStore    *store);

G_END_DECLS
