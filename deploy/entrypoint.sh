#!/bin/sh
# Container entrypoint: chooses the OpenBLAS kernel from the CPU flags when OPENBLAS_CORETYPE
# is unset (scripts/lib/blas-kernel.sh), then runs the given command (a service or stylecast).
. /usr/local/lib/stylecast/blas-kernel.sh
exec "$@"
