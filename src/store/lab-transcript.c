/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-transcript"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-browse.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-row.h"
#include "lab-timestamp.h"
#include "lab-transcript.h"

/*
 * One session on its own: a Markdown transcript to read or share, or JSON with
 * every row that belongs to the session. Both are streamed message by message,
 * so a 50,000-message session is written in constant memory.
 */

#define FLUSH_SIZE (64 * 1024)

typedef struct
{
  GOutputStream *out;
  GString *buffer;
  GCancellable *cancellable;
} Writer;

static gboolean
writer_flush (Writer   *w,
              gboolean  force,
              GError  **error)
{
  if (w->buffer->len == 0 || (!force && w->buffer->len < FLUSH_SIZE))
    return TRUE;

  if (!g_output_stream_write_all (w->out, w->buffer->str, w->buffer->len, NULL, w->cancellable, error))
    return FALSE;

  g_string_truncate (w->buffer, 0);
  return TRUE;
}

static char *
format_time (gint64 usec)
{
  return lab_timestamp_format_local (usec, "%Y-%m-%d %H:%M:%S %Z");
}

/* Markdown */

/* A fence longer than any run of backticks in @text, so that code in a message
 * cannot close it early (CommonMark's rule). */
static void
append_fenced (GString    *out,
               const char *text,
               const char *info)
{
  guint longest = 0;
  guint run = 0;

  for (const char *p = text; *p; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }

  for (guint i = 0; i < MAX (3, longest + 1); i++)
    g_string_append_c (out, '`');
  g_string_append_printf (out, "%s\n%s", info ? info : "", text);
  if (text[0] != '\0' && text[strlen (text) - 1] != '\n')
    g_string_append_c (out, '\n');
  for (guint i = 0; i < MAX (3, longest + 1); i++)
    g_string_append_c (out, '`');
  g_string_append (out, "\n\n");
}

/* Text from the database in a single Markdown line: no line breaks, and the
 * characters that would start markup escaped. */
static void
append_inline (GString    *out,
               const char *text)
{
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '\n' || *p == '\r')
        g_string_append_c (out, ' ');
      else
        {
          if (strchr ("\\`*_[]<>|#", *p) != NULL)
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
    }
}

static void
append_detail (GString    *out,
               const char *label,
               const char *value)
{
  if (value == NULL || value[0] == '\0')
    return;

  g_string_append_printf (out, "- **%s:** ", label);
  append_inline (out, value);
  g_string_append_c (out, '\n');
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "user") == 0)
    return _("User");
  if (g_strcmp0 (role, "assistant") == 0)
    return _("Assistant");
  if (g_strcmp0 (role, "system") == 0)
    return _("System");
  if (g_strcmp0 (role, "tool_call") == 0)
    return _("Tool call");
  if (g_strcmp0 (role, "tool_result") == 0)
    return _("Tool result");
  if (g_strcmp0 (role, "thought") == 0)
    return _("Thought");
  return role;
}

static void
append_session_header (GString    *out,
                       LabSession *session)
{
  g_autofree char *participants = g_strjoinv (", ", (char **) lab_session_get_participants (session));
  g_autofree char *keywords = g_strjoinv (", ", (char **) lab_session_get_keywords (session));
  g_autofree char *created = format_time (lab_session_get_created_at (session));
  g_autofree char *active = format_time (lab_session_get_last_activity_at (session));
  g_autofree char *model = NULL;
  g_autofree char *status = NULL;
  g_autofree char *usage = NULL;
  g_autofree char *id = g_strdup_printf ("`%s`", lab_session_get_id (session));
  const char *title = lab_session_get_title (session);

  g_string_append (out, "# ");
  append_inline (out, title[0] ? title : _("Untitled session"));
  g_string_append (out, "\n\n");

  if (lab_session_get_provider (session)[0] != '\0')
    model = g_strdup_printf ("%s (%s)", lab_session_get_model (session),
                             lab_session_get_provider (session));
  else
    model = g_strdup (lab_session_get_model (session));
  status = g_strdup_printf ("%s%s%s", lab_session_status_get_label (lab_session_get_status (session)),
                            lab_session_get_starred (session) ? _(", starred") : "",
                            lab_session_get_archived (session) ? _(", archived") : "");
  {
    g_autofree char *prompt = g_strdup_printf ("%" G_GINT64_FORMAT, lab_session_get_prompt_tokens (session));
    g_autofree char *completion = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   lab_session_get_completion_tokens (session));

    usage = g_strdup_printf (_("%s prompt and %s completion tokens, cost %.4f"), prompt, completion,
                             lab_session_get_cost (session));
  }

  append_detail (out, _("Research question"), lab_session_get_research_question (session));
  append_detail (out, _("Status"), status);
  append_detail (out, _("Model"), model);
  append_detail (out, _("Participants"), participants);
  append_detail (out, _("Keywords"), keywords);
  if (lab_session_get_parent_id (session) != NULL)
    {
      g_autofree char *point = g_strdup_printf ("%" G_GINT64_FORMAT, lab_session_get_branch_point (session));
      g_autofree char *branch = g_strdup_printf (_("%s of %s at message %s"),
                                                 lab_session_get_branch_name (session),
                                                 lab_session_get_parent_id (session), point);
      append_detail (out, _("Branch"), branch);
    }
  append_detail (out, _("Created"), created);
  append_detail (out, _("Last activity"), active);
  append_detail (out, _("Usage"), usage);
  /* The id is code, so it is added as such rather than escaped. */
  g_string_append_printf (out, "- **%s:** %s\n\n", _("Session"), id);
}

