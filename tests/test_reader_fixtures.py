"""The layouts page texts come in: invented fixtures of each family, and the corpus excerpts of real pages.

``tests/fixtures/reader-fixtures/`` holds invented page texts, one or more per layout family (pipes at cell ends,
cells glued, wide rows, no header, numbered prose, evaluation templates …), and ``EXPECTED.json`` the rows a good
reader returns, by bucket: ``R1`` a generic fix of the table logic reads it, ``R2`` a dedicated layout mode, ``E``
much effort for a layout seen once (strict xfails here while not read).  ``data/corpus/pages/excerpts/`` holds the
text of 67 real pages; ``data/corpus/pages/rows.jsonl`` the rows a person took from each.  Rows are compared as
``bench/reader_coverage.py`` compares them (NFKC, white space removed; the actual where the row has one), and that
script prints the figures.

Where a new case goes: a page text of a new layout into ``reader-fixtures`` with its entry in ``EXPECTED.json``;
a real page into the corpus (``data/corpus``); a 自评表 column or a metadata label into the tables below.
"""

from __future__ import annotations

import functools
import html
import io
from pathlib import Path
from typing import Any

import pytest

from indicatornlp import Filing, NoIndicatorTableError, read_filings
from indicatornlp.readers.text import read_text
from seeds import GOLD, load_script

coverage = load_script("bench/reader_coverage.py")
squash = coverage.squash


@functools.cache
def rows_of(path: Path) -> tuple[tuple[str, str, str], ...]:
    """(name, target, actual) of every row read from ``path``, squashed; none when it raises E106."""
    try:
        filings = read_filings(path)
    except NoIndicatorTableError:
        return ()
    return tuple((squash(i.name), squash(i.target_raw), squash(i.actual_raw)) for f in filings for i in f.indicators)


@functools.cache
def filings_of(path: Path) -> tuple[Filing, ...]:
    return tuple(read_filings(path))


# ---- the invented fixtures, row by row ------------------------------------------------------------------------

E_READ = {
    ("f06_headerless_midtable.txt", "污水管网巡检覆盖率"),
    ("f08b_prose_items.txt", "巡查河道里程"),
    ("f08b_prose_items.txt", "巡查记录完整率"),
    ("f08b_prose_items.txt", "沿河居民满意度"),
    *(
        ("f10_summary_cell.txt", name)
        for name in ("开展消防演练次数", "发放宣传手册数量", "设施检查合格率", "居民消防知晓率", "火灾隐患整改率")
    ),
}
"""The E rows the readers read today; the others are strict xfails (a change that reads one must move it here)."""

E_WHY = {
    "f04b_glued_selfeval.txt": "target and actual glued with page markers inside the cells",
    "f04c_glued_explanation_two_columns.txt": "two glued value columns: '≥21' is '≥2' + '1' only with the cells",
    "f11_scrambled_one_line.txt": "a sheet dumped on one line with its header cells out of order",
}


def _fixture_params() -> list[Any]:
    params = []
    for name, entry in coverage.fixture_expectations().items():
        for bucket, row in coverage.fixture_rows(entry):
            marks = []
            if bucket == "E" and (name, row[0]) not in E_READ:
                marks = [pytest.mark.xfail(reason=E_WHY.get(name, "E: a layout seen once"), strict=True)]
            params.append(pytest.param(name, tuple(row), id=f"{bucket}-{name[:-4]}-{row[0]}", marks=marks))
    return params


@pytest.mark.parametrize(("fixture", "row"), _fixture_params())
def test_fixture_row(fixture: str, row: tuple[str, ...]) -> None:
    got = rows_of(coverage.FIXTURES / fixture)
    name, target = squash(row[0]), squash(row[1])
    actual = squash(row[2]) if len(row) > 2 else None
    assert any(n == name and t == target and (actual is None or a == actual) for n, t, a in got), got


@pytest.mark.parametrize(
    ("fixture", "name"),
    [(name, text) for name, entry in coverage.fixture_expectations().items() for text in entry.get("no_row", [])],
)
def test_fixture_rows_that_are_no_indicators(fixture: str, name: str) -> None:
    """合计 | 100 (the sum of the scores) and the cells beside a summary are not indicators."""
    assert squash(name) not in {n for n, _, _ in rows_of(coverage.FIXTURES / fixture)}


