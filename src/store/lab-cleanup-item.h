/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * LabCleanupCategory:
 * @LAB_CLEANUP_ARCHIVED_SESSIONS: archived sessions, with all their rows and files
 * @LAB_CLEANUP_SNAPSHOTS: snapshots that are not starred
 * @LAB_CLEANUP_ANALYTICS: analytics events
 * @LAB_CLEANUP_BACKUPS: backups, as the retention rules say
 * @LAB_CLEANUP_ARCHIVES: export archives in the archives folder
 * @LAB_CLEANUP_LOGS: log files
 * @LAB_CLEANUP_ORPHANS: workspace folders of no session and leftover temporary files
 *
 * What a clean-up can delete. The nicks ("archived-sessions", …) are what
 * `labdata-cli cleanup --only` takes.
 */
typedef enum
{
  LAB_CLEANUP_ARCHIVED_SESSIONS,
  LAB_CLEANUP_SNAPSHOTS,
  LAB_CLEANUP_ANALYTICS,
  LAB_CLEANUP_BACKUPS,
  LAB_CLEANUP_ARCHIVES,
  LAB_CLEANUP_LOGS,
  LAB_CLEANUP_ORPHANS,
} LabCleanupCategory;

#define LAB_CLEANUP_N_CATEGORIES (LAB_CLEANUP_ORPHANS + 1)

#define LAB_TYPE_CLEANUP_CATEGORY (lab_cleanup_category_get_type ())
GType lab_cleanup_category_get_type (void) G_GNUC_CONST;

const char *lab_cleanup_category_to_string   (LabCleanupCategory   category);
gboolean    lab_cleanup_category_from_string (const char          *nick,
                                              LabCleanupCategory  *category);
const char *lab_cleanup_category_get_label   (LabCleanupCategory   category);

#define LAB_TYPE_CLEANUP_ITEM (lab_cleanup_item_get_type ())

G_DECLARE_FINAL_TYPE (LabCleanupItem, lab_cleanup_item, LAB, CLEANUP_ITEM, GObject)

LabCleanupItem     *lab_cleanup_item_new          (LabCleanupCategory  category,
                                                   const char         *id,
                                                   const char         *title,
                                                   const char         *subtitle,
                                                   gint64              time,
                                                   guint64             bytes,
                                                   guint64             count);
void                lab_cleanup_item_add_row_id   (LabCleanupItem     *self,
                                                   const char         *row_id);
LabCleanupCategory  lab_cleanup_item_get_category (LabCleanupItem     *self);
const char         *lab_cleanup_item_get_id       (LabCleanupItem     *self);
const char         *lab_cleanup_item_get_title    (LabCleanupItem     *self);
const char         *lab_cleanup_item_get_subtitle (LabCleanupItem     *self);
gint64              lab_cleanup_item_get_time     (LabCleanupItem     *self);
guint64             lab_cleanup_item_get_bytes    (LabCleanupItem     *self);
guint64             lab_cleanup_item_get_count    (LabCleanupItem     *self);
const char * const *lab_cleanup_item_get_row_ids  (LabCleanupItem     *self);
JsonNode           *lab_cleanup_item_to_json      (LabCleanupItem     *self);

G_END_DECLS
