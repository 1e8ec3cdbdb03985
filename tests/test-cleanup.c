/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-check.h"
#include "lab-cleanup.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-test-util.h"
#include "lab-timestamp.h"
#include "lab-vacuum.h"

#define DAY (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))

/* 2026-06-01T00:00:00Z: what the retention periods count back from. */
#define NOW G_GINT64_CONSTANT (1780272000000000)

static void
exec_sql (LabDb      *db,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  lab_db_exec (db, sql, &error);
  g_assert_no_error (error);
}

static gint64
query (LabDb      *db,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = lab_db_query_int64 (db, sql, &error);

  g_assert_no_error (error);
  return value;
}

static void
set_mtime (const char *path,
           gint64      usec)
{
  struct utimbuf times = { usec / G_USEC_PER_SEC, usec / G_USEC_PER_SEC };

  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
write_old_file (const char *folder,
                const char *name,
                const char *contents,
                gint64      mtime)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  set_mtime (path, mtime);
}

/* A workspace file of @session_id, on disk and in workspace_files. */
static void
add_workspace_file (LabTestStore *store,
                    const char   *session_id,
                    const char   *relative,
                    const char   *contents)
{
  g_autofree char *folder = lab_data_dir_get_session_workspace (store->dir, session_id);
  g_autofree char *path = g_build_filename (folder, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);
  g_autofree char *sql = NULL;

  g_assert_true (lab_mkdir_private (parent, NULL));
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  sql = g_strdup_printf ("INSERT INTO workspace_files (session_id, path, size, sha256, modified_at)"
                         " VALUES ('%s', '%s', %zu, '%s', '2026-01-01T00:00:00.000Z')",
                         session_id, relative, strlen (contents), sha256);
  exec_sql (lab_test_store_open (store), sql);
}

/*
 * A store with one of each case:
 *   old-archived   archived, idle since January: goes
 *   old-starred    archived and starred: kept
 *   old-guarded    archived, but holds a starred snapshot: kept
 *   old-active     not archived: kept (its old snapshot and events go)
 *   new-archived   archived last week: kept
 */
static void
make_store (LabTestStore *store)
{
  LabDb *db = lab_test_store_open (store);
  const char *old = "{\"archived\": true, \"created_at\": \"2025-12-01T10:00:00.000Z\","
                    " \"last_activity_at\": \"2026-01-02T10:00:00.000Z\"}";

  lab_test_add_session (db, "old-archived", "Old archived", old);
  lab_test_add_session (db, "old-starred", "Old starred",
                        "{\"archived\": true, \"starred\": true,"
                        " \"last_activity_at\": \"2026-01-02T10:00:00.000Z\"}");
  lab_test_add_session (db, "old-guarded", "Old guarded", old);
  lab_test_add_session (db, "old-active", "Old but not archived",
                        "{\"last_activity_at\": \"2026-01-02T10:00:00.000Z\"}");
  lab_test_add_session (db, "new-archived", "New archived",
                        "{\"archived\": true, \"last_activity_at\": \"2026-05-25T10:00:00.000Z\"}");

  for (guint i = 0; i < 4; i++)
    {
      lab_test_add_message (db, "old-archived", i, "user", "ada", "a message about gradients");
      lab_test_add_message (db, "old-starred", i, "user", "ada", "a starred message");
    }

  exec_sql (db,
            "INSERT INTO snapshots (id, session_id, timestamp, starred, state_json) VALUES"
            " ('snap-old', 'old-active', '2026-02-01T00:00:00.000Z', 0, '{\"step\": 1}'),"
            " ('snap-starred', 'old-active', '2026-02-01T00:00:00.000Z', 1, '{}'),"
            " ('snap-new', 'old-active', '2026-05-20T00:00:00.000Z', 0, '{}'),"
            " ('snap-guard', 'old-guarded', '2026-01-01T00:00:00.000Z', 1, '{}'),"
            " ('snap-of-archived', 'old-archived', '2026-01-01T00:00:00.000Z', 0, '{}');"
            "INSERT INTO analytics (id, session_id, timestamp, event_type) VALUES"
            " ('ev-1', 'old-active', '2026-01-10T00:00:00.000Z', 'completion'),"
            " ('ev-2', 'old-active', '2026-01-11T00:00:00.000Z', 'completion'),"
            " ('ev-new', 'old-active', '2026-05-01T00:00:00.000Z', 'completion'),"
            " ('ev-lone', NULL, '2025-12-01T00:00:00.000Z', 'startup');");

  add_workspace_file (store, "old-archived", "out/result.txt", "the old result");
  add_workspace_file (store, "old-starred", "keep.txt", "starred work");

  write_old_file (lab_data_dir_get_archives_path (store->dir), "export_old.labdata", "PK old",
                  NOW - 60 * DAY);
  write_old_file (lab_data_dir_get_archives_path (store->dir), "export_new.labdata", "PK new",
                  NOW - 2 * DAY);
  write_old_file (lab_data_dir_get_archives_path (store->dir), "notes.txt", "mine", NOW - 60 * DAY);
  write_old_file (lab_data_dir_get_logs_path (store->dir), "labdata.log", "old log",
                  NOW - 60 * DAY);
  write_old_file (lab_data_dir_get_logs_path (store->dir), "operations.jsonl", "{}\n",
                  NOW - 60 * DAY);
  write_old_file (lab_data_dir_get_logs_path (store->dir), "migration_log_1.json", "{}",
                  NOW - 1 * DAY);

  {
    g_autofree char *ghost = g_build_filename (lab_data_dir_get_workspace_path (store->dir),
                                               "ghost", NULL);

    g_assert_true (lab_mkdir_private (ghost, NULL));
    write_old_file (ghost, "left.txt", "of a deleted session", NOW - 60 * DAY);
  }
}

