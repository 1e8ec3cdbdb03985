/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-events"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-private.h"
#include "lab-timestamp.h"

/*
 * An agent server's events.db (seed 003): session(id, workspace_dir,
 * created_at, device_id) and event(id, session_id, timestamp, event_type,
 * event_payload), the payload being {"type": …, "content": {…}}, with the
 * sessions' files in workspace/<session>/ beside the database. A session's
 * chat log is rebuilt from its events; docs/legacy-migration.md lists where
 * each field and event type goes.
 */

#define KIND "events-db"
#define FILES_SESSION "\x1f" "files"

static const char * const session_columns[] = {
  "id", "workspace_dir", "created_at", "device_id", "name", NULL
};
static const char * const event_columns[] = {
  "id", "session_id", "timestamp", "event_type", "event_payload", NULL
};

typedef struct
{
  const char *event_type;
  const char *role;      /* NULL: the event is agent activity */
  const char *author;
  const char *text;      /* the content member that becomes the message */
} EventMapping;

static const EventMapping mappings[] = {
  { "user_message", "user", "User", "text" },
  { "agent_response", "assistant", "Agent", "text" },
  { "agent_response_interrupted", "assistant", "Agent", "text" },
  { "agent_thinking", "thought", "Agent", "text" },
  { "tool_call", "tool_call", "Agent", "tool_input" },
  { "tool_result", "tool_result", NULL, "result" },
  { "error", "system", "system", "message" },
  { "system", "system", "system", "message" },
};

static const EventMapping *
find_mapping (const char *event_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (mappings); i++)
    {
      if (g_strcmp0 (mappings[i].event_type, event_type) == 0)
        return &mappings[i];
    }

  return NULL;
}

static gboolean
is_real_dir (const char *path)
{
  struct stat st;

  return lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/*
 * Where a session's files are. The server records an absolute workspace_dir,
 * but the database may have moved since (./ to /var/data, or a copy): the
 * folder of the same name under workspace/ beside the database comes first,
 * then the recorded folder if it is a workspace/<name> folder itself, then
 * workspace/<session id>. A recorded path outside such a folder is never
 * followed, so a strange row cannot make the migration copy a whole disk.
 */
static char *
resolve_workspace (LabLegacySource *source,
                   const char      *session_id,
                   const char      *workspace_dir)
{
  const char *root = _lab_legacy_source_get_workspace_path (source);

  if (workspace_dir != NULL && workspace_dir[0] != '\0')
    {
      g_autofree char *name = g_path_get_basename (workspace_dir);
      g_autofree char *parent = g_path_get_dirname (workspace_dir);
      g_autofree char *parent_name = g_path_get_basename (parent);
      g_autofree char *beside = NULL;

      if (lab_relative_path_is_safe (name) && strchr (name, '/') == NULL)
        {
          beside = g_build_filename (root, name, NULL);
          if (is_real_dir (beside))
            return g_steal_pointer (&beside);
        }

      if (g_path_is_absolute (workspace_dir) && g_str_equal (parent_name, "workspace") &&
          is_real_dir (workspace_dir))
        return g_canonicalize_filename (workspace_dir, NULL);
    }

  if (session_id != NULL && lab_relative_path_is_safe (session_id) &&
      strchr (session_id, '/') == NULL)
    {
      g_autofree char *by_id = g_build_filename (root, session_id, NULL);

      if (is_real_dir (by_id))
        return g_steal_pointer (&by_id);
    }

  return NULL;
}

/* The sessions of the source and their folders, the folders that belong to
 * no session, and the loose files (workspace/ files, agent_logs.txt). */
typedef struct
{
  GPtrArray *session_ids;   /* from the session table, in order */
  GHashTable *folders;      /* session id → folder */
  GPtrArray *recovered;     /* session ids only the event table has */
  GPtrArray *orphans;       /* folder names under workspace/ no session claims */
  GPtrArray *loose;         /* absolute paths of loose files */
} Layout;

static void
layout_clear (Layout *layout)
{
  g_clear_pointer (&layout->session_ids, g_ptr_array_unref);
  g_clear_pointer (&layout->folders, g_hash_table_unref);
  g_clear_pointer (&layout->recovered, g_ptr_array_unref);
  g_clear_pointer (&layout->orphans, g_ptr_array_unref);
  g_clear_pointer (&layout->loose, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Layout, layout_clear)

/* Adds the sessions @sql lists (id, recorded workspace folder) to @list,
 * each once, with the folder each claims; a folder is claimed once. */
static gboolean
add_sessions (LabLegacySource  *source,
              sqlite3          *db,
              const char       *sql,
              GPtrArray        *list,
              GHashTable       *known,
              GHashTable       *claimed,
              Layout           *layout,
              GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!_lab_legacy_prepare (db, sql, &stmt, error))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *id = _lab_legacy_column_to_text (stmt, 0);
      g_autofree char *dir = _lab_legacy_column_to_text (stmt, 1);
      char *folder;

      if (id == NULL)
        id = g_strdup ("");
      if (g_hash_table_contains (known, id))
        continue;
      g_hash_table_add (known, g_strdup (id));
      g_ptr_array_add (list, g_strdup (id));

      folder = resolve_workspace (source, id, dir);
      if (folder != NULL && !g_hash_table_contains (claimed, folder))
        {
          g_hash_table_add (claimed, g_strdup (folder));
          g_hash_table_insert (layout->folders, g_strdup (id), folder);
        }
      else
        g_free (folder);
    }

  return _lab_legacy_step_done (db, rc, error);
}

