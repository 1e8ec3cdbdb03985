/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "lab-backup.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-schema.h"

#define BUSY_TIMEOUT_MS 5000

/**
 * LabDb:
 *
 * One connection to a LabData database: WAL mode, foreign keys on, a busy
 * timeout, and the schema migrated to %LAB_SCHEMA_VERSION. A #LabDb is used by
 * one thread at a time; every long operation opens its own.
 */
struct _LabDb
{
  GObject parent_instance;

  sqlite3 *handle;
  char *path;
  LabDataDir *dir;
  GCancellable *cancellable;
  int schema_version;
  gint64 bulk_first;  /* first message_no of a bulk insert, or 0 */
  guint read_only : 1;
};

G_DEFINE_FINAL_TYPE (LabDb, lab_db, G_TYPE_OBJECT)

static void
lab_db_finalize (GObject *object)
{
  LabDb *self = (LabDb *) object;

  if (self->handle != NULL)
    {
      /* Statements still open would make close fail; a leak of one is a bug,
       * but the connection must close anyway to release its locks. */
      sqlite3_close_v2 (self->handle);
      self->handle = NULL;
    }

  g_clear_object (&self->dir);
  g_clear_object (&self->cancellable);
  g_free (self->path);

  G_OBJECT_CLASS (lab_db_parent_class)->finalize (object);
}

static void
lab_db_class_init (LabDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_db_finalize;
}

static void
lab_db_init (LabDb *self)
{
}

/**
 * lab_sqlite_set_error:
 * @error: return location for a #GError
 * @db: (nullable): the connection, for sqlite3_errmsg()
 * @rc: the SQLite result code
 * @context: (nullable): what was being done, shown before SQLite's message
 *
 * Turns an SQLite failure into a #GError whose code says what the user can do
 * about it. An interrupted statement becomes %G_IO_ERROR_CANCELLED.
 *
 * Returns: %FALSE, so that callers can `return lab_sqlite_set_error (…);`
 */
gboolean
lab_sqlite_set_error (GError     **error,
                      sqlite3     *db,
                      int          rc,
                      const char  *context)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  LabStoreError code;

  switch (rc & 0xff)
    {
    case SQLITE_INTERRUPT:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return FALSE;
    case SQLITE_NOTADB:
      code = LAB_STORE_ERROR_NOT_A_DATABASE;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = LAB_STORE_ERROR_BUSY;
      msg = _("the database is locked by another program; close it and try again");
      break;
    case SQLITE_CORRUPT:
      code = LAB_STORE_ERROR_CORRUPT;
      break;
    case SQLITE_FULL:
      code = LAB_STORE_ERROR_NO_SPACE;
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      code = LAB_STORE_ERROR_NOT_WRITABLE;
      break;
    default:
      code = LAB_STORE_ERROR_SQLITE;
      break;
    }

  if (context != NULL)
    g_set_error (error, LAB_STORE_ERROR, code, "%s: %s", context, msg);
  else
    g_set_error_literal (error, LAB_STORE_ERROR, code, msg);

  return FALSE;
}

gboolean
lab_db_set_error (LabDb       *self,
                  GError     **error,
                  int          rc,
                  const char  *context)
{
  return lab_sqlite_set_error (error, self->handle, rc, context);
}

/**
 * lab_file_is_sqlite:
 * @path: an existing file
 *
 * Checks the 16-byte SQLite header without letting SQLite open the file, so a
 * file that is not a database is refused before anything could touch it. An
 * empty file counts as a new database.
 */
gboolean
lab_file_is_sqlite (const char  *path,
                    GError     **error)
{
  static const char magic[16] = "SQLite format 3";
  char header[16];
  gssize n;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }

  n = read (fd, header, sizeof header);
  close (fd);

  if (n == 0)
    return TRUE;

  if (n != sizeof header || memcmp (header, magic, sizeof header) != 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a LabData database (it is not an SQLite file)"), path);
      return FALSE;
    }

  return TRUE;
}

static int
progress_cb (void *user_data)
{
  LabDb *self = user_data;

  return self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
}

/**
 * lab_db_set_cancellable:
 * @cancellable: (nullable): a #GCancellable
 *
 * Statements run on this connection while @cancellable is set stop soon after it
 * is cancelled, with %G_IO_ERROR_CANCELLED.
 */
