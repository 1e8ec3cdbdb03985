/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-row"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-row.h"
#include "lab-timestamp.h"

/*
 * Rows as JSON objects: the member names are the column names and the values
 * are typed by the schema description (lab-schema.c). Export writes rows this
 * way, import and migration read and validate them, and restore of chosen
 * sessions moves them between databases. Internal columns (the integer keys
 * FTS needs) never leave their store.
 */

static gboolean
column_is_exported (const LabColumnInfo *column)
{
  return (column->flags & LAB_COLUMN_FLAG_INTERNAL) == 0;
}

/**
 * lab_row_select_sql:
 * @alias: (nullable): a table alias to qualify the columns with
 *
 * Returns: (transfer full): "SELECT <exported columns> FROM <table> [alias]",
 *   the column order lab_row_append_json() and lab_row_read() expect
 */
char *
lab_row_select_sql (const LabTableInfo *table,
                    const char         *alias)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean first = TRUE;

  for (guint i = 0; i < table->n_columns; i++)
    {
      if (!column_is_exported (&table->columns[i]))
        continue;

      if (!first)
        g_string_append (sql, ", ");
      if (alias != NULL)
        g_string_append_printf (sql, "%s.", alias);
      g_string_append_printf (sql, "\"%s\"", table->columns[i].name);
      first = FALSE;
    }

  g_string_append_printf (sql, " FROM %s", table->name);
  if (alias != NULL)
    g_string_append_printf (sql, " %s", alias);

  return g_string_free (sql, FALSE);
}

/**
 * lab_json_append_string:
 * @out: where to append
 * @text: UTF-8 text; invalid sequences are replaced
 * @length: length of @text, or -1
 *
 * Appends @text as a quoted JSON string.
 */
void
lab_json_append_string (GString    *out,
                        const char *text,
                        gssize      length)
{
  g_autofree char *valid = NULL;
  const char *p;
  const char *end;

  if (length < 0)
    length = strlen (text);

  if (!g_utf8_validate_len (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }

  g_string_append_c (out, '"');

  p = text;
  end = text + length;
  while (p < end)
    {
      const char *run = p;

      /* Copy runs of plain bytes at once; escape the few that need it. */
      while (p < end && (guchar) *p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, run, p - run);
      if (p == end)
        break;

      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          g_string_append_printf (out, "\\u%04x", (guchar) *p);
          break;
        }
      p++;
    }

  g_string_append_c (out, '"');
}

/* printf is the slowest step of an export of a big store; integers and
 * member names are appended directly. */
static void
append_int64 (GString *out,
              gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 v = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = '0' + v % 10;
      v /= 10;
    }
  while (v != 0);
  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, buf + sizeof buf - p);
}

/**
 * lab_json_append_double:
 * @out: where to append
 * @value: a number
 *
 * Appends @value as a JSON number in the shortest form that reads back as
 * the same double (0.9, not 0.90000000000000002), always with a fraction or
 * an exponent so that it reads back as a double; a value JSON cannot
 * express (NaN, infinity) as null.
 */
void
lab_json_append_double (GString *out,
                        double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  /* 17 significant digits always round-trip; most values need fewer. */
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_newline (GString *out,
                int      indent)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

/* Compact when @indent is negative, otherwise two spaces a level. */
static void
append_node (GString  *out,
             JsonNode *node,
             int       indent)
{
  gboolean pretty = indent >= 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            if (pretty)
              append_newline (out, indent + 1);
            lab_json_append_string (out, name, -1);
            g_string_append (out, pretty ? " : " : ":");
            append_node (out, member, pretty ? indent + 1 : -1);
          }
        if (pretty && !first)
          append_newline (out, indent);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (pretty)
              append_newline (out, indent + 1);
            append_node (out, json_array_get_element (array, i), pretty ? indent + 1 : -1);
          }
        if (pretty && length > 0)
          append_newline (out, indent);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          append_int64 (out, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          lab_json_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          lab_json_append_string (out, json_node_get_string (node), -1);
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * lab_json_append_node:
 * @out: where to append
 * @node: (nullable): a JSON value
 *
 * Appends @node as compact JSON text, members in their order, numbers as
 * lab_json_append_double() writes them. json-glib's own generator prints
 * every double with 17 digits, which would change stored values' text on
 * each import.
 */
void
lab_json_append_node (GString  *out,
                      JsonNode *node)
{
  append_node (out, node, -1);
}

/**
 * lab_json_to_pretty_text:
 * @node: (nullable): a JSON value
 *
 * Returns: (transfer full): @node as JSON text for people to read: one
 *   member or element a line, indented, numbers as lab_json_append_double()
 *   writes them
 */
char *
lab_json_to_pretty_text (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_node (out, node, 0);
  return g_string_free (out, FALSE);
}

/**
 * lab_json_to_string:
 * @node: (nullable): a JSON value
 *
 * Returns: (transfer full): @node as compact JSON text (lab_json_append_node())
 */
char *
lab_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  lab_json_append_node (out, node);
  return g_string_free (out, FALSE);
}

