"""The daemon end to end: drop files, get outputs and bus events."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, FIXTURES, run_cli, seed, daemon_env, validate_document

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()


def check_done(d, name, ev):
    """A transcript.done event and what a user finds on disk agree."""
    assert ev["source"] == name
    assert ev["format"] == "captions"
    assert len(ev["id"]) == 16
    assert ev["words"] > 0 and ev["ms"] >= 0
    out = ev["outputs"]["json"]
    assert out == str(d.outbox / (os.path.splitext(name)[0] + ".json"))
    doc = validate_document(out)
    assert doc["schema"] == "transcriptd/1"
    assert doc["source"]["name"] == name and doc["source"]["id"] == ev["id"]
    assert doc["segments"] and all(s["text"] for s in doc["segments"])
    assert (d.done / name).exists() and not (d.inbox / name).exists()
    assert not (d.work / name).exists()
    return doc


@pytest.mark.parametrize("how", ["rename", "write"])
def test_fixture_dropped(daemon, how):
    d = daemon().start()
    d.drop("bird.txt", CAPTIONS, how=how)
    rec = d.wait("transcript.received", "bird.txt")
    ev = d.wait("transcript.done", "bird.txt")
    doc = check_done(d, "bird.txt", ev)
    assert doc["title"] == ev["title"] == "Building a Birdhouse"
    # The default chain rebuilds the five caption lines into three units.
    assert [s["start"] for s in doc["segments"]] == [0, 9, 62]
    assert doc["segments"][0]["text"] == ("Okay so today we are going to build a "
                                          "small birdhouse out of pine boards.")
    assert rec["seq"] < ev["seq"]
    assert d.stop() == 0


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
@pytest.mark.parametrize("how", ["rename", "write"])
def test_caption_seeds(daemon, prefix, how):
    src = seed(prefix)
    d = daemon().start()
    d.drop(src.name, src.read_bytes(), how=how)
    doc = check_done(d, src.name, d.wait("transcript.done", src.name))
    assert len(doc["segments"]) > 400     # sentences, from 1500-2000 lines
    assert doc["stats"]["words"] > 5000
    assert d.stop() == 0


def test_seq_increases_by_one(daemon):
    d = daemon().start()
    for i in range(5):
        d.drop(f"f{i}.txt", CAPTIONS)
    for i in range(5):
        d.wait("transcript.done", f"f{i}.txt")
    beats = [ev for t, ev in d.seen if t == "daemon.heartbeat"]
    assert beats and all(b["uptime_ms"] >= 0 and "seq" not in b for b in beats)
    assert d.stop() == 0
    d.wait("daemon.stopping")
    events = d.events()
    assert [ev["seq"] for _, ev in events] == list(range(1, len(events) + 1))
    assert events[0][0] == "daemon.ready"
    assert events[-1][0] == "daemon.stopping"


def test_ready_comes_after_the_startup_scan(daemon):
    d = daemon(pipeline={"cleaners": "normalize", "summarizers": "stats",
                         "exporters": "json"})
    d.drop("waiting.txt", CAPTIONS)
    d.start()
    ready = d.wait("daemon.ready")
    received = d.wait("transcript.received", "waiting.txt")
    assert received["seq"] < ready["seq"]
    assert ready["workers"] == 2 and ready["inbox"] == str(d.inbox)
    assert "captions" in ready["chain"]            # parsers = auto: all of them
    assert ready["chain"][-3:] == ["normalize", "stats", "json"]
    assert d.stop() == 0


def test_seq_goes_on_after_a_restart(daemon):
    d = daemon().start()
    d.drop("one.txt", CAPTIONS)
    first = d.wait("transcript.done", "one.txt")["seq"]
    assert d.stop() == 0
    d.seen.clear()
    d.start()
    readies = [ev["seq"] for t, ev in d.events("daemon.ready")]
    assert len(readies) == 2 and readies[1] > first + 1   # daemon.stopping between
    seqs = [ev["seq"] for _, ev in d.events()]
    assert seqs == list(range(1, len(seqs) + 1))          # no seq used twice
    assert d.stop() == 0


def test_file_dropped_while_stopped_is_processed_at_start(daemon):
    d = daemon()
    d.drop("early.txt", CAPTIONS)
    d.start()
    check_done(d, "early.txt", d.wait("transcript.done", "early.txt"))
    assert d.stop() == 0


def test_file_left_in_work_is_recovered(daemon):
    d = daemon()
    d.work.mkdir(parents=True)
    (d.work / "crashed.txt").write_text(CAPTIONS)
    d.start()
    rec = d.wait("transcript.received", "crashed.txt")
    assert rec["recovered"] is True
    check_done(d, "crashed.txt", d.wait("transcript.done", "crashed.txt"))
    assert "crashed.txt: found in" in d.read_log()
    assert d.stop() == 0


@pytest.mark.parametrize("name,data,stage,words", [
    ("empty.txt", b"", "decode", "empty file"),
    ("blob.bin", bytes(range(256)) * 64, "decode", "binary"),
    # Any readable text is read by the text parser; white space is not.
    ("blank.txt", b"  \n\t\n \n", "parse", "no parser"),
], ids=["empty", "binary", "blank"])
def test_bad_input_fails_cleanly(daemon, name, data, stage, words):
    d = daemon().start()
    d.drop(name, data, how="write")
    ev = d.wait("transcript.failed", name)
    assert ev["stage"] == stage and ev["plugin"] == "core"
    assert words in ev["error"]
    assert (d.failed / name).exists()
    err = json.loads((d.failed / f"{name}.error.json").read_text())
    assert err["file"] == name and err["stage"] == stage and words in err["message"]
    assert err["plugin"] == "core" and err["time"].endswith("Z")
    assert name in d.read_log() and words in d.read_log()
    # Still running: the next good file goes through.
    d.drop("after.txt", CAPTIONS)
    d.wait("transcript.done", "after.txt")
    assert d.stop() == 0


def test_ignores_dotfiles(daemon):
    d = daemon().start()
    d.drop(".partial.txt", CAPTIONS, how="write")
    d.drop("real.txt", CAPTIONS)
    d.wait("transcript.done", "real.txt")
    assert (d.inbox / ".partial.txt").exists()
    assert d.stop() == 0
    assert not any(ev.get("source") == ".partial.txt" for _, ev in d.seen)


def test_redrop_replaces_outputs(daemon):
    d = daemon(pipeline={"cleaners": "normalize"}).start()
    d.drop("same.txt", CAPTIONS)
    first = d.wait("transcript.done", "same.txt")
    d.seen.clear()
    d.drop("same.txt", "0:00 a different text\n0:02 second line\n")
    second = d.wait("transcript.done", "same.txt")
    assert first["id"] != second["id"]
    doc = validate_document(d.outbox / "same.json")
    assert doc["source"]["id"] == second["id"]
    # One output per default exporter, the index, and no temporary left.
    assert sorted(os.listdir(d.outbox)) == ["same.json", "same.md", "transcripts.db",
                                            "transcripts.db-shm", "transcripts.db-wal"]
    r = run_cli("search", "--db", d.outbox / "transcripts.db", "different", check=True)
    assert r.stdout == "same.txt [0:00:00] a **different** text\n"
    assert run_cli("search", "--db", d.outbox / "transcripts.db", "birdhouse").returncode == 1
    assert d.stop() == 0


def test_sigterm_finishes_in_flight_and_announces_stopping(daemon):
    d = daemon().start()
    big = "\n".join(f"{i // 60}:{i % 60:02d} words of line {i}" for i in range(3000))
    for i in range(6):
        d.drop(f"b{i}.txt", big)
    d.wait("transcript.received", "b0.txt")
    assert d.stop(signal.SIGTERM) == 0
    stopping = d.wait("daemon.stopping", timeout=5)
    assert stopping["done"] >= 1
    # Every file is in exactly one place: done, or still waiting in inbox/work.
    for i in range(6):
        name = f"b{i}.txt"
        places = [p for p in (d.inbox, d.work, d.done, d.failed) if (p / name).exists()]
        assert len(places) == 1, (name, places)


def test_bad_config_names_the_line(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("[daemon]\nworkers = many\n[pipeline]\ncleaners = normalize nosuch\n"
                    "[json]\nindent = 2\ncolour = red\n[nosuchsection]\nx = 1\n")
    for cmd in ("run", "check-config"):
        r = run_cli(cmd, "-c", conf)
        assert r.returncode != 0
        assert f"{conf}:2: [daemon] workers: 'many' is not a valid integer" in r.stderr
        assert f"{conf}:4: [pipeline] cleaners: unknown plugin 'nosuch'" in r.stderr
        assert f"{conf}:7: unknown key 'colour' in [json]" in r.stderr
        assert f"{conf}:8: unknown section [nosuchsection]" in r.stderr


def test_check_config_accepts_the_shipped_default():
    from conftest import ROOT
    r = run_cli("check-config", "-c", ROOT / "conf" / "transcriptd.conf")
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


QUEUE_LIMIT = "/proc/sys/fs/inotify/max_queued_events"


def test_inotify_overflow_rescans(daemon):
    """A stalled loop overflows the kernel's event queue; the rescan finds
    every file anyway.  Needs root to shrink the queue for this daemon."""
    try:
        original = open(QUEUE_LIMIT).read().strip()
        with open(QUEUE_LIMIT, "w") as f:
            f.write("8")
    except OSError as e:
        pytest.skip(f"cannot shrink the inotify queue: {e}")
    try:
        d = daemon().start()          # its inotify instance gets the small queue
    finally:
        with open(QUEUE_LIMIT, "w") as f:
            f.write(original)
    d.proc.send_signal(signal.SIGSTOP)
    try:
        for i in range(40):
            d.drop(f"o{i:02d}.txt", CAPTIONS)
    finally:
        d.proc.send_signal(signal.SIGCONT)
    for i in range(40):
        d.wait("transcript.done", f"o{i:02d}.txt")
    assert "inotify queue overflowed" in d.read_log()
    assert sorted(os.listdir(d.done)) == [f"o{i:02d}.txt" for i in range(40)]
    assert d.stop() == 0


@pytest.mark.parametrize("name", [
    "with spaces.txt", "new\nline.txt", "-leading-dash.txt", "caf\xe9-latin1.txt",
], ids=["spaces", "newline", "dash", "invalid-utf8"])
def test_awkward_names(daemon, name):
    raw = name.encode("latin-1") if "\xe9" in name else name.encode()
    d = daemon().start()
    stage = d.tmp / ".stage"
    stage.mkdir(exist_ok=True)
    (stage / "x").write_text(CAPTIONS)
    os.rename(stage / "x", os.path.join(os.fsencode(d.inbox), raw))
    shown = raw.decode("utf-8", errors="replace")
    ev = d.wait("transcript.done", shown)
    assert os.path.exists(os.path.join(os.fsencode(d.done), raw))
    # The output is named from the raw bytes; the JSON names the file in UTF-8.
    out = os.path.join(os.fsencode(d.outbox), os.path.splitext(raw)[0] + b".json")
    with open(out, "rb") as f:
        assert json.loads(f.read())["source"]["name"] == shown
    assert d.stop() == 0
