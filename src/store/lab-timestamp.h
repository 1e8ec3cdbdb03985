/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Timestamps are stored as ISO-8601 UTC text with milliseconds,
 * "2026-11-22T10:15:30.123Z": fixed width, so text order is time order. */
#define LAB_TIMESTAMP_LENGTH 24

char     *lab_timestamp_format      (gint64       usec);
char     *lab_timestamp_now         (void);
gboolean  lab_timestamp_parse       (const char  *text,
                                     gint64      *usec);
char     *lab_timestamp_normalize   (const char  *text);
char     *lab_timestamp_format_local (gint64      usec,
                                      const char *format);
gboolean  lab_date_parse_bound      (const char  *text,
                                     gboolean     end_of_day,
                                     gint64      *usec);

G_END_DECLS
