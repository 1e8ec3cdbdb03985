/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lab-schema.h"

G_BEGIN_DECLS

/* The `.labdata` archive format; docs/archive-format.md describes it. */
#define LAB_ARCHIVE_FORMAT           "labdata-archive"
#define LAB_ARCHIVE_VERSION          1
#define LAB_ARCHIVE_MANIFEST         "manifest.json"
#define LAB_ARCHIVE_MEMBER_SUFFIX    ".jsonl"
#define LAB_ARCHIVE_WORKSPACE_PREFIX "workspace/"
#define LAB_ARCHIVE_EXTENSION        ".labdata"
#define LAB_ARCHIVE_MIME_TYPE        "application/x-labdata-archive"

/**
 * LabArchiveLimits:
 * @max_members: how many members an archive may have
 * @max_manifest_size: the largest manifest.json, in bytes
 * @max_line: the longest JSON line of a table member, in bytes
 * @max_name: the longest member name, in bytes
 * @max_total_size: the largest total of the members' uncompressed sizes
 * @max_ratio: the largest ratio of that total to the archive's size ...
 * @ratio_floor: ... checked only once the total is above this many bytes
 *
 * What an archive may ask of the reader before it is refused as hostile. The
 * defaults hold any real store and stop zip bombs: a member cannot grow past
 * the size its manifest declares, and the declared total cannot be a thousand
 * times the file.
 */
typedef struct
{
  guint max_members;
  gsize max_manifest_size;
  gsize max_line;
  gsize max_name;
  guint64 max_total_size;
  guint max_ratio;
  guint64 ratio_floor;
} LabArchiveLimits;

/**
 * LabArchiveMemberKind:
 * @LAB_ARCHIVE_MEMBER_INVALID: a name the format does not allow
 * @LAB_ARCHIVE_MEMBER_MANIFEST: manifest.json
 * @LAB_ARCHIVE_MEMBER_TABLE: `<table>.jsonl` of a known table
 * @LAB_ARCHIVE_MEMBER_WORKSPACE: `workspace/<session>/<path>`
 */
typedef enum
{
  LAB_ARCHIVE_MEMBER_INVALID,
  LAB_ARCHIVE_MEMBER_MANIFEST,
  LAB_ARCHIVE_MEMBER_TABLE,
  LAB_ARCHIVE_MEMBER_WORKSPACE,
} LabArchiveMemberKind;

void                  lab_archive_limits_init_default (LabArchiveLimits   *limits);
char                 *lab_archive_table_member        (const LabTableInfo *table);
char                 *lab_archive_workspace_member    (const char         *session_id,
                                                       const char         *path);
LabArchiveMemberKind  lab_archive_classify_member     (const char         *name,
                                                       const LabTableInfo **table,
                                                       char              **session_id,
                                                       char              **path);

G_END_DECLS
