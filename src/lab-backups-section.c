/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backups-section"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-backup.h"
#include "lab-backups-section.h"
#include "lab-format.h"
#include "lab-session-picker.h"

/**
 * LabBackupsSection:
 *
 * The backups on the Data page: when the last good one was made and when the
 * next is scheduled (with a warning when the last is too old), the list of
 * backups with their state, and every operation on them. Long operations run
 * in their own threads (the lab_backup_*_async() calls) with progress and
 * Cancel, one at a time; the others are insensitive meanwhile. Those that
 * change data call lab_store_emit_changed(), so that every list reloads.
 */
struct _LabBackupsSection
{
  GtkWidget parent_instance;

  LabStore *store;
  LabScheduler *scheduler;
  GListStore *backups;
  GCancellable *list_cancellable;
  gboolean loading;
  gboolean loaded;

  /* The operation in progress, if any. */
  GCancellable *cancellable;
  LabProgress *progress;
  GtkWidget *dialog;

  AdwPreferencesGroup *status_group;
  AdwActionRow *warning_row;
  AdwActionRow *last_good_row;
  AdwActionRow *next_row;
  GtkWidget *progress_box;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (LabBackupsSection, lab_backups_section, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SCHEDULER,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The last good backup older than this shows the warning. */
#define WARN_AGE (2 * G_TIME_SPAN_DAY)

static LabDataDir *
get_dir (LabBackupsSection *self)
{
  return self->store ? lab_store_get_data_dir (self->store) : NULL;
}

static void
toast (LabBackupsSection *self,
       const char        *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void toast_error (LabBackupsSection *self,
                         const GError      *error,
                         const char        *format,
                         ...) G_GNUC_PRINTF (3, 4);

/* A cancelled operation says only that. */
static void
toast_error (LabBackupsSection *self,
             const GError      *error,
             const char        *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      toast (self, _("Cancelled"));
      return;
    }

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  toast (self, message);
}

static LabBackupInfo *
find_backup (LabBackupsSection *self,
             const char        *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backups));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LabBackupInfo) info = g_list_model_get_item (G_LIST_MODEL (self->backups), i);

      if (g_strcmp0 (lab_backup_info_get_name (info), name) == 0)
        return info;
    }

  return NULL;
}

static char *
backup_date (LabBackupInfo *info)
{
  return lab_format_date_time (lab_backup_info_get_created_at (info));
}

static void
update_actions (LabBackupsSection *self)
{
  static const char *const actions[] = {
    "backups.back-up", "backups.verify-all", "backups.verify", "backups.restore",
    "backups.restore-sessions", "backups.toggle-pin", "backups.delete",
  };
  gboolean busy = self->cancellable != NULL;
  gboolean ready = self->store != NULL && !busy;

  if (self->progress_box == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], ready);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.open-folder", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.cancel", busy);
}