/**
 * lab_row_append_json:
 * @stmt: positioned on a row of the query from lab_row_select_sql()
 * @out: where the JSON object (one line, no newline) is appended
 *
 * The fast path of export: JSON columns are copied as they are stored (the
 * schema's CHECK constraints keep them valid) instead of parsed and printed.
 */
void
lab_row_append_json (const LabTableInfo *table,
                     sqlite3_stmt       *stmt,
                     GString            *out)
{
  int col = 0;

  g_string_append_c (out, '{');

  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];
      int type;

      if (!column_is_exported (column))
        continue;

      if (col > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      g_string_append (out, column->name);
      g_string_append_len (out, "\":", 2);

      type = sqlite3_column_type (stmt, col);
      if (type == SQLITE_NULL)
        g_string_append (out, "null");
      else
        {
          switch (column->type)
            {
            case LAB_COLUMN_INTEGER:
              append_int64 (out, sqlite3_column_int64 (stmt, col));
              break;
            case LAB_COLUMN_REAL:
              lab_json_append_double (out, sqlite3_column_double (stmt, col));
              break;
            case LAB_COLUMN_BOOLEAN:
              g_string_append (out, sqlite3_column_int (stmt, col) ? "true" : "false");
              break;
            case LAB_COLUMN_JSON:
              g_string_append_len (out, (const char *) sqlite3_column_text (stmt, col),
                                   sqlite3_column_bytes (stmt, col));
              break;
            case LAB_COLUMN_TEXT:
            case LAB_COLUMN_TIMESTAMP:
            default:
              lab_json_append_string (out, (const char *) sqlite3_column_text (stmt, col),
                                      sqlite3_column_bytes (stmt, col));
              break;
            }
        }
      col++;
    }

  g_string_append_c (out, '}');
}

/**
 * lab_row_read:
 * @stmt: positioned on a row of the query from lab_row_select_sql()
 *
 * Returns: (transfer full): the row as a JSON object
 */
JsonObject *
lab_row_read (const LabTableInfo *table,
              sqlite3_stmt       *stmt)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  lab_row_append_json (table, stmt, line);
  node = json_from_string (line->str, NULL);
  g_assert (node != NULL && JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
validate_value (const LabTableInfo   *table,
                const LabColumnInfo  *column,
                JsonNode             *node,
                GError              **error)
{
  const char *expected = NULL;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (column->flags & LAB_COLUMN_FLAG_NULLABLE)
        return TRUE;
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("%s.%s must not be null"), table->name, column->name);
      return FALSE;
    }

  switch (column->type)
    {
    case LAB_COLUMN_TEXT:
      if (!node_is_string (node))
        expected = _("a string");
      break;
    case LAB_COLUMN_INTEGER:
      if (!node_is_int (node))
        expected = _("an integer");
      break;
    case LAB_COLUMN_REAL:
      if (!node_is_number (node))
        expected = _("a number");
      break;
    case LAB_COLUMN_BOOLEAN:
      if (!(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN) &&
          !(node_is_int (node) && (json_node_get_int (node) == 0 || json_node_get_int (node) == 1)))
        expected = _("true or false");
      break;
    case LAB_COLUMN_TIMESTAMP:
      {
        gint64 usec;

        if (!node_is_string (node) || !lab_timestamp_parse (json_node_get_string (node), &usec))
          expected = _("an ISO-8601 date and time");
      }
      break;
    case LAB_COLUMN_JSON:
      /* participants and keywords are lists of names; other JSON columns are free. */
      if ((g_str_equal (column->name, "participants") || g_str_equal (column->name, "keywords")))
        {
          JsonArray *array;

          if (!JSON_NODE_HOLDS_ARRAY (node))
            {
              expected = _("a list of strings");
              break;
            }
          array = json_node_get_array (node);
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              if (!node_is_string (json_array_get_element (array, i)))
                {
                  expected = _("a list of strings");
                  break;
                }
            }
        }
      break;
    default:
      g_assert_not_reached ();
    }

  if (expected != NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("%s.%s must be %s"), table->name, column->name, expected);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_row_validate:
 * @row: a row as a JSON object
 *
 * Checks that every required column is present and every member has the type
 * its column needs. Unknown members are an error unless @flags allows them.
 */
