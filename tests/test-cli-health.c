/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-fileutil.h"
#include "lab-test-util.h"

/* check, usage, cleanup and vacuum, through the real labdata-cli. */

static void
make_demo (LabTestStore *store)
{
  g_autoptr(LabTestRun) run = NULL;

  run = lab_test_run_cli ("--data-dir", store->root, "demo", "--sessions", "30",
                          "--messages-per-session", "10", "--seed", "8", NULL);

  g_assert_cmpint (run->status, ==, 0);
}

static void
test_help (void)
{
  g_autoptr(LabTestRun) help = lab_test_run_cli ("--help", NULL);
  g_autoptr(LabTestRun) cleanup_help = lab_test_run_cli ("cleanup", "--help", NULL);
  g_autoptr(LabTestRun) check_help = lab_test_run_cli ("check", "--help", NULL);
  const char *commands[] = { "check", "cleanup", "usage", "vacuum", NULL };

  g_assert_cmpint (help->status, ==, 0);
  for (guint i = 0; commands[i] != NULL; i++)
    g_assert_nonnull (strstr (help->out, commands[i]));
  g_assert_cmpint (cleanup_help->status, ==, 0);
  g_assert_nonnull (strstr (cleanup_help->out, "--only"));
  g_assert_nonnull (strstr (cleanup_help->out, "--older-than"));
  g_assert_cmpint (check_help->status, ==, 0);
  g_assert_nonnull (strstr (check_help->out, "--repair"));
}

static void
test_check (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabTestRun) never = NULL;
  g_autoptr(LabTestRun) quick = NULL;
  g_autoptr(LabTestRun) full = NULL;
  g_autoptr(LabTestRun) problems = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) repaired = NULL;
  g_autoptr(LabTestRun) last = NULL;
  g_autoptr(LabTestRun) bad = NULL;
  g_autoptr(LabTestRun) both = NULL;
  g_autoptr(LabTestRun) nowhere = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *orphan = NULL;
  g_autofree char *missing = g_build_filename (store->tmp, "missing", NULL);

  nowhere = lab_test_run_cli ("--data-dir", missing, "check", NULL);
  g_assert_cmpint (nowhere->status, ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  make_demo (store);

  never = lab_test_run_cli ("--data-dir", store->root, "check", "--last", NULL);
  g_assert_cmpint (never->status, ==, 1);
  g_assert_nonnull (strstr (never->err, "No quick check"));

  quick = lab_test_run_cli ("--data-dir", store->root, "check", NULL);
  g_assert_cmpint (quick->status, ==, 0);
  g_assert_nonnull (strstr (quick->out, "No problems found"));

  full = lab_test_run_cli ("--data-dir", store->root, "--json", "check", "--full", NULL);
  g_assert_cmpint (full->status, ==, 0);
  report = lab_test_parse_object (full->out);
  g_assert_cmpstr (json_object_get_string_member (report, "level"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "ok");
  g_clear_pointer (&report, json_object_unref);

  /* A problem: exit 3, and the repair needs --yes without a terminal. */
  orphan = g_build_filename (store->root, "data", "workspace", "stray", NULL);
  g_assert_true (lab_mkdir_private (orphan, NULL));

  problems = lab_test_run_cli ("--data-dir", store->root, "check", "--full", NULL);
  g_assert_cmpint (problems->status, ==, 3);
  g_assert_nonnull (strstr (problems->out, "belongs to no session"));
  g_assert_nonnull (strstr (problems->out, "--repair"));

  refused = lab_test_run_cli ("--data-dir", store->root, "check", "--full", "--repair", NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, "--yes"));
  g_assert_true (g_file_test (orphan, G_FILE_TEST_IS_DIR));

  repaired = lab_test_run_cli ("--data-dir", store->root, "--json", "check", "--full", "--repair",
                               "--yes", NULL);
  g_assert_cmpint (repaired->status, ==, 0);
  report = lab_test_parse_object (repaired->out);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "ok");
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_clear_pointer (&report, json_object_unref);

  /* The stored result, read without checking again. */
  last = lab_test_run_cli ("--data-dir", store->root, "--json", "check", "--full", "--last", NULL);
  g_assert_cmpint (last->status, ==, 0);
  report = lab_test_parse_object (last->out);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "ok");

  bad = lab_test_run_cli ("--data-dir", store->root, "check", "extra", NULL);
  g_assert_cmpint (bad->status, ==, 2);
  both = lab_test_run_cli ("--data-dir", store->root, "check", "--last", "--repair", NULL);
  g_assert_cmpint (both->status, ==, 2);
}

