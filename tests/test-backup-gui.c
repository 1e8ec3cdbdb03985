/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-backup-test-util.h"
#include "lab-background-group.h"
#include "lab-backups-section.h"
#include "lab-browse.h"
#include "lab-config.h"
#include "lab-demo.h"
#include "lab-session-picker.h"
#include "lab-test-app.h"
#include "lab-test-async.h"
#include "lab-test-util.h"
#include "lab-window.h"

/* Backups in the real window, driven through the Backups section's own
 * actions and dialogs: Back Up Now, Verify of a damaged backup, Restore…,
 * Restore Sessions…, Pin then Delete, the warning for an old backup; the
 * scheduler of the application making a backup and a notification under an
 * injected clock; the autostart entry of the Preferences switch. Needs a
 * display (exit 77, "skipped", without one). */

#define N_SESSIONS 12

typedef struct
{
  LabTestStore store;
  LabApplication *app;
  LabWindow *window;
  LabBackupsSection *section;
  char *backup;                 /* made before the application starts */
  char **sessions;              /* ids of the demo sessions */
} Fixture;

typedef void (*Scenario) (Fixture *fixture);

static LabDb *
db_of (Fixture *fixture)
{
  return lab_test_store_open (&fixture->store);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  GStrvBuilder *builder = g_strv_builder_new ();

  lab_test_reset_settings ();
  lab_test_store_setup (&fixture->store, NULL);
  lab_test_store_add_demo (&fixture->store, N_SESSIONS, 10, 7);

  filter->archived = -1;
  sessions = lab_browse_list_sessions (db_of (fixture), filter, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, N_SESSIONS);
  for (guint i = 0; i < sessions->len; i++)
    g_strv_builder_add (builder, lab_session_get_id (g_ptr_array_index (sessions, i)));
  fixture->sessions = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->backup, g_free);
  g_clear_pointer (&fixture->sessions, g_strfreev);
  lab_test_store_teardown (&fixture->store, NULL);
}

static gboolean
store_open (gpointer data)
{
  return lab_application_get_store (data) != NULL;
}

static gboolean
list_loaded (gpointer data)
{
  LabBackupsSection *section = data;

  return lab_backups_section_get_store (section) != NULL &&
         !lab_backups_section_get_loading (section) && !lab_backups_section_get_busy (section);
}

static void
wait_idle (Fixture *fixture)
{
  lab_test_wait_until (list_loaded, fixture->section);
}

static void
scenario_step (LabApplication *app,
               LabWindow      *window,
               gpointer        data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  Scenario scenario = ((gpointer *) data)[1];

  fixture->app = app;
  fixture->window = window;
  lab_test_wait_until (store_open, app);

  lab_window_show_view (window, "data");
  fixture->section = LAB_BACKUPS_SECTION (
    lab_test_find_descendant (GTK_WIDGET (lab_window_get_data_page (window)),
                              LAB_TYPE_BACKUPS_SECTION));
  g_assert_nonnull (fixture->section);
  wait_idle (fixture);

  scenario (fixture);
  wait_idle (fixture);
}

static void
run_app (Fixture  *fixture,
         Scenario  scenario)
{
  gpointer data[2] = { fixture, (gpointer) scenario };

  /* The application opens its own connection. */
  g_clear_object (&fixture->store.db);
  lab_test_run_app (fixture->store.root, scenario_step, data);
  fixture->app = NULL;
  fixture->window = NULL;
  fixture->section = NULL;
}

/* The backup listed at @position (the list keeps it alive). */
static LabBackupInfo *
listed (Fixture *fixture,
        guint    position)
{
  GListModel *backups = lab_backups_section_get_backups (fixture->section);
  LabBackupInfo *info = g_list_model_get_item (backups, position);

  g_assert_nonnull (info);
  g_object_unref (info);
  return info;
}

static void
activate (Fixture    *fixture,
          const char *action,
          const char *backup)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->section), action,
                                             backup ? "s" : NULL, backup));
}

