/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-test"

#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "lab-error.h"
#include "lab-row.h"
#include "lab-schema.h"
#include "lab-sha256.h"
#include "lab-test-archive.h"

/*
 * Archives made by hand. lab_test_archive_new_valid() is the smallest valid
 * archive (one session, one message, one workspace file); each hostile case
 * changes one thing in it, or in the bytes of the ZIP file written from it.
 * Nothing binary is checked in: tests and the fuzzer's seeds are written by
 * this code.
 */

#define SESSION_ID "arch-s1"
#define FILE_CONTENTS "notes\n"

static const char valid_session[] =
  "{\"id\":\"" SESSION_ID "\",\"title\":\"Imported session\",\"research_question\":\"Why?\","
  "\"status\":\"active\",\"model\":\"m\",\"provider\":\"p\",\"participants\":[\"Ada\",\"Planner\"],"
  "\"keywords\":[\"k\"],\"starred\":false,\"archived\":false,\"imported\":false,"
  "\"parent_session_id\":null,\"branch_name\":\"main\",\"branch_point\":null,"
  "\"created_at\":\"2026-01-01T10:00:00.000Z\",\"updated_at\":\"2026-01-01T10:00:00.000Z\","
  "\"last_activity_at\":\"2026-01-01T10:00:00.000Z\",\"prompt_tokens\":10,\"completion_tokens\":20,"
  "\"cost\":0.5,\"config\":{\"temperature\":0.1},\"results\":null,\"metadata\":null}\n";

static const char valid_message[] =
  "{\"id\":\"arch-m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
  "\"created_at\":\"2026-01-01T10:00:01.000Z\",\"role\":\"user\",\"author\":\"Ada\","
  "\"content\":\"hello\",\"prompt_tokens\":0,\"completion_tokens\":0,\"tool_calls\":null,"
  "\"metadata\":{\"n\":1}}\n";

static void
member_free (gpointer data)
{
  LabTestMember *member = data;

  g_free (member->name);
  g_clear_pointer (&member->data, g_bytes_unref);
  g_free (member->link);
  g_free (member);
}

LabTestArchive *
lab_test_archive_new (void)
{
  LabTestArchive *archive = g_new0 (LabTestArchive, 1);

  archive->members = g_ptr_array_new_with_free_func (member_free);
  archive->version = 1;
  archive->sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  archive->sha256s = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  archive->unlisted = g_ptr_array_new_with_free_func (g_free);
  archive->ghosts = g_ptr_array_new_with_free_func (g_free);

  return archive;
}

void
lab_test_archive_free (LabTestArchive *archive)
{
  if (archive == NULL)
    return;

  g_ptr_array_unref (archive->members);
  if (archive->manifest != NULL)
    g_string_free (archive->manifest, TRUE);
  g_hash_table_unref (archive->sizes);
  g_hash_table_unref (archive->sha256s);
  g_ptr_array_unref (archive->unlisted);
  g_ptr_array_unref (archive->ghosts);
  g_free (archive);
}

void
lab_test_archive_add (LabTestArchive *archive,
                      const char     *name,
                      const char     *data,
                      gssize          length)
{
  LabTestMember *member = g_new0 (LabTestMember, 1);

  member->name = g_strdup (name);
  member->data = g_bytes_new (data, length < 0 ? strlen (data) : (gsize) length);
  member->type = LAB_TEST_MEMBER_FILE;
  g_ptr_array_add (archive->members, member);
}

void
lab_test_archive_add_special (LabTestArchive    *archive,
                              const char        *name,
                              LabTestMemberType  type,
                              const char        *link)
{
  LabTestMember *member = g_new0 (LabTestMember, 1);

  member->name = g_strdup (name);
  member->data = g_bytes_new (NULL, 0);
  member->type = type;
  member->link = g_strdup (link);
  g_ptr_array_add (archive->members, member);
}

/* Replaces the data of the member @name. */
void
lab_test_archive_set (LabTestArchive *archive,
                      const char     *name,
                      const char     *data,
                      gssize          length)
{
  for (guint i = 0; i < archive->members->len; i++)
    {
      LabTestMember *member = g_ptr_array_index (archive->members, i);

      if (g_str_equal (member->name, name))
        {
          g_bytes_unref (member->data);
          member->data = g_bytes_new (data, length < 0 ? strlen (data) : (gsize) length);
          return;
        }
    }

  g_assert_not_reached ();
}

