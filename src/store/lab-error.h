/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_STORE_ERROR (lab_store_error_quark ())

/**
 * LabStoreError:
 * @LAB_STORE_ERROR_FAILED: any other failure
 * @LAB_STORE_ERROR_NOT_A_DATABASE: a file that should be a LabData database is not one
 * @LAB_STORE_ERROR_SCHEMA_TOO_NEW: the database was written by a newer LabData
 * @LAB_STORE_ERROR_SQLITE: SQLite reported an error; the message is sqlite3_errmsg()
 * @LAB_STORE_ERROR_BUSY: the database is locked by another program
 * @LAB_STORE_ERROR_CORRUPT: the database or a file is damaged
 * @LAB_STORE_ERROR_NOT_WRITABLE: a folder or file cannot be written
 * @LAB_STORE_ERROR_NO_SPACE: the disk is full
 * @LAB_STORE_ERROR_QUERY_SYNTAX: a search query could not be understood
 * @LAB_STORE_ERROR_NOT_FOUND: the named session, backup or file does not exist
 * @LAB_STORE_ERROR_AMBIGUOUS: an id prefix matches more than one item
 * @LAB_STORE_ERROR_INVALID: input (an archive, a JSON file, an argument) is not valid
 * @LAB_STORE_ERROR_UNSAFE_PATH: a path escapes the folder it must stay in
 * @LAB_STORE_ERROR_UNSUPPORTED: a format version this program cannot read
 *
 * Errors of the store library.
 */
typedef enum
{
  LAB_STORE_ERROR_FAILED,
  LAB_STORE_ERROR_NOT_A_DATABASE,
  LAB_STORE_ERROR_SCHEMA_TOO_NEW,
  LAB_STORE_ERROR_SQLITE,
  LAB_STORE_ERROR_BUSY,
  LAB_STORE_ERROR_CORRUPT,
  LAB_STORE_ERROR_NOT_WRITABLE,
  LAB_STORE_ERROR_NO_SPACE,
  LAB_STORE_ERROR_QUERY_SYNTAX,
  LAB_STORE_ERROR_NOT_FOUND,
  LAB_STORE_ERROR_AMBIGUOUS,
  LAB_STORE_ERROR_INVALID,
  LAB_STORE_ERROR_UNSAFE_PATH,
  LAB_STORE_ERROR_UNSUPPORTED,
} LabStoreError;

GQuark lab_store_error_quark (void);

void lab_store_error_from_errno (GError     **error,
                                 int          saved_errno,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
