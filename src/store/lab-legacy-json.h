/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-schema.h"

G_BEGIN_DECLS

/* The largest legacy export read; it is parsed whole. */
#define LAB_LEGACY_JSON_MAX_SIZE (256 * 1024 * 1024)

/**
 * LabLegacyRowFunc:
 * @table: the table the row belongs to
 * @row: the row, member names as in the database (not yet validated)
 * @where: where it came from in the file, "chatLogs[2].messages[14]", for
 *   error messages
 * @user_data: the data given to lab_legacy_json_read()
 * @error: return location for an error that stops the reading
 *
 * Receives the rows of a legacy export, parents before children.
 */
typedef gboolean (*LabLegacyRowFunc) (const LabTableInfo  *table,
                                      JsonObject          *row,
                                      const char          *where,
                                      gpointer             user_data,
                                      GError             **error);

gboolean lab_legacy_json_detect (const char        *path);
gboolean lab_legacy_json_read   (const char        *path,
                                 LabLegacyRowFunc   func,
                                 gpointer           user_data,
                                 int               *version,
                                 char             **exported_at,
                                 GError           **error);

G_END_DECLS
