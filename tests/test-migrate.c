/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-fixtures.h"
#include "lab-migrate-private.h"
#include "lab-row.h"
#include "lab-test-util.h"

/*
 * The safety of a migration: a dry run changes nothing, the sources are never
 * touched, migrating twice imports nothing twice, a grown source brings in
 * only what is new, any failure (injected, cancelled, an unusable source)
 * leaves the store exactly as it was, and a rollback from the log restores
 * the state before the migration exactly (tables and workspace files).
 */

typedef struct
{
  LabTestStore store;
  char *lab;       /* the .ai_research_lab folder */
  char *events;    /* the events.db */
  char *legacy;    /* the folder holding both */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lab_test_store_setup (&f->store, data);
  f->legacy = g_build_filename (f->store.tmp, "legacy", NULL);
  g_assert_cmpint (g_mkdir (f->legacy, 0755), ==, 0);
  f->lab = lab_fixture_ai_lab (f->legacy, data);
  f->events = lab_fixture_events (f->legacy, NULL);

  /* A store with data of its own, which a migration must never change. */
  lab_test_store_add_demo (&f->store, 5, 8, 11);
  g_clear_object (&f->store.db);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  _lab_migrate_inject_failure (NULL, 0);
  g_free (f->lab);
  g_free (f->events);
  g_free (f->legacy);
  lab_test_store_teardown (&f->store, data);
}

static GPtrArray *
sources_of (Fixture *f)
{
  const char *paths[] = { f->lab, f->events, NULL };
  g_autoptr(GError) error = NULL;
  GPtrArray *sources = lab_legacy_detect (paths, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 2);
  return sources;
}

static LabMigrationReport *
migrate (Fixture          *f,
         LabMigrateFlags   flags,
         GError          **error)
{
  g_autoptr(GPtrArray) sources = sources_of (f);

  return lab_migrate (f->store.dir, sources, flags, NULL, NULL, NULL, error);
}

static char *
store_digest (Fixture *f)
{
  return lab_fixture_store_digest (f->store.root);
}

static char *
legacy_digest (Fixture *f)
{
  return lab_test_tree_digest (f->legacy);
}

static guint
count_files (const char *folder,
             const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, prefix);

  return n;
}

static gint64
query (Fixture    *f,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (f->store.dir, LAB_DB_OPEN_READ_ONLY, &error);
  gint64 n;

  g_assert_no_error (error);
  n = lab_db_query_int64 (db, sql, &error);
  g_assert_no_error (error);
  return n;
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *store_before = store_digest (f);
  g_autofree char *tree_before = lab_test_tree_digest (f->store.root);
  g_autofree char *legacy_before = legacy_digest (f);
  g_autofree char *tree_after = NULL;
  g_autofree char *legacy_after = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = migrate (f, LAB_MIGRATE_DRY_RUN, &error);
  g_assert_no_error (error);

  g_assert_cmpint (lab_migration_report_get_kind (report), ==, LAB_MIGRATION_REPORT_DRY_RUN);
  g_assert_cmpuint (lab_migration_report_get_n_sources (report), ==, 2);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "sessions"), ==, 4);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "messages"), ==, 9);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "metrics"), ==, 5);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "agent_activity"), ==, 4);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "meetings"), ==, 2);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "workspace_files"), ==, 10);
  g_assert_cmpint (lab_migration_report_get_added (report, 1, "sessions"), ==, 6);
  g_assert_cmpint (lab_migration_report_get_added (report, 1, "messages"), ==, 12);
  g_assert_cmpint (lab_migration_report_get_added (report, 1, "agent_activity"), ==, 7);
  g_assert_cmpint (lab_migration_report_get_added (report, 1, "workspace_files"), ==, 8);
  g_assert_cmpint (lab_migration_report_get_added (report, -1, "sessions"), ==, 10);
  g_assert_cmpint (lab_migration_report_get_existing (report, -1, "sessions"), ==, 0);
  g_assert_cmpuint (lab_migration_report_get_bytes (report, -1), >, 10000);
  g_assert_cmpuint (lab_migration_report_get_space_needed (report), >, lab_migration_report_get_bytes (report, -1));
  g_assert_cmpuint (lab_migration_report_get_space_free (report), >, 0);
  g_assert_cmpuint (lab_migration_report_get_issues (report)->len, ==, 4);
  g_assert_false (lab_migration_report_get_verified (report));
  g_assert_null (lab_migration_report_get_log_path (report));
  g_assert_null (lab_migration_report_get_backup_name (report));

  /* Not a byte changed: not the store, not its folders, not the sources. */
  tree_after = lab_test_tree_digest (f->store.root);
  legacy_after = legacy_digest (f);
  g_assert_cmpstr (tree_after, ==, tree_before);
  g_assert_cmpstr (legacy_after, ==, legacy_before);
  {
    g_autofree char *store_after = store_digest (f);

    g_assert_cmpstr (store_after, ==, store_before);
  }

  /* A dry run into a store that does not exist yet does not create it. */
  {
    g_autofree char *elsewhere = g_build_filename (f->store.tmp, "new-store", NULL);
    g_autoptr(LabDataDir) dir = lab_data_dir_new (elsewhere);
    g_autoptr(GPtrArray) sources = sources_of (f);
    g_autoptr(LabMigrationReport) fresh = lab_migrate (dir, sources, LAB_MIGRATE_DRY_RUN, NULL, NULL,
                                                       NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (lab_migration_report_get_total_added (fresh), ==,
                     lab_migration_report_get_total_added (report));
    g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
  }

  /* The JSON form carries the same. */
  {
    g_autoptr(JsonNode) node = lab_migration_report_to_json (report);
    JsonObject *object = json_node_get_object (node);
    JsonObject *first = json_array_get_object_element (json_object_get_array_member (object, "sources"), 0);

    g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "dry-run");
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (first, "counts"), "messages"), "added"), ==, 9);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "issues")), ==, 4);
  }
}

