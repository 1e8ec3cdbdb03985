/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lab-test-archive.h"
#include "lab-test-util.h"

/* labdata-cli export and import, run as a person or a script would. */

typedef struct
{
  LabTestStore from;
  LabTestStore to;
  char *archive;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LabTestRun) run = NULL;

  lab_test_store_setup (&f->from, data);
  lab_test_store_setup (&f->to, data);
  f->archive = g_build_filename (f->from.tmp, "out.labdata", NULL);

  run = lab_test_run_cli ("--data-dir", f->from.root, "demo", "--sessions", "6", "--messages-per-session", "10",
                          "--seed", "4", NULL);
  g_assert_cmpint (run->status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->archive);
  lab_test_store_teardown (&f->from, data);
  lab_test_store_teardown (&f->to, data);
}

static gint64
count (JsonObject *object,
       const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonObject *o = object;

  for (guint i = 0; parts[i + 1] != NULL; i++)
    o = json_object_get_object_member (o, parts[i]);
  return json_object_get_int_member (o, parts[g_strv_length (parts) - 1]);
}

static void
test_usage (void)
{
  struct {
    const char *args[8];
  } bad[] = {
    { { "export", "--format", "pdf", NULL } },
    { { "export", "--format", "markdown", NULL } },
    { { "export", "--format", "json", "--session", "a", "--session", "b", NULL } },
    { { "export", "--format", "markdown", "--session", "a", "--status", "active", NULL } },
    { { "export", "--starred", "--not-starred", NULL } },
    { { "export", "--since", "yesterday", NULL } },
    { { "export", "-o", "-", NULL } },
    { { "export", "extra", NULL } },
    { { "import", NULL } },
    { { "import", "a.labdata", "b.labdata", NULL } },
    { { "import", "a.labdata", "--on-conflict", "merge", NULL } },
  };
  g_autoptr(LabTestRun) help_export = lab_test_run_cli ("export", "--help", NULL);
  g_autoptr(LabTestRun) help_import = lab_test_run_cli ("import", "--help", NULL);
  g_autoptr(LabTestRun) help = lab_test_run_cli ("--help", NULL);

  g_assert_cmpint (help_export->status, ==, 0);
  g_assert_nonnull (strstr (help_export->out, "--participant"));
  g_assert_nonnull (strstr (help_export->out, "--query"));
  g_assert_nonnull (strstr (help_export->out, "--format"));
  g_assert_cmpint (help_import->status, ==, 0);
  g_assert_nonnull (strstr (help_import->out, "--dry-run"));
  g_assert_nonnull (strstr (help_import->out, "--on-conflict"));
  g_assert_nonnull (strstr (help->out, "export"));
  g_assert_nonnull (strstr (help->out, "import"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(LabTestRun) run = lab_test_run_cli_argv (bad[i].args, NULL, FALSE);

      g_test_message ("%s %s: %d %s", bad[i].args[0], bad[i].args[1] ? bad[i].args[1] : "", run->status, run->err);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_nonnull (strstr (run->err, "--help"));
    }
}

/* export, import --dry-run, import, import again: the whole path. */
static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LabTestRun) exported = NULL;
  g_autoptr(LabTestRun) dry = NULL;
  g_autoptr(LabTestRun) imported = NULL;
  g_autoptr(LabTestRun) again = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(JsonObject) export_json = NULL;
  g_autoptr(JsonObject) dry_json = NULL;
  g_autoptr(JsonObject) import_json = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  exported = lab_test_run_cli ("--data-dir", f->from.root, "--json", "export", "-o", f->archive, NULL);
  g_assert_cmpint (exported->status, ==, 0);
  export_json = lab_test_parse_object (exported->out);
  g_assert_cmpstr (json_object_get_string_member (export_json, "path"), ==, f->archive);
  g_assert_cmpint (count (export_json, "counts.sessions"), ==, 6);
  g_assert_cmpint (count (export_json, "counts.messages"), ==, 60);

  /* Into an empty data directory. */
  dry = lab_test_run_cli ("--data-dir", f->to.root, "--json", "import", "--dry-run", f->archive, NULL);
  g_assert_cmpint (dry->status, ==, 0);
  dry_json = lab_test_parse_object (dry->out);
  g_assert_cmpint (count (dry_json, "preview.counts.sessions.new"), ==, 6);
  g_assert_cmpint (count (dry_json, "preview.counts.messages.new"), ==, 60);
  g_assert_true (json_object_get_boolean_member (dry_json, "dry_run"));

  human = lab_test_run_cli ("--data-dir", f->to.root, "import", "--dry-run", f->archive, NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "NEW"));
  g_assert_nonnull (strstr (human->out, "messages"));
  g_assert_nonnull (strstr (human->out, "dry run"));

  imported = lab_test_run_cli ("--data-dir", f->to.root, "--json", "import", f->archive, NULL);
  g_assert_cmpint (imported->status, ==, 0);
  import_json = lab_test_parse_object (imported->out);
  g_assert_cmpint (count (import_json, "result.tables.sessions.inserted"), ==, 6);
  g_assert_cmpint (count (import_json, "result.tables.messages.inserted"), ==, 60);

  before = lab_test_tree_digest (f->to.root);
  again = lab_test_run_cli ("--data-dir", f->to.root, "import", f->archive, NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "Nothing to import"));
  after = lab_test_tree_digest (f->to.root);
  g_assert_cmpstr (before, ==, after);
}

