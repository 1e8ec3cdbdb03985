/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-backup.h"
#include "lab-demo.h"
#include "lab-details-pane.h"
#include "lab-format.h"
#include "lab-message-row.h"
#include "lab-session-row.h"
#include "lab-store-summary.h"
#include "lab-test-app.h"
#include "lab-test-async.h"
#include "lab-test-util.h"
#include "lab-window.h"

/* The real application on a test data folder, driven as a person would: the
 * list, a session's chat log, search as you type, a result opened scrolled to
 * its message, star and archive, filters, the empty store and the error page
 * (with its restore of a backup).
 * Needs a display (exit 77, "skipped", without one). */

#define N_SESSIONS 40
#define LARGE 3000

typedef struct
{
  LabTestStore store;
  LabApplication *app;
  LabWindow *window;
  LabSessionsPage *page;
} Fixture;

typedef void (*Scenario) (Fixture *fixture);

/* A test: a scenario, on a demo store or an empty one. */
typedef struct
{
  Scenario scenario;
  gboolean with_data;
} Case;

static void
scenario_step (LabApplication *app,
               LabWindow      *window,
               gpointer        data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  Scenario scenario = ((gpointer *) data)[1];

  fixture->app = app;
  fixture->window = window;
  fixture->page = lab_window_get_sessions_page (window);
  scenario (fixture);
}

/* Runs the real application on the fixture's data folder with the scenario
 * inside its main loop. */
static void
run_app (Fixture    *fixture,
         const char *root,
         Scenario    scenario)
{
  gpointer data[2] = { fixture, (gpointer) scenario };

  lab_test_run_app (root, scenario_step, data);
  fixture->app = NULL;
  fixture->window = NULL;
  fixture->page = NULL;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const Case *test_case = data;
  gboolean with_data = test_case->with_data;

  lab_test_reset_settings ();
  lab_test_store_setup (&fixture->store, NULL);

  if (with_data)
    {
      LabDemoOptions options;

      lab_demo_options_init (&options);
      options.n_sessions = N_SESSIONS;
      options.messages_per_session = 30;
      options.large_session = LARGE;
      options.seed = 3;
      lab_demo_generate (lab_test_store_open (&fixture->store), &options, NULL, NULL, NULL, NULL,
                         &error);
      g_assert_no_error (error);
      /* The application opens its own connection. */
      g_clear_object (&fixture->store.db);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  lab_test_store_teardown (&fixture->store, NULL);
}

static gboolean
state_is (gpointer data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  const char *state = ((gpointer *) data)[1];

  return g_strcmp0 (lab_sessions_page_get_visible_state (fixture->page), state) == 0;
}

static void
wait_state (Fixture    *fixture,
            const char *state)
{
  gpointer data[2] = { fixture, (gpointer) state };

  lab_test_wait_until (state_is, data);
}

static gboolean
first_row_loaded (gpointer data)
{
  LabSessionModel *model = lab_sessions_page_get_session_model (data);

  return model != NULL && !lab_paged_model_get_loading (LAB_PAGED_MODEL (model)) &&
         lab_paged_model_peek (LAB_PAGED_MODEL (model), 0) != NULL;
}

static void
wait_list (Fixture *fixture)
{
  wait_state (fixture, "list");
  lab_test_wait_until (first_row_loaded, fixture->page);
}

static gboolean
chat_shows_message (gpointer data)
{
  LabChatView *chat = ((gpointer *) data)[0];
  guint position = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  GtkWidget *row = lab_chat_view_get_row_for_position (chat, position);
  LabLazyItem *item = row ? lab_lazy_row_get_item (LAB_LAZY_ROW (row)) : NULL;

  return item != NULL && lab_lazy_item_get_item (item) != NULL && gtk_widget_get_mapped (row);
}

static LabDb *
db_of (Fixture *fixture)
{
  return lab_test_store_open (&fixture->store);
}

static void
scenario_browse (Fixture *fixture)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  GtkSelectionModel *selection;
  LabChatView *chat = lab_sessions_page_get_chat_view (fixture->page);
  LabSession *expected;
  GtkWidget *row;
  gpointer wait[2];

  wait_list (fixture);
  g_assert_cmpstr (lab_window_get_visible_state (fixture->window), ==, "browse");

  /* The list is the store's, in the default order, without archived ones. */
  filter->archived = 0;
  sessions = lab_browse_list_sessions (db_of (fixture), filter, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lab_sessions_page_get_session_model (fixture->page))),
                    ==, sessions->len);

  /* Select the third session: its chat log shows. */
  expected = g_ptr_array_index (sessions, 2);
  selection = gtk_grid_view_get_model (GTK_GRID_VIEW (lab_sessions_page_get_session_list (fixture->page)));
  gtk_selection_model_select_item (selection, 2, TRUE);

  wait[0] = chat;
  wait[1] = GUINT_TO_POINTER (0);
  lab_test_wait_until (chat_shows_message, wait);
  g_assert_cmpstr (lab_chat_view_get_session_id (chat), ==, lab_session_get_id (expected));
  g_assert_cmpstr (lab_session_get_id (lab_sessions_page_get_session (fixture->page)), ==,
                   lab_session_get_id (expected));

  messages = lab_browse_list_messages (db_of (fixture), lab_session_get_id (expected), 0, 1, &error);
  row = lab_chat_view_get_row_for_position (chat, 0);
  g_assert_cmpstr (lab_message_get_id (lab_lazy_item_get_item (lab_lazy_row_get_item (LAB_LAZY_ROW (row)))),
                   ==, lab_message_get_id (g_ptr_array_index (messages, 0)));
}

