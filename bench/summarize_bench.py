#!/usr/bin/python3
"""Summarizer benchmark: the default chain against the reference peer.

1. Throughput: `transcriptd process` with the default chain (parse, clean,
   summarize with every summarizer, export JSON) over the seed corpus,
   against `../shared/bench/peer.py batch` (Python, TextRank with networkx)
   over the same files in the same run; MB/s of each and their ratio.  The
   daemon's side reads the corpus COPIES times over (under other names), so
   process start-up does not hide the work; the peer reads it once.
2. Scale: a synthetic three-hour caption dump (about 30,000 words on
   rotating topics) through the same chain, wall time of the whole
   `transcriptd process` command, best and median of RUNS runs.

  bench/summarize_bench.py [--build DIR] [--copies N] [--runs N] [--jobs N] [--json]

Use a release build (cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release).
"""
import argparse
import json
import os
import pathlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
PEER = SHARED / "bench" / "peer.py"

# Topics of the synthetic talk: each a vocabulary that repeats within it.
TOPICS = [
    "feature store serving latency training pipeline offline online features model "
    "freshness backfill schema registry embeddings batch streaming",
    "beekeeping hive honey queen swarm nectar flowers brood colony rooftop "
    "varroa frames smoker beeswax pollen",
    "sailing boat harbour wind sails knots crew helm reef lake mooring anchor "
    "regatta keel rudder",
    "kubernetes cluster pods deployment containers nodes autoscaling ingress "
    "helm charts operators observability logging",
    "sourdough bread flour starter oven crust dough fermentation hydration "
    "baking loaf yeast kneading",
    "marathon running training pace mileage shoes injury recovery stretching "
    "hills intervals race nutrition",
]
GLUE = ("so the we really think that it is about how you and then what "
        "people usually do when they start with a lot of").split()


