/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-search"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-search.h"
#include "lab-session.h"
#include "lab-timestamp.h"

#define SNIPPET_TOKENS 14
#define MIN_ID_PREFIX 4

/* LabSearchQuery */

G_DEFINE_BOXED_TYPE (LabSearchQuery, lab_search_query, lab_search_query_copy, lab_search_query_free)

/**
 * lab_search_query_new:
 * @text: (nullable): what to search for
 *
 * Returns: (transfer full): a query for the first 50 messages and 20 sessions
 */
LabSearchQuery *
lab_search_query_new (const char *text)
{
  LabSearchQuery *query = g_new0 (LabSearchQuery, 1);

  query->text = g_strdup (text);
  query->limit = 50;
  query->session_limit = 20;

  return query;
}

LabSearchQuery *
lab_search_query_copy (const LabSearchQuery *query)
{
  LabSearchQuery *copy = g_memdup2 (query, sizeof *query);

  copy->text = g_strdup (query->text);
  copy->session_id = g_strdup (query->session_id);
  copy->role = g_strdup (query->role);
  copy->author = g_strdup (query->author);
  copy->sessions = query->sessions ? lab_session_filter_copy (query->sessions) : NULL;

  return copy;
}

void
lab_search_query_free (LabSearchQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->text);
  g_free (query->session_id);
  g_free (query->role);
  g_free (query->author);
  g_clear_pointer (&query->sessions, lab_session_filter_free);
  g_free (query);
}

/* LabSearchHit */

struct _LabSearchHit
{
  GObject parent_instance;

  LabSearchHitKind kind;
  char *session_id;
  char *session_title;
  char *message_id;
  char *role;
  char *author;
  char *snippet;
  gint64 message_no;
  gint64 sequence;
  gint64 created_at;
};

G_DEFINE_FINAL_TYPE (LabSearchHit, lab_search_hit, G_TYPE_OBJECT)

enum {
  HIT_PROP_0,
  HIT_PROP_KIND,
  HIT_PROP_SESSION_ID,
  HIT_PROP_SESSION_TITLE,
  HIT_PROP_MESSAGE_ID,
  HIT_PROP_ROLE,
  HIT_PROP_AUTHOR,
  HIT_PROP_SNIPPET,
  HIT_PROP_SEQUENCE,
  HIT_PROP_CREATED_AT,
  N_HIT_PROPS
};

static GParamSpec *hit_properties[N_HIT_PROPS];

static void
lab_search_hit_finalize (GObject *object)
{
  LabSearchHit *self = (LabSearchHit *) object;

  g_free (self->session_id);
  g_free (self->session_title);
  g_free (self->message_id);
  g_free (self->role);
  g_free (self->author);
  g_free (self->snippet);

  G_OBJECT_CLASS (lab_search_hit_parent_class)->finalize (object);
}

static void
lab_search_hit_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabSearchHit *self = LAB_SEARCH_HIT (object);

  switch (prop_id)
    {
    case HIT_PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case HIT_PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case HIT_PROP_SESSION_TITLE:
      g_value_set_string (value, self->session_title);
      break;
    case HIT_PROP_MESSAGE_ID:
      g_value_set_string (value, self->message_id);
      break;
    case HIT_PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case HIT_PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;
    case HIT_PROP_SNIPPET:
      g_value_set_string (value, self->snippet);
      break;
    case HIT_PROP_SEQUENCE:
      g_value_set_int64 (value, self->sequence);
      break;
    case HIT_PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_hit_class_init (LabSearchHitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_search_hit_finalize;
  object_class->get_property = lab_search_hit_get_property;

  hit_properties[HIT_PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, LAB_SEARCH_HIT_SESSION, 0, flags);
  hit_properties[HIT_PROP_SESSION_ID] = g_param_spec_string ("session-id", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_SESSION_TITLE] =
    g_param_spec_string ("session-title", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_MESSAGE_ID] = g_param_spec_string ("message-id", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_AUTHOR] = g_param_spec_string ("author", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_SNIPPET] = g_param_spec_string ("snippet", NULL, NULL, NULL, flags);
  hit_properties[HIT_PROP_SEQUENCE] =
    g_param_spec_int64 ("sequence", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  hit_properties[HIT_PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_HIT_PROPS, hit_properties);
}

static void
lab_search_hit_init (LabSearchHit *self)
{
}

LabSearchHitKind
lab_search_hit_get_kind (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), 0);
  return self->kind;
}

