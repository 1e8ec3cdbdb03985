/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "lab-test-archive.h"

/*
 * Writes the fuzzers' seeds: for fuzz-import, the valid archive, every case
 * of the hostile corpus and a legacy JSON export into FOLDER/import; for
 * fuzz-rows, the members of the valid archive (separated by 0xFF) and the
 * legacy export into FOLDER/rows.
 *
 *   lab-make-corpus FOLDER
 */

static const char legacy[] =
  "{\"version\": 1, \"exportedAt\": 1767261600000,"
  " \"sessions\": [{\"id\": \"arch-s1\", \"state\": \"inactive\", \"title\": \"T\","
  " \"participants\": [\"p\"], \"keywords\": [\"k\"], \"createdAt\": 1767000000000,"
  " \"chatLogId\": \"log\"}],"
  " \"chatLogs\": [{\"id\": \"log\", \"messages\": [{\"id\": \"m\", \"senderId\": \"p\","
  " \"content\": \"hi\", \"timestamp\": 1767000001000, \"type\": \"user\","
  " \"metadata\": {\"images\": []}}]}],"
  " \"brains\": [{\"entityId\": \"b\", \"model\": \"m\"}]}\n";
int
main (int    argc,
      char **argv)
{
  g_autoptr(LabTestArchive) valid = lab_test_archive_new_valid ();
  g_autofree char *valid_path = NULL;
  g_autofree char *legacy_path = NULL;
  guint n_cases;
  const LabTestHostileCase *cases = lab_test_hostile_cases (&n_cases);

  if (argc != 2)
    {
      fprintf (stderr, "usage: lab-make-corpus FOLDER\n");
      return 2;
    }

  g_autofree char *import_dir = g_build_filename (argv[1], "import", NULL);
  g_autofree char *rows_dir = g_build_filename (argv[1], "rows", NULL);
  g_autoptr(GByteArray) rows = g_byte_array_new ();

  g_mkdir_with_parents (import_dir, 0755);
  g_mkdir_with_parents (rows_dir, 0755);
  valid_path = g_build_filename (import_dir, "valid.labdata", NULL);
  lab_test_archive_write (valid, valid_path);

  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *name = g_strconcat (cases[i].name, ".labdata", NULL);
      g_autofree char *path = g_build_filename (import_dir, name, NULL);

      /* The bomb is 100 kB of seed that only teaches the ratio check. */
      if (g_str_equal (cases[i].name, "zip-bomb"))
        continue;
      cases[i].build (path);
    }

  legacy_path = g_build_filename (import_dir, "legacy.json", NULL);
  g_file_set_contents (legacy_path, legacy, -1, NULL);

  /* fuzz-rows: the valid archive's members, tables then the file. */
  for (guint i = 0; i < valid->members->len; i++)
    {
      LabTestMember *member = g_ptr_array_index (valid->members, i);
      gsize size;
      const guint8 *data = g_bytes_get_data (member->data, &size);

      if (i > 0)
        g_byte_array_append (rows, (const guint8 *) "\xff", 1);
      g_byte_array_append (rows, data, size);
    }
  {
    g_autofree char *path = g_build_filename (rows_dir, "valid", NULL);
    g_autofree char *legacy_rows = g_build_filename (rows_dir, "legacy.json", NULL);

    g_file_set_contents (path, (const char *) rows->data, rows->len, NULL);
    g_file_set_contents (legacy_rows, legacy, -1, NULL);
  }

  printf ("wrote the seeds of fuzz-import to %s and of fuzz-rows to %s\n", import_dir, rows_dir);
  return 0;
}
