/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-row.h"
#include "lab-search.h"
#include "lab-test-util.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static guint
count_hits (LabDb      *db,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabSearchQuery) query = lab_search_query_new (text);
  g_autoptr(LabSearchResults) results = NULL;

  query->session_limit = 0;
  query->limit = 1000;
  results = lab_search_run (db, query, NULL, &error);
  g_assert_no_error (error);
  return results->messages->len;
}

static void
test_insert_fetch (LabTestStore  *store,
                   gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  const LabTableInfo *sessions = lab_schema_get_table ("sessions");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = parse_object (
    "{\"id\": \"s1\", \"title\": \"Ünïcode \\\"quoted\\\"\\ttitle\", \"research_question\": \"Why?\","
    " \"status\": \"active\", \"participants\": [\"Ada\", \"Planner\"], \"keywords\": [\"k\"],"
    " \"starred\": true, \"created_at\": \"2026-01-02T03:04:05.678Z\","
    " \"updated_at\": \"2026-01-02 03:04:05.678\", \"last_activity_at\": \"2026-01-02T03:04:05.678+00:00\","
    " \"cost\": 1.5, \"config\": {\"temperature\": 0.5, \"nested\": [1, {\"a\": null}]}}");
  g_autoptr(JsonObject) stored = NULL;

  g_assert_true (lab_row_insert (db, sessions, row, FALSE, &error));
  g_assert_no_error (error);

  stored = lab_row_fetch (db, sessions, row, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (lab_row_equal (sessions, row, stored) == FALSE); /* defaults filled in */
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "Ünïcode \"quoted\"\ttitle");
  g_assert_cmpstr (json_object_get_string_member (stored, "updated_at"), ==, "2026-01-02T03:04:05.678Z");
  g_assert_true (json_object_get_boolean_member (stored, "starred"));
  g_assert_false (json_object_get_boolean_member (stored, "archived"));
  g_assert_cmpstr (json_object_get_string_member (stored, "branch_name"), ==, "main");
  g_assert_true (json_object_get_null_member (stored, "parent_session_id"));
  g_assert_cmpfloat (json_object_get_double_member (stored, "cost"), ==, 1.5);
  g_assert_true (json_node_equal (json_object_get_member (row, "config"),
                                  json_object_get_member (stored, "config")));

  /* Reading back and re-inserting what was read is lossless. */
  {
    g_autoptr(JsonObject) again = NULL;

    g_assert_true (lab_row_validate (sessions, stored, LAB_ROW_FLAGS_NONE, &error));
    g_assert_true (lab_row_insert (db, sessions, stored, TRUE, &error));
    g_assert_no_error (error);
    again = lab_row_fetch (db, sessions, stored, &error);
    g_assert_true (lab_row_equal (sessions, stored, again));
  }
}

static void
test_validation (void)
{
  const LabTableInfo *messages = lab_schema_get_table ("messages");
  const char *bad[] = {
    /* missing required */
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"2026-01-01\"}",
    /* wrong types */
    "{\"id\": 5, \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"2026-01-01\", \"role\": \"user\"}",
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": \"1\", \"created_at\": \"2026-01-01\", \"role\": \"user\"}",
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1.5, \"created_at\": \"2026-01-01\", \"role\": \"user\"}",
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"soon\", \"role\": \"user\"}",
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"2026-01-01\", \"role\": null}",
    /* unknown field, and the internal key is not an input */
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"2026-01-01\", \"role\": \"user\", \"x\": 1}",
    "{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1, \"created_at\": \"2026-01-01\", \"role\": \"user\", \"message_no\": 1}",
    NULL
  };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) row = parse_object (bad[i]);

      g_assert_false (lab_row_validate (messages, row, LAB_ROW_FLAGS_NONE, &error));
      g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) row = parse_object ("{\"id\": \"s\", \"created_at\": \"2026-01-01\","
                                              " \"updated_at\": \"2026-01-01\", \"last_activity_at\": \"2026-01-01\","
                                              " \"participants\": [\"a\", 3]}");

    g_assert_false (lab_row_validate (lab_schema_get_table ("sessions"), row, LAB_ROW_FLAGS_NONE, &error));
    g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) row = parse_object ("{\"id\": \"m\", \"session_id\": \"s\", \"sequence\": 1,"
                                              " \"created_at\": \"2026-01-01\", \"role\": \"user\", \"x\": 1}");

    g_assert_true (lab_row_validate (messages, row, LAB_ROW_FLAGS_ALLOW_UNKNOWN, &error));
    g_assert_no_error (error);
  }
}

