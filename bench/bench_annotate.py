"""Benchmark ``indicatornlp annotate`` against ``indicatornlp tag`` on the same folder of 1,000 filing files.

The folder is the one of ``bench/bench_tag.py`` (every file of ``data/filings/`` copied round robin into
sub-folders of 100).  Each run is the real command in a fresh process with the shipped model: ``tag DIR -o OUT.csv
--jobs N -q`` and ``annotate DIR -o ROWS.jsonl --jobs N -q``, interleaved ``--repeat`` times for each N (the best
run is reported, every run beside it: other work on the machine moves them).

    .venv/bin/python bench/bench_annotate.py                   # 1,000 files, --jobs 1 and 2, two runs each
    .venv/bin/python bench/bench_annotate.py --files 200 --jobs 1 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tag import make_folder


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[2:5])} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command (the best is reported)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-annotate-") as tmp:
        folder = Path(tmp) / "filings"
        made = make_folder(folder, args.files)
        kinds = ", ".join(f"{n} {s}" for s, n in sorted(made.items()))
        print(f"folder: {args.files} files ({kinds})")
        print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'command':<9} {'jobs':>4}  {'best s':>7}  {'files/s':>8}  {'rows':>7}  {'rows/s':>7}  runs (s)")
        python = [sys.executable, "-m", "indicatornlp"]
        for jobs in args.jobs:
            times: dict[str, list[float]] = {"tag": [], "annotate": []}
            rows: dict[str, int] = {}
            for repeat in range(args.repeat):  # interleaved, the order swapped each time: the load moves under both
                for command in ("tag", "annotate") if repeat % 2 == 0 else ("annotate", "tag"):
                    out = Path(tmp) / (f"tags-{jobs}.csv" if command == "tag" else f"rows-{jobs}-{repeat}.jsonl")
                    times[command].append(
                        run([*python, command, str(folder), "-o", str(out), "--jobs", str(jobs), "-q"])
                    )
                    with out.open(encoding="utf-8-sig") as handle:
                        rows[command] = sum(1 for _ in handle) - (command == "tag")
            for command, seconds in times.items():
                best = min(seconds)
                runs = " ".join(f"{s:.1f}" for s in seconds)
                print(
                    f"{command:<9} {jobs:>4}  {best:>7.2f}  {args.files / best:>8.1f}  {rows[command]:>7}"
                    f"  {rows[command] / best:>7.0f}  {runs}"
                )


if __name__ == "__main__":
    main()
