/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-health-section"

#include "config.h"

#include <sys/statvfs.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lab-backup.h"
#include "lab-format.h"
#include "lab-health-section.h"
#include "lab-restore-dialog.h"
#include "lab-usage.h"

/**
 * LabHealthSection:
 *
 * The top of the Data page: is the data healthy? The last check's status
 * with its icon and time, the last good backup, the database's size and the
 * disk's free space; Check Now (quick, full or thorough), the findings with
 * their repairs, Restore from Backup… when the database is damaged, and
 * Compact Database. The work runs in the store's #LabHealthMonitor, which the
 * application's start-up quick check shares.
 */
struct _LabHealthSection
{
  GtkWidget parent_instance;

  LabStore *store;
  LabHealthMonitor *monitor;
  LabProgress *progress;       /* the monitor's, while it runs */
  GCancellable *cancellable;   /* figures and the restore's backup lookup */
  gboolean figures_ready;
  gint64 collected_at;

  AdwPreferencesGroup *status_group;
  AdwActionRow *alert_row;
  GtkImage *alert_icon;
  GtkButton *restore_button;
  AdwActionRow *status_row;
  GtkImage *status_icon;
  GtkLabel *checked_label;
  AdwActionRow *progress_row;
  GtkProgressBar *progress_bar;
  AdwActionRow *backup_row;
  GtkLabel *backup_label;
  GtkLabel *database_label;
  AdwActionRow *free_row;
  GtkLabel *free_label;
  AdwPreferencesGroup *findings_group;
  GtkListBox *findings_list;
};

G_DEFINE_FINAL_TYPE (LabHealthSection, lab_health_section, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Figures older than this are collected again when the page is shown. */
#define STALE_USEC (10 * G_USEC_PER_SEC)

typedef struct
{
  LabBackupInfo *last_backup;
  guint64 database;
  guint64 free_space;
  guint64 disk_size;
} Figures;

static void
figures_free (gpointer data)
{
  Figures *figures = data;

  g_clear_object (&figures->last_backup);
  g_free (figures);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static void
collect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LabDataDir *dir = task_data;
  const char *db = lab_data_dir_get_db_path (dir);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(GPtrArray) backups = lab_backup_list (dir, NULL);
  Figures *figures = g_new0 (Figures, 1);
  struct statvfs vfs;
  LabBackupInfo *last;

  if (backups != NULL && (last = lab_backup_find_last_good (backups)) != NULL)
    figures->last_backup = g_object_ref (last);
  figures->database = file_size (db) + file_size (wal);
  if (statvfs (lab_data_dir_get_root (dir), &vfs) == 0)
    {
      figures->free_space = (guint64) vfs.f_bavail * vfs.f_frsize;
      figures->disk_size = (guint64) vfs.f_blocks * vfs.f_frsize;
    }

  g_task_return_pointer (task, figures, figures_free);
}

static void
show_figures (LabHealthSection *self,
              Figures          *figures)
{
  g_autofree char *database = g_format_size (figures->database);
  g_autofree char *free_space = g_format_size (figures->free_space);
  gboolean low = figures->disk_size > 0 &&
                 figures->free_space < lab_usage_low_space_threshold (figures->database);

  if (figures->last_backup != NULL)
    {
      gint64 created = lab_backup_info_get_created_at (figures->last_backup);
      g_autofree char *when = lab_format_relative_time (created, g_get_real_time ());
      g_autofree char *full = lab_format_date_time (created);

      gtk_label_set_text (self->backup_label, when);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->backup_label), full);
      adw_action_row_set_subtitle (self->backup_row,
                                   lab_backup_info_get_name (figures->last_backup));
    }
  else
    {
      gtk_label_set_text (self->backup_label, _("None"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->backup_label), NULL);
      adw_action_row_set_subtitle (self->backup_row, _("There is no good backup yet"));
    }

  gtk_label_set_text (self->database_label, database);
  gtk_label_set_text (self->free_label, free_space);
  adw_action_row_set_subtitle (self->free_row,
                               low ? _("The disk is almost full: backups and compacting "
                                       "need room for a copy of the database")
                                   : NULL);
  if (low)
    gtk_widget_add_css_class (GTK_WIDGET (self->free_row), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->free_row), "warning");
}

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabHealthSection) self = user_data;
  Figures *figures;

  figures = g_task_propagate_pointer (G_TASK (result), NULL);
  if (figures == NULL)
    return;

  show_figures (self, figures);
  figures_free (figures);
  self->figures_ready = TRUE;
  self->collected_at = g_get_monotonic_time ();
}

/**
 * lab_health_section_refresh:
 *
 * Collects the last backup, the database's size and the free space again.
 */
