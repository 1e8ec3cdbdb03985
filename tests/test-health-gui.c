/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "lab-backup.h"
#include "lab-cleanup-dialog.h"
#include "lab-cleanup-group.h"
#include "lab-config.h"
#include "lab-demo.h"
#include "lab-format.h"
#include "lab-health-section.h"
#include "lab-preferences-window.h"
#include "lab-test-app.h"
#include "lab-test-async.h"
#include "lab-test-util.h"
#include "lab-usage-section.h"

/* The Data page's health and usage sections, the Clean Up dialog and the
 * cleanup preferences, in the real application on a test store, driven
 * through their actions as a person would through the buttons. Needs a
 * display (exit 77, "skipped", without one). */

typedef struct
{
  LabTestStore store;
  LabApplication *app;
  LabWindow *window;
  LabHealthSection *health;
  LabUsageSection *usage;
  GPtrArray *messages;   /* what the health monitor said, for the toasts */
  char *backup_date;     /* the date the restore dialog must show */
} Fixture;

typedef void (*Scenario) (Fixture *fixture);

static void
finished_cb (LabHealthMonitor *monitor,
             const char       *operation,
             const char       *message,
             gboolean          failed,
             Fixture          *fixture)
{
  g_ptr_array_add (fixture->messages, g_strdup_printf ("%s:%s:%s", operation,
                                                       failed ? "failed" : "ok",
                                                       message ? message : ""));
}

static gboolean
monitor_idle (gpointer data)
{
  Fixture *fixture = data;
  LabHealthMonitor *monitor = lab_health_section_get_monitor (fixture->health);

  return monitor != NULL && !lab_health_monitor_get_busy (monitor) &&
         lab_health_monitor_get_report (monitor) != NULL;
}

static gboolean
usage_ready (gpointer data)
{
  Fixture *fixture = data;

  return !lab_usage_section_get_computing (fixture->usage) &&
         lab_usage_chart_get_usage (lab_usage_section_get_chart (fixture->usage)) != NULL;
}

static gboolean
store_open (gpointer data)
{
  return lab_application_get_store (data) != NULL;
}

/* Waits until nothing the sections started still runs: the fixture removes
 * the folder afterwards. */
static void
settle (Fixture *fixture)
{
  lab_test_wait_until (monitor_idle, fixture);
  lab_test_wait_until (usage_ready, fixture);
}

static void
scenario_step (LabApplication *app,
               LabWindow      *window,
               gpointer        data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  Scenario scenario = ((gpointer *) data)[1];
  GtkWidget *page;

  fixture->app = app;
  fixture->window = window;
  lab_test_wait_until (store_open, app);

  lab_window_show_view (window, "data");
  page = GTK_WIDGET (lab_window_get_data_page (window));
  fixture->health = LAB_HEALTH_SECTION (lab_test_find_descendant (page, LAB_TYPE_HEALTH_SECTION));
  fixture->usage = LAB_USAGE_SECTION (lab_test_find_descendant (page, LAB_TYPE_USAGE_SECTION));
  g_assert_nonnull (fixture->health);
  g_assert_nonnull (fixture->usage);

  g_signal_connect (lab_health_section_get_monitor (fixture->health), "finished",
                    G_CALLBACK (finished_cb), fixture);

  /* The start-up quick check and the first measurement. */
  settle (fixture);
  scenario (fixture);
  settle (fixture);

  g_signal_handlers_disconnect_by_data (lab_health_section_get_monitor (fixture->health),
                                        fixture);
}

static void
run_app (Fixture  *fixture,
         Scenario  scenario)
{
  gpointer data[2] = { fixture, (gpointer) scenario };

  lab_test_run_app (fixture->store.root, scenario_step, data);
  fixture->app = NULL;
  fixture->window = NULL;
  fixture->health = NULL;
  fixture->usage = NULL;
}

static void
exec_sql (Fixture    *fixture,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_db_exec (lab_test_store_open (&fixture->store), sql, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  lab_test_reset_settings ();
  lab_test_store_setup (&fixture->store, NULL);
  lab_test_store_add_demo (&fixture->store, 12, 20, 5);
  fixture->messages = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_ptr_array_unref (fixture->messages);
  g_free (fixture->backup_date);
  lab_test_store_teardown (&fixture->store, NULL);
}

/* The application opens its own connections. */
static void
close_db (Fixture *fixture)
{
  g_clear_object (&fixture->store.db);
}

static LabCheckReport *
shown_report (Fixture *fixture)
{
  return lab_health_monitor_get_report (lab_health_section_get_monitor (fixture->health));
}

static gboolean
has_message (Fixture    *fixture,
             const char *prefix)
{
  for (guint i = 0; i < fixture->messages->len; i++)
    {
      if (g_str_has_prefix (fixture->messages->pdata[i], prefix))
        return TRUE;
    }

  return FALSE;
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);

  return n;
}

