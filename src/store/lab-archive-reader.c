/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-archive-reader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "lab-archive-reader.h"
#include "lab-db.h"
#include "lab-error.h"

/*
 * Reads a `.labdata` archive that may have been made by anyone. Nothing in it
 * is trusted until checked:
 *
 * - lab_archive_reader_open() walks the ZIP directory first: every member
 *   must be a regular file (no links, no folders, not encrypted) with a name
 *   the format allows (no absolute path, no "..", no duplicates), and the
 *   manifest must list exactly the members present, with sizes that add up to
 *   something sane for the size of the file (zip bombs).
 * - lab_archive_reader_read_members() then streams each member to a callback
 *   and stops as soon as one grows past the size its manifest declares; at
 *   the end of each member the size and SHA-256 must match.
 *
 * The manifest is parsed by SQLite's JSON functions in a private in-memory
 * database: a manifest listing a quarter of a million files costs a few times
 * its size, not the much larger tree a DOM parser would build.
 */

#define READ_BLOCK     (64 * 1024)
#define REPORT_BYTES   (4 * 1024 * 1024)
#define MAX_SHOWN_NAME 120

struct _LabArchiveReader
{
  char *path;
  int fd;
  guint64 file_size;
  LabArchiveLimits limits;
  struct archive *archive;

  GPtrArray *members;
  GHashTable *by_name;
  GHashTable *counts;
  int version;
  char *exported_at;
  char *app_version;
  guint64 total_size;

  /* While reading members. */
  LabArchiveMember *current;
  guint64 current_read;
  LabSha256 sha;
  GCancellable *cancellable;
  LabProgressFunc progress;
  gpointer progress_data;
  guint64 done_bytes;
  guint64 reported_bytes;
};

static void
member_free (gpointer data)
{
  LabArchiveMember *member = data;

  g_free (member->name);
  g_free (member->session_id);
  g_free (member->path);
  g_free (member);
}

/* A member name as it may be shown: hostile names can hold anything. */
static char *
shown (const char *name)
{
  g_autofree char *escaped = g_strescape (name ? name : "", NULL);

  g_autofree char *start = NULL;

  if (g_utf8_strlen (escaped, -1) <= MAX_SHOWN_NAME)
    return g_steal_pointer (&escaped);

  start = g_utf8_substring (escaped, 0, MAX_SHOWN_NAME);
  return g_strconcat (start, "…", NULL);
}

static gboolean
set_damaged (GError         **error,
             struct archive  *archive,
             const char      *path)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
               _("“%s” is not a valid LabData archive: the ZIP file is damaged or truncated (%s)"),
               path, archive_error_string (archive) ? archive_error_string (archive) : _("unknown error"));
  return FALSE;
}

static gboolean
open_archive (LabArchiveReader  *self,
              GError           **error)
{
  g_clear_pointer (&self->archive, archive_read_free);

  if (lseek (self->fd, 0, SEEK_SET) != 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot read “%s”"), self->path);
      return FALSE;
    }

  /* The seekable reader trusts the central directory, which is what every
   * other ZIP tool shows; members hidden between local headers are never
   * seen. No other format or filter is enabled. */
  self->archive = archive_read_new ();
  if (archive_read_support_format_zip_seekable (self->archive) != ARCHIVE_OK ||
      archive_read_open_fd (self->archive, self->fd, READ_BLOCK) != ARCHIVE_OK)
    return set_damaged (error, self->archive, self->path);

  return TRUE;
}

/* Reads the current entry's data, which must not be longer than @max. */
static char *
read_small_entry (LabArchiveReader  *self,
                  gsize              max,
                  gsize             *length,
                  GError           **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[READ_BLOCK];

  for (;;)
    {
      la_ssize_t n = archive_read_data (self->archive, buffer, sizeof buffer);

      if (n < 0)
        return (set_damaged (error, self->archive, self->path), NULL);
      if (n == 0)
        break;
      if (data->len + (gsize) n > max)
        {
          g_autofree char *limit = g_format_size (max);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("The manifest of “%s” is larger than %s; refusing it"), self->path, limit);
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }

  *length = data->len;
  g_byte_array_append (data, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&data), FALSE);
}

