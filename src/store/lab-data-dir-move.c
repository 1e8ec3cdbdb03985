/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-data-dir-move"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-data-dir-move.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-schema.h"

/*
 * Moving the data directory (issue 7, item 5): copy everything to the new
 * place, verify it, switch, and only then remove the old copy if asked.
 *
 * The store's write lock is held from the first byte copied to the switch, so
 * no writer can change the database behind the copy. The database is copied
 * as a file when its WAL was checkpointed empty, else with SQLite's backup
 * API (a plain copy can miss what is still in the WAL); every other file is
 * copied to its place with its checksum computed on the way, and the new tree
 * is synced once. Verification reads every copy back and compares checksums,
 * and opens the new database to check it and count its rows. The switch is the location
 * file ($XDG_CONFIG_HOME/labdata/location), written atomically, which the CLI
 * and the GUI consult. A failure or a kill before the switch leaves the old
 * place in use and removes what was copied.
 */

#define DB_STEP_PAGES 4096

typedef struct
{
  char *relative;
  char *sha256;      /* NULL for a symbolic link */
  char *link_target; /* for a symbolic link */
  guint64 size;
} Copied;

typedef struct
{
  LabDataDir *dir;
  const char *old_root;
  char *new_root;
  LabDb *db;                /* holds the write lock */
  LabDb *reader;            /* reads what the lock keeps still */
  GPtrArray *copied;
  GPtrArray *made_dirs;     /* folders created above the new root, and the root */
  gboolean root_existed;
  guint64 total;
  guint64 done;
  LabProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  LabMoveResult *result;
} Move;

static void
copied_free (gpointer data)
{
  Copied *copied = data;

  g_free (copied->relative);
  g_free (copied->sha256);
  g_free (copied->link_target);
  g_free (copied);
}

/**
 * lab_move_result_clear:
 *
 * Frees what @result holds, not @result itself.
 */
void
lab_move_result_clear (LabMoveResult *result)
{
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  memset (result, 0, sizeof *result);
}

static void
report (Move       *mv,
        const char *message)
{
  if (mv->progress != NULL)
    mv->progress (mv->total ? 0.9 * mv->done / mv->total : 0, message, mv->progress_data);
}

static gboolean
is_inside (const char *path,
           const char *folder)
{
  gsize len = strlen (folder);

  return g_str_has_prefix (path, folder) && (path[len] == '/' || path[len] == '\0');
}

static guint64
free_space_at (const char *path)
{
  g_autofree char *existing = g_strdup (path);
  struct statvfs st;

  while (!g_file_test (existing, G_FILE_TEST_IS_DIR))
    {
      char *up = g_path_get_dirname (existing);

      if (g_str_equal (up, existing))
        {
          g_free (up);
          break;
        }
      g_free (existing);
      existing = up;
    }

  if (statvfs (existing, &st) != 0)
    return G_MAXUINT64;

  return (guint64) st.f_bavail * st.f_frsize;
}

static gboolean
check_target (Move     *mv,
              GError  **error)
{
  struct stat st;

  if (g_str_equal (mv->new_root, mv->old_root))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("The data folder is already at “%s”"), mv->new_root);
      return FALSE;
    }

  if (is_inside (mv->new_root, mv->old_root) || is_inside (mv->old_root, mv->new_root))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("Cannot move the data folder “%s” to “%s”: one is inside the other"),
                   mv->old_root, mv->new_root);
      return FALSE;
    }

  if (lstat (mv->new_root, &st) == 0)
    {
      g_autoptr(GDir) dir = NULL;

      if (!S_ISDIR (st.st_mode))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” exists and is not a folder"), mv->new_root);
          return FALSE;
        }
      dir = g_dir_open (mv->new_root, 0, NULL);
      if (dir != NULL && g_dir_read_name (dir) != NULL)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” is not empty; choose a new or an empty folder"), mv->new_root);
          return FALSE;
        }
      if (access (mv->new_root, W_OK | X_OK) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot write into “%s”"),
                                      mv->new_root);
          return FALSE;
        }
      mv->root_existed = TRUE;
    }

  {
    guint64 needed = lab_path_disk_usage (mv->old_root, NULL);
    guint64 available = free_space_at (mv->new_root);

    if (available < needed)
      {
        g_autofree char *need = g_format_size (needed);
        g_autofree char *have = g_format_size (available);

        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE,
                     _("Moving the data folder needs %s but only %s is free at “%s”"),
                     need, have, mv->new_root);
        return FALSE;
      }
    mv->total = needed;
  }

  return TRUE;
}

