"""parse_target on real target values (年度指标值), grouped by origin, plus properties and data-file checks.

The tables live in tests/fixtures/targets_*.tsv (format in targets_seeds.tsv); each expected record was written
by reading the value, not by running the parser.  Where a new case goes: a value of a seed or corpus filing into
its origin's table; a form met elsewhere (a user's filing, a bug report, an issue) into targets_bugs.tsv, with
xfail="why" until the parser reads it.  A new form is then usually a word in data/lexicon.toml or
data/units.toml; ARCHITECTURE.md says where the rest goes.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import pickle
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import Comparator, Target, TargetKind, parse_target
from indicatornlp import targets as targets_module
from indicatornlp.api import target_in_context
from indicatornlp.cli import cli
from indicatornlp.errors import DataFileError
from indicatornlp.targets import (
    as_excel_date,
    excel_serial_date,
    load_vocabulary,
    period_start,
    vocabulary,
)
from indicatornlp.targets._grammar import _NUMERIC_GROUPS, _grammar
from indicatornlp.text import normalize_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = ROOT / "data" / "corpus"
KEYS = {"cmp", "value", "upper", "unit", "date", "label", "dir", "flags", "year", "xfail"}


@dataclasses.dataclass(frozen=True)
class Row:
    raw: str
    year: int | None
    expected: dict[str, Any]
    xfail: str | None
    where: str


def _unescape(text: str) -> str:
    out, chars = [], iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "\\")
            out.append({"t": "\t", "n": "\n", "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


def read_table(name: str) -> list[Row]:
    """The rows of one fixture table; a malformed line fails loudly with its file and line number."""
    path = FIXTURES / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{name}:{number}"
        raw_text, tab, spec = line.partition("\t")
        if not tab:
            raise ValueError(f"{where}: no TAB between the value and its expected record")
        expected, fields = expected_record(spec, where)
        raw = "" if raw_text == "<empty>" else _unescape(raw_text)
        year = int(fields["year"]) if "year" in fields else None
        rows.append(Row(raw, year, expected, fields.get("xfail"), where))
    return rows


def expected_record(spec: str, where: str) -> tuple[dict[str, Any], dict[str, str]]:
    """An expected record as the tables write it (``numeric cmp=≥ value=95 unit=%``), and its key=value words."""
    kind, *pairs = shlex.split(spec)
    fields = dict(pair.split("=", 1) for pair in pairs)
    if unknown := set(fields) - KEYS:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    expected = {
        "kind": TargetKind(kind).value,
        "comparator": Comparator(fields["cmp"]).value if "cmp" in fields else None,
        "value": str(Decimal(fields["value"])) if "value" in fields else None,
        "upper": str(Decimal(fields["upper"])) if "upper" in fields else None,
        "unit": fields.get("unit"),
        "date": datetime.date.fromisoformat(fields["date"]).isoformat() if "date" in fields else None,
        "label": fields.get("label"),
        "direction": fields.get("dir"),
        "flags": sorted(filter(None, fields.get("flags", "").split(","))),
    }
    return expected, fields


def params(name: str) -> list[Any]:
    result = []
    for row in read_table(name):
        marks = [pytest.mark.xfail(strict=True, reason=row.xfail)] if row.xfail else []
        ident = row.raw if row.year is None else f"{row.raw} year={row.year}"
        result.append(pytest.param(row, id=ident, marks=marks))
    return result


def record(target: Target) -> dict[str, Any]:
    """The fields compared by the tables, in the same spelling as the expectations."""
    return {
        "kind": target.kind.value,
        "comparator": target.comparator.value if target.comparator else None,
        "value": None if target.value is None else str(target.value),
        "upper": None if target.upper is None else str(target.upper),
        "unit": target.unit,
        "date": target.date.isoformat() if target.date else None,
        "label": target.label,
        "direction": target.direction,
        "flags": sorted(target.flags),
    }


def check(row: Row) -> None:
    target = parse_target(row.raw, year=row.year)
    assert target.raw == row.raw
    assert record(target) == row.expected, row.where


# ---- the tables, by origin -------------------------------------------------------------------------------

SEEDS = params("targets_seeds.tsv")
CORPUS_PAGES = params("targets_corpus_pages.tsv")
CORPUS_CODE = params("targets_corpus_code.tsv")
DESIGN_TABLE = params("targets_design.tsv")
BUGS = params("targets_bugs.tsv")


@pytest.mark.parametrize("row", SEEDS)
def test_seeds(row: Row) -> None:
    check(row)


@pytest.mark.parametrize("row", CORPUS_PAGES)
def test_corpus_pages(row: Row) -> None:
    check(row)


@pytest.mark.parametrize("row", CORPUS_CODE)
def test_corpus_code(row: Row) -> None:
    check(row)


@pytest.mark.parametrize("row", DESIGN_TABLE)
def test_design_table(row: Row) -> None:
    check(row)


@pytest.mark.parametrize("row", BUGS)
def test_bugs(row: Row) -> None:
    check(row)


def test_tables_are_large_enough() -> None:
    assert len(SEEDS) + len(CORPUS_PAGES) + len(CORPUS_CODE) >= 300


# ---- what a record leaves to a function: a period's start, the name's context -------------------------------

# (raw, year, first day): a period's record keeps its end in ``date``; period_start reads its start from raw
PERIOD_STARTS = [
    ("2024.03-2024.11", None, datetime.date(2024, 3, 1)),
    ("2024.03.15-2024.11.30", None, datetime.date(2024, 3, 15)),
    ("(2024.03-2024.11)", None, datetime.date(2024, 3, 1)),  # what the parser strips around a value
    ("定量 2024.03-2024.11。", None, datetime.date(2024, 3, 1)),
    ("2020年1月--2020年11月", None, datetime.date(2020, 1, 1)),
    ("每年 3 至 11 月", 2022, datetime.date(2022, 3, 1)),
    ("2022年下半年", None, datetime.date(2022, 7, 1)),
    ("2022年上半年", None, datetime.date(2022, 1, 1)),
    ("2022年第二季度", None, datetime.date(2022, 4, 1)),
    ("二零二四年", None, datetime.date(2024, 1, 1)),
    ("全年", 2023, datetime.date(2023, 1, 1)),
    ("每年 3 至 11 月", None, None),  # no year: no end, no start
    ("2022年11月30日前", None, None),  # a deadline, not a period
    ("≥95%", None, None),
]


@pytest.mark.parametrize(("raw", "year", "start"), PERIOD_STARTS, ids=[f"{r} {y}" for r, y, _ in PERIOD_STARTS])
def test_period_start(raw: str, year: int | None, start: datetime.date | None) -> None:
    assert period_start(parse_target(raw, year=year)) == start


# (name, raw, expected record): api.target_in_context reads what the name says; the tables above read no name
IN_CONTEXT = [
    ("耕地地力保护补贴标准", "每亩450", "numeric cmp== value=450 unit=元/亩 flags=unit_inferred"),
    ("种植补助标准(元/亩)", "每亩450", "numeric cmp== value=450 unit=元/亩 flags=unit_inferred"),
    ("亩均补贴金额（元）", "每亩450", "numeric cmp== value=450 unit=元/亩 flags=unit_inferred"),
    ("苗木采购单价", "≤28.40/株", "numeric cmp=≤ value=28.4 unit=元/株 flags=unit_inferred"),
    ("种植面积", "每亩450", "numeric cmp== value=450 unit=/亩 flags=partial_unit"),  # not money: 450 per 亩
    ("补贴标准(元/人)", "每亩450", "numeric cmp== value=450 unit=/亩 flags=partial_unit"),  # per something else
    ("补助标准（万元/亩）", "每亩4.5", "numeric cmp== value=4.5 unit=/亩 flags=partial_unit"),  # 万 applied or not?
    ("是否发生安全事故", "无", "qualitative label=无"),
    ("安全事故发生次数", "无", "qualitative label=无"),
    ("有无违规违纪行为", "无", "qualitative label=无"),
    ("培训人数", "无", "empty flags=placeholder"),  # nothing to state
    ("培训人数", "是", "qualitative label=是"),
]


@pytest.mark.parametrize(("name", "raw", "expected"), IN_CONTEXT, ids=[f"{n}|{r}" for n, r, _ in IN_CONTEXT])
def test_target_in_context(name: str, raw: str, expected: str) -> None:
    target = target_in_context(name, parse_target(raw))
    assert target.raw == raw
    assert record(target) == expected_record(expected, "IN_CONTEXT")[0]
    assert plausible(target) == []


# ---- every corpus string -----------------------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


PAGE_ROWS = _jsonl(CORPUS / "pages" / "rows.jsonl")
CODE_ROWS = _jsonl(CORPUS / "code" / "filled.jsonl")


def corpus_strings() -> set[str]:
    """Every distinct value of the corpus: targets, actual values (自评表), and the seeds' targets."""
    found: set[str] = set()
    for row in PAGE_ROWS:
        found.add(row.get("target_raw") or "")
        if row.get("actual_raw"):
            found.add(row["actual_raw"])
        if row.get("comparator_raw") or row.get("unit_raw"):
            found.add(f"{row.get('comparator_raw') or ''}{row.get('target_raw') or ''}{row.get('unit_raw') or ''}")
    for row in CODE_ROWS:
        found.add(row.get("target_raw") or "")
    found.update(row.raw for row in read_table("targets_seeds.tsv"))
    return found


