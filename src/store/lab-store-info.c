/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-store-info"

#include "config.h"

#include "lab-browse.h"
#include "lab-fileutil.h"
#include "lab-schema.h"
#include "lab-store-info.h"

static guint64
file_size (const char *path)
{
  return lab_path_disk_usage (path, NULL);
}

/**
 * lab_store_info_collect:
 * @db: a store opened with lab_db_open()
 *
 * Returns: (transfer full): the summary, or %NULL with @error set
 */
LabStoreInfo *
lab_store_info_collect (LabDb   *db,
                        GError **error)
{
  g_autoptr(LabStoreInfo) info = g_new0 (LabStoreInfo, 1);
  LabDataDir *dir = lab_db_get_data_dir (db);
  g_autofree char *wal = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  gint64 v;

  g_return_val_if_fail (dir != NULL, NULL);

  info->counts = g_array_new (FALSE, FALSE, sizeof (LabTableCount));
  info->root = g_strdup (lab_data_dir_get_root (dir));
  info->db_path = g_strdup (lab_db_get_path (db));
  info->schema_version = lab_db_get_schema_version (db);

  wal = g_strconcat (info->db_path, "-wal", NULL);
  info->db_size = file_size (info->db_path);
  info->wal_size = file_size (wal);
  info->workspace_size = lab_path_disk_usage (lab_data_dir_get_workspace_path (dir),
                                              &info->workspace_files);
  info->backups_size = lab_path_disk_usage (lab_data_dir_get_backups_path (dir), NULL);
  info->archives_size = lab_path_disk_usage (lab_data_dir_get_archives_path (dir), NULL);
  info->logs_size = lab_path_disk_usage (lab_data_dir_get_logs_path (dir), NULL);

  if ((v = lab_db_query_int64 (db, "PRAGMA page_size", error)) < 0)
    return NULL;
  info->page_size = v;
  if ((v = lab_db_query_int64 (db, "PRAGMA page_count", error)) < 0)
    return NULL;
  info->page_count = v;
  if ((v = lab_db_query_int64 (db, "PRAGMA freelist_count", error)) < 0)
    return NULL;
  info->free_pages = v;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      LabTableCount count = { tables[i].name, 0 };

      count.rows = lab_browse_count_rows (db, tables[i].name, error);
      if (count.rows < 0)
        return NULL;
      g_array_append_val (info->counts, count);
    }

  return g_steal_pointer (&info);
}

/**
 * lab_store_info_get_count:
 *
 * Returns: the row count of @table, or -1 if it is not a data table
 */
gint64
lab_store_info_get_count (LabStoreInfo *info,
                          const char   *table)
{
  for (guint i = 0; i < info->counts->len; i++)
    {
      LabTableCount *count = &g_array_index (info->counts, LabTableCount, i);

      if (g_str_equal (count->table, table))
        return count->rows;
    }

  return -1;
}

guint64
lab_store_info_total_size (LabStoreInfo *info)
{
  return info->db_size + info->wal_size + info->workspace_size + info->backups_size +
         info->archives_size + info->logs_size;
}

/**
 * lab_store_info_to_json:
 *
 * Returns: (transfer full): the summary as the `labdata-cli info --json` object
 */
JsonNode *
lab_store_info_to_json (LabStoreInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data_dir");
  json_builder_add_string_value (builder, info->root);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, info->db_path);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, info->schema_version);
  json_builder_set_member_name (builder, "app_version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "sqlite_version");
  json_builder_add_string_value (builder, sqlite3_libversion ());

  json_builder_set_member_name (builder, "sizes");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "database");
  json_builder_add_int_value (builder, info->db_size);
  json_builder_set_member_name (builder, "wal");
  json_builder_add_int_value (builder, info->wal_size);
  json_builder_set_member_name (builder, "reclaimable");
  json_builder_add_int_value (builder, info->free_pages * info->page_size);
  json_builder_set_member_name (builder, "workspace");
  json_builder_add_int_value (builder, info->workspace_size);
  json_builder_set_member_name (builder, "backups");
  json_builder_add_int_value (builder, info->backups_size);
  json_builder_set_member_name (builder, "archives");
  json_builder_add_int_value (builder, info->archives_size);
  json_builder_set_member_name (builder, "logs");
  json_builder_add_int_value (builder, info->logs_size);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, lab_store_info_total_size (info));
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "workspace_files");
  json_builder_add_int_value (builder, info->workspace_files);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < info->counts->len; i++)
    {
      LabTableCount *count = &g_array_index (info->counts, LabTableCount, i);

      json_builder_set_member_name (builder, count->table);
      json_builder_add_int_value (builder, count->rows);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

void
lab_store_info_free (LabStoreInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->root);
  g_free (info->db_path);
  g_clear_pointer (&info->counts, g_array_unref);
  g_free (info);
}
