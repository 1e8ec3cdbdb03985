/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-restore-sessions-dialog"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-backup.h"
#include "lab-browse.h"
#include "lab-format.h"
#include "lab-restore-sessions-dialog.h"

/**
 * LabRestoreSessionsDialog:
 *
 * "Restore Sessions…": the sessions a backup holds, read from the backup's
 * own database (opened in a thread, decompressed if need be), most recently
 * active first, a page at a time ("Show More") and searchable by title or id.
 * The person checks the sessions to bring back; "Restore" emits ::restore
 * with their ids and the caller confirms and restores.
 */
struct _LabRestoreSessionsDialog
{
  AdwWindow parent_instance;

  LabDataDir *dir;
  char *name;
  LabDb *db;
  GCancellable *cancellable;
  GHashTable *checked;   /* session id → itself */
  char *query;
  guint offset;
  gboolean loading;
  gboolean setting_text;

  GtkStack *stack;
  AdwStatusPage *error_page;
  GtkSearchEntry *search_entry;
  GtkListBox *list_box;
  GtkButton *more_button;
  GtkButton *restore_button;
};

G_DEFINE_FINAL_TYPE (LabRestoreSessionsDialog, lab_restore_sessions_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RESTORE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PAGE_SIZE 100

static void
update_restore_button (LabRestoreSessionsDialog *self)
{
  guint n = g_hash_table_size (self->checked);
  g_autofree char *label = NULL;

  if (n == 0)
    label = g_strdup (_("_Restore"));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Restore %u Session",
                                          "_Restore %u Sessions", n),
                             n);
  gtk_button_set_label (self->restore_button, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.restore", n > 0);
}

static void
check_toggled_cb (GtkCheckButton           *check,
                  LabRestoreSessionsDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "session-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->checked, g_strdup (id));
  else
    g_hash_table_remove (self->checked, id);

  update_restore_button (self);
}

static GtkWidget *
create_row (LabRestoreSessionsDialog *self,
            LabSession               *session)
{
  const char *id = lab_session_get_id (session);
  const char *title = lab_session_get_title (session);
  g_autofree char *when = lab_format_date_time (lab_session_get_last_activity_at (session));
  g_autofree char *messages = lab_format_count (lab_session_get_message_count (session));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 title != NULL && title[0] != '\0' ? title : id);
  /* Translators: a session's id, its last activity and its number of messages */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s · %s message",
                                           "%s · %s · %s messages",
                                           lab_session_get_message_count (session)),
                              id, when, messages);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, id);

  g_object_set_data_full (G_OBJECT (check), "session-id", g_strdup (id), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               g_hash_table_contains (self->checked, id));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_signal_connect_object (check, "toggled", G_CALLBACK (check_toggled_cb), self, 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);

  return row;
}

static void
show_error (LabRestoreSessionsDialog *self,
            const char               *message)
{
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* A page of sessions, from the backup's own database: a LIMIT query on an
 * indexed order, a few milliseconds even on a large backup. */
static void
load_more (LabRestoreSessionsDialog *self)
{
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;

  if (self->db == NULL)
    return;

  sessions = lab_backup_list_sessions (self->db, self->query, self->offset, PAGE_SIZE + 1, &error);
  if (sessions == NULL)
    {
      show_error (self, error->message);
      return;
    }

  for (guint i = 0; i < MIN (sessions->len, PAGE_SIZE); i++)
    gtk_list_box_append (self->list_box, create_row (self, g_ptr_array_index (sessions, i)));

  self->offset += MIN (sessions->len, PAGE_SIZE);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), sessions->len > PAGE_SIZE);
  gtk_stack_set_visible_child_name (self->stack, self->offset > 0 ? "list" : "empty");
}

