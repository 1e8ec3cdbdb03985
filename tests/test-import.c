/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-error.h"
#include "lab-export.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"

/*
 * The origin store has four sessions (s1…s4, s4 a branch of s1) with
 * messages and workspace files; its archive is imported into a target that
 * then changes some of them, so that the archive conflicts with it.
 */

typedef struct
{
  LabTestStore origin;
  LabTestStore target;
  char *archive;
} Fixture;

static void
add_file (LabTestStore *store,
          const char   *session_id,
          const char   *path,
          const char   *contents)
{
  g_autofree char *workspace = lab_data_dir_get_session_workspace (store->dir, session_id);
  g_autofree char *file = g_build_filename (workspace, path, NULL);
  g_autofree char *parent = g_path_get_dirname (file);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, contents, -1, NULL));
}

static char *
read_file (LabTestStore *store,
           const char   *session_id,
           const char   *path)
{
  g_autofree char *workspace = lab_data_dir_get_session_workspace (store->dir, session_id);
  g_autofree char *file = g_build_filename (workspace, path, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
export_origin (Fixture *f)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  options->dest = g_strdup (f->archive);
  result = lab_export_run (lab_test_store_open (&f->origin), options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  LabDb *db;

  lab_test_store_setup (&f->origin, data);
  lab_test_store_setup (&f->target, data);
  f->archive = g_build_filename (f->origin.tmp, "origin.labdata", NULL);

  db = lab_test_store_open (&f->origin);
  for (int i = 1; i <= 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%d", i);
      g_autofree char *title = g_strdup_printf ("Session %d", i);

      lab_test_add_session (db, id, title, i == 4 ? "{\"parent_session_id\": \"s1\", \"branch_point\": 2}" : NULL);
      for (int m = 1; m <= 3; m++)
        lab_test_add_message (db, id, m, m % 2 ? "user" : "assistant", "Ada", "calibration results");
      add_file (&f->origin, id, "notes.md", "origin notes\n");
    }

  export_origin (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->archive);
  lab_test_store_teardown (&f->origin, data);
  lab_test_store_teardown (&f->target, data);
}

static LabImportPreview *
preview (LabTestStore *store,
         const char   *archive)
{
  g_autoptr(GError) error = NULL;
  LabImportPreview *result;

  result = lab_import_preview_load (lab_test_store_open (store), archive, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static LabImportResult *
apply (LabTestStore    *store,
       const char      *archive,
       LabImportPolicy  policy)
{
  g_autoptr(LabImportPreview) p = preview (store, archive);
  g_autoptr(GError) error = NULL;
  LabImportResult *result;

  result = lab_import_preview_apply (p, store->db, policy, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  lab_test_assert_fts_ok (store->db);
  g_assert_cmpint (lab_db_query_int64 (store->db, "SELECT count (*) FROM pragma_foreign_key_check", NULL), ==, 0);
  return result;
}

static void
exec (LabDb      *db,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  lab_db_exec (db, sql, &error);
  g_assert_no_error (error);
}

static char *
query_text (LabDb      *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* The target: the archive imported, then changed in three places. */
static void
make_conflicts (Fixture *f)
{
  g_autoptr(LabImportResult) result = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  LabDb *db = f->target.db;

  exec (db, "UPDATE sessions SET title = 'Renamed here' WHERE id = 's1'");
  exec (db, "UPDATE messages SET content = 'edited here' WHERE id = 's2-m2'");
  add_file (&f->target, "s3", "notes.md", "changed here\n");
  lab_test_add_session (db, "own", "Only in the target", NULL);
}

static void
test_preview (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LabImportPreview) p = NULL;
  GListModel *conflicts;
  LabImportCounts counts;
  gboolean seen_session = FALSE, seen_message = FALSE, seen_file = FALSE;

  /* Into an empty store: all new. */
  p = preview (&f->target, f->archive);
  g_assert_cmpint (lab_import_preview_get_format (p), ==, LAB_IMPORT_FORMAT_ARCHIVE);
  g_assert_cmpint (lab_import_preview_get_version (p), ==, 1);
  g_assert_cmpstr (lab_import_preview_get_app_version (p), ==, PACKAGE_VERSION);
  g_assert_nonnull (lab_import_preview_get_exported_at (p));
  g_assert_true (lab_import_preview_get_counts (p, "sessions", &counts));
  g_assert_cmpuint (counts.n_new, ==, 4);
  g_assert_true (lab_import_preview_get_counts (p, "messages", &counts));
  g_assert_cmpuint (counts.n_new, ==, 12);
  g_assert_true (lab_import_preview_get_counts (p, "files", &counts));
  g_assert_cmpuint (counts.n_new, ==, 4);
  g_assert_false (lab_import_preview_get_counts (p, "no-such-table", &counts));
  g_assert_true (lab_import_preview_has_changes (p));
  g_assert_null (lab_import_preview_get_warnings (p)[0]);
  g_clear_object (&p);

  /* Into the changed target: three conflicts, the rest identical. */
  make_conflicts (f);
  p = preview (&f->target, f->archive);
  lab_import_preview_get_totals (p, &counts);
  g_assert_cmpuint (counts.n_new, ==, 0);
  g_assert_cmpuint (counts.n_conflicting, ==, 3);
  g_assert_cmpuint (lab_import_preview_get_n_conflicts (p), ==, 3);

  conflicts = lab_import_preview_get_conflicts (p);
  g_assert_cmpuint (g_list_model_get_n_items (conflicts), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LabImportConflict) conflict = g_list_model_get_item (conflicts, i);
      g_autofree char *description = lab_import_conflict_describe (conflict);
      const char * const *columns = lab_import_conflict_get_columns (conflict);

      g_test_message ("%s", description);
      if (g_str_equal (lab_import_conflict_get_table (conflict), "sessions"))
        {
          seen_session = TRUE;
          g_assert_cmpstr (lab_import_conflict_get_key (conflict), ==, "s1");
          g_assert_true (g_strv_contains (columns, "title"));
          g_assert_cmpuint (g_strv_length ((char **) columns), ==, 1);
          g_assert_nonnull (strstr (description, "Session 1"));
        }
      else if (g_str_equal (lab_import_conflict_get_table (conflict), "messages"))
        {
          seen_message = TRUE;
          g_assert_cmpstr (lab_import_conflict_get_session_id (conflict), ==, "s2");
          g_assert_cmpint (lab_import_conflict_get_sequence (conflict), ==, 2);
          g_assert_true (g_strv_contains (columns, "content"));
          g_assert_cmpint (lab_import_conflict_get_reason (conflict), ==, LAB_IMPORT_CONFLICT_CHANGED);
        }
      else
        {
          seen_file = TRUE;
          g_assert_cmpstr (lab_import_conflict_get_table (conflict), ==, "files");
          g_assert_cmpstr (lab_import_conflict_get_key (conflict), ==, "s3/notes.md");
          g_assert_cmpint (lab_import_conflict_get_reason (conflict), ==, LAB_IMPORT_CONFLICT_FILE_CHANGED);
        }
    }
  g_assert_true (seen_session && seen_message && seen_file);
}

static void
test_skip (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(LabImportResult) result = NULL;
  g_autofree char *title = NULL;
  g_autofree char *content = NULL;
  g_autofree char *file = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  make_conflicts (f);
  before = lab_test_db_digest (f->target.db);
  result = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  after = lab_test_db_digest (f->target.db);

  /* Conflicts keep the store's version; nothing else was missing. */
  g_assert_cmpuint (lab_import_result_get_total (result), ==, 0);
  g_assert_cmpuint (result->skipped[0] + result->skipped[1] + result->files_skipped, ==, 3);
  g_assert_null (result->backup_name);
  g_assert_cmpstr (before, ==, after);
  title = query_text (f->target.db, "SELECT title FROM sessions WHERE id = 's1'");
  g_assert_cmpstr (title, ==, "Renamed here");
  content = query_text (f->target.db, "SELECT content FROM messages WHERE id = 's2-m2'");
  g_assert_cmpstr (content, ==, "edited here");
  file = read_file (&f->target, "s3", "notes.md");
  g_assert_cmpstr (file, ==, "changed here\n");
}

static void
test_replace (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(LabBackupInfo) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *content = NULL;
  g_autofree char *file = NULL;

  make_conflicts (f);
  result = apply (&f->target, f->archive, LAB_IMPORT_REPLACE);

  g_assert_cmpuint (result->replaced[0], ==, 1);
  g_assert_cmpuint (result->replaced[1], ==, 1);
  g_assert_cmpuint (result->files_replaced, ==, 1);
  title = query_text (f->target.db, "SELECT title FROM sessions WHERE id = 's1'");
  g_assert_cmpstr (title, ==, "Session 1");
  content = query_text (f->target.db, "SELECT content FROM messages WHERE id = 's2-m2'");
  g_assert_cmpstr (content, ==, "calibration results");
  file = read_file (&f->target, "s3", "notes.md");
  g_assert_cmpstr (file, ==, "origin notes\n");

  /* Rows only in the store stay; a backup was made first. */
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT count (*) FROM sessions WHERE id = 'own'", NULL),
                   ==, 1);
  g_assert_nonnull (result->backup_name);
  backup = lab_backup_get (f->target.dir, result->backup_name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (backup);

  /* Replaced in place: the search sees the archive's text. */
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT count (*) FROM messages_fts"
                                                     " WHERE messages_fts MATCH 'edited'", NULL), ==, 0);
}

/* A replaced branch whose parent the store does not have yet: the parent
 * is inserted after the branch is updated, in the same transaction. */
static void
test_replace_branch (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LabImportResult) first = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  g_autoptr(LabImportResult) result = NULL;
  g_autofree char *parent = NULL;

  exec (f->target.db, "PRAGMA foreign_keys = OFF;"
                      "DELETE FROM messages WHERE session_id = 's1';"
                      "DELETE FROM sessions WHERE id = 's1';"
                      "UPDATE sessions SET parent_session_id = NULL, title = 'Cut off' WHERE id = 's4';"
                      "PRAGMA foreign_keys = ON;");

  result = apply (&f->target, f->archive, LAB_IMPORT_REPLACE);
  g_assert_cmpuint (result->inserted[0], ==, 1);
  g_assert_cmpuint (result->replaced[0], ==, 1);
  parent = query_text (f->target.db, "SELECT parent_session_id FROM sessions WHERE id = 's4'");
  g_assert_cmpstr (parent, ==, "s1");
}

static void
test_keep_both (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(LabImportResult) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *files_before = NULL;
  g_autofree char *files_after = NULL;
  const char *s1_copy, *s2_copy, *s3_copy, *s4_copy;
  LabDb *db;

  make_conflicts (f);
  /* The branch conflicts too, so that its copy must point at s1's copy. */
  exec (f->target.db, "UPDATE sessions SET research_question = 'changed' WHERE id = 's4'");

  result = apply (&f->target, f->archive, LAB_IMPORT_KEEP_BOTH);
  db = f->target.db;
  g_assert_cmpuint (g_hash_table_size (result->copied_sessions), ==, 4);
  s1_copy = g_hash_table_lookup (result->copied_sessions, "s1");
  s2_copy = g_hash_table_lookup (result->copied_sessions, "s2");
  s3_copy = g_hash_table_lookup (result->copied_sessions, "s3");
  s4_copy = g_hash_table_lookup (result->copied_sessions, "s4");
  g_assert_nonnull (s1_copy);
  g_assert_nonnull (s3_copy);
  g_assert_cmpuint (result->copied[0], ==, 4);
  g_assert_cmpuint (result->copied[1], ==, 12);
  g_assert_cmpuint (result->files_added, ==, 4);

  /* The originals are as the store had them; the copies as the archive. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT title FROM sessions WHERE id = '%s'", s1_copy);
    g_autofree char *copy_title = query_text (db, sql);
    g_autofree char *title = query_text (db, "SELECT title FROM sessions WHERE id = 's1'");
    g_autofree char *parent_sql = g_strdup_printf ("SELECT parent_session_id FROM sessions WHERE id = '%s'",
                                                   s4_copy);
    g_autofree char *parent = query_text (db, parent_sql);
    g_autofree char *messages_sql = g_strdup_printf ("SELECT count (*) FROM messages WHERE session_id = '%s'"
                                                     " AND content = 'calibration results'", s2_copy);
    g_autofree char *copy_file = read_file (&f->target, s3_copy, "notes.md");
    g_autofree char *file = read_file (&f->target, "s3", "notes.md");

    g_assert_cmpstr (title, ==, "Renamed here");
    g_assert_cmpstr (copy_title, ==, "Session 1");
    g_assert_cmpstr (parent, ==, s1_copy);
    g_assert_cmpint (lab_db_query_int64 (db, messages_sql, NULL), ==, 3);
    g_assert_cmpstr (file, ==, "changed here\n");
    g_assert_cmpstr (copy_file, ==, "origin notes\n");
  }
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM sessions", NULL), ==, 9);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM messages", NULL), ==, 24);

  /* The same archive again: the copies are found, nothing changes. */
  before = lab_test_db_digest (db);
  files_before = lab_test_tree_digest (lab_data_dir_get_workspace_path (f->target.dir));
  again = apply (&f->target, f->archive, LAB_IMPORT_KEEP_BOTH);
  after = lab_test_db_digest (f->target.db);
  files_after = lab_test_tree_digest (lab_data_dir_get_workspace_path (f->target.dir));
  g_assert_cmpuint (lab_import_result_get_total (again), ==, 0);
  g_assert_null (again->backup_name);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (files_before, ==, files_after);
}

/* Rows of no session (brains) that conflict get a new id with keep both,
 * once. */
static void
test_keep_both_rows (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LabImportResult) first = NULL;
  g_autoptr(LabImportResult) second = NULL;

  exec (lab_test_store_open (&f->origin), "INSERT INTO brains (id, name, model, data, updated_at)"
                                          " VALUES ('b1', 'Brain', 'm', '{\"memory\":[1]}',"
                                          " '2026-01-01T00:00:00.000Z')");
  export_origin (f);
  g_clear_pointer (&first, lab_import_result_free);
  first = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  exec (f->target.db, "UPDATE brains SET name = 'Renamed brain' WHERE id = 'b1'");

  g_clear_pointer (&first, lab_import_result_free);
  first = apply (&f->target, f->archive, LAB_IMPORT_KEEP_BOTH);
  second = apply (&f->target, f->archive, LAB_IMPORT_KEEP_BOTH);
  g_assert_cmpuint (first->copied[8], ==, 1);
  g_assert_cmpuint (lab_import_result_get_total (second), ==, 0);
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT count (*) FROM brains", NULL), ==, 2);
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT count (*) FROM brains WHERE name = 'Brain'", NULL),
                   ==, 1);
}

