/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab-export.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"

/*
 * An import killed with SIGKILL at random moments leaves the store as it
 * was: after lab_import_recover() (which every import and the application
 * run first), the rows and the workspace files are exactly those before the
 * import, or, when the kill came after the commit, exactly those of a
 * complete import. The helper lab-import-victim does the import; the moments
 * are spread over the time a whole import takes, and a little past it.
 */

#define DEFAULT_RUNS 60

static char *victim;

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "cp", "-a", from, to, NULL };
  int status;

  lab_rm_rf (to, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static GPid
spawn_victim (const char *root,
              const char *archive)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { victim, root, archive, "replace", NULL };
  GPid pid;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* The store's rows and workspace files, after recovering what a killed
 * import left. */
static char *
recovered_digest (const char *root,
                  gboolean   *was_pending)
{
  g_autoptr(LabDataDir) dir = lab_data_dir_new (root);
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *files = NULL;
  g_autoptr(GDir) data = NULL;
  const char *name;

  db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  pending = lab_db_get_meta (db, "import_pending");
  if (was_pending != NULL)
    *was_pending = pending != NULL;

  g_assert_true (lab_import_recover (db, &error));
  g_assert_no_error (error);

  lab_test_assert_fts_ok (db);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM pragma_foreign_key_check", NULL), ==, 0);
  g_assert_null (lab_db_get_meta (db, "import_pending"));
  g_assert_null (lab_db_get_meta (db, "fts_deferred"));

  data = g_dir_open (lab_data_dir_get_data_path (dir), 0, NULL);
  while ((name = g_dir_read_name (data)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".import-"));

  rows = lab_test_db_digest (db);
  files = lab_test_tree_digest (lab_data_dir_get_workspace_path (dir));
  return g_strconcat (rows, " ", files, NULL);
}

static void
test_kill (LabTestStore  *store,
           gconstpointer  data)
{
  g_autofree char *origin_root = g_build_filename (store->tmp, "origin", NULL);
  g_autofree char *template = g_build_filename (store->tmp, "template", NULL);
  g_autofree char *run_root = g_build_filename (store->tmp, "run", NULL);
  g_autofree char *archive = g_build_filename (store->tmp, "import.labdata", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GError) error = NULL;
  const char *runs_env = g_getenv ("LABDATA_KILL_RUNS");
  guint runs = runs_env ? (guint) g_ascii_strtoull (runs_env, NULL, 10) : DEFAULT_RUNS;
  guint n_before = 0, n_after = 0, n_finished = 0, n_pending = 0;
  gint64 duration;

  /* The archive: a store of 30 sessions with files. */
  {
    g_autoptr(LabDataDir) dir = lab_data_dir_new (origin_root);
    g_autoptr(LabDb) db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, &error);
    g_autoptr(LabExportOptions) options = lab_export_options_new ();
    g_autoptr(LabExportResult) result = NULL;
    LabTestStore origin = { .tmp = NULL, .root = origin_root, .dir = dir, .db = db };

    g_assert_no_error (error);
    lab_test_store_add_demo (&origin, 30, 40, 11);
    options->dest = g_strdup (archive);
    result = lab_export_run (db, options, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }

  /* The store it goes into has half of it, changed here and there, and a
   * session of its own: the import adds, replaces rows and files, and backs
   * up first. */
  {
    LabDb *db = lab_test_store_open (store);
    g_autoptr(LabImportPreview) preview = lab_import_preview_load (db, archive, NULL, NULL, NULL, NULL, &error);
    g_autoptr(LabImportResult) result = NULL;
    g_autoptr(sqlite3_stmt) stmt = NULL;
    int n = 0;

    g_assert_no_error (error);
    result = lab_import_preview_apply (preview, db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    lab_db_exec (db, "DELETE FROM sessions WHERE session_no % 2 = 0;"
                     "UPDATE sessions SET title = 'Changed here' WHERE session_no % 3 = 0;"
                     "UPDATE messages SET content = 'edited here' WHERE message_no % 7 = 0", &error);
    g_assert_no_error (error);
    lab_test_add_session (db, "own", "Only here", NULL);

    stmt = lab_db_prepare (db, "SELECT id FROM sessions", &error);
    while (sqlite3_step (stmt) == SQLITE_ROW && n++ < 6)
      {
        g_autofree char *workspace = lab_data_dir_get_session_workspace (store->dir,
                                                                         (const char *) sqlite3_column_text (stmt, 0));
        g_autofree char *notes = g_build_filename (workspace, "notes.md", NULL);

        g_assert_cmpint (g_mkdir_with_parents (workspace, 0700), ==, 0);
        g_assert_true (g_file_set_contents (notes, "changed here\n", -1, NULL));
      }
    g_clear_pointer (&stmt, sqlite3_finalize);
    g_clear_object (&store->db);
  }
  copy_tree (store->root, template);
  before = recovered_digest (template, NULL);

  /* A whole import, to know what "after" is and how long it takes. */
  copy_tree (template, run_root);
  {
    gint64 start = g_get_monotonic_time ();
    GPid pid = spawn_victim (run_root, archive);
    int status;

    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    duration = g_get_monotonic_time () - start;
    g_spawn_close_pid (pid);
  }
  after = recovered_digest (run_root, NULL);
  g_assert_cmpstr (before, !=, after);
  g_test_message ("a whole import takes %.0f ms", duration / 1000.0);

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *digest = NULL;
      gint64 delay = g_rand_int_range (rand, 0, (gint32) MIN (duration * 13 / 10, G_MAXINT32));
      gboolean pending = FALSE;
      GPid pid;
      int status;

      copy_tree (template, run_root);
      pid = spawn_victim (run_root, archive);
      g_usleep (delay);
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      if (WIFEXITED (status))
        {
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          n_finished++;
        }

      digest = recovered_digest (run_root, &pending);
      n_pending += pending;
      if (g_str_equal (digest, before))
        n_before++;
      else
        {
          g_assert_cmpstr (digest, ==, after);
          n_after++;
        }
    }

  g_test_message ("%u runs: %u left the store as before, %u as after (%u finished before the kill, "
                  "%u killed between the commit and the last file moved)",
                  runs, n_before, n_after, n_finished, n_pending);
  g_assert_cmpuint (runs, >=, 50);
  /* Kills did land in the middle of imports. */
  g_assert_cmpuint (n_before, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, NULL);

  dir = g_path_get_dirname (argv[0]);
  victim = g_build_filename (dir, "lab-import-victim", NULL);

  g_test_add ("/labdata/store/import/killed", LabTestStore, NULL, lab_test_store_setup, test_kill,
              lab_test_store_teardown);

  return g_test_run ();
}
