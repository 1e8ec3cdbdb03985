/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-backup-info.h"
#include "lab-check.h"
#include "lab-progress.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_HEALTH_MONITOR (lab_health_monitor_get_type ())

G_DECLARE_FINAL_TYPE (LabHealthMonitor, lab_health_monitor, LAB, HEALTH_MONITOR, GObject)

LabHealthMonitor *lab_health_monitor_get_for_store  (LabStore          *store);
LabStore         *lab_health_monitor_get_store      (LabHealthMonitor  *self);
LabCheckReport   *lab_health_monitor_get_report     (LabHealthMonitor  *self);
LabProgress      *lab_health_monitor_get_progress   (LabHealthMonitor  *self);
const char       *lab_health_monitor_get_operation  (LabHealthMonitor  *self);
gboolean          lab_health_monitor_get_busy       (LabHealthMonitor  *self);
void              lab_health_monitor_check          (LabHealthMonitor  *self,
                                                     LabCheckLevel      level);
void              lab_health_monitor_start_up_check (LabStore          *store);
void              lab_health_monitor_repair         (LabHealthMonitor  *self,
                                                     LabCheckFinding   *finding);
void              lab_health_monitor_restore        (LabHealthMonitor  *self,
                                                     const char        *backup);
void              lab_health_monitor_compact        (LabHealthMonitor  *self);
void              lab_health_monitor_cancel         (LabHealthMonitor  *self);

void              lab_health_monitor_find_last_backup_async  (LabHealthMonitor     *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
LabBackupInfo    *lab_health_monitor_find_last_backup_finish (LabHealthMonitor     *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

G_END_DECLS
