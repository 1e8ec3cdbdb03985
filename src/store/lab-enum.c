/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-enum"

#include "config.h"

#include "lab-enum.h"

/*
 * The store's enums have stable nicks ("fts-inconsistent", "archived-sessions")
 * that are what JSON output and stored results hold; these turn one into the
 * other through the enum's GType.
 */

/**
 * lab_enum_to_string:
 * @enum_type: a registered enum type
 * @value: one of its values
 *
 * Returns: (nullable): the value's nick, or %NULL if @value is not in the enum
 */
const char *
lab_enum_to_string (GType enum_type,
                    int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *v = g_enum_get_value (klass, value);

  /* Nicks are static strings: enum classes are never unloaded. */
  return v != NULL ? v->value_nick : NULL;
}

/**
 * lab_enum_from_string:
 * @nick: (nullable): a nick
 * @value: (out): the value
 *
 * Returns: %FALSE if @nick is not one of the enum's nicks
 */
gboolean
lab_enum_from_string (GType        enum_type,
                      const char  *nick,
                      int         *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *v = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (v == NULL)
    return FALSE;

  *value = v->value;
  return TRUE;
}
