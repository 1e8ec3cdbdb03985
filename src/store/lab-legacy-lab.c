/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-lab"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-private.h"
#include "lab-timestamp.h"

/*
 * The `~/.ai_research_lab` layout of seed 000: data/research_sessions.db with
 * the tables sessions, chat_logs, metrics, agent_activity and meetings, output
 * files, config, archives, logs and backups. docs/legacy-migration.md lists
 * where each field goes.
 */

#define KIND "ai-research-lab"

/* The session that receives the files that belong to no session. */
#define FILES_SESSION "\x1f" "files"

static const char * const session_columns[] = {
  "id", "created_at", "updated_at", "status", "research_question", "config", "results", "logs",
  "metadata", NULL
};
static const char * const chat_columns[] = {
  "id", "session_id", "timestamp", "log_type", "author", "message", "metadata", NULL
};
static const char * const metric_columns[] = {
  "id", "session_id", "timestamp", "cpu_usage", "memory_usage", "active_agents", NULL
};
static const char * const activity_columns[] = {
  "id", "session_id", "agent_id", "timestamp", "activity_type", "message", "status", "metadata",
  NULL
};
static const char * const meeting_columns[] = {
  "id", "session_id", "meeting_id", "timestamp", "participants", "topic", "agenda", "transcript",
  "outcomes", "metadata", NULL
};

typedef struct
{
  const char *name;             /* the legacy table */
  const char * const *columns;  /* the columns the mapping knows */
  const char *time_column;
  const char *target;           /* the LabData table */
} LegacyTable;

static const LegacyTable tables[] = {
  { "sessions", session_columns, "created_at", "sessions" },
  { "chat_logs", chat_columns, "timestamp", "messages" },
  { "metrics", metric_columns, "timestamp", "metrics" },
  { "agent_activity", activity_columns, "timestamp", "agent_activity" },
  { "meetings", meeting_columns, "timestamp", "meetings" },
};

/* What the sessions need from their children before they are written. */
typedef struct
{
  gint64 created;
  gint64 last;
  GPtrArray *participants;
} SessionInfo;

static void
session_info_free (gpointer data)
{
  SessionInfo *info = data;

  g_ptr_array_unref (info->participants);
  g_free (info);
}

static SessionInfo *
session_info_get (GHashTable *infos,
                  const char *id)
{
  SessionInfo *info = g_hash_table_lookup (infos, id);

  if (info == NULL)
    {
      info = g_new0 (SessionInfo, 1);
      info->participants = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (infos, g_strdup (id), info);
    }

  return info;
}

static void
session_info_add_participant (SessionInfo *info,
                              const char  *name)
{
  if (name == NULL || name[0] == '\0' || g_ascii_strcasecmp (name, "system") == 0)
    return;

  for (guint i = 0; i < info->participants->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (info->participants, i), name))
        return;
    }

  g_ptr_array_add (info->participants, g_strdup (name));
}

static void
session_info_add_time (SessionInfo *info,
                       gint64       usec)
{
  if (info->last == 0 || usec > info->last)
    info->last = usec;
}

/*
 * The files of the layout other than the database: where each folder or file
 * goes. Output folders named after a session go to that session's workspace;
 * everything else goes to one "files" session, under its own path. Backups
 * are older copies of the database and stay where they are.
 */
typedef struct
{
  char *path;
  char *session;  /* legacy session id, or FILES_SESSION */
  char *prefix;   /* where in the session's workspace */
} FileGroup;

static void
file_group_free (gpointer data)
{
  FileGroup *group = data;

  g_free (group->path);
  g_free (group->session);
  g_free (group->prefix);
  g_free (group);
}

static void
add_group (GPtrArray  *groups,
           const char *path,
           const char *session,
           const char *prefix)
{
  FileGroup *group = g_new0 (FileGroup, 1);

  group->path = g_strdup (path);
  group->session = g_strdup (session);
  group->prefix = g_strdup (prefix);
  g_ptr_array_add (groups, group);
}

static gboolean
is_layout_root (LabLegacySource *source)
{
  g_autofree char *expected = g_build_filename (lab_legacy_source_get_path (source), "data",
                                                "research_sessions.db", NULL);

  return g_str_equal (expected, lab_legacy_source_get_database_path (source));
}

/* @sessions: (nullable): legacy session ids, to recognise output folders */
/* The sorted names in @folder; none if it cannot be read. */
static GPtrArray *
list_names (const char *folder)
{
  GPtrArray *names = lab_dir_list_sorted (folder, NULL);

  return names ? names : g_ptr_array_new_with_free_func (g_free);
}

