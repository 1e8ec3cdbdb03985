/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "lab-db.h"
#include "lab-legacy.h"

G_BEGIN_DECLS

/*
 * Shared by the legacy readers (lab-legacy-lab.c, lab-legacy-events.c), the
 * detection (lab-legacy.c) and the migration engine (lab-migrate.c).
 *
 * A reader turns the rows of one legacy source into LabData rows (JSON objects
 * shaped by the table descriptions of lab-schema.c) and hands them to an
 * emitter. The emitter gives them their LabData ids, skips what an earlier
 * migration already brought in, and either counts them (dry run) or writes
 * them. The same reader code therefore makes the dry-run report and the
 * migration, so the report cannot promise what the migration does not do.
 */

/* Each legacy database is read through its own read-only connection. */
#define LAB_LEGACY_BUSY_TIMEOUT_MS 2000

typedef struct _LabLegacyEmitter LabLegacyEmitter;

/* Reads a table's rows in an order (see _lab_legacy_cursor_open()). */
typedef struct
{
  sqlite3_stmt *stmt;   /* the current row: "__rowid" then the table's columns */
  GArray *rowids;       /* the order, or NULL when the statement is itself ordered */
  guint next;
} LabLegacyCursor;

/* Called by the verification for each (session, table) count of the source. */
typedef void (*LabLegacyCountFunc) (const char *orig_session_id,
                                    const char *table,
                                    gint64      count,
                                    gpointer    user_data);

/* lab-legacy.c: the source object */
void        _lab_legacy_source_add_count      (LabLegacySource *self,
                                               const char      *name,
                                               gint64           count,
                                               guint64          size);
void        _lab_legacy_source_add_note       (LabLegacySource *self,
                                               const char      *format,
                                               ...) G_GNUC_PRINTF (2, 3);
void        _lab_legacy_source_extend_time    (LabLegacySource *self,
                                               gint64           usec);
void        _lab_legacy_source_add_size       (LabLegacySource *self,
                                               guint64          bytes);
const char *_lab_legacy_source_get_workspace_path (LabLegacySource *self);
sqlite3    *_lab_legacy_source_open_db        (LabLegacySource *self,
                                               GError         **error);
gboolean    _lab_legacy_source_read           (LabLegacySource  *self,
                                               sqlite3          *db,
                                               LabLegacyEmitter *emitter,
                                               GError          **error);
gboolean    _lab_legacy_source_count          (LabLegacySource   *self,
                                               sqlite3           *db,
                                               LabLegacyCountFunc func,
                                               gpointer           user_data,
                                               GError           **error);

/* lab-legacy.c: helpers for the readers */
sqlite3    *_lab_legacy_open_sqlite           (const char      *path,
                                               GError         **error);
gboolean    _lab_legacy_sqlite_error          (GError         **error,
                                               sqlite3         *db,
                                               int              rc,
                                               const char      *path);
GPtrArray  *_lab_legacy_table_columns         (sqlite3         *db,
                                               const char      *table,
                                               GError         **error);
gint64      _lab_legacy_count_rows            (sqlite3         *db,
                                               const char      *table,
                                               const char      *path,
                                               GError         **error);
JsonNode   *_lab_legacy_column_to_json        (sqlite3_stmt    *stmt,
                                               int              col);
char       *_lab_legacy_column_to_text        (sqlite3_stmt    *stmt,
                                               int              col);
gboolean    _lab_legacy_column_time           (sqlite3_stmt    *stmt,
                                               int              col,
                                               gint64          *usec);
JsonNode   *_lab_legacy_parse_json_column     (sqlite3_stmt    *stmt,
                                               int              col,
                                               gboolean        *valid);
char       *_lab_legacy_make_title            (const char      *text,
                                               const char      *fallback);
char       *_lab_legacy_uuid_for_key          (const char      *key);
gboolean    _lab_legacy_cursor_open           (LabLegacyCursor *cursor,
                                               sqlite3         *db,
                                               const char      *table,
                                               const char      *order,
                                               const char      *path,
                                               GError         **error);
int         _lab_legacy_cursor_step           (LabLegacyCursor *cursor);
void        _lab_legacy_cursor_clear          (LabLegacyCursor *cursor);
gboolean    _lab_legacy_prepare               (sqlite3         *db,
                                               const char      *sql,
                                               sqlite3_stmt   **stmt,
                                               GError         **error);
gboolean    _lab_legacy_step_done             (sqlite3         *db,
                                               int              rc,
                                               GError         **error);
gboolean    _lab_legacy_has_column            (GPtrArray       *columns,
                                               const char      *name);
