/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-chat-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lab-chat-view.h"
#include "lab-message-row.h"

/**
 * LabChatView:
 *
 * A session's chat log: a list view over a #LabMessageModel, so that a
 * 50,000-message session opens with one count and the page on screen.
 *
 * lab_chat_view_show_message() scrolls to a message (a search result) and
 * highlights it: it asks the store for the message's position, loads the page
 * holding it, and scrolls once the row exists. Rows are recycled as the list
 * scrolls; which messages are expanded and which one is highlighted live
 * here, by position, and are applied to a row each time it is bound.
 */
struct _LabChatView
{
  GtkWidget parent_instance;

  LabStore *store;
  char *session_id;
  LabMessageModel *model;
  GCancellable *cancellable;
  GHashTable *expanded;      /* positions */
  GHashTable *bound_rows;    /* LabMessageRow set */
  gint64 highlighted;
  gint64 pending_sequence;
  guint target;              /* the position being loaded to show */
  guint scroll_tick;         /* keeps the target in view while rows settle */
  guint scroll_frames;
  guint stable_frames;

  GtkStack *stack;
  GtkGridView *list_view;
};

G_DEFINE_FINAL_TYPE (LabChatView, lab_chat_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SESSION_ID,
  PROP_HIGHLIGHTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
row_position (LabMessageRow *row)
{
  LabLazyItem *item = lab_lazy_row_get_item (LAB_LAZY_ROW (row));

  return item ? (gint64) lab_lazy_item_get_position (item) : -1;
}

static void
row_expanded_cb (LabMessageRow *row,
                 GParamSpec    *pspec,
                 LabChatView   *self)
{
  gint64 position = row_position (row);

  if (position < 0)
    return;

  if (lab_message_row_get_expanded (row))
    g_hash_table_add (self->expanded, GUINT_TO_POINTER ((guint) position));
  else
    g_hash_table_remove (self->expanded, GUINT_TO_POINTER ((guint) position));
}

static void
setup_cb (LabChatView              *self,
          GtkListItem              *list_item,
          GtkSignalListItemFactory *factory)
{
  GtkWidget *row = g_object_new (LAB_TYPE_MESSAGE_ROW, NULL);

  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (row_expanded_cb), self, 0);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

static void
bind_cb (LabChatView              *self,
         GtkListItem              *list_item,
         GtkSignalListItemFactory *factory)
{
  LabMessageRow *row = LAB_MESSAGE_ROW (gtk_list_item_get_child (list_item));
  LabLazyItem *item = gtk_list_item_get_item (list_item);
  guint position = lab_lazy_item_get_position (item);

  g_signal_handlers_block_by_func (row, row_expanded_cb, self);
  lab_lazy_row_set_item (LAB_LAZY_ROW (row), item);
  lab_message_row_set_expanded (row, g_hash_table_contains (self->expanded,
                                                            GUINT_TO_POINTER (position)));
  g_signal_handlers_unblock_by_func (row, row_expanded_cb, self);
  lab_message_row_set_highlighted (row, self->highlighted == (gint64) position);

  g_hash_table_add (self->bound_rows, row);
}

static void
unbind_cb (LabChatView              *self,
           GtkListItem              *list_item,
           GtkSignalListItemFactory *factory)
{
  LabMessageRow *row = LAB_MESSAGE_ROW (gtk_list_item_get_child (list_item));

  g_hash_table_remove (self->bound_rows, row);
  lab_message_row_set_highlighted (row, FALSE);
  lab_lazy_row_set_item (LAB_LAZY_ROW (row), NULL);
}

static void
set_highlighted (LabChatView *self,
                 gint64       position)
{
  GHashTableIter iter;
  gpointer key;

  if (self->highlighted == position)
    return;

  self->highlighted = position;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    lab_message_row_set_highlighted (key, row_position (key) == position && position >= 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED]);
}

