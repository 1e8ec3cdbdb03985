/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-oplog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-oplog.h"
#include "lab-timestamp.h"

/**
 * lab_oplog_append:
 * @dir: the data directory
 * @operation: "backup", "restore", "cleanup", "import", …
 * @details: (nullable): more members for the record
 *
 * Appends one JSON line to `logs/operations.jsonl`: the time, the operation,
 * the program version and @details. The line is written with one write() in
 * append mode and synced, so concurrent writers never interleave within a line.
 */
gboolean
lab_oplog_append (LabDataDir  *dir,
                  const char  *operation,
                  JsonObject  *details,
                  GError     **error)
{
  g_autoptr(JsonObject) record = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = NULL;
  g_autofree char *line = NULL;
  g_autofree char *now = lab_timestamp_now ();
  g_autofree char *text = NULL;
  gboolean ok;
  int fd;

  if (!lab_mkdir_private (lab_data_dir_get_logs_path (dir), error))
    return FALSE;

  json_object_set_string_member (record, "time", now);
  json_object_set_string_member (record, "operation", operation);
  json_object_set_string_member (record, "app_version", PACKAGE_VERSION);

  if (details != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, details);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (record, name, json_node_copy (value));
    }

  json_node_set_object (node, record);
  text = json_to_string (node, FALSE);
  line = g_strconcat (text, "\n", NULL);

  path = g_build_filename (lab_data_dir_get_logs_path (dir), "operations.jsonl", NULL);
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot open “%s”"), path);
      return FALSE;
    }

  ok = lab_write_all (fd, line, strlen (line), path, error) && lab_fsync_fd (fd, path, error);
  close (fd);

  return ok;
}
