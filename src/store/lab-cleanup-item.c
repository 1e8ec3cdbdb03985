/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cleanup-item"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-cleanup-item.h"
#include "lab-enum.h"
#include "lab-timestamp.h"

/**
 * LabCleanupItem:
 *
 * One thing a clean-up deletes: an archived session, a snapshot, the old
 * analytics events of one session, a backup, an archive, a log file or an
 * orphan folder. @id names it for the deletion (a session or snapshot id, a
 * backup's name, a path relative to the data folder); @bytes is what deleting
 * it gives back (exact for files, estimated from the rows' contents for the
 * database, which gives the space back when it is compacted).
 */
struct _LabCleanupItem
{
  GObject parent_instance;

  LabCleanupCategory category;
  char *id;
  char *title;
  char *subtitle;
  gint64 time;
  guint64 bytes;
  guint64 count;
  GPtrArray *row_ids;  /* of char*, NULL-terminated: rows of a group item */
};

G_DEFINE_FINAL_TYPE (LabCleanupItem, lab_cleanup_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabCleanupCategory, lab_cleanup_category,
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_ARCHIVED_SESSIONS, "archived-sessions"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_SNAPSHOTS, "snapshots"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_ANALYTICS, "analytics"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_BACKUPS, "backups"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_ARCHIVES, "archives"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_LOGS, "logs"),
  G_DEFINE_ENUM_VALUE (LAB_CLEANUP_ORPHANS, "orphans"))

enum {
  PROP_0,
  PROP_CATEGORY,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_TIME,
  PROP_BYTES,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
lab_cleanup_category_to_string (LabCleanupCategory category)
{
  return lab_enum_to_string (LAB_TYPE_CLEANUP_CATEGORY, category);
}

gboolean
lab_cleanup_category_from_string (const char         *nick,
                                  LabCleanupCategory *category)
{
  int value;

  if (!lab_enum_from_string (LAB_TYPE_CLEANUP_CATEGORY, nick, &value))
    return FALSE;

  *category = value;
  return TRUE;
}

/**
 * lab_cleanup_category_get_label:
 *
 * Returns: the category's name for people, translated
 */
const char *
lab_cleanup_category_get_label (LabCleanupCategory category)
{
  switch (category)
    {
    case LAB_CLEANUP_ARCHIVED_SESSIONS:
      return _("Archived sessions");
    case LAB_CLEANUP_SNAPSHOTS:
      return _("Snapshots");
    case LAB_CLEANUP_ANALYTICS:
      return _("Analytics");
    case LAB_CLEANUP_BACKUPS:
      return _("Backups");
    case LAB_CLEANUP_ARCHIVES:
      return _("Archives");
    case LAB_CLEANUP_LOGS:
      return _("Logs");
    case LAB_CLEANUP_ORPHANS:
      return _("Orphan files");
    default:
      g_assert_not_reached ();
    }
}

static void
lab_cleanup_item_finalize (GObject *object)
{
  LabCleanupItem *self = (LabCleanupItem *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->subtitle);
  g_ptr_array_unref (self->row_ids);

  G_OBJECT_CLASS (lab_cleanup_item_parent_class)->finalize (object);
}

static void
lab_cleanup_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabCleanupItem *self = LAB_CLEANUP_ITEM (object);

  switch (prop_id)
    {
    case PROP_CATEGORY:
      g_value_set_enum (value, self->category);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_TIME:
      g_value_set_int64 (value, self->time);
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
lab_cleanup_item_class_init (LabCleanupItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_cleanup_item_finalize;
  object_class->get_property = lab_cleanup_item_get_property;

  properties[PROP_CATEGORY] =
    g_param_spec_enum ("category", NULL, NULL, LAB_TYPE_CLEANUP_CATEGORY,
                       LAB_CLEANUP_ARCHIVED_SESSIONS, flags);
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SUBTITLE] = g_param_spec_string ("subtitle", NULL, NULL, NULL, flags);
  properties[PROP_TIME] = g_param_spec_int64 ("time", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_BYTES] = g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_COUNT] = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_cleanup_item_init (LabCleanupItem *self)
{
  self->row_ids = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/**
 * lab_cleanup_item_new:
 * @id: what the deletion uses: a session or snapshot id, a backup's name, a
 *   path relative to the data folder
 * @title: what a person reads first
 * @subtitle: (nullable): more about it
 * @time: when it was last active or changed, µs since the epoch
 * @bytes: what deleting it gives back
 * @count: how many rows or files it is
 *
 * Returns: (transfer full): a new item
 */
LabCleanupItem *
lab_cleanup_item_new (LabCleanupCategory  category,
                      const char         *id,
                      const char         *title,
                      const char         *subtitle,
                      gint64              time,
                      guint64             bytes,
                      guint64             count)
{
  LabCleanupItem *self = g_object_new (LAB_TYPE_CLEANUP_ITEM, NULL);

  self->category = category;
  self->id = g_strdup (id);
  self->title = g_strdup (title);
  self->subtitle = g_strdup (subtitle);
  self->time = time;
  self->bytes = bytes;
  self->count = count;

  return self;
}

/**
 * lab_cleanup_item_add_row_id:
 *
 * Adds a row an item that stands for several rows deletes (the analytics
 * events of a session), so that the deletion takes exactly the rows planned.
 */
void
lab_cleanup_item_add_row_id (LabCleanupItem *self,
                             const char     *row_id)
{
  g_return_if_fail (LAB_IS_CLEANUP_ITEM (self));
  g_ptr_array_add (self->row_ids, g_strdup (row_id));
}

LabCleanupCategory
lab_cleanup_item_get_category (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), 0);
  return self->category;
}

const char *
lab_cleanup_item_get_id (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), NULL);
  return self->id;
}

const char *
lab_cleanup_item_get_title (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), NULL);
  return self->title;
}

const char *
lab_cleanup_item_get_subtitle (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), NULL);
  return self->subtitle;
}

gint64
lab_cleanup_item_get_time (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), 0);
  return self->time;
}

guint64
lab_cleanup_item_get_bytes (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), 0);
  return self->bytes;
}

guint64
lab_cleanup_item_get_count (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), 0);
  return self->count;
}

/**
 * lab_cleanup_item_get_row_ids:
 *
 * Returns: (transfer none) (array zero-terminated=1): the rows of a group item
 */
const char * const *
lab_cleanup_item_get_row_ids (LabCleanupItem *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_ITEM (self), NULL);
  return (const char * const *) self->row_ids->pdata;
}

/**
 * lab_cleanup_item_to_json:
 *
 * Returns: (transfer full): the item as `cleanup --dry-run --json` lists it
 */
JsonNode *
lab_cleanup_item_to_json (LabCleanupItem *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = lab_timestamp_format (self->time);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, lab_cleanup_category_to_string (self->category));
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->title);
  if (self->subtitle != NULL)
    {
      json_builder_set_member_name (builder, "subtitle");
      json_builder_add_string_value (builder, self->subtitle);
    }
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, self->bytes);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, self->count);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
