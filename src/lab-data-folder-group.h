/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_DATA_FOLDER_GROUP (lab_data_folder_group_get_type ())

G_DECLARE_FINAL_TYPE (LabDataFolderGroup, lab_data_folder_group, LAB, DATA_FOLDER_GROUP, AdwPreferencesGroup)

void     lab_data_folder_group_move_to    (LabDataFolderGroup *self,
                                           const char         *folder);
gboolean lab_data_folder_group_is_moving  (LabDataFolderGroup *self);

G_END_DECLS