static gboolean
query_layout (LabLegacySource  *source,
              sqlite3          *db,
              GPtrArray        *session_cols,
              GPtrArray        *event_cols,
              Layout           *layout,
              GError          **error)
{
  const char *db_path = lab_legacy_source_get_database_path (source);
  const char *root = _lab_legacy_source_get_workspace_path (source);
  g_autoptr(GHashTable) claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  layout->session_ids = g_ptr_array_new_with_free_func (g_free);
  layout->folders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  layout->recovered = g_ptr_array_new_with_free_func (g_free);
  layout->orphans = g_ptr_array_new_with_free_func (g_free);
  layout->loose = g_ptr_array_new_with_free_func (g_free);

  if (session_cols != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id, %s FROM session ORDER BY rowid",
                                              _lab_legacy_has_column (session_cols, "workspace_dir")
                                              ? "workspace_dir" : "NULL");

      if (!add_sessions (source, db, sql, layout->session_ids, known, claimed, layout, error))
        return FALSE;
    }

  /* Sessions only the events name. */
  if (event_cols != NULL &&
      !add_sessions (source, db, _lab_legacy_has_column (event_cols, "session_id")
                                 ? "SELECT DISTINCT session_id, NULL FROM event ORDER BY 1"
                                 : "SELECT DISTINCT NULL, NULL FROM event",
                     layout->recovered, known, claimed, layout, error))
    return FALSE;

  /* What else is in workspace/, and the server's log beside the database. */
  if (is_real_dir (root))
    {
      g_autoptr(GPtrArray) names = lab_dir_list_sorted (root, NULL);

      for (guint i = 0; names != NULL && i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (root, names->pdata[i], NULL);

          if (g_hash_table_contains (claimed, path))
            continue;
          if (is_real_dir (path))
            {
              /* Named like a session that claimed another folder: kept apart. */
              const char *name = names->pdata[i];
              char *id = g_hash_table_contains (known, name)
                         ? g_strconcat ("workspace:", name, NULL) : g_strdup (name);

              g_ptr_array_add (layout->orphans, id);
              g_hash_table_insert (layout->folders, g_strdup (id), g_strdup (path));
            }
          else
            g_ptr_array_add (layout->loose, g_steal_pointer (&path));
        }
    }

  {
    g_autofree char *dir = g_path_get_dirname (db_path);
    g_autofree char *log = g_build_filename (dir, "agent_logs.txt", NULL);

    if (g_file_test (log, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (layout->loose, g_steal_pointer (&log));
  }

  return TRUE;
}

static gboolean
read_columns (LabLegacySource  *source,
              sqlite3          *db,
              GPtrArray       **session_cols,
              GPtrArray       **event_cols,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  *session_cols = _lab_legacy_table_columns (db, "session", &local_error);
  if (local_error == NULL)
    *event_cols = _lab_legacy_table_columns (db, "event", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (*session_cols == NULL && *event_cols == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” has neither a session nor an event table; it is not an agent "
                     "server database LabData can read."),
                   lab_legacy_source_get_database_path (source));
      return FALSE;
    }

  return TRUE;
}

