/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "lab-session-model.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* The lazy session list, without a display: counts, items anywhere in the
 * list, a bounded cache, and exactly one accurate items-changed per change. */

#define N_SESSIONS 57
#define PAGE_SIZE 10
#define MAX_PAGES 2

typedef struct
{
  LabTestStore store;
  LabStore *lab_store;
  LabSessionModel *model;
  GString *changes;
} Fixture;

static gboolean
model_counted (gpointer data)
{
  return !lab_paged_model_get_loading (LAB_PAGED_MODEL (data));
}

static LabSessionModel *
model_new (Fixture                *fixture,
           const LabSessionFilter *filter)
{
  LabSessionModel *model = g_object_new (LAB_TYPE_SESSION_MODEL,
                                         "store", fixture->lab_store,
                                         "filter", filter,
                                         "page-size", PAGE_SIZE,
                                         "max-pages", MAX_PAGES,
                                         NULL);

  lab_test_record_changes (G_LIST_MODEL (model), fixture->changes);
  lab_paged_model_reload (LAB_PAGED_MODEL (model));
  lab_test_wait_until (model_counted, model);

  return model;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();

  lab_test_store_setup (&fixture->store, data);
  lab_test_store_add_demo (&fixture->store, N_SESSIONS, 3, 11);
  fixture->lab_store = lab_store_new (fixture->store.dir);
  fixture->changes = g_string_new (NULL);
  fixture->model = model_new (fixture, filter);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_test_drain_store (fixture->lab_store);
  lab_test_finalize (fixture->model);
  lab_test_finalize (fixture->lab_store);
  g_string_free (fixture->changes, TRUE);
  lab_test_store_teardown (&fixture->store, data);
}

static gboolean
item_loaded (gpointer data)
{
  return lab_lazy_item_get_item (data) != NULL;
}

/* The item at @position once its page is in. */
static LabSession *
load_item (LabSessionModel *model,
           guint            position)
{
  g_autoptr(LabLazyItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  g_assert_cmpuint (lab_lazy_item_get_position (item), ==, position);
  lab_test_wait_until (item_loaded, item);

  return lab_lazy_item_get_item (item);
}

static char *
expected_id (Fixture                *fixture,
             const LabSessionFilter *filter,
             guint                   position)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  page = lab_browse_list_sessions (lab_test_store_open (&fixture->store), filter, position, 1,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);

  return g_strdup (lab_session_get_id (g_ptr_array_index (page, 0)));
}

static void
test_count_and_items (Fixture       *fixture,
                      gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->model);
  const LabSessionFilter *filter = lab_session_model_get_filter (fixture->model);
  guint positions[] = { 0, 33, 9, 10, N_SESSIONS - 1, 34 };
  g_autoptr(LabLazyItem) placeholder = NULL;

  /* One items-changed for the first count, none for pages arriving. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_SESSIONS);
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+57;");
  g_assert_true (g_list_model_get_item_type (model) == LAB_TYPE_LAZY_ITEM);

  /* An item is there at once, empty until its page is read. */
  placeholder = g_list_model_get_item (model, 45);
  g_assert_null (lab_lazy_item_get_item (placeholder));

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree char *id = expected_id (fixture, filter, positions[i]);
      LabSession *session = load_item (fixture->model, positions[i]);

      g_assert_true (LAB_IS_SESSION (session));
      g_assert_cmpstr (lab_session_get_id (session), ==, id);
    }

  lab_test_wait_until (item_loaded, placeholder);
  g_assert_null (g_list_model_get_item (model, N_SESSIONS));
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+57;");
}