static gboolean
has_dialog (gpointer data)
{
  GtkWidget *dialog = lab_backups_section_get_dialog (data);

  return dialog != NULL && gtk_widget_get_visible (dialog);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Back Up Now: a row appears, verified, and a toast says so. */

static gboolean
n_backups_is_one (gpointer data)
{
  return g_list_model_get_n_items (lab_backups_section_get_backups (data)) == 1 &&
         !lab_backups_section_get_busy (data) && !lab_backups_section_get_loading (data);
}

static void
scenario_back_up_now (Fixture *fixture)
{
  GtkListBox *list = lab_backups_section_get_list_box (fixture->section);
  LabBackupInfo *info;
  GtkListBoxRow *row;

  g_assert_cmpuint (g_list_model_get_n_items (lab_backups_section_get_backups (fixture->section)),
                    ==, 0);
  g_assert_true (lab_backups_section_get_warning_visible (fixture->section));

  activate (fixture, "backups.back-up", NULL);
  g_assert_true (lab_backups_section_get_busy (fixture->section));
  /* One operation at a time: the others are off while it runs. */
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (fixture->section),
                                                       "backups.verify-all")));
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (fixture->section),
                                                      "backups.cancel")));
  lab_test_wait_until (n_backups_is_one, fixture->section);

  info = listed (fixture, 0);
  g_assert_cmpint (lab_backup_info_get_kind (info), ==, LAB_BACKUP_KIND_MANUAL);
  g_assert_true (lab_backup_info_get_verified (info));
  g_assert_false (lab_backup_info_get_damaged (info));
  g_assert_false (lab_backups_section_get_warning_visible (fixture->section));

  /* The row shows it. */
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (row)), ==, lab_backup_info_get_name (info));
  g_assert_true (gtk_image_get_icon_name (GTK_IMAGE (
    lab_test_find_descendant (GTK_WIDGET (row), GTK_TYPE_IMAGE))) != NULL);
}

static void
test_back_up_now (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) backups = NULL;

  run_app (fixture, scenario_back_up_now);

  backups = lab_backup_list (fixture->store.dir, NULL);
  g_assert_cmpuint (backups->len, ==, 1);
  g_assert_true (lab_backup_info_is_good (g_ptr_array_index (backups, 0)));
}

/* Verify marks a backup with a flipped byte as damaged, in the list too. */

static gboolean
first_damaged (gpointer data)
{
  Fixture *fixture = data;
  GListModel *backups = lab_backups_section_get_backups (fixture->section);
  g_autoptr(LabBackupInfo) info = g_list_model_get_item (backups, 0);

  return info != NULL && lab_backup_info_get_damaged (info) && list_loaded (fixture->section);
}

static void
scenario_verify_damaged (Fixture *fixture)
{
  GtkListBoxRow *row;
  GtkWidget *state;

  g_assert_cmpuint (g_list_model_get_n_items (lab_backups_section_get_backups (fixture->section)),
                    ==, 1);
  g_assert_false (lab_backup_info_get_damaged (listed (fixture, 0)));

  activate (fixture, "backups.verify", fixture->backup);
  lab_test_wait_until (first_damaged, fixture);

  row = gtk_list_box_get_row_at_index (lab_backups_section_get_list_box (fixture->section), 0);
  state = lab_test_find_descendant (GTK_WIDGET (row), GTK_TYPE_IMAGE);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (state)), ==, "dialog-error-symbolic");
  g_assert_true (gtk_widget_has_css_class (state, "error"));
  /* Never offered as good: the warning shows. */
  g_assert_true (lab_backups_section_get_warning_visible (fixture->section));

  /* Restoring it is refused after its verification, without a dialog. */
  lab_backups_section_restore (fixture->section, fixture->backup);
  wait_idle (fixture);
  g_assert_null (lab_backups_section_get_dialog (fixture->section));
}

static void
test_verify_damaged (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  fixture->backup = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL);
  file = g_strconcat (fixture->backup, ".db", NULL);
  path = g_build_filename (lab_data_dir_get_backups_path (fixture->store.dir), file, NULL);
  lab_backup_test_flip_byte (path, 5000);
  before = lab_backup_test_dump (db_of (fixture), NULL, NULL);

  run_app (fixture, scenario_verify_damaged);

  /* The store did not change. */
  after = lab_backup_test_dump (db_of (fixture), NULL, NULL);
  g_assert_cmpstr (before, ==, after);
}

/* Restore… through the dialog brings back deleted rows; the lists reload. */

typedef struct
{
  LabSessionsPage *page;
  guint n;
} ListWait;

