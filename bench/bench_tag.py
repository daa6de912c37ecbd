"""Benchmark ``indicatornlp tag`` on a folder of 1,000 filing files, with ``--jobs 1`` and ``--jobs 2``.

The folder is made in a temporary directory by copying, round robin, every file of ``data/filings/`` (the two
Songjiang seeds and the corpus page texts, in every format the readers have there: .txt, .md, .html, .xlsx,
.docx, .pdf) until there are ``--files`` of them, spread over sub-folders of 100.  Each run is the real command
(``python -m indicatornlp tag DIR -o OUT.csv --jobs N -q``) in a fresh process, with the shipped model; the peak
memory is the largest sum of the resident memory of that process and its workers, sampled every 20 ms.

    .venv/bin/python bench/bench_tag.py                  # 1,000 files, --jobs 1 and 2
    .venv/bin/python bench/bench_tag.py --files 200 --jobs 1 2 --no-model
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "data" / "filings"


def make_folder(target: Path, count: int) -> Counter[str]:
    sources = sorted(
        p for p in FILINGS.rglob("*") if p.is_file() and not p.name.startswith(".") and not p.name.startswith("README")
    )
    if not sources:
        sys.exit(f"no filings in {FILINGS}")
    made: Counter[str] = Counter()
    for i in range(count):
        source = sources[i % len(sources)]
        folder = target / f"batch-{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / f"{i:05d}-{source.name}")
        made[source.suffix] += 1
    return made


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run(folder: Path, out: Path, jobs: int, model: str | None, no_model: bool) -> tuple[float, float, int, int]:
    cmd = [sys.executable, "-m", "indicatornlp", "tag", str(folder), "-o", str(out), "--jobs", str(jobs), "-q"]
    if no_model:
        cmd.append("--no-model")
    elif model:
        cmd += ["--model", model]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, tree_rss(watched))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the command and of its workers (reaped descendants are counted in RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stderr = child.stderr.read() if child.stderr else ""
    if child.returncode not in (0, 1):
        sys.exit(f"tag failed ({child.returncode}):\n{stderr}")
    if stderr.strip():
        print("  stderr:", stderr.strip().splitlines()[0][:200], f"(+{len(stderr.splitlines()) - 1} lines)")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    return seconds, cpu, rows, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--model", default=None, help="a model file (default: the shipped model)")
    parser.add_argument("--no-model", action="store_true", help="model-free rules only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-tag-") as tmp:
        folder = Path(tmp) / "filings"
        made = make_folder(folder, args.files)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        kinds = ", ".join(f"{n} {s}" for s, n in sorted(made.items()))
        print(f"folder: {args.files} files ({kinds}), {size / 1e6:.1f} MB")
        model = "none" if args.no_model else args.model or "shipped"
        print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; model: {model}")
        print(f"load average before: {os.getloadavg()[0]:.2f} (other work on the machine slows the runs down)")
        print(
            f"{'jobs':>4}  {'seconds':>8}  {'cpu s':>7}  {'files/s':>8}  {'indicators':>10}  {'indicators/s':>12}"
            f"  {'peak MB':>8}"
        )
        for jobs in args.jobs:
            out = Path(tmp) / f"tags-{jobs}.csv"
            seconds, cpu, rows, peak = run(folder, out, jobs, args.model, args.no_model)
            print(
                f"{jobs:>4}  {seconds:>8.2f}  {cpu:>7.1f}  {args.files / seconds:>8.1f}  {rows:>10}"
                f"  {rows / seconds:>12.0f}  {peak / 2**20:>8.0f}"
            )


if __name__ == "__main__":
    main()
