/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lab-cli.h"

G_BEGIN_DECLS

/* One function per subcommand, each in lab-cli-<name>.c; the table of commands
 * is in labdata-cli.c. */
int lab_cli_cmd_backup   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_backups  (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_check    (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_cleanup  (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_info     (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_demo     (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_sessions (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_show     (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_search   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_config   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_export   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_import   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_migrate  (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_move_data_dir (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_prune    (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_restore  (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_usage    (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_vacuum   (LabCli *cli, int argc, char **argv);
int lab_cli_cmd_verify   (LabCli *cli, int argc, char **argv);

G_END_DECLS
