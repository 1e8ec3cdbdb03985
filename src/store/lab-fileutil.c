/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-fileutil"
#define _GNU_SOURCE 1  /* syncfs() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-sha256.h"

#define COPY_BUFFER_SIZE (1024 * 1024)

/**
 * lab_mkdir_private:
 * @path: a folder to create, with its parents
 *
 * Creates @path with mode 0700 if it does not exist. An existing folder keeps its
 * mode: the user may have chosen to share it.
 *
 * Returns: %TRUE if @path is a folder afterwards
 */
gboolean
lab_mkdir_private (const char  *path,
                   GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create the folder “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

gboolean
lab_fsync_fd (int          fd,
              const char  *path,
              GError     **error)
{
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s” to disk"), path);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_fsync_dir:
 * @dir: a folder
 *
 * Flushes @dir itself, so that a rename or a new file inside it survives a power
 * cut, not only the file's contents.
 */
gboolean
lab_fsync_dir (const char  *dir,
               GError     **error)
{
  int fd;
  gboolean ret;

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open the folder “%s”"), dir);
      return FALSE;
    }

  ret = lab_fsync_fd (fd, dir, error);
  close (fd);

  return ret;
}

/**
 * lab_open_temp_beside:
 * @dest: the final path of a file about to be written
 * @mode: file mode for the temporary file
 * @tmp_path: (out) (transfer full): the temporary file's path
 *
 * Creates a new, uniquely named file in the folder of @dest, so that it can later
 * be renamed over @dest atomically (same filesystem).
 *
 * Returns: a file descriptor open for writing, or -1 with @error set
 */
int
lab_open_temp_beside (const char  *dest,
                      int          mode,
                      char       **tmp_path,
                      GError     **error)
{
  g_autofree char *tmpl = g_strdup_printf ("%s.tmp-XXXXXX", dest);
  int fd;

  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot create a file beside “%s”"), dest);
      return -1;
    }

  *tmp_path = g_steal_pointer (&tmpl);
  return fd;
}

/**
 * lab_commit_temp:
 * @tmp_path: a temporary file, already written and fsynced
 * @dest: the final name
 *
 * Renames @tmp_path over @dest and flushes the folder. On failure the temporary
 * file is removed and @dest is unchanged.
 */
gboolean
lab_commit_temp (const char  *tmp_path,
                 const char  *dest,
                 GError     **error)
{
  g_autofree char *dir = NULL;

  if (g_rename (tmp_path, dest) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      lab_store_error_from_errno (error, saved_errno, _("Cannot rename “%s” to “%s”"), tmp_path, dest);
      return FALSE;
    }

  dir = g_path_get_dirname (dest);
  return lab_fsync_dir (dir, error);
}

gboolean
lab_write_all (int          fd,
               const void  *data,
               gsize        length,
               const char  *path,
               GError     **error)
{
  const char *p = data;

  while (length > 0)
    {
      gssize n = write (fd, p, length);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;

          lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), path);
          return FALSE;
        }

      p += n;
      length -= n;
    }

  return TRUE;
}

/**
 * lab_file_replace_contents:
 * @path: the file to write
 * @data: the new contents
 * @length: length of @data, or -1 if it is a nul-terminated string
 *
 * Replaces @path through a temporary name, fsync and rename, with mode 0600. A
 * crash at any moment leaves either the old contents or the new ones.
 */
gboolean
lab_file_replace_contents (const char  *path,
                           const char  *data,
                           gsize        length,
                           GError     **error)
{
  g_autofree char *tmp_path = NULL;
  int fd;

  if (length == (gsize) -1)
    length = strlen (data);

  fd = lab_open_temp_beside (path, 0600, &tmp_path, error);
  if (fd < 0)
    return FALSE;

  if (!lab_write_all (fd, data, length, tmp_path, error) ||
      !lab_fsync_fd (fd, tmp_path, error))
    {
      close (fd);
      g_unlink (tmp_path);
      return FALSE;
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), path);
      return FALSE;
    }

  return lab_commit_temp (tmp_path, path, error);
}

/* Copies the rest of @in_fd to @out_fd (or only reads it, for -1), hashing
 * on the way and counting the bytes into @total. */