static gboolean
session_list_has (gpointer data)
{
  ListWait *wait = data;
  LabSessionModel *model = lab_sessions_page_get_session_model (wait->page);

  return model != NULL && !lab_paged_model_get_loading (LAB_PAGED_MODEL (model)) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n;
}

static gint64
count_visible (Fixture *fixture)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(LabDb) db = lab_db_open_file (lab_data_dir_get_db_path (fixture->store.dir),
                                          LAB_DB_OPEN_READ_ONLY, NULL);

  filter->archived = 0;
  return lab_browse_count_sessions (db, filter, NULL);
}

static void
scenario_restore (Fixture *fixture)
{
  ListWait wait = { lab_window_get_sessions_page (fixture->window), 0 };
  GtkWidget *dialog;
  gint64 visible_before = count_visible (fixture);

  wait.n = visible_before;
  lab_test_wait_until (session_list_has, &wait);

  lab_backups_section_restore (fixture->section, fixture->backup);
  lab_test_wait_until (has_dialog, fixture->section);
  dialog = lab_backups_section_get_dialog (fixture->section);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  /* It says what changes, and the choice is styled as destructive. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "now, "));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                                               "restore"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle (fixture);

  /* Every row is back, and the session list shows them. */
  wait.n = count_visible (fixture);
  g_assert_cmpint (wait.n, >, visible_before);
  lab_test_wait_until (session_list_has, &wait);
}

static void
test_restore (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *expected = NULL;
  g_autofree char *restored = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  guint n_pre_restore = 0;

  expected = lab_backup_test_dump (db_of (fixture), NULL, NULL);
  fixture->backup = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL);
  /* Lost after the backup: three sessions, each with its rows. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM sessions WHERE id = '%s'",
                                              fixture->sessions[i]);

      g_assert_true (lab_db_exec (db_of (fixture), sql, &error));
      g_assert_no_error (error);
    }

  run_app (fixture, scenario_restore);

  restored = lab_backup_test_dump (db_of (fixture), NULL, NULL);
  g_assert_cmpstr (restored, ==, expected);

  /* The state before the restore was backed up first. */
  backups = lab_backup_list (fixture->store.dir, NULL);
  for (guint i = 0; i < backups->len; i++)
    n_pre_restore += lab_backup_info_get_kind (g_ptr_array_index (backups, i)) ==
                     LAB_BACKUP_KIND_PRE_RESTORE;
  g_assert_cmpuint (n_pre_restore, ==, 1);
}

/* Restore Sessions… restores the chosen session only. */

static gboolean
sessions_dialog_ready (gpointer data)
{
  GtkWidget *dialog = lab_backups_section_get_dialog (data);

  return LAB_IS_SESSION_PICKER (dialog) &&
         !lab_session_picker_get_loading (LAB_SESSION_PICKER (dialog));
}

static gboolean
confirm_shown (gpointer data)
{
  return ADW_IS_MESSAGE_DIALOG (lab_backups_section_get_dialog (data));
}

static void
scenario_restore_sessions (Fixture *fixture)
{
  LabSessionPicker *dialog;
  GtkWidget *confirm;
  g_autofree char *prefix = g_strndup (fixture->sessions[1], 12);

  activate (fixture, "backups.restore-sessions", fixture->backup);
  lab_test_wait_until (sessions_dialog_ready, fixture->section);
  dialog = LAB_SESSION_PICKER (lab_backups_section_get_dialog (fixture->section));
  g_assert_cmpuint (lab_session_picker_get_n_shown (dialog), ==, N_SESSIONS);
  g_assert_cmpstr (lab_session_picker_get_backup_name (dialog), ==, fixture->backup);

  /* Nothing checked: Restore is off. */
  g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (dialog), "picker.choose")));

  /* Searching by id finds the session; check it. Each page is read in a
   * thread. */
  lab_session_picker_set_query (dialog, prefix);
  lab_test_wait_until (sessions_dialog_ready, fixture->section);
  g_assert_cmpuint (lab_session_picker_get_n_shown (dialog), ==, 1);
  lab_session_picker_set_checked (dialog, fixture->sessions[1], TRUE);
  lab_session_picker_set_query (dialog, "no session has this in its title");
  lab_test_wait_until (sessions_dialog_ready, fixture->section);
  g_assert_cmpuint (lab_session_picker_get_n_shown (dialog), ==, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "picker.choose", NULL));
  lab_test_wait_until (confirm_shown, fixture->section);
  confirm = lab_backups_section_get_dialog (fixture->section);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "restore");
  gtk_window_destroy (GTK_WINDOW (confirm));
  wait_idle (fixture);
}

