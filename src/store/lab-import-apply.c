/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import"

/* syncfs() */
#define _GNU_SOURCE 1

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-import-private.h"
#include "lab-oplog.h"
#include "lab-row.h"
#include "lab-sha256.h"

/*
 * Applying an import (see lab-import.c for the whole story): a backup, then
 * one transaction that writes straight from the staging database with
 * INSERT … SELECT, following the chosen policy; then the staged workspace
 * files move into place. The list of moves is written and synced before the
 * commit, and the commit records that moves are pending, so that
 * lab_import_recover() can finish them after a crash.
 */

#define PENDING_KEY "import_pending"
#define WRITE_CHUNK 50000

/* What the apply does with a staged row or file. */
enum { ACTION_NONE, ACTION_INSERT, ACTION_REPLACE, ACTION_COPY };

G_DEFINE_BOXED_TYPE (LabImportResult, lab_import_result, lab_import_result_copy, lab_import_result_free)

/* Policies and results */

const char *
lab_import_policy_to_string (LabImportPolicy policy)
{
  switch (policy)
    {
    case LAB_IMPORT_SKIP:
      return "skip";
    case LAB_IMPORT_REPLACE:
      return "replace";
    case LAB_IMPORT_KEEP_BOTH:
      return "keep-both";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
lab_import_policy_from_string (const char      *text,
                               LabImportPolicy *policy)
{
  if (g_strcmp0 (text, "skip") == 0)
    *policy = LAB_IMPORT_SKIP;
  else if (g_strcmp0 (text, "replace") == 0)
    *policy = LAB_IMPORT_REPLACE;
  else if (g_strcmp0 (text, "keep-both") == 0 || g_strcmp0 (text, "keep_both") == 0)
    *policy = LAB_IMPORT_KEEP_BOTH;
  else
    return FALSE;

  return TRUE;
}

static LabImportResult *
import_result_new (void)
{
  LabImportResult *result = g_new0 (LabImportResult, 1);
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  result->inserted = g_new0 (guint64, n_tables);
  result->replaced = g_new0 (guint64, n_tables);
  result->copied = g_new0 (guint64, n_tables);
  result->skipped = g_new0 (guint64, n_tables);
  result->copied_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return result;
}

LabImportResult *
lab_import_result_copy (const LabImportResult *result)
{
  LabImportResult *copy = g_memdup2 (result, sizeof *result);
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  copy->inserted = g_memdup2 (result->inserted, n_tables * sizeof (guint64));
  copy->replaced = g_memdup2 (result->replaced, n_tables * sizeof (guint64));
  copy->copied = g_memdup2 (result->copied, n_tables * sizeof (guint64));
  copy->skipped = g_memdup2 (result->skipped, n_tables * sizeof (guint64));
  copy->backup_name = g_strdup (result->backup_name);
  copy->copied_sessions = result->copied_sessions ? g_hash_table_ref (result->copied_sessions) : NULL;

  return copy;
}

void
lab_import_result_free (LabImportResult *result)
{
  if (result == NULL)
    return;

  g_free (result->inserted);
  g_free (result->replaced);
  g_free (result->copied);
  g_free (result->skipped);
  g_free (result->backup_name);
  g_clear_pointer (&result->copied_sessions, g_hash_table_unref);
  g_free (result);
}

/**
 * lab_import_result_get_total:
 *
 * Returns: the rows and files the import wrote
 */
guint64
lab_import_result_get_total (const LabImportResult *result)
{
  guint64 total = result->files_added + result->files_replaced;
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    total += result->inserted[i] + result->replaced[i] + result->copied[i];

  return total;
}

/* Moving staged files into place, and recovery */

/* Refuses a destination under a symbolic link or a file: the workspace is
 * written through real folders only. Folders already checked are in
 * @checked (relative paths), so thousands of files in a few folders cost a
 * few lstat() calls; with @create, missing folders are made (mode 0700). */
static gboolean
check_destination (const char  *data_path,
                   const char  *relative,
                   gboolean     may_exist,
                   gboolean     create,
                   GHashTable  *checked,
                   GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (relative);
  g_autofree char *target = g_build_filename (data_path, relative, NULL);
  struct stat st;

  if (!g_hash_table_contains (checked, parent))
    {
      g_auto(GStrv) parts = g_strsplit (parent, "/", -1);
      g_autoptr(GString) rel = g_string_new (NULL);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *path = NULL;

          if (i > 0)
            g_string_append_c (rel, '/');
          g_string_append (rel, parts[i]);
          if (g_hash_table_contains (checked, rel->str))
            continue;

          path = g_build_filename (data_path, rel->str, NULL);
          if (lstat (path, &st) == 0)
            {
              if (!S_ISDIR (st.st_mode))
                {
                  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                               _("Cannot write “%s”: “%s” is not a folder (LabData does not write "
                                 "through links)"), relative, path);
                  return FALSE;
                }
            }
          else if (!create)
            break;
          else if (g_mkdir (path, 0700) != 0 && errno != EEXIST)
            {
              int saved_errno = errno;

              lab_store_error_from_errno (error, saved_errno, _("Cannot create the folder “%s”"), path);
              return FALSE;
            }

          g_hash_table_add (checked, g_strdup (rel->str));
        }
    }

  if (lstat (target, &st) == 0 && (!may_exist || !S_ISREG (st.st_mode)))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("Cannot write “%s”: something else is already there"), relative);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sync_filesystem (const char  *path,
                 GError     **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int ret;

  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open the folder “%s”"), path);
      return FALSE;
    }

  /* One syncfs() makes thousands of staged files and renames durable, where
   * an fsync() of each would take minutes. */
  ret = syncfs (fd);
  close (fd);
  if (ret != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s” to disk"), path);
      return FALSE;
    }

  return TRUE;
}

/* Runs the moves listed in a staging folder: "source<TAB>destination" lines,
 * both relative to the data folder. A move whose source is gone was done. */
