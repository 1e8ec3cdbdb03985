/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-check"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-backup-private.h"
#include "lab-check.h"
#include "lab-check-private.h"
#include "lab-cleanup.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-sha256.h"
#include "lab-timestamp.h"
#include "lab-usage.h"

/*
 * The integrity check. A quick check (quick_check and the schema version) runs
 * at every start-up; a full check runs on demand and covers everything the
 * store can get wrong: the database pages (integrity_check), the links between
 * rows (what foreign_key_check finds), the full-text indexes (FTS5's
 * integrity-check with rank 0, and a comparison of each external-content
 * index's rows with its table's), the workspace files against
 * workspace_files, the backups against their sidecars, and temporary files
 * left by interrupted operations. The deep check compares each index with its
 * table word by word (rank 1) instead.
 *
 * A full check runs its slow parts side by side, each on its own connection:
 * integrity_check, then the links and the index rows, on the calling thread;
 * the FTS5 integrity-checks and the file checks on two worker threads. The
 * two database halves take about as long as each other, so that on two cores
 * the whole check takes little longer than integrity_check alone. The FTS5
 * check is an INSERT statement in SQLite 3.40, so it holds the write lock
 * while it runs; writers wait for it (busy timeout), readers do not.
 *
 * The result is stored in data/check.json (one report per level), so that the
 * application can show the last status at once, without opening the database.
 */

#define MAX_SQLITE_MESSAGES 100
#define CHECK_MMAP_SIZE 2147418112  /* SQLite's largest, 2 GiB - 64 KiB */
/* A temporary file untouched for an hour belongs to no running operation. */
#define STALE_TEMP_AGE (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define TEMP_MARKER ".tmp-"                        /* see lab_open_temp_beside() */

typedef struct
{
  char *sha256;
  gint64 size;
  gboolean seen;
} FileRecord;

typedef struct
{
  LabDataDir *dir;
  GCancellable *cancellable;
  GPtrArray *findings;  /* of LabCheckFinding */
  GError *error;
  gboolean deep;        /* compare the full-text indexes word by word */
} Worker;

static void
file_record_free (gpointer data)
{
  FileRecord *record = data;

  g_free (record->sha256);
  g_free (record);
}

static void
worker_init (Worker       *worker,
             LabDataDir   *dir,
             GCancellable *cancellable)
{
  worker->dir = dir;
  worker->cancellable = cancellable;
  worker->findings = g_ptr_array_new_with_free_func (g_object_unref);
  worker->error = NULL;
  worker->deep = FALSE;
}

static void
worker_clear (Worker *worker)
{
  g_clear_pointer (&worker->findings, g_ptr_array_unref);
  g_clear_error (&worker->error);
}

static LabCheckFinding *
add_finding (GPtrArray           *findings,
             LabCheckFindingKind  kind,
             const char          *subject)
{
  LabCheckFinding *finding = lab_check_finding_new (kind, subject);

  g_ptr_array_add (findings, finding);
  return finding;
}

static char *
relative_to_root (LabDataDir *dir,
                  const char *path)
{
  const char *root = lab_data_dir_get_root (dir);
  gsize len = strlen (root);

  if (strncmp (path, root, len) == 0 && path[len] == '/')
    return g_strdup (path + len + 1);

  return g_strdup (path);
}

static gboolean
is_corruption (const GError *error)
{
  return g_error_matches (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT) ||
         g_error_matches (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE);
}

/* Reads PRAGMA user_version without LabDb's refusals, to say which version a
 * database has that LabDb would not open. */
static int
read_user_version (const char *path)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);

  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return version;
}

static gboolean
store_has_data_besides_db (LabDataDir *dir)
{
  const char *folders[] = {
    lab_data_dir_get_workspace_path (dir),
    lab_data_dir_get_backups_path (dir),
  };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr(GDir) d = g_dir_open (folders[i], 0, NULL);

      if (d != NULL && g_dir_read_name (d) != NULL)
        return TRUE;
    }

  return FALSE;
}

/*
 * Opens the database for checking, read-only. Problems that make it impossible
 * (no file, not a database, a schema this program cannot check) become
 * findings and the return value is %NULL with no error; an error means the
 * check itself could not run (a locked or unreadable file).
 */
