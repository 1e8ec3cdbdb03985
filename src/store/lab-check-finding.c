/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-check-finding"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-check-finding.h"
#include "lab-enum.h"
#include "lab-error.h"

/**
 * LabCheckFinding:
 *
 * One thing an integrity check found: what it is about (#LabCheckFindingKind),
 * how serious it is, what it concerns (a table, a folder, a session, a backup),
 * and the repair that is safe to offer, if any. The sentences shown to people
 * are made from these when asked for, in the current language, so a stored
 * result reads right after the language changes.
 */
struct _LabCheckFinding
{
  GObject parent_instance;

  LabCheckFindingKind kind;
  LabCheckSeverity severity;
  LabCheckRepair repair;
  char *subject;
  char *detail;
  GPtrArray *paths;  /* of char*, NULL-terminated */
  guint64 count;
  guint64 bytes;
};

G_DEFINE_FINAL_TYPE (LabCheckFinding, lab_check_finding, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabCheckSeverity, lab_check_severity,
  G_DEFINE_ENUM_VALUE (LAB_CHECK_SEVERITY_INFO, "info"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_SEVERITY_WARNING, "warning"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_SEVERITY_ERROR, "error"))

G_DEFINE_ENUM_TYPE (LabCheckFindingKind, lab_check_finding_kind,
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_NO_DATABASE, "no-database"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_DATABASE_MISSING, "database-missing"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_NOT_A_DATABASE, "not-a-database"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_SCHEMA_TOO_NEW, "schema-too-new"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_SCHEMA_OLD, "schema-old"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_DATABASE_DAMAGED, "database-damaged"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_FOREIGN_KEY, "foreign-key"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_FTS_INCONSISTENT, "fts-inconsistent"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_ORPHAN_FOLDER, "orphan-folder"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_ORPHAN_FILE, "orphan-file"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_MISSING_FILE, "missing-file"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_CHANGED_FILE, "changed-file"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_UNSAFE_PATH, "unsafe-path"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_BACKUP_DAMAGED, "backup-damaged"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_BACKUP_INCOMPLETE, "backup-incomplete"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_STALE_TEMP_FILE, "stale-temp-file"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_INTERRUPTED_CLEANUP, "interrupted-cleanup"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FINDING_UNREADABLE, "unreadable"))

G_DEFINE_ENUM_TYPE (LabCheckRepair, lab_check_repair,
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_NONE, "none"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_REBUILD_INDEX, "rebuild-index"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_ADOPT_FILES, "adopt-files"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_REMOVE_FILES, "remove-files"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_RESTORE_FILES, "restore-files"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_REPAIR_RESTORE_BACKUP, "restore-backup"))

enum {
  PROP_0,
  PROP_KIND,
  PROP_SEVERITY,
  PROP_SUBJECT,
  PROP_DETAIL,
  PROP_N_PATHS,
  PROP_COUNT,
  PROP_BYTES,
  PROP_REPAIR,
  PROP_TITLE,
  PROP_EXPLANATION,
  PROP_REPAIR_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How serious each kind is and the repair it offers unless the check knows
 * better (e.g. that no good backup exists to restore from). */
static const struct
{
  LabCheckSeverity severity;
  LabCheckRepair repair;
} kind_defaults[] = {
  [LAB_CHECK_FINDING_NO_DATABASE] = { LAB_CHECK_SEVERITY_INFO, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_DATABASE_MISSING] =
    { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_RESTORE_BACKUP },
  [LAB_CHECK_FINDING_NOT_A_DATABASE] =
    { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_RESTORE_BACKUP },
  [LAB_CHECK_FINDING_SCHEMA_TOO_NEW] = { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_SCHEMA_OLD] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_DATABASE_DAMAGED] =
    { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_RESTORE_BACKUP },
  [LAB_CHECK_FINDING_FOREIGN_KEY] = { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_FTS_INCONSISTENT] =
    { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_REBUILD_INDEX },
  [LAB_CHECK_FINDING_ORPHAN_FOLDER] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_REMOVE_FILES },
  [LAB_CHECK_FINDING_ORPHAN_FILE] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_ADOPT_FILES },
  [LAB_CHECK_FINDING_MISSING_FILE] = { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_CHANGED_FILE] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_ADOPT_FILES },
  [LAB_CHECK_FINDING_UNSAFE_PATH] = { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_BACKUP_DAMAGED] = { LAB_CHECK_SEVERITY_ERROR, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_BACKUP_INCOMPLETE] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_STALE_TEMP_FILE] =
    { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_REMOVE_FILES },
  [LAB_CHECK_FINDING_INTERRUPTED_CLEANUP] = { LAB_CHECK_SEVERITY_INFO, LAB_CHECK_REPAIR_NONE },
  [LAB_CHECK_FINDING_UNREADABLE] = { LAB_CHECK_SEVERITY_WARNING, LAB_CHECK_REPAIR_NONE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_defaults) == LAB_CHECK_FINDING_UNREADABLE + 1);

