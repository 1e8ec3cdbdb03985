/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lab-backup-test-util.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-progress.h"
#include "lab-schema.h"

/* Backups: creation, listing, verification, deletion, pinning. Restores are
 * in test-restore.c, retention in test-retention.c. */

static LabBackupInfo *
get_info (LabTestStore *store,
          const char   *name)
{
  g_autoptr(GError) error = NULL;
  LabBackupInfo *info = lab_backup_get (store->dir, name, &error);

  g_assert_no_error (error);
  return info;
}

static LabBackupInfo *
verify (LabTestStore *store,
        const char   *name)
{
  g_autoptr(GError) error = NULL;
  LabBackupInfo *info = lab_backup_verify (store->dir, name, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static guint
n_listed (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = lab_backup_list (store->dir, &error);

  g_assert_no_error (error);
  return backups->len;
}

static char *
objects_path (LabTestStore *store)
{
  return g_build_filename (lab_data_dir_get_backups_path (store->dir), "objects", NULL);
}

static void
test_create (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *name = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *live_dump = NULL;
  g_autofree char *backup_dump = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha = NULL;
  gsize length;
  LabBackupInfo *info;

  lab_test_store_add_demo (store, 12, 30, 7);

  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  g_assert_true (g_str_has_prefix (name, "backup_"));

  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  info = backups->pdata[0];
  g_assert_cmpstr (lab_backup_info_get_name (info), ==, name);
  g_assert_cmpint (lab_backup_info_get_kind (info), ==, LAB_BACKUP_KIND_MANUAL);
  g_assert_cmpstr (lab_backup_info_get_compression (info), ==, "none");
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_false (lab_backup_info_get_verified (info));
  g_assert_false (lab_backup_info_get_pinned (info));
  g_assert_cmpint (lab_backup_info_get_schema_version (info), ==, LAB_SCHEMA_VERSION);
  g_assert_cmpstr (lab_backup_info_get_app_version (info), ==, PACKAGE_VERSION);
  g_assert_cmpint (lab_backup_info_get_count (info, "sessions"), ==, 12);
  g_assert_cmpint (lab_backup_info_get_count (info, "messages"), ==, 12 * 30);
  g_assert_cmpuint (lab_backup_info_get_n_files (info), >, 0);
  g_assert_cmpuint (lab_backup_info_get_files_size (info), >, 0);
  g_assert_cmpint (ABS (lab_backup_info_get_created_at (info) - g_get_real_time ()), <,
                   60 * G_USEC_PER_SEC);

  /* Every row is in the copy, which opens as it is, with no -wal beside it. */
  live_dump = lab_backup_test_dump (lab_test_store_open (store), NULL, NULL);
  backup_dump = lab_backup_test_dump_file (lab_backup_info_get_path (info));
  g_assert_cmpstr (live_dump, ==, backup_dump);
  wal = g_strconcat (lab_backup_info_get_path (info), "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* The checksum and size are those of the file as written. */
  g_assert_true (g_file_get_contents (lab_backup_info_get_path (info), &contents, &length, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length);
  g_assert_cmpstr (sha, ==, lab_backup_info_get_sha256 (info));
  g_assert_cmpuint (length, ==, lab_backup_info_get_size (info));

  /* Every workspace file is stored under its checksum. */
  g_assert_cmpuint (lab_backup_test_count_files (lab_data_dir_get_workspace_path (store->dir)), ==,
                    lab_backup_info_get_n_files (info));
  {
    g_autoptr(GHashTable) files = lab_backup_load_files (store->dir, name, &error);
    GHashTableIter iter;
    gpointer path;
    gpointer file_sha;

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (files), ==, lab_backup_info_get_n_files (info));
    g_hash_table_iter_init (&iter, files);
    while (g_hash_table_iter_next (&iter, &path, &file_sha))
      {
        g_autofree char *file = g_build_filename (lab_data_dir_get_workspace_path (store->dir),
                                                  path, NULL);
        g_autofree char *actual = lab_file_sha256 (file, NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (actual, ==, file_sha);
      }
  }
}

static void
test_writes_during_backup_are_not_blocked (LabTestStore  *store,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) writer = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dump = NULL;

  lab_test_store_add_demo (store, 5, 10, 3);

  /* A writer in the middle of a transaction: the backup copies the committed
   * state without waiting for it, and the writer can commit afterwards. */
  writer = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  lab_db_begin (writer, &error);
  g_assert_no_error (error);
  lab_test_add_session (writer, "uncommitted", "Not yet committed", NULL);

  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  lab_db_commit (writer, &error);
  g_assert_no_error (error);

  info = verify (store, name);
  if (lab_backup_info_get_damaged (info))
    g_test_message ("%s", lab_backup_info_get_problems (info)[0]);
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_cmpint (lab_backup_info_get_count (info, "sessions"), ==, 5);
  dump = lab_backup_test_dump_file (lab_backup_info_get_path (info));
  g_assert_null (strstr (dump, "uncommitted"));
}

static void
test_old_reader_does_not_block (LabTestStore  *store,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) reader = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  LabDb *db;

  lab_test_store_add_demo (store, 5, 10, 3);
  db = lab_test_store_open (store);

  /* A reader holding an old snapshot keeps the WAL from being checkpointed
   * fully; the backup takes the slower path and still copies the latest
   * committed state. */
  reader = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  lab_db_exec (reader, "BEGIN", &error);
  stmt = lab_db_prepare (reader, "SELECT count(*) FROM sessions", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 5);

  lab_test_add_session (db, "after-reader", "Written after the reader started", NULL);

  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = verify (store, name);
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_cmpint (lab_backup_info_get_count (info, "sessions"), ==, 6);

  g_clear_pointer (&stmt, sqlite3_finalize);
  lab_db_exec (reader, "COMMIT", &error);
  g_assert_no_error (error);
}

static void
test_compression (LabTestStore  *store,
                  gconstpointer  data)
{
  const char *compression = data;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(LabBackupInfo) verified = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha = NULL;
  gsize length;

  lab_test_store_add_demo (store, 8, 40, 11);
  lab_backup_test_set_compression (store, compression);

  name = lab_backup_test_create (store, LAB_BACKUP_KIND_AUTO);
  info = get_info (store, name);
  g_assert_cmpstr (lab_backup_info_get_compression (info), ==, compression);
  g_assert_true (g_str_has_suffix (lab_backup_info_get_path (info),
                                   g_str_equal (compression, "gzip") ? ".db.gz" : ".db.zst"));

  g_assert_true (g_file_get_contents (lab_backup_info_get_path (info), &contents, &length, NULL));
  if (g_str_equal (compression, "gzip"))
    g_assert_true (length > 2 && (guint8) contents[0] == 0x1f && (guint8) contents[1] == 0x8b);
  else
    g_assert_true (length > 4 && memcmp (contents, "\x28\xb5\x2f\xfd", 4) == 0);
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length);
  g_assert_cmpstr (sha, ==, lab_backup_info_get_sha256 (info));
  g_assert_cmpuint (length, ==, lab_backup_info_get_size (info));

  /* Verification decompresses it and checks the database inside. */
  verified = verify (store, name);
  g_assert_true (lab_backup_info_get_verified (verified));
  g_assert_false (lab_backup_info_get_damaged (verified));
}

static void
test_objects_stored_once (LabTestStore  *store,
                          gconstpointer  data)
{
  g_autofree char *objects = objects_path (store);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  guint n_objects;

  lab_test_store_add_demo (store, 6, 5, 5);
  first = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  n_objects = lab_backup_test_count_files (objects);

  /* Nothing changed: no new object. */
  second = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  g_assert_cmpuint (lab_backup_test_count_files (objects), ==, n_objects);

  /* One new file, and one copy of an existing one: one new object. */
  lab_backup_test_write_file (store, "new-session/notes.md", "# New notes\n");
  lab_backup_test_write_file (store, "new-session/copy.md", "# New notes\n");
  third = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  g_assert_cmpuint (lab_backup_test_count_files (objects), ==, n_objects + 1);

  g_assert_cmpstr (first, !=, second);
  g_assert_cmpstr (second, !=, third);
  g_assert_cmpuint (n_listed (store), ==, 3);
}

static void
test_skip_unchanged (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *touched = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *notes = NULL;
  gboolean skipped = FALSE;

  lab_test_store_add_demo (store, 4, 5, 9);
  lab_backup_test_write_file (store, "s/notes.md", "same\n");

  first = lab_backup_create_full (store->dir, LAB_BACKUP_KIND_AUTO,
                                  LAB_BACKUP_CREATE_SKIP_UNCHANGED, &skipped, NULL, NULL, NULL,
                                  &error);
  g_assert_no_error (error);
  g_assert_false (skipped);

  again = lab_backup_create_full (store->dir, LAB_BACKUP_KIND_AUTO,
                                  LAB_BACKUP_CREATE_SKIP_UNCHANGED, &skipped, NULL, NULL, NULL,
                                  &error);
  g_assert_no_error (error);
  g_assert_true (skipped);
  g_assert_cmpstr (again, ==, first);
  g_assert_cmpuint (n_listed (store), ==, 1);

  /* Rewritten with the same bytes: copied again, found equal, not kept. */
  g_usleep (20 * 1000);
  lab_backup_test_write_file (store, "s/notes.md", "same\n");
  touched = lab_backup_create_full (store->dir, LAB_BACKUP_KIND_AUTO,
                                    LAB_BACKUP_CREATE_SKIP_UNCHANGED, &skipped, NULL, NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_true (skipped);
  g_assert_cmpstr (touched, ==, first);
  g_assert_cmpuint (n_listed (store), ==, 1);

  /* A changed row makes a new backup. */
  lab_test_add_session (lab_test_store_open (store), "fresh", "Fresh session", NULL);
  changed = lab_backup_create_full (store->dir, LAB_BACKUP_KIND_AUTO,
                                    LAB_BACKUP_CREATE_SKIP_UNCHANGED, &skipped, NULL, NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_false (skipped);
  g_assert_cmpstr (changed, !=, first);
  g_assert_cmpuint (n_listed (store), ==, 2);

  /* A manual backup is made whatever changed. */
  notes = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  g_assert_cmpuint (n_listed (store), ==, 3);
}

static void
test_names_within_one_second (LabTestStore  *store,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  lab_test_store_add_demo (store, 2, 2, 1);
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (names, lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL));

  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 4);

  /* Newest first, whatever the suffix. */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (lab_backup_info_get_name (backups->pdata[i]), ==, names->pdata[3 - i]);
}

static void
test_verify_good (LabTestStore  *store,
                  gconstpointer  data)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(LabBackupInfo) listed = NULL;
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 5, 10, 2);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  info = verify (store, name);
  g_assert_true (lab_backup_info_get_verified (info));
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_cmpuint (g_strv_length ((char **) lab_backup_info_get_problems (info)), ==, 0);
  g_assert_cmpint (lab_backup_info_get_verified_at (info), >, 0);

  /* Recorded in the sidecar. */
  listed = get_info (store, name);
  g_assert_true (lab_backup_info_get_verified (listed));
}