gboolean
lab_row_validate (const LabTableInfo  *table,
                  JsonObject          *row,
                  LabRowFlags          flags,
                  GError             **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];

      if (!column_is_exported (column))
        continue;

      if ((column->flags & LAB_COLUMN_FLAG_REQUIRED) && !json_object_has_member (row, column->name))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("%s: the required field “%s” is missing"), table->name, column->name);
          return FALSE;
        }
    }

  json_object_iter_init (&iter, row);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const LabColumnInfo *column = lab_table_info_get_column (table, name);

      if (column == NULL || !column_is_exported (column))
        {
          if (flags & LAB_ROW_FLAGS_ALLOW_UNKNOWN)
            continue;
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("%s: unknown field “%s”"), table->name, name);
          return FALSE;
        }

      if (!validate_value (table, column, node, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * lab_row_prepare_insert:
 * @upsert: on a key conflict, update the existing row in place instead of failing
 *
 * Prepares an INSERT of every exported column, bound by lab_row_bind(). A column
 * missing from the row gets its schema default, read from the database itself.
 * An upsert updates in place (ON CONFLICT DO UPDATE), never delete-and-insert,
 * which would cascade to the row's children.
 *
 * Returns: (transfer full): the statement, or %NULL with @error set
 */
sqlite3_stmt *
lab_row_prepare_insert (LabDb               *db,
                        const LabTableInfo  *table,
                        gboolean             upsert,
                        GError             **error)
{
  g_autoptr(GHashTable) defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  g_autoptr(GString) keys = g_string_new (NULL);
  g_autoptr(GString) updates = g_string_new (NULL);
  g_autoptr(sqlite3_stmt) info = NULL;
  g_autofree char *info_sql = g_strdup_printf ("PRAGMA table_info (%s)", table->name);
  int param = 0;

  info = lab_db_prepare (db, info_sql, error);
  if (info == NULL)
    return NULL;
  while (sqlite3_step (info) == SQLITE_ROW)
    {
      const char *dflt = (const char *) sqlite3_column_text (info, 4);

      if (dflt != NULL)
        g_hash_table_insert (defaults, g_strdup ((const char *) sqlite3_column_text (info, 1)),
                             g_strdup (dflt));
    }

  g_string_append_printf (sql, "INSERT INTO %s (", table->name);

  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];
      const char *dflt;

      if (!column_is_exported (column))
        continue;

      param++;
      if (param > 1)
        {
          g_string_append (sql, ", ");
          g_string_append (values, ", ");
        }
      g_string_append_printf (sql, "\"%s\"", column->name);

      /* Defaults come from PRAGMA table_info, i.e. from our own schema text. */
      dflt = g_hash_table_lookup (defaults, column->name);
      if (dflt != NULL && !(column->flags & LAB_COLUMN_FLAG_NULLABLE))
        g_string_append_printf (values, "coalesce (?%d, %s)", param, dflt);
      else
        g_string_append_printf (values, "?%d", param);

      if (column->flags & LAB_COLUMN_FLAG_KEY)
        g_string_append_printf (keys, "%s\"%s\"", keys->len ? ", " : "", column->name);
      else
        g_string_append_printf (updates, "%s\"%s\" = excluded.\"%s\"",
                                updates->len ? ", " : "", column->name, column->name);
    }

  g_string_append_printf (sql, ") VALUES (%s)", values->str);
  if (upsert)
    {
      if (updates->len > 0)
        g_string_append_printf (sql, " ON CONFLICT (%s) DO UPDATE SET %s", keys->str, updates->str);
      else
        g_string_append_printf (sql, " ON CONFLICT (%s) DO NOTHING", keys->str);
    }

  return lab_db_prepare (db, sql->str, error);
}

/**
 * lab_row_bind:
 * @stmt: from lab_row_prepare_insert() for the same @table
 * @row: a row that passed lab_row_validate()
 *
 * Binds @row's values; timestamps are stored in the canonical form and JSON
 * values as compact JSON text.
 */
gboolean
lab_row_bind (const LabTableInfo  *table,
              sqlite3_stmt        *stmt,
              JsonObject          *row,
              GError             **error)
{
  int param = 0;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];
      JsonNode *node;

      if (!column_is_exported (column))
        continue;

      param++;
      node = json_object_get_member (row, column->name);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;

      switch (column->type)
        {
        case LAB_COLUMN_TEXT:
          sqlite3_bind_text (stmt, param, json_node_get_string (node), -1, SQLITE_TRANSIENT);
          break;
        case LAB_COLUMN_INTEGER:
          sqlite3_bind_int64 (stmt, param, json_node_get_int (node));
          break;
        case LAB_COLUMN_REAL:
          sqlite3_bind_double (stmt, param, json_node_get_double (node));
          break;
        case LAB_COLUMN_BOOLEAN:
          if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
            sqlite3_bind_int (stmt, param, json_node_get_boolean (node) ? 1 : 0);
          else
            sqlite3_bind_int (stmt, param, json_node_get_int (node) ? 1 : 0);
          break;
        case LAB_COLUMN_TIMESTAMP:
          {
            char *canonical = lab_timestamp_normalize (json_node_get_string (node));

            if (canonical == NULL)
              {
                g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                             _("%s.%s must be an ISO-8601 date and time"),
                             table->name, column->name);
                return FALSE;
              }
            sqlite3_bind_text (stmt, param, canonical, -1, g_free);
          }
          break;
        case LAB_COLUMN_JSON:
          sqlite3_bind_text (stmt, param, lab_json_to_string (node), -1, g_free);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/**
 * lab_row_insert:
 * @row: a row; it is validated first
 * @upsert: update a row with the same key instead of failing
 *
 * Convenience for single rows; bulk writers prepare once with
 * lab_row_prepare_insert() and bind each row.
 */
