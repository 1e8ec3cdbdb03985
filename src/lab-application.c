/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application-private.h"
#include "lab-archive-actions.h"
#include "lab-health-monitor.h"
#include "lab-migrate-offer.h"
#include "lab-window.h"

/**
 * LabApplication:
 *
 * LabData's one instance per session bus (D-Bus activatable). It resolves the
 * data folder (--data-dir, then $LABDATA_DIR, then the XDG data folder),
 * opens the store off the main thread at start-up and keeps it; windows show
 * it, or why it could not be opened. Its actions are in
 * lab-application-actions.c so that `gapplication action` reaches them.
 */
G_DEFINE_FINAL_TYPE (LabApplication, lab_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DATA_DIR,
  PROP_STORE,
  PROP_ERROR_MESSAGE,
  PROP_DEMO_PROGRESS,
  PROP_SCHEDULER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the data folder DIR instead of $LABDATA_DIR or ~/.local/share/labdata"),
    N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start without a window and keep running for scheduled backups"), NULL },
  { NULL }
};

static void
set_error_message (LabApplication *self,
                   const char     *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LabApplication) self = user_data;
  LabStore *store = LAB_STORE (object);
  g_autoptr(GError) error = NULL;

  if (!lab_store_open_finish (store, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error_message (self, error->message);
      return;
    }

  set_error_message (self, NULL);
  g_clear_object (&self->opening);
  _lab_application_start_scheduler (self, store);
  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);

  lab_health_monitor_start_up_check (store);

  /* Actions on the store work from now on. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                            "load-demo")),
                               TRUE);

  lab_migrate_offer_check (self);
}

static void
apply_color_scheme (LabApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK
  };
  guint scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (scheme, G_N_ELEMENTS (schemes) - 1)]);
}

static int
lab_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  LabApplication *self = LAB_APPLICATION (app);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("labdata %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      if (data_dir[0] == '\0')
        {
          g_printerr (_("--data-dir needs a folder\n"));
          return 2;
        }
      lab_application_set_data_dir (self, data_dir);
    }

  if (g_variant_dict_contains (options, "background"))
    _lab_application_set_background (self);

  return G_APPLICATION_CLASS (lab_application_parent_class)->handle_local_options (app, options);
}

static void
lab_application_startup (GApplication *app)
{
  LabApplication *self = LAB_APPLICATION (app);
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.toggle-details", { "F9", NULL } },
    { "win.toggle-star", { "<Control>d", NULL } },
    { "win.toggle-archive", { "<Control>e", NULL } },
    { "win.show-sessions", { "<Alt>1", NULL } },
    { "win.show-data", { "<Alt>2", NULL } },
    { "win.reload", { "F5", "<Control>r", NULL } },
    { "app.export", { "<Shift><Control>e", NULL } },
    { "app.import", { "<Control>o", NULL } },
  };

  G_APPLICATION_CLASS (lab_application_parent_class)->startup (app);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);

  _lab_application_install_actions (self);
  _lab_application_backup_startup (self);

  /* Opened here, off the main thread, so that the window can show at once. */
  lab_application_open_store (self);
}

static void
lab_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (_lab_application_activate_background (LAB_APPLICATION (app)))
    return;

  if (window == NULL)
    window = GTK_WINDOW (lab_window_new (LAB_APPLICATION (app)));

  gtk_window_present (window);
}

static void
lab_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  /* The window first: the import preview of the file shows over it. */
  g_application_activate (app);
  lab_archive_actions_open_files (LAB_APPLICATION (app), files, n_files);
}

static void
lab_application_dispose (GObject *object)
{
  LabApplication *self = (LabApplication *) object;

  g_cancellable_cancel (self->cancellable);
  _lab_application_backup_shutdown (self);
  g_clear_object (&self->opening);
  g_clear_object (&self->store);
  g_clear_object (&self->dir);
  g_clear_object (&self->demo_progress);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_application_parent_class)->dispose (object);
}

static void
lab_application_finalize (GObject *object)
{
  LabApplication *self = (LabApplication *) object;

  g_clear_object (&self->cancellable);
  g_free (self->data_dir_option);
  g_free (self->error_message);

  G_OBJECT_CLASS (lab_application_parent_class)->finalize (object);
}

