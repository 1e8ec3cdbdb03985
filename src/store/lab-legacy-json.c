/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-json"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-legacy-json.h"
#include "lab-timestamp.h"

/*
 * The JSON export of the browser persistence system (seed 004):
 *
 *   {version, exportedAt, sessions: [...], chatLogs: [...], brains: [...]}
 *
 * mapped onto LabData's tables. Sessions keep their ids; a chat log's messages
 * become the session's messages in order; brains become rows of the brains
 * table. Nothing is dropped: whatever has no column is kept in the row's
 * metadata (sessions, messages) or data (brains) under "legacy". Ids that the
 * file does not give are derived from their position, so that importing the
 * same file twice finds the same rows.
 */

#define HEAD_SIZE 65536

/* JavaScript times are milliseconds; a number this small is seconds. */
#define SECONDS_LIMIT 100000000000.0

/**
 * lab_legacy_json_detect:
 * @path: a file
 *
 * A quick look at the start of @path, to offer the right importer.
 *
 * Returns: whether @path looks like a legacy JSON export
 */
gboolean
lab_legacy_json_detect (const char *path)
{
  char head[HEAD_SIZE + 1];
  const char *p = head;
  gssize n;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  n = read (fd, head, HEAD_SIZE);
  close (fd);
  if (n <= 0)
    return FALSE;
  head[n] = '\0';

  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;

  return *p == '{' && (strstr (p, "\"exportedAt\"") != NULL || strstr (p, "\"chatLogs\"") != NULL ||
                       strstr (p, "\"sessions\"") != NULL || strstr (p, "\"brains\"") != NULL);
}

static gboolean
legacy_error (GError     **error,
              const char  *where,
              const char  *problem)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, "%s: %s", where, problem);
  return FALSE;
}

/* A string or an integer, as ids are in JavaScript. */
static char *
node_to_id (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return json_node_get_string (node)[0] ? g_strdup (json_node_get_string (node)) : NULL;
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

static gboolean
node_to_usec (JsonNode *node,
              gint64   *usec)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);

        if (!isfinite (value) || fabs (value) > 1e16)
          return FALSE;
        if (fabs (value) < SECONDS_LIMIT)
          value *= 1000.0;
        *usec = (gint64) (value * 1000.0);
        return TRUE;
      }
    case G_TYPE_STRING:
      return lab_timestamp_parse (json_node_get_string (node), usec);
    default:
      return FALSE;
    }
}

/* The first of @names that @object holds as a time. */
static gboolean
find_time (JsonObject         *object,
           const char * const *names,
           gint64             *usec)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (node_to_usec (json_object_get_member (object, names[i]), usec))
        return TRUE;
    }

  return FALSE;
}

static void
set_time (JsonObject *row,
          const char *column,
          gint64      usec)
{
  g_autofree char *text = lab_timestamp_format (usec);

  json_object_set_string_member (row, column, text);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* A copy of @object without the members in @mapped, or NULL if nothing is
 * left. */
static JsonObject *
unmapped_members (JsonObject         *object,
                  const char * const *mapped)
{
  JsonObject *rest = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (!g_strv_contains (mapped, name))
        json_object_set_member (rest, name, json_node_copy (node));
    }

  if (json_object_get_size (rest) == 0)
    {
      json_object_unref (rest);
      return NULL;
    }

  return rest;
}

/* Stores what has no column under "legacy" in @column. */
static void
keep_legacy (JsonObject *row,
             const char *column,
             JsonObject *legacy)
{
  JsonObject *holder;

  if (legacy == NULL)
    return;

  holder = json_object_new ();
  json_object_set_object_member (holder, "legacy", legacy);
  json_object_set_object_member (row, column, holder);
}

/* A list of names: the strings of @node, which must be an array of strings
 * and numbers. */
static JsonArray *
names_array (JsonNode *node,
             gboolean *exact)
{
  JsonArray *names = json_array_new ();

  *exact = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return names;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *exact = FALSE;
      return names;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      g_autofree char *name = node_to_id (json_array_get_element (json_node_get_array (node), i));

      if (name != NULL)
        json_array_add_string_element (names, name);
      *exact = *exact && name != NULL &&
               json_node_get_value_type (json_array_get_element (json_node_get_array (node), i)) == G_TYPE_STRING;
    }

  return names;
}

typedef struct
{
  LabLegacyRowFunc func;
  gpointer user_data;
  gint64 exported_at;
  gboolean have_exported_at;
  GHashTable *chat_log_sessions;  /* chatLogId → session id */
  GHashTable *session_created;    /* session id → gint64* */
  GHashTable *next_sequence;      /* session id → gint64* */
} Reader;