static void
update_stack (LabChatView *self)
{
  const char *page = "chat";

  if (self->model == NULL)
    page = "none";
  else if (!lab_paged_model_get_loading (LAB_PAGED_MODEL (self->model)) &&
           g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    page = "empty";

  gtk_stack_set_visible_child_name (self->stack, page);
}

static gboolean
target_in_view (LabChatView *self)
{
  GtkWidget *row = lab_chat_view_get_row_for_position (self, self->target);
  graphene_rect_t bounds;

  if (row == NULL || !gtk_widget_get_mapped (row) ||
      !gtk_widget_compute_bounds (row, GTK_WIDGET (self->list_view), &bounds))
    return FALSE;

  return bounds.origin.y >= 0 &&
         bounds.origin.y < gtk_widget_get_height (GTK_WIDGET (self->list_view));
}

/*
 * GtkListView places a row it scrolls to by the estimated heights of the rows
 * before it; as rows around it are read and measured (and while the details
 * flap slides in and the text rewraps), the estimate changes and the row can
 * end up elsewhere. So the scroll is repeated on the next frames until the
 * row has stayed in view for a few of them.
 */
static gboolean
settle_scroll_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  LabChatView *self = user_data;

  if (target_in_view (self))
    self->stable_frames++;
  else
    {
      self->stable_frames = 0;
      gtk_widget_activate_action (widget, "list.scroll-to-item", "u", self->target);
    }

  if (self->stable_frames >= 5 || ++self->scroll_frames > 120)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
scroll_to_target (LabChatView *self)
{
  self->scroll_frames = 0;
  self->stable_frames = 0;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                              self->target);

  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view),
                                                      settle_scroll_cb, self, NULL);
}

static void
stop_scrolling (LabChatView *self)
{
  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_tick);
      self->scroll_tick = 0;
    }
}

static void
message_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LabChatView) self = user_data;
  g_autoptr(GObject) message = NULL;
  g_autoptr(GError) error = NULL;

  message = lab_paged_model_load_finish (LAB_PAGED_MODEL (object), result, &error);
  if (message == NULL || LAB_PAGED_MODEL (object) != LAB_PAGED_MODEL (self->model))
    return;

  set_highlighted (self, self->target);
  scroll_to_target (self);
}

static void
position_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LabChatView) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 position;

  position = lab_store_message_position_finish (LAB_STORE (object), result, &error);
  if (position < 0 || self->model == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }

  /* The row exists for the list view once its page is read; scrolling to a
   * blank row would land wherever its real height puts it. */
  self->target = position;
  lab_paged_model_load_async (LAB_PAGED_MODEL (self->model), position, self->cancellable,
                              message_loaded_cb, g_object_ref (self));
}

static void
start_show_message (LabChatView *self,
                    gint64       sequence)
{
  lab_store_message_position_async (self->store, self->session_id, sequence, self->cancellable,
                                    position_cb, g_object_ref (self));
}

static void
model_loading_cb (LabChatView   *self,
                  GParamSpec    *pspec,
                  LabPagedModel *model)
{
  update_stack (self);

  if (!lab_paged_model_get_loading (model) && self->pending_sequence >= 0)
    {
      gint64 sequence = self->pending_sequence;

      self->pending_sequence = -1;
      start_show_message (self, sequence);
    }
}

static void
clear_model (LabChatView *self)
{
  stop_scrolling (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_loading_cb, self);

  gtk_grid_view_set_model (self->list_view, NULL);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->expanded);
  self->pending_sequence = -1;
  set_highlighted (self, -1);
}

static void
reload (LabChatView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  clear_model (self);

  if (self->store != NULL && self->session_id != NULL)
    {
      self->model = lab_message_model_new (self->store, self->session_id);
      g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (model_loading_cb),
                               self, G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
      gtk_grid_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
    }

  update_stack (self);
}

static void
lab_chat_view_dispose (GObject *object)
{
  LabChatView *self = (LabChatView *) object;
  GtkWidget *child;

  stop_scrolling (self);
  g_cancellable_cancel (self->cancellable);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, model_loading_cb, self);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->bound_rows);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CHAT_VIEW);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_chat_view_parent_class)->dispose (object);
}

