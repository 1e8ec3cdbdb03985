/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-legacy.h"

G_BEGIN_DECLS

/**
 * LabMigrationReportKind:
 * @LAB_MIGRATION_REPORT_DRY_RUN: what a migration would do; nothing was written
 * @LAB_MIGRATION_REPORT_MIGRATION: what a migration did
 * @LAB_MIGRATION_REPORT_ROLLBACK: what undoing a migration removed
 */
typedef enum
{
  LAB_MIGRATION_REPORT_DRY_RUN,
  LAB_MIGRATION_REPORT_MIGRATION,
  LAB_MIGRATION_REPORT_ROLLBACK,
} LabMigrationReportKind;

/**
 * LabMigrationIssue:
 * @source: the index of the source it concerns, or -1
 * @item: what it concerns: a legacy row ("chat_logs 17"), a session id, a path
 * @message: what happened to it and why: skipped, kept as text, …
 *
 * Something a person should know about a migration. Nothing is dropped
 * silently: each row or file that is not migrated as it is has an issue.
 */
typedef struct
{
  int source;
  char *item;
  char *message;
} LabMigrationIssue;

#define LAB_TYPE_MIGRATION_REPORT (lab_migration_report_get_type ())

G_DECLARE_FINAL_TYPE (LabMigrationReport, lab_migration_report, LAB, MIGRATION_REPORT, GObject)

LabMigrationReportKind lab_migration_report_get_kind        (LabMigrationReport *self);
guint              lab_migration_report_get_n_sources       (LabMigrationReport *self);
LabLegacySource   *lab_migration_report_get_source          (LabMigrationReport *self,
                                                             guint               index);
gboolean           lab_migration_report_get_source_skipped  (LabMigrationReport *self,
                                                             guint               index);
gboolean           lab_migration_report_get_any_skipped     (LabMigrationReport *self);
gint64             lab_migration_report_get_added           (LabMigrationReport *self,
                                                             int                 source,
                                                             const char         *table);
gint64             lab_migration_report_get_existing        (LabMigrationReport *self,
                                                             int                 source,
                                                             const char         *table);
gint64             lab_migration_report_get_removed         (LabMigrationReport *self,
                                                             const char         *table);
guint64            lab_migration_report_get_bytes           (LabMigrationReport *self,
                                                             int                 source);
gint64             lab_migration_report_get_total_added     (LabMigrationReport *self);
guint64            lab_migration_report_get_space_needed    (LabMigrationReport *self);
guint64            lab_migration_report_get_space_free      (LabMigrationReport *self);
GPtrArray         *lab_migration_report_get_issues          (LabMigrationReport *self);
gboolean           lab_migration_report_get_verified        (LabMigrationReport *self);
const char        *lab_migration_report_get_log_path        (LabMigrationReport *self);
const char        *lab_migration_report_get_backup_name     (LabMigrationReport *self);
JsonNode          *lab_migration_report_to_json             (LabMigrationReport *self);

G_END_DECLS
