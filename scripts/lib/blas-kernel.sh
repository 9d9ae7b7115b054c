# Sourced by the launchers (scripts/demo.sh, the container entrypoint, the benchmarks): when
# OPENBLAS_CORETYPE is unset, picks OpenBLAS's kernel from the CPU flags (stylecast up applies the
# same rule in Swift), because Debian's
# OpenBLAS 0.3.21 detects recent CPUs as "Prescott" and runs sgemm about 5x slower than it can.
# A value already set (by an operator, or by the machine) is always kept. Tests and CI do not
# source this file: they leave the environment alone. Each service logs the kernel that runs
# (`blas_kernel=` in its start-up line).
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  _stylecast_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  _stylecast_has() { case "$_stylecast_flags" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
  if _stylecast_has avx512f && _stylecast_has avx512vl && _stylecast_has avx512bw && _stylecast_has avx512dq; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif _stylecast_has avx2 && _stylecast_has fma; then
    export OPENBLAS_CORETYPE=Haswell
  fi
  unset -f _stylecast_has
  unset _stylecast_flags
  [ -n "${OPENBLAS_CORETYPE:-}" ] && echo "blas-kernel: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE chosen from the CPU flags" >&2
fi
true
