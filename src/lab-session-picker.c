/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-session-picker"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-backup.h"
#include "lab-browse.h"
#include "lab-db.h"
#include "lab-format.h"
#include "lab-session-picker.h"

/**
 * LabSessionPicker:
 *
 * A window to check sessions in: the sessions a backup holds (read from the
 * backup's own database, opened in a thread, decompressed if need be), to
 * restore them, or the store's own, to export them. Most recently active
 * first, a page at a time ("Show More"), searchable by title or id; every
 * page is read in a thread. The confirm button emits ::chosen with the ids of
 * the checked sessions; the caller goes on from there.
 */

typedef enum
{
  SOURCE_BACKUP,
  SOURCE_STORE,
} Source;

struct _LabSessionPicker
{
  AdwWindow parent_instance;

  Source source;
  LabDataDir *dir;
  char *name;                    /* the backup's */
  LabDb *db;
  GCancellable *cancellable;     /* the picker's life */
  GHashTable *checked;           /* session id → itself */
  char *query;
  guint offset;
  gboolean opening;              /* the database is being opened */
  gboolean reading;              /* a page is being read */
  gboolean pending;              /* the query changed while a page was read */
  gboolean setting_text;

  GtkStack *stack;
  AdwStatusPage *error_page;
  GtkSearchEntry *search_entry;
  GtkListBox *list_box;
  GtkButton *more_button;
  GtkButton *choose_button;
};

G_DEFINE_FINAL_TYPE (LabSessionPicker, lab_session_picker, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PAGE_SIZE 100

static void
update_choose_button (LabSessionPicker *self)
{
  guint n = g_hash_table_size (self->checked);
  g_autofree char *label = NULL;

  if (self->source == SOURCE_BACKUP)
    label = n == 0 ? g_strdup (_("_Restore"))
                   : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Restore %u Session",
                                                   "_Restore %u Sessions", n),
                                      n);
  else
    label = n == 0 ? g_strdup (_("_Choose"))
                   : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Choose %u Session",
                                                   "_Choose %u Sessions", n),
                                      n);
  gtk_button_set_label (self->choose_button, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "picker.choose", n > 0);
}

static void
check_toggled_cb (GtkCheckButton   *check,
                  LabSessionPicker *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "session-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->checked, g_strdup (id));
  else
    g_hash_table_remove (self->checked, id);

  update_choose_button (self);
}

static GtkWidget *
create_row (LabSessionPicker *self,
            LabSession       *session)
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
show_error (LabSessionPicker *self,
            const char       *message)
{
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* A page of sessions: a LIMIT query on an indexed order, read in a thread
 * (a few milliseconds on most stores, more for a title searched among many). */

typedef struct
{
  LabDb *db;
  char *query;
  guint offset;
} PageData;

static void
page_data_free (gpointer data)
{
  PageData *page = data;

  g_object_unref (page->db);
  g_free (page->query);
  g_free (page);
}

static void
read_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PageData *page = task_data;
  GError *error = NULL;
  GPtrArray *sessions;

  sessions = lab_backup_list_sessions (page->db, page->query, page->offset, PAGE_SIZE + 1, &error);
  if (sessions == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sessions, (GDestroyNotify) g_ptr_array_unref);
}

static void read_page (LabSessionPicker *self, gboolean replace);

static void
read_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LabSessionPicker *self = LAB_SESSION_PICKER (object);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  gboolean replace = GPOINTER_TO_INT (user_data);

  sessions = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->reading = FALSE;

  /* What was read is for a query typed over since. */
  if (self->pending)
    {
      self->pending = FALSE;
      read_page (self, TRUE);
      return;
    }

  if (sessions == NULL)
    {
      show_error (self, error->message);
      return;
    }

  if (replace)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
        gtk_list_box_remove (self->list_box, child);
      self->offset = 0;
    }

  for (guint i = 0; i < MIN (sessions->len, PAGE_SIZE); i++)
    gtk_list_box_append (self->list_box, create_row (self, g_ptr_array_index (sessions, i)));

  self->offset += MIN (sessions->len, PAGE_SIZE);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), sessions->len > PAGE_SIZE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->more_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, self->offset > 0 ? "list" : "empty");
}

