"""Installing: `cmake --install` to a prefix of our own, the SDK it puts in
place (headers, libtranscriptd, transcriptd.pc), an out-of-tree plugin built
against it with nothing but pkg-config, and the installed daemon running it.

The install is made from the build under test (TRANSCRIPTD_BUILD): under
the sanitizer build the installed binary and library are instrumented too,
which works because gcc links the ASan runtime dynamically and it is on
this machine; the example plugin itself is built without sanitizers, as a
user would, and loads into the instrumented daemon like any plugin."""
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, FIXTURES, ROOT, daemon_env, sanitizer_report, seed

EXAMPLE = ROOT / "examples" / "plugin-hello"


def run(cmd, env=None, cwd=None, check=True):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       env=env, cwd=cwd, timeout=300)
    if check:
        assert r.returncode == 0, f"{cmd}: {r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="session")
def prefix(tmp_path_factory):
    """The build under test, installed under a temporary prefix."""
    p = tmp_path_factory.mktemp("prefix")
    run(["cmake", "--install", BUILD, "--prefix", p])
    return p


@pytest.fixture(scope="session")
def pkg_env(prefix):
    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = str(next(prefix.glob("lib*/pkgconfig")))
    return env


@pytest.fixture(scope="session")
def example(tmp_path_factory, pkg_env):
    """examples/plugin-hello copied out of the tree and built with its Makefile."""
    d = tmp_path_factory.mktemp("plugin-hello")
    for f in EXAMPLE.iterdir():
        shutil.copy(f, d)
    run(["make"], env=pkg_env, cwd=d)
    return d


def libdir(prefix):
    return next(p for p in prefix.glob("lib*") if (p / "pkgconfig").is_dir())


def test_install_puts_everything_in_place(prefix):
    lib = libdir(prefix)
    expected = [
        "bin/transcriptd",
        "etc/transcriptd/transcriptd.conf",
        "include/transcriptd/transcriptd.h", "include/transcriptd/plugin.h",
        "include/transcriptd/doc.h", "include/transcriptd/text.h",
        "include/transcriptd/common.h", "include/transcriptd/version.h",
        "share/man/man1/transcriptd.1", "share/man/man5/transcriptd.conf.5",
        "share/man/man7/transcriptd-plugin.7",
        "lib/systemd/system/transcriptd.service",
        "lib/sysusers.d/transcriptd.conf", "lib/tmpfiles.d/transcriptd.conf",
    ]
    for rel in expected:
        assert (prefix / rel).is_file(), rel
    assert (prefix / "share/transcriptd/conf").is_dir()
    for name in ("captions", "normalize", "stats", "json"):
        assert (lib / "transcriptd/plugins" / f"{name}.so").is_file()
    # The installed config is the built-in one with the service's folders.
    conf = (prefix / "etc/transcriptd/transcriptd.conf").read_text()
    builtin = (ROOT / "conf/transcriptd.conf").read_text()
    for key, value in (("inbox", "inbox"), ("outbox", "outbox"), ("work", "inbox/.work"),
                       ("done", "done"), ("failed", "failed"), ("state", "state")):
        assert f"\n{key} = {value}\n" in builtin
        builtin = builtin.replace(f"\n{key} = {value}\n",
                                  f"\n{key} = /var/lib/transcriptd/{value}\n")
    assert conf.endswith(builtin) and conf.startswith("# Installed for the transcriptd service")
    r = run([prefix / "bin/transcriptd", "check-config", "-c",
             prefix / "etc/transcriptd/transcriptd.conf"], env=daemon_env())
    assert ": OK (" in r.stdout and "plugins in the chain)" in r.stdout
    # The unit runs the installed binary on the installed config.
    unit = (prefix / "lib/systemd/system/transcriptd.service").read_text()
    assert f"ExecStart={prefix}/bin/transcriptd run -c {prefix}/etc/transcriptd/" \
           "transcriptd.conf" in unit


def test_library_has_a_soname_and_the_binary_finds_it(prefix):
    lib = libdir(prefix)
    dyn = run(["readelf", "-d", lib / "libtranscriptd.so.1"]).stdout
    assert "Library soname: [libtranscriptd.so.1]" in dyn
    assert os.readlink(lib / "libtranscriptd.so") == "libtranscriptd.so.1"
    dyn = run(["readelf", "-d", prefix / "bin/transcriptd"]).stdout
    assert re.search(r"R(UN)?PATH.*\[\$ORIGIN/\.\./lib", dyn), dyn
    # Found without LD_LIBRARY_PATH, and with its plugins and data folder.
    env = daemon_env()
    env.pop("LD_LIBRARY_PATH", None)
    r = run([prefix / "bin/transcriptd", "plugins"], env=env)
    assert f"plugin path: {prefix}/bin/plugins:{prefix}/bin/../{lib.name}/transcriptd/plugins" \
        in r.stdout
    assert "json (exporter" in r.stdout


def test_pkg_config_describes_the_sdk(prefix, pkg_env):
    lib = libdir(prefix)
    pc = lambda *a: run(["pkg-config", *a, "transcriptd"], env=pkg_env).stdout.strip()
    assert pc("--modversion") == "0.1.0"
    assert pc("--variable=pluginsdir") == f"{lib}/transcriptd/plugins"
    assert pc("--variable=datadir") == f"{prefix}/share/transcriptd"
    assert f"-I{prefix}/include" in pc("--cflags")
    libs = pc("--libs")
    assert f"-L{lib}" in libs and "-ltranscriptd" in libs and "-ljansson" in libs