void
lab_health_section_refresh (LabHealthSection *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_HEALTH_SECTION (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self, self->cancellable, collect_cb, g_object_ref (self));
  g_task_set_source_tag (task, lab_health_section_refresh);
  g_task_set_task_data (task, g_object_ref (lab_store_get_data_dir (self->store)),
                        g_object_unref);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, collect_thread);
}

static const char *
severity_icon (LabCheckSeverity severity)
{
  switch (severity)
    {
    case LAB_CHECK_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case LAB_CHECK_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case LAB_CHECK_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static gboolean
report_offers_restore (LabCheckReport *report)
{
  return lab_check_report_offers_repair (report, LAB_CHECK_REPAIR_RESTORE_BACKUP) ||
         lab_check_report_find (report, LAB_CHECK_FINDING_DATABASE_DAMAGED, NULL) != NULL;
}

static GtkWidget *
finding_row_new (LabCheckFinding *finding,
                 guint            position,
                 gboolean         busy)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (
    severity_icon (lab_check_finding_get_severity (finding)));
  g_autofree char *title = lab_check_finding_dup_title (finding);
  g_autofree char *explanation = lab_check_finding_dup_explanation (finding);
  LabCheckRepair repair = lab_check_finding_get_repair (finding);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), explanation);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  switch (lab_check_finding_get_severity (finding))
    {
    case LAB_CHECK_SEVERITY_ERROR:
      gtk_widget_add_css_class (icon, "error");
      break;
    case LAB_CHECK_SEVERITY_WARNING:
      gtk_widget_add_css_class (icon, "warning");
      break;
    case LAB_CHECK_SEVERITY_INFO:
    default:
      break;
    }

  if (repair == LAB_CHECK_REPAIR_RESTORE_BACKUP)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore from Backup…"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "health.restore");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  else if (repair != LAB_CHECK_REPAIR_NONE)
    {
      const char *label = lab_check_finding_get_repair_label (finding);
      GtkWidget *button = gtk_button_new_with_label (label != NULL ? label : _("Repair"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "health.repair");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", position);
      /* Translators: the accessible name of a finding's repair button */
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
show_report (LabHealthSection *self)
{
  LabCheckReport *report = self->monitor ? lab_health_monitor_get_report (self->monitor) : NULL;
  gboolean busy = self->monitor != NULL && lab_health_monitor_get_busy (self->monitor);
  GtkWidget *child;
  GListModel *findings;
  guint n_shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->alert_row), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->alert_row), "error");

  if (report == NULL)
    {
      gtk_image_set_from_icon_name (self->status_icon, "content-loading-symbolic");
      adw_action_row_set_subtitle (self->status_row,
                                   busy ? _("Checking…") : _("Not checked yet"));
      gtk_label_set_text (self->checked_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->alert_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->findings_group), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.restore", FALSE);
      return;
    }

  {
    LabCheckStatus status = lab_check_report_get_status (report);
    gint64 checked_at = lab_check_report_get_checked_at (report);
    g_autofree char *summary = lab_check_report_dup_summary (report);
    g_autofree char *when = lab_format_relative_time (checked_at, g_get_real_time ());
    g_autofree char *full = lab_format_date_time (checked_at);
    g_autofree char *checked = NULL;
    gboolean restore = report_offers_restore (report);
    const char *icon = "emblem-ok-symbolic";
    const char *style = "success";

    if (lab_check_report_get_level (report) == LAB_CHECK_QUICK)
      /* Translators: "Quick check 14:05"; the argument is a time or a date */
      checked = g_strdup_printf (_("Quick check %s"), when);
    else if (lab_check_report_get_level (report) == LAB_CHECK_DEEP)
      /* Translators: "Thorough check 14:05"; the argument is a time or a date */
      checked = g_strdup_printf (_("Thorough check %s"), when);
    else
      /* Translators: "Full check 14:05"; the argument is a time or a date */
      checked = g_strdup_printf (_("Full check %s"), when);

    if (status == LAB_CHECK_STATUS_ERRORS)
      icon = "dialog-error-symbolic", style = "error";
    else if (status == LAB_CHECK_STATUS_WARNINGS)
      icon = "dialog-warning-symbolic", style = "warning";

    gtk_image_set_from_icon_name (self->status_icon, icon);
    gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), style);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_icon),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    status == LAB_CHECK_STATUS_OK ? _("Healthy")
                                    : status == LAB_CHECK_STATUS_WARNINGS ? _("Warnings")
                                    : _("Errors"), -1);
    adw_action_row_set_subtitle (self->status_row, summary);
    gtk_label_set_text (self->checked_label, checked);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->checked_label), full);

    /* A failed check is said at the top, with what to do about it. */
    gtk_widget_set_visible (GTK_WIDGET (self->alert_row), status != LAB_CHECK_STATUS_OK);
    if (status != LAB_CHECK_STATUS_OK)
      {
        gtk_widget_add_css_class (GTK_WIDGET (self->alert_row), style);
        gtk_image_set_from_icon_name (self->alert_icon, icon);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->alert_row),
                                       restore ? _("The database is damaged")
                                       : status == LAB_CHECK_STATUS_ERRORS
                                       ? _("The last check found errors")
                                       : _("The last check found something to look at"));
        adw_action_row_set_subtitle (self->alert_row,
                                     restore ? _("Restore the newest good backup, or check "
                                                 "again to see what is damaged")
                                     : _("The findings below say what each one means and "
                                         "how to repair it"));
      }
    gtk_widget_set_visible (GTK_WIDGET (self->restore_button), restore);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.restore", restore && !busy);

    findings = lab_check_report_get_findings (report);
    for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
      {
        g_autoptr(LabCheckFinding) finding = g_list_model_get_item (findings, i);

        gtk_list_box_append (self->findings_list, finding_row_new (finding, i, busy));
        n_shown++;
      }
    gtk_widget_set_visible (GTK_WIDGET (self->findings_group), n_shown > 0);
  }
}

