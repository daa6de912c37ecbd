"""link(): names, inputs, pairs and their reasons, clusters and the chaining guard, the annotated gold,
the library, the Dask backend and the CLI — on real names from the corpus, the seeds and the issue."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import (
    Comparator,
    FilingFormatError,
    FilingNotFoundError,
    Indicator,
    Linkage,
    LinkingError,
    Normalized,
    Position,
    Target,
    TargetKind,
    link,
)
from indicatornlp.cli import cli
from indicatornlp.linking import (
    DEFAULT_THRESHOLD,
    build_library,
    clean_name,
    evaluate_linking,
    is_placeholder_name,
    measure_of,
    read_indicators,
    score_names,
)
from indicatornlp.linking.blocking import _name_matrix
from indicatornlp.targets import split_indicator

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"


def _corpus_names() -> list[str]:
    names = []
    for path in ("pages/rows.jsonl", "code/filled.jsonl", "code/library.jsonl"):
        with (CORPUS / path).open(encoding="utf-8") as handle:
            names.extend(json.loads(line).get("l3") or "" for line in handle if line.strip())
    return names


CORPUS_NAMES = _corpus_names()


def _groups(linkage: Linkage) -> set[frozenset[int]]:
    return {frozenset(c.members) for c in linkage.clusters}


def _together(linkage: Linkage, a: int, b: int) -> bool:
    return any(a in c.members and b in c.members for c in linkage.clusters)


# ---- names ---------------------------------------------------------------------------------------------

CLEAN_NAMES = [
    # corpus pages: decorations around the name
    pytest.param("指标1:小区居民满意度(≥**%)", "小区居民满意度", id="pages-index-and-placeholder-target"),
    pytest.param("★★★受益脱贫户、监测户人口数(≥**户)", "受益脱贫户、监测户人口数", id="pages-stars"),
    pytest.param("受益建档立卡贫困人口数≥**人", "受益建档立卡贫困人口数", id="pages-target-in-name"),
    pytest.param("*资产入股贫困人口满意度( ≥**% )", "资产入股贫困人口满意度", id="pages-asterisk"),
    pytest.param("其中桃树种植面积", "桃树种植面积", id="pages-qizhong"),
    pytest.param("项目(工程)验收合格率", "项目工程验收合格率", id="pages-clarifying-bracket-kept"),
    pytest.param("服务对象满意度%", "服务对象满意度", id="code-percent-sign"),
    pytest.param("在校生满意度（%）", "在校生满意度", id="code-fullwidth-unit-bracket"),
    pytest.param("【新增】对外开展教材培训场次", "对外开展教材培训场次", id="code-new-tag"),
    pytest.param("培训（会议）完成率", "培训会议完成率", id="library-bracket-kept"),
    pytest.param("培训人次(县内培训)", "培训人次县内培训", id="issue-13-meaningful-bracket"),
    pytest.param("结余率(计算方法为:结余数/预算数)", "结余率", id="pages-explanation-dropped"),
    pytest.param("新建道路(公里)", "新建道路", id="issue-13-unit-is-the-target-form"),
    # the issue and the seeds
    pytest.param("受训学员满意度(%)", "受训学员满意度", id="issue-unit"),
    pytest.param("制作发放《党支部工作手册》", "制作发放党支部工作手册", id="seed-book-title"),
    pytest.param("（一）党组织特色活动", "党组织特色活动", id="numbering"),
    pytest.param("村组干部230人", "村组干部230人", id="number-without-comparator-kept"),
    pytest.param("(合计)", "合计", id="bracket-only-keeps-content"),
]


@pytest.mark.parametrize(("raw", "want"), CLEAN_NAMES)
def test_clean_name(raw: str, want: str) -> None:
    assert clean_name(raw) == want


@pytest.mark.parametrize("name", ["", "   ", "XX", "xx", "—", "——", "/", "**", "0", "EMPTY", "无", "（）"])
def test_placeholder_names(name: str) -> None:
    assert is_placeholder_name(name)


@pytest.mark.parametrize("name", ["群众满意度", "G60科创走廊", "12350安全生产举报奖励次数", "党建"])
def test_real_names_are_not_placeholders(name: str) -> None:
    assert not is_placeholder_name(name)


@pytest.mark.parametrize(
    ("name", "measure", "compared"),
    [
        pytest.param("来访外宾是否满意", "satisfaction.public", "来访外宾满意度", id="question-form"),
        pytest.param("患者满意率", "satisfaction.public", "患者满意度", id="rate-form"),
        pytest.param("干警满意度", "satisfaction.staff", "干警满意度", id="staff-is-not-served"),
        pytest.param("验收通过率", "pass_rate.works", "合格率", id="pass-rate"),
        pytest.param("培训班次", "count.events", "培训次数", id="sessions"),
        pytest.param("资金拨付时效性", "timeliness.funds", "资金拨付及时率", id="issue-13-时效性"),
        pytest.param("资金使用合规性", "compliance.state", "资金使用合规性", id="issue-13-合规性"),
        pytest.param("G60科创走廊", None, "G60科创走廊", id="no-measure-word"),
    ],
)
def test_measure_of(name: str, measure: str | None, compared: str) -> None:
    assert measure_of(name) == (measure, compared)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        pytest.param("群众满意度 >=95%", ("群众满意度", ">=95%"), id="seed-ascii"),
        pytest.param("党组织特色活动 >=30 场", ("党组织特色活动", ">=30 场"), id="seed-space-in-target"),
        pytest.param("活动开展及时率 及时", ("活动开展及时率", "及时"), id="qualitative"),
        pytest.param("G60 科创走廊", ("G60 科创走廊", ""), id="name-with-space"),
        pytest.param("培训人次", ("培训人次", ""), id="bare-name"),
    ],
)
def test_link_splits_names_as_normalize_does(text: str, want: tuple[str, str]) -> None:
    assert split_indicator(text) == want


# ---- linking: the examples and the gold's hard negatives ----------------------------------------

# the same family: targets a reviewer compares in one column (CONCEPTS.md); their concepts may differ by object
SAME_FAMILY = [
    pytest.param(["群众满意度", "服务对象满意度", "参训者满意度", "受训学员满意度(%)"], id="issue-satisfaction"),
    pytest.param(["活动开展及时率", "培训开展及时率"], id="issue-timeliness"),
    pytest.param(["项目(工程)验收合格率", "指标1:工程验收合格率", "设备验收合格率"], id="gold-acceptance"),
    pytest.param(["患者满意率", "来访外宾是否满意", "游客满意度(≥**%)"], id="gold-satisfaction-forms"),
    pytest.param(["项目完成时间", "任务完成时间", "项目完成时限"], id="gold-completion-date"),
    pytest.param(["政策知晓率", "人才政策知晓率"], id="gold-awareness"),
    pytest.param(["补助资金拨付及时率", "补助资金拨付时效性"], id="issue-13-时效性-及时率"),
    pytest.param(["资金拨付时限", "资金拨付时间"], id="issue-13-时限-时间"),
    pytest.param(["补助资金拨付及时率", "奖补资金拨付 11月底前到位"], id="issue-13-measure-in-the-target"),
]

# one concept: the same measure on the same object, in any wording (the concept level of CONCEPTS.md)
SAME_CONCEPT = [
    pytest.param(["群众满意度", "服务对象满意度", "人民群众满意度"], id="generic-satisfaction"),
    pytest.param(["参训者满意度", "受训学员满意度(%)", "技术培训对象满意度"], id="training-satisfaction"),
    pytest.param(["资金支付及时率", "资金支付时效性"], id="issue-13-时效性-及时率"),
    pytest.param(["资金使用合规率 100%", "资金使用合规性 ≥95%", "经费支出合规性 ≥98%"], id="issue-13-合规率-合规性"),
    pytest.param(["补贴应发尽发率", "补贴发放率"], id="issue-13-应发尽发率-发放率"),
    pytest.param(["补助发放及时率", "奖补资金拨付 11月底前到位"], id="issue-13-subsidy-on-time-in-the-target"),
    pytest.param(["培训班次", "培训场次", "举办培训期数"], id="rule-23-training-sessions"),
    pytest.param(["制作发放《党支部工作手册》", "发放党支部工作手册"], id="issue-handbook"),
]

APART = [
    pytest.param("培训人次", "培训学员对培训效果满意度", id="gold-participants-vs-satisfaction"),
    pytest.param("培训人次", "培训满意度", id="issue-hard-negative"),
    pytest.param("政策知晓率", "群众满意度", id="gold-awareness-vs-satisfaction"),
    pytest.param("干警满意度", "群众满意度", id="gold-staff-vs-served"),
    pytest.param("项目完成时间", "补贴期限", id="gold-deadline-vs-period"),
    pytest.param("活动开展及时率", "党组织特色活动", id="gold-timeliness-vs-activities"),
    pytest.param("预算执行率", "成本控制率", id="gold-execution-vs-cost-control"),
    pytest.param("资金支付及时率", "活动开展及时率", id="gold-payment-vs-activity-timeliness"),
    pytest.param("培训人员合格率", "验收合格率", id="gold-training-vs-acceptance-pass-rate"),
    pytest.param("资金支付及时率", "项目完工及时率", id="issue-13-funds-vs-works-on-time"),
    pytest.param("培训考核合格率", "工程验收合格率", id="issue-13-training-vs-acceptance"),
    pytest.param("培训人次", "宣传活动参与人次", id="concepts-trained-vs-attending"),
    pytest.param("新建道路(公里)", "新建护坡工程(处)", id="concepts-case-8-length-vs-items"),
    pytest.param("奖补资金兑付率", "奖补资金当年兑付率", id="concepts-rule-42"),
    # itemised siblings (case 5): different values of one qualifier set never link, whatever else the names share
    pytest.param("省级教学成果奖 2项", "国家级教学成果奖 1项", id="case-5-level"),
    pytest.param("主编专著", "参编专著", id="case-5-editorship"),
    pytest.param("培养硕士", "培养博士", id="case-5-degree"),
    pytest.param("国内专利申请", "国际专利申请", id="case-5-scope"),
    pytest.param("收入预算执行率 100%", "支出预算执行率 100%", id="rule-43-revenue-vs-spending-budget"),
    pytest.param("补助资格合规性 合规", "补助资金使用合规性 合规", id="rule-32-eligibility-vs-spending"),
]

# a generic satisfaction or a placeholder name rates the project (rules 4, 34): the rows of one project link, the rows
# of two projects that no object class names do not; two projects of one class do (the class is the object)
BY_PROJECT = [
    pytest.param(
        [("群众满意度", "某县辅警人员经费"), ("服务对象满意度", "某县辅警人员经费")], True, id="rule-34-one-project"
    ),
    pytest.param(
        [("受益对象满意度", "2022年度辅警人员经费"), ("受益对象满意度", "2019年度委托业务项目")],
        False,
        id="rule-34-two-projects",
    ),
    pytest.param(
        [("沿线村民满意度", "甲县危桥加固项目"), ("群众满意度", "乙镇桥梁维修项目")], True, id="rule-34-one-class"
    ),
    pytest.param(
        [("项目总成本", "2020年度委托业务项目"), ("项目成本", "安全隐患维修")], False, id="rule-4-two-projects"
    ),
    pytest.param([("项目总成本", "甲县危桥加固项目"), ("项目总成本", "乙镇桥梁维修项目")], True, id="rule-4-one-class"),
]


@pytest.mark.parametrize(("rows", "together"), BY_PROJECT)
def test_a_generic_row_takes_the_project(rows: list[tuple[str, str]], together: bool) -> None:
    target = "≤90万元" if "成本" in rows[0][0] else "≥95%"
    linkage = link([{"name": name, "target": target, "project": project} for name, project in rows])
    assert _together(linkage, 0, 1) is together


@pytest.mark.parametrize("names", SAME_FAMILY)
def test_same_family(names: list[str]) -> None:
    linkage = link(names)
    families = {c.family for c in linkage.clusters}
    assert len(families) == 1 and None not in families, [(c.representative, c.family) for c in linkage.clusters]


@pytest.mark.parametrize("names", SAME_CONCEPT)
def test_same_concept_is_one_cluster(names: list[str]) -> None:
    linkage = link(names)
    assert _groups(linkage) == {frozenset(range(len(names)))}


@pytest.mark.parametrize(("a", "b"), APART)
def test_hard_negatives_stay_apart(a: str, b: str) -> None:
    assert not _together(link([a, b]), 0, 1)


def test_mixed_list_clusters_by_measure() -> None:
    names = [
        "群众满意度 ≥95%",
        "党组织特色活动 >=30 场",
        "服务对象满意度 ≥95%",
        "培训人次 ≥100人次",
        "参训者满意度 ≥90%",
    ]
    linkage = link(names)
    # the trainees' satisfaction rates the training: one family with the public's, another concept (rule 33)
    assert _groups(linkage) == {frozenset({0, 2}), frozenset({4}), frozenset({1}), frozenset({3})}
    satisfaction = next(c for c in linkage.clusters if 0 in c.members)
    assert satisfaction.representative in {"群众满意度", "服务对象满意度"}
    assert (satisfaction.family, satisfaction.concept) == ("satisfaction.public", None)
    assert next(c for c in linkage.clusters if 4 in c.members).family == "satisfaction.public"
    assert satisfaction.spread["unit"] == "%"
    assert satisfaction.spread["comparator"] is Comparator.GE
    assert (satisfaction.spread["min"], satisfaction.spread["median"], satisfaction.spread["max"]) == (
        Decimal(95),
        Decimal(95),
        Decimal(95),
    )


# ---- inputs --------------------------------------------------------------------------------------------


def test_every_input_form() -> None:
    target = Target(raw="≥95%", kind=TargetKind.NUMERIC, comparator=Comparator.GE, value=Decimal(95), unit="%")
    inputs: list[object] = [
        "群众满意度 >=95%",
        {"name": "服务对象满意度", "target": "≥95%", "level2": "服务对象满意度指标", "source": "a.pdf"},
        {"三级指标": "参训者满意度", "年度指标值": "≥90%", "一级指标": "满意度指标", "二级指标": "服务对象满 意度指标"},
        Indicator(
            "受训学员满意度(%)", "≥95%", "满意度指标", "服务对象满意度指标", Position("b.xlsx", sheet="S", row=9)
        ),
        Normalized(
            raw="群众满意度", name="群众满意度", target=target, level1="满意度指标", level2="服务对象满意度指标"
        ),
    ]
    linkage = link(inputs)
    assert _groups(linkage) == {frozenset(range(5))}
    cluster = linkage.clusters[0]
    assert cluster.level2 == "服务对象满意度指标"
    assert cluster.sources == ("a.pdf", "b.xlsx")
    assert cluster.spread["numeric"] == 5


def test_wrong_item_type() -> None:
    with pytest.raises(TypeError, match="item 1: cannot link a int"):
        link(["群众满意度", 42])


def test_empty_input() -> None:
    assert link([]) == Linkage()


def test_placeholders_are_skipped_and_listed() -> None:
    linkage = link(["群众满意度", "", "XX", "服务对象满意度", "—", {"name": None, "target": "≥95%"}])
    assert linkage.skipped == (1, 2, 4, 5)
    assert all(p.a not in linkage.skipped and p.b not in linkage.skipped for p in linkage.pairs)
    assert sorted(m for c in linkage.clusters for m in c.members) == [0, 3]


def test_only_placeholders() -> None:
    assert link(["", "XX"]) == Linkage(skipped=(0, 1))


@pytest.mark.parametrize("threshold", [-1, 100.5, float("nan"), "80"])
def test_threshold_outside_range(threshold: object) -> None:
    with pytest.raises(LinkingError, match="threshold"):
        link(["群众满意度"], threshold=threshold)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"backend": "spark"}, "unknown backend", id="backend"),
        pytest.param({"backend": "dask"}, "needs a scheduler", id="dask-without-scheduler"),
        pytest.param({"block_size": 0}, "block_size", id="block-size"),
        pytest.param({"neighbours": -3}, "neighbours", id="neighbours"),
    ],
)
def test_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(LinkingError, match=message):
        link(["群众满意度", "服务对象满意度"], **options)  # type: ignore[arg-type]


# ---- pairs and their reasons ----------------------------------------------------------------------------


def test_pair_reasons() -> None:
    linkage = link(
        [
            {"name": "群众满意度", "target": "≥95%", "level2": "服务对象满意度指标"},
            {"name": "群众满意度", "target": "≥90%", "level2": "服务对象满意度指标"},
            {"name": "群众满意率", "target": "≥95%", "level2": "社会效益指标"},
            {"name": "群众满意度", "target": "满意"},
        ],
        threshold=0,
    )
    pairs = {(p.a, p.b): p for p in linkage.pairs}
    assert (pairs[0, 1].same_level2, pairs[0, 1].unit_agrees, pairs[0, 1].name_score) == (True, True, 100.0)
    assert pairs[0, 2].same_level2 is False
    assert pairs[0, 3].same_level2 is None  # no 二级 on one side: neither agreeing nor disagreeing
    assert pairs[0, 3].unit_agrees is False  # a number against a quality word
    assert pairs[0, 1].score > pairs[0, 2].score


def test_copies_pair_with_their_first_occurrence() -> None:
    linkage = link(["群众满意度 ≥95%"] * 4 + ["培训人次"])
    copies = [(p.a, p.b) for p in linkage.pairs if p.name_score == 100.0]
    assert copies == [(0, 1), (0, 2), (0, 3)]
    assert _groups(linkage) == {frozenset({0, 1, 2, 3}), frozenset({4})}


def test_pairs_are_at_or_above_threshold() -> None:
    linkage = link(CORPUS_NAMES[:300], threshold=70)
    assert linkage.pairs
    assert all(70 <= p.score <= 100 and 0 <= p.name_score <= 100 and p.a < p.b for p in linkage.pairs)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CORPUS_NAMES) | st.text(max_size=12), st.sampled_from(CORPUS_NAMES) | st.text(max_size=12))
def test_scores_are_symmetric(a: str, b: str) -> None:
    assert score_names([a], [b]).tolist() == score_names([b], [a]).tolist()
    forward = {(p.a, p.b): p.score for p in link([a, b], threshold=0).pairs}
    backward = {(1 - p.b, 1 - p.a): p.score for p in link([b, a], threshold=0).pairs}
    assert forward == backward


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(CORPUS_NAMES), min_size=2, max_size=30))
def test_deterministic(names: list[str]) -> None:
    assert link(names) == link(list(names))


def test_every_linked_position_is_in_exactly_one_cluster() -> None:
    linkage = link(CORPUS_NAMES)
    members = sorted(m for c in linkage.clusters for m in c.members)
    assert members == sorted(set(range(len(CORPUS_NAMES))) - set(linkage.skipped))


def test_no_chaining_every_member_reaches_its_centre() -> None:
    """The guard: each member scores at least the threshold against the cluster's centre (representative)."""
    names = CORPUS_NAMES[:600]
    linkage = link(names)
    checked = 0
    for cluster in linkage.clusters:
        if len(cluster.members) < 2 or cluster.concept is not None:  # a concept id links whatever the wording
            continue
        centre = next(m for m in cluster.members if clean_name(names[m]) == cluster.representative)
        for member in cluster.members:
            if clean_name(names[member]) == cluster.representative:
                continue
            pair = link([names[centre], names[member]], threshold=0).pairs
            assert pair and pair[0].score >= DEFAULT_THRESHOLD, (cluster.representative, names[member])
            checked += 1
    assert checked > 20