static LabCleanupPlan *
plan_now (LabTestStore *store,
          guint         categories)
{
  g_autoptr(GError) error = NULL;
  LabCleanupOptions options;
  LabCleanupPlan *plan;

  lab_cleanup_options_init (&options);
  options.now = NOW;
  options.categories = categories;

  plan = lab_cleanup_plan (store->dir, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static LabCleanupResult *
apply (LabTestStore   *store,
       LabCleanupPlan *plan)
{
  g_autoptr(GError) error = NULL;
  LabCleanupResult *result = lab_cleanup_apply (store->dir, plan, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* "category/id" of each item the plan would delete, in its order. */
static GPtrArray *
planned_ids (LabCleanupPlan *plan)
{
  g_autoptr(JsonNode) node = lab_cleanup_plan_to_json (plan);
  JsonArray *items = json_object_get_array_member (json_node_get_object (node), "items");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_ptr_array_add (ids, g_strdup_printf ("%s/%s",
                                             json_object_get_string_member (item, "category"),
                                             json_object_get_string_member (item, "id")));
    }

  return ids;
}

static void
assert_same_ids (GPtrArray *a,
                 GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
}

static void
assert_check_clean (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCheckReport) report = lab_check_run (store->dir, LAB_CHECK_FULL, NULL, NULL, NULL,
                                                    &error);

  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (lab_check_report_get_findings (report)); i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);
      g_autofree char *explanation = lab_check_finding_dup_explanation (finding);

      if (lab_check_finding_get_severity (finding) != LAB_CHECK_SEVERITY_INFO)
        g_error ("after the clean-up: %s", explanation);
    }
}