static gboolean
check_entry (LabArchiveReader      *self,
             struct archive_entry  *entry,
             const char            *name,
             GError               **error)
{
  g_autofree char *name_shown = shown (name);

  if (archive_entry_is_encrypted (entry))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                   _("“%s” in the archive is encrypted; LabData archives never are"), name_shown);
      return FALSE;
    }

  if (archive_entry_symlink (entry) != NULL || archive_entry_filetype (entry) == AE_IFLNK)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("“%s” in the archive is a symbolic link; archives with links are refused"),
                   name_shown);
      return FALSE;
    }

  if (archive_entry_hardlink (entry) != NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                   _("“%s” in the archive is a hard link; archives with links are refused"),
                   name_shown);
      return FALSE;
    }

  if (archive_entry_filetype (entry) != AE_IFREG)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” in the archive is not a regular file (folders and special files "
                     "are not part of the format)"), name_shown);
      return FALSE;
    }

  return TRUE;
}

static gboolean
name_escapes (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);

  /* Absolute paths, Windows separators and drive letters. */
  if (name[0] == '/' || strchr (name, '\\') != NULL || (g_ascii_isalpha (name[0]) && name[1] == ':'))
    return TRUE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], ".."))
        return TRUE;
    }

  return FALSE;
}

static LabArchiveMember *
add_member (LabArchiveReader  *self,
            const char        *name,
            GError           **error)
{
  g_autofree char *name_shown = shown (name);
  LabArchiveMember *member;
  LabArchiveMemberKind kind;
  const LabTableInfo *table = NULL;
  char *session_id = NULL;
  char *path = NULL;

  kind = lab_archive_classify_member (name, &table, &session_id, &path);
  if (kind == LAB_ARCHIVE_MEMBER_INVALID)
    {
      if (name_escapes (name))
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSAFE_PATH,
                     _("The archive member “%s” has a path that would leave the folder it is "
                       "extracted to; the archive is refused"), name_shown);
      else
        g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                     _("The archive member “%s” is not part of the LabData archive format"),
                     name_shown);
      return NULL;
    }

  if (g_hash_table_contains (self->by_name, name))
    {
      g_free (session_id);
      g_free (path);
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” appears more than once in the archive"), name_shown);
      return NULL;
    }

  member = g_new0 (LabArchiveMember, 1);
  member->name = g_strdup (name);
  member->kind = kind;
  member->table = table;
  member->session_id = session_id;
  member->path = path;
  g_hash_table_insert (self->by_name, member->name, member);
  if (kind != LAB_ARCHIVE_MEMBER_MANIFEST)
    g_ptr_array_add (self->members, member);

  return member;
}

/* Manifest */

static gboolean
manifest_error (GError     **error,
                const char  *path,
                const char  *problem)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
               _("“%s” is not a valid LabData archive: %s"), path, problem);
  return FALSE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static gboolean
parse_manifest (LabArchiveReader  *self,
                const char        *text,
                gsize              length,
                GHashTable        *zip_sizes,
                GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3 *db = NULL;
  const char *format;
  gboolean ok = FALSE;
  int rc;

  if (!g_utf8_validate_len (text, length, NULL))
    return manifest_error (error, self->path, _("its manifest is not valid UTF-8 text"));

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      g_set_error_literal (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                           _("Cannot allocate memory to read the manifest"));
      return FALSE;
    }

