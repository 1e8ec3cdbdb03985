/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LAB_TYPE_DATA_DIR (lab_data_dir_get_type ())

G_DECLARE_FINAL_TYPE (LabDataDir, lab_data_dir, LAB, DATA_DIR, GObject)

#define LAB_DATA_DIR_ENV "LABDATA_DIR"

/**
 * LabDataDirOrigin:
 * @LAB_DATA_DIR_ORIGIN_EXPLICIT: given by the caller (`--data-dir`, a test, a move)
 * @LAB_DATA_DIR_ORIGIN_ENV: the `LABDATA_DIR` environment variable
 * @LAB_DATA_DIR_ORIGIN_LOCATION_FILE: the location file written when the data
 *   directory was moved (`$XDG_CONFIG_HOME/labdata/location`)
 * @LAB_DATA_DIR_ORIGIN_DEFAULT: `$XDG_DATA_HOME/labdata`
 *
 * Where the resolution of the data directory found it.
 */
typedef enum
{
  LAB_DATA_DIR_ORIGIN_EXPLICIT,
  LAB_DATA_DIR_ORIGIN_ENV,
  LAB_DATA_DIR_ORIGIN_LOCATION_FILE,
  LAB_DATA_DIR_ORIGIN_DEFAULT,
} LabDataDirOrigin;

LabDataDir *lab_data_dir_new               (const char  *root);
LabDataDir *lab_data_dir_resolve           (const char  *option);
char       *lab_data_dir_default_root      (void);
LabDataDirOrigin lab_data_dir_get_origin   (LabDataDir  *self);
char       *lab_data_dir_get_location_file (void);
char       *lab_data_dir_read_location     (GError     **error);
gboolean    lab_data_dir_write_location    (const char  *root,
                                            GError     **error);
gboolean    lab_data_dir_clear_location    (GError     **error);
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
