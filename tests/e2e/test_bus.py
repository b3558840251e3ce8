"""The bus as a product: the event schema, replay and gap filling, tail,
submit, CURVE, endpoint exposure, and the example subscribers."""
import json
import os
import signal
import stat
import subprocess
import time

import pytest
import zmq

import conftest
from conftest import (BIN, BUILD, FIXTURES, ROOT, SEEDS, check_event, daemon_env,
                      run_cli)

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()
MEETING = FIXTURES / "bus" / "meeting.txt"


def tiny(i):
    return f"0:00 line one of file {i}\n0:02 line two\n"


def start_cli(*args):
    """transcriptd ARGS in the background, its stdout a line-buffered pipe."""
    return subprocess.Popen([str(BIN), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=daemon_env())


def stop_cli(proc, sig=signal.SIGINT, timeout=10):
    """Stops a background command; returns (status, stdout, stderr)."""
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=timeout)
    assert conftest.sanitizer_report(err) is None, err
    return proc.returncode, out, err


def read_lines_until(proc, done, timeout=20):
    """Lines of proc's stdout until done(lines) holds."""
    lines = []
    deadline = time.monotonic() + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while not done(lines):
        assert time.monotonic() < deadline, f"timed out; got {lines}"
        line = proc.stdout.readline()
        if line:
            lines.append(line.rstrip("\n"))
        else:
            time.sleep(0.02)
    return lines


def replay_all(d, since=0):
    """Every event after since, asking again until none come."""
    events = []
    while True:
        got, last, _ = d.replay(since)
        if not got:
            return events
        events += got
        since = last


def seqs(events):
    return [e["seq"] for _, e in events]


# ---- the schema ---------------------------------------------------------------

def test_the_schema_catches_a_wrong_event():
    good = {"schema": "transcriptd.events/1", "topic": "daemon.stopping", "seq": 3,
            "time": 1.5, "done": 1, "failed": 0}
    check_event("daemon.stopping", dict(good))
    for bad in ({**good, "schema": "transcriptd.events/2"},
                {k: v for k, v in good.items() if k != "seq"},
                {**good, "undocumented": 1},
                {**good, "topic": "daemon.exploded"}):
        with pytest.raises(AssertionError):
            check_event(bad["topic"], bad)