#define PREPARE(sql) \
  G_STMT_START { \
    g_clear_pointer (&stmt, sqlite3_finalize); \
    if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK) \
      { \
        lab_sqlite_set_error (error, db, sqlite3_errcode (db), NULL); \
        goto out; \
      } \
    sqlite3_bind_text (stmt, 1, text, length, SQLITE_STATIC); \
  } G_STMT_END

  PREPARE ("SELECT json_valid (?1), json_type (?1),"
           " (SELECT count (*) = count (DISTINCT key) FROM json_each (?1))");
  if (sqlite3_step (stmt) != SQLITE_ROW || !sqlite3_column_int (stmt, 0))
    {
      manifest_error (error, self->path, _("its manifest is not valid JSON"));
      goto out;
    }
  if (g_strcmp0 (column_text (stmt, 1), "object") != 0)
    {
      manifest_error (error, self->path, _("its manifest is not a JSON object"));
      goto out;
    }
  if (!sqlite3_column_int (stmt, 2))
    {
      manifest_error (error, self->path, _("its manifest names a field twice"));
      goto out;
    }

  PREPARE ("SELECT json_type (?1, '$.format'), ?1 ->> '$.format',"
           " json_type (?1, '$.version'), ?1 ->> '$.version',"
           " json_type (?1, '$.exported_at'), ?1 ->> '$.exported_at',"
           " json_type (?1, '$.app_version'), ?1 ->> '$.app_version',"
           " json_type (?1, '$.files'), json_type (?1, '$.counts')");
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      lab_sqlite_set_error (error, db, sqlite3_errcode (db), NULL);
      goto out;
    }

  format = column_text (stmt, 1);
  if (g_strcmp0 (column_text (stmt, 0), "text") != 0 || g_strcmp0 (format, LAB_ARCHIVE_FORMAT) != 0)
    {
      manifest_error (error, self->path, _("its manifest does not say it is a LabData archive"));
      goto out;
    }

  if (g_strcmp0 (column_text (stmt, 2), "integer") != 0)
    {
      manifest_error (error, self->path, _("its manifest has no format version"));
      goto out;
    }
  if (sqlite3_column_int64 (stmt, 3) > LAB_ARCHIVE_VERSION)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 3));

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_UNSUPPORTED,
                   _("“%s” was written by a newer version of LabData (archive format version %s; "
                     "this version reads up to %d). Update LabData to import it."),
                   self->path, version, LAB_ARCHIVE_VERSION);
      goto out;
    }
  if (sqlite3_column_int64 (stmt, 3) < 1)
    {
      manifest_error (error, self->path, _("its manifest has an impossible format version"));
      goto out;
    }
  self->version = sqlite3_column_int (stmt, 3);

  if (g_strcmp0 (column_text (stmt, 4), "text") == 0)
    self->exported_at = g_strdup (column_text (stmt, 5));
  if (g_strcmp0 (column_text (stmt, 6), "text") == 0)
    self->app_version = g_strdup (column_text (stmt, 7));

  if (g_strcmp0 (column_text (stmt, 8), "object") != 0)
    {
      manifest_error (error, self->path, _("its manifest has no list of files"));
      goto out;
    }
  if (sqlite3_column_type (stmt, 9) != SQLITE_NULL && g_strcmp0 (column_text (stmt, 9), "object") != 0)
    {
      manifest_error (error, self->path, _("the counts in its manifest are not a JSON object"));
      goto out;
    }

  /* Counts: optional, but when given they must be counts. */
  PREPARE ("SELECT key, type, value FROM json_each (?1, '$.counts')");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = column_text (stmt, 0);

      if (g_strcmp0 (column_text (stmt, 1), "integer") != 0 || sqlite3_column_int64 (stmt, 2) < 0)
        {
          manifest_error (error, self->path, _("a count in its manifest is not a number of rows"));
          goto out;
        }
      if (lab_schema_get_table (key) != NULL || g_str_equal (key, "files"))
        g_hash_table_insert (self->counts, g_strdup (key),
                             g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 2) }, sizeof (gint64)));
    }
  if (rc != SQLITE_DONE)
    {
      lab_sqlite_set_error (error, db, rc, NULL);
      goto out;
    }

  PREPARE ("SELECT key, json_type (value), json_type (value, '$.sha256'), value ->> '$.sha256',"
           " json_type (value, '$.size'), value ->> '$.size'"
           " FROM json_each (?1, '$.files')");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = column_text (stmt, 0);
      g_autofree char *name_shown = shown (name);
      LabArchiveMember *member;
      gint64 size;

      if (name == NULL || g_hash_table_contains (listed, name))
        {
          g_autofree char *problem = g_strdup_printf (_("its manifest lists “%s” twice"), name_shown);

          manifest_error (error, self->path, problem);
          goto out;
        }

      member = g_hash_table_lookup (self->by_name, name);
      if (member == NULL || member->kind == LAB_ARCHIVE_MEMBER_MANIFEST)
        {
          g_autofree char *problem = g_strdup_printf (_("its manifest lists “%s”, which is not in "
                                                        "the archive"), name_shown);

          manifest_error (error, self->path, problem);
          goto out;
        }
      g_hash_table_add (listed, member->name);

      if (g_strcmp0 (column_text (stmt, 1), "object") != 0 ||
          g_strcmp0 (column_text (stmt, 2), "text") != 0 || !lab_sha256_is_valid_hex (column_text (stmt, 3)) ||
          g_strcmp0 (column_text (stmt, 4), "integer") != 0 || sqlite3_column_int64 (stmt, 5) < 0)
        {
          g_autofree char *problem = g_strdup_printf (_("its manifest has no valid checksum and size "
                                                        "for “%s”"), name_shown);

          manifest_error (error, self->path, problem);
          goto out;
        }

      size = sqlite3_column_int64 (stmt, 5);
      g_strlcpy (member->sha256, column_text (stmt, 3), sizeof member->sha256);
      member->size = size;

      if (g_hash_table_contains (zip_sizes, member->name) &&
          *(gint64 *) g_hash_table_lookup (zip_sizes, member->name) != size)
        {
          g_autofree char *problem = g_strdup_printf (_("the ZIP directory and the manifest disagree "
                                                        "about the size of “%s”"), name_shown);

          manifest_error (error, self->path, problem);
          goto out;
        }

      if ((guint64) size > self->limits.max_total_size - self->total_size)
        {
          g_autofree char *limit = g_format_size (self->limits.max_total_size);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” would expand to more than %s; refusing it"), self->path, limit);
          goto out;
        }
      self->total_size += size;
    }
  if (rc != SQLITE_DONE)
    {
      lab_sqlite_set_error (error, db, rc, NULL);
      goto out;
    }

  for (guint i = 0; i < self->members->len; i++)
    {
      LabArchiveMember *member = g_ptr_array_index (self->members, i);

      if (!g_hash_table_contains (listed, member->name))
        {
          g_autofree char *name_shown = shown (member->name);
          g_autofree char *problem = g_strdup_printf (_("“%s” is not listed in its manifest"), name_shown);

          manifest_error (error, self->path, problem);
          goto out;
        }
    }

  /* Deflate tops out near 1000:1; anything past the limit is forged. */
  if (self->total_size > self->limits.ratio_floor &&
      self->total_size / MAX (self->file_size, 1) >= self->limits.max_ratio)
    {
      g_autofree char *expanded = g_format_size (self->total_size);
      g_autofree char *packed = g_format_size (self->file_size);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” would expand from %s to %s, more than %u times its size; refusing what "
                     "looks like a zip bomb"),
                   self->path, packed, expanded, self->limits.max_ratio);
      goto out;
    }

  ok = TRUE;