static LabDb *
open_for_check (LabDataDir  *dir,
                GPtrArray   *findings,
                int         *schema_version,
                GError     **error)
{
  const char *path = lab_data_dir_get_db_path (dir);
  g_autofree char *subject = relative_to_root (dir, path);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(LabDb) db = NULL;
  LabCheckFinding *finding;

  *schema_version = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (store_has_data_besides_db (dir))
        add_finding (findings, LAB_CHECK_FINDING_DATABASE_MISSING, subject);
      else
        add_finding (findings, LAB_CHECK_FINDING_NO_DATABASE, subject);
      return NULL;
    }

  db = lab_db_open_file (path, LAB_DB_OPEN_READ_ONLY, &local_error);
  if (db != NULL)
    {
      *schema_version = lab_db_get_schema_version (db);
      return g_steal_pointer (&db);
    }

  if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_SCHEMA_TOO_NEW) ||
      g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED))
    {
      g_autofree char *version = NULL;

      *schema_version = read_user_version (path);
      version = g_strdup_printf ("%d", *schema_version);
      finding = add_finding (findings,
                             *schema_version > LAB_SCHEMA_VERSION ? LAB_CHECK_FINDING_SCHEMA_TOO_NEW
                                                                  : LAB_CHECK_FINDING_SCHEMA_OLD,
                             subject);
      lab_check_finding_set_detail (finding, version);
      return NULL;
    }

  if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE) &&
      !lab_file_is_sqlite (path, NULL))
    {
      finding = add_finding (findings, LAB_CHECK_FINDING_NOT_A_DATABASE, subject);
      lab_check_finding_set_detail (finding, local_error->message);
      return NULL;
    }

  if (is_corruption (local_error))
    {
      finding = add_finding (findings, LAB_CHECK_FINDING_DATABASE_DAMAGED, subject);
      lab_check_finding_set_detail (finding, local_error->message);
      return NULL;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* integrity_check reports in lines, some of them headers ("*** in database
 * main ***"); a finding's detail is one line of what matters. */
static void
append_sqlite_message (GString    *messages,
                       const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (line[0] == '\0' || g_str_has_prefix (line, "*** "))
        continue;
      if (messages->len > 0)
        g_string_append (messages, "; ");
      g_string_append (messages, line);
    }
}

/* Runs quick_check or integrity_check; damage becomes one finding with what
 * SQLite said. */
static gboolean
check_pages (LabDb         *db,
             LabDataDir    *dir,
             LabCheckLevel  level,
             GPtrArray     *findings,
             GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) messages = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sql = NULL;
  int rc;

  sql = g_strdup_printf ("PRAGMA %s(%d)",
                         level >= LAB_CHECK_FULL ? "integrity_check" : "quick_check",
                         MAX_SQLITE_MESSAGES);
  stmt = lab_db_prepare (db, sql, &local_error);

  while (stmt != NULL && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") == 0)
        continue;
      append_sqlite_message (messages, line);
    }

  if (stmt != NULL && rc != SQLITE_DONE)
    lab_db_set_error (db, &local_error, rc, NULL);

  if (local_error != NULL && !is_corruption (local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (local_error != NULL)
    append_sqlite_message (messages, local_error->message);

  if (messages->len > 0)
    {
      g_autofree char *subject = relative_to_root (dir, lab_db_get_path (db));
      LabCheckFinding *finding;

      finding = add_finding (findings, LAB_CHECK_FINDING_DATABASE_DAMAGED, subject);
      lab_check_finding_set_detail (finding, messages->str);
    }

  return TRUE;
}

/* One foreign key of the schema: @table.@column references @parent.@key. */
typedef struct
{
  char *table;
  char *column;
  char *parent;
  char *key;
} ForeignKey;

static void
foreign_key_free (gpointer data)
{
  ForeignKey *fk = data;

  g_free (fk->table);
  g_free (fk->column);
  g_free (fk->parent);
  g_free (fk->key);
  g_free (fk);
}

static gboolean
table_listed (GPtrArray  *tables,
              const char *table)
{
  return g_ptr_array_find_with_equal_func (tables, table, g_str_equal, NULL);
}

/* The single-column foreign keys that name their parent column, which
 * count_orphan_rows() checks; the tables with any other kind are added to
 * @other_tables, for foreign_key_check. */
static GPtrArray *
list_foreign_keys (LabDb      *db,
                   GPtrArray  *other_tables,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (foreign_key_free);
  int rc;

  stmt = lab_db_prepare (db, "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\","
                             " (SELECT count(*) FROM pragma_foreign_key_list (m.name) g"
                             "  WHERE g.id = f.id)"
                             " FROM sqlite_schema m, pragma_foreign_key_list (m.name) f"
                             " WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
                         error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      const char *key = (const char *) sqlite3_column_text (stmt, 5);
      ForeignKey *fk;

      if (sqlite3_column_int (stmt, 6) != 1 || key == NULL)
        {
          if (!table_listed (other_tables, table))
            g_ptr_array_add (other_tables, g_strdup (table));
          continue;
        }

      fk = g_new0 (ForeignKey, 1);
      fk->table = g_strdup (table);
      fk->parent = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      fk->column = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      fk->key = g_strdup (key);
      g_ptr_array_add (keys, fk);
    }

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_steal_pointer (&keys);
}

/* The rows of @fk's table whose key is in no row of its parent. The distinct
 * keys come first, from an index where the table has one: far fewer than its
 * rows, and read from a much smaller b-tree than foreign_key_check's walk of
 * every row. */
static gint64
count_orphan_rows (LabDb             *db,
                   const ForeignKey  *fk,
                   GError           **error)
{
  char *sql;
  gint64 n;

  sql = sqlite3_mprintf ("SELECT count(*) FROM (SELECT DISTINCT \"%w\" AS v FROM \"%w\""
                         " WHERE \"%w\" IS NOT NULL) k"
                         " WHERE NOT EXISTS (SELECT 1 FROM \"%w\" p WHERE p.\"%w\" = k.v)",
                         fk->column, fk->table, fk->column, fk->parent, fk->key);
  n = lab_db_query_int64 (db, sql, error);
  sqlite3_free (sql);
  if (n <= 0)
    return n;

  sql = sqlite3_mprintf ("SELECT count(*) FROM \"%w\" c WHERE c.\"%w\" IS NOT NULL"
                         " AND NOT EXISTS (SELECT 1 FROM \"%w\" p WHERE p.\"%w\" = c.\"%w\")",
                         fk->table, fk->column, fk->parent, fk->key, fk->column);
  n = lab_db_query_int64 (db, sql, error);
  sqlite3_free (sql);

  return n;
}

static void
count_violations (GHashTable *groups,
                  GPtrArray  *order,
                  const char *table,
                  const char *parent,
                  gint64      n)
{
  g_autofree char *key = g_strconcat (table ? table : "", "\n", parent ? parent : "", NULL);
  gpointer before;

  if (!g_hash_table_lookup_extended (groups, key, NULL, &before))
    {
      g_ptr_array_add (order, g_strdup (key));
      before = GUINT_TO_POINTER (0);
    }
  g_hash_table_insert (groups, g_steal_pointer (&key),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (before) + n));
}

/* What foreign_key_check finds, by table and parent: single-column keys
 * through count_orphan_rows(), any other kind through the pragma. */
static gboolean
check_foreign_keys (LabDb      *db,
                    GPtrArray  *findings,
                    GError    **error)
{
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) other_tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree gint64 *orphans = NULL;

  keys = list_foreign_keys (db, other_tables, error);
  if (keys == NULL)
    return FALSE;

  orphans = g_new0 (gint64, keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      const ForeignKey *fk = keys->pdata[i];
      g_autoptr(GError) local_error = NULL;

      if (table_listed (other_tables, fk->table))
        continue;

      orphans[i] = count_orphan_rows (db, fk, &local_error);

      /* A parent table that is gone, say: the pragma says what it says. */
      if (orphans[i] < 0 && !is_corruption (local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (other_tables, g_strdup (fk->table));
      else if (orphans[i] < 0)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  /* The pragma checks every key of a table it is given: those of its keys
   * counted here are not counted again. */
  for (guint i = 0; i < keys->len; i++)
    {
      const ForeignKey *fk = keys->pdata[i];

      if (orphans[i] > 0 && !table_listed (other_tables, fk->table))
        count_violations (groups, order, fk->table, fk->parent, orphans[i]);
    }

  for (guint i = 0; i < other_tables->len; i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      char *sql = sqlite3_mprintf ("PRAGMA foreign_key_check (\"%w\")",
                                   (const char *) other_tables->pdata[i]);
      int rc;

      stmt = lab_db_prepare (db, sql, error);
      sqlite3_free (sql);
      if (stmt == NULL)
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        count_violations (groups, order, (const char *) sqlite3_column_text (stmt, 0),
                          (const char *) sqlite3_column_text (stmt, 2), 1);

      if (rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *key = order->pdata[i];
      g_auto(GStrv) parts = g_strsplit (key, "\n", 2);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (groups, key));
      LabCheckFinding *finding = add_finding (findings, LAB_CHECK_FINDING_FOREIGN_KEY, parts[0]);

      lab_check_finding_set_detail (finding, parts[1]);
      lab_check_finding_set_amount (finding, n, 0);
    }

  return TRUE;
}

/* The checks read every page once: mapped, the pages are not copied out of
 * the page cache one by one, which makes them markedly faster. */
static void
map_pages (LabDb *db)
{
  lab_db_exec (db, "PRAGMA mmap_size = " G_STRINGIFY (CHECK_MMAP_SIZE), NULL);
}

/* An FTS5 table of the database, from its schema, with its external
 * content table and that table's rowid column (NULL for an FTS5 table that
 * keeps its own content). */
typedef struct
{
  char *name;
  char *content;
  char *content_rowid;
} FtsTable;

static void
fts_table_free (gpointer data)
{
  FtsTable *table = data;

  g_free (table->name);
  g_free (table->content);
  g_free (table->content_rowid);
  g_free (table);
}

/* The value of option @key in an FTS5 table's CREATE statement, as in
 * "content = 'messages'". */
static char *
fts_option (const char *sql,
            const char *key)
{
  g_autofree char *pattern = g_strdup_printf ("[(,]\\s*%s\\s*=\\s*'([^']+)'", key);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (regex == NULL || !g_regex_match (regex, sql, 0, &match))
    return NULL;

  return g_match_info_fetch (match, 1);
}

static gboolean
fts_table_has_name (gconstpointer a,
                    gconstpointer b)
{
  return g_str_equal (((const FtsTable *) a)->name, b);
}

/* The FTS5 tables of the database, from its schema: a new index added by a
 * later migration is checked without a change here. */
static GPtrArray *
list_fts_tables (LabDb   *db,
                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (fts_table_free);
  int rc;

  stmt = lab_db_prepare (db, "SELECT name, sql FROM sqlite_schema WHERE type = 'table'"
                             " AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY name",
                         error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FtsTable *table = g_new0 (FtsTable, 1);
      const char *sql = (const char *) sqlite3_column_text (stmt, 1);

      table->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      table->content = fts_option (sql, "content");
      table->content_rowid = fts_option (sql, "content_rowid");
      if (table->content != NULL && table->content_rowid == NULL)
        table->content_rowid = g_strdup ("rowid");
      g_ptr_array_add (tables, table);
    }

  if (rc != SQLITE_DONE)
    return (lab_db_set_error (db, error, rc, NULL), NULL);

  return g_steal_pointer (&tables);
}

/* The widest range of rowids compared through a bitmap (64 MiB of it); the
 * rowids of a wider one, far apart, are compared by SQLite. */
#define ROWS_BITMAP_SPAN (G_GINT64_CONSTANT (1) << 29)

/* Sets @bits' bit for each rowid of @sql that is in [@first, @first + @span);
 * FALSE in *@match for a rowid out of it or met twice. With @clear, clears
 * each bit instead and says FALSE for one that was not set. */
static gboolean
mark_rowids (LabDb       *db,
             const char  *sql,
             guint64     *bits,
             gint64       first,
             gint64       span,
             gboolean     clear,
             gboolean    *match,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, error);
  int rc = SQLITE_DONE;

  if (stmt == NULL)
    return FALSE;

  while (*match && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 offset = sqlite3_column_int64 (stmt, 0) - first;
      guint64 bit;

      if (sqlite3_column_type (stmt, 0) != SQLITE_INTEGER || offset < 0 || offset >= span)
        {
          *match = FALSE;
          break;
        }

      bit = G_GUINT64_CONSTANT (1) << (offset % 64);
      if (((bits[offset / 64] & bit) != 0) != clear)
        *match = FALSE;
      bits[offset / 64] ^= bit;
    }

  return !*match || rc == SQLITE_DONE || lab_db_set_error (db, error, rc, NULL);
}

/* Whether an external-content index has one entry for each row of its table
 * and none for a row that is gone: the rowids of its docsize table (one row
 * per indexed row) against the table's. This is what a lost trigger write
 * breaks. The docsize rowids are set in a bitmap and the table's cleared from
 * it, in one read transaction: two scans of small b-trees (the table's rowids
 * come from its smallest index), far quicker than comparing every word
 * (rank 1), which the deep check does, or than SQLite's own IN lists. */
static gboolean
fts_rows_match (LabDb          *db,
                const FtsTable *table,
                gboolean       *match,
                GError        **error)
{
  g_autoptr(sqlite3_stmt) range = NULL;
  g_autofree guint64 *bits = NULL;
  char *docsize_sql;
  char *content_sql;
  gint64 first, last, span;
  gboolean ok;
  char *sql;

  *match = TRUE;

  if (!lab_db_exec (db, "BEGIN", error))
    return FALSE;

  sql = sqlite3_mprintf ("SELECT min (lo), max (hi) FROM"
                         " (SELECT min (id) AS lo, max (id) AS hi FROM \"%w_docsize\""
                         "  UNION ALL SELECT min (\"%w\"), max (\"%w\") FROM \"%w\")",
                         table->name, table->content_rowid, table->content_rowid,
                         table->content);
  range = lab_db_prepare (db, sql, error);
  sqlite3_free (sql);
  if (range == NULL || sqlite3_step (range) != SQLITE_ROW)
    {
      if (range != NULL)
        lab_db_set_error (db, error, sqlite3_errcode (lab_db_get_handle (db)), NULL);
      lab_db_rollback (db);
      return FALSE;
    }

  /* Both empty. */
  if (sqlite3_column_type (range, 0) == SQLITE_NULL)
    {
      g_clear_pointer (&range, sqlite3_finalize);
      lab_db_rollback (db);
      return TRUE;
    }

  first = sqlite3_column_int64 (range, 0);
  last = sqlite3_column_int64 (range, 1);
  g_clear_pointer (&range, sqlite3_finalize);

  if (last - first >= ROWS_BITMAP_SPAN || last < first)
    {
      gint64 mismatched;

      sql = sqlite3_mprintf ("SELECT EXISTS (SELECT 1 FROM \"%w\" WHERE \"%w\" NOT IN"
                             " (SELECT id FROM \"%w_docsize\"))"
                             " OR EXISTS (SELECT 1 FROM \"%w_docsize\" WHERE id NOT IN"
                             " (SELECT \"%w\" FROM \"%w\"))",
                             table->content, table->content_rowid, table->name,
                             table->name, table->content_rowid, table->content);
      mismatched = lab_db_query_int64 (db, sql, error);
      sqlite3_free (sql);
      lab_db_rollback (db);

      *match = mismatched == 0;
      return mismatched >= 0;
    }

  span = last - first + 1;
  bits = g_new0 (guint64, (span + 63) / 64);

  docsize_sql = sqlite3_mprintf ("SELECT id FROM \"%w_docsize\"", table->name);
  content_sql = sqlite3_mprintf ("SELECT \"%w\" FROM \"%w\"", table->content_rowid,
                                 table->content);
  ok = mark_rowids (db, docsize_sql, bits, first, span, FALSE, match, error) &&
       mark_rowids (db, content_sql, bits, first, span, TRUE, match, error);
  sqlite3_free (docsize_sql);
  sqlite3_free (content_sql);
  lab_db_rollback (db);

  /* A docsize row whose table row is gone is a bit still set. */
  for (gint64 i = 0; ok && *match && i < (span + 63) / 64; i++)
    *match = bits[i] == 0;

  return ok;
}

/* Damage met by a check of full-text index @name is a finding about it; any
 * other error ends the check. */
static gboolean
note_fts_result (GPtrArray   *findings,
                 const char  *name,
                 GError     **local_error,
                 GError     **error)
{
  LabCheckFinding *finding;

  if (*local_error == NULL)
    return TRUE;

  if (!is_corruption (*local_error))
    {
      g_propagate_error (error, g_steal_pointer (local_error));
      return FALSE;
    }

  finding = add_finding (findings, LAB_CHECK_FINDING_FTS_INCONSISTENT, name);
  lab_check_finding_set_detail (finding, (*local_error)->message);
  g_clear_error (local_error);
  return TRUE;
}

static gpointer
fts_worker (gpointer data)
{
  Worker *worker = data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GPtrArray) tables = NULL;

  /* FTS5's integrity-check is an INSERT, refused on a read-only connection. It
   * changes nothing. */
  db = lab_db_open_file (lab_data_dir_get_db_path (worker->dir), LAB_DB_OPEN_NO_CREATE,
                         &worker->error);
  if (db == NULL)
    return NULL;
  lab_db_set_cancellable (db, worker->cancellable);
  map_pages (db);

  tables = list_fts_tables (db, &worker->error);
  if (tables == NULL)
    return NULL;

  for (guint i = 0; i < tables->len; i++)
    {
      const FtsTable *table = tables->pdata[i];
      g_autoptr(GError) local_error = NULL;
      char *sql;

      /* Rank 0 checks the index's own structure; rank 1 also compares every
       * word with the content table, two to three times as long. */
      sql = sqlite3_mprintf ("INSERT INTO \"%w\" (\"%w\", rank) VALUES ('integrity-check', %d)",
                             table->name, table->name, worker->deep ? 1 : 0);
      lab_db_exec (db, sql, &local_error);
      sqlite3_free (sql);

      if (!note_fts_result (worker->findings, table->name, &local_error, &worker->error))
        return NULL;
    }

  return NULL;
}

/* The rank-0 integrity-check does not compare an external-content index
 * with its table: fts_rows_match() does, for each such index. It runs on the
 * calling thread, after foreign_key_check, which leaves it time to spare
 * while the FTS5 checks run. */
static gboolean
check_fts_rows (LabDb      *db,
                GPtrArray  *findings,
                GError    **error)
{
  g_autoptr(GPtrArray) tables = list_fts_tables (db, error);

  if (tables == NULL)
    return FALSE;

  for (guint i = 0; i < tables->len; i++)
    {
      const FtsTable *table = tables->pdata[i];
      g_autoptr(GError) local_error = NULL;
      gboolean match = TRUE;

      if (table->content == NULL)
        continue;

      if (fts_rows_match (db, table, &match, &local_error) && !match)
        g_set_error (&local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                     _("The index does not have one entry for each row of “%s”"),
                     table->content);

      if (!note_fts_result (findings, table->name, &local_error, error))
        return FALSE;
    }

  return TRUE;
}

/* Adds the findings of a worker to @findings, but not a second finding on a
 * full-text index that check_fts_rows() already found wrong. */
static void
merge_findings (GPtrArray *findings,
                GPtrArray *more)
{
  guint n = findings->len;

  for (guint i = 0; i < more->len; i++)
    {
      LabCheckFinding *finding = more->pdata[i];
      gboolean seen = FALSE;

      for (guint j = 0; j < n && !seen; j++)
        seen = lab_check_finding_get_kind (finding) == LAB_CHECK_FINDING_FTS_INCONSISTENT &&
               lab_check_finding_get_kind (findings->pdata[j]) == LAB_CHECK_FINDING_FTS_INCONSISTENT &&
               g_strcmp0 (lab_check_finding_get_subject (finding),
                          lab_check_finding_get_subject (findings->pdata[j])) == 0;

      if (!seen)
        g_ptr_array_add (findings, g_object_ref (finding));
    }
}

/* Loads workspace_files, by session, in one read transaction so that the
 * rows are consistent with each other. */
static GHashTable *
load_file_records (LabDb   *db,
                   GError **error)
{
  g_autoptr(GHashTable) sessions = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_hash_table_unref);

  if (!lab_db_exec (db, "BEGIN", error))
    return NULL;

  stmt = lab_db_prepare (db, "SELECT id FROM sessions", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (sessions, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_hash_table_new_full (g_str_hash, g_str_equal, g_free, file_record_free));
  if (rc != SQLITE_DONE)
    {
      lab_db_set_error (db, error, rc, NULL);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = lab_db_prepare (db, "SELECT session_id, path, size, sha256 FROM workspace_files", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GHashTable *files = g_hash_table_lookup (sessions, sqlite3_column_text (stmt, 0));
      FileRecord *record;

      /* A row of no session is a foreign key problem, reported as such. */
      if (files == NULL)
        continue;

      record = g_new0 (FileRecord, 1);
      record->size = sqlite3_column_int64 (stmt, 2);
      record->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_hash_table_insert (files, g_strdup ((const char *) sqlite3_column_text (stmt, 1)), record);
    }
  if (rc != SQLITE_DONE)
    {
      lab_db_set_error (db, error, rc, NULL);
      goto fail;
    }

  lab_db_rollback (db);
  return g_steal_pointer (&sessions);

fail:
  lab_db_rollback (db);
  return NULL;
}

typedef struct
{
  Worker *worker;
  const char *session_id;
  GHashTable *records;
  LabCheckFinding *orphans;
  LabCheckFinding *changed;
} SessionWalk;

static LabCheckFinding *
session_finding (SessionWalk          *walk,
                 LabCheckFinding     **slot,
                 LabCheckFindingKind   kind)
{
  if (*slot == NULL)
    *slot = add_finding (walk->worker->findings, kind, walk->session_id);
  return *slot;
}

static void
note_unreadable (LabDataDir   *dir,
                 GPtrArray    *findings,
                 const char   *path,
                 const GError *error)
{
  g_autofree char *subject = relative_to_root (dir, path);
  LabCheckFinding *finding = add_finding (findings, LAB_CHECK_FINDING_UNREADABLE, subject);

  lab_check_finding_set_detail (finding, error->message);
}

static void
add_unreadable (Worker       *worker,
                const char   *path,
                const GError *error)
{
  note_unreadable (worker->dir, worker->findings, path, error);
}

static void
add_orphan_entry (Worker     *worker,
                  const char *path)
{
  g_autofree char *subject = relative_to_root (worker->dir, path);
  LabCheckFinding *finding = add_finding (worker->findings, LAB_CHECK_FINDING_ORPHAN_FOLDER,
                                          subject);
  guint64 n_files = 0;
  guint64 bytes = lab_usage_measure_path (path, &n_files);

  lab_check_finding_set_amount (finding, n_files, bytes);
}

static gboolean
compare_file (SessionWalk  *walk,
              const char   *path,
              const char   *relative,
              struct stat  *st,
              FileRecord   *record)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *sha256 = NULL;

  record->seen = TRUE;

  if (st->st_size == record->size && record->sha256 != NULL)
    {
      sha256 = lab_file_sha256 (path, NULL, walk->worker->cancellable, &local_error);
      if (sha256 == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (&walk->worker->error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_unreadable (walk->worker, path, local_error);
          return TRUE;
        }
    }

  if (st->st_size != record->size ||
      (sha256 != NULL && g_ascii_strcasecmp (sha256, record->sha256) != 0))
    {
      LabCheckFinding *finding = session_finding (walk, &walk->changed,
                                                  LAB_CHECK_FINDING_CHANGED_FILE);

      lab_check_finding_add_path (finding, relative);
      lab_check_finding_set_amount (finding, lab_check_finding_get_n_paths (finding),
                                    lab_check_finding_get_bytes (finding) + st->st_size);
    }

  return TRUE;
}

static gboolean
walk_session_folder (SessionWalk *walk,
                     const char  *folder,
                     const char  *relative)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local_error);
  const char *name;

  if (dir == NULL)
    {
      add_unreadable (walk->worker, folder, local_error);
      return TRUE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *rel = relative ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      struct stat st;

      if (g_cancellable_set_error_if_cancelled (walk->worker->cancellable, &walk->worker->error))
        return FALSE;

      if (lstat (path, &st) != 0)
        continue;

      if (S_ISDIR (st.st_mode))
        {
          if (!walk_session_folder (walk, path, rel))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          FileRecord *record = g_hash_table_lookup (walk->records, rel);

          if (record != NULL)
            {
              if (!compare_file (walk, path, rel, &st, record))
                return FALSE;
            }
          else
            {
              LabCheckFinding *finding = session_finding (walk, &walk->orphans,
                                                          LAB_CHECK_FINDING_ORPHAN_FILE);

              lab_check_finding_add_path (finding, rel);
              lab_check_finding_set_amount (finding, lab_check_finding_get_n_paths (finding),
                                            lab_check_finding_get_bytes (finding) + st.st_size);
            }
        }
      else
        {
          /* A link or a device is never adopted: following it could read
           * anything on the system. It can only be removed. */
          add_orphan_entry (walk->worker, path);
        }
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Whether the backups' object store holds the file as the database records
 * it (objects are named by their SHA-256). */
static gboolean
object_in_backups (LabDataDir *dir,
                   FileRecord *record)
{
  g_autofree char *object = NULL;
  struct stat st;

  if (record->sha256 == NULL || !lab_sha256_is_valid_hex (record->sha256))
    return FALSE;

  object = _lab_backup_object_path (dir, record->sha256);
  return stat (object, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == record->size;
}

/* Files the database lists that the walk did not meet: missing, or with a
 * path that could not be inside the folder at all. */
static void
report_unseen_files (Worker     *worker,
                     const char *session_id,
                     GHashTable *records)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) restorable = g_ptr_array_new ();
  g_autoptr(GPtrArray) unsafe = g_ptr_array_new ();
  GHashTableIter iter;
  const char *path;
  FileRecord *record;

  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, (gpointer *) &record))
    {
      if (record->seen)
        continue;
      if (!lab_relative_path_is_safe (path))
        g_ptr_array_add (unsafe, (gpointer) path);
      else if (object_in_backups (worker->dir, record))
        g_ptr_array_add (restorable, (gpointer) path);
      else
        g_ptr_array_add (missing, (gpointer) path);
    }

  /* Files a backup holds a copy of can be restored; the others cannot, and
   * are a finding of their own so that each says what can be done. */
  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *paths = k == 0 ? restorable : missing;
      LabCheckFinding *finding;
      guint64 bytes = 0;

      if (paths->len == 0)
        continue;

      g_ptr_array_sort (paths, compare_strings);
      finding = add_finding (worker->findings, LAB_CHECK_FINDING_MISSING_FILE, session_id);
      for (guint i = 0; i < paths->len; i++)
        {
          lab_check_finding_add_path (finding, paths->pdata[i]);
          bytes += ((FileRecord *) g_hash_table_lookup (records, paths->pdata[i]))->size;
        }
      lab_check_finding_set_amount (finding, paths->len, bytes);
      lab_check_finding_set_repair (finding, k == 0 ? LAB_CHECK_REPAIR_RESTORE_FILES
                                                    : LAB_CHECK_REPAIR_NONE);
    }

  g_ptr_array_sort (unsafe, compare_strings);
  if (unsafe->len > 0)
    {
      LabCheckFinding *finding = add_finding (worker->findings, LAB_CHECK_FINDING_UNSAFE_PATH,
                                              session_id);

      for (guint i = 0; i < unsafe->len; i++)
        lab_check_finding_add_path (finding, unsafe->pdata[i]);
      lab_check_finding_set_amount (finding, unsafe->len, 0);
    }
}