@pytest.mark.parametrize(
    ("fixture", "project"),
    [(name, entry["project"]) for name, entry in coverage.fixture_expectations().items() if "project" in entry],
)
def test_fixture_project(fixture: str, project: str) -> None:
    assert [f.project for f in filings_of(coverage.FIXTURES / fixture)] == [project]


@pytest.mark.parametrize(
    ("fixture", "year", "form"),
    [
        ("f01_pipe_cell_per_line.txt", 2024, "目标表"),
        ("f01b_pipe_selfeval_score_first.txt", 2023, "自评表"),
        ("f02_tree_no_header.txt", 2024, "目标表"),
    ],
)
def test_fixture_title_gives_year_and_form(fixture: str, year: int, form: str) -> None:
    """A flattened page runs the form's title and year line into its first cells; they still say year and form."""
    (filing,) = filings_of(coverage.FIXTURES / fixture)
    assert (filing.year, filing.form) == (year, form)


# ---- the corpus excerpts: no row lost -----------------------------------------------------------------------

EXCERPT_XFAIL = {
    "pages-0014.txt": "a 自评表 whose cells are glued on one line, 分值 before the target (10≥266米≥266米10)",
    "pages-0050.txt": "a spreadsheet dumped on one line with header and first rows interleaved",
    "pages-0059.txt": "定性 in the 指标性质 column is recorded inside the target here (定性 高中低) and outside it in "
    "pages-0030 (减少): the readers keep it out (an extra 指标性质) in both",
    "pages-0063.txt": "seven county value columns glued into one number (2312222)",
    "pages-0064.txt": "an evaluation table glued without separators; 分值 and 目标值 run together (210010)",
    "pages-0080.txt": "target and actual glued into one number (1200014084 = 12000 | 14084)",
    "pages2-0013.txt": "OCR text of a spreadsheet, cells glued, several tables run together",
    "pages2-0026.txt": "a Word table dumped with cells glued and an 指标解释 column between name and value",
    "pages2-0034.txt": "a shared-document dump: cells glued, page markers (2、) inside cells, scores glued (2020)",
    "pages2-0040.txt": "OCR with scrambled labels (出标产指) and misread comparators",
    "pages2-0041.txt": "OCR of a glued 自评表 with misread comparators (290%, 工5%)",
}
"""The excerpts read with rows lost, and why (their families are counted by ``bench/reader_coverage.py``)."""


def _excerpts() -> list[Any]:
    names = sorted({row["excerpt"] for row in coverage.corpus_rows()})
    return [
        pytest.param(
            name, marks=[pytest.mark.xfail(reason=EXCERPT_XFAIL[name], strict=True)] if name in EXCERPT_XFAIL else []
        )
        for name in names
    ]


@pytest.mark.parametrize("excerpt", _excerpts())
def test_corpus_excerpt_loses_no_row(excerpt: str) -> None:
    rows, _ = coverage.read_rows(coverage.EXCERPTS / excerpt)
    got = coverage.Got(rows)
    lost = [row["l3"] for row in coverage.corpus_rows() if row["excerpt"] == excerpt and not coverage.take(got, row)]
    assert lost == []


def test_the_excerpt_figure_is_met() -> None:
    """The issue's bar: at least 55 of the 67 excerpts with no lost row."""
    results = coverage.excerpt_coverage()
    assert len(results) == 67
    assert sum(hit == total for _, hit, total, _ in results) >= 55


# ---- metadata ------------------------------------------------------------------------------------------------

METADATA = [
    pytest.param("pages-0011.txt", "category", "持续性项目", id="tick-box-ticked(持续性项目■ 新增性项目口)"),
    pytest.param("pages-0037.txt", "category", None, id="tick-boxes-none-ticked"),
    pytest.param("pages-0021.txt", "unit", "遂宁市市场监督管理局经开区分局", id="unit-stops-before-联系人及电话"),
    pytest.param("pages-0020.txt", "unit", "(433001)乌海市供销合作社联合社", id="unit-stops-before-投入目标"),
    pytest.param("pages-0038.txt", "project", "雾炮车抑尘降尘服务", id="one-cell-per-line-value"),
    pytest.param("pages-0083.txt", "unit", "温泉县医疗保障局", id="inline-value-stops-at-责任人:"),
    pytest.param("pages-0074.txt", "department", "[005005]武汉市青山区统计局", id="label-broken-主管部门+及编码"),
    pytest.param("pages-0057.txt", "department", "县民宗委", id="业务主管部门"),
    pytest.param("pages2-0032.txt", "department", "渑池县农业农村局", id="value-stops-at-unknown-label-colon"),
]


