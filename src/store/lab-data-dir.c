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
  LabDataDirOrigin origin;
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
  self->origin = LAB_DATA_DIR_ORIGIN_EXPLICIT;

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
 * lab_data_dir_get_location_file:
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/labdata/location`, the file that
 *   names the data directory after it was moved
 */
char *
lab_data_dir_get_location_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "labdata", "location", NULL);
}

/**
 * lab_data_dir_read_location:
 *
 * Reads the location file. It holds one absolute path, on one line.
 *
 * Returns: (transfer full) (nullable): the data directory it names, or %NULL
 *   when there is no location file (@error unset) or it cannot be used (@error
 *   set: unreadable, not a single absolute path)
 */
char *
lab_data_dir_read_location (GError **error)
{
  g_autofree char *path = lab_data_dir_get_location_file ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_FAILED,
                   _("Cannot read the data folder location in “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }

  /* One line; its line break (or CR LF from a hand edit) is not part of the
   * path, but other white space may be. */
  if (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  if (length > 0 && contents[length - 1] == '\r')
    contents[--length] = '\0';
  if (length == 0 || strlen (contents) != length || strchr (contents, '\n') != NULL ||
      !g_path_is_absolute (contents) || !g_utf8_validate (contents, -1, NULL))
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("“%s” does not hold the absolute path of a data folder"), path);
      return NULL;
    }

  return g_canonicalize_filename (contents, NULL);
}

/**
 * lab_data_dir_write_location:
 * @root: an absolute path
 *
 * Records @root as the data directory for the next resolutions that have no
 * `--data-dir` option and no `LABDATA_DIR`. The file is replaced atomically.
 */
gboolean
lab_data_dir_write_location (const char  *root,
                             GError     **error)
{
  g_autofree char *path = lab_data_dir_get_location_file ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *line = NULL;

  g_return_val_if_fail (root != NULL && g_path_is_absolute (root), FALSE);

  if (strchr (root, '\n') != NULL)
    {
      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_INVALID,
                   _("A data folder’s name cannot contain a line break"));
      return FALSE;
    }

  if (!lab_mkdir_private (folder, error))
    return FALSE;

  line = g_strconcat (root, "\n", NULL);
  return lab_file_replace_contents (path, line, -1, error);
}

/**
 * lab_data_dir_clear_location:
 *
 * Removes the location file, so that the default place is used again.
 */
gboolean
lab_data_dir_clear_location (GError **error)
{
  g_autofree char *path = lab_data_dir_get_location_file ();
  g_autofree char *folder = g_path_get_dirname (path);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      lab_store_error_from_errno (error, saved_errno, _("Cannot remove “%s”"), path);
      return FALSE;
    }

  return !g_file_test (folder, G_FILE_TEST_IS_DIR) || lab_fsync_dir (folder, error);
}

static char *
default_root (LabDataDirOrigin *origin)
{
  const char *env = g_getenv (LAB_DATA_DIR_ENV);
  g_autoptr(GError) error = NULL;
  char *location;

  if (env != NULL && env[0] != '\0')
    {
      *origin = LAB_DATA_DIR_ORIGIN_ENV;
      return g_strdup (env);
    }

  location = lab_data_dir_read_location (&error);
  if (location != NULL)
    {
      *origin = LAB_DATA_DIR_ORIGIN_LOCATION_FILE;
      return location;
    }
  /* A damaged location file was not written by us (we replace it atomically);
   * the default place is the best guess. */
  if (error != NULL)
    g_debug ("%s", error->message);

  *origin = LAB_DATA_DIR_ORIGIN_DEFAULT;
  return g_build_filename (g_get_user_data_dir (), "labdata", NULL);
}

/**
 * lab_data_dir_default_root:
 *
 * Returns: (transfer full): the root used when no option is given:
 *   `$LABDATA_DIR`, else the folder named by the location file (see
 *   lab_data_dir_write_location()), else `$XDG_DATA_HOME/labdata`
 */
char *
lab_data_dir_default_root (void)
{
  LabDataDirOrigin origin;

  return default_root (&origin);
}

/**
 * lab_data_dir_resolve:
 * @option: (nullable): the value of a `--data-dir` option
 *
 * Resolves the data directory in the documented order: the option, then the
 * `LABDATA_DIR` environment variable, then the location file written when the
 * data directory was moved, then `$XDG_DATA_HOME/labdata`.
 *
 * Returns: (transfer full): a new #LabDataDir
 */
LabDataDir *
lab_data_dir_resolve (const char *option)
{
  g_autofree char *root = NULL;
  LabDataDirOrigin origin;
  LabDataDir *self;

  if (option != NULL && option[0] != '\0')
    return lab_data_dir_new (option);

  root = default_root (&origin);
  self = lab_data_dir_new (root);
  self->origin = origin;

  return self;
}

/**
 * lab_data_dir_get_origin:
 *
 * Returns: where the resolution found this data directory
 */
LabDataDirOrigin
lab_data_dir_get_origin (LabDataDir *self)
{
  g_return_val_if_fail (LAB_IS_DATA_DIR (self), LAB_DATA_DIR_ORIGIN_EXPLICIT);
  return self->origin;
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
 * this process cannot write into it, and with %LAB_STORE_ERROR_NOT_FOUND if the
 * root came from the location file and is missing: a moved data directory on a
 * disk that is not mounted must not be replaced by a new, empty store.
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

  if (self->origin == LAB_DATA_DIR_ORIGIN_LOCATION_FILE &&
      !g_file_test (self->root, G_FILE_TEST_EXISTS))
    {
      g_autofree char *location = lab_data_dir_get_location_file ();

      g_set_error (error, LAB_STORE_ERROR, LAB_STORE_ERROR_NOT_FOUND,
                   _("The data folder “%s” named in “%s” does not exist. If it is on a "
                     "removable disk, connect it; otherwise remove that file to use the "
                     "default place."), self->root, location);
      return FALSE;
    }

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
