/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-store.h"
#include "lab-usage-chart.h"

G_BEGIN_DECLS

#define LAB_TYPE_USAGE_SECTION (lab_usage_section_get_type ())

G_DECLARE_FINAL_TYPE (LabUsageSection, lab_usage_section, LAB, USAGE_SECTION, GtkWidget)

LabStore      *lab_usage_section_get_store     (LabUsageSection *self);
void           lab_usage_section_set_store     (LabUsageSection *self,
                                                LabStore        *store);
LabUsageChart *lab_usage_section_get_chart     (LabUsageSection *self);
gboolean       lab_usage_section_get_computing (LabUsageSection *self);
void           lab_usage_section_refresh       (LabUsageSection *self);

G_END_DECLS
