/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-fileutil.h"
#include "lab-legacy-fixtures.h"
#include "lab-test-util.h"

/*
 * `labdata-cli migrate` and `labdata-cli move-data-dir`, run as a person or
 * a script would: output, --json, exit codes, confirmation, and a migration
 * killed at random moments. main() gives this program (and so the CLI it
 * runs) its own HOME, XDG_CONFIG_HOME and XDG_DATA_HOME.
 */

static char *tmp_root;

typedef struct
{
  LabTestStore store;
  char *legacy;
  char *lab;
  char *events;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lab_test_store_setup (&f->store, data);
  g_assert_cmpint (g_chmod (f->store.tmp, 0755), ==, 0);
  f->legacy = g_build_filename (f->store.tmp, "legacy", NULL);
  g_assert_cmpint (g_mkdir (f->legacy, 0755), ==, 0);
  f->lab = lab_fixture_ai_lab (f->legacy, data);
  f->events = lab_fixture_events (f->legacy, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->legacy);
  g_free (f->lab);
  g_free (f->events);
  lab_test_store_teardown (&f->store, data);
}

static void
test_usage (void)
{
  g_autoptr(LabTestRun) help = lab_test_run_cli ("migrate", "--help", NULL);
  g_autoptr(LabTestRun) move_help = lab_test_run_cli ("move-data-dir", "--help", NULL);
  g_autoptr(LabTestRun) main_help = lab_test_run_cli ("--help", NULL);
  g_autoptr(LabTestRun) extra = lab_test_run_cli ("migrate", "extra", NULL);
  g_autoptr(LabTestRun) both = lab_test_run_cli ("migrate", "--rollback", "x.json", "--from", "/tmp", NULL);
  g_autoptr(LabTestRun) dry_move = lab_test_run_cli ("migrate", "--dry-run", "--move-files", NULL);
  g_autoptr(LabTestRun) bad = lab_test_run_cli ("migrate", "--frobnicate", NULL);
  g_autoptr(LabTestRun) no_path = lab_test_run_cli ("move-data-dir", NULL);
  g_autoptr(LabTestRun) two_paths = lab_test_run_cli ("move-data-dir", "/tmp/a", "/tmp/b", NULL);
  g_autoptr(LabTestRun) empty_path = lab_test_run_cli ("move-data-dir", "", NULL);

  g_assert_cmpint (help->status, ==, 0);
  g_assert_nonnull (strstr (help->out, "--from"));
  g_assert_nonnull (strstr (help->out, "--dry-run"));
  g_assert_nonnull (strstr (help->out, "--rollback"));
  g_assert_nonnull (strstr (help->out, "--move-files"));
  g_assert_cmpint (move_help->status, ==, 0);
  g_assert_nonnull (strstr (move_help->out, "NEW_PATH"));
  g_assert_nonnull (strstr (move_help->out, "--remove-old"));
  g_assert_nonnull (strstr (main_help->out, "migrate"));
  g_assert_nonnull (strstr (main_help->out, "move-data-dir"));

  g_assert_cmpint (extra->status, ==, 2);
  g_assert_cmpint (both->status, ==, 2);
  g_assert_cmpint (dry_move->status, ==, 2);
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_cmpint (no_path->status, ==, 2);
  g_assert_cmpint (two_paths->status, ==, 2);
  g_assert_cmpint (empty_path->status, ==, 2);
}

