/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-preferences-window"

#include "config.h"

#include "lab-appearance-group.h"
#include "lab-background-group.h"
#include "lab-cleanup-group.h"
#include "lab-data-folder-group.h"
#include "lab-history-group.h"
#include "lab-preferences-window.h"

/**
 * LabPreferencesWindow:
 *
 * The preferences: pages of groups, each group a widget in its own file that
 * binds its own GSettings keys (or store policies), so that a later issue
 * adds a group with one file and one line in lab-preferences-window.ui.
 */
struct _LabPreferencesWindow
{
  AdwPreferencesWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (LabPreferencesWindow, lab_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
lab_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), LAB_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (lab_preferences_window_parent_class)->dispose (object);
}

static void
lab_preferences_window_class_init (LabPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-preferences-window.ui");

  /* The groups, in the order of lab-preferences-window.ui. */
  g_type_ensure (LAB_TYPE_APPEARANCE_GROUP);
  g_type_ensure (LAB_TYPE_HISTORY_GROUP);
  g_type_ensure (LAB_TYPE_BACKGROUND_GROUP);
  g_type_ensure (LAB_TYPE_DATA_FOLDER_GROUP);
  g_type_ensure (LAB_TYPE_CLEANUP_GROUP);
}

static void
lab_preferences_window_init (LabPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LabPreferencesWindow *
lab_preferences_window_new (void)
{
  return g_object_new (LAB_TYPE_PREFERENCES_WINDOW, NULL);
}