/**
 * lab_test_archive_new_valid:
 *
 * Returns: (transfer full): one session "arch-s1" with one message and the
 *   workspace file notes.md, and every other table empty
 */
LabTestArchive *
lab_test_archive_new_valid (void)
{
  LabTestArchive *archive = lab_test_archive_new ();
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, FILE_CONTENTS, -1);
  g_autofree char *file_row = g_strdup_printf ("{\"session_id\":\"" SESSION_ID "\",\"path\":\"notes.md\","
                                               "\"size\":%zu,\"sha256\":\"%s\","
                                               "\"modified_at\":\"2026-01-01T10:00:02.000Z\"}\n",
                                               strlen (FILE_CONTENTS), sha);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *name = g_strconcat (tables[i].name, ".jsonl", NULL);
      const char *data = "";

      if (g_str_equal (tables[i].name, "sessions"))
        data = valid_session;
      else if (g_str_equal (tables[i].name, "messages"))
        data = valid_message;
      else if (g_str_equal (tables[i].name, "workspace_files"))
        data = file_row;
      lab_test_archive_add (archive, name, data, -1);
    }
  lab_test_archive_add (archive, "workspace/" SESSION_ID "/notes.md", FILE_CONTENTS, -1);

  return archive;
}

static void
build_manifest (LabTestArchive *archive,
                GString        *out)
{
  gboolean first = TRUE;

  g_string_append_printf (out, "{\"format\": \"labdata-archive\", \"version\": %d,"
                               " \"exported_at\": \"2026-01-02T00:00:00.000Z\", \"app_version\": \"test\","
                               " \"scope\": {\"all\": true}, \"files\": {", archive->version);

  for (guint i = 0; i < archive->members->len; i++)
    {
      LabTestMember *member = g_ptr_array_index (archive->members, i);
      g_autofree char *sha = NULL;
      gsize size = g_bytes_get_size (member->data);

      if (g_ptr_array_find_with_equal_func (archive->unlisted, member->name, g_str_equal, NULL))
        continue;

      sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, member->data);
      if (g_hash_table_contains (archive->sizes, member->name))
        size = GPOINTER_TO_SIZE (g_hash_table_lookup (archive->sizes, member->name));
      if (g_hash_table_contains (archive->sha256s, member->name))
        {
          g_free (sha);
          sha = g_strdup (g_hash_table_lookup (archive->sha256s, member->name));
        }

      g_string_append (out, first ? "" : ", ");
      lab_json_append_string (out, member->name, -1);
      g_string_append_printf (out, ": {\"sha256\": \"%s\", \"size\": %zu}", sha, size);
      first = FALSE;
    }

  for (guint i = 0; i < archive->ghosts->len; i++)
    {
      g_string_append (out, first ? "" : ", ");
      lab_json_append_string (out, archive->ghosts->pdata[i], -1);
      g_string_append (out, ": {\"sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\","
                            " \"size\": 0}");
      first = FALSE;
    }

  g_string_append (out, "}}\n");
}

static void
write_entry (struct archive *writer,
             const char     *name,
             const void     *data,
             gsize           size,
             int             filetype,
             const char     *link)
{
  struct archive_entry *entry = archive_entry_new ();

  archive_entry_set_pathname_utf8 (entry, name);
  archive_entry_set_filetype (entry, filetype);
  archive_entry_set_perm (entry, filetype == AE_IFDIR ? 0755 : 0644);
  archive_entry_set_mtime (entry, 1767261600, 0);
  if (link != NULL)
    archive_entry_set_symlink (entry, link);
  archive_entry_set_size (entry, filetype == AE_IFREG ? (la_int64_t) size : 0);
  g_assert_cmpint (archive_write_header (writer, entry), ==, ARCHIVE_OK);
  if (size > 0)
    g_assert_cmpint (archive_write_data (writer, data, size), ==, (la_ssize_t) size);
  archive_entry_free (entry);
}

