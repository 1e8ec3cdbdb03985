/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cli-export"

#include "config.h"

#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "lab-cli-commands.h"
#include "lab-cli-filter.h"
#include "lab-export.h"
#include "lab-schema.h"
#include "lab-transcript.h"

static int
export_transcript (LabCli              *cli,
                   LabDb               *db,
                   const char          *session_id,
                   LabTranscriptFormat  format,
                   const char          *output)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (g_strcmp0 (output, "-") == 0)
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      if (!lab_transcript_write (db, session_id, format, out, cli->cancellable, &error))
        return lab_cli_fail (cli, error);
      return LAB_CLI_EXIT_OK;
    }

  path = lab_transcript_export (db, session_id, format, output, cli->cancellable, &error);
  if (path == NULL)
    return lab_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
    }
  else
    g_print (_("Exported the session to %s\n"), path);

  return LAB_CLI_EXIT_OK;
}

static void
print_result (LabCli          *cli,
              LabExportResult *result)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, result->path);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, result->archive_size);
      json_builder_set_member_name (builder, "data_bytes");
      json_builder_add_int_value (builder, result->data_size);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, result->seconds);
      json_builder_set_member_name (builder, "counts");
      json_builder_begin_object (builder);
      for (guint i = 0; i < n_tables; i++)
        {
          json_builder_set_member_name (builder, tables[i].name);
          json_builder_add_int_value (builder, result->counts[i]);
        }
      json_builder_set_member_name (builder, "files");
      json_builder_add_int_value (builder, result->n_files);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "skipped_files");
      json_builder_add_int_value (builder, result->n_skipped_files);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      lab_cli_print_json (cli, node);
      return;
    }

  {
    gint64 n_sessions = lab_export_result_get_count (result, "sessions");
    gint64 n_messages = lab_export_result_get_count (result, "messages");
    g_autofree char *sessions = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions",
                                                                     n_sessions), n_sessions);
    g_autofree char *messages = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages",
                                                                     n_messages), n_messages);
    g_autofree char *files = lab_cli_format_counted (g_dngettext (GETTEXT_PACKAGE, "%s file", "%s files",
                                                                  result->n_files), result->n_files);
    g_autofree char *size = lab_cli_format_size (result->archive_size);

    /* Translators: "Exported 2 sessions, 40 messages and 3 files to FILE (1.2 MB, 0.1 s)." */
    g_print (_("Exported %s, %s and %s to %s (%s, %.1f s).\n"),
             sessions, messages, files, result->path, size, result->seconds);
    if (result->n_skipped_files > 0)
      {
        g_autofree char *skipped = lab_cli_format_count (result->n_skipped_files);

        g_print (_("Left out %s workspace entries that are links, special files or have names "
                   "an archive cannot hold.\n"), skipped);
      }
  }
}

int
lab_cli_cmd_export (LabCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_auto(GStrv) sessions = NULL;
  g_autofree char *query = NULL;
  g_autofree char *output = NULL;
  g_autofree char *format = NULL;
  LabCliFilterOptions filter_options = { 0 };
  LabTranscriptFormat transcript_format = LAB_TRANSCRIPT_MARKDOWN;
  gboolean transcript = FALSE;
  int exit_code = -1;
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sessions,
      N_("Export this session (an id or the start of one); repeat for more"), "ID" },
    { "query", 'q', 0, G_OPTION_ARG_STRING, &query,
      N_("Only sessions with a search hit for this query"), "QUERY" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE (default: archives/ in the data folder; “-” for standard output with "
         "--format markdown or json)"), "FILE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("labdata (an archive, the default), markdown or json (one session)"), "FORMAT" },
    { NULL }
  };

  context = lab_cli_option_context_new (cli, NULL,
                                        _("Export sessions to a .labdata archive that “labdata-cli "
                                          "import” or LabData on another computer can read, or one "
                                          "session as a Markdown transcript or JSON. With no "
                                          "selection, everything in the store is exported."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  lab_cli_filter_add_entries (context, &filter_options, FALSE);
  if (!lab_cli_parse_options (cli, context, &argc, &argv, &exit_code))
    {
      lab_cli_filter_clear (&filter_options);
      return exit_code;
    }

  options->filter = lab_session_filter_new ();
  if (format != NULL && !g_str_equal (format, "labdata"))
    {
      transcript = TRUE;
      if (g_str_equal (format, "markdown") || g_str_equal (format, "md"))
        transcript_format = LAB_TRANSCRIPT_MARKDOWN;
      else if (g_str_equal (format, "json"))
        transcript_format = LAB_TRANSCRIPT_JSON;
      else
        exit_code = lab_cli_usage_error (cli, _("--format must be labdata, markdown or json"));
    }

  if (exit_code >= 0)
    ;
  else if (argc > 1)
    exit_code = lab_cli_usage_error (cli, _("unexpected argument “%s”"), argv[1]);
  else if (transcript && (sessions == NULL || sessions[1] != NULL))
    exit_code = lab_cli_usage_error (cli, _("--format %s exports one session: give exactly one "
                                            "--session"), format);
  else if (transcript && (query != NULL || filter_options.status || filter_options.participant ||
                          filter_options.since || filter_options.until || filter_options.starred ||
                          filter_options.not_starred || filter_options.archived ||
                          filter_options.not_archived))
    exit_code = lab_cli_usage_error (cli, _("--format %s exports one session: the other selection "
                                            "options do not apply"), format);
  else if (!transcript && g_strcmp0 (output, "-") == 0)
    exit_code = lab_cli_usage_error (cli, _("an archive cannot be written to standard output; "
                                            "give a file name"));
  else if (lab_cli_filter_build (cli, &filter_options, options->filter, NULL, NULL, &exit_code))
    exit_code = -1;
  lab_cli_filter_clear (&filter_options);
  if (exit_code >= 0)
    return exit_code;

  db = lab_cli_open_db (cli, LAB_DB_OPEN_NO_CREATE, &error);
  if (db == NULL)
    return lab_cli_fail (cli, error);

  if (transcript)
    return export_transcript (cli, db, sessions[0], transcript_format, output);

  /* Ids may be given by their start, as everywhere else. */
  if (sessions != NULL)
    {
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

      for (guint i = 0; sessions[i] != NULL; i++)
        {
          g_autoptr(LabSession) session = lab_browse_get_session (db, sessions[i], &error);

          if (session == NULL)
            return lab_cli_fail (cli, error);
          g_strv_builder_add (ids, lab_session_get_id (session));
        }
      options->filter->ids = g_strv_builder_end (ids);
    }

  options->query = g_steal_pointer (&query);
  options->dest = g_steal_pointer (&output);

  result = lab_export_run (db, options, lab_cli_progress, cli, cli->cancellable, &error);
  lab_cli_progress_done (cli);
  if (result == NULL)
    return lab_cli_fail (cli, error);

  print_result (cli, result);
  return LAB_CLI_EXIT_OK;
}
