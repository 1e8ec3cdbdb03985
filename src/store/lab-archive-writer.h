/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _LabArchiveWriter LabArchiveWriter;

/**
 * LabArchiveFileEntry:
 * @name: the member name
 * @sha256: lowercase hex SHA-256 of the member's uncompressed bytes
 * @size: the number of uncompressed bytes
 *
 * One line of the manifest's "files" map.
 */
typedef struct
{
  char *name;
  char sha256[65];
  guint64 size;
} LabArchiveFileEntry;

LabArchiveWriter *lab_archive_writer_new          (const char        *dest,
                                                   GError           **error);
gboolean          lab_archive_writer_begin_member (LabArchiveWriter  *self,
                                                   const char        *name,
                                                   gint64             size,
                                                   gint64             mtime_usec,
                                                   gint64             expected_size,
                                                   GError           **error);
gboolean          lab_archive_writer_write        (LabArchiveWriter  *self,
                                                   const void        *data,
                                                   gsize              length,
                                                   GError           **error);
gboolean          lab_archive_writer_end_member   (LabArchiveWriter  *self,
                                                   GError           **error);
GPtrArray        *lab_archive_writer_get_files    (LabArchiveWriter  *self);
guint64           lab_archive_writer_get_total_size (LabArchiveWriter *self);
gboolean          lab_archive_writer_close        (LabArchiveWriter  *self,
                                                   guint64           *archive_size,
                                                   GError           **error);
void              lab_archive_writer_free         (LabArchiveWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabArchiveWriter, lab_archive_writer_free)

G_END_DECLS