static void
progress_changed_cb (LabHealthSection *self)
{
  LabProgress *progress = lab_health_monitor_get_progress (self->monitor);
  const char *message;
  double fraction;

  if (progress == NULL)
    return;

  message = lab_progress_get_message (progress);
  fraction = lab_progress_get_fraction (progress);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->progress_row),
                                 message != NULL ? message : _("Working…"));
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
update_busy (LabHealthSection *self)
{
  gboolean busy = self->monitor != NULL && lab_health_monitor_get_busy (self->monitor);
  gboolean have = self->monitor != NULL;
  LabProgress *progress = have ? lab_health_monitor_get_progress (self->monitor) : NULL;
  const char *operation = have ? lab_health_monitor_get_operation (self->monitor) : NULL;

  /* The start-up check is quick and shows in the status row; the others get
   * a progress bar and Cancel. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_row),
                          busy && g_strcmp0 (operation, "quick-check") != 0);
  if (progress != self->progress)
    {
      if (self->progress != NULL)
        g_signal_handlers_disconnect_by_data (self->progress, self);
      g_set_object (&self->progress, progress);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      if (progress != NULL)
        {
          g_signal_connect_object (progress, "notify", G_CALLBACK (progress_changed_cb), self,
                                   G_CONNECT_SWAPPED);
          progress_changed_cb (self);
        }
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.check", have && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.check-quick", have && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.check-thorough", have && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.compact", have && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.repair", have && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "health.cancel", busy);
  show_report (self);
}

static void
finished_cb (LabHealthSection *self,
             const char       *operation,
             const char       *message,
             gboolean          failed)
{
  /* Said even if the person went to another page meanwhile. */
  if (message != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);

  /* Repairs, restores and compacting change the figures. */
  if (g_strcmp0 (operation, "check") != 0 && g_strcmp0 (operation, "quick-check") != 0)
    lab_health_section_refresh (self);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);
  LabCheckLevel level = LAB_CHECK_FULL;

  if (g_str_equal (action_name, "health.check-quick"))
    level = LAB_CHECK_QUICK;
  else if (g_str_equal (action_name, "health.check-thorough"))
    level = LAB_CHECK_DEEP;

  if (self->monitor != NULL)
    lab_health_monitor_check (self->monitor, level);
}

static void
compact_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);

  if (self->monitor != NULL)
    lab_health_monitor_compact (self->monitor);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);

  if (self->monitor != NULL)
    lab_health_monitor_cancel (self->monitor);
}

static void
repair_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);
  LabCheckReport *report;
  g_autoptr(LabCheckFinding) finding = NULL;
  guint position = g_variant_get_uint32 (parameter);

  if (self->monitor == NULL || (report = lab_health_monitor_get_report (self->monitor)) == NULL)
    return;

  finding = g_list_model_get_item (lab_check_report_get_findings (report), position);
  if (finding != NULL)
    lab_health_monitor_repair (self->monitor, finding);
}

static void
restore_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autoptr(LabHealthSection) self = user_data;
  const char *name = lab_restore_dialog_get_backup (dialog);

  if (g_str_equal (response, "restore") && self->monitor != NULL)
    lab_health_monitor_restore (self->monitor, name);
}