def test_chain_is_split() -> None:
    # each name is close to the next, the ends are far apart: connected components alone would merge all
    chain = ["培训人次", "培训人员人次", "培训人员合格人次", "培训人员合格率", "验收合格率"]
    linkage = link(chain, threshold=60)
    assert not _together(linkage, 0, 4)


def test_blocks_have_no_mega_column() -> None:
    import numpy as np

    keys = sorted({clean_name(n) for n in CORPUS_NAMES if n} - {""})
    rank = np.arange(len(keys), dtype=np.int64)
    matrix = _name_matrix(keys, 5, rank).tocsc()
    assert np.diff(matrix.indptr).max() <= 5
    assert matrix.shape[0] == len(keys)


def test_small_blocks_give_the_same_linkage() -> None:
    names = CORPUS_NAMES[:400]
    assert link(names, block_size=37) == link(names)


# ---- the annotated gold ---------------------------------------------------------------------------------

# Recorded with the shipped defaults (threshold 75, data/concepts.toml) on data/annotated, every row but the unsure:
# train concept F1 0.564 (P 0.52, R 0.61), family F1 0.747 (P 0.85, R 0.67; the indicator library's rows, train
# only, have no target and mostly no measure word); holdout concept F1 0.364 (11 gold pairs), family F1 0.675
# (P 0.61, R 0.75).  A regression below these floors fails.
GOLD_FLOORS = {"train": (0.54, 0.72), "holdout": (0.33, 0.65)}