static GPtrArray *
collect_file_groups (LabLegacySource *source,
                     GHashTable      *sessions)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func (file_group_free);
  const char *root = lab_legacy_source_get_path (source);
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *output = g_build_filename (data, "output", NULL);
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GPtrArray) data_names = NULL;
  g_autoptr(GPtrArray) output_names = NULL;

  if (!is_layout_root (source))
    return groups;

  output_names = list_names (output);
  for (guint i = 0; i < output_names->len; i++)
    {
      const char *name = g_ptr_array_index (output_names, i);
      g_autofree char *path = g_build_filename (output, name, NULL);

      if (sessions != NULL && g_hash_table_contains (sessions, name) &&
          g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        add_group (groups, path, name, "output");
      else
        {
          g_autofree char *prefix = g_build_filename ("output", name, NULL);

          add_group (groups, path, FILES_SESSION, prefix);
        }
    }

  data_names = list_names (data);
  for (guint i = 0; i < data_names->len; i++)
    {
      const char *name = g_ptr_array_index (data_names, i);
      g_autofree char *path = g_build_filename (data, name, NULL);
      g_autofree char *prefix = g_build_filename ("data", name, NULL);

      if (g_str_equal (name, "output") || g_str_has_prefix (name, "research_sessions.db"))
        continue;
      add_group (groups, path, FILES_SESSION, prefix);
    }

  top = list_names (root);
  for (guint i = 0; i < top->len; i++)
    {
      const char *name = g_ptr_array_index (top, i);
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_str_equal (name, "data") || g_str_equal (name, "backups"))
        continue;
      add_group (groups, path, FILES_SESSION, name);
    }

  return groups;
}

gboolean
_lab_legacy_lab_inspect (LabLegacySource  *source,
                         sqlite3          *db,
                         GError          **error)
{
  const char *db_path = lab_legacy_source_get_database_path (source);
  g_autoptr(GPtrArray) groups = NULL;
  guint64 n_files = 0;
  guint64 files_size = 0;
  struct stat st;

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) columns = _lab_legacy_table_columns (db, tables[t].name, &local_error);
      gint64 n;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (columns == NULL)
        {
          _lab_legacy_note_missing_table (source, tables[t].name);
          continue;
        }

      if (t == 0 && !_lab_legacy_has_column (columns, "id"))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("The sessions table of “%s” has no id column; it is not an AI Research "
                         "Lab database LabData can read."), db_path);
          return FALSE;
        }

      _lab_legacy_note_columns (source, tables[t].name, columns, tables[t].columns);

      n = _lab_legacy_count_rows (db, tables[t].name, db_path, error);
      if (n < 0)
        return FALSE;
      _lab_legacy_source_add_count (source, tables[t].name, n, 0);

      if (_lab_legacy_has_column (columns, tables[t].time_column))
        _lab_legacy_extend_time_span (source, db, tables[t].name, tables[t].time_column);
      if (t == 0 && _lab_legacy_has_column (columns, "updated_at"))
        _lab_legacy_extend_time_span (source, db, "sessions", "updated_at");
    }

  if (stat (db_path, &st) == 0)
    _lab_legacy_source_add_size (source, st.st_size);

  groups = collect_file_groups (source, NULL);
  for (guint i = 0; i < groups->len; i++)
    files_size += lab_path_disk_usage (((FileGroup *) groups->pdata[i])->path, &n_files);
  if (is_layout_root (source))
    {
      g_autofree char *backups = g_build_filename (lab_legacy_source_get_path (source), "backups",
                                                   NULL);
      guint64 n_backups = 0;
      guint64 backups_size = lab_path_disk_usage (backups, &n_backups);

      _lab_legacy_source_add_count (source, "files", n_files, files_size);
      _lab_legacy_source_add_size (source, files_size);
      if (n_backups > 0)
        {
          _lab_legacy_source_add_count (source, "backups", n_backups, backups_size);
          _lab_legacy_source_add_note (source, _("Its backups folder is not copied: the backups "
                                                 "are older copies of the database being "
                                                 "migrated. To bring in sessions that only a "
                                                 "backup still has, migrate from that backup "
                                                 "file."));
        }
    }

  return TRUE;
}

/*
 * Reading
 */

typedef struct
{
  LabLegacySource *source;
  LabLegacyEmitter *emitter;
  sqlite3 *db;
  const char *db_path;
  GHashTable *columns;   /* legacy table → GPtrArray of its columns, or absent */
  GHashTable *infos;     /* legacy session id → SessionInfo */
  GHashTable *sessions;  /* legacy session ids written so far (a set) */
  gint64 total;          /* child rows, for progress */
  gint64 done;
} Reader;

static GPtrArray *
reader_columns (Reader     *r,
                const char *table)
{
  return g_hash_table_lookup (r->columns, table);
}

/* A cursor over the table's rows, by session and time when it has them. */
static gboolean
open_rows (Reader           *r,
           const char       *table,
           gboolean          by_session,
           LabLegacyCursor  *cursor,
           GError          **error)
{
  GPtrArray *columns = reader_columns (r, table);
  g_autoptr(GString) order = g_string_new (NULL);

  if (by_session && _lab_legacy_has_column (columns, "session_id"))
    g_string_append (order, "\"session_id\", ");
  if (_lab_legacy_has_column (columns, "timestamp"))
    g_string_append (order, "\"timestamp\", ");

  return _lab_legacy_cursor_open (cursor, r->db, table, order->str, r->db_path, error);
}

