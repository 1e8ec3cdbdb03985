/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-data-dir.h"

G_BEGIN_DECLS

/*
 * Store policies, in config/config.json, shared by the CLI and the GUI and
 * moved with the data. Keys are "section.name"; every key has a default
 * (see lab-config.c) and a type.
 */
#define LAB_CONFIG_AUTO_BACKUP_ENABLED        "auto_backup.enabled"
#define LAB_CONFIG_AUTO_BACKUP_TIME           "auto_backup.time"            /* "HH:MM" */
#define LAB_CONFIG_AUTO_BACKUP_COMPRESSION    "auto_backup.compression"     /* none, gzip, zstd */
#define LAB_CONFIG_AUTO_CLEANUP               "auto_backup.cleanup_after"
#define LAB_CONFIG_BACKUP_DAYS                "retention.backup_days"
#define LAB_CONFIG_BACKUP_KEEP_MIN            "retention.backup_keep_min"
#define LAB_CONFIG_ARCHIVED_SESSION_DAYS      "retention.archived_session_days"
#define LAB_CONFIG_SNAPSHOT_DAYS              "retention.snapshot_days"
#define LAB_CONFIG_ANALYTICS_DAYS             "retention.analytics_days"
#define LAB_CONFIG_ARCHIVE_DAYS               "retention.archive_days"
#define LAB_CONFIG_LOG_DAYS                   "retention.log_days"

#define LAB_TYPE_CONFIG (lab_config_get_type ())

G_DECLARE_FINAL_TYPE (LabConfig, lab_config, LAB, CONFIG, GObject)

LabConfig   *lab_config_load        (LabDataDir   *dir,
                                     GError      **error);
gboolean     lab_config_save        (LabConfig    *self,
                                     GError      **error);
const char  *lab_config_get_string  (LabConfig    *self,
                                     const char   *key);
gint64       lab_config_get_int     (LabConfig    *self,
                                     const char   *key);
gboolean     lab_config_get_boolean (LabConfig    *self,
                                     const char   *key);
gboolean     lab_config_set_string  (LabConfig    *self,
                                     const char   *key,
                                     const char   *value,
                                     GError      **error);
gboolean     lab_config_set_int     (LabConfig    *self,
                                     const char   *key,
                                     gint64        value,
                                     GError      **error);
gboolean     lab_config_set_boolean (LabConfig    *self,
                                     const char   *key,
                                     gboolean      value,
                                     GError      **error);
gboolean     lab_config_set_from_string (LabConfig  *self,
                                         const char *key,
                                         const char *value,
                                         GError    **error);
char        *lab_config_to_string   (LabConfig    *self);
const char * const *lab_config_list_keys (void);
gboolean     lab_config_parse_time  (const char   *text,
                                     int          *hour,
                                     int          *minute);

G_END_DECLS
