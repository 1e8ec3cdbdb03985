/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-cleanup"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-cleanup.h"
#include "lab-cli-commands.h"

static gboolean
parse_categories (LabCli  *cli,
                  char   **only,
                  guint   *mask,
                  int     *exit_code)
{
  *mask = 0;

  for (guint i = 0; only != NULL && only[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (only[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          LabCleanupCategory category;
          const char *name = g_strstrip (parts[j]);

          if (name[0] == '\0')
            continue;
          if (!lab_cleanup_category_from_string (name, &category))
            {
              g_autoptr(GString) names = g_string_new (NULL);

              for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
                g_string_append_printf (names, "%s%s", c > 0 ? ", " : "",
                                        lab_cleanup_category_to_string (c));
              *exit_code = lab_cli_usage_error (cli, _("there is no category “%s” (the categories "
                                                       "are %s)"), name, names->str);
              return FALSE;
            }
          *mask |= 1u << category;
        }
    }

  return TRUE;
}

static void
print_plan (LabCleanupPlan *plan,
            gboolean        every_item)
{
  guint n = g_list_model_get_n_items (lab_cleanup_plan_get_items (plan));

  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      guint count = lab_cleanup_plan_get_category_count (plan, c);
      g_autofree char *size = NULL;
      g_autofree char *items = NULL;

      if (!lab_cleanup_plan_get_included (plan, c) || count == 0)
        continue;

      size = lab_cli_format_size (lab_cleanup_plan_get_category_bytes (plan, c));
      items = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s item", "%s items", count), count);
      if (lab_cleanup_plan_get_days (plan, c) > 0)
        {
          int days = lab_cleanup_plan_get_days (plan, c);

          /* Translators: "Snapshots (older than 30 days): 12 items, 3.4 MB" */
          g_print (g_dngettext (GETTEXT_PACKAGE, "%s (older than %d day): %s, %s\n",
                                "%s (older than %d days): %s, %s\n", days),
                   lab_cleanup_category_get_label (c), days, items, size);
        }
      else
        g_print (_("%s: %s, %s\n"), lab_cleanup_category_get_label (c), items, size);

      if (!every_item)
        continue;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(LabCleanupItem) item =
            g_list_model_get_item (lab_cleanup_plan_get_items (plan), i);
          g_autofree char *when = NULL;
          g_autofree char *item_size = NULL;
          g_autofree char *bytes = NULL;
          const char *subtitle;
          const char *id;

          if (lab_cleanup_item_get_category (item) != (LabCleanupCategory) c)
            continue;

          when = lab_cli_format_time (lab_cleanup_item_get_time (item));
          item_size = lab_cli_format_size (lab_cleanup_item_get_bytes (item));
          bytes = lab_cli_column (item_size, 10, LAB_CLI_COLUMN_RIGHT);
          subtitle = lab_cleanup_item_get_subtitle (item);
          id = lab_cleanup_item_get_id (item);
          g_print ("  %s  %s  %s", when, bytes, lab_cleanup_item_get_title (item));
          /* Titles need not be unique: the id tells sessions apart. */
          if (c == LAB_CLEANUP_ARCHIVED_SESSIONS &&
              g_strcmp0 (id, lab_cleanup_item_get_title (item)) != 0)
            g_print (" (%s)", id);
          if (subtitle != NULL)
            g_print (" — %s", subtitle);
          g_print ("\n");
        }
    }
}

