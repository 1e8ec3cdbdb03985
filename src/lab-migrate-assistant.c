/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-migrate-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-legacy.h"
#include "lab-migrate-assistant.h"
#include "lab-migrate.h"

/**
 * LabMigrateAssistant:
 *
 * The migration assistant: what legacy data was found (each source with its
 * kind, place, counts, size and time span, and a check to include it), the
 * dry run's report (what will be added, what is skipped and why), progress
 * with Cancel, and the result (counts per table, the migration log, the
 * sources left as they were) with Roll Back. Everything it does is
 * lab_migrate() and lab_migrate_rollback() in threads of their own; a source
 * that cannot be read shows why and does not hold back the others.
 */
struct _LabMigrateAssistant
{
  AdwWindow parent_instance;

  LabApplication *app;
  char **paths;
  GPtrArray *sources;    /* LabLegacySource, as found */
  GPtrArray *checks;     /* GtkCheckButton, one per source */
  GPtrArray *selected;   /* the sources of the plan */
  LabMigrationReport *plan;
  LabMigrationReport *report;  /* what the migration or the rollback did */
  LabProgress *progress;
  GCancellable *cancellable;
  GBinding *fraction_binding;
  GBinding *text_binding;
  gboolean running;

  GtkButton *back_button;
  GtkButton *next_button;
  GtkStack *stack;
  AdwStatusPage *none_page;
  GtkListBox *source_list;
  GtkLabel *report_summary;
  GtkListBox *plan_list;
  GtkLabel *issues_heading;
  GtkListBox *issue_list;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
  GtkLabel *result_title;
  GtkLabel *result_summary;
  GtkListBox *result_list;
  GtkButton *rollback_button;
  AdwStatusPage *error_page;
};

G_DEFINE_FINAL_TYPE (LabMigrateAssistant, lab_migrate_assistant, ADW_TYPE_WINDOW)

/* Issues shown in a list before "and N more": the log has them all. */
#define MAX_ISSUE_ROWS 200

/* The tables a migration fills, in the order people read them. */
static const struct
{
  const char *table;
  const char *label;
} report_tables[] = {
  { "sessions", N_("Sessions") },
  { "messages", N_("Messages") },
  { "agent_activity", N_("Agent activity") },
  { "metrics", N_("Metrics") },
  { "meetings", N_("Meetings") },
  { "workspace_files", N_("Files") },
  { "brains", N_("Brains") },
};

static LabDataDir *
get_data_dir (LabMigrateAssistant *self)
{
  LabStore *store = lab_application_get_store (self->app);

  if (store != NULL)
    return lab_store_get_data_dir (store);

  return lab_application_get_dir (self->app);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (list, row);

  return row;
}

/* A row with a number at its end: "Messages … 21 added". */
static void
add_count_row (GtkListBox *list,
               const char *title,
               gint64      count,
               gboolean    removed)
{
  GtkWidget *row = add_row (list, title, NULL);
  g_autofree char *n = lab_format_count (count);
  /* Translators: a count of rows */
  g_autofree char *text = removed ? g_strdup_printf (_("%s removed"), n)
                                  : g_strdup_printf (_("%s added"), n);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
}

static void
set_page (LabMigrateAssistant *self,
          const char          *name)
{
  gboolean back = TRUE;
  gboolean next = FALSE;
  gboolean next_enabled = TRUE;
  const char *back_label = _("_Cancel");
  const char *next_label = _("_Next");

  gtk_stack_set_visible_child_name (self->stack, name);

  if (g_str_equal (name, "found"))
    {
      next = TRUE;
      next_enabled = FALSE;
      for (guint i = 0; i < self->checks->len; i++)
        next_enabled |= gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
    }
  else if (g_str_equal (name, "report"))
    {
      back_label = _("_Back");
      next = TRUE;
      next_label = _("_Migrate");
      next_enabled = self->plan != NULL && lab_migration_report_get_total_added (self->plan) > 0 &&
                     !lab_migration_report_get_any_skipped (self->plan);
    }
  else if (g_str_equal (name, "progress"))
    back = FALSE;
  else if (g_str_equal (name, "result"))
    {
      back = FALSE;
      next = TRUE;
      next_label = _("_Close");
    }
  else if (g_str_equal (name, "error") && self->sources != NULL && self->sources->len > 0)
    back_label = _("_Back");
  else if (g_str_equal (name, "none"))
    back_label = _("_Close");

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), back);
  gtk_button_set_label (self->back_button, back_label);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), next);
  gtk_button_set_label (self->next_button, next_label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.next", next && next_enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.back", back);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.cancel", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.rollback",
                                 !self->running && self->report != NULL &&
                                 lab_migration_report_get_kind (self->report) ==
                                 LAB_MIGRATION_REPORT_MIGRATION &&
                                 lab_migration_report_get_log_path (self->report) != NULL);

  if (next && next_enabled)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
}