static void
test_bounded_cache (Fixture       *fixture,
                    gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->model);
  g_autoptr(LabLazyItem) held = g_list_model_get_item (model, 5);

  lab_test_wait_until (item_loaded, held);

  /* Scroll through everything, holding no row but the fifth. */
  for (guint i = 0; i < N_SESSIONS; i++)
    {
      load_item (fixture->model, i);
      g_assert_cmpuint (lab_paged_model_get_n_cached (LAB_PAGED_MODEL (model)), <=,
                        (MAX_PAGES + 1) * PAGE_SIZE);
    }

  /* A page a view still shows is never dropped. */
  g_assert_true (lab_paged_model_peek (LAB_PAGED_MODEL (model), 5) == lab_lazy_item_get_item (held));
  g_assert_cmpuint (lab_paged_model_get_n_cached (LAB_PAGED_MODEL (model)), <, N_SESSIONS);
}

static void
test_filter_change (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_copy (lab_session_model_get_filter (fixture->model));
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_starred;

  load_item (fixture->model, 3);
  filter->starred = 1;
  n_starred = lab_browse_count_sessions (lab_test_store_open (&fixture->store), filter, &error);
  g_assert_cmpint (n_starred, >, 0);
  g_assert_cmpint (n_starred, <, N_SESSIONS);

  g_string_truncate (fixture->changes, 0);
  lab_session_model_set_filter (fixture->model, filter);
  lab_test_wait_until (model_counted, fixture->model);

  expected = g_strdup_printf ("0-%u+%u;", N_SESSIONS, (guint) n_starred);
  g_assert_cmpstr (fixture->changes->str, ==, expected);
  g_assert_true (lab_session_get_starred (load_item (fixture->model, 0)));

  /* The same filter again changes nothing. */
  lab_session_model_set_filter (fixture->model, filter);
  lab_test_iterate_idle ();
  g_assert_cmpstr (fixture->changes->str, ==, expected);
}

