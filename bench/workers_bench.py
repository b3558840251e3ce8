#!/usr/bin/python3
"""Throughput of isolation = process with 1, 2 and 4 workers over tcp loopback.

  bench/workers_bench.py [--bin build-rel/transcriptd] [--mb 10] [--runs 5]
                         [--workers 1,2,4]

The daemon runs with isolation = process, no local workers and a tcp
workers_endpoint on 127.0.0.1; `transcriptd worker --connect` processes
are started beside it, as they would be on other machines.  Each run
renames a corpus of caption files (>= --mb MB, copies of the caption seeds)
into the drop folder at once and waits for the last transcript.done; the
figures are MB/s of source (median of --runs) and the CPU time the daemon
and its workers spent per MB (user + system, all runs): the machines here
are shared, and CPU time moves much less than wall time with the load.  For comparison the same burst
goes through isolation = thread with one thread per core.  fsync is off:
this measures how the work spreads, not the disk.

Needs ../shared/corpus/seeds beside the project (skips without).  Builds a
release binary in build-rel/ when --bin does not exist.  Prints a Markdown
table to paste into docs/BENCHMARKS.md.
"""
import argparse
import json
import os
import pathlib
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import zmq

from benchlib import free_port, ensure_binary, caption_seeds

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def make_corpus(folder, mb):
    seeds = caption_seeds()
    total, i = 0, 0
    while total < mb * 1e6:
        src = seeds[i % len(seeds)]
        shutil.copyfile(src, folder / f"c{i:05d}.txt")
        total += src.stat().st_size
        i += 1
    return i, total


class Daemon:
    def __init__(self, binary, tmp, isolation, threads=0):
        self.binary, self.tmp = binary, tmp
        self.pub = f"tcp://127.0.0.1:{free_port()}"
        self.endpoint = f"tcp://127.0.0.1:{free_port()}"
        self.conf = tmp / "bench.conf"
        self.conf.write_text(
            f"[daemon]\ninbox = {tmp}/inbox\noutbox = {tmp}/outbox\n"
            f"work = {tmp}/inbox/.work\ndone = {tmp}/done\nfailed = {tmp}/failed\n"
            f"state = {tmp}/state\nfsync = no\nisolation = {isolation}\n"
            f"workers = {threads}\nworkers_endpoint = {self.endpoint}\n"
            f"[bus]\npublish = {self.pub}\nreplay =\n")
        self.log = open(tmp / "daemon.log", "wb")
        self.sub = zmq.Context.instance().socket(zmq.SUB)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"transcript.")
        self.sub.setsockopt(zmq.RCVHWM, 0)
        self.sub.connect(self.pub)
        self.proc = subprocess.Popen([binary, "run", "-c", self.conf],
                                     stdout=self.log, stderr=self.log)
        self.workers = []
        time.sleep(0.5)

    def add_workers(self, n):
        for _ in range(n):
            self.workers.append(subprocess.Popen(
                [self.binary, "worker", "-q", "--connect", self.endpoint, "-c", self.conf],
                stdout=self.log, stderr=self.log))
        deadline = time.monotonic() + 20
        want = f"ready; {len(self.workers)} worker(s)"
        while want not in (self.tmp / "daemon.log").read_text():
            if time.monotonic() > deadline:
                sys.exit(f"workers never connected; see {self.tmp}/daemon.log")
            time.sleep(0.05)

    def burst(self, corpus, tag):
        """Renames the corpus into the drop folder; seconds to the last done."""
        stage = self.tmp / f"stage-{tag}"
        stage.mkdir()
        names = []
        for p in sorted(corpus.iterdir()):
            shutil.copyfile(p, stage / f"{tag}-{p.name}")
            names.append(f"{tag}-{p.name}")
        inbox = self.tmp / "inbox"
        t0 = time.perf_counter()
        for n in names:
            os.rename(stage / n, inbox / n)
        left = set(names)
        while left:
            if not self.sub.poll(30000):
                sys.exit(f"stalled with {len(left)} files left; see {self.tmp}/daemon.log")
            topic, payload = self.sub.recv_multipart()
            ev = json.loads(payload)
            if topic == b"transcript.failed":
                sys.exit(f"{ev['source']} failed: {ev['error']}")
            if topic == b"transcript.done":
                left.discard(ev["source"])
        return time.perf_counter() - t0

    def close(self):
        for w in self.workers:
            w.send_signal(signal.SIGTERM)
        for w in self.workers:
            w.wait()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        self.sub.close(linger=0)
        self.log.close()


def cpu_seconds(pids):
    """User + system time of the processes, in seconds."""
    ticks = 0
    for pid in pids:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(binary, corpus, total, runs, tmp, isolation, workers):
    d = Daemon(binary, tmp, isolation, threads=0 if isolation == "process" else workers)
    try:
        if isolation == "process":
            d.add_workers(workers)
        d.burst(corpus, "warm")
        pids = [d.proc.pid] + [w.pid for w in d.workers]
        cpu0 = cpu_seconds(pids)
        times = [d.burst(corpus, f"r{r}") for r in range(runs)]
        cpu = cpu_seconds(pids) - cpu0
    finally:
        d.close()
    return total / 1e6 / statistics.median(times), cpu * 1e3 / (total / 1e6 * runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build-rel" / "transcriptd"))
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workers", default="1,2,4")
    a = ap.parse_args()
    if not SEEDS.is_dir() or not caption_seeds():
        print(f"skipped: no caption seeds in {SEEDS}")
        return
    binary = ensure_binary(pathlib.Path(a.bin))
    counts = [int(n) for n in a.workers.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        corpus = tmp / "corpus"
        corpus.mkdir()
        nfiles, total = make_corpus(corpus, a.mb)
        for n in counts:
            run = tmp / f"process-{n}"
            run.mkdir()
            rows.append((f"process, {n} worker(s) over tcp",
                         measure(binary, corpus, total, a.runs, run, "process", n)))
        run = tmp / "thread"
        run.mkdir()
        cores = os.cpu_count()
        rows.append((f"thread, {cores} thread(s)",
                     measure(binary, corpus, total, a.runs, run, "thread", cores)))
    print(f"corpus: {nfiles} caption files, {total / 1e6:.1f} MB per burst; "
          f"{os.cpu_count()} cores; median of {a.runs} bursts")
    print()
    base = rows[0][1][0]
    print("| isolation | MB/s | files/s | vs first row | CPU ms per MB |")
    print("|---|---|---|---|---|")
    for label, (mbs, cpu) in rows:
        print(f"| {label} | {mbs:.1f} | {mbs * 1e6 / (total / nfiles):.0f} "
              f"| {mbs / base:.2f}x | {cpu:.0f} |")


if __name__ == "__main__":
    main()