def test_every_corpus_target_is_in_a_table() -> None:
    tabled = {row.raw for name in ("targets_corpus_pages.tsv", "targets_corpus_code.tsv") for row in read_table(name)}
    targets = {row.get("target_raw") or "" for row in PAGE_ROWS + CODE_ROWS}
    assert targets - tabled == set()


def plausible(target: Target) -> list[str]:
    """What is wrong with a record, whatever the input: a NUMERIC without value, a BETWEEN without upper …"""
    problems = []
    kind = target.kind
    if kind is TargetKind.NUMERIC and target.value is None:
        problems.append("numeric without value")
    if target.comparator is Comparator.BETWEEN and kind is TargetKind.NUMERIC and target.upper is None:
        problems.append("range without upper bound")
    if target.upper is not None and target.comparator is not Comparator.BETWEEN:
        problems.append("upper bound outside a range")
    if kind is TargetKind.DEADLINE and target.date is None and not target.flags & {"no_year", "invalid_date"}:
        problems.append("deadline without date and without a reason")
    if kind in (TargetKind.QUALITATIVE, TargetKind.DIRECTION) and not target.label:
        problems.append("quality or direction without label")
    if (kind is TargetKind.DIRECTION) != (target.direction is not None):
        problems.append("direction set on the wrong kind")
    if kind in (TargetKind.TEXT, TargetKind.EMPTY, TargetKind.QUALITATIVE) and target.value is not None:
        problems.append("a value on a non-numeric kind")
    if kind is not TargetKind.DEADLINE and target.date is not None:
        problems.append("a date on a non-deadline")
    if kind is TargetKind.NUMERIC and (target.comparator is None) != ("no_comparator" in target.flags):
        problems.append("no_comparator flag disagrees with comparator")
    if kind is TargetKind.NUMERIC and (target.unit is None) != ("no_unit" in target.flags):
        problems.append("no_unit flag disagrees with unit")
    if "unparsed" in target.flags:
        problems.append("the grammar failed")
    return problems