/* A fresh store: the start-up quick check says it is fine. */
static void
status_ok_scenario (Fixture *fixture)
{
  LabCheckReport *report = shown_report (fixture);
  g_autofree char *summary = lab_check_report_dup_summary (report);
  AdwActionRow *row = lab_health_section_get_status_row (fixture->health);

  g_assert_cmpint (lab_check_report_get_level (report), ==, LAB_CHECK_QUICK);
  g_assert_cmpint (lab_check_report_get_status (report), ==, LAB_CHECK_STATUS_OK);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, summary);
  g_assert_cmpuint (n_rows (lab_health_section_get_findings_list (fixture->health)), ==, 0);
  /* Quiet at start-up: no toast for the quick check. */
  g_assert_true (has_message (fixture, "quick-check:ok:"));
  g_assert_true (g_str_has_suffix (fixture->messages->pdata[0], "quick-check:ok:"));
}

static int
find_kind (LabCheckReport      *report,
           LabCheckFindingKind  kind)
{
  GListModel *findings = lab_check_report_get_findings (report);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (findings, i);

      if (lab_check_finding_get_kind (finding) == kind)
        return i;
    }

  return -1;
}

/* A message taken out of the index: Check Now lists it, Repair fixes it. */
static void
fts_repair_scenario (Fixture *fixture)
{
  GtkWidget *section = GTK_WIDGET (fixture->health);
  LabCheckReport *report;
  int position;

  /* The quick check does not look at the indexes. */
  g_assert_cmpint (lab_check_report_get_status (shown_report (fixture)), ==, LAB_CHECK_STATUS_OK);

  g_assert_true (gtk_widget_activate_action (section, "health.check", NULL));
  g_assert_true (lab_health_monitor_get_busy (lab_health_section_get_monitor (fixture->health)));
  lab_test_wait_until (monitor_idle, fixture);

  report = shown_report (fixture);
  g_assert_cmpint (lab_check_report_get_level (report), ==, LAB_CHECK_FULL);
  g_assert_cmpint (lab_check_report_get_status (report), !=, LAB_CHECK_STATUS_OK);
  position = find_kind (report, LAB_CHECK_FINDING_FTS_INCONSISTENT);
  g_assert_cmpint (position, >=, 0);
  g_assert_cmpuint (n_rows (lab_health_section_get_findings_list (fixture->health)), ==,
                    g_list_model_get_n_items (lab_check_report_get_findings (report)));
  g_assert_true (has_message (fixture, "check:ok:"));

  g_assert_true (gtk_widget_activate_action (section, "health.repair", "u", (guint) position));
  lab_test_wait_until (monitor_idle, fixture);

  report = shown_report (fixture);
  g_assert_true (has_message (fixture, "repair:ok:"));
  g_assert_cmpint (lab_check_report_get_status (report), ==, LAB_CHECK_STATUS_OK);
  g_assert_cmpint (find_kind (report, LAB_CHECK_FINDING_FTS_INCONSISTENT), <, 0);
  g_assert_cmpuint (n_rows (lab_health_section_get_findings_list (fixture->health)), ==,
                    g_list_model_get_n_items (lab_check_report_get_findings (report)));
}

static void
test_fts_repair (Fixture       *fixture,
                 gconstpointer  data)
{
  exec_sql (fixture, "INSERT INTO messages_fts (messages_fts, rowid, content, author)"
                     " SELECT 'delete', message_no, content, author FROM messages"
                     " ORDER BY message_no LIMIT 1 OFFSET 3");
  close_db (fixture);
  run_app (fixture, fts_repair_scenario);
  lab_test_assert_fts_ok (lab_test_store_open (&fixture->store));
}

