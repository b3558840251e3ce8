"""Hostile input: every file ends in failed/ with a clear reason (or is
processed correctly where it is valid), and the daemon goes on: a good
file goes through after each.  The small files are fixtures in
tests/fixtures/hostile/; large and special ones are made here, in tmp."""
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile

import pytest

from conftest import FIXTURES, Daemon

CAPTIONS = (FIXTURES / "captions" / "titled.txt").read_text()
HOSTILE = FIXTURES / "hostile"
STARTS = [0, 3, 5, 9, 62]           # the segment starts of CAPTIONS


# What these tests check is the core's handling of bytes and files: they
# run the core chain (conftest.CORE_CHAIN).
@pytest.fixture
def daemon(core_daemon):
    return core_daemon


def still_running(d, tag="after"):
    """The daemon is alive and a good file still goes through."""
    assert d.proc.poll() is None, d.read_log()
    name = f"good-{tag}.txt"
    d.drop(name, CAPTIONS)
    ev = d.wait("transcript.done", name)
    assert (d.done / name).exists() and os.path.exists(ev["outputs"]["json"])


def check_failed(d, name, stage, words, timeout=20):
    """transcript.failed, the entry in failed/ and its error file agree."""
    ev = d.wait("transcript.failed", name, timeout=timeout)
    assert ev["stage"] == stage, ev
    assert words in ev["error"], ev
    assert os.path.lexists(d.failed / name)
    assert not os.path.lexists(d.inbox / name) and not os.path.lexists(d.work / name)
    error_file = d.failed / f"{name}.error.json"
    assert ev["error_file"] == str(error_file)
    err = json.loads(error_file.read_text())
    assert err["file"] == name and err["stage"] == stage and words in err["message"]
    assert not list(d.outbox.glob(os.path.splitext(name)[0] + ".*"))
    assert not [e for t, e in d.events("transcript.done") if e["source"] == name]
    return ev


def outcome(d, name, timeout=60):
    """(topic, event) for a file that may be read as text or refused."""
    return d.finished(name, timeout=timeout)


def check_whole_output(path):
    """A whole JSON document: parsed when it is not huge, else its first
    and last bytes are checked."""
    if os.path.getsize(path) < 64 << 20:
        with open(path, "rb") as f:
            assert json.load(f)["schema"] == "transcriptd/1"
        return
    with open(path, "rb") as f:
        head = f.read(1)
        f.seek(-2, os.SEEK_END)
        tail = f.read()
    assert head == b"{" and tail == b"}\n", (head, tail)


# -- fixtures: refused ---------------------------------------------------------

@pytest.mark.parametrize("name,stage,words", [
    ("empty.txt", "decode", "empty file"),
    ("random.bin", "decode", "binary data, not text"),
    ("nul-heavy.bin", "decode", "binary data, not text"),
])
def test_fixture_is_refused(daemon, name, stage, words):
    d = daemon().start()
    d.drop(name, (HOSTILE / name).read_bytes())
    check_failed(d, name, stage, words)
    still_running(d)
    assert d.stop() == 0


def test_elf_binary_is_refused(daemon):
    d = daemon().start()
    d.drop("true.txt", open("/bin/true", "rb").read())
    check_failed(d, "true.txt", "decode", "binary data, not text")
    still_running(d)
    assert d.stop() == 0


# -- fixtures: damaged but valid -------------------------------------------------

@pytest.mark.parametrize("name,warning,texts", [
    ("nul-bytes.txt", "3 NUL bytes replaced with U+FFFD",
     ["first\ufffd line", "second line", "third\ufffd\ufffd line"]),
    ("invalid-utf8.txt", "invalid byte sequences replaced with U+FFFD",
     ["we start with a caf\ufffd au lait at the corner",
      "then a cr\ufffdme br\ufffdl\ufffde for the whole table",
      "\ufffd\ufffd and this line was cut from another file"]),
])
def test_damaged_text_is_processed_with_a_warning(daemon, name, warning, texts):
    d = daemon().start()
    d.drop(name, (HOSTILE / name).read_bytes())
    ev = d.wait("transcript.done", name)
    doc = json.loads(open(ev["outputs"]["json"]).read())
    assert [s["text"] for s in doc["segments"]] == texts
    assert any(warning in w for w in doc["warnings"]), doc["warnings"]
    still_running(d)
    assert d.stop() == 0


