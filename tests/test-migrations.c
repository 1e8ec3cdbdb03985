/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-schema.h"
#include "lab-search.h"
#include "lab-test-util.h"

/* Each migration runs on a real file of the version before it, with rows in it. */

static char *
make_v1_file (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) v1 = NULL;
  char *path;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  path = g_strdup (lab_data_dir_get_db_path (store->dir));

  v1 = lab_db_open_file_at_version (path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_db_get_schema_version (v1), ==, 1);

  /* At version 1 there is no full-text index yet. */
  g_assert_cmpint (lab_db_query_int64 (v1, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts'",
                                       &error), ==, 0);

  lab_test_add_session (v1, "s-1", "Quantum annealing schedules", "{\"keywords\": [\"annealing\"]}");
  lab_test_add_message (v1, "s-1", 1, "user", "Ada Chen", "How do the annealing schedules compare?");
  lab_test_add_message (v1, "s-1", 2, "assistant", "Planner", "The linear schedule wins on small instances.");
  return path;
}

static void
test_v1_to_current (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autofree char *path = make_v1_file (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("linear");
  g_autoptr(LabSearchResults) results = NULL;
  LabDb *db;

  db = lab_test_store_open (store);
  g_assert_cmpint (lab_db_get_schema_version (db), ==, LAB_SCHEMA_VERSION);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages", &error), ==, 2);

  /* Rows written at version 1 are searchable after the upgrade. */
  results = lab_search_run (db, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->messages->len, ==, 1);
  lab_search_results_free (g_steal_pointer (&results));

  lab_search_query_free (query);
  query = lab_search_query_new ("annealing");
  results = lab_search_run (db, query, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->sessions->len, ==, 1);
  g_assert_cmpuint (results->messages->len, ==, 1);

  lab_test_assert_fts_ok (db);
}

static void
test_v0_to_current (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autofree char *path = g_build_filename (store->tmp, "empty.db", NULL);

  /* An empty file is a database at version 0. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  db = lab_db_open_file (path, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_db_get_schema_version (db), ==, LAB_SCHEMA_VERSION);
}

static void
test_failed_migration_keeps_previous_version (LabTestStore  *store,
                                              gconstpointer  data)
{
  g_autofree char *path = make_v1_file (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabDb) again = NULL;

  /* Something in the way of migration 2 makes it fail halfway. */
  {
    g_autoptr(LabDb) v1 = lab_db_open_file_at_version (path, 1, &error);

    g_assert_no_error (error);
    lab_db_exec (v1, "CREATE TABLE sessions_fts (x)", &error);
    g_assert_no_error (error);
  }

  db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_null (db);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SQLITE);
  g_assert_nonnull (strstr (error->message, "migration 2"));
  g_clear_error (&error);

  /* The whole step was rolled back: still version 1, rows intact, no
   * half-made messages_fts. */
  again = lab_db_open_file_at_version (path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_db_query_int64 (again, "PRAGMA user_version", &error), ==, 1);
  g_assert_cmpint (lab_db_query_int64 (again, "SELECT count(*) FROM messages", &error), ==, 2);
  g_assert_cmpint (lab_db_query_int64 (again, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts'",
                                       &error), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/migrations/v1-to-current", LabTestStore, NULL,
              lab_test_store_setup, test_v1_to_current, lab_test_store_teardown);
  g_test_add ("/labdata/store/migrations/v0-to-current", LabTestStore, NULL,
              lab_test_store_setup, test_v0_to_current, lab_test_store_teardown);
  g_test_add ("/labdata/store/migrations/failed-migration-keeps-previous-version", LabTestStore, NULL,
              lab_test_store_setup, test_failed_migration_keeps_previous_version,
              lab_test_store_teardown);

  return g_test_run ();
}