/**
 * lab_test_archive_write:
 *
 * Writes @archive as a ZIP file, the manifest last as LabData does.
 */
void
lab_test_archive_write (LabTestArchive *archive,
                        const char     *path)
{
  struct archive *writer = archive_write_new ();
  g_autoptr(GString) manifest = g_string_new (NULL);

  g_assert_cmpint (archive_write_set_format_zip (writer), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_set_options (writer, "zip:compression-level=1,zip:hdrcharset=UTF-8"),
                   ==, ARCHIVE_OK);
  if (archive->encrypt)
    {
      g_assert_cmpint (archive_write_set_options (writer, "zip:encryption=aes256"), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_set_passphrase (writer, "secret"), ==, ARCHIVE_OK);
    }
  g_assert_cmpint (archive_write_open_filename (writer, path), ==, ARCHIVE_OK);

  for (guint i = 0; i < archive->members->len; i++)
    {
      LabTestMember *member = g_ptr_array_index (archive->members, i);
      gsize size;
      const void *data = g_bytes_get_data (member->data, &size);
      int filetype = AE_IFREG;

      switch (member->type)
        {
        case LAB_TEST_MEMBER_SYMLINK:
          filetype = AE_IFLNK;
          break;
        case LAB_TEST_MEMBER_FOLDER:
          filetype = AE_IFDIR;
          break;
        case LAB_TEST_MEMBER_DEVICE:
          filetype = AE_IFCHR;
          break;
        case LAB_TEST_MEMBER_FILE:
        default:
          break;
        }
      write_entry (writer, member->name, data, size, filetype, member->link);
    }

  if (!archive->no_manifest)
    {
      if (archive->manifest != NULL)
        g_string_assign (manifest, archive->manifest->str);
      else
        build_manifest (archive, manifest);
      write_entry (writer, "manifest.json", manifest->str, manifest->len, AE_IFREG, NULL);
    }

  g_assert_cmpint (archive_write_close (writer), ==, ARCHIVE_OK);
  archive_write_free (writer);
}

/* The hostile corpus */

static void
write_with (const char *path,
            void      (*change) (LabTestArchive *archive))
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();

  change (archive);
  lab_test_archive_write (archive, path);
}

#define CASE(fn, ...) \
  static void change_##fn (LabTestArchive *archive) { __VA_ARGS__; } \
  static void build_##fn (const char *path) { write_with (path, change_##fn); }

CASE (dotdot, lab_test_archive_add (archive, "../evil.txt", "evil", -1))
CASE (dotdot_workspace, lab_test_archive_add (archive, "workspace/" SESSION_ID "/../../evil.txt", "evil", -1))
CASE (absolute, lab_test_archive_add (archive, "/tmp/labdata-evil.txt", "evil", -1))
CASE (backslash, lab_test_archive_add (archive, "workspace\\" SESSION_ID "\\..\\..\\evil.txt", "evil", -1))
CASE (drive, lab_test_archive_add (archive, "C:/evil.txt", "evil", -1))
CASE (symlink, lab_test_archive_add_special (archive, "workspace/" SESSION_ID "/link",
                                             LAB_TEST_MEMBER_SYMLINK, "/etc/passwd"))
CASE (symlink_dotdot, lab_test_archive_add_special (archive, "workspace/" SESSION_ID "/up",
                                                    LAB_TEST_MEMBER_SYMLINK, "../../.."))
CASE (folder, lab_test_archive_add_special (archive, "workspace/" SESSION_ID "/sub", LAB_TEST_MEMBER_FOLDER, NULL))
CASE (duplicate, lab_test_archive_add (archive, "sessions.jsonl", "", 0))
CASE (unknown_member, lab_test_archive_add (archive, "readme.txt", "hi", -1))
CASE (unknown_table, lab_test_archive_add (archive, "users.jsonl", "", 0))
CASE (unlisted, lab_test_archive_add (archive, "workspace/" SESSION_ID "/extra.txt", "x", -1);
                g_ptr_array_add (archive->unlisted, g_strdup ("workspace/" SESSION_ID "/extra.txt")))
