/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-sessions"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-browse.h"
#include "lab-cli-commands.h"
#include "lab-cli-filter.h"

int
lab_cli_cmd_sessions (LabCli  *cli,
                      int      argc,
                      char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GPtrArray) sessions = NULL;
  LabCliFilterOptions filter_options = { 0 };
  g_autofree char *sort = NULL;
  gboolean reverse = FALSE;
  int limit = 50;
  int offset = 0;
  gint64 total;
  int exit_code;
  GOptionEntry entries[] = {
    { "sort", 0, 0, G_OPTION_ARG_STRING, &sort,
      N_("Order by activity (default), created or title"), "KEY" },
    { "reverse", 'r', 0, G_OPTION_ARG_NONE, &reverse,
      N_("Reverse the order (oldest first; Z to A for titles)"), NULL },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many at most (default 50; 0 for all)"), "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many first"), "N" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL, _("List sessions, most recently active first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lab_cli_filter_add_entries (context, &filter_options, FALSE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    {
      lab_cli_filter_clear (&filter_options);
      return exit_code;
    }

  if (argc > 1)
    exit_code = lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  else if (limit < 0 || offset < 0)
    exit_code = lab_cli_usage_error (cli, _("--limit and --offset must not be negative"));
  else if (sort != NULL && !lab_session_sort_from_string (sort, &filter->sort))
    exit_code = lab_cli_usage_error (cli, _("--sort must be activity, created or title"));
  else if (lab_cli_filter_build (cli, &filter_options, filter, NULL, NULL, &exit_code))
    exit_code = -1;
  lab_cli_filter_clear (&filter_options);
  if (exit_code >= 0)
    return exit_code;

  /* Times read newest first, titles A to Z; --reverse flips either. */
  filter->descending = (filter->sort != LAB_SESSION_SORT_TITLE) != reverse;

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  total = lab_browse_count_sessions (db, filter, &error);
  if (total < 0)
    return lab_cli_fail (cli, error);

  sessions = lab_browse_list_sessions (db, filter, offset, limit > 0 ? (guint) limit : G_MAXINT32,
                                       &error);
  if (sessions == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, total);
      json_builder_set_member_name (builder, "offset");
      json_builder_add_int_value (builder, offset);
      json_builder_set_member_name (builder, "sessions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < sessions->len; i++)
        json_builder_add_value (builder, lab_session_to_json (g_ptr_array_index (sessions, i)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  if (sessions->len == 0)
    {
      g_print (_("No sessions match.\n"));
      return LAB_CLI_EXIT_OK;
    }

  {
    g_autofree char *id = lab_cli_column (_("ID"), 8, LAB_CLI_COLUMN_LEFT);
    g_autofree char *status = lab_cli_column (_("STATUS"), 9, LAB_CLI_COLUMN_LEFT);
    g_autofree char *messages = lab_cli_column (_("MESSAGES"), 8, LAB_CLI_COLUMN_RIGHT);
    g_autofree char *activity = lab_cli_column (_("LAST ACTIVITY"), 16, LAB_CLI_COLUMN_LEFT);

    g_print ("%s  %s  ★  %s  %s  %s\n", id, status, messages, activity, _("TITLE"));
  }
  for (guint i = 0; i < sessions->len; i++)
    {
      LabSession *session = g_ptr_array_index (sessions, i);
      g_autofree char *when = lab_cli_format_time (lab_session_get_last_activity_at (session));
      g_autofree char *count = lab_cli_format_count (lab_session_get_message_count (session));

      g_print ("%.8s  %-9s  %-1s  %8s  %-16s  %s%s\n",
               lab_session_get_id (session), lab_session_get_status (session),
               lab_session_get_starred (session) ? "★" : " ", count, when,
               lab_session_get_title (session),
               lab_session_get_archived (session) ? _(" (archived)") : "");
    }

  if ((gint64) (offset + sessions->len) < total)
    {
      g_autofree char *shown = lab_cli_format_count (offset + sessions->len);
      g_autofree char *all = lab_cli_format_count (total);

      g_print (_("… %s of %s sessions shown; use --offset or --limit 0 for more.\n"), shown, all);
    }

  return LAB_CLI_EXIT_OK;
}
