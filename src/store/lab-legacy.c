/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-json.h"
#include "lab-legacy-private.h"
#include "lab-timestamp.h"

/**
 * LabLegacySource:
 *
 * One place that holds data of an older layout (DESIGN.md, "Legacy data"),
 * inspected read-only: what kind it is, how much it holds (counts, sizes, the
 * time span of its rows) and, if it cannot be migrated as it is, why not. The
 * migration assistant shows these; lab_migrate() takes them.
 */
struct _LabLegacySource
{
  GObject parent_instance;

  LabLegacyKind kind;
  char *path;            /* the folder or file the user gave or detection found */
  char *db_path;         /* the legacy database or JSON file */
  char *workspace_path;  /* events.db: the workspace/ folder beside it */
  char *display_name;
  GError *problem;
  GArray *counts;        /* of LabLegacyCount, names interned */
  guint64 size;
  gint64 first_time;
  gint64 last_time;
  GPtrArray *notes;
};

G_DEFINE_FINAL_TYPE (LabLegacySource, lab_legacy_source, G_TYPE_OBJECT)

/* A fixed namespace for the name-based (version 5) UUIDs of migrated rows. */
static const guchar uuid_namespace[16] = {
  0x46, 0xfe, 0xef, 0x7d, 0xcc, 0x53, 0x4f, 0x5f,
  0xb4, 0xfd, 0x0f, 0xdf, 0x47, 0xd1, 0x5e, 0x51,
};

static void
lab_legacy_source_finalize (GObject *object)
{
  LabLegacySource *self = (LabLegacySource *) object;

  g_free (self->path);
  g_free (self->db_path);
  g_free (self->workspace_path);
  g_free (self->display_name);
  g_clear_error (&self->problem);
  g_array_unref (self->counts);
  g_ptr_array_unref (self->notes);

  G_OBJECT_CLASS (lab_legacy_source_parent_class)->finalize (object);
}

static void
lab_legacy_source_class_init (LabLegacySourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_legacy_source_finalize;
}

static void
lab_legacy_source_init (LabLegacySource *self)
{
  self->counts = g_array_new (FALSE, TRUE, sizeof (LabLegacyCount));
  self->notes = g_ptr_array_new_with_free_func (g_free);
}

const char *
lab_legacy_kind_to_string (LabLegacyKind kind)
{
  switch (kind)
    {
    case LAB_LEGACY_KIND_AI_RESEARCH_LAB:
      return "ai-research-lab";
    case LAB_LEGACY_KIND_EVENTS_DB:
      return "events-db";
    case LAB_LEGACY_KIND_JSON_EXPORT:
      return "json-export";
    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_legacy_kind_get_label:
 *
 * Returns: (transfer none): a translated, human name of the kind
 */
const char *
lab_legacy_kind_get_label (LabLegacyKind kind)
{
  switch (kind)
    {
    case LAB_LEGACY_KIND_AI_RESEARCH_LAB:
      return _("AI Research Lab data folder");
    case LAB_LEGACY_KIND_EVENTS_DB:
      return _("Agent server database (events.db)");
    case LAB_LEGACY_KIND_JSON_EXPORT:
      return _("JSON export");
    default:
      g_assert_not_reached ();
    }
}

static char *
make_display_name (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  if (len > 1 && g_str_has_prefix (path, home) && path[len] == '/')
    return g_strconcat ("~", path + len, NULL);

  return g_strdup (path);
}

static LabLegacySource *
source_new (LabLegacyKind  kind,
            const char    *path,
            const char    *db_path)
{
  LabLegacySource *self = g_object_new (LAB_TYPE_LEGACY_SOURCE, NULL);

  self->kind = kind;
  self->path = g_strdup (path);
  self->db_path = g_strdup (db_path);
  self->display_name = make_display_name (path);

  if (kind == LAB_LEGACY_KIND_EVENTS_DB)
    {
      g_autofree char *dir = g_path_get_dirname (db_path);

      self->workspace_path = g_build_filename (dir, "workspace", NULL);
    }

  return self;
}

void
_lab_legacy_source_add_count (LabLegacySource *self,
                              const char      *name,
                              gint64           count,
                              guint64          size)
{
  LabLegacyCount entry = { g_intern_string (name), count, size };

  g_array_append_val (self->counts, entry);
}

void
_lab_legacy_source_add_note (LabLegacySource *self,
                             const char      *format,
                             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

void
_lab_legacy_source_add_size (LabLegacySource *self,
                             guint64          bytes)
{
  self->size += bytes;
}

void
_lab_legacy_source_extend_time (LabLegacySource *self,
                                gint64           usec)
{
  if (self->first_time == 0 || usec < self->first_time)
    self->first_time = usec;
  if (self->last_time == 0 || usec > self->last_time)
    self->last_time = usec;
}

const char *
_lab_legacy_source_get_workspace_path (LabLegacySource *self)
{
  return self->workspace_path;
}

/*
 * Reading legacy SQLite files. They belong to another program, which may still
 * be running: they are opened read-only through a URI (mode=ro), so that
 * SQLite never writes to them, never rolls back a journal and never
 * checkpoints a WAL, and every read runs inside one read transaction so that
 * what is counted is what is migrated.
 */

gboolean
_lab_legacy_sqlite_error (GError     **error,
                          sqlite3     *db,
                          int          rc,
                          const char  *path)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_INTERRUPT:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY,
                   _("“%s” is locked by the program that uses it. Close that program (or stop "
                     "the agent server) and try again."), path);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("“%s” is damaged (%s). Nothing was read from it; migrate from one of its "
                     "backups instead."), path, msg);
      break;
    case SQLITE_READONLY:
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                   _("“%s” has an unfinished transaction that only its own program can "
                     "recover. Start that program once, close it, and try again."), path);
      break;
    default:
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SQLITE,
                   _("Cannot read “%s”: %s"), path, msg);
      break;
    }

  return FALSE;
}

