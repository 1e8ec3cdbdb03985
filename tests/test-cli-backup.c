/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-backup-test-util.h"
#include "lab-fileutil.h"

/* labdata-cli backup, backups, verify, restore and prune, as a user runs them. */

static char *
cli_backup (LabTestStore *store)
{
  g_autoptr(LabTestRun) run = lab_test_run_cli ("--data-dir", store->root, "--json", "backup",
                                                NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_cmpint (run->status, ==, 0);
  node = lab_test_parse_json (run->out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "manual");
  g_assert_false (json_object_get_boolean_member (object, "skipped"));
  return g_strdup (json_object_get_string_member (object, "name"));
}

/* The rows and the workspace files: what "nothing changed" means to a user
 * (opening the database may leave SQLite's -wal and -shm files). */
static char *
data_digest (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
  g_autofree char *rows = NULL;
  g_autofree char *files = NULL;

  g_assert_no_error (error);
  rows = lab_backup_test_dump (db, NULL, NULL);
  files = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
  return g_strconcat (rows, files, NULL);
}

static void
test_backup_and_list (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autoptr(LabTestRun) text = NULL;
  g_autoptr(LabTestRun) again = NULL;
  g_autoptr(LabTestRun) list = NULL;
  g_autoptr(LabTestRun) list_json = NULL;
  g_autoptr(LabTestRun) empty = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  lab_test_store_add_demo (store, 5, 5, 3);
  g_clear_object (&store->db);

  empty = lab_test_run_cli ("--data-dir", store->root, "backups", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_nonnull (strstr (empty->out, "No backups yet"));

  name = cli_backup (store);
  text = lab_test_run_cli ("backup", "--data-dir", store->root, NULL);
  g_assert_cmpint (text->status, ==, 0);
  g_assert_nonnull (strstr (text->out, "Backed up as backup_"));

  /* Nothing changed: --if-changed makes none. */
  again = lab_test_run_cli ("--data-dir", store->root, "backup", "--if-changed", NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "Nothing changed"));

  list = lab_test_run_cli ("--data-dir", store->root, "backups", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_nonnull (strstr (list->out, name));
  g_assert_nonnull (strstr (list->out, "not verified"));

  list_json = lab_test_run_cli ("--data-dir", store->root, "backups", "--json", NULL);
  node = lab_test_parse_json (list_json->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "name"),
                   ==, name);
}

static void
test_verify (LabTestStore  *store,
             gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(LabTestRun) good = NULL;
  g_autoptr(LabTestRun) bad = NULL;
  g_autoptr(LabTestRun) bad_json = NULL;
  g_autoptr(LabTestRun) list = NULL;
  g_autoptr(LabTestRun) missing = NULL;
  g_autoptr(LabTestRun) usage = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(JsonNode) node = NULL;

  lab_test_store_add_demo (store, 5, 5, 3);
  g_clear_object (&store->db);
  first = cli_backup (store);
  second = cli_backup (store);

  good = lab_test_run_cli ("--data-dir", store->root, "verify", NULL);
  g_assert_cmpint (good->status, ==, 0);
  g_assert_nonnull (strstr (good->out, "good"));

  info = lab_backup_get (store->dir, first, NULL);
  lab_backup_test_flip_byte (lab_backup_info_get_path (info), 3000);

  /* A check that finds problems exits with 3. */
  bad = lab_test_run_cli ("--data-dir", store->root, "verify", NULL);
  g_assert_cmpint (bad->status, ==, 3);
  g_assert_nonnull (strstr (bad->out, "DAMAGED"));
  g_assert_nonnull (strstr (bad->out, "checksum"));

  bad_json = lab_test_run_cli ("--data-dir", store->root, "verify", first, "--json", NULL);
  g_assert_cmpint (bad_json->status, ==, 3);
  node = lab_test_parse_json (bad_json->out);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (
                   json_node_get_array (node), 0), "damaged"));

  list = lab_test_run_cli ("--data-dir", store->root, "backups", NULL);
  g_assert_nonnull (strstr (list->out, "DAMAGED"));

  missing = lab_test_run_cli ("--data-dir", store->root, "verify", "backup_20000101_000000", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "There is no backup"));

  usage = lab_test_run_cli ("--data-dir", store->root, "verify", first, second, NULL);
  g_assert_cmpint (usage->status, ==, 2);
}

