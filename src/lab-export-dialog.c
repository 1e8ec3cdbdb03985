/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-export-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-export-dialog.h"
#include "lab-export.h"
#include "lab-fileutil.h"
#include "lab-format.h"
#include "lab-session-picker.h"
#include "lab-timestamp.h"
#include "lab-window.h"

/**
 * LabExportDialog:
 *
 * "Export…": what to put in a `.labdata` archive (everything, the chosen
 * sessions, the current search results, or sessions by date range,
 * participant and status), with the number of sessions that choice holds,
 * and where to write it. The export runs off the main thread with a
 * progress bar and a Stop button; when it is done the dialog closes and the
 * window shows a toast with "Show in Folder".
 */
struct _LabExportDialog
{
  AdwWindow parent_instance;

  LabStore *store;
  char **session_ids;
  char *search_text;
  char *dest;                 /* NULL: a new name in archives/ */
  char **participants;
  gint64 count;               /* -1 while counting or after an error */
  char *error;
  char *result_path;
  gboolean running;
  gboolean close_when_done;
  GCancellable *count_cancellable;
  GCancellable *cancellable;
  GCancellable *life;         /* cancelled when the dialog goes */
  LabProgress *progress;
  GtkFileChooserNative *chooser;
  LabSessionPicker *picker;   /* weak: the Choose… window of the sessions */

  GtkStack *stack;
  GtkButton *cancel_button;
  GtkButton *export_button;
  GtkSpinner *count_spinner;
  GtkLabel *count_label;
  AdwActionRow *sessions_row;
  AdwActionRow *search_row;
  GtkCheckButton *all_check;
  GtkCheckButton *sessions_check;
  GtkCheckButton *search_check;
  GtkCheckButton *filter_check;
  AdwEntryRow *since_row;
  AdwEntryRow *until_row;
  AdwComboRow *participant_row;
  AdwComboRow *status_row;
  AdwActionRow *dest_row;
  GtkLabel *error_label;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (LabExportDialog, lab_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_COUNT,
  PROP_RUNNING,
  PROP_RESULT_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The statuses the filter offers, as stored; the first is "any". */
static const char * const statuses[] = { NULL, "active", "completed", "paused", "failed" };

static void update_count (LabExportDialog *self);

static void
set_error (LabExportDialog *self,
           const char      *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_buttons (LabExportDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            !self->running && self->count > 0 && self->error == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->export_button), !self->running);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !self->running);
}

static void
set_count (LabExportDialog *self,
           gint64           count)
{
  g_autofree char *text = NULL;

  self->count = count;
  gtk_spinner_set_spinning (self->count_spinner, count < 0 && self->error == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->count_spinner), count < 0 && self->error == NULL);
  if (count >= 0)
    {
      g_autofree char *number = lab_format_count (count);

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions", count),
                              number);
    }
  gtk_label_set_text (self->count_label, text ? text : "");
  update_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

static void
set_running (LabExportDialog *self,
             gboolean         running)
{
  self->running = running;
  gtk_stack_set_visible_child_name (self->stack, running ? "running" : "options");
  update_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static gboolean
parse_date (AdwEntryRow  *row,
            gboolean      end_of_day,
            gint64       *usec,
            GError      **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  *usec = 0;
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (text[0] == '\0')
    return TRUE;

  if (!lab_date_parse_bound (text, end_of_day, usec))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a date: write it as 2026-11-01"), text);
      return FALSE;
    }

  return TRUE;
}

/* What the dialog's choices say to export, or NULL with @error set when a
 * choice cannot be read (a date that is not one). */
