/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "lab-archive-reader.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-import-private.h"
#include "lab-legacy-json.h"

/*
 * Import, in two steps.
 *
 * lab_import_preview_load() reads and checks everything without touching the
 * store: the archive's structure and checksums (lab-archive-reader.c), every
 * row against the table descriptions (lab-import-stage.c, into a staging
 * database next to the store), then every reference to a session, and finally
 * compares each row and file with the store: new, identical or conflicting.
 *
 * lab_import_preview_apply() makes a backup, then writes in one transaction
 * with the chosen policy, straight from the staging database with INSERT …
 * SELECT. The staged workspace files move into place by rename only after the
 * commit. A list of those moves is written and synced before the commit, and
 * the commit itself records that moves are pending: if the process dies
 * before they are all done, lab_import_recover() finishes them. Killed any
 * earlier, the transaction never happened and the staging folder is garbage
 * that lab_import_recover() removes.
 */

#define READ_CHUNK (256 * 1024)

G_DEFINE_FINAL_TYPE (LabImportPreview, lab_import_preview, G_TYPE_OBJECT)

/* GObject */

static void
lab_import_preview_finalize (GObject *object)
{
  LabImportPreview *self = (LabImportPreview *) object;

  g_clear_pointer (&self->stage, lab_import_stage_free);
  g_clear_object (&self->dir);
  g_clear_object (&self->conflicts);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self->counts);
  g_free (self->path);
  g_free (self->exported_at);
  g_free (self->app_version);

  G_OBJECT_CLASS (lab_import_preview_parent_class)->finalize (object);
}

static void
lab_import_preview_class_init (LabImportPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_import_preview_finalize;
}

static void
lab_import_preview_init (LabImportPreview *self)
{
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  self->counts = g_new0 (LabImportCounts, n_tables);
  self->conflicts = g_list_store_new (LAB_TYPE_IMPORT_CONFLICT);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
}

static void
add_warning (LabImportPreview *self,
             char             *warning)
{
  g_ptr_array_insert (self->warnings, self->warnings->len - 1, warning);
}

static int
table_index (const LabTableInfo *table)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  return table - tables;
}

/* Which rows a staged row stands for, in error messages. */
static char *
row_position (LabImportPreview   *self,
              const LabTableInfo *table,
              gint64              rowid)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, rowid);

  /* Translators: "messages.jsonl line 12" */
  if (self->format == LAB_IMPORT_FORMAT_ARCHIVE)
    return g_strdup_printf (_("%s%s line %s"), table->name, LAB_ARCHIVE_MEMBER_SUFFIX, number);

  /* Translators: "messages row 12" */
  return g_strdup_printf (_("%s row %s"), table->name, number);
}

/* Format detection */

/**
 * lab_import_detect_format:
 * @path: a file to import
 *
 * Returns: whether @path is something LabData imports, with @format set
 */
gboolean
lab_import_detect_format (const char       *path,
                          LabImportFormat  *format,
                          GError          **error)
{
  char head[4] = { 0 };
  gssize n;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }
  n = read (fd, head, sizeof head);
  close (fd);

  /* Local file header, or the end record of an empty ZIP. */
  if (n == 4 && head[0] == 'P' && head[1] == 'K' &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
    {
      *format = LAB_IMPORT_FORMAT_ARCHIVE;
      return TRUE;
    }

  if (lab_legacy_json_detect (path))
    {
      *format = LAB_IMPORT_FORMAT_LEGACY_JSON;
      return TRUE;
    }

  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“%s” is neither a LabData archive (.labdata) nor a JSON export LabData can read"),
               path);
  return FALSE;
}

/* Loading: from the archive into the staging area */

typedef struct
{
  LabImportPreview *self;
  gsize max_line;
  guint64 *rows;          /* per table */
  guint64 n_files;
} Loader;

static gboolean
stage_line (Loader              *l,
            const LabTableInfo  *table,
            const char          *line,
            gsize                length,
            guint64              line_no,
            GError             **error)
{
  g_autofree char *where = NULL;

  if (length == 0)
    {
      where = row_position (l->self, table, line_no);
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, _("%s: an empty line"), where);
      return FALSE;
    }

  where = row_position (l->self, table, line_no);
  if (!lab_import_stage_add_line (l->self->stage, table, line, length, where, error))
    return FALSE;

  l->rows[table_index (table)]++;
  return TRUE;
}