/* Replacing data asks first: without a terminal --yes is needed. */
static void
test_replace_needs_yes (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(LabTestRun) exported = lab_test_run_cli ("--data-dir", f->from.root, "export", "-o", f->archive, NULL);
  g_autoptr(LabTestRun) imported = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) skipped = NULL;
  g_autoptr(LabTestRun) replaced = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (exported->status, ==, 0);
  imported = lab_test_run_cli ("--data-dir", f->to.root, "import", f->archive, NULL);
  g_assert_cmpint (imported->status, ==, 0);
  lab_db_exec (lab_test_store_open (&f->to), "UPDATE sessions SET title = 'Mine' WHERE rowid = 1", &error);
  g_assert_no_error (error);
  g_clear_object (&f->to.db);

  before = lab_test_tree_digest (f->to.root);
  refused = lab_test_run_cli ("--data-dir", f->to.root, "import", "--on-conflict", "replace", f->archive, NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, "--yes"));
  after = lab_test_tree_digest (f->to.root);
  g_assert_cmpstr (before, ==, after);

  skipped = lab_test_run_cli ("--data-dir", f->to.root, "import", f->archive, NULL);
  g_assert_cmpint (skipped->status, ==, 0);
  g_assert_nonnull (strstr (skipped->out, "Conflicts (1)"));
  g_assert_nonnull (strstr (skipped->out, "differs in title"));

  replaced = lab_test_run_cli ("--data-dir", f->to.root, "--yes", "import", "--on-conflict", "replace",
                               f->archive, NULL);
  g_assert_cmpint (replaced->status, ==, 0);
  g_assert_nonnull (strstr (replaced->out, "replaced 1 rows"));
  g_assert_nonnull (strstr (replaced->out, "backed up"));
  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (&f->to),
                                       "SELECT count (*) FROM sessions WHERE title = 'Mine'", NULL), ==, 0);
}

