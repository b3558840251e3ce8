#!/usr/bin/python3
"""A burst of tiny files dropped at once: throughput and the daemon's peak
memory.

    cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DTD_TESTS=OFF
    cmake --build build-release -j2
    bench/burst_bench.py --build build-release --files 10000

Every file is written to a staging folder first, then all are renamed into
the drop folder as fast as Python can (a burst, as `mv dir/* inbox/`
makes).  The clock runs from the first rename to the last
transcript.done.  Peak memory is the kernel's high-water mark of the
daemon's resident set (VmHWM in /proc/PID/status), read at the end; the
resident set is also sampled while the burst runs.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import zmq

from benchlib import free_port

ROOT = pathlib.Path(__file__).resolve().parents[1]
CAPTIONS = (ROOT / "tests" / "fixtures" / "captions" / "titled.txt").read_text()


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def write_conf(tmp, args, port):
    conf = tmp / "transcriptd.conf"
    conf.write_text("\n".join([
        "[daemon]",
        f"inbox = {tmp / 'inbox'}", f"outbox = {tmp / 'outbox'}",
        f"work = {tmp / 'inbox' / '.work'}", f"done = {tmp / 'done'}",
        f"failed = {tmp / 'failed'}", f"state = {tmp / 'state'}",
        f"workers = {args.workers}", f"fsync = {args.fsync}",
        *([f"max_queue = {args.max_queue}"] if args.max_queue else []),
        "log_level = warning",
        "[bus]", f"publish = tcp://127.0.0.1:{port}", "replay =",
        "heartbeat = 1000", "",
    ]))
    return conf


def run(args):
    binary = pathlib.Path(args.build).resolve() / "transcriptd"
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="td-burst-", dir=args.dir))
    try:
        stage = tmp / "stage"
        stage.mkdir()
        names = [f"t{i:06d}.txt" for i in range(args.files)]
        for n in names:
            (stage / n).write_text(CAPTIONS + f"1:05 file {n}\n")
        port = free_port()
        conf = write_conf(tmp, args, port)

        ctx = zmq.Context()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"transcript.")
        sub.setsockopt(zmq.SUBSCRIBE, b"daemon.heartbeat")
        sub.connect(f"tcp://127.0.0.1:{port}")
        log = open(tmp / "daemon.log", "wb")
        proc = subprocess.Popen([str(binary), "run", "-c", str(conf)],
                                stdout=log, stderr=log)
        # Ready once the bus reaches us (the first heartbeat).
        while True:
            if not sub.poll(5000):
                sys.exit("the daemon did not start:\n" + (tmp / "daemon.log").read_text())
            if sub.recv_multipart()[0] == b"daemon.heartbeat":
                break
        idle_kb = status_kb(proc.pid, "VmRSS")

        samples = []
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append(status_kb(proc.pid, "VmRSS"))
                time.sleep(0.05)
        sampler = threading.Thread(target=sample)
        sampler.start()

        inbox = tmp / "inbox"
        t0 = time.monotonic()
        for n in names:
            os.rename(stage / n, inbox / n)
        t_dropped = time.monotonic()
        done = failed = 0
        deadline = t0 + args.timeout
        while done + failed < args.files:
            if time.monotonic() > deadline:
                sys.exit(f"timed out: {done} done, {failed} failed")
            if sub.poll(1000):
                topic = sub.recv_multipart()[0]
                done += topic == b"transcript.done"
                failed += topic == b"transcript.failed"
        t1 = time.monotonic()
        peak_kb = status_kb(proc.pid, "VmHWM")
        stop.set()
        sampler.join()
        proc.terminate()
        proc.wait(30)
        sub.close(linger=0)
        ctx.term()

        on_disk = len(os.listdir(tmp / "done")) + len(os.listdir(tmp / "failed"))
        secs = t1 - t0
        print(f"files:            {args.files} ({done} done, {failed} failed, "
              f"{on_disk} in done/ + failed/)")
        print(f"workers:          {args.workers or os.cpu_count()}, fsync = {args.fsync}, "
              f"max_queue = {args.max_queue or 'default'}")
        print(f"dropped in:       {t_dropped - t0:.2f} s")
        print(f"all processed in: {secs:.2f} s")
        print(f"throughput:       {args.files / secs:.0f} files/s")
        print(f"RSS idle:         {idle_kb / 1024:.1f} MB")
        print(f"RSS sampled max:  {max(samples) / 1024:.1f} MB")
        print(f"peak RSS (VmHWM): {peak_kb / 1024:.1f} MB")
        return peak_kb
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=str(ROOT / "build-release"))
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=0, help="0: one per core")
    ap.add_argument("--fsync", default="yes", choices=["yes", "no"])
    ap.add_argument("--max-queue", type=int, default=None,
                    help="[daemon] max_queue (default: the daemon's, 10000)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--dir", default=None, help="where the spool goes (default: $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the spool for a look")
    run(ap.parse_args())


if __name__ == "__main__":
    main()
