/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lab-session.h"
#include "lab-timestamp.h"

/**
 * LabSession:
 *
 * One research session as read from the store: an immutable snapshot of its
 * row, except for the starred and archived flags, which the GUI toggles (the
 * store writes them through with lab_session_store_set_flag()).
 */
struct _LabSession
{
  GObject parent_instance;

  char *id;
  char *title;
  char *research_question;
  char *status;
  char *model;
  char *provider;
  char **participants;
  char **keywords;
  char *parent_id;
  char *branch_name;
  char *config;
  char *results;
  char *metadata;
  gint64 branch_point;
  gint64 created_at;
  gint64 updated_at;
  gint64 last_activity_at;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 message_count;
  double cost;
  guint starred : 1;
  guint archived : 1;
};

G_DEFINE_FINAL_TYPE (LabSession, lab_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_RESEARCH_QUESTION,
  PROP_STATUS,
  PROP_MODEL,
  PROP_PROVIDER,
  PROP_PARTICIPANTS,
  PROP_KEYWORDS,
  PROP_STARRED,
  PROP_ARCHIVED,
  PROP_PARENT_ID,
  PROP_BRANCH_NAME,
  PROP_BRANCH_POINT,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_LAST_ACTIVITY_AT,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_COST,
  PROP_MESSAGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * lab_json_array_to_strv:
 * @json: (nullable): a JSON array of strings, as stored in participants and keywords
 *
 * Returns: (transfer full): the strings; never %NULL, empty for bad input
 */
char **
lab_json_array_to_strv (const char *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (json == NULL || json[0] == '\0')
    return g_strv_builder_end (builder);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return g_strv_builder_end (builder);

  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
    }

  return g_strv_builder_end (builder);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text ? g_strdup (text) : NULL;
}

static gint64
timestamp_column (sqlite3_stmt *stmt,
                  int           col)
{
  gint64 usec = 0;

  lab_timestamp_parse ((const char *) sqlite3_column_text (stmt, col), &usec);
  return usec;
}

/**
 * lab_session_new_from_row:
 * @stmt: a statement positioned on a row that starts with %LAB_SESSION_COLUMNS
 *
 * Returns: (transfer full): a new #LabSession
 */
LabSession *
lab_session_new_from_row (sqlite3_stmt *stmt)
{
  LabSession *self = g_object_new (LAB_TYPE_SESSION, NULL);

  self->id = dup_column (stmt, 0);
  self->title = dup_column (stmt, 1);
  self->research_question = dup_column (stmt, 2);
  self->status = dup_column (stmt, 3);
  self->model = dup_column (stmt, 4);
  self->provider = dup_column (stmt, 5);
  self->participants = lab_json_array_to_strv ((const char *) sqlite3_column_text (stmt, 6));
  self->keywords = lab_json_array_to_strv ((const char *) sqlite3_column_text (stmt, 7));
  self->starred = sqlite3_column_int (stmt, 8) != 0;
  self->archived = sqlite3_column_int (stmt, 9) != 0;
  self->parent_id = dup_column (stmt, 10);
  self->branch_name = dup_column (stmt, 11);
  self->branch_point = sqlite3_column_type (stmt, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 12);
  self->created_at = timestamp_column (stmt, 13);
  self->updated_at = timestamp_column (stmt, 14);
  self->last_activity_at = timestamp_column (stmt, 15);
  self->prompt_tokens = sqlite3_column_int64 (stmt, 16);
  self->completion_tokens = sqlite3_column_int64 (stmt, 17);
  self->cost = sqlite3_column_double (stmt, 18);
  self->config = dup_column (stmt, 19);
  self->results = dup_column (stmt, 20);
  self->metadata = dup_column (stmt, 21);
  self->message_count = sqlite3_column_int64 (stmt, 22);

  return self;
}

static void
lab_session_finalize (GObject *object)
{
  LabSession *self = (LabSession *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->research_question);
  g_free (self->status);
  g_free (self->model);
  g_free (self->provider);
  g_strfreev (self->participants);
  g_strfreev (self->keywords);
  g_free (self->parent_id);
  g_free (self->branch_name);
  g_free (self->config);
  g_free (self->results);
  g_free (self->metadata);

  G_OBJECT_CLASS (lab_session_parent_class)->finalize (object);
}

