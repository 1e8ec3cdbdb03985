/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-test-util.h"

/* These tests run the real labdata-cli binary, as a person or a script would. */

static void
make_demo (LabTestStore *store)
{
  g_autoptr(LabTestRun) run = lab_test_run_cli ("--data-dir", store->root, "demo", "--sessions", "12",
                                                "--messages-per-session", "20", "--seed", "3", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "Added 12 sessions, 240 messages"));
}

static void
test_usage (void)
{
  g_autoptr(LabTestRun) version = lab_test_run_cli ("--version", NULL);
  g_autoptr(LabTestRun) help = lab_test_run_cli ("--help", NULL);
  const char *no_args[] = { NULL };
  g_autoptr(LabTestRun) none = lab_test_run_cli_argv (no_args, NULL, FALSE);
  g_autoptr(LabTestRun) unknown = lab_test_run_cli ("frobnicate", NULL);
  g_autoptr(LabTestRun) bad_option = lab_test_run_cli ("sessions", "--bogus", NULL);
  g_autoptr(LabTestRun) sub_help = lab_test_run_cli ("search", "--help", NULL);
  g_autoptr(LabTestRun) help_first = lab_test_run_cli ("--help", "show", NULL);
  g_autoptr(LabTestRun) missing = lab_test_run_cli ("--data-dir", NULL);
  const char *commands[] = { "info", "sessions", "show", "search", "demo", "config", NULL };

  g_assert_cmpint (version->status, ==, 0);
  g_assert_true (g_str_has_prefix (version->out, "labdata-cli " PACKAGE_VERSION));

  g_assert_cmpint (help->status, ==, 0);
  for (guint i = 0; commands[i] != NULL; i++)
    g_assert_nonnull (strstr (help->out, commands[i]));

  g_assert_cmpint (none->status, ==, 2);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_nonnull (strstr (unknown->err, "unknown command"));
  g_assert_cmpint (bad_option->status, ==, 2);
  g_assert_nonnull (strstr (bad_option->err, "--help"));
  g_assert_cmpint (sub_help->status, ==, 0);
  g_assert_nonnull (strstr (sub_help->out, "--role"));
  g_assert_cmpint (help_first->status, ==, 0);
  g_assert_nonnull (strstr (help_first->out, "SESSION"));
  g_assert_cmpint (missing->status, ==, 2);
}

static void
test_info_and_global_options (LabTestStore  *store,
                              gconstpointer  data)
{
  g_autoptr(LabTestRun) before = NULL;
  g_autoptr(LabTestRun) after = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(JsonObject) info = NULL;
  JsonObject *counts;

  make_demo (store);

  /* Global options may come before or after the command. */
  before = lab_test_run_cli ("--json", "--data-dir", store->root, "info", NULL);
  after = lab_test_run_cli ("info", "--data-dir=", NULL);
  g_assert_cmpint (after->status, ==, 2);
  g_clear_pointer (&after, lab_test_run_free);
  after = lab_test_run_cli ("info", "--json", "--data-dir", store->root, NULL);
  g_assert_cmpint (before->status, ==, 0);
  g_assert_cmpint (after->status, ==, 0);

  info = lab_test_parse_object (after->out);
  g_assert_cmpstr (json_object_get_string_member (info, "data_dir"), ==, store->root);
  g_assert_cmpint (json_object_get_int_member (info, "schema_version"), ==, 2);
  counts = json_object_get_object_member (info, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "sessions"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (counts, "messages"), ==, 240);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (info, "sizes"), "database"), >, 0);

  human = lab_test_run_cli ("--data-dir", store->root, "info", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Schema version: 2"));
  g_assert_nonnull (strstr (human->out, "messages"));
}

