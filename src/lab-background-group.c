/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-background-group"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-application.h"
#include "lab-background-group.h"
#include "lab-config.h"
#include "lab-fileutil.h"

/**
 * LabBackgroundGroup:
 *
 * Preferences of the background mode: Run in Background, Start at Login (an
 * autostart entry, or the Background portal when sandboxed), Notify About
 * Successful Backups (GSettings), and the store's automatic-backup policy
 * (config.json: enabled, time of day, compression, retention days), which
 * the scheduler reads at each check.
 */
struct _LabBackgroundGroup
{
  AdwPreferencesGroup parent_instance;

  GSettings *settings;
  LabConfig *config;
  gboolean updating;

  GtkSwitch *background_switch;
  GtkSwitch *autostart_switch;
  GtkSwitch *notify_switch;
  AdwExpanderRow *auto_row;
  GtkSpinButton *hour_spin;
  GtkSpinButton *minute_spin;
  AdwComboRow *compression_row;
  GtkSpinButton *days_spin;
};

G_DEFINE_FINAL_TYPE (LabBackgroundGroup, lab_background_group, ADW_TYPE_PREFERENCES_GROUP)

static const char *const compressions[] = { "none", "gzip", "zstd" };

#define AUTOSTART_CONTENTS \
  "[Desktop Entry]\n" \
  "Type=Application\n" \
  "Name=LabData\n" \
  "Comment=Scheduled backups of the lab’s data\n" \
  "Exec=labdata --background\n" \
  "Icon=" APP_ID "\n" \
  "NoDisplay=true\n" \
  "X-GNOME-Autostart-enabled=true\n"

