/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lab-backup-test-util.h"
#include "lab-browse.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-progress.h"
#include "lab-row.h"
#include "lab-schema.h"

/* Restores: all of a backup, or chosen sessions, compared row by row. */

static void
assert_state (LabTestStore       *store,
              LabBackupTestState *expected)
{
  g_auto(LabBackupTestState) now = { NULL, NULL };

  lab_backup_test_state_take (&now, store);
  g_assert_cmpstr (now.rows, ==, expected->rows);
  g_assert_cmpstr (now.workspace, ==, expected->workspace);
}

static void
restore (LabTestStore        *store,
         const char          *name,
         const char * const  *sessions,
         char               **pre_restore)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_backup_restore (store->dir, name, sessions, pre_restore, NULL, NULL, NULL,
                                     &error));
  g_assert_no_error (error);
}

static char *
first_session (LabDb *db,
               guint  nth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM sessions ORDER BY id LIMIT 1"
                                                     " OFFSET ?", &error);

  g_assert_no_error (error);
  sqlite3_bind_int (stmt, 1, nth);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Changes every kind of thing a restore must bring back. */
static void
change_store (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *victim = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *workspace_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  LabDb *db = lab_test_store_open (store);

  victim = first_session (db, 0);
  edited = first_session (db, 1);
  {
    g_autoptr(sqlite3_stmt) del = lab_db_prepare (db, "DELETE FROM sessions WHERE id = ?", &error);

    sqlite3_bind_text (del, 1, victim, -1, SQLITE_STATIC);
    g_assert_true (lab_db_step_done (db, del, &error));
  }
  {
    g_autoptr(sqlite3_stmt) upd = lab_db_prepare (db, "UPDATE messages SET content = 'edited'"
                                                      " WHERE session_id = ?", &error);

    sqlite3_bind_text (upd, 1, edited, -1, SQLITE_STATIC);
    g_assert_true (lab_db_step_done (db, upd, &error));
  }
  lab_test_add_session (db, "added-later", "Added after the backup", NULL);
  lab_test_add_message (db, "added-later", 1, "user", "Ada", "A question about quasars");
  g_assert_no_error (error);

  /* Workspace: a file changed, a file added, a folder removed. */
  workspace_dir = g_strdup (lab_data_dir_get_workspace_path (store->dir));
  lab_backup_test_write_file (store, "added-later/notes.md", "new\n");
  dir = g_dir_open (workspace_dir, 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (workspace_dir, entry, NULL);

      if (g_str_equal (entry, victim))
        g_assert_true (lab_rm_rf (path, NULL));
      else if (g_str_equal (entry, edited))
        {
          g_autofree char *file = g_build_filename (entry, "notes.md", NULL);

          lab_backup_test_write_file (store, file, "rewritten\n");
        }
    }
}

static void
test_round_trip (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(LabBackupTestState) original = { NULL, NULL };
  g_auto(LabBackupTestState) changed = { NULL, NULL };
  g_autoptr(LabBackupInfo) pre_info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *pre = NULL;
  g_autofree char *pre_rows = NULL;

  lab_test_store_add_demo (store, 10, 20, 5);
  lab_backup_test_state_take (&original, store);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  change_store (store);
  lab_backup_test_state_take (&changed, store);
  g_assert_cmpstr (changed.rows, !=, original.rows);
  g_assert_cmpstr (changed.workspace, !=, original.workspace);

  /* The connection of a window still open on the store keeps working. */
  restore (store, name, NULL, &pre);
  assert_state (store, &original);
  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (store),
                                       "SELECT count(*) FROM sessions WHERE id = 'added-later'",
                                       &error), ==, 0);
  g_assert_no_error (error);
  lab_test_assert_fts_ok (lab_test_store_open (store));

  /* The state it replaced was backed up first. */
  g_assert_nonnull (pre);
  pre_info = lab_backup_get (store->dir, pre, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_backup_info_get_kind (pre_info), ==, LAB_BACKUP_KIND_PRE_RESTORE);
  pre_rows = lab_backup_test_dump_file (lab_backup_info_get_path (pre_info));
  g_assert_cmpstr (pre_rows, ==, changed.rows);

  /* Restoring the pre-restore backup undoes the restore. */
  restore (store, pre, NULL, NULL);
  assert_state (store, &changed);
}

