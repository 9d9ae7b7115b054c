/* The packed linear layer of packed_gemm.h: a 6 x 16 AVX2/FMA register tile (twelve 8-float
   accumulators, as in BLIS's Haswell kernel) over weight panels packed once, with the input read
   in place (six row pointers, no packing: at the row counts of online inference the input is a
   few hundred KiB and stays in L2). Blocks of KC inputs keep a weight panel (16 x KC floats,
   24 KiB) in L1 while MC rows pass over it. Compiled with AVX2 enabled per function, so the
   file builds for any x86-64 and the caller decides at run time.

   Two things matter at the row counts of one short text (10-60 rows), where each weight panel
   serves only a few tiles:
   - The rows are shared evenly among the tiles (44 rows: four tiles of 6 and four of 5, not seven
     of 6 and one of 2). A tile of fewer than 5 rows has too few accumulators to hide the FMA
     latency, so a 1- or 2-row remainder costs nearly as much as a full tile.
   - The encoder's weights (42 MB) do not fit in the caches, so every panel comes from memory.
     The first tile on a panel prefetches the next panel into L2 (one line per step of its inner
     loop), so the next panel's first tile does not wait on memory.
   On a 2-core AMD EPYC (Zen 3), the six layers' dense layers in turn, the two builds alternating
   in one process (medians of 60 slices): 13 rows 33 -> 43 GFLOP/s, 44 rows 49 -> 51, 356 rows
   52 -> 52. */
#include "packed_gemm.h"

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

enum { PANEL = 16, TILE_ROWS = 6, KC = 384, MC = 96 };

/* The row loops of a tile must unroll completely, or the accumulators live in memory (3x slower):
   clang does it unasked, GCC at -O2 only when told. Both read this pragma. */
#define UNROLL_ROWS _Pragma("GCC unroll 6")

int stylecast_packed_gemm_is_supported(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

size_t stylecast_packed_gemm_count(int out_features, int in_features) {
  size_t panels = ((size_t)out_features + PANEL - 1) / PANEL;
  return panels * PANEL * (size_t)in_features;
}

/* Packs B (`depth x width`, element (k, n) at b[k * k_stride + n * n_stride]) into 16-column
   panels: panel p holds columns 16p..16p+15, row after row, zero beyond `width`. */
static void pack_panels(const float *b, ptrdiff_t k_stride, ptrdiff_t n_stride, int depth, int width, float *packed) {
  int panels = (width + PANEL - 1) / PANEL;
  for (int p = 0; p < panels; p++) {
    float *panel = packed + (size_t)p * PANEL * depth;
    for (int k = 0; k < depth; k++) {
      for (int j = 0; j < PANEL; j++) {
        int column = p * PANEL + j;
        panel[(size_t)k * PANEL + j] = column < width ? b[k * k_stride + column * n_stride] : 0.0f;
      }
    }
  }
}

void stylecast_packed_gemm_pack(const float *weight, int out_features, int in_features, float *packed) {
  /* B = W^T: element (k, n) is W[n][k]. */
  pack_panels(weight, 1, in_features, in_features, out_features, packed);
}

/* erf(z) as z P(z^2) / Q(z^2) on z clamped to [-4, 4] (beyond which erf is +-1 in float32),
   fitted by iterated least squares on Chebyshev nodes: within 4e-7 of the true erf (glibc's erff
   is within 1e-7), branch-free, so it vectorises. */
#define ERF_P6 -1.3858163255831002e-08f
#define ERF_P5 4.818221355319674e-06f
#define ERF_P4 0.00038415519912093f
#define ERF_P3 0.0038443983544523114f
#define ERF_P2 0.05436673310850415f
#define ERF_P1 0.1847194113800806f
#define ERF_P0 1.128379179250586f
#define ERF_Q5 6.437124810455743e-05f
#define ERF_Q4 0.0013125782461217113f
#define ERF_Q3 0.01546800424198655f
#define ERF_Q2 0.11385926355719776f
#define ERF_Q1 0.49703684395605835f
#define HALF_SQRT2 0.7071067811865475f

static float gelu_scalar(float v) {
  float z = v * HALF_SQRT2;
  float c = z < -4 ? -4 : (z > 4 ? 4 : z), t = c * c;
  float p = ERF_P6;
  p = p * t + ERF_P5; p = p * t + ERF_P4; p = p * t + ERF_P3; p = p * t + ERF_P2; p = p * t + ERF_P1;
  p = p * t + ERF_P0;
  float q = ERF_Q5;
  q = q * t + ERF_Q4; q = q * t + ERF_Q3; q = q * t + ERF_Q2; q = q * t + ERF_Q1; q = q * t + 1;
  float e = c * p / q;
  e = e < -1 ? -1 : (e > 1 ? 1 : e);
  return 0.5f * v * (1 + e);
}

/* gelu_scalar on 8 lanes, the same operations in the same order. */
__attribute__((target("avx2,fma"))) static inline __m256 gelu8(__m256 v) {
  __m256 c = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(v, _mm256_set1_ps(HALF_SQRT2)), _mm256_set1_ps(-4)),
                           _mm256_set1_ps(4));
  __m256 t = _mm256_mul_ps(c, c);
  __m256 p = _mm256_set1_ps(ERF_P6);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P5));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P4));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P3));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P2));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P1));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(ERF_P0));
  __m256 q = _mm256_set1_ps(ERF_Q5);
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(ERF_Q4));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(ERF_Q3));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(ERF_Q2));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(ERF_Q1));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(1));
  __m256 e = _mm256_div_ps(_mm256_mul_ps(c, p), q);
  e = _mm256_min_ps(_mm256_max_ps(e, _mm256_set1_ps(-1)), _mm256_set1_ps(1));
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1), e));
}

