/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "lab-archive-actions.h"
#include "lab-archives-section.h"
#include "lab-browse.h"
#include "lab-export.h"
#include "lab-export-dialog.h"
#include "lab-import-dialog.h"
#include "lab-session-picker.h"
#include "lab-test-app.h"
#include "lab-test-archive.h"
#include "lab-test-async.h"
#include "lab-test-util.h"

/* Export and import in the real application, driven through its dialogs and
 * actions: two chosen sessions exported through the export dialog, the
 * archive previewed and imported into another data folder, previewed again
 * (all identical), a conflict under each policy, every hostile archive of
 * the corpus refused with nothing changed, ::open showing the preview, the
 * Archives section, a transcript, and the real program reached over D-Bus
 * by a second `labdata FILE`. Needs a display (exit 77 without one). */

#define N_SESSIONS 12

typedef struct
{
  LabTestStore source;
  LabTestStore target;
  char *archive;
  char *ids[3];
  char *titles[2];
} Fixture;

typedef struct
{
  Fixture *fixture;
  LabApplication *app;
  LabWindow *window;
  gpointer data;
} Step;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;

  lab_test_reset_settings ();
  lab_test_store_setup (&f->source, NULL);
  lab_test_store_setup (&f->target, NULL);
  lab_test_store_add_demo (&f->source, N_SESSIONS, 8, 5);

  /* Two the list shows by default (it hides archived sessions). */
  filter->archived = 0;
  sessions = lab_browse_list_sessions (lab_test_store_open (&f->source), filter, 0, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      f->ids[i] = g_strdup (lab_session_get_id (sessions->pdata[i]));
      f->titles[i] = g_strdup (lab_session_get_title (sessions->pdata[i]));
    }
  /* The application opens its own connections. */
  g_clear_object (&f->source.db);

  f->archive = g_build_filename (f->source.tmp, "two.labdata", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      g_free (f->ids[i]);
      g_free (f->titles[i]);
    }
  g_free (f->archive);
  lab_test_store_teardown (&f->source, NULL);
  lab_test_store_teardown (&f->target, NULL);
}

static gboolean
store_open (gpointer data)
{
  return lab_application_get_store (data) != NULL;
}

typedef void (*StepFunc) (Step *step);

static void
step_cb (LabApplication *app,
         LabWindow      *window,
         gpointer        data)
{
  Step *step = data;
  StepFunc func = step->data;

  step->app = app;
  step->window = window;
  lab_test_wait_until (store_open, app);
  func (step);
}

static void
run_app (Fixture      *f,
         LabTestStore *store,
         StepFunc      func)
{
  Step step = { f, NULL, NULL, (gpointer) func };

  lab_test_run_app (store->root, step_cb, &step);
}

/* Export */

static gboolean
count_known (gpointer data)
{
  return lab_export_dialog_get_count (data) >= 0 || lab_export_dialog_get_error (data) != NULL;
}

static gboolean
export_done (gpointer data)
{
  return lab_export_dialog_get_result_path (data) != NULL ||
         (!lab_export_dialog_get_running (data) && lab_export_dialog_get_error (data) != NULL);
}

static gboolean
section_lists (gpointer data)
{
  LabArchivesSection *section = data;

  return !lab_archives_section_get_loading (section) &&
         lab_archives_section_get_n_files (section) == 1;
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static LabSessionPicker *
find_picker (void)
{
  GList *windows = gtk_window_list_toplevels ();
  LabSessionPicker *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (LAB_IS_SESSION_PICKER (l->data) && gtk_widget_get_visible (l->data))
        found = l->data;
    }
  g_list_free (windows);

  return found;
}

static gboolean
picker_ready (gpointer data)
{
  LabSessionPicker *picker = find_picker ();

  return picker != NULL && !lab_session_picker_get_loading (picker);
}

static gboolean
picker_gone (gpointer data)
{
  return find_picker () == NULL;
}

/* Choose… in the export dialog: the store's sessions, to check @ids in. */
static void
pick_sessions (LabExportDialog    *dialog,
               const char * const *ids)
{
  GtkWidget *button = find_button_labelled (GTK_WIDGET (dialog), "Ch_oose…");
  LabSessionPicker *picker;

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  lab_test_wait_until (picker_ready, NULL);
  picker = find_picker ();
  g_assert_null (lab_session_picker_get_backup_name (picker));
  g_assert_cmpuint (lab_session_picker_get_n_shown (picker), ==, N_SESSIONS);

  for (guint i = 0; ids[i] != NULL; i++)
    lab_session_picker_set_checked (picker, ids[i], TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (picker), "picker.choose", NULL));
  lab_test_wait_until (picker_gone, NULL);
}

