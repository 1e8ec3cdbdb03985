/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "lab-backup.h"
#include "lab-sha256.h"

G_BEGIN_DECLS

/*
 * Internals shared by lab-backup*.c. The layout of backups/:
 *
 *   backup_YYYYMMDD_HHMMSS.db[.gz|.zst]   the database, as one SQLite file
 *   backup_YYYYMMDD_HHMMSS.json           the sidecar; a backup exists once this does
 *   objects/ab/abcdef…                    workspace files, named by their SHA-256
 *   .lock                                 flock()ed by whoever changes anything here
 *   scheduler.json                        the scheduler's state (lab-scheduler.c)
 *
 * A backup is written file by file under temporary names and becomes visible
 * only when its sidecar is renamed into place, so a killed backup is never
 * listed; the next backup removes what it left.
 */

#define LAB_BACKUP_FORMAT         "labdata-backup"
#define LAB_BACKUP_FORMAT_VERSION 1
#define LAB_BACKUP_PREFIX         "backup_"

typedef struct _LabBackupLock LabBackupLock;

LabBackupLock *_lab_backup_lock_acquire     (LabDataDir       *dir,
                                             LabProgressFunc   progress,
                                             gpointer          progress_data,
                                             GCancellable     *cancellable,
                                             GError          **error);
LabBackupLock *_lab_backup_lock_try         (LabDataDir       *dir);
void           _lab_backup_lock_release     (LabBackupLock    *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabBackupLock, _lab_backup_lock_release)

char          *_lab_backup_objects_path     (LabDataDir       *dir);
char          *_lab_backup_object_path      (LabDataDir       *dir,
                                             const char       *sha256);
char          *_lab_backup_sidecar_path     (LabDataDir       *dir,
                                             const char       *name);
gboolean       _lab_backup_name_is_valid    (const char       *name);
gboolean       _lab_backup_file_name_matches (const char      *name,
                                              const char      *file);

JsonObject    *_lab_backup_read_sidecar     (LabDataDir       *dir,
                                             const char       *name,
                                             GError          **error);
gboolean       _lab_backup_write_sidecar    (LabDataDir       *dir,
                                             const char       *name,
                                             JsonObject       *root,
                                             GError          **error);
LabBackupInfo *_lab_backup_info_new         (LabDataDir       *dir,
                                             const char       *name,
                                             JsonObject       *root,
                                             const char       *problem);
LabBackupInfo *_lab_backup_get_info         (LabDataDir       *dir,
                                             const char       *name,
                                             GError          **error);

char          *_lab_backup_create_locked    (LabDataDir       *dir,
                                             LabBackupKind     kind,
                                             LabBackupCreateFlags flags,
                                             gboolean         *skipped,
                                             LabProgressFunc   progress,
                                             gpointer          progress_data,
                                             GCancellable     *cancellable,
                                             GError          **error);
void           _lab_backup_remove_leftovers (LabDataDir      *dir);
sqlite3       *_lab_backup_open_connection  (const char      *path,
                                             GError         **error);
gboolean       _lab_backup_query_int64      (sqlite3         *db,
                                             const char      *sql,
                                             gint64          *value,
                                             GError         **error);
JsonObject    *_lab_backup_count_rows       (sqlite3         *db,
                                             GError         **error);
gboolean       _lab_backup_delete_locked    (LabDataDir      *dir,
                                             const char      *name,
                                             GError         **error);
gboolean       _lab_backup_collect_garbage  (LabDataDir      *dir,
                                             guint64         *bytes_freed,
                                             GError         **error);
LabBackupInfo *_lab_backup_verify_locked    (LabDataDir      *dir,
                                             const char      *name,
                                             GHashTable      *checked_objects,
                                             LabProgressFunc  progress,
                                             gpointer         progress_data,
                                             GCancellable    *cancellable,
                                             GError         **error);
gboolean       _lab_backup_extract_database (LabBackupInfo   *info,
                                             const char      *dest,
                                             LabSha256       *sha,
                                             GCancellable    *cancellable,
                                             GError         **error);
void           _lab_backup_log              (LabDataDir      *dir,
                                             const char      *operation,
                                             JsonObject      *details);
gint64         _lab_backup_json_get_time    (JsonObject      *object,
                                             const char      *member);
void           _lab_backup_json_add_time    (JsonBuilder     *builder,
                                             const char      *member,
                                             gint64           usec);
JsonObject    *_lab_backup_hash_workspace   (LabDataDir      *dir,
                                             GCancellable    *cancellable,
                                             GError         **error);
gboolean       _lab_backup_recover_locked   (LabDataDir      *dir,
                                             GError         **error);
sqlite3       *_lab_backup_open_file_readonly (const char    *path,
                                               GError       **error);

G_END_DECLS
