/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-session-details"

#include "config.h"

#include "lab-row.h"
#include "lab-schema.h"
#include "lab-session-details.h"

static const char * const detail_tables[] = {
  "metrics",
  "agent_activity",
  "meetings",
  "snapshots",
  "workspace_files",
  NULL
};

/**
 * lab_session_details_get_tables:
 *
 * Returns: (transfer none): the tables lab_session_details_load() reads
 */
const char * const *
lab_session_details_get_tables (void)
{
  return detail_tables;
}

static void
session_rows_free (gpointer data)
{
  LabSessionRows *part = data;

  g_clear_pointer (&part->rows, g_ptr_array_unref);
  g_free (part);
}

void
lab_session_details_free (LabSessionDetails *details)
{
  if (details == NULL)
    return;

  g_free (details->session_id);
  g_clear_pointer (&details->parts, g_ptr_array_unref);
  g_free (details);
}

static LabSessionRows *
load_rows (LabDb               *db,
           const LabTableInfo  *table,
           const char          *session_id,
           guint                limit,
           GError             **error)
{
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *select = NULL;
  g_autofree char *sql = NULL;
  LabSessionRows *part;
  const char *order;
  int rc;

  /* Table and column names come from the schema descriptions only. */
  count_sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s = ?",
                               table->name, table->session_column);
  count = lab_db_prepare (db, count_sql, error);
  if (count == NULL)
    return NULL;
  sqlite3_bind_text (count, 1, session_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  /* Files read best by name; everything else is a timeline. */
  order = lab_table_info_get_column (table, "path") != NULL ? "path" : table->time_column;
  select = lab_row_select_sql (table, "t");
  sql = g_strdup_printf ("%s WHERE t.%s = ? ORDER BY t.%s LIMIT %u",
                         select, table->session_column, order, limit);
  stmt = lab_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);

  part = g_new0 (LabSessionRows, 1);
  part->table = table->name;
  part->total = sqlite3_column_int64 (count, 0);
  part->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (part->rows, lab_row_read (table, stmt));

  if (rc != SQLITE_DONE)
    {
      session_rows_free (part);
      return (lab_db_set_error (db, error, rc, NULL), NULL);
    }

  return part;
}

/**
 * lab_session_details_load:
 * @session_id: a full session id
 * @limit: how many rows of each table at most
 *
 * Reads what the details pane shows. A session with no rows in a table gets an
 * empty part, not a missing one; an unknown session gets empty parts too.
 *
 * Returns: (transfer full): the details, or %NULL with @error set
 */
LabSessionDetails *
lab_session_details_load (LabDb       *db,
                          const char  *session_id,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(LabSessionDetails) details = g_new0 (LabSessionDetails, 1);

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  details->session_id = g_strdup (session_id);
  details->parts = g_ptr_array_new_with_free_func (session_rows_free);

  for (guint i = 0; detail_tables[i] != NULL; i++)
    {
      const LabTableInfo *table = lab_schema_get_table (detail_tables[i]);
      LabSessionRows *part;

      g_assert (table != NULL && table->session_column != NULL);

      part = load_rows (db, table, session_id, limit, error);
      if (part == NULL)
        return NULL;
      g_ptr_array_add (details->parts, part);
    }

  return g_steal_pointer (&details);
}

/**
 * lab_session_details_get:
 * @table: a table from lab_session_details_get_tables()
 *
 * Returns: (transfer none): the rows of @table
 */
LabSessionRows *
lab_session_details_get (LabSessionDetails *details,
                         const char        *table)
{
  g_return_val_if_fail (details != NULL, NULL);

  for (guint i = 0; i < details->parts->len; i++)
    {
      LabSessionRows *part = g_ptr_array_index (details->parts, i);

      if (g_str_equal (part->table, table))
        return part;
    }

  g_return_val_if_reached (NULL);
}