static gboolean
emit (Reader      *r,
      const char  *table,
      JsonObject  *row,
      const char  *where,
      GError     **error)
{
  return r->func (lab_schema_get_table (table), row, where, r->user_data, error);
}

/* Whether @node is a string as it is, so that its column holds it exactly. */
static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* Whether the stored form of the time in @node (milliseconds) loses nothing. */
static gboolean
time_is_exact (JsonNode *node)
{
  gint64 usec;

  if (!node_to_usec (node, &usec))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return fabs (json_node_get_double (node)) >= SECONDS_LIMIT;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *canonical = lab_timestamp_format (usec);

      return g_str_equal (canonical, json_node_get_string (node));
    }
  return FALSE;
}

/* The members of @object that the row holds exactly; the others are kept in
 * the row's metadata. */
static void
add_exact (GPtrArray   *mapped,
           JsonObject  *object,
           const char  *name,
           gboolean     exact)
{
  if (exact && json_object_has_member (object, name))
    g_ptr_array_add (mapped, (gpointer) name);
}

static gboolean
read_session (Reader      *r,
              JsonNode    *node,
              const char  *where,
              GError     **error)
{
  static const char * const created_names[] = { "createdAt", "timestamp", "lastActivityAt", NULL };
  static const char * const active_names[] = { "lastActivityAt", "updatedAt", "createdAt", "timestamp", NULL };
  static const char * const updated_names[] = { "updatedAt", "lastActivityAt", "createdAt", "timestamp", NULL };
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GPtrArray) mapped = g_ptr_array_new ();
  g_autofree char *id = NULL;
  g_autofree char *chat_log_id = NULL;
  JsonObject *object;
  const char *state;
  gboolean exact;
  gint64 created, active, updated;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return legacy_error (error, where, _("a session must be a JSON object"));
  object = json_node_get_object (node);

  id = node_to_id (json_object_get_member (object, "id"));
  if (id == NULL)
    return legacy_error (error, where, _("the session has no id"));

  if (!find_time (object, created_names, &created))
    {
      if (!r->have_exported_at)
        return legacy_error (error, where, _("the session has no creation time"));
      created = r->exported_at;
    }
  if (!find_time (object, active_names, &active))
    active = created;
  if (!find_time (object, updated_names, &updated))
    updated = active;

  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "title", get_string (object, "title") ?: "");
  set_time (row, "created_at", created);
  set_time (row, "last_activity_at", active);
  set_time (row, "updated_at", updated);
  json_object_set_boolean_member (row, "imported", TRUE);

  /* state: active | inactive | archived. The original value stays in the
   * metadata, since "inactive" has no exact equivalent. */
  state = get_string (object, "state");
  if (g_strcmp0 (state, "archived") == 0)
    {
      json_object_set_string_member (row, "status", "completed");
      json_object_set_boolean_member (row, "archived", TRUE);
    }
  else if (g_strcmp0 (state, "inactive") == 0)
    json_object_set_string_member (row, "status", "paused");
  else if (state != NULL && state[0] != '\0')
    json_object_set_string_member (row, "status", state);

  add_exact (mapped, object, "id", is_string (json_object_get_member (object, "id")));
  add_exact (mapped, object, "title", is_string (json_object_get_member (object, "title")));
  add_exact (mapped, object, "createdAt", time_is_exact (json_object_get_member (object, "createdAt")));
  add_exact (mapped, object, "lastActivityAt",
             time_is_exact (json_object_get_member (object, "lastActivityAt")));
  add_exact (mapped, object, "updatedAt", time_is_exact (json_object_get_member (object, "updatedAt")));

  json_object_set_array_member (row, "participants",
                                names_array (json_object_get_member (object, "participants"), &exact));
  add_exact (mapped, object, "participants", exact);
  json_object_set_array_member (row, "keywords",
                                names_array (json_object_get_member (object, "keywords"), &exact));
  add_exact (mapped, object, "keywords", exact);

  g_ptr_array_add (mapped, NULL);
  keep_legacy (row, "metadata", unmapped_members (object, (const char * const *) mapped->pdata));

  chat_log_id = node_to_id (json_object_get_member (object, "chatLogId"));
  if (chat_log_id != NULL)
    g_hash_table_insert (r->chat_log_sessions, g_steal_pointer (&chat_log_id), g_strdup (id));
  g_hash_table_insert (r->session_created, g_strdup (id), g_memdup2 (&created, sizeof created));

  return emit (r, "sessions", row, where, error);
}

