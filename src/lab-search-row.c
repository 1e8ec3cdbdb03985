/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-search-row"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lab-format.h"
#include "lab-search.h"
#include "lab-search-header.h"
#include "lab-search-row.h"

/**
 * LabSearchRow:
 *
 * A row of the search results: a group heading (#LabSearchHeader: the
 * matching sessions, or one session whose messages matched), or a hit
 * (#LabSearchHit) with its snippet, the matched words in bold.
 */
struct _LabSearchRow
{
  GtkWidget parent_instance;

  GObject *item;
  GSignalGroup *header_signals;

  GtkStack *stack;
  GtkLabel *header_label;
  GtkLabel *count_label;
  GtkLabel *role_label;
  GtkLabel *author_label;
  GtkLabel *time_label;
  GtkLabel *snippet_label;
};

G_DEFINE_FINAL_TYPE (LabSearchRow, lab_search_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_count (LabSearchRow *self)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (!LAB_IS_SEARCH_HEADER (self->item))
    return;

  n = lab_search_header_get_n_hits (LAB_SEARCH_HEADER (self->item));
  count = lab_format_count (n);
  if (lab_search_header_get_session_id (LAB_SEARCH_HEADER (self->item)) == NULL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s session", "%s sessions", n), count);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s match", "%s matches", n), count);
  gtk_label_set_text (self->count_label, text);
}

/* Characters kept before the first matched word, so that on one line the
 * match is in sight. */
#define CONTEXT_CHARS 24

/* The snippet from a little before its first match, "…" marking the cut. */
static char *
trim_snippet (const char *snippet)
{
  const char *mark = strchr (snippet ? snippet : "", LAB_SNIPPET_OPEN[0]);
  const char *start;
  const char *space;
  glong before;

  if (mark == NULL)
    return g_strdup (snippet ? snippet : "");

  before = g_utf8_strlen (snippet, mark - snippet);
  if (before <= CONTEXT_CHARS)
    return g_strdup (snippet);

  /* Cut where a word starts, not inside one. */
  start = g_utf8_offset_to_pointer (snippet, before - CONTEXT_CHARS);
  space = strchr (start, ' ');
  if (space != NULL && space < mark)
    start = space + 1;

  return g_strconcat ("…", start, NULL);
}

static void
update (LabSearchRow *self)
{
  g_signal_group_set_target (self->header_signals,
                             LAB_IS_SEARCH_HEADER (self->item) ? self->item : NULL);

  if (LAB_IS_SEARCH_HEADER (self->item))
    {
      gtk_stack_set_visible_child_name (self->stack, "header");
      gtk_label_set_text (self->header_label,
                          lab_search_header_get_title (LAB_SEARCH_HEADER (self->item)));
      update_count (self);
    }
  else if (LAB_IS_SEARCH_HIT (self->item))
    {
      LabSearchHit *hit = LAB_SEARCH_HIT (self->item);
      g_autofree char *trimmed = trim_snippet (lab_search_hit_get_snippet (hit));
      g_autofree char *markup = lab_snippet_to_markup (trimmed);
      g_autofree char *plain = lab_snippet_replace_marks (lab_search_hit_get_snippet (hit), "", "");
      g_autofree char *when = lab_format_relative_time (lab_search_hit_get_created_at (hit),
                                                        g_get_real_time ());

      gtk_stack_set_visible_child_name (self->stack, "hit");
      gtk_label_set_markup (self->snippet_label, markup);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->snippet_label), plain);
      gtk_label_set_text (self->time_label, when);

      if (lab_search_hit_get_kind (hit) == LAB_SEARCH_HIT_SESSION)
        {
          const char *title = lab_search_hit_get_session_title (hit);

          gtk_label_set_text (self->role_label, _("Session"));
          gtk_label_set_text (self->author_label, title && *title ? title : _("Untitled Session"));
        }
      else
        {
          const char *author = lab_search_hit_get_author (hit);

          gtk_label_set_text (self->role_label, lab_format_role (lab_search_hit_get_role (hit)));
          gtk_label_set_text (self->author_label, author ? author : "");
        }
    }
}

static void
lab_search_row_dispose (GObject *object)
{
  LabSearchRow *self = (LabSearchRow *) object;
  GtkWidget *child;

  g_signal_group_set_target (self->header_signals, NULL);
  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SEARCH_ROW);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_search_row_parent_class)->dispose (object);
}

static void
lab_search_row_finalize (GObject *object)
{
  LabSearchRow *self = (LabSearchRow *) object;

  g_clear_object (&self->header_signals);

  G_OBJECT_CLASS (lab_search_row_parent_class)->finalize (object);
}

static void
lab_search_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LabSearchRow *self = LAB_SEARCH_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LabSearchRow *self = LAB_SEARCH_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      lab_search_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_search_row_class_init (LabSearchRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_search_row_dispose;
  object_class->finalize = lab_search_row_finalize;
  object_class->get_property = lab_search_row_get_property;
  object_class->set_property = lab_search_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-search-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, stack);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, header_label);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, role_label);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, LabSearchRow, snippet_label);
  gtk_widget_class_set_css_name (widget_class, "labsearchrow");
}

static void
lab_search_row_init (LabSearchRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->header_signals = g_signal_group_new (LAB_TYPE_SEARCH_HEADER);
  g_signal_group_connect_swapped (self->header_signals, "notify::n-hits",
                                  G_CALLBACK (update_count), self);
}

/**
 * lab_search_row_get_item:
 *
 * Returns: (transfer none) (nullable): a #LabSearchHeader or a #LabSearchHit
 */
GObject *
lab_search_row_get_item (LabSearchRow *self)
{
  g_return_val_if_fail (LAB_IS_SEARCH_ROW (self), NULL);
  return self->item;
}

void
lab_search_row_set_item (LabSearchRow *self,
                         GObject      *item)
{
  g_return_if_fail (LAB_IS_SEARCH_ROW (self));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
