/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-db.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabDemoOptions:
 * @n_sessions: how many sessions
 * @messages_per_session: the average chat log length; the total is exactly
 *   @n_sessions × @messages_per_session
 * @seed: the same seed makes the same data
 * @large_session: if not 0, one more session with this many messages
 * @with_files: write a few workspace files per session
 * @end_time: the latest activity in the data (µs since the epoch); 0 for the
 *   fixed default, so that a seed always makes the same bytes
 */
typedef struct
{
  guint n_sessions;
  guint messages_per_session;
  guint32 seed;
  guint large_session;
  gboolean with_files;
  gint64 end_time;
} LabDemoOptions;

typedef struct
{
  guint64 sessions;
  guint64 messages;
  guint64 files;
  double seconds;
} LabDemoStats;

void     lab_demo_options_init (LabDemoOptions        *options);
gboolean lab_demo_generate     (LabDb                 *db,
                                const LabDemoOptions  *options,
                                LabDemoStats          *stats,
                                LabProgressFunc        progress,
                                gpointer               progress_data,
                                GCancellable          *cancellable,
                                GError               **error);

G_END_DECLS
