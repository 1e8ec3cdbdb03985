/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-backup-test-util.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-scheduler.h"
#include "lab-timestamp.h"

/*
 * The scheduler under an injected clock: days of schedule run in
 * milliseconds. The periodic timer is set to an hour so that only the
 * explicit checks count, except in the test of the timer itself.
 */

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

/* Sunday 2026-11-22 00:00 UTC; the tests run with TZ=UTC. */
#define D0 G_GINT64_CONSTANT (1795305600000000)

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

typedef struct
{
  LabTestStore store;
  LabScheduler *scheduler;
  guint n_started;
  guint n_finished;
  guint n_skipped;
  guint n_failed;
  guint n_active;
  char *last_name;
} Fixture;

static void
started_cb (LabScheduler *scheduler,
            Fixture      *fixture)
{
  fixture->n_started++;

  /* Never two at once. */
  g_assert_cmpuint (++fixture->n_active, ==, 1);
}

static void
finished_cb (LabScheduler *scheduler,
             const char   *name,
             gboolean      skipped,
             Fixture      *fixture)
{
  fixture->n_finished++;
  fixture->n_active--;
  fixture->n_skipped += skipped;
  g_free (fixture->last_name);
  fixture->last_name = g_strdup (name);
}

static void
failed_cb (LabScheduler *scheduler,
           GError       *error,
           Fixture      *fixture)
{
  g_test_message ("backup failed: %s", error->message);
  fixture->n_failed++;
  if (fixture->n_active > 0)
    fixture->n_active--;
}

static void
make_scheduler (Fixture *fixture)
{
  g_clear_object (&fixture->scheduler);
  fixture->n_started = fixture->n_finished = fixture->n_skipped = fixture->n_failed = 0;
  fixture->scheduler = lab_scheduler_new (fixture->store.dir);
  lab_scheduler_set_clock (fixture->scheduler, fake_clock, NULL, NULL);
  lab_scheduler_set_check_interval (fixture->scheduler, 3600 * 1000);
  g_signal_connect (fixture->scheduler, "backup-started", G_CALLBACK (started_cb), fixture);
  g_signal_connect (fixture->scheduler, "backup-finished", G_CALLBACK (finished_cb), fixture);
  g_signal_connect (fixture->scheduler, "backup-failed", G_CALLBACK (failed_cb), fixture);
}

static void
set_config (Fixture    *fixture,
            const char *key,
            const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = lab_config_load (fixture->store.dir, &error);

  g_assert_no_error (error);
  lab_config_set_from_string (config, key, value, &error);
  g_assert_no_error (error);
  lab_config_save (config, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  lab_test_store_setup (&fixture->store, data);
  lab_test_store_add_demo (&fixture->store, 3, 4, 8);
  set_config (fixture, LAB_CONFIG_AUTO_BACKUP_TIME, "02:00");
  make_scheduler (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->scheduler);
  g_free (fixture->last_name);
  lab_test_store_teardown (&fixture->store, data);
}

static void
wait_idle (Fixture *fixture)
{
  while (lab_scheduler_get_running (fixture->scheduler))
    g_main_context_iteration (NULL, TRUE);
}

/* Sets the clock and checks, waiting for a run it starts to end. */
static void
check_at (Fixture *fixture,
          gint64   when)
{
  fake_now = when;
  lab_scheduler_check (fixture->scheduler);
  wait_idle (fixture);
}

static void
change_data (Fixture *fixture)
{
  static guint n = 0;
  g_autofree char *id = g_strdup_printf ("change-%u", n++);

  lab_test_add_session (lab_test_store_open (&fixture->store), id, "A change", NULL);
}

static guint
n_backups (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = lab_backup_list (fixture->store.dir, &error);

  g_assert_no_error (error);
  return backups->len;
}

static void
test_days (Fixture       *fixture,
           gconstpointer  data)
{
  /* First start ever, at 00:30: nothing was ever backed up, so a backup is
   * overdue and runs a minute after the start. */
  fake_now = D0 + 30 * MINUTE;
  lab_scheduler_start (fixture->scheduler);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, D0 + 31 * MINUTE);
  check_at (fixture, D0 + 30 * MINUTE + 59 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  check_at (fixture, D0 + 31 * MINUTE);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_cmpstr (lab_scheduler_get_last_result (fixture->scheduler), ==, "created");
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, D0 + 2 * HOUR);

  /* Two days, a check every five minutes: one run each day at 02:00. The
   * first finds changes, the second none and says so. */
  change_data (fixture);
  for (gint64 t = D0 + 35 * MINUTE; t < D0 + 2 * DAY; t += 5 * MINUTE)
    {
      guint before = fixture->n_finished;

      check_at (fixture, t);
      if (fixture->n_finished > before)
        {
          g_assert_true ((t - 2 * HOUR) % DAY == 0);
          g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==,
                           t - 2 * HOUR + DAY + 2 * HOUR);
        }
    }

  g_assert_cmpuint (fixture->n_started, ==, 3);
  g_assert_cmpuint (fixture->n_finished, ==, 3);
  g_assert_cmpuint (fixture->n_skipped, ==, 1);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_cmpuint (n_backups (fixture), ==, 2);
  g_assert_cmpstr (lab_scheduler_get_last_result (fixture->scheduler), ==, "skipped");
  g_assert_nonnull (strstr (lab_scheduler_get_last_skip_reason (fixture->scheduler),
                            "Nothing changed"));
  g_assert_cmpstr (lab_scheduler_get_last_backup (fixture->scheduler), ==, fixture->last_name);
}