static void
test_round_trip_compressed (LabTestStore  *store,
                            gconstpointer  data)
{
  const char *compression = data;
  g_auto(LabBackupTestState) original = { NULL, NULL };
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 10, 20, 5);
  lab_backup_test_set_compression (store, compression);
  lab_backup_test_state_take (&original, store);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  change_store (store);
  restore (store, name, NULL, NULL);
  assert_state (store, &original);
  lab_test_assert_fts_ok (lab_test_store_open (store));
}

static void
test_damaged_backup_is_refused (LabTestStore  *store,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint n_backups;

  lab_test_store_add_demo (store, 4, 10, 5);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = lab_backup_get (store->dir, name, &error);
  lab_backup_test_flip_byte (lab_backup_info_get_path (info), 5000);
  change_store (store);
  g_clear_object (&store->db);

  before = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  {
    g_autoptr(GPtrArray) list = lab_backup_list (store->dir, &error);

    n_backups = list->len;
  }

  g_assert_false (lab_backup_restore (store->dir, name, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_clear_error (&error);

  /* Nothing changed in the store, and no pre-restore backup was made. */
  after = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr(GPtrArray) list = lab_backup_list (store->dir, &error);

    g_assert_cmpuint (list->len, ==, n_backups);
  }

  /* An unknown backup, or a name that is a path, is refused too. */
  g_assert_false (lab_backup_restore (store->dir, "backup_19990101_000000", NULL, NULL, NULL, NULL,
                                      NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lab_backup_restore (store->dir, "../data/labdata", NULL, NULL, NULL, NULL, NULL,
                                      &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  after = (g_free (after), lab_test_tree_digest (lab_data_dir_get_data_path (store->dir)));
  g_assert_cmpstr (before, ==, after);
}

static void
test_deleted_object_is_refused (LabTestStore  *store,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;

  lab_test_store_add_demo (store, 4, 10, 5);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  object = lab_backup_test_any_object (store);
  g_assert_cmpint (g_unlink (object), ==, 0);

  g_clear_object (&store->db);
  before = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_false (lab_backup_restore (store->dir, name, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "missing"));
  after = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_cmpstr (before, ==, after);
}

static void
test_sessions (LabTestStore  *store,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *deleted = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *deleted_in_backup = NULL;
  g_autofree char *edited_in_backup = NULL;
  g_autofree char *others_before = NULL;
  g_autofree char *others_after = NULL;
  g_autofree char *workspace = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *entry;
  LabDb *db;

  lab_test_store_add_demo (store, 10, 20, 5);
  db = lab_test_store_open (store);
  deleted = first_session (db, 0);
  edited = first_session (db, 1);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  {
    g_autoptr(LabBackupInfo) info = lab_backup_get (store->dir, name, &error);
    g_autoptr(LabDb) copy = lab_db_open_file (lab_backup_info_get_path (info),
                                              LAB_DB_OPEN_READ_ONLY, &error);

    g_assert_no_error (error);
    deleted_in_backup = lab_backup_test_dump (copy, deleted, NULL);
    edited_in_backup = lab_backup_test_dump (copy, edited, NULL);
  }

  change_store (store);
  lab_db_exec (db, "INSERT INTO brains (id, name, updated_at) VALUES ('b1', 'Brain', "
                   "'2026-01-01T00:00:00.000Z')", &error);
  g_assert_no_error (error);
  {
    const char * const chosen[] = { deleted, edited, NULL };

    others_before = lab_backup_test_dump (db, NULL, chosen);
  }

  workspace = g_strdup (lab_data_dir_get_workspace_path (store->dir));
  dir = g_dir_open (workspace, 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (workspace, entry, NULL);

      g_hash_table_insert (digests, g_strdup (entry), lab_test_tree_digest (path));
    }

  /* By unique prefix, as a user types it. */
  {
    g_autofree char *prefix = g_strndup (deleted, strlen (deleted) - 2);
    const char * const chosen[] = { prefix, edited, NULL };
    g_autofree char *pre = NULL;

    restore (store, name, chosen, &pre);
    g_assert_nonnull (pre);
  }

  /* The chosen sessions are as in the backup, in every table. */
  {
    g_autofree char *deleted_now = lab_backup_test_dump (db, deleted, NULL);
    g_autofree char *edited_now = lab_backup_test_dump (db, edited, NULL);

    g_assert_cmpstr (deleted_now, ==, deleted_in_backup);
    g_assert_cmpstr (edited_now, ==, edited_in_backup);
  }

  /* Every other row is untouched, the session added since included. */
  {
    const char * const chosen[] = { deleted, edited, NULL };

    others_after = lab_backup_test_dump (db, NULL, chosen);
    g_assert_cmpstr (others_after, ==, others_before);
  }
  lab_test_assert_fts_ok (db);

  /* Their workspace folders are back; every other folder is as it was. */
  g_clear_pointer (&dir, g_dir_close);
  dir = g_dir_open (workspace, 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (workspace, entry, NULL);
      g_autofree char *digest = lab_test_tree_digest (path);

      if (g_str_equal (entry, deleted) || g_str_equal (entry, edited))
        {
          g_autofree char *notes = g_build_filename (path, "notes.md", NULL);
          g_autofree char *text = NULL;

          if (g_file_get_contents (notes, &text, NULL, NULL))
            g_assert_cmpstr (text, !=, "rewritten\n");
        }
      else
        g_assert_cmpstr (digest, ==, g_hash_table_lookup (digests, entry));
    }
  {
    g_autofree char *restored = g_build_filename (workspace, deleted, NULL);

    g_assert_true (g_file_test (restored, G_FILE_TEST_IS_DIR));
  }
}

static void
test_session_parent_gone (LabTestStore  *store,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char * const chosen[] = { "child", NULL };
  LabDb *db;

  lab_test_store_add_demo (store, 2, 2, 5);
  db = lab_test_store_open (store);
  lab_test_add_session (db, "parent", "Parent", NULL);
  lab_test_add_session (db, "child", "Child", "{\"parent_session_id\": \"parent\"}");
  lab_test_add_message (db, "child", 1, "user", "Ada", "hello");
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  /* Both go; only the child comes back: its link to the gone parent is
   * cleared, as deleting the parent would have done. */
  lab_db_exec (db, "DELETE FROM sessions WHERE id IN ('child', 'parent')", &error);
  g_assert_no_error (error);
  restore (store, name, chosen, NULL);

  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE id = 'child'"
                                           " AND parent_session_id IS NULL", &error), ==, 1);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE id = 'parent'",
                                       &error), ==, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages WHERE session_id = 'child'",
                                       &error), ==, 1);
}