static gboolean
is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * lab_background_get_autostart_path:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/autostart/com.example.LabData.desktop`
 */
char *
lab_background_get_autostart_path (void)
{
  const char *config = g_getenv ("XDG_CONFIG_HOME");

  /* Read each time (not g_get_user_config_dir(), which keeps the first
   * answer), so that tests can point it elsewhere. */
  if (config == NULL || !g_path_is_absolute (config))
    config = g_get_user_config_dir ();

  return g_build_filename (config, "autostart", APP_ID ".desktop", NULL);
}

static gboolean
autostart_exists (void)
{
  g_autofree char *path = lab_background_get_autostart_path ();

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
portal_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_warning ("The Background portal refused: %s", error->message);
}

/* Sandboxed, the autostart folder is not ours: the portal writes the entry. */
static gboolean
request_background (gboolean   enabled,
                    GError   **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  GVariantBuilder options;
  const char *commandline[] = { "labdata", "--background", NULL };

  if (bus == NULL)
    return FALSE;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Make scheduled backups of the lab’s data")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline",
                         g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, portal_cb, NULL);
  return TRUE;
}

/**
 * lab_background_set_autostart:
 * @enabled: whether LabData starts in the background at login
 *
 * Writes (atomically) or removes the autostart entry that runs
 * `labdata --background`; when sandboxed, asks the Background portal.
 */
gboolean
lab_background_set_autostart (gboolean   enabled,
                              GError   **error)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  if (is_sandboxed ())
    return request_background (enabled, error);

  path = lab_background_get_autostart_path ();
  folder = g_path_get_dirname (path);

  if (enabled)
    {
      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot create the folder %s: %s"), folder, g_strerror (saved_errno));
          return FALSE;
        }
      return lab_file_replace_contents (path, AUTOSTART_CONTENTS, strlen (AUTOSTART_CONTENTS),
                                        error);
    }

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot remove %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  /* The removal is done; a folder that cannot be synced changes nothing. */
  lab_fsync_dir (folder, NULL);
  return TRUE;
}

static void
show_error (LabBackgroundGroup *self,
            const char         *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void
autostart_toggled_cb (LabBackgroundGroup *self)
{
  gboolean active = gtk_switch_get_active (self->autostart_switch);
  g_autoptr(GError) error = NULL;

  if (self->updating)
    return;

  /* Already so (a change put back after a failure arrives here too). */
  if (!is_sandboxed () && active == autostart_exists ())
    {
      g_settings_set_boolean (self->settings, "autostart", active);
      return;
    }

  if (!lab_background_set_autostart (active, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not change the start at login: %s"),
                                                  error->message);

      self->updating = TRUE;
      gtk_switch_set_active (self->autostart_switch, !active);
      self->updating = FALSE;
      show_error (self, message);
      return;
    }

  g_settings_set_boolean (self->settings, "autostart", active);
}

static LabDataDir *
get_dir (void)
{
  GApplication *app = g_application_get_default ();
  LabStore *store = LAB_IS_APPLICATION (app) ? lab_application_get_store (LAB_APPLICATION (app))
                                             : NULL;

  return store ? lab_store_get_data_dir (store) : NULL;
}

static void
load_policy (LabBackgroundGroup *self)
{
  LabDataDir *dir = get_dir ();
  g_autoptr(GError) error = NULL;
  const char *compression;
  int hour = 2;
  int minute = 0;

  g_clear_object (&self->config);
  if (dir != NULL)
    self->config = lab_config_load (dir, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->auto_row), self->config != NULL);
  if (self->config == NULL)
    {
      adw_expander_row_set_subtitle (self->auto_row,
                                     error ? error->message : _("The data folder is not open"));
      return;
    }

  self->updating = TRUE;
  adw_expander_row_set_enable_expansion (self->auto_row,
                                         lab_config_get_boolean (self->config,
                                                                 LAB_CONFIG_AUTO_BACKUP_ENABLED));
  lab_config_parse_time (lab_config_get_string (self->config, LAB_CONFIG_AUTO_BACKUP_TIME),
                         &hour, &minute);
  gtk_spin_button_set_value (self->hour_spin, hour);
  gtk_spin_button_set_value (self->minute_spin, minute);
  compression = lab_config_get_string (self->config, LAB_CONFIG_AUTO_BACKUP_COMPRESSION);
  for (guint i = 0; i < G_N_ELEMENTS (compressions); i++)
    {
      if (g_strcmp0 (compression, compressions[i]) == 0)
        adw_combo_row_set_selected (self->compression_row, i);
    }
  gtk_spin_button_set_value (self->days_spin,
                             lab_config_get_int (self->config, LAB_CONFIG_BACKUP_DAYS));
  self->updating = FALSE;
}

static void
policy_changed_cb (LabBackgroundGroup *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *time = NULL;
  guint selected;
  GApplication *app = g_application_get_default ();

  if (self->updating || self->config == NULL)
    return;

  time = g_strdup_printf ("%02d:%02d", gtk_spin_button_get_value_as_int (self->hour_spin),
                          gtk_spin_button_get_value_as_int (self->minute_spin));
  selected = MIN (adw_combo_row_get_selected (self->compression_row),
                  G_N_ELEMENTS (compressions) - 1);

  if (!lab_config_set_boolean (self->config, LAB_CONFIG_AUTO_BACKUP_ENABLED,
                               adw_expander_row_get_enable_expansion (self->auto_row), &error) ||
      !lab_config_set_string (self->config, LAB_CONFIG_AUTO_BACKUP_TIME, time, &error) ||
      !lab_config_set_string (self->config, LAB_CONFIG_AUTO_BACKUP_COMPRESSION,
                              compressions[selected], &error) ||
      !lab_config_set_int (self->config, LAB_CONFIG_BACKUP_DAYS,
                           gtk_spin_button_get_value_as_int (self->days_spin), &error) ||
      !lab_config_save (self->config, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the backup policy: %s"),
                                                  error->message);

      show_error (self, message);
      load_policy (self);
      return;
    }

  /* The scheduler reads the policy at each check: now, so that the next
   * scheduled time shows at once. */
  if (LAB_IS_APPLICATION (app) && lab_application_get_scheduler (LAB_APPLICATION (app)) != NULL)
    lab_scheduler_check (lab_application_get_scheduler (LAB_APPLICATION (app)));
}

static gboolean
minute_output_cb (LabBackgroundGroup *self,
                  GtkSpinButton      *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
lab_background_group_dispose (GObject *object)
{
  LabBackgroundGroup *self = (LabBackgroundGroup *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_BACKGROUND_GROUP);
  g_clear_object (&self->settings);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (lab_background_group_parent_class)->dispose (object);
}

static void
lab_background_group_class_init (LabBackgroundGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_background_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-background-group.ui");
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, background_switch);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, notify_switch);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, auto_row);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, compression_row);
  gtk_widget_class_bind_template_child (widget_class, LabBackgroundGroup, days_spin);
  gtk_widget_class_bind_template_callback (widget_class, autostart_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, policy_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, minute_output_cb);
}

static void
lab_background_group_init (LabBackgroundGroup *self)
{
  g_autofree char *autostart = lab_background_get_autostart_path ();

  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-on-success", self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* The entry on disk is the truth (it may have been removed by hand);
   * sandboxed, the portal keeps it and the setting remembers the choice. */
  gtk_switch_set_active (self->autostart_switch,
                         is_sandboxed () ? g_settings_get_boolean (self->settings, "autostart")
                                         : g_file_test (autostart, G_FILE_TEST_EXISTS));
  self->updating = FALSE;

  load_policy (self);
}
