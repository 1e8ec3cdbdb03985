/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_ERROR_PAGE (lab_error_page_get_type ())

G_DECLARE_FINAL_TYPE (LabErrorPage, lab_error_page, LAB, ERROR_PAGE, AdwBin)

void        lab_error_page_set_problem     (LabErrorPage *self,
                                            const char   *root,
                                            const char   *message);
const char *lab_error_page_get_message     (LabErrorPage *self);
gboolean    lab_error_page_get_can_restore (LabErrorPage *self);

G_END_DECLS
