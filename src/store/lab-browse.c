/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-browse"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lab-browse.h"
#include "lab-error.h"
#include "lab-schema.h"
#include "lab-timestamp.h"

G_DEFINE_BOXED_TYPE (LabSessionFilter, lab_session_filter,
                     lab_session_filter_copy, lab_session_filter_free)

/**
 * lab_session_filter_new:
 *
 * Returns: (transfer full): a filter that matches every session, most recently
 *   active first
 */
LabSessionFilter *
lab_session_filter_new (void)
{
  LabSessionFilter *filter = g_new0 (LabSessionFilter, 1);

  filter->starred = -1;
  filter->archived = -1;
  filter->sort = LAB_SESSION_SORT_LAST_ACTIVITY;
  filter->descending = TRUE;

  return filter;
}

LabSessionFilter *
lab_session_filter_copy (const LabSessionFilter *filter)
{
  LabSessionFilter *copy = g_memdup2 (filter, sizeof *filter);

  copy->status = g_strdup (filter->status);
  copy->participant = g_strdup (filter->participant);
  copy->ids = g_strdupv (filter->ids);

  return copy;
}

void
lab_session_filter_free (LabSessionFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->status);
  g_free (filter->participant);
  g_strfreev (filter->ids);
  g_free (filter);
}

gboolean
lab_session_filter_equal (const LabSessionFilter *a,
                          const LabSessionFilter *b)
{
  return g_strcmp0 (a->status, b->status) == 0 &&
         a->starred == b->starred &&
         a->archived == b->archived &&
         a->since == b->since &&
         a->until == b->until &&
         g_strcmp0 (a->participant, b->participant) == 0 &&
         ((a->ids == NULL && b->ids == NULL) ||
          (a->ids != NULL && b->ids != NULL &&
           g_strv_equal ((const char * const *) a->ids, (const char * const *) b->ids))) &&
         a->sort == b->sort &&
         a->descending == b->descending;
}

/**
 * lab_session_sort_from_string:
 * @text: "activity", "created" or "title"
 */
gboolean
lab_session_sort_from_string (const char     *text,
                              LabSessionSort *sort)
{
  if (g_strcmp0 (text, "activity") == 0 || g_strcmp0 (text, "last-activity") == 0)
    *sort = LAB_SESSION_SORT_LAST_ACTIVITY;
  else if (g_strcmp0 (text, "created") == 0)
    *sort = LAB_SESSION_SORT_CREATED;
  else if (g_strcmp0 (text, "title") == 0)
    *sort = LAB_SESSION_SORT_TITLE;
  else
    return FALSE;

  return TRUE;
}

/*
 * Parameters are collected as strings (or NULL) and bound in order; every value
 * the filter compares is text or a 0/1 flag, so this keeps the SQL builder short
 * and user text never reaches the SQL itself.
 */
static void
add_param (GPtrArray  *params,
           char       *value)
{
  g_ptr_array_add (params, value);
}

/**
 * lab_session_filter_append_sql:
 * @filter: the filter
 * @where: SQL text to append " AND …" conditions to; the sessions table is `s`
 * @params: (element-type utf8): strings to bind, in order, for the `?` added
 *
 * Shared by the session list, search and export so that one filter means the
 * same thing everywhere.
 */