static void
test_nothing_found (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *empty = g_build_filename (f->store.tmp, "empty", NULL);
  g_autofree char *missing = g_build_filename (f->store.tmp, "nowhere", NULL);
  g_autofree char *text = g_build_filename (f->store.tmp, "notes.txt", NULL);
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(LabTestRun) json = NULL;
  g_autoptr(LabTestRun) gone = NULL;
  g_autoptr(LabTestRun) not_legacy = NULL;
  g_autoptr(JsonObject) object = NULL;

  /* No ~/.ai_research_lab (HOME is this program's), no ./events.db. */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_assert_cmpint (g_chdir (empty), ==, 0);
  run = lab_test_run_cli ("--data-dir", f->store.root, "migrate", NULL);
  json = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--json", NULL);
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "No legacy data was found"));
  g_assert_nonnull (strstr (run->out, ".ai_research_lab"));
  g_assert_cmpint (json->status, ==, 0);
  object = lab_test_parse_object (json->out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "sources")), ==, 0);
  g_assert_false (g_file_test (f->store.root, G_FILE_TEST_EXISTS));

  /* A path given that holds nothing LabData knows is a failure. */
  gone = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", missing, NULL);
  g_assert_cmpint (gone->status, ==, 1);
  g_assert_nonnull (strstr (gone->err, "does not exist"));
  lab_fixture_write_file (text, "text\n", -1);
  not_legacy = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", text, NULL);
  g_assert_cmpint (not_legacy->status, ==, 1);
  g_assert_nonnull (strstr (not_legacy->err, "holds no legacy data"));
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *before = lab_test_tree_digest (f->legacy);
  g_autofree char *after = NULL;
  g_autoptr(LabTestRun) run = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", f->lab,
                                                "--from", f->events, "--dry-run", NULL);
  g_autoptr(LabTestRun) json = lab_test_run_cli ("--json", "--data-dir", f->store.root, "migrate", "--from",
                                                 f->lab, "--from", f->events, "--dry-run", NULL);
  g_autoptr(JsonObject) object = NULL;
  JsonArray *sources;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "Found 2 sources of legacy data"));
  g_assert_nonnull (strstr (run->out, "sessions 3, chat_logs 9, metrics 5, agent_activity 4, meetings 2"));
  g_assert_nonnull (strstr (run->out, "A migration would add"));
  g_assert_nonnull (strstr (run->out, "sessions 4, messages 9, agent_activity 4, metrics 5, meetings 2, workspace_files 10"));
  g_assert_nonnull (strstr (run->out, "Disk space"));
  g_assert_nonnull (strstr (run->out, "4 things to know"));
  g_assert_nonnull (strstr (run->out, "Dry run: nothing was changed."));

  g_assert_cmpint (json->status, ==, 0);
  object = lab_test_parse_object (json->out);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "dry-run");
  sources = json_object_get_array_member (object, "sources");
  g_assert_cmpuint (json_array_get_length (sources), ==, 2);

  /* Nothing changed: no store was even created, the sources are as they were. */
  g_assert_false (g_file_test (f->store.root, G_FILE_TEST_EXISTS));
  after = lab_test_tree_digest (f->legacy);
  g_assert_cmpstr (after, ==, before);
}

static void
test_migrate_and_rollback (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *legacy_before = lab_test_tree_digest (f->legacy);
  g_autofree char *legacy_after = NULL;
  g_autofree char *log = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(LabTestRun) again = NULL;
  g_autoptr(LabTestRun) sessions = NULL;
  g_autoptr(LabTestRun) undo = NULL;
  g_autoptr(LabTestRun) undo_again = NULL;
  g_autoptr(LabTestRun) undo_missing = NULL;
  g_autoptr(LabTestRun) undo_refused = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) listed = NULL;

  /* Without a terminal it needs --yes, and then nothing was changed. */
  refused = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", f->lab, "--from", f->events, NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, "add --yes"));
  g_assert_false (g_file_test (f->store.root, G_FILE_TEST_EXISTS));

  run = lab_test_run_cli ("--json", "--data-dir", f->store.root, "migrate", "--from", f->lab, "--from",
                          f->events, "--yes", NULL);
  g_assert_cmpint (run->status, ==, 0);
  report = lab_test_parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (report, "kind"), ==, "migration");
  g_assert_true (json_object_get_boolean_member (report, "verified"));
  /* A store made by the migration has nothing to back up. */
  g_assert_false (json_object_has_member (report, "backup"));
  log = g_strdup (json_object_get_string_member (report, "log"));
  g_assert_true (g_file_test (log, G_FILE_TEST_IS_REGULAR));

  sessions = lab_test_run_cli ("--json", "--data-dir", f->store.root, "sessions", "-n", "100", NULL);
  g_assert_cmpint (sessions->status, ==, 0);
  listed = lab_test_parse_object (sessions->out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (listed, "sessions")), ==, 10);

  again = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", f->lab, "--from", f->events,
                            "--yes", NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "Nothing new to migrate"));

  /* The rollback asks too, then removes what the migration added. */
  undo_refused = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--rollback", log, NULL);
  g_assert_cmpint (undo_refused->status, ==, 2);
  {
    g_autofree char *name = g_path_get_basename (log);

    undo = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--rollback", name, "--yes", NULL);
  }
  g_assert_cmpint (undo->status, ==, 0);
  g_assert_nonnull (strstr (undo->out, "removed 10 sessions, 21 messages and 18 files"));
  undo_again = lab_test_run_cli ("--json", "--data-dir", f->store.root, "migrate", "--rollback", log, "--yes", NULL);
  g_assert_cmpint (undo_again->status, ==, 1);
  g_assert_nonnull (strstr (undo_again->err, "already undone"));
  {
    g_autoptr(JsonObject) error = lab_test_parse_object (undo_again->out);

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (error, "error"), "code"),
                     ==, "invalid");
  }
  undo_missing = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--rollback", "nope.json", "--yes", NULL);
  g_assert_cmpint (undo_missing->status, ==, 1);

  legacy_after = lab_test_tree_digest (f->legacy);
  g_assert_cmpstr (legacy_after, ==, legacy_before);
}

