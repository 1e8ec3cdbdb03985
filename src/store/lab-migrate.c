/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-migrate"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy-private.h"
#include "lab-migrate-private.h"
#include "lab-oplog.h"
#include "lab-row.h"
#include "lab-timestamp.h"

/*
 * Migration of legacy data (issue 7, DESIGN.md "Legacy data").
 *
 * The readers (lab-legacy-*.c) turn legacy rows into LabData rows and hand
 * them to the emitter below, which:
 *  - gives each row its LabData id: a session keeps its legacy id when that is
 *    free, every other row gets a name-based UUID of its legacy identity, so
 *    the same legacy row always maps to the same LabData row;
 *  - skips what an earlier migration brought in (a session is recognised by
 *    the hash of its kind, legacy id and creation time, kept in
 *    metadata.legacy.key), so that migrating twice imports nothing twice and a
 *    source that grew since brings in only what is new;
 *  - counts (dry run) or writes (migration) the rest.
 *
 * A migration first makes the same pass as a dry run, so that space and
 * unusable sources are known before anything is written; then it makes a
 * pre-migration backup, and writes everything in one transaction while the
 * files are copied (temporary name, fsync, rename). Before committing it
 * verifies: per session and table the rows in LabData against a count the
 * source makes by itself, and each copied file against its checksum. Any
 * failure rolls the transaction back and removes every file and folder made
 * so far. Only after the commit are source files removed, when asked. A log
 * (logs/migration_log_<timestamp>.json) records what was added, which is what
 * lab_migrate_rollback() removes.
 */

#define LOG_FORMAT "labdata-migration-log"
#define LOG_VERSION 1

struct _LabLegacyEmitter
{
  struct _Migration *m;
};

typedef struct
{
  char *id;              /* the LabData session id */
  char *key;             /* metadata.legacy.key */
  gboolean existed;      /* an earlier migration brought it in */
  gint64 next_sequence;  /* for new messages; 0 until needed */
} SessionState;

typedef struct
{
  char *source;          /* the legacy file */
  char *dest;            /* its copy in the workspace */
  char *sha256;
  guint64 size;
  gboolean created;      /* copied by this run (not adopted from an earlier one) */
} CopiedFile;

typedef struct _Migration
{
  LabLegacyEmitter emitter;
  LabDataDir *dir;
  LabDb *db;                     /* NULL: a dry run for a store that does not exist yet */
  gboolean write;
  LabMigrateFlags flags;
  LabMigrationReport *report;
  LabProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  double progress_base;
  double progress_span;

  /* The source being read */
  LabLegacySource *source;
  int source_index;
  LabMigrationSourceReport *source_report;
  const char *kind;
  GHashTable *sessions;          /* legacy id → SessionState */
  GHashTable *existing_keys;     /* metadata.legacy.key → LabData id, of this kind */
  GHashTable *used_ids;          /* LabData session ids given in this run */
  SessionState *child_state;     /* the session of the previous child row */
  const char *child_table;
  GHashTable *child_keys;        /* the child identities given in that session */

  /* Prepared statements, by table index */
  sqlite3_stmt *insert[LAB_MIGRATION_MAX_TABLES];
  sqlite3_stmt *exists[LAB_MIGRATION_MAX_TABLES];
  sqlite3_stmt *id_taken;
  sqlite3_stmt *max_sequence;
  sqlite3_stmt *file_row;

  /* What this run added: for the log, a rollback of the run, and a rollback
   * on failure */
  JsonArray *added_sessions;
  JsonObject *added_rows;        /* table → ids of rows outside new sessions */
  JsonArray *added_files;
  GPtrArray *keyed_rows;         /* table, id, table, id… of rows that keep their id */
  GPtrArray *copied;             /* CopiedFile */
  GPtrArray *created_dirs;       /* absolute, in creation order */
} Migration;

/* Failure injection for the tests (lab-migrate-private.h). */
static char *fail_point;
static guint fail_countdown;

void
_lab_migrate_inject_failure (const char *point,
                             guint       countdown)
{
  g_free (fail_point);
  fail_point = g_strdup (point);
  fail_countdown = countdown;
}

static gboolean
check_fail_point (const char  *point,
                  GError     **error)
{
  if (fail_point == NULL || !g_str_equal (fail_point, point))
    return TRUE;
  if (--fail_countdown > 0)
    return TRUE;

  g_clear_pointer (&fail_point, g_free);
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE,
               "Injected failure at “%s”", point);
  return FALSE;
}

static void
session_state_free (gpointer data)
{
  SessionState *state = data;

  g_free (state->id);
  g_free (state->key);
  g_free (state);
}

static void
copied_file_free (gpointer data)
{
  CopiedFile *file = data;

  g_free (file->source);
  g_free (file->dest);
  g_free (file->sha256);
  g_free (file);
}

static Migration *
migration_from_emitter (LabLegacyEmitter *emitter)
{
  return emitter->m;
}

static void
migration_free_statements (Migration *m)
{
  for (guint i = 0; i < LAB_MIGRATION_MAX_TABLES; i++)
    {
      g_clear_pointer (&m->insert[i], sqlite3_finalize);
      g_clear_pointer (&m->exists[i], sqlite3_finalize);
    }
  g_clear_pointer (&m->id_taken, sqlite3_finalize);
  g_clear_pointer (&m->max_sequence, sqlite3_finalize);
  g_clear_pointer (&m->file_row, sqlite3_finalize);
}

static void
migration_clear (Migration *m)
{
  migration_free_statements (m);
  g_clear_pointer (&m->sessions, g_hash_table_unref);
  g_clear_pointer (&m->existing_keys, g_hash_table_unref);
  g_clear_pointer (&m->used_ids, g_hash_table_unref);
  g_clear_pointer (&m->child_keys, g_hash_table_unref);
  g_clear_pointer (&m->added_sessions, json_array_unref);
  g_clear_pointer (&m->added_rows, json_object_unref);
  g_clear_pointer (&m->added_files, json_array_unref);
  g_clear_pointer (&m->keyed_rows, g_ptr_array_unref);
  g_clear_pointer (&m->copied, g_ptr_array_unref);
  g_clear_pointer (&m->created_dirs, g_ptr_array_unref);
  g_clear_object (&m->db);
  g_clear_object (&m->report);
}

static gboolean
prepare_statements (Migration  *m,
                    GError    **error)
{
  const LabTableInfo *tables;
  guint n_tables;

  if (m->db == NULL)
    return TRUE;

  tables = lab_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      if (lab_table_info_get_column (&tables[t], "id") != NULL)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", tables[t].name);

          m->exists[t] = lab_db_prepare (m->db, sql, error);
          if (m->exists[t] == NULL)
            return FALSE;
        }
      if (m->write)
        {
          m->insert[t] = lab_row_prepare_insert (m->db, &tables[t], FALSE, error);
          if (m->insert[t] == NULL)
            return FALSE;
        }
    }

  m->id_taken = lab_db_prepare (m->db, "SELECT 1 FROM sessions WHERE id = ?", error);
  m->max_sequence = lab_db_prepare (m->db, "SELECT coalesce (max (sequence), 0) FROM messages "
                                           "WHERE session_id = ?", error);
  m->file_row = lab_db_prepare (m->db, "SELECT sha256 FROM workspace_files "
                                       "WHERE session_id = ? AND path = ?", error);

  return m->id_taken != NULL && m->max_sequence != NULL && m->file_row != NULL;
}

static gboolean
row_exists (Migration     *m,
            sqlite3_stmt  *stmt,
            const char    *id,
            gboolean      *exists,
            GError       **error)
{
  int rc;

  *exists = FALSE;
  if (stmt == NULL)
    return TRUE;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    *exists = TRUE;
  else if (rc != SQLITE_DONE)
    return lab_db_set_error (m->db, error, rc, NULL);

  return TRUE;
}

