/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-backup-test-util.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-fileutil.h"

/* Retention: older than the configured days goes, but the newest good ones
 * and the pinned ones stay. */

#define DAY (G_USEC_PER_SEC * (gint64) 86400)

static gint64 now;

/* Makes one backup per age (in days), oldest first; returns their names. */
static GPtrArray *
make_backups (LabTestStore *store,
              const int    *ages,
              guint         n_ages)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  lab_test_store_open (store);
  if (now == 0)
    now = g_get_real_time ();

  for (guint i = 0; i < n_ages; i++)
    {
      g_autofree char *file = g_strdup_printf ("s%u/day-%d.txt", i, ages[i]);
      char *name;

      /* Each backup has an object of its own. */
      lab_backup_test_write_file (store, file, file);
      name = lab_backup_test_create (store, LAB_BACKUP_KIND_AUTO);
      lab_backup_test_set_created (store, name, now - ages[i] * DAY);
      g_ptr_array_add (names, name);
    }

  return names;
}

static LabConfig *
config_with (LabTestStore *store,
             gint64        days,
             gint64        keep_min)
{
  g_autoptr(GError) error = NULL;
  LabConfig *config = lab_config_load (store->dir, &error);

  g_assert_no_error (error);
  lab_config_set_int (config, LAB_CONFIG_BACKUP_DAYS, days, &error);
  lab_config_set_int (config, LAB_CONFIG_BACKUP_KEEP_MIN, keep_min, &error);
  g_assert_no_error (error);
  return config;
}

/* The names in @plan, oldest first, joined by spaces, as indexes in @names. */
static char *
plan_indexes (GPtrArray *plan,
              GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < plan->len; i++)
    {
      guint index;

      g_assert_true (g_ptr_array_find_with_equal_func (names,
                                                       lab_backup_info_get_name (plan->pdata[i]),
                                                       g_str_equal, &index));
      g_string_append_printf (out, "%s%u", out->len ? " " : "", index);
    }

  return g_string_free (out, FALSE);
}

static char *
planned (LabTestStore *store,
         LabConfig    *config,
         GPtrArray    *names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = lab_backup_retention_plan (store->dir, config, now, NULL, &error);

  g_assert_no_error (error);
  return plan_indexes (plan, names);
}

