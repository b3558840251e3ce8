"""The systemd integration as installed: the unit passes `systemd-analyze
verify`, its sandbox scores an exposure of 2.0 or less in `systemd-analyze
security` (read back from the tool, offline, on the installed file), and
the sysusers.d and tmpfiles.d entries create the user and the spool with
the modes they promise (applied to a scratch root with --root)."""
import os
import re
import shutil
import subprocess

import pytest

from test_install import prefix, run   # noqa: F401  (session fixture)

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                reason="systemd-analyze not installed")


def unit(prefix):
    return prefix / "lib/systemd/system/transcriptd.service"


def test_unit_verifies_clean(prefix):
    # With MANPATH, verify also checks that Documentation= man pages exist.
    env = dict(os.environ, MANPATH=f"{prefix}/share/man:")
    r = run(["systemd-analyze", "verify", unit(prefix)], env=env, check=False)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stderr


def test_unit_without_its_man_pages_fails_verify(prefix, tmp_path):
    """The check above can fail: a Documentation= page that is not there."""
    broken = tmp_path / "transcriptd.service"
    broken.write_text(unit(prefix).read_text().replace(
        "man:transcriptd(1)", "man:transcriptd-nosuchpage(1)"))
    env = dict(os.environ, MANPATH=f"{prefix}/share/man:")
    r = run(["systemd-analyze", "verify", broken], env=env, check=False)
    assert r.returncode != 0 and "transcriptd-nosuchpage" in r.stderr


def exposure(path):
    r = run(["systemd-analyze", "security", "--offline=yes", "--no-pager", path],
            check=False)
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
    assert m, r.stdout + r.stderr
    return float(m.group(1)), r.stdout


def test_security_exposure_is_at_most_2(prefix):
    score, report = exposure(unit(prefix))
    assert score <= 2.0, report
    for ok in ("PrivateTmp=", "NoNewPrivileges=", "ProtectSystem=",
               "SystemCallFilter=~@privileged", "RestrictAddressFamilies=~AF_PACKET"):
        line = next(l for l in report.splitlines() if ok in l)
        assert line.startswith("✓"), line


def test_security_score_reflects_the_unit(prefix, tmp_path):
    """Reading the score back means something: without the sandbox it is bad."""
    bare = tmp_path / "transcriptd.service"
    keep = ("[", "Type=", "ExecStart=", "ExecReload=", "User=", "Group=",
            "Description=", "WantedBy=")
    bare.write_text("\n".join(l for l in unit(prefix).read_text().splitlines()
                              if l.startswith(keep)) + "\n")
    score, _ = exposure(bare)
    assert score > 5.0


def test_unit_settings(prefix):
    text = unit(prefix).read_text()
    for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID",
                 "WatchdogSec=30s", "User=transcriptd", "ProtectSystem=strict",
                 "ReadWritePaths=/var/lib/transcriptd",
                 "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                 "SystemCallFilter=@system-service"):
        assert line in text.splitlines(), line


@pytest.mark.skipif(shutil.which("systemd-sysusers") is None
                    or shutil.which("systemd-tmpfiles") is None,
                    reason="systemd-sysusers/tmpfiles not installed")
def test_sysusers_and_tmpfiles_create_user_and_spool(prefix, tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    for f in ("passwd", "group", "shadow", "gshadow"):
        (root / "etc" / f).touch()
    run(["systemd-sysusers", f"--root={root}", prefix / "lib/sysusers.d/transcriptd.conf"])
    user = next(l for l in (root / "etc/passwd").read_text().splitlines()
                if l.startswith("transcriptd:")).split(":")
    assert user[5] == "/var/lib/transcriptd" and user[6] == "/usr/sbin/nologin"
    assert int(user[2]) < 1000          # a system user
    run(["systemd-tmpfiles", f"--root={root}", "--create",
         prefix / "lib/tmpfiles.d/transcriptd.conf"])
    spool = root / "var/lib/transcriptd"
    modes = {p.name: oct(p.stat().st_mode & 0o7777) for p in [spool, *spool.iterdir()]}
    assert modes == {"transcriptd": "0o750", "inbox": "0o2770", "outbox": "0o750",
                     "done": "0o750", "failed": "0o750", "state": "0o700"}
    assert {p.stat().st_uid for p in [spool, *spool.iterdir()]} == {int(user[2])}
