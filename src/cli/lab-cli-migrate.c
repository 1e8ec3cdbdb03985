/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-migrate"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-migrate.h"
#include "lab-schema.h"
#include "lab-timestamp.h"

/* The tables a migration fills, in the order people read them. */
static const char * const report_tables[] = {
  "sessions", "messages", "agent_activity", "metrics", "meetings", "workspace_files", "brains",
  NULL
};

static void
print_source (LabLegacySource *source)
{
  GArray *counts = lab_legacy_source_get_counts (source);
  GPtrArray *notes = lab_legacy_source_get_notes (source);
  const GError *problem = lab_legacy_source_get_problem (source);
  g_autoptr(GString) line = g_string_new (NULL);

  g_print ("  %s: %s\n", lab_legacy_kind_get_label (lab_legacy_source_get_kind (source)),
           lab_legacy_source_get_display_name (source));

  for (guint i = 0; i < counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (counts, LabLegacyCount, i);
      g_autofree char *n = lab_cli_format_count (count->count);

      g_string_append_printf (line, "%s%s %s", line->len ? ", " : "", count->name, n);
      if (count->size > 0)
        {
          g_autofree char *size = g_format_size (count->size);

          g_string_append_printf (line, " (%s)", size);
        }
    }
  if (line->len > 0)
    g_print ("    %s\n", line->str);

  if (lab_legacy_source_get_first_time (source) != 0)
    {
      g_autofree char *first = lab_cli_format_time (lab_legacy_source_get_first_time (source));
      g_autofree char *last = lab_cli_format_time (lab_legacy_source_get_last_time (source));

      g_print (_("    From %s to %s\n"), first, last);
    }

  for (guint i = 0; i < notes->len; i++)
    g_print (_("    Note: %s\n"), (const char *) g_ptr_array_index (notes, i));

  if (problem != NULL)
    g_print (_("    Cannot be migrated: %s\n"), problem->message);
}

static void
print_counts (LabMigrationReport *report,
              int                 source)
{
  g_autoptr(GString) added = g_string_new (NULL);
  g_autoptr(GString) existing = g_string_new (NULL);

  for (guint t = 0; report_tables[t] != NULL; t++)
    {
      gint64 a = lab_migration_report_get_added (report, source, report_tables[t]);
      gint64 e = lab_migration_report_get_existing (report, source, report_tables[t]);

      if (a > 0)
        {
          g_autofree char *n = lab_cli_format_count (a);

          g_string_append_printf (added, "%s%s %s", added->len ? ", " : "", report_tables[t], n);
        }
      if (e > 0)
        {
          g_autofree char *n = lab_cli_format_count (e);

          g_string_append_printf (existing, "%s%s %s", existing->len ? ", " : "",
                                  report_tables[t], n);
        }
    }

  if (added->len > 0)
    {
      g_autofree char *bytes = g_format_size (lab_migration_report_get_bytes (report, source));

      g_print ("    %s (%s %s)\n", added->str, bytes, _("of files"));
    }
  else
    g_print (_("    nothing new\n"));
  if (existing->len > 0)
    g_print (_("    already migrated before: %s\n"), existing->str);
}

static void
print_issues (LabMigrationReport *report)
{
  GPtrArray *issues = lab_migration_report_get_issues (report);

  if (issues->len == 0)
    return;

  g_print (ngettext ("\n%u thing to know:\n", "\n%u things to know:\n", issues->len), issues->len);
  for (guint i = 0; i < issues->len; i++)
    {
      LabMigrationIssue *issue = g_ptr_array_index (issues, i);

      g_print ("  %s: %s\n", issue->item, issue->message);
    }
}