static void
export_two_step (Step *step)
{
  Fixture *f = step->fixture;
  const char *ids[] = { f->ids[0], f->ids[1], NULL };
  g_autoptr(LabExportDialog) dialog = NULL;
  LabArchivesSection *section;

  dialog = g_object_ref (lab_archive_actions_show_export (step->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* Everything at first: the whole store. */
  lab_test_wait_until (count_known, dialog);
  g_assert_cmpint (lab_export_dialog_get_scope (dialog), ==, LAB_EXPORT_SCOPE_ALL);
  g_assert_cmpint (lab_export_dialog_get_count (dialog), ==, N_SESSIONS);

  /* Then two sessions checked in Choose…, to a file of our own. */
  pick_sessions (dialog, ids);
  g_assert_cmpint (lab_export_dialog_get_scope (dialog), ==, LAB_EXPORT_SCOPE_SESSIONS);
  lab_test_wait_until (count_known, dialog);
  g_assert_cmpint (lab_export_dialog_get_count (dialog), ==, 2);
  g_assert_null (lab_export_dialog_get_error (dialog));

  lab_export_dialog_set_destination (dialog, f->archive);
  lab_export_dialog_export (dialog);
  g_assert_true (lab_export_dialog_get_running (dialog));
  lab_test_wait_until (export_done, dialog);
  g_assert_null (lab_export_dialog_get_error (dialog));
  g_assert_cmpstr (lab_export_dialog_get_result_path (dialog), ==, f->archive);
  g_assert_true (g_file_test (f->archive, G_FILE_TEST_IS_REGULAR));
  /* The dialog closed itself. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* A default export lands in archives/, which the Data page lists. */
  g_clear_object (&dialog);
  dialog = g_object_ref (lab_archive_actions_show_export (step->window));
  lab_test_wait_until (count_known, dialog);
  lab_export_dialog_set_sessions (dialog, ids, NULL);
  lab_test_wait_until (count_known, dialog);
  lab_export_dialog_export (dialog);
  lab_test_wait_until (export_done, dialog);
  g_assert_null (lab_export_dialog_get_error (dialog));
  g_assert_true (g_str_has_prefix (lab_export_dialog_get_result_path (dialog),
                                   lab_data_dir_get_archives_path (f->source.dir)));

  lab_window_show_view (step->window, "data");
  section = LAB_ARCHIVES_SECTION (lab_test_find_descendant (GTK_WIDGET (lab_window_get_data_page (step->window)),
                                                            LAB_TYPE_ARCHIVES_SECTION));
  g_assert_nonnull (section);
  lab_test_wait_until (section_lists, section);
}

static void
export_archive (Fixture *f)
{
  run_app (f, &f->source, export_two_step);
  g_assert_true (g_file_test (f->archive, G_FILE_TEST_IS_REGULAR));
}

/* The same archive without the window, for the tests about importing: the
 * whole application under ASan takes a while to start. */
static void
make_archive (Fixture *f)
{
  g_autoptr(LabExportOptions) options = lab_export_options_new ();
  g_autoptr(LabExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { f->ids[0], f->ids[1], NULL };

  options->filter = lab_session_filter_new ();
  options->filter->ids = g_strdupv ((char **) ids);
  options->dest = g_strdup (f->archive);
  result = lab_export_run (lab_test_store_open (&f->source), options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lab_export_result_get_count (result, "sessions"), ==, 2);
  g_clear_object (&f->source.db);
}

/* Import */

static gboolean
preview_settled (gpointer data)
{
  const char *state = lab_import_dialog_get_state (data);

  return g_str_equal (state, "preview") || g_str_equal (state, "error");
}

static gboolean
dialog_gone (gpointer data)
{
  Step *step = data;

  return lab_archive_actions_get_import_dialog (step->app) == NULL;
}

static const char *
preview_state (LabApplication *app)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (app),
                                                               "import-preview-file");
  static char path[4096];

  g_strlcpy (path, g_variant_get_string (state, NULL), sizeof path);
  return path;
}

/* Opens @path as `gapplication action … import-preview-file` would and
 * waits for its preview (or error). */
static LabImportDialog *
open_preview (Step       *step,
              const char *path)
{
  LabImportDialog *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (step->app), "import-preview-file",
                                  g_variant_new_string (path));
  dialog = lab_archive_actions_get_import_dialog (step->app);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (preview_state (step->app), ==, path);
  g_object_ref (dialog);
  lab_test_wait_until (preview_settled, dialog);

  return dialog;
}

