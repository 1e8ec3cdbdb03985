/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include "lab-backup.h"

/*
 * Runs one backup or restore for test-backup-kill, which kills it with
 * SIGKILL at a random moment:
 *
 *   backup-kill-helper backup DATA_DIR
 *   backup-kill-helper restore DATA_DIR NAME [SESSION…]
 */
int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LabDataDir) dir = NULL;

  if (argc < 3)
    {
      g_printerr ("usage: %s backup|restore DATA_DIR [NAME [SESSION…]]\n", argv[0]);
      return 2;
    }

  dir = lab_data_dir_new (argv[2]);

  if (g_str_equal (argv[1], "backup"))
    {
      g_autofree char *name = lab_backup_create (dir, LAB_BACKUP_KIND_MANUAL, NULL, NULL, NULL,
                                                 &error);

      if (name == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%s\n", name);
      return 0;
    }

  if (g_str_equal (argv[1], "restore") && argc >= 4)
    {
      const char * const *sessions = argc > 4 ? (const char * const *) argv + 4 : NULL;

      if (!lab_backup_restore (dir, argv[3], sessions, NULL, NULL, NULL, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }

  g_printerr ("unknown command %s\n", argv[1]);
  return 2;
}