static gboolean
read_message (Reader      *r,
              JsonNode    *node,
              const char  *session_id,
              const char  *chat_log_id,
              JsonObject  *chat_log_rest,
              gint64       sequence,
              gint64       fallback_time,
              const char  *where,
              GError     **error)
{
  static const char * const time_names[] = { "timestamp", "createdAt", "time", NULL };
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GPtrArray) mapped = g_ptr_array_new ();
  g_autoptr(JsonObject) legacy = NULL;
  g_autofree char *id = NULL;
  g_autofree char *author = NULL;
  JsonObject *object;
  JsonNode *content;
  const char *role;
  gint64 created;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return legacy_error (error, where, _("a message must be a JSON object"));
  object = json_node_get_object (node);

  id = node_to_id (json_object_get_member (object, "id"));
  if (id == NULL)
    id = g_strdup_printf ("%s-%" G_GINT64_FORMAT, chat_log_id ? chat_log_id : session_id, sequence);

  if (!find_time (object, time_names, &created))
    created = fallback_time;

  role = get_string (object, "type");
  author = node_to_id (json_object_get_member (object, "senderId"));

  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "session_id", session_id);
  json_object_set_int_member (row, "sequence", sequence);
  set_time (row, "created_at", created);
  json_object_set_string_member (row, "role", role && role[0] ? role : "message");
  json_object_set_string_member (row, "author", author ? author : "");

  content = json_object_get_member (object, "content");
  if (is_string (content))
    json_object_set_string_member (row, "content", json_node_get_string (content));
  else if (content != NULL && !JSON_NODE_HOLDS_NULL (content))
    {
      g_autofree char *text = json_to_string (content, FALSE);

      json_object_set_string_member (row, "content", text);
    }

  add_exact (mapped, object, "id", is_string (json_object_get_member (object, "id")));
  add_exact (mapped, object, "senderId", is_string (json_object_get_member (object, "senderId")));
  add_exact (mapped, object, "content", is_string (content));
  add_exact (mapped, object, "type", role && role[0]);
  add_exact (mapped, object, "timestamp", time_is_exact (json_object_get_member (object, "timestamp")));
  g_ptr_array_add (mapped, NULL);

  legacy = unmapped_members (object, (const char * const *) mapped->pdata);
  if (chat_log_rest != NULL)
    {
      if (legacy == NULL)
        legacy = json_object_new ();
      json_object_set_object_member (legacy, "chat_log", json_object_ref (chat_log_rest));
    }
  keep_legacy (row, "metadata", g_steal_pointer (&legacy));

  return emit (r, "messages", row, where, error);
}