/* Another message already takes a message's place in its session. */
static void
test_position_taken (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LabImportResult) first = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  g_autoptr(LabImportPreview) p = NULL;
  g_autoptr(LabImportConflict) conflict = NULL;
  g_autoptr(LabImportResult) skipped = NULL;
  g_autoptr(LabImportResult) replaced = NULL;
  LabDb *db = f->target.db;
  LabImportCounts counts;

  /* s1's second message is replaced, in the target, by another one. */
  exec (db, "DELETE FROM messages WHERE id = 's1-m2'");
  exec (db, "INSERT INTO messages (id, session_id, sequence, created_at, role, content)"
            " VALUES ('other', 's1', 2, '2026-01-01T11:00:02.000Z', 'user', 'another message')");

  p = preview (&f->target, f->archive);
  lab_import_preview_get_counts (p, "messages", &counts);
  g_assert_cmpuint (counts.n_conflicting, ==, 1);
  conflict = g_list_model_get_item (lab_import_preview_get_conflicts (p), 0);
  g_assert_cmpint (lab_import_conflict_get_reason (conflict), ==, LAB_IMPORT_CONFLICT_POSITION_TAKEN);
  g_assert_cmpstr (lab_import_conflict_get_key (conflict), ==, "s1-m2");

  skipped = lab_import_preview_apply (p, db, LAB_IMPORT_SKIP, NULL, NULL, NULL, NULL);
  g_assert_nonnull (skipped);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM messages WHERE id = 'other'", NULL), ==, 1);

  replaced = apply (&f->target, f->archive, LAB_IMPORT_REPLACE);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM messages WHERE id = 'other'", NULL), ==, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT sequence FROM messages WHERE id = 's1-m2'", NULL), ==, 2);
  lab_test_assert_fts_ok (db);
}

