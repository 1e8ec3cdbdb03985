/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-backup-info.h"
#include "lab-config.h"
#include "lab-data-dir.h"
#include "lab-db.h"
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
void           lab_backup_list_async      (LabDataDir           *dir,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GPtrArray     *lab_backup_list_finish     (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           GError              **error);
LabBackupInfo *lab_backup_get             (LabDataDir           *dir,
                                           const char           *name,
                                           GError              **error);
LabBackupInfo *lab_backup_find_last_good  (GPtrArray            *backups);
GHashTable    *lab_backup_load_files      (LabDataDir           *dir,
                                           const char           *name,
                                           GError              **error);
LabDb         *lab_backup_open_database   (LabDataDir           *dir,
                                           const char           *name,
                                           GCancellable         *cancellable,
                                           GError              **error);
void           lab_backup_open_database_async (LabDataDir       *dir,
                                           const char           *name,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
LabDb         *lab_backup_open_database_finish (LabDataDir      *dir,
                                           GAsyncResult         *result,
                                           GError              **error);

gboolean       lab_backup_delete          (LabDataDir           *dir,
                                           const char           *name,
                                           GError              **error);
void           lab_backup_delete_async    (LabDataDir           *dir,
                                           const char           *name,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       lab_backup_delete_finish   (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           GError              **error);
gboolean       lab_backup_set_pinned      (LabDataDir           *dir,
                                           const char           *name,
                                           gboolean              pinned,
                                           GError              **error);
void           lab_backup_set_pinned_async (LabDataDir          *dir,
                                           const char           *name,
                                           gboolean              pinned,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       lab_backup_set_pinned_finish (LabDataDir         *dir,
                                           GAsyncResult         *result,
                                           GError              **error);

LabBackupInfo *lab_backup_verify          (LabDataDir           *dir,
                                           const char           *name,
                                           LabProgressFunc       progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GError              **error);
GPtrArray     *lab_backup_verify_all      (LabDataDir           *dir,
                                           LabProgressFunc       progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GError              **error);
void           lab_backup_verify_async    (LabDataDir           *dir,
                                           const char           *name,
                                           LabProgress          *progress,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GPtrArray     *lab_backup_verify_finish   (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           GError              **error);

gboolean       lab_backup_restore         (LabDataDir           *dir,
                                           const char           *name,
                                           const char * const   *sessions,
                                           char                **pre_restore,
                                           LabProgressFunc       progress,
                                           gpointer              progress_data,
                                           GCancellable         *cancellable,
                                           GError              **error);
void           lab_backup_restore_async   (LabDataDir           *dir,
                                           const char           *name,
                                           const char * const   *sessions,
                                           LabProgress          *progress,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean       lab_backup_restore_finish  (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           char                **pre_restore,
                                           GError              **error);
GPtrArray     *lab_backup_list_sessions   (LabDb                *db,
                                           const char           *query,
                                           guint                 offset,
                                           guint                 limit,
                                           GError              **error);
gboolean       lab_backup_recover         (LabDataDir           *dir,
                                           GError              **error);

GPtrArray     *lab_backup_retention_select (GPtrArray           *backups,
                                            gint64               days,
                                            gint64               keep_min,
                                            gint64               now);
GPtrArray     *lab_backup_retention_plan  (LabDataDir           *dir,
                                           LabConfig            *config,
                                           gint64                now,
                                           guint64              *bytes_reclaimed,
                                           GError              **error);
gboolean       lab_backup_prune           (LabDataDir           *dir,
                                           LabConfig            *config,
                                           gint64                now,
                                           GPtrArray           **deleted,
                                           guint64              *bytes_freed,
                                           GCancellable         *cancellable,
                                           GError              **error);
void           lab_backup_prune_async     (LabDataDir           *dir,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
GPtrArray     *lab_backup_prune_finish    (LabDataDir           *dir,
                                           GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
