/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-backup"
#define _GNU_SOURCE 1  /* sync_file_range() */

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lab-backup-private.h"
#include "lab-config.h"
#include "lab-db.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-schema.h"
#include "lab-sha256.h"
#include "lab-timestamp.h"

/*
 * Making a backup.
 *
 * The database is copied online. SQLite's backup API would do, but it writes
 * the destination through a pager that rewrites page 1 last, so the copy
 * could only be hashed by reading it again. Instead, with the WAL fully
 * checkpointed, a read transaction holds read-lock 0: SQLite then guarantees
 * that no checkpoint writes to the database file until the transaction ends,
 * so the file itself *is* the snapshot, and it is streamed once, through the
 * hash (and the compressor), to the backup file. Writers are held only while
 * the checkpoint runs (the WAL is normally a few MB); they carry on while the
 * file is copied. When the checkpoint cannot complete (another reader pins an
 * old snapshot), the backup API copies the snapshot to a temporary file first.
 *
 * Workspace files go to backups/objects/ named by their SHA-256, so a file
 * that did not change since the last backup is not stored again.
 */

#define CHUNK_SIZE (1024 * 1024)
#define LOCK_TIMEOUT_USEC (60 * G_USEC_PER_SEC)
#define CHECKPOINT_TIMEOUT_USEC (1 * G_USEC_PER_SEC)
#define BUSY_TIMEOUT_MS 5000

/* Locking */

struct _LabBackupLock
{
  int fd;
};

static LabBackupLock *
lock_open (LabDataDir  *dir,
           GError     **error)
{
  g_autofree char *path = NULL;
  LabBackupLock *lock;
  int fd;

  if (!lab_mkdir_private (lab_data_dir_get_backups_path (dir), error))
    return NULL;

  path = g_build_filename (lab_data_dir_get_backups_path (dir), ".lock", NULL);
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write in the backups folder “%s”"),
                                  lab_data_dir_get_backups_path (dir));
      return NULL;
    }

  lock = g_new0 (LabBackupLock, 1);
  lock->fd = fd;
  return lock;
}

/**
 * _lab_backup_lock_acquire:
 *
 * Takes the lock of the backups folder, which every operation that changes
 * something in it holds: two backups, a backup and a restore, or a restore and
 * a prune never run at once, in this process or another. Waits up to a minute
 * for another holder.
 */
LabBackupLock *
_lab_backup_lock_acquire (LabDataDir       *dir,
                          LabProgressFunc   progress,
                          gpointer          progress_data,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(LabBackupLock) lock = lock_open (dir, error);
  gint64 deadline = g_get_monotonic_time () + LOCK_TIMEOUT_USEC;
  gboolean told = FALSE;

  if (lock == NULL)
    return NULL;

  while (flock (lock->fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno != EWOULDBLOCK && errno != EINTR)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot lock the backups folder"));
          return NULL;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_BUSY,
                       _("Another backup, restore or cleanup of this store is running; try again "
                         "when it has finished"));
          return NULL;
        }

      if (!told && progress != NULL)
        progress (-1, _("Waiting for another backup or restore to finish…"), progress_data);
      told = TRUE;
      g_usleep (50 * 1000);
    }

  return g_steal_pointer (&lock);
}

/**
 * _lab_backup_lock_try:
 *
 * Returns: (nullable): the lock if nobody holds it, else %NULL at once
 */
LabBackupLock *
_lab_backup_lock_try (LabDataDir *dir)
{
  g_autoptr(LabBackupLock) lock = lock_open (dir, NULL);

  if (lock == NULL || flock (lock->fd, LOCK_EX | LOCK_NB) != 0)
    return NULL;

  return g_steal_pointer (&lock);
}

void
_lab_backup_lock_release (LabBackupLock *lock)
{
  if (lock == NULL)
    return;

  /* Closing the descriptor releases the flock. */
  close (lock->fd);
  g_free (lock);
}

/* Names and paths */

char *
_lab_backup_objects_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_backups_path (dir), "objects", NULL);
}

char *
_lab_backup_object_path (LabDataDir *dir,
                         const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  g_assert (lab_sha256_is_valid_hex (sha256));
  return g_build_filename (lab_data_dir_get_backups_path (dir), "objects", prefix, sha256, NULL);
}

char *
_lab_backup_sidecar_path (LabDataDir *dir,
                          const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);

  return g_build_filename (lab_data_dir_get_backups_path (dir), file, NULL);
}

/**
 * _lab_backup_name_is_valid:
 *
 * Returns: whether @name has the form backup_YYYYMMDD_HHMMSS, with an optional
 *   _N when two backups were made within one second; nothing else may name a
 *   file in the backups folder
 */
gboolean
_lab_backup_name_is_valid (const char *name)
{
  const char *p;

  if (name == NULL || !g_str_has_prefix (name, LAB_BACKUP_PREFIX))
    return FALSE;

  p = name + strlen (LAB_BACKUP_PREFIX);
  for (int i = 0; i < 15; i++)
    {
      if (i == 8 ? p[i] != '_' : !g_ascii_isdigit (p[i]))
        return FALSE;
    }
  p += 15;

  if (*p == '\0')
    return TRUE;
  if (*p != '_' || !g_ascii_isdigit (p[1]))
    return FALSE;
  for (p++; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }

  return TRUE;
}

static const char *
compression_suffix (const char *compression)
{
  if (g_strcmp0 (compression, "gzip") == 0)
    return ".db.gz";
  if (g_strcmp0 (compression, "zstd") == 0)
    return ".db.zst";
  return ".db";
}

/**
 * _lab_backup_file_name_matches:
 *
 * Returns: whether @file is the database file of the backup @name
 */
gboolean
_lab_backup_file_name_matches (const char *name,
                               const char *file)
{
  const char *suffix;

  if (!g_str_has_prefix (file, name))
    return FALSE;

  suffix = file + strlen (name);
  return g_str_equal (suffix, ".db") || g_str_equal (suffix, ".db.gz") ||
         g_str_equal (suffix, ".db.zst");
}

/* The name of a new backup: local time, as the user reads it in the folder. */
static char *
pick_name (LabDataDir *dir,
           gint64      now)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  g_autofree char *base = g_date_time_format (local, LAB_BACKUP_PREFIX "%Y%m%d_%H%M%S");
  const char *backups = lab_data_dir_get_backups_path (dir);

  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf ("%s_%u", base, n);
      g_autofree char *sidecar = _lab_backup_sidecar_path (dir, name);
      gboolean taken = g_file_test (sidecar, G_FILE_TEST_EXISTS);
      const char *suffixes[] = { ".db", ".db.gz", ".db.zst" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes) && !taken; i++)
        {
          g_autofree char *file = g_strconcat (name, suffixes[i], NULL);
          g_autofree char *path = g_build_filename (backups, file, NULL);

          taken = g_file_test (path, G_FILE_TEST_EXISTS);
        }

      if (!taken)
        return g_steal_pointer (&name);
    }
}

/* Sidecars */

JsonObject *
_lab_backup_read_sidecar (LabDataDir  *dir,
                          const char  *name,
                          GError     **error)
{
  g_autofree char *path = _lab_backup_sidecar_path (dir, name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no backup “%s”"), name);
      return NULL;
    }

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("The metadata of backup “%s” is damaged: %s"), name, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root),
                                                             "format", NULL),
                 LAB_BACKUP_FORMAT) != 0)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("The metadata of backup “%s” is damaged: it is not a LabData backup "
                     "description"), name);
      return NULL;
    }

  if (json_object_get_int_member_with_default (json_node_get_object (root), "version", 0) >
      LAB_BACKUP_FORMAT_VERSION)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                   _("Backup “%s” was made by a newer version of LabData"), name);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/**
 * _lab_backup_write_sidecar:
 *
 * Writes the sidecar atomically: a reader sees the old one or the new one,
 * and a backup whose sidecar was never renamed into place does not exist.
 */
gboolean
_lab_backup_write_sidecar (LabDataDir  *dir,
                           const char  *name,
                           JsonObject  *root,
                           GError     **error)
{
  g_autofree char *path = _lab_backup_sidecar_path (dir, name);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  gsize length;

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &length);

  return lab_file_replace_contents (path, text, length, error);
}

/**
 * _lab_backup_get_info:
 *
 * Returns: (transfer full): the backup @name; a sidecar that cannot be read
 *   gives a damaged one rather than an error, so that it can be deleted
 */