/* The legacy session a child row belongs to; rows with none go to one
 * recovered session (metrics may have none in LabData too). */
static char *
child_session (sqlite3_stmt *stmt,
               int           col,
               gboolean      nullable)
{
  char *id = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;

  if (id == NULL && !nullable)
    return g_strdup ("");

  return id;
}

static char *
row_orig_id (sqlite3_stmt *stmt,
             GHashTable   *cols)
{
  char *id = NULL;
  int col = _lab_legacy_col (cols, "id");

  if (col >= 0)
    id = _lab_legacy_column_to_text (stmt, col);
  if (id == NULL)
    id = g_strdup_printf ("#%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));

  return id;
}

static JsonObject *
legacy_object (sqlite3_stmt *stmt,
               GHashTable   *cols)
{
  JsonObject *legacy = json_object_new ();
  int col = _lab_legacy_col (cols, "id");

  json_object_set_string_member (legacy, "source", KIND);
  if (col >= 0)
    json_object_set_member (legacy, "id", _lab_legacy_column_to_json (stmt, col));
  else
    json_object_set_int_member (legacy, "rowid", sqlite3_column_int64 (stmt, 0));

  return legacy;
}

static void
add_extra (JsonObject          *legacy,
           sqlite3_stmt        *stmt,
           const char * const  *known)
{
  JsonObject *extra = _lab_legacy_extra_columns (stmt, known);

  if (extra != NULL)
    json_object_set_object_member (legacy, "extra", extra);
}

static void
set_text (JsonObject   *row,
          const char   *member,
          sqlite3_stmt *stmt,
          int           col,
          const char   *fallback)
{
  g_autofree char *text = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;

  json_object_set_string_member (row, member, text ? text : fallback);
}

/* A JSON column: a value that does not parse is kept as a string, and said. */
static JsonNode *
json_column (Reader       *r,
             sqlite3_stmt *stmt,
             int           col,
             const char   *item)
{
  JsonNode *node;
  gboolean valid;

  if (col < 0)
    return NULL;

  node = _lab_legacy_parse_json_column (stmt, col, &valid);
  if (!valid)
    _lab_legacy_emit_issue (r->emitter, item, _("%s is not valid JSON; it is kept as text"),
                            sqlite3_column_name (stmt, col));

  return node;
}

static const char *
string_member (JsonNode   *node,
               const char *name)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (member);
}

static JsonArray *
string_list_member (JsonNode   *node,
                    const char *name)
{
  JsonNode *member;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return NULL;

  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
    }

  return array;
}

static JsonArray *
strings_to_array (GPtrArray *strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));

  return array;
}

static gboolean
gather_session_infos (Reader  *r,
                      GError **error)
{
  /* Each child table adds its latest time; chat authors and agents are the
   * session's participants, in order of first appearance. */
  for (guint t = 1; t < G_N_ELEMENTS (tables); t++)
    {
      GPtrArray *columns = reader_columns (r, tables[t].name);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = NULL;
      int rc;

      if (columns == NULL || !_lab_legacy_has_column (columns, "session_id") ||
          !_lab_legacy_has_column (columns, "timestamp"))
        continue;

      sql = g_strdup_printf ("SELECT session_id, max (\"timestamp\") FROM \"%s\" "
                             "WHERE session_id IS NOT NULL GROUP BY session_id", tables[t].name);
      if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *id = _lab_legacy_column_to_text (stmt, 0);
          gint64 usec;

          if (_lab_legacy_column_time (stmt, 1, &usec))
            session_info_add_time (session_info_get (r->infos, id), usec);
        }
      if (!_lab_legacy_step_done (r->db, rc, error))
        return FALSE;
    }

  {
    static const struct { const char *table; const char *column; } people[] = {
      { "chat_logs", "author" },
      { "agent_activity", "agent_id" },
    };

    for (guint p = 0; p < G_N_ELEMENTS (people); p++)
      {
        GPtrArray *columns = reader_columns (r, people[p].table);
        g_autoptr(sqlite3_stmt) stmt = NULL;
        g_autofree char *sql = NULL;
        int rc;

        if (columns == NULL || !_lab_legacy_has_column (columns, "session_id") ||
            !_lab_legacy_has_column (columns, people[p].column))
          continue;

        sql = g_strdup_printf ("SELECT session_id, \"%s\" FROM \"%s\" WHERE session_id IS NOT NULL "
                               "GROUP BY session_id, \"%s\" ORDER BY session_id, min (rowid)",
                               people[p].column, people[p].table, people[p].column);
        if (sqlite3_prepare_v2 (r->db, sql, -1, &stmt, NULL) != SQLITE_OK)
          {
            g_clear_pointer (&sql, g_free);
            sql = g_strdup_printf ("SELECT session_id, \"%s\" FROM \"%s\" "
                                   "WHERE session_id IS NOT NULL "
                                   "GROUP BY session_id, \"%s\" ORDER BY session_id",
                                   people[p].column, people[p].table, people[p].column);
            if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
              return FALSE;
          }
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            g_autofree char *id = _lab_legacy_column_to_text (stmt, 0);
            g_autofree char *name = _lab_legacy_column_to_text (stmt, 1);

            session_info_add_participant (session_info_get (r->infos, id), name);
          }
        if (!_lab_legacy_step_done (r->db, rc, error))
          return FALSE;
      }
  }

  return TRUE;
}

