"""The summarizers through the real binary: stats, keywords, summary,
chapters and questions in the default chain, their options, and the chapter
quality benchmark."""
import importlib.util
import json

import pytest

from conftest import BUILD, FIXTURES, ROOT, run_cli, seed

CAPTIONS = FIXTURES / "summarizers" / "captions.txt"


def process(tmp_path, src, conf_text=None):
    args = ["process", src, "-o", tmp_path / "out"]
    if conf_text is not None:
        conf = tmp_path / "t.conf"
        conf.write_text(conf_text)
        args[1:1] = ["-c", conf]
    run_cli(*args, check=True)
    return json.loads((tmp_path / "out" / (src.stem + ".json")).read_text())


def check_summary(doc, want):
    lines = doc["summary"]["sentences"]
    assert len(lines) == want
    texts = [s["text"] for s in lines]
    assert len(set(texts)) == want
    starts = [s["start"] for s in lines]
    assert starts == sorted(starts)
    spoken = " ".join(s["text"] for s in doc["segments"] if s["kind"] == "speech")
    for t in texts:
        assert t in spoken


def test_default_chain_on_captions(tmp_path):
    doc = process(tmp_path, CAPTIONS)
    check_summary(doc, 5)
    kw = doc["summary"]["keywords"]
    assert len(kw) == 10
    assert kw[0]["phrase"] == "feature store" and kw[0]["score"] == 1.0
    assert all(0 < k["score"] <= 1 for k in kw)
    phrases = {k["phrase"] for k in kw}
    assert "feature" not in phrases and "store" not in phrases
    # 17 minutes at 5 minutes a chapter: the three topics found again,
    # within a caption line or two of where the host changed topic.
    chapters = doc["chapters"]
    assert [c["start"] for c in chapters] == [0.0, pytest.approx(420, abs=16),
                                              pytest.approx(760, abs=16)]
    assert "Feature store" in chapters[0]["title"]
    assert "ailing" in chapters[2]["title"]
    q = doc["meta"]["questions"]
    assert q[0]["text"] == "What is a feature store, and why does a retailer need one?"
    assert q[0]["start"] == pytest.approx(55.0, abs=8)
    assert doc["stats"]["questions"] == len(q) == 12
    # One unnamed voice: all the talk, from 0:00 to the last line's end.
    st = doc["stats"]
    assert len(st["speakers"]) == 1
    me = st["speakers"][0]
    assert me["id"] is None and me["share"] == 100.0 and me["turns"] == 1
    assert me["words"] == st["words"] and me["questions"] == 12
    assert st["duration"] < me["talk_time"] < st["duration"] + 30
    assert me["words_per_minute"] == pytest.approx(me["words"] / (me["talk_time"] / 60))


def test_options_from_config(tmp_path):
    conf = (f"[plugins]\npath = {BUILD / 'plugins'}\n"
            "[pipeline]\nparsers = captions\ncleaners = normalize\n"
            "summarizers = keywords summary chapters\nexporters = json\n"
            "[keywords]\ncount = 4\nmax_words = 1\n"
            "[summary]\nsentences = 3\n"
            "[chapters]\ncount = 2\ntitle_phrases = 1\n")
    doc = process(tmp_path, CAPTIONS, conf)
    check_summary(doc, 3)
    kw = [k["phrase"] for k in doc["summary"]["keywords"]]
    assert len(kw) == 4 and all(" " not in k for k in kw)
    assert len(doc["chapters"]) == 2
    assert all("," not in c["title"] for c in doc["chapters"])
    assert doc["stats"] == {} and "questions" not in doc["meta"]


def test_bad_options_refuse_to_start(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text(f"[plugins]\npath = {BUILD / 'plugins'}\n"
                    "[pipeline]\nsummarizers = keywords\n"
                    "[keywords]\nlanguage = klingon\n")
    r = run_cli("process", "-c", conf, "-o", tmp_path, CAPTIONS)
    assert r.returncode != 0 and "klingon" in r.stderr
    conf.write_text(f"[plugins]\npath = {BUILD / 'plugins'}\n"
                    "[pipeline]\nsummarizers = summary\n"
                    "[summary]\nstopwords = /nonexistent/stop.txt\n")
    r = run_cli("process", "-c", conf, "-o", tmp_path, CAPTIONS)
    assert r.returncode != 0 and "/nonexistent/stop.txt" in r.stderr


def test_plugins_lists_summarizers():
    out = run_cli("plugins", check=True).stdout
    for line in ("keywords (summarizer", "summary (summarizer", "chapters (summarizer",
                 "questions (summarizer", "[summary] sentences = 5", "[summary] ratio = 0",
                 "[chapters] minutes = 5", "[keywords] count = 10",
                 "[questions] min_words = 3"):
        assert line in out, line


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_caption_seeds(tmp_path, prefix):
    src = seed(prefix)
    doc = process(tmp_path, src)
    check_summary(doc, 5)
    assert len(doc["summary"]["keywords"]) == 10
    minutes = doc["stats"]["duration"] / 60
    chapters = doc["chapters"]
    assert len(chapters) == round(minutes / 5)
    starts = [c["start"] for c in chapters]
    assert starts == sorted(set(starts)) and starts[0] < 60
    assert all(c["title"] for c in chapters)
    shares = [s["share"] for s in doc["stats"]["speakers"]]
    assert sum(shares) == pytest.approx(100.0)


def test_chapter_segmenter_beats_even_baseline():
    seed("000")
    spec = importlib.util.spec_from_file_location("chapters_eval",
                                                  ROOT / "bench" / "chapters_eval.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    result = ev.evaluate(BUILD, seed("000"))
    rows = result["rows"]
    for ours, even in zip(rows[0::2], rows[1::2]):
        assert ours["chapters"] == even["chapters"]
        assert ours["pk"] < even["pk"] - 0.05, rows
        assert ours["windowdiff"] < even["windowdiff"] - 0.05, rows
