/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup-verify"

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup-private.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-schema.h"
#include "lab-timestamp.h"

/*
 * Verifying a backup: the checksum of its database file, then the database
 * itself opened read-only (integrity_check, foreign keys, the schema version,
 * the row counts the sidecar promised), then every workspace file it lists.
 * The result goes into the sidecar; a damaged backup is never offered as a
 * restore point.
 */

#define CHUNK_SIZE (1024 * 1024)
#define MAX_INTEGRITY_LINES 5

/**
 * _lab_backup_open_file_readonly:
 * @path: a backup's database file (uncompressed)
 *
 * Opens it read-only and immutable: SQLite takes no locks and never creates a
 * -wal or -shm file beside it.
 */
sqlite3 *
_lab_backup_open_file_readonly (const char  *path,
                                GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
  sqlite3 *db = NULL;
  int rc;

  if (!lab_file_is_sqlite (path, error))
    return NULL;

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
                                  SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf (_("Cannot open “%s”"), path);

      lab_sqlite_set_error (error, db, rc, context);
      sqlite3_close_v2 (db);
      return NULL;
    }

  return db;
}

typedef struct
{
  int fd;
  const char *path;
  LabSha256 *sha;
  guint8 *buffer;
  GCancellable *cancellable;
  GError *error;
} Reader;

static la_ssize_t
reader_read_cb (struct archive  *archive,
                void            *user_data,
                const void     **buffer)
{
  Reader *reader = user_data;
  gssize n;

  if (g_cancellable_set_error_if_cancelled (reader->cancellable, &reader->error))
    return -1;

  do
    n = read (reader->fd, reader->buffer, CHUNK_SIZE);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (&reader->error, saved_errno, _("Cannot read “%s”"), reader->path);
      archive_set_error (archive, saved_errno, "%s", reader->error->message);
      return -1;
    }

  if (reader->sha != NULL)
    lab_sha256_update (reader->sha, reader->buffer, n);

  *buffer = reader->buffer;
  return n;
}

/*
 * Decompresses (or copies) the stream of @reader into @out_fd. The hash of
 * the input, as read, accumulates in reader->sha.
 */
static gboolean
extract_stream (Reader      *reader,
                const char  *compression,
                int          out_fd,
                const char  *out_path,
                GError     **error)
{
  struct archive *archive;
  struct archive_entry *entry;
  gboolean ok = FALSE;

  if (g_strcmp0 (compression, "gzip") != 0 && g_strcmp0 (compression, "zstd") != 0)
    {
      for (;;)
        {
          const void *data;
          la_ssize_t n = reader_read_cb (NULL, reader, &data);

          if (n < 0)
            {
              g_propagate_error (error, g_steal_pointer (&reader->error));
              return FALSE;
            }
          if (n == 0)
            return TRUE;
          if (!lab_write_all (out_fd, data, n, out_path, error))
            return FALSE;
        }
    }

  archive = archive_read_new ();
  if (g_str_equal (compression, "gzip"))
    archive_read_support_filter_gzip (archive);
  else
    archive_read_support_filter_zstd (archive);
  archive_read_support_format_raw (archive);

  if (archive_read_open (archive, reader, NULL, reader_read_cb, NULL) != ARCHIVE_OK ||
      archive_read_next_header (archive, &entry) != ARCHIVE_OK)
    goto fail;

  for (;;)
    {
      const void *data;
      size_t size;
      la_int64_t offset;
      int rc = archive_read_data_block (archive, &data, &size, &offset);

      if (rc == ARCHIVE_EOF)
        break;
      if (rc != ARCHIVE_OK)
        goto fail;
      if (!lab_write_all (out_fd, data, size, out_path, error))
        {
          archive_read_free (archive);
          return FALSE;
        }
    }

  ok = TRUE;

fail:
  if (!ok)
    {
      if (reader->error != NULL)
        g_propagate_error (error, g_steal_pointer (&reader->error));
      else
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                     _("Cannot decompress “%s”: %s"), reader->path,
                     archive_error_string (archive) ? archive_error_string (archive)
                                                    : _("the data is not valid"));
    }
  archive_read_free (archive);
  return ok;
}

