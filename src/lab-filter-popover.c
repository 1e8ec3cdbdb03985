/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-filter-popover"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-application.h"
#include "lab-filter-popover.h"
#include "lab-timestamp.h"

/**
 * LabFilterPopover:
 *
 * Sort and filters of the session list, and the role and author filters of
 * search results. The list's choices are kept in GSettings, so they survive a
 * restart; #LabFilterPopover::changed fires once for a burst of changes.
 */
struct _LabFilterPopover
{
  GtkPopover parent_instance;

  GSettings *settings;
  GtkStringList *participants;
  guint changed_idle;
  guint syncing : 1;

  GtkDropDown *sort_dropdown;
  GtkDropDown *status_dropdown;
  GtkDropDown *archived_dropdown;
  GtkSwitch *starred_switch;
  GtkEntry *since_entry;
  GtkEntry *until_entry;
  GtkDropDown *participant_dropdown;
  GtkDropDown *role_dropdown;
  GtkEntry *author_entry;
};

G_DEFINE_FINAL_TYPE (LabFilterPopover, lab_filter_popover, GTK_TYPE_POPOVER)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The rows of the sort drop-down, in order. */
static const struct
{
  LabSessionSort sort;
  const char *key;
  gboolean descending;
} sort_choices[] = {
  { LAB_SESSION_SORT_LAST_ACTIVITY, "last-activity", TRUE },
  { LAB_SESSION_SORT_LAST_ACTIVITY, "last-activity", FALSE },
  { LAB_SESSION_SORT_CREATED, "created", TRUE },
  { LAB_SESSION_SORT_CREATED, "created", FALSE },
  { LAB_SESSION_SORT_TITLE, "title", FALSE },
  { LAB_SESSION_SORT_TITLE, "title", TRUE },
};

/* The rows of the status drop-down after "Any Status". */
static const char * const statuses[] = { "active", "completed", "paused", "failed" };

/* The rows of the role drop-down after "Any Role". */
static const char * const roles[] = {
  "user", "assistant", "system", "tool_call", "tool_result", "thought"
};

static gboolean
emit_changed_cb (gpointer data)
{
  LabFilterPopover *self = data;

  self->changed_idle = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
queue_changed (LabFilterPopover *self)
{
  /* Choosing a sort writes two keys; the list reloads once. */
  if (self->changed_idle == 0)
    self->changed_idle = g_idle_add (emit_changed_cb, self);
}

static guint
participant_index (LabFilterPopover *self,
                   const char       *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));

  for (guint i = 1; i < n; i++)
    {
      if (g_strcmp0 (gtk_string_list_get_string (self->participants, i), name) == 0)
        return i;
    }

  return 0;
}

static gboolean
date_is_valid (const char *text)
{
  gint64 usec;

  return text[0] == '\0' || lab_date_parse_bound (text, FALSE, &usec);
}

static void
sync_entry (GtkEntry   *entry,
            const char *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  /* Leave what is being typed alone while it is not a date yet. */
  if (date_is_valid (text) && g_strcmp0 (text, value) != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), value);
}

static void
sync_widgets (LabFilterPopover *self)
{
  g_autofree char *sort = g_settings_get_string (self->settings, "session-sort");
  g_autofree char *status = g_settings_get_string (self->settings, "session-status");
  g_autofree char *since = g_settings_get_string (self->settings, "session-since");
  g_autofree char *until = g_settings_get_string (self->settings, "session-until");
  g_autofree char *participant = g_settings_get_string (self->settings, "session-participant");
  gboolean descending = g_settings_get_boolean (self->settings, "session-sort-descending");
  guint sort_index = 0;
  guint status_index = 0;
  guint index;

  self->syncing = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (sort_choices); i++)
    {
      if (g_str_equal (sort, sort_choices[i].key) && descending == sort_choices[i].descending)
        sort_index = i;
    }
  gtk_drop_down_set_selected (self->sort_dropdown, sort_index);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      if (g_str_equal (status, statuses[i]))
        status_index = i + 1;
    }
  gtk_drop_down_set_selected (self->status_dropdown, status_index);

  gtk_drop_down_set_selected (self->archived_dropdown,
                              g_settings_get_enum (self->settings, "session-archived"));

  sync_entry (self->since_entry, since);
  sync_entry (self->until_entry, until);

  /* A participant chosen before the list of names arrived stays chosen. */
  index = participant_index (self, participant);
  if (index == 0 && participant[0] != '\0')
    {
      gtk_string_list_append (self->participants, participant);
      index = g_list_model_get_n_items (G_LIST_MODEL (self->participants)) - 1;
    }
  gtk_drop_down_set_selected (self->participant_dropdown, index);

  self->syncing = FALSE;
}