__attribute__((target("avx2,fma"))) static void gelu_avx2(float *values, size_t count) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(values + i, gelu8(_mm256_loadu_ps(values + i)));
  for (; i < count; i++) values[i] = gelu_scalar(values[i]);
}

void stylecast_gelu(float *values, size_t count) {
  if (stylecast_packed_gemm_is_supported()) {
    gelu_avx2(values, count);
  } else {
    for (size_t i = 0; i < count; i++) values[i] = gelu_scalar(values[i]);
  }
}

/* c[rows, 16] = (first ? bias : c) + x[rows, kc] . b[kc, 16], then GELU when `gelu` (the last
   block of the inner dimension); rows <= 6 is a constant once inlined, so the accumulators stay
   in registers. The first tile on a panel gets the next panel as `next` (NULL for the others)
   and prefetches its line k (16 floats) into L2 at step k. A prefetch never faults, so the last
   lines of a shorter next block may point past it. */
__attribute__((target("avx2,fma"), always_inline)) static inline void tile(
    const int rows, const float *x, int ldx, const float *b, int kc, float *c, int ldc, const float *bias,
    int first, int gelu, const float *next) {
  __m256 acc[TILE_ROWS][2];
  UNROLL_ROWS
  for (int r = 0; r < rows; r++) {
    acc[r][0] = _mm256_loadu_ps(first ? bias : c + r * ldc);
    acc[r][1] = _mm256_loadu_ps(first ? bias + 8 : c + r * ldc + 8);
  }
  for (int k = 0; k < kc; k++) {
    __m256 b0 = _mm256_loadu_ps(b + PANEL * k);
    __m256 b1 = _mm256_loadu_ps(b + PANEL * k + 8);
    if (next) _mm_prefetch((const char *)(next + PANEL * k), _MM_HINT_T1);
    UNROLL_ROWS
  for (int r = 0; r < rows; r++) {
      __m256 a = _mm256_broadcast_ss(x + r * ldx + k);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
  }
  if (gelu) {
    UNROLL_ROWS
  for (int r = 0; r < rows; r++) {
      acc[r][0] = gelu8(acc[r][0]);
      acc[r][1] = gelu8(acc[r][1]);
    }
  }
  UNROLL_ROWS
  for (int r = 0; r < rows; r++) {
    _mm256_storeu_ps(c + r * ldc, acc[r][0]);
    _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
  }
}

typedef void (*tile_function)(const float *, int, const float *, int, float *, int, const float *, int, int,
                              const float *);
#define TILE_OF(ROWS)                                                                                       \
  __attribute__((target("avx2,fma"))) static void tile_##ROWS(                                              \
      const float *x, int ldx, const float *b, int kc, float *c, int ldc, const float *bias, int first,    \
      int gelu, const float *next) {                                                                        \
    tile(ROWS, x, ldx, b, kc, c, ldc, bias, first, gelu, next);                                             \
  }