static gboolean
run_moves (const char   *data_path,
           const char   *stage_path,
           GError      **error)
{
  g_autofree char *list_path = g_build_filename (stage_path, LAB_IMPORT_STAGE_MOVES, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!g_file_get_contents (list_path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *source = NULL;
      g_autofree char *dest = NULL;

      if (lines[i][0] == '\0')
        continue;

      fields = g_strsplit (lines[i], "\t", 3);
      if (g_strv_length (fields) != 2 || !lab_relative_path_is_safe (fields[0]) ||
          !lab_relative_path_is_safe (fields[1]) || !g_str_has_prefix (fields[1], "workspace/"))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The list of moves in “%s” is damaged"), stage_path);
          return FALSE;
        }

      source = g_build_filename (data_path, fields[0], NULL);
      dest = g_build_filename (data_path, fields[1], NULL);

      if (!g_file_test (source, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
        continue;

      if (!check_destination (data_path, fields[1], TRUE, TRUE, checked, error))
        return FALSE;

      if (g_rename (source, dest) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot move “%s” into place"), fields[1]);
          return FALSE;
        }
    }

  return sync_filesystem (data_path, error);
}

static gboolean
clear_pending (LabDb       *db,
               const char  *name,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "DELETE FROM store_meta WHERE key = '" PENDING_KEY "'"
                                                     " AND value = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  return lab_db_step_done (db, stmt, error);
}

/**
 * lab_import_recover:
 * @db: a store opened read-write with lab_db_open()
 *
 * Finishes an import that was interrupted after its commit (moves its staged
 * workspace files into place) and removes the staging folders of imports that
 * never got that far. Staging folders in use by a running import are left
 * alone. Every import does this first; the application also does it at start.
 */
gboolean
lab_import_recover (LabDb   *db,
                    GError **error)
{
  LabDataDir *dir;
  const char *data_path;
  g_autofree char *pending = NULL;
  g_autoptr(GDir) folder = NULL;
  const char *name;

  g_return_val_if_fail (LAB_IS_DB (db), FALSE);

  dir = lab_db_get_data_dir (db);
  if (dir == NULL || lab_db_is_read_only (db))
    return TRUE;
  data_path = lab_data_dir_get_data_path (dir);

  pending = lab_db_get_meta (db, PENDING_KEY);
  if (pending != NULL)
    {
      g_autofree char *stage_path = g_build_filename (data_path, pending, NULL);
      int lock_fd = -1;

      if (lab_import_stage_is_name (pending) && g_file_test (stage_path, G_FILE_TEST_IS_DIR))
        {
          lock_fd = lab_import_stage_try_lock (stage_path);
          /* Locked: the import that committed is still moving its files. */
          if (lock_fd < 0)
            return TRUE;
          if (!run_moves (data_path, stage_path, error))
            {
              close (lock_fd);
              return FALSE;
            }
        }

      if (!clear_pending (db, pending, error))
        {
          if (lock_fd >= 0)
            close (lock_fd);
          return FALSE;
        }

      if (lock_fd >= 0)
        {
          lab_rm_rf (stage_path, NULL);
          close (lock_fd);
        }
    }

  folder = g_dir_open (data_path, 0, NULL);
  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *stage_path = NULL;
      int lock_fd;

      if (!lab_import_stage_is_name (name))
        continue;

      stage_path = g_build_filename (data_path, name, NULL);
      lock_fd = lab_import_stage_try_lock (stage_path);
      if (lock_fd < 0)
        continue;

      lab_rm_rf (stage_path, NULL);
      close (lock_fd);
    }

  return TRUE;
}

/* Applying */

typedef struct
{
  LabImportPreview *self;
  LabDb *db;
  LabImportPolicy policy;
  LabProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  LabImportResult *result;
  GPtrArray *uniques;     /* per table */
  GString *moves;
  sqlite3_stmt *insert_file_status;
  guint64 rows_total;
  guint64 rows_done;
} Apply;

static void
uuid_func (sqlite3_context  *context,
           int               argc,
           sqlite3_value   **argv)
{
  sqlite3_result_text (context, g_uuid_string_random (), -1, g_free);
}

static void
apply_report (Apply      *a,
              double      fraction,
              const char *message)
{
  if (a->progress != NULL)
    a->progress (fraction, message, a->progress_data);
}

static char *
status_table (guint index)
{
  return g_strdup_printf ("temp.lab_import_status_%u", index);
}

static gboolean
exec_printf (LabDb       *db,
             GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (3, 4);

static gboolean
exec_printf (LabDb       *db,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);

  return lab_db_exec (db, sql, error);
}

/* Each staged row's status (new, identical, conflicting) under the write
 * lock, and the session it belongs to. */
static gboolean
compute_statuses (Apply   *a,
                  GError **error)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *status = status_table (i);
      g_autofree char *classify = NULL;
      g_autofree char *sid = NULL;
      GPtrArray *uniques = lab_import_secondary_uniques (a->db, &tables[i], error);

      if (uniques == NULL)
        return FALSE;
      g_ptr_array_add (a->uniques, uniques);

      classify = lab_import_classify_sql (&tables[i], uniques, FALSE);
      sid = tables[i].session_column ? g_strdup_printf ("s.\"%s\"", tables[i].session_column)
                                     : g_strdup ("NULL");
      if (!exec_printf (a->db, error, "CREATE TEMP TABLE %s (r INTEGER PRIMARY KEY, status INTEGER NOT NULL,"
                                      " action INTEGER NOT NULL DEFAULT %d, sid TEXT)",
                        status, ACTION_NONE) ||
          !exec_printf (a->db, error, "INSERT INTO %s (r, status, sid) SELECT c.r, c.status, %s"
                                      " FROM (%s) c JOIN " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s ON s.rowid = c.r",
                        status, sid, classify, tables[i].name))
        return FALSE;

      a->rows_total += lab_db_query_int64 (a->db, "SELECT changes ()", NULL);
    }

  return TRUE;
}

static gboolean
apply_file_status_cb (gint64       rowid,
                      const char  *session_id,
                      const char  *path,
                      int          status,
                      gpointer     user_data,
                      GError     **error)
{
  Apply *a = user_data;
  sqlite3_stmt *stmt = a->insert_file_status;

  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_int (stmt, 2, status);
  sqlite3_bind_text (stmt, 3, session_id, -1, SQLITE_STATIC);
  return lab_db_step_done (a->db, stmt, error);
}

