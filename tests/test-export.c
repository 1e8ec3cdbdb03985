/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "lab-archive-reader.h"
#include "lab-browse.h"
#include "lab-error.h"
#include "lab-export.h"
#include "lab-fileutil.h"
#include "lab-import.h"
#include "lab-row.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"
#include "lab-transcript.h"

/* Two stores: the one exported from, and an empty one imported into. */
typedef struct
{
  LabTestStore from;
  LabTestStore to;
  char *archive;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  lab_test_store_setup (&f->from, data);
  lab_test_store_setup (&f->to, data);
  f->archive = g_build_filename (f->from.tmp, "export.labdata", NULL);
  lab_test_store_add_demo (&f->from, 12, 20, 7);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->archive);
  lab_test_store_teardown (&f->from, data);
  lab_test_store_teardown (&f->to, data);
}

static LabExportResult *
export (Fixture          *f,
        LabExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  LabExportResult *result;

  if (options->dest == NULL)
    options->dest = g_strdup (f->archive);
  result = lab_export_run (lab_test_store_open (&f->from), options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpstr (result->path, ==, options->dest);
  g_assert_true (g_file_test (result->path, G_FILE_TEST_IS_REGULAR));

  return result;
}

static LabImportResult *
import_into (LabTestStore    *store,
             const char      *archive,
             LabImportPolicy  policy,
             LabImportCounts *totals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabImportPreview) preview = NULL;
  LabImportResult *result;

  preview = lab_import_preview_load (lab_test_store_open (store), archive, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  if (totals != NULL)
    lab_import_preview_get_totals (preview, totals);
  for (guint i = 0; i < g_list_model_get_n_items (lab_import_preview_get_conflicts (preview)); i++)
    {
      g_autoptr(LabImportConflict) conflict = g_list_model_get_item (lab_import_preview_get_conflicts (preview), i);
      g_autofree char *text = lab_import_conflict_describe (conflict);

      g_test_message ("conflict: %s", text);
    }

  result = lab_import_preview_apply (preview, store->db, policy, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
workspace_digest (LabTestStore *store)
{
  return lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));
}

static guint64
count_files (const char *path)
{
  guint64 n = 0;

  lab_path_disk_usage (path, &n);
  return n;
}

static void
assert_same_stores (LabTestStore *a,
                    LabTestStore *b)
{
  const LabTableInfo *tables;
  guint n_tables;
  g_autofree char *files_a = workspace_digest (a);
  g_autofree char *files_b = workspace_digest (b);

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *digest_a = lab_test_table_digest (lab_test_store_open (a), tables[i].name);
      g_autofree char *digest_b = lab_test_table_digest (lab_test_store_open (b), tables[i].name);

      g_test_message ("%s: %s %s", tables[i].name, digest_a, digest_b);
      g_assert_cmpstr (digest_a, ==, digest_b);
    }

  g_assert_cmpstr (files_a, ==, files_b);
}

/* Export everything, import into an empty data directory: the stores are
 * identical table by table (to the byte of every value) and file by file. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) exported = NULL;
  g_autoptr(LabImportResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  LabImportCounts totals;
  guint n_tables;

  exported = export (f, options);
  g_assert_cmpint (lab_export_result_get_count (exported, "sessions"), ==, 12);
  g_assert_cmpint (lab_export_result_get_count (exported, "messages"), ==, 240);
  g_assert_cmpuint (exported->n_files, ==, count_files (lab_data_dir_get_workspace_path (f->from.dir)));
  g_assert_cmpuint (exported->n_files, >, 0);
  g_assert_cmpuint (exported->n_skipped_files, ==, 0);
  g_assert_cmpuint (exported->archive_size, <, exported->data_size);

  imported = import_into (&f->to, f->archive, LAB_IMPORT_SKIP, &totals);
  g_assert_cmpuint (totals.n_identical, ==, 0);
  g_assert_cmpuint (totals.n_conflicting, ==, 0);
  g_assert_cmpuint (lab_import_result_get_total (imported), ==, totals.n_new);
  /* Nothing to back up in an empty store. */
  g_assert_null (imported->backup_name);

  lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    g_assert_cmpint (imported->inserted[i], ==, exported->counts[i]);
  g_assert_cmpuint (imported->files_added, ==, exported->n_files);

  assert_same_stores (&f->from, &f->to);
  lab_test_assert_fts_ok (f->to.db);
  g_assert_cmpint (lab_db_query_int64 (f->to.db, "SELECT count (*) FROM pragma_foreign_key_check", &error),
                   ==, 0);
  g_assert_no_error (error);

  /* The search finds the imported messages. */
  g_assert_cmpint (lab_db_query_int64 (f->to.db, "SELECT count (*) FROM messages_fts", NULL), ==, 240);
}

