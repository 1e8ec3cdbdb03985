/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_DETAILS_PANE (lab_details_pane_get_type ())

G_DECLARE_FINAL_TYPE (LabDetailsPane, lab_details_pane, LAB, DETAILS_PANE, GtkWidget)

LabStore   *lab_details_pane_get_store   (LabDetailsPane *self);
void        lab_details_pane_set_store   (LabDetailsPane *self,
                                          LabStore       *store);
LabSession *lab_details_pane_get_session (LabDetailsPane *self);
void        lab_details_pane_set_session (LabDetailsPane *self,
                                          LabSession     *session);

G_END_DECLS