static void
assert_damaged (LabTestStore *store,
                const char   *name,
                const char   *problem)
{
  g_autoptr(LabBackupInfo) info = verify (store, name);
  g_autoptr(LabBackupInfo) listed = NULL;
  g_autofree char *joined = g_strjoinv ("\n", (char **) lab_backup_info_get_problems (info));

  g_assert_true (lab_backup_info_get_damaged (info));
  g_assert_false (lab_backup_info_get_verified (info));
  g_assert_false (lab_backup_info_is_good (info));
  if (g_test_verbose ())
    g_test_message ("problems: %s", joined);
  g_assert_nonnull (strstr (joined, problem));

  /* The result is recorded: it is listed as damaged from now on. */
  listed = get_info (store, name);
  g_assert_true (lab_backup_info_get_damaged (listed));
}

static void
test_verify_flipped_byte (LabTestStore  *store,
                          gconstpointer  data)
{
  const char *compression = data;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 5, 10, 2);
  lab_backup_test_set_compression (store, compression);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = get_info (store, name);

  lab_backup_test_flip_byte (lab_backup_info_get_path (info), lab_backup_info_get_size (info) / 2);
  assert_damaged (store, name, "checksum");
}

static void
test_verify_damaged_pages (LabTestStore  *store,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sidecar = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *text = NULL;

  lab_test_store_add_demo (store, 20, 30, 2);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = get_info (store, name);

  /* Damage b-tree pages and make the checksum match the damage: the second
   * line of defence, integrity_check, must still find it. */
  for (goffset page = 2; page * 4096 < (goffset) lab_backup_info_get_size (info); page += 3)
    lab_backup_test_flip_byte (lab_backup_info_get_path (info), page * 4096 + 8);
  sha = lab_file_sha256 (lab_backup_info_get_path (info), NULL, NULL, &error);
  g_assert_no_error (error);
  sidecar = g_strdup (lab_backup_info_get_sidecar_path (info));
  g_assert_true (g_file_get_contents (sidecar, &text, NULL, NULL));
  root = json_from_string (text, &error);
  json_object_set_string_member (json_node_get_object (root), "sha256", sha);
  g_free (text);
  text = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (sidecar, text, -1, NULL));

  assert_damaged (store, name, "database is damaged");
}

