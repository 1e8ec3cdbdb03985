/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sqlite3.h>

#include "lab-application.h"
#include "lab-data-dir.h"
#include "lab-data-folder-group.h"
#include "lab-fileutil.h"
#include "lab-legacy-fixtures.h"
#include "lab-migrate-assistant.h"
#include "lab-preferences-window.h"
#include "lab-session-model.h"
#include "lab-test-app.h"
#include "lab-test-async.h"
#include "lab-test-util.h"
#include "lab-window.h"

/* The migration assistant and Move… in the real application (issue 7):
 * legacy data in this program's own HOME and current folder is offered on an
 * empty store, found, dry-run, migrated into the session list, not migrated
 * twice, rolled back to the exact previous state; a locked source is
 * reported and the rest migrates; the data folder moves from Preferences and
 * the application, the location file and the real labdata-cli follow it.
 * Needs a display (exit 77, "skipped", without one). */

static char *home_tmp;   /* HOME, XDG_CONFIG_HOME, XDG_DATA_HOME are in here */
static char *server_dir; /* the current folder, with events.db */

typedef struct
{
  char *tmp;
  char *root;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_autoptr(GSettings) settings = NULL;

  lab_test_reset_settings ();
  /* Offered already, but in the test of the offer. */
  settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_set_boolean (settings, "legacy-offered", data != NULL);
  f->tmp = g_dir_make_tmp ("labdata-migrate-gui-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->tmp, "store", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *location = lab_data_dir_get_location_file ();

  g_unlink (location);
  g_assert_true (lab_rm_rf (f->tmp, &error));
  g_free (f->tmp);
  g_free (f->root);
}

/* Helpers */

static GtkWindow *
find_window (GType       type,
             const char *name)
{
  /* Dialogs belong to no application: every toplevel. */
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (!G_TYPE_CHECK_INSTANCE_TYPE (window, type) ||
          !gtk_widget_get_visible (GTK_WIDGET (window)))
        continue;
      if (name == NULL || g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (window)), name) == 0)
        return window;
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_window (ADW_TYPE_MESSAGE_DIALOG, data) != NULL;
}

