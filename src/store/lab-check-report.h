/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lab-check-finding.h"

G_BEGIN_DECLS

/**
 * LabCheckLevel:
 * @LAB_CHECK_QUICK: quick_check and the schema version; fast enough for every start-up
 * @LAB_CHECK_FULL: everything: integrity_check, foreign keys, full-text indexes,
 *   workspace files and backup checksums; each full-text index is checked
 *   on its own and for a row of the index for every row of its table
 * @LAB_CHECK_DEEP: the full check, and each full-text index compared word by
 *   word with its table's content (FTS5 `integrity-check` with rank 1): about
 *   twice as long on a large store (`check --deep`, "Thorough Check")
 */
typedef enum
{
  LAB_CHECK_QUICK,
  LAB_CHECK_FULL,
  LAB_CHECK_DEEP,
} LabCheckLevel;

/**
 * LabCheckStatus:
 * @LAB_CHECK_STATUS_OK: nothing to do (findings, if any, are informative)
 * @LAB_CHECK_STATUS_WARNINGS: something needs attention; no data is damaged
 * @LAB_CHECK_STATUS_ERRORS: data is damaged, missing or unreachable
 */
typedef enum
{
  LAB_CHECK_STATUS_OK,
  LAB_CHECK_STATUS_WARNINGS,
  LAB_CHECK_STATUS_ERRORS,
} LabCheckStatus;

#define LAB_TYPE_CHECK_LEVEL (lab_check_level_get_type ())
#define LAB_TYPE_CHECK_STATUS (lab_check_status_get_type ())

GType lab_check_level_get_type  (void) G_GNUC_CONST;
GType lab_check_status_get_type (void) G_GNUC_CONST;

#define LAB_TYPE_CHECK_REPORT (lab_check_report_get_type ())

G_DECLARE_FINAL_TYPE (LabCheckReport, lab_check_report, LAB, CHECK_REPORT, GObject)

LabCheckReport  *lab_check_report_new            (LabCheckLevel    level);
void             lab_check_report_add            (LabCheckReport  *self,
                                                  LabCheckFinding *finding);
GListModel      *lab_check_report_get_findings   (LabCheckReport  *self);
void             lab_check_report_set_times      (LabCheckReport  *self,
                                                  gint64           checked_at,
                                                  double           duration);
void             lab_check_report_set_schema_version (LabCheckReport *self,
                                                      int             version);
LabCheckLevel    lab_check_report_get_level      (LabCheckReport  *self);
LabCheckStatus   lab_check_report_get_status     (LabCheckReport  *self);
gint64           lab_check_report_get_checked_at (LabCheckReport  *self);
double           lab_check_report_get_duration   (LabCheckReport  *self);
int              lab_check_report_get_schema_version (LabCheckReport *self);
guint            lab_check_report_count          (LabCheckReport  *self,
                                                  LabCheckSeverity severity);
guint            lab_check_report_count_repairable (LabCheckReport *self);
LabCheckFinding *lab_check_report_find           (LabCheckReport  *self,
                                                  LabCheckFindingKind kind,
                                                  const char      *subject);
gboolean         lab_check_report_offers_repair  (LabCheckReport  *self,
                                                  LabCheckRepair   repair);
gboolean         lab_check_report_has_problems   (LabCheckReport  *self);
char            *lab_check_report_dup_summary    (LabCheckReport  *self);
JsonNode        *lab_check_report_to_json        (LabCheckReport  *self);
LabCheckReport  *lab_check_report_new_from_json  (JsonObject      *object,
                                                  GError         **error);

const char      *lab_check_level_to_string       (LabCheckLevel    level);
const char      *lab_check_status_to_string      (LabCheckStatus   status);

G_END_DECLS