/* The status rows: the last good backup, the next scheduled one, the warning. */
static void
update_status (LabBackupsSection *self)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  LabBackupInfo *last_good;
  gint64 now = g_get_real_time ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->backups));

  /* Disposed, with an operation finishing. */
  if (self->last_good_row == NULL)
    return;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (backups, g_list_model_get_item (G_LIST_MODEL (self->backups), i));
  last_good = lab_backup_find_last_good (backups);

  if (!self->loaded)
    adw_action_row_set_subtitle (self->last_good_row, "…");
  else if (last_good == NULL)
    adw_action_row_set_subtitle (self->last_good_row, _("None"));
  else
    {
      g_autofree char *date = backup_date (last_good);

      adw_action_row_set_subtitle (self->last_good_row, date);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->warning_row),
                          self->loaded &&
                          (last_good == NULL ||
                           now - lab_backup_info_get_created_at (last_good) > WARN_AGE));
  if (last_good == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warning_row),
                                     _("There is no good backup"));
      adw_action_row_set_subtitle (self->warning_row,
                                   _("If the disk fails or data is deleted by mistake, it cannot "
                                     "be brought back. Back up now."));
    }
  else
    {
      gint64 days = (now - lab_backup_info_get_created_at (last_good)) / G_TIME_SPAN_DAY;
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "The last good backup is %d day old",
                                                             "The last good backup is %d days old",
                                                             days),
                                                (int) days);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warning_row), title);
      adw_action_row_set_subtitle (self->warning_row,
                                   _("Changes made since then would be lost. Back up now, and "
                                     "check that automatic backups are on in Preferences."));
    }

  if (self->scheduler == NULL)
    adw_action_row_set_subtitle (self->next_row, _("Not scheduled"));
  else if (lab_scheduler_get_running (self->scheduler))
    adw_action_row_set_subtitle (self->next_row, _("Backing up now"));
  else if (lab_scheduler_get_next_run (self->scheduler) == 0)
    {
      const char *error = lab_scheduler_get_last_error (self->scheduler);

      if (g_strcmp0 (lab_scheduler_get_last_result (self->scheduler), "failed") != 0 &&
          error != NULL)
        adw_action_row_set_subtitle (self->next_row, error);
      else
        adw_action_row_set_subtitle (self->next_row,
                                     _("Automatic backups are off (see Preferences)"));
    }
  else
    {
      g_autofree char *date = lab_format_date_time (lab_scheduler_get_next_run (self->scheduler));
      const char *error = lab_scheduler_get_last_error (self->scheduler);

      if (g_strcmp0 (lab_scheduler_get_last_result (self->scheduler), "failed") == 0 &&
          error != NULL)
        {
          /* Translators: the date of the next try, then why the last one failed */
          g_autofree char *text = g_strdup_printf (_("%s (the last one failed: %s)"), date, error);

          adw_action_row_set_subtitle (self->next_row, text);
        }
      else
        adw_action_row_set_subtitle (self->next_row, date);
    }
}

