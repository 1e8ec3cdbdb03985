/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * LabCheckSeverity:
 * @LAB_CHECK_SEVERITY_INFO: worth knowing, not a problem
 * @LAB_CHECK_SEVERITY_WARNING: nothing is lost, but something needs attention
 * @LAB_CHECK_SEVERITY_ERROR: data is damaged, missing or unreachable
 */
typedef enum
{
  LAB_CHECK_SEVERITY_INFO,
  LAB_CHECK_SEVERITY_WARNING,
  LAB_CHECK_SEVERITY_ERROR,
} LabCheckSeverity;

/**
 * LabCheckFindingKind:
 * @LAB_CHECK_FINDING_NO_DATABASE: a new store: there is no database yet
 * @LAB_CHECK_FINDING_DATABASE_MISSING: the database is gone but the store holds data
 * @LAB_CHECK_FINDING_NOT_A_DATABASE: the database file is not an SQLite file
 * @LAB_CHECK_FINDING_SCHEMA_TOO_NEW: a newer LabData wrote the database
 * @LAB_CHECK_FINDING_SCHEMA_OLD: the database will be upgraded at the next start
 * @LAB_CHECK_FINDING_DATABASE_DAMAGED: quick_check or integrity_check failed
 * @LAB_CHECK_FINDING_FOREIGN_KEY: rows point at rows that do not exist
 * @LAB_CHECK_FINDING_FTS_INCONSISTENT: a full-text index disagrees with its table
 * @LAB_CHECK_FINDING_ORPHAN_FOLDER: a workspace folder (or file) of no session
 * @LAB_CHECK_FINDING_ORPHAN_FILE: files in a session's folder the database does not list
 * @LAB_CHECK_FINDING_MISSING_FILE: files the database lists are missing
 * @LAB_CHECK_FINDING_CHANGED_FILE: files whose size or SHA-256 differ from the database
 * @LAB_CHECK_FINDING_UNSAFE_PATH: the database lists a file outside the session's folder
 * @LAB_CHECK_FINDING_BACKUP_DAMAGED: a backup's checksum or size does not match its sidecar
 * @LAB_CHECK_FINDING_BACKUP_INCOMPLETE: a backup lacks its sidecar, its database or files
 * @LAB_CHECK_FINDING_STALE_TEMP_FILE: a temporary file left by an interrupted operation
 * @LAB_CHECK_FINDING_INTERRUPTED_CLEANUP: an interrupted clean-up was finished or undone
 * @LAB_CHECK_FINDING_UNREADABLE: a file or folder could not be read, so was not checked
 *
 * What a finding is about. The nick (e.g. "fts-inconsistent") is stable: it is
 * what `labdata-cli check --json` prints and what the stored result holds.
 */
typedef enum
{
  LAB_CHECK_FINDING_NO_DATABASE,
  LAB_CHECK_FINDING_DATABASE_MISSING,
  LAB_CHECK_FINDING_NOT_A_DATABASE,
  LAB_CHECK_FINDING_SCHEMA_TOO_NEW,
  LAB_CHECK_FINDING_SCHEMA_OLD,
  LAB_CHECK_FINDING_DATABASE_DAMAGED,
  LAB_CHECK_FINDING_FOREIGN_KEY,
  LAB_CHECK_FINDING_FTS_INCONSISTENT,
  LAB_CHECK_FINDING_ORPHAN_FOLDER,
  LAB_CHECK_FINDING_ORPHAN_FILE,
  LAB_CHECK_FINDING_MISSING_FILE,
  LAB_CHECK_FINDING_CHANGED_FILE,
  LAB_CHECK_FINDING_UNSAFE_PATH,
  LAB_CHECK_FINDING_BACKUP_DAMAGED,
  LAB_CHECK_FINDING_BACKUP_INCOMPLETE,
  LAB_CHECK_FINDING_STALE_TEMP_FILE,
  LAB_CHECK_FINDING_INTERRUPTED_CLEANUP,
  LAB_CHECK_FINDING_UNREADABLE,
} LabCheckFindingKind;