static gboolean
file_has_sqlite_header (const char  *path,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  struct stat st;

  /* lab_file_is_sqlite() takes an empty file for a new database; a legacy
   * database that is empty has nothing to migrate. */
  if (stat (path, &st) == 0 && st.st_size == 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT, _("“%s” is empty"), path);
      return FALSE;
    }

  if (!lab_file_is_sqlite (path, &local_error))
    {
      if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE))
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                     _("“%s” is not an SQLite database"), path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static sqlite3 *
open_uri (const char  *path,
          gboolean     immutable,
          int         *rc)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strdup_printf ("file:%s?mode=ro%s", escaped,
                                          immutable ? "&immutable=1" : "");
  sqlite3 *db = NULL;

  *rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                         SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
  if (*rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, LAB_LEGACY_BUSY_TIMEOUT_MS);
      sqlite3_exec (db, "PRAGMA query_only = 1", NULL, NULL, NULL);
      *rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }

  return db;
}

/**
 * _lab_legacy_open_sqlite:
 * @path: a legacy database
 *
 * Opens @path read-only and checks that its schema can be read. A WAL database
 * in a folder this process cannot write to cannot get its shared-memory file;
 * when no WAL file with unmerged changes is beside it, it is then opened as
 * immutable, which needs neither.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
sqlite3 *
_lab_legacy_open_sqlite (const char  *path,
                         GError     **error)
{
  sqlite3 *db;
  int rc;

  if (!file_has_sqlite_header (path, error))
    return NULL;

  db = open_uri (path, FALSE, &rc);
  if (rc != SQLITE_OK && (rc & 0xff) == SQLITE_CANTOPEN)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      struct stat st;

      if (lstat (wal, &st) != 0 || st.st_size == 0)
        {
          sqlite3_close (db);
          db = open_uri (path, TRUE, &rc);
        }
    }

  if (rc != SQLITE_OK)
    {
      _lab_legacy_sqlite_error (error, db, rc, path);
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

static gboolean
check_integrity (sqlite3     *db,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check (1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return _lab_legacy_sqlite_error (error, db, rc, path);

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("“%s” is damaged (%s). Nothing was read from it; migrate from one of its "
                     "backups instead."), path, (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;
    }

  return TRUE;
}

gboolean
_lab_legacy_prepare (sqlite3        *db,
                     const char     *sql,
                     sqlite3_stmt  **stmt,
                     GError        **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, stmt, NULL);

  if (rc != SQLITE_OK)
    return _lab_legacy_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main"));

  return TRUE;
}

/**
 * _lab_legacy_step_done:
 * @rc: what the last sqlite3_step() returned
 *
 * Returns: %TRUE if the statement finished, else %FALSE with @error set
 */
gboolean
_lab_legacy_step_done (sqlite3  *db,
                       int       rc,
                       GError  **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;

  return _lab_legacy_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main"));
}

gboolean
_lab_legacy_has_column (GPtrArray  *columns,
                        const char *name)
{
  for (guint i = 0; columns != NULL && i < columns->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (columns, i), name))
        return TRUE;
    }

  return FALSE;
}

/* Widens the source's time span by the oldest and newest @column of @table. */
void
_lab_legacy_extend_time_span (LabLegacySource *source,
                              sqlite3         *db,
                              const char      *table,
                              const char      *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT min (\"%s\"), max (\"%s\") FROM \"%s\"",
                                          column, column, table);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return;

  for (int i = 0; i < 2; i++)
    {
      gint64 usec;

      if (_lab_legacy_column_time (stmt, i, &usec))
        _lab_legacy_source_extend_time (source, usec);
    }
}

void
_lab_legacy_note_missing_table (LabLegacySource *source,
                                const char      *table)
{
  _lab_legacy_source_add_note (source, _("The table “%s” is missing; there is nothing to "
                                         "migrate from it."), table);
}

/**
 * _lab_legacy_file_time:
 *
 * Returns: when @path was last modified (µs since the epoch), or 0
 */
gint64
_lab_legacy_file_time (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return 0;

  return (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
}

/**
 * _lab_legacy_tool_calls:
 * @arguments: (nullable): the call's arguments; none is an empty object
 *
 * Returns: (transfer full): a tool call in the form LabData's tool_calls
 *   column holds: [{"id", "type": "function", "function": {"name",
 *   "arguments"}}]
 */
JsonNode *
_lab_legacy_tool_calls (const char *id,
                        const char *name,
                        JsonNode   *arguments)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "function");
  json_builder_set_member_name (builder, "function");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "arguments");
  if (arguments != NULL)
    json_builder_add_value (builder, json_node_copy (arguments));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/**
 * _lab_legacy_made_session_metadata:
 * @orig_id: (nullable): the legacy session it stands for
 * @recovered: (nullable): why it was made: "rows", "events", "workspace"
 * @files_of: (nullable): the folder whose loose files it holds
 *
 * The metadata of a session a reader makes for what has no session of its
 * own in the source, saying what it stands for.
 *
 * Returns: (transfer full): the metadata object
 */
