/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "lab-import.h"

/*
 * Helper of test-import-kill: imports ARCHIVE into DATA_DIR with POLICY, as
 * labdata-cli import does, so that the test can kill it at any moment.
 *
 *   lab-import-victim DATA_DIR ARCHIVE skip|replace|keep-both
 */
int
main (int    argc,
      char **argv)
{
  g_autoptr(LabDataDir) dir = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabImportPolicy policy;

  setlocale (LC_ALL, "");

  if (argc != 4 || !lab_import_policy_from_string (argv[3], &policy))
    {
      fprintf (stderr, "usage: lab-import-victim DATA_DIR ARCHIVE skip|replace|keep-both\n");
      return 2;
    }

  dir = lab_data_dir_new (argv[1]);
  db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, &error);
  if (db != NULL)
    preview = lab_import_preview_load (db, argv[2], NULL, NULL, NULL, NULL, &error);
  if (preview != NULL)
    result = lab_import_preview_apply (preview, db, policy, NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      fprintf (stderr, "lab-import-victim: %s\n", error->message);
      return 1;
    }

  return 0;
}
