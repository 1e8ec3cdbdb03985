/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-legacy-export"

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-legacy-json.h"
#include "lab-legacy-private.h"
#include "lab-timestamp.h"

/*
 * The JSON export of seed 004, {version, exportedAt, sessions, chatLogs,
 * brains}, migrated. The file is read by the import's reader
 * (lab_legacy_json_read(), lab-legacy-json.c), which maps it onto LabData's
 * tables; this only hands its rows to the migration's emitter, so that an
 * export migrates like the other sources: in the migration's transaction,
 * recognised when migrated again, verified and logged for a rollback.
 */

#define KIND "json-export"

typedef struct
{
  LabLegacySource *source;
  LabLegacyEmitter *emitter;     /* NULL when inspecting */
  GHashTable *sessions;          /* legacy session ids emitted */
  GHashTable *counts;            /* table → gint64*, when inspecting or counting */
  GHashTable *per_session;       /* session id → gint64*, messages, when counting */
  gint64 rows;
} ExportReader;

static void
add_count (GHashTable *table,
           const char *key,
           gint64      n)
{
  gint64 *count = g_hash_table_lookup (table, key);

  if (count == NULL)
    {
      count = g_new0 (gint64, 1);
      g_hash_table_insert (table, g_strdup (key), count);
    }
  *count += n;
}

/* The provenance every migrated row carries in metadata.legacy; the reader
 * may have put there what had no column already. */
static void
mark_legacy (JsonObject *row,
             const char *orig_id)
{
  JsonObject *metadata;
  JsonObject *legacy;

  if (!json_object_has_member (row, "metadata") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "metadata")))
    json_object_set_object_member (row, "metadata", json_object_new ());
  metadata = json_object_get_object_member (row, "metadata");

  if (!json_object_has_member (metadata, "legacy") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (metadata, "legacy")))
    json_object_set_object_member (metadata, "legacy", json_object_new ());
  legacy = json_object_get_object_member (metadata, "legacy");

  json_object_set_string_member (legacy, "source", KIND);
  json_object_set_string_member (legacy, "id", orig_id);
}

/* A chat log may name a session the export does not have: one is made. */
static gboolean
emit_missing_session (ExportReader  *r,
                      const char    *session_id,
                      JsonObject    *message,
                      GError       **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *identity = g_strjoin ("\x1f", KIND, session_id, "messages", NULL);
  g_autofree char *title = g_strdup_printf (_("Recovered session %s"), session_id);
  const char *time = json_object_get_string_member (message, "created_at");

  json_object_set_string_member (row, "title", title);
  json_object_set_string_member (row, "status", "completed");
  json_object_set_string_member (row, "created_at", time);
  json_object_set_string_member (row, "updated_at", time);
  json_object_set_string_member (row, "last_activity_at", time);
  json_object_set_object_member (row, "metadata",
                                 _lab_legacy_made_session_metadata (KIND, session_id, "messages", NULL));

  _lab_legacy_emit_issue (r->emitter, session_id,
                          _("a chat log names this session, which the export does not have; a "
                            "session is made for its messages"));
  g_hash_table_add (r->sessions, g_strdup (session_id));

  return _lab_legacy_emit_session (r->emitter, session_id, identity, row, error);
}

static gboolean
row_cb (const LabTableInfo  *table,
        JsonObject          *row,
        const char          *where,
        gpointer             user_data,
        GError             **error)
{
  ExportReader *r = user_data;
  g_autofree char *orig_id = g_strdup (json_object_get_string_member (row, "id"));

  r->rows++;

  /* Inspecting: what the export holds, and its time span. */
  if (r->emitter == NULL)
    {
      gint64 usec;

      add_count (r->counts, table->name, 1);
      if (r->per_session == NULL && g_str_equal (table->name, "sessions"))
        {
          static const char * const times[] = { "created_at", "last_activity_at" };

          for (guint i = 0; i < G_N_ELEMENTS (times); i++)
            {
              if (lab_timestamp_parse (json_object_get_string_member (row, times[i]), &usec))
                _lab_legacy_source_extend_time (r->source, usec);
            }
        }
      if (r->per_session != NULL && g_str_equal (table->name, "messages"))
        add_count (r->per_session, json_object_get_string_member (row, "session_id"), 1);
      return TRUE;
    }

  if (r->rows % 512 == 0 && !_lab_legacy_emitter_check (r->emitter, -1, error))
    return FALSE;

  if (g_str_equal (table->name, "sessions"))
    {
      /* A session is the same one when its id and its creation time are. */
      g_autofree char *identity = g_strjoin ("\x1f", KIND, orig_id,
                                             json_object_get_string_member (row, "created_at"), NULL);

      if (g_hash_table_contains (r->sessions, orig_id))
        {
          _lab_legacy_emit_issue (r->emitter, where, _("the export lists this session more than "
                                                       "once; only its first entry is migrated"));
          return TRUE;
        }
      g_hash_table_add (r->sessions, g_strdup (orig_id));
      mark_legacy (row, orig_id);
      json_object_remove_member (row, "id");

      return _lab_legacy_emit_session (r->emitter, orig_id, identity, row, error);
    }

  if (g_str_equal (table->name, "messages"))
    {
      g_autofree char *session = g_strdup (json_object_get_string_member (row, "session_id"));

      if (!g_hash_table_contains (r->sessions, session) &&
          !emit_missing_session (r, session, row, error))
        return FALSE;

      mark_legacy (row, orig_id);
      json_object_remove_member (row, "id");
      json_object_remove_member (row, "session_id");
      json_object_remove_member (row, "sequence");

      return _lab_legacy_emit_row (r->emitter, "messages", session, orig_id, row, error);
    }

  /* Brains belong to no session and keep their entity id. */
  return _lab_legacy_emit_row (r->emitter, table->name, NULL, orig_id, row, error);
}

static gboolean
read_export (ExportReader  *r,
             GError       **error)
{
  g_autoptr(GHashTable) sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  r->sessions = sessions;
  return lab_legacy_json_read (lab_legacy_source_get_database_path (r->source), row_cb, r,
                               NULL, NULL, error);
}

gboolean
_lab_legacy_export_inspect (LabLegacySource  *source,
                            GError          **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  static const char * const tables[] = { "sessions", "messages", "brains" };
  ExportReader r = { source, NULL, NULL, counts, NULL, 0 };
  struct stat st;

  if (stat (lab_legacy_source_get_database_path (source), &st) == 0)
    _lab_legacy_source_add_size (source, st.st_size);

  if (!read_export (&r, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      gint64 *n = g_hash_table_lookup (counts, tables[i]);

      _lab_legacy_source_add_count (source, tables[i], n ? *n : 0, 0);
    }

  return TRUE;
}

gboolean
_lab_legacy_export_read (LabLegacySource   *source,
                         LabLegacyEmitter  *emitter,
                         GError           **error)
{
  ExportReader r = { source, emitter, NULL, NULL, NULL, 0 };

  return read_export (&r, error);
}

/* The verification's count: the messages of each session, by the reader's
 * own account of the file. */
gboolean
_lab_legacy_export_count (LabLegacySource    *source,
                          LabLegacyCountFunc  func,
                          gpointer            user_data,
                          GError            **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) per_session = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ExportReader r = { source, NULL, NULL, counts, per_session, 0 };
  GHashTableIter iter;
  const char *session;
  gint64 *n;

  if (!read_export (&r, error))
    return FALSE;

  g_hash_table_iter_init (&iter, per_session);
  while (g_hash_table_iter_next (&iter, (gpointer *) &session, (gpointer *) &n))
    func (session, "messages", *n, user_data);

  return TRUE;
}
