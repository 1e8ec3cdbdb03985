/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "lab-data-dir.h"
#include "lab-db.h"

G_BEGIN_DECLS

/* Exit codes, as DESIGN.md and the README document them. */
typedef enum
{
  LAB_CLI_EXIT_OK       = 0,
  LAB_CLI_EXIT_FAILURE  = 1,
  LAB_CLI_EXIT_USAGE    = 2,
  LAB_CLI_EXIT_PROBLEMS = 3,
} LabCliExit;

typedef struct _LabCli LabCli;

struct _LabCli
{
  const char *command;   /* the subcommand's name */
  char *data_dir_option; /* --data-dir, or NULL */
  gboolean json;         /* --json */
  gboolean yes;          /* --yes */
  gboolean stdout_is_tty;
  gboolean stderr_is_tty;
  gboolean stdin_is_tty;
  LabDataDir *dir;
  GCancellable *cancellable;  /* cancelled by SIGINT/SIGTERM */
};

typedef int (*LabCliCommandFunc) (LabCli  *cli,
                                  int      argc,
                                  char   **argv);

typedef struct
{
  const char *name;
  const char *summary;
  LabCliCommandFunc run;
} LabCliCommand;

LabDataDir *lab_cli_get_data_dir    (LabCli        *cli);
LabDb      *lab_cli_open_db         (LabCli        *cli,
                                     LabDbOpenFlags flags,
                                     GError       **error);
int         lab_cli_fail            (LabCli        *cli,
                                     const GError  *error);
int         lab_cli_usage_error     (LabCli        *cli,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (2, 3);
gboolean    lab_cli_parse_options   (LabCli        *cli,
                                     GOptionContext *context,
                                     int           *argc,
                                     char        ***argv,
                                     int           *exit_code);
GOptionContext *lab_cli_option_context_new (LabCli     *cli,
                                            const char *parameter_string,
                                            const char *summary);
void        lab_cli_print_json      (LabCli        *cli,
                                     JsonNode      *node);
gboolean    lab_cli_confirm         (LabCli        *cli,
                                     const char    *question,
                                     int           *exit_code);
void        lab_cli_progress        (double         fraction,
                                     const char    *message,
                                     gpointer       cli);
void        lab_cli_progress_done   (LabCli        *cli);
char       *lab_cli_format_size     (guint64        bytes);
char       *lab_cli_format_count    (gint64         count);
char       *lab_cli_format_counted  (const char    *phrase,
                                     gint64         count);
char       *lab_cli_format_time     (gint64         usec);

typedef enum
{
  LAB_CLI_COLUMN_LEFT      = 0,
  LAB_CLI_COLUMN_RIGHT     = 1 << 0,
  LAB_CLI_COLUMN_ELLIPSIZE = 1 << 1,  /* cut what is wider, ending in "…" */
} LabCliColumnFlags;

char       *lab_cli_column          (const char        *text,
                                     guint              width,
                                     LabCliColumnFlags  flags);
const char *lab_cli_error_code_name (const GError  *error);

G_END_DECLS
