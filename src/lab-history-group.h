/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_HISTORY_GROUP (lab_history_group_get_type ())

G_DECLARE_FINAL_TYPE (LabHistoryGroup, lab_history_group, LAB, HISTORY_GROUP,
                      AdwPreferencesGroup)

G_END_DECLS
