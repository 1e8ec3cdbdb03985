/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-legacy.h"
#include "lab-migrate.h"
#include "lab-row.h"
#include "lab-timestamp.h"
#include "lab-legacy-fixtures.h"
#include "lab-test-util.h"

/*
 * Detection of each legacy source, and the mapping of every legacy field onto
 * LabData's tables, checked field by field on migrated fixtures.
 */

static char *home_dir;

static LabLegacySource *
inspect_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  LabLegacySource *source = lab_legacy_source_inspect (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (source);
  return source;
}

static void
assert_note (LabLegacySource *source,
             const char      *needle)
{
  GPtrArray *notes = lab_legacy_source_get_notes (source);

  for (guint i = 0; i < notes->len; i++)
    {
      if (strstr (g_ptr_array_index (notes, i), needle) != NULL)
        return;
    }

  g_error ("no note mentions “%s”", needle);
}

static void
test_detect_ai_lab (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autofree char *root = lab_fixture_ai_lab (store->tmp, NULL);
  g_autofree char *data_dir = g_build_filename (root, "data", NULL);
  g_autofree char *db = g_build_filename (root, "data", "research_sessions.db", NULL);
  g_autofree char *backup = g_build_filename (root, "backups", "backup_20241201_143022.db", NULL);
  g_autoptr(LabLegacySource) source = inspect_ok (root);
  g_autoptr(LabLegacySource) by_data = inspect_ok (data_dir);
  g_autoptr(LabLegacySource) by_db = inspect_ok (db);
  g_autoptr(LabLegacySource) by_backup = inspect_ok (backup);
  GArray *counts;

  g_assert_cmpint (lab_legacy_source_get_kind (source), ==, LAB_LEGACY_KIND_AI_RESEARCH_LAB);
  g_assert_true (lab_legacy_source_is_usable (source));
  g_assert_null (lab_legacy_source_get_problem (source));
  g_assert_cmpstr (lab_legacy_source_get_path (source), ==, root);
  g_assert_cmpstr (lab_legacy_source_get_database_path (source), ==, db);

  g_assert_cmpint (lab_legacy_source_get_count (source, "sessions"), ==, 3);
  g_assert_cmpint (lab_legacy_source_get_count (source, "chat_logs"), ==, 9);
  g_assert_cmpint (lab_legacy_source_get_count (source, "metrics"), ==, 5);
  g_assert_cmpint (lab_legacy_source_get_count (source, "agent_activity"), ==, 4);
  g_assert_cmpint (lab_legacy_source_get_count (source, "meetings"), ==, 2);
  g_assert_cmpint (lab_legacy_source_get_count (source, "files"), ==, 10);
  g_assert_cmpint (lab_legacy_source_get_count (source, "backups"), ==, 2);
  g_assert_cmpint (lab_legacy_source_get_count (source, "nothing"), ==, -1);

  /* The files are everything but the database and the backups. */
  counts = lab_legacy_source_get_counts (source);
  for (guint i = 0; i < counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (counts, LabLegacyCount, i);
      g_autofree char *backups = g_build_filename (root, "backups", NULL);

      if (g_str_equal (count->name, "files"))
        g_assert_cmpuint (count->size, ==, lab_path_disk_usage (root, NULL) -
                                           lab_path_disk_usage (db, NULL) -
                                           lab_path_disk_usage (backups, NULL));
    }
  g_assert_cmpuint (lab_legacy_source_get_size (source), >, lab_path_disk_usage (db, NULL));

  /* The span of its rows: from the first session's creation to the last update. */
  {
    g_autofree char *first = NULL;
    g_autofree char *last = NULL;
    gint64 usec;

    g_assert_true (lab_timestamp_parse ("2024-12-01T14:30:22.123456Z", &usec));
    g_assert_cmpint (lab_legacy_source_get_first_time (source), ==, usec);
    g_assert_true (lab_timestamp_parse ("2024-12-03T16:45:00Z", &usec));
    g_assert_cmpint (lab_legacy_source_get_last_time (source), ==, usec);
  }
  assert_note (source, "backups folder is not copied");

  /* The data folder and the database itself lead to the same layout. */
  g_assert_cmpstr (lab_legacy_source_get_path (by_data), ==, root);
  g_assert_cmpstr (lab_legacy_source_get_path (by_db), ==, root);
  g_assert_cmpint (lab_legacy_source_get_count (by_db, "files"), ==, 10);

  /* A backup is recognised by its tables, and has no files of its own. */
  g_assert_cmpint (lab_legacy_source_get_kind (by_backup), ==, LAB_LEGACY_KIND_AI_RESEARCH_LAB);
  g_assert_cmpstr (lab_legacy_source_get_database_path (by_backup), ==, backup);
  g_assert_cmpint (lab_legacy_source_get_count (by_backup, "sessions"), ==, 3);
  g_assert_cmpint (lab_legacy_source_get_count (by_backup, "files"), ==, -1);

  {
    g_autoptr(JsonNode) node = lab_legacy_source_to_json (source);
    JsonObject *object = json_node_get_object (node);

    g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "ai-research-lab");
    g_assert_true (json_object_get_boolean_member (object, "usable"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "counts"),
                                                 "chat_logs"), ==, 9);
    g_assert_cmpstr (json_object_get_string_member (object, "first_time"), ==, "2024-12-01T14:30:22.123Z");
  }
}

static void
test_detect_events (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autofree char *db = lab_fixture_events (store->tmp, NULL);
  g_autoptr(LabLegacySource) by_folder = inspect_ok (store->tmp);
  g_autoptr(LabLegacySource) source = inspect_ok (db);
  gint64 usec;

  g_assert_cmpint (lab_legacy_source_get_kind (source), ==, LAB_LEGACY_KIND_EVENTS_DB);
  g_assert_true (lab_legacy_source_is_usable (source));
  g_assert_cmpstr (lab_legacy_source_get_database_path (by_folder), ==, db);
  g_assert_cmpint (lab_legacy_source_get_count (source, "session"), ==, 3);
  g_assert_cmpint (lab_legacy_source_get_count (source, "event"), ==, 19);
  /* Sessions' files, the folder no session claims, a loose file and the log. */
  g_assert_cmpint (lab_legacy_source_get_count (source, "files"), ==, 9);
  assert_note (source, "1 workspace folder belongs to no session");

  g_assert_true (lab_timestamp_parse ("2025-05-19T12:00:00Z", &usec));
  g_assert_cmpint (lab_legacy_source_get_first_time (source), ==, usec);
  g_assert_true (lab_timestamp_parse ("2025-05-22T17:45:12Z", &usec));
  g_assert_cmpint (lab_legacy_source_get_last_time (source), ==, usec);
}