static void
test_verify_missing_object (LabTestStore  *store,
                            gconstpointer  data)
{
  gboolean flip = GPOINTER_TO_INT (data);
  g_autofree char *name = NULL;
  g_autofree char *victim = NULL;

  lab_test_store_add_demo (store, 3, 5, 4);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  victim = lab_backup_test_any_object (store);

  if (flip)
    {
      lab_backup_test_flip_byte (victim, 0);
      assert_damaged (store, name, "is damaged in the backup");
    }
  else
    {
      g_assert_cmpint (g_unlink (victim), ==, 0);
      assert_damaged (store, name, "is missing from the backup");
    }
}

static void
test_damaged_sidecar_is_listed_damaged (LabTestStore  *store,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 2, 2, 1);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = get_info (store, name);
  g_assert_true (g_file_set_contents (lab_backup_info_get_sidecar_path (info), "{ not json", -1,
                                      NULL));

  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  g_assert_true (lab_backup_info_get_damaged (backups->pdata[0]));
  g_assert_null (lab_backup_find_last_good (backups));

  /* It can still be deleted. */
  lab_backup_delete (store->dir, name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_listed (store), ==, 0);
}

static void
test_missing_file_is_listed_damaged (LabTestStore  *store,
                                     gconstpointer  data)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(LabBackupInfo) listed = NULL;
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 2, 2, 1);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  info = get_info (store, name);
  g_assert_cmpint (g_unlink (lab_backup_info_get_path (info)), ==, 0);

  listed = get_info (store, name);
  g_assert_true (lab_backup_info_get_damaged (listed));
  g_assert_cmpstr (lab_backup_info_get_problems (listed)[0], ==, "The database file is missing");
}

