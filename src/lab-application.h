/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-progress.h"
#include "lab-scheduler.h"
#include "lab-store.h"

G_BEGIN_DECLS

/* The GSettings schema keeps this id in development builds too. */
#define LAB_SETTINGS_SCHEMA "com.example.LabData"

#define LAB_TYPE_APPLICATION (lab_application_get_type ())

G_DECLARE_FINAL_TYPE (LabApplication, lab_application, LAB, APPLICATION, AdwApplication)

LabApplication *lab_application_new               (void);
void            lab_application_set_data_dir      (LabApplication *self,
                                                   const char     *path);
const char     *lab_application_get_data_dir      (LabApplication *self);
LabStore       *lab_application_get_store         (LabApplication *self);
const char     *lab_application_get_error_message (LabApplication *self);
LabProgress    *lab_application_get_demo_progress (LabApplication *self);
void            lab_application_open_store        (LabApplication *self);
LabDataDir     *lab_application_get_dir           (LabApplication *self);
void            lab_application_switch_data_dir   (LabApplication *self,
                                                   LabDataDir     *dir);
LabScheduler   *lab_application_get_scheduler     (LabApplication *self);
guint           lab_application_get_n_notifications (LabApplication *self,
                                                     const char    **title);

G_END_DECLS