static void
show_error (LabMigrateAssistant *self,
            const GError        *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  set_page (self, "error");
}

static void
start_progress (LabMigrateAssistant *self,
                const char          *title)
{
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->fraction_binding, g_binding_unbind);
  g_clear_pointer (&self->text_binding, g_binding_unbind);
  g_clear_object (&self->progress);

  self->cancellable = g_cancellable_new ();
  self->progress = lab_progress_new ();
  self->fraction_binding = g_object_bind_property (self->progress, "fraction",
                                                   self->progress_bar, "fraction",
                                                   G_BINDING_SYNC_CREATE);
  self->text_binding = g_object_bind_property (self->progress, "message",
                                               self->progress_bar, "text",
                                               G_BINDING_SYNC_CREATE);
  self->running = TRUE;
  adw_status_page_set_title (self->progress_page, title);
  set_page (self, "progress");

  /* Long work keeps the application alive even if the windows close. */
  g_application_hold (G_APPLICATION (self->app));
}

static void
stop_progress (LabMigrateAssistant *self)
{
  self->running = FALSE;
  g_application_release (G_APPLICATION (self->app));
}

static void
store_changed (LabMigrateAssistant *self)
{
  LabStore *store = lab_application_get_store (self->app);

  /* Every open list reloads. */
  if (store != NULL)
    lab_store_emit_changed (store);
}

/* The found page */

static char *
describe_counts (LabLegacySource *source)
{
  GArray *counts = lab_legacy_source_get_counts (source);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < counts->len; i++)
    {
      const LabLegacyCount *count = &g_array_index (counts, LabLegacyCount, i);
      g_autofree char *n = lab_format_count (count->count);

      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a legacy table name and how many rows it has */
      g_string_append_printf (text, C_("legacy count", "%s %s"), count->name, n);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_day (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("?");

  /* Translators: a day in a time span, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static char *
describe_source (LabLegacySource *source)
{
  g_autoptr(GString) text = g_string_new (lab_legacy_kind_get_label (lab_legacy_source_get_kind (source)));
  const GError *problem = lab_legacy_source_get_problem (source);
  GPtrArray *notes = lab_legacy_source_get_notes (source);
  g_autofree char *counts = describe_counts (source);
  g_autofree char *size = g_format_size (lab_legacy_source_get_size (source));

  if (counts[0] != '\0')
    g_string_append_printf (text, "\n%s", counts);
  g_string_append_printf (text, "\n%s", size);

  if (lab_legacy_source_get_first_time (source) != 0)
    {
      g_autofree char *first = format_day (lab_legacy_source_get_first_time (source));
      g_autofree char *last = format_day (lab_legacy_source_get_last_time (source));

      /* Translators: the size of a source, then its time span */
      g_string_append_printf (text, _(" · from %s to %s"), first, last);
    }

  for (guint i = 0; notes != NULL && i < notes->len; i++)
    g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (notes, i));

  if (problem != NULL)
    g_string_append_printf (text, _("\nCannot be migrated: %s"), problem->message);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
check_toggled_cb (LabMigrateAssistant *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "found") == 0)
    set_page (self, "found");
}

static void
fill_sources (LabMigrateAssistant *self)
{
  clear_list (self->source_list);
  g_ptr_array_set_size (self->checks, 0);

  for (guint i = 0; i < self->sources->len; i++)
    {
      LabLegacySource *source = g_ptr_array_index (self->sources, i);
      g_autofree char *subtitle = describe_source (source);
      gboolean usable = lab_legacy_source_is_usable (source);
      GtkWidget *row = add_row (self->source_list, lab_legacy_source_get_display_name (source),
                                subtitle);
      GtkWidget *check = gtk_check_button_new ();

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), usable);
      gtk_widget_set_sensitive (check, usable);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      lab_legacy_source_get_display_name (source), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      if (!usable)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (icon, "warning");
          gtk_widget_set_tooltip_text (icon, lab_legacy_source_get_problem (source)->message);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
        }
      g_signal_connect_object (check, "toggled", G_CALLBACK (check_toggled_cb), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (self->checks, check);
    }
}

