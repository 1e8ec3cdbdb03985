/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lab-application.h"
#include "lab-data-page.h"
#include "lab-error-page.h"
#include "lab-sessions-page.h"

G_BEGIN_DECLS

#define LAB_TYPE_WINDOW (lab_window_get_type ())

G_DECLARE_FINAL_TYPE (LabWindow, lab_window, LAB, WINDOW, AdwApplicationWindow)

LabWindow       *lab_window_new                (LabApplication *application);
void             lab_window_add_toast          (LabWindow      *self,
                                                AdwToast       *toast);
void             lab_window_show_view          (LabWindow      *self,
                                                const char     *name);
const char      *lab_window_get_visible_state  (LabWindow      *self);
LabSessionsPage *lab_window_get_sessions_page  (LabWindow      *self);
LabDataPage     *lab_window_get_data_page      (LabWindow      *self);
LabErrorPage    *lab_window_get_error_page     (LabWindow      *self);

G_END_DECLS
