/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lab-sha256"

#include "config.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
# define HAVE_SHANI_CODE 1
# include <cpuid.h>
# include <immintrin.h>
#endif

#include "lab-sha256.h"

/*
 * SHA-256 (FIPS 180-4). The portable block function is the textbook one; the
 * other runs the same rounds on the x86 SHA extensions (SHA256RNDS2 does two
 * rounds on the state held as ABEF and CDGH; SHA256MSG1/MSG2 extend the
 * message schedule). Both are checked against GChecksum in
 * tests/test-sha256.c.
 */

static const guint32 k[64] __attribute__ ((aligned (16))) = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress_portable (guint32      *state,
                   const guint8 *blocks,
                   gsize         n_blocks)
{
  for (gsize b = 0; b < n_blocks; b++, blocks += 64)
    {
      guint32 w[64];
      guint32 a = state[0], bb = state[1], c = state[2], d = state[3];
      guint32 e = state[4], f = state[5], g = state[6], h = state[7];

      for (int i = 0; i < 16; i++)
        w[i] = ((guint32) blocks[4 * i] << 24) | ((guint32) blocks[4 * i + 1] << 16) |
               ((guint32) blocks[4 * i + 2] << 8) | (guint32) blocks[4 * i + 3];
      for (int i = 16; i < 64; i++)
        {
          guint32 s0 = ROTR (w[i - 15], 7) ^ ROTR (w[i - 15], 18) ^ (w[i - 15] >> 3);
          guint32 s1 = ROTR (w[i - 2], 17) ^ ROTR (w[i - 2], 19) ^ (w[i - 2] >> 10);

          w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

      for (int i = 0; i < 64; i++)
        {
          guint32 s1 = ROTR (e, 6) ^ ROTR (e, 11) ^ ROTR (e, 25);
          guint32 ch = (e & f) ^ (~e & g);
          guint32 t1 = h + s1 + ch + k[i] + w[i];
          guint32 s0 = ROTR (a, 2) ^ ROTR (a, 13) ^ ROTR (a, 22);
          guint32 maj = (a & bb) ^ (a & c) ^ (bb & c);
          guint32 t2 = s0 + maj;

          h = g;
          g = f;
          f = e;
          e = d + t1;
          d = c;
          c = bb;
          bb = a;
          a = t1 + t2;
        }

      state[0] += a;
      state[1] += bb;
      state[2] += c;
      state[3] += d;
      state[4] += e;
      state[5] += f;
      state[6] += g;
      state[7] += h;
    }
}

#ifdef HAVE_SHANI_CODE
__attribute__ ((target ("sha,sse4.1")))
static void
compress_shani (guint32      *state,
                const guint8 *blocks,
                gsize         n_blocks)
{
  const __m128i mask = _mm_set_epi64x (0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i state0, state1, tmp;

  /* The instructions want the state as ABEF and CDGH. */
  tmp = _mm_loadu_si128 ((const __m128i *) &state[0]);
  state1 = _mm_loadu_si128 ((const __m128i *) &state[4]);
  tmp = _mm_shuffle_epi32 (tmp, 0xB1);
  state1 = _mm_shuffle_epi32 (state1, 0x1B);
  state0 = _mm_alignr_epi8 (tmp, state1, 8);
  state1 = _mm_blend_epi16 (state1, tmp, 0xF0);

  for (gsize b = 0; b < n_blocks; b++, blocks += 64)
    {
      __m128i abef_save = state0;
      __m128i cdgh_save = state1;
      __m128i w0, w1, w2, w3, msg;

      /* Four rounds with the message words W and the constants of group G. */
#define ROUNDS(W, G) \
      msg = _mm_add_epi32 (W, _mm_loadu_si128 ((const __m128i *) &k[4 * (G)])); \
      state1 = _mm_sha256rnds2_epu32 (state1, state0, msg); \
      msg = _mm_shuffle_epi32 (msg, 0x0E); \
      state0 = _mm_sha256rnds2_epu32 (state0, state1, msg)
      /* The next four words of the schedule, W[t] = σ1(W[t-2]) + W[t-7] +
       * σ0(W[t-15]) + W[t-16], into A (which held W[t-16..t-13]). */
#define SCHEDULE(A, B, C, D) \
      A = _mm_sha256msg2_epu32 (_mm_add_epi32 (_mm_sha256msg1_epu32 (A, B), \
                                               _mm_alignr_epi8 (D, C, 4)), D)

      w0 = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 0)), mask);
      ROUNDS (w0, 0);
      w1 = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 16)), mask);
      ROUNDS (w1, 1);
      w2 = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 32)), mask);
      ROUNDS (w2, 2);
      w3 = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (blocks + 48)), mask);
      ROUNDS (w3, 3);

      for (int g = 4; g < 16; g += 4)
        {
          SCHEDULE (w0, w1, w2, w3);
          ROUNDS (w0, g);
          SCHEDULE (w1, w2, w3, w0);
          ROUNDS (w1, g + 1);
          SCHEDULE (w2, w3, w0, w1);
          ROUNDS (w2, g + 2);
          SCHEDULE (w3, w0, w1, w2);
          ROUNDS (w3, g + 3);
        }
