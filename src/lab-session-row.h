/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-lazy-item.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSION_ROW (lab_session_row_get_type ())

G_DECLARE_FINAL_TYPE (LabSessionRow, lab_session_row, LAB, SESSION_ROW, GtkWidget)

LabLazyItem *lab_session_row_get_item (LabSessionRow *self);
void         lab_session_row_set_item (LabSessionRow *self,
                                       LabLazyItem   *item);

G_END_DECLS