void
lab_db_set_cancellable (LabDb        *self,
                        GCancellable *cancellable)
{
  g_return_if_fail (LAB_IS_DB (self));

  g_set_object (&self->cancellable, cancellable);
  sqlite3_progress_handler (self->handle, cancellable ? 1000 : 0,
                            cancellable ? progress_cb : NULL, self);
}

static gboolean
read_pragma_int (sqlite3     *handle,
                 const char  *sql,
                 int         *value,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return lab_sqlite_set_error (error, handle, rc, NULL);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return lab_sqlite_set_error (error, handle, rc, NULL);

  *value = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
check_identity (LabDb   *self,
                int     *user_version,
                GError **error)
{
  int app_id = 0;
  int n_objects = 0;

  if (!read_pragma_int (self->handle, "PRAGMA application_id", &app_id, error) ||
      !read_pragma_int (self->handle, "PRAGMA user_version", user_version, error) ||
      !read_pragma_int (self->handle, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    {
      g_prefix_error (error, _("Cannot read “%s”: "), self->path);
      return FALSE;
    }

  if ((app_id != 0 && app_id != LAB_APPLICATION_ID) ||
      (*user_version == 0 && n_objects > 0))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is an SQLite database of another program, not a LabData database"),
                   self->path);
      return FALSE;
    }

  if (*user_version > LAB_SCHEMA_VERSION)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SCHEMA_TOO_NEW,
                   _("“%s” was written by a newer version of LabData (schema version %d; this "
                     "version understands up to %d). Update LabData to open it."),
                   self->path, *user_version, LAB_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

static LabDb *
open_internal (const char      *path,
               LabDataDir      *dir,
               LabDbOpenFlags   flags,
               int              target_version,
               GError         **error)
{
  g_autoptr(LabDb) self = NULL;
  gboolean exists;
  int open_flags;
  int user_version = 0;
  int rc;

  exists = g_file_test (path, G_FILE_TEST_EXISTS);

  if (!exists && (flags & (LAB_DB_OPEN_READ_ONLY | LAB_DB_OPEN_NO_CREATE)))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no database at “%s”"), path);
      return NULL;
    }

  if (exists && !lab_file_is_sqlite (path, error))
    return NULL;

  if (!exists)
    {
      /* Create the file ourselves so that it is private (0600); SQLite gives
       * the -wal and -shm files the database file's mode. */
      int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd < 0 && errno != EEXIST)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot create “%s”"), path);
          return NULL;
        }
      if (fd >= 0)
        close (fd);
    }

  self = g_object_new (LAB_TYPE_DB, NULL);
  self->path = g_strdup (path);
  self->dir = dir ? g_object_ref (dir) : NULL;
  self->read_only = (flags & LAB_DB_OPEN_READ_ONLY) != 0;

  open_flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (self->read_only)
    open_flags |= SQLITE_OPEN_READONLY;
  else
    open_flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &self->handle, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf (_("Cannot open “%s”"), path);

      return (lab_sqlite_set_error (error, self->handle, rc, context), NULL);
    }

  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, BUSY_TIMEOUT_MS);

  if (!check_identity (self, &user_version, error))
    return NULL;

  if (!self->read_only)
    {
      /* WAL lets the GUI browse while a backup or an import runs; FULL syncs
       * the WAL at each commit, so a committed change survives a power cut. */
      if (!lab_db_exec (self, "PRAGMA journal_mode = WAL", error) ||
          !lab_db_exec (self, "PRAGMA synchronous = FULL", error))
        {
          g_prefix_error (error, _("Cannot open “%s”: "), path);
          return NULL;
        }
    }

  if (!lab_db_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  if (user_version < target_version)
    {
      g_autofree char *errmsg = NULL;

      if (self->read_only)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                       _("“%s” uses an older schema (version %d) and is opened read-only, so it "
                         "cannot be upgraded"), path, user_version);
          return NULL;
        }

      /* A store that holds data is backed up before its schema changes. */
      if (dir != NULL && user_version > 0)
        {
          g_autofree char *backup = NULL;
          g_autoptr(GError) backup_error = NULL;

          backup = lab_backup_create (dir, LAB_BACKUP_KIND_PRE_MIGRATION, NULL, NULL, NULL,
                                      &backup_error);
          if (backup == NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&backup_error),
                                          _("Cannot back up “%s” before upgrading it: "), path);
              return NULL;
            }
          g_debug ("Backed up %s as %s before upgrading it from schema version %d", path, backup,
                     user_version);
        }

      if (!lab_schema_migrate (self->handle, user_version, target_version, &errmsg))
        {
          int code = sqlite3_errcode (self->handle);

          lab_sqlite_set_error (error, self->handle, code, NULL);
          g_prefix_error (error, _("Cannot upgrade “%s” (%s): "), path, errmsg);
          return NULL;
        }
      user_version = target_version;
    }

  self->schema_version = user_version;

  return g_steal_pointer (&self);
}

