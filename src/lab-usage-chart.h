/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-usage.h"

G_BEGIN_DECLS

#define LAB_TYPE_USAGE_CHART (lab_usage_chart_get_type ())

G_DECLARE_FINAL_TYPE (LabUsageChart, lab_usage_chart, LAB, USAGE_CHART, GtkWidget)

GtkWidget  *lab_usage_chart_new             (void);
LabUsage   *lab_usage_chart_get_usage       (LabUsageChart *self);
void        lab_usage_chart_set_usage       (LabUsageChart *self,
                                             LabUsage      *usage);
const char *lab_usage_chart_get_description (LabUsageChart *self);
void        lab_usage_chart_get_color       (LabUsageCategory category,
                                             GdkRGBA        *color);

G_END_DECLS
