"""Write the two Songjiang seed filings as .xlsx, .docx and .pdf, laid out as real filings are.

The content is the gold transcription of the seeds (``tests/fixtures/seed_rows.json``: every indicator row and
the metadata of the 9 projects); the layout is the one of the 项目支出绩效目标申报表 the seeds were printed from:
a title and a year line, a metadata block (项目名称, 主管部门, 实施单位, 项目类别, 计划开始/完成日期, 项目资金 and
its split, 年度总目标), then the 绩效指标 table whose 一级/二级 cells are merged over the rows they cover.

- ``songjiang-jiguan-2023``: the 填报表 layout (a 4-column 绩效指标 table under a 绩效指标 heading); the workbook holds
  one project per sheet, the Word document one table per project.
- ``songjiang-zuzhibu-2022``: the 申报表 layout (a 5-column table whose first column, 绩效指标, spans every indicator
  row); the workbook holds the six projects on one sheet, the Word document two tables per project (metadata,
  then indicators).
- The PDFs have a text layer and ruled tables, narrow 一级/二级 columns whose labels wrap ("产出指\\n标"), tables
  broken over pages with the header row repeated (a merged 一级 cell goes on empty on the next page, as Word
  prints it), and page numbers "2 / 10".  They use reportlab's built-in CID font ``STSong-Light``: no font file
  is needed to write them, and none is embedded (reading needs only the text layer).

The output is deterministic (fixed timestamps inside the zip packages, reportlab's ``invariant`` mode), so that
running the script again changes no committed byte while the libraries stay the same.

Usage::

    python scripts/make_filings.py                      # writes data/filings/*.xlsx|.docx|.pdf
    python scripts/make_filings.py --out /tmp/x --only pdf
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "seed_rows.json"
OUT = ROOT / "data" / "filings"
FORMATS = ("xlsx", "docx", "pdf")

# the fixed moment written into every package, so that output bytes do not depend on when the script ran
STAMP = datetime.datetime(2024, 1, 1, 0, 0, 0)

Value = str | Decimal | datetime.date | int | None


@dataclasses.dataclass(frozen=True)
class Layout:
    """How one seed's forms are laid out and packaged."""

    title: str
    """The form's title line (with `{n}`, the project's number in the document)."""
    year_line: str
    """The line under the title (with `{year}`)."""
    heading_table: bool
    """True: 绩效指标 is a heading row above a 4-column table; False: a first column spanning the table."""
    sheet_per_project: bool
    """Workbook: one project per sheet (else all projects stacked on one sheet)."""
    split_docx_tables: bool
    """Word: metadata and indicators in two tables per project (else one table per project)."""


LAYOUTS = {
    "songjiang-jiguan-2023": Layout(
        title="财政项目支出绩效目标填报表 {n}",
        year_line="（{year} 年度）",
        heading_table=True,
        sheet_per_project=True,
        split_docx_tables=False,
    ),
    "songjiang-zuzhibu-2022": Layout(
        title="财政项目支出绩效目标申报表",
        year_line="({year} 年度)",
        heading_table=False,
        sheet_per_project=False,
        split_docx_tables=True,
    ),
}

Merge = tuple[int, int, int, int]
"""(first row, first column, last row, last column), 0-based and inclusive."""


@dataclasses.dataclass
class Grid:
    """One project's form as a grid of 5 columns with its merged areas."""

    rows: list[list[Value]]
    merges: list[Merge]
    meta_start: int
    """First row of the metadata block (the rows above are the title and year lines)."""
    meta_end: int
    """The row after the metadata block."""
    table_start: int
    """First row of the 绩效指标 table (its header row); rows between the metadata and it are headings."""

    def section(self, start: int, end: int) -> tuple[list[list[Value]], list[Merge]]:
        """Rows ``start:end`` and the merges inside them, renumbered from 0."""
        merges = [(r0 - start, c0, r1 - start, c1) for r0, c0, r1, c1 in self.merges if start <= r0 and r1 < end]
        return self.rows[start:end], merges


def load_gold(path: Path = GOLD) -> dict[str, list[dict[str, Any]]]:
    """The gold projects grouped by seed (file stem), in filed order."""
    projects = json.loads(path.read_text(encoding="utf-8"))
    seeds: dict[str, list[dict[str, Any]]] = {}
    for project in projects:
        seeds.setdefault(Path(project["source"]).stem, []).append(project)
    return seeds


