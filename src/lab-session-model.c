/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-session-model"

#include "config.h"

#include "lab-session-model.h"

/**
 * LabSessionModel:
 *
 * The session list: a #LabPagedModel of #LabSession under a #LabSessionFilter.
 *
 * A star or archive change written through #LabStore updates the cached
 * session in place; when the change takes the session out of the filter (it
 * was archived while archived sessions are hidden) the row is removed, and
 * when it brings one in (an undone archive) the row is inserted where the
 * sort puts it, each with one items-changed.
 */
struct _LabSessionModel
{
  LabPagedModel parent_instance;

  LabSessionFilter *filter;
  GCancellable *cancellable;  /* position lookups for rows coming in */
};

G_DEFINE_FINAL_TYPE (LabSessionModel, lab_session_model, LAB_TYPE_PAGED_MODEL)

enum {
  PROP_0,
  PROP_FILTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
count_async (LabPagedModel       *model,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  LabSessionModel *self = LAB_SESSION_MODEL (model);

  lab_store_count_sessions_async (lab_paged_model_get_store (model), self->filter,
                                  cancellable, callback, user_data);
}

static gint64
count_finish (LabPagedModel  *model,
              GAsyncResult   *result,
              GError        **error)
{
  return lab_store_count_sessions_finish (lab_paged_model_get_store (model), result, error);
}

static void
fetch_async (LabPagedModel       *model,
             guint                offset,
             guint                limit,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  LabSessionModel *self = LAB_SESSION_MODEL (model);

  lab_store_list_sessions_async (lab_paged_model_get_store (model), self->filter, offset, limit,
                                 cancellable, callback, user_data);
}

static GPtrArray *
fetch_finish (LabPagedModel  *model,
              GAsyncResult   *result,
              GError        **error)
{
  return lab_store_list_sessions_finish (lab_paged_model_get_store (model), result, error);
}

static gboolean
match_id (gpointer item,
          gpointer user_data)
{
  return g_strcmp0 (lab_session_get_id (item), user_data) == 0;
}

/* Whether @flag = @value passes the filter's condition on that flag. */
static gboolean
flag_passes (const LabSessionFilter *filter,
             const char             *flag,
             gboolean                value)
{
  int wanted = g_str_equal (flag, "starred") ? filter->starred : filter->archived;

  return wanted < 0 || wanted == !!value;
}

static void
insert_located_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);
  g_autoptr(LabSession) session = user_data;
  g_autoptr(GError) error = NULL;
  gint64 position;

  position = lab_session_model_locate_finish (self, result, &error);
  if (position < 0 || lab_session_model_find (self, lab_session_get_id (session), NULL))
    return;

  if (position > g_list_model_get_n_items (G_LIST_MODEL (self)))
    {
      lab_paged_model_reload (LAB_PAGED_MODEL (self));
      return;
    }

  lab_paged_model_insert (LAB_PAGED_MODEL (self), position, session);
}

static void
insert_session_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabSessionModel) self = user_data;
  g_autoptr(LabSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = lab_store_get_session_finish (LAB_STORE (object), result, &error);
  if (session == NULL)
    return;

  lab_session_model_locate_async (self, lab_session_get_id (session), self->cancellable,
                                  insert_located_cb, g_object_ref (session));
}

static void
flag_changed_cb (LabSessionModel *self,
                 const char      *session_id,
                 const char      *flag,
                 gboolean         value,
                 LabStore        *store)
{
  LabSession *session;
  guint position;

  if (lab_session_model_find (self, session_id, &position))
    {
      session = lab_paged_model_peek (LAB_PAGED_MODEL (self), position);
      g_object_set (session, flag, value, NULL);

      if (!flag_passes (self->filter, flag, value))
        lab_paged_model_remove (LAB_PAGED_MODEL (self), position);
    }
  else if (!flag_passes (self->filter, flag, !value) && flag_passes (self->filter, flag, value))
    {
      /* The filter excluded the session before the change and includes it
       * now: it comes in where the sort puts it. */
      lab_store_get_session_async (store, session_id, self->cancellable,
                                   insert_session_cb, g_object_ref (self));
    }
  else if (!flag_passes (self->filter, flag, value))
    {
      /* It left the list from a page that is not cached: where it was is
       * unknown, so count again. */
      lab_paged_model_reload (LAB_PAGED_MODEL (self));
    }
}

static void
lab_session_model_constructed (GObject *object)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);

  G_OBJECT_CLASS (lab_session_model_parent_class)->constructed (object);

  g_signal_connect_object (lab_paged_model_get_store (LAB_PAGED_MODEL (self)),
                           "session-flag-changed", G_CALLBACK (flag_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
lab_session_model_dispose (GObject *object)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (lab_session_model_parent_class)->dispose (object);
}

static void
lab_session_model_finalize (GObject *object)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);

  g_clear_pointer (&self->filter, lab_session_filter_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_session_model_parent_class)->finalize (object);
}