#define COPY_KEY_PREFIX "import_copy:"

/* A digest of @session_id's staged rows and files: what a keep-both import
 * copied, so that importing the same archive again finds the copy. */
static gboolean
session_digest (Apply       *a,
                const char  *session_id,
                char         hex[LAB_SHA256_HEX_LENGTH + 1],
                GError     **error)
{
  LabSha256 sha;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) files = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  int rc;

  tables = lab_schema_get_tables (&n_tables);
  lab_sha256_init (&sha);

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *where = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (tables[i].session_column == NULL)
        continue;

      where = g_strdup_printf (" WHERE s.\"%s\" = ? ORDER BY s.rowid", tables[i].session_column);
      sql = lab_import_staged_select_sql (&tables[i], NULL, where);
      stmt = lab_db_prepare (a->db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);

      lab_sha256_update (&sha, tables[i].name, strlen (tables[i].name) + 1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_string_truncate (line, 0);
          lab_row_append_json (&tables[i], stmt, line);
          g_string_append_c (line, '\n');
          lab_sha256_update (&sha, line->str, line->len);
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (a->db, error, rc, NULL);
    }

  files = lab_db_prepare (a->db, "SELECT path, sha256 FROM " LAB_IMPORT_STAGE_SCHEMA ".import_files"
                                 " WHERE session_id = ? ORDER BY path", error);
  if (files == NULL)
    return FALSE;
  sqlite3_bind_text (files, 1, session_id, -1, SQLITE_STATIC);
  lab_sha256_update (&sha, "files", 6);
  while ((rc = sqlite3_step (files)) == SQLITE_ROW)
    {
      g_string_printf (line, "%s\t%s\n", sqlite3_column_text (files, 0), sqlite3_column_text (files, 1));
      lab_sha256_update (&sha, line->str, line->len);
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (a->db, error, rc, NULL);

  lab_sha256_finish (&sha, hex);
  return TRUE;
}

/* Whether the copy a keep-both import recorded under @digest still exists:
 * its id is in @table's key column. */