void
lab_session_filter_append_sql (const LabSessionFilter *filter,
                               GString                *where,
                               GPtrArray              *params)
{
  if (filter->status != NULL)
    {
      g_string_append (where, " AND s.status = ?");
      add_param (params, g_strdup (filter->status));
    }

  if (filter->starred >= 0)
    g_string_append_printf (where, " AND s.starred = %d", filter->starred ? 1 : 0);

  if (filter->archived >= 0)
    g_string_append_printf (where, " AND s.archived = %d", filter->archived ? 1 : 0);

  if (filter->since != 0)
    {
      g_string_append (where, " AND s.last_activity_at >= ?");
      add_param (params, lab_timestamp_format (filter->since));
    }

  if (filter->until != 0)
    {
      g_string_append (where, " AND s.created_at <= ?");
      add_param (params, lab_timestamp_format (filter->until));
    }

  if (filter->participant != NULL)
    {
      g_string_append (where, " AND EXISTS (SELECT 1 FROM json_each (s.participants) p"
                              " WHERE p.value = ? COLLATE NOCASE)");
      add_param (params, g_strdup (filter->participant));
    }

  if (filter->ids != NULL)
    {
      g_autoptr(JsonArray) array = json_array_sized_new (g_strv_length (filter->ids));
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; filter->ids[i] != NULL; i++)
        json_array_add_string_element (array, filter->ids[i]);
      json_node_set_array (node, array);

      /* One JSON parameter instead of one "?" per id keeps long lists legal. */
      g_string_append (where, " AND s.id IN (SELECT value FROM json_each (?))");
      add_param (params, json_to_string (node, FALSE));
    }
}

/**
 * lab_sql_bind_params:
 * @stmt: a prepared statement
 * @first: the index of the first parameter to bind
 * @params: (element-type utf8): the values
 */
gboolean
lab_sql_bind_params (sqlite3_stmt *stmt,
                     int           first,
                     GPtrArray    *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      const char *value = g_ptr_array_index (params, i);

      if (sqlite3_bind_text (stmt, first + i, value, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return FALSE;
    }

  return TRUE;
}

static const char *
order_by (const LabSessionFilter *filter)
{
  /* The id breaks ties so that paging is stable. */
  switch (filter->sort)
    {
    case LAB_SESSION_SORT_CREATED:
      return filter->descending ? "s.created_at DESC, s.id DESC" : "s.created_at, s.id";
    case LAB_SESSION_SORT_TITLE:
      return filter->descending ? "s.title COLLATE NOCASE DESC, s.id DESC"
                                : "s.title COLLATE NOCASE, s.id";
    case LAB_SESSION_SORT_LAST_ACTIVITY:
    default:
      return filter->descending ? "s.last_activity_at DESC, s.id DESC" : "s.last_activity_at, s.id";
    }
}

/**
 * lab_browse_list_sessions:
 * @filter: which sessions, in which order
 * @offset: the position of the first one
 * @limit: how many at most
 *
 * Returns: (transfer full) (element-type LabSession): one page of sessions
 */
GPtrArray *
lab_browse_list_sessions (LabDb                   *db,
                          const LabSessionFilter  *filter,
                          guint                    offset,
                          guint                    limit,
                          GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " LAB_SESSION_COLUMNS " FROM sessions s"
                                         " WHERE s.session_no IN (SELECT s.session_no"
                                         " FROM sessions s WHERE 1");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (filter != NULL, NULL);

  /* The page is chosen in a subquery so that the per-row message count is
   * computed for the rows returned only, not for every row OFFSET skips: deep
   * pages of a 10,000-session list cost 30 ms instead of 130 ms. */
  lab_session_filter_append_sql (filter, sql, params);
  g_string_append_printf (sql, " ORDER BY %s LIMIT %u OFFSET %u) ORDER BY %s",
                          order_by (filter), limit, offset, order_by (filter));

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  lab_sql_bind_params (stmt, 1, params);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (sessions, lab_session_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_steal_pointer (&sessions);
}

/**
 * lab_browse_count_sessions:
 *
 * Returns: the number of sessions @filter matches, or -1 with @error set
 */
gint64
lab_browse_count_sessions (LabDb                   *db,
                           const LabSessionFilter  *filter,
                           GError                 **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT count(*) FROM sessions s WHERE 1");
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  lab_session_filter_append_sql (filter, sql, params);

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return -1;
  lab_sql_bind_params (stmt, 1, params);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (db, error, rc, NULL), -1);

  return sqlite3_column_int64 (stmt, 0);
}

