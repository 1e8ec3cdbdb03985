/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-browse.h"
#include "lab-error.h"
#include "lab-test-util.h"
#include "lab-timestamp.h"

static void
add_fixture_sessions (LabDb *db)
{
  lab_test_add_session (db, "aaaa-1111", "Zebra finch song", "{\"status\": \"completed\","
                        " \"participants\": [\"Ada Chen\", \"Planner\"], \"starred\": true,"
                        " \"created_at\": \"2026-01-01T00:00:00Z\", \"last_activity_at\": \"2026-03-01T00:00:00Z\"}");
  lab_test_add_session (db, "aaaa-2222", "alpha waves", "{\"status\": \"active\","
                        " \"participants\": [\"Ravi Patel\"],"
                        " \"created_at\": \"2026-02-01T00:00:00Z\", \"last_activity_at\": \"2026-02-15T00:00:00Z\"}");
  lab_test_add_session (db, "bbbb-3333", "Mid-range forecasts", "{\"status\": \"active\","
                        " \"participants\": [\"ada chen\", \"Critic\"], \"archived\": true,"
                        " \"created_at\": \"2026-03-01T00:00:00Z\", \"last_activity_at\": \"2026-04-01T00:00:00Z\"}");
  lab_test_add_session (db, "cccc-4444", "Beta decay", "{\"status\": \"failed\","
                        " \"created_at\": \"2026-04-01T00:00:00Z\", \"last_activity_at\": \"2026-04-02T00:00:00Z\"}");
}

static char *
ids_of (GPtrArray *sessions)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < sessions->len; i++)
    g_string_append_printf (out, "%s%.4s", i ? "," : "",
                            lab_session_get_id (g_ptr_array_index (sessions, i)));
  return g_string_free (out, FALSE);
}

static char *
list (LabDb            *db,
      LabSessionFilter *filter,
      guint             offset,
      guint             limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = lab_browse_list_sessions (db, filter, offset, limit, &error);

  g_assert_no_error (error);
  return ids_of (sessions);
}

static void
test_sort_and_page (LabTestStore  *store,
                    gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  add_fixture_sessions (db);

  a = list (db, filter, 0, 100);
  g_assert_cmpstr (a, ==, "cccc,bbbb,aaaa,aaaa");
  b = list (db, filter, 1, 2);
  g_assert_cmpstr (b, ==, "bbbb,aaaa");

  filter->sort = LAB_SESSION_SORT_TITLE;
  filter->descending = FALSE;
  c = list (db, filter, 0, 100);
  /* Case-insensitive: alpha, Beta, Mid, Zebra */
  g_assert_cmpstr (c, ==, "aaaa,cccc,bbbb,aaaa");

  filter->sort = LAB_SESSION_SORT_CREATED;
  filter->descending = FALSE;
  d = list (db, filter, 0, 100);
  g_assert_cmpstr (d, ==, "aaaa,aaaa,bbbb,cccc");

  e = list (db, filter, 10, 5);
  g_assert_cmpstr (e, ==, "");
}