static void
test_fts_follows_changes (LabTestStore  *store,
                          gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;

  lab_test_add_session (db, "s1", "Ocean heat", NULL);
  lab_test_add_session (db, "s2", "Soil carbon", NULL);
  lab_test_add_message (db, "s1", 1, "user", "Ada", "thermocline depth estimates");
  lab_test_add_message (db, "s1", 2, "assistant", "Planner", "the thermocline moved");
  lab_test_add_message (db, "s2", 1, "user", "Ravi", "carbon flux");
  lab_test_assert_fts_ok (db);
  g_assert_cmpuint (count_hits (db, "thermocline"), ==, 2);
  g_assert_cmpuint (count_hits (db, "Ravi"), ==, 1);

  /* Update */
  lab_db_exec (db, "UPDATE messages SET content = 'halocline depth' WHERE id = 's1-m1'", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (db, "thermocline"), ==, 1);
  g_assert_cmpuint (count_hits (db, "halocline"), ==, 1);
  lab_test_assert_fts_ok (db);

  /* Upsert through the row API updates in place. */
  {
    g_autoptr(JsonObject) row = parse_object ("{\"id\": \"s2-m1\", \"session_id\": \"s2\", \"sequence\": 1,"
                                              " \"created_at\": \"2026-01-01\", \"role\": \"user\","
                                              " \"author\": \"Ravi\", \"content\": \"nitrogen flux\"}");

    g_assert_true (lab_row_insert (db, lab_schema_get_table ("messages"), row, TRUE, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_hits (db, "carbon"), ==, 0);
    g_assert_cmpuint (count_hits (db, "nitrogen"), ==, 1);
  }

  /* Delete */
  lab_db_exec (db, "DELETE FROM messages WHERE id = 's1-m2'", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (db, "thermocline"), ==, 0);
  lab_test_assert_fts_ok (db);

  /* Deleting a session removes its messages and their index entries. */
  lab_db_exec (db, "DELETE FROM sessions WHERE id = 's2'", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_hits (db, "nitrogen"), ==, 0);
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count(*) FROM messages WHERE session_id = 's2'",
                                       &error), ==, 0);
  lab_test_assert_fts_ok (db);

  /* Session titles are indexed and follow updates too. */
  lab_db_exec (db, "UPDATE sessions SET title = 'Deep ocean heat' WHERE id = 's1'", &error);
  {
    g_autoptr(LabSearchQuery) query = lab_search_query_new ("deep");
    g_autoptr(LabSearchResults) results = lab_search_run (db, query, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (results->sessions->len, ==, 1);
  }
  lab_test_assert_fts_ok (db);
}