static void
test_restore (LabTestStore  *store,
              gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *original = NULL;
  g_autofree char *restored = NULL;
  g_autoptr(LabTestRun) refused = NULL;
  g_autoptr(LabTestRun) done = NULL;
  g_autoptr(LabTestRun) no_name = NULL;
  g_autoptr(LabTestRun) unknown = NULL;
  g_autoptr(LabTestRun) path = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  lab_test_store_add_demo (store, 5, 5, 3);
  original = lab_backup_test_dump (lab_test_store_open (store), NULL, NULL);
  g_clear_object (&store->db);
  name = cli_backup (store);
  lab_test_add_session (lab_test_store_open (store), "later", "Added later", NULL);
  g_clear_object (&store->db);
  before = data_digest (store);

  /* Without a terminal, replacing data needs --yes; nothing changes. */
  refused = lab_test_run_cli ("--data-dir", store->root, "restore", name, NULL);
  g_assert_cmpint (refused->status, ==, 2);
  g_assert_nonnull (strstr (refused->err, "--yes"));
  g_assert_nonnull (strstr (refused->err, "in the backup"));
  after = data_digest (store);
  g_assert_cmpstr (before, ==, after);

  no_name = lab_test_run_cli ("--data-dir", store->root, "restore", NULL);
  g_assert_cmpint (no_name->status, ==, 2);
  unknown = lab_test_run_cli ("--data-dir", store->root, "restore", "backup_20000101_000000",
                              "--yes", NULL);
  g_assert_cmpint (unknown->status, ==, 1);
  path = lab_test_run_cli ("--data-dir", store->root, "restore", "../data/labdata", "--yes", NULL);
  g_assert_cmpint (path->status, ==, 1);
  g_free (after);
  after = data_digest (store);
  g_assert_cmpstr (before, ==, after);

  done = lab_test_run_cli ("--data-dir", store->root, "--json", "restore", name, "--yes", NULL);
  g_assert_cmpint (done->status, ==, 0);
  node = lab_test_parse_json (done->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "restored"), ==,
                   name);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (node),
                                                                  "pre_restore_backup"),
                                   "backup_"));

  restored = lab_backup_test_dump (lab_test_store_open (store), NULL, NULL);
  g_assert_cmpstr (restored, ==, original);
}

static void
test_restore_session (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autofree char *name = NULL;
  g_autoptr(LabTestRun) done = NULL;
  g_autoptr(LabTestRun) missing = NULL;
  g_autoptr(GError) error = NULL;
  LabDb *db;

  lab_test_store_add_demo (store, 5, 5, 3);
  db = lab_test_store_open (store);
  lab_test_add_session (db, "keep-me", "Keep me", NULL);
  lab_test_add_message (db, "keep-me", 1, "user", "Ada", "the original question");
  g_clear_object (&store->db);
  name = cli_backup (store);

  db = lab_test_store_open (store);
  lab_db_exec (db, "UPDATE messages SET content = 'changed' WHERE session_id = 'keep-me';"
                   "UPDATE sessions SET title = 'Also changed' WHERE id != 'keep-me'", &error);
  g_assert_no_error (error);
  g_clear_object (&store->db);

  done = lab_test_run_cli ("--data-dir", store->root, "restore", name, "--session", "keep-me",
                           "--yes", NULL);
  g_assert_cmpint (done->status, ==, 0);
  g_assert_nonnull (strstr (done->out, "Restored 1 session"));

  db = lab_test_store_open (store);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages WHERE session_id ="
                                           " 'keep-me' AND content = 'the original question'",
                                       &error), ==, 1);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM sessions WHERE id != 'keep-me'"
                                           " AND title != 'Also changed'", &error), ==, 0);
  g_clear_object (&store->db);

  missing = lab_test_run_cli ("--data-dir", store->root, "restore", name, "-s", "no-such",
                              "--yes", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_nonnull (strstr (missing->err, "no-such"));
}