static void
append_message (GString    *out,
                LabMessage *message)
{
  g_autofree char *when = format_time (lab_message_get_created_at (message));
  const char *author = lab_message_get_author (message);
  const char *content = lab_message_get_content (message);

  g_string_append_printf (out, "### %" G_GINT64_FORMAT ". %s", lab_message_get_sequence (message),
                          role_label (lab_message_get_role (message)));
  if (author != NULL && author[0] != '\0')
    {
      g_string_append (out, " — ");
      append_inline (out, author);
    }
  g_string_append_printf (out, "\n\n*%s*\n\n", when);

  /* Tool traffic is data, shown as code; what people and models wrote is
   * Markdown already and stays as it is. */
  if (lab_message_is_tool (message))
    {
      if (content != NULL && content[0] != '\0')
        append_fenced (out, content, NULL);
    }
  else if (content != NULL && content[0] != '\0')
    {
      g_string_append (out, content);
      g_string_append (out, content[strlen (content) - 1] == '\n' ? "\n" : "\n\n");
    }

  if (lab_message_get_tool_calls (message) != NULL)
    {
      g_string_append_printf (out, "**%s**\n\n", _("Tool calls"));
      append_fenced (out, lab_message_get_tool_calls (message), "json");
    }
}

static gboolean
write_markdown (LabDb       *db,
                LabSession  *session,
                Writer      *w,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  append_session_header (w->buffer, session);
  g_string_append_printf (w->buffer, "## %s\n\n", _("Chat log"));

  stmt = lab_db_prepare (db, "SELECT " LAB_MESSAGE_COLUMNS " FROM messages m"
                             " WHERE m.session_id = ? ORDER BY m.sequence", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, lab_session_get_id (session), -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(LabMessage) message = lab_message_new_from_row (stmt);

      append_message (w->buffer, message);
      if (!writer_flush (w, FALSE, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  if (lab_session_get_message_count (session) == 0)
    g_string_append_printf (w->buffer, "*%s*\n", _("No messages."));

  return TRUE;
}

/* JSON */

static gboolean
write_json (LabDb       *db,
            LabSession  *session,
            Writer      *w,
            GError     **error)
{
  g_autofree char *now = lab_timestamp_now ();
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);

  g_string_append_printf (w->buffer, "{\"format\": \"%s\", \"version\": 1, \"exported_at\": \"%s\","
                                     " \"app_version\": \"%s\", \"schema_version\": %d",
                          LAB_TRANSCRIPT_JSON_FORMAT, now, PACKAGE_VERSION,
                          lab_db_get_schema_version (db));

  for (guint i = 0; i < n_tables; i++)
    {
      const LabTableInfo *table = &tables[i];
      g_autofree char *select = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const LabColumnInfo *owner = table->session_column ? lab_table_info_get_column (table, table->session_column)
                                                         : NULL;
      /* The sessions table names its session by its own id, not a reference. */
      gboolean is_session = owner != NULL && owner->references == NULL;
      gboolean first = TRUE;
      int rc;

      if (table->session_column == NULL)
        continue;

      select = lab_row_select_sql (table, "t");
      sql = g_strdup_printf ("%s WHERE t.\"%s\" = ?%s", select, table->session_column,
                             lab_table_info_get_column (table, "sequence") ? " ORDER BY t.sequence" : "");
      stmt = lab_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, lab_session_get_id (session), -1, SQLITE_STATIC);

      g_string_append_printf (w->buffer, ",\n\"%s\": %s", is_session ? "session" : table->name,
                              is_session ? "" : "[");
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (!is_session)
            g_string_append (w->buffer, first ? "\n" : ",\n");
          lab_row_append_json (table, stmt, w->buffer);
          first = FALSE;
          if (!writer_flush (w, FALSE, error))
            return FALSE;
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);
      if (!is_session)
        g_string_append (w->buffer, "]");
    }

  g_string_append (w->buffer, "}\n");
  return TRUE;
}

/**
 * lab_transcript_write:
 * @session_id: a session id or the unique start of one
 * @out: where to write; not closed
 *
 * Writes one session in @format to @out, in one read transaction so that the
 * session and its rows match.
 */
