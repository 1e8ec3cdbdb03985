/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "lab-db.h"
#include "lab-fileutil.h"
#include "lab-import-private.h"
#include "lab-row.h"

/*
 * Comparing staged rows and files with the store, shared by the preview
 * (which counts and lists) and the apply (which decides under the write
 * lock). The staging database is attached to the store's connection as
 * "stage"; every comparison is one SQL statement per table built from the
 * table descriptions.
 */

gboolean
lab_import_attach_stage (LabDb           *db,
              LabImportStage  *stage,
              GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "ATTACH DATABASE ? AS " LAB_IMPORT_STAGE_SCHEMA, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, lab_import_stage_get_db_path (stage), -1, SQLITE_STATIC);
  return lab_db_step_done (db, stmt, error);
}

void
lab_import_detach_stage (LabDb *db)
{
  lab_db_exec (db, "DETACH DATABASE " LAB_IMPORT_STAGE_SCHEMA, NULL);
}

/* The SQL condition "session @expr is neither staged nor in the store". */
char *
lab_import_unknown_session_sql (const char *expr)
{
  return g_strdup_printf ("%s IS NOT NULL"
                          " AND NOT EXISTS (SELECT 1 FROM " LAB_IMPORT_STAGE_SCHEMA ".sessions x WHERE x.id = %s)"
                          " AND NOT EXISTS (SELECT 1 FROM main.sessions y WHERE y.id = %s)",
                          expr, expr, expr);
}

/* A column naming another session of the same table (a branch's parent) is
 * a soft link; a column naming the session a row belongs to is not. */
gboolean
lab_import_is_soft_reference (const LabTableInfo  *table,
                   const LabColumnInfo *column)
{
  const LabColumnInfo *owner = table->session_column ? lab_table_info_get_column (table, table->session_column)
                                                     : NULL;

  return owner != NULL && owner->references == NULL && column != owner;
}

/* Classification: new, identical or conflicting */

/* Unique constraints of a table besides its key, e.g. one message per
 * (session, sequence): another row may already take the place of a new one. */
GPtrArray *
lab_import_secondary_uniques (LabDb               *db,
                   const LabTableInfo  *table,
                   GError             **error)
{
  g_autoptr(GPtrArray) uniques = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *list_sql = g_strdup_printf ("PRAGMA main.index_list (\"%s\")", table->name);
  g_autoptr(sqlite3_stmt) list = lab_db_prepare (db, list_sql, error);
  guint n_key = 0;

  if (list == NULL)
    return NULL;

  for (guint c = 0; c < table->n_columns; c++)
    {
      if (table->columns[c].flags & LAB_COLUMN_FLAG_KEY)
        n_key++;
    }

  while (sqlite3_step (list) == SQLITE_ROW)
    {
      g_autofree char *info_sql = NULL;
      g_autoptr(sqlite3_stmt) info = NULL;
      g_autoptr(GStrvBuilder) columns = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;
      gboolean is_key = TRUE;
      gboolean usable = TRUE;
      guint n = 0;

      if (sqlite3_column_int (list, 2) == 0)
        continue;

      info_sql = g_strdup_printf ("PRAGMA main.index_info (\"%s\")", (const char *) sqlite3_column_text (list, 1));
      info = lab_db_prepare (db, info_sql, error);
      if (info == NULL)
        return NULL;

      while (sqlite3_step (info) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (info, 2);
          const LabColumnInfo *column = name ? lab_table_info_get_column (table, name) : NULL;

          if (column == NULL || (column->flags & LAB_COLUMN_FLAG_INTERNAL))
            usable = FALSE;
          else
            {
              if (!(column->flags & LAB_COLUMN_FLAG_KEY))
                is_key = FALSE;
              g_strv_builder_add (columns, name);
            }
          n++;
        }

      names = g_strv_builder_end (columns);
      if (usable && !(is_key && n == n_key))
        g_ptr_array_add (uniques, g_steal_pointer (&names));
    }

  return g_steal_pointer (&uniques);
}

static char *
column_equal_sql (const LabColumnInfo *column)
{
  /* Stored JSON may have been written with other spacing. */
  if (column->type == LAB_COLUMN_JSON)
    return g_strdup_printf ("json (m.\"%s\") IS json (s.\"%s\")", column->name, column->name);

  return g_strdup_printf ("m.\"%s\" IS s.\"%s\"", column->name, column->name);
}

/* SELECT r (the staged rowid), status [, mask of differing columns,
 * position_taken] for every staged row of @table. */
