/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-store.h"

G_BEGIN_DECLS

/**
 * LabExportScope:
 * @LAB_EXPORT_SCOPE_ALL: every session, and the rows of no session
 * @LAB_EXPORT_SCOPE_SESSIONS: the sessions given with
 *   lab_export_dialog_set_sessions()
 * @LAB_EXPORT_SCOPE_SEARCH: the sessions the current search finds
 * @LAB_EXPORT_SCOPE_FILTER: a date range, participant and status chosen in the dialog
 */
typedef enum
{
  LAB_EXPORT_SCOPE_ALL,
  LAB_EXPORT_SCOPE_SESSIONS,
  LAB_EXPORT_SCOPE_SEARCH,
  LAB_EXPORT_SCOPE_FILTER,
} LabExportScope;

#define LAB_TYPE_EXPORT_DIALOG (lab_export_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LabExportDialog, lab_export_dialog, LAB, EXPORT_DIALOG, AdwWindow)

LabExportDialog *lab_export_dialog_new             (GtkWindow          *parent,
                                                    LabStore           *store);
void             lab_export_dialog_set_sessions    (LabExportDialog    *self,
                                                    const char * const *ids,
                                                    const char         *title);
void             lab_export_dialog_set_search_text (LabExportDialog    *self,
                                                    const char         *text);
void             lab_export_dialog_set_scope       (LabExportDialog    *self,
                                                    LabExportScope      scope);
LabExportScope   lab_export_dialog_get_scope       (LabExportDialog    *self);
void             lab_export_dialog_set_destination (LabExportDialog    *self,
                                                    const char         *path);
gint64           lab_export_dialog_get_count       (LabExportDialog    *self);
const char      *lab_export_dialog_get_error       (LabExportDialog    *self);
gboolean         lab_export_dialog_get_running     (LabExportDialog    *self);
const char      *lab_export_dialog_get_result_path (LabExportDialog    *self);
void             lab_export_dialog_export          (LabExportDialog    *self);

G_END_DECLS