static void
test_migrate_twice (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *legacy_before = legacy_digest (f);
  g_autofree char *legacy_after = NULL;
  g_autofree char *after_first = NULL;
  g_autofree char *tree_first = NULL;
  g_autofree char *after_second = NULL;
  g_autofree char *tree_second = NULL;
  g_autoptr(LabMigrationReport) first = NULL;
  g_autoptr(LabMigrationReport) second = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  first = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_kind (first), ==, LAB_MIGRATION_REPORT_MIGRATION);
  g_assert_true (lab_migration_report_get_verified (first));
  g_assert_cmpint (lab_migration_report_get_added (first, -1, "sessions"), ==, 10);
  g_assert_cmpint (lab_migration_report_get_added (first, -1, "workspace_files"), ==, 18);
  g_assert_nonnull (lab_migration_report_get_backup_name (first));
  g_assert_nonnull (lab_migration_report_get_log_path (first));
  g_assert_true (g_file_test (lab_migration_report_get_log_path (first), G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (stat (lab_migration_report_get_log_path (first), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (query (f, "SELECT count(*) FROM sessions"), ==, 15);

  after_first = store_digest (f);
  tree_first = lab_test_tree_digest (f->store.root);

  /* Again: nothing is imported twice, nothing is written at all. */
  second = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_total_added (second), ==, 0);
  g_assert_cmpint (lab_migration_report_get_existing (second, -1, "sessions"), ==, 10);
  g_assert_cmpint (lab_migration_report_get_existing (second, -1, "messages"), ==, 21);
  g_assert_cmpint (lab_migration_report_get_existing (second, -1, "workspace_files"), ==, 18);
  g_assert_null (lab_migration_report_get_log_path (second));
  g_assert_null (lab_migration_report_get_backup_name (second));

  after_second = store_digest (f);
  tree_second = lab_test_tree_digest (f->store.root);
  g_assert_cmpstr (after_second, ==, after_first);
  g_assert_cmpstr (tree_second, ==, tree_first);

  /* And the sources were never touched. */
  legacy_after = legacy_digest (f);
  g_assert_cmpstr (legacy_after, ==, legacy_before);

  {
    g_autoptr(LabDb) db = lab_db_open (f->store.dir, LAB_DB_OPEN_NO_CREATE, &error);

    g_assert_no_error (error);
    lab_test_assert_fts_ok (db);
  }
}

static void
test_source_grows (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabMigrationReport) first = NULL;
  g_autoptr(LabMigrationReport) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = g_build_filename (f->lab, "data", "research_sessions.db", NULL);
  g_autofree char *new_file = g_build_filename (f->lab, "data", "output", LAB_FIXTURE_LAB_SESSION_1, "more.txt", NULL);
  sqlite3 *db = NULL;

  first = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);

  /* The legacy app kept working: a new message, a new session, a new file. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO chat_logs (session_id, timestamp, log_type, author, message) "
                                 "VALUES ('" LAB_FIXTURE_LAB_SESSION_1 "', '2024-12-01T16:00:00', "
                                 "'communication', 'user', 'One more question.');"
                                 "INSERT INTO sessions VALUES ('research_20241210_100000', '2024-12-10T10:00:00', "
                                 "'2024-12-10T10:00:00', 'active', 'A new question', NULL, NULL, NULL, NULL);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  lab_fixture_write_file (new_file, "new output\n", -1);

  second = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_added (second, 0, "sessions"), ==, 1);
  g_assert_cmpint (lab_migration_report_get_added (second, 0, "messages"), ==, 1);
  g_assert_cmpint (lab_migration_report_get_added (second, 0, "workspace_files"), ==, 1);
  g_assert_cmpint (lab_migration_report_get_existing (second, 0, "messages"), ==, 9);
  g_assert_cmpint (lab_migration_report_get_total_added (second), ==, 3);
  g_assert_true (lab_migration_report_get_verified (second));

  /* The new message comes after the session's others. */
  g_assert_cmpint (query (f, "SELECT sequence FROM messages WHERE content = 'One more question.'"), ==, 8);
  g_assert_cmpint (query (f, "SELECT count(*) FROM sessions WHERE id = 'research_20241210_100000'"), ==, 1);
}