static void
assert_counts (LabImportDialog *dialog,
               const char      *table,
               guint64          n_new,
               guint64          n_identical,
               guint64          n_conflicting)
{
  LabImportCounts counts;

  g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "preview");
  g_assert_true (lab_import_preview_get_counts (lab_import_dialog_get_preview (dialog), table,
                                                &counts));
  g_assert_cmpuint (counts.n_new, ==, n_new);
  g_assert_cmpuint (counts.n_identical, ==, n_identical);
  g_assert_cmpuint (counts.n_conflicting, ==, n_conflicting);
}

typedef struct
{
  LabSessionsPage *page;
  guint n;
} ListWait;

static gboolean
list_has (gpointer data)
{
  ListWait *wait = data;
  LabSessionModel *model = lab_sessions_page_get_session_model (wait->page);

  return model != NULL && !lab_paged_model_get_loading (LAB_PAGED_MODEL (model)) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == wait->n;
}

/* Imports what the dialog shows and waits until it has closed. */
static void
import_and_wait (Step            *step,
                 LabImportDialog *dialog)
{
  lab_import_dialog_import (dialog);
  g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "importing");
  g_test_message ("waiting for the import");
  lab_test_wait_until (dialog_gone, step);
  g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "done");
  g_assert_nonnull (lab_import_dialog_get_result (dialog));
  g_assert_cmpstr (preview_state (step->app), ==, "");
}

static void
import_new_step (Step *step)
{
  Fixture *f = step->fixture;
  g_autoptr(LabImportDialog) dialog = NULL;
  g_autofree char *text = NULL;
  ListWait wait = { lab_window_get_sessions_page (step->window), 0 };

  g_test_message ("waiting for the empty list");
  lab_test_wait_until (list_has, &wait);

  dialog = open_preview (step, f->archive);
  assert_counts (dialog, "sessions", 2, 0, 0);
  g_assert_cmpuint (lab_import_dialog_get_n_listed_conflicts (dialog), ==, 0);
  g_assert_true (lab_import_preview_has_changes (lab_import_dialog_get_preview (dialog)));

  import_and_wait (step, dialog);
  text = lab_import_dialog_describe_result (lab_import_dialog_get_result (dialog));
  g_assert_cmpstr (text, ==, "Imported 2 sessions");

  /* The list reloads by itself. */
  wait.n = 2;
  g_test_message ("waiting for the list to show the 2 sessions");
  lab_test_wait_until (list_has, &wait);
}

static void
import_again_step (Step *step)
{
  Fixture *f = step->fixture;
  g_autoptr(LabImportDialog) dialog = open_preview (step, f->archive);

  assert_counts (dialog, "sessions", 0, 2, 0);
  g_assert_false (lab_import_preview_has_changes (lab_import_dialog_get_preview (dialog)));

  /* Nothing to do: Import does nothing, Cancel closes. */
  lab_import_dialog_import (dialog);
  g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "preview");
  gtk_window_close (GTK_WINDOW (dialog));
  lab_test_wait_until (dialog_gone, step);
}

static char *
store_digest (LabTestStore *store)
{
  g_autofree char *rows = lab_test_db_digest (lab_test_store_open (store));
  g_autofree char *files = lab_test_tree_digest (lab_data_dir_get_workspace_path (store->dir));

  g_clear_object (&store->db);
  return g_strconcat (rows, "\n", files, NULL);
}

static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();

  export_archive (f);

  run_app (f, &f->target, import_new_step);
  sessions = lab_browse_list_sessions (lab_test_store_open (&f->target), filter, 0, 10, NULL);
  g_assert_cmpuint (sessions->len, ==, 2);
  g_clear_object (&f->target.db);

  /* The same archive again: all identical, and nothing changes. */
  before = store_digest (&f->target);
  run_app (f, &f->target, import_again_step);
  after = store_digest (&f->target);
  g_assert_cmpstr (before, ==, after);
}

/* Conflicts */

static char *
session_title (LabTestStore *store,
               const char   *id)
{
  g_autoptr(LabSession) session = lab_browse_get_session (lab_test_store_open (store), id, NULL);
  char *title = g_strdup (lab_session_get_title (session));

  g_clear_object (&store->db);
  return title;
}

