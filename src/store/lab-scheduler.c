/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-scheduler"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-backup-private.h"
#include "lab-cleanup.h"
#include "lab-config.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-scheduler.h"
#include "lab-timestamp.h"

/**
 * LabScheduler:
 *
 * Makes the automatic backups: daily at `auto_backup.time`, or a minute after
 * start when one is overdue, never two at once, skipping when nothing changed
 * since the last good backup. Retention runs after each one.
 *
 * It holds no long timer. A short periodic check reads the wall clock and
 * compares the most recent scheduled time with the one the last run served,
 * which is kept in `config/scheduler-state.json`: a suspend (during which
 * monotonic timers stand still) or a change of the clock can make a run late,
 * but never make it happen twice or not at all. The clock can be replaced, so
 * that tests run days of schedule in milliseconds.
 *
 * It has no GTK in it: the application connects to its signals to notify.
 */
struct _LabScheduler
{
  GObject parent_instance;

  LabDataDir *dir;
  LabClockFunc clock_func;
  gpointer clock_data;
  GDestroyNotify clock_destroy;
  guint check_interval;
  gint64 catch_up_delay;
  guint timeout_id;
  gint64 started_at;
  GCancellable *cancellable;
  LabProgress *progress;
  gboolean started;
  gboolean running;
  gboolean config_broken;

  /* The state, as in config/scheduler-state.json. */
  gint64 last_slot;      /* the scheduled time the last good run served */
  gint64 failed_slot;    /* the scheduled time the last failed run was for */
  gint64 last_attempt;   /* when the last run started */
  gint64 last_run;       /* when the last run ended */
  char *last_result;     /* "created", "skipped" or "failed" */
  char *last_backup;
  char *last_skip_reason;
  char *last_error;

  gint64 next_run;
};

G_DEFINE_FINAL_TYPE (LabScheduler, lab_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_NEXT_RUN,
  PROP_LAST_RUN,
  PROP_LAST_RESULT,
  PROP_LAST_BACKUP,
  PROP_LAST_SKIP_REASON,
  PROP_LAST_ERROR,
  N_PROPS
};

