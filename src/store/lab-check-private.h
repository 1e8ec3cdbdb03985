/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-check-finding.h"
#include "lab-data-dir.h"
#include "lab-db.h"

G_BEGIN_DECLS

/* Internals of lab-check.c that the clean-up shares, so that both agree on
 * what an orphan is and remove one the same careful way. */

GPtrArray *_lab_check_list_orphans    (LabDataDir   *dir,
                                       LabDb        *db,
                                       GError      **error);
gboolean   _lab_check_remove_orphan   (LabDb        *db,
                                       LabDataDir   *dir,
                                       const char   *subject,
                                       GError      **error);
gboolean   _lab_check_session_exists  (LabDb        *db,
                                       const char   *session_id,
                                       gboolean     *exists,
                                       GError      **error);

G_END_DECLS
