"""score's 评分规则 in either language: every rule sentence of ``scoring/_judge.py`` from ``[scoring]`` of the
catalogue, the English exactly as ``Judgement.rule`` / ``ScoreRow.rule`` said it before, the Chinese for the
reviewers; the S1xx findings that quote the rule say it in their own language; the tables, workbook and page write
it in the run's language, JSONL in English.

Where a new case goes: a new rule sentence gets a row in ``RULES`` (one per ``[scoring]`` entry).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path

import openpyxl
import pytest

from indicatornlp import Filing, Indicator, Position, Scorecard, read_filings, score
from indicatornlp import messages as m
from indicatornlp.scoring import ScoringRules, judge, write_scores
from indicatornlp.scoring._rules import default_rules

HAND_MADE = Path(__file__).parent.parent / "data" / "filings" / "ziping-yanglao-2023.xlsx"
LATE_30 = dataclasses.replace(default_rules(), late_days=30)
INVERSE = dataclasses.replace(default_rules(), le="inverse")

# (key, name, target, actual, rules, English as before, Chinese)
RULES = [
    ("no_actual", "x", "≥95%", None, None, "no 实际完成值", "未填写实际完成值"),
    ("blank", "x", "≥95%", "-", None, "the actual is blank or a placeholder", "实际完成值为空或仅为占位符"),
    ("restated", "x", "≥95%", "≥95%", None, "the actual restates the target: met", "实际完成值与指标值一致：达成"),
    ("no_target", "x", "", "100", None, "no target to compare with", "没有可比较的指标值"),
    ("done", "x", "完成建设", "已完成80%", None, "the actual states 80 % done", "实际完成值写明已完成 80%"),
    (
        "band",
        "居家养老服务网络",
        "持续完善",
        "基本完成",
        None,
        "部分达成: the band's top, 80 % of the weight",
        "部分达成：按该档上限计，得分为分值的 80%",
    ),
    (
        "label",
        "x",
        "不超预算",
        "预算内",
        None,
        "the actual states the target's '不超预算': met",
        "实际完成值写明指标值的“不超预算”：达成",
    ),
    (
        "kinds",
        "x",
        "≥95%",
        "2023年",
        None,
        "a deadline actual cannot be compared with a numeric target",
        "实际完成值为日期，指标值为数值，无法比较",
    ),
    (
        "units",
        "x",
        "≥90万元",
        "80人",
        None,
        "the target is in 元, the actual in 人",
        "指标值单位为 元，实际完成值单位为 人，无法比较",
    ),
    ("no_date", "x", "2023年2月30日前", "2023年3月", None, "a date that cannot be read", "日期无法识别"),
    (
        "at_least.met",
        "x",
        "≥1200人次",
        "1260人次",
        None,
        "≥: 1260 against 1200: met",
        "≥：实际 1260，目标 1200，达成",
    ),
    (
        "at_least.met",
        "x",
        "=1200元/人",
        "1200元/人",
        None,
        "=: 1200 against 1200: met",
        "=：实际 1200，目标 1200，达成",
    ),
    ("at_least.below", "x", "≥0", "-1", None, "≥: -1 below 0", "≥：实际 -1，低于目标 0，不得分"),
    (
        "at_least.part",
        "助餐服务人次",
        "≥36000人次",
        "30600人次",
        None,
        "≥: 30600 of 36000 → 85 %",
        "≥：实际 30600，目标 36000 → 得分率 85%",
    ),
    ("at_most.met", "x", "≤2%", "1.5%", None, "≤: 1.5 against 2: met", "≤：实际 1.5，目标 2，达成"),
    (
        "at_most.zero",
        "x",
        "≤0起",
        "2起",
        None,
        "≤: 2 above 0, a target of 0 allows nothing above it",
        "≤：实际 2，超过目标 0（目标为 0 时不允许超出），不得分",
    ),
    (
        "at_most.inverse",
        "x",
        "≤24小时",
        "30小时",
        INVERSE,
        "≤: 30 above 24 → target/actual = 80 %",
        "≤：实际 30，超过目标 24 → 目标值 ÷ 实际值 = 80%",
    ),
    (
        "at_most.decay",
        "服务需求响应时长",
        "≤24小时",
        "30小时",
        None,
        "≤: 30 above 24, decaying to 0 at 48 → 75 %",
        "≤：实际 30，超过目标 24，至 48 时递减为 0 → 得分率 75%",
    ),
    (
        "range.met",
        "x",
        "300-500人",
        "400人",
        None,
        "range: 400 within 300–500: met",
        "区间：实际 400，在 300–500 之内，达成",
    ),
    (
        "range.outside",
        "x",
        "300-500人",
        "200人",
        None,
        "range 300–500, ≥: 200 of 300 → 66.67 %",
        "区间 300–500，≥：实际 200，目标 300 → 得分率 66.67%",
    ),
    (
        "range.outside",
        "x",
        "300-500人",
        "600人",
        None,
        "range 300–500, ≤: 600 above 500, decaying to 0 at 1000 → 80 %",
        "区间 300–500，≤：实际 600，超过目标 500，至 1000 时递减为 0 → 得分率 80%",
    ),
    (
        "deadline.met",
        "x",
        "2023年12月20日前",
        "2023年12月10日",
        None,
        "deadline: 2023-12-10 by 2023-12-20: met",
        "时限：2023-12-10 完成，不晚于 2023-12-20，达成",
    ),
    (
        "deadline.decay",
        "x",
        "2023年12月20日前",
        "2023年12月28日",
        LATE_30,
        "deadline: 8 days late, decaying to 0 at 30 → 73.33 %",
        "时限：逾期 8 天，至 30 天时递减为 0 → 得分率 73.33%",
    ),
    (
        "deadline.late",
        "补贴资金发放时间",
        "2023年12月20日前",
        "2023年12月28日",
        None,
        "deadline: 2023-12-28, 8 days after 2023-12-20",
        "时限：2023-12-28 完成，晚于 2023-12-20 共 8 天",
    ),
]


@pytest.mark.parametrize(
    ("key", "name", "target", "actual", "rules", "en", "zh"), RULES, ids=[f"{r[0]} {r[2]} {r[3]}" for r in RULES]
)
def test_each_rule_is_said_in_either_language(
    key: str, name: str, target: str, actual: str | None, rules: ScoringRules | None, en: str, zh: str
) -> None:
    judged = judge(name, target, actual, year=2023, rules=rules)
    assert judged.rule_key == f"scoring.{key}"
    assert judged.rule == judged.rule_text("en") == en
    assert judged.rule_text("zh") == zh


def test_every_rule_sentence_is_tried_and_chinese() -> None:
    sentences = {k for k, _ in m.entries() if k.startswith("scoring.") and not k.startswith("scoring.kind.")}
    tried = {f"scoring.{r[0]}" for r in RULES} | {"scoring.band_filed", "scoring.no_weight"}  # on a card, below
    assert sentences == tried
    for key in sentences:
        assert re.search(r"[\u4e00-\u9fff]", m.text(key, "zh")), f"{key}: the Chinese text has no Chinese"


def test_a_row_scored_in_its_band_and_a_row_with_no_weight_on_a_card() -> None:
    filing = Filing(
        Position("a.txt"),
        indicators=(
            Indicator(
                "居家养老服务网络", "持续完善", "产出指标", actual_raw="基本完成", weight_raw="10", score_raw="7"
            ),
        ),
    )
    card = score(filing)
    band = card.rows[0]
    assert band.rule == "部分达成: the filed 得分 lies in the band's 60–80 % of the weight"
    assert band.rule_text("zh") == "部分达成：填报得分在该档分值的 60%–80% 之内，按填报计"
    filing = Filing(Position("a.txt"), indicators=(Indicator("助餐服务人次", "≥36000人次", actual_raw="30600人次"),))
    card = score(filing)
    [row] = card.rows
    assert row.rule == "≥: 30600 of 36000 → 85 %; no 分值 and no 一级 to take a default weight from"
    assert row.rule_text("zh") == "≥：实际 30600，目标 36000 → 得分率 85%；没有分值，也没有一级指标可取默认分值"
    [s104] = [f for f in card.findings if f.code == "S104"]
    assert s104.text("en") == f"{row.rule} — state the row's 分值, or its 一级指标"
    assert s104.text("zh") == f"{row.rule_text('zh')}——请填写该行的分值或一级指标"


def test_the_filed_score_finding_quotes_the_rule_in_its_own_language() -> None:
    [filing] = read_filings(HAND_MADE)
    [s101] = [f for f in score(filing).findings if f.code == "S101"]
    assert s101.text("zh") == (
        "填报得分 4，计算得分 0（分值 6；时限：2023-12-28 完成，晚于 2023-12-20 共 8 天）"
        "——请核对填报人的计算或所用的计分规则"
    )
    assert s101.text("en") == (
        "filed 得分 4, computed 0 of 6 (deadline: 2023-12-28, 8 days after 2023-12-20) — check the filer's arithmetic"
        " or the rule the filer applied"
    )
    assert s101.message == s101.text(None)  # said in the default language, Chinese
    assert json.loads(json.dumps(s101.to_dict()))["args"][0] == ["filed", "4"]


def test_a_row_without_a_sentence_keeps_its_rule() -> None:
    row = dataclasses.replace(score(read_filings(HAND_MADE)[0]).rows[0], rule="as given", rule_key=None)
    assert row.rule_text("zh") == row.rule_text("en") == "as given"


@pytest.fixture(scope="module")
def card() -> list[tuple[int, Scorecard]]:
    return [(1, score(read_filings(HAND_MADE)[0]))]


LATE_ZH = "时限：2023-12-28 完成，晚于 2023-12-20 共 8 天"
LATE_EN = "deadline: 2023-12-28, 8 days after 2023-12-20"


@pytest.mark.parametrize(("lang", "rule"), [("zh", LATE_ZH), ("en", LATE_EN)])
def test_the_tables_write_the_rule_in_the_run_language(
    tmp_path: Path, card: list[tuple[int, Scorecard]], lang: str, rule: str
) -> None:
    write_scores(card, tmp_path / "s.csv", lang=lang)
    with (tmp_path / "s.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index(m.header("scores", "rule", lang))
    assert rule in [r[column] for r in rows[1:]]
    write_scores(card, tmp_path / "s.xlsx", lang=lang)
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx").worksheets[0]
    assert rule in [c.value for c in sheet[openpyxl.utils.get_column_letter(column + 1)]]
    write_scores(card, tmp_path / "s.html", lang=lang)
    assert f"<td>{rule}</td>" in (tmp_path / "s.html").read_text("utf-8")


def test_jsonl_keeps_the_english_rule(tmp_path: Path, card: list[tuple[int, Scorecard]]) -> None:
    write_scores(card, tmp_path / "s.jsonl", lang="zh")
    rows = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text("utf-8").splitlines()]
    assert LATE_EN in [r["rule"] for r in rows] and LATE_ZH not in [r["rule"] for r in rows]


def test_a_nested_entry_is_said_in_the_language_of_its_host() -> None:
    args = (("rule", "the English"), *m.nest("rule", "scoring.at_most.met", value="1.5", goal="2"))
    assert m.text("codes.S104.no_weight", "zh", **dict(args)) == "≤：实际 1.5，目标 2，达成——请填写该行的分值或一级指标"
    assert (
        m.text("codes.S104.no_weight", "en", **dict(args))
        == "≤: 1.5 against 2: met — state the row's 分值, or its 一级指标"
    )
    unknown = (("rule", "the English"), *m.nest("rule", "scoring.nothing"))
    assert m.text("codes.S104.no_weight", "zh", **dict(unknown)) == "the English——请填写该行的分值或一级指标"
