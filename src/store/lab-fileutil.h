/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  lab_mkdir_private          (const char    *path,
                                      GError       **error);
gboolean  lab_fsync_dir              (const char    *dir,
                                      GError       **error);
gboolean  lab_fsync_fd               (int            fd,
                                      const char    *path,
                                      GError       **error);
int       lab_open_temp_beside       (const char    *dest,
                                      int            mode,
                                      char         **tmp_path,
                                      GError       **error);
gboolean  lab_commit_temp            (const char    *tmp_path,
                                      const char    *dest,
                                      GError       **error);
gboolean  lab_file_replace_contents  (const char    *path,
                                      const char    *data,
                                      gsize          length,
                                      GError       **error);
gboolean  lab_write_all              (int            fd,
                                      const void    *data,
                                      gsize          length,
                                      const char    *path,
                                      GError       **error);
char     *lab_file_sha256            (const char    *path,
                                      goffset       *size,
                                      GCancellable  *cancellable,
                                      GError       **error);
gboolean  lab_file_copy_atomic       (const char    *src,
                                      const char    *dest,
                                      char         **sha256,
                                      GCancellable  *cancellable,
                                      GError       **error);
gboolean  lab_file_copy_unsynced     (const char    *src,
                                      const char    *dest,
                                      char         **sha256,
                                      GCancellable  *cancellable,
                                      GError       **error);
gboolean  lab_sync_filesystem        (const char    *path,
                                      GError       **error);
char     *lab_path_join_safe         (const char    *root,
                                      const char    *relative,
                                      GError       **error);
gboolean  lab_relative_path_is_safe  (const char    *relative);
gboolean  lab_rm_rf                  (const char    *path,
                                      GError       **error);
guint64   lab_path_disk_usage        (const char    *path,
                                      guint64       *n_files);
GPtrArray *lab_dir_list_sorted       (const char    *path,
                                      GError       **error);

G_END_DECLS
