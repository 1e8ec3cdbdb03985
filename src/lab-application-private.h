/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-application.h"

G_BEGIN_DECLS

/* Shared by lab-application.c and lab-application-actions.c. */
struct _LabApplication
{
  AdwApplication parent_instance;

  char *data_dir_option;
  LabDataDir *dir;
  LabStore *opening;       /* the store being opened */
  LabStore *store;         /* the opened store, or NULL */
  char *error_message;     /* why it could not be opened */
  LabProgress *demo_progress;
  GCancellable *cancellable;
  GSettings *settings;
};

void _lab_application_install_actions   (LabApplication *self);
void _lab_application_set_demo_progress (LabApplication *self,
                                         LabProgress    *progress);

G_END_DECLS
