"""isolation = process: the chain runs in `transcriptd worker` processes.

Deliberately broken plugins (tests/plugins/crash_segv, crash_abort,
loop_forever, leak) take down only their worker: the file is tried once
more, then fails with the reason; the other files of the burst are done,
and a new worker takes over.  Workers started by hand connect over tcp as
they would from other machines."""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, BUILD, FIXTURES, daemon_env, free_port, run_cli

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()
# The broken plugins act on a word in the text; the captions stay valid.
TRIGGER = {"crash_segv": "CRASH", "crash_abort": "ABORT", "loop_forever": "LOOP",
           "leak": "LEAK"}
# A plugin that runs out of worker_memory gets NULL from malloc: under
# AddressSanitizer only when it may return NULL (else it reports and exits).
ASAN = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"}


def with_word(word):
    return CAPTIONS + f"1:10 and then {word} happened\n"


def plugin_path(*names):
    return ":".join([str(BUILD / "plugins")] +
                    [str(BUILD / "test-plugins" / n) for n in names])


def process_daemon(daemon, workers=2, cleaners="normalize", test_plugins=(),
                   extra="", endpoint=None, exporters="json", **kw):
    conf = f"[daemon]\nisolation = process\nworkers = {workers}\n"
    if endpoint:
        conf += f"workers_endpoint = {endpoint}\n"
    return daemon(plugin_path=plugin_path(*test_plugins),
                  pipeline={"cleaners": cleaners, "summarizers": "stats",
                            "exporters": exporters},
                  conf_extra=conf + extra, env=ASAN, **kw)


def children(pid):
    """The pids of the worker processes a daemon started."""
    kids = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return sorted(kids)


