/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-usage-item"

#include "config.h"

#include "lab-row.h"
#include "lab-usage-item.h"

/**
 * LabUsageItem:
 *
 * One figure of a disk usage report: a part of the data folder, a table or
 * index of the database, or a session's workspace folder. @label is what a
 * person reads (a translated category name, a session's title); @name is the
 * stable key (a category nick, a table name, a session id); @owner is the table
 * an index or a full-text index's shadow table belongs to.
 */
struct _LabUsageItem
{
  GObject parent_instance;

  LabUsageItemKind kind;
  char *name;
  char *label;
  char *owner;
  guint64 bytes;
  guint64 count;
};

G_DEFINE_FINAL_TYPE (LabUsageItem, lab_usage_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabUsageItemKind, lab_usage_item_kind,
  G_DEFINE_ENUM_VALUE (LAB_USAGE_ITEM_CATEGORY, "category"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_ITEM_BTREE, "btree"),
  G_DEFINE_ENUM_VALUE (LAB_USAGE_ITEM_SESSION, "session"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_NAME,
  PROP_LABEL,
  PROP_OWNER,
  PROP_BYTES,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_usage_item_finalize (GObject *object)
{
  LabUsageItem *self = (LabUsageItem *) object;

  g_free (self->name);
  g_free (self->label);
  g_free (self->owner);

  G_OBJECT_CLASS (lab_usage_item_parent_class)->finalize (object);
}

static void
lab_usage_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabUsageItem *self = LAB_USAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_OWNER:
      g_value_set_string (value, self->owner);
      break;
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_item_class_init (LabUsageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_usage_item_finalize;
  object_class->get_property = lab_usage_item_get_property;

  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, LAB_TYPE_USAGE_ITEM_KIND,
                                             LAB_USAGE_ITEM_CATEGORY, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_OWNER] = g_param_spec_string ("owner", NULL, NULL, NULL, flags);
  properties[PROP_BYTES] = g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_COUNT] = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_usage_item_init (LabUsageItem *self)
{
}

/**
 * lab_usage_item_new:
 * @name: the stable key
 * @label: (nullable): what a person reads; @name if %NULL
 * @owner: (nullable): the table a b-tree belongs to
 * @count: files of a folder, pages of a b-tree
 *
 * Returns: (transfer full): a new item
 */
LabUsageItem *
lab_usage_item_new (LabUsageItemKind  kind,
                    const char       *name,
                    const char       *label,
                    const char       *owner,
                    guint64           bytes,
                    guint64           count)
{
  LabUsageItem *self = g_object_new (LAB_TYPE_USAGE_ITEM, NULL);

  self->kind = kind;
  self->name = g_strdup (name);
  self->label = g_strdup (label ? label : name);
  self->owner = g_strdup (owner);
  self->bytes = bytes;
  self->count = count;

  return self;
}

LabUsageItemKind
lab_usage_item_get_kind (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), 0);
  return self->kind;
}

const char *
lab_usage_item_get_name (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), NULL);
  return self->name;
}

const char *
lab_usage_item_get_label (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), NULL);
  return self->label;
}

const char *
lab_usage_item_get_owner (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), NULL);
  return self->owner;
}

guint64
lab_usage_item_get_bytes (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), 0);
  return self->bytes;
}

guint64
lab_usage_item_get_count (LabUsageItem *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_ITEM (self), 0);
  return self->count;
}

/**
 * lab_usage_item_append_json:
 * @out: where to append
 *
 * Appends the item as a JSON object, `{"name", "label", "owner", "bytes",
 * "count"}`. Written by hand rather than through a JsonBuilder: a usage
 * report lists every session, and this is several times faster.
 */
void
lab_usage_item_append_json (LabUsageItem *self,
                            GString      *out)
{
  g_return_if_fail (LAB_IS_USAGE_ITEM (self));

  g_string_append (out, "{\"name\":");
  lab_json_append_string (out, self->name, -1);
  g_string_append (out, ",\"label\":");
  lab_json_append_string (out, self->label, -1);
  if (self->owner != NULL)
    {
      g_string_append (out, ",\"owner\":");
      lab_json_append_string (out, self->owner, -1);
    }
  g_string_append_printf (out, ",\"bytes\":%" G_GUINT64_FORMAT ",\"count\":%" G_GUINT64_FORMAT "}",
                          self->bytes, self->count);
}

/**
 * lab_usage_item_new_from_json:
 *
 * Returns: (transfer full) (nullable): the item, or %NULL if @object has no name
 */
LabUsageItem *
lab_usage_item_new_from_json (LabUsageItemKind  kind,
                              JsonObject       *object)
{
  const char *name = json_object_get_string_member_with_default (object, "name", NULL);

  if (name == NULL)
    return NULL;

  return lab_usage_item_new (kind, name,
                             json_object_get_string_member_with_default (object, "label", NULL),
                             json_object_get_string_member_with_default (object, "owner", NULL),
                             json_object_get_int_member_with_default (object, "bytes", 0),
                             json_object_get_int_member_with_default (object, "count", 0));
}
