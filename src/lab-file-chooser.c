/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-file-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-file-chooser.h"

/* The one way widgets ask for a file or folder on GTK 4.8: a modal
 * GtkFileChooserNative over the widget's window, kept alive by the widget
 * (and gone with it) until the person answers. */

#define CHOOSER_KEY "lab-file-chooser"

static void
response_cb (GtkNativeDialog *chooser,
             int              response,
             GtkWidget       *widget)
{
  LabChosenFunc func = (LabChosenFunc) g_object_get_data (G_OBJECT (chooser), "func");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  g_object_ref (widget);
  if (g_object_get_data (G_OBJECT (widget), CHOOSER_KEY) == chooser)
    g_object_set_data (G_OBJECT (widget), CHOOSER_KEY, NULL);
  if (path != NULL)
    func (widget, path);
  g_object_unref (widget);
}

static void
chooser_free (gpointer data)
{
  gtk_native_dialog_destroy (data);
  g_object_unref (data);
}

/**
 * lab_file_chooser_run:
 * @widget: who asks; the chooser is modal over its window
 * @func: called with the chosen path
 *
 * Returns: (transfer none): the chooser, shown, for filters
 */
GtkFileChooser *
lab_file_chooser_run (GtkWidget            *widget,
                      const char           *title,
                      GtkFileChooserAction  action,
                      const char           *accept_label,
                      LabChosenFunc         func)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "func", (gpointer) func);
  g_signal_connect_object (chooser, "response", G_CALLBACK (response_cb), widget, 0);
  g_object_set_data_full (G_OBJECT (widget), CHOOSER_KEY, chooser, chooser_free);

  return GTK_FILE_CHOOSER (chooser);
}
