/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * LabImportConflictReason:
 * @LAB_IMPORT_CONFLICT_CHANGED: the store has a row with the same id and
 *   different contents
 * @LAB_IMPORT_CONFLICT_POSITION_TAKEN: another row of the store already takes
 *   the place this one must have (the same message number in a session)
 * @LAB_IMPORT_CONFLICT_FILE_CHANGED: the store has a different file at the
 *   same path of the session's workspace
 */
typedef enum
{
  LAB_IMPORT_CONFLICT_CHANGED,
  LAB_IMPORT_CONFLICT_POSITION_TAKEN,
  LAB_IMPORT_CONFLICT_FILE_CHANGED,
} LabImportConflictReason;

#define LAB_TYPE_IMPORT_CONFLICT (lab_import_conflict_get_type ())

G_DECLARE_FINAL_TYPE (LabImportConflict, lab_import_conflict, LAB, IMPORT_CONFLICT, GObject)

LabImportConflict       *lab_import_conflict_new               (const char              *table,
                                                                const char              *key,
                                                                const char              *session_id,
                                                                const char              *session_title,
                                                                gint64                   sequence,
                                                                LabImportConflictReason  reason,
                                                                const char * const      *columns);
const char              *lab_import_conflict_get_table         (LabImportConflict *self);
const char              *lab_import_conflict_get_key           (LabImportConflict *self);
const char              *lab_import_conflict_get_session_id    (LabImportConflict *self);
const char              *lab_import_conflict_get_session_title (LabImportConflict *self);
gint64                   lab_import_conflict_get_sequence      (LabImportConflict *self);
LabImportConflictReason  lab_import_conflict_get_reason        (LabImportConflict *self);
const char * const      *lab_import_conflict_get_columns       (LabImportConflict *self);
char                    *lab_import_conflict_describe          (LabImportConflict *self);

G_END_DECLS
