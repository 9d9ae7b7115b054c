#ifndef STYLECAST_PACKED_GEMM_H
#define STYLECAST_PACKED_GEMM_H
/* The text encoder's hot loops in C with AVX2 intrinsics (StylecastTensor's PackedLinear and
   packed attention wrap them).

   A single-precision linear layer, y = x W^T + bias, whose weight W is packed once at load into
   16-column panels, for the small row counts of online inference (one short text is 10-60 rows),
   where OpenBLAS repacks the whole weight on every call (a fifth of the text encoder's time at
   batch 1). Row-major throughout. AVX2 + FMA only: callers check
   stylecast_packed_gemm_is_supported() and keep their cblas_sgemm path otherwise. Single
   threaded, like the rest of the inference path (OpenBLAS runs one thread). */
#include <stddef.h>

/** Whether this CPU runs the kernel (AVX2 and FMA). */
int stylecast_packed_gemm_is_supported(void);

/** Floats the packed form of an `out_features x in_features` weight takes. */
size_t stylecast_packed_gemm_count(int out_features, int in_features);

/** Packs `weight` (`[out_features, in_features]`, PyTorch's nn.Linear layout) into `packed`
    (`stylecast_packed_gemm_count` floats): panel p holds columns 16p..16p+15 of W^T, row after
    row, zero beyond out_features. */
void stylecast_packed_gemm_pack(const float *weight, int out_features, int in_features, float *packed);

/** `y[rows, out_features] = x[rows, in_features] W^T + bias` with W as packed by
    stylecast_packed_gemm_pack, then the GELU of stylecast_gelu when `gelu` is non-zero (applied
    as each tile is stored, not in a second pass); `bias` may be NULL. `x` and `y` do not overlap. */
void stylecast_packed_gemm_linear(const float *x, int rows, int in_features, const float *packed,
                                  int out_features, const float *bias, int gelu, float *y);

/** The erf-based GELU, 0.5 v (1 + erf(v / sqrt 2)) (PyTorch's default, not the tanh form), in
    place. erf is a rational approximation within 4e-7 of the true one (glibc's erff: 1e-7) with
    no branches, so it vectorises; AVX2 where the CPU has it, the same arithmetic in scalar code
    otherwise. Runs on any x86-64. */
void stylecast_gelu(float *values, size_t count);

/** Floats of scratch stylecast_packed_attention needs for a sequence of `length` tokens. */
size_t stylecast_packed_attention_scratch_count(int length, int hidden, int heads);

/** Multi-head self-attention of one sequence, softmax(Q K^T * scale) V per head, read from a
    fused projection: row i of `qkv` (stride 3 * hidden) is token i's query, key and value, head h
    at h * hidden / heads within each. Writes `out[length, hidden]` (stride hidden), the heads
    side by side. `scratch` holds stylecast_packed_attention_scratch_count floats. */
void stylecast_packed_attention(const float *qkv, int length, int hidden, int heads, float scale, float *out,
                                float *scratch);

/** Layer normalisation of each row of `x` (`rows x width`) in place, after adding `residual`
    (same shape, or NULL): x = (x + r - mean) / sqrt(var + epsilon) * gamma + beta with the
    biased variance, as torch.nn.LayerNorm; `gamma` and `beta` (`width` floats) may be NULL for
    1 and 0. AVX2 where the CPU has it and `vectorised` is non-zero, scalar code otherwise. */
void stylecast_layer_norm(float *x, const float *residual, const float *gamma, const float *beta, size_t rows,
                          size_t width, float epsilon, int vectorised);

#endif
