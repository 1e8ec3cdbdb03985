/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lab-error.h"
#include "lab-store.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* The GUI's asynchronous front-end: every call through the worker, its
 * errors, its order, cancellation, and the signals lists follow. */

/* The store of the running test, finalized before its folder is removed: the
 * last reference may be dropped by the worker, a moment after the test. */
static LabStore *current;

static LabStore *
track (LabStore *store)
{
  g_assert_null (current);
  current = store;
  return store;
}

static void
store_teardown (LabTestStore  *fixture,
                gconstpointer  data)
{
  if (current != NULL)
    {
      lab_test_drain_store (current);
      lab_test_finalize (g_steal_pointer (&current));
    }
  lab_test_store_teardown (fixture, data);
}

static LabStore *
store_with_demo (LabTestStore *fixture,
                 guint         sessions,
                 guint         messages)
{
  lab_test_store_add_demo (fixture, sessions, messages, 7);
  /* The store opens its own connection, as the application does. */
  g_clear_object (&fixture->db);

  return lab_store_new (fixture->dir);
}

static void
test_open_ok (LabTestStore  *fixture,
              gconstpointer  data)
{
  LabStore *store = track (lab_store_new (fixture->dir));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_store_get_data_dir (store) == fixture->dir);

  /* A new folder is created on first use. */
  lab_store_open_async (store, NULL, lab_test_async_cb, &result);
  g_assert_true (lab_store_open_finish (store, lab_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (lab_data_dir_get_db_path (fixture->dir), G_FILE_TEST_IS_REGULAR));
}

static void
assert_open_fails (LabTestStore *fixture,
                   int           code)
{
  LabStore *store = track (lab_store_new (fixture->dir));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) count_result = NULL;
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = lab_test_tree_digest (fixture->root);
  g_autofree char *after = NULL;

  lab_store_open_async (store, NULL, lab_test_async_cb, &result);
  g_assert_false (lab_store_open_finish (store, lab_test_wait_result (&result), &error));
  g_assert_error (error, LAB_STORE_ERROR, code);
  g_assert_nonnull (error->message);
  g_clear_error (&error);

  /* Every later job reports the same failure rather than crashing. */
  lab_store_count_sessions_async (store, filter, NULL, lab_test_async_cb, &count_result);
  g_assert_cmpint (lab_store_count_sessions_finish (store, lab_test_wait_result (&count_result),
                                                    &error), ==, -1);
  g_assert_error (error, LAB_STORE_ERROR, code);

  after = lab_test_tree_digest (fixture->root);
  g_assert_cmpstr (before, ==, after);
}

static void
test_open_not_a_database (LabTestStore  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_data_dir_ensure (fixture->dir, &error));
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (fixture->dir),
                                      "these are not the bytes of an SQLite file\n", -1, &error));
  assert_open_fails (fixture, LAB_STORE_ERROR_NOT_A_DATABASE);
}

static void
test_open_schema_too_new (LabTestStore  *fixture,
                          gconstpointer  data)
{
  LabDb *db = lab_test_store_open (fixture);

  g_assert_true (lab_db_exec (db, "PRAGMA user_version = 999", NULL));
  g_clear_object (&fixture->db);
  assert_open_fails (fixture, LAB_STORE_ERROR_SCHEMA_TOO_NEW);
}

static void
test_open_folder_is_a_file (LabTestStore  *fixture,
                            gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->tmp, "plain-file", NULL);
  g_autofree char *inside = g_build_filename (file, "store", NULL);
  g_autoptr(LabDataDir) dir = lab_data_dir_new (inside);
  LabStore *store = track (lab_store_new (dir));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Root ignores permissions, so the unwritable place is under a file. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  lab_store_open_async (store, NULL, lab_test_async_cb, &result);
  g_assert_false (lab_store_open_finish (store, lab_test_wait_result (&result), &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_WRITABLE);
  g_assert_false (g_file_test (inside, G_FILE_TEST_EXISTS));
}