def wait_for(cond, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"{what} not met in {timeout}s"
        time.sleep(0.05)


def pump(d, seconds):
    try:
        d.wait("__none__", timeout=seconds)
    except AssertionError:
        pass


def given(d, name, worker, attempt):
    """Whether the daemon's log says it gave name to worker, attempt n."""
    return re.search(rf"{re.escape(name)}: job \d+ to worker {worker} "
                     rf"\(attempt {attempt}\)", d.read_log()) is not None


def worker_event(d, topic, worker, nth=1, timeout=20):
    """The nth worker.joined or worker.left event of the worker named."""
    def found():
        return [e for e in (ev for _, ev in d.events(topic)) if e["worker"] == worker]
    wait_for(lambda: (pump(d, 0.05), len(found()) >= nth)[1], timeout,
             f"{topic} #{nth} of {worker}")
    return found()[nth - 1]


def ready_workers(d, n, timeout=20):
    """Waits until n workers said READY (the daemon logs each)."""
    wait_for(lambda: d.read_log().count(" ready; ") >= n, timeout,
             f"{n} workers ready")


def test_outputs_match_thread_mode(daemon, tmp_path):
    d = process_daemon(daemon).start()
    ready_workers(d, 2)
    d.drop("bird.txt", CAPTIONS)
    ev = d.wait("transcript.done", "bird.txt")
    assert ev["format"] == "captions" and ev["title"] == "Building a Birdhouse"
    assert ev["segments"] == 5 and ev["words"] > 0
    assert ev["outputs"] == {"json": str(d.outbox / "bird.json")}
    assert ev["path"] == str(d.done / "bird.txt")
    assert (d.done / "bird.txt").exists() and not (d.work / "bird.txt").exists()
    # The same chain on threads, once: byte for byte the same document.
    src = tmp_path / "bird.txt"
    src.write_text(CAPTIONS)
    run_cli("process", "-c", d.conf, "-o", tmp_path / "ref", src, check=True)
    assert (d.outbox / "bird.json").read_bytes() == \
        (tmp_path / "ref" / "bird.json").read_bytes()
    # Nothing is left in the workers' scratch folders, nor temporaries.
    scratch = d.tmp / "state" / "workers"
    assert sorted(p.name for p in scratch.iterdir()) == ["local-0", "local-1"]
    assert not list(scratch.glob("*/out/*")) and not list(scratch.glob("*/source"))
    assert [p.name for p in d.outbox.iterdir()] == ["bird.json"]
    assert d.stop() == 0
    assert "worker local-0: Terminated: stopping" in d.read_log()


def test_a_store_of_its_own_stays_in_the_outbox(daemon):
    """An exporter that keeps a store (a database) finds td_export_dir() to
    be the outbox in a local worker too, not the worker's scratch folder."""
    d = process_daemon(daemon, exporters="json store", test_plugins=["store"]).start()
    ready_workers(d, 2)
    names = [f"s{i}.txt" for i in range(4)]
    for n in names:
        d.drop(n, CAPTIONS)
    for n in names:
        assert d.finished(n)[0] == "transcript.done"
    assert sorted((d.outbox / "store.txt").read_text().split()) == names
    assert sorted(p.name for p in d.outbox.iterdir()) == \
        sorted([n.replace(".txt", ".json") for n in names] + ["store.txt"])
    assert not list((d.tmp / "state" / "workers").rglob("store.txt"))
    assert d.stop() == 0


@pytest.mark.parametrize("plugin, error", [
    ("crash_segv", "plugin crash_segv crashed (SIGSEGV)"),
    ("crash_abort", "plugin crash_abort crashed (SIGABRT)"),
    ("loop_forever", "timed out after 1 s (job_timeout) in plugin loop_forever"),
    ("leak", "plugin leak crashed (SIGABRT)"),
])
def test_broken_plugin_fails_only_its_file(daemon, plugin, error):
    d = process_daemon(daemon, cleaners=f"normalize {plugin}", test_plugins=[plugin],
                       extra="job_timeout = 1\nworker_memory = 64\n").start()
    ready_workers(d, 2)
    before = children(d.proc.pid)
    assert len(before) == 2
    good = [f"good{i}.txt" for i in range(4)]
    d.drop("good0.txt", CAPTIONS)
    d.drop("bad.txt", with_word(TRIGGER[plugin]))
    for name in good[1:]:
        d.drop(name, CAPTIONS)

    t, ev = d.finished("bad.txt", timeout=30)
    assert t == "transcript.failed", ev
    assert ev["error"] == error
    assert ev["plugin"] == plugin and ev["stage"] == "clean"
    assert ev["path"] == str(d.failed / "bad.txt")
    err = json.loads((d.failed / "bad.txt.error.json").read_text())
    assert err["message"] == error and err["plugin"] == plugin
    # Tried twice: one retry, then failed.
    log = d.read_log()
    assert log.count("bad.txt: plugin %s (clean): %s; trying once more"
                     % (plugin, error)) == 1, log
    for name in good:
        t, ev = d.finished(name)
        assert t == "transcript.done", ev
        assert (d.outbox / name.replace(".txt", ".json")).exists()
    assert [p.name for p in d.work.iterdir()] == [".lock"]    # only the spool lock

    # New workers took over: the next file is done, the daemon runs on.
    d.drop("after.txt", CAPTIONS)
    assert d.finished("after.txt")[0] == "transcript.done"
    wait_for(lambda: len(children(d.proc.pid)) == 2, what="two workers again")
    assert set(children(d.proc.pid)) != set(before)
    assert len(d.events("transcript.failed")) == 1
    assert d.stop() == 0


def test_worker_killed_mid_job_is_done_once(daemon):
    d = process_daemon(daemon, workers=1, cleaners="normalize slow",
                       test_plugins=["slow"], extra="[slow]\nms = 1500\n").start()
    ready_workers(d, 1)
    [worker] = children(d.proc.pid)
    d.drop("victim.txt", CAPTIONS)
    d.wait("transcript.received", "victim.txt")
    wait_for(lambda: given(d, "victim.txt", "local-0", 1), what="the job given")
    time.sleep(0.5)                 # inside the slow plugin
    os.kill(worker, signal.SIGKILL)

    t, ev = d.finished("victim.txt", timeout=30)
    assert t == "transcript.done", ev
    log = d.read_log()
    assert "victim.txt: plugin slow (clean): plugin slow crashed (SIGKILL); " \
           "trying once more" in log
    assert given(d, "victim.txt", "local-0", 2)
    pump(d, 0.5)
    assert [e["source"] for _, e in d.events("transcript.done")] == ["victim.txt"]
    assert not d.events("transcript.failed")
    assert sorted(p.name for p in d.done.iterdir()) == ["victim.txt"]
    assert not d.failed.exists() or not list(d.failed.iterdir())
    assert [p.name for p in d.outbox.iterdir()] == ["victim.json"]
    assert children(d.proc.pid) != [worker]
    # On the bus: it left with the file, and a new local-0 joined.
    left = worker_event(d, "worker.left", "local-0")
    assert (left["reason"], left["source"], left["pid"]) == ("killed", "victim.txt", worker)
    assert left["message"] == ("worker local-0 was killed by a signal: "
                               "plugin slow crashed (SIGKILL)")
    assert left["workers"] == 0
    first, again = (worker_event(d, "worker.joined", "local-0", n) for n in (1, 2))
    assert first["pid"] == worker and again["pid"] != worker and again["workers"] == 1
    assert d.stop() == 0


class Worker:
    """`transcriptd worker --connect` started by hand, as on another machine."""

    def __init__(self, d, endpoint, name, keys=()):
        self.name = name
        self.log_path = d.tmp / f"{name}.log"
        self.log = open(self.log_path, "ab")
        self.scratch = d.tmp / f"transcriptd-worker-{name}"
        self.proc = subprocess.Popen(
            [str(BIN), "worker", "--connect", endpoint, "-c", str(d.conf),
             "--name", name, *map(str, keys)], stdout=self.log, stderr=self.log,
            env={**daemon_env(), **ASAN, "TMPDIR": str(d.tmp)})

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(20)
        self.log.close()
        return rc

    def read_log(self):
        return self.log_path.read_text(errors="replace")


def test_remote_workers_over_tcp(daemon):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    d = process_daemon(daemon, workers=0, cleaners="normalize slow",
                       test_plugins=["slow"], endpoint=endpoint,
                       extra="[slow]\nms = 200\n").start()
    assert children(d.proc.pid) == []
    # No worker yet: the files wait in the drop folder, unclaimed.
    names = [f"r{i}.txt" for i in range(6)]
    for n in names:
        d.drop(n, CAPTIONS)
    pump(d, 1.0)
    assert not d.events("transcript.received")
    assert sorted(p.name for p in d.inbox.iterdir() if p.is_file()) == names

    workers = [Worker(d, endpoint, "far-a"), Worker(d, endpoint, "far-b")]
    try:
        for n in names:
            assert d.finished(n, timeout=30)[0] == "transcript.done"
        log = d.read_log()
        for w in ("far-a", "far-b"):
            assert f"worker {w} (pid" in log
            assert any(given(d, n, w, 1) for n in names)
        assert sorted(p.name for p in d.done.iterdir()) == names
        assert sorted(p.name for p in d.outbox.iterdir()) == \
            sorted(n.replace(".txt", ".json") for n in names)
        # Each worker's exporters wrote in its own scratch folder, emptied.
        for w in workers:
            assert sorted(p.name for p in w.scratch.iterdir()) == ["out", "stage"]
            assert not list((w.scratch / "out").iterdir())
        for w in workers:
            joined = worker_event(d, "worker.joined", w.name)
            assert joined["pid"] == w.proc.pid and joined["host"] == socket.gethostname()
    finally:
        rcs = [w.stop() for w in workers]
    assert rcs == [0, 0]
    for w in workers:
        assert "connected to " + endpoint in w.read_log()
        assert not w.scratch.exists()
        left = worker_event(d, "worker.left", w.name)
        assert (left["reason"], left["source"], left["pid"]) == ("left", None, w.proc.pid)
    assert sorted(worker_event(d, "worker.left", w.name)["workers"]
                  for w in workers) == [0, 1]
    assert d.stop() == 0


def curve_keys(folder):
    """server, alice (allowed) and mallory (not) key pairs, alice's public
    key in folder/clients: the config lines, and the keys the test's own
    bus sockets use (alice's)."""
    (folder / "clients").mkdir(parents=True)
    for name in ("server", "alice", "mallory"):
        run_cli("keygen", folder / name, check=True)
    os.link(folder / "alice.pub", folder / "clients" / "alice.pub")
    z85 = lambda f: (folder / f).read_text().split("\n")[1]
    curve = {"secret": z85("alice.key"), "public": z85("alice.pub"),
             "server": z85("server.pub")}
    return (f"[bus]\ncurve_server_key = {folder / 'server.key'}\n"
            f"curve_clients = {folder / 'clients'}\n"), curve


def test_remote_workers_need_a_known_curve_key(daemon, tmp_path):
    """With the bus's CURVE keys configured, the workers socket is CURVE too:
    a worker with an unknown key gets no job; a listed one gets them all;
    the daemon's own local workers connect with the daemon's key."""
    keys = tmp_path / "keys"
    conf, curve = curve_keys(keys)
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    d = process_daemon(daemon, workers=0, endpoint=endpoint, extra=conf,
                       curve=curve).start()
    stranger = Worker(d, endpoint, "mallory",
                      ["--curve-key", keys / "mallory.key", "--server-key", keys / "server.pub"])
    try:
        d.drop("s0.txt", CAPTIONS)
        pump(d, 2.0)
        assert not d.events("transcript.received")
        assert (d.inbox / "s0.txt").exists()
        friend = Worker(d, endpoint, "alice",
                        ["--curve-key", keys / "alice.key", "--server-key", keys / "server.pub"])
        try:
            assert d.finished("s0.txt", timeout=30)[0] == "transcript.done"
            assert given(d, "s0.txt", "alice", 1)
        finally:
            assert friend.stop() == 0
    finally:
        stranger.stop()
    assert "worker mallory" not in d.read_log()
    assert d.stop() == 0



def test_local_workers_use_the_daemons_own_curve_key(daemon, tmp_path):
    conf, curve = curve_keys(tmp_path / "keys")
    d = process_daemon(daemon, workers=1, endpoint=f"tcp://127.0.0.1:{free_port()}",
                       extra=conf, curve=curve).start()
    d.drop("local.txt", CAPTIONS)
    assert d.finished("local.txt", timeout=30)[0] == "transcript.done"
    assert d.stop() == 0


def test_remote_workers_refused_off_this_machine_without_curve(tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text("[daemon]\nisolation = process\nworkers = 0\n"
                    "workers_endpoint = tcp://0.0.0.0:7599\n")
    r = run_cli("run", "-c", conf, timeout=30)
    assert r.returncode != 0
    assert "workers_endpoint: tcp://0.0.0.0:7599 is reachable from other machines" in r.stderr


def test_silent_remote_worker_loses_its_job(daemon):
    """A worker that stops answering (SIGSTOP: no crash, no exit) is given
    up after three missed heartbeats; its job goes to another worker."""
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    d = process_daemon(daemon, workers=0, cleaners="normalize slow",
                       test_plugins=["slow"], endpoint=endpoint,
                       extra="[slow]\nms = 1000\n").start()
    frozen = Worker(d, endpoint, "frozen")
    ready_workers(d, 1)
    d.drop("s.txt", CAPTIONS)
    wait_for(lambda: given(d, "s.txt", "frozen", 1), what="the job given")
    frozen.proc.send_signal(signal.SIGSTOP)
    spare = Worker(d, endpoint, "spare")
    try:
        t, ev = d.finished("s.txt", timeout=30)
        assert t == "transcript.done", ev
        log = d.read_log()
        assert "plugin slow: worker frozen stopped answering; trying once more" in log
        left = worker_event(d, "worker.left", "frozen")
        assert (left["reason"], left["source"]) == ("silent", "s.txt")
        assert given(d, "s.txt", "spare", 2)
        # The frozen one wakes up, finishes, and its late result is dropped.
        frozen.proc.send_signal(signal.SIGCONT)
        pump(d, 2.5)
        assert [e["source"] for _, e in d.events("transcript.done")] == ["s.txt"]
        assert sorted(p.name for p in d.done.iterdir()) == ["s.txt"]
    finally:
        frozen.proc.send_signal(signal.SIGCONT)
        assert spare.stop() == 0
        assert frozen.stop() == 0
    assert d.stop() == 0


def test_reload_restarts_workers_on_the_new_chain(daemon):
    d = process_daemon(daemon).start()
    ready_workers(d, 2)
    d.drop("one.txt", CAPTIONS)
    assert d.finished("one.txt")[0] == "transcript.done"
    assert "stats" in json.loads((d.outbox / "one.json").read_text())
    # Without the summarizer now.
    text = d.conf.read_text().replace("summarizers = stats", "summarizers =")
    d.conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    d.wait("daemon.reloaded")
    ready_workers(d, 4)             # both said READY again, from the new config
    d.drop("two.txt", CAPTIONS)
    assert d.finished("two.txt")[0] == "transcript.done"
    doc = json.loads((d.outbox / "two.json").read_text())
    assert not doc.get("stats"), doc.get("stats")
    assert "worker local-0: restarting" in d.read_log()
    for w in ("local-0", "local-1"):
        assert worker_event(d, "worker.left", w)["reason"] == "reconfigured"
        worker_event(d, "worker.joined", w, 2)
    assert d.stop() == 0


def test_config_checks(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("[daemon]\nisolation = fork\nworkers_endpoint = udp://x\n"
                    "job_timeout = -1\nworker_memory = -5\n")
    r = run_cli("check-config", "-c", conf)
    assert r.returncode == 1
    assert "[daemon] isolation: 'fork' is not thread or process" in r.stderr
    assert "[daemon] workers_endpoint: 'udp://x' is not an ipc:// or tcp://" in r.stderr
    assert "[daemon] job_timeout must be between 0 and 604800 seconds" in r.stderr
    assert "[daemon] worker_memory must be between 0 and 1048576 MB" in r.stderr


def gone(pid):
    """Whether pid has ended (a zombie nobody reaped counts)."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def test_daemon_killed_workers_follow_and_the_file_is_done_once(daemon):
    """kill -9 of the daemon mid-job: its local workers end with it; the
    file, still in work/, is done once after the restart."""
    d = process_daemon(daemon, workers=1, cleaners="normalize slow",
                       test_plugins=["slow"], extra="[slow]\nms = 1500\n").start()
    ready_workers(d, 1)
    [worker] = children(d.proc.pid)
    d.drop("k.txt", CAPTIONS)
    wait_for(lambda: given(d, "k.txt", "local-0", 1), what="the job given")
    d.stop(signal.SIGKILL)
    wait_for(lambda: gone(worker), timeout=10, what="the orphan worker gone")
    assert (d.work / "k.txt").exists()

    d.start()
    t, ev = d.finished("k.txt", timeout=30)
    assert t == "transcript.done", ev
    received = [e for _, e in d.events("transcript.received") if e["source"] == "k.txt"]
    assert received[0]["recovered"] is False and received[-1]["recovered"] is True
    assert len([1 for _, e in d.events("transcript.done") if e["source"] == "k.txt"]) == 1
    assert sorted(p.name for p in d.done.iterdir()) == ["k.txt"]
    assert [p.name for p in d.outbox.iterdir()] == ["k.json"]
    assert d.stop() == 0


def test_a_worker_cannot_write_outside_the_outbox(daemon):
    """A worker is not trusted with names: an output extension that is a
    path fails the file; a result for a job it was not given is dropped."""
    import zmq
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    d = process_daemon(daemon, workers=0, endpoint=endpoint).start()
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.connect(endpoint)
    try:
        ready = {"name": "rogue", "pid": 1, "host": "x", "version": "0", "busy": False}
        sock.send_multipart([b"TDW/1", b"READY", json.dumps(ready).encode()])
        d.drop("x.txt", CAPTIONS)
        while True:
            assert sock.poll(20000), "no job came"
            frames = sock.recv_multipart()
            if frames[1] == b"JOB":
                break
        job_id, name = frames[2], frames[3]
        assert name == b"x.txt" and frames[4] == CAPTIONS.encode()
        event = json.dumps({"source": "x.txt", "ms": 1.0}).encode()
        # Not its job: dropped, nothing happens.
        sock.send_multipart([b"TDW/1", b"RESULT", b"12345", b"ok", event,
                             b"json", b"{}"])
        sock.send_multipart([b"TDW/1", b"RESULT", job_id, b"ok", event,
                             b"../../escape", b"gotcha"])
        t, ev = d.finished("x.txt")
        assert t == "transcript.failed"
        assert ev["error"] == "the worker sent a bad output extension"
        assert ev["plugin"] == "core" and ev["stage"] == "commit"
        assert not list(d.tmp.rglob("*escape*"))
        assert not d.outbox.exists() or not list(d.outbox.iterdir())
    finally:
        sock.close(linger=0)
    assert "worker rogue runs transcriptd 0, the daemon" in d.read_log()
    assert d.stop() == 0
