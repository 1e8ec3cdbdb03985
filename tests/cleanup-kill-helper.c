/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "lab-cleanup.h"

/*
 * Runs one clean-up of the store in argv[1], as the plan for "now" argv[2]
 * (µs since the epoch) says, for tests/test-cleanup.c to kill with SIGKILL at
 * a random moment. It sleeps a little at each progress report, so that the
 * kills land in every part of the work: the backup, the deletions, the moves
 * aside, the commit, the removals and the compacting.
 */

static void
progress_cb (double      fraction,
             const char *message,
             gpointer    user_data)
{
  GRand *rand = user_data;

  g_usleep (g_rand_int_range (rand, 0, 10000));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(LabDataDir) dir = NULL;
  g_autoptr(LabCleanupPlan) plan = NULL;
  g_autoptr(LabCleanupResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LabCleanupOptions options;
  GRand *rand;

  if (argc != 3)
    {
      g_printerr ("usage: %s DATA-DIR NOW-USEC\n", argv[0]);
      return 2;
    }

  dir = lab_data_dir_new (argv[1]);
  lab_cleanup_options_init (&options);
  options.now = g_ascii_strtoll (argv[2], NULL, 10);

  plan = lab_cleanup_plan (dir, &options, NULL, &error);
  if (plan == NULL)
    {
      g_printerr ("plan: %s\n", error->message);
      return 1;
    }

  rand = g_rand_new ();
  result = lab_cleanup_apply (dir, plan, progress_cb, rand, NULL, &error);
  g_rand_free (rand);
  if (result == NULL)
    {
      g_printerr ("apply: %s\n", error->message);
      return 1;
    }

  return 0;
}
