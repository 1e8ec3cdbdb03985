/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include "lab-schema.h"
#include "lab-test-util.h"

/* The table descriptions must name exactly the real columns, in order. */
static void
test_descriptions_match_tables (LabTestStore  *store,
                                gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  g_assert_cmpuint (n_tables, ==, 9);

  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", tables[t].name);
      g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, NULL);
      guint i = 0;

      g_assert_nonnull (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const LabColumnInfo *column;
          gboolean notnull = sqlite3_column_int (stmt, 3);
          gboolean has_default = sqlite3_column_type (stmt, 4) != SQLITE_NULL;

          g_assert_cmpuint (i, <, tables[t].n_columns);
          column = &tables[t].columns[i];
          g_assert_cmpstr (column->name, ==, (const char *) sqlite3_column_text (stmt, 1));

          /* Nullable in the description exactly when nullable in SQL (the
           * integer keys are NOT NULL in effect). */
          if (!(column->flags & LAB_COLUMN_FLAG_INTERNAL) && sqlite3_column_int (stmt, 5) == 0)
            g_assert_cmpint (!!(column->flags & LAB_COLUMN_FLAG_NULLABLE), ==, !notnull);

          /* A required column has no default; an optional NOT NULL one has. */
          if (column->flags & LAB_COLUMN_FLAG_REQUIRED)
            g_assert_false (has_default);
          else if (notnull && !(column->flags & LAB_COLUMN_FLAG_INTERNAL))
            g_assert_true (has_default);
          i++;
        }
      g_assert_cmpuint (i, ==, tables[t].n_columns);
      g_assert_nonnull (lab_schema_get_table (tables[t].name));
    }

  g_assert_null (lab_schema_get_table ("sqlite_schema"));
}

static void
test_fresh_store (LabTestStore  *store,
                  gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  const char *dirs[] = { "data", "data/workspace", "backups", "archives", "config", "logs" };
  struct stat st;
  g_autofree char *mode = NULL;

  g_assert_cmpint (lab_db_get_schema_version (db), ==, LAB_SCHEMA_VERSION);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA user_version", &error), ==, LAB_SCHEMA_VERSION);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA application_id", &error), ==, LAB_APPLICATION_ID);
  g_assert_cmpint (lab_db_query_int64 (db, "PRAGMA foreign_keys", &error), ==, 1);
  g_assert_no_error (error);

  {
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "PRAGMA journal_mode", NULL);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  }
  g_assert_cmpstr (mode, ==, "wal");

  g_assert_cmpint (stat (store->root, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (store->root, dirs[i], NULL);

      g_assert_cmpint (stat (path, &st), ==, 0);
      g_assert_true (S_ISDIR (st.st_mode));
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
    }

  g_assert_cmpint (stat (lab_data_dir_get_db_path (store->dir), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_data_dir_resolution (void)
{
  g_autoptr(LabDataDir) from_option = NULL;
  g_autoptr(LabDataDir) from_env = NULL;
  g_autoptr(LabDataDir) from_xdg = NULL;
  g_autofree char *xdg = NULL;

  g_setenv ("LABDATA_DIR", "/tmp/from-env", TRUE);
  from_option = lab_data_dir_resolve ("/tmp/from-option");
  from_env = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (from_option), ==, "/tmp/from-option");
  g_assert_cmpstr (lab_data_dir_get_root (from_env), ==, "/tmp/from-env");

  g_unsetenv ("LABDATA_DIR");
  from_xdg = lab_data_dir_resolve (NULL);
  xdg = g_build_filename (g_get_user_data_dir (), "labdata", NULL);
  g_assert_cmpstr (lab_data_dir_get_root (from_xdg), ==, xdg);

  g_assert_cmpstr (lab_data_dir_get_db_path (from_option), ==, "/tmp/from-option/data/labdata.db");
  g_assert_cmpstr (lab_data_dir_get_config_file (from_option), ==,
                   "/tmp/from-option/config/config.json");
  {
    g_autofree char *ws = lab_data_dir_get_session_workspace (from_option, "abc");
    g_autofree char *bad = lab_data_dir_get_session_workspace (from_option, "../abc");

    g_assert_cmpstr (ws, ==, "/tmp/from-option/data/workspace/abc");
    g_assert_null (bad);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/schema/descriptions-match-tables", LabTestStore, NULL,
              lab_test_store_setup, test_descriptions_match_tables, lab_test_store_teardown);
  g_test_add ("/labdata/store/schema/fresh-store", LabTestStore, NULL,
              lab_test_store_setup, test_fresh_store, lab_test_store_teardown);
  g_test_add_func ("/labdata/store/schema/data-dir-resolution", test_data_dir_resolution);

  return g_test_run ();
}
