/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-message-model.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* A chat log paged in on demand: a 5,000-message session opens with one count
 * and the pages asked for. */

#define LARGE 5000

typedef struct
{
  LabTestStore store;
  LabStore *lab_store;
  char *large_id;
  GString *changes;
} Fixture;

static gboolean
model_counted (gpointer data)
{
  return !lab_paged_model_get_loading (LAB_PAGED_MODEL (data));
}

static gboolean
item_loaded (gpointer data)
{
  return lab_lazy_item_get_item (data) != NULL;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GError) error = NULL;
  LabDemoOptions options;

  lab_test_store_setup (&fixture->store, data);
  lab_demo_options_init (&options);
  options.n_sessions = 3;
  options.messages_per_session = 10;
  options.large_session = LARGE;
  lab_demo_generate (lab_test_store_open (&fixture->store), &options, NULL, NULL, NULL, NULL,
                     &error);
  g_assert_no_error (error);

  /* The large session is the one with the most messages. */
  sessions = lab_browse_list_sessions (lab_test_store_open (&fixture->store), filter, 0, 10, &error);
  for (guint i = 0; i < sessions->len; i++)
    {
      LabSession *session = g_ptr_array_index (sessions, i);

      if (lab_session_get_message_count (session) == LARGE)
        fixture->large_id = g_strdup (lab_session_get_id (session));
    }
  g_assert_nonnull (fixture->large_id);

  fixture->lab_store = lab_store_new (fixture->store.dir);
  fixture->changes = g_string_new (NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_test_drain_store (fixture->lab_store);
  lab_test_finalize (fixture->lab_store);
  g_string_free (fixture->changes, TRUE);
  g_free (fixture->large_id);
  lab_test_store_teardown (&fixture->store, data);
}

static LabMessageModel *
open_model (Fixture    *fixture,
            const char *session_id)
{
  LabMessageModel *model = lab_message_model_new (fixture->lab_store, session_id);

  lab_test_record_changes (G_LIST_MODEL (model), fixture->changes);
  lab_test_wait_until (model_counted, model);
  return model;
}

static void
test_large_session (Fixture       *fixture,
                    gconstpointer  data)
{
  LabMessageModel *model = open_model (fixture, fixture->large_id);
  guint positions[] = { LARGE - 1, 0, 2500, 2499, 4321 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (lab_message_model_get_session_id (model), ==, fixture->large_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, LARGE);
  /* The count arrived before any item was asked for, hence its one change. */
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+5000;");
  g_assert_cmpuint (lab_paged_model_get_n_cached (LAB_PAGED_MODEL (model)), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(LabLazyItem) item = g_list_model_get_item (G_LIST_MODEL (model), positions[i]);
      g_autoptr(GPtrArray) expected = NULL;
      LabMessage *message;

      lab_test_wait_until (item_loaded, item);
      message = lab_lazy_item_get_item (item);
      expected = lab_browse_list_messages (lab_test_store_open (&fixture->store), fixture->large_id,
                                           positions[i], 1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (lab_message_get_id (message), ==,
                       lab_message_get_id (g_ptr_array_index (expected, 0)));
    }

  /* Only the pages asked for were read. */
  g_assert_cmpuint (lab_paged_model_get_n_cached (LAB_PAGED_MODEL (model)), <=,
                    G_N_ELEMENTS (positions) * lab_paged_model_get_page_size (LAB_PAGED_MODEL (model)));
  g_assert_cmpstr (fixture->changes->str, ==, "0-0+5000;");

  lab_test_drain_store (fixture->lab_store);
  lab_test_finalize (model);
}

static void
test_scroll_to_message (Fixture       *fixture,
                        gconstpointer  data)
{
  LabMessageModel *model = open_model (fixture, fixture->large_id);
  g_autoptr(GAsyncResult) position_result = NULL;
  g_autoptr(GAsyncResult) load_result = NULL;
  g_autoptr(LabMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gint64 position;

  /* What a search hit's activation does: where is sequence N, then load it. */
  lab_store_message_position_async (fixture->lab_store, fixture->large_id, 3777, NULL,
                                    lab_test_async_cb, &position_result);
  position = lab_store_message_position_finish (fixture->lab_store,
                                                lab_test_wait_result (&position_result), &error);
  g_assert_cmpint (position, >=, 0);

  lab_paged_model_load_async (LAB_PAGED_MODEL (model), position, NULL, lab_test_async_cb,
                              &load_result);
  message = lab_paged_model_load_finish (LAB_PAGED_MODEL (model), lab_test_wait_result (&load_result),
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_message_get_sequence (message), ==, 3777);
  g_clear_object (&load_result);

  lab_test_drain_store (fixture->lab_store);
  lab_test_finalize (model);
}

static void
test_missing_session (Fixture       *fixture,
                      gconstpointer  data)
{
  LabMessageModel *model = open_model (fixture, "no-such-session");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 0));
  g_assert_cmpstr (fixture->changes->str, ==, "");

  lab_test_drain_store (fixture->lab_store);
  lab_test_finalize (model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/gui/message-model/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("large-session", test_large_session);
  ADD ("scroll-to-message", test_scroll_to_message);
  ADD ("missing-session", test_missing_session);

  return g_test_run ();
}