/* Deleted rows leave free pages: Compact gives them back and says how much. */
static void
compact_scenario (Fixture *fixture)
{
  const char *db = lab_data_dir_get_db_path (fixture->store.dir);
  g_autoptr(GFile) file = g_file_new_for_path (db);
  g_autoptr(GFileInfo) before = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL,
                                                   NULL);
  g_autoptr(GFileInfo) after = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->health), "health.compact",
                                             NULL));
  lab_test_wait_until (monitor_idle, fixture);

  after = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  g_assert_true (has_message (fixture, "compact:ok:"));
  for (guint i = 0; i < fixture->messages->len; i++)
    {
      if (g_str_has_prefix (fixture->messages->pdata[i], "compact:"))
        g_assert_nonnull (strstr (fixture->messages->pdata[i], "reclaimed"));
    }
  g_assert_cmpint (g_file_info_get_size (after), <, g_file_info_get_size (before));
}

/* The chart says its figures in words. */
static void
chart_scenario (Fixture *fixture)
{
  LabUsageChart *chart = lab_usage_section_get_chart (fixture->usage);
  LabUsage *usage = lab_usage_chart_get_usage (chart);
  const char *description = lab_usage_chart_get_description (chart);
  g_autofree char *database = g_format_size (lab_usage_get_category_bytes (usage,
                                                                          LAB_USAGE_DATABASE));
  g_autofree char *total = g_format_size (lab_usage_get_total (usage));
  g_autofree char *free_space = g_format_size (lab_usage_get_free_space (usage));

  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, database));
  g_assert_nonnull (strstr (description, total));
  g_assert_nonnull (strstr (description, free_space));
  g_assert_nonnull (strstr (description, lab_usage_category_get_label (LAB_USAGE_DATABASE)));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (chart)), ==,
                   GTK_ACCESSIBLE_ROLE_IMG);
}

/* A healthy store with deleted rows: the start-up check says it is fine,
 * the chart says its figures, Compact gives the free pages back. One run of
 * the application for the three: each start takes half a minute under ASan. */
static void
healthy_scenario (Fixture *fixture)
{
  status_ok_scenario (fixture);
  chart_scenario (fixture);
  compact_scenario (fixture);
}

static void
test_healthy (Fixture       *fixture,
              gconstpointer  data)
{
  exec_sql (fixture, "DELETE FROM messages WHERE sequence % 2 = 0");
  close_db (fixture);
  run_app (fixture, healthy_scenario);
}

/* A window of @type, not necessarily the application's (dialogs are only
 * transient for its window). */
static gpointer
find_toplevel (GType type)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
        return l->data;
    }

  return NULL;
}

static gboolean
dialog_planned (gpointer data)
{
  LabCleanupDialog *dialog = find_toplevel (LAB_TYPE_CLEANUP_DIALOG);

  return dialog != NULL && lab_cleanup_dialog_get_plan (dialog) != NULL;
}

static GPtrArray *
item_keys (LabCleanupPlan *plan,
           gboolean        included_only)
{
  GListModel *items = lab_cleanup_plan_get_items (plan);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (items, i);
      LabCleanupCategory category = lab_cleanup_item_get_category (item);

      if (!included_only || lab_cleanup_plan_get_included (plan, category))
        g_ptr_array_add (keys, g_strdup_printf ("%s/%s", lab_cleanup_category_to_string (category),
                                                lab_cleanup_item_get_id (item)));
    }

  return keys;
}

static void
assert_same_keys (GPtrArray *a,
                  GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
}

static gint64
count (Fixture    *fixture,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = lab_db_query_int64 (lab_test_store_open (&fixture->store), sql, &error);

  g_assert_no_error (error);
  return n;
}

/* The dialog's dry run is lab_cleanup_plan()'s; Clean Up removes exactly
 * what it listed, of the categories left in. */
