/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-cleanup-plan"

#include "config.h"

#include "lab-cleanup-plan.h"
#include "lab-timestamp.h"

/**
 * LabCleanupPlan:
 *
 * What a clean-up would delete, computed once by lab_cleanup_plan() and
 * applied as it is by lab_cleanup_apply(): the dry run and the deletion share
 * this object, so they cannot disagree. Its items are a #GListModel of every
 * #LabCleanupItem found; each category can be included or left out (the
 * clean-up dialog's switches), and the totals follow.
 */
struct _LabCleanupPlan
{
  GObject parent_instance;

  gint64 now;
  int days[LAB_CLEANUP_N_CATEGORIES];
  gint64 cutoff[LAB_CLEANUP_N_CATEGORIES];
  gboolean included[LAB_CLEANUP_N_CATEGORIES];
  GListStore *items;  /* of LabCleanupItem */
};

G_DEFINE_FINAL_TYPE (LabCleanupPlan, lab_cleanup_plan, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_INCLUDED,
  PROP_TOTAL_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lab_cleanup_plan_finalize (GObject *object)
{
  LabCleanupPlan *self = (LabCleanupPlan *) object;

  g_clear_object (&self->items);

  G_OBJECT_CLASS (lab_cleanup_plan_parent_class)->finalize (object);
}

static void
lab_cleanup_plan_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LabCleanupPlan *self = LAB_CLEANUP_PLAN (object);

  switch (prop_id)
    {
    case PROP_N_INCLUDED:
      g_value_set_uint (value, lab_cleanup_plan_get_n_included (self));
      break;
    case PROP_TOTAL_BYTES:
      g_value_set_uint64 (value, lab_cleanup_plan_get_total_bytes (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_cleanup_plan_class_init (LabCleanupPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lab_cleanup_plan_finalize;
  object_class->get_property = lab_cleanup_plan_get_property;

  properties[PROP_N_INCLUDED] =
    g_param_spec_uint ("n-included", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TOTAL_BYTES] =
    g_param_spec_uint64 ("total-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_cleanup_plan_init (LabCleanupPlan *self)
{
  self->items = g_list_store_new (LAB_TYPE_CLEANUP_ITEM);
  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    self->included[c] = TRUE;
}

/**
 * lab_cleanup_plan_new:
 * @now: the time the retention periods count back from, µs since the epoch
 *
 * Returns: (transfer full): an empty plan with every category included
 */
LabCleanupPlan *
lab_cleanup_plan_new (gint64 now)
{
  LabCleanupPlan *self = g_object_new (LAB_TYPE_CLEANUP_PLAN, NULL);

  self->now = now;
  return self;
}

/**
 * lab_cleanup_plan_set_policy:
 * @days: the retention period of @category
 * @cutoff: older than this goes, µs since the epoch
 */
void
lab_cleanup_plan_set_policy (LabCleanupPlan     *self,
                             LabCleanupCategory  category,
                             int                 days,
                             gint64              cutoff)
{
  g_return_if_fail (LAB_IS_CLEANUP_PLAN (self));
  g_return_if_fail (category < LAB_CLEANUP_N_CATEGORIES);

  self->days[category] = days;
  self->cutoff[category] = cutoff;
}

/**
 * lab_cleanup_plan_add:
 * @item: (transfer none): an item
 */
void
lab_cleanup_plan_add (LabCleanupPlan *self,
                      LabCleanupItem *item)
{
  g_return_if_fail (LAB_IS_CLEANUP_PLAN (self));
  g_return_if_fail (LAB_IS_CLEANUP_ITEM (item));

  g_list_store_append (self->items, item);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_INCLUDED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_BYTES]);
}

/**
 * lab_cleanup_plan_get_items:
 *
 * Returns: (transfer none): a #GListModel of every #LabCleanupItem planned,
 *   by category, oldest first; lab_cleanup_plan_get_included() says which
 *   categories a clean-up deletes
 */
GListModel *
lab_cleanup_plan_get_items (LabCleanupPlan *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), NULL);
  return G_LIST_MODEL (self->items);
}

void
lab_cleanup_plan_set_included (LabCleanupPlan     *self,
                               LabCleanupCategory  category,
                               gboolean            included)
{
  g_return_if_fail (LAB_IS_CLEANUP_PLAN (self));
  g_return_if_fail (category < LAB_CLEANUP_N_CATEGORIES);

  included = !!included;
  if (self->included[category] == included)
    return;

  self->included[category] = included;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_INCLUDED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_BYTES]);
}

