/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_SEARCH_ROW (lab_search_row_get_type ())

G_DECLARE_FINAL_TYPE (LabSearchRow, lab_search_row, LAB, SEARCH_ROW, GtkWidget)

GObject *lab_search_row_get_item (LabSearchRow *self);
void     lab_search_row_set_item (LabSearchRow *self,
                                  GObject      *item);

G_END_DECLS
