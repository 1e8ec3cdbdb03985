/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void lab_file_manager_show_item (GtkWindow *parent,
                                 GFile     *file);

G_END_DECLS