/* Waits for the message dialog called @name and answers it. */
static void
answer_dialog (const char *name,
               const char *response)
{
  AdwMessageDialog *dialog;

  g_test_message ("waiting for dialog %s", name);
  lab_test_wait_until (dialog_shown, (gpointer) name);
  dialog = ADW_MESSAGE_DIALOG (find_window (ADW_TYPE_MESSAGE_DIALOG, name));
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
assistant_shown (gpointer data)
{
  return find_window (LAB_TYPE_MIGRATE_ASSISTANT, NULL) != NULL;
}

static LabMigrateAssistant *
wait_assistant (void)
{
  lab_test_wait_until (assistant_shown, NULL);
  return LAB_MIGRATE_ASSISTANT (find_window (LAB_TYPE_MIGRATE_ASSISTANT, NULL));
}

static gboolean
page_is (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (lab_migrate_assistant_get_page (args[0]), args[1]) == 0;
}

static void
wait_page (LabMigrateAssistant *assistant,
           const char          *page)
{
  gpointer args[2] = { assistant, (gpointer) page };

  g_test_message ("waiting for page %s", page);
  lab_test_wait_until (page_is, args);
}

static void
close_assistant (LabMigrateAssistant *assistant)
{
  gtk_window_destroy (GTK_WINDOW (assistant));
  while (find_window (LAB_TYPE_MIGRATE_ASSISTANT, NULL) != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    n++;

  return n;
}

static AdwActionRow *
row_at (GtkListBox *list,
        guint       index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  g_assert_nonnull (row);
  return ADW_ACTION_ROW (row);
}

static gboolean
row_subtitle_has (GtkListBox *list,
                  const char *text)
{
  for (guint i = 0; i < count_rows (list); i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (row_at (list, i));

      if (subtitle != NULL && strstr (subtitle, text) != NULL)
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  LabWindow *window;
  guint n;
} CountWait;

static gboolean
sessions_listed (gpointer data)
{
  CountWait *wait = data;
  LabSessionsPage *page = lab_window_get_sessions_page (wait->window);
  LabSessionModel *model = lab_sessions_page_get_session_model (page);
  static guint last_n = G_MAXUINT;

  if (g_list_model_get_n_items (G_LIST_MODEL (model)) != last_n)
    {
      last_n = g_list_model_get_n_items (G_LIST_MODEL (model));
      g_test_message ("listed %u (%s)", last_n, lab_sessions_page_get_visible_state (page));
    }

  return lab_sessions_page_get_store (page) != NULL &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n &&
         g_strcmp0 (lab_sessions_page_get_visible_state (page), wait->n > 0 ? "list" : "empty") == 0;
}

static void
wait_sessions (LabWindow *window,
               guint      n)
{
  CountWait wait = { window, n };

  g_test_message ("waiting for %u sessions", n);
  lab_test_wait_until (sessions_listed, &wait);
}

static char *
store_digest (const char *root)
{
  g_autofree char *db = g_build_filename (root, "data", "labdata.db", NULL);
  g_autofree char *workspace = g_build_filename (root, "data", "workspace", NULL);
  g_autofree char *tables = lab_fixture_tables_digest (db);
  g_autofree char *tree = NULL;

  /* An empty workspace folder is no different from none. */
  g_rmdir (workspace);
  tree = lab_test_tree_digest (workspace);

  return g_strconcat (tables, ":", tree, NULL);
}

static char *
legacy_digest (void)
{
  g_autofree char *lab = g_build_filename (g_get_home_dir (), ".ai_research_lab", NULL);
  g_autofree char *a = lab_test_tree_digest (lab);
  g_autofree char *b = lab_test_tree_digest (server_dir);

  return g_strconcat (a, ":", b, NULL);
}

/* The offer, the assistant, twice, rollback */

typedef struct
{
  Fixture *f;
  char *legacy_before;
} OfferRun;

static void
offer_step (LabApplication *app,
            LabWindow      *window,
            gpointer        data)
{
  OfferRun *run = data;
  LabMigrateAssistant *assistant;
  LabMigrationReport *report;
  GtkListBox *sources;
  g_autofree char *empty_digest = NULL;
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  gint64 sessions;

  /* An empty store: the migration is offered, once. */
  wait_sessions (window, 0);
  empty_digest = store_digest (run->f->root);
  answer_dialog ("migrate-offer", "review");
  g_assert_true (g_settings_get_boolean (settings, "legacy-offered"));

  /* What was found: both sources, with their counts. */
  assistant = wait_assistant ();
  wait_page (assistant, "found");
  g_assert_cmpuint (lab_migrate_assistant_get_n_sources (assistant), ==, 2);
  sources = lab_migrate_assistant_get_source_list (assistant);
  g_assert_cmpuint (count_rows (sources), ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (sources, 0))), ==,
                   "~/.ai_research_lab");
  g_assert_true (row_subtitle_has (sources, "sessions 3"));
  g_assert_true (row_subtitle_has (sources, "chat_logs 9"));
  g_assert_true (row_subtitle_has (sources, "session 3"));
  g_assert_true (row_subtitle_has (sources, "event 19"));

  /* The dry run changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
  wait_page (assistant, "report");
  report = lab_migrate_assistant_get_report (assistant);
  g_assert_cmpint (lab_migration_report_get_kind (report), ==, LAB_MIGRATION_REPORT_DRY_RUN);
  sessions = lab_migration_report_get_added (report, -1, "sessions");
  g_assert_cmpint (sessions, >=, 6);
  {
    g_autofree char *digest = store_digest (run->f->root);

    g_assert_cmpstr (digest, ==, empty_digest);
  }

  /* The migration brings the sessions into the list. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
  wait_page (assistant, "result");
  report = lab_migrate_assistant_get_report (assistant);
  g_assert_cmpint (lab_migration_report_get_kind (report), ==, LAB_MIGRATION_REPORT_MIGRATION);
  g_assert_cmpint (lab_migration_report_get_added (report, -1, "sessions"), ==, sessions);
  g_assert_true (lab_migration_report_get_verified (report));
  g_assert_true (g_file_test (lab_migration_report_get_log_path (report), G_FILE_TEST_EXISTS));
  g_assert_true (row_subtitle_has (lab_migrate_assistant_get_result_list (assistant),
                                   lab_migration_report_get_log_path (report)));
  wait_sessions (window, sessions);
  {
    g_autofree char *after = legacy_digest ();

    g_assert_cmpstr (after, ==, run->legacy_before);
  }

  /* Again, in a second assistant: nothing new, Migrate stays off. */
  {
    LabMigrateAssistant *again;
    LabMigrationReport *plan;

    gtk_widget_set_visible (GTK_WIDGET (assistant), FALSE);
    g_object_ref (assistant);
    g_action_group_activate_action (G_ACTION_GROUP (app), "migrate", NULL);
    again = NULL;
    for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
      {
        if (LAB_IS_MIGRATE_ASSISTANT (l->data) && l->data != (gpointer) assistant)
          again = l->data;
      }
    g_assert_nonnull (again);
    wait_page (again, "found");
    gtk_widget_activate_action (GTK_WIDGET (again), "assistant.next", NULL);
    wait_page (again, "report");
    plan = lab_migrate_assistant_get_report (again);
    g_assert_cmpint (lab_migration_report_get_total_added (plan), ==, 0);
    g_assert_cmpint (lab_migration_report_get_existing (plan, -1, "sessions"), ==, sessions);
    gtk_widget_activate_action (GTK_WIDGET (again), "assistant.next", NULL);
    lab_test_iterate_idle ();
    g_assert_cmpstr (lab_migrate_assistant_get_page (again), ==, "report");
    gtk_window_destroy (GTK_WINDOW (again));
    gtk_widget_set_visible (GTK_WIDGET (assistant), TRUE);
    g_object_unref (assistant);
  }
  wait_sessions (window, sessions);

  /* Roll back, after a confirmation: the store is exactly as before. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.rollback", NULL);
  answer_dialog ("rollback-confirmation", "roll-back");
  wait_page (assistant, "result");
  report = lab_migrate_assistant_get_report (assistant);
  g_assert_cmpint (lab_migration_report_get_kind (report), ==, LAB_MIGRATION_REPORT_ROLLBACK);
  g_assert_cmpint (lab_migration_report_get_removed (report, "sessions"), ==, sessions);
  wait_sessions (window, 0);
  {
    g_autofree char *digest = store_digest (run->f->root);
    g_autofree char *legacy = legacy_digest ();

    g_assert_cmpstr (digest, ==, empty_digest);
    g_assert_cmpstr (legacy, ==, run->legacy_before);
  }

  close_assistant (assistant);
}

static void
test_offer_migrate_rollback (Fixture       *f,
                             gconstpointer  data)
{
  OfferRun run = { f, legacy_digest () };

  lab_test_run_app (f->root, offer_step, &run);

  /* Offered once: a second start does not ask again. */
  {
    g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);

    g_assert_true (g_settings_get_boolean (settings, "legacy-offered"));
  }
  g_free (run.legacy_before);
}

