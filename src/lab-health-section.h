/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-health-monitor.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_HEALTH_SECTION (lab_health_section_get_type ())

G_DECLARE_FINAL_TYPE (LabHealthSection, lab_health_section, LAB, HEALTH_SECTION, GtkWidget)

LabStore         *lab_health_section_get_store         (LabHealthSection *self);
void              lab_health_section_set_store         (LabHealthSection *self,
                                                        LabStore         *store);
LabHealthMonitor *lab_health_section_get_monitor       (LabHealthSection *self);
AdwActionRow     *lab_health_section_get_status_row    (LabHealthSection *self);
GtkListBox       *lab_health_section_get_findings_list (LabHealthSection *self);
gboolean          lab_health_section_get_figures_ready (LabHealthSection *self);
void              lab_health_section_refresh           (LabHealthSection *self);

G_END_DECLS
