/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-progress"

#include "config.h"

#include "lab-progress.h"

/**
 * LabProgress:
 *
 * The progress of one long operation, as properties a window can bind to a
 * GtkProgressBar. Worker threads report through lab_progress_report(); the
 * properties change on the main context the object was created on.
 */
struct _LabProgress
{
  GObject parent_instance;

  GMainContext *context;
  GMutex lock;
  double pending_fraction;
  char *pending_message;
  gboolean update_queued;

  double fraction;
  char *message;
};

G_DEFINE_FINAL_TYPE (LabProgress, lab_progress, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FRACTION,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_progress_finalize (GObject *object)
{
  LabProgress *self = (LabProgress *) object;

  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->pending_message);
  g_free (self->message);

  G_OBJECT_CLASS (lab_progress_parent_class)->finalize (object);
}

static void
lab_progress_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LabProgress *self = LAB_PROGRESS (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_progress_class_init (LabProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_progress_finalize;
  object_class->get_property = lab_progress_get_property;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, -1, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_progress_init (LabProgress *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
}

/**
 * lab_progress_new:
 *
 * Returns: (transfer full): a progress reporting to the thread-default main
 *   context of the caller
 */
LabProgress *
lab_progress_new (void)
{
  return g_object_new (LAB_TYPE_PROGRESS, NULL);
}

double
lab_progress_get_fraction (LabProgress *self)
{
  g_return_val_if_fail (LAB_IS_PROGRESS (self), 0);
  return self->fraction;
}

const char *
lab_progress_get_message (LabProgress *self)
{
  g_return_val_if_fail (LAB_IS_PROGRESS (self), NULL);
  return self->message;
}

static gboolean
apply_update (gpointer user_data)
{
  LabProgress *self = user_data;
  g_autofree char *message = NULL;
  double fraction;

  g_mutex_lock (&self->lock);
  fraction = self->pending_fraction;
  message = g_steal_pointer (&self->pending_message);
  self->update_queued = FALSE;
  g_mutex_unlock (&self->lock);

  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }

  if (message != NULL && g_strcmp0 (message, self->message) != 0)
    {
      g_free (self->message);
      self->message = g_steal_pointer (&message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }

  return G_SOURCE_REMOVE;
}

/**
 * lab_progress_report:
 * @fraction: from 0 to 1, or -1 if unknown
 * @message: (nullable): what is being done; %NULL keeps the last one
 * @progress: (type LabProgress): the #LabProgress
 *
 * A #LabProgressFunc: callable from any thread. Reports arriving faster than the
 * main loop runs are merged into one update, so a tight loop cannot flood it.
 */
void
lab_progress_report (double      fraction,
                     const char *message,
                     gpointer    progress)
{
  LabProgress *self = progress;
  gboolean queue;

  g_return_if_fail (LAB_IS_PROGRESS (self));

  g_mutex_lock (&self->lock);
  self->pending_fraction = fraction;
  if (message != NULL)
    {
      g_free (self->pending_message);
      self->pending_message = g_strdup (message);
    }
  queue = !self->update_queued;
  self->update_queued = TRUE;
  g_mutex_unlock (&self->lock);

  if (queue)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_update,
                                g_object_ref (self), g_object_unref);
}
