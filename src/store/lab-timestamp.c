/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-timestamp"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lab-timestamp.h"

/**
 * lab_timestamp_format:
 * @usec: microseconds since the Unix epoch
 *
 * Returns: (transfer full): the canonical stored form, "YYYY-MM-DDTHH:MM:SS.mmmZ"
 */
char *
lab_timestamp_format (gint64 usec)
{
  time_t secs;
  gint64 rem;
  struct tm tm;
  char buf[64];

  /* Floor division so that times before 1970 format correctly too. */
  rem = usec % G_USEC_PER_SEC;
  if (rem < 0)
    rem += G_USEC_PER_SEC;
  secs = (time_t) ((usec - rem) / G_USEC_PER_SEC);

  if (gmtime_r (&secs, &tm) == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");

  snprintf (buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (rem / 1000));

  return g_strdup (buf);
}

char *
lab_timestamp_now (void)
{
  return lab_timestamp_format (g_get_real_time ());
}

/* g_date_time_to_unix_usec() and friends are GLib 2.80; this is 2.74. */
static gint64
date_time_to_usec (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

static GDateTime *
date_time_from_usec (gint64 usec)
{
  gint64 rem = usec % G_USEC_PER_SEC;
  g_autoptr(GDateTime) secs = NULL;

  if (rem < 0)
    rem += G_USEC_PER_SEC;
  secs = g_date_time_new_from_unix_utc ((usec - rem) / G_USEC_PER_SEC);
  if (secs == NULL)
    return NULL;

  return g_date_time_add (secs, rem);
}

static gboolean
parse_digits (const char *p,
              int         n,
              int        *out)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      v = v * 10 + (p[i] - '0');
    }

  *out = v;
  return TRUE;
}

/* The canonical form is parsed by hand: it is what every stored row holds, and
 * GDateTime allocates for each call. */
static gboolean
parse_canonical (const char *text,
                 gint64     *usec)
{
  int year, mon, day, hour, min, sec, ms;
  struct tm tm = { 0 };
  time_t t;

  if (strlen (text) != LAB_TIMESTAMP_LENGTH ||
      text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z')
    return FALSE;

  if (!parse_digits (text, 4, &year) || !parse_digits (text + 5, 2, &mon) ||
      !parse_digits (text + 8, 2, &day) || !parse_digits (text + 11, 2, &hour) ||
      !parse_digits (text + 14, 2, &min) || !parse_digits (text + 17, 2, &sec) ||
      !parse_digits (text + 20, 3, &ms))
    return FALSE;

  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
    return FALSE;

  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  t = timegm (&tm);

  *usec = (gint64) t * G_USEC_PER_SEC + (gint64) ms * 1000;
  return TRUE;
}

/**
 * lab_timestamp_parse:
 * @text: an ISO-8601 date and time, or a date alone (midnight UTC)
 * @usec: (out): microseconds since the Unix epoch
 *
 * Accepts the stored form and the common ISO-8601 variants (space instead of
 * "T", any fraction, "Z" or an offset, no zone meaning UTC).
 */
gboolean
lab_timestamp_parse (const char *text,
                     gint64     *usec)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *copy = NULL;

  if (text == NULL)
    return FALSE;

  if (parse_canonical (text, usec))
    return TRUE;

  copy = g_strstrip (g_strdup (text));
  if (strlen (copy) == 10)
    {
      char *with_time = g_strconcat (copy, "T00:00:00", NULL);

      g_free (copy);
      copy = with_time;
    }
  else if (strlen (copy) > 10 && copy[10] == ' ')
    copy[10] = 'T';

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (copy, utc);
  if (dt == NULL)
    return FALSE;

  *usec = date_time_to_usec (dt);
  return TRUE;
}

/**
 * lab_timestamp_normalize:
 * @text: a timestamp in any form lab_timestamp_parse() accepts
 *
 * Returns: (transfer full) (nullable): the canonical stored form, or %NULL
 */
char *
lab_timestamp_normalize (const char *text)
{
  gint64 usec;

  if (!lab_timestamp_parse (text, &usec))
    return NULL;

  return lab_timestamp_format (usec);
}

/**
 * lab_timestamp_format_local:
 * @usec: microseconds since the Unix epoch
 * @format: a g_date_time_format() format
 *
 * Returns: (transfer full): the time in the local time zone, for display
 */
char *
lab_timestamp_format_local (gint64      usec,
                            const char *format)
{
  g_autoptr(GDateTime) utc = date_time_from_usec (usec);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (utc);
  return g_date_time_format (local, format);
}

/**
 * lab_date_parse_bound:
 * @text: a date ("2026-11-01") or a full timestamp
 * @end_of_day: for a bare date, use the last moment of that day, for "until"
 * @usec: (out): microseconds since the Unix epoch
 *
 * Parses a date given by a person on the command line or in a filter. A bare date
 * means that day in the local time zone.
 */
gboolean
lab_date_parse_bound (const char *text,
                      gboolean    end_of_day,
                      gint64     *usec)
{
  int year, mon, day;

  if (text != NULL && strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
      parse_digits (text, 4, &year) && parse_digits (text + 5, 2, &mon) &&
      parse_digits (text + 8, 2, &day))
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      g_autoptr(GDateTime) dt = g_date_time_new (local, year, mon, day, 0, 0, 0);

      if (dt == NULL)
        return FALSE;

      if (end_of_day)
        {
          /* A local day is not always 24 hours long. */
          g_autoptr(GDateTime) next = g_date_time_add_days (dt, 1);

          *usec = date_time_to_usec (next) - 1000;
        }
      else
        *usec = date_time_to_usec (dt);
      return TRUE;
    }

  return lab_timestamp_parse (text, usec);
}