/* The entries of the workspace folder, in name order; NULL-free. */
static GPtrArray *
list_workspace (Worker *worker)
{
  const char *root = lab_data_dir_get_workspace_path (worker->dir);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (root, 0, &local_error);
  const char *name;

  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    add_unreadable (worker, root, local_error);

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  return g_steal_pointer (&names);
}

static gboolean
check_workspace (Worker     *worker,
                 GHashTable *sessions)
{
  const char *root = lab_data_dir_get_workspace_path (worker->dir);
  g_autoptr(GPtrArray) names = list_workspace (worker);
  GHashTableIter iter;
  const char *session_id;
  GHashTable *records;

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (root, names->pdata[i], NULL);
      struct stat st;

      if (lstat (path, &st) != 0)
        continue;

      records = g_hash_table_lookup (sessions, names->pdata[i]);
      if (records != NULL && S_ISDIR (st.st_mode))
        {
          SessionWalk walk = { worker, names->pdata[i], records, NULL, NULL };

          if (!walk_session_folder (&walk, path, NULL))
            return FALSE;
        }
      else
        add_orphan_entry (worker, path);
    }

  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, (gpointer *) &session_id, (gpointer *) &records))
    report_unseen_files (worker, session_id, records);

  return TRUE;
}

/* Temporary files (lab_open_temp_beside() names them "NAME.tmp-XXXXXX") that
 * nobody has written to for an hour belong to an operation that was killed. */
