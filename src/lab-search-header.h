/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define LAB_TYPE_SEARCH_HEADER (lab_search_header_get_type ())

G_DECLARE_FINAL_TYPE (LabSearchHeader, lab_search_header, LAB, SEARCH_HEADER, GObject)

LabSearchHeader *lab_search_header_new            (const char      *session_id,
                                                   const char      *title);
const char      *lab_search_header_get_session_id (LabSearchHeader *self);
const char      *lab_search_header_get_title      (LabSearchHeader *self);
guint            lab_search_header_get_n_hits     (LabSearchHeader *self);
void             lab_search_header_set_n_hits     (LabSearchHeader *self,
                                                   guint            n_hits);

G_END_DECLS