/* Splits a table member into lines. A line is at most max_line bytes; only
 * lines that cross a read boundary are copied. */
static gboolean
stage_table_member (Loader                  *l,
                    LabArchiveReader        *reader,
                    const LabArchiveMember  *member,
                    GError                 **error)
{
  g_autofree char *buffer = g_malloc (READ_CHUNK);
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  guint64 line_no = 0;
  gssize n;

  while ((n = lab_archive_reader_read (reader, buffer, READ_CHUNK, error)) > 0)
    {
      const char *p = buffer;
      const char *end = buffer + n;

      while (p < end)
        {
          const char *newline = memchr (p, '\n', end - p);
          gsize part = (newline ? newline : end) - p;

          if (pending->len + part > l->max_line)
            {
              g_autofree char *where = row_position (l->self, member->table, line_no + 1);
              g_autofree char *limit = g_format_size (l->max_line);

              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("%s: longer than %s; refusing it"), where, limit);
              return FALSE;
            }

          if (newline == NULL)
            {
              g_byte_array_append (pending, (const guint8 *) p, part);
              break;
            }

          if (pending->len > 0)
            {
              g_byte_array_append (pending, (const guint8 *) p, part);
              if (!stage_line (l, member->table, (const char *) pending->data, pending->len, ++line_no, error))
                return FALSE;
              g_byte_array_set_size (pending, 0);
            }
          else if (!stage_line (l, member->table, p, part, ++line_no, error))
            return FALSE;

          p = newline + 1;
        }
    }

  if (n < 0)
    return FALSE;

  /* The last line may lack its newline. */
  if (pending->len > 0 &&
      !stage_line (l, member->table, (const char *) pending->data, pending->len, ++line_no, error))
    return FALSE;

  return TRUE;
}

static gboolean
stage_workspace_member (Loader                  *l,
                        LabArchiveReader        *reader,
                        const LabArchiveMember  *member,
                        GError                 **error)
{
  g_autofree char *buffer = g_malloc (READ_CHUNK);
  gssize n;
  int fd;

  fd = lab_import_stage_create_file (l->self->stage, member->session_id, member->path, error);
  if (fd < 0)
    return FALSE;

  while ((n = lab_archive_reader_read (reader, buffer, READ_CHUNK, error)) > 0)
    {
      if (!lab_write_all (fd, buffer, n, member->name, error))
        {
          close (fd);
          return FALSE;
        }
    }
  close (fd);
  if (n < 0)
    return FALSE;

  l->n_files++;
  /* The reader compares the size and checksum with the manifest after this
   * returns, so the manifest's values are the file's. */
  return lab_import_stage_add_file (l->self->stage, member->session_id, member->path, member->size,
                                    member->sha256, error);
}

static gboolean
stage_member_cb (LabArchiveReader        *reader,
                 const LabArchiveMember  *member,
                 gpointer                 user_data,
                 GError                 **error)
{
  Loader *l = user_data;

  switch (member->kind)
    {
    case LAB_ARCHIVE_MEMBER_TABLE:
      return stage_table_member (l, reader, member, error);
    case LAB_ARCHIVE_MEMBER_WORKSPACE:
      return stage_workspace_member (l, reader, member, error);
    case LAB_ARCHIVE_MEMBER_MANIFEST:
    case LAB_ARCHIVE_MEMBER_INVALID:
    default:
      return TRUE;
    }
}