def _money(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def _runs(values: Sequence[str | None], start: int, col: int) -> Iterable[Merge]:
    """Vertical merges over the runs of equal consecutive labels of column ``col`` (grid rows from ``start``)."""
    first = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[first]:
            if i - first > 1:
                yield (start + first, col, start + i - 1, col)
            first = i


def build_grid(project: dict[str, Any], layout: Layout, number: int) -> Grid:
    """The form of one project: title, metadata block, 绩效指标 table."""
    year = project["year"]
    funds = project["funds"]
    annual, carryover, other = (_money(funds.get(k)) for k in ("annual", "carryover", "other"))
    appropriation = None  # 当年财政拨款: what the year's budget adds to the carry-over and other funds
    if annual is not None:
        appropriation = annual - (carryover or 0) - (other or 0)
    rows: list[list[Value]] = [
        [layout.title.format(n=number), None, None, None, None],
        [layout.year_line.format(year=year), None, None, None, None],
        ["项目名称", project["project"], "项目类别", project["category"], None],
        ["主管部门", project["department"], "实施单位", project["unit"], None],
        ["计划开始日期", _date(project["start"]), "计划完成日期", _date(project["end"]), None],
        ["项目资金（元）", "项目资金总额", _money(funds.get("total")), "年度资金申请总额", annual],
        [None, "其中：财政资金", _money(funds.get("fiscal")), "其中：当年财政拨款", appropriation],
        [None, None, None, "上年结转资金", carryover],
        [None, "其他资金", other, "其他资金", other],
        ["项目绩效目标", f"项目总目标（{year}年-{year}年）", None, "年度总目标", None],
        [None, None, None, project["goal"], None],
    ]
    merges: list[Merge] = [(0, 0, 0, 4), (1, 0, 1, 4), (2, 3, 2, 4), (3, 3, 3, 4), (4, 3, 4, 4), (5, 0, 8, 0)]
    merges += [(9, 0, 10, 0), (9, 1, 9, 2), (9, 3, 9, 4), (10, 1, 10, 2), (10, 3, 10, 4)]
    meta_end = len(rows)
    indicators = project["indicators"]
    first = meta_end + 1  # first indicator row
    if layout.heading_table:
        rows.append(["绩效指标", None, None, None, None])
        merges.append((meta_end, 0, meta_end, 4))
        table_start = meta_end + 1
        rows.append(["一级指标", "二级指标", "三级指标", None, "年度指标值"])
        merges.append((table_start, 2, table_start, 3))
        first = table_start + 1
        for i, row in enumerate(indicators):
            rows.append([row["level1_raw"], row["level2_raw"], row["name"], None, _target(row["target_raw"])])
            merges.append((first + i, 2, first + i, 3))
        level1_col = 0
    else:
        table_start = meta_end
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"])
        merges.append((table_start, 0, table_start + len(indicators), 0))
        for row in indicators:
            rows.append([None, row["level1_raw"], row["level2_raw"], row["name"], _target(row["target_raw"])])
        level1_col = 1
    level1 = [row["level1_raw"] for row in indicators]
    # a 二级 label merges only within its 一级 (the same 二级 under another 一级 is another cell)
    level2 = [f"{row['level1_raw']}\x00{row['level2_raw']}" for row in indicators]
    for col, values in ((level1_col, level1), (level1_col + 1, level2)):
        merges += _runs(values, first, col)
    return Grid(rows=rows, merges=merges, meta_start=2, meta_end=meta_end, table_start=table_start)


def _date(text: str | None) -> datetime.date | None:
    return None if not text else datetime.date.fromisoformat(text)


def _target(text: str) -> Value:
    """A bare whole number is typed into a workbook as a number, as filers do (``12``); the rest is text."""
    return int(text) if re.fullmatch(r"[1-9]\d{0,8}", text) else text


def _text(value: Value) -> str:
    """A value as printed on a Word or PDF form."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# ---- xlsx --------------------------------------------------------------------------------------------------


def write_xlsx(projects: Sequence[dict[str, Any]], path: Path, layout: Layout) -> None:
    """One project per sheet, or every project stacked on one sheet (two blank rows apart)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    grids = [build_grid(p, layout, n) for n, p in enumerate(projects, 1)]
    if layout.sheet_per_project:
        for project, grid in zip(projects, grids, strict=True):
            sheet = workbook.create_sheet(_sheet_title(project["project"]))
            _put_grid(sheet, grid, 1)
    else:
        sheet = workbook.create_sheet(f"{projects[0]['year']}年项目绩效目标")
        top = 1
        for grid in grids:
            _put_grid(sheet, grid, top)
            top += len(grid.rows) + 2
    workbook.properties.creator = "indicatornlp scripts/make_filings.py"
    workbook.properties.created = STAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _sheet_title(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def _put_grid(sheet: Any, grid: Grid, top: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10)
    wrap = Alignment(wrap_text=True, vertical="center")
    for width, letter in zip((9, 11, 13, 40, 14), "ABCDE", strict=True):
        sheet.column_dimensions[letter].width = width
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            cell = sheet.cell(row=top + r, column=c + 1)
            if r >= grid.meta_start:
                cell.border = border
            cell.font = font
            cell.alignment = wrap
            if value is None:
                continue
            if isinstance(value, Decimal):
                exponent = value.as_tuple().exponent
                places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
                cell.value = float(value) if places else int(value)
                cell.number_format = "0." + "0" * places if places else "0"
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    # typed as "'=3 次" in Excel: text, not a formula
                    cell.data_type = "s"
                    cell.quotePrefix = True
    for r0, c0, r1, c1 in grid.merges:
        sheet.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)


# ---- docx --------------------------------------------------------------------------------------------------


def write_docx(projects: Sequence[dict[str, Any]], path: Path, layout: Layout) -> None:
    """Title and year paragraphs, then one table per project, or a metadata and an indicator table."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    for n, project in enumerate(projects, 1):
        grid = build_grid(project, layout, n)
        if n > 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for text in (grid.rows[0][0], grid.rows[1][0]):
            paragraph = document.add_paragraph(_text(text))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if layout.split_docx_tables:
            sections = [(grid.meta_start, grid.table_start), (grid.table_start, len(grid.rows))]
        else:
            sections = [(grid.meta_start, len(grid.rows))]
        for i, (start, end) in enumerate(sections):
            if i:
                document.add_paragraph("")  # Word joins two tables with nothing between them
            rows, merges = grid.section(start, end)
            table = document.add_table(rows=len(rows), cols=5)
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
                    # set after merging: python-docx joins the texts of the cells it merges
                    table.cell(r, c).text = _text(value)
    core = document.core_properties
    core.author = core.last_modified_by = "indicatornlp scripts/make_filings.py"
    core.created = core.modified = STAMP
    core.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps and a fixed modification date in its core properties."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


# ---- pdf ---------------------------------------------------------------------------------------------------

FONT = "STSong-Light"
PAGE_MARGIN = 56.0
# columns (points) of the metadata block and of the 绩效指标 tables; the 一级 column holds 3 characters a line
META_WIDTHS = (50.0, 112.0, 78.0, 112.0, 108.0)
TABLE_WIDTHS = {True: (36.0, 56.0, 230.0, 82.0, 56.0), False: (28.0, 36.0, 56.0, 266.0, 74.0)}


def write_pdf(
    projects: Sequence[dict[str, Any]],
    path: Path,
    layout: Layout,
    *,
    ruled: bool = True,
    repeat: int = 1,
    extra: Sequence[Any] = (),
) -> int:
    """The forms one after another, flowing over pages; returns the number of pages.

    ``ruled=False`` draws no table lines (a layout readers must take from the text alone); ``repeat`` writes the
    content that many times (the benchmark's long PDF); ``extra`` flowables go after the forms (a scanned page).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=FONT, fontSize=15, leading=22, alignment=1, wordWrap="CJK")
    centered = ParagraphStyle("centered", fontName=FONT, fontSize=10.5, leading=16, alignment=1)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=10.5, leading=18, wordWrap="CJK")
    story: list[Any] = []
    for _ in range(repeat):
        for n, project in enumerate(projects, 1):
            grid = build_grid(project, layout, n)
            story.append(Paragraph(escape(_text(grid.rows[0][0])), title))
            story.append(Paragraph(escape(_text(grid.rows[1][0])), centered))
            story.append(Spacer(1, 4))
            rows, merges = grid.section(grid.meta_start, grid.meta_end)
            story.append(FormTable(rows, merges, META_WIDTHS, cell, header_rows=0, ruled=ruled))
            story.append(Spacer(1, 8))
            for r in range(grid.meta_end, grid.table_start):
                story.append(Paragraph(escape(_text(grid.rows[r][0])), heading))
            rows, merges = grid.section(grid.table_start, len(grid.rows))
            widths = TABLE_WIDTHS[layout.heading_table]
            story.append(FormTable(rows, merges, widths, cell, header_rows=1, ruled=ruled))
            story.append(Spacer(1, 24))
    story.extend(extra)
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=PAGE_MARGIN,
        title=f"{projects[0]['year']} 年财政支出项目绩效目标申报表",
        author="indicatornlp scripts/make_filings.py",
        creator="indicatornlp scripts/make_filings.py",
        invariant=1,
    )
    pages: list[int] = []
    document.build(story, canvasmaker=_numbered_canvas(pages))
    return pages[0]