/**
 * lab_db_open:
 * @dir: the data directory
 * @flags: #LabDbOpenFlags
 *
 * Opens the store's database, creating the data directory layout and the
 * database on first use, and migrating an older schema.
 *
 * Returns: (transfer full): a new #LabDb, or %NULL with @error set; nothing on
 *   disk is changed when the folder is not writable, the file is not a LabData
 *   database, or its schema is newer than this program
 */
LabDb *
lab_db_open (LabDataDir      *dir,
             LabDbOpenFlags   flags,
             GError         **error)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  if (!(flags & (LAB_DB_OPEN_READ_ONLY | LAB_DB_OPEN_NO_CREATE)))
    {
      const char *db_path = lab_data_dir_get_db_path (dir);

      /* Refuse a bad file before creating any folder around it. */
      if (g_file_test (db_path, G_FILE_TEST_EXISTS) && !lab_file_is_sqlite (db_path, error))
        return NULL;

      if (!lab_data_dir_ensure (dir, error))
        return NULL;
    }

  /* A restore killed halfway is completed before anyone uses the store. */
  if (!(flags & LAB_DB_OPEN_READ_ONLY) && !lab_backup_recover (dir, error))
    return NULL;

  return open_internal (lab_data_dir_get_db_path (dir), dir, flags, LAB_SCHEMA_VERSION, error);
}

/**
 * lab_db_open_file:
 * @path: a database file outside any data directory (a backup, a test file)
 *
 * Returns: (transfer full): a new #LabDb, or %NULL with @error set
 */
LabDb *
lab_db_open_file (const char      *path,
                  LabDbOpenFlags   flags,
                  GError         **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return open_internal (path, NULL, flags, LAB_SCHEMA_VERSION, error);
}

/**
 * lab_db_open_file_at_version:
 * @path: a database file
 * @version: the schema version to migrate to, at most %LAB_SCHEMA_VERSION
 *
 * For tests of the migrations: makes a real file of an older version.
 *
 * Returns: (transfer full): a new #LabDb, or %NULL with @error set
 */
LabDb *
lab_db_open_file_at_version (const char  *path,
                             int          version,
                             GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= LAB_SCHEMA_VERSION, NULL);

  return open_internal (path, NULL, LAB_DB_OPEN_DEFAULT, version, error);
}

sqlite3 *
lab_db_get_handle (LabDb *self)
{
  g_return_val_if_fail (LAB_IS_DB (self), NULL);
  return self->handle;
}

const char *
lab_db_get_path (LabDb *self)
{
  g_return_val_if_fail (LAB_IS_DB (self), NULL);
  return self->path;
}

/**
 * lab_db_get_data_dir:
 *
 * Returns: (transfer none) (nullable): the data directory, or %NULL for a file
 *   opened with lab_db_open_file()
 */
LabDataDir *
lab_db_get_data_dir (LabDb *self)
{
  g_return_val_if_fail (LAB_IS_DB (self), NULL);
  return self->dir;
}

int
lab_db_get_schema_version (LabDb *self)
{
  g_return_val_if_fail (LAB_IS_DB (self), 0);
  return self->schema_version;
}

gboolean
lab_db_is_read_only (LabDb *self)
{
  g_return_val_if_fail (LAB_IS_DB (self), TRUE);
  return self->read_only;
}

/**
 * lab_db_prepare:
 * @sql: one SQL statement with `?` parameters
 *
 * Returns: (transfer full): a prepared statement, or %NULL with @error set
 */