static void
show_found (LabMigrateAssistant *self)
{
  if (self->sources->len == 0)
    {
      g_auto(GStrv) places = self->paths != NULL ? g_strdupv (self->paths)
                                                 : lab_legacy_default_locations ();
      g_autofree char *list = g_strjoinv ("\n", places);
      g_autofree char *description =
        g_strdup_printf (_("Looked in:\n%s\n\nUse “Choose Folder or File” on the Data page to "
                           "name another place."), list);

      adw_status_page_set_description (self->none_page, description);
      set_page (self, "none");
      return;
    }

  fill_sources (self);
  set_page (self, "found");
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabMigrateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sources = lab_legacy_detect_finish (result, &error);

  self->running = FALSE;
  if (sources == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  self->sources = g_steal_pointer (&sources);
  show_found (self);
}

static void
detect (LabMigrateAssistant *self)
{
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  set_page (self, "searching");
  lab_legacy_detect_async ((const char * const *) self->paths, self->cancellable, detect_cb,
                           g_object_ref (self));
}

/* The report page */

static char *
describe_added (LabMigrationReport *report,
                int                 source,
                gboolean            existing)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (report_tables); t++)
    {
      gint64 n = existing
                 ? lab_migration_report_get_existing (report, source, report_tables[t].table)
                 : lab_migration_report_get_added (report, source, report_tables[t].table);
      g_autofree char *count = NULL;

      if (n <= 0)
        continue;
      count = lab_format_count (n);
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a kind of data ("Messages") and how many */
      g_string_append_printf (text, C_("migration count", "%s: %s"),
                              _(report_tables[t].label), count);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe_plan_source (LabMigrationReport *report,
                      guint               index)
{
  g_autofree char *added = NULL;
  g_autofree char *existing = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (lab_migration_report_get_source_skipped (report, index))
    {
      LabLegacySource *source = lab_migration_report_get_source (report, index);
      const GError *problem = lab_legacy_source_get_problem (source);

      return g_strdup_printf (_("Skipped: %s"),
                              problem != NULL ? problem->message
                                              : _("it cannot be migrated as it is"));
    }

  added = describe_added (report, index, FALSE);
  existing = describe_added (report, index, TRUE);
  if (added[0] != '\0')
    {
      g_autofree char *bytes = g_format_size (lab_migration_report_get_bytes (report, index));

      g_string_append_printf (text, _("New: %s (%s of files)"), added, bytes);
    }
  else
    g_string_append (text, _("Nothing new"));

  if (existing[0] != '\0')
    g_string_append_printf (text, _("\nAlready migrated before: %s"), existing);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill_issues (LabMigrateAssistant *self,
             LabMigrationReport  *report)
{
  GPtrArray *issues = lab_migration_report_get_issues (report);
  g_autofree char *heading = NULL;

  clear_list (self->issue_list);
  gtk_widget_set_visible (GTK_WIDGET (self->issues_heading), issues->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->issue_list), issues->len > 0);
  if (issues->len == 0)
    return;

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u Thing to Know: Skipped or Kept Differently",
                                          "%u Things to Know: Skipped or Kept Differently",
                                          issues->len),
                             issues->len);
  gtk_label_set_text (self->issues_heading, heading);

  for (guint i = 0; i < issues->len && i < MAX_ISSUE_ROWS; i++)
    {
      LabMigrationIssue *issue = g_ptr_array_index (issues, i);
      GtkWidget *row = add_row (self->issue_list, issue->item, issue->message);

      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }

  if (issues->len > MAX_ISSUE_ROWS)
    {
      guint n_more = issues->len - MAX_ISSUE_ROWS;
      /* Translators: after the first items of a long list */
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %u more", "And %u more",
                                                            n_more), n_more);

      add_row (self->issue_list, more, _("The migration log lists every one."));
    }
}