static void
test_session_children_keep_parent (LabTestStore  *store,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char * const chosen[] = { "parent", NULL };
  LabDb *db;

  lab_test_store_add_demo (store, 2, 2, 5);
  db = lab_test_store_open (store);
  lab_test_add_session (db, "parent", "Parent", NULL);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  /* A branch made after the backup still names its parent afterwards: the
   * parent's row is updated in place, never deleted. */
  lab_test_add_session (db, "branch", "Branch", "{\"parent_session_id\": \"parent\"}");
  lab_db_exec (db, "UPDATE sessions SET title = 'Renamed' WHERE id = 'parent'", &error);
  restore (store, name, chosen, NULL);

  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE id = 'branch'"
                                           " AND parent_session_id = 'parent'", &error), ==, 1);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE id = 'parent'"
                                           " AND title = 'Parent'", &error), ==, 1);
}

static void
test_session_not_in_backup (LabTestStore  *store,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char * const chosen[] = { "added-later", NULL };
  const char * const none[] = { NULL };

  lab_test_store_add_demo (store, 3, 2, 5);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  change_store (store);
  g_clear_object (&store->db);
  before = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));

  g_assert_false (lab_backup_restore (store->dir, name, chosen, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "added-later"));
  g_clear_error (&error);

  g_assert_false (lab_backup_restore (store->dir, name, none, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);

  after = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_cmpstr (before, ==, after);
}

