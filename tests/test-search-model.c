/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lab-search-model.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* Search results grouped by session, paged, cancelled when the query changes,
 * and a bad query as a message. */

typedef struct
{
  LabTestStore store;
  LabStore *lab_store;
  LabSearchModel *model;
  GString *changes;
  guint n_finished;
} Fixture;

static void
finished_cb (LabSearchModel *model,
             Fixture        *fixture)
{
  fixture->n_finished++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  lab_test_store_setup (&fixture->store, data);
  lab_test_store_add_demo (&fixture->store, 40, 30, 5);
  fixture->lab_store = lab_store_new (fixture->store.dir);
  fixture->model = lab_search_model_new (fixture->lab_store);
  fixture->changes = g_string_new (NULL);
  lab_test_record_changes (G_LIST_MODEL (fixture->model), fixture->changes);
  g_signal_connect (fixture->model, "finished", G_CALLBACK (finished_cb), fixture);
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
finished_n (gpointer data)
{
  Fixture *fixture = data;

  return fixture->n_finished > 0 && !lab_search_model_get_searching (fixture->model);
}

static void
search (Fixture    *fixture,
        const char *text,
        guint       limit)
{
  g_autoptr(LabSearchQuery) query = lab_search_query_new (text);

  query->limit = limit;
  fixture->n_finished = 0;
  lab_search_model_set_query (fixture->model, query);
  g_assert_true (lab_search_model_get_searching (fixture->model));
  lab_test_wait_until (finished_n, fixture);
}

/* Every hit follows the header of its own session; no session twice. */
static void
assert_grouped (GListModel *model)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *current = NULL;
  gboolean in_sessions = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (LAB_IS_SEARCH_HEADER (item))
        {
          const char *id = lab_search_header_get_session_id (LAB_SEARCH_HEADER (item));

          g_assert_cmpuint (lab_search_header_get_n_hits (LAB_SEARCH_HEADER (item)), >, 0);
          in_sessions = id == NULL;
          g_clear_pointer (&current, g_free);
          if (id != NULL)
            {
              g_assert_false (g_hash_table_contains (seen, id));
              g_hash_table_add (seen, g_strdup (id));
              current = g_strdup (id);
            }
        }
      else
        {
          LabSearchHit *hit = LAB_SEARCH_HIT (item);

          g_assert_true (i > 0);
          if (in_sessions)
            g_assert_cmpint (lab_search_hit_get_kind (hit), ==, LAB_SEARCH_HIT_SESSION);
          else
            {
              g_assert_cmpint (lab_search_hit_get_kind (hit), ==, LAB_SEARCH_HIT_MESSAGE);
              g_assert_cmpstr (lab_search_hit_get_session_id (hit), ==, current);
            }
        }
    }
}

static guint
count_messages (GListModel *model)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (LAB_IS_SEARCH_HIT (item) &&
          lab_search_hit_get_kind (LAB_SEARCH_HIT (item)) == LAB_SEARCH_HIT_MESSAGE)
        n++;
    }

  return n;
}

static void
test_grouped_and_paged (Fixture       *fixture,
                        gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->model);
  g_autoptr(GObject) first = NULL;
  guint n_before;

  search (fixture, "the", 15);
  g_assert_null (lab_search_model_get_error_message (fixture->model));
  g_assert_cmpuint (count_messages (model), ==, 15);
  g_assert_true (lab_search_model_get_has_more (fixture->model));
  assert_grouped (model);
  g_assert_cmpstr (fixture->changes->str, !=, "");

  /* The next page joins the groups; rows before the first change stay. */
  first = g_list_model_get_item (model, 0);
  n_before = g_list_model_get_n_items (model);
  g_string_truncate (fixture->changes, 0);
  fixture->n_finished = 0;
  lab_search_model_load_more (fixture->model);
  lab_test_wait_until (finished_n, fixture);

  g_assert_cmpuint (count_messages (model), ==, 30);
  g_assert_cmpuint (lab_search_model_get_n_hits (fixture->model), >=, 30);
  assert_grouped (model);
  {
    g_autoptr(GObject) still_first = g_list_model_get_item (model, 0);
    guint position, removed, added;

    g_assert_true (still_first == first);
    /* Exactly one change, and it accounts for the new rows. */
    g_assert_cmpint (sscanf (fixture->changes->str, "%u-%u+%u;", &position, &removed, &added),
                     ==, 3);
    g_assert_null (strchr (strchr (fixture->changes->str, ';') + 1, ';'));
    g_assert_cmpuint (position, >, 0);
    g_assert_cmpuint (n_before - removed + added, ==, g_list_model_get_n_items (model));
  }
}

static void
test_query_replaced (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LabSearchQuery) first = lab_search_query_new ("calibration");
  g_autoptr(LabSearchQuery) second = lab_search_query_new ("\"sparse attention\"");

  /* Typed on before the first answer came: only the second shows. */
  lab_search_model_set_query (fixture->model, first);
  lab_search_model_set_query (fixture->model, second);
  lab_test_wait_until (finished_n, fixture);
  lab_test_drain_store (fixture->lab_store);

  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_cmpstr (lab_search_model_get_query (fixture->model)->text, ==, "\"sparse attention\"");

  /* Clearing the text clears the results. */
  lab_search_model_set_query (fixture->model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, 0);
  g_assert_false (lab_search_model_get_searching (fixture->model));
}

static void
test_bad_syntax (Fixture       *fixture,
                 gconstpointer  data)
{
  search (fixture, "calibration", 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), >, 0);

  search (fixture, "\"unclosed phrase", 10);
  g_assert_nonnull (lab_search_model_get_error_message (fixture->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->model)), ==, 0);

  /* The next good query clears the message. */
  search (fixture, "calibration", 10);
  g_assert_null (lab_search_model_get_error_message (fixture->model));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/labdata/gui/search-model/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("grouped-and-paged", test_grouped_and_paged);
  ADD ("query-replaced", test_query_replaced);
  ADD ("bad-syntax", test_bad_syntax);

  return g_test_run ();
}
