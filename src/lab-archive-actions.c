/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-archive-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-archive-actions.h"
#include "lab-file-manager.h"

/* Export and import as actions of the application and the window:
 *
 *   app.export                 the export dialog, for the active window
 *   app.import                 a file chooser, then the import preview
 *   app.import-preview-file    (s) the import preview of a file; its state
 *                              is the file the preview shows, or ""
 *   app.show-in-folder         (s) a file, selected in the file manager
 *   win.export-transcript      (s) "markdown" or "json": the open session
 *
 * and the application's ::open, which shows the import preview of a file in
 * the running instance, once its store is open. One preview at a time: a
 * file opened while one shows is refused with a toast. */

#define IMPORT_DIALOG_KEY "lab-archive-import-dialog"
#define PENDING_KEY "lab-archive-pending-files"
#define EXPORT_DIALOG_KEY "lab-archive-export-dialog"

static LabWindow *
get_window (LabApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* A dialog of ours may be the active window: its parent is the window. */
  while (window != NULL && !LAB_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);

  if (window == NULL)
    {
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
        {
          if (LAB_IS_WINDOW (l->data))
            return l->data;
        }

      g_application_activate (G_APPLICATION (app));
      window = gtk_application_get_active_window (GTK_APPLICATION (app));
    }

  return LAB_IS_WINDOW (window) ? LAB_WINDOW (window) : NULL;
}

static void
toast (LabWindow  *window,
       const char *message)
{
  if (window != NULL)
    lab_window_add_toast (window, adw_toast_new (message));
}

static void
set_preview_state (LabApplication *app,
                   const char     *path)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (app), "import-preview-file");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (path ? path : ""));
}

static void
import_dialog_gone_cb (LabApplication  *app,
                            LabImportDialog *dialog)
{
  if (g_object_get_data (G_OBJECT (app), IMPORT_DIALOG_KEY) == dialog)
    {
      g_object_set_data (G_OBJECT (app), IMPORT_DIALOG_KEY, NULL);
      set_preview_state (app, NULL);
    }
}

/**
 * lab_archive_actions_get_import_dialog:
 *
 * Returns: (transfer none) (nullable): the import preview that shows now
 */
LabImportDialog *
lab_archive_actions_get_import_dialog (LabApplication *app)
{
  g_return_val_if_fail (LAB_IS_APPLICATION (app), NULL);
  return g_object_get_data (G_OBJECT (app), IMPORT_DIALOG_KEY);
}

/**
 * lab_archive_actions_show_import:
 * @file: a `.labdata` archive or a JSON export
 *
 * Shows the import preview of @file over the application's window, unless
 * one shows already (then a toast says so) or the store is not open.
 *
 * Returns: (transfer none) (nullable): the dialog shown
 */