static void
test_sessions (LabTestStore  *fixture,
               gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 30, 4));
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GAsyncResult) count_result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) position_result = NULL;
  g_autoptr(GAsyncResult) get_result = NULL;
  g_autoptr(GAsyncResult) people_result = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(LabSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) people = NULL;
  g_autofree char *prefix = NULL;
  LabSession *third;

  lab_store_count_sessions_async (store, filter, NULL, lab_test_async_cb, &count_result);
  lab_store_list_sessions_async (store, filter, 2, 5, NULL, lab_test_async_cb, &list_result);

  g_assert_cmpint (lab_store_count_sessions_finish (store, lab_test_wait_result (&count_result),
                                                    &error), ==, 30);
  page = lab_store_list_sessions_finish (store, lab_test_wait_result (&list_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 5);
  third = g_ptr_array_index (page, 0);

  lab_store_session_position_async (store, filter, lab_session_get_id (third), NULL,
                                    lab_test_async_cb, &position_result);
  g_assert_cmpint (lab_store_session_position_finish (store,
                                                      lab_test_wait_result (&position_result),
                                                      &error), ==, 2);
  g_assert_no_error (error);

  prefix = g_strndup (lab_session_get_id (third), 30);
  lab_store_get_session_async (store, prefix, NULL, lab_test_async_cb, &get_result);
  session = lab_store_get_session_finish (store, lab_test_wait_result (&get_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_session_get_id (session), ==, lab_session_get_id (third));

  lab_store_list_participants_async (store, NULL, lab_test_async_cb, &people_result);
  people = lab_store_list_participants_finish (store, lab_test_wait_result (&people_result),
                                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (people), >, 1);
}

static void
test_get_missing_session (LabTestStore  *fixture,
                          gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 2, 2));
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) position_result = NULL;
  g_autoptr(GError) error = NULL;

  lab_store_get_session_async (store, "ffffffff-none", NULL, lab_test_async_cb, &result);
  g_assert_null (lab_store_get_session_finish (store, lab_test_wait_result (&result), &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Not listed is an answer, not an error. */
  lab_store_session_position_async (store, filter, "ffffffff-none", NULL,
                                    lab_test_async_cb, &position_result);
  g_assert_cmpint (lab_store_session_position_finish (store,
                                                      lab_test_wait_result (&position_result),
                                                      &error), ==, -1);
  g_assert_no_error (error);
}

static void
test_messages (LabTestStore  *fixture,
               gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 3, 40));
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GAsyncResult) sessions_result = NULL;
  g_autoptr(GAsyncResult) count_result = NULL;
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) position_result = NULL;
  g_autoptr(GAsyncResult) details_result = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(LabSessionDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  LabSession *session;
  const char *id;
  gint64 count;
  LabMessage *tenth;

  lab_store_list_sessions_async (store, filter, 0, 1, NULL, lab_test_async_cb, &sessions_result);
  sessions = lab_store_list_sessions_finish (store, lab_test_wait_result (&sessions_result),
                                             &error);
  g_assert_no_error (error);
  session = g_ptr_array_index (sessions, 0);
  id = lab_session_get_id (session);

  lab_store_count_messages_async (store, id, NULL, lab_test_async_cb, &count_result);
  count = lab_store_count_messages_finish (store, lab_test_wait_result (&count_result), &error);
  g_assert_cmpint (count, ==, lab_session_get_message_count (session));
  g_assert_cmpint (count, >, 10);

  lab_store_list_messages_async (store, id, 10, 5, NULL, lab_test_async_cb, &list_result);
  messages = lab_store_list_messages_finish (store, lab_test_wait_result (&list_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 5);
  tenth = g_ptr_array_index (messages, 0);
  g_assert_cmpstr (lab_message_get_session_id (tenth), ==, id);

  lab_store_message_position_async (store, id, lab_message_get_sequence (tenth), NULL,
                                    lab_test_async_cb, &position_result);
  g_assert_cmpint (lab_store_message_position_finish (store,
                                                      lab_test_wait_result (&position_result),
                                                      &error), ==, 10);

  lab_store_get_details_async (store, id, 3, NULL, lab_test_async_cb, &details_result);
  details = lab_store_get_details_finish (store, lab_test_wait_result (&details_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (details->session_id, ==, id);

  for (guint i = 0; lab_session_details_get_tables ()[i] != NULL; i++)
    {
      const char *table = lab_session_details_get_tables ()[i];
      LabSessionRows *part = lab_session_details_get (details, table);

      g_assert_cmpstr (part->table, ==, table);
      g_assert_cmpuint (part->rows->len, <=, 3);
      g_assert_cmpint (part->rows->len, ==, MIN (part->total, 3));
      for (guint j = 0; j < part->rows->len; j++)
        {
          JsonObject *row = g_ptr_array_index (part->rows, j);

          g_assert_cmpstr (json_object_get_string_member (row, "session_id"), ==, id);
        }
    }

  /* The demo gives every session metrics, activity and files. */
  g_assert_cmpint (lab_session_details_get (details, "metrics")->total, >, 0);
  g_assert_cmpint (lab_session_details_get (details, "workspace_files")->total, >, 0);
}

static void
test_search (LabTestStore  *fixture,
             gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 20, 20));
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("calibration OR attention");
  g_autoptr(LabSearchQuery) bad = lab_search_query_new ("(unbalanced AND");
  g_autoptr(LabSearchResults) results = NULL;
  g_autoptr(LabSearchResults) none = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) bad_result = NULL;
  g_autoptr(GError) error = NULL;

  query->limit = 10;
  lab_store_search_async (store, query, NULL, lab_test_async_cb, &result);
  lab_store_search_async (store, bad, NULL, lab_test_async_cb, &bad_result);

  results = lab_store_search_finish (store, lab_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->messages->len, >, 0);
  g_assert_cmpuint (results->messages->len, <=, 10);

  none = lab_store_search_finish (store, lab_test_wait_result (&bad_result), &error);
  g_assert_null (none);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX);
}