static gboolean
copy_fd (int            in_fd,
         const char    *src,
         int            out_fd,
         const char    *dest,
         LabSha256     *checksum,
         goffset       *total,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree guchar *buffer = g_malloc (COPY_BUFFER_SIZE);

  for (;;)
    {
      gssize n = read (in_fd, buffer, COPY_BUFFER_SIZE);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), src);
          return FALSE;
        }
      if (n == 0)
        return TRUE;

      lab_sha256_update (checksum, buffer, n);
      *total += n;
      if (out_fd >= 0 && !lab_write_all (out_fd, buffer, n, dest, error))
        return FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
}

static int
open_source (const char  *src,
             GError     **error)
{
  int fd = open (src, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), src);
    }

  return fd;
}

/**
 * lab_file_sha256:
 * @path: a regular file
 * @size: (out) (optional): the number of bytes read
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of the file, or %NULL
 */
char *
lab_file_sha256 (const char    *path,
                 goffset       *size,
                 GCancellable  *cancellable,
                 GError       **error)
{
  LabSha256 checksum;
  goffset total = 0;
  gboolean ok;
  int fd;

  lab_sha256_init (&checksum);

  fd = open_source (path, error);
  if (fd < 0)
    return NULL;

  ok = copy_fd (fd, path, -1, NULL, &checksum, &total, cancellable, error);
  close (fd);
  if (!ok)
    return NULL;

  if (size != NULL)
    *size = total;

  return lab_sha256_finish_dup (&checksum);
}

/**
 * lab_file_copy_atomic:
 * @src: the file to copy
 * @dest: where the copy goes; replaced atomically if it exists
 * @sha256: (out) (optional) (transfer full): SHA-256 of the bytes copied
 *
 * Copies @src through a temporary file beside @dest, fsyncs and renames it, and
 * computes the checksum on the way so that the data is read only once.
 */
gboolean
lab_file_copy_atomic (const char    *src,
                      const char    *dest,
                      char         **sha256,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *tmp_path = NULL;
  LabSha256 checksum;
  goffset total = 0;
  int in_fd;
  int out_fd;

  lab_sha256_init (&checksum);

  in_fd = open_source (src, error);
  if (in_fd < 0)
    return FALSE;

  out_fd = lab_open_temp_beside (dest, 0600, &tmp_path, error);
  if (out_fd < 0)
    {
      close (in_fd);
      return FALSE;
    }

  if (!copy_fd (in_fd, src, out_fd, tmp_path, &checksum, &total, cancellable, error) ||
      !lab_fsync_fd (out_fd, tmp_path, error))
    goto fail;

  close (in_fd);
  if (close (out_fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), dest);
      return FALSE;
    }

  if (!lab_commit_temp (tmp_path, dest, error))
    return FALSE;

  if (sha256 != NULL)
    *sha256 = lab_sha256_finish_dup (&checksum);

  return TRUE;

fail:
  close (in_fd);
  close (out_fd);
  g_unlink (tmp_path);
  return FALSE;
}

/**
 * lab_file_copy_unsynced:
 * @src: the file to copy
 * @dest: a new file (it must not exist), created with mode 0600
 * @sha256: (out) (optional) (transfer full): SHA-256 of the bytes copied
 *
 * Copies without syncing, for callers that write many files and then make
 * them durable at once with lab_sync_filesystem(), before anything refers to
 * them: one sync instead of thousands. On failure @dest is removed.
 */
gboolean
lab_file_copy_unsynced (const char    *src,
                        const char    *dest,
                        char         **sha256,
                        GCancellable  *cancellable,
                        GError       **error)
{
  LabSha256 checksum;
  goffset total = 0;
  gboolean ok;
  int in_fd;
  int out_fd;

  lab_sha256_init (&checksum);

  in_fd = open_source (src, error);
  if (in_fd < 0)
    return FALSE;

  out_fd = open (dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out_fd < 0)
    {
      int saved_errno = errno;

      close (in_fd);
      lab_store_error_from_errno (error, saved_errno, _("Cannot create “%s”"), dest);
      return FALSE;
    }

  ok = copy_fd (in_fd, src, out_fd, dest, &checksum, &total, cancellable, error);
  close (in_fd);
  if (close (out_fd) != 0 && ok)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s”"), dest);
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (dest);
      return FALSE;
    }

  if (sha256 != NULL)
    *sha256 = lab_sha256_finish_dup (&checksum);

  return TRUE;
}