/* Reads the first page of the query anew (@replace) or the next one. One
 * page is read at a time: a query changed meanwhile is read after. */
static void
read_page (LabSessionPicker *self,
           gboolean          replace)
{
  g_autoptr(GTask) task = NULL;
  PageData *page;

  if (self->db == NULL)
    return;

  if (self->reading)
    {
      self->pending = self->pending || replace;
      return;
    }

  page = g_new0 (PageData, 1);
  page->db = g_object_ref (self->db);
  page->query = g_strdup (self->query);
  page->offset = replace ? 0 : self->offset;

  self->reading = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->more_button), FALSE);
  task = g_task_new (self, self->cancellable, read_page_cb, GINT_TO_POINTER (replace));
  g_task_set_source_tag (task, read_page);
  g_task_set_task_data (task, page, page_data_free);
  g_task_run_in_thread (task, read_page_thread);
}

static void
database_ready (LabSessionPicker *self,
                LabDb            *db,
                GError           *error)
{
  self->opening = FALSE;
  if (db == NULL)
    {
      show_error (self, error->message);
      return;
    }

  self->db = db;
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  read_page (self, TRUE);
}

static void
open_backup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LabSessionPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  LabDb *db;

  db = lab_backup_open_database_finish (LAB_DATA_DIR (object), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    database_ready (self, db, error);
}

static void
open_store_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  LabDb *db = lab_db_open (task_data, LAB_DB_OPEN_READ_ONLY, &error);

  if (db == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, db, g_object_unref);
}

static void
open_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  LabDb *db;

  db = g_task_propagate_pointer (G_TASK (result), &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    database_ready (LAB_SESSION_PICKER (object), db, error);
}

static void
search_changed_cb (LabSessionPicker *self)
{
  if (self->setting_text)
    return;

  lab_session_picker_set_query (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
more_clicked_cb (LabSessionPicker *self)
{
  read_page (self, FALSE);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabSessionPicker *self = LAB_SESSION_PICKER (widget);
  g_auto(GStrv) ids = lab_session_picker_get_checked (self);

  if (ids[0] != NULL)
    g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, ids);
}

static void
lab_session_picker_dispose (GObject *object)
{
  LabSessionPicker *self = (LabSessionPicker *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (lab_session_picker_parent_class)->dispose (object);
}

static void
lab_session_picker_finalize (GObject *object)
{
  LabSessionPicker *self = (LabSessionPicker *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->dir);
  g_hash_table_unref (self->checked);
  g_free (self->name);
  g_free (self->query);

  G_OBJECT_CLASS (lab_session_picker_parent_class)->finalize (object);
}

static void
lab_session_picker_class_init (LabSessionPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_session_picker_dispose;
  object_class->finalize = lab_session_picker_finalize;

  /**
   * LabSessionPicker::chosen:
   * @sessions: the ids of the checked sessions
   *
   * The person chose these sessions (to restore, or to export).
   */
  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_install_action (widget_class, "picker.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_session_picker_init (LabSessionPicker *self)
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

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->choose_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->choose_button, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->choose_button), "picker.choose");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->choose_button));
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
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->error_page), "error");

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_window_set_content (ADW_WINDOW (self), box);
}

/* What differs between the two kinds of picker. */
static void
set_source (LabSessionPicker *self,
            Source            source,
            LabDataDir       *dir,
            const char       *title,
            const char       *list_label,
            const char       *error_title)
{
  self->source = source;
  self->dir = g_object_ref (dir);
  self->opening = TRUE;
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  list_label, -1);
  adw_status_page_set_title (self->error_page, error_title);
  gtk_widget_add_css_class (GTK_WIDGET (self->choose_button),
                            source == SOURCE_BACKUP ? "destructive-action" : "suggested-action");
  update_choose_button (self);
}

/**
 * lab_session_picker_new_for_backup:
 * @dir: the data directory
 * @backup: the backup to restore sessions from
 *
 * Returns: (transfer floating): a picker of the sessions in @backup, to
 *   restore; it starts reading the backup
 */
