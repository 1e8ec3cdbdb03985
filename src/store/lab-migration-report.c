/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-migration-report"

#include "config.h"

#include "lab-migrate-private.h"
#include "lab-schema.h"

/**
 * LabMigrationReport:
 *
 * What a migration would do (a dry run), did, or what undoing one removed:
 * per source and per LabData table the rows added and the rows an earlier
 * migration had already brought in, the bytes of files, the disk space
 * needed and free, and every row or file that was not migrated as it was,
 * with the reason. The migration assistant shows it; `labdata-cli migrate`
 * prints it.
 */

G_DEFINE_FINAL_TYPE (LabMigrationReport, lab_migration_report, G_TYPE_OBJECT)

static void
issue_free (gpointer data)
{
  LabMigrationIssue *issue = data;

  g_free (issue->item);
  g_free (issue->message);
  g_free (issue);
}

static void
source_report_clear (gpointer data)
{
  LabMigrationSourceReport *report = data;

  g_clear_object (&report->source);
}

static void
lab_migration_report_finalize (GObject *object)
{
  LabMigrationReport *self = (LabMigrationReport *) object;

  g_array_unref (self->sources);
  g_ptr_array_unref (self->issues);
  g_free (self->log_path);
  g_free (self->backup_name);
  g_free (self->started_at);
  g_free (self->finished_at);

  G_OBJECT_CLASS (lab_migration_report_parent_class)->finalize (object);
}

static void
lab_migration_report_class_init (LabMigrationReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_migration_report_finalize;
}

static void
lab_migration_report_init (LabMigrationReport *self)
{
  self->sources = g_array_new (FALSE, TRUE, sizeof (LabMigrationSourceReport));
  g_array_set_clear_func (self->sources, source_report_clear);
  self->issues = g_ptr_array_new_with_free_func (issue_free);
}

LabMigrationReport *
_lab_migration_report_new (LabMigrationReportKind kind)
{
  LabMigrationReport *self = g_object_new (LAB_TYPE_MIGRATION_REPORT, NULL);

  self->kind = kind;
  return self;
}

/* The pointer is valid until the next source is added. */
LabMigrationSourceReport *
_lab_migration_report_add_source (LabMigrationReport *self,
                                  LabLegacySource    *source)
{
  LabMigrationSourceReport entry = { 0 };

  entry.source = g_object_ref (source);
  g_array_append_val (self->sources, entry);

  return &g_array_index (self->sources, LabMigrationSourceReport, self->sources->len - 1);
}

void
_lab_migration_report_add_issue (LabMigrationReport *self,
                                 int                 source,
                                 const char         *item,
                                 const char         *message)
{
  LabMigrationIssue *issue = g_new0 (LabMigrationIssue, 1);

  issue->source = source;
  issue->item = g_strdup (item);
  issue->message = g_strdup (message);
  g_ptr_array_add (self->issues, issue);
}

int
_lab_migration_table_index (const char *table)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  g_assert (n_tables <= LAB_MIGRATION_MAX_TABLES);

  for (guint i = 0; i < n_tables; i++)
    {
      if (g_str_equal (tables[i].name, table))
        return i;
    }

  return -1;
}

LabMigrationReportKind
lab_migration_report_get_kind (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return self->kind;
}

guint
lab_migration_report_get_n_sources (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return self->sources->len;
}

/**
 * lab_migration_report_get_source:
 *
 * Returns: (transfer none): the source at @index
 */
LabLegacySource *
lab_migration_report_get_source (LabMigrationReport *self,
                                 guint               index)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), NULL);
  g_return_val_if_fail (index < self->sources->len, NULL);

  return g_array_index (self->sources, LabMigrationSourceReport, index).source;
}

/**
 * lab_migration_report_get_source_skipped:
 *
 * Returns: whether the source at @index was left out because it cannot be
 *   migrated as it is (see lab_legacy_source_get_problem())
 */
gboolean
lab_migration_report_get_source_skipped (LabMigrationReport *self,
                                         guint               index)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), FALSE);
  g_return_val_if_fail (index < self->sources->len, FALSE);

  return g_array_index (self->sources, LabMigrationSourceReport, index).skipped;
}

