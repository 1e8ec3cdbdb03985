/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sessions-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-chat-view.h"
#include "lab-details-pane.h"
#include "lab-filter-popover.h"
#include "lab-format.h"
#include "lab-search-row.h"
#include "lab-session-row.h"
#include "lab-sessions-page.h"
#include "lab-window.h"

#define MAX_RECENT_SEARCHES 10
#define SEARCH_PAGE_SIZE 30
#define SEARCH_SESSION_LIMIT 5

/**
 * LabSessionsPage:
 *
 * The "Sessions" page: the session list (or search results) in a sidebar,
 * the selected session's chat log, and its details in a flap.
 *
 * The list is a #LabSessionModel under the filters of the #LabFilterPopover;
 * search runs as you type (debounced by the entry, cancelled when the text
 * changes, on the store's worker) through a #LabSearchModel that uses the
 * same filters plus role and author. Activating a result opens its session
 * scrolled to the message, highlighted, and selects the session in the list.
 */
struct _LabSessionsPage
{
  GtkWidget parent_instance;

  LabStore *store;
  LabSessionModel *session_model;
  LabSearchModel *search_model;
  LabSession *session;
  LabProgress *demo_progress;
  GSettings *settings;
  GCancellable *cancellable;        /* queries about the store as a whole */
  GCancellable *open_cancellable;   /* opening a session by id */
  GSignalGroup *session_signals;
  GSignalGroup *pending_signals;    /* a selected item still loading */
  GBindingGroup *progress_bindings;
  gint64 total;
  gint64 search_started;
  guint updating_flags : 1;
  guint participants_loaded : 1;

  GtkStack *page_stack;
  GtkProgressBar *demo_progress_bar;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkRevealer *error_revealer;
  GtkLabel *search_error_label;
  GtkLabel *count_label;
  GtkMenuButton *filter_button;
  LabFilterPopover *filter_popover;
  GtkStack *sidebar_stack;
  GtkGridView *session_list;
  GtkSingleSelection *session_selection;
  AdwStatusPage *list_error_page;
  GtkGridView *search_list;
  GtkWidget *recent_box;
  GtkListBox *recent_list;
  GtkRevealer *more_revealer;
  GtkWidget *content;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkToggleButton *star_button;
  GtkToggleButton *archive_button;
  GtkToggleButton *details_button;
  AdwFlap *details_flap;
  LabChatView *chat_view;
  LabDetailsPane *details_pane;
};

G_DEFINE_FINAL_TYPE (LabSessionsPage, lab_sessions_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SESSION,
  PROP_SEARCH_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_sidebar (LabSessionsPage *self);

static void
show_toast (LabSessionsPage *self,
            AdwToast        *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (LAB_IS_WINDOW (root))
    lab_window_add_toast (LAB_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_error (LabSessionsPage *self,
            const GError    *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, adw_toast_new (error->message));
}

/* Page state */

static void
update_page_stack (LabSessionsPage *self)
{
  const char *page;

  if (self->store == NULL || self->total < 0)
    page = "loading";
  else if (self->total == 0 && self->session == NULL)
    page = "empty";
  else
    page = "browse";

  gtk_stack_set_visible_child_name (self->page_stack, page);
}

static void
total_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabSessionsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 total;

  total = lab_store_count_sessions_finish (LAB_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* A count that failed shows the list and its error, not the empty page. */
  self->total = total < 0 ? 1 : total;
  update_page_stack (self);
}

static void
participants_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LabSessionsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  names = lab_store_list_participants_finish (LAB_STORE (object), result, &error);
  if (names != NULL)
    lab_filter_popover_set_participants (self->filter_popover, (const char * const *) names);
}

static void
load_participants (LabSessionsPage *self)
{
  if (self->store == NULL || self->participants_loaded)
    return;

  self->participants_loaded = TRUE;
  lab_store_list_participants_async (self->store, self->cancellable, participants_cb,
                                     g_object_ref (self));
}

static void
count_store (LabSessionsPage *self)
{
  g_autoptr(LabSessionFilter) all = lab_session_filter_new ();

  lab_store_count_sessions_async (self->store, all, self->cancellable, total_cb,
                                  g_object_ref (self));

  /* Everyone named by 10,000 sessions takes a while to collect: it is read
   * when the filters are first opened, not before the first list. */
  self->participants_loaded = FALSE;
  if (gtk_widget_get_visible (GTK_WIDGET (self->filter_popover)))
    load_participants (self);
}

/* The open session */

static void
update_header_flags (LabSessionsPage *self)
{
  gboolean starred = self->session && lab_session_get_starred (self->session);
  gboolean archived = self->session && lab_session_get_archived (self->session);

  self->updating_flags = TRUE;
  gtk_toggle_button_set_active (self->star_button, starred);
  gtk_toggle_button_set_active (self->archive_button, archived);
  self->updating_flags = FALSE;

  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            starred ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->star_button),
                               starred ? _("Unstar Session (Ctrl+D)") : _("Star Session (Ctrl+D)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->archive_button),
                               archived ? _("Unarchive Session (Ctrl+E)")
                                        : _("Archive Session (Ctrl+E)"));
}

