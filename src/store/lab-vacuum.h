/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-data-dir.h"
#include "lab-db.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabVacuumResult:
 * @size_before: the database file and its write-ahead log before, in bytes
 * @size_after: the same after
 * @incremental: whether only the free pages were given back (incremental
 *   vacuum) rather than the whole file rewritten
 * @seconds: how long it took
 */
typedef struct
{
  guint64 size_before;
  guint64 size_after;
  gboolean incremental;
  double seconds;
} LabVacuumResult;

guint64  lab_vacuum_get_database_size (LabDb       *db);
gboolean lab_vacuum_db     (LabDb                *db,
                            LabVacuumResult      *result,
                            LabProgressFunc       progress,
                            gpointer              progress_data,
                            GCancellable         *cancellable,
                            GError              **error);
gboolean lab_vacuum        (LabDataDir           *dir,
                            LabVacuumResult      *result,
                            LabProgressFunc       progress,
                            gpointer              progress_data,
                            GCancellable         *cancellable,
                            GError              **error);
void     lab_vacuum_async  (LabDataDir           *dir,
                            LabProgress          *progress,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
gboolean lab_vacuum_finish (LabDataDir           *dir,
                            GAsyncResult         *result,
                            LabVacuumResult      *vacuum_result,
                            GError              **error);

G_END_DECLS
