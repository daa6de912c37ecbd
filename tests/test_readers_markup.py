"""Tables written as text (tabs, pipes, HTML) and the shared table logic of ``readers._table``.

The gold is ``tests/fixtures/seed_rows.json`` (written by hand from the seeds); the pipe-table page texts of
``data/filings/corpus/`` are checked against ``data/corpus/pages/rows.jsonl``.
"""

from __future__ import annotations

import contextlib
import html
from itertools import groupby
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import NoIndicatorTableError, canonical_category, read_filings
from indicatornlp.readers import sniff_format
from indicatornlp.readers._table import Cell, filings_from_rows
from indicatornlp.readers.markup import html_rows, read_html, read_markdown, text_rows
from indicatornlp.text import normalize_text
from seeds import CORPUS_ROWS, FILINGS, GOLD, check_metadata, gold_rows, rows

ZUZHIBU = "songjiang-zuzhibu-2022.md"
ZGOLD = [g for g in GOLD if g["source"] == ZUZHIBU]


# ---- the seed: songjiang-zuzhibu-2022.md (tabs, shifted cells, an <h2> in a cell) ----------------------------


@pytest.fixture(scope="module")
def zuzhibu() -> list[Any]:
    return read_filings(FILINGS / ZUZHIBU)


def test_zuzhibu_has_its_six_projects(zuzhibu: list[Any]) -> None:
    assert [f.project for f in zuzhibu] == [g["project"] for g in ZGOLD]


@pytest.mark.parametrize("index", range(6), ids=[g["project"] for g in ZGOLD])
def test_zuzhibu_rows_exactly(zuzhibu: list[Any], index: int) -> None:
    assert rows(zuzhibu[index]) == gold_rows(ZGOLD[index])


@pytest.mark.parametrize("index", range(6), ids=[g["project"] for g in ZGOLD])
def test_zuzhibu_metadata(zuzhibu: list[Any], index: int) -> None:
    check_metadata(zuzhibu[index], ZGOLD[index])


def test_zuzhibu_rows_without_a_value_are_kept_with_a_warning(zuzhibu: list[Any]) -> None:
    warnings = [w for f in zuzhibu for w in f.warnings]
    assert len(warnings) == 2
    assert "line 181" in warnings[0] and "2022 年度内完成干部工作目标任务" in warnings[0]
    assert "line 305" in warnings[1] and "提升公务员法律法规政策知晓率" in warnings[1]


def test_zuzhibu_positions_point_at_the_row(zuzhibu: list[Any]) -> None:
    lines = (FILINGS / ZUZHIBU).read_text("utf-8").splitlines()
    for indicator in (i for f in zuzhibu for i in f.indicators):
        assert indicator.position is not None
        assert indicator.name in lines[indicator.position.line - 1]


# ---- HTML: the seed projects as <table> with rowspan/colspan ----------------------------------------------


def seed_as_html(projects: list[dict[str, Any]]) -> str:
    """The gold projects laid out as the filed form, 一级/二级 cells merged over their rows."""
    e = html.escape
    out = ["<html><body>"]
    for p in projects:
        f = p["funds"]
        out += [
            "<h2>财政项目支出绩效目标申报表</h2>",
            f"<p>({p['year']} 年度)</p>",
            "<table border=1>",
            f"<tr><td>项目名称</td><td colspan=2>{e(p['project'])}</td>"
            f"<td>项目类别</td><td>{e(p['category'])}</td></tr>",
            f"<tr><td>主管部门</td><td colspan=2>{e(p['department'] or '')}</td>"
            f"<td>实施单位</td><td>{e(p['unit'])}</td></tr>",
            f"<tr><td>计划开始日期</td><td colspan=2>{p['start']}</td><td>计划完成日期</td><td>{p['end']}</td></tr>",
            f"<tr><td rowspan=3>项目资金<br>（元）</td><td>项目资金总额</td><td>{f['total']}</td>"
            f"<td>年度资金申请总额</td><td>{f['annual']}</td></tr>",
            f"<tr><td>其中：财政资金</td><td>{f['fiscal']}</td><td>上年结转资金</td><td>{f['carryover']}</td></tr>",
            f"<tr><td>其他资金</td><td>{f['other']}</td><td>其他资金</td><td>{f['other']}</td></tr>",
            "<tr><td rowspan=2>项目绩效<br>目标</td><td colspan=2>项目总目标</td><td colspan=2>年度总目标</td></tr>",
            f"<tr><td colspan=2>见附件</td><td colspan=2>{e(p['goal'])}</td></tr>",
            "<tr><th>绩效指标</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th></tr>",
        ]
        first = True
        indicators = p["indicators"]
        for level1, group1 in groupby(indicators, key=lambda i: i["level1_raw"]):
            group1 = list(group1)
            cells1 = f"<td rowspan={len(group1)}>{e(level1)}</td>"
            for level2, group2 in groupby(group1, key=lambda i: i["level2_raw"]):
                group2 = list(group2)
                cells2 = f"<td rowspan={len(group2)}>{e(level2)}</td>"
                for i in group2:
                    head = f"<td rowspan={len(indicators)}>绩效指标</td>" if first else ""
                    out.append(f"<tr>{head}{cells1}{cells2}<td>{e(i['name'])}</td><td>{e(i['target_raw'])}</td></tr>")
                    first, cells1, cells2 = False, "", ""
        out.append("</table><p>项目经费情况说明</p>")
    out.append("</body></html>")
    return "\n".join(out)