static void
update_header (LabSessionsPage *self)
{
  LabSession *session = self->session;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *count = NULL;
  g_autofree char *participants = NULL;
  const char *title;

  gtk_widget_set_sensitive (GTK_WIDGET (self->star_button), session != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->archive_button), session != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->details_button), session != NULL);
  /* Details of nothing would be a column of dashes. */
  gtk_widget_set_visible (GTK_WIDGET (self->details_pane), session != NULL);

  if (session == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->subtitle_label, "");
      update_header_flags (self);
      return;
    }

  title = lab_session_get_title (session);
  gtk_label_set_text (self->title_label, title && *title ? title : _("Untitled Session"));

  count = lab_format_count (lab_session_get_message_count (session));
  participants = g_strjoinv (", ", (char **) lab_session_get_participants (session));
  g_string_append (subtitle, lab_format_status (lab_session_get_status (session)));
  g_string_append (subtitle, " · ");
  g_string_append_printf (subtitle, g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages",
                                                 lab_session_get_message_count (session)),
                          count);
  if (*participants != '\0')
    g_string_append_printf (subtitle, " · %s", participants);
  gtk_label_set_text (self->subtitle_label, subtitle->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle->str);

  update_header_flags (self);
}

static void
show_session (LabSessionsPage *self,
              LabSession      *session)
{
  gboolean same = self->session != NULL && session != NULL &&
                  g_str_equal (lab_session_get_id (self->session), lab_session_get_id (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  update_header (self);
  if (!same)
    lab_chat_view_set_session_id (self->chat_view, session ? lab_session_get_id (session) : NULL);
  lab_details_pane_set_session (self->details_pane, session);
  update_page_stack (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
navigate_to_content (LabSessionsPage *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
pending_item_cb (LabSessionsPage *self,
                 GParamSpec      *pspec,
                 LabLazyItem     *item)
{
  LabSession *session = lab_lazy_item_get_item (item);

  if (session == NULL)
    return;

  g_signal_group_set_target (self->pending_signals, NULL);
  show_session (self, session);
}

static void
selected_item_cb (LabSessionsPage *self)
{
  LabLazyItem *item = gtk_single_selection_get_selected_item (self->session_selection);

  g_signal_group_set_target (self->pending_signals, NULL);

  /* A row that left the list (archived, filtered out, reloaded) takes the
   * selection with it; the session stays open until another is chosen. */
  if (item == NULL)
    return;

  if (lab_lazy_item_get_item (item) != NULL)
    show_session (self, lab_lazy_item_get_item (item));
  else
    g_signal_group_set_target (self->pending_signals, item);

  navigate_to_content (self);
}

static void
select_located_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabSessionsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 position;

  position = lab_session_model_locate_finish (LAB_SESSION_MODEL (object), result, &error);
  if (position < 0 || LAB_SESSION_MODEL (object) != self->session_model)
    return;

  if (gtk_single_selection_get_selected (self->session_selection) != (guint) position)
    {
      g_signal_handlers_block_by_func (self->session_selection, selected_item_cb, self);
      gtk_single_selection_set_selected (self->session_selection, position);
      g_signal_handlers_unblock_by_func (self->session_selection, selected_item_cb, self);
    }
  gtk_widget_activate_action (GTK_WIDGET (self->session_list), "list.scroll-to-item", "u",
                              (guint) position);
}

/* Selects the open session in the list, wherever it is, if the list has it. */
static void
select_open_session (LabSessionsPage *self)
{
  if (self->session == NULL || self->session_model == NULL)
    return;

  lab_session_model_locate_async (self->session_model, lab_session_get_id (self->session),
                                  self->open_cancellable, select_located_cb, g_object_ref (self));
}

typedef struct
{
  LabSessionsPage *self;
  gint64 sequence;
} OpenData;

static void
open_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenData *data = user_data;
  g_autoptr(LabSessionsPage) self = data->self;
  g_autoptr(LabSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 sequence = data->sequence;

  g_free (data);

  session = lab_store_get_session_finish (LAB_STORE (object), result, &error);
  if (session == NULL)
    {
      show_error (self, error);
      return;
    }

  /* The list's own object, if it has one, so that both show the same flags. */
  {
    guint position;

    if (lab_session_model_find (self->session_model, lab_session_get_id (session), &position))
      g_set_object (&session, lab_paged_model_peek (LAB_PAGED_MODEL (self->session_model),
                                                     position));
  }

  show_session (self, session);
  if (sequence >= 0)
    lab_chat_view_show_message (self->chat_view, sequence);
  select_open_session (self);
  navigate_to_content (self);
}

/* Flags */

static void
session_flag_changed_cb (LabSessionsPage *self,
                         const char      *session_id,
                         const char      *flag,
                         gboolean         value,
                         LabStore        *store)
{
  if (self->session != NULL && g_str_equal (lab_session_get_id (self->session), session_id))
    g_object_set (self->session, flag, value, NULL);
}

typedef struct
{
  LabSessionsPage *self;
  char *session_id;
  char *flag;
  gboolean value;
} FlagData;

static void
set_flag_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  FlagData *data = user_data;
  g_autoptr(LabSessionsPage) self = data->self;
  g_autofree char *session_id = data->session_id;
  g_autofree char *flag = data->flag;
  g_autoptr(GError) error = NULL;
  gboolean value = data->value;

  g_free (data);

  if (!lab_store_set_session_flag_finish (LAB_STORE (object), result, &error))
    {
      show_error (self, error);
      update_header_flags (self);
      return;
    }

  if (g_str_equal (flag, "archived") && value)
    {
      AdwToast *toast = adw_toast_new (_("Session archived"));

      /* Undo puts it back where it was in the list. */
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "win.set-session-flag");
      adw_toast_set_action_target_value (toast, g_variant_new ("(ssb)", session_id,
                                                               "archived", FALSE));
      show_toast (self, toast);
    }
}

static void
star_toggled_cb (LabSessionsPage *self,
                 GtkToggleButton *button)
{
  if (self->updating_flags || self->session == NULL)
    return;

  lab_sessions_page_set_flag (self, lab_session_get_id (self->session), "starred",
                              gtk_toggle_button_get_active (button));
  /* The button shows what the store has; the write's signal moves it. */
  update_header_flags (self);
}

static void
archive_toggled_cb (LabSessionsPage *self,
                    GtkToggleButton *button)
{
  if (self->updating_flags || self->session == NULL)
    return;

  lab_sessions_page_set_flag (self, lab_session_get_id (self->session), "archived",
                              gtk_toggle_button_get_active (button));
  update_header_flags (self);
}

static void
back_clicked_cb (LabSessionsPage *self,
                 GtkButton       *button)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* The session list */

static void
update_count_label (LabSessionsPage *self)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (gtk_search_bar_get_search_mode (self->search_bar) && self->search_model != NULL &&
      lab_search_model_get_query (self->search_model) != NULL)
    {
      n = lab_search_model_get_n_hits (self->search_model);
      count = lab_format_count (n);
      if (lab_search_model_get_searching (self->search_model))
        text = g_strdup (_("Searching…"));
      else if (lab_search_model_get_has_more (self->search_model))
        /* Translators: more results follow the ones shown */
        text = g_strdup_printf (_("The newest %s results"), count);
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s result", "%s results", n), count);
    }
  else if (self->session_model == NULL ||
           lab_paged_model_get_loading (LAB_PAGED_MODEL (self->session_model)))
    text = g_strdup (_("Loading…"));
  else
    {
      n = g_list_model_get_n_items (G_LIST_MODEL (self->session_model));
      count = lab_format_count (n);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions", n), count);
    }

  gtk_label_set_text (self->count_label, text);
}

static void
update_filter_button (LabSessionsPage *self)
{
  gboolean active = lab_filter_popover_get_active (self->filter_popover);

  if (active)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "filtered");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "filtered");

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_button),
                               active ? _("Sort and Filter (filters are on)")
                                      : _("Sort and Filter"));
}