@pytest.mark.parametrize("split", ["train", "holdout"])
def test_gold_f1_floor(split: str) -> None:
    from indicatornlp.annotated import default_annotated_dir, read_annotated

    examples = read_annotated(default_annotated_dir() / split)
    assert all(e.concept and e.family for e in examples), "every annotated row carries a family and a concept"
    result = evaluate_linking(examples)
    concept, family = GOLD_FLOORS[split]
    assert result["f1"] >= concept and result["family"]["f1"] >= family, result
    assert result["rows"] == sum(1 for e in examples if not e.unsure)
    # the errors by family add up to the family-level false and missed pairs
    assert sum(result["family"]["false_by_family"].values()) == result["family"]["false_positives"]
    assert sum(result["family"]["missed_by_family"].values()) == result["family"]["false_negatives"]


def test_evaluate_linking_counts_pairs() -> None:
    rows = [
        {"name": "群众满意度", "concept": "satisfaction"},
        {"name": "服务对象满意度", "concept": "satisfaction"},
        {"name": "人民群众满意度", "concept": "satisfaction"},
        {"name": "培训人次", "concept": "participants"},
        {"name": "培训学员人次", "concept": "participants"},
        {"name": "党组织特色活动", "concept": None},  # no concept: not evaluated
    ]
    result = evaluate_linking(rows)
    assert (result["rows"], result["concepts"]) == (5, 2)
    assert result["true_positives"] + result["false_negatives"] == 4  # 3 + 1 gold pairs
    assert result["precision"] == 1.0 and result["recall"] == 1.0 and result["f1"] == 1.0