static void
add_item (GMenu      *menu,
          const char *label,
          const char *action,
          const char *name)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target (item, action, "s", name);
  g_menu_append_item (menu, item);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  LabBackupInfo *info = item;
  const char *name = lab_backup_info_get_name (info);
  g_autofree char *title = backup_date (info);
  g_autofree char *size = g_format_size (lab_backup_info_get_size (info) +
                                         lab_backup_info_get_files_size (info));
  g_autofree char *files = lab_format_count (lab_backup_info_get_n_files (info));
  g_autofree char *subtitle = NULL;
  g_autofree char *state_text = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) last = g_menu_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state;
  GtkWidget *button;
  const char *icon;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Translators: a backup's kind, its size and its number of workspace files */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s · %s file",
                                           "%s · %s · %s files",
                                           lab_backup_info_get_n_files (info)),
                              lab_backup_kind_get_label (lab_backup_info_get_kind (info)), size,
                              files);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, name);

  if (lab_backup_info_get_damaged (info))
    {
      const char * const *problems = lab_backup_info_get_problems (info);

      icon = "dialog-error-symbolic";
      state_text = g_strdup_printf (_("Damaged: %s"),
                                    problems && problems[0] ? problems[0] : _("unknown problem"));
    }
  else if (lab_backup_info_get_verified (info))
    {
      g_autofree char *when = lab_format_date_time (lab_backup_info_get_verified_at (info));

      icon = "emblem-ok-symbolic";
      state_text = g_strdup_printf (_("Verified %s"), when);
    }
  else
    {
      icon = "content-loading-symbolic";
      state_text = g_strdup (_("Not verified yet"));
    }

  state = gtk_image_new_from_icon_name (icon);
  gtk_widget_set_tooltip_text (state, state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (state), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  state_text, -1);
  gtk_widget_add_css_class (state, lab_backup_info_get_damaged (info) ? "error"
                                   : lab_backup_info_get_verified (info) ? "success" : "dim-label");
  gtk_widget_set_name (state, "state");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), state);

  if (lab_backup_info_get_pinned (info))
    {
      GtkWidget *pin = gtk_image_new_from_icon_name ("view-pin-symbolic");

      gtk_widget_set_tooltip_text (pin, _("Pinned: kept until unpinned"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (pin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Pinned"), -1);
      gtk_widget_add_css_class (pin, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pin);
    }

  add_item (first, _("_Verify"), "backups.verify", name);
  add_item (first, _("_Restore…"), "backups.restore", name);
  add_item (first, _("Restore _Sessions…"), "backups.restore-sessions", name);
  add_item (last, lab_backup_info_get_pinned (info) ? _("_Unpin") : _("_Pin"),
            "backups.toggle-pin", name);
  add_item (last, _("_Delete…"), "backups.delete", name);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (last));

  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Backup Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Backup Actions"), -1);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;

  backups = lab_backup_list_finish (LAB_DATA_DIR (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (backups == NULL)
    {
      toast_error (self, error, _("Could not list the backups: %s"), error->message);
      return;
    }

  self->loaded = TRUE;
  g_list_store_splice (self->backups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->backups)),
                       backups->pdata, backups->len);
  update_status (self);
}

/**
 * lab_backups_section_reload:
 *
 * Reads the backups folder again.
 */
void
lab_backups_section_reload (LabBackupsSection *self)
{
  g_return_if_fail (LAB_IS_BACKUPS_SECTION (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  lab_backup_list_async (get_dir (self), self->list_cancellable, list_cb, g_object_ref (self));
}

/* One operation at a time: progress with Cancel, the other buttons off, and
 * the application kept alive even if the window closes. */
static void
begin_operation (LabBackupsSection *self,
                 const char        *message)
{
  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  g_set_object (&self->progress, lab_progress_new ());
  gtk_label_set_text (self->progress_label, message);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (self->progress_box, TRUE);
  update_actions (self);
  g_application_hold (g_application_get_default ());
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
end_operation (LabBackupsSection *self)
{
  if (self->cancellable == NULL)
    return;

  g_clear_object (&self->cancellable);
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);
  if (self->progress_box != NULL)
    gtk_widget_set_visible (self->progress_box, FALSE);
  update_actions (self);
  g_application_release (g_application_get_default ());
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
progress_changed_cb (LabBackupsSection *self)
{
  double fraction;
  const char *message;

  if (self->progress == NULL || self->progress_bar == NULL)
    return;

  fraction = lab_progress_get_fraction (self->progress);
  message = lab_progress_get_message (self->progress);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (message != NULL)
    gtk_label_set_text (self->progress_label, message);
}

static void
watch_progress (LabBackupsSection *self)
{
  g_signal_connect_object (self->progress, "notify", G_CALLBACK (progress_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
data_changed (LabBackupsSection *self)
{
  /* Every open list reloads, this one too (through "changed"). */
  if (self->store != NULL)
    lab_store_emit_changed (self->store);
}

/* Back Up Now: make, then verify, so that the new backup shows as good. */

static void
verify_new_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GPtrArray) verified = NULL;
  g_autoptr(GError) error = NULL;

  verified = lab_backup_verify_finish (LAB_DATA_DIR (object), result, &error);
  end_operation (self);
  lab_backups_section_reload (self);

  if (verified == NULL)
    toast_error (self, error, _("The backup was made but could not be verified: %s"), error->message);
  else if (lab_backup_info_get_damaged (g_ptr_array_index (verified, 0)))
    toast (self, _("The new backup failed verification; see its row for why"));
  else
    toast (self, _("Backed up and verified"));
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  name = lab_backup_create_finish (LAB_DATA_DIR (object), result, NULL, &error);
  if (name == NULL)
    {
      end_operation (self);
      toast_error (self, error, _("Could not back up: %s"), error->message);
      return;
    }

  if (self->progress_label == NULL)
    {
      end_operation (self);
      return;
    }

  lab_backups_section_reload (self);
  gtk_label_set_text (self->progress_label, _("Verifying the new backup…"));
  lab_backup_verify_async (LAB_DATA_DIR (object), name, self->progress, self->cancellable,
                           verify_new_cb, g_object_ref (self));
}

static void
back_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);

  if (self->store == NULL || self->cancellable != NULL)
    return;

  begin_operation (self, _("Backing up…"));
  watch_progress (self);
  lab_backup_create_async (get_dir (self), LAB_BACKUP_KIND_MANUAL, LAB_BACKUP_CREATE_DEFAULT,
                           self->progress, self->cancellable, create_cb, g_object_ref (self));
}

/* Verify and Verify All */

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GPtrArray) verified = NULL;
  g_autoptr(GError) error = NULL;
  guint damaged = 0;

  verified = lab_backup_verify_finish (LAB_DATA_DIR (object), result, &error);
  end_operation (self);
  lab_backups_section_reload (self);

  if (verified == NULL)
    {
      toast_error (self, error, _("Could not verify: %s"), error->message);
      return;
    }

  for (guint i = 0; i < verified->len; i++)
    damaged += lab_backup_info_get_damaged (g_ptr_array_index (verified, i));

  if (verified->len == 1 && damaged == 1)
    {
      LabBackupInfo *info = g_ptr_array_index (verified, 0);
      const char * const *problems = lab_backup_info_get_problems (info);
      g_autofree char *message = g_strdup_printf (_("The backup is damaged: %s"),
                                                  problems && problems[0] ? problems[0] : "");

      toast (self, message);
    }
  else if (damaged > 0)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u of %u backups is damaged",
                                                               "%u of %u backups are damaged",
                                                               damaged),
                                                  damaged, verified->len);

      toast (self, message);
    }
  else if (verified->len == 1)
    toast (self, _("The backup is good"));
  else
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "%u backup verified, all good",
                                                               "%u backups verified, all good",
                                                               verified->len),
                                                  verified->len);

      toast (self, message);
    }
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);
  const char *name = parameter ? g_variant_get_string (parameter, NULL) : NULL;

  if (self->store == NULL || self->cancellable != NULL)
    return;

  begin_operation (self, name ? _("Verifying the backup…") : _("Verifying every backup…"));
  watch_progress (self);
  lab_backup_verify_async (get_dir (self), name, self->progress, self->cancellable, verify_cb,
                           g_object_ref (self));
}

