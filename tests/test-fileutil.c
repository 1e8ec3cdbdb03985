/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-test-util.h"

static void
test_safe_paths (void)
{
  const char *good[] = { "a", "a/b.txt", "uploaded_files/x y.png", "ünï/cödé", NULL };
  const char *bad[] = { "", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a\\b",
                        "a/\x01b", "a/..", NULL };

  for (guint i = 0; good[i] != NULL; i++)
    g_assert_true (lab_relative_path_is_safe (good[i]));
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *joined = lab_path_join_safe ("/root", bad[i], &error);

      g_assert_false (lab_relative_path_is_safe (bad[i]));
      g_assert_null (joined);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH);
    }
  g_assert_false (lab_relative_path_is_safe (NULL));
}

static void
test_replace_contents (LabTestStore  *store,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (store->tmp, "file.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) dir = NULL;
  struct stat st;
  guint n = 0;

  g_assert_true (lab_file_replace_contents (path, "one", -1, &error));
  g_assert_no_error (error);
  g_assert_true (lab_file_replace_contents (path, "two", -1, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "two");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* No temporary file is left behind. */
  dir = g_dir_open (store->tmp, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
}

static void
test_replace_fails_cleanly (LabTestStore  *store,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (store->tmp, "missing-dir", "file.json", NULL);

  g_assert_false (lab_file_replace_contents (path, "x", -1, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_copy_and_hash (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_build_filename (store->tmp, "src.bin", NULL);
  g_autofree char *dest = g_build_filename (store->tmp, "dest.bin", NULL);
  g_autofree char *sha_copy = NULL;
  g_autofree char *sha_file = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *big = g_malloc (3 * 1024 * 1024 + 17);
  goffset size = 0;

  for (gsize i = 0; i < 3 * 1024 * 1024 + 17; i++)
    big[i] = (char) (i * 31);
  g_assert_true (g_file_set_contents (src, big, 3 * 1024 * 1024 + 17, NULL));
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) big, 3 * 1024 * 1024 + 17);

  g_assert_true (lab_file_copy_atomic (src, dest, &sha_copy, NULL, &error));
  g_assert_no_error (error);
  sha_file = lab_file_sha256 (dest, &size, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (sha_copy, ==, expected);
  g_assert_cmpstr (sha_file, ==, expected);
  g_assert_cmpint (size, ==, 3 * 1024 * 1024 + 17);
}

static void
test_rm_rf_and_usage (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *top = g_build_filename (store->tmp, "tree", NULL);
  g_autofree char *deep = g_build_filename (top, "a", "b", NULL);
  g_autofree char *f1 = g_build_filename (top, "one.txt", NULL);
  g_autofree char *f2 = g_build_filename (deep, "two.txt", NULL);
  g_autofree char *outside = g_build_filename (store->tmp, "outside.txt", NULL);
  g_autofree char *link = g_build_filename (top, "link", NULL);
  guint64 n_files = 0;

  g_assert_true (lab_mkdir_private (deep, &error));
  g_assert_true (g_file_set_contents (f1, "12345", -1, NULL));
  g_assert_true (g_file_set_contents (f2, "123", -1, NULL));
  g_assert_true (g_file_set_contents (outside, "keep me", -1, NULL));
  g_assert_cmpint (symlink (outside, link), ==, 0);

  g_assert_cmpuint (lab_path_disk_usage (top, &n_files), ==, 8);
  g_assert_cmpuint (n_files, ==, 2);

  g_assert_true (lab_rm_rf (top, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (top, G_FILE_TEST_EXISTS));
  /* A symbolic link is removed, never followed. */
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_true (lab_rm_rf (top, &error));
}

static void
test_list_sorted (LabTestStore  *store,
                  gconstpointer  data)
{
  static const char * const names[] = { "b", "a", "B", "a.txt", "a-b", "ä" };
  static const char * const sorted[] = { "B", "a", "a-b", "a.txt", "b", "ä" };
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (store->tmp, names[i], NULL);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }

  /* Byte order, the same on every run and machine. */
  listed = lab_dir_list_sorted (store->tmp, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (sorted));
  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    g_assert_cmpstr (g_ptr_array_index (listed, i), ==, sorted[i]);

  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = lab_dir_list_sorted (store->root, &error);
  g_assert_null (listed);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_copy_unsynced (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_build_filename (store->tmp, "src.bin", NULL);
  g_autofree char *dest = g_build_filename (store->tmp, "dest.bin", NULL);
  g_autofree char *missing = g_build_filename (store->tmp, "missing.bin", NULL);
  g_autofree char *sha = NULL;
  g_autofree char *contents = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (src, "abc", -1, NULL));
  g_assert_true (lab_file_copy_unsynced (src, dest, &sha, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sha, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_true (g_file_get_contents (dest, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "abc");
  g_assert_cmpint (g_stat (dest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (lab_sync_filesystem (dest, &error));
  g_assert_no_error (error);

  /* It only makes new files: an existing one is left as it is. */
  g_assert_true (g_file_set_contents (src, "other", -1, NULL));
  g_assert_false (lab_file_copy_unsynced (src, dest, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_free (contents);
  g_assert_true (g_file_get_contents (dest, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "abc");

  /* A missing source leaves nothing behind. */
  g_assert_false (lab_file_copy_unsynced (missing, src, NULL, NULL, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labdata/store/fileutil/safe-paths", test_safe_paths);
  g_test_add ("/labdata/store/fileutil/replace-contents", LabTestStore, NULL,
              lab_test_store_setup, test_replace_contents, lab_test_store_teardown);
  g_test_add ("/labdata/store/fileutil/replace-fails-cleanly", LabTestStore, NULL,
              lab_test_store_setup, test_replace_fails_cleanly, lab_test_store_teardown);
  g_test_add ("/labdata/store/fileutil/copy-and-hash", LabTestStore, NULL,
              lab_test_store_setup, test_copy_and_hash, lab_test_store_teardown);
  g_test_add ("/labdata/store/fileutil/rm-rf-and-usage", LabTestStore, NULL,
              lab_test_store_setup, test_rm_rf_and_usage, lab_test_store_teardown);
  g_test_add ("/labdata/store/fileutil/copy-unsynced", LabTestStore, NULL,
              lab_test_store_setup, test_copy_unsynced, lab_test_store_teardown);
  g_test_add ("/labdata/store/fileutil/list-sorted", LabTestStore, NULL,
              lab_test_store_setup, test_list_sorted, lab_test_store_teardown);

  return g_test_run ();
}