def test_pairwise_scores_by_hand() -> None:
    from indicatornlp.linking.evaluation import _pairwise_scores

    # clusters {0,1} {2,3}; concepts a a a b: TP 1 (0-1), predicted 2, gold 3 (a: 0-1 0-2 1-2)
    result = _pairwise_scores([0, 0, 1, 1], ["a", "a", "a", "b"])
    assert (result["precision"], result["recall"]) == (0.5, 1 / 3)
    assert result["purity"] == 0.75


# ---- the library ----------------------------------------------------------------------------------------


def test_library_typical_target_and_outliers() -> None:
    rows = [
        {"name": "群众满意度", "target": "≥95%", "source": "a.pdf", "level2": "服务对象满意度指标"},
        {"name": "服务对象满意度", "target": "≥95%", "source": "b.pdf", "level2": "服务对象满意度指标"},
        {"name": "群众满意度", "target": ">=95%", "source": "c.pdf", "level2": "服务对象满意度指标"},
        {"name": "群众满意度(%)", "target": "≥60%", "source": "d.pdf", "level2": "服务对象满意度指标"},
        {"name": "人民群众满意度", "target": "≤95%", "source": "e.pdf", "level2": "服务对象满意度指标"},
        {"name": "群众满意度", "target": "≥95%", "source": "a.pdf", "level2": "服务对象满意度指标"},
        {"name": "党组织特色活动", "target": ">=30 场", "source": "a.pdf", "level2": "数量指标"},
    ]
    library = build_library(rows)
    assert [r["family"] for r in library] == ["count.events", "satisfaction.public"]  # by family, then concept
    top = library[1]
    assert (top["name"], top["level2"], top["filings"], top["indicators"]) == ("群众满意度", "服务对象满意度指标", 5, 6)
    assert top["typical_target"] == "≥95%"
    assert top["outliers"] == "≥60% (d.pdf); ≤95% (e.pdf)"
    assert library[0]["name"] == "党组织特色活动" and library[0]["outliers"] == ""


