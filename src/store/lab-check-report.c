/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-check-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lab-check-report.h"
#include "lab-enum.h"
#include "lab-error.h"
#include "lab-timestamp.h"

/**
 * LabCheckReport:
 *
 * The result of one integrity check: its level, when it ran and for how long,
 * and its findings, a #GListModel of #LabCheckFinding, errors first, that a
 * window can show in a list as it is.
 */
struct _LabCheckReport
{
  GObject parent_instance;

  LabCheckLevel level;
  gint64 checked_at;
  double duration;
  int schema_version;
  GListStore *findings;  /* of LabCheckFinding, errors first */
};

G_DEFINE_FINAL_TYPE (LabCheckReport, lab_check_report, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (LabCheckLevel, lab_check_level,
  G_DEFINE_ENUM_VALUE (LAB_CHECK_QUICK, "quick"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_FULL, "full"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_DEEP, "deep"))

G_DEFINE_ENUM_TYPE (LabCheckStatus, lab_check_status,
  G_DEFINE_ENUM_VALUE (LAB_CHECK_STATUS_OK, "ok"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_STATUS_WARNINGS, "warnings"),
  G_DEFINE_ENUM_VALUE (LAB_CHECK_STATUS_ERRORS, "errors"))

enum {
  PROP_0,
  PROP_LEVEL,
  PROP_STATUS,
  PROP_CHECKED_AT,
  PROP_DURATION,
  PROP_N_ERRORS,
  PROP_N_WARNINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
lab_check_level_to_string (LabCheckLevel level)
{
  return lab_enum_to_string (LAB_TYPE_CHECK_LEVEL, level);
}

const char *
lab_check_status_to_string (LabCheckStatus status)
{
  return lab_enum_to_string (LAB_TYPE_CHECK_STATUS, status);
}

static void
lab_check_report_finalize (GObject *object)
{
  LabCheckReport *self = (LabCheckReport *) object;

  g_clear_object (&self->findings);

  G_OBJECT_CLASS (lab_check_report_parent_class)->finalize (object);
}

static void
lab_check_report_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabCheckReport *self = LAB_CHECK_REPORT (object);

  switch (prop_id)
    {
    case PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, lab_check_report_get_status (self));
      break;
    case PROP_CHECKED_AT:
      g_value_set_int64 (value, self->checked_at);
      break;
    case PROP_DURATION:
      g_value_set_double (value, self->duration);
      break;
    case PROP_N_ERRORS:
      g_value_set_uint (value, lab_check_report_count (self, LAB_CHECK_SEVERITY_ERROR));
      break;
    case PROP_N_WARNINGS:
      g_value_set_uint (value, lab_check_report_count (self, LAB_CHECK_SEVERITY_WARNING));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_check_report_class_init (LabCheckReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_check_report_finalize;
  object_class->get_property = lab_check_report_get_property;

  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL, LAB_TYPE_CHECK_LEVEL, LAB_CHECK_QUICK, flags);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, LAB_TYPE_CHECK_STATUS, LAB_CHECK_STATUS_OK, flags);
  properties[PROP_CHECKED_AT] =
    g_param_spec_int64 ("checked-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_N_ERRORS] = g_param_spec_uint ("n-errors", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_N_WARNINGS] =
    g_param_spec_uint ("n-warnings", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_check_report_init (LabCheckReport *self)
{
  self->findings = g_list_store_new (LAB_TYPE_CHECK_FINDING);
}

/**
 * lab_check_report_new:
 *
 * Returns: (transfer full): an empty report
 */
LabCheckReport *
lab_check_report_new (LabCheckLevel level)
{
  LabCheckReport *self = g_object_new (LAB_TYPE_CHECK_REPORT, NULL);

  self->level = level;
  return self;
}

/**
 * lab_check_report_add:
 * @finding: (transfer none): a finding
 *
 * Adds @finding after the others of its severity, so the list stays ordered
 * errors first, then warnings, then notes.
 */
void
lab_check_report_add (LabCheckReport  *self,
                      LabCheckFinding *finding)
{
  LabCheckSeverity severity;
  guint n, position;

  g_return_if_fail (LAB_IS_CHECK_REPORT (self));
  g_return_if_fail (LAB_IS_CHECK_FINDING (finding));

  severity = lab_check_finding_get_severity (finding);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));
  for (position = 0; position < n; position++)
    {
      g_autoptr(LabCheckFinding) other = g_list_model_get_item (G_LIST_MODEL (self->findings),
                                                                position);

      if (lab_check_finding_get_severity (other) < severity)
        break;
    }

  g_list_store_insert (self->findings, position, finding);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * lab_check_report_get_findings:
 *
 * Returns: (transfer none): a #GListModel of #LabCheckFinding, errors first,
 *   then warnings, then notes
 */
GListModel *
lab_check_report_get_findings (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), NULL);
  return G_LIST_MODEL (self->findings);
}

