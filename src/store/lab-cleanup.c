/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cleanup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-check-private.h"
#include "lab-cleanup.h"
#include "lab-config.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-schema.h"
#include "lab-timestamp.h"
#include "lab-usage.h"
#include "lab-vacuum.h"

/*
 * Clean-up with retention policies. lab_cleanup_plan() lists what the
 * policies in config/config.json (or an --older-than override) let go;
 * lab_cleanup_apply() deletes exactly that list, never more: each deletion
 * checks again that its item is still eligible, so something starred or
 * used since the plan is skipped rather than deleted.
 *
 * The database part is one transaction. A deleted session's workspace folder
 * is moved into data/.cleanup-trash before the commit and removed after it;
 * if the process dies in between, lab_cleanup_recover() (run by the next
 * clean-up and by every check) looks at what the database says: the folders
 * of sessions that still exist go back, the others go. An flock on
 * data/.cleanup.lock keeps two clean-ups, or a clean-up and a recovery, apart.
 *
 * Starred sessions (and sessions holding starred snapshots), starred
 * snapshots and pinned backups are never deleted; operations.jsonl, the record
 * of what was done, is never deleted either.
 */

#define DAY_USEC (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))
#define TRASH_NAME ".cleanup-trash"
#define LOCK_NAME ".cleanup.lock"
#define OPLOG_NAME "operations.jsonl"
#define ARCHIVE_SUFFIX ".labdata"
#define BACKUP_OBJECTS_ID "objects"  /* never a backup's name */

/* What makes a row eligible, shared by the plan and the deletion. */
#define SESSION_ELIGIBLE \
  "s.archived = 1 AND s.starred = 0 AND s.last_activity_at < :session_cutoff" \
  " AND NOT EXISTS (SELECT 1 FROM snapshots AS k WHERE k.session_id = s.id AND k.starred = 1)"
#define SNAPSHOT_ELIGIBLE "p.starred = 0 AND p.timestamp < :snapshot_cutoff"
#define ANALYTICS_ELIGIBLE "a.timestamp < :analytics_cutoff"

static const char * const policy_keys[LAB_CLEANUP_N_CATEGORIES] = {
  [LAB_CLEANUP_ARCHIVED_SESSIONS] = LAB_CONFIG_ARCHIVED_SESSION_DAYS,
  [LAB_CLEANUP_SNAPSHOTS] = LAB_CONFIG_SNAPSHOT_DAYS,
  [LAB_CLEANUP_ANALYTICS] = LAB_CONFIG_ANALYTICS_DAYS,
  [LAB_CLEANUP_BACKUPS] = LAB_CONFIG_BACKUP_DAYS,
  [LAB_CLEANUP_ARCHIVES] = LAB_CONFIG_ARCHIVE_DAYS,
  [LAB_CLEANUP_LOGS] = LAB_CONFIG_LOG_DAYS,
  [LAB_CLEANUP_ORPHANS] = NULL,
};

void
lab_cleanup_options_init (LabCleanupOptions *options)
{
  options->now = 0;
  options->older_than_days = -1;
  options->categories = 0;
}

void
lab_cleanup_result_free (LabCleanupResult *result)
{
  if (result == NULL)
    return;

  g_free (result->backup);
  g_clear_pointer (&result->deleted_ids, g_ptr_array_unref);
  g_clear_pointer (&result->skipped_ids, g_ptr_array_unref);
  g_free (result->vacuum_error);
  g_free (result);
}

static LabCleanupResult *
cleanup_result_new (void)
{
  LabCleanupResult *result = g_new0 (LabCleanupResult, 1);

  result->deleted_ids = g_ptr_array_new_with_free_func (g_free);
  result->skipped_ids = g_ptr_array_new_with_free_func (g_free);
  return result;
}

static char *
trash_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_data_path (dir), TRASH_NAME, NULL);
}

/* The lock keeps two clean-ups (or a clean-up and a recovery) apart; the
 * kernel drops it when the process dies, however it dies. */
static int
take_lock (LabDataDir  *dir,
           GError     **error)
{
  g_autofree char *path = g_build_filename (lab_data_dir_get_data_path (dir), LOCK_NAME, NULL);
  int fd;

  if (!lab_mkdir_private (lab_data_dir_get_data_path (dir), error))
    return -1;

  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return -1;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY,
                           _("Another clean-up of this store is running"));
      return -1;
    }

  return fd;
}

/* Puts back or removes what an interrupted clean-up moved aside, by what the
 * database says now. Runs with the lock held. */
static gboolean
recover_locked (LabDataDir  *dir,
                guint       *restored,
                guint       *removed,
                GError     **error)
{
  g_autofree char *trash = trash_path (dir);
  g_autoptr(GDir) folder = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  folder = g_dir_open (trash, 0, &local_error);
  if (folder == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Without a database to ask, nothing can be decided: leave it all. */
  db = lab_db_open (dir, LAB_DB_OPEN_READ_ONLY, error);
  if (db == NULL)
    {
      g_prefix_error (error, _("Cannot finish an interrupted clean-up: "));
      return FALSE;
    }

  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (trash, name, NULL);
      g_autofree char *home = lab_data_dir_get_session_workspace (dir, name);
      gboolean exists = FALSE;

      if (!_lab_check_session_exists (db, name, &exists, error))
        return FALSE;

      if (exists && home != NULL)
        {
          if (g_file_test (home, G_FILE_TEST_EXISTS))
            {
              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                           _("Cannot put back “%s” after an interrupted clean-up: “%s” exists"),
                           path, home);
              return FALSE;
            }
          if (!lab_mkdir_private (lab_data_dir_get_workspace_path (dir), error))
            return FALSE;
          if (g_rename (path, home) != 0)
            {
              int saved_errno = errno;

              lab_store_error_from_errno (error, saved_errno, _("Cannot put back “%s”"), home);
              return FALSE;
            }
          if (!lab_fsync_dir (lab_data_dir_get_workspace_path (dir), error))
            return FALSE;
          (*restored)++;
        }
      else
        {
          if (!lab_rm_rf (path, error))
            return FALSE;
          (*removed)++;
        }
    }

  if (g_rmdir (trash) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot remove “%s”"), trash);
      return FALSE;
    }

  return lab_fsync_dir (lab_data_dir_get_data_path (dir), error);
}

