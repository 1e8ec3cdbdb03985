/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-check.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-test-util.h"

/* Each test damages a store in one way, on purpose, and checks that the
 * check finds exactly that and that the repair it offers fixes it. */

static LabCheckReport *
check (LabTestStore  *store,
       LabCheckLevel  level)
{
  g_autoptr(GError) error = NULL;
  LabCheckReport *report = lab_check_run (store->dir, level, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* The report's only problem (warnings and errors) is of @kind. */
static LabCheckFinding *
assert_only_problem (LabCheckReport      *report,
                     LabCheckFindingKind  kind)
{
  LabCheckFinding *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (lab_check_report_get_findings (report)); i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);

      if (lab_check_finding_get_severity (finding) == LAB_CHECK_SEVERITY_INFO)
        continue;
      if (lab_check_finding_get_kind (finding) != kind)
        g_error ("unexpected finding %s (%s)",
                 lab_check_finding_kind_to_string (lab_check_finding_get_kind (finding)),
                 lab_check_finding_get_subject (finding));
      found = finding;
    }

  g_assert_nonnull (found);
  g_assert_true (lab_check_report_has_problems (report));
  return lab_check_report_find (report, kind, NULL);
}

static void
assert_clean (LabCheckReport *report)
{
  for (guint i = 0; i < g_list_model_get_n_items (lab_check_report_get_findings (report)); i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);
      g_autofree char *explanation = lab_check_finding_dup_explanation (finding);

      if (lab_check_finding_get_severity (finding) != LAB_CHECK_SEVERITY_INFO)
        g_error ("unexpected finding: %s", explanation);
    }
  g_assert_cmpint (lab_check_report_get_status (report), ==, LAB_CHECK_STATUS_OK);
}

static LabCheckReport *
repair (LabTestStore   *store,
        LabCheckReport *report)
{
  g_autoptr(GError) error = NULL;
  LabCheckReport *after = lab_check_repair (store->dir, report, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (after);
  return after;
}

static void
demo_store (LabTestStore *store)
{
  lab_test_store_add_demo (store, 8, 10, 7);
}

/* A workspace file the database lists, and its session. */
static void
pick_file (LabTestStore  *store,
           char         **session_id,
           char         **relative,
           char         **path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *folder = NULL;

  stmt = lab_db_prepare (lab_test_store_open (store),
                         "SELECT session_id, path FROM workspace_files ORDER BY session_id, path"
                         " LIMIT 1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *relative = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  folder = lab_data_dir_get_session_workspace (store->dir, *session_id);
  *path = g_build_filename (folder, *relative, NULL);
}

static char *
make_backup (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  char *name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (name);
  return name;
}

static guint
count_backups (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = lab_backup_list (store->dir, &error);

  g_assert_no_error (error);
  return backups->len;
}

/* Changes one byte in the middle of a file: same size, other checksum. */
static void
flip_byte (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  contents[length / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static const char *
backup_path (LabTestStore  *store,
             const char    *name,
             LabBackupInfo **info)
{
  g_autoptr(GError) error = NULL;

  *info = lab_backup_get (store->dir, name, &error);
  g_assert_no_error (error);
  return lab_backup_info_get_path (*info);
}

static void
exec_sql (LabTestStore *store,
          const char   *sql)
{
  g_autoptr(GError) error = NULL;

  lab_db_exec (lab_test_store_open (store), sql, &error);
  g_assert_no_error (error);
}

static void
test_clean_store (LabTestStore  *store,
                  gconstpointer  data)
{
  g_autoptr(LabCheckReport) quick = NULL;
  g_autoptr(LabCheckReport) full = NULL;
  g_autoptr(LabCheckReport) last_quick = NULL;
  g_autoptr(LabCheckReport) last_full = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  /* Nothing stored before the first check. */
  g_assert_null (lab_check_load_last (store->dir, LAB_CHECK_FULL, &error));
  g_assert_no_error (error);

  demo_store (store);
  g_clear_object (&store->db);

  quick = check (store, LAB_CHECK_QUICK);
  assert_clean (quick);
  g_assert_cmpint (lab_check_report_get_level (quick), ==, LAB_CHECK_QUICK);
  g_assert_cmpint (lab_check_report_get_schema_version (quick), ==, 2);
  g_assert_cmpint (lab_check_report_get_checked_at (quick), >, 0);

  full = check (store, LAB_CHECK_FULL);
  assert_clean (full);
  summary = lab_check_report_dup_summary (full);
  g_assert_cmpstr (summary, ==, "No problems found");
  g_assert_false (lab_check_report_offers_repair (full, LAB_CHECK_REPAIR_RESTORE_BACKUP));

  /* Both results are stored, side by side, and read back the same. */
  last_quick = lab_check_load_last (store->dir, LAB_CHECK_QUICK, &error);
  g_assert_no_error (error);
  last_full = lab_check_load_last (store->dir, LAB_CHECK_FULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_check_report_get_level (last_quick), ==, LAB_CHECK_QUICK);
  a = lab_check_report_to_json (full);
  b = lab_check_report_to_json (last_full);
  g_assert_true (json_node_equal (a, b));
}

static void
test_no_database (LabTestStore  *store,
                  gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;

  /* A new store is fine: nothing to check yet. */
  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  report = check (store, LAB_CHECK_FULL);
  assert_clean (report);
  g_assert_nonnull (lab_check_report_find (report, LAB_CHECK_FINDING_NO_DATABASE, NULL));
  g_clear_object (&report);

  /* A store whose database is gone while its files are still there is not. */
  folder = g_build_filename (lab_data_dir_get_workspace_path (store->dir), "s1", NULL);
  g_assert_true (lab_mkdir_private (folder, NULL));
  report = check (store, LAB_CHECK_QUICK);
  assert_only_problem (report, LAB_CHECK_FINDING_DATABASE_MISSING);
  /* No backup to restore from: no repair is offered. */
  g_assert_cmpint (lab_check_report_count_repairable (report), ==, 0);
}

static void
test_not_a_database (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *result_path = lab_check_get_result_path (store->dir);

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir),
                                      "not a database, only notes\n", -1, NULL));
  before = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));

  report = check (store, LAB_CHECK_FULL);
  assert_only_problem (report, LAB_CHECK_FINDING_NOT_A_DATABASE);

  /* The check changed nothing but its stored result. */
  g_assert_true (g_remove (result_path) == 0);
  after = lab_test_tree_digest (lab_data_dir_get_data_path (store->dir));
  g_assert_cmpstr (before, ==, after);
}

