"""Benchmark ``indicatornlp review``: how soon an answer is on disk after the key, on a rows file of 1,000 filings.

The rows file is ``annotate``'s output for the folder of ``bench/bench_tag.py`` (1,000 files, about 32,000 rows).
Then ``indicatornlp review ROWS`` runs under a pseudo-terminal (pexpect), as a reviewer uses it: for each of
``--answers`` rows the script waits for the prompt and presses one key (a label, no Enter).  Two latencies are
reported, median, 95th percentile and maximum:

- key → journal line: the script polls ``ROWS.jsonl.answers`` (every millisecond) until it has grown by the
  answer's line (written; the ``fsync`` follows it at once);
- key → next row on screen: the review shows the next row only after the line is ``fsync``-ed, so this bounds the
  time until the answer is durable (it includes drawing the next row).

Beside them, the same answer given in-process (``Review.answer``: the append and its ``fsync`` alone), and the
merge of the journal into the rows file when the review ends (once per session, O(file)).

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


def size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def wait_for_growth(path: Path, before: int, limit: float = 5.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if size(path) > before:
            return time.perf_counter()
        time.sleep(0.001)
    sys.exit(f"{path} did not get the answer within {limit} s of the key")


def in_terminal(rows: Path, answers: int) -> tuple[list[float], list[float], float]:
    import pexpect

    from indicatornlp.annotated import journal_path

    journal = journal_path(rows)
    child = pexpect.spawn(
        sys.executable, ["-m", "indicatornlp", "review", str(rows)], encoding="utf-8", timeout=300, dimensions=(50, 160)
    )
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default: not the reviewer's time
    written, shown = [], []
    child.expect(PROMPT)
    for _ in range(answers):
        before = size(journal)
        sent = time.perf_counter()
        child.send("2")  # one key, no Enter
        written.append(wait_for_growth(journal, before) - sent)
        child.expect(PROMPT)
        shown.append(time.perf_counter() - sent)
    start = time.perf_counter()
    child.send("q")
    child.expect(pexpect.EOF)  # the journal merged into the rows file
    merged = time.perf_counter() - start
    if journal.exists():
        sys.exit(f"{journal} was not merged when the review ended")
    return written, shown, merged


def in_process(rows: Path, answers: int) -> tuple[float, list[float], float]:
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
    start = time.perf_counter()
    review.close()
    return opened, times, time.perf_counter() - start


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
        written, shown, merged = in_terminal(rows, args.answers)
        print(line("key → journal line (pty)", written))
        print(line("key → synced, next row shown (pty)", shown))
        print(f"q → journal merged into the rows file, process ended: {merged:.2f} s")
        opened, times, closed = in_process(rows, args.answers)
        print(line("Review.answer, in process (save)", times))
        print(
            f"opening the review (read, validate, predict the queue): {opened:.2f} s; closing (merge): {closed:.2f} s"
        )


if __name__ == "__main__":
    main()