#undef PREPARE

out:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return ok;
}

/**
 * lab_archive_reader_open:
 * @path: an archive file (untrusted)
 * @limits: (nullable): the limits, %NULL for the defaults
 *
 * Checks the archive's directory and manifest (see the top of this file).
 *
 * Returns: (transfer full): a reader, or %NULL with @error set:
 *   %LAB_STORE_ERROR_UNSAFE_PATH for names that escape or links,
 *   %LAB_STORE_ERROR_UNSUPPORTED for a newer format or encryption,
 *   %LAB_STORE_ERROR_CORRUPT for a damaged ZIP, and
 *   %LAB_STORE_ERROR_INVALID for everything else the format does not allow
 */
LabArchiveReader *
lab_archive_reader_open (const char              *path,
                         const LabArchiveLimits  *limits,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_autoptr(LabArchiveReader) self = g_new0 (LabArchiveReader, 1);
  g_autoptr(GHashTable) zip_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *manifest = NULL;
  gsize manifest_length = 0;
  gboolean have_manifest = FALSE;
  guint n_entries = 0;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  self->fd = -1;
  self->members = g_ptr_array_new ();
  self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, member_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (limits != NULL)
    self->limits = *limits;
  else
    lab_archive_limits_init_default (&self->limits);

  self->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (self->fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return NULL;
    }
  if (fstat (self->fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID, _("“%s” is not a file"), path);
      return NULL;
    }
  self->file_size = st.st_size;

  if (!open_archive (self, error))
    return NULL;

  for (;;)
    {
      struct archive_entry *entry;
      const char *name;
      int r;

      r = archive_read_next_header (self->archive, &entry);
      if (r == ARCHIVE_EOF)
        break;
      /* A warning is about converting the name to the locale's charset; the
       * UTF-8 name below is what counts. */
      if (r < ARCHIVE_WARN)
        return (set_damaged (error, self->archive, path), NULL);

      if (++n_entries > self->limits.max_members)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” has more than %u members; refusing it"), path, self->limits.max_members);
          return NULL;
        }

      name = archive_entry_pathname_utf8 (entry);
      if (name == NULL || !g_utf8_validate (name, -1, NULL))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” has a member whose name is not valid UTF-8"), path);
          return NULL;
        }
      if (strlen (name) > self->limits.max_name)
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                       _("“%s” has a member whose name is too long"), path);
          return NULL;
        }

      if (!check_entry (self, entry, name, error) || add_member (self, name, error) == NULL)
        return NULL;

      if (archive_entry_size_is_set (entry))
        g_hash_table_insert (zip_sizes, g_strdup (name),
                             g_memdup2 (&(gint64) { archive_entry_size (entry) }, sizeof (gint64)));

      if (g_str_equal (name, LAB_ARCHIVE_MANIFEST))
        {
          manifest = read_small_entry (self, self->limits.max_manifest_size, &manifest_length, error);
          if (manifest == NULL)
            return NULL;
          have_manifest = TRUE;
        }
      else if (archive_read_data_skip (self->archive) < ARCHIVE_WARN)
        return (set_damaged (error, self->archive, path), NULL);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  if (!have_manifest)
    {
      manifest_error (error, path, _("it has no manifest.json"));
      return NULL;
    }

  if (!parse_manifest (self, manifest, manifest_length, zip_sizes, error))
    return NULL;

  return g_steal_pointer (&self);
}

