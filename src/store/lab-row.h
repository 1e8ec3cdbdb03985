/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-db.h"
#include "lab-schema.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_ROW_FLAGS_NONE          = 0,
  LAB_ROW_FLAGS_ALLOW_UNKNOWN = 1 << 0,  /* ignore members that are not columns */
} LabRowFlags;

char         *lab_row_select_sql       (const LabTableInfo  *table,
                                        const char          *alias);
void          lab_row_append_json      (const LabTableInfo  *table,
                                        sqlite3_stmt        *stmt,
                                        GString             *out);
JsonObject   *lab_row_read             (const LabTableInfo  *table,
                                        sqlite3_stmt        *stmt);
gboolean      lab_row_validate         (const LabTableInfo  *table,
                                        JsonObject          *row,
                                        LabRowFlags          flags,
                                        GError             **error);
sqlite3_stmt *lab_row_prepare_insert   (LabDb               *db,
                                        const LabTableInfo  *table,
                                        gboolean             upsert,
                                        GError             **error);
gboolean      lab_row_bind             (const LabTableInfo  *table,
                                        sqlite3_stmt        *stmt,
                                        JsonObject          *row,
                                        GError             **error);
gboolean      lab_row_insert           (LabDb               *db,
                                        const LabTableInfo  *table,
                                        JsonObject          *row,
                                        gboolean             upsert,
                                        GError             **error);
gboolean      lab_row_equal            (const LabTableInfo  *table,
                                        JsonObject          *a,
                                        JsonObject          *b);
JsonObject   *lab_row_fetch            (LabDb               *db,
                                        const LabTableInfo  *table,
                                        JsonObject          *key_row,
                                        GError             **error);
void          lab_json_append_string   (GString             *out,
                                        const char          *text,
                                        gssize               length);
void          lab_json_append_double   (GString             *out,
                                        double               value);
void          lab_json_append_node     (GString             *out,
                                        JsonNode            *node);
char         *lab_json_to_string       (JsonNode            *node);
char         *lab_json_to_pretty_text  (JsonNode            *node);

G_END_DECLS