LabBackupInfo *
_lab_backup_get_info (LabDataDir  *dir,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) root = NULL;

  if (!_lab_backup_name_is_valid (name))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not the name of a backup (they look like backup_20261122_020000)"),
                   name);
      return NULL;
    }

  root = _lab_backup_read_sidecar (dir, name, &local_error);
  if (root == NULL)
    {
      if (g_error_matches (local_error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return _lab_backup_info_new (dir, name, NULL, local_error->message);
    }

  return _lab_backup_info_new (dir, name, root, NULL);
}

/* Progress */

typedef struct
{
  LabProgressFunc func;
  gpointer data;
  guint64 done;
  guint64 total;
  gint64 last_report;
  const char *message;
} Progress;

static void
progress_report (Progress *progress,
                 gboolean  force)
{
  gint64 now;

  if (progress->func == NULL)
    return;

  /* A few reports a second are enough for a bar and cheap for a terminal. */
  now = g_get_monotonic_time ();
  if (!force && now - progress->last_report < 100 * 1000)
    return;
  progress->last_report = now;

  progress->func (progress->total > 0 ? MIN (1.0, (double) progress->done / progress->total) : -1,
                  progress->message, progress->data);
}

static void
progress_set_message (Progress   *progress,
                      const char *message)
{
  progress->message = message;
  progress_report (progress, TRUE);
}

/*
 * The output file, written through the hash and an optional compressor.
 *
 * The copy loop fills chunks that the sink owns. Uncompressed, a chunk is
 * written at once and handed to a hashing thread, so that hashing (the most
 * expensive part) runs beside reading and writing instead of after them.
 * Compressed, the hash is taken of the compressor's output, as it is written.
 */

#define N_CHUNKS 4
#define SYNC_RANGE (16 * 1024 * 1024)

typedef struct
{
  guint8 *data;
  gsize length;
} Chunk;

typedef struct
{
  int fd;
  char *tmp_path;
  struct archive *archive;
  LabSha256 sha;
  guint64 size;
  guint64 synced;
  GError *error;
  Chunk chunks[N_CHUNKS];
  GAsyncQueue *free_chunks;
  GAsyncQueue *to_hash;
  GThread *hasher;
} Sink;

/* Pushed to the hashing thread to make it stop. */
static Chunk stop_chunk;

static gpointer
hasher_thread (gpointer user_data)
{
  Sink *sink = user_data;

  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (sink->to_hash);

      if (chunk == &stop_chunk)
        return NULL;

      lab_sha256_update (&sink->sha, chunk->data, chunk->length);
      g_async_queue_push (sink->free_chunks, chunk);
    }
}

static void
sink_stop_hasher (Sink *sink)
{
  if (sink->hasher != NULL)
    {
      g_async_queue_push (sink->to_hash, &stop_chunk);
      g_thread_join (sink->hasher);
      sink->hasher = NULL;
    }
}

static gboolean
sink_write_fd (Sink        *sink,
               const void  *data,
               gsize        length,
               GError     **error)
{
  if (!lab_write_all (sink->fd, data, length, sink->tmp_path, error))
    return FALSE;

  sink->size += length;

#ifdef SYNC_FILE_RANGE_WRITE
  /* Start writing back now, so that the fsync at the end has little left to
   * do and the disk works while the CPU hashes. */
  if (sink->size - sink->synced >= SYNC_RANGE)
    {
      sync_file_range (sink->fd, sink->synced, sink->size - sink->synced, SYNC_FILE_RANGE_WRITE);
      sink->synced = sink->size;
    }
#endif

  return TRUE;
}

static la_ssize_t
sink_archive_write_cb (struct archive *archive,
                       void           *user_data,
                       const void     *buffer,
                       size_t          length)
{
  Sink *sink = user_data;

  if (sink->error != NULL)
    return -1;

  if (!sink_write_fd (sink, buffer, length, &sink->error))
    {
      archive_set_error (archive, EIO, "%s", sink->error->message);
      return -1;
    }

  lab_sha256_update (&sink->sha, buffer, length);
  return length;
}

static void
sink_abort (Sink *sink)
{
  sink_stop_hasher (sink);
  if (sink->archive != NULL)
    {
      archive_write_fail (sink->archive);
      archive_write_free (sink->archive);
      sink->archive = NULL;
    }
  if (sink->fd >= 0)
    {
      close (sink->fd);
      sink->fd = -1;
    }
  if (sink->tmp_path != NULL)
    {
      g_unlink (sink->tmp_path);
      g_clear_pointer (&sink->tmp_path, g_free);
    }
  g_clear_error (&sink->error);
}

static void
sink_clear (Sink *sink)
{
  sink_abort (sink);
  for (guint i = 0; i < N_CHUNKS; i++)
    g_clear_pointer (&sink->chunks[i].data, g_free);
  g_clear_pointer (&sink->free_chunks, g_async_queue_unref);
  g_clear_pointer (&sink->to_hash, g_async_queue_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sink, sink_clear)

static gboolean
archive_failed (Sink        *sink,
                const char  *what,
                GError     **error)
{
  if (sink->error != NULL)
    g_propagate_error (error, g_steal_pointer (&sink->error));
  else
    g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("Cannot compress the backup "
                 "(%s): %s"), what, archive_error_string (sink->archive));
  return FALSE;
}

static gboolean
sink_open (Sink        *sink,
           const char  *dest,
           const char  *compression,
           guint64      input_size,
           GError     **error)
{
  struct archive_entry *entry;
  int rc;

  lab_sha256_init (&sink->sha);
  sink->free_chunks = g_async_queue_new ();
  sink->to_hash = g_async_queue_new ();
  for (guint i = 0; i < N_CHUNKS; i++)
    {
      sink->chunks[i].data = g_malloc (CHUNK_SIZE);
      g_async_queue_push (sink->free_chunks, &sink->chunks[i]);
    }

  sink->fd = lab_open_temp_beside (dest, 0600, &sink->tmp_path, error);
  if (sink->fd < 0)
    return FALSE;

  if (g_strcmp0 (compression, "gzip") != 0 && g_strcmp0 (compression, "zstd") != 0)
    {
      sink->hasher = g_thread_new ("lab-backup-hash", hasher_thread, sink);
      return TRUE;
    }

  sink->archive = archive_write_new ();
  /* One compressed stream of the database file: the raw format writes the
   * data as it is, unblocked, so the file is a plain .gz or .zst. */
  if ((g_str_equal (compression, "gzip") ? archive_write_add_filter_gzip (sink->archive)
                                         : archive_write_add_filter_zstd (sink->archive)) != ARCHIVE_OK ||
      archive_write_set_format_raw (sink->archive) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block (sink->archive, 0) != ARCHIVE_OK ||
      /* Without a timestamp the same data compresses to the same bytes. */
      (g_str_equal (compression, "gzip") &&
       archive_write_set_options (sink->archive, "gzip:!timestamp") != ARCHIVE_OK) ||
      archive_write_open2 (sink->archive, sink, NULL, sink_archive_write_cb, NULL,
                           NULL) != ARCHIVE_OK)
    return archive_failed (sink, "open", error);

  entry = archive_entry_new ();
  archive_entry_set_pathname (entry, "labdata.db");
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0600);
  archive_entry_set_size (entry, input_size);
  rc = archive_write_header (sink->archive, entry);
  archive_entry_free (entry);
  if (rc != ARCHIVE_OK)
    return archive_failed (sink, "header", error);

  return TRUE;
}

/* A free chunk to fill; waits for the hashing thread if all are in use. */
static Chunk *
sink_get_chunk (Sink *sink)
{
  return g_async_queue_pop (sink->free_chunks);
}

/* Writes the first @length bytes of @chunk; the sink takes the chunk back. */
static gboolean
sink_submit (Sink        *sink,
             Chunk       *chunk,
             gsize        length,
             GError     **error)
{
  const guint8 *data = chunk->data;

  chunk->length = length;

  if (sink->archive == NULL)
    {
      if (!sink_write_fd (sink, chunk->data, length, error))
        {
          g_async_queue_push (sink->free_chunks, chunk);
          return FALSE;
        }
      g_async_queue_push (sink->to_hash, chunk);
      return TRUE;
    }

  while (length > 0)
    {
      la_ssize_t n = archive_write_data (sink->archive, data, length);

      if (n <= 0)
        {
          g_async_queue_push (sink->free_chunks, chunk);
          return archive_failed (sink, "write", error);
        }

      data += n;
      length -= n;
    }

  g_async_queue_push (sink->free_chunks, chunk);
  return TRUE;
}

/* Flushes, syncs and renames the file to @dest. */
static gboolean
sink_commit (Sink        *sink,
             const char  *dest,
             char       **sha256,
             guint64     *size,
             GError     **error)
{
  if (sink->archive != NULL)
    {
      if (archive_write_close (sink->archive) != ARCHIVE_OK)
        return archive_failed (sink, "close", error);
      archive_write_free (sink->archive);
      sink->archive = NULL;
    }

  sink_stop_hasher (sink);

  if (!lab_fsync_fd (sink->fd, sink->tmp_path, error))
    return FALSE;

  if (close (sink->fd) != 0)
    {
      int saved_errno = errno;

      sink->fd = -1;
      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), dest);
      return FALSE;
    }
  sink->fd = -1;

  if (!lab_commit_temp (sink->tmp_path, dest, error))
    {
      g_clear_pointer (&sink->tmp_path, g_free);
      return FALSE;
    }
  g_clear_pointer (&sink->tmp_path, g_free);

  *sha256 = lab_sha256_finish_dup (&sink->sha);
  *size = sink->size;
  return TRUE;
}

/* The consistent view of the live database the backup copies. */

typedef struct
{
  sqlite3 *reader;       /* holds the read transaction */
  gboolean file_is_snapshot;
  int schema_version;
  gint64 page_size;
  gint64 page_count;
  char *fingerprint;     /* of the database file, when it is the snapshot */
} Snapshot;