enum {
  SIGNAL_BACKUP_STARTED,
  SIGNAL_BACKUP_FINISHED,
  SIGNAL_BACKUP_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define DEFAULT_CHECK_INTERVAL_MS (20 * 1000)
#define DEFAULT_CATCH_UP_DELAY (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define RETRY_DELAY (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define STATE_FILE "scheduler-state.json"

static gint64
now_usec (LabScheduler *self)
{
  if (self->clock_func != NULL)
    return self->clock_func (self->clock_data);

  return g_get_real_time ();
}

static char *
state_path (LabScheduler *self)
{
  return g_build_filename (lab_data_dir_get_config_path (self->dir), STATE_FILE, NULL);
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
load_state (LabScheduler *self)
{
  g_autofree char *path = state_path (self);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  if (!json_parser_load_from_file (parser, path, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      /* Without it the next run is due at once; nothing worse. */
      g_warning ("Ignoring the damaged scheduler state “%s”: %s", path,
                 error ? error->message : "not a JSON object");
      return;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  self->last_slot = _lab_backup_json_get_time (root, "last_slot");
  self->failed_slot = _lab_backup_json_get_time (root, "failed_slot");
  self->last_attempt = _lab_backup_json_get_time (root, "last_attempt");
  self->last_run = _lab_backup_json_get_time (root, "last_run");
  set_string (&self->last_result, json_object_get_string_member_with_default (root, "last_result",
                                                                              NULL));
  set_string (&self->last_backup, json_object_get_string_member_with_default (root, "last_backup",
                                                                              NULL));
  set_string (&self->last_skip_reason,
              json_object_get_string_member_with_default (root, "last_skip_reason", NULL));
  set_string (&self->last_error, json_object_get_string_member_with_default (root, "last_error",
                                                                             NULL));
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
save_state (LabScheduler *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = state_path (self);
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  _lab_backup_json_add_time (builder, "last_slot", self->last_slot);
  _lab_backup_json_add_time (builder, "failed_slot", self->failed_slot);
  _lab_backup_json_add_time (builder, "last_attempt", self->last_attempt);
  _lab_backup_json_add_time (builder, "last_run", self->last_run);
  add_string (builder, "last_result", self->last_result);
  add_string (builder, "last_backup", self->last_backup);
  add_string (builder, "last_skip_reason", self->last_skip_reason);
  add_string (builder, "last_error", self->last_error);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);

  if (!lab_mkdir_private (lab_data_dir_get_config_path (self->dir), &error) ||
      !lab_file_replace_contents (path, text, -1, &error))
    g_warning ("Cannot save the scheduler state: %s", error->message);
}

/* The time of day @hour:@minute, local time, on the day of @usec. */
static gint64
slot_on_day_of (gint64 usec,
                int    hour,
                int    minute,
                int    day_offset)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) day = g_date_time_add_days (when, day_offset);
  g_autoptr(GDateTime) slot = g_date_time_new_local (g_date_time_get_year (day),
                                                     g_date_time_get_month (day),
                                                     g_date_time_get_day_of_month (day),
                                                     hour, minute, 0);

  return g_date_time_to_unix (slot) * G_USEC_PER_SEC;
}

/* The latest scheduled time at or before @now. */
static gint64
latest_slot (gint64 now,
             int    hour,
             int    minute)
{
  gint64 today = slot_on_day_of (now, hour, minute, 0);

  return today <= now ? today : slot_on_day_of (now, hour, minute, -1);
}

static void
set_next_run (LabScheduler *self,
              gint64        next_run)
{
  if (self->next_run == next_run)
    return;

  self->next_run = next_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RUN]);
}