gboolean
_lab_legacy_events_inspect (LabLegacySource  *source,
                            sqlite3          *db,
                            GError          **error)
{
  const char *db_path = lab_legacy_source_get_database_path (source);
  g_autoptr(GPtrArray) session_cols = NULL;
  g_autoptr(GPtrArray) event_cols = NULL;
  g_auto(Layout) layout = { 0 };
  guint64 n_files = 0;
  guint64 size = 0;
  struct stat st;
  GHashTableIter iter;
  gpointer folder;

  if (!read_columns (source, db, &session_cols, &event_cols, error))
    return FALSE;

  {
    const struct
    {
      const char *name;
      GPtrArray *columns;
      const char * const *known;
      const char *time;
    } t[] = {
      { "session", session_cols, session_columns, "created_at" },
      { "event", event_cols, event_columns, "timestamp" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (t); i++)
      {
        gint64 n;

        if (t[i].columns == NULL)
          {
            _lab_legacy_note_missing_table (source, t[i].name);
            continue;
          }
        n = _lab_legacy_count_rows (db, t[i].name, db_path, error);
        if (n < 0)
          return FALSE;
        _lab_legacy_note_columns (source, t[i].name, t[i].columns, t[i].known);
        _lab_legacy_source_add_count (source, t[i].name, n, 0);
        if (_lab_legacy_has_column (t[i].columns, t[i].time))
          _lab_legacy_extend_time_span (source, db, t[i].name, t[i].time);
      }
  }

  if (!query_layout (source, db, session_cols, event_cols, &layout, error))
    return FALSE;

  g_hash_table_iter_init (&iter, layout.folders);
  while (g_hash_table_iter_next (&iter, NULL, &folder))
    size += lab_path_disk_usage (folder, &n_files);
  for (guint i = 0; i < layout.loose->len; i++)
    size += lab_path_disk_usage (g_ptr_array_index (layout.loose, i), &n_files);
  _lab_legacy_source_add_count (source, "files", n_files, size);

  if (layout.orphans->len > 0)
    _lab_legacy_source_add_note (source, ngettext ("%u workspace folder belongs to no session; "
                                                   "it becomes a session of its own.",
                                                   "%u workspace folders belong to no session; "
                                                   "each becomes a session of its own.",
                                                   layout.orphans->len),
                                 layout.orphans->len);

  if (stat (db_path, &st) == 0)
    size += st.st_size;
  _lab_legacy_source_add_size (source, size);

  return TRUE;
}

/*
 * Reading
 */

/* What a session needs from its events before it is written. */
typedef struct
{
  gint64 first;
  gint64 last;
  char *first_user_message;
  char *model;
  gboolean has_user;
  gboolean has_agent;
} SessionInfo;

static void
session_info_free (gpointer data)
{
  SessionInfo *info = data;

  g_free (info->first_user_message);
  g_free (info->model);
  g_free (info);
}

typedef struct
{
  LabLegacySource *source;
  LabLegacyEmitter *emitter;
  sqlite3 *db;
  const char *db_path;
  GPtrArray *session_cols;
  GPtrArray *event_cols;
  GHashTable *infos;  /* session id → SessionInfo */
  Layout layout;
  gint64 total;
  gint64 done;
} Reader;

static SessionInfo *
session_info_get (Reader     *r,
                  const char *id)
{
  SessionInfo *info = g_hash_table_lookup (r->infos, id);

  if (info == NULL)
    {
      info = g_new0 (SessionInfo, 1);
      g_hash_table_insert (r->infos, g_strdup (id), info);
    }

  return info;
}

/* The payload's content: {"type": …, "content": {…}} as the server writes
 * it, or the payload itself when it has no content member. */
static JsonNode *
payload_content (JsonNode *payload)
{
  JsonNode *content;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return payload;

  content = json_object_get_member (json_node_get_object (payload), "content");
  return content != NULL ? content : payload;
}

static const char *
payload_type (JsonNode *payload)
{
  JsonNode *type;

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return NULL;

  type = json_object_get_member (json_node_get_object (payload), "type");
  if (type == NULL || !JSON_NODE_HOLDS_VALUE (type) ||
      json_node_get_value_type (type) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (type);
}

static JsonNode *
content_member (JsonNode   *content,
                const char *name)
{
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return NULL;

  return json_object_get_member (json_node_get_object (content), name);
}

static const char *
content_string (JsonNode   *content,
                const char *name)
{
  JsonNode *member = content_member (content, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

/* The text of an event: @preferred, else the usual members, as text. */
static char *
content_text (JsonNode   *content,
              const char *preferred,
              char      **taken)
{
  static const char * const usual[] = { "text", "message", "content", "error", "result", NULL };
  JsonNode *member = NULL;

  *taken = NULL;

  if (content != NULL && JSON_NODE_HOLDS_VALUE (content) &&
      json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));

  if (preferred != NULL && (member = content_member (content, preferred)) != NULL)
    *taken = g_strdup (preferred);
  for (guint i = 0; member == NULL && usual[i] != NULL; i++)
    {
      member = content_member (content, usual[i]);
      if (member != NULL)
        *taken = g_strdup (usual[i]);
    }

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (member));

  return json_to_string (member, FALSE);
}

/* The content minus the member that became the message, so that nothing is
 * stored twice and nothing is lost. */
static JsonNode *
content_rest (JsonNode   *content,
              const char *taken)
{
  JsonObject *rest;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  JsonNode *node;

  if (content == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (content))
    return taken == NULL && !JSON_NODE_HOLDS_VALUE (content) ? json_node_copy (content) : NULL;

  rest = json_object_new ();
  json_object_iter_init (&iter, json_node_get_object (content));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (g_strcmp0 (name, taken) != 0)
        json_object_set_member (rest, name, json_node_copy (value));
    }

  if (json_object_get_size (rest) == 0)
    {
      json_object_unref (rest);
      return NULL;
    }

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, rest);
  return node;
}

