/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-data-dir.h"
#include "lab-progress.h"

G_BEGIN_DECLS

/**
 * LabMoveFlags:
 * @LAB_MOVE_FLAGS_NONE: copy, verify and switch; the old copy stays
 * @LAB_MOVE_REMOVE_OLD: remove the old copy once the new one is verified and
 *   in use
 */
typedef enum
{
  LAB_MOVE_FLAGS_NONE = 0,
  LAB_MOVE_REMOVE_OLD = 1 << 0,
} LabMoveFlags;

/**
 * LabMoveResult:
 * @files: files copied, the database included
 * @bytes: bytes copied
 * @location_switched: the location file now names the new place, so the CLI
 *   and the GUI find it without options
 * @env_overrides: `LABDATA_DIR` is set and still names another place; it
 *   comes before the location file
 * @old_removed: the old copy was removed
 * @warnings: (element-type utf8): what did not go as asked after the switch
 *   (an old copy that could not be removed); the move itself succeeded
 */
typedef struct
{
  guint64 files;
  guint64 bytes;
  gboolean location_switched;
  gboolean env_overrides;
  gboolean old_removed;
  GPtrArray *warnings;
} LabMoveResult;

void        lab_move_result_clear      (LabMoveResult        *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LabMoveResult, lab_move_result_clear)

LabDataDir *lab_data_dir_move          (LabDataDir           *dir,
                                        const char           *new_root,
                                        LabMoveFlags          flags,
                                        LabMoveResult        *result,
                                        LabProgressFunc       progress,
                                        gpointer              progress_data,
                                        GCancellable         *cancellable,
                                        GError              **error);
void        lab_data_dir_move_async    (LabDataDir           *dir,
                                        const char           *new_root,
                                        LabMoveFlags          flags,
                                        LabProgress          *progress,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
LabDataDir *lab_data_dir_move_finish   (GAsyncResult         *result,
                                        LabMoveResult        *move_result,
                                        GError              **error);

/**
 * LabMovePlan:
 * @new_root: where the data folder would go: the chosen folder when it is
 *   empty or new, else a `labdata` folder inside it
 * @size: bytes to copy
 * @free_space: bytes free where @new_root would be
 *
 * What moving the data folder to a chosen place means, for a confirmation.
 */
typedef struct
{
  char *new_root;
  guint64 size;
  guint64 free_space;
} LabMovePlan;

void        lab_move_plan_free         (LabMovePlan          *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabMovePlan, lab_move_plan_free)

LabMovePlan *lab_data_dir_move_plan    (LabDataDir           *dir,
                                        const char           *chosen,
                                        GError              **error);
void        lab_data_dir_move_plan_async (LabDataDir         *dir,
                                          const char         *chosen,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
LabMovePlan *lab_data_dir_move_plan_finish (GAsyncResult     *result,
                                            GError          **error);

gboolean    lab_data_dir_remove_old    (LabDataDir           *current,
                                        const char           *old_root,
                                        GError              **error);
void        lab_data_dir_remove_old_async (LabDataDir        *current,
                                           const char        *old_root,
                                           GCancellable      *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer           user_data);
gboolean    lab_data_dir_remove_old_finish (GAsyncResult     *result,
                                            GError          **error);

G_END_DECLS