static gboolean
emit_sessions (Reader  *r,
               GError **error)
{
  g_auto(LabLegacyCursor) cursor = { 0 };
  sqlite3_stmt *stmt;
  g_autoptr(GHashTable) cols = NULL;
  int rc;

  if (reader_columns (r, "sessions") == NULL)
    return TRUE;
  if (!open_rows (r, "sessions", FALSE, &cursor, error))
    return FALSE;
  stmt = cursor.stmt;
  cols = _lab_legacy_stmt_columns (stmt);

  while ((rc = _lab_legacy_cursor_step (&cursor)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) row = json_object_new ();
      g_autoptr(JsonObject) legacy = legacy_object (stmt, cols);
      g_autoptr(JsonNode) config = NULL;
      g_autoptr(JsonNode) results = NULL;
      g_autoptr(JsonNode) logs = NULL;
      g_autoptr(JsonNode) metadata = NULL;
      g_autofree char *orig_id = row_orig_id (stmt, cols);
      g_autofree char *question = NULL;
      g_autofree char *title = NULL;
      g_autofree char *status = NULL;
      g_autofree char *created_text = NULL;
      g_autofree char *identity = NULL;
      g_autofree char *item = g_strdup_printf ("sessions %s", orig_id);
      SessionInfo *info = session_info_get (r->infos, orig_id);
      JsonArray *list;
      const char *value;
      gint64 created = 0;
      gint64 updated = 0;
      int col;

      /* The table may have no key constraint of its own to rely on. */
      if (_lab_legacy_emitter_has_session (r->emitter, orig_id))
        {
          _lab_legacy_emit_issue (r->emitter, item, _("the sessions table lists this session more "
                                                      "than once; only its first row is migrated"));
          continue;
        }

      config = json_column (r, stmt, _lab_legacy_col (cols, "config"), item);
      results = json_column (r, stmt, _lab_legacy_col (cols, "results"), item);
      logs = json_column (r, stmt, _lab_legacy_col (cols, "logs"), item);
      metadata = json_column (r, stmt, _lab_legacy_col (cols, "metadata"), item);

      /* created_at: the row's, else its update time, else its first child's. */
      col = _lab_legacy_col (cols, "created_at");
      if (col < 0 || !_lab_legacy_column_time (stmt, col, &created))
        {
          int updated_col = _lab_legacy_col (cols, "updated_at");

          if (updated_col < 0 || !_lab_legacy_column_time (stmt, updated_col, &created))
            created = info->last;
          if (created == 0)
            created = _lab_legacy_file_time (r->db_path);
          _lab_legacy_emit_issue (r->emitter, item, _("no valid creation time; the earliest "
                                                      "time known for it is used"));
        }
      _lab_legacy_set_time (row, "created_at", stmt, col, created, legacy, &created);
      if (!_lab_legacy_set_time (row, "updated_at", stmt, _lab_legacy_col (cols, "updated_at"),
                                 created, legacy, &updated))
        updated = created;
      info->created = created;
      session_info_add_time (info, updated);
      session_info_add_time (info, created);
      {
        g_autofree char *last = lab_timestamp_format (info->last);

        json_object_set_string_member (row, "last_activity_at", last);
      }

      /* The title: the session's own (in its metadata or config), else its
       * research question. */
      col = _lab_legacy_col (cols, "research_question");
      question = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
      value = string_member (metadata, "title");
      if (value == NULL)
        value = string_member (config, "title");
      {
        g_autofree char *fallback = g_strdup_printf (_("Research session %s"), orig_id);

        title = value ? g_strdup (value) : _lab_legacy_make_title (question, fallback);
      }
      json_object_set_string_member (row, "title", title);
      json_object_set_string_member (row, "research_question", question ? question : "");

      col = _lab_legacy_col (cols, "status");
      status = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
      json_object_set_string_member (row, "status", status && status[0] ? status : "completed");

      for (guint m = 0; m < 2; m++)
        {
          const char *member = m == 0 ? "model" : "provider";

          value = string_member (config, member);
          if (value == NULL)
            value = string_member (metadata, member);
          json_object_set_string_member (row, member, value ? value : "");
        }

      list = string_list_member (metadata, "participants");
      if (list == NULL)
        list = string_list_member (config, "participants");
      if (list != NULL)
        json_object_set_array_member (row, "participants", json_array_ref (list));
      else
        json_object_set_array_member (row, "participants", strings_to_array (info->participants));

      list = string_list_member (metadata, "keywords");
      if (list == NULL)
        list = string_list_member (config, "keywords");
      json_object_set_array_member (row, "keywords",
                                    list ? json_array_ref (list) : json_array_new ());

      json_object_set_member (row, "config",
                              config ? json_node_copy (config) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (row, "results",
                              results ? json_node_copy (results) : json_node_new (JSON_NODE_NULL));
      if (logs != NULL)
        json_object_set_member (legacy, "logs", json_node_copy (logs));
      add_extra (legacy, stmt, session_columns);
      json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (metadata, legacy));

      /* A session is the same one when its id and its creation time are. */
      col = _lab_legacy_col (cols, "created_at");
      created_text = col >= 0 ? _lab_legacy_column_to_text (stmt, col) : NULL;
      identity = g_strjoin ("\x1f", KIND, orig_id, created_text ? created_text : "", NULL);

      if (!_lab_legacy_emit_session (r->emitter, orig_id, identity, row, error))
        return FALSE;
      g_hash_table_add (r->sessions, g_strdup (orig_id));
    }

  return _lab_legacy_step_done (r->db, rc, error);
}