static void
set_running (LabScheduler *self,
             gboolean      running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

typedef struct
{
  gint64 slot;
  gint64 now;
  char *name;
  gboolean skipped;
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  g_free (run->name);
  g_free (run);
}

static void
run_cleanup (LabScheduler *self,
             RunData      *run,
             GCancellable *cancellable)
{
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = lab_cleanup_run_policy (self->dir, run->now, lab_progress_report, self->progress,
                                   cancellable, &error);
  if (result == NULL)
    {
      g_autoptr(JsonObject) details = json_object_new ();
      g_autoptr(GError) log_error = NULL;

      json_object_set_string_member (details, "trigger", "auto-backup");
      json_object_set_boolean_member (details, "ok", FALSE);
      json_object_set_string_member (details, "error", error->message);
      if (!lab_oplog_append (self->dir, "cleanup", details, &log_error))
        g_debug ("Cannot log the clean-up: %s", log_error->message);
    }
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  LabScheduler *self = source_object;
  RunData *run = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabConfig) config = NULL;
  LabProgressFunc report = lab_progress_report;

  run->name = lab_backup_create_full (self->dir, LAB_BACKUP_KIND_AUTO,
                                      LAB_BACKUP_CREATE_SKIP_UNCHANGED, &run->skipped, report,
                                      self->progress, cancellable, &error);
  if (run->name == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A new backup is verified at once, so that a bad one is known (and
   * reported) now, not on the day it is needed. */
  if (!run->skipped)
    {
      g_autoptr(LabBackupInfo) info = lab_backup_verify (self->dir, run->name, report,
                                                         self->progress, cancellable, &error);

      if (info == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (lab_backup_info_get_damaged (info))
        {
          g_task_return_new_error (task, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                                   _("The new backup %s failed verification: %s"), run->name,
                                   lab_backup_info_get_problems (info)[0]);
          return;
        }
    }

  /* Retention runs after each automatic backup; its failure does not make
   * the backup fail. */
  config = lab_config_load (self->dir, &error);
  if (config == NULL ||
      !lab_backup_prune (self->dir, config, run->now, NULL, NULL, cancellable, &error))
    g_warning ("Cannot apply the backup retention: %s", error->message);

  /* Then the automatic clean-up, if the policies ask for it; it logs itself
   * in the operations log, and so is a failure of it, which does not make the
   * backup fail either. */
  if (config != NULL && lab_config_get_boolean (config, LAB_CONFIG_AUTO_CLEANUP))
    run_cleanup (self, run, cancellable);

  g_task_return_boolean (task, TRUE);
}

static void update (LabScheduler *self,
                    gint64        now);

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LabScheduler *self = LAB_SCHEDULER (object);
  RunData *run = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Stopped: nothing to record, the slot stays due. */
          set_running (self, FALSE);
          return;
        }

      self->failed_slot = run->slot;
      self->last_run = now_usec (self);
      set_string (&self->last_result, "failed");
      set_string (&self->last_error, error->message);
      save_state (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_RUN]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_RESULT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);

      set_running (self, FALSE);
      g_signal_emit (self, signals[SIGNAL_BACKUP_FAILED], 0, error);
    }
  else
    {
      g_autofree char *reason = NULL;

      if (run->skipped)
        reason = g_strdup_printf (_("Nothing changed since the backup %s"), run->name);

      self->last_slot = run->slot;
      self->failed_slot = 0;
      self->last_run = now_usec (self);
      set_string (&self->last_result, run->skipped ? "skipped" : "created");
      set_string (&self->last_backup, run->name);
      set_string (&self->last_skip_reason, reason);
      set_string (&self->last_error, NULL);
      save_state (self);
      for (guint i = PROP_LAST_RUN; i <= PROP_LAST_ERROR; i++)
        g_object_notify_by_pspec (G_OBJECT (self), properties[i]);

      set_running (self, FALSE);
      g_signal_emit (self, signals[SIGNAL_BACKUP_FINISHED], 0, run->name, run->skipped);
    }

  if (self->started)
    update (self, now_usec (self));
}

static void
start_run (LabScheduler *self,
           gint64        slot,
           gint64        now)
{
  g_autoptr(GTask) task = NULL;
  RunData *run = g_new0 (RunData, 1);

  run->slot = slot;
  run->now = now;

  self->last_attempt = now;
  set_running (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_BACKUP_STARTED], 0);

  task = g_task_new (self, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, run, run_data_free);
  g_task_run_in_thread (task, run_thread);
}

/* Decides, from the wall clock and the state, whether a run is due now, and
 * when the next one is. */
static void
update (LabScheduler *self,
        gint64        now)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  gint64 slot;
  gint64 earliest;
  int hour;
  int minute;

  if (self->running)
    return;

  config = lab_config_load (self->dir, &error);
  if (config == NULL)
    {
      /* The settings cannot be read: do not guess them, but say so once,
       * as a failure, for no backup will be made until they are fixed. */
      set_next_run (self, 0);
      if (!self->config_broken)
        {
          self->config_broken = TRUE;
          set_string (&self->last_error, error->message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
          g_signal_emit (self, signals[SIGNAL_BACKUP_FAILED], 0, error);
        }
      return;
    }
  self->config_broken = FALSE;

  if (!lab_config_get_boolean (config, LAB_CONFIG_AUTO_BACKUP_ENABLED) ||
      !lab_config_parse_time (lab_config_get_string (config, LAB_CONFIG_AUTO_BACKUP_TIME), &hour,
                              &minute))
    {
      set_next_run (self, 0);
      return;
    }

  /* A last run days ahead means the clock was wrong then; trusting it would
   * mean no backup until that date. (A clock set back a little is normal and
   * does not repeat the run.) Likewise a start "after now". */
  if (self->last_slot > now + 2 * DAY)
    self->last_slot = 0;
  if (self->started_at > now)
    self->started_at = now;

  slot = latest_slot (now, hour, minute);
  if (self->last_slot >= slot)
    {
      /* Done; the next one is the first scheduled time after it. */
      set_next_run (self, slot_on_day_of (MAX (slot, self->last_slot), hour, minute, 1));
      return;
    }

  /* Due. Missed before this start: a minute after the start. */
  earliest = slot < self->started_at ? self->started_at + self->catch_up_delay : slot;
  if (self->failed_slot == slot && self->last_attempt + RETRY_DELAY > earliest)
    earliest = self->last_attempt + RETRY_DELAY;

  if (now >= earliest)
    {
      set_next_run (self, now);
      start_run (self, slot, now);
      return;
    }

  set_next_run (self, earliest);
}

