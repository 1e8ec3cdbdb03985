/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-error.h"
#include "lab-import.h"
#include "lab-legacy-json.h"
#include "lab-test-archive.h"
#include "lab-test-util.h"

/*
 * The JSON export of the browser persistence system (seed 004), imported
 * through the same preview and apply as archives.
 */

/* The shapes the seed describes: sessions with a state and a chat log id,
 * chat logs of messages (senderId, type, metadata with images), brains by
 * entity. Times as JavaScript milliseconds and as ISO text. */
static const char legacy_export[] =
  "{\n"
  "  \"version\": 1,\n"
  "  \"exportedAt\": 1767261600000,\n"
  "  \"sessions\": [\n"
  "    {\"id\": \"sess-1\", \"connectionId\": \"conn-9\", \"participants\": [\"player-1\", \"ai-7\"],\n"
  "     \"state\": \"archived\", \"title\": \"Tavern talk\", \"keywords\": [\"tavern\", \"quest\"],\n"
  "     \"createdAt\": 1767000000000, \"lastActivityAt\": 1767100000000, \"messageCount\": 3,\n"
  "     \"chatLogId\": \"log-1\"},\n"
  "    {\"id\": 42, \"participants\": [\"player-2\"], \"state\": \"inactive\", \"title\": \"Numbered\",\n"
  "     \"keywords\": [], \"createdAt\": \"2026-01-01T08:00:00.123456Z\"}\n"
  "  ],\n"
  "  \"chatLogs\": [\n"
  "    {\"id\": \"log-1\", \"messages\": [\n"
  "      {\"id\": \"msg-1\", \"senderId\": \"player-1\", \"content\": \"Any rumours of the dragon?\",\n"
  "       \"timestamp\": 1767000001000, \"type\": \"user\",\n"
  "       \"metadata\": {\"images\": [\"aGVsbG8=\"], \"commands\": [\"/look\"], \"context\": {\"room\": 3}}},\n"
  "      {\"id\": \"msg-2\", \"senderId\": \"ai-7\", \"content\": \"Only whispers, traveller.\",\n"
  "       \"timestamp\": 1767000002000, \"type\": \"assistant\"},\n"
  "      {\"senderId\": \"system\", \"content\": {\"event\": \"joined\"}, \"timestamp\": 1767000003000,\n"
  "       \"type\": \"system\"}\n"
  "    ]},\n"
  "    {\"sessionId\": 42, \"pinned\": true, \"messages\": [\n"
  "      {\"id\": \"msg-9\", \"senderId\": 7, \"content\": \"Hello\", \"type\": \"user\"}\n"
  "    ]}\n"
  "  ],\n"
  "  \"brains\": [\n"
  "    {\"entityId\": \"ai-7\", \"model\": \"llama\", \"memories\": [\"likes dragons\"], \"temperature\": 0.7}\n"
  "  ]\n"
  "}\n";