/* Restore… and Restore Sessions… */

typedef struct
{
  LabBackupsSection *self;
  LabBackupInfo *info;
  char **sessions;
  LabStoreInfo *now;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->info);
  g_strfreev (data->sessions);
  g_clear_pointer (&data->now, lab_store_info_free);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RestoreData, restore_data_free)

static RestoreData *
restore_data_new (LabBackupsSection *self,
                  const char * const *sessions)
{
  RestoreData *data = g_new0 (RestoreData, 1);

  data->self = g_object_ref (self);
  data->sessions = g_strdupv ((char **) sessions);
  return data;
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RestoreData) data = user_data;
  LabBackupsSection *self = data->self;
  g_autofree char *pre_restore = NULL;
  g_autoptr(GError) error = NULL;

  if (!lab_backup_restore_finish (LAB_DATA_DIR (object), result, &pre_restore, &error))
    {
      end_operation (self);
      lab_backups_section_reload (self);
      toast_error (self, error, _("Could not restore: %s"), error->message);
      return;
    }

  end_operation (self);
  data_changed (self);

  if (data->sessions != NULL)
    {
      guint n = g_strv_length (data->sessions);
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Restored %u session",
                                                               "Restored %u sessions", n),
                                                  n);

      toast (self, message);
    }
  else
    {
      g_autofree char *date = backup_date (data->info);
      /* Translators: the date of the backup */
      g_autofree char *message = g_strdup_printf (_("Restored the backup of %s; the state before "
                                                    "it was backed up first"),
                                                  date);

      toast (self, message);
    }
}

static void
start_restore (RestoreData *data)
{
  LabBackupsSection *self = data->self;

  begin_operation (self, data->sessions ? _("Restoring the sessions…") : _("Restoring…"));
  watch_progress (self);
  lab_backup_restore_async (get_dir (self), lab_backup_info_get_name (data->info),
                            (const char * const *) data->sessions, self->progress,
                            self->cancellable, restore_cb, data);
}