LabImportDialog *
lab_archive_actions_show_import (LabApplication *app,
                                 GFile          *file)
{
  LabStore *store = lab_application_get_store (app);
  LabWindow *window = get_window (app);
  LabImportDialog *dialog = lab_archive_actions_get_import_dialog (app);
  g_autofree char *path = NULL;

  g_return_val_if_fail (LAB_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (dialog != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = g_strdup_printf (_("Finish the import that is open before "
                                                    "opening “%s”"),
                                                  name);

      gtk_window_present (GTK_WINDOW (dialog));
      toast (window, message);
      return NULL;
    }

  if (store == NULL)
    {
      toast (window, _("The data folder is not open: nothing can be imported into it"));
      return NULL;
    }

  dialog = lab_import_dialog_new (GTK_WINDOW (window), store, file);
  g_object_set_data (G_OBJECT (app), IMPORT_DIALOG_KEY, dialog);
  /* gtk_window_destroy() unrealizes it at once, whoever still holds a
   * reference (and it hides it without the "hide" signal). */
  g_signal_connect_object (dialog, "unrealize", G_CALLBACK (import_dialog_gone_cb), app,
                           G_CONNECT_SWAPPED);
  path = g_file_get_path (file);
  set_preview_state (app, path ? path : g_file_peek_path (file));
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
open_pending (LabApplication *app)
{
  GPtrArray *pending;

  if (lab_application_get_store (app) == NULL)
    return;

  pending = g_object_steal_data (G_OBJECT (app), PENDING_KEY);
  if (pending == NULL)
    return;

  g_signal_handlers_disconnect_by_func (app, open_pending, NULL);
  lab_archive_actions_open_files (app, (GFile **) pending->pdata, pending->len);
  g_ptr_array_unref (pending);
}

/**
 * lab_archive_actions_open_files:
 *
 * What LabApplication::open does: the import preview of the first file in
 * the window (when the store is open; until then the files wait); the other
 * files are refused with a toast, one preview at a time.
 */
void
lab_archive_actions_open_files (LabApplication  *app,
                                GFile          **files,
                                int              n_files)
{
  g_return_if_fail (LAB_IS_APPLICATION (app));

  if (n_files <= 0)
    return;

  if (lab_application_get_store (app) == NULL)
    {
      GPtrArray *pending = g_object_get_data (G_OBJECT (app), PENDING_KEY);

      if (pending == NULL)
        {
          pending = g_ptr_array_new_with_free_func (g_object_unref);
          g_object_set_data_full (G_OBJECT (app), PENDING_KEY, pending,
                                  (GDestroyNotify) g_ptr_array_unref);
          g_signal_connect (app, "notify::store", G_CALLBACK (open_pending), NULL);
        }
      for (int i = 0; i < n_files; i++)
        g_ptr_array_add (pending, g_object_ref (files[i]));
      return;
    }

  lab_archive_actions_show_import (app, files[0]);

  if (n_files > 1)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "One file at a time: %d other "
                                                               "file was not opened",
                                                               "One file at a time: %d other "
                                                               "files were not opened",
                                                               n_files - 1),
                                                  n_files - 1);

      toast (get_window (app), message);
    }
}

static void
export_dialog_gone_cb (LabWindow       *window,
                       LabExportDialog *dialog)
{
  if (g_object_get_data (G_OBJECT (window), EXPORT_DIALOG_KEY) == dialog)
    g_object_set_data (G_OBJECT (window), EXPORT_DIALOG_KEY, NULL);
}

/**
 * lab_archive_actions_show_export:
 *
 * Shows the export dialog for @window: all sessions, or the current search
 * results when a search shows, with the open session offered too.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL without a store
 */
LabExportDialog *
lab_archive_actions_show_export (LabWindow *window)
{
  LabApplication *app = LAB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  LabStore *store = lab_application_get_store (app);
  LabSessionsPage *page = lab_window_get_sessions_page (window);
  LabSession *session = lab_sessions_page_get_session (page);
  LabSearchModel *search = lab_sessions_page_get_search_model (page);
  const LabSearchQuery *query = search ? lab_search_model_get_query (search) : NULL;
  LabExportDialog *dialog;

  if (store == NULL)
    return NULL;

  /* One export dialog a window: the one open comes forward. */
  dialog = g_object_get_data (G_OBJECT (window), EXPORT_DIALOG_KEY);
  if (dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (dialog));
      return dialog;
    }

  dialog = lab_export_dialog_new (GTK_WINDOW (window), store);
  g_object_set_data (G_OBJECT (window), EXPORT_DIALOG_KEY, dialog);
  g_signal_connect_object (dialog, "unrealize", G_CALLBACK (export_dialog_gone_cb), window,
                           G_CONNECT_SWAPPED);
  if (session != NULL)
    {
      const char *ids[] = { lab_session_get_id (session), NULL };

      lab_export_dialog_set_sessions (dialog, ids, lab_session_get_title (session));
    }
  if (lab_sessions_page_get_search_mode (page) && query != NULL && query->text != NULL)
    lab_export_dialog_set_search_text (dialog, query->text);
  else
    lab_export_dialog_set_scope (dialog, LAB_EXPORT_SCOPE_ALL);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
export_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  LabWindow *window = get_window (user_data);

  if (window != NULL)
    lab_archive_actions_show_export (window);
}

