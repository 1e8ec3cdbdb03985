/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "labdata-gui-bench"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "lab-application.h"
#include "lab-window.h"

/*
 * Drives the real LabData application (the labgui library main.c runs) for
 * bench/gui and for the screenshots in docs/screenshots:
 *
 *   labdata-gui-bench --data-dir DIR [--t0 NS] first-draw
 *   labdata-gui-bench --data-dir DIR scroll-rss SESSION_ID
 *   labdata-gui-bench --data-dir DIR search QUERY…
 *   labdata-gui-bench --data-dir DIR [--dark] screenshot OUT.png SCENE [ARG]
 *
 * Times are printed as "name value" lines for the script to collect. A frame
 * counts as drawn when the window's frame clock reports "after-paint".
 */

typedef struct
{
  LabApplication *app;
  LabWindow *window;
  LabSessionsPage *page;
  char **args;
  gint64 t0;
  gint64 search_finished;
  guint paints;
  int status;
  gboolean started;
} Bench;

static Bench bench;

#define WAIT_SECONDS 120

static gboolean
timeout_cb (gpointer data)
{
  g_printerr ("timed out\n");
  exit (1);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_until (gboolean (*predicate) (gpointer),
            gpointer   data)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, NULL);
  guint tick = g_timeout_add (5, tick_cb, NULL);

  while (!predicate (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  g_source_remove (timeout);
}

static gboolean
paints_reached (gpointer data)
{
  return bench.paints >= GPOINTER_TO_UINT (data);
}

/* Waits until the window has drawn a frame after now. */
static void
wait_frame (void)
{
  guint target = bench.paints + 1;

  gtk_widget_queue_draw (GTK_WIDGET (bench.window));
  wait_until (paints_reached, GUINT_TO_POINTER (target));
}

static void
sleep_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static double
ms_since (gint64 start_usec,
          gint64 now_usec)
{
  return (now_usec - start_usec) / 1000.0;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  bench.paints++;
}

static void
print_memory (const char *prefix)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;

  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:") || g_str_has_prefix (lines[i], "VmHWM:"))
        {
          g_autofree char *name = g_strndup (lines[i], 5);
          guint64 kb = g_ascii_strtoull (lines[i] + 6, NULL, 10);

          g_print ("%s_%s_mb %.1f\n", prefix, name, kb / 1024.0);
        }
    }
}

static gboolean
list_drawn (gpointer data)
{
  LabSessionModel *model = lab_sessions_page_get_session_model (bench.page);

  return model != NULL && !lab_paged_model_get_loading (LAB_PAGED_MODEL (model)) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) > 0 &&
         lab_paged_model_peek (LAB_PAGED_MODEL (model), 0) != NULL;
}

/* The first list: from the process start (--t0, wall clock) to the first
 * frame drawn with rows of sessions in it. */
static void
first_draw (void)
{
  wait_until (list_drawn, NULL);
  wait_frame ();
  g_print ("first_list_ms %.1f\n", ms_since (bench.t0, g_get_real_time ()));
}

static gboolean
item_loaded (gpointer data)
{
  return lab_lazy_item_get_item (data) != NULL;
}

static GtkAdjustment *
vadjustment_of (GtkWidget *list)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
}

/* Scrolls a list view from top to bottom a screenful at a time, drawing each
 * screenful with its rows loaded, as a person paging through would see it. */
static guint
scroll_through (GtkWidget  *list,
                GListModel *model)
{
  GtkAdjustment *adjustment = vadjustment_of (list);
  guint steps = 0;

  gtk_adjustment_set_value (adjustment, 0);
  for (;;)
    {
      double value = gtk_adjustment_get_value (adjustment);
      double upper = gtk_adjustment_get_upper (adjustment);
      double page = gtk_adjustment_get_page_size (adjustment);

      wait_frame ();
      steps++;

      /* The row at the top of the screen is read before moving on. */
      if (g_list_model_get_n_items (model) > 0)
        {
          guint n = g_list_model_get_n_items (model);
          guint position = (guint) MIN (n - 1, (value / MAX (upper, 1)) * n);
          g_autoptr(LabLazyItem) item = g_list_model_get_item (model, position);

          wait_until (item_loaded, item);
        }

      if (value + page >= upper - 1)
        break;
      gtk_adjustment_set_value (adjustment, MIN (value + page, upper - page));
    }

  return steps;
}

