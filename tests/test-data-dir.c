/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lab-data-dir.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-fixtures.h"
#include "lab-test-util.h"

/*
 * Resolution of the data directory: --data-dir, $LABDATA_DIR, the location
 * file a move of the data directory writes, then $XDG_DATA_HOME/labdata.
 * main() points $XDG_CONFIG_HOME and $XDG_DATA_HOME at a folder of this test
 * program's own (GLib reads them once), so that it never sees or changes the
 * location file of anyone else.
 */

static char *tmp_root;

static void
write_raw_location (const char *contents)
{
  g_autofree char *path = lab_data_dir_get_location_file ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_default_and_order (void)
{
  g_autofree char *xdg = g_build_filename (g_get_user_data_dir (), "labdata", NULL);
  g_autofree char *moved = g_build_filename (tmp_root, "moved", NULL);
  g_autoptr(LabDataDir) none = NULL;
  g_autoptr(LabDataDir) located = NULL;
  g_autoptr(LabDataDir) from_env = NULL;
  g_autoptr(LabDataDir) from_option = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *read = NULL;

  g_unsetenv (LAB_DATA_DIR_ENV);
  g_assert_true (lab_data_dir_clear_location (&error));
  g_assert_no_error (error);

  none = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (none), ==, xdg);
  g_assert_cmpint (lab_data_dir_get_origin (none), ==, LAB_DATA_DIR_ORIGIN_DEFAULT);
  read = lab_data_dir_read_location (&error);
  g_assert_no_error (error);
  g_assert_null (read);

  /* The location file comes after the option and the environment. */
  g_assert_true (lab_data_dir_write_location (moved, &error));
  g_assert_no_error (error);
  located = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (located), ==, moved);
  g_assert_cmpint (lab_data_dir_get_origin (located), ==, LAB_DATA_DIR_ORIGIN_LOCATION_FILE);
  {
    g_autofree char *root = lab_data_dir_default_root ();

    g_assert_cmpstr (root, ==, moved);
  }

  g_setenv (LAB_DATA_DIR_ENV, "/tmp/from-env", TRUE);
  from_env = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (from_env), ==, "/tmp/from-env");
  g_assert_cmpint (lab_data_dir_get_origin (from_env), ==, LAB_DATA_DIR_ORIGIN_ENV);

  from_option = lab_data_dir_resolve ("/tmp/from-option");
  g_assert_cmpstr (lab_data_dir_get_root (from_option), ==, "/tmp/from-option");
  g_assert_cmpint (lab_data_dir_get_origin (from_option), ==, LAB_DATA_DIR_ORIGIN_EXPLICIT);
  g_unsetenv (LAB_DATA_DIR_ENV);

  /* Cleared, the default place is back. */
  g_assert_true (lab_data_dir_clear_location (&error));
  g_assert_true (lab_data_dir_clear_location (&error));
  g_assert_no_error (error);
  g_clear_object (&none);
  none = lab_data_dir_resolve (NULL);
  g_assert_cmpstr (lab_data_dir_get_root (none), ==, xdg);
}

static void
test_file_format (void)
{
  g_autofree char *path = lab_data_dir_get_location_file ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *contents = NULL;
  g_autofree char *read = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  struct stat st;

  /* One absolute path on one line, private, written without leftovers. */
  g_assert_true (lab_data_dir_write_location ("/media/lab disk/labdata ", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "/media/lab disk/labdata \n");
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "location");

  /* Its white space is part of the path; its line break is not. */
  read = lab_data_dir_read_location (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (read, ==, "/media/lab disk/labdata ");

  /* A hand edit with CR LF works too. */
  write_raw_location ("/srv/labdata\r\n");
  g_clear_pointer (&read, g_free);
  read = lab_data_dir_read_location (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (read, ==, "/srv/labdata");

  /* A path with a line break cannot be recorded. */
  g_assert_false (lab_data_dir_write_location ("/a\nb", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&read, g_free);
  read = lab_data_dir_read_location (&error);
  g_assert_cmpstr (read, ==, "/srv/labdata");

  lab_data_dir_clear_location (NULL);
}

static void
test_damaged_file (void)
{
  static const char * const bad[] = { "", "\n", "relative/path\n", "/a\n/b\n", "/bad\xff\n" };
  g_autofree char *xdg = g_build_filename (g_get_user_data_dir (), "labdata", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabDataDir) dir = NULL;
      g_autofree char *read = NULL;

      write_raw_location (bad[i]);
      read = lab_data_dir_read_location (&error);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
      g_assert_null (read);

      /* Not written by LabData (it writes atomically): the default is used. */
      dir = lab_data_dir_resolve (NULL);
      g_assert_cmpstr (lab_data_dir_get_root (dir), ==, xdg);
      g_assert_cmpint (lab_data_dir_get_origin (dir), ==, LAB_DATA_DIR_ORIGIN_DEFAULT);
    }

  lab_data_dir_clear_location (NULL);
}

static void
test_missing_target (void)
{
  g_autofree char *gone = g_build_filename (tmp_root, "unmounted-disk", "labdata", NULL);
  g_autoptr(LabDataDir) dir = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) error = NULL;

  /* A moved store on a disk that is not mounted must not be replaced by a
   * new, empty store in its place. */
  g_assert_true (lab_data_dir_write_location (gone, &error));
  dir = lab_data_dir_resolve (NULL);
  g_assert_cmpint (lab_data_dir_get_origin (dir), ==, LAB_DATA_DIR_ORIGIN_LOCATION_FILE);

  g_assert_false (lab_data_dir_ensure (dir, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "location"));
  g_clear_error (&error);

  db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_null (db);
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* The same path given explicitly is a new store, as always. */
  {
    g_autoptr(LabDataDir) explicit = lab_data_dir_new (gone);

    g_assert_true (lab_data_dir_ensure (explicit, &error));
    g_assert_no_error (error);
  }

  lab_data_dir_clear_location (NULL);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  tmp_root = lab_fixture_private_home ("data-dir");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labdata/store/data-dir/location/order", test_default_and_order);
  g_test_add_func ("/labdata/store/data-dir/location/format", test_file_format);
  g_test_add_func ("/labdata/store/data-dir/location/damaged", test_damaged_file);
  g_test_add_func ("/labdata/store/data-dir/location/missing-target", test_missing_target);

  ret = g_test_run ();

  lab_rm_rf (tmp_root, NULL);
  g_free (tmp_root);
  return ret;
}