@pytest.mark.parametrize("name", ["utf16le-nobom.txt", "utf16be-nobom.txt"])
def test_utf16_without_bom_is_processed(daemon, name):
    d = daemon().start()
    d.drop(name, (HOSTILE / name).read_bytes())
    ev = d.wait("transcript.done", name)
    doc = json.loads(open(ev["outputs"]["json"]).read())
    assert doc["title"] == "Building a Birdhouse"
    assert [s["start"] for s in doc["segments"]] == STARTS
    assert doc["segments"][0]["text"] == "okay so today we are going to"
    assert not doc["warnings"]
    still_running(d)
    assert d.stop() == 0


# -- generated: large ----------------------------------------------------------------

def test_50mb_single_line(daemon):
    """No parser may take quadratic time or fall over: it is refused as
    not a transcript, or read as one paragraph of text."""
    d = daemon().start()
    d.drop("oneline.txt", b"word " * (10 * 1024 * 1024))
    topic, ev = outcome(d, "oneline.txt", timeout=180)
    if topic == "transcript.failed":
        check_failed(d, "oneline.txt", "parse", "no parser recognises")
    else:
        check_whole_output(ev["outputs"]["json"])
    still_running(d)
    assert d.stop() == 0


def test_a_million_short_lines(daemon):
    lines = "".join(f"{i // 3600}:{i // 60 % 60:02d}:{i % 60:02d} w{i}\n"
                    for i in range(1_000_000))
    d = daemon().start()
    d.drop("million.txt", lines)
    ev = d.wait("transcript.done", "million.txt", timeout=300)
    assert ev["segments"] == 1_000_000 and ev["words"] == 1_000_000
    assert ev["duration"] == 999_999
    check_whole_output(ev["outputs"]["json"])
    still_running(d)
    assert d.stop() == 0


@pytest.mark.parametrize("data", [b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000,
                                  b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
                         ids=["open", "balanced", "objects"])
def test_deeply_nested_json(daemon, data):
    """No JSON reader may recurse without bound: refused with a reason, or
    read as plain text."""
    d = daemon().start()
    d.drop("nested.json", data)
    topic, ev = outcome(d, "nested.json")
    if topic == "transcript.failed":
        assert ev["error"] and ev["stage"] in ("decode", "parse"), ev
        assert (d.failed / "nested.json.error.json").exists()
    else:
        check_whole_output(ev["outputs"]["json"])
    still_running(d)
    assert d.stop() == 0


def test_larger_than_max_file_size(daemon):
    d = daemon(conf_extra="[daemon]\nmax_file_size = 1000\n").start()
    big = CAPTIONS * 20
    d.drop("big.txt", big)
    check_failed(d, "big.txt", "read",
                 f"file is {len(big)} bytes, more than max_file_size (1000)")
    still_running(d)            # a file under the limit still goes through
    assert d.stop() == 0


# -- special files -------------------------------------------------------------------

@pytest.mark.parametrize("how", ["created", "renamed", "dangling"])
def test_symlink_is_refused_never_followed(daemon, tmp_path, how):
    d = daemon().start()
    target = tmp_path / "outside.txt"
    target.write_text(CAPTIONS)
    if how == "dangling":
        target.unlink()
    link = d.inbox / "link.txt"
    if how == "renamed":
        os.symlink(target, tmp_path / "link.txt")
        os.rename(tmp_path / "link.txt", link)
    else:
        os.symlink(target, link)
    check_failed(d, "link.txt", "read", "symbolic link: refused")
    assert os.path.islink(d.failed / "link.txt")
    assert os.readlink(d.failed / "link.txt") == str(target)
    if how != "dangling":
        assert target.read_text() == CAPTIONS       # untouched, not moved
    still_running(d)
    assert d.stop() == 0


def test_fifo_is_refused_without_blocking(daemon):
    d = daemon().start()
    os.mkfifo(d.inbox / "pipe.txt")
    check_failed(d, "pipe.txt", "read", "not a regular file (a FIFO)")
    assert stat.S_ISFIFO(os.lstat(d.failed / "pipe.txt").st_mode)
    still_running(d)
    assert d.stop() == 0


def test_socket_is_refused(daemon):
    d = daemon().start()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(d.inbox / "sock.txt"))
        check_failed(d, "sock.txt", "read", "not a regular file (a socket)")
    finally:
        s.close()
    still_running(d)
    assert d.stop() == 0


def test_directory_is_refused_whole(daemon, tmp_path):
    """A folder made in the drop folder and one moved in, with a file inside,
    each end in failed/ whole, never opened or walked."""
    d = daemon().start()
    (d.inbox / "made").mkdir()
    check_failed(d, "made", "read", "a directory: refused")
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "inside.txt").write_text(CAPTIONS)
    os.rename(moved, d.inbox / "moved")
    check_failed(d, "moved", "read", "a directory: refused")
    assert (d.failed / "moved" / "inside.txt").read_text() == CAPTIONS
    assert not [e for t, e in d.events() if e.get("source") == "inside.txt"]
    still_running(d)
    assert d.stop() == 0


