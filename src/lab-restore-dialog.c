/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-restore-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-restore-dialog.h"

/*
 * The question asked before the whole store is replaced by a backup, from the
 * Data page's Health section or from the page shown when the database cannot
 * be opened: it names the backup's date and says what is lost. Its responses
 * are "cancel" and "restore".
 */

/**
 * lab_restore_dialog_new:
 * @parent: a widget of the window the dialog belongs to
 * @backup: the backup that would be restored
 *
 * Returns: (transfer floating): an #AdwMessageDialog, not yet shown
 */
GtkWidget *
lab_restore_dialog_new (GtkWidget     *parent,
                        LabBackupInfo *backup)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  g_autofree char *when = lab_format_date_time (lab_backup_info_get_created_at (backup));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Restore from Backup?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: the argument is a date and time */
                                  _("The data will be replaced by the newest good backup, "
                                    "made %s. Changes made since then are lost; the current "
                                    "state is backed up first."),
                                  when);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "lab-backup",
                          g_strdup (lab_backup_info_get_name (backup)), g_free);

  return dialog;
}

/**
 * lab_restore_dialog_get_backup:
 *
 * Returns: the name of the backup the dialog asks about
 */
const char *
lab_restore_dialog_get_backup (AdwMessageDialog *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "lab-backup");
}