static gboolean
check_free_space (LabImportPreview  *self,
                  guint64            needed,
                  GError           **error)
{
  struct statvfs st;
  guint64 available;

  if (statvfs (lab_data_dir_get_data_path (self->dir), &st) != 0)
    return TRUE;

  available = (guint64) st.f_bavail * st.f_frsize;
  if (available < needed)
    {
      g_autofree char *needed_text = g_format_size (needed);
      g_autofree char *available_text = g_format_size (available);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE,
                   _("Not enough free space to import “%s”: it needs about %s and %s is free"),
                   self->path, needed_text, available_text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_archive (LabImportPreview        *self,
              const LabArchiveLimits  *limits,
              LabProgressFunc          progress,
              gpointer                 progress_data,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(LabArchiveReader) reader = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  Loader l = { self };
  gint64 expected;

  tables = lab_schema_get_tables (&n_tables);

  reader = lab_archive_reader_open (self->path, limits, cancellable, error);
  if (reader == NULL)
    return FALSE;

  self->version = lab_archive_reader_get_version (reader);
  self->exported_at = g_strdup (lab_archive_reader_get_exported_at (reader));
  self->app_version = g_strdup (lab_archive_reader_get_app_version (reader));

  /* The staged rows and files take about as much room as the archive's
   * contents, and the store as much again. */
  if (!check_free_space (self, 2 * lab_archive_reader_get_total_size (reader) + 16 * 1024 * 1024, error))
    return FALSE;

  self->stage = lab_import_stage_new (self->dir, error);
  if (self->stage == NULL)
    return FALSE;

  l.max_line = limits ? limits->max_line : 0;
  if (l.max_line == 0)
    {
      LabArchiveLimits defaults;

      lab_archive_limits_init_default (&defaults);
      l.max_line = defaults.max_line;
    }
  l.rows = g_new0 (guint64, n_tables);

  if (!lab_archive_reader_read_members (reader, stage_member_cb, &l, progress, progress_data,
                                        cancellable, error))
    {
      g_free (l.rows);
      return FALSE;
    }

  /* Counts the manifest gives must be the counts found. */
  for (guint i = 0; i <= n_tables; i++)
    {
      const char *name = i < n_tables ? tables[i].name : "files";
      guint64 found = i < n_tables ? l.rows[i] : l.n_files;

      expected = lab_archive_reader_get_count (reader, name);
      if (expected >= 0 && (guint64) expected != found)
        {
          g_autofree char *expected_text = g_strdup_printf ("%" G_GINT64_FORMAT, expected);
          g_autofree char *found_text = g_strdup_printf ("%" G_GUINT64_FORMAT, found);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” is not a valid LabData archive: its manifest counts %s %s, and it "
                         "holds %s"), self->path, expected_text, name, found_text);
          g_free (l.rows);
          return FALSE;
        }
    }

  g_free (l.rows);
  return TRUE;
}

static gboolean
legacy_row_cb (const LabTableInfo  *table,
               JsonObject          *row,
               const char          *where,
               gpointer             user_data,
               GError             **error)
{
  LabImportPreview *self = user_data;

  return lab_import_stage_add_row (self->stage, table, row, where, error);
}

static gboolean
load_legacy (LabImportPreview  *self,
             GError           **error)
{
  struct stat st;

  if (stat (self->path, &st) == 0 && !check_free_space (self, 2 * st.st_size + 16 * 1024 * 1024, error))
    return FALSE;

  self->stage = lab_import_stage_new (self->dir, error);
  if (self->stage == NULL)
    return FALSE;

  return lab_legacy_json_read (self->path, legacy_row_cb, self, &self->version, &self->exported_at, error);
}

/* Checks of the staged rows, on the store's connection */

/* Values SQLite took out of the JSON that json-glib passed but the column
 * cannot hold: integers past 64 bits become reals, 1e999 becomes infinite. */
