"""The table logic every reader shares: from rows of cells to ``Filing`` records.

A reader turns its format into rows of ``Cell`` (a spreadsheet row, a Word or HTML table row, a line of
tab- or pipe-separated text) and hands them to ``filings_from_rows``, which finds the projects, their
metadata (项目名称, 主管部门, 项目资金总额 …) and their indicator rows.  The words of the forms are in ``_forms``,
the project being built in ``_project``; the text reader, whose input has no cell boundaries, uses both line by
line.  Whether a cell is a target value is ``indicatornlp.targets.is_target_cell``.

Whitespace: a cell's line breaks are repaired (a break next to a Chinese character is dropped, any other becomes
one space: "服务对象满\\n意度指标" → "服务对象满意度指标"); spaces inside a line are kept as filed ("=3 次",
"满意度指 标"), leading and trailing ones are stripped.  Labels keep the text so repaired; canonical categories
come from ``canonical_category``.

>>> rows = [
...     [Cell("项目名称", 1, 1), Cell("党组织建设", 1, 2)],
...     [Cell("一级指标", 2, 1), Cell("二级指标", 2, 2), Cell("三级指标", 2, 3), Cell("年度指标值", 2, 4)],
...     [Cell("产出指\\n标", 3, 1), Cell("数量指标", 3, 2), Cell("工、青、妇活动", 3, 3), Cell("=3 次", 3, 4)],
...     [Cell("党组织特色活动", 4, 3), Cell(">=30 场", 4, 4)],
... ]
>>> [(i.level1_raw, i.level2_raw, i.name, i.target_raw) for i in filings_from_rows(rows, path="a.xlsx")[0].indicators]
[('产出指标', '数量指标', '工、青、妇活动', '=3 次'), ('产出指标', '数量指标', '党组织特色活动', '>=30 场')]
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from ..records import Filing, Position
from ..targets import is_target_cell, is_unit
from ._forms import (
    VALUE_ROLES,
    Label,
    as_label,
    clean_key,
    compact,
    header_roles,
    is_comparator,
    is_furniture,
    is_placeholder,
    is_stop,
    is_title,
    join_broken,
    metadata_key,
    repair_breaks,
    year_cell,
    year_of_title,
)
from ._project import Project, Row, no_table

__all__ = ["Cell", "filings_from_rows"]


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a table as laid out in the source."""

    text: str
    """Cell text as extracted (may contain line breaks); ``""`` for an empty cell."""
    row: int
    """1-based row in the source table or sheet."""
    col: int
    """1-based column."""
    page: int | None = None
    line: int | None = None
    merged_from: tuple[int, int] | None = None
    """(row, col) of the top-left cell when this cell is covered by a merge."""


# ---- rows of cells --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Columns:
    """The indicator header in force: the role of each column and the value columns right of the 三级 name.

    A table with two column blocks (中期 | 年度: 二级 三级 指标值 二级 三级 指标值) is read from its first block;
    ``after_name`` stops where the second one starts.
    """

    by_col: dict[int, str]
    name_col: int | None
    after_name: tuple[str | None, ...]
    """Role at offset 1, 2 … from the 三级 name column, up to the end of the first block."""
    blocks: bool
    """A second block of columns follows the first."""

    @classmethod
    def of(cls, by_col: dict[int, str]) -> Columns:
        names = [c for c, r in by_col.items() if r == "name"]
        if not names:
            return cls(by_col, None, (), False)
        name_col = min(names)
        after: list[str | None] = []
        blocks = False
        for col in range(name_col + 1, max(by_col) + 1):
            role = by_col.get(col)
            if role in ("level1", "level2", "name"):
                blocks = True
                break
            after.append(role)
        return cls(by_col, name_col, tuple(after), blocks)

    def role(self, col: int) -> str | None:
        return self.by_col.get(col)

    def relative(self, name_col: int, cells: Sequence[_Text]) -> tuple[list[tuple[str, str]], list[_Text]] | None:
        """(role, text) of the cells right of a name at ``name_col``, read by their distance from it, and the cells
        past the first block; ``None`` when a cell sits left of the name or none falls inside the block.

        Rows whose merged label cells were dropped are shifted left, but their cells keep their distances.  A
        cell that is no number under a 分值/得分 column belongs to the next column (a sub-item row without a score).
        """
        values: list[tuple[str, str]] = []
        after: list[_Text] = []
        shift = 0
        for t in cells:
            at = t.cell.col - name_col - 1 + shift
            if at < 0:
                return None
            while at < len(self.after_name) and self.after_name[at] in _SCORES and not _NUMBER.match(t.text):
                at, shift = at + 1, shift + 1
            if at >= len(self.after_name):
                after.append(t)
            else:
                values.append((self.after_name[at] or "", t.text))
        if cells and not values:
            return None
        return values, after

    def absolute(self, cells: Sequence[_Text]) -> list[tuple[str, str]]:
        """(role, text) of cells read by their own column (the second block, if any, left out)."""
        end = self.name_col + len(self.after_name) if self.name_col is not None and self.blocks else None
        return [(self.by_col.get(t.cell.col) or "", t.text) for t in cells if end is None or t.cell.col <= end]