static void
lab_session_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILTER:
      g_value_set_boxed (value, self->filter);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_session_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabSessionModel *self = LAB_SESSION_MODEL (object);

  switch (prop_id)
    {
    case PROP_FILTER:
      lab_session_model_set_filter (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_session_model_class_init (LabSessionModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LabPagedModelClass *paged_class = LAB_PAGED_MODEL_CLASS (klass);

  object_class->constructed = lab_session_model_constructed;
  object_class->dispose = lab_session_model_dispose;
  object_class->finalize = lab_session_model_finalize;
  object_class->get_property = lab_session_model_get_property;
  object_class->set_property = lab_session_model_set_property;

  paged_class->count_async = count_async;
  paged_class->count_finish = count_finish;
  paged_class->fetch_async = fetch_async;
  paged_class->fetch_finish = fetch_finish;

  properties[PROP_FILTER] =
    g_param_spec_boxed ("filter", NULL, NULL, LAB_TYPE_SESSION_FILTER,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_session_model_init (LabSessionModel *self)
{
  self->filter = lab_session_filter_new ();
  self->cancellable = g_cancellable_new ();
}

/**
 * lab_session_model_new:
 * @filter: (nullable): which sessions, in which order; %NULL for all
 *
 * The model starts counting at once.
 *
 * Returns: (transfer full): a new #LabSessionModel
 */
LabSessionModel *
lab_session_model_new (LabStore               *store,
                       const LabSessionFilter *filter)
{
  LabSessionModel *self;

  g_return_val_if_fail (LAB_IS_STORE (store), NULL);

  self = g_object_new (LAB_TYPE_SESSION_MODEL, "store", store, "filter", filter, NULL);
  lab_paged_model_reload (LAB_PAGED_MODEL (self));

  return self;
}

/**
 * lab_session_model_get_filter:
 *
 * Returns: (transfer none): the filter
 */
const LabSessionFilter *
lab_session_model_get_filter (LabSessionModel *self)
{
  g_return_val_if_fail (LAB_IS_SESSION_MODEL (self), NULL);
  return self->filter;
}

/**
 * lab_session_model_set_filter:
 * @filter: (nullable): the new filter; %NULL for all sessions
 *
 * Reloads the list if the filter changed.
 */
void
lab_session_model_set_filter (LabSessionModel        *self,
                              const LabSessionFilter *filter)
{
  g_autoptr(LabSessionFilter) all = NULL;

  g_return_if_fail (LAB_IS_SESSION_MODEL (self));

  if (filter == NULL)
    filter = all = lab_session_filter_new ();

  if (lab_session_filter_equal (self->filter, filter))
    return;

  lab_session_filter_free (self->filter);
  self->filter = lab_session_filter_copy (filter);

  /* Answers about the old filter no longer apply. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);

  /* During construction the store is not set yet; _new() reloads then. */
  if (lab_paged_model_get_store (LAB_PAGED_MODEL (self)) != NULL)
    lab_paged_model_reload (LAB_PAGED_MODEL (self));
}

/**
 * lab_session_model_find:
 * @session_id: a full session id
 * @position: (out) (optional): where it is
 *
 * Looks among the cached sessions only; see lab_session_model_locate_async()
 * for any session.
 *
 * Returns: whether the session is cached
 */
gboolean
lab_session_model_find (LabSessionModel *self,
                        const char      *session_id,
                        guint           *position)
{
  g_return_val_if_fail (LAB_IS_SESSION_MODEL (self), FALSE);
  g_return_val_if_fail (session_id != NULL, FALSE);

  return lab_paged_model_find (LAB_PAGED_MODEL (self), match_id, (gpointer) session_id, position);
}

static void
position_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gint64 position;

  position = lab_store_session_position_finish (LAB_STORE (object), result, &error);
  if (position == -2)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, position);
}

/**
 * lab_session_model_locate_async:
 * @session_id: a full session id
 *
 * Finds where a session is in the list, from the cache when it is there and
 * from the store otherwise (lab_browse_session_position()).
 */
void
lab_session_model_locate_async (LabSessionModel     *self,
                                const char          *session_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint position;

  g_return_if_fail (LAB_IS_SESSION_MODEL (self));
  g_return_if_fail (session_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_session_model_locate_async);

  if (lab_session_model_find (self, session_id, &position))
    {
      g_task_return_int (task, position);
      return;
    }

  lab_store_session_position_async (lab_paged_model_get_store (LAB_PAGED_MODEL (self)),
                                    self->filter, session_id, cancellable,
                                    position_cb, g_steal_pointer (&task));
}

/**
 * lab_session_model_locate_finish:
 *
 * Returns: the position, -1 if the filter does not list the session, or -2
 *   with @error set
 */
gint64
lab_session_model_locate_finish (LabSessionModel  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -2);

  if (g_task_had_error (G_TASK (result)))
    {
      g_task_propagate_int (G_TASK (result), error);
      return -2;
    }

  return g_task_propagate_int (G_TASK (result), error);
}
