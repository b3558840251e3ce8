"""Running it as a service: reload on SIGHUP while files flow, SIGTERM in a
burst, `transcriptd status`, the Prometheus endpoint, sd_notify and the
watchdog, and logging to the journal."""
import json
import os
import pathlib
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BIN, BUILD, FIXTURES, daemon_env, free_port, run_cli

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()
# Big enough that a few are in flight at any moment under the sanitizers.
BIG = "\n".join(f"{i // 60}:{i % 60:02d} words of line {i} in this talk"
                for i in range(3000)) + "\n"


def write_conf(d, pipeline, extra=""):
    """Replaces the daemon's config file whole, as an editor that saves
    with a rename does."""
    text = d.conf.read_text().split("[pipeline]")[0]
    pipeline = {"parsers": "captions", **pipeline}
    text += "[pipeline]\n" + "".join(f"{k} = {v}\n" for k, v in pipeline.items()) + extra
    tmp = d.conf.with_suffix(".new")
    tmp.write_text(text)
    os.rename(tmp, d.conf)


def all_places(d, name):
    return [p for p in (d.inbox, d.work, d.done, d.failed) if (p / name).exists()]


def pump(d, seconds):
    """Reads the bus for a while."""
    try:
        d.wait("__none__", timeout=seconds)
    except AssertionError:
        pass


def slow_daemon(daemon, ms, **pipeline):
    """A daemon whose chain has the test plugin `slow`, so that files are
    in flight for ms milliseconds each."""
    pipe = {"parsers": "captions", "cleaners": "normalize slow", "summarizers": "",
            "exporters": "json"}
    pipe.update(pipeline)
    return daemon(plugin_path=f"{BUILD / 'plugins'}:{BUILD / 'test-plugins' / 'slow'}",
                  pipeline=pipe, conf_extra=f"[slow]\nms = {ms}\n")


def test_reload_good_and_bad_config_while_files_flow(daemon):
    d = slow_daemon(daemon, 100).start()
    names = [f"r{i:02d}.txt" for i in range(36)]
    sent = []

    def feed():
        for n in names:
            d.drop(n, BIG)
            sent.append(n)
            time.sleep(0.02)
    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        while len(sent) < 8 or len(d.events("transcript.received")) < 2:
            pump(d, 0.02)
        # Good: adds a summarizer, changes an exporter option and a plugin's.
        write_conf(d, {"cleaners": "normalize slow", "summarizers": "stats",
                       "exporters": "json"}, "[json]\nindent = 0\n[slow]\nms = 20\n")
        d.proc.send_signal(signal.SIGHUP)
        reloaded = d.wait("daemon.reloaded")
        while len(sent) < 24:
            time.sleep(0.01)
        # Bad: an unknown plugin.  Refused; the good chain goes on.
        write_conf(d, {"cleaners": "normalize nosuch", "summarizers": "stats",
                       "exporters": "json"})
        d.proc.send_signal(signal.SIGHUP)
        failed = d.wait("daemon.reload_failed")
    finally:
        feeder.join()
    for n in names:
        d.finished(n, timeout=60)

    assert reloaded["chain"] == ["captions", "normalize", "slow", "stats", "json"]
    assert reloaded["reloads"] == 1 and reloaded["in_flight_on_previous"] >= 1
    assert "unknown plugin 'nosuch'" in failed["errors"]
    assert f"{d.conf}:" in failed["errors"]
    received = {e["source"]: e["seq"] for _, e in d.events("transcript.received")}
    done = {e["source"]: e["seq"] for _, e in d.events("transcript.done")}
    old = [n for n in names if received[n] < reloaded["seq"]]
    new = [n for n in names if received[n] > reloaded["seq"]]
    assert len(old) >= 2 and len(new) >= 12 and len(old) + len(new) == len(names)
    # Some of the old ones were still in flight when the new chain came.
    assert [n for n in old if done[n] > reloaded["seq"]]
    # None lost: every file done once, with its output.
    assert sorted(done) == names
    assert sorted(os.listdir(d.done)) == names
    assert not os.listdir(d.failed) and os.listdir(d.work) == [".lock"]
    # Each file ran on the chain it was received under, before or after.
    for n in names:
        raw = (d.outbox / n.replace(".txt", ".json")).read_text()
        doc = json.loads(raw)
        if n in old:
            assert not doc.get("stats"), n
            assert raw.startswith("{\n"), n            # indent = 2
        else:
            assert doc["stats"]["words"] == 3000 * 7, n
            assert "\n" not in raw.strip(), n           # indent = 0
    log = d.read_log()
    assert "reload refused, still running the previous configuration" in log
    assert "unknown plugin 'nosuch'" in log
    st = status(d)
    assert st["reloads"] == 1 and st["reloads_refused"] == 1
    assert st["chain"] == ["captions", "normalize", "slow", "stats", "json"]
    assert st["done"] == len(names)
    assert d.stop() == 0