static gint64
count_sessions (LabTestStore *store)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  gint64 n = lab_browse_count_sessions (lab_test_store_open (store), filter, NULL);

  g_clear_object (&store->db);
  return n;
}

/* Previews the archive, which conflicts with the store over one session, and
 * imports it with @policy. */
static void
import_conflict (Step            *step,
                 LabImportPolicy  policy)
{
  Fixture *f = step->fixture;
  g_autoptr(LabImportDialog) dialog = open_preview (step, f->archive);
  g_autoptr(LabImportConflict) conflict = NULL;
  GListModel *conflicts;

  assert_counts (dialog, "sessions", 0, 1, 1);
  g_assert_cmpuint (lab_import_dialog_get_n_listed_conflicts (dialog), >=, 1);

  /* The conflict is listed by the session's title. */
  conflicts = lab_import_preview_get_conflicts (lab_import_dialog_get_preview (dialog));
  conflict = g_list_model_get_item (conflicts, 0);
  g_assert_cmpstr (lab_import_conflict_get_table (conflict), ==, "sessions");
  g_assert_cmpstr (lab_import_conflict_get_session_id (conflict), ==, f->ids[0]);

  g_assert_cmpint (lab_import_dialog_get_policy (dialog), ==, LAB_IMPORT_SKIP);
  lab_import_dialog_set_policy (dialog, policy);
  g_assert_cmpint (lab_import_dialog_get_policy (dialog), ==, policy);
  import_and_wait (step, dialog);
}

static void
set_title (LabTestStore *store,
           const char   *id,
           const char   *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LabDb *db = lab_test_store_open (store);

  stmt = lab_db_prepare (db, "UPDATE sessions SET title = ? WHERE id = ?", &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  g_assert_true (lab_db_step_done (db, stmt, &error));
  g_assert_no_error (error);
  g_clear_object (&store->db);
}

static void
import_quietly (Fixture *f)
{
  g_autoptr(LabImportPreview) preview = NULL;
  g_autoptr(LabImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabDb *db = lab_test_store_open (&f->target);

  preview = lab_import_preview_load (db, f->archive, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  result = lab_import_preview_apply (preview, db, LAB_IMPORT_SKIP, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&preview);
  g_clear_object (&f->target.db);
}

static void
conflicts_step (Step *step)
{
  Fixture *f = step->fixture;
  g_autofree char *title = NULL;

  /* Skip: the store keeps its version. */
  import_conflict (step, LAB_IMPORT_SKIP);
  title = session_title (&f->target, f->ids[0]);
  g_assert_cmpstr (title, ==, "Renamed here");
  g_assert_cmpint (count_sessions (&f->target), ==, 2);

  /* Keep both: a copy with a new id beside the store's version. */
  import_conflict (step, LAB_IMPORT_KEEP_BOTH);
  g_clear_pointer (&title, g_free);
  title = session_title (&f->target, f->ids[0]);
  g_assert_cmpstr (title, ==, "Renamed here");
  g_assert_cmpint (count_sessions (&f->target), ==, 3);

  /* Replace: the archive's version wins. */
  import_conflict (step, LAB_IMPORT_REPLACE);
  g_clear_pointer (&title, g_free);
  title = session_title (&f->target, f->ids[0]);
  g_assert_cmpstr (title, ==, f->titles[0]);
  g_assert_cmpint (count_sessions (&f->target), ==, 3);
}

static void
test_conflict_policies (Fixture       *f,
                        gconstpointer  data)
{
  make_archive (f);
  import_quietly (f);
  set_title (&f->target, f->ids[0], "Renamed here");

  run_app (f, &f->target, conflicts_step);
}

/* Hostile archives */

static void
hostile_step (Step *step)
{
  Fixture *f = step->fixture;
  const LabTestHostileCase *cases;
  guint n_cases;

  cases = lab_test_hostile_cases (&n_cases);
  g_assert_cmpuint (n_cases, >, 10);
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/hostile-%s.labdata", f->target.tmp,
                                               cases[i].name);
      g_autoptr(LabImportDialog) dialog = NULL;

      g_test_message ("hostile archive: %s", cases[i].name);
      cases[i].build (path);
      dialog = open_preview (step, path);
      g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "error");
      g_assert_nonnull (lab_import_dialog_get_error (dialog));
      g_assert_cmpstr (lab_import_dialog_get_error (dialog), !=, "");
      g_assert_null (lab_import_dialog_get_preview (dialog));

      /* Import does nothing here; Close closes. */
      lab_import_dialog_import (dialog);
      g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "error");
      gtk_window_close (GTK_WINDOW (dialog));
      lab_test_wait_until (dialog_gone, step);
    }
}

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backups_before = NULL;
  g_autofree char *backups_after = NULL;

  make_archive (f);
  import_quietly (f);
  before = store_digest (&f->target);
  backups_before = lab_test_tree_digest (lab_data_dir_get_backups_path (f->target.dir));

  run_app (f, &f->target, hostile_step);

  after = store_digest (&f->target);
  backups_after = lab_test_tree_digest (lab_data_dir_get_backups_path (f->target.dir));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (backups_before, ==, backups_after);
}

