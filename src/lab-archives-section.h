/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_ARCHIVES_SECTION (lab_archives_section_get_type ())

G_DECLARE_FINAL_TYPE (LabArchivesSection, lab_archives_section, LAB, ARCHIVES_SECTION,
                      AdwPreferencesGroup)

LabStore  *lab_archives_section_get_store   (LabArchivesSection *self);
void       lab_archives_section_set_store   (LabArchivesSection *self,
                                             LabStore           *store);
GtkWidget *lab_archives_section_get_list    (LabArchivesSection *self);
guint      lab_archives_section_get_n_files (LabArchivesSection *self);
gboolean   lab_archives_section_get_loading (LabArchivesSection *self);
void       lab_archives_section_reload      (LabArchivesSection *self);

G_END_DECLS
