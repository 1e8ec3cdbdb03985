/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-data-dir.h"
#include "lab-legacy.h"
#include "lab-migration-report.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabMigrateFlags:
 * @LAB_MIGRATE_FLAGS_NONE: migrate, leaving the sources as they are
 * @LAB_MIGRATE_DRY_RUN: only report what would be migrated; nothing is written
 * @LAB_MIGRATE_MOVE_FILES: remove each source workspace file once its copy is
 *   verified and the migration committed (the legacy databases are never
 *   changed)
 */
typedef enum
{
  LAB_MIGRATE_FLAGS_NONE = 0,
  LAB_MIGRATE_DRY_RUN    = 1 << 0,
  LAB_MIGRATE_MOVE_FILES = 1 << 1,
} LabMigrateFlags;

LabMigrationReport *lab_migrate                (LabDataDir          *dir,
                                                GPtrArray           *sources,
                                                LabMigrateFlags      flags,
                                                LabProgressFunc      progress,
                                                gpointer             progress_data,
                                                GCancellable        *cancellable,
                                                GError             **error);
void                lab_migrate_async          (LabDataDir          *dir,
                                                GPtrArray           *sources,
                                                LabMigrateFlags      flags,
                                                LabProgress         *progress,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
LabMigrationReport *lab_migrate_finish         (GAsyncResult        *result,
                                                GError             **error);

char               *lab_migrate_find_log       (LabDataDir          *dir,
                                                const char          *name,
                                                GError             **error);
LabMigrationReport *lab_migrate_rollback       (LabDataDir          *dir,
                                                const char          *log_path,
                                                LabProgressFunc      progress,
                                                gpointer             progress_data,
                                                GCancellable        *cancellable,
                                                GError             **error);
void                lab_migrate_rollback_async (LabDataDir          *dir,
                                                const char          *log_path,
                                                LabProgress         *progress,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
LabMigrationReport *lab_migrate_rollback_finish (GAsyncResult       *result,
                                                 GError            **error);

G_END_DECLS
