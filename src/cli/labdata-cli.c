/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "labdata-cli"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "lab-cli-commands.h"

static const LabCliCommand commands[] = {
  { "info", N_("Show where the store is, its sizes, row counts and schema version"), lab_cli_cmd_info },
  { "sessions", N_("List sessions, with filters and sort"), lab_cli_cmd_sessions },
  { "show", N_("Print a session's details and chat log"), lab_cli_cmd_show },
  { "search", N_("Full-text search over messages and sessions"), lab_cli_cmd_search },
  { "demo", N_("Add realistic demo data to the store"), lab_cli_cmd_demo },
  { "config", N_("Show or change the store's policies (config/config.json)"), lab_cli_cmd_config },
  { "migrate", N_("Bring in legacy data (~/.ai_research_lab, events.db), or undo that"), lab_cli_cmd_migrate },
  { "move-data-dir", N_("Move the data directory to another place"), lab_cli_cmd_move_data_dir },
  { "backup", N_("Back up the database and the workspace files"), lab_cli_cmd_backup },
  { "backups", N_("List the backups; pin, unpin or delete one"), lab_cli_cmd_backups },
  { "check", N_("Check the store's integrity; exit 3 when problems are found"), lab_cli_cmd_check },
  { "cleanup", N_("Delete old data as the retention policies say"), lab_cli_cmd_cleanup },
  { "export", N_("Export sessions to a .labdata archive, or one session as Markdown or JSON"),
    lab_cli_cmd_export },
  { "import", N_("Import a .labdata archive or a legacy JSON export, with a preview"), lab_cli_cmd_import },
  { "prune", N_("Delete the backups retention no longer keeps"), lab_cli_cmd_prune },
  { "restore", N_("Restore a backup, or chosen sessions from it"), lab_cli_cmd_restore },
  { "usage", N_("Show what the store takes on the disk"), lab_cli_cmd_usage },
  { "vacuum", N_("Compact the database"), lab_cli_cmd_vacuum },
  { "verify", N_("Verify one backup or all of them"), lab_cli_cmd_verify },
};

static void
print_help (void)
{
  int width = 0;

  /* The summaries line up after the longest command name. */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) g_utf8_strlen (commands[i].name, -1));

  g_print (_("Usage:\n  labdata-cli [--data-dir DIR] [--json] COMMAND [OPTION…]\n\n"));
  g_print (_("Browse, search and look after a LabData store.\n\n"));
  g_print (_("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));
  g_print (_("\nGlobal options, before or after the command:\n"
             "  --data-dir DIR   Use the store in DIR (default: $LABDATA_DIR, then the\n"
             "                   place it was moved to, then $XDG_DATA_HOME/labdata)\n"
             "  --json           Print machine-readable JSON\n"
             "  --yes            Do not ask before replacing or deleting data\n"
             "  --help           Show this help; “COMMAND --help” shows a command’s options\n"
             "  --version        Show the version\n\n"
             "Exit status: 0 success, 1 failure, 2 bad usage, 3 a check found problems.\n"));
}

/* Lives as long as the process: the signal thread runs it until exit. */
static GMainContext *signal_context;

static gboolean
on_signal_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

static void *
signal_thread (void *user_data)
{
  GMainContext *context = user_data;

  for (;;)
    g_main_context_iteration (context, TRUE);

  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  const LabCliCommand *command = NULL;
  g_autofree char *data_dir_option = NULL;
  LabCli cli = { 0 };
  gboolean show_help = FALSE;
  gboolean after_dashdash = FALSE;
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  cli.stdout_is_tty = isatty (STDOUT_FILENO);
  cli.stderr_is_tty = isatty (STDERR_FILENO);
  cli.stdin_is_tty = isatty (STDIN_FILENO);
  cli.cancellable = g_cancellable_new ();

  /* Global options may stand before or after the command: take them out of
   * argv wherever they are, and hand the rest to the command. */
  g_ptr_array_add (rest, argv[0]);
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (after_dashdash)
        g_ptr_array_add (rest, argv[i]);
      else if (g_str_equal (arg, "--"))
        {
          after_dashdash = TRUE;
          g_ptr_array_add (rest, argv[i]);
        }
      else if (g_str_equal (arg, "--json"))
        cli.json = TRUE;
      else if (g_str_equal (arg, "--yes") || g_str_equal (arg, "-y"))
        cli.yes = TRUE;
      else if (g_str_equal (arg, "--data-dir"))
        {
          if (i + 1 >= argc)
            {
              g_printerr (_("labdata-cli: --data-dir needs a folder\n"));
              return LAB_CLI_EXIT_USAGE;
            }
          g_free (data_dir_option);
          data_dir_option = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (arg, "--data-dir="))
        {
          g_free (data_dir_option);
          data_dir_option = g_strdup (arg + strlen ("--data-dir="));
        }
      else if (g_str_equal (arg, "--version") || g_str_equal (arg, "-V"))
        {
          g_print ("labdata-cli %s\n", PACKAGE_VERSION);
          return LAB_CLI_EXIT_OK;
        }
      else if (command == NULL && (g_str_equal (arg, "--help") || g_str_equal (arg, "-h")))
        show_help = TRUE;
      else if (command == NULL && arg[0] != '-')
        {
          for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
            {
              if (g_str_equal (commands[c].name, arg))
                command = &commands[c];
            }
          if (command == NULL)
            {
              g_printerr (_("labdata-cli: unknown command “%s”\n"), arg);
              g_printerr (_("Try “labdata-cli --help”.\n"));
              return LAB_CLI_EXIT_USAGE;
            }
        }
      else
        g_ptr_array_add (rest, argv[i]);
    }

  if (command == NULL)
    {
      print_help ();
      return show_help ? LAB_CLI_EXIT_OK : LAB_CLI_EXIT_USAGE;
    }

  if (show_help)
    g_ptr_array_add (rest, (char *) "--help");

  cli.data_dir_option = data_dir_option;
  if (cli.data_dir_option != NULL && cli.data_dir_option[0] == '\0')
    {
      g_printerr (_("labdata-cli: --data-dir needs a folder\n"));
      return LAB_CLI_EXIT_USAGE;
    }

  /* Ctrl+C cancels long work cleanly (transactions roll back, temporary files
   * go) instead of killing it halfway. */
  signal_context = g_main_context_new ();
  {
    GSource *source;

    source = g_unix_signal_source_new (SIGINT);
    g_source_set_callback (source, on_signal_cb, cli.cancellable, NULL);
    g_source_attach (source, signal_context);
    g_source_unref (source);

    source = g_unix_signal_source_new (SIGTERM);
    g_source_set_callback (source, on_signal_cb, cli.cancellable, NULL);
    g_source_attach (source, signal_context);
    g_source_unref (source);

    g_thread_unref (g_thread_new ("signals", signal_thread, signal_context));
  }

  cli.command = command->name;
  g_ptr_array_add (rest, NULL);
  ret = command->run (&cli, rest->len - 1, (char **) rest->pdata);

  g_clear_object (&cli.dir);
  /* The signal thread still uses the cancellable; it goes with the process. */

  return ret;
}
