/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-browse.h"
#include "lab-db.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabExportOptions:
 * @filter: (nullable): which sessions; %NULL or an empty filter for all
 * @query: (nullable): only sessions with a search hit (in their messages, title,
 *   research question or keywords), as the search box would find them
 * @dest: (nullable): the archive to write; %NULL for
 *   `archives/export_YYYYMMDD_HHMMSS.labdata` in the data directory
 *
 * What to export. A full export (no filter, no query) also carries the rows
 * that belong to no session (brains, store-wide metrics and analytics).
 */
typedef struct
{
  LabSessionFilter *filter;
  char *query;
  char *dest;
} LabExportOptions;

#define LAB_TYPE_EXPORT_OPTIONS (lab_export_options_get_type ())

GType             lab_export_options_get_type (void) G_GNUC_CONST;
LabExportOptions *lab_export_options_new      (void);
LabExportOptions *lab_export_options_copy     (const LabExportOptions *options);
void              lab_export_options_free     (LabExportOptions       *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabExportOptions, lab_export_options_free)

/**
 * LabExportResult:
 * @path: the archive written
 * @archive_size: its size in bytes
 * @data_size: the uncompressed size of its members, the manifest aside
 * @counts: rows written per table, in lab_schema_get_tables() order
 * @n_files: workspace files written
 * @n_skipped_files: workspace entries left out (links, devices, names that
 *   are not UTF-8)
 * @seconds: how long it took
 */
typedef struct
{
  char *path;
  guint64 archive_size;
  guint64 data_size;
  gint64 *counts;
  guint64 n_files;
  guint64 n_skipped_files;
  double seconds;
} LabExportResult;

#define LAB_TYPE_EXPORT_RESULT (lab_export_result_get_type ())

GType            lab_export_result_get_type  (void) G_GNUC_CONST;
LabExportResult *lab_export_result_copy      (const LabExportResult *result);
void             lab_export_result_free      (LabExportResult       *result);
gint64           lab_export_result_get_count (const LabExportResult *result,
                                              const char            *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabExportResult, lab_export_result_free)

char            *lab_export_default_path     (LabDataDir             *dir);
LabExportResult *lab_export_run              (LabDb                  *db,
                                              const LabExportOptions *options,
                                              LabProgressFunc         progress,
                                              gpointer                progress_data,
                                              GCancellable           *cancellable,
                                              GError                **error);
void             lab_export_run_async        (LabDataDir             *dir,
                                              const LabExportOptions *options,
                                              LabProgress            *progress,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
LabExportResult *lab_export_run_finish       (GAsyncResult           *result,
                                              GError                **error);
gint64           lab_export_count_sessions   (LabDb                  *db,
                                              const LabExportOptions *options,
                                              GCancellable           *cancellable,
                                              GError                **error);
void             lab_export_count_sessions_async  (LabDataDir             *dir,
                                                   const LabExportOptions *options,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);
gint64           lab_export_count_sessions_finish (GAsyncResult           *result,
                                                   GError                **error);

G_END_DECLS
