/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "lab-sha256.h"

/* Both block functions must agree with GChecksum on every length, fed in one
 * piece or in pieces of every size, across the 55/56/64-byte padding edges. */
static void
check_against_gchecksum (gboolean portable)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint8 *data = g_malloc (5000);

  for (guint i = 0; i < 5000; i++)
    data[i] = g_rand_int (rand) & 0xff;

  for (gsize length = 0; length < 5000; length += (length < 300 ? 1 : 97))
    {
      g_autofree char *expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
      char whole[LAB_SHA256_HEX_LENGTH + 1];
      char pieces[LAB_SHA256_HEX_LENGTH + 1];
      LabSha256 sha;
      gsize step = 1 + g_rand_int_range (rand, 0, 130);

      portable ? lab_sha256_init_portable (&sha) : lab_sha256_init (&sha);
      lab_sha256_update (&sha, data, length);
      lab_sha256_finish (&sha, whole);
      g_assert_cmpstr (whole, ==, expected);

      portable ? lab_sha256_init_portable (&sha) : lab_sha256_init (&sha);
      for (gsize done = 0; done < length; done += step)
        lab_sha256_update (&sha, data + done, MIN (step, length - done));
      lab_sha256_finish (&sha, pieces);
      g_assert_cmpstr (pieces, ==, expected);
    }
}

static void
test_portable (void)
{
  check_against_gchecksum (TRUE);
}

static void
test_default (void)
{
  if (!lab_sha256_is_accelerated ())
    g_test_message ("This CPU has no SHA instructions; the portable code was used");
  check_against_gchecksum (FALSE);
}

static void
test_known_values (void)
{
  LabSha256 sha;
  char hex[LAB_SHA256_HEX_LENGTH + 1];

  lab_sha256_init (&sha);
  lab_sha256_finish (&sha, hex);
  g_assert_cmpstr (hex, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  lab_sha256_init (&sha);
  lab_sha256_update (&sha, "abc", 3);
  lab_sha256_finish (&sha, hex);
  g_assert_cmpstr (hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_valid_hex (void)
{
  g_assert_true (lab_sha256_is_valid_hex ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  g_assert_false (lab_sha256_is_valid_hex ("E3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  g_assert_false (lab_sha256_is_valid_hex ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
  g_assert_false (lab_sha256_is_valid_hex ("../../../../../../../../../../../../../../../../../etc/passwd"));
  g_assert_false (lab_sha256_is_valid_hex (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/labdata/store/sha256/known-values", test_known_values);
  g_test_add_func ("/labdata/store/sha256/portable", test_portable);
  g_test_add_func ("/labdata/store/sha256/default", test_default);
  g_test_add_func ("/labdata/store/sha256/valid-hex", test_valid_hex);

  return g_test_run ();
}
