/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import-stage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-import-private.h"
#include "lab-row.h"
#include "lab-timestamp.h"

/*
 * Filling the staging area. Each JSON line is parsed once, by SQLite's
 * json_each(): its members become a JsonObject that lab_row_validate() checks
 * against the table description (types, required fields, unknown fields),
 * and the same values are bound to the INSERT of lab_row_prepare_insert().
 * One parser decides both what is valid and what is stored, so no line can
 * be read one way by the check and another by the database: a member that
 * appears twice is refused, an integer past 64 bits is refused rather than
 * wrapped, and JSON columns keep the text the archive has (json-glib would
 * print 0.1 as 0.10000000000000001), so a store exported and imported again
 * is identical to the byte. It is also several times faster than json-glib.
 */

struct _LabImportStage
{
  char *path;
  char *name;
  char *db_path;
  char *files_path;
  int lock_fd;
  LabDb *db;
  sqlite3_stmt *members;
  GHashTable *inserts;   /* table name → TableInsert */
  sqlite3_stmt *add_file;
  gboolean in_transaction;
};

typedef struct
{
  sqlite3_stmt *insert;
  int *params;  /* column index → parameter, 0 for internal columns */
} TableInsert;

static void
table_insert_free (gpointer data)
{
  TableInsert *ti = data;

  sqlite3_finalize (ti->insert);
  g_free (ti->params);
  g_free (ti);
}

/**
 * lab_import_stage_try_lock:
 * @stage_path: a staging folder
 *
 * Returns: an open descriptor holding the folder's lock, or -1 if another
 *   process holds it (or it cannot be opened)
 */
int
lab_import_stage_try_lock (const char *stage_path)
{
  g_autofree char *lock_path = g_build_filename (stage_path, LAB_IMPORT_STAGE_LOCK, NULL);
  int fd = open (lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

  if (fd < 0)
    return -1;

  /* flock() goes with the process: a killed import leaves no stale lock. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }

  return fd;
}

gboolean
lab_import_stage_is_name (const char *name)
{
  return name != NULL && g_str_has_prefix (name, LAB_IMPORT_STAGE_PREFIX) &&
         strchr (name, '/') == NULL && strlen (name) > strlen (LAB_IMPORT_STAGE_PREFIX);
}

/**
 * lab_import_stage_file_path:
 *
 * Returns: (transfer full): where the staging area keeps a workspace file
 */
char *
lab_import_stage_file_path (const char *stage_path,
                            const char *session_id,
                            const char *path)
{
  return g_build_filename (stage_path, LAB_IMPORT_STAGE_FILES, session_id, path, NULL);
}

/**
 * lab_import_stage_new:
 * @dir: the data directory the import goes to
 *
 * Creates a staging area in @dir's data folder, locked by this process.
 *
 * Returns: (transfer full): the staging area, or %NULL with @error set
 */
LabImportStage *
lab_import_stage_new (LabDataDir  *dir,
                      GError     **error)
{
  g_autoptr(LabImportStage) self = g_new0 (LabImportStage, 1);
  g_autofree char *tmpl = NULL;

  self->lock_fd = -1;
  self->inserts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_insert_free);

  if (!lab_data_dir_ensure (dir, error))
    return NULL;

  tmpl = g_build_filename (lab_data_dir_get_data_path (dir), LAB_IMPORT_STAGE_PREFIX "XXXXXX", NULL);
  if (g_mkdtemp_full (tmpl, 0700) == NULL)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create a staging folder in “%s”"),
                                  lab_data_dir_get_data_path (dir));
      return NULL;
    }
  self->path = g_steal_pointer (&tmpl);
  self->name = g_path_get_basename (self->path);

  self->lock_fd = lab_import_stage_try_lock (self->path);
  if (self->lock_fd < 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Cannot lock the staging folder “%s”"), self->path);
      return NULL;
    }

  self->files_path = g_build_filename (self->path, LAB_IMPORT_STAGE_FILES, NULL);
  if (!lab_mkdir_private (self->files_path, error))
    return NULL;

  /* The staging database has the store's own schema, so that every
   * constraint of the store (unique ids, valid JSON) holds in it. It is
   * disposable: no journal, no syncing, no foreign keys (rows may refer to
   * sessions of the store), no full-text index of messages. */
  self->db_path = g_build_filename (self->path, "stage.db", NULL);
  self->db = lab_db_open_file (self->db_path, LAB_DB_OPEN_DEFAULT, error);
  if (self->db == NULL)
    return NULL;

  if (!lab_db_exec (self->db, "PRAGMA journal_mode = OFF;"
                              "PRAGMA synchronous = OFF;"
                              "PRAGMA foreign_keys = OFF;"
                              "CREATE TABLE import_files (session_id TEXT NOT NULL, path TEXT NOT NULL,"
                              " size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
                              " PRIMARY KEY (session_id, path));", error) ||
      !lab_db_set_meta (self->db, "fts_deferred", "1", error))
    return NULL;

  /* The members of a line, as SQLite reads them; for a scalar, its JSON text. */
  self->members = lab_db_prepare (self->db, "SELECT key, type, value, json_quote (value)"
                                            " FROM json_each (?1)", error);
  if (self->members == NULL)
    return NULL;

  if (!lab_db_exec (self->db, "BEGIN", error))
    return NULL;
  self->in_transaction = TRUE;

  return g_steal_pointer (&self);
}

