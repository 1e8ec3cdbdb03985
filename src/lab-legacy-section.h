/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_LEGACY_SECTION (lab_legacy_section_get_type ())

G_DECLARE_FINAL_TYPE (LabLegacySection, lab_legacy_section, LAB, LEGACY_SECTION, AdwPreferencesGroup)

LabStore *lab_legacy_section_get_store (LabLegacySection *self);
void      lab_legacy_section_set_store (LabLegacySection *self,
                                        LabStore         *store);

G_END_DECLS