char *
lab_import_classify_sql (const LabTableInfo *table,
              GPtrArray          *uniques,
              gboolean            details)
{
  g_autoptr(GString) join = g_string_new (NULL);
  g_autoptr(GString) equal = g_string_new (NULL);
  g_autoptr(GString) mask = g_string_new (NULL);
  g_autoptr(GString) taken = g_string_new (NULL);
  guint bit = 0;

  for (guint c = 0; c < table->n_columns; c++)
    {
      const LabColumnInfo *column = &table->columns[c];
      g_autofree char *same = NULL;

      if (column->flags & LAB_COLUMN_FLAG_INTERNAL)
        continue;

      if (column->flags & LAB_COLUMN_FLAG_KEY)
        g_string_append_printf (join, "%sm.\"%s\" = s.\"%s\"", join->len ? " AND " : "",
                                column->name, column->name);

      same = column_equal_sql (column);
      g_string_append_printf (equal, "%s%s", equal->len ? " AND " : "", same);
      g_string_append_printf (mask, "%s(CASE WHEN %s THEN 0 ELSE %" G_GUINT64_FORMAT " END)",
                              mask->len ? " + " : "", same, (guint64) 1 << bit);
      bit++;
    }

  for (guint u = 0; u < uniques->len; u++)
    {
      char **columns = g_ptr_array_index (uniques, u);

      g_string_append_printf (taken, "%sEXISTS (SELECT 1 FROM main.\"%s\" p WHERE ",
                              taken->len ? " OR " : "", table->name);
      for (guint c = 0; columns[c] != NULL; c++)
        g_string_append_printf (taken, "%sp.\"%s\" = s.\"%s\"", c ? " AND " : "", columns[c], columns[c]);
      g_string_append (taken, ")");
    }
  if (taken->len == 0)
    g_string_append (taken, "0");

  return g_strdup_printf ("SELECT s.rowid AS r,"
                          " CASE WHEN m.rowid IS NULL THEN (CASE WHEN %s THEN %d ELSE %d END)"
                          " WHEN %s THEN %d ELSE %d END AS status%s%s%s"
                          " FROM " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s LEFT JOIN main.\"%s\" m ON %s",
                          taken->str, LAB_IMPORT_STATUS_CONFLICT, LAB_IMPORT_STATUS_NEW, equal->str, LAB_IMPORT_STATUS_IDENTICAL,
                          LAB_IMPORT_STATUS_CONFLICT,
                          details ? ", " : "", details ? mask->str : "",
                          details ? " AS mask, m.rowid IS NULL AS position_taken" : "",
                          table->name, table->name, join->str);
}

/* Compares a staged file with what the store's workspace has at its place. */
static int
classify_file (LabDataDir  *dir,
               const char  *session_id,
               const char  *path,
               guint64      size,
               const char  *sha256)
{
  g_autofree char *workspace = lab_data_dir_get_session_workspace (dir, session_id);
  g_autofree char *target = workspace ? g_build_filename (workspace, path, NULL) : NULL;
  g_autofree char *existing = NULL;
  goffset existing_size = 0;
  struct stat st;

  if (target == NULL || lstat (target, &st) != 0)
    return LAB_IMPORT_STATUS_NEW;
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size != size)
    return LAB_IMPORT_STATUS_CONFLICT;

  existing = lab_file_sha256 (target, &existing_size, NULL, NULL);
  return g_strcmp0 (existing, sha256) == 0 ? LAB_IMPORT_STATUS_IDENTICAL : LAB_IMPORT_STATUS_CONFLICT;
}

gboolean
lab_import_classify_files (LabDb           *db,
                LabDataDir      *dir,
                LabImportFileStatusFunc   func,
                gpointer         user_data,
                GCancellable    *cancellable,
                GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (db, "SELECT rowid, session_id, path, size, sha256 FROM " LAB_IMPORT_STAGE_SCHEMA ".import_files"
                             " ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *session_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *path = (const char *) sqlite3_column_text (stmt, 2);
      int status = classify_file (dir, session_id, path, sqlite3_column_int64 (stmt, 3),
                                  (const char *) sqlite3_column_text (stmt, 4));

      if (!func (sqlite3_column_int64 (stmt, 0), session_id, path, status, user_data, error))
        return FALSE;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  return TRUE;
}

/**
 * lab_import_staged_select_sql:
 * @columns: (nullable): more columns after the table's (lab_row_append_json()
 *   reads only the first ones)
 * @extra: (nullable): SQL after the FROM clause (joins, WHERE)
 *
 * Returns: (transfer full): lab_row_select_sql() of @table, reading the
 *   staged rows (alias s) instead of the store's
 */
char *
lab_import_staged_select_sql (const LabTableInfo *table,
                              const char         *columns,
                              const char         *extra)
{
  g_autofree char *select = lab_row_select_sql (table, "s");
  g_autofree char *from = g_strdup_printf (" FROM %s s", table->name);

  g_assert (g_str_has_suffix (select, from));
  select[strlen (select) - strlen (from)] = '\0';

  return g_strdup_printf ("%s%s%s FROM " LAB_IMPORT_STAGE_SCHEMA ".\"%s\" s%s", select,
                          columns ? ", " : "", columns ? columns : "", table->name, extra ? extra : "");
}