/**
 * lab_cleanup_recover:
 * @restored: (out): how many session folders were put back
 * @removed: (out): how many were removed
 *
 * Finishes a clean-up that was interrupted (see the file's comment). Does
 * nothing if none was, or while a clean-up is running.
 */
gboolean
lab_cleanup_recover (LabDataDir  *dir,
                     guint       *restored,
                     guint       *removed,
                     GError     **error)
{
  g_autofree char *trash = trash_path (dir);
  g_autoptr(GError) local_error = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);

  *restored = 0;
  *removed = 0;

  if (!g_file_test (trash, G_FILE_TEST_EXISTS))
    return TRUE;

  fd = take_lock (dir, &local_error);
  if (fd < 0)
    {
      /* A clean-up that is running owns the folder. */
      if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  ok = recover_locked (dir, restored, removed, error);
  close (fd);

  return ok;
}

/* Planning. */

static gboolean
bind_cutoffs (sqlite3_stmt   *stmt,
              LabCleanupPlan *plan)
{
  static const struct
  {
    const char *name;
    LabCleanupCategory category;
  } params[] = {
    { ":session_cutoff", LAB_CLEANUP_ARCHIVED_SESSIONS },
    { ":snapshot_cutoff", LAB_CLEANUP_SNAPSHOTS },
    { ":analytics_cutoff", LAB_CLEANUP_ANALYTICS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      int index = sqlite3_bind_parameter_index (stmt, params[i].name);
      g_autofree char *cutoff = NULL;

      if (index == 0)
        continue;
      cutoff = lab_timestamp_format (lab_cleanup_plan_get_cutoff (plan, params[i].category));
      if (sqlite3_bind_text (stmt, index, cutoff, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return FALSE;
    }

  return TRUE;
}

/* An estimate of the bytes a row takes: its text and JSON in full, 8 bytes
 * for each number. Column names come from the table descriptions. */
static char *
row_size_sql (const LabTableInfo *table,
              const char         *alias)
{
  GString *sql = g_string_new ("0");

  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];

      switch (column->type)
        {
        case LAB_COLUMN_TEXT:
        case LAB_COLUMN_JSON:
        case LAB_COLUMN_TIMESTAMP:
          g_string_append_printf (sql, " + coalesce (length (CAST (%s.\"%s\" AS BLOB)), 0)",
                                  alias, column->name);
          break;
        default:
          g_string_append (sql, " + 8");
          break;
        }
    }

  return g_string_free (sql, FALSE);
}

static gint64
parse_time (const char *text)
{
  gint64 usec = 0;

  if (text == NULL || !lab_timestamp_parse (text, &usec))
    return 0;
  return usec;
}

static gboolean
plan_sessions (LabDb           *db,
               LabDataDir      *dir,
               LabCleanupPlan  *plan,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GHashTable) row_bytes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  int rc;

  /* What each eligible session's rows take, in every table that names a
   * session; snapshots and analytics rows that go in their own categories
   * are counted there, not twice. */
  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *size = NULL;
      g_autofree char *sql = NULL;
      const char *extra = "";

      if (tables[t].session_column == NULL)
        continue;
      if (g_str_equal (tables[t].name, "snapshots"))
        extra = " AND NOT (t.starred = 0 AND t.timestamp < :snapshot_cutoff)";
      else if (g_str_equal (tables[t].name, "analytics"))
        extra = " AND NOT (t.timestamp < :analytics_cutoff)";

      size = row_size_sql (&tables[t], "t");
      sql = g_strdup_printf ("SELECT t.\"%s\", sum (%s) FROM \"%s\" AS t WHERE t.\"%s\" IN"
                             " (SELECT s.id FROM sessions AS s WHERE " SESSION_ELIGIBLE ")%s"
                             " GROUP BY 1",
                             tables[t].session_column, size, tables[t].name,
                             tables[t].session_column, extra);

      g_clear_pointer (&stmt, sqlite3_finalize);
      stmt = lab_db_prepare (db, sql, error);
      if (stmt == NULL || !bind_cutoffs (stmt, plan))
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *id = (const char *) sqlite3_column_text (stmt, 0);
          guint64 *bytes = g_hash_table_lookup (row_bytes, id);

          if (bytes == NULL)
            {
              bytes = g_new0 (guint64, 1);
              g_hash_table_insert (row_bytes, g_strdup (id), bytes);
            }
          *bytes += sqlite3_column_int64 (stmt, 1);
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = lab_db_prepare (db, "SELECT s.id, s.title, s.last_activity_at,"
                             " (SELECT count(*) FROM messages AS m WHERE m.session_id = s.id)"
                             " FROM sessions AS s WHERE " SESSION_ELIGIBLE
                             " ORDER BY s.last_activity_at, s.id", error);
  if (stmt == NULL || !bind_cutoffs (stmt, plan))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *title = (const char *) sqlite3_column_text (stmt, 1);
      gint64 messages = sqlite3_column_int64 (stmt, 3);
      g_autofree char *folder = lab_data_dir_get_session_workspace (dir, id);
      g_autofree char *subtitle = NULL;
      g_autofree char *n_messages = NULL;
      g_autoptr(LabCleanupItem) item = NULL;
      guint64 *bytes = g_hash_table_lookup (row_bytes, id);
      guint64 files = 0;
      guint64 file_bytes = folder ? lab_usage_measure_path (folder, &files) : 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      n_messages = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages",
                                                 messages), (guint) messages);
      /* Translators: "120 messages, 4 files" */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u file", "%s, %u files",
                                               files), n_messages, (guint) files);
      item = lab_cleanup_item_new (LAB_CLEANUP_ARCHIVED_SESSIONS, id,
                                   title && title[0] ? title : id, subtitle,
                                   parse_time ((const char *) sqlite3_column_text (stmt, 2)),
                                   (bytes ? *bytes : 0) + file_bytes, messages);
      lab_cleanup_plan_add (plan, item);
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