static void
run_once_at (Fixture *fixture,
             gint64   when)
{
  guint before = fixture->n_finished;

  fake_now = when;
  lab_scheduler_start (fixture->scheduler);
  lab_scheduler_set_catch_up_delay (fixture->scheduler, 0);
  check_at (fixture, when);
  g_assert_cmpuint (fixture->n_finished, ==, before + 1);
}

static void
test_catch_up_after_start (Fixture       *fixture,
                           gconstpointer  data)
{
  /* The last run served day 0; the program is next started on day 2 at
   * 10:00: the backup waits a minute, then runs once. */
  run_once_at (fixture, D0 + 2 * HOUR);
  make_scheduler (fixture);
  change_data (fixture);

  fake_now = D0 + 2 * DAY + 10 * HOUR;
  lab_scheduler_start (fixture->scheduler);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==,
                   D0 + 2 * DAY + 10 * HOUR + MINUTE);
  check_at (fixture, D0 + 2 * DAY + 10 * HOUR + 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  check_at (fixture, D0 + 2 * DAY + 10 * HOUR + MINUTE);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_cmpuint (fixture->n_skipped, ==, 0);

  /* Nothing more that day. */
  for (gint64 t = D0 + 2 * DAY + 11 * HOUR; t < D0 + 3 * DAY + 2 * HOUR; t += HOUR)
    check_at (fixture, t);
  g_assert_cmpuint (fixture->n_started, ==, 1);
}

static void
test_state_survives_restart (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *state = NULL;

  run_once_at (fixture, D0 + 2 * HOUR);
  state = g_build_filename (lab_data_dir_get_config_path (fixture->store.dir),
                            "scheduler-state.json", NULL);
  g_assert_true (g_file_test (state, G_FILE_TEST_EXISTS));

  /* Restarted the same day: the run is remembered, not repeated. */
  make_scheduler (fixture);
  g_assert_cmpstr (lab_scheduler_get_last_result (fixture->scheduler), ==, "created");
  fake_now = D0 + 3 * HOUR;
  lab_scheduler_start (fixture->scheduler);
  check_at (fixture, D0 + 4 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, D0 + DAY + 2 * HOUR);
}

