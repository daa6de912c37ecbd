"""canonical_category on labels as they are filed: seeds, corpus pages and repositories, DESIGN.md."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicatornlp import Category, canonical_category
from indicatornlp.taxonomy import Taxonomy, clean_label, default_taxonomy

OUT_NUM = Category("产出指标", "数量指标")
OUT_QUA = Category("产出指标", "质量指标")
OUT_TIME = Category("产出指标", "时效指标")
COST = Category("成本指标", "经济成本指标")
SOC = Category("效益指标", "社会效益指标")
ECO = Category("效益指标", "经济效益指标")
ENV = Category("效益指标", "生态效益指标")
SUS = Category("效益指标", "可持续影响指标")
SAT = Category("满意度指标", "服务对象满意度指标")


def legacy(c: Category) -> Category:
    return Category(c.level1, c.level2, True)


# labels broken by PDF extraction in shared/seeds/songjiang-jiguan-2023.txt and songjiang-zuzhibu-2022.md
SEEDS = [
    ("产出指\n标", "数量指标", OUT_NUM),
    ("效益指\n标", "社会效益指\n标", SOC),
    ("满意度\n\n指标", "服务对象满\n\n意度指标", SAT),
    ("满意度指 标", "服务对象满意度 指标", SAT),
    ("效益指标", "经济效益指标", ECO),
    ("效益指标", "可持续影响指标", SUS),
    (None, "服务对象满\n意度指标", SAT),
]

# (l1_raw, l2_raw) pairs of shared/corpus/pages/rows.jsonl and code/filled.jsonl
CORPUS = [
    ("产出指标(50分)", "质量指标", OUT_QUA),
    ("产 出 指 标 (50分)", "数量指标", OUT_NUM),
    ("产出指标 (40-50)分", "数量指标", OUT_NUM),
    ("成本指标(0-20)分", "经济成本指标", COST),
    ("成本指标(0-20)分", "社会成本指标", Category("成本指标", "社会成本指标")),
    ("成本指标(0-20)分", "生态环境成本指标", Category("成本指标", "生态环境成本指标")),
    ("产出指标", "成本指标", legacy(COST)),
    ("产出指标", "成本指标 (必填硬性指标)", legacy(COST)),
    ("产出指标", "数量指标 (必填硬性指标)", OUT_NUM),
    ("效益指标", "社会效益 指标 (必填)", SOC),
    ("效益指标", "经济效益 指标 (选填)", ECO),
    ("效 益 指 标 (30分)", "经济效益 指标", ECO),
    ("项目产出", "产出质量", legacy(OUT_QUA)),
    ("项目产出", "产出数量", legacy(OUT_NUM)),
    ("项目产出", "产出时效", legacy(OUT_TIME)),
    ("项目产出", "产出成本", legacy(COST)),
    ("项目效果", "社会效益", legacy(SOC)),
    ("项目效果", "环境效益", legacy(ENV)),
    ("项目效果", "可持续影响", legacy(SUS)),
    ("项目效果", "服务对象满意度", legacy(SAT)),
    ("项目完成指标", "时效指标", legacy(OUT_TIME)),
    ("预期产出指标", "时效指标(工期指标、形象进度指标)", legacy(OUT_TIME)),
    ("预期产出指标", "预算(或投资规模)控制指标", legacy(COST)),
    ("效益指标", "环境效益指标", legacy(ENV)),
    ("效益指标", "可持续性发展影响指标", legacy(SUS)),
    ("效益指标", "服务对象满意度指标", legacy(SAT)),
    ("效益指标", "满意度", legacy(SAT)),
    ("满意度指标", "满意度指标", legacy(SAT)),
    ("满意度指标", "服务对象满意度", SAT),
    ("满意度指标", "服务对象满意度指标等", SAT),
    ("满意度 指标", "服务对象 满意度指 标", SAT),
    ("产出值", "时效值", OUT_TIME),
    ("效益值", "可持续影响值", SUS),
    (None, "进度指标", legacy(OUT_TIME)),
    (None, "产出数量指标", legacy(OUT_NUM)),
    (None, "成本指标", legacy(COST)),
    ("满意度指标", None, Category("满意度指标", None)),
    ("预算绩效", "预算管理", None),
    ("预算绩效", "财务管理", None),
    (None, None, None),
    (None, "产业指标", None),
]

# DESIGN.md: numbering, full width, legacy names
DESIGN = [
    ("一、产出指标", "（1）数量指标", OUT_NUM),
    ("(一)产出指标", "1.质量指标", OUT_QUA),
    ("ＩＩ", "ＸＸ", None),
    ("产出指标", "产出进度指标", legacy(OUT_TIME)),
    ("效果指标", "社会效益指标", legacy(SOC)),
    ("效益指标", "社会公众或服务对象满意度指标", legacy(SAT)),
    ("产出指标", None, Category("产出指标", None)),
    (None, "产出指标", Category("产出指标", None)),
    ("过程指标", "资金管理", None),
]


# a 二级 label broken across the two cells (issue 14: page texts of other regions): the two joined, in either
# order, are exactly one label; a pair that joins into none keeps its 一级 only
BROKEN = [
    ("满意度指标", "服务对象", SAT),
    ("服务对象", "满意度指标", SAT),
    ("满意度", "服务对象", SAT),
    ("效益指标", "社会", SOC),
    ("效益指标", "服务对象", Category("效益指标", None)),
    ("产出指标", "服务对象", Category("产出指标", None)),
    (None, "服务对象", None),
]


def _params(table: list[tuple[str | None, str | None, Category | None]]) -> list[object]:
    return [pytest.param(l1, l2, want, id=f"{l1}|{l2}".replace("\n", "⏎")) for l1, l2, want in table]


@pytest.mark.parametrize(("level1", "level2", "want"), _params(SEEDS))
def test_seed_labels(level1: str | None, level2: str | None, want: Category | None) -> None:
    assert canonical_category(level1, level2) == want


@pytest.mark.parametrize(("level1", "level2", "want"), _params(CORPUS))
def test_corpus_labels(level1: str | None, level2: str | None, want: Category | None) -> None:
    assert canonical_category(level1, level2) == want


@pytest.mark.parametrize(("level1", "level2", "want"), _params(DESIGN))
def test_design_labels(level1: str | None, level2: str | None, want: Category | None) -> None:
    assert canonical_category(level1, level2) == want


@pytest.mark.parametrize(("level1", "level2", "want"), _params(BROKEN))
def test_labels_broken_across_two_cells(level1: str | None, level2: str | None, want: Category | None) -> None:
    assert canonical_category(level1, level2) == want


def test_every_canonical_pair_maps_to_itself() -> None:
    tax = default_taxonomy()
    for category in tax.categories:
        assert canonical_category(category.level1, category.level2) == category
        assert canonical_category(None, category.level2) == category
        assert tax.is_canonical(category.level1, category.level2)


def test_table_has_the_2021_shape() -> None:
    tax = default_taxonomy()
    assert tax.level1_names == ("产出指标", "成本指标", "效益指标", "满意度指标")
    assert len(tax.level2_names) == 11
    assert tax.parent("时效指标") == "产出指标"
    assert tax.version


def test_data_file_agrees_with_itself() -> None:
    """Every alias points at a row of the canonical table."""
    path = Path(__file__).parents[1] / "src" / "indicatornlp" / "data" / "taxonomy.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    tax = Taxonomy.from_toml(path)
    assert path.read_text("utf-8").startswith("#"), "data files open with a header on their source"
    for alias in data["level1_alias"]:
        assert alias["canonical"] in tax.level1_names, alias
    for alias in data["level2_alias"]:
        assert tax.is_canonical(alias["level1"], alias["level2"]), alias
    for table in ("level1_alias", "level2_alias"):
        aliases = [a["alias"] for a in data[table]]
        assert len(aliases) == len(set(aliases)), f"an alias is listed twice in {table}"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("产 出 指 标(50分)", "产出指标"),
        ("（一）数量指标", "数量指标"),
        ("数量指标 (必填硬性指标)", "数量指标"),
        ("一、产出指标", "产出指标"),
        ("成本指标(0-20)分", "成本指标"),
    ],
)
def test_clean_label(raw: str, want: str) -> None:
    assert clean_label(raw) == want


@given(st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=30)))
def test_never_raises_and_returns_canonical(level1: str | None, level2: str | None) -> None:
    got = canonical_category(level1, level2)
    tax = default_taxonomy()
    if got is not None:
        assert got.level1 in tax.level1_names
        assert got.level2 is None or tax.is_canonical(got.level1, got.level2)