static void
test_restore_sessions (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *except[3] = { NULL, NULL, NULL };
  g_autofree char *others_before = NULL;
  g_autofree char *others_after = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *restored = NULL;
  g_autoptr(LabSession) gone = NULL;
  g_autoptr(GError) error = NULL;

  wanted = lab_backup_test_dump (db_of (fixture), fixture->sessions[1], NULL);
  fixture->backup = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM sessions WHERE id = '%s'",
                                              fixture->sessions[i]);

      g_assert_true (lab_db_exec (db_of (fixture), sql, &error));
      g_assert_no_error (error);
    }
  except[0] = fixture->sessions[1];
  others_before = lab_backup_test_dump (db_of (fixture), NULL, except);

  run_app (fixture, scenario_restore_sessions);

  /* The chosen session is back as it was; nothing else changed (the other
   * deleted one stays deleted). */
  restored = lab_backup_test_dump (db_of (fixture), fixture->sessions[1], NULL);
  g_assert_cmpstr (restored, ==, wanted);
  others_after = lab_backup_test_dump (db_of (fixture), NULL, except);
  g_assert_cmpstr (others_after, ==, others_before);
  gone = lab_browse_get_session (db_of (fixture), fixture->sessions[0], NULL);
  g_assert_null (gone);
}

/* A pinned backup is not deleted; unpinned, it is, after the confirmation. */

static gboolean
first_pinned (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(LabBackupInfo) info = g_list_model_get_item (lab_backups_section_get_backups (fixture->section), 0);

  return info != NULL && lab_backup_info_get_pinned (info) && list_loaded (fixture->section);
}

static gboolean
first_unpinned (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(LabBackupInfo) info = g_list_model_get_item (lab_backups_section_get_backups (fixture->section), 0);

  return info != NULL && !lab_backup_info_get_pinned (info) && list_loaded (fixture->section);
}

static gboolean
list_empty (gpointer data)
{
  return g_list_model_get_n_items (lab_backups_section_get_backups (data)) == 0 &&
         list_loaded (data);
}

static gboolean
section_idle (gpointer data)
{
  return !lab_backups_section_get_busy (data);
}

static void
scenario_pin_delete (Fixture *fixture)
{
  g_autofree char *file = g_strconcat (fixture->backup, ".db", NULL);
  g_autofree char *path = g_build_filename (lab_data_dir_get_backups_path (fixture->store.dir),
                                            file, NULL);
  g_autofree char *lock_path = g_build_filename (lab_data_dir_get_backups_path (fixture->store.dir),
                                                 ".lock", NULL);
  GtkWidget *dialog;
  gint64 until;
  int lock;

  /* While another process holds the backups folder (a backup running), Pin
   * waits in a thread: the window goes on, the pin is made once it is free. */
  lock = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (lock, >=, 0);
  g_assert_cmpint (flock (lock, LOCK_EX), ==, 0);

  /* Cancelled while it waits: nothing changes. */
  activate (fixture, "backups.toggle-pin", fixture->backup);
  g_assert_true (lab_backups_section_get_busy (fixture->section));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->section), "backups.cancel",
                                             NULL));
  lab_test_wait_until (section_idle, fixture->section);
  g_assert_false (first_pinned (fixture));

  activate (fixture, "backups.toggle-pin", fixture->backup);
  g_assert_true (lab_backups_section_get_busy (fixture->section));
  until = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (lab_backups_section_get_busy (fixture->section));
  g_assert_false (first_pinned (fixture));
  close (lock);
  lab_test_wait_until (first_pinned, fixture);
  g_assert_false (lab_backups_section_get_busy (fixture->section));

  /* Refused: no confirmation is even asked, and the backup stays. */
  activate (fixture, "backups.delete", fixture->backup);
  wait_idle (fixture);
  g_assert_null (lab_backups_section_get_dialog (fixture->section));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Unpinned, Delete asks; Cancel keeps it. */
  activate (fixture, "backups.toggle-pin", fixture->backup);
  lab_test_wait_until (first_unpinned, fixture);
  activate (fixture, "backups.delete", fixture->backup);
  dialog = lab_backups_section_get_dialog (fixture->section);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (ADW_MESSAGE_DIALOG (dialog),
                                                               "delete"),
                   ==, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle (fixture);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  activate (fixture, "backups.delete", fixture->backup);
  dialog = lab_backups_section_get_dialog (fixture->section);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  gtk_window_destroy (GTK_WINDOW (dialog));
  lab_test_wait_until (list_empty, fixture->section);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_pin_delete (Fixture       *fixture,
                 gconstpointer  data)
{
  fixture->backup = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_MANUAL);
  run_app (fixture, scenario_pin_delete);
}