static void
lab_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LabSession *self = LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_RESEARCH_QUESTION:
      g_value_set_string (value, self->research_question);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;
    case PROP_PARTICIPANTS:
      g_value_set_boxed (value, self->participants);
      break;
    case PROP_KEYWORDS:
      g_value_set_boxed (value, self->keywords);
      break;
    case PROP_STARRED:
      g_value_set_boolean (value, self->starred);
      break;
    case PROP_ARCHIVED:
      g_value_set_boolean (value, self->archived);
      break;
    case PROP_PARENT_ID:
      g_value_set_string (value, self->parent_id);
      break;
    case PROP_BRANCH_NAME:
      g_value_set_string (value, self->branch_name);
      break;
    case PROP_BRANCH_POINT:
      g_value_set_int64 (value, self->branch_point);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;
    case PROP_LAST_ACTIVITY_AT:
      g_value_set_int64 (value, self->last_activity_at);
      break;
    case PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;
    case PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;
    case PROP_COST:
      g_value_set_double (value, self->cost);
      break;
    case PROP_MESSAGE_COUNT:
      g_value_set_int64 (value, self->message_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_session_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LabSession *self = LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STARRED:
      lab_session_set_starred (self, g_value_get_boolean (value));
      break;
    case PROP_ARCHIVED:
      lab_session_set_archived (self, g_value_get_boolean (value));
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
lab_session_class_init (LabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_session_finalize;
  object_class->get_property = lab_session_get_property;
  object_class->set_property = lab_session_set_property;

  STRING_PROP (PROP_ID, "id");
  STRING_PROP (PROP_TITLE, "title");
  STRING_PROP (PROP_RESEARCH_QUESTION, "research-question");
  STRING_PROP (PROP_STATUS, "status");
  STRING_PROP (PROP_MODEL, "model");
  STRING_PROP (PROP_PROVIDER, "provider");
  STRING_PROP (PROP_PARENT_ID, "parent-id");
  STRING_PROP (PROP_BRANCH_NAME, "branch-name");
  INT64_PROP (PROP_BRANCH_POINT, "branch-point");
  INT64_PROP (PROP_CREATED_AT, "created-at");
  INT64_PROP (PROP_UPDATED_AT, "updated-at");
  INT64_PROP (PROP_LAST_ACTIVITY_AT, "last-activity-at");
  INT64_PROP (PROP_PROMPT_TOKENS, "prompt-tokens");
  INT64_PROP (PROP_COMPLETION_TOKENS, "completion-tokens");
  INT64_PROP (PROP_MESSAGE_COUNT, "message-count");

  properties[PROP_PARTICIPANTS] =
    g_param_spec_boxed ("participants", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYWORDS] =
    g_param_spec_boxed ("keywords", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COST] =
    g_param_spec_double ("cost", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARRED] =
    g_param_spec_boolean ("starred", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ARCHIVED] =
    g_param_spec_boolean ("archived", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_session_init (LabSession *self)
{
  self->branch_point = -1;
}

const char *
lab_session_get_id (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->id;
}

const char *
lab_session_get_title (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->title;
}

const char *
lab_session_get_research_question (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->research_question;
}

const char *
lab_session_get_status (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->status;
}

const char *
lab_session_get_model (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->model;
}

const char *
lab_session_get_provider (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->provider;
}

const char * const *
lab_session_get_participants (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return (const char * const *) self->participants;
}

const char * const *
lab_session_get_keywords (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return (const char * const *) self->keywords;
}

gboolean
lab_session_get_starred (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);
  return self->starred;
}

void
lab_session_set_starred (LabSession *self,
                         gboolean    starred)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  starred = !!starred;
  if (self->starred == (guint) starred)
    return;

  self->starred = starred;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARRED]);
}

gboolean
lab_session_get_archived (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), FALSE);
  return self->archived;
}

void
lab_session_set_archived (LabSession *self,
                          gboolean    archived)
{
  g_return_if_fail (LAB_IS_SESSION (self));

  archived = !!archived;
  if (self->archived == (guint) archived)
    return;

  self->archived = archived;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARCHIVED]);
}

const char *
lab_session_get_parent_id (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->parent_id;
}