CASE (ghost, g_ptr_array_add (archive->ghosts, g_strdup ("workspace/" SESSION_ID "/ghost.txt")))
CASE (no_manifest, archive->no_manifest = TRUE)
CASE (manifest_not_json, archive->manifest = g_string_new ("{\"format\": \"labdata-archive\", \"version\": "))
CASE (manifest_not_object, archive->manifest = g_string_new ("[\"labdata-archive\"]"))
CASE (manifest_other_format, archive->manifest = g_string_new ("{\"format\": \"zip\", \"version\": 1, \"files\": {}}"))
CASE (manifest_duplicate_field,
      archive->manifest = g_string_new ("{\"format\": \"labdata-archive\", \"version\": 1, \"version\": 1,"
                                        " \"files\": {}}"))
CASE (manifest_bad_checksum_text,
      g_hash_table_insert (archive->sha256s, g_strdup ("sessions.jsonl"), g_strdup ("not-a-checksum")))
CASE (newer_version, archive->version = 2)
CASE (zero_version, archive->version = 0)
CASE (size_disagrees, g_hash_table_insert (archive->sizes, g_strdup ("messages.jsonl"), GSIZE_TO_POINTER (10)))
CASE (checksum_mismatch,
      g_hash_table_insert (archive->sha256s, g_strdup ("messages.jsonl"),
                           g_strdup ("1111111111111111111111111111111111111111111111111111111111111111")))