static void
check_stale_temp_files (Worker *worker)
{
  const char *folders[] = {
    lab_data_dir_get_data_path (worker->dir),
    lab_data_dir_get_backups_path (worker->dir),
    lab_data_dir_get_archives_path (worker->dir),
    lab_data_dir_get_config_path (worker->dir),
    lab_data_dir_get_logs_path (worker->dir),
  };
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr(GDir) dir = g_dir_open (folders[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          g_autofree char *subject = NULL;
          LabCheckFinding *finding;
          struct stat st;

          if (strstr (name, TEMP_MARKER) == NULL)
            continue;

          path = g_build_filename (folders[i], name, NULL);
          if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) ||
              now - (gint64) st.st_mtime * G_USEC_PER_SEC < STALE_TEMP_AGE)
            continue;

          subject = relative_to_root (worker->dir, path);
          finding = add_finding (worker->findings, LAB_CHECK_FINDING_STALE_TEMP_FILE, subject);
          lab_check_finding_set_amount (finding, 1, st.st_size);
        }
    }
}

/* Each backup's database file against its sidecar: present, not marked
 * damaged, and with the size and SHA-256 it was written with. */
static gboolean
check_backups (Worker  *worker,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) backups = lab_backup_list (worker->dir, &local_error);

  if (backups == NULL)
    {
      add_unreadable (worker, lab_data_dir_get_backups_path (worker->dir), local_error);
      return TRUE;
    }

  for (guint i = 0; i < backups->len; i++)
    {
      LabBackupInfo *info = backups->pdata[i];
      const char *name = lab_backup_info_get_name (info);
      const char *path = lab_backup_info_get_path (info);
      g_autofree char *sha256 = NULL;
      LabCheckFinding *finding;
      goffset size = 0;

      if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          finding = add_finding (worker->findings, LAB_CHECK_FINDING_BACKUP_INCOMPLETE, name);
          lab_check_finding_set_detail (finding, _("its database file is missing"));
          continue;
        }

      if (lab_backup_info_get_damaged (info))
        {
          g_autofree char *problems = g_strjoinv ("; ",
                                                  (char **) lab_backup_info_get_problems (info));

          finding = add_finding (worker->findings, LAB_CHECK_FINDING_BACKUP_DAMAGED, name);
          lab_check_finding_set_detail (finding, problems);
          continue;
        }

      sha256 = lab_file_sha256 (path, &size, worker->cancellable, &local_error);
      if (sha256 == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_unreadable (worker, path, local_error);
          g_clear_error (&local_error);
          continue;
        }

      if ((guint64) size != lab_backup_info_get_size (info) ||
          g_ascii_strcasecmp (sha256, lab_backup_info_get_sha256 (info) ?
                                      lab_backup_info_get_sha256 (info) : "") != 0)
        {
          g_autofree char *detail = NULL;

          /* Translators: the two values are SHA-256 checksums */
          detail = g_strdup_printf (_("the file’s SHA-256 is %s, it was saved as %s"), sha256,
                                    lab_backup_info_get_sha256 (info));
          finding = add_finding (worker->findings, LAB_CHECK_FINDING_BACKUP_DAMAGED, name);
          lab_check_finding_set_detail (finding, detail);
          lab_check_finding_set_amount (finding, 1, size);
        }
    }

  return TRUE;
}

