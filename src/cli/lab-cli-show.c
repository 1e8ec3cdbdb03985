/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-show"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-browse.h"
#include "lab-cli-commands.h"
#include "lab-row.h"

#define PAGE 500

static void
print_indented (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_print ("    %s\n", lines[i]);
}

static void
print_header (LabSession *session)
{
  g_autofree char *created = lab_cli_format_time (lab_session_get_created_at (session));
  g_autofree char *active = lab_cli_format_time (lab_session_get_last_activity_at (session));
  g_autofree char *participants = g_strjoinv (", ", (char **) lab_session_get_participants (session));
  g_autofree char *keywords = g_strjoinv (", ", (char **) lab_session_get_keywords (session));
  g_autofree char *count = lab_cli_format_count (lab_session_get_message_count (session));
  g_autofree char *branch_point = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   lab_session_get_branch_point (session));
  g_autofree char *prompt_tokens = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    lab_session_get_prompt_tokens (session));
  g_autofree char *completion_tokens = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                        lab_session_get_completion_tokens (session));

  g_print ("%s%s\n", lab_session_get_title (session), lab_session_get_starred (session) ? " ★" : "");
  g_print (_("  Id:                %s\n"), lab_session_get_id (session));
  g_print (_("  Status:            %s%s\n"), lab_session_get_status (session),
           lab_session_get_archived (session) ? _(", archived") : "");
  g_print (_("  Research question: %s\n"), lab_session_get_research_question (session));
  g_print (_("  Model:             %s (%s)\n"), lab_session_get_model (session),
           lab_session_get_provider (session));
  g_print (_("  Participants:      %s\n"), participants);
  g_print (_("  Keywords:          %s\n"), keywords);
  /* Numbers go in as text: xgettext cannot see through G_GINT64_FORMAT, so
   * a format with it could never be translated. */
  if (lab_session_get_parent_id (session) != NULL)
    g_print (_("  Branch:            %s of %s at message %s\n"),
             lab_session_get_branch_name (session), lab_session_get_parent_id (session),
             branch_point);
  g_print (_("  Created:           %s\n"), created);
  g_print (_("  Last activity:     %s\n"), active);
  g_print (_("  Tokens:            %s prompt, %s completion; cost %.4f\n"),
           prompt_tokens, completion_tokens, lab_session_get_cost (session));
  g_print (_("  Messages:          %s\n\n"), count);
}

int
lab_cli_cmd_show (LabCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabSession) session = NULL;
  int offset = 0;
  int limit = 0;
  gint64 total;
  gint64 end;
  int exit_code;
  GOptionEntry entries[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Start at this position in the chat log"), "N" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("Print at most this many messages (0: all)"), "N" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, "SESSION",
                                        _("Print a session's details and its chat log. SESSION is "
                                          "an id or the start of one."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 2)
    return lab_cli_usage_error (cli, argc < 2 ? _("which session? Give its id")
                                              : _("give exactly one session"));
  if (offset < 0 || limit < 0)
    return lab_cli_usage_error (cli, _("--limit and --offset must not be negative"));

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  session = lab_browse_get_session (db, argv[1], &error);
  if (session == NULL)
    return lab_cli_fail (cli, error);

  total = lab_session_get_message_count (session);
  end = limit > 0 ? MIN (total, (gint64) offset + limit) : total;

  if (cli->json)
    {
      /* Streamed, so that a 50,000-message session prints in constant memory. */
      g_autoptr(JsonNode) node = lab_session_to_json (session);
      g_autofree char *head = json_to_string (node, FALSE);
      const LabTableInfo *table = lab_schema_get_table ("messages");
      g_autofree char *select = lab_row_select_sql (table, "m");
      g_autofree char *sql = g_strconcat (select, " WHERE m.session_id = ? ORDER BY m.sequence"
                                          " LIMIT ? OFFSET ?", NULL);
      g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, &error);
      g_autoptr(GString) line = g_string_new (NULL);
      gboolean first = TRUE;
      int rc;

      if (stmt == NULL)
        return lab_cli_fail (cli, error);

      sqlite3_bind_text (stmt, 1, lab_session_get_id (session), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, MAX (end - offset, 0));
      sqlite3_bind_int64 (stmt, 3, offset);

      g_print ("{\"session\":%s,\"messages\":[", head);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_string_truncate (line, 0);
          lab_row_append_json (table, stmt, line);
          g_print ("%s\n%s", first ? "" : ",", line->str);
          first = FALSE;
        }
      g_print ("]}\n");

      if (rc != SQLITE_DONE)
        {
          lab_db_set_error (db, &error, rc, NULL);
          return lab_cli_fail (cli, error);
        }
      return LAB_CLI_EXIT_OK;
    }

  print_header (session);

  for (gint64 pos = offset; pos < end; pos += PAGE)
    {
      g_autoptr(GPtrArray) messages = NULL;

      messages = lab_browse_list_messages (db, lab_session_get_id (session), pos,
                                           MIN (PAGE, end - pos), &error);
      if (messages == NULL)
        return lab_cli_fail (cli, error);
      if (messages->len == 0)
        break;

      for (guint i = 0; i < messages->len; i++)
        {
          LabMessage *message = g_ptr_array_index (messages, i);
          g_autofree char *when = lab_cli_format_time (lab_message_get_created_at (message));

          g_print ("#%-5" G_GINT64_FORMAT " %s  %-11s %s\n", lab_message_get_sequence (message), when,
                   lab_message_get_role (message), lab_message_get_author (message));
          print_indented (lab_message_get_content (message));
          if (lab_message_get_tool_calls (message) != NULL)
            {
              g_autofree char *calls = g_strdup_printf (_("tool calls: %s"),
                                                        lab_message_get_tool_calls (message));
              print_indented (calls);
            }
        }

      if (g_cancellable_is_cancelled (cli->cancellable))
        break;
    }

  return LAB_CLI_EXIT_OK;
}