const char *
lab_import_stage_get_path (LabImportStage *self)
{
  return self->path;
}

const char *
lab_import_stage_get_name (LabImportStage *self)
{
  return self->name;
}

const char *
lab_import_stage_get_db_path (LabImportStage *self)
{
  return self->db_path;
}

static gboolean
line_error (GError     **error,
            const char  *where,
            const char  *problem)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, "%s: %s", where, problem);
  return FALSE;
}

/* The JSON text of a member of a JSON column: objects and arrays come from
 * json_each() as the archive wrote them; scalars are quoted back. */
static const char *
json_text (sqlite3_stmt *members,
           const char   *type,
           int          *length)
{
  if (g_str_equal (type, "true") || g_str_equal (type, "false"))
    {
      *length = -1;
      return type;
    }

  if (g_str_equal (type, "object") || g_str_equal (type, "array"))
    {
      *length = sqlite3_column_bytes (members, 2);
      return (const char *) sqlite3_column_text (members, 2);
    }

  *length = sqlite3_column_bytes (members, 3);
  return (const char *) sqlite3_column_text (members, 3);
}

/* A JsonNode for lab_row_validate() from one json_each() row; NULL if the
 * value cannot be one (an integer past 64 bits, a number past double). */
static JsonNode *
member_node (sqlite3_stmt        *members,
             const char          *type,
             const LabColumnInfo *column)
{
  JsonNode *node = json_node_alloc ();

  if (g_str_equal (type, "null"))
    return json_node_init_null (node);
  if (g_str_equal (type, "true") || g_str_equal (type, "false"))
    return json_node_init_boolean (node, type[0] == 't');
  if (g_str_equal (type, "integer"))
    {
      /* SQLite reads an integer that does not fit as a real. */
      if (sqlite3_column_type (members, 2) != SQLITE_INTEGER)
        return (json_node_free (node), NULL);
      return json_node_init_int (node, sqlite3_column_int64 (members, 2));
    }
  if (g_str_equal (type, "real"))
    {
      double value = sqlite3_column_double (members, 2);

      if (!isfinite (value))
        return (json_node_free (node), NULL);
      return json_node_init_double (node, value);
    }
  if (g_str_equal (type, "text"))
    {
      /* Bytes, not C string: the text may hold U+0000. */
      g_autofree char *text = g_strndup ((const char *) sqlite3_column_text (members, 2),
                                         sqlite3_column_bytes (members, 2));

      return json_node_init_string (node, text);
    }

  /* An object or an array. Only a JSON column may hold one; lab_row_validate()
   * looks inside some of them (participants must list names). */
  json_node_free (node);
  if (column != NULL && column->type == LAB_COLUMN_JSON)
    return json_from_string ((const char *) sqlite3_column_text (members, 2), NULL);
  return json_node_init_object (json_node_alloc (), NULL);
}

