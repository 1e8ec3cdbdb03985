/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-paged-model"

#include "config.h"

#include "lab-paged-model.h"

/**
 * LabPagedModel:
 *
 * A #GListModel of #LabLazyItem over a query that may have millions of rows.
 *
 * The number of items comes from a count query; rows are read a page at a
 * time through #LabStore when the view first asks for an item of that page,
 * and the item is filled in when its page arrives. Pages that nobody but the
 * cache references are dropped once more than #LabPagedModel:max-pages are
 * cached, so scrolling the whole list never holds all of it, and a page that
 * was dropped before its read started is never read at all.
 *
 * #GListModel::items-changed is emitted once per change and says exactly what
 * changed: a reload replaces everything, lab_paged_model_remove() and
 * lab_paged_model_insert() move one row; pages arriving emit nothing (the
 * items fill in). #LabStore::changed reloads the model.
 */

#define DEFAULT_PAGE_SIZE 100
#define DEFAULT_MAX_PAGES 20

typedef struct
{
  guint index;
  GPtrArray *items;            /* LabLazyItem, one per position of the page */
  GCancellable *cancellable;   /* set while the page is being read */
  GList *waiters;              /* GTask of lab_paged_model_load_async() */
  guint64 stamp;
  gboolean loaded;
} Page;

typedef struct
{
  LabStore *store;
  GHashTable *pages;           /* index → Page */
  GCancellable *cancellable;   /* the current count */
  char *error_message;
  guint64 clock;
  guint generation;
  guint n_items;
  guint page_size;
  guint max_pages;
  guint counting : 1;
} LabPagedModelPrivate;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (LabPagedModel, lab_paged_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (LabPagedModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_PAGE_SIZE,
  PROP_MAX_PAGES,
  PROP_N_ITEMS,
  PROP_LOADING,
  PROP_ERROR_MESSAGE,
  N_PROPS
};

enum {
  SIGNAL_PAGE_LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  LabPagedModel *self;
  GCancellable *cancellable;
  guint index;
  guint generation;
} Fetch;

static void
fail_waiters (Page         *page,
              const GError *error)
{
  GList *waiters = g_steal_pointer (&page->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      g_task_return_error (task, g_error_copy (error));
    }
  g_list_free (waiters);
}

static void
page_free (gpointer data)
{
  Page *page = data;

  if (page->cancellable != NULL)
    g_cancellable_cancel (page->cancellable);
  g_clear_object (&page->cancellable);

  if (page->waiters != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The list changed");

      fail_waiters (page, error);
    }

  g_ptr_array_unref (page->items);
  g_free (page);
}

static guint
page_length (LabPagedModel *self,
             guint          index)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  guint start = index * priv->page_size;

  g_assert (start < priv->n_items);
  return MIN (priv->page_size, priv->n_items - start);
}

static void
set_error_message (LabPagedModel *self,
                   const char    *message)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  if (g_strcmp0 (priv->error_message, message) == 0)
    return;

  g_free (priv->error_message);
  priv->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
complete_waiters (LabPagedModel *self,
                  Page          *page)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  GList *waiters = g_steal_pointer (&page->waiters);

  for (GList *l = waiters; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;
      guint position = GPOINTER_TO_UINT (g_task_get_task_data (task));
      LabLazyItem *item = g_ptr_array_index (page->items, position - page->index * priv->page_size);

      g_task_return_pointer (task, g_object_ref (lab_lazy_item_get_item (item)), g_object_unref);
    }
  g_list_free (waiters);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetch *fetch = user_data;
  LabPagedModel *self = fetch->self;
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;

  rows = LAB_PAGED_MODEL_GET_CLASS (self)->fetch_finish (self, result, &error);

  page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (fetch->index));

  /* A read for a page that was dropped, or for an older generation, is stale. */
  if (fetch->generation != priv->generation || page == NULL ||
      page->cancellable != fetch->cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  g_clear_object (&page->cancellable);

  if (rows == NULL)
    {
      set_error_message (self, error->message);
      fail_waiters (page, error);
      /* Dropped, so that the next look at this page tries again. */
      g_hash_table_remove (priv->pages, GUINT_TO_POINTER (fetch->index));
      goto out;
    }

  for (guint i = 0; i < page->items->len && i < rows->len; i++)
    lab_lazy_item_set_item (g_ptr_array_index (page->items, i), g_ptr_array_index (rows, i));

  if (rows->len < page->items->len)
    {
      /* Rows went away since the count (another program wrote to the
       * store): the count is wrong, so start again. */
      lab_paged_model_reload (self);
      goto out;
    }

  page->loaded = TRUE;
  complete_waiters (self, page);
  g_signal_emit (self, signals[SIGNAL_PAGE_LOADED], 0,
                 page->index * priv->page_size, page->items->len);

out:
  g_object_unref (fetch->self);
  g_object_unref (fetch->cancellable);
  g_free (fetch);
}