static gboolean
make_root (Move     *mv,
           GError  **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = g_strdup (mv->new_root);

  if (mv->root_existed)
    return TRUE;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char *up = g_path_get_dirname (path);

      g_ptr_array_add (missing, g_steal_pointer (&path));
      path = up;
    }

  for (guint i = missing->len; i > 0; i--)
    {
      const char *folder = g_ptr_array_index (missing, i - 1);

      if (g_mkdir (folder, 0700) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot create the folder “%s”"),
                                      folder);
          return FALSE;
        }
      g_ptr_array_add (mv->made_dirs, g_strdup (folder));
    }

  return TRUE;
}

static void
undo (Move *mv)
{
  if (mv->root_existed)
    {
      g_autoptr(GDir) dir = g_dir_open (mv->new_root, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (mv->new_root, name, NULL);

          lab_rm_rf (child, NULL);
        }
      return;
    }

  lab_rm_rf (mv->new_root, NULL);
  for (guint i = mv->made_dirs->len; i > 0; i--)
    g_rmdir (g_ptr_array_index (mv->made_dirs, i - 1));
}

static gboolean
fsync_path (const char  *path,
            GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }
  ok = lab_fsync_fd (fd, path, error);
  close (fd);

  return ok;
}

/* The database, when its write-ahead log is empty: the file holds every
 * commit and, under the write lock, no writer can add one, so a plain copy
 * (hashed, verified like every other file) is the database, several times
 * faster than the backup API. */
static gboolean
copy_checkpointed_database (Move     *mv,
                            gboolean *copied,
                            GError  **error)
{
  const char *src = lab_data_dir_get_db_path (mv->dir);
  g_autofree char *wal = g_strconcat (src, "-wal", NULL);
  g_autofree char *dest = g_build_filename (mv->new_root, "data", "labdata.db", NULL);
  g_autofree char *folder = g_path_get_dirname (dest);
  Copied *copy;
  struct stat st;

  *copied = FALSE;
  if ((stat (wal, &st) == 0 && st.st_size > 0) || stat (src, &st) != 0)
    return TRUE;

  report (mv, _("Copying the database"));
  copy = g_new0 (Copied, 1);
  copy->relative = g_strdup ("data/labdata.db");
  copy->size = st.st_size;
  g_ptr_array_add (mv->copied, copy);

  if (!lab_mkdir_private (folder, error) ||
      !lab_file_copy_unsynced (src, dest, &copy->sha256, mv->cancellable, error))
    return FALSE;

  mv->done += st.st_size;
  mv->result->bytes += st.st_size;
  mv->result->files++;
  *copied = TRUE;
  return TRUE;
}

/* Otherwise page by page through the backup API. The backup reads through a
 * second connection: SQLite refuses to back up from the connection that
 * holds the write lock, and with WAL this reader sees the last commit, which
 * the lock keeps the last one. */