static gboolean
emit_recovered_session (Reader      *r,
                        const char  *orig_id,
                        const char  *title,
                        const char  *identity,
                        GError     **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  SessionInfo *info = session_info_get (r->infos, orig_id);
  gboolean files = g_str_equal (orig_id, FILES_SESSION);
  JsonObject *metadata;
  g_autofree char *time = NULL;

  if (info->last == 0)
    info->last = _lab_legacy_file_time (r->db_path);
  info->created = info->last;
  time = lab_timestamp_format (info->last);

  json_object_set_string_member (row, "title", title);
  json_object_set_string_member (row, "status", "completed");
  json_object_set_string_member (row, "created_at", time);
  json_object_set_string_member (row, "updated_at", time);
  json_object_set_string_member (row, "last_activity_at", time);
  json_object_set_array_member (row, "participants", strings_to_array (info->participants));

  if (files)
    metadata = _lab_legacy_made_session_metadata (KIND, NULL, NULL,
                                                  lab_legacy_source_get_path (r->source));
  else
    metadata = _lab_legacy_made_session_metadata (KIND, orig_id, "rows", NULL);
  json_object_set_object_member (row, "metadata", metadata);

  if (!_lab_legacy_emit_session (r->emitter, orig_id, identity, row, error))
    return FALSE;

  g_hash_table_add (r->sessions, g_strdup (orig_id));
  return TRUE;
}

/* Child rows whose session is not in the sessions table keep their session:
 * a session is made for them, so that nothing is left out. */
