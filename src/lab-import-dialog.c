/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-import-dialog.h"
#include "lab-schema.h"
#include "lab-timestamp.h"
#include "lab-window.h"

/**
 * LabImportDialog:
 *
 * The import preview of one file: it reads and checks the whole archive off
 * the main thread (with progress), then shows where it comes from, what it
 * holds compared with this data folder (new, identical, conflicting, per
 * kind of row), the conflicts by session, and the policy for them; Import
 * applies it in one transaction (after a backup), with progress. A refused
 * archive shows why, in plain words, and nothing is imported. When the
 * import is done the dialog closes, the window shows what was imported and
 * every list reloads.
 *
 * Its "state" is "loading", "error", "preview", "importing" or "done".
 */
struct _LabImportDialog
{
  AdwWindow parent_instance;

  LabStore *store;
  GFile *file;
  LabImportPreview *preview;
  LabImportResult *result;
  LabProgress *progress;
  GCancellable *cancellable;
  const char *state;
  char *error;
  guint n_listed_conflicts;
  gboolean close_when_done;

  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *import_button;
  GtkStack *stack;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
  AdwStatusPage *error_page;
  AdwActionRow *origin_row;
  AdwActionRow *date_row;
  AdwPreferencesGroup *contents_group;
  GtkListBox *contents_list;
  AdwPreferencesGroup *conflicts_group;
  AdwComboRow *policy_row;
  GtkListBox *conflicts_list;
  AdwPreferencesGroup *notes_group;
  GtkLabel *notes_label;
};

G_DEFINE_FINAL_TYPE (LabImportDialog, lab_import_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How many conflicts the dialog lists; it says how many more there are. */
#define MAX_LISTED 100

static const LabImportPolicy policies[] = { LAB_IMPORT_SKIP, LAB_IMPORT_REPLACE, LAB_IMPORT_KEEP_BOTH };

static const char *
table_label (const char *table)
{
  static const struct { const char *table; const char *label; } labels[] = {
    { "sessions", N_("Sessions") },
    { "messages", N_("Messages") },
    { "metrics", N_("Metrics") },
    { "agent_activity", N_("Agent Activity") },
    { "meetings", N_("Meetings") },
    { "snapshots", N_("Snapshots") },
    { "analytics", N_("Analytics Events") },
    { "brains", N_("Brains") },
    { "workspace_files", N_("File Records") },
    { "files", N_("Workspace Files") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      if (g_strcmp0 (table, labels[i].table) == 0)
        return _(labels[i].label);
    }

  return table;
}

static void
set_state (LabImportDialog *self,
           const char      *state)
{
  gboolean busy = g_str_equal (state, "loading") || g_str_equal (state, "importing");

  self->state = state;
  if (busy)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (!g_str_equal (state, "done"))
    gtk_stack_set_visible_child_name (self->stack, state);

  gtk_widget_set_visible (GTK_WIDGET (self->import_button), g_str_equal (state, "preview"));
  gtk_button_set_label (self->cancel_button,
                        g_str_equal (state, "error") ? _("_Close") : _("_Cancel"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
start_progress (LabImportDialog *self,
                const char      *title)
{
  g_clear_object (&self->progress);
  self->progress = lab_progress_new ();
  g_object_bind_property (self->progress, "fraction", self->progress_bar, "fraction",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->progress, "message", self->progress_bar, "text",
                          G_BINDING_SYNC_CREATE);
  adw_status_page_set_title (self->progress_page, title);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
show_error (LabImportDialog *self,
            const char      *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  adw_status_page_set_description (self->error_page, message);
  set_state (self, "error");
}

static char *
describe_counts (const LabImportCounts *counts)
{
  g_autofree char *n_new = lab_format_count (counts->n_new);
  g_autofree char *n_identical = lab_format_count (counts->n_identical);
  g_autofree char *n_conflicting = lab_format_count (counts->n_conflicting);

  /* Translators: counts of rows in an archive: new, identical, conflicting */
  return g_strdup_printf (_("%s new · %s identical · %s conflicting"), n_new, n_identical,
                          n_conflicting);
}

static void
add_contents_row (LabImportDialog       *self,
                  const char            *table,
                  const LabImportCounts *counts)
{
  g_autofree char *subtitle = NULL;
  AdwActionRow *row;

  if (counts->n_new + counts->n_identical + counts->n_conflicting == 0)
    return;

  subtitle = describe_counts (counts);
  row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), table_label (table));
  adw_action_row_set_subtitle (row, subtitle);
  if (counts->n_conflicting > 0)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_set_tooltip_text (icon, _("Some differ from this data folder’s version"));
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_suffix (row, icon);
    }
  gtk_widget_set_name (GTK_WIDGET (row), table);
  gtk_list_box_append (self->contents_list, GTK_WIDGET (row));
}

static void
fill_conflicts (LabImportDialog *self)
{
  GListModel *conflicts = lab_import_preview_get_conflicts (self->preview);
  guint64 total = lab_import_preview_get_n_conflicts (self->preview);
  guint n = g_list_model_get_n_items (conflicts);
  g_autofree char *number = lab_format_count (total);
  g_autofree char *description = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group), total > 0);
  if (total == 0)
    return;

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%s item of the archive differs from this data "
                                              "folder’s version",
                                              "%s items of the archive differ from this data "
                                              "folder’s version",
                                              total),
                                 number);
  adw_preferences_group_set_description (self->conflicts_group, description);

  self->n_listed_conflicts = MIN (n, MAX_LISTED);
  for (guint i = 0; i < self->n_listed_conflicts; i++)
    {
      g_autoptr(LabImportConflict) conflict = g_list_model_get_item (conflicts, i);
      g_autofree char *text = lab_import_conflict_describe (conflict);
      const char *title = lab_import_conflict_get_session_title (conflict);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

      if (title == NULL || title[0] == '\0')
        title = lab_import_conflict_get_session_id (conflict);
      if (title == NULL || title[0] == '\0')
        title = lab_import_conflict_get_key (conflict);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (row, text);
      adw_action_row_set_title_lines (row, 1);
      adw_action_row_set_subtitle_lines (row, 2);
      gtk_list_box_append (self->conflicts_list, GTK_WIDGET (row));
    }

  if (total > self->n_listed_conflicts)
    {
      g_autofree char *more = lab_format_count (total - self->n_listed_conflicts);
      g_autofree char *text = g_strdup_printf (_("… and %s more"), more);
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_widget_add_css_class (GTK_WIDGET (row), "dim-label");
      gtk_list_box_append (self->conflicts_list, GTK_WIDGET (row));
    }
}