static void
print_report (LabMigrationReport *report,
              gboolean            issues)
{
  guint n = lab_migration_report_get_n_sources (report);
  gboolean dry_run = lab_migration_report_get_kind (report) == LAB_MIGRATION_REPORT_DRY_RUN;

  g_print (dry_run ? _("\nA migration would add:\n") : _("\nMigrated:\n"));
  for (guint i = 0; i < n; i++)
    {
      LabLegacySource *source = lab_migration_report_get_source (report, i);

      g_print ("  %s\n", lab_legacy_source_get_display_name (source));
      if (lab_migration_report_get_source_skipped (report, i))
        g_print (_("    skipped: it cannot be migrated as it is\n"));
      else
        print_counts (report, i);
    }

  if (dry_run)
    {
      g_autofree char *needed = g_format_size (lab_migration_report_get_space_needed (report));
      g_autofree char *available = g_format_size (lab_migration_report_get_space_free (report));

      g_print (_("  Disk space: about %s needed, %s free\n"), needed, available);
    }

  if (issues)
    print_issues (report);
}

static int
print_json (LabCli             *cli,
            LabMigrationReport *report,
            int                 exit_code)
{
  g_autoptr(JsonNode) node = lab_migration_report_to_json (report);

  lab_cli_print_json (cli, node);
  return exit_code;
}

static char *
describe_plan (LabMigrationReport *report)
{
  gint64 sessions = lab_migration_report_get_added (report, -1, "sessions");
  gint64 messages = lab_migration_report_get_added (report, -1, "messages");
  gint64 files = lab_migration_report_get_added (report, -1, "workspace_files");
  g_autofree char *s = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions",
                                                            sessions), sessions);
  g_autofree char *m = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages",
                                                            messages), messages);
  g_autofree char *f = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s file", "%s files",
                                                            files), files);

  /* Translators: "2 sessions, 40 messages and 3 files" */
  return g_strdup_printf (_("%s, %s and %s"), s, m, f);
}

static int
run_rollback (LabCli     *cli,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *question = NULL;
  int exit_code;

  log_path = lab_migrate_find_log (lab_cli_get_data_dir (cli), name, &error);
  if (log_path == NULL)
    return lab_cli_fail (cli, error);

  question = g_strdup_printf (_("Undo the migration recorded in “%s”? Everything it added to the "
                                "store is removed (a backup is made first)."), log_path);
  if (!lab_cli_confirm (cli, question, &exit_code))
    return exit_code;

  report = lab_migrate_rollback (lab_cli_get_data_dir (cli), log_path, lab_cli_progress, cli,
                                 cli->cancellable, &error);
  if (report == NULL)
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    return print_json (cli, report, LAB_CLI_EXIT_OK);

  {
    gint64 sessions = lab_migration_report_get_removed (report, "sessions");
    gint64 messages = lab_migration_report_get_removed (report, "messages");
    gint64 files = lab_migration_report_get_removed (report, "workspace_files");
    g_autofree char *s = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions",
                                                              sessions), sessions);
    g_autofree char *m = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages",
                                                              messages), messages);
    g_autofree char *f = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s file", "%s files",
                                                              files), files);

    /* Translators: "… removed 2 sessions, 40 messages and 3 files." */
    g_print (_("The migration was undone: removed %s, %s and %s.\n"), s, m, f);
    g_print (_("Backup made first: %s\n"), lab_migration_report_get_backup_name (report));
    print_issues (report);
  }

  return LAB_CLI_EXIT_OK;
}

