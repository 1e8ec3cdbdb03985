/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup-restore"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup-private.h"
#include "lab-browse.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-store-info.h"

/*
 * Restoring a backup, all of it or chosen sessions.
 *
 * First the backup is verified and the current state backed up (kind
 * pre-restore). Then everything the restore needs is prepared beside the data,
 * in data/.restore-staging/: the workspace files as they were, and the
 * database decompressed if it was compressed. Nothing live has changed yet; a
 * kill up to here leaves the old state, and the staging folder is removed
 * later.
 *
 * Then data/restore-journal.json is written (atomically). From that moment
 * the restore is rolled forward, by this call or, if it is killed, by the next
 * lab_db_open() (lab_backup_recover()): every step that follows can be done
 * again. The database is replaced through SQLite's backup API into the live
 * database, one transaction that other connections (a window still open on
 * the store) see commit as a whole; chosen sessions are replaced row by row,
 * in one transaction too. The workspace folders are then swapped in by
 * rename. Only when all of it is done does the journal go.
 */

#define JOURNAL_NAME "restore-journal.json"
#define STAGING_NAME ".restore-staging"
#define BUSY_DEADLINE_USEC (30 * G_USEC_PER_SEC)

typedef struct
{
  char *backup;     /* the backup's name */
  char *source;     /* the plain database file to restore from */
  char **sessions;  /* the sessions to restore, or NULL for everything */
} Journal;

static void
journal_free (Journal *journal)
{
  g_free (journal->backup);
  g_free (journal->source);
  g_strfreev (journal->sessions);
  g_free (journal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Journal, journal_free)

static char *
journal_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_data_path (dir), JOURNAL_NAME, NULL);
}

static char *
staging_path (LabDataDir *dir,
              const char *first,
              ...) G_GNUC_NULL_TERMINATED;

static char *
staging_path (LabDataDir *dir,
              const char *first,
              ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_ptr_array_add (parts, (gpointer) lab_data_dir_get_data_path (dir));
  g_ptr_array_add (parts, (gpointer) STAGING_NAME);
  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static char *
staging_root (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_data_path (dir), STAGING_NAME, NULL);
}

static gboolean
journal_write (LabDataDir  *dir,
               Journal     *journal,
               GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = journal_path (dir);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "labdata-restore-journal");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "backup");
  json_builder_add_string_value (builder, journal->backup);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, journal->source);
  json_builder_set_member_name (builder, "sessions");
  if (journal->sessions == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_array (builder);
      for (guint i = 0; journal->sessions[i] != NULL; i++)
        json_builder_add_string_value (builder, journal->sessions[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  return lab_file_replace_contents (path, text, -1, error);
}

static Journal *
journal_read (LabDataDir  *dir,
              GError     **error)
{
  g_autofree char *path = journal_path (dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Journal) journal = g_new0 (Journal, 1);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *sessions;

  if (!json_parser_load_from_file (parser, path, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("The journal of an interrupted restore, “%s”, cannot be read: %s"), path,
                   local_error ? local_error->message : _("it is not a JSON object"));
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  journal->backup = g_strdup (json_object_get_string_member_with_default (root, "backup", NULL));
  journal->source = g_strdup (json_object_get_string_member_with_default (root, "source", NULL));
  sessions = json_object_get_member (root, "sessions");

  if (journal->backup == NULL || journal->source == NULL ||
      json_object_get_int_member_with_default (root, "version", 0) != 1)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("The journal of an interrupted restore, “%s”, is incomplete"), path);
      return NULL;
    }

  if (sessions != NULL && JSON_NODE_HOLDS_ARRAY (sessions))
    {
      JsonArray *array = json_node_get_array (sessions);
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *id = json_array_get_string_element (array, i);

          if (id != NULL)
            g_strv_builder_add (ids, id);
        }
      journal->sessions = g_strv_builder_end (ids);
    }

  return g_steal_pointer (&journal);
}

/* Progress over one part of the whole: [start, start + span]. */
typedef struct
{
  LabProgressFunc func;
  gpointer data;
  double start;
  double span;
} Phase;

static void
phase_cb (double      fraction,
          const char *message,
          gpointer    user_data)
{
  Phase *phase = user_data;

  if (phase->func != NULL)
    phase->func (fraction < 0 ? -1 : phase->start + phase->span * MIN (fraction, 1.0), message,
                 phase->data);
}

