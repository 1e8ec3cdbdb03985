/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-application-backup"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application-private.h"
#include "lab-backup.h"
#include "lab-backups-section.h"
#include "lab-format.h"
#include "lab-window.h"

/* The application's side of backups: the scheduler of automatic backups,
 * the notifications after them, the background mode (no window, or the
 * window hidden instead of closed) and the actions `backup`, `verify-all`,
 * `restore` and `show-backups` that `gapplication action` reaches. */

#define NOTIFICATION_ID "backup"

/* The window shown on screen, if any (a hidden one, kept by "run in the
 * background", does not count). */
static LabWindow *
get_shown_window (LabApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (LAB_IS_WINDOW (l->data) && gtk_widget_get_visible (l->data))
        return l->data;
    }

  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static LabBackupsSection *
show_backups (LabApplication *self)
{
  GtkWindow *window;
  LabDataPage *page;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!LAB_IS_WINDOW (window))
    return NULL;

  lab_window_show_view (LAB_WINDOW (window), "data");
  page = lab_window_get_data_page (LAB_WINDOW (window));
  return LAB_BACKUPS_SECTION (find_descendant (GTK_WIDGET (page), LAB_TYPE_BACKUPS_SECTION));
}

static void
notify (LabApplication *self,
        const char     *title,
        const char     *body,
        gboolean        failure)
{
  g_autoptr(GNotification) notification = g_notification_new (title);

  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, failure ? G_NOTIFICATION_PRIORITY_HIGH
                                                     : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action (notification, "app.show-backups");
  if (failure)
    g_notification_add_button (notification, _("Show Backups"), "app.show-backups");

  self->n_notifications++;
  g_free (self->last_notification);
  self->last_notification = g_strdup (title);
  g_application_send_notification (G_APPLICATION (self), NOTIFICATION_ID, notification);
}

static void
notify_success (LabApplication *self,
                const char     *title,
                const char     *body)
{
  if (g_settings_get_boolean (self->settings, "notify-on-success"))
    notify (self, title, body, FALSE);
}

/* The scheduler */

static void
backup_finished_cb (LabScheduler   *scheduler,
                    const char     *name,
                    gboolean        skipped,
                    LabApplication *self)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *date = NULL;
  g_autofree char *body = NULL;

  /* Nothing changed since the last backup: nothing to tell. */
  if (skipped)
    return;

  if (self->store != NULL)
    lab_store_emit_changed (self->store);

  info = lab_backup_get (lab_scheduler_get_data_dir (scheduler), name, NULL);
  if (info != NULL)
    {
      g_autofree char *size = g_format_size (lab_backup_info_get_size (info));

      /* Translators: the size of the backup */
      body = g_strdup_printf (_("The automatic backup (%s) was made and verified."), size);
    }
  else
    body = g_strdup (_("The automatic backup was made and verified."));

  notify_success (self, _("Backup Made"), body);
}

static void
backup_failed_cb (LabScheduler   *scheduler,
                  const GError   *error,
                  LabApplication *self)
{
  notify (self, _("Automatic Backup Failed"), error->message, TRUE);
}

static void
set_store_actions_enabled (LabApplication *self,
                           gboolean        enabled)
{
  static const char *const actions[] = { "backup", "verify-all", "restore" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self),
                                                                              actions[i])),
                                 enabled);
}

/**
 * _lab_application_start_scheduler:
 * @store: the store just opened
 *
 * Creates the scheduler of @store's automatic backups and starts it: its time
 * and policy are the store's (config.json `auto_backup.*`), read again at
 * each check. Enables the backup actions.
 */
void
_lab_application_start_scheduler (LabApplication *self,
                                  LabStore       *store)
{
  if (self->scheduler != NULL)
    {
      lab_scheduler_stop (self->scheduler);
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
      g_clear_object (&self->scheduler);
    }

  self->scheduler = lab_scheduler_new (lab_store_get_data_dir (store));
  g_signal_connect_object (self->scheduler, "backup-finished", G_CALLBACK (backup_finished_cb),
                           self, 0);
  g_signal_connect_object (self->scheduler, "backup-failed", G_CALLBACK (backup_failed_cb),
                           self, 0);
  lab_scheduler_start (self->scheduler);
  g_object_notify (G_OBJECT (self), "scheduler");

  set_store_actions_enabled (self, TRUE);
}

/**
 * lab_application_get_scheduler:
 *
 * Returns: (transfer none) (nullable): the scheduler of automatic backups,
 *   once the store is open
 */