static gboolean
search_done (gpointer data)
{
  LabSearchModel *model = data;

  return lab_search_model_get_query (model) != NULL && !lab_search_model_get_searching (model);
}

static void
type_search (Fixture    *fixture,
             const char *text)
{
  GtkWidget *entry = lab_sessions_page_get_search_entry (fixture->page);
  LabSearchModel *model = lab_sessions_page_get_search_model (fixture->page);

  if (!lab_sessions_page_get_search_mode (fixture->page))
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  g_assert_true (lab_sessions_page_get_search_mode (fixture->page));

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  /* The entry waits for typing to pause before it searches. */
  lab_test_wait_until (search_done, model);
  while (g_strcmp0 (lab_search_model_get_query (model)->text, text) != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      lab_test_wait_until (search_done, model);
    }
}

/* The position in the search results of the message hit with the highest
 * sequence number: the one deepest in its chat log. */
static guint
deepest_hit (LabSearchModel *model)
{
  gint64 best_sequence = -1;
  guint best = G_MAXUINT;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (LAB_IS_SEARCH_HIT (item) &&
          lab_search_hit_get_kind (LAB_SEARCH_HIT (item)) == LAB_SEARCH_HIT_MESSAGE &&
          lab_search_hit_get_sequence (LAB_SEARCH_HIT (item)) > best_sequence)
        {
          best_sequence = lab_search_hit_get_sequence (LAB_SEARCH_HIT (item));
          best = i;
        }
    }

  g_assert_cmpuint (best, !=, G_MAXUINT);
  return best;
}

static gboolean
highlighted_row_visible (gpointer data)
{
  LabChatView *chat = ((gpointer *) data)[0];
  guint position = GPOINTER_TO_UINT (((gpointer *) data)[1]);
  GtkWidget *row = lab_chat_view_get_row_for_position (chat, position);
  GtkWidget *scroller;
  graphene_rect_t bounds;

  if (lab_chat_view_get_highlighted (chat) != (gint64) position || row == NULL ||
      !gtk_widget_get_mapped (row) || !lab_message_row_get_highlighted (LAB_MESSAGE_ROW (row)))
    return FALSE;

  /* Inside the visible part of the chat log, not merely created. */
  scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  if (!gtk_widget_compute_bounds (row, scroller, &bounds))
    return FALSE;

  return bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (scroller);
}

