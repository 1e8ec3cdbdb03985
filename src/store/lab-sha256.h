/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LAB_SHA256_HEX_LENGTH 64

/**
 * LabSha256:
 *
 * A streaming SHA-256. It uses the CPU's SHA instructions where there are some
 * (x86 SHA-NI), which hash several times faster than GChecksum: a backup
 * hashes every byte it writes, and must not be slower than copying them.
 */
typedef struct
{
  /*< private >*/
  guint32 state[8];
  guint64 length;
  guint8 buffer[64];
  guint buffer_len;
  void (*compress) (guint32 *state, const guint8 *blocks, gsize n_blocks);
} LabSha256;

void      lab_sha256_init           (LabSha256   *sha);
void      lab_sha256_init_portable  (LabSha256   *sha);
void      lab_sha256_update         (LabSha256   *sha,
                                     const void  *data,
                                     gsize        length);
void      lab_sha256_finish         (LabSha256   *sha,
                                     char         hex[LAB_SHA256_HEX_LENGTH + 1]);
char     *lab_sha256_finish_dup     (LabSha256   *sha);
gboolean  lab_sha256_is_accelerated (void);
gboolean  lab_sha256_is_valid_hex   (const char  *text);

G_END_DECLS
