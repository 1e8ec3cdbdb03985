/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-demo.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-row.h"
#include "lab-test-util.h"

/* A digest of every exported column of every table, in key order. */
static char *
content_digest (LabDb *db)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *select = lab_row_select_sql (&tables[t], NULL);
      g_autofree char *sql = NULL;
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autoptr(GString) line = g_string_new (NULL);
      const char *order = g_str_equal (tables[t].name, "workspace_files") ? "session_id, path" : "id";

      sql = g_strdup_printf ("%s ORDER BY %s", select, order);
      stmt = lab_db_prepare (db, sql, NULL);
      g_assert_nonnull (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_truncate (line, 0);
          lab_row_append_json (&tables[t], stmt, line);
          g_checksum_update (sum, (const guchar *) line->str, line->len);
        }
    }

  return g_strdup (g_checksum_get_string (sum));
}

static void
test_counts_and_files (LabTestStore  *store,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LabDemoOptions options;
  LabDemoStats stats;
  LabDb *db = lab_test_store_open (store);
  guint files = 0;

  lab_demo_options_init (&options);
  options.n_sessions = 21;
  options.messages_per_session = 30;
  options.large_session = 500;

  g_assert_true (lab_demo_generate (db, &options, &stats, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (stats.sessions, ==, 22);
  g_assert_cmpuint (stats.messages, ==, 21 * 30 + 500);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions", NULL), ==, 22);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages", NULL), ==, 21 * 30 + 500);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT max(c) FROM (SELECT count(*) c FROM messages"
                                           " GROUP BY session_id)", NULL), ==, 500);

  /* Every kind of data is there. */
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(DISTINCT role) FROM messages", NULL), ==, 6);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages WHERE tool_calls IS NOT NULL", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM metrics", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM agent_activity", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM meetings", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM snapshots", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM analytics", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE starred", NULL), >, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions"
                                           " WHERE json_array_length (participants) >= 2", NULL), ==, 22);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA foreign_key_check", NULL), ==, 0);
  lab_test_assert_fts_ok (db);

  /* The workspace files on disk are the ones the database lists. */
  stmt = lab_db_prepare (db, "SELECT session_id, path, size, sha256 FROM workspace_files", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *ws = lab_data_dir_get_session_workspace (store->dir,
                                                                (const char *) sqlite3_column_text (stmt, 0));
      g_autofree char *path = g_build_filename (ws, sqlite3_column_text (stmt, 1), NULL);
      goffset size = 0;
      g_autofree char *sha = lab_file_sha256 (path, &size, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (size, ==, sqlite3_column_int64 (stmt, 2));
      g_assert_cmpstr (sha, ==, (const char *) sqlite3_column_text (stmt, 3));
      files++;
    }
  g_assert_cmpuint (files, ==, stats.files);
  g_assert_cmpuint (files, >=, 2 * 22);
}

static void
test_deterministic (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_root = g_build_filename (store->tmp, "other", NULL);
  g_autoptr(LabDataDir) other_dir = lab_data_dir_new (other_root);
  g_autoptr(LabDb) other = lab_db_open (other_dir, LAB_DB_OPEN_DEFAULT, &error);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  LabDemoOptions options;

  g_assert_no_error (error);
  lab_test_store_add_demo (store, 15, 20, 7);

  lab_demo_options_init (&options);
  options.n_sessions = 15;
  options.messages_per_session = 20;
  options.seed = 7;
  g_assert_true (lab_demo_generate (other, &options, NULL, NULL, NULL, NULL, &error));

  a = content_digest (store->db);
  b = content_digest (other);
  g_assert_cmpstr (a, ==, b);

  /* The same seed again is refused and changes nothing; another seed adds. */
  g_assert_false (lab_demo_generate (other, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  c = content_digest (other);
  g_assert_cmpstr (b, ==, c);

  options.seed = 8;
  g_assert_true (lab_demo_generate (other, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_cmpint (lab_db_query_int64 (other, "SELECT count(*) FROM sessions", NULL), ==, 30);
}

static void
test_cancel_rolls_back (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LabDb *db = lab_test_store_open (store);
  LabDemoOptions options;

  lab_demo_options_init (&options);
  options.with_files = FALSE;
  g_cancellable_cancel (cancellable);
  g_assert_false (lab_demo_generate (db, &options, NULL, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions", NULL), ==, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM store_meta", NULL), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/demo/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("counts-and-files", test_counts_and_files);
  ADD ("deterministic", test_deterministic);
  ADD ("cancel-rolls-back", test_cancel_rolls_back);

  return g_test_run ();
}
