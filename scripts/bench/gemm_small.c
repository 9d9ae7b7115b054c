/* The Swift side's dense-layer choice, measured: GFLOP/s of y = x W^T (all-MiniLM-L6-v2's four
   dense shapes, FLOP-weighted) at the row counts of online inference, one thread, for
   OpenBLAS cblas_sgemm (what Tensor.linear calls), BLIS cblas_sgemm (loaded with its own symbols
   first, so that its BLAS calls do not land in OpenBLAS), oneDNN's matmul with its weights
   reordered once into the layout the primitive asks for, and our packed kernel
   (Shared/CPackedGEMM, weights packed once). Built and run by scripts/bench/gemm-small.sh. */
#include <cblas.h>
#include <dlfcn.h>
#include <dnnl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "packed_gemm.h"

void openblas_set_num_threads(int);
typedef void (*sgemm_function)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                               float *, int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHECK(call)                                                          \
  do {                                                                       \
    dnnl_status_t status = (call);                                           \
    if (status != dnnl_success) {                                            \
      fprintf(stderr, "gemm_small: %s failed (%d)\n", #call, (int)status);  \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

/* Seconds per call of `body` over at least `seconds` (and 3 calls). */
#define TIME(seconds, body)                                            \
  ({                                                                   \
    body;                                                              \
    int calls_ = 0;                                                    \
    double start_ = now();                                             \
    do { body; calls_++; } while (calls_ < 3 || now() - start_ < (seconds)); \
    (now() - start_) / calls_;                                         \
  })

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 0.3;
  openblas_set_num_threads(1);
  void *blis = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  sgemm_function blis_sgemm = blis ? (sgemm_function)dlsym(blis, "cblas_sgemm") : NULL;
  if (!blis_sgemm) fprintf(stderr, "gemm_small: BLIS not loaded (%s)\n", dlerror());
  if (!stylecast_packed_gemm_is_supported()) {
    fprintf(stderr, "gemm_small: this CPU lacks AVX2/FMA; the packed kernel does not run here\n");
    return 1;
  }
  const int shapes[4][2] = {{1152, 384}, {384, 384}, {1536, 384}, {384, 1536}}; /* out, in */
  const int row_counts[] = {12, 20, 44, 100, 356, 1425};
  dnnl_engine_t engine;
  CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
  dnnl_stream_t stream;
  CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
  for (size_t r = 0; r < sizeof row_counts / sizeof *row_counts; r++) {
    int m = row_counts[r];
    double flops = 0, t_openblas = 0, t_blis = 0, t_onednn = 0, t_packed = 0, worst = 0;
    const char *onednn_impl = "";
    for (int s = 0; s < 4; s++) {
      int n = shapes[s][0], k = shapes[s][1];
      float *x = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k);
      float *y = malloc(sizeof(float) * m * n), *y2 = malloc(sizeof(float) * m * n);
      float *packed = malloc(sizeof(float) * stylecast_packed_gemm_count(n, k));
      srand(7);
      for (int i = 0; i < m * k; i++) x[i] = (float)rand() / (float)RAND_MAX - 0.5f;
      for (int i = 0; i < n * k; i++) w[i] = (float)rand() / (float)RAND_MAX - 0.5f;
      stylecast_packed_gemm_pack(w, n, k, packed);
      flops += 2.0 * m * n * k;
      t_openblas += TIME(seconds, cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, x, k, w, k, 0, y, n));
      if (blis_sgemm) t_blis += TIME(seconds, blis_sgemm(101, 111, 112, m, n, k, 1, x, k, w, k, 0, y2, n));
      t_packed += TIME(seconds, stylecast_packed_gemm_linear(x, m, k, packed, n, NULL, 0, y2));
      for (int i = 0; i < m * n; i++) worst = fmax(worst, fabs(y[i] - y2[i]));

      dnnl_memory_desc_t source_md, weights_md, any_weights_md, destination_md;
      dnnl_dims_t source_dims = {m, k}, weight_dims = {k, n}, destination_dims = {m, n};
      CHECK(dnnl_memory_desc_init_by_tag(&source_md, 2, source_dims, dnnl_f32, dnnl_ab));
      CHECK(dnnl_memory_desc_init_by_tag(&weights_md, 2, weight_dims, dnnl_f32, dnnl_ba));
      CHECK(dnnl_memory_desc_init_by_tag(&any_weights_md, 2, weight_dims, dnnl_f32, dnnl_format_tag_any));
      CHECK(dnnl_memory_desc_init_by_tag(&destination_md, 2, destination_dims, dnnl_f32, dnnl_ab));
      dnnl_matmul_desc_t matmul_desc;
      CHECK(dnnl_matmul_desc_init(&matmul_desc, &source_md, &any_weights_md, NULL, &destination_md));
      dnnl_primitive_desc_t matmul_pd;
      CHECK(dnnl_primitive_desc_create(&matmul_pd, &matmul_desc, NULL, engine, NULL));
      const dnnl_memory_desc_t *chosen_md = dnnl_primitive_desc_query_md(matmul_pd, dnnl_query_weights_md, 0);
      dnnl_memory_t source, weights, chosen, destination;
      CHECK(dnnl_memory_create(&source, &source_md, engine, x));
      CHECK(dnnl_memory_create(&weights, &weights_md, engine, w));
      CHECK(dnnl_memory_create(&chosen, chosen_md, engine, DNNL_MEMORY_ALLOCATE));
      CHECK(dnnl_memory_create(&destination, &destination_md, engine, y2));
      dnnl_primitive_desc_t reorder_pd;
      CHECK(dnnl_reorder_primitive_desc_create(&reorder_pd, &weights_md, engine, chosen_md, engine, NULL));
      dnnl_primitive_t reorder, matmul;
      CHECK(dnnl_primitive_create(&reorder, reorder_pd));
      dnnl_exec_arg_t reorder_args[2] = {{DNNL_ARG_FROM, weights}, {DNNL_ARG_TO, chosen}};
      CHECK(dnnl_primitive_execute(reorder, stream, 2, reorder_args));
      CHECK(dnnl_stream_wait(stream));
      CHECK(dnnl_primitive_create(&matmul, matmul_pd));
      dnnl_primitive_desc_query(matmul_pd, dnnl_query_impl_info_str, 0, &onednn_impl);
      dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, source}, {DNNL_ARG_WEIGHTS, chosen}, {DNNL_ARG_DST, destination}};
      t_onednn += TIME(seconds, (dnnl_primitive_execute(matmul, stream, 3, args), dnnl_stream_wait(stream)));
      dnnl_primitive_destroy(matmul);
      dnnl_primitive_destroy(reorder);
      dnnl_primitive_desc_destroy(reorder_pd);
      dnnl_primitive_desc_destroy(matmul_pd);
      dnnl_memory_destroy(source);
      dnnl_memory_destroy(weights);
      dnnl_memory_destroy(chosen);
      dnnl_memory_destroy(destination);
      free(x); free(w); free(y); free(y2); free(packed);
    }
    printf("{\"rows\": %d, \"openblas\": %.2f, \"blis\": %.2f, \"onednn\": %.2f, \"onednn_impl\": \"%s\", "
           "\"packed\": %.2f, \"max_abs_difference\": %.2e}\n",
           m, flops / t_openblas / 1e9, blis_sgemm ? flops / t_blis / 1e9 : 0.0, flops / t_onednn / 1e9, onednn_impl,
           flops / t_packed / 1e9, worst);
  }
  return 0;
}
