"""The columns of an indicator table: which cell of a row is the name, the target, the actual, the score.

A header row gives each column a role (``_forms.header_roles``).  Rows of a spreadsheet sit under their header,
but rows of a page flattened to text do not: a merged 一级/二级 cell is printed once and dropped from the rows it
spans, so those rows are shifted left, and a qualitative row may merge its 目标值 and 度量单位 cells.  ``Columns``
reads a row by the distance of each cell from its name, checks that a cell fits its column (a 分值 is a
number, a 度量单位 a unit) and moves it right when it does not, and stops at a second block of columns (中期 |
年度).

>>> header = [(1, "level1"), (2, "level2"), (3, "name"), (4, "comparator"), (5, "target"), (6, "unit")]
>>> columns = Columns.of(header)
>>> columns.after_name
('comparator', 'target', 'unit')
>>> cells = [Cell("发放培训教材", 2, 1), Cell("=", 2, 2), Cell("60", 2, 3), Cell("套", 2, 4)]
>>> columns.relative(1, [Text(c.text, c) for c in cells[1:]])
([('comparator', '='), ('target', '60'), ('unit', '套')], [])
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import NamedTuple

from ..targets import is_target_cell, is_unit
from ..text import bounded_cache
from ._forms import LABEL_ROLES, VALUE_ROLES, as_label, is_comparator, is_furniture, is_kind

__all__ = ["DEFAULT_ROLES", "Cell", "Columns", "Text", "fit_score", "fold_target", "header_span", "is_number"]


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


class Text(NamedTuple):
    """A non-empty cell with its text repaired (line breaks joined)."""

    text: str
    cell: Cell


DEFAULT_ROLES = ("target", "actual", "weight", "score")
"""Value columns of a table read without its header: 年度指标值, then 实际完成值, 分值 and 得分 of a 自评表."""
_NUMBER = re.compile(r"^\d+(?:\.\d+)?分?$")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_STRUCTURE = LABEL_ROLES | {"name"}


def is_number(text: str) -> bool:
    """A bare number (a 分值 or 得分: "10", "7.5", "10分")."""
    return bool(_NUMBER.match(text))


@bounded_cache(65536)
def fit_score(role: str | None, text: str) -> float | None:
    """How well a cell fits a column of this role: ``None`` when it cannot sit there (a 分值 is a number, a
    计算符号 a comparator or a 指标性质 word), a negative score when it may but should not (a 度量单位 that is no
    unit), more the more it looks the part."""
    if role in ("weight", "score"):
        return 2.0 if is_number(text) else None
    if role == "comparator":
        return 2.0 if is_comparator(text) or is_kind(text) else None
    if role == "unit":
        return 2.0 if is_unit(text) or not text.strip("-—/") else -1.0
    if role == "target":
        if is_kind(text):
            return None
        return 2.0 if is_target_cell(text) else 0.3
    if role == "actual":
        return 1.5 if is_target_cell(text) or is_number(text) else 0.5
    if role == "reason":
        return None if is_number(text) or is_target_cell(text) else 0.3
    return 0.3


def _fits(role: str | None, text: str) -> bool:
    """A cell may sit in a column of this role."""
    score = fit_score(role, text)
    return score is not None and score >= 0


@dataclasses.dataclass
class Columns:
    """The indicator header in force: the role of each column and the value columns right of the 三级 name.

    A table with two column blocks (中期 | 年度: 二级 三级 指标值 二级 三级 指标值) is read from its first block;
    ``after_name`` stops where the second one starts.  A header without a target column (a column per town after
    the 指标解释) takes the first column it does not name as the target.
    """

    by_col: dict[int, str]
    """Role (or header text, for an extra column) by column."""
    name_col: int | None
    after_name: tuple[str | None, ...]
    """Role at offset 1, 2 … from the 三级 name column, up to the end of the first block."""
    blocks: bool
    """A second block of columns follows the first."""
    numbered: bool
    """A column right of the labels and left of the name (序号) holds a row number."""
    level2: bool
    """The header has a 二级 column (without one, a 二级 label may sit in the name column)."""

    @classmethod
    def of(cls, header: Sequence[tuple[int, str | None]]) -> Columns:
        """The columns of a header given as (column, role or ``None``) for each of its cells."""
        by_col = {col: role for col, role in header if role}
        unnamed = {col for col, role in header if not role and col not in by_col}
        names = [c for c, r in by_col.items() if r == "name"]
        if not names:
            return cls(by_col, None, (), False, False, "level2" in by_col.values())
        name_col = min(names)
        labels = [c for c, r in by_col.items() if r in LABEL_ROLES and c < name_col]
        between = range(max(labels, default=0) + 1, name_col)
        numbered = any(c in by_col and by_col[c] not in LABEL_ROLES for c in between)
        after: list[str | None] = []
        blocks = False
        for col in range(name_col + 1, max([*by_col, *unnamed]) + 1):
            role = by_col.get(col)
            if role in _STRUCTURE:
                blocks = True
                break
            after.append(role if col not in unnamed else None)
        if "target" not in after and "actual" not in after and None in after:
            after[after.index(None)] = "target"
        # a two-row header flattened: the value columns of its first row (年度指标值 | 实际完成值 | 分值 | 得分)
        # printed before the labels of its second row (一级 | 二级 | 三级 | 指标性质 | 指标值 | 度量单位)
        for col in sorted(by_col):
            if col < name_col and by_col[col] in VALUE_ROLES and by_col[col] not in after and not blocks:
                after.append(by_col[col])
        return cls(by_col, name_col, tuple(after), blocks, numbered, "level2" in by_col.values())

    def role(self, col: int) -> str | None:
        return self.by_col.get(col)

    @property
    def width(self) -> int | None:
        """The most cells a row holds from its name on (more, and the first ones are labels); ``None`` for a table
        of two blocks, whose rows hold the labels of the second block too."""
        return None if self.blocks else 1 + int(self.numbered) + len(self.after_name)

    def relative(self, name_col: int, cells: Sequence[Text]) -> tuple[list[tuple[str, str]], list[Text]] | None:
        """(role, text) of the cells right of a name at ``name_col``, read by their distance from it, and the cells
        past the first block; ``None`` when a cell sits left of the name or none falls inside the block.

        Rows whose merged label cells were dropped are shifted left, but their cells keep their distances.  A
        cell that does not fit its column (no number under 分值, no unit under 度量单位) belongs to a column
        further right: a sub-item row without a score, a 目标值 merged with its 度量单位.
        """
        values: list[tuple[str, str]] = []
        after: list[Text] = []
        shift = 0
        for t in cells:
            at = t.cell.col - name_col - 1 + shift
            if at < 0:
                return None
            while at < len(self.after_name) and not _fits(self.after_name[at], t.text):
                at, shift = at + 1, shift + 1
            if at >= len(self.after_name):
                after.append(t)
            else:
                values.append((self.after_name[at] or "", t.text))
        if cells and not values:
            return None
        return values, after

    def missing(self, filled: Sequence[str], cells: Sequence[Text]) -> list[tuple[str, str]] | None:
        """(role, text) of cells that continue a row whose ``filled`` value columns are known, in column order and
        each fitting its column; ``None`` when they do not all fit (they start a new row)."""
        open_roles = [r for r in self.after_name if r is not None and r not in filled]
        values: list[tuple[str, str]] = []
        at = 0
        for t in cells:
            while at < len(open_roles) and not _fits(open_roles[at], t.text):
                at += 1
            if at >= len(open_roles):
                return None
            values.append((open_roles[at], t.text))
            at += 1
        return values

    def absolute(self, cells: Sequence[Text]) -> list[tuple[str, str]]:
        """(role, text) of cells read by their own column (the second block, if any, left out)."""
        end = self.name_col + len(self.after_name) if self.name_col is not None and self.blocks else None
        return [(self.by_col.get(t.cell.col) or "", t.text) for t in cells if end is None or t.cell.col <= end]

    def row_number(self, cells: Sequence[Text]) -> bool:
        """The first cell is the row's number (序号) before its name."""
        return self.numbered and len(cells) >= 2 and bool(_ROW_NUMBER.match(cells[0].text))


