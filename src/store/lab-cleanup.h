/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lab-cleanup-item.h"
#include "lab-cleanup-plan.h"
#include "lab-data-dir.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabCleanupOptions:
 * @now: the time retention counts back from, µs since the epoch; 0 for now
 * @older_than_days: if not -1, the retention period of every category for
 *   this clean-up, instead of the store's policies
 * @categories: a mask of `1 << LabCleanupCategory` to include; 0 for all
 */
typedef struct
{
  gint64 now;
  int older_than_days;
  guint categories;
} LabCleanupOptions;

/**
 * LabCleanupResult:
 * @backup: (nullable): the name of the backup made first
 * @deleted: items deleted, per #LabCleanupCategory
 * @bytes: what they gave back, per category (as planned)
 * @deleted_ids: (element-type utf8): "category/id" of each item deleted, in
 *   the plan's order
 * @skipped_ids: (element-type utf8): "category/id" of planned items left
 *   alone because they changed since the plan (starred, active again, gone)
 * @size_before: the database and its log before
 * @size_after: the same after compacting
 * @vacuumed: whether the database was compacted
 * @vacuum_error: (nullable): why it was not, when it should have been
 * @reclaimed: bytes freed on the disk: the files deleted and what the
 *   database file shrank by
 * @seconds: how long it took
 */
typedef struct
{
  char *backup;
  guint deleted[LAB_CLEANUP_N_CATEGORIES];
  guint64 bytes[LAB_CLEANUP_N_CATEGORIES];
  GPtrArray *deleted_ids;
  GPtrArray *skipped_ids;
  guint64 size_before;
  guint64 size_after;
  gboolean vacuumed;
  char *vacuum_error;
  guint64 reclaimed;
  double seconds;
} LabCleanupResult;

void              lab_cleanup_options_init  (LabCleanupOptions        *options);

LabCleanupPlan   *lab_cleanup_plan          (LabDataDir               *dir,
                                             const LabCleanupOptions  *options,
                                             GCancellable             *cancellable,
                                             GError                  **error);
void              lab_cleanup_plan_async    (LabDataDir               *dir,
                                             const LabCleanupOptions  *options,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
LabCleanupPlan   *lab_cleanup_plan_finish   (LabDataDir               *dir,
                                             GAsyncResult             *result,
                                             GError                  **error);

LabCleanupResult *lab_cleanup_apply         (LabDataDir               *dir,
                                             LabCleanupPlan           *plan,
                                             LabProgressFunc           progress,
                                             gpointer                  progress_data,
                                             GCancellable             *cancellable,
                                             GError                  **error);
void              lab_cleanup_apply_async   (LabDataDir               *dir,
                                             LabCleanupPlan           *plan,
                                             LabProgress              *progress,
                                             GCancellable             *cancellable,
                                             GAsyncReadyCallback       callback,
                                             gpointer                  user_data);
LabCleanupResult *lab_cleanup_apply_finish  (LabDataDir               *dir,
                                             GAsyncResult             *result,
                                             GError                  **error);

LabCleanupResult *lab_cleanup_run_policy    (LabDataDir               *dir,
                                             gint64                    now,
                                             LabProgressFunc           progress,
                                             gpointer                  progress_data,
                                             GCancellable             *cancellable,
                                             GError                  **error);

gboolean          lab_cleanup_recover       (LabDataDir               *dir,
                                             guint                    *restored,
                                             guint                    *removed,
                                             GError                  **error);

JsonNode         *lab_cleanup_result_to_json (LabCleanupResult        *result);
void              lab_cleanup_result_free   (LabCleanupResult         *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabCleanupResult, lab_cleanup_result_free)

G_END_DECLS
