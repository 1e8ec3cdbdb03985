/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-browse.h"

G_BEGIN_DECLS

#define LAB_TYPE_FILTER_POPOVER (lab_filter_popover_get_type ())

G_DECLARE_FINAL_TYPE (LabFilterPopover, lab_filter_popover, LAB, FILTER_POPOVER, GtkPopover)

LabSessionFilter *lab_filter_popover_build_filter    (LabFilterPopover   *self);
const char       *lab_filter_popover_get_role        (LabFilterPopover   *self);
const char       *lab_filter_popover_get_author      (LabFilterPopover   *self);
gboolean          lab_filter_popover_get_active      (LabFilterPopover   *self);
void              lab_filter_popover_set_participants (LabFilterPopover  *self,
                                                       const char * const *names);
void              lab_filter_popover_reset           (LabFilterPopover   *self);

G_END_DECLS
