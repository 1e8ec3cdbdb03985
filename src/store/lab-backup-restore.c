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
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-store-info.h"

/*
 * Restoring a backup, all of it or chosen sessions.
 *
 * First the backup is verified and the current state backed up (kind
 * pre-restore). Then everything the restore needs is prepared beside the data,
 * in data/.restore-staging/: the workspace files that differ from the
 * backup's, and the database decompressed if it was compressed. Nothing live
 * has changed yet; a kill up to here leaves the old state, and the staging
 * folder is removed later.
 *
 * Then data/restore-journal.json is written (atomically). From that moment
 * the restore is rolled forward, by this call or, if it is killed, by the next
 * lab_db_open() (lab_backup_recover()): every step that follows can be done
 * again. The database is replaced through SQLite's backup API into the live
 * database, one transaction that other connections (a window still open on
 * the store) see commit as a whole; chosen sessions are replaced row by row,
 * in one transaction too. Then the workspace files that differ are renamed
 * into place and the ones the backup does not have are deleted. Only when all
 * of it is done does the journal go.
 */

#define JOURNAL_NAME "restore-journal.json"
#define STAGING_NAME ".restore-staging"
#define BUSY_DEADLINE_USEC (10 * G_USEC_PER_SEC)

/* One change to the workspace: a staged file put at a path, or (staged is
 * NULL) the file at a path deleted. */
typedef struct
{
  char *path;    /* relative to data/workspace */
  char *staged;  /* a name in the staging folder's files/, or NULL */
} FileOp;

static void
file_op_free (gpointer data)
{
  FileOp *op = data;

  g_free (op->path);
  g_free (op->staged);
  g_free (op);
}

static FileOp *
file_op_new (const char *path,
             const char *staged)
{
  FileOp *op = g_new0 (FileOp, 1);

  op->path = g_strdup (path);
  op->staged = g_strdup (staged);
  return op;
}

typedef struct
{
  char *backup;          /* the backup's name */
  char *source;          /* the plain database file to restore from */
  char **sessions;       /* the sessions to restore, or NULL for everything */
  gboolean replace_file; /* the live database is damaged: replace the file */
  GPtrArray *ops;        /* of FileOp: what changes in the workspace */
} Journal;

static Journal *
journal_new (void)
{
  Journal *journal = g_new0 (Journal, 1);

  journal->ops = g_ptr_array_new_with_free_func (file_op_free);
  return journal;
}

static void
journal_free (Journal *journal)
{
  g_free (journal->backup);
  g_free (journal->source);
  g_strfreev (journal->sessions);
  g_ptr_array_unref (journal->ops);
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
  json_builder_set_member_name (builder, "replace_file");
  json_builder_add_boolean_value (builder, journal->replace_file);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < journal->ops->len; i++)
    {
      FileOp *op = journal->ops->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, op->path);
      json_builder_set_member_name (builder, "staged");
      if (op->staged != NULL)
        json_builder_add_string_value (builder, op->staged);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
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
  g_autoptr(Journal) journal = journal_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *sessions;
  JsonNode *files;

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
  journal->replace_file = json_object_get_boolean_member_with_default (root, "replace_file", FALSE);
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

  files = json_object_get_member (root, "files");
  if (files != NULL && JSON_NODE_HOLDS_ARRAY (files))
    {
      JsonArray *array = json_node_get_array (files);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *op = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          const char *file = op ? json_object_get_string_member_with_default (op, "path", NULL)
                                : NULL;
          const char *staged = op ? json_object_get_string_member_with_default (op, "staged", NULL)
                                  : NULL;

          /* The paths are used as they are: refuse any that would leave the
           * workspace or the staging folder. */
          if (!lab_relative_path_is_safe (file) ||
              (staged != NULL && (!lab_relative_path_is_safe (staged) || strchr (staged, '/'))))
            {
              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                           _("The journal of an interrupted restore, “%s”, is damaged"), path);
              return NULL;
            }
          g_ptr_array_add (journal->ops, file_op_new (file, staged));
        }
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

static char *
incoming_path (const char *live)
{
  return g_strconcat (live, ".restored", NULL);
}

/*
 * For a live database too damaged to write into: the restored file replaces
 * it. Its WAL goes first, or SQLite would replay it into the new file.
 */
static gboolean
replace_database_file (const char    *source,
                       const char    *live,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree char *incoming = incoming_path (live);
  g_autofree char *folder = g_path_get_dirname (live);
  const char *suffixes[] = { "-wal", "-shm", "-journal" };

  if (!lab_file_copy_atomic (source, incoming, NULL, cancellable, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (live, suffixes[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), path);
          return FALSE;
        }
    }

  return lab_fsync_dir (folder, error) && lab_commit_temp (incoming, live, error);
}

