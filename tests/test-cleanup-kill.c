/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-check.h"
#include "lab-fileutil.h"
#include "lab-test-util.h"

/*
 * A clean-up killed with SIGKILL at random moments, 50 times, each on a fresh
 * copy of the same store: after each, the store must be consistent. The
 * helper program cleanup-kill-helper runs the clean-up.
 */

#define DAY (G_USEC_PER_SEC * G_GINT64_CONSTANT (86400))

static gint64
query (LabDb      *db,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = lab_db_query_int64 (db, sql, &error);

  g_assert_no_error (error);
  return value;
}

/* What must hold however a clean-up was interrupted: the check finds nothing
 * wrong (after the recovery it runs first), starred things are all there,
 * and the planned rows are all gone or all there. */
static gboolean
assert_consistent_after_kill (LabDataDir *dir,
                              gint64      sessions,
                              gint64      eligible,
                              gint64      starred,
                              guint      *recovered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(LabDb) db = NULL;
  gint64 now_sessions;

  report = lab_check_run (dir, LAB_CHECK_FULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (lab_check_report_get_findings (report)); i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);
      g_autofree char *explanation = lab_check_finding_dup_explanation (finding);

      if (lab_check_finding_get_severity (finding) != LAB_CHECK_SEVERITY_INFO)
        g_error ("after a kill: %s", explanation);
    }
  if (lab_check_report_find (report, LAB_CHECK_FINDING_INTERRUPTED_CLEANUP, NULL) != NULL)
    (*recovered)++;

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, &error);
  g_assert_no_error (error);
  lab_test_assert_fts_ok (db);
  g_assert_cmpint (query (db, "SELECT count(*) FROM sessions WHERE starred = 1"), ==, starred);
  now_sessions = query (db, "SELECT count(*) FROM sessions");
  g_assert_true (now_sessions == sessions || now_sessions == sessions - eligible);

  return now_sessions != sessions;
}

static void
test_killed (LabTestStore  *store,
             gconstpointer  data)
{
  const char *build = g_getenv ("LABDATA_BUILD_DIR");
  g_autofree char *helper = g_build_filename (build, "tests", "cleanup-kill-helper", NULL);
  g_autofree char *template = g_build_filename (store->tmp, "template", NULL);
  g_autofree char *now = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  gint64 sessions, eligible, starred;
  gint64 full_run = 0;
  guint applied = 0, untouched = 0, recovered = 0;
  const guint runs = 50;
  LabDb *db;

  /* The demo data ends on 2026-11-01; 100 days later most of it is old. */
  now = g_strdup_printf ("%" G_GINT64_FORMAT, G_GINT64_CONSTANT (1793491200000000) + 100 * DAY);
  lab_test_store_add_demo (store, 20, 8, 9);
  db = lab_test_store_open (store);
  sessions = query (db, "SELECT count(*) FROM sessions");
  starred = query (db, "SELECT count(*) FROM sessions WHERE starred = 1");
  eligible = query (db, "SELECT count(*) FROM sessions AS s WHERE archived = 1 AND starred = 0"
                        " AND NOT EXISTS (SELECT 1 FROM snapshots AS k WHERE k.session_id = s.id"
                        " AND k.starred = 1)");
  g_assert_cmpint (eligible, >, 0);
  g_clear_object (&store->db);

  {
    g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", store->root, template);

    g_assert_cmpint (system (cmd), ==, 0);
  }

  for (guint run = 0; run <= runs; run++)
    {
      g_autofree char *root = g_strdup_printf ("%s/run-%u", store->tmp, run);
      g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", template, root);
      g_autoptr(LabDataDir) dir = lab_data_dir_new (root);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;

      g_assert_cmpint (system (cmd), ==, 0);
      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, helper, root, now, NULL);
      g_assert_no_error (error);
      start = g_get_monotonic_time ();

      if (run == 0)
        {
          /* The first run is not killed: it says how long a clean-up takes. */
          g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
          g_assert_no_error (error);
          full_run = g_get_monotonic_time () - start;
        }
      else
        {
          g_usleep (g_rand_int_range (rand, 0, (gint32) (full_run * 6 / 5) + 1));
          g_subprocess_force_exit (proc);
          g_subprocess_wait (proc, NULL, NULL);
        }

      if (assert_consistent_after_kill (dir, sessions, eligible, starred, &recovered))
        applied += run > 0;
      else
        untouched += run > 0;

      {
        g_autoptr(GError) rm_error = NULL;

        g_assert_true (lab_rm_rf (root, &rm_error));
      }
    }

  g_test_message ("%u runs killed: %u found the rows deleted, %u found them all there, %u "
                  "needed the recovery (a clean-up takes %.0f ms)", runs, applied, untouched,
                  recovered, full_run / 1000.0);
  /* The kills landed both before and after the commit. */
  g_assert_cmpuint (applied, >, 1);
  g_assert_cmpuint (untouched, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/cleanup/killed", LabTestStore, NULL, lab_test_store_setup,
              test_killed, lab_test_store_teardown);

  return g_test_run ();
}