static void
session_model_changed_cb (LabSessionsPage *self)
{
  update_sidebar (self);
}

static void
session_model_loading_cb (LabSessionsPage *self)
{
  update_sidebar (self);

  /* After a reload the selection is gone; find the open session again. */
  if (!lab_paged_model_get_loading (LAB_PAGED_MODEL (self->session_model)))
    select_open_session (self);
}

static void
update_sidebar (LabSessionsPage *self)
{
  const char *page;
  gboolean more = FALSE;
  const char *error = NULL;

  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->search_model));

      error = lab_search_model_get_error_message (self->search_model);

      if (text[0] == '\0' || error != NULL)
        page = "search-help";
      else if (n == 0 && lab_search_model_get_searching (self->search_model))
        page = "searching";
      else if (n == 0)
        page = "no-results";
      else
        page = "search";

      more = lab_search_model_get_has_more (self->search_model);
    }
  else if (self->session_model == NULL)
    page = "loading";
  else
    {
      LabPagedModel *model = LAB_PAGED_MODEL (self->session_model);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

      if (n == 0 && lab_paged_model_get_error_message (model) != NULL)
        {
          adw_status_page_set_description (self->list_error_page,
                                           lab_paged_model_get_error_message (model));
          page = "list-error";
        }
      else if (n == 0 && lab_paged_model_get_loading (model))
        page = "loading";
      else if (n == 0)
        page = "no-match";
      else
        page = "list";
    }

  gtk_stack_set_visible_child_name (self->sidebar_stack, page);
  gtk_revealer_set_reveal_child (self->more_revealer, more);

  if (error != NULL)
    gtk_label_set_text (self->search_error_label, error);
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);

  update_count_label (self);
}