JsonObject *
_lab_legacy_made_session_metadata (const char *kind,
                                   const char *orig_id,
                                   const char *recovered,
                                   const char *files_of)
{
  g_autoptr(JsonObject) legacy = json_object_new ();

  json_object_set_string_member (legacy, "source", kind);
  if (orig_id != NULL)
    json_object_set_string_member (legacy, "id", orig_id);
  if (recovered != NULL)
    json_object_set_string_member (legacy, "recovered", recovered);
  if (files_of != NULL)
    json_object_set_string_member (legacy, "files_of", files_of);

  return _lab_legacy_make_metadata (NULL, legacy);
}

/**
 * _lab_legacy_table_columns:
 *
 * Returns: (transfer full) (nullable): the column names of @table, or %NULL
 *   when there is no such table (@error unset) or on failure (@error set)
 */
GPtrArray *
_lab_legacy_table_columns (sqlite3     *db,
                           const char  *table,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  int rc;

  /* The table name comes from our own list, never from the file. */
  rc = sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info (?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return (_lab_legacy_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main")), NULL);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return (_lab_legacy_sqlite_error (error, db, rc, sqlite3_db_filename (db, "main")), NULL);

  if (columns->len == 0)
    return NULL;

  return g_steal_pointer (&columns);
}

gint64
_lab_legacy_count_rows (sqlite3     *db,
                        const char  *table,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (_lab_legacy_sqlite_error (error, db, rc, path), -1);

  return sqlite3_column_int64 (stmt, 0);
}

/**
 * _lab_legacy_column_to_json:
 *
 * Returns: (transfer full): the value as JSON, exactly: numbers stay numbers,
 *   text that is not UTF-8 and blobs become {"base64": "…"}
 */
JsonNode *
_lab_legacy_column_to_json (sqlite3_stmt *stmt,
                            int           col)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_NULL:
      json_node_init_null (node);
      break;
    case SQLITE_INTEGER:
      json_node_set_int (node, sqlite3_column_int64 (stmt, col));
      break;
    case SQLITE_FLOAT:
      {
        double v = sqlite3_column_double (stmt, col);

        if (isfinite (v))
          json_node_set_double (node, v);
        else
          json_node_set_string (node, (const char *) sqlite3_column_text (stmt, col));
      }
      break;
    case SQLITE_TEXT:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, col);
        int len = sqlite3_column_bytes (stmt, col);

        if (g_utf8_validate_len (text, len, NULL) && memchr (text, '\0', len) == NULL)
          {
            json_node_set_string (node, text);
            break;
          }
      }
      G_GNUC_FALLTHROUGH;
    case SQLITE_BLOB:
    default:
      {
        g_autoptr(JsonObject) object = json_object_new ();
        const guchar *data = sqlite3_column_blob (stmt, col);
        int len = sqlite3_column_bytes (stmt, col);
        g_autofree char *b64 = g_base64_encode (data, len);

        json_object_set_string_member (object, "base64", b64);
        json_node_init_object (node, object);
      }
      break;
    }

  return node;
}

/**
 * _lab_legacy_column_to_text:
 *
 * Returns: (transfer full) (nullable): the value as UTF-8 text, %NULL for NULL
 */
char *
_lab_legacy_column_to_text (sqlite3_stmt *stmt,
                            int           col)
{
  const char *text;
  int len;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;

  text = (const char *) sqlite3_column_text (stmt, col);
  len = sqlite3_column_bytes (stmt, col);
  if (text == NULL)
    return g_strdup ("");

  return g_utf8_make_valid (text, len);
}

static gboolean
usec_from_number (double  value,
                  gint64 *usec)
{
  double abs_value = fabs (value);

  if (!isfinite (value))
    return FALSE;

  /* Seconds, milliseconds or microseconds since the epoch: whichever gives a
   * date between 1970 and 5138. */
  if (abs_value < 1e11)
    *usec = (gint64) llround (value * G_USEC_PER_SEC);
  else if (abs_value < 1e14)
    *usec = (gint64) llround (value * 1000);
  else if (abs_value < 1e17)
    *usec = (gint64) llround (value);
  else
    return FALSE;

  return TRUE;
}

/**
 * _lab_legacy_column_time:
 *
 * Reads a legacy time: ISO-8601 text in any of its usual forms (no zone
 * meaning UTC, as SQLite's CURRENT_TIMESTAMP and Python's utcnow() write it),
 * or a number of seconds (or milliseconds) since the epoch.
 */
gboolean
_lab_legacy_column_time (sqlite3_stmt *stmt,
                         int           col,
                         gint64       *usec)
{
  const char *text;
  char *end = NULL;
  double value;

  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
      return usec_from_number (sqlite3_column_double (stmt, col), usec);
    case SQLITE_TEXT:
      text = (const char *) sqlite3_column_text (stmt, col);
      if (lab_timestamp_parse (text, usec))
        return TRUE;
      value = g_ascii_strtod (text, &end);
      if (end != text && end != NULL && *end == '\0')
        return usec_from_number (value, usec);
      return FALSE;
    default:
      return FALSE;
    }
}

/**
 * _lab_legacy_parse_json_column:
 * @valid: (out): whether the value was valid JSON (or NULL)
 *
 * Returns: (transfer full) (nullable): the parsed value; text that does not
 *   parse is kept as a JSON string, so that nothing is lost; %NULL for NULL
 */
