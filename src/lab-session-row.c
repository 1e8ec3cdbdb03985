/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-session-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-session.h"
#include "lab-session-row.h"

/**
 * LabSessionRow:
 *
 * A row of the session list: title, status, last activity, message count,
 * archived and a star toggle. It shows a #LabLazyItem, so it is blank (but
 * of its final height, so that the list does not jump) until the session's
 * page has been read.
 */
struct _LabSessionRow
{
  LabLazyRow parent_instance;

  GSignalGroup *session_signals;

  GtkLabel *title_label;
  GtkLabel *status_label;
  GtkLabel *subtitle_label;
  GtkImage *archived_image;
  GtkToggleButton *star_button;

  char *status_class;
  guint updating : 1;
};

G_DEFINE_FINAL_TYPE (LabSessionRow, lab_session_row, LAB_TYPE_LAZY_ROW)

static LabSession *
get_session (LabSessionRow *self)
{
  return lab_lazy_row_get_object (LAB_LAZY_ROW (self));
}

static void
update_flags (LabSessionRow *self)
{
  LabSession *session = get_session (self);
  gboolean starred = session && lab_session_get_starred (session);

  self->updating = TRUE;
  gtk_toggle_button_set_active (self->star_button, starred);
  self->updating = FALSE;

  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            starred ? "starred-symbolic" : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->star_button),
                               starred ? _("Unstar Session") : _("Star Session"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->star_button), session != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->archived_image),
                          session && lab_session_get_archived (session));
}

static void
update (LabLazyRow *row)
{
  LabSessionRow *self = LAB_SESSION_ROW (row);
  LabSession *session = get_session (self);
  g_autofree char *when = NULL;
  g_autofree char *count = NULL;
  g_autofree char *subtitle = NULL;
  const char *title;
  const char *status;

  g_signal_group_set_target (self->session_signals, session);

  if (self->status_class != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), self->status_class);
      g_clear_pointer (&self->status_class, g_free);
    }

  if (session == NULL)
    {
      /* A blank row of the same height while the page is read. */
      gtk_label_set_text (self->title_label, " ");
      gtk_label_set_text (self->subtitle_label, " ");
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
      update_flags (self);
      return;
    }

  title = lab_session_get_title (session);
  gtk_label_set_text (self->title_label, title && *title ? title : _("Untitled Session"));

  status = lab_session_get_status (session);
  gtk_label_set_text (self->status_label, lab_format_status (status));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status && *status);
  self->status_class = g_strconcat ("status-", status ? status : "", NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), self->status_class);

  when = lab_format_relative_time (lab_session_get_last_activity_at (session),
                                   g_get_real_time ());
  count = lab_format_count (lab_session_get_message_count (session));
  /* Translators: "<last activity> · <n> messages" under a session's title */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s message", "%s · %s messages",
                                           lab_session_get_message_count (session)),
                              when, count);
  gtk_label_set_text (self->subtitle_label, subtitle);

  update_flags (self);
}

static void
star_toggled_cb (LabSessionRow   *self,
                 GtkToggleButton *button)
{
  LabSession *session = get_session (self);

  if (self->updating || session == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.set-session-flag", "(ssb)",
                              lab_session_get_id (session), "starred",
                              gtk_toggle_button_get_active (button));
  /* The row follows the store, not the click: if the write fails, it stays. */
  update_flags (self);
}

static void
lab_session_row_dispose (GObject *object)
{
  LabSessionRow *self = (LabSessionRow *) object;
  GtkWidget *child;

  g_signal_group_set_target (self->session_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_SESSION_ROW);
  /* Template children without an id binding stay children until here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (lab_session_row_parent_class)->dispose (object);
}

static void
lab_session_row_finalize (GObject *object)
{
  LabSessionRow *self = (LabSessionRow *) object;

  g_clear_object (&self->session_signals);
  g_free (self->status_class);

  G_OBJECT_CLASS (lab_session_row_parent_class)->finalize (object);
}

static void
lab_session_row_class_init (LabSessionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_session_row_dispose;
  object_class->finalize = lab_session_row_finalize;
  LAB_LAZY_ROW_CLASS (klass)->update = update;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/LabData/lab-session-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LabSessionRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LabSessionRow, archived_image);
  gtk_widget_class_bind_template_child (widget_class, LabSessionRow, star_button);
  gtk_widget_class_bind_template_callback (widget_class, star_toggled_cb);
  gtk_widget_class_set_css_name (widget_class, "labsessionrow");
}

static void
lab_session_row_init (LabSessionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_signals = g_signal_group_new (LAB_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::starred",
                                  G_CALLBACK (update_flags), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::archived",
                                  G_CALLBACK (update_flags), self);

  update (LAB_LAZY_ROW (self));
}
