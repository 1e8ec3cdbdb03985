/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-usage-section"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cleanup-dialog.h"
#include "lab-format.h"
#include "lab-usage-section.h"

/**
 * LabUsageSection:
 *
 * The Data page's "Disk Usage": the chart of where the data folder's space
 * goes, the free space on its disk (a warning when low), then the largest
 * tables and indexes, the largest session folders, the backups, archives and
 * logs; and Clean Up…, which opens #LabCleanupDialog.
 *
 * Measuring walks every file and reads dbstat, seconds on a large store, so
 * it runs in its own thread (lab_usage_compute_async()) when the section is
 * shown and after the store changes; meanwhile the figures cached by the last
 * measurement (data/usage.json) are shown at once.
 */
struct _LabUsageSection
{
  GtkWidget parent_instance;

  LabStore *store;
  LabUsage *usage;
  GCancellable *cancellable;
  gboolean computing;
  gboolean stale;
  GPtrArray *expander_children;   /* (element-type GtkWidget) rows added to expanders */

  LabUsageChart *chart;
  GtkSpinner *spinner;
  AdwActionRow *free_row;
  GtkLabel *free_label;
  AdwExpanderRow *btrees_row;
  AdwExpanderRow *sessions_row;
  AdwActionRow *backups_row;
  GtkLabel *backups_label;
  AdwActionRow *archives_row;
  GtkLabel *archives_label;
  AdwActionRow *logs_row;
  GtkLabel *logs_label;
};

G_DEFINE_FINAL_TYPE (LabUsageSection, lab_usage_section, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COMPUTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How many of the largest tables, indexes and session folders are listed. */
#define TOP_N 10

static GtkWidget *
size_row_new (const char *title,
              const char *subtitle,
              guint64     bytes)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *size_text = g_format_size (bytes);
  GtkWidget *size = gtk_label_new (size_text);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (size, "dim-label");
  gtk_widget_add_css_class (size, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), size);

  return row;
}

static void
clear_expanders (LabUsageSection *self)
{
  for (guint i = 0; i < self->expander_children->len; i++)
    {
      GtkWidget *row = self->expander_children->pdata[i];
      AdwExpanderRow *expander = g_object_get_data (G_OBJECT (row), "expander");

      adw_expander_row_remove (expander, row);
    }
  g_ptr_array_set_size (self->expander_children, 0);
}

static void
add_to_expander (LabUsageSection *self,
                 AdwExpanderRow  *expander,
                 GtkWidget       *row)
{
  g_object_set_data (G_OBJECT (row), "expander", expander);
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (self->expander_children, row);
}

static void
show_category (LabUsageSection  *self,
               LabUsageCategory  category,
               AdwActionRow     *row,
               GtkLabel         *label)
{
  GListModel *categories = lab_usage_get_categories (self->usage);
  g_autoptr(LabUsageItem) item = g_list_model_get_item (categories, category);
  g_autofree char *size = g_format_size (lab_usage_get_category_bytes (self->usage, category));
  guint64 count = item != NULL ? lab_usage_item_get_count (item) : 0;
  g_autofree char *count_text = lab_format_count (count);
  g_autofree char *subtitle = NULL;

  /* Translators: the number of files in a folder */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s file", "%s files", count),
                              count_text);
  adw_action_row_set_subtitle (row, subtitle);
  gtk_label_set_text (label, size);
}