static gboolean
read_chat_log (Reader      *r,
               JsonNode    *node,
               const char  *where,
               GError     **error)
{
  static const char * const mapped[] = { "sessionId", "messages", NULL };
  g_autofree char *chat_log_id = NULL;
  g_autofree char *session_id = NULL;
  g_autoptr(JsonObject) rest = NULL;
  JsonObject *object;
  JsonNode *messages;
  gint64 *next;
  gint64 *created;
  gint64 fallback_time;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return legacy_error (error, where, _("a chat log must be a JSON object"));
  object = json_node_get_object (node);

  chat_log_id = node_to_id (json_object_get_member (object, "id"));
  session_id = node_to_id (json_object_get_member (object, "sessionId"));
  if (session_id == NULL && chat_log_id != NULL)
    session_id = g_strdup (g_hash_table_lookup (r->chat_log_sessions, chat_log_id));
  if (session_id == NULL)
    return legacy_error (error, where, _("the chat log does not say which session it belongs to"));

  messages = json_object_get_member (object, "messages");
  if (messages == NULL || !JSON_NODE_HOLDS_ARRAY (messages))
    return legacy_error (error, where, _("the chat log has no list of messages"));

  /* The chat log's own fields (its id, anything else) travel with each of its
   * messages, since the log itself has no row. */
  rest = unmapped_members (object, mapped);

  /* Several logs of one session follow each other in the chat log. */
  next = g_hash_table_lookup (r->next_sequence, session_id);
  if (next == NULL)
    {
      next = g_new (gint64, 1);
      *next = 1;
      g_hash_table_insert (r->next_sequence, g_strdup (session_id), next);
    }
  created = g_hash_table_lookup (r->session_created, session_id);
  fallback_time = created ? *created : r->exported_at;
  if (created == NULL && !r->have_exported_at)
    fallback_time = 0;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (messages)); i++)
    {
      g_autofree char *message_where = g_strdup_printf ("%s.messages[%u]", where, i);

      if (!read_message (r, json_array_get_element (json_node_get_array (messages), i), session_id,
                         chat_log_id, rest, (*next)++, fallback_time, message_where, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_brain (Reader      *r,
            JsonNode    *node,
            const char  *where,
            GError     **error)
{
  static const char * const time_names[] = { "updatedAt", "lastUpdated", "timestamp", "createdAt", NULL };
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *id = NULL;
  JsonObject *object;
  const char *name;
  const char *model;
  gint64 updated;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return legacy_error (error, where, _("a brain must be a JSON object"));
  object = json_node_get_object (node);

  id = node_to_id (json_object_get_member (object, "entityId"));
  if (id == NULL)
    id = node_to_id (json_object_get_member (object, "id"));
  if (id == NULL)
    return legacy_error (error, where, _("the brain has no entityId"));

  if (!find_time (object, time_names, &updated))
    {
      if (!r->have_exported_at)
        return legacy_error (error, where, _("the brain has no time"));
      updated = r->exported_at;
    }

  name = get_string (object, "name");
  model = get_string (object, "model");
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "name", name ? name : id);
  json_object_set_string_member (row, "model", model ? model : "");
  set_time (row, "updated_at", updated);
  /* The brain's configuration and memories are the data: all of it. */
  json_object_set_object_member (row, "data", json_object_ref (object));

  return emit (r, "brains", row, where, error);
}

static gboolean
read_array (Reader      *r,
            JsonObject  *root,
            const char  *name,
            gboolean   (*read_item) (Reader *, JsonNode *, const char *, GError **),
            GError     **error)
{
  JsonNode *node = json_object_get_member (root, name);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return legacy_error (error, name, _("must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s[%u]", name, i);

      if (!read_item (r, json_array_get_element (array, i), where, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * lab_legacy_json_read:
 * @path: a legacy JSON export (untrusted)
 * @func: receives each row
 * @version: (out) (optional): the export's version
 * @exported_at: (out) (optional) (transfer full): when it was exported,
 *   canonical form, or %NULL if the file does not say
 *
 * Reads a `{version, exportedAt, sessions, chatLogs, brains}` export and hands
 * its contents to @func as rows of LabData's tables. The whole file is parsed
 * in memory, so it may be at most %LAB_LEGACY_JSON_MAX_SIZE bytes.
 *
 * Returns: %FALSE with @error set for a file that is not such an export, has
 *   a newer version, or holds something that cannot be mapped
 */
gboolean
lab_legacy_json_read (const char        *path,
                      LabLegacyRowFunc   func,
                      gpointer           user_data,
                      int               *version,
                      char             **exported_at,
                      GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) chat_log_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) session_created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) next_sequence = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) local_error = NULL;
  Reader r = { func, user_data, 0, FALSE, chat_log_sessions, session_created, next_sequence };
  JsonObject *root;
  JsonNode *version_node;
  struct stat st;
  gint64 file_version = 1;

  if (stat (path, &st) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }
  if (st.st_size > LAB_LEGACY_JSON_MAX_SIZE)
    {
      g_autofree char *limit = g_format_size (LAB_LEGACY_JSON_MAX_SIZE);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is larger than %s, the largest JSON export LabData reads"), path, limit);
      return FALSE;
    }

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is not valid JSON: %s"), path, local_error->message);
      return FALSE;
    }

  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
         ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  if (root == NULL ||
      !(json_object_has_member (root, "sessions") || json_object_has_member (root, "chatLogs") ||
        json_object_has_member (root, "brains")))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is not a LabData archive or a JSON export with sessions, chat logs "
                     "or brains"), path);
      return FALSE;
    }

  version_node = json_object_get_member (root, "version");
  if (version_node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (version_node) || json_node_get_value_type (version_node) != G_TYPE_INT64 ||
          json_node_get_int (version_node) < 1)
        return legacy_error (error, "version", _("must be a positive whole number"));
      file_version = json_node_get_int (version_node);
      if (file_version > 1)
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, file_version);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                       _("“%s” is an export of version %s; LabData reads version 1 of this format"),
                       path, text);
          return FALSE;
        }
    }

  if (json_object_has_member (root, "exportedAt"))
    {
      if (!node_to_usec (json_object_get_member (root, "exportedAt"), &r.exported_at))
        return legacy_error (error, "exportedAt", _("must be a date and time"));
      r.have_exported_at = TRUE;
    }

  if (!read_array (&r, root, "sessions", read_session, error) ||
      !read_array (&r, root, "chatLogs", read_chat_log, error) ||
      !read_array (&r, root, "brains", read_brain, error))
    return FALSE;

  if (version != NULL)
    *version = file_version;
  if (exported_at != NULL)
    *exported_at = r.have_exported_at ? lab_timestamp_format (r.exported_at) : NULL;

  return TRUE;
}
