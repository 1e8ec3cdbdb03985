/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lab-data-dir-move.h"
#include "lab-demo.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-fixtures.h"
#include "lab-test-util.h"

/*
 * Moving the data directory: everything is copied and verified before the
 * switch; the switch is the location file; the old copy goes only when asked;
 * a bad target or a failure changes nothing. main() gives this program its
 * own $XDG_CONFIG_HOME and $XDG_DATA_HOME (GLib reads them once), so the
 * default data directory is <tmp>/xdg-data/labdata.
 */

static char *tmp_root;

typedef struct
{
  char *tmp;
  char *old_root;
  LabDataDir *dir;
} Fixture;

static void
make_store (LabDataDir *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, &error);
  g_autofree char *backup = g_build_filename (lab_data_dir_get_backups_path (dir), "backup_20260101_020000.db", NULL);
  g_autofree char *archive = g_build_filename (lab_data_dir_get_archives_path (dir), "export_20260101_020000.labdata", NULL);
  g_autofree char *link = g_build_filename (lab_data_dir_get_logs_path (dir), "latest.log", NULL);
  g_autofree char *binary = lab_fixture_binary (70000);
  LabDemoOptions options;

  g_assert_no_error (error);
  lab_demo_options_init (&options);
  options.n_sessions = 6;
  options.messages_per_session = 12;
  options.seed = 5;
  lab_demo_generate (db, &options, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Something in every folder of the layout, and a link the copy keeps. */
  lab_fixture_write_file (backup, binary, 70000);
  lab_fixture_write_file (archive, binary + 10, 5000);
  g_assert_cmpint (symlink ("operations.jsonl", link), ==, 0);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("labdata-move-XXXXXX", &error);
  g_assert_no_error (error);
  g_unsetenv (LAB_DATA_DIR_ENV);
  lab_data_dir_clear_location (NULL);

  /* The default place, as a new user has it. */
  f->dir = lab_data_dir_resolve (NULL);
  f->old_root = g_strdup (lab_data_dir_get_root (f->dir));
  make_store (f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *cmd = g_strdup_printf ("chmod -R u+rwX '%s'", f->tmp);

  g_assert_true (system (cmd) == 0);
  lab_rm_rf (f->tmp, NULL);
  lab_rm_rf (f->old_root, NULL);
  lab_data_dir_clear_location (NULL);
  g_unsetenv (LAB_DATA_DIR_ENV);
  g_clear_object (&f->dir);
  g_free (f->old_root);
  g_free (f->tmp);
}

/* The tree without the database files, whose pages a copy may lay out
 * differently (the database is compared by its tables), and without the
 * operations log, which the move appends to. */
static char *
tree_without_db (const char *root)
{
  g_autofree char *copy = g_build_filename (tmp_root, "tree-copy", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s' && cp -a '%s' '%s' && rm -f '%s'/data/labdata.db* "
                                          "'%s'/logs/operations.jsonl", copy, root, copy, copy, copy);
  char *digest;

  g_assert_true (system (cmd) == 0);
  digest = lab_test_tree_digest (copy);
  lab_rm_rf (copy, NULL);

  return digest;
}

static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *new_root = g_build_filename (f->tmp, "new", "place", NULL);
  g_autofree char *tree_before = tree_without_db (f->old_root);
  g_autofree char *tables_before = NULL;
  g_autofree char *tree_after = NULL;
  g_autofree char *tables_after = NULL;
  g_autofree char *old_db = g_build_filename (f->old_root, "data", "labdata.db", NULL);
  g_autofree char *new_db = g_build_filename (new_root, "data", "labdata.db", NULL);
  g_autoptr(LabDataDir) moved = NULL;
  g_autoptr(LabDataDir) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(LabMoveResult) result = { 0 };
  struct stat st;

  tables_before = lab_fixture_tables_digest (old_db);
  moved = lab_data_dir_move (f->dir, new_root, LAB_MOVE_FLAGS_NONE, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_data_dir_get_root (moved), ==, new_root);
  g_assert_cmpuint (result.files, >, 8);
  g_assert_cmpuint (result.bytes, >, 75000);
  g_assert_true (result.location_switched);
  g_assert_false (result.env_overrides);
  g_assert_false (result.old_removed);
  g_assert_cmpuint (result.warnings->len, ==, 0);

  /* Everything is there, the same, and private; the link stays a link. */
  tables_after = lab_fixture_tables_digest (new_db);
  g_assert_cmpstr (tables_after, ==, tables_before);
  tree_after = tree_without_db (new_root);
  g_assert_cmpstr (tree_after, ==, tree_before);
  g_assert_cmpint (stat (new_db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (new_root, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* The switch: found without options; the old copy stays, untouched. */
  resolved = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (resolved), ==, new_root);
  g_assert_cmpint (lab_data_dir_get_origin (resolved), ==, LAB_DATA_DIR_ORIGIN_LOCATION_FILE);
  g_assert_true (g_file_test (old_db, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *old_tables = lab_fixture_tables_digest (old_db);

    g_assert_cmpstr (old_tables, ==, tables_before);
  }

  /* The moved store opens and is logged there. */
  {
    g_autoptr(LabDb) db = lab_db_open (resolved, LAB_DB_OPEN_NO_CREATE, &error);
    g_autofree char *oplog = g_build_filename (new_root, "logs", "operations.jsonl", NULL);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    lab_test_assert_fts_ok (db);
    g_assert_true (g_file_get_contents (oplog, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"operation\":\"move-data-dir\""));
  }

  /* Moved again, from the place the location file names: it follows. */
  {
    g_autofree char *third = g_build_filename (f->tmp, "third", NULL);
    g_autoptr(LabDataDir) again = NULL;
    g_autoptr(LabDataDir) now = NULL;
    g_auto(LabMoveResult) second = { 0 };

    again = lab_data_dir_move (resolved, third, LAB_MOVE_REMOVE_OLD, &second, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (second.location_switched);
    g_assert_true (second.old_removed);
    g_assert_false (g_file_test (new_root, G_FILE_TEST_EXISTS));
    now = lab_data_dir_resolve (NULL);
    g_assert_cmpstr (lab_data_dir_get_root (now), ==, third);
  }
}

static void
test_move_with_wal (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *new_root = g_build_filename (f->tmp, "new", NULL);
  g_autofree char *old_db = g_build_filename (f->old_root, "data", "labdata.db", NULL);
  g_autofree char *new_db = g_build_filename (new_root, "data", "labdata.db", NULL);
  g_autofree char *wal = g_strconcat (old_db, "-wal", NULL);
  g_autofree char *tables_before = NULL;
  g_autofree char *tables_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) writer = lab_db_open (f->dir, LAB_DB_OPEN_NO_CREATE, &error);
  g_autoptr(LabDb) reader = lab_db_open (f->dir, LAB_DB_OPEN_READ_ONLY, &error);
  g_autoptr(LabDataDir) moved = NULL;
  g_auto(LabMoveResult) result = { 0 };
  struct stat st;

  /* A reader holds an old snapshot, so the WAL cannot be emptied; a commit
   * made after it is only in the WAL, and must be in the copy. */
  g_assert_no_error (error);
  g_assert_true (lab_db_exec (reader, "BEGIN; SELECT count(*) FROM sessions", &error));
  lab_test_add_session (writer, "only-in-the-wal", "Committed after the reader began", NULL);
  g_assert_cmpint (stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);
  tables_before = lab_fixture_tables_digest (old_db);

  moved = lab_data_dir_move (f->dir, new_root, LAB_MOVE_FLAGS_NONE, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  tables_after = lab_fixture_tables_digest (new_db);
  g_assert_cmpstr (tables_after, ==, tables_before);

  lab_db_rollback (reader);
}

static void
test_move_not_default (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *other_root = g_build_filename (f->tmp, "other-store", NULL);
  g_autofree char *new_root = g_build_filename (f->tmp, "other-moved", NULL);
  g_autoptr(LabDataDir) other = lab_data_dir_new (other_root);
  g_autoptr(LabDataDir) moved = NULL;
  g_autoptr(LabDataDir) resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(LabMoveResult) result = { 0 };

  /* A store named with --data-dir moves, but the default stays. */
  make_store (other);
  moved = lab_data_dir_move (other, new_root, LAB_MOVE_REMOVE_OLD, &result, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (result.location_switched);
  g_assert_true (result.old_removed);
  g_assert_false (g_file_test (other_root, G_FILE_TEST_EXISTS));

  resolved = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (resolved), ==, f->old_root);

  /* $LABDATA_DIR naming the old place: moved and recorded, but said. */
  {
    g_autofree char *env_root = g_build_filename (f->tmp, "env-store", NULL);
    g_autofree char *env_new = g_build_filename (f->tmp, "env-moved", NULL);
    g_autoptr(LabDataDir) env_dir = NULL;
    g_autoptr(LabDataDir) env_moved = NULL;
    g_auto(LabMoveResult) env_result = { 0 };

    g_setenv (LAB_DATA_DIR_ENV, env_root, TRUE);
    env_dir = lab_data_dir_resolve (NULL);
    make_store (env_dir);
    env_moved = lab_data_dir_move (env_dir, env_new, LAB_MOVE_FLAGS_NONE, &env_result, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (env_result.location_switched);
    g_assert_true (env_result.env_overrides);
    g_unsetenv (LAB_DATA_DIR_ENV);
  }
}

static void
test_bad_targets (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *tables_before = NULL;
  g_autofree char *tree_before = NULL;
  g_autofree char *old_db = g_build_filename (f->old_root, "data", "labdata.db", NULL);
  g_autofree char *busy = g_build_filename (f->tmp, "busy", NULL);
  g_autofree char *busy_file = g_build_filename (busy, "something.txt", NULL);
  g_autofree char *plain_file = g_build_filename (f->tmp, "a-file", NULL);
  g_autofree char *under_file = g_build_filename (plain_file, "sub", NULL);
  g_autofree char *inside = g_build_filename (f->old_root, "data", "moved", NULL);
  g_autofree char *parent = g_path_get_dirname (f->old_root);
  g_autofree char *no_store_root = g_build_filename (f->tmp, "no-store", NULL);
  struct
  {
    const char *target;
    int code;
  } cases[] = {
    { busy, LAB_STORE_ERROR_INVALID },
    { plain_file, LAB_STORE_ERROR_INVALID },
    { under_file, LAB_STORE_ERROR_FAILED },
    { inside, LAB_STORE_ERROR_INVALID },
    { parent, LAB_STORE_ERROR_INVALID },
    { f->old_root, LAB_STORE_ERROR_INVALID },
  };

  lab_fixture_write_file (busy_file, "keep me\n", -1);
  lab_fixture_write_file (plain_file, "a file\n", -1);
  tables_before = lab_fixture_tables_digest (old_db);
  tree_before = lab_test_tree_digest (f->tmp);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(LabMoveResult) result = { 0 };
      g_autoptr(LabDataDir) moved = NULL;
      g_autoptr(LabDataDir) resolved = NULL;
      g_autofree char *tree_after = NULL;

      moved = lab_data_dir_move (f->dir, cases[i].target, LAB_MOVE_REMOVE_OLD, &result, NULL, NULL,
                                 NULL, &error);
      g_assert_null (moved);
      g_assert_nonnull (error);
      g_assert_true (error->domain == LAB_STORE_ERROR);
      if (cases[i].code != LAB_STORE_ERROR_FAILED)
        g_assert_cmpint (error->code, ==, cases[i].code);

      /* Nothing changed anywhere, and the default did not move. */
      tree_after = lab_test_tree_digest (f->tmp);
      g_assert_cmpstr (tree_after, ==, tree_before);
      resolved = lab_data_dir_resolve (NULL);
      g_assert_cmpstr (lab_data_dir_get_root (resolved), ==, f->old_root);
      {
        g_autofree char *tables = lab_fixture_tables_digest (old_db);

        g_assert_cmpstr (tables, ==, tables_before);
      }
    }

  /* A folder with no store has nothing to move. */
  {
    g_autoptr(LabDataDir) empty = lab_data_dir_new (no_store_root);
    g_auto(LabMoveResult) result = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(LabDataDir) moved = lab_data_dir_move (empty, busy, LAB_MOVE_FLAGS_NONE, &result, NULL,
                                                     NULL, NULL, &error);

    g_assert_null (moved);
    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_locked_store (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *new_root = g_build_filename (f->tmp, "new", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) writer = lab_db_open (f->dir, LAB_DB_OPEN_NO_CREATE, &error);
  g_autoptr(LabDataDir) moved = NULL;
  g_auto(LabMoveResult) result = { 0 };

  /* Another program is in the middle of writing. */
  g_assert_no_error (error);
  g_assert_true (lab_db_begin (writer, &error));

  moved = lab_data_dir_move (f->dir, new_root, LAB_MOVE_FLAGS_NONE, &result, NULL, NULL, NULL, &error);
  g_assert_null (moved);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_assert_false (g_file_test (new_root, G_FILE_TEST_EXISTS));
  lab_db_rollback (writer);
}

static void
cancel_cb (double      fraction,
           const char *message,
           gpointer    user_data)
{
  if (message != NULL && g_str_equal (message, "Copying files"))
    g_cancellable_cancel (user_data);
}

static void
test_cancel_and_empty_target (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *empty = g_build_filename (f->tmp, "empty-target", NULL);
  g_autofree char *fresh = g_build_filename (f->tmp, "a", "b", "c", NULL);
  g_autofree char *fresh_top = g_build_filename (f->tmp, "a", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LabDataDir) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(LabMoveResult) result = { 0 };
  g_autoptr(GDir) dir = NULL;

  /* An existing empty folder may be the target; cancelled, it is empty again. */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  moved = lab_data_dir_move (f->dir, empty, LAB_MOVE_REMOVE_OLD, &result, cancel_cb, cancellable,
                             cancellable, &error);
  g_assert_null (moved);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_test (empty, G_FILE_TEST_IS_DIR));
  dir = g_dir_open (empty, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
  g_assert_true (lab_data_dir_exists (f->dir));
  g_clear_error (&error);
  lab_move_result_clear (&result);

  /* Folders made on the way are removed too. */
  g_cancellable_reset (cancellable);
  moved = lab_data_dir_move (f->dir, fresh, LAB_MOVE_FLAGS_NONE, &result, cancel_cb, cancellable,
                             cancellable, &error);
  g_assert_null (moved);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (fresh_top, G_FILE_TEST_EXISTS));
}

static void
move_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LabDataDir **moved = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(LabMoveResult) move_result = { 0 };

  *moved = lab_data_dir_move_finish (result, &move_result, &error);
  g_assert_no_error (error);
  g_assert_true (move_result.location_switched);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *new_root = g_build_filename (f->tmp, "async", NULL);
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_autoptr(LabDataDir) moved = NULL;

  lab_data_dir_move_async (f->dir, new_root, LAB_MOVE_FLAGS_NONE, progress, NULL, move_done_cb, &moved);
  while (moved == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (lab_data_dir_get_root (moved), ==, new_root);
  while (lab_progress_get_fraction (progress) < 1.0)
    g_main_context_iteration (NULL, TRUE);
}

/* What the GUI asks before a move, and removing the old copy afterwards:
 * the plan names the right place and refuses what the move would; removal
 * refuses anything but an old store apart from the one in use. */
static void
test_plan_and_remove_old (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMovePlan) plan = NULL;
  g_autoptr(LabMovePlan) busy = NULL;
  g_autoptr(LabMovePlan) inside = NULL;
  g_autoptr(LabDataDir) moved = NULL;
  g_auto(LabMoveResult) result = { 0 };
  g_autofree char *empty = g_build_filename (f->tmp, "empty", NULL);
  g_autofree char *full = g_build_filename (f->tmp, "full", NULL);
  g_autofree char *full_file = g_build_filename (full, "notes.txt", NULL);
  g_autofree char *into_full = g_build_filename (full, "labdata", NULL);
  g_autofree char *inside_old = g_build_filename (f->old_root, "sub", NULL);
  g_autofree char *tree_before = lab_test_tree_digest (f->old_root);

  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (full, 0700), ==, 0);
  lab_fixture_write_file (full_file, "keep me", -1);

  /* An empty folder is used as it is; a folder with things gets labdata/. */
  plan = lab_data_dir_move_plan (f->dir, empty, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plan->new_root, ==, empty);
  g_assert_cmpuint (plan->size, >, 70000);
  g_assert_cmpuint (plan->free_space, >, 0);
  busy = lab_data_dir_move_plan (f->dir, full, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (busy->new_root, ==, into_full);

  /* Inside itself, or itself: refused, nothing written. */
  inside = lab_data_dir_move_plan (f->dir, inside_old, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_assert_null (inside);
  g_clear_error (&error);
  g_assert_null (lab_data_dir_move_plan (f->dir, f->old_root, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autofree char *tree = lab_test_tree_digest (f->old_root);

    g_assert_cmpstr (tree, ==, tree_before);
  }

  moved = lab_data_dir_move (f->dir, plan->new_root, LAB_MOVE_FLAGS_NONE, &result, NULL, NULL,
                             NULL, &error);
  g_assert_no_error (error);

  /* Not the folder in use, not one that holds no store. */
  g_assert_false (lab_data_dir_remove_old (moved, plan->new_root, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_data_dir_remove_old (moved, full, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (g_file_test (full_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lab_data_dir_get_db_path (moved), G_FILE_TEST_EXISTS));

  /* The old copy, asked for afterwards. */
  g_assert_true (g_file_test (f->old_root, G_FILE_TEST_IS_DIR));
  g_assert_true (lab_data_dir_remove_old (moved, f->old_root, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->old_root, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  tmp_root = lab_fixture_private_home ("move");

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/move-data-dir/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("move", test_move);
  ADD ("with-wal", test_move_with_wal);
  ADD ("not-the-default", test_move_not_default);
  ADD ("bad-targets", test_bad_targets);
  ADD ("locked-store", test_locked_store);
  ADD ("cancel", test_cancel_and_empty_target);
  ADD ("async", test_async);
  ADD ("plan-and-remove-old", test_plan_and_remove_old);

  ret = g_test_run ();

  lab_rm_rf (tmp_root, NULL);
  g_free (tmp_root);
  return ret;
}