static void
show_report (LabMigrateAssistant *self)
{
  LabMigrationReport *plan = self->plan;
  guint n = lab_migration_report_get_n_sources (plan);
  g_autofree char *needed = g_format_size (lab_migration_report_get_space_needed (plan));
  g_autofree char *available = g_format_size (lab_migration_report_get_space_free (plan));
  g_autofree char *summary = NULL;

  if (lab_migration_report_get_any_skipped (plan))
    summary = g_strdup (_("A source cannot be read now (see below). Go back and leave it out, "
                          "or close the program that uses it and try again. Nothing has been "
                          "changed."));
  else if (lab_migration_report_get_total_added (plan) > 0)
    {
      g_autofree char *what = describe_added (plan, -1, FALSE);

      summary = g_strdup_printf (_("Nothing has been changed yet. Migrating adds %s to the store "
                                   "in “%s”, after a backup of it. About %s of disk space is "
                                   "needed; %s is free."),
                                 what, lab_data_dir_get_root (get_data_dir (self)), needed,
                                 available);
    }
  else
    summary = g_strdup (_("Nothing new to migrate: everything in these sources is already in "
                          "LabData, or cannot be read."));
  gtk_label_set_text (self->report_summary, summary);

  clear_list (self->plan_list);
  for (guint i = 0; i < n; i++)
    {
      LabLegacySource *source = lab_migration_report_get_source (plan, i);
      g_autofree char *subtitle = describe_plan_source (plan, i);
      GtkWidget *row = add_row (self->plan_list, lab_legacy_source_get_display_name (source),
                                subtitle);

      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      if (lab_migration_report_get_source_skipped (plan, i))
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (icon, "warning");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
        }
    }

  fill_issues (self, plan);
  set_page (self, "report");
}

static void
dry_run_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabMigrateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMigrationReport) plan = lab_migrate_finish (result, &error);

  stop_progress (self);
  if (plan == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_page (self, "found");
      else
        show_error (self, error);
      return;
    }

  g_set_object (&self->plan, plan);
  show_report (self);
}

static void
start_dry_run (LabMigrateAssistant *self)
{
  g_clear_pointer (&self->selected, g_ptr_array_unref);
  self->selected = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->sources->len; i++)
    {
      if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
        g_ptr_array_add (self->selected, g_object_ref (g_ptr_array_index (self->sources, i)));
    }
  if (self->selected->len == 0)
    return;

  g_clear_object (&self->plan);
  start_progress (self, _("Checking What Would Be Migrated…"));
  lab_migrate_async (get_data_dir (self), self->selected, LAB_MIGRATE_DRY_RUN, self->progress,
                     self->cancellable, dry_run_cb, g_object_ref (self));
}

/* The result page */

static void
show_log_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LabMigrateAssistant) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      /* No file manager on the bus: open the folder instead. */
      const char *log_path = lab_migration_report_get_log_path (self->report);
      g_autofree char *folder = g_path_get_dirname (log_path);
      g_autoptr(GFile) file = g_file_new_for_path (folder);
      g_autofree char *uri = g_file_get_uri (file);

      gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
    }
}

static void
show_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (widget);
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self->app));
  const char *log_path;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  if (self->report == NULL || (log_path = lab_migration_report_get_log_path (self->report)) == NULL)
    return;

  file = g_file_new_for_path (log_path);
  uri = g_file_get_uri (file);
  uris[0] = uri;

  if (bus == NULL)
    {
      g_autofree char *folder = g_path_get_dirname (log_path);
      g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
      g_autofree char *folder_uri = g_file_get_uri (folder_file);

      gtk_show_uri (GTK_WINDOW (self), folder_uri, GDK_CURRENT_TIME);
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, show_log_cb, g_object_ref (self));
}

