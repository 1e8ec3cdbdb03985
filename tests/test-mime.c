/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lab-archive.h"
#include "lab-fileutil.h"

/*
 * data/labdata-mime.xml makes *.labdata files application/x-labdata-archive,
 * a kind of ZIP, with its own icon. The type is installed into a private
 * XDG data folder and compiled there by update-mime-database, as
 * gnome.post_install() does on a real install; GIO then reads it from there.
 */

static char *tmp;

static void
test_content_type (void)
{
  static const char zip_start[] = "PK\x03\x04\x14\x00\x08\x00";
  g_autofree char *type = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GIcon) icon = NULL;
  const char * const *names;
  gboolean uncertain = TRUE;

  type = g_content_type_guess ("export_20261122_101500.labdata", (const guchar *) zip_start,
                               sizeof zip_start - 1, &uncertain);
  g_assert_cmpstr (type, ==, LAB_ARCHIVE_MIME_TYPE);
  g_assert_true (g_content_type_is_a (type, "application/zip"));
  g_assert_true (g_content_type_is_mime_type (type, LAB_ARCHIVE_MIME_TYPE));

  description = g_content_type_get_description (type);
  g_assert_cmpstr (description, ==, "LabData archive");

  icon = g_content_type_get_icon (type);
  g_assert_true (G_IS_THEMED_ICON (icon));
  names = g_themed_icon_get_names (G_THEMED_ICON (icon));
  g_assert_cmpstr (names[0], ==, "application-x-labdata-archive");

  /* Another ZIP stays a ZIP. */
  g_free (type);
  type = g_content_type_guess ("report.zip", (const guchar *) zip_start, sizeof zip_start - 1, NULL);
  g_assert_false (g_content_type_equals (type, LAB_ARCHIVE_MIME_TYPE));
}

static void
test_icon (void)
{
  g_autofree char *icon = g_build_filename (g_getenv ("LABDATA_SOURCE_DIR"), "data", "icons", "hicolor",
                                            "scalable", "mimetypes", "application-x-labdata-archive.svg",
                                            NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (icon, &contents, NULL, NULL));
  g_assert_nonnull (g_strstr_len (contents, -1, "<svg"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packages = NULL;
  g_autofree char *mime = NULL;
  g_autofree char *source = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *command = NULL;
  g_autofree char *program = NULL;
  g_autofree char *output = NULL;
  g_autofree char *errors = NULL;
  int status = 0;
  int ret;

  g_test_init (&argc, &argv, NULL);

  program = g_find_program_in_path ("update-mime-database");
  if (program == NULL)
    {
      g_test_skip ("update-mime-database is not installed");
      return 77;
    }

  /* Before GIO reads any MIME data: only the freedesktop types and ours. */
  tmp = g_dir_make_tmp ("labdata-mime-XXXXXX", &error);
  g_assert_no_error (error);
  mime = g_build_filename (tmp, "mime", NULL);
  packages = g_build_filename (mime, "packages", NULL);
  g_assert_cmpint (g_mkdir_with_parents (packages, 0700), ==, 0);

  source = g_build_filename (g_getenv ("LABDATA_SOURCE_DIR"), "data", "labdata-mime.xml", NULL);
  dest = g_build_filename (packages, "com.example.LabData.xml", NULL);
  {
    g_autofree char *contents = NULL;
    g_autofree char *freedesktop = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (dest, contents, length, NULL));
    g_assert_true (g_file_get_contents ("/usr/share/mime/packages/freedesktop.org.xml", &freedesktop,
                                        &length, NULL));
    g_free (dest);
    dest = g_build_filename (packages, "freedesktop.org.xml", NULL);
    g_assert_true (g_file_set_contents (dest, freedesktop, length, NULL));
  }

  /* Its notes go to the log, not into the TAP output. */
  command = g_strdup_printf ("update-mime-database '%s'", mime);
  g_assert_true (g_spawn_command_line_sync (command, &output, &errors, &status, &error));
  g_test_message ("update-mime-database: %s%s", output, errors);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_setenv ("XDG_DATA_DIRS", tmp, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);

  g_test_add_func ("/labdata/data/mime/content-type", test_content_type);
  g_test_add_func ("/labdata/data/mime/icon", test_icon);

  ret = g_test_run ();
  lab_rm_rf (tmp, NULL);
  g_free (tmp);
  return ret;
}
