/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-config"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lab-config.h"
#include "lab-error.h"
#include "lab-fileutil.h"

/**
 * LabConfig:
 *
 * The store's policies from `config/config.json`. Members this version does not
 * know are kept as they are when the file is saved again, so an older LabData
 * never drops a newer one's settings.
 */
struct _LabConfig
{
  GObject parent_instance;

  LabDataDir *dir;
  JsonObject *root;
};

G_DEFINE_FINAL_TYPE (LabConfig, lab_config, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  const char *key;
  GType type;
  const char *default_value;
  gint64 min;
  gint64 max;
} KeyInfo;

static const KeyInfo keys[] = {
  { LAB_CONFIG_AUTO_BACKUP_ENABLED, G_TYPE_BOOLEAN, "true", 0, 0 },
  { LAB_CONFIG_AUTO_BACKUP_TIME, G_TYPE_STRING, "02:00", 0, 0 },
  { LAB_CONFIG_AUTO_BACKUP_COMPRESSION, G_TYPE_STRING, "none", 0, 0 },
  { LAB_CONFIG_AUTO_CLEANUP, G_TYPE_BOOLEAN, "false", 0, 0 },
  { LAB_CONFIG_BACKUP_DAYS, G_TYPE_INT64, "30", 1, 36500 },
  { LAB_CONFIG_BACKUP_KEEP_MIN, G_TYPE_INT64, "3", 1, 1000 },
  { LAB_CONFIG_ARCHIVED_SESSION_DAYS, G_TYPE_INT64, "30", 1, 36500 },
  { LAB_CONFIG_SNAPSHOT_DAYS, G_TYPE_INT64, "30", 1, 36500 },
  { LAB_CONFIG_ANALYTICS_DAYS, G_TYPE_INT64, "90", 1, 36500 },
  { LAB_CONFIG_ARCHIVE_DAYS, G_TYPE_INT64, "30", 1, 36500 },
  { LAB_CONFIG_LOG_DAYS, G_TYPE_INT64, "30", 1, 36500 },
};

static const KeyInfo *
find_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (g_str_equal (keys[i].key, key))
        return &keys[i];
    }

  return NULL;
}

/**
 * lab_config_list_keys:
 *
 * Returns: (transfer none): every key this version knows, %NULL-terminated
 */
const char * const *
lab_config_list_keys (void)
{
  static const char *names[G_N_ELEMENTS (keys) + 1];

  if (names[0] == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        names[i] = keys[i].key;
    }

  return names;
}

/**
 * lab_config_parse_time:
 * @text: "HH:MM", 24-hour
 */
gboolean
lab_config_parse_time (const char *text,
                       int        *hour,
                       int        *minute)
{
  if (text == NULL || strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;

  *hour = (text[0] - '0') * 10 + (text[1] - '0');
  *minute = (text[3] - '0') * 10 + (text[4] - '0');

  return *hour < 24 && *minute < 60;
}

static void
lab_config_finalize (GObject *object)
{
  LabConfig *self = (LabConfig *) object;

  g_clear_object (&self->dir);
  g_clear_pointer (&self->root, json_object_unref);

  G_OBJECT_CLASS (lab_config_parent_class)->finalize (object);
}

static void
lab_config_class_init (LabConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_config_finalize;

  /**
   * LabConfig::changed:
   * @key: the key that changed
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lab_config_init (LabConfig *self)
{
  self->root = json_object_new ();
}

/* Splits "section.name" and returns the member holding it, or NULL. */
static JsonNode *
lookup (LabConfig  *self,
        const char *key)
{
  g_autofree char *section = NULL;
  const char *dot = strchr (key, '.');
  JsonNode *node;

  g_assert (dot != NULL);
  section = g_strndup (key, dot - key);

  node = json_object_get_member (self->root, section);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_get_member (json_node_get_object (node), dot + 1);
}

static gboolean
value_is_valid (const KeyInfo *info,
                JsonNode      *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) != info->type)
    return FALSE;

  if (info->type == G_TYPE_INT64)
    return json_node_get_int (node) >= info->min && json_node_get_int (node) <= info->max;

  if (g_str_equal (info->key, LAB_CONFIG_AUTO_BACKUP_TIME))
    {
      int h, m;

      return lab_config_parse_time (json_node_get_string (node), &h, &m);
    }

  if (g_str_equal (info->key, LAB_CONFIG_AUTO_BACKUP_COMPRESSION))
    {
      const char *v = json_node_get_string (node);

      return g_str_equal (v, "none") || g_str_equal (v, "gzip") || g_str_equal (v, "zstd");
    }

  return TRUE;
}

