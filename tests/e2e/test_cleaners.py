"""The cleaner chain through the real binary: the default chain on caption
dumps, --explain, and cleaner options in a config."""
import json
import re

import pytest

from conftest import FIXTURES, run_cli, seed

# Fillers standing alone; "mm-hmm" (a backchannel) stays.
FILLER = re.compile(r"(?<![\w-])(um+|uh+|erm+|hmm+)(?![\w-])", re.I)


def process(tmp_path, *files, conf=None):
    args = ["process", *files, "-o", tmp_path]
    if conf:
        args[1:1] = ["-c", conf]
    run_cli(*args, check=True)
    return [json.loads((tmp_path / (f.stem + ".json")).read_text()) for f in files]


def speech(doc):
    return [s["text"] for s in doc["segments"] if s["kind"] == "speech"]


@pytest.mark.parametrize("prefix,mode", [("002", "units"), ("003", "sentences"),
                                         ("004", "units")])
def test_caption_seeds_read_as_sentences(tmp_path, prefix, mode):
    src = seed(prefix)
    lines = sum(1 for line in src.read_text().splitlines() if re.match(r"\d+:\d\d", line))
    (doc,) = process(tmp_path, src)
    texts = speech(doc)
    assert 50 < len(texts) < lines / 2
    for prev, text in zip([""] + texts, texts):
        assert text[0].isupper() or text[0].isdigit(), text
        assert text.rstrip('")')[-1] in ".?!", text
        assert not FILLER.search(text), text
        assert not re.search(r"\bi\b|\bi'm\b", text), text
        assert "  " not in text
        if len(text.split()) >= 4:
            assert text != prev, "a caption line shown twice was kept twice"
    changes = doc["changes"]
    # A unit that was nothing but "uh" is dropped by fillers.
    assert changes["sentences"][mode] - changes["fillers"]["segments_dropped"] == len(texts)
    assert changes["sentences"]["lines"] >= lines - 5
    assert changes["fillers"]["fillers"] > 100
    starts = [s["start"] for s in doc["segments"]]
    assert starts == sorted(starts) and starts[0] == 0


def test_lowercase_fixture_end_to_end(tmp_path):
    (doc,) = process(tmp_path, FIXTURES / "sentences" / "lowercase.txt")
    assert [(s["start"], s["text"]) for s in doc["segments"]] == [
        (0, "Hello everyone welcome to our kitchen this is a show about bread and "
            "I think you will like it."),
        (9, "So today we bake a loaf of rye bread with seeds I'm going to show you "
            "every step."),
        (18, "First you take the flour and the water and you mix them then you wait."),
        (26, "And you knead it."),
    ]
    assert doc["changes"]["sentences"]["duplicates"] == 1
    assert doc["changes"]["fillers"] == {"fillers": 1, "stutters": 0,
                                         "segments_dropped": 0}


def test_explain_shows_each_cleaner(tmp_path):
    fixture = FIXTURES / "sentences" / "lowercase.txt"
    r = run_cli("process", "--explain", fixture, "-o", tmp_path / "out", check=True)
    out = r.stdout
    assert out.startswith(f"{fixture}: captions, 11 segments, 64 words")
    order = [out.index(f"  {name} ") for name in
             ("mojibake", "normalize", "boilerplate", "tags", "sentences", "fillers")]
    assert order == sorted(order)
    assert "11 -> 4 segments, 64 -> 57 words" in out
    assert "lines 11, units 4, duplicates 1, overlaps 1, periods 4, capitals 6" in out
    assert "fillers 1\n" in out
    assert "-     0:18  Um first you take the flour" in out
    assert "+     0:18  First you take the flour" in out
    assert "boilerplate  cleaner    11 -> 11 segments, 64 -> 64 words\n" \
           "               no changes" in out
    # Explaining writes nothing.
    assert not (tmp_path / "out").exists()


def test_explain_seed_counts(tmp_path):
    r = run_cli("process", "--explain", seed("003"), check=True)
    assert "fillers 179, stutters" in r.stdout
    assert re.search(r"sentences +cleaner +1586 -> \d{3} segments", r.stdout)
    assert "(more changes)" not in r.stdout and "more changes)" in r.stdout


def test_explain_reports_failures(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(" \n\t\n")
    r = run_cli("process", "--explain", bad)
    assert r.returncode == 1 and "no parser" in r.stderr


def test_cleaner_options_in_config(tmp_path):
    conf = tmp_path / "t.conf"
    conf.write_text("[pipeline]\ncleaners = normalize redact sentences\n"
                    "[redact]\nurls = yes\n")
    (doc,) = process(tmp_path, FIXTURES / "redact" / "captions.txt", conf=conf)
    assert speech(doc) == ["So if you have questions write to [email] or call [phone].",
                           "And the slides are at [url]."]
    assert doc["changes"]["redact"] == {"email": 1, "phone": 1, "url": 1}


@pytest.mark.parametrize("section,line,words", [
    ("normalize", "quotes = curly", ["quotes = curly", "typographic"]),
    ("boilerplate", "extra_patterns = /nonexistent/mine.patterns",
     ["boilerplate", "cannot read /nonexistent/mine.patterns"]),
    ("sentences", "max_words = 2", ["min_words < max_words"]),
])
def test_bad_cleaner_options_refuse(tmp_path, section, line, words):
    conf = tmp_path / "c.conf"
    conf.write_text(f"[{section}]\n{line}\n")
    r = run_cli("check-config", "-c", conf)
    assert r.returncode != 0
    for w in words:
        assert w in r.stderr, r.stderr


def test_plugins_lists_cleaners():
    r = run_cli("plugins", check=True)
    for line in ("mojibake (cleaner", "boilerplate (cleaner", "tags (cleaner",
                 "fillers (cleaner", "sentences (cleaner", "redact (cleaner",
                 "[normalize] quotes = keep", "[fillers] words = um uh uhm erm hmm",
                 "[boilerplate] patterns = conf/boilerplate.patterns"):
        assert line in r.stdout


def test_every_seed_reads_as_clean_prose_with_the_default_chain(tmp_path):
    """The default chain, real parsers included: the Markdown of each seed
    has no page furniture, bracket tags, fillers or broken characters."""
    seeds = [seed(p) for p in ("000", "001", "002", "003", "004")]
    out = tmp_path / "out"
    run_cli("process", "-o", out, *seeds, check=True)
    for s in seeds:
        md = (out / (s.stem + ".md")).read_text()
        body = md.split("## Transcript", 1)[-1] if "## Transcript" in md else md
        assert "[chuckles]" not in body and "[Sara agrees]" not in body, s.name
        assert "Did you like this episode" not in md, s.name
        assert "\u00f0\u0178" not in md and "\u00e2\u20ac" not in md, s.name   # mojibake
        words = body.lower().split()
        assert not {"um", "uh", "um,", "uh,"} & set(words), s.name
        assert " i " not in body, s.name                         # lowercase "i"