/* Messages moved to other places in an archive swap without colliding. */
static void
test_swap (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(LabImportResult) first = apply (&f->target, f->archive, LAB_IMPORT_SKIP);
  g_autoptr(LabImportResult) result = NULL;
  LabDb *origin = lab_test_store_open (&f->origin);

  exec (origin, "UPDATE messages SET sequence = -1 WHERE id = 's1-m1';"
                "UPDATE messages SET sequence = 1 WHERE id = 's1-m3';"
                "UPDATE messages SET sequence = 3 WHERE id = 's1-m1';");
  export_origin (f);

  result = apply (&f->target, f->archive, LAB_IMPORT_REPLACE);
  g_assert_cmpuint (result->replaced[1], ==, 2);
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT sequence FROM messages WHERE id = 's1-m1'", NULL),
                   ==, 3);
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT sequence FROM messages WHERE id = 's1-m3'", NULL),
                   ==, 1);
}

/* Rows may name a session the store has; a branch whose parent is nowhere
 * is imported without the link, as the preview warns. */
static void
test_references (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new ();
  g_autoptr(LabImportPreview) p = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;
  const char * const *warnings;

  lab_test_add_session (lab_test_store_open (&f->target), "in-store", "In the store", NULL);
  lab_test_archive_add (archive, "sessions.jsonl",
                        "{\"id\":\"orphan\",\"parent_session_id\":\"gone\",\"created_at\":\"2026-01-01T00:00:00Z\","
                        "\"updated_at\":\"2026-01-01T00:00:00Z\",\"last_activity_at\":\"2026-01-01T00:00:00Z\"}\n",
                        -1);
  lab_test_archive_add (archive, "messages.jsonl",
                        "{\"id\":\"late\",\"session_id\":\"in-store\",\"sequence\":9,"
                        "\"created_at\":\"2026-01-01T00:00:00Z\",\"role\":\"user\",\"content\":\"added later\"}\n",
                        -1);
  lab_test_archive_write (archive, f->archive);

  p = preview (&f->target, f->archive);
  warnings = lab_import_preview_get_warnings (p);
  g_assert_nonnull (warnings[0]);
  g_assert_nonnull (strstr (warnings[0], "parent"));
  result = lab_import_preview_apply (p, f->target.db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  parent = query_text (f->target.db, "SELECT coalesce (parent_session_id, 'none') FROM sessions WHERE id = 'orphan'");
  g_assert_cmpstr (parent, ==, "none");
  g_assert_cmpint (lab_db_query_int64 (f->target.db, "SELECT count (*) FROM messages WHERE session_id = 'in-store'",
                                       NULL), ==, 1);
}

/* The rows, the workspace files and the backups of @store. */
static char *
store_digest (LabTestStore *store)
{
  g_autofree char *rows = lab_test_db_digest (lab_test_store_open (store));
  g_autofree char *files = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
  g_autofree char *backups = lab_test_tree_digest (lab_data_dir_get_backups_path (store->dir));

  return g_strconcat (rows, files, backups, NULL);
}

/* A cancelled apply changes nothing, and the preview can be applied later. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LabImportPreview) p = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  lab_test_add_session (lab_test_store_open (&f->target), "own", "Own", NULL);
  before = store_digest (&f->target);

  /* (The preview's staging folder is there until it is freed.) */
  p = preview (&f->target, f->archive);
  g_cancellable_cancel (cancellable);
  result = lab_import_preview_apply (p, f->target.db, LAB_IMPORT_SKIP, NULL, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  after = store_digest (&f->target);
  g_assert_cmpstr (before, ==, after);

  g_clear_error (&error);
  result = lab_import_preview_apply (p, lab_test_store_open (&f->target), LAB_IMPORT_SKIP, NULL, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->inserted[0], ==, 4);

  /* A preview is applied once. */
  g_clear_pointer (&result, lab_import_result_free);
  result = lab_import_preview_apply (p, f->target.db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED);
  g_assert_null (result);
}

static gboolean
stage_exists (LabTestStore *store,
              const char   *name)
{
  g_autofree char *path = g_build_filename (lab_data_dir_get_data_path (store->dir), name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* lab_import_recover(): finishes the moves of an import that committed,
 * removes abandoned staging folders, and leaves those in use alone. */
static void
test_recover (Fixture       *f,
              gconstpointer  data)
{
  LabDb *db = lab_test_store_open (&f->target);
  const char *data_path = lab_data_dir_get_data_path (f->target.dir);
  g_autofree char *abandoned = g_build_filename (data_path, ".import-abandoned", "files", "s", NULL);
  g_autofree char *pending_file = g_build_filename (data_path, ".import-pending", "files", "s1", "sub", NULL);
  g_autofree char *moves = g_build_filename (data_path, ".import-pending", "moves", NULL);
  g_autoptr(LabImportPreview) in_use = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *meta = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_stages = 0;

  lab_test_add_session (db, "s1", "Session", NULL);
  g_assert_cmpint (g_mkdir_with_parents (abandoned, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (pending_file, 0700), ==, 0);
  g_free (pending_file);
  pending_file = g_build_filename (data_path, ".import-pending", "files", "s1", "sub", "result.txt", NULL);
  g_assert_true (g_file_set_contents (pending_file, "imported\n", -1, NULL));
  g_assert_true (g_file_set_contents (moves, ".import-pending/files/s1/sub/result.txt\tworkspace/s1/sub/result.txt\n"
                                             ".import-pending/files/s1/gone.txt\tworkspace/s1/gone.txt\n", -1, NULL));
  g_assert_true (lab_db_set_meta (db, "import_pending", ".import-pending", &error));

  /* A preview holds its staging folder. */
  in_use = preview (&f->target, f->archive);
  /* (Loading the preview ran the recovery already; run it again with the
   * preview alive.) */
  g_assert_true (lab_import_recover (db, &error));
  g_assert_no_error (error);

  moved = read_file (&f->target, "s1", "sub/result.txt");
  g_assert_cmpstr (moved, ==, "imported\n");
  meta = lab_db_get_meta (db, "import_pending");
  g_assert_null (meta);
  g_assert_false (stage_exists (&f->target, ".import-pending"));
  g_assert_false (stage_exists (&f->target, ".import-abandoned"));

  dir = g_dir_open (data_path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_stages += g_str_has_prefix (name, ".import-");
  g_assert_cmpuint (n_stages, ==, 1);

  /* Freed, the preview removes its folder. */
  g_clear_object (&in_use);
  g_clear_pointer (&dir, g_dir_close);
  n_stages = 0;
  dir = g_dir_open (data_path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_stages += g_str_has_prefix (name, ".import-");
  g_assert_cmpuint (n_stages, ==, 0);
}

/* A workspace folder that is a link is not written through. */
static void
test_link_in_workspace (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(LabImportPreview) p = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outside = g_build_filename (f->target.tmp, "outside", NULL);
  g_autofree char *link = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  lab_test_store_open (&f->target);
  g_assert_true (lab_data_dir_ensure (f->target.dir, &error));
  link = lab_data_dir_get_session_workspace (f->target.dir, "s2");
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);

  g_clear_object (&f->target.db);
  before = lab_test_tree_digest (f->target.tmp);
  p = preview (&f->target, f->archive);
  result = lab_import_preview_apply (p, f->target.db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH);
  g_assert_null (result);
  g_clear_object (&p);
  g_clear_object (&f->target.db);
  after = lab_test_tree_digest (f->target.tmp);
  g_assert_cmpstr (before, ==, after);
}

typedef struct
{
  gboolean done;
  gpointer result;
  GError *error;
} AsyncData;

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncData *d = user_data;

  d->result = lab_import_preview_load_finish (result, &d->error);
  d->done = TRUE;
}

static void
apply_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncData *d = user_data;

  d->result = lab_import_preview_apply_finish (LAB_IMPORT_PREVIEW (source), result, &d->error);
  d->done = TRUE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_autoptr(LabImportPreview) p = NULL;
  AsyncData d = { 0 };

  lab_import_preview_load_async (f->target.dir, f->archive, progress, NULL, load_done_cb, &d);
  while (!d.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (d.error);
  p = d.result;

  memset (&d, 0, sizeof d);
  lab_import_preview_apply_async (p, LAB_IMPORT_SKIP, progress, NULL, apply_done_cb, &d);
  while (!d.done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_no_error (d.error);
  g_assert_cmpuint (((LabImportResult *) d.result)->inserted[0], ==, 4);
  g_assert_cmpfloat (lab_progress_get_fraction (progress), ==, 1.0);
  lab_import_result_free (d.result);

  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (&f->target), "SELECT count (*) FROM sessions", NULL),
                   ==, 4);
}

static void
test_policy_names (void)
{
  LabImportPolicy policy;

  for (LabImportPolicy p = LAB_IMPORT_SKIP; p <= LAB_IMPORT_KEEP_BOTH; p++)
    {
      g_assert_true (lab_import_policy_from_string (lab_import_policy_to_string (p), &policy));
      g_assert_cmpint (policy, ==, p);
    }
  g_assert_false (lab_import_policy_from_string ("merge", &policy));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/labdata/store/import/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("preview", test_preview);
  ADD ("skip", test_skip);
  ADD ("replace", test_replace);
  ADD ("replace-branch", test_replace_branch);
  ADD ("keep-both", test_keep_both);
  ADD ("keep-both-rows", test_keep_both_rows);
  ADD ("position-taken", test_position_taken);
  ADD ("swap", test_swap);
  ADD ("references", test_references);
  ADD ("cancel", test_cancel);
  ADD ("recover", test_recover);
  ADD ("link-in-workspace", test_link_in_workspace);
  ADD ("async", test_async);
#undef ADD
  g_test_add_func ("/labdata/store/import/policy-names", test_policy_names);

  return g_test_run ();
}