void        _lab_legacy_extend_time_span      (LabLegacySource *source,
                                               sqlite3         *db,
                                               const char      *table,
                                               const char      *column);
void        _lab_legacy_note_missing_table    (LabLegacySource *source,
                                               const char      *table);
gint64      _lab_legacy_file_time             (const char      *path);
JsonNode   *_lab_legacy_tool_calls            (const char      *id,
                                               const char      *name,
                                               JsonNode        *arguments);
JsonObject *_lab_legacy_made_session_metadata (const char      *kind,
                                               const char      *orig_id,
                                               const char      *recovered,
                                               const char      *files_of);
GHashTable *_lab_legacy_stmt_columns          (sqlite3_stmt    *stmt);
int         _lab_legacy_col                   (GHashTable      *columns,
                                               const char      *name);
JsonObject *_lab_legacy_extra_columns         (sqlite3_stmt    *stmt,
                                               const char * const *known);
JsonObject *_lab_legacy_make_metadata         (JsonNode        *original,
                                               JsonObject      *legacy);
gboolean    _lab_legacy_set_time              (JsonObject      *row,
                                               const char      *member,
                                               sqlite3_stmt    *stmt,
                                               int              col,
                                               gint64           fallback,
                                               JsonObject      *legacy,
                                               gint64          *usec);
void        _lab_legacy_note_columns          (LabLegacySource *source,
                                               const char      *table,
                                               GPtrArray       *columns,
                                               const char * const *known);
gboolean    _lab_legacy_walk_files            (LabLegacyEmitter *emitter,
                                               const char      *orig_session_id,
                                               const char      *root,
                                               const char      *prefix,
                                               GError         **error);

/* lab-legacy-lab.c and lab-legacy-events.c */
gboolean    _lab_legacy_lab_inspect           (LabLegacySource  *source,
                                               sqlite3          *db,
                                               GError          **error);
gboolean    _lab_legacy_lab_read              (LabLegacySource  *source,
                                               sqlite3          *db,
                                               LabLegacyEmitter *emitter,
                                               GError          **error);
gboolean    _lab_legacy_lab_count             (LabLegacySource   *source,
                                               sqlite3           *db,
                                               LabLegacyCountFunc func,
                                               gpointer           user_data,
                                               GError           **error);
gboolean    _lab_legacy_events_inspect        (LabLegacySource  *source,
                                               sqlite3          *db,
                                               GError          **error);
gboolean    _lab_legacy_events_read           (LabLegacySource  *source,
                                               sqlite3          *db,
                                               LabLegacyEmitter *emitter,
                                               GError          **error);
gboolean    _lab_legacy_events_count          (LabLegacySource   *source,
                                               sqlite3           *db,
                                               LabLegacyCountFunc func,
                                               gpointer           user_data,
                                               GError           **error);

/* lab-legacy-export.c: the JSON export, through the import's reader */
gboolean    _lab_legacy_export_inspect        (LabLegacySource  *source,
                                               GError          **error);
gboolean    _lab_legacy_export_read           (LabLegacySource  *source,
                                               LabLegacyEmitter *emitter,
                                               GError          **error);
gboolean    _lab_legacy_export_count          (LabLegacySource   *source,
                                               LabLegacyCountFunc func,
                                               gpointer           user_data,
                                               GError           **error);

/* lab-migrate.c: the emitter */
gboolean    _lab_legacy_emit_session          (LabLegacyEmitter *emitter,
                                               const char       *orig_id,
                                               const char       *identity,
                                               JsonObject       *row,
                                               GError          **error);
gboolean    _lab_legacy_emit_row              (LabLegacyEmitter *emitter,
                                               const char       *table,
                                               const char       *orig_session_id,
                                               const char       *orig_id,
                                               JsonObject       *row,
                                               GError          **error);
gboolean    _lab_legacy_emit_file             (LabLegacyEmitter *emitter,
                                               const char       *orig_session_id,
                                               const char       *path,
                                               const char       *relative,
                                               GError          **error);
void        _lab_legacy_emit_issue            (LabLegacyEmitter *emitter,
                                               const char       *item,
                                               const char       *format,
                                               ...) G_GNUC_PRINTF (3, 4);
gboolean    _lab_legacy_emitter_has_session   (LabLegacyEmitter *emitter,
                                               const char       *orig_id);
gboolean    _lab_legacy_emitter_check         (LabLegacyEmitter *emitter,
                                               double            fraction,
                                               GError          **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabLegacyCursor, _lab_legacy_cursor_clear)

G_END_DECLS
