/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "lab-data-dir.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define LAB_TYPE_DB (lab_db_get_type ())

G_DECLARE_FINAL_TYPE (LabDb, lab_db, LAB, DB, GObject)

typedef enum
{
  LAB_DB_OPEN_DEFAULT   = 0,
  LAB_DB_OPEN_READ_ONLY = 1 << 0,  /* never write; fails if the file is missing */
  LAB_DB_OPEN_NO_CREATE = 1 << 1,  /* fail if the file is missing */
} LabDbOpenFlags;

LabDb         *lab_db_open                (LabDataDir      *dir,
                                           LabDbOpenFlags   flags,
                                           GError         **error);
LabDb         *lab_db_open_file           (const char      *path,
                                           LabDbOpenFlags   flags,
                                           GError         **error);
LabDb         *lab_db_open_file_at_version (const char     *path,
                                            int             version,
                                            GError        **error);
sqlite3       *lab_db_get_handle          (LabDb           *self);
const char    *lab_db_get_path            (LabDb           *self);
LabDataDir    *lab_db_get_data_dir        (LabDb           *self);
int            lab_db_get_schema_version  (LabDb           *self);
gboolean       lab_db_is_read_only        (LabDb           *self);
sqlite3_stmt  *lab_db_prepare             (LabDb           *self,
                                           const char      *sql,
                                           GError         **error);
gboolean       lab_db_exec                (LabDb           *self,
                                           const char      *sql,
                                           GError         **error);
gboolean       lab_db_step_done           (LabDb           *self,
                                           sqlite3_stmt    *stmt,
                                           GError         **error);
gboolean       lab_db_begin               (LabDb           *self,
                                           GError         **error);
gboolean       lab_db_commit              (LabDb           *self,
                                           GError         **error);
void           lab_db_rollback            (LabDb           *self);
gboolean       lab_db_set_error           (LabDb           *self,
                                           GError         **error,
                                           int              rc,
                                           const char      *context);
gint64         lab_db_query_int64         (LabDb           *self,
                                           const char      *sql,
                                           GError         **error);
void           lab_db_set_cancellable     (LabDb           *self,
                                           GCancellable    *cancellable);
char          *lab_db_get_meta            (LabDb           *self,
                                           const char      *key);
gboolean       lab_db_set_meta            (LabDb           *self,
                                           const char      *key,
                                           const char      *value,
                                           GError         **error);

gboolean       lab_db_begin_bulk          (LabDb           *self,
                                           GError         **error);
gboolean       lab_db_end_bulk            (LabDb           *self,
                                           GError         **error);
void           lab_db_abandon_bulk        (LabDb           *self);

gboolean       lab_sqlite_set_error       (GError         **error,
                                           sqlite3         *db,
                                           int              rc,
                                           const char      *context);
gboolean       lab_file_is_sqlite         (const char      *path,
                                           GError         **error);

G_END_DECLS
