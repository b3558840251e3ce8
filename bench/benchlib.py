"""What the benchmark scripts share: free ports, the release binary and the
caption seeds of the corpus beside the project."""
import pathlib
import re
import socket
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_binary(path):
    """path, after building a release tree in build-rel when it is missing."""
    if path.exists():
        return path
    subprocess.run(["cmake", "-S", ROOT, "-B", ROOT / "build-rel",
                    "-DCMAKE_BUILD_TYPE=Release", "-DTD_TESTS=OFF"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", ROOT / "build-rel", "-j2"], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def caption_seeds():
    """The seeds that are caption dumps: mostly 'm:ss text' lines."""
    files = []
    for p in sorted(SEEDS.iterdir()):
        lines = p.read_text(errors="replace").splitlines()[:50]
        if sum(bool(re.match(r"^\d+:\d\d\s", l)) for l in lines) > 10:
            files.append(p)
    return files
