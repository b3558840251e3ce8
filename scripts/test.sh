#!/bin/sh
# Sets up, builds and runs every test: cmocka unit tests under ctest and
# the end-to-end pytest suite, all under AddressSanitizer and UBSan, with
# LD_BIND_NOW=1 so that a plugin with an undefined symbol fails at load.
#
#   scripts/test.sh [pytest arguments...]
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh

BUILD=${TRANSCRIPTD_BUILD:-build-asan}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DTD_SANITIZE=ON -DTD_TESTS=ON
cmake --build "$BUILD" -j "$jobs"

export LD_BIND_NOW=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

(cd "$BUILD" && ctest --output-on-failure -j "$jobs")

# Debian's python3: the one first on PATH may lack pytest and pyzmq.
TRANSCRIPTD_BUILD="$PWD/$BUILD" /usr/bin/python3 -m pytest -q tests/e2e "$@"