/* The warning row: a good backup three days old is too old. */

static gboolean
warning_hidden (gpointer data)
{
  return !lab_backups_section_get_warning_visible (data) && list_loaded (data);
}

static void
scenario_old_backup (Fixture *fixture)
{
  g_assert_cmpuint (g_list_model_get_n_items (lab_backups_section_get_backups (fixture->section)),
                    ==, 1);
  g_assert_true (lab_backup_info_is_good (listed (fixture, 0)));
  g_assert_true (lab_backups_section_get_warning_visible (fixture->section));

  /* A new backup puts it right. */
  activate (fixture, "backups.back-up", NULL);
  lab_test_wait_until (warning_hidden, fixture->section);
}

static void
test_old_backup (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  fixture->backup = lab_backup_test_create (&fixture->store, LAB_BACKUP_KIND_AUTO);
  info = lab_backup_verify (fixture->store.dir, fixture->backup, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  lab_backup_test_set_created (&fixture->store, fixture->backup,
                               g_get_real_time () - 3 * G_TIME_SPAN_DAY);
  run_app (fixture, scenario_old_backup);
}

/* The scheduler in the application, on an injected clock a day ahead: it
 * makes an automatic backup and a notification that reaches the bus. */

typedef struct
{
  guint n_notify;
  char *summary;
  gboolean owned;
} FakeServer;

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  ((FakeServer *) data)->owned = TRUE;
}

static gboolean
name_acquired (gpointer data)
{
  return ((FakeServer *) data)->owned;
}

static void
fake_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  FakeServer *server = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      const char *summary = NULL;

      g_variant_get_child (parameters, 3, "&s", &summary);
      server->n_notify++;
      g_free (server->summary);
      server->summary = g_strdup (summary);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", server->n_notify));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "fake", "test", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const char fake_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
  "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "</interface></node>";

static gint64
day_ahead (gpointer data)
{
  return g_get_real_time () + G_TIME_SPAN_DAY;
}

static gboolean
notified (gpointer data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  FakeServer *server = ((gpointer *) data)[1];

  return server->n_notify > 0 && lab_application_get_n_notifications (fixture->app, NULL) > 0;
}

static FakeServer *the_server;

static void
scenario_scheduler (Fixture *fixture)
{
  LabScheduler *scheduler = lab_application_get_scheduler (fixture->app);
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  gpointer wait[2] = { fixture, the_server };
  const char *title = NULL;

  g_assert_nonnull (scheduler);
  g_assert_true (lab_backups_section_get_scheduler (fixture->section) == scheduler);
  /* Today's 03:00 has not come for this store (it was opened now). */
  g_assert_cmpint (lab_scheduler_get_next_run (scheduler), >, 0);

  g_settings_set_boolean (settings, "notify-on-success", TRUE);
  lab_scheduler_set_clock (scheduler, day_ahead, NULL, NULL);
  lab_scheduler_check (scheduler);

  lab_test_wait_until (notified, wait);
  g_assert_cmpuint (lab_application_get_n_notifications (fixture->app, &title), ==, 1);
  g_assert_cmpstr (title, ==, "Backup Made");
  g_assert_cmpstr (the_server->summary, ==, "Backup Made");
  lab_test_wait_until (n_backups_is_one, fixture->section);
  g_assert_cmpint (lab_backup_info_get_kind (listed (fixture, 0)), ==, LAB_BACKUP_KIND_AUTO);
}

