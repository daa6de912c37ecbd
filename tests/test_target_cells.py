"""``targets.is_target_cell``: the one test of "is this cell a target value or a name", on a table of real cells.

The table is ``tests/fixtures/target_cells.tsv`` (its header says where a new case goes); each row runs as one
test with an id that shows its origin and its text.  The readers use this test, so a row that changes here
changes how a table without a header is read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from indicatornlp.targets import is_target_cell, is_unit

TABLE = Path(__file__).resolve().parent / "fixtures" / "target_cells.tsv"
EXPECTED = {"name": False, "target": True, "phrase": False, "part": False}


@dataclasses.dataclass(frozen=True)
class Case:
    origin: str
    text: str
    kind: str
    where: str


def _cases() -> list[Any]:
    params = []
    origin = "?"
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# ---- "):
            origin = line.removeprefix("# ---- ").split(":")[0]
            continue
        if not line.strip() or line.startswith("#"):
            continue
        text, kind, *rest = line.split("\t")
        if kind not in EXPECTED:
            raise ValueError(f"target_cells.tsv:{number}: unknown kind {kind!r}")
        text = text.replace("\\n", "\n").replace("\\t", "\t")
        marks = [pytest.mark.xfail(strict=True, reason=r.removeprefix("xfail=")) for r in rest if r]
        case = Case(origin, text, kind, f"target_cells.tsv:{number}")
        params.append(pytest.param(case, id=f"{origin}-{kind}-{text}", marks=marks))
    return params


CASES = _cases()


@pytest.mark.parametrize("case", CASES)
def test_cell(case: Case) -> None:
    assert is_target_cell(case.text) is EXPECTED[case.kind], case.where


def test_table_covers_every_origin_and_kind() -> None:
    origins = {p.values[0].origin for p in CASES}
    kinds = {p.values[0].kind for p in CASES}
    assert {"seeds", "corpus", "annotated", "bugs"} <= origins
    assert kinds == set(EXPECTED)
    assert sum(p.values[0].kind == "name" for p in CASES) >= 300
    assert sum(p.values[0].kind == "target" for p in CASES) >= 300


@pytest.mark.parametrize(
    ("text", "bare", "with_subject"),
    [
        ("项目完成", False, True),  # the start of the label 项目完成指标, broken at a line end
        ("效果明显", False, True),
        ("完成", True, True),
        ("及时、满意", True, True),
        ("=3 次", True, True),
        ("群众满意度", False, False),
    ],
    ids=lambda v: str(v),
)
def test_text_without_cell_boundaries_takes_only_bare_words(text: str, bare: bool, with_subject: bool) -> None:
    assert is_target_cell(text, subject=False) is bare
    assert is_target_cell(text) is with_subject


@pytest.mark.parametrize(
    ("text", "unit"), [("次", True), ("万元", True), ("元/人", True), ("份次", True), ("满意度", False)]
)
def test_is_unit(text: str, unit: bool) -> None:
    assert is_unit(text) is unit