static void
test_bulk_insert (LabTestStore  *store,
                  gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  g_autoptr(GError) error = NULL;
  g_autofree char *flag = NULL;

  lab_test_add_session (db, "s1", "Bulk", NULL);
  lab_test_add_message (db, "s1", 1, "user", "Ada", "before the bulk insert");

  g_assert_true (lab_db_begin (db, &error));
  g_assert_true (lab_db_begin_bulk (db, &error));
  for (int i = 2; i < 200; i++)
    lab_test_add_message (db, "s1", i, "assistant", "Planner", "gravitational lensing residuals");
  g_assert_true (lab_db_end_bulk (db, &error));
  g_assert_true (lab_db_commit (db, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (count_hits (db, "lensing"), ==, 198);
  g_assert_cmpuint (count_hits (db, "bulk"), ==, 1);
  flag = lab_db_get_meta (db, "fts_deferred");
  g_assert_null (flag);
  lab_test_assert_fts_ok (db);

  /* A bulk insert rolled back leaves neither rows nor the flag. */
  g_assert_true (lab_db_begin (db, &error));
  g_assert_true (lab_db_begin_bulk (db, &error));
  lab_test_add_message (db, "s1", 500, "assistant", "Planner", "discarded");
  lab_db_rollback (db);
  lab_db_abandon_bulk (db);
  g_assert_cmpuint (count_hits (db, "discarded"), ==, 0);
  lab_test_add_message (db, "s1", 501, "assistant", "Planner", "indexed again");
  g_assert_cmpuint (count_hits (db, "indexed"), ==, 1);
  lab_test_assert_fts_ok (db);
}

static void
test_json_text (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  lab_json_append_string (out, "a\"b\\c\n\x01\xc3\xa9\xff", -1);
  node = json_from_string (out->str, NULL);
  g_assert_nonnull (node);
  /* Invalid UTF-8 is replaced, never copied into JSON. */
  g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
  g_assert_true (g_str_has_prefix (json_node_get_string (node), "a\"b\\c\n\x01\xc3\xa9"));
}

/* Numbers keep their text: what goes in as 0.9 is stored and exported as
 * 0.9, and every double still reads back exactly. */
static void
test_json_numbers (void)
{
  static const double values[] = { 0.9, 0.1 + 0.2, 1.5, -2.0, 1e300, 5e-324, 123456789.125 };
  static const char *const nodes[][2] = {
    { "{\"t\":0.9,\"n\":[1,-2,3.0,true,null],\"s\":\"\\u00e9\\n\"}",
      "{\"t\":0.9,\"n\":[1,-2,3.0,true,null],\"s\":\"\u00e9\\n\"}" },
    { "{\"b\":1,\"a\":{\"z\":0.30000000000000004}}",
      "{\"b\":1,\"a\":{\"z\":0.30000000000000004}}" },
    { "[]", "[]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);

      lab_json_append_double (out, values[i]);
      g_assert_cmpfloat (g_ascii_strtod (out->str, NULL), ==, values[i]);
      g_assert_nonnull (strpbrk (out->str, ".eE"));
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);

    lab_json_append_double (out, 0.9);
    g_assert_cmpstr (out->str, ==, "0.9");
  }

  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (nodes[i][0], &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = lab_json_to_string (node);
      g_assert_cmpstr (text, ==, nodes[i][1]);
    }

  /* The CLI's --json output: the same numbers, a member or element a line. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
      json_from_string ("{\"seconds\":0.9,\"list\":[1,{\"a\":[]}],\"empty\":{}}", &error);
    g_autoptr(JsonNode) back = NULL;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = lab_json_to_pretty_text (node);
    g_assert_cmpstr (text, ==,
                     "{\n"
                     "  \"seconds\" : 0.9,\n"
                     "  \"list\" : [\n"
                     "    1,\n"
                     "    {\n"
                     "      \"a\" : []\n"
                     "    }\n"
                     "  ],\n"
                     "  \"empty\" : {}\n"
                     "}");
    back = json_from_string (text, &error);
    g_assert_no_error (error);
    g_assert_true (json_node_equal (node, back));
  }
}

/* A JSON column's text survives a bind unchanged (json-glib's own printer
 * would turn 0.9 into 0.90000000000000002). */
static void
test_json_column_text (LabTestStore  *store,
                       gconstpointer  data)
{
  LabDb *db = lab_test_store_open (store);
  const LabTableInfo *sessions = lab_schema_get_table ("sessions");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = parse_object (
    "{\"id\": \"s1\", \"title\": \"T\", \"created_at\": \"2026-01-02T03:04:05Z\","
    " \"updated_at\": \"2026-01-02T03:04:05Z\", \"last_activity_at\": \"2026-01-02T03:04:05Z\","
    " \"cost\": 0.9, \"config\": {\"temperature\": 0.9, \"top_p\": 0.95}}");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_assert_true (lab_row_insert (db, sessions, row, FALSE, &error));
  g_assert_no_error (error);

  stmt = lab_db_prepare (db, "SELECT config, cost FROM sessions WHERE id = 's1'", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                   "{\"temperature\":0.9,\"top_p\":0.95}");
  g_assert_cmpfloat (sqlite3_column_double (stmt, 1), ==, 0.9);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/labdata/store/rows/insert-fetch", LabTestStore, NULL,
              lab_test_store_setup, test_insert_fetch, lab_test_store_teardown);
  g_test_add_func ("/labdata/store/rows/validation", test_validation);
  g_test_add ("/labdata/store/rows/fts-follows-changes", LabTestStore, NULL,
              lab_test_store_setup, test_fts_follows_changes, lab_test_store_teardown);
  g_test_add ("/labdata/store/rows/bulk-insert", LabTestStore, NULL,
              lab_test_store_setup, test_bulk_insert, lab_test_store_teardown);
  g_test_add_func ("/labdata/store/rows/json-text", test_json_text);
  g_test_add_func ("/labdata/store/rows/json-numbers", test_json_numbers);
  g_test_add ("/labdata/store/rows/json-column-text", LabTestStore, NULL,
              lab_test_store_setup, test_json_column_text, lab_test_store_teardown);

  return g_test_run ();
}