def test_reload_keeps_folders_and_names_what_needs_a_restart(daemon, tmp_path):
    d = daemon().start()
    text = d.conf.read_text().replace("workers = 2", "workers = 3").replace(
        f"outbox = {d.outbox}", f"outbox = {tmp_path / 'elsewhere'}").replace(
        "log_level = debug", "log_level = warning")
    d.conf.write_text(text)
    d.proc.send_signal(signal.SIGHUP)
    d.wait("daemon.reloaded")
    chatty = d.read_log().count(": info: ") + d.read_log().count(": debug: ")
    d.drop("after.txt", CAPTIONS)
    ev = d.wait("transcript.done", "after.txt")
    assert ev["outputs"]["json"] == str(d.outbox / "after.json")
    assert status(d)["workers"] == 2
    assert d.stop() == 0
    log = d.read_log()
    assert "[daemon] workers changed; that takes a restart" in log
    assert "[daemon] outbox changed; that takes a restart" in log
    assert "[daemon] inbox changed" not in log
    # The new log level took effect: nothing below warning since.
    assert log.count(": info: ") + log.count(": debug: ") == chatty


def test_sigterm_during_a_burst_loses_nothing(daemon):
    d = slow_daemon(daemon, 150).start()
    names = [f"t{i:02d}.txt" for i in range(40)]
    for n in names:
        d.drop(n, BIG)
    d.wait("transcript.received", names[0])
    assert d.stop(signal.SIGTERM) == 0
    stopping = d.wait("daemon.stopping", timeout=5)
    done = [e["source"] for _, e in d.events("transcript.done")]
    started = [e["source"] for _, e in d.events("transcript.received")]
    # Everything started was finished; nothing failed; the rest waits.
    assert sorted(done) == sorted(started) and stopping["done"] == len(done)
    assert 1 <= len(done) < len(names)
    assert not d.events("transcript.failed")
    for n in names:
        where = all_places(d, n)
        assert where in ([d.done], [d.inbox]), (n, where)
        if where == [d.done]:
            assert (d.outbox / n.replace(".txt", ".json")).exists()
    assert "finishing" in d.read_log()
    # The rest are picked up at the next start.
    d.seen.clear()
    d.start()
    for n in names:
        if (d.inbox / n).exists() or n not in done:
            d.wait("transcript.done", n, timeout=60)
    assert sorted(os.listdir(d.done)) == names
    assert d.stop() == 0


def status(d, *args):
    r = run_cli("status", "-c", d.conf, "--json", *args, check=True)
    return json.loads(r.stdout)


CAPTIONS_CHAIN = {"parsers": "captions", "cleaners": "normalize",
                  "summarizers": "stats", "exporters": "json"}


