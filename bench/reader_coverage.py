"""How many indicator rows the readers recover from page texts (not a test: it prints figures).

Two sets of pages, both read with ``read_filings``:

* the corpus excerpts (``data/corpus/pages/excerpts/``, 67 page texts of real budget disclosures): each is compared
  with the rows a person took from it (``data/corpus/pages/rows.jsonl``, field ``excerpt``) on the name, the
  target and, where the row has one, the actual value; an excerpt "loses no row" when every row comes out;
* the invented layout fixtures (``tests/fixtures/reader-fixtures/``, ``EXPECTED.json``): rows found per bucket
  (``R1`` a generic fix reads it, ``R2`` a dedicated layout mode, ``E`` a stretch).

Texts are compared squashed: NFKC, all white space removed.  Where a corpus row keeps its comparator or unit apart
(``comparator_raw``, ``unit_raw``) or its cells (``target_cells``), the target joined from them counts too (comparator,
value, unit; or unit, comparator, value, as forms with a 计量单位 column before the 指标值 print them).

    .venv/bin/python bench/reader_coverage.py [--verbose]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from indicatornlp import IndicatorNLPError, read_filings

ROOT = Path(__file__).resolve().parents[1]
EXCERPTS = ROOT / "data" / "corpus" / "pages" / "excerpts"
CORPUS_ROWS = ROOT / "data" / "corpus" / "pages" / "rows.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "reader-fixtures"


def squash(text: str | None) -> str:
    """Text as compared: NFKC, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def targets_of(row: dict[str, Any]) -> set[str]:
    """The squashed forms a corpus row's target may come out as (as filed, or its cells joined)."""
    target = row.get("target_raw") or ""
    forms = {squash(target)}
    if row.get("target_cells"):
        forms.add(squash("".join(row["target_cells"])))
    comparator, unit = row.get("comparator_raw") or "", row.get("unit_raw") or ""
    if comparator and squash(target).startswith(squash(comparator)):
        comparator = ""
    if unit and squash(target).endswith(squash(unit)):
        unit = ""
    if comparator or unit:
        # the cells joined in either order the forms print them: ≥ | 95 | %, or % | ≥ | 95
        forms.add(squash(comparator + target + unit))
        forms.add(squash(unit + comparator + target))
    return forms


class Got:
    """The rows a reader returned, as (name, target, actual), consumed as they are matched."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.rows = list(rows)

    def take(self, name: str | None, targets: set[str], actual: str | None) -> bool:
        """Find and consume a row with this name (any, when ``None``), a target among ``targets`` and the actual."""
        for i, (n, t, a) in enumerate(self.rows):
            if (name is None or n == name) and t in targets and (actual is None or a == actual):
                del self.rows[i]
                return True
        return False


def read_rows(path: Path) -> tuple[list[tuple[str, str, str]], str]:
    """(name, target, actual) of every indicator read from ``path``, squashed, and the error code if it raised."""
    try:
        filings = read_filings(path)
    except IndicatorNLPError as err:
        return [], type(err).__name__
    return [(squash(i.name), squash(i.target_raw), squash(i.actual_raw)) for f in filings for i in f.indicators], ""


def corpus_rows() -> list[dict[str, Any]]:
    """The rows a person took from the excerpts (``rows.jsonl``), each naming its ``excerpt``."""
    return [json.loads(line) for line in CORPUS_ROWS.read_text("utf-8").splitlines()]


def take(got: Got, row: dict[str, Any]) -> bool:
    """Find and consume the corpus ``row`` among the rows read: its name (any, when it has none), a target in one of
    its forms, and its actual where it has one."""
    name = squash(row["l3"]) if row.get("l3") else None
    actual = squash(row["actual_raw"]) if row.get("actual_raw") else None
    return got.take(name, targets_of(row), actual)


def excerpt_coverage() -> list[tuple[str, int, int, str]]:
    """(excerpt, rows found, rows expected, error) for every corpus excerpt."""
    expected: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in corpus_rows():
        expected[row["excerpt"]].append(row)
    out = []
    for excerpt in sorted(expected):
        rows, error = read_rows(EXCERPTS / excerpt)
        got = Got(rows)
        hit = sum(take(got, row) for row in expected[excerpt])
        out.append((excerpt, hit, len(expected[excerpt]), error))
    return out


def fixture_expectations() -> dict[str, dict[str, Any]]:
    """``EXPECTED.json`` of the layout fixtures without its note: file → bucket, rows, why."""
    data: dict[str, dict[str, Any]] = json.loads((FIXTURES / "EXPECTED.json").read_text("utf-8"))
    return {name: entry for name, entry in data.items() if not name.startswith("_")}


def fixture_rows(entry: dict[str, Any]) -> list[tuple[str, Sequence[str]]]:
    """(bucket, row) of every expected row of one fixture; its ``optional_E`` rows are counted as ``E``."""
    return [(entry["bucket"], row) for row in entry["rows"]] + [("E", row) for row in entry.get("optional_E", [])]


def fixture_coverage() -> list[tuple[str, str, int, int, str]]:
    """(fixture, bucket, rows found, rows expected, error) per fixture and bucket."""
    out = []
    for name, entry in fixture_expectations().items():
        rows, error = read_rows(FIXTURES / name)
        got = Got(rows)
        counts: dict[str, list[int]] = {}
        for bucket, row in fixture_rows(entry):
            actual = squash(row[2]) if len(row) > 2 else None
            hit = got.take(squash(row[0]), {squash(row[1])}, actual)
            counts.setdefault(bucket, [0, 0])
            counts[bucket][0] += hit
            counts[bucket][1] += 1
        out += [(name, bucket, hit, total, error) for bucket, (hit, total) in counts.items()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every excerpt and fixture, not only misses")
    args = parser.parse_args()
    excerpts = excerpt_coverage()
    print(f"{'corpus excerpt':<22}{'rows':>10}  error")
    for excerpt, hit, total, error in excerpts:
        if args.verbose or hit < total:
            print(f"{excerpt:<22}{f'{hit}/{total}':>10}  {error}")
    whole = sum(hit == total for _, hit, total, _ in excerpts)
    found, rows = sum(e[1] for e in excerpts), sum(e[2] for e in excerpts)
    print(f"excerpts with no lost row: {whole}/{len(excerpts)}; rows recovered: {found}/{rows} ({found / rows:.1%})")
    print()
    fixtures = fixture_coverage()
    print(f"{'layout fixture':<45}{'bucket':<8}{'rows':>7}  error")
    for name, bucket, hit, total, error in fixtures:
        if args.verbose or hit < total:
            print(f"{name:<45}{bucket:<8}{f'{hit}/{total}':>7}  {error}")
    totals = {b: [0, 0] for b in ("R1", "R2", "E")}
    for _, bucket, hit, total, _ in fixtures:
        totals[bucket][0] += hit
        totals[bucket][1] += total
    print("layout fixtures: " + ", ".join(f"{b} {hit}/{total}" for b, (hit, total) in totals.items()))


if __name__ == "__main__":
    main()
