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

import re
from collections.abc import Iterable, Mapping, Sequence

from ..records import Filing, Position
from ..targets import is_target_cell
from ._columns import DEFAULT_ROLES, Cell, Columns, Text, fold_target, header_span, is_number
from ._forms import (
    VALUE_ROLES,
    Label,
    as_label,
    clean_key,
    compact,
    header_roles,
    is_comparator,
    is_furniture,
    is_kind,
    is_label_colon,
    is_placeholder,
    is_stop,
    is_title,
    is_total,
    is_unknown_label,
    join_broken,
    metadata_key,
    repair_breaks,
    year_cell,
    year_of_title,
)
from ._project import Project, Row, no_table
from ._prose import items

__all__ = ["Cell", "filings_from_rows"]


# ---- rows of cells --------------------------------------------------------------------------------------


_HEADER_TAIL = re.compile(r"(?:值|分值|得分|说明|原因|依据|单位|权重)(?:\([^()]*\))?$")


def _listed(text: str) -> list[tuple[str, str]] | None:
    """The items of a cell that lists several indicators with their targets ("a4次;b2000份;c≥95%。"), or None."""
    if not re.search(r"[;；]", text):
        return None
    listed = [(name, target) for name, target, _ in items(text, glued=True)]
    return listed if len(listed) >= 2 and all(target for _, target in listed) else None


def _value_like(text: str) -> bool:
    return is_target_cell(text) or is_number(text) or is_comparator(text) or is_kind(text)


def _label_like(text: str) -> bool:
    """A short cell of words that may be a label in words the taxonomy does not know (项目决策)."""
    return 2 <= len(text) <= 12 and not re.search(r"\d", text) and not is_target_cell(text)


