/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-history-group"

#include "config.h"

#include "lab-application.h"
#include "lab-history-group.h"

/**
 * LabHistoryGroup:
 *
 * Preferences: whether recent searches are remembered, and clearing them.
 * Turning remembering off forgets the ones kept.
 */
struct _LabHistoryGroup
{
  AdwPreferencesGroup parent_instance;

  GSettings *settings;

  GtkSwitch *remember_switch;
  GtkButton *clear_button;
};

G_DEFINE_FINAL_TYPE (LabHistoryGroup, lab_history_group, ADW_TYPE_PREFERENCES_GROUP)

static void
update_clear_button (LabHistoryGroup *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-searches");

  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), recent[0] != NULL);
}

static void
remember_changed_cb (LabHistoryGroup *self)
{
  if (!g_settings_get_boolean (self->settings, "remember-searches"))
    g_settings_reset (self->settings, "recent-searches");
}

static void
clear_clicked_cb (LabHistoryGroup *self,
                  GtkButton       *button)
{
  g_settings_reset (self->settings, "recent-searches");
}

static void
lab_history_group_dispose (GObject *object)
{
  LabHistoryGroup *self = (LabHistoryGroup *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_HISTORY_GROUP);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_history_group_parent_class)->dispose (object);
}

static void
lab_history_group_class_init (LabHistoryGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_history_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-history-group.ui");
  gtk_widget_class_bind_template_child (widget_class, LabHistoryGroup, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, LabHistoryGroup, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
}

static void
lab_history_group_init (LabHistoryGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_bind (self->settings, "remember-searches", self->remember_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::remember-searches",
                           G_CALLBACK (remember_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-searches",
                           G_CALLBACK (update_clear_button), self, G_CONNECT_SWAPPED);
  update_clear_button (self);
}
