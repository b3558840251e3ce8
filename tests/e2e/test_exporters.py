"""Every exporter through the real binary: `transcriptd process` with a
config listing the exporters, on the fixtures and the caption seeds."""
import html
import json
import re
import shutil
import sqlite3
import subprocess

import pytest

from conftest import FIXTURES, run_cli, seed, validate_document, validate_jsonl
from exporters_util import (EXPORTERS, VOICE, check_cues, process, srt_cues,
                            vtt_cues, words)

WORKSHOP = EXPORTERS / "workshop.txt"
CAPTION_FIXTURES = [FIXTURES / "captions" / "titled.txt", FIXTURES / "captions" / "hours.txt",
                    WORKSHOP, EXPORTERS / "harbour.txt"]


def shown_text(seg):
    """A segment as captions and paragraphs show it: events in brackets."""
    if seg["kind"] != "event":
        return seg["text"]
    words = seg["text"] or seg.get("label", "")
    return words if words[:1] in ("[", "(") else f"[{words}]"


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    out, r = process(tmp_path_factory.mktemp("workshop"), WORKSHOP)
    doc = validate_document(out / "workshop.json")
    return out, doc, r


def test_every_output_is_listed(workshop):
    out, _, r = workshop
    exts = sorted(p.suffix for p in out.iterdir() if p.name.startswith("workshop."))
    assert exts == [".html", ".json", ".jsonl", ".md", ".srt", ".txt", ".vtt"]
    for ext in exts:
        assert str(out / f"workshop{ext}") in r.stdout
    assert (out / "transcripts.db").exists()


def test_json_has_what_markup_gave(workshop):
    _, doc, _ = workshop
    assert [s["name"] for s in doc["speakers"]] == ["Ann", "Bob"]
    assert [(c["start"], c["title"]) for c in doc["chapters"]] == [
        (0.0, "Getting started"), (60.0, "Cutting *wood*")]
    assert doc["date"] == "2024-05-01"
    assert doc["summary"]["keywords"][0]["phrase"] == "birdhouse"


def test_jsonl_one_record_per_segment(workshop):
    out, doc, _ = workshop
    recs = validate_jsonl(out / "workshop.jsonl")
    assert len(recs) == len(doc["segments"]) == 8
    for i, (rec, seg) in enumerate(zip(recs, doc["segments"])):
        assert rec["index"] == i
        assert rec["source"] == "workshop.txt" and rec["id"] == doc["source"]["id"]
        for k in ("start", "end", "speaker", "text", "kind"):
            assert rec[k] == seg[k]
    assert recs[3]["kind"] == "event" and recs[3]["label"] == "laughter"
    assert recs[6]["speaker"] == "Bob" and recs[6]["text"] == "Use a <sharp> saw & take care."


def test_markdown_document(workshop):
    out, _, _ = workshop
    md = (out / "workshop.md").read_text()
    assert md.startswith('# Pine & \\<Birds\\>: a "workshop"\n\n- **Date:** 2024-05-01\n'
                         "- **Source:** workshop.txt\n- **Duration:** 0:01:18\n"
                         "- **Speakers:** Ann, Bob\n")
    assert "## Summary\n\n- [0:00:00] Ann and Bob build a birdhouse out of pine.\n" in md
    assert "**Key phrases:** birdhouse, pine boards, entrance hole\n" in md
    assert "## Chapters\n\n1. [0:00:00] Getting started\n2. [0:01:00] Cutting \\*wood\\*\n" in md
    transcript = md.split("## Transcript\n\n", 1)[1]
    assert transcript.startswith(
        "### Getting started\n\n[0:00:00] **Ann:** Welcome to the workshop. "
        "Today we build a birdhouse out of pine.\n\n[0:00:09] **Bob:** Sounds good. "
        "What do we need?\n\n[0:00:12] \\[laughter\\]\n\n")
    assert "### Cutting \\*wood\\*\n\n[0:01:00] **Ann:** First we cut" in transcript
    assert "[0:01:15] **Bob:** Use a \\<sharp\\> saw & take care.\n" in transcript