static JsonNode *
parse_payload (sqlite3_stmt  *stmt,
               int            col,
               char         **parse_error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  const char *text;

  *parse_error = NULL;

  if (col < 0 || sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  if (sqlite3_column_type (stmt, col) != SQLITE_TEXT &&
      sqlite3_column_type (stmt, col) != SQLITE_BLOB)
    return _lab_legacy_column_to_json (stmt, col);

  text = (const char *) sqlite3_column_text (stmt, col);
  if (json_parser_load_from_data (parser, text, sqlite3_column_bytes (stmt, col), &error) &&
      json_parser_get_root (parser) != NULL)
    /* The parser's tree is immutable: a reference is enough, no copy. */
    return json_node_ref (json_parser_get_root (parser));

  *parse_error = g_strdup (error ? error->message : _("empty"));
  return NULL;
}

static gboolean
gather_session_infos (Reader  *r,
                      GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (r->event_cols == NULL || !_lab_legacy_has_column (r->event_cols, "session_id"))
    return TRUE;

  /* Times and who took part, per session. */
  {
    gboolean has_type = _lab_legacy_has_column (r->event_cols, "event_type");
    gboolean has_time = _lab_legacy_has_column (r->event_cols, "timestamp");
    const char *type_column = has_type ? "event_type" : "NULL";
    const char *time_column = has_time ? "\"timestamp\"" : "NULL";
    g_autofree char *sql = g_strdup_printf ("SELECT session_id, %s, min (%s), max (%s) FROM event "
                                            "GROUP BY session_id, 2",
                                            type_column, time_column, time_column);

    if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        g_autofree char *id = _lab_legacy_column_to_text (stmt, 0);
        const char *type = (const char *) sqlite3_column_text (stmt, 1);
        const EventMapping *mapping = find_mapping (type);
        SessionInfo *info = session_info_get (r, id ? id : "");
        gint64 usec;

        if (_lab_legacy_column_time (stmt, 2, &usec) && (info->first == 0 || usec < info->first))
          info->first = usec;
        if (_lab_legacy_column_time (stmt, 3, &usec) && usec > info->last)
          info->last = usec;
        if (mapping != NULL && g_str_equal (mapping->role, "user"))
          info->has_user = TRUE;
        else if (mapping != NULL && g_strcmp0 (mapping->author, "Agent") == 0)
          info->has_agent = TRUE;
      }
    if (!_lab_legacy_step_done (r->db, rc, error))
      return FALSE;
    g_clear_pointer (&stmt, sqlite3_finalize);
  }

  /* The first user message titles the session; the agent's start says the model. */
  if (_lab_legacy_has_column (r->event_cols, "event_type") &&
      _lab_legacy_has_column (r->event_cols, "event_payload"))
    {
      gboolean has_time = _lab_legacy_has_column (r->event_cols, "timestamp");
      const char *time = has_time ? "\"timestamp\"," : "";
      g_autofree char *sql = g_strdup_printf ("SELECT session_id, event_type, event_payload "
                                              "FROM event WHERE event_type IN ('user_message', "
                                              "'agent_initialized', 'init_agent') "
                                              "ORDER BY session_id, %s rowid", time);

      if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *id = _lab_legacy_column_to_text (stmt, 0);
          const char *type = (const char *) sqlite3_column_text (stmt, 1);
          SessionInfo *info = session_info_get (r, id ? id : "");
          g_autofree char *parse_error = NULL;
          g_autoptr(JsonNode) payload = NULL;
          JsonNode *content;

          /* Only the first of each is needed. */
          gboolean user = g_str_equal (type, "user_message");

          if (user ? info->first_user_message != NULL : info->model != NULL)
            continue;
          payload = parse_payload (stmt, 2, &parse_error);
          content = payload_content (payload);

          if (user)
            {
              g_autofree char *taken = NULL;

              info->first_user_message = content_text (content, "text", &taken);
            }
          else
            {
              const char *model = content_string (content, "model_name");

              if (model == NULL)
                model = content_string (content, "model");
              info->model = g_strdup (model);
            }
        }
      if (!_lab_legacy_step_done (r->db, rc, error))
        return FALSE;
    }

  return TRUE;
}