static gboolean
copy_database (Move     *mv,
               GError  **error)
{
  g_autofree char *dest = g_build_filename (mv->new_root, "data", "labdata.db", NULL);
  g_autofree char *folder = g_path_get_dirname (dest);
  g_autofree char *tmp = NULL;
  sqlite3 *out = NULL;
  sqlite3_backup *backup;
  gboolean copied;
  int rc;
  int fd;

  if (!copy_checkpointed_database (mv, &copied, error))
    return FALSE;
  if (copied)
    return TRUE;

  if (!lab_mkdir_private (folder, error))
    return FALSE;

  fd = lab_open_temp_beside (dest, 0600, &tmp, error);
  if (fd < 0)
    return FALSE;
  close (fd);

  rc = sqlite3_open_v2 (tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    goto sqlite_fail;

  backup = sqlite3_backup_init (out, "main", lab_db_get_handle (mv->reader), "main");
  if (backup == NULL)
    {
      rc = sqlite3_errcode (out);
      goto sqlite_fail;
    }

  do
    {
      rc = sqlite3_backup_step (backup, DB_STEP_PAGES);
      if (g_cancellable_is_cancelled (mv->cancellable))
        {
          sqlite3_backup_finish (backup);
          sqlite3_close (out);
          g_unlink (tmp);
          return !g_cancellable_set_error_if_cancelled (mv->cancellable, error);
        }
      report (mv, _("Copying the database"));
    }
  while (rc == SQLITE_OK);

  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    goto sqlite_fail;
  rc = sqlite3_errcode (out);
  if (rc != SQLITE_OK)
    goto sqlite_fail;
  sqlite3_close (out);
  out = NULL;

  if (!fsync_path (tmp, error) || !lab_commit_temp (tmp, dest, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  {
    struct stat st;

    if (stat (dest, &st) == 0)
      {
        mv->done += st.st_size;
        mv->result->bytes += st.st_size;
      }
    mv->result->files++;
  }

  return TRUE;

sqlite_fail:
  {
    g_autofree char *context = g_strdup_printf (_("Cannot copy the database to “%s”"), dest);

    lab_sqlite_set_error (error, out, rc, context);
  }
  sqlite3_close (out);
  g_unlink (tmp);
  return FALSE;
}

static gboolean
is_database_file (const char *relative)
{
  static const char * const names[] = {
    "data/labdata.db", "data/labdata.db-wal", "data/labdata.db-shm", "data/labdata.db-journal",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_str_equal (relative, names[i]))
        return TRUE;
    }

  return FALSE;
}

static gboolean
copy_tree (Move        *mv,
           const char  *relative,
           GError     **error)
{
  g_autofree char *src_dir = relative ? g_build_filename (mv->old_root, relative, NULL)
                                      : g_strdup (mv->old_root);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;

  names = lab_dir_list_sorted (src_dir, &local_error);
  if (names == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Cannot read the folder “%s”: %s"), src_dir, local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *rel = relative ? g_build_filename (relative, names->pdata[i], NULL)
                                      : g_strdup (names->pdata[i]);
      g_autofree char *src = g_build_filename (mv->old_root, rel, NULL);
      g_autofree char *dest = g_build_filename (mv->new_root, rel, NULL);
      struct stat st;

      if (g_cancellable_set_error_if_cancelled (mv->cancellable, error))
        return FALSE;

      if (lstat (src, &st) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), src);
          return FALSE;
        }

      if (is_database_file (rel))
        continue;

      if (S_ISDIR (st.st_mode))
        {
          if (g_mkdir (dest, st.st_mode & 07777) != 0 && errno != EEXIST)
            {
              int saved_errno = errno;

              lab_store_error_from_errno (error, saved_errno, _("Cannot create the folder “%s”"),
                                          dest);
              return FALSE;
            }
          if (!copy_tree (mv, rel, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          struct timespec times[2] = { st.st_atim, st.st_mtim };
          Copied *copied = g_new0 (Copied, 1);

          copied->relative = g_strdup (rel);
          copied->size = st.st_size;
          g_ptr_array_add (mv->copied, copied);

          /* Not synced file by file: the whole new tree is synced once
           * before the switch, which is what makes it the store. */
          if (!lab_file_copy_unsynced (src, dest, &copied->sha256, mv->cancellable, error))
            return FALSE;
          chmod (dest, st.st_mode & 07777);
          utimensat (AT_FDCWD, dest, times, AT_SYMLINK_NOFOLLOW);

          mv->done += st.st_size;
          mv->result->files++;
          mv->result->bytes += st.st_size;
          report (mv, _("Copying files"));
        }
      else if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (src, error);
          Copied *copied;

          if (target == NULL)
            return FALSE;
          if (symlink (target, dest) != 0)
            {
              int saved_errno = errno;

              lab_store_error_from_errno (error, saved_errno, _("Cannot create “%s”"), dest);
              return FALSE;
            }
          copied = g_new0 (Copied, 1);
          copied->relative = g_strdup (rel);
          copied->link_target = g_steal_pointer (&target);
          g_ptr_array_add (mv->copied, copied);
        }
      else
        g_ptr_array_add (mv->result->warnings,
                         g_strdup_printf (_("“%s” is not a file or a folder; it was not copied"),
                                          src));
    }

  return TRUE;
}

static gboolean
verify_files (Move     *mv,
              GError  **error)
{
  for (guint i = 0; i < mv->copied->len; i++)
    {
      Copied *copied = g_ptr_array_index (mv->copied, i);
      g_autofree char *dest = g_build_filename (mv->new_root, copied->relative, NULL);

      if (copied->link_target != NULL)
        {
          g_autofree char *target = g_file_read_link (dest, NULL);

          if (g_strcmp0 (target, copied->link_target) == 0)
            continue;
        }
      else
        {
          goffset size = 0;
          g_autofree char *sha = lab_file_sha256 (dest, &size, mv->cancellable, error);

          if (sha == NULL)
            return FALSE;
          if (g_str_equal (sha, copied->sha256) && (guint64) size == copied->size)
            continue;
        }

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("Verification failed: the copy of “%s” does not match it; the data folder "
                     "was not moved"), copied->relative);
      return FALSE;
    }

  return TRUE;
}