static void
test_id_collision (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabMigrationReport) first = NULL;
  g_autoptr(LabMigrationReport) second = NULL;
  g_autoptr(GError) error = NULL;
  LabDb *db;

  /* A session of the store's own has a legacy session's id. */
  db = lab_test_store_open (&f->store);
  lab_test_add_session (db, LAB_FIXTURE_LAB_SESSION_1, "My own session", NULL);
  g_clear_object (&f->store.db);

  first = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query (f, "SELECT count(*) FROM sessions WHERE id = '" LAB_FIXTURE_LAB_SESSION_1 "' "
                             "AND title = 'My own session' AND metadata IS NULL"), ==, 1);
  /* The legacy one gets an id of its own, and keeps its legacy id. */
  g_assert_cmpint (query (f, "SELECT count(*) FROM sessions WHERE json_extract (metadata, '$.legacy.id') = "
                             "'" LAB_FIXTURE_LAB_SESSION_1 "' AND id <> '" LAB_FIXTURE_LAB_SESSION_1 "'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT count(*) FROM messages WHERE session_id = '" LAB_FIXTURE_LAB_SESSION_1 "'"), ==, 0);

  /* Again: the same mapping, nothing twice. */
  second = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_total_added (second), ==, 0);
}

static const struct
{
  const char *point;
  guint countdown;
} failure_points[] = {
  { "session", 3 },
  { "row", 15 },
  { "file", 4 },
  { "file", 17 },
  { "verify", 2 },
  { "commit", 1 },
};

static void
test_injected_failure (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *before = store_digest (f);
  g_autofree char *legacy_before = legacy_digest (f);
  g_autofree char *workspace = g_strdup (lab_data_dir_get_workspace_path (f->store.dir));
  g_autofree char *workspace_before = lab_test_tree_digest (workspace);

  for (guint i = 0; i < G_N_ELEMENTS (failure_points); i++)
    {
      g_autoptr(LabMigrationReport) report = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;
      g_autofree char *workspace_after = NULL;
      g_autofree char *legacy_after = NULL;
      guint logs = count_files (lab_data_dir_get_logs_path (f->store.dir), "migration_log_");

      _lab_migrate_inject_failure (failure_points[i].point, failure_points[i].countdown);
      report = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
      g_assert_null (report);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE);
      g_assert_nonnull (strstr (error->message, failure_points[i].point));

      /* Exactly as before: every table, every workspace file. */
      after = store_digest (f);
      workspace_after = lab_test_tree_digest (workspace);
      legacy_after = legacy_digest (f);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpstr (workspace_after, ==, workspace_before);
      g_assert_cmpstr (legacy_after, ==, legacy_before);

      /* The failure is logged, and says nothing was changed. */
      g_assert_cmpuint (count_files (lab_data_dir_get_logs_path (f->store.dir), "migration_log_"), ==, logs + 1);
    }

  /* The store is fit to migrate after all of that. */
  {
    g_autoptr(LabMigrationReport) report = NULL;
    g_autoptr(GError) error = NULL;

    report = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (lab_migration_report_get_added (report, -1, "sessions"), ==, 10);
  }
}