@pytest.mark.parametrize("source", ["songjiang-jiguan-2023.txt", ZUZHIBU])
def test_seed_projects_as_html_tables(source: str) -> None:
    projects = [g for g in GOLD if g["source"] == source]
    filings = read_html("seed.html", seed_as_html(projects))
    assert [rows(f) for f in filings] == [gold_rows(p) for p in projects]
    for filing, gold in zip(filings, projects, strict=True):
        check_metadata(filing, gold)
        assert {i.position.table for i in filing.indicators if i.position} == {projects.index(gold) + 1}


def test_html_rowspan_and_colspan_are_laid_out() -> None:
    page = (
        "<table><tr><td rowspan=2>产出指标</td><td>数量指标</td><td>安全性检查</td><td>=1 次</td></tr>"
        "<tr><td>质量指标</td><td>监控信息系统正常运行</td><td>规范</td></tr>"
        "<tr><td colspan=2>满意度指标</td><td>使用者满意度</td><td>=100%</td></tr></table>"
    )
    grid, tables = html_rows(page)
    assert [[(c.text, c.col, c.merged_from) for c in row] for row in grid][1][0] == ("产出指标", 1, (1, 1))
    assert [(c.col, c.merged_from) for c in grid[2]][:2] == [(1, None), (2, (3, 1))]
    assert set(tables.values()) == {1}
    page = (
        "<p>项目名称：信息系统</p><table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr>"
        + page[7:]
    )
    (filing,) = read_html("x.html", page)
    assert filing.project == "信息系统"
    assert [(canonical_category(i.level1_raw, i.level2_raw).level2, i.name) for i in filing.indicators] == [  # type: ignore[union-attr]
        ("数量指标", "安全性检查"),
        ("质量指标", "监控信息系统正常运行"),
        ("服务对象满意度指标", "使用者满意度"),
    ]


def test_html_page_without_a_table_is_read_as_text() -> None:
    body = (FILINGS / "corpus/pages-0024.txt").read_text("utf-8")
    page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in body.splitlines()) + "</body></html>"
    (filing,) = read_html("page.html", page)
    assert filing.project == "2018年市级专项扶贫资金基础设施(人大代表扶贫基地)"
    assert len(filing.indicators) == 16


# ---- pipe tables among the corpus page texts -----------------------------------------------------------------


@pytest.mark.parametrize("excerpt", ["pages-0011.txt", "pages-0032.txt"])
def test_corpus_pipe_tables_lose_no_row(excerpt: str) -> None:
    expected = [
        (normalize_text(r["l3"]), normalize_text(r["target_raw"] or ""), canonical_category(r["l1_raw"], r["l2_raw"]))
        for r in CORPUS_ROWS
        if r["excerpt"] == excerpt
    ]
    got = [
        (normalize_text(i.name), normalize_text(i.target_raw), canonical_category(i.level1_raw, i.level2_raw))
        for f in read_filings(FILINGS / "corpus" / excerpt)
        for i in f.indicators
    ]
    assert [k for k in expected if k not in got] == []
    assert len(got) == len(expected)


def test_a_first_level_label_in_the_middle_of_its_block_fills_the_rows_above() -> None:
    (filing,) = read_filings(FILINGS / "corpus/pages-0011.txt")
    assert [i.level1_raw for i in filing.indicators[:6]] == ["产出指标"] * 6


# ---- the table logic on grids of cells ---------------------------------------------------------------------

HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值"]


