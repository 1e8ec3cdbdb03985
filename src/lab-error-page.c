/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-error-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-backup.h"
#include "lab-check.h"
#include "lab-data-dir.h"
#include "lab-error-page.h"
#include "lab-format.h"
#include "lab-restore-dialog.h"

/**
 * LabErrorPage:
 *
 * What the window shows when the store cannot be opened: why, in which
 * folder, and Try Again. When the reason is a damaged database (a quick check
 * runs to find out) and a good backup exists, it also offers Restore from
 * Backup…, which asks first, restores the newest good backup (the current
 * state is backed up first) and opens the store again.
 */
struct _LabErrorPage
{
  AdwBin parent_instance;

  LabDataDir *dir;
  char *message;
  LabBackupInfo *backup;      /* the newest good backup, when a restore is offered */
  GCancellable *cancellable;  /* the check, or the restore */
  gboolean restoring;

  AdwStatusPage *status_page;
  GtkLabel *folder_label;
  GtkLabel *restore_label;
  GtkButton *restore_button;
  GtkWidget *busy_box;
};

G_DEFINE_FINAL_TYPE (LabErrorPage, lab_error_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CAN_RESTORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_restore (LabErrorPage *self)
{
  gboolean offered = self->backup != NULL;

  if (offered)
    {
      g_autofree char *when =
        lab_format_date_time (lab_backup_info_get_created_at (self->backup));
      g_autofree char *text =
        /* Translators: the argument is a date and time */
        g_strdup_printf (_("The database is damaged. The newest good backup, made %s, can "
                           "replace it."), when);

      gtk_label_set_text (self->restore_label, text);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->restore_label), offered);
  gtk_widget_set_visible (GTK_WIDGET (self->restore_button), offered && !self->restoring);
  gtk_widget_set_visible (self->busy_box, self->restoring);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "error-page.restore",
                                 offered && !self->restoring);
}

static void
set_backup (LabErrorPage  *self,
            LabBackupInfo *backup)
{
  if (!g_set_object (&self->backup, backup))
    return;

  update_restore (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RESTORE]);
}

/* A quick check says whether the database is damaged and whether a backup
 * could replace it; the newest good one is the one offered. */
static void
find_restore_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LabDataDir *dir = task_data;
  g_autoptr(LabCheckReport) report = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  LabBackupInfo *newest = NULL;
  GError *error = NULL;

  report = lab_check_run (dir, LAB_CHECK_QUICK, NULL, NULL, cancellable, &error);
  if (report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (lab_check_report_offers_repair (report, LAB_CHECK_REPAIR_RESTORE_BACKUP) &&
      (backups = lab_backup_list (dir, NULL)) != NULL)
    newest = lab_backup_find_last_good (backups);

  g_task_return_pointer (task, newest ? g_object_ref (newest) : NULL, g_object_unref);
}

static void
find_restore_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LabErrorPage) self = user_data;
  g_autoptr(LabBackupInfo) backup = NULL;
  g_autoptr(GError) error = NULL;

  backup = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Cannot tell whether a backup could help: %s", error->message);

  set_backup (self, backup);
}

/**
 * lab_error_page_set_problem:
 * @root: the data folder
 * @message: why it cannot be opened
 *
 * Shows the problem, and looks again for a backup that could fix it.
 */
void
lab_error_page_set_problem (LabErrorPage *self,
                            const char   *root,
                            const char   *message)
{
  g_autofree char *folder = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_ERROR_PAGE (self));
  g_return_if_fail (root != NULL);

  /* A restore under way ends in a new attempt to open the store. */
  if (self->restoring)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  adw_status_page_set_description (self->status_page, message);
  /* Translators: the argument is a folder */
  folder = g_strdup_printf (_("Data folder: %s"), root);
  gtk_label_set_text (self->folder_label, folder);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->dir);
  self->dir = lab_data_dir_new (root);
  set_backup (self, NULL);

  task = g_task_new (self, self->cancellable, find_restore_cb, g_object_ref (self));
  g_task_set_source_tag (task, lab_error_page_set_problem);
  g_task_set_task_data (task, g_object_ref (self->dir), g_object_unref);
  g_task_run_in_thread (task, find_restore_thread);
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabErrorPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;

  self->restoring = FALSE;
  update_restore (self);

  if (!lab_backup_restore_finish (LAB_DATA_DIR (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }

  when = lab_format_date_time (lab_backup_info_get_created_at (self->backup));
  /* Translators: the argument is a date and time */
  message = g_strdup_printf (_("Restored the backup made %s"), when);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.retry", NULL);
}

static void
restore_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autoptr(LabErrorPage) self = user_data;

  if (!g_str_equal (response, "restore") || self->backup == NULL || self->restoring)
    return;

  self->restoring = TRUE;
  update_restore (self);
  lab_backup_restore_async (self->dir, lab_restore_dialog_get_backup (dialog), NULL, NULL,
                            self->cancellable, restore_cb, g_object_ref (self));
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabErrorPage *self = LAB_ERROR_PAGE (widget);
  GtkWidget *dialog;

  if (self->backup == NULL || self->restoring)
    return;

  dialog = lab_restore_dialog_new (widget, self->backup);
  g_signal_connect (dialog, "response", G_CALLBACK (restore_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * lab_error_page_get_message:
 *
 * Returns: (nullable): the problem shown
 */
const char *
lab_error_page_get_message (LabErrorPage *self)
{
  g_return_val_if_fail (LAB_IS_ERROR_PAGE (self), NULL);

  return self->message;
}

/**
 * lab_error_page_get_can_restore:
 *
 * Returns: whether Restore from Backup… is offered
 */
gboolean
lab_error_page_get_can_restore (LabErrorPage *self)
{
  g_return_val_if_fail (LAB_IS_ERROR_PAGE (self), FALSE);

  return self->backup != NULL;
}

static void
lab_error_page_dispose (GObject *object)
{
  LabErrorPage *self = (LabErrorPage *) object;

  /* AdwBin unparents the template's child. */
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (lab_error_page_parent_class)->dispose (object);
}

static void
lab_error_page_finalize (GObject *object)
{
  LabErrorPage *self = (LabErrorPage *) object;

  g_clear_object (&self->dir);
  g_clear_object (&self->backup);
  g_clear_object (&self->cancellable);
  g_free (self->message);

  G_OBJECT_CLASS (lab_error_page_parent_class)->finalize (object);
}

static void
lab_error_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabErrorPage *self = LAB_ERROR_PAGE (object);

  switch (prop_id)
    {
    case PROP_CAN_RESTORE:
      g_value_set_boolean (value, lab_error_page_get_can_restore (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_error_page_class_init (LabErrorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_error_page_dispose;
  object_class->finalize = lab_error_page_finalize;
  object_class->get_property = lab_error_page_get_property;

  properties[PROP_CAN_RESTORE] =
    g_param_spec_boolean ("can-restore", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-error-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabErrorPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, LabErrorPage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorPage, restore_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorPage, restore_button);
  gtk_widget_class_bind_template_child (widget_class, LabErrorPage, busy_box);

  gtk_widget_class_install_action (widget_class, "error-page.restore", NULL, restore_action);
}

static void
lab_error_page_init (LabErrorPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "error-page.restore", FALSE);
}