sqlite3 *
_lab_backup_open_connection (const char  *path,
                             GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                                   SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf (_("Cannot open “%s”"), path);

      lab_sqlite_set_error (error, db, rc, context);
      sqlite3_close_v2 (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  return db;
}

gboolean
_lab_backup_query_int64 (sqlite3     *db,
                         const char  *sql,
                         gint64      *value,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return lab_sqlite_set_error (error, db, rc, NULL);

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
begin_read (sqlite3  *db,
            GError  **error)
{
  gint64 ignored;
  int rc;

  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return lab_sqlite_set_error (error, db, rc, NULL);

  /* BEGIN is deferred: the first read takes the snapshot. */
  return _lab_backup_query_int64 (db, "SELECT count(*) FROM sqlite_schema", &ignored, error);
}

static char *
file_fingerprint (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;

  return g_strdup_printf ("%ju:%jd:%jd.%09ld", (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/*
 * Checkpoints the WAL while holding the write lock, then starts the read
 * transaction: with nothing left in the WAL, the reader takes read-lock 0,
 * which no checkpoint may pass, so the database file stays as it is until the
 * snapshot ends. Returns FALSE only on errors; *done says whether it worked.
 */
static gboolean
try_file_snapshot (Snapshot     *snap,
                   const char   *path,
                   GCancellable *cancellable,
                   gboolean     *done,
                   GError      **error)
{
  sqlite3 *writer;
  gint64 deadline = g_get_monotonic_time () + CHECKPOINT_TIMEOUT_USEC;
  gboolean ok = TRUE;

  *done = FALSE;

  writer = _lab_backup_open_connection (path, error);
  if (writer == NULL)
    return FALSE;
  sqlite3_busy_timeout (writer, 100);

  while (!*done && g_get_monotonic_time () < deadline)
    {
      int n_log = -1;
      int n_done = -1;
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      rc = sqlite3_exec (writer, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      if ((rc & 0xff) == SQLITE_BUSY)
        continue;
      if (rc != SQLITE_OK)
        {
          ok = lab_sqlite_set_error (error, writer, rc, NULL);
          break;
        }

      rc = sqlite3_wal_checkpoint_v2 (snap->reader, "main", SQLITE_CHECKPOINT_PASSIVE,
                                      &n_log, &n_done);
      if (rc == SQLITE_OK && n_log == n_done)
        {
          if (!begin_read (snap->reader, error))
            ok = FALSE;
          else
            {
              *done = TRUE;
              snap->fingerprint = file_fingerprint (path);
            }
        }
      else if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
        ok = lab_sqlite_set_error (error, snap->reader, rc, NULL);

      sqlite3_exec (writer, "ROLLBACK", NULL, NULL, NULL);

      if (!ok)
        break;
      if (!*done)
        g_usleep (20 * 1000);
    }

  sqlite3_close_v2 (writer);
  return ok;
}

static void
snapshot_clear (Snapshot *snap)
{
  if (snap->reader != NULL)
    {
      if (!sqlite3_get_autocommit (snap->reader))
        sqlite3_exec (snap->reader, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close_v2 (snap->reader);
      snap->reader = NULL;
    }
  g_clear_pointer (&snap->fingerprint, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static gboolean
snapshot_begin (Snapshot      *snap,
                const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *mode = NULL;
  gint64 app_id = 0;
  gint64 version = 0;
  int rc;

  memset (snap, 0, sizeof *snap);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("There is no database at “%s” to back up"), path);
      return FALSE;
    }
  if (!lab_file_is_sqlite (path, error))
    return FALSE;

  snap->reader = _lab_backup_open_connection (path, error);
  if (snap->reader == NULL)
    return FALSE;

  if (!_lab_backup_query_int64 (snap->reader, "PRAGMA application_id", &app_id, error) ||
      !_lab_backup_query_int64 (snap->reader, "PRAGMA user_version", &version, error))
    return FALSE;

  if (app_id != LAB_APPLICATION_ID)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a LabData database"), path);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (snap->reader, "PRAGMA journal_mode", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    mode = (const char *) sqlite3_column_text (stmt, 0);
  else
    return lab_sqlite_set_error (error, snap->reader, rc, NULL);

  if (g_ascii_strcasecmp (mode, "wal") == 0)
    {
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!try_file_snapshot (snap, path, cancellable, &snap->file_is_snapshot, error))
        return FALSE;
      if (!snap->file_is_snapshot && !begin_read (snap->reader, error))
        return FALSE;
    }
  else
    {
      /* In rollback mode the shared lock of a read transaction keeps every
       * writer out, so the file is the snapshot. */
      g_clear_pointer (&stmt, sqlite3_finalize);
      if (!begin_read (snap->reader, error))
        return FALSE;
      snap->file_is_snapshot = TRUE;
      snap->fingerprint = file_fingerprint (path);
    }

  /* Read inside the transaction: these describe the snapshot. */
  if (!_lab_backup_query_int64 (snap->reader, "PRAGMA user_version", &version, error) ||
      !_lab_backup_query_int64 (snap->reader, "PRAGMA page_size", &snap->page_size, error) ||
      !_lab_backup_query_int64 (snap->reader, "PRAGMA page_count", &snap->page_count, error))
    return FALSE;
  snap->schema_version = version;

  if (version > LAB_SCHEMA_VERSION)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_SCHEMA_TOO_NEW,
                   _("“%s” was written by a newer version of LabData (schema version %d)"),
                   path, (int) version);
      return FALSE;
    }

  return TRUE;
}

/* Row counts of the data tables, as the sidecar records them. */
JsonObject *
_lab_backup_count_rows (sqlite3  *db,
                        GError  **error)
{
  g_autoptr(JsonObject) counts = json_object_new ();
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", tables[i].name);
      gint64 exists = 0;
      gint64 count = 0;
      g_autofree char *exists_sql =
        g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
                         tables[i].name);

      /* An older schema may not have every table yet. */
      if (!_lab_backup_query_int64 (db, exists_sql, &exists, error))
        return NULL;
      if (exists == 0)
        continue;

      if (!_lab_backup_query_int64 (db, sql, &count, error))
        return NULL;
      json_object_set_int_member (counts, tables[i].name, count);
    }

  return g_steal_pointer (&counts);
}

/* The WAL bit (file format 2 in bytes 18 and 19) is set back to rollback mode,
 * so that opening the backup never creates -wal or -shm files beside it. */
static void
patch_header (guint8 *page1,
              gsize   length)
{
  if (length >= 20 && page1[18] == 2 && page1[19] == 2)
    {
      page1[18] = 1;
      page1[19] = 1;
    }
}

static gboolean
copy_file_snapshot (Snapshot      *snap,
                    Sink          *sink,
                    Progress      *progress,
                    GCancellable  *cancellable,
                    GError       **error)
{
  sqlite3_file *file = NULL;
  gint64 total = snap->page_size * snap->page_count;
  int rc;

  /* Read through SQLite's own descriptor: opening and closing another one on
   * the database would drop this process's POSIX locks on it. */
  rc = sqlite3_file_control (snap->reader, "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc != SQLITE_OK || file == NULL || file->pMethods == NULL)
    return lab_sqlite_set_error (error, snap->reader, rc != SQLITE_OK ? rc : SQLITE_ERROR, NULL);

  for (gint64 offset = 0; offset < total; offset += CHUNK_SIZE)
    {
      int n = (int) MIN ((gint64) CHUNK_SIZE, total - offset);
      Chunk *chunk = sink_get_chunk (sink);

      rc = file->pMethods->xRead (file, chunk->data, n, offset);
      if (rc != SQLITE_OK)
        {
          g_async_queue_push (sink->free_chunks, chunk);
          if (rc == SQLITE_IOERR_SHORT_READ)
            g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                         _("The database file is shorter than its page count says"));
          else
            lab_sqlite_set_error (error, NULL, rc, _("Cannot read the database"));
          return FALSE;
        }

      if (offset == 0)
        patch_header (chunk->data, n);

      if (!sink_submit (sink, chunk, n, error))
        return FALSE;

      progress->done += n;
      progress_report (progress, FALSE);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
copy_fd_to_sink (int            fd,
                 const char    *path,
                 Sink          *sink,
                 gboolean       is_database,
                 Progress      *progress,
                 GCancellable  *cancellable,
                 GError       **error)
{
  gboolean first = TRUE;

  for (;;)
    {
      Chunk *chunk = sink_get_chunk (sink);
      gssize n = read (fd, chunk->data, CHUNK_SIZE);

      if (n <= 0)
        {
          int saved_errno = errno;

          g_async_queue_push (sink->free_chunks, chunk);
          if (n == 0)
            return TRUE;
          if (saved_errno == EINTR)
            continue;
          lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), path);
          return FALSE;
        }

      if (first && is_database)
        patch_header (chunk->data, n);
      first = FALSE;

      if (!sink_submit (sink, chunk, n, error))
        return FALSE;

      progress->done += n;
      progress_report (progress, FALSE);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
}

/* When the file is not the snapshot: the backup API copies the snapshot (the
 * reader's open transaction keeps it fixed) to a temporary file first. */
static gboolean
copy_with_backup_api (Snapshot      *snap,
                      LabDataDir    *dir,
                      Sink          *sink,
                      Progress      *progress,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *tmp_path = g_build_filename (lab_data_dir_get_backups_path (dir),
                                                ".snapshot-XXXXXX", NULL);
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int fd;
  int rc;

  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create a file in “%s”"),
                                  lab_data_dir_get_backups_path (dir));
      return FALSE;
    }

  dest = _lab_backup_open_connection (tmp_path, error);
  if (dest == NULL)
    goto out;

  if ((rc = sqlite3_exec (dest, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL,
                          NULL)) != SQLITE_OK)
    {
      lab_sqlite_set_error (error, dest, rc, NULL);
      goto out;
    }

  backup = sqlite3_backup_init (dest, "main", snap->reader, "main");
  if (backup == NULL)
    {
      lab_sqlite_set_error (error, dest, sqlite3_errcode (dest), NULL);
      goto out;
    }

  do
    {
      rc = sqlite3_backup_step (backup, 1024);
      progress->done = (guint64) (sqlite3_backup_pagecount (backup) - sqlite3_backup_remaining (backup)) *
                       snap->page_size / 2;
      progress_report (progress, FALSE);
      if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        g_usleep (10 * 1000);
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  while (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      sqlite3_backup_finish (backup);
      goto out;
    }

  rc = sqlite3_backup_finish (backup);
  if (rc != SQLITE_OK)
    {
      lab_sqlite_set_error (error, dest, rc, _("Cannot copy the database"));
      goto out;
    }

  sqlite3_close_v2 (dest);
  dest = NULL;

  /* The rest of the way counts as the second half. */
  progress->done = progress->total > 0 ? snap->page_size * snap->page_count / 2 : 0;
  if (lseek (fd, 0, SEEK_SET) < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), tmp_path);
      goto out;
    }
  ok = copy_fd_to_sink (fd, tmp_path, sink, TRUE, progress, cancellable, error);

out:
  if (dest != NULL)
    sqlite3_close_v2 (dest);
  close (fd);
  g_unlink (tmp_path);
  return ok;
}