/**
 * lab_sync_filesystem:
 * @path: a file or folder on the filesystem to flush
 *
 * Writes everything written to the filesystem of @path to disk, data and
 * metadata: after many lab_file_copy_unsynced(), one call instead of an fsync
 * each (thousands of journal commits).
 */
gboolean
lab_sync_filesystem (const char  *path,
                     GError     **error)
{
#ifdef __linux__
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int rc;

  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }

  rc = syncfs (fd);
  close (fd);
  if (rc != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot write “%s” to disk"), path);
      return FALSE;
    }
#else
  sync ();
#endif

  return TRUE;
}

/**
 * lab_relative_path_is_safe:
 * @relative: a path that must stay inside some folder
 *
 * A safe path is relative, not empty, valid UTF-8, has no "." or ".." component,
 * no empty component, no backslash and no control character.
 */
gboolean
lab_relative_path_is_safe (const char *relative)
{
  g_auto(GStrv) parts = NULL;

  if (relative == NULL || relative[0] == '\0' || relative[0] == '/')
    return FALSE;
  if (!g_utf8_validate (relative, -1, NULL))
    return FALSE;

  for (const char *p = relative; *p; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f || *p == '\\')
        return FALSE;
    }

  parts = g_strsplit (relative, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        return FALSE;
    }

  return TRUE;
}

/**
 * lab_path_join_safe:
 * @root: a folder
 * @relative: a path inside it, from untrusted input
 *
 * Returns: (transfer full): @root/@relative, or %NULL with
 *   %LAB_STORE_ERROR_UNSAFE_PATH if @relative could escape @root
 */
char *
lab_path_join_safe (const char  *root,
                    const char  *relative,
                    GError     **error)
{
  if (!lab_relative_path_is_safe (relative))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("The path “%s” is not allowed: it must stay inside its folder"),
                   relative ? relative : "");
      return NULL;
    }

  return g_build_filename (root, relative, NULL);
}

/**
 * lab_rm_rf:
 * @path: a file or folder
 *
 * Removes @path and everything below it, without following symbolic links.
 * A missing @path is not an error.
 */
gboolean
lab_rm_rf (const char  *path,
           GError     **error)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return TRUE;
      lab_store_error_from_errno (error, saved_errno, _("Cannot remove “%s”"), path);
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, error);
      const char *name;

      if (dir == NULL)
        return FALSE;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!lab_rm_rf (child, error))
            return FALSE;
        }

      if (g_rmdir (path) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno, _("Cannot remove “%s”"), path);
          return FALSE;
        }
      return TRUE;
    }

  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot remove “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

/**
 * lab_path_disk_usage:
 * @path: a file or folder
 * @n_files: (out) (optional): the number of regular files counted
 *
 * Sums the apparent sizes of the regular files at or below @path, without
 * following symbolic links: what the files hold (the store summary's sizes,
 * the room a move of the data folder needs). It is not `du -sb`, which also counts each
 * folder's own size (its directory entries, 4 KiB and up) and a file with
 * several hard links once; lab_usage_measure_path() measures as `du -sb`.
 * Missing or unreadable paths count as zero.
 */
guint64
lab_path_disk_usage (const char *path,
                     guint64    *n_files)
{
  struct stat st;
  guint64 total = 0;

  if (lstat (path, &st) != 0)
    return 0;

  if (S_ISREG (st.st_mode))
    {
      if (n_files != NULL)
        (*n_files)++;
      return st.st_size;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      if (dir == NULL)
        return 0;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          total += lab_path_disk_usage (child, n_files);
        }
    }

  return total;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * lab_dir_list_sorted:
 * @path: a folder
 *
 * Returns: (transfer full) (element-type filename): the names in @path, in
 *   byte order, so that walks of a tree are the same every time; %NULL with
 *   @error set if the folder cannot be read
 */
GPtrArray *
lab_dir_list_sorted (const char  *path,
                     GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    return NULL;

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  return names;
}