# ---- files and the CLI ----------------------------------------------------------------------------------

TAG_HEADER = ["source", "filing", "project", "row", "level1_raw", "level2_raw", "name", "target_raw", "level1"]
TAG_HEADER += ["level2", "predicted_level2"]


def _write_tag_csv(path: Path) -> None:
    m, s = "满意度指标", "服务对象满意度指标"
    rows = [
        ["x.pdf", "1", "甲县村道硬化工程", "1", m, s, "群众满意度", "≥95%", m, s, ""],
        ["x.pdf", "2", "乙县道路维修项目", "1", m, s, "服务对象满意度", "≥60%", m, s, ""],
        ["y.pdf", "1", "R", "1", m, "", "参训者满意度", "≥95%", "", "", s],
        ["y.pdf", "1", "R", "2", "产出指标", "数量指标", "培训人次", "≥100人次", "产出指标", "数量指标", ""],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TAG_HEADER)
        writer.writerows(rows)


def test_read_indicators_from_a_tag_table(tmp_path: Path) -> None:
    _write_tag_csv(tmp_path / "tags.csv")
    rows = read_indicators(tmp_path / "tags.csv")
    assert [r["source"] for r in rows] == ["x.pdf#1", "x.pdf#2", "y.pdf#1", "y.pdf#1"]
    assert rows[2]["level2"] == "服务对象满意度指标"  # the prediction where nothing was filed


