"""`transcriptd search` over an index the sqlite exporter built through the
real binary: ranking, snippets, speaker filter, JSON, bad queries."""
import json
import shutil
import subprocess
import sqlite3

import pytest

from conftest import FIXTURES, run_cli, seed
from exporters_util import EXPORTERS, process, write_conf

FILES = [EXPORTERS / "workshop.txt", EXPORTERS / "harbour.txt",
         FIXTURES / "captions" / "titled.txt", FIXTURES / "captions" / "hours.txt"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    out, _ = process(tmp_path_factory.mktemp("search"), *FILES, exporters="json sqlite")
    return out / "transcripts.db"


def search(db, *args, check_rc=None):
    r = run_cli("search", "--db", db, *args)
    if check_rc is not None:
        assert r.returncode == check_rc, r.stderr
    return r


def test_hits_show_file_time_speaker_and_snippet(index):
    r = search(index, "saw", check_rc=0)
    lines = r.stdout.splitlines()
    # One match each scores the same: then by file, then in order.
    assert lines == [
        "harbour.txt [0:00:14] Ann: I **saw** one boat come in late, after all the others.",
        "harbour.txt [0:00:23] Ann: The red one with the **saw** blade painted on its side.",
        "workshop.txt [0:00:14] Ann: A **saw**, a drill and some glue.",
        "workshop.txt [0:01:15] Bob: Use a <sharp> **saw** & take care.",
    ]
    assert r.stderr == ""


def test_ranks_more_matches_and_rarer_words_first(index):
    r = search(index, "boats OR boat", check_rc=0)
    first = r.stdout.splitlines()[0]
    assert first == "harbour.txt [0:00:11] Mia: **Boats**, **boats**, **boats** everywhere."
    assert len(r.stdout.splitlines()) == 4
    # A rare word outweighs a common one (idf): "blade" is in one segment,
    # "saw" in four.
    r = search(index, "saw OR blade", check_rc=0)
    assert r.stdout.splitlines()[0] == (
        "harbour.txt [0:00:23] Ann: The red one with the **saw** **blade** painted on its side.")
    r = search(index, "--json", "saw OR one", check_rc=0)
    scores = [h["score"] for h in json.loads(r.stdout)]
    assert scores == sorted(scores) and scores[0] < scores[-1] < 0


def test_fts5_syntax_passes_through(index):
    assert search(index, '"front panel"', check_rc=0).stdout.splitlines() == [
        "titled.txt [0:00:09] first cut the **front panel**",
        "workshop.txt [0:01:00] Ann: First we cut the **front panel** to size, then the "
        "back panel, and then both side…"]
    r = search(index, "birdh*", check_rc=0)
    assert {l.split()[0] for l in r.stdout.splitlines()} == {"workshop.txt", "titled.txt"}
    r = search(index, "birdhouse NOT pine", check_rc=0)
    assert r.stdout.splitlines() == [
        "titled.txt [0:00:03] build a small **birdhouse** out of"]
    assert search(index, "NEAR(tide nine, 3)", check_rc=0).stdout.startswith(
        "harbour.txt [0:00:05] Mia: The **tide** turns at **nine**")
    # Several words are one query; diacritics fold.
    assert search(index, "red", "blade", check_rc=0).stdout.count("\n") == 1
    assert "**Übersee**" in search(index, "ubersee", check_rc=0).stdout


def test_speaker_filter_and_limit(index):
    r = search(index, "saw", "--speaker", "ann", check_rc=0)
    assert [l.split()[2] for l in r.stdout.splitlines()] == ["Ann:"] * 3
    r = search(index, "--speaker", "Bob", "saw", check_rc=0)
    assert r.stdout.splitlines() == ["workshop.txt [0:01:15] Bob: Use a <sharp> **saw** & take care."]
    assert search(index, "saw", "--speaker", "Nobody", check_rc=1).stdout == ""
    assert len(search(index, "saw", "--limit", "2", check_rc=0).stdout.splitlines()) == 2
    r = search(index, "saw", "--limit", "0", check_rc=2)
    assert "--limit must be a number from 1 to 10000" in r.stderr


def test_json_output(index):
    r = search(index, "--json", "saw", check_rc=0)
    hits = json.loads(r.stdout)
    assert [h["file"] for h in hits] == ["harbour.txt", "harbour.txt", "workshop.txt",
                                         "workshop.txt"]
    assert [h["start"] for h in hits] == [14.0, 23.0, 14.0, 75.0]
    r = search(index, "--json", "saw", "--speaker", "bob", check_rc=0)
    (hit,) = json.loads(r.stdout)
    assert hit == {"file": "workshop.txt", "title": 'Pine & <Birds>: a "workshop"',
                   "start": 75.0, "end": 78.0, "speaker": "Bob",
                   "snippet": "Use a <sharp> **saw** & take care.",
                   "score": hit["score"], "text": "Use a <sharp> saw & take care."}
    assert hit["score"] < 0
    r = search(index, "--json", "zebra", check_rc=1)
    assert json.loads(r.stdout) == []


def test_unknown_times_and_speakers_are_left_out(index):
    r = search(index, "hour", check_rc=0)
    assert r.stdout.splitlines() == ["hours.txt [0:59:58] near the end of the first **hour**",
                                     "hours.txt [1:00:01] and now the second **hour** starts"]


@pytest.mark.parametrize("query", ["data AND (", '"unbalanced', "NEAR(a b", "speaker:x",
                                   "*", "AND"])
def test_bad_query_is_a_clear_error(index, query):
    r = search(index, query, check_rc=2)
    assert r.stdout == ""
    assert f"transcriptd: search: bad query '{query}':" in r.stderr
    assert "FTS5 query syntax" in r.stderr


def test_no_query_no_index_not_an_index(tmp_path, index):
    r = run_cli("search", "--db", index)
    assert r.returncode == 2 and "no query given" in r.stderr
    r = search(tmp_path / "none.db", "x", check_rc=2)
    assert f"no index at {tmp_path / 'none.db'}" in r.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    r = search(other, "x", check_rc=2)
    assert "is not a transcriptd index" in r.stderr


def test_index_found_from_config(tmp_path):
    outbox = tmp_path / "box"
    conf = write_conf(tmp_path, exporters="sqlite", outbox=outbox)
    run_cli("process", "-c", conf, FIXTURES / "captions" / "titled.txt", check=True)
    assert (outbox / "transcripts.db").exists()
    r = run_cli("search", "-c", conf, "pine")
    assert r.returncode == 0 and r.stdout.startswith("titled.txt [0:00:05] **pine** boards")
    # [sqlite] database names the file; search follows it.
    conf = write_conf(tmp_path, exporters="sqlite", outbox=outbox,
                      extra="[sqlite]\ndatabase = talks.db\nfsync = no\n")
    run_cli("process", "-c", conf, EXPORTERS / "harbour.txt", check=True)
    assert (outbox / "talks.db").exists()
    assert run_cli("search", "-c", conf, "pine").returncode == 1
    assert run_cli("search", "-c", conf, "harbour").returncode == 0


def test_reprocessing_replaces_a_file(tmp_path):
    src = tmp_path / "talk.txt"
    shutil.copy(FIXTURES / "captions" / "titled.txt", src)
    out, _ = process(tmp_path, src, exporters="sqlite")
    db = out / "transcripts.db"
    assert search(db, "birdhouse", check_rc=0).stdout.count("\n") == 1
    src.write_text("Kayaks\n\n0:00 today we paddle a kayak\n0:04 around the bay\n")
    process(tmp_path, src, exporters="sqlite")
    assert search(db, "birdhouse", check_rc=1).stdout == ""
    assert search(db, "kayak", check_rc=0).stdout == "talk.txt [0:00:00] today we paddle a **kayak**\n"
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*), max(title) FROM documents").fetchone() == (1, "Kayaks")
    assert con.execute("SELECT count(*) FROM segments").fetchone() == (2,)


