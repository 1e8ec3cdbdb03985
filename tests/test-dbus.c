/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "lab-backup.h"
#include "lab-browse.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* The real labdata program on the session bus: one instance, which a second
 * launch (plain or with a file) reaches instead of starting another, and
 * whose actions `gapplication action` (org.gtk.Actions) runs. Needs a display
 * and a session bus (exit 77, "skipped", without them). */

#define APP_PATH "/com/example/LabData"

typedef struct
{
  GDBusConnection *bus;
  gboolean owned;
} NameWait;

static gboolean
name_owned (gpointer data)
{
  NameWait *wait = data;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (wait->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &wait->owned);

  return wait->owned;
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  g_object_set_data (object, "exited", GINT_TO_POINTER (TRUE));
}

/* Starts watching for the process to end; process_done() says when it has. */
static void
watch (GSubprocess *process)
{
  g_subprocess_wait_async (process, NULL, exited_cb, NULL);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
launch (const char  *root,
        const char  *file)
{
  g_autofree char *program = g_build_filename (g_getenv ("LABDATA_BUILD_DIR"), "src", "labdata",
                                               NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  /* A failed test must not leave the application running (and meson
   * waiting for it): it ends with the test. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, program, "--data-dir", root, file,
                                         NULL);
  g_assert_no_error (error);
  watch (process);
  return process;
}

static void
activate_action (GDBusConnection *bus,
                 const char      *action)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* What `gapplication action com.example.LabData ACTION` sends. */
  reply = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", action, NULL, NULL), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  GDBusConnection *bus;
  const char *action;
} ActionWait;

/* An action is enabled once the application can run it (load-demo once the
 * store is open); activating a disabled one does nothing. */
static gboolean
action_enabled (gpointer data)
{
  ActionWait *wait = data;
  g_autoptr(GVariant) reply = NULL;
  gboolean enabled = FALSE;

  reply = g_dbus_connection_call_sync (wait->bus, APP_ID, APP_PATH, "org.gtk.Actions", "Describe",
                                       g_variant_new ("(s)", wait->action),
                                       G_VARIANT_TYPE ("((bgav))"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "((bg@av))", &enabled, NULL, NULL);

  return enabled;
}

typedef struct
{
  const char *db_path;
  gint64 count;
} CountWait;

static gboolean
store_has_sessions (gpointer data)
{
  CountWait *wait = data;
  g_autoptr(LabDb) db = lab_db_open_file (wait->db_path, LAB_DB_OPEN_READ_ONLY, NULL);
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();

  if (db == NULL)
    return FALSE;

  wait->count = lab_browse_count_sessions (db, filter, NULL);
  return wait->count > 0;
}

static gboolean
process_done (gpointer data)
{
  return g_object_get_data (data, "exited") != NULL;
}

static void
wait_exit_ok (GSubprocess *process)
{
  lab_test_wait_until (process_done, process);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_single_instance (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocess) primary = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GSubprocess) opener = NULL;
  g_autofree char *archive = g_build_filename (store->tmp, "export.labdata", NULL);
  NameWait name_wait = { bus, FALSE };
  CountWait count_wait = { lab_data_dir_get_db_path (store->dir), 0 };

  primary = launch (store->root, NULL);
  g_test_message ("waiting for %s on the bus", APP_ID);
  lab_test_wait_until (name_owned, &name_wait);

  /* A second launch hands over to the running instance and ends. */
  g_test_message ("a second launch");
  second = launch (store->root, NULL);
  wait_exit_ok (second);
  g_assert_false (process_done (primary));

  /* So does opening a file (the import preview of a later issue). */
  g_assert_true (g_file_set_contents (archive, "PK", 2, NULL));
  opener = launch (store->root, archive);
  wait_exit_ok (opener);
  g_assert_false (process_done (primary));

  /* Actions of the running application over D-Bus. */
  g_test_message ("app.load-demo");
  lab_test_wait_until (action_enabled, &(ActionWait) { bus, "load-demo" });
  activate_action (bus, "load-demo");
  lab_test_wait_until (store_has_sessions, &count_wait);
  g_assert_cmpint (count_wait.count, >, 100);

  g_test_message ("app.quit");
  activate_action (bus, "quit");
  wait_exit_ok (primary);
}

static gboolean
has_backup (gpointer data)
{
  LabDataDir *dir = data;
  g_autoptr(GPtrArray) backups = lab_backup_list (dir, NULL);

  return backups != NULL && backups->len > 0 && lab_backup_info_is_good (g_ptr_array_index (backups, 0));
}

/* `labdata --background`: no window, kept running; `gapplication action
 * com.example.LabData backup` makes a verified backup in it, and `quit`
 * ends it with status 0. */
static void
test_background (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GSubprocess) process = NULL;
  NameWait name_wait = { bus, FALSE };

  process = launch (store->root, "--background");
  lab_test_wait_until (name_owned, &name_wait);

  lab_test_wait_until (action_enabled, &(ActionWait) { bus, "backup" });
  g_assert_false (process_done (process));
  activate_action (bus, "backup");
  lab_test_wait_until (has_backup, store->dir);

  activate_action (bus, "quit");
  wait_exit_ok (process);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDBusConnection) bus = NULL;

  g_test_init (&argc, &argv, NULL);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL || g_getenv ("DISPLAY") == NULL)
    return 77;

  g_test_add ("/labdata/gui/dbus/single-instance", LabTestStore, NULL, lab_test_store_setup,
              test_single_instance, lab_test_store_teardown);
  g_test_add ("/labdata/gui/dbus/background", LabTestStore, NULL, lab_test_store_setup,
              test_background, lab_test_store_teardown);

  return g_test_run ();
}