const char *
lab_search_hit_get_session_id (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->session_id;
}

const char *
lab_search_hit_get_session_title (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->session_title;
}

/**
 * lab_search_hit_get_message_id:
 *
 * Returns: (nullable): the message's id, or %NULL for a session hit
 */
const char *
lab_search_hit_get_message_id (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->message_id;
}

gint64
lab_search_hit_get_message_no (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), 0);
  return self->message_no;
}

gint64
lab_search_hit_get_sequence (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), 0);
  return self->sequence;
}

const char *
lab_search_hit_get_role (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->role;
}

const char *
lab_search_hit_get_author (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->author;
}

gint64
lab_search_hit_get_created_at (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), 0);
  return self->created_at;
}

/**
 * lab_search_hit_get_snippet:
 *
 * Returns: the matched text around the hit, the matched words between
 *   %LAB_SNIPPET_OPEN and %LAB_SNIPPET_CLOSE
 */
const char *
lab_search_hit_get_snippet (LabSearchHit *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HIT (self), NULL);
  return self->snippet;
}

void
lab_search_results_free (LabSearchResults *results)
{
  if (results == NULL)
    return;

  g_clear_pointer (&results->sessions, g_ptr_array_unref);
  g_clear_pointer (&results->messages, g_ptr_array_unref);
  g_free (results);
}

/* Query translation */

static gboolean
is_bareword_char (guchar c)
{
  /* What FTS5 accepts unquoted; anything else must be inside a string. */
  return g_ascii_isalnum (c) || c == '_' || c >= 0x80 || c == 0x1a;
}

static void
append_quoted (GString    *out,
               const char *word,
               gsize       len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (word[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, word[i]);
    }
  g_string_append_c (out, '"');
}

static gboolean
append_word (GString     *out,
             const char  *word,
             gsize        len,
             gboolean    *uses_columns,
             GError     **error)
{
  gboolean prefix = FALSE;
  gboolean bare = TRUE;
  const char *colon;

  if (len == 3 && strncmp (word, "AND", 3) == 0)
    return (g_string_append (out, "AND"), TRUE);
  if (len == 2 && strncmp (word, "OR", 2) == 0)
    return (g_string_append (out, "OR"), TRUE);
  if (len == 3 && strncmp (word, "NOT", 3) == 0)
    return (g_string_append (out, "NOT"), TRUE);

  /* author:alice and content:word restrict a term to one column. */
  colon = memchr (word, ':', len);
  if (colon != NULL && colon > word && colon < word + len - 1)
    {
      gsize col_len = colon - word;

      if ((col_len == 6 && strncmp (word, "author", 6) == 0) ||
          (col_len == 7 && strncmp (word, "content", 7) == 0))
        {
          g_string_append_len (out, word, col_len + 1);
          *uses_columns = TRUE;
          return append_word (out, colon + 1, len - col_len - 1, uses_columns, error);
        }
    }

  if (len > 0 && word[len - 1] == '*')
    {
      prefix = TRUE;
      len--;
    }

  if (len == 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                   _("A “*” must follow the start of a word, as in “optim*”"));
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      if (!is_bareword_char (word[i]))
        bare = FALSE;
    }

  if (bare)
    g_string_append_len (out, word, len);
  else
    append_quoted (out, word, len);

  if (prefix)
    g_string_append_c (out, '*');

  return TRUE;
}

