/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-archive.h"
#include "lab-progress.h"
#include "lab-sha256.h"

G_BEGIN_DECLS

typedef struct _LabArchiveReader LabArchiveReader;

/**
 * LabArchiveMember:
 * @name: the member's name
 * @kind: what the name means
 * @table: for a table member, its table
 * @session_id: for a workspace member, the session
 * @path: for a workspace member, the path inside the session's workspace
 * @size: the size the manifest declares
 * @sha256: the checksum the manifest declares
 *
 * A member of an archive that passed lab_archive_reader_open().
 */
typedef struct
{
  char *name;
  LabArchiveMemberKind kind;
  const LabTableInfo *table;
  char *session_id;
  char *path;
  guint64 size;
  char sha256[LAB_SHA256_HEX_LENGTH + 1];
} LabArchiveMember;

typedef gboolean (*LabArchiveMemberFunc) (LabArchiveReader        *reader,
                                          const LabArchiveMember  *member,
                                          gpointer                 user_data,
                                          GError                 **error);

LabArchiveReader *lab_archive_reader_open          (const char              *path,
                                                    const LabArchiveLimits  *limits,
                                                    GCancellable            *cancellable,
                                                    GError                 **error);
int               lab_archive_reader_get_version   (LabArchiveReader        *self);
const char       *lab_archive_reader_get_exported_at (LabArchiveReader      *self);
const char       *lab_archive_reader_get_app_version (LabArchiveReader      *self);
gint64            lab_archive_reader_get_count     (LabArchiveReader        *self,
                                                    const char              *table);
guint64           lab_archive_reader_get_total_size (LabArchiveReader       *self);
GPtrArray        *lab_archive_reader_get_members   (LabArchiveReader        *self);
gboolean          lab_archive_reader_read_members  (LabArchiveReader        *self,
                                                    LabArchiveMemberFunc     func,
                                                    gpointer                 user_data,
                                                    LabProgressFunc          progress,
                                                    gpointer                 progress_data,
                                                    GCancellable            *cancellable,
                                                    GError                 **error);
gssize            lab_archive_reader_read          (LabArchiveReader        *self,
                                                    void                    *buffer,
                                                    gsize                    size,
                                                    GError                 **error);
void              lab_archive_reader_free          (LabArchiveReader        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabArchiveReader, lab_archive_reader_free)

G_END_DECLS