static void
test_detect_json_export (LabTestStore  *store,
                         gconstpointer  data)
{
  g_autofree char *path = lab_fixture_data_path ("export.json");
  g_autoptr(LabLegacySource) source = inspect_ok (path);
  gint64 usec;

  g_assert_cmpint (lab_legacy_source_get_kind (source), ==, LAB_LEGACY_KIND_JSON_EXPORT);
  g_assert_true (lab_legacy_source_is_usable (source));
  /* Counted by the import's reader, as LabData rows. */
  g_assert_cmpint (lab_legacy_source_get_count (source, "sessions"), ==, 1);
  g_assert_cmpint (lab_legacy_source_get_count (source, "messages"), ==, 2);
  g_assert_cmpint (lab_legacy_source_get_count (source, "brains"), ==, 1);
  g_assert_true (lab_timestamp_parse ("2024-11-30T20:53:20Z", &usec));
  g_assert_cmpint (lab_legacy_source_get_first_time (source), ==, usec);

  /* An export that does not parse is recognised, and said to be unusable. */
  {
    g_autofree char *broken = g_build_filename (store->tmp, "broken.json", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(LabLegacySource) bad = NULL;

    lab_fixture_write_file (broken, "{\"exportedAt\": 1733063422000, \"sessions\": [", -1);
    bad = lab_legacy_source_inspect (broken, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (lab_legacy_source_is_usable (bad));
    g_assert_error (lab_legacy_source_get_problem (bad), LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  }
}

static void
test_detect_defaults (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *lab = NULL;
  g_autofree char *events = NULL;
  g_auto(GStrv) defaults = lab_legacy_default_locations ();
  gboolean found_lab = FALSE, found_events = FALSE;

  /* Nothing there yet: no sources, no error. */
  g_assert_cmpint (g_chdir (store->tmp), ==, 0);
  none = lab_legacy_detect (NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < none->len; i++)
    g_assert_cmpstr (lab_legacy_source_get_path (g_ptr_array_index (none, i)), !=, home_dir);

  /* ~/.ai_research_lab and ./events.db are found by themselves. */
  lab = lab_fixture_ai_lab (home_dir, NULL);
  events = lab_fixture_events (store->tmp, NULL);
  sources = lab_legacy_detect (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);

  for (guint i = 0; i < sources->len; i++)
    {
      LabLegacySource *source = g_ptr_array_index (sources, i);

      found_lab |= g_str_equal (lab_legacy_source_get_path (source), lab);
      found_events |= g_str_equal (lab_legacy_source_get_database_path (source), events);
    }
  g_assert_true (found_lab);
  g_assert_true (found_events);
  g_assert_cmpuint (g_strv_length (defaults), ==, 3);
  g_assert_cmpstr (defaults[2], ==, "/var/data/events.db");

  /* The same place named twice is one source. */
  {
    const char *twice[] = { lab, lab, NULL };
    g_autoptr(GPtrArray) once = lab_legacy_detect (twice, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (once->len, ==, 1);
  }

  lab_rm_rf (lab, NULL);
}

static void
test_detect_not_legacy (LabTestStore  *store,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (store->tmp, "nowhere", NULL);
  g_autofree char *text = g_build_filename (store->tmp, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (store->tmp, "other.db", NULL);
  g_autofree char *empty = g_build_filename (store->tmp, "empty", "events.db", NULL);
  g_autoptr(LabLegacySource) source = NULL;

  source = lab_legacy_source_inspect (missing, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_null (source);
  g_clear_error (&error);

  lab_fixture_write_file (text, "just text\n", -1);
  source = lab_legacy_source_inspect (text, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Another program's database, and LabData's own store, are not legacy data. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (id, text)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  source = lab_legacy_source_inspect (other, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  lab_test_store_open (store);
  source = lab_legacy_source_inspect (lab_data_dir_get_db_path (store->dir), NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* An empty events.db, or another program's, is not legacy data either: a
   * stray one in the current folder must not stand in the way. */
  lab_fixture_write_file (empty, "", 0);
  source = lab_legacy_source_inspect (empty, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
  g_assert_null (source);
  g_clear_error (&error);
  {
    g_autofree char *other_events = g_build_filename (store->tmp, "other", "events.db", NULL);
    g_autofree char *other_dir = g_path_get_dirname (other_events);
    sqlite3 *db = NULL;

    g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
    g_assert_cmpint (sqlite3_open (other_events, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE calendar (id, title)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    source = lab_legacy_source_inspect (other_dir, NULL, &error);
    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
    g_assert_null (source);
    g_clear_error (&error);
  }

  /* A path the user gave must hold legacy data. */
  {
    const char *paths[] = { text, NULL };
    g_autoptr(GPtrArray) sources = lab_legacy_detect (paths, NULL, &error);

    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED);
    g_assert_null (sources);
  }
}

static void
test_detect_damaged (LabTestStore  *store,
                     gconstpointer  data)
{
  g_autofree char *corrupt_parent = g_build_filename (store->tmp, "corrupt", NULL);
  g_autofree char *missing_parent = g_build_filename (store->tmp, "missing", NULL);
  g_autofree char *extra_parent = g_build_filename (store->tmp, "extra", NULL);
  g_autofree char *events_parent = g_build_filename (store->tmp, "events", NULL);
  g_autofree char *corrupt = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *events = NULL;
  g_autoptr(LabLegacySource) source = NULL;
  const GError *problem;

  g_mkdir (corrupt_parent, 0700);
  g_mkdir (missing_parent, 0700);
  g_mkdir (extra_parent, 0700);
  g_mkdir (events_parent, 0700);

  corrupt = lab_fixture_ai_lab (corrupt_parent, "corrupt");
  source = inspect_ok (corrupt);
  problem = lab_legacy_source_get_problem (source);
  g_assert_error (problem, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (problem->message, "damaged"));
  g_assert_false (lab_legacy_source_is_usable (source));
  g_clear_object (&source);

  missing = lab_fixture_ai_lab (missing_parent, "missing-tables");
  source = inspect_ok (missing);
  g_assert_true (lab_legacy_source_is_usable (source));
  g_assert_cmpint (lab_legacy_source_get_count (source, "meetings"), ==, -1);
  assert_note (source, "“meetings” is missing");
  assert_note (source, "“metrics” is missing");
  g_clear_object (&source);

  extra = lab_fixture_ai_lab (extra_parent, "extra-columns");
  source = inspect_ok (extra);
  g_assert_true (lab_legacy_source_is_usable (source));
  assert_note (source, "(owner, budget_usd)");
  assert_note (source, "(tokens, attachment)");
  g_clear_object (&source);

  events = lab_fixture_events (events_parent, "corrupt");
  source = inspect_ok (events);
  g_assert_error (lab_legacy_source_get_problem (source), LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT);
}

static void
test_detect_locked (LabTestStore  *store,
                    gconstpointer  data)
{
  g_autofree char *db_path = lab_fixture_events (store->tmp, NULL);
  g_autoptr(LabLegacySource) locked = NULL;
  g_autoptr(LabLegacySource) free_again = NULL;
  sqlite3 *app = NULL;

  /* The agent server is writing: it holds the exclusive lock. */
  g_assert_cmpint (sqlite3_open (db_path, &app), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (app, "BEGIN EXCLUSIVE; INSERT INTO event VALUES "
                                      "('x', 'y', '2025-01-01', 'ping', '{}')", NULL, NULL, NULL),
                   ==, SQLITE_OK);

  locked = inspect_ok (db_path);
  g_assert_error (lab_legacy_source_get_problem (locked), LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (lab_legacy_source_get_problem (locked)->message, "locked"));

  g_assert_cmpint (sqlite3_exec (app, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (app);

  free_again = inspect_ok (db_path);
  g_assert_true (lab_legacy_source_is_usable (free_again));
}

static void
detect_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GPtrArray **sources = user_data;
  g_autoptr(GError) error = NULL;

  *sources = lab_legacy_detect_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_detect_async (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autofree char *db = lab_fixture_events (store->tmp, NULL);
  const char *paths[] = { db, NULL };
  g_autoptr(GPtrArray) sources = NULL;

  lab_legacy_detect_async (paths, NULL, detect_done_cb, &sources);
  while (sources == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_cmpint (lab_legacy_source_get_count (g_ptr_array_index (sources, 0), "event"), ==, 19);
}

/*
 * Mapping
 */

static void
migrate_paths (LabTestStore *store,
               const char   *first,
               const char   *second)
{
  const char *paths[] = { first, second, NULL };
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;

  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);
  report = lab_migrate (store->dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lab_migration_report_get_verified (report));
}

static JsonObject *
fetch (LabDb      *db,
       const char *table,
       const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) key = json_object_new ();
  JsonObject *row;

  json_object_set_string_member (key, "id", id);
  row = lab_row_fetch (db, lab_schema_get_table (table), key, &error);
  g_assert_no_error (error);
  if (row == NULL)
    g_error ("%s %s is missing", table, id);

  return row;
}

/* The value at a dotted path: "metadata.legacy.id". */
static JsonNode *
at (JsonObject *object,
    const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (object == NULL || !json_object_has_member (object, parts[i]))
        g_error ("no %s (at %s)", path, parts[i]);
      node = json_object_get_member (object, parts[i]);
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }

  return node;
}

static const char *
str (JsonObject *object,
     const char *path)
{
  JsonNode *node = at (object, path);

  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

static gint64
num (JsonObject *object,
     const char *path)
{
  return json_node_get_int (at (object, path));
}

static double
real (JsonObject *object,
      const char *path)
{
  return json_node_get_double (at (object, path));
}

static gboolean
has (JsonObject *object,
     const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *node;

      if (object == NULL || !json_object_has_member (object, parts[i]))
        return FALSE;
      node = json_object_get_member (object, parts[i]);
      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }

  return TRUE;
}

static void
assert_json (JsonObject *object,
             const char *path,
             const char *expected)
{
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);
  g_autofree char *got = json_to_string (at (object, path), FALSE);

  g_assert_nonnull (want);
  if (!json_node_equal (want, at (object, path)))
    g_error ("%s is %s, expected %s", path, got, expected);
}

static char *
message_id (LabDb      *db,
            const char *session_id,
            gint64      sequence)
{
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM messages WHERE session_id = ? "
                                                     "AND sequence = ?", NULL);

  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, sequence);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static JsonObject *
message (LabDb      *db,
         const char *session_id,
         gint64      sequence)
{
  g_autofree char *id = message_id (db, session_id, sequence);

  return fetch (db, "messages", id);
}

static JsonObject *
child_by_legacy_id (LabDb      *db,
                    const char *table,
                    gint64      legacy_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE json_extract (metadata, "
                                          "'$.legacy.id') = ?", table);
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, NULL);

  sqlite3_bind_int64 (stmt, 1, legacy_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return fetch (db, table, (const char *) sqlite3_column_text (stmt, 0));
}

static gint64
count (LabDb      *db,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 n = lab_db_query_int64 (db, sql, &error);

  g_assert_no_error (error);
  return n;
}

static void
assert_file_copied (LabTestStore *store,
                    LabDb        *db,
                    const char   *session_id,
                    const char   *relative,
                    const char   *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) key = json_object_new ();
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *folder = lab_data_dir_get_session_workspace (store->dir, session_id);
  g_autofree char *copy = g_build_filename (folder, relative, NULL);
  g_autofree char *copy_sha = NULL;
  g_autofree char *source_sha = NULL;
  g_autofree char *modified = NULL;
  goffset size = 0;
  struct stat st;

  json_object_set_string_member (key, "session_id", session_id);
  json_object_set_string_member (key, "path", relative);
  row = lab_row_fetch (db, lab_schema_get_table ("workspace_files"), key, &error);
  g_assert_no_error (error);
  if (row == NULL)
    g_error ("workspace file %s/%s is not recorded", session_id, relative);

  source_sha = lab_file_sha256 (source, &size, NULL, &error);
  g_assert_no_error (error);
  copy_sha = lab_file_sha256 (copy, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (copy_sha, ==, source_sha);
  g_assert_cmpstr (str (row, "sha256"), ==, source_sha);
  g_assert_cmpint (num (row, "size"), ==, size);

  /* The file keeps the time it was made. */
  g_assert_cmpint (stat (source, &st), ==, 0);
  modified = lab_timestamp_format ((gint64) st.st_mtime * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000);
  g_assert_cmpstr (str (row, "modified_at"), ==, modified);
  g_assert_cmpint (stat (copy, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_map_ai_lab (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autofree char *root = lab_fixture_ai_lab (store->tmp, NULL);
  g_autoptr(JsonObject) s1 = NULL;
  g_autoptr(JsonObject) s2 = NULL;
  g_autoptr(JsonObject) s3 = NULL;
  g_autofree char *files_id = NULL;
  LabDb *db;

  migrate_paths (store, root, NULL);
  db = lab_test_store_open (store);

  /* sessions: every column somewhere. */
  s1 = fetch (db, "sessions", LAB_FIXTURE_LAB_SESSION_1);
  g_assert_cmpstr (str (s1, "title"), ==, "Sparse attention for long-context retrieval");
  g_assert_cmpstr (str (s1, "research_question"), ==,
                   "How does sparse attention affect retrieval accuracy on long contexts (over 100k tokens)?");
  g_assert_cmpstr (str (s1, "status"), ==, "completed");
  g_assert_cmpstr (str (s1, "model"), ==, "llama-3.3-70b");
  g_assert_cmpstr (str (s1, "provider"), ==, "venice");
  assert_json (s1, "participants", "[\"Ada Chen\", \"PI Agent\", \"Scientific Critic\", \"ML Engineer\"]");
  assert_json (s1, "keywords", "[\"attention\", \"retrieval\", \"long-context\"]");
  g_assert_cmpstr (str (s1, "created_at"), ==, "2024-12-01T14:30:22.123Z");
  g_assert_cmpstr (str (s1, "updated_at"), ==, "2024-12-01T15:02:10.654Z");
  g_assert_cmpstr (str (s1, "last_activity_at"), ==, "2024-12-01T15:02:10.654Z");
  assert_json (s1, "config", "{\"model\": \"llama-3.3-70b\", \"provider\": \"venice\", \"max_agents\": 4, "
                             "\"agents\": [\"PI Agent\", \"Scientific Critic\", \"ML Engineer\"]}");
  assert_json (s1, "results", "{\"summary\": \"Block-sparse attention keeps 97% of dense accuracy at 128k tokens.\", "
                              "\"accuracy\": {\"dense\": 0.912, \"sparse\": 0.884}}");
  /* The legacy metadata keeps its members; logs and exact times go to legacy. */
  g_assert_cmpint (num (s1, "metadata.priority"), ==, 2);
  g_assert_cmpstr (str (s1, "metadata.title"), ==, "Sparse attention for long-context retrieval");
  g_assert_cmpstr (str (s1, "metadata.legacy.source"), ==, "ai-research-lab");
  g_assert_cmpstr (str (s1, "metadata.legacy.id"), ==, LAB_FIXTURE_LAB_SESSION_1);
  g_assert_cmpstr (str (s1, "metadata.legacy.created_at"), ==, "2024-12-01T14:30:22.123456");
  g_assert_cmpstr (str (s1, "metadata.legacy.updated_at"), ==, "2024-12-01T15:02:10.654321");
  assert_json (s1, "metadata.legacy.logs", "[\"session started\", \"meeting 1 finished\", \"session completed\"]");
  g_assert_cmpuint (strlen (str (s1, "metadata.legacy.key")), ==, 32);
  g_assert_false (json_node_get_boolean (at (s1, "starred")));

  /* A long non-ASCII question titles the session, cut at a word. */
  s2 = fetch (db, "sessions", LAB_FIXTURE_LAB_SESSION_2);
  g_assert_true (g_str_has_prefix (str (s2, "title"), "Können Diffusionsmodelle Klimadaten"));
  g_assert_true (g_str_has_suffix (str (s2, "title"), "…"));
  g_assert_cmpuint (g_utf8_strlen (str (s2, "title"), -1), <=, 81);
  g_assert_cmpstr (str (s2, "status"), ==, "failed");
  g_assert_cmpstr (str (s2, "model"), ==, "");
  /* No participants recorded: the chat authors and the agents are. */
  assert_json (s2, "participants", "[\"User\", \"PI Agent\"]");
  g_assert_null (str (s2, "results"));
  assert_json (s2, "config", "{\"max_agents\": 2, \"temperature\": 0.7}");
  g_assert_cmpstr (str (s2, "updated_at"), ==, "2024-12-02T09:47:13.500Z");
  g_assert_false (has (s2, "metadata.legacy.logs"));

  /* CURRENT_TIMESTAMP times; a metadata list is kept whole. */
  s3 = fetch (db, "sessions", LAB_FIXTURE_LAB_SESSION_3);
  g_assert_cmpstr (str (s3, "created_at"), ==, "2024-12-03T16:00:00.000Z");
  g_assert_cmpstr (str (s3, "metadata.legacy.created_at"), ==, "2024-12-03 16:00:00");
  assert_json (s3, "metadata.legacy.metadata", "[\"a list, not an object\"]");
  assert_json (s3, "config", "{}");
  assert_json (s3, "metadata.legacy.logs", "[]");
  g_assert_cmpstr (str (s3, "status"), ==, "active");

  /* chat_logs → messages, in time order, every field. */
  g_assert_cmpint (count (db, "SELECT count(*) FROM messages WHERE session_id = '" LAB_FIXTURE_LAB_SESSION_1 "'"), ==, 7);
  {
    static const struct { const char *role; const char *author; const char *log_type; const char *time; } expected[] = {
      { "system", "system", "system", "2024-12-01T14:30:22.500Z" },
      { "user", "user", "communication", "2024-12-01T14:30:40.000Z" },
      { "thought", "PI Agent", "thought", "2024-12-01T14:31:02.250Z" },
      { "tool_call", "ML Engineer", "tool_call", "2024-12-01T14:31:30.000Z" },
      { "assistant", "PI Agent", "choice", "2024-12-01T14:32:05.000Z" },
      { "assistant", "Scientific Critic", "communication", "2024-12-01T14:40:00.000Z" },
      { "assistant", "PI Agent", "summary", "2024-12-01T15:02:00.000Z" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(JsonObject) m = message (db, LAB_FIXTURE_LAB_SESSION_1, i + 1);

        g_assert_cmpstr (str (m, "role"), ==, expected[i].role);
        g_assert_cmpstr (str (m, "author"), ==, expected[i].author);
        g_assert_cmpstr (str (m, "created_at"), ==, expected[i].time);
        g_assert_cmpstr (str (m, "metadata.legacy.log_type"), ==, expected[i].log_type);
        g_assert_cmpint (num (m, "metadata.legacy.id"), ==, i + 1);
        g_assert_cmpstr (str (m, "metadata.legacy.source"), ==, "ai-research-lab");
        g_assert_cmpint (num (m, "prompt_tokens"), ==, 0);
      }
  }
  {
    g_autoptr(JsonObject) user = message (db, LAB_FIXTURE_LAB_SESSION_1, 2);
    g_autoptr(JsonObject) thought = message (db, LAB_FIXTURE_LAB_SESSION_1, 3);
    g_autoptr(JsonObject) call = message (db, LAB_FIXTURE_LAB_SESSION_1, 4);
    g_autoptr(JsonObject) critic = message (db, LAB_FIXTURE_LAB_SESSION_1, 6);

    g_assert_cmpstr (str (user, "content"), ==,
                     "Compare block-sparse and sliding-window attention on NarrativeQA at 128k tokens.");
    g_assert_cmpstr (str (user, "metadata.channel"), ==, "ui");
    g_assert_cmpstr (str (user, "metadata.legacy.timestamp"), ==, "2024-12-01T14:30:40.000000");
    g_assert_cmpfloat (real (thought, "metadata.confidence"), ==, 0.8);
    g_assert_cmpstr (str (call, "content"), ==, "web_search");
    assert_json (call, "tool_calls", "[{\"id\": \"call_7f3a\", \"type\": \"function\", \"function\": "
                                     "{\"name\": \"web_search\", \"arguments\": {\"query\": "
                                     "\"block-sparse attention long context 2024\"}}}]");
    g_assert_cmpstr (str (call, "metadata.tool_name"), ==, "web_search");
    g_assert_cmpstr (str (critic, "content"), ==,
                     "The \"97%\" claim needs confidence intervals:\nthree seeds are not enough.");
    g_assert_null (str (critic, "tool_calls"));
  }

  /* metrics: an epoch number as time; one without a session stays without. */
  {
    g_autoptr(JsonObject) m1 = child_by_legacy_id (db, "metrics", 1);
    g_autoptr(JsonObject) m4 = child_by_legacy_id (db, "metrics", 4);
    g_autoptr(JsonObject) m5 = child_by_legacy_id (db, "metrics", 5);

    g_assert_cmpstr (str (m1, "session_id"), ==, LAB_FIXTURE_LAB_SESSION_1);
    g_assert_cmpfloat (real (m1, "cpu_usage"), ==, 42.5);
    g_assert_cmpfloat (real (m1, "memory_usage"), ==, 61.25);
    g_assert_cmpint (num (m1, "active_agents"), ==, 3);
    g_assert_cmpstr (str (m1, "timestamp"), ==, "2024-12-01T14:35:00.000Z");
    g_assert_cmpfloat (real (m4, "cpu_usage"), ==, 15.0);
    g_assert_null (str (m5, "session_id"));
    g_assert_cmpstr (str (m5, "timestamp"), ==, "2024-12-01T14:30:22.500Z");
    /* A TEXT column turned the number into text; it is read as seconds. */
    g_assert_cmpstr (str (m5, "metadata.legacy.timestamp"), ==, "1733063422.5");
  }

  /* agent_activity */
  {
    g_autoptr(JsonObject) a1 = child_by_legacy_id (db, "agent_activity", 1);
    g_autoptr(JsonObject) a3 = child_by_legacy_id (db, "agent_activity", 3);

    g_assert_cmpstr (str (a1, "session_id"), ==, LAB_FIXTURE_LAB_SESSION_1);
    g_assert_cmpstr (str (a1, "agent_id"), ==, "PI Agent");
    g_assert_cmpstr (str (a1, "activity_type"), ==, "thinking");
    g_assert_cmpstr (str (a1, "message"), ==, "Planning the comparison");
    g_assert_cmpstr (str (a1, "status"), ==, "active");
    g_assert_cmpint (num (a1, "metadata.step"), ==, 1);
    g_assert_cmpstr (str (a3, "message"), ==, "");
    g_assert_cmpstr (str (a3, "status"), ==, "idle");
  }

  /* meetings: people objects give their names, the objects stay in legacy. */
  {
    g_autoptr(JsonObject) m1 = child_by_legacy_id (db, "meetings", 1);
    g_autoptr(JsonObject) m2 = child_by_legacy_id (db, "meetings", 2);

    g_assert_cmpstr (str (m1, "topic"), ==, "Choosing the sparsity pattern");
    assert_json (m1, "participants", "[\"PI Agent\", \"Scientific Critic\", \"ML Engineer\"]");
    assert_json (m1, "agenda", "[\"baselines\", \"sparsity patterns\", \"evaluation\"]");
    assert_json (m1, "outcomes", "{\"decision\": \"block-sparse\", \"next\": [\"run dense\", \"run sparse\"]}");
    g_assert_true (g_str_has_prefix (str (m1, "transcript"), "PI Agent: We start"));
    g_assert_cmpstr (str (m1, "metadata.legacy.meeting_id"), ==, "meeting_1");
    g_assert_cmpint (num (m1, "metadata.duration_s"), ==, 420);
    g_assert_false (has (m1, "metadata.legacy.participants"));
    assert_json (m2, "participants", "[\"PI Agent\", \"Data Engineer\"]");
    assert_json (m2, "metadata.legacy.participants",
                 "[{\"name\": \"PI Agent\", \"role\": \"lead\"}, {\"name\": \"Data Engineer\"}]");
    g_assert_null (str (m2, "outcomes"));
  }

  /* Files: a session's output folder goes to it, the rest to one session. */
  {
    g_autofree char *csv = g_build_filename (root, "data", "output", LAB_FIXTURE_LAB_SESSION_1, "results.csv", NULL);
    g_autofree char *png = g_build_filename (root, "data", "output", LAB_FIXTURE_LAB_SESSION_1, "figures", "accuracy.png", NULL);
    g_autofree char *summary = g_build_filename (root, "data", "output", "summary.md", NULL);
    g_autofree char *vectors = g_build_filename (root, "data", "vector_memory.db", NULL);
    g_autofree char *config = g_build_filename (root, "config", "config.json", NULL);
    g_autofree char *zip = g_build_filename (root, "archives", "export_20241201_143022.zip", NULL);
    g_autofree char *log = g_build_filename (root, "logs", "app.log", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM sessions WHERE json_extract "
                                                       "(metadata, '$.legacy.files_of') = ?", &error);

    sqlite3_bind_text (stmt, 1, root, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    files_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

    assert_file_copied (store, db, LAB_FIXTURE_LAB_SESSION_1, "output/results.csv", csv);
    assert_file_copied (store, db, LAB_FIXTURE_LAB_SESSION_1, "output/figures/accuracy.png", png);
    assert_file_copied (store, db, files_id, "output/summary.md", summary);
    assert_file_copied (store, db, files_id, "data/vector_memory.db", vectors);
    assert_file_copied (store, db, files_id, "config/config.json", config);
    assert_file_copied (store, db, files_id, "archives/export_20241201_143022.zip", zip);
    assert_file_copied (store, db, files_id, "logs/app.log", log);
    g_assert_cmpint (count (db, "SELECT count(*) FROM workspace_files"), ==, 10);
    /* Backups are not copied. */
    g_assert_cmpint (count (db, "SELECT count(*) FROM workspace_files WHERE path LIKE 'backups/%'"), ==, 0);
  }

  /* Everything is searchable. */
  lab_test_assert_fts_ok (db);
  g_assert_cmpint (count (db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'confidence'"), ==, 1);
}

static void
test_map_ai_lab_damaged (LabTestStore  *store,
                         gconstpointer  data)
{
  g_autofree char *bad_parent = g_build_filename (store->tmp, "bad", NULL);
  g_autofree char *extra_parent = g_build_filename (store->tmp, "extra", NULL);
  g_autofree char *bad = NULL;
  g_autofree char *extra = NULL;
  const char *paths[3] = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *issues;
  LabDb *db;

  g_mkdir (bad_parent, 0700);
  g_mkdir (extra_parent, 0700);
  bad = lab_fixture_ai_lab (bad_parent, "bad-json");
  extra = lab_fixture_ai_lab (extra_parent, "extra-columns");
  paths[0] = bad;

  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);
  report = lab_migrate (store->dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Every oddity is reported, and nothing is dropped. */
  issues = lab_migration_report_get_issues (report);
  {
    static const char * const expected[] = {
      "config is not valid JSON", "metadata is not valid JSON", "agenda is not valid JSON",
      "which the sessions table does not have", "no valid time",
    };

    for (guint e = 0; e < G_N_ELEMENTS (expected); e++)
      {
        gboolean found = FALSE;

        for (guint i = 0; i < issues->len; i++)
          found |= strstr (((LabMigrationIssue *) g_ptr_array_index (issues, i))->message, expected[e]) != NULL;
        if (!found)
          g_error ("no issue says “%s”", expected[e]);
      }
  }

  db = lab_test_store_open (store);
  {
    g_autoptr(JsonObject) s2 = fetch (db, "sessions", LAB_FIXTURE_LAB_SESSION_2);
    g_autoptr(JsonObject) lost = fetch (db, "sessions", "research_20241130_deleted");
    g_autoptr(JsonObject) chat = child_by_legacy_id (db, "messages", 3);
    g_autoptr(JsonObject) meeting = child_by_legacy_id (db, "meetings", 2);
    g_autoptr(JsonObject) activity = child_by_legacy_id (db, "agent_activity", 5);

    /* Text that does not parse stays, as a JSON string. */
    g_assert_cmpstr (str (s2, "config"), ==, "{\"model\": \"llama-3.3-70b\", \"provider\": ");
    g_assert_cmpstr (str (chat, "metadata.legacy.metadata"), ==, "confidence=0.8");
    g_assert_cmpstr (str (meeting, "agenda"), ==, "Discuss the download");
    /* Rows whose session is gone keep it: a session is made for them. */
    g_assert_cmpstr (str (lost, "title"), ==, "Recovered session research_20241130_deleted");
    g_assert_cmpstr (str (lost, "metadata.legacy.recovered"), ==, "rows");
    g_assert_cmpint (count (db, "SELECT count(*) FROM messages WHERE session_id = 'research_20241130_deleted'"), ==, 1);
    /* A time that is not a time: the session's start, and the text kept. */
    g_assert_cmpstr (str (activity, "metadata.legacy.timestamp"), ==, "yesterday");
    g_assert_cmpstr (str (activity, "session_id"), ==, "research_20241130_deleted");
  }
  g_clear_object (&store->db);

  /* Columns LabData has no place for are kept per row. */
  g_clear_object (&report);
  g_clear_pointer (&sources, g_ptr_array_unref);
  paths[0] = extra;
  lab_rm_rf (store->root, NULL);
  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);
  report = lab_migrate (store->dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  db = lab_test_store_open (store);
  {
    g_autoptr(JsonObject) s1 = fetch (db, "sessions", LAB_FIXTURE_LAB_SESSION_1);
    g_autoptr(JsonObject) chat2 = child_by_legacy_id (db, "messages", 2);

    g_assert_cmpstr (str (s1, "metadata.legacy.extra.owner"), ==, "ada");
    g_assert_cmpfloat (real (s1, "metadata.legacy.extra.budget_usd"), ==, 12.5);
    g_assert_cmpint (num (chat2, "metadata.legacy.extra.tokens"), ==, 80);
    g_assert_cmpstr (str (chat2, "metadata.legacy.extra.attachment.base64"), ==, "AP8Q");
  }
}

static void
test_map_events (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autofree char *db_path = lab_fixture_events (store->tmp, NULL);
  g_autofree char *ws = g_build_filename (store->tmp, "workspace", NULL);
  g_autoptr(JsonObject) s1 = NULL;
  g_autoptr(JsonObject) s2 = NULL;
  g_autoptr(JsonObject) s3 = NULL;
  g_autoptr(JsonObject) lost = NULL;
  LabDb *db;

  migrate_paths (store, db_path, NULL);
  db = lab_test_store_open (store);

  s1 = fetch (db, "sessions", LAB_FIXTURE_EVENTS_SESSION_1);
  g_assert_cmpstr (str (s1, "title"), ==,
                   "Find recent papers on protein structure prediction and summarise them in a table…");
  g_assert_cmpstr (str (s1, "research_question"), ==,
                   "Find recent papers on protein structure prediction and summarise them in a table "
                   "with links.\nFocus on 2024-2025.");
  g_assert_cmpstr (str (s1, "model"), ==, "claude-3-7-sonnet");
  g_assert_cmpstr (str (s1, "status"), ==, "completed");
  assert_json (s1, "participants", "[\"User\", \"Agent\"]");
  g_assert_cmpstr (str (s1, "created_at"), ==, "2025-05-20T10:15:30.123Z");
  g_assert_cmpstr (str (s1, "last_activity_at"), ==, "2025-05-20T10:18:21.000Z");
  g_assert_cmpstr (str (s1, "metadata.legacy.source"), ==, "events-db");
  g_assert_cmpstr (str (s1, "metadata.legacy.workspace_dir"), ==,
                   "/var/data/workspace/" LAB_FIXTURE_EVENTS_SESSION_1);
  g_assert_cmpstr (str (s1, "metadata.legacy.device_id"), ==, "device-7f2c");
  g_assert_cmpstr (str (s1, "metadata.legacy.created_at"), ==, "2025-05-20 10:15:30.123456");

  /* The chat log is rebuilt from the events; the rest is agent activity. */
  g_assert_cmpint (count (db, "SELECT count(*) FROM messages WHERE session_id = '" LAB_FIXTURE_EVENTS_SESSION_1 "'"), ==, 7);
  g_assert_cmpint (count (db, "SELECT count(*) FROM agent_activity WHERE session_id = '" LAB_FIXTURE_EVENTS_SESSION_1 "'"), ==, 5);
  {
    static const struct { const char *role; const char *author; const char *type; } expected[] = {
      { "user", "User", "user_message" },
      { "thought", "Agent", "agent_thinking" },
      { "tool_call", "Agent", "tool_call" },
      { "tool_result", "web_search", "tool_result" },
      { "tool_call", "Agent", "tool_call" },
      { "tool_result", "str_replace_editor", "tool_result" },
      { "assistant", "Agent", "agent_response" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(JsonObject) m = message (db, LAB_FIXTURE_EVENTS_SESSION_1, i + 1);

        g_assert_cmpstr (str (m, "role"), ==, expected[i].role);
        g_assert_cmpstr (str (m, "author"), ==, expected[i].author);
        g_assert_cmpstr (str (m, "metadata.legacy.event_type"), ==, expected[i].type);
      }
  }
  {
    g_autoptr(JsonObject) user = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 1);
    g_autoptr(JsonObject) call = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 3);
    g_autoptr(JsonObject) result = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 4);
    g_autoptr(JsonObject) edit_result = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 6);
    g_autoptr(JsonObject) answer = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 7);

    g_assert_cmpstr (str (user, "created_at"), ==, "2025-05-20T10:16:02.000Z");
    g_assert_cmpstr (str (user, "metadata.legacy.id"), ==, "0a000001-0000-4000-8000-000000000003");
    assert_json (user, "metadata.legacy.content", "{\"files\": [\"uploaded_files/notes.pdf\"], \"resume\": false}");
    g_assert_cmpstr (str (call, "content"), ==, "web_search: {\"query\":\"protein structure prediction 2025 review\"}");
    assert_json (call, "tool_calls", "[{\"id\": \"toolu_01A\", \"type\": \"function\", \"function\": "
                                     "{\"name\": \"web_search\", \"arguments\": {\"query\": "
                                     "\"protein structure prediction 2025 review\"}}}]");
    assert_json (call, "metadata.legacy.content", "{\"tool_call_id\": \"toolu_01A\", \"tool_name\": \"web_search\"}");
    g_assert_cmpstr (str (result, "content"), ==, "1. AlphaFold 3 (Nature, 2024)\n2. Boltz-1 (2024)\n3. Chai-1 (2024)");
    g_assert_cmpstr (str (edit_result, "content"), ==, "{\"ok\":true,\"path\":\"report.md\"}");
    g_assert_cmpstr (str (answer, "created_at"), ==, "2025-05-20T10:18:20.000Z");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM agent_activity WHERE "
                                                       "json_extract (metadata, '$.legacy.event_type') = 'file_edit'",
                                                   &error);
    g_autoptr(JsonObject) edit = NULL;

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    edit = fetch (db, "agent_activity", (const char *) sqlite3_column_text (stmt, 0));
    g_assert_cmpstr (str (edit, "activity_type"), ==, "file_edit");
    g_assert_cmpstr (str (edit, "agent_id"), ==, "Agent");
    g_assert_cmpstr (str (edit, "message"), ==, "# Protein structure prediction");
    g_assert_cmpstr (str (edit, "timestamp"), ==, "2025-05-20T10:17:01.500Z");
    assert_json (edit, "metadata.legacy.content", "{\"path\": \"report.md\", \"total_lines\": 1}");
  }

  /* Errors are system messages. */
  s2 = fetch (db, "sessions", LAB_FIXTURE_EVENTS_SESSION_2);
  g_assert_cmpstr (str (s2, "title"), ==, "Plot the GDP of the G7 countries since 1990 as a PNG.");
  g_assert_null (str (s2, "metadata.legacy.device_id"));
  {
    g_autoptr(JsonObject) error_message = message (db, LAB_FIXTURE_EVENTS_SESSION_2, 2);
    g_autoptr(JsonObject) interrupted = message (db, LAB_FIXTURE_EVENTS_SESSION_2, 3);

    g_assert_cmpstr (str (error_message, "role"), ==, "system");
    g_assert_cmpstr (str (error_message, "content"), ==, "Rate limit exceeded, retrying in 20 s");
    g_assert_cmpstr (str (error_message, "metadata.legacy.event_type"), ==, "error");
    g_assert_cmpstr (str (interrupted, "role"), ==, "assistant");
  }

  /* No user message: a title from the id. */
  s3 = fetch (db, "sessions", LAB_FIXTURE_EVENTS_SESSION_3);
  g_assert_cmpstr (str (s3, "title"), ==, "Agent session e1d2c3b4");
  assert_json (s3, "participants", "[]");
  g_assert_cmpstr (str (s3, "created_at"), ==, "2025-05-22T17:45:10.500Z");

  /* Events of a session row that was lost keep their session. */
  lost = fetch (db, "sessions", LAB_FIXTURE_EVENTS_LOST);
  g_assert_cmpstr (str (lost, "title"), ==, "What changed in SQLite 3.45?");
  g_assert_cmpstr (str (lost, "metadata.legacy.recovered"), ==, "events");
  g_assert_cmpstr (str (lost, "created_at"), ==, "2025-05-19T12:00:00.000Z");

  /* Files: each session's, the orphan folder's, and the loose ones. */
  {
    g_autofree char *pdf = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_1, "uploaded_files", "notes.pdf", NULL);
    g_autofree char *memory = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_1, "agent_memory", "context.json", NULL);
    g_autofree char *png = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_2, "gdp.png", NULL);
    g_autofree char *orphan = g_build_filename (ws, "orphan-run", "readme.txt", NULL);
    g_autofree char *readme = g_build_filename (ws, "README", NULL);
    g_autofree char *log = g_build_filename (store->tmp, "agent_logs.txt", NULL);
    g_autofree char *files_id = NULL;
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM sessions WHERE json_extract "
                                                       "(metadata, '$.legacy.files_of') IS NOT NULL", NULL);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    files_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

    assert_file_copied (store, db, LAB_FIXTURE_EVENTS_SESSION_1, "uploaded_files/notes.pdf", pdf);
    assert_file_copied (store, db, LAB_FIXTURE_EVENTS_SESSION_1, "agent_memory/context.json", memory);
    assert_file_copied (store, db, LAB_FIXTURE_EVENTS_SESSION_2, "gdp.png", png);
    assert_file_copied (store, db, "orphan-run", "readme.txt", orphan);
    assert_file_copied (store, db, files_id, "README", readme);
    assert_file_copied (store, db, files_id, "agent_logs.txt", log);
    /* Neither the link nor the name with a backslash. */
    g_assert_cmpint (count (db, "SELECT count(*) FROM workspace_files"), ==, 8);
  }

  lab_test_assert_fts_ok (db);
}

static void
test_map_events_damaged (LabTestStore  *store,
                         gconstpointer  data)
{
  g_autofree char *bad_parent = g_build_filename (store->tmp, "bad", NULL);
  g_autofree char *extra_parent = g_build_filename (store->tmp, "extra", NULL);
  g_autofree char *missing_parent = g_build_filename (store->tmp, "missing", NULL);
  g_autofree char *bad = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *missing = NULL;
  LabDb *db;

  g_mkdir (bad_parent, 0700);
  g_mkdir (extra_parent, 0700);
  g_mkdir (missing_parent, 0700);
  bad = lab_fixture_events (bad_parent, "bad-payloads");
  extra = lab_fixture_events (extra_parent, "extra-columns");
  missing = lab_fixture_events (missing_parent, "missing-tables");

  /* Payloads that do not parse are kept, raw, as agent activity. */
  migrate_paths (store, bad, NULL);
  db = lab_test_store_open (store);
  {
    g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, "SELECT id FROM agent_activity WHERE status = "
                                                       "'unreadable' ORDER BY timestamp", NULL);
    g_autoptr(JsonObject) cut = NULL;
    g_autoptr(JsonObject) text = NULL;

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    cut = fetch (db, "agent_activity", (const char *) sqlite3_column_text (stmt, 0));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    text = fetch (db, "agent_activity", (const char *) sqlite3_column_text (stmt, 0));
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);

    g_assert_cmpstr (str (cut, "activity_type"), ==, "agent_response");
    g_assert_cmpstr (str (cut, "metadata.legacy.payload"), ==,
                     "{\"type\": \"agent_response\", \"content\": {\"text\": \"Here is the tab");
    g_assert_nonnull (str (cut, "metadata.legacy.payload_error"));
    g_assert_cmpstr (str (text, "activity_type"), ==, "error");
    g_assert_cmpstr (str (text, "metadata.legacy.payload"), ==, "Rate limit exceeded");
    /* The session still has its other messages. */
    g_assert_cmpint (count (db, "SELECT count(*) FROM messages WHERE session_id = '" LAB_FIXTURE_EVENTS_SESSION_1 "'"), ==, 6);
  }
  g_clear_object (&store->db);
  lab_rm_rf (store->root, NULL);

  /* A session name titles it; unknown columns are kept per row. */
  migrate_paths (store, extra, NULL);
  db = lab_test_store_open (store);
  {
    g_autoptr(JsonObject) s1 = fetch (db, "sessions", LAB_FIXTURE_EVENTS_SESSION_1);
    g_autoptr(JsonObject) first = message (db, LAB_FIXTURE_EVENTS_SESSION_1, 1);

    g_assert_cmpstr (str (s1, "title"), ==, "Protein structure survey");
    g_assert_cmpstr (str (s1, "metadata.legacy.extra.sandbox_id"), ==, "sbx-42");
    g_assert_cmpstr (str (first, "metadata.legacy.extra.agent_version"), ==, "0.4.1");
  }
  g_clear_object (&store->db);
  lab_rm_rf (store->root, NULL);

  /* No session table: every session is rebuilt from its events. */
  migrate_paths (store, missing, NULL);
  db = lab_test_store_open (store);
  {
    g_autoptr(JsonObject) s1 = fetch (db, "sessions", LAB_FIXTURE_EVENTS_SESSION_1);

    g_assert_cmpstr (str (s1, "metadata.legacy.recovered"), ==, "events");
    g_assert_cmpstr (str (s1, "created_at"), ==, "2025-05-20T10:15:30.200Z");
    g_assert_cmpint (count (db, "SELECT count(*) FROM messages WHERE session_id = '" LAB_FIXTURE_EVENTS_SESSION_1 "'"), ==, 7);
    /* Its files are found by its id. */
    g_assert_cmpint (count (db, "SELECT count(*) FROM workspace_files WHERE session_id = '" LAB_FIXTURE_EVENTS_SESSION_1 "'"), ==, 3);
  }
}

static void
test_map_json_export (LabTestStore  *store,
                      gconstpointer  data)
{
  g_autofree char *path = lab_fixture_data_path ("export.json");
  const char *paths[] = { path, NULL };
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(LabMigrationReport) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) brain = NULL;
  LabDb *db;

  /* Read by the import's reader, migrated like the other sources. */
  migrate_paths (store, path, NULL);
  db = lab_test_store_open (store);

  session = fetch (db, "sessions", "s-ada-1");
  g_assert_cmpstr (str (session, "title"), ==, "Chat with Sage");
  g_assert_cmpstr (str (session, "status"), ==, "completed");
  g_assert_true (json_node_get_boolean (at (session, "archived")));
  assert_json (session, "participants", "[\"player-ada\", \"ai-sage\"]");
  assert_json (session, "keywords", "[\"sage\", \"herbs\"]");
  g_assert_cmpstr (str (session, "created_at"), ==, "2024-11-30T20:53:20.000Z");
  g_assert_cmpstr (str (session, "last_activity_at"), ==, "2024-11-30T21:53:20.000Z");
  g_assert_cmpstr (str (session, "metadata.legacy.source"), ==, "json-export");
  g_assert_cmpstr (str (session, "metadata.legacy.id"), ==, "s-ada-1");
  g_assert_cmpstr (str (session, "metadata.legacy.state"), ==, "archived");
  g_assert_cmpstr (str (session, "metadata.legacy.connectionId"), ==, "conn-1");

  first = message (db, "s-ada-1", 1);
  second = message (db, "s-ada-1", 2);
  g_assert_cmpstr (str (first, "role"), ==, "user");
  g_assert_cmpstr (str (first, "author"), ==, "player-ada");
  g_assert_cmpstr (str (first, "content"), ==, "Which herbs help sleep?");
  g_assert_cmpstr (str (first, "created_at"), ==, "2024-11-30T20:53:21.000Z");
  g_assert_cmpstr (str (first, "metadata.legacy.id"), ==, "m-1");
  g_assert_cmpstr (str (first, "metadata.legacy.chat_log.id"), ==, "log-1");
  g_assert_cmpstr (str (second, "role"), ==, "assistant");
  g_assert_cmpstr (str (second, "content"), ==, "Chamomile and valerian.");

  brain = fetch (db, "brains", "ai-sage");
  g_assert_cmpstr (str (brain, "model"), ==, "llama-3.3-70b");
  assert_json (brain, "data", "{\"entityId\": \"ai-sage\", \"model\": \"llama-3.3-70b\", "
                              "\"memories\": [\"likes herbs\"]}");
  g_clear_object (&store->db);

  /* Twice: nothing new, the brain included. */
  sources = lab_legacy_detect (paths, NULL, &error);
  g_assert_no_error (error);
  again = lab_migrate (store->dir, sources, LAB_MIGRATE_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_migration_report_get_total_added (again), ==, 0);
  g_assert_cmpint (lab_migration_report_get_existing (again, 0, "brains"), ==, 1);
  g_assert_cmpint (lab_migration_report_get_existing (again, 0, "messages"), ==, 2);
}

static void
test_map_workspace_clash (LabTestStore  *store,
                          gconstpointer  data)
{
  g_autofree char *db_path = lab_fixture_events (store->tmp, NULL);
  g_autofree char *renamed = g_build_filename (store->tmp, "workspace", "renamed", "notes.txt", NULL);
  g_autofree char *by_id = g_build_filename (store->tmp, "workspace", LAB_FIXTURE_EVENTS_SESSION_3,
                                             "stray.txt", NULL);
  sqlite3 *db = NULL;
  LabDb *store_db;

  /* Session 3 records a folder of another name, and a folder named after
   * it exists too: each keeps its own files, neither is lost. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE session SET workspace_dir = '/var/data/workspace/renamed' "
                                     "WHERE id = '" LAB_FIXTURE_EVENTS_SESSION_3 "'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  lab_fixture_write_file (renamed, "the session's own\n", -1);
  lab_fixture_write_file (by_id, "a stray folder's\n", -1);

  migrate_paths (store, db_path, NULL);
  store_db = lab_test_store_open (store);

  g_assert_cmpint (count (store_db, "SELECT count(*) FROM workspace_files WHERE session_id = '"
                                    LAB_FIXTURE_EVENTS_SESSION_3 "' AND path = 'notes.txt'"), ==, 1);
  g_assert_cmpint (count (store_db, "SELECT count(*) FROM workspace_files f JOIN sessions s "
                                    "ON s.id = f.session_id WHERE f.path = 'stray.txt' AND "
                                    "json_extract (s.metadata, '$.legacy.recovered') = 'workspace'"),
                   ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmp = lab_fixture_private_home ("legacy");
  int ret;

  home_dir = g_build_filename (tmp, "home", NULL);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/legacy/detect/ai-research-lab", LabTestStore, NULL,
              lab_test_store_setup, test_detect_ai_lab, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/events-db", LabTestStore, NULL,
              lab_test_store_setup, test_detect_events, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/json-export", LabTestStore, NULL,
              lab_test_store_setup, test_detect_json_export, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/default-places", LabTestStore, NULL,
              lab_test_store_setup, test_detect_defaults, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/not-legacy", LabTestStore, NULL,
              lab_test_store_setup, test_detect_not_legacy, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/damaged", LabTestStore, NULL,
              lab_test_store_setup, test_detect_damaged, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/locked", LabTestStore, NULL,
              lab_test_store_setup, test_detect_locked, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/detect/async", LabTestStore, NULL,
              lab_test_store_setup, test_detect_async, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/ai-research-lab", LabTestStore, NULL,
              lab_test_store_setup, test_map_ai_lab, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/ai-research-lab-damaged", LabTestStore, NULL,
              lab_test_store_setup, test_map_ai_lab_damaged, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/events-db", LabTestStore, NULL,
              lab_test_store_setup, test_map_events, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/events-db-damaged", LabTestStore, NULL,
              lab_test_store_setup, test_map_events_damaged, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/json-export", LabTestStore, NULL,
              lab_test_store_setup, test_map_json_export, lab_test_store_teardown);
  g_test_add ("/labdata/store/legacy/map/workspace-name-clash", LabTestStore, NULL,
              lab_test_store_setup, test_map_workspace_clash, lab_test_store_teardown);

  ret = g_test_run ();

  lab_rm_rf (tmp, NULL);
  g_free (home_dir);
  return ret;
}
