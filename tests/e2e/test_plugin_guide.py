"""docs/plugins.md works as written: every C example in it builds against the
installed SDK with warnings as errors, and the four plugins of the guide
(one of each kind) do what the guide says when the installed daemon runs
them."""
import json
import re

import pytest

from conftest import FIXTURES, ROOT, daemon_env, sanitizer_report
from test_install import libdir, pkg_env, prefix, run   # noqa: F401  (fixtures)

GUIDE = ROOT / "docs" / "plugins.md"


def examples():
    blocks = re.findall(r"```c\n(.*?)```", GUIDE.read_text(), re.S)
    found = {}
    for code in blocks:
        if "TD_PLUGIN_DEFINE" in code:
            name = re.search(r'\.name = "(\w+)"', code).group(1)
            found[name] = code
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory, pkg_env):
    d = tmp_path_factory.mktemp("guide")
    cflags = run(["pkg-config", "--cflags", "transcriptd"], env=pkg_env).stdout.split()
    libs = run(["pkg-config", "--libs", "transcriptd"], env=pkg_env).stdout.split()
    for name, code in examples().items():
        (d / f"{name}.c").write_text(code)
        # The command the guide gives, plus -Werror.
        run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fPIC",
             "-fvisibility=hidden", "-shared", "-Wl,-z,defs", *cflags,
             "-o", d / f"{name}.so", d / f"{name}.c", *libs])
    return d


def test_the_guide_has_one_plugin_of_each_kind():
    kinds = {re.search(r"\.kind = (TD_\w+)", code).group(1)
             for code in examples().values()}
    assert kinds == {"TD_PARSER", "TD_CLEANER", "TD_SUMMARIZER", "TD_EXPORTER"}


def test_guide_plugins_run_in_the_installed_daemon(tmp_path, prefix, built):
    conf = tmp_path / "my.conf"
    conf.write_text(f"""[plugins]
path = {built}:{libdir(prefix)}/transcriptd/plugins

[pipeline]
parsers = auto
cleaners = normalize my_dedupe
summarizers = stats my_talktime
exporters = json my_text

[my_dedupe]
ignore_case = yes
""")
    binary = prefix / "bin" / "transcriptd"
    r = run([binary, "plugins", "-c", conf], env=daemon_env())
    assert "my_chat (parser 1.0)" in r.stdout and "[my_dedupe] ignore_case = no" in r.stdout
    r = run([binary, "process", "-c", conf, FIXTURES / "plugin-guide" / "chat.log",
             "-o", tmp_path / "out"], env=daemon_env())
    assert sanitizer_report(r.stderr) is None, r.stderr
    doc = json.loads((tmp_path / "out" / "chat.json").read_text())
    assert doc["format"] == "my_chat"
    assert [(s["start"], s["text"]) for s in doc["segments"]] == [
        (3, "did the backup run last night?"), (9, "it did"),
        (15, "took forty minutes though"), (62, "ok, thanks")]
    assert doc["changes"]["my_dedupe"] == {"repeats_dropped": 1}
    assert doc["stats"]["talk_seconds"] == {"alice": 6.0, "bob": 53.0}
    text = (tmp_path / "out" / "chat.txt").read_text()
    assert text.splitlines() == ["[0:03] alice: did the backup run last night?",
                                 "[0:09] bob: it did",
                                 "[0:15] bob: took forty minutes though",
                                 "[1:02] alice: ok, thanks"]


def test_guide_parser_refuses_what_is_not_a_chat_log(tmp_path, prefix, built):
    conf = tmp_path / "my.conf"
    conf.write_text(f"[plugins]\npath = {built}:{libdir(prefix)}/transcriptd/plugins\n"
                    "[pipeline]\nparsers = my_chat\n")
    prose = tmp_path / "prose.txt"
    prose.write_text("Just some words.\nNo chat here.\n")
    r = run([prefix / "bin" / "transcriptd", "process", "-c", conf, prose,
             "-o", tmp_path / "out"], env=daemon_env(), check=False)
    assert r.returncode == 1 and "no parser recognises this file" in r.stderr
