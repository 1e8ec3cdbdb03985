/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define LAB_TYPE_SESSION (lab_session_get_type ())

G_DECLARE_FINAL_TYPE (LabSession, lab_session, LAB, SESSION, GObject)

/* The columns lab_session_new_from_row() reads, in order; the query may add
 * more after them. */
#define LAB_SESSION_COLUMNS \
  "s.id, s.title, s.research_question, s.status, s.model, s.provider, " \
  "s.participants, s.keywords, s.starred, s.archived, s.parent_session_id, " \
  "s.branch_name, s.branch_point, s.created_at, s.updated_at, s.last_activity_at, " \
  "s.prompt_tokens, s.completion_tokens, s.cost, s.config, s.results, s.metadata, " \
  "(SELECT count(*) FROM messages m WHERE m.session_id = s.id)"
#define LAB_SESSION_N_COLUMNS 23

LabSession         *lab_session_new_from_row         (sqlite3_stmt *stmt);
const char         *lab_session_get_id               (LabSession   *self);
const char         *lab_session_get_title            (LabSession   *self);
const char         *lab_session_get_research_question (LabSession  *self);
const char         *lab_session_get_status           (LabSession   *self);
const char         *lab_session_get_model            (LabSession   *self);
const char         *lab_session_get_provider         (LabSession   *self);
const char * const *lab_session_get_participants     (LabSession   *self);
const char * const *lab_session_get_keywords         (LabSession   *self);
gboolean            lab_session_get_starred          (LabSession   *self);
void                lab_session_set_starred          (LabSession   *self,
                                                      gboolean      starred);
gboolean            lab_session_get_archived         (LabSession   *self);
void                lab_session_set_archived         (LabSession   *self,
                                                      gboolean      archived);
const char         *lab_session_get_parent_id        (LabSession   *self);
const char         *lab_session_get_branch_name      (LabSession   *self);
gint64              lab_session_get_branch_point     (LabSession   *self);
gint64              lab_session_get_created_at       (LabSession   *self);
gint64              lab_session_get_updated_at       (LabSession   *self);
gint64              lab_session_get_last_activity_at (LabSession   *self);
gint64              lab_session_get_prompt_tokens    (LabSession   *self);
gint64              lab_session_get_completion_tokens (LabSession  *self);
double              lab_session_get_cost             (LabSession   *self);
gint64              lab_session_get_message_count    (LabSession   *self);
const char         *lab_session_get_config           (LabSession   *self);
const char         *lab_session_get_results          (LabSession   *self);
const char         *lab_session_get_metadata         (LabSession   *self);

char              **lab_json_array_to_strv           (const char   *json);
JsonNode           *lab_session_to_json              (LabSession   *self);
void                lab_json_builder_add_raw         (JsonBuilder  *builder,
                                                      const char   *member,
                                                      const char   *json);

const char         *lab_session_status_get_label    (const char   *status);

G_END_DECLS