/* The same archive imported twice: the second time changes nothing, and
 * makes no backup either. */
static void
test_import_twice (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) exported = export (f, options);
  g_autoptr(LabImportResult) first = NULL;
  g_autoptr(LabImportResult) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *files_before = NULL;
  g_autofree char *files_after = NULL;
  g_autofree char *backups_before = NULL;
  g_autofree char *backups_after = NULL;
  LabImportCounts totals;

  /* Into a store that has data of its own, so that the first import makes a
   * backup. */
  lab_test_add_session (lab_test_store_open (&f->to), "own", "Own session", NULL);
  first = import_into (&f->to, f->archive, LAB_IMPORT_SKIP, NULL);
  g_assert_nonnull (first->backup_name);

  before = lab_test_db_digest (f->to.db);
  files_before = workspace_digest (&f->to);
  backups_before = lab_test_tree_digest (lab_data_dir_get_backups_path (f->to.dir));

  second = import_into (&f->to, f->archive, LAB_IMPORT_REPLACE, &totals);
  g_assert_cmpuint (totals.n_new, ==, 0);
  g_assert_cmpuint (totals.n_conflicting, ==, 0);
  g_assert_cmpuint (lab_import_result_get_total (second), ==, 0);
  g_assert_null (second->backup_name);

  after = lab_test_db_digest (f->to.db);
  files_after = workspace_digest (&f->to);
  backups_after = lab_test_tree_digest (lab_data_dir_get_backups_path (f->to.dir));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (files_before, ==, files_after);
  g_assert_cmpstr (backups_before, ==, backups_after);
}

static char **
session_ids (LabDb                  *db,
             const LabSessionFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = lab_browse_list_sessions (db, filter, 0, 1000, &error);
  GStrvBuilder *ids = g_strv_builder_new ();
  char **result;

  g_assert_no_error (error);
  for (guint i = 0; i < sessions->len; i++)
    g_strv_builder_add (ids, lab_session_get_id (g_ptr_array_index (sessions, i)));
  result = g_strv_builder_end (ids);
  g_strv_builder_unref (ids);
  return result;
}