static gboolean
check_values (LabImportPreview  *self,
              LabDb             *db,
              GError           **error)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autoptr(GString) cases = g_string_new (NULL);
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      int rc;

      for (guint c = 0; c < tables[i].n_columns; c++)
        {
          const LabColumnInfo *column = &tables[i].columns[c];

          if (column->flags & LAB_COLUMN_FLAG_INTERNAL)
            continue;
          if (column->type == LAB_COLUMN_INTEGER || column->type == LAB_COLUMN_BOOLEAN)
            g_string_append_printf (cases, " WHEN typeof (\"%s\") NOT IN ('integer', 'null') THEN '%s'",
                                    column->name, column->name);
          else if (column->type == LAB_COLUMN_REAL)
            g_string_append_printf (cases, " WHEN abs (\"%s\") > 1.7976931348623157e308 THEN '%s'",
                                    column->name, column->name);
        }
      if (cases->len == 0)
        continue;

      sql = g_strdup_printf ("SELECT rowid, bad FROM (SELECT rowid, CASE%s END AS bad FROM "
                             LAB_IMPORT_STAGE_SCHEMA ".\"%s\") WHERE bad IS NOT NULL LIMIT 1",
                             cases->str, tables[i].name);
      stmt = lab_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_autofree char *where = row_position (self, &tables[i], sqlite3_column_int64 (stmt, 0));

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("%s: %s.%s is out of range"), where, tables[i].name,
                       (const char *) sqlite3_column_text (stmt, 1));
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);
    }

  return TRUE;
}

static gboolean
check_references (LabImportPreview  *self,
                  LabDb             *db,
                  GError           **error)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      for (guint c = 0; c < tables[i].n_columns; c++)
        {
          const LabColumnInfo *column = &tables[i].columns[c];
          g_autofree char *expr = NULL;
          g_autofree char *condition = NULL;
          g_autofree char *sql = NULL;
          g_autoptr(sqlite3_stmt) stmt = NULL;
          int rc;

          if (g_strcmp0 (column->references, "sessions") != 0)
            continue;

          expr = g_strdup_printf ("s.\"%s\"", column->name);
          condition = lab_import_unknown_session_sql (expr);

          if (lab_import_is_soft_reference (&tables[i], column))
            {
              gint64 n;

              sql = g_strdup_printf ("SELECT count (*) FROM " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s WHERE %s",
                                     tables[i].name, condition);
              n = lab_db_query_int64 (db, sql, error);
              if (n < 0)
                return FALSE;
              if (n > 0)
                {
                  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);

                  add_warning (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                   "%s session refers to a parent session that is "
                                                                   "neither in the archive nor in the store; it is "
                                                                   "imported without that link",
                                                                   "%s sessions refer to a parent session that is "
                                                                   "neither in the archive nor in the store; they are "
                                                                   "imported without that link", n),
                                                      count));
                }
              continue;
            }

          sql = g_strdup_printf ("SELECT s.rowid, %s FROM " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s WHERE %s LIMIT 1",
                                 expr, tables[i].name, condition);
          stmt = lab_db_prepare (db, sql, error);
          if (stmt == NULL)
            return FALSE;
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              g_autofree char *where = row_position (self, &tables[i], sqlite3_column_int64 (stmt, 0));

              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("%s: the session “%s” is neither in the archive nor in the store"),
                           where, (const char *) sqlite3_column_text (stmt, 1));
              return FALSE;
            }
          if (rc != SQLITE_DONE)
            return lab_db_set_error (db, error, rc, NULL);
        }
    }

  /* Workspace files belong to a session too. */
  {
    g_autofree char *condition = lab_import_unknown_session_sql ("s.session_id");
    g_autofree char *sql = g_strdup_printf ("SELECT s.session_id, s.path FROM " LAB_IMPORT_STAGE_SCHEMA ".import_files s"
                                            " WHERE %s LIMIT 1", condition);
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      {
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                     _("workspace/%s/%s: the session is neither in the archive nor in the store"),
                     (const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1));
        return FALSE;
      }
    if (rc != SQLITE_DONE)
      return lab_db_set_error (db, error, rc, NULL);
  }

  return TRUE;
}

static char *
key_text_sql (const LabTableInfo *table)
{
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint c = 0; c < table->n_columns; c++)
    {
      if (table->columns[c].flags & LAB_COLUMN_FLAG_KEY)
        g_string_append_printf (key, "%ss.\"%s\"", key->len ? " || '/' || " : "", table->columns[c].name);
    }

  return g_string_free (g_steal_pointer (&key), FALSE);
}

