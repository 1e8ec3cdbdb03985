/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lab-data-dir.h"
#include "lab-progress.h"
#include "lab-usage-item.h"

G_BEGIN_DECLS

/**
 * LabUsageCategory:
 * @LAB_USAGE_DATABASE: the database file's pages in use (tables and indexes)
 * @LAB_USAGE_FREE_PAGES: free pages of the database file, given back by compacting
 * @LAB_USAGE_WAL: the write-ahead log and its index (-wal, -shm)
 * @LAB_USAGE_WORKSPACE: the sessions' workspace files
 * @LAB_USAGE_BACKUPS: backups and their stored workspace files
 * @LAB_USAGE_ARCHIVES: export archives
 * @LAB_USAGE_LOGS: logs
 * @LAB_USAGE_OTHER: everything else: configuration, folders, state files
 *
 * The parts of the data folder. Their sizes add up to the folder's total,
 * which is what `du -sb` says of it.
 */
typedef enum
{
  LAB_USAGE_DATABASE,
  LAB_USAGE_FREE_PAGES,
  LAB_USAGE_WAL,
  LAB_USAGE_WORKSPACE,
  LAB_USAGE_BACKUPS,
  LAB_USAGE_ARCHIVES,
  LAB_USAGE_LOGS,
  LAB_USAGE_OTHER,
} LabUsageCategory;

#define LAB_USAGE_N_CATEGORIES (LAB_USAGE_OTHER + 1)

#define LAB_TYPE_USAGE_CATEGORY (lab_usage_category_get_type ())
GType lab_usage_category_get_type (void) G_GNUC_CONST;

#define LAB_TYPE_USAGE (lab_usage_get_type ())

G_DECLARE_FINAL_TYPE (LabUsage, lab_usage, LAB, USAGE, GObject)

LabUsage     *lab_usage_compute            (LabDataDir          *dir,
                                            LabProgressFunc      progress,
                                            gpointer             progress_data,
                                            GCancellable        *cancellable,
                                            GError             **error);
void          lab_usage_compute_async      (LabDataDir          *dir,
                                            LabProgress         *progress,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
LabUsage     *lab_usage_compute_finish     (LabDataDir          *dir,
                                            GAsyncResult        *result,
                                            GError             **error);
LabUsage     *lab_usage_load_cached        (LabDataDir          *dir,
                                            GError             **error);
void          lab_usage_invalidate         (LabDataDir          *dir);

gint64        lab_usage_get_computed_at    (LabUsage            *self);
double        lab_usage_get_duration       (LabUsage            *self);
guint64       lab_usage_get_total          (LabUsage            *self);
guint64       lab_usage_get_category_bytes (LabUsage            *self,
                                            LabUsageCategory     category);
guint64       lab_usage_get_database_size  (LabUsage            *self);
guint64       lab_usage_get_page_size      (LabUsage            *self);
guint64       lab_usage_get_free_space     (LabUsage            *self);
guint64       lab_usage_get_disk_size      (LabUsage            *self);
guint64       lab_usage_get_low_space_threshold (LabUsage       *self);
guint64       lab_usage_low_space_threshold (guint64         database_size);
gboolean      lab_usage_is_space_low       (LabUsage            *self);
GListModel   *lab_usage_get_categories     (LabUsage            *self);
GListModel   *lab_usage_get_btrees         (LabUsage            *self);
GListModel   *lab_usage_get_sessions       (LabUsage            *self);
char         *lab_usage_dup_description    (LabUsage            *self);
JsonNode     *lab_usage_to_json            (LabUsage            *self);

const char   *lab_usage_category_to_string (LabUsageCategory     category);
const char   *lab_usage_category_get_label (LabUsageCategory     category);

guint64       lab_usage_measure_path       (const char          *path,
                                            guint64             *n_files);

G_END_DECLS