static void
lab_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabApplication *self = LAB_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, lab_application_get_data_dir (self));
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_DEMO_PROGRESS:
      g_value_set_object (value, self->demo_progress);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_application_class_init (LabApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lab_application_dispose;
  object_class->finalize = lab_application_finalize;
  object_class->get_property = lab_application_get_property;

  app_class->handle_local_options = lab_application_handle_local_options;
  app_class->startup = lab_application_startup;
  app_class->activate = lab_application_activate;
  app_class->open = lab_application_open;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO_PROGRESS] =
    g_param_spec_object ("demo-progress", NULL, NULL, LAB_TYPE_PROGRESS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, LAB_TYPE_SCHEDULER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_application_init (LabApplication *self)
{
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Browse and search an AI research lab’s data."));
}

/**
 * lab_application_new:
 *
 * Returns: (transfer full): the application
 */
LabApplication *
lab_application_new (void)
{
  return g_object_new (LAB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/com/example/LabData",
                       NULL);
}

/**
 * lab_application_set_data_dir:
 * @path: (nullable): the data folder; %NULL for $LABDATA_DIR or the default
 *
 * What --data-dir sets; call it before the application starts.
 */
void
lab_application_set_data_dir (LabApplication *self,
                              const char     *path)
{
  g_return_if_fail (LAB_IS_APPLICATION (self));

  g_free (self->data_dir_option);
  self->data_dir_option = g_strdup (path);
  g_clear_object (&self->dir);
}

static LabDataDir *
get_dir (LabApplication *self)
{
  if (self->dir == NULL)
    self->dir = lab_data_dir_resolve (self->data_dir_option);

  return self->dir;
}

/**
 * lab_application_get_data_dir:
 *
 * Returns: the data folder the application uses
 */
const char *
lab_application_get_data_dir (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);

  return lab_data_dir_get_root (get_dir (self));
}

/**
 * lab_application_get_store:
 *
 * Returns: (transfer none) (nullable): the store, once it is open
 */
LabStore *
lab_application_get_store (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->store;
}

/**
 * lab_application_get_error_message:
 *
 * Returns: (nullable): why the store could not be opened
 */
const char *
lab_application_get_error_message (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->error_message;
}

/**
 * lab_application_get_demo_progress:
 *
 * Returns: (transfer none) (nullable): the progress of demo data being
 *   loaded, while it is
 */
LabProgress *
lab_application_get_demo_progress (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->demo_progress;
}

void
_lab_application_set_demo_progress (LabApplication *self,
                                    LabProgress    *progress)
{
  if (g_set_object (&self->demo_progress, progress))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO_PROGRESS]);
}

/**
 * lab_application_open_store:
 *
 * Opens the store (again, after a failure: "Try Again").
 */
void
lab_application_open_store (LabApplication *self)
{
  g_return_if_fail (LAB_IS_APPLICATION (self));

  if (self->store != NULL)
    return;

  if (self->opening == NULL)
    self->opening = lab_store_new (get_dir (self));

  /* Windows show the spinner again while it tries. */
  set_error_message (self, NULL);

  lab_store_open_async (self->opening, self->cancellable, open_cb, g_object_ref (self));
}

/**
 * lab_application_get_dir:
 *
 * Returns: (transfer none): the data folder the application uses, with
 *   where its choice came from (lab_data_dir_get_origin())
 */
LabDataDir *
lab_application_get_dir (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return get_dir (self);
}

/**
 * lab_application_switch_data_dir:
 * @dir: the data folder to use from now on (after it was moved there)
 *
 * Closes the store and opens the one in @dir; the windows' pages take the
 * new store through their `store` property.
 */
void
lab_application_switch_data_dir (LabApplication *self,
                                 LabDataDir     *dir)
{
  g_return_if_fail (LAB_IS_APPLICATION (self));
  g_return_if_fail (LAB_IS_DATA_DIR (dir));

  g_set_object (&self->dir, dir);
  g_clear_object (&self->opening);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATA_DIR]);

  if (self->store != NULL)
    {
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                                "load-demo")),
                                   FALSE);
      g_clear_object (&self->store);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }

  lab_application_open_store (self);
}
