/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-test"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-demo.h"
#include "lab-fileutil.h"
#include "lab-row.h"
#include "lab-test-util.h"

void
lab_test_store_setup (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  store->tmp = g_dir_make_tmp ("labdata-test-XXXXXX", &error);
  g_assert_no_error (error);
  store->root = g_build_filename (store->tmp, "store", NULL);
  store->dir = lab_data_dir_new (store->root);
  store->db = NULL;
}

void
lab_test_store_teardown (LabTestStore  *store,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&store->db);
  g_clear_object (&store->dir);

  /* Tests may have made folders read-only on purpose. */
  {
    g_autofree char *cmd = g_strdup_printf ("chmod -R u+rwX '%s'", store->tmp);
    g_assert_true (system (cmd) == 0);
  }
  lab_rm_rf (store->tmp, &error);
  g_assert_no_error (error);

  g_free (store->tmp);
  g_free (store->root);
}

LabDb *
lab_test_store_open (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;

  if (store->db == NULL)
    {
      store->db = lab_db_open (store->dir, LAB_DB_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_nonnull (store->db);
    }

  return store->db;
}

void
lab_test_store_add_demo (LabTestStore *store,
                         guint         sessions,
                         guint         messages_per_session,
                         guint32       seed)
{
  g_autoptr(GError) error = NULL;
  LabDemoOptions options;

  lab_demo_options_init (&options);
  options.n_sessions = sessions;
  options.messages_per_session = messages_per_session;
  options.seed = seed;

  lab_demo_generate (lab_test_store_open (store), &options, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/**
 * lab_test_add_session:
 * @json_extra: (nullable): more members, as a JSON object text
 */
void
lab_test_add_session (LabDb      *db,
                      const char *id,
                      const char *title,
                      const char *json_extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonNode) node = json_from_string (json_extra ? json_extra : "{}", &error);

  g_assert_no_error (error);
  row = json_object_ref (json_node_get_object (node));
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "title", title);
  if (!json_object_has_member (row, "created_at"))
    json_object_set_string_member (row, "created_at", "2026-01-01T10:00:00.000Z");
  if (!json_object_has_member (row, "updated_at"))
    json_object_set_string_member (row, "updated_at", "2026-01-01T10:00:00.000Z");
  if (!json_object_has_member (row, "last_activity_at"))
    json_object_set_string_member (row, "last_activity_at",
                                   json_object_get_string_member (row, "created_at"));

  lab_row_insert (db, lab_schema_get_table ("sessions"), row, FALSE, &error);
  g_assert_no_error (error);
}

void
lab_test_add_message (LabDb      *db,
                      const char *session_id,
                      gint64      sequence,
                      const char *role,
                      const char *author,
                      const char *content)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *id = g_strdup_printf ("%s-m%" G_GINT64_FORMAT, session_id, sequence);
  g_autofree char *created = g_strdup_printf ("2026-01-01T11:%02d:%02d.000Z",
                                              (int) (sequence / 60) % 60, (int) sequence % 60);

  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "session_id", session_id);
  json_object_set_int_member (row, "sequence", sequence);
  json_object_set_string_member (row, "created_at", created);
  json_object_set_string_member (row, "role", role);
  json_object_set_string_member (row, "author", author);
  json_object_set_string_member (row, "content", content);

  lab_row_insert (db, lab_schema_get_table ("messages"), row, FALSE, &error);
  g_assert_no_error (error);
}

/* FTS5's integrity-check with rank 1 also compares the index with the content
 * table, which is what "consistent" means for an external-content index. */
void
lab_test_assert_fts_ok (LabDb *db)
{
  g_autoptr(GError) error = NULL;

  lab_db_exec (db, "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
               &error);
  g_assert_no_error (error);
  lab_db_exec (db, "INSERT INTO sessions_fts (sessions_fts, rank) VALUES ('integrity-check', 1)",
               &error);
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
digest_tree (GChecksum  *sum,
             const char *path,
             const char *relative)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;

  g_checksum_update (sum, (const guchar *) relative, strlen (relative) + 1);
  g_checksum_update (sum, (const guchar *) &st.st_mode, sizeof st.st_mode);

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
          g_autofree char *rel = g_build_filename (relative, names->pdata[i], NULL);

          digest_tree (sum, child, rel);
        }
    }
  else if (S_ISREG (st.st_mode))
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &contents, &len, NULL))
        g_checksum_update (sum, (const guchar *) contents, len);
    }
}

/**
 * lab_test_tree_digest:
 *
 * Returns: (transfer full): a SHA-256 over the names, modes and contents of
 *   everything at or below @path, to prove that an operation changed nothing
 */
char *
lab_test_tree_digest (const char *path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  digest_tree (sum, path, ".");
  return g_strdup (g_checksum_get_string (sum));
}

static void
drop_to_nobody (gpointer user_data)
{
  /* 65534 is nobody/nogroup on Debian. */
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

/**
 * lab_test_run_cli_argv:
 * @argv: arguments after the program name
 * @stdin_text: (nullable): what the program reads on stdin
 * @as_nobody: run as the unprivileged user nobody (the tests run as root in CI,
 *   and root ignores file permissions)
 *
 * Runs the real labdata-cli (path in $LABDATA_CLI).
 */
LabTestRun *
lab_test_run_cli_argv (const char * const *argv,
                       const char         *stdin_text,
                       gboolean            as_nobody)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  LabTestRun *run = g_new0 (LabTestRun, 1);
  const char *cli = g_getenv ("LABDATA_CLI");
  g_autofree char *copy_dir = NULL;
  g_autofree char *copy = NULL;

  g_assert_nonnull (cli);

  if (as_nobody)
    {
      /* The build tree may sit in a folder nobody cannot enter (/root is 0700):
       * run a copy of the binary from a folder everyone can read. */
      g_autoptr(GFile) src = g_file_new_for_path (cli);
      g_autoptr(GFile) dest = NULL;

      copy_dir = g_dir_make_tmp ("labdata-cli-XXXXXX", &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (copy_dir, 0755), ==, 0);
      copy = g_build_filename (copy_dir, "labdata-cli", NULL);
      dest = g_file_new_for_path (copy);
      g_file_copy (src, dest, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (copy, 0755), ==, 0);
      cli = copy;
    }

  g_ptr_array_add (args, (gpointer) cli);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "LABDATA_DIR");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (as_nobody)
    g_subprocess_launcher_set_child_setup (launcher, drop_to_nobody, NULL, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (proc, stdin_text ? stdin_text : "", NULL,
                                 &run->out, &run->err, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);

  if (g_test_verbose ())
    g_test_message ("labdata-cli exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);

  if (copy != NULL)
    {
      g_unlink (copy);
      g_rmdir (copy_dir);
    }

  return run;
}

LabTestRun *
lab_test_run_cli (const char *first_arg,
                  ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return lab_test_run_cli_argv ((const char * const *) args->pdata, NULL, FALSE);
}

void
lab_test_run_free (LabTestRun *run)
{
  if (run == NULL)
    return;

  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

/**
 * lab_test_parse_json:
 * @text: what a command printed with --json
 *
 * Returns: (transfer full): @text parsed; the test fails if it is not JSON
 */
JsonNode *
lab_test_parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/**
 * lab_test_parse_object:
 * @text: what a command printed with --json
 *
 * Returns: (transfer full): @text parsed; the test fails if it is not a JSON
 *   object
 */
JsonObject *
lab_test_parse_object (const char *text)
{
  g_autoptr(JsonNode) node = lab_test_parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}
