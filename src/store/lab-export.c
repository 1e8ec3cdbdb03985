/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-export"

#include "config.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-archive.h"
#include "lab-archive-writer.h"
#include "lab-error.h"
#include "lab-export.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-row.h"
#include "lab-search.h"
#include "lab-timestamp.h"

/*
 * Export: the tables as JSON lines, in the order of the table descriptions,
 * then the sessions' workspace files, then the manifest with the checksum of
 * every member (written last, since the members are streamed). All rows are
 * read in one transaction, so the archive is a consistent snapshot even while
 * another program writes to the store.
 */

#define FLUSH_SIZE   (64 * 1024)
#define FILE_CHUNK   (256 * 1024)
#define CANCEL_EVERY 4096

G_DEFINE_BOXED_TYPE (LabExportOptions, lab_export_options,
                     lab_export_options_copy, lab_export_options_free)
G_DEFINE_BOXED_TYPE (LabExportResult, lab_export_result,
                     lab_export_result_copy, lab_export_result_free)

LabExportOptions *
lab_export_options_new (void)
{
  return g_new0 (LabExportOptions, 1);
}

LabExportOptions *
lab_export_options_copy (const LabExportOptions *options)
{
  LabExportOptions *copy = g_new0 (LabExportOptions, 1);

  copy->filter = options->filter ? lab_session_filter_copy (options->filter) : NULL;
  copy->query = g_strdup (options->query);
  copy->dest = g_strdup (options->dest);

  return copy;
}

void
lab_export_options_free (LabExportOptions *options)
{
  if (options == NULL)
    return;

  g_clear_pointer (&options->filter, lab_session_filter_free);
  g_free (options->query);
  g_free (options->dest);
  g_free (options);
}

LabExportResult *
lab_export_result_copy (const LabExportResult *result)
{
  LabExportResult *copy = g_memdup2 (result, sizeof *result);
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  copy->path = g_strdup (result->path);
  copy->counts = g_memdup2 (result->counts, n_tables * sizeof (gint64));

  return copy;
}

void
lab_export_result_free (LabExportResult *result)
{
  if (result == NULL)
    return;

  g_free (result->path);
  g_free (result->counts);
  g_free (result);
}

/**
 * lab_export_result_get_count:
 * @table: a table name
 *
 * Returns: the rows of @table in the archive
 */
gint64
lab_export_result_get_count (const LabExportResult *result,
                             const char            *table)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      if (g_str_equal (tables[i].name, table))
        return result->counts[i];
    }

  return 0;
}

/**
 * lab_export_default_path:
 *
 * Returns: (transfer full): `archives/export_YYYYMMDD_HHMMSS.labdata` for the
 *   current local time, with a number added if that name is taken
 */
char *
lab_export_default_path (LabDataDir *dir)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d_%H%M%S");

  for (guint n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("export_%s%s", stamp, LAB_ARCHIVE_EXTENSION)
                                     : g_strdup_printf ("export_%s-%u%s", stamp, n, LAB_ARCHIVE_EXTENSION);
      g_autofree char *path = g_build_filename (lab_data_dir_get_archives_path (dir), name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
}

static gboolean
filter_is_empty (const LabSessionFilter *filter)
{
  return filter == NULL ||
         (filter->status == NULL && filter->starred < 0 && filter->archived < 0 &&
          filter->since == 0 && filter->until == 0 && filter->participant == NULL &&
          filter->ids == NULL);
}

/* Whether an FTS5 query from lab_search_translate() names a message column
 * (author: or content:), which the sessions index does not have. Words the
 * person typed with a colon are quoted by the translation. */
static gboolean
names_message_column (const char *fts_query)
{
  gboolean quoted = FALSE;

  for (const char *p = fts_query; *p; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted && (p == fts_query || p[-1] == ' ' || p[-1] == '(') &&
               (g_str_has_prefix (p, "author:") || g_str_has_prefix (p, "content:")))
        return TRUE;
    }

  return FALSE;
}

