/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-usage-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "lab-usage-chart.h"

/**
 * LabUsageChart:
 *
 * Where the data folder's disk space goes, as one stacked bar (database,
 * reclaimable free pages, write-ahead log, workspace files, backups,
 * archives, logs, the rest) with a legend under it: a swatch, the part's name
 * and its size. The bar is drawn with GtkSnapshot; the legend is a flow box
 * of labels, so that it wraps on a narrow window and the text is real text.
 * For screen readers the chart is an image whose description says every
 * part's size in words (lab_usage_dup_description()).
 */
struct _LabUsageChart
{
  GtkWidget parent_instance;

  LabUsage *usage;
  char *description;
  GtkWidget *legend;   /* GtkFlowBox */
};

G_DEFINE_FINAL_TYPE (LabUsageChart, lab_usage_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_USAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define BAR_HEIGHT 24
#define BAR_RADIUS 6
#define SPACING 12
/* A part this small still shows, as a sliver. */
#define MIN_SEGMENT 2

/* The GNOME palette, one hue per part, in LabUsageCategory's order; readable
 * in the light and the dark style. */
static const char *colors[LAB_USAGE_N_CATEGORIES] = {
  "#3584e4",  /* database: blue 3 */
  "#99c1f1",  /* free pages: blue 1 */
  "#9141ac",  /* WAL: purple 3 */
  "#2ec27e",  /* workspace: green 4 */
  "#e5a50a",  /* backups: yellow 5 */
  "#e66100",  /* archives: orange 4 */
  "#c01c28",  /* logs: red 4 */
  "#9a9996",  /* other: light 5 */
};

/**
 * lab_usage_chart_get_color:
 * @color: (out): the colour of @category in the chart
 */
void
lab_usage_chart_get_color (LabUsageCategory  category,
                           GdkRGBA          *color)
{
  g_return_if_fail (category < LAB_USAGE_N_CATEGORIES);

  gdk_rgba_parse (color, colors[category]);
}

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  GdkRGBA color;

  lab_usage_chart_get_color (GPOINTER_TO_UINT (data), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GtkWidget *
legend_entry_new (LabUsageCategory category,
                  guint64          bytes)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *name = gtk_label_new (lab_usage_category_get_label (category));
  g_autofree char *size_text = g_format_size (bytes);
  GtkWidget *size = gtk_label_new (size_text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 10);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw,
                                  GUINT_TO_POINTER (category), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (size, "dim-label");
  gtk_widget_add_css_class (size, "numeric");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), size);

  return box;
}

static void
rebuild (LabUsageChart *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->legend)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->legend), child);

  g_clear_pointer (&self->description, g_free);

  if (self->usage != NULL)
    {
      for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
        {
          guint64 bytes = lab_usage_get_category_bytes (self->usage, c);

          if (bytes > 0)
            gtk_flow_box_append (GTK_FLOW_BOX (self->legend), legend_entry_new (c, bytes));
        }
      self->description = lab_usage_dup_description (self->usage);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Disk usage chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description != NULL ? self->description
                                                            : _("Not measured yet"),
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->description);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
lab_usage_chart_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  LabUsageChart *self = LAB_USAGE_CHART (widget);
  int legend_min = 0, legend_nat = 0;

  gtk_widget_measure (self->legend, orientation, for_size, &legend_min, &legend_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (legend_min, 120);
      *natural = MAX (legend_nat, 320);
    }
  else
    {
      *minimum = BAR_HEIGHT + SPACING + legend_min;
      *natural = BAR_HEIGHT + SPACING + legend_nat;
    }
}

static GtkSizeRequestMode
lab_usage_chart_get_request_mode (GtkWidget *widget)
{
  /* The legend wraps: the narrower, the taller. */
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lab_usage_chart_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  LabUsageChart *self = LAB_USAGE_CHART (widget);
  int legend_height = 0;
  GtkAllocation legend;

  gtk_widget_measure (self->legend, GTK_ORIENTATION_VERTICAL, width, NULL, &legend_height,
                      NULL, NULL);
  legend = (GtkAllocation) { 0, BAR_HEIGHT + SPACING, width,
                             MIN (legend_height, MAX (0, height - BAR_HEIGHT - SPACING)) };
  gtk_widget_size_allocate (self->legend, &legend, -1);
}