const char *
lab_check_severity_to_string (LabCheckSeverity severity)
{
  return lab_enum_to_string (LAB_TYPE_CHECK_SEVERITY, severity);
}

const char *
lab_check_finding_kind_to_string (LabCheckFindingKind kind)
{
  return lab_enum_to_string (LAB_TYPE_CHECK_FINDING_KIND, kind);
}

const char *
lab_check_repair_to_string (LabCheckRepair repair)
{
  return lab_enum_to_string (LAB_TYPE_CHECK_REPAIR, repair);
}

static void
lab_check_finding_finalize (GObject *object)
{
  LabCheckFinding *self = (LabCheckFinding *) object;

  g_free (self->subject);
  g_free (self->detail);
  g_ptr_array_unref (self->paths);

  G_OBJECT_CLASS (lab_check_finding_parent_class)->finalize (object);
}

static void
lab_check_finding_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabCheckFinding *self = LAB_CHECK_FINDING (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_SEVERITY:
      g_value_set_enum (value, self->severity);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_N_PATHS:
      g_value_set_uint (value, lab_check_finding_get_n_paths (self));
      break;
    case PROP_COUNT:
      g_value_set_uint64 (value, self->count);
      break;
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    case PROP_REPAIR:
      g_value_set_enum (value, self->repair);
      break;
    case PROP_TITLE:
      g_value_take_string (value, lab_check_finding_dup_title (self));
      break;
    case PROP_EXPLANATION:
      g_value_take_string (value, lab_check_finding_dup_explanation (self));
      break;
    case PROP_REPAIR_LABEL:
      g_value_set_string (value, lab_check_finding_get_repair_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_check_finding_class_init (LabCheckFindingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_check_finding_finalize;
  object_class->get_property = lab_check_finding_get_property;

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, LAB_TYPE_CHECK_FINDING_KIND,
                       LAB_CHECK_FINDING_NO_DATABASE, flags);
  properties[PROP_SEVERITY] =
    g_param_spec_enum ("severity", NULL, NULL, LAB_TYPE_CHECK_SEVERITY,
                       LAB_CHECK_SEVERITY_INFO, flags);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  properties[PROP_N_PATHS] = g_param_spec_uint ("n-paths", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_COUNT] = g_param_spec_uint64 ("count", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES] = g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_REPAIR] =
    g_param_spec_enum ("repair", NULL, NULL, LAB_TYPE_CHECK_REPAIR, LAB_CHECK_REPAIR_NONE, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_EXPLANATION] = g_param_spec_string ("explanation", NULL, NULL, NULL, flags);
  properties[PROP_REPAIR_LABEL] = g_param_spec_string ("repair-label", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_check_finding_init (LabCheckFinding *self)
{
  self->paths = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/**
 * lab_check_finding_new:
 * @kind: what was found
 * @subject: (nullable): what it concerns: a path relative to the data folder, a
 *   table, a session id or a backup name, depending on @kind
 *
 * Returns: (transfer full): a finding with the severity and repair of @kind
 */
LabCheckFinding *
lab_check_finding_new (LabCheckFindingKind  kind,
                       const char          *subject)
{
  LabCheckFinding *self;

  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_defaults), NULL);

  self = g_object_new (LAB_TYPE_CHECK_FINDING, NULL);
  self->kind = kind;
  self->severity = kind_defaults[kind].severity;
  self->repair = kind_defaults[kind].repair;
  self->subject = g_strdup (subject);

  return self;
}

/**
 * lab_check_finding_set_detail:
 * @detail: (nullable): what SQLite or the file system said, verbatim
 */
void
lab_check_finding_set_detail (LabCheckFinding *self,
                              const char      *detail)
{
  g_return_if_fail (LAB_IS_CHECK_FINDING (self));

  g_free (self->detail);
  self->detail = g_strdup (detail);
}

/**
 * lab_check_finding_add_path:
 * @path: a file the finding covers, relative to the subject's folder
 */
void
lab_check_finding_add_path (LabCheckFinding *self,
                            const char      *path)
{
  g_return_if_fail (LAB_IS_CHECK_FINDING (self));
  g_return_if_fail (path != NULL);

  g_ptr_array_add (self->paths, g_strdup (path));
}

/**
 * lab_check_finding_set_amount:
 * @count: how many rows or files are concerned
 * @bytes: how many bytes they take
 */
void
lab_check_finding_set_amount (LabCheckFinding *self,
                              guint64          count,
                              guint64          bytes)
{
  g_return_if_fail (LAB_IS_CHECK_FINDING (self));

  self->count = count;
  self->bytes = bytes;
}

void
lab_check_finding_set_repair (LabCheckFinding *self,
                              LabCheckRepair   repair)
{
  g_return_if_fail (LAB_IS_CHECK_FINDING (self));

  self->repair = repair;
}

LabCheckFindingKind
lab_check_finding_get_kind (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), 0);
  return self->kind;
}

