"""Shared pieces of the end-to-end tests: a daemon on a temporary spool and
a subscriber on its bus."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import time

import jsonschema
import pytest
import zmq

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRANSCRIPTD_BUILD", ROOT / "build"))
BIN = BUILD / "transcriptd"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
EVENT_SCHEMA = json.loads((ROOT / "docs" / "events.schema.json").read_text())
EVENT_VALIDATOR = jsonschema.Draft202012Validator(EVENT_SCHEMA)
# How many events check_event() has passed: a test can see the hook works.
checked_events = 0


def check_event(topic, event):
    """Every event a test sees must match docs/events.schema.json, and its
    topic frame the topic inside."""
    global checked_events
    errors = sorted(EVENT_VALIDATOR.iter_errors(event), key=lambda e: e.path)
    assert not errors, (f"{topic} does not match docs/events.schema.json: "
                        f"{errors[0].message} at {list(errors[0].path)}\n{event}")
    assert event["topic"] == topic, (topic, event)
    checked_events += 1
    return event


SCHEMA_PATH = ROOT / "docs" / "document.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text())
jsonschema.Draft202012Validator.check_schema(SCHEMA)
_DOC_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
_JSONL_VALIDATOR = jsonschema.Draft202012Validator(
    {"$ref": "#/$defs/jsonl_record", "$defs": SCHEMA["$defs"]})


def _check(validator, value, where):
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
    assert not errors, f"{where} does not match {SCHEMA_PATH.name}:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10])


def validate_document(path):
    """Loads a json exporter output, checks it against docs/document.schema.json
    and returns it."""
    doc = json.loads(pathlib.Path(path).read_text())
    _check(_DOC_VALIDATOR, doc, path)
    return doc


def validate_jsonl(path):
    """Loads a jsonl exporter output, checks every line against the schema's
    jsonl_record and returns the records."""
    records = []
    for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        rec = json.loads(line)
        _check(_JSONL_VALIDATOR, rec, f"{path}:{n}")
        records.append(rec)
    return records


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(prefix):
    """The seed transcript whose name starts with prefix, or skip."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    for p in sorted(SEEDS.iterdir()):
        if p.name.startswith(prefix):
            return p
    pytest.skip(f"seed {prefix} not in {SEEDS}")


def sanitizer_report(text):
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:"):
        if marker in text:
            return text
    return None