static void
cleanup_scenario (Fixture *fixture)
{
  g_autoptr(LabCleanupPlan) expected = NULL;
  g_autoptr(GPtrArray) expected_keys = NULL;
  g_autoptr(GPtrArray) shown_keys = NULL;
  g_autoptr(GPtrArray) applied_keys = NULL;
  g_autoptr(GError) error = NULL;
  LabCleanupDialog *dialog;
  LabCleanupPlan *shown;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->usage), "usage.clean-up", NULL));
  lab_test_wait_until (dialog_planned, NULL);
  dialog = find_toplevel (LAB_TYPE_CLEANUP_DIALOG);
  shown = lab_cleanup_dialog_get_plan (dialog);

  expected = lab_cleanup_plan (fixture->store.dir, NULL, NULL, &error);
  g_assert_no_error (error);
  expected_keys = item_keys (expected, FALSE);
  shown_keys = item_keys (shown, FALSE);
  assert_same_keys (expected_keys, shown_keys);
  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      g_assert_cmpuint (lab_cleanup_dialog_get_n_listed (dialog, c), ==,
                        lab_cleanup_plan_get_category_count (expected, c));
      g_assert_cmpuint (lab_cleanup_plan_get_category_bytes (shown, c), ==,
                        lab_cleanup_plan_get_category_bytes (expected, c));
    }
  g_assert_true (g_ptr_array_find_with_equal_func (shown_keys, "archived-sessions/gone-archived",
                                                   g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (shown_keys, "snapshots/snap-old-1",
                                                   g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (shown_keys, "archived-sessions/kept-starred",
                                                    g_str_equal, NULL));
  g_assert_false (g_ptr_array_find_with_equal_func (shown_keys, "snapshots/snap-starred",
                                                    g_str_equal, NULL));

  /* Snapshots left out by their check button: they stay. */
  lab_cleanup_dialog_set_included (dialog, LAB_CLEANUP_SNAPSHOTS, FALSE);
  g_assert_false (lab_cleanup_plan_get_included (shown, LAB_CLEANUP_SNAPSHOTS));
  applied_keys = item_keys (shown, TRUE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "cleanup.apply", NULL));
  g_assert_true (lab_cleanup_dialog_get_busy (dialog));
  lab_test_wait_until (dialog_planned, NULL);
  g_assert_cmpuint (lab_cleanup_dialog_get_reclaimed (dialog), >, 0);

  /* Exactly the listed items are gone; starred things and left-out
   * categories are kept. */
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM sessions WHERE id = 'gone-archived'"),
                   ==, 0);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM messages"
                                   " WHERE session_id = 'gone-archived'"), ==, 0);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM sessions WHERE id = 'kept-starred'"),
                   ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM snapshots WHERE id IN"
                                   " ('snap-old-1', 'snap-old-2', 'snap-starred')"), ==, 3);
  for (guint i = 0; i < applied_keys->len; i++)
    {
      const char *key = applied_keys->pdata[i];

      g_assert_true (g_str_has_prefix (key, "archived-sessions/") ||
                     g_str_has_prefix (key, "analytics/") ||
                     g_str_has_prefix (key, "orphans/") ||
                     g_str_has_prefix (key, "logs/") ||
                     g_str_has_prefix (key, "archives/") ||
                     g_str_has_prefix (key, "backups/"));
    }

  /* The dialog planned again: the left-out snapshots are still there, and
   * still left out. */
  shown = lab_cleanup_dialog_get_plan (dialog);
  g_assert_false (lab_cleanup_plan_get_included (shown, LAB_CLEANUP_SNAPSHOTS));
  g_assert_true (lab_cleanup_plan_get_included (shown, LAB_CLEANUP_ANALYTICS));
  g_assert_cmpuint (lab_cleanup_plan_get_category_count (shown, LAB_CLEANUP_ARCHIVED_SESSIONS),
                    ==, 0);
  {
    g_autoptr(GPtrArray) left = item_keys (shown, FALSE);

    g_assert_true (g_ptr_array_find_with_equal_func (left, "snapshots/snap-old-1", g_str_equal,
                                                     NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (left, "snapshots/snap-old-2", g_str_equal,
                                                     NULL));
  }

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_cleanup (Fixture       *fixture,
              gconstpointer  data)
{
  LabDb *db = lab_test_store_open (&fixture->store);

  lab_test_add_session (db, "gone-archived", "Old archived",
                        "{\"archived\": true, \"last_activity_at\": \"2020-01-02T10:00:00.000Z\"}");
  lab_test_add_session (db, "kept-starred", "Old archived but starred",
                        "{\"archived\": true, \"starred\": true,"
                        " \"last_activity_at\": \"2020-01-02T10:00:00.000Z\"}");
  for (guint i = 0; i < 5; i++)
    lab_test_add_message (db, "gone-archived", i, "user", "ada", "an old message");
  exec_sql (fixture,
            "INSERT INTO snapshots (id, session_id, timestamp, starred, state_json) VALUES"
            " ('snap-old-1', 'kept-starred', '2020-02-01T00:00:00.000Z', 0, '{}'),"
            " ('snap-old-2', 'kept-starred', '2020-02-01T00:00:00.000Z', 0, '{}'),"
            " ('snap-starred', 'kept-starred', '2020-02-01T00:00:00.000Z', 1, '{}')");
  close_db (fixture);
  run_app (fixture, cleanup_scenario);
}

static gboolean
restore_asked (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
report_ok (gpointer data)
{
  Fixture *fixture = data;

  return monitor_idle (fixture) &&
         lab_check_report_get_status (shown_report (fixture)) == LAB_CHECK_STATUS_OK;
}

/* A damaged database: the start-up check says so at the top, with Restore
 * from Backup…, which asks first, naming the backup's date, then restores
 * it; the check after says the data is fine again. */
static void
restore_scenario (Fixture *fixture)
{
  LabCheckReport *report = shown_report (fixture);
  const char *backup = fixture->backup_date;
  AdwMessageDialog *dialog;

  g_assert_cmpint (lab_check_report_get_level (report), ==, LAB_CHECK_QUICK);
  g_assert_cmpint (lab_check_report_get_status (report), ==, LAB_CHECK_STATUS_ERRORS);
  g_assert_cmpint (find_kind (report, LAB_CHECK_FINDING_DATABASE_DAMAGED), >=, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->health), "health.restore",
                                             NULL));
  lab_test_wait_until (restore_asked, NULL);
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), backup));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "restore"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);

  adw_message_dialog_response (dialog, "restore");
  lab_test_wait_until (report_ok, fixture);
  g_assert_true (has_message (fixture, "restore:ok:"));
}

