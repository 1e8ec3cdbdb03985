/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-schema.h"
#include "lab-test-util.h"

static void
prepare_data_folder (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_no_error (error);
}

static void
test_not_a_database (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = NULL;

  prepare_data_folder (store);
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir),
                                      "these are my notes, not a database\n", -1, NULL));
  before = lab_test_tree_digest (store->root);

  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE);
  g_assert_nonnull (strstr (error->message, "not a LabData database"));

  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
  wal = g_strconcat (lab_data_dir_get_db_path (store->dir), "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_other_programs_database (LabTestStore  *store,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *raw = NULL;

  prepare_data_folder (store);
  g_assert_cmpint (sqlite3_open (lab_data_dir_get_db_path (store->dir), &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  before = lab_test_tree_digest (store->root);

  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE);
  g_assert_nonnull (strstr (error->message, "another program"));

  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_schema_too_new (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *raw = NULL;

  lab_test_store_open (store);
  g_clear_object (&store->db);

  g_assert_cmpint (sqlite3_open (lab_data_dir_get_db_path (store->dir), &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  before = lab_test_tree_digest (store->root);

  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of LabData"));

  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_folder_not_usable (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabDataDir) under_file = NULL;
  g_autofree char *file = g_build_filename (store->tmp, "plain-file", NULL);
  g_autofree char *root = g_build_filename (file, "store", NULL);

  /* A data folder inside a regular file can never be created. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  under_file = lab_data_dir_new (root);
  db = lab_db_open (under_file, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_WRITABLE);
  g_clear_error (&error);

  /* A folder without write permission (root ignores permissions; the CLI test
   * covers this case as an unprivileged user). */
  if (geteuid () != 0)
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      g_assert_cmpint (g_mkdir (store->root, 0500), ==, 0);
      before = lab_test_tree_digest (store->root);
      db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
      g_assert_null (db);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_WRITABLE);
      after = lab_test_tree_digest (store->root);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
test_locked (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) other = NULL;
  LabDb *db = lab_test_store_open (store);

  other = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  sqlite3_busy_timeout (lab_db_get_handle (other), 50);

  g_assert_true (lab_db_begin (db, &error));
  g_assert_false (lab_db_begin (other, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  /* Readers are not blocked by a writer (WAL). */
  g_assert_cmpint (lab_db_query_int64 (other, "SELECT count(*) FROM sessions", &error), ==, 0);
  g_assert_no_error (error);
  lab_db_rollback (db);
}

static void
test_read_only_missing (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (store->dir, LAB_DB_OPEN_READ_ONLY, &error);

  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (store->root, G_FILE_TEST_EXISTS));
}

static void
test_cancel (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LabDb *db = lab_test_store_open (store);

  g_cancellable_cancel (cancellable);
  lab_db_set_cancellable (db, cancellable);
  lab_db_query_int64 (db, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                          " WHERE x < 100000000) SELECT count(*) FROM c", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  lab_db_set_cancellable (db, NULL);
}

static void
test_meta (LabTestStore  *store,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *missing = NULL;
  LabDb *db = lab_test_store_open (store);

  g_assert_true (lab_db_set_meta (db, "k", "v", &error));
  value = lab_db_get_meta (db, "k");
  missing = lab_db_get_meta (db, "nope");
  g_assert_cmpstr (value, ==, "v");
  g_assert_null (missing);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/db/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("not-a-database", test_not_a_database);
  ADD ("other-programs-database", test_other_programs_database);
  ADD ("schema-too-new", test_schema_too_new);
  ADD ("folder-not-usable", test_folder_not_usable);
  ADD ("locked", test_locked);
  ADD ("read-only-missing", test_read_only_missing);
  ADD ("cancel", test_cancel);
  ADD ("meta", test_meta);

  return g_test_run ();
}
