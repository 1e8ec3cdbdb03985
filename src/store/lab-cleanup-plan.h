/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lab-cleanup-item.h"

G_BEGIN_DECLS

#define LAB_TYPE_CLEANUP_PLAN (lab_cleanup_plan_get_type ())

G_DECLARE_FINAL_TYPE (LabCleanupPlan, lab_cleanup_plan, LAB, CLEANUP_PLAN, GObject)

LabCleanupPlan *lab_cleanup_plan_new                (gint64              now);
void            lab_cleanup_plan_set_policy         (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category,
                                                     int                 days,
                                                     gint64              cutoff);
void            lab_cleanup_plan_add                (LabCleanupPlan     *self,
                                                     LabCleanupItem     *item);
GListModel     *lab_cleanup_plan_get_items          (LabCleanupPlan     *self);
void            lab_cleanup_plan_set_included       (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category,
                                                     gboolean            included);
gboolean        lab_cleanup_plan_get_included       (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category);
gint64          lab_cleanup_plan_get_now            (LabCleanupPlan     *self);
int             lab_cleanup_plan_get_days           (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category);
gint64          lab_cleanup_plan_get_cutoff         (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category);
guint           lab_cleanup_plan_get_category_count (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category);
guint64         lab_cleanup_plan_get_category_bytes (LabCleanupPlan     *self,
                                                     LabCleanupCategory  category);
guint           lab_cleanup_plan_get_n_included     (LabCleanupPlan     *self);
guint64         lab_cleanup_plan_get_total_bytes    (LabCleanupPlan     *self);
gboolean        lab_cleanup_plan_is_empty           (LabCleanupPlan     *self);
JsonNode       *lab_cleanup_plan_to_json            (LabCleanupPlan     *self);

G_END_DECLS
