"""Bounded resources: the time and memory one document may take, and a
bounded queue that loses nothing, even after an inotify overflow."""
import os
import re
import signal
import time

import pytest

from conftest import BUILD, FIXTURES

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()
SLOW = f"{BUILD / 'plugins'}:{BUILD / 'test-plugins' / 'slow'}"


def slow_daemon(daemon, ms, cooperate=True, timeout=1):
    return daemon(plugin_path=SLOW, pipeline={"cleaners": "normalize slow"},
                  conf_extra=f"[daemon]\njob_timeout = {timeout}\n"
                             f"[slow]\nms = {ms}\ncooperate = {'yes' if cooperate else 'no'}\n")


def check_timed_out(d, name):
    ev = d.wait("transcript.failed", name, timeout=40)
    assert ev["error"] == "timed out after 1 s"
    assert ev["plugin"] == "slow" and ev["stage"] == "clean"
    assert (d.failed / name).exists() and not list(d.outbox.iterdir())
    return ev


def test_a_plugin_that_checks_stops_at_the_deadline(daemon):
    d = slow_daemon(daemon, ms=60_000).start()
    t0 = time.monotonic()
    d.drop("long.txt", CAPTIONS)
    check_timed_out(d, "long.txt")
    assert time.monotonic() - t0 < 10          # not the minute it asked for
    # The worker is free again: the next file is taken (and times out too).
    d.drop("next.txt", CAPTIONS)
    check_timed_out(d, "next.txt")
    assert d.stop() == 0


def test_a_plugin_that_never_checks_fails_when_it_returns(daemon):
    d = slow_daemon(daemon, ms=3500, cooperate=False).start()
    t0 = time.monotonic()
    d.drop("stubborn.txt", CAPTIONS)
    check_timed_out(d, "stubborn.txt")
    assert time.monotonic() - t0 >= 3.4        # cooperative: it ran to its end
    # Meanwhile the log said which plugin held the thread, once.
    log = d.read_log()
    assert log.count("past job_timeout") == 1, log
    assert re.search(r"stubborn\.txt: plugin slow: still running [12]\.\d s after the start, "
                     r"past job_timeout \(1 s\): the plugin does not check "
                     r"td_doc_expired\(\)", log), log
    assert d.stop() == 0


def test_within_the_time_limit(daemon):
    d = slow_daemon(daemon, ms=200, timeout=30).start()
    d.drop("quick.txt", CAPTIONS)
    ev = d.wait("transcript.done", "quick.txt")
    assert os.path.exists(ev["outputs"]["json"])
    assert d.stop() == 0


def test_max_doc_memory(daemon):
    d = daemon(conf_extra="[daemon]\nmax_doc_memory = 1000000\n").start()
    big = "".join(f"{i // 60}:{i % 60:02d} line {i} of a long talk\n" for i in range(10000))
    d.drop("big.txt", big)
    ev = d.wait("transcript.failed", "big.txt")
    assert ev["plugin"] == "captions" and ev["stage"] == "parse"
    assert "of memory, more than max_doc_memory (1000000)" in ev["error"]
    used = int(ev["error"].split("uses ")[1].split(" bytes")[0])
    assert 1_000_000 < used < 4_000_000
    d.drop("small.txt", CAPTIONS)
    d.wait("transcript.done", "small.txt")
    assert d.stop() == 0


def test_bounded_queue_loses_nothing(daemon):
    """500 files land at once on a queue of 50: the rest wait on the disk
    and are found by rescans; the queue never holds more than 50."""
    d = daemon(conf_extra="[daemon]\nmax_queue = 50\n").start()
    names = [f"q{i:03d}.txt" for i in range(500)]
    d.proc.send_signal(signal.SIGSTOP)
    try:
        for n in names:
            d.drop(n, CAPTIONS)
    finally:
        d.proc.send_signal(signal.SIGCONT)
    for n in names:
        d.wait("transcript.done", n, timeout=60)
    assert sorted(os.listdir(d.done)) == names
    assert "more than 50 files waiting" in d.read_log()
    queued = [e["queued"] for t, e in d.seen if t == "daemon.heartbeat"]
    assert queued and max(queued) <= 50
    assert d.stop() == 0


QUEUE_LIMIT = "/proc/sys/fs/inotify/max_queued_events"


def test_burst_after_an_inotify_overflow(daemon):
    """2,000 files while the daemon is stopped, with a kernel event queue
    of 16 and a name queue of 500: overflow, rescans, none lost.  Needs
    root to shrink the kernel queue for this daemon."""
    try:
        original = open(QUEUE_LIMIT).read().strip()
        with open(QUEUE_LIMIT, "w") as f:
            f.write("16")
    except OSError as e:
        pytest.skip(f"cannot shrink the inotify queue: {e}")
    try:
        d = daemon(conf_extra="[daemon]\nmax_queue = 500\n").start()
    finally:
        with open(QUEUE_LIMIT, "w") as f:
            f.write(original)
    names = [f"b{i:04d}.txt" for i in range(2000)]
    d.proc.send_signal(signal.SIGSTOP)
    try:
        for n in names:
            d.drop(n, CAPTIONS)
    finally:
        d.proc.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 180
    while len(os.listdir(d.done)) < len(names):
        assert time.monotonic() < deadline, d.read_log()[-2000:]
        assert d.proc.poll() is None, d.read_log()
        time.sleep(0.2)
    assert sorted(os.listdir(d.done)) == names
    assert not [n for n in os.listdir(d.inbox) if not n.startswith(".")]
    log = d.read_log()
    assert "inotify queue overflowed" in log and "more than 500 files waiting" in log
    assert d.stop() == 0