def _numbered_canvas(pages: list[int]) -> Callable[..., Any]:
    """A canvas class that prints "n / N" at the foot of every page once it knows N."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._states: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._states)
            pages.append(total)
            for state in self._states:
                self.__dict__.update(state)
                self.setFont(FONT, 9)
                width = self._pagesize[0]
                self.drawCentredString(width / 2, PAGE_MARGIN / 2, f"{self._pageNumber} / {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _form_table_class() -> type:
    from reportlab.platypus import Flowable, Paragraph, Table

    class _FormTable(Flowable):  # type: ignore[misc]
        """A ruled table whose merged cells may break over pages (reportlab's own Table refuses to).

        On a page break the header rows are repeated; a merged cell that crosses the break keeps its text on the
        first page and goes on, empty, on the next one.
        """

        def __init__(
            self,
            rows: Sequence[Sequence[Value]],
            merges: Sequence[Merge],
            widths: Sequence[float],
            style: Any,
            *,
            header_rows: int,
            ruled: bool,
        ) -> None:
            super().__init__()
            self.rows = [list(row) for row in rows]
            self.merges = list(merges)
            self.widths = list(widths)
            self.style = style
            self.header_rows = header_rows
            self.ruled = ruled
            data = [[Paragraph(escape(_text(v)), style) if _text(v) else "" for v in row] for row in self.rows]
            commands: list[tuple[Any, ...]] = [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
            if ruled:
                commands.append(("GRID", (0, 0), (-1, -1), 0.6, "black"))
            commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in self.merges]
            self.table = Table(data, colWidths=self.widths, style=commands)

        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            width, height = self.table.wrap(available_width, available_height)
            self.width, self.height = width, height
            return width, height

        def draw(self) -> None:
            self.table.drawOn(self.canv, 0, 0)

        def split(self, available_width: float, available_height: float) -> list[Any]:
            self.table.wrap(available_width, available_height)
            heights = self.table._rowHeights
            used = sum(heights[: self.header_rows])
            cut = self.header_rows
            while cut < len(heights) and used + heights[cut] <= available_height:
                used += heights[cut]
                cut += 1
            while cut > self.header_rows:
                if cut == len(heights):
                    return []
                first, rest = self._cut(cut)
                # the first part's rows may grow once its merged cells are cut short: fit it for real
                if first.wrap(available_width, available_height)[1] <= available_height:
                    return [first, rest]
                cut -= 1
            return []

        def _cut(self, cut: int) -> tuple[Any, Any]:
            head = self.header_rows
            first_merges: list[Merge] = []
            rest_merges: list[Merge] = []
            rest_rows = [list(row) for row in self.rows[:head]] + [list(row) for row in self.rows[cut:]]
            for r0, c0, r1, c1 in self.merges:
                if r1 < cut:
                    first_merges.append((r0, c0, r1, c1))
                    if r1 < head:  # inside the repeated header
                        rest_merges.append((r0, c0, r1, c1))
                elif r0 >= cut:
                    rest_merges.append((r0 - cut + head, c0, r1 - cut + head, c1))
                else:  # crosses the break
                    first_merges.append((r0, c0, cut - 1, c1))
                    top = r0 if r0 < head else head
                    if r0 >= head:
                        rest_rows[head][c0] = None  # its text stays on the first page
                    rest_merges.append((top, c0, r1 - cut + head, c1))
            first = type(self)(
                self.rows[:cut], first_merges, self.widths, self.style, header_rows=head, ruled=self.ruled
            )
            rest = type(self)(rest_rows, rest_merges, self.widths, self.style, header_rows=head, ruled=self.ruled)
            return first, rest

    return _FormTable


def FormTable(
    rows: Sequence[Sequence[Value]],
    merges: Sequence[Merge],
    widths: Sequence[float],
    style: Any,
    *,
    header_rows: int,
    ruled: bool,
) -> Any:
    """A table flowable of the form (see ``_form_table_class``); reportlab is imported only when writing PDFs."""
    return _form_table_class()(rows, merges, widths, style, header_rows=header_rows, ruled=ruled)


# ---- main --------------------------------------------------------------------------------------------------

WRITERS: dict[str, Callable[[Sequence[dict[str, Any]], Path, Layout], Any]] = {
    "xlsx": write_xlsx,
    "docx": write_docx,
    "pdf": write_pdf,
}


def make_filings(out: Path = OUT, gold: Path = GOLD, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write every seed in every format into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, projects in load_gold(gold).items():
        layout = LAYOUTS[stem]
        for suffix in formats:
            path = out / f"{stem}.{suffix}"
            WRITERS[suffix](projects, path, layout)
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="the gold projects (JSON)")
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write into")
    parser.add_argument("--only", choices=FORMATS, action="append", help="write only this format (repeatable)")
    args = parser.parse_args(argv)
    for path in make_filings(args.out, args.gold, args.only or FORMATS):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
