/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab-test-archive.h"

#include "fuzz-store.h"

/*
 * libFuzzer target for what lies behind an archive's checksums: the input
 * becomes the members of a well-formed archive (manifest and checksums
 * right), so that mutations reach the line parser, the row validation, the
 * staging, the comparison with the store and the apply. Parts of the input
 * separated by the byte 0xFF are, in order, the JSON lines of each table
 * (sessions.jsonl, messages.jsonl, …) and then a workspace file of session
 * arch-s1. An input that starts with '{' is imported as a legacy JSON export
 * instead. The import and its checks are in fuzz-store.c; see
 * tests/fuzz/README.md.
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

static void
write_archive (const uint8_t *data,
               size_t         size)
{
  g_autoptr(LabTestArchive) archive = lab_test_archive_new ();
  const LabTableInfo *tables;
  guint n_tables;
  const uint8_t *part = data;
  const uint8_t *end = data + size;

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i <= n_tables && part <= end; i++)
    {
      const uint8_t *next = memchr (part, 0xff, end - part);
      gsize length = (next ? next : end) - part;

      if (i < n_tables)
        {
          g_autofree char *name = g_strconcat (tables[i].name, ".jsonl", NULL);

          lab_test_archive_add (archive, name, (const char *) part, length);
        }
      else
        lab_test_archive_add (archive, "workspace/arch-s1/notes.md", (const char *) part, length);

      if (next == NULL)
        break;
      part = next + 1;
    }

  lab_test_archive_write (archive, fuzz_input);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > 0 && data[0] == '{')
    {
      if (!g_file_set_contents (fuzz_input, (const char *) data, size, NULL))
        abort ();
    }
  else
    write_archive (data, size);

  fuzz_store_import (data, size, NULL);
  return 0;
}
