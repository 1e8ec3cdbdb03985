/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-demo"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-demo.h"

int
lab_cli_cmd_demo (LabCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  LabDemoOptions options;
  LabDemoStats stats = { 0 };
  int sessions = -1, per_session = -1, seed = -1, large = 0;
  gboolean no_files = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "sessions", 0, 0, G_OPTION_ARG_INT, &sessions, N_("How many sessions (default 200)"), "N" },
    { "messages-per-session", 0, 0, G_OPTION_ARG_INT, &per_session,
      N_("Average chat log length (default 100)"), "M" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed; the same seed makes the same data (default 1)"), "S" },
    { "large-session", 0, 0, G_OPTION_ARG_INT, &large,
      N_("Add one more session with this many messages"), "N" },
    { "no-files", 0, 0, G_OPTION_ARG_NONE, &no_files, N_("Do not write workspace files"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Add realistic, deterministic demo data: sessions with "
                                          "chat logs, metrics, agent activity, meetings, snapshots, "
                                          "analytics and workspace files."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  lab_demo_options_init (&options);
  if (sessions != -1)
    {
      if (sessions < 0 || sessions > 10000000)
        return lab_cli_usage_error (cli, _("--sessions must be between 0 and 10000000"));
      options.n_sessions = sessions;
    }
  if (per_session != -1)
    {
      if (per_session < 0 || per_session > 1000000)
        return lab_cli_usage_error (cli, _("--messages-per-session must be between 0 and 1000000"));
      options.messages_per_session = per_session;
    }
  if (seed != -1)
    {
      if (seed < 0)
        return lab_cli_usage_error (cli, _("--seed must not be negative"));
      options.seed = seed;
    }
  if (large < 0 || large > 10000000)
    return lab_cli_usage_error (cli, _("--large-session must be between 0 and 10000000"));
  options.large_session = large;
  options.with_files = !no_files;

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  if (!lab_demo_generate (db, &options, &stats, lab_cli_progress, cli, cli->cancellable, &error))
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "sessions");
      json_builder_add_int_value (builder, stats.sessions);
      json_builder_set_member_name (builder, "messages");
      json_builder_add_int_value (builder, stats.messages);
      json_builder_set_member_name (builder, "files");
      json_builder_add_int_value (builder, stats.files);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, stats.seconds);
      json_builder_set_member_name (builder, "messages_per_second");
      json_builder_add_double_value (builder, stats.seconds > 0 ? stats.messages / stats.seconds : 0);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
    }
  else
    {
      g_autofree char *s = lab_cli_format_count (stats.sessions);
      g_autofree char *m = lab_cli_format_count (stats.messages);
      g_autofree char *f = lab_cli_format_count (stats.files);
      g_autofree char *rate = lab_cli_format_count (stats.seconds > 0 ? stats.messages / stats.seconds : 0);

      g_print (_("Added %s sessions, %s messages and %s workspace files in %.1f s (%s messages/s).\n"),
               s, m, f, stats.seconds, rate);
    }

  return LAB_CLI_EXIT_OK;
}
