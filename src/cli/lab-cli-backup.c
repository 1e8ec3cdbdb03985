/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-backup"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-backup.h"
#include "lab-cli-commands.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-schema.h"
#include "lab-store-info.h"

/*
 * The backup commands: backup, backups, verify, restore and prune. They share
 * the way a backup is shown, so they live together.
 */

static char *
describe_state (LabBackupInfo *info)
{
  GString *out = g_string_new (NULL);

  if (lab_backup_info_get_damaged (info))
    g_string_append (out, _("DAMAGED"));
  else if (lab_backup_info_get_verified (info))
    g_string_append (out, _("verified"));
  else
    g_string_append (out, _("not verified"));

  if (lab_backup_info_get_pinned (info))
    g_string_append_printf (out, ", %s", _("pinned"));

  return g_string_free (out, FALSE);
}

static void
print_problems (LabBackupInfo *info)
{
  const char * const *problems = lab_backup_info_get_problems (info);

  for (guint i = 0; problems[i] != NULL; i++)
    g_print ("    %s\n", problems[i]);
}

static void
print_backup_line (LabBackupInfo *info)
{
  g_autofree char *when = lab_cli_format_time (lab_backup_info_get_created_at (info));
  g_autofree char *size = g_format_size (lab_backup_info_get_size (info));
  g_autofree char *files = lab_cli_format_count (lab_backup_info_get_n_files (info));
  g_autofree char *state = describe_state (info);
  g_autofree char *kind = lab_cli_column (lab_backup_kind_get_label (lab_backup_info_get_kind (info)),
                                          17, LAB_CLI_COLUMN_LEFT);
  g_autofree char *size_column = lab_cli_column (size, 10, LAB_CLI_COLUMN_RIGHT);

  g_print ("%-26s %-16s %s %s %8s  %s\n", lab_backup_info_get_name (info), when, kind,
           size_column, files, state);
}

static void
print_json_list (LabCli    *cli,
                 GPtrArray *backups)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < backups->len; i++)
    json_array_add_element (array, lab_backup_info_to_json (backups->pdata[i]));
  json_node_take_array (node, array);
  lab_cli_print_json (cli, node);
}

static gboolean
check_name (LabCli      *cli,
            const char  *name,
            int         *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = lab_backup_get (lab_cli_get_data_dir (cli), name, &error);

  if (info == NULL)
    {
      *exit_code = lab_cli_fail (cli, error);
      return FALSE;
    }

  return TRUE;
}

int
lab_cli_cmd_backup (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  gboolean if_changed = FALSE;
  gboolean skipped = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "if-changed", 0, 0, G_OPTION_ARG_NONE, &if_changed,
      N_("Make none if nothing changed since the last good backup"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Back up the database and the workspace files into the "
                                          "store's backups folder, while the store stays in use. "
                                          "The compression is the store's auto_backup.compression "
                                          "setting."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  name = lab_backup_create_full (lab_cli_get_data_dir (cli), LAB_BACKUP_KIND_MANUAL,
                                 if_changed ? LAB_BACKUP_CREATE_SKIP_UNCHANGED
                                            : LAB_BACKUP_CREATE_DEFAULT,
                                 &skipped, lab_cli_progress, cli, cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (name == NULL)
    return lab_cli_fail (cli, error);

  info = lab_backup_get (lab_cli_get_data_dir (cli), name, &error);
  if (info == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = lab_backup_info_to_json (info);

      json_object_set_boolean_member (json_node_get_object (node), "skipped", skipped);
      lab_cli_print_json (cli, node);
    }
  else if (skipped)
    g_print (_("Nothing changed since the backup %s; no new backup was made.\n"), name);
  else
    {
      g_autofree char *size = g_format_size (lab_backup_info_get_size (info));
      guint n_files = lab_backup_info_get_n_files (info);
      g_autofree char *files = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s workspace file",
                                                                    "%s workspace files", n_files),
                                                       n_files);

      g_print (_("Backed up as %s: %s, %s, in %.1f s.\n"), name, size, files,
               lab_backup_info_get_duration (info));
      g_print ("%s\n", lab_backup_info_get_path (info));
    }

  return LAB_CLI_EXIT_OK;
}

