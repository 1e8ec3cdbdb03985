/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-paged-model.h"

G_BEGIN_DECLS

#define LAB_TYPE_MESSAGE_MODEL (lab_message_model_get_type ())

G_DECLARE_FINAL_TYPE (LabMessageModel, lab_message_model, LAB, MESSAGE_MODEL, LabPagedModel)

LabMessageModel *lab_message_model_new            (LabStore        *store,
                                                   const char      *session_id);
const char      *lab_message_model_get_session_id (LabMessageModel *self);

G_END_DECLS
