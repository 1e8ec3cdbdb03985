/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "fuzz-store.h"

/*
 * libFuzzer target for the importer: each input is written to a file and
 * imported into a small store, as a .labdata archive or a legacy JSON export
 * (lab_import_preview_load() tells them apart), then applied if it previews
 * (fuzz-store.c). See tests/fuzz/README.md.
 */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_store_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  LabArchiveLimits limits;

  if (!g_file_set_contents (fuzz_input, (const char *) data, size, NULL))
    abort ();

  /* The default limits, but nothing that fills the disk of a long run. */
  lab_archive_limits_init_default (&limits);
  limits.max_total_size = 64 * 1024 * 1024;

  fuzz_store_import (data, size, &limits);
  return 0;
}