/* Workspace files and the object store */

typedef struct
{
  char *relative;   /* "<session>/<path>" */
  char *path;
  char *stat;       /* "inode:size:mtime", to tell whether it changed */
  char *sha256;     /* from the index of objects, if it can be trusted */
  guint64 size;
  gint64 mtime;     /* seconds */
} WorkspaceFile;

static void
workspace_file_free (gpointer data)
{
  WorkspaceFile *file = data;

  g_free (file->relative);
  g_free (file->path);
  g_free (file->stat);
  g_free (file->sha256);
  g_free (file);
}

static int
compare_workspace_files (gconstpointer a,
                         gconstpointer b)
{
  const WorkspaceFile *fa = *(WorkspaceFile * const *) a;
  const WorkspaceFile *fb = *(WorkspaceFile * const *) b;

  return strcmp (fa->relative, fb->relative);
}

static gboolean
collect_workspace (const char    *path,
                   const char    *relative,
                   GPtrArray     *files,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (path, 0, &local_error);
  const char *name;

  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) && relative == NULL)
        return TRUE;
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("Cannot read the folder "
                   "“%s”: %s"), path, local_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *child_relative = relative ? g_build_filename (relative, name, NULL)
                                                 : g_strdup (name);
      struct stat st;

      if (lstat (child, &st) != 0)
        continue;

      /* Symbolic links are not followed: a workspace must not pull files from
       * outside the store into its backups. */
      if (S_ISDIR (st.st_mode))
        {
          if (!collect_workspace (child, child_relative, files, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode) && relative != NULL &&
               lab_relative_path_is_safe (child_relative))
        {
          WorkspaceFile *file = g_new0 (WorkspaceFile, 1);

          file->relative = g_steal_pointer (&child_relative);
          file->path = g_steal_pointer (&child);
          file->size = st.st_size;
          file->mtime = st.st_mtim.tv_sec;
          file->stat = g_strdup_printf ("%ju:%jd:%jd.%09ld", (uintmax_t) st.st_ino,
                                        (intmax_t) st.st_size, (intmax_t) st.st_mtim.tv_sec,
                                        st.st_mtim.tv_nsec);
          g_ptr_array_add (files, file);
        }
    }

  return TRUE;
}

/*
 * Listing the workspace is mostly waiting on the filesystem (10,000 folders
 * take half a second), so it runs in a thread while the database is copied.
 */
typedef struct
{
  char *root;
  GPtrArray *files;
  char *fingerprint;  /* of every path and its stat, to tell if anything changed */
  guint64 total_size;
  GError *error;
  GThread *thread;
} WorkspaceScan;

static gpointer
scan_thread (gpointer user_data)
{
  WorkspaceScan *scan = user_data;
  LabSha256 sha;

  if (!collect_workspace (scan->root, NULL, scan->files, &scan->error))
    return NULL;

  g_ptr_array_sort (scan->files, compare_workspace_files);

  lab_sha256_init (&sha);
  for (guint i = 0; i < scan->files->len; i++)
    {
      WorkspaceFile *file = scan->files->pdata[i];

      lab_sha256_update (&sha, file->relative, strlen (file->relative) + 1);
      lab_sha256_update (&sha, file->stat, strlen (file->stat) + 1);
      scan->total_size += file->size;
    }
  scan->fingerprint = lab_sha256_finish_dup (&sha);

  return NULL;
}

static void
scan_start (WorkspaceScan *scan,
            const char    *root)
{
  scan->root = g_strdup (root);
  scan->files = g_ptr_array_new_with_free_func (workspace_file_free);
  scan->thread = g_thread_new ("lab-backup-scan", scan_thread, scan);
}

static gboolean
scan_finish (WorkspaceScan  *scan,
             GError        **error)
{
  if (scan->thread != NULL)
    {
      g_thread_join (scan->thread);
      scan->thread = NULL;
    }

  if (scan->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan->error));
      return FALSE;
    }

  return TRUE;
}

static void
scan_clear (WorkspaceScan *scan)
{
  scan_finish (scan, NULL);
  g_clear_error (&scan->error);
  g_clear_pointer (&scan->root, g_free);
  g_clear_pointer (&scan->files, g_ptr_array_unref);
  g_clear_pointer (&scan->fingerprint, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WorkspaceScan, scan_clear)

/*
 * objects/index remembers the SHA-256 of each workspace file with its stat,
 * so that the next backup need not read files that did not change. Only a
 * cache: without it every file is hashed. As in git, an entry is trusted only
 * if the file was last modified well before it was hashed; a file written
 * twice within one timestamp tick would otherwise look unchanged.
 */
#define INDEX_HEADER "labdata-object-index 1"
#define INDEX_RACY_MARGIN 2

static char *
index_path (LabDataDir *dir)
{
  return g_build_filename (lab_data_dir_get_backups_path (dir), "objects", "index", NULL);
}

/* Returns whether the index holds exactly these files, all of them
 * trusted: then it needs no rewriting. */
static gboolean
index_apply (LabDataDir *dir,
             GPtrArray  *files)
{
  g_autofree char *path = index_path (dir);
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) entries = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = NULL;
  gint64 hashed_after;
  guint n_trusted = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL || !g_str_has_prefix (lines[0], INDEX_HEADER " "))
    return FALSE;
  hashed_after = g_ascii_strtoll (lines[0] + strlen (INDEX_HEADER " "), NULL, 10);

  /* Lines are "sha256 TAB stat TAB relative path". */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (tab != NULL && tab - lines[i] == LAB_SHA256_HEX_LENGTH && strchr (tab + 1, '\t') != NULL)
        g_hash_table_insert (entries, strchr (tab + 1, '\t') + 1, lines[i]);
    }

  for (guint i = 0; i < files->len; i++)
    {
      WorkspaceFile *file = files->pdata[i];
      const char *line = g_hash_table_lookup (entries, file->relative);
      g_autofree char *sha = NULL;
      const char *stat_start;

      if (line == NULL || file->mtime >= hashed_after - INDEX_RACY_MARGIN)
        continue;

      stat_start = line + LAB_SHA256_HEX_LENGTH + 1;
      if (strncmp (stat_start, file->stat, strlen (file->stat)) != 0 ||
          stat_start[strlen (file->stat)] != '\t')
        continue;

      sha = g_strndup (line, LAB_SHA256_HEX_LENGTH);
      if (lab_sha256_is_valid_hex (sha))
        {
          file->sha256 = g_steal_pointer (&sha);
          n_trusted++;
        }
    }

  return n_trusted == files->len && g_hash_table_size (entries) == files->len;
}

static void
index_write (LabDataDir *dir,
             GPtrArray  *files,
             JsonObject *files_map,
             gint64      hashed_after)
{
  g_autofree char *path = index_path (dir);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_string_append_printf (text, INDEX_HEADER " %" G_GINT64_FORMAT "\n", hashed_after);
  for (guint i = 0; i < files->len; i++)
    {
      WorkspaceFile *file = files->pdata[i];
      const char *sha = json_object_get_string_member_with_default (files_map, file->relative,
                                                                    NULL);

      /* A path with a tab or a newline simply stays out of the cache. */
      if (sha != NULL && strpbrk (file->relative, "\t\n") == NULL)
        g_string_append_printf (text, "%s\t%s\t%s\n", sha, file->stat, file->relative);
    }

  if (!lab_file_replace_contents (path, text->str, text->len, &error))
    g_debug ("Cannot write the object index: %s", error->message);
}