static LabExportOptions *
build_options (LabExportDialog  *self,
               GError          **error)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  LabExportScope scope = lab_export_dialog_get_scope (self);
  gint64 since, until;
  gboolean since_ok, until_ok;

  /* Both rows show their own error state. */
  since_ok = parse_date (self->since_row, FALSE, &since, error);
  until_ok = parse_date (self->until_row, TRUE, &until, since_ok ? error : NULL);

  switch (scope)
    {
    case LAB_EXPORT_SCOPE_ALL:
      break;

    case LAB_EXPORT_SCOPE_SESSIONS:
      options->filter = lab_session_filter_new ();
      options->filter->ids = g_strdupv (self->session_ids);
      break;

    case LAB_EXPORT_SCOPE_SEARCH:
      options->query = g_strdup (self->search_text);
      break;

    case LAB_EXPORT_SCOPE_FILTER:
      {
        guint participant = adw_combo_row_get_selected (self->participant_row);
        guint status = adw_combo_row_get_selected (self->status_row);

        if (!since_ok || !until_ok)
          return NULL;
        if (since != 0 && until != 0 && since > until)
          {
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 _("The range ends before it starts"));
            return NULL;
          }

        options->filter = lab_session_filter_new ();
        options->filter->since = since;
        options->filter->until = until;
        if (participant != GTK_INVALID_LIST_POSITION && participant > 0 &&
            self->participants != NULL && participant <= g_strv_length (self->participants))
          options->filter->participant = g_strdup (self->participants[participant - 1]);
        if (status != GTK_INVALID_LIST_POSITION && status > 0 && status < G_N_ELEMENTS (statuses))
          options->filter->status = g_strdup (statuses[status]);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  /* A date typed while another scope is chosen does not matter. */
  g_clear_error (error);

  return g_steal_pointer (&options);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 n;

  n = lab_export_count_sessions_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (n < 0)
    set_error (self, error->message);
  else if (n == 0)
    set_error (self, _("No session matches this choice"));
  set_count (self, n);
}

static void
update_count (LabExportDialog *self)
{
  g_autoptr(LabExportOptions) options = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  set_error (self, NULL);

  if (self->store == NULL)
    return;

  options = build_options (self, &error);
  if (options == NULL)
    {
      set_error (self, error->message);
      set_count (self, -1);
      return;
    }

  set_count (self, -1);
  self->count_cancellable = g_cancellable_new ();
  lab_export_count_sessions_async (lab_store_get_data_dir (self->store), options,
                                   self->count_cancellable, count_cb, g_object_ref (self));
}

static void
participants_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LabExportDialog) self = user_data;
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) participants = NULL;

  participants = lab_store_list_participants_finish (LAB_STORE (object), result, &error);
  if (participants == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the participants: %s", error->message);
      return;
    }

  gtk_string_list_append (list, _("Anyone"));
  for (guint i = 0; participants[i] != NULL; i++)
    gtk_string_list_append (list, participants[i]);

  g_strfreev (self->participants);
  self->participants = g_steal_pointer (&participants);
  adw_combo_row_set_model (self->participant_row, G_LIST_MODEL (list));
}

static void
update_destination (LabExportDialog *self)
{
  g_autofree char *path = NULL;

  if (self->dest != NULL)
    path = g_strdup (self->dest);
  else if (self->store != NULL)
    path = lab_export_default_path (lab_store_get_data_dir (self->store));

  adw_action_row_set_subtitle (self->dest_row, path ? path : "");
}

static void
scope_toggled_cb (LabExportDialog *self,
                  GtkCheckButton  *check)
{
  /* Each change of the radio group toggles two buttons: count once. */
  if (gtk_check_button_get_active (check))
    update_count (self);
}

static void
filter_changed_cb (LabExportDialog *self)
{
  if (gtk_check_button_get_active (self->filter_check))
    update_count (self);
}

static void
chooser_response_cb (LabExportDialog      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          if (!g_str_has_suffix (path, ".labdata"))
            {
              char *with_suffix = g_strconcat (path, ".labdata", NULL);

              g_free (path);
              path = with_suffix;
            }
          lab_export_dialog_set_destination (self, path);
        }
    }

  g_clear_object (&self->chooser);
}

