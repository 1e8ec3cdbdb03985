/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-backup.h"
#include "lab-test-util.h"

G_BEGIN_DECLS

char    *lab_backup_test_dump         (LabDb              *db,
                                       const char         *only_session,
                                       const char * const *except_sessions);
char    *lab_backup_test_dump_file    (const char         *db_path);
void     lab_backup_test_flip_byte    (const char         *path,
                                       goffset             offset);
guint    lab_backup_test_count_files  (const char         *path);
char    *lab_backup_test_create       (LabTestStore       *store,
                                       LabBackupKind       kind);
void     lab_backup_test_set_created  (LabTestStore       *store,
                                       const char         *name,
                                       gint64              usec);
void     lab_backup_test_write_file   (LabTestStore       *store,
                                       const char         *relative,
                                       const char         *contents);
void     lab_backup_test_set_compression (LabTestStore    *store,
                                          const char      *compression);
void     lab_backup_test_make_v1_store (LabTestStore      *store);
char    *lab_backup_test_any_object   (LabTestStore       *store);

/* What a user sees of a store: its rows and its workspace files. */
typedef struct
{
  char *rows;
  char *workspace;
} LabBackupTestState;

void     lab_backup_test_state_take   (LabBackupTestState *state,
                                       LabTestStore       *store);
gboolean lab_backup_test_state_equal  (LabBackupTestState *a,
                                       LabBackupTestState *b);
void     lab_backup_test_state_clear  (LabBackupTestState *state);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabBackupTestState, lab_backup_test_state_clear)

G_END_DECLS
