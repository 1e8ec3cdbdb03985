/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cleanup-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-cleanup-dialog.h"
#include "lab-format.h"

/**
 * LabCleanupDialog:
 *
 * "Clean Up…": the dry run of the retention policies (lab_cleanup_plan()),
 * category by category, each with a check button to include it, its item
 * count and bytes, and the items themselves in an expander; the total
 * reclaimed; an override of the periods for this clean-up; and Clean Up,
 * which applies exactly the plan shown (backup first, one transaction,
 * compacting after) with progress. The result goes to the window as a toast,
 * the store's lists reload, and the dialog plans again.
 */
struct _LabCleanupDialog
{
  AdwWindow parent_instance;

  LabStore *store;
  LabCleanupPlan *plan;
  LabProgress *progress;
  GCancellable *cancellable;
  gboolean busy;
  gboolean applying;
  guint64 reclaimed;
  guint left_out;        /* mask of 1 << category unticked, kept across plans */
  GtkWidget *category_rows[LAB_CLEANUP_N_CATEGORIES];  /* AdwExpanderRow */
  GtkWidget *category_checks[LAB_CLEANUP_N_CATEGORIES];
  guint n_listed[LAB_CLEANUP_N_CATEGORIES];

  GtkStack *stack;
  GtkLabel *total_label;
  GtkSwitch *override_switch;
  GtkSpinButton *days_spin;
  AdwPreferencesGroup *categories_group;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (LabCleanupDialog, lab_cleanup_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Items listed per category; the rest are counted in one row. */
#define MAX_LISTED 100

static void plan (LabCleanupDialog *self);

static void
set_busy (LabCleanupDialog *self,
          gboolean          busy,
          gboolean          applying)
{
  self->applying = applying;
  if (self->busy != busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cleanup.apply",
                                 !busy && self->plan != NULL &&
                                 lab_cleanup_plan_get_n_included (self->plan) > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->override_switch), !busy);
}

static void
update_totals (LabCleanupDialog *self)
{
  g_autofree char *total = NULL;

  if (self->plan == NULL)
    return;

  total = g_format_size (lab_cleanup_plan_get_total_bytes (self->plan));
  gtk_label_set_text (self->total_label, total);
  set_busy (self, self->busy, self->applying);
}

static void
check_toggled_cb (GtkCheckButton   *check,
                  LabCleanupDialog *self)
{
  guint category = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "category"));

  if (self->plan == NULL)
    return;

  lab_cleanup_plan_set_included (self->plan, category, gtk_check_button_get_active (check));
  if (gtk_check_button_get_active (check))
    self->left_out &= ~(1u << category);
  else
    self->left_out |= 1u << category;
  update_totals (self);
}

static GtkWidget *
item_row_new (LabCleanupItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *size_text = g_format_size (lab_cleanup_item_get_bytes (item));
  g_autofree char *when = lab_format_date_time (lab_cleanup_item_get_time (item));
  const char *subtitle = lab_cleanup_item_get_subtitle (item);
  g_autofree char *full_subtitle = NULL;
  GtkWidget *size = gtk_label_new (size_text);

  if (subtitle != NULL && subtitle[0] != '\0' && when[0] != '\0')
    /* Translators: an item's description and its date */
    full_subtitle = g_strdup_printf (_("%s · %s"), subtitle, when);
  else
    full_subtitle = g_strdup (subtitle != NULL && subtitle[0] != '\0' ? subtitle : when);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), lab_cleanup_item_get_title (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), full_subtitle);
  gtk_widget_add_css_class (size, "dim-label");
  gtk_widget_add_css_class (size, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), size);

  return row;
}