static gboolean
list_conflicts (LabImportPreview    *self,
                LabDb               *db,
                const LabTableInfo  *table,
                GPtrArray           *uniques,
                guint                limit,
                GError             **error)
{
  g_autofree char *classify = lab_import_classify_sql (table, uniques, TRUE);
  g_autofree char *key = key_text_sql (table);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sc = table->session_column;
  gboolean has_sequence = lab_table_info_get_column (table, "sequence") != NULL;
  int rc;

  sql = g_strdup_printf ("SELECT c.mask, c.position_taken, %s, %s%s%s, %s,"
                         " coalesce ((SELECT title FROM " LAB_IMPORT_STAGE_SCHEMA ".sessions x WHERE x.id = %s%s%s),"
                         "           (SELECT title FROM main.sessions y WHERE y.id = %s%s%s))"
                         " FROM (%s) c JOIN " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s ON s.rowid = c.r"
                         " WHERE c.status = %d ORDER BY c.r LIMIT %u",
                         key,
                         sc ? "s.\"" : "NULL", sc ? sc : "", sc ? "\"" : "",
                         has_sequence ? "s.sequence" : "-1",
                         sc ? "s.\"" : "NULL", sc ? sc : "", sc ? "\"" : "",
                         sc ? "s.\"" : "NULL", sc ? sc : "", sc ? "\"" : "",
                         classify, table->name, LAB_IMPORT_STATUS_CONFLICT, limit);

  stmt = lab_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GStrvBuilder) columns = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;
      g_autoptr(LabImportConflict) conflict = NULL;
      guint64 mask = sqlite3_column_int64 (stmt, 0);
      gboolean position_taken = sqlite3_column_int (stmt, 1);
      guint bit = 0;

      for (guint c = 0; c < table->n_columns; c++)
        {
          if (table->columns[c].flags & LAB_COLUMN_FLAG_INTERNAL)
            continue;
          if (mask & ((guint64) 1 << bit))
            g_strv_builder_add (columns, table->columns[c].name);
          bit++;
        }
      names = g_strv_builder_end (columns);

      conflict = lab_import_conflict_new (table->name, (const char *) sqlite3_column_text (stmt, 2),
                                          (const char *) sqlite3_column_text (stmt, 3),
                                          (const char *) sqlite3_column_text (stmt, 5),
                                          sqlite3_column_int64 (stmt, 4),
                                          position_taken ? LAB_IMPORT_CONFLICT_POSITION_TAKEN
                                                         : LAB_IMPORT_CONFLICT_CHANGED,
                                          position_taken ? NULL : (const char * const *) names);
      g_list_store_append (self->conflicts, conflict);
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

static gboolean
preview_file_cb (gint64       rowid,
                 const char  *session_id,
                 const char  *path,
                 int          status,
                 gpointer     user_data,
                 GError     **error)
{
  LabImportPreview *self = user_data;

  switch (status)
    {
    case LAB_IMPORT_STATUS_NEW:
      self->files.n_new++;
      break;
    case LAB_IMPORT_STATUS_IDENTICAL:
      self->files.n_identical++;
      break;
    case LAB_IMPORT_STATUS_CONFLICT:
    default:
      self->files.n_conflicting++;
      self->n_conflicts++;
      if (g_list_model_get_n_items (G_LIST_MODEL (self->conflicts)) < LAB_IMPORT_MAX_LISTED_CONFLICTS)
        {
          g_autofree char *key = g_strconcat (session_id, "/", path, NULL);
          g_autoptr(LabImportConflict) conflict = NULL;

          conflict = lab_import_conflict_new ("files", key, session_id, NULL, -1,
                                              LAB_IMPORT_CONFLICT_FILE_CHANGED, NULL);
          g_list_store_append (self->conflicts, conflict);
        }
      break;
    }

  return TRUE;
}

