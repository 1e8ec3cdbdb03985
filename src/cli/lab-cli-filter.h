/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-browse.h"
#include "lab-cli.h"

G_BEGIN_DECLS

/* The session filter options shared by every command that selects sessions
 * (sessions, search, and later export): one spelling, one meaning. */
typedef struct
{
  char *status;
  char *participant;
  char *since;
  char *until;
  gboolean starred;
  gboolean not_starred;
  gboolean archived;
  gboolean not_archived;
} LabCliFilterOptions;

void     lab_cli_filter_add_entries (GOptionContext          *context,
                                     LabCliFilterOptions     *options,
                                     gboolean                 dates_are_messages);
gboolean lab_cli_filter_build       (LabCli                  *cli,
                                     LabCliFilterOptions     *options,
                                     LabSessionFilter        *filter,
                                     gint64                  *since,
                                     gint64                  *until,
                                     int                     *exit_code);
void     lab_cli_filter_clear       (LabCliFilterOptions     *options);

G_END_DECLS
