/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-db.h"

G_BEGIN_DECLS

/**
 * LabSessionRows:
 * @table: the table, one of lab_session_details_get_tables()
 * @rows: (element-type JsonObject): the session's first rows of @table, in time
 *   order (workspace files by path), as lab_row_read() gives them
 * @total: how many rows the session has in @table; more than @rows holds when
 *   the limit cut the list
 */
typedef struct
{
  const char *table;
  GPtrArray *rows;
  gint64 total;
} LabSessionRows;

/**
 * LabSessionDetails:
 * @session_id: the session
 * @parts: (element-type LabSessionRows): one per table, in
 *   lab_session_details_get_tables() order
 *
 * What a session has besides its chat log: metrics, agent activity, meetings,
 * snapshots and workspace files.
 */
typedef struct
{
  char *session_id;
  GPtrArray *parts;
} LabSessionDetails;

const char * const *lab_session_details_get_tables (void);
LabSessionDetails  *lab_session_details_load       (LabDb             *db,
                                                    const char        *session_id,
                                                    guint              limit,
                                                    GError           **error);
LabSessionRows     *lab_session_details_get        (LabSessionDetails *details,
                                                    const char        *table);
void                lab_session_details_free       (LabSessionDetails *details);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSessionDetails, lab_session_details_free)

G_END_DECLS
