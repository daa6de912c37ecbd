"""Scoring a 自评表: the rules one by one, weights, the card, the reviewer's checks (S1xx), bad input, the command.

Where a new case goes: a rule of ``data/scoring.toml``, or a 自评表 row met in a filing that scored wrongly, into
``RULES_CASES`` (each case states the share of the weight a person works out by hand, and the flags); an actual
that must not be scored into ``NOT_SCORED``; a check into ``CHECKS``.  The corpus agreement is in
``test_scoring_corpus.py``, the hand-made filings in ``test_scoring_filings.py``, many files and the command in
``test_scoring_cli.py``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import (
    Filing,
    Indicator,
    InputError,
    NothingToScoreError,
    Position,
    Scorecard,
    ScoreRow,
    score,
)
from indicatornlp.rules import RULES
from indicatornlp.scoring import default_rules, filed_cells, judge, load_rules

ROOT = Path(__file__).resolve().parent.parent
OUT = ("产出指标", "数量指标")
TIME = ("产出指标", "时效指标")
COST = ("产出指标", "成本指标")
SOC = ("效益指标", "社会效益指标")
SAT = ("满意度指标", "服务对象满意度指标")

# ---- the rules, one by one -------------------------------------------------------------------------------------

# (name, target, actual, the share of the weight worked out by hand or None, flags that must be set)
RULES_CASES = [
    # ≥ targets: full when met, else actual/target (TAXONOMY "Grading and scoring")
    ("助餐服务人次", "≥36000人次", "30600人次", "0.85", set()),
    ("居家养老服务补贴人数", "≥1200人", "1260人", "1", set()),
    ("开展培训", ">10次", "5次", "0.5", set()),
    ("培训人数", "1000人", "800人", "0.8", {"no_comparator"}),  # a bare number reads as ≥
    ("新增就业", "≥0人", "0人", "1", set()),
    # ≤ targets: full when met, decaying linearly to 0 at twice the target
    ("服务需求响应时长", "≤24小时", "30小时", "0.75", {"reverse"}),
    ("项目支出", "≤100万元", "150万元", "0.5", set()),
    ("项目支出", "≤100万元", "250万元", "0", set()),
    ("项目支出", "<100万元", "90万元", "1", set()),
    ("安全事故发生率", "<=0%", "0%", "1", {"reverse"}),
    ("安全事故发生率", "<=0%", "1%", "0", {"reverse"}),
    # = and ranges
    ("人均补贴标准", "=1200元/人", "1200元/人", "1", set()),
    ("保障村干部人数", "=42个", "40个", "0.9524", set()),
    ("保障村干部人数", "=42个", "45个", "1", set()),
    ("单次上门服务时长", "1-2小时", "2.5小时", "0.75", set()),
    ("单次上门服务时长", "1-2小时", "0.5小时", "0.5", set()),
    ("单次上门服务时长", "1-2小时", "1.5小时", "1", set()),
    # deadlines: met by the date or not (late_days = 0: no partial credit unless a bureau's rules say so)
    ("补贴资金发放时间", "2023年12月20日前", "2023年12月18日", "1", set()),
    ("补贴资金发放时间", "2023年12月20日前", "2023年12月28日", "0", {"late"}),
    ("完成验收时间", "9月前", "7月", "1", set()),  # corpus pages-0044: no year on either side
    ("任务完成时间", "2021年底", "2021年11月", "1", set()),
    # qualitative bands read from the actual, at the band's top
    ("经费支出合规性", "严格执行相关制度规定", "达成预期指标", "1", set()),
    ("居家养老服务网络", "持续完善", "基本完成", "0.8", set()),
    ("居家养老服务网络", "持续完善", "部分完成", "0.8", set()),
    ("居家养老服务网络", "持续完善", "未完成", "0.6", set()),
    ("考核任务完成及时", "1-6期培训结束后及时考核", "1-2期未能及时培训", "0.6", set()),  # corpus pages2-0019
    ("群众满意度", "满意", "不满意", "0.6", set()),
    ("提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", "1", set()),
    ("宣传次数", "至少全年完成2次宣传", "已完成100%", "1", set()),  # corpus pages-0022
    # the actual restates the target
    ("群众生产生活条件改善状况", "显著提升", "显著提升", "1", set()),
    ("及时(按期)开工率", "≥90%", "≥90%", "1", set()),
    # reverse indicators whatever the comparator
    ("服务对象投诉率", "≥2%", "1.5%", "1", {"reverse", "reverse_comparator"}),
    ("服务对象投诉率", "≥2%", "3%", "0.5", {"reverse", "reverse_comparator"}),
    ("演出设备成本", "2万元", "3万元", "0.5", {"reverse"}),
    ("投诉举报处置率", "≥95%", "97%", "1", set()),  # ends in 处置率: not a reverse indicator
    # units: a bare actual in the target's unit, 万元 against 元, a ratio against a %
    ("项目总成本", "≤90万元", "90", "1", {"unit_from_target"}),
    ("项目总成本", "≤120万元", "1158000元", "1", {"unit_converted"}),
    ("服务质量抽查合格率", "≥95%", "0.97", "1", {"ratio_as_percent"}),
    ("服务质量抽查合格率", "≥95%", "0.76", "0.8", {"ratio_as_percent"}),
    ("委托业务报告合格率", "≥100百分比", "100", "1", {"unit_from_target"}),
]


@pytest.mark.parametrize(
    ("name", "target", "actual", "share", "flags"), RULES_CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in RULES_CASES]
)
def test_rules(name: str, target: str, actual: str, share: str | None, flags: set[str]) -> None:
    judged = judge(name, target, actual, year=2023)
    got = None if judged.share is None else judged.share.quantize(Decimal("0.0001")).normalize()
    assert got == (None if share is None else Decimal(share).normalize()), judged.rule
    assert flags <= judged.flags, judged.flags
    assert judged.rule


# actuals that cannot be scored: score None, a flag, a reason — never a silent 0
NOT_SCORED = [
    ("图书馆管理机制健全性", "好坏", "好坏", "placeholder"),  # corpus pages2-0014: the form's option list left in
    ("培训对象符合招生计划规定", "18—54周岁", "存在18岁以下、54周岁以上", "text"),  # corpus pages2-0019
    ("孤儿助学人数", "应助尽助", "9", "numeric"),  # corpus pages-0068
    ("服务对象满意度", "≥90%", "待第三方测评", "text"),
    ("培训人次", "≥100人次", "80人", "units"),
    ("培训人次", "≥100人次", "", "no actual"),
]


@pytest.mark.parametrize(("name", "target", "actual", "why"), NOT_SCORED, ids=[c[2] or "blank" for c in NOT_SCORED])
def test_what_cannot_be_scored_is_not_scored(name: str, target: str, actual: str, why: str) -> None:
    judged = judge(name, target, actual or None, year=2023)
    assert judged.share is None
    assert judged.flags & {"not_comparable", "no_actual"}
    assert judged.rule


def test_the_inverse_variant_and_late_days_come_from_a_rules_file(tmp_path: Path) -> None:
    text = (ROOT / "src" / "indicatornlp" / "data" / "scoring.toml").read_text("utf-8")
    own = tmp_path / "own.toml"
    own.write_text(text.replace('le = "decay"', 'le = "inverse"').replace("late_days = 0", "late_days = 10"), "utf-8")
    rules = load_rules(own)
    assert judge("项目支出", "≤100万元", "125万元", rules=rules).share == Decimal("0.8")  # pages2-0040's 权重*A/B
    late = judge("发放时间", "2023年12月20日前", "2023年12月24日", rules=rules)
    assert late.share == Decimal("0.6") and "late" in late.flags


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('le = "sometimes"', "le = 'sometimes'"),
        ("[grades]\norder = []", "lowest grade"),
        ("not toml [", "is not TOML"),
    ],
)
def test_a_bad_rules_file_is_a_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    base = (ROOT / "src" / "indicatornlp" / "data" / "scoring.toml").read_text("utf-8")
    own = tmp_path / "own.toml"
    if text.startswith("le ="):
        own.write_text(base.replace('le = "decay"', text), "utf-8")
    elif text.startswith("[grades]"):
        own.write_text(base.replace('order = [["优", 90], ["良", 80], ["中", 60], ["差", 0]]', "order = []"), "utf-8")
    else:
        own.write_text(text, "utf-8")
    with pytest.raises(InputError, match=problem) as caught:
        load_rules(own)
    assert str(own) in str(caught.value)
    with pytest.raises(InputError, match="cannot be read"):
        load_rules(tmp_path / "missing.toml")


def test_grades() -> None:
    rules = default_rules()
    got = [rules.grade(Decimal(x)) for x in ("100", "90", "89.99", "80", "79", "60", "59.5", "0")]
    assert got == ["优", "优", "良", "良", "中", "中", "差", "差"]


# ---- the filed cells and the weights ---------------------------------------------------------------------------


def _filing(*rows: Indicator, year: int = 2023, form: str = "自评表") -> Filing:
    return Filing(Position("synthetic.txt", line=1), project="助餐", year=year, indicators=rows, form=form)


def _row(level: tuple[str, str], name: str, target: str, actual: str | None, **cells: Any) -> Indicator:
    extra = tuple((k, v) for k, v in cells.pop("extra", {}).items())
    return Indicator(name, target, level[0], level[1], actual_raw=actual, extra=extra, **cells)


def test_filed_cells_come_from_the_fields_else_from_the_extra_cells() -> None:
    ind = Indicator(
        "助餐服务人次", "≥36000人次", extra=(("分 值", "8"), ("得分", "6.8"), ("偏差原因分析及改进措施", "装修"))
    )
    assert filed_cells(ind) == ("8", "6.8", "装修")
    ind = Indicator(
        "助餐服务人次", "≥36000人次", weight_raw="10", score_raw="9", reason_raw="x", extra=(("分值", "8"),)
    )
    assert filed_cells(ind) == ("10", "9", "x")
    ind = Indicator("助餐服务人次", "≥36000人次", extra=(("权重(%)", "20"), ("自评得分", "18"), ("未完成原因", "")))
    assert filed_cells(ind) == ("20", "18", None)


def test_default_weights_split_each_level1_evenly() -> None:
    card = score(
        _filing(
            _row(OUT, "补贴人数", "≥1200人", "1260人"),
            _row(TIME, "发放及时率", "100%", "100%"),
            _row(COST, "项目总成本", "≤120万元", "115.8万元"),
            _row(SOC, "助餐覆盖率", "≥60%", "45%"),
            _row(SAT, "老年人满意度", "≥90%", "93.5%"),
            _row(SAT, "家属满意度", "≥90%", "90%"),
            _row(("产出指标", "数量指标"), "预算执行率", "100%", "96.5%"),
        )
    )
    # 产出 50 over 3 rows (成本 shares 产出's points: the 88号 layout), 效益 30, 满意度 10 over 2, 预算执行率 10
    assert [r.weight for r in card.rows] == [Decimal(x) for x in ("16.67", "16.67", "16.67", "30", "5", "5", "10")]
    assert card.rows[3].score == Decimal("22.50") and card.rows[6].score == Decimal("9.65")
    assert "default_weights" in card.flags and card.budget_rate == Decimal("96.5")
    assert card.possible == Decimal("100.01") and card.grade == "优"  # 92.16 of 100.01


def test_a_level1_that_states_its_points_overrides_the_default() -> None:
    card = score(
        _filing(
            _row(("产出指标(70分)", "数量指标"), "补贴人数", "≥1200人", "1260人"),
            _row(("产出指标(70分)", "质量指标"), "合格率", "≥95%", "95%"),
            _row(("效益指标(20分)", "社会效益指标"), "覆盖率", "≥60%", "60%"),
        )
    )
    assert [r.weight for r in card.rows] == [Decimal(35), Decimal(35), Decimal(20)]


def test_filed_weights_win_and_sub_rows_without_one_are_not_counted() -> None:
    # corpus pages-0008: "其中…" rows break a weighted row down and carry no 分值 of their own
    card = score(
        _filing(
            _row(OUT, "★补助鱼塘面积", "3亩", "3亩", weight_raw="10", score_raw="10"),
            _row(OUT, "其中鱼塘养殖面积", "3亩", "3亩"),
            _row(SAT, "满意度", "≥90%", "95%", weight_raw="10", score_raw="10"),
        )
    )
    assert [r.weight for r in card.rows] == [Decimal(10), None, Decimal(10)]
    assert "unweighted" in card.rows[1].flags and card.rows[1].score is None
    assert card.total == Decimal(20) and card.possible == Decimal(20) and card.grade == "优"
    assert "incomplete" not in card.flags


def test_a_row_with_no_category_and_no_weight_leaves_the_card_ungraded() -> None:
    card = score(_filing(_row(OUT, "补贴人数", "≥1200人", "1260人"), Indicator("其他事项", "≥1次", actual_raw="1次")))
    assert card.rows[1].weight is None and "no_weight" in card.rows[1].flags
    assert card.grade is None and "incomplete" in card.flags
    assert [f.code for f in card.findings if f.row == 2] == ["S104"]  # rows from 1


# ---- the card ---------------------------------------------------------------------------------------------------


def test_an_actual_that_does_not_parse_is_flagged_not_zero() -> None:
    card = score(
        _filing(
            _row(OUT, "补贴人数", "≥1200人", "1260人", weight_raw="50", score_raw="50"),
            _row(SAT, "服务对象满意度", "≥90%", "待第三方测评", weight_raw="50", score_raw="45"),
        )
    )
    bad = card.rows[1]
    assert bad.score is None and "not_comparable" in bad.flags and bad.weight == Decimal(50)
    assert card.total == Decimal(50) and card.possible == Decimal(100)
    assert card.grade is None and "incomplete" in card.flags  # never graded as if the row had scored 0
    codes = [(f.code, f.row) for f in card.findings]
    assert ("S104", 2) in codes and "待第三方测评" in next(f.message for f in card.findings if f.code == "S104")


def test_a_target_filing_has_nothing_to_score() -> None:
    target_filing = _filing(_row(OUT, "补贴人数", "≥1200人", None), _row(SAT, "满意度", "≥90%", None), form="目标表")
    with pytest.raises(NothingToScoreError, match=r"\[E110\] synthetic.txt, line 1: nothing to score: a 目标表"):
        score(target_filing)
    with pytest.raises(NothingToScoreError):
        score(_filing())


def test_total_lines_are_not_indicators_and_give_the_filed_total() -> None:
    card = score(
        _filing(
            _row(OUT, "补贴人数", "≥1200人", "1260人", weight_raw="50", score_raw="50"),
            _row(SAT, "满意度", "≥90%", "81%", weight_raw="50", score_raw="45"),
            Indicator("总 分", "100", "满意度指标", "服务对象满意度指标", actual_raw="96"),
        )
    )
    assert [r.name for r in card.rows] == ["补贴人数", "满意度"]
    assert card.filed_total == Decimal(96) and card.total == Decimal(95)
    assert [f.code for f in card.findings] == ["S109"]  # 50 + 45 is not 96


def test_weights_of_90_leave_the_budget_to_the_funds_block() -> None:
    rows = [_row(OUT, f"指标{i}", "≥10个", "10个", weight_raw="10", score_raw="10") for i in range(9)]
    card = score(_filing(*rows))
    assert card.possible == Decimal(90) and card.percent == Decimal(100) and card.grade == "优"
    assert "budget_outside_table" in card.flags
    assert not [f for f in card.findings if f.code == "S106"]


def test_scorecards_round_trip_to_json() -> None:
    card = score(_filing(_row(OUT, "补贴人数", "≥1200人", "1100人", weight_raw="10", score_raw="9.17")))
    data = json.loads(json.dumps(card.to_dict(), ensure_ascii=False))
    assert data["rows"][0]["score"] == "9.17" and data["rows"][0]["target"]["raw"] == "≥1200人"
    assert isinstance(card, Scorecard) and isinstance(card.rows[0], ScoreRow)


# ---- the reviewer's checks (S1xx) ------------------------------------------------------------------------------

CHECKS = [
    ("S101", _row(OUT, "补贴资金发放时间", "2023年12月20日前", "2023年12月28日", weight_raw="6", score_raw="4")),
    ("S102", _row(OUT, "家庭照护培训场次", "≥20场", "36场", weight_raw="10", score_raw="10")),
    ("S103", _row(OUT, "培训人次", "≥100人次", None, weight_raw="10", score_raw="10")),
    ("S104", _row(OUT, "培训人次", "≥100人次", "80人", weight_raw="10", score_raw="8")),
    ("S105", _row(COST, "项目总成本", "≤120万元", "1158000元", weight_raw="10", score_raw="10")),
    ("S107", _row(OUT, "培训人次", "≥100人次", "100人次", weight_raw="10", score_raw="12")),
    ("S108", _row(OUT, "服务对象投诉率", "≥2%", "1.5%", weight_raw="10", score_raw="10")),
]
QUIET = [
    _row(OUT, "补贴人数", "≥1200人", "1260人", weight_raw="10", score_raw="10"),  # 105 %: not set too low
    _row(OUT, "助餐服务人次", "≥36000人次", "30600人次", weight_raw="8", score_raw="6.5"),  # 6.8 ± 0.5
    _row(COST, "项目总成本", "≤90万元", "90", weight_raw="10", score_raw="10"),  # a bare number, no conversion
]


@pytest.mark.parametrize(("code", "row"), CHECKS, ids=[c[0] for c in CHECKS])
def test_each_check_fires(code: str, row: Indicator) -> None:
    other = _row(OUT, "补贴人数", "≥1200人", "1260人", weight_raw="10", score_raw="10")
    card = score(_filing(other, row))
    found = [f for f in card.findings if f.code == code]
    assert [f.row for f in found] == [2], card.findings
    assert found[0].indicator == row.name and " — " in found[0].text("en") and "——" in found[0].text("zh")
    assert found[0].severity is RULES[code].severity


@pytest.mark.parametrize("row", QUIET, ids=[r.name for r in QUIET])
def test_quiet_rows_raise_no_row_check(row: Indicator) -> None:
    assert [f.code for f in score(_filing(row)).findings if f.row is not None] == []


def test_weights_that_do_not_sum_are_flagged() -> None:
    rows = [_row(OUT, f"指标{i}", "≥10个", "10个", weight_raw="15", score_raw="15") for i in range(5)]
    card = score(_filing(*rows))
    assert [(f.code, f.row) for f in card.findings] == [("S106", None)]
    assert "75" in card.findings[0].message


def test_every_scoring_code_is_tried() -> None:
    tried = {code for code, _ in CHECKS} | {"S106", "S109", "S110", "S201"}  # these have their own tests
    assert {code for code in RULES if code.startswith("S")} == tried


# ---- properties -------------------------------------------------------------------------------------------------

VALUES = st.one_of(
    st.text(max_size=12),
    st.builds(
        lambda c, n, u: f"{c}{n}{u}",
        st.sampled_from(["", "≥", "≤", "=", "<", ">"]),
        st.decimals(0, 10**6, places=2),
        st.sampled_from(["", "%", "人", "万元", "元", "小时", "个"]),
    ),
    st.sampled_from(["达成预期指标", "基本完成", "未完成", "2022年底", "9月前", "好坏", "显著提升", "已完成100%"]),
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["培训人次", "服务对象投诉率", "项目总成本", "完成时间", "满意度"]),
    target=VALUES,
    actual=VALUES,
)
def test_judging_never_raises_and_stays_within_the_weight(name: str, target: str, actual: str) -> None:
    judged = judge(name, target, actual, year=2023)
    assert judged.rule
    if judged.share is None:
        assert judged.flags & {"not_comparable", "no_actual"}
    else:
        assert Decimal(0) <= judged.share <= Decimal(1)


@settings(max_examples=100, deadline=None)
@given(
    weight=st.decimals(1, 50, places=1),
    actual=st.decimals(0, 500, places=1),
    target=st.decimals(1, 200, places=1),
    sign=st.sampled_from(["≥", "≤", "="]),
)
def test_a_score_never_exceeds_its_weight(weight: Decimal, actual: Decimal, target: Decimal, sign: str) -> None:
    card = score(_filing(_row(OUT, "培训人次", f"{sign}{target}人次", f"{actual}人次", weight_raw=str(weight))))
    row = card.rows[0]
    assert row.score is not None and Decimal(0) <= row.score <= row.weight