#undef ROUNDS
#undef SCHEDULE

      state0 = _mm_add_epi32 (state0, abef_save);
      state1 = _mm_add_epi32 (state1, cdgh_save);
    }

  tmp = _mm_shuffle_epi32 (state0, 0x1B);
  state1 = _mm_shuffle_epi32 (state1, 0xB1);
  state0 = _mm_blend_epi16 (tmp, state1, 0xF0);
  state1 = _mm_alignr_epi8 (state1, tmp, 8);
  _mm_storeu_si128 ((__m128i *) &state[0], state0);
  _mm_storeu_si128 ((__m128i *) &state[4], state1);
}

static gboolean
cpu_has_shani (void)
{
  unsigned int eax, ebx, ecx, edx;

  if (!__get_cpuid (1, &eax, &ebx, &ecx, &edx))
    return FALSE;
  /* SSSE3 and SSE4.1 for the shuffles and blends. */
  if (!(ecx & (1u << 9)) || !(ecx & (1u << 19)))
    return FALSE;
  if (!__get_cpuid_count (7, 0, &eax, &ebx, &ecx, &edx))
    return FALSE;

  return (ebx & (1u << 29)) != 0;
}
#endif

/**
 * lab_sha256_is_accelerated:
 *
 * Returns: whether this CPU hashes with its SHA instructions
 */
gboolean
lab_sha256_is_accelerated (void)
{
#ifdef HAVE_SHANI_CODE
  static gsize once = 0;
  static gboolean have = FALSE;

  if (g_once_init_enter (&once))
    {
      have = cpu_has_shani ();
      g_once_init_leave (&once, 1);
    }

  return have;
#else
  return FALSE;
#endif
}

static void
init_state (LabSha256 *sha)
{
  static const guint32 h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  memcpy (sha->state, h0, sizeof h0);
  sha->length = 0;
  sha->buffer_len = 0;
}

/**
 * lab_sha256_init:
 *
 * Starts a hash, with the fastest block function this CPU has.
 */
void
lab_sha256_init (LabSha256 *sha)
{
  init_state (sha);
  sha->compress = compress_portable;
#ifdef HAVE_SHANI_CODE
  if (lab_sha256_is_accelerated ())
    sha->compress = compress_shani;
#endif
}

/**
 * lab_sha256_init_portable:
 *
 * Starts a hash that never uses the SHA instructions, so that tests can compare
 * both block functions on the same machine.
 */
void
lab_sha256_init_portable (LabSha256 *sha)
{
  init_state (sha);
  sha->compress = compress_portable;
}

void
lab_sha256_update (LabSha256  *sha,
                   const void *data,
                   gsize       length)
{
  const guint8 *p = data;

  sha->length += length;

  if (sha->buffer_len > 0)
    {
      gsize take = MIN (length, 64 - sha->buffer_len);

      memcpy (sha->buffer + sha->buffer_len, p, take);
      sha->buffer_len += take;
      p += take;
      length -= take;

      if (sha->buffer_len < 64)
        return;

      sha->compress (sha->state, sha->buffer, 1);
      sha->buffer_len = 0;
    }

  if (length >= 64)
    {
      gsize n_blocks = length / 64;

      sha->compress (sha->state, p, n_blocks);
      p += n_blocks * 64;
      length -= n_blocks * 64;
    }

  if (length > 0)
    {
      memcpy (sha->buffer, p, length);
      sha->buffer_len = length;
    }
}

/**
 * lab_sha256_finish:
 * @hex: (out caller-allocates): the digest as 64 lowercase hex digits and a nul
 *
 * Ends the hash; @sha must be initialised again before it is used again.
 */
void
lab_sha256_finish (LabSha256 *sha,
                   char       hex[LAB_SHA256_HEX_LENGTH + 1])
{
  static const char digits[] = "0123456789abcdef";
  guint64 bits = sha->length * 8;
  guint8 pad[72] = { 0x80 };
  gsize pad_len;
  guint8 length_be[8];

  pad_len = (sha->buffer_len < 56) ? 56 - sha->buffer_len : 120 - sha->buffer_len;
  for (int i = 0; i < 8; i++)
    length_be[i] = (guint8) (bits >> (56 - 8 * i));

  lab_sha256_update (sha, pad, pad_len);
  lab_sha256_update (sha, length_be, 8);
  g_assert (sha->buffer_len == 0);

  for (int i = 0; i < 8; i++)
    {
      for (int j = 0; j < 4; j++)
        {
          guint8 byte = (guint8) (sha->state[i] >> (24 - 8 * j));

          hex[8 * i + 2 * j] = digits[byte >> 4];
          hex[8 * i + 2 * j + 1] = digits[byte & 0xf];
        }
    }
  hex[LAB_SHA256_HEX_LENGTH] = '\0';
}

/**
 * lab_sha256_finish_dup:
 *
 * Returns: (transfer full): the digest as lowercase hex
 */
char *
lab_sha256_finish_dup (LabSha256 *sha)
{
  char hex[LAB_SHA256_HEX_LENGTH + 1];

  lab_sha256_finish (sha, hex);
  return g_strdup (hex);
}

/**
 * lab_sha256_is_valid_hex:
 *
 * Returns: whether @text is 64 lowercase hex digits, the form this program
 *   writes (and the only one that may name a file in the object store)
 */
gboolean
lab_sha256_is_valid_hex (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (int i = 0; i < LAB_SHA256_HEX_LENGTH; i++)
    {
      if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
        return FALSE;
    }

  return text[LAB_SHA256_HEX_LENGTH] == '\0';
}