static gboolean
plan_snapshots (LabDb           *db,
                LabCleanupPlan  *plan,
                GError         **error)
{
  g_autofree char *size = row_size_sql (lab_schema_get_table ("snapshots"), "p");
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  sql = g_strdup_printf ("SELECT p.id, p.timestamp, p.type, p.description, s.title, %s"
                         " FROM snapshots AS p LEFT JOIN sessions AS s ON s.id = p.session_id"
                         " WHERE " SNAPSHOT_ELIGIBLE " ORDER BY p.timestamp, p.id", size);
  stmt = lab_db_prepare (db, sql, error);
  if (stmt == NULL || !bind_cutoffs (stmt, plan))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      const char *description = (const char *) sqlite3_column_text (stmt, 3);
      const char *title = (const char *) sqlite3_column_text (stmt, 4);
      g_autoptr(LabCleanupItem) item = NULL;

      item = lab_cleanup_item_new (LAB_CLEANUP_SNAPSHOTS,
                                   (const char *) sqlite3_column_text (stmt, 0),
                                   title && title[0] ? title : _("No session"),
                                   description && description[0] ? description : type,
                                   parse_time ((const char *) sqlite3_column_text (stmt, 1)),
                                   sqlite3_column_int64 (stmt, 5), 1);
      lab_cleanup_plan_add (plan, item);
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

/* Old analytics events, one item per session: a list of thousands of single
 * events would tell a person nothing. Each item keeps its rows' ids, so the
 * deletion takes exactly these. */
static gboolean
plan_analytics (LabDb           *db,
                LabCleanupPlan  *plan,
                GError         **error)
{
  g_autofree char *size = row_size_sql (lab_schema_get_table ("analytics"), "a");
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(LabCleanupItem) item = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *group = NULL;
  g_autofree char *group_title = NULL;
  gboolean first = TRUE;
  gint64 newest = 0;
  guint64 bytes = 0;
  int rc;

  sql = g_strdup_printf ("SELECT a.id, a.session_id, a.timestamp, %s, s.title"
                         " FROM analytics AS a LEFT JOIN sessions AS s ON s.id = a.session_id"
                         " WHERE " ANALYTICS_ELIGIBLE " ORDER BY a.session_id, a.timestamp, a.id",
                         size);
  stmt = lab_db_prepare (db, sql, error);
  if (stmt == NULL || !bind_cutoffs (stmt, plan))
    return FALSE;

  for (;;)
    {
      const char *session_id = NULL;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        session_id = (const char *) sqlite3_column_text (stmt, 1);
      else if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);

      /* The group ends when the session changes or the rows do. */
      if (!first && (rc == SQLITE_DONE || g_strcmp0 (session_id, group) != 0))
        {
          g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event",
                                                                    "%u events", ids->len),
                                                       ids->len);

          item = lab_cleanup_item_new (LAB_CLEANUP_ANALYTICS, group ? group : "",
                                       group_title ? group_title : _("No session"), subtitle,
                                       newest, bytes, ids->len);
          for (guint i = 0; i < ids->len; i++)
            lab_cleanup_item_add_row_id (item, ids->pdata[i]);
          lab_cleanup_plan_add (plan, item);
          g_clear_object (&item);
          g_ptr_array_set_size (ids, 0);
          bytes = 0;
        }

      if (rc == SQLITE_DONE)
        break;

      if (first || g_strcmp0 (session_id, group) != 0)
        {
          const char *title = (const char *) sqlite3_column_text (stmt, 4);

          g_free (group);
          g_free (group_title);
          group = g_strdup (session_id);
          group_title = g_strdup (title && title[0] ? title : session_id);
          first = FALSE;
        }

      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      newest = parse_time ((const char *) sqlite3_column_text (stmt, 2));
      bytes += sqlite3_column_int64 (stmt, 3);
    }

  return TRUE;
}

static int
compare_items_by_time (gconstpointer a,
                       gconstpointer b)
{
  gint64 ta = lab_cleanup_item_get_time (*(LabCleanupItem * const *) a);
  gint64 tb = lab_cleanup_item_get_time (*(LabCleanupItem * const *) b);

  return ta < tb ? -1 : ta > tb;
}

/* Regular files of @folder older than @cutoff, oldest first. */
static void
plan_files (LabDataDir         *dir,
            LabCleanupPlan     *plan,
            LabCleanupCategory  category,
            const char         *folder,
            const char         *suffix,
            const char         *keep)
{
  g_autoptr(GDir) d = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 cutoff = lab_cleanup_plan_get_cutoff (plan, category);
  g_autofree char *prefix = g_path_get_basename (folder);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *id = NULL;
      gint64 mtime;
      struct stat st;

      if ((suffix != NULL && !g_str_has_suffix (name, suffix)) ||
          (keep != NULL && g_str_equal (name, keep)) ||
          lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      mtime = (gint64) st.st_mtime * G_USEC_PER_SEC;
      if (mtime >= cutoff)
        continue;

      id = g_build_filename (prefix, name, NULL);
      g_ptr_array_add (items, lab_cleanup_item_new (category, id, name, NULL, mtime,
                                                    st.st_size, 1));
    }

  g_ptr_array_sort (items, compare_items_by_time);
  for (guint i = 0; i < items->len; i++)
    lab_cleanup_plan_add (plan, items->pdata[i]);
}

/* What backup retention lets go (lab_backup_retention_plan(): pinned
 * backups and the newest good ones always stay). Workspace objects that only
 * these backups hold go with them: one more item says how much they take.
 *
 * The backups/damaged_…/ folders a restore keeps of a store too damaged to
 * back up are in no category, on purpose: they are the only copy of what
 * that store held, which a person may still want to pick through, and no
 * age makes that safe to guess. The usage counts them under backups; a
 * person deletes them. */
