/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-details-pane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lab-details-pane.h"
#include "lab-error.h"
#include "lab-fileutil.h"
#include "lab-format.h"
#include "lab-timestamp.h"

/* Rows of each table shown; the group says how many more there are. */
#define DETAIL_LIMIT 100

/**
 * LabDetailsPane:
 *
 * What a session is besides its chat log: its research question, model,
 * participants, keywords, branch, times, tokens and cost, then its metrics,
 * agent activity, meetings, snapshots and workspace files (read through
 * #LabStore off the main thread). A file opens in the desktop's default
 * application.
 */
struct _LabDetailsPane
{
  GtkWidget parent_instance;

  LabStore *store;
  LabSession *session;
  GSignalGroup *session_signals;
  GCancellable *cancellable;
  GPtrArray *added_rows;     /* (group, row) pairs added for the current session */

  AdwActionRow *question_row;
  AdwActionRow *status_row;
  AdwActionRow *model_row;
  AdwActionRow *participants_row;
  AdwActionRow *keywords_row;
  AdwActionRow *branch_row;
  GtkButton *parent_button;
  AdwActionRow *created_row;
  AdwActionRow *activity_row;
  AdwActionRow *tokens_row;
  AdwActionRow *cost_row;
  AdwActionRow *id_row;
  AdwPreferencesGroup *metrics_group;
  AdwPreferencesGroup *activity_group;
  AdwPreferencesGroup *meetings_group;
  AdwPreferencesGroup *snapshots_group;
  AdwPreferencesGroup *files_group;
};

G_DEFINE_FINAL_TYPE (LabDetailsPane, lab_details_pane, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Imported rows may hold anything; these read a member only if it has the
 * expected type, without the warnings json-glib's accessors give. */
static const char *
member_string (JsonObject *row,
               const char *name)
{
  JsonNode *node = json_object_get_member (row, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
member_double (JsonObject *row,
               const char *name,
               double     *value)
{
  JsonNode *node = json_object_get_member (row, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

static char *
member_time (JsonObject *row,
             const char *name)
{
  gint64 usec;

  if (!lab_timestamp_parse (member_string (row, name), &usec))
    return g_strdup ("");

  return lab_format_date_time (usec);
}

/* "a, b, c" from a JSON array of strings (a member that is one, or text). */
static char *
join_strings (JsonNode *node)
{
  g_autoptr(GString) out = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, json_node_get_string (element));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text && *text ? text : "—");
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  return row;
}

static void
add_row (LabDetailsPane      *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->added_rows, g_object_ref (group));
  g_ptr_array_add (self->added_rows, g_object_ref (row));
}

static void
clear_rows (LabDetailsPane *self)
{
  for (guint i = 0; i + 1 < self->added_rows->len; i += 2)
    adw_preferences_group_remove (g_ptr_array_index (self->added_rows, i),
                                  g_ptr_array_index (self->added_rows, i + 1));
  g_ptr_array_set_size (self->added_rows, 0);

  adw_preferences_group_set_description (self->metrics_group, NULL);
  adw_preferences_group_set_description (self->activity_group, NULL);
  adw_preferences_group_set_description (self->meetings_group, NULL);
  adw_preferences_group_set_description (self->snapshots_group, NULL);
  adw_preferences_group_set_description (self->files_group, NULL);
}

/* "12 recorded", "None recorded", "Showing 100 of 250". */
static void
describe_group (AdwPreferencesGroup *group,
                LabSessionRows      *part)
{
  g_autofree char *description = NULL;
  g_autofree char *total = lab_format_count (part->total);

  if (part->total == 0)
    description = g_strdup (_("None recorded"));
  else if ((gint64) part->rows->len < part->total)
    {
      g_autofree char *shown = lab_format_count (part->rows->len);

      /* Translators: the first rows of a long list are shown */
      description = g_strdup_printf (_("The first %s of %s"), shown, total);
    }
  else
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s recorded", "%s recorded",
                                                part->total), total);

  adw_preferences_group_set_description (group, description);
}