static gboolean
emit_recovered_sessions (Reader  *r,
                         GError **error)
{
  for (guint t = 1; t < G_N_ELEMENTS (tables); t++)
    {
      GPtrArray *columns = reader_columns (r, tables[t].name);
      gboolean nullable = g_str_equal (tables[t].name, "metrics");
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = NULL;
      int rc;

      if (columns == NULL)
        continue;

      if (_lab_legacy_has_column (columns, "session_id"))
        sql = g_strdup_printf ("SELECT DISTINCT session_id FROM \"%s\"", tables[t].name);
      else
        sql = g_strdup_printf ("SELECT DISTINCT NULL FROM \"%s\"", tables[t].name);
      if (!_lab_legacy_prepare (r->db, sql, &stmt, error))
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *id = child_session (stmt, 0, nullable);
          g_autofree char *title = NULL;
          g_autofree char *identity = NULL;

          if (id == NULL || g_hash_table_contains (r->sessions, id))
            continue;

          if (id[0] == '\0')
            title = g_strdup_printf (_("Records without a session (from %s)"),
                                     lab_legacy_source_get_display_name (r->source));
          else
            title = g_strdup_printf (_("Recovered session %s"), id);
          identity = g_strjoin ("\x1f", KIND, id, "recovered", NULL);

          _lab_legacy_emit_issue (r->emitter, id[0] ? id : "(none)",
                                  id[0] ? _("rows refer to this session, which the sessions table "
                                            "does not have; a session is made for them")
                                        : _("rows have no session; they are put in one session"));
          if (!emit_recovered_session (r, id, title, identity, error))
            return FALSE;
        }
      if (!_lab_legacy_step_done (r->db, rc, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
progress_step (Reader  *r,
               GError **error)
{
  r->done++;
  if (r->done % 512 != 0)
    return TRUE;

  return _lab_legacy_emitter_check (r->emitter, r->total > 0 ? (double) r->done / r->total : 0,
                                    error);
}

static const char *
role_for_log_type (const char *log_type,
                   const char *author)
{
  if (log_type == NULL)
    return "assistant";
  if (g_str_equal (log_type, "thought") || g_str_equal (log_type, "thinking"))
    return "thought";
  if (g_str_equal (log_type, "tool_call"))
    return "tool_call";
  if (g_str_equal (log_type, "tool_result"))
    return "tool_result";
  if (g_str_equal (log_type, "system") || g_str_equal (log_type, "error"))
    return "system";
  if (g_str_equal (log_type, "user"))
    return "user";
  if (g_str_equal (log_type, "communication") && author != NULL &&
      (g_ascii_strcasecmp (author, "user") == 0 || g_ascii_strcasecmp (author, "human") == 0 ||
       g_ascii_strcasecmp (author, "you") == 0))
    return "user";

  /* choice, communication and anything newer: something an agent said. */
  return "assistant";
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static JsonNode *
first_member (JsonNode           *node,
              const char * const *names)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (json_node_get_object (node), names[i]);

      if (member != NULL)
        return member;
    }

  return NULL;
}

/* A tool call's structured form, from what its metadata says. */
static JsonNode *
make_tool_calls (JsonNode   *metadata,
                 const char *orig_id,
                 const char *content)
{
  static const char * const name_members[] = { "tool_name", "tool", "name", NULL };
  static const char * const arg_members[] = { "arguments", "args", "tool_input", "input",
                                             "parameters", NULL };
  static const char * const id_members[] = { "tool_call_id", "call_id", NULL };
  JsonNode *name = first_member (metadata, name_members);
  JsonNode *args = first_member (metadata, arg_members);
  JsonNode *id = first_member (metadata, id_members);

  /* Without a name in the metadata, the message is the tool's name. */
  return _lab_legacy_tool_calls (is_string (id) ? json_node_get_string (id) : orig_id,
                                 is_string (name) ? json_node_get_string (name)
                                                  : (content ? content : ""),
                                 args);
}

/* One row of a child table being mapped: what every table has in common is
 * done by emit_children(), the rest by the table's fill function. */
typedef struct
{
  sqlite3_stmt *stmt;
  GHashTable *cols;
  JsonObject *row;
  JsonObject *legacy;
  JsonNode *metadata;   /* the legacy row's own metadata, parsed, or NULL */
  const char *orig_id;
  const char *item;     /* "<table> <id>", for the report */
} ChildRow;

typedef void (*FillFunc) (Reader   *r,
                          ChildRow *c);

static char *
text_column (ChildRow   *c,
             const char *name)
{
  int col = _lab_legacy_col (c->cols, name);

  return col >= 0 ? _lab_legacy_column_to_text (c->stmt, col) : NULL;
}

static void
fill_message (Reader   *r,
              ChildRow *c)
{
  g_autofree char *log_type = text_column (c, "log_type");
  g_autofree char *author = text_column (c, "author");
  g_autofree char *message = text_column (c, "message");
  const char *role = role_for_log_type (log_type, author);

  json_object_set_string_member (c->row, "role", role);
  json_object_set_string_member (c->row, "author", author ? author : "");
  json_object_set_string_member (c->row, "content", message ? message : "");
  if (g_str_equal (role, "tool_call"))
    json_object_set_member (c->row, "tool_calls",
                            make_tool_calls (c->metadata, c->orig_id, message));
  if (log_type != NULL)
    json_object_set_string_member (c->legacy, "log_type", log_type);
}

static void
fill_activity (Reader   *r,
               ChildRow *c)
{
  set_text (c->row, "agent_id", c->stmt, _lab_legacy_col (c->cols, "agent_id"), "");
  set_text (c->row, "activity_type", c->stmt, _lab_legacy_col (c->cols, "activity_type"), "");
  set_text (c->row, "message", c->stmt, _lab_legacy_col (c->cols, "message"), "");
  set_text (c->row, "status", c->stmt, _lab_legacy_col (c->cols, "status"), "");
}

static void
set_number (JsonObject   *row,
            const char   *member,
            sqlite3_stmt *stmt,
            int           col,
            gboolean      integer,
            JsonObject   *legacy)
{
  int type = col >= 0 ? sqlite3_column_type (stmt, col) : SQLITE_NULL;

  if (type == SQLITE_INTEGER && integer)
    json_object_set_int_member (row, member, sqlite3_column_int64 (stmt, col));
  else if ((type == SQLITE_INTEGER || type == SQLITE_FLOAT) && !integer)
    json_object_set_double_member (row, member, sqlite3_column_double (stmt, col));
  else
    {
      /* NULL, text or a fraction where LabData keeps a whole number: the column
       * stays empty and the legacy value is kept as it was. */
      json_object_set_null_member (row, member);
      if (type != SQLITE_NULL)
        json_object_set_member (legacy, sqlite3_column_name (stmt, col),
                                _lab_legacy_column_to_json (stmt, col));
    }
}

static void
fill_metric (Reader   *r,
             ChildRow *c)
{
  set_number (c->row, "cpu_usage", c->stmt, _lab_legacy_col (c->cols, "cpu_usage"), FALSE,
              c->legacy);
  set_number (c->row, "memory_usage", c->stmt, _lab_legacy_col (c->cols, "memory_usage"), FALSE,
              c->legacy);
  set_number (c->row, "active_agents", c->stmt, _lab_legacy_col (c->cols, "active_agents"), TRUE,
              c->legacy);
}

/* Meeting participants are a list of names in LabData; a list of people
 * objects gives their names, and anything else stays in legacy metadata. */
static JsonArray *
participant_names (JsonNode   *node,
                   JsonObject *legacy)
{
  JsonArray *names = json_array_new ();
  gboolean exact = TRUE;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *name = NULL;

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            name = json_node_get_string (element);
          else
            {
              exact = FALSE;
              name = string_member (element, "name");
              if (name == NULL)
                name = string_member (element, "id");
            }
          if (name != NULL)
            json_array_add_string_element (names, name);
        }
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    exact = FALSE;

  if (!exact)
    json_object_set_member (legacy, "participants", json_node_copy (node));

  return names;
}

static void
fill_meeting (Reader   *r,
              ChildRow *c)
{
  int participants_col = _lab_legacy_col (c->cols, "participants");
  g_autoptr(JsonNode) participants = json_column (r, c->stmt, participants_col, c->item);
  g_autoptr(JsonNode) agenda = json_column (r, c->stmt, _lab_legacy_col (c->cols, "agenda"),
                                            c->item);
  g_autoptr(JsonNode) outcomes = json_column (r, c->stmt, _lab_legacy_col (c->cols, "outcomes"),
                                              c->item);
  int col;

  set_text (c->row, "topic", c->stmt, _lab_legacy_col (c->cols, "topic"), "");
  set_text (c->row, "transcript", c->stmt, _lab_legacy_col (c->cols, "transcript"), "");
  json_object_set_array_member (c->row, "participants",
                                participant_names (participants, c->legacy));
  json_object_set_member (c->row, "agenda",
                          agenda ? json_node_ref (agenda) : json_node_new (JSON_NODE_NULL));
  json_object_set_member (c->row, "outcomes",
                          outcomes ? json_node_ref (outcomes) : json_node_new (JSON_NODE_NULL));
  col = _lab_legacy_col (c->cols, "meeting_id");
  if (col >= 0)
    json_object_set_member (c->legacy, "meeting_id", _lab_legacy_column_to_json (c->stmt, col));
}

typedef struct
{
  const char *table;           /* legacy */
  const char *target;          /* LabData */
  const char *time_member;     /* the LabData column the legacy timestamp fills */
  gboolean nullable_session;   /* LabData keeps rows without a session */
  const char * const *known;
  FillFunc fill;
} ChildTable;

static const ChildTable child_tables[] = {
  { "chat_logs", "messages", "created_at", FALSE, chat_columns, fill_message },
  { "agent_activity", "agent_activity", "timestamp", FALSE, activity_columns, fill_activity },
  { "metrics", "metrics", "timestamp", TRUE, metric_columns, fill_metric },
  { "meetings", "meetings", "timestamp", FALSE, meeting_columns, fill_meeting },
};

/* The rows of a child table, by session and time: the id, the session, the
 * time and the metadata as every table has them, the rest by its fill
 * function, what the mapping does not know in legacy.extra. */
static gboolean
emit_children (Reader            *r,
               const ChildTable  *table,
               GError           **error)
{
  g_auto(LabLegacyCursor) cursor = { 0 };
  g_autoptr(GHashTable) cols = NULL;
  int rc;

  if (reader_columns (r, table->table) == NULL)
    return TRUE;
  if (!open_rows (r, table->table, TRUE, &cursor, error))
    return FALSE;
  cols = _lab_legacy_stmt_columns (cursor.stmt);

  while ((rc = _lab_legacy_cursor_step (&cursor)) == SQLITE_ROW)
    {
      sqlite3_stmt *stmt = cursor.stmt;
      g_autoptr(JsonObject) row = json_object_new ();
      g_autoptr(JsonObject) legacy = legacy_object (stmt, cols);
      g_autoptr(JsonNode) metadata = NULL;
      g_autofree char *orig_id = row_orig_id (stmt, cols);
      g_autofree char *session = child_session (stmt, _lab_legacy_col (cols, "session_id"),
                                                table->nullable_session);
      g_autofree char *item = g_strdup_printf ("%s %s", table->table, orig_id);
      ChildRow c = { stmt, cols, row, legacy, NULL, orig_id, item };
      gint64 fallback = session ? session_info_get (r->infos, session)->created : 0;

      metadata = json_column (r, stmt, _lab_legacy_col (cols, "metadata"), item);
      c.metadata = metadata;
      if (!_lab_legacy_set_time (row, table->time_member, stmt, _lab_legacy_col (cols, "timestamp"),
                                 fallback, legacy, NULL))
        _lab_legacy_emit_issue (r->emitter, item, _("no valid time; its session’s start is used"));

      table->fill (r, &c);

      add_extra (legacy, stmt, table->known);
      json_object_set_object_member (row, "metadata", _lab_legacy_make_metadata (metadata, legacy));

      if (!_lab_legacy_emit_row (r->emitter, table->target, session, orig_id, row, error) ||
          !progress_step (r, error))
        return FALSE;
    }

  return _lab_legacy_step_done (r->db, rc, error);
}

static gboolean
emit_files (Reader  *r,
            GError **error)
{
  g_autoptr(GPtrArray) groups = collect_file_groups (r->source, r->sessions);
  gboolean files_session = FALSE;

  for (guint i = 0; i < groups->len; i++)
    {
      FileGroup *group = g_ptr_array_index (groups, i);
      struct stat st;

      if (lstat (group->path, &st) != 0)
        continue;

      if (g_str_equal (group->session, FILES_SESSION) && !files_session)
        {
          g_autofree char *title = g_strdup_printf (_("Files from %s"),
                                                    lab_legacy_source_get_display_name (r->source));
          g_autofree char *identity = g_strjoin ("\x1f", KIND, "files",
                                                 lab_legacy_source_get_path (r->source), NULL);

          if (!emit_recovered_session (r, FILES_SESSION, title, identity, error))
            return FALSE;
          files_session = TRUE;
        }

      if (S_ISDIR (st.st_mode))
        {
          if (!_lab_legacy_walk_files (r->emitter, group->session, group->path, group->prefix,
                                       error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          if (!_lab_legacy_emit_file (r->emitter, group->session, group->path, group->prefix,
                                      error))
            return FALSE;
        }
      else
        _lab_legacy_emit_issue (r->emitter, group->path,
                                _("not a regular file or folder; not copied"));
    }

  return TRUE;
}

static gboolean
emit_all_children (Reader  *r,
                   GError **error)
{
  for (guint t = 0; t < G_N_ELEMENTS (child_tables); t++)
    {
      if (!emit_children (r, &child_tables[t], error))
        return FALSE;
    }

  return TRUE;
}

gboolean
_lab_legacy_lab_read (LabLegacySource   *source,
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
  r.columns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) g_ptr_array_unref);
  r.infos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_info_free);
  r.sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      GPtrArray *columns = _lab_legacy_table_columns (db, tables[t].name, error);

      if (columns == NULL && error != NULL && *error != NULL)
        goto out;
      if (columns != NULL)
        {
          g_hash_table_insert (r.columns, (gpointer) tables[t].name, columns);
          if (t > 0)
            {
              gint64 n = _lab_legacy_count_rows (db, tables[t].name, r.db_path, error);

              if (n < 0)
                goto out;
              r.total += n;
            }
        }
    }

  if (!gather_session_infos (&r, error) ||
      !emit_sessions (&r, error) ||
      !emit_recovered_sessions (&r, error) ||
      !emit_all_children (&r, error) ||
      !emit_files (&r, error))
    goto out;

  ok = TRUE;

