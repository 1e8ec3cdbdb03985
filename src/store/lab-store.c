/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-store"

#include "config.h"

#include "lab-store.h"
#include "lab-import.h"

/**
 * LabStore:
 *
 * The GUI's asynchronous front-end to one data directory.
 *
 * Everything the window shows while browsing — list pages, counts, a session,
 * its messages and details, searches — runs as a job on one query worker
 * thread that owns one connection, so the main thread never runs SQL and jobs
 * never wait for each other's locks. Jobs run in the order they were queued; a
 * job whose #GCancellable is cancelled before it starts is skipped, and one
 * that is running stops soon after (lab_db_set_cancellable()).
 *
 * Long operations (collecting the store summary, loading demo data, and in
 * later issues backup, import, cleanup…) never run on the worker: each opens
 * its own #LabDb in its own #GTask thread, so browsing stays quick while they
 * run. An operation that changes data emits #LabStore::changed through
 * lab_store_emit_changed() when it is done, and open lists reload.
 */
struct _LabStore
{
  GObject parent_instance;

  LabDataDir *dir;
  GThreadPool *pool;

  /* Owned by the worker: only jobs touch it, one at a time. */
  LabDb *db;
};

G_DEFINE_FINAL_TYPE (LabStore, lab_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  SIGNAL_SESSION_FLAG_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef void (*JobFunc) (LabStore *self,
                         LabDb    *db,
                         GTask    *task);

typedef struct
{
  GTask *task;
  JobFunc func;
} Job;

typedef struct
{
  LabSessionFilter *filter;
  LabSearchQuery *query;
  char *session_id;
  char *flag;
  gint64 number;
  guint offset;
  guint limit;
  gboolean value;
} JobData;

static void
job_data_free (gpointer data)
{
  JobData *job_data = data;

  g_clear_pointer (&job_data->filter, lab_session_filter_free);
  g_clear_pointer (&job_data->query, lab_search_query_free);
  g_free (job_data->session_id);
  g_free (job_data->flag);
  g_free (job_data);
}

static gboolean
ensure_db (LabStore  *self,
           GError   **error)
{
  if (self->db == NULL)
    self->db = lab_db_open (self->dir, LAB_DB_OPEN_DEFAULT, error);

  return self->db != NULL;
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  LabStore *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  g_autoptr(GError) error = NULL;
  JobFunc func = job->func;

  g_free (job);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* A store that could not be opened is tried again by the next job, so
   * that "Try Again" works once the person fixed the folder. */
  if (!ensure_db (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lab_db_set_cancellable (self->db, g_task_get_cancellable (task));
  func (self, self->db, task);
  lab_db_set_cancellable (self->db, NULL);
}

/* Returns: (transfer none): the job's task, for callers that tune it */
static GTask *
queue_job (LabStore            *self,
           gpointer             source_tag,
           JobData             *job_data,
           JobFunc              func,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);
  GTask *task;

  task = job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_task_set_task_data (job->task, job_data ? job_data : g_new0 (JobData, 1), job_data_free);
  job->func = func;

  g_thread_pool_push (self->pool, job, NULL);

  return task;
}

static gint64
propagate_int64 (LabStore      *self,
                 GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static gpointer
propagate_pointer (LabStore      *self,
                   GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
return_int64 (GTask  *task,
              gint64  value,
              GError *error)
{
  if (value < 0 && error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, value);
}

static void
return_pointer (GTask          *task,
                gpointer        value,
                GDestroyNotify  destroy,
                GError         *error)
{
  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, destroy);
}

static void
lab_store_finalize (GObject *object)
{
  LabStore *self = (LabStore *) object;

  /* Queued jobs hold a reference on the store, so none is left; this may run
   * on the worker itself when its last job drops the last reference, hence no
   * waiting for the pool's thread. */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_clear_object (&self->db);
  g_clear_object (&self->dir);

  G_OBJECT_CLASS (lab_store_parent_class)->finalize (object);
}

static void
lab_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LabStore *self = LAB_STORE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_object (value, self->dir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_store_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LabStore *self = LAB_STORE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->dir = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_store_class_init (LabStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_store_finalize;
  object_class->get_property = lab_store_get_property;
  object_class->set_property = lab_store_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_object ("data-dir", NULL, NULL, LAB_TYPE_DATA_DIR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabStore::changed:
   *
   * Data changed in a way lists cannot follow row by row (an import, a
   * restore, a cleanup, demo data): every open list reloads.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * LabStore::session-flag-changed:
   * @session_id: the session
   * @flag: "starred" or "archived"
   * @value: the new value
   *
   * lab_store_set_session_flag_async() wrote a flag; lists update that row.
   */
  signals[SIGNAL_SESSION_FLAG_CHANGED] =
    g_signal_new ("session-flag-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
lab_store_init (LabStore *self)
{
  /* One thread: the jobs share one connection and run in order. */
  self->pool = g_thread_pool_new (run_job, self, 1, FALSE, NULL);
}

/**
 * lab_store_new:
 * @dir: the data directory
 *
 * Nothing is opened until the first job runs; call lab_store_open_async() to
 * learn early whether the store can be opened.
 *
 * Returns: (transfer full): a new #LabStore
 */
LabStore *
lab_store_new (LabDataDir *dir)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  return g_object_new (LAB_TYPE_STORE, "data-dir", dir, NULL);
}

/**
 * lab_store_get_data_dir:
 *
 * Returns: (transfer none): the data directory
 */
LabDataDir *
lab_store_get_data_dir (LabStore *self)
{
  g_return_val_if_fail (LAB_IS_STORE (self), NULL);
  return self->dir;
}

/**
 * lab_store_emit_changed:
 *
 * Tells open lists that data changed. Operations call it on the main thread
 * when they finish changing data.
 */
void
lab_store_emit_changed (LabStore *self)
{
  g_return_if_fail (LAB_IS_STORE (self));

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* Open */

static void
open_job (LabStore *self,
          LabDb    *db,
          GTask    *task)
{
  g_autoptr(GError) error = NULL;

  /* An import interrupted after its commit gets its files moved into place,
   * and staging folders nobody uses go, before anything is shown. */
  if (!lab_import_recover (db, &error))
    g_message ("Cannot finish an interrupted import: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

/**
 * lab_store_open_async:
 *
 * Opens (creating or upgrading it if needed) the worker's connection. The
 * error says why a store cannot be opened: %LAB_STORE_ERROR_NOT_WRITABLE,
 * %LAB_STORE_ERROR_NOT_A_DATABASE, %LAB_STORE_ERROR_SCHEMA_TOO_NEW…
 */
void
lab_store_open_async (LabStore            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (LAB_IS_STORE (self));

  queue_job (self, lab_store_open_async, NULL, open_job, cancellable, callback, user_data);
}

gboolean
lab_store_open_finish (LabStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_store_open_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sessions */

static void
count_sessions_job (LabStore *self,
                    LabDb    *db,
                    GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 count = lab_browse_count_sessions (db, data->filter, &error);

  return_int64 (task, count, error);
}

void
lab_store_count_sessions_async (LabStore               *self,
                                const LabSessionFilter *filter,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (filter != NULL);

  data = g_new0 (JobData, 1);
  data->filter = lab_session_filter_copy (filter);
  queue_job (self, lab_store_count_sessions_async, data, count_sessions_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_count_sessions_finish:
 *
 * Returns: the number of sessions, or -1 with @error set
 */
gint64
lab_store_count_sessions_finish (LabStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return propagate_int64 (self, result, lab_store_count_sessions_async, error);
}

static void
list_sessions_job (LabStore *self,
                   LabDb    *db,
                   GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *sessions = lab_browse_list_sessions (db, data->filter, data->offset, data->limit,
                                                  &error);

  return_pointer (task, sessions, (GDestroyNotify) g_ptr_array_unref, error);
}

void
lab_store_list_sessions_async (LabStore               *self,
                               const LabSessionFilter *filter,
                               guint                   offset,
                               guint                   limit,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (filter != NULL);

  data = g_new0 (JobData, 1);
  data->filter = lab_session_filter_copy (filter);
  data->offset = offset;
  data->limit = limit;
  queue_job (self, lab_store_list_sessions_async, data, list_sessions_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_list_sessions_finish:
 *
 * Returns: (transfer full) (element-type LabSession): one page of sessions
 */
GPtrArray *
lab_store_list_sessions_finish (LabStore      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return propagate_pointer (self, result, lab_store_list_sessions_async, error);
}

static void
session_position_job (LabStore *self,
                      LabDb    *db,
                      GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 position = lab_browse_session_position (db, data->filter, data->session_id, &error);

  if (position == -2)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, position);
}

void
lab_store_session_position_async (LabStore               *self,
                                  const LabSessionFilter *filter,
                                  const char             *session_id,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (filter != NULL);
  g_return_if_fail (session_id != NULL);

  data = g_new0 (JobData, 1);
  data->filter = lab_session_filter_copy (filter);
  data->session_id = g_strdup (session_id);
  queue_job (self, lab_store_session_position_async, data, session_position_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_session_position_finish:
 *
 * Returns: the position, -1 when the filter does not list the session, or -2
 *   with @error set
 */
gint64
lab_store_session_position_finish (LabStore      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -2);

  /* -1 is a valid answer here, so an error is told apart by the task. */
  if (g_task_had_error (G_TASK (result)))
    {
      g_task_propagate_int (G_TASK (result), error);
      return -2;
    }

  return propagate_int64 (self, result, lab_store_session_position_async, error);
}

static void
get_session_job (LabStore *self,
                 LabDb    *db,
                 GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  LabSession *session = lab_browse_get_session (db, data->session_id, &error);

  return_pointer (task, session, g_object_unref, error);
}

void
lab_store_get_session_async (LabStore            *self,
                             const char          *id_or_prefix,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (id_or_prefix);
  queue_job (self, lab_store_get_session_async, data, get_session_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_get_session_finish:
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
LabSession *
lab_store_get_session_finish (LabStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_pointer (self, result, lab_store_get_session_async, error);
}

static void
list_participants_job (LabStore *self,
                       LabDb    *db,
                       GTask    *task)
{
  GError *error = NULL;
  char **names = lab_browse_list_participants (db, &error);

  return_pointer (task, names, (GDestroyNotify) g_strfreev, error);
}

void
lab_store_list_participants_async (LabStore            *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (LAB_IS_STORE (self));

  queue_job (self, lab_store_list_participants_async, NULL, list_participants_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_list_participants_finish:
 *
 * Returns: (transfer full): the participants, or %NULL with @error set
 */
char **
lab_store_list_participants_finish (LabStore      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return propagate_pointer (self, result, lab_store_list_participants_async, error);
}

static void
set_flag_job (LabStore *self,
              LabDb    *db,
              GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Once it started, the write completes: the statement is too short to be
   * worth cancelling, and the signal must follow every write that happened. */
  lab_db_set_cancellable (db, NULL);

  if (lab_browse_set_session_flag (db, data->session_id, data->flag, data->value, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
set_flag_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LabStore *self = LAB_STORE (object);
  g_autoptr(GTask) outer = user_data;
  JobData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  g_signal_emit (self, signals[SIGNAL_SESSION_FLAG_CHANGED], 0,
                 data->session_id, data->flag, data->value);
  g_task_return_boolean (outer, TRUE);
}

/**
 * lab_store_set_session_flag_async:
 * @session_id: a full session id
 * @flag: "starred" or "archived"
 * @value: the new value
 *
 * Writes the flag; on success #LabStore::session-flag-changed is emitted
 * before @callback runs.
 */
void
lab_store_set_session_flag_async (LabStore            *self,
                                  const char          *session_id,
                                  const char          *flag,
                                  gboolean             value,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *outer;
  GTask *task;
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (g_strcmp0 (flag, "starred") == 0 || g_strcmp0 (flag, "archived") == 0);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, lab_store_set_session_flag_async);
  /* The outer task reports the write even when cancelled meanwhile. */
  g_task_set_check_cancellable (outer, FALSE);

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (session_id);
  data->flag = g_strdup (flag);
  data->value = !!value;
  task = queue_job (self, lab_store_set_session_flag_async, data, set_flag_job,
                    cancellable, set_flag_done_cb, outer);
  g_task_set_check_cancellable (task, FALSE);
}

gboolean
lab_store_set_session_flag_finish (LabStore      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        lab_store_set_session_flag_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Messages */

static void
count_messages_job (LabStore *self,
                    LabDb    *db,
                    GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 count = lab_browse_count_messages (db, data->session_id, &error);

  return_int64 (task, count, error);
}

void
lab_store_count_messages_async (LabStore            *self,
                                const char          *session_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (session_id);
  queue_job (self, lab_store_count_messages_async, data, count_messages_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_count_messages_finish:
 *
 * Returns: the number of messages, or -1 with @error set
 */
gint64
lab_store_count_messages_finish (LabStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return propagate_int64 (self, result, lab_store_count_messages_async, error);
}

static void
list_messages_job (LabStore *self,
                   LabDb    *db,
                   GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *messages = lab_browse_list_messages (db, data->session_id, data->offset,
                                                  data->limit, &error);

  return_pointer (task, messages, (GDestroyNotify) g_ptr_array_unref, error);
}

void
lab_store_list_messages_async (LabStore            *self,
                               const char          *session_id,
                               guint                offset,
                               guint                limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (session_id);
  data->offset = offset;
  data->limit = limit;
  queue_job (self, lab_store_list_messages_async, data, list_messages_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_list_messages_finish:
 *
 * Returns: (transfer full) (element-type LabMessage): messages in order
 */
GPtrArray *
lab_store_list_messages_finish (LabStore      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return propagate_pointer (self, result, lab_store_list_messages_async, error);
}

static void
message_position_job (LabStore *self,
                      LabDb    *db,
                      GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 position = lab_browse_message_position (db, data->session_id, data->number, &error);

  return_int64 (task, position, error);
}

void
lab_store_message_position_async (LabStore            *self,
                                  const char          *session_id,
                                  gint64               sequence,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (session_id);
  data->number = sequence;
  queue_job (self, lab_store_message_position_async, data, message_position_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_message_position_finish:
 *
 * Returns: the message's position in its chat log, or -1 with @error set
 */
gint64
lab_store_message_position_finish (LabStore      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return propagate_int64 (self, result, lab_store_message_position_async, error);
}

static void
get_details_job (LabStore *self,
                 LabDb    *db,
                 GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  LabSessionDetails *details = lab_session_details_load (db, data->session_id, data->limit,
                                                         &error);

  return_pointer (task, details, (GDestroyNotify) lab_session_details_free, error);
}

void
lab_store_get_details_async (LabStore            *self,
                             const char          *session_id,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (session_id != NULL);

  data = g_new0 (JobData, 1);
  data->session_id = g_strdup (session_id);
  data->limit = limit;
  queue_job (self, lab_store_get_details_async, data, get_details_job,
             cancellable, callback, user_data);
}

/**
 * lab_store_get_details_finish:
 *
 * Returns: (transfer full): the session's details, or %NULL with @error set
 */
LabSessionDetails *
lab_store_get_details_finish (LabStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_pointer (self, result, lab_store_get_details_async, error);
}

/* Search */

static void
search_job (LabStore *self,
            LabDb    *db,
            GTask    *task)
{
  JobData *data = g_task_get_task_data (task);
  GError *error = NULL;
  LabSearchResults *results = lab_search_run (db, data->query, g_task_get_cancellable (task),
                                              &error);

  return_pointer (task, results, (GDestroyNotify) lab_search_results_free, error);
}

/**
 * lab_store_search_async:
 * @query: what to search for
 *
 * Runs lab_search_run() on the worker. Cancel @cancellable when the query
 * changes: a search still queued is skipped, one running stops early.
 */
void
lab_store_search_async (LabStore             *self,
                        const LabSearchQuery *query,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  JobData *data;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (query != NULL);

  data = g_new0 (JobData, 1);
  data->query = lab_search_query_copy (query);
  queue_job (self, lab_store_search_async, data, search_job, cancellable, callback, user_data);
}

/**
 * lab_store_search_finish:
 *
 * Returns: (transfer full): the results, or %NULL with @error set
 *   (%LAB_STORE_ERROR_QUERY_SYNTAX for a query that cannot be understood)
 */
LabSearchResults *
lab_store_search_finish (LabStore      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return propagate_pointer (self, result, lab_store_search_async, error);
}

/* Long operations: each in its own thread with its own connection. */

static void
collect_info_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LabStore *self = source_object;
  g_autoptr(LabDb) db = NULL;
  LabStoreInfo *info;
  GError *error = NULL;

  db = lab_db_open (self->dir, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  lab_db_set_cancellable (db, cancellable);
  /* Collected first: the order in which arguments are evaluated is not
   * defined, and @error must be read after it is set. */
  info = lab_store_info_collect (db, &error);
  return_pointer (task, info, (GDestroyNotify) lab_store_info_free, error);
}

/**
 * lab_store_collect_info_async:
 *
 * Collects the store summary (sizes, counts, schema version). It walks the
 * workspace and counts every table, which takes a second on a large store, so
 * it runs in its own thread and never delays the lists.
 */
void
lab_store_collect_info_async (LabStore            *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_store_collect_info_async);
  g_task_run_in_thread (task, collect_info_thread);
}

/**
 * lab_store_collect_info_finish:
 *
 * Returns: (transfer full): the summary, or %NULL with @error set
 */
LabStoreInfo *
lab_store_collect_info_finish (LabStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return propagate_pointer (self, result, lab_store_collect_info_async, error);
}

typedef struct
{
  LabDemoOptions options;
  LabDemoStats stats;
  LabProgress *progress;
} DemoData;

static void
demo_data_free (gpointer data)
{
  DemoData *demo = data;

  g_clear_object (&demo->progress);
  g_free (demo);
}

static void
load_demo_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  LabStore *self = source_object;
  DemoData *demo = task_data;
  g_autoptr(LabDb) db = NULL;
  GError *error = NULL;

  db = lab_db_open (self->dir, LAB_DB_OPEN_DEFAULT, &error);
  if (db == NULL || !lab_demo_generate (db, &demo->options, &demo->stats,
                                        demo->progress ? lab_progress_report : NULL,
                                        demo->progress, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
load_demo_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LabStore *self = LAB_STORE (object);
  g_autoptr(GTask) outer = user_data;
  DemoData *demo = g_task_get_task_data (G_TASK (result));
  DemoData *outer_demo = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  outer_demo->stats = demo->stats;
  lab_store_emit_changed (self);
  g_task_return_boolean (outer, TRUE);
}

/**
 * lab_store_load_demo_async:
 * @options: what to generate
 * @progress: (nullable): where to report progress
 *
 * Adds demo data in its own thread and connection (lab_demo_generate()), then
 * emits #LabStore::changed.
 */
void
lab_store_load_demo_async (LabStore             *self,
                           const LabDemoOptions *options,
                           LabProgress          *progress,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *outer;
  DemoData *demo;

  g_return_if_fail (LAB_IS_STORE (self));
  g_return_if_fail (options != NULL);
  g_return_if_fail (!progress || LAB_IS_PROGRESS (progress));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, lab_store_load_demo_async);
  g_task_set_task_data (outer, g_new0 (DemoData, 1), demo_data_free);

  demo = g_new0 (DemoData, 1);
  demo->options = *options;
  demo->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (self, cancellable, load_demo_done_cb, outer);
  g_task_set_source_tag (task, lab_store_load_demo_async);
  g_task_set_task_data (task, demo, demo_data_free);
  g_task_run_in_thread (task, load_demo_thread);
}

/**
 * lab_store_load_demo_finish:
 * @stats: (out caller-allocates) (optional): what was generated
 */
gboolean
lab_store_load_demo_finish (LabStore      *self,
                            GAsyncResult  *result,
                            LabDemoStats  *stats,
                            GError       **error)
{
  DemoData *demo;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_store_load_demo_async,
                        FALSE);

  demo = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = demo->stats;

  return g_task_propagate_boolean (G_TASK (result), error);
}
