/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-archive"

#include "config.h"

#include <string.h>

#include "lab-archive.h"
#include "lab-fileutil.h"

/* One path component on Linux filesystems. */
#define MAX_COMPONENT 255

/**
 * lab_archive_limits_init_default:
 *
 * Fills @limits with the limits every import uses (see #LabArchiveLimits).
 */
void
lab_archive_limits_init_default (LabArchiveLimits *limits)
{
  limits->max_members = 250000;
  limits->max_manifest_size = 64 * 1024 * 1024;
  limits->max_line = 64 * 1024 * 1024;
  limits->max_name = 4096;
  limits->max_total_size = G_GUINT64_CONSTANT (1) << 40;  /* 1 TiB */
  /* Deflate cannot do much better than 1000:1, so only overlapping or
   * otherwise forged members get past this; real exports are near 10:1. */
  limits->max_ratio = 250;
  limits->ratio_floor = 64 * 1024 * 1024;
}

/**
 * lab_archive_table_member:
 *
 * Returns: (transfer full): the member holding @table's rows, "<table>.jsonl"
 */
char *
lab_archive_table_member (const LabTableInfo *table)
{
  return g_strconcat (table->name, LAB_ARCHIVE_MEMBER_SUFFIX, NULL);
}

/**
 * lab_archive_workspace_member:
 * @path: a safe relative path inside the session's workspace
 *
 * Returns: (transfer full): "workspace/<session_id>/<path>"
 */
char *
lab_archive_workspace_member (const char *session_id,
                              const char *path)
{
  return g_strconcat (LAB_ARCHIVE_WORKSPACE_PREFIX, session_id, "/", path, NULL);
}

static gboolean
components_fit (const char *path)
{
  const char *start = path;

  for (const char *p = path;; p++)
    {
      if (*p == '/' || *p == '\0')
        {
          if (p - start > MAX_COMPONENT)
            return FALSE;
          if (*p == '\0')
            return TRUE;
          start = p + 1;
        }
    }
}

/**
 * lab_archive_classify_member:
 * @name: a member name from an archive (untrusted)
 * @table: (out) (optional): for a table member, its table
 * @session_id: (out) (optional) (transfer full): for a workspace member
 * @path: (out) (optional) (transfer full): for a workspace member, the path
 *   inside the session's workspace
 *
 * Says what a member name means in the format. Anything else — absolute
 * paths, "..", empty or "." components, backslashes, control characters,
 * components longer than a filesystem allows, unknown tables — is
 * %LAB_ARCHIVE_MEMBER_INVALID.
 */
LabArchiveMemberKind
lab_archive_classify_member (const char          *name,
                             const LabTableInfo **table,
                             char               **session_id,
                             char               **path)
{
  if (name == NULL || !lab_relative_path_is_safe (name) || !components_fit (name))
    return LAB_ARCHIVE_MEMBER_INVALID;

  if (g_str_equal (name, LAB_ARCHIVE_MANIFEST))
    return LAB_ARCHIVE_MEMBER_MANIFEST;

  if (g_str_has_prefix (name, LAB_ARCHIVE_WORKSPACE_PREFIX))
    {
      const char *rest = name + strlen (LAB_ARCHIVE_WORKSPACE_PREFIX);
      const char *slash = strchr (rest, '/');

      /* A session folder and at least one component below it; the safety
       * check above already refused empty components. */
      if (slash == NULL || slash == rest || slash[1] == '\0')
        return LAB_ARCHIVE_MEMBER_INVALID;

      if (session_id != NULL)
        *session_id = g_strndup (rest, slash - rest);
      if (path != NULL)
        *path = g_strdup (slash + 1);
      return LAB_ARCHIVE_MEMBER_WORKSPACE;
    }

  if (g_str_has_suffix (name, LAB_ARCHIVE_MEMBER_SUFFIX) && strchr (name, '/') == NULL)
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen (LAB_ARCHIVE_MEMBER_SUFFIX));
      const LabTableInfo *info = lab_schema_get_table (stem);

      if (info == NULL)
        return LAB_ARCHIVE_MEMBER_INVALID;
      if (table != NULL)
        *table = info;
      return LAB_ARCHIVE_MEMBER_TABLE;
    }

  return LAB_ARCHIVE_MEMBER_INVALID;
}