static void
fill_metrics (LabDetailsPane *self,
              LabSessionRows *part)
{
  for (guint i = 0; i < part->rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (part->rows, i);
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *when = member_time (row, "timestamp");
      double value;

      if (member_double (row, "cpu_usage", &value))
        /* Translators: processor use of a metrics reading */
        g_string_append_printf (text, _("CPU %.1f %%"), value);
      if (member_double (row, "memory_usage", &value))
        {
          if (text->len > 0)
            g_string_append (text, " · ");
          /* Translators: memory use of a metrics reading */
          g_string_append_printf (text, _("memory %.1f %%"), value);
        }
      if (member_double (row, "active_agents", &value))
        {
          if (text->len > 0)
            g_string_append (text, " · ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%d agent", "%d agents",
                                                     (gulong) value),
                                  (int) value);
        }

      add_row (self, self->metrics_group, new_row (when, text->str));
    }

  describe_group (self->metrics_group, part);
}

static void
fill_activity (LabDetailsPane *self,
               LabSessionRows *part)
{
  for (guint i = 0; i < part->rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (part->rows, i);
      g_autofree char *when = member_time (row, "timestamp");
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      const char *message = member_string (row, "message");
      const char *status = member_string (row, "status");

      /* Translators: "<agent> — <kind of activity>" */
      title = g_strdup_printf (_("%s — %s"), member_string (row, "agent_id") ?: "",
                               member_string (row, "activity_type") ?: "");
      subtitle = g_strdup_printf ("%s\n%s%s%s", message ? message : "", when,
                                  status && *status ? " · " : "", status ? status : "");
      add_row (self, self->activity_group, new_row (title, subtitle));
    }

  describe_group (self->activity_group, part);
}

static void
fill_meetings (LabDetailsPane *self,
               LabSessionRows *part)
{
  for (guint i = 0; i < part->rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (part->rows, i);
      g_autofree char *when = member_time (row, "timestamp");
      g_autofree char *participants = join_strings (json_object_get_member (row, "participants"));
      g_autofree char *agenda = join_strings (json_object_get_member (row, "agenda"));
      g_autofree char *outcomes = join_strings (json_object_get_member (row, "outcomes"));
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", when, participants);
      const char *topic = member_string (row, "topic");
      const char *transcript = member_string (row, "transcript");
      GtkWidget *expander = adw_expander_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                     topic && *topic ? topic : _("Meeting"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);

      if (*agenda != '\0')
        adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), new_row (_("Agenda"), agenda));
      if (transcript != NULL && *transcript != '\0')
        adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                                  new_row (_("Transcript"), transcript));
      if (*outcomes != '\0')
        adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), new_row (_("Outcomes"), outcomes));

      add_row (self, self->meetings_group, expander);
    }

  describe_group (self->meetings_group, part);
}

static void
fill_snapshots (LabDetailsPane *self,
                LabSessionRows *part)
{
  for (guint i = 0; i < part->rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (part->rows, i);
      g_autofree char *when = member_time (row, "timestamp");
      g_autofree char *size = NULL;
      g_autofree char *subtitle = NULL;
      const char *description = member_string (row, "description");
      const char *type = member_string (row, "type");
      JsonNode *starred = json_object_get_member (row, "starred");
      GtkWidget *widget;
      double bytes = 0;

      member_double (row, "size_bytes", &bytes);
      size = g_format_size ((guint64) MAX (bytes, 0));
      subtitle = g_strdup_printf ("%s · %s · %s", when, type ? type : "", size);
      widget = new_row (description && *description ? description : _("Snapshot"), subtitle);

      if (starred != NULL && JSON_NODE_HOLDS_VALUE (starred) &&
          json_node_get_value_type (starred) == G_TYPE_BOOLEAN && json_node_get_boolean (starred))
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("starred-symbolic");

          gtk_widget_set_tooltip_text (icon, _("Starred: never cleaned up"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (widget), icon);
        }

      add_row (self, self->snapshots_group, widget);
    }

  describe_group (self->snapshots_group, part);
}