static void
fetch_page (LabPagedModel *self,
            Page          *page)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  Fetch *fetch;

  g_assert (page->cancellable == NULL);
  g_assert (!page->loaded);

  page->cancellable = g_cancellable_new ();

  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->cancellable = g_object_ref (page->cancellable);
  fetch->index = page->index;
  fetch->generation = priv->generation;

  LAB_PAGED_MODEL_GET_CLASS (self)->fetch_async (self, page->index * priv->page_size,
                                                 page->items->len, page->cancellable,
                                                 fetch_cb, fetch);
}

static gboolean
page_is_referenced (Page *page)
{
  if (page->waiters != NULL)
    return TRUE;

  /* The cache holds one reference on each item; a view that shows the row
   * holds another. Only pages nobody shows may be dropped. */
  for (guint i = 0; i < page->items->len; i++)
    {
      GObject *item = g_ptr_array_index (page->items, i);

      if (g_atomic_int_get ((int *) &item->ref_count) > 1)
        return TRUE;
    }

  return FALSE;
}

static int
compare_stamps (gconstpointer a,
                gconstpointer b)
{
  const Page *pa = *(Page * const *) a;
  const Page *pb = *(Page * const *) b;

  return pa->stamp < pb->stamp ? -1 : pa->stamp > pb->stamp;
}

static void
evict_pages (LabPagedModel *self,
             Page          *keep)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(GPtrArray) pages = NULL;
  guint n_pages = g_hash_table_size (priv->pages);
  GHashTableIter iter;
  gpointer value;

  if (n_pages <= priv->max_pages)
    return;

  pages = g_ptr_array_sized_new (n_pages);
  g_hash_table_iter_init (&iter, priv->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (pages, value);
  g_ptr_array_sort (pages, compare_stamps);

  /* Least recently used first. */
  for (guint i = 0; i < pages->len && n_pages > priv->max_pages; i++)
    {
      Page *page = g_ptr_array_index (pages, i);

      if (page == keep || page_is_referenced (page))
        continue;

      g_hash_table_remove (priv->pages, GUINT_TO_POINTER (page->index));
      n_pages--;
    }
}

static Page *
page_new (LabPagedModel *self,
          guint          index)
{
  Page *page = g_new0 (Page, 1);
  guint length = page_length (self, index);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  page->index = index;
  page->items = g_ptr_array_new_full (length, g_object_unref);
  for (guint i = 0; i < length; i++)
    g_ptr_array_add (page->items, lab_lazy_item_new (index * priv->page_size + i));

  return page;
}

static Page *
ensure_page (LabPagedModel *self,
             guint          position)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  guint index = position / priv->page_size;
  Page *page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (index));

  if (page == NULL)
    {
      page = page_new (self, index);
      g_hash_table_insert (priv->pages, GUINT_TO_POINTER (index), page);

      /* While a reload counts, the old pages stay and new ones wait: the
       * count's items-changed replaces them all anyway. */
      if (!priv->counting)
        fetch_page (self, page);

      evict_pages (self, page);
    }

  page->stamp = ++priv->clock;
  return page;
}

static GType
lab_paged_model_get_item_type (GListModel *model)
{
  return LAB_TYPE_LAZY_ITEM;
}