static void
test_human_output (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabTestRun) run = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", f->events,
                                                "--yes", NULL);
  g_autoptr(LabTestRun) second = NULL;
  g_autoptr(GDir) backups = NULL;
  g_autofree char *backups_path = g_build_filename (f->store.root, "backups", NULL);
  const char *name;
  gboolean found = FALSE;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "Found 1 source of legacy data"));
  g_assert_nonnull (strstr (run->out, "Migrated 6 sessions, 12 messages and 8 files; verified"));
  g_assert_nonnull (strstr (run->out, "No backup was needed: the store was new."));
  g_assert_nonnull (strstr (run->out, "migrate --rollback"));
  g_assert_nonnull (strstr (run->out, "a symbolic link"));

  /* Into a store that has data: a backup first, and it is there. */
  second = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", f->lab, "--yes", NULL);
  g_assert_cmpint (second->status, ==, 0);
  g_assert_nonnull (strstr (second->out, "Backup made first: backup_"));
  backups = g_dir_open (backups_path, 0, NULL);
  while (backups != NULL && (name = g_dir_read_name (backups)) != NULL)
    found |= g_str_has_prefix (name, "backup_") && g_str_has_suffix (name, ".json");
  g_assert_true (found);
}

static void
test_damaged_source (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *corrupt_parent = g_build_filename (f->store.tmp, "corrupt", NULL);
  g_autofree char *corrupt = NULL;
  g_autoptr(LabTestRun) dry = NULL;
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(JsonObject) error = NULL;

  g_assert_cmpint (g_mkdir (corrupt_parent, 0755), ==, 0);
  corrupt = lab_fixture_ai_lab (corrupt_parent, "corrupt");

  /* The dry run found a problem: exit 3, and says which and why. */
  dry = lab_test_run_cli ("--data-dir", f->store.root, "migrate", "--from", corrupt, "--from", f->events,
                          "--dry-run", NULL);
  g_assert_cmpint (dry->status, ==, 3);
  g_assert_nonnull (strstr (dry->out, "Cannot be migrated"));
  g_assert_nonnull (strstr (dry->out, "damaged"));
  g_assert_nonnull (strstr (dry->out, "skipped"));

  /* The migration refuses as a whole, before writing anything. */
  run = lab_test_run_cli ("--json", "--data-dir", f->store.root, "migrate", "--from", corrupt, "--from",
                          f->events, "--yes", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "Nothing was migrated"));
  error = lab_test_parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (error, "error"), "code"),
                   ==, "invalid");
  g_assert_false (g_file_test (f->store.root, G_FILE_TEST_EXISTS));
}

static void
test_not_writable (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabTestRun) demo = lab_test_run_cli ("--data-dir", f->store.root, "demo", "--sessions", "2",
                                                 "--messages-per-session", "4", NULL);
  const char *args[] = { "--data-dir", f->store.root, "migrate", "--from", f->events, "--yes", NULL };
  g_autoptr(LabTestRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *cmd = g_strdup_printf ("chmod -R a+rX,a-w '%s'", f->store.root);

  /* Root ignores permissions, so as root the program runs as "nobody". */
  g_assert_cmpint (demo->status, ==, 0);
  g_assert_true (system (cmd) == 0);
  before = lab_test_tree_digest (f->store.tmp);

  run = lab_test_run_cli_argv (args, NULL, geteuid () == 0);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "labdata-cli migrate:"));

  after = lab_test_tree_digest (f->store.tmp);
  g_assert_cmpstr (after, ==, before);
}