static gboolean
plan_backups (LabDataDir      *dir,
              LabConfig       *config,
              LabCleanupPlan  *plan,
              GError         **error)
{
  g_autoptr(GPtrArray) doomed = NULL;
  guint64 reclaimed = 0;
  guint64 listed = 0;
  gint64 newest = 0;

  doomed = lab_backup_retention_plan (dir, config, lab_cleanup_plan_get_now (plan), &reclaimed,
                                      error);
  if (doomed == NULL)
    return FALSE;

  for (guint i = 0; i < doomed->len; i++)
    {
      LabBackupInfo *info = doomed->pdata[i];
      g_autoptr(LabCleanupItem) item = NULL;
      guint64 bytes = lab_usage_measure_path (lab_backup_info_get_path (info), NULL) +
                      lab_usage_measure_path (lab_backup_info_get_sidecar_path (info), NULL);

      item = lab_cleanup_item_new (LAB_CLEANUP_BACKUPS, lab_backup_info_get_name (info),
                                   lab_backup_info_get_name (info),
                                   lab_backup_kind_get_label (lab_backup_info_get_kind (info)),
                                   lab_backup_info_get_created_at (info), bytes, 1);
      lab_cleanup_plan_add (plan, item);
      listed += bytes;
      newest = MAX (newest, lab_backup_info_get_created_at (info));
    }

  if (reclaimed > listed)
    {
      g_autoptr(LabCleanupItem) item = NULL;

      item = lab_cleanup_item_new (LAB_CLEANUP_BACKUPS, BACKUP_OBJECTS_ID,
                                   _("Workspace files only these backups hold"), NULL, newest,
                                   reclaimed - listed, 0);
      lab_cleanup_plan_add (plan, item);
    }

  return TRUE;
}

static gboolean
plan_orphans (LabDb           *db,
              LabDataDir      *dir,
              LabCleanupPlan  *plan,
              GError         **error)
{
  g_autoptr(GPtrArray) findings = _lab_check_list_orphans (dir, db, error);

  if (findings == NULL)
    return FALSE;

  for (guint i = 0; i < findings->len; i++)
    {
      LabCheckFinding *finding = findings->pdata[i];
      const char *subject = lab_check_finding_get_subject (finding);
      g_autofree char *path = g_build_filename (lab_data_dir_get_root (dir), subject, NULL);
      g_autofree char *name = g_path_get_basename (subject);
      g_autofree char *subtitle = lab_check_finding_dup_title (finding);
      g_autoptr(LabCleanupItem) item = NULL;
      gint64 mtime = 0;
      struct stat st;

      if (lstat (path, &st) == 0)
        mtime = (gint64) st.st_mtime * G_USEC_PER_SEC;
      item = lab_cleanup_item_new (LAB_CLEANUP_ORPHANS, subject, name, subtitle, mtime,
                                   lab_check_finding_get_bytes (finding),
                                   MAX (lab_check_finding_get_count (finding), 1));
      lab_cleanup_plan_add (plan, item);
    }

  return TRUE;
}

/**
 * lab_cleanup_plan:
 * @dir: the data directory
 * @options: (nullable): the categories and periods; %NULL for the policies
 *
 * Lists what a clean-up deletes, reading the store without changing it. Every
 * category is planned; those not in @options start out left out of the plan
 * (lab_cleanup_plan_set_included() changes that).
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
LabCleanupPlan *
lab_cleanup_plan (LabDataDir               *dir,
                  const LabCleanupOptions  *options,
                  GCancellable             *cancellable,
                  GError                  **error)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(LabDb) db = NULL;
  LabCleanupOptions defaults;
  gint64 now;
  gboolean ok = TRUE;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  if (options == NULL)
    {
      lab_cleanup_options_init (&defaults);
      options = &defaults;
    }

  config = lab_config_load (dir, error);
  if (config == NULL)
    return NULL;

  now = options->now ? options->now : g_get_real_time ();
  plan = lab_cleanup_plan_new (now);

  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      int days = 0;

      if (policy_keys[c] != NULL)
        days = options->older_than_days >= 0 ? options->older_than_days
                                             : (int) lab_config_get_int (config, policy_keys[c]);
      lab_cleanup_plan_set_policy (plan, c, days, now - days * DAY_USEC);
      lab_cleanup_plan_set_included (plan, c, options->categories == 0 ||
                                              (options->categories & (1u << c)) != 0);
    }

  /* Without a database, rows cannot be planned, and no folder can be called
   * an orphan: every folder would seem to be one. */
  if (lab_data_dir_exists (dir))
    {
      db = lab_db_open (dir, LAB_DB_OPEN_READ_ONLY, error);
      if (db == NULL)
        return NULL;
      lab_db_set_cancellable (db, cancellable);

      ok = lab_db_exec (db, "BEGIN", error) &&
           plan_sessions (db, dir, plan, cancellable, error) &&
           plan_snapshots (db, plan, error) &&
           plan_analytics (db, plan, error);
      lab_db_rollback (db);
      if (!ok)
        return NULL;
    }

  /* Retention of backups reads its period from the policies: an override
   * for this clean-up changes the loaded copy, never the file. */
  if (options->older_than_days >= 0 &&
      !lab_config_set_int (config, LAB_CONFIG_BACKUP_DAYS, MAX (options->older_than_days, 1),
                           error))
    return NULL;
  if (!plan_backups (dir, config, plan, error))
    return NULL;

  plan_files (dir, plan, LAB_CLEANUP_ARCHIVES, lab_data_dir_get_archives_path (dir),
              ARCHIVE_SUFFIX, NULL);
  plan_files (dir, plan, LAB_CLEANUP_LOGS, lab_data_dir_get_logs_path (dir), NULL, OPLOG_NAME);

  if (db != NULL && !plan_orphans (db, dir, plan, error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return g_steal_pointer (&plan);
}

/* Applying. */

static char *
item_key (LabCleanupItem *item)
{
  return g_strdup_printf ("%s/%s",
                          lab_cleanup_category_to_string (lab_cleanup_item_get_category (item)),
                          lab_cleanup_item_get_id (item));
}

static void
note (GPtrArray      *ids,
      LabCleanupItem *item)
{
  g_ptr_array_add (ids, item_key (item));
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  GHashTable *positions = user_data;
  guint pa = GPOINTER_TO_UINT (g_hash_table_lookup (positions, *(const char * const *) a));
  guint pb = GPOINTER_TO_UINT (g_hash_table_lookup (positions, *(const char * const *) b));

  return pa < pb ? -1 : pa > pb;
}

/* Rows go before files, snapshots before their sessions; the result lists
 * them in the plan's order all the same, as the dry run did. */
static void
sort_as_planned (LabCleanupResult *result,
                 LabCleanupPlan   *plan)
{
  g_autoptr(GHashTable) positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_items = g_list_model_get_n_items (lab_cleanup_plan_get_items (plan));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (lab_cleanup_plan_get_items (plan), i);

      g_hash_table_insert (positions, item_key (item), GUINT_TO_POINTER (i));
    }

  g_ptr_array_sort_with_data (result->deleted_ids, compare_positions, positions);
  g_ptr_array_sort_with_data (result->skipped_ids, compare_positions, positions);
}

