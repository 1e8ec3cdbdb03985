/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-store.h"

G_BEGIN_DECLS

void          lab_test_async_cb     (GObject       *object,
                                     GAsyncResult  *result,
                                     gpointer       user_data);
GAsyncResult *lab_test_wait_result  (GAsyncResult **result);
void          lab_test_wait_until   (gboolean     (*predicate) (gpointer data),
                                     gpointer       data);
void          lab_test_iterate_idle (void);
void          lab_test_drain_store  (LabStore      *store);
void          lab_test_finalize     (gpointer       object);
void          lab_test_record_changes (GListModel  *model,
                                       GString     *log);

G_END_DECLS
