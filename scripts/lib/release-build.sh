# Sourced by every script that builds release binaries (the demo, the benchmarks, the
# evaluations); deploy/Dockerfile passes the same flags. One set of flags for every release
# build, because SwiftPM compiles every module again when they change: a benchmark built one way
# and the demo another would rebuild each other's binaries (about 10 minutes on 2 cores). The
# number of jobs is one of them (SwiftPM hands it to the compiler as -j<N>), so every script
# builds with the same: SWIFT_JOBS, default 2.
#
# --static-swift-stdlib links the Swift runtime, the standard library, Concurrency and Foundation
# into each binary. Retain/release and the task runtime are then direct calls, not calls through
# the dynamic linker's tables (and __tls_get_addr for their thread-locals). On this 2-core machine,
# alternating the two builds in the same minutes: a Recommend cache hit with rules took 178-182 us
# of service CPU instead of 190-213 us, Health/Check 140-149 us instead of 155-162 us
# (docs/benchmarks.md, "Static Swift runtime").
stylecast_release_flags=(-c release --static-swift-stdlib)

# Builds each named product in release, one `swift build` per product (it takes a single
# --product), with SWIFT_JOBS jobs (default 2); the compiler's output goes to stdout.
#   release_build PRODUCT...
release_build() {
  local product
  for product in "$@"; do
    swift build "${stylecast_release_flags[@]}" -j "${SWIFT_JOBS:-2}" --product "$product" || return
  done
}

# Prints the directory holding the release binaries.
release_bin_path() {
  swift build "${stylecast_release_flags[@]}" --show-bin-path
}