/* The keys of the sessions earlier migrations brought in from this kind. */
static gboolean
load_existing_keys (Migration  *m,
                    GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_clear_pointer (&m->existing_keys, g_hash_table_unref);
  m->existing_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (m->db == NULL)
    return TRUE;

  stmt = lab_db_prepare (m->db, "SELECT id, json_extract (metadata, '$.legacy.key') FROM sessions "
                                "WHERE json_extract (metadata, '$.legacy.source') = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, m->kind, -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 1);

      if (key != NULL)
        g_hash_table_insert (m->existing_keys, g_strdup (key),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    return lab_db_set_error (m->db, error, rc, NULL);

  return TRUE;
}

static void
add_issue (Migration  *m,
           const char *item,
           const char *message)
{
  _lab_migration_report_add_issue (m->report, m->source_index, item, message);
}

void
_lab_legacy_emit_issue (LabLegacyEmitter *emitter,
                        const char       *item,
                        const char       *format,
                        ...)
{
  Migration *m = migration_from_emitter (emitter);
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  add_issue (m, item, message);
}

gboolean
_lab_legacy_emitter_has_session (LabLegacyEmitter *emitter,
                                 const char       *orig_id)
{
  return g_hash_table_contains (migration_from_emitter (emitter)->sessions, orig_id);
}

gboolean
_lab_legacy_emitter_check (LabLegacyEmitter  *emitter,
                           double             fraction,
                           GError           **error)
{
  Migration *m = migration_from_emitter (emitter);

  if (g_cancellable_set_error_if_cancelled (m->cancellable, error))
    return FALSE;

  if (m->progress != NULL)
    {
      g_autofree char *message = g_strdup_printf (m->write ? _("Migrating %s") : _("Reading %s"),
                                                  lab_legacy_source_get_display_name (m->source));

      m->progress (m->progress_base + m->progress_span * CLAMP (fraction, 0, 1), message,
                   m->progress_data);
    }

  return TRUE;
}

static char *
hash_key (const char *identity)
{
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, identity, -1);

  return g_strndup (sha, 32);
}

static gboolean
valid_session_id (const char *id)
{
  /* It names the session's workspace folder, and people type its prefix. */
  return id[0] != '\0' && strlen (id) <= 128 && strchr (id, '/') == NULL &&
         lab_relative_path_is_safe (id) && id[0] != '.' && id[0] != '-';
}

static gboolean
insert_row (Migration    *m,
            const char   *table,
            JsonObject   *row,
            GError      **error)
{
  const LabTableInfo *info = lab_schema_get_table (table);
  int t = _lab_migration_table_index (table);

  /* A reader that made a row LabData would refuse is a bug: stop, roll back. */
  if (!lab_row_validate (info, row, LAB_ROW_FLAGS_NONE, error))
    {
      g_prefix_error (error, _("Cannot migrate %s: "),
                      lab_legacy_source_get_display_name (m->source));
      return FALSE;
    }

  if (!m->write)
    return TRUE;

  return lab_row_bind (info, m->insert[t], row, error) &&
         lab_db_step_done (m->db, m->insert[t], error);
}

static JsonObject *
legacy_member (JsonObject *row)
{
  JsonObject *metadata = json_object_get_object_member (row, "metadata");

  return json_object_get_object_member (metadata, "legacy");
}

gboolean
_lab_legacy_emit_session (LabLegacyEmitter  *emitter,
                          const char        *orig_id,
                          const char        *identity,
                          JsonObject        *row,
                          GError           **error)
{
  Migration *m = migration_from_emitter (emitter);
  g_autofree char *key = hash_key (identity);
  const char *existing;
  SessionState *state;
  int t = _lab_migration_table_index ("sessions");

  g_return_val_if_fail (!g_hash_table_contains (m->sessions, orig_id), FALSE);

  if (m->write && !check_fail_point ("session", error))
    return FALSE;

  state = g_new0 (SessionState, 1);
  state->key = g_strdup (key);
  g_hash_table_insert (m->sessions, g_strdup (orig_id), state);

  existing = g_hash_table_lookup (m->existing_keys, key);
  if (existing != NULL)
    {
      state->id = g_strdup (existing);
      state->existed = TRUE;
      m->source_report->existing[t]++;
      return TRUE;
    }

  /* The legacy id when it is free, else one made from the identity. */
  {
    gboolean taken = TRUE;

    if (valid_session_id (orig_id) && !g_hash_table_contains (m->used_ids, orig_id) &&
        !row_exists (m, m->id_taken, orig_id, &taken, error))
      return FALSE;

    if (!taken)
      state->id = g_strdup (orig_id);
    else
      {
        g_autofree char *name = g_strconcat ("session\x1f", key, NULL);

        state->id = _lab_legacy_uuid_for_key (name);
        if (!row_exists (m, m->id_taken, state->id, &taken, error))
          return FALSE;
        if (taken || g_hash_table_contains (m->used_ids, state->id))
          {
            g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                         _("Cannot give the legacy session “%s” an id of its own"), orig_id);
            return FALSE;
          }
      }
  }

  g_hash_table_add (m->used_ids, g_strdup (state->id));
  g_hash_table_insert (m->existing_keys, g_strdup (key), g_strdup (state->id));
  state->next_sequence = 1;

  json_object_set_string_member (row, "id", state->id);
  json_object_set_string_member (legacy_member (row), "key", key);

  if (!insert_row (m, "sessions", row, error))
    return FALSE;

  if (m->write)
    json_array_add_string_element (m->added_sessions, state->id);
  m->source_report->added[t]++;
  m->source_report->row_bytes += 512;

  return TRUE;
}