static JsonArray *
participants_of (SessionInfo *info)
{
  JsonArray *array = json_array_new ();

  if (info->has_user)
    json_array_add_string_element (array, "User");
  if (info->has_agent)
    json_array_add_string_element (array, "Agent");

  return array;
}

static void
fill_session_row (JsonObject  *row,
                  SessionInfo *info,
                  const char  *title)
{
  g_autofree char *last = lab_timestamp_format (info->last);

  json_object_set_string_member (row, "title", title);
  json_object_set_string_member (row, "research_question",
                                 info->first_user_message ? info->first_user_message : "");
  json_object_set_string_member (row, "status", "completed");
  json_object_set_string_member (row, "model", info->model ? info->model : "");
  json_object_set_array_member (row, "participants", participants_of (info));
  json_object_set_string_member (row, "updated_at", last);
  json_object_set_string_member (row, "last_activity_at", last);
}

static char *
default_title (const char *id)
{
  g_autofree char *short_id = g_strndup (id, 8);

  return g_strdup_printf (_("Agent session %s"), short_id);
}

static gboolean
emit_sessions (Reader  *r,
               GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) cols = NULL;
  g_autofree char *sql = NULL;
  int rc;

  if (r->session_cols == NULL)
    return TRUE;

  sql = g_strdup ("SELECT rowid AS __rowid, * FROM session ORDER BY rowid");
  if (sqlite3_prepare_v2 (r->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_clear_pointer (&sql, g_free);
      sql = g_strdup ("SELECT NULL AS __rowid, * FROM session ORDER BY id");
      if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
        return FALSE;
    }
  cols = _lab_legacy_stmt_columns (stmt);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) row = json_object_new ();
      g_autoptr(JsonObject) legacy = json_object_new ();
      g_autofree char *id = NULL;
      g_autofree char *name = NULL;
      g_autofree char *title = NULL;
      g_autofree char *created_text = NULL;
      g_autofree char *identity = NULL;
      JsonObject *extra;
      SessionInfo *info;
      gint64 created = 0;
      int col;

      col = _lab_legacy_col (cols, "id");
      id = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
      if (id == NULL)
        id = g_strdup ("");
      /* The table has no key constraint of its own to rely on. */
      if (_lab_legacy_emitter_has_session (r->emitter, id))
        {
          _lab_legacy_emit_issue (r->emitter, id[0] ? id : "(none)",
                                  _("the session table lists this session more than once; only "
                                    "its first row is migrated"));
          continue;
        }
      info = session_info_get (r, id);

      json_object_set_string_member (legacy, "source", KIND);
      json_object_set_member (legacy, "id", _lab_legacy_column_to_json (stmt, col));

      col = _lab_legacy_col (cols, "created_at");
      if (col < 0 || !_lab_legacy_column_time (stmt, col, &created))
        {
          created = info->first;
          _lab_legacy_emit_issue (r->emitter, id, _("no valid creation time; its first event’s "
                                                    "time is used"));
        }
      _lab_legacy_set_time (row, "created_at", stmt, col, created, legacy, &created);
      if (info->last < created)
        info->last = created;
      created_text = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;

      col = _lab_legacy_col (cols, "name");
      name = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
      if (name != NULL && name[0] != '\0')
        title = g_strdup (name);
      else
        {
          g_autofree char *fallback = default_title (id);

          title = _lab_legacy_make_title (info->first_user_message, fallback);
        }
      fill_session_row (row, info, title);

      for (guint i = 0; i < 2; i++)
        {
          const char *member = i == 0 ? "workspace_dir" : "device_id";

          col = _lab_legacy_col (cols, member);
          if (col >= 0)
            json_object_set_member (legacy, member, _lab_legacy_column_to_json (stmt, col));
        }
      extra = _lab_legacy_extra_columns (stmt, session_columns);
      if (extra != NULL)
        json_object_set_object_member (legacy, "extra", extra);
      json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (NULL, legacy));

      identity = g_strjoin ("\x1f", KIND, id, created_text ? created_text : "", NULL);
      if (!_lab_legacy_emit_session (r->emitter, id, identity, row, error))
        return FALSE;
    }

  return _lab_legacy_step_done (r->db, rc, error);
}