static void
test_filters (LabTestStore  *store,
              gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFilter) filter = NULL;
  struct {
    const char *status;
    int starred;
    int archived;
    const char *since;
    const char *until;
    const char *participant;
    const char *expected;
  } cases[] = {
    { "active", -1, -1, NULL, NULL, NULL, "bbbb,aaaa" },
    { NULL, 1, -1, NULL, NULL, NULL, "aaaa" },
    { NULL, 0, 0, NULL, NULL, NULL, "cccc,aaaa" },
    { NULL, -1, 1, NULL, NULL, NULL, "bbbb" },
    { NULL, -1, -1, "2026-03-01T00:00:00Z", NULL, NULL, "cccc,bbbb,aaaa" },
    { NULL, -1, -1, NULL, "2026-02-01T00:00:00Z", NULL, "aaaa,aaaa" },
    { NULL, -1, -1, "2026-02-10T00:00:00Z", "2026-02-20T00:00:00Z", NULL, "aaaa,aaaa" },
    { NULL, -1, -1, NULL, NULL, "Ada Chen", "bbbb,aaaa" },
    { "active", -1, 0, NULL, NULL, "ada chen", "" },
    { NULL, -1, -1, NULL, NULL, "Nobody", "" },
  };

  add_fixture_sessions (db);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = NULL;

      filter = lab_session_filter_new ();
      filter->status = g_strdup (cases[i].status);
      filter->starred = cases[i].starred;
      filter->archived = cases[i].archived;
      if (cases[i].since)
        g_assert_true (lab_timestamp_parse (cases[i].since, &filter->since));
      if (cases[i].until)
        g_assert_true (lab_timestamp_parse (cases[i].until, &filter->until));
      filter->participant = g_strdup (cases[i].participant);

      got = list (db, filter, 0, 100);
      g_assert_cmpstr (got, ==, cases[i].expected);
      g_assert_cmpint (lab_browse_count_sessions (db, filter, &error), ==,
                       cases[i].expected[0] ? (gint64) (strlen (cases[i].expected) + 1) / 5 : 0);
      g_assert_no_error (error);
      g_clear_pointer (&filter, lab_session_filter_free);
    }

  filter = lab_session_filter_new ();
  filter->ids = g_strdupv ((char *[]) { "cccc-4444", "aaaa-1111", "nope", NULL });
  {
    g_autofree char *got = list (db, filter, 0, 100);

    g_assert_cmpstr (got, ==, "cccc,aaaa");
  }

  /* Copies are equal and independent. */
  {
    g_autoptr(LabSessionFilter) copy = lab_session_filter_copy (filter);

    g_assert_true (lab_session_filter_equal (filter, copy));
    copy->starred = 1;
    g_assert_false (lab_session_filter_equal (filter, copy));
  }
}

static void
test_get_by_prefix (LabTestStore  *store,
                    gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSession) exact = NULL;
  g_autoptr(LabSession) prefix = NULL;
  g_autoptr(LabSession) none = NULL;
  g_autoptr(LabSession) ambiguous = NULL;

  add_fixture_sessions (db);

  exact = lab_browse_get_session (db, "aaaa-2222", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_session_get_title (exact), ==, "alpha waves");

  prefix = lab_browse_get_session (db, "bb", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lab_session_get_id (prefix), ==, "bbbb-3333");
  g_assert_true (lab_session_get_archived (prefix));
  g_assert_cmpstr (lab_session_get_participants (prefix)[1], ==, "Critic");

  ambiguous = lab_browse_get_session (db, "aaaa", &error);
  g_assert_null (ambiguous);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_AMBIGUOUS);
  g_clear_error (&error);

  none = lab_browse_get_session (db, "zz", &error);
  g_assert_null (none);
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_flags (LabTestStore  *store,
            gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSession) session = NULL;

  add_fixture_sessions (db);

  g_assert_true (lab_browse_set_session_flag (db, "cccc-4444", "starred", TRUE, &error));
  g_assert_true (lab_browse_set_session_flag (db, "cccc-4444", "archived", TRUE, &error));
  g_assert_no_error (error);
  session = lab_browse_get_session (db, "cccc-4444", &error);
  g_assert_true (lab_session_get_starred (session));
  g_assert_true (lab_session_get_archived (session));
  g_assert_cmpint (lab_session_get_updated_at (session), >, lab_session_get_created_at (session));

  g_assert_false (lab_browse_set_session_flag (db, "missing", "starred", TRUE, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND);
}

