/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-archives-section"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-archives-section.h"
#include "lab-format.h"

/**
 * LabArchivesSection:
 *
 * The Data page's "Archives" section: Export… and Import…, and the files in
 * the data folder's archives/ (exports and transcripts), newest first, each
 * with its date and size, Show in Folder and Delete (after a confirmation).
 * It follows the folder with a file monitor, so a new export shows at once.
 */
struct _LabArchivesSection
{
  AdwPreferencesGroup parent_instance;

  LabStore *store;
  GFileMonitor *monitor;
  GCancellable *cancellable;
  guint n_files;
  gboolean loading;
  guint reload_id;

  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (LabArchivesSection, lab_archives_section, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The most files listed; a folder with more is for the file manager. */
#define MAX_FILES 200

static GFile *
get_folder (LabArchivesSection *self)
{
  return g_file_new_for_path (lab_data_dir_get_archives_path (lab_store_get_data_dir (self->store)));
}

static void
clear_list (LabArchivesSection *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  self->n_files = 0;
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabArchivesSection) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (object), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the file: %s"),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
    }
  lab_archives_section_reload (self);
}

static void
confirm_response_cb (AdwMessageDialog   *dialog,
                     const char         *response,
                     LabArchivesSection *self)
{
  GFile *file = g_object_get_data (G_OBJECT (dialog), "file");

  if (g_strcmp0 (response, "delete") == 0)
    g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, delete_cb, g_object_ref (self));
}

static void
delete_clicked_cb (LabArchivesSection *self,
                   GtkButton          *button)
{
  GFile *file = g_object_get_data (G_OBJECT (button), "file");
  g_autofree char *name = g_file_get_basename (file);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete Archive?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” will be deleted for good. The sessions it holds stay "
                                    "in the data folder."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
make_row (LabArchivesSection *self,
          GFile              *folder,
          GFileInfo          *info)
{
  g_autoptr(GFile) file = g_file_get_child (folder, g_file_info_get_name (info));
  g_autoptr(GDateTime) modified = g_file_info_get_modification_date_time (info);
  g_autofree char *size = g_format_size (g_file_info_get_size (info));
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *open_label = NULL;
  g_autofree char *delete_label = NULL;
  const char *name = g_file_info_get_display_name (info);
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *show_button;
  GtkWidget *delete_button;

  when = modified ? lab_format_date_time (g_date_time_to_unix (modified) * G_USEC_PER_SEC)
                  : g_strdup ("");
  /* Translators: a file's date and size, as in "12 Nov 2026, 10:04 · 3.2 MB" */
  subtitle = g_strdup_printf (_("%s · %s"), when, size);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_add_prefix (row, gtk_image_new_from_icon_name (
    g_str_has_suffix (name, ".labdata") ? "package-x-generic-symbolic" : "text-x-generic-symbolic"));

  show_button = gtk_button_new_from_icon_name ("folder-open-symbolic");
  open_label = g_strdup_printf (_("Show “%s” in Folder"), name);
  gtk_widget_set_tooltip_text (show_button, _("Show in Folder"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (show_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  open_label, -1);
  gtk_widget_set_valign (show_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (show_button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (show_button), "app.show-in-folder");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (show_button),
                                          g_variant_new_string (g_file_peek_path (file)));
  adw_action_row_add_suffix (row, show_button);

  delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  delete_label = g_strdup_printf (_("Delete “%s”"), name);
  gtk_widget_set_tooltip_text (delete_button, _("Delete"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delete_label, -1);
  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete_button, "flat");
  g_object_set_data_full (G_OBJECT (delete_button), "file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (row, delete_button);

  return GTK_WIDGET (row);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  GFileInfo *info_a = *(GFileInfo **) a;
  GFileInfo *info_b = *(GFileInfo **) b;
  guint64 time_a = g_file_info_get_attribute_uint64 (info_a, G_FILE_ATTRIBUTE_TIME_MODIFIED);
  guint64 time_b = g_file_info_get_attribute_uint64 (info_b, G_FILE_ATTRIBUTE_TIME_MODIFIED);

  if (time_a != time_b)
    return time_a > time_b ? -1 : 1;

  return g_strcmp0 (g_file_info_get_name (info_b), g_file_info_get_name (info_a));
}

typedef struct
{
  LabArchivesSection *self;
  GPtrArray *infos;
} Listing;

static void
listing_free (Listing *listing)
{
  g_clear_object (&listing->self);
  g_ptr_array_unref (listing->infos);
  g_free (listing);
}

static void
finish_listing (Listing *listing)
{
  LabArchivesSection *self = listing->self;
  g_autoptr(GFile) folder = get_folder (self);

  g_ptr_array_sort (listing->infos, compare_newest_first);
  clear_list (self);
  for (guint i = 0; i < listing->infos->len && i < MAX_FILES; i++)
    {
      gtk_list_box_append (self->list, make_row (self, folder, listing->infos->pdata[i]));
      self->n_files++;
    }
  self->loading = FALSE;
  listing_free (listing);
}

static void
next_files_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Listing *listing = user_data;
  GFileEnumerator *enumerator = G_FILE_ENUMERATOR (object);
  g_autoptr(GError) error = NULL;
  GList *infos;

  infos = g_file_enumerator_next_files_finish (enumerator, result, &error);
  if (error != NULL)
    {
      /* A cancelled listing was replaced by a newer one. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        listing_free (listing);
      else
        {
          g_debug ("Cannot list the archives: %s", error->message);
          finish_listing (listing);
        }
      return;
    }

  if (infos == NULL)
    {
      finish_listing (listing);
      return;
    }

  for (GList *l = infos; l != NULL; l = l->next)
    {
      GFileInfo *info = l->data;
      const char *name = g_file_info_get_name (info);

      /* Exports in progress are hidden files until they are complete. */
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && name[0] != '.')
        g_ptr_array_add (listing->infos, g_object_ref (info));
    }
  g_list_free_full (infos, g_object_unref);

  g_file_enumerator_next_files_async (enumerator, 64, G_PRIORITY_DEFAULT,
                                      listing->self->cancellable, next_files_cb, listing);
}

static void
enumerate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Listing *listing = user_data;
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GError) error = NULL;

  enumerator = g_file_enumerate_children_finish (G_FILE (object), result, &error);
  if (enumerator == NULL)
    {
      /* No archives/ folder yet: an empty list. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        listing_free (listing);
      else
        finish_listing (listing);
      return;
    }

  g_file_enumerator_next_files_async (enumerator, 64, G_PRIORITY_DEFAULT,
                                      listing->self->cancellable, next_files_cb, listing);
}

static gboolean
reload_timeout_cb (gpointer data)
{
  LabArchivesSection *self = data;

  self->reload_id = 0;
  lab_archives_section_reload (self);
  return G_SOURCE_REMOVE;
}

static void
folder_changed_cb (LabArchivesSection *self)
{
  /* An export renames one file; a burst of events makes one reload. */
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (250, reload_timeout_cb, self);
}

static void
start_monitor (LabArchivesSection *self)
{
  g_autoptr(GFile) folder = NULL;

  g_clear_object (&self->monitor);
  if (self->store == NULL)
    return;

  folder = get_folder (self);
  self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect_object (self->monitor, "changed", G_CALLBACK (folder_changed_cb), self,
                             G_CONNECT_SWAPPED);
}

static void
lab_archives_section_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (lab_archives_section_parent_class)->map (widget);

  /* Listed when seen, not when the page is built at start-up. */
  lab_archives_section_reload (LAB_ARCHIVES_SECTION (widget));
}