static void
test_older_schema (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *v1_name = NULL;
  g_autofree char *v1_rows = NULL;
  LabDb *db;

  lab_backup_test_make_v1_store (store);

  /* Opening upgrades it and leaves a version-1 pre-migration backup. */
  db = lab_test_store_open (store);
  v1_rows = lab_backup_test_dump (db, NULL, NULL);
  backups = lab_backup_list (store->dir, &error);
  g_assert_cmpuint (backups->len, ==, 1);
  v1_name = g_strdup (lab_backup_info_get_name (backups->pdata[0]));
  lab_test_add_session (db, "s-2", "Later", NULL);

  /* Restoring it brings back version 1, upgraded again on the way. */
  restore (store, v1_name, NULL, NULL);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA user_version", &error), ==, LAB_SCHEMA_VERSION);
  {
    g_autofree char *rows = lab_backup_test_dump (db, NULL, NULL);

    g_assert_cmpstr (rows, ==, v1_rows);
  }
  lab_test_assert_fts_ok (db);

  /* And chosen sessions from it, too. */
  {
    const char * const chosen[] = { "s-1", NULL };

    lab_db_exec (db, "DELETE FROM sessions WHERE id = 's-1'", &error);
    restore (store, v1_name, chosen, NULL);
    g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages", &error), ==, 1);
  }
}

static void
test_into_empty_folder (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(LabBackupTestState) original = { NULL, NULL };
  g_autofree char *name = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *pre = NULL;

  /* Disaster: the data folder is gone; the backups folder survived. */
  lab_test_store_add_demo (store, 5, 5, 5);
  lab_backup_test_state_take (&original, store);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  g_clear_object (&store->db);
  data_path = g_strdup (lab_data_dir_get_data_path (store->dir));
  g_assert_true (lab_rm_rf (data_path, &error));

  restore (store, name, NULL, &pre);
  g_assert_null (pre);
  assert_state (store, &original);
}

static void
test_damaged_store (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(LabBackupTestState) original = { NULL, NULL };
  g_autoptr(GDir) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *pre = NULL;
  g_autofree char *kept = NULL;
  const char *entry;

  lab_test_store_add_demo (store, 5, 5, 5);
  lab_backup_test_state_take (&original, store);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  lab_test_add_session (lab_test_store_open (store), "later", "Added later", NULL);
  g_clear_object (&store->db);

  /* The disaster restores are for: the database is garbage. */
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir),
                                      "the disk ate this file\n", -1, NULL));

  restore (store, name, NULL, &pre);
  g_assert_null (pre);
  assert_state (store, &original);
  lab_test_assert_fts_ok (lab_test_store_open (store));

  /* What was there is kept as it was. */
  folder = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  while ((entry = g_dir_read_name (folder)) != NULL)
    {
      if (g_str_has_prefix (entry, "damaged_"))
        kept = g_build_filename (lab_data_dir_get_backups_path (store->dir), entry, "labdata.db",
                                 NULL);
    }
  g_assert_nonnull (kept);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (kept, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "the disk ate this file\n");
  }

  /* Chosen sessions cannot go into a database that cannot be opened. */
  g_clear_object (&store->db);
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir), "garbage again", -1,
                                      NULL));
  {
    const char * const chosen[] = { "later", NULL };

    g_assert_false (lab_backup_restore (store->dir, name, chosen, NULL, NULL, NULL, NULL, &error));
    g_assert_nonnull (error);
  }
}

