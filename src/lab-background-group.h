/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_BACKGROUND_GROUP (lab_background_group_get_type ())

G_DECLARE_FINAL_TYPE (LabBackgroundGroup, lab_background_group, LAB, BACKGROUND_GROUP,
                      AdwPreferencesGroup)

char     *lab_background_get_autostart_path (void);
gboolean  lab_background_set_autostart      (gboolean   enabled,
                                             GError   **error);

G_END_DECLS