def test_every_corpus_string_parses_plausibly() -> None:
    strings = corpus_strings()
    assert len(strings) > 400
    bad = {}
    for raw in strings:
        for year in (None, 2022):
            target = parse_target(raw, year=year)
            assert target.raw == raw
            if problems := plausible(target):
                bad[(raw, year)] = problems
    assert bad == {}


def test_split_cells_agree_with_the_parse() -> None:
    """Where the source kept comparator, number and unit in separate cells, the parse of the joined text agrees."""
    checked = 0
    for row in PAGE_ROWS:
        cells = row.get("target_cells")
        if not cells or len(cells) != 3:
            continue
        symbol, number, unit = cells
        target = parse_target(row["target_raw"])
        assert target.comparator is not None
        assert target.comparator.value == normalize_text(symbol)
        scale = vocabulary().units[unit].multiplier
        assert target.value == Decimal(number) * scale
        assert target.unit == vocabulary().units[unit].canonical
        checked += 1
    for row in CODE_ROWS:
        if row.get("comparator"):
            assert parse_target(row["target_raw"]).comparator == Comparator(row["comparator"])
            checked += 1
    assert checked >= 20


# ---- the function's contract -------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 95, 9.5, b"\xe2\x89\xa595%", ["≥95%"], Decimal(95)], ids=repr)
def test_non_str_raises_type_error_naming_the_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        parse_target(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("year", ["2022", 2022.0, True])
def test_year_must_be_an_int(year: object) -> None:
    with pytest.raises(TypeError, match="year"):
        parse_target("11月底前", year=year)  # type: ignore[arg-type]


def test_cache_gives_the_same_record_as_the_uncached_parser() -> None:
    for raw in ("≥95%", "11月底前", "及时、满意", "形成调查报告"):
        assert parse_target(raw, year=2022) == targets_module._parse(raw, 2022)
        assert parse_target(raw, year=2022) is parse_target(raw, year=2022)


def test_a_failing_grammar_gives_a_flagged_text_record(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: str, year: int | None, grammar: object) -> Target:
        raise RuntimeError("a bug")

    monkeypatch.setattr(targets_module, "_read", broken)
    target = targets_module._parse("≥95%", None)
    assert (target.kind, target.flags, target.raw) == (TargetKind.TEXT, frozenset({"unparsed"}), "≥95%")


def test_records_survive_pickling() -> None:
    """Workers (joblib, Dask) send records between processes."""
    for raw in ("≥95%", "2022年11月30日前", "及时、满意", ""):
        target = parse_target(raw)
        assert pickle.loads(pickle.dumps(target)) == target


def test_long_free_text_is_text() -> None:
    raw = "完成" + "各项工作，" * 100 + "≥95%"
    assert parse_target(raw).kind is TargetKind.TEXT


def test_excel_serial_helpers() -> None:
    assert excel_serial_date(44561) == datetime.date(2021, 12, 31)
    assert excel_serial_date(36526) == datetime.date(2000, 1, 1)
    number = parse_target("44,561")
    assert number.kind is TargetKind.NUMERIC and "maybe_excel_serial" in number.flags
    date = as_excel_date(number)
    assert (date.kind, date.date, date.value, date.raw) == (
        TargetKind.DEADLINE,
        datetime.date(2021, 12, 31),
        None,
        "44,561",
    )
    assert date.flags == frozenset({"excel_serial"})
    other = parse_target("≥95%")
    assert as_excel_date(other) is other


def test_to_dict_is_json_ready() -> None:
    target = parse_target("≤1.5万元")
    assert target.to_dict() == {
        "raw": "≤1.5万元",
        "kind": "numeric",
        "comparator": "≤",
        "value": "15000",
        "upper": None,
        "unit": "元",
        "date": None,
        "label": None,
        "direction": None,
        "flags": [],
    }


# ---- properties --------------------------------------------------------------------------------------------

VOCAB = vocabulary()
LISTED_UNITS = sorted(form for form, unit in VOCAB.units.items() if unit.canonical and not unit.ratio)
SYMBOLS = [">=", "≥", "≧", ">", "<=", "≤", "≦", "<", "=", "＝", "不低于", "不超过", "至少", "低于", "高于"]
FILING_ALPHABET = st.sampled_from(
    list("≥≤><=±%.,-—~/、()（）*X 0123456789万元人次年月日号前底内全每约以上下左右余成比例分之两")
    + list("一二三十百及时满意提升定性工")
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_keeps_raw(raw: str) -> None:
    target = parse_target(raw)
    assert target.raw == raw
    assert "unparsed" not in target.flags


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_to_dict_is_json_serializable(raw: str) -> None:
    json.dumps(parse_target(raw).to_dict(), ensure_ascii=False)


def test_to_dict_of_a_29_digit_value() -> None:
    assert parse_target("1" + "0" * 28).to_dict()["value"] == "1" + "0" * 28


@settings(max_examples=300, deadline=None)
@given(st.text(FILING_ALPHABET, max_size=20), st.one_of(st.none(), st.integers(1990, 2040)))
def test_filing_like_text_parses_plausibly(raw: str, year: int | None) -> None:
    target = parse_target(raw, year=year)
    assert target.raw == raw
    assert plausible(target) == []
    json.dumps(target.to_dict(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.text(FILING_ALPHABET, max_size=20), st.one_of(st.none(), st.integers(1990, 2040)))
def test_period_start_is_total(raw: str, year: int | None) -> None:
    target = parse_target(raw, year=year)
    start = period_start(target)
    assert start is None or (isinstance(start, datetime.date) and "period" in target.flags and target.date)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_text_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SYMBOLS),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    st.sampled_from(LISTED_UNITS),
    st.sampled_from(["", " "]),
)
def test_comparator_number_unit_round_trip(symbol: str, number: Decimal, unit: str, space: str) -> None:
    raw = f"{symbol}{space}{number}{space}{unit}"
    target = parse_target(raw)
    assert target.kind is TargetKind.NUMERIC, raw
    assert target.comparator is VOCAB.comparators[normalize_text(symbol)]
    resolved = VOCAB.units[unit]
    assert target.unit == resolved.canonical
    assert target.value == number * resolved.multiplier


# ---- the data files agree with each other -----------------------------------------------------------------


def test_every_unit_has_a_canonical_form() -> None:
    for form, unit in VOCAB.units.items():
        if unit.canonical is None:  # a bare multiplier prefix
            assert unit.multiplier > 1, form
            continue
        canonical = VOCAB.units.get(unit.canonical)
        assert canonical is not None, f"{form}: canonical {unit.canonical!r} is not itself a unit"
        assert canonical.canonical == unit.canonical, form
        assert canonical.multiplier == Decimal(1), form


def test_lexicon_words_map_to_known_labels_and_directions() -> None:
    assert set(VOCAB.qualitative.values()) <= set(VOCAB.labels)
    assert {label for *_, label in VOCAB.implied.values()} <= set(VOCAB.labels)
    assert set(VOCAB.directions.values()) <= {"increase", "decrease", "maintain"}
    assert not set(VOCAB.qualitative) & set(VOCAB.directions)
    assert VOCAB.comparative <= VOCAB.modifiers
    assert VOCAB.alone <= set(VOCAB.qualitative)
    # a vague word is one that a target can contain: a modifier, a quality or part of a longer word, a direction
    # verb, or a modifier before a direction verb (有效促进: the [vague] list is the audit's too)
    words = VOCAB.modifiers | set(VOCAB.qualitative) | set(VOCAB.directions)
    phrases = {m + d for m in VOCAB.modifiers for d in VOCAB.directions}
    assert all(vague in phrases or any(vague in word for word in words) for vague in VOCAB.vague)
    # every label is used by some word
    assert set(VOCAB.labels) == set(VOCAB.qualitative.values()) | {label for *_, label in VOCAB.implied.values()}


def test_word_lists_do_not_hide_one_another() -> None:
    """A comparator word is not a unit, a placeholder is not a quality word."""
    assert not set(VOCAB.comparators) & set(VOCAB.units)
    assert not VOCAB.placeholders & set(VOCAB.qualitative)
    assert not VOCAB.option_lists & set(VOCAB.qualitative)


def test_the_numeric_groups_are_in_the_order_they_are_unpacked() -> None:
    assert tuple(_grammar().numeric.groupindex) == _NUMERIC_GROUPS


def test_a_bad_data_file_is_reported_with_its_entry() -> None:
    lexicon = {"comparators": {">=": "≥"}, "comparator_suffixes": {}, "labels": {"及时": "on time"}}
    with pytest.raises(DataFileError, match=r"\[units\] '万元'.*canonical"):
        load_vocabulary(lexicon, {"units": {"万元": {"multiplier": "10000"}}})
    with pytest.raises(DataFileError, match=r"'准时'.*label '按时'"):
        load_vocabulary({**lexicon, "qualitative": {"准时": {"label": "按时"}}}, {"units": {}})
    with pytest.raises(DataFileError, match=r"unknown comparator '≥≥'"):
        load_vocabulary({**lexicon, "comparators": {"至少": "≥≥"}}, {"units": {}})
    with pytest.raises(DataFileError, match=r"'提升'.*up"):
        load_vocabulary({**lexicon, "directions": {"提升": "up"}}, {"units": {}})


# ---- the command -------------------------------------------------------------------------------------------


def test_cli_prints_one_json_record_per_value() -> None:
    result = CliRunner().invoke(cli, ["parse-target", "≥95%", "11月底前", "--year", "2022"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert (first["comparator"], first["value"], first["unit"]) == ("≥", "95", "%")
    assert (second["kind"], second["date"]) == ("deadline", "2022-11-30")


def test_cli_reads_stdin_lines() -> None:
    result = CliRunner().invoke(cli, ["parse-target", "-"], input="及时\n=3 次\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["kind"] for line in result.output.splitlines()] == ["qualitative", "numeric"]


@pytest.mark.parametrize("args", [["parse-target"], ["parse-target", "≥95%", "--year", "soon"]])
def test_cli_wrong_usage_exits_2(args: list[str]) -> None:
    assert CliRunner().invoke(cli, args).exit_code == 2