/* The sessions an archive holds, read with the importer's own reader. */
static char **
archive_sessions (const char *path)
{
  LabTestStore store;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(LabSessionFilter) all = lab_session_filter_new ();

  lab_test_store_setup (&store, NULL);
  preview = lab_import_preview_load (lab_test_store_open (&store), path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  result = lab_import_preview_apply (preview, store.db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  all->sort = LAB_SESSION_SORT_TITLE;
  ids = session_ids (store.db, all);
  g_clear_object (&preview);
  lab_test_store_teardown (&store, NULL);

  return g_steal_pointer (&ids);
}

static void
assert_same_ids (char **a,
                 char **b)
{
  guint n = g_strv_length (a);

  g_assert_cmpuint (n, ==, g_strv_length (b));
  for (guint i = 0; i < n; i++)
    g_assert_true (g_strv_contains ((const char * const *) b, a[i]));
}

/* A selection exports exactly the chosen sessions, with their rows and
 * files, and nothing that belongs to no session. */
static void
test_selective (Fixture       *f,
                gconstpointer  data)
{
  LabDb *db = lab_test_store_open (&f->from);
  g_autoptr(LabSessionFilter) all = lab_session_filter_new ();
  g_auto(GStrv) every = session_ids (db, all);
  g_autoptr(GError) error = NULL;

  lab_db_exec (db, "INSERT INTO brains (id, name, model, data, updated_at)"
                   " VALUES ('b1', 'Brain', 'm', '{}', '2026-01-01T00:00:00.000Z')", &error);
  g_assert_no_error (error);

  /* Chosen ids. */
  {
    g_autoptr(LabExportOptions) options = lab_export_options_new ();
    g_autoptr(LabExportResult) result = NULL;
    g_auto(GStrv) found = NULL;
    const char *chosen[] = { every[0], every[3], NULL };
    g_autofree char *sql = NULL;

    options->filter = lab_session_filter_new ();
    options->filter->ids = g_strdupv ((char **) chosen);
    result = export (f, options);
    g_assert_cmpint (lab_export_result_get_count (result, "sessions"), ==, 2);
    g_assert_cmpint (lab_export_result_get_count (result, "brains"), ==, 0);
    sql = g_strdup_printf ("SELECT count (*) FROM messages WHERE session_id IN ('%s', '%s')", every[0], every[3]);
    g_assert_cmpint (lab_export_result_get_count (result, "messages"), ==, lab_db_query_int64 (db, sql, NULL));

    found = archive_sessions (f->archive);
    assert_same_ids ((char **) chosen, found);
  }

  /* Status, participant, dates: the same sessions the session list shows. */
  {
    LabSessionFilter *filters[4] = { lab_session_filter_new (), lab_session_filter_new (),
                                     lab_session_filter_new (), lab_session_filter_new () };

    filters[0]->status = g_strdup ("completed");
    filters[1]->participant = g_strdup ("Planner");
    filters[2]->since = G_GINT64_CONSTANT (1780000000000000);
    filters[3]->until = G_GINT64_CONSTANT (1780000000000000);
    filters[3]->starred = 0;

    for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
      {
        g_autoptr(LabExportOptions) options = lab_export_options_new ();
        g_autoptr(LabExportResult) result = NULL;
        g_auto(GStrv) expected = session_ids (db, filters[i]);
        g_auto(GStrv) found = NULL;

        g_test_message ("filter %u: %u sessions", i, g_strv_length (expected));
        g_assert_cmpuint (g_strv_length (expected), >, 0);
        g_assert_cmpuint (g_strv_length (expected), <, 12);

        options->filter = lab_session_filter_copy (filters[i]);
        result = export (f, options);
        found = archive_sessions (f->archive);
        assert_same_ids (expected, found);
      }

    for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
      lab_session_filter_free (filters[i]);
  }

  /* A search query: the sessions with a hit. */
  {
    g_autoptr(LabExportOptions) options = lab_export_options_new ();
    g_autoptr(LabExportResult) result = NULL;
    g_auto(GStrv) found = NULL;
    gint64 expected;

    options->query = g_strdup ("calibration");
    result = export (f, options);
    expected = lab_db_query_int64 (db, "SELECT count (DISTINCT m.session_id) FROM messages_fts"
                                       " JOIN messages m ON m.message_no = messages_fts.rowid"
                                       " WHERE messages_fts MATCH 'calibration'", NULL);
    found = archive_sessions (f->archive);
    g_assert_cmpint (g_strv_length (found), >=, expected);
    g_assert_cmpint (g_strv_length (found), >, 0);
  }
}

static void
test_no_match (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  options->filter = lab_session_filter_new ();
  options->filter->status = g_strdup ("no-such-status");
  options->dest = g_strdup (f->archive);
  result = lab_export_run (lab_test_store_open (&f->from), options, NULL, NULL, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_null (result);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));

  g_clear_error (&error);
  g_clear_pointer (&options->filter->status, g_free);
  options->query = g_strdup ("\"unbalanced");
  result = lab_export_run (f->from.db, options, NULL, NULL, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
}

/* The manifest lists every member with its checksum and size, and the
 * counts; the importer's reader agrees with all of it. */
static gboolean
count_member_cb (LabArchiveReader        *reader,
                 const LabArchiveMember  *member,
                 gpointer                 user_data,
                 GError                 **error)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static void
test_manifest (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = export (f, options);
  g_autoptr(LabArchiveReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const LabTableInfo *tables;
  guint n_tables;
  guint n_read = 0;
  GPtrArray *members;

  reader = lab_archive_reader_open (f->archive, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_archive_reader_get_version (reader), ==, 1);
  g_assert_nonnull (lab_archive_reader_get_exported_at (reader));
  g_assert_cmpstr (lab_archive_reader_get_app_version (reader), ==, PACKAGE_VERSION);
  g_assert_cmpuint (lab_archive_reader_get_total_size (reader), ==, result->data_size);

  tables = lab_schema_get_tables (&n_tables);
  members = lab_archive_reader_get_members (reader);
  g_assert_cmpuint (members->len, ==, n_tables + result->n_files);
  for (guint i = 0; i < n_tables; i++)
    {
      LabArchiveMember *member = g_ptr_array_index (members, i);
      g_autofree char *name = g_strconcat (tables[i].name, ".jsonl", NULL);

      /* One member per table, in the order of the table descriptions. */
      g_assert_cmpstr (member->name, ==, name);
      g_assert_cmpint (lab_archive_reader_get_count (reader, tables[i].name), ==, result->counts[i]);
    }
  g_assert_cmpint (lab_archive_reader_get_count (reader, "files"), ==, result->n_files);

  g_assert_true (lab_archive_reader_read_members (reader, count_member_cb, &n_read, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_read, ==, members->len);
}

static void
test_default_path (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) first = NULL;
  g_autoptr(LabExportResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  first = lab_export_run (lab_test_store_open (&f->from), options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  second = lab_export_run (f->from.db, options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  base = g_path_get_basename (first->path);
  g_assert_true (g_str_has_prefix (first->path, lab_data_dir_get_archives_path (f->from.dir)));
  g_assert_true (g_regex_match_simple ("^export_[0-9]{8}_[0-9]{6}(-[0-9]+)?\\.labdata$", base, 0, 0));
  g_assert_cmpstr (first->path, !=, second->path);
  g_assert_true (g_file_test (first->path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (second->path, G_FILE_TEST_IS_REGULAR));
}

static void
assert_no_temporary_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_assert_null (strstr (name, ".tmp-"));
}

/* Cancels when the export reaches the messages. */
static void
cancel_cb (double      fraction,
           const char *message,
           gpointer    user_data)
{
  if (message != NULL && strstr (message, "messages") != NULL)
    g_cancellable_cancel (user_data);
}

/* A cancelled export leaves nothing behind, not even a temporary file. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  options->dest = g_strdup (f->archive);
  g_cancellable_cancel (cancellable);
  result = lab_export_run (lab_test_store_open (&f->from), options, NULL, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
  assert_no_temporary_files (f->from.tmp);

  /* Cancelled halfway, from the progress: the same. */
  g_clear_error (&error);
  g_cancellable_reset (cancellable);
  result = lab_export_run (f->from.db, options, cancel_cb, cancellable, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_false (g_file_test (f->archive, G_FILE_TEST_EXISTS));
  assert_no_temporary_files (f->from.tmp);

  /* A destination that cannot be written: a clear error, nothing made. */
  g_clear_error (&error);
  g_free (options->dest);
  options->dest = g_build_filename (f->from.tmp, "missing-folder", "x.labdata", NULL);
  result = lab_export_run (f->from.db, options, NULL, NULL, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (options->dest, G_FILE_TEST_EXISTS));
}

/* Links and special files in a workspace are left out and counted. */
static void
test_links (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(LabSessionFilter) all = lab_session_filter_new ();
  g_auto(GStrv) ids = session_ids (lab_test_store_open (&f->from), all);
  g_autofree char *workspace = lab_data_dir_get_session_workspace (f->from.dir, ids[0]);
  g_autofree char *link = g_build_filename (workspace, "passwd", NULL);
  g_autofree char *fifo = g_build_filename (workspace, "pipe", NULL);
  g_autofree char *real = g_build_filename (workspace, "real.txt", NULL);

  g_assert_cmpint (g_mkdir_with_parents (workspace, 0700), ==, 0);
  g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (g_file_set_contents (real, "real", -1, NULL));

  result = export (f, options);
  g_assert_cmpuint (result->n_skipped_files, ==, 2);
  g_assert_cmpuint (result->n_files, ==, count_files (lab_data_dir_get_workspace_path (f->from.dir)));

  {
    g_autoptr(LabImportResult) imported = import_into (&f->to, f->archive, LAB_IMPORT_SKIP, NULL);
    g_autofree char *to_workspace = lab_data_dir_get_session_workspace (f->to.dir, ids[0]);
    g_autofree char *to_real = g_build_filename (to_workspace, "real.txt", NULL);
    g_autofree char *to_link = g_build_filename (to_workspace, "passwd", NULL);

    g_assert_true (g_file_test (to_real, G_FILE_TEST_IS_REGULAR));
    g_assert_false (g_file_test (to_link, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
  }
}

/* Values that a round trip through json-glib would change keep their exact
 * text: floats, integers near 2^63, escapes, control characters, nested
 * JSON. (U+0000 is not carried: see docs/archive-format.md.) */
static void
test_exact_values (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(LabImportResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  LabDb *db = lab_test_store_open (&f->from);

  lab_test_add_session (db, "exact", "Ünïcode “quotes” \\ and\ttabs", "{\"cost\": 0.1, \"prompt_tokens\":"
                        " 9223372036854775807, \"config\": {\"lr\": 1e-7, \"big\": 12345678901234567890,"
                        " \"list\": [0.1, 0.2, {\"x\": null}], \"s\": \"\\u00e9\\n\"}, \"keywords\": [\"α\", \"β\"]}");
  lab_db_exec (db, "INSERT INTO messages (id, session_id, sequence, created_at, role, content, metadata)"
                   " VALUES ('exact-m', 'exact', 1, '2026-01-01T00:00:00.123Z', 'tool_result',"
                   " 'control ' || char (1) || char (31) || ' \"quotes\" \\ 💡', '[1.5e300,-0.0,\"x\",1E+2]')",
               &error);
  g_assert_no_error (error);

  result = export (f, options);
  imported = import_into (&f->to, f->archive, LAB_IMPORT_SKIP, NULL);
  assert_same_stores (&f->from, &f->to);

  /* JSON written with spaces by another program comes back compact, the
   * same value: an import of it into the store it came from finds it
   * identical. */
  lab_db_exec (db, "INSERT INTO messages (id, session_id, sequence, created_at, role, metadata)"
                   " VALUES ('spaced-m', 'exact', 2, '2026-01-01T00:00:00.123Z', 'user', '{ \"a\" : [1, 2.50] }')",
               &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, lab_export_result_free);
  g_clear_pointer (&imported, lab_import_result_free);
  result = export (f, options);
  imported = import_into (&f->to, f->archive, LAB_IMPORT_SKIP, NULL);
  g_assert_cmpint (lab_db_query_int64 (f->to.db, "SELECT metadata = '{\"a\":[1,2.50]}' FROM messages"
                                                 " WHERE id = 'spaced-m'", NULL), ==, 1);

  {
    g_autoptr(sqlite3_stmt) a = lab_db_prepare (f->from.db, "SELECT config, cost, metadata IS NULL FROM sessions"
                                                            " WHERE id = 'exact'", NULL);
    g_autoptr(sqlite3_stmt) b = lab_db_prepare (f->to.db, "SELECT config, cost, metadata IS NULL FROM sessions"
                                                          " WHERE id = 'exact'", NULL);

    g_assert_cmpint (sqlite3_step (a), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_step (b), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (a, 0), ==, (const char *) sqlite3_column_text (b, 0));
    g_assert_cmpfloat (sqlite3_column_double (a, 1), ==, sqlite3_column_double (b, 1));
  }
  {
    LabImportCounts totals;
    g_autoptr(LabImportResult) again = NULL;

    g_assert_cmpint (lab_db_query_int64 (f->to.db, "SELECT content = 'control ' || char (1) || char (31)"
                                                   " || ' \"quotes\" \\ 💡' FROM messages WHERE id = 'exact-m'",
                                         NULL), ==, 1);
    again = import_into (&f->from, f->archive, LAB_IMPORT_SKIP, &totals);
    g_assert_cmpuint (totals.n_conflicting, ==, 0);
  }
}

typedef struct
{
  gboolean done;
  LabExportResult *result;
  GError *error;
} AsyncData;

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  AsyncData *d = user_data;

  d->result = lab_export_run_finish (result, &d->error);
  d->done = TRUE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabProgress) progress = lab_progress_new ();
  AsyncData d = { 0 };

  options->dest = g_strdup (f->archive);
  lab_export_run_async (f->from.dir, options, progress, NULL, export_done_cb, &d);
  while (!d.done)
    g_main_context_iteration (NULL, TRUE);
  /* Let the last progress report arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_no_error (d.error);
  g_assert_nonnull (d.result);
  g_assert_cmpint (lab_export_result_get_count (d.result, "sessions"), ==, 12);
  g_assert_cmpfloat (lab_progress_get_fraction (progress), ==, 1.0);
  lab_export_result_free (d.result);
}

/* One session as Markdown and as JSON. */
static void
test_transcript (Fixture       *f,
                 gconstpointer  data)
{
  LabDb *db = lab_test_store_open (&f->from);
  g_autoptr(GError) error = NULL;
  g_autofree char *markdown_path = g_build_filename (f->from.tmp, "session.md", NULL);
  g_autofree char *json_path = g_build_filename (f->from.tmp, "session.json", NULL);
  g_autofree char *written = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;

  lab_test_add_session (db, "transcript-session", "A *titled* session", NULL);
  lab_test_add_message (db, "transcript-session", 1, "user", "Ada", "What about ```code```?");
  lab_test_add_message (db, "transcript-session", 2, "assistant", "Planner", "# Plan\n\nStep one.");
  lab_test_add_message (db, "transcript-session", 3, "tool_result", "python", "x = 1");

  /* By the start of its id, as everywhere. */
  written = lab_transcript_export (db, "transcript-s", LAB_TRANSCRIPT_MARKDOWN, markdown_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, markdown_path);
  g_assert_true (g_file_get_contents (markdown_path, &markdown, NULL, NULL));
  g_assert_true (g_str_has_prefix (markdown, "# A \\*titled\\* session\n"));
  g_assert_nonnull (strstr (markdown, "### 1. User — Ada"));
  g_assert_nonnull (strstr (markdown, "What about ```code```?"));
  g_assert_nonnull (strstr (markdown, "### 2. Assistant — Planner"));
  g_assert_nonnull (strstr (markdown, "```\nx = 1\n```"));
  g_assert_true (strstr (markdown, "### 1.") < strstr (markdown, "### 2."));

  g_clear_pointer (&written, g_free);
  written = lab_transcript_export (db, "transcript-session", LAB_TRANSCRIPT_JSON, json_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  root = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "labdata-session");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "session"), "title"),
                   ==, "A *titled* session");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "messages")), ==, 3);
  g_assert_true (lab_row_validate (lab_schema_get_table ("messages"),
                                   json_array_get_object_element (json_object_get_array_member (root, "messages"), 0),
                                   LAB_ROW_FLAGS_NONE, &error));

  /* The default place, in archives/. */
  g_clear_pointer (&written, g_free);
  written = lab_transcript_export (db, "transcript-session", LAB_TRANSCRIPT_MARKDOWN, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (written, lab_data_dir_get_archives_path (f->from.dir)));
  g_assert_true (g_str_has_suffix (written, ".md"));

  /* An unknown session: an error and no file. */
  g_clear_pointer (&written, g_free);
  g_unlink (markdown_path);
  written = lab_transcript_export (db, "no-such-session", LAB_TRANSCRIPT_MARKDOWN, markdown_path, NULL, &error);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (markdown_path, G_FILE_TEST_EXISTS));
  assert_no_temporary_files (f->from.tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/labdata/store/export/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("import-twice", test_import_twice);
  ADD ("selective", test_selective);
  ADD ("no-match", test_no_match);
  ADD ("manifest", test_manifest);
  ADD ("default-path", test_default_path);
  ADD ("cancel", test_cancel);
  ADD ("links", test_links);
  ADD ("exact-values", test_exact_values);
  ADD ("async", test_async);
  ADD ("transcript", test_transcript);
#undef ADD

  return g_test_run ();
}