static gpointer
files_worker (gpointer data)
{
  Worker *worker = data;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GHashTable) sessions = NULL;

  db = lab_db_open_file (lab_data_dir_get_db_path (worker->dir), LAB_DB_OPEN_READ_ONLY,
                         &worker->error);
  if (db != NULL)
    {
      lab_db_set_cancellable (db, worker->cancellable);
      sessions = load_file_records (db, &worker->error);
      g_clear_object (&db);
    }

  if (sessions != NULL && !check_workspace (worker, sessions))
    return NULL;

  /* The backups matter most when the database is damaged: they are checked
   * whatever became of the rest. */
  if (worker->error == NULL || is_corruption (worker->error))
    {
      g_autoptr(GError) local_error = NULL;

      if (!check_backups (worker, &local_error))
        {
          g_clear_error (&worker->error);
          g_propagate_error (&worker->error, g_steal_pointer (&local_error));
        }
    }

  return NULL;
}

/**
 * _lab_check_list_orphans:
 * @db: the store's database, to know its sessions
 *
 * Lists what the clean-up's "orphan files" category removes: the workspace
 * folders (and files) that belong to no session, and stale temporary files.
 * The files inside a session's folder that the database does not list are not
 * among them: they are adopted, never deleted by a clean-up.
 *
 * Returns: (transfer full) (element-type LabCheckFinding): the findings, or
 *   %NULL with @error set
 */
GPtrArray *
_lab_check_list_orphans (LabDataDir  *dir,
                         LabDb       *db,
                         GError     **error)
{
  const char *root = lab_data_dir_get_workspace_path (dir);
  g_autoptr(GPtrArray) names = NULL;
  GPtrArray *findings;
  Worker worker;

  worker_init (&worker, dir, NULL);
  names = list_workspace (&worker);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (root, names->pdata[i], NULL);
      gboolean exists = FALSE;
      struct stat st;

      if (lstat (path, &st) != 0)
        continue;
      if (!_lab_check_session_exists (db, names->pdata[i], &exists, error))
        {
          worker_clear (&worker);
          return NULL;
        }
      if (!exists || !S_ISDIR (st.st_mode))
        add_orphan_entry (&worker, path);
    }

  check_stale_temp_files (&worker);

  findings = g_steal_pointer (&worker.findings);
  worker_clear (&worker);
  return findings;
}

/* Finishes what a killed restore or clean-up left half done: the check
 * looks at the store as it is meant to be. A note says a clean-up was
 * finished; what cannot be finished is a finding. */
static void
recover (LabDataDir *dir,
         GPtrArray  *findings)
{
  g_autoptr(GError) local_error = NULL;
  guint restored = 0;
  guint removed = 0;

  /* A restore killed halfway is finished first, as lab_db_open() does:
   * until then its workspace files would look missing. */
  if (!lab_backup_recover (dir, &local_error))
    {
      note_unreadable (dir, findings, lab_data_dir_get_data_path (dir), local_error);
      g_clear_error (&local_error);
    }

  if (!lab_cleanup_recover (dir, &restored, &removed, &local_error))
    {
      note_unreadable (dir, findings, lab_data_dir_get_data_path (dir), local_error);
      return;
    }

  if (restored + removed > 0)
    {
      g_autofree char *detail = NULL;
      LabCheckFinding *finding;

      g_autofree char *put_back = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u folder put back",
                                                                "%u folders put back", restored),
                                                   restored);

      /* Translators: "3 folders put back, 2 removed" */
      detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u removed", "%s, %u removed",
                                             removed), put_back, removed);
      finding = add_finding (findings, LAB_CHECK_FINDING_INTERRUPTED_CLEANUP, NULL);
      lab_check_finding_set_detail (finding, detail);
      lab_check_finding_set_amount (finding, restored + removed, 0);
    }
}

static gboolean
has_kind (GPtrArray           *findings,
          LabCheckFindingKind  kind)
{
  for (guint i = 0; i < findings->len; i++)
    {
      if (lab_check_finding_get_kind (findings->pdata[i]) == kind)
        return TRUE;
    }

  return FALSE;
}

static void
note_damage (LabDataDir   *dir,
             GPtrArray    *findings,
             const GError *error)
{
  g_autofree char *subject = NULL;
  LabCheckFinding *finding;

  if (has_kind (findings, LAB_CHECK_FINDING_DATABASE_DAMAGED))
    return;

  subject = relative_to_root (dir, lab_data_dir_get_db_path (dir));
  finding = add_finding (findings, LAB_CHECK_FINDING_DATABASE_DAMAGED, subject);
  lab_check_finding_set_detail (finding, error->message);
}

static void
cancel_inner_cb (GCancellable *cancellable,
                 gpointer      inner)
{
  g_cancellable_cancel (G_CANCELLABLE (inner));
}

/* A damaged or missing database can be restored only from a backup that
 * exists and is not known to be damaged, by its sidecar or by this check. */
