#!/usr/bin/python3
"""Search over an index of 1,000 transcripts, and what indexing costs the chain.

  bench/search_bench.py [--bin build-rel/transcriptd] [--docs 1000] [--queries 50]
                        [--runs 5] [--drops 100]

1. Corpus: --docs synthetic caption transcripts cut from the caption seeds
   (../shared/corpus/seeds) and fixtures: each one a title and 300 to 1,500
   caption lines taken in windows from random places of random sources,
   stamped afresh.  Deterministic (seeded).
2. Index: `transcriptd process` with only the sqlite exporter over all of
   them (one database, worker threads writing in turn); time and MB/s.
3. Search: two mixes of --queries queries each (words drawn by
   occurrence, two-word phrases, prefixes, ORs): "content words" leaves out
   the 200 most frequent words of the corpus (that, have, this: what
   nobody searches for), "any words" keeps them and is the harder case.
   Each query is run --runs times as a whole `transcriptd search` command
   (process start, config, open, query, print: what a user waits for);
   the figure is the p50 over queries of each query's median wall time,
   and of its CPU time (perf stat task-clock, when perf is there: on a
   shared machine wall time includes waiting for a CPU).  The cost of
   starting any process from here is measured on /bin/true.
4. The chain: process throughput of json vs json + sqlite on the same
   corpus, and drop-to-done latency of the daemon (fsync on) with and
   without sqlite, measured with ../shared/bench/droplat.py.

Builds a release binary in build-rel/ when --bin does not exist.  Prints
Markdown to paste into docs/search.md.
"""
import argparse
import collections
import os
import pathlib
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import free_port, ensure_binary

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DROPLAT = SHARED / "bench" / "droplat.py"
PY = "/usr/bin/python3"
STAMP = re.compile(r"^\s*(\d+:)?\d+:\d\d\s+(.*)$")


def caption_lines():
    """The caption lines (text only) of every seed and fixture that has them."""
    sources = []
    seeds = SHARED / "corpus" / "seeds"
    paths = sorted(seeds.iterdir()) if seeds.is_dir() else []
    paths += sorted((ROOT / "tests" / "fixtures").glob("*/*.txt"))
    for p in paths:
        lines = [m.group(2) for m in map(STAMP.match, p.read_text(errors="replace")
                                         .splitlines()) if m and m.group(2)]
        if len(lines) >= 3:
            sources.append(lines)
    if not sources:
        sys.exit("no caption sources found (../shared/corpus/seeds)")
    return sources


def make_corpus(folder, n, rng):
    sources = caption_lines()
    files, total = [], 0
    for i in range(n):
        want, lines = rng.randint(300, 1500), []
        while len(lines) < want:
            src = rng.choice(sources)
            start = rng.randrange(len(src))
            lines += src[start:start + rng.randint(20, 200)]
        t, out = 0, [f"Synthetic talk {i}", ""]
        for text in lines[:want]:
            out.append(f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d} {text}")
            t += rng.randint(1, 4)
        path = folder / f"talk{i:04d}.txt"
        path.write_text("\n".join(out) + "\n")
        files.append(path)
        total += path.stat().st_size
    return files, total, [l for s in sources for l in s]


def make_queries(lines, n, rng, skip_common):
    """Words drawn by occurrence (a frequent word as often as it occurs),
    two-word phrases, prefixes and ORs, in the proportions 50/20/15/15.
    skip_common: leave out the 200 most frequent words of the corpus (that,
    have, this, ...), which nobody searches for: the content-word mix."""
    tokens = [w for l in lines for w in re.findall(r"[a-z]{3,}", l.lower())]
    if skip_common:
        common = {w for w, _ in collections.Counter(tokens).most_common(200)}
        tokens = [w for w in tokens if w not in common]
    else:
        tokens = [w for w in tokens if len(w) >= 4]
    qs = []
    while len(qs) < n:
        kind = rng.random()
        if kind < 0.5:
            qs.append(rng.choice(tokens))
        elif kind < 0.7:
            words = re.findall(r"[a-z]+", rng.choice(lines).lower())
            pairs = [(a, b) for a, b in zip(words, words[1:])
                     if not skip_common or a not in common or b not in common]
            if pairs:
                qs.append('"%s %s"' % rng.choice(pairs))
        elif kind < 0.85:
            qs.append(rng.choice(tokens)[:4] + "*")
        else:
            qs.append(f"{rng.choice(tokens)} OR {rng.choice(tokens)}")
    return qs