def test_status_reports_what_was_processed(daemon):
    d = daemon(pipeline=CAPTIONS_CHAIN).start()
    for i in range(5):
        d.drop(f"ok{i}.txt", CAPTIONS)
    d.drop("empty.txt", b"", how="write")
    d.drop("prose.txt", "No timestamps here.\nJust words.\n", how="write")
    for n in [f"ok{i}.txt" for i in range(5)] + ["empty.txt", "prose.txt"]:
        d.finished(n)
    st = status(d)
    assert (st["done"], st["failed"], st["queued"], st["in_flight"]) == (5, 2, 0, 0)
    assert st["pid"] == d.proc.pid and st["workers"] == 2
    assert st["chain"] == ["captions", "normalize", "stats", "json"]
    assert st["uptime_s"] > 0 and st["stopping"] is False
    plugins = {p["name"]: p for p in st["plugins"]}
    assert set(plugins) == {"captions", "normalize", "stats", "json"}
    for p in plugins.values():
        # The failed files never reached a plugin's run().
        assert p["count"] == 5
        assert 0 < p["p50_ms"] <= p["p99_ms"] and p["total_ms"] > 0
    text = run_cli("status", "-c", d.conf, check=True).stdout
    assert "files:   5 done, 2 failed, 0 queued, 0 in flight" in text
    assert "chain:   captions normalize stats json" in text
    assert any(l.split()[:2] == ["json", "5"] for l in text.splitlines())
    assert d.stop() == 0
    # Nobody there any more.
    r = run_cli("status", "-c", d.conf, "--timeout", "300")
    assert r.returncode == 1 and "no answer" in r.stderr


def test_status_socket_is_in_the_state_folder(daemon):
    d = daemon().start()
    sock = d.tmp / "state" / "control.sock"
    assert stat.S_ISSOCK(sock.stat().st_mode)
    assert status(d)["pid"] == d.proc.pid
    assert d.stop() == 0
    assert not sock.exists()        # removed at exit


def http_get(port, path, method="GET"):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def prom(text):
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            values[key] = float(value)
    return values


def test_metrics_endpoint(daemon):
    port = free_port()
    d = daemon(pipeline=CAPTIONS_CHAIN, conf_extra=f"[metrics]\nlisten = 127.0.0.1:{port}\n").start()
    for i in range(3):
        d.drop(f"m{i}.txt", CAPTIONS)
    d.drop("bad.txt", b"", how="write")
    for n in ("m0.txt", "m1.txt", "m2.txt", "bad.txt"):
        d.finished(n)
    code, headers, body = http_get(port, "/metrics")
    assert code == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    v = prom(body)
    assert v["transcriptd_files_done_total"] == 3
    assert v["transcriptd_files_failed_total"] == 1
    assert v["transcriptd_queue_depth"] == 0 and v["transcriptd_workers"] == 2
    assert "# TYPE transcriptd_plugin_run_seconds histogram" in body
    for plugin in ("captions", "normalize", "stats", "json"):
        lab = f'plugin="{plugin}"'
        assert v[f"transcriptd_plugin_run_seconds_count{{{lab}}}"] == 3
        assert v[f'transcriptd_plugin_run_seconds_bucket{{{lab},le="+Inf"}}'] == 3
        buckets = [val for k, val in v.items()
                   if k.startswith(f"transcriptd_plugin_run_seconds_bucket{{{lab}")]
        assert buckets == sorted(buckets)        # cumulative
    assert http_get(port, "/")[0] == 404
    assert http_get(port, "/metricsx")[0] == 404
    assert http_get(port, "/metrics", method="POST")[0] == 405
    # An oversized request gets 431 and the endpoint keeps working.
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nX-Pad: " + b"a" * 6000)
        assert s.recv(100).startswith(b"HTTP/1.1 431")
    # A client that connects and says nothing does not block others.
    idle = socket.create_connection(("127.0.0.1", port))
    assert http_get(port, "/metrics")[0] == 200
    idle.close()
    assert d.stop() == 0


def test_metrics_bad_address_stops_the_start(daemon):
    d = daemon(conf_extra="[metrics]\nlisten = nonsense\n")
    d.start(wait_ready=False)
    assert d.proc.wait(20) == 1
    assert "[metrics] listen: 'nonsense' is not HOST:PORT" in d.read_log()
    d.proc = None
    d.log.close()