static void
test_schema_versions (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabDb) old = NULL;
  g_autoptr(GError) error = NULL;
  LabCheckFinding *finding;

  lab_test_store_open (store);
  exec_sql (store, "PRAGMA user_version = 99");
  g_clear_object (&store->db);

  report = check (store, LAB_CHECK_QUICK);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_SCHEMA_TOO_NEW);
  g_assert_cmpstr (lab_check_finding_get_detail (finding), ==, "99");
  g_clear_object (&report);

  g_assert_true (g_remove (lab_data_dir_get_db_path (store->dir)) == 0);
  old = lab_db_open_file_at_version (lab_data_dir_get_db_path (store->dir), 1, &error);
  g_assert_no_error (error);
  g_clear_object (&old);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_SCHEMA_OLD);
  g_assert_cmpstr (lab_check_finding_get_detail (finding), ==, "1");
}

/* Inverts every byte of one page of the messages table. */
static void
flip_page (const char *db_path)
{
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 pageno, page_size;
  g_autofree guchar *page = NULL;
  int fd;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT pageno, pgsize FROM dbstat WHERE name = "
                                            "'messages' AND pagetype = 'leaf' ORDER BY pageno "
                                            "LIMIT 1 OFFSET 3", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pageno = sqlite3_column_int64 (stmt, 0);
  page_size = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  page = g_malloc (page_size);
  fd = open (db_path, O_RDWR);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, page, page_size, (pageno - 1) * page_size), ==, page_size);
  for (gint64 i = 0; i < page_size; i++)
    page[i] = ~page[i];
  g_assert_cmpint (pwrite (fd, page, page_size, (pageno - 1) * page_size), ==, page_size);
  close (fd);
}

