/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-store-summary"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-schema.h"
#include "lab-store-summary.h"

/**
 * LabStoreSummary:
 *
 * The first section of the Data page: where the store is, its schema
 * version, how much disk each part takes and how many rows each table has.
 * It is collected in its own thread (lab_store_collect_info_async()), again
 * when the store changes, when the page is shown and on "Refresh".
 */
struct _LabStoreSummary
{
  GtkWidget parent_instance;

  LabStore *store;
  LabStoreInfo *info;
  GCancellable *cancellable;
  GHashTable *values;   /* key → GtkLabel */
  gint64 collected_at;

  AdwPreferencesGroup *storage_group;
  AdwPreferencesGroup *contents_group;
  AdwActionRow *folder_row;
  GtkSpinner *spinner;
  GtkButton *refresh_button;
};

G_DEFINE_FINAL_TYPE (LabStoreSummary, lab_store_summary, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  SIGNAL_UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Shown again when the page is shown after this long. */
#define STALE_USEC (10 * G_USEC_PER_SEC)

static const struct
{
  const char *key;
  const char *title;
} storage_rows[] = {
  { "schema", N_("Schema Version") },
  { "database", N_("Database") },
  { "wal", N_("Write-Ahead Log") },
  { "free", N_("Reclaimable Space") },
  { "workspace", N_("Workspace Files") },
  { "backups", N_("Backups") },
  { "archives", N_("Archives") },
  { "logs", N_("Logs") },
  { "total", N_("Total") },
};

static const struct
{
  const char *table;
  const char *title;
} table_titles[] = {
  { "sessions", N_("Sessions") },
  { "messages", N_("Messages") },
  { "metrics", N_("Metrics") },
  { "agent_activity", N_("Agent Activity") },
  { "meetings", N_("Meetings") },
  { "snapshots", N_("Snapshots") },
  { "analytics", N_("Analytics Events") },
  { "workspace_files", N_("Workspace Files") },
  { "brains", N_("Agent Brains") },
};

static const char *
table_title (const char *table)
{
  for (guint i = 0; i < G_N_ELEMENTS (table_titles); i++)
    {
      if (g_str_equal (table, table_titles[i].table))
        return _(table_titles[i].title);
    }

  return table;
}

static void
add_value_row (LabStoreSummary     *self,
               AdwPreferencesGroup *group,
               const char          *key,
               const char          *title)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new ("…");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);

  g_hash_table_insert (self->values, g_strdup (key), label);
}

static void
set_value (LabStoreSummary *self,
           const char      *key,
           const char      *text)
{
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  if (label != NULL)
    gtk_label_set_text (label, text);
}

static void
set_size (LabStoreSummary *self,
          const char      *key,
          guint64          size)
{
  g_autofree char *text = g_format_size (size);

  set_value (self, key, text);
}

static void
show_info (LabStoreSummary *self)
{
  LabStoreInfo *info = self->info;
  g_autofree char *schema = NULL;
  g_autofree char *files = NULL;
  g_autofree char *count = NULL;
  g_autofree char *workspace_size = NULL;

  if (info == NULL)
    return;

  adw_action_row_set_subtitle (self->folder_row, info->root);

  schema = g_strdup_printf ("%d", info->schema_version);
  set_value (self, "schema", schema);
  set_size (self, "database", info->db_size);
  set_size (self, "wal", info->wal_size);
  set_size (self, "free", info->free_pages * info->page_size);

  count = lab_format_count (info->workspace_files);
  workspace_size = g_format_size (info->workspace_size);
  /* Translators: the size of the workspace folder and its number of files */
  files = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s in %s file", "%s in %s files",
                                        info->workspace_files),
                           workspace_size, count);
  set_value (self, "workspace", files);
  set_size (self, "backups", info->backups_size);
  set_size (self, "archives", info->archives_size);
  set_size (self, "logs", info->logs_size);
  set_size (self, "total", lab_store_info_total_size (info));

  for (guint i = 0; i < info->counts->len; i++)
    {
      LabTableCount *table = &g_array_index (info->counts, LabTableCount, i);
      g_autofree char *rows = lab_format_count (table->rows);

      set_value (self, table->table, rows);
    }
}

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LabStoreSummary) self = user_data;
  g_autoptr(LabStoreInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = lab_store_collect_info_finish (LAB_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);

  if (info == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }

  g_clear_pointer (&self->info, lab_store_info_free);
  self->info = g_steal_pointer (&info);
  self->collected_at = g_get_monotonic_time ();
  show_info (self);
  g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
}

static void
refresh_clicked_cb (LabStoreSummary *self,
                    GtkButton       *button)
{
  lab_store_summary_refresh (self);
}

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LabStoreSummary) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the folder: %s"),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
    }
}

