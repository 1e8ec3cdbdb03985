/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-test-app.h"
#include "lab-test-async.h"

/* The real application, run as main() runs it, with a test step inside its
 * main loop. Every GUI test file drives the window through this. */

typedef struct
{
  LabTestAppFunc func;
  gpointer data;
  gboolean started;
  gboolean watching;
  int store_gone;
} Run;

/**
 * lab_test_reset_settings:
 *
 * Resets every key of the application's GSettings schema, so that a test
 * starts from the defaults whatever the one before it changed.
 */
void
lab_test_reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static void
store_gone_cb (gpointer  data,
               GObject  *where_the_object_was)
{
  g_atomic_int_set ((int *) data, 1);
}

static gboolean
flag_set (gpointer data)
{
  return g_atomic_int_get ((int *) data) != 0;
}

static gboolean
run_step_cb (gpointer data)
{
  Run *run = data;
  GApplication *app = g_application_get_default ();
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  LabStore *store;

  g_assert_nonnull (window);
  run->func (LAB_APPLICATION (app), LAB_WINDOW (window), run->data);

  /* Let the worker finish what the step started before closing, and know
   * when the store is gone: its last reference may be dropped by the
   * worker, after the application. */
  store = lab_application_get_store (LAB_APPLICATION (app));
  if (store != NULL)
    {
      lab_test_drain_store (store);
      g_object_weak_ref (G_OBJECT (store), store_gone_cb, &run->store_gone);
      run->watching = TRUE;
    }

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gint64
frozen_clock (gpointer data)
{
  return *(gint64 *) data;
}

/* The scheduler of automatic backups reads a clock stopped when the store
 * opened: a test that runs across the scheduled time (02:00 by default) does
 * not see a backup it did not ask for. A test of the scheduler sets its own
 * clock. */
static void
store_changed_cb (LabApplication *app,
                  GParamSpec     *pspec,
                  gpointer        data)
{
  LabScheduler *scheduler = lab_application_get_scheduler (app);
  gint64 *now;

  if (scheduler == NULL)
    return;

  now = g_new (gint64, 1);
  *now = g_get_real_time ();
  lab_scheduler_set_clock (scheduler, frozen_clock, now, g_free);
}

static void
activate_cb (GApplication *app,
             Run          *run)
{
  if (!run->started)
    g_idle_add (run_step_cb, run);
  run->started = TRUE;
}

/**
 * lab_test_run_app:
 * @data_dir: the data folder the application opens
 * @func: what to do once the window is up
 * @data: passed to @func
 *
 * Runs the real application on @data_dir as main() does, calls @func inside
 * its main loop, then quits it and waits until it has shut down properly
 * (its store finalized).
 */
void
lab_test_run_app (const char     *data_dir,
                  LabTestAppFunc  func,
                  gpointer        data)
{
  Run run = { func, data, FALSE, FALSE, 0 };
  g_autoptr(LabApplication) app = lab_application_new ();
  gulong handler;

  /* Tests run side by side on one bus: each its own instance. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  lab_application_set_data_dir (app, data_dir);
  handler = g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &run);
  g_signal_connect (app, "notify::store", G_CALLBACK (store_changed_cb), NULL);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_signal_handler_disconnect (app, handler);
  g_clear_object (&app);
  if (run.watching)
    lab_test_wait_until (flag_set, &run.store_gone);
}

/**
 * lab_test_find_descendant:
 * @widget: where to start
 * @type: the type looked for
 *
 * Returns: (transfer none) (nullable): @widget or the first descendant of
 *   @widget, depth first, that is a @type
 */
GtkWidget *
lab_test_find_descendant (GtkWidget *widget,
                          GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = lab_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}