int
lab_cli_cmd_backups (LabCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *unpin = NULL;
  g_autofree char *delete = NULL;
  LabDataDir *dir;
  int exit_code;
  GOptionEntry entries[] = {
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin,
      N_("Pin a backup: retention and cleanup keep it forever"), N_("NAME") },
    { "unpin", 0, 0, G_OPTION_ARG_STRING, &unpin, N_("Unpin a backup"), N_("NAME") },
    { "delete", 0, 0, G_OPTION_ARG_STRING, &delete, N_("Delete a backup (not a pinned one)"),
      N_("NAME") },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("List the backups, newest first, with their kind, size, "
                                          "number of workspace files and verified state; or pin, "
                                          "unpin or delete one."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  if ((pin != NULL) + (unpin != NULL) + (delete != NULL) > 1)
    return lab_cli_usage_error (cli, _("give only one of --pin, --unpin and --delete"));

  dir = lab_cli_get_data_dir (cli);

  if (pin != NULL || unpin != NULL)
    {
      if (!check_name (cli, pin ? pin : unpin, &exit_code))
        return exit_code;
      if (!lab_backup_set_pinned (dir, pin ? pin : unpin, pin != NULL, &error))
        return lab_cli_fail (cli, error);
      if (!cli->json)
        g_print (pin ? _("Pinned %s.\n") : _("Unpinned %s.\n"), pin ? pin : unpin);
    }
  else if (delete != NULL)
    {
      g_autofree char *question = NULL;

      if (!check_name (cli, delete, &exit_code))
        return exit_code;
      question = g_strdup_printf (_("Delete the backup %s?"), delete);
      if (!lab_cli_confirm (cli, question, &exit_code))
        return exit_code;
      if (!lab_backup_delete (dir, delete, &error))
        return lab_cli_fail (cli, error);
      if (!cli->json)
        g_print (_("Deleted %s.\n"), delete);
    }

  backups = lab_backup_list (dir, &error);
  if (backups == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      print_json_list (cli, backups);
      return LAB_CLI_EXIT_OK;
    }

  if (pin != NULL || unpin != NULL || delete != NULL)
    return LAB_CLI_EXIT_OK;

  if (backups->len == 0)
    {
      g_print (_("No backups yet. Make one with “labdata-cli backup”.\n"));
      return LAB_CLI_EXIT_OK;
    }

  {
    g_autofree char *name = lab_cli_column (_("NAME"), 26, LAB_CLI_COLUMN_LEFT);
    g_autofree char *created = lab_cli_column (_("CREATED"), 16, LAB_CLI_COLUMN_LEFT);
    g_autofree char *kind = lab_cli_column (_("KIND"), 17, LAB_CLI_COLUMN_LEFT);
    g_autofree char *size = lab_cli_column (_("SIZE"), 10, LAB_CLI_COLUMN_RIGHT);
    g_autofree char *files = lab_cli_column (_("FILES"), 8, LAB_CLI_COLUMN_RIGHT);

    g_print ("%s %s %s %s %s  %s\n", name, created, kind, size, files, _("STATE"));
  }
  for (guint i = 0; i < backups->len; i++)
    {
      print_backup_line (backups->pdata[i]);
      if (lab_backup_info_get_damaged (backups->pdata[i]))
        print_problems (backups->pdata[i]);
    }

  return LAB_CLI_EXIT_OK;
}

int
lab_cli_cmd_verify (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  guint n_damaged = 0;
  int exit_code;

  context = lab_cli_option_context_new (cli, _("[NAME]"),
                                        _("Verify one backup, or all: the checksum of the database "
                                          "file, the database itself (integrity, schema version, "
                                          "row counts) and every workspace file. The result is "
                                          "recorded. Exit status 3 if a backup is damaged."));
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 2)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[2]);

  if (argc == 2)
    {
      LabBackupInfo *info;

      if (!check_name (cli, argv[1], &exit_code))
        return exit_code;
      info = lab_backup_verify (lab_cli_get_data_dir (cli), argv[1], lab_cli_progress, cli,
                                cli->cancellable, &error);
      if (info != NULL)
        {
          results = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (results, info);
        }
    }
  else
    results = lab_backup_verify_all (lab_cli_get_data_dir (cli), lab_cli_progress, cli,
                                     cli->cancellable, &error);
  lab_cli_progress_done (cli);

  if (results == NULL)
    return lab_cli_fail (cli, error);

  for (guint i = 0; i < results->len; i++)
    n_damaged += lab_backup_info_get_damaged (results->pdata[i]);

  if (cli->json)
    print_json_list (cli, results);
  else if (results->len == 0)
    g_print (_("No backups to verify.\n"));
  else
    {
      for (guint i = 0; i < results->len; i++)
        {
          LabBackupInfo *info = results->pdata[i];

          g_print ("%s: %s\n", lab_backup_info_get_name (info),
                   lab_backup_info_get_damaged (info) ? _("DAMAGED") : _("good"));
          print_problems (info);
        }
      if (n_damaged > 0)
        g_print (ngettext ("%u backup is damaged; it will not be offered for restoring.\n",
                           "%u backups are damaged; they will not be offered for restoring.\n",
                           n_damaged), n_damaged);
    }

  return n_damaged > 0 ? LAB_CLI_EXIT_PROBLEMS : LAB_CLI_EXIT_OK;
}

