/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-migrate.h"
#include "lab-migration-report.h"

G_BEGIN_DECLS

/* Counts are kept per table of lab_schema_get_tables(), in that order. */
#define LAB_MIGRATION_MAX_TABLES 16

typedef struct
{
  LabLegacySource *source;
  gboolean skipped;           /* not usable: not migrated, see the issues */
  gint64 added[LAB_MIGRATION_MAX_TABLES];
  gint64 existing[LAB_MIGRATION_MAX_TABLES];
  guint64 bytes;              /* bytes of workspace files added */
  guint64 row_bytes;          /* an estimate of the database bytes added */
} LabMigrationSourceReport;

struct _LabMigrationReport
{
  GObject parent_instance;

  LabMigrationReportKind kind;
  GArray *sources;            /* of LabMigrationSourceReport */
  gint64 removed[LAB_MIGRATION_MAX_TABLES];
  GPtrArray *issues;          /* of LabMigrationIssue */
  guint64 space_needed;
  guint64 space_free;
  gboolean verified;
  char *log_path;
  char *backup_name;
  char *started_at;
  char *finished_at;
};

/* The report of the source at @i of @report. */
#define LAB_MIGRATION_SOURCE(report, i) \
  (&g_array_index ((report)->sources, LabMigrationSourceReport, (i)))

LabMigrationReport       *_lab_migration_report_new        (LabMigrationReportKind kind);
LabMigrationSourceReport *_lab_migration_report_add_source (LabMigrationReport *self,
                                                            LabLegacySource    *source);
void                      _lab_migration_report_add_issue  (LabMigrationReport *self,
                                                            int                 source,
                                                            const char         *item,
                                                            const char         *message);
int                       _lab_migration_table_index       (const char         *table);

/* For the tests: make the next migration or rollback fail at @point (one of
 * "session", "row", "file", "verify", "commit", "move", "rollback-delete")
 * the @countdown-th time it gets there, as a full disk or a crash would. */
void                      _lab_migrate_inject_failure      (const char         *point,
                                                            guint               countdown);

G_END_DECLS
