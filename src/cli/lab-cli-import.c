/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-import"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-import.h"
#include "lab-schema.h"
#include "lab-timestamp.h"

/* How many conflicts the terminal output lists; --json lists all the
 * preview has. */
#define SHOWN_CONFLICTS 20

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_counts (JsonBuilder           *builder,
            const char            *name,
            const LabImportCounts *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "new");
  json_builder_add_int_value (builder, counts->n_new);
  json_builder_set_member_name (builder, "identical");
  json_builder_add_int_value (builder, counts->n_identical);
  json_builder_set_member_name (builder, "conflicting");
  json_builder_add_int_value (builder, counts->n_conflicting);
  json_builder_end_object (builder);
}

static void
add_preview_json (JsonBuilder      *builder,
                  LabImportPreview *preview)
{
  const LabTableInfo *tables;
  guint n_tables;
  LabImportCounts counts;
  GListModel *conflicts = lab_import_preview_get_conflicts (preview);
  const char * const *warnings = lab_import_preview_get_warnings (preview);

  tables = lab_schema_get_tables (&n_tables);

  json_builder_begin_object (builder);
  add_string (builder, "path", lab_import_preview_get_path (preview));
  add_string (builder, "format", lab_import_preview_get_format (preview) == LAB_IMPORT_FORMAT_ARCHIVE
                                 ? "labdata" : "legacy-json");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, lab_import_preview_get_version (preview));
  add_string (builder, "exported_at", lab_import_preview_get_exported_at (preview));
  add_string (builder, "app_version", lab_import_preview_get_app_version (preview));

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_tables; i++)
    {
      lab_import_preview_get_counts (preview, tables[i].name, &counts);
      add_counts (builder, tables[i].name, &counts);
    }
  lab_import_preview_get_counts (preview, "files", &counts);
  add_counts (builder, "files", &counts);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "n_conflicts");
  json_builder_add_int_value (builder, lab_import_preview_get_n_conflicts (preview));
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (conflicts); i++)
    {
      g_autoptr(LabImportConflict) conflict = g_list_model_get_item (conflicts, i);
      g_autofree char *description = lab_import_conflict_describe (conflict);
      const char * const *columns = lab_import_conflict_get_columns (conflict);

      json_builder_begin_object (builder);
      add_string (builder, "table", lab_import_conflict_get_table (conflict));
      add_string (builder, "key", lab_import_conflict_get_key (conflict));
      add_string (builder, "session_id", lab_import_conflict_get_session_id (conflict));
      json_builder_set_member_name (builder, "columns");
      json_builder_begin_array (builder);
      for (guint c = 0; columns[c] != NULL; c++)
        json_builder_add_string_value (builder, columns[c]);
      json_builder_end_array (builder);
      add_string (builder, "description", description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; warnings[i] != NULL; i++)
    json_builder_add_string_value (builder, warnings[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_preview (LabImportPreview *preview)
{
  const LabTableInfo *tables;
  guint n_tables;
  LabImportCounts counts;
  GListModel *conflicts = lab_import_preview_get_conflicts (preview);
  const char * const *warnings = lab_import_preview_get_warnings (preview);
  guint64 n_conflicts = lab_import_preview_get_n_conflicts (preview);
  guint shown = MIN (g_list_model_get_n_items (conflicts), SHOWN_CONFLICTS);

  tables = lab_schema_get_tables (&n_tables);

  if (lab_import_preview_get_format (preview) == LAB_IMPORT_FORMAT_ARCHIVE)
    g_print (_("Archive:  %s (format version %d, LabData %s)\n"), lab_import_preview_get_path (preview),
             lab_import_preview_get_version (preview),
             lab_import_preview_get_app_version (preview) ? lab_import_preview_get_app_version (preview)
                                                           : _("unknown"));
  else
    g_print (_("JSON export:  %s (version %d)\n"), lab_import_preview_get_path (preview),
             lab_import_preview_get_version (preview));
  if (lab_import_preview_get_exported_at (preview) != NULL)
    {
      gint64 usec = 0;

      if (lab_timestamp_parse (lab_import_preview_get_exported_at (preview), &usec))
        {
          g_autofree char *when = lab_cli_format_time (usec);

          g_print (_("Exported: %s\n"), when);
        }
    }

  {
    g_autofree char *added = lab_cli_column (_("NEW"), 12, LAB_CLI_COLUMN_RIGHT);
    g_autofree char *identical = lab_cli_column (_("IDENTICAL"), 12, LAB_CLI_COLUMN_RIGHT);
    g_autofree char *conflicting = lab_cli_column (_("CONFLICTING"), 12, LAB_CLI_COLUMN_RIGHT);

    g_print ("\n%16s %s %s %s\n", "", added, identical, conflicting);
  }
  for (guint i = 0; i <= n_tables; i++)
    {
      const char *name = i < n_tables ? tables[i].name : "files";
      g_autofree char *n_new = NULL;
      g_autofree char *n_identical = NULL;
      g_autofree char *n_conflicting = NULL;
      g_autofree char *label = NULL;

      lab_import_preview_get_counts (preview, name, &counts);
      if (counts.n_new + counts.n_identical + counts.n_conflicting == 0)
        continue;
      n_new = lab_cli_format_count (counts.n_new);
      n_identical = lab_cli_format_count (counts.n_identical);
      n_conflicting = lab_cli_format_count (counts.n_conflicting);
      label = lab_cli_column (i < n_tables ? name : _("workspace files"), 16, LAB_CLI_COLUMN_LEFT);
      g_print ("%s %12s %12s %12s\n", label, n_new, n_identical, n_conflicting);
    }

  if (n_conflicts > 0)
    {
      g_autofree char *total = lab_cli_format_count (n_conflicts);

      g_print (_("\nConflicts (%s):\n"), total);
      for (guint i = 0; i < shown; i++)
        {
          g_autoptr(LabImportConflict) conflict = g_list_model_get_item (conflicts, i);
          g_autofree char *description = lab_import_conflict_describe (conflict);

          g_print ("  %s\n", description);
        }
      if (n_conflicts > shown)
        {
          g_autofree char *more = lab_cli_format_count (n_conflicts - shown);

          g_print (_("  … and %s more (--json lists up to %d)\n"), more, LAB_IMPORT_MAX_LISTED_CONFLICTS);
        }
    }

  if (warnings[0] != NULL)
    {
      g_print (_("\nNotes:\n"));
      for (guint i = 0; warnings[i] != NULL; i++)
        g_print ("  %s\n", warnings[i]);
    }
}

static void
add_result_json (JsonBuilder     *builder,
                 LabImportResult *result)
{
  const LabTableInfo *tables;
  guint n_tables;
  GHashTableIter iter;
  gpointer key, value;

  tables = lab_schema_get_tables (&n_tables);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_tables; i++)
    {
      json_builder_set_member_name (builder, tables[i].name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "inserted");
      json_builder_add_int_value (builder, result->inserted[i]);
      json_builder_set_member_name (builder, "replaced");
      json_builder_add_int_value (builder, result->replaced[i]);
      json_builder_set_member_name (builder, "copied");
      json_builder_add_int_value (builder, result->copied[i]);
      json_builder_set_member_name (builder, "skipped");
      json_builder_add_int_value (builder, result->skipped[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "added");
  json_builder_add_int_value (builder, result->files_added);
  json_builder_set_member_name (builder, "replaced");
  json_builder_add_int_value (builder, result->files_replaced);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, result->files_skipped);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "copied_sessions");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, result->copied_sessions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  add_string (builder, "backup", result->backup_name);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, result->seconds);
  json_builder_end_object (builder);
}

static void
print_result (LabImportResult *result)
{
  guint n_tables;
  guint64 inserted = 0, replaced = 0, copied = 0, skipped = 0;

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      inserted += result->inserted[i];
      replaced += result->replaced[i];
      copied += result->copied[i];
      skipped += result->skipped[i];
    }

  if (lab_import_result_get_total (result) == 0)
    {
      g_print (_("Nothing was imported: the store already has everything in the archive that "
                 "this policy imports.\n"));
      return;
    }

  {
    g_autofree char *rows = lab_cli_format_count (inserted);
    g_autofree char *files = lab_cli_format_count (result->files_added);

    g_print (_("Imported %s new rows and %s workspace files"), rows, files);
  }
  if (replaced > 0 || result->files_replaced > 0)
    {
      g_autofree char *rows = lab_cli_format_count (replaced);
      g_autofree char *files = lab_cli_format_count (result->files_replaced);

      g_print (_("; replaced %s rows and %s files"), rows, files);
    }
  if (copied > 0)
    {
      g_autofree char *rows = lab_cli_format_count (copied);
      g_autofree char *sessions = lab_cli_format_count (g_hash_table_size (result->copied_sessions));

      g_print (_("; kept both versions of %s sessions (%s rows copied with new ids)"), sessions, rows);
    }
  if (skipped > 0 || result->files_skipped > 0)
    {
      g_autofree char *n = lab_cli_format_count (skipped + result->files_skipped);

      g_print (_("; skipped %s conflicting items"), n);
    }
  g_print (_(" (%.1f s).\n"), result->seconds);
  if (result->backup_name != NULL)
    g_print (_("The store was backed up first: %s\n"), result->backup_name);
}