JsonNode *
_lab_legacy_parse_json_column (sqlite3_stmt *stmt,
                               int           col,
                               gboolean     *valid)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *text;

  *valid = TRUE;

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  if (sqlite3_column_type (stmt, col) != SQLITE_TEXT)
    return _lab_legacy_column_to_json (stmt, col);

  text = (const char *) sqlite3_column_text (stmt, col);
  parser = json_parser_new_immutable ();
  if (text[0] != '\0' &&
      json_parser_load_from_data (parser, text, sqlite3_column_bytes (stmt, col), NULL) &&
      json_parser_get_root (parser) != NULL)
    /* The parser's tree is immutable: a reference is enough, no copy. */
    return json_node_ref (json_parser_get_root (parser));

  *valid = FALSE;
  return _lab_legacy_column_to_json (stmt, col);
}

/**
 * _lab_legacy_make_title:
 * @text: (nullable): a message or a question
 * @fallback: used when @text has no words
 *
 * Returns: (transfer full): the first line of @text with its white space
 *   collapsed, cut at a word boundary to about 80 characters
 */
char *
_lab_legacy_make_title (const char *text,
                        const char *fallback)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean space = FALSE;
  guint chars = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' && out->len > 0)
        break;
      if (g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (chars >= 80)
        {
          /* Cut at the last word boundary when there is one near (the
           * text so far ends a word if a space follows it). */
          char *cut = space ? NULL : strrchr (out->str, ' ');

          if (cut != NULL && cut - out->str > 40)
            g_string_truncate (out, cut - out->str);
          g_string_append (out, "…");
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          chars++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      chars++;
    }

  if (out->len == 0)
    return g_strdup (fallback);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * _lab_legacy_uuid_for_key:
 *
 * Returns: (transfer full): a name-based (version 5) UUID for @key, so that
 *   the same legacy row always gets the same LabData id
 */
char *
_lab_legacy_uuid_for_key (const char *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;

  g_checksum_update (sha1, uuid_namespace, sizeof uuid_namespace);
  g_checksum_update (sha1, (const guchar *) key, strlen (key));
  g_checksum_get_digest (sha1, digest, &len);

  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

/**
 * _lab_legacy_walk_files:
 * @orig_session_id: the legacy session the files belong to
 * @root: a folder of the source
 * @prefix: (nullable): a folder inside the session's workspace to put them in
 *
 * Hands every regular file below @root to the emitter, in name order, without
 * following symbolic links. Links and special files are not copied (a link
 * could point anywhere); each one is reported.
 */
gboolean
_lab_legacy_walk_files (LabLegacyEmitter  *emitter,
                        const char        *orig_session_id,
                        const char        *root,
                        const char        *prefix,
                        GError           **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;

  names = lab_dir_list_sorted (root, &local_error);
  if (names == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Cannot read the folder “%s”: %s"), root, local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (root, names->pdata[i], NULL);
      g_autofree char *relative = prefix ? g_build_filename (prefix, names->pdata[i], NULL)
                                         : g_strdup (names->pdata[i]);
      struct stat st;

      if (lstat (path, &st) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), path);
          return FALSE;
        }

      if (S_ISDIR (st.st_mode))
        {
          if (!_lab_legacy_walk_files (emitter, orig_session_id, path, relative, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          if (!_lab_legacy_emit_file (emitter, orig_session_id, path, relative, error))
            return FALSE;
        }
      else if (S_ISLNK (st.st_mode))
        _lab_legacy_emit_issue (emitter, path, _("a symbolic link; links are not copied, "
                                                 "copy what it points to by hand if you need it"));
      else
        _lab_legacy_emit_issue (emitter, path, _("not a regular file; not copied"));
    }

  return TRUE;
}

/**
 * _lab_legacy_cursor_open:
 * @table: a legacy table (from our own list, never from the file)
 * @order: the columns to order by, each followed by ", " (may be empty);
 *   rowid order breaks ties
 *
 * Opens a cursor over @table in that order. Only the keys are sorted: the
 * rowids come first, in order, then each row is read by its rowid, so that
 * sorting a million messages does not hold a million messages in memory. (An
 * ORDER BY in a subquery would not do: SQLite may drop it.) A table without
 * rowids is read by one ordered statement.
 */
gboolean
_lab_legacy_cursor_open (LabLegacyCursor  *cursor,
                         sqlite3          *db,
                         const char       *table,
                         const char       *order,
                         const char       *path,
                         GError          **error)
{
  g_autofree char *keys = g_strdup_printf ("SELECT rowid FROM \"%s\" ORDER BY %srowid",
                                           table, order);
  g_autofree char *by_rowid = g_strdup_printf ("SELECT rowid AS __rowid, * FROM \"%s\" "
                                               "WHERE rowid = ?", table);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  memset (cursor, 0, sizeof *cursor);

  if (sqlite3_prepare_v2 (db, keys, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_autofree char *ordered = g_strdup_printf ("SELECT NULL AS __rowid, * FROM \"%s\" "
                                                  "ORDER BY %s1", table, order);

      rc = sqlite3_prepare_v2 (db, ordered, -1, &cursor->stmt, NULL);
      if (rc != SQLITE_OK)
        return _lab_legacy_sqlite_error (error, db, rc, path);
      return TRUE;
    }

  cursor->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (cursor->rowids, rowid);
    }
  if (rc != SQLITE_DONE)
    {
      _lab_legacy_cursor_clear (cursor);
      return _lab_legacy_sqlite_error (error, db, rc, path);
    }

  rc = sqlite3_prepare_v2 (db, by_rowid, -1, &cursor->stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _lab_legacy_cursor_clear (cursor);
      return _lab_legacy_sqlite_error (error, db, rc, path);
    }

  return TRUE;
}

/**
 * _lab_legacy_cursor_step:
 *
 * Returns: %SQLITE_ROW with the row in @cursor->stmt, %SQLITE_DONE, or an
 *   SQLite error code
 */
int
_lab_legacy_cursor_step (LabLegacyCursor *cursor)
{
  int rc;

  if (cursor->rowids == NULL)
    return sqlite3_step (cursor->stmt);

  /* A row deleted since the keys were read cannot be: the read transaction
   * holds one snapshot. */
  if (cursor->next >= cursor->rowids->len)
    return SQLITE_DONE;

  sqlite3_reset (cursor->stmt);
  sqlite3_bind_int64 (cursor->stmt, 1, g_array_index (cursor->rowids, gint64, cursor->next++));
  rc = sqlite3_step (cursor->stmt);

  return rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
}

void
_lab_legacy_cursor_clear (LabLegacyCursor *cursor)
{
  g_clear_pointer (&cursor->stmt, sqlite3_finalize);
  g_clear_pointer (&cursor->rowids, g_array_unref);
}

/**
 * _lab_legacy_stmt_columns:
 *
 * Returns: (transfer full): the result columns of @stmt, name → index + 1
 */
GHashTable *
_lab_legacy_stmt_columns (sqlite3_stmt *stmt)
{
  GHashTable *columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      const char *name = sqlite3_column_name (stmt, i);

      if (name != NULL && !g_hash_table_contains (columns, name))
        g_hash_table_insert (columns, g_strdup (name), GINT_TO_POINTER (i + 1));
    }

  return columns;
}

/**
 * _lab_legacy_col:
 *
 * Returns: the index of the column @name, or -1 if the table has none
 */
int
_lab_legacy_col (GHashTable *columns,
                 const char *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (columns, name)) - 1;
}