/* Fills temp.lab_export_sessions with the ids of the chosen sessions. */
static gboolean
select_sessions (LabDb                   *db,
                 const LabExportOptions  *options,
                 GCancellable            *cancellable,
                 GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("INSERT OR IGNORE INTO temp.lab_export_sessions"
                                         " SELECT s.id FROM sessions s WHERE 1");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!lab_db_exec (db, "CREATE TEMP TABLE IF NOT EXISTS lab_export_sessions (id TEXT PRIMARY KEY);"
                        "DELETE FROM temp.lab_export_sessions", error))
    return FALSE;

  if (options->filter != NULL)
    lab_session_filter_append_sql (options->filter, sql, params);

  if (options->query != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (options->query));

      if (g_str_has_prefix (trimmed, "id:"))
        {
          g_autofree char *lower = g_ascii_strdown (g_strstrip (trimmed + 3), -1);

          if (lower[0] == '\0')
            {
              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                           _("Give the start of a session id after “id:”"));
              return FALSE;
            }
          g_string_append (sql, " AND s.id >= ? AND s.id < ?");
          g_ptr_array_add (params, g_strdup (lower));
          g_ptr_array_add (params, g_strconcat (lower, "\x7f", NULL));
        }
      else
        {
          g_autoptr(LabSearchQuery) probe = lab_search_query_new (trimmed);
          g_autoptr(LabSearchResults) results = NULL;
          g_autofree char *fts = NULL;

          /* Running the query once through the search itself gives a bad
           * query the same error message the search box shows. */
          probe->limit = 1;
          probe->session_limit = 0;
          results = lab_search_run (db, probe, cancellable, error);
          /* The search leaves the connection without a cancellable. */
          lab_db_set_cancellable (db, cancellable);
          if (results == NULL)
            return FALSE;

          fts = lab_search_translate (trimmed, error);
          if (fts == NULL)
            return FALSE;

          g_string_append (sql, " AND (s.id IN (SELECT m.session_id FROM messages_fts"
                                " JOIN messages m ON m.message_no = messages_fts.rowid"
                                " WHERE messages_fts MATCH ?)");
          g_ptr_array_add (params, g_strdup (fts));
          if (!names_message_column (fts))
            {
              g_string_append (sql, " OR s.session_no IN (SELECT rowid FROM sessions_fts"
                                    " WHERE sessions_fts MATCH ?)");
              g_ptr_array_add (params, g_strdup (fts));
            }
          g_string_append (sql, ")");
        }
    }

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  lab_sql_bind_params (stmt, 1, params);

  return lab_db_step_done (db, stmt, error);
}

/* The WHERE clause that picks @table's rows of the chosen sessions, or NULL
 * when the table has no rows to export in a selective export. */
static char *
table_condition (const LabTableInfo *table,
                 gboolean            full)
{
  if (full)
    return g_strdup ("");
  if (table->session_column == NULL)
    return NULL;

  return g_strdup_printf (" WHERE t.\"%s\" IN (SELECT id FROM temp.lab_export_sessions)",
                          table->session_column);
}

