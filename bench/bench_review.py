"""Benchmark ``indicatornlp review``: how soon an answer is on disk after the key, on a rows file of 1,000 filings.

The rows file is ``annotate``'s output for the folder of ``bench/bench_tag.py`` (1,000 files, about 32,000 rows).
Then ``indicatornlp review ROWS`` runs under a pseudo-terminal (pexpect), as a reviewer uses it: for each of
``--answers`` rows the script waits for the prompt, types a label and Enter, and polls the rows file (every millisecond)
until it has been replaced (a new inode: the atomic rename of ``atomic.py``).  The time from the key to the rename is
the latency reported: median, 95th percentile and maximum.  Beside it, the same answer given in-process
(``Review.answer``), which is the save alone.

    .venv/bin/python bench/bench_review.py                 # 1,000 files, 40 answers
    .venv/bin/python bench/bench_review.py --files 100 --answers 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tag import make_folder

PROMPT = "q quit > "


def wait_for_rename(path: Path, inode: int, limit: float = 5.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            if os.stat(path).st_ino != inode:
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    sys.exit(f"{path} was not saved within {limit} s of the key")


def in_terminal(rows: Path, answers: int) -> list[float]:
    import pexpect

    child = pexpect.spawn(
        sys.executable, ["-m", "indicatornlp", "review", str(rows)], encoding="utf-8", timeout=300, dimensions=(50, 160)
    )
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default: not the reviewer's time
    latencies = []
    for _ in range(answers):
        child.expect(PROMPT)
        inode = os.stat(rows).st_ino
        sent = time.perf_counter()
        child.sendline("2")
        latencies.append(wait_for_rename(rows, inode) - sent)
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    return latencies


def in_process(rows: Path, answers: int) -> tuple[float, list[float]]:
    from indicatornlp.review import Review

    start = time.perf_counter()
    review = Review(rows)
    opened = time.perf_counter() - start
    times = []
    for _ in range(answers):
        question = review.question()
        if question is None:
            break
        start = time.perf_counter()
        review.answer(question.choices[1])
        times.append(time.perf_counter() - start)
    return opened, times


def line(what: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{what:<34} median {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms  ({len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--answers", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp) / "filings"
        make_folder(folder, args.files)
        rows = Path(tmp) / "rows.jsonl"
        subprocess.run(
            [sys.executable, "-m", "indicatornlp", "annotate", str(folder), "-o", str(rows), "-q"], check=True
        )
        count = sum(1 for _ in rows.open(encoding="utf-8"))
        doubtful = sum('"doubt": "' in text for text in rows.open(encoding="utf-8"))
        size = rows.stat().st_size / 1e6
        print(f"rows file: {args.files} filing files, {count} rows ({doubtful} doubtful), {size:.1f} MB")
        print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")
        print(line("key → file replaced (pty)", in_terminal(rows, args.answers)))
        opened, times = in_process(rows, args.answers)
        print(line("Review.answer, in process (save)", times))
        print(f"opening the review (read, validate, predict the queue): {opened:.2f} s")


if __name__ == "__main__":
    main()