static void
test_check_damaged_database (LabTestStore  *store,
                             gconstpointer  data)
{
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *db = g_build_filename (store->root, "data", "labdata.db", NULL);
  JsonArray *findings;

  make_demo (store);
  g_assert_true (g_file_set_contents (db, "overwritten", -1, NULL));

  run = lab_test_run_cli ("--data-dir", store->root, "--json", "check", NULL);
  g_assert_cmpint (run->status, ==, 3);
  report = lab_test_parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "errors");
  findings = json_object_get_array_member (report, "findings");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (findings, 0),
                                                  "kind"), ==, "not-a-database");
}

static void
test_usage (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabTestRun) fresh = NULL;
  g_autoptr(LabTestRun) cached = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(LabTestRun) bad = NULL;
  g_autoptr(LabTestRun) nowhere = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(LabTestRun) all = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *missing = g_build_filename (store->tmp, "missing", NULL);
  guint n_lines = 0, n_dashes = 0, n_cut = 0;

  make_demo (store);

  fresh = lab_test_run_cli ("--data-dir", store->root, "--json", "usage", NULL);
  g_assert_cmpint (fresh->status, ==, 0);
  a = lab_test_parse_object (fresh->out);
  g_assert_cmpint (json_object_get_int_member (a, "total"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "categories")), ==, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (a, "sessions")), ==, 30);

  cached = lab_test_run_cli ("--data-dir", store->root, "--json", "usage", "--cached", NULL);
  g_assert_cmpint (cached->status, ==, 0);
  b = lab_test_parse_object (cached->out);
  g_assert_cmpstr (json_object_get_string_member (a, "computed_at"), ==,
                   json_object_get_string_member (b, "computed_at"));

  human = lab_test_run_cli ("--data-dir", store->root, "usage", "--limit", "2", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Largest tables and indexes"));
  g_assert_nonnull (strstr (human->out, "and 28 more"));

  /* Every session folder's line keeps its columns, whatever its title: an
   * em dash is one column, a long title is cut with "…". */
  all = lab_test_run_cli ("--data-dir", store->root, "usage", "--limit", "0", NULL);
  g_assert_cmpint (all->status, ==, 0);
  lines = g_strsplit (strstr (all->out, "Largest session folders:"), "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] == ' '; i++)
    {
      const char *id = strrchr (lines[i], ' ') + 1;

      g_assert_cmpint (strlen (id), ==, 36);
      g_assert_cmpint (g_utf8_pointer_to_offset (lines[i], id), ==, 2 + 40 + 1 + 12 + 2);
      n_lines++;
      if (strstr (lines[i], "—") != NULL)
        n_dashes++;
      if (strstr (lines[i], "…") != NULL)
        n_cut++;
    }
  g_assert_cmpuint (n_lines, ==, 30);
  g_assert_cmpuint (n_dashes, >, 0);
  g_assert_cmpuint (n_cut, >, 0);

  bad = lab_test_run_cli ("--data-dir", store->root, "usage", "--limit", "-1", NULL);
  g_assert_cmpint (bad->status, ==, 2);

  nowhere = lab_test_run_cli ("--data-dir", missing, "usage", NULL);
  g_assert_cmpint (nowhere->status, ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_cleanup (LabTestStore  *store,
              gconstpointer  data)
{
  g_autoptr(LabTestRun) dry = NULL;
  g_autoptr(LabTestRun) dry_human = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) bogus = NULL;
  g_autoptr(LabTestRun) zero = NULL;
  g_autoptr(LabTestRun) applied = NULL;
  g_autoptr(LabTestRun) again = NULL;
  g_autoptr(LabTestRun) only = NULL;
  g_autoptr(JsonObject) plan = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonArray *items;
  JsonArray *deleted;

  make_demo (store);

  dry = lab_test_run_cli ("--data-dir", store->root, "--json", "cleanup", "--dry-run",
                          "--older-than", "60", NULL);
  g_assert_cmpint (dry->status, ==, 0);
  plan = lab_test_parse_object (dry->out);
  items = json_object_get_array_member (plan, "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);

  dry_human = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--dry-run",
                                "--older-than", "60", "--only", "snapshots,analytics", NULL);
  g_assert_cmpint (dry_human->status, ==, 0);
  g_assert_nonnull (strstr (dry_human->out, "Snapshots (older than 60 days)"));
  g_assert_null (strstr (dry_human->out, "Archived sessions"));

  /* Refusals change nothing. */
  before = lab_test_tree_digest (store->root);
  refused = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--older-than", "60", NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, "--yes"));
  bogus = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--only", "everything", "--yes",
                            NULL);
  g_assert_cmpint (bogus->status, ==, 2);
  g_assert_nonnull (strstr (bogus->err, "archived-sessions"));
  zero = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--older-than", "0", "--yes",
                           NULL);
  g_assert_cmpint (zero->status, ==, 2);
  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);

  /* The clean-up deletes what the dry run listed. */
  applied = lab_test_run_cli ("--data-dir", store->root, "--json", "cleanup", "--older-than", "60",
                              "--yes", NULL);
  g_assert_cmpint (applied->status, ==, 0);
  result = lab_test_parse_object (applied->out);
  deleted = json_object_get_array_member (result, "deleted");
  g_assert_cmpuint (json_array_get_length (deleted), ==, json_array_get_length (items));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_autofree char *key = g_strdup_printf ("%s/%s",
                                              json_object_get_string_member (item, "category"),
                                              json_object_get_string_member (item, "id"));

      g_assert_cmpstr (json_array_get_string_element (deleted, i), ==, key);
    }
  g_assert_false (json_node_is_null (json_object_get_member (result, "backup")));
  g_assert_true (json_object_get_boolean_member (result, "vacuumed"));

  again = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--older-than", "60", NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "Nothing to clean up"));

  only = lab_test_run_cli ("--data-dir", store->root, "cleanup", "--dry-run", "--only", "logs",
                           "--only", "archives", NULL);
  g_assert_cmpint (only->status, ==, 0);
}

