/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-check"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-check.h"
#include "lab-cli-commands.h"

#define MAX_PATHS_SHOWN 5

static const char *
severity_label (LabCheckSeverity severity)
{
  switch (severity)
    {
    case LAB_CHECK_SEVERITY_ERROR:
      return _("error");
    case LAB_CHECK_SEVERITY_WARNING:
      return _("warning");
    case LAB_CHECK_SEVERITY_INFO:
    default:
      return _("note");
    }
}

static void
print_finding (LabCheckFinding *finding)
{
  g_autofree char *title = lab_check_finding_dup_title (finding);
  g_autofree char *explanation = lab_check_finding_dup_explanation (finding);
  const char * const *paths = lab_check_finding_get_paths (finding);
  guint n_paths = lab_check_finding_get_n_paths (finding);
  const char *repair = lab_check_finding_get_repair_label (finding);
  g_autofree char *severity = lab_cli_column (severity_label (lab_check_finding_get_severity (finding)),
                                              8, LAB_CLI_COLUMN_LEFT);

  g_print ("  %s %s\n", severity, title);
  g_print ("           %s\n", explanation);

  if (n_paths > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < n_paths && i < MAX_PATHS_SHOWN; i++)
        g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", paths[i]);
      if (n_paths > MAX_PATHS_SHOWN)
        /* Translators: after a list of files, "and 12 more" */
        g_string_append_printf (list, _(" and %u more"), n_paths - MAX_PATHS_SHOWN);
      g_print (_("           Files: %s\n"), list->str);
    }

  if (repair != NULL)
    g_print (_("           Repair: %s\n"), repair);
}

static void
print_report (LabCli         *cli,
              LabCheckReport *report)
{
  g_autofree char *summary = lab_check_report_dup_summary (report);
  g_autofree char *when = lab_cli_format_time (lab_check_report_get_checked_at (report));
  guint n = g_list_model_get_n_items (lab_check_report_get_findings (report));
  guint repairable = lab_check_report_count_repairable (report);

  g_print (lab_check_report_get_level (report) == LAB_CHECK_DEEP ? _("Thorough check: %s\n")
           : lab_check_report_get_level (report) == LAB_CHECK_FULL ? _("Full check: %s\n")
           : _("Quick check: %s\n"),
           summary);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);

      print_finding (finding);
    }

  g_print (_("Checked %s in %.1f s.\n"), when, lab_check_report_get_duration (report));

  if (repairable > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u problem can be repaired: run “labdata-cli check %s--repair”.\n",
                          "%u problems can be repaired: run “labdata-cli check %s--repair”.\n",
                          repairable),
             repairable, lab_check_report_get_level (report) == LAB_CHECK_DEEP ? "--deep "
                         : lab_check_report_get_level (report) == LAB_CHECK_FULL ? "--full " : "");
  else if (lab_check_report_get_level (report) == LAB_CHECK_QUICK &&
           !lab_check_report_has_problems (report))
    g_print (_("Run “labdata-cli check --full” to check the indexes, files and backups too.\n"));
}

static int
finish (LabCli         *cli,
        LabCheckReport *report)
{
  if (cli->json)
    {
      g_autoptr(JsonNode) node = lab_check_report_to_json (report);

      lab_cli_print_json (cli, node);
    }
  else
    print_report (cli, report);

  return lab_check_report_has_problems (report) ? LAB_CLI_EXIT_PROBLEMS : LAB_CLI_EXIT_OK;
}

int
lab_cli_cmd_check (LabCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) repaired = NULL;
  gboolean full = FALSE;
  gboolean deep = FALSE;
  gboolean repair = FALSE;
  gboolean last = FALSE;
  LabCheckLevel level;
  guint repairable;
  int exit_code;
  GOptionEntry entries[] = {
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      N_("Check everything: every page, the links between rows, the search indexes, the "
         "workspace files and the backups' checksums"), NULL },
    { "deep", 0, 0, G_OPTION_ARG_NONE, &deep,
      N_("The full check, and every search index compared word by word with its table "
         "(about twice as long)"), NULL },
    { "repair", 0, 0, G_OPTION_ARG_NONE, &repair,
      N_("Repair what can be repaired safely (after a backup when files are removed)"), NULL },
    { "last", 0, 0, G_OPTION_ARG_NONE, &last,
      N_("Show the result of the last check instead of checking"), NULL },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Check the store’s integrity. The quick check reads "
                                          "every page of the database; --full checks "
                                          "everything. Exits with 3 when problems are found."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  if (last && repair)
    return lab_cli_usage_error (cli, _("--last and --repair cannot be used together"));

  level = deep ? LAB_CHECK_DEEP : full ? LAB_CHECK_FULL : LAB_CHECK_QUICK;

  /* A mistyped --data-dir is an error, not an empty store that is fine. */
  if (!g_file_test (lab_data_dir_get_root (lab_cli_get_data_dir (cli)), G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no store in “%s”"),
                   lab_data_dir_get_root (lab_cli_get_data_dir (cli)));
      return lab_cli_fail (cli, error);
    }

  if (last)
    {
      report = lab_check_load_last (lab_cli_get_data_dir (cli), level, &error);
      if (report == NULL && error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             full ? _("No full check has run on this store yet")
                                  : _("No quick check has run on this store yet"));
      if (report == NULL)
        return lab_cli_fail (cli, error);
      return finish (cli, report);
    }

  report = lab_check_run (lab_cli_get_data_dir (cli), level, lab_cli_progress, cli,
                          cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (report == NULL)
    return lab_cli_fail (cli, error);

  repairable = lab_check_report_count_repairable (report);
  if (!repair || repairable == 0)
    return finish (cli, report);

  if (!cli->json)
    print_report (cli, report);

  {
    g_autofree char *question = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "Repair %u problem?",
                                                              "Repair %u problems?", repairable),
                                                 repairable);

    if (!lab_cli_confirm (cli, question, &exit_code))
      return exit_code;
  }

  repaired = lab_check_repair (lab_cli_get_data_dir (cli), report, NULL, lab_cli_progress, cli,
                               cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (repaired == NULL)
    return lab_cli_fail (cli, error);

  if (!cli->json)
    g_print (_("\nAfter the repairs:\n"));
  return finish (cli, repaired);
}
