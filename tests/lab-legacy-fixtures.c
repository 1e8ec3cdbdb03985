/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-fixtures"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lab-legacy-fixtures.h"
#include "lab-row.h"
#include "lab-test-util.h"

/**
 * lab_fixture_private_home:
 * @name: a word for the folder's name
 *
 * Gives the test program (and the labdata-cli it runs) a home of its own:
 * $HOME, $XDG_CONFIG_HOME and $XDG_DATA_HOME in a new temporary folder, so
 * that the user's ~/.ai_research_lab, location file and store stay out of
 * it. Call it first in main(): GLib reads these once.
 *
 * Returns: (transfer full): the temporary folder, to remove at the end
 */
char *
lab_fixture_private_home (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("labdata-%s-XXXXXX", name);
  char *tmp = g_dir_make_tmp (tmpl, &error);
  static const struct { const char *variable; const char *folder; } places[] = {
    { "HOME", "home" }, { "XDG_CONFIG_HOME", "xdg-config" }, { "XDG_DATA_HOME", "xdg-data" },
  };

  g_assert_no_error (error);
  /* Readable by "nobody", whom some CLI tests run as. */
  g_assert_cmpint (g_chmod (tmp, 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autofree char *path = g_build_filename (tmp, places[i].folder, NULL);

      g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
      g_setenv (places[i].variable, path, TRUE);
    }

  return tmp;
}

/**
 * lab_fixture_data_path:
 * @name: a file in tests/data/legacy
 *
 * Returns: (transfer full): its path, from $LABDATA_SOURCE_DIR (set by meson
 *   test) or the source folder this was built from
 */
char *
lab_fixture_data_path (const char *name)
{
  const char *source = g_getenv ("LABDATA_SOURCE_DIR");

  if (source == NULL || source[0] == '\0')
    source = LAB_FIXTURE_SOURCE_DIR;

  return g_build_filename (source, "tests", "data", "legacy", name, NULL);
}

/**
 * lab_fixture_run_sql:
 * @sql_name: a file in tests/data/legacy
 *
 * Runs the SQL text through SQLite, creating @db_path if needed.
 */
void
lab_fixture_run_sql (const char *db_path,
                     const char *sql_name)
{
  g_autofree char *path = lab_fixture_data_path (sql_name);
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  char *errmsg = NULL;
  sqlite3 *db = NULL;

  g_file_get_contents (path, &sql, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("%s: %s", sql_name, errmsg);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/**
 * lab_fixture_corrupt:
 *
 * Overwrites the database's third page with garbage, as a disk error would:
 * the header still says SQLite, the b-tree does not hold together.
 */
void
lab_fixture_corrupt (const char *db_path)
{
  guchar garbage[4096];
  int fd;

  memset (garbage, 0xa5, sizeof garbage);
  fd = open (db_path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, 2 * 4096), ==, sizeof garbage);
  close (fd);
}

void
lab_fixture_write_file (const char *path,
                        const char *contents,
                        gssize      length)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/**
 * lab_fixture_binary:
 *
 * Returns: (transfer full): @length bytes running through every value, so a
 *   copy that changes one byte (or stops at a NUL) is caught
 */
char *
lab_fixture_binary (gsize length)
{
  char *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (char) ((i * 7 + i / 256) & 0xff);

  return data;
}

static void
apply_variant (const char *db_path,
               const char *stem,
               const char *variant)
{
  if (variant == NULL || variant[0] == '\0')
    return;

  if (g_str_equal (variant, "corrupt"))
    lab_fixture_corrupt (db_path);
  else
    {
      g_autofree char *name = g_strdup_printf ("%s-%s.sql", stem, variant);

      lab_fixture_run_sql (db_path, name);
    }
}

/**
 * lab_fixture_ai_lab:
 * @parent: an existing folder
 * @variant: (nullable): "extra-columns", "missing-tables", "bad-json", "corrupt"
 *
 * Makes @parent/.ai_research_lab as the seed 000 app leaves it: the database,
 * output files (one folder per session and loose ones), a vector memory
 * file, config, archives, logs and a backup.
 *
 * Returns: (transfer full): the .ai_research_lab folder
 */
char *
lab_fixture_ai_lab (const char *parent,
                    const char *variant)
{
  char *root = g_build_filename (parent, ".ai_research_lab", NULL);
  g_autofree char *data = g_build_filename (root, "data", NULL);
  g_autofree char *db = g_build_filename (data, "research_sessions.db", NULL);
  g_autofree char *binary = lab_fixture_binary (3000);
  static const struct { const char *path; const char *text; } files[] = {
    { "data/output/research_20241201_143022/results.csv",
      "pattern,context,accuracy\ndense,131072,0.912\nblock-sparse,131072,0.884\n" },
    { "data/output/research_20241201_143022/notes/critic.md",
      "# Critic notes\n\nThree seeds are not enough.\n" },
    { "data/output/summary.md", "# All sessions\n\nSee each session's folder.\n" },
    { "config/config.json",
      "{\"backup_retention_days\": 30, \"auto_backup\": true, \"theme\": \"dark\"}\n" },
    { "archives/export_20241201_143022.json",
     "{\"sessions\": [], \"exported_at\": \"2024-12-01\"}\n" },
    { "logs/app.log", "2024-12-01 14:30:22 INFO Research session started\n" },
    { "logs/migration_log_170143022.json", "{\"migrated\": 0}\n" },
  };

  g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
  lab_fixture_run_sql (db, "research_sessions.sql");

  /* A backup as the app made it, before any damage. */
  {
    g_autofree char *backups = g_build_filename (root, "backups", NULL);
    g_autofree char *copy = g_build_filename (backups, "backup_20241201_143022.db", NULL);
    g_autofree char *sidecar = g_build_filename (backups, "backup_20241201_143022.json", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (db, &contents, &length, NULL));
    lab_fixture_write_file (copy, contents, length);
    lab_fixture_write_file (sidecar, "{\"md5\": \"0\", \"size\": 0}\n", -1);
  }

  apply_variant (db, "research_sessions", variant);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (root, files[i].path, NULL);

      lab_fixture_write_file (path, files[i].text, -1);
    }

  {
    g_autofree char *figure = g_build_filename (data, "output", "research_20241201_143022",
                                                "figures", "accuracy.png", NULL);
    g_autofree char *vectors = g_build_filename (data, "vector_memory.db", NULL);
    g_autofree char *archive = g_build_filename (root, "archives", "export_20241201_143022.zip",
                                                 NULL);

    lab_fixture_write_file (figure, binary, 3000);
    lab_fixture_write_file (vectors, binary, 1024);
    lab_fixture_write_file (archive, binary + 100, 700);
  }

  return root;
}

/**
 * lab_fixture_events:
 * @parent: an existing folder
 * @variant: (nullable): "bad-payloads", "extra-columns", "missing-tables",
 *   "corrupt"
 *
 * Makes @parent/events.db and the workspace/<session>/ folders beside it, as
 * an agent server on a persistent disk leaves them: uploads, agent memory,
 * outputs, a folder no session claims, a loose file, the server's log, a
 * symbolic link and a file name with a backslash.
 *
 * Returns: (transfer full): the events.db path
 */
char *
lab_fixture_events (const char *parent,
                    const char *variant)
{
  char *db = g_build_filename (parent, "events.db", NULL);
  g_autofree char *ws = g_build_filename (parent, "workspace", NULL);
  g_autofree char *binary = lab_fixture_binary (5000);
  static const struct { const char *path; const char *text; } files[] = {
    { LAB_FIXTURE_EVENTS_SESSION_1 "/report.md",
      "# Protein structure prediction\n\n| model | year |\n| AlphaFold 3 | 2024 |\n" },
    { LAB_FIXTURE_EVENTS_SESSION_1 "/agent_memory/context.json",
      "{\"summary\": \"User wants a table of 2024-2025 papers\"}\n" },
    { LAB_FIXTURE_EVENTS_SESSION_2 "/gdp.py", "import matplotlib\n# plot the G7 GDP\n" },
    { "orphan-run/readme.txt", "A run whose session row is gone.\n" },
    { "README", "Workspaces of the agent server.\n" },
  };

  g_assert_cmpint (g_mkdir_with_parents (ws, 0755), ==, 0);
  lab_fixture_run_sql (db, "events.sql");
  apply_variant (db, "events", variant);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (ws, files[i].path, NULL);

      lab_fixture_write_file (path, files[i].text, -1);
    }

  {
    g_autofree char *upload = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_1, "uploaded_files",
                                                "notes.pdf", NULL);
    g_autofree char *plot = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_2, "gdp.png", NULL);
    g_autofree char *link = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_1, "passwd", NULL);
    g_autofree char *odd = g_build_filename (ws, LAB_FIXTURE_EVENTS_SESSION_2, "odd\\name.txt",
                                             NULL);
    g_autofree char *log = g_build_filename (parent, "agent_logs.txt", NULL);

    lab_fixture_write_file (upload, binary, 5000);
    lab_fixture_write_file (plot, binary + 1000, 2048);
    g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
    lab_fixture_write_file (odd, "a name with a backslash\n", -1);
    lab_fixture_write_file (log, "INFO Agent server started\nINFO session 5b2f8c1e connected\n",
                            -1);
  }

  return db;
}