static void
test_move_data_dir (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *default_root = g_build_filename (g_get_user_data_dir (), "labdata", NULL);
  g_autofree char *new_root = g_build_filename (f->store.tmp, "moved", NULL);
  g_autofree char *third = g_build_filename (f->store.tmp, "third", NULL);
  g_autofree char *busy = g_build_filename (f->store.tmp, "busy", NULL);
  g_autofree char *busy_file = g_build_filename (busy, "x", NULL);
  g_autoptr(LabTestRun) demo = NULL;
  g_autoptr(LabTestRun) move = NULL;
  g_autoptr(LabTestRun) info = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) not_empty = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(LabTestRun) info_third = NULL;
  g_autoptr(JsonObject) moved = NULL;
  g_autoptr(JsonObject) where = NULL;
  g_autofree char *location = g_build_filename (g_get_user_config_dir (), "labdata", "location", NULL);

  /* A store in the default place, as a new user has it. */
  g_unlink (location);
  lab_rm_rf (default_root, NULL);
  demo = lab_test_run_cli ("demo", "--sessions", "3", "--messages-per-session", "5", NULL);
  g_assert_cmpint (demo->status, ==, 0);

  move = lab_test_run_cli ("--json", "move-data-dir", new_root, NULL);
  g_assert_cmpint (move->status, ==, 0);
  moved = lab_test_parse_object (move->out);
  g_assert_cmpstr (json_object_get_string_member (moved, "from"), ==, default_root);
  g_assert_cmpstr (json_object_get_string_member (moved, "to"), ==, new_root);
  g_assert_true (json_object_get_boolean_member (moved, "verified"));
  g_assert_true (json_object_get_boolean_member (moved, "location_switched"));
  g_assert_false (json_object_get_boolean_member (moved, "old_removed"));
  g_assert_cmpint (json_object_get_int_member (moved, "files"), >, 3);
  g_assert_true (g_file_test (location, G_FILE_TEST_IS_REGULAR));

  /* The next run finds the new place without options. */
  info = lab_test_run_cli ("--json", "info", NULL);
  g_assert_cmpint (info->status, ==, 0);
  where = lab_test_parse_object (info->out);
  g_assert_cmpstr (json_object_get_string_member (where, "data_dir"), ==, new_root);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (where, "counts"), "sessions"), ==, 3);

  /* Removing the old copy needs --yes without a terminal; nothing moves. */
  refused = lab_test_run_cli ("move-data-dir", third, "--remove-old", NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_false (g_file_test (third, G_FILE_TEST_EXISTS));

  lab_fixture_write_file (busy_file, "x\n", -1);
  not_empty = lab_test_run_cli ("move-data-dir", busy, NULL);
  g_assert_cmpint (not_empty->status, ==, 1);
  g_assert_nonnull (strstr (not_empty->err, "not empty"));

  human = lab_test_run_cli ("move-data-dir", third, "--remove-old", "--yes", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "and verified them"));
  g_assert_nonnull (strstr (human->out, "LabData now uses"));
  g_assert_nonnull (strstr (human->out, "The old copy was removed."));
  g_assert_false (g_file_test (new_root, G_FILE_TEST_EXISTS));

  info_third = lab_test_run_cli ("--json", "info", NULL);
  g_clear_pointer (&where, json_object_unref);
  where = lab_test_parse_object (info_third->out);
  g_assert_cmpstr (json_object_get_string_member (where, "data_dir"), ==, third);

  g_unlink (location);
  lab_rm_rf (default_root, NULL);
}

/*
 * Killed at random moments: the store is as before or fully migrated, never
 * in between, and migrating again ends exactly where an undisturbed
 * migration does.
 */

#define KILL_RUNS 8

static LabTestRun *
make_demo (const char *root)
{
  return lab_test_run_cli ("--data-dir", root, "demo", "--sessions", "4", "--messages-per-session", "6",
                           "--seed", "2", NULL);
}

static gint64
count_legacy_sessions (const char *root)
{
  g_autofree char *db_path = g_build_filename (root, "data", "labdata.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open_file (db_path, LAB_DB_OPEN_NO_CREATE, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE json_extract "
                                           "(metadata, '$.legacy.source') IS NOT NULL", &error), >=, 0);
  n = lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE json_extract (metadata, "
                              "'$.legacy.source') IS NOT NULL", &error);
  g_assert_no_error (error);
  {
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "PRAGMA integrity_check", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  }
  lab_test_assert_fts_ok (db);

  return n;
}