/* Opening files */

static gboolean
dialog_shows (gpointer data)
{
  Step *step = data;
  LabImportDialog *dialog = lab_archive_actions_get_import_dialog (step->app);

  return dialog != NULL && preview_settled (dialog);
}

static void
open_step (Step *step)
{
  Fixture *f = step->fixture;
  g_autoptr(GFile) file = g_file_new_for_path (f->archive);
  g_autoptr(GFile) other = g_file_new_for_path (f->archive);
  GFile *files[] = { file, other };
  LabImportDialog *dialog;

  /* Two files: one preview; the other is refused (with a toast). */
  g_application_open (G_APPLICATION (step->app), files, 2, "");
  lab_test_wait_until (dialog_shows, step);
  dialog = lab_archive_actions_get_import_dialog (step->app);
  g_assert_true (g_file_equal (lab_import_dialog_get_file (dialog), file));
  g_assert_cmpstr (lab_import_dialog_get_state (dialog), ==, "preview");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (step->window));
  assert_counts (dialog, "sessions", 2, 0, 0);

  /* Another file while it shows: the same dialog stays. */
  g_application_open (G_APPLICATION (step->app), &other, 1, "");
  g_assert_true (lab_archive_actions_get_import_dialog (step->app) == dialog);

  gtk_window_close (GTK_WINDOW (dialog));
  lab_test_wait_until (dialog_gone, step);
}

/* ::open before the store is open: the file waits for it. */
static void
open_early_cb (LabApplication *app,
               LabWindow      *window,
               gpointer        data)
{
  Step *step = data;
  g_autoptr(GFile) file = g_file_new_for_path (step->fixture->archive);

  step->app = app;
  step->window = window;
  g_application_open (G_APPLICATION (app), &file, 1, "");
  lab_test_wait_until (dialog_shows, step);
  g_assert_cmpstr (lab_import_dialog_get_state (lab_archive_actions_get_import_dialog (app)), ==,
                   "preview");
  gtk_window_close (GTK_WINDOW (lab_archive_actions_get_import_dialog (app)));
  lab_test_wait_until (dialog_gone, step);
}

static void
test_open (Fixture       *f,
           gconstpointer  data)
{
  Step step = { f, NULL, NULL, NULL };

  make_archive (f);
  run_app (f, &f->target, open_step);
  lab_test_run_app (f->target.root, open_early_cb, &step);
}

/* The export dialog's bad choices */

static void
bad_choices_step (Step *step)
{
  g_autoptr(LabExportDialog) dialog = g_object_ref (lab_archive_actions_show_export (step->window));
  GtkWidget *since;

  lab_test_wait_until (count_known, dialog);

  /* One export dialog a window: asking again brings it forward. */
  g_assert_true (lab_archive_actions_show_export (step->window) == dialog);

  /* A search the search box would refuse. */
  lab_export_dialog_set_search_text (dialog, "\"unbalanced");
  lab_test_wait_until (count_known, dialog);
  g_assert_nonnull (lab_export_dialog_get_error (dialog));
  lab_export_dialog_export (dialog);
  g_assert_false (lab_export_dialog_get_running (dialog));

  /* A date that is not one, in the "Sessions Matching" choice. */
  lab_export_dialog_set_scope (dialog, LAB_EXPORT_SCOPE_FILTER);
  lab_test_wait_until (count_known, dialog);
  g_assert_null (lab_export_dialog_get_error (dialog));
  g_assert_cmpint (lab_export_dialog_get_count (dialog), ==, N_SESSIONS);

  /* The first entry row is "Active From". */
  since = lab_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (since);
  gtk_editable_set_text (GTK_EDITABLE (since), "2026-13-45");
  g_assert_nonnull (lab_export_dialog_get_error (dialog));
  g_assert_cmpint (lab_export_dialog_get_count (dialog), ==, -1);
  g_assert_true (gtk_widget_has_css_class (since, "error"));
  lab_export_dialog_export (dialog);
  g_assert_false (lab_export_dialog_get_running (dialog));

  /* A date after every session: none to export. */
  gtk_editable_set_text (GTK_EDITABLE (since), "2999-01-01");
  lab_test_wait_until (count_known, dialog);
  g_assert_cmpint (lab_export_dialog_get_count (dialog), ==, 0);
  g_assert_nonnull (lab_export_dialog_get_error (dialog));
  lab_export_dialog_export (dialog);
  g_assert_false (lab_export_dialog_get_running (dialog));

  gtk_window_close (GTK_WINDOW (dialog));
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
test_export_bad_choices (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *before = store_digest (&f->source);
  g_autofree char *after = NULL;

  run_app (f, &f->source, bad_choices_step);

  /* No archive was written, and the store is as it was. */
  g_assert_cmpuint (count_files (lab_data_dir_get_archives_path (f->source.dir)), ==, 0);
  after = store_digest (&f->source);
  g_assert_cmpstr (before, ==, after);
}

/* Transcripts */

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static gboolean
transcript_enabled (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "export-transcript");
}

