/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-search-model"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-search-model.h"

/**
 * LabSearchModel:
 *
 * Search results as one flat #GListModel for a list view: a #LabSearchHeader
 * "Sessions" followed by the sessions that matched, then for each session
 * whose messages matched, a #LabSearchHeader with its title followed by those
 * messages (#LabSearchHit). Sessions come in the order of their newest hit.
 *
 * Setting a query cancels the search in flight (queued searches are skipped
 * by #LabStore); lab_search_model_load_more() adds the next page of message
 * hits to the groups they belong to. Each change is one items-changed that
 * starts at the first row that changed.
 */

typedef struct
{
  LabSearchHeader *header;
  GPtrArray *hits;
} Group;

struct _LabSearchModel
{
  GObject parent_instance;

  LabStore *store;
  LabSearchQuery *query;
  GCancellable *cancellable;

  GPtrArray *items;           /* what the model shows */
  LabSearchHeader *sessions_header;
  GPtrArray *session_hits;    /* LabSearchHit of kind SESSION */
  GPtrArray *groups;          /* Group, in order */
  GHashTable *groups_by_id;   /* session id → Group */

  char *error_message;
  guint next_offset;
  guint n_message_hits;
  guint searching : 1;
  guint has_more : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabSearchModel, lab_search_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_SEARCHING,
  PROP_HAS_MORE,
  PROP_N_HITS,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
group_free (gpointer data)
{
  Group *group = data;

  g_object_unref (group->header);
  g_ptr_array_unref (group->hits);
  g_free (group);
}

static GType
lab_search_model_get_item_type (GListModel *model)
{
  return G_TYPE_OBJECT;
}

static guint
lab_search_model_get_n_items (GListModel *model)
{
  return LAB_SEARCH_MODEL (model)->items->len;
}

static gpointer
lab_search_model_get_item (GListModel *model,
                           guint       position)
{
  LabSearchModel *self = LAB_SEARCH_MODEL (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_search_model_get_item_type;
  iface->get_n_items = lab_search_model_get_n_items;
  iface->get_item = lab_search_model_get_item;
}

static void
set_searching (LabSearchModel *self,
               gboolean        searching)
{
  if (self->searching == !!searching)
    return;

  self->searching = !!searching;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

static void
set_has_more (LabSearchModel *self,
              gboolean        has_more)
{
  if (self->has_more == !!has_more)
    return;

  self->has_more = !!has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static void
set_error_message (LabSearchModel *self,
                   const char     *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* Lays the groups out as rows and tells the view what changed, once. */
static void
publish (LabSearchModel *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->items);
  guint first;

  self->items = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->session_hits->len > 0)
    {
      lab_search_header_set_n_hits (self->sessions_header, self->session_hits->len);
      g_ptr_array_add (self->items, g_object_ref (self->sessions_header));
      for (guint i = 0; i < self->session_hits->len; i++)
        g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (self->session_hits, i)));
    }

  for (guint i = 0; i < self->groups->len; i++)
    {
      Group *group = g_ptr_array_index (self->groups, i);

      lab_search_header_set_n_hits (group->header, group->hits->len);
      g_ptr_array_add (self->items, g_object_ref (group->header));
      for (guint j = 0; j < group->hits->len; j++)
        g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (group->hits, j)));
    }

  for (first = 0; first < old->len && first < self->items->len; first++)
    {
      if (g_ptr_array_index (old, first) != g_ptr_array_index (self->items, first))
        break;
    }

  if (first < old->len || first < self->items->len)
    g_list_model_items_changed (G_LIST_MODEL (self), first, old->len - first,
                                self->items->len - first);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HITS]);
}

static void
clear_results (LabSearchModel *self)
{
  g_ptr_array_set_size (self->session_hits, 0);
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->groups_by_id);
  self->n_message_hits = 0;
  self->next_offset = 0;
}

static void
add_message_hits (LabSearchModel *self,
                  GPtrArray      *hits)
{
  for (guint i = 0; i < hits->len; i++)
    {
      LabSearchHit *hit = g_ptr_array_index (hits, i);
      const char *session_id = lab_search_hit_get_session_id (hit);
      Group *group = g_hash_table_lookup (self->groups_by_id, session_id);

      if (group == NULL)
        {
          const char *title = lab_search_hit_get_session_title (hit);

          group = g_new0 (Group, 1);
          group->header = lab_search_header_new (session_id, title && *title ? title
                                                                            : _("Untitled Session"));
          group->hits = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->groups, group);
          g_hash_table_insert (self->groups_by_id, (gpointer) lab_search_header_get_session_id (group->header),
                               group);
        }

      g_ptr_array_add (group->hits, g_object_ref (hit));
      self->n_message_hits++;
    }
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabSearchModel) self = user_data;
  g_autoptr(LabSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first_page;

  results = lab_store_search_finish (LAB_STORE (object), result, &error);

  /* A newer query replaced this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  first_page = self->next_offset == 0;
  set_searching (self, FALSE);

  if (results == NULL)
    {
      if (first_page)
        {
          clear_results (self);
          publish (self);
        }
      set_has_more (self, FALSE);
      set_error_message (self, error->message);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
      return;
    }

  set_error_message (self, NULL);

  if (first_page)
    {
      clear_results (self);
      for (guint i = 0; i < results->sessions->len; i++)
        g_ptr_array_add (self->session_hits, g_object_ref (g_ptr_array_index (results->sessions, i)));
    }

  add_message_hits (self, results->messages);
  self->next_offset += self->query->limit;

  publish (self);
  set_has_more (self, results->has_more);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (!g_ascii_isspace (*p))
        return FALSE;
    }

  return TRUE;
}

static void
start_search (LabSearchModel *self)
{
  g_autoptr(LabSearchQuery) query = lab_search_query_copy (self->query);

  query->offset = self->next_offset;
  /* Matching sessions come with the first page only. */
  if (self->next_offset > 0)
    query->session_limit = 0;

  set_searching (self, TRUE);
  lab_store_search_async (self->store, query, self->cancellable, search_cb, g_object_ref (self));
}