/* Binds one member to its parameter of the INSERT. */
static void
bind_member (sqlite3_stmt        *insert,
             int                  param,
             const LabColumnInfo *column,
             sqlite3_stmt        *members,
             const char          *type)
{
  if (g_str_equal (type, "null"))
    {
      sqlite3_bind_null (insert, param);
      return;
    }

  switch (column->type)
    {
    case LAB_COLUMN_TIMESTAMP:
      {
        char *canonical = lab_timestamp_normalize ((const char *) sqlite3_column_text (members, 2));

        if (canonical != NULL)
          sqlite3_bind_text (insert, param, canonical, -1, g_free);
      }
      break;
    case LAB_COLUMN_JSON:
      {
        int length;
        const char *text = json_text (members, type, &length);

        sqlite3_bind_text (insert, param, text, length, SQLITE_TRANSIENT);
      }
      break;
    case LAB_COLUMN_BOOLEAN:
      sqlite3_bind_int (insert, param, g_str_equal (type, "true") || sqlite3_column_int64 (members, 2) != 0);
      break;
    case LAB_COLUMN_TEXT:
    case LAB_COLUMN_INTEGER:
    case LAB_COLUMN_REAL:
    default:
      sqlite3_bind_value (insert, param, sqlite3_column_value (members, 2));
      break;
    }
}

static TableInsert *
get_insert (LabImportStage      *self,
            const LabTableInfo  *table,
            GError             **error)
{
  TableInsert *ti = g_hash_table_lookup (self->inserts, table->name);
  int param = 0;

  if (ti != NULL)
    return ti;

  ti = g_new0 (TableInsert, 1);
  ti->insert = lab_row_prepare_insert (self->db, table, FALSE, error);
  if (ti->insert == NULL)
    {
      g_free (ti);
      return NULL;
    }

  /* lab_row_prepare_insert() numbers the exported columns in order. */
  ti->params = g_new0 (int, table->n_columns);
  for (guint c = 0; c < table->n_columns; c++)
    {
      if (!(table->columns[c].flags & LAB_COLUMN_FLAG_INTERNAL))
        ti->params[c] = ++param;
    }

  g_hash_table_insert (self->inserts, (gpointer) table->name, ti);
  return ti;
}

static gboolean
step_insert (LabImportStage  *self,
             sqlite3_stmt    *insert,
             const char      *where,
             GError         **error)
{
  int rc = sqlite3_step (insert);

  sqlite3_reset (insert);
  sqlite3_clear_bindings (insert);

  if (rc == SQLITE_DONE)
    return TRUE;

  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                 _("%s: the same row appears twice (%s)"), where,
                 sqlite3_errmsg (lab_db_get_handle (self->db)));
  else if ((rc & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, _("%s: invalid value (%s)"),
                 where, sqlite3_errmsg (lab_db_get_handle (self->db)));
  else
    {
      lab_db_set_error (self->db, error, rc, NULL);
      g_prefix_error (error, "%s: ", where);
    }

  return FALSE;
}

/* Whether @line escapes U+0000 (\u0000). SQLite's JSON functions end a
 * string there and would lose the rest of it, so such a line is refused
 * rather than cut; LabData itself never writes one. Backslashes only occur in
 * strings, so a scan of the escapes is enough. */
static gboolean
has_escaped_nul (const char *line,
                 gsize       length)
{
  for (gsize i = 0; i + 1 < length; i++)
    {
      if (line[i] != '\\')
        continue;
      if (line[i + 1] == 'u' && i + 6 <= length && memcmp (line + i + 2, "0000", 4) == 0)
        return TRUE;
      i++;
    }

  return FALSE;
}