static void
dialog_destroyed (LabBackupsSection *self,
                  GtkWidget         *dialog)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
}

static void
set_dialog (LabBackupsSection *self,
            GtkWidget         *dialog)
{
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed), self,
                           G_CONNECT_SWAPPED);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  RestoreData *data = user_data;

  if (g_strcmp0 (response, "restore") == 0)
    start_restore (g_steal_pointer (&data));
  else
    restore_data_free (data);
}

static void
append_count_line (GString      *text,
                   const char   *title,
                   gint64        now,
                   gint64        then)
{
  g_autofree char *now_text = lab_format_count (now);
  g_autofree char *then_text = lab_format_count (then);

  /* Translators: a table, its rows now, and its rows in the backup */
  g_string_append_printf (text, _("\n%s: %s now, %s in the backup"), title, now_text, then_text);
}

static gint64
now_count (LabStoreInfo *info,
           const char   *table)
{
  for (guint i = 0; info != NULL && i < info->counts->len; i++)
    {
      LabTableCount *count = &g_array_index (info->counts, LabTableCount, i);

      if (g_str_equal (count->table, table))
        return count->rows;
    }

  return 0;
}

static void
ask_restore (RestoreData *data)
{
  LabBackupsSection *self = data->self;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *date = backup_date (data->info);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (data->sessions == NULL)
    {
      /* Translators: the date of the backup */
      g_string_append_printf (body, _("Everything in the store is replaced by the backup of %s. "
                                      "The present state is backed up first, so this can be "
                                      "undone by restoring that backup.\n"),
                              date);
      append_count_line (body, _("Sessions"), now_count (data->now, "sessions"),
                         lab_backup_info_get_count (data->info, "sessions"));
      append_count_line (body, _("Messages"), now_count (data->now, "messages"),
                         lab_backup_info_get_count (data->info, "messages"));
      append_count_line (body, _("Workspace files"),
                         data->now ? (gint64) data->now->workspace_files : 0,
                         lab_backup_info_get_n_files (data->info));
    }
  else
    {
      guint n = g_strv_length (data->sessions);

      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u chosen session is replaced by its state in "
                                                 "the backup of %s, with its messages and files; "
                                                 "nothing else changes. The present state is "
                                                 "backed up first.",
                                                 "%u chosen sessions are replaced by their "
                                                 "state in the backup of %s, with their messages "
                                                 "and files; nothing else changes. The present "
                                                 "state is backed up first.", n),
                              n, date);
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   data->sessions ? _("Restore the Sessions?")
                                                  : _("Restore the Backup?"),
                                   body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), data);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
collect_now_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RestoreData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->now = lab_store_collect_info_finish (LAB_STORE (object), result, &error);
  end_operation (data->self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || data->self->list_box == NULL)
    {
      toast_error (data->self, error, "%s", error->message);
      restore_data_free (data);
      return;
    }

  /* Without the present counts the dialog still says what the backup holds. */
  ask_restore (data);
}

static void
verify_before_restore_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(RestoreData) data = user_data;
  LabBackupsSection *self = data->self;
  g_autoptr(GPtrArray) verified = NULL;
  g_autoptr(GError) error = NULL;

  verified = lab_backup_verify_finish (LAB_DATA_DIR (object), result, &error);
  if (verified == NULL)
    {
      end_operation (self);
      toast_error (self, error, _("Could not verify the backup: %s"), error->message);
      return;
    }

  g_set_object (&data->info, g_ptr_array_index (verified, 0));
  if (lab_backup_info_get_damaged (data->info))
    {
      const char * const *problems = lab_backup_info_get_problems (data->info);
      g_autofree char *message = g_strdup_printf (_("The backup is damaged and cannot be "
                                                    "restored: %s"),
                                                  problems && problems[0] ? problems[0] : "");

      end_operation (self);
      lab_backups_section_reload (self);
      toast (self, message);
      return;
    }

  if (self->progress_label == NULL)
    {
      end_operation (self);
      return;
    }

  if (data->sessions != NULL)
    {
      end_operation (self);
      ask_restore (g_steal_pointer (&data));
      return;
    }

  gtk_label_set_text (self->progress_label, _("Counting the present rows…"));
  lab_store_collect_info_async (self->store, self->cancellable, collect_now_cb,
                                g_steal_pointer (&data));
}