static gboolean
object_exists (const char *object_path,
               guint64     size)
{
  struct stat st;

  /* The size check catches an object that a crash left short. */
  return stat (object_path, &st) == 0 && S_ISREG (st.st_mode) && (guint64) st.st_size == size;
}

/*
 * New objects are first copied under temporary names, unsynced; once all are
 * there, one sync of the filesystem makes them durable, then they are renamed
 * to their hashes and synced again. The first backup of a large workspace
 * thus costs two syncs rather than two per file.
 */
typedef struct
{
  LabDataDir *dir;
  char *objects;
  GHashTable *pending;  /* SHA-256 → temporary path */
} ObjectBatch;

static void
object_batch_init (ObjectBatch *batch,
                   LabDataDir  *dir)
{
  batch->dir = dir;
  batch->objects = _lab_backup_objects_path (dir);
  batch->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
object_batch_clear (ObjectBatch *batch)
{
  GHashTableIter iter;
  gpointer incoming;

  if (batch->pending != NULL)
    {
      /* What was not committed goes. */
      g_hash_table_iter_init (&iter, batch->pending);
      while (g_hash_table_iter_next (&iter, NULL, &incoming))
        g_unlink (incoming);
    }
  g_clear_pointer (&batch->pending, g_hash_table_unref);
  g_clear_pointer (&batch->objects, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ObjectBatch, object_batch_clear)

/*
 * Adds one workspace file to the object store, unless an object with its
 * content is there or pending already. Returns its SHA-256: that of the bytes
 * stored, should the file change while it is read.
 */
static char *
object_batch_add (ObjectBatch    *batch,
                  WorkspaceFile  *file,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autofree char *sha = NULL;
  g_autofree char *object_path = NULL;
  g_autofree char *incoming = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *random = NULL;
  goffset size = 0;

  if (file->sha256 != NULL)
    {
      object_path = _lab_backup_object_path (batch->dir, file->sha256);
      if (object_exists (object_path, file->size))
        return g_strdup (file->sha256);
      g_clear_pointer (&object_path, g_free);
    }

  sha = lab_file_sha256 (file->path, &size, cancellable, error);
  if (sha == NULL)
    return NULL;

  object_path = _lab_backup_object_path (batch->dir, sha);
  if (object_exists (object_path, size) || g_hash_table_contains (batch->pending, sha))
    return g_steal_pointer (&sha);

  random = g_uuid_string_random ();
  incoming = g_strconcat (batch->objects, G_DIR_SEPARATOR_S ".incoming-", random, NULL);
  if (!lab_file_copy_unsynced (file->path, incoming, &copied, cancellable, error))
    return NULL;

  if (!g_str_equal (copied, sha))
    {
      g_autofree char *copied_path = _lab_backup_object_path (batch->dir, copied);
      struct stat st;

      /* Changed while it was read: what was copied is what is stored. */
      if (stat (incoming, &st) == 0 &&
          (object_exists (copied_path, st.st_size) ||
           g_hash_table_contains (batch->pending, copied)))
        {
          g_unlink (incoming);
          return g_steal_pointer (&copied);
        }
    }

  g_hash_table_insert (batch->pending, g_strdup (copied), g_steal_pointer (&incoming));
  return g_steal_pointer (&copied);
}

static gboolean
object_batch_commit (ObjectBatch  *batch,
                     GError      **error)
{
  GHashTableIter iter;
  gpointer sha;
  gpointer incoming;

  if (g_hash_table_size (batch->pending) == 0)
    return TRUE;

  if (!lab_sync_filesystem (batch->objects, error))
    return FALSE;

  g_hash_table_iter_init (&iter, batch->pending);
  while (g_hash_table_iter_next (&iter, &sha, &incoming))
    {
      g_autofree char *object_path = _lab_backup_object_path (batch->dir, sha);
      g_autofree char *prefix = g_path_get_dirname (object_path);

      if (!lab_mkdir_private (prefix, error))
        return FALSE;

      if (g_rename (incoming, object_path) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot store “%s”"),
                                      (const char *) incoming);
          return FALSE;
        }
      g_hash_table_iter_remove (&iter);
    }

  return lab_sync_filesystem (batch->objects, error);
}

/**
 * _lab_backup_hash_workspace:
 *
 * Returns: (transfer full): path → SHA-256 of the workspace files now, as a
 *   backup's sidecar lists them
 */
JsonObject *
_lab_backup_hash_workspace (LabDataDir    *dir,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_auto(WorkspaceScan) scan = { 0 };
  g_autoptr(JsonObject) map = json_object_new ();

  scan_start (&scan, lab_data_dir_get_workspace_path (dir));
  if (!scan_finish (&scan, error))
    return NULL;
  index_apply (dir, scan.files);

  for (guint i = 0; i < scan.files->len; i++)
    {
      WorkspaceFile *file = scan.files->pdata[i];
      g_autofree char *sha = file->sha256 ? g_strdup (file->sha256)
                                          : lab_file_sha256 (file->path, NULL, cancellable, error);

      if (sha == NULL)
        return NULL;
      json_object_set_string_member (map, file->relative, sha);
    }

  return g_steal_pointer (&map);
}

/* Removes what a killed or failed backup left: temporary files, database
 * files without a sidecar, objects still under a temporary name. */
void
_lab_backup_remove_leftovers (LabDataDir *dir)
{
  const char *backups = lab_data_dir_get_backups_path (dir);
  g_autofree char *objects = _lab_backup_objects_path (dir);
  g_autoptr(GDir) folder = g_dir_open (backups, 0, NULL);
  g_autoptr(GDir) objects_folder = g_dir_open (objects, 0, NULL);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (backups, name, NULL);
      gboolean remove = FALSE;

      if (g_str_has_prefix (name, ".snapshot-") || g_str_has_prefix (name, ".extract-") ||
          strstr (name, ".tmp-") != NULL)
        remove = TRUE;
      else if (g_str_has_prefix (name, LAB_BACKUP_PREFIX) && !g_str_has_suffix (name, ".json"))
        {
          g_autofree char *stem = g_strdup (name);
          char *dot = strchr (stem, '.');
          g_autofree char *sidecar = NULL;

          if (dot != NULL)
            {
              *dot = '\0';
              sidecar = _lab_backup_sidecar_path (dir, stem);
              remove = _lab_backup_name_is_valid (stem) &&
                       _lab_backup_file_name_matches (stem, name) &&
                       !g_file_test (sidecar, G_FILE_TEST_EXISTS);
            }
        }

      if (remove)
        {
          g_debug ("Removing the leftover “%s”", path);
          g_unlink (path);
        }
    }

  while (objects_folder != NULL && (name = g_dir_read_name (objects_folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (objects, name, NULL);

      if (g_str_has_prefix (name, ".incoming-"))
        g_unlink (path);
      else if (strlen (name) == 2 && g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) sub = g_dir_open (path, 0, NULL);
          const char *entry;

          while (sub != NULL && (entry = g_dir_read_name (sub)) != NULL)
            {
              if (strstr (entry, ".tmp-") != NULL)
                {
                  g_autofree char *tmp = g_build_filename (path, entry, NULL);

                  g_unlink (tmp);
                }
            }
        }
    }
}

static gboolean
files_equal (JsonObject *a,
             JsonObject *b)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (a == NULL || b == NULL || json_object_get_size (a) != json_object_get_size (b))
    return FALSE;

  json_object_iter_init (&iter, a);
  while (json_object_iter_next (&iter, &member, &node))
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (b, member, NULL),
                     json_node_get_string (node)) != 0)
        return FALSE;
    }

  return TRUE;
}

static JsonObject *
find_last_good_sidecar (LabDataDir *dir,
                        char      **name)
{
  g_autoptr(GPtrArray) backups = lab_backup_list (dir, NULL);
  LabBackupInfo *last;

  if (backups == NULL || (last = lab_backup_find_last_good (backups)) == NULL)
    return NULL;

  *name = g_strdup (lab_backup_info_get_name (last));
  return _lab_backup_read_sidecar (dir, *name, NULL);
}

/* Records an operation in logs/operations.jsonl; a failure to log does not
 * make the operation fail. */
void
_lab_backup_log (LabDataDir *dir,
                 const char *operation,
                 JsonObject *details)
{
  g_autoptr(GError) error = NULL;

  if (!lab_oplog_append (dir, operation, details, &error))
    g_warning ("Cannot log the %s: %s", operation, error->message);
}

static void
log_backup (LabDataDir    *dir,
            const char    *name,
            LabBackupKind  kind,
            gboolean       skipped,
            guint64        size,
            double         duration)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "backup", name);
  json_object_set_string_member (details, "kind", lab_backup_kind_to_string (kind));
  json_object_set_boolean_member (details, "skipped", skipped);
  json_object_set_int_member (details, "size", size);
  json_object_set_double_member (details, "duration", duration);

  _lab_backup_log (dir, "backup", details);
}

