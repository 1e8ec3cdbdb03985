/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-backup-info.h"
#include "lab-data-dir.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSION_PICKER (lab_session_picker_get_type ())

G_DECLARE_FINAL_TYPE (LabSessionPicker, lab_session_picker, LAB, SESSION_PICKER, AdwWindow)

LabSessionPicker *lab_session_picker_new_for_backup  (LabDataDir         *dir,
                                                      LabBackupInfo      *backup);
LabSessionPicker *lab_session_picker_new_for_store   (LabDataDir         *dir,
                                                      const char * const *checked);
const char       *lab_session_picker_get_backup_name (LabSessionPicker   *self);
gboolean          lab_session_picker_get_loading     (LabSessionPicker   *self);
guint             lab_session_picker_get_n_shown     (LabSessionPicker   *self);
void              lab_session_picker_set_query       (LabSessionPicker   *self,
                                                      const char         *query);
void              lab_session_picker_set_checked     (LabSessionPicker   *self,
                                                      const char         *session_id,
                                                      gboolean            checked);
char            **lab_session_picker_get_checked     (LabSessionPicker   *self);

G_END_DECLS