static void
show_plan (LabCleanupDialog *self)
{
  GListModel *items = lab_cleanup_plan_get_items (self->plan);
  guint n_items = g_list_model_get_n_items (items);

  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      if (self->category_rows[c] != NULL)
        adw_preferences_group_remove (self->categories_group, self->category_rows[c]);
      self->category_rows[c] = NULL;
      self->category_checks[c] = NULL;
      self->n_listed[c] = 0;
    }

  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      guint count = lab_cleanup_plan_get_category_count (self->plan, c);
      guint64 bytes = lab_cleanup_plan_get_category_bytes (self->plan, c);
      int days = lab_cleanup_plan_get_days (self->plan, c);
      g_autofree char *size = g_format_size (bytes);
      g_autofree char *amount = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      /* Translators: "3 items, 1.2 MB" */
      amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u item, %s", "%u items, %s",
                                             count),
                                count, size);
      if (days > 0)
        /* Translators: "3 items, 1.2 MB · older than 30 days" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · older than %d day",
                                                 "%s · older than %d days", days),
                                    amount, days);
      else
        subtitle = g_strdup (amount);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     lab_cleanup_category_get_label (c));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
      gtk_widget_set_sensitive (row, count > 0);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   lab_cleanup_plan_get_included (self->plan, c));
      g_object_set_data (G_OBJECT (check), "category", GUINT_TO_POINTER (c));
      g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      lab_cleanup_category_get_label (c), -1);
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), check);

      self->category_rows[c] = row;
      self->category_checks[c] = check;
      adw_preferences_group_add (self->categories_group, row);
    }

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (items, i);
      LabCleanupCategory c = lab_cleanup_item_get_category (item);

      if (self->n_listed[c] < MAX_LISTED)
        {
          adw_expander_row_add_row (ADW_EXPANDER_ROW (self->category_rows[c]),
                                    item_row_new (item));
          self->n_listed[c]++;
        }
    }

  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      guint count = lab_cleanup_plan_get_category_count (self->plan, c);

      if (count > self->n_listed[c])
        {
          GtkWidget *more = adw_action_row_new ();
          g_autofree char *title = NULL;

          /* Translators: after the first items of a long list */
          title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "And %u more",
                                                "And %u more", count - self->n_listed[c]),
                                   count - self->n_listed[c]);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), title);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (self->category_rows[c]), more);
        }
    }

  update_totals (self);
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LabCleanupDialog) self = user_data;
  g_autoptr(LabCleanupPlan) new_plan = NULL;
  g_autoptr(GError) error = NULL;

  new_plan = lab_cleanup_plan_finish (LAB_DATA_DIR (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (new_plan == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not plan the clean-up: %s"),
                                                  error->message);
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      set_busy (self, FALSE, FALSE);
      if (parent != NULL)
        gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", message);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  /* What the person left out stays out when the plan is made again. */
  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    if (self->left_out & (1u << c))
      lab_cleanup_plan_set_included (new_plan, c, FALSE);

  g_set_object (&self->plan, new_plan);
  set_busy (self, FALSE, FALSE);
  show_plan (self);
  gtk_stack_set_visible_child_name (self->stack, "plan");
}

static void
plan (LabCleanupDialog *self)
{
  LabCleanupOptions options;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  lab_cleanup_options_init (&options);
  if (gtk_switch_get_active (self->override_switch))
    options.older_than_days = gtk_spin_button_get_value_as_int (self->days_spin);

  set_busy (self, TRUE, FALSE);
  lab_cleanup_plan_async (lab_store_get_data_dir (self->store), &options, self->cancellable,
                          plan_cb, g_object_ref (self));
}

static void
progress_changed_cb (LabCleanupDialog *self)
{
  double fraction = lab_progress_get_fraction (self->progress);
  const char *message = lab_progress_get_message (self->progress);

  if (message != NULL)
    adw_status_page_set_description (self->progress_page, message);
  if (fraction < 0)
    gtk_progress_bar_pulse (self->progress_bar);
  else
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
apply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LabCleanupDialog) self = user_data;
  g_autoptr(LabCleanupResult) cleanup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  cleanup = lab_cleanup_apply_finish (LAB_DATA_DIR (object), result, &error);
  g_application_release (g_application_get_default ());
  if (self->progress != NULL)
    g_signal_handlers_disconnect_by_data (self->progress, self);
  g_clear_object (&self->progress);

  if (cleanup == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("Could not clean up: %s"), error->message);
    }
  else
    {
      g_autofree char *size = g_format_size (cleanup->reclaimed);
      guint deleted = 0;

      for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
        deleted += cleanup->deleted[c];
      self->reclaimed = cleanup->reclaimed;
      /* Translators: "Deleted 12 items: 1.2 GB came back" */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Deleted %u item: %s came back",
                                              "Deleted %u items: %s came back", deleted),
                                 deleted, size);
      if (cleanup->vacuum_error != NULL)
        {
          g_autofree char *first = g_steal_pointer (&message);

          /* Translators: the clean-up's result, then why compacting failed */
          message = g_strdup_printf (_("%s. The database was not compacted: %s"), first,
                                     cleanup->vacuum_error);
        }
    }

  /* Whatever happened, the store may have changed: the lists reload, and so
   * does the plan. */
  if (self->store != NULL)
    lab_store_emit_changed (self->store);
  if (message != NULL && parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", message);

  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || !gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      set_busy (self, FALSE, FALSE);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "loading");
  plan (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LabCleanupDialog *self = LAB_CLEANUP_DIALOG (widget);

  if (self->plan == NULL || self->busy || lab_cleanup_plan_get_n_included (self->plan) == 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->progress = lab_progress_new ();
  g_signal_connect_object (self->progress, "notify", G_CALLBACK (progress_changed_cb), self,
                           G_CONNECT_SWAPPED);

  set_busy (self, TRUE, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  adw_status_page_set_description (self->progress_page, _("Backing up first"));
  gtk_stack_set_visible_child_name (self->stack, "progress");

  /* It finishes even if the window is closed meanwhile. */
  g_application_hold (g_application_get_default ());
  lab_cleanup_apply_async (lab_store_get_data_dir (self->store), self->plan, self->progress,
                           self->cancellable, apply_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LabCleanupDialog *self = LAB_CLEANUP_DIALOG (widget);

  /* During the clean-up, Cancel stops it (one transaction: nothing is
   * half-deleted); otherwise it closes. */
  if (self->applying)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
override_changed_cb (LabCleanupDialog *self)
{
  if (self->store != NULL && !self->applying)
    plan (self);
}

static gboolean
lab_cleanup_dialog_close_request (GtkWindow *window)
{
  LabCleanupDialog *self = LAB_CLEANUP_DIALOG (window);

  /* A clean-up running goes on to its end in the background; the toast
   * reports it. A plan being made is dropped. */
  if (!self->applying)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (lab_cleanup_dialog_parent_class)->close_request (window);
}

static void
lab_cleanup_dialog_dispose (GObject *object)
{
  LabCleanupDialog *self = (LabCleanupDialog *) object;

  if (!self->applying)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_CLEANUP_DIALOG);
  g_clear_object (&self->plan);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lab_cleanup_dialog_parent_class)->dispose (object);
}

static void
lab_cleanup_dialog_finalize (GObject *object)
{
  LabCleanupDialog *self = (LabCleanupDialog *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->progress);

  G_OBJECT_CLASS (lab_cleanup_dialog_parent_class)->finalize (object);
}

static void
lab_cleanup_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LabCleanupDialog *self = LAB_CLEANUP_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_cleanup_dialog_class_init (LabCleanupDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lab_cleanup_dialog_dispose;
  object_class->finalize = lab_cleanup_dialog_finalize;
  object_class->get_property = lab_cleanup_dialog_get_property;
  window_class->close_request = lab_cleanup_dialog_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-cleanup-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, total_label);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, override_switch);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, categories_group);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, progress_page);
  gtk_widget_class_bind_template_child (widget_class, LabCleanupDialog, progress_bar);

  gtk_widget_class_install_action (widget_class, "cleanup.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "cleanup.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "cleanup.cancel", NULL);
}