static void
verify_then_ask (RestoreData *data,
                 const char  *name)
{
  LabBackupsSection *self = data->self;

  begin_operation (self, _("Verifying the backup before restoring it…"));
  watch_progress (self);
  lab_backup_verify_async (get_dir (self), name, self->progress, self->cancellable,
                           verify_before_restore_cb, data);
}

/**
 * lab_backups_section_restore:
 * @name: a backup's name
 *
 * Verifies the backup, shows what a restore would change and asks; restores
 * if the person agrees. (What "Restore…" in a row's menu does, and the
 * application's `restore` action when a window is shown.)
 */
void
lab_backups_section_restore (LabBackupsSection *self,
                             const char        *name)
{
  g_return_if_fail (LAB_IS_BACKUPS_SECTION (self));
  g_return_if_fail (name != NULL);

  if (self->store == NULL || self->cancellable != NULL)
    return;

  verify_then_ask (restore_data_new (self, NULL), name);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  lab_backups_section_restore (LAB_BACKUPS_SECTION (widget),
                               g_variant_get_string (parameter, NULL));
}

static void
sessions_chosen_cb (LabSessionPicker   *dialog,
                    const char * const *sessions,
                    LabBackupsSection  *self)
{
  const char *name = lab_session_picker_get_backup_name (dialog);
  g_autofree char *backup = g_strdup (name);

  if (self->cancellable != NULL || sessions == NULL || sessions[0] == NULL)
    return;

  gtk_window_destroy (GTK_WINDOW (dialog));
  verify_then_ask (restore_data_new (self, sessions), backup);
}

static void
restore_sessions_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  LabBackupInfo *info = find_backup (self, g_variant_get_string (parameter, NULL));
  LabSessionPicker *dialog;

  if (self->store == NULL || info == NULL)
    return;

  if (lab_backup_info_get_damaged (info))
    {
      toast (self, _("The backup is damaged: sessions cannot be restored from it"));
      return;
    }

  dialog = lab_session_picker_new_for_backup (get_dir (self), info);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                          : NULL);
  g_signal_connect_object (dialog, "chosen", G_CALLBACK (sessions_chosen_cb), self, 0);
  set_dialog (self, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Pin and Delete */

static void
pin_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GError) error = NULL;

  end_operation (self);

  if (!lab_backup_set_pinned_finish (LAB_DATA_DIR (object), result, &error))
    toast_error (self, error, _("Could not change the pin: %s"), error->message);
  lab_backups_section_reload (self);
}

/* One small sidecar rewritten, in a thread all the same: it waits for a
 * backup in progress, which holds the backups folder's lock. */
static void
toggle_pin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);
  LabBackupInfo *info = find_backup (self, g_variant_get_string (parameter, NULL));
  gboolean pin;

  if (self->store == NULL || info == NULL || self->cancellable != NULL)
    return;

  pin = !lab_backup_info_get_pinned (info);
  begin_operation (self, pin ? _("Pinning the backup…") : _("Unpinning the backup…"));
  gtk_progress_bar_pulse (self->progress_bar);
  lab_backup_set_pinned_async (get_dir (self), lab_backup_info_get_name (info), pin,
                               self->cancellable, pin_cb, g_object_ref (self));
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GError) error = NULL;

  end_operation (self);
  lab_backups_section_reload (self);

  if (!lab_backup_delete_finish (LAB_DATA_DIR (object), result, &error))
    toast_error (self, error, _("Could not delete the backup: %s"), error->message);
  else
    toast (self, _("Backup deleted"));
}

