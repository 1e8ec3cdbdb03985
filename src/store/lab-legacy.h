/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * LabLegacyKind:
 * @LAB_LEGACY_KIND_AI_RESEARCH_LAB: an `~/.ai_research_lab` folder (seed 000):
 *   `data/research_sessions.db` with sessions, metrics, chat_logs,
 *   agent_activity and meetings, output files, backups, archives, config
 * @LAB_LEGACY_KIND_EVENTS_DB: an agent server's `events.db` (seed 003): tables
 *   `session` and `event`, with `workspace/<session>/` folders beside it
 * @LAB_LEGACY_KIND_JSON_EXPORT: a JSON export `{version, exportedAt, sessions,
 *   chatLogs, brains}` (seed 004)
 *
 * The older layouts LabData migrates from (DESIGN.md, "Legacy data").
 */
typedef enum
{
  LAB_LEGACY_KIND_AI_RESEARCH_LAB,
  LAB_LEGACY_KIND_EVENTS_DB,
  LAB_LEGACY_KIND_JSON_EXPORT,
} LabLegacyKind;

/**
 * LabLegacyCount:
 * @name: what is counted, in the source's own words: a legacy table name
 *   ("sessions", "chat_logs", "event", …) or "files", "backups", "archives"
 * @count: how many
 * @size: bytes on disk, for files, backups and archives; 0 otherwise
 */
typedef struct
{
  const char *name;
  gint64 count;
  guint64 size;
} LabLegacyCount;

#define LAB_TYPE_LEGACY_SOURCE (lab_legacy_source_get_type ())

G_DECLARE_FINAL_TYPE (LabLegacySource, lab_legacy_source, LAB, LEGACY_SOURCE, GObject)

const char      *lab_legacy_kind_to_string           (LabLegacyKind     kind);
const char      *lab_legacy_kind_get_label           (LabLegacyKind     kind);

char           **lab_legacy_default_locations        (void);
LabLegacySource *lab_legacy_source_inspect           (const char       *path,
                                                      GCancellable     *cancellable,
                                                      GError          **error);
GPtrArray       *lab_legacy_detect                   (const char * const *paths,
                                                      GCancellable     *cancellable,
                                                      GError          **error);
void             lab_legacy_detect_async             (const char * const *paths,
                                                      GCancellable     *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer          user_data);
GPtrArray       *lab_legacy_detect_finish            (GAsyncResult     *result,
                                                      GError          **error);

LabLegacyKind    lab_legacy_source_get_kind          (LabLegacySource  *self);
const char      *lab_legacy_source_get_path          (LabLegacySource  *self);
const char      *lab_legacy_source_get_database_path (LabLegacySource  *self);
const char      *lab_legacy_source_get_display_name  (LabLegacySource  *self);
const GError    *lab_legacy_source_get_problem       (LabLegacySource  *self);
gboolean         lab_legacy_source_is_usable         (LabLegacySource  *self);
GArray          *lab_legacy_source_get_counts        (LabLegacySource  *self);
gint64           lab_legacy_source_get_count         (LabLegacySource  *self,
                                                      const char       *name);
guint64          lab_legacy_source_get_size          (LabLegacySource  *self);
gint64           lab_legacy_source_get_first_time    (LabLegacySource  *self);
gint64           lab_legacy_source_get_last_time     (LabLegacySource  *self);
GPtrArray       *lab_legacy_source_get_notes         (LabLegacySource  *self);
JsonNode        *lab_legacy_source_to_json           (LabLegacySource  *self);

G_END_DECLS