gboolean
lab_cleanup_plan_get_included (LabCleanupPlan     *self,
                               LabCleanupCategory  category)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), FALSE);
  g_return_val_if_fail (category < LAB_CLEANUP_N_CATEGORIES, FALSE);

  return self->included[category];
}

gint64
lab_cleanup_plan_get_now (LabCleanupPlan *self)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);
  return self->now;
}

int
lab_cleanup_plan_get_days (LabCleanupPlan     *self,
                           LabCleanupCategory  category)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);
  g_return_val_if_fail (category < LAB_CLEANUP_N_CATEGORIES, 0);

  return self->days[category];
}

gint64
lab_cleanup_plan_get_cutoff (LabCleanupPlan     *self,
                             LabCleanupCategory  category)
{
  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);
  g_return_val_if_fail (category < LAB_CLEANUP_N_CATEGORIES, 0);

  return self->cutoff[category];
}

/**
 * lab_cleanup_plan_get_category_count:
 *
 * Returns: the number of items of @category, included or not
 */
guint
lab_cleanup_plan_get_category_count (LabCleanupPlan     *self,
                                     LabCleanupCategory  category)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (lab_cleanup_item_get_category (item) == category)
        n++;
    }

  return n;
}

/**
 * lab_cleanup_plan_get_category_bytes:
 *
 * Returns: the bytes the items of @category give back, included or not
 */
guint64
lab_cleanup_plan_get_category_bytes (LabCleanupPlan     *self,
                                     LabCleanupCategory  category)
{
  guint64 bytes = 0;

  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (lab_cleanup_item_get_category (item) == category)
        bytes += lab_cleanup_item_get_bytes (item);
    }

  return bytes;
}

/**
 * lab_cleanup_plan_get_n_included:
 *
 * Returns: the number of items of the included categories: what applying the
 *   plan deletes
 */
guint
lab_cleanup_plan_get_n_included (LabCleanupPlan *self)
{
  guint n = 0;

  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (self->included[lab_cleanup_item_get_category (item)])
        n++;
    }

  return n;
}

/**
 * lab_cleanup_plan_get_total_bytes:
 *
 * Returns: the bytes the included items give back
 */
guint64
lab_cleanup_plan_get_total_bytes (LabCleanupPlan *self)
{
  guint64 bytes = 0;

  g_return_val_if_fail (LAB_IS_CLEANUP_PLAN (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (self->included[lab_cleanup_item_get_category (item)])
        bytes += lab_cleanup_item_get_bytes (item);
    }

  return bytes;
}

gboolean
lab_cleanup_plan_is_empty (LabCleanupPlan *self)
{
  return lab_cleanup_plan_get_n_included (self) == 0;
}

/**
 * lab_cleanup_plan_to_json:
 *
 * Returns: (transfer full): the plan as `cleanup --dry-run --json` prints it:
 *   the policy and totals of each included category, and every item that goes
 */
JsonNode *
lab_cleanup_plan_to_json (LabCleanupPlan *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *now = lab_timestamp_format (self->now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "now");
  json_builder_add_string_value (builder, now);

  json_builder_set_member_name (builder, "categories");
  json_builder_begin_object (builder);
  for (guint c = 0; c < LAB_CLEANUP_N_CATEGORIES; c++)
    {
      if (!self->included[c])
        continue;

      json_builder_set_member_name (builder, lab_cleanup_category_to_string (c));
      json_builder_begin_object (builder);
      if (self->days[c] > 0)
        {
          g_autofree char *cutoff = lab_timestamp_format (self->cutoff[c]);

          json_builder_set_member_name (builder, "days");
          json_builder_add_int_value (builder, self->days[c]);
          json_builder_set_member_name (builder, "cutoff");
          json_builder_add_string_value (builder, cutoff);
        }
      json_builder_set_member_name (builder, "items");
      json_builder_add_int_value (builder, lab_cleanup_plan_get_category_count (self, c));
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, lab_cleanup_plan_get_category_bytes (self, c));
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "total_bytes");
  json_builder_add_int_value (builder, lab_cleanup_plan_get_total_bytes (self));

  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(LabCleanupItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (self->included[lab_cleanup_item_get_category (item)])
        json_builder_add_value (builder, lab_cleanup_item_to_json (item));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