static void
reset_filters_cb (LabSessionsPage *self,
                  GtkButton       *button)
{
  lab_filter_popover_reset (self->filter_popover);
}

/* Search */

static LabSearchQuery *
build_query (LabSessionsPage *self,
             const char      *text)
{
  LabSearchQuery *query = lab_search_query_new (text);

  query->role = g_strdup (lab_filter_popover_get_role (self->filter_popover));
  query->author = g_strdup (lab_filter_popover_get_author (self->filter_popover));
  query->sessions = lab_filter_popover_build_filter (self->filter_popover);
  query->limit = SEARCH_PAGE_SIZE;
  query->session_limit = SEARCH_SESSION_LIMIT;

  return query;
}

static void
run_search (LabSessionsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(LabSearchQuery) query = NULL;

  if (self->search_model == NULL)
    return;

  self->search_started = g_get_monotonic_time ();

  if (text[0] != '\0')
    query = build_query (self, text);
  lab_search_model_set_query (self->search_model, query);

  update_sidebar (self);
}

static void
search_changed_cb (LabSessionsPage *self,
                   GtkSearchEntry  *entry)
{
  run_search (self);
}

static void
add_recent_search (LabSessionsPage *self,
                   const char      *text)
{
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_auto(GStrv) updated = NULL;
  guint n = 1;

  if (trimmed[0] == '\0' || !g_settings_get_boolean (self->settings, "remember-searches"))
    return;

  recent = g_settings_get_strv (self->settings, "recent-searches");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, trimmed);
  for (guint i = 0; recent[i] != NULL && n < MAX_RECENT_SEARCHES; i++)
    {
      if (!g_str_equal (recent[i], trimmed))
        {
          g_strv_builder_add (builder, recent[i]);
          n++;
        }
    }

  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-searches", (const char * const *) updated);
}