/**
 * lab_config_load:
 * @dir: the data directory
 *
 * Reads `config/config.json`. A missing file means every default. A file that
 * is not a JSON object is an error, and nothing is written over it.
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 */
LabConfig *
lab_config_load (LabDataDir  *dir,
                 GError     **error)
{
  g_autoptr(LabConfig) self = g_object_new (LAB_TYPE_CONFIG, NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path = lab_data_dir_get_config_file (dir);
  JsonNode *root;

  self->dir = g_object_ref (dir);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&self);

  parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("The settings file “%s” is damaged: %s"), path, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("The settings file “%s” is damaged: it is not a JSON object"), path);
      return NULL;
    }

  json_object_unref (self->root);
  self->root = json_object_ref (json_node_get_object (root));

  return g_steal_pointer (&self);
}

/**
 * lab_config_save:
 *
 * Writes `config/config.json` atomically (temporary file, fsync, rename).
 */
gboolean
lab_config_save (LabConfig  *self,
                 GError    **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (LAB_IS_CONFIG (self), FALSE);

  if (!lab_mkdir_private (lab_data_dir_get_config_path (self->dir), error))
    return FALSE;

  text = lab_config_to_string (self);
  return lab_file_replace_contents (lab_data_dir_get_config_file (self->dir), text, -1, error);
}

/**
 * lab_config_to_string:
 *
 * Returns: (transfer full): the configuration as pretty-printed JSON, with the
 *   values in effect (defaults included)
 */
char *
lab_config_to_string (LabConfig *self)
{
  g_autoptr(JsonNode) src = json_node_alloc ();
  g_autoptr(JsonNode) dup = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  JsonObject *copy;

  /* Start from the file's own members, then make every known key explicit. */
  json_node_init_object (src, self->root);
  dup = json_node_copy (src);
  copy = json_node_get_object (dup);

  if (!json_object_has_member (copy, "version"))
    json_object_set_int_member (copy, "version", 1);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *dot = strchr (keys[i].key, '.');
      g_autofree char *section = g_strndup (keys[i].key, dot - keys[i].key);
      JsonObject *sect;

      if (!json_object_has_member (copy, section) ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (copy, section)))
        json_object_set_object_member (copy, section, json_object_new ());
      sect = json_object_get_object_member (copy, section);

      if (keys[i].type == G_TYPE_BOOLEAN)
        json_object_set_boolean_member (sect, dot + 1, lab_config_get_boolean (self, keys[i].key));
      else if (keys[i].type == G_TYPE_INT64)
        json_object_set_int_member (sect, dot + 1, lab_config_get_int (self, keys[i].key));
      else
        json_object_set_string_member (sect, dot + 1, lab_config_get_string (self, keys[i].key));
    }

  json_generator_set_root (generator, dup);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

/**
 * lab_config_get_string:
 * @key: a string key
 *
 * Returns: the value, or the default if the file has none or an invalid one
 */
const char *
lab_config_get_string (LabConfig  *self,
                       const char *key)
{
  const KeyInfo *info = find_key (key);
  JsonNode *node;

  g_return_val_if_fail (info != NULL && info->type == G_TYPE_STRING, NULL);

  node = lookup (self, key);
  if (value_is_valid (info, node))
    return json_node_get_string (node);

  return info->default_value;
}