/**
 * _lab_backup_extract_database:
 * @info: a backup
 * @dest: where the plain database file goes; written through a temporary
 *   name, synced and renamed
 * @sha: (nullable): receives the bytes of the backup file as they are read,
 *   so that the caller can check the checksum in the same pass
 *
 * Decompresses the backup's database to @dest, or copies it if it is not
 * compressed.
 */
gboolean
_lab_backup_extract_database (LabBackupInfo  *info,
                              const char     *dest,
                              LabSha256      *sha,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  g_autofree char *tmp_path = NULL;
  const char *path = lab_backup_info_get_path (info);
  Reader reader = { -1, path, sha, buffer, cancellable, NULL };
  int out_fd;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  reader.fd = open (path, O_RDONLY | O_CLOEXEC);
  if (reader.fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }

  out_fd = lab_open_temp_beside (dest, 0600, &tmp_path, error);
  if (out_fd < 0)
    {
      close (reader.fd);
      return FALSE;
    }

  ok = extract_stream (&reader, lab_backup_info_get_compression (info), out_fd, tmp_path, error) &&
       lab_fsync_fd (out_fd, tmp_path, error);
  close (reader.fd);
  g_clear_error (&reader.error);

  if (close (out_fd) != 0 && ok)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), tmp_path);
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (tmp_path);
      return FALSE;
    }

  return lab_commit_temp (tmp_path, dest, error);
}

static int
progress_handler_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

static gboolean
check_database (sqlite3      *db,
                JsonObject   *sidecar,
                GPtrArray    *problems,
                GCancellable *cancellable,
                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) counts = NULL;
  JsonObject *expected;
  gint64 app_id = 0;
  gint64 version = 0;
  guint n_lines = 0;
  int rc;

  if (!_lab_backup_query_int64 (db, "PRAGMA application_id", &app_id, &local_error) ||
      !_lab_backup_query_int64 (db, "PRAGMA user_version", &version, &local_error))
    {
      g_ptr_array_add (problems, g_strdup_printf (_("The database cannot be read: %s"),
                                                  local_error->message));
      return TRUE;
    }

  if (app_id != LAB_APPLICATION_ID)
    {
      g_ptr_array_add (problems, g_strdup (_("The file is not a LabData database")));
      return TRUE;
    }

  if (version > LAB_SCHEMA_VERSION)
    g_ptr_array_add (problems, g_strdup_printf (_("The database has schema version %d, newer than "
                                                  "this version of LabData can restore (%d)"),
                                                (int) version, LAB_SCHEMA_VERSION));
  if (version != json_object_get_int_member_with_default (sidecar, "schema_version", -1))
    g_ptr_array_add (problems, g_strdup_printf (_("The database has schema version %d, not the "
                                                  "version the metadata records"), (int) version));

  /* The full check reads every page; cancelling interrupts it. */
  sqlite3_progress_handler (db, 10000, progress_handler_cb, cancellable);
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      const char *line;

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        break;

      line = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (line, "ok") != 0 && n_lines++ < MAX_INTEGRITY_LINES)
        g_ptr_array_add (problems, g_strdup_printf (_("The database is damaged: %s"), line));
    }
  sqlite3_progress_handler (db, 0, NULL, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_add (problems, g_strdup_printf (_("The database is damaged: %s"),
                                                  sqlite3_errmsg (db)));
      return TRUE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* integrity_check does not look at foreign keys. */
  rc = sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (problems, g_strdup_printf (_("The database has rows that refer to missing "
                                                  "rows (in %s)"),
                                                sqlite3_column_text (stmt, 0)));
  else if (rc != SQLITE_DONE && rc != SQLITE_OK)
    g_ptr_array_add (problems, g_strdup_printf (_("The database is damaged: %s"),
                                                sqlite3_errmsg (db)));
  g_clear_pointer (&stmt, sqlite3_finalize);

  counts = _lab_backup_count_rows (db, &local_error);
  expected = json_object_get_object_member (sidecar, "counts");
  if (counts == NULL)
    g_ptr_array_add (problems, g_strdup_printf (_("The database cannot be read: %s"),
                                                local_error->message));
  else if (expected != NULL)
    {
      JsonObjectIter iter;
      const char *table;
      JsonNode *node;

      json_object_iter_init (&iter, expected);
      while (json_object_iter_next (&iter, &table, &node))
        {
          if (json_object_get_int_member_with_default (counts, table, -1) != json_node_get_int (node))
            g_ptr_array_add (problems, g_strdup_printf (_("The table %s does not have the number of "
                                                          "rows the metadata records"), table));
        }
    }

  return TRUE;
}

