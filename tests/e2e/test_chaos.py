"""Crash safety: kill -9 at random moments during bursts, restart, and
check what a user would find.

  every file ends exactly once in done/ or failed/ (never both, never
  lost, never left in inbox/ or work/); every output is whole JSON and no
  temporary is left; replaying the event journal, every transcript.done
  names outputs that exist and a source in done/, every transcript.failed
  a file and an error file in failed/; no file is announced done twice;
  and seqs only ever increase, across every restart.

CI runs a few rounds; more, for a longer run:

  TD_CHAOS_ROUNDS=50 TD_CHAOS_FILES=500 TRANSCRIPTD_BUILD=$PWD/build \\
      /usr/bin/python3 -m pytest -q tests/e2e/test_chaos.py -s
"""
import json
import os
import random
import threading
import time

import pytest

from conftest import FIXTURES, sanitizer_report

ROUNDS = int(os.environ.get("TD_CHAOS_ROUNDS", "5"))
FILES = int(os.environ.get("TD_CHAOS_FILES", "200"))
SEED = int(os.environ.get("TD_CHAOS_SEED", str(int(time.time()))))
CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()


# What these tests check is the core's handling of bytes and files: they
# run the core chain (conftest.CORE_CHAIN).
@pytest.fixture
def daemon(core_daemon):
    return core_daemon


def content(name, rng):
    """Most files are good; some are refused (empty, binary)."""
    roll = rng.random()
    if roll < 0.05:
        return b"", False
    if roll < 0.10:
        return bytes(rng.randrange(256) for _ in range(2048)), False
    lines = "".join(f"0:{i:02d} {name} says line {i}\n" for i in range(rng.randrange(2, 40)))
    return (CAPTIONS + lines).encode(), True


def kill9(d):
    """SIGKILL, as a crash or the OOM killer would."""
    d.proc.kill()
    d.proc.wait()
    d.log.close()
    d.proc = None
    d.sub.close(linger=0)
    d.sub = None


def dropper(d, files, rng):
    stage = d.tmp / ".stage"
    stage.mkdir(exist_ok=True)
    for name, data in files:
        (stage / name).write_bytes(data)
        os.rename(stage / name, d.inbox / name)
        if rng.random() < 0.1:
            time.sleep(0.002)


def settled(d, names):
    """Every name is in done/ or failed/, and nothing waits anywhere."""
    inbox = {n for n in os.listdir(d.inbox) if not n.startswith(".")}
    work = {n for n in os.listdir(d.work) if not n.startswith(".")}
    finished = set(os.listdir(d.done)) | set(os.listdir(d.failed))
    return not inbox and not work and names <= finished


def read_journal(d):
    """Every journaled event, in file order: (seq, topic, payload)."""
    jdir = d.tmp / "state" / "journal"
    events = []
    for f in sorted(p for p in os.listdir(jdir) if p.startswith("events-")):
        with open(jdir / f, "rb") as fh:
            for line in fh:
                assert line.endswith(b"\n"), f"torn line in {f}: {line!r}"
                seq, topic, payload = line[:-1].split(b"\t", 2)
                events.append((int(seq), topic.decode(), json.loads(payload)))
    return events


def test_kill9_during_bursts(daemon):
    rng = random.Random(SEED)
    print(f"chaos: seed {SEED}, {ROUNDS} rounds of {FILES} files")
    d = daemon()
    d.inbox.mkdir(parents=True)
    good, bad = set(), set()
    kills = 0
    d.start()
    for r in range(ROUNDS):
        files = []
        for i in range(FILES):
            name = f"r{r:02d}-{i:04d}.txt"
            data, ok = content(name, rng)
            (good if ok else bad).add(name)
            files.append((name, data))
        t = threading.Thread(target=dropper, args=(d, files, rng))
        t.start()
        # One to three kills while the burst lands and is processed, some
        # of them while the daemon is still recovering from the last.
        for _ in range(rng.randrange(1, 4)):
            time.sleep(rng.uniform(0.0, 0.8))
            kill9(d)
            kills += 1
            d.start()
        t.join()

    # Restart until everything is processed, then stop cleanly.
    names = good | bad
    deadline = time.monotonic() + 60 + ROUNDS * FILES * 0.05
    while not settled(d, names):
        assert d.proc.poll() is None, d.read_log()
        assert time.monotonic() < deadline, "files never settled\n" + d.read_log()
        time.sleep(0.1)
    assert d.stop() == 0
    report = sanitizer_report(d.read_log())
    assert report is None, report

    # Every file exactly once, in the right place.
    done, failed = set(os.listdir(d.done)), set(os.listdir(d.failed))
    assert done == good, (sorted(done ^ good)[:10])
    assert failed == bad | {f"{n}.error.json" for n in bad}
    assert not done & bad and not {n for n in os.listdir(d.inbox) if not n.startswith(".")}
    assert not [n for n in os.listdir(d.work) if n != ".lock"]

    # Every output whole; no temporary left.
    outputs = sorted(os.listdir(d.outbox))
    assert outputs == sorted(n[:-4] + ".json" for n in good), outputs[:10]
    for n in outputs:
        doc = json.loads((d.outbox / n).read_text())
        assert doc["source"]["name"] == n[:-5] + ".txt"
        assert doc["segments"][0]["text"] == "okay so today we are going to"
    for n in bad:
        err = json.loads((d.failed / f"{n}.error.json").read_text())
        assert err["file"] == n and err["stage"] == "decode"

    # The journal: seqs only increase; no event names a file not there.
    events = read_journal(d)
    seqs = [s for s, _, _ in events]
    assert all(a < b for a, b in zip(seqs, seqs[1:])), "a seq went back or repeated"
    assert all(p["seq"] == s for s, _, p in events)
    done_events = {}
    for seq, topic, p in events:
        if topic == "transcript.done":
            assert p["source"] not in done_events, f"{p['source']} announced done twice"
            done_events[p["source"]] = p
            assert p["path"] == str(d.done / p["source"]) and os.path.exists(p["path"])
            for path in p["outputs"].values():
                assert os.path.exists(path), path
        elif topic == "transcript.failed":
            assert p["path"] == str(d.failed / p["source"]) and os.path.exists(p["path"])
            assert os.path.exists(p["error_file"])
            assert p["source"] in bad
    readies = [s for s, t, _ in events if t == "daemon.ready"]
    assert len(readies) == kills + 1
    # Every file announced: a move a kill left unannounced is redone.
    assert set(done_events) == good
    assert {p["source"] for _, t, p in events if t == "transcript.failed"} == bad
    brought_back = d.read_log().count("before announcing it; processing it again")
    print(f"chaos: {kills} kill -9, {len(names)} files: 0 lost, 0 duplicated, "
          f"every one announced; {brought_back} brought back to be announced")