@pytest.mark.parametrize(("excerpt", "field", "value"), METADATA)
def test_corpus_metadata(excerpt: str, field: str, value: str | None) -> None:
    assert getattr(filings_of(coverage.EXCERPTS / excerpt)[0], field) == value


def test_a_unit_cell_does_not_swallow_its_neighbours_in_a_grid() -> None:
    page = (
        "| 项目名称 | 社区养老服务 | |\n| 单位名称 | | 联系人及电话 | 王五 13800000000 | 预算金额 | 12 |\n"
        "| 项目类型 | 持续性项目■ 新增性项目□ | |\n"
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 服务人次 | ≥500人次 |\n"
    )
    (filing,) = read_filings_from(page, "summary.md")
    assert (filing.project, filing.unit, filing.category) == ("社区养老服务", None, "持续性项目")


def read_filings_from(text: str, name: str) -> list[Filing]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, "utf-8")
        return read_filings(path)


# ---- 自评表: weight (分值/权重), score (得分), reason (偏差原因) ------------------------------------------------

SELF_EVALUATION = [
    pytest.param("pages-0003.txt", "基建工程委托业务项目数量", ("≥50个", "50", "8", "8", None), id="one-line-text"),
    pytest.param("pages-0009.txt", "预算执行率", ("100%", "83.5%", "20", "18", None), id="cell-per-line-pipes"),
    pytest.param("pages-0044.txt", "指标2:建设美丽宜居自然村庄数量", ("≥200", "202", "10", "10", None), id="pipe-rows"),
    pytest.param(
        "pages-0048.txt",
        "布展面积",
        ("300㎡", "0", None, None, "展陈方案需通过省委宣传部审核,待展陈方案通过省委宣传部审核后,将尽快实施。"),
        id="reason-未完成原因和改进措施",
    ),
    pytest.param("pages-0008.txt", "★补助鱼塘面积", ("3亩", "3亩", "10", "10", None), id="分值-before-target"),
    pytest.param("pages-0008.txt", "其中鱼塘养殖面积", ("3亩", "3亩", None, None, None), id="sub-item-without-score"),
    pytest.param("pages-0049.txt", "政策知晓率", ("═ 100 %", "98%", "10", "9", None), id="two-row-header"),
    pytest.param("pages-0051.txt", "指标1:验收通过率", ("100%", "95%", "6", "5", None), id="header-broken-over-lines"),
    pytest.param("pages2-0014.txt", "聘用人员满意度", ("≥ 95 %", "95", "5", "5", None), id="headerless-chunk"),
]


@pytest.mark.parametrize(("excerpt", "name", "expected"), SELF_EVALUATION)
def test_corpus_self_evaluation_columns(excerpt: str, name: str, expected: tuple[str | None, ...]) -> None:
    (indicator,) = [i for f in filings_of(coverage.EXCERPTS / excerpt) for i in f.indicators if i.name == name]
    got = (indicator.target_raw, indicator.actual_raw, indicator.weight_raw, indicator.score_raw, indicator.reason_raw)
    assert got == expected


@pytest.mark.parametrize(
    ("fixture", "name", "expected"),
    [
        ("f01b_pipe_selfeval_score_first.txt", "开展社区读书活动场次", (">=24场", "26场", "10", "10")),
        ("f03b_vertical_label.txt", "路灯亮灯率", ("≥95%", "97%", "10", "10")),
        ("f05b_shifted_unknown_target_header.txt", "采购电子期刊种数", ("300种", "310种", None, "10")),
    ],
)
def test_fixture_self_evaluation_columns(fixture: str, name: str, expected: tuple[str | None, ...]) -> None:
    (indicator,) = [i for f in filings_of(coverage.FIXTURES / fixture) for i in f.indicators if i.name == name]
    assert (indicator.target_raw, indicator.actual_raw, indicator.weight_raw, indicator.score_raw) == expected
    assert filings_of(coverage.FIXTURES / fixture)[0].form == "自评表"


