/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-archive-writer"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-archive-writer.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-sha256.h"

/*
 * Writes a ZIP archive through a temporary file beside its destination. The
 * caller formats and hashes the members' bytes on its own thread while a
 * second thread compresses and writes them with libarchive: deflate is the
 * most expensive step, and overlapping it with the rest nearly halves an
 * export. A fixed set of buffers travels between the two threads, so memory
 * stays flat whatever the size of the store.
 */

#define BUFFER_SIZE (256 * 1024)
#define N_BUFFERS   8
#define MAX_OPS     512

/* Members smaller than this are stored: deflate costs a fixed ~70 µs per
 * member in libarchive, more than it saves on a small file. */
#define COMPRESS_MIN_SIZE (16 * 1024)

typedef enum
{
  OP_BEGIN,
  OP_DATA,
  OP_END,
  OP_CLOSE,
  OP_ABORT,
} OpKind;

typedef struct
{
  OpKind kind;
  char *name;
  gint64 size;
  gint64 mtime;
  gboolean compress;
  gsize offset;
  gsize length;
} Op;

/* What travels to the writer thread: a buffer of member bytes and the
 * operations that use it, so that a thousand small files cost one handoff. */
typedef struct
{
  guint8 *buffer;
  gsize length;
  GArray *ops;
} Batch;

struct _LabArchiveWriter
{
  char *dest;
  char *tmp_path;
  int fd;
  struct archive *archive;

  GThread *thread;
  GAsyncQueue *batches;
  GAsyncQueue *free_batches;

  /* Producer side. */
  Batch *batch;
  LabSha256 checksum;
  char *member_name;
  gint64 member_declared;
  guint64 member_size;
  guint64 total_size;
  GPtrArray *files;
  gboolean in_member;
  gboolean closed;

  /* Set by the writer thread on failure, read by the producer. */
  GMutex lock;
  GError *error;
  gint failed;
};

static void
file_entry_free (gpointer data)
{
  LabArchiveFileEntry *entry = data;

  g_free (entry->name);
  g_free (entry);
}

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->buffer = g_malloc (BUFFER_SIZE);
  batch->ops = g_array_sized_new (FALSE, TRUE, sizeof (Op), MAX_OPS);
  return batch;
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  for (guint i = 0; i < batch->ops->len; i++)
    g_free (g_array_index (batch->ops, Op, i).name);
  g_array_unref (batch->ops);
  g_free (batch->buffer);
  g_free (batch);
}

static void
batch_reset (Batch *batch)
{
  for (guint i = 0; i < batch->ops->len; i++)
    g_clear_pointer (&g_array_index (batch->ops, Op, i).name, g_free);
  g_array_set_size (batch->ops, 0);
  batch->length = 0;
}

static void
set_archive_error (LabArchiveWriter *self,
                   const char       *what)
{
  g_autoptr(GError) error = NULL;
  int saved_errno = archive_errno (self->archive);

  /* libarchive keeps the errno of a failed write: a full disk must say so. */
  if (saved_errno > 0)
    lab_store_error_from_errno (&error, saved_errno, _("Cannot write “%s” (%s)"), self->dest, what);
  else
    g_set_error (&error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("Cannot write “%s” (%s): %s"),
                 self->dest, what, archive_error_string (self->archive));

  g_mutex_lock (&self->lock);
  if (self->error == NULL)
    self->error = g_steal_pointer (&error);
  g_mutex_unlock (&self->lock);
  g_atomic_int_set (&self->failed, 1);
}