static void
count_deleted (LabCleanupResult *result,
               LabCleanupItem   *item)
{
  LabCleanupCategory category = lab_cleanup_item_get_category (item);

  result->deleted[category]++;
  result->bytes[category] += lab_cleanup_item_get_bytes (item);
  note (result->deleted_ids, item);
}

/* Deletes @id with @stmt, whose WHERE clause says again what makes it
 * eligible. Returns the number of rows deleted, or -1. */
static int
delete_row (LabDb           *db,
            sqlite3_stmt    *stmt,
            LabCleanupPlan  *plan,
            const char      *id,
            GError         **error)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  bind_cutoffs (stmt, plan);
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":id"), id, -1, SQLITE_STATIC);

  if (!lab_db_step_done (db, stmt, error))
    return -1;

  return sqlite3_changes (lab_db_get_handle (db));
}

typedef struct
{
  char *from;
  char *to;
} Move;

static void
move_free (gpointer data)
{
  Move *move = data;

  g_free (move->from);
  g_free (move->to);
  g_free (move);
}

static void
move_back (GPtrArray *moves)
{
  for (guint i = moves->len; i > 0; i--)
    {
      Move *move = moves->pdata[i - 1];

      if (g_rename (move->to, move->from) != 0)
        g_debug ("Cannot move “%s” back: %s", move->to, g_strerror (errno));
    }
  g_ptr_array_set_size (moves, 0);
}

static void
progress_step (LabProgressFunc  progress,
               gpointer         progress_data,
               double           fraction,
               const char      *message)
{
  if (progress != NULL)
    progress (fraction, message, progress_data);
}

/* Maps a step's own progress onto its share of the whole operation. */
typedef struct
{
  LabProgressFunc func;
  gpointer data;
  double start;
  double span;
} ScaledProgress;

static void
scaled_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  ScaledProgress *scaled = user_data;

  scaled->func (fraction < 0 ? -1 : scaled->start + fraction * scaled->span, message,
                scaled->data);
}

/* The database part: one transaction, with the deleted sessions' folders
 * moved aside before the commit and removed after it. */
