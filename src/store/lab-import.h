/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-archive.h"
#include "lab-db.h"
#include "lab-import-conflict.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabImportFormat:
 * @LAB_IMPORT_FORMAT_ARCHIVE: a `.labdata` archive
 * @LAB_IMPORT_FORMAT_LEGACY_JSON: a `{version, exportedAt, sessions, chatLogs,
 *   brains}` JSON export (seed 004)
 */
typedef enum
{
  LAB_IMPORT_FORMAT_ARCHIVE,
  LAB_IMPORT_FORMAT_LEGACY_JSON,
} LabImportFormat;

/**
 * LabImportPolicy:
 * @LAB_IMPORT_SKIP: keep what the store has; only new rows and files are added
 * @LAB_IMPORT_REPLACE: the archive's version of a conflicting row or file
 *   replaces the store's (in place; rows only in the store stay)
 * @LAB_IMPORT_KEEP_BOTH: a session with any conflict is imported as a copy
 *   with new ids for it and all its rows, keeping their references to each
 *   other; other conflicting rows that belong to no session get a new id
 *
 * What to do with conflicts: rows with the same id as a row of the store but
 * other contents, and files at the same path with other contents.
 */
typedef enum
{
  LAB_IMPORT_SKIP,
  LAB_IMPORT_REPLACE,
  LAB_IMPORT_KEEP_BOTH,
} LabImportPolicy;

const char *lab_import_policy_to_string   (LabImportPolicy  policy);
gboolean    lab_import_policy_from_string (const char      *text,
                                           LabImportPolicy *policy);

/**
 * LabImportCounts:
 * @n_new: rows (or files) the store does not have
 * @n_identical: rows the store has exactly
 * @n_conflicting: rows whose id the store has with other contents
 */
typedef struct
{
  guint64 n_new;
  guint64 n_identical;
  guint64 n_conflicting;
} LabImportCounts;

/**
 * LabImportResult:
 * @inserted: rows added, per table in lab_schema_get_tables() order
 * @replaced: rows that replaced the store's version
 * @copied: rows added as copies with new ids (keep both)
 * @skipped: conflicting rows left as the store has them
 * @files_added: workspace files added (copies included)
 * @files_replaced: workspace files that replaced the store's
 * @files_skipped: conflicting workspace files left as they were
 * @backup_name: (nullable): the pre-import backup (as lab_backup_list() names
 *   it), if one was made
 * @copied_sessions: (nullable): for keep both, the old session id → the id
 *   of the copy
 * @seconds: how long it took
 */
typedef struct
{
  guint64 *inserted;
  guint64 *replaced;
  guint64 *copied;
  guint64 *skipped;
  guint64 files_added;
  guint64 files_replaced;
  guint64 files_skipped;
  char *backup_name;
  GHashTable *copied_sessions;
  double seconds;
} LabImportResult;

#define LAB_TYPE_IMPORT_RESULT (lab_import_result_get_type ())

GType            lab_import_result_get_type   (void) G_GNUC_CONST;
LabImportResult *lab_import_result_copy       (const LabImportResult *result);
void             lab_import_result_free       (LabImportResult       *result);
guint64          lab_import_result_get_total  (const LabImportResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabImportResult, lab_import_result_free)

/* How many conflicts a preview lists; it counts them all. */
#define LAB_IMPORT_MAX_LISTED_CONFLICTS 500

#define LAB_TYPE_IMPORT_PREVIEW (lab_import_preview_get_type ())

G_DECLARE_FINAL_TYPE (LabImportPreview, lab_import_preview, LAB, IMPORT_PREVIEW, GObject)

LabImportPreview   *lab_import_preview_load            (LabDb                   *db,
                                                        const char              *path,
                                                        const LabArchiveLimits  *limits,
                                                        LabProgressFunc          progress,
                                                        gpointer                 progress_data,
                                                        GCancellable            *cancellable,
                                                        GError                 **error);
void                lab_import_preview_load_async      (LabDataDir              *dir,
                                                        const char              *path,
                                                        LabProgress             *progress,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
LabImportPreview   *lab_import_preview_load_finish     (GAsyncResult            *result,
                                                        GError                 **error);

const char         *lab_import_preview_get_path        (LabImportPreview        *self);
LabImportFormat     lab_import_preview_get_format      (LabImportPreview        *self);
int                 lab_import_preview_get_version     (LabImportPreview        *self);
const char         *lab_import_preview_get_exported_at (LabImportPreview        *self);
const char         *lab_import_preview_get_app_version (LabImportPreview        *self);
gboolean            lab_import_preview_get_counts      (LabImportPreview        *self,
                                                        const char              *table,
                                                        LabImportCounts         *counts);
void                lab_import_preview_get_totals      (LabImportPreview        *self,
                                                        LabImportCounts         *counts);
gboolean            lab_import_preview_has_changes     (LabImportPreview        *self);
GListModel         *lab_import_preview_get_conflicts   (LabImportPreview        *self);
guint64             lab_import_preview_get_n_conflicts (LabImportPreview        *self);
const char * const *lab_import_preview_get_warnings    (LabImportPreview        *self);

LabImportResult    *lab_import_preview_apply           (LabImportPreview        *self,
                                                        LabDb                   *db,
                                                        LabImportPolicy          policy,
                                                        LabProgressFunc          progress,
                                                        gpointer                 progress_data,
                                                        GCancellable            *cancellable,
                                                        GError                 **error);
void                lab_import_preview_apply_async     (LabImportPreview        *self,
                                                        LabImportPolicy          policy,
                                                        LabProgress             *progress,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
LabImportResult    *lab_import_preview_apply_finish    (LabImportPreview        *self,
                                                        GAsyncResult            *result,
                                                        GError                 **error);

gboolean            lab_import_detect_format           (const char              *path,
                                                        LabImportFormat         *format,
                                                        GError                 **error);
gboolean            lab_import_recover                 (LabDb                   *db,
                                                        GError                 **error);

G_END_DECLS