static void
phase_enter (Phase      *phase,
             double      start,
             double      span,
             const char *message)
{
  phase->start = start;
  phase->span = span;
  phase_cb (0, message, phase);
}

/* Database, all of it */

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create “%s”"), path);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
restore_database (const char    *source,
                  const char    *live,
                  Phase         *phase,
                  GCancellable  *cancellable,
                  GError       **error)
{
  sqlite3 *dest = NULL;
  sqlite3 *src = NULL;
  sqlite3_backup *backup = NULL;
  gint64 deadline = g_get_monotonic_time () + BUSY_DEADLINE_USEC;
  gboolean ok = FALSE;
  int rc;

  if (!ensure_file (live, error))
    return FALSE;

  src = _lab_backup_open_file_readonly (source, error);
  if (src == NULL)
    return FALSE;

  dest = _lab_backup_open_connection (live, error);
  if (dest == NULL)
    goto out;

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      lab_sqlite_set_error (error, dest, sqlite3_errcode (dest), _("Cannot restore the database"));
      goto out;
    }

  /* One write transaction on the live database from the first step to the
   * last: readers keep the old snapshot until it commits. */
  for (;;)
    {
      rc = sqlite3_backup_step (backup, 4096);

      if (rc == SQLITE_DONE)
        break;

      if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        {
          if (g_get_monotonic_time () > deadline)
            break;
          g_usleep (50 * 1000);
        }
      else if (rc != SQLITE_OK)
        break;

      if (sqlite3_backup_pagecount (backup) > 0)
        phase_cb (1.0 - (double) sqlite3_backup_remaining (backup) /
                  sqlite3_backup_pagecount (backup), NULL, phase);

      if (g_cancellable_is_cancelled (cancellable))
        break;
    }

  if (rc != SQLITE_DONE)
    {
      /* Finishing an unfinished backup rolls the live database back. */
      sqlite3_backup_finish (backup);
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        lab_sqlite_set_error (error, dest, rc, _("Cannot restore the database"));
      goto out;
    }

  rc = sqlite3_backup_finish (backup);
  if (rc != SQLITE_OK)
    {
      lab_sqlite_set_error (error, dest, rc, _("Cannot restore the database"));
      goto out;
    }

  /* The whole database went through the WAL; copy it back and shrink the
   * WAL if no reader is in the way (if one is, a later checkpoint will). */
  sqlite3_wal_checkpoint_v2 (dest, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  ok = TRUE;

out:
  if (dest != NULL)
    sqlite3_close_v2 (dest);
  sqlite3_close_v2 (src);
  return ok;
}

/* Database, chosen sessions */

static gboolean
copy_session_rows (LabDb               *live,
                   LabDb               *src,
                   const LabTableInfo  *table,
                   const char          *session_id,
                   GError             **error)
{
  g_autofree char *select = lab_row_select_sql (table, NULL);
  g_autofree char *where = g_strdup_printf ("%s WHERE \"%s\" = ?", select, table->session_column);
  g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE \"%s\" = ?", table->name,
                                             table->session_column);
  g_autoptr(sqlite3_stmt) read = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) remove = NULL;
  gboolean is_sessions = g_str_equal (table->name, "sessions");
  int rc;

  /* The session's own row is updated in place, so that rows of other
   * sessions that name it (as their parent) are untouched; its children go
   * and come back from the backup, which also restores rows deleted since. */
  if (!is_sessions)
    {
      remove = lab_db_prepare (live, delete, error);
      if (remove == NULL)
        return FALSE;
      sqlite3_bind_text (remove, 1, session_id, -1, SQLITE_STATIC);
      if (!lab_db_step_done (live, remove, error))
        return FALSE;
    }

  read = lab_db_prepare (src, where, error);
  insert = read ? lab_row_prepare_insert (live, table, is_sessions, error) : NULL;
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (read, 1, session_id, -1, SQLITE_STATIC);

  /* Values are copied as SQLite holds them, not through JSON: a JSON column
   * keeps its exact text, a REAL its exact bits. The SELECT and the INSERT
   * list the same exported columns in the same order. */
  while ((rc = sqlite3_step (read)) == SQLITE_ROW)
    {
      sqlite3_reset (insert);
      for (int i = 0; i < sqlite3_column_count (read); i++)
        sqlite3_bind_value (insert, i + 1, sqlite3_column_value (read, i));

      if (!lab_db_step_done (live, insert, error))
        return FALSE;
    }

  if (rc != SQLITE_DONE)
    return lab_db_set_error (src, error, rc, NULL);

  return TRUE;
}