static gboolean
is_known (const char * const *known,
          const char         *name)
{
  return g_strv_contains (known, name) || g_str_equal (name, "__rowid");
}

/**
 * _lab_legacy_extra_columns:
 * @known: the columns the mapping knows
 *
 * Returns: (transfer full) (nullable): the other columns of the current row
 *   with their values, or %NULL if there are none
 */
JsonObject *
_lab_legacy_extra_columns (sqlite3_stmt        *stmt,
                           const char * const  *known)
{
  JsonObject *extra = NULL;

  for (int i = 0; i < sqlite3_column_count (stmt); i++)
    {
      const char *name = sqlite3_column_name (stmt, i);

      if (is_known (known, name))
        continue;
      if (extra == NULL)
        extra = json_object_new ();
      json_object_set_member (extra, name, _lab_legacy_column_to_json (stmt, i));
    }

  return extra;
}

/**
 * _lab_legacy_note_columns:
 *
 * Notes, once per table, the columns of @table the mapping does not know: they
 * are migrated into each row's metadata.
 */
void
_lab_legacy_note_columns (LabLegacySource    *source,
                          const char         *table,
                          GPtrArray          *columns,
                          const char * const *known)
{
  g_autoptr(GString) extra = g_string_new (NULL);

  for (guint i = 0; i < columns->len; i++)
    {
      const char *name = g_ptr_array_index (columns, i);

      if (!is_known (known, name))
        g_string_append_printf (extra, "%s%s", extra->len ? ", " : "", name);
    }

  if (extra->len > 0)
    _lab_legacy_source_add_note (source, _("The table “%s” has columns LabData has no place "
                                           "for (%s); they are kept in each row’s metadata."),
                                 table, extra->str);
}

/**
 * _lab_legacy_make_metadata:
 * @original: (nullable): the legacy row's own metadata
 * @legacy: what LabData records about where the row came from
 *
 * A legacy metadata object keeps its members, so that they are where a reader
 * of LabData's metadata looks; the provenance goes into a "legacy" member. A
 * legacy value that is not an object (or has a "legacy" member of its own) is
 * kept whole as legacy.metadata.
 *
 * Returns: (transfer full): the LabData metadata object
 */
JsonObject *
_lab_legacy_make_metadata (JsonNode   *original,
                           JsonObject *legacy)
{
  JsonObject *metadata = json_object_new ();

  if (original != NULL && JSON_NODE_HOLDS_OBJECT (original) &&
      !json_object_has_member (json_node_get_object (original), "legacy"))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (original));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (metadata, name, json_node_copy (value));
    }
  else if (original != NULL && !JSON_NODE_HOLDS_NULL (original))
    json_object_set_member (legacy, "metadata", json_node_copy (original));

  json_object_set_object_member (metadata, "legacy", json_object_ref (legacy));
  return metadata;
}

/**
 * _lab_legacy_set_time:
 * @member: the LabData column to set
 * @col: the legacy column, or -1
 * @fallback: the time to use when the legacy value is missing or not a time
 * @legacy: where the legacy value goes, under its legacy column name, when
 *   LabData's form of it is not the same text
 * @usec: (out) (optional): the time set
 *
 * Returns: whether the legacy value was a time
 */