static void
cancel_halfway_cb (double      fraction,
                   const char *message,
                   gpointer    user_data)
{
  /* Once the writing has begun. */
  if (fraction > 0.3)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *before = store_digest (f);
  g_autofree char *after = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  /* Enough events for the progress to be reported along the way. */
  db_path = g_strdup (f->events);
  lab_fixture_grow_events (db_path, 20, 60);
  sources = sources_of (f);

  report = lab_migrate (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, cancel_halfway_cb,
                        cancellable, cancellable, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  after = store_digest (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_unusable_source (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *corrupt_parent = g_build_filename (f->store.tmp, "corrupt", NULL);
  g_autofree char *corrupt = NULL;
  g_autofree char *before = store_digest (f);
  g_autofree char *tree_before = lab_test_tree_digest (f->store.root);
  g_autofree char *tree_after = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) dry = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[3] = { NULL, NULL, NULL };

  g_assert_cmpint (g_mkdir (corrupt_parent, 0700), ==, 0);
  corrupt = lab_fixture_ai_lab (corrupt_parent, "corrupt");
  paths[0] = corrupt;
  paths[1] = f->events;

  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);

  /* The dry run reports the damaged source as skipped, and the other one. */
  dry = lab_migrate (f->store.dir, sources, LAB_MIGRATE_DRY_RUN, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lab_migration_report_get_source_skipped (dry, 0));
  g_assert_false (lab_migration_report_get_source_skipped (dry, 1));
  g_assert_cmpint (lab_migration_report_get_added (dry, 0, "sessions"), ==, 0);
  g_assert_cmpint (lab_migration_report_get_added (dry, 1, "sessions"), ==, 6);

  /* The migration refuses as a whole: never a partial migration. */
  report = lab_migrate (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "damaged"));

  tree_after = lab_test_tree_digest (f->store.root);
  g_assert_cmpstr (tree_after, ==, tree_before);
  {
    g_autofree char *after = store_digest (f);

    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_locked_during_migration (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *before = store_digest (f);
  g_autoptr(GPtrArray) sources = sources_of (f);
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *app = NULL;

  /* Usable when detected, then the agent server starts writing. */
  g_assert_cmpint (sqlite3_open (f->events, &app), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (app, "BEGIN EXCLUSIVE; DELETE FROM event WHERE 0", NULL, NULL, NULL),
                   ==, SQLITE_OK);

  report = lab_migrate (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "locked"));

  sqlite3_exec (app, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (app);

  {
    g_autofree char *after = store_digest (f);

    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *before = store_digest (f);
  g_autofree char *legacy_before = legacy_digest (f);
  g_autofree char *after_migration = NULL;
  g_autofree char *after_rollback = NULL;
  g_autofree char *legacy_after = NULL;
  g_autofree char *log = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(LabMigrationReport) undone = NULL;
  g_autoptr(LabMigrationReport) again = NULL;
  g_autoptr(GError) error = NULL;

  report = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  log = g_strdup (lab_migration_report_get_log_path (report));
  after_migration = store_digest (f);
  g_assert_cmpstr (after_migration, !=, before);

  /* A failure halfway through the rollback changes nothing either. */
  _lab_migrate_inject_failure ("rollback-delete", 1);
  undone = lab_migrate_rollback (f->store.dir, log, NULL, NULL, NULL, &error);
  g_assert_null (undone);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE);
  g_clear_error (&error);
  {
    g_autofree char *still = store_digest (f);

    g_assert_cmpstr (still, ==, after_migration);
  }

  /* By the log's name: the state before the migration, exactly. */
  {
    g_autofree char *name = g_path_get_basename (log);
    g_autofree char *found = lab_migrate_find_log (f->store.dir, name, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, log);
  }
  undone = lab_migrate_rollback (f->store.dir, log, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_kind (undone), ==, LAB_MIGRATION_REPORT_ROLLBACK);
  g_assert_cmpint (lab_migration_report_get_removed (undone, "sessions"), ==, 10);
  g_assert_cmpint (lab_migration_report_get_removed (undone, "messages"), ==, 21);
  g_assert_cmpint (lab_migration_report_get_removed (undone, "metrics"), ==, 5);
  g_assert_cmpint (lab_migration_report_get_removed (undone, "workspace_files"), ==, 18);
  g_assert_nonnull (lab_migration_report_get_backup_name (undone));

  after_rollback = store_digest (f);
  g_assert_cmpstr (after_rollback, ==, before);
  legacy_after = legacy_digest (f);
  g_assert_cmpstr (legacy_after, ==, legacy_before);
  {
    g_autoptr(LabDb) db = lab_db_open (f->store.dir, LAB_DB_OPEN_NO_CREATE, &error);

    g_assert_no_error (error);
    lab_test_assert_fts_ok (db);
  }

  /* Once only. */
  g_clear_object (&undone);
  undone = lab_migrate_rollback (f->store.dir, log, NULL, NULL, NULL, &error);
  g_assert_null (undone);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "already undone"));
  g_clear_error (&error);

  /* And the migration can be made again. */
  again = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_added (again, -1, "sessions"), ==, 10);
  {
    g_autofree char *remigrated = store_digest (f);

    g_assert_cmpstr (remigrated, ==, after_migration);
  }
}

