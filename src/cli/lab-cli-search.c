/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-search"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-cli-filter.h"
#include "lab-search.h"
#include "lab-timestamp.h"

static JsonNode *
hit_to_json (LabSearchHit *hit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = lab_timestamp_format (lab_search_hit_get_created_at (hit));
  g_autofree char *plain = lab_snippet_replace_marks (lab_search_hit_get_snippet (hit), "", "");
  g_autofree char *marked = lab_snippet_replace_marks (lab_search_hit_get_snippet (hit), "[", "]");
  gboolean is_message = lab_search_hit_get_kind (hit) == LAB_SEARCH_HIT_MESSAGE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, is_message ? "message" : "session");
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_string_value (builder, lab_search_hit_get_session_id (hit));
  json_builder_set_member_name (builder, "session_title");
  json_builder_add_string_value (builder, lab_search_hit_get_session_title (hit));
  if (is_message)
    {
      json_builder_set_member_name (builder, "message_id");
      json_builder_add_string_value (builder, lab_search_hit_get_message_id (hit));
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, lab_search_hit_get_sequence (hit));
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, lab_search_hit_get_role (hit));
      json_builder_set_member_name (builder, "author");
      json_builder_add_string_value (builder, lab_search_hit_get_author (hit));
      json_builder_set_member_name (builder, "created_at");
    }
  else
    json_builder_set_member_name (builder, "last_activity_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "snippet");
  json_builder_add_string_value (builder, plain);
  json_builder_set_member_name (builder, "highlighted");
  json_builder_add_string_value (builder, marked);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

int
lab_cli_cmd_search (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabSearchQuery) query = NULL;
  g_autoptr(LabSearchResults) results = NULL;
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GTimer) timer = NULL;
  g_autofree char *session = NULL;
  g_autofree char *role = NULL;
  g_autofree char *author = NULL;
  g_autofree char *text = NULL;
  LabCliFilterOptions filter_options = { 0 };
  gboolean no_sessions = FALSE;
  gint64 since = 0, until = 0;
  int limit = 50;
  int offset = 0;
  int exit_code;
  double elapsed_ms;
  GOptionEntry entries[] = {
    { "session", 's', 0, G_OPTION_ARG_STRING, &session,
      N_("Only messages of this session (id or start of one)"), "ID" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("Only messages of this role (user, assistant, system, tool_call, tool_result, thought)"),
      "ROLE" },
    { "author", 0, 0, G_OPTION_ARG_STRING, &author, N_("Only messages by this author"), "NAME" },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit, N_("How many messages at most (default 50)"), "N" },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip this many messages (next pages)"), "N" },
    { "messages-only", 0, 0, G_OPTION_ARG_NONE, &no_sessions,
      N_("Do not list sessions whose title, question, keywords or id match"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, "QUERY",
                                        _("Full-text search over messages (content and author) and "
                                          "sessions (title, research question, keywords), newest "
                                          "first. QUERY may use \"phrases\", prefix* words, AND, "
                                          "OR, NOT, parentheses and author:NAME; “id:PREFIX” finds "
                                          "sessions by the start of their id."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lab_cli_filter_add_entries (context, &filter_options, TRUE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    {
      lab_cli_filter_clear (&filter_options);
      return exit_code;
    }

  if (argc < 2)
    exit_code = lab_cli_usage_error (cli, _("what should be searched for? Give a query"));
  else if (limit <= 0 || offset < 0)
    exit_code = lab_cli_usage_error (cli, _("--limit must be positive and --offset not negative"));
  else if (lab_cli_filter_build (cli, &filter_options, filter, &since, &until, &exit_code))
    exit_code = -1;
  lab_cli_filter_clear (&filter_options);
  if (exit_code >= 0)
    return exit_code;

  /* Several words outside quotes make one query, as a search box would. */
  text = g_strjoinv (" ", argv + 1);

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  query = lab_search_query_new (text);
  query->limit = limit;
  query->offset = offset;
  query->session_limit = (no_sessions || offset > 0) ? 0 : 10;
  query->role = g_steal_pointer (&role);
  query->author = g_steal_pointer (&author);
  query->since = since;
  query->until = until;
  query->sessions = g_steal_pointer (&filter);

  if (session != NULL)
    {
      g_autoptr(LabSession) found = lab_browse_get_session (db, session, &error);

      if (found == NULL)
        return lab_cli_fail (cli, error);
      query->session_id = g_strdup (lab_session_get_id (found));
    }

  timer = g_timer_new ();
  results = lab_search_run (db, query, cli->cancellable, &error);
  elapsed_ms = g_timer_elapsed (timer, NULL) * 1000;
  if (results == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "query");
      json_builder_add_string_value (builder, text);
      json_builder_set_member_name (builder, "elapsed_ms");
      json_builder_add_double_value (builder, elapsed_ms);
      json_builder_set_member_name (builder, "has_more");
      json_builder_add_boolean_value (builder, results->has_more);
      json_builder_set_member_name (builder, "sessions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < results->sessions->len; i++)
        json_builder_add_value (builder, hit_to_json (g_ptr_array_index (results->sessions, i)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "messages");
      json_builder_begin_array (builder);
      for (guint i = 0; i < results->messages->len; i++)
        json_builder_add_value (builder, hit_to_json (g_ptr_array_index (results->messages, i)));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  {
    const char *open = cli->stdout_is_tty ? "\033[1m" : "[";
    const char *close = cli->stdout_is_tty ? "\033[0m" : "]";
    g_autoptr(GHashTable) printed = g_hash_table_new (g_str_hash, g_str_equal);

    if (results->sessions->len > 0)
      {
        g_print (_("Sessions:\n"));
        for (guint i = 0; i < results->sessions->len; i++)
          {
            LabSearchHit *hit = g_ptr_array_index (results->sessions, i);
            g_autofree char *snippet = lab_snippet_replace_marks (lab_search_hit_get_snippet (hit),
                                                                  open, close);

            g_print ("  %.8s  %s\n", lab_search_hit_get_session_id (hit), snippet);
          }
        g_print ("\n");
      }

    /* Group the message hits by session, keeping newest-first order of the
     * sessions' first hits. */
    for (guint i = 0; i < results->messages->len; i++)
      {
        LabSearchHit *first = g_ptr_array_index (results->messages, i);
        const char *sid = lab_search_hit_get_session_id (first);

        if (g_hash_table_contains (printed, sid))
          continue;
        g_hash_table_add (printed, (gpointer) sid);

        g_print ("%s (%.8s)\n", lab_search_hit_get_session_title (first), sid);
        for (guint j = i; j < results->messages->len; j++)
          {
            LabSearchHit *hit = g_ptr_array_index (results->messages, j);
            g_autofree char *snippet = NULL;
            g_autofree char *when = NULL;

            if (!g_str_equal (lab_search_hit_get_session_id (hit), sid))
              continue;

            snippet = lab_snippet_replace_marks (lab_search_hit_get_snippet (hit), open, close);
            when = lab_cli_format_time (lab_search_hit_get_created_at (hit));
            g_print ("  #%-5" G_GINT64_FORMAT " %s  %s %s: %s\n", lab_search_hit_get_sequence (hit),
                     when, lab_search_hit_get_role (hit), lab_search_hit_get_author (hit), snippet);
          }
        g_print ("\n");
      }

    if (results->sessions->len == 0 && results->messages->len == 0)
      g_print (_("Nothing matches “%s”.\n"), text);
    else if (results->has_more)
      g_print (_("More results follow; use --offset %d for the next page.\n"), offset + limit);
  }

  return LAB_CLI_EXIT_OK;
}