static gboolean
check_cb (gpointer user_data)
{
  lab_scheduler_check (user_data);
  return G_SOURCE_CONTINUE;
}

static void
lab_scheduler_dispose (GObject *object)
{
  LabScheduler *self = (LabScheduler *) object;

  lab_scheduler_stop (self);

  G_OBJECT_CLASS (lab_scheduler_parent_class)->dispose (object);
}

static void
lab_scheduler_finalize (GObject *object)
{
  LabScheduler *self = (LabScheduler *) object;

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);
  g_clear_object (&self->dir);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->progress);
  g_free (self->last_result);
  g_free (self->last_backup);
  g_free (self->last_skip_reason);
  g_free (self->last_error);

  G_OBJECT_CLASS (lab_scheduler_parent_class)->finalize (object);
}

static void
lab_scheduler_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabScheduler *self = LAB_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_NEXT_RUN:
      g_value_set_int64 (value, self->next_run);
      break;
    case PROP_LAST_RUN:
      g_value_set_int64 (value, self->last_run);
      break;
    case PROP_LAST_RESULT:
      g_value_set_string (value, self->last_result);
      break;
    case PROP_LAST_BACKUP:
      g_value_set_string (value, self->last_backup);
      break;
    case PROP_LAST_SKIP_REASON:
      g_value_set_string (value, self->last_skip_reason);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_scheduler_class_init (LabSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_scheduler_dispose;
  object_class->finalize = lab_scheduler_finalize;
  object_class->get_property = lab_scheduler_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LabScheduler:next-run:
   *
   * When the next automatic backup is due (µs since the epoch), or 0 when
   * they are off or the scheduler is stopped.
   */
  properties[PROP_NEXT_RUN] =
    g_param_spec_int64 ("next-run", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_RUN] =
    g_param_spec_int64 ("last-run", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LabScheduler:last-result:
   *
   * "created", "skipped" or "failed"; %NULL before the first run.
   */
  properties[PROP_LAST_RESULT] =
    g_param_spec_string ("last-result", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_BACKUP] =
    g_param_spec_string ("last-backup", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SKIP_REASON] =
    g_param_spec_string ("last-skip-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabScheduler::backup-started:
   *
   * An automatic backup began; #LabScheduler:running is %TRUE until it ends.
   */
  signals[SIGNAL_BACKUP_STARTED] =
    g_signal_new ("backup-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  /**
   * LabScheduler::backup-finished:
   * @name: the new backup, or the last good one when nothing changed
   * @skipped: whether no backup was made because nothing changed
   *   (#LabScheduler:last-skip-reason says so in words)
   */
  signals[SIGNAL_BACKUP_FINISHED] =
    g_signal_new ("backup-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * LabScheduler::backup-failed:
   * @error: what went wrong
   *
   * The run is retried an hour later, until one succeeds.
   */
  signals[SIGNAL_BACKUP_FAILED] =
    g_signal_new ("backup-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
lab_scheduler_init (LabScheduler *self)
{
  self->check_interval = DEFAULT_CHECK_INTERVAL_MS;
  self->catch_up_delay = DEFAULT_CATCH_UP_DELAY;
  self->progress = lab_progress_new ();
}

/**
 * lab_scheduler_new:
 * @dir: the data directory
 *
 * Returns: (transfer full): a scheduler, stopped; its state is read from the
 *   data directory
 */
LabScheduler *
lab_scheduler_new (LabDataDir *dir)
{
  LabScheduler *self;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  self = g_object_new (LAB_TYPE_SCHEDULER, NULL);
  self->dir = g_object_ref (dir);
  load_state (self);

  return self;
}

LabDataDir *
lab_scheduler_get_data_dir (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->dir;
}

/**
 * lab_scheduler_set_clock:
 * @func: (nullable): the wall clock to use, or %NULL for the real one
 *
 * For tests: replaces the wall clock.
 */
void
lab_scheduler_set_clock (LabScheduler   *self,
                         LabClockFunc    func,
                         gpointer        user_data,
                         GDestroyNotify  destroy)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));

  if (self->clock_destroy != NULL)
    self->clock_destroy (self->clock_data);

  self->clock_func = func;
  self->clock_data = user_data;
  self->clock_destroy = destroy;
}

/**
 * lab_scheduler_set_check_interval:
 * @msec: how often the clock is read, in milliseconds (default 20 s)
 */
void
lab_scheduler_set_check_interval (LabScheduler *self,
                                  guint         msec)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));
  g_return_if_fail (msec > 0);

  self->check_interval = msec;
  if (self->timeout_id != 0)
    {
      g_clear_handle_id (&self->timeout_id, g_source_remove);
      self->timeout_id = g_timeout_add (self->check_interval, check_cb, self);
    }
}

/**
 * lab_scheduler_set_catch_up_delay:
 * @usec: how long after the start an overdue backup waits (default a minute)
 */
void
lab_scheduler_set_catch_up_delay (LabScheduler *self,
                                  gint64        usec)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));
  self->catch_up_delay = usec;
}

