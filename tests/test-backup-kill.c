/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-backup-test-util.h"
#include "lab-fileutil.h"

/*
 * Backups and restores killed with SIGKILL at random moments, in a helper
 * process (backup-kill-helper). After each kill the database must be intact
 * and in the old state or the new one, never a mix, and no half-written
 * backup may be listed. The delays are drawn from the test's random seed, so
 * a failing run can be repeated with --seed.
 */

#define N_RUNS 50

static GSubprocess *
spawn_helper (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "backup-kill-helper", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *proc;

  g_ptr_array_add (argv, helper);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  return proc;
}

/* Runs the helper to the end; returns how long it took, in µs. */
static gint64
run_helper (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  gint64 start = g_get_monotonic_time ();

  proc = spawn_helper (args);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return g_get_monotonic_time () - start;
}

/* Starts the helper, kills it after @delay µs; returns whether it was killed
 * before it finished. */
static gboolean
kill_helper (const char * const *args,
             gint64              delay)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = spawn_helper (args);

  g_usleep (delay);
  g_subprocess_send_signal (proc, SIGKILL);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_signaled (proc);
}

/* Whatever is listed is whole: a killed backup adds at most one backup,
 * the newest, which must verify. Returns the number listed. */
static guint
assert_backups_good (LabTestStore *store,
                     guint         before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = lab_backup_list (store->dir, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, >=, before);
  g_assert_cmpuint (backups->len, <=, before + 1);

  if (backups->len > before)
    {
      const char *name = lab_backup_info_get_name (backups->pdata[0]);
      g_autoptr(LabBackupInfo) verified = lab_backup_verify (store->dir, name, NULL, NULL, NULL,
                                                             &error);

      g_assert_no_error (error);
      if (lab_backup_info_get_damaged (verified))
        g_error ("Backup %s is listed but damaged: %s", name,
                 lab_backup_info_get_problems (verified)[0]);
    }

  return backups->len;
}

static void
assert_restore_finished (LabTestStore *store)
{
  g_autofree char *journal = g_build_filename (lab_data_dir_get_data_path (store->dir),
                                               "restore-journal.json", NULL);
  g_autofree char *staging = g_build_filename (lab_data_dir_get_data_path (store->dir),
                                               ".restore-staging", NULL);

  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (staging, G_FILE_TEST_EXISTS));
}

static void
assert_no_leftovers (LabTestStore *store)
{
  g_autoptr(GDir) dir = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  const char *entry;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stem = NULL;

      g_assert_null (strstr (entry, ".tmp-"));
      g_assert_false (g_str_has_prefix (entry, ".snapshot-"));
      g_assert_false (g_str_has_prefix (entry, ".extract-"));
      if (g_str_has_suffix (entry, ".db"))
        {
          g_autofree char *sidecar = NULL;

          stem = g_strndup (entry, strlen (entry) - 3);
          sidecar = g_strconcat (lab_data_dir_get_backups_path (store->dir), "/", stem, ".json",
                                 NULL);
          g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
        }
    }

  assert_restore_finished (store);
}

static void
test_kill_backup (LabTestStore  *store,
                  gconstpointer  data)
{
  g_auto(LabBackupTestState) original = { NULL, NULL };
  const char *args[] = { "backup", store->root, NULL };
  guint n_backups = 0;
  guint n_killed = 0;
  gint64 duration;

  lab_test_store_add_demo (store, 8, 30, 17);
  g_clear_object (&store->db);
  lab_backup_test_state_take (&original, store);

  /* How long one takes, to spread the kills over all of it: the quickest of
   * a few runs after the first, which stores every workspace file. */
  run_helper (args);
  duration = G_MAXINT64;
  for (guint i = 0; i < 3; i++)
    {
      gint64 one = run_helper (args);

      duration = MIN (duration, one);
    }
  n_backups = assert_backups_good (store, 3);
  g_assert_cmpuint (n_backups, ==, 4);

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_auto(LabBackupTestState) now = { NULL, NULL };
      gint64 delay = g_test_rand_int_range (0, MAX (2, duration));

      n_killed += kill_helper (args, delay);

      /* The store is as it was; what is listed is whole. */
      lab_backup_test_state_take (&now, store);
      g_assert_true (lab_backup_test_state_equal (&now, &original));
      n_backups = assert_backups_good (store, n_backups);
    }

  /* The next backup works and clears what the killed ones left. */
  run_helper (args);
  assert_no_leftovers (store);
  g_test_message ("%u of %u backups were killed before they finished", n_killed, N_RUNS);
  g_assert_cmpuint (n_killed, >, N_RUNS / 4);
}

