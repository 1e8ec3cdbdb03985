/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-vacuum"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-oplog.h"
#include "lab-usage.h"
#include "lab-vacuum.h"

/*
 * Compacting the database. VACUUM rewrites the file without its free pages;
 * in WAL mode the new pages go through the write-ahead log, which is then
 * checkpointed and truncated, so the file shrinks on disk. It needs room for a
 * copy of the pages in use, so it is refused when the disk is nearly full;
 * a database created with auto_vacuum=INCREMENTAL then gives back its free
 * pages in place instead, which needs no room at all.
 */

#define AUTO_VACUUM_INCREMENTAL 2

static guint64
file_size (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/**
 * lab_vacuum_get_database_size:
 *
 * Returns: the size of @db's file and its write-ahead log, in bytes
 */
guint64
lab_vacuum_get_database_size (LabDb *db)
{
  g_autofree char *wal = g_strconcat (lab_db_get_path (db), "-wal", NULL);

  return file_size (lab_db_get_path (db)) + file_size (wal);
}

/* The room on the disk of @folder. $LABDATA_TEST_FREE_SPACE (bytes) stands
 * in for it in tests: a full disk cannot be made on demand. */
static gboolean
free_space (const char *folder,
            guint64    *available)
{
  const char *fake = g_getenv ("LABDATA_TEST_FREE_SPACE");
  struct statvfs vfs;

  if (fake != NULL && g_ascii_string_to_unsigned (fake, 10, 0, G_MAXUINT64, available, NULL))
    return TRUE;

  if (statvfs (folder, &vfs) != 0)
    return FALSE;

  *available = (guint64) vfs.f_bavail * vfs.f_frsize;
  return TRUE;
}

/**
 * lab_vacuum_db:
 * @db: an open, writable database
 * @result: (out caller-allocates) (optional): sizes before and after
 * @progress: (nullable) (scope call): called on this thread
 *
 * Compacts @db (see the file's comment). Readers on other connections keep
 * reading while it runs; the file only shrinks once none is left reading
 * the old pages, so @size_after may still include them.
 *
 * Returns: %FALSE with %LAB_STORE_ERROR_NO_SPACE if the disk has no room for
 *   it, %G_IO_ERROR_CANCELLED if cancelled (nothing changed then)
 */
gboolean
lab_vacuum_db (LabDb            *db,
               LabVacuumResult  *result,
               LabProgressFunc   progress,
               gpointer          progress_data,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *folder = NULL;
  LabVacuumResult local = { 0 };
  gint64 page_size, page_count, free_pages, auto_vacuum;
  guint64 needed;
  guint64 available = 0;

  g_return_val_if_fail (LAB_IS_DB (db), FALSE);

  if (result == NULL)
    result = &local;
  memset (result, 0, sizeof *result);
  result->size_before = lab_vacuum_get_database_size (db);

  if ((page_size = lab_db_query_int64 (db, "PRAGMA page_size", error)) < 0 ||
      (page_count = lab_db_query_int64 (db, "PRAGMA page_count", error)) < 0 ||
      (free_pages = lab_db_query_int64 (db, "PRAGMA freelist_count", error)) < 0 ||
      (auto_vacuum = lab_db_query_int64 (db, "PRAGMA auto_vacuum", error)) < 0)
    return FALSE;

  /* The pages in use are written once more, into the write-ahead log. */
  needed = (guint64) (page_count - free_pages) * page_size;
  folder = g_path_get_dirname (lab_db_get_path (db));

  if (progress != NULL)
    progress (-1, _("Compacting the database"), progress_data);

  lab_db_set_cancellable (db, cancellable);

  if (free_space (folder, &available) && available < needed + needed / 10)
    {
      g_autofree char *need = g_format_size (needed);
      g_autofree char *have = g_format_size (available);

      if (auto_vacuum != AUTO_VACUUM_INCREMENTAL)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE,
                       _("There is not enough free space to compact the database: it needs "
                         "%s, the disk has %s"), need, have);
          return FALSE;
        }

      result->incremental = TRUE;
      if (!lab_db_exec (db, "PRAGMA incremental_vacuum", error))
        return FALSE;
    }
  else if (!lab_db_exec (db, "VACUUM", error))
    return FALSE;

  /* Moves the compacted pages into the file and shrinks the log; if a reader
   * still holds old pages it does what it can, and a later checkpoint the
   * rest. */
  lab_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);

  result->size_after = lab_vacuum_get_database_size (db);
  result->seconds = g_timer_elapsed (timer, NULL);

  if (progress != NULL)
    progress (1, _("Database compacted"), progress_data);

  return TRUE;
}

/**
 * lab_vacuum:
 * @dir: the data directory
 * @result: (out caller-allocates) (optional): sizes before and after
 *
 * Compacts the store's database on a connection of its own and records it in
 * the operations log.
 */
gboolean
lab_vacuum (LabDataDir       *dir,
            LabVacuumResult  *result,
            LabProgressFunc   progress,
            gpointer          progress_data,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autoptr(LabDb) db = NULL;
  g_autoptr(JsonObject) details = NULL;
  g_autoptr(GError) log_error = NULL;
  LabVacuumResult local = { 0 };

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);

  if (result == NULL)
    result = &local;

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);
  if (db == NULL)
    return FALSE;

  if (!lab_vacuum_db (db, result, progress, progress_data, cancellable, error))
    return FALSE;
  g_clear_object (&db);

  lab_usage_invalidate (dir);

  details = json_object_new ();
  json_object_set_int_member (details, "size_before", result->size_before);
  json_object_set_int_member (details, "size_after", result->size_after);
  json_object_set_boolean_member (details, "incremental", result->incremental);
  json_object_set_double_member (details, "seconds", result->seconds);
  if (!lab_oplog_append (dir, "vacuum", details, &log_error))
    g_debug ("Cannot log the vacuum: %s", log_error->message);

  return TRUE;
}

static void
vacuum_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LabProgress *progress = task_data;
  LabVacuumResult *result = g_new0 (LabVacuumResult, 1);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_free (result);
      return;
    }

  if (!lab_vacuum (LAB_DATA_DIR (source_object), result,
                   progress ? lab_progress_report : NULL, progress, cancellable, &error))
    {
      g_free (result);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, result, g_free);
}

/**
 * lab_vacuum_async:
 * @progress: (nullable): receives the progress on the main context
 *
 * Runs lab_vacuum() in a thread.
 */
void
lab_vacuum_async (LabDataDir          *dir,
                  LabProgress         *progress,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_vacuum_async);
  if (progress != NULL)
    g_task_set_task_data (task, g_object_ref (progress), g_object_unref);
  g_task_run_in_thread (task, vacuum_thread);
}

/**
 * lab_vacuum_finish:
 * @vacuum_result: (out caller-allocates) (optional): sizes before and after
 */
gboolean
lab_vacuum_finish (LabDataDir       *dir,
                   GAsyncResult     *result,
                   LabVacuumResult  *vacuum_result,
                   GError          **error)
{
  g_autofree LabVacuumResult *r = NULL;

  g_return_val_if_fail (g_task_is_valid (result, dir), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_vacuum_async, FALSE);

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;

  if (vacuum_result != NULL)
    *vacuum_result = *r;
  return TRUE;
}
