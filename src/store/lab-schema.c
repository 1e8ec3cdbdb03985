/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-schema"

#include "config.h"

#include "lab-schema.h"

/*
 * Numbered migrations. Migration N takes a database at user_version N-1 to N.
 * A migration is never edited once released: a change is a new migration,
 * tested from a real file of the version before it (tests/test-migrations.c).
 */

/* Version 1: the tables. */
static const char migration_1[] =
  "PRAGMA application_id = 1279345220;\n"  /* LAB_APPLICATION_ID */
  "CREATE TABLE sessions (\n"
  "  session_no INTEGER PRIMARY KEY,\n"
  "  id TEXT NOT NULL UNIQUE,\n"
  "  title TEXT NOT NULL DEFAULT '',\n"
  "  research_question TEXT NOT NULL DEFAULT '',\n"
  "  status TEXT NOT NULL DEFAULT 'active',\n"
  "  model TEXT NOT NULL DEFAULT '',\n"
  "  provider TEXT NOT NULL DEFAULT '',\n"
  "  participants TEXT NOT NULL DEFAULT '[]' CHECK (json_valid (participants)),\n"
  "  keywords TEXT NOT NULL DEFAULT '[]' CHECK (json_valid (keywords)),\n"
  "  starred INTEGER NOT NULL DEFAULT 0,\n"
  "  archived INTEGER NOT NULL DEFAULT 0,\n"
  "  imported INTEGER NOT NULL DEFAULT 0,\n"
  "  parent_session_id TEXT REFERENCES sessions (id) ON DELETE SET NULL,\n"
  "  branch_name TEXT NOT NULL DEFAULT 'main',\n"
  "  branch_point INTEGER,\n"
  "  created_at TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL,\n"
  "  last_activity_at TEXT NOT NULL,\n"
  "  prompt_tokens INTEGER NOT NULL DEFAULT 0,\n"
  "  completion_tokens INTEGER NOT NULL DEFAULT 0,\n"
  "  cost REAL NOT NULL DEFAULT 0,\n"
  "  config TEXT CHECK (config IS NULL OR json_valid (config)),\n"
  "  results TEXT CHECK (results IS NULL OR json_valid (results)),\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata))\n"
  ");\n"
  "CREATE INDEX sessions_last_activity ON sessions (last_activity_at);\n"
  "CREATE INDEX sessions_created ON sessions (created_at);\n"
  "CREATE INDEX sessions_title ON sessions (title COLLATE NOCASE);\n"
  "CREATE INDEX sessions_parent ON sessions (parent_session_id);\n"
  "\n"
  "CREATE TABLE messages (\n"
  "  message_no INTEGER PRIMARY KEY,\n"
  "  id TEXT NOT NULL UNIQUE,\n"
  "  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  sequence INTEGER NOT NULL,\n"
  "  created_at TEXT NOT NULL,\n"
  "  role TEXT NOT NULL,\n"
  "  author TEXT NOT NULL DEFAULT '',\n"
  "  content TEXT NOT NULL DEFAULT '',\n"
  "  prompt_tokens INTEGER NOT NULL DEFAULT 0,\n"
  "  completion_tokens INTEGER NOT NULL DEFAULT 0,\n"
  "  tool_calls TEXT CHECK (tool_calls IS NULL OR json_valid (tool_calls)),\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata)),\n"
  "  UNIQUE (session_id, sequence)\n"
  ");\n"
  "\n"
  "CREATE TABLE metrics (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  timestamp TEXT NOT NULL,\n"
  "  cpu_usage REAL,\n"
  "  memory_usage REAL,\n"
  "  active_agents INTEGER,\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata))\n"
  ");\n"
  "CREATE INDEX metrics_session ON metrics (session_id, timestamp);\n"
  "\n"
  "CREATE TABLE agent_activity (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  agent_id TEXT NOT NULL DEFAULT '',\n"
  "  timestamp TEXT NOT NULL,\n"
  "  activity_type TEXT NOT NULL DEFAULT '',\n"
  "  message TEXT NOT NULL DEFAULT '',\n"
  "  status TEXT NOT NULL DEFAULT '',\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata))\n"
  ");\n"
  "CREATE INDEX agent_activity_session ON agent_activity (session_id, timestamp);\n"
  "\n"
  "CREATE TABLE meetings (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  timestamp TEXT NOT NULL,\n"
  "  topic TEXT NOT NULL DEFAULT '',\n"
  "  participants TEXT NOT NULL DEFAULT '[]' CHECK (json_valid (participants)),\n"
  "  agenda TEXT CHECK (agenda IS NULL OR json_valid (agenda)),\n"
  "  transcript TEXT NOT NULL DEFAULT '',\n"
  "  outcomes TEXT CHECK (outcomes IS NULL OR json_valid (outcomes)),\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata))\n"
  ");\n"
  "CREATE INDEX meetings_session ON meetings (session_id, timestamp);\n"
  "\n"
  "CREATE TABLE snapshots (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  timestamp TEXT NOT NULL,\n"
  "  type TEXT NOT NULL DEFAULT 'auto',\n"
  "  trigger TEXT CHECK (trigger IS NULL OR json_valid (trigger)),\n"
  "  description TEXT NOT NULL DEFAULT '',\n"
  "  starred INTEGER NOT NULL DEFAULT 0,\n"
  "  size_bytes INTEGER NOT NULL DEFAULT 0,\n"
  "  state_json TEXT CHECK (state_json IS NULL OR json_valid (state_json)),\n"
  "  summary_json TEXT CHECK (summary_json IS NULL OR json_valid (summary_json))\n"
  ");\n"
  "CREATE INDEX snapshots_session ON snapshots (session_id, timestamp);\n"
  "CREATE INDEX snapshots_timestamp ON snapshots (timestamp);\n"
  "\n"
  "CREATE TABLE analytics (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  timestamp TEXT NOT NULL,\n"
  "  event_type TEXT NOT NULL,\n"
  "  model TEXT,\n"
  "  prompt_tokens INTEGER,\n"
  "  completion_tokens INTEGER,\n"
  "  cost REAL,\n"
  "  duration_ms INTEGER,\n"
  "  metadata TEXT CHECK (metadata IS NULL OR json_valid (metadata))\n"
  ");\n"
  "CREATE INDEX analytics_session ON analytics (session_id, timestamp);\n"
  "CREATE INDEX analytics_timestamp ON analytics (timestamp);\n"
  "\n"
  "CREATE TABLE workspace_files (\n"
  "  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,\n"
  "  path TEXT NOT NULL,\n"
  "  size INTEGER NOT NULL DEFAULT 0,\n"
  "  sha256 TEXT,\n"
  "  modified_at TEXT NOT NULL,\n"
  "  PRIMARY KEY (session_id, path)\n"
  ");\n"
  "\n"
  "CREATE TABLE brains (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  name TEXT NOT NULL DEFAULT '',\n"
  "  model TEXT NOT NULL DEFAULT '',\n"
  "  data TEXT CHECK (data IS NULL OR json_valid (data)),\n"
  "  updated_at TEXT NOT NULL\n"
  ");\n"
  "\n"
  "CREATE TABLE store_meta (\n"
  "  key TEXT PRIMARY KEY,\n"
  "  value TEXT\n"
  ");\n";

