#!/usr/bin/python3
"""Chapter quality: the chapters summarizer on seed 000 without its headings.

Seed 000 is a podcast page whose transcript has 15 headings.  This renders
the transcript as a caption dump (one "h:mm:ss text" line per paragraph, no
speakers, no headings), runs `transcriptd process` with only the chapters
summarizer, maps the chapter starts back to paragraphs and scores them
against the real heading positions with Pk and WindowDiff (lower is
better), beside evenly spaced chapters of the same number.

  bench/chapters_eval.py [--build DIR] [--seed FILE] [--json]

Exit status 1 when the segmenter does not beat the evenly spaced baseline.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
TURN = re.compile(r"^([A-Z][^:]{0,40}):\s+(.*?)\s+\((\d+(?::\d\d){1,2})\)\s*$")
TAG = re.compile(r"\[[^\]]*\]")


def seconds(stamp):
    s = 0
    for part in stamp.split(":"):
        s = s * 60 + int(part)
    return s


def stamp(s):
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def read_turns(text):
    """Paragraphs (speaker, start, text) and the paragraph index after each
    heading: a heading is a line between two turns."""
    paras, borders, pending = [], [], False
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = TURN.match(line)
        if m:
            if pending:
                borders.append(len(paras))
            pending = False
            paras.append((m.group(1), seconds(m.group(3)),
                          " ".join(TAG.sub("", m.group(2)).split())))
        elif paras:
            pending = True
    return paras, borders


def paragraph_times(paras):
    """Distinct start times: the paragraphs of one turn share its time, so
    they are spread over the turn in proportion to their words."""
    turns = []
    for i, (who, start, _) in enumerate(paras):
        if turns and paras[turns[-1][0]][0] == who and paras[turns[-1][0]][1] == start:
            turns[-1].append(i)
        else:
            turns.append([i])
    times = [0] * len(paras)
    for t, members in enumerate(turns):
        start = paras[members[0]][1]
        words = [len(paras[i][2].split()) for i in members]
        end = paras[turns[t + 1][0]][1] if t + 1 < len(turns) else start + sum(words) * 60 // 150
        done = 0
        for i, w in zip(members, words):
            times[i] = start + (end - start) * done // max(1, sum(words))
            done += w
    for i in range(1, len(times)):
        times[i] = max(times[i], times[i - 1] + 1)
    return times


def segment_ids(borders, n):
    ids, seg, bs = [], 0, set(borders)
    for i in range(n):
        seg += i in bs
        ids.append(seg)
    return ids


def pk_windowdiff(ref, hyp, n):
    """Pk (Beeferman et al.) and WindowDiff (Pevzner and Hearst) over n
    units, with k half the mean reference segment length."""
    r, h = segment_ids(ref, n), segment_ids(hyp, n)
    k = max(1, round(n / (len(ref) + 1) / 2))
    pk = wd = 0
    for i in range(n - k):
        pk += (r[i] == r[i + k]) != (h[i] == h[i + k])
        wd += (r[i + k] - r[i]) != (h[i + k] - h[i])
    return pk / (n - k), wd / (n - k)


def even(n, count):
    """count borders spread evenly over n units (count + 1 chapters)."""
    return sorted({round(n * (i + 1) / (count + 1)) for i in range(count)})


def run_chapters(build, caption_text, extra=""):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        src = tmp / "000-captions.txt"
        src.write_text(caption_text)
        conf = tmp / "t.conf"
        conf.write_text(f"[plugins]\npath = {build / 'plugins'}\n"
                        "[pipeline]\nparsers = captions\ncleaners = normalize\n"
                        "summarizers = chapters\nexporters = json\n"
                        f"[chapters]\nstopwords = {ROOT / 'conf' / 'stopwords-en.txt'}\n"
                        + extra)
        subprocess.run([str(build / "transcriptd"), "process", "-c", str(conf),
                        "-o", str(tmp / "out"), str(src)], check=True,
                       capture_output=True, text=True)
        doc = json.loads((tmp / "out" / "000-captions.json").read_text())
    return doc["chapters"]


def borders_of(chapters, times):
    """The paragraph each chapter starts in, first chapter left out."""
    out = set()
    for ch in chapters:
        start = ch["start"]
        p = max(i for i, t in enumerate(times) if t <= start + 1e-6)
        if p > 0:
            out.add(p)
    return sorted(out)


def evaluate(build, seed_path):
    paras, ref = read_turns(seed_path.read_text())
    times = paragraph_times(paras)
    captions = "".join(f"{stamp(t)} {p[2]}\n" for t, p in zip(times, paras))
    n = len(paras)
    rows = []
    for label, extra in (("segmenter, chapters from minutes = 5", ""),
                         (f"segmenter, count = {len(ref) + 1}", f"count = {len(ref) + 1}\n")):
        chapters = run_chapters(build, captions, extra)
        hyp = borders_of(chapters, times)
        pk, wd = pk_windowdiff(ref, hyp, n)
        rows.append({"method": label, "chapters": len(hyp) + 1, "pk": pk, "windowdiff": wd,
                     "borders": hyp, "titles": [c["title"] for c in chapters]})
        bpk, bwd = pk_windowdiff(ref, even(n, len(hyp)), n)
        rows.append({"method": f"evenly spaced, {len(hyp) + 1} chapters", "chapters": len(hyp) + 1,
                     "pk": bpk, "windowdiff": bwd, "borders": even(n, len(hyp))})
    return {"paragraphs": n, "reference": ref, "rows": rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("TRANSCRIPTD_BUILD", ROOT / "build-rel"))
    ap.add_argument("--seed", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    seed = pathlib.Path(args.seed) if args.seed else next(SEEDS.glob("000_*.txt"))
    result = evaluate(pathlib.Path(args.build).resolve(), seed)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"seed 000: {result['paragraphs']} paragraphs, "
              f"{len(result['reference']) + 1} chapters under its headings")
        print(f"{'method':42} {'chapters':>8} {'Pk':>6} {'WindowDiff':>10}")
        for r in result["rows"]:
            print(f"{r['method']:42} {r['chapters']:8d} {r['pk']:6.3f} {r['windowdiff']:10.3f}")
        for r in result["rows"]:
            if "titles" in r:
                print(f"\n{r['method']}: " + " | ".join(r["titles"]))
    rows = result["rows"]
    beats = all(rows[i]["pk"] < rows[i + 1]["pk"] and
                rows[i]["windowdiff"] < rows[i + 1]["windowdiff"]
                for i in range(0, len(rows), 2))
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
