/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-format"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-format.h"
#include "lab-session.h"
#include "lab-timestamp.h"

/* How the window writes times, numbers and names; one place so that the
 * list, the chat log and the details say the same thing the same way. */

static GDateTime *
local_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return utc ? g_date_time_to_local (utc) : NULL;
}

/**
 * lab_format_relative_time:
 * @usec: a time, µs since the epoch
 * @now: the present, µs since the epoch
 *
 * Returns: (transfer full): "14:05" today, "Yesterday", a weekday within the
 *   week, a day and month within the year, else a full date
 */
char *
lab_format_relative_time (gint64 usec,
                          gint64 now)
{
  g_autoptr(GDateTime) when = local_time (usec);
  g_autoptr(GDateTime) today = local_time (now);
  int days;

  if (when == NULL || today == NULL || usec == 0)
    return g_strdup ("");

  days = g_date_time_get_day_of_year (today) - g_date_time_get_day_of_year (when);
  if (g_date_time_get_year (today) != g_date_time_get_year (when))
    days = days + 365 * (g_date_time_get_year (today) - g_date_time_get_year (when));

  if (days == 0 && usec <= now)
    /* Translators: a time of today, see g_date_time_format() */
    return g_date_time_format (when, _("%H:%M"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days > 1 && days < 7)
    /* Translators: a day of the last week, see g_date_time_format() */
    return g_date_time_format (when, _("%A"));
  if (g_date_time_get_year (today) == g_date_time_get_year (when))
    /* Translators: a day of this year, see g_date_time_format() */
    return g_date_time_format (when, _("%-e %B"));

  /* Translators: a day of another year, see g_date_time_format() */
  return g_date_time_format (when, _("%-e %B %Y"));
}

/**
 * lab_format_time:
 *
 * Returns: (transfer full): the local time of day, for a chat message
 */
char *
lab_format_time (gint64 usec)
{
  /* Translators: the time of a chat message, see g_date_time_format() */
  return lab_timestamp_format_local (usec, _("%H:%M:%S"));
}

/**
 * lab_format_date_time:
 *
 * Returns: (transfer full): the local date and time in full
 */
char *
lab_format_date_time (gint64 usec)
{
  if (usec == 0)
    return g_strdup ("");

  /* Translators: a full date and time, see g_date_time_format() */
  return lab_timestamp_format_local (usec, _("%-e %B %Y, %H:%M:%S"));
}

/**
 * lab_format_count:
 *
 * Returns: (transfer full): @count with the locale's digit grouping
 */
char *
lab_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

char *
lab_format_cost (double cost)
{
  /* Translators: an amount of money spent on model calls */
  return g_strdup_printf (_("$%.4f"), cost);
}

/**
 * lab_format_role:
 * @role: a message role as stored
 *
 * Returns: (transfer none): the role's name for people
 */
const char *
lab_format_role (const char *role)
{
  static const struct { const char *role; const char *label; } roles[] = {
    { "user", N_("User") },
    { "assistant", N_("Assistant") },
    { "system", N_("System") },
    { "tool_call", N_("Tool Call") },
    { "tool_result", N_("Tool Result") },
    { "thought", N_("Thought") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      if (g_strcmp0 (role, roles[i].role) == 0)
        return _(roles[i].label);
    }

  return role ? role : "";
}

/**
 * lab_format_status:
 * @status: a session status as stored
 *
 * Returns: (transfer none): the status's name for people
 */
const char *
lab_format_status (const char *status)
{
  return lab_session_status_get_label (status);
}

/**
 * lab_format_json:
 * @json: (nullable): text that may be a JSON document
 *
 * Returns: (transfer full) (nullable): @json indented for reading, or %NULL
 *   if it is not JSON (or not an object or an array)
 */
char *
lab_format_json (const char *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  JsonNode *root;

  if (json == NULL)
    return NULL;

  while (g_ascii_isspace (*json))
    json++;
  if (*json != '{' && *json != '[')
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/**
 * lab_format_first_line:
 * @text: (nullable): any text
 * @max_chars: the most characters to keep
 *
 * Returns: (transfer full): the first line of @text, shortened with "…"
 */
char *
lab_format_first_line (const char *text,
                       guint       max_chars)
{
  const char *end;
  glong length;

  if (text == NULL)
    return g_strdup ("");

  end = strchr (text, '\n');
  length = g_utf8_strlen (text, end ? end - text : -1);

  if (length <= (glong) max_chars && end == NULL)
    return g_strdup (text);

  if (length > (glong) max_chars)
    {
      g_autofree char *start = g_utf8_substring (text, 0, max_chars);

      return g_strconcat (start, "…", NULL);
    }

  {
    g_autofree char *line = g_strndup (text, end - text);

    return g_strconcat (line, "…", NULL);
  }
}
