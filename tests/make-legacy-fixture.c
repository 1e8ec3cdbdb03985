/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "lab-legacy-fixtures.h"

/*
 * Makes the legacy data of the migration tests in a folder, for trying a
 * migration by hand and for bench/migrate:
 *
 *   make-legacy-fixture ai-lab DIR [VARIANT]
 *   make-legacy-fixture events DIR [VARIANT] [SESSIONS EVENTS_PER_SESSION]
 *
 * DIR must exist. VARIANT is one of tests/data/legacy/<db>-<variant>.sql, or
 * "corrupt", or "-" for none.
 */
int
main (int    argc,
      char **argv)
{
  const char *variant = argc > 3 && g_strcmp0 (argv[3], "-") != 0 ? argv[3] : NULL;
  g_autofree char *made = NULL;

  if (argc < 3 || !g_file_test (argv[2], G_FILE_TEST_IS_DIR))
    {
      g_printerr ("Usage: %s ai-lab|events DIR [VARIANT] [SESSIONS EVENTS_PER_SESSION]\n", argv[0]);
      return 2;
    }

  if (g_str_equal (argv[1], "ai-lab"))
    made = lab_fixture_ai_lab (argv[2], variant);
  else if (g_str_equal (argv[1], "events"))
    {
      made = lab_fixture_events (argv[2], variant);
      if (argc > 5)
        lab_fixture_grow_events (made, atoi (argv[4]), atoi (argv[5]));
    }
  else
    {
      g_printerr ("%s: unknown kind “%s”\n", argv[0], argv[1]);
      return 2;
    }

  g_print ("%s\n", made);
  return 0;
}
