/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-browse.h"
#include "lab-data-dir.h"
#include "lab-demo.h"
#include "lab-progress.h"
#include "lab-search.h"
#include "lab-session-details.h"
#include "lab-store-info.h"

G_BEGIN_DECLS

#define LAB_TYPE_STORE (lab_store_get_type ())

G_DECLARE_FINAL_TYPE (LabStore, lab_store, LAB, STORE, GObject)

LabStore          *lab_store_new                     (LabDataDir              *dir);
LabDataDir        *lab_store_get_data_dir            (LabStore                *self);
void               lab_store_emit_changed            (LabStore                *self);

void               lab_store_open_async              (LabStore                *self,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean           lab_store_open_finish             (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void               lab_store_count_sessions_async    (LabStore                *self,
                                                      const LabSessionFilter  *filter,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gint64             lab_store_count_sessions_finish   (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_list_sessions_async     (LabStore                *self,
                                                      const LabSessionFilter  *filter,
                                                      guint                    offset,
                                                      guint                    limit,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
GPtrArray         *lab_store_list_sessions_finish    (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_session_position_async  (LabStore                *self,
                                                      const LabSessionFilter  *filter,
                                                      const char              *session_id,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gint64             lab_store_session_position_finish (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_get_session_async       (LabStore                *self,
                                                      const char              *id_or_prefix,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
LabSession        *lab_store_get_session_finish      (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_list_participants_async (LabStore                *self,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
char             **lab_store_list_participants_finish (LabStore               *self,
                                                       GAsyncResult           *result,
                                                       GError                **error);
void               lab_store_set_session_flag_async  (LabStore                *self,
                                                      const char              *session_id,
                                                      const char              *flag,
                                                      gboolean                 value,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean           lab_store_set_session_flag_finish (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void               lab_store_count_messages_async    (LabStore                *self,
                                                      const char              *session_id,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gint64             lab_store_count_messages_finish   (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_list_messages_async     (LabStore                *self,
                                                      const char              *session_id,
                                                      guint                    offset,
                                                      guint                    limit,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
GPtrArray         *lab_store_list_messages_finish    (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_message_position_async  (LabStore                *self,
                                                      const char              *session_id,
                                                      gint64                   sequence,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gint64             lab_store_message_position_finish (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_get_details_async       (LabStore                *self,
                                                      const char              *session_id,
                                                      guint                    limit,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
LabSessionDetails *lab_store_get_details_finish      (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void               lab_store_search_async            (LabStore                *self,
                                                      const LabSearchQuery    *query,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
LabSearchResults  *lab_store_search_finish           (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);

void               lab_store_collect_info_async      (LabStore                *self,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
LabStoreInfo      *lab_store_collect_info_finish     (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error);
void               lab_store_load_demo_async         (LabStore                *self,
                                                      const LabDemoOptions    *options,
                                                      LabProgress             *progress,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
gboolean           lab_store_load_demo_finish        (LabStore                *self,
                                                      GAsyncResult            *result,
                                                      LabDemoStats            *stats,
                                                      GError                 **error);

G_END_DECLS