static void
find_backup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LabHealthSection) self = user_data;
  g_autoptr(LabBackupInfo) backup = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  backup = lab_health_monitor_find_last_backup_finish (LAB_HEALTH_MONITOR (object), result,
                                                       &error);
  if (backup == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }

  dialog = lab_restore_dialog_new (GTK_WIDGET (self), backup);
  g_signal_connect (dialog, "response", G_CALLBACK (restore_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);

  if (self->monitor == NULL)
    return;

  lab_health_monitor_find_last_backup_async (self->monitor, self->cancellable, find_backup_cb,
                                             g_object_ref (self));
}

static void
store_changed_cb (LabHealthSection *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    lab_health_section_refresh (self);
  else
    self->collected_at = 0;
}

static void
lab_health_section_map (GtkWidget *widget)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (widget);

  GTK_WIDGET_CLASS (lab_health_section_parent_class)->map (widget);

  if (self->store != NULL &&
      (self->collected_at == 0 || g_get_monotonic_time () - self->collected_at > STALE_USEC))
    lab_health_section_refresh (self);
  /* "Checked 14:05" may have become "Yesterday". */
  show_report (self);
}

static void
lab_health_section_dispose (GObject *object)
{
  LabHealthSection *self = (LabHealthSection *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  lab_health_section_set_store (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_HEALTH_SECTION);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_health_section_parent_class)->dispose (object);
}

static void
lab_health_section_finalize (GObject *object)
{
  LabHealthSection *self = (LabHealthSection *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_health_section_parent_class)->finalize (object);
}

static void
lab_health_section_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_health_section_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LabHealthSection *self = LAB_HEALTH_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_health_section_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_health_section_class_init (LabHealthSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_health_section_dispose;
  object_class->finalize = lab_health_section_finalize;
  object_class->get_property = lab_health_section_get_property;
  object_class->set_property = lab_health_section_set_property;
  widget_class->map = lab_health_section_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-health-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, status_group);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, alert_row);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, alert_icon);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, restore_button);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, status_row);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, status_icon);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, checked_label);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, progress_row);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, backup_row);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, backup_label);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, database_label);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, free_row);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, free_label);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, findings_group);
  gtk_widget_class_bind_template_child (widget_class, LabHealthSection, findings_list);

  gtk_widget_class_install_action (widget_class, "health.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "health.check-quick", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "health.check-thorough", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "health.repair", "u", repair_action);
  gtk_widget_class_install_action (widget_class, "health.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "health.compact", NULL, compact_action);
  gtk_widget_class_install_action (widget_class, "health.cancel", NULL, cancel_action);

  gtk_widget_class_set_css_name (widget_class, "labhealthsection");
}

static void
lab_health_section_init (LabHealthSection *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  update_busy (self);
}

LabStore *
lab_health_section_get_store (LabHealthSection *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_SECTION (self), NULL);
  return self->store;
}

/**
 * lab_health_section_set_store:
 * @store: (nullable): an opened store
 */
void
lab_health_section_set_store (LabHealthSection *self,
                              LabStore         *store)
{
  g_return_if_fail (LAB_IS_HEALTH_SECTION (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  g_clear_object (&self->monitor);
  g_set_object (&self->store, store);
  self->figures_ready = FALSE;
  self->collected_at = 0;

  if (store != NULL)
    {
      self->monitor = g_object_ref (lab_health_monitor_get_for_store (store));
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "notify::report", G_CALLBACK (show_report), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "notify::busy", G_CALLBACK (update_busy), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->monitor, "finished", G_CALLBACK (finished_cb), self,
                               G_CONNECT_SWAPPED);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        lab_health_section_refresh (self);
    }

  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    update_busy (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_health_section_get_monitor:
 *
 * Returns: (transfer none) (nullable): the store's health monitor
 */
LabHealthMonitor *
lab_health_section_get_monitor (LabHealthSection *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_SECTION (self), NULL);
  return self->monitor;
}

/**
 * lab_health_section_get_status_row:
 *
 * Returns: (transfer none): the integrity row (its subtitle is the summary)
 */
AdwActionRow *
lab_health_section_get_status_row (LabHealthSection *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_SECTION (self), NULL);
  return self->status_row;
}

/**
 * lab_health_section_get_findings_list:
 *
 * Returns: (transfer none): the list of the shown report's findings, one
 *   row each, in the report's order
 */
GtkListBox *
lab_health_section_get_findings_list (LabHealthSection *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_SECTION (self), NULL);
  return self->findings_list;
}

/**
 * lab_health_section_get_figures_ready:
 *
 * Returns: whether the backup, size and free-space rows show figures
 */
gboolean
lab_health_section_get_figures_ready (LabHealthSection *self)
{
  g_return_val_if_fail (LAB_IS_HEALTH_SECTION (self), FALSE);
  return self->figures_ready;
}