/* Sessions the session table does not have: events that name them, or a
 * workspace folder no session claims. */
static gboolean
emit_made_session (Reader      *r,
                   const char  *id,
                   const char  *title,
                   const char  *why,
                   GError     **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *identity = g_strjoin ("\x1f", KIND, id, why, NULL);
  g_autofree char *dir = g_path_get_dirname (r->db_path);
  SessionInfo *info = session_info_get (r, id);
  gboolean files = g_str_equal (id, FILES_SESSION);
  g_autofree char *created = NULL;

  if (info->first == 0)
    {
      info->first = _lab_legacy_file_time (r->db_path);
      info->last = MAX (info->last, info->first);
    }
  created = lab_timestamp_format (info->first);

  fill_session_row (row, info, title);
  json_object_set_string_member (row, "created_at", created);
  json_object_set_object_member (row, "metadata",
                                 _lab_legacy_made_session_metadata (KIND, files ? NULL : id,
                                                                    files ? NULL : why,
                                                                    files ? dir : NULL));

  return _lab_legacy_emit_session (r->emitter, id, identity, row, error);
}

static gboolean
emit_made_sessions (Reader  *r,
                    GError **error)
{
  for (guint i = 0; i < r->layout.recovered->len; i++)
    {
      const char *id = g_ptr_array_index (r->layout.recovered, i);
      SessionInfo *info = session_info_get (r, id);
      g_autofree char *fallback = id[0] ? default_title (id)
                                        : g_strdup (_("Events without a session"));
      g_autofree char *title = _lab_legacy_make_title (info->first_user_message, fallback);

      _lab_legacy_emit_issue (r->emitter, id[0] ? id : "(none)",
                              _("events name this session, which the session table does not "
                                "have; a session is made for them"));
      if (!emit_made_session (r, id, title, "events", error))
        return FALSE;
    }

  for (guint i = 0; i < r->layout.orphans->len; i++)
    {
      const char *name = g_ptr_array_index (r->layout.orphans, i);
      g_autofree char *title = g_strdup_printf (_("Workspace %s (no session in events.db)"), name);

      _lab_legacy_emit_issue (r->emitter, g_hash_table_lookup (r->layout.folders, name),
                              _("this workspace folder belongs to no session; a session is made "
                                "for its files"));
      if (!emit_made_session (r, name, title, "workspace", error))
        return FALSE;
    }

  if (r->layout.loose->len > 0)
    {
      g_autofree char *dir = g_path_get_dirname (r->db_path);
      g_autofree char *title = g_strdup_printf (_("Files from %s"), dir);

      if (!emit_made_session (r, FILES_SESSION, title, "files", error))
        return FALSE;
    }

  return TRUE;
}

static JsonNode *
make_tool_calls (JsonNode   *content,
                 const char *orig_id)
{
  const char *call_id = content_string (content, "tool_call_id");
  const char *name = content_string (content, "tool_name");

  return _lab_legacy_tool_calls (call_id ? call_id : orig_id, name ? name : "",
                                 content_member (content, "tool_input"));
}