static void
test_selection_and_transcripts (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(LabTestRun) list = lab_test_run_cli ("--data-dir", f->from.root, "--json", "sessions", NULL);
  g_autoptr(JsonObject) sessions = lab_test_parse_object (list->out);
  JsonArray *array = json_object_get_array_member (sessions, "sessions");
  const char *first = json_object_get_string_member (json_array_get_object_element (array, 0), "id");
  g_autofree char *prefix = g_strndup (first, 13);
  g_autoptr(LabTestRun) one = NULL;
  g_autoptr(LabTestRun) none = NULL;
  g_autoptr(LabTestRun) markdown = NULL;
  g_autoptr(LabTestRun) json = NULL;
  g_autoptr(LabTestRun) to_file = NULL;
  g_autoptr(JsonObject) one_json = NULL;
  g_autoptr(JsonObject) transcript = NULL;
  g_autofree char *md_path = g_build_filename (f->from.tmp, "one.md", NULL);

  /* A session by the start of its id. */
  one = lab_test_run_cli ("--data-dir", f->from.root, "--json", "export", "--session", prefix, "-o", f->archive,
                          NULL);
  g_assert_cmpint (one->status, ==, 0);
  one_json = lab_test_parse_object (one->out);
  g_assert_cmpint (count (one_json, "counts.sessions"), ==, 1);
  g_assert_cmpint (count (one_json, "counts.brains"), ==, 0);

  none = lab_test_run_cli ("--data-dir", f->from.root, "export", "--status", "nothing-has-this", "-o",
                           f->archive, NULL);
  g_assert_cmpint (none->status, ==, 1);
  g_assert_nonnull (strstr (none->err, "No session matches"));

  markdown = lab_test_run_cli ("--data-dir", f->from.root, "export", "--session", first, "--format", "markdown",
                               "-o", "-", NULL);
  g_assert_cmpint (markdown->status, ==, 0);
  g_assert_true (g_str_has_prefix (markdown->out, "# "));
  g_assert_nonnull (strstr (markdown->out, "## Chat log"));

  json = lab_test_run_cli ("--data-dir", f->from.root, "export", "--session", first, "--format", "json", "-o", "-",
                           NULL);
  g_assert_cmpint (json->status, ==, 0);
  transcript = lab_test_parse_object (json->out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (transcript, "session"), "id"),
                   ==, first);

  to_file = lab_test_run_cli ("--data-dir", f->from.root, "export", "--session", first, "--format", "markdown",
                              "-o", md_path, NULL);
  g_assert_cmpint (to_file->status, ==, 0);
  g_assert_true (g_file_test (md_path, G_FILE_TEST_IS_REGULAR));
}

/* Failures: exit 1 with the reason, and nothing made or changed. */
static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *missing_store = g_build_filename (f->to.tmp, "no-store", NULL);
  g_autofree char *missing_file = g_build_filename (f->to.tmp, "missing.labdata", NULL);
  g_autoptr(LabTestRun) no_store = lab_test_run_cli ("--data-dir", missing_store, "export", "-o", f->archive, NULL);
  g_autoptr(LabTestRun) no_file = lab_test_run_cli ("--data-dir", f->to.root, "import", missing_file, NULL);
  guint n_cases;
  const LabTestHostileCase *cases = lab_test_hostile_cases (&n_cases);

  g_assert_cmpint (no_store->status, ==, 1);
  g_assert_false (g_file_test (missing_store, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
  g_assert_cmpint (no_file->status, ==, 1);
  g_assert_nonnull (strstr (no_file->err, "missing.labdata"));

  /* The hostile corpus through the command line, with the strongest policy. */
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(LabTestRun) run = NULL;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      if (g_str_equal (cases[i].name, "zip-bomb"))
        continue;

      cases[i].build (f->archive);
      before = lab_test_tree_digest (f->from.root);
      run = lab_test_run_cli ("--data-dir", f->from.root, "--yes", "import", "--on-conflict", "replace",
                              f->archive, NULL);
      g_assert_cmpint (run->status, ==, 1);
      g_assert_true (g_str_has_prefix (run->err, "labdata-cli import: "));
      after = lab_test_tree_digest (f->from.root);
      g_assert_cmpstr (before, ==, after);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labdata/cli/archive/usage", test_usage);
#define ADD(path, fn) g_test_add ("/labdata/cli/archive/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("export-import", test_export_import);
  ADD ("replace-needs-yes", test_replace_needs_yes);
  ADD ("selection-and-transcripts", test_selection_and_transcripts);
  ADD ("failures", test_failures);
#undef ADD

  return g_test_run ();
}