static void
lab_archives_section_dispose (GObject *object)
{
  LabArchivesSection *self = (LabArchivesSection *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ARCHIVES_SECTION);

  G_OBJECT_CLASS (lab_archives_section_parent_class)->dispose (object);
}

static void
lab_archives_section_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LabArchivesSection *self = LAB_ARCHIVES_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_archives_section_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LabArchivesSection *self = LAB_ARCHIVES_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_archives_section_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_archives_section_class_init (LabArchivesSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_archives_section_dispose;
  object_class->get_property = lab_archives_section_get_property;
  object_class->set_property = lab_archives_section_set_property;
  widget_class->map = lab_archives_section_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-archives-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LabArchivesSection, list);
}

static void
lab_archives_section_init (LabArchivesSection *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LabStore *
lab_archives_section_get_store (LabArchivesSection *self)
{
  g_return_val_if_fail (LAB_IS_ARCHIVES_SECTION (self), NULL);
  return self->store;
}

/**
 * lab_archives_section_set_store:
 * @store: (nullable): the opened store
 */
void
lab_archives_section_set_store (LabArchivesSection *self,
                                LabStore           *store)
{
  g_return_if_fail (LAB_IS_ARCHIVES_SECTION (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  clear_list (self);
  start_monitor (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    lab_archives_section_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_archives_section_reload:
 *
 * Lists the archives/ folder again (it follows the folder by itself).
 */
void
lab_archives_section_reload (LabArchivesSection *self)
{
  g_autoptr(GFile) folder = NULL;
  Listing *listing;

  g_return_if_fail (LAB_IS_ARCHIVES_SECTION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL)
    return;

  /* The folder may appear after the section started: follow it then. */
  if (self->monitor == NULL)
    start_monitor (self);

  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  listing = g_new0 (Listing, 1);
  listing->self = g_object_ref (self);
  listing->infos = g_ptr_array_new_with_free_func (g_object_unref);

  folder = get_folder (self);
  g_file_enumerate_children_async (folder,
                                   G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                   G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                   G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, G_PRIORITY_DEFAULT,
                                   self->cancellable, enumerate_cb, listing);
}

GtkWidget *
lab_archives_section_get_list (LabArchivesSection *self)
{
  g_return_val_if_fail (LAB_IS_ARCHIVES_SECTION (self), NULL);
  return GTK_WIDGET (self->list);
}

guint
lab_archives_section_get_n_files (LabArchivesSection *self)
{
  g_return_val_if_fail (LAB_IS_ARCHIVES_SECTION (self), 0);
  return self->n_files;
}

gboolean
lab_archives_section_get_loading (LabArchivesSection *self)
{
  g_return_val_if_fail (LAB_IS_ARCHIVES_SECTION (self), FALSE);
  return self->loading;
}