class Daemon:
    """transcriptd run on a spool under tmp, with a SUB socket on its bus."""

    def __init__(self, tmp, conf_extra="", pipeline=None, plugin_path=None,
                 binary=None, env=None, ipc=False, curve=None):
        """ipc: endpoints are ipc sockets in tmp.  curve: the keys (Z85) the
        test's own sockets use, {"secret", "public", "server"}.  binary and
        env: another transcriptd (an installed one) and its environment."""
        self.tmp = pathlib.Path(tmp)
        self.binary = binary or BIN
        self.env = env
        if ipc:
            self.endpoint, self.replay_endpoint, self.ingest_endpoint = (
                f"ipc://{self.tmp}/{n}.sock" for n in ("events", "replay", "ingest"))
        else:
            self.endpoint, self.replay_endpoint, self.ingest_endpoint = (
                f"tcp://127.0.0.1:{free_port()}" for _ in range(3))
        self.curve = curve
        for d in ("inbox", "outbox", "done", "failed"):
            setattr(self, d, self.tmp / d)
        self.work = self.inbox / ".work"
        self.conf = self.tmp / "transcriptd.conf"
        lines = [
            "[daemon]",
            f"inbox = {self.inbox}", f"outbox = {self.outbox}",
            f"work = {self.work}", f"done = {self.done}",
            f"failed = {self.failed}", f"state = {self.tmp / 'state'}",
            "workers = 2", "log_level = debug",
            "[bus]", f"publish = {self.endpoint}", f"replay = {self.replay_endpoint}",
            f"ingest = {self.ingest_endpoint}",
            "heartbeat = 50",
        ]
        if plugin_path:
            lines += ["[plugins]", f"path = {plugin_path}"]
        if pipeline:
            lines += ["[pipeline]"] + [f"{k} = {v}" for k, v in pipeline.items()]
        self.conf.write_text("\n".join(lines) + "\n" + conf_extra)
        self.proc = None
        self.seen = []
        self.ctx = zmq.Context.instance()
        self.sub = None
        self.log_path = self.tmp / "daemon.log"
        self.popen_kw = {}          # e.g. user= to run unprivileged

    # -- life cycle --------------------------------------------------------
    def socket(self, kind):
        """A socket of kind for the daemon's bus, with the test's CURVE keys."""
        sock = self.ctx.socket(kind)
        if self.curve:
            sock.curve_secretkey = self.curve["secret"].encode()
            sock.curve_publickey = self.curve["public"].encode()
            sock.curve_serverkey = self.curve["server"].encode()
        return sock

    def start(self, wait_ready=True):
        self.sub = self.socket(zmq.SUB)
        # Connect before the daemon binds, retrying fast, so that the
        # subscription is in place by the time it publishes daemon.ready.
        self.sub.setsockopt(zmq.RECONNECT_IVL, 5)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        self.sub.connect(self.endpoint)
        time.sleep(0.05)
        self.log = open(self.log_path, "ab")
        env = daemon_env()
        env.update(self.env or {})
        self.proc = subprocess.Popen([str(self.binary), "run", "-c", str(self.conf)],
                                     stdout=self.log, stderr=self.log, env=env,
                                     **self.popen_kw)
        if wait_ready:
            self.wait_subscribed()
        return self

    def wait_subscribed(self, timeout=20):
        """Waits until the bus reaches us, then fills in what was published
        before (daemon.ready among it) from the replay socket, as a real
        subscriber does.  The first heartbeat (every 50 ms here) proves the
        subscription is live."""
        self.wait_any(("daemon.heartbeat",), timeout)
        self.fill_gaps()

    def replay(self, since=0, timeout=5):
        """Every event after seq since, from the daemon's journal."""
        dealer = self.socket(zmq.DEALER)
        dealer.connect(self.replay_endpoint)
        dealer.send_multipart([b"ICANHAZ?", str(since).encode()])
        events = []
        try:
            while True:
                assert dealer.poll(timeout * 1000), "no replay answer"
                frames = dealer.recv_multipart()
                if frames[0] == b"KTHXBAI":
                    return events, int(frames[1]), int(frames[2])
                assert frames[0] != b"ERROR", frames
                topic = frames[0].decode()
                events.append((topic, check_event(topic, json.loads(frames[1]))))
        finally:
            dealer.close(linger=0)

    def fill_gaps(self):
        """Merges the journal into what the subscription saw, by seq."""
        replayed, _, _ = self.replay(0)
        have = {e["seq"] for t, e in self.seen if "seq" in e}
        missing = [(t, e) for t, e in replayed if e["seq"] not in have]
        beats = [(t, e) for t, e in self.seen if "seq" not in e]
        events = sorted([(t, e) for t, e in self.seen if "seq" in e] + missing,
                        key=lambda te: te[1]["seq"])
        self.seen = events + beats

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        self.proc = None
        report = sanitizer_report(self.read_log())
        assert report is None, report
        return rc

    def close(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.log.close()
        if self.sub is not None:
            self.sub.close(linger=0)

    def read_log(self):
        return self.log_path.read_text(errors="replace")

    # -- files ---------------------------------------------------------------
    def drop(self, name, data, how="rename"):
        """Puts a file in the drop folder the two ways users do."""
        if isinstance(data, str):
            data = data.encode()
        self.inbox.mkdir(parents=True, exist_ok=True)
        if how == "rename":
            stage = self.tmp / ".stage"
            stage.mkdir(exist_ok=True)
            (stage / name).write_bytes(data)
            os.rename(stage / name, self.inbox / name)
        else:
            with open(self.inbox / name, "wb") as f:
                f.write(data)

    # -- events --------------------------------------------------------------
    def wait(self, topic, source=None, timeout=20):
        """The first event of topic (for source) seen so far or within timeout."""
        for t, ev in self.seen:
            if t == topic and (source is None or ev.get("source") == source):
                return ev
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if topic != "__none__" and self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"daemon exited ({self.proc.returncode}):\n"
                                     + self.read_log())
            if self.sub.poll(100):
                t, payload = self.sub.recv_multipart()
                ev = check_event(t.decode(), json.loads(payload))
                self.seen.append((t.decode(), ev))
                if t.decode() == topic and (source is None or ev.get("source") == source):
                    return ev
        raise AssertionError(f"no {topic} for {source} in {timeout}s; seen: "
                             f"{[(t, e.get('source')) for t, e in self.seen]}\n"
                             + self.read_log())

    def wait_file(self, path, timeout=20):
        deadline = time.monotonic() + timeout
        while not path.exists():
            assert time.monotonic() < deadline, f"{path} never appeared\n" + self.read_log()
            time.sleep(0.02)

    def wait_any(self, topics, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, ev in self.seen:
                if t in topics:
                    return t, ev
            try:
                self.wait("__none__", timeout=0.1)
            except AssertionError:
                pass
        raise AssertionError(f"none of {topics} in {timeout}s\n" + self.read_log())

    def events(self, topic=None):
        """Every event seen so far (of topic), heartbeats left out."""
        return [(t, e) for t, e in self.seen
                if t != "daemon.heartbeat" and (topic is None or t == topic)]

    def finished(self, source, timeout=20):
        """transcript.done or transcript.failed for source."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, ev in self.seen:
                if t in ("transcript.done", "transcript.failed") and ev.get("source") == source:
                    return t, ev
            try:
                self.wait("__none__", timeout=0.2)
            except AssertionError:
                pass
        raise AssertionError(f"{source} never finished\n" + self.read_log())


def daemon_env():
    env = dict(os.environ)
    env["LD_BIND_NOW"] = "1"
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


def run_cli(*args, check=False, timeout=120):
    r = subprocess.run([str(BIN), *map(str, args)], capture_output=True,
                       text=True, env=daemon_env(), timeout=timeout)
    report = sanitizer_report(r.stderr)
    assert report is None, report
    if check:
        assert r.returncode == 0, r.stderr
    return r


# The core chain: what tests of the daemon's own handling of files pin, so
# that the default chain (tested on its own) can change without them.
CORE_CHAIN = {"cleaners": "normalize", "summarizers": "stats", "exporters": "json"}


@pytest.fixture
def core_daemon(daemon):
    """Like daemon, with the core chain unless a test names a pipeline."""
    def make(**kw):
        kw.setdefault("pipeline", CORE_CHAIN)
        return daemon(**kw)
    return make


@pytest.fixture
def daemon(tmp_path):
    """A factory: daemon(**options) makes a Daemon under tmp_path (not
    started); daemon(folder="x", ...) under tmp_path/x, for a second one."""
    made = []

    def make(folder=None, **kw):
        where = tmp_path / folder if folder else tmp_path
        where.mkdir(exist_ok=True)
        d = Daemon(where, **kw)
        made.append(d)
        return d
    yield make
    for d in made:
        d.close()
