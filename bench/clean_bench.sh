#!/bin/sh
# Builds transcriptd for speed and measures the cleaner chain over the seed
# corpus: MB of source text per second on one core, per cleaner and for the
# whole chain (see bench/clean_bench.c and docs/BENCHMARKS.md).
#
#   bench/clean_bench.sh [MIN_MB [CLEANER...]]
#
# CORPUS (default ../shared/corpus/seeds) and BUILD (default build-rel) may
# be set in the environment.
set -eu
cd "$(dirname "$0")/.."

CORPUS=${CORPUS:-../shared/corpus/seeds}
BUILD=${BUILD:-build-rel}
if [ ! -d "$CORPUS" ]; then
    echo "clean_bench: no corpus at $CORPUS" >&2
    exit 1
fi
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 >/dev/null
exec "$BUILD/bench/clean_bench" "$BUILD/plugins" "$CORPUS" "$@"
