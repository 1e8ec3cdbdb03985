/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-check-finding.h"
#include "lab-check-report.h"
#include "lab-data-dir.h"
#include "lab-progress.h"

G_BEGIN_DECLS

LabCheckReport *lab_check_run           (LabDataDir          *dir,
                                         LabCheckLevel        level,
                                         LabProgressFunc      progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GError             **error);
void            lab_check_run_async     (LabDataDir          *dir,
                                         LabCheckLevel        level,
                                         LabProgress         *progress,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
LabCheckReport *lab_check_run_finish    (LabDataDir          *dir,
                                         GAsyncResult        *result,
                                         GError             **error);

LabCheckReport *lab_check_repair        (LabDataDir          *dir,
                                         LabCheckReport      *report,
                                         GPtrArray           *findings,
                                         LabProgressFunc      progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GError             **error);
void            lab_check_repair_async  (LabDataDir          *dir,
                                         LabCheckReport      *report,
                                         GPtrArray           *findings,
                                         LabProgress         *progress,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
LabCheckReport *lab_check_repair_finish (LabDataDir          *dir,
                                         GAsyncResult        *result,
                                         GError             **error);

LabCheckReport *lab_check_load_last     (LabDataDir          *dir,
                                         LabCheckLevel        level,
                                         GError             **error);
char           *lab_check_get_result_path (LabDataDir        *dir);

G_END_DECLS
