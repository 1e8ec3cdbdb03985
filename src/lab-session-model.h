/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-paged-model.h"

G_BEGIN_DECLS

#define LAB_TYPE_SESSION_MODEL (lab_session_model_get_type ())

G_DECLARE_FINAL_TYPE (LabSessionModel, lab_session_model, LAB, SESSION_MODEL, LabPagedModel)

LabSessionModel        *lab_session_model_new                (LabStore               *store,
                                                              const LabSessionFilter *filter);
const LabSessionFilter *lab_session_model_get_filter         (LabSessionModel        *self);
void                    lab_session_model_set_filter         (LabSessionModel        *self,
                                                              const LabSessionFilter *filter);
gboolean                lab_session_model_find               (LabSessionModel        *self,
                                                              const char             *session_id,
                                                              guint                  *position);
void                    lab_session_model_locate_async       (LabSessionModel        *self,
                                                              const char             *session_id,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
gint64                  lab_session_model_locate_finish      (LabSessionModel        *self,
                                                              GAsyncResult           *result,
                                                              GError                **error);

G_END_DECLS
