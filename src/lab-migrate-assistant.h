/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-application.h"
#include "lab-migration-report.h"

G_BEGIN_DECLS

#define LAB_TYPE_MIGRATE_ASSISTANT (lab_migrate_assistant_get_type ())

G_DECLARE_FINAL_TYPE (LabMigrateAssistant, lab_migrate_assistant, LAB, MIGRATE_ASSISTANT, AdwWindow)

LabMigrateAssistant *lab_migrate_assistant_new               (LabApplication      *app,
                                                              const char * const  *paths,
                                                              GPtrArray           *sources);
const char          *lab_migrate_assistant_get_page          (LabMigrateAssistant *self);
GtkListBox          *lab_migrate_assistant_get_source_list   (LabMigrateAssistant *self);
GtkListBox          *lab_migrate_assistant_get_plan_list     (LabMigrateAssistant *self);
GtkListBox          *lab_migrate_assistant_get_issue_list    (LabMigrateAssistant *self);
GtkListBox          *lab_migrate_assistant_get_result_list   (LabMigrateAssistant *self);
guint                lab_migrate_assistant_get_n_sources     (LabMigrateAssistant *self);
void                 lab_migrate_assistant_set_included      (LabMigrateAssistant *self,
                                                              guint                index,
                                                              gboolean             included);
LabMigrationReport  *lab_migrate_assistant_get_report        (LabMigrateAssistant *self);

G_END_DECLS
