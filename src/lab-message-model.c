/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-message-model"

#include "config.h"

#include "lab-message-model.h"

/**
 * LabMessageModel:
 *
 * One session's chat log: a #LabPagedModel of #LabMessage in sequence order.
 * Opening a 50,000-message session costs one count and the page on screen.
 */
struct _LabMessageModel
{
  LabPagedModel parent_instance;

  char *session_id;
};

G_DEFINE_FINAL_TYPE (LabMessageModel, lab_message_model, LAB_TYPE_PAGED_MODEL)

enum {
  PROP_0,
  PROP_SESSION_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
count_async (LabPagedModel       *model,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  LabMessageModel *self = LAB_MESSAGE_MODEL (model);

  lab_store_count_messages_async (lab_paged_model_get_store (model), self->session_id,
                                  cancellable, callback, user_data);
}

static gint64
count_finish (LabPagedModel  *model,
              GAsyncResult   *result,
              GError        **error)
{
  return lab_store_count_messages_finish (lab_paged_model_get_store (model), result, error);
}

static void
fetch_async (LabPagedModel       *model,
             guint                offset,
             guint                limit,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  LabMessageModel *self = LAB_MESSAGE_MODEL (model);

  lab_store_list_messages_async (lab_paged_model_get_store (model), self->session_id, offset,
                                 limit, cancellable, callback, user_data);
}

static GPtrArray *
fetch_finish (LabPagedModel  *model,
              GAsyncResult   *result,
              GError        **error)
{
  return lab_store_list_messages_finish (lab_paged_model_get_store (model), result, error);
}

static void
lab_message_model_finalize (GObject *object)
{
  LabMessageModel *self = LAB_MESSAGE_MODEL (object);

  g_free (self->session_id);

  G_OBJECT_CLASS (lab_message_model_parent_class)->finalize (object);
}

static void
lab_message_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabMessageModel *self = LAB_MESSAGE_MODEL (object);

  switch (prop_id)
    {
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_message_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabMessageModel *self = LAB_MESSAGE_MODEL (object);

  switch (prop_id)
    {
    case PROP_SESSION_ID:
      self->session_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_message_model_class_init (LabMessageModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LabPagedModelClass *paged_class = LAB_PAGED_MODEL_CLASS (klass);

  object_class->finalize = lab_message_model_finalize;
  object_class->get_property = lab_message_model_get_property;
  object_class->set_property = lab_message_model_set_property;

  paged_class->count_async = count_async;
  paged_class->count_finish = count_finish;
  paged_class->fetch_async = fetch_async;
  paged_class->fetch_finish = fetch_finish;

  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_message_model_init (LabMessageModel *self)
{
}

/**
 * lab_message_model_new:
 * @session_id: a full session id
 *
 * The model starts counting at once.
 *
 * Returns: (transfer full): a new #LabMessageModel
 */
LabMessageModel *
lab_message_model_new (LabStore   *store,
                       const char *session_id)
{
  LabMessageModel *self;

  g_return_val_if_fail (LAB_IS_STORE (store), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  self = g_object_new (LAB_TYPE_MESSAGE_MODEL, "store", store, "session-id", session_id, NULL);
  lab_paged_model_reload (LAB_PAGED_MODEL (self));

  return self;
}

const char *
lab_message_model_get_session_id (LabMessageModel *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_MODEL (self), NULL);
  return self->session_id;
}
