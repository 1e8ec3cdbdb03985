/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-health-monitor"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-backup.h"
#include "lab-error.h"
#include "lab-health-monitor.h"
#include "lab-vacuum.h"

/**
 * LabHealthMonitor:
 *
 * The store's health as the application knows it: the last check's report
 * (the start-up quick check, or a full check a person asked for) and the one
 * health operation running, if any (check, repair, restore, compact), with
 * its progress. There is one per #LabStore, so that the start-up check the
 * application runs and the Data page's status section share it. Every
 * operation runs in its own thread with its own connection (the store's
 * `_async` pairs) and holds the application while it writes.
 *
 * When an operation ends it emits #LabHealthMonitor::finished with a
 * sentence for a toast; a cancelled one is silent.
 */
struct _LabHealthMonitor
{
  GObject parent_instance;

  GWeakRef store;
  LabDataDir *dir;
  LabCheckReport *report;
  LabProgress *progress;
  GCancellable *cancellable;
  const char *operation;   /* static string while busy, else NULL */
  gboolean held;
};

G_DEFINE_FINAL_TYPE (LabHealthMonitor, lab_health_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REPORT,
  PROP_PROGRESS,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define DATA_KEY "lab-health-monitor"
/* Seconds from the store's opening to the start-up check. */
#define START_UP_CHECK_DELAY 3

static void
set_report (LabHealthMonitor *self,
            LabCheckReport   *report)
{
  if (g_set_object (&self->report, report))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
}

static gboolean
begin (LabHealthMonitor *self,
       const char       *operation,
       gboolean          writes)
{
  GApplication *app = g_application_get_default ();

  if (self->operation != NULL)
    return FALSE;

  self->operation = operation;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->progress, NULL);
  self->progress = lab_progress_new ();

  /* Work that writes finishes even if the window closes meanwhile. */
  self->held = writes && app != NULL;
  if (self->held)
    g_application_hold (app);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return TRUE;
}

/* Ends the operation; @error (cancelled: silent) or @message is what the
 * person is told. */
static void
end (LabHealthMonitor *self,
     const GError     *error,
     const char       *message)
{
  const char *operation = self->operation;

  self->operation = NULL;
  g_clear_object (&self->progress);
  if (self->held)
    g_application_release (g_application_get_default ());
  self->held = FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, operation,
                 error != NULL ? error->message : message, error != NULL);
}

static void
emit_store_changed (LabHealthMonitor *self)
{
  g_autoptr(LabStore) store = g_weak_ref_get (&self->store);

  if (store != NULL)
    lab_store_emit_changed (store);
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabHealthMonitor) self = user_data;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean quick;

  report = lab_check_run_finish (LAB_DATA_DIR (object), result, &error);
  if (report == NULL)
    {
      g_autofree char *message = NULL;

      if (error->domain != G_IO_ERROR || error->code != G_IO_ERROR_CANCELLED)
        {
          message = g_strdup_printf (_("Could not check the data: %s"), error->message);
          g_free (error->message);
          error->message = g_steal_pointer (&message);
        }
      end (self, error, NULL);
      return;
    }

  quick = lab_check_report_get_level (report) == LAB_CHECK_QUICK;
  set_report (self, report);
  summary = lab_check_report_dup_summary (report);
  /* The start-up check speaks through the status section only. */
  end (self, NULL, quick ? NULL : summary);
}

/**
 * lab_health_monitor_check:
 * @level: how thoroughly
 *
 * Checks the store in its own thread; the report replaces the one shown.
 * Nothing happens while another health operation runs.
 */
void
lab_health_monitor_check (LabHealthMonitor *self,
                          LabCheckLevel     level)
{
  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));

  if (!begin (self, level == LAB_CHECK_QUICK ? "quick-check" : "check", FALSE))
    return;

  lab_check_run_async (self->dir, level, self->progress, self->cancellable, check_cb,
                       g_object_ref (self));
}

static gboolean
start_up_check_cb (gpointer data)
{
  g_autoptr(LabStore) store = g_weak_ref_get (data);

  if (store != NULL)
    lab_health_monitor_check (lab_health_monitor_get_for_store (store), LAB_CHECK_QUICK);

  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/**
 * lab_health_monitor_start_up_check:
 * @store: the store the application just opened
 *
 * Runs the quick check (quick_check and the schema version) in a thread of
 * its own, a few seconds after the store opened: the window is presented
 * and its first list drawn by then. Started at once, it read the whole
 * database beside the first list's query, on two cores, and the list came
 * about 100 ms later on the 1,000,000-message store.
 */
void
lab_health_monitor_start_up_check (LabStore *store)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_return_if_fail (LAB_IS_STORE (store));

  g_weak_ref_init (ref, store);
  g_timeout_add_seconds_full (G_PRIORITY_LOW, START_UP_CHECK_DELAY, start_up_check_cb, ref,
                              weak_ref_free);
}

