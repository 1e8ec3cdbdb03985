/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"

/*
 * libFuzzer target for what lies behind an archive's checksums: the input
 * becomes the members of a well-formed archive (manifest and checksums
 * right), so that mutations reach the line parser, the row validation, the
 * staging, the comparison with the store and the apply. Parts of the input
 * separated by the byte 0xFF are, in order, the JSON lines of each table
 * (sessions.jsonl, messages.jsonl, …) and then a workspace file of session
 * arch-s1. An input that starts with '{' is imported as a legacy JSON export
 * instead. See tests/fuzz/README.md.
 */

static LabTestStore store;
static char *input;

static void
reset_store (void)
{
  g_autoptr(GError) error = NULL;
  LabDb *db = lab_test_store_open (&store);

  lab_db_exec (db, "DELETE FROM sessions; DELETE FROM metrics; DELETE FROM snapshots;"
                   " DELETE FROM analytics; DELETE FROM brains;"
                   " DELETE FROM store_meta WHERE key LIKE 'import_copy:%'", &error);
  g_assert_no_error (error);
  lab_rm_rf (lab_data_dir_get_workspace_path (store.dir), NULL);
  lab_rm_rf (lab_data_dir_get_backups_path (store.dir), NULL);
  g_assert_true (lab_data_dir_ensure (store.dir, NULL));

  lab_test_add_session (db, "arch-s1", "Already here", NULL);
  lab_test_add_message (db, "arch-s1", 1, "user", "Ada", "hello");
  lab_test_add_session (db, "existing", "Existing", NULL);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  lab_test_store_setup (&store, NULL);
  input = g_build_filename (store.tmp, "input", NULL);
  reset_store ();
  return 0;
}

static void
write_archive (const uint8_t *data,
               size_t         size)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new ();
  const LabTableInfo *tables;
  guint n_tables;
  const uint8_t *part = data;
  const uint8_t *end = data + size;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i <= n_tables && part <= end; i++)
    {
      const uint8_t *next = memchr (part, 0xff, end - part);
      gsize length = (next ? next : end) - part;

      if (i < n_tables)
        {
          g_autofree char *name = g_strconcat (tables[i].name, ".jsonl", NULL);

          lab_test_archive_add (archive, name, (const char *) part, length);
        }
      else
        lab_test_archive_add (archive, "workspace/arch-s1/notes.md", (const char *) part, length);

      if (next == NULL)
        break;
      part = next + 1;
    }

  lab_test_archive_write (archive, input);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (size > 0 && data[0] == '{')
    {
      if (!g_file_set_contents (input, (const char *) data, size, NULL))
        abort ();
    }
  else
    write_archive (data, size);

  preview = lab_import_preview_load (lab_test_store_open (&store), input, NULL, NULL, NULL, NULL, &error);
  if (preview == NULL)
    {
      if (error == NULL || error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }

  result = lab_import_preview_apply (preview, store.db, (LabImportPolicy) (size ? data[size - 1] % 3 : 0),
                                     NULL, NULL, NULL, &error);
  if (result == NULL && (error == NULL || g_error_matches (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SQLITE)))
    abort ();

  lab_test_assert_fts_ok (store.db);
  if (lab_db_query_int64 (store.db, "SELECT count (*) FROM pragma_foreign_key_check", NULL) != 0)
    abort ();

  reset_store ();
  return 0;
}