/**
 * lab_scheduler_start:
 *
 * Starts checking the clock on the thread-default main context.
 */
void
lab_scheduler_start (LabScheduler *self)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));

  if (self->started)
    return;

  self->started = TRUE;
  self->started_at = now_usec (self);
  g_set_object (&self->cancellable, NULL);
  self->cancellable = g_cancellable_new ();
  self->timeout_id = g_timeout_add (self->check_interval, check_cb, self);

  update (self, self->started_at);
}

/**
 * lab_scheduler_stop:
 *
 * Stops checking and cancels a backup in progress (which then leaves
 * nothing behind and is not recorded).
 */
void
lab_scheduler_stop (LabScheduler *self)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  set_next_run (self, 0);
}

/**
 * lab_scheduler_check:
 *
 * Reads the clock and starts a backup if one is due. The periodic timer
 * calls it; so may an application that learns of a resume or a clock change.
 */
void
lab_scheduler_check (LabScheduler *self)
{
  g_return_if_fail (LAB_IS_SCHEDULER (self));

  if (!self->started)
    return;

  update (self, now_usec (self));
}

/**
 * lab_scheduler_get_progress:
 *
 * Returns: (transfer none): the progress of the backup in progress
 */
LabProgress *
lab_scheduler_get_progress (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->progress;
}

gboolean
lab_scheduler_get_running (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), FALSE);
  return self->running;
}

gint64
lab_scheduler_get_next_run (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), 0);
  return self->next_run;
}

gint64
lab_scheduler_get_last_run (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), 0);
  return self->last_run;
}

const char *
lab_scheduler_get_last_result (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->last_result;
}

const char *
lab_scheduler_get_last_backup (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->last_backup;
}

const char *
lab_scheduler_get_last_skip_reason (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->last_skip_reason;
}

const char *
lab_scheduler_get_last_error (LabScheduler *self)
{
  g_return_val_if_fail (LAB_IS_SCHEDULER (self), NULL);
  return self->last_error;
}
