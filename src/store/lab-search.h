/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lab-browse.h"
#include "lab-db.h"

G_BEGIN_DECLS

/* Snippets mark the matched words with these two control characters; the GUI
 * turns them into Pango markup and the CLI into bold or brackets. */
#define LAB_SNIPPET_OPEN  "\x02"
#define LAB_SNIPPET_CLOSE "\x03"

typedef enum
{
  LAB_SEARCH_HIT_MESSAGE,
  LAB_SEARCH_HIT_SESSION,
} LabSearchHitKind;

/**
 * LabSearchQuery:
 * @text: what the person typed: words, "phrases", prefix*, AND/OR/NOT, (groups)
 * @session_id: (nullable): only messages of this session
 * @role: (nullable): only messages of this role (user, assistant, tool_call…)
 * @author: (nullable): only messages by this author
 * @since: if not 0, only messages at or after this time (µs since the epoch)
 * @until: if not 0, only messages at or before this time
 * @sessions: (nullable): only messages of sessions this filter matches
 * @offset: how many message hits to skip (for paging)
 * @limit: how many message hits at most (newest first)
 * @session_limit: how many session hits at most; 0 for none
 */
typedef struct
{
  char *text;
  char *session_id;
  char *role;
  char *author;
  gint64 since;
  gint64 until;
  LabSessionFilter *sessions;
  guint offset;
  guint limit;
  guint session_limit;
} LabSearchQuery;

#define LAB_TYPE_SEARCH_QUERY (lab_search_query_get_type ())

GType           lab_search_query_get_type (void) G_GNUC_CONST;
LabSearchQuery *lab_search_query_new      (const char           *text);
LabSearchQuery *lab_search_query_copy     (const LabSearchQuery *query);
void            lab_search_query_free     (LabSearchQuery       *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSearchQuery, lab_search_query_free)

#define LAB_TYPE_SEARCH_HIT (lab_search_hit_get_type ())

G_DECLARE_FINAL_TYPE (LabSearchHit, lab_search_hit, LAB, SEARCH_HIT, GObject)

LabSearchHitKind  lab_search_hit_get_kind          (LabSearchHit *self);
const char       *lab_search_hit_get_session_id    (LabSearchHit *self);
const char       *lab_search_hit_get_session_title (LabSearchHit *self);
const char       *lab_search_hit_get_message_id    (LabSearchHit *self);
gint64            lab_search_hit_get_message_no    (LabSearchHit *self);
gint64            lab_search_hit_get_sequence      (LabSearchHit *self);
const char       *lab_search_hit_get_role          (LabSearchHit *self);
const char       *lab_search_hit_get_author        (LabSearchHit *self);
gint64            lab_search_hit_get_created_at    (LabSearchHit *self);
const char       *lab_search_hit_get_snippet       (LabSearchHit *self);

/**
 * LabSearchResults:
 * @sessions: (element-type LabSearchHit): sessions whose title, question,
 *   keywords or id match, most recently active first
 * @messages: (element-type LabSearchHit): matching messages, newest first
 * @has_more: whether more message hits follow this page
 */
typedef struct
{
  GPtrArray *sessions;
  GPtrArray *messages;
  gboolean has_more;
} LabSearchResults;

void              lab_search_results_free   (LabSearchResults     *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabSearchResults, lab_search_results_free)

char             *lab_search_translate      (const char           *text,
                                             GError              **error);
LabSearchResults *lab_search_run            (LabDb                *db,
                                             const LabSearchQuery *query,
                                             GCancellable         *cancellable,
                                             GError              **error);
char             *lab_snippet_to_markup     (const char           *snippet);
char             *lab_snippet_replace_marks (const char           *snippet,
                                             const char           *open,
                                             const char           *close);

G_END_DECLS