_DEFAULT_ROLES = ("target", "actual", "weight", "score")
"""Value columns of a table read without its header: 年度指标值, then 实际完成值, 分值 and 得分 of a 自评表."""
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_SCORES = frozenset({"weight", "score"})


def fold_target(cells: Sequence[_Text]) -> list[str]:
    """The values of a row with a target split over cells (≥ | 90 | %) joined in source order: ["≥ 90 %"]."""
    out: list[str] = []
    i = 0
    while i < len(cells):
        text = cells[i].text
        if is_comparator(text) and i + 1 < len(cells):
            text, i = f"{text} {cells[i + 1].text}", i + 1
            if i + 1 < len(cells) and is_unit(cells[i + 1].text):
                text, i = f"{text} {cells[i + 1].text}", i + 1
        out.append(text)
        i += 1
    return out


_HEADER_TAIL = re.compile(r"(?:值|分值|得分|说明|原因|依据|单位|权重)(?:\([^()]*\))?$")


class _Text(NamedTuple):
    text: str
    cell: Cell


def _header_span(texts: Sequence[_Text], roles: Sequence[str | None]) -> tuple[int, int]:
    """Where the header cells of a row start and end: a flattened page may run metadata and rows into it."""
    first = next(i for i, r in enumerate(roles) if r is not None)
    while first > 0 and is_furniture(texts[first - 1].text):
        first -= 1
    end = first
    for i in range(first, len(texts)):
        if roles[i] is not None or is_furniture(texts[i].text):
            end = i + 1
        elif as_label(texts[i].text) is not None or is_target_cell(texts[i].text):
            break
    return first, end


def filings_from_rows(
    rows: Iterable[Sequence[Cell]],
    *,
    path: str,
    sheet: str | None = None,
    table: int | None = None,
    tables: Mapping[int, int] | None = None,
    default_year: int | None = None,
) -> list[Filing]:
    """One ``Filing`` per project found in the rows of one sheet or document, in order: every grid reader's end.

    ``table`` numbers the table of every row (a PDF page's table); ``tables`` maps row numbers to table numbers
    when rows are numbered through a document of several tables (Word, HTML).  Raises ``NoIndicatorTableError``
    when no row at all reads as an indicator row.
    """
    reader = _GridReader(path, sheet, table, default_year)
    if tables:
        reader.table_of_row = dict(tables)
    for cells in rows:
        reader.row(cells)
    return reader.finish()