/*
 * Keeps the files of a damaged store, as they are, in backups/damaged_…/,
 * before a restore replaces them: someone may want to look at them.
 */
static gboolean
save_damaged_files (LabDataDir  *dir,
                    char       **saved,
                    GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "damaged_%Y%m%d_%H%M%S");
  g_autofree char *folder = NULL;
  const char *live = lab_data_dir_get_db_path (dir);
  const char *suffixes[] = { "", "-wal" };

  for (guint n = 1; folder == NULL || g_file_test (folder, G_FILE_TEST_EXISTS); n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (stamp) : g_strdup_printf ("%s_%u", stamp, n);

      g_free (folder);
      folder = g_build_filename (lab_data_dir_get_backups_path (dir), name, NULL);
    }

  if (!lab_mkdir_private (folder, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (live, suffixes[i], NULL);
      g_autofree char *base = g_path_get_basename (from);
      g_autofree char *to = g_build_filename (folder, base, NULL);

      if (g_file_test (from, G_FILE_TEST_IS_REGULAR) &&
          !lab_file_copy_atomic (from, to, NULL, NULL, error))
        return FALSE;
    }

  *saved = g_steal_pointer (&folder);
  return TRUE;
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

/*
 * The workspace is not swapped as a whole: only the files that differ
 * between the store and the backup change. Deleting tens of thousands of
 * unchanged files only to write them back is slow (on a busy disk, rm -rf of
 * a 25,000-file workspace takes most of a minute), and the old files are in
 * the pre-restore backup anyway. Each change is journaled and can be applied
 * again: a put renames a staged file into place (nothing to do once it is
 * gone from the staging folder), a delete unlinks a path (nothing to do once
 * it is gone).
 */

/* Removes the folders a deletion left empty, up to the workspace itself. */
static void
remove_empty_parents (const char *workspace,
                      const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  while (g_str_has_prefix (dir, workspace) && strlen (dir) > strlen (workspace) &&
         g_rmdir (dir) == 0)
    {
      char *parent = g_path_get_dirname (dir);

      g_free (dir);
      dir = parent;
    }
}

static gboolean
apply_workspace (LabDataDir  *dir,
                 Journal     *journal,
                 GError     **error)
{
  const char *workspace = lab_data_dir_get_workspace_path (dir);

  if (!lab_mkdir_private (workspace, error))
    return FALSE;

  /* Deletions first: a path that was a file may now be a folder. */
  for (guint i = 0; i < journal->ops->len; i++)
    {
      FileOp *op = journal->ops->pdata[i];
      g_autofree char *target = NULL;

      if (op->staged != NULL)
        continue;

      target = lab_path_join_safe (workspace, op->path, error);
      if (target == NULL)
        return FALSE;

      if (g_unlink (target) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), target);
          return FALSE;
        }
      remove_empty_parents (workspace, target);
    }

  for (guint i = 0; i < journal->ops->len; i++)
    {
      FileOp *op = journal->ops->pdata[i];
      g_autofree char *staged = NULL;
      g_autofree char *target = NULL;
      g_autofree char *parent = NULL;

      if (op->staged == NULL)
        continue;

      staged = staging_path (dir, "files", op->staged, NULL);
      if (!g_file_test (staged, G_FILE_TEST_EXISTS))
        continue;  /* put in place already */

      target = lab_path_join_safe (workspace, op->path, error);
      if (target == NULL)
        return FALSE;
      parent = g_path_get_dirname (target);
      if (!lab_mkdir_private (parent, error))
        return FALSE;

      /* An emptied folder where a file goes (a folder that became a file). */
      if (g_rename (staged, target) != 0 && (errno != EISDIR || g_rmdir (target) != 0 ||
                                             g_rename (staged, target) != 0))
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot restore “%s”"), target);
          return FALSE;
        }
    }

  /* The renames and unlinks are on disk before the journal goes. */
  return lab_sync_filesystem (workspace, error);
}

/* Whether @path is a file of one of @sessions, or any file without them. */
static gboolean
path_is_chosen (const char         *path,
                const char * const *sessions)
{
  if (sessions == NULL)
    return TRUE;

  for (guint i = 0; sessions[i] != NULL; i++)
    {
      gsize len = strlen (sessions[i]);

      if (strncmp (path, sessions[i], len) == 0 && path[len] == '/')
        return TRUE;
    }

  return FALSE;
}