static void
policy_changed_cb (LabImportDialog *self)
{
  static const char *explanations[] = {
    N_("Keep this data folder’s version; only what is new is imported"),
    N_("The archive’s version replaces this data folder’s (a backup is made first)"),
    N_("Import the differing sessions as copies with new ids"),
  };
  guint selected = adw_combo_row_get_selected (self->policy_row);
  gboolean replace;

  if (selected >= G_N_ELEMENTS (policies))
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->policy_row), _(explanations[selected]));

  /* Replacing is the one choice that changes what the store has. */
  replace = policies[selected] == LAB_IMPORT_REPLACE;
  if (replace)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->import_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->import_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->import_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->import_button), "suggested-action");
    }
}

static void
fill_preview (LabImportDialog *self)
{
  const char *exported_at = lab_import_preview_get_exported_at (self->preview);
  const char * const *warnings = lab_import_preview_get_warnings (self->preview);
  const LabTableInfo *tables;
  guint n_tables;
  LabImportCounts counts;
  g_autofree char *origin = NULL;
  g_autofree char *when = NULL;
  gint64 usec;

  if (lab_import_preview_get_format (self->preview) == LAB_IMPORT_FORMAT_LEGACY_JSON)
    origin = g_strdup_printf (_("An older JSON export (version %d)"),
                              lab_import_preview_get_version (self->preview));
  else
    {
      const char *version = lab_import_preview_get_app_version (self->preview);

      origin = g_strdup_printf (_("LabData %s (archive format %d)"),
                                version ? version : _("(unknown version)"),
                                lab_import_preview_get_version (self->preview));
    }
  adw_action_row_set_subtitle (self->origin_row, origin);

  if (exported_at != NULL && lab_timestamp_parse (exported_at, &usec))
    when = lab_format_date_time (usec);
  adw_action_row_set_subtitle (self->date_row, when ? when : (exported_at ? exported_at : _("Unknown")));

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      if (lab_import_preview_get_counts (self->preview, tables[i].name, &counts))
        add_contents_row (self, tables[i].name, &counts);
    }
  if (lab_import_preview_get_counts (self->preview, "files", &counts))
    add_contents_row (self, "files", &counts);

  if (!lab_import_preview_has_changes (self->preview))
    adw_preferences_group_set_description (self->contents_group,
                                           _("This data folder already has everything in the "
                                             "archive: there is nothing to import"));

  fill_conflicts (self);

  gtk_widget_set_visible (GTK_WIDGET (self->notes_group), warnings != NULL && warnings[0] != NULL);
  if (warnings != NULL && warnings[0] != NULL)
    {
      g_autofree char *text = g_strjoinv ("\n", (char **) warnings);

      gtk_label_set_text (self->notes_label, text);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button),
                            lab_import_preview_has_changes (self->preview));
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->preview = lab_import_preview_load_finish (result, &error);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (self->preview == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_window_destroy (GTK_WINDOW (self));
      else
        show_error (self, error->message);
      return;
    }

  fill_preview (self);
  set_state (self, "preview");
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->import_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->import_button));
}