char *
_lab_backup_create_locked (LabDataDir            *dir,
                           LabBackupKind          kind,
                           LabBackupCreateFlags   flags,
                           gboolean              *skipped,
                           LabProgressFunc        progress_func,
                           gpointer               progress_data,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_auto(Snapshot) snap = { 0 };
  g_auto(WorkspaceScan) scan = { 0 };
  g_autoptr(LabConfig) config = NULL;
  g_autoptr(GError) config_error = NULL;
  g_autoptr(JsonObject) counts = NULL;
  g_autoptr(JsonObject) files_map = json_object_new ();
  g_autoptr(JsonObject) sidecar = json_object_new ();
  g_autoptr(JsonObject) last = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *source_fingerprint = NULL;
  g_autofree char *db_fingerprint = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *objects = NULL;
  const char *compression;
  Progress progress = { progress_func, progress_data, 0, 0, 0, NULL };
  g_auto(Sink) sink = { .fd = -1 };
  g_auto(ObjectBatch) batch = { NULL, NULL, NULL };
  gboolean index_current;
  gint64 started = g_get_monotonic_time ();
  gint64 now = g_get_real_time ();
  guint64 size = 0;
  guint64 files_size = 0;
  double duration;

  if (skipped != NULL)
    *skipped = FALSE;

  /* Damaged settings must not stop a backup: it is made uncompressed. */
  config = lab_config_load (dir, &config_error);
  if (config == NULL)
    g_message ("Backing up without compression: %s", config_error->message);
  compression = config ? lab_config_get_string (config, LAB_CONFIG_AUTO_BACKUP_COMPRESSION)
                       : "none";

  /* A restore interrupted halfway is completed first: the store is in
   * neither state until then, and that is not something to back up. */
  if (!_lab_backup_recover_locked (dir, error))
    return NULL;

  objects = _lab_backup_objects_path (dir);
  if (!lab_mkdir_private (objects, error))
    return NULL;
  _lab_backup_remove_leftovers (dir);

  scan_start (&scan, lab_data_dir_get_workspace_path (dir));

  progress_set_message (&progress, _("Reading the database…"));
  if (!snapshot_begin (&snap, lab_data_dir_get_db_path (dir), cancellable, error))
    return NULL;

  g_debug ("Snapshot taken after %.3f s (%s)", (g_get_monotonic_time () - started) / 1e6,
           snap.file_is_snapshot ? "the file" : "through the backup API");
  db_fingerprint = g_steal_pointer (&snap.fingerprint);
  counts = _lab_backup_count_rows (snap.reader, error);
  if (counts == NULL)
    return NULL;
  g_debug ("Rows counted after %.3f s", (g_get_monotonic_time () - started) / 1e6);

  if (flags & LAB_BACKUP_CREATE_SKIP_UNCHANGED)
    {
      if (!scan_finish (&scan, error))
        return NULL;
      if (db_fingerprint != NULL)
        source_fingerprint = g_strdup_printf ("%s/%s", db_fingerprint, scan.fingerprint);

      last = find_last_good_sidecar (dir, &last_name);
      /* Nothing was written to the database file nor the workspace since the
       * last good backup read them: it holds this state already. */
      if (last != NULL && source_fingerprint != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (last, "source_fingerprint", NULL),
                     source_fingerprint) == 0)
        {
          snapshot_clear (&snap);
          if (skipped != NULL)
            *skipped = TRUE;
          log_backup (dir, last_name, kind, TRUE, 0,
                      (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
          return g_steal_pointer (&last_name);
        }
    }

  /* The workspace is counted once it is listed; until then the bar shows
   * the database alone. */
  progress.total = snap.page_size * snap.page_count;

  name = pick_name (dir, now);
  file_name = g_strconcat (name, compression_suffix (compression), NULL);
  dest = g_build_filename (lab_data_dir_get_backups_path (dir), file_name, NULL);

  progress_set_message (&progress, _("Copying the database…"));
  if (!sink_open (&sink, dest, compression, snap.page_size * snap.page_count, error) ||
      !(snap.file_is_snapshot ? copy_file_snapshot (&snap, &sink, &progress, cancellable, error)
                              : copy_with_backup_api (&snap, dir, &sink, &progress, cancellable,
                                                      error)) ||
      !sink_commit (&sink, dest, &sha256, &size, error))
    return NULL;

  /* Writers were never blocked by the snapshot, but checkpoints were. */
  snapshot_clear (&snap);
  g_debug ("Database copied after %.3f s", (g_get_monotonic_time () - started) / 1e6);

  if (!scan_finish (&scan, error))
    {
      g_unlink (dest);
      return NULL;
    }
  if (source_fingerprint == NULL && db_fingerprint != NULL)
    source_fingerprint = g_strdup_printf ("%s/%s", db_fingerprint, scan.fingerprint);
  g_debug ("Workspace listed after %.3f s", (g_get_monotonic_time () - started) / 1e6);
  index_current = index_apply (dir, scan.files);
  progress.total = progress.done + scan.total_size;

  progress_set_message (&progress, _("Copying workspace files…"));
  object_batch_init (&batch, dir);
  for (guint i = 0; i < scan.files->len; i++)
    {
      WorkspaceFile *file = scan.files->pdata[i];
      g_autofree char *object_sha = object_batch_add (&batch, file, cancellable, error);

      if (object_sha == NULL)
        {
          /* Objects already stored are harmless; the database file is not
           * listed without a sidecar and the next backup removes it. */
          g_unlink (dest);
          return NULL;
        }

      json_object_set_string_member (files_map, file->relative, object_sha);
      files_size += file->size;
      progress.done += file->size;
      progress_report (&progress, FALSE);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_unlink (dest);
          return NULL;
        }
    }
  if (!object_batch_commit (&batch, error))
    {
      g_unlink (dest);
      return NULL;
    }
  /* Rewritten (and synced) only when something in it changed. */
  if (!index_current)
    index_write (dir, scan.files, files_map, now / G_USEC_PER_SEC);

  if ((flags & LAB_BACKUP_CREATE_SKIP_UNCHANGED) && last != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (last, "sha256", NULL), sha256) == 0 &&
      files_equal (json_object_get_object_member (last, "files"), files_map))
    {
      /* Written again, but the same bytes as the last good backup. */
      g_unlink (dest);
      if (skipped != NULL)
        *skipped = TRUE;
      log_backup (dir, last_name, kind, TRUE, 0,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
      return g_steal_pointer (&last_name);
    }

  duration = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_debug ("Workspace stored after %.3f s", duration);
  created_text = lab_timestamp_format (now);

  json_object_set_string_member (sidecar, "format", LAB_BACKUP_FORMAT);
  json_object_set_int_member (sidecar, "version", LAB_BACKUP_FORMAT_VERSION);
  json_object_set_string_member (sidecar, "name", name);
  json_object_set_string_member (sidecar, "file", file_name);
  json_object_set_string_member (sidecar, "compression", compression);
  json_object_set_string_member (sidecar, "sha256", sha256);
  json_object_set_int_member (sidecar, "size", size);
  json_object_set_string_member (sidecar, "created_at", created_text);
  json_object_set_string_member (sidecar, "kind", lab_backup_kind_to_string (kind));
  json_object_set_int_member (sidecar, "schema_version", snap.schema_version);
  json_object_set_string_member (sidecar, "app_version", PACKAGE_VERSION);
  json_object_set_double_member (sidecar, "duration", duration);
  json_object_set_object_member (sidecar, "counts", g_steal_pointer (&counts));
  json_object_set_object_member (sidecar, "files", json_object_ref (files_map));
  json_object_set_int_member (sidecar, "files_size", files_size);
  if (source_fingerprint != NULL)
    json_object_set_string_member (sidecar, "source_fingerprint", source_fingerprint);
  json_object_set_null_member (sidecar, "verified_at");
  json_object_set_boolean_member (sidecar, "damaged", FALSE);
  json_object_set_array_member (sidecar, "problems", json_array_new ());
  json_object_set_boolean_member (sidecar, "pinned", FALSE);

  if (!_lab_backup_write_sidecar (dir, name, sidecar, error))
    {
      g_unlink (dest);
      return NULL;
    }

  progress.done = progress.total;
  progress_set_message (&progress, _("Backup complete"));
  log_backup (dir, name, kind, FALSE, size, duration);

  return g_steal_pointer (&name);
}

/**
 * lab_backup_create:
 * @dir: the data directory
 * @kind: why the backup is made
 * @progress: (nullable) (scope call): called with the progress
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 *
 * Backs up the database and the workspace files into `backups/`, with the
 * store's compression setting. The database is copied online: other
 * connections keep reading and writing. Blocking; see lab_backup_create_async().
 *
 * Returns: (transfer full): the new backup's name, e.g.
 *   "backup_20261122_020000", or %NULL with @error set, in which case nothing
 *   new is listed
 */
char *
lab_backup_create (LabDataDir       *dir,
                   LabBackupKind     kind,
                   LabProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  return lab_backup_create_full (dir, kind, LAB_BACKUP_CREATE_DEFAULT, NULL, progress,
                                 progress_data, cancellable, error);
}

/**
 * lab_backup_create_full:
 * @flags: #LabBackupCreateFlags
 * @skipped: (out) (optional): set to whether no backup was made because nothing
 *   changed (only with %LAB_BACKUP_CREATE_SKIP_UNCHANGED)
 *
 * Like lab_backup_create(). When it skips, it returns the name of the newest
 * good backup, which holds the current state.
 *
 * Returns: (transfer full): a backup's name, or %NULL with @error set
 */