static void
test_pin_delete_prune (LabTestStore  *store,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LabTestRun) pin = NULL;
  g_autoptr(LabTestRun) delete_pinned = NULL;
  g_autoptr(LabTestRun) unpin = NULL;
  g_autoptr(LabTestRun) delete_refused = NULL;
  g_autoptr(LabTestRun) delete = NULL;
  g_autoptr(LabTestRun) dry = NULL;
  g_autoptr(LabTestRun) prune_refused = NULL;
  g_autoptr(LabTestRun) prune = NULL;
  g_autoptr(LabTestRun) both = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *backups_before = NULL;
  g_autofree char *backups_after = NULL;

  lab_test_store_add_demo (store, 3, 3, 3);
  g_clear_object (&store->db);
  /* Two old ones and four new ones, of which one is deleted: with the
   * newest three kept, retention removes the two old ones. */
  for (guint i = 0; i < 6; i++)
    g_ptr_array_add (names, cli_backup (store));
  lab_backup_test_set_created (store, names->pdata[0], g_get_real_time () - 60 * 86400 *
                               (gint64) G_USEC_PER_SEC);
  lab_backup_test_set_created (store, names->pdata[1], g_get_real_time () - 50 * 86400 *
                               (gint64) G_USEC_PER_SEC);

  pin = lab_test_run_cli ("--data-dir", store->root, "backups", "--pin", names->pdata[5], NULL);
  g_assert_cmpint (pin->status, ==, 0);
  delete_pinned = lab_test_run_cli ("--data-dir", store->root, "--yes", "backups", "--delete",
                                    names->pdata[5], NULL);
  g_assert_cmpint (delete_pinned->status, ==, 1);
  g_assert_nonnull (strstr (delete_pinned->err, "pinned"));
  unpin = lab_test_run_cli ("--data-dir", store->root, "backups", "--unpin", names->pdata[5], NULL);
  g_assert_cmpint (unpin->status, ==, 0);
  delete_refused = lab_test_run_cli ("--data-dir", store->root, "backups", "--delete",
                                     names->pdata[5], NULL);
  g_assert_cmpint (delete_refused->status, ==, 2);
  delete = lab_test_run_cli ("--data-dir", store->root, "backups", "--delete", names->pdata[5],
                             "-y", NULL);
  g_assert_cmpint (delete->status, ==, 0);
  both = lab_test_run_cli ("--data-dir", store->root, "backups", "--pin", names->pdata[3],
                           "--unpin", names->pdata[3], NULL);
  g_assert_cmpint (both->status, ==, 2);

  /* The dry run lists the two old ones and changes nothing. */
  backups_before = lab_test_tree_digest (lab_data_dir_get_backups_path (store->dir));
  dry = lab_test_run_cli ("--data-dir", store->root, "prune", "--dry-run", "--json", NULL);
  g_assert_cmpint (dry->status, ==, 0);
  node = lab_test_parse_json (dry->out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (node), "backups")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "bytes"), >, 0);
  prune_refused = lab_test_run_cli ("--data-dir", store->root, "prune", NULL);
  g_assert_cmpint (prune_refused->status, ==, 2);
  backups_after = lab_test_tree_digest (lab_data_dir_get_backups_path (store->dir));
  g_assert_cmpstr (backups_before, ==, backups_after);

  prune = lab_test_run_cli ("--data-dir", store->root, "prune", "--yes", NULL);
  g_assert_cmpint (prune->status, ==, 0);
  g_assert_nonnull (strstr (prune->out, "Deleted 2 backups"));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) left = lab_backup_list (store->dir, &error);

    g_assert_cmpuint (left->len, ==, 3);
    for (guint i = 0; i < left->len; i++)
      {
        const char *name = lab_backup_info_get_name (left->pdata[i]);

        g_assert_cmpstr (name, !=, names->pdata[0]);
        g_assert_cmpstr (name, !=, names->pdata[1]);
      }
  }
}

static void
test_not_writable (LabTestStore  *store,
                   gconstpointer  data)
{
  const char *args[] = { "--data-dir", store->root, "backup", NULL };
  g_autoptr(LabTestRun) run = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *cmd = NULL;
  gboolean as_nobody = geteuid () == 0;

  lab_test_store_add_demo (store, 2, 2, 3);
  g_clear_object (&store->db);

  /* Readable by everyone, writable by its owner only; as root the program
   * runs as "nobody", for root ignores permissions. */
  cmd = g_strdup_printf ("chmod -R a+rX,go-w '%s' && chmod 0555 '%s'", store->tmp,
                         lab_data_dir_get_backups_path (store->dir));
  g_assert_cmpint (system (cmd), ==, 0);
  before = lab_test_tree_digest (store->tmp);

  run = lab_test_run_cli_argv (args, NULL, as_nobody);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "backups folder"));

  after = lab_test_tree_digest (store->tmp);
  g_assert_cmpstr (before, ==, after);
}

static void
limit_file_size (gpointer user_data)
{
  struct rlimit limit = { 64 * 1024, 64 * 1024 };

  /* A full disk, as near as a test can make one: writes past 64 kB fail. */
  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_write_fails (LabTestStore  *store,
                  gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  lab_test_store_add_demo (store, 30, 30, 3);
  g_clear_object (&store->db);
  before = data_digest (store);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("LABDATA_CLI"), "--data-dir",
                                      store->root, "backup", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, "Cannot write"));

  /* The store is untouched, nothing is listed, nothing half-written stays. */
  after = data_digest (store);
  g_assert_cmpstr (before, ==, after);
  backups = lab_backup_list (store->dir, &error);
  g_assert_cmpuint (backups->len, ==, 0);
  dir = g_dir_open (lab_data_dir_get_backups_path (store->dir), 0, NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    g_assert_true (g_str_equal (entry, ".lock") || g_str_equal (entry, "objects"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/cli/backup/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("backup-and-list", test_backup_and_list);
  ADD ("verify", test_verify);
  ADD ("restore", test_restore);
  ADD ("restore-session", test_restore_session);
  ADD ("pin-delete-prune", test_pin_delete_prune);
  ADD ("not-writable", test_not_writable);
  ADD ("write-fails", test_write_fails);

#undef ADD

  return g_test_run ();
}