static gboolean
verify_database (Move     *mv,
                 GError  **error)
{
  g_autofree char *path = g_build_filename (mv->new_root, "data", "labdata.db", NULL);
  g_autoptr(LabDb) copy = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  gint64 ok;

  copy = lab_db_open_file (path, LAB_DB_OPEN_READ_ONLY, error);
  if (copy == NULL)
    return FALSE;

  {
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (copy, "PRAGMA quick_check (1)", error);

    if (stmt == NULL)
      return FALSE;
    ok = sqlite3_step (stmt) == SQLITE_ROW &&
         g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
    if (!ok)
      {
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                     _("Verification failed: the copied database does not pass its check; the "
                       "data folder was not moved"));
        return FALSE;
      }
  }

  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", tables[t].name);
      gint64 before = lab_db_query_int64 (mv->reader, sql, error);
      gint64 after;

      if (before < 0)
        return FALSE;
      after = lab_db_query_int64 (copy, sql, error);
      if (after < 0)
        return FALSE;
      if (before != after)
        {
          g_autofree char *in_copy = g_strdup_printf ("%" G_GINT64_FORMAT, after);
          g_autofree char *in_store = g_strdup_printf ("%" G_GINT64_FORMAT, before);

          /* The numbers are formatted first: a G_GINT64_FORMAT inside _()
           * would cut the message short for translators. */
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("Verification failed: %s has %s rows in the copy but %s in the store; "
                         "the data folder was not moved"),
                       tables[t].name, in_copy, in_store);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * lab_data_dir_move:
 * @dir: the data directory to move; it must hold a store
 * @new_root: where to; a new or an empty folder
 * @result: (out caller-allocates): what was done; free with lab_move_result_clear()
 * @progress: (nullable) (scope call): progress reports
 *
 * Copies the whole data directory to @new_root, verifies every file and the
 * database, and switches: when @dir is the data directory LabData finds
 * without options, the location file then names @new_root. With
 * %LAB_MOVE_REMOVE_OLD the old copy is removed last. Before the switch any
 * failure (or a kill) leaves @dir in use and unchanged, and removes what was
 * copied.
 *
 * Returns: (transfer full): the data directory at its new place, or %NULL
 *   with @error set
 */