/* See lab_search_translate(); also says whether the query names a column. */
static char *
translate (const char  *text,
           gboolean    *uses_columns,
           GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = text;

  if (text == NULL)
    text = p = "";

  while (*p)
    {
      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }

      if (out->len > 0)
        g_string_append_c (out, ' ');

      if (*p == '"')
        {
          const char *start = ++p;
          const char *end = strchr (start, '"');

          if (end == NULL)
            {
              g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                           _("A phrase is missing its closing quote (\")"));
              return NULL;
            }

          append_quoted (out, start, end - start);
          p = end + 1;
          if (*p == '*')
            {
              g_string_append_c (out, '*');
              p++;
            }
        }
      else if (*p == '(' || *p == ')')
        g_string_append_c (out, *p++);
      else
        {
          const char *start = p;

          while (*p && !g_ascii_isspace (*p) && *p != '(' && *p != ')' && *p != '"')
            p++;
          if (!append_word (out, start, p - start, uses_columns, error))
            return NULL;
        }
    }

  if (out->len == 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                   _("Type something to search for"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * lab_search_translate:
 * @text: a query as a person types it
 *
 * Turns @text into an FTS5 query. Words, "quoted phrases", prefix* terms, the
 * operators AND, OR and NOT, parentheses and author:/content: column filters
 * keep their FTS5 meaning; a word with punctuation ("gpt-4", "e.g.") becomes a
 * phrase instead of a syntax error.
 *
 * Returns: (transfer full): the FTS5 query, or %NULL with
 *   %LAB_STORE_ERROR_QUERY_SYNTAX set
 */
char *
lab_search_translate (const char  *text,
                      GError     **error)
{
  gboolean uses_columns = FALSE;

  return translate (text, &uses_columns, error);
}

static gboolean
set_search_error (LabDb   *db,
                  GError **error,
                  int      rc)
{
  const char *msg = sqlite3_errmsg (lab_db_get_handle (db));

  /* FTS5 reports a bad query as a plain SQLITE_ERROR whose text starts with
   * "fts5:" (or names an unknown column, for "foo:bar" terms). */
  if ((rc & 0xff) == SQLITE_ERROR &&
      (g_str_has_prefix (msg, "fts5:") || g_str_has_prefix (msg, "no such column") ||
       strstr (msg, "syntax error") != NULL || strstr (msg, "unknown special query") != NULL))
    {
      const char *detail = g_str_has_prefix (msg, "fts5: ") ? msg + 6 : msg;

      if (g_str_has_suffix (detail, "near \"\""))
        detail = _("it ends where more was expected (after AND, OR, NOT or an opening parenthesis?)");

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                   _("The search could not be understood: %s"), detail);
      return FALSE;
    }

  return lab_db_set_error (db, error, rc, NULL);
}

static gboolean
looks_like_id_prefix (const char *text)
{
  gsize len = strlen (text);

  if (len < MIN_ID_PREFIX)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isxdigit (text[i]) && text[i] != '-')
        return FALSE;
    }

  /* A plain number is more likely a word than an id. */
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return TRUE;
    }

  return FALSE;
}

/* A snippet is one line: line breaks and runs of spaces become one space. */
static char *
flatten (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ')
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }

  return g_string_free (out, FALSE);
}

static LabSearchHit *
session_hit_new (sqlite3_stmt *stmt,
                 int           snippet_col)
{
  LabSearchHit *hit = g_object_new (LAB_TYPE_SEARCH_HIT, NULL);
  const char *snippet = snippet_col >= 0 ? (const char *) sqlite3_column_text (stmt, snippet_col) : NULL;

  hit->kind = LAB_SEARCH_HIT_SESSION;
  hit->session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  hit->session_title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  lab_timestamp_parse ((const char *) sqlite3_column_text (stmt, 2), &hit->created_at);
  hit->snippet = flatten (snippet ? snippet : hit->session_title);

  return hit;
}

static gboolean
search_sessions (LabDb                 *db,
                 const LabSearchQuery  *query,
                 const char            *fts_query,
                 const char            *id_prefix,
                 GPtrArray             *hits,
                 GError               **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  if (id_prefix != NULL)
    {
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *lower = g_ascii_strdown (id_prefix, -1);
      g_autofree char *upper = g_strconcat (lower, "\x7f", NULL);

      g_string_append (sql, "SELECT s.id, s.title, s.last_activity_at FROM sessions s"
                            " WHERE s.id >= ? AND s.id < ?");
      g_ptr_array_add (params, g_strdup (lower));
      g_ptr_array_add (params, g_strdup (upper));
      if (query->sessions != NULL)
        lab_session_filter_append_sql (query->sessions, sql, params);
      g_string_append_printf (sql, " ORDER BY s.id LIMIT %u", query->session_limit);

      stmt = lab_db_prepare (db, sql->str, error);
      if (stmt == NULL)
        return FALSE;
      lab_sql_bind_params (stmt, 1, params);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          LabSearchHit *hit = session_hit_new (stmt, -1);

          g_ptr_array_add (hits, hit);
          g_hash_table_add (seen, hit->session_id);
        }
      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);
    }

  if (fts_query != NULL && hits->len < query->session_limit)
    {
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      g_string_append_printf (sql, "SELECT s.id, s.title, s.last_activity_at,"
                                   " snippet (sessions_fts, -1, X'02', X'03', '…', %d)"
                                   " FROM sessions_fts JOIN sessions s"
                                   " ON s.session_no = sessions_fts.rowid"
                                   " WHERE sessions_fts MATCH ?", SNIPPET_TOKENS);
      g_ptr_array_add (params, g_strdup (fts_query));
      if (query->sessions != NULL)
        lab_session_filter_append_sql (query->sessions, sql, params);
      if (query->session_id != NULL)
        {
          g_string_append (sql, " AND s.id = ?");
          g_ptr_array_add (params, g_strdup (query->session_id));
        }
      g_string_append_printf (sql, " ORDER BY s.last_activity_at DESC LIMIT %u",
                              query->session_limit);

      stmt = lab_db_prepare (db, sql->str, error);
      if (stmt == NULL)
        return FALSE;
      lab_sql_bind_params (stmt, 1, params);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && hits->len < query->session_limit)
        {
          if (g_hash_table_contains (seen, sqlite3_column_text (stmt, 0)))
            continue;
          g_ptr_array_add (hits, session_hit_new (stmt, 3));
        }
      if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return set_search_error (db, error, rc);
    }

  return TRUE;
}