static void
choose_clicked_cb (LabExportDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *default_path = NULL;
  g_autofree char *name = NULL;

  if (self->store == NULL || self->chooser != NULL)
    return;

  default_path = self->dest ? g_strdup (self->dest)
                            : lab_export_default_path (lab_store_get_data_dir (self->store));
  name = g_path_get_basename (default_path);

  self->chooser = gtk_file_chooser_native_new (_("Export To"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("LabData Archives"));
  gtk_file_filter_add_pattern (filter, "*.labdata");
  gtk_file_filter_add_mime_type (filter, "application/x-labdata-archive");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  if (self->dest == NULL)
    {
      const char *archives = lab_data_dir_get_archives_path (lab_store_get_data_dir (self->store));

      /* The default folder; the export would create it anyway. */
      if (lab_mkdir_private (archives, NULL))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (archives);

          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
        }
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (self->dest);

      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), file, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
show_result (LabExportDialog *self,
             LabExportResult *result)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  gint64 n = lab_export_result_get_count (result, "sessions");
  g_autofree char *number = lab_format_count (n);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (!LAB_IS_WINDOW (parent))
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s session",
                                        "Exported %s sessions", n),
                           number);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Show in Folder"));
  adw_toast_set_action_name (toast, "app.show-in-folder");
  adw_toast_set_action_target_value (toast, g_variant_new_string (result->path));
  lab_window_add_toast (LAB_WINDOW (parent), toast);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabExportDialog) self = user_data;
  g_autoptr(LabExportResult) export_result = NULL;
  g_autoptr(GError) error = NULL;

  g_application_release (g_application_get_default ());
  g_clear_object (&self->cancellable);

  export_result = lab_export_run_finish (result, &error);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  set_running (self, FALSE);
  if (export_result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (self, error->message);
      update_buttons (self);
      return;
    }

  g_free (self->result_path);
  self->result_path = g_strdup (export_result->path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT_PATH]);

  show_result (self, export_result);
  gtk_window_close (GTK_WINDOW (self));
}

static void
export_clicked_cb (LabExportDialog *self)
{
  lab_export_dialog_export (self);
}

static void
cancel_clicked_cb (LabExportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
stop_clicked_cb (LabExportDialog *self)
{
  g_cancellable_cancel (self->cancellable);
}

static gboolean
lab_export_dialog_close_request (GtkWindow *window)
{
  LabExportDialog *self = LAB_EXPORT_DIALOG (window);

  /* The export stops first; the dialog closes when it has cleaned up. */
  if (self->running)
    {
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (lab_export_dialog_parent_class)->close_request (window);
}

static void
sessions_picked_cb (LabSessionPicker   *picker,
                    const char * const *ids,
                    LabExportDialog    *self)
{
  lab_export_dialog_set_sessions (self, ids, NULL);
  gtk_window_destroy (GTK_WINDOW (picker));
}

/* "Choose…": the store's sessions, the chosen ones checked, to check more. */
static void
pick_sessions_clicked_cb (LabExportDialog *self)
{
  LabSessionPicker *picker;

  if (self->running)
    return;

  picker = lab_session_picker_new_for_store (lab_store_get_data_dir (self->store),
                                             (const char * const *) self->session_ids);
  gtk_window_set_transient_for (GTK_WINDOW (picker), GTK_WINDOW (self));
  g_signal_connect_object (picker, "chosen", G_CALLBACK (sessions_picked_cb), self, 0);
  g_set_weak_pointer (&self->picker, picker);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
lab_export_dialog_dispose (GObject *object)
{
  LabExportDialog *self = (LabExportDialog *) object;

  g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  g_cancellable_cancel (self->life);
  g_clear_object (&self->life);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->picker != NULL)
    gtk_window_destroy (GTK_WINDOW (self->picker));
  g_clear_weak_pointer (&self->picker);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EXPORT_DIALOG);
  g_clear_object (&self->progress);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_export_dialog_parent_class)->dispose (object);
}

static void
lab_export_dialog_finalize (GObject *object)
{
  LabExportDialog *self = (LabExportDialog *) object;

  g_strfreev (self->session_ids);
  g_strfreev (self->participants);
  g_free (self->search_text);
  g_free (self->dest);
  g_free (self->error);
  g_free (self->result_path);

  G_OBJECT_CLASS (lab_export_dialog_parent_class)->finalize (object);
}