static void
show_result (LabMigrateAssistant *self)
{
  LabMigrationReport *report = self->report;
  gboolean rollback = lab_migration_report_get_kind (report) == LAB_MIGRATION_REPORT_ROLLBACK;
  guint n = lab_migration_report_get_n_sources (report);
  const char *log_path = lab_migration_report_get_log_path (report);
  const char *backup = lab_migration_report_get_backup_name (report);

  clear_list (self->result_list);

  if (rollback)
    {
      gtk_label_set_text (self->result_title, _("The Migration Was Rolled Back"));
      gtk_label_set_text (self->result_summary,
                          _("Everything the migration added was removed from the store. The "
                            "legacy sources were never changed."));
      for (guint t = 0; t < G_N_ELEMENTS (report_tables); t++)
        {
          gint64 removed = lab_migration_report_get_removed (report, report_tables[t].table);

          if (removed > 0)
            add_count_row (self->result_list, _(report_tables[t].label), removed, TRUE);
        }
    }
  else if (lab_migration_report_get_total_added (report) == 0)
    {
      gtk_label_set_text (self->result_title, _("Nothing New to Migrate"));
      gtk_label_set_text (self->result_summary,
                          _("Everything in these sources was migrated before; nothing was added "
                            "twice."));
    }
  else
    {
      gtk_label_set_text (self->result_title, _("Migration Complete"));
      gtk_label_set_text (self->result_summary,
                          lab_migration_report_get_verified (report)
                          ? _("The sessions are in the list now. Every count was checked "
                              "against the sources, and every file against its checksum.")
                          : _("The sessions are in the list now."));
      for (guint t = 0; t < G_N_ELEMENTS (report_tables); t++)
        {
          gint64 added = lab_migration_report_get_added (report, -1, report_tables[t].table);

          if (added > 0)
            add_count_row (self->result_list, _(report_tables[t].label), added, FALSE);
        }
    }

  if (!rollback)
    {
      g_autoptr(GString) places = g_string_new (NULL);
      GtkWidget *row;

      for (guint i = 0; i < n; i++)
        {
          LabLegacySource *source = lab_migration_report_get_source (report, i);

          if (places->len > 0)
            g_string_append_c (places, '\n');
          g_string_append (places, lab_legacy_source_get_path (source));
          if (lab_migration_report_get_source_skipped (report, i))
            g_string_append (places, _(" (skipped)"));
        }
      row = add_row (self->result_list, _("Sources Left as They Were"), places->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }

  if (backup != NULL)
    add_row (self->result_list, _("Backup Made First"), backup);

  if (log_path != NULL)
    {
      GtkWidget *row = add_row (self->result_list, rollback ? _("Rollback Log") : _("Migration Log"),
                                log_path);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Show in Folder"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "assistant.show-log");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_widget_add_css_class (row, "property");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->rollback_button),
                          !rollback && lab_migration_report_get_total_added (report) > 0);
  fill_issues (self, report);
  set_page (self, "result");
}

static void
migrate_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabMigrateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMigrationReport) report = lab_migrate_finish (result, &error);

  stop_progress (self);
  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_text (self->report_summary,
                              _("The migration was cancelled; nothing was changed."));
          set_page (self, "report");
        }
      else
        show_error (self, error);
      return;
    }

  g_set_object (&self->report, report);
  if (lab_migration_report_get_total_added (report) > 0)
    store_changed (self);
  show_result (self);
}

static void
start_migration (LabMigrateAssistant *self)
{
  if (self->selected == NULL || self->selected->len == 0)
    return;

  start_progress (self, _("Migrating…"));
  lab_migrate_async (get_data_dir (self), self->selected, LAB_MIGRATE_FLAGS_NONE, self->progress,
                     self->cancellable, migrate_cb, g_object_ref (self));
}

static void
rollback_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LabMigrateAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMigrationReport) report = lab_migrate_rollback_finish (result, &error);

  stop_progress (self);
  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_page (self, "result");
      else
        show_error (self, error);
      return;
    }

  g_set_object (&self->report, report);
  store_changed (self);
  show_result (self);
}

static void
rollback_response_cb (LabMigrateAssistant *self,
                      const char          *response)
{
  g_autofree char *log_path = NULL;

  if (g_strcmp0 (response, "roll-back") != 0 || self->report == NULL || self->running)
    return;

  log_path = g_strdup (lab_migration_report_get_log_path (self->report));
  start_progress (self, _("Rolling Back…"));
  lab_migrate_rollback_async (get_data_dir (self), log_path, self->progress, self->cancellable,
                              rollback_cb, g_object_ref (self));
}

static void
rollback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (widget);
  g_autofree char *what = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->report == NULL || self->running)
    return;

  what = describe_added (self->report, -1, FALSE);
  body = g_strdup_printf (_("Everything this migration added (%s) is removed from the store. "
                            "A backup is made first; the legacy sources are not touched."),
                          what);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Roll Back the Migration?"), body);
  gtk_widget_set_name (dialog, "rollback-confirmation");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "roll-back", _("_Roll Back"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "roll-back",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (rollback_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Navigation */

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "found"))
    start_dry_run (self);
  else if (g_str_equal (page, "report"))
    start_migration (self);
  else if (g_str_equal (page, "result"))
    gtk_window_close (GTK_WINDOW (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "report") ||
      (g_str_equal (page, "error") && self->sources != NULL && self->sources->len > 0))
    set_page (self, "found");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (widget);

  g_cancellable_cancel (self->cancellable);
}

static gboolean
lab_migrate_assistant_close_request (GtkWindow *window)
{
  LabMigrateAssistant *self = LAB_MIGRATE_ASSISTANT (window);

  /* A migration or rollback stopped before its commit changes nothing. */
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (lab_migrate_assistant_parent_class)->close_request (window);
}

