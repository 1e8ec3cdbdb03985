/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-config"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-config.h"
#include "lab-error.h"

#include <string.h>

int
lab_cli_cmd_config (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autofree char *text = NULL;
  int exit_code;

  context = lab_cli_option_context_new (cli, "[KEY [VALUE]]",
                                        _("Show the store's policies, one of them, or set one. "
                                          "Keys: auto_backup.enabled, auto_backup.time (HH:MM), "
                                          "auto_backup.compression (none, gzip, zstd), "
                                          "auto_backup.cleanup_after, "
                                          "retention.backup_days, retention.backup_keep_min, "
                                          "retention.archived_session_days, retention.snapshot_days, "
                                          "retention.analytics_days, retention.archive_days, "
                                          "retention.log_days."));
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 3)
    return lab_cli_usage_error (cli, _("give at most a key and a value"));

  config = lab_config_load (lab_cli_get_data_dir (cli), &error);
  if (config == NULL)
    return lab_cli_fail (cli, error);

  if (argc == 3)
    {
      if (!lab_config_set_from_string (config, argv[1], argv[2], &error))
        {
          if (g_error_matches (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID))
            return lab_cli_usage_error (cli, "%s", error->message);
          return lab_cli_fail (cli, error);
        }
      if (!lab_data_dir_ensure (lab_cli_get_data_dir (cli), &error) ||
          !lab_config_save (config, &error))
        return lab_cli_fail (cli, error);
    }

  if (argc >= 2)
    {
      const char * const *keys = lab_config_list_keys ();

      if (!g_strv_contains (keys, argv[1]))
        return lab_cli_usage_error (cli, _("there is no setting “%s”"), argv[1]);

      text = lab_config_to_string (config);
      {
        g_autoptr(JsonNode) root = json_from_string (text, NULL);
        const char *dot = strchr (argv[1], '.');
        g_autofree char *section = g_strndup (argv[1], dot - argv[1]);
        JsonObject *sect = json_object_get_object_member (json_node_get_object (root), section);
        JsonNode *value = json_object_get_member (sect, dot + 1);
        g_autofree char *value_text = json_to_string (value, FALSE);

        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
            !cli->json)
          g_print ("%s\n", json_node_get_string (value));
        else
          g_print ("%s\n", value_text);
      }
      return LAB_CLI_EXIT_OK;
    }

  text = lab_config_to_string (config);
  g_print ("%s", text);
  return LAB_CLI_EXIT_OK;
}