static gboolean
check_objects (LabDataDir    *dir,
               JsonObject    *sidecar,
               GHashTable    *checked,
               GPtrArray     *problems,
               guint64       *done,
               guint64        total,
               LabProgressFunc progress,
               gpointer       progress_data,
               GCancellable  *cancellable,
               GError       **error)
{
  JsonObject *files = json_object_get_object_member (sidecar, "files");
  JsonObjectIter iter;
  const char *relative;
  JsonNode *node;
  guint n_bad = 0;

  if (files == NULL)
    return TRUE;

  json_object_iter_init (&iter, files);
  while (json_object_iter_next (&iter, &relative, &node))
    {
      const char *sha = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
      g_autofree char *object = NULL;
      g_autofree char *actual = NULL;
      gpointer result;
      goffset size = 0;

      if (!lab_relative_path_is_safe (relative) || !lab_sha256_is_valid_hex (sha))
        {
          if (n_bad++ < MAX_INTEGRITY_LINES)
            g_ptr_array_add (problems, g_strdup_printf (_("The metadata lists the workspace file "
                                                          "“%s” wrongly"), relative));
          continue;
        }

      if (!g_hash_table_lookup_extended (checked, sha, NULL, &result))
        {
          g_autoptr(GError) local_error = NULL;

          object = _lab_backup_object_path (dir, sha);
          actual = lab_file_sha256 (object, &size, cancellable, &local_error);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          result = GINT_TO_POINTER (actual == NULL ? 1 : g_str_equal (actual, sha) ? 0 : 2);
          g_hash_table_insert (checked, g_strdup (sha), result);
          *done += size;
          if (progress != NULL)
            progress (total > 0 ? MIN (1.0, (double) *done / total) : -1, NULL, progress_data);
        }

      if (GPOINTER_TO_INT (result) != 0 && n_bad++ < MAX_INTEGRITY_LINES)
        g_ptr_array_add (problems, g_strdup_printf (GPOINTER_TO_INT (result) == 1
                                                      ? _("The workspace file “%s” is missing from "
                                                          "the backup")
                                                      : _("The workspace file “%s” is damaged in "
                                                          "the backup"),
                                                    relative));
    }

  if (n_bad > MAX_INTEGRITY_LINES)
    g_ptr_array_add (problems, g_strdup_printf (ngettext ("%u more workspace file is missing or "
                                                          "damaged",
                                                          "%u more workspace files are missing or "
                                                          "damaged", n_bad - MAX_INTEGRITY_LINES),
                                                n_bad - MAX_INTEGRITY_LINES));

  return TRUE;
}

static void
log_verify (LabDataDir    *dir,
            LabBackupInfo *info)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "backup", lab_backup_info_get_name (info));
  json_object_set_boolean_member (details, "damaged", lab_backup_info_get_damaged (info));

  _lab_backup_log (dir, "verify", details);
}

/*
 * @checked_objects: SHA-256 → result of objects checked already, so that
 *   verifying every backup hashes each shared object once
 */