static void
import_chooser_response_cb (GtkFileChooserNative *chooser,
                            int                   response,
                            LabApplication       *app)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        lab_archive_actions_show_import (app, file);
    }

  g_object_unref (chooser);
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  LabApplication *app = user_data;
  LabWindow *window = get_window (app);
  LabStore *store = lab_application_get_store (app);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) archives = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (store == NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Import"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  gtk_file_filter_set_name (all, _("Archives and JSON Exports"));
  gtk_file_filter_add_pattern (all, "*.labdata");
  gtk_file_filter_add_mime_type (all, "application/x-labdata-archive");
  gtk_file_filter_add_pattern (all, "*.json");
  gtk_file_filter_add_mime_type (all, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  gtk_file_filter_set_name (archives, _("LabData Archives"));
  gtk_file_filter_add_pattern (archives, "*.labdata");
  gtk_file_filter_add_mime_type (archives, "application/x-labdata-archive");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), archives);

  gtk_file_filter_set_name (json, _("JSON Exports"));
  gtk_file_filter_add_pattern (json, "*.json");
  gtk_file_filter_add_mime_type (json, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);

  /* Archives made here are the likeliest to be looked for. */
  if (g_file_test (lab_data_dir_get_archives_path (lab_store_get_data_dir (store)),
                   G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) folder =
        g_file_new_for_path (lab_data_dir_get_archives_path (lab_store_get_data_dir (store)));

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }

  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chooser_response_cb), app, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_preview_file_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LabApplication *app = user_data;
  const char *path = g_variant_get_string (parameter, NULL);
  g_autoptr(GFile) file = NULL;

  if (path[0] == '\0')
    return;

  file = g_file_new_for_commandline_arg (path);
  lab_archive_actions_open_files (app, &file, 1);
}

static void
import_preview_file_change_state (GSimpleAction *action,
                                  GVariant      *state,
                                  gpointer       user_data)
{
  /* The state follows the dialog; setting it from outside opens a file. */
  import_preview_file_action (action, state, user_data);
}

static void
show_in_folder_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  LabApplication *app = user_data;
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  lab_file_manager_show_item (GTK_WINDOW (get_window (app)), file);
}

static void
store_changed_cb (LabApplication *app)
{
  gboolean open = lab_application_get_store (app) != NULL;
  const char *names[] = { "export", "import" };

  /* Until the store is open; a file to open waits for it instead. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                              names[i])),
                                 open);
}

/**
 * lab_archive_actions_install_app:
 *
 * Adds the export and import actions to @app (from its startup).
 */
void
lab_archive_actions_install_app (LabApplication *app)
{
  static const GActionEntry entries[] = {
    { .name = "export", .activate = export_action },
    { .name = "import", .activate = import_action },
    { .name = "import-preview-file", .parameter_type = "s", .state = "''",
      .activate = import_preview_file_action, .change_state = import_preview_file_change_state },
    { .name = "show-in-folder", .parameter_type = "s", .activate = show_in_folder_action },
  };

  g_return_if_fail (LAB_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  g_signal_connect (app, "notify::store", G_CALLBACK (store_changed_cb), NULL);
  store_changed_cb (app);
}

/* Transcripts */

typedef struct
{
  LabWindow *window;
  char *title;
} TranscriptJob;

static void
transcript_job_free (TranscriptJob *job)
{
  g_clear_object (&job->window);
  g_free (job->title);
  g_free (job);
}

static void
transcript_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  TranscriptJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_application_release (g_application_get_default ());
  path = lab_transcript_export_finish (result, &error);
  if (path == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export “%s”: %s"), job->title,
                                                      error->message);

          toast (job->window, message);
        }
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Exported “%s”"), job->title);
      AdwToast *done = adw_toast_new (message);

      adw_toast_set_button_label (done, _("Show in Folder"));
      adw_toast_set_action_name (done, "app.show-in-folder");
      adw_toast_set_action_target_value (done, g_variant_new_string (path));
      lab_window_add_toast (job->window, done);
    }

  transcript_job_free (job);
}

