/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LAB_TYPE_LAZY_ITEM (lab_lazy_item_get_type ())

G_DECLARE_FINAL_TYPE (LabLazyItem, lab_lazy_item, LAB, LAZY_ITEM, GObject)

LabLazyItem *lab_lazy_item_new          (guint        position);
guint        lab_lazy_item_get_position (LabLazyItem *self);
void         lab_lazy_item_set_position (LabLazyItem *self,
                                         guint        position);
gpointer     lab_lazy_item_get_item     (LabLazyItem *self);
void         lab_lazy_item_set_item     (LabLazyItem *self,
                                         gpointer     item);

G_END_DECLS