LabDataDir *
lab_data_dir_move (LabDataDir       *dir,
                   const char       *new_root,
                   LabMoveFlags      flags,
                   LabMoveResult    *result,
                   LabProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  Move mv = { 0 };
  g_autoptr(LabDataDir) moved = NULL;
  g_autofree char *default_root = NULL;
  g_autofree char *canonical_default = NULL;
  gboolean is_default;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (new_root != NULL, NULL);
  g_return_val_if_fail (result != NULL, NULL);

  memset (result, 0, sizeof *result);
  result->warnings = g_ptr_array_new_with_free_func (g_free);

  mv.dir = dir;
  mv.old_root = lab_data_dir_get_root (dir);
  mv.new_root = g_canonicalize_filename (new_root, NULL);
  mv.copied = g_ptr_array_new_with_free_func (copied_free);
  mv.made_dirs = g_ptr_array_new_with_free_func (g_free);
  mv.progress = progress;
  mv.progress_data = progress_data;
  mv.cancellable = cancellable;
  mv.result = result;

  if (!lab_data_dir_exists (dir))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no store in “%s” to move"), mv.old_root);
      goto fail_early;
    }

  if (!check_target (&mv, error))
    goto fail_early;

  /* The write lock, for the whole copy: no writer can change the database
   * between the copy and the switch. */
  mv.db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);
  if (mv.db == NULL)
    goto fail_early;
  /* Everything into the database file first, when no reader is in the way:
   * then the file alone can be copied (copy_checkpointed_database()). */
  lab_db_exec (mv.db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL);
  if (!lab_db_begin (mv.db, error))
    goto fail_early;
  mv.reader = lab_db_open (dir, LAB_DB_OPEN_READ_ONLY, error);
  if (mv.reader == NULL)
    goto fail_early;

  if (!make_root (&mv, error) ||
      !copy_database (&mv, error) ||
      !copy_tree (&mv, NULL, error))
    goto fail;

  if (progress != NULL)
    progress (0.9, _("Verifying the copy"), progress_data);
  if (!lab_sync_filesystem (mv.new_root, error) ||
      !verify_files (&mv, error) ||
      !verify_database (&mv, error))
    goto fail;

  /* The switch. */
  default_root = lab_data_dir_default_root ();
  canonical_default = g_canonicalize_filename (default_root, NULL);
  is_default = g_str_equal (canonical_default, mv.old_root);
  if (is_default)
    {
      if (!lab_data_dir_write_location (mv.new_root, error))
        goto fail;
      result->location_switched = TRUE;
      result->env_overrides = lab_data_dir_get_origin (dir) == LAB_DATA_DIR_ORIGIN_ENV ||
                              (g_getenv (LAB_DATA_DIR_ENV) != NULL &&
                               g_getenv (LAB_DATA_DIR_ENV)[0] != '\0');
    }

  g_clear_object (&mv.reader);
  lab_db_rollback (mv.db);
  g_clear_object (&mv.db);

  moved = lab_data_dir_new (mv.new_root);
  {
    g_autoptr(JsonObject) details = json_object_new ();

    json_object_set_string_member (details, "from", mv.old_root);
    json_object_set_string_member (details, "to", mv.new_root);
    json_object_set_int_member (details, "files", result->files);
    json_object_set_int_member (details, "bytes", result->bytes);
    json_object_set_boolean_member (details, "location_switched", result->location_switched);
    json_object_set_boolean_member (details, "remove_old", (flags & LAB_MOVE_REMOVE_OLD) != 0);
    lab_oplog_append (moved, "move-data-dir", details, NULL);
  }

  if (flags & LAB_MOVE_REMOVE_OLD)
    {
      g_autoptr(GError) remove_error = NULL;

      if (progress != NULL)
        progress (0.95, _("Removing the old copy"), progress_data);
      if (lab_rm_rf (mv.old_root, &remove_error))
        result->old_removed = TRUE;
      else
        g_ptr_array_add (result->warnings,
                         g_strdup_printf (_("The old copy could not be removed completely: %s"),
                                          remove_error->message));
    }

  if (progress != NULL)
    progress (1.0, _("The data folder was moved"), progress_data);

  g_ptr_array_unref (mv.copied);
  g_ptr_array_unref (mv.made_dirs);
  g_free (mv.new_root);
  return g_steal_pointer (&moved);

fail:
  undo (&mv);