CASE (encrypted, archive->encrypt = TRUE)
CASE (line_not_utf8, lab_test_archive_set (archive, "messages.jsonl",
                                           "{\"id\":\"m\xff\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                           "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (line_not_json, lab_test_archive_set (archive, "messages.jsonl", "{\"id\": \"m1\", \n", -1))
CASE (line_not_object, lab_test_archive_set (archive, "messages.jsonl", "[1, 2, 3]\n", -1))
CASE (line_trailing_garbage, lab_test_archive_set (archive, "messages.jsonl",
                                                   "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                                   "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"} x\n", -1))
CASE (line_wrong_type, lab_test_archive_set (archive, "messages.jsonl",
                                             "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":\"one\","
                                             "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (line_bad_time, lab_test_archive_set (archive, "messages.jsonl",
                                           "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                           "\"created_at\":\"yesterday\",\"role\":\"user\"}\n", -1))
CASE (line_bad_participants, lab_test_archive_set (archive, "sessions.jsonl",
                                                   "{\"id\":\"" SESSION_ID "\",\"participants\":[1,{}],"
                                                   "\"created_at\":\"2026-01-01T10:00:00Z\","
                                                   "\"updated_at\":\"2026-01-01T10:00:00Z\","
                                                   "\"last_activity_at\":\"2026-01-01T10:00:00Z\"}\n", -1))
CASE (line_missing_field, lab_test_archive_set (archive, "messages.jsonl",
                                                "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                                "\"role\":\"user\"}\n", -1))
CASE (line_unknown_field, lab_test_archive_set (archive, "messages.jsonl",
                                                "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                                "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\","
                                                "\"message_no\":7}\n", -1))
CASE (line_duplicate_field, lab_test_archive_set (archive, "messages.jsonl",
                                                  "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                                  "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\","
                                                  "\"session_id\":\"someone-else\"}\n", -1))
CASE (line_integer_overflow, lab_test_archive_set (archive, "messages.jsonl",
                                                   "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\","
                                                   "\"sequence\":99999999999999999999,"
                                                   "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (line_infinite, lab_test_archive_set (archive, "sessions.jsonl",
                                           "{\"id\":\"" SESSION_ID "\",\"cost\":1e999,"
                                           "\"created_at\":\"2026-01-01T10:00:00Z\","
                                           "\"updated_at\":\"2026-01-01T10:00:00Z\","
                                           "\"last_activity_at\":\"2026-01-01T10:00:00Z\"}\n", -1))
CASE (line_nul, {
        static const char line[] = "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                   "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\0\n";

        lab_test_archive_set (archive, "messages.jsonl", line, sizeof line - 1);
      })
CASE (line_escaped_nul, lab_test_archive_set (archive, "messages.jsonl",
                                              "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                              "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\","
                                              "\"content\":\"cut\\u0000here\"}\n", -1))
CASE (empty_line, lab_test_archive_set (archive, "sessions.jsonl",
                                        "\n{\"id\":\"" SESSION_ID "\",\"created_at\":\"2026-01-01T10:00:00Z\","
                                        "\"updated_at\":\"2026-01-01T10:00:00Z\","
                                        "\"last_activity_at\":\"2026-01-01T10:00:00Z\"}\n", -1))
CASE (duplicate_row, lab_test_archive_set (archive, "messages.jsonl",
                                           "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                           "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n"
                                           "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":2,"
                                           "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (duplicate_place, lab_test_archive_set (archive, "messages.jsonl",
                                             "{\"id\":\"m1\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                             "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n"
                                             "{\"id\":\"m2\",\"session_id\":\"" SESSION_ID "\",\"sequence\":1,"
                                             "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (unknown_session, lab_test_archive_set (archive, "messages.jsonl",
                                             "{\"id\":\"m1\",\"session_id\":\"nobody\",\"sequence\":1,"
                                             "\"created_at\":\"2026-01-01T10:00:01Z\",\"role\":\"user\"}\n", -1))
CASE (file_of_unknown_session, lab_test_archive_add (archive, "workspace/nobody/x.txt", "x", -1))
CASE (file_folder_clash, lab_test_archive_add (archive, "workspace/" SESSION_ID "/notes.md/inner.txt", "x", -1))
CASE (name_too_long, {
        g_autofree char *long_name = g_strnfill (300, 'a');
        g_autofree char *name = g_strconcat ("workspace/" SESSION_ID "/", long_name, NULL);

        lab_test_archive_add (archive, name, "x", -1);
      })
CASE (counts_wrong,
      archive->manifest = g_string_new (NULL);
      build_manifest (archive, archive->manifest);
      g_string_truncate (archive->manifest, archive->manifest->len - 3);
      g_string_append (archive->manifest, "}, \"counts\": {\"messages\": 5}}\n"))

/* Cases made by changing the bytes of a valid archive. */

static char *
valid_bytes (const char *path,
             gsize      *length)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();
  char *data = NULL;

  lab_test_archive_write (archive, path);
  g_assert_true (g_file_get_contents (path, &data, length, NULL));
  return data;
}

static void
build_truncated (const char *path)
{
  gsize length;
  g_autofree char *data = valid_bytes (path, &length);

  g_assert_true (g_file_set_contents (path, data, length / 2, NULL));
}

static void
build_truncated_end (const char *path)
{
  gsize length;
  g_autofree char *data = valid_bytes (path, &length);

  /* Without the last bytes of the end-of-central-directory record. */
  g_assert_true (g_file_set_contents (path, data, length - 4, NULL));
}

static void
build_garbage (const char *path)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GByteArray) data = g_byte_array_new ();

  g_byte_array_append (data, (const guint8 *) "PK\x03\x04", 4);
  for (guint i = 0; i < 4096; i++)
    {
      guint8 byte = g_rand_int_range (rand, 0, 256);

      g_byte_array_append (data, &byte, 1);
    }
  g_assert_true (g_file_set_contents (path, (const char *) data->data, data->len, NULL));
}

