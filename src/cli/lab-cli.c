/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-cli.h"
#include "lab-error.h"
#include "lab-row.h"
#include "lab-timestamp.h"

LabDataDir *
lab_cli_get_data_dir (LabCli *cli)
{
  if (cli->dir == NULL)
    cli->dir = lab_data_dir_resolve (cli->data_dir_option);

  return cli->dir;
}

/**
 * lab_cli_open_db:
 *
 * Opens the store of the resolved data directory, creating it on first use.
 */
LabDb *
lab_cli_open_db (LabCli          *cli,
                 LabDbOpenFlags   flags,
                 GError         **error)
{
  return lab_db_open (lab_cli_get_data_dir (cli), flags, error);
}

const char *
lab_cli_error_code_name (const GError *error)
{
  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return "cancelled";

  if (error->domain != LAB_STORE_ERROR)
    return "failed";

  switch ((LabStoreError) error->code)
    {
    case LAB_STORE_ERROR_NOT_A_DATABASE:
      return "not-a-database";
    case LAB_STORE_ERROR_SCHEMA_TOO_NEW:
      return "schema-too-new";
    case LAB_STORE_ERROR_SQLITE:
      return "sqlite";
    case LAB_STORE_ERROR_BUSY:
      return "busy";
    case LAB_STORE_ERROR_CORRUPT:
      return "corrupt";
    case LAB_STORE_ERROR_NOT_WRITABLE:
      return "not-writable";
    case LAB_STORE_ERROR_NO_SPACE:
      return "no-space";
    case LAB_STORE_ERROR_QUERY_SYNTAX:
      return "query-syntax";
    case LAB_STORE_ERROR_NOT_FOUND:
      return "not-found";
    case LAB_STORE_ERROR_AMBIGUOUS:
      return "ambiguous";
    case LAB_STORE_ERROR_INVALID:
      return "invalid";
    case LAB_STORE_ERROR_UNSAFE_PATH:
      return "unsafe-path";
    case LAB_STORE_ERROR_UNSUPPORTED:
      return "unsupported";
    case LAB_STORE_ERROR_FAILED:
    default:
      return "failed";
    }
}

/**
 * lab_cli_fail:
 *
 * Reports @error on stderr (and as a JSON object on stdout with --json).
 *
 * Returns: %LAB_CLI_EXIT_FAILURE
 */
int
lab_cli_fail (LabCli       *cli,
              const GError *error)
{
  lab_cli_progress_done (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, lab_cli_error_code_name (error));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
    }

  g_printerr ("labdata-cli %s: %s\n", cli->command ? cli->command : "", error->message);
  return LAB_CLI_EXIT_FAILURE;
}

/**
 * lab_cli_usage_error:
 *
 * Returns: %LAB_CLI_EXIT_USAGE
 */
int
lab_cli_usage_error (LabCli     *cli,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("labdata-cli %s: %s\n", cli->command ? cli->command : "", message);
  g_printerr (_("Try “labdata-cli %s --help”.\n"), cli->command ? cli->command : "");
  return LAB_CLI_EXIT_USAGE;
}

GOptionContext *
lab_cli_option_context_new (LabCli     *cli,
                            const char *parameter_string,
                            const char *summary)
{
  g_autofree char *params = g_strdup_printf ("%s%s%s", cli->command,
                                             parameter_string ? " " : "",
                                             parameter_string ? parameter_string : "");
  GOptionContext *context = g_option_context_new (params);

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("Global options, before or after the command:\n"
      "  --data-dir DIR   Use the store in DIR (default: $LABDATA_DIR, then the\n"
      "                   place it was moved to, then $XDG_DATA_HOME/labdata)\n"
      "  --json           Print machine-readable JSON\n"
      "  --yes            Do not ask before replacing or deleting data\n"
      "\n"
      "Exit status: 0 success, 1 failure, 2 bad usage, 3 a check found problems."));

  return context;
}

/**
 * lab_cli_parse_options:
 * @exit_code: (out): set when the return value is %FALSE
 *
 * Parses a subcommand's options; a bad option is a usage error (exit 2).
 */
