#ifndef STYLECAST_CBLAS_SHIM_H
#define STYLECAST_CBLAS_SHIM_H
/* Debian's libopenblas-dev installs cblas.h (with the openblas_* extensions) through
   the alternatives system under the multiarch include directory. */
#include <cblas.h>
#endif
