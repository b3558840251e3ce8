#!/bin/sh
# Builds the core's libFuzzer targets with clang (ASan + UBSan) and runs
# each for SECONDS (default 60), one after the other.
#
#   tests/fuzz-core/run.sh [SECONDS] [TARGET...]     TARGET: decode config doc_json journal ingest_name ingest_request
#
# The growing corpus is kept in build-fuzz-core/fuzz-core/corpus/<target>,
# seeded from tests/fuzz-core/corpus/<target>.  A crash stops the run and
# leaves its input in build-fuzz-core/fuzz-core/artifacts/<target>/: copy it to
# tests/fuzz-core/regressions/<target>/ once fixed.
set -eu
cd "$(dirname "$0")/../.."

SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=${*:-decode config doc_json journal ingest_name ingest_request}
BUILD=${TD_FUZZ_BUILD:-build-fuzz-core}

CC=clang cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DTD_FUZZ=ON -DTD_TESTS=OFF >/dev/null
for t in $TARGETS; do
    cmake --build "$BUILD" -j 2 --target "fuzz_$t" >/dev/null
done

for t in $TARGETS; do
    corpus="$BUILD/fuzz-core/corpus/$t"
    artifacts="$BUILD/fuzz-core/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    seeds="tests/fuzz-core/corpus/$t"
    [ -d "tests/fuzz-core/regressions/$t" ] && seeds="$seeds tests/fuzz-core/regressions/$t"
    echo "fuzz_$t: ${SECONDS_EACH}s"
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ASAN_OPTIONS=detect_leaks=1 \
        "$BUILD/fuzz-core/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" \
        "$corpus" $seeds
done