static void
rebuild_recent (LabSessionsPage *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-searches");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), recent[i]);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("document-open-recent-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->recent_list, row);
    }

  gtk_widget_set_visible (self->recent_box, recent[0] != NULL);
}

static void
recent_activated_cb (LabSessionsPage *self,
                     GtkListBoxRow   *row,
                     GtkListBox      *list)
{
  const char *text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->search_entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
activate_result (LabSessionsPage *self,
                 guint            position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->search_model), position);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (item == NULL)
    return;

  add_recent_search (self, text);

  if (LAB_IS_SEARCH_HEADER (item))
    {
      const char *session_id = lab_search_header_get_session_id (LAB_SEARCH_HEADER (item));

      if (session_id != NULL)
        lab_sessions_page_open_session (self, session_id, -1);
    }
  else if (LAB_IS_SEARCH_HIT (item))
    {
      LabSearchHit *hit = LAB_SEARCH_HIT (item);

      lab_sessions_page_open_session (self, lab_search_hit_get_session_id (hit),
                                      lab_search_hit_get_kind (hit) == LAB_SEARCH_HIT_MESSAGE
                                        ? lab_search_hit_get_sequence (hit) : -1);
    }
}

static void
search_result_activate_cb (LabSessionsPage *self,
                           guint            position,
                           GtkGridView     *list)
{
  activate_result (self, position);
}

static void
search_activate_cb (LabSessionsPage *self,
                    GtkSearchEntry  *entry)
{
  /* Enter opens the first result, once the results are those of the text. */
  if (self->search_model == NULL || lab_search_model_get_searching (self->search_model))
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->search_model)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->search_model), i);

      if (LAB_IS_SEARCH_HIT (item))
        {
          activate_result (self, i);
          return;
        }
    }
}

static void
stop_search_cb (LabSessionsPage *self,
                GtkSearchEntry  *entry)
{
  lab_sessions_page_set_search_mode (self, FALSE);
}

