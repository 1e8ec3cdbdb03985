/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup-retention"

#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n-lib.h>

#include "lab-backup-private.h"

/*
 * Retention: backups older than retention.backup_days go, but the newest
 * retention.backup_keep_min good ones and every pinned one stay, however old.
 * A backup whose age cannot be read (its sidecar is damaged) stays too: it is
 * deleted by hand, never by a rule that cannot see it. Workspace objects go
 * when no remaining backup lists them.
 */

#define DAY_USEC (G_USEC_PER_SEC * (gint64) 86400)

/**
 * lab_backup_retention_select:
 * @backups: (element-type LabBackupInfo): every backup, newest first, as
 *   lab_backup_list() returns them
 * @days: backups older than this many days may go
 * @keep_min: this many of the newest good backups always stay
 * @now: the current time, µs since the epoch
 *
 * The rule itself, without reading anything.
 *
 * Returns: (transfer container) (element-type LabBackupInfo): the backups to
 *   delete, oldest first
 */
GPtrArray *
lab_backup_retention_select (GPtrArray *backups,
                             gint64     days,
                             gint64     keep_min,
                             gint64     now)
{
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 cutoff = now - days * DAY_USEC;
  gint64 good_kept = 0;

  for (guint i = 0; i < backups->len; i++)
    {
      LabBackupInfo *info = backups->pdata[i];
      gint64 created = lab_backup_info_get_created_at (info);
      gboolean keep = FALSE;

      if (lab_backup_info_is_good (info) && good_kept < keep_min)
        {
          good_kept++;
          keep = TRUE;
        }

      if (lab_backup_info_get_pinned (info) || created == 0 || created >= cutoff)
        keep = TRUE;

      if (!keep)
        g_ptr_array_insert (doomed, 0, g_object_ref (info));
    }

  return g_steal_pointer (&doomed);
}

static void
add_objects (LabDataDir *dir,
             const char *name,
             GHashTable *objects)
{
  g_autoptr(JsonObject) sidecar = _lab_backup_read_sidecar (dir, name, NULL);
  JsonObject *files = sidecar ? json_object_get_object_member (sidecar, "files") : NULL;
  JsonObjectIter iter;
  const char *relative;
  JsonNode *node;

  if (files == NULL)
    return;

  json_object_iter_init (&iter, files);
  while (json_object_iter_next (&iter, &relative, &node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && lab_sha256_is_valid_hex (json_node_get_string (node)))
        g_hash_table_add (objects, g_strdup (json_node_get_string (node)));
    }
}

static guint64
file_size (const char *path)
{
  struct stat st;

  return path != NULL && stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* What deleting @doomed frees: their files, and the objects only they list. */
static guint64
reclaimed_bytes (LabDataDir *dir,
                 GPtrArray  *backups,
                 GPtrArray  *doomed)
{
  g_autoptr(GHashTable) kept_objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) doomed_objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                NULL);
  GHashTableIter iter;
  gpointer sha;
  guint64 total = 0;

  for (guint i = 0; i < backups->len; i++)
    {
      if (!g_ptr_array_find (doomed, backups->pdata[i], NULL))
        add_objects (dir, lab_backup_info_get_name (backups->pdata[i]), kept_objects);
    }

  for (guint i = 0; i < doomed->len; i++)
    {
      LabBackupInfo *info = doomed->pdata[i];

      total += file_size (lab_backup_info_get_path (info));
      total += file_size (lab_backup_info_get_sidecar_path (info));
      add_objects (dir, lab_backup_info_get_name (info), doomed_objects);
    }

  g_hash_table_iter_init (&iter, doomed_objects);
  while (g_hash_table_iter_next (&iter, &sha, NULL))
    {
      if (!g_hash_table_contains (kept_objects, sha))
        {
          g_autofree char *path = _lab_backup_object_path (dir, sha);

          total += file_size (path);
        }
    }

  return total;
}

static GPtrArray *
plan (LabDataDir  *dir,
      LabConfig   *config,
      gint64       now,
      GPtrArray  **all,
      GError     **error)
{
  g_autoptr(GPtrArray) backups = lab_backup_list (dir, error);
  GPtrArray *doomed;

  if (backups == NULL)
    return NULL;

  /* The list keeps the references; select returns its own. */
  doomed = lab_backup_retention_select (backups,
                                        lab_config_get_int (config, LAB_CONFIG_BACKUP_DAYS),
                                        lab_config_get_int (config, LAB_CONFIG_BACKUP_KEEP_MIN),
                                        now);
  if (all != NULL)
    *all = g_steal_pointer (&backups);

  return doomed;
}

