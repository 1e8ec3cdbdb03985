/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-import-conflict"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-import-conflict.h"

/**
 * LabImportConflict:
 *
 * One row (or workspace file) of an archive that differs from what the store
 * holds under the same id: an item of lab_import_preview_get_conflicts().
 */
struct _LabImportConflict
{
  GObject parent_instance;

  char *table;
  char *key;
  char *session_id;
  char *session_title;
  gint64 sequence;
  LabImportConflictReason reason;
  char **columns;
};

G_DEFINE_FINAL_TYPE (LabImportConflict, lab_import_conflict, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TABLE,
  PROP_KEY,
  PROP_SESSION_ID,
  PROP_SESSION_TITLE,
  PROP_SEQUENCE,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_import_conflict_finalize (GObject *object)
{
  LabImportConflict *self = (LabImportConflict *) object;

  g_free (self->table);
  g_free (self->key);
  g_free (self->session_id);
  g_free (self->session_title);
  g_strfreev (self->columns);

  G_OBJECT_CLASS (lab_import_conflict_parent_class)->finalize (object);
}

static void
lab_import_conflict_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LabImportConflict *self = LAB_IMPORT_CONFLICT (object);

  switch (prop_id)
    {
    case PROP_TABLE:
      g_value_set_string (value, self->table);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_SESSION_TITLE:
      g_value_set_string (value, self->session_title);
      break;
    case PROP_SEQUENCE:
      g_value_set_int64 (value, self->sequence);
      break;
    case PROP_DESCRIPTION:
      g_value_take_string (value, lab_import_conflict_describe (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_import_conflict_class_init (LabImportConflictClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_import_conflict_finalize;
  object_class->get_property = lab_import_conflict_get_property;

  properties[PROP_TABLE] =
    g_param_spec_string ("table", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_TITLE] =
    g_param_spec_string ("session-title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEQUENCE] =
    g_param_spec_int64 ("sequence", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_import_conflict_init (LabImportConflict *self)
{
  self->sequence = -1;
}

/**
 * lab_import_conflict_new:
 * @table: the table, or "files" for a workspace file
 * @key: the row's id ("session/path" for files)
 * @session_id: (nullable): the session it belongs to
 * @session_title: (nullable): that session's title
 * @sequence: the message number, or -1
 * @columns: (nullable): the columns that differ
 */
LabImportConflict *
lab_import_conflict_new (const char              *table,
                         const char              *key,
                         const char              *session_id,
                         const char              *session_title,
                         gint64                   sequence,
                         LabImportConflictReason  reason,
                         const char * const      *columns)
{
  LabImportConflict *self = g_object_new (LAB_TYPE_IMPORT_CONFLICT, NULL);

  self->table = g_strdup (table);
  self->key = g_strdup (key);
  self->session_id = g_strdup (session_id);
  self->session_title = g_strdup (session_title);
  self->sequence = sequence;
  self->reason = reason;
  self->columns = g_strdupv ((char **) columns);
  if (self->columns == NULL)
    self->columns = g_new0 (char *, 1);

  return self;
}

const char *
lab_import_conflict_get_table (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);
  return self->table;
}

const char *
lab_import_conflict_get_key (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);
  return self->key;
}

const char *
lab_import_conflict_get_session_id (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);
  return self->session_id;
}

const char *
lab_import_conflict_get_session_title (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);
  return self->session_title;
}

gint64
lab_import_conflict_get_sequence (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), -1);
  return self->sequence;
}

LabImportConflictReason
lab_import_conflict_get_reason (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), LAB_IMPORT_CONFLICT_CHANGED);
  return self->reason;
}

/**
 * lab_import_conflict_get_columns:
 *
 * Returns: (transfer none): the columns whose values differ, empty when the
 *   reason is not %LAB_IMPORT_CONFLICT_CHANGED
 */
const char * const *
lab_import_conflict_get_columns (LabImportConflict *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);
  return (const char * const *) self->columns;
}

/**
 * lab_import_conflict_describe:
 *
 * Returns: (transfer full): one line for a person: what the item is and how
 *   it differs
 */
char *
lab_import_conflict_describe (LabImportConflict *self)
{
  g_autofree char *what = NULL;
  g_autofree char *columns = NULL;
  const char *title = self->session_title && self->session_title[0] ? self->session_title : self->session_id;

  g_return_val_if_fail (LAB_IS_IMPORT_CONFLICT (self), NULL);

  if (g_str_equal (self->table, "sessions"))
    what = g_strdup_printf (_("Session “%s”"), title ? title : self->key);
  else if (g_str_equal (self->table, "files"))
    what = g_strdup_printf (_("File %s"), self->key);
  else if (self->sequence >= 0 && title != NULL)
    {
      g_autofree char *sequence = g_strdup_printf ("%" G_GINT64_FORMAT, self->sequence);

      what = g_strdup_printf (_("Message %s of “%s”"), sequence, title);
    }
  else if (title != NULL)
    what = g_strdup_printf (_("%s %s of “%s”"), self->table, self->key, title);
  else
    what = g_strdup_printf (_("%s %s"), self->table, self->key);

  switch (self->reason)
    {
    case LAB_IMPORT_CONFLICT_POSITION_TAKEN:
      return g_strdup_printf (_("%s: the store has another message in its place"), what);
    case LAB_IMPORT_CONFLICT_FILE_CHANGED:
      return g_strdup_printf (_("%s: the store has a different file"), what);
    case LAB_IMPORT_CONFLICT_CHANGED:
    default:
      columns = g_strjoinv (", ", self->columns);
      return g_strdup_printf (_("%s: differs in %s"), what, columns[0] ? columns : _("its contents"));
    }
}