def test_directory_found_at_start_is_refused(daemon):
    d = daemon()
    d.inbox.mkdir(parents=True)
    (d.inbox / "early").mkdir()
    d.start()
    check_failed(d, "early", "read", "a directory: refused")
    still_running(d)
    assert d.stop() == 0


def test_own_folders_inside_the_drop_folder_are_left_alone(daemon):
    """done/ and failed/ may be configured inside the drop folder, or in a
    folder there: they are the daemon's, not input."""
    d = daemon()
    text = d.conf.read_text()
    for key, inside in (("done", d.inbox / "done"), ("failed", d.inbox / "bad" / "files")):
        text = text.replace(f"{key} = {getattr(d, key)}", f"{key} = {inside}")
        setattr(d, key, inside)
    d.conf.write_text(text)
    d.start()
    d.drop("bad.txt", b"")
    check_failed(d, "bad.txt", "decode", "empty file")
    still_running(d)
    d.stop()
    d.start()       # the scan at start meets them too
    still_running(d, "restart")
    assert d.done.is_dir() and d.failed.is_dir()
    assert not [e for t, e in d.events() if e.get("source") in ("done", "bad")]
    assert sorted(os.listdir(d.done)) == ["good-after.txt", "good-restart.txt"]
    assert d.stop() == 0


def test_file_deleted_before_the_claim(daemon):
    d = daemon().start()
    d.proc.send_signal(signal.SIGSTOP)
    try:
        d.drop("ghost.txt", CAPTIONS)
        os.unlink(d.inbox / "ghost.txt")
    finally:
        d.proc.send_signal(signal.SIGCONT)
    still_running(d)
    assert not [e for t, e in d.events() if e.get("source") == "ghost.txt"]
    assert os.listdir(d.failed) == []
    assert "ghost.txt" not in d.read_log()
    assert d.stop() == 0


NOBODY = 65534


def test_unreadable_file(daemon):
    """chmod 000.  Root reads anything, so as root the daemon runs as
    nobody on a spool nobody owns: the file is then truly unreadable."""
    base = None
    if os.geteuid() == 0:
        base = tempfile.mkdtemp(prefix="td-unreadable-")
        os.chmod(base, 0o755)
        os.chown(base, NOBODY, NOBODY)
        d = Daemon(base)
        d.popen_kw = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
    else:
        d = daemon()
    try:
        d.start()
        stage = d.tmp / ".stage"
        stage.mkdir(exist_ok=True)
        (stage / "locked.txt").write_text(CAPTIONS)
        os.chmod(stage / "locked.txt", 0)
        os.rename(stage / "locked.txt", d.inbox / "locked.txt")
        check_failed(d, "locked.txt", "read", "cannot open: Permission denied")
        still_running(d)
        assert d.stop() == 0
    finally:
        d.close()
        if base:
            shutil.rmtree(base, ignore_errors=True)


def test_full_disk_on_the_outbox(daemon):
    """The outbox on a 64 KiB tmpfs: an output that does not fit fails
    the file with the reason and the output's name, leaves nothing behind,
    and once there is room again files go through."""
    d = daemon()
    d.outbox.mkdir(parents=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tdfull", str(d.outbox)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {r.stderr.strip()}")
    try:
        d.start()
        big = "".join(f"{i // 60}:{i % 60:02d} line {i} of a long talk\n" for i in range(3000))
        d.drop("big.txt", big)
        ev = check_failed(d, "big.txt", "export", "No space left on device")
        assert str(d.outbox / "big.json") in ev["error"]
        assert os.listdir(d.outbox) == []           # no partial output, no temporary
        still_running(d, "room")                    # the space was given back

        # Fill the disk: even a small output fails, at commit.
        fd = os.open(d.outbox / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while os.write(fd, b"x" * 4096) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        d.drop("small.txt", CAPTIONS)
        ev = check_failed(d, "small.txt", "commit", "No space left on device")
        assert str(d.outbox / "small.json") in ev["error"]
        assert sorted(os.listdir(d.outbox)) == ["filler", "good-room.json"]
        os.unlink(d.outbox / "filler")
        still_running(d, "freed")
        assert d.stop() == 0
    finally:
        d.close()
        subprocess.run(["umount", "-l", str(d.outbox)], capture_output=True)
