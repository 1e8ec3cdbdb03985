/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-backup-info.h"

G_BEGIN_DECLS

GtkWidget  *lab_restore_dialog_new        (GtkWidget        *parent,
                                           LabBackupInfo    *backup);
const char *lab_restore_dialog_get_backup (AdwMessageDialog *dialog);

G_END_DECLS