gboolean
_lab_legacy_set_time (JsonObject   *row,
                      const char   *member,
                      sqlite3_stmt *stmt,
                      int           col,
                      gint64        fallback,
                      JsonObject   *legacy,
                      gint64       *usec)
{
  g_autofree char *canonical = NULL;
  gint64 value = fallback;
  gboolean parsed = FALSE;

  if (col >= 0 && _lab_legacy_column_time (stmt, col, &value))
    parsed = TRUE;
  else
    value = fallback;

  canonical = lab_timestamp_format (value);
  json_object_set_string_member (row, member, canonical);

  /* Keep the legacy text whenever LabData's canonical form is not the same
   * text: microseconds, a time zone or a number would otherwise be lost. */
  if (col >= 0 && sqlite3_column_type (stmt, col) != SQLITE_NULL &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, col), canonical) != 0)
    json_object_set_member (legacy, sqlite3_column_name (stmt, col),
                            _lab_legacy_column_to_json (stmt, col));

  if (usec != NULL)
    *usec = value;

  return parsed;
}

/* Detection */

/* The kind of legacy database @db is by its tables. @strict for a file with
 * another name: both tables of its kind; a file named as the kind's (events.db,
 * data/research_sessions.db) needs only one, as an older or damaged one may
 * lack the other. */
static const char *
sniff_sqlite_kind (sqlite3  *db,
                   gboolean  strict)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean has_sessions = FALSE, has_chat_logs = FALSE, has_session = FALSE, has_event = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &stmt,
                          NULL) != SQLITE_OK)
    return NULL;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      has_sessions |= g_strcmp0 (name, "sessions") == 0;
      has_chat_logs |= g_strcmp0 (name, "chat_logs") == 0;
      has_session |= g_strcmp0 (name, "session") == 0;
      has_event |= g_strcmp0 (name, "event") == 0;
    }

  if (strict ? has_session && has_event : has_session || has_event)
    return "events";
  if (strict ? has_sessions && has_chat_logs : has_sessions || has_chat_logs)
    return "lab";

  return NULL;
}

/* A database found by its name may be another program's events.db, or an
 * empty file: only one that can be read and has none of its kind's tables
 * is not a source. One that cannot be read stays, to say why. */
static gboolean
holds_its_tables (LabLegacySource *self)
{
  g_autoptr(GError) error = NULL;
  const char *expected;
  const char *kind;
  struct stat st;
  sqlite3 *db;

  if (self->kind == LAB_LEGACY_KIND_JSON_EXPORT)
    return TRUE;
  if (stat (self->db_path, &st) == 0 && st.st_size == 0)
    return FALSE;

  db = _lab_legacy_open_sqlite (self->db_path, &error);
  if (db == NULL)
    return TRUE;

  expected = self->kind == LAB_LEGACY_KIND_EVENTS_DB ? "events" : "lab";
  kind = sniff_sqlite_kind (db, FALSE);
  sqlite3_close (db);

  return g_strcmp0 (kind, expected) == 0;
}

static void
inspect (LabLegacySource *self)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  if (self->kind == LAB_LEGACY_KIND_JSON_EXPORT)
    {
      if (!_lab_legacy_export_inspect (self, &error))
        self->problem = g_steal_pointer (&error);
      return;
    }

  db = _lab_legacy_source_open_db (self, &error);
  if (db != NULL)
    {
      gboolean ok;

      if (self->kind == LAB_LEGACY_KIND_AI_RESEARCH_LAB)
        ok = _lab_legacy_lab_inspect (self, db, &error);
      else
        ok = _lab_legacy_events_inspect (self, db, &error);

      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      sqlite3_close (db);
      if (ok)
        return;
    }

  self->problem = g_steal_pointer (&error);
}

/**
 * _lab_legacy_source_open_db:
 *
 * Opens the source's database read-only, checks it, and starts the read
 * transaction that every later read of this connection shares; the caller
 * ends it with COMMIT and closes the connection.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
sqlite3 *
_lab_legacy_source_open_db (LabLegacySource  *self,
                            GError          **error)
{
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (self->kind != LAB_LEGACY_KIND_JSON_EXPORT, NULL);

  db = _lab_legacy_open_sqlite (self->db_path, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      _lab_legacy_sqlite_error (error, db, rc, self->db_path);
      sqlite3_close (db);
      return NULL;
    }

  if (!check_integrity (db, self->db_path, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

gboolean
_lab_legacy_source_read (LabLegacySource   *self,
                         sqlite3           *db,
                         LabLegacyEmitter  *emitter,
                         GError           **error)
{
  switch (self->kind)
    {
    case LAB_LEGACY_KIND_AI_RESEARCH_LAB:
      return _lab_legacy_lab_read (self, db, emitter, error);
    case LAB_LEGACY_KIND_EVENTS_DB:
      return _lab_legacy_events_read (self, db, emitter, error);
    case LAB_LEGACY_KIND_JSON_EXPORT:
      return _lab_legacy_export_read (self, emitter, error);
    default:
      g_assert_not_reached ();
    }
}

gboolean
_lab_legacy_source_count (LabLegacySource    *self,
                          sqlite3            *db,
                          LabLegacyCountFunc  func,
                          gpointer            user_data,
                          GError            **error)
{
  switch (self->kind)
    {
    case LAB_LEGACY_KIND_AI_RESEARCH_LAB:
      return _lab_legacy_lab_count (self, db, func, user_data, error);
    case LAB_LEGACY_KIND_EVENTS_DB:
      return _lab_legacy_events_count (self, db, func, user_data, error);
    case LAB_LEGACY_KIND_JSON_EXPORT:
      return _lab_legacy_export_count (self, func, user_data, error);
    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_legacy_source_inspect:
 * @path: a folder or file the user points at: an `.ai_research_lab` folder
 *   (or its `data` folder), a `research_sessions.db` or a backup of it, a
 *   folder holding `events.db` or the file itself, or a JSON export
 *
 * Recognises the kind of legacy data at @path and inspects it, read-only.
 * A recognised source that cannot be migrated as it is (damaged, locked by
 * its program, unreadable) is still returned, with
 * lab_legacy_source_get_problem() saying why.
 *
 * Returns: (transfer full): the source, or %NULL with @error set when @path
 *   does not exist or holds no legacy data LabData knows
 */
