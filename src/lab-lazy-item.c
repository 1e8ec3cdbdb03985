/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-lazy-item"

#include "config.h"

#include "lab-lazy-item.h"

/**
 * LabLazyItem:
 *
 * One row of a #LabPagedModel: its position, and once the page holding it has
 * been read, the object itself (a #LabSession, a #LabMessage). A list view
 * binds a row to the lazy item at once and fills it in when #LabLazyItem:item
 * changes, so that scrolling never waits for the database.
 */
struct _LabLazyItem
{
  GObject parent_instance;

  GObject *item;
  guint position;
};

G_DEFINE_FINAL_TYPE (LabLazyItem, lab_lazy_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_lazy_item_dispose (GObject *object)
{
  LabLazyItem *self = (LabLazyItem *) object;

  g_clear_object (&self->item);

  G_OBJECT_CLASS (lab_lazy_item_parent_class)->dispose (object);
}

static void
lab_lazy_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabLazyItem *self = LAB_LAZY_ITEM (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_lazy_item_class_init (LabLazyItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_lazy_item_dispose;
  object_class->get_property = lab_lazy_item_get_property;

  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_lazy_item_init (LabLazyItem *self)
{
}

LabLazyItem *
lab_lazy_item_new (guint position)
{
  LabLazyItem *self = g_object_new (LAB_TYPE_LAZY_ITEM, NULL);

  self->position = position;
  return self;
}

guint
lab_lazy_item_get_position (LabLazyItem *self)
{
  g_return_val_if_fail (LAB_IS_LAZY_ITEM (self), 0);
  return self->position;
}

/* For the model: positions move when rows are removed or inserted before. */
void
lab_lazy_item_set_position (LabLazyItem *self,
                            guint        position)
{
  g_return_if_fail (LAB_IS_LAZY_ITEM (self));

  if (self->position == position)
    return;

  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/**
 * lab_lazy_item_get_item:
 *
 * Returns: (transfer none) (nullable) (type GObject): the object, or %NULL
 *   while its page is being read
 */
gpointer
lab_lazy_item_get_item (LabLazyItem *self)
{
  g_return_val_if_fail (LAB_IS_LAZY_ITEM (self), NULL);
  return self->item;
}

void
lab_lazy_item_set_item (LabLazyItem *self,
                        gpointer     item)
{
  g_return_if_fail (LAB_IS_LAZY_ITEM (self));
  g_return_if_fail (!item || G_IS_OBJECT (item));

  if (g_set_object (&self->item, item))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