def test_the_examples_in_the_docs_match_the_schema():
    import re
    text = (ROOT / "docs" / "events.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    topics = [check_event(e["topic"], e)["topic"] for e in map(json.loads, blocks)]
    assert sorted(topics) == sorted(conftest.EVENT_SCHEMA["properties"]["topic"]["enum"])


def test_every_event_of_a_run_matches_the_schema(daemon):
    before = conftest.checked_events
    d = daemon().start()
    d.drop("good.txt", CAPTIONS)
    d.drop("bad.txt", " \n\t\n")           # nothing to read: no parser takes it
    d.wait("transcript.done", "good.txt")
    d.wait("transcript.failed", "bad.txt")
    assert d.stop() == 0
    d.wait("daemon.stopping")
    topics = {t for t, _ in d.seen}
    assert topics == {"daemon.ready", "daemon.heartbeat", "daemon.stopping",
                      "transcript.received", "transcript.done", "transcript.failed"}
    assert conftest.checked_events - before >= len(d.seen)


def test_done_event_lets_a_subscriber_act_without_reading_files(daemon):
    d = daemon(plugin_path=f"{BUILD / 'plugins'}:{BUILD / 'test-plugins' / 'event_probe'}",
               pipeline={"cleaners": "normalize", "summarizers": "stats event_probe",
                         "exporters": "json"}).start()
    d.drop("meeting.txt", MEETING.read_text())
    ev = d.wait("transcript.done", "meeting.txt")
    assert ev["title"] == "Quarterly Planning Meeting"
    assert ev["format"] == "captions" and ev["duration"] == 203.0
    assert ev["speakers"] == ["Ann", "Ben"] and ev["speaker_count"] == 2
    # Bounded: 30 sentences and keywords in the document, 10 and 20 in the event.
    assert ev["summary_count"] == 30 and len(ev["summary"]) == 10
    assert ev["keyword_count"] == 30 and len(ev["keywords"]) == 20
    first = ev["summary"][0]
    assert first == {"text": "budget is the topic we look at next in item 1",
                     "start": 0.0, "speaker": "Ann"}
    assert ev["summary"][1]["speaker"] == "Ben" and ev["summary"][1]["start"] == 7.0
    long = ev["summary"][2]["text"]
    assert long.startswith("déjà vu") and 990 <= len(long.encode()) <= 1000
    assert ev["keywords"][:4] == ["budget", "roadmap", "déjà", "hiring"]
    assert ev["outputs"] == {"json": str(d.outbox / "meeting.json")}
    doc = json.loads((d.outbox / "meeting.json").read_text())
    assert doc["source"]["id"] == ev["id"]
    assert d.stop() == 0


# ---- replay and gap filling ---------------------------------------------------------

def test_late_subscriber_gets_every_event_from_seq_1(daemon):
    d = daemon().start()
    for i in range(5):
        d.drop(f"early{i}.txt", tiny(i))
    for i in range(5):
        d.finished(f"early{i}.txt")
    # A subscriber that was not there gets the same stream, from seq 1.
    events = replay_all(d)
    assert seqs(events) == list(range(1, len(events) + 1))
    assert events[0][0] == "daemon.ready" and len(events) == 11
    assert seqs(events) == [e["seq"] for _, e in d.events()]
    tail = start_cli("tail", "--since", "0", "--json", "-c", d.conf)
    lines = read_lines_until(tail, lambda ls: len(ls) >= 11)
    d.drop("late.txt", tiny(9))
    lines += read_lines_until(tail, lambda ls: any('"late.txt"' in x and "done" in x
                                                   for x in ls))
    rc, out, _ = stop_cli(tail)
    assert rc == 0
    printed = [json.loads(x) for x in lines + out.splitlines()]
    for e in printed:
        check_event(e["topic"], e)
    assert [e["seq"] for e in printed] == list(range(1, 14))
    assert printed[-1]["topic"] == "transcript.done" and printed[-1]["source"] == "late.txt"
    assert d.stop() == 0


def test_stuck_subscriber_loses_nothing_and_does_not_slow_the_daemon(daemon):
    """2,500 files make 5,000 events; a subscriber that reads none of them
    while they are published misses some (the PUB drops at send_hwm), gets
    them all back from replay, and the daemon is about as fast as without
    it.  Over ipc: loopback tcp buffers in the kernel could hold all 5,000
    and hide the high-water mark."""
    files = 2500

    def run(name, stuck):
        d = daemon(folder=name, ipc=True,
                   conf_extra="[daemon]\nfsync = no\nlog_level = info\n"
                              "[bus]\nsend_hwm = 1000\n")
        for i in range(files):
            d.drop(f"f{i:04d}.txt", tiny(i))
        sub = None
        if stuck:
            sub = d.ctx.socket(zmq.SUB)
            sub.setsockopt(zmq.RCVHWM, 100)
            sub.setsockopt(zmq.RCVBUF, 4096)
            sub.setsockopt(zmq.RECONNECT_IVL, 5)
            sub.subscribe(b"")
            sub.connect(d.endpoint)
        t0 = time.monotonic()
        d.start(wait_ready=False)
        d.sub.close(linger=0)       # only the stuck one listens
        d.sub = None
        while not d.done.exists() or len(os.listdir(d.done)) < files:
            assert time.monotonic() - t0 < 60, d.read_log()[-2000:]
            time.sleep(0.02)
        took = time.monotonic() - t0
        return d, sub, took

    free, _, alone = run("alone", False)
    assert free.stop() == 0
    d, sub, with_stuck = run("stuck", True)
    journal = replay_all(d)
    total = len(journal)
    assert total >= 2 * files + 1
    # Now it reads what reached it, up to a heartbeat sent after the last
    # event: fewer events than were published.
    got = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sub.poll(1000):
        topic, payload = sub.recv_multipart()
        ev = check_event(topic.decode(), json.loads(payload))
        if "seq" in ev:
            got.append((topic.decode(), ev))
        elif ev["last_seq"] >= total:
            break
    sub.close(linger=0)
    assert 0 < len(got) < total, f"the PUB dropped nothing ({len(got)} of {total})"
    # Filling the gaps from the journal gives every event, each once.
    have = {e["seq"] for _, e in got}
    filled = sorted(got + [(t, e) for t, e in journal if e["seq"] not in have],
                    key=lambda te: te[1]["seq"])
    assert seqs(filled) == list(range(1, total + 1))
    assert [e["source"] for t, e in filled if t == "transcript.done"] != []
    assert sum(1 for t, _ in filled if t == "transcript.done") == files
    assert d.stop() == 0
    assert with_stuck < alone * 2 + 3, (alone, with_stuck)


def test_seq_goes_on_across_a_restart_and_tail_follows(daemon):
    d = daemon().start()
    tail = start_cli("tail", "--since", "0", "--json", "-c", d.conf)
    d.drop("one.txt", tiny(1))
    d.wait("transcript.done", "one.txt")
    assert d.stop() == 0
    # Files that land while it is down are processed at start, before this
    # tail has reconnected: it must fetch them from the journal.
    time.sleep(2.5)
    for i in range(20):
        d.drop(f"down{i}.txt", tiny(i))
    d.seen.clear()
    d.start()
    for i in range(20):
        d.wait("transcript.done", f"down{i}.txt")
    events = replay_all(d)
    last = events[-1][1]["seq"]
    lines = read_lines_until(tail, lambda ls: len(ls) >= last)
    rc, out, err = stop_cli(tail)
    assert rc == 0, err
    printed = [json.loads(x) for x in lines + out.splitlines()]
    assert [e["seq"] for e in printed] == list(range(1, last + 1))
    assert [e["topic"] for e in printed].count("daemon.ready") == 2
    assert d.stop() == 0


def test_tail_follows_a_journal_that_was_reset(daemon):
    import shutil
    d = daemon().start()
    for i in range(4):
        d.drop(f"a{i}.txt", tiny(i))
    for i in range(4):
        d.wait("transcript.done", f"a{i}.txt")
    tail = start_cli("tail", "--json", "--topic", "transcript.done", "-c", d.conf)
    time.sleep(0.5)
    assert d.stop() == 0
    shutil.rmtree(d.tmp / "state")          # seq starts again from 1
    d.seen.clear()
    d.start()
    d.drop("after.txt", tiny(5))
    d.wait("transcript.done", "after.txt")
    lines = read_lines_until(tail, lambda ls: any("after.txt" in x for x in ls))
    rc, _, err = stop_cli(tail)
    assert rc == 0
    done = json.loads(lines[-1])
    assert done["source"] == "after.txt" and done["seq"] < 5
    assert "journal was reset" in err
    assert d.stop() == 0


def test_tail_human_lines_topic_filter_and_heartbeats(daemon):
    d = daemon(pipeline={"exporters": "json"}).start()
    plain = start_cli("tail", "-c", d.conf)
    done_only = start_cli("tail", "--topic", "transcript.done", "-c", d.conf)
    beats = start_cli("tail", "--topic", "daemon.heartbeat", "-c", d.conf)
    time.sleep(0.7)
    d.drop("bird.txt", CAPTIONS)
    ev = d.wait("transcript.done", "bird.txt")
    lines = read_lines_until(plain, lambda ls: any("transcript.done" in x for x in ls))
    done = read_lines_until(done_only, lambda ls: len(ls) >= 1)
    hb = read_lines_until(beats, lambda ls: len(ls) >= 3)
    for p in (plain, done_only, beats):
        rc, _, _ = stop_cli(p, signal.SIGTERM)
        assert rc == 0
    assert not any("heartbeat" in x for x in lines)
    received = next(x for x in lines if "transcript.received" in x)
    assert f" {ev['seq'] - 1} transcript.received bird.txt" in " ".join(received.split())
    line = " ".join(done[0].split())
    assert line.endswith(f"transcript.done bird.txt {ev['id']} captions "
                         f"\"Building a Birdhouse\" 1:02 {ev['words']} words, "
                         f"0 speakers -> {d.outbox / 'bird.json'}")
    assert line[:4].isdigit() and line[19:24] in (".%03dZ" % i for i in range(1000))
    assert all(" - daemon.heartbeat last_seq " in " ".join(x.split()) for x in hb)
    assert d.stop() == 0


def test_tail_exits_cleanly_when_the_reader_goes_away(daemon):
    d = daemon().start()
    for i in range(3):
        d.drop(f"p{i}.txt", tiny(i))
    for i in range(3):
        d.wait("transcript.done", f"p{i}.txt")
    r = subprocess.run(f"'{BIN}' tail --since 0 -c '{d.conf}' | head -n 2",
                       shell=True, capture_output=True, text=True, timeout=20,
                       env=daemon_env())
    assert len(r.stdout.splitlines()) == 2 and "daemon.ready" in r.stdout
    assert d.stop() == 0


# ---- submit -------------------------------------------------------------------------

def submit(d, *files, extra=()):
    return run_cli("submit", *files, "-c", d.conf, "--timeout", "10", *extra)


def parse_submitted(stdout):
    """{file: (id, final name)} from submit's "FILE -> ID NAME" lines."""
    out = {}
    for line in stdout.splitlines():
        path, rest = line.split(" -> ")
        ident, name = rest.split(" ", 1)
        out[path] = (ident, name)
    return out


def check_submitted(d, files):
    r = submit(d, *files)
    assert r.returncode == 0, r.stderr
    got = parse_submitted(r.stdout)
    assert sorted(got) == sorted(map(str, files))
    for f in files:
        ident, name = got[str(f)]
        assert name == f.name and len(ident) == 16
        topic, ev = d.finished(name)
        assert ev["id"] == ident, (f, ev)
    return got


def test_submit_fixtures_are_processed_with_the_same_id(daemon):
    d = daemon().start()
    files = sorted((FIXTURES / "captions").glob("*.txt")) + [MEETING]
    check_submitted(d, files)
    for f in files:
        check_done_ev = d.wait("transcript.done", f.name)
        assert (d.done / f.name).read_bytes() == f.read_bytes()
        assert check_done_ev["outputs"]["json"].endswith(f.stem + ".json")
    assert not [n for n in os.listdir(d.inbox) if n.startswith(".submit-")]
    assert d.stop() == 0


def test_submit_every_seed(daemon):
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    seeds = sorted(SEEDS.glob("*.txt"))
    d = daemon().start()
    check_submitted(d, seeds)
    # The caption seeds have a parser here; they must be done, not failed.
    for s in seeds:
        if s.name[:3] in ("002", "003", "004"):
            ev = d.wait("transcript.done", s.name)
            assert ev["segments"] > 300 and ev["words"] > 5000
    assert d.stop() == 0


def test_submit_reports_what_failed(daemon, tmp_path):
    d = daemon(conf_extra="[daemon]\nmax_file_size = 2000\n").start()
    big = tmp_path / "big.txt"
    big.write_text(tiny(0) * 200)
    r = submit(d, FIXTURES / "captions" / "titled.txt", big, tmp_path / "missing.txt")
    assert r.returncode == 1
    assert "titled.txt ->" in r.stdout and "big.txt" not in r.stdout
    assert f"{big}: refused: file is {big.stat().st_size} bytes, more than " \
           "max_file_size (2000)" in r.stderr
    assert "missing.txt: No such file or directory" in r.stderr
    assert d.stop() == 0


def test_submit_gives_a_taken_name_a_number(daemon):
    """A name being processed, and names waiting in the drop folder (one
    worker, busy with a slow chain), are taken."""
    d = daemon(plugin_path=f"{BUILD / 'plugins'}:{BUILD / 'test-plugins' / 'slow'}",
               pipeline={"cleaners": "slow", "summarizers": "", "exporters": "json"},
               conf_extra="[daemon]\nworkers = 1\n[slow]\nms = 3000\n").start()
    d.drop("busy.txt", CAPTIONS)
    d.wait("transcript.received", "busy.txt")
    d.drop("waiting.txt", CAPTIONS)
    d.drop("README", CAPTIONS)
    src = d.tmp / "src"
    src.mkdir()
    for n in ("waiting.txt", "busy.txt", "README"):
        (src / n).write_text(CAPTIONS)
    r = submit(d, src / "waiting.txt", src / "busy.txt", src / "README")
    assert r.returncode == 0, r.stderr
    assert not d.events("transcript.done")      # all three names still taken
    got = parse_submitted(r.stdout)
    assert [got[str(src / n)][1] for n in ("waiting.txt", "busy.txt", "README")] == \
        ["waiting (2).txt", "busy (2).txt", "README (2)"]
    for name in ("waiting (2).txt", "busy (2).txt", "README (2)"):
        d.wait("transcript.done", name, timeout=30)
    assert d.stop() == 0


def ingest_request(d, *frames, timeout=5):
    sock = d.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(d.ingest_endpoint)
    try:
        sock.send_multipart(list(frames))
        if not sock.poll(timeout * 1000):
            return None
        return sock.recv_multipart()
    finally:
        sock.close()


@pytest.mark.parametrize("frames,error", [
    ([b"SUBMIT", b"x.txt"], b'expected ["SUBMIT", name, bytes]'),
    ([b"SUBMIT", b"x.txt", b"a", b"b"], b'expected ["SUBMIT", name, bytes]'),
    ([b"PUT", b"x.txt", b"0:00 a\n"], b'expected ["SUBMIT", name, bytes]'),
    ([b""], b'expected ["SUBMIT", name, bytes]'),
    ([b"SUBMIT", b"", b"0:00 a\n"], b"empty name"),
    ([b"SUBMIT", b"../x", b"0:00 a\n"], b"name contains '/'"),
    ([b"SUBMIT", b"a/b.txt", b"0:00 a\n"], b"name contains '/'"),
    ([b"SUBMIT", b".hidden", b"0:00 a\n"], b"name starts with '.'"),
    ([b"SUBMIT", b"\xff\xfe.txt", b"0:00 a\n"], b"name is not valid UTF-8"),
    ([b"SUBMIT", b"a\nb.txt", b"0:00 a\n"], b"name contains a control character"),
    ([b"SUBMIT", b"n" * 201, b"0:00 a\n"], b"name longer than 200 bytes"),
    ([b"SUBMIT", b"big.txt", b"x" * 2001],
     b"file is 2001 bytes, more than max_file_size (2000)"),
], ids=["two-frames", "four-frames", "not-submit", "empty-message", "empty-name",
        "dotdot", "slash", "dotfile", "bad-utf8", "control", "too-long", "oversized"])
def test_bad_ingest_requests_get_errors_and_the_daemon_keeps_running(daemon, frames,
                                                                     error):
    d = daemon(conf_extra="[daemon]\nmax_file_size = 2000\n").start()
    assert ingest_request(d, *frames) == [b"ERROR", error]
    reply = ingest_request(d, b"SUBMIT", b"fine.txt", CAPTIONS.encode())
    assert reply[0] == b"OK" and reply[2] == b"fine.txt"
    assert d.wait("transcript.done", "fine.txt")["id"] == reply[1].decode()
    assert sorted(os.listdir(d.inbox)) == [".work"]
    assert "refused a submit request: " + error.decode(errors="replace") in d.read_log()
    assert d.stop() == 0


def test_far_oversized_request_is_cut_off(daemon):
    """More than twice max_file_size (plus 1 MiB): ZeroMQ drops the
    connection before the request is in memory; no reply, no crash."""
    d = daemon(conf_extra="[daemon]\nmax_file_size = 2000\n").start()
    assert ingest_request(d, b"SUBMIT", b"huge.txt", b"x" * (4000 + (1 << 20) + 1),
                          timeout=1) is None
    reply = ingest_request(d, b"SUBMIT", b"fine.txt", CAPTIONS.encode())
    assert reply[0] == b"OK"
    d.wait("transcript.done", "fine.txt")
    assert not (d.inbox / "huge.txt").exists()
    assert d.stop() == 0


def test_req_sockets_may_submit_too(daemon):
    d = daemon().start()
    req = d.socket(zmq.REQ)
    req.connect(d.ingest_endpoint)
    req.send_multipart([b"SUBMIT", b"req.txt", CAPTIONS.encode()])
    assert req.poll(5000)
    ok, ident, name = req.recv_multipart()
    req.close(linger=0)
    assert (ok, name) == (b"OK", b"req.txt")
    assert d.wait("transcript.done", "req.txt")["id"] == ident.decode()
    assert d.stop() == 0


def test_ingest_can_be_switched_off(daemon):
    d = daemon(conf_extra="[bus]\ningest =\n").start()
    r = run_cli("submit", FIXTURES / "captions" / "titled.txt", "-c", d.conf)
    assert r.returncode == 1 and "has no [bus] ingest endpoint" in r.stderr
    assert d.stop() == 0


# ---- security -------------------------------------------------------------------------

def keygen(folder, name):
    r = run_cli("keygen", folder / name, check=True)
    assert f"{folder / name}.key" in r.stdout
    secret = (folder / f"{name}.key").read_text().split("\n")[1]
    public = (folder / f"{name}.pub").read_text().split("\n")[1]
    return secret, public


def test_keygen_writes_a_private_secret_and_its_public_key(tmp_path):
    secret, public = keygen(tmp_path, "alice")
    assert len(secret) == 40 and len(public) == 40
    assert zmq.curve_public(secret.encode()) == public.encode()
    assert stat.S_IMODE((tmp_path / "alice.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "alice.pub").stat().st_mode) == 0o644
    again = run_cli("keygen", tmp_path / "alice")
    assert again.returncode == 1 and "File exists" in again.stderr
    assert (tmp_path / "alice.key").read_text().split("\n")[1] == secret


@pytest.fixture
def curve_daemon(daemon, tmp_path):
    """A daemon with CURVE on, the tests' sockets using an allowed key;
    also returns the key folder (server, alice allowed, mallory not)."""
    keys = tmp_path / "keys"
    clients = tmp_path / "clients"
    keys.mkdir()
    clients.mkdir()
    _, server_pub = keygen(keys, "server")
    alice, alice_pub = keygen(keys, "alice")
    keygen(keys, "mallory")
    os.link(keys / "alice.pub", clients / "alice.pub")
    d = daemon(conf_extra=f"[bus]\ncurve_server_key = {keys / 'server.key'}\n"
                          f"curve_clients = {clients}\n",
               curve={"secret": alice, "public": alice_pub, "server": server_pub})
    return d.start(), keys


def test_curve_lets_in_only_listed_clients(curve_daemon):
    d, keys = curve_daemon
    d.drop("one.txt", CAPTIONS)
    d.wait("transcript.done", "one.txt")       # alice hears everything
    server_pub = (keys / "server.pub").read_text().split("\n")[1].encode()
    mallory = (keys / "mallory.key").read_text().split("\n")[1].encode()

    def stranger(kind, endpoint, curve=True):
        s = d.ctx.socket(kind)
        s.linger = 0
        if curve:
            s.curve_secretkey = mallory
            s.curve_publickey = zmq.curve_public(mallory)
            s.curve_serverkey = server_pub
        if kind == zmq.SUB:
            s.subscribe(b"")
        s.connect(endpoint)
        return s

    subs = [stranger(zmq.SUB, d.endpoint), stranger(zmq.SUB, d.endpoint, curve=False)]
    replay = stranger(zmq.DEALER, d.replay_endpoint)
    replay.send_multipart([b"ICANHAZ?", b"0"])
    ingest = stranger(zmq.DEALER, d.ingest_endpoint)
    ingest.send_multipart([b"SUBMIT", b"evil.txt", CAPTIONS.encode()])
    d.drop("two.txt", CAPTIONS)
    d.wait("transcript.done", "two.txt")
    time.sleep(1)                              # 20 heartbeats go by
    for s in subs + [replay, ingest]:
        assert not s.poll(0), "a stranger received something"
        s.close()
    assert not (d.inbox / "evil.txt").exists() and not (d.done / "evil.txt").exists()
    assert "key " + zmq.curve_public(mallory).decode() + " is not in" in d.read_log()
    assert d.stop() == 0


def test_curve_clients_through_the_command_line(curve_daemon):
    d, keys = curve_daemon
    good = ["--curve-key", keys / "alice.key", "--server-key", keys / "server.pub"]
    bad = ["--curve-key", keys / "mallory.key", "--server-key", keys / "server.pub"]
    r = submit(d, FIXTURES / "captions" / "titled.txt", extra=good)
    assert r.returncode == 0, r.stderr
    ident = r.stdout.split(" -> ")[1].split()[0]
    assert d.wait("transcript.done", "titled.txt")["id"] == ident
    r = submit(d, FIXTURES / "captions" / "hours.txt", extra=bad)
    assert r.returncode == 1 and "our key is not allowed in" in r.stderr
    r = submit(d, FIXTURES / "captions" / "hours.txt")
    assert r.returncode == 1 and "refused the connection" in r.stderr
    assert not (d.done / "hours.txt").exists()

    tail = start_cli("tail", "--since", "0", "--json", "-c", d.conf, *good)
    lines = read_lines_until(tail, lambda ls: any("titled.txt" in x and "done" in x
                                                  for x in ls))
    assert stop_cli(tail)[0] == 0
    assert json.loads(lines[0])["topic"] == "daemon.ready"
    stranger = run_cli("tail", "--since", "0", "-c", d.conf, *bad, timeout=20)
    assert stranger.returncode == 1 and stranger.stdout == ""
    assert "our key is not allowed in" in stranger.stderr
    assert d.stop() == 0


@pytest.mark.parametrize("endpoint", ["tcp://0.0.0.0:{port}", "tcp://*:{port}"])
def test_non_loopback_tcp_needs_curve_or_insecure(daemon, endpoint):
    ep = endpoint.format(port=conftest.free_port())
    d = daemon(conf_extra=f"[bus]\npublish = {ep}\n")
    r = run_cli("run", "-c", d.conf, timeout=20)
    assert r.returncode == 1
    assert f"[bus] publish: {ep} is reachable from other machines; set " \
           "curve_server_key and curve_clients, or insecure = yes" in r.stderr
    assert not d.inbox.exists()            # refused before doing anything
    d.conf.write_text(d.conf.read_text() + "insecure = yes\n")
    d.endpoint = ep.replace("0.0.0.0", "127.0.0.1").replace("*", "127.0.0.1")
    d.start()
    d.drop("open.txt", CAPTIONS)
    d.wait("transcript.done", "open.txt")
    assert "is open to other machines without CURVE" in d.read_log()
    assert d.stop() == 0


@pytest.mark.parametrize("endpoint,local", [
    ("tcp://127.0.0.1:7560", True), ("tcp://127.8.9.10:1", True),
    ("tcp://localhost:7560", True), ("tcp://[::1]:7560", True),
    ("ipc:///run/transcriptd/events", True),
    ("tcp://0.0.0.0:7560", False), ("tcp://*:7560", False),
    ("tcp://192.168.1.5:7560", False), ("tcp://eth0:7560", False),
    ("tcp://[::]:7560", False), ("tcp://example.org:7560", False),
    ("pgm://eth0;239.192.1.1:5555", False),
])
def test_which_endpoints_count_as_local(tmp_path, endpoint, local):
    conf = tmp_path / "c.conf"
    conf.write_text(f"[bus]\nreplay = {endpoint}\n")
    r = run_cli("check-config", "-c", conf)
    assert (r.returncode == 0) == local, r.stderr


def test_curve_keys_go_together(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text(f"[bus]\ncurve_server_key = {tmp_path / 'k.key'}\n")
    r = run_cli("check-config", "-c", conf)
    assert r.returncode == 1 and "curve_server_key and curve_clients go together" in r.stderr


def test_ipc_sockets_are_for_owner_and_group_only(daemon, tmp_path):
    d = daemon(ipc=True).start()
    for ep in (d.endpoint, d.replay_endpoint, d.ingest_endpoint):
        mode = os.stat(ep[len("ipc://"):]).st_mode
        assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o660, (ep, oct(mode))
    r = run_cli("submit", FIXTURES / "captions" / "titled.txt", "-c", d.conf, check=True)
    ident = r.stdout.split(" -> ")[1].split()[0]
    assert d.wait("transcript.done", "titled.txt")["id"] == ident
    assert d.stop() == 0


# ---- the examples -----------------------------------------------------------------------

@pytest.mark.parametrize("example", ["python", "c"])
def test_example_subscriber_sees_every_event_once(daemon, example):
    d = daemon().start()
    for i in range(3):
        d.drop(f"before{i}.txt", tiny(i))
    for i in range(3):
        d.wait("transcript.done", f"before{i}.txt")
    if example == "python":
        cmd = ["/usr/bin/python3", ROOT / "examples" / "subscriber.py", "--publish",
               d.endpoint, "--replay", d.replay_endpoint, "--since", "0"]
    else:
        cmd = [BUILD / "examples" / "subscriber", d.endpoint, d.replay_endpoint, "0"]
    proc = subprocess.Popen(list(map(str, cmd)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=daemon_env())
    lines = read_lines_until(proc, lambda ls: len(ls) >= 7)
    d.drop("after.txt", tiny(7))
    d.wait("transcript.done", "after.txt")
    lines += read_lines_until(proc, lambda ls: any("transcript.done after.txt" in x
                                                   for x in ls))
    rc, _, err = stop_cli(proc, signal.SIGTERM)
    assert rc == 0, err
    expected = [f"{e['seq']} {t} {e.get('source', '')}".rstrip()
                for t, e in replay_all(d)]
    assert [x.rstrip() for x in lines] == expected
    assert expected[0] == "1 daemon.ready" and len(expected) == 9
    assert d.stop() == 0
