/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LAB_TYPE_DATA_DIR (lab_data_dir_get_type ())

G_DECLARE_FINAL_TYPE (LabDataDir, lab_data_dir, LAB, DATA_DIR, GObject)

#define LAB_DATA_DIR_ENV "LABDATA_DIR"

LabDataDir *lab_data_dir_new               (const char  *root);
LabDataDir *lab_data_dir_resolve           (const char  *option);
char       *lab_data_dir_default_root      (void);
const char *lab_data_dir_get_root          (LabDataDir  *self);
const char *lab_data_dir_get_data_path     (LabDataDir  *self);
const char *lab_data_dir_get_db_path       (LabDataDir  *self);
const char *lab_data_dir_get_workspace_path (LabDataDir *self);
const char *lab_data_dir_get_backups_path  (LabDataDir  *self);
const char *lab_data_dir_get_archives_path (LabDataDir  *self);
const char *lab_data_dir_get_config_path   (LabDataDir  *self);
const char *lab_data_dir_get_config_file   (LabDataDir  *self);
const char *lab_data_dir_get_logs_path     (LabDataDir  *self);
char       *lab_data_dir_get_session_workspace (LabDataDir *self,
                                               const char *session_id);
gboolean    lab_data_dir_ensure            (LabDataDir  *self,
                                            GError     **error);
gboolean    lab_data_dir_exists            (LabDataDir  *self);

G_END_DECLS