static void
test_damaged_page (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(LabCheckReport) quick = NULL;
  g_autoptr(LabCheckReport) full = NULL;
  g_autofree char *copy = g_build_filename (store->tmp, "copy", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", store->root, copy);
  g_autoptr(LabDataDir) copy_dir = lab_data_dir_new (copy);
  g_autoptr(GError) error = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  g_clear_object (&store->db);

  /* Damage a copy, so the original stays as it was. */
  g_assert_cmpint (system (cmd), ==, 0);
  flip_page (lab_data_dir_get_db_path (copy_dir));

  quick = lab_check_run (copy_dir, LAB_CHECK_QUICK, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  finding = assert_only_problem (quick, LAB_CHECK_FINDING_DATABASE_DAMAGED);
  g_assert_nonnull (lab_check_finding_get_detail (finding));
  /* No backup in this store: nothing to restore from. */
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_NONE);

  full = lab_check_run (copy_dir, LAB_CHECK_FULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lab_check_report_find (full, LAB_CHECK_FINDING_DATABASE_DAMAGED, NULL));
  g_assert_cmpint (lab_check_report_get_status (full), ==, LAB_CHECK_STATUS_ERRORS);

  /* The original is untouched. */
  g_clear_object (&quick);
  quick = check (store, LAB_CHECK_FULL);
  assert_clean (quick);
}

static gint64
count_messages (LabDataDir *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, &error);
  gint64 n;

  g_assert_no_error (error);
  n = lab_db_query_int64 (db, "SELECT count(*) FROM messages", &error);
  g_assert_no_error (error);
  return n;
}

static void
test_restore_damaged (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (store->tmp, "copy", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", store->root, copy);
  g_autoptr(LabDataDir) copy_dir = lab_data_dir_new (copy);
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  LabCheckFinding *finding;
  gint64 messages;

  demo_store (store);
  backup = make_backup (store);
  messages = count_messages (store->dir);
  g_clear_object (&store->db);

  /* A flipped page in a copy that has the backup: restoring it repairs. */
  g_assert_cmpint (system (cmd), ==, 0);
  flip_page (lab_data_dir_get_db_path (copy_dir));

  report = lab_check_run (copy_dir, LAB_CHECK_QUICK, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_DATABASE_DAMAGED);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_RESTORE_BACKUP);
  g_assert_true (lab_check_report_offers_repair (report, LAB_CHECK_REPAIR_RESTORE_BACKUP));
  g_assert_null (strstr (lab_check_finding_get_detail (finding), "***"));

  after = lab_check_repair (copy_dir, report, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_clean (after);
  g_clear_object (&after);
  after = lab_check_run (copy_dir, LAB_CHECK_FULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_clean (after);
  g_assert_cmpint (count_messages (copy_dir), ==, messages);
}

static void
test_restore_not_a_database (LabTestStore  *store,
                             gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) folder = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *kept = NULL;
  const char *name;
  gint64 messages;

  demo_store (store);
  backup = make_backup (store);
  messages = count_messages (store->dir);
  g_clear_object (&store->db);
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir),
                                      "someone's notes", -1, NULL));

  report = check (store, LAB_CHECK_QUICK);
  assert_only_problem (report, LAB_CHECK_FINDING_NOT_A_DATABASE);
  after = repair (store, report);
  assert_clean (after);
  g_assert_cmpint (count_messages (store->dir), ==, messages);

  /* The file that was there is kept among the backups, not deleted. */
  folder = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      if (g_str_has_prefix (name, "damaged_"))
        kept = g_build_filename (lab_data_dir_get_backups_path (store->dir), name, "labdata.db",
                                 NULL);
    }
  g_assert_nonnull (kept);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (kept, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "someone's notes");
  }
}

/* A message's text changed under the index (its trigger lost): every row
 * still has its entry, so only the word-by-word deep check sees it. */