out:
  g_hash_table_unref (r.columns);
  g_hash_table_unref (r.infos);
  g_hash_table_unref (r.sessions);
  return ok;
}

/*
 * Verification: how many rows of each table the source has per session,
 * counted by SQL, independently of the reading above.
 */
gboolean
_lab_legacy_lab_count (LabLegacySource    *source,
                       sqlite3            *db,
                       LabLegacyCountFunc  func,
                       gpointer            user_data,
                       GError            **error)
{
  const char *db_path = lab_legacy_source_get_database_path (source);

  for (guint t = 1; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GPtrArray) columns = _lab_legacy_table_columns (db, tables[t].name, &local_error);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      g_autofree char *sql = NULL;
      gboolean nullable = g_str_equal (tables[t].name, "metrics");
      int rc;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (columns == NULL)
        continue;

      if (_lab_legacy_has_column (columns, "session_id"))
        sql = g_strdup_printf ("SELECT session_id, count (*) FROM \"%s\" GROUP BY session_id",
                               tables[t].name);
      else
        sql = g_strdup_printf ("SELECT NULL, count (*) FROM \"%s\"", tables[t].name);

      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        return _lab_legacy_sqlite_error (error, db, rc, db_path);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *session = child_session (stmt, 0, nullable);

          func (session, tables[t].target, sqlite3_column_int64 (stmt, 1), user_data);
        }
      if (rc != SQLITE_DONE)
        return _lab_legacy_sqlite_error (error, db, rc, db_path);
    }

  return TRUE;
}