static void
append_scope (GString                *out,
              const LabExportOptions *options,
              gboolean                full)
{
  const LabSessionFilter *filter = options->filter;
  gboolean first = TRUE;

#define SEP() g_string_append (out, first ? "" : ", "), first = FALSE

  g_string_append_c (out, '{');
  if (full)
    {
      g_string_append (out, "\"all\": true}");
      return;
    }

  if (filter != NULL && filter->ids != NULL)
    {
      SEP ();
      g_string_append (out, "\"sessions\": [");
      for (guint i = 0; filter->ids[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          lab_json_append_string (out, filter->ids[i], -1);
        }
      g_string_append_c (out, ']');
    }
  if (filter != NULL && filter->status != NULL)
    {
      SEP ();
      g_string_append (out, "\"status\": ");
      lab_json_append_string (out, filter->status, -1);
    }
  if (filter != NULL && filter->participant != NULL)
    {
      SEP ();
      g_string_append (out, "\"participant\": ");
      lab_json_append_string (out, filter->participant, -1);
    }
  if (filter != NULL && filter->since != 0)
    {
      g_autofree char *text = lab_timestamp_format (filter->since);

      SEP ();
      g_string_append_printf (out, "\"since\": \"%s\"", text);
    }
  if (filter != NULL && filter->until != 0)
    {
      g_autofree char *text = lab_timestamp_format (filter->until);

      SEP ();
      g_string_append_printf (out, "\"until\": \"%s\"", text);
    }
  if (filter != NULL && filter->starred >= 0)
    {
      SEP ();
      g_string_append_printf (out, "\"starred\": %s", filter->starred ? "true" : "false");
    }
  if (filter != NULL && filter->archived >= 0)
    {
      SEP ();
      g_string_append_printf (out, "\"archived\": %s", filter->archived ? "true" : "false");
    }
  if (options->query != NULL)
    {
      SEP ();
      g_string_append (out, "\"query\": ");
      lab_json_append_string (out, options->query, -1);
    }
  g_string_append_c (out, '}');

#undef SEP
}

typedef struct
{
  LabDb *db;
  LabDataDir *dir;
  LabArchiveWriter *writer;
  LabArchiveLimits limits;
  LabProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  LabExportResult *result;
  gint64 now;
  gint64 rows_total;
  gint64 rows_done;
} Export;

static void
report (Export     *ex,
        double      fraction,
        const char *message)
{
  if (ex->progress != NULL)
    ex->progress (fraction, message, ex->progress_data);
}

static gboolean
export_table (Export              *ex,
              const LabTableInfo  *table,
              const char          *condition,
              gint64              *count,
              GError             **error)
{
  g_autofree char *select = lab_row_select_sql (table, "t");
  g_autofree char *sql = NULL;
  g_autofree char *member = lab_archive_table_member (table);
  g_autofree char *message = g_strdup_printf (_("Exporting %s"), table->name);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) out = g_string_sized_new (FLUSH_SIZE + 4096);
  int rc;

  *count = 0;
  report (ex, 0.95 * ex->rows_done / MAX (ex->rows_total, 1), message);
  if (g_cancellable_set_error_if_cancelled (ex->cancellable, error) ||
      !lab_archive_writer_begin_member (ex->writer, member, -1, ex->now, -1, error))
    return FALSE;

  if (condition != NULL)
    {
      sql = g_strconcat (select, condition, NULL);
      stmt = lab_db_prepare (ex->db, sql, error);
      if (stmt == NULL)
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gsize start = out->len;

          lab_row_append_json (table, stmt, out);
          if (out->len - start > ex->limits.max_line)
            {
              g_autofree char *limit = g_format_size (ex->limits.max_line);

              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("A row of %s is larger than an archive line may be (%s); it "
                             "cannot be exported"), table->name, limit);
              return FALSE;
            }
          g_string_append_c (out, '\n');
          (*count)++;

          if (out->len >= FLUSH_SIZE)
            {
              if (!lab_archive_writer_write (ex->writer, out->str, out->len, error))
                return FALSE;
              g_string_truncate (out, 0);
            }

          if (++ex->rows_done % CANCEL_EVERY == 0)
            {
              if (g_cancellable_set_error_if_cancelled (ex->cancellable, error))
                return FALSE;
              report (ex, 0.95 * ex->rows_done / MAX (ex->rows_total, 1), message);
            }
        }

      if (rc != SQLITE_DONE)
        return lab_db_set_error (ex->db, error, rc, NULL);
    }

  if (out->len > 0 && !lab_archive_writer_write (ex->writer, out->str, out->len, error))
    return FALSE;

  return lab_archive_writer_end_member (ex->writer, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Exports the open regular file @fd (consumed). */
static gboolean
export_file (Export      *ex,
             int          fd,
             const char  *member,
             GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      ex->result->n_skipped_files++;
      return TRUE;
    }

  /* The tables, the files and the manifest: no more than an import takes. */
  if (lab_archive_writer_get_files (ex->writer)->len + 2 > ex->limits.max_members)
    {
      close (fd);
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Too many workspace files for one archive (an archive holds at most %u); "
                     "export fewer sessions at a time"), ex->limits.max_members);
      return FALSE;
    }

  if (!lab_archive_writer_begin_member (ex->writer, member, -1,
                                        (gint64) st.st_mtime * G_USEC_PER_SEC, st.st_size, error))
    {
      close (fd);
      return FALSE;
    }

  buffer = g_malloc (MIN (FILE_CHUNK, st.st_size + 1));
  for (;;)
    {
      gssize n = read (fd, buffer, MIN (FILE_CHUNK, st.st_size + 1));

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), member);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!lab_archive_writer_write (ex->writer, buffer, n, error))
        {
          close (fd);
          return FALSE;
        }
    }

  close (fd);
  ex->result->n_files++;
  return lab_archive_writer_end_member (ex->writer, error);
}

/* Exports the regular files below the folder @dir_fd (consumed); @relative is
 * its path inside the session's workspace ("" at the top). Everything is
 * opened relative to its folder without following links: a link is left out
 * even when it is swapped in while the folder is read, and no long path is
 * looked up again for each file. Names the archive format cannot carry are
 * left out too. */
