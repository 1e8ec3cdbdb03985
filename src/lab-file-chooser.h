/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the path a person chose (never when they cancelled). */
typedef void (*LabChosenFunc) (GtkWidget  *widget,
                               const char *path);

GtkFileChooser *lab_file_chooser_run (GtkWidget            *widget,
                                      const char           *title,
                                      GtkFileChooserAction  action,
                                      const char           *accept_label,
                                      LabChosenFunc         func);

G_END_DECLS
