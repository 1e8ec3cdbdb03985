/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-db.h"

G_BEGIN_DECLS

/* Building archives for the import tests, the hostile corpus and the fuzzer's
 * seeds, and comparing stores. */

typedef enum
{
  LAB_TEST_MEMBER_FILE,
  LAB_TEST_MEMBER_SYMLINK,
  LAB_TEST_MEMBER_FOLDER,
  LAB_TEST_MEMBER_DEVICE,
} LabTestMemberType;

typedef struct
{
  char *name;
  GBytes *data;
  LabTestMemberType type;
  char *link;
} LabTestMember;

typedef struct
{
  GPtrArray *members;   /* LabTestMember */
  GString *manifest;    /* NULL: written by lab_test_archive_write() */
  int version;
  gboolean no_manifest;
  gboolean encrypt;
  GHashTable *sizes;    /* name → declared size overriding the real one */
  GHashTable *sha256s;  /* name → declared checksum overriding the real one */
  GPtrArray *unlisted;  /* names left out of the manifest */
  GPtrArray *ghosts;    /* names listed in the manifest but not present */
} LabTestArchive;

LabTestArchive *lab_test_archive_new        (void);
LabTestArchive *lab_test_archive_new_valid  (void);
void            lab_test_archive_free       (LabTestArchive *archive);
void            lab_test_archive_add        (LabTestArchive *archive,
                                             const char     *name,
                                             const char     *data,
                                             gssize          length);
void            lab_test_archive_add_special (LabTestArchive   *archive,
                                              const char       *name,
                                              LabTestMemberType type,
                                              const char       *link);
void            lab_test_archive_set        (LabTestArchive *archive,
                                             const char     *name,
                                             const char     *data,
                                             gssize          length);
void            lab_test_archive_write      (LabTestArchive *archive,
                                             const char     *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabTestArchive, lab_test_archive_free)

/**
 * LabTestHostileCase:
 * @name: a short name, also the corpus file's name
 * @code: the #LabStoreError the import must fail with
 * @build: writes the archive to a path
 *
 * One hostile archive: valid but for one thing.
 */
typedef struct
{
  const char *name;
  int code;
  void (*build) (const char *path);
} LabTestHostileCase;

const LabTestHostileCase *lab_test_hostile_cases (guint *n_cases);

char *lab_test_db_digest        (LabDb      *db);
char *lab_test_table_digest     (LabDb      *db,
                                 const char *table);

G_END_DECLS