LabCheckSeverity
lab_check_finding_get_severity (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), 0);
  return self->severity;
}

const char *
lab_check_finding_get_subject (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);
  return self->subject;
}

const char *
lab_check_finding_get_detail (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);
  return self->detail;
}

/**
 * lab_check_finding_get_paths:
 *
 * Returns: (transfer none) (array zero-terminated=1): the files concerned
 */
const char * const *
lab_check_finding_get_paths (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);
  return (const char * const *) self->paths->pdata;
}

guint
lab_check_finding_get_n_paths (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), 0);
  return self->paths->len;
}

guint64
lab_check_finding_get_count (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), 0);
  return self->count;
}

guint64
lab_check_finding_get_bytes (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), 0);
  return self->bytes;
}

LabCheckRepair
lab_check_finding_get_repair (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), LAB_CHECK_REPAIR_NONE);
  return self->repair;
}

/**
 * lab_check_finding_dup_title:
 *
 * Returns: (transfer full): a short headline, for a list row
 */
char *
lab_check_finding_dup_title (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);

  switch (self->kind)
    {
    case LAB_CHECK_FINDING_NO_DATABASE:
      return g_strdup (_("No data yet"));
    case LAB_CHECK_FINDING_DATABASE_MISSING:
      return g_strdup (_("The database is missing"));
    case LAB_CHECK_FINDING_NOT_A_DATABASE:
      return g_strdup (_("The database file is not a database"));
    case LAB_CHECK_FINDING_SCHEMA_TOO_NEW:
      return g_strdup (_("The database was written by a newer LabData"));
    case LAB_CHECK_FINDING_SCHEMA_OLD:
      return g_strdup (_("The database will be upgraded"));
    case LAB_CHECK_FINDING_DATABASE_DAMAGED:
      return g_strdup (_("The database is damaged"));
    case LAB_CHECK_FINDING_FOREIGN_KEY:
      return g_strdup (_("Rows refer to missing data"));
    case LAB_CHECK_FINDING_FTS_INCONSISTENT:
      return g_strdup (_("A search index is out of step"));
    case LAB_CHECK_FINDING_ORPHAN_FOLDER:
      return g_strdup (_("Files that belong to no session"));
    case LAB_CHECK_FINDING_ORPHAN_FILE:
      return g_strdup (_("Files the database does not know"));
    case LAB_CHECK_FINDING_MISSING_FILE:
      return g_strdup (_("Files are missing"));
    case LAB_CHECK_FINDING_CHANGED_FILE:
      return g_strdup (_("Files changed outside LabData"));
    case LAB_CHECK_FINDING_UNSAFE_PATH:
      return g_strdup (_("File paths outside the session’s folder"));
    case LAB_CHECK_FINDING_BACKUP_DAMAGED:
      return g_strdup (_("A backup is damaged"));
    case LAB_CHECK_FINDING_BACKUP_INCOMPLETE:
      return g_strdup (_("A backup is incomplete"));
    case LAB_CHECK_FINDING_STALE_TEMP_FILE:
      return g_strdup (_("A leftover temporary file"));
    case LAB_CHECK_FINDING_INTERRUPTED_CLEANUP:
      return g_strdup (_("An interrupted clean-up was finished"));
    case LAB_CHECK_FINDING_UNREADABLE:
      return g_strdup (_("Something could not be checked"));
    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_check_finding_dup_explanation:
 *
 * Returns: (transfer full): what was found and what can be done, in plain words
 */
char *
lab_check_finding_dup_explanation (LabCheckFinding *self)
{
  g_autofree char *size = g_format_size (self->bytes);
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, self->count);
  const char *subject = self->subject ? self->subject : "";
  const char *detail = self->detail ? self->detail : "";
  guint n_paths = self->paths->len;

  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);

  switch (self->kind)
    {
    case LAB_CHECK_FINDING_NO_DATABASE:
      return g_strdup (_("This store has no database yet. LabData creates it when data is first "
                         "added."));
    case LAB_CHECK_FINDING_DATABASE_MISSING:
      return g_strdup_printf (_("The store holds workspace files or backups, but its database "
                                "“%s” is gone, and with it every session. Restoring the newest "
                                "good backup brings them back."), subject);
    case LAB_CHECK_FINDING_NOT_A_DATABASE:
      return g_strdup_printf (_("“%s” is not an SQLite database any more: it was overwritten or "
                                "damaged. Restoring the newest good backup replaces it; changes "
                                "made since that backup are lost."), subject);
    case LAB_CHECK_FINDING_SCHEMA_TOO_NEW:
      return g_strdup_printf (_("The database uses schema version %s, which this version of "
                                "LabData does not understand. Update LabData to use it; nothing "
                                "was changed."), detail);
    case LAB_CHECK_FINDING_SCHEMA_OLD:
      return g_strdup_printf (_("The database uses the older schema version %s. LabData upgrades "
                                "it, after a backup, the next time it opens the store; check "
                                "again after that."), detail);
    case LAB_CHECK_FINDING_DATABASE_DAMAGED:
      return g_strdup_printf (_("SQLite found damage in the database file (%s). Some sessions or "
                                "messages may be unreadable. Restoring the newest good backup "
                                "replaces the damaged file; changes made since that backup are "
                                "lost."), detail);
    case LAB_CHECK_FINDING_FOREIGN_KEY:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s row of “%s” refers to a row of “%s” that does not "
                                           "exist. This happens when the database was changed by "
                                           "another program; restore a backup if data is missing.",
                                           "%s rows of “%s” refer to rows of “%s” that do not "
                                           "exist. This happens when the database was changed by "
                                           "another program; restore a backup if data is missing.",
                                           self->count),
                              count, subject, detail);
    case LAB_CHECK_FINDING_FTS_INCONSISTENT:
      return g_strdup_printf (_("The full-text index “%s” does not match its table, so searches "
                                "may miss results or show wrong ones. Rebuilding the index fixes "
                                "it and loses nothing."), subject);
    case LAB_CHECK_FINDING_ORPHAN_FOLDER:
      return g_strdup_printf (_("“%s” belongs to no session in the database (%s). Removing it "
                                "frees the space; a backup is made first."), subject, size);
    case LAB_CHECK_FINDING_ORPHAN_FILE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u file in the folder of session “%s” is not listed "
                                           "in the database, so backups and exports leave it out. "
                                           "Adopting it records it as it is now.",
                                           "%u files in the folder of session “%s” are not listed "
                                           "in the database, so backups and exports leave them "
                                           "out. Adopting them records them as they are now.",
                                           n_paths), n_paths, subject);
    case LAB_CHECK_FINDING_MISSING_FILE:
      if (self->repair == LAB_CHECK_REPAIR_RESTORE_FILES)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u file of session “%s” that the database lists is "
                                             "missing from its folder. A backup holds a copy that "
                                             "can be restored.",
                                             "%u files of session “%s” that the database lists "
                                             "are missing from its folder. The backups hold "
                                             "copies that can be restored.",
                                             n_paths), n_paths, subject);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u file of session “%s” that the database lists is "
                                           "missing from its folder, and no backup holds a copy.",
                                           "%u files of session “%s” that the database lists are "
                                           "missing from its folder, and no backup holds a copy "
                                           "of all of them.",
                                           n_paths), n_paths, subject);
    case LAB_CHECK_FINDING_CHANGED_FILE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u file of session “%s” differs in size or content "
                                           "from what the database recorded. If it was changed on "
                                           "purpose, adopt it; otherwise restore the session from "
                                           "a backup.",
                                           "%u files of session “%s” differ in size or content "
                                           "from what the database recorded. If they were changed "
                                           "on purpose, adopt them; otherwise restore the session "
                                           "from a backup.",
                                           n_paths), n_paths, subject);
    case LAB_CHECK_FINDING_UNSAFE_PATH:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "The database lists %u file of session “%s” with a "
                                           "path that leads out of the session’s folder. LabData "
                                           "never follows such a path.",
                                           "The database lists %u files of session “%s” with "
                                           "paths that lead out of the session’s folder. LabData "
                                           "never follows such paths.",
                                           n_paths), n_paths, subject);
    case LAB_CHECK_FINDING_BACKUP_DAMAGED:
      return g_strdup_printf (_("The backup “%s” does not match the checksum it was saved with "
                                "(%s). It will not be offered for restore; make a new backup and "
                                "delete this one."), subject, detail);
    case LAB_CHECK_FINDING_BACKUP_INCOMPLETE:
      return g_strdup_printf (_("The backup “%s” is incomplete: %s. It cannot be fully restored; "
                                "make a new backup."), subject, detail);
    case LAB_CHECK_FINDING_STALE_TEMP_FILE:
      return g_strdup_printf (_("“%s” was left behind by an operation that was interrupted. "
                                "Removing it frees %s."), subject, size);
    case LAB_CHECK_FINDING_INTERRUPTED_CLEANUP:
      return g_strdup_printf (_("A clean-up was interrupted before it finished. LabData put the "
                                "files of sessions that were not deleted back in place and "
                                "removed those of deleted sessions (%s)."), detail);
    case LAB_CHECK_FINDING_UNREADABLE:
      return g_strdup_printf (_("“%s” could not be read, so it was not checked: %s"),
                              subject, detail);
    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_check_finding_get_repair_label:
 *
 * Returns: (nullable): the label of the repair button, or %NULL if none is offered
 */