def test_plaintext_paragraphs(workshop):
    out, _, _ = workshop
    txt = (out / "workshop.txt").read_text()
    assert txt.startswith('Pine & <Birds>: a "workshop"\n============================\n\n'
                          "== Getting started ==\n\n[0:00:00] Ann: Welcome to the workshop. "
                          "Today we build a birdhouse out of pine.\n\n")
    assert "\n[0:01:15] Bob: Use a <sharp> saw & take care.\n\n" in txt
    assert txt.count("\n[0:") == 7


def test_captions_parse_and_keep_speakers(workshop):
    out, doc, _ = workshop
    srt = srt_cues(out / "workshop.srt")
    vtt = vtt_cues(out / "workshop.vtt")
    check_cues(srt)
    check_cues([(a, b, VOICE.sub("", t)) for a, b, t in vtt])
    assert [(a, b) for a, b, _ in srt] == [(a, b) for a, b, _ in vtt]
    assert srt[0] == (0, 4000, "Ann: Welcome to the workshop.")
    assert vtt[0] == (0, 4000, "<v Ann>Welcome to the workshop.")
    assert srt[3][2] == "[laughter]" and not VOICE.match(vtt[3][2])
    assert "<v Bob>Use a &lt;sharp&gt; saw &amp; take care." in [t for _, _, t in vtt]
    # The words of the captions are the words of the transcript.
    said = words(" ".join(map(shown_text, doc["segments"])))
    shown = words(html.unescape(" ".join(VOICE.sub("", t) for _, _, t in vtt)))
    assert shown == said


@pytest.mark.parametrize("path", CAPTION_FIXTURES, ids=lambda p: p.name)
def test_caption_fixtures_make_readable_cues(tmp_path, path):
    out, _ = process(tmp_path, path, exporters="json subrip webvtt")
    doc = validate_document(out / (path.stem + ".json"))
    srt = srt_cues(out / (path.stem + ".srt"))
    vtt = vtt_cues(out / (path.stem + ".vtt"))
    check_cues(srt)
    assert len(srt) == len(vtt)
    # Every segment with a time starts a cue at its own time.
    starts = {a for a, _, _ in srt}
    assert all(round(s["start"] * 1000) in starts for s in doc["segments"])
    labels = {s["speaker"] for s in doc["segments"]} - {None}
    plain = [re.sub(r"^(%s): " % "|".join(labels), "", t) if labels else t
             for _, _, t in srt]
    assert words(" ".join(plain)) == words(" ".join(map(shown_text, doc["segments"])))


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_caption_seeds_all_exporters(tmp_path, prefix):
    src = seed(prefix)
    out, _ = process(tmp_path, src)
    doc = validate_document(out / (src.stem + ".json"))
    # markup turns "[Music]" lines into events: shown as "[Music]" again.
    seg_words = words(" ".join(shown_text(s) for s in doc["segments"]))
    srt = srt_cues(out / (src.stem + ".srt"))
    check_cues(srt)
    assert words(" ".join(t for _, _, t in srt)) == seg_words
    assert len(vtt_cues(out / (src.stem + ".vtt"))) == len(srt)
    # Text: every word in order, in paragraphs with times.
    txt = (out / (src.stem + ".txt")).read_text()
    paras = txt.split("\n\n")[1:-1]
    assert len(paras) > 20
    assert all(re.match(r"\[\d:\d\d:\d\d\] ", p) for p in paras)
    assert words(" ".join(p[10:] for p in paras)) == seg_words
    md = (out / (src.stem + ".md")).read_text()
    assert md.count("\n[0:") + md.count("\n[1:") == len(paras)
    recs = [json.loads(l) for l in (out / (src.stem + ".jsonl")).read_text().splitlines()]
    assert [r["text"] for r in recs] == [s["text"] for s in doc["segments"]]
    if prefix == "003":
        assert md.startswith("# Data-Centric AI\n") and txt.startswith("Data-Centric AI\n")
    db = sqlite3.connect(out / "transcripts.db")
    speech_words = sum(len(words(s["text"])) for s in doc["segments"] if s["kind"] == "speech")
    assert db.execute("SELECT segments, words FROM documents").fetchone() == (
        len(doc["segments"]), speech_words)