static void
lab_search_model_dispose (GObject *object)
{
  LabSearchModel *self = LAB_SEARCH_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_search_model_parent_class)->dispose (object);
}

static void
lab_search_model_finalize (GObject *object)
{
  LabSearchModel *self = LAB_SEARCH_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, lab_search_query_free);
  g_ptr_array_unref (self->items);
  g_object_unref (self->sessions_header);
  g_ptr_array_unref (self->session_hits);
  g_hash_table_unref (self->groups_by_id);
  g_ptr_array_unref (self->groups);
  g_free (self->error_message);

  G_OBJECT_CLASS (lab_search_model_parent_class)->finalize (object);
}

static void
lab_search_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabSearchModel *self = LAB_SEARCH_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SEARCHING:
      g_value_set_boolean (value, self->searching);
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->has_more);
      break;
    case PROP_N_HITS:
      g_value_set_uint (value, lab_search_model_get_n_hits (self));
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabSearchModel *self = LAB_SEARCH_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_model_class_init (LabSearchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_search_model_dispose;
  object_class->finalize = lab_search_model_finalize;
  object_class->get_property = lab_search_model_get_property;
  object_class->set_property = lab_search_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCHING] =
    g_param_spec_boolean ("searching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_HITS] =
    g_param_spec_uint ("n-hits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabSearchModel::finished:
   *
   * A search or a next page completed, with results or with an error.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lab_search_model_init (LabSearchModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->sessions_header = lab_search_header_new (NULL, _("Sessions"));
  self->session_hits = g_ptr_array_new_with_free_func (g_object_unref);
  self->groups = g_ptr_array_new_with_free_func (group_free);
  self->groups_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

LabSearchModel *
lab_search_model_new (LabStore *store)
{
  g_return_val_if_fail (LAB_IS_STORE (store), NULL);

  return g_object_new (LAB_TYPE_SEARCH_MODEL, "store", store, NULL);
}

/**
 * lab_search_model_get_query:
 *
 * Returns: (transfer none) (nullable): the current query
 */
const LabSearchQuery *
lab_search_model_get_query (LabSearchModel *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_MODEL (self), NULL);
  return self->query;
}

/**
 * lab_search_model_set_query:
 * @query: (nullable): what to search; %NULL (or empty text) clears the results
 *
 * Starts a new search; the one in flight is cancelled and its results never
 * show. #LabSearchModel::finished tells when the results are in.
 */
void
lab_search_model_set_query (LabSearchModel       *self,
                            const LabSearchQuery *query)
{
  g_return_if_fail (LAB_IS_SEARCH_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_pointer (&self->query, lab_search_query_free);
  self->next_offset = 0;
  set_has_more (self, FALSE);

  if (query == NULL || is_blank (query->text))
    {
      clear_results (self);
      publish (self);
      set_error_message (self, NULL);
      set_searching (self, FALSE);
      return;
    }

  self->query = lab_search_query_copy (query);
  start_search (self);
}

/**
 * lab_search_model_load_more:
 *
 * Reads the next page of message hits, if there is one and no search is
 * running.
 */
void
lab_search_model_load_more (LabSearchModel *self)
{
  g_return_if_fail (LAB_IS_SEARCH_MODEL (self));

  if (self->query == NULL || self->searching || !self->has_more)
    return;

  start_search (self);
}

gboolean
lab_search_model_get_searching (LabSearchModel *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_MODEL (self), FALSE);
  return self->searching;
}

gboolean
lab_search_model_get_has_more (LabSearchModel *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_MODEL (self), FALSE);
  return self->has_more;
}

/**
 * lab_search_model_get_n_hits:
 *
 * Returns: how many sessions and messages the model shows
 */
guint
lab_search_model_get_n_hits (LabSearchModel *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_MODEL (self), 0);
  return self->session_hits->len + self->n_message_hits;
}

/**
 * lab_search_model_get_error_message:
 *
 * Returns: (nullable): why the last search failed (a query that could not be
 *   understood, most often)
 */
const char *
lab_search_model_get_error_message (LabSearchModel *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_MODEL (self), NULL);
  return self->error_message;
}