static void
test_killed (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *reference = g_build_filename (f->store.tmp, "reference", NULL);
  g_autofree char *reference_digest = NULL;
  g_autoptr(LabTestRun) demo = NULL;
  g_autoptr(LabTestRun) first = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 full;
  double duration;
  guint before_commit = 0;
  guint after_commit = 0;

  /* Enough rows that a kill lands in the middle of the writing. */
  lab_fixture_grow_events (f->events, 150, 40);

  demo = make_demo (reference);
  g_assert_cmpint (demo->status, ==, 0);
  g_timer_start (timer);
  first = lab_test_run_cli ("--data-dir", reference, "migrate", "--from", f->lab, "--from", f->events,
                            "--yes", NULL);
  duration = g_timer_elapsed (timer, NULL);
  g_assert_cmpint (first->status, ==, 0);
  reference_digest = lab_fixture_store_digest (reference);
  full = count_legacy_sessions (reference);
  g_assert_cmpint (full, ==, 160);

  for (guint run = 0; run < KILL_RUNS; run++)
    {
      g_autofree char *root = g_strdup_printf ("%s/killed-%u", f->store.tmp, run);
      g_autofree char *digest = NULL;
      g_autoptr(LabTestRun) store_demo = make_demo (root);
      g_autoptr(LabTestRun) rerun = NULL;
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      const char *argv[] = { g_getenv ("LABDATA_CLI"), "--data-dir", root, "migrate", "--from", f->lab,
                             "--from", f->events, "--yes", NULL };
      gulong delay = (gulong) (g_rand_double (rand) * duration * G_USEC_PER_SEC);
      gint64 n;

      g_assert_cmpint (store_demo->status, ==, 0);

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                            G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_subprocess_launcher_unsetenv (launcher, "LABDATA_DIR");
      proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_usleep (delay);
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);

      /* All or nothing. */
      n = count_legacy_sessions (root);
      if (n != 0 && n != full)
        g_error ("killed after %lu µs: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " sessions", delay, n, full);
      if (n == 0)
        before_commit++;
      else
        after_commit++;

      /* Again, undisturbed: exactly the reference. */
      rerun = lab_test_run_cli ("--data-dir", root, "migrate", "--from", f->lab, "--from", f->events,
                                "--yes", NULL);
      g_assert_cmpint (rerun->status, ==, 0);
      digest = lab_fixture_store_digest (root);
      g_assert_cmpstr (digest, ==, reference_digest);
    }

  g_test_message ("killed before the commit %u times, after it %u times", before_commit, after_commit);
}

/* The command list lines up after the longest name ("move-data-dir"). */
static void
test_help_aligned (void)
{
  g_autoptr(LabTestRun) help = lab_test_run_cli ("--help", NULL);
  g_auto(GStrv) lines = NULL;
  gboolean in_commands = FALSE;
  int column = -1;
  guint n = 0;

  g_assert_cmpint (help->status, ==, 0);
  lines = g_strsplit (help->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *summary;

      if (g_str_equal (line, "Commands:"))
        {
          in_commands = TRUE;
          continue;
        }
      if (!in_commands)
        continue;
      if (line[0] == '\0')
        break;

      /* "  NAME  SUMMARY": the summary starts after the name and two spaces or more. */
      g_assert_true (g_str_has_prefix (line, "  "));
      summary = strchr (line + 2, ' ');
      g_assert_nonnull (summary);
      g_assert_true (g_str_has_prefix (summary, "  "));
      while (*summary == ' ')
        summary++;
      if (column < 0)
        column = summary - line;
      g_assert_cmpint (summary - line, ==, column);
      n++;
    }

  g_assert_cmpuint (n, >, 10);
  g_assert_nonnull (strstr (help->out, "  move-data-dir  Move"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  /* The CLI runs with these too: the user's own places stay out of it. */
  tmp_root = lab_fixture_private_home ("cli-migrate");

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/cli/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/labdata/cli/migrate/usage", test_usage);
  g_test_add_func ("/labdata/cli/help-aligned", test_help_aligned);
  ADD ("migrate/nothing-found", test_nothing_found);
  ADD ("migrate/dry-run", test_dry_run);
  ADD ("migrate/migrate-and-rollback", test_migrate_and_rollback);
  ADD ("migrate/human-output", test_human_output);
  ADD ("migrate/damaged-source", test_damaged_source);
  ADD ("migrate/not-writable", test_not_writable);
  ADD ("migrate/killed", test_killed);
  ADD ("move-data-dir/move", test_move_data_dir);

  ret = g_test_run ();

  lab_rm_rf (tmp_root, NULL);
  g_free (tmp_root);
  return ret;
}
