/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-message-row"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lab-format.h"
#include "lab-message.h"
#include "lab-message-row.h"

/**
 * LabMessageRow:
 *
 * One message of a chat log: author, role, time, token counts and content,
 * selectable, with a copy button. Tool calls and tool results show their
 * JSON indented in a collapsed expander; very long messages show their start
 * and a "Show All" button. #LabMessageRow:expanded is the state of either,
 * so that the chat view can remember it per message while rows are recycled.
 */
struct _LabMessageRow
{
  LabLazyRow parent_instance;

  char *role_class;

  GtkLabel *author_label;
  GtkLabel *role_label;
  GtkLabel *time_label;
  GtkLabel *tokens_label;
  GtkButton *copy_button;
  GtkLabel *content_label;
  GtkButton *more_button;
  GtkExpander *json_expander;
  GtkLabel *json_summary_label;
  GtkLabel *json_label;

  guint expanded : 1;
  guint highlighted : 1;
  guint updating : 1;
};

G_DEFINE_FINAL_TYPE (LabMessageRow, lab_message_row, LAB_TYPE_LAZY_ROW)

enum {
  PROP_0,
  PROP_EXPANDED,
  PROP_HIGHLIGHTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static LabMessage *
get_message (LabMessageRow *self)
{
  return lab_lazy_row_get_object (LAB_LAZY_ROW (self));
}

/* "plot, search" from a tool_calls array of {function: {name}} objects. */
static char *
tool_call_names (const char *tool_calls)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, tool_calls, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
    {
      JsonNode *call = json_array_get_element (json_node_get_array (root), i);
      JsonNode *function;
      JsonNode *name_node;

      if (!JSON_NODE_HOLDS_OBJECT (call))
        continue;
      function = json_object_get_member (json_node_get_object (call), "function");
      if (function == NULL || !JSON_NODE_HOLDS_OBJECT (function))
        continue;
      /* Imported data may hold anything: no accessor that warns on a type. */
      name_node = json_object_get_member (json_node_get_object (function), "name");
      if (name_node != NULL && JSON_NODE_HOLDS_VALUE (name_node) &&
          json_node_get_value_type (name_node) == G_TYPE_STRING)
        g_strv_builder_add (names, json_node_get_string (name_node));
    }

  strv = g_strv_builder_end (names);
  return strv[0] ? g_strjoinv (", ", strv) : NULL;
}

static void
set_role_class (LabMessageRow *self,
                const char    *role)
{
  if (self->role_class != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), self->role_class);
      g_clear_pointer (&self->role_class, g_free);
    }

  if (role != NULL)
    {
      g_autofree char *canonical = g_strdup (role);

      g_strcanon (canonical, "abcdefghijklmnopqrstuvwxyz_", '_');
      self->role_class = g_strconcat ("role-", canonical, NULL);
      gtk_widget_add_css_class (GTK_WIDGET (self), self->role_class);
    }
}

static void
show_content (LabMessageRow *self,
              const char    *content)
{
  glong length = g_utf8_strlen (content, -1);

  if (length <= LAB_MESSAGE_ROW_FOLD_CHARS)
    {
      gtk_label_set_text (self->content_label, content);
      gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
      return;
    }

  if (self->expanded)
    {
      gtk_label_set_text (self->content_label, content);
      gtk_button_set_label (self->more_button, _("Show Less"));
    }
  else
    {
      g_autofree char *start = g_utf8_substring (content, 0, LAB_MESSAGE_ROW_FOLD_CHARS);
      g_autofree char *shown = g_strconcat (start, "…", NULL);
      g_autofree char *count = lab_format_count (length);
      g_autofree char *label = NULL;

      gtk_label_set_text (self->content_label, shown);
      /* Translators: the button under a long message; %s is its length */
      label = g_strdup_printf (_("Show All (%s characters)"), count);
      gtk_button_set_label (self->more_button, label);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->more_button), TRUE);
}

static void
update (LabLazyRow *row)
{
  LabMessageRow *self = LAB_MESSAGE_ROW (row);
  LabMessage *message = get_message (self);
  g_autofree char *time = NULL;
  g_autofree char *date = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *summary = NULL;
  const char *content;
  const char *author;
  const char *role;
  const char *tool_calls;
  gint64 prompt, completion;

  self->updating = TRUE;

  if (message == NULL)
    {
      set_role_class (self, NULL);
      gtk_label_set_text (self->author_label, " ");
      gtk_widget_set_visible (GTK_WIDGET (self->role_label), FALSE);
      gtk_label_set_text (self->time_label, "");
      gtk_label_set_text (self->tokens_label, "");
      gtk_label_set_text (self->content_label, " ");
      gtk_widget_set_visible (GTK_WIDGET (self->content_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->json_expander), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
      self->updating = FALSE;
      return;
    }

  role = lab_message_get_role (message);
  author = lab_message_get_author (message);
  content = lab_message_get_content (message);
  tool_calls = lab_message_get_tool_calls (message);
  content = content ? content : "";

  set_role_class (self, role);
  gtk_label_set_text (self->author_label, author && *author ? author : lab_format_role (role));
  gtk_label_set_text (self->role_label, lab_format_role (role));
  gtk_widget_set_visible (GTK_WIDGET (self->role_label), TRUE);

  time = lab_format_time (lab_message_get_created_at (message));
  date = lab_format_date_time (lab_message_get_created_at (message));
  gtk_label_set_text (self->time_label, time);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->time_label), date);

  prompt = lab_message_get_prompt_tokens (message);
  completion = lab_message_get_completion_tokens (message);
  if (prompt > 0 || completion > 0)
    {
      g_autofree char *in = lab_format_count (prompt);
      g_autofree char *out = lab_format_count (completion);
      /* Translators: prompt tokens → completion tokens of one message */
      g_autofree char *tokens = g_strdup_printf (_("%s → %s tokens"), in, out);

      gtk_label_set_text (self->tokens_label, tokens);
    }
  else
    gtk_label_set_text (self->tokens_label, "");

  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);

  if (tool_calls != NULL && *tool_calls != '\0' && (pretty = lab_format_json (tool_calls)))
    {
      g_autofree char *names = tool_call_names (tool_calls);

      /* The call's text stays in view; its arguments fold away. */
      gtk_widget_set_visible (GTK_WIDGET (self->content_label), *content != '\0');
      show_content (self, content);
      /* Translators: the folded tool calls of a message; %s names the tools */
      summary = g_strdup_printf (_("Tool call: %s"), names ? names : _("arguments"));
    }
  else if (g_strcmp0 (role, "tool_result") == 0 && (pretty = lab_format_json (content)))
    {
      g_autofree char *line = lab_format_first_line (content, 120);

      gtk_widget_set_visible (GTK_WIDGET (self->content_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->more_button), FALSE);
      summary = g_steal_pointer (&line);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->content_label), TRUE);
      show_content (self, content);
    }

  if (pretty != NULL)
    {
      gtk_label_set_text (self->json_summary_label, summary);
      gtk_label_set_text (self->json_label, pretty);
      gtk_expander_set_expanded (self->json_expander, self->expanded);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->json_expander), pretty != NULL);

  self->updating = FALSE;
}