static void
build_corrupt_data (const char *path)
{
  gsize length;
  g_autofree char *data = valid_bytes (path, &length);
  char *found = NULL;

  /* ZIP data holds NUL bytes: no string search. */
  for (gsize i = 0; found == NULL && i + strlen ("sessions.jsonl") <= length; i++)
    {
      if (memcmp (data + i, "sessions.jsonl", strlen ("sessions.jsonl")) == 0)
        found = data + i;
    }

  /* The first member's compressed bytes follow its local header's name. */
  g_assert_nonnull (found);
  for (int i = 20; i < 60; i++)
    found[strlen ("sessions.jsonl") + i] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

/* Sets the Unix mode of the member @name in the central directory: the high
 * half of its external attributes. */
static void
patch_mode (const char *path,
            const char *name,
            guint32     mode)
{
  g_autofree char *data = NULL;
  gsize length;
  gboolean patched = FALSE;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  for (gsize i = 0; i + 46 < length; i++)
    {
      guint8 *p = (guint8 *) data + i;
      guint name_length;

      if (memcmp (p, "PK\x01\x02", 4) != 0)
        continue;
      name_length = p[28] | (p[29] << 8);
      if (name_length != strlen (name) || i + 46 + name_length > length ||
          memcmp (p + 46, name, name_length) != 0)
        continue;
      p[40] = mode & 0xff;
      p[41] = (mode >> 8) & 0xff;
      patched = TRUE;
    }
  g_assert_true (patched);
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

/* A character device: libarchive does not write one into a ZIP, but a
 * hand-made archive may say so in a member's mode. */
static void
build_device (const char *path)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();

  lab_test_archive_add (archive, "workspace/" SESSION_ID "/dev", "", 0);
  lab_test_archive_write (archive, path);
  patch_mode (path, "workspace/" SESSION_ID "/dev", 0020644);
}

/* A member whose ZIP directory entry and manifest both say 10 bytes, while
 * its compressed data holds more: it must stop at 10. */
static void
build_larger_than_declared (const char *path)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();
  g_autofree char *data = NULL;
  gsize length;
  guint32 real_size = strlen (valid_message);
  guint8 real[4] = { real_size & 0xff, (real_size >> 8) & 0xff, (real_size >> 16) & 0xff, real_size >> 24 };

  g_hash_table_insert (archive->sizes, g_strdup ("messages.jsonl"), GSIZE_TO_POINTER (10));
  lab_test_archive_write (archive, path);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));

  /* Every little-endian copy of the real size (local header and central
   * directory) becomes 10. */
  for (gsize i = 0; i + 4 <= length; i++)
    {
      if (memcmp (data + i, real, 4) == 0)
        {
          data[i] = 10;
          data[i + 1] = data[i + 2] = data[i + 3] = 0;
        }
    }
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

/* 100 MiB of zeros compress to about 100 kB: a ratio deflate allows but no
 * real export has. The manifest tells the truth. */
static void
build_zip_bomb (const char *path)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();
  struct archive *writer = archive_write_new ();
  struct archive_entry *entry = archive_entry_new ();
  g_autofree char *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GString) manifest = g_string_new (NULL);
  LabSha256 sha;
  char hex[LAB_SHA256_HEX_LENGTH + 1];

  lab_sha256_init (&sha);
  for (int i = 0; i < 100; i++)
    lab_sha256_update (&sha, zeros, 1024 * 1024);
  lab_sha256_finish (&sha, hex);

  archive_write_set_format_zip (writer);
  archive_write_set_options (writer, "zip:compression-level=9");
  g_assert_cmpint (archive_write_open_filename (writer, path), ==, ARCHIVE_OK);

  build_manifest (archive, manifest);
  g_string_truncate (manifest, manifest->len - 3);
  g_string_append_printf (manifest, ", \"workspace/" SESSION_ID "/zeros.bin\": {\"sha256\": \"%s\","
                                    " \"size\": %d}}}\n", hex, 100 * 1024 * 1024);

  for (guint i = 0; i < archive->members->len; i++)
    {
      LabTestMember *member = g_ptr_array_index (archive->members, i);
      gsize size;
      const void *data = g_bytes_get_data (member->data, &size);

      write_entry (writer, member->name, data, size, AE_IFREG, NULL);
    }

  archive_entry_set_pathname_utf8 (entry, "workspace/" SESSION_ID "/zeros.bin");
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, 100 * 1024 * 1024);
  g_assert_cmpint (archive_write_header (writer, entry), ==, ARCHIVE_OK);
  for (int i = 0; i < 100; i++)
    g_assert_cmpint (archive_write_data (writer, zeros, 1024 * 1024), ==, 1024 * 1024);
  archive_entry_free (entry);

  write_entry (writer, "manifest.json", manifest->str, manifest->len, AE_IFREG, NULL);
  g_assert_cmpint (archive_write_close (writer), ==, ARCHIVE_OK);
  archive_write_free (writer);
}