LabLegacySource *
lab_legacy_source_inspect (const char    *path,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *abs = NULL;
  g_autoptr(LabLegacySource) self = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  abs = g_canonicalize_filename (path, NULL);
  base = g_path_get_basename (abs);

  if (g_file_test (abs, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *lab_db = g_build_filename (abs, "data", "research_sessions.db", NULL);
      g_autofree char *data_db = g_build_filename (abs, "research_sessions.db", NULL);
      g_autofree char *events_db = g_build_filename (abs, "events.db", NULL);

      if (g_file_test (lab_db, G_FILE_TEST_IS_REGULAR))
        self = source_new (LAB_LEGACY_KIND_AI_RESEARCH_LAB, abs, lab_db);
      else if (g_file_test (data_db, G_FILE_TEST_IS_REGULAR) && g_str_equal (base, "data"))
        {
          g_autofree char *parent = g_path_get_dirname (abs);

          self = source_new (LAB_LEGACY_KIND_AI_RESEARCH_LAB, parent, data_db);
        }
      else if (g_file_test (events_db, G_FILE_TEST_IS_REGULAR))
        self = source_new (LAB_LEGACY_KIND_EVENTS_DB, events_db, events_db);
    }
  else if (g_file_test (abs, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *dir = g_path_get_dirname (abs);
      g_autofree char *dir_base = g_path_get_basename (dir);

      if (g_str_equal (base, "research_sessions.db") && g_str_equal (dir_base, "data"))
        {
          g_autofree char *root = g_path_get_dirname (dir);

          self = source_new (LAB_LEGACY_KIND_AI_RESEARCH_LAB, root, abs);
        }
      else if (g_str_equal (base, "events.db"))
        self = source_new (LAB_LEGACY_KIND_EVENTS_DB, abs, abs);
      else if (lab_legacy_json_detect (abs))
        self = source_new (LAB_LEGACY_KIND_JSON_EXPORT, abs, abs);
      else
        {
          /* Any other SQLite file (a backup of either database): by its tables. */
          g_autoptr(GError) local_error = NULL;
          sqlite3 *db = _lab_legacy_open_sqlite (abs, &local_error);
          const char *kind = db ? sniff_sqlite_kind (db, TRUE) : NULL;

          sqlite3_close (db);
          if (g_strcmp0 (kind, "lab") == 0)
            self = source_new (LAB_LEGACY_KIND_AI_RESEARCH_LAB, abs, abs);
          else if (g_strcmp0 (kind, "events") == 0)
            self = source_new (LAB_LEGACY_KIND_EVENTS_DB, abs, abs);
          else if (local_error != NULL && local_error->code != LAB_STORE_ERROR_CORRUPT)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }
  else
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), abs);
      return NULL;
    }

  if (self == NULL || !holds_its_tables (self))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                   _("“%s” holds no legacy data LabData knows: expected an .ai_research_lab "
                     "folder, a research_sessions.db, an events.db or a JSON export"), abs);
      return NULL;
    }

  inspect (self);

  return g_steal_pointer (&self);
}

/**
 * lab_legacy_default_locations:
 *
 * Returns: (transfer full): where detection looks when no path is given:
 *   `~/.ai_research_lab`, `events.db` in the current folder, and
 *   `/var/data/events.db`
 */