def test_daemon_workers_share_the_index(daemon):
    d = daemon(pipeline={"cleaners": "normalize", "exporters": "json sqlite"},
               conf_extra="[sqlite]\nfsync = no\n")
    d.start()
    caption = (FIXTURES / "captions" / "titled.txt").read_text()
    for i in range(8):
        d.drop(f"t{i}.txt", caption.replace("pine", f"pine{i}"))
    for i in range(8):
        t, ev = d.finished(f"t{i}.txt")
        assert t == "transcript.done", ev
    db = d.outbox / "transcripts.db"
    r = search(db, "birdhouse", "--limit", "100", check_rc=0)
    assert sorted(l.split()[0] for l in r.stdout.splitlines()) == [f"t{i}.txt" for i in range(8)]
    assert search(db, "pine5", check_rc=0).stdout.startswith("t5.txt [0:00:05] **pine5** boards")
    assert d.stop() == 0


def test_caption_seeds_are_searchable(tmp_path):
    files = [seed(p) for p in ("002", "003", "004")]
    out, _ = process(tmp_path, *files, exporters="sqlite")
    r = search(out / "transcripts.db", '"data talks"', "--limit", "50", check_rc=0)
    hits = r.stdout.splitlines()
    assert len(hits) >= 3
    assert {h.split()[0] for h in hits} == {f.name for f in files}
    assert all("**data talks**" in h.lower() for h in hits)