int
lab_cli_cmd_migrate (LabCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) plan = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_auto(GStrv) from = NULL;
  g_autofree char *rollback = NULL;
  gboolean dry_run = FALSE;
  gboolean move_files = FALSE;
  LabMigrateFlags flags = LAB_MIGRATE_FLAGS_NONE;
  int exit_code;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &from,
      N_("Migrate from this folder or file instead of the usual places (repeatable)"), "PATH" },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show what would be migrated; change nothing"), NULL },
    { "move-files", 0, 0, G_OPTION_ARG_NONE, &move_files,
      N_("Remove the legacy workspace files once their copies are verified"), NULL },
    { "rollback", 0, 0, G_OPTION_ARG_FILENAME, &rollback,
      N_("Undo the migration recorded in this log (logs/migration_log_*.json)"), "LOG" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Bring in data of the older layouts: an "
                                          "~/.ai_research_lab folder, an agent server’s events.db "
                                          "with its workspace folders (in the current folder or "
                                          "/var/data), or what --from names. The sources are only "
                                          "read. A backup of the store is made first, everything "
                                          "is verified, and a failure changes nothing. Migrating "
                                          "again brings in only what is new."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  if (rollback != NULL)
    {
      if (from != NULL || dry_run || move_files)
        return lab_cli_usage_error (cli, _("--rollback takes no other option"));
      return run_rollback (cli, rollback);
    }
  if (dry_run && move_files)
    return lab_cli_usage_error (cli, _("--move-files and --dry-run do not go together"));

  sources = lab_legacy_detect ((const char * const *) from, cli->cancellable, &error);
  if (sources == NULL)
    return lab_cli_fail (cli, error);

  if (sources->len == 0 && !cli->json)
    {
      g_auto(GStrv) places = lab_legacy_default_locations ();
      g_autofree char *list = g_strjoinv (", ", places);

      g_print (_("No legacy data was found (looked in %s). Use --from PATH to name a folder or "
                 "file.\n"), list);
      return LAB_CLI_EXIT_OK;
    }

  if (!cli->json)
    {
      g_print (ngettext ("Found %u source of legacy data:\n", "Found %u sources of legacy data:\n",
                         sources->len), sources->len);
      for (guint i = 0; i < sources->len; i++)
        print_source (g_ptr_array_index (sources, i));
    }

  /* The dry run is also the plan the question is about; with --yes there is
   * no question, and the migration makes its own dry pass. */
  if (dry_run || !cli->yes)
    {
      plan = lab_migrate (lab_cli_get_data_dir (cli), sources, LAB_MIGRATE_DRY_RUN,
                          lab_cli_progress, cli, cli->cancellable, &error);
      if (plan == NULL)
        return lab_cli_fail (cli, error);
      lab_cli_progress_done (cli);
    }

  if (dry_run)
    {
      if (cli->json)
        print_json (cli, plan, LAB_CLI_EXIT_OK);
      else
        {
          print_report (plan, TRUE);
          g_print (_("\nDry run: nothing was changed.\n"));
        }
      return lab_migration_report_get_any_skipped (plan) ? LAB_CLI_EXIT_PROBLEMS : LAB_CLI_EXIT_OK;
    }

  if (plan != NULL && !lab_migration_report_get_any_skipped (plan) &&
      lab_migration_report_get_total_added (plan) > 0)
    {
      const char *root = lab_data_dir_get_root (lab_cli_get_data_dir (cli));
      g_autofree char *what = describe_plan (plan);
      g_autofree char *question = g_strdup_printf (move_files
                                                   ? _("Migrate %s into %s, and then remove the "
                                                       "legacy workspace files?")
                                                   : _("Migrate %s into %s?"),
                                                   what, root);

      if (!cli->json)
        print_report (plan, TRUE);
      if (!lab_cli_confirm (cli, question, &exit_code))
        return exit_code;
    }

  if (move_files)
    flags |= LAB_MIGRATE_MOVE_FILES;
  report = lab_migrate (lab_cli_get_data_dir (cli), sources, flags, lab_cli_progress, cli,
                        cli->cancellable, &error);
  if (report == NULL)
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    return print_json (cli, report, LAB_CLI_EXIT_OK);

  if (lab_migration_report_get_total_added (report) == 0)
    {
      g_print (_("\nNothing new to migrate: everything in these sources was migrated before.\n"));
      return LAB_CLI_EXIT_OK;
    }

  /* Without a question the plan was not shown: the result says it all. */
  if (plan == NULL)
    print_report (report, TRUE);

  {
    g_autofree char *what = describe_plan (report);

    g_print (_("\nMigrated %s; verified against the sources.\n"), what);
    if (lab_migration_report_get_backup_name (report) != NULL)
      g_print (_("Backup made first: %s\n"), lab_migration_report_get_backup_name (report));
    else
      g_print (_("No backup was needed: the store was new.\n"));
    if (lab_migration_report_get_log_path (report) != NULL)
      g_print (_("Log: %s (undo with “labdata-cli migrate --rollback %s”)\n"),
               lab_migration_report_get_log_path (report),
               lab_migration_report_get_log_path (report));
  }

  return LAB_CLI_EXIT_OK;
}