static void
lab_export_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabExportDialog *self = LAB_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_int64 (value, self->count);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_RESULT_PATH:
      g_value_set_string (value, self->result_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_export_dialog_class_init (LabExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_export_dialog_dispose;
  object_class->finalize = lab_export_dialog_finalize;
  object_class->get_property = lab_export_dialog_get_property;
  window_class->close_request = lab_export_dialog_close_request;

  properties[PROP_COUNT] =
    g_param_spec_int64 ("count", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT_PATH] =
    g_param_spec_string ("result-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, count_spinner);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, sessions_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, search_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, all_check);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, sessions_check);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, search_check);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, filter_check);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, since_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, until_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, participant_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, dest_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, LabExportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, scope_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pick_sessions_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_export_dialog_init (LabExportDialog *self)
{
  g_autoptr(GtkStringList) status_list = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) participant_list = gtk_string_list_new (NULL);

  self->count = -1;
  self->life = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (status_list, _("Any Status"));
  for (guint i = 1; i < G_N_ELEMENTS (statuses); i++)
    gtk_string_list_append (status_list, lab_format_status (statuses[i]));
  adw_combo_row_set_model (self->status_row, G_LIST_MODEL (status_list));

  gtk_string_list_append (participant_list, _("Anyone"));
  adw_combo_row_set_model (self->participant_row, G_LIST_MODEL (participant_list));
}

/**
 * lab_export_dialog_new:
 * @parent: the window it belongs to; the result's toast shows there
 * @store: the opened store
 *
 * Returns: (transfer none): a new dialog, not yet shown; it counts the
 *   sessions of its first choice (all of them) at once
 */
LabExportDialog *
lab_export_dialog_new (GtkWindow *parent,
                       LabStore  *store)
{
  LabExportDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LAB_IS_STORE (store), NULL);

  self = g_object_new (LAB_TYPE_EXPORT_DIALOG,
                       "transient-for", parent,
                       "application", gtk_window_get_application (parent),
                       NULL);
  self->store = g_object_ref (store);
  update_destination (self);
  lab_store_list_participants_async (store, self->life, participants_cb, g_object_ref (self));
  update_count (self);

  return self;
}

/**
 * lab_export_dialog_set_sessions:
 * @ids: (nullable): session ids; %NULL or empty: none chosen yet
 * @title: (nullable): how to name them (a single session's title)
 *
 * Sets the sessions of "Chosen Sessions" (the open session, for example, or
 * those checked in its Choose… window) and chooses it.
 */
void
lab_export_dialog_set_sessions (LabExportDialog    *self,
                                const char * const *ids,
                                const char         *title)
{
  guint n;

  g_return_if_fail (LAB_IS_EXPORT_DIALOG (self));

  n = ids ? g_strv_length ((char **) ids) : 0;
  g_strfreev (self->session_ids);
  self->session_ids = n > 0 ? g_strdupv ((char **) ids) : NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sessions_check), n > 0);

  if (n == 0)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sessions_row), _("None chosen yet"));
      if (gtk_check_button_get_active (self->sessions_check))
        gtk_check_button_set_active (self->all_check, TRUE);
      return;
    }

  if (title != NULL && n == 1)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sessions_row), title);
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session",
                                                            "%u sessions", n),
                                               n);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sessions_row), text);
    }

  if (gtk_check_button_get_active (self->sessions_check))
    update_count (self);
  else
    gtk_check_button_set_active (self->sessions_check, TRUE);
}

/**
 * lab_export_dialog_set_search_text:
 * @text: (nullable): what the search box holds; %NULL hides the choice
 *
 * Offers "Current Search Results" and chooses it.
 */
void
lab_export_dialog_set_search_text (LabExportDialog *self,
                                   const char      *text)
{
  g_return_if_fail (LAB_IS_EXPORT_DIALOG (self));

  g_free (self->search_text);
  self->search_text = text && *text ? g_strdup (text) : NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->search_row), self->search_text != NULL);

  if (self->search_text == NULL)
    {
      if (gtk_check_button_get_active (self->search_check))
        gtk_check_button_set_active (self->all_check, TRUE);
      return;
    }

  {
    g_autofree char *subtitle = g_strdup_printf (_("Sessions that match “%s”"), self->search_text);

    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->search_row), subtitle);
  }

  if (gtk_check_button_get_active (self->search_check))
    update_count (self);
  else
    gtk_check_button_set_active (self->search_check, TRUE);
}