static gboolean
chat_loaded (gpointer data)
{
  LabMessageModel *model = lab_chat_view_get_model (lab_sessions_page_get_chat_view (bench.page));

  return model != NULL && !lab_paged_model_get_loading (LAB_PAGED_MODEL (model)) &&
         lab_paged_model_peek (LAB_PAGED_MODEL (model), 0) != NULL &&
         g_strcmp0 (lab_message_model_get_session_id (model), data) == 0;
}

static GtkWidget *
chat_list_view (void)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (lab_sessions_page_get_chat_view (bench.page)),
                                                    LAB_TYPE_CHAT_VIEW, "list_view"));
}

static void
scroll_rss (const char *session_id)
{
  GtkWidget *list = lab_sessions_page_get_session_list (bench.page);
  GListModel *model = G_LIST_MODEL (lab_sessions_page_get_session_model (bench.page));
  gint64 start;
  guint steps;

  first_draw ();
  print_memory ("start");

  start = g_get_monotonic_time ();
  steps = scroll_through (list, model);
  g_print ("scrolled_sessions %u\n", g_list_model_get_n_items (model));
  g_print ("scroll_screens %u\n", steps);
  g_print ("scroll_ms %.0f\n", ms_since (start, g_get_monotonic_time ()));
  g_print ("cached_sessions %u\n",
           lab_paged_model_get_n_cached (LAB_PAGED_MODEL (model)));
  print_memory ("after_list");

  /* Open the largest session and read its chat log to the end. */
  start = g_get_monotonic_time ();
  lab_sessions_page_open_session (bench.page, session_id, -1);
  wait_until (chat_loaded, (gpointer) session_id);
  wait_frame ();
  g_print ("open_large_session_ms %.1f\n", ms_since (start, g_get_monotonic_time ()));
  {
    LabMessageModel *messages = lab_chat_view_get_model (lab_sessions_page_get_chat_view (bench.page));
    GtkWidget *chat_list = chat_list_view ();

    g_print ("large_session_messages %u\n", g_list_model_get_n_items (G_LIST_MODEL (messages)));
    if (chat_list != NULL)
      {
        /* Jump to the end, as dragging the scroll bar down does. */
        GtkAdjustment *adjustment = vadjustment_of (chat_list);

        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
        wait_frame ();
        wait_frame ();
      }
    g_print ("cached_messages %u\n", lab_paged_model_get_n_cached (LAB_PAGED_MODEL (messages)));
  }
  print_memory ("after_large_session");
}

static gboolean
search_settled (gpointer data)
{
  LabSearchModel *model = lab_sessions_page_get_search_model (bench.page);
  const LabSearchQuery *query = lab_search_model_get_query (model);

  return query != NULL && g_strcmp0 (query->text, data) == 0 &&
         !lab_search_model_get_searching (model);
}