const char *
lab_session_get_branch_name (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->branch_name;
}

/**
 * lab_session_get_branch_point:
 *
 * Returns: the sequence in the parent session this branch starts after, or -1
 */
gint64
lab_session_get_branch_point (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), -1);
  return self->branch_point;
}

gint64
lab_session_get_created_at (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->created_at;
}

gint64
lab_session_get_updated_at (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->updated_at;
}

gint64
lab_session_get_last_activity_at (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->last_activity_at;
}

gint64
lab_session_get_prompt_tokens (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->prompt_tokens;
}

gint64
lab_session_get_completion_tokens (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->completion_tokens;
}

double
lab_session_get_cost (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->cost;
}

gint64
lab_session_get_message_count (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), 0);
  return self->message_count;
}

const char *
lab_session_get_config (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->config;
}

const char *
lab_session_get_results (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->results;
}

const char *
lab_session_get_metadata (LabSession *self)
{
  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);
  return self->metadata;
}

/**
 * lab_json_builder_add_raw:
 * @member: the member name
 * @json: (nullable): JSON text as stored in a JSON column
 *
 * Adds @json parsed as a value (null for %NULL or unparsable text).
 */
void
lab_json_builder_add_raw (JsonBuilder *builder,
                          const char  *member,
                          const char  *json)
{
  JsonNode *node = json ? json_from_string (json, NULL) : NULL;

  json_builder_set_member_name (builder, member);
  if (node != NULL)
    json_builder_add_value (builder, node);
  else
    json_builder_add_null_value (builder);
}

static void
add_timestamp (JsonBuilder *builder,
               const char  *member,
               gint64       usec)
{
  g_autofree char *text = lab_timestamp_format (usec);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, text);
}

static void
add_strv (JsonBuilder  *builder,
          const char   *member,
          char        **strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

/**
 * lab_session_to_json:
 *
 * Returns: (transfer full): the session as a JSON object whose member names are
 *   the database's column names, plus "message_count"
 */
JsonNode *
lab_session_to_json (LabSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LAB_IS_SESSION (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->title);
  json_builder_set_member_name (builder, "research_question");
  json_builder_add_string_value (builder, self->research_question);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, self->status);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, self->model);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, self->provider);
  add_strv (builder, "participants", self->participants);
  add_strv (builder, "keywords", self->keywords);
  json_builder_set_member_name (builder, "starred");
  json_builder_add_boolean_value (builder, self->starred);
  json_builder_set_member_name (builder, "archived");
  json_builder_add_boolean_value (builder, self->archived);
  json_builder_set_member_name (builder, "parent_session_id");
  if (self->parent_id)
    json_builder_add_string_value (builder, self->parent_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "branch_name");
  json_builder_add_string_value (builder, self->branch_name);
  json_builder_set_member_name (builder, "branch_point");
  if (self->branch_point >= 0)
    json_builder_add_int_value (builder, self->branch_point);
  else
    json_builder_add_null_value (builder);
  add_timestamp (builder, "created_at", self->created_at);
  add_timestamp (builder, "updated_at", self->updated_at);
  add_timestamp (builder, "last_activity_at", self->last_activity_at);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, self->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, self->completion_tokens);
  json_builder_set_member_name (builder, "cost");
  json_builder_add_double_value (builder, self->cost);
  lab_json_builder_add_raw (builder, "config", self->config);
  lab_json_builder_add_raw (builder, "results", self->results);
  lab_json_builder_add_raw (builder, "metadata", self->metadata);
  json_builder_set_member_name (builder, "message_count");
  json_builder_add_int_value (builder, self->message_count);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * lab_session_status_get_label:
 * @status: (nullable): a session status as stored ("active", "completed",
 *   "paused", "failed", or any other text)
 *
 * Returns: (transfer none): the status's translated name for people; an
 *   unknown status as it is stored
 */
const char *
lab_session_status_get_label (const char *status)
{
  static const struct { const char *status; const char *label; } statuses[] = {
    { "active", N_("Active") },
    { "completed", N_("Completed") },
    { "paused", N_("Paused") },
    { "failed", N_("Failed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      if (g_strcmp0 (status, statuses[i].status) == 0)
        return _(statuses[i].label);
    }

  return status ? status : "";
}