/**
 * lab_import_dialog_describe_result:
 *
 * Returns: (transfer full): one sentence for a person: what an import added,
 *   replaced, copied and skipped
 */
char *
lab_import_dialog_describe_result (const LabImportResult *result)
{
  const LabTableInfo *tables;
  guint n_tables;
  guint64 sessions = 0, rows = 0, replaced = 0, copied = 0, skipped = 0;
  g_autoptr(GString) text = g_string_new (NULL);
  /* Translators: joins the parts of an import's result ("Imported 3 sessions, replaced 2") */
  const char *separator = _(", ");

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      if (g_str_equal (tables[i].name, "sessions"))
        sessions = result->inserted[i] + result->copied[i];
      rows += result->inserted[i] + result->copied[i];
      replaced += result->replaced[i];
      copied += result->copied[i];
      skipped += result->skipped[i];
    }
  replaced += result->files_replaced;
  skipped += result->files_skipped;

  if (sessions > 0)
    {
      g_autofree char *n = lab_format_count (sessions);

      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Imported %s session",
                                                 "Imported %s sessions", sessions),
                              n);
    }
  else if (rows + result->files_added > 0)
    {
      g_autofree char *n = lab_format_count (rows + result->files_added);

      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Imported %s item",
                                                 "Imported %s items", rows + result->files_added),
                              n);
    }
  else if (replaced == 0)
    g_string_append (text, _("Nothing was imported"));

  if (replaced > 0)
    {
      g_autofree char *n = lab_format_count (replaced);

      if (text->len > 0)
        g_string_append (text, separator);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "replaced %s item",
                                                 "replaced %s items", replaced),
                              n);
    }
  if (copied > 0 && sessions == 0)
    {
      g_autofree char *n = lab_format_count (copied);

      g_string_append (text, separator);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "copied %s item",
                                                 "copied %s items", copied),
                              n);
    }
  if (skipped > 0)
    {
      g_autofree char *n = lab_format_count (skipped);

      g_string_append (text, separator);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "kept %s as they were",
                                                 "kept %s as they were", skipped),
                              n);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
apply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  g_application_release (g_application_get_default ());
  self->result = lab_import_preview_apply_finish (LAB_IMPORT_PREVIEW (object), result, &error);

  /* Whatever happened, the store may have a backup more; lists reload. */
  if (self->result != NULL && self->store != NULL)
    lab_store_emit_changed (self->store);

  if (self->result == NULL)
    {
      if (self->close_when_done || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_window_destroy (GTK_WINDOW (self));
      else
        show_error (self, error->message);
      return;
    }

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (LAB_IS_WINDOW (parent))
    {
      g_autofree char *text = lab_import_dialog_describe_result (self->result);

      lab_window_add_toast (LAB_WINDOW (parent), adw_toast_new (text));
      lab_window_show_view (LAB_WINDOW (parent), "sessions");
    }

  set_state (self, "done");
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
import_clicked_cb (LabImportDialog *self)
{
  lab_import_dialog_import (self);
}

static void
cancel_clicked_cb (LabImportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
lab_import_dialog_close_request (GtkWindow *window)
{
  LabImportDialog *self = LAB_IMPORT_DIALOG (window);

  /* Work in progress stops first; the dialog goes when it has cleaned up
   * (an import that is stopped changes nothing). */
  if (g_str_equal (self->state, "loading") || g_str_equal (self->state, "importing"))
    {
      self->close_when_done = TRUE;
      g_cancellable_cancel (self->cancellable);
      gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (lab_import_dialog_parent_class)->close_request (window);
}

static void
lab_import_dialog_dispose (GObject *object)
{
  LabImportDialog *self = (LabImportDialog *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->progress);
  /* Frees the staging folder the preview holds. */
  g_clear_object (&self->preview);
  g_clear_object (&self->store);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (lab_import_dialog_parent_class)->dispose (object);
}

static void
lab_import_dialog_finalize (GObject *object)
{
  LabImportDialog *self = (LabImportDialog *) object;

  g_clear_pointer (&self->result, lab_import_result_free);
  g_free (self->error);

  G_OBJECT_CLASS (lab_import_dialog_parent_class)->finalize (object);
}

static void
lab_import_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabImportDialog *self = LAB_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_import_dialog_class_init (LabImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_import_dialog_dispose;
  object_class->finalize = lab_import_dialog_finalize;
  object_class->get_property = lab_import_dialog_get_property;
  window_class->close_request = lab_import_dialog_close_request;

  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "loading",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, origin_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, contents_group);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, contents_list);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, conflicts_group);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, policy_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, conflicts_list);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, notes_group);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, notes_label);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, policy_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_import_dialog_init (LabImportDialog *self)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  self->state = "loading";
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (list, _("Skip"));
  gtk_string_list_append (list, _("Replace"));
  gtk_string_list_append (list, _("Keep Both"));
  adw_combo_row_set_model (self->policy_row, G_LIST_MODEL (list));
  policy_changed_cb (self);
}

