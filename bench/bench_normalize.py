"""Benchmark ``Normalizer.normalize_many`` on the corpus rows (prints figures; not a test).

    .venv/bin/python bench/bench_normalize.py [--rows 100000] [--jobs 2]

Every measurement runs in a fresh Python process, so "cold" means what a user's first call costs:

- load: importing indicatornlp.api, then ``load_model()`` of the shipped model (its card and the arrays of the
  ``.npz``; the bench checks that scikit-learn was not imported);
- corpus, cold: the first ``normalize_many`` over the 1,194 rows of ``data/corpus`` (pages, code, library) as
  mappings with their filed 一级/二级 (tokenizer, parser and caches cold);
- corpus, warm: the same list again in the same process (the module caches of ``normalize_text``, ``parse_target``
  and the name cleaning are warm; ``normalize_many`` keeps no results between calls);
- recombined: ``--rows`` indicators made by drawing name, target and filed category independently from the corpus
  rows (seeded, so mostly distinct combinations), in a process that has only loaded the model: the cost when
  rows do not repeat.  With ``--jobs N`` the same list again with N joblib workers.

Rates are wall-clock indicators/second (the model's work is one vectorized call per list); the load is also given
in CPU time, which other processes on a busy machine disturb less; peak memory is the process's maximum resident
set size.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def corpus_rows() -> list[dict[str, Any]]:
    """The rows of data/corpus as normalize() mappings (name, target, filed level1/level2)."""
    rows = []
    for name in ("pages/rows.jsonl", "code/filled.jsonl", "code/library.jsonl"):
        for line in (ROOT / "data" / "corpus" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows.append(
                    {"name": r.get("l3") or "", "target": r.get("target_raw") or "", "level1": r.get("l1_raw"),
                     "level2": r.get("l2_raw")}
                )  # fmt: skip
    return rows


def recombined(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    rng = random.Random(20240917)
    names = [r["name"] for r in rows]
    targets = [r["target"] for r in rows]
    categories = [(r["level1"], r["level2"]) for r in rows]
    out = []
    for _ in range(n):
        level1, level2 = rng.choice(categories)
        out.append({"name": rng.choice(names), "target": rng.choice(targets), "level1": level1, "level2": level2})
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, n: int, jobs: int) -> dict[str, Any]:
    rows = corpus_rows()
    started, started_cpu = time.perf_counter(), time.process_time()
    from indicatornlp.api import Normalizer

    imported = time.perf_counter()
    from indicatornlp.model import load_model

    model = load_model()
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    normalizer = Normalizer(model)
    out: dict[str, Any] = {
        "import_api_s": imported - started,
        "load_s": loaded - imported,
        "load_cpu_s": loaded_cpu - started_cpu,
        "sklearn_imported": "sklearn" in sys.modules,
    }
    if mode == "corpus":
        t = time.perf_counter()
        normalizer.normalize_many(rows)
        out["cold_s"] = time.perf_counter() - t
        t = time.perf_counter()
        normalizer.normalize_many(rows)
        out["warm_s"] = time.perf_counter() - t
        out["rows"] = len(rows)
    else:
        items = recombined(rows, n)
        out["rows"] = len(items)
        out["distinct"] = len({(i["name"], i["target"], i["level1"], i["level2"]) for i in items})
        t = time.perf_counter()
        normalizer.normalize_many(items, jobs=jobs)
        out["seconds"] = time.perf_counter() - t
    out["peak_mb"] = peak_mb()
    return out


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="size of the recombined list")
    parser.add_argument("--jobs", type=int, default=2, help="joblib workers for the second recombined run")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement (best is shown)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "ROWS", "JOBS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, n, jobs = args.child
        print(json.dumps(child(mode, int(n), int(jobs))))
        return

    card = json.loads((ROOT / "models" / "category.json").read_text(encoding="utf-8"))
    print(f"python {platform.python_version()} on {platform.machine()}, model {card['file']['bytes'] / 1e6:.2f} MB")
    corpus = [run_child("corpus", "0", "1") for _ in range(args.repeat)]
    best = min(corpus, key=lambda r: r["load_s"])
    sklearn = "yes" if any(r["sklearn_imported"] for r in corpus) else "no"
    print(
        f"load (best of {args.repeat} fresh processes): import indicatornlp.api {best['import_api_s']:.3f} s, "
        f"load_model() {best['load_s']:.3f} s (scikit-learn imported: {sklearn}); both in CPU time "
        f"{min(r['load_cpu_s'] for r in corpus):.3f} s"
    )
    cold = min(r["cold_s"] for r in corpus)
    warm = min(r["warm_s"] for r in corpus)
    rows = corpus[0]["rows"]
    print(f"corpus ({rows} rows), cold: {rows / cold:,.0f} indicators/s ({cold:.3f} s, model already loaded)")
    first = min(r["import_api_s"] + r["load_s"] + r["cold_s"] for r in corpus)
    print(f"corpus ({rows} rows), cold incl. imports and model load: {rows / first:,.0f} indicators/s ({first:.3f} s)")
    print(f"corpus ({rows} rows), warm (second call): {rows / warm:,.0f} indicators/s ({warm:.3f} s)")
    print(f"peak memory (corpus runs): {max(r['peak_mb'] for r in corpus):.0f} MB")
    for jobs in sorted({1, args.jobs}):
        r = min(
            (run_child("recombined", str(args.rows), str(jobs)) for _ in range(args.repeat)), key=lambda r: r["seconds"]
        )
        print(
            f"recombined ({r['rows']:,} rows, {r['distinct']:,} distinct), jobs={jobs}: "
            f"{r['rows'] / r['seconds']:,.0f} indicators/s ({r['seconds']:.2f} s), peak {r['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
