/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-data-dir.h"

G_BEGIN_DECLS

gboolean lab_oplog_append (LabDataDir  *dir,
                           const char  *operation,
                           JsonObject  *details,
                           GError     **error);

G_END_DECLS
