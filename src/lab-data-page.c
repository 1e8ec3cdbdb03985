/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-data-page"

#include "config.h"

#include <adwaita.h>

#include "lab-archives-section.h"
#include "lab-backups-section.h"
#include "lab-data-page.h"
#include "lab-health-section.h"
#include "lab-legacy-section.h"
#include "lab-store-summary.h"
#include "lab-usage-section.h"

/**
 * LabDataPage:
 *
 * The "Data" page: a column of sections about the store as a whole. Each
 * section is its own widget in its own file with a #LabStore "store"
 * property; the page hands the store to every child that has one, so adding
 * a section is one line in lab-data-page.ui (and a g_type_ensure() below).
 */
struct _LabDataPage
{
  GtkWidget parent_instance;

  LabStore *store;

  GtkBox *sections;
};

G_DEFINE_FINAL_TYPE (LabDataPage, lab_data_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_data_page_dispose (GObject *object)
{
  LabDataPage *self = (LabDataPage *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATA_PAGE);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_data_page_parent_class)->dispose (object);
}

static void
lab_data_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabDataPage *self = LAB_DATA_PAGE (object);

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
lab_data_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabDataPage *self = LAB_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_data_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_data_page_class_init (LabDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_data_page_dispose;
  object_class->get_property = lab_data_page_get_property;
  object_class->set_property = lab_data_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-data-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabDataPage, sections);
  gtk_widget_class_set_css_name (widget_class, "labdatapage");

  /* The sections, in the order of lab-data-page.ui. */
  g_type_ensure (LAB_TYPE_HEALTH_SECTION);
  g_type_ensure (LAB_TYPE_BACKUPS_SECTION);
  g_type_ensure (LAB_TYPE_USAGE_SECTION);
  g_type_ensure (LAB_TYPE_STORE_SUMMARY);
  g_type_ensure (LAB_TYPE_ARCHIVES_SECTION);
  g_type_ensure (LAB_TYPE_LEGACY_SECTION);
}

static void
lab_data_page_init (LabDataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lab_data_page_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_data_page_get_store (LabDataPage *self)
{
  g_return_val_if_fail (LAB_IS_DATA_PAGE (self), NULL);
  return self->store;
}

/**
 * lab_data_page_set_store:
 * @store: (nullable): an opened store
 *
 * Gives @store to every section.
 */
void
lab_data_page_set_store (LabDataPage *self,
                         LabStore    *store)
{
  g_return_if_fail (LAB_IS_DATA_PAGE (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sections));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (child), "store");

      if (pspec != NULL && pspec->value_type == LAB_TYPE_STORE)
        g_object_set (child, "store", store, NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