static gboolean
emit_event (Reader        *r,
            sqlite3_stmt  *stmt,
            GHashTable    *cols,
            GError       **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(JsonObject) legacy = json_object_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *orig_id = NULL;
  g_autofree char *session = NULL;
  g_autofree char *event_type = NULL;
  g_autofree char *parse_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *taken = NULL;
  g_autoptr(JsonNode) rest = NULL;
  const EventMapping *mapping;
  JsonNode *content;
  JsonObject *extra;
  const char *ptype;
  int col;

  col = _lab_legacy_col (cols, "id");
  orig_id = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
  if (orig_id == NULL)
    orig_id = g_strdup_printf ("#%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
  col = _lab_legacy_col (cols, "session_id");
  session = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
  if (session == NULL)
    session = g_strdup ("");

  json_object_set_string_member (legacy, "source", KIND);
  json_object_set_string_member (legacy, "id", orig_id);

  payload = parse_payload (stmt, _lab_legacy_col (cols, "event_payload"), &parse_error);
  content = payload_content (payload);
  ptype = payload_type (payload);

  col = _lab_legacy_col (cols, "event_type");
  event_type = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
  if (event_type == NULL && ptype != NULL)
    event_type = g_strdup (ptype);
  if (event_type == NULL)
    event_type = g_strdup ("");
  json_object_set_string_member (legacy, "event_type", event_type);
  if (ptype != NULL && !g_str_equal (ptype, event_type))
    json_object_set_string_member (legacy, "payload_type", ptype);

  mapping = parse_error == NULL ? find_mapping (event_type) : NULL;

  /* Messages keep their time in created_at, agent activity in timestamp. */
  if (!_lab_legacy_set_time (row, mapping ? "created_at" : "timestamp",
                             stmt, _lab_legacy_col (cols, "timestamp"),
                             session_info_get (r, session)->first, legacy, NULL))
    _lab_legacy_emit_issue (r->emitter, orig_id,
                            _("no valid time; its session’s first time is used"));

  extra = _lab_legacy_extra_columns (stmt, event_columns);
  if (extra != NULL)
    json_object_set_object_member (legacy, "extra", extra);

  if (parse_error != NULL)
    {
      /* Kept, raw, where a person can find it: nothing is dropped. */
      col = _lab_legacy_col (cols, "event_payload");
      json_object_set_member (legacy, "payload", _lab_legacy_column_to_json (stmt, col));
      json_object_set_string_member (legacy, "payload_error", parse_error);
      json_object_set_string_member (row, "agent_id", "");
      json_object_set_string_member (row, "activity_type", event_type);
      json_object_set_string_member (row, "message", "");
      json_object_set_string_member (row, "status", "unreadable");
      json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (NULL, legacy));

      _lab_legacy_emit_issue (r->emitter, orig_id,
                              _("the %s event’s payload is not valid JSON (%s); it is kept as raw "
                                "text in the session’s agent activity"), event_type, parse_error);
      return _lab_legacy_emit_row (r->emitter, "agent_activity", session, orig_id, row, error);
    }

  if (mapping == NULL)
    {
      /* Connection, processing, workspace, upload, browser and file events:
       * what the agent did, not what was said. */
      text = content_text (content, NULL, &taken);
      json_object_set_string_member (row, "agent_id", "Agent");
      json_object_set_string_member (row, "activity_type", event_type);
      json_object_set_string_member (row, "message", text ? text : "");
      json_object_set_string_member (row, "status", "");
      rest = content_rest (content, taken);
      if (rest != NULL)
        json_object_set_member (legacy, "content", g_steal_pointer (&rest));
      json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (NULL, legacy));

      return _lab_legacy_emit_row (r->emitter, "agent_activity", session, orig_id, row, error);
    }

  text = content_text (content, mapping->text, &taken);
  json_object_set_string_member (row, "role", mapping->role);
  if (mapping->author != NULL)
    json_object_set_string_member (row, "author", mapping->author);
  else
    {
      const char *tool = content_string (content, "tool_name");

      json_object_set_string_member (row, "author", tool ? tool : "tool");
    }

  if (g_str_equal (mapping->role, "tool_call"))
    {
      const char *tool = content_string (content, "tool_name");
      g_autofree char *line = g_strdup_printf ("%s%s%s", tool ? tool : "", tool && text ? ": " : "",
                                               text ? text : "");

      json_object_set_string_member (row, "content", line);
      json_object_set_member (row, "tool_calls", make_tool_calls (content, orig_id));
    }
  else
    json_object_set_string_member (row, "content", text ? text : "");

  rest = content_rest (content, taken);
  if (rest != NULL)
    json_object_set_member (legacy, "content", g_steal_pointer (&rest));
  json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (NULL, legacy));

  return _lab_legacy_emit_row (r->emitter, "messages", session, orig_id, row, error);
}

