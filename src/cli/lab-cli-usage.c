/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-usage"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-usage.h"

static void
print_items (GListModel *items,
             guint       limit,
             gboolean    with_owner)
{
  guint n = g_list_model_get_n_items (items);

  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (items, i);
      g_autofree char *bytes = lab_cli_format_size (lab_usage_item_get_bytes (item));
      g_autofree char *size = lab_cli_column (bytes, 12, LAB_CLI_COLUMN_RIGHT);
      const char *owner = lab_usage_item_get_owner (item);
      const char *label = lab_usage_item_get_label (item);
      const char *name = lab_usage_item_get_name (item);
      g_autofree char *column = lab_cli_column (label, 40, LAB_CLI_COLUMN_ELLIPSIZE);

      if (with_owner && owner != NULL && !g_str_equal (owner, name))
        g_print ("  %s %s  (%s)\n", column, size, owner);
      else if (!with_owner && !g_str_equal (label, name))
        g_print ("  %s %s  %s\n", column, size, name);
      else
        g_print ("  %s %s\n", column, size);
    }

  if (limit > 0 && n > limit)
    g_print (_("  … and %u more\n"), n - limit);
}

int
lab_cli_cmd_usage (LabCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabUsage) usage = NULL;
  gboolean cached = FALSE;
  int limit = 10;
  int exit_code;
  GOptionEntry entries[] = {
    { "cached", 0, 0, G_OPTION_ARG_NONE, &cached,
      N_("Show the figures measured last time, if any, instead of measuring"), NULL },
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit,
      N_("How many tables and sessions to list (default 10; 0 for all)"), "N" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Show what the store takes on the disk: the database "
                                          "and each of its tables, the workspace files of each "
                                          "session, backups, archives, logs, and the free space "
                                          "left."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  if (limit < 0)
    return lab_cli_usage_error (cli, _("--limit must not be negative"));

  if (!g_file_test (lab_data_dir_get_root (lab_cli_get_data_dir (cli)), G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no store in “%s”"),
                   lab_data_dir_get_root (lab_cli_get_data_dir (cli)));
      return lab_cli_fail (cli, error);
    }

  if (cached)
    {
      usage = lab_usage_load_cached (lab_cli_get_data_dir (cli), &error);
      if (usage == NULL && error != NULL)
        return lab_cli_fail (cli, error);
    }

  if (usage == NULL)
    {
      usage = lab_usage_compute (lab_cli_get_data_dir (cli), lab_cli_progress, cli,
                                 cli->cancellable, &error);
      lab_cli_progress_done (cli);
      if (usage == NULL)
        return lab_cli_fail (cli, error);
    }

  if (cli->json)
    {
      g_autoptr(JsonNode) node = lab_usage_to_json (usage);

      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  {
    g_autofree char *total = lab_cli_format_size (lab_usage_get_total (usage));
    g_autofree char *free_space = lab_cli_format_size (lab_usage_get_free_space (usage));
    g_autofree char *when = lab_cli_format_time (lab_usage_get_computed_at (usage));
    GListModel *categories = lab_usage_get_categories (usage);

    g_print (_("Data folder: %s, %s in all; %s free on the disk\n"),
             lab_data_dir_get_root (lab_cli_get_data_dir (cli)), total, free_space);
    for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
      {
        g_autoptr(LabUsageItem) item = g_list_model_get_item (categories, i);
        g_autofree char *bytes = lab_cli_format_size (lab_usage_item_get_bytes (item));
        g_autofree char *size = lab_cli_column (bytes, 12, LAB_CLI_COLUMN_RIGHT);
        g_autofree char *column = lab_cli_column (lab_usage_item_get_label (item), 40,
                                                  LAB_CLI_COLUMN_ELLIPSIZE);

        g_print ("  %s %s\n", column, size);
      }

    if (g_list_model_get_n_items (lab_usage_get_btrees (usage)) > 0)
      {
        g_print (_("\nLargest tables and indexes:\n"));
        print_items (lab_usage_get_btrees (usage), limit, TRUE);
      }

    if (g_list_model_get_n_items (lab_usage_get_sessions (usage)) > 0)
      {
        g_print (_("\nLargest session folders:\n"));
        print_items (lab_usage_get_sessions (usage), limit, FALSE);
      }

    g_print (_("\nMeasured %s in %.2f s.\n"), when, lab_usage_get_duration (usage));

    if (lab_usage_is_space_low (usage))
      {
        g_autofree char *threshold =
          lab_cli_format_size (lab_usage_get_low_space_threshold (usage));

        g_print (_("Warning: the disk is almost full (less than %s free). Backups and compacting "
                   "need room; run “labdata-cli cleanup --dry-run” to see what can go.\n"),
                 threshold);
      }
  }

  return LAB_CLI_EXIT_OK;
}