gboolean
lab_transcript_write (LabDb                *db,
                      const char           *session_id,
                      LabTranscriptFormat   format,
                      GOutputStream        *out,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autoptr(LabSession) session = NULL;
  g_autoptr(GString) buffer = g_string_sized_new (FLUSH_SIZE + 4096);
  Writer w = { out, buffer, cancellable };
  gboolean ok;

  g_return_val_if_fail (LAB_IS_DB (db), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  if (!lab_db_exec (db, "BEGIN", error))
    return FALSE;

  lab_db_set_cancellable (db, cancellable);
  session = lab_browse_get_session (db, session_id, error);
  ok = session != NULL;
  if (ok && format == LAB_TRANSCRIPT_MARKDOWN)
    ok = write_markdown (db, session, &w, error);
  else if (ok)
    ok = write_json (db, session, &w, error);
  lab_db_set_cancellable (db, NULL);
  lab_db_exec (db, "ROLLBACK", NULL);

  return ok && writer_flush (&w, TRUE, error) && g_output_stream_flush (out, cancellable, error);
}

/**
 * lab_transcript_default_path:
 *
 * Returns: (transfer full): `archives/session_<id>_YYYYMMDD_HHMMSS.md` (or
 *   `.json`) in the data directory, with the first eight characters of the id
 */
char *
lab_transcript_default_path (LabDataDir          *dir,
                             const char          *session_id,
                             LabTranscriptFormat  format)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d_%H%M%S");
  g_autofree char *short_id = g_strndup (session_id, 8);
  g_autofree char *name = NULL;

  /* Only the id's safe characters make it into the name. */
  g_strcanon (short_id, "0123456789abcdefABCDEF-_", '_');
  name = g_strdup_printf ("session_%s_%s.%s", short_id, stamp,
                          format == LAB_TRANSCRIPT_MARKDOWN ? "md" : "json");

  return g_build_filename (lab_data_dir_get_archives_path (dir), name, NULL);
}

/**
 * lab_transcript_export:
 * @dest: (nullable): the file to write; %NULL for lab_transcript_default_path()
 *
 * Writes the transcript to a file through a temporary name, fsync and rename.
 *
 * Returns: (transfer full): the path written, or %NULL with @error set
 */
char *
lab_transcript_export (LabDb                *db,
                       const char           *session_id,
                       LabTranscriptFormat   format,
                       const char           *dest,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tmp_path = NULL;
  int fd;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (dest != NULL || lab_db_get_data_dir (db) != NULL, NULL);

  /* Resolve a prefix first, so that a wrong id leaves no file behind. */
  session = lab_browse_get_session (db, session_id, error);
  if (session == NULL)
    return NULL;

  if (dest != NULL)
    path = g_strdup (dest);
  else
    {
      LabDataDir *dir = lab_db_get_data_dir (db);

      if (!lab_mkdir_private (lab_data_dir_get_archives_path (dir), error))
        return NULL;
      path = lab_transcript_default_path (dir, lab_session_get_id (session), format);
    }

  fd = lab_open_temp_beside (path, 0600, &tmp_path, error);
  if (fd < 0)
    return NULL;
  out = g_unix_output_stream_new (fd, TRUE);

  if (!lab_transcript_write (db, lab_session_get_id (session), format, out, cancellable, error) ||
      !lab_fsync_fd (fd, tmp_path, error) ||
      !g_output_stream_close (out, NULL, error))
    {
      g_unlink (tmp_path);
      return NULL;
    }

  if (!lab_commit_temp (tmp_path, path, error))
    return NULL;

  return g_steal_pointer (&path);
}

typedef struct
{
  LabDataDir *dir;
  char *session_id;
  LabTranscriptFormat format;
  char *dest;
} ExportData;

static void
export_data_free (gpointer data)
{
  ExportData *d = data;

  g_clear_object (&d->dir);
  g_free (d->session_id);
  g_free (d->dest);
  g_free (d);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *d = task_data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  char *path;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_db_open (d->dir, LAB_DB_OPEN_NO_CREATE, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  path = lab_transcript_export (db, d->session_id, d->format, d->dest, cancellable, &error);
  if (path == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * lab_transcript_export_async:
 * @dir: the data directory; the export opens its own connection
 *
 * Runs lab_transcript_export() in a worker thread.
 */
void
lab_transcript_export_async (LabDataDir           *dir,
                             const char           *session_id,
                             LabTranscriptFormat   format,
                             const char           *dest,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *d;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (session_id != NULL);

  d = g_new0 (ExportData, 1);
  d->dir = g_object_ref (dir);
  d->session_id = g_strdup (session_id);
  d->format = format;
  d->dest = g_strdup (dest);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_transcript_export_async);
  g_task_set_task_data (task, d, export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * lab_transcript_export_finish:
 *
 * Returns: (transfer full): the path written, or %NULL with @error set
 */
char *
lab_transcript_export_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_transcript_export_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