LabSessionPicker *
lab_session_picker_new_for_backup (LabDataDir    *dir,
                                   LabBackupInfo *backup)
{
  LabSessionPicker *self;
  g_autofree char *date = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (backup), NULL);

  self = g_object_new (LAB_TYPE_SESSION_PICKER, NULL);
  self->name = g_strdup (lab_backup_info_get_name (backup));
  date = lab_format_date_time (lab_backup_info_get_created_at (backup));
  /* Translators: the date of a backup */
  title = g_strdup_printf (_("Restore Sessions From %s"), date);
  set_source (self, SOURCE_BACKUP, dir, title, _("Sessions in the backup"),
              _("Cannot Read the Backup"));

  lab_backup_open_database_async (dir, self->name, self->cancellable, open_backup_cb,
                                  g_object_ref (self));
  return self;
}

/**
 * lab_session_picker_new_for_store:
 * @dir: the data directory
 * @checked: (nullable): the sessions checked at first
 *
 * Returns: (transfer floating): a picker of the store's sessions, to export;
 *   it opens its own connection to the store
 */
LabSessionPicker *
lab_session_picker_new_for_store (LabDataDir         *dir,
                                  const char * const *checked)
{
  LabSessionPicker *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  self = g_object_new (LAB_TYPE_SESSION_PICKER, NULL);
  for (guint i = 0; checked != NULL && checked[i] != NULL; i++)
    g_hash_table_add (self->checked, g_strdup (checked[i]));
  set_source (self, SOURCE_STORE, dir, _("Choose Sessions"), _("Sessions in the store"),
              _("Cannot Read the Sessions"));

  task = g_task_new (self, self->cancellable, open_store_cb, NULL);
  g_task_set_source_tag (task, lab_session_picker_new_for_store);
  g_task_set_task_data (task, g_object_ref (dir), g_object_unref);
  g_task_run_in_thread (task, open_store_thread);
  return self;
}

/**
 * lab_session_picker_get_backup_name:
 *
 * Returns: (nullable): the backup whose sessions are shown
 */
const char *
lab_session_picker_get_backup_name (LabSessionPicker *self)
{
  g_return_val_if_fail (LAB_IS_SESSION_PICKER (self), NULL);
  return self->name;
}

/**
 * lab_session_picker_get_loading:
 *
 * Returns: whether the database is still being opened or a page read
 */
gboolean
lab_session_picker_get_loading (LabSessionPicker *self)
{
  g_return_val_if_fail (LAB_IS_SESSION_PICKER (self), FALSE);
  return self->opening || self->reading;
}

/**
 * lab_session_picker_get_n_shown:
 *
 * Returns: how many sessions the list shows
 */
guint
lab_session_picker_get_n_shown (LabSessionPicker *self)
{
  g_return_val_if_fail (LAB_IS_SESSION_PICKER (self), 0);
  return self->offset;
}

/**
 * lab_session_picker_set_query:
 * @query: (nullable): a title word or the start of an id
 *
 * Shows only the matching sessions (what typing in the search entry does).
 * Checked sessions stay checked.
 */
void
lab_session_picker_set_query (LabSessionPicker *self,
                              const char       *query)
{
  g_return_if_fail (LAB_IS_SESSION_PICKER (self));

  if (g_strcmp0 (self->query, query) == 0)
    return;

  g_free (self->query);
  self->query = g_strdup (query);
  /* Setting the text empties the entry first, which is a search too. */
  self->setting_text = TRUE;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), query ? query : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), query ? query : "");
  self->setting_text = FALSE;
  read_page (self, TRUE);
}

/**
 * lab_session_picker_set_checked:
 *
 * Checks or unchecks a session (as clicking its row does).
 */
void
lab_session_picker_set_checked (LabSessionPicker *self,
                                const char       *session_id,
                                gboolean          checked)
{
  g_return_if_fail (LAB_IS_SESSION_PICKER (self));

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
  update_choose_button (self);
}

static int
compare_ids (const void *a,
             const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * lab_session_picker_get_checked:
 *
 * Returns: (transfer full): the ids of the checked sessions, sorted
 */
char **
lab_session_picker_get_checked (LabSessionPicker *self)
{
  g_autofree const char **ids = NULL;
  guint n = 0;
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (LAB_IS_SESSION_PICKER (self), NULL);

  ids = (const char **) g_hash_table_get_keys_as_array (self->checked, &n);
  qsort (ids, n, sizeof (char *), compare_ids);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, ids[i]);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}