fail_early:
  g_clear_object (&mv.reader);
  if (mv.db != NULL)
    lab_db_rollback (mv.db);
  g_clear_object (&mv.db);
  g_ptr_array_unref (mv.copied);
  g_ptr_array_unref (mv.made_dirs);
  g_free (mv.new_root);
  return NULL;
}

typedef struct
{
  LabDataDir *dir;
  char *new_root;
  LabMoveFlags flags;
  LabProgress *progress;
  LabMoveResult result;
} MoveTask;

static void
move_task_free (gpointer data)
{
  MoveTask *task = data;

  g_clear_object (&task->dir);
  g_free (task->new_root);
  g_clear_object (&task->progress);
  lab_move_result_clear (&task->result);
  g_free (task);
}

static void
move_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MoveTask *mt = task_data;
  LabDataDir *moved;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  moved = lab_data_dir_move (mt->dir, mt->new_root, mt->flags, &mt->result,
                             mt->progress ? lab_progress_report : NULL, mt->progress,
                             cancellable, &error);
  if (moved == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, moved, g_object_unref);
}

/**
 * lab_data_dir_move_async:
 * @progress: (nullable): where progress is published
 *
 * Runs lab_data_dir_move() in a thread.
 */
void
lab_data_dir_move_async (LabDataDir          *dir,
                         const char          *new_root,
                         LabMoveFlags         flags,
                         LabProgress         *progress,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  MoveTask *mt = g_new0 (MoveTask, 1);

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (new_root != NULL);

  mt->dir = g_object_ref (dir);
  mt->new_root = g_strdup (new_root);
  mt->flags = flags;
  mt->progress = progress ? g_object_ref (progress) : NULL;

  g_task_set_source_tag (task, lab_data_dir_move_async);
  g_task_set_task_data (task, mt, move_task_free);
  g_task_run_in_thread (task, move_thread);
}

/**
 * lab_data_dir_move_finish:
 * @move_result: (out caller-allocates) (optional): what was done; free with
 *   lab_move_result_clear()
 *
 * Returns: (transfer full): the data directory at its new place, or %NULL
 *   with @error set
 */
LabDataDir *
lab_data_dir_move_finish (GAsyncResult   *result,
                          LabMoveResult  *move_result,
                          GError        **error)
{
  MoveTask *mt;
  LabDataDir *moved;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_data_dir_move_async, NULL);

  moved = g_task_propagate_pointer (G_TASK (result), error);
  mt = g_task_get_task_data (G_TASK (result));
  if (moved != NULL && move_result != NULL)
    {
      *move_result = mt->result;
      memset (&mt->result, 0, sizeof mt->result);
    }

  return moved;
}

/**
 * lab_move_plan_free:
 */
void
lab_move_plan_free (LabMovePlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->new_root);
  g_free (plan);
}

static gboolean
is_empty_folder (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/**
 * lab_data_dir_move_plan:
 * @dir: the data directory in use
 * @chosen: the folder a person chose to move it to
 *
 * Says where lab_data_dir_move() should put @dir when a person chose
 * @chosen (a folder picked in a file chooser usually exists and holds other
 * things: then the data goes into a new `labdata` folder inside it), how much
 * it copies and how much room there is. Nothing is written.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set when the move
 *   cannot be done there (the same place, one inside the other, no room)
 */
LabMovePlan *
lab_data_dir_move_plan (LabDataDir  *dir,
                        const char  *chosen,
                        GError     **error)
{
  g_autoptr(LabMovePlan) plan = g_new0 (LabMovePlan, 1);
  g_autofree char *canonical = NULL;
  const char *old_root;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (chosen != NULL, NULL);

  old_root = lab_data_dir_get_root (dir);
  canonical = g_canonicalize_filename (chosen, NULL);

  if (!lab_data_dir_exists (dir))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no store in “%s” to move"), old_root);
      return NULL;
    }

  if (g_file_test (canonical, G_FILE_TEST_IS_DIR) && !is_empty_folder (canonical) &&
      !g_str_equal (canonical, old_root))
    plan->new_root = g_build_filename (canonical, "labdata", NULL);
  else
    plan->new_root = g_steal_pointer (&canonical);

  {
    Move mv = { 0 };
    LabMoveResult result = { 0 };
    gboolean ok;

    mv.dir = dir;
    mv.old_root = old_root;
    mv.new_root = plan->new_root;
    mv.result = &result;
    ok = check_target (&mv, error);
    if (!ok)
      return NULL;
    plan->size = mv.total;
  }

  plan->free_space = free_space_at (plan->new_root);
  return g_steal_pointer (&plan);
}