/* Version 2: full-text search over messages and sessions, external-content FTS5
 * tables kept in step with their tables by triggers. The rebuild fills them
 * from rows written at version 1.
 *
 * FTS5 (3.40) pays a large fixed cost for each statement that writes to it, so
 * a bulk writer (demo, import, migration) may defer indexing of the messages it
 * inserts: inside its own transaction it sets store_meta 'fts_deferred', and
 * before committing indexes the new rows in one statement and clears the flag
 * (lab_db_begin_bulk/end_bulk). Other connections never see the flag set. */
static const char migration_2[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (\n"
  "  content, author,\n"
  "  content = 'messages', content_rowid = 'message_no',\n"
  "  tokenize = 'unicode61 remove_diacritics 2'\n"
  ");\n"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM store_meta WHERE key = 'fts_deferred') BEGIN\n"
  "  INSERT INTO messages_fts (rowid, content, author)\n"
  "    VALUES (new.message_no, new.content, new.author);\n"
  "END;\n"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN\n"
  "  INSERT INTO messages_fts (messages_fts, rowid, content, author)\n"
  "    VALUES ('delete', old.message_no, old.content, old.author);\n"
  "END;\n"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, author, message_no ON messages BEGIN\n"
  "  INSERT INTO messages_fts (messages_fts, rowid, content, author)\n"
  "    VALUES ('delete', old.message_no, old.content, old.author);\n"
  "  INSERT INTO messages_fts (rowid, content, author)\n"
  "    VALUES (new.message_no, new.content, new.author);\n"
  "END;\n"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');\n"
  "\n"
  "CREATE VIRTUAL TABLE sessions_fts USING fts5 (\n"
  "  title, research_question, keywords,\n"
  "  content = 'sessions', content_rowid = 'session_no',\n"
  "  tokenize = 'unicode61 remove_diacritics 2'\n"
  ");\n"
  "CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN\n"
  "  INSERT INTO sessions_fts (rowid, title, research_question, keywords)\n"
  "    VALUES (new.session_no, new.title, new.research_question, new.keywords);\n"
  "END;\n"
  "CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN\n"
  "  INSERT INTO sessions_fts (sessions_fts, rowid, title, research_question, keywords)\n"
  "    VALUES ('delete', old.session_no, old.title, old.research_question, old.keywords);\n"
  "END;\n"
  "CREATE TRIGGER sessions_fts_update\n"
  "  AFTER UPDATE OF title, research_question, keywords, session_no ON sessions BEGIN\n"
  "  INSERT INTO sessions_fts (sessions_fts, rowid, title, research_question, keywords)\n"
  "    VALUES ('delete', old.session_no, old.title, old.research_question, old.keywords);\n"
  "  INSERT INTO sessions_fts (rowid, title, research_question, keywords)\n"
  "    VALUES (new.session_no, new.title, new.research_question, new.keywords);\n"
  "END;\n"
  "INSERT INTO sessions_fts (sessions_fts) VALUES ('rebuild');\n";

static const char * const migrations[] = {
  migration_1,
  migration_2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == LAB_SCHEMA_VERSION);

int
lab_schema_get_n_migrations (void)
{
  return G_N_ELEMENTS (migrations);
}

/**
 * lab_schema_migrate:
 * @db: an open connection
 * @from_version: the database's current user_version
 * @to_version: the version wanted, at most %LAB_SCHEMA_VERSION
 * @errmsg: (out) (transfer full): SQLite's message on failure, free with g_free()
 *
 * Runs the migrations from @from_version + 1 to @to_version. Each one runs in its
 * own transaction together with its user_version update, so a failure or a crash
 * leaves the database at the last version that completed.
 */
gboolean
lab_schema_migrate (sqlite3  *db,
                    int       from_version,
                    int       to_version,
                    char    **errmsg)
{
  g_return_val_if_fail (from_version >= 0, FALSE);
  g_return_val_if_fail (to_version <= LAB_SCHEMA_VERSION, FALSE);

  for (int v = from_version + 1; v <= to_version; v++)
    {
      g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE;\n%s\nPRAGMA user_version = %d;\n",
                                              migrations[v - 1], v);
      char *sqlite_msg = NULL;

      if (sqlite3_exec (db, sql, NULL, NULL, &sqlite_msg) != SQLITE_OK)
        {
          *errmsg = g_strdup_printf ("migration %d: %s", v, sqlite_msg ? sqlite_msg : "unknown error");
          sqlite3_free (sqlite_msg);
          if (!sqlite3_get_autocommit (db))
            sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      if (sqlite3_exec (db, "COMMIT", NULL, NULL, &sqlite_msg) != SQLITE_OK)
        {
          *errmsg = g_strdup_printf ("migration %d: %s", v, sqlite_msg ? sqlite_msg : "unknown error");
          sqlite3_free (sqlite_msg);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * The table descriptions below are the contract shared by export, import,
 * migration and restore of chosen sessions: which columns each table has, their
 * types, which are required and which name a session. tests/test-schema.c checks
 * them against the real tables.
 */

#define REQ LAB_COLUMN_FLAG_REQUIRED
#define NUL LAB_COLUMN_FLAG_NULLABLE
#define KEY LAB_COLUMN_FLAG_KEY
#define INTERNAL LAB_COLUMN_FLAG_INTERNAL

static const LabColumnInfo sessions_columns[] = {
  { "session_no", LAB_COLUMN_INTEGER, INTERNAL, NULL },
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "title", LAB_COLUMN_TEXT, 0, NULL },
  { "research_question", LAB_COLUMN_TEXT, 0, NULL },
  { "status", LAB_COLUMN_TEXT, 0, NULL },
  { "model", LAB_COLUMN_TEXT, 0, NULL },
  { "provider", LAB_COLUMN_TEXT, 0, NULL },
  { "participants", LAB_COLUMN_JSON, 0, NULL },
  { "keywords", LAB_COLUMN_JSON, 0, NULL },
  { "starred", LAB_COLUMN_BOOLEAN, 0, NULL },
  { "archived", LAB_COLUMN_BOOLEAN, 0, NULL },
  { "imported", LAB_COLUMN_BOOLEAN, 0, NULL },
  { "parent_session_id", LAB_COLUMN_TEXT, NUL, "sessions" },
  { "branch_name", LAB_COLUMN_TEXT, 0, NULL },
  { "branch_point", LAB_COLUMN_INTEGER, NUL, NULL },
  { "created_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "updated_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "last_activity_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "prompt_tokens", LAB_COLUMN_INTEGER, 0, NULL },
  { "completion_tokens", LAB_COLUMN_INTEGER, 0, NULL },
  { "cost", LAB_COLUMN_REAL, 0, NULL },
  { "config", LAB_COLUMN_JSON, NUL, NULL },
  { "results", LAB_COLUMN_JSON, NUL, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo messages_columns[] = {
  { "message_no", LAB_COLUMN_INTEGER, INTERNAL, NULL },
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, REQ, "sessions" },
  { "sequence", LAB_COLUMN_INTEGER, REQ, NULL },
  { "created_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "role", LAB_COLUMN_TEXT, REQ, NULL },
  { "author", LAB_COLUMN_TEXT, 0, NULL },
  { "content", LAB_COLUMN_TEXT, 0, NULL },
  { "prompt_tokens", LAB_COLUMN_INTEGER, 0, NULL },
  { "completion_tokens", LAB_COLUMN_INTEGER, 0, NULL },
  { "tool_calls", LAB_COLUMN_JSON, NUL, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo metrics_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, NUL, "sessions" },
  { "timestamp", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "cpu_usage", LAB_COLUMN_REAL, NUL, NULL },
  { "memory_usage", LAB_COLUMN_REAL, NUL, NULL },
  { "active_agents", LAB_COLUMN_INTEGER, NUL, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo agent_activity_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, REQ, "sessions" },
  { "agent_id", LAB_COLUMN_TEXT, 0, NULL },
  { "timestamp", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "activity_type", LAB_COLUMN_TEXT, 0, NULL },
  { "message", LAB_COLUMN_TEXT, 0, NULL },
  { "status", LAB_COLUMN_TEXT, 0, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo meetings_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, REQ, "sessions" },
  { "timestamp", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "topic", LAB_COLUMN_TEXT, 0, NULL },
  { "participants", LAB_COLUMN_JSON, 0, NULL },
  { "agenda", LAB_COLUMN_JSON, NUL, NULL },
  { "transcript", LAB_COLUMN_TEXT, 0, NULL },
  { "outcomes", LAB_COLUMN_JSON, NUL, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo snapshots_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, NUL, "sessions" },
  { "timestamp", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "type", LAB_COLUMN_TEXT, 0, NULL },
  { "trigger", LAB_COLUMN_JSON, NUL, NULL },
  { "description", LAB_COLUMN_TEXT, 0, NULL },
  { "starred", LAB_COLUMN_BOOLEAN, 0, NULL },
  { "size_bytes", LAB_COLUMN_INTEGER, 0, NULL },
  { "state_json", LAB_COLUMN_JSON, NUL, NULL },
  { "summary_json", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo analytics_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "session_id", LAB_COLUMN_TEXT, NUL, "sessions" },
  { "timestamp", LAB_COLUMN_TIMESTAMP, REQ, NULL },
  { "event_type", LAB_COLUMN_TEXT, REQ, NULL },
  { "model", LAB_COLUMN_TEXT, NUL, NULL },
  { "prompt_tokens", LAB_COLUMN_INTEGER, NUL, NULL },
  { "completion_tokens", LAB_COLUMN_INTEGER, NUL, NULL },
  { "cost", LAB_COLUMN_REAL, NUL, NULL },
  { "duration_ms", LAB_COLUMN_INTEGER, NUL, NULL },
  { "metadata", LAB_COLUMN_JSON, NUL, NULL },
};

static const LabColumnInfo workspace_files_columns[] = {
  { "session_id", LAB_COLUMN_TEXT, REQ | KEY, "sessions" },
  { "path", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "size", LAB_COLUMN_INTEGER, 0, NULL },
  { "sha256", LAB_COLUMN_TEXT, NUL, NULL },
  { "modified_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
};

static const LabColumnInfo brains_columns[] = {
  { "id", LAB_COLUMN_TEXT, REQ | KEY, NULL },
  { "name", LAB_COLUMN_TEXT, 0, NULL },
  { "model", LAB_COLUMN_TEXT, 0, NULL },
  { "data", LAB_COLUMN_JSON, NUL, NULL },
  { "updated_at", LAB_COLUMN_TIMESTAMP, REQ, NULL },
};

/* In dependency order: a table comes after the tables it references. */
static const LabTableInfo tables[] = {
  { "sessions", sessions_columns, G_N_ELEMENTS (sessions_columns), "id", "last_activity_at" },
  { "messages", messages_columns, G_N_ELEMENTS (messages_columns), "session_id", "created_at" },
  { "metrics", metrics_columns, G_N_ELEMENTS (metrics_columns), "session_id", "timestamp" },
  { "agent_activity", agent_activity_columns, G_N_ELEMENTS (agent_activity_columns), "session_id", "timestamp" },
  { "meetings", meetings_columns, G_N_ELEMENTS (meetings_columns), "session_id", "timestamp" },
  { "snapshots", snapshots_columns, G_N_ELEMENTS (snapshots_columns), "session_id", "timestamp" },
  { "analytics", analytics_columns, G_N_ELEMENTS (analytics_columns), "session_id", "timestamp" },
  { "workspace_files", workspace_files_columns, G_N_ELEMENTS (workspace_files_columns), "session_id", "modified_at" },
  { "brains", brains_columns, G_N_ELEMENTS (brains_columns), NULL, "updated_at" },
};

/**
 * lab_schema_get_tables:
 * @n_tables: (out): the number of tables
 *
 * Returns: (transfer none): the data tables, parents before children
 */
const LabTableInfo *
lab_schema_get_tables (guint *n_tables)
{
  *n_tables = G_N_ELEMENTS (tables);
  return tables;
}

const LabTableInfo *
lab_schema_get_table (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      if (g_str_equal (tables[i].name, name))
        return &tables[i];
    }

  return NULL;
}

const LabColumnInfo *
lab_table_info_get_column (const LabTableInfo *table,
                           const char         *name)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      if (g_str_equal (table->columns[i].name, name))
        return &table->columns[i];
    }

  return NULL;
}

const char *
lab_column_type_to_string (LabColumnType type)
{
  switch (type)
    {
    case LAB_COLUMN_TEXT:
      return "text";
    case LAB_COLUMN_INTEGER:
      return "integer";
    case LAB_COLUMN_REAL:
      return "real";
    case LAB_COLUMN_BOOLEAN:
      return "boolean";
    case LAB_COLUMN_TIMESTAMP:
      return "timestamp";
    case LAB_COLUMN_JSON:
      return "json";
    default:
      g_assert_not_reached ();
    }
}