static void
test_clock_jumps (Fixture       *fixture,
                  gconstpointer  data)
{
  run_once_at (fixture, D0 + 2 * HOUR);
  fixture->n_started = fixture->n_finished = 0;

  /* Back an hour and forward again: 02:00 comes twice, the backup once. */
  check_at (fixture, D0 + HOUR);
  check_at (fixture, D0 + 2 * HOUR);
  check_at (fixture, D0 + 2 * HOUR + 5 * MINUTE);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, D0 + DAY + 2 * HOUR);

  /* Forward three days: one run, not three. */
  check_at (fixture, D0 + 3 * DAY + 12 * HOUR);
  check_at (fixture, D0 + 3 * DAY + 13 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 1);

  /* Back again by a day and a half: no run until the next new 02:00. */
  for (gint64 t = D0 + 2 * DAY; t <= D0 + 4 * DAY + 2 * HOUR; t += HOUR)
    check_at (fixture, t);
  g_assert_cmpuint (fixture->n_started, ==, 2);
}

static void
test_clock_was_in_the_future (Fixture       *fixture,
                              gconstpointer  data)
{
  /* A run recorded years ahead (the clock was wrong then) is not trusted:
   * otherwise there would be no backup until that date. */
  run_once_at (fixture, D0 + 1000 * DAY + 2 * HOUR);
  fixture->n_started = 0;
  change_data (fixture);
  check_at (fixture, D0 + 5 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 1);
}

static void
test_suspend_gap (Fixture       *fixture,
                  gconstpointer  data)
{
  run_once_at (fixture, D0 + 2 * HOUR);
  fixture->n_started = 0;
  change_data (fixture);

  /* Checking at 01:00 on day 1, then asleep (no check at all) until 09:00:
   * the first check after the resume runs the missed backup, once. */
  check_at (fixture, D0 + DAY + HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  check_at (fixture, D0 + DAY + 9 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 1);
  check_at (fixture, D0 + DAY + 9 * HOUR + MINUTE);
  g_assert_cmpuint (fixture->n_started, ==, 1);
}

static void
test_no_overlap (Fixture       *fixture,
                 gconstpointer  data)
{
  fake_now = D0 + 2 * HOUR;
  lab_scheduler_set_catch_up_delay (fixture->scheduler, 0);
  lab_scheduler_start (fixture->scheduler);

  /* start() found it due and started it; more checks while it runs (the
   * timer, a resume, a day passing) start nothing more... */
  g_assert_true (lab_scheduler_get_running (fixture->scheduler));
  lab_scheduler_check (fixture->scheduler);
  fake_now += DAY;
  lab_scheduler_check (fixture->scheduler);
  g_assert_cmpuint (fixture->n_started, ==, 1);

  /* ...until it ends; then the next day's run starts after it. */
  wait_idle (fixture);
  g_assert_cmpuint (fixture->n_started, ==, 2);
  g_assert_cmpuint (fixture->n_finished, ==, 2);
}

static void
test_failure_is_retried (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *objects = g_build_filename (lab_data_dir_get_backups_path (fixture->store.dir),
                                               "objects", NULL);

  /* A backup that cannot be made (the object store is a file). */
  g_assert_true (g_file_set_contents (objects, "in the way", -1, NULL));
  fake_now = D0 + 2 * HOUR;
  lab_scheduler_start (fixture->scheduler);
  wait_idle (fixture);
  g_assert_cmpuint (fixture->n_failed, ==, 1);
  g_assert_cmpstr (lab_scheduler_get_last_result (fixture->scheduler), ==, "failed");
  g_assert_nonnull (lab_scheduler_get_last_error (fixture->scheduler));

  /* Not again at once: an hour later. */
  check_at (fixture, D0 + 2 * HOUR + 30 * MINUTE);
  g_assert_cmpuint (fixture->n_started, ==, 1);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, D0 + 3 * HOUR);

  g_assert_cmpint (g_unlink (objects), ==, 0);
  check_at (fixture, D0 + 3 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 2);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_cmpstr (lab_scheduler_get_last_result (fixture->scheduler), ==, "created");
  g_assert_null (lab_scheduler_get_last_error (fixture->scheduler));
}