TILE_OF(1)
TILE_OF(2)
TILE_OF(3)
TILE_OF(4)
TILE_OF(5)
TILE_OF(6)
static const tile_function tiles[TILE_ROWS + 1] = {0, tile_1, tile_2, tile_3, tile_4, tile_5, tile_6};

/* One tile of up to 6 rows and up to 16 columns; a last panel narrower than 16 goes through a
   16-wide scratch tile (its packed columns beyond out_features are zero). */
static void run_tile(int rows, int columns, const float *x, int ldx, const float *b, int kc, float *c, int ldc,
                     const float *bias, int first, int gelu, const float *next) {
  if (columns == PANEL) {
    tiles[rows](x, ldx, b, kc, c, ldc, bias, first, gelu, next);
    return;
  }
  float scratch[TILE_ROWS * PANEL] = {0};
  float scratch_bias[PANEL] = {0};
  for (int r = 0; r < rows && !first; r++) memcpy(scratch + r * PANEL, c + r * ldc, columns * sizeof(float));
  memcpy(scratch_bias, bias, columns * sizeof(float));
  tiles[rows](x, ldx, b, kc, scratch, PANEL, scratch_bias, first, gelu, next);
  for (int r = 0; r < rows; r++) memcpy(c + r * ldc, scratch + r * PANEL, columns * sizeof(float));
}

/* y[rows, width] (row stride ldy) = x[rows, depth] (row stride ldx) . B + bias, B packed by
   pack_panels, then GELU when `gelu`; bias may be NULL. */
static void gemm_packed(const float *x, ptrdiff_t ldx, int rows, int depth, const float *packed, int width,
                        const float *bias, int gelu, float *y, ptrdiff_t ldy) {
  if (rows <= 0 || width <= 0) return;
  float zeros[PANEL] = {0};
  int panels = (width + PANEL - 1) / PANEL;
  if (depth <= 0) {
    for (int r = 0; r < rows; r++) {
      if (bias) memcpy(y + r * ldy, bias, width * sizeof(float));
      else memset(y + r * ldy, 0, width * sizeof(float));
      if (gelu) stylecast_gelu(y + r * ldy, width);
    }
    return;
  }
  for (int kb = 0; kb < depth; kb += KC) {
    int kc = depth - kb < KC ? depth - kb : KC;
    for (int mb = 0; mb < rows; mb += MC) {
      int mc = rows - mb < MC ? rows - mb : MC;
      for (int p = 0; p < panels; p++) {
        int columns = width - p * PANEL < PANEL ? width - p * PANEL : PANEL;
        const float *panel = packed + ((size_t)p * depth + kb) * PANEL;
        const float *panel_bias = bias ? bias + p * PANEL : zeros;
        /* The panel after this one: the next 16 columns, else the first panel of the next block
           of inputs, else none. */
        const float *next = p + 1 < panels    ? packed + ((size_t)(p + 1) * depth + kb) * PANEL
                            : kb + KC < depth ? packed + (size_t)(kb + KC) * PANEL
                                              : NULL;
        /* ceil(mc / 6) tiles, the rows shared evenly: the first mc % tiles take one more. */
        int tiles_here = (mc + TILE_ROWS - 1) / TILE_ROWS;
        for (int t = 0, r = 0; t < tiles_here; t++) {
          int tile_rows = mc / tiles_here + (t < mc % tiles_here ? 1 : 0);
          run_tile(tile_rows, columns, x + (mb + r) * ldx + kb, (int)ldx, panel, kc, y + (mb + r) * ldy + p * PANEL,
                   (int)ldy, panel_bias, kb == 0, gelu && kb + kc >= depth, t == 0 ? next : NULL);
          r += tile_rows;
        }
      }
    }
  }
}

