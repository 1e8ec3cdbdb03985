/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-archive-actions.h"
#include "lab-window.h"

/**
 * LabWindow:
 *
 * The main window: a header bar with the view switcher and the primary
 * menu, the "Sessions" and "Data" pages, and the loading and error pages for
 * a store that is still opening or cannot be opened. It holds the `win.*`
 * actions and gives the pages the application's store; it never runs SQL.
 */
struct _LabWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;
  gboolean app_connected;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  LabErrorPage *error_page;
  AdwViewStack *view_stack;
  LabSessionsPage *sessions_page;
  LabDataPage *data_page;
};

G_DEFINE_FINAL_TYPE (LabWindow, lab_window, ADW_TYPE_APPLICATION_WINDOW)

static LabApplication *
get_application (LabWindow *self)
{
  return LAB_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
set_action_enabled (LabWindow  *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (LabWindow *self)
{
  gboolean browsing = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "browse") == 0;
  gboolean on_sessions = browsing &&
                         g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                                    "sessions") == 0;
  gboolean has_session = lab_sessions_page_get_session (self->sessions_page) != NULL;

  set_action_enabled (self, "search", browsing);
  set_action_enabled (self, "toggle-details", on_sessions && has_session);
  set_action_enabled (self, "toggle-star", on_sessions && has_session);
  set_action_enabled (self, "toggle-archive", on_sessions && has_session);
  set_action_enabled (self, "show-sessions", browsing);
  set_action_enabled (self, "show-data", browsing);
  set_action_enabled (self, "reload", browsing);
  set_action_enabled (self, "retry", !browsing);
}

/* Shows the store, or why it cannot be opened, or that it is opening. */
static void
update_state (LabWindow *self)
{
  LabApplication *app = get_application (self);
  LabStore *store = lab_application_get_store (app);
  const char *error = lab_application_get_error_message (app);

  if (store != NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "browse");
  else if (error != NULL)
    {
      lab_error_page_set_problem (self->error_page, lab_application_get_data_dir (app), error);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
    }
  else
    gtk_stack_set_visible_child_name (self->main_stack, "loading");

  lab_sessions_page_set_store (self->sessions_page, store);
  lab_data_page_set_store (self->data_page, store);
  update_actions (self);
}

static void
demo_progress_cb (LabWindow *self)
{
  lab_sessions_page_set_demo_progress (self->sessions_page,
                                       lab_application_get_demo_progress (get_application (self)));
}

static void
view_changed_cb (LabWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);
  gboolean on_sessions = g_strcmp0 (name, "sessions") == 0;

  /* The stack picks its first page while the template is built. */
  if (!self->app_connected)
    return;

  /* Typing starts a search only where the results show. */
  lab_sessions_page_set_key_capture_widget (self->sessions_page,
                                            on_sessions ? GTK_WIDGET (self) : NULL);
  if (!on_sessions)
    lab_sessions_page_set_search_mode (self->sessions_page, FALSE);

  if (name != NULL)
    g_settings_set_string (self->settings, "last-view", name);

  update_actions (self);
}

static void
session_changed_cb (LabWindow *self)
{
  if (self->app_connected)
    update_actions (self);
}

static void
search_mode_cb (LabWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "search");
  gboolean search_mode = lab_sessions_page_get_search_mode (self->sessions_page);

  if (action == NULL)
    return;

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (search_mode));
}

/* Actions */

static void
search_change_state (GSimpleAction *action,
                     GVariant      *state,
                     gpointer       user_data)
{
  LabWindow *self = user_data;
  gboolean search = g_variant_get_boolean (state);

  if (search)
    adw_view_stack_set_visible_child_name (self->view_stack, "sessions");
  lab_sessions_page_set_search_mode (self->sessions_page, search);
  g_simple_action_set_state (action, state);
}

static void
toggle_details_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  lab_sessions_page_toggle_details (LAB_WINDOW (user_data)->sessions_page);
}

static void
toggle_star_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  lab_sessions_page_toggle_flag (LAB_WINDOW (user_data)->sessions_page, "starred");
}

static void
toggle_archive_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  lab_sessions_page_toggle_flag (LAB_WINDOW (user_data)->sessions_page, "archived");
}

static void
show_sessions_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  lab_window_show_view (LAB_WINDOW (user_data), "sessions");
}

static void
show_data_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  lab_window_show_view (LAB_WINDOW (user_data), "data");
}

static void
reload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  lab_sessions_page_reload (LAB_WINDOW (user_data)->sessions_page);
}

static void
retry_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  lab_application_open_store (get_application (LAB_WINDOW (user_data)));
}

static void
toast_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  lab_window_add_toast (LAB_WINDOW (user_data),
                        adw_toast_new (g_variant_get_string (parameter, NULL)));
}

