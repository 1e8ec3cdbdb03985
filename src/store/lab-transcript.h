/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-db.h"

G_BEGIN_DECLS

/**
 * LabTranscriptFormat:
 * @LAB_TRANSCRIPT_MARKDOWN: a readable transcript: the session's details and
 *   its chat log
 * @LAB_TRANSCRIPT_JSON: the session's row and every row that belongs to it,
 *   field names as in the database
 *
 * How one session is exported on its own.
 */
typedef enum
{
  LAB_TRANSCRIPT_MARKDOWN,
  LAB_TRANSCRIPT_JSON,
} LabTranscriptFormat;

#define LAB_TRANSCRIPT_JSON_FORMAT "labdata-session"

gboolean  lab_transcript_write         (LabDb                *db,
                                        const char           *session_id,
                                        LabTranscriptFormat   format,
                                        GOutputStream        *out,
                                        GCancellable         *cancellable,
                                        GError              **error);
char     *lab_transcript_default_path  (LabDataDir           *dir,
                                        const char           *session_id,
                                        LabTranscriptFormat   format);
char     *lab_transcript_export        (LabDb                *db,
                                        const char           *session_id,
                                        LabTranscriptFormat   format,
                                        const char           *dest,
                                        GCancellable         *cancellable,
                                        GError              **error);
void      lab_transcript_export_async  (LabDataDir           *dir,
                                        const char           *session_id,
                                        LabTranscriptFormat   format,
                                        const char           *dest,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *lab_transcript_export_finish (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