static gboolean
restore_sessions_rows (const char          *source,
                       const char          *live_path,
                       const char * const  *sessions,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(LabDb) src = NULL;
  g_autoptr(LabDb) live = NULL;
  const LabTableInfo *tables;
  guint n_tables;

  src = lab_db_open_file (source, LAB_DB_OPEN_READ_ONLY, error);
  if (src == NULL)
    return FALSE;

  live = lab_db_open_file (live_path, LAB_DB_OPEN_NO_CREATE, error);
  if (live == NULL)
    return FALSE;

  lab_db_set_cancellable (live, cancellable);
  if (!lab_db_begin (live, error))
    return FALSE;

  /* A restored session's parent may be gone from the store; the constraint
   * is checked at COMMIT, after such links are cleared below. */
  if (!lab_db_exec (live, "PRAGMA defer_foreign_keys = ON", error) ||
      !lab_db_begin_bulk (live, error))
    goto fail;

  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      if (tables[t].session_column == NULL)
        continue;

      for (guint i = 0; sessions[i] != NULL; i++)
        {
          if (!copy_session_rows (live, src, &tables[t], sessions[i], error))
            goto fail;
        }
    }

  for (guint i = 0; sessions[i] != NULL; i++)
    {
      g_autoptr(sqlite3_stmt) unlink_parent = NULL;

      /* What the schema's ON DELETE SET NULL would have done had the parent
       * been deleted while this session was there. */
      unlink_parent = lab_db_prepare (live, "UPDATE sessions SET parent_session_id = NULL"
                                            " WHERE id = ? AND parent_session_id IS NOT NULL"
                                            " AND parent_session_id NOT IN (SELECT id FROM sessions)",
                                      error);
      if (unlink_parent == NULL)
        goto fail;
      sqlite3_bind_text (unlink_parent, 1, sessions[i], -1, SQLITE_STATIC);
      if (!lab_db_step_done (live, unlink_parent, error))
        goto fail;
    }

  if (!lab_db_end_bulk (live, error))
    goto fail;

  return lab_db_commit (live, error);

fail:
  lab_db_rollback (live);
  lab_db_abandon_bulk (live);
  return FALSE;
}

/* Workspace */

static gboolean
path_exists (const char *path)
{
  struct stat st;

  return lstat (path, &st) == 0;
}

static gboolean
rename_synced (const char  *from,
               const char  *to,
               GError     **error)
{
  g_autofree char *from_dir = g_path_get_dirname (from);
  g_autofree char *to_dir = g_path_get_dirname (to);

  if (g_rename (from, to) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot rename “%s” to “%s”"), from, to);
      return FALSE;
    }

  return lab_fsync_dir (from_dir, error) && (g_str_equal (from_dir, to_dir) ||
                                             lab_fsync_dir (to_dir, error));
}

/*
 * Puts @staged in place of @target, keeping @target as @old. Safe to run
 * again after a kill at any point: it looks at which of the three exist.
 */
static gboolean
swap_in (const char  *staged,
         const char  *target,
         const char  *old,
         GError     **error)
{
  if (!path_exists (staged))
    return TRUE;  /* done already */

  if (path_exists (target))
    {
      if (path_exists (old))
        {
          /* Cannot happen in order; refuse rather than guess which is which. */
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                       _("Cannot finish the restore: “%s”, “%s” and “%s” all exist"),
                       staged, target, old);
          return FALSE;
        }
      if (!rename_synced (target, old, error))
        return FALSE;
    }

  return rename_synced (staged, target, error);
}

