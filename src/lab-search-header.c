/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-search-header"

#include "config.h"

#include "lab-search-header.h"

/**
 * LabSearchHeader:
 *
 * The heading of one group of search results: the sessions that matched
 * (no session id), or one session whose messages matched.
 */
struct _LabSearchHeader
{
  GObject parent_instance;

  char *session_id;
  char *title;
  guint n_hits;
};

G_DEFINE_FINAL_TYPE (LabSearchHeader, lab_search_header, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION_ID,
  PROP_TITLE,
  PROP_N_HITS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_search_header_finalize (GObject *object)
{
  LabSearchHeader *self = (LabSearchHeader *) object;

  g_free (self->session_id);
  g_free (self->title);

  G_OBJECT_CLASS (lab_search_header_parent_class)->finalize (object);
}

static void
lab_search_header_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabSearchHeader *self = LAB_SEARCH_HEADER (object);

  switch (prop_id)
    {
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_N_HITS:
      g_value_set_uint (value, self->n_hits);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_header_class_init (LabSearchHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lab_search_header_finalize;
  object_class->get_property = lab_search_header_get_property;

  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_HITS] =
    g_param_spec_uint ("n-hits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_search_header_init (LabSearchHeader *self)
{
}

/**
 * lab_search_header_new:
 * @session_id: (nullable): the session whose messages follow, or %NULL for
 *   the group of matching sessions
 * @title: what the heading says
 *
 * Returns: (transfer full): a new #LabSearchHeader
 */
LabSearchHeader *
lab_search_header_new (const char *session_id,
                       const char *title)
{
  LabSearchHeader *self = g_object_new (LAB_TYPE_SEARCH_HEADER, NULL);

  self->session_id = g_strdup (session_id);
  self->title = g_strdup (title);
  return self;
}

const char *
lab_search_header_get_session_id (LabSearchHeader *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HEADER (self), NULL);
  return self->session_id;
}

const char *
lab_search_header_get_title (LabSearchHeader *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HEADER (self), NULL);
  return self->title;
}

guint
lab_search_header_get_n_hits (LabSearchHeader *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_HEADER (self), 0);
  return self->n_hits;
}

void
lab_search_header_set_n_hits (LabSearchHeader *self,
                              guint            n_hits)
{
  g_return_if_fail (LAB_IS_SEARCH_HEADER (self));

  if (self->n_hits == n_hits)
    return;

  self->n_hits = n_hits;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HITS]);
}