sqlite3_stmt *
lab_db_prepare (LabDb       *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (LAB_IS_DB (self), NULL);

  rc = sqlite3_prepare_v2 (self->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lab_db_set_error (self, error, rc, NULL);
      return NULL;
    }

  return stmt;
}

/**
 * lab_db_exec:
 * @sql: SQL with no parameters; several statements are allowed
 */
gboolean
lab_db_exec (LabDb       *self,
             const char  *sql,
             GError     **error)
{
  int rc;

  g_return_val_if_fail (LAB_IS_DB (self), FALSE);

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return lab_db_set_error (self, error, rc, NULL);

  return TRUE;
}

/**
 * lab_db_step_done:
 * @stmt: a statement that returns no rows
 *
 * Steps @stmt to completion and resets it, so that it can be bound again.
 */
gboolean
lab_db_step_done (LabDb         *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return lab_db_set_error (self, error, rc, NULL);

  return TRUE;
}

/**
 * lab_db_begin:
 *
 * Starts a write transaction, taking the write lock at once (BEGIN IMMEDIATE)
 * so that a busy database fails here rather than halfway through.
 */
gboolean
lab_db_begin (LabDb   *self,
              GError **error)
{
  return lab_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
lab_db_commit (LabDb   *self,
               GError **error)
{
  if (!lab_db_exec (self, "COMMIT", error))
    {
      lab_db_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_db_rollback:
 *
 * Rolls back the open transaction, if there is one. Safe to call after an
 * error that already ended it.
 */
void
lab_db_rollback (LabDb *self)
{
  g_return_if_fail (LAB_IS_DB (self));

  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

/**
 * lab_db_query_int64:
 * @sql: a query whose first row's first column is an integer
 *
 * Returns: the value, or -1 with @error set
 */
gint64
lab_db_query_int64 (LabDb       *self,
                    const char  *sql,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;

  lab_db_set_error (self, error, rc, NULL);
  return -1;
}

/**
 * lab_db_get_meta:
 * @key: a key of the store_meta table
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if unset
 */
char *
lab_db_get_meta (LabDb      *self,
                 const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = lab_db_prepare (self, "SELECT value FROM store_meta WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
lab_db_set_meta (LabDb       *self,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = lab_db_prepare (self, "INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);

  return lab_db_step_done (self, stmt, error);
}

/**
 * lab_db_begin_bulk:
 *
 * Inside an open transaction: defers full-text indexing of the messages
 * inserted from now on until lab_db_end_bulk(), which indexes them in one
 * statement, many times faster than row by row. Both must run in the same
 * transaction; a rollback undoes the flag with everything else.
 */
gboolean
lab_db_begin_bulk (LabDb   *self,
                   GError **error)
{
  gint64 max;

  g_return_val_if_fail (LAB_IS_DB (self), FALSE);
  g_return_val_if_fail (!sqlite3_get_autocommit (self->handle), FALSE);
  g_return_val_if_fail (self->bulk_first == 0, FALSE);

  max = lab_db_query_int64 (self, "SELECT coalesce (max (message_no), 0) FROM messages", error);
  if (max < 0)
    return FALSE;

  if (!lab_db_set_meta (self, "fts_deferred", "1", error))
    return FALSE;

  self->bulk_first = max + 1;
  return TRUE;
}

/**
 * lab_db_end_bulk:
 *
 * Indexes the messages inserted since lab_db_begin_bulk() and turns the
 * per-row indexing back on. Call it before committing.
 */
gboolean
lab_db_end_bulk (LabDb   *self,
                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 first = self->bulk_first;

  g_return_val_if_fail (LAB_IS_DB (self), FALSE);
  g_return_val_if_fail (first > 0, FALSE);

  self->bulk_first = 0;

  stmt = lab_db_prepare (self, "INSERT INTO messages_fts (rowid, content, author)"
                               " SELECT message_no, content, author FROM messages"
                               " WHERE message_no >= ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);

  if (!lab_db_step_done (self, stmt, error))
    return FALSE;

  return lab_db_exec (self, "DELETE FROM store_meta WHERE key = 'fts_deferred'", error);
}

/**
 * lab_db_abandon_bulk:
 *
 * Forgets a bulk insert whose transaction was rolled back.
 */
void
lab_db_abandon_bulk (LabDb *self)
{
  g_return_if_fail (LAB_IS_DB (self));
  self->bulk_first = 0;
}