static void
scenario_search_and_open (Fixture *fixture)
{
  LabSearchModel *model = lab_sessions_page_get_search_model (fixture->page);
  LabChatView *chat = lab_sessions_page_get_chat_view (fixture->page);
  GtkWidget *list = lab_sessions_page_get_search_list (fixture->page);
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_autoptr(GObject) item = NULL;
  g_auto(GStrv) recent = NULL;
  g_autoptr(GError) error = NULL;
  LabSearchHit *hit;
  gint64 position;
  gpointer wait[2];
  guint index;

  wait_list (fixture);

  type_search (fixture, "calibration");
  g_assert_null (lab_search_model_get_error_message (model));
  g_assert_cmpuint (lab_search_model_get_n_hits (model), >, 0);
  wait_state (fixture, "search");

  /* Open the hit deepest in its chat log, as a click on it would. */
  index = deepest_hit (model);
  item = g_list_model_get_item (G_LIST_MODEL (model), index);
  hit = LAB_SEARCH_HIT (item);
  g_signal_emit_by_name (list, "activate", index);

  position = lab_browse_message_position (db_of (fixture), lab_search_hit_get_session_id (hit),
                                          lab_search_hit_get_sequence (hit), &error);
  g_assert_no_error (error);
  g_assert_cmpint (position, >, 20);

  wait[0] = chat;
  wait[1] = GUINT_TO_POINTER ((guint) position);
  lab_test_wait_until (highlighted_row_visible, wait);
  g_assert_cmpstr (lab_chat_view_get_session_id (chat), ==, lab_search_hit_get_session_id (hit));
  {
    GtkWidget *row = lab_chat_view_get_row_for_position (chat, position);
    LabMessage *message = lab_lazy_item_get_item (lab_lazy_row_get_item (LAB_LAZY_ROW (row)));

    g_assert_cmpstr (lab_message_get_id (message), ==, lab_search_hit_get_message_id (hit));
  }

  /* The search is remembered. */
  recent = g_settings_get_strv (settings, "recent-searches");
  g_assert_cmpstr (recent[0], ==, "calibration");

  /* Leaving search mode goes back to the list; the session stays open. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  g_assert_false (lab_sessions_page_get_search_mode (fixture->page));
  wait_state (fixture, "list");
  g_assert_cmpstr (lab_chat_view_get_session_id (chat), ==, lab_search_hit_get_session_id (hit));
}

static void
scenario_bad_search (Fixture *fixture)
{
  LabSearchModel *model = lab_sessions_page_get_search_model (fixture->page);

  wait_list (fixture);

  type_search (fixture, "\"never closed");
  g_assert_nonnull (lab_search_model_get_error_message (model));
  /* An inline message and the search tips, not a crash or an empty list. */
  wait_state (fixture, "search-help");

  type_search (fixture, "calibration");
  g_assert_null (lab_search_model_get_error_message (model));
  wait_state (fixture, "search");
}

static gboolean
session_flag_is (gpointer data)
{
  LabSession *session = ((gpointer *) data)[0];
  const char *flag = ((gpointer *) data)[1];
  gboolean value = GPOINTER_TO_INT (((gpointer *) data)[2]);
  gboolean current;

  g_object_get (session, flag, &current, NULL);
  return current == value;
}