def fold_target(cells: Sequence[Text]) -> tuple[list[str], list[str]]:
    """The values of a row read without its header, a target split over cells (≥ | 90 | %) joined in source
    order, and the 指标性质 words (定性) apart: (["≥ 90 %", "92"], [])."""
    out: list[str] = []
    kinds: list[str] = []
    i = 0
    while i < len(cells):
        text = cells[i].text
        if is_kind(text):
            kinds.append(text)
            i += 1
            continue
        if is_comparator(text) and i + 1 < len(cells):
            text, i = f"{text} {cells[i + 1].text}", i + 1
            if i + 1 < len(cells) and is_unit(cells[i + 1].text):
                text, i = f"{text} {cells[i + 1].text}", i + 1
        out.append(text)
        i += 1
    return out, kinds


def header_span(texts: Sequence[Text], roles: Sequence[str | None]) -> tuple[int, int]:
    """Where the header cells of a row start and end: a flattened page may run metadata and rows into it.

    The header ends at its last known header word before the first label, comparator or target; a row with
    none of these after its header is all header, the cells it does not name included (a column per town).
    """
    named = next(i for i, r in enumerate(roles) if r is not None)
    first = named
    while first > 0 and is_furniture(texts[first - 1].text):
        first -= 1
    data = next(
        (
            i
            for i in range(named + 1, len(texts))
            if roles[i] is None
            and (as_label(texts[i].text) is not None or is_target_cell(texts[i].text) or is_comparator(texts[i].text))
        ),
        None,
    )
    if data is None:
        return first, len(texts)
    end = named + 1
    for i in range(named + 1, data):
        if roles[i] is not None or is_furniture(texts[i].text):
            end = i + 1
    return first, end