@pytest.mark.parametrize(
    ("name", "content", "error", "where"),
    [
        pytest.param("bad.jsonl", '{"name": "群众满意度"}\n{oops\n', FilingFormatError, "bad.jsonl:2", id="jsonl-line"),
        pytest.param("bad.csv", "a,b\n1,2\n", FilingFormatError, "bad.csv", id="csv-without-name-column"),
        pytest.param("latin.csv", None, FilingFormatError, "latin.csv", id="not-utf8"),
    ],
)
def test_read_indicators_errors(tmp_path: Path, name: str, content: str | None, error: type, where: str) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes("name\n满意度\n".encode("gb18030"))
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=where):
        read_indicators(path)


def test_read_indicators_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FilingNotFoundError):
        read_indicators(tmp_path / "nope.csv")


def test_read_indicators_from_a_seed_filing() -> None:
    rows = read_indicators(ROOT / "data" / "filings" / "songjiang-jiguan-2023.txt")
    assert any(r["name"] == "群众满意度" for r in rows)
    assert {r["source"].rsplit("#", 1)[1] for r in rows} == {"1", "2", "3"}  # three projects


def test_cli_link(tmp_path: Path) -> None:
    _write_tag_csv(tmp_path / "tags.csv")
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    out = tmp_path.parent / f"{tmp_path.name}-out"  # outside the folder the run reads (issue 12)
    result = CliRunner().invoke(
        cli, ["link", str(tmp_path), "-o", str(out / "links.csv"), "--clusters", str(out / "c.csv")]
    )
    assert result.exit_code == 1
    assert "broken.jsonl:1" in result.stderr and "linked 4 indicators from 2 files (1 failed)" in result.stderr
    with (out / "links.csv").open(encoding="utf-8-sig") as handle:
        links = list(csv.DictReader(handle))
    assert {(r["name_a"], r["name_b"]) for r in links} >= {("群众满意度", "服务对象满意度")}
    with (out / "c.csv").open(encoding="utf-8-sig") as handle:
        members = list(csv.DictReader(handle))
    # 群众满意度 and 服务对象满意度 are one concept; 参训者满意度 rates the training (rule 33): another concept
    assert len(members) == 4 and len({m["cluster"] for m in members}) == 3
    assert {m["family"] for m in members} == {"satisfaction.public", "count.people.trained"}