static void
search_mode_cb (LabSessionsPage *self)
{
  if (gtk_search_bar_get_search_mode (self->search_bar))
    {
      rebuild_recent (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      if (self->search_model != NULL)
        lab_search_model_set_query (self->search_model, NULL);
    }

  update_sidebar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static void
more_clicked_cb (LabSessionsPage *self,
                 GtkButton       *button)
{
  if (self->search_model != NULL)
    lab_search_model_load_more (self->search_model);
}

static void
search_setup_cb (LabSessionsPage          *self,
                 GtkListItem              *list_item,
                 GtkSignalListItemFactory *factory)
{
  gtk_list_item_set_child (list_item, g_object_new (LAB_TYPE_SEARCH_ROW, NULL));
}

static void
search_bind_cb (LabSessionsPage          *self,
                GtkListItem              *list_item,
                GtkSignalListItemFactory *factory)
{
  GObject *item = gtk_list_item_get_item (list_item);
  gboolean is_hit = LAB_IS_SEARCH_HIT (item);
  gboolean opens = is_hit || (LAB_IS_SEARCH_HEADER (item) &&
                              lab_search_header_get_session_id (LAB_SEARCH_HEADER (item)));

  lab_search_row_set_item (LAB_SEARCH_ROW (gtk_list_item_get_child (list_item)), item);
  /* A heading of a session's hits opens that session; "Sessions" does not. */
  gtk_list_item_set_activatable (list_item, opens);
  gtk_list_item_set_selectable (list_item, is_hit);
}

static void
search_unbind_cb (LabSessionsPage          *self,
                  GtkListItem              *list_item,
                  GtkSignalListItemFactory *factory)
{
  lab_search_row_set_item (LAB_SEARCH_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
search_finished_cb (LabSessionsPage *self)
{
  update_sidebar (self);
}

static void
filters_changed_cb (LabSessionsPage  *self,
                    LabFilterPopover *popover)
{
  g_autoptr(LabSessionFilter) filter = lab_filter_popover_build_filter (popover);

  update_filter_button (self);

  if (self->session_model != NULL)
    lab_session_model_set_filter (self->session_model, filter);

  if (gtk_search_bar_get_search_mode (self->search_bar))
    run_search (self);
}

static void
settings_changed_cb (LabSessionsPage *self,
                     const char      *key,
                     GSettings       *settings)
{
  if (g_str_equal (key, "recent-searches"))
    rebuild_recent (self);
}

static void
store_changed_cb (LabSessionsPage *self,
                  LabStore        *store)
{
  count_store (self);
  if (gtk_search_bar_get_search_mode (self->search_bar))
    run_search (self);
}

static void
lab_sessions_page_dispose (GObject *object)
{
  LabSessionsPage *self = (LabSessionsPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->open_cancellable);
  g_signal_group_set_target (self->session_signals, NULL);
  g_signal_group_set_target (self->pending_signals, NULL);
  g_binding_group_set_source (self->progress_bindings, NULL);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SESSIONS_PAGE);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->session_model);
  g_clear_object (&self->search_model);
  g_clear_object (&self->session);
  g_clear_object (&self->demo_progress);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lab_sessions_page_parent_class)->dispose (object);
}

static void
lab_sessions_page_finalize (GObject *object)
{
  LabSessionsPage *self = (LabSessionsPage *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->pending_signals);
  g_clear_object (&self->progress_bindings);

  G_OBJECT_CLASS (lab_sessions_page_parent_class)->finalize (object);
}

static void
lab_sessions_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabSessionsPage *self = LAB_SESSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, lab_sessions_page_get_search_mode (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sessions_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabSessionsPage *self = LAB_SESSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_sessions_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_MODE:
      lab_sessions_page_set_search_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_sessions_page_class_init (LabSessionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_sessions_page_dispose;
  object_class->finalize = lab_sessions_page_finalize;
  object_class->get_property = lab_sessions_page_get_property;
  object_class->set_property = lab_sessions_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-sessions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, page_stack);
  gtk_widget_class_bind_template_child_full (widget_class, "demo_progress", FALSE,
                                             G_STRUCT_OFFSET (LabSessionsPage, demo_progress_bar));
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, search_error_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, filter_popover);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, session_list);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, session_selection);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, list_error_page);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, search_list);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, recent_box);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, more_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, content);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, star_button);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, archive_button);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, details_button);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, details_flap);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, chat_view);
  gtk_widget_class_bind_template_child (widget_class, LabSessionsPage, details_pane);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_filters_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_result_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, recent_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, more_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, star_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, archive_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "labsessionspage");

  g_type_ensure (LAB_TYPE_CHAT_VIEW);
  g_type_ensure (LAB_TYPE_DETAILS_PANE);
  g_type_ensure (LAB_TYPE_FILTER_POPOVER);
  g_type_ensure (LAB_TYPE_SEARCH_ROW);
  g_type_ensure (LAB_TYPE_SESSION_ROW);
}