static void
test_sessions (LabTestStore  *store,
               gconstpointer  data)
{
  g_autoptr(LabTestRun) all = NULL;
  g_autoptr(LabTestRun) page = NULL;
  g_autoptr(LabTestRun) bad_date = NULL;
  g_autoptr(LabTestRun) bad_sort = NULL;
  g_autoptr(LabTestRun) both = NULL;
  g_autoptr(LabTestRun) starred = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) starred_obj = NULL;
  JsonArray *sessions;

  make_demo (store);

  all = lab_test_run_cli ("--data-dir", store->root, "--json", "sessions", "--limit", "0", NULL);
  g_assert_cmpint (all->status, ==, 0);
  obj = lab_test_parse_object (all->out);
  g_assert_cmpint (json_object_get_int_member (obj, "total"), ==, 12);
  sessions = json_object_get_array_member (obj, "sessions");
  g_assert_cmpuint (json_array_get_length (sessions), ==, 12);
  /* Most recently active first. */
  for (guint i = 1; i < json_array_get_length (sessions); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sessions, i - 1), "last_activity_at"),
                     >=,
                     json_object_get_string_member (json_array_get_object_element (sessions, i), "last_activity_at"));

  starred = lab_test_run_cli ("--data-dir", store->root, "--json", "sessions", "--starred",
                              "--status", "completed", "--since", "2025-01-01", NULL);
  g_assert_cmpint (starred->status, ==, 0);
  starred_obj = lab_test_parse_object (starred->out);
  sessions = json_object_get_array_member (starred_obj, "sessions");
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *s = json_array_get_object_element (sessions, i);

      g_assert_true (json_object_get_boolean_member (s, "starred"));
      g_assert_cmpstr (json_object_get_string_member (s, "status"), ==, "completed");
    }

  page = lab_test_run_cli ("--data-dir", store->root, "sessions", "-n", "5", NULL);
  g_assert_cmpint (page->status, ==, 0);
  g_assert_nonnull (strstr (page->out, "5 of 12 sessions shown"));

  human = lab_test_run_cli ("--data-dir", store->root, "sessions", "--sort", "title", NULL);
  g_assert_cmpint (human->status, ==, 0);

  bad_date = lab_test_run_cli ("--data-dir", store->root, "sessions", "--since", "last week", NULL);
  g_assert_cmpint (bad_date->status, ==, 2);
  g_assert_nonnull (strstr (bad_date->err, "not a date"));
  bad_sort = lab_test_run_cli ("--data-dir", store->root, "sessions", "--sort", "size", NULL);
  g_assert_cmpint (bad_sort->status, ==, 2);
  both = lab_test_run_cli ("--data-dir", store->root, "sessions", "--starred", "--not-starred", NULL);
  g_assert_cmpint (both->status, ==, 2);
}

static void
test_show (LabTestStore  *store,
           gconstpointer  data)
{
  g_autoptr(LabTestRun) list = NULL;
  g_autoptr(LabTestRun) show = NULL;
  g_autoptr(LabTestRun) json = NULL;
  g_autoptr(LabTestRun) missing = NULL;
  g_autoptr(LabTestRun) no_arg = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) shown = NULL;
  g_autofree char *prefix = NULL;
  const char *id;
  JsonArray *messages;

  make_demo (store);

  list = lab_test_run_cli ("--data-dir", store->root, "--json", "sessions", "-n", "1", NULL);
  obj = lab_test_parse_object (list->out);
  id = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (obj, "sessions"), 0), "id");
  prefix = g_strndup (id, 13);

  show = lab_test_run_cli ("--data-dir", store->root, "show", prefix, NULL);
  g_assert_cmpint (show->status, ==, 0);
  g_assert_nonnull (strstr (show->out, id));
  g_assert_nonnull (strstr (show->out, "#1 "));
  g_assert_nonnull (strstr (show->out, "Research question:"));

  json = lab_test_run_cli ("--data-dir", store->root, "show", "--json", id, "--offset", "2", "--limit", "3", NULL);
  g_assert_cmpint (json->status, ==, 0);
  shown = lab_test_parse_object (json->out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (shown, "session"), "id"), ==, id);
  messages = json_object_get_array_member (shown, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (messages, 0), "sequence"), ==, 3);

  missing = lab_test_run_cli ("--data-dir", store->root, "show", "ffffffff", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "no session"));
  no_arg = lab_test_run_cli ("--data-dir", store->root, "show", NULL);
  g_assert_cmpint (no_arg->status, ==, 2);
}

static void
test_search (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(LabTestRun) json = NULL;
  g_autoptr(LabTestRun) human = NULL;
  g_autoptr(LabTestRun) role = NULL;
  g_autoptr(LabTestRun) syntax = NULL;
  g_autoptr(LabTestRun) syntax_json = NULL;
  g_autoptr(LabTestRun) no_query = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) role_obj = NULL;
  g_autoptr(JsonObject) err_obj = NULL;
  JsonArray *messages;

  make_demo (store);

  json = lab_test_run_cli ("--data-dir", store->root, "search", "baseline", "--json", "-n", "5", NULL);
  g_assert_cmpint (json->status, ==, 0);
  obj = lab_test_parse_object (json->out);
  messages = json_object_get_array_member (obj, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 5);
  g_assert_true (json_object_get_boolean_member (obj, "has_more"));
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "highlighted"),
                            "[baseline]"));

  human = lab_test_run_cli ("--data-dir", store->root, "search", "\"the", "baseline\"", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "[the baseline]"));

  role = lab_test_run_cli ("--data-dir", store->root, "--json", "search", "baseline", "--role", "user",
                           "--messages-only", NULL);
  g_assert_cmpint (role->status, ==, 0);
  role_obj = lab_test_parse_object (role->out);
  messages = json_object_get_array_member (role_obj, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, i), "role"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (role_obj, "sessions")), ==, 0);

  syntax = lab_test_run_cli ("--data-dir", store->root, "search", "baseline AND", NULL);
  g_assert_cmpint (syntax->status, ==, 1);
  g_assert_nonnull (strstr (syntax->err, "could not be understood"));

  syntax_json = lab_test_run_cli ("--data-dir", store->root, "--json", "search", "(baseline", NULL);
  g_assert_cmpint (syntax_json->status, ==, 1);
  err_obj = lab_test_parse_object (syntax_json->out);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (err_obj, "error"), "code"),
                   ==, "query-syntax");

  no_query = lab_test_run_cli ("--data-dir", store->root, "search", NULL);
  g_assert_cmpint (no_query->status, ==, 2);
}

