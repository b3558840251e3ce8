#!/bin/sh
# Parsing alone against `wc -w` over the same bytes, measured in one run.
#
#   bench/parse_bench.sh [COPIES]          (default 40)
#
# Builds a Release tree (build-release), copies each transcript of the
# corpus (CORPUS, default ../shared/corpus/seeds) COPIES times into a
# temporary folder, and times with hyperfine:
#   wc -w FILES                      under LC_ALL=C and C.UTF-8
#   transcriptd process FILES        with empty cleaners, summarizers and
#                                    exporters: decoding, probing every
#                                    parser (parsers = auto) and parsing
# once with one worker thread and once with one per core.
set -eu
cd "$(dirname "$0")/.."

copies=${1:-40}
corpus=${CORPUS:-../shared/corpus/seeds}
BUILD=${TD_BENCH_BUILD:-build-release}

[ -d "$corpus" ] || { echo "no corpus at $corpus (set CORPUS)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is needed (scripts/deps.sh)" >&2; exit 2; }

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j 2 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
i=0
while [ $i -lt "$copies" ]; do
    for f in "$corpus"/*; do
        cp "$f" "$work/in/$i-$(basename "$f")"
    done
    i=$((i + 1))
done
for w in 1 0; do
    printf '[daemon]\nworkers = %s\n[pipeline]\nparsers = auto\ncleaners =\nsummarizers =\nexporters =\n' \
        "$w" >"$work/parse-$w.conf"
done

files=$(ls "$work/in" | wc -l)
bytes=$(cat "$work"/in/* | wc -c)
echo "corpus: $files files, $bytes bytes ($copies copies of $corpus)"
bin=$PWD/$BUILD/transcriptd
cd "$work/in"
hyperfine --warmup 2 --runs "${RUNS:-10}" -N \
    --command-name "wc -w (LC_ALL=C)" "env LC_ALL=C wc -w $(echo *)" \
    --command-name "wc -w (C.UTF-8)" "env LC_ALL=C.UTF-8 wc -w $(echo *)" \
    --command-name "transcriptd parse, 1 worker" \
        "$bin -q process -c $work/parse-1.conf -o $work/out $(echo *)" \
    --command-name "transcriptd parse, 1 worker per core" \
        "$bin -q process -c $work/parse-0.conf -o $work/out $(echo *)" \
    --export-markdown "$work/result.md"
cat "$work/result.md"