static void
test_fts_words_stale (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabCheckReport) full = NULL;
  g_autoptr(LabCheckReport) deep = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autoptr(LabCheckReport) last = NULL;
  g_autoptr(GError) error = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  exec_sql (store, "DROP TRIGGER messages_fts_update;"
                   "UPDATE messages SET content = 'zebra quartz xylophone'"
                   " WHERE message_no = (SELECT min(message_no) FROM messages);"
                   /* The trigger back, as the migration wrote it. */
                   "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, author,"
                   " message_no ON messages BEGIN"
                   "  INSERT INTO messages_fts (messages_fts, rowid, content, author)"
                   "    VALUES ('delete', old.message_no, old.content, old.author);"
                   "  INSERT INTO messages_fts (rowid, content, author)"
                   "    VALUES (new.message_no, new.content, new.author);"
                   " END;");
  g_clear_object (&store->db);

  full = check (store, LAB_CHECK_FULL);
  assert_clean (full);

  deep = check (store, LAB_CHECK_DEEP);
  g_assert_cmpint (lab_check_report_get_level (deep), ==, LAB_CHECK_DEEP);
  finding = assert_only_problem (deep, LAB_CHECK_FINDING_FTS_INCONSISTENT);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, "messages_fts");
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_REBUILD_INDEX);

  /* Stored under its own level, beside the full check's. */
  last = lab_check_load_last (store->dir, LAB_CHECK_DEEP, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_check_report_get_status (last), ==, LAB_CHECK_STATUS_ERRORS);

  after = repair (store, deep);
  assert_clean (after);
}

static void
test_fts_row_deleted (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  /* Take one message out of the index, as a lost write would. */
  exec_sql (store, "INSERT INTO messages_fts (messages_fts, rowid, content, author)"
                   " SELECT 'delete', message_no, content, author FROM messages"
                   " ORDER BY message_no LIMIT 1 OFFSET 5");
  g_clear_object (&store->db);

  /* The quick check does not look at the indexes; the full one does. */
  report = check (store, LAB_CHECK_QUICK);
  assert_clean (report);
  g_clear_object (&report);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_FTS_INCONSISTENT);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, "messages_fts");
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_REBUILD_INDEX);

  after = repair (store, report);
  assert_clean (after);
  lab_test_assert_fts_ok (lab_test_store_open (store));
}

/* The index and its table disagree on which rows there are, at either end
 * of the rowids and between them: each way is found and the rebuild fixes it. */
static const char *fts_rows_damage[] = {
  /* No entry for the first message, nor for the last. */
  "INSERT INTO messages_fts (messages_fts, rowid, content, author)"
  " SELECT 'delete', message_no, content, author FROM messages"
  " ORDER BY message_no LIMIT 1",
  "INSERT INTO messages_fts (messages_fts, rowid, content, author)"
  " SELECT 'delete', message_no, content, author FROM messages"
  " ORDER BY message_no DESC LIMIT 1",
  /* An entry for a message that does not exist, past the last one. */
  "INSERT INTO messages_fts (rowid, content, author)"
  " SELECT max(message_no) + 1000, 'ghost', 'nobody' FROM messages",
  /* An entry left for a deleted message, between two others. */
  "CREATE TEMP TABLE gone AS SELECT message_no, content, author FROM messages"
  " ORDER BY message_no LIMIT 1 OFFSET 7;"
  "DELETE FROM messages WHERE message_no = (SELECT message_no FROM gone);"
  "INSERT INTO messages_fts (rowid, content, author) SELECT * FROM gone;"
  "DROP TABLE gone",
};

static void
test_fts_rows (LabTestStore  *store,
               gconstpointer  data)
{
  const char *damage = data;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  exec_sql (store, damage);
  g_clear_object (&store->db);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_FTS_INCONSISTENT);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, "messages_fts");
  g_assert_cmpstr (lab_check_finding_get_detail (finding), ==,
                   "The index does not have one entry for each row of “messages”");

  after = repair (store, report);
  assert_clean (after);
  lab_test_assert_fts_ok (lab_test_store_open (store));
}

/* Rows whose parent is gone, in several tables, counted as SQLite's own
 * foreign_key_check counts them: by table and parent, a table with a
 * two-column key too (which goes through the pragma, its other key with it,
 * counted once). */