static void
transcript_step (Step *step)
{
  Fixture *f = step->fixture;
  g_autofree char *markdown = g_build_filename (f->source.tmp, "session.md", NULL);
  g_autofree char *json = g_build_filename (f->source.tmp, "session.json", NULL);
  g_autofree char *text = NULL;

  lab_archive_actions_export_transcript (step->window, f->ids[0], f->titles[0],
                                         LAB_TRANSCRIPT_MARKDOWN, markdown);
  lab_archive_actions_export_transcript (step->window, f->ids[0], f->titles[0],
                                         LAB_TRANSCRIPT_JSON, json);
  lab_test_wait_until (file_exists, markdown);
  lab_test_wait_until (file_exists, json);

  g_assert_true (g_file_get_contents (markdown, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, f->titles[0]));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, f->ids[0]));

  /* The session menu's action follows the open session. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (step->window),
                                                     "export-transcript"));
  gtk_widget_activate_action (GTK_WIDGET (step->window), "win.open-session", "(sx)", f->ids[0],
                              (gint64) -1);
  lab_test_wait_until (transcript_enabled, step->window);
}

static void
test_transcript (Fixture       *f,
                 gconstpointer  data)
{
  run_app (f, &f->source, transcript_step);
}

/* Start-up finishes what an interrupted import left */

static void
nothing_step (Step *step)
{
}

static void
test_recover_at_start (Fixture       *f,
                       gconstpointer  data)
{
  const char *data_path;
  g_autofree char *abandoned = NULL;
  g_autofree char *stage = NULL;

  lab_test_store_open (&f->target);
  g_clear_object (&f->target.db);
  data_path = lab_data_dir_get_data_path (f->target.dir);
  stage = g_build_filename (data_path, ".import-abandoned", NULL);
  abandoned = g_build_filename (stage, "files", "s", NULL);
  g_assert_cmpint (g_mkdir_with_parents (abandoned, 0700), ==, 0);

  run_app (f, &f->target, nothing_step);
  g_assert_false (g_file_test (stage, G_FILE_TEST_EXISTS));
}

/* The real program over D-Bus */

static void
test_dbus_open (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *script = g_build_filename (g_getenv ("LABDATA_SOURCE_DIR"), "tests",
                                              "archive-open-dbus.sh", NULL);
  g_autofree char *labdata = g_build_filename (g_getenv ("LABDATA_BUILD_DIR"), "src", "labdata",
                                               NULL);
  g_autofree char *dbus_run_session = g_find_program_in_path ("dbus-run-session");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;
  const char *argv[] = {
    dbus_run_session, "--", "sh", script, labdata, f->target.root, f->archive, NULL
  };

  if (dbus_run_session == NULL)
    {
      g_test_skip ("needs dbus-run-session");
      return;
    }

  make_archive (f);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "shows the preview"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    return 77;

#define ADD(path, func) \
  g_test_add ("/labdata/gui/archive/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("export-import", test_export_import);
  ADD ("conflict-policies", test_conflict_policies);
  ADD ("hostile", test_hostile);
  ADD ("open", test_open);
  ADD ("export-bad-choices", test_export_bad_choices);
  ADD ("transcript", test_transcript);
  ADD ("recover-at-start", test_recover_at_start);
  ADD ("dbus-open", test_dbus_open);

  return g_test_run ();
}