static void
write_journal (LabTestStore *store,
               const char   *text)
{
  g_autofree char *path = g_build_filename (lab_data_dir_get_data_path (store->dir),
                                            "restore-journal.json", NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
test_interrupted_restore_cannot_finish (LabTestStore  *store,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  lab_test_store_add_demo (store, 2, 2, 5);
  g_clear_object (&store->db);
  journal = g_build_filename (lab_data_dir_get_data_path (store->dir), "restore-journal.json",
                              NULL);

  /* The backup an interrupted restore needs is gone: opening says so, and
   * what to do, and changes nothing. */
  write_journal (store, "{ \"format\": \"labdata-restore-journal\", \"version\": 1,"
                        "  \"backup\": \"backup_20260101_000000\","
                        "  \"source\": \"/nonexistent/backup_20260101_000000.db\","
                        "  \"sessions\": null, \"replace_file\": false, \"files\": [] }");
  before = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cannot be completed"));
  g_assert_nonnull (strstr (error->message, "restore-journal.json"));
  g_clear_error (&error);

  /* A journal whose paths leave the workspace is refused, not followed. */
  write_journal (store, "{ \"format\": \"labdata-restore-journal\", \"version\": 1,"
                        "  \"backup\": \"backup_20260101_000000\", \"source\": \"/x.db\","
                        "  \"sessions\": null, \"replace_file\": false,"
                        "  \"files\": [ { \"path\": \"../../config/config.json\","
                        "                 \"staged\": null } ] }");
  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  after = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
  g_assert_cmpstr (before, ==, after);

  /* Deleting the journal keeps the store as it is. */
  g_assert_cmpint (g_unlink (journal), ==, 0);
  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
}

static void
test_locked_database (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) writer = NULL;
  g_auto(LabBackupTestState) changed = { NULL, NULL };
  g_autofree char *name = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *staging = NULL;

  lab_test_store_add_demo (store, 3, 3, 5);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  change_store (store);
  g_clear_object (&store->db);
  lab_backup_test_state_take (&changed, store);

  /* Another program holds the write lock the whole time: the restore gives
   * up with a clear error, and the store is as it was. */
  writer = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  lab_db_begin (writer, &error);
  g_assert_no_error (error);

  g_assert_false (lab_backup_restore (store->dir, name, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_clear_error (&error);
  lab_db_rollback (writer);
  g_clear_object (&writer);

  journal = g_build_filename (lab_data_dir_get_data_path (store->dir), "restore-journal.json",
                              NULL);
  staging = g_build_filename (lab_data_dir_get_data_path (store->dir), ".restore-staging", NULL);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (staging, G_FILE_TEST_EXISTS));
  assert_state (store, &changed);

  /* Once it lets go, the restore works. */
  restore (store, name, NULL, NULL);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
test_async (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_auto(LabBackupTestState) original = { NULL, NULL };
  g_autoptr(GAsyncResult) verified = NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) pruned = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(LabDb) copy = NULL;
  g_autofree char *name = NULL;
  g_autofree char *pre = NULL;

  /* The GUI's way: every long operation as a GTask, results on the main
   * context, progress on a LabProgress. */
  lab_test_store_add_demo (store, 4, 6, 5);
  lab_backup_test_state_take (&original, store);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  change_store (store);

  lab_backup_verify_async (store->dir, NULL, progress, NULL, store_result_cb, &verified);
  infos = lab_backup_verify_finish (store->dir, wait_for (&verified), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (infos->len, ==, 1);
  g_assert_true (lab_backup_info_get_verified (infos->pdata[0]));

  lab_backup_open_database_async (store->dir, name, NULL, store_result_cb, &opened);
  copy = lab_backup_open_database_finish (store->dir, wait_for (&opened), &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_db_query_int64 (copy, "SELECT count(*) FROM sessions", &error), ==, 4);

  lab_backup_restore_async (store->dir, name, NULL, progress, NULL, store_result_cb, &restored);
  g_assert_true (lab_backup_restore_finish (store->dir, wait_for (&restored), &pre, &error));
  g_assert_no_error (error);
  g_assert_nonnull (pre);
  assert_state (store, &original);

  /* Nothing is old enough to prune. */
  lab_backup_prune_async (store->dir, NULL, store_result_cb, &pruned);
  deleted = lab_backup_prune_finish (store->dir, wait_for (&pruned), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deleted->len, ==, 0);

  /* Let the last progress update arrive. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpfloat (lab_progress_get_fraction (progress), ==, 1.0);
  g_assert_cmpstr (lab_progress_get_message (progress), ==, "Restore complete");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/labdata/store/restore/" path, LabTestStore, data, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("round-trip", test_round_trip, NULL);
  ADD ("round-trip-gzip", test_round_trip_compressed, "gzip");
  ADD ("round-trip-zstd", test_round_trip_compressed, "zstd");
  ADD ("damaged-backup-is-refused", test_damaged_backup_is_refused, NULL);
  ADD ("deleted-object-is-refused", test_deleted_object_is_refused, NULL);
  ADD ("sessions", test_sessions, NULL);
  ADD ("session-parent-gone", test_session_parent_gone, NULL);
  ADD ("session-children-keep-parent", test_session_children_keep_parent, NULL);
  ADD ("session-not-in-backup", test_session_not_in_backup, NULL);
  ADD ("older-schema", test_older_schema, NULL);
  ADD ("into-empty-folder", test_into_empty_folder, NULL);
  ADD ("damaged-store", test_damaged_store, NULL);
  ADD ("async", test_async, NULL);
  ADD ("locked-database", test_locked_database, NULL);
  ADD ("interrupted-restore-cannot-finish", test_interrupted_restore_cannot_finish, NULL);

#undef ADD

  return g_test_run ();
}
