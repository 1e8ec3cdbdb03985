/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-import.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"

/*
 * Every archive of the hostile corpus (lab-test-archive.c) is refused with a
 * clear error, and the data directory is exactly as it was: same files, same
 * bytes, no staging folder left behind.
 */

typedef struct
{
  LabTestStore store;
  char *archive;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lab_test_store_setup (&f->store, data);
  f->archive = g_build_filename (f->store.tmp, "hostile.labdata", NULL);

  /* A store with something in it, closed so that its files are at rest. */
  lab_test_add_session (lab_test_store_open (&f->store), "existing", "Already here", NULL);
  lab_test_add_message (f->store.db, "existing", 1, "user", "Ada", "hello");
  g_clear_object (&f->store.db);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->archive);
  lab_test_store_teardown (&f->store, data);
}

static void
assert_no_staging (Fixture *f)
{
  g_autofree char *data_path = g_build_filename (f->store.root, "data", NULL);
  g_autoptr(GDir) dir = g_dir_open (data_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".import-"));
}

/* Previews @f->archive, which must fail with @code and change nothing. */
static void
assert_refused (Fixture                *f,
                const LabArchiveLimits *limits,
                int                     code)
{
  g_autofree char *before = lab_test_tree_digest (f->store.root);
  g_autofree char *after = NULL;
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(GError) error = NULL;

  preview = lab_import_preview_load (lab_test_store_open (&f->store), f->archive, limits, NULL, NULL,
                                     NULL, &error);
  g_assert_null (preview);
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_error (error, LAB_STORE_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 10);

  g_clear_object (&f->store.db);
  after = lab_test_tree_digest (f->store.root);
  g_assert_cmpstr (before, ==, after);
  assert_no_staging (f);
}

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  const LabTestHostileCase *c = data;

  c->build (f->archive);
  assert_refused (f, NULL, c->code);
}

/* The corpus is built on the smallest valid archive: it must import. */
static void
test_valid_base (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabImportCounts counts;

  lab_test_archive_write (archive, f->archive);
  preview = lab_import_preview_load (lab_test_store_open (&f->store), f->archive, NULL, NULL, NULL,
                                     NULL, &error);
  g_assert_no_error (error);
  lab_import_preview_get_totals (preview, &counts);
  g_assert_cmpuint (counts.n_new, ==, 4);  /* session, message, file row, file */
  g_assert_cmpuint (counts.n_conflicting, ==, 0);

  result = lab_import_preview_apply (preview, f->store.db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lab_import_result_get_total (result), ==, 4);
  lab_test_assert_fts_ok (f->store.db);
}

/* Limits an archive must stay within, lowered to test them quickly. */
static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();
  g_autofree char *compressible = g_strnfill (100000, 'a');
  LabArchiveLimits limits;

  /* 100 kB that compress to almost nothing, for the ratio. */
  lab_test_archive_add (archive, "workspace/arch-s1/big.txt", compressible, -1);
  lab_test_archive_write (archive, f->archive);

  lab_archive_limits_init_default (&limits);
  limits.max_members = 5;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);

  lab_archive_limits_init_default (&limits);
  limits.max_line = 100;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);

  lab_archive_limits_init_default (&limits);
  limits.max_manifest_size = 100;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);

  lab_archive_limits_init_default (&limits);
  limits.max_name = 20;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);

  lab_archive_limits_init_default (&limits);
  limits.max_total_size = 100;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);

  lab_archive_limits_init_default (&limits);
  limits.ratio_floor = 0;
  limits.max_ratio = 1;
  assert_refused (f, &limits, LAB_STORE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  guint n_cases;
  const LabTestHostileCase *cases = lab_test_hostile_cases (&n_cases);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/import/hostile/valid-base", Fixture, NULL,
              fixture_setup, test_valid_base, fixture_teardown);
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strdup_printf ("/labdata/store/import/hostile/%s", cases[i].name);

      g_test_add (path, Fixture, &cases[i], fixture_setup, test_hostile, fixture_teardown);
    }
  g_test_add ("/labdata/store/import/hostile/limits", Fixture, NULL,
              fixture_setup, test_limits, fixture_teardown);

  return g_test_run ();
}
