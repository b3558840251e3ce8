"""The command line: process, plugins, help, version, and plugin loading."""
import json

import pytest

from conftest import BUILD, FIXTURES, ROOT, run_cli, seed, validate_document


def test_version_and_help():
    r = run_cli("--version", check=True)
    assert r.stdout.startswith("transcriptd ") and "plugin ABI 1" in r.stdout
    r = run_cli("--help", check=True)
    for word in ("run", "process", "plugins", "check-config", "[daemon] inbox"):
        assert word in r.stdout
    assert run_cli("nonsense").returncode == 2


def test_process_writes_outputs_and_reports_failures(tmp_path):
    good = FIXTURES / "captions" / "titled.txt"
    bad = tmp_path / "bad.txt"
    bad.write_text("  \n\t\n")       # readable text would go to the text parser
    out = tmp_path / "out"
    r = run_cli("process", good, "-o", out, check=True)
    doc = validate_document(out / "titled.json")
    assert doc["title"] == "Building a Birdhouse" and len(doc["segments"]) == 3
    assert str(out / "titled.json") in r.stdout
    # The input is left where it was.
    assert good.exists()
    r = run_cli("process", good, bad, "-o", out)
    assert r.returncode == 1
    assert "bad.txt" in r.stderr and "no parser" in r.stderr


def test_process_all_caption_seeds(tmp_path):
    files = [seed(p) for p in ("002", "003", "004")]
    run_cli("process", *files, "-o", tmp_path, check=True)
    titles = {f.name: validate_document(tmp_path / (f.stem + ".json"))["title"]
              for f in files}
    assert titles[files[1].name] == "Data-Centric AI"


def test_plugins_lists_kinds_and_options():
    r = run_cli("plugins", check=True)
    for line in ("captions (parser", "normalize (cleaner", "stats (summarizer",
                 "json (exporter", "[json] indent = 2"):
        assert line in r.stdout


@pytest.mark.parametrize("plugin,words", [
    ("bad_abi", ["ABI 99", "ABI 1"]),
    ("no_entry", ["no td_plugin_entry symbol"]),
    ("undefined_symbol", ["td_function_that_does_not_exist"]),
])
def test_broken_plugin_refuses_start(tmp_path, plugin, words):
    folder = BUILD / "test-plugins" / plugin
    conf = tmp_path / "c.conf"
    conf.write_text(f"[plugins]\npath = {BUILD / 'plugins'}:{folder}\n")
    r = run_cli("check-config", "-c", conf)
    assert r.returncode != 0
    assert plugin in r.stderr and str(folder / f"{plugin}.so") in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr
