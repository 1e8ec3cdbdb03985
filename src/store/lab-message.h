/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define LAB_TYPE_MESSAGE (lab_message_get_type ())

G_DECLARE_FINAL_TYPE (LabMessage, lab_message, LAB, MESSAGE, GObject)

/* The columns lab_message_new_from_row() reads, in order. */
#define LAB_MESSAGE_COLUMNS \
  "m.message_no, m.id, m.session_id, m.sequence, m.created_at, m.role, m.author, " \
  "m.content, m.prompt_tokens, m.completion_tokens, m.tool_calls, m.metadata"
#define LAB_MESSAGE_N_COLUMNS 12

LabMessage *lab_message_new_from_row         (sqlite3_stmt *stmt);
gint64      lab_message_get_message_no       (LabMessage   *self);
const char *lab_message_get_id               (LabMessage   *self);
const char *lab_message_get_session_id       (LabMessage   *self);
gint64      lab_message_get_sequence         (LabMessage   *self);
gint64      lab_message_get_created_at       (LabMessage   *self);
const char *lab_message_get_role             (LabMessage   *self);
const char *lab_message_get_author           (LabMessage   *self);
const char *lab_message_get_content          (LabMessage   *self);
gint64      lab_message_get_prompt_tokens    (LabMessage   *self);
gint64      lab_message_get_completion_tokens (LabMessage  *self);
const char *lab_message_get_tool_calls       (LabMessage   *self);
const char *lab_message_get_metadata         (LabMessage   *self);
gboolean    lab_message_is_tool              (LabMessage   *self);
JsonNode   *lab_message_to_json              (LabMessage   *self);

G_END_DECLS