static void
set_expanded (LabMessageRow *self,
              gboolean       expanded,
              gboolean       refresh)
{
  expanded = !!expanded;
  if (self->expanded == (guint) expanded)
    return;

  self->expanded = expanded;
  if (refresh)
    update (LAB_LAZY_ROW (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPANDED]);
}

static void
more_clicked_cb (LabMessageRow *self,
                 GtkButton     *button)
{
  set_expanded (self, !self->expanded, TRUE);
}

static void
expander_notify_cb (LabMessageRow *self,
                    GParamSpec    *pspec,
                    GtkExpander   *expander)
{
  if (self->updating)
    return;

  set_expanded (self, gtk_expander_get_expanded (expander), FALSE);
}

static void
copy_clicked_cb (LabMessageRow *self,
                 GtkButton     *button)
{
  LabMessage *message = get_message (self);
  g_autofree char *text = NULL;
  const char *tool_calls;

  if (message == NULL)
    return;

  /* What was said, and for a tool call also what it was called with. */
  tool_calls = lab_message_get_tool_calls (message);
  if (tool_calls != NULL && *tool_calls != '\0')
    text = g_strconcat (lab_message_get_content (message), "\n", tool_calls, NULL);
  else
    text = g_strdup (lab_message_get_content (message));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Message copied"));
}

static void
lab_message_row_dispose (GObject *object)
{
  LabMessageRow *self = (LabMessageRow *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_MESSAGE_ROW);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_message_row_parent_class)->dispose (object);
}

static void
lab_message_row_finalize (GObject *object)
{
  LabMessageRow *self = (LabMessageRow *) object;

  g_free (self->role_class);

  G_OBJECT_CLASS (lab_message_row_parent_class)->finalize (object);
}

static void
lab_message_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabMessageRow *self = LAB_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      g_value_set_boolean (value, self->expanded);
      break;
    case PROP_HIGHLIGHTED:
      g_value_set_boolean (value, self->highlighted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_message_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabMessageRow *self = LAB_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_EXPANDED:
      lab_message_row_set_expanded (self, g_value_get_boolean (value));
      break;
    case PROP_HIGHLIGHTED:
      lab_message_row_set_highlighted (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_message_row_class_init (LabMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_message_row_dispose;
  object_class->finalize = lab_message_row_finalize;
  object_class->get_property = lab_message_row_get_property;
  object_class->set_property = lab_message_row_set_property;
  LAB_LAZY_ROW_CLASS (klass)->update = update;

  properties[PROP_EXPANDED] =
    g_param_spec_boolean ("expanded", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HIGHLIGHTED] =
    g_param_spec_boolean ("highlighted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, role_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, tokens_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, content_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, more_button);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, json_expander);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, json_summary_label);
  gtk_widget_class_bind_template_child (widget_class, LabMessageRow, json_label);
  gtk_widget_class_bind_template_callback (widget_class, more_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, expander_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "labmessagerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lab_message_row_init (LabMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update (LAB_LAZY_ROW (self));
}

gboolean
lab_message_row_get_expanded (LabMessageRow *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_ROW (self), FALSE);
  return self->expanded;
}

void
lab_message_row_set_expanded (LabMessageRow *self,
                              gboolean       expanded)
{
  g_return_if_fail (LAB_IS_MESSAGE_ROW (self));

  set_expanded (self, expanded, TRUE);
}

gboolean
lab_message_row_get_highlighted (LabMessageRow *self)
{
  g_return_val_if_fail (LAB_IS_MESSAGE_ROW (self), FALSE);
  return self->highlighted;
}

void
lab_message_row_set_highlighted (LabMessageRow *self,
                                 gboolean       highlighted)
{
  g_return_if_fail (LAB_IS_MESSAGE_ROW (self));

  highlighted = !!highlighted;
  if (self->highlighted == (guint) highlighted)
    return;

  self->highlighted = highlighted;
  if (highlighted)
    gtk_widget_add_css_class (GTK_WIDGET (self), "highlighted");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "highlighted");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGHLIGHTED]);
}