const char *
lab_check_finding_get_repair_label (LabCheckFinding *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_FINDING (self), NULL);

  switch (self->repair)
    {
    case LAB_CHECK_REPAIR_NONE:
      return NULL;
    case LAB_CHECK_REPAIR_REBUILD_INDEX:
      return _("Rebuild Index");
    case LAB_CHECK_REPAIR_ADOPT_FILES:
      return _("Adopt Files");
    case LAB_CHECK_REPAIR_REMOVE_FILES:
      return _("Remove");
    case LAB_CHECK_REPAIR_RESTORE_FILES:
      return _("Restore Files");
    case LAB_CHECK_REPAIR_RESTORE_BACKUP:
      return _("Restore Backup");
    default:
      g_assert_not_reached ();
    }
}

/**
 * lab_check_finding_to_json:
 *
 * Returns: (transfer full): the finding, with its sentences for readers of
 *   `--json` output (they are made again when it is read back)
 */
JsonNode *
lab_check_finding_to_json (LabCheckFinding *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *title = lab_check_finding_dup_title (self);
  g_autofree char *explanation = lab_check_finding_dup_explanation (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lab_check_finding_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, lab_check_severity_to_string (self->severity));
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, self->subject);
  if (self->detail != NULL)
    {
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, self->detail);
    }
  if (self->paths->len > 0)
    {
      json_builder_set_member_name (builder, "paths");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->paths->len; i++)
        json_builder_add_string_value (builder, self->paths->pdata[i]);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, self->count);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, self->bytes);
  json_builder_set_member_name (builder, "repair");
  json_builder_add_string_value (builder, lab_check_repair_to_string (self->repair));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, explanation);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * lab_check_finding_new_from_json:
 * @object: what lab_check_finding_to_json() wrote
 *
 * Returns: (transfer full): the finding, or %NULL with %LAB_STORE_ERROR_INVALID
 */
