/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-error"

#include "config.h"

#include <errno.h>

#include "lab-error.h"

G_DEFINE_QUARK (lab-store-error-quark, lab_store_error)

/**
 * lab_store_error_from_errno:
 * @error: return location for a #GError
 * @saved_errno: the errno value of the failed call
 * @format: printf-style text saying what failed; ": strerror" is appended
 *
 * Sets @error in %LAB_STORE_ERROR with a code that tells the caller what kind of
 * failure it was: a full disk and a permission problem need different advice.
 */
void
lab_store_error_from_errno (GError     **error,
                            int          saved_errno,
                            const char  *format,
                            ...)
{
  g_autofree char *what = NULL;
  LabStoreError code;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  switch (saved_errno)
    {
    case ENOSPC:
    case EDQUOT:
      code = LAB_STORE_ERROR_NO_SPACE;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = LAB_STORE_ERROR_NOT_WRITABLE;
      break;
    case ENOENT:
      code = LAB_STORE_ERROR_NOT_FOUND;
      break;
    default:
      code = LAB_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, LAB_STORE_ERROR, code, "%s: %s", what, g_strerror (saved_errno));
}