/* {"preview": …, "dry_run": …} or {"preview": …, "policy": …, "result": …} */
static void
print_json (LabCli           *cli,
            LabImportPreview *preview,
            gboolean          dry_run,
            LabImportPolicy   policy,
            LabImportResult  *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "preview");
  add_preview_json (builder, preview);
  if (result == NULL)
    {
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
    }
  else
    {
      add_string (builder, "policy", lab_import_policy_to_string (policy));
      json_builder_set_member_name (builder, "result");
      add_result_json (builder, result);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  lab_cli_print_json (cli, node);
}

int
lab_cli_cmd_import (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autofree char *on_conflict = NULL;
  LabImportPolicy policy = LAB_IMPORT_SKIP;
  LabImportCounts totals;
  gboolean dry_run = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show what the import would do: new, identical and conflicting rows"), NULL },
    { "on-conflict", 0, 0, G_OPTION_ARG_STRING, &on_conflict,
      N_("What to do with rows and files the store has in another version: skip (the default), "
         "replace, or keep-both (import a conflicting session as a copy with new ids)"), "POLICY" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, "FILE",
                                        _("Import a .labdata archive, or a JSON export of the older "
                                          "browser app ({version, exportedAt, sessions, chatLogs, "
                                          "brains}). Everything is checked before anything is "
                                          "changed, and the store is backed up first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;

  if (argc != 2)
    return lab_cli_usage_error (cli, argc < 2 ? _("which file? Give an archive to import")
                                              : _("give exactly one file"));
  if (on_conflict != NULL && !lab_import_policy_from_string (on_conflict, &policy))
    return lab_cli_usage_error (cli, _("--on-conflict must be skip, replace or keep-both"));

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  preview = lab_import_preview_load (db, argv[1], NULL, lab_cli_progress, cli, cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (preview == NULL)
    return lab_cli_fail (cli, error);

  lab_import_preview_get_totals (preview, &totals);

  if (!cli->json)
    print_preview (preview);

  if (dry_run || !lab_import_preview_has_changes (preview))
    {
      if (cli->json)
        print_json (cli, preview, dry_run, policy, NULL);
      else if (dry_run)
        g_print (_("\nNothing was imported (dry run).\n"));
      else
        g_print (_("\nNothing to import: the store already has everything in the archive.\n"));
      return LAB_CLI_EXIT_OK;
    }

  if (!cli->json)
    g_print ("\n");

  if (totals.n_conflicting > 0 && policy == LAB_IMPORT_REPLACE)
    {
      g_autofree char *n = lab_cli_format_count (totals.n_conflicting);
      g_autofree char *question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "Replace %s row or file of the store with "
                                                                "the archive's version?",
                                                                "Replace %s rows and files of the store with "
                                                                "the archive's version?",
                                                                totals.n_conflicting), n);

      if (!lab_cli_confirm (cli, question, &exit_code))
        return exit_code;
    }
  else if (totals.n_conflicting > 0 && on_conflict == NULL && !cli->json)
    {
      g_autofree char *n = lab_cli_format_count (totals.n_conflicting);

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%s conflicting item is skipped; use --on-conflict replace or keep-both to "
                            "import it.\n",
                            "%s conflicting items are skipped; use --on-conflict replace or keep-both to "
                            "import them.\n", totals.n_conflicting), n);
    }

  result = lab_import_preview_apply (preview, db, policy, lab_cli_progress, cli, cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (result == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    print_json (cli, preview, FALSE, policy, result);
  else
    print_result (result);

  return LAB_CLI_EXIT_OK;
}
