/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-db.h"
#include "lab-message.h"
#include "lab-session.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_SESSION_SORT_LAST_ACTIVITY,
  LAB_SESSION_SORT_CREATED,
  LAB_SESSION_SORT_TITLE,
} LabSessionSort;

/**
 * LabSessionFilter:
 * @status: (nullable): only sessions with this status
 * @starred: -1 for any, 0 for not starred, 1 for starred only
 * @archived: -1 for any, 0 for not archived, 1 for archived only
 * @since: if not 0, only sessions active at or after this time (µs since the epoch)
 * @until: if not 0, only sessions created at or before this time
 * @participant: (nullable): only sessions with this participant
 * @ids: (nullable): only these sessions
 * @sort: the order
 * @descending: newest (or Z) first
 *
 * Which sessions to list, and in which order. Copyable, so that a query can run
 * on another thread while the caller changes its own copy.
 */
typedef struct
{
  char *status;
  int starred;
  int archived;
  gint64 since;
  gint64 until;
  char *participant;
  char **ids;
  LabSessionSort sort;
  gboolean descending;
} LabSessionFilter;

#define LAB_TYPE_SESSION_FILTER (lab_session_filter_get_type ())

GType             lab_session_filter_get_type  (void) G_GNUC_CONST;
LabSessionFilter *lab_session_filter_new       (void);
LabSessionFilter *lab_session_filter_copy      (const LabSessionFilter *filter);
void              lab_session_filter_free      (LabSessionFilter       *filter);
gboolean          lab_session_filter_equal     (const LabSessionFilter *a,
                                                const LabSessionFilter *b);
gboolean          lab_session_sort_from_string (const char             *text,
                                                LabSessionSort         *sort);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSessionFilter, lab_session_filter_free)

GPtrArray  *lab_browse_list_sessions      (LabDb                  *db,
                                           const LabSessionFilter *filter,
                                           guint                   offset,
                                           guint                   limit,
                                           GError                **error);
gint64      lab_browse_count_sessions     (LabDb                  *db,
                                           const LabSessionFilter *filter,
                                           GError                **error);
LabSession *lab_browse_get_session        (LabDb                  *db,
                                           const char             *id_or_prefix,
                                           GError                **error);
gboolean    lab_browse_set_session_flag   (LabDb                  *db,
                                           const char             *session_id,
                                           const char             *flag,
                                           gboolean                value,
                                           GError                **error);
GPtrArray  *lab_browse_list_messages      (LabDb                  *db,
                                           const char             *session_id,
                                           guint                   offset,
                                           guint                   limit,
                                           GError                **error);
gint64      lab_browse_count_messages     (LabDb                  *db,
                                           const char             *session_id,
                                           GError                **error);
gint64      lab_browse_message_position   (LabDb                  *db,
                                           const char             *session_id,
                                           gint64                  sequence,
                                           GError                **error);
gint64      lab_browse_session_position   (LabDb                  *db,
                                           const LabSessionFilter *filter,
                                           const char             *session_id,
                                           GError                **error);
char      **lab_browse_list_participants  (LabDb                  *db,
                                           GError                **error);
gint64      lab_browse_count_rows         (LabDb                  *db,
                                           const char             *table,
                                           GError                **error);

void        lab_session_filter_append_sql (const LabSessionFilter *filter,
                                           GString                *where,
                                           GPtrArray              *params);
gboolean    lab_sql_bind_params           (sqlite3_stmt           *stmt,
                                           int                     first,
                                           GPtrArray              *params);

G_END_DECLS