char *
lab_backup_create_full (LabDataDir            *dir,
                        LabBackupKind          kind,
                        LabBackupCreateFlags   flags,
                        gboolean              *skipped,
                        LabProgressFunc        progress,
                        gpointer               progress_data,
                        GCancellable          *cancellable,
                        GError               **error)
{
  g_autoptr(LabBackupLock) lock = NULL;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  lock = _lab_backup_lock_acquire (dir, progress, progress_data, cancellable, error);
  if (lock == NULL)
    return NULL;

  return _lab_backup_create_locked (dir, kind, flags, skipped, progress, progress_data,
                                    cancellable, error);
}

typedef struct
{
  LabBackupKind kind;
  LabBackupCreateFlags flags;
  LabProgress *progress;
  gboolean skipped;
} CreateData;

static void
create_data_free (gpointer data)
{
  CreateData *create = data;

  g_clear_object (&create->progress);
  g_free (create);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CreateData *create = task_data;
  g_autoptr(GError) error = NULL;
  char *name;

  if (g_task_return_error_if_cancelled (task))
    return;

  name = lab_backup_create_full (source_object, create->kind, create->flags, &create->skipped,
                                 create->progress ? lab_progress_report : NULL, create->progress,
                                 cancellable, &error);
  if (name == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, name, g_free);
}

/**
 * lab_backup_create_async:
 * @progress: (nullable): where to report progress
 *
 * Runs lab_backup_create_full() in a thread.
 */
void
lab_backup_create_async (LabDataDir            *dir,
                         LabBackupKind          kind,
                         LabBackupCreateFlags   flags,
                         LabProgress           *progress,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  CreateData *create;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (progress == NULL || LAB_IS_PROGRESS (progress));

  create = g_new0 (CreateData, 1);
  create->kind = kind;
  create->flags = flags;
  create->progress = progress ? g_object_ref (progress) : NULL;

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_create_async);
  g_task_set_task_data (task, create, create_data_free);
  g_task_run_in_thread (task, create_thread);
}

/**
 * lab_backup_create_finish:
 * @skipped: (out) (optional): whether nothing changed and no backup was made
 *
 * Returns: (transfer full): the backup's name, or %NULL with @error set
 */
char *
lab_backup_create_finish (LabDataDir    *dir,
                          GAsyncResult  *result,
                          gboolean      *skipped,
                          GError       **error)
{
  char *name;

  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_create_async, NULL);

  name = g_task_propagate_pointer (G_TASK (result), error);
  if (skipped != NULL)
    *skipped = name != NULL && ((CreateData *) g_task_get_task_data (G_TASK (result)))->skipped;

  return name;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  LabBackupInfo *ia = *(LabBackupInfo * const *) a;
  LabBackupInfo *ib = *(LabBackupInfo * const *) b;
  gint64 ta = lab_backup_info_get_created_at (ia);
  gint64 tb = lab_backup_info_get_created_at (ib);

  if (ta != tb)
    return ta < tb ? 1 : -1;

  /* backup_…_2 was made after backup_…; compare the suffix as a number. */
  if (strlen (lab_backup_info_get_name (ia)) != strlen (lab_backup_info_get_name (ib)))
    return strlen (lab_backup_info_get_name (ia)) < strlen (lab_backup_info_get_name (ib)) ? 1 : -1;
  return -strcmp (lab_backup_info_get_name (ia), lab_backup_info_get_name (ib));
}

/**
 * lab_backup_list:
 * @dir: the data directory
 *
 * Lists the backups whose sidecar exists, newest first. A backup killed while
 * it was being written has none and is not listed. Damaged backups are listed,
 * marked so (lab_backup_info_get_damaged()).
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups, or %NULL
 *   with @error set
 */
GPtrArray *
lab_backup_list (LabDataDir  *dir,
                 GError     **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) folder = NULL;
  const char *entry;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);

  folder = g_dir_open (lab_data_dir_get_backups_path (dir), 0, &local_error);
  if (folder == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&backups);
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("Cannot read the folder "
                   "“%s”: %s"), lab_data_dir_get_backups_path (dir), local_error->message);
      return NULL;
    }

  while ((entry = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *name = NULL;
      LabBackupInfo *info;

      if (!g_str_has_suffix (entry, ".json"))
        continue;

      name = g_strndup (entry, strlen (entry) - strlen (".json"));
      if (!_lab_backup_name_is_valid (name))
        continue;

      info = _lab_backup_get_info (dir, name, NULL);
      if (info != NULL)
        g_ptr_array_add (backups, info);
    }

  g_ptr_array_sort (backups, compare_newest_first);

  return g_steal_pointer (&backups);
}

/**
 * lab_backup_get:
 * @name: a backup's name
 *
 * Returns: (transfer full): the backup, or %NULL with %LAB_STORE_ERROR_NOT_FOUND
 */
LabBackupInfo *
lab_backup_get (LabDataDir  *dir,
                const char  *name,
                GError     **error)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return _lab_backup_get_info (dir, name, error);
}

/**
 * lab_backup_find_last_good:
 * @backups: (element-type LabBackupInfo): from lab_backup_list(), newest first
 *
 * Returns: (transfer none) (nullable): the newest backup not known to be damaged
 */
LabBackupInfo *
lab_backup_find_last_good (GPtrArray *backups)
{
  for (guint i = 0; i < backups->len; i++)
    {
      if (lab_backup_info_is_good (backups->pdata[i]))
        return backups->pdata[i];
    }

  return NULL;
}

/**
 * _lab_backup_delete_locked:
 *
 * Deletes a backup's sidecar, then its database file: from the first step on
 * it is no longer listed. Its workspace objects stay until
 * _lab_backup_collect_garbage().
 */
gboolean
_lab_backup_delete_locked (LabDataDir  *dir,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autofree char *sidecar = NULL;
  const char *suffixes[] = { ".db", ".db.gz", ".db.zst" };

  info = _lab_backup_get_info (dir, name, error);
  if (info == NULL)
    return FALSE;

  if (lab_backup_info_get_pinned (info))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("Backup “%s” is pinned; unpin it before deleting it"), name);
      return FALSE;
    }

  sidecar = _lab_backup_sidecar_path (dir, name);
  if (g_unlink (sidecar) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), sidecar);
      return FALSE;
    }

  /* Whatever the sidecar said, only this backup's own names are removed. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (name, suffixes[i], NULL);
      g_autofree char *path = g_build_filename (lab_data_dir_get_backups_path (dir), file, NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot delete “%s”"), path);
          return FALSE;
        }
    }

  return lab_fsync_dir (lab_data_dir_get_backups_path (dir), error);
}

/**
 * _lab_backup_collect_garbage:
 * @bytes_freed: (out) (optional): the size of the objects removed
 *
 * Removes the workspace objects no backup lists any more. If a sidecar cannot
 * be read, its references are unknown and nothing is removed.
 */
gboolean
_lab_backup_collect_garbage (LabDataDir  *dir,
                             guint64     *bytes_freed,
                             GError     **error)
{
  g_autoptr(GHashTable) referenced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *objects = _lab_backup_objects_path (dir);
  g_autoptr(GDir) folder = NULL;
  const char *prefix;
  guint64 freed = 0;

  if (bytes_freed != NULL)
    *bytes_freed = 0;

  backups = lab_backup_list (dir, error);
  if (backups == NULL)
    return FALSE;

  for (guint i = 0; i < backups->len; i++)
    {
      const char *name = lab_backup_info_get_name (backups->pdata[i]);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) sidecar = _lab_backup_read_sidecar (dir, name, &local_error);
      JsonObject *files;
      JsonObjectIter iter;
      const char *relative;
      JsonNode *node;

      if (sidecar == NULL)
        {
          g_debug ("Keeping every object: %s", local_error->message);
          return TRUE;
        }

      files = json_object_get_object_member (sidecar, "files");
      if (files == NULL)
        continue;

      json_object_iter_init (&iter, files);
      while (json_object_iter_next (&iter, &relative, &node))
        {
          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_hash_table_add (referenced, g_strdup (json_node_get_string (node)));
        }
    }

  folder = g_dir_open (objects, 0, NULL);
  while (folder != NULL && (prefix = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *sub_path = g_build_filename (objects, prefix, NULL);
      g_autoptr(GDir) sub = NULL;
      const char *entry;

      if (strlen (prefix) != 2 || !g_file_test (sub_path, G_FILE_TEST_IS_DIR))
        continue;

      sub = g_dir_open (sub_path, 0, NULL);
      while (sub != NULL && (entry = g_dir_read_name (sub)) != NULL)
        {
          g_autofree char *path = NULL;
          struct stat st;

          if (!lab_sha256_is_valid_hex (entry) || g_hash_table_contains (referenced, entry))
            continue;

          path = g_build_filename (sub_path, entry, NULL);
          if (lstat (path, &st) == 0 && g_unlink (path) == 0)
            freed += st.st_size;
        }
    }

  if (bytes_freed != NULL)
    *bytes_freed = freed;

  return TRUE;
}

static void
log_delete (LabDataDir *dir,
            const char *name,
            guint64     bytes_freed)
{
  g_autoptr(JsonObject) details = json_object_new ();

  json_object_set_string_member (details, "backup", name);
  json_object_set_int_member (details, "objects_freed", bytes_freed);

  _lab_backup_log (dir, "delete-backup", details);
}

