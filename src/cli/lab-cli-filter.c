/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-filter"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-filter.h"
#include "lab-timestamp.h"

/**
 * lab_cli_filter_add_entries:
 * @dates_are_messages: whether --since/--until bound messages (search) rather
 *   than sessions (sessions, export); only the help text differs
 */
void
lab_cli_filter_add_entries (GOptionContext      *context,
                            LabCliFilterOptions *options,
                            gboolean             dates_are_messages)
{
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &options->status,
      N_("Only sessions with this status (active, paused, completed, failed)"), "STATUS" },
    { "participant", 0, 0, G_OPTION_ARG_STRING, &options->participant,
      N_("Only sessions with this participant"), "NAME" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &options->since,
      dates_are_messages ? N_("Only messages from this date or time on (YYYY-MM-DD or ISO-8601)")
                         : N_("Only sessions active on or after this date (YYYY-MM-DD or ISO-8601)"),
      "DATE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &options->until,
      dates_are_messages ? N_("Only messages up to this date or time")
                         : N_("Only sessions created on or before this date"),
      "DATE" },
    { "starred", 0, 0, G_OPTION_ARG_NONE, &options->starred, N_("Only starred sessions"), NULL },
    { "not-starred", 0, 0, G_OPTION_ARG_NONE, &options->not_starred, N_("Only sessions not starred"), NULL },
    { "archived", 0, 0, G_OPTION_ARG_NONE, &options->archived, N_("Only archived sessions"), NULL },
    { "not-archived", 0, 0, G_OPTION_ARG_NONE, &options->not_archived,
      N_("Only sessions not archived"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static gboolean
parse_date (LabCli      *cli,
            const char  *option,
            const char  *text,
            gboolean     end_of_day,
            gint64      *usec,
            int         *exit_code)
{
  if (text == NULL)
    return TRUE;

  if (!lab_date_parse_bound (text, end_of_day, usec))
    {
      *exit_code = lab_cli_usage_error (cli, _("%s: “%s” is not a date (use YYYY-MM-DD or "
                                               "ISO-8601)"), option, text);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_cli_filter_build:
 * @filter: filled from @options
 * @since: (out) (optional): where --since goes; %NULL puts it in @filter
 * @until: (out) (optional): where --until goes; %NULL puts it in @filter
 * @exit_code: (out): set when the return value is %FALSE
 */
gboolean
lab_cli_filter_build (LabCli              *cli,
                      LabCliFilterOptions *options,
                      LabSessionFilter    *filter,
                      gint64              *since,
                      gint64              *until,
                      int                 *exit_code)
{
  if (options->starred && options->not_starred)
    {
      *exit_code = lab_cli_usage_error (cli, _("--starred and --not-starred exclude each other"));
      return FALSE;
    }
  if (options->archived && options->not_archived)
    {
      *exit_code = lab_cli_usage_error (cli, _("--archived and --not-archived exclude each other"));
      return FALSE;
    }

  if (!parse_date (cli, "--since", options->since, FALSE, since ? since : &filter->since, exit_code) ||
      !parse_date (cli, "--until", options->until, TRUE, until ? until : &filter->until, exit_code))
    return FALSE;

  g_free (filter->status);
  filter->status = g_strdup (options->status);
  g_free (filter->participant);
  filter->participant = g_strdup (options->participant);
  if (options->starred || options->not_starred)
    filter->starred = options->starred ? 1 : 0;
  if (options->archived || options->not_archived)
    filter->archived = options->archived ? 1 : 0;

  return TRUE;
}

void
lab_cli_filter_clear (LabCliFilterOptions *options)
{
  g_clear_pointer (&options->status, g_free);
  g_clear_pointer (&options->participant, g_free);
  g_clear_pointer (&options->since, g_free);
  g_clear_pointer (&options->until, g_free);
}