static void
print_comparison (LabCli        *cli,
                  LabBackupInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabStoreInfo) now = NULL;
  g_autofree char *when = lab_cli_format_time (lab_backup_info_get_created_at (info));
  const LabTableInfo *tables;
  guint n_tables;

  g_printerr (_("Backup %s, made %s (%s).\n"), lab_backup_info_get_name (info), when,
              lab_backup_kind_get_label (lab_backup_info_get_kind (info)));

  /* What is there now, if there is a store to compare with. */
  if (lab_data_dir_exists (lab_cli_get_data_dir (cli)))
    {
      db = lab_db_open (lab_cli_get_data_dir (cli), LAB_DB_OPEN_READ_ONLY, &error);
      if (db != NULL)
        now = lab_store_info_collect (db, NULL);
    }

  {
    g_autofree char *now_heading = lab_cli_column (_("now"), 14, LAB_CLI_COLUMN_RIGHT);
    g_autofree char *then_heading = lab_cli_column (_("in the backup"), 14, LAB_CLI_COLUMN_RIGHT);

    g_printerr ("  %18s %s %s\n", "", now_heading, then_heading);
  }
  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      gint64 then = lab_backup_info_get_count (info, tables[i].name);
      g_autofree char *then_text = then >= 0 ? lab_cli_format_count (then) : g_strdup ("–");
      g_autofree char *now_text = now ? lab_cli_format_count (lab_store_info_get_count (now,
                                                                                        tables[i].name))
                                      : g_strdup ("–");

      g_printerr ("  %-18s %14s %14s\n", tables[i].name, now_text, then_text);
    }
}

