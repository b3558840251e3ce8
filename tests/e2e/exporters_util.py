"""Helpers shared by the exporter and search end-to-end tests: a config that
loads the test-only markup summarizer, and readers of caption outputs."""
import pathlib
import re

from conftest import BUILD, FIXTURES, run_cli

MARKUP = BUILD / "test-plugins" / "markup"
EXPORTERS = FIXTURES / "exporters"
ALL_EXPORTERS = "json jsonl markdown plaintext html subrip webvtt sqlite"


def write_conf(tmp, exporters=ALL_EXPORTERS, extra="", outbox=None):
    """A config whose chain is captions -> normalize -> markup, stats ->
    exporters; markup turns the markup in the fixtures into speakers,
    chapters and a summary."""
    conf = pathlib.Path(tmp) / "exporters.conf"
    lines = ["[plugins]", f"path = {BUILD / 'plugins'}:{MARKUP}",
             "[pipeline]", "cleaners = normalize", "summarizers = markup stats",
             f"exporters = {exporters}"]
    if outbox:
        lines = ["[daemon]", f"outbox = {outbox}"] + lines
    conf.write_text("\n".join(lines) + "\n" + extra)
    return conf


def process(tmp, *files, exporters=ALL_EXPORTERS, extra="", check=True):
    """Runs `transcriptd process` on files into tmp/out; returns (out, result)."""
    out = pathlib.Path(tmp) / "out"
    conf = write_conf(tmp, exporters, extra)
    r = run_cli("process", "-c", conf, "-o", out, *files, check=check)
    return out, r


def words(text):
    return text.split()


def line_ok(line, limit=42):
    """A caption line within the limit, or a single word too long to cut."""
    return len(line) <= limit or " " not in line


def check_cues(cues, min_ms=1000, max_ms=7000):
    """cues: (start_ms, end_ms, text) in order.  Readable and no overlaps."""
    prev_end = 0
    for start, end, text in cues:
        assert start >= prev_end, (start, prev_end, text)
        assert min_ms <= end - start <= max_ms, (start, end, text)
        lines = text.split("\n")
        assert 1 <= len(lines) <= 2, text
        assert all(line_ok(l) for l in lines), text
        prev_end = end


def srt_cues(path):
    import pysrt
    # pysrt.open() uses a file mode Python 3.11 refuses: read the text ourselves.
    subs = pysrt.from_string(pathlib.Path(path).read_text(encoding="utf-8"),
                             error_handling=pysrt.ERROR_RAISE)
    return [(s.start.ordinal, s.end.ordinal, s.text) for s in subs]


VOICE = re.compile(r"^<v ([^>]*)>")


def vtt_cues(path):
    """(start_ms, end_ms, raw text with tags) of every caption, parsed by
    webvtt-py."""
    import webvtt
    return [(round(c.start_in_seconds * 1000), round(c.end_in_seconds * 1000),
             c.raw_text) for c in webvtt.read(str(path))]