gboolean
lab_row_insert (LabDb               *db,
                const LabTableInfo  *table,
                JsonObject          *row,
                gboolean             upsert,
                GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!lab_row_validate (table, row, LAB_ROW_FLAGS_NONE, error))
    return FALSE;

  stmt = lab_row_prepare_insert (db, table, upsert, error);
  if (stmt == NULL)
    return FALSE;

  if (!lab_row_bind (table, stmt, row, error))
    return FALSE;

  return lab_db_step_done (db, stmt, error);
}

static gboolean
values_equal (const LabColumnInfo *column,
              JsonNode            *a,
              JsonNode            *b)
{
  gboolean a_null = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_null = b == NULL || JSON_NODE_HOLDS_NULL (b);

  if (a_null || b_null)
    return a_null == b_null;

  switch (column->type)
    {
    case LAB_COLUMN_REAL:
      return json_node_get_double (a) == json_node_get_double (b);
    case LAB_COLUMN_BOOLEAN:
      {
        gboolean va = json_node_get_value_type (a) == G_TYPE_BOOLEAN ? json_node_get_boolean (a)
                                                                    : json_node_get_int (a) != 0;
        gboolean vb = json_node_get_value_type (b) == G_TYPE_BOOLEAN ? json_node_get_boolean (b)
                                                                    : json_node_get_int (b) != 0;
        return va == vb;
      }
    case LAB_COLUMN_TIMESTAMP:
      {
        gint64 ua = 0, ub = 0;

        lab_timestamp_parse (json_node_get_string (a), &ua);
        lab_timestamp_parse (json_node_get_string (b), &ub);
        /* Stored times keep milliseconds. */
        return ua / 1000 == ub / 1000;
      }
    case LAB_COLUMN_TEXT:
    case LAB_COLUMN_INTEGER:
    case LAB_COLUMN_JSON:
    default:
      return json_node_equal (a, b);
    }
}

/**
 * lab_row_equal:
 *
 * Returns: whether @a and @b hold the same value in every exported column, a
 *   missing member counting as null
 */
gboolean
lab_row_equal (const LabTableInfo *table,
               JsonObject         *a,
               JsonObject         *b)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const LabColumnInfo *column = &table->columns[i];

      if (!column_is_exported (column))
        continue;

      if (!values_equal (column, json_object_get_member (a, column->name),
                         json_object_get_member (b, column->name)))
        return FALSE;
    }

  return TRUE;
}

/**
 * lab_row_fetch:
 * @key_row: an object holding at least the table's key columns
 *
 * Returns: (transfer full) (nullable): the stored row with the same key, or
 *   %NULL if there is none (and @error unset) or on failure (@error set)
 */
JsonObject *
lab_row_fetch (LabDb               *db,
               const LabTableInfo  *table,
               JsonObject          *key_row,
               GError             **error)
{
  g_autofree char *select = lab_row_select_sql (table, NULL);
  g_autoptr(GString) sql = g_string_new (select);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int param = 0;
  int rc;

  g_string_append (sql, " WHERE 1");
  for (guint i = 0; i < table->n_columns; i++)
    {
      if (table->columns[i].flags & LAB_COLUMN_FLAG_KEY)
        g_string_append_printf (sql, " AND \"%s\" = ?", table->columns[i].name);
    }

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;

  for (guint i = 0; i < table->n_columns; i++)
    {
      JsonNode *node;

      if (!(table->columns[i].flags & LAB_COLUMN_FLAG_KEY))
        continue;

      param++;
      node = json_object_get_member (key_row, table->columns[i].name);
      if (node != NULL && node_is_string (node))
        sqlite3_bind_text (stmt, param, json_node_get_string (node), -1, SQLITE_TRANSIENT);
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return lab_row_read (table, stmt);
  if (rc != SQLITE_DONE)
    lab_db_set_error (db, error, rc, NULL);

  return NULL;
}