/**
 * lab_import_dialog_new:
 * @parent: the window it belongs to; the result's toast shows there
 * @store: the opened store to import into
 * @file: a `.labdata` archive or a JSON export
 *
 * Returns: (transfer none): a new dialog, not yet shown, already reading
 *   @file
 */
LabImportDialog *
lab_import_dialog_new (GtkWindow *parent,
                       LabStore  *store,
                       GFile     *file)
{
  LabImportDialog *self;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (LAB_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (LAB_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->file = g_object_ref (file);

  name = g_file_get_basename (file);
  title = g_strdup_printf (_("Import “%s”"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_subtitle (self->window_title, name);

  start_progress (self, _("Reading the Archive…"));
  set_state (self, "loading");

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, _("Only files on this computer can be imported"));
      return self;
    }

  lab_import_preview_load_async (lab_store_get_data_dir (store), path, self->progress,
                                 self->cancellable, preview_cb, g_object_ref (self));
  return self;
}

GFile *
lab_import_dialog_get_file (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->file;
}

/**
 * lab_import_dialog_get_state:
 *
 * Returns: "loading", "error", "preview", "importing" or "done"
 */
const char *
lab_import_dialog_get_state (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->state;
}

/**
 * lab_import_dialog_get_error:
 *
 * Returns: (nullable): why the file cannot be imported, in the "error" state
 */
const char *
lab_import_dialog_get_error (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->error;
}

/**
 * lab_import_dialog_get_preview:
 *
 * Returns: (transfer none) (nullable): the preview, once it is read
 */
LabImportPreview *
lab_import_dialog_get_preview (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->preview;
}

/**
 * lab_import_dialog_get_result:
 *
 * Returns: (transfer none) (nullable): what was imported, once it is done
 */
LabImportResult *
lab_import_dialog_get_result (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->result;
}

guint
lab_import_dialog_get_n_listed_conflicts (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), 0);
  return self->n_listed_conflicts;
}

LabImportPolicy
lab_import_dialog_get_policy (LabImportDialog *self)
{
  guint selected;

  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), LAB_IMPORT_SKIP);

  selected = adw_combo_row_get_selected (self->policy_row);
  return selected < G_N_ELEMENTS (policies) ? policies[selected] : LAB_IMPORT_SKIP;
}

void
lab_import_dialog_set_policy (LabImportDialog *self,
                              LabImportPolicy  policy)
{
  g_return_if_fail (LAB_IS_IMPORT_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      if (policies[i] == policy)
        adw_combo_row_set_selected (self->policy_row, i);
    }
}

/**
 * lab_import_dialog_import:
 *
 * What the Import button does: applies the preview with the chosen policy.
 */
void
lab_import_dialog_import (LabImportDialog *self)
{
  g_return_if_fail (LAB_IS_IMPORT_DIALOG (self));

  if (!g_str_equal (self->state, "preview") || !lab_import_preview_has_changes (self->preview))
    return;

  start_progress (self, _("Importing…"));
  set_state (self, "importing");

  /* Long work keeps the application alive if the window closes. */
  g_application_hold (g_application_get_default ());
  lab_import_preview_apply_async (self->preview, lab_import_dialog_get_policy (self),
                                  self->progress, self->cancellable, apply_cb,
                                  g_object_ref (self));
}