static gboolean
export_folder (Export      *ex,
               const char  *session_id,
               int          dir_fd,
               const char  *relative,
               GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *entry;
  DIR *dir;

  dir = fdopendir (dir_fd);
  if (dir == NULL)
    {
      close (dir_fd);
      return TRUE;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      if (!g_str_equal (entry->d_name, ".") && !g_str_equal (entry->d_name, ".."))
        g_ptr_array_add (names, g_strdup (entry->d_name));
    }
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *child_relative = relative[0] ? g_strconcat (relative, "/", name, NULL)
                                                    : g_strdup (name);
      g_autofree char *member = lab_archive_workspace_member (session_id, child_relative);
      int fd;

      if (lab_archive_classify_member (member, NULL, NULL, NULL) != LAB_ARCHIVE_MEMBER_WORKSPACE ||
          strlen (member) > ex->limits.max_name)
        {
          ex->result->n_skipped_files++;
          continue;
        }

      fd = openat (dirfd (dir), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0)
        {
          int saved_errno = errno;

          /* ELOOP: a symbolic link. */
          if (saved_errno == ELOOP || saved_errno == ENOENT || saved_errno == ENXIO)
            {
              ex->result->n_skipped_files++;
              continue;
            }
          closedir (dir);
          lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), member);
          return FALSE;
        }

      {
        struct stat st;

        if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
          {
            if (!export_folder (ex, session_id, fd, child_relative, error))
              {
                closedir (dir);
                return FALSE;
              }
            continue;
          }
      }

      if (!export_file (ex, fd, member, error))
        {
          closedir (dir);
          return FALSE;
        }
    }

  closedir (dir);
  return TRUE;
}

static gboolean
export_workspaces (Export    *ex,
                   gboolean   full,
                   GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (ex->dir == NULL)
    return TRUE;

  stmt = lab_db_prepare (ex->db, full ? "SELECT id FROM sessions ORDER BY id"
                                      : "SELECT id FROM temp.lab_export_sessions ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return lab_db_set_error (ex->db, error, rc, NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *folder = lab_data_dir_get_session_workspace (ex->dir, ids->pdata[i]);
      int fd = folder ? open (folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;

      if (fd >= 0 && !export_folder (ex, ids->pdata[i], fd, "", error))
        return FALSE;

      if (g_cancellable_set_error_if_cancelled (ex->cancellable, error))
        return FALSE;
      if (i % 64 == 0)
        report (ex, 0.95 + 0.05 * i / ids->len, _("Exporting workspace files"));
    }

  return TRUE;
}

static gboolean
write_manifest (Export                  *ex,
                const LabExportOptions  *options,
                gboolean                 full,
                GError                 **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *exported_at = lab_timestamp_format (ex->now);
  GPtrArray *files = lab_archive_writer_get_files (ex->writer);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);

  g_string_append_printf (out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n"
                               "  \"exported_at\": \"%s\",\n  \"app_version\": \"%s\",\n"
                               "  \"schema_version\": %d,\n  \"scope\": ",
                          LAB_ARCHIVE_FORMAT, LAB_ARCHIVE_VERSION, exported_at, PACKAGE_VERSION,
                          lab_db_get_schema_version (ex->db));
  append_scope (out, options, full);

  g_string_append (out, ",\n  \"counts\": {");
  for (guint i = 0; i < n_tables; i++)
    g_string_append_printf (out, "%s\"%s\": %" G_GINT64_FORMAT, i ? ", " : "", tables[i].name,
                            ex->result->counts[i]);
  g_string_append_printf (out, ", \"files\": %" G_GUINT64_FORMAT "},\n  \"files\": {", ex->result->n_files);

  for (guint i = 0; i < files->len; i++)
    {
      LabArchiveFileEntry *entry = g_ptr_array_index (files, i);

      g_string_append (out, i ? ",\n    " : "\n    ");
      lab_json_append_string (out, entry->name, -1);
      g_string_append_printf (out, ": {\"sha256\": \"%s\", \"size\": %" G_GUINT64_FORMAT "}",
                              entry->sha256, entry->size);
    }
  g_string_append (out, "\n  }\n}\n");

  if (out->len > ex->limits.max_manifest_size)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Too many files to export in one archive; choose fewer sessions"));
      return FALSE;
    }

  return lab_archive_writer_begin_member (ex->writer, LAB_ARCHIVE_MANIFEST, out->len, ex->now,
                                          out->len, error) &&
         lab_archive_writer_write (ex->writer, out->str, out->len, error) &&
         lab_archive_writer_end_member (ex->writer, error);
}

