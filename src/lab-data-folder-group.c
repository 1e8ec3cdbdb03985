/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-data-folder-group"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-data-dir-move.h"
#include "lab-data-folder-group.h"
#include "lab-file-chooser.h"
#include "lab-window.h"

/**
 * LabDataFolderGroup:
 *
 * Preferences: the data folder in use, where that choice comes from, and
 * Move…: choose a folder, confirm with the size to copy and the room there,
 * copy and verify with progress and Cancel (lab_data_dir_move()), switch the
 * running application to the new place, then ask whether to remove the old
 * copy. The location file ($XDG_CONFIG_HOME/labdata/location) is the one
 * record of the choice, read by the CLI too; no GSettings key mirrors it.
 * When --data-dir or $LABDATA_DIR chooses the folder, Move… says why it is
 * unavailable.
 */
struct _LabDataFolderGroup
{
  AdwPreferencesGroup parent_instance;

  GCancellable *cancellable;
  LabProgress *progress;
  GBinding *fraction_binding;
  gboolean moving;

  AdwActionRow *location_row;
  GtkButton *move_button;
  AdwActionRow *override_row;
  AdwActionRow *progress_row;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (LabDataFolderGroup, lab_data_folder_group, ADW_TYPE_PREFERENCES_GROUP)

/* What a move needs after the group may be gone (its window closed). */
typedef struct
{
  LabApplication *app;
  GWeakRef group;
  char *old_root;
  char *new_root;
} MoveData;

static void
move_data_free (MoveData *data)
{
  g_clear_object (&data->app);
  g_weak_ref_clear (&data->group);
  g_free (data->old_root);
  g_free (data->new_root);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MoveData, move_data_free)

static MoveData *
move_data_new (LabDataFolderGroup *self,
               LabApplication     *app)
{
  MoveData *data = g_new0 (MoveData, 1);

  data->app = g_object_ref (app);
  g_weak_ref_init (&data->group, self);
  data->old_root = g_strdup (lab_data_dir_get_root (lab_application_get_dir (app)));

  return data;
}

static LabApplication *
get_application (void)
{
  GApplication *app = g_application_get_default ();

  return LAB_IS_APPLICATION (app) ? LAB_APPLICATION (app) : NULL;
}

static void
toast (LabApplication *app,
       const char     *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (ADW_IS_PREFERENCES_WINDOW (window))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (message));
  else if (LAB_IS_WINDOW (window))
    lab_window_add_toast (LAB_WINDOW (window), adw_toast_new (message));
}

static void
update (LabDataFolderGroup *self)
{
  LabApplication *app = get_application ();
  LabDataDir *dir;
  g_autofree char *location_file = lab_data_dir_get_location_file ();
  g_autofree char *subtitle = NULL;
  const char *origin = NULL;
  const char *unavailable = NULL;

  if (app == NULL)
    return;

  dir = lab_application_get_dir (app);
  switch (lab_data_dir_get_origin (dir))
    {
    case LAB_DATA_DIR_ORIGIN_EXPLICIT:
      origin = _("Chosen with --data-dir when LabData was started");
      unavailable = _("LabData was started with --data-dir, which chooses the folder for this "
                      "run only. Start it without --data-dir to move the data folder.");
      break;
    case LAB_DATA_DIR_ORIGIN_ENV:
      origin = _("Chosen by the LABDATA_DIR environment variable");
      unavailable = _("The LABDATA_DIR environment variable chooses the folder and would "
                      "still point to the old place after a move. Unset it to move the data "
                      "folder.");
      break;
    case LAB_DATA_DIR_ORIGIN_LOCATION_FILE:
      origin = _("Moved here; recorded in the location file");
      break;
    case LAB_DATA_DIR_ORIGIN_DEFAULT:
    default:
      origin = _("The usual place");
      break;
    }

  if (lab_data_dir_get_origin (dir) == LAB_DATA_DIR_ORIGIN_LOCATION_FILE)
    subtitle = g_strdup_printf ("%s\n%s (%s)", lab_data_dir_get_root (dir), origin,
                                location_file);
  else
    subtitle = g_strdup_printf ("%s\n%s", lab_data_dir_get_root (dir), origin);
  adw_action_row_set_subtitle (self->location_row, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (self->override_row), unavailable != NULL);
  if (unavailable != NULL)
    adw_action_row_set_subtitle (self->override_row, unavailable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->move_button), unavailable == NULL && !self->moving);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->move_button), unavailable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_row), self->moving);
}

