"""The Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the tree
builds transcriptd, libtranscriptd1 and libtranscriptd-dev with everything
the install puts in place, a postinst that creates the system user before
its folders, and a service that is installed but neither enabled nor
started.  Takes about 20 s on 2 cores; TRANSCRIPTD_SKIP_DEB=1 skips it."""
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT

pytestmark = [
    pytest.mark.skipif(os.environ.get("TRANSCRIPTD_SKIP_DEB") == "1",
                       reason="TRANSCRIPTD_SKIP_DEB=1"),
    pytest.mark.skipif(shutil.which("dpkg-buildpackage") is None
                       or shutil.which("dh") is None,
                       reason="dpkg-buildpackage or debhelper not installed"),
]

VERSION = "0.1.0"


def sh(*cmd, cwd=None):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                       cwd=cwd, timeout=900)
    assert r.returncode == 0, f"{cmd}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def copy_tree(dest):
    """The source as a clone would have it: tracked and new files, no builds."""
    files = sh("git", "-C", ROOT, "ls-files", "--cached", "--others",
               "--exclude-standard", "-z").split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file() or src.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel, follow_symlinks=False)


@pytest.fixture(scope="module")
def debs(tmp_path_factory):
    top = tmp_path_factory.mktemp("deb")
    src = top / f"transcriptd-{VERSION}"
    copy_tree(src)
    t0 = time.monotonic()
    sh("dpkg-buildpackage", "-us", "-uc", "-b", cwd=src)
    print(f"\ndpkg-buildpackage took {time.monotonic() - t0:.1f} s")
    found = {p: top / f"{p}_{VERSION}_amd64.deb"
             for p in ("transcriptd", "libtranscriptd1", "libtranscriptd-dev")}
    for deb in found.values():
        assert deb.is_file(), sorted(os.listdir(top))
    return found


def contents(deb):
    """Paths in the package (symlinks by their own name, not their target)."""
    return {line.split(maxsplit=5)[5].split(" -> ")[0].lstrip(".")
            for line in sh("dpkg-deb", "-c", deb).splitlines()}


def test_packages_hold_what_the_install_puts_in_place(debs):
    files = contents(debs["transcriptd"])
    for path in ("/usr/bin/transcriptd", "/etc/transcriptd/transcriptd.conf",
                 "/lib/systemd/system/transcriptd.service",
                 "/usr/lib/sysusers.d/transcriptd.conf",
                 "/usr/lib/tmpfiles.d/transcriptd.conf",
                 "/usr/share/man/man1/transcriptd.1.gz",
                 "/usr/share/man/man5/transcriptd.conf.5.gz",
                 "/usr/share/transcriptd/conf/"):
        assert path in files, path
    plugins = {p for p in files if re.match(r"/usr/lib/[^/]+/transcriptd/plugins/\w+\.so$", p)}
    assert {os.path.basename(p) for p in plugins} >= {"captions.so", "normalize.so",
                                                      "stats.so", "json.so"}
    lib = contents(debs["libtranscriptd1"])
    assert any(p.endswith("/libtranscriptd.so.1") for p in lib)
    dev = contents(debs["libtranscriptd-dev"])
    for path in ("/usr/include/transcriptd/plugin.h", "/usr/include/transcriptd/doc.h",
                 "/usr/share/man/man7/transcriptd-plugin.7.gz",
                 "/usr/share/doc/libtranscriptd-dev/examples/spellout.c",
                 "/usr/share/doc/libtranscriptd-dev/examples/Makefile"):
        assert path in dev, path
    assert any(p.endswith("/pkgconfig/transcriptd.pc") for p in dev)
    assert any(p.endswith("/libtranscriptd.so") for p in dev)


def test_control_data(debs, tmp_path):
    info = sh("dpkg-deb", "-f", debs["transcriptd"], "Depends")
    assert f"libtranscriptd1 (= {VERSION})" in info
    assert "systemd-sysusers" in info
    sh("dpkg-deb", "-e", debs["transcriptd"], tmp_path / "ctl")
    conffiles = (tmp_path / "ctl" / "conffiles").read_text().split()
    assert conffiles == ["/etc/transcriptd/transcriptd.conf"]
    postinst = (tmp_path / "ctl" / "postinst").read_text()
    # The user exists before tmpfiles chowns its folders to it.
    assert 0 <= postinst.index("systemd-sysusers") < postinst.index("systemd-tmpfiles")
    # Registered with systemd, but not enabled or started.
    assert "deb-systemd-helper update-state 'transcriptd.service'" in postinst
    assert "deb-systemd-invoke" not in postinst
    assert "was-enabled" in postinst      # enable only what the admin had enabled


def test_installed_files_work(debs, tmp_path):
    root = tmp_path / "root"
    for deb in debs.values():
        sh("dpkg-deb", "-x", deb, root)
    binary = root / "usr/bin/transcriptd"
    dyn = sh("readelf", "-d", binary)
    assert "RUNPATH" not in dyn and "RPATH" not in dyn    # a system library
    unit = (root / "lib/systemd/system/transcriptd.service").read_text()
    assert "ExecStart=/usr/bin/transcriptd run -c /etc/transcriptd/transcriptd.conf" in unit
    conf = (root / "etc/transcriptd/transcriptd.conf").read_text()
    assert "\ninbox = /var/lib/transcriptd/inbox\n" in conf
    pc = next(root.glob("usr/lib/*/pkgconfig/transcriptd.pc")).read_text()
    assert "prefix=/usr\n" in pc and "pluginsdir=${libdir}/transcriptd/plugins" in pc
    if shutil.which("systemd-analyze"):
        out = sh("systemd-analyze", "security", "--offline=yes", "--no-pager",
                 root / "lib/systemd/system/transcriptd.service")
        score = float(re.search(r"Overall exposure level for \S+: (\d+\.\d+)", out).group(1))
        assert score <= 2.0


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None,
                    reason="systemd-sysusers not installed")
def test_postinst_steps_create_the_user_and_spool(debs, tmp_path):
    """What the postinst runs, applied to a scratch root."""
    pkg = tmp_path / "pkg"
    sh("dpkg-deb", "-x", debs["transcriptd"], pkg)
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    for f in ("passwd", "group", "shadow", "gshadow"):
        (root / "etc" / f).touch()
    sh("systemd-sysusers", f"--root={root}", pkg / "usr/lib/sysusers.d/transcriptd.conf")
    assert re.search(r"^transcriptd:x:\d+:\d+:.*:/var/lib/transcriptd:/usr/sbin/nologin$",
                     (root / "etc/passwd").read_text(), re.M)
    sh("systemd-tmpfiles", f"--root={root}", "--create",
       pkg / "usr/lib/tmpfiles.d/transcriptd.conf")
    assert oct((root / "var/lib/transcriptd/inbox").stat().st_mode & 0o7777) == "0o2770"
