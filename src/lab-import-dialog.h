/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-import.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_IMPORT_DIALOG (lab_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabImportDialog, lab_import_dialog, LAB, IMPORT_DIALOG, AdwWindow)

LabImportDialog  *lab_import_dialog_new                    (GtkWindow             *parent,
                                                           LabStore              *store,
                                                           GFile                 *file);
GFile            *lab_import_dialog_get_file               (LabImportDialog       *self);
const char       *lab_import_dialog_get_state              (LabImportDialog       *self);
const char       *lab_import_dialog_get_error              (LabImportDialog       *self);
LabImportPreview *lab_import_dialog_get_preview            (LabImportDialog       *self);
LabImportResult  *lab_import_dialog_get_result             (LabImportDialog       *self);
LabImportPolicy   lab_import_dialog_get_policy             (LabImportDialog       *self);
void              lab_import_dialog_set_policy             (LabImportDialog       *self,
                                                           LabImportPolicy        policy);
guint             lab_import_dialog_get_n_listed_conflicts (LabImportDialog       *self);
void              lab_import_dialog_import                 (LabImportDialog       *self);
char             *lab_import_dialog_describe_result        (const LabImportResult *result);

G_END_DECLS
