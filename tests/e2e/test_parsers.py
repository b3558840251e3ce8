"""Parsers through the real binary: `parsers = auto` picks the right one for
every fixture and seed, in every encoding users drop, and a parser that is
wrong about a file fails it with a message that says where."""
import json

import pytest

from conftest import FIXTURES, run_cli, seed

# fixture: (format, title, speaker names, segments, first start, last start,
#           first text, last text)
GOOD = {
    "captions/titled.txt": ("captions", "Building a Birdhouse", [], 5, 0.0, 62.0,
                            "okay so today we are going to",
                            "then drill the entrance hole"),
    "captions/events.txt": ("captions", "Pottery Wheel Basics", [], 10, 0.0, 3599.0,
                            "Music", "see you next week"),
    "captions/stamp_lines.txt": ("captions", None, [], 4, 0.0, 80.0,
                                 "so the first thing we do", "then the brakes"),
    "turns/episode.txt": ("turns", "Growing Tomatoes in Small Spaces",
                          ["Maria", "Priya", "Tom"], 11, 0.0, 3720.0,
                          "Welcome to the Garden Shed. Today we have two guests. "
                          "Priya grows tomatoes on a balcony, and Tom runs a "
                          "community garden.", "Thank you both."),
    "turns/bare.txt": ("turns", "Kitchen Table Talk", ["Ana", "Ben"], 3, 5.0, 20.0,
                       "Good morning.", "Bye."),
    "chat-md/ama.md": ("chat-md", 'AMA with Dr. Lena Ortiz: "Birds & Code"',
                       ["Questioner 1", "Lena", "Questioner 2"], 6, None, None,
                       "How did you get started with migration data?",
                       "Start small, publish early. See https://example.org/start "
                       "for a list."),
    "chat-md/standup.md": ("chat-md", "Tuesday stand-up", ["Ana", "Ben"], 4, None,
                           None, "I finished the export bug.",
                           "Two things: 1. rebase the #42 branch 2. tag the release"),
    "srt/basic.srt": ("srt", None, [], 5, 1.2, 3723.004,
                      "Welcome to the Harbour Lights podcast.",
                      "That's all \u2014 see you next week."),
    "srt/crlf_bom.srt": ("srt", None, [], 2, 0.5, 2.5,
                         "Line one of a cue with a second line",
                         "The last cue, no final line break"),
    "srt/loose.srt": ("srt", None, [], 4, 5.0, 12.0,
                      "Numbers are optional in practice.", "Ends before it starts."),
    "srt/rolling.srt": ("srt", None, [], 3, 0.0, 5.04, "so today we are going",
                        "and how to feed them"),
    "vtt/basic.vtt": ("vtt", "Night Market Tour", ["Ines", "Tom\u00e1s"], 5, 1.0,
                      3600.0, "Welcome to the night market, everyone!",
                      "Goodnight from the market."),
    "vtt/crlf_bom.vtt": ("vtt", None, ["Ada", "Bo"], 2, 0.0, 2.0, "Hello there.",
                         "Hi, Ada!"),
    "vtt/youtube_rolling.vtt": ("vtt", None, [], 4, 0.0, 8.01,
                                "hello everyone welcome to", "today we fix a toaster"),
    "whisper-json/openai.json": ("whisper-json", None, [], 3, 0.0, 3725.0,
                                 "Welcome back to Byte Sized.", "Let's go."),
    "whisper-json/whisperx.json": ("whisper-json", None, ["SPEAKER_00", "SPEAKER_01"],
                                   3, 0.031, 2.7, "Is the mic on?", "Great then."),
    "whisper-json/segments_array.json": ("whisper-json", None, [], 2, 12.0, 18.0,
                                         "Faster-whisper writes plain segment "
                                         "lists too.", "Blank segments are skipped."),
    "podcast-json/episode.json": ("podcast-json", None, ["Wendy", "Raj"], 6, 0.5,
                                  4210.25, "Hello and welcome to Night Owls & "
                                  "Early Birds.", "Good night, everyone."),
    "text/notes.txt": ("text", "Allotment Committee, March", [], 3, None, None,
                       "Present were Dana, Viktor and Lou. The water trough by "
                       "plot 12 leaks again and needs a new float valve.",
                       "Next meeting: first Sunday in April."),
    "text/one_line.txt": ("text", None, [], 1, None, None,
                          "Just one line of prose with no title.",
                          "Just one line of prose with no title."),
}

# fixture: words the failure message must contain
BAD = {
    "srt/bad_timing.srt": ["srt", "line 10", "not a SubRip timing"],
    "vtt/bad_id.vtt": ["vtt", "line 7", "cue-2", "no timing line"],
    "vtt/bad_timing.vtt": ["vtt", "line 6", "end time"],
    "whisper-json/bad_times.json": ["whisper-json", "segment 1", "'start'"],
    "podcast-json/bad_body.json": ["podcast-json", "segment 1", "'body'"],
    "podcast-json/ends_early.json": ["podcast-json", "segment 0", "ends before"],
}


def process(tmp_path, name, data):
    """Runs `transcriptd process` on data saved as name, with a chain of the
    parsers, normalize and the json exporter, so that what is checked is
    what the parser read; returns the result and the JSON or None."""
    src = tmp_path / "in" / name
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_bytes(data)
    out = tmp_path / "out"
    conf = tmp_path / "parsers-only.conf"
    conf.write_text("[pipeline]\ncleaners = normalize\nsummarizers =\nexporters = json\n")
    r = run_cli("process", "-c", conf, src, "-o", out)
    result = out / (src.stem + ".json")
    return r, (json.loads(result.read_text()) if r.returncode == 0 else None)


