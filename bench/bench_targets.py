"""Benchmark parse_target on every distinct target value of the corpus and the seeds (prints figures).

    .venv/bin/python bench/bench_targets.py [--seconds 3]

Rates are in CPU time of this process (one core).  Uncached: every pass clears the caches
(parse_target's and normalize_text's) and parses each distinct string once, so no string is ever served from
a cache.  Cached: the same strings again through parse_target with a warm cache, as a batch of real filings
(which repeat their values a lot) sees it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from indicatornlp import parse_target
from indicatornlp import targets as targets_module
from indicatornlp.text import normalize_text

ROOT = Path(__file__).resolve().parent.parent


def corpus_strings() -> list[str]:
    """Distinct target values: data/corpus (pages and code) and the seeds' values (tests/fixtures)."""
    found: dict[str, None] = {}
    for name in ("pages/rows.jsonl", "code/filled.jsonl"):
        for line in (ROOT / "data" / "corpus" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found[row.get("target_raw") or ""] = None
    # the seed filings are tables in PDF text and Markdown; their values are listed in the test fixture
    for line in (ROOT / "tests" / "fixtures" / "targets_seeds.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            found[line.split("\t", 1)[0]] = None
    return list(found)


def uncached_rates(strings: list[str], seconds: float) -> tuple[float, float, float, int]:
    """Median and best strings/s over passes in CPU time of this process (other load on the machine slows the
    wall clock, not the work), and the median in wall-clock time."""
    parse = targets_module._parse
    times: list[float] = []
    walls: list[float] = []
    while sum(times) < seconds or len(times) < 5:
        normalize_text.cache_clear()
        targets_module._parse_cached.cache_clear()
        start, wall = time.process_time(), time.perf_counter()
        for raw in strings:
            parse(raw, 2022)
        times.append(time.process_time() - start)
        walls.append(time.perf_counter() - wall)
    n = len(strings)
    return n / statistics.median(times), n / min(times), n / statistics.median(walls), len(times)


def cached_rate(strings: list[str], seconds: float) -> float:
    for raw in strings:
        parse_target(raw, year=2022)
    calls = 0
    start = time.process_time()
    while time.process_time() - start < seconds:
        for raw in strings:
            parse_target(raw, year=2022)
        calls += len(strings)
    return calls / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent on each measurement")
    args = parser.parse_args()
    strings = corpus_strings()
    parse_target("≥95%")  # load the data files and compile the grammar before timing
    parse_target("十二场")  # and import cn2an

    tracemalloc.start()
    normalize_text.cache_clear()
    targets_module._parse_cached.cache_clear()
    for raw in strings:
        parse_target(raw, year=2022)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    median, best, wall, passes = uncached_rates(strings, args.seconds)
    warm = cached_rate(strings, args.seconds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"python {platform.python_version()} on {platform.machine()}, {len(strings)} distinct target strings")
    print(f"uncached: {median:,.0f} strings/s median, {best:,.0f} best ({passes} passes, caches cleared before each)")
    print(f"          {wall:,.0f} strings/s median in wall-clock time (load average {os.getloadavg()[0]:.1f})")
    print(f"cached:   {warm:,.0f} strings/s")
    print(f"peak traced memory while parsing all strings once: {peak / 1024:,.0f} KiB; process max RSS {rss:,.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