static gboolean
apply_rows (LabDb             *db,
            LabDataDir        *dir,
            LabCleanupPlan    *plan,
            LabCleanupResult  *result,
            LabProgressFunc    progress,
            gpointer           progress_data,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr(sqlite3_stmt) snapshot = NULL;
  g_autoptr(sqlite3_stmt) analytics = NULL;
  g_autoptr(sqlite3_stmt) session = NULL;
  g_autoptr(GPtrArray) deleted_sessions = g_ptr_array_new ();
  g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func (move_free);
  g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *trash = trash_path (dir);
  guint n_items = g_list_model_get_n_items (lab_cleanup_plan_get_items (plan));
  LabCleanupCategory order[] = {
    LAB_CLEANUP_SNAPSHOTS, LAB_CLEANUP_ANALYTICS, LAB_CLEANUP_ARCHIVED_SESSIONS,
  };

  snapshot = lab_db_prepare (db, "DELETE FROM snapshots AS p WHERE p.id = :id AND "
                                 SNAPSHOT_ELIGIBLE, error);
  analytics = lab_db_prepare (db, "DELETE FROM analytics AS a WHERE a.id = :id AND "
                                  ANALYTICS_ELIGIBLE, error);
  session = lab_db_prepare (db, "DELETE FROM sessions AS s WHERE s.id = :id AND "
                                SESSION_ELIGIBLE, error);
  if (snapshot == NULL || analytics == NULL || session == NULL)
    return FALSE;

  if (!lab_db_begin (db, error))
    return FALSE;

  progress_step (progress, progress_data, 0.3, _("Deleting old rows"));

  /* Snapshots and events first: a session deleted first would take some of
   * them along, and they would seem to have vanished. */
  for (guint o = 0; o < G_N_ELEMENTS (order); o++)
    {
      if (!lab_cleanup_plan_get_included (plan, order[o]))
        continue;

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(LabCleanupItem) item =
            g_list_model_get_item (lab_cleanup_plan_get_items (plan), i);
          int n = 0;

          if (lab_cleanup_item_get_category (item) != order[o])
            continue;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;

          if (order[o] == LAB_CLEANUP_ANALYTICS)
            {
              const char * const *ids = lab_cleanup_item_get_row_ids (item);

              for (guint r = 0; ids[r] != NULL; r++)
                {
                  int changed = delete_row (db, analytics, plan, ids[r], error);

                  if (changed < 0)
                    goto fail;
                  n += changed;
                }
            }
          else
            {
              n = delete_row (db, order[o] == LAB_CLEANUP_SNAPSHOTS ? snapshot : session, plan,
                              lab_cleanup_item_get_id (item), error);
              if (n < 0)
                goto fail;
              if (n > 0 && order[o] == LAB_CLEANUP_ARCHIVED_SESSIONS)
                g_ptr_array_add (deleted_sessions, (gpointer) lab_cleanup_item_get_id (item));
            }

          g_ptr_array_add (n > 0 ? done : skipped, g_steal_pointer (&item));
        }
    }

  progress_step (progress, progress_data, 0.5, _("Moving the sessions’ files aside"));

  for (guint i = 0; i < deleted_sessions->len; i++)
    {
      const char *session_id = deleted_sessions->pdata[i];
      g_autofree char *folder = lab_data_dir_get_session_workspace (dir, session_id);
      Move *move;

      if (folder == NULL || !g_file_test (folder, G_FILE_TEST_EXISTS))
        continue;

      if (!lab_mkdir_private (trash, error))
        goto fail;

      move = g_new0 (Move, 1);
      move->from = g_steal_pointer (&folder);
      move->to = g_build_filename (trash, session_id, NULL);
      if (g_rename (move->from, move->to) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot move “%s” aside"), move->from);
          move_free (move);
          goto fail;
        }
      g_ptr_array_add (moves, move);
    }

  /* The moves must be on the disk before the commit is: then a crash leaves
   * either the rows and their folders, or neither. */
  if (moves->len > 0 &&
      (!lab_fsync_dir (trash, error) ||
       !lab_fsync_dir (lab_data_dir_get_workspace_path (dir), error)))
    goto fail;

  progress_step (progress, progress_data, 0.6, _("Saving"));

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !lab_db_commit (db, error))
    goto fail;

  for (guint i = 0; i < done->len; i++)
    count_deleted (result, done->pdata[i]);
  for (guint i = 0; i < skipped->len; i++)
    note (result->skipped_ids, skipped->pdata[i]);

  /* Committed: the folders can go. A failure here leaves them for the next
   * recovery, which removes them, the sessions being gone. */
  if (moves->len > 0)
    {
      g_autoptr(GError) rm_error = NULL;

      for (guint i = 0; i < moves->len; i++)
        result->reclaimed += lab_usage_measure_path (((Move *) moves->pdata[i])->to, NULL);
      if (!lab_rm_rf (trash, &rm_error))
        g_debug ("Cannot remove the moved folders yet: %s", rm_error->message);
    }

  return TRUE;

fail:
  lab_db_rollback (db);
  move_back (moves);
  if (g_file_test (trash, G_FILE_TEST_IS_DIR))
    g_rmdir (trash);
  return FALSE;
}

/* Deletes a file of the archives or logs folder if it is still what the plan
 * saw: a regular file older than the cutoff. */
static gboolean
apply_file (LabDataDir        *dir,
            LabCleanupPlan    *plan,
            LabCleanupItem    *item,
            LabCleanupResult  *result,
            GError           **error)
{
  LabCleanupCategory category = lab_cleanup_item_get_category (item);
  const char *folder = category == LAB_CLEANUP_ARCHIVES ? lab_data_dir_get_archives_path (dir)
                                                        : lab_data_dir_get_logs_path (dir);
  g_autofree char *path = lab_path_join_safe (lab_data_dir_get_root (dir),
                                              lab_cleanup_item_get_id (item), error);
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  struct stat st;

  if (path == NULL)
    return FALSE;

  parent = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  if (!g_str_equal (parent, folder) || g_str_equal (name, OPLOG_NAME))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("“%s” is not a file a clean-up may delete"), lab_cleanup_item_get_id (item));
      return FALSE;
    }

  if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) ||
      (gint64) st.st_mtime * G_USEC_PER_SEC >= lab_cleanup_plan_get_cutoff (plan, category))
    {
      note (result->skipped_ids, item);
      return TRUE;
    }

  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), path);
      return FALSE;
    }

  result->reclaimed += st.st_size;
  count_deleted (result, item);
  return TRUE;
}

static gboolean
apply_orphan (LabDb             *db,
              LabDataDir        *dir,
              LabCleanupItem    *item,
              LabCleanupResult  *result,
              GError           **error)
{
  g_autofree char *path = g_build_filename (lab_data_dir_get_root (dir),
                                            lab_cleanup_item_get_id (item), NULL);
  g_autoptr(GError) local_error = NULL;
  guint64 bytes;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      note (result->skipped_ids, item);
      return TRUE;
    }

  bytes = lab_usage_measure_path (path, NULL);
  if (!_lab_check_remove_orphan (db, dir, lab_cleanup_item_get_id (item), &local_error))
    {
      /* No longer an orphan (a session took the name): leave it. */
      if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID))
        {
          note (result->skipped_ids, item);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  result->reclaimed += bytes;
  count_deleted (result, item);
  return TRUE;
}

/* Deletes the planned backups through lab_backup_delete(), which refuses a
 * pinned one and frees the objects no other backup lists. */
static gboolean
apply_backups (LabDataDir        *dir,
               LabCleanupPlan    *plan,
               LabCleanupResult  *result,
               GError           **error)
{
  guint n_items = g_list_model_get_n_items (lab_cleanup_plan_get_items (plan));
  g_autoptr(LabCleanupItem) objects = NULL;
  gboolean all_deleted = TRUE;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (lab_cleanup_plan_get_items (plan), i);
      g_autoptr(GError) local_error = NULL;

      if (lab_cleanup_item_get_category (item) != LAB_CLEANUP_BACKUPS)
        continue;
      if (g_str_equal (lab_cleanup_item_get_id (item), BACKUP_OBJECTS_ID))
        {
          g_set_object (&objects, item);
          continue;
        }

      if (lab_backup_delete (dir, lab_cleanup_item_get_id (item), &local_error))
        {
          result->reclaimed += lab_cleanup_item_get_bytes (item);
          count_deleted (result, item);
        }
      else if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID) ||
               g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND))
        {
          /* Pinned or deleted since the plan. */
          note (result->skipped_ids, item);
          all_deleted = FALSE;
        }
      else
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  /* The objects are freed only once every backup that held them is gone. */
  if (objects != NULL)
    {
      if (all_deleted)
        {
          result->reclaimed += lab_cleanup_item_get_bytes (objects);
          count_deleted (result, objects);
        }
      else
        note (result->skipped_ids, objects);
    }

  return TRUE;
}

