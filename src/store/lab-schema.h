/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The schema version this program writes; PRAGMA user_version holds it. */
#define LAB_SCHEMA_VERSION 2

/* PRAGMA application_id of a LabData database: "LABD". */
#define LAB_APPLICATION_ID 0x4C414244

typedef enum
{
  LAB_COLUMN_TEXT,
  LAB_COLUMN_INTEGER,
  LAB_COLUMN_REAL,
  LAB_COLUMN_BOOLEAN,    /* INTEGER 0 or 1 */
  LAB_COLUMN_TIMESTAMP,  /* TEXT, ISO-8601 UTC, see lab-timestamp.h */
  LAB_COLUMN_JSON,       /* TEXT holding a JSON document */
} LabColumnType;

typedef enum
{
  LAB_COLUMN_FLAG_NONE     = 0,
  LAB_COLUMN_FLAG_REQUIRED = 1 << 0,  /* must be present (NOT NULL, no default) */
  LAB_COLUMN_FLAG_NULLABLE = 1 << 1,  /* NULL is a valid value */
  LAB_COLUMN_FLAG_KEY      = 1 << 2,  /* part of the row's identity */
  LAB_COLUMN_FLAG_INTERNAL = 1 << 3,  /* local to one store, never exported */
} LabColumnFlags;

typedef struct
{
  const char     *name;
  LabColumnType   type;
  LabColumnFlags  flags;
  const char     *references;  /* "sessions" for a session id, else NULL */
} LabColumnInfo;

typedef struct
{
  const char          *name;            /* table name, also the archive member stem */
  const LabColumnInfo *columns;
  guint                n_columns;
  const char          *session_column;  /* column naming the owning session, or NULL */
  const char          *time_column;     /* the column retention and date filters use */
} LabTableInfo;

const LabTableInfo  *lab_schema_get_tables       (guint        *n_tables);
const LabTableInfo  *lab_schema_get_table        (const char   *name);
const LabColumnInfo *lab_table_info_get_column   (const LabTableInfo *table,
                                                  const char         *name);
const char          *lab_column_type_to_string   (LabColumnType type);

int                  lab_schema_get_n_migrations (void);
gboolean             lab_schema_migrate          (sqlite3      *db,
                                                  int           from_version,
                                                  int           to_version,
                                                  char        **errmsg);

G_END_DECLS