static void
test_plan_and_protection (LabTestStore  *store,
                          gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(LabCleanupItem) analytics = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *oplog = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *ghost = NULL;
  const char *expected[] = {
    "archived-sessions/old-archived",
    "snapshots/snap-of-archived",
    "snapshots/snap-old",
    "analytics/",
    "analytics/old-active",
    "archives/archives/export_old.labdata",
    "logs/logs/labdata.log",
    "orphans/data/workspace/ghost",
  };
  LabDb *db;

  make_store (store);
  plan = plan_now (store, 0);
  ids = planned_ids (plan);

  for (guint i = 0; i < ids->len; i++)
    g_test_message ("planned %s", (char *) ids->pdata[i]);
  g_assert_cmpuint (ids->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (ids->pdata[i], ==, expected[i]);

  g_assert_cmpint (lab_cleanup_plan_get_days (plan, LAB_CLEANUP_ANALYTICS), ==, 90);
  g_assert_cmpint (lab_cleanup_plan_get_days (plan, LAB_CLEANUP_ARCHIVED_SESSIONS), ==, 30);
  g_assert_cmpuint (lab_cleanup_plan_get_total_bytes (plan), >, 0);

  /* The events of a session are one item that holds their rows. */
  analytics = g_list_model_get_item (lab_cleanup_plan_get_items (plan), 4);
  g_assert_cmpint (lab_cleanup_item_get_count (analytics), ==, 2);
  g_assert_cmpstr (lab_cleanup_item_get_row_ids (analytics)[0], ==, "ev-1");
  g_assert_cmpstr (lab_cleanup_item_get_row_ids (analytics)[1], ==, "ev-2");

  g_clear_object (&store->db);
  result = apply (store, plan);

  /* Exactly what the dry run listed, nothing skipped. */
  assert_same_ids (ids, result->deleted_ids);
  g_assert_cmpuint (result->skipped_ids->len, ==, 0);
  g_assert_cmpuint (result->deleted[LAB_CLEANUP_ANALYTICS], ==, 2);
  g_assert_true (result->vacuumed);
  g_assert_cmpuint (result->reclaimed, >, 0);

  db = lab_test_store_open (store);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions WHERE id = 'old-archived'"), ==, 0);
  g_assert_cmpint (query (db, "SELECT count(*) FROM messages WHERE session_id = 'old-archived'"),
                   ==, 0);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions"), ==, 4);
  g_assert_cmpint (query (db, "SELECT count(*) FROM messages"), ==, 4);
  g_assert_cmpint (query (db, "SELECT count(*) FROM snapshots WHERE starred = 1"), ==, 2);
  g_assert_cmpint (query (db, "SELECT count(*) FROM snapshots"), ==, 3);
  g_assert_cmpint (query (db, "SELECT count(*) FROM analytics"), ==, 1);
  g_assert_cmpint (query (db, "SELECT count(*) FROM workspace_files"), ==, 1);
  lab_test_assert_fts_ok (db);

  folder = lab_data_dir_get_session_workspace (store->dir, "old-archived");
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  ghost = g_build_filename (lab_data_dir_get_workspace_path (store->dir), "ghost", NULL);
  g_assert_false (g_file_test (ghost, G_FILE_TEST_EXISTS));
  {
    const char *kept[] = { "archives/export_new.labdata", "archives/notes.txt",
                           "logs/migration_log_1.json", "data/workspace/old-starred/keep.txt" };

    for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
      {
        g_autofree char *path = g_build_filename (store->root, kept[i], NULL);

        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      }
  }

  /* The record of operations is never deleted, and records this one; the
   * backup made first is there. */
  oplog = g_build_filename (lab_data_dir_get_logs_path (store->dir), "operations.jsonl", NULL);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (oplog, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"operation\":\"cleanup\""));
    g_assert_nonnull (strstr (contents, "old-archived"));
  }
  g_assert_nonnull (result->backup);
  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 1);
  g_assert_cmpint (lab_backup_info_get_kind (backups->pdata[0]), ==, LAB_BACKUP_KIND_PRE_CLEANUP);
  g_assert_cmpstr (lab_backup_info_get_name (backups->pdata[0]), ==, result->backup);
  g_assert_cmpint (lab_backup_info_get_count (backups->pdata[0], "sessions"), ==, 5);

  g_clear_object (&store->db);
  assert_check_clean (store);
}