class NotifySocket:
    """What systemd listens on for sd_notify: a datagram socket."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages = []

    def wait(self, needle, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages:
                if needle in m:
                    return m
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except socket.timeout:
                pass
        raise AssertionError(f"no {needle!r} in {self.messages}")

    def close(self):
        self.sock.close()


def test_sd_notify_ready_status_watchdog_reload_stop(daemon, tmp_path):
    ns = NotifySocket(tmp_path / "notify.sock")
    try:
        d = daemon(env={"NOTIFY_SOCKET": ns.path, "WATCHDOG_USEC": "400000"})
        d.drop("early.txt", CAPTIONS)
        d.start()
        ready = ns.wait("READY=1")
        assert "STATUS=" in ready
        # Pings at half the interval: several in a second.
        t0 = time.monotonic()
        ns.messages.clear()
        for _ in range(3):
            ns.wait("WATCHDOG=1")
            ns.messages.clear()
        assert time.monotonic() - t0 < 1.5
        d.wait("transcript.done", "early.txt")
        st = ns.wait("STATUS=1 done, 0 failed, 0 queued, 0 in flight")
        ns.messages.clear()
        d.proc.send_signal(signal.SIGHUP)
        reloading = ns.wait("RELOADING=1")
        assert "MONOTONIC_USEC=" in reloading
        usec = int(reloading.split("MONOTONIC_USEC=")[1].split()[0])
        assert abs(usec / 1e6 - time.clock_gettime(time.CLOCK_MONOTONIC)) < 30
        ns.wait("READY=1")
        d.proc.send_signal(signal.SIGTERM)
        ns.wait("STOPPING=1")
        assert d.stop() == 0
        assert st
    finally:
        ns.close()


def test_no_notify_socket_no_notifications(daemon, tmp_path):
    d = daemon().start()
    d.drop("a.txt", CAPTIONS)
    d.wait("transcript.done", "a.txt")
    assert d.stop() == 0
    assert "sd_notify" not in d.read_log()


JOURNAL_HELPER = r'''
import json, os, socket, subprocess, sys
# A private mount namespace: a fresh /run with a journal socket of our own.
subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
os.makedirs("/run/systemd/journal")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
s.settimeout(0.5)
err = open(sys.argv[1], "wb")
st = os.fstat(err.fileno())
env = dict(os.environ)
if sys.argv[2] == "journal":
    env["JOURNAL_STREAM"] = f"{st.st_dev}:{st.st_ino}"
else:
    env.pop("JOURNAL_STREAM", None)
subprocess.run(sys.argv[3:], stderr=err, env=env)
entries = []
while True:
    try:
        data = s.recv(65536)
    except socket.timeout:
        break
    entry = {}
    for line in data.decode().split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            entry[k] = v
    entries.append(entry)
print(json.dumps(entries))
'''


def journal_run(tmp_path, mode, *args):
    helper = tmp_path / "journal_helper.py"
    helper.write_text(JOURNAL_HELPER)
    err = tmp_path / "stderr.txt"
    r = subprocess.run(["unshare", "-m", sys.executable, helper, err, mode,
                        str(BIN), *map(str, args)],
                       capture_output=True, text=True, env=daemon_env(), timeout=120)
    if r.returncode != 0 and "unshare" in r.stderr:
        pytest.skip(f"cannot make a mount namespace here: {r.stderr.strip()}")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), err.read_text()


def test_journal_gets_priority_and_fields(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for a private mount namespace")
    bad = tmp_path / "bad.txt"
    bad.write_text(" \n\t\n")
    entries, stderr = journal_run(tmp_path, "journal", "process", bad,
                                  "-o", tmp_path / "out")
    mine = [e for e in entries if e.get("TRANSCRIPTD_FILE") == "bad.txt"]
    assert len(mine) == 1, entries
    e = mine[0]
    assert e["PRIORITY"] == "3"                  # LOG_ERR
    assert e["TRANSCRIPTD_PLUGIN"] == "core" and e["TRANSCRIPTD_STAGE"] == "parse"
    assert e["SYSLOG_IDENTIFIER"] == "transcriptd"
    assert "no parser recognises this file" in e["MESSAGE"]
    assert e["MESSAGE"].startswith("bad.txt: parse: ")
    assert "no parser" not in stderr             # went to the journal only


def test_plain_lines_when_stderr_is_not_the_journal(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root for a private mount namespace")
    bad = tmp_path / "bad.txt"
    bad.write_text(" \n\t\n")
    entries, stderr = journal_run(tmp_path, "terminal", "process", bad,
                                  "-o", tmp_path / "out")
    assert not [e for e in entries if e.get("TRANSCRIPTD_FILE")]
    assert ("transcriptd: error: bad.txt: parse: no parser "
            "recognises this file") in stderr
