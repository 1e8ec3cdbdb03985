/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import.h"

#include "fuzz-store.h"

LabTestStore fuzz_store;
char *fuzz_input;

/* The store every input meets: the corpus' session in another version, so
 * that conflicts happen, and a session of its own. */
static void
reset_store (void)
{
  g_autoptr(GError) error = NULL;
  LabDb *db = lab_test_store_open (&fuzz_store);

  lab_db_exec (db, "DELETE FROM sessions; DELETE FROM metrics; DELETE FROM snapshots;"
                   " DELETE FROM analytics; DELETE FROM brains;"
                   " DELETE FROM store_meta WHERE key LIKE 'import_copy:%'", &error);
  g_assert_no_error (error);
  lab_rm_rf (lab_data_dir_get_workspace_path (fuzz_store.dir), NULL);
  lab_rm_rf (lab_data_dir_get_backups_path (fuzz_store.dir), NULL);
  g_assert_true (lab_data_dir_ensure (fuzz_store.dir, NULL));

  lab_test_add_session (db, "arch-s1", "Already here", NULL);
  lab_test_add_message (db, "arch-s1", 1, "user", "Ada", "hello");
  lab_test_add_session (db, "existing", "Existing", NULL);
}

void
fuzz_store_init (void)
{
  lab_test_store_setup (&fuzz_store, NULL);
  fuzz_input = g_build_filename (fuzz_store.tmp, "input", NULL);
  reset_store ();
}

/* Imports fuzz_input; what previews is applied with the policy the last
 * byte of @data picks, checked, and the store reset. A refusal without a
 * message, or an apply failing inside SQLite after its preview passed, is
 * a bug: abort. */
void
fuzz_store_import (const uint8_t          *data,
                   size_t                  size,
                   const LabArchiveLimits *limits)
{
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  preview = lab_import_preview_load (lab_test_store_open (&fuzz_store), fuzz_input, limits, NULL, NULL, NULL,
                                     &error);
  if (preview == NULL)
    {
      if (error == NULL || error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return;
    }

  result = lab_import_preview_apply (preview, fuzz_store.db, (LabImportPolicy) (size ? data[size - 1] % 3 : 0),
                                     NULL, NULL, NULL, &error);
  if (result == NULL && (error == NULL || g_error_matches (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SQLITE)))
    abort ();

  lab_test_assert_fts_ok (fuzz_store.db);
  if (lab_db_query_int64 (fuzz_store.db, "SELECT count (*) FROM pragma_foreign_key_check", NULL) != 0)
    abort ();

  reset_store ();
}