# the first seed project as a 自评表, written in every format the readers take
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
REASON = "受场地改造影响，两场活动顺延至次年"


def self_evaluation_rows() -> list[list[str]]:
    """HEADER then one row per indicator of the first seed project: actual, 分值 10, 得分, and one reason."""
    rows = []
    for n, indicator in enumerate(GOLD[0]["indicators"]):
        reason = REASON if n == 1 else ""
        rows.append(
            [
                indicator["level1_raw"],
                indicator["level2_raw"],
                indicator["name"],
                indicator["target_raw"],
                "已完成" if n else "4次",
                "10",
                "8" if reason else "10",
                reason,
            ]
        )
    return rows


def _merges(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """The 一级/二级 cells merged over the rows they cover, as the forms print them (0-based, inclusive)."""
    merges = []
    for col in (0, 1):
        start = 0
        for r in range(1, len(rows) + 1):
            if r == len(rows) or rows[r][col] != rows[start][col] or rows[r][0] != rows[start][0]:
                if r - 1 > start:
                    merges.append((start + 1, col, r, col))  # +1: the header is row 0
                start = r
    return merges


def write_self_evaluation(fmt: str, path: Path) -> None:
    rows = self_evaluation_rows()
    grid = [HEADER, *rows]
    merges = _merges(rows)
    covered = {(r, c) for r0, c, r1, _ in merges for r in range(r0 + 1, r1 + 1)}
    title = f"项目支出绩效自评表\n（{GOLD[0]['year']} 年度）\n项目名称 {GOLD[0]['project']}\n"
    if fmt == "txt":  # a PDF's text: cells separated by spaces, merged labels printed once
        lines = [
            " ".join(c for c_i, c in enumerate(row) if c and (r, c_i) not in covered) for r, row in enumerate(grid)
        ]
        path.write_text(title + "\n".join(lines) + "\n", "utf-8")
    elif fmt == "md":  # tab-separated, the merged cells left empty
        lines = ["\t".join("" if (r, c_i) in covered else c for c_i, c in enumerate(row)) for r, row in enumerate(grid)]
        path.write_text(title + "\n".join(lines) + "\n", "utf-8")
    elif fmt == "pipes":  # a web page flattened: "cell | cell |", the merged cells dropped
        lines = [
            " | ".join(c for c_i, c in enumerate(row) if (r, c_i) not in covered) + " | |" for r, row in enumerate(grid)
        ]
        path.write_text(title.replace("\n", " |\n") + "\n".join(lines) + "\n", "utf-8")
    elif fmt == "html":
        spans = {(r0, c): r1 - r0 + 1 for r0, c, r1, _ in merges}
        body = "".join(
            "<tr>"
            + "".join(
                f'<td rowspan="{spans.get((r, c_i), 1)}">{html.escape(c)}</td>'
                for c_i, c in enumerate(row)
                if (r, c_i) not in covered
            )
            + "</tr>"
            for r, row in enumerate(grid)
        )
        path.write_text(f"<html><body><p>{'</p><p>'.join(title.splitlines())}</p><table>{body}</table>", "utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        for line in title.splitlines():
            sheet.append([line])
        top = sheet.max_row
        for r, row in enumerate(grid):
            sheet.append([None if (r, c_i) in covered else c for c_i, c in enumerate(row)])
        for r0, c, r1, _ in merges:
            sheet.merge_cells(start_row=top + 1 + r0, start_column=c + 1, end_row=top + 1 + r1, end_column=c + 1)
        book.save(path)
    elif fmt == "docx":
        from docx import Document

        document = Document()
        for line in title.splitlines():
            document.add_paragraph(line)
        table = document.add_table(rows=len(grid), cols=len(HEADER))
        for r0, c, r1, _ in merges:
            table.cell(r0, c).merge(table.cell(r1, c))
        for r, row in enumerate(grid):
            for c_i, text in enumerate(row):
                if (r, c_i) not in covered:
                    table.cell(r, c_i).text = text
        buffer = io.BytesIO()
        document.save(buffer)
        path.write_bytes(buffer.getvalue())
    elif fmt == "pdf":
        _write_pdf(path, title, grid, merges)
    else:  # pragma: no cover - the parametrization lists the formats
        raise ValueError(fmt)


def _write_pdf(path: Path, title: str, grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> None:
    make_filings = load_script("scripts/make_filings.py")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont(make_filings.FONT))
    style = ParagraphStyle("cell", fontName=make_filings.FONT, fontSize=8, leading=10, wordWrap="CJK")
    rows = [
        [
            None if (r, c) in {(m, mc) for r0, mc, r1, _ in merges for m in range(r0 + 1, r1 + 1)} else v
            for c, v in enumerate(row)
        ]
        for r, row in enumerate(grid)
    ]
    widths = [50, 60, 110, 55, 50, 30, 30, 95]
    story = [Paragraph(html.escape(line), style) for line in title.splitlines()]
    story.append(make_filings.FormTable(rows, merges, widths, style, header_rows=1, ruled=True))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)


FORMATS = ["txt", "md", "pipes", "html", "xlsx", "docx", "pdf"]
SUFFIX = {"pipes": "md"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_self_evaluation_in_every_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"zipingbiao.{SUFFIX.get(fmt, fmt)}"
    write_self_evaluation(fmt, path)
    (filing,) = read_filings(path)
    got = [(i.name, i.target_raw, i.actual_raw, i.weight_raw, i.score_raw, i.reason_raw) for i in filing.indicators]
    want = [(r[2], r[3], r[4], r[5], r[6], r[7] or None) for r in self_evaluation_rows()]
    assert got == want
    assert (filing.form, filing.project) == ("自评表", GOLD[0]["project"])


# ---- bad input ---------------------------------------------------------------------------------------------------


def test_no_table_says_what_was_looked_for() -> None:
    with pytest.raises(NoIndicatorTableError) as caught:
        read_text("notice.txt", "关于开展预算绩效管理工作的通知\n请各单位于月底前报送材料。\n联系人：张三\n")
    message = str(caught.value)
    assert "notice.txt: no indicator table found" in message
    assert "三级指标" in message and "一级/二级" in message and "3 non-empty line(s)" in message


def test_no_table_says_what_it_found() -> None:
    text = "项目名称 宣传\n一级指标 二级指标 三级指标 年度指标值\n注:本表无指标\n"
    with pytest.raises(NoIndicatorTableError, match=r"a header at line 2, but no row under it"):
        read_text("empty-table.txt", text)


def test_a_table_read_in_part_says_where_it_lost_the_thread() -> None:
    text = (
        "项目名称 宣传\n一级指标 二级指标 三级指标 年度指标值\n产出指标 数量指标 宣讲次数 ≥2次\n"
        "注:以下为补充指标\n效益指标 社会效益指标 群众知晓率 ≥90%\n"
    )
    (filing,) = read_text("partial.txt", text)
    assert [i.name for i in filing.indicators] == ["宣讲次数"]
    (warning,) = filing.warnings
    assert "partial.txt, line 4" in warning and "partial.txt, line 5" in warning and "not read" in warning


def test_a_grid_read_in_part_says_where_it_lost_the_thread() -> None:
    page = (
        "| 项目名称 | 宣传 |\n| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 宣讲次数 | ≥2次 |\n"
        "| 填报说明：以下为补充 |\n| 效益指标 | 社会效益指标 | 群众知晓率 | ≥90% |\n"
    )
    (filing,) = read_filings_from(page, "partial.md")
    assert [i.name for i in filing.indicators] == ["宣讲次数"]
    assert any("line 4" in w and "line 5" in w and "not read" in w for w in filing.warnings)


def test_read_command_prints_the_self_evaluation_columns() -> None:
    import json

    from click.testing import CliRunner

    from indicatornlp.cli import cli

    result = CliRunner().invoke(cli, ["read", "--jsonl", str(coverage.EXCERPTS / "pages-0009.txt")])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    first = next(r for r in records if r["name"] == "预算执行率")
    assert (first["actual_raw"], first["weight_raw"], first["score_raw"], first["reason_raw"]) == (
        "83.5%",
        "20",
        "18",
        None,
    )