static void
set_moving (LabDataFolderGroup *self,
            gboolean            moving)
{
  self->moving = moving;
  update (self);
}

/* After the move: remove the old copy? */

static void
remove_old_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MoveData) data = user_data;
  g_autoptr(GError) error = NULL;

  g_application_release (G_APPLICATION (data->app));
  if (!lab_data_dir_remove_old_finish (result, &error))
    {
      toast (data->app, error->message);
      return;
    }

  toast (data->app, _("The old copy was removed"));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  MoveData *data = user_data;
  MoveData *copy;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  copy = g_new0 (MoveData, 1);
  copy->app = g_object_ref (data->app);
  g_weak_ref_init (&copy->group, NULL);
  copy->old_root = g_strdup (data->old_root);
  g_application_hold (G_APPLICATION (copy->app));
  lab_data_dir_remove_old_async (lab_application_get_dir (copy->app), copy->old_root, NULL,
                                 remove_old_cb, copy);
}

static void
ask_remove_old (MoveData *data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data->app));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("LabData now uses “%s”. The old copy in “%s” is no longer used. "
                            "Remove it to free its space, or keep it as a spare copy."),
                          data->new_root, data->old_root);
  dialog = adw_message_dialog_new (window, _("Remove the Old Copy?"), body);
  gtk_widget_set_name (dialog, "remove-old-confirmation");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep It"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb), data,
                         (GClosureNotify) (void (*) (void)) move_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The move */

static void
move_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MoveData) data = user_data;
  g_autoptr(LabDataFolderGroup) self = g_weak_ref_get (&data->group);
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataDir) moved = NULL;
  g_autoptr(LabDataDir) resolved = NULL;
  g_auto(LabMoveResult) move_result = { 0 };

  g_application_release (G_APPLICATION (data->app));
  moved = lab_data_dir_move_finish (result, &move_result, &error);
  if (self != NULL)
    {
      g_clear_pointer (&self->fraction_binding, g_binding_unbind);
      set_moving (self, FALSE);
    }

  if (moved == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (data->app, _("The move was cancelled; the data folder stays where it was"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("Could not move the data folder: %s"),
                                                      error->message);

          toast (data->app, message);
        }
      return;
    }

  /* Resolved as the CLI resolves it, so that the origin shows right. */
  resolved = lab_data_dir_resolve (NULL);
  if (g_strcmp0 (lab_data_dir_get_root (resolved), lab_data_dir_get_root (moved)) == 0)
    lab_application_switch_data_dir (data->app, resolved);
  else
    lab_application_switch_data_dir (data->app, moved);

  g_free (data->new_root);
  data->new_root = g_strdup (lab_data_dir_get_root (moved));

  for (guint i = 0; move_result.warnings != NULL && i < move_result.warnings->len; i++)
    toast (data->app, g_ptr_array_index (move_result.warnings, i));

  ask_remove_old (g_steal_pointer (&data));
}

