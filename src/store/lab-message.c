/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-message"

#include "config.h"

#include "lab-message.h"
#include "lab-session.h"
#include "lab-timestamp.h"

/**
 * LabMessage:
 *
 * One entry of a session's chat log, as read from the store. Immutable.
 */
struct _LabMessage
{
  GObject parent_instance;

  gint64 message_no;
  char *id;
  char *session_id;
  gint64 sequence;
  gint64 created_at;
  char *role;
  char *author;
  char *content;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  char *tool_calls;
  char *metadata;
};

G_DEFINE_FINAL_TYPE (LabMessage, lab_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MESSAGE_NO,
  PROP_ID,
  PROP_SESSION_ID,
  PROP_SEQUENCE,
  PROP_CREATED_AT,
  PROP_ROLE,
  PROP_AUTHOR,
  PROP_CONTENT,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_TOOL_CALLS,
  PROP_METADATA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text ? g_strdup (text) : NULL;
}

/**
 * lab_message_new_from_row:
 * @stmt: a statement positioned on a row that starts with %LAB_MESSAGE_COLUMNS
 *
 * Returns: (transfer full): a new #LabMessage
 */
LabMessage *
lab_message_new_from_row (sqlite3_stmt *stmt)
{
  LabMessage *self = g_object_new (LAB_TYPE_MESSAGE, NULL);

  self->message_no = sqlite3_column_int64 (stmt, 0);
  self->id = dup_column (stmt, 1);
  self->session_id = dup_column (stmt, 2);
  self->sequence = sqlite3_column_int64 (stmt, 3);
  lab_timestamp_parse ((const char *) sqlite3_column_text (stmt, 4), &self->created_at);
  self->role = dup_column (stmt, 5);
  self->author = dup_column (stmt, 6);
  self->content = dup_column (stmt, 7);
  self->prompt_tokens = sqlite3_column_int64 (stmt, 8);
  self->completion_tokens = sqlite3_column_int64 (stmt, 9);
  self->tool_calls = dup_column (stmt, 10);
  self->metadata = dup_column (stmt, 11);

  return self;
}

static void
lab_message_finalize (GObject *object)
{
  LabMessage *self = (LabMessage *) object;

  g_free (self->id);
  g_free (self->session_id);
  g_free (self->role);
  g_free (self->author);
  g_free (self->content);
  g_free (self->tool_calls);
  g_free (self->metadata);

  G_OBJECT_CLASS (lab_message_parent_class)->finalize (object);
}

static void
lab_message_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabMessage *self = LAB_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_MESSAGE_NO:
      g_value_set_int64 (value, self->message_no);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_SEQUENCE:
      g_value_set_int64 (value, self->sequence);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;
    case PROP_CONTENT:
      g_value_set_string (value, self->content);
      break;
    case PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;
    case PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;
    case PROP_TOOL_CALLS:
      g_value_set_string (value, self->tool_calls);
      break;
    case PROP_METADATA:
      g_value_set_string (value, self->metadata);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define STRING_PROP(id, name) \
  properties[id] = g_param_spec_string (name, NULL, NULL, NULL, \
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
#define INT64_PROP(id, name) \
  properties[id] = g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0, \
                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)

static void
lab_message_class_init (LabMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_message_finalize;
  object_class->get_property = lab_message_get_property;

  INT64_PROP (PROP_MESSAGE_NO, "message-no");
  STRING_PROP (PROP_ID, "id");
  STRING_PROP (PROP_SESSION_ID, "session-id");
  INT64_PROP (PROP_SEQUENCE, "sequence");
  INT64_PROP (PROP_CREATED_AT, "created-at");
  STRING_PROP (PROP_ROLE, "role");
  STRING_PROP (PROP_AUTHOR, "author");
  STRING_PROP (PROP_CONTENT, "content");
  INT64_PROP (PROP_PROMPT_TOKENS, "prompt-tokens");
  INT64_PROP (PROP_COMPLETION_TOKENS, "completion-tokens");
  STRING_PROP (PROP_TOOL_CALLS, "tool-calls");
  STRING_PROP (PROP_METADATA, "metadata");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_message_init (LabMessage *self)
{
}

gint64
lab_message_get_message_no (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), 0);
  return self->message_no;
}

const char *
lab_message_get_id (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->id;
}

const char *
lab_message_get_session_id (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->session_id;
}

gint64
lab_message_get_sequence (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), 0);
  return self->sequence;
}

gint64
lab_message_get_created_at (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), 0);
  return self->created_at;
}

const char *
lab_message_get_role (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->role;
}

const char *
lab_message_get_author (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->author;
}

const char *
lab_message_get_content (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->content;
}

gint64
lab_message_get_prompt_tokens (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), 0);
  return self->prompt_tokens;
}

gint64
lab_message_get_completion_tokens (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), 0);
  return self->completion_tokens;
}

const char *
lab_message_get_tool_calls (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->tool_calls;
}

const char *
lab_message_get_metadata (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);
  return self->metadata;
}

/**
 * lab_message_is_tool:
 *
 * Returns: whether this is a tool call or a tool result, which the chat log
 *   shows collapsed
 */
gboolean
lab_message_is_tool (LabMessage *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE (self), FALSE);
  return g_strcmp0 (self->role, "tool_call") == 0 || g_strcmp0 (self->role, "tool_result") == 0;
}

/**
 * lab_message_to_json:
 *
 * Returns: (transfer full): the message as a JSON object whose member names
 *   are the database's column names
 */
JsonNode *
lab_message_to_json (LabMessage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = NULL;

  g_return_val_if_fail (LAB_IS_MESSAGE (self), NULL);

  created = lab_timestamp_format (self->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_string_value (builder, self->session_id);
  json_builder_set_member_name (builder, "sequence");
  json_builder_add_int_value (builder, self->sequence);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, self->role);
  json_builder_set_member_name (builder, "author");
  json_builder_add_string_value (builder, self->author);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, self->content);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, self->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, self->completion_tokens);
  lab_json_builder_add_raw (builder, "tool_calls", self->tool_calls);
  lab_json_builder_add_raw (builder, "metadata", self->metadata);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