static gboolean
next_sequence (Migration     *m,
               SessionState  *state,
               gint64        *sequence,
               GError       **error)
{
  if (state->next_sequence == 0)
    {
      int rc;

      state->next_sequence = 1;
      if (m->max_sequence != NULL)
        {
          sqlite3_reset (m->max_sequence);
          sqlite3_bind_text (m->max_sequence, 1, state->id, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (m->max_sequence);
          if (rc == SQLITE_ROW)
            state->next_sequence = sqlite3_column_int64 (m->max_sequence, 0) + 1;
          sqlite3_reset (m->max_sequence);
          if (rc != SQLITE_ROW)
            return lab_db_set_error (m->db, error, rc, NULL);
        }
    }

  *sequence = state->next_sequence++;
  return TRUE;
}

static void
add_row_id (Migration  *m,
            const char *table,
            const char *id)
{
  if (!json_object_has_member (m->added_rows, table))
    json_object_set_array_member (m->added_rows, table, json_array_new ());

  json_array_add_string_element (json_object_get_array_member (m->added_rows, table), id);
}

/* A row of a table that belongs to no session keeps its id: the same id is
 * the same row; one the store has with other contents is kept as it is. */
static gboolean
emit_keyed_row (Migration           *m,
                const LabTableInfo  *info,
                int                  t,
                const char          *id,
                JsonObject          *row,
                GError             **error)
{
  gboolean exists = FALSE;

  if (!row_exists (m, m->exists[t], id, &exists, error))
    return FALSE;

  if (exists)
    {
      g_autoptr(JsonObject) stored = lab_row_fetch (m->db, info, row, error);

      if (stored == NULL && error != NULL && *error != NULL)
        return FALSE;
      if (stored != NULL && !lab_row_equal (info, stored, row))
        add_issue (m, id, _("the store has a row of this id with other contents; it is kept as it "
                            "is"));
      else
        m->source_report->existing[t]++;
      return TRUE;
    }

  if (!insert_row (m, info->name, row, error))
    return FALSE;

  if (m->write)
    {
      add_row_id (m, info->name, id);
      g_ptr_array_add (m->keyed_rows, g_strdup (info->name));
      g_ptr_array_add (m->keyed_rows, g_strdup (id));
    }
  m->source_report->added[t]++;
  m->source_report->row_bytes += 512;

  return TRUE;
}

gboolean
_lab_legacy_emit_row (LabLegacyEmitter  *emitter,
                      const char        *table,
                      const char        *orig_session_id,
                      const char        *orig_id,
                      JsonObject        *row,
                      GError           **error)
{
  Migration *m = migration_from_emitter (emitter);
  const LabTableInfo *info = lab_schema_get_table (table);
  SessionState *state = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *id = NULL;
  gboolean exists = FALSE;
  int t = _lab_migration_table_index (table);
  guint n = 1;

  g_return_val_if_fail (t >= 0, FALSE);

  /* A table of no session (brains) keys its rows by their own id. */
  if (info->session_column == NULL)
    return emit_keyed_row (m, info, t, orig_id, row, error);

  if (orig_session_id != NULL)
    {
      state = g_hash_table_lookup (m->sessions, orig_session_id);
      g_return_val_if_fail (state != NULL, FALSE);
    }

  if (m->write && !check_fail_point ("row", error))
    return FALSE;

  /* Legacy tables need not have unique ids: a repeated one within a session
   * gets the number of its occurrence, in the source's order. */
  if (state != m->child_state || g_strcmp0 (table, m->child_table) != 0)
    {
      g_hash_table_remove_all (m->child_keys);
      m->child_state = state;
      m->child_table = table;
    }
  identity = g_strjoin ("\x1f", state ? state->key : m->kind, table, orig_id, NULL);
  while (g_hash_table_contains (m->child_keys, identity))
    {
      g_free (identity);
      identity = g_strdup_printf ("%s\x1f%s\x1f%s\x1f#%u", state ? state->key : m->kind, table,
                                  orig_id, ++n);
    }
  g_hash_table_add (m->child_keys, g_strdup (identity));
  id = _lab_legacy_uuid_for_key (identity);

  if ((state == NULL || state->existed) && !row_exists (m, m->exists[t], id, &exists, error))
    return FALSE;
  if (exists)
    {
      m->source_report->existing[t]++;
      return TRUE;
    }

  json_object_set_string_member (row, "id", id);
  if (state != NULL)
    json_object_set_string_member (row, "session_id", state->id);
  else
    json_object_set_null_member (row, "session_id");

  if (g_str_equal (table, "messages"))
    {
      gint64 sequence = 0;

      if (!next_sequence (m, state, &sequence, error))
        return FALSE;
      json_object_set_int_member (row, "sequence", sequence);
      m->source_report->row_bytes += strlen (json_object_get_string_member (row, "content")) * 2;
    }

  if (!insert_row (m, table, row, error))
    return FALSE;

  if (m->write && (state == NULL || state->existed))
    add_row_id (m, table, id);
  m->source_report->added[t]++;
  m->source_report->row_bytes += 256;

  return TRUE;
}

/* Creates the folders of @path below the workspace that are missing,
 * remembering each, so that a failure can remove exactly those. */
static gboolean
make_parents (Migration   *m,
              const char  *path,
              GError     **error)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);

  while (!g_file_test (parent, G_FILE_TEST_IS_DIR))
    {
      char *up = g_path_get_dirname (parent);

      g_ptr_array_add (missing, g_steal_pointer (&parent));
      parent = up;
    }

  for (guint i = missing->len; i > 0; i--)
    {
      const char *dir = g_ptr_array_index (missing, i - 1);

      if (g_mkdir (dir, 0700) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot create the folder “%s”"), dir);
          return FALSE;
        }
      g_ptr_array_add (m->created_dirs, g_strdup (dir));
    }

  return TRUE;
}

/* lab_file_copy_atomic() writes "<dest>.tmp-XXXXXX" first; a run killed in the
 * middle of a copy leaves one behind. Only names of exactly that form go. */
static void
remove_stale_temps (const char *dest)
{
  g_autofree char *folder = g_path_get_dirname (dest);
  g_autofree char *prefix = g_strconcat (dest + strlen (folder) + 1, ".tmp-", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gsize len = strlen (prefix);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, prefix) && strlen (name) == len + 6)
        {
          g_autofree char *stale = g_build_filename (folder, name, NULL);

          g_unlink (stale);
        }
    }
}

static gboolean
stored_file_sha (Migration    *m,
                 const char   *session_id,
                 const char   *relative,
                 char        **sha256,
                 gboolean     *found,
                 GError      **error)
{
  int rc;

  *found = FALSE;
  *sha256 = NULL;
  if (m->file_row == NULL)
    return TRUE;

  sqlite3_reset (m->file_row);
  sqlite3_bind_text (m->file_row, 1, session_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (m->file_row, 2, relative, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (m->file_row);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *sha256 = g_strdup ((const char *) sqlite3_column_text (m->file_row, 0));
    }
  sqlite3_reset (m->file_row);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return lab_db_set_error (m->db, error, rc, NULL);

  return TRUE;
}

gboolean
_lab_legacy_emit_file (LabLegacyEmitter  *emitter,
                       const char        *orig_session_id,
                       const char        *path,
                       const char        *relative,
                       GError           **error)
{
  Migration *m = migration_from_emitter (emitter);
  SessionState *state = g_hash_table_lookup (m->sessions, orig_session_id);
  g_autofree char *folder = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *stored_sha = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *modified = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) record = NULL;
  gboolean stored = FALSE;
  gboolean created = TRUE;
  int t = _lab_migration_table_index ("workspace_files");
  struct stat st;

  g_return_val_if_fail (state != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (m->cancellable, error))
    return FALSE;

  if (!lab_relative_path_is_safe (relative))
    {
      add_issue (m, path, _("its name cannot be kept safely in a workspace (a backslash or a "
                            "control character); not copied"));
      return TRUE;
    }

  if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno ? saved_errno : EINVAL,
                                  _("Cannot read “%s”"), path);
      return FALSE;
    }

  folder = lab_data_dir_get_session_workspace (m->dir, state->id);
  dest = g_build_filename (folder, relative, NULL);

  /* Brought in before: the same file is skipped, a changed one is said. */
  if (state->existed && !stored_file_sha (m, state->id, relative, &stored_sha, &stored, error))
    return FALSE;
  if (stored)
    {
      g_autofree char *source_sha = lab_file_sha256 (path, NULL, m->cancellable, error);

      if (source_sha == NULL)
        return FALSE;
      if (g_strcmp0 (source_sha, stored_sha) == 0)
        m->source_report->existing[t]++;
      else
        add_issue (m, path, _("it changed since it was migrated; the copy in LabData is kept as "
                              "it is"));
      return TRUE;
    }

  /* A file already at its place but not in the database was left by a run
   * that was killed before its commit: the same file is taken as it is. */
  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dest_sha = lab_file_sha256 (dest, NULL, m->cancellable, NULL);
      g_autofree char *source_sha = lab_file_sha256 (path, NULL, m->cancellable, error);

      if (source_sha == NULL)
        return FALSE;
      if (g_strcmp0 (dest_sha, source_sha) != 0)
        {
          add_issue (m, path, _("a different file is already in its place in the workspace; "
                                "not copied"));
          return TRUE;
        }
      sha = g_steal_pointer (&source_sha);
      created = FALSE;
    }

  m->source_report->added[t]++;
  m->source_report->bytes += st.st_size;
  if (!m->write)
    return TRUE;

  if (!check_fail_point ("file", error))
    return FALSE;

  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    remove_stale_temps (dest);

  if (created)
    {
      CopiedFile *copy;
      struct timespec times[2] = { st.st_atim, st.st_mtim };

      if (!make_parents (m, dest, error) ||
          !lab_file_copy_atomic (path, dest, &sha, m->cancellable, error))
        return FALSE;

      copy = g_new0 (CopiedFile, 1);
      copy->source = g_strdup (path);
      copy->dest = g_strdup (dest);
      copy->sha256 = g_strdup (sha);
      copy->size = st.st_size;
      copy->created = TRUE;
      g_ptr_array_add (m->copied, copy);

      /* The file keeps its time: it says when the agent made it. */
      utimensat (AT_FDCWD, dest, times, AT_SYMLINK_NOFOLLOW);
    }
  else
    {
      CopiedFile *copy = g_new0 (CopiedFile, 1);

      copy->source = g_strdup (path);
      copy->dest = g_strdup (dest);
      copy->sha256 = g_strdup (sha);
      copy->size = st.st_size;
      g_ptr_array_add (m->copied, copy);
    }

  modified = lab_timestamp_format ((gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC +
                                   st.st_mtim.tv_nsec / 1000);
  row = json_object_new ();
  json_object_set_string_member (row, "session_id", state->id);
  json_object_set_string_member (row, "path", relative);
  json_object_set_int_member (row, "size", st.st_size);
  json_object_set_string_member (row, "sha256", sha);
  json_object_set_string_member (row, "modified_at", modified);
  if (!insert_row (m, "workspace_files", row, error))
    return FALSE;

  record = json_object_new ();
  json_object_set_string_member (record, "session_id", state->id);
  json_object_set_string_member (record, "path", relative);
  json_object_set_string_member (record, "sha256", sha);
  json_object_set_int_member (record, "size", st.st_size);
  json_object_set_string_member (record, "source", path);
  json_object_set_int_member (record, "mode", st.st_mode & 07777);
  json_object_set_boolean_member (record, "moved", FALSE);
  json_array_add_object_element (m->added_files, g_steal_pointer (&record));

  return TRUE;
}

