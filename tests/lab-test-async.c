/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-test-async.h"

/* Long enough for a slow CI machine under ASan; a stuck test fails instead of
 * hanging until meson's timeout. */
#define WAIT_SECONDS 60

/**
 * lab_test_async_cb:
 * @user_data: a `GAsyncResult **` that receives a reference on the result
 *
 * A #GAsyncReadyCallback for tests: keeps the result for lab_test_wait_result().
 */
void
lab_test_async_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out after %d s waiting for an asynchronous result", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

/**
 * lab_test_wait_result:
 * @result: where lab_test_async_cb() puts the result
 *
 * Spins the main context until the callback ran.
 *
 * Returns: (transfer none): *@result
 */
GAsyncResult *
lab_test_wait_result (GAsyncResult **result)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout);
  return *result;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * lab_test_wait_until:
 * @predicate: returns %TRUE when the wait is over
 *
 * Spins the main context until @predicate holds.
 */
void
lab_test_wait_until (gboolean (*predicate) (gpointer data),
                     gpointer   data)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, NULL);
  /* Some conditions change on other threads without waking the main
   * context (a GTask thread dropping its reference): look again often. */
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (!predicate (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  g_source_remove (timeout);
}

/**
 * lab_test_iterate_idle:
 *
 * Runs what is ready in the main context without blocking.
 */
void
lab_test_iterate_idle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * lab_test_drain_store:
 *
 * Waits until every job queued on @store so far has run and its callback has
 * been dispatched: the worker runs jobs in order, so a last job marks the end.
 */
void
lab_test_drain_store (LabStore *store)
{
  g_autoptr(LabSessionFilter) filter = lab_session_filter_new ();
  g_autoptr(GAsyncResult) result = NULL;

  lab_store_count_sessions_async (store, filter, NULL, lab_test_async_cb, &result);
  lab_test_wait_result (&result);
  lab_test_iterate_idle ();
}

static gboolean
only_ref (gpointer data)
{
  return g_atomic_int_get ((int *) &G_OBJECT (data)->ref_count) == 1;
}

/**
 * lab_test_finalize:
 * @object: (transfer full): an object the test owns the last reference to
 *
 * Like g_assert_finalize_object(), for objects a GTask thread may still hold
 * for a moment after its callback ran (it drops its reference on its own
 * thread, a little later).
 */
void
lab_test_finalize (gpointer object)
{
  lab_test_wait_until (only_ref, object);
  g_assert_finalize_object (object);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

/**
 * lab_test_record_changes:
 * @log: receives "position-removed+added;" for each items-changed of @model
 */
void
lab_test_record_changes (GListModel *model,
                         GString    *log)
{
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), log);
}
