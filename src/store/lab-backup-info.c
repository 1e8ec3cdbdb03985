/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup-info"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-backup-info.h"
#include "lab-backup-private.h"
#include "lab-sha256.h"
#include "lab-timestamp.h"

/**
 * LabBackupInfo:
 *
 * One backup as its sidecar describes it: what, when, why, how big, and what
 * the last verification found. It is a snapshot: operations that change a
 * backup (verify, pin) return a new #LabBackupInfo.
 */
struct _LabBackupInfo
{
  GObject parent_instance;

  char *name;
  char *path;
  char *sidecar_path;
  char *compression;
  char *sha256;
  char *app_version;
  char **problems;
  JsonObject *counts;
  LabBackupKind kind;
  gint64 created_at;
  gint64 verified_at;
  guint64 size;
  guint64 files_size;
  double duration;
  guint n_files;
  int schema_version;
  gboolean damaged;
  gboolean pinned;
};

G_DEFINE_FINAL_TYPE (LabBackupInfo, lab_backup_info, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabBackupKind, lab_backup_kind,
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_MANUAL, "manual"),
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_PRE_RESTORE, "pre-restore"),
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_PRE_CLEANUP, "pre-cleanup"),
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_PRE_MIGRATION, "pre-migration"),
  G_DEFINE_ENUM_VALUE (LAB_BACKUP_KIND_PRE_IMPORT, "pre-import"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_KIND,
  PROP_CREATED_AT,
  PROP_SIZE,
  PROP_N_FILES,
  PROP_VERIFIED_AT,
  PROP_VERIFIED,
  PROP_DAMAGED,
  PROP_PINNED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * lab_backup_kind_to_string:
 *
 * Returns: (transfer none): the kind as the sidecar writes it, "pre-restore"
 */
const char *
lab_backup_kind_to_string (LabBackupKind kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (LAB_TYPE_BACKUP_KIND);
  GEnumValue *value = g_enum_get_value (klass, kind);

  g_return_val_if_fail (value != NULL, NULL);
  return value->value_nick;
}

gboolean
lab_backup_kind_from_string (const char    *text,
                             LabBackupKind *kind)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (LAB_TYPE_BACKUP_KIND);
  GEnumValue *value;

  if (text == NULL)
    return FALSE;

  value = g_enum_get_value_by_nick (klass, text);
  if (value == NULL)
    return FALSE;

  *kind = value->value;
  return TRUE;
}

/**
 * lab_backup_kind_get_label:
 *
 * Returns: (transfer none): the kind as the user reads it, translated
 */