static void
test_foreign_keys (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  GListModel *findings;
  GHashTableIter iter;
  gpointer key, n;
  int rc;

  demo_store (store);
  exec_sql (store, "PRAGMA foreign_keys = OFF;"
                   "INSERT INTO messages (id, session_id, sequence, created_at, role)"
                   " VALUES ('m-gone-1', 'gone', 1, '2026-01-01T00:00:00.000Z', 'user'),"
                   " ('m-gone-2', 'gone', 2, '2026-01-01T00:00:01.000Z', 'user'),"
                   " ('m-gone-3', 'gone too', 1, '2026-01-01T00:00:02.000Z', 'user');"
                   "UPDATE sessions SET parent_session_id = 'no such session'"
                   " WHERE id = (SELECT min(id) FROM sessions);"
                   "INSERT INTO metrics (id, session_id, timestamp) VALUES"
                   " ('m-orphan', 'gone', '2026-01-01T00:00:00.000Z');"
                   "CREATE TABLE pairs (x, y, UNIQUE (x, y));"
                   "INSERT INTO pairs VALUES (1, 2);"
                   "CREATE TABLE notes (session_id REFERENCES sessions (id), a, b,"
                   " FOREIGN KEY (a, b) REFERENCES pairs (x, y));"
                   "INSERT INTO notes VALUES ('gone', 1, 2), ('gone', 3, 4),"
                   " ((SELECT min(id) FROM sessions), 5, 6);"
                   "PRAGMA foreign_keys = ON;");

  stmt = lab_db_prepare (lab_test_store_open (store), "PRAGMA foreign_key_check", &error);
  g_assert_no_error (error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *group = g_strdup_printf ("%s→%s", sqlite3_column_text (stmt, 0),
                                     sqlite3_column_text (stmt, 2));

      n = g_hash_table_lookup (expected, group);
      g_hash_table_insert (expected, group, GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_object (&store->db);
  g_assert_cmpuint (g_hash_table_size (expected), ==, 5);

  report = check (store, LAB_CHECK_FULL);
  findings = lab_check_report_get_findings (report);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (findings, i);

      if (lab_check_finding_get_kind (finding) == LAB_CHECK_FINDING_FOREIGN_KEY)
        g_hash_table_insert (found, g_strdup_printf ("%s→%s",
                                                     lab_check_finding_get_subject (finding),
                                                     lab_check_finding_get_detail (finding)),
                             GUINT_TO_POINTER ((guint) lab_check_finding_get_count (finding)));
    }

  g_assert_cmpuint (g_hash_table_size (found), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &n))
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (found, key)), ==,
                      GPOINTER_TO_UINT (n));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (found, "messages→sessions")), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (found, "notes→sessions")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (found, "notes→pairs")), ==, 2);
}

static void
test_orphan_folder (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *file = NULL;
  LabCheckFinding *finding;
  guint backups;

  demo_store (store);
  folder = g_build_filename (lab_data_dir_get_workspace_path (store->dir), "no-such-session", NULL);
  file = g_build_filename (folder, "notes.txt", NULL);
  g_assert_true (lab_mkdir_private (folder, NULL));
  g_assert_true (g_file_set_contents (file, "left behind", -1, NULL));
  g_clear_object (&store->db);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_ORPHAN_FOLDER);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, "data/workspace/no-such-session");
  g_assert_cmpint (lab_check_finding_get_count (finding), ==, 1);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_REMOVE_FILES);

  /* Removing is done after a backup, which holds the files. */
  backups = count_backups (store);
  after = repair (store, report);
  assert_clean (after);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_cmpint (count_backups (store), ==, backups + 1);
}

static void
test_orphan_file (LabTestStore  *store,
                  gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *extra_folder = NULL;
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "a,b\n1,2\n", -1);
  g_autofree char *sql = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  pick_file (store, &session_id, &relative, &path);
  folder = lab_data_dir_get_session_workspace (store->dir, session_id);
  extra_folder = g_build_filename (folder, "extra", NULL);
  extra = g_build_filename (extra_folder, "found.csv", NULL);
  g_assert_true (lab_mkdir_private (extra_folder, NULL));
  g_assert_true (g_file_set_contents (extra, "a,b\n1,2\n", -1, NULL));

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_ORPHAN_FILE);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, session_id);
  g_assert_cmpstr (lab_check_finding_get_paths (finding)[0], ==, "extra/found.csv");
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_ADOPT_FILES);

  after = repair (store, report);
  assert_clean (after);
  g_assert_true (g_file_test (extra, G_FILE_TEST_IS_REGULAR));

  sql = g_strdup_printf ("SELECT size = 8 AND sha256 = '%s' FROM workspace_files"
                         " WHERE session_id = '%s' AND path = 'extra/found.csv'",
                         sha256, session_id);
  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (store), sql, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_missing_file (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *backup = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  pick_file (store, &session_id, &relative, &path);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_remove (path) == 0);

  /* No backup holds it: reported, nothing offered. */
  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_MISSING_FILE);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, session_id);
  g_assert_cmpstr (lab_check_finding_get_paths (finding)[0], ==, relative);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_NONE);
  g_clear_object (&report);

  /* With a backup made while it was there, it comes back from the backup. */
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  backup = make_backup (store);
  g_assert_true (g_remove (path) == 0);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_MISSING_FILE);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_RESTORE_FILES);

  after = repair (store, report);
  assert_clean (after);
  g_assert_true (g_file_get_contents (path, &restored, NULL, NULL));
  g_assert_cmpstr (restored, ==, contents);
}