static void
lab_usage_chart_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  LabUsageChart *self = LAB_USAGE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  GskRoundedRect outline;
  graphene_rect_t bar = GRAPHENE_RECT_INIT (0, 0, width, BAR_HEIGHT);
  guint64 total = self->usage != NULL ? lab_usage_get_total (self->usage) : 0;
  GdkRGBA trough;

  gsk_rounded_rect_init_from_rect (&outline, &bar, BAR_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);

  /* The empty bar: the widget's own colour, faint, as a trough. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &trough);
  trough.alpha = 0.1;
  gtk_snapshot_append_color (snapshot, &trough, &bar);

  if (total > 0)
    {
      double x = 0;

      for (guint c = 0; c < LAB_USAGE_N_CATEGORIES; c++)
        {
          guint64 bytes = lab_usage_get_category_bytes (self->usage, c);
          double w;
          GdkRGBA color;

          if (bytes == 0)
            continue;

          w = MAX (MIN_SEGMENT, (double) bytes / total * width);
          w = MIN (w, width - x);
          lab_usage_chart_get_color (c, &color);
          gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x, 0, w, BAR_HEIGHT));
          x += w;
        }
    }

  gtk_snapshot_pop (snapshot);

  gtk_widget_snapshot_child (widget, self->legend, snapshot);
}

static void
lab_usage_chart_dispose (GObject *object)
{
  LabUsageChart *self = (LabUsageChart *) object;

  g_clear_pointer (&self->legend, gtk_widget_unparent);
  g_clear_object (&self->usage);

  G_OBJECT_CLASS (lab_usage_chart_parent_class)->dispose (object);
}

static void
lab_usage_chart_finalize (GObject *object)
{
  LabUsageChart *self = (LabUsageChart *) object;

  g_free (self->description);

  G_OBJECT_CLASS (lab_usage_chart_parent_class)->finalize (object);
}

static void
lab_usage_chart_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LabUsageChart *self = LAB_USAGE_CHART (object);

  switch (prop_id)
    {
    case PROP_USAGE:
      g_value_set_object (value, self->usage);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_chart_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LabUsageChart *self = LAB_USAGE_CHART (object);

  switch (prop_id)
    {
    case PROP_USAGE:
      lab_usage_chart_set_usage (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_usage_chart_class_init (LabUsageChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_usage_chart_dispose;
  object_class->finalize = lab_usage_chart_finalize;
  object_class->get_property = lab_usage_chart_get_property;
  object_class->set_property = lab_usage_chart_set_property;
  widget_class->get_request_mode = lab_usage_chart_get_request_mode;
  widget_class->measure = lab_usage_chart_measure;
  widget_class->size_allocate = lab_usage_chart_size_allocate;
  widget_class->snapshot = lab_usage_chart_snapshot;

  properties[PROP_USAGE] =
    g_param_spec_object ("usage", NULL, NULL, LAB_TYPE_USAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "labusagechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lab_usage_chart_init (LabUsageChart *self)
{
  self->legend = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->legend), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->legend), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->legend), 18);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->legend), 6);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->legend), FALSE);
  gtk_widget_set_can_focus (self->legend, FALSE);
  /* The description says it all; the legend would only repeat it. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->legend), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);
  gtk_widget_set_parent (self->legend, GTK_WIDGET (self));
  rebuild (self);
}

GtkWidget *
lab_usage_chart_new (void)
{
  return g_object_new (LAB_TYPE_USAGE_CHART, NULL);
}

/**
 * lab_usage_chart_get_usage:
 *
 * Returns: (transfer none) (nullable): the figures shown
 */
LabUsage *
lab_usage_chart_get_usage (LabUsageChart *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_CHART (self), NULL);
  return self->usage;
}

/**
 * lab_usage_chart_set_usage:
 * @usage: (nullable): the figures to show
 */
void
lab_usage_chart_set_usage (LabUsageChart *self,
                           LabUsage      *usage)
{
  g_return_if_fail (LAB_IS_USAGE_CHART (self));
  g_return_if_fail (!usage || LAB_IS_USAGE (usage));

  if (!g_set_object (&self->usage, usage))
    return;

  rebuild (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USAGE]);
}

/**
 * lab_usage_chart_get_description:
 *
 * Returns: (nullable): the chart in words, as its accessible description
 */
const char *
lab_usage_chart_get_description (LabUsageChart *self)
{
  g_return_val_if_fail (LAB_IS_USAGE_CHART (self), NULL);
  return self->description;
}
