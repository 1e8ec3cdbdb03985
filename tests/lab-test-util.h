/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lab-db.h"

G_BEGIN_DECLS

/* A fresh data directory under a temporary folder, removed afterwards. */
typedef struct
{
  char *tmp;         /* the temporary folder */
  char *root;        /* tmp/store: the data directory */
  LabDataDir *dir;
  LabDb *db;         /* opened by lab_test_store_open(), or NULL */
} LabTestStore;

void        lab_test_store_setup     (LabTestStore  *store,
                                      gconstpointer  data);
void        lab_test_store_teardown  (LabTestStore  *store,
                                      gconstpointer  data);
LabDb      *lab_test_store_open      (LabTestStore  *store);
void        lab_test_store_add_demo  (LabTestStore  *store,
                                      guint          sessions,
                                      guint          messages_per_session,
                                      guint32        seed);

void        lab_test_add_session     (LabDb         *db,
                                      const char    *id,
                                      const char    *title,
                                      const char    *json_extra);
void        lab_test_add_message     (LabDb         *db,
                                      const char    *session_id,
                                      gint64         sequence,
                                      const char    *role,
                                      const char    *author,
                                      const char    *content);
void        lab_test_assert_fts_ok   (LabDb         *db);

char       *lab_test_tree_digest     (const char    *path);

typedef struct
{
  int status;       /* exit code */
  char *out;
  char *err;
} LabTestRun;

LabTestRun *lab_test_run_cli         (const char    *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;
LabTestRun *lab_test_run_cli_argv    (const char * const *argv,
                                      const char    *stdin_text,
                                      gboolean       as_nobody);
void        lab_test_run_free        (LabTestRun    *run);

JsonNode   *lab_test_parse_json      (const char    *text);
JsonObject *lab_test_parse_object    (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTestRun, lab_test_run_free)

G_END_DECLS