static void
test_not_a_database (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabTestRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir), "PK\x03\x04 zip?", -1, NULL));
  before = lab_test_tree_digest (store->root);

  run = lab_test_run_cli ("--data-dir", store->root, "sessions", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "not a LabData database"));

  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_schema_too_new (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(LabTestRun) init = lab_test_run_cli ("--data-dir", store->root, "info", NULL);
  g_autoptr(LabTestRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *raw = NULL;

  g_assert_cmpint (init->status, ==, 0);
  g_assert_cmpint (sqlite3_open (lab_data_dir_get_db_path (store->dir), &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA user_version = 42", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  before = lab_test_tree_digest (store->root);

  run = lab_test_run_cli ("--data-dir", store->root, "--json", "info", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "newer version of LabData"));
  g_assert_nonnull (strstr (run->out, "schema-too-new"));

  after = lab_test_tree_digest (store->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_not_writable (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autoptr(LabTestRun) run = NULL;
  g_autoptr(LabTestRun) run_missing = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *locked_parent = g_build_filename (store->tmp, "locked", NULL);
  g_autofree char *inside_locked = g_build_filename (locked_parent, "store", NULL);
  const char *args[] = { "--data-dir", store->root, "info", NULL };
  const char *args_missing[] = { "--data-dir", inside_locked, "info", NULL };
  gboolean as_nobody = geteuid () == 0;

  /* Root ignores permissions, so as root the program runs as "nobody". */
  g_assert_cmpint (g_chmod (store->tmp, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (store->root, 0555), ==, 0);
  g_assert_cmpint (g_mkdir (locked_parent, 0555), ==, 0);
  before = lab_test_tree_digest (store->tmp);

  run = lab_test_run_cli_argv (args, NULL, as_nobody);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "not writable"));

  run_missing = lab_test_run_cli_argv (args_missing, NULL, as_nobody);
  g_assert_cmpint (run_missing->status, ==, 1);
  g_assert_nonnull (strstr (run_missing->err, "Permission denied"));

  after = lab_test_tree_digest (store->tmp);
  g_assert_cmpstr (before, ==, after);
}

static void
test_config (LabTestStore  *store,
             gconstpointer  data)
{
  g_autoptr(LabTestRun) set = lab_test_run_cli ("--data-dir", store->root, "config",
                                                "auto_backup.time", "04:15", NULL);
  g_autoptr(LabTestRun) get = lab_test_run_cli ("--data-dir", store->root, "config",
                                                "auto_backup.time", NULL);
  g_autoptr(LabTestRun) bad = lab_test_run_cli ("--data-dir", store->root, "config",
                                                "auto_backup.time", "4pm", NULL);
  g_autoptr(LabTestRun) unknown = lab_test_run_cli ("--data-dir", store->root, "config", "nope", NULL);
  g_autoptr(LabTestRun) all = lab_test_run_cli ("--data-dir", store->root, "config", NULL);

  g_assert_cmpint (set->status, ==, 0);
  g_assert_cmpint (get->status, ==, 0);
  g_assert_cmpstr (get->out, ==, "04:15\n");
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_cmpint (all->status, ==, 0);
  g_assert_nonnull (strstr (all->out, "\"backup_days\" : 30"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/cli/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  g_test_add_func ("/labdata/cli/usage", test_usage);
  ADD ("info-and-global-options", test_info_and_global_options);
  ADD ("sessions", test_sessions);
  ADD ("show", test_show);
  ADD ("search", test_search);
  ADD ("not-a-database", test_not_a_database);
  ADD ("schema-too-new", test_schema_too_new);
  ADD ("not-writable", test_not_writable);
  ADD ("config", test_config);

  return g_test_run ();
}
