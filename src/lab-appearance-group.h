/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LAB_TYPE_APPEARANCE_GROUP (lab_appearance_group_get_type ())

G_DECLARE_FINAL_TYPE (LabAppearanceGroup, lab_appearance_group, LAB, APPEARANCE_GROUP,
                      AdwPreferencesGroup)

G_END_DECLS