static gboolean
plan_has (LabCleanupPlan     *plan,
          LabCleanupCategory  category)
{
  return lab_cleanup_plan_get_included (plan, category) &&
         lab_cleanup_plan_get_category_count (plan, category) > 0;
}

static void
log_result (LabDataDir       *dir,
            LabCleanupResult *result)
{
  g_autoptr(JsonNode) node = lab_cleanup_result_to_json (result);
  g_autoptr(GError) error = NULL;

  if (!lab_oplog_append (dir, "cleanup", json_node_get_object (node), &error))
    g_debug ("Cannot log the clean-up: %s", error->message);
}

/**
 * lab_cleanup_apply:
 * @dir: the data directory
 * @plan: a plan of lab_cleanup_plan(), as it was shown
 * @progress: (nullable) (scope call): called on this thread
 *
 * Deletes what @plan lists in its included categories, and nothing else. When
 * it deletes rows or files a backup can bring back, it first makes a backup
 * (kind pre-cleanup); the rows go in one transaction with their sessions'
 * workspace folders; then the database is compacted and the result written to
 * logs/operations.jsonl. Items that changed since the plan (starred, active
 * again, gone) are skipped and listed as such.
 *
 * Returns: (transfer full): what was done, or %NULL with @error set; after a
 *   failure the database is as it was
 */
LabCleanupResult *
lab_cleanup_apply (LabDataDir       *dir,
                   LabCleanupPlan   *plan,
                   LabProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(LabDb) db = NULL;
  guint restored = 0, removed = 0;
  guint n_items;
  gboolean rows;
  gboolean ok = FALSE;
  int lock;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (plan), NULL);

  lock = take_lock (dir, error);
  if (lock < 0)
    return NULL;

  result = cleanup_result_new ();
  n_items = g_list_model_get_n_items (lab_cleanup_plan_get_items (plan));

  if (!recover_locked (dir, &restored, &removed, error))
    goto out;

  if (lab_cleanup_plan_is_empty (plan))
    {
      ok = TRUE;
      goto out;
    }

  rows = plan_has (plan, LAB_CLEANUP_ARCHIVED_SESSIONS) || plan_has (plan, LAB_CLEANUP_SNAPSHOTS) ||
         plan_has (plan, LAB_CLEANUP_ANALYTICS);

  /* A backup can bring back rows and workspace files; old backups, archives
   * and logs it cannot, so a clean-up of only those (the one that frees a full
   * disk) needs no room for one. */
  if (rows || plan_has (plan, LAB_CLEANUP_ORPHANS))
    {
      ScaledProgress scaled = { progress, progress_data, 0, 0.3 };

      progress_step (progress, progress_data, 0, _("Making a backup first"));
      result->backup = lab_backup_create (dir, LAB_BACKUP_KIND_PRE_CLEANUP,
                                          progress ? scaled_progress_cb : NULL, &scaled,
                                          cancellable, error);
      if (result->backup == NULL)
        goto out;
      g_debug ("Backed up after %.3f s", g_timer_elapsed (timer, NULL));

      db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);
      if (db == NULL)
        goto out;
      lab_db_set_cancellable (db, cancellable);
    }

  if (rows)
    {
      result->size_before = lab_vacuum_get_database_size (db);
      result->size_after = result->size_before;

      if (!apply_rows (db, dir, plan, result, progress, progress_data, cancellable, error))
        goto out;
      g_debug ("Rows deleted after %.3f s", g_timer_elapsed (timer, NULL));
    }

  progress_step (progress, progress_data, 0.7, _("Deleting old files"));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (lab_cleanup_plan_get_items (plan), i);
      LabCleanupCategory category = lab_cleanup_item_get_category (item);
      gboolean done = TRUE;

      if (!lab_cleanup_plan_get_included (plan, category))
        continue;

      if (category == LAB_CLEANUP_ARCHIVES || category == LAB_CLEANUP_LOGS)
        done = apply_file (dir, plan, item, result, error);
      else if (category == LAB_CLEANUP_ORPHANS)
        done = apply_orphan (db, dir, item, result, error);

      if (!done)
        goto log;
    }

  if (lab_cleanup_plan_get_included (plan, LAB_CLEANUP_BACKUPS) &&
      !apply_backups (dir, plan, result, error))
    goto log;

  if (rows && result->deleted_ids->len > 0)
    {
      LabVacuumResult vacuum = { 0 };
      g_autoptr(GError) vacuum_error = NULL;

      progress_step (progress, progress_data, 0.8, _("Compacting the database"));

      /* Compacting is what gives the space back, but a clean-up that could
       * not compact (no room, cancelled) still deleted what it deleted. */
      g_debug ("Files deleted after %.3f s", g_timer_elapsed (timer, NULL));
      if (lab_vacuum_db (db, &vacuum, NULL, NULL, cancellable, &vacuum_error))
        {
          result->vacuumed = TRUE;
          result->size_after = vacuum.size_after;
          if (result->size_before > result->size_after)
            result->reclaimed += result->size_before - result->size_after;
        }
      else
        result->vacuum_error = g_strdup (vacuum_error->message);
    }

  ok = TRUE;