static void
show_usage (LabUsageSection *self)
{
  LabUsage *usage = self->usage;
  GListModel *btrees, *sessions;
  g_autofree char *free_space = NULL;
  g_autofree char *database = NULL;
  g_autofree char *workspace = NULL;

  lab_usage_chart_set_usage (self->chart, usage);
  clear_expanders (self);

  if (usage == NULL)
    return;

  free_space = g_format_size (lab_usage_get_free_space (usage));
  gtk_label_set_text (self->free_label, free_space);
  if (lab_usage_is_space_low (usage))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->free_row), "warning");
      adw_action_row_set_subtitle (self->free_row,
                                   _("The disk is almost full: clean up, or move the data "
                                     "to a larger disk"));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->free_row), "warning");
      adw_action_row_set_subtitle (self->free_row, NULL);
    }

  database = g_format_size (lab_usage_get_category_bytes (usage, LAB_USAGE_DATABASE));
  adw_expander_row_set_subtitle (self->btrees_row, database);
  btrees = lab_usage_get_btrees (usage);
  for (guint i = 0; i < MIN (TOP_N, g_list_model_get_n_items (btrees)); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (btrees, i);
      const char *name = lab_usage_item_get_name (item);
      const char *owner = lab_usage_item_get_owner (item);
      g_autofree char *subtitle = NULL;

      if (owner != NULL && g_strcmp0 (owner, name) != 0)
        /* Translators: an index and the table it belongs to */
        subtitle = g_strdup_printf (_("Index of %s"), owner);
      add_to_expander (self, self->btrees_row,
                       size_row_new (name, subtitle, lab_usage_item_get_bytes (item)));
    }

  workspace = g_format_size (lab_usage_get_category_bytes (usage, LAB_USAGE_WORKSPACE));
  adw_expander_row_set_subtitle (self->sessions_row, workspace);
  sessions = lab_usage_get_sessions (usage);
  for (guint i = 0; i < MIN (TOP_N, g_list_model_get_n_items (sessions)); i++)
    {
      g_autoptr(LabUsageItem) item = g_list_model_get_item (sessions, i);
      const char *label = lab_usage_item_get_label (item);
      guint64 files = lab_usage_item_get_count (item);
      g_autofree char *count = lab_format_count (files);
      g_autofree char *subtitle = NULL;

      /* Translators: a session's id and its number of files */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %s file", "%s, %s files",
                                               files),
                                  lab_usage_item_get_name (item), count);
      add_to_expander (self, self->sessions_row,
                       size_row_new (label != NULL ? label : lab_usage_item_get_name (item),
                                     subtitle, lab_usage_item_get_bytes (item)));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->sessions_row),
                            g_list_model_get_n_items (sessions) > 0);

  show_category (self, LAB_USAGE_BACKUPS, self->backups_row, self->backups_label);
  show_category (self, LAB_USAGE_ARCHIVES, self->archives_row, self->archives_label);
  show_category (self, LAB_USAGE_LOGS, self->logs_row, self->logs_label);
}

static void
set_usage (LabUsageSection *self,
           LabUsage        *usage)
{
  if (g_set_object (&self->usage, usage))
    show_usage (self);
}

static void
set_computing (LabUsageSection *self,
               gboolean         computing)
{
  if (self->computing == computing)
    return;

  self->computing = computing;
  gtk_spinner_set_spinning (self->spinner, computing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "usage.refresh",
                                 !computing && self->store != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPUTING]);
}

static void
compute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabUsageSection) self = user_data;
  g_autoptr(LabUsage) usage = NULL;
  g_autoptr(GError) error = NULL;

  usage = lab_usage_compute_finish (LAB_DATA_DIR (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_computing (self, FALSE);
  if (usage == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not measure the disk usage: %s"),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
      return;
    }

  self->stale = FALSE;
  set_usage (self, usage);
}

static void
load_cached_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  LabUsage *usage = lab_usage_load_cached (task_data, NULL);

  g_task_return_pointer (task, usage, g_object_unref);
}

static void
load_cached_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LabUsage) usage = g_task_propagate_pointer (G_TASK (result), NULL);
  LabUsageSection *self = LAB_USAGE_SECTION (object);

  /* The fresh figures may have come first. */
  if (usage != NULL && self->usage == NULL)
    set_usage (self, usage);
}

/**
 * lab_usage_section_refresh:
 *
 * Measures again, showing the figures of the last measurement meanwhile.
 */