int
lab_archive_reader_get_version (LabArchiveReader *self)
{
  return self->version;
}

const char *
lab_archive_reader_get_exported_at (LabArchiveReader *self)
{
  return self->exported_at;
}

const char *
lab_archive_reader_get_app_version (LabArchiveReader *self)
{
  return self->app_version;
}

/**
 * lab_archive_reader_get_count:
 * @table: a table name, or "files"
 *
 * Returns: the count the manifest gives, or -1 if it gives none
 */
gint64
lab_archive_reader_get_count (LabArchiveReader *self,
                              const char       *table)
{
  gint64 *count = g_hash_table_lookup (self->counts, table);

  return count ? *count : -1;
}

/**
 * lab_archive_reader_get_total_size:
 *
 * Returns: the uncompressed size of all members, as the manifest declares it
 */
guint64
lab_archive_reader_get_total_size (LabArchiveReader *self)
{
  return self->total_size;
}

/**
 * lab_archive_reader_get_members:
 *
 * Returns: (transfer none) (element-type LabArchiveMember): the members other
 *   than the manifest, in the archive's order
 */
GPtrArray *
lab_archive_reader_get_members (LabArchiveReader *self)
{
  return self->members;
}

static gboolean
set_changed (GError     **error,
             const char  *path)
{
  g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
               _("“%s” changed while it was being read"), path);
  return FALSE;
}

/**
 * lab_archive_reader_read:
 * @buffer: where to put the data
 *
 * Reads the current member's next bytes; only valid inside the callback of
 * lab_archive_reader_read_members().
 *
 * Returns: the number of bytes read, 0 at the end of the member, -1 with
 *   @error set when the member is damaged or larger than declared
 */