def synthetic(words=30000, hours=3.0, seed=7):
    """Caption lines "h:mm:ss text", 6 to 9 words each, punctuated."""
    rng = random.Random(seed)
    topic_len = 2500                     # words per topic: about 15 minutes
    out, line, said, sentence_left = [], [], 0, rng.randint(8, 18)
    seconds_per_word = hours * 3600 / words
    line_start = 0.0
    while said < words:
        vocab = TOPICS[(said // topic_len) % len(TOPICS)].split()
        w = rng.choice(vocab) if rng.random() < 0.45 else rng.choice(GLUE)
        sentence_left -= 1
        if sentence_left == 0:
            w += "?" if rng.random() < 0.1 else "."
            sentence_left = rng.randint(8, 18)
        line.append(w)
        said += 1
        if len(line) >= rng.randint(6, 9):
            s = int(line_start)
            out.append(f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d} {' '.join(line)}")
            line_start = said * seconds_per_word
            line = []
    return "\n".join(out) + "\n"


def write_conf(path, build):
    """The default chain, with plugins and stop words from this tree."""
    base = (ROOT / "conf" / "transcriptd.conf").read_text()
    pipeline = base[base.index("[pipeline]"):]
    path.write_text(f"[plugins]\npath = {build / 'plugins'}\n\n{pipeline}\n"
                    + "".join(f"[{p}]\nstopwords = {ROOT / 'conf' / 'stopwords-en.txt'}\n"
                              for p in ("keywords", "summary", "chapters")))


def run_cpu(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds, CompletedProcess-like)."""
    t0 = time.perf_counter()
    before = os.times()
    r = subprocess.run(cmd, capture_output=True, text=True)
    after = os.times()
    cpu = (after.children_user - before.children_user) + \
          (after.children_system - before.children_system)
    return time.perf_counter() - t0, cpu, r


def process(build, conf, files, outdir, jobs):
    wall, _, r = run_cpu([str(build / "transcriptd"), "process", "-c", str(conf),
                          "-j", str(jobs), "-o", str(outdir), *map(str, files)])
    return wall, r


def parsed_seeds(build, conf, tmp, jobs):
    """The seeds this build has a parser for (all of them with every parser)."""
    ok = []
    for f in sorted(SEEDS.glob("*.txt")):
        _, r = process(build, conf, [f], tmp / "probe", jobs)
        if r.returncode == 0:
            ok.append(f)
    return ok


def throughput(build, conf, tmp, copies, jobs):
    files = parsed_seeds(build, conf, tmp, jobs)
    if not files:
        raise SystemExit("no seed could be parsed")
    nbytes = sum(f.stat().st_size for f in files)
    many = tmp / "many"
    many.mkdir()
    for c in range(copies):
        for f in files:
            shutil.copy(f, many / f"c{c:03d}_{f.name}")
    ours, ours_cpu, r = run_cpu([str(build / "transcriptd"), "process", "-c", str(conf),
                                 "-j", str(jobs), "-o", str(tmp / "out"),
                                 *map(str, sorted(many.iterdir()))])
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    peer_out = tmp / "peer"
    peer_out.mkdir()
    peer, peer_cpu, p = run_cpu(["/usr/bin/python3", str(PEER), "batch", str(peer_out),
                                 *map(str, files)])
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    mb = nbytes / 1e6
    ours_mbs = mb * copies / ours
    # The peer times its own loop (no interpreter start, no imports): the
    # ratio is taken against that, its best figure.
    peer_mbs = float(p.stdout.split()[-2])
    return {"files": [f.name for f in files],
            "skipped": sorted(f.name for f in SEEDS.glob("*.txt") if f not in files),
            "bytes": nbytes, "copies": copies, "jobs": jobs,
            "transcriptd_s": ours, "transcriptd_mb_s": ours_mbs,
            "transcriptd_cpu_s": ours_cpu, "transcriptd_cpu_mb_s": mb * copies / ours_cpu,
            "peer_wall_s": peer, "peer_wall_mb_s": mb / peer,
            "peer_cpu_s": peer_cpu, "peer_cpu_mb_s": mb / peer_cpu,
            "peer_mb_s": peer_mbs, "peer_says": p.stdout.strip(),
            "ratio": ours_mbs / peer_mbs,
            "ratio_wall": ours_mbs / (mb / peer),
            "ratio_cpu": (mb * copies / ours_cpu) / (mb / peer_cpu)}


def three_hours(build, conf, tmp, runs, jobs):
    src = tmp / "three-hours.txt"
    src.write_text(synthetic())
    times = []
    for _ in range(runs):
        dt, r = process(build, conf, [src], tmp / "out3", jobs)
        if r.returncode != 0:
            raise SystemExit(r.stderr)
        times.append(dt)
    doc = json.loads((tmp / "out3" / "three-hours.json").read_text())
    return {"bytes": src.stat().st_size, "words": doc["stats"]["words"],
            "segments": len(doc["segments"]), "duration_s": doc["stats"]["duration"],
            "runs": runs, "best_ms": min(times) * 1000,
            "median_ms": statistics.median(times) * 1000,
            "summary_sentences": len(doc["summary"]["sentences"]),
            "keywords": [k["phrase"] for k in doc["summary"]["keywords"]],
            "chapters": len(doc["chapters"]),
            "questions": len(doc["meta"].get("questions", []))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("TRANSCRIPTD_BUILD", ROOT / "build-rel"))
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--shared", default=SHARED,
                    help="the folder with corpus/seeds and bench/peer.py")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    global SEEDS, PEER
    SEEDS = pathlib.Path(args.shared) / "corpus" / "seeds"
    PEER = pathlib.Path(args.shared) / "bench" / "peer.py"
    build = pathlib.Path(args.build).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        conf = tmp / "bench.conf"
        write_conf(conf, build)
        result = {"throughput": throughput(build, conf, tmp, args.copies, args.jobs),
                  "three_hours": three_hours(build, conf, tmp, args.runs, args.jobs)}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    t, h = result["throughput"], result["three_hours"]
    print(f"corpus: {len(t['files'])} seeds, {t['bytes'] / 1e3:.1f} kB"
          + (f" (no parser in this build for: {', '.join(t['skipped'])})" if t["skipped"] else ""))
    print(f"transcriptd  {t['copies']} x corpus, -j {t['jobs']}: {t['transcriptd_s']:.3f} s "
          f"= {t['transcriptd_mb_s']:.2f} MB/s")
    print(f"peer.py      1 x corpus: says \"{t['peer_says']}\"; "
          f"{t['peer_wall_s']:.3f} s with start-up = {t['peer_wall_mb_s']:.3f} MB/s")
    print(f"ratio        {t['ratio']:.1f}x against the peer's own figure, "
          f"{t['ratio_wall']:.1f}x against its wall time (target >= 100x)")
    print(f"CPU time     transcriptd {t['transcriptd_cpu_s']:.3f} s = "
          f"{t['transcriptd_cpu_mb_s']:.2f} MB per CPU second, peer {t['peer_cpu_s']:.3f} s "
          f"= {t['peer_cpu_mb_s']:.3f}: {t['ratio_cpu']:.1f}x per CPU second")
    print(f"3-hour synthetic: {h['words']} words, {h['segments']} caption lines, "
          f"{h['bytes'] / 1e3:.0f} kB: best {h['best_ms']:.1f} ms, median "
          f"{h['median_ms']:.1f} ms over {h['runs']} runs (target < 200 ms)")
    print(f"  -> {h['summary_sentences']} summary sentences, {h['chapters']} chapters, "
          f"{h['questions']} questions; keywords: {', '.join(h['keywords'])}")
    return 0 if t["ratio"] >= 100 and h["median_ms"] < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
