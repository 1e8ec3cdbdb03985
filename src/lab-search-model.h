/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-search-header.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_SEARCH_MODEL (lab_search_model_get_type ())

G_DECLARE_FINAL_TYPE (LabSearchModel, lab_search_model, LAB, SEARCH_MODEL, GObject)

LabSearchModel       *lab_search_model_new               (LabStore             *store);
const LabSearchQuery *lab_search_model_get_query         (LabSearchModel       *self);
void                  lab_search_model_set_query         (LabSearchModel       *self,
                                                          const LabSearchQuery *query);
void                  lab_search_model_load_more         (LabSearchModel       *self);
gboolean              lab_search_model_get_searching     (LabSearchModel       *self);
gboolean              lab_search_model_get_has_more      (LabSearchModel       *self);
guint                 lab_search_model_get_n_hits        (LabSearchModel       *self);
const char           *lab_search_model_get_error_message (LabSearchModel       *self);

G_END_DECLS