static void
test_dry_run_and_apply_agree (LabTestStore  *store,
                              gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  LabCleanupOptions options;
  gint64 sessions, starred, starred_snapshots;
  guint planned;
  LabDb *db;

  lab_test_store_add_demo (store, 40, 6, 11);
  db = lab_test_store_open (store);
  sessions = query (db, "SELECT count(*) FROM sessions");
  starred = query (db, "SELECT count(*) FROM sessions WHERE starred = 1");
  starred_snapshots = query (db, "SELECT count(*) FROM snapshots WHERE starred = 1");
  g_clear_object (&store->db);

  lab_cleanup_options_init (&options);
  options.now = g_get_real_time ();
  options.older_than_days = 60;
  plan = lab_cleanup_plan (store->dir, &options, NULL, &error);
  g_assert_no_error (error);
  ids = planned_ids (plan);
  g_assert_cmpuint (lab_cleanup_plan_get_category_count (plan, LAB_CLEANUP_ARCHIVED_SESSIONS), >,
                    0);
  g_assert_cmpuint (lab_cleanup_plan_get_category_count (plan, LAB_CLEANUP_SNAPSHOTS), >, 0);
  g_assert_cmpuint (lab_cleanup_plan_get_category_count (plan, LAB_CLEANUP_ANALYTICS), >, 0);

  result = apply (store, plan);
  assert_same_ids (ids, result->deleted_ids);
  g_assert_cmpuint (result->skipped_ids->len, ==, 0);

  db = lab_test_store_open (store);
  planned = lab_cleanup_plan_get_category_count (plan, LAB_CLEANUP_ARCHIVED_SESSIONS);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions"), ==, sessions - planned);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions WHERE starred = 1"), ==, starred);
  g_assert_cmpint (query (db, "SELECT count(*) FROM snapshots WHERE starred = 1"), ==,
                   starred_snapshots);
  g_clear_object (&store->db);
  assert_check_clean (store);
}

static void
test_changed_since_plan (LabTestStore  *store,
                         gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autofree char *archive = NULL;
  LabDb *db;

  make_store (store);
  plan = plan_now (store, 0);

  /* Starred, written to and touched after the dry run: they stay. */
  db = lab_test_store_open (store);
  exec_sql (db, "UPDATE sessions SET starred = 1 WHERE id = 'old-archived';"
                "UPDATE snapshots SET starred = 1 WHERE id = 'snap-old';"
                "UPDATE analytics SET timestamp = '2026-05-30T00:00:00.000Z' WHERE id = 'ev-2'");
  g_clear_object (&store->db);
  archive = g_build_filename (lab_data_dir_get_archives_path (store->dir), "export_old.labdata",
                              NULL);
  set_mtime (archive, NOW);

  result = apply (store, plan);
  g_assert_cmpuint (result->skipped_ids->len, ==, 3);
  g_assert_cmpstr (result->skipped_ids->pdata[0], ==, "archived-sessions/old-archived");
  g_assert_cmpstr (result->skipped_ids->pdata[1], ==, "snapshots/snap-old");
  g_assert_cmpstr (result->skipped_ids->pdata[2], ==, "archives/archives/export_old.labdata");

  db = lab_test_store_open (store);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions WHERE id = 'old-archived'"), ==, 1);
  g_assert_cmpint (query (db, "SELECT count(*) FROM analytics WHERE id IN ('ev-1', 'ev-2')"), ==,
                   1);
  g_assert_true (g_file_test (archive, G_FILE_TEST_EXISTS));
  g_clear_object (&store->db);
  assert_check_clean (store);
}

static void
test_categories (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;

  make_store (store);
  g_clear_object (&store->db);

  /* Logs and archives only: no rows, so no backup is needed. */
  plan = plan_now (store, 1u << LAB_CLEANUP_LOGS | 1u << LAB_CLEANUP_ARCHIVES);
  g_assert_cmpuint (lab_cleanup_plan_get_n_included (plan), ==, 2);
  g_assert_false (lab_cleanup_plan_get_included (plan, LAB_CLEANUP_SNAPSHOTS));
  result = apply (store, plan);
  g_assert_cmpuint (result->deleted_ids->len, ==, 2);
  g_assert_null (result->backup);
  g_assert_false (result->vacuumed);
  backups = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 0);
  g_clear_pointer (&result, lab_cleanup_result_free);
  g_clear_object (&plan);

  /* Switching a category off in the plan leaves it alone. */
  plan = plan_now (store, 0);
  lab_cleanup_plan_set_included (plan, LAB_CLEANUP_ARCHIVED_SESSIONS, FALSE);
  lab_cleanup_plan_set_included (plan, LAB_CLEANUP_ORPHANS, FALSE);
  result = apply (store, plan);
  g_assert_cmpuint (result->deleted[LAB_CLEANUP_ARCHIVED_SESSIONS], ==, 0);
  g_assert_cmpuint (result->deleted[LAB_CLEANUP_SNAPSHOTS], ==, 2);
  g_assert_cmpint (query (lab_test_store_open (store),
                          "SELECT count(*) FROM sessions WHERE id = 'old-archived'"), ==, 1);
}