int
lab_cli_cmd_restore (LabCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_auto(GStrv) sessions = NULL;
  g_autofree char *pre_restore = NULL;
  g_autofree char *question = NULL;
  const char *name;
  gboolean had_store;
  int exit_code;
  GOptionEntry entries[] = {
    { "session", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sessions,
      N_("Restore only this session (an id or a unique prefix); may be repeated"), N_("ID") },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, _("NAME"),
                                        _("Restore a backup: it is verified first, the current "
                                          "state is backed up, then the database and the workspace "
                                          "files are replaced, all or nothing. With --session, "
                                          "only those sessions are restored and nothing else "
                                          "changes."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return lab_cli_usage_error (cli, _("give the name of the backup to restore (see “labdata-cli "
                                       "backups”)"));
  if (argc > 2)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[2]);
  name = argv[1];

  info = lab_backup_get (lab_cli_get_data_dir (cli), name, &error);
  if (info == NULL)
    return lab_cli_fail (cli, error);
  if (lab_backup_info_get_damaged (info))
    {
      g_set_error (&error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("Backup “%s” is damaged and cannot be restored: %s"), name,
                   lab_backup_info_get_problems (info)[0]);
      return lab_cli_fail (cli, error);
    }

  if (!cli->json || cli->stdin_is_tty)
    print_comparison (cli, info);

  if (sessions != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", sessions);

      question = g_strdup_printf (_("Replace these sessions with their state in the backup: %s? "
                                    "A backup of the current state is made first."), list);
    }
  else
    question = g_strdup (_("Replace all the current data with this backup? A backup of the "
                           "current state is made first."));
  if (!lab_cli_confirm (cli, question, &exit_code))
    return exit_code;

  had_store = lab_data_dir_exists (lab_cli_get_data_dir (cli));
  if (!lab_backup_restore (lab_cli_get_data_dir (cli), name, (const char * const *) sessions,
                           &pre_restore, lab_cli_progress, cli, cli->cancellable, &error))
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "restored");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "sessions");
      if (sessions == NULL)
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_array (builder);
          for (guint i = 0; sessions[i] != NULL; i++)
            json_builder_add_string_value (builder, sessions[i]);
          json_builder_end_array (builder);
        }
      json_builder_set_member_name (builder, "pre_restore_backup");
      if (pre_restore == NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, pre_restore);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
    }
  else
    {
      if (sessions != NULL)
        g_print (ngettext ("Restored %u session from %s.\n", "Restored %u sessions from %s.\n",
                           g_strv_length (sessions)), g_strv_length (sessions), name);
      else
        g_print (_("Restored %s.\n"), name);
      if (pre_restore != NULL)
        g_print (_("The state before the restore is in the backup %s.\n"), pre_restore);
      else if (had_store)
        g_print (_("The store was too damaged to back up; its files were kept as they were in "
                   "the backups folder (damaged_…).\n"));
    }

  return LAB_CLI_EXIT_OK;
}

int
lab_cli_cmd_prune (LabCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autofree char *size = NULL;
  gboolean dry_run = FALSE;
  guint64 bytes = 0;
  gint64 now = g_get_real_time ();
  int exit_code;
  GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show which backups would be deleted and the space freed"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Apply backup retention: delete backups older than "
                                          "retention.backup_days, always keeping the newest "
                                          "retention.backup_keep_min good ones and every pinned "
                                          "one, and the workspace files only they hold."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  config = lab_config_load (lab_cli_get_data_dir (cli), &error);
  if (config == NULL)
    return lab_cli_fail (cli, error);

  plan = lab_backup_retention_plan (lab_cli_get_data_dir (cli), config, now, &bytes, &error);
  if (plan == NULL)
    return lab_cli_fail (cli, error);

  if (!dry_run && plan->len > 0)
    {
      g_autofree char *question = NULL;

      if (!cli->json)
        for (guint i = 0; i < plan->len; i++)
          print_backup_line (plan->pdata[i]);
      size = g_format_size (bytes);
      question = g_strdup_printf (ngettext ("Delete %u backup, freeing %s?",
                                            "Delete %u backups, freeing %s?", plan->len),
                                  plan->len, size);
      if (!lab_cli_confirm (cli, question, &exit_code))
        return exit_code;

      if (!lab_backup_prune (lab_cli_get_data_dir (cli), config, now, &deleted, &bytes,
                             cli->cancellable, &error))
        return lab_cli_fail (cli, error);
    }
  else
    deleted = g_ptr_array_ref (plan);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, dry_run);
      json_builder_set_member_name (builder, "backups");
      json_builder_begin_array (builder);
      for (guint i = 0; i < deleted->len; i++)
        json_builder_add_string_value (builder, lab_backup_info_get_name (deleted->pdata[i]));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, bytes);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  g_clear_pointer (&size, g_free);
  size = g_format_size (bytes);
  if (deleted->len == 0)
    g_print (_("Nothing to delete: every backup is within retention.\n"));
  else if (dry_run)
    {
      for (guint i = 0; i < deleted->len; i++)
        print_backup_line (deleted->pdata[i]);
      g_print (ngettext ("%u backup would be deleted, freeing %s.\n",
                         "%u backups would be deleted, freeing %s.\n", deleted->len),
               deleted->len, size);
    }
  else
    g_print (ngettext ("Deleted %u backup, freeing %s.\n", "Deleted %u backups, freeing %s.\n",
                       deleted->len), deleted->len, size);

  return LAB_CLI_EXIT_OK;
}