static gboolean
copy_exists (Apply               *a,
             const LabTableInfo  *table,
             const char          *digest)
{
  g_autofree char *key = g_strconcat (COPY_KEY_PREFIX, digest, NULL);
  g_autofree char *copy_id = lab_db_get_meta (a->db, key);
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *id_column = NULL;

  if (copy_id == NULL)
    return FALSE;

  for (guint c = 0; c < table->n_columns; c++)
    {
      if (table->columns[c].flags & LAB_COLUMN_FLAG_KEY)
        id_column = table->columns[c].name;
    }

  sql = g_strdup_printf ("SELECT 1 FROM main.\"%s\" WHERE \"%s\" = ?", table->name, id_column);
  stmt = lab_db_prepare (a->db, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, copy_id, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Keep both: finds the sessions to copy, leaves out those an earlier import
 * of the same contents copied already ("kept"), and gives conflicting rows of
 * no session their new ids, again unless copied before. */
static gboolean
plan_copies (Apply   *a,
             GError **error)
{
  const LabTableInfo *tables;
  guint n_tables;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) list = NULL;
  int rc;

  tables = lab_schema_get_tables (&n_tables);

  /* A session that conflicts anywhere (its row, a row of its own, a file)
   * is copied whole; only sessions of the archive can be. */
  for (guint i = 0; i <= n_tables; i++)
    {
      g_autofree char *status = i < n_tables ? status_table (i) : g_strdup ("temp.lab_import_file_status");

      if (!exec_printf (a->db, error,
                        "INSERT OR IGNORE INTO temp.lab_import_copies (old_id, new_id)"
                        " SELECT sid, lab_import_uuid () FROM (SELECT DISTINCT sid FROM %s"
                        "  WHERE status = %d AND sid IN (SELECT id FROM " LAB_IMPORT_STAGE_SCHEMA ".sessions))",
                        status, LAB_IMPORT_STATUS_CONFLICT))
        return FALSE;
    }

  list = lab_db_prepare (a->db, "SELECT old_id FROM temp.lab_import_copies", error);
  if (list == NULL)
    return FALSE;
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    g_ptr_array_add (candidates, g_strdup ((const char *) sqlite3_column_text (list, 0)));
  if (rc != SQLITE_DONE)
    return lab_db_set_error (a->db, error, rc, NULL);

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *session_id = g_ptr_array_index (candidates, i);
      char digest[LAB_SHA256_HEX_LENGTH + 1];
      g_autoptr(sqlite3_stmt) stmt = NULL;

      if (!session_digest (a, session_id, digest, error))
        return FALSE;

      if (copy_exists (a, lab_schema_get_table ("sessions"), digest))
        stmt = lab_db_prepare (a->db, "INSERT INTO temp.lab_import_kept (old_id) VALUES (?1);"
                                      , error);
      else
        stmt = lab_db_prepare (a->db, "UPDATE temp.lab_import_copies SET digest = ?2 WHERE old_id = ?1",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
      if (sqlite3_bind_parameter_count (stmt) > 1)
        sqlite3_bind_text (stmt, 2, digest, -1, SQLITE_TRANSIENT);
      if (!lab_db_step_done (a->db, stmt, error))
        return FALSE;
    }

  if (!lab_db_exec (a->db, "DELETE FROM temp.lab_import_copies"
                           " WHERE old_id IN (SELECT old_id FROM temp.lab_import_kept)", error))
    return FALSE;

  /* Conflicting rows that belong to no session: a new id each, unless the
   * same row was copied before. */
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *status = status_table (i);
      g_autofree char *where = NULL;
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autoptr(GString) line = g_string_new (NULL);
      g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func (g_free);
      where = g_strdup_printf (" JOIN %s t ON t.r = s.rowid WHERE t.status = %d AND t.sid IS NULL"
                               " ORDER BY s.rowid", status, LAB_IMPORT_STATUS_CONFLICT);
      sql = lab_import_staged_select_sql (&tables[i], "s.rowid", where);
      stmt = lab_db_prepare (a->db, sql, error);
      if (stmt == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          LabSha256 sha;
          char hex[LAB_SHA256_HEX_LENGTH + 1];
          gint64 rowid = sqlite3_column_int64 (stmt, sqlite3_column_count (stmt) - 1);

          g_string_truncate (line, 0);
          lab_row_append_json (&tables[i], stmt, line);
          lab_sha256_init (&sha);
          lab_sha256_update (&sha, tables[i].name, strlen (tables[i].name) + 1);
          lab_sha256_update (&sha, line->str, line->len);
          lab_sha256_finish (&sha, hex);
          g_array_append_val (rows, rowid);
          g_ptr_array_add (digests, g_strdup (hex));
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (a->db, error, rc, NULL);

      for (guint r = 0; r < rows->len; r++)
        {
          g_autoptr(sqlite3_stmt) add = NULL;
          g_autofree char *new_id = NULL;

          if (copy_exists (a, &tables[i], digests->pdata[r]))
            continue;

          new_id = g_uuid_string_random ();
          add = lab_db_prepare (a->db, "INSERT INTO temp.lab_import_row_ids (tbl, r, new_id, digest)"
                                       " VALUES (?, ?, ?, ?)", error);
          if (add == NULL)
            return FALSE;
          sqlite3_bind_int (add, 1, i);
          sqlite3_bind_int64 (add, 2, g_array_index (rows, gint64, r));
          sqlite3_bind_text (add, 3, new_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (add, 4, digests->pdata[r], -1, SQLITE_STATIC);
          if (!lab_db_step_done (a->db, add, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* What to do with each row: new rows are inserted, identical ones left; a
 * conflict is skipped, replaced or (keep both) its whole session copied. */
static gboolean
compute_actions (Apply   *a,
                 GError **error)
{
  guint n_tables;

  lab_schema_get_tables (&n_tables);

  if (!lab_db_exec (a->db, "CREATE TEMP TABLE lab_import_copies (old_id TEXT PRIMARY KEY,"
                           " new_id TEXT NOT NULL UNIQUE, digest TEXT);"
                           "CREATE TEMP TABLE lab_import_kept (old_id TEXT PRIMARY KEY);"
                           "CREATE TEMP TABLE lab_import_row_ids (tbl INTEGER, r INTEGER, new_id TEXT,"
                           " digest TEXT, PRIMARY KEY (tbl, r));"
                           "CREATE TEMP TABLE lab_import_file_status (r INTEGER PRIMARY KEY,"
                           " status INTEGER NOT NULL, action INTEGER NOT NULL DEFAULT 0, sid TEXT)", error))
    return FALSE;

  a->insert_file_status = lab_db_prepare (a->db, "INSERT INTO temp.lab_import_file_status (r, status, sid)"
                                                 " VALUES (?, ?, ?)", error);
  if (a->insert_file_status == NULL)
    return FALSE;
  if (!lab_import_classify_files (a->db, a->self->dir, apply_file_status_cb, a, a->cancellable, error))
    {
      g_clear_pointer (&a->insert_file_status, sqlite3_finalize);
      return FALSE;
    }
  g_clear_pointer (&a->insert_file_status, sqlite3_finalize);

  if (a->policy == LAB_IMPORT_KEEP_BOTH && !plan_copies (a, error))
    return FALSE;

  for (guint i = 0; i <= n_tables; i++)
    {
      g_autofree char *status = i < n_tables ? status_table (i) : g_strdup ("temp.lab_import_file_status");
      g_autofree char *conflict_action = NULL;

      switch (a->policy)
        {
        case LAB_IMPORT_REPLACE:
          conflict_action = g_strdup_printf ("%d", ACTION_REPLACE);
          break;
        case LAB_IMPORT_KEEP_BOTH:
          /* Rows of a session only in the store cannot be kept twice and
           * are skipped; rows of no session were given new ids. */
          conflict_action = g_strdup_printf ("CASE WHEN r IN (SELECT r FROM temp.lab_import_row_ids"
                                             " WHERE tbl = %u) THEN %d ELSE %d END",
                                             i, ACTION_COPY, ACTION_NONE);
          break;
        case LAB_IMPORT_SKIP:
        default:
          conflict_action = g_strdup_printf ("%d", ACTION_NONE);
          break;
        }

      /* Everything of a session kept by an earlier import stays as it is. */
      if (!exec_printf (a->db, error,
                        "UPDATE %s SET action = CASE"
                        " WHEN sid IN (SELECT old_id FROM temp.lab_import_kept) THEN %d"
                        " WHEN sid IN (SELECT old_id FROM temp.lab_import_copies) THEN %d"
                        " WHEN status = %d THEN %d WHEN status = %d THEN %d ELSE %s END",
                        status, ACTION_NONE, ACTION_COPY, LAB_IMPORT_STATUS_NEW, ACTION_INSERT, LAB_IMPORT_STATUS_IDENTICAL,
                        ACTION_NONE, conflict_action))
        return FALSE;
    }

  return TRUE;
}

/* Records the copies of this import (see plan_copies()). */
static gboolean
record_copies (Apply   *a,
               GError **error)
{
  return lab_db_exec (a->db, "INSERT OR REPLACE INTO main.store_meta (key, value)"
                             " SELECT '" COPY_KEY_PREFIX "' || digest, new_id FROM temp.lab_import_copies"
                             " WHERE digest IS NOT NULL;"
                             "INSERT OR REPLACE INTO main.store_meta (key, value)"
                             " SELECT '" COPY_KEY_PREFIX "' || digest, new_id FROM temp.lab_import_row_ids",
                      error);
}

/* The value written for @column: session references follow copied
 * sessions, and copies get new ids. */
static char *
write_value_sql (const LabTableInfo  *table,
                 guint                index,
                 const LabColumnInfo *column)
{
  const char *name = column->name;
  gboolean key_has_session = FALSE;

  for (guint c = 0; c < table->n_columns; c++)
    {
      if ((table->columns[c].flags & LAB_COLUMN_FLAG_KEY) && table->columns[c].references != NULL)
        key_has_session = TRUE;
    }

  if (g_strcmp0 (table->session_column, name) == 0 || g_strcmp0 (column->references, "sessions") == 0)
    {
      g_autofree char *mapped = g_strdup_printf ("(SELECT new_id FROM temp.lab_import_copies"
                                                 " WHERE old_id = s.\"%s\")", name);

      if (lab_import_is_soft_reference (table, column))
        {
          g_autofree char *expr = g_strdup_printf ("s.\"%s\"", name);
          g_autofree char *unknown = lab_import_unknown_session_sql (expr);

          /* A link to a session in neither place is dropped, as the preview
           * warned. */
          return g_strdup_printf ("CASE WHEN %s IS NOT NULL THEN %s WHEN %s THEN NULL ELSE s.\"%s\" END",
                                  mapped, mapped, unknown, name);
        }

      return g_strdup_printf ("coalesce (%s, s.\"%s\")", mapped, name);
    }

  if ((column->flags & LAB_COLUMN_FLAG_KEY) && !key_has_session)
    return g_strdup_printf ("CASE WHEN t.action = %d THEN coalesce ((SELECT new_id FROM temp.lab_import_row_ids"
                            " WHERE tbl = %u AND r = s.rowid), lab_import_uuid ()) ELSE s.\"%s\" END",
                            ACTION_COPY, index, name);

  return g_strdup_printf ("s.\"%s\"", name);
}

static char *
write_sql (const LabTableInfo *table,
           guint               index,
           const char         *status,
           const char         *actions,
           gboolean            upsert,
           gboolean            chunked)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autoptr(GString) updates = g_string_new (NULL);

  for (guint c = 0; c < table->n_columns; c++)
    {
      const LabColumnInfo *column = &table->columns[c];
      g_autofree char *value = NULL;

      if (column->flags & LAB_COLUMN_FLAG_INTERNAL)
        continue;

      value = write_value_sql (table, index, column);
      g_string_append_printf (columns, "%s\"%s\"", columns->len ? ", " : "", column->name);
      g_string_append_printf (values, "%s%s", values->len ? ", " : "", value);
      if (column->flags & LAB_COLUMN_FLAG_KEY)
        g_string_append_printf (keys, "%s\"%s\"", keys->len ? ", " : "", column->name);
      else
        g_string_append_printf (updates, "%s\"%s\" = excluded.\"%s\"", updates->len ? ", " : "",
                                column->name, column->name);
    }

  /* The WHERE clause also keeps "ON CONFLICT" from reading as a join. */
  return g_strdup_printf ("INSERT INTO main.\"%s\" (%s) SELECT %s FROM " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s"
                          " JOIN %s t ON t.r = s.rowid WHERE t.action IN (%s)%s ORDER BY s.rowid%s%s%s%s",
                          table->name, columns->str, values->str, table->name, status, actions,
                          chunked ? " AND s.rowid BETWEEN ?1 AND ?2" : "",
                          upsert ? " ON CONFLICT (" : "", upsert ? keys->str : "",
                          upsert ? ") DO UPDATE SET " : "", upsert ? updates->str : "");
}

static gboolean
run_chunked (Apply               *a,
             const LabTableInfo  *table,
             const char          *sql,
             const char          *status,
             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (a->db, sql, error);
  g_autofree char *max_sql = g_strdup_printf ("SELECT coalesce (max (r), 0) FROM %s", status);
  g_autofree char *message = g_strdup_printf (_("Importing %s"), table->name);
  gint64 max;

  if (stmt == NULL)
    return FALSE;
  max = lab_db_query_int64 (a->db, max_sql, error);
  if (max < 0)
    return FALSE;

  for (gint64 first = 1; first <= max; first += WRITE_CHUNK)
    {
      sqlite3_bind_int64 (stmt, 1, first);
      sqlite3_bind_int64 (stmt, 2, first + WRITE_CHUNK - 1);
      if (!lab_db_step_done (a->db, stmt, error))
        return FALSE;

      a->rows_done += MIN (WRITE_CHUNK, max - first + 1);
      apply_report (a, 0.1 + 0.8 * a->rows_done / MAX (a->rows_total, 1), message);
    }

  return TRUE;
}

static char *
key_tuple_sql (const LabTableInfo *table,
               char              **columns,
               const char         *alias)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = 0;

  for (guint c = 0; c < table->n_columns; c++)
    {
      gboolean wanted = columns ? g_strv_contains ((const char * const *) columns, table->columns[c].name)
                                : (table->columns[c].flags & LAB_COLUMN_FLAG_KEY) != 0;

      if (!wanted)
        continue;
      g_string_append_printf (out, "%s%s%s\"%s\"", n ? ", " : "", alias ? alias : "", alias ? "." : "",
                              table->columns[c].name);
      n++;
    }

  /* A row value on the left of IN; the sub-select lists plain columns. */
  if (n > 1 && alias == NULL)
    {
      g_string_prepend_c (out, '(');
      g_string_append_c (out, ')');
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Whether @table's replaced rows are deleted and inserted again rather
 * than updated in place: rows with a second unique constraint (a message's
 * place in its session), so that two rows that swap places do not collide
 * halfway. Sessions are referenced by every other table and are only ever
 * updated in place. */
static gboolean
replaced_by_delete (Apply *a,
                    guint  index)
{
  guint n_tables;
  const LabTableInfo *table = &lab_schema_get_tables (&n_tables)[index];
  GPtrArray *uniques = g_ptr_array_index (a->uniques, index);
  const LabColumnInfo *owner = table->session_column ? lab_table_info_get_column (table, table->session_column)
                                                     : NULL;

  return a->policy == LAB_IMPORT_REPLACE && uniques->len > 0 && !(owner != NULL && owner->references == NULL);
}

/* Deletes the rows that replaced_by_delete() tables replace, and the rows in
 * their places. This runs before lab_db_begin_bulk(): a deleted row may have
 * had the highest rowid, which SQLite then gives to a new row, and the bulk
 * indexing only looks above the highest rowid it saw at its start. */
static gboolean
delete_replaced (Apply   *a,
                 guint    index,
                 GError **error)
{
  guint n_tables;
  const LabTableInfo *table = &lab_schema_get_tables (&n_tables)[index];
  GPtrArray *uniques = g_ptr_array_index (a->uniques, index);
  g_autofree char *status = status_table (index);
  g_autofree char *keys = key_tuple_sql (table, NULL, NULL);
  g_autofree char *staged_keys = key_tuple_sql (table, NULL, "s");

  if (!replaced_by_delete (a, index))
    return TRUE;

  if (!exec_printf (a->db, error, "DELETE FROM main.\"%s\" WHERE %s IN (SELECT %s FROM "
                                  LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s JOIN %s t ON t.r = s.rowid WHERE t.action = %d)",
                    table->name, keys, staged_keys, table->name, status, ACTION_REPLACE))
    return FALSE;

  for (guint u = 0; u < uniques->len; u++)
    {
      g_autofree char *place = key_tuple_sql (table, g_ptr_array_index (uniques, u), NULL);
      g_autofree char *staged_place = key_tuple_sql (table, g_ptr_array_index (uniques, u), "s");

      if (!exec_printf (a->db, error, "DELETE FROM main.\"%s\" WHERE %s IN (SELECT %s FROM "
                                      LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s JOIN %s t ON t.r = s.rowid"
                                      " WHERE t.action = %d)",
                        table->name, place, staged_place, table->name, status, ACTION_REPLACE))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_table (Apply   *a,
             guint    index,
             GError **error)
{
  guint n_tables;
  const LabTableInfo *table = &lab_schema_get_tables (&n_tables)[index];
  g_autofree char *status = status_table (index);
  const LabColumnInfo *owner = table->session_column ? lab_table_info_get_column (table, table->session_column)
                                                     : NULL;
  gboolean delete_insert = replaced_by_delete (a, index);
  /* Sessions are few: one statement. */
  gboolean chunked = !(owner != NULL && owner->references == NULL);
  g_autofree char *actions = NULL;
  g_autofree char *sql = NULL;

  if (a->policy == LAB_IMPORT_REPLACE && !delete_insert)
    {
      g_autofree char *replace = g_strdup_printf ("%d", ACTION_REPLACE);
      g_autofree char *upsert = write_sql (table, index, status, replace, TRUE, FALSE);

      if (!lab_db_exec (a->db, upsert, error))
        return FALSE;
    }

  actions = delete_insert ? g_strdup_printf ("%d, %d, %d", ACTION_INSERT, ACTION_COPY, ACTION_REPLACE)
                          : g_strdup_printf ("%d, %d", ACTION_INSERT, ACTION_COPY);
  sql = write_sql (table, index, status, actions, FALSE, chunked);

  if (chunked)
    return run_chunked (a, table, sql, status, error);

  return lab_db_exec (a->db, sql, error);
}

/* Plans the moves of the staged files that are written, into a->moves. */
static gboolean
plan_moves (Apply   *a,
            GError **error)
{
  const char *data_path = lab_data_dir_get_data_path (a->self->dir);
  const char *stage_name = lab_import_stage_get_name (a->self->stage);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  stmt = lab_db_prepare (a->db, "SELECT f.session_id, f.path, fs.action,"
                                " coalesce (c.new_id, f.session_id)"
                                " FROM " LAB_IMPORT_STAGE_SCHEMA ".import_files f"
                                " JOIN temp.lab_import_file_status fs ON fs.r = f.rowid"
                                " LEFT JOIN temp.lab_import_copies c ON c.old_id = f.session_id"
                                " WHERE fs.action != 0 ORDER BY f.rowid", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *session_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *path = (const char *) sqlite3_column_text (stmt, 1);
      int action = sqlite3_column_int (stmt, 2);
      const char *target = (const char *) sqlite3_column_text (stmt, 3);
      g_autofree char *dest = g_strconcat ("workspace/", target, "/", path, NULL);

      if (!check_destination (data_path, dest, action == ACTION_REPLACE, FALSE, checked, error))
        return FALSE;

      g_string_append_printf (a->moves, "%s/%s/%s/%s\t%s\n", stage_name, LAB_IMPORT_STAGE_FILES,
                              session_id, path, dest);
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (a->db, error, rc, NULL);

  return TRUE;
}

static gboolean
collect_result (Apply   *a,
                GError **error)
{
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i <= n_tables; i++)
    {
      g_autofree char *status = i < n_tables ? status_table (i) : g_strdup ("temp.lab_import_file_status");
      g_autofree char *sql = g_strdup_printf ("SELECT action, status, count (*) FROM %s GROUP BY 1, 2", status);
      g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (a->db, sql, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int action = sqlite3_column_int (stmt, 0);
          guint64 n = sqlite3_column_int64 (stmt, 2);

          if (i == n_tables)
            {
              if (action == ACTION_INSERT || action == ACTION_COPY)
                a->result->files_added += n;
              else if (action == ACTION_REPLACE)
                a->result->files_replaced += n;
              else if (sqlite3_column_int (stmt, 1) == LAB_IMPORT_STATUS_CONFLICT)
                a->result->files_skipped += n;
              continue;
            }

          if (action == ACTION_INSERT)
            a->result->inserted[i] += n;
          else if (action == ACTION_REPLACE)
            a->result->replaced[i] += n;
          else if (action == ACTION_COPY)
            a->result->copied[i] += n;
          else if (sqlite3_column_int (stmt, 1) == LAB_IMPORT_STATUS_CONFLICT)
            a->result->skipped[i] += n;
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (a->db, error, rc, NULL);
    }

  {
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (a->db, "SELECT old_id, new_id FROM temp.lab_import_copies",
                                                   error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_hash_table_insert (a->result->copied_sessions, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    if (rc != SQLITE_DONE)
      return lab_db_set_error (a->db, error, rc, NULL);
  }

  return TRUE;
}

static void
drop_temp_tables (LabDb *db)
{
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *status = status_table (i);

      exec_printf (db, NULL, "DROP TABLE IF EXISTS %s", status);
    }
  lab_db_exec (db, "DROP TABLE IF EXISTS temp.lab_import_copies;"
                   "DROP TABLE IF EXISTS temp.lab_import_kept;"
                   "DROP TABLE IF EXISTS temp.lab_import_row_ids;"
                   "DROP TABLE IF EXISTS temp.lab_import_file_status", NULL);
}

/* Decides what the import writes, into temporary tables and a->result. */
static gboolean
plan (Apply   *a,
      GError **error)
{
  guint n_tables;

  lab_schema_get_tables (&n_tables);
  memset (a->result->inserted, 0, n_tables * sizeof (guint64));
  memset (a->result->replaced, 0, n_tables * sizeof (guint64));
  memset (a->result->copied, 0, n_tables * sizeof (guint64));
  memset (a->result->skipped, 0, n_tables * sizeof (guint64));
  a->result->files_added = a->result->files_replaced = a->result->files_skipped = 0;
  g_hash_table_remove_all (a->result->copied_sessions);
  g_ptr_array_set_size (a->uniques, 0);
  a->rows_total = 0;

  return compute_statuses (a, error) && compute_actions (a, error) && collect_result (a, error);
}

typedef struct
{
  Apply *a;
  double start;
  double span;
} SubProgress;

static void
sub_progress_cb (double      fraction,
                 const char *message,
                 gpointer    user_data)
{
  SubProgress *sub = user_data;

  apply_report (sub->a, fraction < 0 ? -1 : sub->start + sub->span * fraction, message);
}

/* Whether the store holds any row, i.e. whether a backup of it is worth
 * anything. */
static gboolean
store_is_empty (LabDb *db)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM main.\"%s\")", tables[i].name);

      if (lab_db_query_int64 (db, sql, NULL) != 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
make_backup (Apply   *a,
             GError **error)
{
  SubProgress sub = { a, 0.0, 0.2 };

  a->result->backup_name = lab_backup_create (a->self->dir, LAB_BACKUP_KIND_PRE_IMPORT,
                                              a->progress ? sub_progress_cb : NULL, &sub,
                                              a->cancellable, error);
  if (a->result->backup_name == NULL)
    {
      g_prefix_error (error, _("Cannot back up the store before the import: "));
      return FALSE;
    }

  return TRUE;
}

static void
log_import (Apply      *a,
            gboolean    ok,
            GError     *failure)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(GError) error = NULL;
  guint n_tables;
  guint64 inserted = 0, replaced = 0, copied = 0, skipped = 0;

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      inserted += a->result->inserted[i];
      replaced += a->result->replaced[i];
      copied += a->result->copied[i];
      skipped += a->result->skipped[i];
    }

  json_object_set_string_member (details, "path", a->self->path);
  json_object_set_string_member (details, "format", a->self->format == LAB_IMPORT_FORMAT_ARCHIVE ? "labdata"
                                                                                              : "legacy-json");
  json_object_set_string_member (details, "policy", lab_import_policy_to_string (a->policy));
  json_object_set_boolean_member (details, "ok", ok);
  if (!ok && failure != NULL)
    json_object_set_string_member (details, "error", failure->message);
  json_object_set_int_member (details, "inserted", inserted);
  json_object_set_int_member (details, "replaced", replaced);
  json_object_set_int_member (details, "copied", copied);
  json_object_set_int_member (details, "skipped", skipped);
  json_object_set_int_member (details, "files_added", a->result->files_added);
  json_object_set_int_member (details, "files_replaced", a->result->files_replaced);
  if (a->result->backup_name != NULL)
    json_object_set_string_member (details, "backup", a->result->backup_name);

  if (!lab_oplog_append (a->self->dir, "import", details, &error))
    g_debug ("Cannot log the import: %s", error->message);
}

/**
 * lab_import_preview_apply:
 * @db: the store the preview was made for, opened read-write
 * @policy: what to do with conflicts
 * @progress: (nullable): called with the progress
 * @cancellable: (nullable): stops the import before its commit; nothing
 *   is changed then
 *
 * Imports what the preview found. The statuses are computed again under the
 * write lock, so a store that changed since the preview is still handled
 * right. A backup is made first if anything is going to be written. A
 * preview is applied once.
 *
 * Returns: (transfer full): what was written, or %NULL with @error set and
 *   the store unchanged
 */
LabImportResult *
lab_import_preview_apply (LabImportPreview  *self,
                          LabDb             *db,
                          LabImportPolicy    policy,
                          LabProgressFunc    progress,
                          gpointer           progress_data,
                          GCancellable      *cancellable,
                          GError           **error)
{
  g_autoptr(LabImportResult) result = import_result_new ();
  g_autoptr(GPtrArray) uniques = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GString) moves = g_string_new (NULL);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) local_error = NULL;
  const char *data_path;
  guint n_tables;
  gboolean attached = FALSE;
  gboolean committed = FALSE;
  gboolean ok = FALSE;
  Apply a = { self, db, policy, progress, progress_data, cancellable, result, uniques, moves };

  g_return_val_if_fail (LAB_IS_IMPORT_PREVIEW (self), NULL);
  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (lab_db_get_data_dir (db) != NULL, NULL);

  if (self->applied || self->stage == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("This import was already done"));
      return NULL;
    }
  if (!g_str_equal (lab_data_dir_get_root (lab_db_get_data_dir (db)), lab_data_dir_get_root (self->dir)))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("The import was previewed for another data folder"));
      return NULL;
    }

  lab_schema_get_tables (&n_tables);
  data_path = lab_data_dir_get_data_path (self->dir);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error) ||
      !lab_import_attach_stage (db, self->stage, &local_error))
    goto out;
  attached = TRUE;

  if (sqlite3_create_function_v2 (lab_db_get_handle (db), "lab_import_uuid", 0, SQLITE_UTF8, NULL,
                                  uuid_func, NULL, NULL, NULL) != SQLITE_OK)
    {
      lab_db_set_error (db, &local_error, SQLITE_ERROR, NULL);
      goto out;
    }

  apply_report (&a, 0.05, _("Comparing with the store"));
  lab_db_set_cancellable (db, cancellable);
  /* Enough page cache for the indexes, well inside the memory budget. */
  lab_db_exec (db, "PRAGMA cache_size = -32768", NULL);

  /* The backup takes the write lock for a moment, so it is made before the
   * import's transaction; and only if the import writes something, which a
   * first plan, in a read transaction, tells. An empty store needs none. */
  if (!store_is_empty (db))
    {
      if (!lab_db_exec (db, "BEGIN", &local_error) || !plan (&a, &local_error))
        goto out;
      lab_db_rollback (db);
      drop_temp_tables (db);

      if (lab_import_result_get_total (result) == 0)
        {
          self->applied = TRUE;
          ok = TRUE;
          goto out;
        }

      apply_report (&a, 0.0, _("Backing up the store"));
      if (!make_backup (&a, &local_error))
        goto out;
    }

  /* The rows go in table by table, chunk by chunk and policy by policy: a
   * replaced branch may name a parent inserted after it. Foreign keys are
   * checked once, at the commit (the pragma ends with the transaction). */
  if (!lab_db_begin (db, &local_error) ||
      !lab_db_exec (db, "PRAGMA defer_foreign_keys = ON", &local_error) ||
      !plan (&a, &local_error))
    goto out;
  g_debug ("Planned the import in %.1f s", g_timer_elapsed (timer, NULL));

  if (lab_import_result_get_total (result) == 0)
    {
      /* The store changed since the first plan and now has everything:
       * nothing to write, and the transaction is rolled back untouched. */
      self->applied = TRUE;
      ok = TRUE;
      goto out;
    }

  for (guint i = 0; i < n_tables; i++)
    {
      if (!delete_replaced (&a, i, &local_error))
        goto out;
    }

  if (!lab_db_begin_bulk (db, &local_error))
    goto out;

  for (guint i = 0; i < n_tables; i++)
    {
      if (!write_table (&a, i, &local_error))
        goto out;
    }

  g_debug ("Wrote the rows in %.1f s", g_timer_elapsed (timer, NULL));
  apply_report (&a, 0.9, _("Indexing the new messages"));
  if (!lab_db_end_bulk (db, &local_error) || !plan_moves (&a, &local_error) ||
      !record_copies (&a, &local_error))
    goto out;

  if (moves->len > 0)
    {
      g_autofree char *list = g_build_filename (lab_import_stage_get_path (self->stage),
                                                LAB_IMPORT_STAGE_MOVES, NULL);

      if (!lab_file_replace_contents (list, moves->str, moves->len, &local_error) ||
          !sync_filesystem (data_path, &local_error) ||
          !lab_db_set_meta (db, PENDING_KEY, lab_import_stage_get_name (self->stage), &local_error))
        goto out;
    }

  g_debug ("Indexed in %.1f s", g_timer_elapsed (timer, NULL));

  /* Past this point the import happens; a cancellation is too late. */
  lab_db_set_cancellable (db, NULL);
  if (!lab_db_commit (db, &local_error))
    goto out;
  committed = TRUE;
  self->applied = TRUE;
  g_debug ("Committed in %.1f s", g_timer_elapsed (timer, NULL));

  drop_temp_tables (db);
  lab_import_detach_stage (db);
  attached = FALSE;

  if (moves->len > 0)
    {
      apply_report (&a, 0.95, _("Moving the workspace files into place"));
      if (!run_moves (data_path, lab_import_stage_get_path (self->stage), &local_error) ||
          !clear_pending (db, lab_import_stage_get_name (self->stage), &local_error))
        {
          g_prefix_error (&local_error, _("The rows were imported, but some workspace files are not in "
                                          "place yet; LabData moves them the next time it imports or "
                                          "starts: "));
          goto out;
        }
    }

  ok = TRUE;

out:
  lab_db_set_cancellable (db, NULL);
  if (!committed)
    {
      lab_db_rollback (db);
      lab_db_abandon_bulk (db);
    }
  if (attached)
    {
      drop_temp_tables (db);
      lab_import_detach_stage (db);
    }
  sqlite3_create_function_v2 (lab_db_get_handle (db), "lab_import_uuid", 0, SQLITE_UTF8, NULL,
                              NULL, NULL, NULL, NULL);
  lab_db_exec (db, "PRAGMA cache_size = -2000", NULL);

  if (self->applied)
    {
      /* The staging folder is done with; after a failure of the moves it
       * stays for lab_import_recover(). */
      if (ok)
        g_clear_pointer (&self->stage, lab_import_stage_free);
      else
        g_clear_pointer (&self->stage, lab_import_stage_abandon);
      log_import (&a, ok, local_error);
    }

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  result->seconds = g_timer_elapsed (timer, NULL);
  apply_report (&a, 1.0, _("Import finished"));
  return g_steal_pointer (&result);
}

typedef struct
{
  LabImportPolicy policy;
  LabProgress *progress;
} ApplyData;

static void
apply_data_free (gpointer data)
{
  ApplyData *d = data;

  g_clear_object (&d->progress);
  g_free (d);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LabImportPreview *self = source_object;
  ApplyData *d = task_data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  LabImportResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_db_open (self->dir, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = lab_import_preview_apply (self, db, d->policy, d->progress ? lab_progress_report : NULL,
                                     d->progress, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) lab_import_result_free);
}

/**
 * lab_import_preview_apply_async:
 * @progress: (nullable): receives the progress on the caller's main context
 *
 * Runs lab_import_preview_apply() in a worker thread with its own connection
 * to the preview's data directory. Do not use @self until it finishes.
 */
void
lab_import_preview_apply_async (LabImportPreview    *self,
                                LabImportPolicy      policy,
                                LabProgress         *progress,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *d;

  g_return_if_fail (LAB_IS_IMPORT_PREVIEW (self));

  d = g_new0 (ApplyData, 1);
  d->policy = policy;
  d->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_import_preview_apply_async);
  g_task_set_task_data (task, d, apply_data_free);
  g_task_run_in_thread (task, apply_thread);
}

/**
 * lab_import_preview_apply_finish:
 *
 * Returns: (transfer full): what was written, or %NULL with @error set
 */
LabImportResult *
lab_import_preview_apply_finish (LabImportPreview  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_import_preview_apply_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