def test_cli_link_seeds_in_every_format(tmp_path: Path) -> None:
    seeds = sorted(str(p) for p in (ROOT / "data" / "filings").glob("songjiang-*"))
    result = CliRunner().invoke(cli, ["link", *seeds, "-o", str(tmp_path / "links.csv"), "--threshold", "90"])
    assert result.exit_code == 0, result.stderr
    with (tmp_path / "links.csv").open(encoding="utf-8-sig") as handle:
        links = list(csv.DictReader(handle))
    # the same seed read from .txt, .docx, .xlsx and .pdf: its rows link across the copies
    assert any(r["name_a"] == r["name_b"] == "群众满意度" and r["source_a"] != r["source_b"] for r in links)


def test_cli_library(tmp_path: Path) -> None:
    _write_tag_csv(tmp_path / "tags.csv")
    out = tmp_path / "library.csv"
    args = ["library", str(tmp_path / "tags.csv"), "-o", str(out), "--min-filings", "2"]
    result = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["level2"] == "服务对象满意度指标" and rows[0]["filings"] == "2"
    assert (rows[0]["family"], rows[0]["concept"]) == ("satisfaction.public", "")
    assert rows[0]["typical_target"] == "≥77.5%"
    # Chinese headers by default, for the reviewers who open it in a spreadsheet
    assert CliRunner().invoke(cli, args).exit_code == 0
    with out.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["二级指标"] == "服务对象满意度指标" and row["项目数"] == "2" and row["典型指标值"] == "≥77.5%"


