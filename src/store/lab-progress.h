/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * LabProgressFunc:
 * @fraction: done so far, from 0 to 1, or -1 if unknown
 * @message: (nullable): what is being done now
 * @user_data: the data given with the function
 *
 * How a long synchronous operation reports its progress. It is called on the
 * operation's thread; lab_progress_report() forwards it to a #LabProgress.
 */
typedef void (*LabProgressFunc) (double      fraction,
                                 const char *message,
                                 gpointer    user_data);

#define LAB_TYPE_PROGRESS (lab_progress_get_type ())

G_DECLARE_FINAL_TYPE (LabProgress, lab_progress, LAB, PROGRESS, GObject)

LabProgress *lab_progress_new          (void);
double       lab_progress_get_fraction (LabProgress *self);
const char  *lab_progress_get_message  (LabProgress *self);
void         lab_progress_report       (double       fraction,
                                        const char  *message,
                                        gpointer     progress);

G_END_DECLS