char **
lab_legacy_default_locations (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *lab = g_build_filename (g_get_home_dir (), ".ai_research_lab", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *local = g_build_filename (cwd, "events.db", NULL);

  g_strv_builder_add (builder, lab);
  g_strv_builder_add (builder, local);
  g_strv_builder_add (builder, "/var/data/events.db");

  return g_strv_builder_end (builder);
}

/**
 * lab_legacy_detect:
 * @paths: (nullable) (array zero-terminated=1): paths the user gave, or %NULL
 *   for the default locations
 *
 * Looks for legacy data. Default locations that hold nothing are skipped
 * quietly; a path the user gave must hold legacy data.
 *
 * Returns: (transfer container) (element-type LabLegacySource): the sources
 *   found, each once, or %NULL with @error set
 */
GPtrArray *
lab_legacy_detect (const char * const  *paths,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) defaults = NULL;
  gboolean explicit = paths != NULL;

  if (!explicit)
    {
      defaults = lab_legacy_default_locations ();
      paths = (const char * const *) defaults;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(LabLegacySource) source = NULL;
      gboolean seen = FALSE;

      if (!explicit && !g_file_test (paths[i], G_FILE_TEST_EXISTS))
        continue;

      source = lab_legacy_source_inspect (paths[i], cancellable, &local_error);
      if (source == NULL)
        {
          if (!explicit && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      for (guint j = 0; j < sources->len; j++)
        {
          LabLegacySource *other = g_ptr_array_index (sources, j);

          seen |= g_str_equal (other->db_path, source->db_path);
        }
      if (!seen)
        g_ptr_array_add (sources, g_steal_pointer (&source));
    }

  return g_steal_pointer (&sources);
}

static void
detect_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char * const *paths = task_data;
  GPtrArray *sources;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  sources = lab_legacy_detect (paths, cancellable, &error);
  if (sources == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sources, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lab_legacy_detect_async:
 *
 * Runs lab_legacy_detect() in a thread: inspecting reads whole databases.
 */
void
lab_legacy_detect_async (const char * const  *paths,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, lab_legacy_detect_async);
  g_task_set_task_data (task, paths ? g_strdupv ((char **) paths) : NULL,
                        (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, detect_thread);
}

/**
 * lab_legacy_detect_finish:
 *
 * Returns: (transfer container) (element-type LabLegacySource): the sources
 */
GPtrArray *
lab_legacy_detect_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_legacy_detect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

LabLegacyKind
lab_legacy_source_get_kind (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), 0);
  return self->kind;
}

/**
 * lab_legacy_source_get_path:
 *
 * Returns: (transfer none): the folder (an `.ai_research_lab`) or file of the
 *   source, absolute
 */
const char *
lab_legacy_source_get_path (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->path;
}

/**
 * lab_legacy_source_get_database_path:
 *
 * Returns: (transfer none): the legacy database or JSON file
 */
const char *
lab_legacy_source_get_database_path (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->db_path;
}

/**
 * lab_legacy_source_get_display_name:
 *
 * Returns: (transfer none): the path for people, `~` for the home folder
 */
const char *
lab_legacy_source_get_display_name (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->display_name;
}

/**
 * lab_legacy_source_get_problem:
 *
 * Returns: (transfer none) (nullable): why the source cannot be migrated as it
 *   is (damaged, locked by its program, unreadable), or %NULL
 */
const GError *
lab_legacy_source_get_problem (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->problem;
}

gboolean
lab_legacy_source_is_usable (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), FALSE);
  return self->problem == NULL;
}

/**
 * lab_legacy_source_get_counts:
 *
 * Returns: (transfer none) (element-type LabLegacyCount): what the source
 *   holds, in the source's order
 */
GArray *
lab_legacy_source_get_counts (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->counts;
}

/**
 * lab_legacy_source_get_count:
 * @name: a name of lab_legacy_source_get_counts()
 *
 * Returns: the count, or -1 if the source has no such thing
 */
gint64
lab_legacy_source_get_count (LabLegacySource *self,
                             const char      *name)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), -1);

  for (guint i = 0; i < self->counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (self->counts, LabLegacyCount, i);

      if (g_str_equal (count->name, name))
        return count->count;
    }

  return -1;
}

/**
 * lab_legacy_source_get_size:
 *
 * Returns: the bytes to migrate: the database (or JSON file) and the files
 */
guint64
lab_legacy_source_get_size (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), 0);
  return self->size;
}

/**
 * lab_legacy_source_get_first_time:
 *
 * Returns: the earliest time in the source's rows (µs since the epoch), or 0
 */
gint64
lab_legacy_source_get_first_time (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), 0);
  return self->first_time;
}

/**
 * lab_legacy_source_get_last_time:
 *
 * Returns: the latest time in the source's rows (µs since the epoch), or 0
 */
gint64
lab_legacy_source_get_last_time (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), 0);
  return self->last_time;
}

/**
 * lab_legacy_source_get_notes:
 *
 * Returns: (transfer none) (element-type utf8): what a person should know
 *   before migrating (a missing table, columns LabData keeps in metadata, …)
 */
GPtrArray *
lab_legacy_source_get_notes (LabLegacySource *self)
{
  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);
  return self->notes;
}

/**
 * lab_legacy_source_to_json:
 *
 * Returns: (transfer full): the source as JSON, for `labdata-cli --json`
 */
JsonNode *
lab_legacy_source_to_json (LabLegacySource *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LAB_IS_LEGACY_SOURCE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lab_legacy_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, self->path);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, self->db_path);
  json_builder_set_member_name (builder, "usable");
  json_builder_add_boolean_value (builder, self->problem == NULL);
  if (self->problem != NULL)
    {
      json_builder_set_member_name (builder, "problem");
      json_builder_add_string_value (builder, self->problem->message);
    }
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->size);
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (self->counts, LabLegacyCount, i);

      json_builder_set_member_name (builder, count->name);
      json_builder_add_int_value (builder, count->count);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "sizes");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (self->counts, LabLegacyCount, i);

      if (count->size == 0)
        continue;
      json_builder_set_member_name (builder, count->name);
      json_builder_add_int_value (builder, count->size);
    }
  json_builder_end_object (builder);
  if (self->first_time != 0)
    {
      g_autofree char *first = lab_timestamp_format (self->first_time);
      g_autofree char *last = lab_timestamp_format (self->last_time);

      json_builder_set_member_name (builder, "first_time");
      json_builder_add_string_value (builder, first);
      json_builder_set_member_name (builder, "last_time");
      json_builder_add_string_value (builder, last);
    }
  json_builder_set_member_name (builder, "notes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->notes->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->notes, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