static void
test_changed_file (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  pick_file (store, &session_id, &relative, &path);
  flip_byte (path);

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_CHANGED_FILE);
  g_assert_cmpstr (lab_check_finding_get_paths (finding)[0], ==, relative);

  after = repair (store, report);
  assert_clean (after);
}

static void
test_unsafe_and_foreign_key (LabTestStore  *store,
                             gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autofree char *outside = g_build_filename (store->tmp, "secret", NULL);
  LabCheckFinding *finding;
  g_autofree char *sql = NULL;

  demo_store (store);
  g_assert_true (g_file_set_contents (outside, "not LabData's", -1, NULL));
  sql = g_strdup_printf ("INSERT INTO workspace_files (session_id, path, size, modified_at)"
                         " SELECT id, '../../../secret', 13, created_at FROM sessions LIMIT 1");
  exec_sql (store, sql);
  exec_sql (store, "PRAGMA foreign_keys = OFF;"
                   "INSERT INTO metrics (id, session_id, timestamp) VALUES"
                   " ('m-orphan', 'gone', '2026-01-01T00:00:00.000Z');"
                   "PRAGMA foreign_keys = ON;");

  report = check (store, LAB_CHECK_FULL);
  finding = lab_check_report_find (report, LAB_CHECK_FINDING_UNSAFE_PATH, NULL);
  g_assert_nonnull (finding);
  g_assert_cmpstr (lab_check_finding_get_paths (finding)[0], ==, "../../../secret");
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_NONE);

  finding = lab_check_report_find (report, LAB_CHECK_FINDING_FOREIGN_KEY, "metrics");
  g_assert_nonnull (finding);
  g_assert_cmpstr (lab_check_finding_get_detail (finding), ==, "sessions");
  g_assert_cmpint (lab_check_finding_get_count (finding), ==, 1);
  g_assert_cmpuint (lab_check_report_count (report, LAB_CHECK_SEVERITY_ERROR), ==, 2);
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
}

static void
test_backup_checksum (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  LabCheckFinding *finding;

  demo_store (store);
  name = make_backup (store);
  report = check (store, LAB_CHECK_FULL);
  assert_clean (report);
  g_clear_object (&report);

  flip_byte (backup_path (store, name, &info));

  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_BACKUP_DAMAGED);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, name);
  g_assert_nonnull (strstr (lab_check_finding_get_detail (finding), "SHA-256"));
  g_clear_object (&report);

  /* A backup whose database file is gone. */
  g_assert_true (g_remove (lab_backup_info_get_path (info)) == 0);
  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_BACKUP_INCOMPLETE);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, name);
}

static void
test_no_good_backup (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  LabCheckFinding *finding;

  /* The database is gone to garbage and the only backup is damaged: both
   * are reported, and no restore is offered. */
  demo_store (store);
  name = make_backup (store);
  g_clear_object (&store->db);
  flip_byte (backup_path (store, name, &info));
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir), "garbage", -1, NULL));

  report = check (store, LAB_CHECK_FULL);
  finding = lab_check_report_find (report, LAB_CHECK_FINDING_NOT_A_DATABASE, NULL);
  g_assert_nonnull (finding);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_NONE);
  g_assert_nonnull (lab_check_report_find (report, LAB_CHECK_FINDING_BACKUP_DAMAGED, name));
}