LabScheduler *
lab_application_get_scheduler (LabApplication *self)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), NULL);
  return self->scheduler;
}

/**
 * lab_application_get_n_notifications:
 * @title: (out) (optional) (transfer none): the title of the last one
 *
 * Returns: how many notifications about backups the application has sent
 */
guint
lab_application_get_n_notifications (LabApplication  *self,
                                     const char     **title)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (self), 0);

  if (title != NULL)
    *title = self->last_notification;
  return self->n_notifications;
}

/* Background mode */

static gboolean
close_request_cb (GtkWindow      *window,
                  LabApplication *self)
{
  if (self->quitting || !g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;

  /* Hidden, not destroyed: the application keeps running for the scheduled
   * backups, and the next launch shows the same window again. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  return TRUE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 LabApplication *self)
{
  /* After the window's own handler, which saves its size. */
  if (LAB_IS_WINDOW (window))
    g_signal_connect_object (window, "close-request", G_CALLBACK (close_request_cb), self,
                             G_CONNECT_AFTER);
}

/**
 * _lab_application_activate_background:
 *
 * Called first by ::activate. The first activation of `labdata --background`
 * shows no window and holds the application (it runs until `app.quit`).
 *
 * Returns: %TRUE if ::activate must not show a window
 */
gboolean
_lab_application_activate_background (LabApplication *self)
{
  if (!self->start_in_background)
    return FALSE;

  self->start_in_background = FALSE;
  if (!self->background_held)
    {
      self->background_held = TRUE;
      g_application_hold (G_APPLICATION (self));
    }
  return TRUE;
}

/**
 * _lab_application_set_background:
 *
 * `--background`: start without a window (handle-local-options).
 */
void
_lab_application_set_background (LabApplication *self)
{
  self->start_in_background = TRUE;
}

/**
 * _lab_application_backup_startup:
 *
 * Connects the background mode (::startup).
 */
void
_lab_application_backup_startup (LabApplication *self)
{
  g_signal_connect_object (self, "window-added", G_CALLBACK (window_added_cb), self, 0);
}

/**
 * _lab_application_backup_shutdown:
 *
 * Stops the scheduler (a backup in progress is cancelled and leaves nothing).
 */
void
_lab_application_backup_shutdown (LabApplication *self)
{
  self->quitting = TRUE;
  if (self->scheduler != NULL)
    {
      lab_scheduler_stop (self->scheduler);
      g_signal_handlers_disconnect_by_data (self->scheduler, self);
    }
  g_clear_object (&self->scheduler);
  g_clear_pointer (&self->last_notification, g_free);
  if (self->background_held)
    {
      self->background_held = FALSE;
      g_application_release (G_APPLICATION (self));
    }
}

/* Actions. With a window on screen they run in its Backups section (which
 * shows progress and asks where it must); with none, directly, and a
 * notification tells the result. */

typedef struct
{
  LabApplication *self;
  char *name;
} Job;

static void
job_free (Job *job)
{
  g_application_release (G_APPLICATION (job->self));
  g_object_unref (job->self);
  g_free (job->name);
  g_free (job);
}

static Job *
job_new (LabApplication *self,
         const char     *name)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->name = g_strdup (name);
  g_application_hold (G_APPLICATION (self));
  return job;
}

static void
verify_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  LabApplication *self = job->self;
  g_autoptr(GPtrArray) verified = NULL;
  g_autoptr(GError) error = NULL;
  guint damaged = 0;

  verified = lab_backup_verify_finish (LAB_DATA_DIR (object), result, &error);
  if (self->store != NULL)
    lab_store_emit_changed (self->store);

  if (verified == NULL)
    notify (self, job->name ? _("Backup Failed") : _("Verification Failed"), error->message, TRUE);
  else
    {
      for (guint i = 0; i < verified->len; i++)
        damaged += lab_backup_info_get_damaged (g_ptr_array_index (verified, i));

      if (damaged > 0)
        {
          g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                "%u backup is damaged",
                                                                "%u backups are damaged", damaged),
                                                   damaged);

          notify (self, _("Damaged Backups Found"), body, TRUE);
        }
      else if (job->name != NULL)
        notify_success (self, _("Backup Made"), _("The backup was made and verified."));
      else
        notify_success (self, _("Backups Verified"), _("Every backup is good."));
    }

  job_free (job);
}