static void
open_folder_clicked_cb (LabStoreSummary *self,
                        GtkButton       *button)
{
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (self->store == NULL)
    return;

  folder = g_file_new_for_path (lab_data_dir_get_root (lab_store_get_data_dir (self->store)));
  uri = g_file_get_uri (folder);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
    gtk_widget_get_display (GTK_WIDGET (self))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launch_cb, g_object_ref (self));
}

static void
store_changed_cb (LabStoreSummary *self,
                  LabStore        *store)
{
  /* Shown figures are refreshed now; hidden ones when they are shown. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    lab_store_summary_refresh (self);
  else
    self->collected_at = 0;
}

static void
lab_store_summary_map (GtkWidget *widget)
{
  LabStoreSummary *self = LAB_STORE_SUMMARY (widget);

  GTK_WIDGET_CLASS (lab_store_summary_parent_class)->map (widget);

  /* Sizes change while the app runs (the WAL, backups): look again when the
   * page is shown, unless the numbers are fresh. */
  if (self->store != NULL && !gtk_spinner_get_spinning (self->spinner) &&
      (self->collected_at == 0 || g_get_monotonic_time () - self->collected_at > STALE_USEC))
    lab_store_summary_refresh (self);
}

static void
lab_store_summary_dispose (GObject *object)
{
  LabStoreSummary *self = (LabStoreSummary *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_STORE_SUMMARY);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_store_summary_parent_class)->dispose (object);
}

static void
lab_store_summary_finalize (GObject *object)
{
  LabStoreSummary *self = (LabStoreSummary *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->info, lab_store_info_free);
  g_hash_table_unref (self->values);

  G_OBJECT_CLASS (lab_store_summary_parent_class)->finalize (object);
}

static void
lab_store_summary_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LabStoreSummary *self = LAB_STORE_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_store_summary_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LabStoreSummary *self = LAB_STORE_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lab_store_summary_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_store_summary_class_init (LabStoreSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_store_summary_dispose;
  object_class->finalize = lab_store_summary_finalize;
  object_class->get_property = lab_store_summary_get_property;
  object_class->set_property = lab_store_summary_set_property;
  widget_class->map = lab_store_summary_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LAB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabStoreSummary::updated:
   *
   * New figures are shown.
   */
  signals[SIGNAL_UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-store-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, LabStoreSummary, storage_group);
  gtk_widget_class_bind_template_child (widget_class, LabStoreSummary, contents_group);
  gtk_widget_class_bind_template_child (widget_class, LabStoreSummary, folder_row);
  gtk_widget_class_bind_template_child (widget_class, LabStoreSummary, spinner);
  gtk_widget_class_bind_template_child (widget_class, LabStoreSummary, refresh_button);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_folder_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "labstoresummary");
}

static void
lab_store_summary_init (LabStoreSummary *self)
{
  const LabTableInfo *tables;
  guint n_tables;

  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (storage_rows); i++)
    add_value_row (self, self->storage_group, storage_rows[i].key, _(storage_rows[i].title));

  tables = lab_schema_get_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    add_value_row (self, self->contents_group, tables[i].name, table_title (tables[i].name));
}

/**
 * lab_store_summary_get_store:
 *
 * Returns: (transfer none) (nullable): the store
 */
LabStore *
lab_store_summary_get_store (LabStoreSummary *self)
{
  g_return_val_if_fail (LAB_IS_STORE_SUMMARY (self), NULL);
  return self->store;
}

void
lab_store_summary_set_store (LabStoreSummary *self,
                             LabStore        *store)
{
  g_return_if_fail (LAB_IS_STORE_SUMMARY (self));
  g_return_if_fail (!store || LAB_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  if (!g_set_object (&self->store, store))
    return;

  g_clear_pointer (&self->info, lab_store_info_free);
  self->collected_at = 0;

  if (store != NULL)
    {
      adw_action_row_set_subtitle (self->folder_row,
                                   lab_data_dir_get_root (lab_store_get_data_dir (store)));
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      /* Collecting walks the workspace and counts every table, a second of
       * work on a large store: only when the page is on screen, so that it
       * never slows the start. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        lab_store_summary_refresh (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * lab_store_summary_refresh:
 *
 * Collects the figures again.
 */
void
lab_store_summary_refresh (LabStoreSummary *self)
{
  g_return_if_fail (LAB_IS_STORE_SUMMARY (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_spinner_start (self->spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  lab_store_collect_info_async (self->store, self->cancellable, collect_cb, g_object_ref (self));
}

/**
 * lab_store_summary_get_info:
 *
 * Returns: (transfer none) (nullable): the figures shown, once collected
 */
LabStoreInfo *
lab_store_summary_get_info (LabStoreSummary *self)
{
  g_return_val_if_fail (LAB_IS_STORE_SUMMARY (self), NULL);
  return self->info;
}