static void
test_backups (LabTestStore  *store,
              gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  LabCleanupOptions options;

  lab_test_store_add_demo (store, 4, 4, 3);
  for (guint i = 0; i < 6; i++)
    {
      char *name;

      /* Each backup holds a workspace file of its own, freed with it. */
      if (i > 0)
        {
          g_autofree char *contents = g_strdup_printf ("version %u", i);

          add_workspace_file (store, "extra-session", "notes.txt", contents);
        }
      else
        lab_test_add_session (lab_test_store_open (store), "extra-session", "Extra", NULL);
      exec_sql (lab_test_store_open (store),
                "DELETE FROM workspace_files WHERE path = 'notes.txt'");
      name = lab_backup_create (store->dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (names, name);
    }
  g_clear_object (&store->db);

  /* Forty days on, retention (30 days, the newest 3 kept) lets the three
   * oldest go; the oldest is pinned, so two. */
  g_assert_true (lab_backup_set_pinned (store->dir, names->pdata[0], TRUE, &error));
  g_assert_no_error (error);

  lab_cleanup_options_init (&options);
  options.now = g_get_real_time () + 40 * DAY;
  options.categories = 1u << LAB_CLEANUP_BACKUPS;
  plan = lab_cleanup_plan (store->dir, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_cleanup_plan_get_category_count (plan, LAB_CLEANUP_BACKUPS), ==, 3);
  {
    g_autoptr(GPtrArray) ids = planned_ids (plan);
    g_autofree char *first = g_strdup_printf ("backups/%s", (char *) names->pdata[1]);
    g_autofree char *second = g_strdup_printf ("backups/%s", (char *) names->pdata[2]);

    /* The dry run lists only the category included. */
    g_assert_cmpuint (ids->len, ==, 3);
    g_assert_cmpstr (ids->pdata[0], ==, first);
    g_assert_cmpstr (ids->pdata[1], ==, second);
    g_assert_cmpstr (ids->pdata[2], ==, "backups/objects");
    g_assert_cmpuint (lab_cleanup_plan_get_category_bytes (plan, LAB_CLEANUP_BACKUPS), >, 0);
  }

  /* Pinned after the dry run: kept, and the objects it shares stay too. */
  g_assert_true (lab_backup_set_pinned (store->dir, names->pdata[2], TRUE, &error));
  result = apply (store, plan);
  g_assert_null (result->backup);
  g_assert_cmpuint (result->deleted[LAB_CLEANUP_BACKUPS], ==, 1);
  g_assert_cmpuint (result->skipped_ids->len, ==, 2);

  left = lab_backup_list (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 5);
  for (guint i = 0; i < left->len; i++)
    g_assert_cmpstr (lab_backup_info_get_name (left->pdata[i]), !=, names->pdata[1]);
}

static void
test_busy_and_nothing_changed (LabTestStore  *store,
                               gconstpointer  data)
{
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int fd;

  make_store (store);
  g_clear_object (&store->db);
  plan = plan_now (store, 0);

  /* Another clean-up holds the lock. */
  lock_path = g_build_filename (lab_data_dir_get_data_path (store->dir), ".cleanup.lock", NULL);
  fd = open (lock_path, O_RDWR | O_CREAT, 0600);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  before = lab_test_tree_digest (store->root);
  g_assert_null (lab_cleanup_apply (store->dir, plan, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
  close (fd);
  g_clear_error (&error);

  /* Cancelled before it starts: nothing either. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *again = NULL;

    g_cancellable_cancel (cancellable);
    g_assert_null (lab_cleanup_apply (store->dir, plan, NULL, NULL, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (query (lab_test_store_open (store), "SELECT count(*) FROM sessions"), ==, 5);
    g_clear_object (&store->db);
  }
}

static void
test_recover (LabTestStore  *store,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trash = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *home = NULL;
  g_autofree char *file = NULL;
  guint restored = 0, removed = 0;

  make_store (store);
  g_clear_object (&store->db);

  /* What a clean-up killed between the moves and the commit leaves: the
   * folder of a session that still exists, and of one that does not. */
  trash = g_build_filename (lab_data_dir_get_data_path (store->dir), ".cleanup-trash", NULL);
  g_assert_true (lab_mkdir_private (trash, NULL));
  home = lab_data_dir_get_session_workspace (store->dir, "old-archived");
  kept = g_build_filename (trash, "old-archived", NULL);
  g_assert_cmpint (g_rename (home, kept), ==, 0);
  gone = g_build_filename (trash, "deleted-session", NULL);
  g_assert_true (lab_mkdir_private (gone, NULL));

  g_assert_true (lab_cleanup_recover (store->dir, &restored, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (restored, ==, 1);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (g_file_test (trash, G_FILE_TEST_EXISTS));
  file = g_build_filename (home, "out", "result.txt", NULL);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  /* Nothing to do is not an error. */
  g_assert_true (lab_cleanup_recover (store->dir, &restored, &removed, &error));
  g_assert_cmpuint (restored + removed, ==, 0);

  /* The store is as before, but for the orphan make_store() adds. */
  {
    g_autofree char *ghost = g_build_filename (lab_data_dir_get_workspace_path (store->dir),
                                               "ghost", NULL);

    g_assert_true (lab_rm_rf (ghost, &error));
  }
  assert_check_clean (store);
}

static void
test_vacuum (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *oplog = NULL;
  g_autofree char *contents = NULL;
  LabVacuumResult result = { 0 };

  lab_test_store_add_demo (store, 30, 20, 4);
  exec_sql (lab_test_store_open (store), "DELETE FROM sessions WHERE rowid % 2 = 0");
  g_clear_object (&store->db);

  g_assert_true (lab_vacuum (store->dir, &result, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.size_after, <, result.size_before);
  g_assert_false (result.incremental);

  oplog = g_build_filename (lab_data_dir_get_logs_path (store->dir), "operations.jsonl", NULL);
  g_assert_true (g_file_get_contents (oplog, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"operation\":\"vacuum\""));
  lab_test_assert_fts_ok (lab_test_store_open (store));

  /* No store: an error, and nothing created. */
  {
    g_autoptr(LabDataDir) none = NULL;
    g_autofree char *root = g_build_filename (store->tmp, "none", NULL);

    none = lab_data_dir_new (root);
    g_assert_false (lab_vacuum (none, NULL, NULL, NULL, NULL, &error));
    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
    g_assert_false (g_file_test (root, G_FILE_TEST_EXISTS));
  }
}

static void
apply_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LabCleanupResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lab_cleanup_apply_finish (LAB_DATA_DIR (source), result, &error);
  g_assert_no_error (error);
}

static void
plan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LabCleanupPlan **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lab_cleanup_plan_finish (LAB_DATA_DIR (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabProgress) progress = lab_progress_new ();
  LabCleanupPlan *plan = NULL;
  LabCleanupResult *result = NULL;
  LabCleanupOptions options;

  make_store (store);
  g_clear_object (&store->db);
  lab_cleanup_options_init (&options);
  options.now = NOW;

  lab_cleanup_plan_async (store->dir, &options, NULL, plan_done_cb, &plan);
  while (plan == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (lab_cleanup_plan_get_n_included (plan), ==, 8);

  lab_cleanup_apply_async (store->dir, plan, progress, NULL, apply_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (result->deleted_ids->len, ==, 8);

  lab_cleanup_result_free (result);
  g_object_unref (plan);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/cleanup/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("plan-and-protection", test_plan_and_protection);
  ADD ("dry-run-and-apply-agree", test_dry_run_and_apply_agree);
  ADD ("changed-since-plan", test_changed_since_plan);
  ADD ("categories", test_categories);
  ADD ("backups", test_backups);
  ADD ("busy-and-nothing-changed", test_busy_and_nothing_changed);
  ADD ("recover", test_recover);
  ADD ("vacuum", test_vacuum);
  ADD ("async", test_async);

  return g_test_run ();
}
