"""Rows per second when reading filings, per format (not a test: it prints figures).

Reads every seed filing of ``data/filings/`` of each format (``songjiang-*.txt``, ``.md``, and ``.html``,
``.xlsx``, ``.docx``, ``.pdf`` copies where they exist), and the corpus page texts of ``data/filings/corpus/``,
over and over for at least ``--seconds`` per format, on one core, and prints rows/second, files/second and the
peak memory of one pass (tracemalloc).  The readers keep small caches of label and key lookups; the first pass
warms them and is timed apart ("cold").

    .venv/bin/python bench/bench_read.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from indicatornlp.readers import FORMATS, read_filings

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "data" / "filings"


def groups() -> dict[str, list[Path]]:
    """Format name → the files to read for it."""
    found: dict[str, list[Path]] = {}
    for suffix in sorted(FORMATS):
        files = sorted(FILINGS.glob(f"songjiang-*{suffix}"))
        if files:
            found[suffix.lstrip(".")] = files
    corpus = sorted((FILINGS / "corpus").glob("*.txt"))
    if corpus:
        found["corpus pages (.txt)"] = corpus
    return found


def read_all(files: list[Path]) -> int:
    return sum(len(f.indicators) for path in files for f in read_filings(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time per format")
    parser.add_argument("--pdf-pages", type=int, default=200, help="pages of the long PDF (0: skip it)")
    args = parser.parse_args()
    print(f"{'format':<22}{'files':>6}{'rows':>6}{'cold ms':>9}{'rows/s':>10}{'files/s':>9}{'peak MiB':>10}")
    for name, files in groups().items():
        start = time.perf_counter()
        rows = read_all(files)
        cold = time.perf_counter() - start
        tracemalloc.start()
        read_all(files)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        passes, start = 0, time.perf_counter()
        while True:
            read_all(files)
            passes += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.seconds:
                break
        print(
            f"{name:<22}{len(files):>6}{rows:>6}{cold * 1000:>9.1f}{rows * passes / elapsed:>10,.0f}"
            f"{len(files) * passes / elapsed:>9,.1f}{peak:>10.1f}"
        )
    if args.pdf_pages:
        long_pdf(args.pdf_pages)


# ---- binary formats: a long PDF --------------------------------------------------------------------------------
# The seed content (all 9 projects) written again and again by scripts/make_filings.py into a temporary PDF of at
# least N pages, then read by read_filings in a fresh process: peak resident memory before and after
# reading (Linux VmHWM), time and rows/second.  The file is made on the fly and never committed.

_CHILD = """
import json, sys, time
from indicatornlp import read_filings
import indicatornlp.readers.pdf, pdfplumber  # loaded before the baseline is taken

def peak_kib():  # VmHWM: this process's peak resident memory (ru_maxrss would include the parent's, after fork)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

before = peak_kib()
start = time.perf_counter()
filings = read_filings(sys.argv[1])
seconds = time.perf_counter() - start
after = peak_kib()
rows = sum(len(f.indicators) for f in filings)
print(json.dumps({"filings": len(filings), "rows": rows, "seconds": seconds, "before": before, "after": after}))
"""


def long_pdf(pages: int) -> None:
    import importlib.util
    import json
    import subprocess
    import sys
    import tempfile

    spec = importlib.util.spec_from_file_location("make_filings", ROOT / "scripts" / "make_filings.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    sys.modules["make_filings"] = make  # its dataclasses look their module up
    spec.loader.exec_module(make)
    projects = [p for group in make.load_gold().values() for p in group]
    layout = make.LAYOUTS["songjiang-zuzhibu-2022"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.pdf"
        repeat = 1 + pages // make.write_pdf(projects, path, layout)
        while (written := make.write_pdf(projects, path, layout, repeat=repeat)) < pages:
            repeat += 1 + (pages - written) // 8
        size = path.stat().st_size / 2**20
        out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    expected = sum(len(p["indicators"]) for p in projects) * repeat
    print(
        f"\nlong PDF: {written} pages ({size:.1f} MiB, the seeds x{repeat}): {got['filings']} filings, "
        f"{got['rows']} rows of {expected} in {got['seconds']:.1f} s = {got['rows'] / got['seconds']:,.0f} rows/s, "
        f"{written / got['seconds']:.1f} pages/s; peak RSS {got['after'] / 1024:.0f} MiB "
        f"({(got['after'] - got['before']) / 1024:.0f} MiB above the {got['before'] / 1024:.0f} MiB of the loaded "
        "libraries)"
    )


if __name__ == "__main__":
    main()
