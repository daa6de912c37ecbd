"""Benchmark ``link()`` on 10k, 100k and 1M indicators made from real corpus rows.

How the indicators are made (deterministic for a given ``--seed``):

* a *base row* is drawn from the real rows of ``data/corpus/`` (``pages/rows.jsonl``, ``code/filled.jsonl``,
  ``code/library.jsonl``): its 三级指标 name, its filed 一级/二级 and its target stay together;
* with probability 0.45 a *department word* is put in front of the name: a word cut from a real
  department or project name of the corpus at its region/administrative markers (``六安市农业农村局`` →
  ``六安``, ``农业农村``), as filers write ``区级机关群众满意度``;
* with probability 0.10 a real bracketed qualifier from a corpus name (``（实际调整数）``, ``(%)``) or a
  year ``（2023年）`` is put after it;
* with probability 0.30 the target is swapped for a real target of another row with the same filed 二级;
* the source is one of n/8 synthetic filings (``filing-00042``), so clusters span filings.

Each size runs in a fresh process (peak RSS is per process, and includes the generated input), after a
warm-up call that imports scikit-learn, scipy and rapidfuzz; it prints wall seconds of ``link()``, peak RSS,
CPU seconds of this process (less sensitive than wall time to other work on the machine), the number of
distinct names, pairs and clusters, and the ratio of wall time to the previous size next to what n·log n
and n² would give.

    .venv/bin/python bench/bench_link.py                    # 10k, 100k, 1M
    .venv/bin/python bench/bench_link.py --sizes 10000 100000 --jobs 2
    .venv/bin/python bench/bench_link.py --one 100000 --profile   # cProfile of one size
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
_MARKERS = re.compile(
    r"[省市县区镇乡村局委会院所站室处队校办厅部（）()、，,：:“”\"\s\d年至及和与的-]+|中心|政府|人民|实施单位|主管部门"
)


def _rows() -> list[dict[str, Any]]:
    rows = []
    for path in ("pages/rows.jsonl", "code/filled.jsonl", "code/library.jsonl"):
        with (CORPUS / path).open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def make_indicators(n: int, seed: int = 2024) -> list[dict[str, str]]:
    """``n`` indicator mappings recombined from real corpus rows (see the module docstring)."""
    rng = random.Random(seed)
    rows = [r for r in _rows() if r.get("l3")]
    words = sorted(
        {
            w
            for r in _rows()
            for text in (r.get("department"), r.get("project"))
            if text
            for w in _MARKERS.split(text)
            if 2 <= len(w) <= 6
        }
    )
    qualifiers = sorted({m for r in rows for m in re.findall(r"[（(][^（）()]{1,8}[）)]", r["l3"])})
    qualifiers += [f"（{y}年）" for y in range(2018, 2026)]
    by_level2: dict[str, list[str]] = {}
    for r in rows:
        if r.get("target_raw"):
            by_level2.setdefault(r.get("l2_raw") or "", []).append(r["target_raw"])
    filings = max(1, n // 8)
    out = []
    for _ in range(n):
        row = rows[rng.randrange(len(rows))]
        name = row["l3"]
        if rng.random() < 0.45:
            name = words[rng.randrange(len(words))] + name
        if rng.random() < 0.10:
            name += qualifiers[rng.randrange(len(qualifiers))]
        target = row.get("target_raw") or ""
        pool = by_level2.get(row.get("l2_raw") or "")
        if pool and rng.random() < 0.30:
            target = pool[rng.randrange(len(pool))]
        out.append(
            {
                "name": name,
                "target": target,
                "level1": row.get("l1_raw") or "",
                "level2": row.get("l2_raw") or "",
                "source": f"filing-{rng.randrange(filings):05d}",
            }
        )
    return out


def run_one(n: int, seed: int, jobs: int, profile: bool) -> dict[str, Any]:
    from indicatornlp.linking import link

    link(make_indicators(50, seed + 1))  # import scikit-learn, scipy, rapidfuzz before the clock starts
    indicators = make_indicators(n, seed)
    distinct = len({i["name"] for i in indicators})
    started, cpu = time.perf_counter(), time.process_time()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        linkage = profiler.runcall(link, indicators, jobs=jobs)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    else:
        linkage = link(indicators, jobs=jobs)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sizes = sorted((len(c.members) for c in linkage.clusters), reverse=True)
    return {
        "n": n,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "distinct_names": distinct,
        "pairs": len(linkage.pairs),
        "clusters": len(linkage.clusters),
        "largest_clusters": sizes[:5],
        "skipped": len(linkage.skipped),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--one", type=int, help="run one size in this process and print JSON")
    parser.add_argument("--profile", action="store_true", help="with --one: print a cProfile to stderr")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.jobs, args.profile), ensure_ascii=False))
        return
    print(f"link() on recombined corpus indicators, seed {args.seed}, jobs {args.jobs}")
    print(
        f"{'n':>10} {'seconds':>9} {'cpu s':>8} {'peak RSS MB':>12} {'distinct':>9} {'pairs':>9} {'clusters':>9}  ratio"
    )
    previous: dict[str, Any] | None = None
    for n in args.sizes:
        command = [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed), "--jobs", str(args.jobs)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{n:>10} failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            continue
        result = json.loads(done.stdout)
        ratio = ""
        if previous:
            growth = n / previous["n"]
            nlogn = growth * math.log(n) / math.log(previous["n"])
            ratio = (
                f"x{result['seconds'] / max(previous['seconds'], 1e-9):.1f} "
                f"(n log n: x{nlogn:.1f}, n²: x{growth * growth:.0f})"
            )
        print(
            f"{n:>10} {result['seconds']:>9.2f} {result['cpu_seconds']:>8.1f} {result['peak_rss_mb']:>12.0f} "
            f"{result['distinct_names']:>9} "
            f"{result['pairs']:>9} {result['clusters']:>9}  {ratio}"
        )
        print(f"{'':>10} largest clusters: {result['largest_clusters']}")
        previous = result


if __name__ == "__main__":
    main()
