/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cleanup-group"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-cleanup-group.h"
#include "lab-config.h"

/**
 * LabCleanupGroup:
 *
 * Preferences, "Cleanup" page: the store's retention policies (how old
 * archived sessions, snapshots, analytics, archives, logs and backups get
 * before a clean-up deletes them, and how many backups are always kept) and
 * the automatic clean-up after the nightly backup. They live in the store's
 * config/config.json, shared with `labdata-cli config` and moved with the
 * data, so each change is written through #LabConfig at once (the file read
 * again first, so that a change the CLI made meanwhile is kept).
 */
struct _LabCleanupGroup
{
  AdwPreferencesGroup parent_instance;

  LabDataDir *dir;
  GHashTable *editors;   /* config key → GtkSpinButton or GtkSwitch */
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (LabCleanupGroup, lab_cleanup_group, ADW_TYPE_PREFERENCES_GROUP)

static const struct
{
  const char *key;
  const char *title;
  const char *subtitle;
  gboolean days;
} policies[] = {
  { LAB_CONFIG_AUTO_CLEANUP, N_("Clean Up After the _Nightly Backup"),
    N_("Apply these policies after each automatic backup"), FALSE },
  { LAB_CONFIG_ARCHIVED_SESSION_DAYS, N_("_Archived Sessions"),
    N_("Deleted with their files this many days after their last activity"), TRUE },
  { LAB_CONFIG_SNAPSHOT_DAYS, N_("_Snapshots"),
    N_("Snapshots that are not starred, after this many days"), TRUE },
  { LAB_CONFIG_ANALYTICS_DAYS, N_("Analytics _Events"), N_("After this many days"), TRUE },
  { LAB_CONFIG_ARCHIVE_DAYS, N_("E_xport Archives"),
    N_("Archives in the data folder, after this many days"), TRUE },
  { LAB_CONFIG_LOG_DAYS, N_("_Logs"), N_("After this many days"), TRUE },
  { LAB_CONFIG_BACKUP_DAYS, N_("_Backups"),
    N_("After this many days; pinned backups are kept"), TRUE },
  { LAB_CONFIG_BACKUP_KEEP_MIN, N_("Backups Always _Kept"),
    N_("The newest backups kept whatever their age"), FALSE },
};

static void
show_error (LabCleanupGroup *self,
            const GError    *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *message = g_strdup_printf (_("Could not save the policy: %s"),
                                              error->message);

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
  else
    g_debug ("%s", message);
}

static void
save (LabCleanupGroup *self,
      const char      *key,
      GtkWidget       *editor)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->loading || self->dir == NULL)
    return;

  config = lab_config_load (self->dir, &error);
  if (config == NULL)
    {
      show_error (self, error);
      return;
    }

  if (GTK_IS_SWITCH (editor))
    ok = lab_config_set_boolean (config, key, gtk_switch_get_active (GTK_SWITCH (editor)),
                                 &error);
  else
    ok = lab_config_set_int (config, key,
                             gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor)), &error);

  if (!ok || !lab_config_save (config, &error))
    show_error (self, error);
}

static void
switch_changed_cb (GtkSwitch       *editor,
                   GParamSpec      *pspec,
                   LabCleanupGroup *self)
{
  save (self, g_object_get_data (G_OBJECT (editor), "key"), GTK_WIDGET (editor));
}

static void
spin_changed_cb (GtkSpinButton   *editor,
                 LabCleanupGroup *self)
{
  save (self, g_object_get_data (G_OBJECT (editor), "key"), GTK_WIDGET (editor));
}

static void
load (LabCleanupGroup *self)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self), self->dir != NULL);
  if (self->dir == NULL)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                             _("The data folder is not open."));
      return;
    }

  config = lab_config_load (self->dir, &error);
  if (config == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the policies: %s"),
                                                  error->message);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), message);
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return;
    }

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("What a clean-up deletes. Starred sessions, starred "
                                           "snapshots and pinned backups are never deleted, "
                                           "and a backup is made first."));
  self->loading = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      GtkWidget *editor = g_hash_table_lookup (self->editors, policies[i].key);

      if (GTK_IS_SWITCH (editor))
        gtk_switch_set_active (GTK_SWITCH (editor),
                               lab_config_get_boolean (config, policies[i].key));
      else
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor),
                                   lab_config_get_int (config, policies[i].key));
    }
  self->loading = FALSE;
}

static void
lab_cleanup_group_dispose (GObject *object)
{
  LabCleanupGroup *self = (LabCleanupGroup *) object;

  g_clear_object (&self->dir);
  g_clear_pointer (&self->editors, g_hash_table_unref);

  G_OBJECT_CLASS (lab_cleanup_group_parent_class)->dispose (object);
}

static void
lab_cleanup_group_class_init (LabCleanupGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_cleanup_group_dispose;
}

static void
lab_cleanup_group_init (LabCleanupGroup *self)
{
  GApplication *app = g_application_get_default ();

  self->editors = g_hash_table_new (g_str_hash, g_str_equal);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Retention"));

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *editor;

      if (g_str_equal (policies[i].key, LAB_CONFIG_AUTO_CLEANUP))
        {
          editor = gtk_switch_new ();
          g_signal_connect (editor, "notify::active", G_CALLBACK (switch_changed_cb), self);
        }
      else
        {
          /* The ranges lab-config.c accepts. */
          editor = gtk_spin_button_new_with_range (1, policies[i].days ? 36500 : 1000, 1);
          gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (editor), TRUE);
          g_signal_connect (editor, "value-changed", G_CALLBACK (spin_changed_cb), self);
        }

      g_object_set_data (G_OBJECT (editor), "key", (gpointer) policies[i].key);
      gtk_widget_set_valign (editor, GTK_ALIGN_CENTER);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(policies[i].title));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(policies[i].subtitle));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), editor);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), editor);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_hash_table_insert (self->editors, (gpointer) policies[i].key, editor);
    }

  /* The application's store, when the group is in its preferences. */
  if (LAB_IS_APPLICATION (app) && lab_application_get_store (LAB_APPLICATION (app)) != NULL)
    self->dir = g_object_ref (lab_store_get_data_dir (
      lab_application_get_store (LAB_APPLICATION (app))));
  load (self);
}

/**
 * lab_cleanup_group_set_data_dir:
 * @dir: (nullable): the store whose policies are edited
 */
void
lab_cleanup_group_set_data_dir (LabCleanupGroup *self,
                                LabDataDir      *dir)
{
  g_return_if_fail (LAB_IS_CLEANUP_GROUP (self));

  if (g_set_object (&self->dir, dir))
    load (self);
}

/**
 * lab_cleanup_group_get_editor:
 * @key: a config key, such as %LAB_CONFIG_LOG_DAYS
 *
 * Returns: (transfer none) (nullable): the #GtkSpinButton or #GtkSwitch
 *   that edits @key
 */
GtkWidget *
lab_cleanup_group_get_editor (LabCleanupGroup *self,
                              const char      *key)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_GROUP (self), NULL);
  return g_hash_table_lookup (self->editors, key);
}