static void
test_stale_temp_file (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autofree char *fresh = NULL;
  g_autofree char *stale = NULL;
  struct utimbuf old = { 0 };
  LabCheckFinding *finding;

  demo_store (store);
  fresh = g_build_filename (lab_data_dir_get_archives_path (store->dir), "a.labdata.tmp-AAAAAA",
                            NULL);
  stale = g_build_filename (lab_data_dir_get_archives_path (store->dir), "b.labdata.tmp-BBBBBB",
                            NULL);
  g_assert_true (g_file_set_contents (fresh, "being written", -1, NULL));
  g_assert_true (g_file_set_contents (stale, "left by a crash", -1, NULL));
  old.actime = old.modtime = time (NULL) - 2 * 3600;
  g_assert_cmpint (utime (stale, &old), ==, 0);

  /* Only the old one: the new one may belong to a running export. */
  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_STALE_TEMP_FILE);
  g_assert_cmpstr (lab_check_finding_get_subject (finding), ==, "archives/b.labdata.tmp-BBBBBB");
  g_assert_cmpint (lab_check_finding_get_bytes (finding), ==, strlen ("left by a crash"));

  after = repair (store, report);
  assert_clean (after);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));
}

static void
test_symlink_in_workspace (LabTestStore  *store,
                           gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  g_autofree char *link = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *target = g_build_filename (store->tmp, "target.txt", NULL);
  LabCheckFinding *finding;

  demo_store (store);
  pick_file (store, &session_id, &relative, &path);
  g_assert_true (g_file_set_contents (target, "outside the store", -1, NULL));
  parent = g_path_get_dirname (path);
  link = g_build_filename (parent, "link", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);

  /* A link is never followed nor adopted; removing it removes the link. */
  report = check (store, LAB_CHECK_FULL);
  finding = assert_only_problem (report, LAB_CHECK_FINDING_ORPHAN_FOLDER);
  g_assert_cmpint (lab_check_finding_get_repair (finding), ==, LAB_CHECK_REPAIR_REMOVE_FILES);

  after = repair (store, report);
  assert_clean (after);
  g_assert_false (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
}

static void
test_tampered_findings (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(LabCheckReport) report = lab_check_report_new (LAB_CHECK_FULL);
  g_autoptr(LabCheckFinding) escape = NULL;
  g_autoptr(LabCheckFinding) live = NULL;
  g_autoptr(LabCheckFinding) fts = NULL;
  g_autoptr(LabCheckReport) after = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *outside = g_build_filename (store->tmp, "keep-me", NULL);
  g_autofree char *session_id = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  g_autofree char *subject = NULL;

  /* A stored report could be edited by hand: repairs check their findings
   * again before they touch anything. */
  demo_store (store);
  pick_file (store, &session_id, &relative, &path);
  g_assert_true (g_file_set_contents (outside, "precious", -1, NULL));

  escape = lab_check_finding_new (LAB_CHECK_FINDING_ORPHAN_FOLDER, "data/workspace/../../keep-me");
  lab_check_report_add (report, escape);
  g_ptr_array_add (one, escape);
  after = lab_check_repair (store->dir, report, one, NULL, NULL, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH);
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  subject = g_strdup_printf ("data/workspace/%s", session_id);
  live = lab_check_finding_new (LAB_CHECK_FINDING_ORPHAN_FOLDER, subject);
  lab_check_report_add (report, live);
  g_ptr_array_set_size (one, 0);
  g_ptr_array_add (one, live);
  after = lab_check_repair (store->dir, report, one, NULL, NULL, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  fts = lab_check_finding_new (LAB_CHECK_FINDING_FTS_INCONSISTENT, "sessions; DROP TABLE sessions");
  lab_check_report_add (report, fts);
  g_ptr_array_set_size (one, 0);
  g_ptr_array_add (one, fts);
  after = lab_check_repair (store->dir, report, one, NULL, NULL, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (store),
                                       "SELECT count(*) FROM sessions", NULL), ==, 8);
}

static void
test_stored_result_damaged (LabTestStore  *store,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  demo_store (store);
  path = lab_check_get_result_path (store->dir);

  g_assert_true (g_file_set_contents (path, "{\"full\": {\"level\": \"sideways\"}}", -1, NULL));
  g_assert_null (lab_check_load_last (store->dir, LAB_CHECK_FULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[1, 2", -1, NULL));
  g_assert_null (lab_check_load_last (store->dir, LAB_CHECK_QUICK, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A new check replaces what cannot be read. */
  g_object_unref (check (store, LAB_CHECK_QUICK));
  g_assert_nonnull (lab_check_load_last (store->dir, LAB_CHECK_QUICK, &error));
  g_assert_no_error (error);
}

static void
test_locked (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(LabCheckReport) quick = NULL;
  g_autoptr(LabCheckReport) full = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCheckReport) last = NULL;
  gint64 checked_at;
  sqlite3 *writer = NULL;

  demo_store (store);
  g_clear_object (&store->db);
  last = check (store, LAB_CHECK_FULL);
  checked_at = lab_check_report_get_checked_at (last);
  g_clear_object (&last);

  /* Another program holds the write lock: the quick check reads on; the
   * full one, whose full-text check needs the lock, fails with a clear
   * error after the busy timeout and leaves the last result alone. */
  g_assert_cmpint (sqlite3_open (lab_data_dir_get_db_path (store->dir), &writer), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (writer, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  quick = check (store, LAB_CHECK_QUICK);
  assert_clean (quick);

  full = lab_check_run (store->dir, LAB_CHECK_FULL, NULL, NULL, NULL, &error);
  g_assert_null (full);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  sqlite3_exec (writer, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (writer);

  /* The full check's last result is still the one from before the lock. */
  last = lab_check_load_last (store->dir, LAB_CHECK_FULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_check_report_get_checked_at (last) / 1000, ==, checked_at / 1000);
}

static void
test_cancel (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *result_path = lab_check_get_result_path (store->dir);

  demo_store (store);
  g_cancellable_cancel (cancellable);
  report = lab_check_run (store->dir, LAB_CHECK_FULL, NULL, NULL, cancellable, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (result_path, G_FILE_TEST_EXISTS));
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LabCheckReport **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lab_check_run_finish (LAB_DATA_DIR (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabProgress) progress = lab_progress_new ();
  LabCheckReport *report = NULL;

  demo_store (store);
  lab_check_run_async (store->dir, LAB_CHECK_FULL, progress, NULL, async_done_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);

  assert_clean (report);
  /* The last progress report arrives on this thread too. */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpfloat (lab_progress_get_fraction (progress), ==, 1.0);
  g_object_unref (report);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/check/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("clean", test_clean_store);
  ADD ("no-database", test_no_database);
  ADD ("not-a-database", test_not_a_database);
  ADD ("schema-versions", test_schema_versions);
  ADD ("damaged-page", test_damaged_page);
  ADD ("restore-damaged", test_restore_damaged);
  ADD ("restore-not-a-database", test_restore_not_a_database);
  ADD ("fts-row-deleted", test_fts_row_deleted);
  ADD ("fts-words-stale", test_fts_words_stale);
  for (guint i = 0; i < G_N_ELEMENTS (fts_rows_damage); i++)
    {
      g_autofree char *path = g_strdup_printf ("/labdata/store/check/fts-rows/%u", i);

      g_test_add (path, LabTestStore, fts_rows_damage[i], lab_test_store_setup, test_fts_rows,
                  lab_test_store_teardown);
    }
  ADD ("foreign-keys", test_foreign_keys);
  ADD ("orphan-folder", test_orphan_folder);
  ADD ("orphan-file", test_orphan_file);
  ADD ("missing-file", test_missing_file);
  ADD ("changed-file", test_changed_file);
  ADD ("unsafe-path-and-foreign-key", test_unsafe_and_foreign_key);
  ADD ("backup-checksum", test_backup_checksum);
  ADD ("no-good-backup", test_no_good_backup);
  ADD ("stale-temp-file", test_stale_temp_file);
  ADD ("symlink", test_symlink_in_workspace);
  ADD ("tampered-findings", test_tampered_findings);
  ADD ("stored-result-damaged", test_stored_result_damaged);
  ADD ("locked", test_locked);
  ADD ("cancel", test_cancel);
  ADD ("async", test_async);

  return g_test_run ();
}