def test_daemon_burst_all_searchable_before_done(daemon):
    """Files dropped at once are indexed in shared transactions; each is
    searchable by the time its transcript.done is out."""
    d = daemon(pipeline={"cleaners": "normalize", "exporters": "json sqlite"},
               conf_extra="[sqlite]\nfsync = no\n")
    d.start()
    caption = (FIXTURES / "captions" / "titled.txt").read_text()
    names = [f"b{i:02d}.txt" for i in range(24)]
    for i, n in enumerate(names):
        d.drop(n, caption.replace("pine", f"burst{i}"))
    db = d.outbox / "transcripts.db"
    for i, n in enumerate(names):
        t, ev = d.finished(n)
        assert t == "transcript.done", ev
        r = search(db, f"burst{i}", check_rc=0)
        assert r.stdout.startswith(f"{n} [0:00:05] **burst{i}** boards")
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (24,)
    con.execute("INSERT INTO segments_fts(segments_fts, rank) VALUES ('integrity-check', 1)")
    assert d.stop() == 0


def test_full_index_disk_fails_the_documents_with_the_cause(daemon, tmp_path):
    """The index on a 256 KiB tmpfs: documents that do not fit fail with
    SQLite's reason, the daemon keeps going, and with room again files are
    indexed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tdidx", str(disk)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {r.stderr.strip()}")
    try:
        d = daemon(pipeline={"cleaners": "normalize", "exporters": "json sqlite"},
                   conf_extra=f"[sqlite]\ndatabase = {disk}/t.db\nfsync = no\n")
        d.start()
        big = "".join(f"{i // 3600}:{i // 60 % 60:02d}:{i % 60:02d} word{i} of a long talk\n"
                      for i in range(8000))
        for n in ("big1.txt", "big2.txt"):
            d.drop(n, big)
        for n in ("big1.txt", "big2.txt"):
            t, ev = d.finished(n)
            assert t == "transcript.failed", ev
            assert ev["stage"] == "export", ev
            assert "database or disk is full" in ev["error"], ev
            assert not (d.outbox / n.replace(".txt", ".json")).exists()
        d.drop("small.txt", (FIXTURES / "captions" / "titled.txt").read_text())
        t, ev = d.finished("small.txt")
        assert t == "transcript.done", ev
        assert search(disk / "t.db", "birdhouse", check_rc=0).stdout.startswith("small.txt")
        assert search(disk / "t.db", "word7999", check_rc=1).stdout == ""
        assert d.stop() == 0
    finally:
        subprocess.run(["umount", str(disk)])
