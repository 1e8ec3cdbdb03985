/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-test-util.h"

/*
 * libFuzzer target for the importer: each input is written to a file and
 * imported into a small store, as a .labdata archive or a legacy JSON export
 * (lab_import_preview_load() tells them apart). An input that previews is
 * applied with the policy its last byte picks, and the store is then reset,
 * so that every input meets the same store. See tests/fuzz/README.md.
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

  /* The corpus' session is here in another version: conflicts happen. */
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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabArchiveLimits limits;

  if (!g_file_set_contents (input, (const char *) data, size, NULL))
    abort ();

  /* The default limits, but nothing that fills the disk of a long run. */
  lab_archive_limits_init_default (&limits);
  limits.max_total_size = 64 * 1024 * 1024;

  preview = lab_import_preview_load (lab_test_store_open (&store), input, &limits, NULL, NULL, NULL, &error);
  if (preview == NULL)
    {
      /* Refusing is fine; refusing without a reason is not. */
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