static gboolean
swap_workspace (LabDataDir  *dir,
                Journal     *journal,
                GError     **error)
{
  const char *workspace = lab_data_dir_get_workspace_path (dir);

  if (journal->sessions == NULL)
    {
      g_autofree char *staged = staging_path (dir, "workspace", NULL);
      g_autofree char *old = staging_path (dir, "workspace.old", NULL);

      return swap_in (staged, workspace, old, error);
    }

  if (!lab_mkdir_private (workspace, error))
    return FALSE;

  for (guint i = 0; journal->sessions[i] != NULL; i++)
    {
      g_autofree char *target = lab_data_dir_get_session_workspace (dir, journal->sessions[i]);
      g_autofree char *staged = staging_path (dir, "sessions", journal->sessions[i], NULL);
      g_autofree char *old = staging_path (dir, "old", journal->sessions[i], NULL);
      g_autofree char *old_parent = staging_path (dir, "old", NULL);

      if (target == NULL)
        continue;  /* an id that cannot be a folder has no files */

      if (!lab_mkdir_private (old_parent, error) || !swap_in (staged, target, old, error))
        return FALSE;
    }

  return TRUE;
}

/* Copies the backup's files, by their objects, into @dest_root. */
static gboolean
stage_files (LabDataDir    *dir,
             JsonObject    *files,
             const char    *prefix,
             const char    *dest_root,
             Phase         *phase,
             GCancellable  *cancellable,
             GError       **error)
{
  JsonObjectIter iter;
  const char *relative;
  JsonNode *node;
  guint n = 0;
  guint total = files ? json_object_get_size (files) : 0;

  if (!lab_mkdir_private (dest_root, error))
    return FALSE;

  if (files == NULL)
    return TRUE;

  json_object_iter_init (&iter, files);
  while (json_object_iter_next (&iter, &relative, &node))
    {
      const char *sha = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
      g_autofree char *object = NULL;
      g_autofree char *dest = NULL;
      g_autofree char *parent = NULL;
      g_autofree char *copied = NULL;
      const char *rest = relative;

      n++;
      if (prefix != NULL)
        {
          if (!g_str_has_prefix (relative, prefix) || relative[strlen (prefix)] != '/')
            continue;
          rest = relative + strlen (prefix) + 1;
        }

      if (!lab_sha256_is_valid_hex (sha))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The backup lists the workspace file “%s” wrongly"), relative);
          return FALSE;
        }

      /* Paths come from the sidecar: one that would leave the folder is refused. */
      dest = lab_path_join_safe (dest_root, rest, error);
      if (dest == NULL)
        return FALSE;

      parent = g_path_get_dirname (dest);
      object = _lab_backup_object_path (dir, sha);
      if (!lab_mkdir_private (parent, error) ||
          !lab_file_copy_atomic (object, dest, &copied, cancellable, error))
        return FALSE;

      if (!g_str_equal (copied, sha))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The workspace file “%s” is damaged in the backup"), relative);
          return FALSE;
        }

      if (n % 64 == 0)
        phase_cb ((double) n / total, NULL, phase);
    }

  return TRUE;
}

static gboolean
finish_journal (LabDataDir  *dir,
                GError     **error)
{
  g_autofree char *path = journal_path (dir);
  g_autofree char *staging = staging_root (dir);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), path);
      return FALSE;
    }

  if (!lab_fsync_dir (lab_data_dir_get_data_path (dir), error))
    return FALSE;

  /* What is left is the old workspace and copies: no longer needed. */
  return lab_rm_rf (staging, error);
}

/* Changes the live database, or leaves it as it was and fails. */
static gboolean
apply_database (LabDataDir    *dir,
                Journal       *journal,
                Phase         *phase,
                GCancellable  *cancellable,
                GError       **error)
{
  const char *live = lab_data_dir_get_db_path (dir);

  if (journal->sessions == NULL)
    return restore_database (journal->source, live, phase, cancellable, error);

  return restore_sessions_rows (journal->source, live, (const char * const *) journal->sessions,
                                cancellable, error);
}

/* The roll-forward part: every step in it may run again after a kill. */
static gboolean
apply_journal (LabDataDir    *dir,
               Journal       *journal,
               Phase         *phase,
               GCancellable  *cancellable,
               GError       **error)
{
  return apply_database (dir, journal, phase, cancellable, error) &&
         swap_workspace (dir, journal, error) &&
         finish_journal (dir, error);
}

static gboolean
db_schema_version (const char  *path,
                   gint64      *version,
                   GError     **error)
{
  sqlite3 *db = _lab_backup_open_connection (path, error);
  gboolean ok;

  if (db == NULL)
    return FALSE;

  ok = _lab_backup_query_int64 (db, "PRAGMA user_version", version, error);
  sqlite3_close_v2 (db);
  return ok;
}