static gboolean
emit_events (Reader  *r,
             GError **error)
{
  g_auto(LabLegacyCursor) cursor = { 0 };
  g_autoptr(GHashTable) cols = NULL;
  gboolean has_time;
  const char *order;
  int rc;

  if (r->event_cols == NULL)
    return TRUE;

  has_time = _lab_legacy_has_column (r->event_cols, "timestamp");
  if (_lab_legacy_has_column (r->event_cols, "session_id"))
    order = has_time ? "session_id, \"timestamp\", " : "session_id, ";
  else
    order = has_time ? "\"timestamp\", " : "";
  if (!_lab_legacy_cursor_open (&cursor, r->db, "event", order, r->db_path, error))
    return FALSE;
  cols = _lab_legacy_stmt_columns (cursor.stmt);

  while ((rc = _lab_legacy_cursor_step (&cursor)) == SQLITE_ROW)
    {
      if (!emit_event (r, cursor.stmt, cols, error))
        return FALSE;

      r->done++;
      if (r->done % 512 == 0 &&
          !_lab_legacy_emitter_check (r->emitter, r->total > 0 ? (double) r->done / r->total : 0,
                                      error))
        return FALSE;
    }

  return _lab_legacy_step_done (r->db, rc, error);
}

static gboolean
emit_files (Reader  *r,
            GError **error)
{
  GPtrArray *order[] = { r->layout.session_ids, r->layout.recovered, r->layout.orphans };

  for (guint o = 0; o < G_N_ELEMENTS (order); o++)
    {
      for (guint i = 0; i < order[o]->len; i++)
        {
          const char *id = g_ptr_array_index (order[o], i);
          const char *folder = g_hash_table_lookup (r->layout.folders, id);

          if (folder != NULL && !_lab_legacy_walk_files (r->emitter, id, folder, NULL, error))
            return FALSE;
        }
    }

  for (guint i = 0; i < r->layout.loose->len; i++)
    {
      const char *path = g_ptr_array_index (r->layout.loose, i);
      g_autofree char *name = g_path_get_basename (path);
      struct stat st;

      if (lstat (path, &st) == 0 && S_ISREG (st.st_mode))
        {
          if (!_lab_legacy_emit_file (r->emitter, FILES_SESSION, path, name, error))
            return FALSE;
        }
      else
        _lab_legacy_emit_issue (r->emitter, path, _("not a regular file; not copied"));
    }

  return TRUE;
}

gboolean
_lab_legacy_events_read (LabLegacySource   *source,
                         sqlite3           *db,
                         LabLegacyEmitter  *emitter,
                         GError           **error)
{
  Reader r = { 0 };
  gboolean ok = FALSE;

  r.source = source;
  r.emitter = emitter;
  r.db = db;
  r.db_path = lab_legacy_source_get_database_path (source);
  r.infos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_info_free);

  if (!read_columns (source, db, &r.session_cols, &r.event_cols, error) ||
      !query_layout (source, db, r.session_cols, r.event_cols, &r.layout, error))
    goto out;

  if (r.event_cols != NULL)
    {
      r.total = _lab_legacy_count_rows (db, "event", r.db_path, error);
      if (r.total < 0)
        goto out;
    }

  if (!gather_session_infos (&r, error) ||
      !emit_sessions (&r, error) ||
      !emit_made_sessions (&r, error) ||
      !emit_events (&r, error) ||
      !emit_files (&r, error))
    goto out;

  ok = TRUE;

out:
  g_clear_pointer (&r.session_cols, g_ptr_array_unref);
  g_clear_pointer (&r.event_cols, g_ptr_array_unref);
  g_hash_table_unref (r.infos);
  layout_clear (&r.layout);
  return ok;
}

gboolean
_lab_legacy_events_count (LabLegacySource    *source,
                          sqlite3            *db,
                          LabLegacyCountFunc  func,
                          gpointer            user_data,
                          GError            **error)
{
  const char *db_path = lab_legacy_source_get_database_path (source);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) columns = _lab_legacy_table_columns (db, "event", &local_error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (columns == NULL)
    return TRUE;

  rc = sqlite3_prepare_v2 (db, _lab_legacy_has_column (columns, "session_id")
                               ? "SELECT session_id, count (*) FROM event GROUP BY session_id"
                               : "SELECT NULL, count (*) FROM event", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _lab_legacy_sqlite_error (error, db, rc, db_path);

  /* Every event is either a message or agent activity. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *session = _lab_legacy_column_to_text (stmt, 0);

      func (session ? session : "", "messages+agent_activity", sqlite3_column_int64 (stmt, 1),
            user_data);
    }
  if (rc != SQLITE_DONE)
    return _lab_legacy_sqlite_error (error, db, rc, db_path);

  return TRUE;
}
