/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-db.h"

G_BEGIN_DECLS

/**
 * LabStoreInfo:
 *
 * A summary of one store: where it is, its schema version, the size of each
 * part and the number of rows of each table. Cheap enough to collect at start-up
 * (no full scans beyond count(*), which SQLite answers from the smallest index).
 */
typedef struct
{
  char *root;
  char *db_path;
  int schema_version;
  guint64 db_size;
  guint64 wal_size;
  guint64 workspace_size;
  guint64 workspace_files;
  guint64 backups_size;
  guint64 archives_size;
  guint64 logs_size;
  guint64 page_size;
  guint64 page_count;
  guint64 free_pages;
  GArray *counts;  /* of LabTableCount, in lab_schema_get_tables() order */
} LabStoreInfo;

typedef struct
{
  const char *table;
  gint64 rows;
} LabTableCount;

LabStoreInfo *lab_store_info_collect   (LabDb        *db,
                                        GError      **error);
gint64        lab_store_info_get_count (LabStoreInfo *info,
                                        const char   *table);
guint64       lab_store_info_total_size (LabStoreInfo *info);
JsonNode     *lab_store_info_to_json   (LabStoreInfo *info);
void          lab_store_info_free      (LabStoreInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabStoreInfo, lab_store_info_free)

G_END_DECLS