const char *
lab_backup_kind_get_label (LabBackupKind kind)
{
  switch (kind)
    {
    case LAB_BACKUP_KIND_MANUAL:
      return _("Manual");
    case LAB_BACKUP_KIND_AUTO:
      return _("Automatic");
    case LAB_BACKUP_KIND_PRE_RESTORE:
      return _("Before restore");
    case LAB_BACKUP_KIND_PRE_CLEANUP:
      return _("Before cleanup");
    case LAB_BACKUP_KIND_PRE_MIGRATION:
      return _("Before migration");
    case LAB_BACKUP_KIND_PRE_IMPORT:
      return _("Before import");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
lab_backup_info_finalize (GObject *object)
{
  LabBackupInfo *self = (LabBackupInfo *) object;

  g_free (self->name);
  g_free (self->path);
  g_free (self->sidecar_path);
  g_free (self->compression);
  g_free (self->sha256);
  g_free (self->app_version);
  g_strfreev (self->problems);
  g_clear_pointer (&self->counts, json_object_unref);

  G_OBJECT_CLASS (lab_backup_info_parent_class)->finalize (object);
}

static void
lab_backup_info_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabBackupInfo *self = LAB_BACKUP_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_N_FILES:
      g_value_set_uint (value, self->n_files);
      break;
    case PROP_VERIFIED_AT:
      g_value_set_int64 (value, self->verified_at);
      break;
    case PROP_VERIFIED:
      g_value_set_boolean (value, lab_backup_info_get_verified (self));
      break;
    case PROP_DAMAGED:
      g_value_set_boolean (value, self->damaged);
      break;
    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_backup_info_class_init (LabBackupInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_backup_info_finalize;
  object_class->get_property = lab_backup_info_get_property;

  /* Read-only properties, so that list views can bind and sort on them. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, LAB_TYPE_BACKUP_KIND, LAB_BACKUP_KIND_MANUAL,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FILES] =
    g_param_spec_uint ("n-files", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFIED_AT] =
    g_param_spec_int64 ("verified-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERIFIED] =
    g_param_spec_boolean ("verified", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DAMAGED] =
    g_param_spec_boolean ("damaged", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED] =
    g_param_spec_boolean ("pinned", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_backup_info_init (LabBackupInfo *self)
{
}

/* A timestamp member of a sidecar or a state file; 0 if absent or invalid. */
gint64
_lab_backup_json_get_time (JsonObject *root,
                           const char *member)
{
  const char *text = json_object_get_string_member_with_default (root, member, NULL);
  gint64 usec = 0;

  if (text == NULL || !lab_timestamp_parse (text, &usec))
    return 0;

  return usec;
}

/*
 * Builds the info from a parsed sidecar. @problem, when set, marks the backup
 * damaged (the sidecar could not be read, the file is missing) on top of what
 * the sidecar itself records.
 */
LabBackupInfo *
_lab_backup_info_new (LabDataDir *dir,
                      const char *name,
                      JsonObject *root,
                      const char *problem)
{
  g_autoptr(LabBackupInfo) self = g_object_new (LAB_TYPE_BACKUP_INFO, NULL);
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();
  const char *file = NULL;
  JsonNode *node;

  self->name = g_strdup (name);
  self->sidecar_path = _lab_backup_sidecar_path (dir, name);
  self->kind = LAB_BACKUP_KIND_MANUAL;

  if (root != NULL)
    {
      file = json_object_get_string_member_with_default (root, "file", NULL);
      lab_backup_kind_from_string (json_object_get_string_member_with_default (root, "kind", NULL),
                                   &self->kind);
      self->created_at = _lab_backup_json_get_time (root, "created_at");
      self->verified_at = _lab_backup_json_get_time (root, "verified_at");
      self->compression = g_strdup (json_object_get_string_member_with_default (root, "compression",
                                                                              "none"));
      self->sha256 = g_strdup (json_object_get_string_member_with_default (root, "sha256", NULL));
      self->app_version = g_strdup (json_object_get_string_member_with_default (root, "app_version",
                                                                              NULL));
      self->size = json_object_get_int_member_with_default (root, "size", 0);
      self->schema_version = json_object_get_int_member_with_default (root, "schema_version", 0);
      self->duration = json_object_get_double_member_with_default (root, "duration", 0);
      self->files_size = json_object_get_int_member_with_default (root, "files_size", 0);
      self->damaged = json_object_get_boolean_member_with_default (root, "damaged", FALSE);
      self->pinned = json_object_get_boolean_member_with_default (root, "pinned", FALSE);

      node = json_object_get_member (root, "counts");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        self->counts = json_object_ref (json_node_get_object (node));

      node = json_object_get_member (root, "files");
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        self->n_files = json_object_get_size (json_node_get_object (node));

      node = json_object_get_member (root, "problems");
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_VALUE (element) &&
                  json_node_get_value_type (element) == G_TYPE_STRING)
                g_strv_builder_add (problems, json_node_get_string (element));
            }
        }
    }

  if (file != NULL && !_lab_backup_file_name_matches (name, file))
    {
      /* The sidecar names a file that is not this backup's: never follow it. */
      file = NULL;
      g_strv_builder_add (problems, _("The metadata names a file of another backup"));
      self->damaged = TRUE;
    }

  if (file != NULL)
    self->path = g_build_filename (lab_data_dir_get_backups_path (dir), file, NULL);

  if (self->compression == NULL)
    self->compression = g_strdup ("none");

  if (problem != NULL)
    {
      g_strv_builder_add (problems, problem);
      self->damaged = TRUE;
    }

  if (root != NULL && !self->damaged)
    {
      struct stat st;

      /* Cheap checks that need no reading: a backup whose file is gone or
       * has the wrong size is damaged, verified or not. */
      if (self->path == NULL || self->sha256 == NULL || !lab_sha256_is_valid_hex (self->sha256))
        {
          g_strv_builder_add (problems, _("The metadata is incomplete"));
          self->damaged = TRUE;
        }
      else if (g_stat (self->path, &st) != 0)
        {
          g_strv_builder_add (problems, _("The database file is missing"));
          self->damaged = TRUE;
        }
      else if ((guint64) st.st_size != self->size)
        {
          g_strv_builder_add (problems, _("The database file has the wrong size"));
          self->damaged = TRUE;
        }
    }

  self->problems = g_strv_builder_end (problems);

  return g_steal_pointer (&self);
}

const char *
lab_backup_info_get_name (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->name;
}

LabBackupKind
lab_backup_info_get_kind (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), LAB_BACKUP_KIND_MANUAL);
  return self->kind;
}

/**
 * lab_backup_info_get_created_at:
 *
 * Returns: when the backup was made, in µs since the epoch
 */
gint64
lab_backup_info_get_created_at (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->created_at;
}

/**
 * lab_backup_info_get_path:
 *
 * Returns: (nullable): the database file, `backups/backup_….db[.gz|.zst]`,
 *   or %NULL if the sidecar does not name one
 */
const char *
lab_backup_info_get_path (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->path;
}

const char *
lab_backup_info_get_sidecar_path (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->sidecar_path;
}

/**
 * lab_backup_info_get_compression:
 *
 * Returns: "none", "gzip" or "zstd"
 */