static void
search_finished_cb (LabSearchModel *model)
{
  bench.search_finished = g_get_monotonic_time ();
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static void
print_stats (const char *name,
             GArray     *values)
{
  double *v = (double *) values->data;
  guint p95;

  g_array_sort (values, compare_doubles);
  p95 = MIN (values->len - 1, (guint) (values->len * 0.95 + 0.999) - 1);
  g_print ("%s_median_ms %.1f\n", name, v[(values->len - 1) / 2]);
  g_print ("%s_p95_ms %.1f\n", name, v[p95]);
  g_print ("%s_max_ms %.1f\n", name, v[values->len - 1]);
}

/* Search as you type: each query typed a character every 80 ms; timed from
 * the moment the search starts (the entry's 150 ms pause after the last
 * character) to the frame that shows the results, and from the last key. */
static void
search (char **queries)
{
  GtkWidget *entry = lab_sessions_page_get_search_entry (bench.page);
  g_autoptr(GArray) after_debounce = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) after_key = g_array_new (FALSE, FALSE, sizeof (double));

  first_draw ();
  gtk_widget_activate_action (GTK_WIDGET (bench.window), "win.search", NULL);
  g_signal_connect (lab_sessions_page_get_search_model (bench.page), "finished",
                    G_CALLBACK (search_finished_cb), NULL);

  for (guint q = 0; queries[q] != NULL; q++)
    {
      const char *query = queries[q];
      glong n_chars = g_utf8_strlen (query, -1);
      gint64 last_key = 0;
      double ms, key_ms;

      gtk_editable_set_text (GTK_EDITABLE (entry), "");
      wait_frame ();

      for (glong i = 1; i <= n_chars; i++)
        {
          g_autofree char *prefix = g_utf8_substring (query, 0, i);

          gtk_editable_set_text (GTK_EDITABLE (entry), prefix);
          gtk_editable_set_position (GTK_EDITABLE (entry), -1);
          last_key = g_get_monotonic_time ();
          if (i < n_chars)
            sleep_ms (80);
        }

      wait_until (search_settled, (gpointer) query);
      wait_frame ();
      ms = ms_since (lab_sessions_page_get_search_started (bench.page), g_get_monotonic_time ());
      key_ms = ms_since (last_key, g_get_monotonic_time ());
      g_array_append_val (after_debounce, ms);
      g_array_append_val (after_key, key_ms);
      g_print ("query \"%s\" hits %u after_debounce_ms %.1f after_last_key_ms %.1f"
               " (store %.1f)\n", query,
               lab_search_model_get_n_hits (lab_sessions_page_get_search_model (bench.page)),
               ms, key_ms,
               ms_since (lab_sessions_page_get_search_started (bench.page), bench.search_finished));
    }

  /* What drawing any change costs here: a redraw with nothing new. */
  {
    g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < 20; i++)
      {
        gint64 start;
        double ms;

        sleep_ms (50);
        start = g_get_monotonic_time ();
        wait_frame ();
        ms = ms_since (start, g_get_monotonic_time ());
        g_array_append_val (frames, ms);
      }
    print_stats ("redraw", frames);
  }

  print_stats ("search_after_debounce", after_debounce);
  print_stats ("search_after_last_key", after_key);
}

/* Screenshots */

static void
save_png (const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (bench.window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (bench.window));
  int width = gtk_widget_get_width (GTK_WIDGET (bench.window));
  int height = gtk_widget_get_height (GTK_WIDGET (bench.window));

  wait_frame ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_printerr ("cannot write %s\n", path);
      bench.status = 1;
    }
}

