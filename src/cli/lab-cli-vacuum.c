/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-vacuum"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-vacuum.h"

int
lab_cli_cmd_vacuum (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  LabVacuumResult result = { 0 };
  int exit_code;

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Compact the database: give the space of deleted rows "
                                          "back to the disk. Other programs may keep reading "
                                          "the store meanwhile."));
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);

  if (!lab_data_dir_exists (lab_cli_get_data_dir (cli)))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no store in “%s”"),
                   lab_data_dir_get_root (lab_cli_get_data_dir (cli)));
      return lab_cli_fail (cli, error);
    }

  if (!lab_vacuum (lab_cli_get_data_dir (cli), &result, lab_cli_progress, cli, cli->cancellable,
                   &error))
    return lab_cli_fail (cli, error);
  lab_cli_progress_done (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "size_before");
      json_builder_add_int_value (builder, result.size_before);
      json_builder_set_member_name (builder, "size_after");
      json_builder_add_int_value (builder, result.size_after);
      json_builder_set_member_name (builder, "reclaimed");
      json_builder_add_int_value (builder, result.size_before > result.size_after
                                           ? result.size_before - result.size_after : 0);
      json_builder_set_member_name (builder, "incremental");
      json_builder_add_boolean_value (builder, result.incremental);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, result.seconds);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
    }
  else
    {
      g_autofree char *before = lab_cli_format_size (result.size_before);
      g_autofree char *after = lab_cli_format_size (result.size_after);
      g_autofree char *freed = lab_cli_format_size (result.size_before > result.size_after
                                                    ? result.size_before - result.size_after : 0);

      g_print (_("Compacted the database from %s to %s (%s freed) in %.1f s.\n"),
               before, after, freed, result.seconds);
    }

  return LAB_CLI_EXIT_OK;
}