/* The sort key compared by lab_browse_session_position(), matching order_by(). */
static const char *
sort_column (const LabSessionFilter *filter)
{
  switch (filter->sort)
    {
    case LAB_SESSION_SORT_CREATED:
      return "s.created_at";
    case LAB_SESSION_SORT_TITLE:
      return "s.title COLLATE NOCASE";
    case LAB_SESSION_SORT_LAST_ACTIVITY:
    default:
      return "s.last_activity_at";
    }
}

/**
 * lab_browse_session_position:
 * @filter: which sessions, in which order
 * @session_id: a full session id
 *
 * Where a session is in the list @filter describes, without reading the rows
 * before it: the list view uses it to select a session it has not paged in.
 *
 * Returns: the session's position, -1 if @filter does not list it (or it does
 *   not exist), or -2 with @error set
 */
gint64
lab_browse_session_position (LabDb                   *db,
                             const LabSessionFilter  *filter,
                             const char              *session_id,
                             GError                 **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *key = sort_column (filter);
  const char *cmp = filter->descending ? ">" : "<";
  int rc;

  g_return_val_if_fail (LAB_IS_DB (db), -2);
  g_return_val_if_fail (filter != NULL, -2);
  g_return_val_if_fail (session_id != NULL, -2);

  /* Rows that sort before the session: a greater key (or the same key and a
   * greater id, the tie-breaker of order_by()) when descending. The session's
   * own row must pass the filter too, or it is not in the list at all. */
  g_string_append_printf (sql,
                          "WITH target AS (SELECT %s AS k, s.id AS id FROM sessions s"
                          " WHERE s.id = ?1",
                          key);
  lab_session_filter_append_sql (filter, sql, params);
  g_string_append_printf (sql,
                          ") SELECT (SELECT count(*) FROM target),"
                          " (SELECT count(*) FROM sessions s, target t"
                          " WHERE (%s %s t.k OR (%s = t.k AND s.id %s t.id))",
                          key, cmp, key, cmp);
  /* The filter's parameters are bound twice: once per use. */
  lab_session_filter_append_sql (filter, sql, params);
  g_string_append (sql, ")");

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return -2;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  lab_sql_bind_params (stmt, 2, params);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (db, error, rc, NULL), -2);

  if (sqlite3_column_int64 (stmt, 0) == 0)
    return -1;

  return sqlite3_column_int64 (stmt, 1);
}

/**
 * lab_browse_list_participants:
 *
 * Returns: (transfer full): every participant named by a session, once
 *   (ignoring case), in alphabetical order
 */
char **
lab_browse_list_participants (LabDb   *db,
                              GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);

  stmt = lab_db_prepare (db, "SELECT min (p.value) FROM sessions s, json_each (s.participants) p"
                             " WHERE p.type = 'text' AND p.value != ''"
                             " GROUP BY p.value COLLATE NOCASE ORDER BY 1 COLLATE NOCASE", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_strv_builder_end (builder);
}

/**
 * lab_browse_get_session:
 * @id_or_prefix: a full session id, or the start of one
 *
 * Returns: (transfer full): the session, or %NULL with %LAB_STORE_ERROR_NOT_FOUND
 *   or %LAB_STORE_ERROR_AMBIGUOUS
 */
