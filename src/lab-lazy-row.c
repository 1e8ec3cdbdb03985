/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-lazy-row"

#include "config.h"

#include "lab-lazy-row.h"

/**
 * LabLazyRow:
 *
 * The base of the rows of the lazy lists (#LabSessionRow, #LabMessageRow): it
 * holds the row's #LabLazyItem and calls #LabLazyRowClass.update when the
 * item changes and again when the item's object arrives with its page.
 */
typedef struct
{
  LabLazyItem *item;
  GSignalGroup *item_signals;
} LabLazyRowPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LabLazyRow, lab_lazy_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (LabLazyRow *self)
{
  LAB_LAZY_ROW_GET_CLASS (self)->update (self);
}

static void
lab_lazy_row_dispose (GObject *object)
{
  LabLazyRow *self = LAB_LAZY_ROW (object);
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  g_signal_group_set_target (priv->item_signals, NULL);
  g_clear_object (&priv->item);

  G_OBJECT_CLASS (lab_lazy_row_parent_class)->dispose (object);
}

static void
lab_lazy_row_finalize (GObject *object)
{
  LabLazyRow *self = LAB_LAZY_ROW (object);
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  g_clear_object (&priv->item_signals);

  G_OBJECT_CLASS (lab_lazy_row_parent_class)->finalize (object);
}

static void
lab_lazy_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabLazyRow *self = LAB_LAZY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, lab_lazy_row_get_item (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lazy_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LabLazyRow *self = LAB_LAZY_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      lab_lazy_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lazy_row_class_init (LabLazyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_lazy_row_dispose;
  object_class->finalize = lab_lazy_row_finalize;
  object_class->get_property = lab_lazy_row_get_property;
  object_class->set_property = lab_lazy_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, LAB_TYPE_LAZY_ITEM,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_lazy_row_init (LabLazyRow *self)
{
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  priv->item_signals = g_signal_group_new (LAB_TYPE_LAZY_ITEM);
  g_signal_group_connect_swapped (priv->item_signals, "notify::item", G_CALLBACK (update), self);
}

/**
 * lab_lazy_row_get_item:
 *
 * Returns: (transfer none) (nullable): the row's item
 */
LabLazyItem *
lab_lazy_row_get_item (LabLazyRow *self)
{
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_LAZY_ROW (self), NULL);
  return priv->item;
}

void
lab_lazy_row_set_item (LabLazyRow  *self,
                       LabLazyItem *item)
{
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  g_return_if_fail (LAB_IS_LAZY_ROW (self));
  g_return_if_fail (!item || LAB_IS_LAZY_ITEM (item));

  if (!g_set_object (&priv->item, item))
    return;

  g_signal_group_set_target (priv->item_signals, item);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

/**
 * lab_lazy_row_get_object:
 *
 * Returns: (transfer none) (nullable) (type GObject): the object the row
 *   shows, once its page has been read
 */
gpointer
lab_lazy_row_get_object (LabLazyRow *self)
{
  LabLazyRowPrivate *priv = lab_lazy_row_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_LAZY_ROW (self), NULL);
  return priv->item ? lab_lazy_item_get_item (priv->item) : NULL;
}
