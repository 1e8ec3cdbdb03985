/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *lab_format_relative_time (gint64      usec,
                                      gint64      now);
char       *lab_format_time          (gint64      usec);
char       *lab_format_date_time     (gint64      usec);
char       *lab_format_count         (gint64      count);
char       *lab_format_cost          (double      cost);
const char *lab_format_role          (const char *role);
const char *lab_format_status        (const char *status);
char       *lab_format_json          (const char *json);
char       *lab_format_first_line    (const char *text,
                                      guint       max_chars);

G_END_DECLS