/* Runs one operation; returns FALSE after the last one. */
static gboolean
run_op (LabArchiveWriter *self,
        Batch            *batch,
        Op               *op)
{
  gboolean ok = !g_atomic_int_get (&self->failed);

  switch (op->kind)
    {
    case OP_BEGIN:
      if (ok)
        {
          struct archive_entry *entry = archive_entry_new ();

          if (op->compress)
            archive_write_zip_set_compression_deflate (self->archive);
          else
            archive_write_zip_set_compression_store (self->archive);

          archive_entry_set_pathname_utf8 (entry, op->name);
          archive_entry_set_filetype (entry, AE_IFREG);
          archive_entry_set_perm (entry, 0644);
          archive_entry_set_mtime (entry, op->mtime / G_USEC_PER_SEC, 0);
          if (op->size >= 0)
            archive_entry_set_size (entry, op->size);
          else
            archive_entry_unset_size (entry);
          if (archive_write_header (self->archive, entry) != ARCHIVE_OK)
            set_archive_error (self, op->name);
          archive_entry_free (entry);
        }
      return TRUE;

    case OP_DATA:
      if (ok && archive_write_data (self->archive, batch->buffer + op->offset, op->length) !=
                (la_ssize_t) op->length)
        set_archive_error (self, _("member data"));
      return TRUE;

    case OP_END:
      if (ok && archive_write_finish_entry (self->archive) != ARCHIVE_OK)
        set_archive_error (self, _("end of member"));
      return TRUE;

    case OP_CLOSE:
      if (ok && archive_write_close (self->archive) != ARCHIVE_OK)
        set_archive_error (self, _("central directory"));
      return FALSE;

    case OP_ABORT:
      /* Ending the open member and the archive releases libarchive's
       * compressor; archive_write_fail() would leak it. The temporary file
       * is removed anyway. After a write error these fail early, which is
       * fine. */
      archive_write_finish_entry (self->archive);
      archive_write_close (self->archive);
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

static gpointer
writer_thread (gpointer user_data)
{
  LabArchiveWriter *self = user_data;
  gboolean more = TRUE;

  while (more)
    {
      Batch *batch = g_async_queue_pop (self->batches);

      for (guint i = 0; i < batch->ops->len && more; i++)
        more = run_op (self, batch, &g_array_index (batch->ops, Op, i));

      batch_reset (batch);
      g_async_queue_push (self->free_batches, batch);
    }

  return NULL;
}

static void
flush_batch (LabArchiveWriter *self)
{
  if (self->batch->ops->len == 0)
    return;

  g_async_queue_push (self->batches, self->batch);
  self->batch = g_async_queue_pop (self->free_batches);
}

static void
add_op (LabArchiveWriter *self,
        const Op         *op)
{
  if (self->batch->ops->len == MAX_OPS)
    flush_batch (self);
  g_array_append_val (self->batch->ops, *op);
}

static gboolean
check_failed (LabArchiveWriter  *self,
              GError           **error)
{
  if (!g_atomic_int_get (&self->failed))
    return TRUE;

  g_mutex_lock (&self->lock);
  g_propagate_error (error, g_error_copy (self->error));
  g_mutex_unlock (&self->lock);
  return FALSE;
}

/**
 * lab_archive_writer_new:
 * @dest: the archive's final path; nothing appears there before
 *   lab_archive_writer_close() succeeds
 *
 * Returns: (transfer full): a writer, or %NULL with @error set
 */
LabArchiveWriter *
lab_archive_writer_new (const char  *dest,
                        GError     **error)
{
  g_autoptr(LabArchiveWriter) self = g_new0 (LabArchiveWriter, 1);

  g_return_val_if_fail (dest != NULL, NULL);

  g_mutex_init (&self->lock);
  self->dest = g_strdup (dest);
  self->fd = -1;
  self->files = g_ptr_array_new_with_free_func (file_entry_free);
  self->batches = g_async_queue_new ();
  self->free_batches = g_async_queue_new_full (batch_free);
  lab_sha256_init (&self->checksum);

  self->fd = lab_open_temp_beside (dest, 0600, &self->tmp_path, error);
  if (self->fd < 0)
    return NULL;

  self->archive = archive_write_new ();
  /* Level 1 deflate: a third of the time of the default level, and JSON lines
   * still shrink to about a seventh. UTF-8 names are flagged as such. */
  if (archive_write_set_format_zip (self->archive) != ARCHIVE_OK ||
      archive_write_set_options (self->archive, "zip:compression=deflate,zip:compression-level=1,"
                                                "zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
      archive_write_set_bytes_per_block (self->archive, 64 * 1024) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block (self->archive, 1) != ARCHIVE_OK ||
      archive_write_open_fd (self->archive, self->fd) != ARCHIVE_OK)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED, _("Cannot write “%s”: %s"),
                   dest, archive_error_string (self->archive));
      return NULL;
    }

  for (guint i = 0; i < N_BUFFERS; i++)
    g_async_queue_push (self->free_batches, batch_new ());
  self->batch = g_async_queue_pop (self->free_batches);

  self->thread = g_thread_new ("archive-writer", writer_thread, self);

  return g_steal_pointer (&self);
}

/**
 * lab_archive_writer_begin_member:
 * @name: the member's name, UTF-8
 * @size: its exact size if known, else -1
 * @mtime_usec: its modification time (µs since the epoch)
 * @expected_size: about how big it will be, -1 if unknown; small members are
 *   stored rather than compressed
 */
gboolean
lab_archive_writer_begin_member (LabArchiveWriter  *self,
                                 const char        *name,
                                 gint64             size,
                                 gint64             mtime_usec,
                                 gint64             expected_size,
                                 GError           **error)
{
  Op op = { OP_BEGIN };

  g_return_val_if_fail (!self->in_member && !self->closed, FALSE);

  if (!check_failed (self, error))
    return FALSE;

  lab_sha256_init (&self->checksum);
  g_free (self->member_name);
  self->member_name = g_strdup (name);
  self->member_declared = size;
  self->member_size = 0;
  self->in_member = TRUE;

  op.name = g_strdup (name);
  op.size = size;
  op.mtime = mtime_usec;
  op.compress = expected_size < 0 || expected_size >= COMPRESS_MIN_SIZE;
  add_op (self, &op);

  return TRUE;
}

/**
 * lab_archive_writer_write:
 *
 * Appends @data to the current member and to its checksum.
 */
gboolean
lab_archive_writer_write (LabArchiveWriter  *self,
                          const void        *data,
                          gsize              length,
                          GError           **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (self->in_member, FALSE);

  if (!check_failed (self, error))
    return FALSE;

  lab_sha256_update (&self->checksum, data, length);
  self->member_size += length;

  while (length > 0)
    {
      Batch *batch = self->batch;
      Op *last = batch->ops->len ? &g_array_index (batch->ops, Op, batch->ops->len - 1) : NULL;
      gboolean extend = last != NULL && last->kind == OP_DATA &&
                        last->offset + last->length == batch->length;
      gsize n = MIN (length, BUFFER_SIZE - batch->length);

      if (n == 0 || (!extend && batch->ops->len == MAX_OPS))
        {
          flush_batch (self);
          continue;
        }

      memcpy (batch->buffer + batch->length, p, n);
      if (extend)
        last->length += n;
      else
        {
          Op op = { OP_DATA };

          op.offset = batch->length;
          op.length = n;
          g_array_append_val (batch->ops, op);
        }
      batch->length += n;
      p += n;
      length -= n;
    }

  return TRUE;
}

/**
 * lab_archive_writer_end_member:
 *
 * Ends the current member and records its checksum and size for the manifest.
 */
gboolean
lab_archive_writer_end_member (LabArchiveWriter  *self,
                               GError           **error)
{
  LabArchiveFileEntry *entry;
  Op op = { OP_END };

  g_return_val_if_fail (self->in_member, FALSE);

  self->in_member = FALSE;
  add_op (self, &op);

  if (self->member_declared >= 0 && (guint64) self->member_declared != self->member_size)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("“%s” changed while it was being exported; try again"), self->member_name);
      return FALSE;
    }

  if (!check_failed (self, error))
    return FALSE;

  entry = g_new0 (LabArchiveFileEntry, 1);
  entry->name = g_strdup (self->member_name);
  lab_sha256_finish (&self->checksum, entry->sha256);
  entry->size = self->member_size;
  g_ptr_array_add (self->files, entry);
  self->total_size += self->member_size;

  return TRUE;
}

