/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-data-dir"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lab-data-dir.h"
#include "lab-error.h"
#include "lab-fileutil.h"

/**
 * LabDataDir:
 *
 * The folder that holds one LabData store and the names of everything in it
 * (see DESIGN.md, "Data directory"). It only computes paths; lab_data_dir_ensure()
 * creates what is missing.
 */
struct _LabDataDir
{
  GObject parent_instance;

  char *root;
  char *data;
  char *db;
  char *workspace;
  char *backups;
  char *archives;
  char *config;
  char *config_file;
  char *logs;
};

G_DEFINE_FINAL_TYPE (LabDataDir, lab_data_dir, G_TYPE_OBJECT)

static void
lab_data_dir_finalize (GObject *object)
{
  LabDataDir *self = (LabDataDir *) object;

  g_free (self->root);
  g_free (self->data);
  g_free (self->db);
  g_free (self->workspace);
  g_free (self->backups);
  g_free (self->archives);
  g_free (self->config);
  g_free (self->config_file);
  g_free (self->logs);

  G_OBJECT_CLASS (lab_data_dir_parent_class)->finalize (object);
}

static void
lab_data_dir_class_init (LabDataDirClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_data_dir_finalize;
}

static void
lab_data_dir_init (LabDataDir *self)
{
}

/**
 * lab_data_dir_new:
 * @root: the data directory; a relative path is made absolute
 *
 * Returns: (transfer full): a new #LabDataDir
 */
LabDataDir *
lab_data_dir_new (const char *root)
{
  LabDataDir *self;
  g_autofree char *cwd = NULL;

  g_return_val_if_fail (root != NULL && root[0] != '\0', NULL);

  self = g_object_new (LAB_TYPE_DATA_DIR, NULL);

  if (g_path_is_absolute (root))
    self->root = g_canonicalize_filename (root, NULL);
  else
    {
      cwd = g_get_current_dir ();
      self->root = g_canonicalize_filename (root, cwd);
    }

  self->data = g_build_filename (self->root, "data", NULL);
  self->db = g_build_filename (self->data, "labdata.db", NULL);
  self->workspace = g_build_filename (self->data, "workspace", NULL);
  self->backups = g_build_filename (self->root, "backups", NULL);
  self->archives = g_build_filename (self->root, "archives", NULL);
  self->config = g_build_filename (self->root, "config", NULL);
  self->config_file = g_build_filename (self->config, "config.json", NULL);
  self->logs = g_build_filename (self->root, "logs", NULL);

  return self;
}

/**
 * lab_data_dir_default_root:
 *
 * Returns: (transfer full): the root used when no option is given:
 *   `$LABDATA_DIR`, else `$XDG_DATA_HOME/labdata`
 */
char *
lab_data_dir_default_root (void)
{
  const char *env = g_getenv (LAB_DATA_DIR_ENV);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "labdata", NULL);
}

/**
 * lab_data_dir_resolve:
 * @option: (nullable): the value of a `--data-dir` option
 *
 * Resolves the data directory in the documented order: the option, then the
 * `LABDATA_DIR` environment variable, then `$XDG_DATA_HOME/labdata`.
 *
 * Returns: (transfer full): a new #LabDataDir
 */
LabDataDir *
lab_data_dir_resolve (const char *option)
{
  g_autofree char *root = NULL;

  if (option != NULL && option[0] != '\0')
    return lab_data_dir_new (option);

  root = lab_data_dir_default_root ();
  return lab_data_dir_new (root);
}

const char *
lab_data_dir_get_root (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->root;
}

const char *
lab_data_dir_get_data_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->data;
}

const char *
lab_data_dir_get_db_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->db;
}

const char *
lab_data_dir_get_workspace_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->workspace;
}

const char *
lab_data_dir_get_backups_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->backups;
}

const char *
lab_data_dir_get_archives_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->archives;
}

const char *
lab_data_dir_get_config_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->config;
}

const char *
lab_data_dir_get_config_file (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->config_file;
}

const char *
lab_data_dir_get_logs_path (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);
  return self->logs;
}

/**
 * lab_data_dir_get_session_workspace:
 * @session_id: a session id
 *
 * Returns: (transfer full) (nullable): `data/workspace/<session_id>`, or %NULL if
 *   the id could not be a single folder name
 */
char *
lab_data_dir_get_session_workspace (LabDataDir *self,
                                    const char *session_id)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), NULL);

  if (session_id == NULL || strchr (session_id, '/') != NULL ||
      !lab_relative_path_is_safe (session_id))
    return NULL;

  return g_build_filename (self->workspace, session_id, NULL);
}

/**
 * lab_data_dir_exists:
 *
 * Returns: whether the database file exists, i.e. the store was used before
 */
gboolean
lab_data_dir_exists (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), FALSE);
  return g_file_test (self->db, G_FILE_TEST_EXISTS);
}

/**
 * lab_data_dir_ensure:
 *
 * Creates the layout that is missing, folders with mode 0700. It fails with
 * %LAB_STORE_ERROR_NOT_WRITABLE, before changing anything, if the root exists but
 * this process cannot write into it.
 */
gboolean
lab_data_dir_ensure (LabDataDir  *self,
                     GError     **error)
{
  const char *dirs[] = {
    self->root, self->data, self->workspace, self->backups,
    self->archives, self->config, self->logs,
  };

  g_return_val_if_fail (LAB_IS_DATA_DIR (self), FALSE);

  if (g_file_test (self->root, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (self->root, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_WRITABLE,
                       _("The data folder “%s” is not a folder"), self->root);
          return FALSE;
        }
      if (access (self->root, W_OK | X_OK) != 0)
        {
          int saved_errno = errno;

          lab_store_error_from_errno (error, saved_errno,
                                      _("The data folder “%s” is not writable"), self->root);
          return FALSE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      if (g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
        continue;

      if (g_mkdir_with_parents (dirs[i], 0700) != 0)
        {
          int saved_errno = errno;
          g_autoptr(GError) local_error = NULL;

          lab_store_error_from_errno (&local_error, saved_errno,
                                      _("Cannot create the data folder “%s”"), dirs[i]);
          /* A path under a regular file cannot hold a store either. */
          if (saved_errno == ENOTDIR || saved_errno == EEXIST)
            local_error->code = LAB_STORE_ERROR_NOT_WRITABLE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return TRUE;
}