static void
log_export (LabDataDir      *dir,
            LabExportResult *result)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonObject) counts = json_object_new ();
  g_autoptr(GError) error = NULL;
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    json_object_set_int_member (counts, tables[i].name, result->counts[i]);
  json_object_set_int_member (counts, "files", result->n_files);

  json_object_set_string_member (details, "path", result->path);
  json_object_set_int_member (details, "bytes", result->archive_size);
  json_object_set_object_member (details, "counts", g_steal_pointer (&counts));

  if (!lab_oplog_append (dir, "export", details, &error))
    g_debug ("Cannot log the export: %s", error->message);
}

/**
 * lab_export_run:
 * @db: the store
 * @options: what to export and where
 * @progress: (nullable): called with the progress
 * @cancellable: (nullable): stops the export; nothing is left behind
 *
 * Writes a `.labdata` archive (docs/archive-format.md), streaming: memory use
 * does not depend on the size of the store. The archive appears at its
 * destination only when complete (temporary name, fsync, rename).
 *
 * Returns: (transfer full): what was written, or %NULL with @error set
 */
LabExportResult *
lab_export_run (LabDb                   *db,
                const LabExportOptions  *options,
                LabProgressFunc          progress,
                gpointer                 progress_data,
                GCancellable            *cancellable,
                GError                 **error)
{
  g_autoptr(LabExportResult) result = g_new0 (LabExportResult, 1);
  g_autoptr(LabArchiveWriter) writer = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  const LabTableInfo *tables;
  guint n_tables;
  gboolean full;
  gboolean ok = FALSE;
  Export ex = { 0 };

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->dest != NULL || lab_db_get_data_dir (db) != NULL, NULL);

  tables = lab_schema_get_tables (&n_tables);
  result->counts = g_new0 (gint64, n_tables);
  full = filter_is_empty (options->filter) && options->query == NULL;

  ex.db = db;
  ex.dir = lab_db_get_data_dir (db);
  ex.progress = progress;
  ex.progress_data = progress_data;
  ex.cancellable = cancellable;
  ex.result = result;
  ex.now = g_get_real_time ();
  lab_archive_limits_init_default (&ex.limits);

  if (options->dest != NULL)
    result->path = g_strdup (options->dest);
  else
    {
      if (!lab_mkdir_private (lab_data_dir_get_archives_path (ex.dir), error))
        return NULL;
      result->path = lab_export_default_path (ex.dir);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  report (&ex, 0.0, _("Preparing the export"));
  lab_db_set_cancellable (db, cancellable);

  /* One read transaction: every table comes from the same snapshot. */
  if (!lab_db_exec (db, "BEGIN", error))
    goto out;

  if (!full && !select_sessions (db, options, cancellable, error))
    goto out;

  if (!full)
    {
      gint64 n = lab_db_query_int64 (db, "SELECT count(*) FROM temp.lab_export_sessions", error);

      if (n < 0)
        goto out;
      if (n == 0)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                       _("No session matches the selection; nothing was exported"));
          goto out;
        }
    }

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *condition = table_condition (&tables[i], full);
      g_autofree char *sql = NULL;
      gint64 n;

      if (condition == NULL)
        continue;
      sql = g_strdup_printf ("SELECT count(*) FROM %s t%s", tables[i].name, condition);
      n = lab_db_query_int64 (db, sql, error);
      if (n < 0)
        goto out;
      ex.rows_total += n;
    }

  writer = lab_archive_writer_new (result->path, error);
  if (writer == NULL)
    goto out;
  ex.writer = writer;

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *condition = table_condition (&tables[i], full);

      if (!export_table (&ex, &tables[i], condition, &result->counts[i], error))
        goto out;
    }

  if (!export_workspaces (&ex, full, error))
    goto out;
  result->data_size = lab_archive_writer_get_total_size (writer);

  if (!write_manifest (&ex, options, full, error))
    goto out;

  if (!lab_archive_writer_close (writer, &result->archive_size, error))
    goto out;

  /* An import refuses an archive that expands this much, as a zip bomb
   * would: say so now rather than then. Deflate level 1 stays near 200:1
   * even on zeros, under the limit; this guards a change of level. */
  if (result->data_size > ex.limits.ratio_floor &&
      result->data_size / MAX (result->archive_size, 1) >= ex.limits.max_ratio)
    {
      g_autofree char *expanded = g_format_size (result->data_size);

      g_unlink (result->path);
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("The export would compress %s more than %u times, and LabData refuses to "
                     "import such archives (they look like zip bombs); export the sessions with "
                     "large, repetitive workspace files on their own"),
                   expanded, ex.limits.max_ratio);
      goto out;
    }

  ok = TRUE;

