"""The computed score against the filers' own 得分, on every 自评表 row of the corpus that carries 分值 and 得分.

``tests/fixtures/scoring_corpus.tsv`` holds every 自评表 row of ``data/corpus/pages/rows.jsonl`` with the 分值 and
得分 a person read from its excerpt (its header says how).  Each excerpt's rows are scored as one filing.  A row
agrees when the computed score is within 0.5 point of the filed one; every row that does not is named in the
fixture with the class of its disagreement (``class``), so a new disagreement, or a named one that goes away,
fails here.  The rules were written with these excerpts in view: this is a check of the rules against the filers'
arithmetic, not a held-out figure.
"""

from __future__ import annotations

import collections
import csv
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from indicatornlp import Filing, Indicator, Position, ScoreRow, score

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "data" / "corpus" / "pages"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "scoring_corpus.tsv"
TOLERANCE = Decimal("0.5")
CLASSES = {"filer-arithmetic", "filer-rounding", "filer-judgement", "rule-variant", "our-reading"}


@cache
def fixture() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def filings() -> list[tuple[list[dict[str, str]], Filing]]:
    """The fixture's rows as filings, one per excerpt (also read by ``bench/bench_score.py``)."""
    by_excerpt: dict[str, list[dict[str, str]]] = collections.defaultdict(list)
    for row in fixture():
        by_excerpt[row["excerpt"]].append(row)
    out = []
    for excerpt, rows in by_excerpt.items():
        indicators = tuple(
            Indicator(
                r["name"],
                r["target"],
                r["level1_raw"] or None,
                r["level2_raw"] or None,
                Position(excerpt, line=int(r["line"])),
                actual_raw=r["actual"] or None,
                weight_raw=r["weight"] or None,
                score_raw=r["filed"] or None,
            )
            for r in rows
        )
        year = int(rows[0]["year"]) if rows[0]["year"] else None
        out.append((rows, Filing(Position(excerpt), year=year, indicators=indicators, form="自评表")))
    return out


@cache
def scored() -> list[tuple[dict[str, str], ScoreRow, tuple[str, ...]]]:
    """Every fixture row with its computed score and its findings' codes, each excerpt scored as one filing."""
    out = []
    for rows, filing in filings():
        card = score(filing)
        codes = collections.defaultdict(list)
        for finding in card.findings:
            codes[finding.row].append(finding.code)
        out += [(r, row, tuple(codes[row.index + 1])) for r, row in zip(rows, card.rows, strict=True)]  # rows from 1
    return out


def _agrees(fixture_row: dict[str, str], row: ScoreRow) -> bool:
    return row.score is not None and abs(row.score - Decimal(fixture_row["filed"])) <= TOLERANCE


def test_the_fixture_holds_every_self_evaluation_row_of_the_corpus() -> None:
    corpus = [json.loads(line) for line in (PAGES / "rows.jsonl").read_text("utf-8").splitlines()]
    expected = [(i + 1, r["l3"], r["excerpt"]) for i, r in enumerate(corpus) if r["form"] == "自评表"]
    assert [(int(r["rows_line"]), r["name"], r["excerpt"]) for r in fixture()] == expected
    assert {r["carries"] for r in fixture()} == {"both", "score", "unnamed", "none"}


def test_the_cells_read_are_on_the_page() -> None:
    """Each 分值 and 得分 of the fixture stands in its excerpt a few lines from the line given."""
    for r in fixture():
        if r["carries"] != "both":
            continue
        lines = (PAGES / "excerpts" / r["excerpt"]).read_text("utf-8").splitlines()
        line = int(r["line"])
        near = "".join(lines[max(0, line - 4) : line + 6])
        assert r["weight"] in near and r["filed"] in near, (r["rows_line"], r["name"])


def test_agreement_with_the_filers_scores() -> None:
    both = [(f, row) for f, row, _ in scored() if f["carries"] == "both"]
    agree = [(f, row) for f, row in both if _agrees(f, row)]
    share = len(agree) / len(both)
    classes = collections.Counter(f["class"] for f, row in both if not _agrees(f, row))
    print(f"\n{len(agree)} of {len(both)} rows within {TOLERANCE} point ({share:.1%}); disagreements: {dict(classes)}")
    below = [(f, row) for f, row in both if Decimal(f["filed"]) < Decimal(f["weight"])]
    below_agree = sum(_agrees(f, row) for f, row in below)
    print(f"rows the filer scored below full: {below_agree} of {len(below)} agree")
    assert len(both) == 106
    assert share >= 0.90


@pytest.mark.parametrize("klass", sorted(CLASSES))
def test_every_disagreement_is_explained_and_only_those(klass: str) -> None:
    for f, row, _ in scored():
        if f["carries"] != "both":
            assert not f["class"], f["rows_line"]
            continue
        named = f["class"] == klass
        assert f["class"] in CLASSES | {""}, f["class"]
        if named:
            assert not _agrees(f, row), f"row {f['rows_line']} {f['name']} agrees now: drop its class ({row.rule})"
        elif not f["class"]:
            assert _agrees(f, row), f"row {f['rows_line']} {f['name']}: {row.score} against {f['filed']} ({row.rule})"


def test_a_disagreement_is_the_reviewers_finding() -> None:
    """Each scored row that disagrees carries S101 (filed score differs), the unscored one S104; no other row does."""
    for f, row, codes in scored():
        if f["carries"] != "both":
            continue
        expected = set() if _agrees(f, row) else {"S101"} if row.score is not None else {"S104"}
        assert expected == set(codes) & {"S101", "S104"}, (f["rows_line"], f["name"], codes)