static guint
lab_paged_model_get_n_items (GListModel *model)
{
  LabPagedModel *self = LAB_PAGED_MODEL (model);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  return priv->n_items;
}

static gpointer
lab_paged_model_get_item (GListModel *model,
                          guint       position)
{
  LabPagedModel *self = LAB_PAGED_MODEL (model);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  Page *page;

  if (position >= priv->n_items)
    return NULL;

  page = ensure_page (self, position);
  return g_object_ref (g_ptr_array_index (page->items, position - page->index * priv->page_size));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_paged_model_get_item_type;
  iface->get_n_items = lab_paged_model_get_n_items;
  iface->get_item = lab_paged_model_get_item;
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabPagedModel) self = user_data;
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  guint old_n_items = priv->n_items;
  gint64 count;

  count = LAB_PAGED_MODEL_GET_CLASS (self)->count_finish (self, result, &error);

  /* A newer reload is counting. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  priv->counting = FALSE;
  set_error_message (self, error ? error->message : NULL);

  g_hash_table_remove_all (priv->pages);
  priv->n_items = count > 0 ? (guint) MIN (count, G_MAXUINT) : 0;

  if (old_n_items != 0 || priv->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, priv->n_items);
  if (old_n_items != priv->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
store_changed_cb (LabPagedModel *self,
                  LabStore      *store)
{
  lab_paged_model_reload (self);
}

static void
lab_paged_model_constructed (GObject *object)
{
  LabPagedModel *self = LAB_PAGED_MODEL (object);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  G_OBJECT_CLASS (lab_paged_model_parent_class)->constructed (object);

  g_assert (LAB_IS_STORE (priv->store));
  g_signal_connect_object (priv->store, "changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
lab_paged_model_dispose (GObject *object)
{
  LabPagedModel *self = LAB_PAGED_MODEL (object);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_hash_table_remove_all (priv->pages);
  g_clear_object (&priv->store);

  G_OBJECT_CLASS (lab_paged_model_parent_class)->dispose (object);
}

static void
lab_paged_model_finalize (GObject *object)
{
  LabPagedModel *self = LAB_PAGED_MODEL (object);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_hash_table_unref (priv->pages);
  g_clear_object (&priv->cancellable);
  g_free (priv->error_message);

  G_OBJECT_CLASS (lab_paged_model_parent_class)->finalize (object);
}

static void
lab_paged_model_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabPagedModel *self = LAB_PAGED_MODEL (object);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, priv->page_size);
      break;
    case PROP_MAX_PAGES:
      g_value_set_uint (value, priv->max_pages);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, priv->n_items);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->counting);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, priv->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_paged_model_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabPagedModel *self = LAB_PAGED_MODEL (object);
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_PAGE_SIZE:
      priv->page_size = g_value_get_uint (value);
      break;
    case PROP_MAX_PAGES:
      priv->max_pages = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_paged_model_class_init (LabPagedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lab_paged_model_constructed;
  object_class->dispose = lab_paged_model_dispose;
  object_class->finalize = lab_paged_model_finalize;
  object_class->get_property = lab_paged_model_get_property;
  object_class->set_property = lab_paged_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, 10000, DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PAGES] =
    g_param_spec_uint ("max-pages", NULL, NULL, 1, 10000, DEFAULT_MAX_PAGES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabPagedModel::page-loaded:
   * @position: the first position of the page
   * @n_items: how many items it filled in
   */
  signals[SIGNAL_PAGE_LOADED] =
    g_signal_new ("page-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
lab_paged_model_init (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  priv->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  priv->cancellable = g_cancellable_new ();
  priv->page_size = DEFAULT_PAGE_SIZE;
  priv->max_pages = DEFAULT_MAX_PAGES;
}

/**
 * lab_paged_model_get_store:
 *
 * Returns: (transfer none): the store the rows come from
 */
LabStore *
lab_paged_model_get_store (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), NULL);
  return priv->store;
}

guint
lab_paged_model_get_page_size (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), 0);
  return priv->page_size;
}

