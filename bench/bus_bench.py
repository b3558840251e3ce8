#!/usr/bin/python3
"""Benchmarks of the bus, on a release build:

  1. events per second through the daemon's publish path (bus.c and the
     journal) with a subscriber attached: bench/bus_bench.c;
  2. submit round trip: a DEALER sends ["SUBMIT", name, bytes] to a real
     `transcriptd run` and waits for ["OK", id, name] (the file written,
     flushed and renamed into the drop folder).

    bench/bus_bench.py [--build build-rel] [--events 200000] [--submits 300]

Prints the figures as Markdown table rows.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import tempfile
import time

import zmq

from benchlib import free_port

ROOT = pathlib.Path(__file__).resolve().parents[1]
SMALL = b"0:00 a short line of a transcript\n0:02 and a second one\n"


def publish_rate(build, events, runs=3):
    figures = []
    for _ in range(runs):
        out = subprocess.run([str(build / "bench" / "bus_bench"), str(events)],
                             capture_output=True, text=True, check=True).stdout
        figures.append(dict(kv.split("=", 1) for kv in out.split()))
    best = max(figures, key=lambda f: float(f["events_per_s"]))
    rates = sorted(float(f["events_per_s"]) for f in figures)
    return rates, best


def submit_round_trips(build, count, tmp):
    ingest = f"tcp://127.0.0.1:{free_port()}"
    conf = tmp / "bench.conf"
    conf.write_text(
        f"[daemon]\ninbox = {tmp}/inbox\noutbox = {tmp}/outbox\nwork = {tmp}/inbox/.work\n"
        f"done = {tmp}/done\nfailed = {tmp}/failed\nstate = {tmp}/state\n"
        "log_level = warning\n"
        f"[bus]\npublish = tcp://127.0.0.1:{free_port()}\n"
        f"replay = tcp://127.0.0.1:{free_port()}\ningest = {ingest}\n")
    daemon = subprocess.Popen([str(build / "transcriptd"), "run", "-c", str(conf)])
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(ingest)
    try:
        times = []
        for i in range(count + 20):
            t0 = time.perf_counter()
            sock.send_multipart([b"SUBMIT", f"s{i}.txt".encode(), SMALL])
            if not sock.poll(10000):
                raise SystemExit("no answer from the daemon")
            reply = sock.recv_multipart()
            assert reply[0] == b"OK", reply
            if i >= 20:            # the first ones wait for the daemon's start
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        sock.close()
        daemon.terminate()
        daemon.wait(20)


def peer_publish_rate(events, runs=3):
    """What the reference does per event (json.dumps, PUB send_multipart),
    with a subscriber counting in another thread, in the same run."""
    import json
    import threading
    rates = []
    for _ in range(runs):
        ctx = zmq.Context()
        ep = f"tcp://127.0.0.1:{free_port()}"
        pub = ctx.socket(zmq.PUB)
        pub.setsockopt(zmq.SNDHWM, 0)
        pub.bind(ep)
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.subscribe(b"")
        sub.connect(ep)
        got = []

        def count():
            n = 0
            while n < events and sub.poll(5000):
                sub.recv_multipart()
                n += 1
            got.append(n)
        t = threading.Thread(target=count)
        t.start()
        time.sleep(0.3)
        t0 = time.perf_counter()
        for i in range(events):
            pub.send_multipart([b"transcript.done", json.dumps(
                {"source": f"f{i}.txt", "json": f"/out/f{i}.json", "seq": i}).encode()])
        t.join()
        rates.append(events / (time.perf_counter() - t0))
        sub.close(linger=0)
        pub.close(linger=0)
        ctx.term()
    return sorted(rates)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(ROOT / "build-rel"))
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--submits", type=int, default=300)
    args = ap.parse_args()
    build = pathlib.Path(args.build)

    rates, best = publish_rate(build, args.events)
    peer = peer_publish_rate(args.events)
    print("| measure | transcriptd | peer.py's way | ratio |")
    print("|---|---|---|---|")
    print(f"| events published per second, subscriber attached "
          f"({args.events} events, median of 3) | {rates[1]:,.0f} (journaled; "
          f"all {best['received']} delivered) | {peer[1]:,.0f} | "
          f"{rates[1] / peer[1]:.1f}x |")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        times = submit_round_trips(build, args.submits, pathlib.Path(tmp))
    q = statistics.quantiles(times, n=100)
    print(f"| submit round trip, {len(SMALL)}-byte file ({len(times)} submits) | "
          f"p50 {statistics.median(times):.2f} ms, p90 {q[89]:.2f} ms, "
          f"p99 {q[98]:.2f} ms | (no submit) | |")


if __name__ == "__main__":
    main()
