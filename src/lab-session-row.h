/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-lazy-row.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSION_ROW (lab_session_row_get_type ())

G_DECLARE_FINAL_TYPE (LabSessionRow, lab_session_row, LAB, SESSION_ROW, LabLazyRow)

G_END_DECLS