/*
 * Verification
 */

typedef struct
{
  Migration *m;
  GError *error;
} Verify;

static gint64
count_migrated (Migration   *m,
                const char  *table,
                const char  *session_id,
                GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE session_id IS ? AND "
                                          "json_extract (metadata, '$.legacy.source') = ?", table);
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (m->db, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;

  if (session_id != NULL)
    sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, m->kind, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return (lab_db_set_error (m->db, error, rc, NULL), -1);

  return sqlite3_column_int64 (stmt, 0);
}

static void
verify_count_cb (const char *orig_session_id,
                 const char *tables,
                 gint64      expected,
                 gpointer    user_data)
{
  Verify *v = user_data;
  Migration *m = v->m;
  SessionState *state = NULL;
  g_auto(GStrv) parts = NULL;
  gint64 actual = 0;

  if (v->error != NULL)
    return;

  if (orig_session_id != NULL)
    {
      state = g_hash_table_lookup (m->sessions, orig_session_id);
      if (state == NULL)
        {
          g_set_error (&v->error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                       _("Verification failed: the legacy session “%s” was not migrated"),
                       orig_session_id);
          return;
        }
    }

  parts = g_strsplit (tables, "+", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 n = count_migrated (m, parts[i], state ? state->id : NULL, &v->error);

      if (n < 0)
        return;
      actual += n;
    }

  /* A session made by this run holds exactly its legacy rows; one an earlier
   * run (of this or another copy of the source) made holds at least them. */
  if (actual < expected || (state != NULL && !state->existed && actual != expected))
    {
      g_autofree char *in_source = g_strdup_printf ("%" G_GINT64_FORMAT, expected);
      g_autofree char *in_store = g_strdup_printf ("%" G_GINT64_FORMAT, actual);

      g_set_error (&v->error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Verification failed: %s of the legacy session “%s” has %s rows in the "
                     "source but %s in LabData"),
                   tables, orig_session_id ? orig_session_id : "-", in_source, in_store);
    }
}