/**
 * lab_paged_model_get_n_cached:
 *
 * Returns: how many items the cache holds now, loaded or being read
 */
guint
lab_paged_model_get_n_cached (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), 0);

  g_hash_table_iter_init (&iter, priv->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Page *) value)->items->len;

  return n;
}

/**
 * lab_paged_model_get_loading:
 *
 * Returns: whether the model is counting its rows (at first, or after a reload)
 */
gboolean
lab_paged_model_get_loading (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), FALSE);
  return priv->counting;
}

/**
 * lab_paged_model_get_error_message:
 *
 * Returns: (nullable): why the last count or read failed, if it did
 */
const char *
lab_paged_model_get_error_message (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), NULL);
  return priv->error_message;
}

/**
 * lab_paged_model_reload:
 *
 * Counts the rows again and then replaces every item, with one
 * #GListModel::items-changed. Reads in flight are cancelled.
 */
void
lab_paged_model_reload (LabPagedModel *self)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;
  gboolean was_counting;

  g_return_if_fail (LAB_IS_PAGED_MODEL (self));

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  priv->generation++;

  /* Reads in flight would fill items the count's items-changed replaces. */
  g_hash_table_iter_init (&iter, priv->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      if (page->cancellable != NULL)
        {
          g_cancellable_cancel (page->cancellable);
          g_clear_object (&page->cancellable);
        }
    }

  was_counting = priv->counting;
  priv->counting = TRUE;
  if (!was_counting)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  LAB_PAGED_MODEL_GET_CLASS (self)->count_async (self, priv->cancellable, count_cb,
                                                 g_object_ref (self));
}

/**
 * lab_paged_model_peek:
 * @position: a position
 *
 * Returns: (transfer none) (nullable) (type GObject): the object at @position if
 *   its page is cached and loaded, without reading anything
 */
gpointer
lab_paged_model_peek (LabPagedModel *self,
                      guint          position)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  Page *page;

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), NULL);

  if (position >= priv->n_items)
    return NULL;

  page = g_hash_table_lookup (priv->pages, GUINT_TO_POINTER (position / priv->page_size));
  if (page == NULL)
    return NULL;

  return lab_lazy_item_get_item (g_ptr_array_index (page->items,
                                                    position - page->index * priv->page_size));
}

/**
 * lab_paged_model_find:
 * @match: says whether an object is the one sought
 * @position: (out) (optional): where it is
 *
 * Looks among the cached, loaded objects only.
 *
 * Returns: whether one matched
 */
gboolean
lab_paged_model_find (LabPagedModel      *self,
                      LabPagedModelMatch  match,
                      gpointer            user_data,
                      guint              *position)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (LAB_IS_PAGED_MODEL (self), FALSE);

  g_hash_table_iter_init (&iter, priv->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      for (guint i = 0; i < page->items->len; i++)
        {
          gpointer item = lab_lazy_item_get_item (g_ptr_array_index (page->items, i));

          if (item != NULL && match (item, user_data))
            {
              if (position != NULL)
                *position = page->index * priv->page_size + i;
              return TRUE;
            }
        }
    }

  return FALSE;
}

/*
 * Moves every cached item at or after @at by @delta (-1 or +1) and rebuilds the
 * pages around the new positions; @inserted, if any, goes at @at. Items keep
 * their identity (a view that holds one keeps a valid row); slots that no
 * cached item fills get a new lazy item, and pages left incomplete are read
 * again. Reads in flight used the old positions, so they are cancelled.
 */