/* Resolves ids or unique prefixes against the backup; all must be there. */
static char **
resolve_sessions (const char          *source,
                  const char * const  *sessions,
                  GError             **error)
{
  g_autoptr(LabDb) src = lab_db_open_file (source, LAB_DB_OPEN_READ_ONLY, error);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (src == NULL)
    return NULL;

  for (guint i = 0; sessions[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(LabSession) session = lab_browse_get_session (src, sessions[i], &local_error);

      if (session == NULL)
        {
          if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND))
            g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                         _("The backup has no session “%s”"), sessions[i]);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (g_hash_table_add (seen, g_strdup (lab_session_get_id (session))))
        g_strv_builder_add (ids, lab_session_get_id (session));
    }

  return g_strv_builder_end (ids);
}

static void
log_restore (LabDataDir         *dir,
             const char         *name,
             const char * const *sessions,
             const char         *pre_restore,
             gboolean            recovered)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (details, "backup", name);
  if (sessions != NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; sessions[i] != NULL; i++)
        json_array_add_string_element (array, sessions[i]);
      json_object_set_array_member (details, "sessions", array);
    }
  if (pre_restore != NULL)
    json_object_set_string_member (details, "pre_restore_backup", pre_restore);
  if (recovered)
    json_object_set_boolean_member (details, "completed_after_interruption", TRUE);

  if (!lab_oplog_append (dir, "restore", details, &error))
    g_warning ("Cannot log the restore: %s", error->message);
}

/**
 * _lab_backup_recover_locked:
 *
 * Completes an interrupted restore, or removes the staging folder of one
 * that never began to change the store. The caller holds the lock.
 */
gboolean
_lab_backup_recover_locked (LabDataDir  *dir,
                            GError     **error)
{
  g_autofree char *path = journal_path (dir);
  g_autofree char *staging = staging_root (dir);
  g_autoptr(Journal) journal = NULL;
  g_autoptr(GError) local_error = NULL;
  Phase phase = { NULL, NULL, 0, 1 };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* A restore killed before its journal was written changed nothing
       * but the staging folder. */
      if (g_file_test (staging, G_FILE_TEST_EXISTS))
        return lab_rm_rf (staging, error);
      return TRUE;
    }

  journal = journal_read (dir, error);
  if (journal == NULL)
    return FALSE;

  g_debug ("Completing the interrupted restore of %s", journal->backup);
  if (!apply_journal (dir, journal, &phase, NULL, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("The restore of backup “%s” was interrupted and cannot be "
                                    "completed: "), journal->backup);
      return FALSE;
    }

  log_restore (dir, journal->backup, (const char * const *) journal->sessions, NULL, TRUE);
  return TRUE;
}

/**
 * lab_backup_recover:
 * @dir: the data directory
 *
 * Completes a restore that was killed after it began to change the store,
 * so that the store is wholly in the restored state. lab_db_open() calls it;
 * it returns at once when there is nothing to do, or when another process is
 * restoring right now.
 */
gboolean
lab_backup_recover (LabDataDir  *dir,
                    GError     **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  g_autofree char *path = NULL;
  g_autofree char *staging = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);

  path = journal_path (dir);
  staging = staging_root (dir);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (staging, G_FILE_TEST_EXISTS))
    return TRUE;

  /* Someone holding the lock may be that restore, still running. */
  lock = _lab_backup_lock_try (dir);
  if (lock == NULL)
    return TRUE;

  return _lab_backup_recover_locked (dir, error);
}

