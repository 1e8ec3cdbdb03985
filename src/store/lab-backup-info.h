/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * LabBackupKind:
 * @LAB_BACKUP_KIND_MANUAL: asked for by the user
 * @LAB_BACKUP_KIND_AUTO: made by the scheduler
 * @LAB_BACKUP_KIND_PRE_RESTORE: the state just before a restore replaced it
 * @LAB_BACKUP_KIND_PRE_CLEANUP: the state just before a cleanup deleted data
 * @LAB_BACKUP_KIND_PRE_MIGRATION: the state just before a schema upgrade or a
 *   migration of legacy data
 * @LAB_BACKUP_KIND_PRE_IMPORT: the state just before an import
 *
 * Why a backup was made. The nicks ("manual", "auto", "pre-restore", …) are the
 * values of the sidecar's `kind` member.
 */
typedef enum
{
  LAB_BACKUP_KIND_MANUAL,
  LAB_BACKUP_KIND_AUTO,
  LAB_BACKUP_KIND_PRE_RESTORE,
  LAB_BACKUP_KIND_PRE_CLEANUP,
  LAB_BACKUP_KIND_PRE_MIGRATION,
  LAB_BACKUP_KIND_PRE_IMPORT,
} LabBackupKind;

#define LAB_TYPE_BACKUP_KIND (lab_backup_kind_get_type ())
GType        lab_backup_kind_get_type    (void) G_GNUC_CONST;
const char  *lab_backup_kind_to_string   (LabBackupKind  kind);
gboolean     lab_backup_kind_from_string (const char    *text,
                                          LabBackupKind *kind);
const char  *lab_backup_kind_get_label   (LabBackupKind  kind);

#define LAB_TYPE_BACKUP_INFO (lab_backup_info_get_type ())

G_DECLARE_FINAL_TYPE (LabBackupInfo, lab_backup_info, LAB, BACKUP_INFO, GObject)

const char          *lab_backup_info_get_name           (LabBackupInfo *self);
LabBackupKind        lab_backup_info_get_kind           (LabBackupInfo *self);
gint64               lab_backup_info_get_created_at     (LabBackupInfo *self);
const char          *lab_backup_info_get_path           (LabBackupInfo *self);
const char          *lab_backup_info_get_sidecar_path   (LabBackupInfo *self);
const char          *lab_backup_info_get_compression    (LabBackupInfo *self);
guint64              lab_backup_info_get_size           (LabBackupInfo *self);
const char          *lab_backup_info_get_sha256         (LabBackupInfo *self);
int                  lab_backup_info_get_schema_version (LabBackupInfo *self);
const char          *lab_backup_info_get_app_version    (LabBackupInfo *self);
double               lab_backup_info_get_duration       (LabBackupInfo *self);
gint64               lab_backup_info_get_count          (LabBackupInfo *self,
                                                         const char    *table);
JsonObject          *lab_backup_info_get_counts         (LabBackupInfo *self);
guint                lab_backup_info_get_n_files        (LabBackupInfo *self);
guint64              lab_backup_info_get_files_size     (LabBackupInfo *self);
gint64               lab_backup_info_get_verified_at    (LabBackupInfo *self);
gboolean             lab_backup_info_get_verified       (LabBackupInfo *self);
gboolean             lab_backup_info_get_damaged        (LabBackupInfo *self);
const char * const  *lab_backup_info_get_problems       (LabBackupInfo *self);
gboolean             lab_backup_info_get_pinned         (LabBackupInfo *self);
gboolean             lab_backup_info_is_good            (LabBackupInfo *self);
JsonNode            *lab_backup_info_to_json            (LabBackupInfo *self);

G_END_DECLS