/**
 * lab_migration_report_get_any_skipped:
 *
 * Returns: whether any source was left out; lab_migrate() refuses such a set
 *   as a whole, so a plan with one cannot be carried out as it is
 */
gboolean
lab_migration_report_get_any_skipped (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), FALSE);

  for (guint i = 0; i < self->sources->len; i++)
    {
      if (g_array_index (self->sources, LabMigrationSourceReport, i).skipped)
        return TRUE;
    }

  return FALSE;
}

static gint64
sum_counts (LabMigrationReport *self,
            int                 source,
            const char         *table,
            gboolean            existing)
{
  int t = _lab_migration_table_index (table);
  gint64 total = 0;

  g_return_val_if_fail (t >= 0, 0);
  g_return_val_if_fail (source < (int) self->sources->len, 0);

  for (guint i = 0; i < self->sources->len; i++)
    {
      LabMigrationSourceReport *report = LAB_MIGRATION_SOURCE (self, i);

      if (source >= 0 && (guint) source != i)
        continue;
      total += existing ? report->existing[t] : report->added[t];
    }

  return total;
}

/**
 * lab_migration_report_get_added:
 * @source: a source index, or -1 for all
 * @table: a LabData table ("sessions", "messages", "workspace_files", …)
 *
 * Returns: the rows added (by a migration) or that would be (by a dry run)
 */
gint64
lab_migration_report_get_added (LabMigrationReport *self,
                                int                 source,
                                const char         *table)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return sum_counts (self, source, table, FALSE);
}

/**
 * lab_migration_report_get_existing:
 * @source: a source index, or -1 for all
 * @table: a LabData table
 *
 * Returns: the rows of the source an earlier migration already brought in
 */
gint64
lab_migration_report_get_existing (LabMigrationReport *self,
                                   int                 source,
                                   const char         *table)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return sum_counts (self, source, table, TRUE);
}

/**
 * lab_migration_report_get_removed:
 * @table: a LabData table
 *
 * Returns: for a rollback, the rows it removed
 */
gint64
lab_migration_report_get_removed (LabMigrationReport *self,
                                  const char         *table)
{
  int t;

  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  t = _lab_migration_table_index (table);
  g_return_val_if_fail (t >= 0, 0);

  return self->removed[t];
}

/**
 * lab_migration_report_get_bytes:
 * @source: a source index, or -1 for all
 *
 * Returns: the bytes of workspace files copied, or to be copied
 */
guint64
lab_migration_report_get_bytes (LabMigrationReport *self,
                                int                 source)
{
  guint64 total = 0;

  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);

  for (guint i = 0; i < self->sources->len; i++)
    {
      if (source < 0 || (guint) source == i)
        total += g_array_index (self->sources, LabMigrationSourceReport, i).bytes;
    }

  return total;
}

/**
 * lab_migration_report_get_total_added:
 *
 * Returns: all rows added, of every table and source (0: nothing new)
 */
gint64
lab_migration_report_get_total_added (LabMigrationReport *self)
{
  gint64 total = 0;

  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);

  for (guint i = 0; i < self->sources->len; i++)
    {
      LabMigrationSourceReport *report = LAB_MIGRATION_SOURCE (self, i);

      for (guint t = 0; t < LAB_MIGRATION_MAX_TABLES; t++)
        total += report->added[t];
    }

  return total;
}

/**
 * lab_migration_report_get_space_needed:
 *
 * Returns: an estimate of the disk space the migration needs, with the
 *   pre-migration backup
 */
guint64
lab_migration_report_get_space_needed (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return self->space_needed;
}

/**
 * lab_migration_report_get_space_free:
 *
 * Returns: the free space on the disk of the data directory
 */
guint64
lab_migration_report_get_space_free (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), 0);
  return self->space_free;
}

/**
 * lab_migration_report_get_issues:
 *
 * Returns: (transfer none) (element-type LabMigrationIssue): what was not
 *   migrated as it was, and why
 */
GPtrArray *
lab_migration_report_get_issues (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), NULL);
  return self->issues;
}

