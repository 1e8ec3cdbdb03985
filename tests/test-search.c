/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-search.h"
#include "lab-test-util.h"
#include "lab-timestamp.h"

static void
add_fixture (LabDb *db)
{
  lab_test_add_session (db, "0a1b2c3d-0000-7000-8000-000000000001", "Sparse attention study",
                        "{\"participants\": [\"Ada Chen\", \"Planner\"], \"keywords\": [\"retrieval\"],"
                        " \"research_question\": \"Does sparsity help long context?\"}");
  lab_test_add_session (db, "0a1b9999-0000-7000-8000-000000000002", "Reward calibration",
                        "{\"participants\": [\"Ravi Patel\", \"Critic\"], \"status\": \"completed\"}");

  lab_test_add_message (db, "0a1b2c3d-0000-7000-8000-000000000001", 1, "user", "Ada Chen",
                        "Compare sparse attention with dense attention on gpt-4 outputs");
  lab_test_add_message (db, "0a1b2c3d-0000-7000-8000-000000000001", 2, "assistant", "Planner",
                        "Sparse attention keeps <b>recall</b> & precision at long context lengths");
  lab_test_add_message (db, "0a1b2c3d-0000-7000-8000-000000000001", 3, "tool_call", "Planner",
                        "Calling retrieval benchmark");
  lab_test_add_message (db, "0a1b9999-0000-7000-8000-000000000002", 1, "user", "Ravi Patel",
                        "Is the reward model calibrated after temperature scaling?");
  lab_test_add_message (db, "0a1b9999-0000-7000-8000-000000000002", 2, "assistant", "Critic",
                        "Calibration improves; attention to outliers is still needed");
}

static LabSearchResults *
run (LabDb          *db,
     LabSearchQuery *query)
{
  g_autoptr(GError) error = NULL;
  LabSearchResults *results = lab_search_run (db, query, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static guint
n_messages (LabDb      *db,
            const char *text)
{
  g_autoptr(LabSearchQuery) query = lab_search_query_new (text);
  g_autoptr(LabSearchResults) results = run (db, query);

  return results->messages->len;
}

static void
test_query_forms (LabTestStore  *store,
                  gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);

  add_fixture (db);

  g_assert_cmpuint (n_messages (db, "attention"), ==, 3);
  g_assert_cmpuint (n_messages (db, "ATTENTION"), ==, 3);
  g_assert_cmpuint (n_messages (db, "\"sparse attention\""), ==, 2);
  g_assert_cmpuint (n_messages (db, "\"attention sparse\""), ==, 0);
  g_assert_cmpuint (n_messages (db, "calibrat*"), ==, 2);
  g_assert_cmpuint (n_messages (db, "sparse AND dense"), ==, 1);
  g_assert_cmpuint (n_messages (db, "dense OR outliers"), ==, 2);
  g_assert_cmpuint (n_messages (db, "attention NOT sparse"), ==, 1);
  g_assert_cmpuint (n_messages (db, "(dense OR outliers) AND gpt"), ==, 1);
  /* Punctuation inside a word makes a phrase instead of an error. */
  g_assert_cmpuint (n_messages (db, "gpt-4"), ==, 1);
  g_assert_cmpuint (n_messages (db, "temperature-scaling"), ==, 1);
  /* Authors are indexed, and a column filter narrows to them. */
  g_assert_cmpuint (n_messages (db, "Critic"), ==, 1);
  g_assert_cmpuint (n_messages (db, "author:planner"), ==, 2);
  g_assert_cmpuint (n_messages (db, "content:planner"), ==, 0);
}

static void
test_newest_first_and_paging (LabTestStore  *store,
                              gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("attention");
  g_autoptr(LabSearchResults) first = NULL;
  g_autoptr(LabSearchResults) second = NULL;

  add_fixture (db);

  query->limit = 2;
  first = run (db, query);
  g_assert_cmpuint (first->messages->len, ==, 2);
  g_assert_true (first->has_more);
  /* Newest first: the last inserted message leads. */
  g_assert_cmpstr (lab_search_hit_get_author (g_ptr_array_index (first->messages, 0)), ==, "Critic");
  g_assert_cmpint (lab_search_hit_get_sequence (g_ptr_array_index (first->messages, 1)), ==, 2);

  query->offset = 2;
  second = run (db, query);
  g_assert_cmpuint (second->messages->len, ==, 1);
  g_assert_false (second->has_more);
  g_assert_cmpstr (lab_search_hit_get_role (g_ptr_array_index (second->messages, 0)), ==, "user");
}

static void
test_filters (LabTestStore  *store,
              gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(LabSearchQuery) query = NULL;
  g_autoptr(LabSearchResults) results = NULL;

  add_fixture (db);

  query = lab_search_query_new ("attention");
  query->role = g_strdup ("assistant");
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 2);
  g_clear_pointer (&results, lab_search_results_free);

  query->author = g_strdup ("planner");
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 1);
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  query = lab_search_query_new ("attention");
  query->session_id = g_strdup ("0a1b9999-0000-7000-8000-000000000002");
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 1);
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  query = lab_search_query_new ("attention");
  query->sessions = lab_session_filter_new ();
  query->sessions->participant = g_strdup ("Ravi Patel");
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 1);
  g_clear_pointer (&results, lab_search_results_free);
  g_clear_pointer (&query->sessions->participant, g_free);
  query->sessions->status = g_strdup ("completed");
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 1);
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  /* Messages are 11:00:01 … 11:00:03 on 2026-01-01. */
  query = lab_search_query_new ("attention");
  g_assert_true (lab_timestamp_parse ("2026-01-01T11:00:02Z", &query->since));
  g_assert_true (lab_timestamp_parse ("2026-01-01T11:00:02.500Z", &query->until));
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 2);
}