static void
shift_items (LabPagedModel *self,
             guint          at,
             int            delta,
             LabLazyItem   *inserted)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(GHashTable) by_position = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_autoptr(GHashTable) old_pages = g_steal_pointer (&priv->pages);
  g_autoptr(GHashTable) indexes = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  /* The old pages' reads are cancelled when they are freed, at the end. */
  priv->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  priv->generation++;

  g_hash_table_iter_init (&iter, old_pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      for (guint i = 0; i < page->items->len; i++)
        {
          LabLazyItem *item = g_ptr_array_index (page->items, i);
          guint position = page->index * priv->page_size + i;

          if (delta < 0 && position == at)
            continue;
          if (position >= at)
            position += delta;

          lab_lazy_item_set_position (item, position);
          g_hash_table_insert (by_position, GUINT_TO_POINTER (position), g_object_ref (item));
          g_hash_table_add (indexes, GUINT_TO_POINTER (position / priv->page_size));
        }
    }

  if (inserted != NULL)
    {
      g_hash_table_insert (by_position, GUINT_TO_POINTER (at), g_object_ref (inserted));
      g_hash_table_add (indexes, GUINT_TO_POINTER (at / priv->page_size));
    }

  g_hash_table_iter_init (&iter, indexes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint index = GPOINTER_TO_UINT (key);
      Page *page = g_new0 (Page, 1);
      guint length = page_length (self, index);

      page->index = index;
      page->stamp = ++priv->clock;
      page->loaded = TRUE;
      page->items = g_ptr_array_new_full (length, g_object_unref);

      for (guint i = 0; i < length; i++)
        {
          guint position = index * priv->page_size + i;
          LabLazyItem *item = g_hash_table_lookup (by_position, GUINT_TO_POINTER (position));

          if (item == NULL)
            item = lab_lazy_item_new (position);
          else
            g_object_ref (item);

          if (lab_lazy_item_get_item (item) == NULL)
            page->loaded = FALSE;
          g_ptr_array_add (page->items, item);
        }

      g_hash_table_insert (priv->pages, key, page);
      if (!page->loaded && !priv->counting)
        fetch_page (self, page);
    }
}

/**
 * lab_paged_model_remove:
 * @position: a position
 *
 * Takes one row out of the list, for a change the caller knows removed it
 * (the row no longer matches the list's filter), without a reload.
 */
void
lab_paged_model_remove (LabPagedModel *self,
                        guint          position)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);

  g_return_if_fail (LAB_IS_PAGED_MODEL (self));
  g_return_if_fail (position < priv->n_items);

  priv->n_items--;
  shift_items (self, position, -1, NULL);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * lab_paged_model_insert:
 * @position: where the row goes, at most the number of items
 * @item: (type GObject): the row's object
 *
 * Puts one row into the list, for a change the caller knows added it.
 */
void
lab_paged_model_insert (LabPagedModel *self,
                        guint          position,
                        gpointer       item)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(LabLazyItem) lazy = NULL;

  g_return_if_fail (LAB_IS_PAGED_MODEL (self));
  g_return_if_fail (position <= priv->n_items);
  g_return_if_fail (G_IS_OBJECT (item));

  lazy = lab_lazy_item_new (position);
  lab_lazy_item_set_item (lazy, item);

  priv->n_items++;
  shift_items (self, position, +1, lazy);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * lab_paged_model_load_async:
 * @position: a position
 *
 * Reads the page holding @position, if it is not loaded yet, for a caller
 * that needs that row now (to scroll to it, to select it).
 */
void
lab_paged_model_load_async (LabPagedModel       *self,
                            guint                position,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  LabPagedModelPrivate *priv = lab_paged_model_get_instance_private (self);
  g_autoptr(GTask) task = NULL;
  LabLazyItem *item;
  Page *page;

  g_return_if_fail (LAB_IS_PAGED_MODEL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_paged_model_load_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (position), NULL);

  if (position >= priv->n_items)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "Position %u is past the end of the list", position);
      return;
    }

  page = ensure_page (self, position);
  item = g_ptr_array_index (page->items, position - page->index * priv->page_size);

  if (lab_lazy_item_get_item (item) != NULL)
    g_task_return_pointer (task, g_object_ref (lab_lazy_item_get_item (item)), g_object_unref);
  else
    page->waiters = g_list_prepend (page->waiters, g_steal_pointer (&task));
}

/**
 * lab_paged_model_load_finish:
 *
 * Returns: (transfer full) (type GObject): the object at the position, or
 *   %NULL with @error set (%G_IO_ERROR_CANCELLED if the list changed meanwhile)
 */
gpointer
lab_paged_model_load_finish (LabPagedModel  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