static void
test_vacuum (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(LabTestRun) nowhere = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *missing = g_build_filename (store->tmp, "missing", NULL);

  make_demo (store);

  run = lab_test_run_cli ("--data-dir", store->root, "--json", "vacuum", NULL);
  g_assert_cmpint (run->status, ==, 0);
  result = lab_test_parse_object (run->out);
  g_assert_cmpint (json_object_get_int_member (result, "size_after"), <=,
                   json_object_get_int_member (result, "size_before"));

  human = lab_test_run_cli ("--data-dir", store->root, "vacuum", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Compacted the database"));

  nowhere = lab_test_run_cli ("--data-dir", missing, "vacuum", NULL);
  g_assert_cmpint (nowhere->status, ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

/* No room on the disk for the copy compacting writes: a clear refusal, and
 * nothing changes. The disk's free space is faked: a full disk cannot be made
 * on demand. */
static void
test_vacuum_no_space (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(LabTestRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_demo (store);
  before = lab_test_tree_digest (store->root);

  g_setenv ("LABDATA_TEST_FREE_SPACE", "4096", TRUE);
  run = lab_test_run_cli ("--data-dir", store->root, "vacuum", NULL);
  g_unsetenv ("LABDATA_TEST_FREE_SPACE");

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "not enough free space"));
  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/cli/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  g_test_add_func ("/labdata/cli/health-help", test_help);
  ADD ("check", test_check);
  ADD ("check-damaged-database", test_check_damaged_database);
  ADD ("usage", test_usage);
  ADD ("cleanup", test_cleanup);
  ADD ("vacuum", test_vacuum);
  ADD ("vacuum-no-space", test_vacuum_no_space);

  return g_test_run ();
}