LabCheckFinding *
lab_check_finding_new_from_json (JsonObject  *object,
                                 GError     **error)
{
  g_autoptr(LabCheckFinding) self = NULL;
  int kind, severity, repair;
  JsonArray *paths;

  if (!lab_enum_from_string (LAB_TYPE_CHECK_FINDING_KIND,
                       json_object_get_string_member_with_default (object, "kind", NULL), &kind) ||
      !lab_enum_from_string (LAB_TYPE_CHECK_SEVERITY,
                       json_object_get_string_member_with_default (object, "severity", NULL),
                       &severity) ||
      !lab_enum_from_string (LAB_TYPE_CHECK_REPAIR,
                       json_object_get_string_member_with_default (object, "repair", NULL),
                       &repair))
    {
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("A stored check finding has an unknown kind, severity or repair"));
      return NULL;
    }

  self = lab_check_finding_new (kind, json_object_get_string_member_with_default (object, "subject",
                                                                                  NULL));
  self->severity = severity;
  self->repair = repair;
  self->detail = g_strdup (json_object_get_string_member_with_default (object, "detail", NULL));
  self->count = json_object_get_int_member_with_default (object, "count", 0);
  self->bytes = json_object_get_int_member_with_default (object, "bytes", 0);

  paths = NULL;
  if (json_object_has_member (object, "paths") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "paths")))
    paths = json_object_get_array_member (object, "paths");
  for (guint i = 0; paths != NULL && i < json_array_get_length (paths); i++)
    {
      const char *path = json_array_get_string_element (paths, i);

      if (path != NULL)
        lab_check_finding_add_path (self, path);
    }

  return g_steal_pointer (&self);
}