/* Runs @thread_func in a thread with @dir and a string as the task's data. */
static void
run_with_dir (LabDataDir          *dir,
              const char          *path,
              gpointer             source_tag,
              GTaskThreadFunc      thread_func,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_object_set_data_full (G_OBJECT (task), "dir", g_object_ref (dir), g_object_unref);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, thread_func);
}

static void
plan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LabDataDir *dir = g_object_get_data (G_OBJECT (task), "dir");
  LabMovePlan *plan;
  GError *error = NULL;

  plan = lab_data_dir_move_plan (dir, task_data, &error);
  if (plan == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, plan, (GDestroyNotify) lab_move_plan_free);
}

/**
 * lab_data_dir_move_plan_async:
 *
 * Runs lab_data_dir_move_plan() in a thread (it measures the store).
 */
void
lab_data_dir_move_plan_async (LabDataDir          *dir,
                              const char          *chosen,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (chosen != NULL);

  run_with_dir (dir, chosen, lab_data_dir_move_plan_async, plan_thread, cancellable, callback,
                user_data);
}

/**
 * lab_data_dir_move_plan_finish:
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
LabMovePlan *
lab_data_dir_move_plan_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_data_dir_move_plan_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_data_dir_remove_old:
 * @current: the data directory now in use
 * @old_root: the place it was moved from
 *
 * Removes the old copy left by lab_data_dir_move() without
 * %LAB_MOVE_REMOVE_OLD, when a person said so afterwards. It refuses a
 * folder that is, holds or is inside the one in use, and a folder that does
 * not hold a store: a wrong path never costs data.
 *
 * Returns: %TRUE when the old copy is gone
 */
gboolean
lab_data_dir_remove_old (LabDataDir  *current,
                         const char  *old_root,
                         GError     **error)
{
  g_autofree char *old = NULL;
  g_autoptr(LabDataDir) old_dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *root;

  g_return_val_if_fail (LAB_IS_DATA_DIR (current), FALSE);
  g_return_val_if_fail (old_root != NULL, FALSE);

  old = g_canonicalize_filename (old_root, NULL);
  root = lab_data_dir_get_root (current);
  if (is_inside (old, root) || is_inside (root, old))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is not removed: the data folder in use is “%s”"), old, root);
      return FALSE;
    }

  old_dir = lab_data_dir_new (old);
  if (!lab_data_dir_exists (old_dir))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("“%s” does not hold a LabData store; nothing was removed"), old);
      return FALSE;
    }

  if (!lab_rm_rf (old, &local_error))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("The old copy could not be removed completely: %s"), local_error->message);
      return FALSE;
    }

  {
    g_autoptr(JsonObject) details = json_object_new ();

    json_object_set_string_member (details, "removed", old);
    lab_oplog_append (current, "remove-old-data-dir", details, NULL);
  }

  return TRUE;
}

static void
remove_old_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  LabDataDir *current = g_object_get_data (G_OBJECT (task), "dir");
  GError *error = NULL;

  if (lab_data_dir_remove_old (current, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * lab_data_dir_remove_old_async:
 *
 * Runs lab_data_dir_remove_old() in a thread.
 */
void
lab_data_dir_remove_old_async (LabDataDir          *current,
                               const char          *old_root,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (LAB_IS_DATA_DIR (current));
  g_return_if_fail (old_root != NULL);

  run_with_dir (current, old_root, lab_data_dir_remove_old_async, remove_old_thread, cancellable,
                callback, user_data);
}

gboolean
lab_data_dir_remove_old_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_data_dir_remove_old_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