static void
lab_chat_view_finalize (GObject *object)
{
  LabChatView *self = (LabChatView *) object;

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->expanded);
  g_hash_table_unref (self->bound_rows);
  g_free (self->session_id);

  G_OBJECT_CLASS (lab_chat_view_parent_class)->finalize (object);
}

static void
lab_chat_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LabChatView *self = LAB_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;
    case PROP_HIGHLIGHTED:
      g_value_set_int64 (value, self->highlighted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chat_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LabChatView *self = LAB_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_chat_view_set_store (self, g_value_get_object (value));
      break;
    case PROP_SESSION_ID:
      lab_chat_view_set_session_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chat_view_class_init (LabChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_chat_view_dispose;
  object_class->finalize = lab_chat_view_finalize;
  object_class->get_property = lab_chat_view_get_property;
  object_class->set_property = lab_chat_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHTED] =
    g_param_spec_int64 ("highlighted", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabChatView, stack);
  gtk_widget_class_bind_template_child (widget_class, LabChatView, list_view);
  gtk_widget_class_bind_template_callback (widget_class, setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_cb);
  gtk_widget_class_set_css_name (widget_class, "labchatview");

  g_type_ensure (LAB_TYPE_MESSAGE_ROW);
}

static void
lab_chat_view_init (LabChatView *self)
{
  self->expanded = g_hash_table_new (NULL, NULL);
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->highlighted = -1;
  self->pending_sequence = -1;

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * lab_chat_view_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_chat_view_get_store (LabChatView *self)
{
  g_return_val_if_fail (LAB_IS_CHAT_VIEW (self), NULL);
  return self->store;
}

void
lab_chat_view_set_store (LabChatView *self,
                         LabStore    *store)
{
  g_return_if_fail (LAB_IS_CHAT_VIEW (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_chat_view_get_session_id:
 *
 * Returns: (nullable): the session shown
 */
const char *
lab_chat_view_get_session_id (LabChatView *self)
{
  g_return_val_if_fail (LAB_IS_CHAT_VIEW (self), NULL);
  return self->session_id;
}

/**
 * lab_chat_view_set_session_id:
 * @session_id: (nullable): a full session id, or %NULL for none
 *
 * Shows that session's chat log from its start.
 */
void
lab_chat_view_set_session_id (LabChatView *self,
                              const char  *session_id)
{
  g_return_if_fail (LAB_IS_CHAT_VIEW (self));

  if (g_strcmp0 (self->session_id, session_id) == 0)
    return;

  g_free (self->session_id);
  self->session_id = g_strdup (session_id);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
}

/**
 * lab_chat_view_get_model:
 *
 * Returns: (transfer none) (nullable): the chat log's model
 */
LabMessageModel *
lab_chat_view_get_model (LabChatView *self)
{
  g_return_val_if_fail (LAB_IS_CHAT_VIEW (self), NULL);
  return self->model;
}

/**
 * lab_chat_view_show_message:
 * @sequence: a message's sequence number in the session shown
 *
 * Scrolls to that message and highlights it.
 */
void
lab_chat_view_show_message (LabChatView *self,
                            gint64       sequence)
{
  g_return_if_fail (LAB_IS_CHAT_VIEW (self));

  if (self->model == NULL)
    return;

  /* A newer request replaces an older one. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (lab_paged_model_get_loading (LAB_PAGED_MODEL (self->model)))
    self->pending_sequence = sequence;
  else
    start_show_message (self, sequence);
}

/**
 * lab_chat_view_get_highlighted:
 *
 * Returns: the position of the highlighted message, or -1
 */
gint64
lab_chat_view_get_highlighted (LabChatView *self)
{
  g_return_val_if_fail (LAB_IS_CHAT_VIEW (self), -1);
  return self->highlighted;
}

/**
 * lab_chat_view_get_row_for_position:
 *
 * Returns: (transfer none) (nullable): the row showing @position, if the
 *   list view has one now
 */
GtkWidget *
lab_chat_view_get_row_for_position (LabChatView *self,
                                    guint        position)
{
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (LAB_IS_CHAT_VIEW (self), NULL);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (row_position (key) == (gint64) position)
        return key;
    }

  return NULL;
}