gssize
lab_archive_reader_read (LabArchiveReader  *self,
                         void              *buffer,
                         gsize              size,
                         GError           **error)
{
  la_ssize_t n;

  g_return_val_if_fail (self->current != NULL, -1);

  if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return -1;

  n = archive_read_data (self->archive, buffer, size);
  if (n < 0)
    return (set_damaged (error, self->archive, self->path), -1);
  if (n == 0)
    return 0;

  self->current_read += n;
  if (self->current_read > self->current->size)
    {
      g_autofree char *name_shown = shown (self->current->name);

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” in the archive is larger than its manifest says; refusing what looks "
                     "like a zip bomb"), name_shown);
      return -1;
    }

  lab_sha256_update (&self->sha, buffer, n);
  self->done_bytes += n;
  if (self->progress != NULL && self->done_bytes - self->reported_bytes >= REPORT_BYTES)
    {
      self->reported_bytes = self->done_bytes;
      self->progress ((double) self->done_bytes / MAX (self->total_size, 1), NULL, self->progress_data);
    }

  return n;
}

/**
 * lab_archive_reader_read_members:
 * @func: called for each member but the manifest, in the archive's order;
 *   it reads the member with lab_archive_reader_read(), as far as it wants
 * @progress: (nullable): called with the fraction of bytes read
 *
 * Streams the members. After @func returns, the rest of the member is read
 * and its size and checksum compared with the manifest.
 */
gboolean
lab_archive_reader_read_members (LabArchiveReader      *self,
                                 LabArchiveMemberFunc   func,
                                 gpointer               user_data,
                                 LabProgressFunc        progress,
                                 gpointer               progress_data,
                                 GCancellable          *cancellable,
                                 GError               **error)
{
  g_autofree guint8 *buffer = g_malloc (READ_BLOCK);
  guint index = 0;
  gboolean ok = FALSE;

  if (!open_archive (self, error))
    return FALSE;

  self->cancellable = cancellable;
  self->progress = progress;
  self->progress_data = progress_data;
  self->done_bytes = 0;
  self->reported_bytes = 0;

  for (;;)
    {
      struct archive_entry *entry;
      LabArchiveMember *member;
      char hex[LAB_SHA256_HEX_LENGTH + 1];
      gssize n;
      int r;

      r = archive_read_next_header (self->archive, &entry);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        {
          set_damaged (error, self->archive, self->path);
          goto out;
        }

      member = archive_entry_pathname_utf8 (entry) == NULL ? NULL
               : g_hash_table_lookup (self->by_name, archive_entry_pathname_utf8 (entry));
      if (member != NULL && member->kind == LAB_ARCHIVE_MEMBER_MANIFEST)
        {
          if (archive_read_data_skip (self->archive) < ARCHIVE_WARN)
            {
              set_damaged (error, self->archive, self->path);
              goto out;
            }
          continue;
        }

      if (index >= self->members->len || member != g_ptr_array_index (self->members, index))
        {
          set_changed (error, self->path);
          goto out;
        }
      index++;

      self->current = member;
      self->current_read = 0;
      lab_sha256_init (&self->sha);

      if (!func (self, member, user_data, error))
        goto out;

      while ((n = lab_archive_reader_read (self, buffer, READ_BLOCK, error)) > 0)
        ;
      if (n < 0)
        goto out;

      if (self->current_read != member->size)
        {
          g_autofree char *name_shown = shown (member->name);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("“%s” in the archive is shorter than its manifest says; the archive is "
                         "damaged"), name_shown);
          goto out;
        }

      lab_sha256_finish (&self->sha, hex);
      if (!g_str_equal (hex, member->sha256))
        {
          g_autofree char *name_shown = shown (member->name);

          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_CORRUPT,
                       _("“%s” in the archive does not match its checksum; the archive is damaged"),
                       name_shown);
          goto out;
        }
      self->current = NULL;
    }

  if (index != self->members->len)
    {
      set_changed (error, self->path);
      goto out;
    }

  ok = TRUE;

out:
  self->current = NULL;
  self->cancellable = NULL;
  self->progress = NULL;
  return ok;
}

void
lab_archive_reader_free (LabArchiveReader *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->archive, archive_read_free);
  if (self->fd >= 0)
    close (self->fd);
  g_clear_pointer (&self->members, g_ptr_array_unref);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_free (self->exported_at);
  g_free (self->app_version);
  g_free (self->path);
  g_free (self);
}