static void
lab_sessions_page_init (LabSessionsPage *self)
{
  self->total = -1;
  self->cancellable = g_cancellable_new ();
  self->open_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_bind (self->settings, "details-visible", self->details_flap, "reveal-flap",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->session_signals = g_signal_group_new (LAB_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::starred",
                                  G_CALLBACK (update_header_flags), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::archived",
                                  G_CALLBACK (update_header_flags), self);

  self->pending_signals = g_signal_group_new (LAB_TYPE_LAZY_ITEM);
  g_signal_group_connect_swapped (self->pending_signals, "notify::item",
                                  G_CALLBACK (pending_item_cb), self);

  self->progress_bindings = g_binding_group_new ();
  g_binding_group_bind (self->progress_bindings, "fraction", self->demo_progress_bar, "fraction",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->progress_bindings, "message", self->demo_progress_bar, "text",
                        G_BINDING_SYNC_CREATE);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->filter_popover, "show", G_CALLBACK (load_participants), self,
                           G_CONNECT_SWAPPED);
  update_filter_button (self);
  update_header (self);
  rebuild_recent (self);
  update_page_stack (self);
}

/**
 * lab_sessions_page_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_sessions_page_get_store (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return self->store;
}

/**
 * lab_sessions_page_set_store:
 * @store: (nullable): an opened store
 */
void
lab_sessions_page_set_store (LabSessionsPage *self,
                             LabStore        *store)
{
  g_autoptr(LabSessionFilter) filter = NULL;

  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (self->store == store)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->session_model != NULL)
    g_signal_handlers_disconnect_by_data (self->session_model, self);
  if (self->search_model != NULL)
    g_signal_handlers_disconnect_by_data (self->search_model, self);

  gtk_single_selection_set_model (self->session_selection, NULL);
  gtk_grid_view_set_model (self->search_list, NULL);
  g_clear_object (&self->session_model);
  g_clear_object (&self->search_model);
  show_session (self, NULL);

  g_set_object (&self->store, store);
  self->total = -1;
  lab_chat_view_set_store (self->chat_view, store);
  lab_details_pane_set_store (self->details_pane, store);

  if (store != NULL)
    {
      g_autoptr(GtkNoSelection) search_selection = NULL;

      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "session-flag-changed",
                               G_CALLBACK (session_flag_changed_cb), self, G_CONNECT_SWAPPED);

      filter = lab_filter_popover_build_filter (self->filter_popover);
      self->session_model = lab_session_model_new (store, filter);
      g_signal_connect_object (self->session_model, "items-changed",
                               G_CALLBACK (session_model_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session_model, "notify::loading",
                               G_CALLBACK (session_model_loading_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->session_model, "notify::error-message",
                               G_CALLBACK (session_model_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_single_selection_set_model (self->session_selection,
                                      G_LIST_MODEL (self->session_model));

      self->search_model = lab_search_model_new (store);
      g_signal_connect_object (self->search_model, "finished", G_CALLBACK (search_finished_cb),
                               self, G_CONNECT_SWAPPED);
      search_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->search_model)));
      gtk_grid_view_set_model (self->search_list, GTK_SELECTION_MODEL (search_selection));

      count_store (self);
    }

  update_sidebar (self);
  update_page_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_sessions_page_get_session:
 *
 * Returns: (transfer none) (nullable): the open session
 */
LabSession *
lab_sessions_page_get_session (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return self->session;
}

gboolean
lab_sessions_page_get_search_mode (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), FALSE);
  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
lab_sessions_page_set_search_mode (LabSessionsPage *self,
                                   gboolean         search_mode)
{
  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  if (search_mode && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->sidebar);

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
}

/**
 * lab_sessions_page_set_key_capture_widget:
 * @widget: (nullable): where typing starts a search
 */
void
lab_sessions_page_set_key_capture_widget (LabSessionsPage *self,
                                          GtkWidget       *widget)
{
  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  gtk_search_bar_set_key_capture_widget (self->search_bar, widget);
}

/**
 * lab_sessions_page_set_demo_progress:
 * @progress: (nullable): the progress of demo data being loaded, or %NULL
 */
void
lab_sessions_page_set_demo_progress (LabSessionsPage *self,
                                     LabProgress     *progress)
{
  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  if (!g_set_object (&self->demo_progress, progress))
    return;

  g_binding_group_set_source (self->progress_bindings, progress);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_progress_bar), progress != NULL);
}