static void
create_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  job->name = lab_backup_create_finish (LAB_DATA_DIR (object), result, NULL, &error);
  if (job->name == NULL)
    {
      notify (job->self, _("Backup Failed"), error->message, TRUE);
      job_free (job);
      return;
    }

  lab_backup_verify_async (LAB_DATA_DIR (object), job->name, NULL, job->self->cancellable,
                           verify_job_cb, job);
}

static void
backup_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  LabApplication *self = user_data;
  LabWindow *window = get_shown_window (self);

  if (self->store == NULL)
    return;

  if (window != NULL)
    {
      LabBackupsSection *section = show_backups (self);

      if (section != NULL)
        {
          gtk_widget_activate_action (GTK_WIDGET (section), "backups.back-up", NULL);
          return;
        }
    }

  lab_backup_create_async (lab_store_get_data_dir (self->store), LAB_BACKUP_KIND_MANUAL,
                           LAB_BACKUP_CREATE_DEFAULT, NULL, self->cancellable, create_job_cb,
                           job_new (self, NULL));
}

static void
verify_all_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LabApplication *self = user_data;

  if (self->store == NULL)
    return;

  if (get_shown_window (self) != NULL)
    {
      LabBackupsSection *section = show_backups (self);

      if (section != NULL)
        {
          gtk_widget_activate_action (GTK_WIDGET (section), "backups.verify-all", NULL);
          return;
        }
    }

  lab_backup_verify_async (lab_store_get_data_dir (self->store), NULL, NULL, self->cancellable,
                           verify_job_cb, job_new (self, NULL));
}

static void
restore_job_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = user_data;
  LabApplication *self = job->self;
  g_autofree char *pre_restore = NULL;
  g_autoptr(GError) error = NULL;

  if (!lab_backup_restore_finish (LAB_DATA_DIR (object), result, &pre_restore, &error))
    notify (self, _("Restore Failed"), error->message, TRUE);
  else
    {
      /* Translators: the names of two backups */
      g_autofree char *body = g_strdup_printf (_("The store is now as in %s; the state before "
                                                 "is kept as %s."),
                                               job->name, pre_restore);

      if (self->store != NULL)
        lab_store_emit_changed (self->store);
      notify_success (self, _("Backup Restored"), body);
    }

  job_free (job);
}

static void
restore_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  LabApplication *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);

  if (self->store == NULL)
    return;

  /* A person in front of the window is asked first, with what will change. */
  if (get_shown_window (self) != NULL)
    {
      LabBackupsSection *section = show_backups (self);

      if (section != NULL)
        {
          lab_backups_section_restore (section, name);
          return;
        }
    }

  /* No window: whoever sent the action asked for it; the restore verifies
   * the backup and backs up the present state first. */
  lab_backup_restore_async (lab_store_get_data_dir (self->store), name, NULL, NULL,
                            self->cancellable, restore_job_cb, job_new (self, name));
}

/* Puts the section's top at the top of the page, once it is laid out (the
 * focus moving into it scrolled only enough to show its first button). */
static gboolean
scroll_to_section (GtkWidget     *section,
                   GdkFrameClock *clock,
                   gpointer       data)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (section, GTK_TYPE_SCROLLED_WINDOW);
  double x = 0;
  double y = 0;

  if (scrolled != NULL && gtk_widget_translate_coordinates (section, scrolled, 0, 0, &x, &y))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + y - 12);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
focus_section (gpointer data)
{
  GtkWidget *section = data;

  gtk_widget_child_focus (section, GTK_DIR_TAB_FORWARD);
  gtk_widget_add_tick_callback (section, scroll_to_section, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
show_backups_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  LabBackupsSection *section = show_backups (user_data);

  /* Focus moves into the section, which scrolls the page to it. */
  if (section != NULL)
    g_idle_add_full (G_PRIORITY_LOW, focus_section, g_object_ref (section), g_object_unref);
}

/**
 * _lab_application_install_backup_actions:
 *
 * Adds `backup`, `verify-all`, `restore` (s: a backup's name) and
 * `show-backups`; the first three are enabled once the store is open.
 */
void
_lab_application_install_backup_actions (LabApplication *self)
{
  static const GActionEntry entries[] = {
    { .name = "backup", .activate = backup_action },
    { .name = "verify-all", .activate = verify_all_action },
    { .name = "restore", .activate = restore_action, .parameter_type = "s" },
    { .name = "show-backups", .activate = show_backups_action },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  set_store_actions_enabled (self, self->store != NULL);
}
