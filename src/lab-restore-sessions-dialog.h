/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-backup-info.h"
#include "lab-data-dir.h"

G_BEGIN_DECLS

#define LAB_TYPE_RESTORE_SESSIONS_DIALOG (lab_restore_sessions_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabRestoreSessionsDialog, lab_restore_sessions_dialog, LAB,
                      RESTORE_SESSIONS_DIALOG, AdwWindow)

LabRestoreSessionsDialog *lab_restore_sessions_dialog_new        (LabDataDir               *dir,
                                                                  LabBackupInfo            *backup);
const char               *lab_restore_sessions_dialog_get_backup_name (LabRestoreSessionsDialog *self);
gboolean                  lab_restore_sessions_dialog_get_loading (LabRestoreSessionsDialog *self);
guint                     lab_restore_sessions_dialog_get_n_shown (LabRestoreSessionsDialog *self);
void                      lab_restore_sessions_dialog_set_query   (LabRestoreSessionsDialog *self,
                                                                   const char               *query);
void                      lab_restore_sessions_dialog_set_checked (LabRestoreSessionsDialog *self,
                                                                   const char               *session_id,
                                                                   gboolean                  checked);
char                    **lab_restore_sessions_dialog_get_checked (LabRestoreSessionsDialog *self);

G_END_DECLS