/* Path → SHA-256 of the chosen files listed in a sidecar's "files". */
static GHashTable *
files_of (JsonObject         *sidecar,
          const char * const *sessions)
{
  GHashTable *files = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *map = sidecar ? json_object_get_object_member (sidecar, "files") : NULL;
  JsonObjectIter iter;
  const char *path;
  JsonNode *node;

  if (map == NULL)
    return files;

  json_object_iter_init (&iter, map);
  while (json_object_iter_next (&iter, &path, &node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          path_is_chosen (path, sessions))
        g_hash_table_insert (files, (gpointer) path, (gpointer) json_node_get_string (node));
    }

  return files;
}

static int
compare_ops (gconstpointer a,
             gconstpointer b)
{
  const FileOp *op_a = *(FileOp * const *) a;
  const FileOp *op_b = *(FileOp * const *) b;

  return strcmp (op_a->path, op_b->path);
}

/*
 * Works out what changes in the workspace, from the files now (@live: the
 * pre-restore backup's list) to the backup's, and stages the files to put.
 */
static gboolean
stage_workspace (LabDataDir          *dir,
                 Journal             *journal,
                 JsonObject          *live,
                 JsonObject          *backup,
                 Phase               *phase,
                 GCancellable        *cancellable,
                 GError             **error)
{
  const char * const *sessions = (const char * const *) journal->sessions;
  g_autoptr(GHashTable) now = files_of (live, sessions);
  g_autoptr(GHashTable) then = files_of (backup, sessions);
  g_autofree char *files_dir = staging_path (dir, "files", NULL);
  GHashTableIter iter;
  gpointer path;
  gpointer sha;
  guint n_put = 0;
  guint done = 0;

  if (!lab_mkdir_private (files_dir, error))
    return FALSE;

  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    {
      if (!g_hash_table_contains (then, path))
        g_ptr_array_add (journal->ops, file_op_new (path, NULL));
    }

  g_hash_table_iter_init (&iter, then);
  while (g_hash_table_iter_next (&iter, &path, &sha))
    {
      g_autofree char *object = NULL;
      g_autofree char *staged_name = NULL;
      g_autofree char *staged = NULL;
      g_autofree char *copied = NULL;

      if (g_strcmp0 (g_hash_table_lookup (now, path), sha) == 0)
        continue;

      /* Paths and names come from the sidecar: check them before use. */
      if (!lab_relative_path_is_safe (path) || !lab_sha256_is_valid_hex (sha))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The backup lists the workspace file “%s” wrongly"), (char *) path);
          return FALSE;
        }

      staged_name = g_strdup_printf ("f-%u", n_put++);
      staged = g_build_filename (files_dir, staged_name, NULL);
      object = _lab_backup_object_path (dir, sha);

      /* Unsynced: the staging folder is synced at once, before the journal
       * refers to it. */
      if (!lab_file_copy_unsynced (object, staged, &copied, cancellable, error))
        return FALSE;
      if (!g_str_equal (copied, sha))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The workspace file “%s” is damaged in the backup"), (char *) path);
          return FALSE;
        }

      g_ptr_array_add (journal->ops, file_op_new (path, staged_name));
      if (++done % 64 == 0)
        phase_cb ((double) done / g_hash_table_size (then), NULL, phase);
    }

  g_ptr_array_sort (journal->ops, compare_ops);
  return TRUE;
}