gboolean
lab_cli_parse_options (LabCli          *cli,
                       GOptionContext  *context,
                       int             *argc,
                       char          ***argv,
                       int             *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = lab_cli_usage_error (cli, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

void
lab_cli_print_json (LabCli   *cli,
                    JsonNode *node)
{
  g_autofree char *text = lab_json_to_pretty_text (node);

  g_print ("%s\n", text);
}

/**
 * lab_cli_confirm:
 * @question: what to ask
 * @exit_code: (out): set when the return value is %FALSE
 *
 * Asks on a terminal. Without a terminal, --yes is required; refusing is a
 * usage error (exit 2), declining at the prompt a failure (exit 1).
 */
gboolean
lab_cli_confirm (LabCli     *cli,
                 const char *question,
                 int        *exit_code)
{
  char answer[16] = { 0 };

  if (cli->yes)
    return TRUE;

  if (!cli->stdin_is_tty)
    {
      *exit_code = lab_cli_usage_error (cli, _("%s Refusing without a terminal; add --yes to "
                                               "confirm."), question);
      return FALSE;
    }

  g_printerr ("%s [y/N] ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL ||
      (answer[0] != 'y' && answer[0] != 'Y'))
    {
      g_printerr (_("Nothing was changed.\n"));
      *exit_code = LAB_CLI_EXIT_FAILURE;
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_cli_progress:
 * @cli: (type LabCli): the CLI
 *
 * A #LabProgressFunc that draws one updating line on stderr, on a terminal only.
 */
void
lab_cli_progress (double      fraction,
                  const char *message,
                  gpointer    user_data)
{
  LabCli *cli = user_data;

  if (!cli->stderr_is_tty || cli->json)
    return;

  if (fraction >= 0)
    g_printerr ("\r\033[K[%3d%%] %s", (int) (fraction * 100 + 0.5), message ? message : "");
  else
    g_printerr ("\r\033[K%s", message ? message : "");
}

void
lab_cli_progress_done (LabCli *cli)
{
  if (cli->stderr_is_tty && !cli->json)
    g_printerr ("\r\033[K");
}

char *
lab_cli_format_size (guint64 bytes)
{
  return g_format_size (bytes);
}

/**
 * lab_cli_format_count:
 *
 * Returns: (transfer full): @count with thousands separators, "1,000,000"
 */
char *
lab_cli_format_count (gint64 count)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, count < 0 ? -count : count);
  GString *out = g_string_new (count < 0 ? "-" : "");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

/**
 * lab_cli_format_counted:
 * @phrase: a translated phrase with one "%s" for the number, chosen by
 *   g_dngettext() for @count: `lab_cli_format_counted (g_dngettext
 *   (GETTEXT_PACKAGE, "%s file", "%s files", n), n)`
 * @count: the number
 *
 * Returns: (transfer full): @phrase with @count written as
 *   lab_cli_format_count() writes it
 */
char *
lab_cli_format_counted (const char *phrase,
                        gint64      count)
{
  g_autofree char *number = lab_cli_format_count (count);
  const char *hole = strstr (phrase, "%s");
  GString *out = g_string_new (NULL);

  if (hole == NULL)
    return g_strdup (phrase);

  g_string_append_len (out, phrase, hole - phrase);
  g_string_append (out, number);
  g_string_append (out, hole + 2);
  return g_string_free (out, FALSE);
}

/* The columns a character takes on a terminal. */
static guint
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

/**
 * lab_cli_column:
 * @text: what the column shows
 * @width: its width, in a terminal's columns
 * @flags: aligned left or right; with %LAB_CLI_COLUMN_ELLIPSIZE, a wider
 *   @text is cut to fit and ends in "…"
 *
 * Pads @text to @width columns as printf's "%-40s" would if it counted
 * characters, not bytes: a title with an em dash or a word with an umlaut
 * keeps the columns after it in line.
 *
 * Returns: (transfer full): the column's text
 */
char *
lab_cli_column (const char        *text,
                guint              width,
                LabCliColumnFlags  flags)
{
  GString *out = g_string_new (NULL);
  guint used = 0;

  if (text == NULL)
    text = "";

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    used += char_width (g_utf8_get_char (p));

  if (used > width && (flags & LAB_CLI_COLUMN_ELLIPSIZE) != 0 && width > 0)
    {
      used = 0;
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          guint w = char_width (g_utf8_get_char (p));

          if (used + w > width - 1)
            break;
          g_string_append_len (out, p, g_utf8_next_char (p) - p);
          used += w;
        }
      g_string_append (out, "…");
      used++;
    }
  else
    g_string_append (out, text);

  for (; used < width; used++)
    {
      if ((flags & LAB_CLI_COLUMN_RIGHT) != 0)
        g_string_prepend_c (out, ' ');
      else
        g_string_append_c (out, ' ');
    }

  return g_string_free (out, FALSE);
}

/**
 * lab_cli_format_time:
 *
 * Returns: (transfer full): "2026-11-22 14:03" in local time
 */
char *
lab_cli_format_time (gint64 usec)
{
  return lab_timestamp_format_local (usec, "%Y-%m-%d %H:%M");
}
