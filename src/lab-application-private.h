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
  LabScheduler *scheduler;     /* automatic backups, once the store is open */
  gboolean start_in_background;
  gboolean background_held;
  gboolean quitting;
  guint n_notifications;
  char *last_notification;
};

void _lab_application_install_actions   (LabApplication *self);
void _lab_application_install_backup_actions (LabApplication *self);
void _lab_application_start_scheduler   (LabApplication *self,
                                         LabStore       *store);
void _lab_application_set_background    (LabApplication *self);
gboolean _lab_application_activate_background (LabApplication *self);
void _lab_application_backup_startup    (LabApplication *self);
void _lab_application_backup_shutdown   (LabApplication *self);
void _lab_application_set_demo_progress (LabApplication *self,
                                         LabProgress    *progress);

G_END_DECLS