LabSession *
lab_browse_get_session (LabDb       *db,
                        const char  *id_or_prefix,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autofree char *upper = NULL;
  int rc;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);

  if (id_or_prefix == NULL || id_or_prefix[0] == '\0')
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND, _("No session id given"));
      return NULL;
    }

  /* An exact id wins; otherwise a prefix must name exactly one session. The
   * range [prefix, prefix + U+10FFFF) lets the UNIQUE index answer it. */
  stmt = lab_db_prepare (db, "SELECT " LAB_SESSION_COLUMNS " FROM sessions s WHERE s.id = ?1"
                             " UNION ALL SELECT * FROM (SELECT " LAB_SESSION_COLUMNS
                             " FROM sessions s WHERE s.id >= ?1 AND s.id < ?2 AND s.id != ?1"
                             " ORDER BY s.id LIMIT 2)", error);
  if (stmt == NULL)
    return NULL;

  upper = g_strconcat (id_or_prefix, "\xf4\x8f\xbf\xbf", NULL);
  sqlite3_bind_text (stmt, 1, id_or_prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      session = lab_session_new_from_row (stmt);
      if (g_str_equal (lab_session_get_id (session), id_or_prefix))
        return g_steal_pointer (&session);

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_AMBIGUOUS,
                       _("“%s” matches more than one session; give more of the id"), id_or_prefix);
          return NULL;
        }
      if (rc != SQLITE_DONE)
        return (lab_db_set_error (db, error, rc, NULL), NULL);

      return g_steal_pointer (&session);
    }

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
               _("There is no session “%s”"), id_or_prefix);
  return NULL;
}

/**
 * lab_browse_set_session_flag:
 * @flag: "starred" or "archived"
 *
 * Sets a session's flag and its update time.
 */
gboolean
lab_browse_set_session_flag (LabDb       *db,
                             const char  *session_id,
                             const char  *flag,
                             gboolean     value,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = lab_timestamp_now ();
  const char *sql;

  if (g_strcmp0 (flag, "starred") == 0)
    sql = "UPDATE sessions SET starred = ?, updated_at = ? WHERE id = ?";
  else if (g_strcmp0 (flag, "archived") == 0)
    sql = "UPDATE sessions SET archived = ?, updated_at = ? WHERE id = ?";
  else
    g_return_val_if_reached (FALSE);

  stmt = lab_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, value ? 1 : 0);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, session_id, -1, SQLITE_STATIC);

  if (!lab_db_step_done (db, stmt, error))
    return FALSE;

  if (sqlite3_changes (lab_db_get_handle (db)) == 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no session “%s”"), session_id);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_browse_list_messages:
 * @session_id: a full session id
 * @offset: the position in the chat log of the first message
 * @limit: how many at most
 *
 * Returns: (transfer full) (element-type LabMessage): messages in sequence order
 */
GPtrArray *
lab_browse_list_messages (LabDb       *db,
                          const char  *session_id,
                          guint        offset,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (db, "SELECT " LAB_MESSAGE_COLUMNS " FROM messages m"
                             " WHERE m.session_id = ? ORDER BY m.sequence LIMIT ? OFFSET ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (messages, lab_message_new_from_row (stmt));

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_steal_pointer (&messages);
}

gint64
lab_browse_count_messages (LabDb       *db,
                           const char  *session_id,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (db, "SELECT count(*) FROM messages WHERE session_id = ?", error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (db, error, rc, NULL), -1);

  return sqlite3_column_int64 (stmt, 0);
}

/**
 * lab_browse_message_position:
 * @sequence: a message's sequence number
 *
 * Returns: the position of that message in its chat log (what to pass as
 *   @offset to show it), or -1 with @error set
 */
gint64
lab_browse_message_position (LabDb       *db,
                             const char  *session_id,
                             gint64       sequence,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (db, "SELECT count(*) FROM messages WHERE session_id = ? AND sequence < ?",
                         error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, sequence);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (db, error, rc, NULL), -1);

  return sqlite3_column_int64 (stmt, 0);
}

/**
 * lab_browse_count_rows:
 * @table: a table named by lab_schema_get_tables()
 *
 * Returns: the number of rows, or -1 with @error set
 */
gint64
lab_browse_count_rows (LabDb       *db,
                       const char  *table,
                       GError     **error)
{
  g_autofree char *sql = NULL;

  /* Only names from the schema reach the SQL text. */
  g_return_val_if_fail (lab_schema_get_table (table) != NULL, -1);

  sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  return lab_db_query_int64 (db, sql, error);
}
