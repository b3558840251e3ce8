#!/usr/bin/python3
"""The core chain against the reference peer, measured in one run.

  bench/core_bench.py [--bin build-rel/transcriptd] [--mb 20] [--runs 3]
                      [--chain core|default]

1. Throughput: `transcriptd process` and `peer.py batch` over the same
   caption transcripts (>= --mb MB, copies of the caption seeds), MB/s and
   the ratio.
2. Latency: drop-to-`transcript.done` of the daemon and of `peer.py watch`
   on a 75 KB caption file, p50 and p99, both measured with droplat.py.

--chain core (the default) runs the core chain: the parsers, normalize,
stats and the json exporter; --chain default runs the default config's
whole chain (every cleaner and summarizer; json, markdown and sqlite);
--chain default-json the same with the json exporter alone.

Needs ../shared (the seeds and the reference) beside the project.  Builds a
release binary in build-rel/ when --bin does not exist.  Prints a Markdown
table to paste into docs/BENCHMARKS.md.
"""
import argparse
import os
import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import free_port, ensure_binary, caption_seeds

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PEER = SHARED / "bench" / "peer.py"
DROPLAT = SHARED / "bench" / "droplat.py"
PY = "/usr/bin/python3"
CORE_CHAIN = ("[pipeline]\ncleaners = normalize\nsummarizers = stats\n"
              "exporters = json\n")


def make_corpus(folder, mb):
    seeds = caption_seeds()
    total, i, files = 0, 0, []
    while total < mb * 1e6:
        src = seeds[i % len(seeds)]
        dst = folder / f"c{i:05d}_{src.name}"
        shutil.copyfile(src, dst)
        files.append(dst)
        total += dst.stat().st_size
        i += 1
    return files, total


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t0


def throughput(binary, conf, files, total, runs, tmp):
    ours, peer = [], []
    for r in range(runs):
        out = tmp / f"out-ours-{r}"
        out.mkdir()
        ours.append(timed([binary, "process", "-q", "-c", conf, "-o", out, *files]))
        out = tmp / f"out-peer-{r}"
        out.mkdir()
        peer.append(timed([PY, PEER, "batch", out, *files]))
    mbs = lambda t: total / 1e6 / statistics.median(t)
    return mbs(ours), mbs(peer)


def droplat(inbox, endpoint, sample, n):
    r = subprocess.run([PY, DROPLAT, inbox, endpoint, "transcript.done", sample, str(n)],
                       check=True, capture_output=True, text=True)
    m = dict(re.findall(r"(\w+)=([\d.]+)", r.stdout))
    return float(m["p50"]), float(m["p99"]), r.stdout.strip()


def latency(binary, pipeline, sample, n, tmp):
    results = {}
    # The daemon, on its default chain and durability (fsync on).
    d = tmp / "lat-ours"
    d.mkdir()
    port = free_port()
    conf = d / "c.conf"
    conf.write_text(f"[daemon]\ninbox = {d}/inbox\noutbox = {d}/outbox\n"
                    f"work = {d}/inbox/.work\ndone = {d}/done\nfailed = {d}/failed\n"
                    f"state = {d}/state\ncontrol =\n[bus]\npublish = tcp://127.0.0.1:{port}\n"
                    f"replay = tcp://127.0.0.1:{free_port()}\n"
                    f"ingest =\n{pipeline}")
    p = subprocess.Popen([binary, "run", "-q", "-c", conf])
    time.sleep(0.5)
    try:
        results["ours"] = droplat(d / "inbox", f"tcp://127.0.0.1:{port}", sample, n)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait()
    # The reference peer in watch mode.
    d = tmp / "lat-peer"
    (d / "inbox").mkdir(parents=True)
    (d / "out").mkdir()
    port = free_port()
    p = subprocess.Popen([PY, PEER, "watch", d / "inbox", d / "out",
                          f"tcp://127.0.0.1:{port}"])
    time.sleep(1.0)
    try:
        results["peer"] = droplat(d / "inbox", f"tcp://127.0.0.1:{port}", sample, n)
    finally:
        p.send_signal(signal.SIGINT)
        p.wait()
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build-rel" / "transcriptd"))
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--drops", type=int, default=100)
    ap.add_argument("--chain", choices=("core", "default", "default-json"),
                    default="core")
    a = ap.parse_args()
    pipeline = {"core": CORE_CHAIN, "default": "",
                "default-json": "[pipeline]\nexporters = json\n"}[a.chain]
    if not PEER.exists():
        sys.exit(f"the reference {PEER} is not there; nothing to compare with")
    binary = ensure_binary(pathlib.Path(a.bin))
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        corpus = tmp / "corpus"
        corpus.mkdir()
        files, total = make_corpus(corpus, a.mb)
        conf = tmp / "chain.conf"
        conf.write_text(pipeline)
        ours, peer = throughput(binary, conf, files, total, a.runs, tmp)
        sample = min(caption_seeds(), key=lambda p: abs(p.stat().st_size - 75_000))
        lat = latency(binary, pipeline, sample, a.drops, tmp)
    print(f"chain: {a.chain}; corpus: {len(files)} caption files, {total / 1e6:.1f} MB; "
          f"latency sample: {sample.name} ({sample.stat().st_size / 1000:.0f} KB); "
          f"{os.cpu_count()} cores")
    print()
    print("| measure | transcriptd | peer.py | ratio |")
    print("|---|---|---|---|")
    print(f"| process throughput (MB/s, median of {a.runs}) | {ours:.1f} | {peer:.2f} "
          f"| {ours / peer:.0f}x |")
    o50, o99, _ = lat["ours"]
    p50, p99, _ = lat["peer"]
    print(f"| drop-to-done p50 (ms) | {o50:.2f} | {p50:.2f} | {p50 / o50:.1f}x faster |")
    print(f"| drop-to-done p99 (ms) | {o99:.2f} | {p99:.2f} | {p99 / o99:.1f}x faster |")


if __name__ == "__main__":
    main()