static void
test_scheduler (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  FakeServer server = { 0 };
  GDBusInterfaceVTable vtable = { fake_method_call, NULL, NULL, { 0 } };
  guint object_id;
  guint owner_id;

  if (bus == NULL)
    {
      g_test_skip ("no session bus");
      return;
    }

  info = g_dbus_node_info_new_for_xml (fake_xml, &error);
  g_assert_no_error (error);
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                 info->interfaces[0], &vtable, &server, NULL,
                                                 &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired_cb, NULL,
                                           &server, NULL);
  lab_test_wait_until (name_acquired, &server);
  the_server = &server;

  config = lab_config_load (fixture->store.dir, &error);
  g_assert_no_error (error);
  g_assert_true (lab_config_set_string (config, LAB_CONFIG_AUTO_BACKUP_TIME, "03:00", &error));
  g_assert_true (lab_config_save (config, &error));
  g_assert_no_error (error);

  run_app (fixture, scenario_scheduler);

  /* Closed, as a person would close them: GIO's notification backend drops
   * them then. Its name vanishing with notifications still listed would
   * make GIO (2.74) free that list twice, recursing until the stack ends, in
   * whatever main loop runs next. A round trip on the bus makes sure the
   * signals have arrived before the loop runs them. */
  for (guint32 id = 1; id <= server.n_notify; id++)
    {
      g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/Notifications",
                                     "org.freedesktop.Notifications", "NotificationClosed",
                                     g_variant_new ("(uu)", id, 2), &error);
      g_assert_no_error (error);
    }
  {
    g_autoptr(GVariant) reply = NULL;

    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "GetId", NULL, NULL,
                                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error (error);
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;

  the_server = NULL;
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_free (server.summary);
}

/* Start at Login writes and removes the autostart entry. */

static GtkSwitch *
nth_switch (GtkWidget *widget,
            guint     *n)
{
  if (GTK_IS_SWITCH (widget) && (*n)-- == 0)
    return GTK_SWITCH (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSwitch *found = nth_switch (child, n);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
scenario_autostart (Fixture *fixture)
{
  g_autofree char *path = lab_background_get_autostart_path ();
  g_autofree char *contents = NULL;
  GtkWidget *group = g_object_ref_sink (g_object_new (LAB_TYPE_BACKGROUND_GROUP, NULL));
  guint n = 1;   /* Run in Background, then Start at Login */
  GtkSwitch *autostart = nth_switch (group, &n);
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);

  g_assert_nonnull (autostart);
  g_assert_false (gtk_switch_get_active (autostart));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gtk_switch_set_active (autostart, TRUE);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\nExec=labdata --background\n"));
  g_assert_true (g_settings_get_boolean (settings, "autostart"));

  gtk_switch_set_active (autostart, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_settings_get_boolean (settings, "autostart"));

  /* A folder that cannot be made: the switch goes back, nothing written. */
  {
    g_autofree char *folder = g_path_get_dirname (path);

    g_assert_cmpint (g_rmdir (folder), ==, 0);
    g_assert_true (g_file_set_contents (folder, "not a folder", -1, NULL));
    gtk_switch_set_active (autostart, TRUE);
    g_assert_false (gtk_switch_get_active (autostart));
    g_assert_false (g_settings_get_boolean (settings, "autostart"));
    g_assert_cmpint (g_unlink (folder), ==, 0);
  }

  g_object_unref (group);
}

static void
test_autostart (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *config_home = g_build_filename (fixture->store.tmp, "config", NULL);
  g_autofree char *old = g_strdup (g_getenv ("XDG_CONFIG_HOME"));

  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  run_app (fixture, scenario_autostart);
  if (old != NULL)
    g_setenv ("XDG_CONFIG_HOME", old, TRUE);
  else
    g_unsetenv ("XDG_CONFIG_HOME");
}

int
main (int    argc,
      char **argv)
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;

#define ADD(path, func) \
  g_test_add ("/labdata/gui/backup/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("back-up-now", test_back_up_now);
  /* Not last on purpose: other applications start in this process after it
   * (see test_scheduler()). */
  ADD ("scheduler-notification", test_scheduler);
  ADD ("verify-damaged", test_verify_damaged);
  ADD ("restore", test_restore);
  ADD ("restore-sessions", test_restore_sessions);
  ADD ("pin-delete", test_pin_delete);
  ADD ("old-backup-warning", test_old_backup);
  ADD ("autostart", test_autostart);

  return g_test_run ();
}