static void
change_store (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  lab_db_exec (db, "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY id LIMIT 3);"
                   "UPDATE messages SET content = 'changed' WHERE sequence = 2", &error);
  g_assert_no_error (error);
  lab_test_add_session (db, "later", "Added later", NULL);
  lab_backup_test_write_file (store, "later/notes.md", "added after the backup\n");
}

static void
restore_in_process (LabTestStore *store,
                    const char   *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_backup_restore (store->dir, name, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_kill_restore (LabTestStore  *store,
                   gconstpointer  data)
{
  gboolean sessions = GPOINTER_TO_INT (data);
  g_auto(LabBackupTestState) old_state = { NULL, NULL };
  g_auto(LabBackupTestState) new_state = { NULL, NULL };
  g_autofree char *backup_new = NULL;
  g_autofree char *backup_old = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  guint n_old = 0;
  guint n_new = 0;
  guint n_killed = 0;
  gint64 duration;

  /* The backup to restore holds "new"; the store holds "old". */
  lab_test_store_add_demo (store, 8, 30, 23);
  g_clear_object (&store->db);
  backup_new = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  change_store (store);
  backup_old = lab_backup_test_create (store, LAB_BACKUP_KIND_MANUAL);
  lab_backup_test_state_take (&old_state, store);

  g_ptr_array_add (args, g_strdup ("restore"));
  g_ptr_array_add (args, g_strdup (store->root));
  g_ptr_array_add (args, g_strdup (backup_new));
  if (sessions)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabBackupInfo) info = lab_backup_get (store->dir, backup_new, &error);
      g_autoptr(LabDb) copy = lab_db_open_file (lab_backup_info_get_path (info),
                                                LAB_DB_OPEN_READ_ONLY, &error);
      g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (copy, "SELECT id FROM sessions ORDER BY id"
                                                           " LIMIT 4", &error);

      /* Three deleted since, and one untouched. */
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (args, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  g_ptr_array_add (args, NULL);

  duration = G_MAXINT64;
  for (guint i = 0; i < 2; i++)
    {
      gint64 one = run_helper ((const char * const *) args->pdata);

      duration = MIN (duration, one);
      lab_backup_test_state_take (&new_state, store);
      g_assert_false (lab_backup_test_state_equal (&new_state, &old_state));
      restore_in_process (store, backup_old);
    }

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_auto(LabBackupTestState) now = { NULL, NULL };
      gint64 delay = g_test_rand_int_range (0, MAX (2, duration * 11 / 10));

      n_killed += kill_helper ((const char * const *) args->pdata, delay);

      /* Opening the store completes a restore that had begun to change it. */
      lab_backup_test_state_take (&now, store);
      if (lab_backup_test_state_equal (&now, &new_state))
        {
          n_new++;
          assert_restore_finished (store);
          restore_in_process (store, backup_old);
        }
      else if (lab_backup_test_state_equal (&now, &old_state))
        n_old++;
      else
        g_error ("Run %u (killed after %" G_GINT64_FORMAT " µs): the store is neither the old "
                 "state nor the restored one", run, delay);
    }

  g_test_message ("%u killed; afterwards %u old, %u restored", n_killed, n_old, n_new);
  g_assert_cmpuint (n_killed, >, N_RUNS / 4);
  g_assert_cmpuint (n_old, >, 0);
  g_assert_cmpuint (n_new, >, 0);

  /* Whatever the kills left, the next restore works. */
  restore_in_process (store, backup_new);
  assert_no_leftovers (store);
}

int
main (int    argc,
      char **argv)
{
  /* A SIGKILL is not a power cut: what is tested does not depend on the disk,
   * so the stores go to memory when there is a tmpfs, where fsync costs
   * nothing and the timings are steadier on a busy machine. */
  if (g_getenv ("TMPDIR") == NULL && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) &&
      access ("/dev/shm", W_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/backup-kill/backup", LabTestStore, NULL, lab_test_store_setup,
              test_kill_backup, lab_test_store_teardown);
  g_test_add ("/labdata/store/backup-kill/restore", LabTestStore, GINT_TO_POINTER (FALSE),
              lab_test_store_setup, test_kill_restore, lab_test_store_teardown);
  g_test_add ("/labdata/store/backup-kill/restore-sessions", LabTestStore, GINT_TO_POINTER (TRUE),
              lab_test_store_setup, test_kill_restore, lab_test_store_teardown);

  return g_test_run ();
}