static void
test_delete_and_collect_objects (LabTestStore  *store,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) first_info = NULL;
  g_autoptr(LabBackupInfo) third_info = NULL;
  g_autoptr(LabBackupInfo) second_info = NULL;
  g_autofree char *objects = objects_path (store);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *extra = NULL;
  guint n_objects;

  lab_test_store_add_demo (store, 3, 5, 4);
  first = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  n_objects = lab_backup_test_count_files (objects);

  lab_backup_test_write_file (store, "s/only-in-second.txt", "second\n");
  second = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  second_info = get_info (store, second);
  g_assert_cmpuint (lab_backup_test_count_files (objects), ==, n_objects + 1);

  extra = g_build_filename (lab_data_dir_get_workspace_path (store->dir), "s",
                            "only-in-second.txt", NULL);
  g_assert_cmpint (g_unlink (extra), ==, 0);
  third = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  /* The object only the deleted backup listed goes with it; shared ones stay. */
  g_assert_true (lab_backup_delete (store->dir, second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_listed (store), ==, 2);
  g_assert_false (g_file_test (lab_backup_info_get_path (second_info), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (lab_backup_info_get_sidecar_path (second_info), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (lab_backup_test_count_files (objects), ==, n_objects);

  first_info = verify (store, first);
  third_info = verify (store, third);
  g_assert_false (lab_backup_info_get_damaged (first_info));
  g_assert_false (lab_backup_info_get_damaged (third_info));

  g_assert_false (lab_backup_delete (store->dir, second, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_pin (LabTestStore  *store,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) pinned = NULL;
  g_autoptr(LabBackupInfo) unpinned = NULL;
  g_autofree char *name = NULL;

  lab_test_store_add_demo (store, 2, 2, 1);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  g_assert_true (lab_backup_set_pinned (store->dir, name, TRUE, &error));
  g_assert_no_error (error);
  pinned = get_info (store, name);
  g_assert_true (lab_backup_info_get_pinned (pinned));

  /* A pinned backup is not deleted. */
  g_assert_false (lab_backup_delete (store->dir, name, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (n_listed (store), ==, 1);

  g_assert_true (lab_backup_set_pinned (store->dir, name, FALSE, &error));
  unpinned = get_info (store, name);
  g_assert_false (lab_backup_info_get_pinned (unpinned));
  g_assert_true (lab_backup_delete (store->dir, name, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_listed (store), ==, 0);

  /* Names that are not backups' are refused before touching anything. */
  g_assert_false (lab_backup_set_pinned (store->dir, "../config/config", TRUE, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (lab_backup_delete (store->dir, "backup_20260101_000000", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_no_store (LabTestStore  *store,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_listed (store), ==, 0);
}

static void
test_not_a_database (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir), "my notes\n", -1,
                                      NULL));
  before = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));

  name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE);
  after = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (n_listed (store), ==, 0);
}

static void
test_damaged_settings (LabTestStore  *store,
                       gconstpointer  data)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;

  /* Settings that cannot be read do not stop a backup; it is uncompressed. */
  lab_test_store_add_demo (store, 2, 2, 1);
  g_assert_true (g_file_set_contents (lab_data_dir_get_config_file (store->dir), "{ broken", -1,
                                      NULL));
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_AUTO);
  info = verify (store, name);
  g_assert_cmpstr (lab_backup_info_get_compression (info), ==, "none");
  g_assert_false (lab_backup_info_get_damaged (info));
}

static void
test_cancelled (LabTestStore  *store,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *name = NULL;
  g_autoptr(GDir) folder = NULL;
  const char *entry;

  lab_test_store_add_demo (store, 3, 5, 4);
  g_cancellable_cancel (cancellable);
  name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, cancellable, &error);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n_listed (store), ==, 0);

  /* Nothing half-written stays behind. */
  folder = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  while ((entry = g_dir_read_name (folder)) != NULL)
    g_assert_true (g_str_equal (entry, ".lock") || g_str_equal (entry, "objects"));
}

static void
test_leftovers_are_removed (LabTestStore  *store,
                            gconstpointer  data)
{
  const char *backups_path;
  const char *leftovers[] = {
    "backup_20200101_000000.db", "backup_20200101_000000.db.zst.tmp-AbCdEf",
    "backup_20200101_000001.json.tmp-123456", ".snapshot-QwErTy",
  };
  g_autofree char *name = NULL;
  g_autofree char *mine = NULL;

  lab_test_store_add_demo (store, 2, 2, 1);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  backups_path = lab_data_dir_get_backups_path (store->dir);

  /* What a killed backup leaves: files without a sidecar, temporary files.
   * None is listed; the next backup removes them, and keeps what is not its own. */
  for (guint i = 0; i < G_N_ELEMENTS (leftovers); i++)
    {
      g_autofree char *path = g_build_filename (backups_path, leftovers[i], NULL);

      g_assert_true (g_file_set_contents (path, "half", -1, NULL));
    }
  mine = g_build_filename (backups_path, "my-notes.txt", NULL);
  g_assert_true (g_file_set_contents (mine, "keep me", -1, NULL));
  g_assert_cmpuint (n_listed (store), ==, 1);

  g_free (lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL));
  for (guint i = 0; i < G_N_ELEMENTS (leftovers); i++)
    {
      g_autofree char *path = g_build_filename (backups_path, leftovers[i], NULL);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (n_listed (store), ==, 2);
}

static void
test_pre_migration (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(LabBackupInfo) verified = NULL;
  LabBackupInfo *info;
  LabDb *db;

  /* A real file of schema version 1, with rows. */
  lab_backup_test_make_v1_store (store);
  g_assert_cmpuint (n_listed (store), ==, 0);

  /* Opening it upgrades it, after backing it up. */
  db = lab_test_store_open (store);
  g_assert_cmpint (lab_db_get_schema_version (db), ==, LAB_SCHEMA_VERSION);

  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  info = backups->pdata[0];
  g_assert_cmpint (lab_backup_info_get_kind (info), ==, LAB_BACKUP_KIND_PRE_MIGRATION);
  g_assert_cmpint (lab_backup_info_get_schema_version (info), ==, 1);

  verified = verify (store, lab_backup_info_get_name (info));
  g_assert_false (lab_backup_info_get_damaged (verified));

  /* The backup holds the version-1 file's rows (read without upgrading it). */
  {
    g_autoptr(GError) open_error = NULL;
    sqlite3 *raw = NULL;
    g_autoptr(sqlite3_stmt) stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (lab_backup_info_get_path (info), &raw, SQLITE_OPEN_READONLY,
                                      NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT content FROM messages", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "Which schedule wins?");
    g_clear_pointer (&stmt, sqlite3_finalize);
    sqlite3_close (raw);
  }

  /* Opening again makes no second backup. */
  g_clear_object (&store->db);
  lab_test_store_open (store);
  g_assert_cmpuint (n_listed (store), ==, 1);
}

static void
test_pre_migration_failure_stops_upgrade (LabTestStore  *store,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *backups_path = NULL;

  lab_backup_test_make_v1_store (store);

  /* No backup can be made (the object store is a file): no upgrade. */
  backups_path = g_build_filename (lab_data_dir_get_backups_path (store->dir), "objects", NULL);
  g_assert_true (g_file_set_contents (backups_path, "not a folder", -1, NULL));

  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "before upgrading"));
  g_clear_error (&error);

  db = lab_db_open_file_at_version (lab_data_dir_get_db_path (store->dir), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA user_version", &error), ==, 1);
}

static void
test_open_database (LabTestStore  *store,
                    gconstpointer  data)
{
  const char *compression = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(GDir) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *live_rows = NULL;
  g_autofree char *backup_rows = NULL;
  const char *entry;

  lab_test_store_add_demo (store, 6, 8, 12);
  lab_backup_test_set_compression (store, compression);
  name = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);

  /* Browsable like a store, read-only, the same rows. */
  db = lab_backup_open_database (store->dir, name, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lab_db_is_read_only (db));
  live_rows = lab_backup_test_dump (lab_test_store_open (store), NULL, NULL);
  backup_rows = lab_backup_test_dump (db, NULL, NULL);
  g_assert_cmpstr (live_rows, ==, backup_rows);

  /* A decompressed copy leaves nothing behind in the folder. */
  folder = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  while ((entry = g_dir_read_name (folder)) != NULL)
    g_assert_false (g_str_has_prefix (entry, ".extract-"));
  g_clear_object (&db);

  /* A damaged backup is not offered. */
  info = get_info (store, name);
  lab_backup_test_flip_byte (lab_backup_info_get_path (info), 100);
  g_clear_object (&info);
  info = verify (store, name);
  db = lab_backup_open_database (store->dir, name, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  char **name = user_data;
  g_autoptr(GError) error = NULL;
  gboolean skipped = TRUE;

  *name = lab_backup_create_finish (LAB_DATA_DIR (source), result, &skipped, &error);
  g_assert_no_error (error);
  g_assert_false (skipped);
}

static void
progress_notify_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  double *max = user_data;

  *max = MAX (*max, lab_progress_get_fraction (LAB_PROGRESS (object)));
}

static void
test_async (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_autofree char *name = NULL;
  double max = 0;

  lab_test_store_add_demo (store, 5, 20, 6);
  g_signal_connect (progress, "notify::fraction", G_CALLBACK (progress_notify_cb), &max);

  lab_backup_create_async (store->dir, LAB_BACKUP_KIND_MANUAL, LAB_BACKUP_CREATE_DEFAULT,
                           progress, NULL, created_cb, &name);
  while (name == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Let the last progress update arrive. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_true (g_str_has_prefix (name, "backup_"));
  g_assert_cmpfloat (max, ==, 1.0);
  g_assert_cmpstr (lab_progress_get_message (progress), ==, "Backup complete");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add ("/labdata/store/backup/" path, LabTestStore, data, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("create", test_create, NULL);
  ADD ("writes-are-not-blocked", test_writes_during_backup_are_not_blocked, NULL);
  ADD ("old-reader-does-not-block", test_old_reader_does_not_block, NULL);
  ADD ("compression/gzip", test_compression, "gzip");
  ADD ("compression/zstd", test_compression, "zstd");
  ADD ("objects-stored-once", test_objects_stored_once, NULL);
  ADD ("skip-unchanged", test_skip_unchanged, NULL);
  ADD ("names-within-one-second", test_names_within_one_second, NULL);
  ADD ("verify/good", test_verify_good, NULL);
  ADD ("verify/flipped-byte", test_verify_flipped_byte, "none");
  ADD ("verify/flipped-byte-zstd", test_verify_flipped_byte, "zstd");
  ADD ("verify/flipped-byte-gzip", test_verify_flipped_byte, "gzip");
  ADD ("verify/damaged-pages", test_verify_damaged_pages, NULL);
  ADD ("verify/deleted-object", test_verify_missing_object, GINT_TO_POINTER (FALSE));
  ADD ("verify/flipped-object", test_verify_missing_object, GINT_TO_POINTER (TRUE));
  ADD ("damaged-sidecar", test_damaged_sidecar_is_listed_damaged, NULL);
  ADD ("missing-file", test_missing_file_is_listed_damaged, NULL);
  ADD ("delete", test_delete_and_collect_objects, NULL);
  ADD ("pin", test_pin, NULL);
  ADD ("no-store", test_no_store, NULL);
  ADD ("not-a-database", test_not_a_database, NULL);
  ADD ("damaged-settings", test_damaged_settings, NULL);
  ADD ("cancelled", test_cancelled, NULL);
  ADD ("leftovers-are-removed", test_leftovers_are_removed, NULL);
  ADD ("pre-migration", test_pre_migration, NULL);
  ADD ("pre-migration-failure-stops-upgrade", test_pre_migration_failure_stops_upgrade, NULL);
  ADD ("async", test_async, NULL);
  ADD ("open-database", test_open_database, "none");
  ADD ("open-database-zstd", test_open_database, "zstd");

#undef ADD

  return g_test_run ();
}