def test_cli_link_threshold_out_of_range(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["link", str(tmp_path), "-o", str(tmp_path / "l.csv"), "--threshold", "120"])
    assert result.exit_code == 2


def test_cli_dask_needs_scheduler(tmp_path: Path) -> None:
    _write_tag_csv(tmp_path / "tags.csv")
    result = CliRunner().invoke(cli, ["link", str(tmp_path), "-o", str(tmp_path / "l.csv"), "--backend", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.stderr


# ---- Dask ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_result() -> None:
    distributed = pytest.importorskip("distributed")
    names = CORPUS_NAMES * 2  # copies too
    local = link(names, block_size=128)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_address = link(names, block_size=128, backend="dask", scheduler=cluster.scheduler_address)
        by_client = link(names, block_size=128, backend="dask", scheduler=client)
    assert by_address == local
    assert by_client == local
    assert len(local.pairs) > 1000


def test_dask_unreachable_scheduler() -> None:
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(LinkingError, match="cannot reach"),
    ):
        link(["群众满意度", "服务对象满意度"], backend="dask", scheduler="tcp://127.0.0.1:9")


def test_cli_evaluate_linking() -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--linking", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["threshold"] == DEFAULT_THRESHOLD
    assert scores["f1"] >= GOLD_FLOORS["holdout"][0] and scores["family"]["f1"] >= GOLD_FLOORS["holdout"][1]
    assert scores["agreement"]["rows"] > 50 and scores["agreement"]["family"]["f1"] > 0.5
    shown = CliRunner().invoke(cli, ["evaluate", "--linking"]).output
    worst = next(iter(scores["family"]["false_by_family"].items()))
    assert f"family false pairs by predicted family: {worst[0]} {worst[1]}" in shown