static void
test_disabled (Fixture       *fixture,
               gconstpointer  data)
{
  set_config (fixture, LAB_CONFIG_AUTO_BACKUP_ENABLED, "false");
  fake_now = D0;
  lab_scheduler_start (fixture->scheduler);
  for (gint64 t = D0; t < D0 + 2 * DAY; t += HOUR)
    check_at (fixture, t);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, 0);

  /* Switched on, with a new time, taken at the next check: the 23:30 just
   * past was missed, so a backup runs at once, then daily at 23:30. */
  set_config (fixture, LAB_CONFIG_AUTO_BACKUP_ENABLED, "true");
  set_config (fixture, LAB_CONFIG_AUTO_BACKUP_TIME, "23:30");
  check_at (fixture, D0 + 2 * DAY);
  g_assert_cmpuint (fixture->n_started, ==, 1);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==,
                   D0 + 2 * DAY + 23 * HOUR + 30 * MINUTE);
}

static void
test_damaged_settings (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *path = lab_data_dir_get_config_file (fixture->store.dir);

  /* Settings that cannot be read: no backup, and one failure to report. */
  g_assert_true (g_file_set_contents (path, "{ broken", -1, NULL));
  fake_now = D0 + 2 * HOUR;
  lab_scheduler_start (fixture->scheduler);
  check_at (fixture, D0 + 3 * HOUR);
  check_at (fixture, D0 + 4 * HOUR);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  g_assert_cmpuint (fixture->n_active, ==, 0);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, 0);
  g_assert_nonnull (strstr (lab_scheduler_get_last_error (fixture->scheduler), "damaged"));

  /* Fixed: the run that was due happens. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  check_at (fixture, D0 + 5 * HOUR);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
}

static void
test_retention_after_run (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;

  /* An old backup beyond retention and three newer ones: the run prunes it. */
  set_config (fixture, LAB_CONFIG_BACKUP_DAYS, "7");
  old = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL);
  lab_backup_test_set_created (&fixture->store, old, D0 - 30 * DAY);
  for (guint i = 0; i < 3; i++)
    {
      change_data (fixture);
      g_free (lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL));
    }
  change_data (fixture);

  run_once_at (fixture, D0 + 2 * HOUR);
  g_assert_cmpuint (n_backups (fixture), ==, 4);
  g_assert_null (lab_backup_get (fixture->store.dir, old, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static gint64
count_sessions (Fixture    *fixture,
                const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  stmt = lab_db_prepare (lab_test_store_open (&fixture->store),
                         "SELECT count(*) FROM sessions WHERE id = ?", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  return n;
}

static void
read_oplog (Fixture  *fixture,
            char    **contents)
{
  g_autofree char *path = g_build_filename (lab_data_dir_get_logs_path (fixture->store.dir),
                                            "operations.jsonl", NULL);

  if (!g_file_get_contents (path, contents, NULL, NULL))
    *contents = g_strdup ("");
}

/* Archived sessions idle since 10 days after D0: old by the scheduler's clock
 * at D0 + 60 days (retention 30), not by the real one, which is before then. */
static void
add_archived_sessions (Fixture *fixture)
{
  LabDb *db = lab_test_store_open (&fixture->store);

  lab_test_add_session (db, "old-archived", "Old archived",
                        "{\"archived\": true, \"created_at\": \"2026-12-01T00:00:00.000Z\","
                        " \"last_activity_at\": \"2026-12-02T00:00:00.000Z\"}");
  lab_test_add_session (db, "old-starred", "Old starred",
                        "{\"archived\": true, \"starred\": true,"
                        " \"created_at\": \"2026-12-01T00:00:00.000Z\","
                        " \"last_activity_at\": \"2026-12-02T00:00:00.000Z\"}");
  set_config (fixture, LAB_CONFIG_ARCHIVED_SESSION_DAYS, "30");
}

static void
test_cleanup_after_run (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *log = NULL;

  add_archived_sessions (fixture);
  set_config (fixture, LAB_CONFIG_AUTO_CLEANUP, "true");

  run_once_at (fixture, D0 + 60 * DAY + 2 * HOUR);
  g_assert_cmpuint (fixture->n_failed, ==, 0);

  /* Deleted by the policy, at the scheduler's time; starred kept. */
  g_assert_cmpint (count_sessions (fixture, "old-archived"), ==, 0);
  g_assert_cmpint (count_sessions (fixture, "old-starred"), ==, 1);

  /* Recorded: the clean-up's own entry in the operations log. */
  read_oplog (fixture, &log);
  g_assert_nonnull (strstr (log, "\"cleanup\""));
  g_assert_nonnull (strstr (log, "archived-sessions/old-archived"));
}

static void
test_no_cleanup_unless_asked (Fixture       *fixture,
                              gconstpointer  data)
{
  /* auto_backup.cleanup_after is off by default. */
  add_archived_sessions (fixture);

  run_once_at (fixture, D0 + 60 * DAY + 2 * HOUR);
  g_assert_cmpint (count_sessions (fixture, "old-archived"), ==, 1);
}

static void
test_cleanup_failure_keeps_backup (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *log = NULL;
  g_autofree char *lock_path = NULL;
  int lock;

  add_archived_sessions (fixture);
  set_config (fixture, LAB_CONFIG_AUTO_CLEANUP, "true");

  /* Another clean-up holds the lock: this one fails, the backup does not,
   * and the failure is recorded. */
  lock_path = g_build_filename (lab_data_dir_get_data_path (fixture->store.dir), ".cleanup.lock",
                                NULL);
  lock = g_open (lock_path, O_RDWR | O_CREAT, 0600);
  g_assert_cmpint (lock, >=, 0);
  g_assert_cmpint (flock (lock, LOCK_EX | LOCK_NB), ==, 0);

  run_once_at (fixture, D0 + 60 * DAY + 2 * HOUR);
  close (lock);

  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_nonnull (fixture->last_name);
  g_assert_cmpint (count_sessions (fixture, "old-archived"), ==, 1);
  read_oplog (fixture, &log);
  g_assert_nonnull (strstr (log, "\"trigger\":\"auto-backup\""));
  g_assert_nonnull (strstr (log, "\"ok\":false"));
}

static void
test_stop_cancels (Fixture       *fixture,
                   gconstpointer  data)
{
  fake_now = D0 + 2 * HOUR;
  lab_scheduler_set_catch_up_delay (fixture->scheduler, 0);
  lab_scheduler_start (fixture->scheduler);
  g_assert_true (lab_scheduler_get_running (fixture->scheduler));
  lab_scheduler_stop (fixture->scheduler);
  wait_idle (fixture);

  /* Cancelled or finished, never recorded as a failure. */
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_cmpint (lab_scheduler_get_next_run (fixture->scheduler), ==, 0);
}

static void
test_real_timer (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* The periodic check is a real GLib timeout. */
  fake_now = D0 + HOUR;
  lab_scheduler_set_catch_up_delay (fixture->scheduler, 0);
  run_once_at (fixture, D0 + HOUR);
  fixture->n_finished = 0;
  change_data (fixture);
  lab_scheduler_set_check_interval (fixture->scheduler, 5);

  fake_now = D0 + 2 * HOUR;
  while (fixture->n_finished == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  /* Schedules are in local time; make it UTC so the constants mean it. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/scheduler/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("days", test_days);
  ADD ("catch-up-after-start", test_catch_up_after_start);
  ADD ("state-survives-restart", test_state_survives_restart);
  ADD ("clock-jumps", test_clock_jumps);
  ADD ("clock-was-in-the-future", test_clock_was_in_the_future);
  ADD ("suspend-gap", test_suspend_gap);
  ADD ("no-overlap", test_no_overlap);
  ADD ("failure-is-retried", test_failure_is_retried);
  ADD ("disabled", test_disabled);
  ADD ("damaged-settings", test_damaged_settings);
  ADD ("retention-after-run", test_retention_after_run);
  ADD ("cleanup-after-run", test_cleanup_after_run);
  ADD ("no-cleanup-unless-asked", test_no_cleanup_unless_asked);
  ADD ("cleanup-failure-keeps-backup", test_cleanup_failure_keeps_backup);
  ADD ("stop-cancels", test_stop_cancels);
  ADD ("real-timer", test_real_timer);

#undef ADD

  return g_test_run ();
}