/**
 * lab_check_report_set_times:
 * @checked_at: when the check started, µs since the epoch
 * @duration: how long it took, in seconds
 */
void
lab_check_report_set_times (LabCheckReport *self,
                            gint64          checked_at,
                            double          duration)
{
  g_return_if_fail (LAB_IS_CHECK_REPORT (self));

  self->checked_at = checked_at;
  self->duration = duration;
}

void
lab_check_report_set_schema_version (LabCheckReport *self,
                                     int             version)
{
  g_return_if_fail (LAB_IS_CHECK_REPORT (self));
  self->schema_version = version;
}

LabCheckLevel
lab_check_report_get_level (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), LAB_CHECK_QUICK);
  return self->level;
}

/**
 * lab_check_report_get_status:
 *
 * Returns: %LAB_CHECK_STATUS_ERRORS if any finding is an error, else
 *   %LAB_CHECK_STATUS_WARNINGS if any is a warning, else %LAB_CHECK_STATUS_OK
 */
LabCheckStatus
lab_check_report_get_status (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), LAB_CHECK_STATUS_OK);

  if (lab_check_report_count (self, LAB_CHECK_SEVERITY_ERROR) > 0)
    return LAB_CHECK_STATUS_ERRORS;
  if (lab_check_report_count (self, LAB_CHECK_SEVERITY_WARNING) > 0)
    return LAB_CHECK_STATUS_WARNINGS;
  return LAB_CHECK_STATUS_OK;
}

gint64
lab_check_report_get_checked_at (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), 0);
  return self->checked_at;
}

double
lab_check_report_get_duration (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), 0);
  return self->duration;
}

/**
 * lab_check_report_get_schema_version:
 *
 * Returns: the schema version the check read, or 0 if it could not read one
 */
int
lab_check_report_get_schema_version (LabCheckReport *self)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), 0);
  return self->schema_version;
}

guint
lab_check_report_count (LabCheckReport   *self,
                        LabCheckSeverity  severity)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      if (lab_check_finding_get_severity (finding) == severity)
        n++;
    }

  return n;
}

/**
 * lab_check_report_count_repairable:
 *
 * Returns: how many findings offer a repair
 */
guint
lab_check_report_count_repairable (LabCheckReport *self)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      if (lab_check_finding_get_repair (finding) != LAB_CHECK_REPAIR_NONE)
        n++;
    }

  return n;
}

/**
 * lab_check_report_find:
 * @subject: (nullable): the subject to match, or %NULL for any
 *
 * Returns: (transfer none) (nullable): the first finding of @kind about @subject
 */
LabCheckFinding *
lab_check_report_find (LabCheckReport      *self,
                       LabCheckFindingKind  kind,
                       const char          *subject)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      /* The store keeps its own reference. */
      if (lab_check_finding_get_kind (finding) == kind &&
          (subject == NULL || g_strcmp0 (lab_check_finding_get_subject (finding), subject) == 0))
        return finding;
    }

  return NULL;
}

/**
 * lab_check_report_offers_repair:
 * @repair: a repair
 *
 * Returns: whether a finding offers @repair (%LAB_CHECK_REPAIR_RESTORE_BACKUP:
 *   the database is damaged and a good backup could replace it)
 */