static void
repair_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabHealthMonitor) self = user_data;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *message = NULL;

  report = lab_check_repair_finish (LAB_DATA_DIR (object), result, &error);
  /* Even a failed repair may have changed something before it stopped. */
  emit_store_changed (self);
  if (report == NULL)
    {
      end (self, error, NULL);
      return;
    }

  set_report (self, report);
  summary = lab_check_report_dup_summary (report);
  /* Translators: the argument is the new check's summary */
  message = g_strdup_printf (_("Repaired. %s"), summary);
  end (self, NULL, message);
}

/**
 * lab_health_monitor_repair:
 * @finding: a finding of the report shown, with a safe repair
 *
 * Applies the repair the store offers for @finding (after a backup where it
 * deletes or changes what the database records), then checks again.
 */
void
lab_health_monitor_repair (LabHealthMonitor *self,
                           LabCheckFinding  *finding)
{
  g_autoptr(GPtrArray) findings = NULL;

  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));
  g_return_if_fail (LAB_IS_CHECK_FINDING (finding));

  if (self->report == NULL || !begin (self, "repair", TRUE))
    return;

  findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (findings, g_object_ref (finding));
  lab_check_repair_async (self->dir, self->report, findings, self->progress, self->cancellable,
                          repair_cb, g_object_ref (self));
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabHealthMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pre_restore = NULL;
  gboolean ok;

  ok = lab_backup_restore_finish (LAB_DATA_DIR (object), result, &pre_restore, &error);
  emit_store_changed (self);
  if (!ok)
    {
      end (self, error, NULL);
      return;
    }

  end (self, NULL, _("The backup was restored"));
  /* The status shows the restored database's health. */
  lab_health_monitor_check (self, LAB_CHECK_QUICK);
}

/**
 * lab_health_monitor_restore:
 * @backup: the name of the backup to restore
 *
 * Restores the whole store from @backup (lab_backup_restore(): verified
 * first, the current state backed up), then checks it.
 */
void
lab_health_monitor_restore (LabHealthMonitor *self,
                            const char       *backup)
{
  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));
  g_return_if_fail (backup != NULL);

  if (!begin (self, "restore", TRUE))
    return;

  lab_backup_restore_async (self->dir, backup, NULL, self->progress, self->cancellable,
                            restore_cb, g_object_ref (self));
}

static void
compact_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabHealthMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *size = NULL;
  LabVacuumResult vacuum = { 0 };

  if (!lab_vacuum_finish (LAB_DATA_DIR (object), result, &vacuum, &error))
    {
      end (self, error, NULL);
      return;
    }

  emit_store_changed (self);
  if (vacuum.size_after < vacuum.size_before)
    {
      size = g_format_size (vacuum.size_before - vacuum.size_after);
      /* Translators: the argument is a size, "12.4 MB" */
      message = g_strdup_printf (_("Database compacted: %s reclaimed"), size);
    }
  else
    message = g_strdup (_("Database compacted: it had no space to give back"));
  end (self, NULL, message);
}

/**
 * lab_health_monitor_compact:
 *
 * Compacts the database (lab_vacuum()); it refuses when the disk has no room
 * for the copy it writes.
 */
void
lab_health_monitor_compact (LabHealthMonitor *self)
{
  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));

  if (!begin (self, "compact", TRUE))
    return;

  lab_vacuum_async (self->dir, self->progress, self->cancellable, compact_cb,
                    g_object_ref (self));
}

/**
 * lab_health_monitor_cancel:
 *
 * Stops the operation running, if any; it ends silently.
 */
void
lab_health_monitor_cancel (LabHealthMonitor *self)
{
  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));

  g_cancellable_cancel (self->cancellable);
}

static void
find_last_backup_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  LabHealthMonitor *self = source_object;
  g_autoptr(GPtrArray) backups = NULL;
  GError *error = NULL;
  LabBackupInfo *last;

  backups = lab_backup_list (self->dir, &error);
  if (backups == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  last = lab_backup_find_last_good (backups);
  if (last == NULL)
    {
      g_task_return_new_error (task, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                               _("There is no good backup to restore"));
      return;
    }

  g_task_return_pointer (task, g_object_ref (last), g_object_unref);
}

/**
 * lab_health_monitor_find_last_backup_async:
 *
 * Finds the newest backup not known to be damaged (lab_backup_list() reads
 * every sidecar, hence a thread).
 */