const char *
lab_backup_info_get_compression (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->compression;
}

/**
 * lab_backup_info_get_size:
 *
 * Returns: the size of the database file as written (compressed or not)
 */
guint64
lab_backup_info_get_size (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->size;
}

const char *
lab_backup_info_get_sha256 (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->sha256;
}

int
lab_backup_info_get_schema_version (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->schema_version;
}

const char *
lab_backup_info_get_app_version (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->app_version;
}

/**
 * lab_backup_info_get_duration:
 *
 * Returns: how long making the backup took, in seconds
 */
double
lab_backup_info_get_duration (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->duration;
}

/**
 * lab_backup_info_get_count:
 * @table: a data table
 *
 * Returns: the number of rows @table had in the backup, or -1 if unknown
 */
gint64
lab_backup_info_get_count (LabBackupInfo *self,
                           const char    *table)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), -1);

  if (self->counts == NULL || !json_object_has_member (self->counts, table))
    return -1;

  return json_object_get_int_member (self->counts, table);
}

/**
 * lab_backup_info_get_counts:
 *
 * Returns: (transfer none) (nullable): table name → row count
 */
JsonObject *
lab_backup_info_get_counts (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return self->counts;
}

/**
 * lab_backup_info_get_n_files:
 *
 * Returns: the number of workspace files in the backup
 */
guint
lab_backup_info_get_n_files (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->n_files;
}

/**
 * lab_backup_info_get_files_size:
 *
 * Returns: the total size of the workspace files in the backup
 */
guint64
lab_backup_info_get_files_size (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->files_size;
}

/**
 * lab_backup_info_get_verified_at:
 *
 * Returns: when the backup was last verified (µs since the epoch), or 0
 */
gint64
lab_backup_info_get_verified_at (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), 0);
  return self->verified_at;
}

/**
 * lab_backup_info_get_verified:
 *
 * Returns: whether the last verification found the backup good
 */
gboolean
lab_backup_info_get_verified (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), FALSE);
  return self->verified_at != 0 && !self->damaged;
}

/**
 * lab_backup_info_get_damaged:
 *
 * Returns: whether the backup is known to be damaged (a verification failed,
 *   or its file is missing or has the wrong size); see
 *   lab_backup_info_get_problems()
 */
gboolean
lab_backup_info_get_damaged (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), TRUE);
  return self->damaged;
}

/**
 * lab_backup_info_get_problems:
 *
 * Returns: (transfer none): what is wrong with a damaged backup, as sentences
 *   for the user; empty for a good one
 */
const char * const *
lab_backup_info_get_problems (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);
  return (const char * const *) self->problems;
}

gboolean
lab_backup_info_get_pinned (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), FALSE);
  return self->pinned;
}

/**
 * lab_backup_info_is_good:
 *
 * Returns: whether the backup may be offered as a restore point: it is not
 *   known to be damaged (restoring verifies it again first)
 */
gboolean
lab_backup_info_is_good (LabBackupInfo *self)
{
  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), FALSE);
  return !self->damaged;
}

/* Adds @member as a timestamp, or null for 0. */
void
_lab_backup_json_add_time (JsonBuilder *builder,
                           const char  *member,
                           gint64       usec)
{
  json_builder_set_member_name (builder, member);
  if (usec == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = lab_timestamp_format (usec);

      json_builder_add_string_value (builder, text);
    }
}

/**
 * lab_backup_info_to_json:
 *
 * Returns: (transfer full): the backup as `labdata-cli backups --json` prints it
 */
JsonNode *
lab_backup_info_to_json (LabBackupInfo *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LAB_IS_BACKUP_INFO (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lab_backup_kind_to_string (self->kind));
  _lab_backup_json_add_time (builder, "created_at", self->created_at);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, self->path);
  json_builder_set_member_name (builder, "compression");
  json_builder_add_string_value (builder, self->compression);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->size);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, self->sha256);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, self->schema_version);
  json_builder_set_member_name (builder, "app_version");
  json_builder_add_string_value (builder, self->app_version);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, self->duration);
  json_builder_set_member_name (builder, "counts");
  if (self->counts != NULL)
    {
      g_autoptr(JsonNode) counts = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (counts, self->counts);
      json_builder_add_value (builder, g_steal_pointer (&counts));
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, self->n_files);
  json_builder_set_member_name (builder, "files_size");
  json_builder_add_int_value (builder, self->files_size);
  _lab_backup_json_add_time (builder, "verified_at", self->verified_at);
  json_builder_set_member_name (builder, "verified");
  json_builder_add_boolean_value (builder, lab_backup_info_get_verified (self));
  json_builder_set_member_name (builder, "damaged");
  json_builder_add_boolean_value (builder, self->damaged);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; self->problems[i] != NULL; i++)
    json_builder_add_string_value (builder, self->problems[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "pinned");
  json_builder_add_boolean_value (builder, self->pinned);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