static void
offer_restore (LabDataDir *dir,
               GPtrArray  *findings)
{
  g_autoptr(GPtrArray) backups = NULL;
  gboolean wanted = FALSE;
  gboolean available = FALSE;

  for (guint i = 0; i < findings->len; i++)
    {
      if (lab_check_finding_get_repair (findings->pdata[i]) == LAB_CHECK_REPAIR_RESTORE_BACKUP)
        wanted = TRUE;
    }
  if (!wanted)
    return;

  backups = lab_backup_list (dir, NULL);
  for (guint b = 0; backups != NULL && b < backups->len && !available; b++)
    {
      LabBackupInfo *info = backups->pdata[b];
      gboolean damaged = !lab_backup_info_is_good (info);

      for (guint i = 0; i < findings->len && !damaged; i++)
        {
          LabCheckFindingKind kind = lab_check_finding_get_kind (findings->pdata[i]);

          damaged = (kind == LAB_CHECK_FINDING_BACKUP_DAMAGED ||
                     kind == LAB_CHECK_FINDING_BACKUP_INCOMPLETE) &&
                    g_strcmp0 (lab_check_finding_get_subject (findings->pdata[i]),
                               lab_backup_info_get_name (info)) == 0;
        }
      available = !damaged;
    }

  if (available)
    return;

  for (guint i = 0; i < findings->len; i++)
    {
      if (lab_check_finding_get_repair (findings->pdata[i]) == LAB_CHECK_REPAIR_RESTORE_BACKUP)
        lab_check_finding_set_repair (findings->pdata[i], LAB_CHECK_REPAIR_NONE);
    }
}

static void
report_progress (LabProgressFunc  progress,
                 gpointer         progress_data,
                 double           fraction,
                 const char      *message)
{
  if (progress != NULL)
    progress (fraction, message, progress_data);
}

/**
 * lab_check_get_result_path:
 *
 * Returns: (transfer full): where the last results are stored, data/check.json
 */
char *
lab_check_get_result_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_data_path (dir), "check.json", NULL);
}

static JsonObject *
read_results (LabDataDir  *dir,
              GError     **error)
{
  g_autofree char *path = lab_check_get_result_path (dir);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_mapped_file (parser, path, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is not a stored check result"), path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* Replaces this level's report in data/check.json, keeping the other level's. */
static gboolean
save_report (LabDataDir      *dir,
             LabCheckReport  *report,
             GError         **error)
{
  g_autofree char *path = lab_check_get_result_path (dir);
  g_autoptr(JsonObject) results = read_results (dir, NULL);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (results == NULL)
    results = json_object_new ();

  json_object_set_int_member (results, "version", 1);
  json_object_set_member (results, lab_check_level_to_string (lab_check_report_get_level (report)),
                          lab_check_report_to_json (report));
  json_node_set_object (root, results);
  text = json_to_string (root, TRUE);

  return lab_file_replace_contents (path, text, -1, error);
}

/**
 * lab_check_load_last:
 * @dir: the data directory
 * @level: which check's result
 *
 * Reads the last stored result of a check at @level, without opening the
 * database.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL if the check never
 *   ran (no error) or its result cannot be read (with @error set)
 */
LabCheckReport *
lab_check_load_last (LabDataDir     *dir,
                     LabCheckLevel   level,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) results = NULL;
  JsonNode *node;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  results = read_results (dir, &local_error);
  if (results == NULL)
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  node = json_object_get_member (results, lab_check_level_to_string (level));
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("The stored check result is not valid"));
      return NULL;
    }

  return lab_check_report_new_from_json (json_node_get_object (node), error);
}

/**
 * lab_check_run:
 * @dir: the data directory
 * @level: %LAB_CHECK_QUICK at start-up, %LAB_CHECK_FULL on demand
 * @progress: (nullable) (scope call): called on this thread
 *
 * Checks the store and stores the result (see lab_check_load_last()). Problems
 * are findings in the report, not errors: an error means the check could not
 * run at all (the database is locked, the operation was cancelled).
 *
 * It first finishes a clean-up that was interrupted, if one was.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
LabCheckReport *
lab_check_run (LabDataDir       *dir,
               LabCheckLevel     level,
               LabProgressFunc   progress,
               gpointer          progress_data,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(LabCheckReport) report = lab_check_report_new (level);
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) inner = g_cancellable_new ();
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) save_error = NULL;
  g_autoptr(LabDb) db = NULL;
  gint64 started = g_get_real_time ();
  Worker workers[2];
  GThread *threads[2] = { NULL, NULL };
  gulong cancel_id = 0;
  gboolean workers_ran = FALSE;
  int schema_version = 0;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  /* The workers stop early when the caller cancels or when the check fails on
   * this thread, hence a cancellable of our own. */
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_inner_cb),
                                       g_object_ref (inner), g_object_unref);

  report_progress (progress, progress_data, 0, _("Checking the database"));

  recover (dir, findings);

  db = open_for_check (dir, findings, &schema_version, &local_error);
  lab_check_report_set_schema_version (report, schema_version);

  if (db != NULL)
    {
      lab_db_set_cancellable (db, inner);
      /* Only the full checks map the file: the quick one runs in the window's
       * process at start-up, where a mapped database would count in its
       * resident memory, page by page, up to the whole file. */
      if (level >= LAB_CHECK_FULL)
        map_pages (db);

      if (level >= LAB_CHECK_FULL)
        {
          worker_init (&workers[0], dir, inner);
          worker_init (&workers[1], dir, inner);
          workers[0].deep = level == LAB_CHECK_DEEP;
          threads[0] = g_thread_new ("check-fts", fts_worker, &workers[0]);
          threads[1] = g_thread_new ("check-files", files_worker, &workers[1]);
          workers_ran = TRUE;
        }

      if (check_pages (db, dir, level, findings, &local_error) && level >= LAB_CHECK_FULL)
        {
          report_progress (progress, progress_data, 0.4, _("Checking links between rows"));
          if (check_foreign_keys (db, findings, &local_error) && level == LAB_CHECK_FULL)
            check_fts_rows (db, findings, &local_error);
        }
      g_clear_object (&db);

      /* Damage met after integrity_check (by foreign_key_check, or here and
       * there by the workers) is the damage it reports. */
      if (local_error != NULL && is_corruption (local_error))
        {
          note_damage (dir, findings, local_error);
          g_clear_error (&local_error);
        }

      if (local_error != NULL)
        g_cancellable_cancel (inner);

      if (level >= LAB_CHECK_FULL)
        {
          report_progress (progress, progress_data, 0.6,
                           _("Checking the search indexes and the files"));

          for (guint w = 0; w < G_N_ELEMENTS (workers); w++)
            {
              g_thread_join (threads[w]);

              /* A worker that met damaged pages could not finish its part;
               * the damage itself is what integrity_check reports. */
              if (workers[w].error != NULL && is_corruption (workers[w].error))
                {
                  note_damage (dir, findings, workers[w].error);
                  g_clear_error (&workers[w].error);
                }
              if (local_error == NULL && workers[w].error != NULL)
                local_error = g_steal_pointer (&workers[w].error);
              merge_findings (findings, workers[w].findings);
              worker_clear (&workers[w]);
            }
        }
    }

  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (level >= LAB_CHECK_FULL)
    {
      Worker rest;

      report_progress (progress, progress_data, 0.9, _("Checking the backups"));
      worker_init (&rest, dir, cancellable);
      check_stale_temp_files (&rest);

      /* Without a database the workers did not run; the backups, which a
       * restore would come from, are checked all the same. */
      if (!workers_ran && !check_backups (&rest, error))
        {
          worker_clear (&rest);
          return NULL;
        }
      g_ptr_array_extend_and_steal (findings, g_steal_pointer (&rest.findings));
      worker_clear (&rest);
    }

  offer_restore (dir, findings);

  for (guint i = 0; i < findings->len; i++)
    lab_check_report_add (report, findings->pdata[i]);
  lab_check_report_set_times (report, started, g_timer_elapsed (timer, NULL));

  /* A store on a read-only disk can still be checked; its result is only not
   * remembered. */
  if (!save_report (dir, report, &save_error))
    g_debug ("Cannot store the check result: %s", save_error->message);

  report_progress (progress, progress_data, 1, _("Check finished"));

  return g_steal_pointer (&report);
}

static gboolean
rebuild_index (LabDb       *db,
               const char  *table,
               GError     **error)
{
  g_autoptr(GPtrArray) tables = list_fts_tables (db, error);
  char *sql;
  gboolean ok;

  if (tables == NULL)
    return FALSE;

  /* The name comes from a finding, which may have been read from a file:
   * only an index the schema has is rebuilt. */
  if (!g_ptr_array_find_with_equal_func (tables, table, fts_table_has_name, NULL))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no full-text index “%s”"), table);
      return FALSE;
    }

  sql = sqlite3_mprintf ("INSERT INTO \"%w\" (\"%w\") VALUES ('rebuild')", table, table);
  ok = lab_db_begin (db, error) && lab_db_exec (db, sql, error) && lab_db_commit (db, error);
  sqlite3_free (sql);

  if (!ok)
    lab_db_rollback (db);
  return ok;
}