void
lab_health_monitor_find_last_backup_async (LabHealthMonitor    *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_HEALTH_MONITOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_health_monitor_find_last_backup_async);
  g_task_run_in_thread (task, find_last_backup_thread);
}

/**
 * lab_health_monitor_find_last_backup_finish:
 *
 * Returns: (transfer full): the backup, or %NULL with @error set
 *   (%LAB_STORE_ERROR_NOT_FOUND when there is none)
 */
LabBackupInfo *
lab_health_monitor_find_last_backup_finish (LabHealthMonitor  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lab_health_monitor_dispose (GObject *object)
{
  LabHealthMonitor *self = (LabHealthMonitor *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->report);
  g_clear_object (&self->progress);

  G_OBJECT_CLASS (lab_health_monitor_parent_class)->dispose (object);
}

static void
lab_health_monitor_finalize (GObject *object)
{
  LabHealthMonitor *self = (LabHealthMonitor *) object;

  g_weak_ref_clear (&self->store);
  g_clear_object (&self->dir);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_health_monitor_parent_class)->finalize (object);
}

static void
lab_health_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabHealthMonitor *self = LAB_HEALTH_MONITOR (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;
    case PROP_PROGRESS:
      g_value_set_object (value, self->progress);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->operation != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_health_monitor_class_init (LabHealthMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_health_monitor_dispose;
  object_class->finalize = lab_health_monitor_finalize;
  object_class->get_property = lab_health_monitor_get_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, LAB_TYPE_CHECK_REPORT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_object ("progress", NULL, NULL, LAB_TYPE_PROGRESS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabHealthMonitor::finished:
   * @operation: "check", "quick-check", "repair", "restore" or "compact"
   * @message: (nullable): what to tell the person
   * @failed: whether it failed
   *
   * An operation ended (not emitted when it was cancelled).
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
lab_health_monitor_init (LabHealthMonitor *self)
{
  g_weak_ref_init (&self->store, NULL);
}

/* The store is gone (the application quits): what runs for it stops. */
static void
store_gone_cb (gpointer  data,
               GObject  *where_the_object_was)
{
  LabHealthMonitor *self = data;

  g_cancellable_cancel (self->cancellable);
}

/**
 * lab_health_monitor_get_for_store:
 *
 * Returns: (transfer none): the store's monitor, made on first use with the
 *   last stored check result (data/check.json)
 */
LabHealthMonitor *
lab_health_monitor_get_for_store (LabStore *store)
{
  LabHealthMonitor *self;

  g_return_val_if_fail (LAB_IS_STORE (store), NULL);

  self = g_object_get_data (G_OBJECT (store), DATA_KEY);
  if (self != NULL)
    return self;

  self = g_object_new (LAB_TYPE_HEALTH_MONITOR, NULL);
  g_weak_ref_set (&self->store, store);
  self->dir = g_object_ref (lab_store_get_data_dir (store));
  /* A small file, read before the start-up check replaces it: the newest of
   * the last results of each level. */
  for (LabCheckLevel level = LAB_CHECK_QUICK; level <= LAB_CHECK_DEEP; level++)
    {
      g_autoptr(LabCheckReport) last = lab_check_load_last (self->dir, level, NULL);

      if (last != NULL && (self->report == NULL ||
                           lab_check_report_get_checked_at (last) >
                           lab_check_report_get_checked_at (self->report)))
        g_set_object (&self->report, last);
    }
  g_object_weak_ref (G_OBJECT (store), store_gone_cb, self);
  g_object_set_data_full (G_OBJECT (store), DATA_KEY, self, g_object_unref);

  return self;
}

LabStore *
lab_health_monitor_get_store (LabHealthMonitor *self)
{
  g_autoptr(LabStore) store = NULL;

  g_return_val_if_fail (LAB_IS_HEALTH_MONITOR (self), NULL);

  /* (transfer none): the store owns the monitor, so outlives this call. */
  store = g_weak_ref_get (&self->store);
  return store;
}

LabCheckReport *
lab_health_monitor_get_report (LabHealthMonitor *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_MONITOR (self), NULL);
  return self->report;
}

LabProgress *
lab_health_monitor_get_progress (LabHealthMonitor *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_MONITOR (self), NULL);
  return self->progress;
}

/**
 * lab_health_monitor_get_operation:
 *
 * Returns: (nullable): the operation running, as #LabHealthMonitor::finished
 *   names it
 */
const char *
lab_health_monitor_get_operation (LabHealthMonitor *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_MONITOR (self), NULL);
  return self->operation;
}

gboolean
lab_health_monitor_get_busy (LabHealthMonitor *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_MONITOR (self), FALSE);
  return self->operation != NULL;
}