log:
  g_debug ("Finished after %.3f s", g_timer_elapsed (timer, NULL));
  sort_as_planned (result, plan);
  result->seconds = g_timer_elapsed (timer, NULL);
  log_result (dir, result);
  lab_usage_invalidate (dir);
  progress_step (progress, progress_data, 1, _("Clean-up finished"));

out:
  g_clear_object (&db);
  close (lock);

  if (!ok)
    return NULL;

  return g_steal_pointer (&result);
}

/**
 * lab_cleanup_run_policy:
 * @now: the time retention counts back from, µs since the epoch; 0 for now
 *   (the scheduler passes its own clock's)
 *
 * The automatic clean-up (after the nightly backup, when
 * `auto_backup.cleanup_after` is on): plans with the store's policies and
 * applies the plan.
 *
 * Returns: (transfer full): what was done, or %NULL with @error set
 */
LabCleanupResult *
lab_cleanup_run_policy (LabDataDir       *dir,
                        gint64            now,
                        LabProgressFunc   progress,
                        gpointer          progress_data,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  LabCleanupOptions options;

  lab_cleanup_options_init (&options);
  options.now = now;
  plan = lab_cleanup_plan (dir, &options, cancellable, error);

  if (plan == NULL)
    return NULL;

  return lab_cleanup_apply (dir, plan, progress, progress_data, cancellable, error);
}

static void
add_id_array (JsonBuilder *builder,
              const char  *member,
              GPtrArray   *ids)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_string_value (builder, ids->pdata[i]);
  json_builder_end_array (builder);
}

/**
 * lab_cleanup_result_to_json:
 *
 * Returns: (transfer full): the result, as logged and as `cleanup --json` prints
 */
JsonNode *
lab_cleanup_result_to_json (LabCleanupResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backup");
  if (result->backup != NULL)
    json_builder_add_string_value (builder, result->backup);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_object (builder);
  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      json_builder_set_member_name (builder, lab_cleanup_category_to_string (c));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_int_value (builder, result->deleted[c]);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, result->bytes[c]);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  add_id_array (builder, "deleted", result->deleted_ids);
  add_id_array (builder, "skipped", result->skipped_ids);

  json_builder_set_member_name (builder, "database_before");
  json_builder_add_int_value (builder, result->size_before);
  json_builder_set_member_name (builder, "database_after");
  json_builder_add_int_value (builder, result->size_after);
  json_builder_set_member_name (builder, "vacuumed");
  json_builder_add_boolean_value (builder, result->vacuumed);
  if (result->vacuum_error != NULL)
    {
      json_builder_set_member_name (builder, "vacuum_error");
      json_builder_add_string_value (builder, result->vacuum_error);
    }
  json_builder_set_member_name (builder, "reclaimed");
  json_builder_add_int_value (builder, result->reclaimed);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_double_value (builder, result->seconds);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Async. */

typedef struct
{
  LabCleanupOptions options;
  LabCleanupPlan *plan;
  LabProgress *progress;
} CleanupTaskData;

static void
cleanup_task_data_free (gpointer data)
{
  CleanupTaskData *td = data;

  g_clear_object (&td->plan);
  g_clear_object (&td->progress);
  g_free (td);
}

/* One thread function for both: a task with a plan applies it, one without
 * makes one. */
static void
cleanup_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CleanupTaskData *td = task_data;
  LabDataDir *dir = LAB_DATA_DIR (source_object);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (td->plan != NULL)
    {
      LabCleanupResult *result = lab_cleanup_apply (dir, td->plan,
                                                    td->progress ? lab_progress_report : NULL,
                                                    td->progress, cancellable, &error);

      if (result != NULL)
        g_task_return_pointer (task, result, (GDestroyNotify) lab_cleanup_result_free);
      else
        g_task_return_error (task, error);
    }
  else
    {
      LabCleanupPlan *plan = lab_cleanup_plan (dir, &td->options, cancellable, &error);

      if (plan != NULL)
        g_task_return_pointer (task, plan, g_object_unref);
      else
        g_task_return_error (task, error);
    }
}

static void
start_task (LabDataDir          *dir,
            gpointer             source_tag,
            CleanupTaskData     *td,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (dir, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, td, cleanup_task_data_free);
  g_task_run_in_thread (task, cleanup_thread);
}

/**
 * lab_cleanup_plan_async:
 * @options: (nullable): copied
 *
 * Runs lab_cleanup_plan() in a thread.
 */
void
lab_cleanup_plan_async (LabDataDir               *dir,
                        const LabCleanupOptions  *options,
                        GCancellable             *cancellable,
                        GAsyncReadyCallback       callback,
                        gpointer                  user_data)
{
  CleanupTaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));

  td = g_new0 (CleanupTaskData, 1);
  if (options != NULL)
    td->options = *options;
  else
    lab_cleanup_options_init (&td->options);
  start_task (dir, lab_cleanup_plan_async, td, cancellable, callback, user_data);
}

/**
 * lab_cleanup_plan_finish:
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
LabCleanupPlan *
lab_cleanup_plan_finish (LabDataDir    *dir,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_cleanup_plan_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_cleanup_apply_async:
 * @plan: the plan; it must not change until the operation completes
 * @progress: (nullable): receives the progress on the main context
 *
 * Runs lab_cleanup_apply() in a thread, with connections of its own.
 */
void
lab_cleanup_apply_async (LabDataDir          *dir,
                         LabCleanupPlan      *plan,
                         LabProgress         *progress,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  CleanupTaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (LAB_IS_CLEANUP_PLAN (plan));
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  td = g_new0 (CleanupTaskData, 1);
  td->plan = g_object_ref (plan);
  td->progress = progress ? g_object_ref (progress) : NULL;
  start_task (dir, lab_cleanup_apply_async, td, cancellable, callback, user_data);
}

/**
 * lab_cleanup_apply_finish:
 *
 * Returns: (transfer full): what was done, or %NULL with @error set
 */
LabCleanupResult *
lab_cleanup_apply_finish (LabDataDir    *dir,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_cleanup_apply_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