/**
 * LabCheckRepair:
 * @LAB_CHECK_REPAIR_NONE: no repair is safe to do automatically
 * @LAB_CHECK_REPAIR_REBUILD_INDEX: rebuild the full-text index from its table
 * @LAB_CHECK_REPAIR_ADOPT_FILES: record the files as they are now in the database
 * @LAB_CHECK_REPAIR_REMOVE_FILES: delete the files (after a backup)
 * @LAB_CHECK_REPAIR_RESTORE_FILES: copy the files back from a backup
 * @LAB_CHECK_REPAIR_RESTORE_BACKUP: replace the database with the newest good backup
 */
typedef enum
{
  LAB_CHECK_REPAIR_NONE,
  LAB_CHECK_REPAIR_REBUILD_INDEX,
  LAB_CHECK_REPAIR_ADOPT_FILES,
  LAB_CHECK_REPAIR_REMOVE_FILES,
  LAB_CHECK_REPAIR_RESTORE_FILES,
  LAB_CHECK_REPAIR_RESTORE_BACKUP,
} LabCheckRepair;

#define LAB_TYPE_CHECK_SEVERITY (lab_check_severity_get_type ())
#define LAB_TYPE_CHECK_FINDING_KIND (lab_check_finding_kind_get_type ())
#define LAB_TYPE_CHECK_REPAIR (lab_check_repair_get_type ())

GType lab_check_severity_get_type     (void) G_GNUC_CONST;
GType lab_check_finding_kind_get_type (void) G_GNUC_CONST;
GType lab_check_repair_get_type       (void) G_GNUC_CONST;

#define LAB_TYPE_CHECK_FINDING (lab_check_finding_get_type ())

G_DECLARE_FINAL_TYPE (LabCheckFinding, lab_check_finding, LAB, CHECK_FINDING, GObject)

LabCheckFinding     *lab_check_finding_new             (LabCheckFindingKind  kind,
                                                        const char          *subject);
void                 lab_check_finding_set_detail      (LabCheckFinding     *self,
                                                        const char          *detail);
void                 lab_check_finding_add_path        (LabCheckFinding     *self,
                                                        const char          *path);
void                 lab_check_finding_set_amount      (LabCheckFinding     *self,
                                                        guint64              count,
                                                        guint64              bytes);
void                 lab_check_finding_set_repair      (LabCheckFinding     *self,
                                                        LabCheckRepair       repair);
LabCheckFindingKind  lab_check_finding_get_kind        (LabCheckFinding     *self);
LabCheckSeverity     lab_check_finding_get_severity    (LabCheckFinding     *self);
const char          *lab_check_finding_get_subject     (LabCheckFinding     *self);
const char          *lab_check_finding_get_detail      (LabCheckFinding     *self);
const char * const  *lab_check_finding_get_paths       (LabCheckFinding     *self);
guint                lab_check_finding_get_n_paths     (LabCheckFinding     *self);
guint64              lab_check_finding_get_count       (LabCheckFinding     *self);
guint64              lab_check_finding_get_bytes       (LabCheckFinding     *self);
LabCheckRepair       lab_check_finding_get_repair      (LabCheckFinding     *self);
char                *lab_check_finding_dup_title       (LabCheckFinding     *self);
char                *lab_check_finding_dup_explanation (LabCheckFinding     *self);
const char          *lab_check_finding_get_repair_label (LabCheckFinding    *self);
JsonNode            *lab_check_finding_to_json         (LabCheckFinding     *self);
LabCheckFinding     *lab_check_finding_new_from_json   (JsonObject          *object,
                                                        GError             **error);

const char          *lab_check_severity_to_string      (LabCheckSeverity     severity);
const char          *lab_check_finding_kind_to_string  (LabCheckFindingKind  kind);
const char          *lab_check_repair_to_string        (LabCheckRepair       repair);

G_END_DECLS