static void
set_session_flag_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  LabWindow *self = user_data;
  const char *session_id;
  const char *flag;
  gboolean value;

  g_variant_get (parameter, "(&s&sb)", &session_id, &flag, &value);
  if (g_strcmp0 (flag, "starred") != 0 && g_strcmp0 (flag, "archived") != 0)
    return;

  lab_sessions_page_set_flag (self->sessions_page, session_id, flag, value);
}

static void
open_session_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  LabWindow *self = user_data;
  const char *session_id;
  gint64 sequence;

  g_variant_get (parameter, "(&sx)", &session_id, &sequence);
  lab_window_show_view (self, "sessions");
  lab_sessions_page_open_session (self->sessions_page, session_id, sequence);
}

static void
clear_recent_searches_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  LabWindow *self = user_data;

  g_settings_reset (self->settings, "recent-searches");
}

static const GActionEntry actions[] = {
  { .name = "search", .state = "false", .change_state = search_change_state },
  { .name = "toggle-details", .activate = toggle_details_action },
  { .name = "toggle-star", .activate = toggle_star_action },
  { .name = "toggle-archive", .activate = toggle_archive_action },
  { .name = "show-sessions", .activate = show_sessions_action },
  { .name = "show-data", .activate = show_data_action },
  { .name = "reload", .activate = reload_action },
  { .name = "retry", .activate = retry_action },
  { .name = "toast", .parameter_type = "s", .activate = toast_action },
  { .name = "set-session-flag", .parameter_type = "(ssb)", .activate = set_session_flag_action },
  { .name = "open-session", .parameter_type = "(sx)", .activate = open_session_action },
  { .name = "clear-recent-searches", .activate = clear_recent_searches_action },
};

/* Window size */

static void
restore_size (LabWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
lab_window_close_request (GtkWindow *window)
{
  LabWindow *self = LAB_WINDOW (window);
  int width, height;

  /* The unmaximized size, so that unmaximizing next time looks right. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (lab_window_parent_class)->close_request (window);
}

/* GtkWindow:application is not a construct property, so the window follows
 * the application from the moment it is set. */
static void
application_set_cb (LabWindow *self)
{
  LabApplication *app = get_application (self);
  g_autofree char *last_view = NULL;

  if (app == NULL || self->app_connected)
    return;

  self->app_connected = TRUE;
  g_signal_connect_object (app, "notify::store", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::error-message", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::demo-progress", G_CALLBACK (demo_progress_cb), self,
                           G_CONNECT_SWAPPED);

  last_view = g_settings_get_string (self->settings, "last-view");
  if (adw_view_stack_get_child_by_name (self->view_stack, last_view) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, last_view);
  view_changed_cb (self);

  update_state (self);
  demo_progress_cb (self);
}

static void
lab_window_dispose (GObject *object)
{
  LabWindow *self = (LabWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_window_parent_class)->dispose (object);
}

static void
lab_window_class_init (LabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_window_dispose;
  window_class->close_request = lab_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/LabData/lab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LabWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, sessions_page);
  gtk_widget_class_bind_template_child (widget_class, LabWindow, data_page);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, session_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);

  g_type_ensure (LAB_TYPE_DATA_PAGE);
  g_type_ensure (LAB_TYPE_ERROR_PAGE);
  g_type_ensure (LAB_TYPE_SESSIONS_PAGE);
}

static void
lab_window_init (LabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  lab_archive_actions_install_window (self);
  restore_size (self);

  g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), NULL);
}

/**
 * lab_window_new:
 *
 * Returns: (transfer full): a new window of @application
 */
LabWindow *
lab_window_new (LabApplication *application)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (application), NULL);

  return g_object_new (LAB_TYPE_WINDOW, "application", application, NULL);
}

/**
 * lab_window_add_toast:
 * @toast: (transfer full): the toast
 */
void
lab_window_add_toast (LabWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (LAB_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * lab_window_show_view:
 * @name: "sessions" or "data" (or a page a later issue adds)
 */
void
lab_window_show_view (LabWindow  *self,
                      const char *name)
{
  g_return_if_fail (LAB_IS_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/**
 * lab_window_get_visible_state:
 *
 * Returns: "loading", "error" or "browse"
 */
const char *
lab_window_get_visible_state (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

LabSessionsPage *
lab_window_get_sessions_page (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->sessions_page;
}

LabDataPage *
lab_window_get_data_page (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);
  return self->data_page;
}

/**
 * lab_window_get_error_page:
 *
 * Returns: (transfer none): the page shown when the store cannot be opened
 */
LabErrorPage *
lab_window_get_error_page (LabWindow *self)
{
  g_return_val_if_fail (LAB_IS_WINDOW (self), NULL);

  return self->error_page;
}