static void
lab_migrate_assistant_dispose (GObject *object)
{
  LabMigrateAssistant *self = (LabMigrateAssistant *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->fraction_binding, g_binding_unbind);
  g_clear_pointer (&self->text_binding, g_binding_unbind);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MIGRATE_ASSISTANT);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->selected, g_ptr_array_unref);
  g_clear_object (&self->plan);
  g_clear_object (&self->report);
  g_clear_object (&self->progress);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (lab_migrate_assistant_parent_class)->dispose (object);
}

static void
lab_migrate_assistant_finalize (GObject *object)
{
  LabMigrateAssistant *self = (LabMigrateAssistant *) object;

  g_strfreev (self->paths);

  G_OBJECT_CLASS (lab_migrate_assistant_parent_class)->finalize (object);
}

static void
lab_migrate_assistant_class_init (LabMigrateAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_migrate_assistant_dispose;
  object_class->finalize = lab_migrate_assistant_finalize;
  window_class->close_request = lab_migrate_assistant_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-migrate-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, next_button);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, none_page);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, source_list);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, report_summary);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, plan_list);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, issues_heading);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, issue_list);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, progress_page);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, result_title);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, result_summary);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, result_list);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, rollback_button);
  gtk_widget_class_bind_template_child (widget_class, LabMigrateAssistant, error_page);

  gtk_widget_class_install_action (widget_class, "assistant.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "assistant.rollback", NULL, rollback_action);
  gtk_widget_class_install_action (widget_class, "assistant.show-log", NULL, show_log_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lab_migrate_assistant_init (LabMigrateAssistant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->checks = g_ptr_array_new ();
}

/**
 * lab_migrate_assistant_new:
 * @app: the application, whose store the migration goes into
 * @paths: (nullable) (array zero-terminated=1): places a person named, or
 *   %NULL for the usual places
 * @sources: (nullable) (element-type LabLegacySource): sources already
 *   found there, or %NULL to look (in a thread)
 *
 * Returns: (transfer full): a new assistant; present it
 */
LabMigrateAssistant *
lab_migrate_assistant_new (LabApplication     *app,
                           const char * const *paths,
                           GPtrArray          *sources)
{
  LabMigrateAssistant *self;

  g_return_val_if_fail (LAB_IS_APPLICATION (app), NULL);

  self = g_object_new (LAB_TYPE_MIGRATE_ASSISTANT, NULL);
  self->app = g_object_ref (app);
  self->paths = g_strdupv ((char **) paths);
  gtk_window_set_transient_for (GTK_WINDOW (self),
                                gtk_application_get_active_window (GTK_APPLICATION (app)));
  /* It keeps the application running, like any of its windows. */
  gtk_window_set_application (GTK_WINDOW (self), GTK_APPLICATION (app));

  if (sources != NULL)
    {
      self->sources = g_ptr_array_ref (sources);
      show_found (self);
    }
  else
    detect (self);

  return self;
}

/**
 * lab_migrate_assistant_get_page:
 *
 * Returns: the visible page: "searching", "none", "found", "report",
 *   "progress", "result" or "error"
 */
const char *
lab_migrate_assistant_get_page (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkListBox *
lab_migrate_assistant_get_source_list (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return self->source_list;
}

GtkListBox *
lab_migrate_assistant_get_plan_list (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return self->plan_list;
}

GtkListBox *
lab_migrate_assistant_get_issue_list (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return self->issue_list;
}

GtkListBox *
lab_migrate_assistant_get_result_list (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return self->result_list;
}

guint
lab_migrate_assistant_get_n_sources (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), 0);
  return self->sources != NULL ? self->sources->len : 0;
}

/**
 * lab_migrate_assistant_set_included:
 *
 * What the check of source @index does.
 */
void
lab_migrate_assistant_set_included (LabMigrateAssistant *self,
                                    guint                index,
                                    gboolean             included)
{
  g_return_if_fail (LAB_IS_MIGRATE_ASSISTANT (self));
  g_return_if_fail (index < self->checks->len);

  gtk_check_button_set_active (g_ptr_array_index (self->checks, index), included);
}

/**
 * lab_migrate_assistant_get_report:
 *
 * Returns: (transfer none) (nullable): what the last migration or rollback
 *   did, else the dry run's plan
 */
LabMigrationReport *
lab_migrate_assistant_get_report (LabMigrateAssistant *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATE_ASSISTANT (self), NULL);
  return self->report != NULL ? self->report : self->plan;
}