static void
reload (LabRestoreSessionsDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  self->offset = 0;
  load_more (self);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LabRestoreSessionsDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  LabDb *db;

  db = lab_backup_open_database_finish (LAB_DATA_DIR (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (db == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->db = db;
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  reload (self);
}

static void
search_changed_cb (LabRestoreSessionsDialog *self)
{
  if (self->setting_text)
    return;

  lab_restore_sessions_dialog_set_query (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
more_clicked_cb (LabRestoreSessionsDialog *self)
{
  load_more (self);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LabRestoreSessionsDialog *self = LAB_RESTORE_SESSIONS_DIALOG (widget);
  g_auto(GStrv) ids = lab_restore_sessions_dialog_get_checked (self);

  if (ids[0] != NULL)
    g_signal_emit (self, signals[SIGNAL_RESTORE], 0, ids);
}

static void
lab_restore_sessions_dialog_dispose (GObject *object)
{
  LabRestoreSessionsDialog *self = (LabRestoreSessionsDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (lab_restore_sessions_dialog_parent_class)->dispose (object);
}

static void
lab_restore_sessions_dialog_finalize (GObject *object)
{
  LabRestoreSessionsDialog *self = (LabRestoreSessionsDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->dir);
  g_hash_table_unref (self->checked);
  g_free (self->name);
  g_free (self->query);

  G_OBJECT_CLASS (lab_restore_sessions_dialog_parent_class)->finalize (object);
}

static void
lab_restore_sessions_dialog_class_init (LabRestoreSessionsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_restore_sessions_dialog_dispose;
  object_class->finalize = lab_restore_sessions_dialog_finalize;

  /**
   * LabRestoreSessionsDialog::restore:
   * @sessions: the ids of the checked sessions
   *
   * The person asked to restore these sessions.
   */
  signals[SIGNAL_RESTORE] =
    g_signal_new ("restore", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_install_action (widget_class, "dialog.restore", NULL, restore_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_restore_sessions_dialog_init (LabRestoreSessionsDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *search_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *list_box_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 600);
  gtk_window_set_title (GTK_WINDOW (self), _("Restore Sessions"));

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->restore_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Restore")));
  gtk_button_set_use_underline (self->restore_button, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->restore_button), "dialog.restore");
  gtk_widget_add_css_class (GTK_WIDGET (self->restore_button), "destructive-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->restore_button));
  gtk_box_append (GTK_BOX (box), header);

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search by title or id"), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->search_entry), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->search_entry), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->search_entry), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search sessions"), -1);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (search_box), GTK_WIDGET (self->search_entry));
  gtk_box_append (GTK_BOX (box), search_box);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_widget_set_size_request (spinner, 32, 32);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_stack_add_named (self->stack, spinner, "loading");

  self->list_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list_box, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_box), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sessions in the backup"), -1);
  gtk_box_append (GTK_BOX (list_box_box), GTK_WIDGET (self->list_box));
  self->more_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("Show _More")));
  gtk_widget_set_halign (GTK_WIDGET (self->more_button), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
  g_signal_connect_object (self->more_button, "clicked", G_CALLBACK (more_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (list_box_box), GTK_WIDGET (self->more_button));
  gtk_widget_set_margin_top (list_box_box, 12);
  gtk_widget_set_margin_bottom (list_box_box, 12);
  gtk_widget_set_margin_start (list_box_box, 12);
  gtk_widget_set_margin_end (list_box_box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), list_box_box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_stack_add_named (self->stack, scrolled, "list");

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "edit-find-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Sessions Found"));
  gtk_stack_add_named (self->stack, empty, "empty");

  self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  adw_status_page_set_title (self->error_page, _("Cannot Read the Backup"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);

  update_restore_button (self);
}

/**
 * lab_restore_sessions_dialog_new:
 * @dir: the data directory
 * @backup: the backup to restore sessions from
 *
 * Returns: (transfer floating): the dialog; it starts reading the backup
 */
LabRestoreSessionsDialog *
lab_restore_sessions_dialog_new (LabDataDir    *dir,
                                 LabBackupInfo *backup)
{
  LabRestoreSessionsDialog *self;
  g_autofree char *date = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (backup), NULL);

  self = g_object_new (LAB_TYPE_RESTORE_SESSIONS_DIALOG, NULL);
  self->dir = g_object_ref (dir);
  self->name = g_strdup (lab_backup_info_get_name (backup));
  date = lab_format_date_time (lab_backup_info_get_created_at (backup));
  {
    /* Translators: the date of a backup */
    g_autofree char *title = g_strdup_printf (_("Restore Sessions From %s"), date);

    gtk_window_set_title (GTK_WINDOW (self), title);
  }

  self->loading = TRUE;
  lab_backup_open_database_async (dir, self->name, self->cancellable, open_cb,
                                  g_object_ref (self));
  return self;
}

const char *
lab_restore_sessions_dialog_get_backup_name (LabRestoreSessionsDialog *self)
{
  g_return_val_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self), NULL);
  return self->name;
}

/**
 * lab_restore_sessions_dialog_get_loading:
 *
 * Returns: whether the backup is still being opened
 */
gboolean
lab_restore_sessions_dialog_get_loading (LabRestoreSessionsDialog *self)
{
  g_return_val_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self), FALSE);
  return self->loading;
}

/**
 * lab_restore_sessions_dialog_get_n_shown:
 *
 * Returns: how many sessions the list shows
 */
guint
lab_restore_sessions_dialog_get_n_shown (LabRestoreSessionsDialog *self)
{
  g_return_val_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self), 0);
  return self->offset;
}

/**
 * lab_restore_sessions_dialog_set_query:
 * @query: (nullable): a title word or the start of an id
 *
 * Shows only the matching sessions (what typing in the search entry does).
 * Checked sessions stay checked.
 */
void
lab_restore_sessions_dialog_set_query (LabRestoreSessionsDialog *self,
                                       const char               *query)
{
  g_return_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self));

  if (g_strcmp0 (self->query, query) == 0)
    return;

  g_free (self->query);
  self->query = g_strdup (query);
  /* Setting the text empties the entry first, which is a search too. */
  self->setting_text = TRUE;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), query ? query : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query ? query : "");
  self->setting_text = FALSE;
  reload (self);
}

/**
 * lab_restore_sessions_dialog_set_checked:
 *
 * Checks or unchecks a session (as clicking its row does).
 */
void
lab_restore_sessions_dialog_set_checked (LabRestoreSessionsDialog *self,
                                         const char               *session_id,
                                         gboolean                  checked)
{
  g_return_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");

      if (check != NULL &&
          g_strcmp0 (g_object_get_data (G_OBJECT (check), "session-id"), session_id) == 0)
        {
          gtk_check_button_set_active (check, checked);
          return;
        }
    }

  /* Not shown (filtered out): remember it all the same. */
  if (checked)
    g_hash_table_add (self->checked, g_strdup (session_id));
  else
    g_hash_table_remove (self->checked, session_id);
  update_restore_button (self);
}

static int
compare_ids (const void *a,
             const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * lab_restore_sessions_dialog_get_checked:
 *
 * Returns: (transfer full): the ids of the checked sessions, sorted
 */
char **
lab_restore_sessions_dialog_get_checked (LabRestoreSessionsDialog *self)
{
  g_autofree const char **ids = NULL;
  guint n = 0;
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (LAB_IS_RESTORE_SESSIONS_DIALOG (self), NULL);

  ids = (const char **) g_hash_table_get_keys_as_array (self->checked, &n);
  qsort (ids, n, sizeof (char *), compare_ids);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, ids[i]);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}
