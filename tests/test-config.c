/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-config.h"
#include "lab-error.h"
#include "lab-test-util.h"

static void
test_defaults (LabTestStore  *store,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = lab_config_load (store->dir, &error);

  g_assert_no_error (error);
  g_assert_true (lab_config_get_boolean (config, LAB_CONFIG_AUTO_BACKUP_ENABLED));
  g_assert_cmpstr (lab_config_get_string (config, LAB_CONFIG_AUTO_BACKUP_TIME), ==, "02:00");
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_BACKUP_DAYS), ==, 30);
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_BACKUP_KEEP_MIN), ==, 3);
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_SNAPSHOT_DAYS), ==, 30);
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_ANALYTICS_DAYS), ==, 90);
}

static void
test_round_trip_keeps_unknown (LabTestStore  *store,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(LabConfig) again = NULL;
  g_autofree char *text = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_config_file (store->dir),
                                      "{\"future\": {\"x\": 1}, \"retention\": {\"log_days\": 7}}",
                                      -1, NULL));

  config = lab_config_load (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_LOG_DAYS), ==, 7);
  g_assert_true (lab_config_set_string (config, LAB_CONFIG_AUTO_BACKUP_TIME, "03:30", &error));
  g_assert_true (lab_config_save (config, &error));
  g_assert_no_error (error);

  again = lab_config_load (store->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_config_get_string (again, LAB_CONFIG_AUTO_BACKUP_TIME), ==, "03:30");
  g_assert_cmpint (lab_config_get_int (again, LAB_CONFIG_LOG_DAYS), ==, 7);

  g_assert_true (g_file_get_contents (lab_data_dir_get_config_file (store->dir), &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"future\""));
}

static void
test_invalid_values (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = lab_config_load (store->dir, &error);

  g_assert_false (lab_config_set_string (config, LAB_CONFIG_AUTO_BACKUP_TIME, "25:00", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_config_set_string (config, LAB_CONFIG_AUTO_BACKUP_COMPRESSION, "rar", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_config_set_from_string (config, LAB_CONFIG_BACKUP_DAYS, "-1", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lab_config_set_from_string (config, "no.such", "1", &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (lab_config_set_from_string (config, LAB_CONFIG_AUTO_BACKUP_ENABLED, "off", &error));
  g_assert_false (lab_config_get_boolean (config, LAB_CONFIG_AUTO_BACKUP_ENABLED));
}

static void
test_damaged_file_untouched (LabTestStore  *store,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_config_file (store->dir), "{broken", -1, NULL));

  config = lab_config_load (store->dir, &error);
  g_assert_null (config);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  g_assert_true (g_file_get_contents (lab_data_dir_get_config_file (store->dir), &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "{broken");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/config/defaults", LabTestStore, NULL,
              lab_test_store_setup, test_defaults, lab_test_store_teardown);
  g_test_add ("/labdata/store/config/round-trip-keeps-unknown", LabTestStore, NULL,
              lab_test_store_setup, test_round_trip_keeps_unknown, lab_test_store_teardown);
  g_test_add ("/labdata/store/config/invalid-values", LabTestStore, NULL,
              lab_test_store_setup, test_invalid_values, lab_test_store_teardown);
  g_test_add ("/labdata/store/config/damaged-file-untouched", LabTestStore, NULL,
              lab_test_store_setup, test_damaged_file_untouched, lab_test_store_teardown);

  return g_test_run ();
}