static gboolean
restore_locked (LabDataDir          *dir,
                const char          *name,
                const char * const  *sessions,
                char               **pre_restore,
                LabProgressFunc      progress,
                gpointer             progress_data,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(JsonObject) sidecar = NULL;
  g_autoptr(Journal) journal = g_new0 (Journal, 1);
  g_autofree char *staging = staging_root (dir);
  g_autofree char *pre = NULL;
  const char *live = lab_data_dir_get_db_path (dir);
  Phase phase = { progress, progress_data, 0, 1 };
  gboolean live_exists;
  gint64 version = 0;

  /* A restore interrupted earlier is finished first. */
  if (!_lab_backup_recover_locked (dir, error))
    return FALSE;

  phase_enter (&phase, 0, 0.3, _("Verifying the backup…"));
  info = _lab_backup_verify_locked (dir, name, NULL, phase_cb, &phase, cancellable, error);
  if (info == NULL)
    return FALSE;

  if (lab_backup_info_get_damaged (info))
    {
      const char * const *problems = lab_backup_info_get_problems (info);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("Backup “%s” is damaged and cannot be restored: %s"), name,
                   problems[0] ? problems[0] : _("it did not pass verification"));
      return FALSE;
    }

  sidecar = _lab_backup_read_sidecar (dir, name, error);
  if (sidecar == NULL)
    return FALSE;

  live_exists = g_file_test (live, G_FILE_TEST_EXISTS);
  if (sessions != NULL)
    {
      if (!live_exists)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                       _("There is no store to restore sessions into; restore the whole backup"));
          return FALSE;
        }
      if (!db_schema_version (live, &version, error))
        return FALSE;
      if (version != LAB_SCHEMA_VERSION)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                       _("The store has schema version %d; open it once with this version of "
                         "LabData to upgrade it, then restore the sessions"), (int) version);
          return FALSE;
        }
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (live_exists)
    {
      phase_enter (&phase, 0.3, 0.3, _("Backing up the current state…"));
      pre = _lab_backup_create_locked (dir, LAB_BACKUP_KIND_PRE_RESTORE, LAB_BACKUP_CREATE_DEFAULT,
                                       NULL, phase_cb, &phase, cancellable, error);
      if (pre == NULL)
        {
          g_prefix_error (error, _("Cannot back up the current state before restoring: "));
          return FALSE;
        }
    }

  phase_enter (&phase, 0.6, 0.15, _("Preparing the restore…"));
  if (!lab_rm_rf (staging, error) || !lab_mkdir_private (staging, error))
    goto fail;

  journal->backup = g_strdup (name);
  if (g_strcmp0 (lab_backup_info_get_compression (info), "none") == 0 &&
      (sessions == NULL || lab_backup_info_get_schema_version (info) == LAB_SCHEMA_VERSION))
    journal->source = g_strdup (lab_backup_info_get_path (info));
  else
    {
      journal->source = staging_path (dir, "labdata.db", NULL);
      if (!_lab_backup_extract_database (info, journal->source, NULL, cancellable, error))
        goto fail;

      /* Chosen sessions move between databases of one schema: bring an older
       * backup's copy up to date first. */
      if (sessions != NULL && lab_backup_info_get_schema_version (info) != LAB_SCHEMA_VERSION)
        {
          g_autoptr(LabDb) upgraded = lab_db_open_file (journal->source, LAB_DB_OPEN_NO_CREATE,
                                                        error);
          if (upgraded == NULL)
            goto fail;
        }
    }

  if (sessions != NULL)
    {
      journal->sessions = resolve_sessions (journal->source, sessions, error);
      if (journal->sessions == NULL)
        goto fail;

      for (guint i = 0; journal->sessions[i] != NULL; i++)
        {
          g_autofree char *dest = staging_path (dir, "sessions", journal->sessions[i], NULL);

          if (lab_data_dir_get_session_workspace (dir, journal->sessions[i]) == NULL)
            continue;
          if (!stage_files (dir, json_object_get_object_member (sidecar, "files"),
                            journal->sessions[i], dest, &phase, cancellable, error))
            goto fail;
        }
    }
  else
    {
      g_autofree char *dest = staging_path (dir, "workspace", NULL);

      if (!stage_files (dir, json_object_get_object_member (sidecar, "files"), NULL, dest, &phase,
                        cancellable, error))
        goto fail;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !lab_data_dir_ensure (dir, error) ||
      !journal_write (dir, journal, error))
    goto fail;

  phase_enter (&phase, 0.75, 0.25, sessions ? _("Restoring the sessions…")
                                             : _("Restoring the database…"));
  if (!apply_database (dir, journal, &phase, cancellable, error))
    {
      g_autoptr(GError) cleanup_error = NULL;

      /* The database is as it was (cancelled, locked by another program, a
       * full disk): withdraw the journal, and the store stays in the old
       * state. */
      if (!finish_journal (dir, &cleanup_error))
        g_warning ("%s", cleanup_error->message);
      return FALSE;
    }

  /* From here on a failure leaves the journal, and the next lab_db_open()
   * completes the restore. */
  if (!swap_workspace (dir, journal, error) || !finish_journal (dir, error))
    return FALSE;

  log_restore (dir, name, (const char * const *) journal->sessions, pre, FALSE);

  if (pre_restore != NULL)
    *pre_restore = g_steal_pointer (&pre);

  phase_cb (1, _("Restore complete"), &phase);
  return TRUE;

