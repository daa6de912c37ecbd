"""The funds block of a 自评表 (年度资金总额: 全年预算数, 全年执行数, 分值, 执行率, 得分) read and scored.

Where a new case goes: a corpus excerpt whose block reads wrongly into ``EXCERPTS`` (the figures a person reads from
its page text, amounts in 元), a block the readers must leave alone into ``NOT_READ``; a scoring case into
``RATES``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicatornlp import Filing, Funds, Indicator, Position, read_filings, score
from indicatornlp.readers._forms import budget_block
from indicatornlp.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
EXCERPTS = ROOT / "data" / "corpus" / "pages" / "excerpts"
D = Decimal

# file, 全年预算数, 全年执行数 (元), 执行率 as stated (%), its 分值, its 得分 — read from the page text
BLOCKS = [
    ("pages-0003.txt", D(0), D(0), D(0), D(10), D(0)),  # the 年度资金总额 row filed as zeros (财政拨款 row: 90)
    ("pages-0008.txt", D(94800), D(94800), D(100), D(10), D(10)),  # 9.48 万元, markdown pipes
    ("pages-0009.txt", D(1500000), D(1252500), D("83.5"), D(100), D(98)),  # "150万" cells, one per line
    ("pages-0039.txt", D(0), D(0), D(0), D(10), D(0)),
    ("pages-0042.txt", D(250000), D(250000), D(100), D(10), D(10)),  # aligned columns, "(万元)" apart
    ("pages-0044.txt", D(3297700), D(3383100), D("102.59"), D(10), None),  # 得分 left empty
    ("pages-0048.txt", D(1270000), D(279996), D(22), None, None),  # three columns: A, B, B/A
    ("pages-0049.txt", D("387664.62"), D("387664.62"), D(100), D(10), D(10)),  # in 元; 年初预算数 empty
    ("pages-0051.txt", D(290000), D(278000), D("95.8"), D(9), D(8)),  # the rate as a ratio, 0.958
    ("pages-0084.txt", D(33596200), D(33596200), D(100), None, None),  # "3359.62万"
]


def _funds(name: str) -> Funds:
    found = [f.funds for f in read_filings(EXCERPTS / name) if f.funds.execution_raw is not None]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize(("name", "budget", "executed", "rate", "weight", "filed"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_corpus_block(
    name: str, budget: Decimal, executed: Decimal, rate: Decimal, weight: Decimal | None, filed: Decimal | None
) -> None:
    funds = _funds(name)
    got = (funds.budget, funds.executed, funds.execution_rate, funds.execution_weight, funds.execution_score)
    assert got == (budget, executed, rate, weight, filed)
    assert funds.execution_raw is not None and funds.execution_raw.startswith("年度资金总额")


NOT_READ = [
    "项目资金(万元) 全年预算数 120 全年执行数 115.8 执行率 96.5%",  # no 年度资金总额 row
    "全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 其中:财政拨款 90",  # the row states nothing
    "年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 1 2 3",  # too few values to place
    "年度资金总额: 90 90 89.974 10 99.97% 10",  # no header above it
]


@pytest.mark.parametrize("text", NOT_READ)
def test_blocks_that_are_not_read(text: str) -> None:
    assert budget_block(text.split()) is None


def test_an_empty_score_or_initial_is_placed_by_the_rate() -> None:
    header = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "年度资金总额"]
    no_initial = budget_block([*header, "50", "40", "10", "80%", "8"])
    no_score = budget_block([*header, "50", "50", "40", "10", "80%"])
    assert no_initial is not None and no_initial[0] == {
        "budget": "50", "executed": "40", "weight": "10", "rate": "80%", "score": "8"
    }  # fmt: skip
    assert no_score is not None and no_score[0] == {
        "initial": "50", "budget": "50", "executed": "40", "weight": "10", "rate": "80%"
    }  # fmt: skip


@given(st.lists(st.text(max_size=8), max_size=30))
def test_budget_block_is_total(cells: list[str]) -> None:
    found = budget_block(cells)
    assert found is None or isinstance(found[1], str)


# ---- scoring ----------------------------------------------------------------------------------------------------

OUT = ("产出指标", "数量指标")


def _filing(funds: Funds, *rows: Indicator) -> Filing:
    table = rows or (Indicator("补贴人数", "≥1200人", *OUT, actual_raw="1260人", weight_raw="90", score_raw="90"),)
    return Filing(
        Position("block.txt", line=1), project="助餐", year=2023, funds=funds, indicators=table, form="自评表"
    )


def _block(
    budget: str, executed: str, rate: str | None = None, weight: str | None = "10", filed: str | None = None
) -> Funds:
    return Funds(
        budget=D(budget),
        executed=D(executed),
        execution_rate=None if rate is None else D(rate),
        execution_weight=None if weight is None else D(weight),
        execution_score=None if filed is None else D(filed),
        execution_raw="年度资金总额",
    )


# funds block → (预算执行率 %, points of the block row, its weight, the S codes of the card)
RATES = [
    (_block("900000", "899740", "99.97", "10", "10"), D("99.97"), D("10.00"), D(10), []),  # pages-0003's 财政拨款 row
    (_block("1270000", "279996", "22", None), D("22.05"), D("2.20"), D(10), []),  # no 分值: the default 10
    (_block("290000", "278000", "95.8", "9", "8"), D("95.86"), D("8.63"), D(9), ["S101", "S106"]),  # 8 filed; 90 + 9
    (_block("1000000", "800000", "90", "10"), D(80), D("8.00"), D(10), ["S110"]),  # 80 %, stated 90 %
    (_block("100", "102.59", "102.59"), D("102.59"), D("10.00"), D(10), []),  # over-executed: met
]


@pytest.mark.parametrize(("funds", "rate", "points", "weight", "codes"), RATES)
def test_block_is_scored_as_the_budget_row(
    funds: Funds, rate: Decimal, points: Decimal, weight: Decimal, codes: list[str]
) -> None:
    card = score(_filing(funds))
    assert card.budget_rate == rate
    block = [r for r in card.rows if r.level1 == "预算执行率"]
    assert len(block) == 1 and block[0].index == -1
    assert (block[0].score, block[0].weight, block[0].filed_score) == (points, weight, funds.execution_score)
    assert card.possible == 90 + weight
    assert sorted(f.code for f in card.findings if f.code.startswith("S")) == codes


def test_stated_rate_alone_is_scored() -> None:
    funds = Funds(execution_rate=D("96.5"), execution_raw="年度资金总额 96.5%")
    card = score(_filing(funds))
    assert card.budget_rate == D("96.5") and card.total == D("99.65")


def test_a_table_row_of_budget_execution_is_not_counted_twice() -> None:
    rows = (
        Indicator("补贴人数", "≥1200人", *OUT, actual_raw="1260人", weight_raw="90", score_raw="90"),
        Indicator("预算执行率", "100%", *OUT, actual_raw="96.5%", weight_raw="10", score_raw="9.65"),
    )
    card = score(_filing(_block("1200000", "1000000", "96.5"), *rows))
    assert [r.index for r in card.rows if r.level1 == "预算执行率"] == [1]
    assert card.budget_rate == D("96.5") and card.possible == 100
    s110 = [f for f in card.findings if f.code == "S110"]  # 1000000 / 1200000 = 83.33 %, stated 96.5 %
    assert len(s110) == 1 and "83.33" in s110[0].text("en") and "——" in s110[0].text("zh")
    assert s110[0].severity is RULES["S110"].severity


def test_no_block_no_row() -> None:
    card = score(_filing(Funds()))
    assert card.budget_rate is None and all(r.level1 != "预算执行率" for r in card.rows)


def test_corpus_block_scored() -> None:
    (filing,) = [f for f in read_filings(EXCERPTS / "pages-0051.txt") if f.funds.execution_raw]
    card = score(filing)
    assert card.budget_rate == D("95.86")
    block = next(r for r in card.rows if r.index == -1)
    assert (block.weight, block.filed_score) == (D(9), D(8))