static void
settings_changed_cb (LabFilterPopover *self,
                     const char       *key,
                     GSettings        *settings)
{
  if (!g_str_has_prefix (key, "session-"))
    return;

  sync_widgets (self);
  queue_changed (self);
}

static void
sort_selected_cb (LabFilterPopover *self)
{
  guint index = gtk_drop_down_get_selected (self->sort_dropdown);

  if (self->syncing || index >= G_N_ELEMENTS (sort_choices))
    return;

  g_settings_set_string (self->settings, "session-sort", sort_choices[index].key);
  g_settings_set_boolean (self->settings, "session-sort-descending", sort_choices[index].descending);
}

static void
status_selected_cb (LabFilterPopover *self)
{
  guint index = gtk_drop_down_get_selected (self->status_dropdown);

  if (self->syncing)
    return;

  g_settings_set_string (self->settings, "session-status",
                         index > 0 && index <= G_N_ELEMENTS (statuses) ? statuses[index - 1] : "");
}

static void
archived_selected_cb (LabFilterPopover *self)
{
  guint index = gtk_drop_down_get_selected (self->archived_dropdown);

  if (self->syncing || index == GTK_INVALID_LIST_POSITION)
    return;

  g_settings_set_enum (self->settings, "session-archived", index);
}

static void
participant_selected_cb (LabFilterPopover *self)
{
  guint index = gtk_drop_down_get_selected (self->participant_dropdown);

  if (self->syncing)
    return;

  g_settings_set_string (self->settings, "session-participant",
                         index > 0 && index != GTK_INVALID_LIST_POSITION
                           ? gtk_string_list_get_string (self->participants, index) : "");
}

static void
date_changed_cb (LabFilterPopover *self,
                 GtkEntry         *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  const char *key = entry == self->since_entry ? "session-since" : "session-until";

  if (!date_is_valid (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), _("Type a date such as 2026-03-31"));
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (entry), NULL);

  if (!self->syncing)
    g_settings_set_string (self->settings, key, text);
}

static void
search_filter_changed_cb (LabFilterPopover *self)
{
  queue_changed (self);
}

static void
reset_clicked_cb (LabFilterPopover *self,
                  GtkButton        *button)
{
  lab_filter_popover_reset (self);
}

static void
lab_filter_popover_dispose (GObject *object)
{
  LabFilterPopover *self = (LabFilterPopover *) object;

  g_clear_handle_id (&self->changed_idle, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_FILTER_POPOVER);
  g_clear_object (&self->settings);
  g_clear_object (&self->participants);

  G_OBJECT_CLASS (lab_filter_popover_parent_class)->dispose (object);
}

