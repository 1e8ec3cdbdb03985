/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-lazy-item.h"

G_BEGIN_DECLS

#define LAB_TYPE_LAZY_ROW (lab_lazy_row_get_type ())

G_DECLARE_DERIVABLE_TYPE (LabLazyRow, lab_lazy_row, LAB, LAZY_ROW, GtkWidget)

/**
 * LabLazyRowClass:
 * @update: shows the item's object, or a blank row of the same height while
 *   it is %NULL (its page is being read)
 */
struct _LabLazyRowClass
{
  GtkWidgetClass parent_class;

  void (*update) (LabLazyRow *self);
};

LabLazyItem *lab_lazy_row_get_item   (LabLazyRow  *self);
void         lab_lazy_row_set_item   (LabLazyRow  *self,
                                      LabLazyItem *item);
gpointer     lab_lazy_row_get_object (LabLazyRow  *self);

G_END_DECLS