def check(doc, expected):
    fmt, title, speakers, count, first, last, first_text, last_text = expected
    assert doc["format"] == fmt
    assert doc["title"] == title
    assert [s["name"] for s in doc["speakers"]] == speakers
    segs = doc["segments"]
    assert len(segs) == count
    assert segs[0]["start"] == first and segs[-1]["start"] == last
    assert segs[0]["text"] == first_text and segs[-1]["text"] == last_text


@pytest.mark.parametrize("rel", sorted(GOOD))
def test_fixture_parses_with_auto(tmp_path, rel):
    data = (FIXTURES / rel).read_bytes()
    r, doc = process(tmp_path, rel.split("/")[1], data)
    assert r.returncode == 0, r.stderr
    check(doc, GOOD[rel])


def utf16(text, codec, bom):
    return bom + text.encode(codec)


ENCODINGS = {
    "crlf": lambda t: t.replace("\n", "\r\n").encode(),
    "cr": lambda t: t.replace("\n", "\r").encode(),
    "bom": lambda t: b"\xef\xbb\xbf" + t.encode(),
    "bom-crlf": lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
    "utf16le": lambda t: utf16(t.replace("\n", "\r\n"), "utf-16-le", b"\xff\xfe"),
    "utf16be": lambda t: utf16(t, "utf-16-be", b"\xfe\xff"),
}


@pytest.mark.parametrize("enc", sorted(ENCODINGS))
@pytest.mark.parametrize("rel", sorted(GOOD))
def test_every_encoding_gives_the_same_document(tmp_path, rel, enc):
    text = (FIXTURES / rel).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    r, doc = process(tmp_path, rel.split("/")[1], ENCODINGS[enc](text))
    assert r.returncode == 0, r.stderr
    check(doc, GOOD[rel])


def test_invalid_bytes_are_replaced_and_counted(tmp_path):
    data = (FIXTURES / "srt" / "basic.srt").read_bytes()
    data = data.replace(b"Harbour", b"Harb\xffour").replace(b"tide", b"ti\x00de")
    r, doc = process(tmp_path, "broken.srt", data)
    assert r.returncode == 0, r.stderr
    assert doc["format"] == "srt"
    assert doc["segments"][0]["text"] == "Welcome to the Harb\ufffdour Lights podcast."
    assert "ti\ufffdde tables" in doc["segments"][1]["text"]
    assert len(doc["warnings"]) >= 2


@pytest.mark.parametrize("rel", sorted(BAD))
def test_wrong_files_fail_with_where(tmp_path, rel):
    r, doc = process(tmp_path, rel.split("/")[1], (FIXTURES / rel).read_bytes())
    assert r.returncode == 1 and doc is None
    for word in BAD[rel]:
        assert word in r.stderr, r.stderr


def test_binary_file_fails_saying_so(tmp_path):
    data = bytes(range(256)) * 8
    r, _ = process(tmp_path, "blob.bin", data)
    assert r.returncode == 1
    assert "binary" in r.stderr


def test_plugins_lists_every_parser():
    r = run_cli("plugins", check=True)
    for name in ("captions", "turns", "chat-md", "srt", "vtt", "whisper-json",
                 "podcast-json", "text"):
        assert f"{name} (parser" in r.stdout, r.stdout


# seed prefix: (format, title, speaker names, turns)
SEEDS = {
    "000": ("turns", "Make an Impact Through Volunteering Open Source Work",
            ["Alexey", "Sara"], 138),
    "001": ("chat-md", "AMA with Sayak Paul - Hacktoberfest'19",
            ["Participant 1", "Sayak"] + [f"Participant {n}" for n in range(2, 8)], 14),
    "002": ("captions", None, [], 1903),
    "003": ("captions", "Data-Centric AI", [], 1586),
    "004": ("captions", None, [], 1977),
}


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed(tmp_path, prefix):
    path = seed(prefix)
    fmt, title, speakers, turns = SEEDS[prefix]
    r, doc = process(tmp_path, path.name, path.read_bytes())
    assert r.returncode == 0, r.stderr
    assert doc["format"] == fmt
    assert doc["title"] == title
    assert [s["name"] for s in doc["speakers"]] == speakers
    speech = [s for s in doc["segments"] if s["kind"] == "speech"]
    assert len(speech) == turns
    if "turns" in doc["meta"]:
        assert doc["meta"]["turns"] == turns


def test_seed_000_page_structure(tmp_path):
    path = seed("000")
    r, doc = process(tmp_path, path.name, path.read_bytes())
    assert r.returncode == 0, r.stderr
    meta = doc["meta"]
    assert (meta["season"], meta["episode"]) == (17, 7)
    assert meta["guests"] == ["Sara EL-ATEIF"]
    assert meta["series"] == "DataTalks.Club podcast"
    assert meta["paragraphs"] == 166
    assert len(doc["chapters"]) == 15
    assert doc["chapters"][0] == {"start": 157.0, "title": "Sara\u2019s background"}
    texts = " ".join(s["text"] for s in doc["segments"])
    for furniture in ("MLOps Zoomcamp", "Did you like this episode", "cookies",
                      "Subscribe to our weekly newsletter"):
        assert furniture not in texts


def test_seed_001_metadata(tmp_path):
    path = seed("001")
    r, doc = process(tmp_path, path.name, path.read_bytes())
    assert r.returncode == 0, r.stderr
    assert doc["date"] == "2019-11-13T15:14:46+05:30"
    meta = doc["meta"]
    assert meta["description"].startswith("This year during Hactoberfest we decided")
    assert {"text": "qure", "url": "http://qure.ai/"} in meta["links"]
    texts = " ".join(s["text"] for s in doc["segments"])
    assert "](" not in texts and "**" not in texts and "Legend" not in texts
