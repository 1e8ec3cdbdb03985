/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-file-manager"

#include "config.h"

#include "lab-file-manager.h"

/* "Show in Folder": the file manager's D-Bus interface selects the file in
 * its folder; without a file manager that has it, the folder opens with
 * whatever handles folders. */

typedef struct
{
  GtkWindow *parent;
  GFile *file;
} ShowItem;

static void
show_item_free (ShowItem *show)
{
  g_clear_object (&show->parent);
  g_clear_object (&show->file);
  g_free (show);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShowItem, show_item_free)

static void
open_folder (GtkWindow *parent,
             GFile     *file)
{
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *uri = NULL;

  if (folder == NULL)
    return;

  uri = g_file_get_uri (folder);
  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

static void
show_items_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ShowItem) show = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_debug ("No file manager to show %s in: %s", g_file_peek_path (show->file),
               error->message);
      open_folder (show->parent, show->file);
    }
}

/**
 * lab_file_manager_show_item:
 * @parent: (nullable): the window asking
 * @file: the file to show
 *
 * Shows @file selected in its folder (org.freedesktop.FileManager1
 * ShowItems), or opens its folder if no file manager answers.
 */
void
lab_file_manager_show_item (GtkWindow *parent,
                            GFile     *file)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *uri = NULL;
  ShowItem *show;
  const char *uris[2] = { NULL, NULL };

  g_return_if_fail (!parent || GTK_IS_WINDOW (parent));
  g_return_if_fail (G_IS_FILE (file));

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    {
      open_folder (parent, file);
      return;
    }

  uri = g_file_get_uri (file);
  uris[0] = uri;
  show = g_new0 (ShowItem, 1);
  show->parent = parent ? g_object_ref (parent) : NULL;
  show->file = g_object_ref (file);
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, show_items_cb, show);
}