/* Damaged and locked sources */

typedef struct
{
  Fixture *f;
  char *damaged;
  char *locked;
} DamagedRun;

static void
damaged_step (LabApplication *app,
              LabWindow      *window,
              gpointer        data)
{
  DamagedRun *run = data;
  const char *paths[] = { run->damaged, run->locked, NULL };
  LabMigrateAssistant *assistant;
  LabMigrationReport *report;
  GtkListBox *issues;
  GPtrArray *report_issues;
  gboolean lost_row = FALSE;

  wait_sessions (window, 0);

  assistant = lab_migrate_assistant_new (app, paths, NULL);
  gtk_window_present (GTK_WINDOW (assistant));
  wait_page (assistant, "found");

  /* The locked database says why, and is left out; the other is included. */
  g_assert_cmpuint (lab_migrate_assistant_get_n_sources (assistant), ==, 2);
  g_assert_true (row_subtitle_has (lab_migrate_assistant_get_source_list (assistant), "locked"));
  {
    GtkWidget *check = lab_test_find_descendant (
      GTK_WIDGET (row_at (lab_migrate_assistant_get_source_list (assistant), 1)),
      GTK_TYPE_CHECK_BUTTON);

    g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
    g_assert_false (gtk_widget_get_sensitive (check));
  }

  /* Forced in, the locked source is reported as skipped and Migrate stays
   * off: never a partial migration. */
  {
    g_autofree char *before = store_digest (run->f->root);
    g_autofree char *after = NULL;

    lab_migrate_assistant_set_included (assistant, 1, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
    wait_page (assistant, "report");
    report = lab_migrate_assistant_get_report (assistant);
    g_assert_true (lab_migration_report_get_source_skipped (report, 1));
    g_assert_true (row_subtitle_has (lab_migrate_assistant_get_plan_list (assistant), "locked"));
    gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
    lab_test_iterate_idle ();
    g_assert_cmpstr (lab_migrate_assistant_get_page (assistant), ==, "report");
    after = store_digest (run->f->root);
    g_assert_cmpstr (after, ==, before);

    gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.back", NULL);
    g_assert_cmpstr (lab_migrate_assistant_get_page (assistant), ==, "found");
    lab_migrate_assistant_set_included (assistant, 1, FALSE);
  }

  /* The dry run lists the damaged rows it skips, and why. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
  wait_page (assistant, "report");
  report = lab_migrate_assistant_get_report (assistant);
  report_issues = lab_migration_report_get_issues (report);
  issues = lab_migrate_assistant_get_issue_list (assistant);
  g_assert_cmpuint (report_issues->len, >, 0);
  g_assert_cmpuint (count_rows (issues), ==, report_issues->len);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (issues)));
  for (guint i = 0; i < count_rows (issues); i++)
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (issues, i)));
      const char *subtitle = adw_action_row_get_subtitle (row_at (issues, i));

      g_assert_nonnull (subtitle);
      lost_row |= strstr (title, "chat_logs") != NULL;
    }
  g_assert_true (lost_row);

  /* The rest migrates. */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.next", NULL);
  wait_page (assistant, "result");
  report = lab_migrate_assistant_get_report (assistant);
  g_assert_cmpint (lab_migration_report_get_kind (report), ==, LAB_MIGRATION_REPORT_MIGRATION);
  g_assert_cmpint (lab_migration_report_get_added (report, -1, "sessions"), >, 0);
  wait_sessions (window, lab_migration_report_get_added (report, -1, "sessions"));

  close_assistant (assistant);
}

static void
test_damaged_and_locked (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *damaged_parent = g_build_filename (f->tmp, "damaged", NULL);
  g_autofree char *locked_parent = g_build_filename (f->tmp, "locked", NULL);
  DamagedRun run = { f, NULL, NULL };
  sqlite3 *server = NULL;

  g_assert_cmpint (g_mkdir (damaged_parent, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (locked_parent, 0700), ==, 0);
  run.damaged = lab_fixture_ai_lab (damaged_parent, "bad-json");
  run.locked = lab_fixture_events (locked_parent, NULL);

  /* The agent server is writing. */
  g_assert_cmpint (sqlite3_open (run.locked, &server), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (server, "BEGIN EXCLUSIVE; DELETE FROM event WHERE 0", NULL, NULL,
                                 NULL), ==, SQLITE_OK);

  lab_test_run_app (f->root, damaged_step, &run);

  sqlite3_exec (server, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (server);
  g_free (run.damaged);
  g_free (run.locked);
}

/* Move… in Preferences */

typedef struct
{
  Fixture *f;
  char *first;
  char *second;
  char *third;
  guint n_sessions;
} MoveRun;

typedef struct
{
  LabApplication *app;
  const char *root;
} RootWait;

static gboolean
app_uses (gpointer data)
{
  RootWait *wait = data;

  return g_strcmp0 (lab_application_get_data_dir (wait->app), wait->root) == 0 &&
         lab_application_get_store (wait->app) != NULL;
}

static LabDataFolderGroup *
open_preferences (LabApplication *app)
{
  GtkWindow *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_window (LAB_TYPE_PREFERENCES_WINDOW, NULL);
  g_assert_nonnull (preferences);

  return LAB_DATA_FOLDER_GROUP (lab_test_find_descendant (GTK_WIDGET (preferences),
                                                          LAB_TYPE_DATA_FOLDER_GROUP));
}

static void
assert_location (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *location = lab_data_dir_read_location (&error);
  g_autoptr(LabTestRun) info = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (location, ==, root);

  /* The real command-line tool, with no option, finds it there. */
  info = lab_test_run_cli ("info", "--json", NULL);
  g_assert_cmpint (info->status, ==, 0);
  g_assert_nonnull (strstr (info->out, root));
}

static void
move_and_answer (LabApplication     *app,
                 LabWindow          *window,
                 LabDataFolderGroup *group,
                 const char         *target,
                 const char         *answer,
                 guint               n_sessions)
{
  RootWait wait = { app, target };

  lab_data_folder_group_move_to (group, target);
  answer_dialog ("move-confirmation", "move");
  lab_test_wait_until (app_uses, &wait);
  wait_sessions (window, n_sessions);
  /* The old copy is still there while the question is open. */
  lab_test_wait_until (dialog_shown, "remove-old-confirmation");
  answer_dialog ("remove-old-confirmation", answer);
}

static gboolean
gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
move_step (LabApplication *app,
           LabWindow      *window,
           gpointer        data)
{
  MoveRun *run = data;
  LabDataFolderGroup *group;
  g_autofree char *digest = NULL;

  g_assert_cmpstr (lab_application_get_data_dir (app), ==, run->first);
  wait_sessions (window, run->n_sessions);
  digest = lab_fixture_tables_digest (lab_data_dir_get_db_path (lab_application_get_dir (app)));
  group = open_preferences (app);

  /* Kept when asked to keep it. */
  move_and_answer (app, window, group, run->second, "keep", run->n_sessions);
  assert_location (run->second);
  g_assert_cmpint (lab_data_dir_get_origin (lab_application_get_dir (app)), ==,
                   LAB_DATA_DIR_ORIGIN_LOCATION_FILE);
  lab_test_iterate_idle ();
  g_assert_true (g_file_test (run->first, G_FILE_TEST_IS_DIR));
  {
    g_autofree char *moved = lab_fixture_tables_digest (lab_data_dir_get_db_path (
      lab_application_get_dir (app)));

    g_assert_cmpstr (moved, ==, digest);
  }

  /* Removed when asked to remove it. */
  move_and_answer (app, window, group, run->third, "remove", run->n_sessions);
  assert_location (run->third);
  lab_test_wait_until (gone, run->second);
  g_assert_true (g_file_test (run->first, G_FILE_TEST_IS_DIR));
  {
    g_autofree char *moved = lab_fixture_tables_digest (lab_data_dir_get_db_path (
      lab_application_get_dir (app)));

    g_assert_cmpstr (moved, ==, digest);
  }
}

static void
test_move_data_folder (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LabDataDir) dir = lab_data_dir_resolve (NULL);
  g_autoptr(GError) error = NULL;
  MoveRun run = { f, NULL, NULL, NULL, 12 };

  g_assert_cmpint (lab_data_dir_get_origin (dir), ==, LAB_DATA_DIR_ORIGIN_DEFAULT);
  run.first = g_strdup (lab_data_dir_get_root (dir));
  run.second = g_build_filename (f->tmp, "second", NULL);
  run.third = g_build_filename (f->tmp, "third", NULL);
  g_assert_cmpint (g_mkdir (run.second, 0700), ==, 0);   /* an empty folder is used as it is */

  {
    LabTestStore store = { .root = run.first, .dir = g_object_ref (dir) };

    g_assert_true (lab_data_dir_ensure (dir, &error));
    g_assert_no_error (error);
    lab_test_store_add_demo (&store, run.n_sessions, 5, 7);
    g_clear_object (&store.db);
    g_clear_object (&store.dir);
  }

  lab_test_run_app (NULL, move_step, &run);

  g_assert_true (lab_rm_rf (run.first, &error));
  g_free (run.first);
  g_free (run.second);
  g_free (run.third);
}

/* With --data-dir, Move… is unavailable and says why. */

static void
explicit_step (LabApplication *app,
               LabWindow      *window,
               gpointer        data)
{
  LabDataFolderGroup *group = open_preferences (app);
  GtkWidget *button = lab_test_find_descendant (GTK_WIDGET (group), GTK_TYPE_BUTTON);

  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Move…");
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "--data-dir"));
}