/* The row of a session list showing @position, once the list made it. */
static GtkWidget *
find_row_for_position (GtkWidget *widget,
                       guint      position)
{
  if (LAB_IS_SESSION_ROW (widget))
    {
      LabLazyItem *item = lab_lazy_row_get_item (LAB_LAZY_ROW (widget));

      return item && lab_lazy_item_get_position (item) == position &&
             lab_lazy_item_get_item (item) != NULL ? widget : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row_for_position (child, position);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
n_items_is (gpointer data)
{
  GListModel *model = ((gpointer *) data)[0];
  guint n = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return g_list_model_get_n_items (model) == n;
}

static void
scenario_star_and_archive (Fixture *fixture)
{
  GtkSelectionModel *selection;
  GListModel *model;
  LabSession *session;
  g_autoptr(LabSession) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean starred;
  guint n;
  gpointer wait[3];

  wait_list (fixture);
  model = G_LIST_MODEL (lab_sessions_page_get_session_model (fixture->page));
  n = g_list_model_get_n_items (model);
  selection = gtk_grid_view_get_model (GTK_GRID_VIEW (lab_sessions_page_get_session_list (fixture->page)));
  gtk_selection_model_select_item (selection, 0, TRUE);
  session = lab_paged_model_peek (LAB_PAGED_MODEL (model), 0);
  g_assert_true (lab_sessions_page_get_session (fixture->page) == session);

  /* Ctrl+D writes the star through to the store. */
  starred = lab_session_get_starred (session);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-star", NULL);
  wait[0] = session;
  wait[1] = (gpointer) "starred";
  wait[2] = GINT_TO_POINTER (!starred);
  lab_test_wait_until (session_flag_is, wait);
  stored = lab_browse_get_session (db_of (fixture), lab_session_get_id (session), &error);
  g_assert_cmpint (lab_session_get_starred (stored), ==, !starred);
  g_clear_object (&stored);

  /* The star in a row of the list does the same for that row's session. */
  {
    GtkWidget *row = find_row_for_position (lab_sessions_page_get_session_list (fixture->page), 1);
    LabSession *second = lab_lazy_row_get_object (LAB_LAZY_ROW (row));
    GtkToggleButton *star = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (row,
                                                                             LAB_TYPE_SESSION_ROW,
                                                                             "star_button"));
    gboolean second_starred = lab_session_get_starred (second);

    gtk_toggle_button_set_active (star, !second_starred);
    wait[0] = second;
    wait[2] = GINT_TO_POINTER (!second_starred);
    lab_test_wait_until (session_flag_is, wait);
    stored = lab_browse_get_session (db_of (fixture), lab_session_get_id (second), &error);
    g_assert_cmpint (lab_session_get_starred (stored), ==, !second_starred);
    g_clear_object (&stored);
  }

  /* Archived sessions are hidden by default: the row leaves the list, the
   * chat log stays open. */
  g_object_ref (session);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-archive", NULL);
  wait[0] = model;
  wait[1] = GUINT_TO_POINTER (n - 1);
  lab_test_wait_until (n_items_is, wait);
  stored = lab_browse_get_session (db_of (fixture), lab_session_get_id (session), &error);
  g_assert_true (lab_session_get_archived (stored));
  g_assert_true (lab_sessions_page_get_session (fixture->page) == session);

  /* Undo (the toast's button) brings it back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.set-session-flag", "(ssb)",
                              lab_session_get_id (session), "archived", FALSE);
  wait[1] = GUINT_TO_POINTER (n);
  lab_test_wait_until (n_items_is, wait);
  g_object_unref (session);
}

static gboolean
chat_shows_session (gpointer data)
{
  LabChatView *chat = ((gpointer *) data)[0];
  const char *session_id = ((gpointer *) data)[1];

  return g_strcmp0 (lab_chat_view_get_session_id (chat), session_id) == 0;
}

static void
scenario_branch_parent (Fixture *fixture)
{
  LabChatView *chat = lab_sessions_page_get_chat_view (fixture->page);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *child = NULL;
  g_autofree char *parent = NULL;
  GtkWidget *details;
  GtkWidget *button;
  gpointer wait[2] = { chat, NULL };

  wait_list (fixture);

  stmt = lab_db_prepare (db_of (fixture), "SELECT id, parent_session_id FROM sessions"
                                          " WHERE parent_session_id IS NOT NULL LIMIT 1", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  child = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  parent = g_strdup ((const char *) sqlite3_column_text (stmt, 1));

  /* A branch opens by id; its details' button opens the session it came from. */
  lab_sessions_page_open_session (fixture->page, child, -1);
  wait[1] = child;
  lab_test_wait_until (chat_shows_session, wait);

  details = lab_test_find_descendant (GTK_WIDGET (fixture->window), LAB_TYPE_DETAILS_PANE);
  button = GTK_WIDGET (gtk_widget_get_template_child (details, LAB_TYPE_DETAILS_PANE,
                                                      "parent_button"));
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  wait[1] = parent;
  lab_test_wait_until (chat_shows_session, wait);
  g_assert_cmpstr (lab_session_get_id (lab_sessions_page_get_session (fixture->page)), ==, parent);
}

static void
scenario_filters (Fixture *fixture)
{
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GError) error = NULL;
  GListModel *model;
  gint64 starred;
  gpointer wait[2];

  wait_list (fixture);
  model = G_LIST_MODEL (lab_sessions_page_get_session_model (fixture->page));

  filter->starred = 1;
  filter->archived = 0;
  starred = lab_browse_count_sessions (db_of (fixture), filter, &error);
  g_assert_cmpint (starred, >, 0);

  g_settings_set_boolean (settings, "session-starred-only", TRUE);
  wait[0] = model;
  wait[1] = GUINT_TO_POINTER ((guint) starred);
  lab_test_wait_until (n_items_is, wait);

  /* A filter nothing passes shows its own page, with a way back. */
  g_settings_set_string (settings, "session-participant", "Nobody At All");
  wait_state (fixture, "no-match");

  g_settings_reset (settings, "session-participant");
  g_settings_reset (settings, "session-starred-only");
  wait_list (fixture);
}

static void
scenario_empty_then_demo (Fixture *fixture)
{
  GListModel *model;
  gpointer wait[2];

  wait_state (fixture, "empty");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "load-demo", NULL);
  wait_list (fixture);

  model = G_LIST_MODEL (lab_sessions_page_get_session_model (fixture->page));
  /* 120 sessions and a large one, less the archived ones hidden by default. */
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 50);
  g_assert_cmpuint (g_list_model_get_n_items (model), <=, 121);
  wait[0] = model;
  wait[1] = GUINT_TO_POINTER (g_list_model_get_n_items (model));
  lab_test_wait_until (n_items_is, wait);
}