typedef struct
{
  GString *names;
  guint done;
} Order;

typedef struct
{
  Order *order;
  const char *name;
} OrderedJob;

static void
order_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  OrderedJob *job = user_data;

  g_string_append (job->order->names, job->name);
  job->order->done++;
}

static gboolean
order_done (gpointer data)
{
  return ((Order *) data)->done == 4;
}

static void
test_cancel_and_order (LabTestStore  *fixture,
                       gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 10, 5));
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("calibration");
  g_autoptr(GCancellable) early = g_cancellable_new ();
  g_autoptr(GAsyncResult) early_result = NULL;
  g_autoptr(GError) error = NULL;
  Order order = { g_string_new (NULL), 0 };
  OrderedJob a = { &order, "a" }, b = { &order, "b" }, c = { &order, "c" }, d = { &order, "d" };

  /* Cancelled before it ran: skipped, reported as cancelled. */
  g_cancellable_cancel (early);
  lab_store_search_async (store, query, early, lab_test_async_cb, &early_result);
  g_assert_null (lab_store_search_finish (store, lab_test_wait_result (&early_result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Jobs of every kind complete in the order they were queued. */
  lab_store_search_async (store, query, NULL, order_cb, &a);
  lab_store_count_sessions_async (store, filter, NULL, order_cb, &b);
  lab_store_list_sessions_async (store, filter, 0, 3, NULL, order_cb, &c);
  lab_store_list_participants_async (store, NULL, order_cb, &d);
  lab_test_wait_until (order_done, &order);
  g_assert_cmpstr (order.names->str, ==, "abcd");

  g_string_free (order.names, TRUE);
}

typedef struct
{
  char *id;
  char *flag;
  gboolean value;
  guint n_flag_signals;
  guint n_changed;
} Signals;

static void
flag_changed_cb (LabStore   *store,
                 const char *id,
                 const char *flag,
                 gboolean    value,
                 Signals    *signals)
{
  g_free (signals->id);
  g_free (signals->flag);
  signals->id = g_strdup (id);
  signals->flag = g_strdup (flag);
  signals->value = value;
  signals->n_flag_signals++;
}

static void
changed_cb (LabStore *store,
            Signals  *signals)
{
  signals->n_changed++;
}

static void
test_set_flag (LabTestStore  *fixture,
               gconstpointer  data)
{
  LabStore *store = track (store_with_demo (fixture, 5, 2));
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GAsyncResult) list_result = NULL;
  g_autoptr(GAsyncResult) set_result = NULL;
  g_autoptr(GAsyncResult) missing_result = NULL;
  g_autoptr(GAsyncResult) get_result = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(LabSession) reread = NULL;
  g_autoptr(GError) error = NULL;
  Signals signals = { 0 };
  LabSession *session;
  gboolean archived;

  g_signal_connect (store, "session-flag-changed", G_CALLBACK (flag_changed_cb), &signals);

  lab_store_list_sessions_async (store, filter, 0, 1, NULL, lab_test_async_cb, &list_result);
  sessions = lab_store_list_sessions_finish (store, lab_test_wait_result (&list_result), &error);
  session = g_ptr_array_index (sessions, 0);
  archived = lab_session_get_archived (session);

  lab_store_set_session_flag_async (store, lab_session_get_id (session), "archived", !archived,
                                    NULL, lab_test_async_cb, &set_result);
  g_assert_true (lab_store_set_session_flag_finish (store, lab_test_wait_result (&set_result),
                                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signals.n_flag_signals, ==, 1);
  g_assert_cmpstr (signals.id, ==, lab_session_get_id (session));
  g_assert_cmpstr (signals.flag, ==, "archived");
  g_assert_cmpint (signals.value, ==, !archived);

  /* Written through: a fresh read sees it. */
  lab_store_get_session_async (store, lab_session_get_id (session), NULL, lab_test_async_cb,
                               &get_result);
  reread = lab_store_get_session_finish (store, lab_test_wait_result (&get_result), &error);
  g_assert_cmpint (lab_session_get_archived (reread), ==, !archived);

  /* A missing session is an error and no signal. */
  lab_store_set_session_flag_async (store, "no-such-session", "starred", TRUE, NULL,
                                    lab_test_async_cb, &missing_result);
  g_assert_false (lab_store_set_session_flag_finish (store, lab_test_wait_result (&missing_result),
                                                     &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (signals.n_flag_signals, ==, 1);

  g_free (signals.id);
  g_free (signals.flag);
}

static void
test_info_and_demo (LabTestStore  *fixture,
                    gconstpointer  data)
{
  LabStore *store = track (lab_store_new (fixture->dir));
  g_autoptr(LabProgress) progress = lab_progress_new ();
  g_autoptr(GAsyncResult) demo_result = NULL;
  g_autoptr(GAsyncResult) info_result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LabStoreInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  Signals signals = { 0 };
  LabDemoOptions options;
  LabDemoStats stats = { 0 };

  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &signals);

  lab_demo_options_init (&options);
  options.n_sessions = 4;
  options.messages_per_session = 6;

  lab_store_load_demo_async (store, &options, progress, NULL, lab_test_async_cb, &demo_result);
  g_assert_true (lab_store_load_demo_finish (store, lab_test_wait_result (&demo_result), &stats,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.sessions, ==, 4);
  g_assert_cmpuint (stats.messages, ==, 24);
  g_assert_cmpuint (signals.n_changed, ==, 1);

  lab_store_collect_info_async (store, NULL, lab_test_async_cb, &info_result);
  info = lab_store_collect_info_finish (store, lab_test_wait_result (&info_result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_store_info_get_count (info, "sessions"), ==, 4);
  g_assert_cmpint (lab_store_info_get_count (info, "messages"), ==, 24);
  g_assert_cmpint (info->schema_version, >, 0);

  /* A cancelled load changes nothing and emits nothing. */
  g_cancellable_cancel (cancellable);
  lab_store_load_demo_async (store, &options, NULL, cancellable, lab_test_async_cb,
                             &cancelled_result);
  g_assert_false (lab_store_load_demo_finish (store, lab_test_wait_result (&cancelled_result),
                                              NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (signals.n_changed, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/store/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              store_teardown)

  ADD ("open", test_open_ok);
  ADD ("open-not-a-database", test_open_not_a_database);
  ADD ("open-schema-too-new", test_open_schema_too_new);
  ADD ("open-folder-is-a-file", test_open_folder_is_a_file);
  ADD ("sessions", test_sessions);
  ADD ("missing-session", test_get_missing_session);
  ADD ("messages-and-details", test_messages);
  ADD ("search", test_search);
  ADD ("cancel-and-order", test_cancel_and_order);
  ADD ("set-flag", test_set_flag);
  ADD ("info-and-demo", test_info_and_demo);

  return g_test_run ();
}
