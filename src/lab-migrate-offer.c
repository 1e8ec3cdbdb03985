/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-migrate-offer"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-format.h"
#include "lab-legacy.h"
#include "lab-migrate-assistant.h"
#include "lab-migrate-offer.h"

/*
 * The offer at first start: once the store is open, the usual places are
 * searched for legacy data off the main thread, and when some is found a
 * dialog offers to migrate it. It is offered once ("legacy-offered" in
 * GSettings): after that, the Sessions page's empty state, the primary menu
 * and the Data page's "Legacy Data" section bring the assistant back.
 */

#define OFFERED_KEY "legacy-offered"

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             gpointer          user_data)
{
  GPtrArray *sources = g_object_get_data (G_OBJECT (dialog), "sources");
  LabApplication *app = g_object_get_data (G_OBJECT (dialog), "application");
  LabMigrateAssistant *assistant;

  if (g_strcmp0 (response, "review") != 0 || app == NULL)
    return;

  assistant = lab_migrate_assistant_new (app, NULL, sources);
  gtk_window_present (GTK_WINDOW (assistant));
}

static char *
describe_sources (GPtrArray *sources)
{
  g_autoptr(GString) text = g_string_new (_("LabData found data of an earlier lab app on this "
                                            "computer:"));

  for (guint i = 0; i < sources->len; i++)
    {
      LabLegacySource *source = g_ptr_array_index (sources, i);
      gint64 sessions = MAX (lab_legacy_source_get_count (source, "sessions"),
                             lab_legacy_source_get_count (source, "session"));

      g_string_append_printf (text, "\n• %s", lab_legacy_source_get_display_name (source));
      if (sessions > 0)
        {
          g_autofree char *count = lab_format_count (sessions);

          g_string_append_printf (text,
                                  g_dngettext (GETTEXT_PACKAGE, " (%s session)", " (%s sessions)",
                                               sessions),
                                  count);
        }
    }

  g_string_append (text, _("\n\nBring it into LabData? The sources are only read and stay as "
                           "they are."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(LabApplication) app = g_weak_ref_get (weak);
  g_autoptr(GPtrArray) sources = lab_legacy_detect_finish (result, NULL);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *body = NULL;
  gboolean usable = FALSE;
  GtkWindow *window;
  GtkWidget *dialog;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (sources == NULL || app == NULL)
    return;
  for (guint i = 0; i < sources->len; i++)
    usable |= lab_legacy_source_is_usable (g_ptr_array_index (sources, i));
  if (!usable)
    return;

  /* Without a window (in the background) it is offered next time. */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    return;

  settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  g_settings_set_boolean (settings, OFFERED_KEY, TRUE);

  body = describe_sources (sources);
  dialog = adw_message_dialog_new (window, _("Migrate Legacy Data?"), body);
  gtk_widget_set_name (dialog, "migrate-offer");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "later", _("_Not Now"),
                                    "review", _("_Review…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "review",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "review");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_object_set_data_full (G_OBJECT (dialog), "sources", g_ptr_array_ref (sources),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "application", g_object_ref (app), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * lab_migrate_offer_check:
 * @app: the application, whose store has just opened
 *
 * Offers the migration once, when legacy data is found in the usual places.
 */
void
lab_migrate_offer_check (LabApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);
  GWeakRef *weak;

  if (g_settings_get_boolean (settings, OFFERED_KEY))
    return;

  /* Not a strong reference: quitting does not wait for the search. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, app);
  lab_legacy_detect_async (NULL, NULL, detect_cb, weak);
}