/**
 * lab_archive_writer_get_files:
 *
 * Returns: (transfer none) (element-type LabArchiveFileEntry): the members
 *   written so far, in order
 */
GPtrArray *
lab_archive_writer_get_files (LabArchiveWriter *self)
{
  return self->files;
}

guint64
lab_archive_writer_get_total_size (LabArchiveWriter *self)
{
  return self->total_size;
}

static void
stop_thread (LabArchiveWriter *self,
             OpKind            kind)
{
  Op op = { kind };

  if (self->thread == NULL)
    return;

  add_op (self, &op);
  flush_batch (self);
  g_thread_join (g_steal_pointer (&self->thread));
}

/**
 * lab_archive_writer_close:
 * @archive_size: (out) (optional): the size of the finished archive
 *
 * Writes the central directory, syncs the file and renames it to its
 * destination. On failure the temporary file is removed.
 */
gboolean
lab_archive_writer_close (LabArchiveWriter  *self,
                          guint64           *archive_size,
                          GError           **error)
{
  struct stat st;
  int fd;

  g_return_val_if_fail (!self->in_member && !self->closed, FALSE);

  self->closed = TRUE;
  stop_thread (self, OP_CLOSE);

  if (!check_failed (self, error))
    return FALSE;

  if (!lab_fsync_fd (self->fd, self->tmp_path, error))
    return FALSE;

  if (fstat (self->fd, &st) == 0 && archive_size != NULL)
    *archive_size = st.st_size;

  fd = self->fd;
  self->fd = -1;
  if (close (fd) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), self->dest);
      return FALSE;
    }

  if (!lab_commit_temp (self->tmp_path, self->dest, error))
    {
      g_clear_pointer (&self->tmp_path, g_free);
      return FALSE;
    }
  g_clear_pointer (&self->tmp_path, g_free);

  return TRUE;
}

/**
 * lab_archive_writer_free:
 *
 * Frees the writer; an archive that was not closed is abandoned and its
 * temporary file removed.
 */
void
lab_archive_writer_free (LabArchiveWriter *self)
{
  if (self == NULL)
    return;

  stop_thread (self, OP_ABORT);

  if (self->archive != NULL)
    archive_write_free (self->archive);
  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);

  g_clear_pointer (&self->batch, batch_free);
  g_clear_pointer (&self->batches, g_async_queue_unref);
  g_clear_pointer (&self->free_batches, g_async_queue_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_free (self->member_name);
  g_free (self->dest);
  g_free (self->tmp_path);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_free (self);
}
