"""Benchmark ``score()``: indicators scored per second, on the real 自评表 rows of the corpus and the hand-made filing.

The filings are the 24 excerpts of ``tests/fixtures/scoring_corpus.tsv`` (every 自评表 row of the corpus, 192 rows,
built as ``tests/test_scoring_corpus.py`` builds them) and the hand-made ``data/filings/ziping-yanglao-2023.md`` (13
rows and its 总分 line), read once; the timing is of ``score`` alone, over
``--rounds`` passes.  ``parse_target`` keeps an LRU cache of the values it has seen: "cold" clears it before every
pass (every target and actual parsed anew, the rate on a folder of new filings), "warm" does not.

    .venv/bin/python bench/bench_score.py                # 200 rounds
    .venv/bin/python bench/bench_score.py --rounds 50
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from indicatornlp import Filing, read_filings, score
from indicatornlp.targets import _parse_cached

ROOT = Path(__file__).resolve().parents[1]
HAND_MADE = ROOT / "data" / "filings" / "ziping-yanglao-2023.md"


def corpus_filings() -> list[Filing]:
    """The filings of the corpus fixture, as the agreement test builds them."""
    spec = importlib.util.spec_from_file_location("test_scoring_corpus", ROOT / "tests" / "test_scoring_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [filing for _, filing in module.filings()]


def measure(filings: list[Filing], rounds: int, *, cold: bool) -> float:
    rows = sum(len(f.indicators) for f in filings)
    elapsed = 0.0
    for _ in range(rounds):
        if cold:
            _parse_cached.cache_clear()
        start = time.perf_counter()
        for filing in filings:
            score(filing)
        elapsed += time.perf_counter() - start
    return rows * rounds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    filings = corpus_filings() + read_filings(HAND_MADE)
    rows = sum(len(f.indicators) for f in filings)
    score(filings[0])  # the data files load once, outside the timing
    print(f"{len(filings)} filings, {rows} indicator rows, {args.rounds} rounds")
    for cold in (True, False):
        rate = measure(filings, args.rounds, cold=cold)
        print(f"  {'cold' if cold else 'warm'} parse cache: {rate:,.0f} indicators/s")


if __name__ == "__main__":
    main()