static void
test_messages_paging (LabTestStore  *store,
                      gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(LabSession) session = NULL;

  lab_test_add_session (db, "s", "Long chat", NULL);
  /* Sequences with gaps, inserted out of order. */
  for (int i = 100; i >= 1; i--)
    {
      g_autofree char *text = g_strdup_printf ("message %d", i * 10);

      lab_test_add_message (db, "s", i * 10, i % 2 ? "user" : "assistant", "Ada", text);
    }

  g_assert_cmpint (lab_browse_count_messages (db, "s", &error), ==, 100);
  page = lab_browse_list_messages (db, "s", 40, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_cmpint (lab_message_get_sequence (g_ptr_array_index (page, 0)), ==, 410);
  g_assert_cmpstr (lab_message_get_content (g_ptr_array_index (page, 4)), ==, "message 450");

  g_assert_cmpint (lab_browse_message_position (db, "s", 410, &error), ==, 40);
  g_assert_cmpint (lab_browse_message_position (db, "s", 10, &error), ==, 0);

  session = lab_browse_get_session (db, "s", &error);
  g_assert_cmpint (lab_session_get_message_count (session), ==, 100);

  g_clear_pointer (&page, g_ptr_array_unref);
  page = lab_browse_list_messages (db, "s", 98, 50, &error);
  g_assert_cmpuint (page->len, ==, 2);
}

/* Every session's position, asked for directly, is where the list has it. */
static void
assert_positions_match_list (LabDb            *db,
                             LabSessionFilter *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSessionFilter) all = lab_session_filter_new ();
  g_autoptr(GPtrArray) listed = lab_browse_list_sessions (db, filter, 0, 1000, &error);
  g_autoptr(GPtrArray) every = lab_browse_list_sessions (db, all, 0, 1000, &error);
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (error);

  for (guint i = 0; i < listed->len; i++)
    g_hash_table_insert (positions, (gpointer) lab_session_get_id (g_ptr_array_index (listed, i)),
                         GUINT_TO_POINTER (i + 1));

  for (guint i = 0; i < every->len; i++)
    {
      const char *id = lab_session_get_id (g_ptr_array_index (every, i));
      gint64 expected = (gint64) GPOINTER_TO_UINT (g_hash_table_lookup (positions, id)) - 1;

      g_assert_cmpint (lab_browse_session_position (db, filter, id, &error), ==, expected);
      g_assert_no_error (error);
    }

  g_assert_cmpint (lab_browse_session_position (db, filter, "no-such-session", &error), ==, -1);
  g_assert_no_error (error);
}

static void
test_session_position (LabTestStore  *store,
                       gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  LabSessionSort sorts[] = { LAB_SESSION_SORT_LAST_ACTIVITY, LAB_SESSION_SORT_CREATED,
                             LAB_SESSION_SORT_TITLE };

  add_fixture_sessions (db);
  /* Ties on every sort key, so that the id must break them as order_by() does. */
  lab_test_add_session (db, "dddd-5555", "alpha waves", "{\"starred\": true,"
                        " \"created_at\": \"2026-02-01T00:00:00Z\","
                        " \"last_activity_at\": \"2026-02-15T00:00:00Z\"}");
  lab_test_add_session (db, "0000-6666", "ALPHA WAVES", "{\"participants\": [\"Ada Chen\"],"
                        " \"created_at\": \"2026-02-01T00:00:00Z\","
                        " \"last_activity_at\": \"2026-02-15T00:00:00Z\"}");

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      for (int descending = 0; descending <= 1; descending++)
        {
          g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();

          filter->sort = sorts[i];
          filter->descending = descending;
          assert_positions_match_list (db, filter);

          filter->starred = 1;
          assert_positions_match_list (db, filter);

          filter->starred = -1;
          filter->archived = 0;
          filter->participant = g_strdup ("ada chen");
          assert_positions_match_list (db, filter);
        }
    }
}

static void
test_participants (LabTestStore  *store,
                   gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *joined = NULL;

  none = lab_browse_list_participants (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  add_fixture_sessions (db);
  names = lab_browse_list_participants (db, &error);
  g_assert_no_error (error);

  /* "Ada Chen" and "ada chen" are one person. */
  joined = g_strjoinv ("|", names);
  g_assert_cmpstr (joined, ==, "Ada Chen|Critic|Planner|Ravi Patel");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/browse/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("sort-and-page", test_sort_and_page);
  ADD ("filters", test_filters);
  ADD ("get-by-prefix", test_get_by_prefix);
  ADD ("flags", test_flags);
  ADD ("messages-paging", test_messages_paging);
  ADD ("session-position", test_session_position);
  ADD ("participants", test_participants);

  return g_test_run ();
}