static gboolean
verify_source (Migration  *m,
               sqlite3    *source_db,
               GError    **error)
{
  Verify v = { m, NULL };
  GHashTableIter iter;
  SessionState *state;

  if (!check_fail_point ("verify", error))
    return FALSE;

  g_hash_table_iter_init (&iter, m->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      gboolean exists;

      if (!row_exists (m, m->id_taken, state->id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                       _("Verification failed: the session “%s” is not in LabData"), state->id);
          return FALSE;
        }
    }

  /* Rows that keep their id (brains) are looked up one by one. */
  for (guint i = 0; i + 1 < m->keyed_rows->len; i += 2)
    {
      const char *table = g_ptr_array_index (m->keyed_rows, i);
      const char *id = g_ptr_array_index (m->keyed_rows, i + 1);
      gboolean exists;

      if (!row_exists (m, m->exists[_lab_migration_table_index (table)], id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                       _("Verification failed: %s “%s” is not in LabData"), table, id);
          return FALSE;
        }
    }

  if (!_lab_legacy_source_count (m->source, source_db, verify_count_cb, &v, error))
    return FALSE;
  if (v.error != NULL)
    {
      g_propagate_error (error, v.error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
verify_files (Migration  *m,
              GError    **error)
{
  for (guint i = 0; i < m->copied->len; i++)
    {
      CopiedFile *copy = g_ptr_array_index (m->copied, i);
      g_autofree char *sha = NULL;
      goffset size = 0;

      /* Read back what was written, not what was meant to be. */
      sha = lab_file_sha256 (copy->dest, &size, m->cancellable, error);
      if (sha == NULL)
        return FALSE;
      if (!g_str_equal (sha, copy->sha256) || (guint64) size != copy->size)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("Verification failed: the copy of “%s” does not match it"), copy->source);
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * The passes
 */

static void
begin_source (Migration       *m,
              LabLegacySource *source,
              int              index)
{
  m->source = source;
  m->source_index = index;
  m->source_report = LAB_MIGRATION_SOURCE (m->report, index);
  m->kind = lab_legacy_kind_to_string (lab_legacy_source_get_kind (source));
  g_clear_pointer (&m->sessions, g_hash_table_unref);
  m->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, session_state_free);
  m->child_state = NULL;
  m->child_table = NULL;
  g_hash_table_remove_all (m->child_keys);
}

static gboolean
migrate_source (Migration  *m,
                GError    **error)
{
  sqlite3 *source_db = NULL;
  gboolean ok;

  if (!load_existing_keys (m, error))
    return FALSE;

  /* A JSON export is a file the reader parses whole, not a database. */
  if (lab_legacy_source_get_kind (m->source) != LAB_LEGACY_KIND_JSON_EXPORT)
    {
      source_db = _lab_legacy_source_open_db (m->source, error);
      if (source_db == NULL)
        return FALSE;
    }

  /* One read transaction: the rows read and the rows counted to verify them
   * are the same, even if the legacy program writes meanwhile. */
  ok = _lab_legacy_source_read (m->source, source_db, &m->emitter, error) &&
       (!m->write || verify_source (m, source_db, error));

  if (source_db != NULL)
    {
      sqlite3_exec (source_db, "COMMIT", NULL, NULL, NULL);
      sqlite3_close (source_db);
    }

  return ok;
}

static gboolean
run_pass (Migration  *m,
          GError    **error)
{
  guint n = m->report->sources->len;

  m->child_keys = m->child_keys ? m->child_keys
                                : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->used_ids = m->used_ids ? m->used_ids
                            : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!prepare_statements (m, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      LabMigrationSourceReport *report = LAB_MIGRATION_SOURCE (m->report, i);
      double start, width;

      if (report->skipped)
        continue;

      /* A dry run reads for the whole bar; a migration reads for its first
       * twentieth, backs up, then writes from a tenth to nine tenths. */
      if (m->write)
        start = 0.1, width = 0.8;
      else if (m->flags & LAB_MIGRATE_DRY_RUN)
        start = 0.0, width = 1.0;
      else
        start = 0.0, width = 0.05;

      begin_source (m, report->source, i);
      m->progress_base = start + width * i / n;
      m->progress_span = width / n;

      if (!migrate_source (m, error))
        {
          g_prefix_error (error, "%s: ", lab_legacy_source_get_display_name (report->source));
          return FALSE;
        }
    }

  return TRUE;
}

/* The free space where the store is, or would be created. */
static guint64
free_space (LabDataDir *dir)
{
  g_autofree char *path = g_strdup (lab_data_dir_get_root (dir));
  struct statvfs st;

  while (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      char *up = g_path_get_dirname (path);

      if (g_str_equal (up, path))
        {
          g_free (up);
          break;
        }
      g_free (path);
      path = up;
    }

  if (statvfs (path, &st) != 0)
    return G_MAXUINT64;

  return (guint64) st.f_bavail * st.f_frsize;
}

static void
estimate_space (LabMigrationReport *report,
                LabDataDir         *dir)
{
  guint64 needed = 0;
  struct stat st;

  for (guint i = 0; i < report->sources->len; i++)
    {
      LabMigrationSourceReport *source = LAB_MIGRATION_SOURCE (report, i);

      /* The rows, their full-text index and the write-ahead log; the files. */
      needed += source->bytes + 3 * source->row_bytes;
    }

  /* The pre-migration backup copies the database. */
  if (stat (lab_data_dir_get_db_path (dir), &st) == 0)
    needed += st.st_size;

  report->space_needed = needed;
  report->space_free = free_space (dir);
}

static void
undo_files (Migration *m)
{
  /* Files first, newest first, then the folders this run made, if empty. */
  for (guint i = m->copied->len; i > 0; i--)
    {
      CopiedFile *copy = g_ptr_array_index (m->copied, i - 1);

      if (copy->created)
        g_unlink (copy->dest);
    }

  for (guint i = m->created_dirs->len; i > 0; i--)
    g_rmdir (g_ptr_array_index (m->created_dirs, i - 1));
}

static char *
relative_to_root (LabDataDir *dir,
                  const char *path)
{
  const char *root = lab_data_dir_get_root (dir);
  gsize len = strlen (root);

  if (g_str_has_prefix (path, root) && path[len] == '/')
    return g_strdup (path + len + 1);

  return g_strdup (path);
}

static char *
new_log_path (LabDataDir *dir,
              GDateTime  *now)
{
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d_%H%M%S");

  for (guint i = 0;; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup_printf ("migration_log_%s.json", stamp)
                                     : g_strdup_printf ("migration_log_%s_%u.json", stamp, i);
      char *path = g_build_filename (lab_data_dir_get_logs_path (dir), name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

static gboolean
write_json_file (const char  *path,
                 JsonObject  *object,
                 GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree char *folder = g_path_get_dirname (path);

  json_node_set_object (node, object);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  return lab_mkdir_private (folder, error) && lab_file_replace_contents (path, text, -1, error);
}

static gboolean
write_log (Migration   *m,
           const char  *path,
           const char  *status,
           const GError *failure,
           GError     **error)
{
  g_autoptr(JsonObject) log = json_object_new ();
  g_autoptr(JsonNode) report = lab_migration_report_to_json (m->report);
  JsonObject *added = json_object_new ();
  JsonArray *folders = json_array_new ();

  json_object_set_string_member (log, "format", LOG_FORMAT);
  json_object_set_int_member (log, "version", LOG_VERSION);
  json_object_set_string_member (log, "status", status);
  json_object_set_string_member (log, "app_version", PACKAGE_VERSION);
  json_object_set_string_member (log, "data_dir", lab_data_dir_get_root (m->dir));
  json_object_set_string_member (log, "started_at", m->report->started_at);
  json_object_set_string_member (log, "finished_at", m->report->finished_at);
  if (m->report->backup_name != NULL)
    json_object_set_string_member (log, "backup", m->report->backup_name);
  json_object_set_boolean_member (log, "move_files", (m->flags & LAB_MIGRATE_MOVE_FILES) != 0);
  if (failure != NULL)
    {
      json_object_set_string_member (log, "error", failure->message);
      json_object_set_string_member (log, "result", "Nothing was changed: the database was rolled "
                                                    "back and every file copied was removed.");
    }
  json_object_set_member (log, "report", g_steal_pointer (&report));

  if (failure == NULL)
    {
      for (guint i = 0; i < m->created_dirs->len; i++)
        {
          g_autofree char *folder = relative_to_root (m->dir,
                                                      g_ptr_array_index (m->created_dirs, i));

          json_array_add_string_element (folders, folder);
        }
      json_object_set_array_member (added, "sessions", json_array_ref (m->added_sessions));
      json_object_set_object_member (added, "rows", json_object_ref (m->added_rows));
      json_object_set_array_member (added, "files", json_array_ref (m->added_files));
      json_object_set_array_member (added, "folders", folders);
      json_object_set_object_member (log, "added", added);
    }
  else
    {
      json_array_unref (folders);
      json_object_unref (added);
    }

  return write_json_file (path, log, error);
}

static void
backup_progress_cb (double      fraction,
                    const char *message,
                    gpointer    user_data)
{
  Migration *m = user_data;

  /* The backup has its share of the bar between the reading and the writing. */
  m->progress (0.05 + 0.05 * CLAMP (fraction, 0, 1), message, m->progress_data);
}

static gboolean
make_backup (Migration  *m,
             GError    **error)
{
  g_autofree char *name = NULL;

  name = lab_backup_create (m->dir, LAB_BACKUP_KIND_PRE_MIGRATION,
                            m->progress ? backup_progress_cb : NULL, m,
                            m->cancellable, error);
  if (name == NULL)
    {
      g_prefix_error (error, _("The pre-migration backup failed, so nothing was migrated: "));
      return FALSE;
    }

  m->report->backup_name = g_steal_pointer (&name);
  return TRUE;
}

/* After the commit: the sources of verified copies go, when asked. The
 * legacy databases themselves are never changed. */
static void
remove_moved_sources (Migration *m)
{
  guint n = json_array_get_length (m->added_files);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *record = json_array_get_object_element (m->added_files, i);
      const char *source = json_object_get_string_member (record, "source");
      g_autoptr(GError) error = NULL;

      if (!check_fail_point ("move", &error) || g_unlink (source) != 0)
        {
          g_autofree char *message = g_strdup_printf (_("the copy in LabData is verified but the "
                                                        "original could not be removed: %s"),
                                                      error ? error->message : g_strerror (errno));

          _lab_migration_report_add_issue (m->report, -1, source, message);
          continue;
        }
      json_object_set_boolean_member (record, "moved", TRUE);
    }
}

static void
add_unusable_sources (LabMigrationReport *report)
{
  for (guint i = 0; i < report->sources->len; i++)
    {
      LabMigrationSourceReport *source = LAB_MIGRATION_SOURCE (report, i);
      const GError *problem = lab_legacy_source_get_problem (source->source);

      if (problem == NULL)
        continue;

      source->skipped = TRUE;
      _lab_migration_report_add_issue (report, i,
                                       lab_legacy_source_get_display_name (source->source),
                                       problem->message);
    }
}

static gboolean
refuse_unusable (LabMigrationReport  *report,
                 GError             **error)
{
  g_autoptr(GString) reasons = g_string_new (NULL);

  for (guint i = 0; i < report->sources->len; i++)
    {
      LabMigrationSourceReport *source = LAB_MIGRATION_SOURCE (report, i);
      LabMigrationIssue *issue = NULL;

      if (!source->skipped)
        continue;
      for (guint j = 0; j < report->issues->len && issue == NULL; j++)
        {
          LabMigrationIssue *candidate = g_ptr_array_index (report->issues, j);

          if (candidate->source == (int) i)
            issue = candidate;
        }
      g_string_append_printf (reasons, "\n  %s: %s",
                              lab_legacy_source_get_display_name (source->source),
                              issue ? issue->message : "");
    }

  if (reasons->len == 0)
    return TRUE;

  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("Nothing was migrated, because not every source can be migrated as it is:%s"),
               reasons->str);
  return FALSE;
}

/**
 * lab_migrate:
 * @dir: the data directory to migrate into; the store is created if needed
 * @sources: (element-type LabLegacySource): from lab_legacy_detect()
 * @flags: #LabMigrateFlags
 * @progress: (nullable) (scope call): progress reports
 *
 * Migrates @sources into the store, or with %LAB_MIGRATE_DRY_RUN reports what
 * that would do without writing anything. A migration refuses to start when
 * a source is not usable (damaged, locked by its program) or the disk has too
 * little space; it makes a pre-migration backup (unless the store is new),
 * writes in one transaction, verifies, and on any failure leaves the store as
 * it was. A migration with nothing new writes nothing.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
LabMigrationReport *
lab_migrate (LabDataDir       *dir,
             GPtrArray        *sources,
             LabMigrateFlags   flags,
             LabProgressFunc   progress,
             gpointer          progress_data,
             GCancellable     *cancellable,
             GError          **error)
{
  Migration m = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *log_path = NULL;
  gboolean dry_run = (flags & LAB_MIGRATE_DRY_RUN) != 0;
  gboolean in_transaction = FALSE;
  gboolean store_existed;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (sources != NULL, NULL);

  m.emitter.m = &m;
  m.dir = dir;
  m.flags = flags;
  m.progress = progress;
  m.progress_data = progress_data;
  m.cancellable = cancellable;
  m.report = _lab_migration_report_new (dry_run ? LAB_MIGRATION_REPORT_DRY_RUN
                                                : LAB_MIGRATION_REPORT_MIGRATION);
  m.report->started_at = lab_timestamp_now ();
  for (guint i = 0; i < sources->len; i++)
    _lab_migration_report_add_source (m.report, g_ptr_array_index (sources, i));
  add_unusable_sources (m.report);

  if (!dry_run && !refuse_unusable (m.report, error))
    goto fail_early;

  /* The first pass only reads: it is the dry run, and it tells a migration
   * how much space it needs before anything is written. */
  store_existed = lab_data_dir_exists (dir);
  if (store_existed)
    {
      m.db = lab_db_open (dir, LAB_DB_OPEN_READ_ONLY, error);
      if (m.db == NULL)
        goto fail_early;
      lab_db_set_cancellable (m.db, cancellable);
    }
  m.write = FALSE;
  if (!run_pass (&m, error))
    goto fail_early;
  estimate_space (m.report, dir);

  if (dry_run)
    goto done;

  if (lab_migration_report_get_total_added (m.report) == 0)
    {
      /* Everything was migrated before: nothing to back up, nothing to log. */
      m.report->verified = TRUE;
      goto done;
    }

  if (m.report->space_free < m.report->space_needed)
    {
      g_autofree char *needed = g_format_size (m.report->space_needed);
      g_autofree char *available = g_format_size (m.report->space_free);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NO_SPACE,
                   _("The migration needs about %s of disk space but only %s is free; nothing "
                     "was migrated"), needed, available);
      goto fail_early;
    }

  /* The second pass writes, from counts reset to zero. */
  for (guint i = 0; i < m.report->sources->len; i++)
    {
      LabMigrationSourceReport *report = LAB_MIGRATION_SOURCE (m.report, i);

      memset (report->added, 0, sizeof report->added);
      memset (report->existing, 0, sizeof report->existing);
      report->bytes = 0;
      report->row_bytes = 0;
    }
  g_ptr_array_set_size (m.report->issues, 0);
  add_unusable_sources (m.report);
  g_clear_pointer (&m.used_ids, g_hash_table_unref);
  migration_free_statements (&m);
  g_clear_object (&m.db);

  m.db = lab_db_open (dir, LAB_DB_OPEN_DEFAULT, error);
  if (m.db == NULL)
    goto fail_early;
  lab_db_set_cancellable (m.db, cancellable);

  /* A store made just now holds nothing a backup could keep. */
  if (store_existed)
    {
      if (progress != NULL)
        progress (0.05, _("Backing up the store before the migration"), progress_data);
      if (!make_backup (&m, error))
        goto fail_early;
    }

  log_path = new_log_path (dir, now);
  m.write = TRUE;
  m.added_sessions = json_array_new ();
  m.added_rows = json_object_new ();
  m.added_files = json_array_new ();
  m.keyed_rows = g_ptr_array_new_with_free_func (g_free);
  m.copied = g_ptr_array_new_with_free_func (copied_file_free);
  m.created_dirs = g_ptr_array_new_with_free_func (g_free);

  /* One long transaction: a bigger page cache keeps SQLite from spilling
   * pages to the WAL before the commit, and the FTS merges in memory. */
  lab_db_exec (m.db, "PRAGMA cache_size = -65536", NULL);
  lab_db_exec (m.db, "PRAGMA temp_store = MEMORY", NULL);

  if (!lab_db_begin (m.db, &local_error))
    goto fail;
  in_transaction = TRUE;
  if (!lab_db_begin_bulk (m.db, &local_error))
    goto fail;

  if (!run_pass (&m, &local_error))
    goto fail;

  if (progress != NULL)
    progress (0.9, _("Verifying the migrated files"), progress_data);
  if (!verify_files (&m, &local_error) ||
      !lab_db_end_bulk (m.db, &local_error) ||
      !check_fail_point ("commit", &local_error) ||
      !lab_db_commit (m.db, &local_error))
    goto fail;
  in_transaction = FALSE;
  m.report->verified = TRUE;

  if (flags & LAB_MIGRATE_MOVE_FILES)
    remove_moved_sources (&m);

  m.report->finished_at = lab_timestamp_now ();
  m.report->log_path = g_strdup (log_path);
  {
    g_autoptr(GError) log_error = NULL;
    g_autoptr(JsonObject) details = json_object_new ();

    /* The data is in and verified; a log that cannot be written is said, not
     * a reason to undo the migration. */
    if (!write_log (&m, log_path, "completed", NULL, &log_error))
      {
        _lab_migration_report_add_issue (m.report, -1, log_path, log_error->message);
        g_clear_pointer (&m.report->log_path, g_free);
      }

    json_object_set_string_member (details, "log", log_path);
    json_object_set_int_member (details, "rows_added",
                                lab_migration_report_get_total_added (m.report));
    if (m.report->backup_name)
      json_object_set_string_member (details, "backup", m.report->backup_name);
    lab_oplog_append (dir, "migrate", details, NULL);
  }

  if (progress != NULL)
    progress (1.0, _("Migration complete"), progress_data);

done:
  if (m.report->finished_at == NULL)
    m.report->finished_at = lab_timestamp_now ();
  {
    LabMigrationReport *report = g_steal_pointer (&m.report);

    migration_clear (&m);
    return report;
  }

fail:
  if (in_transaction)
    {
      lab_db_rollback (m.db);
      lab_db_abandon_bulk (m.db);
    }
  undo_files (&m);
  m.report->finished_at = lab_timestamp_now ();
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(JsonObject) details = json_object_new ();

      write_log (&m, log_path, "failed", local_error, NULL);
      json_object_set_string_member (details, "log", log_path);
      json_object_set_string_member (details, "error", local_error->message);
      lab_oplog_append (dir, "migrate-failed", details, NULL);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  migration_clear (&m);
  return NULL;

fail_early:
  migration_clear (&m);
  return NULL;
}

typedef struct
{
  LabDataDir *dir;
  GPtrArray *sources;
  LabMigrateFlags flags;
  LabProgress *progress;
  char *log_path;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *td = data;

  g_clear_object (&td->dir);
  g_clear_pointer (&td->sources, g_ptr_array_unref);
  g_clear_object (&td->progress);
  g_free (td->log_path);
  g_free (td);
}

/* The thread of both async calls: a rollback when there is a log. */
static void
task_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *td = task_data;
  LabProgressFunc progress = td->progress ? lab_progress_report : NULL;
  LabMigrationReport *report;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (td->log_path != NULL)
    report = lab_migrate_rollback (td->dir, td->log_path, progress, td->progress, cancellable,
                                   &error);
  else
    report = lab_migrate (td->dir, td->sources, td->flags, progress, td->progress, cancellable,
                          &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

static void
run_task (TaskData            *td,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, td, task_data_free);
  g_task_run_in_thread (task, task_thread);
}

static LabMigrationReport *
finish_task (GAsyncResult  *result,
             gpointer       source_tag,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_migrate_async:
 * @sources: (element-type LabLegacySource)
 * @progress: (nullable): where progress is published, on its main context
 *
 * Runs lab_migrate() in a thread, which opens its own connection.
 */
void
lab_migrate_async (LabDataDir          *dir,
                   GPtrArray           *sources,
                   LabMigrateFlags      flags,
                   LabProgress         *progress,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (sources != NULL);

  td = g_new0 (TaskData, 1);
  td->dir = g_object_ref (dir);
  td->sources = g_ptr_array_ref (sources);
  td->flags = flags;
  td->progress = progress ? g_object_ref (progress) : NULL;
  run_task (td, lab_migrate_async, cancellable, callback, user_data);
}

/**
 * lab_migrate_finish:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
LabMigrationReport *
lab_migrate_finish (GAsyncResult  *result,
                    GError       **error)
{
  return finish_task (result, lab_migrate_async, error);
}

/*
 * Rollback of a completed migration, from its log
 */

/**
 * lab_migrate_find_log:
 * @name: a path, or the name of a file in the store's logs folder
 *
 * Returns: (transfer full): the log's path, or %NULL with @error set
 */
char *
lab_migrate_find_log (LabDataDir  *dir,
                      const char  *name,
                      GError     **error)
{
  g_autofree char *in_logs = NULL;

  if (g_file_test (name, G_FILE_TEST_IS_REGULAR))
    return g_canonicalize_filename (name, NULL);

  if (strchr (name, '/') == NULL)
    {
      in_logs = g_build_filename (lab_data_dir_get_logs_path (dir), name, NULL);
      if (g_file_test (in_logs, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&in_logs);
    }

  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
               _("There is no migration log “%s”"), name);
  return NULL;
}

typedef struct
{
  char *session_id;
  char *path;
  char *sha256;
  char *source;
  int mode;
  gboolean moved;
} LoggedFile;

static void
logged_file_free (gpointer data)
{
  LoggedFile *file = data;

  g_free (file->session_id);
  g_free (file->path);
  g_free (file->sha256);
  g_free (file->source);
  g_free (file);
}

static gboolean
log_invalid (GError     **error,
             const char  *path,
             const char  *what)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“%s” is not a migration log LabData can undo: %s"), path, what);
  return FALSE;
}

static const char *
string_element (JsonArray *array,
                guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *
object_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Everything in the log is checked before anything is changed: ids are
 * strings, tables are LabData's, paths stay inside the workspace. */
static gboolean
read_log (const char  *path,
          JsonObject **log_out,
          GPtrArray  **files_out,
          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (logged_file_free);
  JsonObject *log;
  JsonObject *added;
  JsonObject *rows;
  JsonArray *array;
  JsonObjectIter iter;
  const char *table;
  JsonNode *node;

  if (!json_parser_load_from_file (parser, path, &local_error))
    return log_invalid (error, path, local_error->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return log_invalid (error, path, _("it is not a JSON object"));

  log = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (object_string (log, "format"), LOG_FORMAT) != 0)
    return log_invalid (error, path, _("it is not a migration log"));
  if (json_object_get_int_member_with_default (log, "version", 0) > LOG_VERSION)
    return log_invalid (error, path, _("it was written by a newer LabData"));

  if (g_strcmp0 (object_string (log, "status"), "completed") != 0)
    {
      if (g_strcmp0 (object_string (log, "status"), "rolled-back") == 0)
        return log_invalid (error, path, _("that migration was already undone"));
      return log_invalid (error, path, _("that migration did not complete, so it changed nothing"));
    }

  node = json_object_get_member (log, "added");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return log_invalid (error, path, _("it does not say what was added"));
  added = json_node_get_object (node);

  static const char * const arrays[] = { "sessions", "files", "folders" };
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      node = json_object_get_member (added, arrays[i]);
      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        return log_invalid (error, path, arrays[i]);
    }
  node = json_object_get_member (added, "rows");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return log_invalid (error, path, "rows");

  array = json_object_get_array_member (added, "sessions");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (string_element (array, i) == NULL)
        return log_invalid (error, path, _("a session id is not a string"));
    }

  rows = json_object_get_object_member (added, "rows");
  json_object_iter_init (&iter, rows);
  while (json_object_iter_next (&iter, &table, &node))
    {
      const LabTableInfo *info = lab_schema_get_table (table);

      if (info == NULL || lab_table_info_get_column (info, "id") == NULL ||
          !JSON_NODE_HOLDS_ARRAY (node))
        return log_invalid (error, path, _("it names a table LabData does not have"));
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (string_element (array, i) == NULL)
            return log_invalid (error, path, _("a row id is not a string"));
        }
    }

  array = json_object_get_array_member (added, "files");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      LoggedFile *file;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return log_invalid (error, path, _("a file is not described"));
      object = json_node_get_object (element);

      file = g_new0 (LoggedFile, 1);
      file->session_id = g_strdup (object_string (object, "session_id"));
      file->path = g_strdup (object_string (object, "path"));
      file->sha256 = g_strdup (object_string (object, "sha256"));
      file->source = g_strdup (object_string (object, "source"));
      file->moved = json_object_get_boolean_member_with_default (object, "moved", FALSE);
      file->mode = json_object_get_int_member_with_default (object, "mode", 0600) & 07777;
      g_ptr_array_add (files, file);

      if (file->session_id == NULL || !valid_session_id (file->session_id) ||
          !lab_relative_path_is_safe (file->path) || file->sha256 == NULL ||
          (file->moved && (file->source == NULL || !g_path_is_absolute (file->source))))
        return log_invalid (error, path, _("a file path is not safe"));
    }

  array = json_object_get_array_member (added, "folders");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *folder = string_element (array, i);

      if (folder == NULL || !lab_relative_path_is_safe (folder) ||
          !g_str_has_prefix (folder, "data/workspace/"))
        return log_invalid (error, path, _("a folder is not inside the workspace"));
    }

  *log_out = json_object_ref (log);
  *files_out = g_steal_pointer (&files);
  return TRUE;
}