static void
set_flag (Fixture    *fixture,
          LabSession *session,
          const char *flag,
          gboolean    value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lab_store_set_session_flag_async (fixture->lab_store, lab_session_get_id (session), flag, value,
                                    NULL, lab_test_async_cb, &result);
  g_assert_true (lab_store_set_session_flag_finish (fixture->lab_store,
                                                    lab_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

static gboolean
changes_seen (gpointer data)
{
  return ((GString *) data)->len > 0;
}

static void
test_flags_write_through (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(LabSession) session = NULL;
  g_autoptr(LabLazyItem) next = NULL;
  g_autoptr(LabLazyItem) back = NULL;
  g_autoptr(GError) error = NULL;
  LabSession *reread;
  gboolean starred;
  guint n;

  /* Hide archived sessions, as the window does by default. */
  filter->archived = 0;
  g_clear_object (&fixture->model);
  fixture->model = model_new (fixture, filter);
  n = g_list_model_get_n_items (G_LIST_MODEL (fixture->model));

  session = g_object_ref (load_item (fixture->model, 3));
  next = g_list_model_get_item (G_LIST_MODEL (fixture->model), 4);
  lab_test_wait_until (item_loaded, next);

  /* A star without a star filter: the row updates in place. */
  starred = lab_session_get_starred (session);
  g_string_truncate (fixture->changes, 0);
  set_flag (fixture, session, "starred", !starred);
  g_assert_cmpint (lab_session_get_starred (session), ==, !starred);
  g_assert_cmpstr (fixture->changes->str, ==, "");
  reread = lab_browse_get_session (lab_test_store_open (&fixture->store),
                                   lab_session_get_id (session), &error);
  g_assert_cmpint (lab_session_get_starred (reread), ==, !starred);
  g_object_unref (reread);

  /* Archived while archived sessions are hidden: the row goes, the next one
   * (the same item object) moves up. */
  set_flag (fixture, session, "archived", TRUE);
  g_assert_cmpstr (fixture->changes->str, ==, "3-1+0;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, n - 1);
  g_assert_cmpuint (lab_lazy_item_get_position (next), ==, 3);
  {
    g_autoptr(LabLazyItem) now = g_list_model_get_item (G_LIST_MODEL (fixture->model), 3);

    g_assert_true (now == next);
  }

  /* Undone: it comes back where the sort puts it. */
  g_string_truncate (fixture->changes, 0);
  set_flag (fixture, session, "archived", FALSE);
  lab_test_wait_until (changes_seen, fixture->changes);
  g_assert_cmpstr (fixture->changes->str, ==, "3-0+1;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, n);
  back = g_list_model_get_item (G_LIST_MODEL (fixture->model), 3);
  g_assert_cmpstr (lab_session_get_id (lab_lazy_item_get_item (back)), ==,
                   lab_session_get_id (session));
  g_assert_cmpuint (lab_lazy_item_get_position (next), ==, 4);
}

static void
test_store_changed_reloads (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabDemoOptions options;

  lab_demo_options_init (&options);
  options.n_sessions = 5;
  options.messages_per_session = 2;
  options.seed = 99;

  g_string_truncate (fixture->changes, 0);
  lab_store_load_demo_async (fixture->lab_store, &options, NULL, NULL, lab_test_async_cb, &result);
  g_assert_true (lab_store_load_demo_finish (fixture->lab_store, lab_test_wait_result (&result),
                                             NULL, &error));
  lab_test_wait_until (model_counted, fixture->model);
  lab_test_wait_until (changes_seen, fixture->changes);

  g_assert_cmpstr (fixture->changes->str, ==, "0-57+62;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, N_SESSIONS + 5);
}

static void
test_locate_and_load (Fixture       *fixture,
                      gconstpointer  data)
{
  const LabSessionFilter *filter = lab_session_model_get_filter (fixture->model);
  g_autofree char *id = expected_id (fixture, filter, 48);
  g_autoptr(GAsyncResult) locate_result = NULL;
  g_autoptr(GAsyncResult) load_result = NULL;
  g_autoptr(GAsyncResult) past_result = NULL;
  g_autoptr(LabSession) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  /* Not cached: the store says where it is. */
  g_assert_false (lab_session_model_find (fixture->model, id, &position));
  lab_session_model_locate_async (fixture->model, id, NULL, lab_test_async_cb, &locate_result);
  g_assert_cmpint (lab_session_model_locate_finish (fixture->model,
                                                    lab_test_wait_result (&locate_result),
                                                    &error), ==, 48);

  lab_paged_model_load_async (LAB_PAGED_MODEL (fixture->model), 48, NULL, lab_test_async_cb,
                              &load_result);
  loaded = lab_paged_model_load_finish (LAB_PAGED_MODEL (fixture->model),
                                        lab_test_wait_result (&load_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_session_get_id (loaded), ==, id);

  g_assert_true (lab_session_model_find (fixture->model, id, &position));
  g_assert_cmpuint (position, ==, 48);

  lab_paged_model_load_async (LAB_PAGED_MODEL (fixture->model), N_SESSIONS, NULL,
                              lab_test_async_cb, &past_result);
  g_assert_null (lab_paged_model_load_finish (LAB_PAGED_MODEL (fixture->model),
                                              lab_test_wait_result (&past_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_unopenable_store (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("labdata-model-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (tmp, "file", NULL);
  g_autofree char *root = g_build_filename (file, "store", NULL);
  g_autoptr(LabDataDir) dir = lab_data_dir_new (root);
  LabStore *store = lab_store_new (dir);
  LabSessionModel *model;

  /* The list is empty and says why; nothing crashes. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  model = lab_session_model_new (store, NULL);
  lab_test_wait_until (model_counted, model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_nonnull (lab_paged_model_get_error_message (LAB_PAGED_MODEL (model)));

  lab_test_drain_store (store);
  lab_test_finalize (model);
  lab_test_finalize (store);
  g_remove (file);
  g_rmdir (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/gui/session-model/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("count-and-items", test_count_and_items);
  ADD ("bounded-cache", test_bounded_cache);
  ADD ("filter-change", test_filter_change);
  ADD ("flags-write-through", test_flags_write_through);
  ADD ("store-changed-reloads", test_store_changed_reloads);
  ADD ("locate-and-load", test_locate_and_load);
  g_test_add_func ("/labdata/gui/session-model/unopenable-store", test_unopenable_store);

  return g_test_run ();
}
