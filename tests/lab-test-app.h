/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-application.h"
#include "lab-window.h"

G_BEGIN_DECLS

/* A step run inside the real application's main loop, once its window is up. */
typedef void (*LabTestAppFunc) (LabApplication *app,
                                LabWindow      *window,
                                gpointer        data);

void       lab_test_reset_settings  (void);
void       lab_test_run_app         (const char     *data_dir,
                                     LabTestAppFunc  func,
                                     gpointer        data);
GtkWidget *lab_test_find_descendant (GtkWidget      *widget,
                                     GType           type);

G_END_DECLS