void stylecast_packed_gemm_linear(const float *x, int rows, int in_features, const float *packed,
                                  int out_features, const float *bias, int gelu, float *y) {
  gemm_packed(x, in_features, rows, in_features, packed, out_features, bias, gelu, y, out_features);
}

/* exp(x) for x <= 0 (softmax after subtracting the row maximum), 8 at a time: x = n ln 2 + r with
   |r| <= ln 2 / 2, e^r by Cephes' degree-6 polynomial (relative error about 1e-7, as expf), and
   2^n through the exponent bits; below -87 the result is 0. */
__attribute__((target("avx2,fma"))) static inline __m256 exp_nonpositive(__m256 x) {
  const __m256 floor_x = _mm256_set1_ps(-87.0f);
  __m256 underflow = _mm256_cmp_ps(x, floor_x, _CMP_LT_OQ);
  x = _mm256_max_ps(x, floor_x);
  __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                             _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(exponent)));
}

/* line[0..<count] = softmax(line * scale), in place. */
__attribute__((target("avx2,fma"))) static void softmax_scaled(float *line, int count, float scale) {
  float tail[8];
  int whole = count / 8 * 8, rest = count - whole;
  __m256 vmax = _mm256_set1_ps(-INFINITY);
  for (int j = 0; j < whole; j += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(line + j));
  float maximum = -INFINITY;
  float lanes[8];
  _mm256_storeu_ps(lanes, vmax);
  for (int j = 0; j < 8; j++) maximum = lanes[j] > maximum ? lanes[j] : maximum;
  for (int j = whole; j < count; j++) maximum = line[j] > maximum ? line[j] : maximum;
  __m256 shift = _mm256_set1_ps(maximum * scale), factor = _mm256_set1_ps(scale), vsum = _mm256_setzero_ps();
  for (int j = 0; j < whole; j += 8) {
    __m256 e = exp_nonpositive(_mm256_fmsub_ps(_mm256_loadu_ps(line + j), factor, shift));
    _mm256_storeu_ps(line + j, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  float sum = 0;
  _mm256_storeu_ps(lanes, vsum);
  for (int j = 0; j < 8; j++) sum += lanes[j];
  if (rest > 0) {
    for (int j = 0; j < 8; j++) tail[j] = j < rest ? line[whole + j] : maximum;
    _mm256_storeu_ps(tail, exp_nonpositive(_mm256_fmsub_ps(_mm256_loadu_ps(tail), factor, shift)));
    for (int j = 0; j < rest; j++) {
      line[whole + j] = tail[j];
      sum += tail[j];
    }
  }
  __m256 inverse = _mm256_set1_ps(1.0f / sum);
  for (int j = 0; j < whole; j += 8) _mm256_storeu_ps(line + j, _mm256_mul_ps(_mm256_loadu_ps(line + j), inverse));
  for (int j = whole; j < count; j++) line[j] *= 1.0f / sum;
}

size_t stylecast_packed_attention_scratch_count(int length, int hidden, int heads) {
  if (length <= 0 || heads <= 0) return 1;
  int dim = hidden / heads;
  size_t keys = stylecast_packed_gemm_count(length, dim);     /* K_h^T: depth dim, width length */
  size_t values = stylecast_packed_gemm_count(dim, length);   /* V_h: depth length, width dim */
  return keys + (size_t)length * length + values;
}

void stylecast_packed_attention(const float *qkv, int length, int hidden, int heads, float scale, float *out,
                                float *scratch) {
  if (length <= 0 || heads <= 0) return;
  int dim = hidden / heads;
  ptrdiff_t row = 3 * (ptrdiff_t)hidden;
  float *keys = scratch;
  float *scores = keys + stylecast_packed_gemm_count(length, dim);
  float *values = scores + (size_t)length * length;
  for (int head = 0; head < heads; head++) {
    const float *query = qkv + head * dim, *key = qkv + hidden + head * dim, *value = qkv + 2 * hidden + head * dim;
    /* scores = Q_h K_h^T: B element (d, j) is K[j][d]. */
    pack_panels(key, 1, row, dim, length, keys);
    gemm_packed(query, row, length, dim, keys, length, NULL, 0, scores, length);
    for (int i = 0; i < length; i++) softmax_scaled(scores + (size_t)i * length, length, scale);
    /* out[:, head] = P V_h: B element (j, d) is V[j][d]. */
    pack_panels(value, row, 1, length, dim, values);
    gemm_packed(scores, length, length, length, values, dim, NULL, 0, out + head * dim, hidden);
  }
}

/* Sum of line[0..<count], eight running sums then the tail. */
__attribute__((target("avx2,fma"))) static float sum_avx2(const float *line, size_t count) {
  __m256 total = _mm256_setzero_ps();
  size_t j = 0;
  for (; j + 8 <= count; j += 8) total = _mm256_add_ps(total, _mm256_loadu_ps(line + j));
  float lanes[8], sum = 0;
  _mm256_storeu_ps(lanes, total);
  for (int i = 0; i < 8; i++) sum += lanes[i];
  for (; j < count; j++) sum += line[j];
  return sum;
}

/* One row of stylecast_layer_norm with AVX2. */
__attribute__((target("avx2,fma"))) static void layer_norm_row_avx2(float *line, const float *residual,
                                                                     const float *gamma, const float *beta,
                                                                     size_t width, float epsilon) {
  size_t whole = width / 8 * 8;
  if (residual) {
    for (size_t j = 0; j < whole; j += 8)
      _mm256_storeu_ps(line + j, _mm256_add_ps(_mm256_loadu_ps(line + j), _mm256_loadu_ps(residual + j)));
    for (size_t j = whole; j < width; j++) line[j] += residual[j];
  }
  float mean = sum_avx2(line, width) / (float)width;
  __m256 vmean = _mm256_set1_ps(mean), squares = _mm256_setzero_ps();
  for (size_t j = 0; j < whole; j += 8) {
    __m256 centred = _mm256_sub_ps(_mm256_loadu_ps(line + j), vmean);
    squares = _mm256_fmadd_ps(centred, centred, squares);
  }
  float lanes[8], variance = 0;
  _mm256_storeu_ps(lanes, squares);
  for (int i = 0; i < 8; i++) variance += lanes[i];
  for (size_t j = whole; j < width; j++) variance += (line[j] - mean) * (line[j] - mean);
  float inverse = 1.0f / sqrtf(variance / (float)width + epsilon);
  __m256 vinverse = _mm256_set1_ps(inverse);
  for (size_t j = 0; j < whole; j += 8) {
    __m256 normal = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(line + j), vmean), vinverse);
    __m256 scale = gamma ? _mm256_loadu_ps(gamma + j) : _mm256_set1_ps(1);
    __m256 shift = beta ? _mm256_loadu_ps(beta + j) : _mm256_setzero_ps();
    _mm256_storeu_ps(line + j, _mm256_fmadd_ps(normal, scale, shift));
  }
  for (size_t j = whole; j < width; j++)
    line[j] = (line[j] - mean) * inverse * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
}

/* One row of stylecast_layer_norm in scalar code. */
static void layer_norm_row_scalar(float *line, const float *residual, const float *gamma, const float *beta,
                                  size_t width, float epsilon) {
  if (residual)
    for (size_t j = 0; j < width; j++) line[j] += residual[j];
  float mean = 0, variance = 0;
  for (size_t j = 0; j < width; j++) mean += line[j];
  mean /= (float)width;
  for (size_t j = 0; j < width; j++) variance += (line[j] - mean) * (line[j] - mean);
  float inverse = 1.0f / sqrtf(variance / (float)width + epsilon);
  for (size_t j = 0; j < width; j++)
    line[j] = (line[j] - mean) * inverse * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
}

void stylecast_layer_norm(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                          size_t width, float epsilon, int vectorised) {
  if (width == 0) return;
  int vector = vectorised && stylecast_packed_gemm_is_supported();
  for (size_t row = 0; row < rows; row++) {
    float *line = x + row * width;
    const float *add = residual ? residual + row * width : NULL;
    if (vector) layer_norm_row_avx2(line, add, gamma, beta, width, epsilon);
    else layer_norm_row_scalar(line, add, gamma, beta, width, epsilon);
  }
}
