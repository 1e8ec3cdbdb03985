/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-test-util.h"
#include "lab-usage.h"

/* The figures must be the ones `du -sb` and sqlite3's dbstat give for the
 * same files: these tests run both and compare. */

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);

  return g_steal_pointer (&out);
}

/* `du -sb PATH`. */
static guint64
du (const char *path)
{
  const char *argv[] = { "du", "-sb", path, NULL };
  g_autofree char *out = run (argv);

  return g_ascii_strtoull (out, NULL, 10);
}

/* name → bytes, from sqlite3's dbstat. */
static GHashTable *
dbstat (const char *db_path)
{
  const char *argv[] = { "sqlite3", "-readonly", db_path,
                         "SELECT name, sum(pgsize) FROM dbstat GROUP BY name", NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GHashTable *sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "|", 2);

      if (fields[0] == NULL || fields[1] == NULL)
        continue;
      g_hash_table_insert (sizes, g_strdup (fields[0]),
                           GSIZE_TO_POINTER (g_ascii_strtoull (fields[1], NULL, 10)));
    }

  return sizes;
}

static gint64
pragma (const char *db_path,
        const char *name)
{
  const char *argv[] = { "sqlite3", "-readonly", db_path, name, NULL };
  g_autofree char *out = run (argv);

  return g_ascii_strtoll (out, NULL, 10);
}