def test_destdir_install_for_a_system_prefix(tmp_path):
    """A package build: DESTDIR staging, /usr prefix, paths without DESTDIR."""
    env = dict(os.environ, DESTDIR=str(tmp_path))
    run(["cmake", "--install", BUILD, "--prefix", "/usr"], env=env)
    assert (tmp_path / "etc/transcriptd/transcriptd.conf").is_file()
    assert (tmp_path / "usr/bin/transcriptd").is_file()
    units = list(tmp_path.glob("**/systemd/system/transcriptd.service"))
    assert len(units) == 1
    unit = units[0].read_text()
    assert "ExecStart=/usr/bin/transcriptd run -c /etc/transcriptd/transcriptd.conf" in unit
    pcs = list(tmp_path.glob("usr/lib*/pkgconfig/transcriptd.pc"))
    assert len(pcs) == 1 and "prefix=/usr\n" in pcs[0].read_text()
    assert str(tmp_path) not in pcs[0].read_text()


@pytest.mark.parametrize("page,section", [("transcriptd.1", "COMMANDS"),
                                          ("transcriptd.conf.5", "RELOADING"),
                                          ("transcriptd-plugin.7", "THREADS")])
def test_man_pages_render_without_warnings(prefix, page, section):
    sect = page.rsplit(".", 1)[1]
    path = prefix / "share/man" / f"man{sect}" / page
    r = run(["groff", "-man", "-Tutf8", "-ww", "-z", path])
    assert r.stderr == ""
    env = dict(os.environ, MANWIDTH="80")
    text = re.sub(".\b", "", run(["man", "-l", path], env=env).stdout)   # overstrike
    assert section in text and "NAME" in text and "SEE ALSO" in text


def test_example_builds_with_pkg_config_only(example):
    so = example / "spellout.so"
    assert so.is_file()
    exported = run(["nm", "-D", "--defined-only", so]).stdout
    assert [l.split()[-1] for l in exported.splitlines() if " T " in l] == ["td_plugin_entry"]


def example_conf(tmp_path, example, prefix, section=None):
    conf = tmp_path / "hello.conf"
    conf.write_text(
        "[plugins]\n"
        f"path = {example}:{libdir(prefix)}/transcriptd/plugins\n"
        "[pipeline]\ncleaners = normalize spellout\n" +
        (section or "[spellout]\nacronyms = ML=machine learning; "
                    "GPU=graphics processing unit; NLP=natural language processing\n"))
    return conf


def process(prefix, conf, src, out):
    r = run([prefix / "bin/transcriptd", "process", "-c", conf, src, "-o", out],
            env=daemon_env())
    assert sanitizer_report(r.stderr) is None, r.stderr
    return json.loads((out / (src.stem + ".json")).read_text())


def test_installed_daemon_runs_the_example_on_a_fixture(tmp_path, prefix, example):
    conf = example_conf(tmp_path, example, prefix)
    doc = process(prefix, conf, FIXTURES / "spellout" / "acronyms.txt", tmp_path / "out")
    texts = [s["text"] for s in doc["segments"]]
    assert texts[0] == ("today we talk about how machine learning (ML) teams train "
                        "models on one graphics processing unit (GPU)")
    # Only the first use is spelled out.
    assert texts[1] == "the first ML project I saw used a GPU cluster"
    # Already spelled out by the speaker: left alone, and not done again later.
    assert texts[2] == "natural language processing (NLP) came later, and NLP is still hard"
    # Not in this config's list.
    assert texts[3] == "what about AI in general"
    assert doc["changes"]["spellout"] == {"acronyms_spelled_out": 2}


def test_example_rejects_a_bad_option(tmp_path, prefix, example):
    conf = tmp_path / "bad.conf"
    conf.write_text(f"[plugins]\npath = {example}:{libdir(prefix)}/transcriptd/plugins\n"
                    "[pipeline]\ncleaners = spellout\n[spellout]\nacronyms = ML machine\n")
    r = run([prefix / "bin/transcriptd", "check-config", "-c", conf],
            env=daemon_env(), check=False)
    assert r.returncode == 1
    assert "plugin spellout" in r.stderr and "'ML machine' is not ABBR=expansion" in r.stderr


def test_installed_daemon_runs_the_example_on_a_seed(tmp_path, prefix, example):
    src = seed("003")
    conf = example_conf(tmp_path, example, prefix,
                        "[spellout]\nacronyms = AI=artificial intelligence\n")
    doc = process(prefix, conf, src, tmp_path / "out")
    texts = [s["text"] for s in doc["segments"]]
    spelled = [t for t in texts if "artificial intelligence (AI)" in t]
    assert len(spelled) == 1
    first_ai = next(i for i, t in enumerate(texts) if re.search(r"\bAI\b", t))
    assert "artificial intelligence (AI)" in texts[first_ai]
    assert sum(len(re.findall(r"\bAI\b", t)) for t in texts) > 10   # the rest stay
    assert doc["changes"]["spellout"] == {"acronyms_spelled_out": 1}


def test_installed_daemon_run_with_the_example(daemon, tmp_path, prefix, example):
    d = daemon(binary=prefix / "bin/transcriptd",
               plugin_path=f"{example}:{libdir(prefix)}/transcriptd/plugins",
               pipeline={"parsers": "captions", "cleaners": "normalize spellout",
                         "summarizers": "stats", "exporters": "json"},
               conf_extra="[spellout]\nacronyms = GPU=graphics processing unit\n")
    d.start()
    ready = d.wait("daemon.ready")
    assert ready["chain"] == ["captions", "normalize", "spellout", "stats", "json"]
    d.drop("talk.txt", (FIXTURES / "spellout" / "acronyms.txt").read_text())
    ev = d.wait("transcript.done", "talk.txt")
    doc = json.loads(open(ev["outputs"]["json"]).read())
    assert doc["segments"][0]["text"].endswith("one graphics processing unit (GPU)")
    assert "machine learning" not in doc["segments"][0]["text"]
    assert d.stop() == 0