static const char * const event_types[] = {
  "user_message", "agent_thinking", "tool_call", "tool_result", "agent_response", "processing",
};

/**
 * lab_fixture_grow_events:
 *
 * Adds @sessions generated sessions of @events_per_session events each to an
 * events.db, in one transaction: for benchmarks and large-source tests.
 */
void
lab_fixture_grow_events (const char *db_path,
                         guint       sessions,
                         guint       events_per_session)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *session = NULL;
  sqlite3_stmt *event = NULL;
  g_autoptr(GString) payload = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO session VALUES (?, ?, ?, 'bench')", -1,
                                       &session, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO event VALUES (?, ?, ?, ?, ?)", -1,
                                       &event, NULL), ==, SQLITE_OK);

  for (guint s = 0; s < sessions; s++)
    {
      g_autofree char *id = g_strdup_printf ("b0000000-0000-4000-8000-%012x", s);
      g_autofree char *dir = g_strdup_printf ("/var/data/workspace/%s", id);
      gint64 t = G_GINT64_CONSTANT (1735689600) + (gint64) s * 3600;
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (t);
      g_autofree char *created = g_date_time_format (start, "%Y-%m-%d %H:%M:%S.000000");

      sqlite3_bind_text (session, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (session, 2, dir, -1, SQLITE_STATIC);
      sqlite3_bind_text (session, 3, created, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (session), ==, SQLITE_DONE);
      sqlite3_reset (session);

      for (guint e = 0; e < events_per_session; e++)
        {
          const char *type = event_types[e % G_N_ELEMENTS (event_types)];
          g_autofree char *event_id = g_strdup_printf ("e%07x-%04x-4000-8000-%012x", s, e % 0xffff,
                                                       e);
          g_autoptr(GDateTime) when = g_date_time_add_seconds (start, 1 + e * 7);
          g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d %H:%M:%S.250000");

          if (g_str_equal (type, "tool_call"))
            g_string_printf (payload, "{\"type\": \"tool_call\", \"content\": {\"tool_call_id\": "
                             "\"toolu_%u_%u\", \"tool_name\": \"web_search\", \"tool_input\": "
                             "{\"query\": \"retrieval benchmark %u\"}}}", s, e, e);
          else if (g_str_equal (type, "tool_result"))
            g_string_printf (payload, "{\"type\": \"tool_result\", \"content\": {\"tool_call_id\": "
                             "\"toolu_%u_%u\", \"tool_name\": \"web_search\", \"result\": "
                             "\"Found %u papers on long-context retrieval and sparse "
                             "attention.\"}}",
                             s, e - 1, e);
          else
            g_string_printf (payload, "{\"type\": \"%s\", \"content\": {\"text\": \"Step %u of "
                             "session %u: the agent compares sparse and dense attention on "
                             "NarrativeQA and reports exact match with confidence intervals.\"}}",
                             type, e, s);

          sqlite3_bind_text (event, 1, event_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (event, 2, id, -1, SQLITE_STATIC);
          sqlite3_bind_text (event, 3, stamp, -1, SQLITE_STATIC);
          sqlite3_bind_text (event, 4, type, -1, SQLITE_STATIC);
          sqlite3_bind_text (event, 5, payload->str, payload->len, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (event), ==, SQLITE_DONE);
          sqlite3_reset (event);
        }
    }

  sqlite3_finalize (session);
  sqlite3_finalize (event);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/**
 * lab_fixture_tables_digest:
 * @db_path: a LabData database
 *
 * Returns: (transfer full): a digest of every row of every data table, in key
 *   order, as JSON lines: equal digests mean equal contents, whatever the
 *   database file's pages look like
 */
char *
lab_fixture_tables_digest (const char *db_path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDb) db = lab_db_open_file (db_path, LAB_DB_OPEN_READ_ONLY, &error);
  const LabTableInfo *tables;
  guint n_tables;

  g_assert_no_error (error);
  tables = lab_schema_get_tables (&n_tables);

  for (guint t = 0; t < n_tables; t++)
    {
      g_autofree char *select = lab_row_select_sql (&tables[t], NULL);
      g_autoptr(GString) sql = g_string_new (select);
      g_autoptr(GString) line = g_string_new (NULL);
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const char *sep = " ORDER BY ";

      for (guint c = 0; c < tables[t].n_columns; c++)
        {
          if (tables[t].columns[c].flags & LAB_COLUMN_FLAG_KEY)
            {
              g_string_append_printf (sql, "%s\"%s\"", sep, tables[t].columns[c].name);
              sep = ", ";
            }
        }

      stmt = lab_db_prepare (db, sql->str, &error);
      g_assert_no_error (error);
      g_checksum_update (sum, (const guchar *) tables[t].name, -1);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_truncate (line, 0);
          lab_row_append_json (&tables[t], stmt, line);
          g_string_append_c (line, '\n');
          g_checksum_update (sum, (const guchar *) line->str, line->len);
        }
    }

  return g_strdup (g_checksum_get_string (sum));
}

/**
 * lab_fixture_store_digest:
 * @root: a data directory
 *
 * Returns: (transfer full): the table digest of its database and the tree
 *   digest of its workspace folder, together
 */
char *
lab_fixture_store_digest (const char *root)
{
  g_autofree char *db = g_build_filename (root, "data", "labdata.db", NULL);
  g_autofree char *workspace = g_build_filename (root, "data", "workspace", NULL);
  g_autofree char *tables = lab_fixture_tables_digest (db);
  g_autofree char *tree = lab_test_tree_digest (workspace);

  return g_strconcat (tables, ":", tree, NULL);
}