def filings_from_rows(
    rows: Iterable[Sequence[Cell]],
    *,
    path: str,
    sheet: str | None = None,
    table: int | None = None,
    tables: Mapping[int, int] | None = None,
    default_year: int | None = None,
    flattened: bool = False,
) -> list[Filing]:
    """One ``Filing`` per project found in the rows of one sheet or document, in order: every grid reader's end.

    ``table`` numbers the table of every row (a PDF page's table); ``tables`` maps row numbers to table numbers
    when rows are numbered through a document of several tables (Word, HTML); ``flattened`` says the rows come
    from a page flattened to text, whose rows may run a form's title, metadata, header and rows together.  Raises
    ``NoIndicatorTableError`` when no row at all reads as an indicator row.
    """
    reader = _GridReader(path, sheet, table, default_year)
    reader.flattened = flattened
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
        self.stopped: Text | None = None  # the row that ended the table in force (a note, a paragraph)
        self.header_seen = False
        self.flattened = False  # rows of a flattened page may begin with the title and year line of a form

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
        self.roles, self.in_table, self.goal_below, self.stopped = None, False, None, None
        return self.project

    def current(self, cell: Cell) -> Project:
        return self.project if self.project is not None else self.start_project(cell, -1)

    def row(self, cells: Sequence[Cell]) -> None:
        texts: list[Text] = []
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
                texts.append(Text(text, cell))
        if texts:
            texts.sort(key=lambda t: t.cell.col)
            self.texts(texts)

    def texts(self, texts: list[Text]) -> None:
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
            self.stopped = texts[0]
            return
        roles = header_roles([t.text for t in texts])
        if roles is not None:
            start, end = header_span(texts, roles)
            if start and not project.rows:
                self.metadata_row(project, texts[:start])  # metadata before the header, on the same flattened row
            header = [
                (t.cell.col, r)
                for t, r in zip(texts[start:end], roles[start:end], strict=True)
                if r or not is_furniture(t.text)
            ]
            self.roles = {col: r for col, r in header if r}
            self._columns = Columns.of(header)
            self.header_seen = True
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
        elif self.stopped is not None and self.starts_table(texts) and len(texts) >= 3:
            stop = self.stopped
            project.lost(
                self.position(stop.cell), stop.text, self.position(texts[0].cell), " | ".join(t.text for t in texts)
            )

    def marker(self, texts: Sequence[Text]) -> int | None:
        first = texts[0].text
        flattened = self.flattened and not self.in_table  # a run of cells that starts with the form's title
        if is_title(first) and (len(texts) <= 2 or flattened):
            return 0
        if year_cell(first) is not None and (len(texts) == 1 or flattened):
            return 1
        key = metadata_key(first)
        if key is not None and key[0] == "project":
            return 2
        return None

    def starts_table(self, texts: Sequence[Text]) -> bool:
        """A row that opens an indicator table without a header: a strong label, or a name with its target
        split over cells (a chunk cut from the middle of a table: "公益性讲座知晓率 | = | 100 | %")."""
        label = as_label(texts[0].text)
        if label is not None and label.strong and len(texts) >= 2 and as_label(texts[-1].text) is None:
            return True
        if len(texts) >= 3 and (second := as_label(texts[1].text)) is not None and second.level1 and second.strong:
            return _listed(texts[2].text) is not None  # "年度绩效总目标 | 产出指标 | a4次;b2000份": a cell of items
        return len(texts) >= 3 and metadata_key(texts[0].text) is None and is_comparator(texts[1].text)

    # metadata
    def metadata_row(self, project: Project, texts: Sequence[Text]) -> None:
        project.meta_cells += [t.text for t in texts]
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
            if (
                nxt is not None
                and metadata_key(nxt.text) is None
                and not is_furniture(nxt.text)
                and not is_label_colon(nxt.text)
            ):
                project.set_field(field, nxt.text)
                i += 2
                continue
            if field == "goal":
                overall = [u.cell.col for u in texts[:i] if clean_key(u.text) in ("项目总目标", "总体目标", "长期目标")]
                self.goal_below = (t.cell.col, overall[-1] if overall else 0)
            i += 1

    # indicator rows
    def indicator_row(self, project: Project, texts: list[Text]) -> None:
        texts = [t for t in texts if not is_furniture(t.text)]
        if not texts:
            return
        if self.roles is not None and header_roles([t.text for t in texts]) is not None:
            return  # a header repeated inside the table (after a page break)
        if self.after_header and all(_HEADER_TAIL.search(t.text) and len(t.text) <= 12 for t in texts):
            return  # the second line of a two-line header ("2021年实际实现值 | 预期2022年实现值")
        self.after_header = False
        while texts and self.in_table:
            texts = self.one_row(project, texts)

    def one_row(self, project: Project, texts: list[Text]) -> list[Text]:
        """Read one indicator row from the start of ``texts``; the cells after it (a flattened page runs rows
        together) are returned."""
        if is_total(texts[0].text):
            return []  # 合计 | 100: the sum of the scores, not an indicator
        heads = len(texts) >= 3 and as_label(texts[0].text) is None and _listed(texts[2].text) is not None
        if heads and (label := as_label(texts[1].text)) is not None and label.strong:
            texts = texts[1:]  # "年度绩效总目标 | 产出指标 | items": the first cell heads the block
        labels, found = self.labels_of(project, texts)
        rest = texts[len(labels) :]
        if found and not found[-1].strong and self.weak_label_is_name(found, rest):
            rest.insert(0, labels.pop())  # "群众满意度 | ≥95%": the weak label is the 三级 name
            found.pop()
        if found and project.labels.feed([(f, t.cell.col) for f, t in zip(found, labels, strict=True)], self.roles):
            project.backfill_level1()
        if not rest:
            return []
        if all(t.cell.merged_from is not None and t.cell.merged_from[0] != t.cell.row for t in rest) and not found:
            return []  # nothing new: the cells are a vertical merge repeated from the row above
        if not found and len(rest) == 1 and is_placeholder(rest[0].text) and not self.wants_value(project, rest[0]):
            return []  # "指标2:", "……": a slot left empty, the table goes on
        if not found and len(rest) == 1 and self.is_prose(rest[0]):
            self.in_table = False
            self.stopped = rest[0]
            return []
        if not found and self.roles is None and len(rest) == 2 and not _value_like(rest[1].text):
            self.in_table = False  # no header, no label, no value: "资金拨付对象 | 某街道办事处" after the table
            self.stopped = rest[0]
            return []
        columns = self.columns
        in_name_column = (
            columns is not None and not columns.level2 and bool(found) and found[-1].level2 and not found[-1].level1
        )
        return self.place(project, rest, bool(found), labels[-1] if in_name_column else None)

    def labels_of(self, project: Project, texts: Sequence[Text]) -> tuple[list[Text], list[Label]]:
        """The 一级/二级 label cells at the start of a row, with labels in words the taxonomy does not know: a cell
        right before a known label, and a short cell ending in 指标 right after one, when a name and a value
        follow."""
        labels: list[Text] = []
        found: list[Label] = []
        if len(texts) >= 4 and _label_like(texts[0].text) and as_label(texts[0].text) is None:
            after = as_label(texts[1].text)
            if after is not None and after.strong and not after.level1:
                labels.append(texts[0])
                found.append(Label(texts[0].text, True, False, True, other=True))
        while len(labels) < len(texts) and (label := as_label(texts[len(labels)].text)) is not None:
            labels.append(texts[len(labels)])
            found.append(label)
        columns = self.columns
        width = columns.width if columns is not None else None
        while len(texts) - len(labels) >= 3 and (
            is_unknown_label(texts[len(labels)].text, longest=16)
            or (
                width is not None
                and width < len(texts) - len(labels) <= width + 2
                and _label_like(texts[len(labels)].text)
            )
        ):
            level1 = not found and project.labels.level1 is None
            labels.append(texts[len(labels)])
            found.append(Label(labels[-1].text, level1, not level1, True, other=True))
        return labels, found

    def weak_label_is_name(self, found: Sequence[Label], rest: Sequence[Text]) -> bool:
        """A weak label ("群众满意度") after a 一级 and a 二级, or followed by values only, is the 三级 name."""
        if len(found) >= 3:
            return True
        if not rest:
            return False
        columns = self.columns
        if columns is not None and columns.width is not None and len(rest) >= columns.width:
            return False  # a whole row follows it: name and values
        first = rest[0]
        return (
            is_target_cell(first.text)
            or is_comparator(first.text)
            or (columns is not None and columns.role(first.cell.col) in VALUE_ROLES and len(rest) <= 2)
        )

    def wants_value(self, project: Project, t: Text) -> bool:
        """The open row still lacks its target and this lone cell may be it ("—" in the next row)."""
        open_row = project.rows[-1] if project.rows and project.labels.rows_since > 0 else None
        return open_row is not None and not open_row.target and is_target_cell(t.text)

    def is_prose(self, t: Text) -> bool:
        """A paragraph between tables (a long one-cell row, or a heading left of the 三级 column)."""
        if len(t.text) > 60:
            return True
        columns = self.columns
        if columns is None or columns.name_col is None:
            return False
        return t.cell.col < columns.name_col and is_stop(t.text)

    @property
    def columns(self) -> Columns | None:
        return self._columns if self.roles is not None else None

    def place(self, project: Project, rest: list[Text], labelled: bool, label_in_name: Text | None) -> list[Text]:
        open_row = project.rows[-1] if project.rows and project.labels.rows_since > 0 else None
        page_turned = open_row is not None and rest[0].cell.page is not None and rest[0].cell.page != open_row.page
        name, values, leftover = self.split(rest, open_row if not labelled else None, label_in_name)
        listed = _listed(name.text) if name is not None and not values else None
        if name is not None and listed is not None:  # a cell of items: "a4次;b2000份;c≥95%。"
            for text, target in listed:
                self.add_row(project, Text(text, name.cell), [("target", target)])
            return self.more(project.rows[-1], leftover)
        if open_row is not None and not labelled:
            if name is None and values and not open_row.has_values(values):
                open_row.fill(values)  # the values of a row sit in the next row
                return self.more(open_row, leftover)
            if page_turned and name is not None and (not open_row.target or not any(r == "target" for r, _ in values)):
                open_row.name = join_broken([open_row.name, name.text])  # a row split by a page break
                open_row.fill(values)
                return self.more(open_row, leftover)
        row = self.add_row(project, name or Text("", (label_in_name or rest[0]).cell), values)
        return self.more(row, leftover)

    def add_row(self, project: Project, name: Text, values: Sequence[tuple[str, str]]) -> Row:
        level1, level2 = project.labels.for_row()
        row = Row(
            name=name.text,
            target="",
            level1=level1,
            level2=level2,
            position=self.position(name.cell),
            page=name.cell.page,
        )
        row.fill(values)
        project.add(row)
        return row

    @staticmethod
    def more(row: Row, leftover: list[Text]) -> list[Text]:
        """Cells after a complete row: values of a column the header does not name, or the next row."""
        if not leftover:
            return leftover
        if all(is_target_cell(t.text) or is_number(t.text) for t in leftover):
            row.extra.extend(("", t.text) for t in leftover)
            return []
        return leftover

    def split(
        self, rest: list[Text], open_row: Row | None, label_in_name: Text | None
    ) -> tuple[Text | None, list[tuple[str, str]], list[Text]]:
        """The name cell of a row, its values as (role, text) in source order, and the cells after the row.

        ``open_row`` is the row above when this one states no label: cells in its missing value columns fill it.
        ``label_in_name`` is a 二级 label standing in the name column of a header without a 二级 column.
        """
        columns = self.columns
        if columns is None:
            if open_row is not None and all(is_target_cell(t.text) or is_number(t.text) for t in rest):
                missing = [r for r in DEFAULT_ROLES if not open_row.has_values([(r, "")])]
                if len(rest) <= len(missing):  # the rest of the row above ("好坏 | 5 | 5")
                    return None, list(zip(missing, (t.text for t in rest), strict=False)), []
            folded, kinds = fold_target(rest[1:])
            roles = DEFAULT_ROLES[: len(folded)]
            extra = [("指标性质", k) for k in kinds] + [("", t) for t in folded[len(roles) :]]
            return rest[0], [*zip(roles, folded, strict=False), *extra], []
        if label_in_name is not None:
            relative = columns.relative(label_in_name.cell.col, rest)
            if relative is not None:
                return None, relative[0], ([] if columns.blocks else relative[1])
        first = rest[0]
        if open_row is not None and columns.role(first.cell.col) in VALUE_ROLES:
            values = columns.absolute(rest)
            if not open_row.has_values(values):
                return None, values, []
        if open_row is not None and (is_target_cell(first.text) or is_comparator(first.text)):
            continued = columns.missing(open_row.filled(), rest)
            if continued is not None:
                return None, continued, []  # the values of the row above, on lines of their own
        number: list[tuple[str, str]] = []
        if columns.row_number(rest):
            number, rest = [("序号", rest[0].text)], rest[1:]
        name, cells = rest[0], rest[1:]
        if columns.role(name.cell.col) == "name":
            return name, number + columns.absolute(cells), []
        relative = columns.relative(name.cell.col, cells)
        if relative is not None:
            values, after = relative
            return name, number + values, ([] if columns.blocks else after)
        if all(columns.role(t.cell.col) in VALUE_ROLES for t in cells):
            return name, number + columns.absolute(cells), []
        value_roles = [r for r in columns.after_name if r is not None] or ["target"]
        n_names = max(1, len(rest) - len(value_roles))
        joined = Text(" ".join(t.text for t in rest[:n_names]), rest[0].cell)
        return joined, number + list(zip(value_roles, [t.text for t in rest[n_names:]], strict=False)), []

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
            seen = "a header, but no row under it" if self.header_seen else ""
            raise no_table(self.path if self.sheet is None else f"{self.path} (sheet {self.sheet})", seen=seen)
        return filings