fail:
  {
    g_autoptr(GError) cleanup_error = NULL;

    lab_rm_rf (staging, &cleanup_error);
  }
  return FALSE;
}

/**
 * lab_backup_restore:
 * @dir: the data directory
 * @name: the backup to restore
 * @sessions: (nullable) (array zero-terminated=1): ids (or unique prefixes) of
 *   the sessions to restore, or %NULL to restore everything
 * @pre_restore: (out) (optional) (transfer full): the name of the backup of
 *   the state before the restore (%NULL if there was no store)
 *
 * Verifies the backup, backs up the current state, then restores the
 * database and the workspace files all or nothing. With @sessions, only those
 * sessions' rows (in every table) and workspace files are restored, in one
 * transaction; nothing else changes. A restore killed halfway is completed by
 * the next lab_db_open(). Other connections to the store may stay open: they
 * see the restored data once it is committed. Blocking.
 *
 * If the backup has an older schema, the restored store is upgraded at once,
 * with a pre-migration backup as lab_db_open() makes.
 */
gboolean
lab_backup_restore (LabDataDir          *dir,
                    const char          *name,
                    const char * const  *sessions,
                    char               **pre_restore,
                    LabProgressFunc      progress,
                    gpointer             progress_data,
                    GCancellable        *cancellable,
                    GError             **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  g_autoptr(LabDb) upgraded = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (sessions != NULL && sessions[0] == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, _("No session was chosen"));
      return FALSE;
    }

  lock = _lab_backup_lock_acquire (dir, progress, progress_data, cancellable, error);
  if (lock == NULL)
    return FALSE;

  if (!restore_locked (dir, name, sessions, pre_restore, progress, progress_data, cancellable,
                       error))
    return FALSE;

  /* An older backup restored: upgrade now, outside the lock, which the
   * pre-migration backup takes. */
  g_clear_pointer (&lock, _lab_backup_lock_release);
  upgraded = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);

  return upgraded != NULL;
}

typedef struct
{
  char *name;
  char **sessions;
  char *pre_restore;
  LabProgress *progress;
} RestoreData;

static void
restore_data_free (gpointer data)
{
  RestoreData *restore = data;

  g_free (restore->name);
  g_strfreev (restore->sessions);
  g_free (restore->pre_restore);
  g_clear_object (&restore->progress);
  g_free (restore);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *restore = task_data;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (lab_backup_restore (source_object, restore->name, (const char * const *) restore->sessions,
                          &restore->pre_restore,
                          restore->progress ? lab_progress_report : NULL, restore->progress,
                          cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * lab_backup_restore_async:
 * @sessions: (nullable) (array zero-terminated=1): as for lab_backup_restore()
 * @progress: (nullable): where to report progress
 *
 * Runs lab_backup_restore() in a thread.
 */
void
lab_backup_restore_async (LabDataDir          *dir,
                          const char          *name,
                          const char * const  *sessions,
                          LabProgress         *progress,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *restore;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (name != NULL);

  restore = g_new0 (RestoreData, 1);
  restore->name = g_strdup (name);
  restore->sessions = g_strdupv ((char **) sessions);
  restore->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_restore_async);
  g_task_set_task_data (task, restore, restore_data_free);
  g_task_run_in_thread (task, restore_thread);
}

/**
 * lab_backup_restore_finish:
 * @pre_restore: (out) (optional) (transfer full): the pre-restore backup's name
 */
gboolean
lab_backup_restore_finish (LabDataDir    *dir,
                           GAsyncResult  *result,
                           char         **pre_restore,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_restore_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  if (pre_restore != NULL)
    *pre_restore = g_steal_pointer (&((RestoreData *) g_task_get_task_data (G_TASK (result)))->pre_restore);

  return TRUE;
}
