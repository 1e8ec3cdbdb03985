/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-error.h"
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-test-util.h"

/* Every row of every data table, in key order, as JSON lines. */
static char *
dump_rows (LabDb *db)
{
  GString *out = g_string_new (NULL);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *select = lab_row_select_sql (&tables[t], NULL);
      g_autoptr(GString) sql = g_string_new (select);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      gboolean first = TRUE;

      g_string_append (sql, " ORDER BY ");
      for (guint c = 0; c < tables[t].n_columns; c++)
        {
          if (tables[t].columns[c].flags & LAB_COLUMN_FLAG_KEY)
            {
              g_string_append_printf (sql, "%s\"%s\"", first ? "" : ", ", tables[t].columns[c].name);
              first = FALSE;
            }
        }

      stmt = lab_db_prepare (db, sql->str, &error);
      g_assert_no_error (error);
      g_string_append_printf (out, "# %s\n", tables[t].name);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          lab_row_append_json (&tables[t], stmt, out);
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

static void
assert_same_rows (LabDb *a,
                  LabDb *b)
{
  g_autofree char *dump_a = dump_rows (a);
  g_autofree char *dump_b = dump_rows (b);

  g_assert_cmpuint (strlen (dump_a), >, 100);
  g_assert_cmpstr (dump_a, ==, dump_b);
}

static LabDb *
open_backup_file (LabBackupInfo *info)
{
  g_autoptr(GError) error = NULL;
  LabDb *db = lab_db_open_file (lab_backup_info_get_path (info), LAB_DB_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return db;
}

static void
test_create (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(LabDb) copy = NULL;
  g_autofree char *name = NULL;
  g_autofree char *wal = NULL;
  LabBackupInfo *info;
  LabDb *db;

  lab_test_store_add_demo (store, 12, 30, 7);
  db = lab_test_store_open (store);

  name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (name);
  g_assert_true (g_str_has_prefix (name, "backup_"));

  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  info = backups->pdata[0];
  g_assert_cmpstr (lab_backup_info_get_name (info), ==, name);
  g_assert_cmpint (lab_backup_info_get_kind (info), ==, LAB_BACKUP_KIND_MANUAL);
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_false (lab_backup_info_get_verified (info));
  g_assert_cmpint (lab_backup_info_get_schema_version (info), ==, LAB_SCHEMA_VERSION);
  g_assert_cmpint (lab_backup_info_get_count (info, "sessions"), ==, 12);
  g_assert_cmpint (lab_backup_info_get_count (info, "messages"), ==, 12 * 30);
  g_assert_cmpuint (lab_backup_info_get_n_files (info), >, 0);

  /* The copy opens as it is, without -wal or -shm files, and holds every row. */
  copy = open_backup_file (info);
  assert_same_rows (db, copy);
  wal = g_strconcat (lab_backup_info_get_path (info), "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* The checksum is that of the file as written. */
  {
    g_autofree char *contents = NULL;
    gsize length;
    g_autofree char *sha = NULL;

    g_assert_true (g_file_get_contents (lab_backup_info_get_path (info), &contents, &length, NULL));
    sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length);
    g_assert_cmpstr (sha, ==, lab_backup_info_get_sha256 (info));
    g_assert_cmpuint (length, ==, lab_backup_info_get_size (info));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/backup/create", LabTestStore, NULL,
              lab_test_store_setup, test_create, lab_test_store_teardown);

  return g_test_run ();
}
