/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-chat-view.h"
#include "lab-search-model.h"
#include "lab-session-model.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSIONS_PAGE (lab_sessions_page_get_type ())

G_DECLARE_FINAL_TYPE (LabSessionsPage, lab_sessions_page, LAB, SESSIONS_PAGE, GtkWidget)

LabStore        *lab_sessions_page_get_store               (LabSessionsPage *self);
void             lab_sessions_page_set_store               (LabSessionsPage *self,
                                                            LabStore        *store);
LabSession      *lab_sessions_page_get_session             (LabSessionsPage *self);
gboolean         lab_sessions_page_get_search_mode         (LabSessionsPage *self);
void             lab_sessions_page_set_search_mode         (LabSessionsPage *self,
                                                            gboolean         search_mode);
void             lab_sessions_page_set_key_capture_widget  (LabSessionsPage *self,
                                                            GtkWidget       *widget);
void             lab_sessions_page_set_demo_progress       (LabSessionsPage *self,
                                                            LabProgress     *progress);
void             lab_sessions_page_open_session            (LabSessionsPage *self,
                                                            const char      *session_id,
                                                            gint64           sequence);
void             lab_sessions_page_set_flag                (LabSessionsPage *self,
                                                            const char      *session_id,
                                                            const char      *flag,
                                                            gboolean         value);
void             lab_sessions_page_toggle_flag             (LabSessionsPage *self,
                                                            const char      *flag);
void             lab_sessions_page_toggle_details          (LabSessionsPage *self);
void             lab_sessions_page_reload                  (LabSessionsPage *self);

/* For the tests and the benchmark, which drive the real page. */
LabSessionModel *lab_sessions_page_get_session_model       (LabSessionsPage *self);
LabSearchModel  *lab_sessions_page_get_search_model        (LabSessionsPage *self);
LabChatView     *lab_sessions_page_get_chat_view           (LabSessionsPage *self);
GtkWidget       *lab_sessions_page_get_session_list        (LabSessionsPage *self);
GtkWidget       *lab_sessions_page_get_search_list         (LabSessionsPage *self);
GtkWidget       *lab_sessions_page_get_search_entry        (LabSessionsPage *self);
const char      *lab_sessions_page_get_visible_state       (LabSessionsPage *self);
gint64           lab_sessions_page_get_search_started      (LabSessionsPage *self);

G_END_DECLS
