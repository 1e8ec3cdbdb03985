/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-timestamp.h"

static void
test_format_parse (void)
{
  gint64 usec = 0;
  g_autofree char *text = lab_timestamp_format (G_GINT64_CONSTANT (1793491200123000));

  g_assert_cmpstr (text, ==, "2026-11-01T00:00:00.123Z");
  g_assert_true (lab_timestamp_parse (text, &usec));
  g_assert_cmpint (usec, ==, G_GINT64_CONSTANT (1793491200123000));
}

static void
test_variants (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "2024-12-01T14:30:22", "2024-12-01T14:30:22.000Z" },
    { "2024-12-01 14:30:22.5", "2024-12-01T14:30:22.500Z" },
    { "2024-12-01T14:30:22+02:00", "2024-12-01T12:30:22.000Z" },
    { "2024-12-01", "2024-12-01T00:00:00.000Z" },
    { "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *norm = lab_timestamp_normalize (cases[i].in);

      g_assert_cmpstr (norm, ==, cases[i].out);
    }
}

static void
test_invalid (void)
{
  const char *bad[] = { "", "yesterday", "2024-13-01", "2024-12-01T25:00:00", "12/01/2024", NULL };
  gint64 usec;

  for (guint i = 0; bad[i] != NULL; i++)
    g_assert_false (lab_timestamp_parse (bad[i], &usec));
  g_assert_false (lab_timestamp_parse (NULL, &usec));
}

static void
test_date_bounds (void)
{
  gint64 start = 0, end = 0;

  g_assert_true (lab_date_parse_bound ("2026-03-29", FALSE, &start));
  g_assert_true (lab_date_parse_bound ("2026-03-29", TRUE, &end));
  /* A local day, whatever its length (DST), ends 1 ms before the next starts. */
  g_assert_cmpint (end, >, start);
  g_assert_cmpint (end - start, <=, G_GINT64_CONSTANT (25) * 3600 * G_USEC_PER_SEC);
  g_assert_false (lab_date_parse_bound ("2026-02-30", FALSE, &start));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labdata/store/timestamp/format-parse", test_format_parse);
  g_test_add_func ("/labdata/store/timestamp/variants", test_variants);
  g_test_add_func ("/labdata/store/timestamp/invalid", test_invalid);
  g_test_add_func ("/labdata/store/timestamp/date-bounds", test_date_bounds);

  return g_test_run ();
}