static gboolean
summary_collected (gpointer data)
{
  return lab_store_summary_get_info (data) != NULL;
}

static void
scenario_data_page (Fixture *fixture)
{
  LabStoreSummary *summary;
  LabStoreInfo *info;

  wait_list (fixture);
  summary = LAB_STORE_SUMMARY (lab_test_find_descendant (GTK_WIDGET (lab_window_get_data_page (fixture->window)),
                                                LAB_TYPE_STORE_SUMMARY));
  g_assert_nonnull (summary);
  /* Not collected while hidden: it would slow the start. */
  g_assert_null (lab_store_summary_get_info (summary));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-data", NULL);
  lab_test_wait_until (summary_collected, summary);
  info = lab_store_summary_get_info (summary);
  g_assert_cmpstr (info->root, ==, fixture->store.root);
  g_assert_cmpint (lab_store_info_get_count (info, "sessions"), ==, N_SESSIONS + 1);
  g_assert_cmpint (lab_store_info_get_count (info, "messages"), ==, N_SESSIONS * 30 + LARGE);
  g_assert_false (lab_sessions_page_get_search_mode (fixture->page));

  /* A search shortcut there brings the sessions back, searching. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  g_assert_true (lab_sessions_page_get_search_mode (fixture->page));
}

static gboolean
window_state_is_error (gpointer data)
{
  return g_strcmp0 (lab_window_get_visible_state (data), "error") == 0;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
scenario_error_page (Fixture *fixture)
{
  LabErrorPage *page = lab_window_get_error_page (fixture->window);
  g_autofree char *check = NULL;

  lab_test_wait_until (window_state_is_error, fixture->window);
  g_assert_nonnull (lab_application_get_error_message (fixture->app));
  g_assert_cmpstr (lab_error_page_get_message (page), ==,
                   lab_application_get_error_message (fixture->app));
  g_assert_null (lab_application_get_store (fixture->app));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->app), "load-demo"));

  /* The page checks the folder: no backup, so none is offered. */
  check = g_build_filename (lab_application_get_data_dir (fixture->app), "data", "check.json",
                            NULL);
  lab_test_wait_until (file_exists, check);
  lab_test_iterate_idle ();
  g_assert_false (lab_error_page_get_can_restore (page));

  /* Trying again fails the same way. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.retry", NULL);
  lab_test_wait_until (window_state_is_error, fixture->window);
}

static void
test_error_page (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("labdata-window-XXXXXX", NULL);
  g_autofree char *root = g_build_filename (tmp, "store", NULL);
  g_autofree char *data_dir = g_build_filename (root, "data", NULL);
  g_autofree char *db = g_build_filename (data_dir, "labdata.db", NULL);
  g_autofree char *check = g_build_filename (data_dir, "check.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fixture = { { 0 } };

  /* A labdata.db that is not a database: a clear page, the file untouched. */
  lab_test_reset_settings ();
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db, "notes, not a database\n", -1, &error));
  before = lab_test_tree_digest (db);

  run_app (&fixture, root, scenario_error_page);

  after = lab_test_tree_digest (db);
  g_assert_cmpstr (before, ==, after);

  g_remove (check);
  g_remove (db);
  g_rmdir (data_dir);
  g_rmdir (root);
  g_rmdir (tmp);
}

static gboolean
can_restore (gpointer data)
{
  return lab_error_page_get_can_restore (data);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GList *windows = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        found = l->data;
    }
  g_list_free (windows);

  return found;
}

static gboolean
restore_asked (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
store_open (gpointer data)
{
  Fixture *fixture = data;

  return lab_application_get_store (fixture->app) != NULL &&
         g_strcmp0 (lab_window_get_visible_state (fixture->window), "browse") == 0;
}

/* A database that cannot be opened, with a good backup beside it: the page
 * offers the backup by its date, asks, restores it and opens the store. */
static void
scenario_error_page_restore (Fixture *fixture)
{
  LabErrorPage *page = lab_window_get_error_page (fixture->window);
  const char *date = g_object_get_data (G_OBJECT (fixture->store.dir), "backup-date");
  AdwMessageDialog *dialog;

  lab_test_wait_until (window_state_is_error, fixture->window);
  lab_test_wait_until (can_restore, page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "error-page.restore", NULL));
  lab_test_wait_until (restore_asked, NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), date));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "restore"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_response (dialog, "restore");

  lab_test_wait_until (store_open, fixture);
}