/**
 * lab_sessions_page_open_session:
 * @session_id: a session id
 * @sequence: a message to scroll to and highlight, or -1
 *
 * Opens a session that may not be in the list (a search result, a parent).
 */
void
lab_sessions_page_open_session (LabSessionsPage *self,
                                const char      *session_id,
                                gint64           sequence)
{
  OpenData *data;

  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));
  g_return_if_fail (session_id != NULL);

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();

  data = g_new0 (OpenData, 1);
  data->self = g_object_ref (self);
  data->sequence = sequence;
  lab_store_get_session_async (self->store, session_id, self->open_cancellable,
                               open_session_cb, data);
}

/**
 * lab_sessions_page_set_flag:
 * @flag: "starred" or "archived"
 *
 * Writes a session's flag through the store; lists and the header follow
 * the store's signal. Archiving offers an undo.
 */
void
lab_sessions_page_set_flag (LabSessionsPage *self,
                            const char      *session_id,
                            const char      *flag,
                            gboolean         value)
{
  FlagData *data;

  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));
  g_return_if_fail (g_strcmp0 (flag, "starred") == 0 || g_strcmp0 (flag, "archived") == 0);

  if (self->store == NULL)
    return;

  data = g_new0 (FlagData, 1);
  data->self = g_object_ref (self);
  data->session_id = g_strdup (session_id);
  data->flag = g_strdup (flag);
  data->value = !!value;
  lab_store_set_session_flag_async (self->store, session_id, flag, value, NULL, set_flag_cb, data);
}

/**
 * lab_sessions_page_toggle_flag:
 * @flag: "starred" or "archived"
 *
 * Flips a flag of the open session.
 */
void
lab_sessions_page_toggle_flag (LabSessionsPage *self,
                               const char      *flag)
{
  gboolean value;

  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  if (self->session == NULL)
    return;

  g_object_get (self->session, flag, &value, NULL);
  lab_sessions_page_set_flag (self, lab_session_get_id (self->session), flag, !value);
}

void
lab_sessions_page_toggle_details (LabSessionsPage *self)
{
  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  adw_flap_set_reveal_flap (self->details_flap, !adw_flap_get_reveal_flap (self->details_flap));
}

/**
 * lab_sessions_page_reload:
 *
 * Reads the list, the open chat log and the search results again.
 */
void
lab_sessions_page_reload (LabSessionsPage *self)
{
  g_return_if_fail (LAB_IS_SESSIONS_PAGE (self));

  if (self->store != NULL)
    lab_store_emit_changed (self->store);
}

LabSessionModel *
lab_sessions_page_get_session_model (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return self->session_model;
}

LabSearchModel *
lab_sessions_page_get_search_model (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return self->search_model;
}

LabChatView *
lab_sessions_page_get_chat_view (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return self->chat_view;
}

GtkWidget *
lab_sessions_page_get_session_list (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return GTK_WIDGET (self->session_list);
}

GtkWidget *
lab_sessions_page_get_search_list (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return GTK_WIDGET (self->search_list);
}

GtkWidget *
lab_sessions_page_get_search_entry (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);
  return GTK_WIDGET (self->search_entry);
}

/**
 * lab_sessions_page_get_visible_state:
 *
 * Returns: what the page shows: "loading", "empty" or "browse", then in the
 *   sidebar "list", "no-match", "search", "no-results"… (as "browse/list")
 */
const char *
lab_sessions_page_get_visible_state (LabSessionsPage *self)
{
  const char *page;

  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), NULL);

  page = gtk_stack_get_visible_child_name (self->page_stack);
  if (g_strcmp0 (page, "browse") != 0)
    return page;

  return gtk_stack_get_visible_child_name (self->sidebar_stack);
}

/**
 * lab_sessions_page_get_search_started:
 *
 * Returns: when the last search started (g_get_monotonic_time()), after the
 *   entry's typing delay
 */
gint64
lab_sessions_page_get_search_started (LabSessionsPage *self)
{
  g_return_val_if_fail (LAB_IS_SESSIONS_PAGE (self), 0);
  return self->search_started;
}
