/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-appearance-group"

#include "config.h"

#include "lab-application.h"
#include "lab-appearance-group.h"

/**
 * LabAppearanceGroup:
 *
 * Preferences: the light or dark style, or the system's (the default).
 * The application applies the "color-scheme" key through AdwStyleManager.
 */
struct _LabAppearanceGroup
{
  AdwPreferencesGroup parent_instance;

  GSettings *settings;

  AdwComboRow *style_row;
};

G_DEFINE_FINAL_TYPE (LabAppearanceGroup, lab_appearance_group, ADW_TYPE_PREFERENCES_GROUP)

static void
settings_changed_cb (LabAppearanceGroup *self)
{
  adw_combo_row_set_selected (self->style_row,
                              g_settings_get_enum (self->settings, "color-scheme"));
}

static void
selected_cb (LabAppearanceGroup *self)
{
  guint selected = adw_combo_row_get_selected (self->style_row);

  if (selected != GTK_INVALID_LIST_POSITION &&
      selected != (guint) g_settings_get_enum (self->settings, "color-scheme"))
    g_settings_set_enum (self->settings, "color-scheme", selected);
}

static void
lab_appearance_group_dispose (GObject *object)
{
  LabAppearanceGroup *self = (LabAppearanceGroup *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_APPEARANCE_GROUP);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_appearance_group_parent_class)->dispose (object);
}

static void
lab_appearance_group_class_init (LabAppearanceGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_appearance_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-appearance-group.ui");
  gtk_widget_class_bind_template_child (widget_class, LabAppearanceGroup, style_row);
}

static void
lab_appearance_group_init (LabAppearanceGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  settings_changed_cb (self);

  /* The enum's order is the row's: default, light, dark. */
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->style_row, "notify::selected", G_CALLBACK (selected_cb), self,
                           G_CONNECT_SWAPPED);
}
