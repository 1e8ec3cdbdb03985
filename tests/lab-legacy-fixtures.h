/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Legacy data for the migration tests, built from the SQL text in
 * tests/data/legacy/ and files written here: no binary blobs in the tree.
 * A variant applies tests/data/legacy/<db>-<variant>.sql after the base, or
 * for "corrupt" damages the database file itself.
 */

/* The session ids of the fixtures, for the tests' field-by-field checks. */
#define LAB_FIXTURE_LAB_SESSION_1   "research_20241201_143022"
#define LAB_FIXTURE_LAB_SESSION_2   "research_20241202_091500"
#define LAB_FIXTURE_LAB_SESSION_3   "research_20241203_160000"
#define LAB_FIXTURE_EVENTS_SESSION_1 "5b2f8c1e-7d4a-4e0b-9f3c-2a1d6e8b7c90"
#define LAB_FIXTURE_EVENTS_SESSION_2 "9c4e2a7b-1f3d-4c8e-a6b5-0d9e8f7a6b5c"
#define LAB_FIXTURE_EVENTS_SESSION_3 "e1d2c3b4-a5f6-4789-8abc-def012345678"
#define LAB_FIXTURE_EVENTS_LOST      "f0f0f0f0-0000-4000-8000-00000000dead"

char    *lab_fixture_private_home (const char *name);
char    *lab_fixture_data_path   (const char *name);
void     lab_fixture_run_sql     (const char *db_path,
                                  const char *sql_name);
void     lab_fixture_corrupt     (const char *db_path);
void     lab_fixture_write_file  (const char *path,
                                  const char *contents,
                                  gssize      length);
char    *lab_fixture_binary      (gsize       length);
char    *lab_fixture_ai_lab      (const char *parent,
                                  const char *variant);
char    *lab_fixture_events      (const char *parent,
                                  const char *variant);
void     lab_fixture_grow_events (const char *db_path,
                                  guint       sessions,
                                  guint       events_per_session);
char    *lab_fixture_tables_digest (const char *db_path);
char    *lab_fixture_store_digest  (const char *root);

G_END_DECLS