/**
 * lab_import_stage_add_line:
 * @line: one JSON line of a table member (untrusted, not nul-terminated)
 * @where: "messages.jsonl line 12", for errors
 *
 * Validates @line against @table's description and stages it.
 */
gboolean
lab_import_stage_add_line (LabImportStage      *self,
                           const LabTableInfo  *table,
                           const char          *line,
                           gsize                length,
                           const char          *where,
                           GError             **error)
{
  g_autoptr(JsonObject) row = NULL;
  TableInsert *ti;
  gsize start = 0;
  int rc;

  if (!g_utf8_validate_len (line, length, NULL))
    return line_error (error, where, _("not valid UTF-8 text"));

  while (start < length && g_ascii_isspace (line[start]))
    start++;
  if (start == length || line[start] != '{')
    return line_error (error, where, _("not a JSON object"));

  if (has_escaped_nul (line, length))
    return line_error (error, where, _("text with the character U+0000, which LabData does not store"));

  ti = get_insert (self, table, error);
  if (ti == NULL)
    return FALSE;

  row = json_object_new ();
  sqlite3_reset (self->members);
  sqlite3_bind_text (self->members, 1, line, length, SQLITE_STATIC);

  while ((rc = sqlite3_step (self->members)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (self->members, 0);
      const char *type = (const char *) sqlite3_column_text (self->members, 1);
      const LabColumnInfo *column = key ? lab_table_info_get_column (table, key) : NULL;
      JsonNode *node;

      if (key == NULL || type == NULL)
        break;

      if (json_object_has_member (row, key))
        {
          g_autofree char *problem = g_strdup_printf (_("the field “%s” appears more than once"), key);

          sqlite3_reset (self->members);
          return line_error (error, where, problem);
        }

      node = member_node (self->members, type, column);
      if (node == NULL)
        {
          g_autofree char *problem = g_strdup_printf (_("%s.%s is out of range"), table->name, key);

          sqlite3_reset (self->members);
          return line_error (error, where, problem);
        }
      json_object_set_member (row, key, node);

      if (column != NULL && ti->params[column - table->columns] > 0)
        bind_member (ti->insert, ti->params[column - table->columns], column, self->members, type);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_autofree char *reason = g_utf8_make_valid (sqlite3_errmsg (lab_db_get_handle (self->db)), -1);
      g_autofree char *problem = g_strdup_printf (_("not valid JSON (%s)"), reason);

      sqlite3_reset (self->members);
      sqlite3_clear_bindings (ti->insert);
      return line_error (error, where, problem);
    }
  sqlite3_reset (self->members);

  if (!lab_row_validate (table, row, LAB_ROW_FLAGS_NONE, error))
    {
      sqlite3_clear_bindings (ti->insert);
      g_prefix_error (error, "%s: ", where);
      return FALSE;
    }

  return step_insert (self, ti->insert, where, error);
}

/**
 * lab_import_stage_add_row:
 * @row: a row built by a reader of another format
 *
 * Validates @row against @table's description and stages it, as a line.
 */
gboolean
lab_import_stage_add_row (LabImportStage      *self,
                          const LabTableInfo  *table,
                          JsonObject          *row,
                          const char          *where,
                          GError             **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, row);
  text = lab_json_to_string (node);

  return lab_import_stage_add_line (self, table, text, strlen (text), where, error);
}

static int
clash_error (GError     **error,
             const char  *session_id,
             const char  *path)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“workspace/%s/%s” clashes with another member of the archive (a path cannot be "
                 "both a file and a folder)"), session_id, path);
  return -1;
}

/**
 * lab_import_stage_create_file:
 * @session_id: a session id, one safe path component
 * @path: a safe relative path
 *
 * Returns: a descriptor open for writing the staged file, or -1 with @error
 */