/* A manifest declaring more than any disk holds. */
static void
build_declared_huge (const char *path)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new_valid ();

  g_hash_table_insert (archive->sizes, g_strdup ("workspace/" SESSION_ID "/notes.md"),
                       GSIZE_TO_POINTER (G_GUINT64_CONSTANT (3) << 40));
  lab_test_archive_write (archive, path);
}

static void
build_not_a_zip (const char *path)
{
  g_assert_true (g_file_set_contents (path, "This is not an archive.\n", -1, NULL));
}

static void
build_empty (const char *path)
{
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
}

static void
build_empty_zip (const char *path)
{
  /* Only an end-of-central-directory record: a ZIP with no members. */
  static const char eocd[22] = "PK\x05\x06";

  g_assert_true (g_file_set_contents (path, eocd, sizeof eocd, NULL));
}

static const LabTestHostileCase hostile_cases[] = {
  { "path-dotdot", LAB_STORE_ERROR_UNSAFE_PATH, build_dotdot },
  { "path-dotdot-in-workspace", LAB_STORE_ERROR_UNSAFE_PATH, build_dotdot_workspace },
  { "path-absolute", LAB_STORE_ERROR_UNSAFE_PATH, build_absolute },
  { "path-backslash", LAB_STORE_ERROR_UNSAFE_PATH, build_backslash },
  { "path-drive-letter", LAB_STORE_ERROR_UNSAFE_PATH, build_drive },
  { "symlink", LAB_STORE_ERROR_UNSAFE_PATH, build_symlink },
  { "symlink-up", LAB_STORE_ERROR_UNSAFE_PATH, build_symlink_dotdot },
  { "folder-entry", LAB_STORE_ERROR_INVALID, build_folder },
  { "device", LAB_STORE_ERROR_INVALID, build_device },
  { "duplicate-member", LAB_STORE_ERROR_INVALID, build_duplicate },
  { "unknown-member", LAB_STORE_ERROR_INVALID, build_unknown_member },
  { "unknown-table", LAB_STORE_ERROR_INVALID, build_unknown_table },
  { "member-not-in-manifest", LAB_STORE_ERROR_INVALID, build_unlisted },
  { "manifest-lists-missing-member", LAB_STORE_ERROR_INVALID, build_ghost },
  { "no-manifest", LAB_STORE_ERROR_INVALID, build_no_manifest },
  { "manifest-not-json", LAB_STORE_ERROR_INVALID, build_manifest_not_json },
  { "manifest-not-object", LAB_STORE_ERROR_INVALID, build_manifest_not_object },
  { "manifest-other-format", LAB_STORE_ERROR_INVALID, build_manifest_other_format },
  { "manifest-duplicate-field", LAB_STORE_ERROR_INVALID, build_manifest_duplicate_field },
  { "manifest-bad-checksum-text", LAB_STORE_ERROR_INVALID, build_manifest_bad_checksum_text },
  { "newer-version", LAB_STORE_ERROR_UNSUPPORTED, build_newer_version },
  { "version-zero", LAB_STORE_ERROR_INVALID, build_zero_version },
  { "size-disagrees", LAB_STORE_ERROR_INVALID, build_size_disagrees },
  { "larger-than-declared", LAB_STORE_ERROR_CORRUPT, build_larger_than_declared },
  { "checksum-mismatch", LAB_STORE_ERROR_CORRUPT, build_checksum_mismatch },
  { "zip-bomb", LAB_STORE_ERROR_INVALID, build_zip_bomb },
  { "declared-huge", LAB_STORE_ERROR_INVALID, build_declared_huge },
  { "encrypted", LAB_STORE_ERROR_UNSUPPORTED, build_encrypted },
  { "truncated", LAB_STORE_ERROR_CORRUPT, build_truncated },
  { "truncated-end", LAB_STORE_ERROR_CORRUPT, build_truncated_end },
  { "garbage", LAB_STORE_ERROR_CORRUPT, build_garbage },
  { "corrupt-data", LAB_STORE_ERROR_CORRUPT, build_corrupt_data },
  { "not-a-zip", LAB_STORE_ERROR_INVALID, build_not_a_zip },
  { "empty-file", LAB_STORE_ERROR_INVALID, build_empty },
  { "empty-zip", LAB_STORE_ERROR_CORRUPT, build_empty_zip },
  { "line-not-utf8", LAB_STORE_ERROR_INVALID, build_line_not_utf8 },
  { "line-not-json", LAB_STORE_ERROR_INVALID, build_line_not_json },
  { "line-not-object", LAB_STORE_ERROR_INVALID, build_line_not_object },
  { "line-trailing-garbage", LAB_STORE_ERROR_INVALID, build_line_trailing_garbage },
  { "line-wrong-type", LAB_STORE_ERROR_INVALID, build_line_wrong_type },
  { "line-bad-time", LAB_STORE_ERROR_INVALID, build_line_bad_time },
  { "line-bad-participants", LAB_STORE_ERROR_INVALID, build_line_bad_participants },
  { "line-missing-field", LAB_STORE_ERROR_INVALID, build_line_missing_field },
  { "line-unknown-field", LAB_STORE_ERROR_INVALID, build_line_unknown_field },
  { "line-duplicate-field", LAB_STORE_ERROR_INVALID, build_line_duplicate_field },
  { "line-integer-overflow", LAB_STORE_ERROR_INVALID, build_line_integer_overflow },
  { "line-infinite-number", LAB_STORE_ERROR_INVALID, build_line_infinite },
  { "line-nul-byte", LAB_STORE_ERROR_INVALID, build_line_nul },
  { "line-escaped-nul", LAB_STORE_ERROR_INVALID, build_line_escaped_nul },
  { "empty-line", LAB_STORE_ERROR_INVALID, build_empty_line },
  { "duplicate-row", LAB_STORE_ERROR_INVALID, build_duplicate_row },
  { "duplicate-message-place", LAB_STORE_ERROR_INVALID, build_duplicate_place },
  { "unknown-session", LAB_STORE_ERROR_INVALID, build_unknown_session },
  { "file-of-unknown-session", LAB_STORE_ERROR_INVALID, build_file_of_unknown_session },
  { "file-folder-clash", LAB_STORE_ERROR_INVALID, build_file_folder_clash },
  { "name-too-long", LAB_STORE_ERROR_INVALID, build_name_too_long },
  { "counts-wrong", LAB_STORE_ERROR_INVALID, build_counts_wrong },
};