static gboolean
finish_journal (LabDataDir  *dir,
                GError     **error)
{
  g_autofree char *path = journal_path (dir);
  g_autofree char *staging = staging_root (dir);
  g_autofree char *incoming = incoming_path (lab_data_dir_get_db_path (dir));

  g_unlink (incoming);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), path);
      return FALSE;
    }

  if (!lab_fsync_dir (lab_data_dir_get_data_path (dir), error))
    return FALSE;

  /* What is left is copies that were not needed. */
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

  if (journal->replace_file)
    return replace_database_file (journal->source, live, cancellable, error);

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
         apply_workspace (dir, journal, error) &&
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
             const char         *damaged,
             gboolean            recovered)
{
  g_autoptr(JsonObject) details = json_object_new ();

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
  if (damaged != NULL)
    json_object_set_string_member (details, "damaged_store_kept_in", damaged);
  if (recovered)
    json_object_set_boolean_member (details, "completed_after_interruption", TRUE);

  _lab_backup_log (dir, "restore", details);
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
      /* Say what the user can do: the backup may have been moved away. */
      g_set_error (error, local_error->domain, local_error->code,
                   _("The restore of backup “%s” was interrupted and cannot be completed: %s. "
                     "Put the backup back and open the store again, or delete “%s” to keep the "
                     "store as it is now."), journal->backup, local_error->message, path);
      return FALSE;
    }

  log_restore (dir, journal->backup, (const char * const *) journal->sessions, NULL, NULL, TRUE);
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
  g_autoptr(JsonObject) live_files = NULL;
  g_autoptr(Journal) journal = journal_new ();
  g_autofree char *staging = staging_root (dir);
  g_autofree char *pre = NULL;
  g_autofree char *damaged = NULL;
  const char *live = lab_data_dir_get_db_path (dir);
  Phase phase = { progress, progress_data, 0, 1 };
  gboolean live_exists;
  gint64 version = 0;
  gint64 started = g_get_monotonic_time ();

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
  g_debug ("Verified after %.3f s", (g_get_monotonic_time () - started) / 1e6);

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
      g_autoptr(GError) pre_error = NULL;

      phase_enter (&phase, 0.3, 0.3, _("Backing up the current state…"));
      pre = _lab_backup_create_locked (dir, LAB_BACKUP_KIND_PRE_RESTORE, LAB_BACKUP_CREATE_DEFAULT,
                                       NULL, phase_cb, &phase, cancellable, &pre_error);
      if (pre == NULL && sessions == NULL &&
          (g_error_matches (pre_error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT) ||
           g_error_matches (pre_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE)))
        {
          /* A store too damaged to back up is what restores are for: its
           * files are kept as they are, and the database file is replaced
           * rather than written into. */
          if (!save_damaged_files (dir, &damaged, error))
            return FALSE;
          journal->replace_file = TRUE;
          g_debug ("The store is damaged (%s); its files are in %s", pre_error->message, damaged);
        }
      else if (pre == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&pre_error),
                                      _("Cannot back up the current state before restoring: "));
          return FALSE;
        }
    }

  g_debug ("Backed up after %.3f s", (g_get_monotonic_time () - started) / 1e6);
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
    }

  /* The files now: as the pre-restore backup just listed them, or, without
   * one (no store, or a damaged one), as they are hashed now. */
  if (pre != NULL)
    live_files = _lab_backup_read_sidecar (dir, pre, error);
  else
    {
      g_autoptr(JsonObject) map = _lab_backup_hash_workspace (dir, cancellable, error);

      if (map != NULL)
        {
          live_files = json_object_new ();
          json_object_set_object_member (live_files, "files", g_steal_pointer (&map));
        }
    }
  if (live_files == NULL ||
      !stage_workspace (dir, journal, live_files, sidecar, &phase, cancellable, error))
    goto fail;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !lab_data_dir_ensure (dir, error) ||
      !lab_sync_filesystem (staging, error) ||
      !journal_write (dir, journal, error))
    goto fail;

  g_debug ("Staged after %.3f s", (g_get_monotonic_time () - started) / 1e6);
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
  g_debug ("Database restored after %.3f s", (g_get_monotonic_time () - started) / 1e6);
  if (!apply_workspace (dir, journal, error) || !finish_journal (dir, error))
    return FALSE;
  g_debug ("Done after %.3f s", (g_get_monotonic_time () - started) / 1e6);

  log_restore (dir, name, (const char * const *) journal->sessions, pre, damaged, FALSE);

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
 *   the state before the restore; %NULL if there was no store, or if it was
 *   too damaged to back up (its files are then kept, as they were, in
 *   `backups/damaged_YYYYMMDD_HHMMSS/`, and the database file is replaced
 *   instead of written into: connections still open on it must reopen)
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

/**
 * lab_backup_list_sessions:
 * @db: a backup's database (lab_backup_open_database())
 * @query: (nullable): only sessions whose id starts with it or whose title
 *   contains it
 * @offset: how many to skip
 * @limit: how many at most
 *
 * A page of the sessions a backup holds, most recently active first: what
 * "Restore Sessions…" offers.
 *
 * Returns: (transfer full) (element-type LabSession): the sessions, or %NULL
 *   with @error set
 */
GPtrArray *
lab_backup_list_sessions (LabDb       *db,
                          const char  *query,
                          guint        offset,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);

  if (query != NULL && query[0] == '\0')
    query = NULL;

  stmt = lab_db_prepare (db, "SELECT " LAB_SESSION_COLUMNS " FROM sessions s"
                             " WHERE ?1 IS NULL OR substr (s.id, 1, length (?1)) = ?1"
                             " OR instr (lower (s.title), lower (?1)) > 0"
                             " ORDER BY s.last_activity_at DESC, s.id LIMIT ?2 OFFSET ?3",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, query, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (sessions, lab_session_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_steal_pointer (&sessions);
}