gboolean
lab_check_report_offers_repair (LabCheckReport  *self,
                                LabCheckRepair   repair)
{
  g_return_val_if_fail (LAB_IS_CHECK_REPORT (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      if (lab_check_finding_get_repair (finding) == repair)
        return TRUE;
    }

  return FALSE;
}

/**
 * lab_check_report_has_problems:
 *
 * Returns: whether any finding is a warning or an error (what makes
 *   `labdata-cli check` exit with 3)
 */
gboolean
lab_check_report_has_problems (LabCheckReport *self)
{
  return lab_check_report_get_status (self) != LAB_CHECK_STATUS_OK;
}

/**
 * lab_check_report_dup_summary:
 *
 * Returns: (transfer full): one line for a status row: "No problems found",
 *   "2 problems found (1 error)", …
 */
char *
lab_check_report_dup_summary (LabCheckReport *self)
{
  guint errors = lab_check_report_count (self, LAB_CHECK_SEVERITY_ERROR);
  guint warnings = lab_check_report_count (self, LAB_CHECK_SEVERITY_WARNING);
  g_autofree char *e = NULL;
  g_autofree char *w = NULL;

  if (errors + warnings == 0)
    return g_strdup (_("No problems found"));

  e = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u error", "%u errors", errors), errors);
  w = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u warning", "%u warnings", warnings),
                       warnings);

  if (errors == 0)
    return g_steal_pointer (&w);
  if (warnings == 0)
    return g_steal_pointer (&e);

  /* Translators: an error count and a warning count, "2 errors, 3 warnings" */
  return g_strdup_printf (_("%s, %s"), e, w);
}

/**
 * lab_check_report_to_json:
 *
 * Returns: (transfer full): the report, as stored and as `check --json` prints it
 */
JsonNode *
lab_check_report_to_json (LabCheckReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *checked_at = lab_timestamp_format (self->checked_at);
  g_autofree char *summary = lab_check_report_dup_summary (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, lab_check_level_to_string (self->level));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder,
                                 lab_check_status_to_string (lab_check_report_get_status (self)));
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, summary);
  json_builder_set_member_name (builder, "checked_at");
  json_builder_add_string_value (builder, checked_at);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, self->duration);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, self->schema_version);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, lab_check_report_count (self, LAB_CHECK_SEVERITY_ERROR));
  json_builder_set_member_name (builder, "warnings");
  json_builder_add_int_value (builder, lab_check_report_count (self, LAB_CHECK_SEVERITY_WARNING));
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->findings)); i++)
    {
      g_autoptr(LabCheckFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      json_builder_add_value (builder, lab_check_finding_to_json (finding));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * lab_check_report_new_from_json:
 * @object: what lab_check_report_to_json() wrote
 *
 * Returns: (transfer full): the report, or %NULL with %LAB_STORE_ERROR_INVALID
 */
LabCheckReport *
lab_check_report_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(LabCheckReport) self = NULL;
  const char *checked_at;
  JsonNode *findings;
  int level;

  checked_at = json_object_get_string_member_with_default (object, "checked_at", NULL);
  findings = json_object_get_member (object, "findings");

  if (!lab_enum_from_string (LAB_TYPE_CHECK_LEVEL,
                             json_object_get_string_member_with_default (object, "level", NULL),
                             &level) ||
      checked_at == NULL || findings == NULL || !JSON_NODE_HOLDS_ARRAY (findings))
    {
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("The stored check result is not valid"));
      return NULL;
    }

  self = lab_check_report_new (level);
  if (!lab_timestamp_parse (checked_at, &self->checked_at))
    {
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                           _("The stored check result has a bad time"));
      return NULL;
    }
  self->duration = json_object_get_double_member_with_default (object, "duration", 0);
  self->schema_version = json_object_get_int_member_with_default (object, "schema_version", 0);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (findings)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (findings), i);
      g_autoptr(LabCheckFinding) finding = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                               _("The stored check result is not valid"));
          return NULL;
        }

      finding = lab_check_finding_new_from_json (json_node_get_object (node), error);
      if (finding == NULL)
        return NULL;
      lab_check_report_add (self, finding);
    }

  return g_steal_pointer (&self);
}
