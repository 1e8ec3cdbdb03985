/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-data-dir.h"
#include "lab-db.h"
#include "lab-import.h"
#include "lab-schema.h"

G_BEGIN_DECLS

/*
 * The staging area of an import: `<data>/.import-XXXXXX/`, on the same
 * filesystem as the workspace so that files move into place by rename. It
 * holds `stage.db` (the archive's rows in a database with the store's schema,
 * validated) and `files/<session>/<path>` (the archive's workspace files), and
 * a `lock` file locked while a process uses it. Shared by lab-import.c (which
 * checks, classifies and applies) and lab-import-stage.c (which fills it).
 */

#define LAB_IMPORT_STAGE_PREFIX ".import-"
#define LAB_IMPORT_STAGE_LOCK   "lock"
#define LAB_IMPORT_STAGE_MOVES  "moves"
#define LAB_IMPORT_STAGE_FILES  "files"

/* The staging database, attached to the store's connection. */
#define LAB_IMPORT_STAGE_SCHEMA "stage"

typedef struct _LabImportStage LabImportStage;

/* The status of a staged row or file next to the store. */
enum
{
  LAB_IMPORT_STATUS_NEW,
  LAB_IMPORT_STATUS_IDENTICAL,
  LAB_IMPORT_STATUS_CONFLICT,
};

struct _LabImportPreview
{
  GObject parent_instance;

  char *path;
  LabImportFormat format;
  int version;
  char *exported_at;
  char *app_version;
  LabDataDir *dir;
  LabImportStage *stage;

  LabImportCounts *counts;  /* per table, in lab_schema_get_tables() order */
  LabImportCounts files;
  GListStore *conflicts;
  guint64 n_conflicts;
  GPtrArray *warnings;
  gboolean applied;
};

typedef gboolean (*LabImportFileStatusFunc) (gint64       rowid,
                                             const char  *session_id,
                                             const char  *path,
                                             int          status,
                                             gpointer     user_data,
                                             GError     **error);

LabImportStage *lab_import_stage_new          (LabDataDir          *dir,
                                               GError             **error);
const char     *lab_import_stage_get_path     (LabImportStage      *self);
const char     *lab_import_stage_get_name     (LabImportStage      *self);
const char     *lab_import_stage_get_db_path  (LabImportStage      *self);
gboolean        lab_import_stage_add_line     (LabImportStage      *self,
                                               const LabTableInfo  *table,
                                               const char          *line,
                                               gsize                length,
                                               const char          *where,
                                               GError             **error);
gboolean        lab_import_stage_add_row      (LabImportStage      *self,
                                               const LabTableInfo  *table,
                                               JsonObject          *row,
                                               const char          *where,
                                               GError             **error);
int             lab_import_stage_create_file  (LabImportStage      *self,
                                               const char          *session_id,
                                               const char          *path,
                                               GError             **error);
gboolean        lab_import_stage_add_file     (LabImportStage      *self,
                                               const char          *session_id,
                                               const char          *path,
                                               guint64              size,
                                               const char          *sha256,
                                               GError             **error);
gboolean        lab_import_stage_finish       (LabImportStage      *self,
                                               GError             **error);
void            lab_import_stage_free         (LabImportStage      *self);
void            lab_import_stage_abandon      (LabImportStage      *self);

char           *lab_import_stage_file_path    (const char          *stage_path,
                                               const char          *session_id,
                                               const char          *path);
gboolean        lab_import_stage_is_name      (const char          *name);
int             lab_import_stage_try_lock     (const char          *stage_path);

gboolean        lab_import_attach_stage          (LabDb                    *db,
                                                  LabImportStage           *stage,
                                                  GError                  **error);
void            lab_import_detach_stage          (LabDb                    *db);
char           *lab_import_unknown_session_sql   (const char               *expr);
gboolean        lab_import_is_soft_reference     (const LabTableInfo       *table,
                                                  const LabColumnInfo      *column);
GPtrArray      *lab_import_secondary_uniques     (LabDb                    *db,
                                                  const LabTableInfo       *table,
                                                  GError                  **error);
char           *lab_import_classify_sql          (const LabTableInfo       *table,
                                                  GPtrArray                *uniques,
                                                  gboolean                  details);
char           *lab_import_staged_select_sql     (const LabTableInfo       *table,
                                                  const char               *columns,
                                                  const char               *extra);
gboolean        lab_import_classify_files        (LabDb                    *db,
                                                  LabDataDir               *dir,
                                                  LabImportFileStatusFunc   func,
                                                  gpointer                  user_data,
                                                  GCancellable             *cancellable,
                                                  GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabImportStage, lab_import_stage_free)

G_END_DECLS