static gboolean
delete_by (LabDb       *db,
           const char  *sql,
           const char  *first,
           const char  *second,
           gint64      *removed,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
  if (second != NULL)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_STATIC);
  if (!lab_db_step_done (db, stmt, error))
    return FALSE;

  *removed += sqlite3_changes (lab_db_get_handle (db));
  return TRUE;
}

static gint64
count_session_rows (LabDb       *db,
                    const char  *table,
                    const char  *session_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE session_id = ?", table);
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, NULL);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);

  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

/**
 * lab_migrate_rollback:
 * @log_path: the log of a completed migration (see lab_migrate_find_log())
 *
 * Undoes a completed migration: after a backup, removes in one transaction
 * exactly the sessions and rows it added, then the workspace files and
 * folders it made; files it moved are first put back where they were. The
 * log is marked, so that it is not undone twice.
 *
 * Returns: (transfer full): a report of what was removed, or %NULL with
 *   @error set and nothing changed
 */
LabMigrationReport *
lab_migrate_rollback (LabDataDir       *dir,
                      const char       *log_path,
                      LabProgressFunc   progress,
                      gpointer          progress_data,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(JsonObject) log = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) restored = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *backup = NULL;
  JsonObject *added;
  JsonArray *sessions;
  JsonObject *rows;
  JsonArray *folders;
  JsonObjectIter iter;
  const char *table;
  JsonNode *node;
  const LabTableInfo *tables;
  guint n_tables;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (log_path != NULL, NULL);

  if (!read_log (log_path, &log, &files, error))
    return NULL;

  added = json_object_get_object_member (log, "added");
  sessions = json_object_get_array_member (added, "sessions");
  rows = json_object_get_object_member (added, "rows");
  folders = json_object_get_array_member (added, "folders");
  tables = lab_schema_get_tables (&n_tables);

  report = _lab_migration_report_new (LAB_MIGRATION_REPORT_ROLLBACK);
  report->started_at = lab_timestamp_now ();

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);
  if (db == NULL)
    return NULL;
  lab_db_set_cancellable (db, cancellable);

  if (progress != NULL)
    progress (0.0, _("Backing up the store before undoing the migration"), progress_data);
  backup = lab_backup_create (dir, LAB_BACKUP_KIND_PRE_MIGRATION, NULL, NULL, cancellable, error);
  if (backup == NULL)
    {
      g_prefix_error (error, _("The backup failed, so nothing was undone: "));
      return NULL;
    }
  report->backup_name = g_strdup (backup);

  /* Files the migration moved go back first: if that fails, nothing else
   * has changed yet. */
  for (guint i = 0; i < files->len; i++)
    {
      LoggedFile *file = g_ptr_array_index (files, i);
      g_autofree char *folder = NULL;
      g_autofree char *copy = NULL;
      g_autofree char *parent = NULL;
      g_autofree char *sha = NULL;

      if (!file->moved)
        continue;

      folder = lab_data_dir_get_session_workspace (dir, file->session_id);
      copy = g_build_filename (folder, file->path, NULL);
      if (g_file_test (file->source, G_FILE_TEST_EXISTS))
        {
          _lab_migration_report_add_issue (report, -1, file->source,
                                           _("a file is back in its place already; it is left as "
                                             "it is and the copy in LabData removed"));
          continue;
        }
      parent = g_path_get_dirname (file->source);
      if (!lab_mkdir_private (parent, &local_error) ||
          !lab_file_copy_atomic (copy, file->source, &sha, cancellable, &local_error))
        goto fail;
      g_ptr_array_add (restored, g_strdup (file->source));

      /* Back as it was: its mode, and its time (the copy kept it). */
      {
        struct stat st;

        chmod (file->source, file->mode);
        if (stat (copy, &st) == 0)
          {
            struct timespec times[2] = { st.st_atim, st.st_mtim };

            utimensat (AT_FDCWD, file->source, times, 0);
          }
      }
      if (!g_str_equal (sha, file->sha256))
        _lab_migration_report_add_issue (report, -1, file->source,
                                         _("it was changed in LabData after the migration; it is "
                                           "put back as it is now"));
    }

  if (progress != NULL)
    progress (0.3, _("Removing the migrated data"), progress_data);
  if (!lab_db_begin (db, &local_error))
    goto fail;

  /* Sessions it made go with all their rows; the rows it added elsewhere go
   * one by one. The counts are taken before the cascade removes them. */
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      const char *id = json_array_get_string_element (sessions, i);
      gint64 removed = 0;

      for (guint t = 1; t < n_tables; t++)
        {
          if (g_strcmp0 (tables[t].session_column, "session_id") == 0)
            report->removed[t] += count_session_rows (db, tables[t].name, id);
        }
      if (!delete_by (db, "DELETE FROM sessions WHERE id = ?", id, NULL, &removed, &local_error))
        goto fail_transaction;
      report->removed[0] += removed;
    }

  json_object_iter_init (&iter, rows);
  while (json_object_iter_next (&iter, &table, &node))
    {
      JsonArray *ids = json_node_get_array (node);
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?",
                                              lab_schema_get_table (table)->name);
      int t = _lab_migration_table_index (table);

      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          const char *id = json_array_get_string_element (ids, i);

          if (!delete_by (db, sql, id, NULL, &report->removed[t], &local_error))
            goto fail_transaction;
        }
    }

  for (guint i = 0; i < files->len; i++)
    {
      LoggedFile *file = g_ptr_array_index (files, i);
      int t = _lab_migration_table_index ("workspace_files");

      if (!delete_by (db, "DELETE FROM workspace_files WHERE session_id = ? AND path = ?",
                      file->session_id, file->path, &report->removed[t], &local_error))
        goto fail_transaction;
    }

  if (!check_fail_point ("rollback-delete", &local_error) || !lab_db_commit (db, &local_error))
    goto fail_transaction;

  /* The database no longer names them: the files and the folders go. */
  if (progress != NULL)
    progress (0.8, _("Removing the migrated files"), progress_data);
  for (guint i = 0; i < files->len; i++)
    {
      LoggedFile *file = g_ptr_array_index (files, i);
      g_autofree char *folder = lab_data_dir_get_session_workspace (dir, file->session_id);
      g_autofree char *copy = g_build_filename (folder, file->path, NULL);

      if (g_unlink (copy) != 0 && errno != ENOENT)
        _lab_migration_report_add_issue (report, -1, copy, g_strerror (errno));
    }
  for (guint i = json_array_get_length (folders); i > 0; i--)
    {
      const char *relative = json_array_get_string_element (folders, i - 1);
      g_autofree char *folder = g_build_filename (lab_data_dir_get_root (dir), relative, NULL);

      g_rmdir (folder);
    }

  report->finished_at = lab_timestamp_now ();
  {
    g_autoptr(GError) log_error = NULL;
    g_autoptr(JsonObject) details = json_object_new ();

    json_object_set_string_member (log, "status", "rolled-back");
    json_object_set_string_member (log, "rolled_back_at", report->finished_at);
    json_object_set_string_member (log, "rollback_backup", backup);
    if (!write_json_file (log_path, log, &log_error))
      _lab_migration_report_add_issue (report, -1, log_path, log_error->message);

    json_object_set_string_member (details, "log", log_path);
    json_object_set_string_member (details, "backup", backup);
    lab_oplog_append (dir, "migrate-rollback", details, NULL);
  }
  report->log_path = g_strdup (log_path);

  if (progress != NULL)
    progress (1.0, _("The migration was undone"), progress_data);

  return g_steal_pointer (&report);

fail_transaction:
  lab_db_rollback (db);
fail:
  for (guint i = 0; i < restored->len; i++)
    g_unlink (g_ptr_array_index (restored, i));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * lab_migrate_rollback_async:
 * @progress: (nullable): where progress is published
 *
 * Runs lab_migrate_rollback() in a thread.
 */
void
lab_migrate_rollback_async (LabDataDir          *dir,
                            const char          *log_path,
                            LabProgress         *progress,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  TaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (log_path != NULL);

  td = g_new0 (TaskData, 1);
  td->dir = g_object_ref (dir);
  td->log_path = g_strdup (log_path);
  td->progress = progress ? g_object_ref (progress) : NULL;
  run_task (td, lab_migrate_rollback_async, cancellable, callback, user_data);
}

/**
 * lab_migrate_rollback_finish:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
LabMigrationReport *
lab_migrate_rollback_finish (GAsyncResult  *result,
                             GError       **error)
{
  return finish_task (result, lab_migrate_rollback_async, error);
}