/**
 * lab_backup_delete:
 * @dir: the data directory
 * @name: a backup's name
 *
 * Deletes the backup and the workspace objects no other backup lists. A
 * pinned backup is refused (%LAB_STORE_ERROR_INVALID): unpin it first.
 */
gboolean
lab_backup_delete (LabDataDir  *dir,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  guint64 freed = 0;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  lock = _lab_backup_lock_acquire (dir, NULL, NULL, NULL, error);
  if (lock == NULL)
    return FALSE;

  if (!_lab_backup_delete_locked (dir, name, error))
    return FALSE;

  if (!_lab_backup_collect_garbage (dir, &freed, error))
    return FALSE;

  log_delete (dir, name, freed);
  return TRUE;
}

/* lab_backup_set_pinned(), waiting for the lock until @cancellable says
 * otherwise. */
static gboolean
set_pinned (LabDataDir    *dir,
            const char    *name,
            gboolean       pinned,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(LabBackupLock) lock = NULL;
  g_autoptr(JsonObject) sidecar = NULL;

  if (!_lab_backup_name_is_valid (name))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not the name of a backup (they look like backup_20261122_020000)"),
                   name);
      return FALSE;
    }

  lock = _lab_backup_lock_acquire (dir, NULL, NULL, cancellable, error);
  if (lock == NULL)
    return FALSE;

  sidecar = _lab_backup_read_sidecar (dir, name, error);
  if (sidecar == NULL)
    return FALSE;

  if (json_object_get_boolean_member_with_default (sidecar, "pinned", FALSE) == !!pinned)
    return TRUE;

  json_object_set_boolean_member (sidecar, "pinned", !!pinned);
  return _lab_backup_write_sidecar (dir, name, sidecar, error);
}

/**
 * lab_backup_set_pinned:
 * @pinned: whether retention and cleanup must keep the backup forever
 *
 * Pins or unpins a backup; the sidecar is rewritten atomically.
 */
gboolean
lab_backup_set_pinned (LabDataDir  *dir,
                       const char  *name,
                       gboolean     pinned,
                       GError     **error)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return set_pinned (dir, name, pinned, NULL, error);
}

typedef struct
{
  char *name;
  gboolean pinned;
} PinData;

static void
pin_data_free (gpointer data)
{
  PinData *pin = data;

  g_free (pin->name);
  g_free (pin);
}

static void
set_pinned_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  PinData *pin = task_data;
  GError *error = NULL;

  if (set_pinned (source_object, pin->name, pin->pinned, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * lab_backup_set_pinned_async:
 * @name: a backup's name
 * @pinned: whether retention and cleanup must keep the backup forever
 *
 * Runs lab_backup_set_pinned() in a thread: it waits for a backup, restore or
 * cleanup in progress, which holds the backups folder's lock, until
 * @cancellable is cancelled.
 */
void
lab_backup_set_pinned_async (LabDataDir          *dir,
                             const char          *name,
                             gboolean             pinned,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PinData *pin;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (name != NULL);

  pin = g_new0 (PinData, 1);
  pin->name = g_strdup (name);
  pin->pinned = pinned;
  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_set_pinned_async);
  /* Cancelled while it waited for the lock, it says so; done, it says that. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, pin, pin_data_free);
  g_task_run_in_thread (task, set_pinned_thread);
}

gboolean
lab_backup_set_pinned_finish (LabDataDir    *dir,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * lab_backup_open_database:
 * @dir: the data directory
 * @name: a backup's name
 *
 * Opens the backup's database read-only, to browse it with lab-browse.h: to
 * show what a backup holds, or to choose the sessions to restore from it. A
 * compressed backup, or one of an older schema, is first decompressed (and
 * upgraded) into a temporary copy, which is deleted at once and goes away with
 * the returned #LabDb. A backup known to be damaged is refused.
 *
 * Returns: (transfer full): the backup's database, read-only, or %NULL with
 *   @error set
 */
LabDb *
lab_backup_open_database (LabDataDir    *dir,
                          const char    *name,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(LabBackupInfo) info = NULL;
  g_autoptr(LabBackupLock) lock = NULL;
  g_autofree char *tmp = NULL;
  LabDb *db;
  int fd;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  info = lab_backup_get (dir, name, error);
  if (info == NULL)
    return NULL;

  if (lab_backup_info_get_damaged (info))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                   _("Backup “%s” is damaged: %s"), name, lab_backup_info_get_problems (info)[0]);
      return NULL;
    }

  if (g_strcmp0 (lab_backup_info_get_compression (info), "none") == 0 &&
      lab_backup_info_get_schema_version (info) == LAB_SCHEMA_VERSION)
    return lab_db_open_file (lab_backup_info_get_path (info), LAB_DB_OPEN_READ_ONLY, error);

  /* The lock keeps a prune from deleting the backup while it is read. */
  lock = _lab_backup_lock_acquire (dir, NULL, NULL, cancellable, error);
  if (lock == NULL)
    return NULL;

  tmp = g_build_filename (lab_data_dir_get_backups_path (dir), ".extract-XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create a file in “%s”"),
                                  lab_data_dir_get_backups_path (dir));
      return NULL;
    }
  close (fd);

  if (!_lab_backup_extract_database (info, tmp, NULL, cancellable, error))
    {
      g_unlink (tmp);
      return NULL;
    }

  if (lab_backup_info_get_schema_version (info) != LAB_SCHEMA_VERSION)
    {
      g_autoptr(LabDb) upgraded = lab_db_open_file (tmp, LAB_DB_OPEN_NO_CREATE, error);

      /* Back to rollback mode, so that the read-only copy needs no -wal. */
      if (upgraded == NULL || !lab_db_exec (upgraded, "PRAGMA journal_mode = DELETE", error))
        {
          g_clear_object (&upgraded);
          g_unlink (tmp);
          return NULL;
        }
    }

  db = lab_db_open_file (tmp, LAB_DB_OPEN_READ_ONLY, error);
  /* SQLite keeps its descriptor: the copy lives as long as the connection. */
  g_unlink (tmp);

  return db;
}

static void
open_database_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  LabDb *db;

  if (g_task_return_error_if_cancelled (task))
    return;

  db = lab_backup_open_database (source_object, task_data, cancellable, &error);
  if (db == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, db, g_object_unref);
}

/**
 * lab_backup_open_database_async:
 *
 * Runs lab_backup_open_database() in a thread. The #LabDb it gives is then
 * used by one thread at a time, as every #LabDb.
 */
void
lab_backup_open_database_async (LabDataDir          *dir,
                                const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (name != NULL);

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_open_database_async);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, open_database_thread);
}

/**
 * lab_backup_open_database_finish:
 *
 * Returns: (transfer full): the backup's database, read-only, or %NULL
 */
LabDb *
lab_backup_open_database_finish (LabDataDir    *dir,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_open_database_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * lab_backup_load_files:
 * @dir: the data directory
 * @name: a backup's name
 *
 * The workspace files a backup holds. lab_backup_list() leaves them out (a
 * large workspace makes the list of every backup big); this reads them from
 * the sidecar when they are wanted.
 *
 * Returns: (transfer full) (element-type utf8 utf8): path in the workspace
 *   ("<session>/<path>") → SHA-256, or %NULL with @error set
 */
GHashTable *
lab_backup_load_files (LabDataDir  *dir,
                       const char  *name,
                       GError     **error)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) sidecar = NULL;
  JsonObject *map;
  JsonObjectIter iter;
  const char *path;
  JsonNode *node;

  g_return_val_if_fail (LAB_IS_DATA_DIR (dir), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!_lab_backup_name_is_valid (name))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not the name of a backup (they look like backup_20261122_020000)"),
                   name);
      return NULL;
    }

  sidecar = _lab_backup_read_sidecar (dir, name, error);
  if (sidecar == NULL)
    return NULL;

  map = json_object_get_object_member (sidecar, "files");
  if (map == NULL)
    return g_steal_pointer (&files);

  json_object_iter_init (&iter, map);
  while (json_object_iter_next (&iter, &path, &node))
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_hash_table_insert (files, g_strdup (path), g_strdup (json_node_get_string (node)));
    }

  return g_steal_pointer (&files);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *backups;

  if (g_task_return_error_if_cancelled (task))
    return;

  backups = lab_backup_list (source_object, &error);
  if (backups == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, backups, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * lab_backup_list_async:
 *
 * Runs lab_backup_list() in a thread: it reads every sidecar, which a
 * window must not wait for.
 */
void
lab_backup_list_async (LabDataDir          *dir,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_list_async);
  g_task_run_in_thread (task, list_thread);
}

/**
 * lab_backup_list_finish:
 *
 * Returns: (transfer full) (element-type LabBackupInfo): the backups, newest
 *   first, or %NULL with @error set
 */
GPtrArray *
lab_backup_list_finish (LabDataDir    *dir,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!lab_backup_delete (source_object, task_data, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * lab_backup_delete_async:
 * @name: a backup's name
 *
 * Runs lab_backup_delete() in a thread (it waits for a backup in progress
 * and removes the objects nothing lists any more).
 */
void
lab_backup_delete_async (LabDataDir          *dir,
                         const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LAB_IS_DATA_DIR (dir));
  g_return_if_fail (name != NULL);

  task = g_task_new (dir, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_backup_delete_async);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
lab_backup_delete_finish (LabDataDir    *dir,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, dir), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lab_backup_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