static void
rewrite_log (const char *path,
             const char *from,
             const char *to)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, from, to, 1), ==, 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, NULL));
}

static void
test_rollback_bad_logs (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *after_migration = NULL;
  g_autofree char *original = NULL;
  static const struct { const char *from; const char *to; const char *why; } edits[] = {
    { "\"path\" : \"output/results.csv\"", "\"path\" : \"../../escape.txt\"", "not safe" },
    { "\"folders\" : [", "\"folders\" : [ \"data/../..\",", "not inside" },
    { "\"status\" : \"completed\"", "\"status\" : \"failed\"", "did not complete" },
    { "\"format\" : \"labdata-migration-log\"", "\"format\" : \"other\"", "not a migration log" },
    { "\"version\" : 1", "\"version\" : 99", "newer" },
    { "\"messages\" : [", "\"sqlite_schema\" : [", "table" },
  };

  report = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  log = g_strdup (lab_migration_report_get_log_path (report));
  copy = g_strconcat (log, ".orig", NULL);
  after_migration = store_digest (f);
  g_assert_true (g_file_get_contents (log, &original, NULL, NULL));

  /* Rows in sessions the store had before: the rows list is not empty. */
  g_assert_nonnull (strstr (original, "\"metrics\" : ["));

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(LabMigrationReport) undone = NULL;
      g_autofree char *still = NULL;

      g_assert_true (g_file_set_contents (log, original, -1, NULL));
      if (strstr (original, edits[i].from) == NULL)
        {
          /* This migration added no message to an older session: use metrics. */
          g_assert_cmpstr (edits[i].from, ==, "\"messages\" : [");
          rewrite_log (log, "\"metrics\" : [", edits[i].to);
        }
      else
        rewrite_log (log, edits[i].from, edits[i].to);

      undone = lab_migrate_rollback (f->store.dir, log, NULL, NULL, NULL, &error);
      g_assert_null (undone);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
      if (strstr (error->message, edits[i].why) == NULL)
        g_error ("“%s” does not say “%s”", error->message, edits[i].why);
      g_clear_error (&error);

      still = store_digest (f);
      g_assert_cmpstr (still, ==, after_migration);
    }

  /* Not JSON at all, and no such log. */
  g_assert_true (g_file_set_contents (log, "{ not json", -1, NULL));
  g_assert_null (lab_migrate_rollback (f->store.dir, log, NULL, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (lab_migrate_find_log (f->store.dir, "migration_log_none.json", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_move_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *legacy_before = legacy_digest (f);
  g_autofree char *before = store_digest (f);
  g_autofree char *legacy_moved = NULL;
  g_autofree char *legacy_restored = NULL;
  g_autofree char *after_rollback = NULL;
  g_autofree char *pdf = g_build_filename (f->legacy, "workspace", LAB_FIXTURE_EVENTS_SESSION_1,
                                           "uploaded_files", "notes.pdf", NULL);
  g_autofree char *csv = g_build_filename (f->lab, "data", "output", LAB_FIXTURE_LAB_SESSION_1,
                                           "results.csv", NULL);
  g_autofree char *lab_db = g_build_filename (f->lab, "data", "research_sessions.db", NULL);
  g_autofree char *link = g_build_filename (f->legacy, "workspace", LAB_FIXTURE_EVENTS_SESSION_1,
                                            "passwd", NULL);
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(LabMigrationReport) undone = NULL;
  g_autoptr(GError) error = NULL;

  report = migrate (f, LAB_MIGRATE_MOVE_FILES, &error);
  g_assert_no_error (error);
  g_assert_true (lab_migration_report_get_verified (report));

  /* The files went; the databases and what was not copied stayed. */
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lab_db, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (f->events, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  legacy_moved = legacy_digest (f);
  g_assert_cmpstr (legacy_moved, !=, legacy_before);
  {
    g_autofree char *copy = g_build_filename (lab_data_dir_get_workspace_path (f->store.dir),
                                              LAB_FIXTURE_EVENTS_SESSION_1, "uploaded_files",
                                              "notes.pdf", NULL);
    g_autofree char *expected = lab_fixture_binary (5000);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (copy, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, expected, 5000);
  }

  /* Undone, the files are back where they were, byte for byte. */
  undone = lab_migrate_rollback (f->store.dir, lab_migration_report_get_log_path (report),
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  legacy_restored = legacy_digest (f);
  g_assert_cmpstr (legacy_restored, ==, legacy_before);
  after_rollback = store_digest (f);
  g_assert_cmpstr (after_rollback, ==, before);
}

static void
test_killed_run_leftovers (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = lab_data_dir_get_session_workspace (f->store.dir, LAB_FIXTURE_EVENTS_SESSION_1);
  g_autofree char *same = g_build_filename (folder, "report.md", NULL);
  g_autofree char *other = g_build_filename (folder, "agent_memory", "context.json", NULL);
  g_autofree char *source = g_build_filename (f->legacy, "workspace", LAB_FIXTURE_EVENTS_SESSION_1,
                                              "report.md", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean found = FALSE;
  GPtrArray *issues;

  /* A run killed before its commit left a copy in place, and something else
   * is where another file would go. */
  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  lab_fixture_write_file (same, contents, length);
  lab_fixture_write_file (other, "not the same\n", -1);

  report = migrate (f, LAB_MIGRATE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (lab_migration_report_get_verified (report));

  /* The identical copy is taken as it is; the different file is not replaced. */
  g_assert_cmpint (query (f, "SELECT count(*) FROM workspace_files WHERE session_id = '"
                             LAB_FIXTURE_EVENTS_SESSION_1 "' AND path = 'report.md'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT count(*) FROM workspace_files WHERE session_id = '"
                             LAB_FIXTURE_EVENTS_SESSION_1 "' AND path = 'agent_memory/context.json'"), ==, 0);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (other, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "not the same\n");

  issues = lab_migration_report_get_issues (report);
  for (guint i = 0; i < issues->len; i++)
    found |= strstr (((LabMigrationIssue *) g_ptr_array_index (issues, i))->message,
                     "a different file is already in its place") != NULL;
  g_assert_true (found);
}

static void
test_json_export (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = lab_fixture_data_path ("export.json");
  const char *paths[] = { path, f->events, NULL };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(LabMigrationReport) undone = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  GPtrArray *issues;

  /* The store has a brain of the export's id with other contents. */
  {
    g_autoptr(JsonObject) brain = json_object_new ();
    LabDb *db = lab_test_store_open (&f->store);

    json_object_set_string_member (brain, "id", "ai-sage");
    json_object_set_string_member (brain, "name", "Sage, as the store has it");
    json_object_set_string_member (brain, "updated_at", "2026-01-01T00:00:00.000Z");
    lab_row_insert (db, lab_schema_get_table ("brains"), brain, FALSE, &error);
    g_assert_no_error (error);
    g_clear_object (&f->store.db);
  }
  before = store_digest (f);

  /* With an events.db, in one migration and one transaction. */
  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);
  report = lab_migrate (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lab_migration_report_get_verified (report));
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "sessions"), ==, 1);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "messages"), ==, 2);
  g_assert_cmpint (lab_migration_report_get_added (report, 0, "brains"), ==, 0);
  g_assert_cmpint (lab_migration_report_get_added (report, 1, "sessions"), ==, 6);
  g_assert_cmpint (query (f, "SELECT count(*) FROM brains WHERE name = 'Sage, as the store has it'"), ==, 1);
  issues = lab_migration_report_get_issues (report);
  for (guint i = 0; i < issues->len; i++)
    found |= g_str_equal (((LabMigrationIssue *) g_ptr_array_index (issues, i))->item, "ai-sage");
  g_assert_true (found);

  /* Undone exactly. */
  undone = lab_migrate_rollback (f->store.dir, lab_migration_report_get_log_path (report),
                                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  after = store_digest (f);
  g_assert_cmpstr (after, ==, before);

  /* Without the store's own brain, the export's is added, and undone too. */
  {
    g_autoptr(LabMigrationReport) second = NULL;
    g_autoptr(LabMigrationReport) second_undone = NULL;
    LabDb *db = lab_test_store_open (&f->store);

    g_assert_true (lab_db_exec (db, "DELETE FROM brains", &error));
    g_clear_object (&f->store.db);
    g_clear_pointer (&before, g_free);
    before = store_digest (f);

    second = lab_migrate (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (lab_migration_report_get_added (second, 0, "brains"), ==, 1);
    g_assert_cmpint (query (f, "SELECT count(*) FROM brains WHERE id = 'ai-sage'"), ==, 1);

    second_undone = lab_migrate_rollback (f->store.dir, lab_migration_report_get_log_path (second),
                                          NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (lab_migration_report_get_removed (second_undone, "brains"), ==, 1);
    g_clear_pointer (&after, g_free);
    after = store_digest (f);
    g_assert_cmpstr (after, ==, before);
  }
}

static void
migrate_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LabMigrationReport **report = user_data;
  g_autoptr(GError) error = NULL;

  *report = lab_migrate_finish (result, &error);
  g_assert_no_error (error);
}

static void
rollback_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LabMigrationReport **report = user_data;
  g_autoptr(GError) error = NULL;

  *report = lab_migrate_rollback_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) sources = sources_of (f);
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(LabMigrationReport) undone = NULL;

  lab_migrate_async (f->store.dir, sources, LAB_MIGRATE_FLAGS_NONE, progress, NULL,
                     migrate_done_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lab_migration_report_get_verified (report));
  /* The progress reached the end, on this thread's main context. */
  while (lab_progress_get_fraction (progress) < 1.0)
    g_main_context_iteration (NULL, TRUE);

  lab_migrate_rollback_async (f->store.dir, lab_migration_report_get_log_path (report), NULL, NULL,
                              rollback_done_cb, &undone);
  while (undone == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (lab_migration_report_get_removed (undone, "sessions"), ==, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, variant) \
  g_test_add ("/labdata/store/migrate/" path, Fixture, variant, fixture_setup, func, fixture_teardown)

  ADD ("dry-run", test_dry_run, NULL);
  ADD ("twice-is-a-no-op", test_migrate_twice, NULL);
  ADD ("source-grows", test_source_grows, NULL);
  ADD ("id-collision", test_id_collision, NULL);
  ADD ("injected-failures", test_injected_failure, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("unusable-source", test_unusable_source, NULL);
  ADD ("locked-during-migration", test_locked_during_migration, NULL);
  ADD ("rollback", test_rollback, NULL);
  ADD ("rollback-bad-logs", test_rollback_bad_logs, NULL);
  ADD ("move-files", test_move_files, NULL);
  ADD ("killed-run-leftovers", test_killed_run_leftovers, NULL);
  ADD ("json-export", test_json_export, NULL);
  ADD ("async", test_async, NULL);

  return g_test_run ();
}
