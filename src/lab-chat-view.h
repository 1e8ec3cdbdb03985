/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lab-message-model.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_CHAT_VIEW (lab_chat_view_get_type ())

G_DECLARE_FINAL_TYPE (LabChatView, lab_chat_view, LAB, CHAT_VIEW, GtkWidget)

LabStore        *lab_chat_view_get_store              (LabChatView *self);
void             lab_chat_view_set_store              (LabChatView *self,
                                                       LabStore    *store);
const char      *lab_chat_view_get_session_id         (LabChatView *self);
void             lab_chat_view_set_session_id         (LabChatView *self,
                                                       const char  *session_id);
LabMessageModel *lab_chat_view_get_model              (LabChatView *self);
void             lab_chat_view_show_message           (LabChatView *self,
                                                       gint64       sequence);
gint64           lab_chat_view_get_highlighted        (LabChatView *self);
GtkWidget       *lab_chat_view_get_row_for_position   (LabChatView *self,
                                                       guint        position);

G_END_DECLS