int
lab_cli_cmd_cleanup (LabCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_auto(GStrv) only = NULL;
  LabCleanupOptions options;
  gboolean dry_run = FALSE;
  int older_than = -1;
  int exit_code;
  GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("List what would be deleted and the space it frees; change nothing"), NULL },
    { "older-than", 0, 0, G_OPTION_ARG_INT, &older_than,
      N_("Delete what is older than DAYS in every category, instead of the store’s policies"),
      "DAYS" },
    { "only", 0, 0, G_OPTION_ARG_STRING_ARRAY, &only,
      N_("Only this category (archived-sessions, snapshots, analytics, backups, archives, logs, "
         "orphans); repeat or separate with commas"), "CATEGORY" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Delete old data as the retention policies in "
                                          "config/config.json say (see “labdata-cli config”). A "
                                          "backup is made first; starred sessions and snapshots "
                                          "and pinned backups are never deleted; the database is "
                                          "compacted after."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  if (older_than != -1 && (older_than < 1 || older_than > 36500))
    return lab_cli_usage_error (cli, _("--older-than must be between 1 and 36500 days"));

  lab_cleanup_options_init (&options);
  options.older_than_days = older_than;
  if (!parse_categories (cli, only, &options.categories, &exit_code))
    return exit_code;

  if (!g_file_test (lab_data_dir_get_root (lab_cli_get_data_dir (cli)), G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no store in “%s”"),
                   lab_data_dir_get_root (lab_cli_get_data_dir (cli)));
      return lab_cli_fail (cli, error);
    }

  plan = lab_cleanup_plan (lab_cli_get_data_dir (cli), &options, cli->cancellable, &error);
  if (plan == NULL)
    return lab_cli_fail (cli, error);

  if (dry_run || lab_cleanup_plan_is_empty (plan))
    {
      if (cli->json)
        {
          g_autoptr(JsonNode) node = lab_cleanup_plan_to_json (plan);

          lab_cli_print_json (cli, node);
        }
      else if (lab_cleanup_plan_is_empty (plan))
        g_print (_("Nothing to clean up.\n"));
      else
        {
          g_autofree char *total = lab_cli_format_size (lab_cleanup_plan_get_total_bytes (plan));
          guint n = lab_cleanup_plan_get_n_included (plan);
          g_autofree char *count = lab_cli_format_count (n);

          print_plan (plan, TRUE);
          g_print (g_dngettext (GETTEXT_PACKAGE, "\nA clean-up would delete %s item and free about %s.\n",
                                "\nA clean-up would delete %s items and free about %s.\n", n),
                   count, total);
        }
      return LAB_CLI_EXIT_OK;
    }

  if (!cli->json)
    print_plan (plan, FALSE);

  {
    g_autofree char *total = lab_cli_format_size (lab_cleanup_plan_get_total_bytes (plan));
    guint n = lab_cleanup_plan_get_n_included (plan);
    g_autofree char *count = lab_cli_format_count (n);
    g_autofree char *question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %s item (about %s)?",
                                                              "Delete %s items (about %s)?", n),
                                                 count, total);

    if (!lab_cli_confirm (cli, question, &exit_code))
      return exit_code;
  }

  result = lab_cleanup_apply (lab_cli_get_data_dir (cli), plan, lab_cli_progress, cli,
                              cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (result == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = lab_cleanup_result_to_json (result);

      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  {
    g_autofree char *count = lab_cli_format_count (result->deleted_ids->len);
    g_autofree char *freed = lab_cli_format_size (result->reclaimed);

    g_print (g_dngettext (GETTEXT_PACKAGE, "Deleted %s item and freed %s in %.1f s.\n",
                          "Deleted %s items and freed %s in %.1f s.\n", result->deleted_ids->len),
             count, freed, result->seconds);
    if (result->backup != NULL)
      g_print (_("A backup was made first: %s.\n"), result->backup);
    if (result->skipped_ids->len > 0)
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u item changed since the plan and was kept.\n",
                            "%u items changed since the plan and were kept.\n",
                            result->skipped_ids->len), result->skipped_ids->len);
    if (result->vacuumed)
      {
        g_autofree char *before = lab_cli_format_size (result->size_before);
        g_autofree char *after = lab_cli_format_size (result->size_after);

        g_print (_("The database was compacted from %s to %s.\n"), before, after);
      }
    else if (result->vacuum_error != NULL)
      g_print (_("The database could not be compacted: %s\n"), result->vacuum_error);
  }

  return LAB_CLI_EXIT_OK;
}