LabBackupInfo *
_lab_backup_verify_locked (LabDataDir       *dir,
                           const char       *name,
                           GHashTable       *checked_objects,
                           LabProgressFunc   progress,
                           gpointer          progress_data,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) own_checked = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(JsonObject) sidecar = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *now = NULL;
  g_autoptr(JsonArray) problem_array = json_array_new ();
  const char *path;
  guint64 done = 0;
  guint64 total;

  info = _lab_backup_get_info (dir, name, error);
  if (info == NULL)
    return NULL;

  sidecar = _lab_backup_read_sidecar (dir, name, &local_error);
  if (sidecar == NULL)
    {
      /* Nothing to record the result in; the info says it is damaged. */
      g_debug ("Backup %s: %s", name, local_error->message);
      return g_steal_pointer (&info);
    }

  if (checked_objects == NULL)
    checked_objects = own_checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  path = lab_backup_info_get_path (info);
  total = lab_backup_info_get_size (info) + lab_backup_info_get_files_size (info);
  if (progress != NULL)
    progress (0, _("Checking the database…"), progress_data);

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_ptr_array_add (problems, g_strdup (_("The database file is missing")));
  else
    {
      g_autoptr(GError) db_error = NULL;
      g_autofree char *sha = NULL;
      sqlite3 *db = NULL;
      LabSha256 hash;

      if (g_strcmp0 (lab_backup_info_get_compression (info), "none") == 0)
        {
          sha = lab_file_sha256 (path, NULL, cancellable, &db_error);
          if (sha != NULL && g_strcmp0 (sha, lab_backup_info_get_sha256 (info)) == 0)
            db = _lab_backup_open_file_readonly (path, &db_error);
        }
      else
        {
          /* Checksum and decompression in one pass over the file. */
          extracted = g_build_filename (lab_data_dir_get_backups_path (dir), ".extract-db", NULL);
          lab_sha256_init (&hash);
          if (_lab_backup_extract_database (info, extracted, &hash, cancellable, &db_error))
            {
              sha = lab_sha256_finish_dup (&hash);
              if (g_strcmp0 (sha, lab_backup_info_get_sha256 (info)) == 0)
                db = _lab_backup_open_file_readonly (extracted, &db_error);
            }
          else if (!g_error_matches (db_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              /* A stream that does not decompress is damaged; a wrong
               * checksum says so more plainly, if that is the cause. */
              g_autofree char *file_sha = lab_file_sha256 (path, NULL, cancellable, NULL);

              if (file_sha != NULL && g_strcmp0 (file_sha, lab_backup_info_get_sha256 (info)) != 0)
                sha = g_steal_pointer (&file_sha);
            }
        }

      if (g_error_matches (db_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (extracted != NULL)
            g_unlink (extracted);
          g_propagate_error (error, g_steal_pointer (&db_error));
          return NULL;
        }

      if (sha != NULL && g_strcmp0 (sha, lab_backup_info_get_sha256 (info)) != 0)
        g_ptr_array_add (problems, g_strdup (_("The database file does not match its checksum")));
      else if (db_error != NULL)
        g_ptr_array_add (problems, g_strdup_printf (_("The database file cannot be read: %s"),
                                                    db_error->message));
      else if (db != NULL)
        {
          gboolean ok;

          if (progress != NULL)
            progress (-1, _("Checking the database…"), progress_data);
          ok = check_database (db, sidecar, problems, cancellable, error);
          sqlite3_close_v2 (db);
          if (!ok)
            {
              if (extracted != NULL)
                g_unlink (extracted);
              return NULL;
            }
        }

      if (extracted != NULL)
        g_unlink (extracted);
    }

  done = lab_backup_info_get_size (info);
  if (progress != NULL)
    progress (total > 0 ? (double) done / total : -1, _("Checking workspace files…"),
              progress_data);
  if (!check_objects (dir, sidecar, checked_objects, problems, &done, total, progress,
                      progress_data, cancellable, error))
    return NULL;

  now = lab_timestamp_now ();
  for (guint i = 0; i < problems->len; i++)
    json_array_add_string_element (problem_array, problems->pdata[i]);
  json_object_set_string_member (sidecar, "verified_at", now);
  json_object_set_boolean_member (sidecar, "damaged", problems->len > 0);
  json_object_set_array_member (sidecar, "problems", g_steal_pointer (&problem_array));

  if (!_lab_backup_write_sidecar (dir, name, sidecar, error))
    return NULL;

  g_clear_object (&info);
  info = _lab_backup_get_info (dir, name, error);
  if (info != NULL)
    log_verify (dir, info);

  return g_steal_pointer (&info);
}

/**
 * lab_backup_verify:
 * @dir: the data directory
 * @name: a backup's name
 *
 * Checks the backup's database file against its checksum, opens it read-only
 * and runs integrity_check and foreign_key_check, compares its schema version
 * and row counts with the sidecar, and checks every workspace file it lists.
 * The result and the time are recorded in the sidecar. Blocking.
 *
 * Returns: (transfer full): the backup as verified, damaged or not
 *   (lab_backup_info_get_damaged(), lab_backup_info_get_problems()), or %NULL
 *   with @error set if it could not be verified (not found, cancelled)
 */
LabBackupInfo *
lab_backup_verify (LabDataDir       *dir,
                   const char       *name,
                   LabProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(LabBackupLock) lock = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  lock = _lab_backup_lock_acquire (dir, progress, progress_data, cancellable, error);
  if (lock == NULL)
    return NULL;

  return _lab_backup_verify_locked (dir, name, NULL, progress, progress_data, cancellable, error);
}

typedef struct
{
  LabProgressFunc func;
  gpointer data;
  guint index;
  guint count;
} AllProgress;

static void
all_progress_cb (double      fraction,
                 const char *message,
                 gpointer    user_data)
{
  AllProgress *all = user_data;

  if (all->func != NULL)
    all->func (fraction < 0 ? -1 : (all->index + fraction) / all->count, message, all->data);
}

/**
 * lab_backup_verify_all:
 *
 * Verifies every backup, newest first; workspace files shared by several
 * backups are hashed once.
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups as
 *   verified, or %NULL with @error set
 */
GPtrArray *
lab_backup_verify_all (LabDataDir       *dir,
                       LabProgressFunc   progress,
                       gpointer          progress_data,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  AllProgress all = { progress, progress_data, 0, 0 };

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  lock = _lab_backup_lock_acquire (dir, progress, progress_data, cancellable, error);
  if (lock == NULL)
    return NULL;

  backups = lab_backup_list (dir, error);
  if (backups == NULL)
    return NULL;

  all.count = backups->len;
  for (guint i = 0; i < backups->len; i++)
    {
      LabBackupInfo *info;

      all.index = i;
      info = _lab_backup_verify_locked (dir, lab_backup_info_get_name (backups->pdata[i]), checked,
                                        all_progress_cb, &all, cancellable, error);
      if (info == NULL)
        return NULL;
      g_ptr_array_add (results, info);
    }

  return g_steal_pointer (&results);
}

typedef struct
{
  char *name;
  LabProgress *progress;
} VerifyData;

static void
verify_data_free (gpointer data)
{
  VerifyData *verify = data;

  g_free (verify->name);
  g_clear_object (&verify->progress);
  g_free (verify);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *verify = task_data;
  g_autoptr(GError) error = NULL;
  LabProgressFunc func = verify->progress ? lab_progress_report : NULL;
  GPtrArray *results;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (verify->name == NULL)
    results = lab_backup_verify_all (source_object, func, verify->progress, cancellable, &error);
  else
    {
      LabBackupInfo *info = lab_backup_verify (source_object, verify->name, func, verify->progress,
                                               cancellable, &error);

      results = NULL;
      if (info != NULL)
        {
          results = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (results, info);
        }
    }

  if (results == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lab_backup_verify_async:
 * @name: (nullable): a backup's name, or %NULL to verify them all
 * @progress: (nullable): where to report progress
 *
 * Runs lab_backup_verify() or lab_backup_verify_all() in a thread.
 */
void
lab_backup_verify_async (LabDataDir          *dir,
                         const char          *name,
                         LabProgress         *progress,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifyData *verify;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));

  verify = g_new0 (VerifyData, 1);
  verify->name = g_strdup (name);
  verify->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_verify_async);
  g_task_set_task_data (task, verify, verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

/**
 * lab_backup_verify_finish:
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups as
 *   verified (one if a name was given), or %NULL with @error set
 */
GPtrArray *
lab_backup_verify_finish (LabDataDir    *dir,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_verify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