/**
 * lab_archive_actions_export_transcript:
 * @session_id: the session
 * @title: (nullable): its title, for the toast
 * @dest: (nullable): the file to write; %NULL for a new name in archives/
 *
 * Writes a session's transcript off the main thread; a toast says where.
 */
void
lab_archive_actions_export_transcript (LabWindow           *window,
                                       const char          *session_id,
                                       const char          *title,
                                       LabTranscriptFormat  format,
                                       const char          *dest)
{
  LabApplication *app = LAB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  LabStore *store = lab_application_get_store (app);
  TranscriptJob *job;

  g_return_if_fail (LAB_IS_WINDOW (window));
  g_return_if_fail (session_id != NULL);

  if (store == NULL)
    return;

  job = g_new0 (TranscriptJob, 1);
  job->window = g_object_ref (window);
  job->title = g_strdup (title && *title ? title : session_id);

  g_application_hold (G_APPLICATION (app));
  lab_transcript_export_async (lab_store_get_data_dir (store), session_id, format, dest, NULL,
                               transcript_cb, job);
}

static void
transcript_chooser_response_cb (GtkFileChooserNative *chooser,
                                int                   response,
                                LabWindow            *window)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        lab_archive_actions_export_transcript (window,
                                               g_object_get_data (G_OBJECT (chooser), "session-id"),
                                               g_object_get_data (G_OBJECT (chooser), "title"),
                                               GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser),
                                                                                   "format")),
                                               path);
    }

  g_object_unref (chooser);
}

static void
export_transcript_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  LabWindow *window = user_data;
  LabApplication *app = LAB_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  LabStore *store = lab_application_get_store (app);
  LabSession *session = lab_sessions_page_get_session (lab_window_get_sessions_page (window));
  gboolean markdown = g_strcmp0 (g_variant_get_string (parameter, NULL), "json") != 0;
  LabTranscriptFormat format = markdown ? LAB_TRANSCRIPT_MARKDOWN : LAB_TRANSCRIPT_JSON;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *default_path = NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (store == NULL || session == NULL)
    return;

  default_path = lab_transcript_default_path (lab_store_get_data_dir (store),
                                              lab_session_get_id (session), format);
  name = g_path_get_basename (default_path);

  chooser = gtk_file_chooser_native_new (markdown ? _("Export Transcript") : _("Export as JSON"),
                                         GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (markdown)
    {
      gtk_file_filter_set_name (filter, _("Markdown"));
      gtk_file_filter_add_pattern (filter, "*.md");
      gtk_file_filter_add_mime_type (filter, "text/markdown");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("JSON"));
      gtk_file_filter_add_pattern (filter, "*.json");
      gtk_file_filter_add_mime_type (filter, "application/json");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_object_set_data_full (G_OBJECT (chooser), "session-id",
                          g_strdup (lab_session_get_id (session)), g_free);
  g_object_set_data_full (G_OBJECT (chooser), "title",
                          g_strdup (lab_session_get_title (session)), g_free);
  g_object_set_data (G_OBJECT (chooser), "format", GINT_TO_POINTER (format));
  g_signal_connect_object (chooser, "response", G_CALLBACK (transcript_chooser_response_cb),
                           window, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
session_changed_cb (LabWindow *window)
{
  LabSessionsPage *page = lab_window_get_sessions_page (window);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "export-transcript");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               lab_sessions_page_get_session (page) != NULL);
}

/**
 * lab_archive_actions_install_window:
 *
 * Adds win.export-transcript to @window (from its init).
 */
void
lab_archive_actions_install_window (LabWindow *window)
{
  static const GActionEntry entries[] = {
    { .name = "export-transcript", .parameter_type = "s", .activate = export_transcript_action },
  };

  g_return_if_fail (LAB_IS_WINDOW (window));

  g_action_map_add_action_entries (G_ACTION_MAP (window), entries, G_N_ELEMENTS (entries), window);
  g_signal_connect_object (lab_window_get_sessions_page (window), "notify::session",
                           G_CALLBACK (session_changed_cb), window, G_CONNECT_SWAPPED);
  session_changed_cb (window);
}