# -- each recovery step on its own -----------------------------------------------

def test_start_sweeps_what_a_crash_left_half_written(daemon):
    d = daemon()
    for p in (d.outbox, d.failed):
        p.mkdir(parents=True)
    (d.outbox / ".talk.json.Ab3xYz").write_text('{"schema": "transcri')
    (d.outbox / ".keep").write_text("a user's file")
    (d.outbox / "talk.json").write_text("{}")
    (d.failed / ".bad.txt.error.json.tmp").write_text('{"fi')
    d.start()
    still = sorted(os.listdir(d.outbox)), sorted(os.listdir(d.failed))
    assert still == ([".keep", "talk.json"], [])
    assert "removed 1 unfinished output(s) a crash left in" in d.read_log()
    assert "removed 1 unfinished error file(s)" in d.read_log()
    assert d.stop() == 0


def test_a_move_not_announced_is_done_again(daemon):
    """Killed after the rename into done/ and before the event: at start
    the file comes back into work/ and is processed and announced."""
    d = daemon()
    for p in (d.work, d.done):
        p.mkdir(parents=True)
    (d.done / "moved.txt").write_text(CAPTIONS)
    (d.work / ".moved.txt.leaving").write_text("")
    d.start()
    assert d.wait("transcript.received", "moved.txt")["recovered"] is True
    ev = d.wait("transcript.done", "moved.txt")
    assert ev["path"] == str(d.done / "moved.txt") and os.path.exists(ev["outputs"]["json"])
    assert "moved.txt: moved to" in d.read_log()
    assert d.stop() == 0
    assert os.listdir(d.work) == [".lock"]          # the mark went with the event


def test_an_error_file_without_its_file_is_dropped_on_recovery(daemon):
    """Killed after writing the error file and before the move: the file
    is processed again, and only its new outcome remains."""
    d = daemon()
    for p in (d.work, d.failed):
        p.mkdir(parents=True)
    (d.work / "retry.txt").write_text(CAPTIONS)
    (d.failed / "retry.txt.error.json").write_text('{"message": "stale"}')
    d.start()
    d.wait("transcript.done", "retry.txt")
    assert os.listdir(d.failed) == []
    assert d.stop() == 0


def test_one_daemon_per_spool(daemon):
    d = daemon().start()
    other = daemon()                    # same spool, its own bus ports
    other.start(wait_ready=False)
    assert other.proc.wait(20) == 1
    assert "another transcriptd is already running on this spool" in other.read_log()
    d.drop("still.txt", CAPTIONS)
    d.wait("transcript.done", "still.txt")
    assert d.stop() == 0


def test_a_move_announced_just_before_the_crash_is_left_alone(daemon):
    """Killed after the event was journaled, before the mark was removed:
    the journal says the move was announced; no second announcement."""
    d = daemon().start()
    d.drop("told.txt", CAPTIONS)
    d.wait("transcript.done", "told.txt")
    assert d.stop() == 0
    (d.work / ".told.txt.leaving").write_text("")
    d.seen.clear()
    d.start()
    d.drop("next.txt", CAPTIONS)
    d.wait("transcript.done", "next.txt")
    # The whole journal (the harness replays it at start): told.txt once.
    assert len([e for t, e in d.events() if e.get("source") == "told.txt"]) == 2
    assert len([e for t, e in d.events("transcript.done") if e["source"] == "told.txt"]) == 1
    assert (d.done / "told.txt").exists() and ".told.txt.leaving" not in os.listdir(d.work)
    assert "told.txt: moved to" not in d.read_log()
    assert d.stop() == 0
    assert os.listdir(d.work) == [".lock"]
