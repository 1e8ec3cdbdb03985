/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-info"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-store-info.h"

static void
print_size_line (const char *label,
                 guint64     bytes)
{
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *column = lab_cli_column (label, 22, LAB_CLI_COLUMN_LEFT);

  g_print ("  %s %s\n", column, size);
}

int
lab_cli_cmd_info (LabCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabStoreInfo) info = NULL;
  int exit_code;

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Show where the store is, the size of each part, the "
                                          "number of rows of each table and the schema version."));
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  db = lab_cli_open_db (cli, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  info = lab_store_info_collect (db, &error);
  if (info == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = lab_store_info_to_json (info);

      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  g_print (_("Data folder:    %s\n"), info->root);
  g_print (_("Database:       %s\n"), info->db_path);
  g_print (_("Schema version: %d\n"), info->schema_version);
  g_print (_("\nSizes:\n"));
  print_size_line (_("Database"), info->db_size);
  print_size_line (_("Write-ahead log"), info->wal_size);
  print_size_line (_("Reclaimable"), info->free_pages * info->page_size);
  {
    g_autofree char *size = g_format_size (info->workspace_size);
    g_autofree char *files = lab_cli_format_count (info->workspace_files);
    g_autofree char *column = lab_cli_column (_("Workspace files"), 22, LAB_CLI_COLUMN_LEFT);

    g_print ("  %s %s (%s)\n", column, size,
             /* Translators: a number of files */
             files);
  }
  print_size_line (_("Backups"), info->backups_size);
  print_size_line (_("Archives"), info->archives_size);
  print_size_line (_("Logs"), info->logs_size);
  print_size_line (_("Total"), lab_store_info_total_size (info));

  g_print (_("\nRows:\n"));
  for (guint i = 0; i < info->counts->len; i++)
    {
      LabTableCount *count = &g_array_index (info->counts, LabTableCount, i);
      g_autofree char *n = lab_cli_format_count (count->rows);

      g_print ("  %-22s %12s\n", count->table, n);
    }

  return LAB_CLI_EXIT_OK;
}