def grid(*rows: list[str], page: list[int] | None = None) -> list[list[Cell]]:
    return [
        [Cell(text, r, c, page=page[r - 1] if page else None) for c, text in enumerate(row, 1) if text]
        for r, row in enumerate(rows, 1)
    ]


def read_grid(*rows: list[str], page: list[int] | None = None) -> list[tuple[Any, ...]]:
    filings = filings_from_rows(grid(*rows, page=page), path="g.xlsx", sheet="Sheet1")
    return [(i.level1_raw, i.level2_raw, i.name, i.target_raw) for f in filings for i in f.indicators]


GRIDS = [
    pytest.param(
        [HEADER, ["产出指\n标", "数量指标", "工、青、妇活动", "=3 次"], ["", "", "党组织特色活动", ">=30 场"]],
        None,
        [("产出指标", "数量指标", "工、青、妇活动", "=3 次"), ("产出指标", "数量指标", "党组织特色活动", ">=30 场")],
        id="label-broken-in-its-cell-and-fill-down",
    ),
    pytest.param(
        [HEADER, ["满意度指 标", "服务对象满意度 指标", "及时回应信息系统用户需求", "及时、满意"]],
        None,
        [("满意度指 标", "服务对象满意度 指标", "及时回应信息系统用户需求", "及时、满意")],
        id="spaced-labels-kept-as-filed",
    ),
    pytest.param(
        [HEADER, ["产出指标", "数量指标", "脱贫户供水设施数量", ""], ["", "", "", "≥20座"]],
        None,
        [("产出指标", "数量指标", "脱贫户供水设施数量", "≥20座")],
        id="value-in-the-next-row",
    ),
    pytest.param(
        [
            HEADER,
            ["产出指标", "数量指标", "完成2022年度各地区来松挂职和跟班学习", "=100%"],
            ["", "", "干部的安置、保障工作", ""],
        ],
        [1, 1, 2],
        [("产出指标", "数量指标", "完成2022年度各地区来松挂职和跟班学习干部的安置、保障工作", "=100%")],
        id="row-split-by-a-page-break",
    ),
    pytest.param(
        [HEADER, ["产出指标", "数量指标", "人才宣讲活动", "≥20"], HEADER, ["", "", "人才宣传汇编", "=100"]],
        None,
        [("产出指标", "数量指标", "人才宣讲活动", "≥20"), ("产出指标", "数量指标", "人才宣传汇编", "=100")],
        id="header-repeated",
    ),
    pytest.param(
        [
            HEADER,
            ["产出指标", "成本指标", "流转土地补助标准", "<=475元/亩"],
            ["效益指标", "社会效益指标", "受益人口数", ">=29人"],
        ],
        None,
        [
            ("产出指标", "成本指标", "流转土地补助标准", "<=475元/亩"),
            ("效益指标", "社会效益指标", "受益人口数", ">=29人"),
        ],
        id="cost-as-a-second-level-under-output",
    ),
    pytest.param(
        [HEADER, ["成本指标", "经济成本指标", "项目总成本", "≤90万元"]],
        None,
        [("成本指标", "经济成本指标", "项目总成本", "≤90万元")],
        id="cost-as-a-first-level",
    ),
    pytest.param(
        [HEADER, ["产出指标", "数量指标", "安全性检查", "=1 次"], ["项目经费情况说明", "", "", ""], ["一、项目概述"]],
        None,
        [("产出指标", "数量指标", "安全性检查", "=1 次")],
        id="prose-after-the-table-ends-it",
    ),
    pytest.param(
        [["", "", "群众满意度", ">=95%"], HEADER, ["满意度指标", "服务对象满意度指标", "群众满意度", ">=95%"]],
        None,
        [("满意度指标", "服务对象满意度指标", "群众满意度", ">=95%")],
        id="rows-before-the-header-are-not-indicators",
    ),
]


@pytest.mark.parametrize(("rows_", "page", "expected"), GRIDS)
def test_grids(rows_: list[list[str]], page: list[int] | None, expected: list[tuple[Any, ...]]) -> None:
    assert read_grid(*rows_, page=page) == expected


def test_self_evaluation_columns() -> None:
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows_ = grid(header, ["产出指标", "数量指标", "指标1:开展精品示范村建设数量", "≤4", "4", "10", "10", ""])
    (filing,) = filings_from_rows(rows_, path="z.xlsx")
    (indicator,) = filing.indicators
    assert (indicator.target_raw, indicator.actual_raw, indicator.weight_raw, indicator.score_raw) == (
        "≤4",
        "4",
        "10",
        "10",
    )
    assert (indicator.reason_raw, indicator.extra) == (None, ())
    assert filing.form == "自评表"


