/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-section"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-file-chooser.h"
#include "lab-legacy-section.h"

/**
 * LabLegacySection:
 *
 * The Data page's "Legacy Data" section: find legacy data in the usual
 * places, or choose a folder or file somewhere else; both open the migration
 * assistant (`app.migrate`, `app.migrate-from`).
 */
struct _LabLegacySection
{
  AdwPreferencesGroup parent_instance;

  LabStore *store;

  AdwActionRow *find_row;
  AdwActionRow *choose_row;
};

G_DEFINE_FINAL_TYPE (LabLegacySection, lab_legacy_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
chosen_cb (GtkWidget  *widget,
           const char *path)
{
  gtk_widget_activate_action (widget, "app.migrate-from", "s", path);
}

static void
choose (LabLegacySection     *self,
        GtkFileChooserAction  action)
{
  GtkFileChooser *chooser;

  chooser = lab_file_chooser_run (GTK_WIDGET (self),
                                  action == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                  ? _("Choose a Lab Folder")
                                  : _("Choose an events.db or a JSON Export"),
                                  action, _("_Choose"), chosen_cb);

  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Legacy data (events.db, JSON export)"));
      gtk_file_filter_add_pattern (filter, "*.db");
      gtk_file_filter_add_pattern (filter, "*.json");
      gtk_file_chooser_add_filter (chooser, filter);
      g_object_unref (filter);

      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("All files"));
      gtk_file_filter_add_pattern (filter, "*");
      gtk_file_chooser_add_filter (chooser, filter);
      g_object_unref (filter);
    }

  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
folder_clicked_cb (LabLegacySection *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
file_clicked_cb (LabLegacySection *self)
{
  choose (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
lab_legacy_section_dispose (GObject *object)
{
  LabLegacySection *self = (LabLegacySection *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_LEGACY_SECTION);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_legacy_section_parent_class)->dispose (object);
}

static void
lab_legacy_section_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabLegacySection *self = LAB_LEGACY_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_legacy_section_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LabLegacySection *self = LAB_LEGACY_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_legacy_section_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_legacy_section_class_init (LabLegacySectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_legacy_section_dispose;
  object_class->get_property = lab_legacy_section_get_property;
  object_class->set_property = lab_legacy_section_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-legacy-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LabLegacySection, find_row);
  gtk_widget_class_bind_template_child (widget_class, LabLegacySection, choose_row);
  gtk_widget_class_bind_template_callback (widget_class, folder_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, file_clicked_cb);
}

static void
lab_legacy_section_init (LabLegacySection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_row), FALSE);
}

/**
 * lab_legacy_section_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_legacy_section_get_store (LabLegacySection *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SECTION (self), NULL);
  return self->store;
}

/**
 * lab_legacy_section_set_store:
 * @store: (nullable): the store migrations go into
 */
void
lab_legacy_section_set_store (LabLegacySection *self,
                              LabStore         *store)
{
  g_return_if_fail (LAB_IS_LEGACY_SECTION (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  /* app.migrate follows the store on its own; the choosers do not. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_row), store != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