def run_ms(argv):
    """Wall time of one command, spawned directly (no shell), in ms."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status = os.waitpid(pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{argv} failed: {status}")
    return wall


PERF = shutil.which("perf")


def cpu_ms(argv, runs):
    """Mean CPU time (task-clock) of a command over runs, from perf stat: the
    kernel's per-process user/system split is counted in whole ticks, too
    coarse here.  None without perf."""
    if PERF is None:
        return None
    r = subprocess.run([PERF, "stat", "-x", ",", "-e", "task-clock", "-r", str(runs),
                        *argv], capture_output=True, text=True)
    for line in r.stderr.splitlines():
        f = line.split(",")
        if len(f) > 2 and f[2] == "task-clock":
            return float(f[0])
    return None


def p(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def time_search(binary, db, queries, runs):
    whole, cpu, hits = [], [], []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for q in queries:
        argv = [str(binary), "search", "--db", str(db), "--limit", "10", q]
        run_ms(argv)                                  # warm the page cache
        whole.append(statistics.median(run_ms(argv) for _ in range(runs)))
        cpu.append(cpu_ms(argv, runs))
        hits.append(con.execute("SELECT count(*) FROM segments_fts WHERE segments_fts "
                                "MATCH ?", (q,)).fetchone()[0])
    true_ms = statistics.median(run_ms(["/bin/true"]) for _ in range(50))
    version = [str(binary), "--version"]
    start = (statistics.median(run_ms(version) for _ in range(50)), cpu_ms(version, 50))
    return whole, cpu, hits, true_ms, start


def process(binary, files, out, exporters, extra=""):
    """Runs `transcriptd process`; returns (wall s, CPU s of the process)."""
    out.mkdir()
    conf = out / "bench.conf"
    conf.write_text(f"[pipeline]\nexporters = {exporters}\n{extra}")
    before = os.times()
    t0 = time.perf_counter()
    subprocess.run([binary, "process", "-q", "-c", conf, "-o", out, *files], check=True,
                   stdout=subprocess.DEVNULL)
    after = os.times()
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    return time.perf_counter() - t0, cpu


def drop_latency(binary, sample, drops, tmp, exporters):
    d = tmp / f"lat-{exporters.replace(' ', '-')}"
    d.mkdir()
    port = free_port()
    conf = d / "c.conf"
    conf.write_text(f"[daemon]\ninbox = {d}/inbox\noutbox = {d}/outbox\n"
                    f"work = {d}/inbox/.work\ndone = {d}/done\nfailed = {d}/failed\n"
                    f"[bus]\npublish = tcp://127.0.0.1:{port}\n"
                    f"[pipeline]\nexporters = {exporters}\n")
    proc = subprocess.Popen([binary, "run", "-q", "-c", conf], cwd=d)
    time.sleep(0.5)
    try:
        r = subprocess.run([PY, DROPLAT, d / "inbox", f"tcp://127.0.0.1:{port}",
                            "transcript.done", sample, str(drops)],
                           check=True, capture_output=True, text=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    m = dict(re.findall(r"(\w+)=([\d.]+)", r.stdout))
    return float(m["p50"]), float(m["p99"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build-rel" / "transcriptd"))
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drops", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    binary = ensure_binary(pathlib.Path(a.bin).resolve())
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        corpus = tmp / "corpus"
        corpus.mkdir()
        files, total, lines = make_corpus(corpus, a.docs, rng)
        mb = total / 1e6

        index_s, index_cpu = process(binary, files, tmp / "index", "sqlite",
                                     "[sqlite]\nfsync = no\n")
        db = tmp / "index" / "transcripts.db"
        con = sqlite3.connect(db)
        nseg = con.execute("SELECT count(*) FROM segments").fetchone()[0]
        ndoc = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
        mixes = {}
        for name, skip in (("content words", True), ("any words", False)):
            queries = make_queries(lines, a.queries, rng, skip)
            mixes[name] = (queries, *time_search(binary, db, queries, a.runs))

        json_s, json_cpu = process(binary, files, tmp / "json", "json")
        both_s, both_cpu = process(binary, files, tmp / "both", "json sqlite",
                                   "[sqlite]\nfsync = no\n")
        lat = {}
        if a.drops and DROPLAT.exists():
            sample = max(files, key=lambda f: f.stat().st_size)
            for ex in ("json", "json sqlite"):
                lat[ex] = drop_latency(binary, sample, a.drops, tmp, ex)
        dbsize = db.stat().st_size

    print(f"corpus: {ndoc} transcripts, {nseg} segments, {mb:.1f} MB of captions; "
          f"index {dbsize / 1e6:.0f} MB; {os.cpu_count()} cores; load average "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| index {ndoc} transcripts (process, sqlite only) | {index_s:.1f} s, "
          f"{mb / index_s:.1f} MB/s; CPU {index_cpu:.1f} s |")
    fmt = lambda v: "n/a" if v is None else f"{v:.2f}"
    for name, (queries, whole, cpu, hits, true_ms, start) in mixes.items():
        print(f"| **{name}**: `transcriptd search` whole command, p50 / p90 / max "
              f"over {len(queries)} queries | {p(whole, .5):.2f} / {p(whole, .9):.2f} / "
              f"{max(whole):.2f} ms |")
        if None not in cpu:
            print(f"| {name}: same, CPU time (perf task-clock), p50 / p90 | "
                  f"{p(cpu, .5):.2f} / {p(cpu, .9):.2f} ms |")
        print(f"| {name}: matches per query, p50 / max | {p(hits, .5)} / {max(hits)} |")
    print(f"| `transcriptd --version`, wall / CPU, p50 | {start[0]:.2f} / {fmt(start[1])} ms |")
    print(f"| starting /bin/true from here, p50 | {true_ms:.2f} ms |")
    print(f"| process, json | {mb / json_s:.1f} MB/s; CPU {json_cpu:.1f} s |")
    print(f"| process, json + sqlite (fsync = no) | {mb / both_s:.1f} MB/s; "
          f"CPU {both_cpu:.1f} s |")
    for ex, (p50, p99) in lat.items():
        print(f"| drop-to-done p50 / p99, exporters = {ex} (fsync on) | "
              f"{p50:.2f} / {p99:.2f} ms |")
    for name, (queries, whole, cpu, hits, _, _) in mixes.items():
        print(f"\n{name}, slowest queries (whole ms, CPU ms, matches, query):")
        for w, c, h, q in sorted(zip(whole, cpu, hits, queries), key=lambda t: -t[0])[:3]:
            print(f"  {w:7.2f} {fmt(c):>7} {h:7d}  {q}")


if __name__ == "__main__":
    main()