static void
delete_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    LabBackupsSection *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "backup");

  if (g_strcmp0 (response, "delete") != 0 || self->cancellable != NULL)
    return;

  begin_operation (self, _("Deleting the backup…"));
  gtk_progress_bar_pulse (self->progress_bar);
  lab_backup_delete_async (get_dir (self), name, self->cancellable, delete_cb,
                           g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);
  LabBackupInfo *info = find_backup (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *date = NULL;
  GtkWidget *dialog;

  if (self->store == NULL || info == NULL)
    return;

  if (lab_backup_info_get_pinned (info))
    {
      toast (self, _("This backup is pinned: unpin it before deleting it"));
      return;
    }

  date = backup_date (info);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete the Backup?"), NULL);
  /* Translators: the date of the backup */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The backup of %s is deleted for good, with the workspace "
                                    "files no other backup keeps."),
                                  date);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "backup",
                          g_strdup (lab_backup_info_get_name (info)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Open Backups Folder and Cancel */

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabBackupsSection) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    toast_error (self, error, _("Could not open the folder: %s"), error->message);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (self->store == NULL)
    return;

  folder = g_file_new_for_path (lab_data_dir_get_backups_path (get_dir (self)));
  uri = g_file_get_uri (folder);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
    gtk_widget_get_display (widget)));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launch_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);

  g_cancellable_cancel (self->cancellable);
}

static void
store_changed_cb (LabBackupsSection *self)
{
  lab_backups_section_reload (self);
}

static void
lab_backups_section_map (GtkWidget *widget)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (widget);

  GTK_WIDGET_CLASS (lab_backups_section_parent_class)->map (widget);

  /* Another program (labdata-cli) may have made or deleted backups. */
  if (self->store != NULL && !self->loading)
    lab_backups_section_reload (self);
  update_status (self);
}

static void
lab_backups_section_dispose (GObject *object)
{
  LabBackupsSection *self = (LabBackupsSection *) object;

  g_cancellable_cancel (self->list_cancellable);
  /* The window is going (the application quits): an operation in progress
   * stops, leaving nothing behind, and finishes in its callback. */
  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_BACKUPS_SECTION);
  g_clear_object (&self->store);
  g_clear_object (&self->scheduler);

  G_OBJECT_CLASS (lab_backups_section_parent_class)->dispose (object);
}

static void
lab_backups_section_finalize (GObject *object)
{
  LabBackupsSection *self = (LabBackupsSection *) object;

  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->progress);
  g_clear_object (&self->backups);

  G_OBJECT_CLASS (lab_backups_section_parent_class)->finalize (object);
}

static void
lab_backups_section_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SCHEDULER:
      g_value_set_object (value, self->scheduler);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_backups_section_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LabBackupsSection *self = LAB_BACKUPS_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_backups_section_set_store (self, g_value_get_object (value));
      break;
    case PROP_SCHEDULER:
      lab_backups_section_set_scheduler (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_backups_section_class_init (LabBackupsSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_backups_section_dispose;
  object_class->finalize = lab_backups_section_finalize;
  object_class->get_property = lab_backups_section_get_property;
  object_class->set_property = lab_backups_section_set_property;
  widget_class->map = lab_backups_section_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCHEDULER] =
    g_param_spec_object ("scheduler", NULL, NULL, LAB_TYPE_SCHEDULER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "backups.back-up", NULL, back_up_action);
  gtk_widget_class_install_action (widget_class, "backups.verify-all", NULL, verify_action);
  gtk_widget_class_install_action (widget_class, "backups.verify", "s", verify_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", restore_action);
  gtk_widget_class_install_action (widget_class, "backups.restore-sessions", "s",
                                   restore_sessions_action);
  gtk_widget_class_install_action (widget_class, "backups.toggle-pin", "s", toggle_pin_action);
  gtk_widget_class_install_action (widget_class, "backups.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "backups.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "backups.cancel", NULL, cancel_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-backups-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, status_group);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, warning_row);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, last_good_row);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, next_row);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, progress_box);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabBackupsSection, list_box);
  gtk_widget_class_set_css_name (widget_class, "labbackupssection");
}