static LabUsage *
compute (LabTestStore *store)
{
  g_autoptr(GError) error = NULL;
  LabUsage *usage = lab_usage_compute (store->dir, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (usage);
  return usage;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static char *
cache_path (LabTestStore *store)
{
  return g_build_filename (lab_data_dir_get_data_path (store->dir), "usage.json", NULL);
}

/* @cache_before: the size of the usage cache while the folder was measured;
 * computing writes it anew after measuring. */
static void
assert_matches_du_and_dbstat (LabTestStore *store,
                              LabUsage     *usage,
                              guint64       cache_before)
{
  g_autofree char *cache = cache_path (store);
  const char *db_path = lab_data_dir_get_db_path (store->dir);
  g_autoptr(GHashTable) sizes = NULL;
  GListModel *btrees = lab_usage_get_btrees (usage);
  GListModel *sessions = lab_usage_get_sessions (usage);
  guint64 sum = 0;
  guint64 previous = G_MAXUINT64;
  struct {
    const char *path;
    LabUsageCategory category;
  } folders[] = {
    { lab_data_dir_get_workspace_path (store->dir), LAB_USAGE_WORKSPACE },
    { lab_data_dir_get_backups_path (store->dir), LAB_USAGE_BACKUPS },
    { lab_data_dir_get_archives_path (store->dir), LAB_USAGE_ARCHIVES },
    { lab_data_dir_get_logs_path (store->dir), LAB_USAGE_LOGS },
  };

  /* The folder and each part of it. */
  g_assert_cmpuint (lab_usage_get_total (usage), ==,
                    du (lab_data_dir_get_root (store->dir)) - file_size (cache) + cache_before);
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    g_assert_cmpuint (lab_usage_get_category_bytes (usage, folders[i].category), ==,
                      du (folders[i].path));
  g_assert_cmpuint (lab_usage_get_database_size (usage), ==, du (db_path));
  g_assert_cmpuint (lab_usage_get_category_bytes (usage, LAB_USAGE_DATABASE) +
                    lab_usage_get_category_bytes (usage, LAB_USAGE_FREE_PAGES), ==, du (db_path));
  g_assert_cmpuint (lab_usage_get_category_bytes (usage, LAB_USAGE_FREE_PAGES), ==,
                    pragma (db_path, "PRAGMA freelist_count") *
                    pragma (db_path, "PRAGMA page_size"));

  for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
    sum += lab_usage_get_category_bytes (usage, c);
  g_assert_cmpuint (sum, ==, lab_usage_get_total (usage));

  /* Each session's folder, largest first. */
  g_assert_cmpuint (g_list_model_get_n_items (sessions), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (sessions, i);
      g_autofree char *path = g_build_filename (lab_data_dir_get_workspace_path (store->dir),
                                                lab_usage_item_get_name (item), NULL);

      g_assert_cmpuint (lab_usage_item_get_bytes (item), ==, du (path));
      g_assert_cmpuint (lab_usage_item_get_bytes (item), <=, previous);
      previous = lab_usage_item_get_bytes (item);
    }

  /* Each table and index, as dbstat says. */
  sizes = dbstat (db_path);
  g_assert_cmpuint (g_list_model_get_n_items (btrees), ==, g_hash_table_size (sizes));
  for (guint i = 0; i < g_list_model_get_n_items (btrees); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (btrees, i);
      gpointer expected;

      g_assert_true (g_hash_table_lookup_extended (sizes, lab_usage_item_get_name (item), NULL,
                                                   &expected));
      g_assert_cmpuint (lab_usage_item_get_bytes (item), ==, GPOINTER_TO_SIZE (expected));
    }
}

static LabUsageItem *
find_item (GListModel *items,
           const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      LabUsageItem *item = g_list_model_get_item (items, i);

      if (g_str_equal (lab_usage_item_get_name (item), name))
        return item;
      g_object_unref (item);
    }

  return NULL;
}

static void
test_matches_du_and_dbstat (LabTestStore  *store,
                            gconstpointer  data)
{
  g_autoptr(LabUsage) usage = NULL;
  g_autoptr(LabUsage) after = NULL;
  g_autoptr(LabUsageItem) messages = NULL;
  g_autoptr(LabUsageItem) index = NULL;
  g_autoptr(LabUsageItem) shadow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *hardlink = NULL;
  g_autofree char *symlink_path = NULL;
  g_autofree char *cache = cache_path (store);
  guint64 cache_before;

  lab_test_store_add_demo (store, 12, 30, 5);

  /* Free pages, a hard link (counted once) and a link (its own size). */
  lab_db_exec (lab_test_store_open (store),
               "DELETE FROM messages WHERE session_id IN (SELECT id FROM sessions LIMIT 8)",
               &error);
  g_assert_no_error (error);
  g_clear_object (&store->db);
  archive = g_build_filename (lab_data_dir_get_archives_path (store->dir), "export_1.labdata",
                              NULL);
  hardlink = g_build_filename (lab_data_dir_get_archives_path (store->dir), "same-file", NULL);
  symlink_path = g_build_filename (lab_data_dir_get_logs_path (store->dir), "link", NULL);
  g_assert_true (g_file_set_contents (archive, "PK archive bytes", -1, NULL));
  g_assert_cmpint (link (archive, hardlink), ==, 0);
  g_assert_cmpint (symlink ("/etc/hostname", symlink_path), ==, 0);

  usage = compute (store);
  g_assert_cmpuint (lab_usage_get_category_bytes (usage, LAB_USAGE_FREE_PAGES), >, 0);
  assert_matches_du_and_dbstat (store, usage, 0);

  /* Indexes and full-text shadow tables name the table they belong to. */
  messages = find_item (lab_usage_get_btrees (usage), "messages");
  index = find_item (lab_usage_get_btrees (usage), "sessions_created");
  shadow = find_item (lab_usage_get_btrees (usage), "messages_fts_data");
  g_assert_cmpstr (lab_usage_item_get_owner (messages), ==, "messages");
  g_assert_cmpstr (lab_usage_item_get_owner (index), ==, "sessions");
  g_assert_cmpstr (lab_usage_item_get_owner (shadow), ==, "messages_fts");

  g_assert_cmpuint (lab_usage_get_free_space (usage), >, 0);
  g_assert_cmpuint (lab_usage_get_disk_size (usage), >=, lab_usage_get_free_space (usage));
  g_assert_cmpuint (lab_usage_get_low_space_threshold (usage), >=, G_GUINT64_CONSTANT (1) << 30);

  /* A second measure, with the cache of the first in the folder and the
   * database unchanged (its figures are reused), matches du and dbstat too. */
  cache_before = file_size (cache);
  g_assert_cmpuint (cache_before, >, 0);
  after = compute (store);
  assert_matches_du_and_dbstat (store, after, cache_before);
  g_clear_object (&after);

  /* Once the database changed, its figures are read again. */
  lab_db_exec (lab_test_store_open (store), "DELETE FROM sessions WHERE rowid % 3 = 0", &error);
  g_assert_no_error (error);
  g_clear_object (&store->db);
  cache_before = file_size (cache);
  after = compute (store);
  assert_matches_du_and_dbstat (store, after, cache_before);
}

/* `du -sbc PATH…`: the total, each hard-linked file counted once across all. */
static guint64
du_together (const char *a,
             const char *b)
{
  const char *argv[] = { "du", "-sbc", a, b, NULL };
  g_autofree char *out = run (argv);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

  return g_ascii_strtoull (lines[g_strv_length (lines) - 1], NULL, 10);
}

/* The workspace is measured by two threads: a file linked into two session
 * folders (whichever threads measure them) and into the archives still
 * counts once, in one session. */
static void
test_hard_links (LabTestStore  *store,
                 gconstpointer  data)
{
  g_autoptr(LabUsage) usage = NULL;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = cache_path (store);
  g_autofree char *archive_link = NULL;
  const char *workspace = lab_data_dir_get_workspace_path (store->dir);
  const char *archives = lab_data_dir_get_archives_path (store->dir);
  GListModel *sessions;
  guint64 session_bytes = 0;
  guint64 session_files = 0;
  GStatBuf st;
  const char *name;

  lab_test_store_add_demo (store, 12, 5, 7);
  g_clear_object (&store->db);

  dir = g_dir_open (workspace, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (folders, g_build_filename (workspace, name, NULL));
  g_assert_cmpuint (folders->len, ==, 12);

  /* Each folder's notes, linked into the next folder too. */
  for (guint i = 0; i < folders->len; i++)
    {
      g_autofree char *notes = g_build_filename (folders->pdata[i], "notes.txt", NULL);
      g_autofree char *contents = g_strnfill (100 + i * 37, 'n');

      g_assert_true (g_file_set_contents (notes, contents, -1, NULL));
    }
  for (guint i = 0; i + 1 < folders->len; i++)
    {
      g_autofree char *notes = g_build_filename (folders->pdata[i], "notes.txt", NULL);
      g_autofree char *linked = g_build_filename (folders->pdata[i + 1], "linked.txt", NULL);

      g_assert_cmpint (link (notes, linked), ==, 0);
    }
  archive_link = g_build_filename (archives, "linked.txt", NULL);
  {
    g_autofree char *notes = g_build_filename (folders->pdata[0], "notes.txt", NULL);

    g_assert_cmpint (link (notes, archive_link), ==, 0);
  }

  usage = compute (store);
  g_assert_cmpuint (lab_usage_get_total (usage), ==,
                    du (lab_data_dir_get_root (store->dir)) - file_size (cache));
  g_assert_cmpuint (lab_usage_get_category_bytes (usage, LAB_USAGE_WORKSPACE) +
                    lab_usage_get_category_bytes (usage, LAB_USAGE_ARCHIVES), ==,
                    du_together (workspace, archives));

  /* The sessions add up to the workspace (and its own folder entry). */
  sessions = lab_usage_get_sessions (usage);
  g_assert_cmpuint (g_list_model_get_n_items (sessions), ==, 12);
  for (guint i = 0; i < g_list_model_get_n_items (sessions); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (sessions, i);
      g_autofree char *path = g_build_filename (workspace, lab_usage_item_get_name (item), NULL);

      g_assert_cmpuint (lab_usage_item_get_bytes (item), <=, du (path));
      session_bytes += lab_usage_item_get_bytes (item);
      session_files += lab_usage_item_get_count (item);
    }
  g_assert_cmpint (g_stat (workspace, &st), ==, 0);
  g_assert_cmpuint (session_bytes + st.st_size, ==,
                    lab_usage_get_category_bytes (usage, LAB_USAGE_WORKSPACE));
  {
    g_autoptr(LabUsageItem) category =
      g_list_model_get_item (lab_usage_get_categories (usage), LAB_USAGE_WORKSPACE);

    g_assert_cmpuint (lab_usage_item_get_count (category), ==, session_files);
  }
}

static void
test_cache (LabTestStore  *store,
            gconstpointer  data)
{
  g_autoptr(LabUsage) usage = NULL;
  g_autoptr(LabUsage) cached = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;

  lab_test_store_add_demo (store, 5, 10, 2);
  g_clear_object (&store->db);

  g_assert_null (lab_usage_load_cached (store->dir, &error));
  g_assert_no_error (error);

  usage = compute (store);
  cached = lab_usage_load_cached (store->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cached);

  a = lab_usage_to_json (usage);
  b = lab_usage_to_json (cached);
  g_assert_true (json_node_equal (a, b));
  g_assert_cmpuint (g_list_model_get_n_items (lab_usage_get_categories (cached)), ==,
                    LAB_USAGE_N_CATEGORIES);

  description = lab_usage_dup_description (cached);
  g_assert_nonnull (strstr (description, "Database"));
  g_assert_nonnull (strstr (description, "free on the disk"));

  /* A damaged cache is an error, not figures. */
  path = g_build_filename (lab_data_dir_get_data_path (store->dir), "usage.json", NULL);
  g_assert_true (g_file_set_contents (path, "{\"total\": \"lots\"}", -1, NULL));
  g_clear_object (&cached);
  cached = lab_usage_load_cached (store->dir, &error);
  g_assert_null (cached);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);

  lab_usage_invalidate (store->dir);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_without_database (LabTestStore  *store,
                       gconstpointer  data)
{
  g_autoptr(LabUsage) usage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *orphan = NULL;
  g_autofree char *cache = cache_path (store);

  /* No database yet: the folder is measured, there are no tables. */
  g_assert_true (lab_data_dir_ensure (store->dir, &error));
  orphan = g_build_filename (lab_data_dir_get_workspace_path (store->dir), "s1", NULL);
  g_assert_true (lab_mkdir_private (orphan, NULL));

  usage = compute (store);
  g_assert_cmpuint (g_list_model_get_n_items (lab_usage_get_btrees (usage)), ==, 0);
  g_assert_cmpuint (lab_usage_get_database_size (usage), ==, 0);
  g_assert_cmpuint (lab_usage_get_total (usage), ==,
                    du (lab_data_dir_get_root (store->dir)) - file_size (cache));
  g_clear_object (&usage);

  /* A damaged database: its figures are left out, the rest measured. */
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (store->dir),
                                      "SQLite format 3\0 and then garbage", 34, NULL));
  usage = compute (store);
  g_assert_cmpuint (g_list_model_get_n_items (lab_usage_get_btrees (usage)), ==, 0);
  g_assert_cmpuint (lab_usage_get_database_size (usage), ==, 34);
  g_clear_object (&usage);

  /* No folder at all is an error. */
  {
    g_autoptr(LabDataDir) nowhere = lab_data_dir_new ("/nonexistent/labdata");

    g_assert_null (lab_usage_compute (nowhere, NULL, NULL, NULL, &error));
    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  }
}

