"""Write the hand-made 项目支出绩效自评表 of ``tests/fixtures/selfeval.json`` as .txt, .md, .xlsx, .docx and .pdf.

The layout is the 安徽/四川 自评表 of the corpus (``data/corpus/pages/excerpts/pages-0003.txt``, ``pages-0042.txt``,
``pages-0049.txt``): a title and a year line, a metadata block (项目名称, 主管部门, 实施单位, 项目资金 with 全年预算数,
全年执行数 and 执行率, 年度总体目标 and 实际完成情况), then the 绩效指标 table of eight columns — 一级指标, 二级指标,
三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施 — whose 一级/二级 cells are merged over the rows
they cover, and a 总分 line.  The text versions are what such a form gives when it is copied out: the .txt one row
a line with its cells apart by tabs (a Word table pasted into a text file), the .md a pipe table with the merged
cells left empty.

The xlsx, docx and pdf files are written with the machinery of ``scripts/make_filings.py`` (its grid, merged cells,
fixed timestamps and page-breaking ruled table), so that the output is deterministic as the seeds' is.
``tests/test_scoring_filings.py`` reads every format back and checks each row's computed score against the scores
worked out by hand in the test.

Usage::

    python scripts/make_selfeval.py                     # writes data/filings/ziping-yanglao-2023.*
    python scripts/make_selfeval.py --out /tmp/x --only pdf
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "selfeval.json"
OUT = ROOT / "data" / "filings"
STEM = "ziping-yanglao-2023"
FORMATS = ("txt", "md", "xlsx", "docx", "pdf")
HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
WIDTH = len(HEADER)
# points: the 一级/二级 columns hold 4 characters a line, the reason column 6
PDF_WIDTHS = (44.0, 52.0, 100.0, 66.0, 62.0, 28.0, 28.0, 102.0)


def _load_make_filings() -> ModuleType:
    """``scripts/make_filings.py`` as a module (scripts/ is not a package)."""
    name = "make_filings"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("make_filings.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


mf = _load_make_filings()


def load_gold(path: Path = GOLD) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gold


def build_grid(gold: dict[str, Any]) -> Any:
    """The form as a ``make_filings.Grid`` of eight columns with its merged cells."""
    funds = gold["funds"]
    rows: list[list[Any]] = [
        [gold["title"], *[None] * (WIDTH - 1)],
        [f"（{gold['year']}年度）", *[None] * (WIDTH - 1)],
        ["项目名称", gold["project"], None, None, None, None, None, None],
        ["主管部门", gold["department"], None, None, "实施单位", gold["unit"], None, None],
        [
            "项目资金（万元）",
            "全年预算数",
            funds["budget"],
            "全年执行数",
            funds["executed"],
            "执行率",
            funds["rate"],
            None,
        ],
        ["年度总体目标", gold["goal"], None, None, "实际完成情况", gold["achieved"], None, None],
    ]
    last = WIDTH - 1
    merges = [(0, 0, 0, last), (1, 0, 1, last), (2, 1, 2, last), (3, 1, 3, 3), (3, 5, 3, last), (4, 6, 4, last)]
    merges += [(5, 1, 5, 3), (5, 5, 5, last)]
    meta_end = table_start = len(rows)
    rows.append(list(HEADER))
    first = table_start + 1
    for row in gold["rows"]:
        # 分值 and 得分 are typed as numbers, as filers do
        rows.append([cell or None for cell in row[:5]] + [Decimal(row[5]), Decimal(row[6]), row[7] or None])
    total_weight, total_score = _totals(gold)
    rows.append(["总分", None, None, None, None, total_weight, total_score, None])
    merges.append((len(rows) - 1, 0, len(rows) - 1, 4))
    level1 = [r[0] for r in gold["rows"]]
    level2 = [f"{r[0]}\x00{r[1]}" for r in gold["rows"]]
    for col, values in ((0, level1), (1, level2)):
        merges += mf._runs(values, first, col)
    return mf.Grid(rows=rows, merges=merges, meta_start=2, meta_end=meta_end, table_start=table_start)


def _totals(gold: dict[str, Any]) -> tuple[Decimal, Decimal]:
    weight = sum((Decimal(r[5]) for r in gold["rows"]), Decimal(0))
    score = sum((Decimal(r[6]) for r in gold["rows"]), Decimal(0))
    return weight, score


def _shown(grid: Any) -> list[list[str]]:
    """The grid as a reader of a printed form sees it: a merged cell's text in its first cell only."""
    hidden = {(r, c) for r0, c0, r1, c1 in grid.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    hidden -= {(r0, c0) for r0, c0, _, _ in grid.merges}
    return [
        ["" if (r, c) in hidden or v is None else str(v) for c, v in enumerate(row)] for r, row in enumerate(grid.rows)
    ]


# ---- txt and md ----------------------------------------------------------------------------------------------


def write_txt(gold: dict[str, Any], path: Path) -> None:
    """The title lines, then one line per row with its cells apart by tabs (a Word table pasted into a text file)."""
    shown = _shown(build_grid(gold))
    lines = [shown[0][0], shown[1][0], *("\t".join(row).rstrip("\t") for row in shown[2:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_md(gold: dict[str, Any], path: Path) -> None:
    """Title and year as text, the form as one pipe table (merged cells left empty)."""
    shown = _shown(build_grid(gold))
    lines = [f"# {shown[0][0]}", "", shown[1][0], ""]
    for i, row in enumerate(shown[2:]):
        lines.append("| " + " | ".join(cell.replace("|", "｜") for cell in row) + " |")
        if i == 0:
            lines.append("|" + "---|" * WIDTH)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- xlsx, docx, pdf -----------------------------------------------------------------------------------------


def write_xlsx(gold: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{gold['year']}年项目支出绩效自评表"
    mf._put_grid(sheet, build_grid(gold), 1)
    for letter, width in zip("FGH", (7, 7, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.properties.creator = "indicatornlp scripts/make_selfeval.py"
    workbook.properties.created = mf.STAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(mf._fixed_zip(buffer.getvalue()))


def write_docx(gold: dict[str, Any], path: Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    grid = build_grid(gold)
    document = Document()
    document.styles["Normal"].font.size = Pt(9)
    for text in (grid.rows[0][0], grid.rows[1][0]):
        paragraph = document.add_paragraph(mf._text(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rows, merges = grid.section(grid.meta_start, len(grid.rows))
    table = document.add_table(rows=len(rows), cols=WIDTH)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    merged = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    origins = {(r0, c0) for r0, c0, _, _ in merges}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged and (r, c) not in origins:
                continue
            table.cell(r, c).text = mf._text(value)  # after merging: python-docx joins the texts it merges
    core = document.core_properties
    core.author = core.last_modified_by = "indicatornlp scripts/make_selfeval.py"
    core.created = core.modified = mf.STAMP
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(mf._fixed_zip(buffer.getvalue()))


def write_pdf(gold: dict[str, Any], path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont(mf.FONT))
    cell = ParagraphStyle("cell", fontName=mf.FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=mf.FONT, fontSize=15, leading=22, alignment=1, wordWrap="CJK")
    centered = ParagraphStyle("centered", fontName=mf.FONT, fontSize=10.5, leading=16, alignment=1)
    grid = build_grid(gold)
    rows, merges = grid.section(grid.meta_start, len(grid.rows))
    story: list[Any] = [
        Paragraph(escape(mf._text(grid.rows[0][0])), title),
        Paragraph(escape(mf._text(grid.rows[1][0])), centered),
        Spacer(1, 4),
        mf.FormTable(rows, merges, PDF_WIDTHS, cell, header_rows=0, ruled=True),
    ]
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=mf.PAGE_MARGIN,
        rightMargin=mf.PAGE_MARGIN,
        topMargin=mf.PAGE_MARGIN,
        bottomMargin=mf.PAGE_MARGIN,
        title=f"{gold['year']} 年项目支出绩效自评表",
        author="indicatornlp scripts/make_selfeval.py",
        creator="indicatornlp scripts/make_selfeval.py",
        invariant=1,
    )
    document.build(story, canvasmaker=mf._numbered_canvas([]))


WRITERS: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "txt": write_txt,
    "md": write_md,
    "xlsx": write_xlsx,
    "docx": write_docx,
    "pdf": write_pdf,
}


def make_selfeval(out: Path = OUT, gold: Path = GOLD, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write the 自评表 in every format into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    content = load_gold(gold)
    written = []
    for suffix in formats:
        path = out / f"{STEM}.{suffix}"
        WRITERS[suffix](content, path)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="the form's content (JSON)")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write into")
    parser.add_argument("--only", choices=FORMATS, action="append", help="write only this format (repeatable)")
    args = parser.parse_args(argv)
    for path in make_selfeval(args.out, args.gold, args.only or FORMATS):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