static void
move_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  LabDataFolderGroup *self = user_data;
  LabApplication *app = get_application ();
  const char *new_root = g_object_get_data (G_OBJECT (dialog), "new-root");
  MoveData *data;

  if (g_strcmp0 (response, "move") != 0 || app == NULL || self->moving)
    return;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->progress);
  self->cancellable = g_cancellable_new ();
  self->progress = lab_progress_new ();
  g_clear_pointer (&self->fraction_binding, g_binding_unbind);
  self->fraction_binding = g_object_bind_property (self->progress, "fraction",
                                                   self->progress_bar, "fraction",
                                                   G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->progress, "message", self->progress_row, "subtitle",
                          G_BINDING_SYNC_CREATE);
  set_moving (self, TRUE);

  data = move_data_new (self, app);
  data->new_root = g_strdup (new_root);
  g_application_hold (G_APPLICATION (app));
  lab_data_dir_move_async (lab_application_get_dir (app), new_root, LAB_MOVE_FLAGS_NONE,
                           self->progress, self->cancellable, move_cb, data);
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LabDataFolderGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LabMovePlan) plan = lab_data_dir_move_plan_finish (result, &error);
  LabApplication *app = get_application ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *size = NULL;
  g_autofree char *free_space = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  gtk_widget_set_sensitive (GTK_WIDGET (self->move_button), !self->moving);
  if (app == NULL)
    return;
  if (plan == NULL)
    {
      toast (app, error->message);
      return;
    }

  size = g_format_size (plan->size);
  free_space = g_format_size (plan->free_space);
  body = g_strdup_printf (_("Everything in “%s” (%s) is copied to “%s”, where %s is free. "
                            "The copy is verified before LabData and the command-line tool "
                            "switch to it; the old copy stays until you choose to remove it."),
                          lab_data_dir_get_root (lab_application_get_dir (app)), size,
                          plan->new_root, free_space);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Move the Data Folder?"), body);
  gtk_widget_set_name (dialog, "move-confirmation");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "move", _("_Move"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "move");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "new-root", g_strdup (plan->new_root), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (move_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chosen_cb (GtkWidget  *widget,
           const char *path)
{
  lab_data_folder_group_move_to (LAB_DATA_FOLDER_GROUP (widget), path);
}

static void
move_clicked_cb (LabDataFolderGroup *self)
{
  GtkFileChooser *chooser;

  chooser = lab_file_chooser_run (GTK_WIDGET (self), _("Move the Data Folder To"),
                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), chosen_cb);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cancel_clicked_cb (LabDataFolderGroup *self)
{
  g_cancellable_cancel (self->cancellable);
}

static void
lab_data_folder_group_dispose (GObject *object)
{
  LabDataFolderGroup *self = (LabDataFolderGroup *) object;

  /* A move keeps going when the preferences close: it finishes or is
   * cancelled from nowhere else, and the application switches either way. */
  g_clear_pointer (&self->fraction_binding, g_binding_unbind);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DATA_FOLDER_GROUP);
  g_clear_object (&self->progress);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lab_data_folder_group_parent_class)->dispose (object);
}

static void
lab_data_folder_group_class_init (LabDataFolderGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_data_folder_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-data-folder-group.ui");
  gtk_widget_class_bind_template_child (widget_class, LabDataFolderGroup, location_row);
  gtk_widget_class_bind_template_child (widget_class, LabDataFolderGroup, move_button);
  gtk_widget_class_bind_template_child (widget_class, LabDataFolderGroup, override_row);
  gtk_widget_class_bind_template_child (widget_class, LabDataFolderGroup, progress_row);
  gtk_widget_class_bind_template_child (widget_class, LabDataFolderGroup, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, move_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
}

static void
lab_data_folder_group_init (LabDataFolderGroup *self)
{
  LabApplication *app = get_application ();

  gtk_widget_init_template (GTK_WIDGET (self));

  if (app != NULL)
    g_signal_connect_object (app, "notify::data-dir", G_CALLBACK (update), self,
                             G_CONNECT_SWAPPED);
  update (self);
}

/**
 * lab_data_folder_group_move_to:
 * @folder: the folder chosen
 *
 * What choosing @folder in Move…'s file chooser does: measure, then ask.
 */
void
lab_data_folder_group_move_to (LabDataFolderGroup *self,
                               const char         *folder)
{
  LabApplication *app = get_application ();

  g_return_if_fail (LAB_IS_DATA_FOLDER_GROUP (self));
  g_return_if_fail (folder != NULL);

  if (app == NULL || self->moving)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->move_button), FALSE);
  lab_data_dir_move_plan_async (lab_application_get_dir (app), folder, NULL, plan_cb,
                                g_object_ref (self));
}

/**
 * lab_data_folder_group_is_moving:
 *
 * Returns: whether a move is under way
 */
gboolean
lab_data_folder_group_is_moving (LabDataFolderGroup *self)
{
  g_return_val_if_fail (LAB_IS_DATA_FOLDER_GROUP (self), FALSE);
  return self->moving;
}