static void
test_error_page_restore (void)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(GDir) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *wal = NULL;
  const char *entry;
  gboolean found = FALSE;
  gint64 sessions;
  Fixture fixture = { { 0 } };

  lab_test_reset_settings ();
  lab_test_store_setup (&fixture.store, NULL);
  lab_test_store_add_demo (&fixture.store, 6, 10, 4);
  sessions = lab_db_query_int64 (lab_test_store_open (&fixture.store),
                                 "SELECT count(*) FROM sessions", &error);
  g_assert_no_error (error);
  g_clear_object (&fixture.store.db);

  name = lab_backup_create (fixture.store.dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  info = lab_backup_get (fixture.store.dir, name, &error);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (fixture.store.dir), "backup-date",
                          lab_format_date_time (lab_backup_info_get_created_at (info)), g_free);

  /* The database overwritten by something else. */
  g_assert_true (g_file_set_contents (lab_data_dir_get_db_path (fixture.store.dir),
                                      "SQLite format 3\0 and then garbage", 34, &error));
  wal = g_strconcat (lab_data_dir_get_db_path (fixture.store.dir), "-wal", NULL);
  g_remove (wal);

  run_app (&fixture, fixture.store.root, scenario_error_page_restore);

  /* The sessions are back; the damaged file is kept, as it was. */
  g_assert_cmpint (lab_db_query_int64 (lab_test_store_open (&fixture.store),
                                       "SELECT count(*) FROM sessions", &error), ==, sessions);
  g_assert_no_error (error);
  kept = g_dir_open (lab_data_dir_get_backups_path (fixture.store.dir), 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (kept)) != NULL)
    {
      if (g_str_has_prefix (entry, "damaged_"))
        {
          g_autofree char *copy = g_build_filename (lab_data_dir_get_backups_path (fixture.store.dir),
                                                    entry, "labdata.db", NULL);
          g_autofree char *contents = NULL;
          gsize length = 0;

          g_assert_true (g_file_get_contents (copy, &contents, &length, &error));
          g_assert_cmpmem (contents, length, "SQLite format 3\0 and then garbage", 34);
          found = TRUE;
        }
    }
  g_assert_true (found);

  lab_test_store_teardown (&fixture.store, NULL);
}

static guint
count_dialogs (LabWindow *window,
               gboolean   destroy)
{
  GList *windows = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (l->data != (gpointer) window && gtk_widget_get_visible (l->data) &&
          gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
        {
          n++;
          if (destroy)
            gtk_window_destroy (l->data);
        }
    }
  g_list_free (windows);

  return n;
}

static void
scenario_dialogs (Fixture *fixture)
{
  wait_list (fixture);
  g_assert_cmpuint (count_dialogs (fixture->window, FALSE), ==, 0);

  /* Preferences, keyboard shortcuts and about each show a window. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "shortcuts", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  lab_test_iterate_idle ();

  g_assert_cmpuint (count_dialogs (fixture->window, TRUE), ==, 3);
}

static void
run_case (Fixture       *fixture,
          gconstpointer  data)
{
  const Case *test_case = data;

  run_app (fixture, fixture->store.root, test_case->scenario);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;

#define ADD(path, func, with_data) \
  G_STMT_START { \
    static const Case test_case = { func, with_data }; \
    g_test_add ("/labdata/gui/window/" path, Fixture, &test_case, fixture_setup, run_case, \
                fixture_teardown); \
  } G_STMT_END

  ADD ("browse", scenario_browse, TRUE);
  ADD ("search-and-open", scenario_search_and_open, TRUE);
  ADD ("bad-search", scenario_bad_search, TRUE);
  ADD ("star-and-archive", scenario_star_and_archive, TRUE);
  ADD ("filters", scenario_filters, TRUE);
  ADD ("branch-parent", scenario_branch_parent, TRUE);
  ADD ("data-page", scenario_data_page, TRUE);
  ADD ("dialogs", scenario_dialogs, TRUE);
  ADD ("empty-then-demo", scenario_empty_then_demo, FALSE);
  g_test_add_func ("/labdata/gui/window/error-page", test_error_page);
  g_test_add_func ("/labdata/gui/window/error-page-restore", test_error_page_restore);

  return g_test_run ();
}