int
lab_import_stage_create_file (LabImportStage  *self,
                              const char      *session_id,
                              const char      *path,
                              GError         **error)
{
  g_autofree char *file = NULL;
  g_autofree char *parent = NULL;
  int fd;

  g_return_val_if_fail (strchr (session_id, '/') == NULL && lab_relative_path_is_safe (session_id), -1);
  g_return_val_if_fail (lab_relative_path_is_safe (path), -1);

  file = lab_import_stage_file_path (self->path, session_id, path);
  parent = g_path_get_dirname (file);

  /* The staging folder holds only what the archive made, so a folder that
   * cannot be made, or a file that exists, means two members clash. */
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOTDIR || saved_errno == EEXIST)
        return clash_error (error, session_id, path);
      lab_store_error_from_errno (error, saved_errno, _("Cannot stage “workspace/%s/%s”"), session_id, path);
      return -1;
    }

  fd = open (file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST || saved_errno == EISDIR || saved_errno == ENOTDIR || saved_errno == ELOOP)
        return clash_error (error, session_id, path);
      lab_store_error_from_errno (error, saved_errno, _("Cannot stage “workspace/%s/%s”"), session_id, path);
      return -1;
    }

  return fd;
}

/**
 * lab_import_stage_add_file:
 *
 * Records a file written with lab_import_stage_create_file().
 */
gboolean
lab_import_stage_add_file (LabImportStage  *self,
                           const char      *session_id,
                           const char      *path,
                           guint64          size,
                           const char      *sha256,
                           GError         **error)
{
  if (self->add_file == NULL)
    {
      self->add_file = lab_db_prepare (self->db, "INSERT INTO import_files (session_id, path, size, sha256)"
                                                 " VALUES (?, ?, ?, ?)", error);
      if (self->add_file == NULL)
        return FALSE;
    }

  sqlite3_bind_text (self->add_file, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (self->add_file, 2, path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (self->add_file, 3, size);
  sqlite3_bind_text (self->add_file, 4, sha256, -1, SQLITE_STATIC);

  return lab_db_step_done (self->db, self->add_file, error);
}

/**
 * lab_import_stage_finish:
 *
 * Commits the staged rows and closes the staging database, which is then
 * attached read-only to the store's connection.
 */
gboolean
lab_import_stage_finish (LabImportStage  *self,
                         GError         **error)
{
  g_hash_table_remove_all (self->inserts);
  g_clear_pointer (&self->add_file, sqlite3_finalize);
  g_clear_pointer (&self->members, sqlite3_finalize);

  if (self->in_transaction)
    {
      self->in_transaction = FALSE;
      if (!lab_db_exec (self->db, "COMMIT", error))
        return FALSE;
    }

  g_clear_object (&self->db);
  return TRUE;
}

static void
stage_release (LabImportStage *self,
               gboolean        remove)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->inserts, g_hash_table_unref);
  g_clear_pointer (&self->add_file, sqlite3_finalize);
  g_clear_pointer (&self->members, sqlite3_finalize);
  g_clear_object (&self->db);

  /* A folder left behind is removed by the next lab_import_recover(). */
  if (remove && self->path != NULL && !lab_rm_rf (self->path, &error))
    g_debug ("Cannot remove the staging folder: %s", error->message);
  if (self->lock_fd >= 0)
    close (self->lock_fd);

  g_free (self->path);
  g_free (self->name);
  g_free (self->db_path);
  g_free (self->files_path);
  g_free (self);
}

/**
 * lab_import_stage_free:
 *
 * Removes the staging area and releases its lock.
 */
void
lab_import_stage_free (LabImportStage *self)
{
  if (self != NULL)
    stage_release (self, TRUE);
}

/**
 * lab_import_stage_abandon:
 *
 * Releases the staging area but leaves its folder, for lab_import_recover()
 * to finish an import that committed.
 */
void
lab_import_stage_abandon (LabImportStage *self)
{
  if (self != NULL)
    stage_release (self, FALSE);
}
