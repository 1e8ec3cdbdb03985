/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup-test"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-backup-test-util.h"
#include "lab-config.h"
#include "lab-fileutil.h"
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-timestamp.h"

/**
 * lab_backup_test_dump:
 * @only_session: (nullable): only the rows of this session
 * @except_sessions: (nullable): leave out the rows of these sessions
 *
 * Returns: (transfer full): every row of every data table, in key order, as
 *   JSON lines under a "# table" line each: equal dumps mean equal data
 */
char *
lab_backup_test_dump (LabDb              *db,
                      const char         *only_session,
                      const char * const *except_sessions)
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
      const char *session_column = tables[t].session_column;
      gboolean first = TRUE;

      if ((only_session != NULL || except_sessions != NULL) && session_column == NULL)
        {
          if (only_session != NULL)
            continue;
        }
      else if (only_session != NULL)
        g_string_append_printf (sql, " WHERE \"%s\" = ?1", session_column);
      else if (except_sessions != NULL)
        g_string_append_printf (sql, " WHERE \"%s\" IS NULL OR \"%s\" NOT IN"
                                     " (SELECT value FROM json_each (?1))",
                                session_column, session_column);

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
      if (only_session != NULL && session_column != NULL)
        sqlite3_bind_text (stmt, 1, only_session, -1, SQLITE_TRANSIENT);
      else if (except_sessions != NULL && session_column != NULL)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_array (builder);
          for (guint i = 0; except_sessions[i] != NULL; i++)
            json_builder_add_string_value (builder, except_sessions[i]);
          json_builder_end_array (builder);
          root = json_builder_get_root (builder);
          sqlite3_bind_text (stmt, 1, json_to_string (root, FALSE), -1, g_free);
        }

      g_string_append_printf (out, "# %s\n", tables[t].name);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          lab_row_append_json (&tables[t], stmt, out);
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

/* The dump of a database file, e.g. a backup's, opened read-only. */
char *
lab_backup_test_dump_file (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open_file (db_path, LAB_DB_OPEN_READ_ONLY, &error);

  g_assert_no_error (error);
  return lab_backup_test_dump (db, NULL, NULL);
}

void
lab_backup_test_flip_byte (const char *path,
                           goffset     offset)
{
  guint8 byte;
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, &byte, 1, offset), ==, 1);
  byte ^= 0x5a;
  g_assert_cmpint (pwrite (fd, &byte, 1, offset), ==, 1);
  close (fd);
}

/* Regular files at or below @path. */
guint
lab_backup_test_count_files (const char *path)
{
  guint64 n = 0;

  lab_path_disk_usage (path, &n);
  return n;
}

char *
lab_backup_test_create (LabTestStore  *store,
                        LabBackupKind  kind)
{
  g_autoptr(GError) error = NULL;
  char *name = lab_backup_create (store->dir, kind, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (name);
  return name;
}

/* Rewrites a backup's sidecar as if it had been made at @usec. */
void
lab_backup_test_set_created (LabTestStore *store,
                             const char   *name,
                             gint64        usec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (lab_data_dir_get_backups_path (store->dir), file, NULL);
  g_autofree char *text = NULL;
  g_autofree char *when = lab_timestamp_format (usec);
  g_autoptr(JsonNode) root = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (root), "created_at", when);
  g_free (text);
  text = json_to_string (root, TRUE);
  g_assert_true (lab_file_replace_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* Writes data/workspace/@relative, with its folders. */
void
lab_backup_test_write_file (LabTestStore *store,
                            const char   *relative,
                            const char   *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (lab_data_dir_get_workspace_path (store->dir), relative,
                                            NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_true (lab_mkdir_private (parent, &error));
  g_assert_true (lab_file_replace_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

void
lab_backup_test_set_compression (LabTestStore *store,
                                 const char   *compression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = lab_config_load (store->dir, &error);

  g_assert_no_error (error);
  lab_config_set_string (config, LAB_CONFIG_AUTO_BACKUP_COMPRESSION, compression, &error);
  g_assert_no_error (error);
  lab_config_save (config, &error);
  g_assert_no_error (error);
}

/* A real store of schema version 1, with a session and a message. */
void
lab_backup_test_make_v1_store (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) v1 = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  v1 = lab_db_open_file_at_version (lab_data_dir_get_db_path (store->dir), 1, &error);
  g_assert_no_error (error);
  lab_test_add_session (v1, "s-1", "Annealing schedules", NULL);
  lab_test_add_message (v1, "s-1", 1, "user", "Ada", "Which schedule wins?");
}

/* The path of some workspace object in the store's backups. */
char *
lab_backup_test_any_object (LabTestStore *store)
{
  g_autofree char *objects = g_build_filename (lab_data_dir_get_backups_path (store->dir),
                                               "objects", NULL);
  g_autoptr(GDir) prefixes = g_dir_open (objects, 0, NULL);
  const char *prefix;

  while (prefixes != NULL && (prefix = g_dir_read_name (prefixes)) != NULL)
    {
      g_autofree char *sub = g_build_filename (objects, prefix, NULL);
      g_autoptr(GDir) entries = g_dir_open (sub, 0, NULL);
      const char *entry = entries ? g_dir_read_name (entries) : NULL;

      if (entry != NULL)
        return g_build_filename (sub, entry, NULL);
    }

  g_assert_not_reached ();
}

/*
 * Opens the store as any program would (which completes an interrupted
 * restore), checks that it is intact, and reads its state.
 */
void
lab_backup_test_state_take (LabBackupTestState *state,
                            LabTestStore       *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = lab_db_prepare (db, "PRAGMA integrity_check", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM pragma_foreign_key_check",
                                       &error), ==, 0);
  lab_test_assert_fts_ok (db);

  lab_backup_test_state_clear (state);
  state->rows = lab_backup_test_dump (db, NULL, NULL);
  state->workspace = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
}

gboolean
lab_backup_test_state_equal (LabBackupTestState *a,
                             LabBackupTestState *b)
{
  return g_str_equal (a->rows, b->rows) && g_str_equal (a->workspace, b->workspace);
}

void
lab_backup_test_state_clear (LabBackupTestState *state)
{
  g_clear_pointer (&state->rows, g_free);
  g_clear_pointer (&state->workspace, g_free);
}
