"""Records are frozen, keep the raw text, and give JSON-ready dicts; errors carry the evidence."""

from __future__ import annotations

import dataclasses
import datetime
import json
import pickle
from decimal import Decimal

import pytest

from indicatornlp import (
    Comparator,
    CorruptFilingError,
    Filing,
    FilingNotFoundError,
    Funds,
    Indicator,
    IndicatorNLPError,
    Position,
    Target,
    TargetKind,
)


def test_target_to_dict_is_json_ready() -> None:
    target = Target(
        raw="2022年11月30日前",
        kind=TargetKind.DEADLINE,
        comparator=Comparator.LE,
        date=datetime.date(2022, 11, 30),
        flags=frozenset({"b", "a"}),
    )
    data = target.to_dict()
    assert data["kind"] == "deadline"
    assert data["comparator"] == "≤"
    assert data["date"] == "2022-11-30"
    assert data["flags"] == ["a", "b"]
    assert data["value"] is None
    json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("95"), "95"), (Decimal("95.0"), "95"), (Decimal("1.5E+4"), "15000"), (Decimal("0.50"), "0.5")],
)
def test_decimals_are_exact_plain_strings(value: Decimal, text: str) -> None:
    assert Target(raw="x", kind=TargetKind.NUMERIC, value=value).to_dict()["value"] == text


def test_records_are_frozen() -> None:
    target = Target(raw="≥95%", kind=TargetKind.NUMERIC)
    with pytest.raises(dataclasses.FrozenInstanceError):
        target.raw = "x"  # type: ignore[misc]


def test_nested_filing_to_dict() -> None:
    filing = Filing(
        source=Position("a.txt", line=3),
        project="党组织建设",
        funds=Funds(total=Decimal("580000.00")),
        start=datetime.date(2023, 1, 1),
        indicators=(Indicator("群众满意度", ">=95%", "满意度指标", "服务对象满意度指标", Position("a.txt", line=40)),),
    )
    data = filing.to_dict()
    assert data["funds"]["total"] == "580000"
    assert data["indicators"][0]["position"]["line"] == 40
    assert data["start"] == "2023-01-01"
    json.dumps(data, ensure_ascii=False)


def test_position_reads_as_a_place() -> None:
    assert str(Position("a.xlsx", sheet="项目1", row=12)) == "a.xlsx, sheet 项目1, row 12"


def test_errors_name_the_place_and_what_to_do() -> None:
    err = CorruptFilingError("data/x.pdf", "not a PDF (no %PDF header)", hint="re-export the file from its source")
    assert str(err) == "[E104] data/x.pdf: not a PDF (no %PDF header) — re-export the file from its source"
    assert isinstance(err, IndicatorNLPError)
    assert err.where == "data/x.pdf"


def test_errors_survive_pickling_for_worker_processes() -> None:
    err = FilingNotFoundError("a.txt", "no such file", hint="check the path")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is FilingNotFoundError
    assert str(back) == str(err)