out:
  if (!sqlite3_get_autocommit (lab_db_get_handle (db)))
    lab_db_exec (db, "ROLLBACK", NULL);
  lab_db_exec (db, "DROP TABLE IF EXISTS temp.lab_export_sessions", NULL);
  lab_db_set_cancellable (db, NULL);

  if (!ok)
    return NULL;

  result->seconds = g_timer_elapsed (timer, NULL);
  report (&ex, 1.0, _("Export finished"));
  if (ex.dir != NULL)
    log_export (ex.dir, result);

  return g_steal_pointer (&result);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LabDataDir *dir = g_object_get_data (G_OBJECT (task), "dir");
  LabProgress *progress = g_object_get_data (G_OBJECT (task), "progress");
  LabExportOptions *options = task_data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  LabExportResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = lab_export_run (db, options, progress ? lab_progress_report : NULL, progress,
                           cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) lab_export_result_free);
}

/**
 * lab_export_run_async:
 * @dir: the data directory; the export opens its own connection
 * @progress: (nullable): receives the progress on the caller's main context
 *
 * Runs lab_export_run() in a worker thread.
 */
void
lab_export_run_async (LabDataDir             *dir,
                      const LabExportOptions *options,
                      LabProgress            *progress,
                      GCancellable           *cancellable,
                      GAsyncReadyCallback     callback,
                      gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_export_run_async);
  g_task_set_task_data (task, lab_export_options_copy (options),
                        (GDestroyNotify) lab_export_options_free);
  g_object_set_data_full (G_OBJECT (task), "dir", g_object_ref (dir), g_object_unref);
  if (progress != NULL)
    g_object_set_data_full (G_OBJECT (task), "progress", g_object_ref (progress), g_object_unref);
  g_task_run_in_thread (task, export_thread);
}

/**
 * lab_export_run_finish:
 *
 * Returns: (transfer full): what was written, or %NULL with @error set
 */
LabExportResult *
lab_export_run_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_export_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_export_count_sessions:
 * @db: the store
 * @options: what to export; only the selection is used
 * @cancellable: (nullable): stops the count
 *
 * Counts the sessions an export with @options would contain, choosing them
 * exactly as lab_export_run() does (so a bad search query gives the same
 * error). The export dialog shows it before anything is written.
 *
 * Returns: the number of sessions, or -1 with @error set
 */
gint64
lab_export_count_sessions (LabDb                   *db,
                           const LabExportOptions  *options,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  gint64 n = -1;

  g_return_val_if_fail (LAB_IS_DB (db), -1);
  g_return_val_if_fail (options != NULL, -1);

  if (filter_is_empty (options->filter) && options->query == NULL)
    return lab_db_query_int64 (db, "SELECT count(*) FROM sessions", error);

  lab_db_set_cancellable (db, cancellable);
  if (lab_db_exec (db, "BEGIN", error) && select_sessions (db, options, cancellable, error))
    n = lab_db_query_int64 (db, "SELECT count(*) FROM temp.lab_export_sessions", error);

  if (!sqlite3_get_autocommit (lab_db_get_handle (db)))
    lab_db_exec (db, "ROLLBACK", NULL);
  lab_db_exec (db, "DROP TABLE IF EXISTS temp.lab_export_sessions", NULL);
  lab_db_set_cancellable (db, NULL);

  return n;
}

static void
count_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LabDataDir *dir = g_object_get_data (G_OBJECT (task), "dir");
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  n = lab_export_count_sessions (db, task_data, cancellable, &error);
  if (n < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, n);
}

/**
 * lab_export_count_sessions_async:
 * @dir: the data directory; the count opens its own connection
 *
 * Runs lab_export_count_sessions() in a worker thread.
 */
void
lab_export_count_sessions_async (LabDataDir             *dir,
                                 const LabExportOptions *options,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_export_count_sessions_async);
  g_task_set_task_data (task, lab_export_options_copy (options),
                        (GDestroyNotify) lab_export_options_free);
  g_object_set_data_full (G_OBJECT (task), "dir", g_object_ref (dir), g_object_unref);
  g_task_run_in_thread (task, count_thread);
}

/**
 * lab_export_count_sessions_finish:
 *
 * Returns: the number of sessions, or -1 with @error set
 */
gint64
lab_export_count_sessions_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_export_count_sessions_async,
                        -1);

  return g_task_propagate_int (G_TASK (result), error);
}