static void
test_move_unavailable (Fixture       *f,
                       gconstpointer  data)
{
  lab_test_run_app (f->root, explicit_step, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  int status;

  /* HOME and the XDG folders of our own, before GLib reads them. */
  home_tmp = lab_fixture_private_home ("migrate-gui");
  g_unsetenv ("LABDATA_DIR");

  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    return 77;

  /* ~/.ai_research_lab, and an agent server's events.db in the current
   * folder: the usual places the application looks. */
  made = lab_fixture_ai_lab (g_get_home_dir (), NULL);
  server_dir = g_build_filename (home_tmp, "server", NULL);
  g_assert_cmpint (g_mkdir (server_dir, 0755), ==, 0);
  g_free (lab_fixture_events (server_dir, NULL));
  g_assert_cmpint (g_chdir (server_dir), ==, 0);

  g_test_add ("/migrate-gui/offer-migrate-rollback", Fixture, NULL, fixture_setup,
              test_offer_migrate_rollback, fixture_teardown);
  g_test_add ("/migrate-gui/damaged-and-locked", Fixture, "offered", fixture_setup,
              test_damaged_and_locked, fixture_teardown);
  g_test_add ("/migrate-gui/move-data-folder", Fixture, "offered", fixture_setup,
              test_move_data_folder, fixture_teardown);
  g_test_add ("/migrate-gui/move-unavailable", Fixture, "offered", fixture_setup,
              test_move_unavailable, fixture_teardown);

  status = g_test_run ();

  g_chdir ("/");
  lab_rm_rf (home_tmp, &error);
  g_free (server_dir);
  g_free (home_tmp);
  return status;
}