static void
lab_cleanup_dialog_init (LabCleanupDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cleanup.apply", FALSE);

  g_signal_connect_object (self->override_switch, "notify::active",
                           G_CALLBACK (override_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->days_spin, "value-changed",
                           G_CALLBACK (override_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * lab_cleanup_dialog_new:
 * @store: an opened store
 *
 * Returns: (transfer none): a new dialog, planning the clean-up
 */
LabCleanupDialog *
lab_cleanup_dialog_new (LabStore *store)
{
  LabCleanupDialog *self;

  g_return_val_if_fail (LAB_IS_STORE (store), NULL);

  self = g_object_new (LAB_TYPE_CLEANUP_DIALOG, NULL);
  self->store = g_object_ref (store);
  plan (self);

  return self;
}

/**
 * lab_cleanup_dialog_get_plan:
 *
 * Returns: (transfer none) (nullable): the plan shown
 */
LabCleanupPlan *
lab_cleanup_dialog_get_plan (LabCleanupDialog *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_DIALOG (self), NULL);
  return self->busy ? NULL : self->plan;
}

gboolean
lab_cleanup_dialog_get_busy (LabCleanupDialog *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_DIALOG (self), FALSE);
  return self->busy;
}

/**
 * lab_cleanup_dialog_get_n_listed:
 *
 * Returns: how many of @category's items are listed, one row each
 */
guint
lab_cleanup_dialog_get_n_listed (LabCleanupDialog   *self,
                                 LabCleanupCategory  category)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_DIALOG (self), 0);
  g_return_val_if_fail (category < LAB_CLEANUP_N_CATEGORIES, 0);
  return self->n_listed[category];
}

/**
 * lab_cleanup_dialog_set_included:
 *
 * Ticks or unticks @category's check button, as a person would.
 */
void
lab_cleanup_dialog_set_included (LabCleanupDialog   *self,
                                 LabCleanupCategory  category,
                                 gboolean            included)
{
  g_return_if_fail (LAB_IS_CLEANUP_DIALOG (self));
  g_return_if_fail (category < LAB_CLEANUP_N_CATEGORIES);

  if (self->category_checks[category] != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->category_checks[category]), included);
}

/**
 * lab_cleanup_dialog_get_reclaimed:
 *
 * Returns: the bytes the last clean-up gave back
 */
guint64
lab_cleanup_dialog_get_reclaimed (LabCleanupDialog *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_DIALOG (self), 0);
  return self->reclaimed;
}
