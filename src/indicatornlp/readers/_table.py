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
from ..targets import is_target_cell
from ._forms import (
    Label,
    as_label,
    clean_key,
    compact,
    header_roles,
    is_furniture,
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


_HEADER_TAIL = re.compile(r"(?:值|分值|得分|说明|原因|依据|单位|权重)(?:\([^()]*\))?$")


class _Text(NamedTuple):
    text: str
    cell: Cell


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
        if not texts:
            return
        texts.sort(key=lambda t: t.cell.col)
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
                return
            if marker == 1:
                project.year = project.year or year_cell(texts[0].text)
                return
        project = self.current(texts[0].cell)
        if self.in_table and is_stop(texts[0].text):
            self.in_table = False
            return
        cell_texts = [t.text for t in texts]
        roles = header_roles(cell_texts)
        if roles is not None:
            self.roles = {t.cell.col: r for t, r in zip(texts, roles, strict=True) if r is not None}
            self.in_table = True
            self.after_header = True
            self.goal_below = None
            if "actual" in roles:
                project.form = "自评表"
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
        if (
            found
            and not found[-1].strong
            and len(rest) == 1
            and (is_target_cell(rest[0].text) or (roles or {}).get(rest[0].cell.col) == "target")
        ):
            rest.insert(0, labels.pop())  # "群众满意度 | ≥95%": the weak label is the 三级 name
            found.pop()
        if found and project.labels.feed([(f, t.cell.col) for f, t in zip(found, labels, strict=True)], roles):
            project.backfill_level1()
        if not rest:
            return
        if all(t.cell.merged_from is not None and t.cell.merged_from[0] != t.cell.row for t in rest) and not found:
            return  # nothing new: the cells are a vertical merge repeated from the row above
        if not found and len(rest) == 1 and self.is_prose(rest[0]):
            self.in_table = False
            return
        self.place(project, rest, bool(found))

    def is_prose(self, t: _Text) -> bool:
        """A paragraph between tables (a one-cell row left of the 三级 column), not an indicator."""
        if self.roles is None:
            return len(t.text) > 60
        name_cols = [c for c, r in self.roles.items() if r == "name"]
        return bool(name_cols) and t.cell.col < min(name_cols) and not is_target_cell(t.text)

    def place(self, project: Project, rest: list[_Text], labelled: bool) -> None:
        roles = self.roles
        open_row = project.rows[-1] if project.rows and project.labels.rows_since > 0 else None
        page_turned = open_row is not None and rest[0].cell.page is not None and rest[0].cell.page != open_row.page
        by_role: dict[str, _Text] | None = None
        if roles is not None and all(roles.get(t.cell.col) not in (None, "level1", "level2") for t in rest):
            by_role = {roles[t.cell.col]: t for t in rest}
            if "name" not in by_role and (labelled or open_row is None):
                by_role = None  # a new label starts a new row: read the cells in order
        if by_role is None:
            value_roles = [r for _, r in sorted((roles or {}).items()) if r not in ("level1", "level2", "name")]
            value_roles = value_roles or ["target"]
            if len(rest) == 1 and not labelled and open_row is not None and is_target_cell(rest[0].text):
                by_role = {"target": rest[0]}  # a row whose value sits in the next row
            else:
                n_names = max(1, len(rest) - len(value_roles))
                joined = _Text(" ".join(t.text for t in rest[:n_names]), rest[0].cell)
                by_role = {"name": joined, **dict(zip(value_roles, rest[n_names:], strict=False))}
        name = by_role.pop("name") if "name" in by_role else None
        if open_row is not None and not labelled:
            if name is None and not open_row.target and "target" in by_role:
                self.fill(open_row, by_role)
                return
            if page_turned and name is not None and (not open_row.target or "target" not in by_role):
                open_row.name = join_broken([open_row.name, name.text])  # a row split by a page break
                self.fill(open_row, by_role)
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
        self.fill(row, by_role)
        project.add(row)

    @staticmethod
    def fill(row: Row, by_role: dict[str, _Text]) -> None:
        for role, t in by_role.items():
            if role == "target":
                row.target = join_broken([row.target, t.text]) if row.target else t.text
            elif role == "actual":
                row.actual = join_broken([row.actual, t.text]) if row.actual else t.text
            else:
                row.extra.append((role, t.text))

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