void
lab_usage_section_refresh (LabUsageSection *self)
{
  LabDataDir *dir;

  g_return_if_fail (LAB_IS_USAGE_SECTION (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  dir = lab_store_get_data_dir (self->store);

  if (self->usage == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, load_cached_cb, NULL);

      g_task_set_source_tag (task, lab_usage_section_refresh);
      g_task_set_task_data (task, g_object_ref (dir), g_object_unref);
      g_task_set_return_on_cancel (task, TRUE);
      g_task_run_in_thread (task, load_cached_thread);
    }

  set_computing (self, TRUE);
  lab_usage_compute_async (dir, NULL, self->cancellable, compute_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  lab_usage_section_refresh (LAB_USAGE_SECTION (widget));
}

static void
clean_up_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LabUsageSection *self = LAB_USAGE_SECTION (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  LabCleanupDialog *dialog;

  if (self->store == NULL)
    return;

  dialog = lab_cleanup_dialog_new (self->store);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
store_changed_cb (LabUsageSection *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    lab_usage_section_refresh (self);
  else
    self->stale = TRUE;
}

static void
lab_usage_section_map (GtkWidget *widget)
{
  LabUsageSection *self = LAB_USAGE_SECTION (widget);

  GTK_WIDGET_CLASS (lab_usage_section_parent_class)->map (widget);

  if (self->store != NULL && !self->computing && (self->stale || self->usage == NULL))
    lab_usage_section_refresh (self);
}

static void
lab_usage_section_dispose (GObject *object)
{
  LabUsageSection *self = (LabUsageSection *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->usage);
  g_ptr_array_set_size (self->expander_children, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_USAGE_SECTION);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_usage_section_parent_class)->dispose (object);
}

static void
lab_usage_section_finalize (GObject *object)
{
  LabUsageSection *self = (LabUsageSection *) object;

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->expander_children);

  G_OBJECT_CLASS (lab_usage_section_parent_class)->finalize (object);
}

static void
lab_usage_section_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabUsageSection *self = LAB_USAGE_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_COMPUTING:
      g_value_set_boolean (value, self->computing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_section_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabUsageSection *self = LAB_USAGE_SECTION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_usage_section_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_section_class_init (LabUsageSectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_usage_section_dispose;
  object_class->finalize = lab_usage_section_finalize;
  object_class->get_property = lab_usage_section_get_property;
  object_class->set_property = lab_usage_section_set_property;
  widget_class->map = lab_usage_section_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPUTING] =
    g_param_spec_boolean ("computing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-usage-section.ui");
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, chart);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, spinner);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, free_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, free_label);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, btrees_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, sessions_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, backups_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, backups_label);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, archives_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, archives_label);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, logs_row);
  gtk_widget_class_bind_template_child (widget_class, LabUsageSection, logs_label);

  gtk_widget_class_install_action (widget_class, "usage.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "usage.clean-up", NULL, clean_up_action);

  gtk_widget_class_set_css_name (widget_class, "labusagesection");
  g_type_ensure (LAB_TYPE_USAGE_CHART);
}

static void
lab_usage_section_init (LabUsageSection *self)
{
  self->cancellable = g_cancellable_new ();
  self->expander_children = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "usage.refresh", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "usage.clean-up", FALSE);
}

LabStore *
lab_usage_section_get_store (LabUsageSection *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_SECTION (self), NULL);
  return self->store;
}

/**
 * lab_usage_section_set_store:
 * @store: (nullable): an opened store
 */
void
lab_usage_section_set_store (LabUsageSection *self,
                             LabStore        *store)
{
  g_return_if_fail (LAB_IS_USAGE_SECTION (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (self->store == store)
    return;

  g_cancellable_cancel (self->cancellable);
  set_computing (self, FALSE);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  set_usage (self, NULL);
  self->stale = TRUE;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "usage.refresh", store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "usage.clean-up", store != NULL);

  if (store != NULL)
    {
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        lab_usage_section_refresh (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_usage_section_get_chart:
 *
 * Returns: (transfer none): the chart
 */
LabUsageChart *
lab_usage_section_get_chart (LabUsageSection *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_SECTION (self), NULL);
  return self->chart;
}

/**
 * lab_usage_section_get_computing:
 *
 * Returns: whether it is measuring
 */
gboolean
lab_usage_section_get_computing (LabUsageSection *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_SECTION (self), FALSE);
  return self->computing;
}