static gboolean
classify_preview (LabImportPreview  *self,
                  LabDb             *db,
                  GCancellable      *cancellable,
                  GError           **error)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autoptr(GPtrArray) uniques = lab_import_secondary_uniques (db, &tables[i], error);
      g_autofree char *classify = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      guint listed;
      int rc;

      if (uniques == NULL)
        return FALSE;

      classify = lab_import_classify_sql (&tables[i], uniques, FALSE);
      sql = g_strdup_printf ("SELECT status, count (*) FROM (%s) GROUP BY status", classify);
      stmt = lab_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          guint64 n = sqlite3_column_int64 (stmt, 1);

          switch (sqlite3_column_int (stmt, 0))
            {
            case LAB_IMPORT_STATUS_NEW:
              self->counts[i].n_new = n;
              break;
            case LAB_IMPORT_STATUS_IDENTICAL:
              self->counts[i].n_identical = n;
              break;
            case LAB_IMPORT_STATUS_CONFLICT:
            default:
              self->counts[i].n_conflicting = n;
              break;
            }
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);

      self->n_conflicts += self->counts[i].n_conflicting;
      listed = g_list_model_get_n_items (G_LIST_MODEL (self->conflicts));
      if (self->counts[i].n_conflicting > 0 && listed < LAB_IMPORT_MAX_LISTED_CONFLICTS &&
          !list_conflicts (self, db, &tables[i], uniques, LAB_IMPORT_MAX_LISTED_CONFLICTS - listed, error))
        return FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  return lab_import_classify_files (db, self->dir, preview_file_cb, self, cancellable, error);
}

/**
 * lab_import_preview_load:
 * @db: the store to import into (opened with lab_db_open())
 * @path: a `.labdata` archive or a legacy JSON export (untrusted)
 * @limits: (nullable): limits for archives; %NULL for the defaults
 * @progress: (nullable): called with the progress
 *
 * Reads and checks everything in @path and compares it with the store. Does
 * not change the store; the rows and files are kept in a staging folder in
 * the data directory until the preview is applied or freed.
 *
 * Returns: (transfer full): the preview, or %NULL with @error set:
 *   %LAB_STORE_ERROR_INVALID (with the member and line) for anything the
 *   format does not allow, %LAB_STORE_ERROR_CORRUPT for a damaged file,
 *   %LAB_STORE_ERROR_UNSAFE_PATH for paths that escape and links,
 *   %LAB_STORE_ERROR_UNSUPPORTED for a newer format version
 */
LabImportPreview *
lab_import_preview_load (LabDb                   *db,
                         const char              *path,
                         const LabArchiveLimits  *limits,
                         LabProgressFunc          progress,
                         gpointer                 progress_data,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_autoptr(LabImportPreview) self = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  gboolean ok;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (lab_db_get_data_dir (db) != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (!lab_import_recover (db, error))
    return NULL;

  self = g_object_new (LAB_TYPE_IMPORT_PREVIEW, NULL);
  self->path = g_strdup (path);
  self->dir = g_object_ref (lab_db_get_data_dir (db));

  if (progress != NULL)
    progress (0.0, _("Reading the archive"), progress_data);

  if (!lab_import_detect_format (path, &self->format, error))
    return NULL;

  if (self->format == LAB_IMPORT_FORMAT_ARCHIVE)
    ok = load_archive (self, limits, progress, progress_data, cancellable, error);
  else
    ok = load_legacy (self, error);
  if (!ok || !lab_import_stage_finish (self->stage, error))
    return NULL;
  g_debug ("Staged “%s” in %.1f s", path, g_timer_elapsed (timer, NULL));

  if (progress != NULL)
    progress (1.0, _("Comparing with the store"), progress_data);

  if (!lab_import_attach_stage (db, self->stage, error))
    return NULL;
  lab_db_set_cancellable (db, cancellable);
  ok = check_values (self, db, error) &&
       check_references (self, db, error) &&
       classify_preview (self, db, cancellable, error);
  lab_db_set_cancellable (db, NULL);
  lab_import_detach_stage (db);

  if (!ok)
    return NULL;

  g_debug ("Previewed “%s” in %.1f s", path, g_timer_elapsed (timer, NULL));
  return g_steal_pointer (&self);
}

const char *
lab_import_preview_get_path (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  return self->path;
}

LabImportFormat
lab_import_preview_get_format (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), LAB_IMPORT_FORMAT_ARCHIVE);
  return self->format;
}

int
lab_import_preview_get_version (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), 0);
  return self->version;
}

/**
 * lab_import_preview_get_exported_at:
 *
 * Returns: (nullable): when the archive was made, as its manifest says
 */