static char *
write_export (LabTestStore *store,
              const char   *contents)
{
  char *path = g_build_filename (store->tmp, "export.json", NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static char *
query_text (LabDb      *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = lab_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

#define ASSERT_QUERY(db, sql, expected) \
  G_STMT_START { \
    g_autofree char *value_ = query_text (db, sql); \
    g_assert_cmpstr (value_, ==, expected); \
  } G_STMT_END

static void
test_import (LabTestStore  *store,
             gconstpointer  data)
{
  g_autofree char *path = write_export (store, legacy_export);
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabImportCounts counts;
  LabDb *db = lab_test_store_open (store);

  g_assert_true (lab_legacy_json_detect (path));

  preview = lab_import_preview_load (db, path, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_import_preview_get_format (preview), ==, LAB_IMPORT_FORMAT_LEGACY_JSON);
  g_assert_cmpint (lab_import_preview_get_version (preview), ==, 1);
  g_assert_cmpstr (lab_import_preview_get_exported_at (preview), ==, "2026-01-01T10:00:00.000Z");
  lab_import_preview_get_counts (preview, "sessions", &counts);
  g_assert_cmpuint (counts.n_new, ==, 2);
  lab_import_preview_get_counts (preview, "messages", &counts);
  g_assert_cmpuint (counts.n_new, ==, 4);
  lab_import_preview_get_counts (preview, "brains", &counts);
  g_assert_cmpuint (counts.n_new, ==, 1);

  result = lab_import_preview_apply (preview, db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  lab_test_assert_fts_ok (db);

  /* Sessions: state → status and archived; the rest kept in metadata. */
  ASSERT_QUERY (db, "SELECT title || '|' || status || '|' || archived || '|' || imported FROM sessions"
                    " WHERE id = 'sess-1'", "Tavern talk|completed|1|1");
  ASSERT_QUERY (db, "SELECT participants || keywords FROM sessions WHERE id = 'sess-1'",
                "[\"player-1\",\"ai-7\"][\"tavern\",\"quest\"]");
  ASSERT_QUERY (db, "SELECT created_at || ' ' || last_activity_at FROM sessions WHERE id = 'sess-1'",
                "2025-12-29T09:20:00.000Z 2025-12-30T13:06:40.000Z");
  ASSERT_QUERY (db, "SELECT json_extract (metadata, '$.legacy.connectionId') || ' '"
                    " || json_extract (metadata, '$.legacy.chatLogId') || ' '"
                    " || json_extract (metadata, '$.legacy.messageCount') || ' '"
                    " || json_extract (metadata, '$.legacy.state') FROM sessions WHERE id = 'sess-1'",
                "conn-9 log-1 3 archived");
  /* A numeric id becomes text; an ISO time with microseconds is kept whole
   * in the metadata, since the column keeps milliseconds. */
  ASSERT_QUERY (db, "SELECT status || ' ' || created_at FROM sessions WHERE id = '42'",
                "paused 2026-01-01T08:00:00.123Z");
  ASSERT_QUERY (db, "SELECT json_extract (metadata, '$.legacy.createdAt') || ' '"
                    " || json_extract (metadata, '$.legacy.id') FROM sessions WHERE id = '42'",
                "2026-01-01T08:00:00.123456Z 42");

  /* Messages: in the chat log's order, with roles and authors. */
  ASSERT_QUERY (db, "SELECT group_concat (sequence || ':' || role || ':' || author, ' ') FROM"
                    " (SELECT * FROM messages WHERE session_id = 'sess-1' ORDER BY sequence)",
                "1:user:player-1 2:assistant:ai-7 3:system:system");
  ASSERT_QUERY (db, "SELECT json_extract (metadata, '$.legacy.metadata.images[0]') FROM messages"
                    " WHERE id = 'msg-1'", "aGVsbG8=");
  ASSERT_QUERY (db, "SELECT json_extract (metadata, '$.legacy.chat_log.id') FROM messages WHERE id = 'msg-1'",
                "log-1");
  /* A message without an id gets one from its place; content that is not
   * text is kept as JSON text, and as it was in the metadata. */
  ASSERT_QUERY (db, "SELECT id || ' ' || content FROM messages WHERE session_id = 'sess-1' AND sequence = 3",
                "log-1-3 {\"event\":\"joined\"}");
  ASSERT_QUERY (db, "SELECT author || ' ' || json_extract (metadata, '$.legacy.senderId') || ' '"
                    " || json_extract (metadata, '$.legacy.chat_log.pinned') FROM messages WHERE id = 'msg-9'",
                "7 7 1");

  /* Brains: the whole object is the data. */
  ASSERT_QUERY (db, "SELECT name || ' ' || model || ' ' || json_extract (data, '$.memories[0]')"
                    " || ' ' || updated_at FROM brains WHERE id = 'ai-7'",
                "ai-7 llama likes dragons 2026-01-01T10:00:00.000Z");

  /* The search finds the chat log. */
  g_assert_cmpint (lab_db_query_int64 (db, "SELECT count (*) FROM messages_fts WHERE messages_fts MATCH 'dragon'",
                                       NULL), ==, 1);
}

/* The same file twice: the second time finds everything identical. */
static void
test_twice (LabTestStore  *store,
            gconstpointer  data)
{
  g_autofree char *path = write_export (store, legacy_export);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  LabDb *db = lab_test_store_open (store);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(LabImportPreview) preview = lab_import_preview_load (db, path, NULL, NULL, NULL, NULL, &error);
      g_autoptr(LabImportResult) result = NULL;
      LabImportCounts totals;

      g_assert_no_error (error);
      lab_import_preview_get_totals (preview, &totals);
      if (i == 1)
        {
          g_assert_cmpuint (totals.n_new, ==, 0);
          g_assert_cmpuint (totals.n_conflicting, ==, 0);
          before = lab_test_db_digest (db);
        }
      result = lab_import_preview_apply (preview, db, LAB_IMPORT_REPLACE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }

  after = lab_test_db_digest (db);
  g_assert_cmpstr (before, ==, after);
}

typedef struct
{
  const char *name;
  const char *contents;
  int code;
} BadCase;

static const BadCase bad_cases[] = {
  { "not-json", "{\"version\": 1, \"sessions\": [", LAB_STORE_ERROR_INVALID },
  { "not-an-object", "[{\"sessions\": []}]", LAB_STORE_ERROR_INVALID },
  { "no-known-member", "{\"version\": 1, \"exportedAt\": 0, \"users\": []}", LAB_STORE_ERROR_INVALID },
  { "newer-version", "{\"version\": 2, \"exportedAt\": 0, \"sessions\": []}", LAB_STORE_ERROR_UNSUPPORTED },
  { "bad-version", "{\"version\": \"one\", \"sessions\": []}", LAB_STORE_ERROR_INVALID },
  { "sessions-not-list", "{\"version\": 1, \"sessions\": {}}", LAB_STORE_ERROR_INVALID },
  { "session-not-object", "{\"version\": 1, \"sessions\": [3]}", LAB_STORE_ERROR_INVALID },
  { "session-without-id", "{\"version\": 1, \"sessions\": [{\"createdAt\": 1}]}", LAB_STORE_ERROR_INVALID },
  { "session-without-time", "{\"version\": 1, \"sessions\": [{\"id\": \"s\"}]}", LAB_STORE_ERROR_INVALID },
  { "log-without-session", "{\"version\": 1, \"exportedAt\": 0, \"chatLogs\": [{\"messages\": []}]}",
    LAB_STORE_ERROR_INVALID },
  { "log-of-unknown-session", "{\"version\": 1, \"exportedAt\": 0,"
                              " \"chatLogs\": [{\"sessionId\": \"nobody\", \"messages\": [{\"content\": \"x\"}]}]}",
    LAB_STORE_ERROR_INVALID },
  { "log-without-messages", "{\"version\": 1, \"exportedAt\": 0, \"sessions\": [{\"id\": \"s\"}],"
                            " \"chatLogs\": [{\"sessionId\": \"s\"}]}", LAB_STORE_ERROR_INVALID },
  { "message-not-object", "{\"version\": 1, \"exportedAt\": 0, \"sessions\": [{\"id\": \"s\"}],"
                          " \"chatLogs\": [{\"sessionId\": \"s\", \"messages\": [\"hi\"]}]}", LAB_STORE_ERROR_INVALID },
  { "duplicate-session", "{\"version\": 1, \"exportedAt\": 0, \"sessions\": [{\"id\": \"s\"}, {\"id\": \"s\"}]}",
    LAB_STORE_ERROR_INVALID },
  { "bad-exported-at", "{\"version\": 1, \"exportedAt\": \"soon\", \"sessions\": []}", LAB_STORE_ERROR_INVALID },
  { "brain-without-id", "{\"version\": 1, \"exportedAt\": 0, \"brains\": [{\"model\": \"m\"}]}",
    LAB_STORE_ERROR_INVALID },
};

/* A bad file is refused with a clear message and the store is unchanged. */
static void
test_bad (LabTestStore  *store,
          gconstpointer  data)
{
  g_autofree char *before = NULL;

  lab_test_add_session (lab_test_store_open (store), "existing", "Existing", NULL);
  g_clear_object (&store->db);
  before = lab_test_tree_digest (store->root);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = write_export (store, bad_cases[i].contents);
      g_autoptr(LabImportPreview) preview = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *after = NULL;

      preview = lab_import_preview_load (lab_test_store_open (store), path, NULL, NULL, NULL, NULL, &error);
      g_test_message ("%s: %s", bad_cases[i].name, error ? error->message : "accepted");
      g_assert_null (preview);
      g_assert_error (error, LAB_STORE_ERROR, bad_cases[i].code);
      g_clear_object (&store->db);
      after = lab_test_tree_digest (store->root);
      g_assert_cmpstr (before, ==, after);
    }
}

static void
test_detect (LabTestStore  *store,
             gconstpointer  data)
{
  g_autofree char *legacy = write_export (store, legacy_export);
  g_autofree char *other = g_build_filename (store->tmp, "other.json", NULL);
  g_autofree char *archive = g_build_filename (store->tmp, "a.labdata", NULL);
  g_autoptr(LabTestArchive) valid = lab_test_archive_new_valid ();
  g_autoptr(GError) error = NULL;
  LabImportFormat format;

  g_assert_true (g_file_set_contents (other, "{\"name\": \"package.json\", \"version\": \"1.0\"}", -1, NULL));
  lab_test_archive_write (valid, archive);

  g_assert_true (lab_legacy_json_detect (legacy));
  g_assert_false (lab_legacy_json_detect (other));
  g_assert_false (lab_legacy_json_detect (archive));

  g_assert_true (lab_import_detect_format (legacy, &format, &error));
  g_assert_cmpint (format, ==, LAB_IMPORT_FORMAT_LEGACY_JSON);
  g_assert_true (lab_import_detect_format (archive, &format, &error));
  g_assert_cmpint (format, ==, LAB_IMPORT_FORMAT_ARCHIVE);
  g_assert_false (lab_import_detect_format (other, &format, &error));
  g_assert_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/labdata/store/legacy-json/" path, LabTestStore, NULL, \
                                  lab_test_store_setup, fn, lab_test_store_teardown)
  ADD ("import", test_import);
  ADD ("twice", test_twice);
  ADD ("bad", test_bad);
  ADD ("detect", test_detect);
#undef ADD

  return g_test_run ();
}