/**
 * lab_backup_retention_plan:
 * @dir: the data directory
 * @config: the store's policies (retention.backup_days, retention.backup_keep_min)
 * @now: the current time, µs since the epoch
 * @bytes_reclaimed: (out) (optional): what deleting them would free, workspace
 *   objects that no other backup lists included
 *
 * Which backups retention would delete now. Nothing is changed: this is the
 * dry run; lab_backup_prune() (or lab_backup_delete() on each) applies it.
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups to
 *   delete, oldest first, or %NULL with @error set
 */
GPtrArray *
lab_backup_retention_plan (LabDataDir  *dir,
                           LabConfig   *config,
                           gint64       now,
                           guint64     *bytes_reclaimed,
                           GError     **error)
{
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *doomed;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (LAB_IS_CONFIG (config), NULL);

  doomed = plan (dir, config, now, &all, error);
  if (doomed != NULL && bytes_reclaimed != NULL)
    *bytes_reclaimed = reclaimed_bytes (dir, all, doomed);

  return doomed;
}

static void
log_prune (LabDataDir *dir,
           GPtrArray  *deleted,
           guint64     bytes_freed)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonArray) names = json_array_new ();

  for (guint i = 0; i < deleted->len; i++)
    json_array_add_string_element (names, lab_backup_info_get_name (deleted->pdata[i]));
  json_object_set_array_member (details, "deleted", g_steal_pointer (&names));
  json_object_set_int_member (details, "bytes_freed", bytes_freed);

  _lab_backup_log (dir, "prune", details);
}

/**
 * lab_backup_prune:
 * @dir: the data directory
 * @config: the store's policies
 * @now: the current time, µs since the epoch
 * @deleted: (out) (optional) (transfer full) (element-type LabBackupInfo): the
 *   backups deleted, oldest first
 * @bytes_freed: (out) (optional): the space freed
 *
 * Applies retention: deletes what lab_backup_retention_plan() lists (planned
 * again under the lock, so that a backup made meanwhile counts), then the
 * workspace objects no backup lists any more.
 */
gboolean
lab_backup_prune (LabDataDir     *dir,
                  LabConfig      *config,
                  gint64          now,
                  GPtrArray     **deleted,
                  guint64        *bytes_freed,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) doomed = NULL;
  g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 freed = 0;
  guint64 objects_freed = 0;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);
  g_return_val_if_fail (LAB_IS_CONFIG (config), FALSE);

  lock = _lab_backup_lock_acquire (dir, NULL, NULL, cancellable, error);
  if (lock == NULL)
    return FALSE;

  doomed = plan (dir, config, now, &all, error);
  if (doomed == NULL)
    return FALSE;

  for (guint i = 0; i < doomed->len; i++)
    {
      LabBackupInfo *info = doomed->pdata[i];
      guint64 size = file_size (lab_backup_info_get_path (info)) +
                     file_size (lab_backup_info_get_sidecar_path (info));

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !_lab_backup_delete_locked (dir, lab_backup_info_get_name (info), error))
        {
          /* What was deleted is gone; say so in the log all the same. */
          log_prune (dir, done, freed);
          return FALSE;
        }
      freed += size;
      g_ptr_array_add (done, g_object_ref (info));
    }

  if (!_lab_backup_collect_garbage (dir, &objects_freed, error))
    return FALSE;
  freed += objects_freed;

  if (done->len > 0)
    log_prune (dir, done, freed);

  if (deleted != NULL)
    *deleted = g_steal_pointer (&done);
  if (bytes_freed != NULL)
    *bytes_freed = freed;

  return TRUE;
}

static void
prune_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  config = lab_config_load (source_object, &error);
  if (config == NULL ||
      !lab_backup_prune (source_object, config, g_get_real_time (), &deleted, NULL, cancellable,
                         &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&deleted), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lab_backup_prune_async:
 *
 * Runs lab_backup_prune() in a thread, with the store's configuration and
 * the current time.
 */
void
lab_backup_prune_async (LabDataDir          *dir,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_prune_async);
  g_task_run_in_thread (task, prune_thread);
}

/**
 * lab_backup_prune_finish:
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups deleted,
 *   or %NULL with @error set
 */
GPtrArray *
lab_backup_prune_finish (LabDataDir    *dir,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_prune_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