const char *
lab_import_preview_get_exported_at (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  return self->exported_at;
}

/**
 * lab_import_preview_get_app_version:
 *
 * Returns: (nullable): the version of LabData that made the archive
 */
const char *
lab_import_preview_get_app_version (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  return self->app_version;
}

/**
 * lab_import_preview_get_counts:
 * @table: a table name, or "files" for the workspace files
 * @counts: (out caller-allocates): the counts
 *
 * Returns: %FALSE if @table is not a table
 */
gboolean
lab_import_preview_get_counts (LabImportPreview *self,
                               const char       *table,
                               LabImportCounts  *counts)
{
  const LabTableInfo *info;

  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), FALSE);

  if (g_strcmp0 (table, "files") == 0)
    {
      *counts = self->files;
      return TRUE;
    }

  info = lab_schema_get_table (table);
  if (info == NULL)
    return FALSE;

  *counts = self->counts[table_index (info)];
  return TRUE;
}

/**
 * lab_import_preview_get_totals:
 * @counts: (out caller-allocates): all rows and files together
 */
void
lab_import_preview_get_totals (LabImportPreview *self,
                               LabImportCounts  *counts)
{
  guint n_tables;

  g_return_if_fail (LAB_IS_IMPORT_PREVIEW (self));

  lab_schema_get_tables (&n_tables);
  *counts = self->files;
  for (guint i = 0; i < n_tables; i++)
    {
      counts->n_new += self->counts[i].n_new;
      counts->n_identical += self->counts[i].n_identical;
      counts->n_conflicting += self->counts[i].n_conflicting;
    }
}

/**
 * lab_import_preview_has_changes:
 *
 * Returns: whether anything is new or conflicting; %FALSE means the store
 *   has everything in the archive already
 */
gboolean
lab_import_preview_has_changes (LabImportPreview *self)
{
  LabImportCounts totals;

  lab_import_preview_get_totals (self, &totals);
  return totals.n_new > 0 || totals.n_conflicting > 0;
}

/**
 * lab_import_preview_get_conflicts:
 *
 * Returns: (transfer none): the first %LAB_IMPORT_MAX_LISTED_CONFLICTS
 *   conflicts, #LabImportConflict items, rows in table order then files
 */
GListModel *
lab_import_preview_get_conflicts (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  return G_LIST_MODEL (self->conflicts);
}

/**
 * lab_import_preview_get_n_conflicts:
 *
 * Returns: how many rows and files conflict, listed or not
 */
guint64
lab_import_preview_get_n_conflicts (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), 0);
  return self->n_conflicts;
}

/**
 * lab_import_preview_get_warnings:
 *
 * Returns: (transfer none): things the import will change on the way, one
 *   sentence each
 */
const char * const *
lab_import_preview_get_warnings (LabImportPreview *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

/* Async */

typedef struct
{
  LabDataDir *dir;
  char *path;
  LabImportPolicy policy;
  LabProgress *progress;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *d = data;

  g_clear_object (&d->dir);
  g_clear_object (&d->progress);
  g_free (d->path);
  g_free (d);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  LabImportPreview *preview;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_db_open (d->dir, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  preview = lab_import_preview_load (db, d->path, NULL, d->progress ? lab_progress_report : NULL,
                                     d->progress, cancellable, &error);
  if (preview == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, preview, g_object_unref);
}

/**
 * lab_import_preview_load_async:
 * @dir: the data directory to import into; the preview opens its own
 *   connection
 * @progress: (nullable): receives the progress on the caller's main context
 *
 * Runs lab_import_preview_load() in a worker thread.
 */
void
lab_import_preview_load_async (LabDataDir          *dir,
                               const char          *path,
                               LabProgress         *progress,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *d;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (path != NULL);

  d = g_new0 (TaskData, 1);
  d->dir = g_object_ref (dir);
  d->path = g_strdup (path);
  d->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_import_preview_load_async);
  g_task_set_task_data (task, d, task_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * lab_import_preview_load_finish:
 *
 * Returns: (transfer full): the preview, or %NULL with @error set
 */
LabImportPreview *
lab_import_preview_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_import_preview_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