/**
 * lab_migration_report_get_verified:
 *
 * Returns: whether the migration was verified: the rows of each table and
 *   session match the source, and every copied file its checksum
 */
gboolean
lab_migration_report_get_verified (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), FALSE);
  return self->verified;
}

/**
 * lab_migration_report_get_log_path:
 *
 * Returns: (transfer none) (nullable): the migration log
 *   (`logs/migration_log_<timestamp>.json`), which `migrate --rollback` takes
 */
const char *
lab_migration_report_get_log_path (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), NULL);
  return self->log_path;
}

/**
 * lab_migration_report_get_backup_name:
 *
 * Returns: (transfer none) (nullable): the backup made before writing
 */
const char *
lab_migration_report_get_backup_name (LabMigrationReport *self)
{
  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), NULL);
  return self->backup_name;
}

static const char *
kind_to_string (LabMigrationReportKind kind)
{
  switch (kind)
    {
    case LAB_MIGRATION_REPORT_DRY_RUN:
      return "dry-run";
    case LAB_MIGRATION_REPORT_MIGRATION:
      return "migration";
    case LAB_MIGRATION_REPORT_ROLLBACK:
      return "rollback";
    default:
      g_assert_not_reached ();
    }
}

static void
add_counts (JsonBuilder  *builder,
            const gint64 *added,
            const gint64 *existing)
{
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  json_builder_begin_object (builder);
  for (guint t = 0; t < n_tables; t++)
    {
      if (added[t] == 0 && (existing == NULL || existing[t] == 0))
        continue;
      json_builder_set_member_name (builder, tables[t].name);
      if (existing == NULL)
        json_builder_add_int_value (builder, added[t]);
      else
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "added");
          json_builder_add_int_value (builder, added[t]);
          json_builder_set_member_name (builder, "existing");
          json_builder_add_int_value (builder, existing[t]);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_object (builder);
}

/**
 * lab_migration_report_to_json:
 *
 * Returns: (transfer full): the report as JSON, for `--json` and the log
 */
JsonNode *
lab_migration_report_to_json (LabMigrationReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LAB_IS_MIGRATION_REPORT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_to_string (self->kind));

  if (self->kind == LAB_MIGRATION_REPORT_ROLLBACK)
    {
      json_builder_set_member_name (builder, "removed");
      add_counts (builder, self->removed, NULL);
    }
  else
    {
      json_builder_set_member_name (builder, "sources");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->sources->len; i++)
        {
          LabMigrationSourceReport *report = LAB_MIGRATION_SOURCE (self, i);
          g_autoptr(JsonNode) source = lab_legacy_source_to_json (report->source);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "source");
          json_builder_add_value (builder, g_steal_pointer (&source));
          json_builder_set_member_name (builder, "skipped");
          json_builder_add_boolean_value (builder, report->skipped);
          json_builder_set_member_name (builder, "counts");
          add_counts (builder, report->added, report->existing);
          json_builder_set_member_name (builder, "bytes");
          json_builder_add_int_value (builder, report->bytes);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "space_needed");
      json_builder_add_int_value (builder, self->space_needed);
      json_builder_set_member_name (builder, "space_free");
      json_builder_add_int_value (builder, self->space_free);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_boolean_value (builder, self->verified);
    }

  json_builder_set_member_name (builder, "issues");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->issues->len; i++)
    {
      LabMigrationIssue *issue = g_ptr_array_index (self->issues, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_add_int_value (builder, issue->source);
      json_builder_set_member_name (builder, "item");
      json_builder_add_string_value (builder, issue->item);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, issue->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (self->log_path != NULL)
    {
      json_builder_set_member_name (builder, "log");
      json_builder_add_string_value (builder, self->log_path);
    }
  if (self->backup_name != NULL)
    {
      json_builder_set_member_name (builder, "backup");
      json_builder_add_string_value (builder, self->backup_name);
    }
  if (self->started_at != NULL)
    {
      json_builder_set_member_name (builder, "started_at");
      json_builder_add_string_value (builder, self->started_at);
    }
  if (self->finished_at != NULL)
    {
      json_builder_set_member_name (builder, "finished_at");
      json_builder_add_string_value (builder, self->finished_at);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
