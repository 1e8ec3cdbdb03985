/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application-private.h"
#include "lab-archive-actions.h"
#include "lab-migrate-assistant.h"
#include "lab-preferences-window.h"
#include "lab-window.h"

/* The demo data "Load Demo Data" adds: enough to browse and search, with one
 * long chat log to show that a large session opens at once. */
#define DEMO_SESSIONS 120
#define DEMO_MESSAGES_PER_SESSION 80
#define DEMO_LARGE_SESSION 3000

static GtkWindow *
get_window (LabApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = gtk_application_get_active_window (GTK_APPLICATION (self));
    }

  return window;
}

static void
toast (LabApplication *self,
       const char     *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (LAB_IS_WINDOW (window))
    lab_window_add_toast (LAB_WINDOW (window), adw_toast_new (message));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  LabApplication *self = user_data;
  LabPreferencesWindow *preferences = lab_preferences_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (preferences), get_window (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  LabApplication *self = user_data;

  gtk_widget_activate_action (GTK_WIDGET (get_window (self)), "win.show-help-overlay", NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  LabApplication *self = user_data;
  const char *developers[] = { _("The LabData developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_window (self),
                        "application-name", _("LabData"),
                        "application-icon", "com.example.LabData",
                        "developer-name", _("The LabData developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Keeps an AI research lab’s sessions, chat logs and "
                                      "agent activity safe and browsable."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your name and e-mail, one translator a line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LabApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closed, not destroyed, so that each saves its size. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_application_quit (G_APPLICATION (self));
}

static void
show_window_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
load_demo_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LabApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "load-demo");
  LabDemoStats stats = { 0 };

  _lab_application_set_demo_progress (self, NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), TRUE);
  g_application_release (G_APPLICATION (self));

  if (!lab_store_load_demo_finish (LAB_STORE (object), result, &stats, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not load the demo data: %s"),
                                                      error->message);

          toast (self, message);
        }
      return;
    }

  {
    g_autofree char *count = g_strdup_printf ("%'" G_GUINT64_FORMAT, stats.sessions);
    g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Loaded %s demo session",
                                                             "Loaded %s demo sessions",
                                                             stats.sessions),
                                                count);

    toast (self, message);
  }
}

static void
load_demo_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  LabApplication *self = user_data;
  g_autoptr(LabProgress) progress = lab_progress_new ();
  LabDemoOptions options;

  if (self->store == NULL)
    return;

  lab_demo_options_init (&options);
  options.n_sessions = DEMO_SESSIONS;
  options.messages_per_session = DEMO_MESSAGES_PER_SESSION;
  options.large_session = DEMO_LARGE_SESSION;
  /* Different data each time it is loaded into the same store. */
  options.seed = g_random_int ();

  g_simple_action_set_enabled (action, FALSE);
  _lab_application_set_demo_progress (self, progress);

  /* Long work keeps the application alive even if the window closes. */
  g_application_hold (G_APPLICATION (self));
  lab_store_load_demo_async (self->store, &options, progress, self->cancellable,
                             load_demo_cb, g_object_ref (self));
}

static void
migrate_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  LabApplication *self = user_data;
  const char *paths[2] = { NULL, NULL };
  LabMigrateAssistant *assistant;

  /* With a path: that folder or file; without: the usual places. */
  if (parameter != NULL)
    paths[0] = g_variant_get_string (parameter, NULL);

  get_window (self);
  assistant = lab_migrate_assistant_new (self, paths[0] != NULL ? paths : NULL, NULL);
  gtk_window_present (GTK_WINDOW (assistant));
}

void
_lab_application_install_actions (LabApplication *self)
{
  static const GActionEntry entries[] = {
    { .name = "preferences", .activate = preferences_action },
    { .name = "shortcuts", .activate = shortcuts_action },
    { .name = "about", .activate = about_action },
    { .name = "quit", .activate = quit_action },
    { .name = "show-window", .activate = show_window_action },
    { .name = "load-demo", .activate = load_demo_action },
    { .name = "migrate", .activate = migrate_action },
    { .name = "migrate-from", .parameter_type = "s", .activate = migrate_action },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  _lab_application_install_backup_actions (self);
  lab_archive_actions_install_app (self);

  /* Until the store is open. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "load-demo")),
                               self->store != NULL);
}
