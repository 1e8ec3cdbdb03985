/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-application.h"
#include "lab-export-dialog.h"
#include "lab-import-dialog.h"
#include "lab-transcript.h"
#include "lab-window.h"

G_BEGIN_DECLS

void             lab_archive_actions_install_app       (LabApplication      *app);
void             lab_archive_actions_install_window    (LabWindow           *window);
void             lab_archive_actions_open_files        (LabApplication      *app,
                                                        GFile              **files,
                                                        int                  n_files);
LabExportDialog *lab_archive_actions_show_export       (LabWindow           *window);
LabImportDialog *lab_archive_actions_show_import       (LabApplication      *app,
                                                        GFile               *file);
LabImportDialog *lab_archive_actions_get_import_dialog (LabApplication      *app);
void             lab_archive_actions_export_transcript (LabWindow           *window,
                                                        const char          *session_id,
                                                        const char          *title,
                                                        LabTranscriptFormat  format,
                                                        const char          *dest);

G_END_DECLS