static void
test_restore (Fixture       *fixture,
              gconstpointer  data)
{
  const char *path = lab_data_dir_get_db_path (fixture->store.dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *page = NULL;
  g_autofree char *date = NULL;
  gint64 root, page_size;
  FILE *file;

  name = lab_backup_create (fixture->store.dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  info = lab_backup_get (fixture->store.dir, name, &error);
  g_assert_no_error (error);
  date = lab_format_date_time (lab_backup_info_get_created_at (info));

  /* An index page zeroed, as a bad disk would: the store opens, quick_check
   * fails. */
  root = count (fixture, "SELECT rootpage FROM sqlite_schema WHERE name = 'analytics_timestamp'");
  page_size = count (fixture, "PRAGMA page_size");
  close_db (fixture);
  page = g_malloc0 (page_size);
  file = fopen (path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (root - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (page, 1, page_size, file), ==, (gsize) page_size);
  fclose (file);

  fixture->backup_date = g_steal_pointer (&date);
  run_app (fixture, restore_scenario);
}

/* The Cleanup preferences write the store's config.json. */
static void
preferences_scenario (Fixture *fixture)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  LabPreferencesWindow *preferences;
  LabCleanupGroup *group;
  GtkWidget *editor;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  preferences = find_toplevel (LAB_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  group = LAB_CLEANUP_GROUP (lab_test_find_descendant (GTK_WIDGET (preferences),
                                                       LAB_TYPE_CLEANUP_GROUP));
  g_assert_nonnull (group);

  /* It shows the file's values... */
  editor = lab_cleanup_group_get_editor (group, LAB_CONFIG_ANALYTICS_DAYS);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor)), ==, 45);

  /* ...and writes what is changed. */
  editor = lab_cleanup_group_get_editor (group, LAB_CONFIG_LOG_DAYS);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor), 12);
  editor = lab_cleanup_group_get_editor (group, LAB_CONFIG_AUTO_CLEANUP);
  gtk_switch_set_active (GTK_SWITCH (editor), TRUE);

  config = lab_config_load (fixture->store.dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_LOG_DAYS), ==, 12);
  g_assert_true (lab_config_get_boolean (config, LAB_CONFIG_AUTO_CLEANUP));
  g_assert_cmpint (lab_config_get_int (config, LAB_CONFIG_ANALYTICS_DAYS), ==, 45);

  gtk_window_destroy (GTK_WINDOW (preferences));
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = lab_config_load (fixture->store.dir, &error);
  g_assert_no_error (error);
  lab_config_set_int (config, LAB_CONFIG_ANALYTICS_DAYS, 45, &error);
  g_assert_no_error (error);
  lab_config_save (config, &error);
  g_assert_no_error (error);
  close_db (fixture);
  run_app (fixture, preferences_scenario);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;

#define ADD(path, func) \
  g_test_add ("/labdata/gui/health/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("status-chart-compact", test_healthy);
  ADD ("fts-repair", test_fts_repair);
  ADD ("cleanup", test_cleanup);
  ADD ("restore", test_restore);
  ADD ("preferences", test_preferences);

#undef ADD

  return g_test_run ();
}
