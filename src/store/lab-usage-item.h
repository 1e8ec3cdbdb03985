/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * LabUsageItemKind:
 * @LAB_USAGE_ITEM_CATEGORY: a part of the data folder (database, backups, …)
 * @LAB_USAGE_ITEM_BTREE: a table or an index inside the database
 * @LAB_USAGE_ITEM_SESSION: one session's workspace folder
 */
typedef enum
{
  LAB_USAGE_ITEM_CATEGORY,
  LAB_USAGE_ITEM_BTREE,
  LAB_USAGE_ITEM_SESSION,
} LabUsageItemKind;

#define LAB_TYPE_USAGE_ITEM_KIND (lab_usage_item_kind_get_type ())
GType lab_usage_item_kind_get_type (void) G_GNUC_CONST;

#define LAB_TYPE_USAGE_ITEM (lab_usage_item_get_type ())

G_DECLARE_FINAL_TYPE (LabUsageItem, lab_usage_item, LAB, USAGE_ITEM, GObject)

LabUsageItem     *lab_usage_item_new           (LabUsageItemKind  kind,
                                                const char       *name,
                                                const char       *label,
                                                const char       *owner,
                                                guint64           bytes,
                                                guint64           count);
LabUsageItemKind  lab_usage_item_get_kind      (LabUsageItem     *self);
const char       *lab_usage_item_get_name      (LabUsageItem     *self);
const char       *lab_usage_item_get_label     (LabUsageItem     *self);
const char       *lab_usage_item_get_owner     (LabUsageItem     *self);
guint64           lab_usage_item_get_bytes     (LabUsageItem     *self);
guint64           lab_usage_item_get_count     (LabUsageItem     *self);
void              lab_usage_item_append_json   (LabUsageItem     *self,
                                                GString          *out);
LabUsageItem     *lab_usage_item_new_from_json (LabUsageItemKind  kind,
                                                JsonObject       *object);

G_END_DECLS
