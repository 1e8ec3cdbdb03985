/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-data-dir.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabClockFunc:
 * @user_data: the data given with the function
 *
 * Returns: the wall-clock time, in µs since the epoch
 */
typedef gint64 (*LabClockFunc) (gpointer user_data);

#define LAB_TYPE_SCHEDULER (lab_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (LabScheduler, lab_scheduler, LAB, SCHEDULER, GObject)

LabScheduler *lab_scheduler_new                (LabDataDir     *dir);
LabDataDir   *lab_scheduler_get_data_dir       (LabScheduler   *self);
void          lab_scheduler_set_clock          (LabScheduler   *self,
                                                LabClockFunc    func,
                                                gpointer        user_data,
                                                GDestroyNotify  destroy);
void          lab_scheduler_set_check_interval (LabScheduler   *self,
                                                guint           msec);
void          lab_scheduler_set_catch_up_delay (LabScheduler   *self,
                                                gint64          usec);
void          lab_scheduler_start              (LabScheduler   *self);
void          lab_scheduler_stop               (LabScheduler   *self);
void          lab_scheduler_check              (LabScheduler   *self);
LabProgress  *lab_scheduler_get_progress       (LabScheduler   *self);
gboolean      lab_scheduler_get_running        (LabScheduler   *self);
gint64        lab_scheduler_get_next_run       (LabScheduler   *self);
gint64        lab_scheduler_get_last_run       (LabScheduler   *self);
const char   *lab_scheduler_get_last_result    (LabScheduler   *self);
const char   *lab_scheduler_get_last_backup    (LabScheduler   *self);
const char   *lab_scheduler_get_last_skip_reason (LabScheduler *self);
const char   *lab_scheduler_get_last_error     (LabScheduler   *self);

G_END_DECLS
