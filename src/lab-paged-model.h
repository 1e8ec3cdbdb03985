/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-lazy-item.h"
#include "lab-store.h"

G_BEGIN_DECLS

#define LAB_TYPE_PAGED_MODEL (lab_paged_model_get_type ())

G_DECLARE_DERIVABLE_TYPE (LabPagedModel, lab_paged_model, LAB, PAGED_MODEL, GObject)

/**
 * LabPagedModelClass:
 * @count_async: starts counting the rows
 * @count_finish: the number of rows, or -1 with an error
 * @fetch_async: starts reading @limit rows from @offset
 * @fetch_finish: (transfer full) (element-type GObject): the rows
 *
 * A subclass says how to count and how to read one page; #LabPagedModel does
 * the rest.
 */
struct _LabPagedModelClass
{
  GObjectClass parent_class;

  void        (*count_async)  (LabPagedModel        *self,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  gint64      (*count_finish) (LabPagedModel        *self,
                               GAsyncResult         *result,
                               GError              **error);
  void        (*fetch_async)  (LabPagedModel        *self,
                               guint                 offset,
                               guint                 limit,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
  GPtrArray  *(*fetch_finish) (LabPagedModel        *self,
                               GAsyncResult         *result,
                               GError              **error);
};

typedef gboolean (*LabPagedModelMatch) (gpointer item,
                                        gpointer user_data);

LabStore   *lab_paged_model_get_store         (LabPagedModel       *self);
guint       lab_paged_model_get_page_size     (LabPagedModel       *self);
guint       lab_paged_model_get_n_cached      (LabPagedModel       *self);
gboolean    lab_paged_model_get_loading       (LabPagedModel       *self);
const char *lab_paged_model_get_error_message (LabPagedModel       *self);
void        lab_paged_model_reload            (LabPagedModel       *self);
gpointer    lab_paged_model_peek              (LabPagedModel       *self,
                                               guint                position);
gboolean    lab_paged_model_find              (LabPagedModel       *self,
                                               LabPagedModelMatch   match,
                                               gpointer             user_data,
                                               guint               *position);
void        lab_paged_model_remove            (LabPagedModel       *self,
                                               guint                position);
void        lab_paged_model_insert            (LabPagedModel       *self,
                                               guint                position,
                                               gpointer             item);
void        lab_paged_model_load_async        (LabPagedModel       *self,
                                               guint                position,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gpointer    lab_paged_model_load_finish       (LabPagedModel       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