static void
fill_files (LabDetailsPane *self,
            LabSessionRows *part)
{
  for (guint i = 0; i < part->rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (part->rows, i);
      g_autofree char *when = member_time (row, "modified_at");
      g_autofree char *size = NULL;
      g_autofree char *subtitle = NULL;
      const char *path = member_string (row, "path");
      GtkWidget *widget;
      GtkWidget *icon;
      double bytes = 0;

      if (path == NULL)
        continue;

      member_double (row, "size", &bytes);
      size = g_format_size ((guint64) MAX (bytes, 0));
      subtitle = g_strdup_printf ("%s · %s", size, when);
      widget = new_row (path, subtitle);

      /* Activating the row opens the file with the desktop's default app. */
      icon = gtk_image_new_from_icon_name ("document-open-symbolic");
      adw_action_row_add_suffix (ADW_ACTION_ROW (widget), icon);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (widget), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (widget), "details.open-file");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (widget), "s", path);
      gtk_widget_set_tooltip_text (widget, _("Open with the default application"));

      add_row (self, self->files_group, widget);
    }

  describe_group (self->files_group, part);
}

static void
details_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabDetailsPane) self = user_data;
  g_autoptr(LabSessionDetails) details = NULL;
  g_autoptr(GError) error = NULL;

  details = lab_store_get_details_finish (LAB_STORE (object), result, &error);
  if (details == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }

  clear_rows (self);
  fill_metrics (self, lab_session_details_get (details, "metrics"));
  fill_activity (self, lab_session_details_get (details, "agent_activity"));
  fill_meetings (self, lab_session_details_get (details, "meetings"));
  fill_snapshots (self, lab_session_details_get (details, "snapshots"));
  fill_files (self, lab_session_details_get (details, "workspace_files"));
}

static void
update_session_rows (LabDetailsPane *self)
{
  LabSession *session = self->session;
  g_autofree char *model = NULL;
  g_autofree char *participants = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *created = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *completion = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *status = NULL;
  const char *parent;

  if (session == NULL)
    return;

  set_subtitle (self->question_row, lab_session_get_research_question (session));

  status = g_strdup_printf ("%s%s", lab_format_status (lab_session_get_status (session)),
                            lab_session_get_archived (session) ? _(", archived") : "");
  set_subtitle (self->status_row, status);

  model = g_strdup_printf ("%s · %s", lab_session_get_model (session),
                           lab_session_get_provider (session));
  set_subtitle (self->model_row, model);

  participants = g_strjoinv (", ", (char **) lab_session_get_participants (session));
  set_subtitle (self->participants_row, participants);
  keywords = g_strjoinv (", ", (char **) lab_session_get_keywords (session));
  set_subtitle (self->keywords_row, keywords);

  parent = lab_session_get_parent_id (session);
  if (parent != NULL)
    {
      if (lab_session_get_branch_point (session) >= 0)
        {
          g_autofree char *point = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    lab_session_get_branch_point (session));

          /* Translators: a branch of a session: its name, the parent's id, the message */
          branch = g_strdup_printf (_("%s, from %s at message %s"),
                                    lab_session_get_branch_name (session), parent, point);
        }
      else
        /* Translators: a branch of a session: its name and the parent's id */
        branch = g_strdup_printf (_("%s, from %s"), lab_session_get_branch_name (session), parent);
    }
  else
    branch = g_strdup (lab_session_get_branch_name (session));
  set_subtitle (self->branch_row, branch);
  gtk_widget_set_visible (GTK_WIDGET (self->parent_button), parent != NULL);

  created = lab_format_date_time (lab_session_get_created_at (session));
  set_subtitle (self->created_row, created);
  activity = lab_format_date_time (lab_session_get_last_activity_at (session));
  set_subtitle (self->activity_row, activity);

  prompt = lab_format_count (lab_session_get_prompt_tokens (session));
  completion = lab_format_count (lab_session_get_completion_tokens (session));
  /* Translators: token counts of a whole session */
  tokens = g_strdup_printf (_("%s prompt · %s completion"), prompt, completion);
  set_subtitle (self->tokens_row, tokens);

  cost = lab_format_cost (lab_session_get_cost (session));
  set_subtitle (self->cost_row, cost);
  set_subtitle (self->id_row, lab_session_get_id (session));
}

static void
reload (LabDetailsPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  clear_rows (self);
  update_session_rows (self);

  if (self->store != NULL && self->session != NULL)
    lab_store_get_details_async (self->store, lab_session_get_id (self->session), DETAIL_LIMIT,
                                 self->cancellable, details_cb, g_object_ref (self));
}