static gboolean
search_has_results (gpointer data)
{
  LabSearchModel *model = lab_sessions_page_get_search_model (bench.page);

  return search_settled (data) && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

static gboolean
highlighted (gpointer data)
{
  return lab_chat_view_get_highlighted (lab_sessions_page_get_chat_view (bench.page)) >= 0;
}

static gboolean
state_is (gpointer data)
{
  return g_strcmp0 (lab_sessions_page_get_visible_state (bench.page), data) == 0;
}

static void
screenshot (const char *out,
            const char *scene,
            const char *arg)
{
  if (g_str_equal (scene, "empty"))
    {
      wait_until (state_is, (gpointer) "empty");
    }
  else if (g_str_equal (scene, "error"))
    {
      /* Nothing to wait for but the page. */
      sleep_ms (300);
    }
  else
    first_draw ();

  if (g_str_equal (scene, "sessions"))
    {
      GtkSelectionModel *selection =
        gtk_grid_view_get_model (GTK_GRID_VIEW (lab_sessions_page_get_session_list (bench.page)));
      guint position = arg ? (guint) atoi (arg) : 1;
      LabSession *session;

      gtk_selection_model_select_item (selection, position, TRUE);
      session = lab_sessions_page_get_session (bench.page);
      wait_until (chat_loaded, (gpointer) lab_session_get_id (session));
    }
  else if (g_str_equal (scene, "search"))
    {
      const char *text = arg ? arg : "calibration";
      GListModel *results = G_LIST_MODEL (lab_sessions_page_get_search_model (bench.page));
      GtkWidget *entry = lab_sessions_page_get_search_entry (bench.page);

      gtk_widget_activate_action (GTK_WIDGET (bench.window), "win.search", NULL);
      gtk_editable_set_text (GTK_EDITABLE (entry), text);
      gtk_editable_set_position (GTK_EDITABLE (entry), -1);
      wait_until (search_has_results, (gpointer) text);

      /* Open the fourth message hit, as a click would. */
      for (guint i = 0, hits = 0; i < g_list_model_get_n_items (results); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (results, i);

          if (LAB_IS_SEARCH_HIT (item) &&
              lab_search_hit_get_kind (LAB_SEARCH_HIT (item)) == LAB_SEARCH_HIT_MESSAGE &&
              ++hits == 4)
            {
              g_signal_emit_by_name (lab_sessions_page_get_search_list (bench.page), "activate", i);
              break;
            }
        }
      wait_until (highlighted, NULL);
      sleep_ms (1800);  /* the highlight's flash settles */
    }
  else if (g_str_equal (scene, "data"))
    {
      lab_window_show_view (bench.window, "data");
      sleep_ms (2000);  /* the summary is collected in a thread */
    }

  /* Let every page in sight arrive and the animations end. */
  sleep_ms (600);
  save_png (out);
}

static gboolean
run_cb (gpointer data)
{
  const char *mode = bench.args[0];

  bench.window = LAB_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (bench.app)));
  bench.page = lab_window_get_sessions_page (bench.window);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (bench.window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);


  if (g_str_equal (mode, "first-draw"))
    first_draw ();
  else if (g_str_equal (mode, "scroll-rss") && bench.args[1] != NULL)
    scroll_rss (bench.args[1]);
  else if (g_str_equal (mode, "search") && bench.args[1] != NULL)
    search (bench.args + 1);
  else if (g_str_equal (mode, "screenshot") && bench.args[1] != NULL && bench.args[2] != NULL)
    screenshot (bench.args[1], bench.args[2], bench.args[3]);
  else
    {
      g_printerr ("unknown mode %s\n", mode);
      bench.status = 2;
    }

  g_action_group_activate_action (G_ACTION_GROUP (bench.app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app)
{

  if (!bench.started)
    g_idle_add (run_cb, NULL);
  bench.started = TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  char *t0 = NULL;
  gboolean dark = FALSE;
  int width = 1280, height = 800;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The data folder", "DIR" },
    { "t0", 0, 0, G_OPTION_ARG_STRING, &t0, "Launch time, ns since the epoch", "NS" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &dark, "Dark style", NULL },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Window width", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Window height", "PX" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &bench.args, NULL, NULL },
    { NULL }
  };

  bench.t0 = g_get_real_time ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new ("MODE [ARGS…]");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || bench.args == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "which mode?");
      return 2;
    }
  if (t0 != NULL)
    bench.t0 = g_ascii_strtoll (t0, NULL, 10) / 1000;

  bench.app = lab_application_new ();
  g_application_set_flags (G_APPLICATION (bench.app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  lab_application_set_data_dir (bench.app, data_dir);
  g_signal_connect_after (bench.app, "activate", G_CALLBACK (activate_cb), NULL);


  /* The window size and style come from GSettings, as for a person. */
  {
    g_autoptr(GSettings) settings = g_settings_new (LAB_SETTINGS_SCHEMA);

    g_settings_set_int (settings, "window-width", width);
    g_settings_set_int (settings, "window-height", height);
    g_settings_set_enum (settings, "color-scheme", dark ? 2 : 1);
  }

  if (g_application_run (G_APPLICATION (bench.app), 0, NULL) != 0)
    return 1;

  g_object_unref (bench.app);
  g_strfreev (bench.args);
  g_free (t0);
  return bench.status;
}