static void
test_measure_path (LabTestStore  *store,
                   gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (store->tmp, "m", NULL);
  g_autofree char *file = g_build_filename (folder, "f", NULL);
  guint64 files = 0;

  g_assert_cmpuint (lab_usage_measure_path (folder, &files), ==, 0);
  g_assert_cmpuint (files, ==, 0);
  g_assert_true (lab_mkdir_private (folder, NULL));
  g_assert_true (g_file_set_contents (file, "12345", -1, NULL));
  g_assert_cmpuint (lab_usage_measure_path (folder, &files), ==, du (folder));
  g_assert_cmpuint (files, ==, 1);
  g_assert_cmpuint (lab_usage_measure_path (file, NULL), ==, 5);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LabUsage **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lab_usage_compute_finish (LAB_DATA_DIR (source), result, &error);
  g_assert_no_error (error);
}

static void
test_async (LabTestStore  *store,
            gconstpointer  data)
{
  LabUsage *usage = NULL;

  lab_test_store_add_demo (store, 3, 5, 1);
  lab_usage_compute_async (store->dir, NULL, NULL, async_done_cb, &usage);
  while (usage == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (lab_usage_get_total (usage), >, 0);
  g_object_unref (usage);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/usage/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("matches-du-and-dbstat", test_matches_du_and_dbstat);
  ADD ("hard-links", test_hard_links);
  ADD ("cache", test_cache);
  ADD ("without-database", test_without_database);
  ADD ("measure-path", test_measure_path);
  ADD ("async", test_async);

  return g_test_run ();
}