static void
test_age (LabTestStore  *store,
          gconstpointer  data)
{
  const int ages[] = { 40, 35, 31, 20, 10, 1 };
  g_autoptr(GPtrArray) names = make_backups (store, ages, G_N_ELEMENTS (ages));
  g_autoptr(LabConfig) config = config_with (store, 30, 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = planned (store, config, names);

  g_assert_cmpstr (plan, ==, "0 1 2");

  /* A shorter retention reaches further, but never below the newest three. */
  lab_config_set_int (config, LAB_CONFIG_BACKUP_DAYS, 5, &error);
  g_free (plan);
  plan = planned (store, config, names);
  g_assert_cmpstr (plan, ==, "0 1 2");
  lab_config_set_int (config, LAB_CONFIG_BACKUP_KEEP_MIN, 1, &error);
  g_free (plan);
  plan = planned (store, config, names);
  g_assert_cmpstr (plan, ==, "0 1 2 3 4");
}

static void
test_keep_newest (LabTestStore  *store,
                  gconstpointer  data)
{
  const int ages[] = { 100, 90, 80, 70 };
  g_autoptr(GPtrArray) names = make_backups (store, ages, G_N_ELEMENTS (ages));
  g_autoptr(LabConfig) config = config_with (store, 30, 3);
  g_autofree char *plan = planned (store, config, names);

  /* All are old; the newest three stay anyway. */
  g_assert_cmpstr (plan, ==, "0");
}

static void
test_pinned (LabTestStore  *store,
             gconstpointer  data)
{
  const int ages[] = { 100, 90, 80, 70, 60 };
  g_autoptr(GPtrArray) names = make_backups (store, ages, G_N_ELEMENTS (ages));
  g_autoptr(LabConfig) config = config_with (store, 30, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;

  g_assert_true (lab_backup_set_pinned (store->dir, names->pdata[0], TRUE, &error));
  g_assert_true (lab_backup_set_pinned (store->dir, names->pdata[2], TRUE, &error));
  g_assert_no_error (error);
  plan = planned (store, config, names);
  g_assert_cmpstr (plan, ==, "1 3");
}

static void
test_damaged_do_not_count (LabTestStore  *store,
                           gconstpointer  data)
{
  const int ages[] = { 100, 90, 80, 70, 2 };
  g_autoptr(GPtrArray) names = make_backups (store, ages, G_N_ELEMENTS (ages));
  g_autoptr(LabConfig) config = config_with (store, 30, 3);
  g_autofree char *plan = NULL;

  /* The three newest are damaged (two old, one recent): the newest three
   * good ones are 100, 90 and nothing else, so both stay; the old damaged
   * ones go; the recent damaged one stays for its age. */
  for (guint i = 2; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabBackupInfo) info = lab_backup_get (store->dir, names->pdata[i], &error);
      g_autoptr(LabBackupInfo) verified = NULL;

      lab_backup_test_flip_byte (lab_backup_info_get_path (info), 200);
      verified = lab_backup_verify (store->dir, names->pdata[i], NULL, NULL, NULL, &error);
      g_assert_true (lab_backup_info_get_damaged (verified));
    }

  plan = planned (store, config, names);
  g_assert_cmpstr (plan, ==, "2 3");
}

static void
test_plan_changes_nothing_prune_applies (LabTestStore  *store,
                                         gconstpointer  data)
{
  const int ages[] = { 50, 45, 40, 3, 2, 1 };
  g_autoptr(GPtrArray) names = make_backups (store, ages, G_N_ELEMENTS (ages));
  g_autoptr(LabConfig) config = config_with (store, 30, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plan = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backups_path = g_strdup (lab_data_dir_get_backups_path (store->dir));
  g_autofree char *plan_text = NULL;
  g_autofree char *deleted_text = NULL;
  guint64 size_before;
  guint64 size_after;
  guint64 reclaimable = 0;
  guint64 freed = 0;

  before = lab_test_tree_digest (backups_path);
  size_before = lab_path_disk_usage (backups_path, NULL);
  plan = lab_backup_retention_plan (store->dir, config, now, &reclaimable, &error);
  g_assert_no_error (error);
  after = lab_test_tree_digest (backups_path);
  g_assert_cmpstr (before, ==, after);
  plan_text = plan_indexes (plan, names);
  g_assert_cmpstr (plan_text, ==, "0 1 2");
  g_assert_cmpuint (reclaimable, >, 0);

  g_assert_true (lab_backup_prune (store->dir, config, now, &deleted, &freed, NULL, &error));
  g_assert_no_error (error);
  deleted_text = plan_indexes (deleted, names);
  g_assert_cmpstr (deleted_text, ==, "0 1 2");

  /* The dry run said how much would be freed, and it was. */
  size_after = lab_path_disk_usage (backups_path, NULL);
  g_assert_cmpuint (freed, ==, reclaimable);
  g_assert_cmpuint (size_before - size_after, >=, freed);

  /* The rest still verify: no object they list went. */
  left = lab_backup_list (store->dir, &error);
  g_assert_cmpuint (left->len, ==, 3);
  for (guint i = 0; i < left->len; i++)
    {
      g_autoptr(LabBackupInfo) verified = lab_backup_verify (store->dir,
                                                             lab_backup_info_get_name (left->pdata[i]),
                                                             NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_false (lab_backup_info_get_damaged (verified));
    }

  /* Nothing more to do the second time. */
  g_clear_pointer (&deleted, g_ptr_array_unref);
  g_assert_true (lab_backup_prune (store->dir, config, now, &deleted, &freed, NULL, &error));
  g_assert_cmpuint (deleted->len, ==, 0);
  g_assert_cmpuint (freed, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/retention/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("age", test_age);
  ADD ("keep-newest", test_keep_newest);
  ADD ("pinned", test_pinned);
  ADD ("damaged-do-not-count", test_damaged_do_not_count);
  ADD ("plan-then-prune", test_plan_changes_nothing_prune_applies);

#undef ADD

  return g_test_run ();
}
