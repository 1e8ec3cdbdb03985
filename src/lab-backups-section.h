/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-progress.h"
#include "lab-scheduler.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_BACKUPS_SECTION (lab_backups_section_get_type ())

G_DECLARE_FINAL_TYPE (LabBackupsSection, lab_backups_section, LAB, BACKUPS_SECTION, GtkWidget)

LabStore         *lab_backups_section_get_store        (LabBackupsSection *self);
void              lab_backups_section_set_store        (LabBackupsSection *self,
                                                        LabStore          *store);
LabScheduler     *lab_backups_section_get_scheduler    (LabBackupsSection *self);
void              lab_backups_section_set_scheduler    (LabBackupsSection *self,
                                                        LabScheduler      *scheduler);
void              lab_backups_section_reload           (LabBackupsSection *self);
void              lab_backups_section_restore          (LabBackupsSection *self,
                                                        const char        *name);
GListModel       *lab_backups_section_get_backups      (LabBackupsSection *self);
gboolean          lab_backups_section_get_loading      (LabBackupsSection *self);
gboolean          lab_backups_section_get_busy         (LabBackupsSection *self);
gboolean          lab_backups_section_get_warning_visible (LabBackupsSection *self);
GtkWidget        *lab_backups_section_get_dialog       (LabBackupsSection *self);
GtkListBox       *lab_backups_section_get_list_box     (LabBackupsSection *self);

G_END_DECLS