static void
lab_filter_popover_class_init (LabFilterPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_filter_popover_dispose;

  /**
   * LabFilterPopover::changed:
   *
   * The list's sort or filters, or the search filters, changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-filter-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, archived_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, starred_switch);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, since_entry);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, until_entry);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, participant_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, role_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabFilterPopover, author_entry);
  gtk_widget_class_bind_template_callback (widget_class, date_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
lab_filter_popover_init (LabFilterPopover *self)
{
  const char *anyone[] = { _("Anyone"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->participants = gtk_string_list_new (anyone);
  gtk_drop_down_set_model (self->participant_dropdown, G_LIST_MODEL (self->participants));

  self->settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_bind (self->settings, "session-starred-only", self->starred_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  sync_widgets (self);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected",
                            G_CALLBACK (sort_selected_cb), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected",
                            G_CALLBACK (status_selected_cb), self);
  g_signal_connect_swapped (self->archived_dropdown, "notify::selected",
                            G_CALLBACK (archived_selected_cb), self);
  g_signal_connect_swapped (self->participant_dropdown, "notify::selected",
                            G_CALLBACK (participant_selected_cb), self);
}

/**
 * lab_filter_popover_build_filter:
 *
 * Returns: (transfer full): the session filter and sort chosen
 */
LabSessionFilter *
lab_filter_popover_build_filter (LabFilterPopover *self)
{
  LabSessionFilter *filter;
  g_autofree char *sort = NULL;
  g_autofree char *status = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *participant = NULL;

  g_return_val_if_fail (LAB_IS_FILTER_POPOVER (self), NULL);

  filter = lab_session_filter_new ();

  sort = g_settings_get_string (self->settings, "session-sort");
  lab_session_sort_from_string (sort, &filter->sort);
  filter->descending = g_settings_get_boolean (self->settings, "session-sort-descending");

  status = g_settings_get_string (self->settings, "session-status");
  if (status[0] != '\0')
    filter->status = g_steal_pointer (&status);

  filter->starred = g_settings_get_boolean (self->settings, "session-starred-only") ? 1 : -1;

  /* The enum's order is hide, include, only. */
  switch (g_settings_get_enum (self->settings, "session-archived"))
    {
    case 1:
      filter->archived = -1;
      break;
    case 2:
      filter->archived = 1;
      break;
    default:
      filter->archived = 0;
    }

  since = g_settings_get_string (self->settings, "session-since");
  if (since[0] != '\0' && !lab_date_parse_bound (since, FALSE, &filter->since))
    filter->since = 0;
  until = g_settings_get_string (self->settings, "session-until");
  if (until[0] != '\0' && !lab_date_parse_bound (until, TRUE, &filter->until))
    filter->until = 0;

  participant = g_settings_get_string (self->settings, "session-participant");
  if (participant[0] != '\0')
    filter->participant = g_steal_pointer (&participant);

  return filter;
}

/**
 * lab_filter_popover_get_role:
 *
 * Returns: (nullable): the role search results are limited to
 */
const char *
lab_filter_popover_get_role (LabFilterPopover *self)
{
  guint index;

  g_return_val_if_fail (LAB_IS_FILTER_POPOVER (self), NULL);

  index = gtk_drop_down_get_selected (self->role_dropdown);
  return index > 0 && index <= G_N_ELEMENTS (roles) ? roles[index - 1] : NULL;
}

/**
 * lab_filter_popover_get_author:
 *
 * Returns: (nullable): the author search results are limited to
 */
const char *
lab_filter_popover_get_author (LabFilterPopover *self)
{
  const char *text;

  g_return_val_if_fail (LAB_IS_FILTER_POPOVER (self), NULL);

  text = gtk_editable_get_text (GTK_EDITABLE (self->author_entry));
  return text[0] != '\0' ? text : NULL;
}

/**
 * lab_filter_popover_get_active:
 *
 * Returns: whether any filter (not the sort) narrows the list or the search
 */
gboolean
lab_filter_popover_get_active (LabFilterPopover *self)
{
  g_autoptr(LabSessionFilter) filter = NULL;

  g_return_val_if_fail (LAB_IS_FILTER_POPOVER (self), FALSE);

  filter = lab_filter_popover_build_filter (self);
  return filter->status != NULL || filter->starred >= 0 || filter->archived != 0 ||
         filter->since != 0 || filter->until != 0 || filter->participant != NULL ||
         lab_filter_popover_get_role (self) != NULL || lab_filter_popover_get_author (self) != NULL;
}

/**
 * lab_filter_popover_set_participants:
 * @names: everyone named by a session
 */
void
lab_filter_popover_set_participants (LabFilterPopover   *self,
                                     const char * const *names)
{
  const char *anyone[] = { _("Anyone"), NULL };
  guint n;

  g_return_if_fail (LAB_IS_FILTER_POPOVER (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));
  self->syncing = TRUE;
  gtk_string_list_splice (self->participants, 0, n, anyone);
  gtk_string_list_splice (self->participants, 1, 0, names);
  self->syncing = FALSE;

  sync_widgets (self);
}

/**
 * lab_filter_popover_reset:
 *
 * Back to every session but the archived ones, and every search result.
 */
void
lab_filter_popover_reset (LabFilterPopover *self)
{
  const char * const keys[] = {
    "session-status", "session-starred-only", "session-archived", "session-since",
    "session-until", "session-participant"
  };

  g_return_if_fail (LAB_IS_FILTER_POPOVER (self));

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (self->settings, keys[i]);

  gtk_editable_set_text (GTK_EDITABLE (self->since_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->until_entry), "");
  gtk_drop_down_set_selected (self->role_dropdown, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->author_entry), "");
}