static void
parent_clicked_cb (LabDetailsPane *self,
                   GtkButton      *button)
{
  if (self->session == NULL || lab_session_get_parent_id (self->session) == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-session", "(sx)",
                              lab_session_get_parent_id (self->session), (gint64) -1);
}

static void
copy_id_clicked_cb (LabDetailsPane *self,
                    GtkButton      *button)
{
  if (self->session == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          lab_session_get_id (self->session));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Session id copied"));
}

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabDetailsPane) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the file: %s"), error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
    }
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LabDetailsPane *self = LAB_DETAILS_PANE (widget);
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  if (self->store == NULL || self->session == NULL)
    return;

  /* A path from the database must stay inside the session's folder. */
  folder = lab_data_dir_get_session_workspace (lab_store_get_data_dir (self->store),
                                               lab_session_get_id (self->session));
  path = lab_path_join_safe (folder, g_variant_get_string (parameter, NULL), &error);
  if (path == NULL)
    {
      gtk_widget_activate_action (widget, "win.toast", "s", error->message);
      return;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      gtk_widget_activate_action (widget, "win.toast", "s",
                                  _("The file is not in the session’s folder any more"));
      return;
    }

  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launch_cb, g_object_ref (self));
}

static void
lab_details_pane_dispose (GObject *object)
{
  LabDetailsPane *self = (LabDetailsPane *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_signal_group_set_target (self->session_signals, NULL);
  g_ptr_array_set_size (self->added_rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_DETAILS_PANE);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_details_pane_parent_class)->dispose (object);
}

static void
lab_details_pane_finalize (GObject *object)
{
  LabDetailsPane *self = (LabDetailsPane *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session_signals);
  g_ptr_array_unref (self->added_rows);

  G_OBJECT_CLASS (lab_details_pane_parent_class)->finalize (object);
}

static void
lab_details_pane_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabDetailsPane *self = LAB_DETAILS_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_details_pane_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LabDetailsPane *self = LAB_DETAILS_PANE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_details_pane_set_store (self, g_value_get_object (value));
      break;
    case PROP_SESSION:
      lab_details_pane_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_details_pane_class_init (LabDetailsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_details_pane_dispose;
  object_class->finalize = lab_details_pane_finalize;
  object_class->get_property = lab_details_pane_get_property;
  object_class->set_property = lab_details_pane_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, LAB_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-details-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, question_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, status_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, model_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, participants_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, keywords_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, branch_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, parent_button);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, created_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, activity_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, tokens_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, cost_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, id_row);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, metrics_group);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, activity_group);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, meetings_group);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, snapshots_group);
  gtk_widget_class_bind_template_child (widget_class, LabDetailsPane, files_group);
  gtk_widget_class_bind_template_callback (widget_class, parent_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_id_clicked_cb);

  gtk_widget_class_install_action (widget_class, "details.open-file", "s", open_file_action);
  gtk_widget_class_set_css_name (widget_class, "labdetailspane");
}

static void
lab_details_pane_init (LabDetailsPane *self)
{
  self->added_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (LAB_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::archived",
                                  G_CALLBACK (update_session_rows), self);
}

/**
 * lab_details_pane_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_details_pane_get_store (LabDetailsPane *self)
{
  g_return_val_if_fail (LAB_IS_DETAILS_PANE (self), NULL);
  return self->store;
}

void
lab_details_pane_set_store (LabDetailsPane *self,
                            LabStore       *store)
{
  g_return_if_fail (LAB_IS_DETAILS_PANE (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_details_pane_get_session:
 *
 * Returns: (transfer none) (nullable): the session shown
 */
LabSession *
lab_details_pane_get_session (LabDetailsPane *self)
{
  g_return_val_if_fail (LAB_IS_DETAILS_PANE (self), NULL);
  return self->session;
}

void
lab_details_pane_set_session (LabDetailsPane *self,
                              LabSession     *session)
{
  g_return_if_fail (LAB_IS_DETAILS_PANE (self));
  g_return_if_fail (!session || LAB_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
