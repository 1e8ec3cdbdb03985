/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

const char *lab_enum_to_string   (GType        enum_type,
                                  int          value);
gboolean    lab_enum_from_string (GType        enum_type,
                                  const char  *nick,
                                  int         *value);

G_END_DECLS