def test_merged_cells_from_a_spreadsheet() -> None:
    rows_ = [
        [Cell(t, 1, c) for c, t in enumerate(HEADER, 1)],
        [Cell("产出指标", 2, 1), Cell("数量指标", 2, 2), Cell("安全性检查", 2, 3), Cell("=1 次", 2, 4)],
        [
            Cell("产出指标", 3, 1, merged_from=(2, 1)),
            Cell("数量指标", 3, 2, merged_from=(2, 2)),
            Cell("稳定性检查", 3, 3),
            Cell("=1 次", 3, 4),
        ],
        [
            Cell("满意度指标", 4, 1),
            Cell("满意度指标", 4, 2, merged_from=(4, 1)),
            Cell("使用者满意度", 4, 3),
            Cell("=100%", 4, 4),
        ],
    ]
    (filing,) = filings_from_rows(rows_, path="m.xlsx", sheet="绩效目标")
    assert [(i.level1_raw, i.level2_raw, i.name) for i in filing.indicators] == [
        ("产出指标", "数量指标", "安全性检查"),
        ("产出指标", "数量指标", "稳定性检查"),
        ("满意度指标", "满意度指标", "使用者满意度"),
    ]
    assert filing.indicators[1].position is not None
    assert (filing.indicators[1].position.sheet, filing.indicators[1].position.row) == ("绩效目标", 3)


def test_no_table_in_a_grid() -> None:
    with pytest.raises(NoIndicatorTableError, match=r"n\.xlsx \(sheet 说明\): no indicator table"):
        filings_from_rows(grid(["项目名称", "党建工作"], ["填报说明：按要求填写"]), path="n.xlsx", sheet="说明")


WORDS = [
    "产出指标",
    "数量指标",
    "满意度",
    "指标",
    "三级指标",
    "年度指标值",
    "项目名称",
    "≥95%",
    "=3 次",
    "及时",
    "年度总目标",
    "（2023 年度）",
    "绩效目标申报表",
    "注：",
    "一级指\n标",
    "成本指标",
    "其他资金",
    "0",
    "-",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=6), max_size=12), st.booleans())
def test_table_logic_never_raises_anything_else(texts: list[list[str]], merged: bool) -> None:
    rows_ = [
        [
            Cell(t, r, c, page=r // 5, merged_from=(max(1, r - 1), c) if merged and c == 1 else None)
            for c, t in enumerate(row, 1)
        ]
        for r, row in enumerate(texts, 1)
    ]
    try:
        filings = filings_from_rows(rows_, path="h.xlsx")
    except NoIndicatorTableError:
        return
    assert any(f.indicators for f in filings)


PIPE_PIECES = [
    "产出指标",
    "数量指标",
    "宣讲次数",
    "≥2次",
    "|",
    " | ",
    "||||",
    "\n",
    "| |",
    "项目名称",
    "指标值",
    "三级指标",
    "",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIPE_PIECES) | st.text(max_size=5), max_size=40))
def test_pipe_pages_never_raise_anything_else(pieces: list[str]) -> None:
    """Any text of pipes and cells gives rows of cells numbered left to right; reading it raises only E106."""
    text = "".join(pieces)
    for row in text_rows(text):
        assert [cell.col for cell in row] == sorted({cell.col for cell in row})
    with contextlib.suppress(NoIndicatorTableError):
        read_markdown("p.md", text)


# ---- content sniffing ---------------------------------------------------------------------------------------


def test_text_suffix_with_html_content(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(seed_as_html(ZGOLD[:1]), "utf-8")
    (filing,) = read_filings(path)
    assert rows(filing) == gold_rows(ZGOLD[0])


def test_markdown_suffix_with_pdf_text_goes_to_the_text_reader(tmp_path: Path) -> None:
    path = tmp_path / "jiguan.md"
    path.write_bytes((FILINGS / "songjiang-jiguan-2023.txt").read_bytes())
    assert [len(f.indicators) for f in read_filings(path)] == [6, 5, 5]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.4\n", "pdf"),
        ("一级指标\t二级指标\n产出指标\t数量指标\n\t\t质量指标\n".encode(), "markdown"),
        (b"<table><tr><td>x</td></tr></table>", "html"),
        ("产出指标 数量指标 x ≥2".encode(), "text"),
    ],
    ids=["pdf", "tabs", "html", "text"],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff_format(head, claimed="text")[0] == kind