/* Records the files of a finding in workspace_files as they are on disk now.
 * Runs inside the caller's transaction. */
static gboolean
adopt_files (LabDb            *db,
             LabDataDir       *dir,
             LabCheckFinding  *finding,
             GCancellable     *cancellable,
             GError          **error)
{
  const LabTableInfo *table = lab_schema_get_table ("workspace_files");
  const char *session_id = lab_check_finding_get_subject (finding);
  const char * const *paths = lab_check_finding_get_paths (finding);
  g_autofree char *folder = lab_data_dir_get_session_workspace (dir, session_id);

  if (folder == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("“%s” is not a session’s folder"), session_id ? session_id : "");
      return FALSE;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *path = lab_path_join_safe (folder, paths[i], error);
      g_autofree char *sha256 = NULL;
      g_autofree char *modified_at = NULL;
      g_autoptr(JsonObject) row = NULL;
      goffset size = 0;
      struct stat st;

      if (path == NULL)
        return FALSE;

      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                       _("“%s” is no longer a file; check again"), path);
          return FALSE;
        }

      sha256 = lab_file_sha256 (path, &size, cancellable, error);
      if (sha256 == NULL)
        return FALSE;
      modified_at = lab_timestamp_format ((gint64) st.st_mtime * G_USEC_PER_SEC);

      row = json_object_new ();
      json_object_set_string_member (row, "session_id", session_id);
      json_object_set_string_member (row, "path", paths[i]);
      json_object_set_int_member (row, "size", size);
      json_object_set_string_member (row, "sha256", sha256);
      json_object_set_string_member (row, "modified_at", modified_at);

      if (!lab_row_insert (db, table, row, TRUE, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
_lab_check_session_exists (LabDb       *db,
                const char  *session_id,
                gboolean    *exists,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT 1 FROM sessions WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return lab_db_set_error (db, error, rc, NULL);

  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * _lab_check_remove_orphan:
 * @subject: a path relative to the data folder, as an orphan or stale
 *   temporary file finding names it
 *
 * Removes an orphan, after checking again that it still is one: the finding
 * may be old, or read from a file. Only a folder of the workspace that belongs
 * to no session (or an entry in a session's folder that is not a file) or a
 * temporary file untouched for an hour can be removed this way.
 */
gboolean
_lab_check_remove_orphan (LabDb       *db,
                          LabDataDir  *dir,
                          const char  *subject,
                          GError     **error)
{
  const char *workspace = lab_data_dir_get_workspace_path (dir);
  g_autofree char *path = lab_path_join_safe (lab_data_dir_get_root (dir), subject, error);
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;
  gsize len = strlen (workspace);
  struct stat st;

  if (path == NULL)
    return FALSE;

  parent = g_path_get_dirname (path);
  name = g_path_get_basename (path);

  if (lstat (path, &st) != 0)
    return TRUE;  /* already gone */

  if (strncmp (path, workspace, len) != 0 || path[len] != '/')
    {
      if (strstr (name, TEMP_MARKER) == NULL || !S_ISREG (st.st_mode) ||
          g_get_real_time () - (gint64) st.st_mtime * G_USEC_PER_SEC < STALE_TEMP_AGE)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” is not a leftover temporary file; check again"), subject);
          return FALSE;
        }
      return lab_rm_rf (path, error);
    }

  /* A folder directly in workspace/ belongs to no session only as long as no
   * session with its name was added since; inside a session's folder only
   * what is not a regular file or folder is an orphan. */
  if (g_str_equal (parent, workspace))
    {
      gboolean exists = FALSE;

      if (!_lab_check_session_exists (db, name, &exists, error))
        return FALSE;
      if (exists && S_ISDIR (st.st_mode))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” belongs to a session now; check again"), subject);
          return FALSE;
        }
    }
  else if (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” is part of a session’s files; check again"), subject);
      return FALSE;
    }

  return lab_rm_rf (path, error);
}

/* Copies missing files back from the backups' object store, checking each
 * copy against the SHA-256 the database records. */
static gboolean
restore_files (LabDb            *db,
               LabDataDir       *dir,
               LabCheckFinding  *finding,
               GCancellable     *cancellable,
               GError          **error)
{
  const char *session_id = lab_check_finding_get_subject (finding);
  const char * const *paths = lab_check_finding_get_paths (finding);
  g_autofree char *folder = lab_data_dir_get_session_workspace (dir, session_id);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (folder == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("“%s” is not a session’s folder"), session_id ? session_id : "");
      return FALSE;
    }

  stmt = lab_db_prepare (db, "SELECT sha256 FROM workspace_files WHERE session_id = ? AND path = ?",
                         error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *dest = lab_path_join_safe (folder, paths[i], error);
      g_autofree char *parent = NULL;
      g_autofree char *object = NULL;
      g_autofree char *copied = NULL;
      const char *sha256;
      int rc;

      if (dest == NULL)
        return FALSE;

      /* Put back meanwhile: the next check compares it. */
      if (g_file_test (dest, G_FILE_TEST_EXISTS))
        continue;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, paths[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return lab_db_set_error (db, error, rc, NULL);

      sha256 = rc == SQLITE_ROW ? (const char *) sqlite3_column_text (stmt, 0) : NULL;
      if (sha256 == NULL || !lab_sha256_is_valid_hex (sha256))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                       _("The database no longer lists “%s”; check again"), paths[i]);
          return FALSE;
        }

      object = _lab_backup_object_path (dir, sha256);
      parent = g_path_get_dirname (dest);
      if (!lab_mkdir_private (parent, error) ||
          !lab_file_copy_atomic (object, dest, &copied, cancellable, error))
        return FALSE;

      if (g_ascii_strcasecmp (copied, sha256) != 0)
        {
          g_unlink (dest);
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("The backup copy of “%s” is damaged"), paths[i]);
          return FALSE;
        }
    }

  return TRUE;
}

/* Restores the newest backup that is not known to be damaged; one that
 * fails its verification is passed over for the next. A store too damaged to
 * be backed up first is kept as it is in backups/damaged_…/ by the restore. */
static gboolean
restore_backup (LabDataDir        *dir,
                JsonBuilder       *log,
                LabProgressFunc    progress,
                gpointer           progress_data,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GPtrArray) backups = lab_backup_list (dir, error);
  g_autoptr(GError) last_error = NULL;

  if (backups == NULL)
    return FALSE;

  for (guint i = 0; i < backups->len; i++)
    {
      LabBackupInfo *info = backups->pdata[i];
      g_autofree char *pre_restore = NULL;

      if (!lab_backup_info_is_good (info))
        continue;

      g_clear_error (&last_error);
      if (lab_backup_restore (dir, lab_backup_info_get_name (info), NULL, &pre_restore,
                              progress, progress_data, cancellable, &last_error))
        {
          json_builder_set_member_name (log, "restored");
          json_builder_add_string_value (log, lab_backup_info_get_name (info));
          if (pre_restore != NULL)
            {
              json_builder_set_member_name (log, "pre_restore_backup");
              json_builder_add_string_value (log, pre_restore);
            }
          return TRUE;
        }

      /* The backup failed its verification: the next one may be good. */
      if (!g_error_matches (last_error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT))
        break;
    }

  if (last_error == NULL)
    g_set_error_literal (&last_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                         _("There is no good backup to restore"));
  g_propagate_error (error, g_steal_pointer (&last_error));
  return FALSE;
}

static gboolean
finding_is_wanted (GPtrArray       *findings,
                   LabCheckFinding *finding)
{
  return findings == NULL || g_ptr_array_find (findings, finding, NULL);
}

/**
 * lab_check_repair:
 * @dir: the data directory
 * @report: a report of lab_check_run() or lab_check_load_last()
 * @findings: (nullable) (element-type LabCheckFinding): the findings of
 *   @report to repair, or %NULL for every finding that offers a repair
 * @progress: (nullable) (scope call): called on this thread
 *
 * Applies the repairs the findings offer: full-text indexes are rebuilt in a
 * transaction, adopted files recorded in one transaction, orphan and leftover
 * files removed after a backup of the store. Each finding is checked again
 * before anything is removed. Then the check runs again at the report's level.
 *
 * Returns: (transfer full): the report of the new check, or %NULL with @error
 *   set if a repair failed (the ones done before it stay done)
 */