def test_untimed_document_fails_captions_or_skips(tmp_path):
    path = EXPORTERS / "untimed.txt"
    out, r = process(tmp_path, path, exporters="json subrip", check=False)
    assert r.returncode == 1
    assert "untimed.txt" in r.stderr and "subrip" in r.stderr
    assert "no segment has a start time, and captions need times" in r.stderr
    assert not (out / "untimed.json").exists()     # nothing half-written

    out, r = process(tmp_path, path, exporters="json subrip webvtt markdown",
                     extra="[subrip]\nuntimed = skip\n[webvtt]\nuntimed = skip\n")
    doc = validate_document(out / "untimed.json")
    assert not (out / "untimed.srt").exists() and not (out / "untimed.vtt").exists()
    md = (out / "untimed.md").read_text()
    assert "[0:" not in md and "Duration" not in md
    assert "**Ann:** hello there\n\n**Bob:** hi, no clocks in this chat\n" in md
    # json ran first, so it cannot know the warnings of the exporters after it.
    assert doc["warnings"] == []


def srt_parser_loaded():
    r = run_cli("plugins", check=True)
    return re.search(r"^srt \(parser", r.stdout, re.M) is not None


def test_srt_to_json_to_srt_keeps_every_time(tmp_path):
    if not srt_parser_loaded():
        pytest.skip("no srt parser plugin loaded (`transcriptd plugins`)")
    src = tmp_path / "harbour.srt"
    shutil.copy(EXPORTERS / "roundtrip.srt", src)
    out, _ = process(tmp_path, src, exporters="json subrip")
    validate_document(out / "harbour.json")
    before, after = srt_cues(src), srt_cues(out / "harbour.srt")
    assert [(a, b) for a, b, _ in after] == [(a, b) for a, b, _ in before]
    assert [words(t) for _, _, t in after] == [words(t) for _, _, t in before]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(page, profile, *extra):
    """Loads page headless; returns (dom, stderr)."""
    r = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000",
         *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=90)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout, r.stderr


def console_errors(stderr):
    return [l for l in stderr.splitlines()
            if "CONSOLE" in l and ("Uncaught" in l or "Refused" in l or "rror" in l)]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/deps.sh)")
def test_html_renders_in_chromium(workshop, tmp_path):
    out, _, _ = workshop
    page = out / "workshop.html"
    dom, err = chromium(page, tmp_path / "profile")
    assert console_errors(err) == [], err[-3000:]
    # The chart: one bar per speaker, named.
    assert 'id="talk-chart"' in dom and dom.count("<rect ") == 2
    assert re.search(r"<title>Ann: 0:01:\d\d, \d+%</title>", dom)
    # Chapters link to headings that exist.
    for n, title in ((1, "Getting started"), (2, "Cutting *wood*")):
        assert f'<a href="#chapter-{n}">' in dom
        assert f'<h3 id="chapter-{n}">{html.escape(title)}</h3>' in dom
    assert "&lt;sharp&gt;" in dom and "<sharp>" not in dom
    # Nothing hidden before anyone types.
    assert dom.count('class="turn"') == 7 and " hidden" not in dom

    # The filter box: type "saw" and see what is left.
    typed = tmp_path / "typed.html"
    typed.write_text(page.read_text().replace(
        "</body>", "<script>var b = document.getElementById('filter'); b.value = 'SAW';"
        " b.dispatchEvent(new Event('input'));</script></body>"))
    dom, err = chromium(typed, tmp_path / "profile")
    assert console_errors(err) == [], err[-3000:]
    shown = re.findall(r'<p class="turn" id="(t-\d+)"[^>]*>', dom)
    hidden = re.findall(r'<p class="turn" id="(t-\d+)"[^>]*hidden[^>]*>', dom)
    assert len(shown) == 7 and len(hidden) == 5
    assert "2 of 7 paragraphs" in dom

    # The check itself can fail: a broken script is reported.
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text().replace("box.addEventListener", "bx.addEventListener"))
    _, err = chromium(broken, tmp_path / "profile")
    assert any("Uncaught" in l for l in console_errors(err)), err[-3000:]