/**
 * lab_test_hostile_cases:
 *
 * Returns: (transfer none): the hostile corpus, one builder per case
 */
const LabTestHostileCase *
lab_test_hostile_cases (guint *n_cases)
{
  *n_cases = G_N_ELEMENTS (hostile_cases);
  return hostile_cases;
}

/* Comparing stores */

/**
 * lab_test_table_digest:
 *
 * Returns: (transfer full): a SHA-256 of @table's rows as JSON lines
 *   (lab_row_append_json(): internal columns left out), in key order
 */
char *
lab_test_table_digest (LabDb      *db,
                       const char *table)
{
  const LabTableInfo *info = lab_schema_get_table (table);
  g_autofree char *select = lab_row_select_sql (info, NULL);
  g_autoptr(GString) sql = g_string_new (select);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gboolean first = TRUE;

  g_string_append (sql, " ORDER BY ");
  for (guint c = 0; c < info->n_columns; c++)
    {
      if (info->columns[c].flags & LAB_COLUMN_FLAG_KEY)
        {
          g_string_append_printf (sql, "%s\"%s\"", first ? "" : ", ", info->columns[c].name);
          first = FALSE;
        }
    }

  stmt = lab_db_prepare (db, sql->str, &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_string_truncate (line, 0);
      lab_row_append_json (info, stmt, line);
      g_string_append_c (line, '\n');
      g_checksum_update (sum, (const guchar *) line->str, line->len);
    }

  return g_strdup (g_checksum_get_string (sum));
}

/**
 * lab_test_db_digest:
 *
 * Returns: (transfer full): a digest of every data table (not store_meta)
 */
char *
lab_test_db_digest (LabDb *db)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const LabTableInfo *tables;
  guint n_tables;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *digest = lab_test_table_digest (db, tables[i].name);

      g_checksum_update (sum, (const guchar *) digest, -1);
    }

  return g_strdup (g_checksum_get_string (sum));
}