void
lab_export_dialog_set_scope (LabExportDialog *self,
                             LabExportScope   scope)
{
  GtkCheckButton *checks[] = {
    self->all_check, self->sessions_check, self->search_check, self->filter_check
  };

  g_return_if_fail (LAB_IS_EXPORT_DIALOG (self));
  g_return_if_fail (scope <= LAB_EXPORT_SCOPE_FILTER);

  gtk_check_button_set_active (checks[scope], TRUE);
}

LabExportScope
lab_export_dialog_get_scope (LabExportDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_DIALOG (self), LAB_EXPORT_SCOPE_ALL);

  if (gtk_check_button_get_active (self->sessions_check) && self->session_ids != NULL)
    return LAB_EXPORT_SCOPE_SESSIONS;
  if (gtk_check_button_get_active (self->search_check) && self->search_text != NULL)
    return LAB_EXPORT_SCOPE_SEARCH;
  if (gtk_check_button_get_active (self->filter_check))
    return LAB_EXPORT_SCOPE_FILTER;

  return LAB_EXPORT_SCOPE_ALL;
}

/**
 * lab_export_dialog_set_destination:
 * @path: (nullable): the archive to write; %NULL for a new name in the
 *   data folder's archives/
 */
void
lab_export_dialog_set_destination (LabExportDialog *self,
                                   const char      *path)
{
  g_return_if_fail (LAB_IS_EXPORT_DIALOG (self));

  g_free (self->dest);
  self->dest = g_strdup (path);
  update_destination (self);
}

/**
 * lab_export_dialog_get_count:
 *
 * Returns: the sessions the current choice holds, or -1 while they are
 *   counted (or when the choice cannot be read)
 */
gint64
lab_export_dialog_get_count (LabExportDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_DIALOG (self), -1);
  return self->count;
}

/**
 * lab_export_dialog_get_error:
 *
 * Returns: (nullable): what is wrong with the choice, or why the export failed
 */
const char *
lab_export_dialog_get_error (LabExportDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_DIALOG (self), NULL);
  return self->error;
}

gboolean
lab_export_dialog_get_running (LabExportDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_DIALOG (self), FALSE);
  return self->running;
}

/**
 * lab_export_dialog_get_result_path:
 *
 * Returns: (nullable): the archive written, once the export has succeeded
 */
const char *
lab_export_dialog_get_result_path (LabExportDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_DIALOG (self), NULL);
  return self->result_path;
}

/**
 * lab_export_dialog_export:
 *
 * What the Export button does: starts the export of the current choice,
 * if it holds any session.
 */
void
lab_export_dialog_export (LabExportDialog *self)
{
  g_autoptr(LabExportOptions) options = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LAB_IS_EXPORT_DIALOG (self));

  if (self->running || self->count <= 0 || self->error != NULL || self->store == NULL)
    return;

  options = build_options (self, &error);
  if (options == NULL)
    {
      set_error (self, error->message);
      update_buttons (self);
      return;
    }
  if (self->dest != NULL)
    options->dest = g_strdup (self->dest);
  else
    {
      LabDataDir *dir = lab_store_get_data_dir (self->store);

      /* The name shown is the name written: the time of the click. */
      options->dest = lab_export_default_path (dir);
      adw_action_row_set_subtitle (self->dest_row, options->dest);
      if (!lab_mkdir_private (lab_data_dir_get_archives_path (dir), &error))
        {
          set_error (self, error->message);
          update_buttons (self);
          return;
        }
    }

  g_clear_object (&self->progress);
  self->progress = lab_progress_new ();
  g_object_bind_property (self->progress, "fraction", self->progress_bar, "fraction",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->progress, "message", self->progress_bar, "text",
                          G_BINDING_SYNC_CREATE);

  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);

  /* Long work keeps the application alive if the window closes. */
  g_application_hold (g_application_get_default ());
  lab_export_run_async (lab_store_get_data_dir (self->store), options, self->progress,
                        self->cancellable, export_cb, g_object_ref (self));
}