static void
test_sessions_and_ids (LabTestStore  *store,
                       gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(LabSearchQuery) query = NULL;
  g_autoptr(LabSearchResults) results = NULL;

  add_fixture (db);

  /* Titles, research questions and keywords. */
  query = lab_search_query_new ("sparsity");
  results = run (db, query);
  g_assert_cmpuint (results->sessions->len, ==, 1);
  g_assert_cmpstr (lab_search_hit_get_session_title (g_ptr_array_index (results->sessions, 0)), ==,
                   "Sparse attention study");
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  query = lab_search_query_new ("retrieval");
  results = run (db, query);
  g_assert_cmpuint (results->sessions->len, ==, 1);
  g_assert_cmpuint (results->messages->len, ==, 1);
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  /* Session-id prefixes, explicit and as a bare hex word. */
  query = lab_search_query_new ("id:0a1b");
  results = run (db, query);
  g_assert_cmpuint (results->sessions->len, ==, 2);
  g_assert_cmpuint (results->messages->len, ==, 0);
  g_clear_pointer (&results, lab_search_results_free);
  lab_search_query_free (g_steal_pointer (&query));

  query = lab_search_query_new ("0A1B2C");
  results = run (db, query);
  g_assert_cmpuint (results->sessions->len, ==, 1);
  g_assert_cmpstr (lab_search_hit_get_session_id (g_ptr_array_index (results->sessions, 0)), ==,
                   "0a1b2c3d-0000-7000-8000-000000000001");
}

static void
test_syntax_errors (LabTestStore  *store,
                    gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  const char *bad[] = { "attention AND", "\"unterminated phrase", "(attention", "*", "OR",
                        "NOT attention", "   ", "id:", NULL };

  add_fixture (db);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LabSearchQuery) query = lab_search_query_new (bad[i]);
      g_autoptr(LabSearchResults) results = lab_search_run (db, query, NULL, &error);

      g_assert_null (results);
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_QUERY_SYNTAX);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }

  /* The connection is still fine afterwards. */
  g_assert_cmpuint (n_messages (db, "attention"), ==, 3);
}

static void
test_snippets (LabTestStore  *store,
               gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("recall");
  g_autoptr(LabSearchResults) results = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  const char *snippet;

  add_fixture (db);
  results = run (db, query);
  g_assert_cmpuint (results->messages->len, ==, 1);
  snippet = lab_search_hit_get_snippet (g_ptr_array_index (results->messages, 0));
  g_assert_nonnull (strstr (snippet, LAB_SNIPPET_OPEN "recall" LAB_SNIPPET_CLOSE));

  /* The message's own angle brackets are escaped; only the match is bold. */
  markup = lab_snippet_to_markup (snippet);
  g_assert_nonnull (strstr (markup, "&lt;b&gt;<b>recall</b>&lt;/b&gt; &amp; precision"));
  plain = lab_snippet_replace_marks (snippet, "[", "]");
  g_assert_nonnull (strstr (plain, "<b>[recall]</b>"));
}

static void
test_translate (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "hello world", "hello world" },
    { "gpt-4 o'neil", "\"gpt-4\" \"o'neil\"" },
    { "optim* \"a b\"*", "optim* \"a b\"*" },
    { "a AND (b OR c)", "a AND ( b OR c )" },
    { "author:ada", "author:ada" },
    { "say \"he said \"\"x\"\"\"", "say \"he said \" \"x\" \"\"" },
    { "and or not", "and or not" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *fts = lab_search_translate (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (fts, ==, cases[i].out);
    }
}

static void
test_cancelled (LabTestStore  *store,
                gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LabSearchQuery) query = lab_search_query_new ("attention");
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSearchResults) results = NULL;

  add_fixture (db);
  g_cancellable_cancel (cancellable);
  results = lab_search_run (db, query, cancellable, &error);
  g_assert_null (results);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/store/search/" path, LabTestStore, NULL, lab_test_store_setup, func, \
              lab_test_store_teardown)

  ADD ("query-forms", test_query_forms);
  ADD ("newest-first-and-paging", test_newest_first_and_paging);
  ADD ("filters", test_filters);
  ADD ("sessions-and-ids", test_sessions_and_ids);
  ADD ("syntax-errors", test_syntax_errors);
  ADD ("snippets", test_snippets);
  ADD ("cancelled", test_cancelled);
  g_test_add_func ("/labdata/store/search/translate", test_translate);

  return g_test_run ();
}