gint64
lab_config_get_int (LabConfig  *self,
                    const char *key)
{
  const KeyInfo *info = find_key (key);
  JsonNode *node;

  g_return_val_if_fail (info != NULL && info->type == G_TYPE_INT64, 0);

  node = lookup (self, key);
  if (value_is_valid (info, node))
    return json_node_get_int (node);

  return g_ascii_strtoll (info->default_value, NULL, 10);
}

gboolean
lab_config_get_boolean (LabConfig  *self,
                        const char *key)
{
  const KeyInfo *info = find_key (key);
  JsonNode *node;

  g_return_val_if_fail (info != NULL && info->type == G_TYPE_BOOLEAN, FALSE);

  node = lookup (self, key);
  if (value_is_valid (info, node))
    return json_node_get_boolean (node);

  return g_str_equal (info->default_value, "true");
}

static gboolean
set_node (LabConfig   *self,
          const char  *key,
          JsonNode    *value,
          GError     **error)
{
  g_autoptr(JsonNode) owned = value;
  const KeyInfo *info = find_key (key);
  g_autofree char *section = NULL;
  JsonNode *old;
  JsonObject *sect;

  if (info == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("There is no setting “%s”"), key);
      return FALSE;
    }

  if (!value_is_valid (info, value))
    {
      g_autofree char *text = json_to_string (value, FALSE);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("%s is not a valid value for “%s”"), text, key);
      return FALSE;
    }

  old = lookup (self, key);
  if (old != NULL && json_node_equal (old, value))
    return TRUE;

  section = g_strndup (key, strchr (key, '.') - key);
  if (!json_object_has_member (self->root, section) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (self->root, section)))
    json_object_set_object_member (self->root, section, json_object_new ());
  sect = json_object_get_object_member (self->root, section);
  json_object_set_member (sect, strchr (key, '.') + 1, g_steal_pointer (&owned));

  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (key), key);
  return TRUE;
}

/**
 * lab_config_set_string:
 *
 * Sets a value in memory; lab_config_save() writes it. An invalid value (a time
 * that is not "HH:MM", an unknown compression) is refused with @error.
 */
gboolean
lab_config_set_string (LabConfig   *self,
                       const char  *key,
                       const char  *value,
                       GError     **error)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return set_node (self, key, node, error);
}

gboolean
lab_config_set_int (LabConfig   *self,
                    const char  *key,
                    gint64       value,
                    GError     **error)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return set_node (self, key, node, error);
}

gboolean
lab_config_set_boolean (LabConfig   *self,
                        const char  *key,
                        gboolean     value,
                        GError     **error)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (node, value);
  return set_node (self, key, node, error);
}

/**
 * lab_config_set_from_string:
 * @value: the value as typed on a command line ("true", "45", "03:30")
 *
 * Parses @value by the key's type and sets it.
 */
gboolean
lab_config_set_from_string (LabConfig   *self,
                            const char  *key,
                            const char  *value,
                            GError     **error)
{
  const KeyInfo *info = find_key (key);

  if (info == NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("There is no setting “%s”"), key);
      return FALSE;
    }

  if (info->type == G_TYPE_BOOLEAN)
    {
      if (g_strcmp0 (value, "true") == 0 || g_strcmp0 (value, "yes") == 0 || g_strcmp0 (value, "on") == 0)
        return lab_config_set_boolean (self, key, TRUE, error);
      if (g_strcmp0 (value, "false") == 0 || g_strcmp0 (value, "no") == 0 || g_strcmp0 (value, "off") == 0)
        return lab_config_set_boolean (self, key, FALSE, error);
    }
  else if (info->type == G_TYPE_INT64)
    {
      gint64 v;

      if (g_ascii_string_to_signed (value, 10, info->min, info->max, &v, NULL))
        return lab_config_set_int (self, key, v, error);
    }
  else
    return lab_config_set_string (self, key, value, error);

  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“%s” is not a valid value for “%s”"), value, key);
  return FALSE;
}
