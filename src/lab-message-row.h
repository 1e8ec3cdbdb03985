/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-lazy-row.h"

G_BEGIN_DECLS

#define LAB_TYPE_MESSAGE_ROW (lab_message_row_get_type ())

G_DECLARE_FINAL_TYPE (LabMessageRow, lab_message_row, LAB, MESSAGE_ROW, LabLazyRow)

/* Messages longer than this show their start and a "Show All" button. */
#define LAB_MESSAGE_ROW_FOLD_CHARS 2000

gboolean     lab_message_row_get_expanded    (LabMessageRow *self);
void         lab_message_row_set_expanded    (LabMessageRow *self,
                                              gboolean       expanded);
gboolean     lab_message_row_get_highlighted (LabMessageRow *self);
void         lab_message_row_set_highlighted (LabMessageRow *self,
                                              gboolean       highlighted);

G_END_DECLS