static void
lab_backups_section_init (LabBackupsSection *self)
{
  GtkWidget *placeholder;

  self->backups = g_list_store_new (LAB_TYPE_BACKUP_INFO);

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No backups yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->list_box, placeholder);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->backups), create_row, self, NULL);
  update_actions (self);
}

/**
 * lab_backups_section_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_backups_section_get_store (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), NULL);
  return self->store;
}

void
lab_backups_section_set_store (LabBackupsSection *self,
                               LabStore          *store)
{
  GApplication *app = g_application_get_default ();

  g_return_if_fail (LAB_IS_BACKUPS_SECTION (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  if (!g_set_object (&self->store, store))
    return;

  g_cancellable_cancel (self->list_cancellable);
  self->loading = FALSE;
  self->loaded = FALSE;
  g_list_store_remove_all (self->backups);

  if (store != NULL)
    {
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* Reading the sidecars is quick, but only worth it when shown. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        lab_backups_section_reload (self);
    }

  /* The application's scheduler runs the automatic backups of this store. */
  if (self->scheduler == NULL && LAB_IS_APPLICATION (app))
    lab_backups_section_set_scheduler (self,
                                       lab_application_get_scheduler (LAB_APPLICATION (app)));

  update_actions (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_backups_section_get_scheduler:
 *
 * Returns: (transfer none) (nullable): the scheduler whose next run is shown
 */
LabScheduler *
lab_backups_section_get_scheduler (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), NULL);
  return self->scheduler;
}

static void
scheduler_finished_cb (LabBackupsSection *self)
{
  lab_backups_section_reload (self);
}

void
lab_backups_section_set_scheduler (LabBackupsSection *self,
                                   LabScheduler      *scheduler)
{
  g_return_if_fail (LAB_IS_BACKUPS_SECTION (self));
  g_return_if_fail (!scheduler || LAB_IS_SCHEDULER (scheduler));

  if (self->scheduler != NULL)
    g_signal_handlers_disconnect_by_data (self->scheduler, self);

  if (!g_set_object (&self->scheduler, scheduler))
    return;

  if (scheduler != NULL)
    {
      g_signal_connect_object (scheduler, "notify", G_CALLBACK (update_status), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (scheduler, "backup-finished", G_CALLBACK (scheduler_finished_cb),
                               self, G_CONNECT_SWAPPED);
    }

  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCHEDULER]);
}

/**
 * lab_backups_section_get_backups:
 *
 * Returns: (transfer none): the listed backups (#LabBackupInfo), newest first
 */
GListModel *
lab_backups_section_get_backups (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), NULL);
  return G_LIST_MODEL (self->backups);
}

/**
 * lab_backups_section_get_loading:
 *
 * Returns: whether the list is being read
 */
gboolean
lab_backups_section_get_loading (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), FALSE);
  return self->loading;
}

/**
 * lab_backups_section_get_busy:
 *
 * Returns: whether an operation (back up, verify, restore, delete) runs
 */
gboolean
lab_backups_section_get_busy (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), FALSE);
  return self->cancellable != NULL;
}

/**
 * lab_backups_section_get_warning_visible:
 *
 * Returns: whether the "no recent backup" warning shows
 */
gboolean
lab_backups_section_get_warning_visible (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->warning_row));
}

/**
 * lab_backups_section_get_dialog:
 *
 * Returns: (transfer none) (nullable): the dialog the section shows (a
 *   confirmation or the Restore Sessions dialog), while it is shown
 */
GtkWidget *
lab_backups_section_get_dialog (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), NULL);
  return self->dialog;
}

/**
 * lab_backups_section_get_list_box:
 *
 * Returns: (transfer none): the list of backups, one row each
 */
GtkListBox *
lab_backups_section_get_list_box (LabBackupsSection *self)
{
  g_return_val_if_fail (LAB_IS_BACKUPS_SECTION (self), NULL);
  return self->list_box;
}