class _GridReader:
    def __init__(self, path: str, sheet: str | None, table: int | None, default_year: int | None) -> None:
        self.path, self.sheet, self.table = path, sheet, table
        self.default_year = default_year
        self.projects: list[Project] = []
        self.project: Project | None = None
        self.roles: dict[int, str] | None = None  # column → role of the indicator table in force
        self.in_table = False
        self.goal_below: tuple[int, int] | None = None  # (年度总目标 column, 项目总目标 column or 0)
        self.table_of_row: dict[int, int] = {}
        self.after_header = False  # no label or row yet since the header: a second header line may follow
        self._columns: Columns | None = None

    # positions
    def position(self, cell: Cell) -> Position:
        table = self.table_of_row.get(cell.row, self.table)
        return Position(
            self.path,
            page=cell.page,
            line=cell.line,
            sheet=self.sheet,
            row=cell.row if cell.line is None else None,
            table=table,
        )

    def start_project(self, cell: Cell, marker: int) -> Project:
        if self.project is not None:
            self.projects.append(self.project)
        self.project = Project(self.position(cell))
        self.project.markers = marker
        self.roles, self.in_table, self.goal_below = None, False, None
        return self.project

    def current(self, cell: Cell) -> Project:
        return self.project if self.project is not None else self.start_project(cell, -1)

    def row(self, cells: Sequence[Cell]) -> None:
        texts: list[_Text] = []
        for cell in cells:
            if (
                cell.merged_from is not None
                and cell.merged_from[0] == cell.row
                and cell.merged_from
                != (
                    cell.row,
                    cell.col,
                )
            ):
                continue  # a horizontal merge repeats its text along the row
            text = repair_breaks(cell.text)
            if text:
                texts.append(_Text(text, cell))
        if texts:
            texts.sort(key=lambda t: t.cell.col)
            self.texts(texts)

    def texts(self, texts: list[_Text]) -> None:
        """One row (or a run of cells that a flattened page did not split into rows)."""
        marker = self.marker(texts)
        if marker is not None:
            project = self.project
            if project is None or project.rows or marker <= project.markers:
                project = self.start_project(texts[0].cell, marker)
            project.markers = max(project.markers, marker)
            if marker == 0:
                title = texts[0].text
                project.year = project.year or year_of_title(title)
                if "自评" in title:
                    project.form = "自评表"
                if len(texts) > 1 and not is_title(texts[1].text):
                    self.texts(texts[1:])
                return
            if marker == 1:
                project.year = project.year or year_cell(texts[0].text)
                if len(texts) > 1:
                    self.texts(texts[1:])
                return
        project = self.current(texts[0].cell)
        if self.in_table and is_stop(texts[0].text):
            self.in_table = False
            return
        roles = header_roles([t.text for t in texts])
        if roles is not None:
            start, end = _header_span(texts, roles)
            if start:
                self.texts(texts[:start])  # metadata before the header, on the same flattened row
            self.roles = {t.cell.col: r for t, r in zip(texts[start:end], roles[start:end], strict=True) if r}
            self.in_table = True
            self.after_header = True
            self.goal_below = None
            if "actual" in roles[start:end]:
                project.form = "自评表"
            if end < len(texts):
                self.texts(texts[end:])  # the first rows of the table, on the same flattened row
            return
        if not self.in_table and not project.rows and self.starts_table(texts):
            self.in_table = True
        if self.in_table:
            self.indicator_row(project, texts)
        elif not project.rows:
            self.metadata_row(project, texts)

    def marker(self, texts: Sequence[_Text]) -> int | None:
        first = texts[0].text
        if len(texts) <= 2 and is_title(first):
            return 0
        if len(texts) == 1 and year_cell(first) is not None:
            return 1
        key = metadata_key(first)
        if key is not None and key[0] == "project":
            return 2
        return None

    def starts_table(self, texts: Sequence[_Text]) -> bool:
        label = as_label(texts[0].text)
        return label is not None and label.strong and len(texts) >= 2 and as_label(texts[-1].text) is None

    # metadata
    def metadata_row(self, project: Project, texts: Sequence[_Text]) -> None:
        if self.goal_below is not None:
            goal_col, overall_col = self.goal_below
            self.goal_below = None
            values = [t for t in texts if metadata_key(t.text) is None and not is_furniture(t.text)]
            if values and len(values) == len(texts) - sum(is_furniture(t.text) for t in texts):
                same = [t for t in values if t.cell.col == goal_col]
                right = [t for t in values if t.cell.col > overall_col]
                chosen = same[0] if same else right[-1] if (right and (overall_col or len(values) == 1)) else None
                if chosen is not None:
                    project.set_field("goal", chosen.text)
                return
        i = 0
        while i < len(texts):
            t = texts[i]
            key = metadata_key(t.text)
            if key is None:
                i += 1
                continue
            field, inline = key
            if "万元" in compact(t.text):
                project.scale = 10000
            if inline:
                project.set_field(field, inline)
                i += 1
                continue
            nxt = texts[i + 1] if i + 1 < len(texts) else None
            if nxt is not None and metadata_key(nxt.text) is None and not is_furniture(nxt.text):
                project.set_field(field, nxt.text)
                i += 2
                continue
            if field == "goal":
                overall = [u.cell.col for u in texts[:i] if clean_key(u.text) in ("项目总目标", "总体目标", "长期目标")]
                self.goal_below = (t.cell.col, overall[-1] if overall else 0)
            i += 1

    # indicator rows
    def indicator_row(self, project: Project, texts: list[_Text]) -> None:
        roles = self.roles
        texts = [t for t in texts if not is_furniture(t.text)]
        if not texts:
            return
        if roles is not None and header_roles([t.text for t in texts]) is not None:
            return  # a header repeated inside the table (after a page break)
        if self.after_header and all(_HEADER_TAIL.search(t.text) and len(t.text) <= 12 for t in texts):
            return  # the second line of a two-line header ("2021年实际实现值 | 预期2022年实现值")
        self.after_header = False
        labels: list[_Text] = []
        found: list[Label] = []
        while len(labels) < len(texts) and (label := as_label(texts[len(labels)].text)) is not None:
            labels.append(texts[len(labels)])
            found.append(label)
        rest = texts[len(labels) :]
        if found and not found[-1].strong and self.weak_label_is_name(found, rest):
            rest.insert(0, labels.pop())  # "群众满意度 | ≥95%": the weak label is the 三级 name
            found.pop()
        if found and project.labels.feed([(f, t.cell.col) for f, t in zip(found, labels, strict=True)], roles):
            project.backfill_level1()
        if not rest:
            return
        if all(t.cell.merged_from is not None and t.cell.merged_from[0] != t.cell.row for t in rest) and not found:
            return  # nothing new: the cells are a vertical merge repeated from the row above
        if not found and len(rest) == 1 and is_placeholder(rest[0].text) and not self.wants_value(project, rest[0]):
            return  # "指标2:", "……": a slot left empty, the table goes on
        if not found and len(rest) == 1 and self.is_prose(rest[0]):
            self.in_table = False
            return
        self.place(project, rest, bool(found))

    def weak_label_is_name(self, found: Sequence[Label], rest: Sequence[_Text]) -> bool:
        """A weak label ("群众满意度") after a 一级 and a 二级, or followed by values only, is the 三级 name."""
        if len(found) >= 3:
            return True
        if not rest:
            return False
        columns = self.columns
        first = rest[0]
        return (
            is_target_cell(first.text)
            or is_comparator(first.text)
            or (columns is not None and columns.role(first.cell.col) in VALUE_ROLES and len(rest) <= 2)
        )

    def wants_value(self, project: Project, t: _Text) -> bool:
        """The open row still lacks its target and this lone cell may be it ("—" in the next row)."""
        open_row = project.rows[-1] if project.rows and project.labels.rows_since > 0 else None
        return open_row is not None and not open_row.target and is_target_cell(t.text)

    def is_prose(self, t: _Text) -> bool:
        """A paragraph between tables (a one-cell row left of the 三级 column), not an indicator."""
        if len(t.text) > 60:
            return True
        columns = self.columns
        if columns is None or columns.name_col is None:
            return False
        return t.cell.col < columns.name_col and is_stop(t.text)

    @property
    def columns(self) -> Columns | None:
        if self.roles is None:
            return None
        if self._columns is None or self._columns.by_col is not self.roles:
            self._columns = Columns.of(self.roles)
        return self._columns

    def place(self, project: Project, rest: list[_Text], labelled: bool) -> None:
        open_row = project.rows[-1] if project.rows and project.labels.rows_since > 0 else None
        page_turned = open_row is not None and rest[0].cell.page is not None and rest[0].cell.page != open_row.page
        name, values, leftover = self.split(rest, open_row if not labelled else None)
        if open_row is not None and not labelled:
            if name is None and values and not open_row.has_values(values):
                open_row.fill(values)  # the values of a row sit in the next row
                self.more(project, leftover)
                return
            if page_turned and name is not None and (not open_row.target or not any(r == "target" for r, _ in values)):
                open_row.name = join_broken([open_row.name, name.text])  # a row split by a page break
                open_row.fill(values)
                self.more(project, leftover)
                return
        if name is None:
            name = _Text("", rest[0].cell)
        cell = name.cell
        level1, level2 = project.labels.for_row()
        row = Row(
            name=name.text,
            target="",
            level1=level1,
            level2=level2,
            position=self.position(cell),
            page=cell.page,
        )
        row.fill(values)
        project.add(row)
        self.more(project, leftover)

    def more(self, project: Project, leftover: list[_Text]) -> None:
        """Cells after a complete row: the next indicator row on the same line (a table flattened to a stream)."""
        if not leftover:
            return
        open_row = project.rows[-1] if project.rows else None
        if open_row is not None and all(is_target_cell(t.text) or _NUMBER.match(t.text) for t in leftover):
            open_row.extra.extend(("", t.text) for t in leftover)  # values of a column the header does not name
            return
        self.indicator_row(project, leftover)

    def split(self, rest: list[_Text], open_row: Row | None) -> tuple[_Text | None, list[tuple[str, str]], list[_Text]]:
        """The name cell of a row, its values as (role, text) in source order, and the cells after the row.

        ``open_row`` is the row above when this one states no label: cells in its missing value columns fill it.
        """
        columns = self.columns
        if columns is None:
            folded = fold_target(rest[1:])
            roles = _DEFAULT_ROLES[: len(folded)]
            extra = [("", t) for t in folded[len(roles) :]]
            return rest[0], [*zip(roles, folded, strict=False), *extra], []
        first = rest[0]
        if open_row is not None and columns.role(first.cell.col) in VALUE_ROLES:
            values = columns.absolute(rest)
            if not open_row.has_values(values):
                return None, values, []
        name, cells = rest[0], rest[1:]
        if columns.role(name.cell.col) == "name":
            return name, columns.absolute(cells), []
        relative = columns.relative(name.cell.col, cells)
        if relative is not None:
            values, after = relative
            return name, values, ([] if columns.blocks else after)
        if all(columns.role(t.cell.col) in VALUE_ROLES for t in cells):
            return name, columns.absolute(cells), []
        value_roles = [r for r in columns.after_name if r is not None] or ["target"]
        n_names = max(1, len(rest) - len(value_roles))
        joined = _Text(" ".join(t.text for t in rest[:n_names]), rest[0].cell)
        return joined, list(zip(value_roles, [t.text for t in rest[n_names:]], strict=False)), []

    def finish(self) -> list[Filing]:
        if self.project is not None:
            self.projects.append(self.project)
        filings: list[Filing] = []
        default = self.default_year
        for project in self.projects:
            if not project.rows and "project" not in project.fields:
                default = project.year or default  # a document title: its year holds for what follows
                continue
            filings.append(project.filing(default))
        if not any(f.indicators for f in filings):
            raise no_table(self.path if self.sheet is None else f"{self.path} (sheet {self.sheet})")
        return filings