LabCheckReport *
lab_check_repair (LabDataDir       *dir,
                  LabCheckReport   *report,
                  GPtrArray        *findings,
                  LabProgressFunc   progress,
                  gpointer          progress_data,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(JsonBuilder) log = json_builder_new ();
  g_autoptr(JsonNode) log_node = NULL;
  g_autoptr(LabDb) db = NULL;
  g_autoptr(GError) log_error = NULL;
  g_autofree char *backup = NULL;
  guint n_items = 0;
  gboolean needs_backup = FALSE;
  gboolean adopt = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (report), NULL);

  n_items = g_list_model_get_n_items (lab_check_report_get_findings (report));

  json_builder_begin_object (log);

  /* A restore replaces the database: the other repairs are moot until the
   * restored store is checked again. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);

      if (!finding_is_wanted (findings, finding) ||
          lab_check_finding_get_repair (finding) != LAB_CHECK_REPAIR_RESTORE_BACKUP)
        continue;

      report_progress (progress, progress_data, -1, _("Restoring the newest good backup"));
      ok = restore_backup (dir, log, progress, progress_data, cancellable, error);
      json_builder_set_member_name (log, "ok");
      json_builder_add_boolean_value (log, ok);
      json_builder_end_object (log);
      log_node = json_builder_get_root (log);
      if (!lab_oplog_append (dir, "repair", json_node_get_object (log_node), &log_error))
        g_debug ("Cannot log the repair: %s", log_error->message);
      if (!ok)
        return NULL;
      return lab_check_run (dir, lab_check_report_get_level (report), progress, progress_data,
                            cancellable, error);
    }

  /* Repairs that remove files or change what the database records come
   * after a backup; rebuilding an index or putting a file back loses nothing. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);
      LabCheckRepair repair = lab_check_finding_get_repair (finding);

      if (finding_is_wanted (findings, finding) &&
          (repair == LAB_CHECK_REPAIR_REMOVE_FILES || repair == LAB_CHECK_REPAIR_ADOPT_FILES))
        needs_backup = TRUE;
    }

  if (needs_backup)
    {
      report_progress (progress, progress_data, -1, _("Making a backup first"));
      backup = lab_backup_create (dir, LAB_BACKUP_KIND_PRE_CLEANUP, NULL, NULL, cancellable, error);
      if (backup == NULL)
        return NULL;
      json_builder_set_member_name (log, "backup");
      json_builder_add_string_value (log, backup);
    }

  db = lab_db_open (dir, LAB_DB_OPEN_NO_CREATE, error);
  if (db == NULL)
    return NULL;
  lab_db_set_cancellable (db, cancellable);

  json_builder_set_member_name (log, "repairs");
  json_builder_begin_array (log);

  /* Indexes and missing files first, one index per transaction; then the
   * adopted files in one transaction; then the removals. */
  for (guint i = 0; ok && i < n_items; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);

      if (!finding_is_wanted (findings, finding))
        continue;

      switch (lab_check_finding_get_repair (finding))
        {
        case LAB_CHECK_REPAIR_REBUILD_INDEX:
          report_progress (progress, progress_data, -1, _("Rebuilding the search index"));
          ok = rebuild_index (db, lab_check_finding_get_subject (finding), error);
          break;
        case LAB_CHECK_REPAIR_ADOPT_FILES:
          adopt = TRUE;
          break;
        case LAB_CHECK_REPAIR_RESTORE_FILES:
          report_progress (progress, progress_data, -1, _("Restoring files from the backups"));
          ok = restore_files (db, dir, finding, cancellable, error);
          break;
        default:
          break;
        }
    }

  if (ok && adopt)
    {
      report_progress (progress, progress_data, -1, _("Adopting files"));
      ok = lab_db_begin (db, error);
      for (guint i = 0; ok && i < n_items; i++)
        {
          g_autoptr(LabCheckFinding) finding =
            g_list_model_get_item (lab_check_report_get_findings (report), i);

          if (finding_is_wanted (findings, finding) &&
              lab_check_finding_get_repair (finding) == LAB_CHECK_REPAIR_ADOPT_FILES)
            ok = adopt_files (db, dir, finding, cancellable, error);
        }
      if (ok)
        ok = lab_db_commit (db, error);
      else
        lab_db_rollback (db);
    }

  for (guint i = 0; ok && i < n_items; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);

      if (finding_is_wanted (findings, finding) &&
          lab_check_finding_get_repair (finding) == LAB_CHECK_REPAIR_REMOVE_FILES)
        {
          report_progress (progress, progress_data, -1, _("Removing files"));
          ok = _lab_check_remove_orphan (db, dir, lab_check_finding_get_subject (finding), error);
        }
    }

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCheckFinding) finding =
        g_list_model_get_item (lab_check_report_get_findings (report), i);
      LabCheckFindingKind kind = lab_check_finding_get_kind (finding);
      LabCheckRepair repair = lab_check_finding_get_repair (finding);

      if (!finding_is_wanted (findings, finding) || repair == LAB_CHECK_REPAIR_NONE)
        continue;

      json_builder_begin_object (log);
      json_builder_set_member_name (log, "kind");
      json_builder_add_string_value (log, lab_check_finding_kind_to_string (kind));
      json_builder_set_member_name (log, "subject");
      json_builder_add_string_value (log, lab_check_finding_get_subject (finding));
      json_builder_set_member_name (log, "repair");
      json_builder_add_string_value (log, lab_check_repair_to_string (repair));
      json_builder_end_object (log);
    }
  json_builder_end_array (log);
  json_builder_set_member_name (log, "ok");
  json_builder_add_boolean_value (log, ok);
  json_builder_end_object (log);
  log_node = json_builder_get_root (log);

  g_clear_object (&db);

  if (!lab_oplog_append (dir, "repair", json_node_get_object (log_node), &log_error))
    g_debug ("Cannot log the repair: %s", log_error->message);

  if (!ok)
    return NULL;

  return lab_check_run (dir, lab_check_report_get_level (report), progress, progress_data,
                        cancellable, error);
}

typedef struct
{
  LabCheckLevel level;
  LabCheckReport *report;
  GPtrArray *findings;
  LabProgress *progress;
} CheckTaskData;

static void
check_task_data_free (gpointer data)
{
  CheckTaskData *td = data;

  g_clear_object (&td->report);
  g_clear_pointer (&td->findings, g_ptr_array_unref);
  g_clear_object (&td->progress);
  g_free (td);
}

/* One thread function for both: a task with a report repairs it. */
static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckTaskData *td = task_data;
  LabProgressFunc progress = td->progress ? lab_progress_report : NULL;
  LabCheckReport *report;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (td->report != NULL)
    report = lab_check_repair (LAB_DATA_DIR (source_object), td->report, td->findings,
                               progress, td->progress, cancellable, &error);
  else
    report = lab_check_run (LAB_DATA_DIR (source_object), td->level, progress, td->progress,
                            cancellable, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

static void
start_task (LabDataDir          *dir,
            gpointer             source_tag,
            CheckTaskData       *td,
            LabProgress         *progress,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (dir, cancellable, callback, user_data);

  td->progress = progress ? g_object_ref (progress) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, td, check_task_data_free);
  g_task_run_in_thread (task, check_thread);
}

/**
 * lab_check_run_async:
 * @progress: (nullable): receives the progress on the main context
 *
 * Runs lab_check_run() in a thread, with connections of its own.
 */
void
lab_check_run_async (LabDataDir          *dir,
                     LabCheckLevel        level,
                     LabProgress         *progress,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  CheckTaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  td = g_new0 (CheckTaskData, 1);
  td->level = level;
  start_task (dir, lab_check_run_async, td, progress, cancellable, callback, user_data);
}

/**
 * lab_check_run_finish:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
LabCheckReport *
lab_check_run_finish (LabDataDir    *dir,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_check_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_check_repair_async:
 * @findings: (nullable) (element-type LabCheckFinding): as for lab_check_repair()
 * @progress: (nullable): receives the progress on the main context
 *
 * Runs lab_check_repair() in a thread, with connections of its own.
 */
void
lab_check_repair_async (LabDataDir          *dir,
                        LabCheckReport      *report,
                        GPtrArray           *findings,
                        LabProgress         *progress,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  CheckTaskData *td;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (LAB_IS_CHECK_REPORT (report));
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  td = g_new0 (CheckTaskData, 1);
  td->report = g_object_ref (report);
  td->findings = findings ? g_ptr_array_ref (findings) : NULL;
  start_task (dir, lab_check_repair_async, td, progress, cancellable, callback, user_data);
}

/**
 * lab_check_repair_finish:
 *
 * Returns: (transfer full): the report of the check after the repairs, or %NULL
 *   with @error set
 */
LabCheckReport *
lab_check_repair_finish (LabDataDir    *dir,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_check_repair_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
