#!/bin/sh
# Builds the libFuzzer targets of the parsers (clang, ASan, UBSan) in a
# build folder of their own and runs each for SECONDS (default 10), seeded
# from tests/fixtures/<format> with a dictionary from tests/fuzz/dict.
# New inputs collect in BUILD/fuzz/corpus, findings in BUILD/fuzz/artifacts,
# each run's output in BUILD/fuzz/logs.  Exits 1 if any target found a bug.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: captions srt ...)
set -eu
cd "$(dirname "$0")/.."

secs=${1:-10}
[ $# -gt 0 ] && shift
targets=${*:-captions turns chat_md srt vtt whisper_json podcast_json text}
BUILD=${TD_FUZZ_BUILD:-build-fuzz}

cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DTD_FUZZ=ON -DTD_TESTS=OFF -DTD_SANITIZE=OFF >/dev/null
cmake --build "$BUILD" --target fuzzers -j 2

failed=0
for t in $targets; do
    fixtures=tests/fixtures/$(echo "$t" | tr _ -)
    corpus=$BUILD/fuzz/corpus/$t
    log=$BUILD/fuzz/logs/$t.log
    mkdir -p "$corpus" "$BUILD/fuzz/artifacts" "$BUILD/fuzz/logs"
    if "$BUILD/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
            -dict="tests/fuzz/dict/$t.dict" \
            -artifact_prefix="$BUILD/fuzz/artifacts/$t-" \
            "$corpus" "$fixtures" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz_$t: ${secs}s, $runs runs, no finding"
    else
        echo "fuzz_$t: FINDING after ${secs}s, see $log"
        failed=1
    fi
done
exit $failed
