/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-backup-info.h"
#include "lab-data-dir.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabBackupCreateFlags:
 * @LAB_BACKUP_CREATE_DEFAULT: always make a new backup
 * @LAB_BACKUP_CREATE_SKIP_UNCHANGED: make none if the database and the workspace
 *   are exactly as in the newest good backup (the scheduler's mode)
 */
typedef enum
{
  LAB_BACKUP_CREATE_DEFAULT        = 0,
  LAB_BACKUP_CREATE_SKIP_UNCHANGED = 1 << 0,
} LabBackupCreateFlags;

char          *lab_backup_create          (LabDataDir           *dir,
                                           LabBackupKind         kind,
                                           LabProgressFunc       progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GError              **error);
char          *lab_backup_create_full     (LabDataDir           *dir,
                                           LabBackupKind         kind,
                                           LabBackupCreateFlags  flags,
                                           gboolean             *skipped,
                                           LabProgressFunc       progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GError              **error);
void           lab_backup_create_async    (LabDataDir           *dir,
                                           LabBackupKind         kind,
                                           LabBackupCreateFlags  flags,
                                           LabProgress          *progress,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
char          *lab_backup_create_finish   (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           gboolean             *skipped,
                                           GError              **error);

GPtrArray     *lab_backup_list            (LabDataDir           *dir,
                                           GError              **error);
LabBackupInfo *lab_backup_get             (LabDataDir           *dir,
                                           const char           *name,
                                           GError              **error);
LabBackupInfo *lab_backup_find_last_good  (GPtrArray            *backups);

G_END_DECLS