static gboolean
session_rowid_range (LabDb       *db,
                     const char  *session_id,
                     gint64      *first,
                     gint64      *last,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = lab_db_prepare (db, "SELECT min (message_no), max (message_no) FROM messages"
                             " WHERE session_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return lab_db_set_error (db, error, rc, NULL);

  *first = sqlite3_column_int64 (stmt, 0);
  *last = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
search_messages (LabDb                 *db,
                 const LabSearchQuery  *query,
                 const char            *fts_query,
                 LabSearchResults      *results,
                 GError               **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* Newest first is rowid order, which FTS5 walks directly: the first page
   * costs the same however many messages match. */
  g_string_append_printf (sql, "SELECT m.session_id, s.title, m.created_at, m.message_no, m.id,"
                               " m.sequence, m.role, m.author,"
                               " snippet (messages_fts, -1, X'02', X'03', '…', %d)"
                               " FROM messages_fts"
                               " JOIN messages m ON m.message_no = messages_fts.rowid"
                               " JOIN sessions s ON s.id = m.session_id"
                               " WHERE messages_fts MATCH ?", SNIPPET_TOKENS);
  g_ptr_array_add (params, g_strdup (fts_query));

  if (query->session_id != NULL)
    {
      gint64 first = 0, last = 0;

      /* Bounding the rowids lets FTS5 skip the other sessions' matches. */
      if (!session_rowid_range (db, query->session_id, &first, &last, error))
        return FALSE;
      g_string_append_printf (sql, " AND messages_fts.rowid BETWEEN %" G_GINT64_FORMAT
                                   " AND %" G_GINT64_FORMAT " AND m.session_id = ?",
                              first, last);
      g_ptr_array_add (params, g_strdup (query->session_id));
    }

  if (query->role != NULL)
    {
      g_string_append (sql, " AND m.role = ?");
      g_ptr_array_add (params, g_strdup (query->role));
    }

  if (query->author != NULL)
    {
      g_string_append (sql, " AND m.author = ? COLLATE NOCASE");
      g_ptr_array_add (params, g_strdup (query->author));
    }

  if (query->since != 0)
    {
      g_string_append (sql, " AND m.created_at >= ?");
      g_ptr_array_add (params, lab_timestamp_format (query->since));
    }

  if (query->until != 0)
    {
      g_string_append (sql, " AND m.created_at <= ?");
      g_ptr_array_add (params, lab_timestamp_format (query->until));
    }

  if (query->sessions != NULL)
    lab_session_filter_append_sql (query->sessions, sql, params);

  /* One more than asked tells whether there is a next page. */
  g_string_append_printf (sql, " ORDER BY messages_fts.rowid DESC LIMIT %u OFFSET %u",
                          query->limit + 1, query->offset);

  stmt = lab_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  lab_sql_bind_params (stmt, 1, params);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LabSearchHit *hit;

      if (results->messages->len == query->limit)
        {
          results->has_more = TRUE;
          break;
        }

      hit = g_object_new (LAB_TYPE_SEARCH_HIT, NULL);
      hit->kind = LAB_SEARCH_HIT_MESSAGE;
      hit->session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      hit->session_title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      lab_timestamp_parse ((const char *) sqlite3_column_text (stmt, 2), &hit->created_at);
      hit->message_no = sqlite3_column_int64 (stmt, 3);
      hit->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      hit->sequence = sqlite3_column_int64 (stmt, 5);
      hit->role = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      hit->author = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      hit->snippet = flatten ((const char *) sqlite3_column_text (stmt, 8));
      g_ptr_array_add (results->messages, hit);
    }

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_search_error (db, error, rc);

  return TRUE;
}

/**
 * lab_search_run:
 * @query: what to search
 * @cancellable: (nullable): stops the query soon after it is cancelled
 *
 * Full-text search over messages (content and author) and sessions (title,
 * research question, keywords), plus sessions whose id starts with the query
 * (or with what follows "id:").
 *
 * Returns: (transfer full): the results, or %NULL with @error set;
 *   %LAB_STORE_ERROR_QUERY_SYNTAX for a query that cannot be understood
 */
LabSearchResults *
lab_search_run (LabDb                 *db,
                const LabSearchQuery  *query,
                GCancellable          *cancellable,
                GError               **error)
{
  g_autoptr(LabSearchResults) results = g_new0 (LabSearchResults, 1);
  g_autofree char *fts_query = NULL;
  g_autofree char *trimmed = NULL;
  const char *id_prefix = NULL;
  gboolean uses_columns = FALSE;
  gboolean ok;

  g_return_val_if_fail (LAB_IS_DB (db), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  results->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  results->messages = g_ptr_array_new_with_free_func (g_object_unref);

  trimmed = g_strstrip (g_strdup (query->text ? query->text : ""));

  if (g_str_has_prefix (trimmed, "id:"))
    {
      id_prefix = g_strstrip (trimmed + 3);
      if (id_prefix[0] == '\0')
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX,
                       _("Give the start of a session id after “id:”"));
          return NULL;
        }
    }
  else
    {
      fts_query = translate (trimmed, &uses_columns, error);
      if (fts_query == NULL)
        return NULL;
      if (looks_like_id_prefix (trimmed))
        id_prefix = trimmed;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  lab_db_set_cancellable (db, cancellable);

  ok = TRUE;
  /* author: and content: name message columns; sessions have other ones. */
  if (query->session_limit > 0)
    ok = search_sessions (db, query, uses_columns ? NULL : fts_query, id_prefix,
                          results->sessions, error);
  if (ok && fts_query != NULL && query->limit > 0)
    ok = search_messages (db, query, fts_query, results, error);

  lab_db_set_cancellable (db, NULL);

  if (!ok)
    return NULL;

  return g_steal_pointer (&results);
}

/**
 * lab_snippet_replace_marks:
 * @snippet: a snippet from a #LabSearchHit
 * @open: what to put before a matched word
 * @close: what to put after it
 *
 * Returns: (transfer full): the snippet with its marks replaced
 */
char *
lab_snippet_replace_marks (const char *snippet,
                           const char *open,
                           const char *close)
{
  GString *out = g_string_new (NULL);

  for (const char *p = snippet; p && *p; p++)
    {
      if (*p == LAB_SNIPPET_OPEN[0])
        g_string_append (out, open);
      else if (*p == LAB_SNIPPET_CLOSE[0])
        g_string_append (out, close);
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/**
 * lab_snippet_to_markup:
 * @snippet: a snippet from a #LabSearchHit
 *
 * Returns: (transfer full): Pango markup with the matched words in bold
 */
char *
lab_snippet_to_markup (const char *snippet)
{
  GString *out = g_string_new (NULL);
  const char *p = snippet ? snippet : "";

  /* Escape the text between the marks: g_markup_escape_text() would turn the
   * control characters themselves into character references. */
  while (*p)
    {
      gsize run = strcspn (p, LAB_SNIPPET_OPEN LAB_SNIPPET_CLOSE);

      if (run > 0)
        {
          g_autofree char *escaped = g_markup_escape_text (p, run);

          g_string_append (out, escaped);
          p += run;
        }
      if (*p == LAB_SNIPPET_OPEN[0])
        g_string_append (out, "<b>");
      else if (*p == LAB_SNIPPET_CLOSE[0])
        g_string_append (out, "</b>");
      if (*p)
        p++;
    }

  return g_string_free (out, FALSE);
}
