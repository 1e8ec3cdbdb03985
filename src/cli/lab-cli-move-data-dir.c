/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-move-data-dir"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-data-dir-move.h"

int
lab_cli_cmd_move_data_dir (LabCli  *cli,
                           int      argc,
                           char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataDir) moved = NULL;
  g_auto(LabMoveResult) result = { 0 };
  g_autofree char *location = lab_data_dir_get_location_file ();
  LabDataDir *dir;
  gboolean remove_old = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "remove-old", 0, 0, G_OPTION_ARG_NONE, &remove_old,
      N_("Remove the old copy once the new one is verified and in use"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, "NEW_PATH",
                                        _("Copy the whole data folder to NEW_PATH (a new or empty "
                                          "folder), verify every file and the database, and switch "
                                          "to it: the new place is recorded so that labdata and "
                                          "labdata-cli find it without options. The old copy stays "
                                          "unless --remove-old is given."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc < 2)
    return lab_cli_usage_error (cli, _("the new place of the data folder is missing"));
  if (argc > 2)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[2]);
  if (argv[1][0] == '\0')
    return lab_cli_usage_error (cli, _("the new place of the data folder is empty"));

  dir = lab_cli_get_data_dir (cli);
  if (remove_old)
    {
      g_autofree char *question = g_strdup_printf (_("Move the data folder from “%s” to “%s”, and "
                                                     "then delete “%s”?"),
                                                   lab_data_dir_get_root (dir), argv[1],
                                                   lab_data_dir_get_root (dir));

      if (!lab_cli_confirm (cli, question, &exit_code))
        return exit_code;
    }

  moved = lab_data_dir_move (dir, argv[1], remove_old ? LAB_MOVE_REMOVE_OLD : LAB_MOVE_FLAGS_NONE,
                             &result, lab_cli_progress, cli, cli->cancellable, &error);
  if (moved == NULL)
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "from");
      json_builder_add_string_value (builder, lab_data_dir_get_root (dir));
      json_builder_set_member_name (builder, "to");
      json_builder_add_string_value (builder, lab_data_dir_get_root (moved));
      json_builder_set_member_name (builder, "files");
      json_builder_add_int_value (builder, result.files);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, result.bytes);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "location_switched");
      json_builder_add_boolean_value (builder, result.location_switched);
      json_builder_set_member_name (builder, "location_file");
      json_builder_add_string_value (builder, location);
      json_builder_set_member_name (builder, "env_overrides");
      json_builder_add_boolean_value (builder, result.env_overrides);
      json_builder_set_member_name (builder, "old_removed");
      json_builder_add_boolean_value (builder, result.old_removed);
      json_builder_set_member_name (builder, "warnings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result.warnings->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (result.warnings, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
      return LAB_CLI_EXIT_OK;
    }

  {
    g_autofree char *files = lab_cli_format_count (result.files);
    g_autofree char *bytes = g_format_size (result.bytes);

    g_print (g_dngettext (GETTEXT_PACKAGE, "Copied %s file (%s) from “%s” to “%s” and verified it.\n",
                          "Copied %s files (%s) from “%s” to “%s” and verified them.\n", result.files),
             files, bytes,
             lab_data_dir_get_root (dir), lab_data_dir_get_root (moved));
  }

  if (result.location_switched)
    g_print (_("LabData now uses “%s” (recorded in %s).\n"), lab_data_dir_get_root (moved),
             location);
  else
    g_print (_("This was not the data folder LabData uses by default, so the default was not "
               "changed; use --data-dir “%s” to reach the moved copy.\n"),
             lab_data_dir_get_root (moved));
  if (result.env_overrides)
    g_print (_("Note: LABDATA_DIR is set and comes first; change it to “%s”.\n"),
             lab_data_dir_get_root (moved));

  if (result.old_removed)
    g_print (_("The old copy was removed.\n"));
  else if (!remove_old)
    g_print (_("The old copy is still in “%s”; remove it when you no longer need it.\n"),
             lab_data_dir_get_root (dir));
  for (guint i = 0; i < result.warnings->len; i++)
    g_printerr ("labdata-cli move-data-dir: %s\n",
                (const char *) g_ptr_array_index (result.warnings, i));

  return LAB_CLI_EXIT_OK;
}
