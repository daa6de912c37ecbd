"""The table logic every reader shares: from rows of cells to ``Filing`` records.

A reader turns its format into rows of ``Cell`` (a spreadsheet row, a Word or HTML table row, a line of
tab- or pipe-separated text) and hands them to ``filings_from_rows``, which finds the projects, their
metadata (项目名称, 主管部门, 项目资金总额 …) and their indicator rows.  The text reader, whose input has no
cell boundaries, uses the same vocabulary, label tracking and project builder line by line.

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
import datetime
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

from ..errors import NoIndicatorTableError
from ..records import Filing, Funds, Indicator, Position
from ..taxonomy import Taxonomy, canonical_category, clean_label, default_taxonomy
from ..targets import is_target_cell
from ..text import is_cjk, normalize_text

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


# ---- vocabulary (data/readers.toml and the taxonomy) ----------------------------------------------------


class Label(NamedTuple):
    """A cell read as a 一级/二级 label."""

    text: str
    level1: bool
    """It names a 一级 (or an alias of one)."""
    level2: bool
    """It names a 二级 (or an alias of one)."""
    strong: bool
    """It ends in 指标 (a weak one, such as "满意度", may also be a 三级 name)."""
    other: bool = False
    """A label of another frame (投入/过程 …): kept raw, no canonical category."""


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """The words of the forms (data/readers.toml) and the label names of the taxonomy."""

    keys: dict[str, str]
    columns: dict[str, str]
    header_words: tuple[str, ...]
    stop_prefixes: tuple[str, ...]
    furniture: frozenset[str]
    ambiguous_level2: dict[str, frozenset[str]]
    target_words: tuple[str, ...]
    units: tuple[str, ...]
    level1_stems: frozenset[str]
    level2_stems: frozenset[str]
    other_stems: frozenset[str]
    canonical_level2: frozenset[str]
    label_prefixes: frozenset[str]
    key_prefixes: frozenset[str]


def _stem(label: str) -> str:
    return label[:-2] if label.endswith("指标") and len(label) > 2 else label


@cache
def vocabulary() -> Vocabulary:
    """The reader vocabulary, read once."""
    data = tomllib.loads(resources.files("indicatornlp").joinpath("data/readers.toml").read_text("utf-8"))
    keys = {clean_key(k): field for field, words in data["metadata"].items() for k in words}
    columns = {compact(k): role for role, words in data["columns"].items() for k in words}
    header_words = tuple(sorted({compact(w) for w in data["header_words"]} | set(columns), key=len, reverse=True))
    taxonomy: Taxonomy = default_taxonomy()
    # the taxonomy keeps its alias tables private; the readers need exact membership, not its fuzzy lookup
    level1 = frozenset(taxonomy._level1)
    level2 = frozenset(taxonomy._level2)
    other = frozenset(taxonomy._not_categories)
    forms = {s + "指标" for s in level1 | level2 | other} | level1 | level2 | other
    prefixes = frozenset(f[:n] for f in forms for n in range(2, len(f)))
    return Vocabulary(
        keys=keys,
        columns=columns,
        header_words=header_words,
        stop_prefixes=tuple(normalize_text(p) for p in data["stop_prefixes"]),
        furniture=frozenset(compact(w) for w in data["furniture"]),
        ambiguous_level2={k: frozenset(v) for k, v in data["ambiguous_level2"].items()},
        target_words=tuple(sorted(data["target"]["words"], key=len, reverse=True)),
        units=tuple(sorted(data["target"]["units"], key=len, reverse=True)),
        level1_stems=level1,
        level2_stems=level2,
        other_stems=other,
        canonical_level2=frozenset(taxonomy.level2_names),
        label_prefixes=prefixes,
        key_prefixes=frozenset(k[:n] for k in keys for n in range(2, len(k))),
    )


# ---- text helpers -----------------------------------------------------------------------------------


def _wide(char: str) -> bool:
    """A Chinese character, CJK punctuation or a full-width form: no space is meant next to it."""
    return is_cjk(char) or "\uff00" <= char <= "\uffef" or char in "“”‘’—…·"


def join_broken(parts: Sequence[str]) -> str:
    """Join pieces of one cell that a line break separated: nothing next to Chinese, one space otherwise.

    >>> join_broken(["服务对象满", "意度指标"])
    '服务对象满意度指标'
    >>> join_broken(["G60", "2023"])
    'G60 2023'
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def repair_breaks(text: str) -> str:
    """A cell's text with its line breaks repaired and its ends stripped (inner spaces kept)."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    return join_broken(text.splitlines())


def compact(text: str) -> str:
    """Normalized text without any space: the form keys and headers are matched on."""
    return normalize_text(text).replace(" ", "")


_KEY_PREFIX = re.compile(r"^(?:其中|含)[:：]?")
_KEY_SUFFIX = re.compile(r"(?:[:：]|\([^()]*\))+$")


@lru_cache(maxsize=8192)
def clean_key(text: str) -> str:
    """A metadata label as matched: ``"其中：财政资金"`` → ``"财政资金"``, ``"项目资金 (元)"`` → ``"项目资金"``."""
    key = compact(text)
    key = _KEY_PREFIX.sub("", key)
    return _KEY_SUFFIX.sub("", key)


@lru_cache(maxsize=65536)
def metadata_key(text: str) -> tuple[str, str] | None:
    """The field a metadata label announces and any value written in the same cell ("项目名称：物业管理").

    >>> metadata_key("其中：财政资金")
    ('fiscal', '')
    >>> metadata_key("项目名称：物业管理")
    ('project', '物业管理')
    >>> metadata_key("物业管理") is None
    True
    """
    if len(text) > 40:
        return None
    keys = vocabulary().keys
    key = clean_key(text)
    if key in keys:
        return keys[key], ""
    match = re.match(r"^\s*(?:其中\s*[:：]\s*)?([^:：]{2,12})\s*[:：]\s*(\S.*)$", text.strip())
    if match and clean_key(match.group(1)) in keys:
        return keys[clean_key(match.group(1))], match.group(2).strip()
    return None


def is_furniture(text: str) -> bool:
    """A row header or separator with no data of its own ("绩效 指标", "---")."""
    key = compact(text)
    return key in vocabulary().furniture or not key.strip("-=:|")


def is_stop(text: str) -> bool:
    """A note, signature or section heading that ends an indicator table."""
    t = normalize_text(text)
    return (
        t.startswith(vocabulary().stop_prefixes)
        or bool(re.match(r"^[一二三四五六七八九十]+、", t))
        or bool(re.search(r"\((?:盖章|签章|签字)\)", t))
    )


_TITLE = re.compile(r"(?:绩效目标|绩效自评|自评|绩效)[^。，,;；]{0,12}?表\d*(?:\([^()]*\))?$")
_YEAR_CELL = re.compile(r"^[(（]?(\d{4})年度?[)）]?$")
_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def is_title(text: str) -> bool:
    """The title of a form ("财政项目支出绩效目标填报表 1", "项目支出绩效自评表")."""
    key = compact(text)
    return 4 <= len(key) <= 60 and bool(_TITLE.search(key))


def year_cell(text: str) -> int | None:
    """The year of a "（2023 年度）" line or cell."""
    match = _YEAR_CELL.match(compact(text))
    return int(match.group(1)) if match else None


def year_of_title(text: str) -> int | None:
    """The year in a title ("2023 年财政支出项目绩效目标申报表")."""
    match = _YEAR_IN_TITLE.search(compact(text))
    return int(match.group(1)) if match else None


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_amount(text: str, *, scale: int = 1) -> Decimal | None:
    """The first amount in a cell, in 元 (``scale`` 10000 for a block headed 万元; "854万" counts 万 itself).

    >>> parse_amount("580000.00")
    Decimal('580000.00')
    >>> parse_amount("854万(高标准农田建设400万元)")
    Decimal('8540000')
    """
    t = normalize_text(text).replace(",", "")
    match = _AMOUNT.search(t)
    if not match:
        return None
    try:
        value = Decimal(match.group())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    if t[match.end() :].lstrip().startswith("万"):
        scale = 10000
    return value * scale if scale != 1 else value


def parse_date(text: str) -> datetime.date | None:
    """The first date in a cell ("2023-01-01", "2023年1月1日", "2023/1/1 00:00:00").

    >>> parse_date("2022年12月31日")
    datetime.date(2022, 12, 31)
    """
    match = _DATE.search(normalize_text(text))
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# ---- labels and values --------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def as_label(text: str) -> Label | None:
    """The cell read as a 一级/二级 label, or ``None`` (a 三级 name, a value, anything else).

    >>> as_label("产出指标(50分)").level1
    True
    >>> as_label("服务对象满 意度指标").strong
    True
    >>> as_label("群众满意度").strong  # an alias of a 二级, but also a common 三级 name
    False
    >>> as_label("群众满意度调查") is None
    True
    """
    if len(text) > 40:
        return None
    label = clean_label(text)
    if not label or len(label) > 20 or re.search(r"\d", label):
        return None
    vocab = vocabulary()
    stem = _stem(label)
    strong = label.endswith("指标")
    if stem in vocab.other_stems:
        return Label(text, stem in {"投入", "过程", "决策"}, stem not in {"投入", "过程", "决策"}, strong, other=True)
    one, two = stem in vocab.level1_stems, stem in vocab.level2_stems
    if not (one or two):
        return None
    return Label(text, one, two, strong)


def is_label_prefix(text: str) -> bool:
    """A piece of a label broken by a line end ("产出指", "服务对象满")."""
    label = clean_label(text)
    return len(label) >= 2 and label in vocabulary().label_prefixes


def looks_like_target(text: str) -> bool:
    return is_target_cell(text)


def is_unit(text: str) -> bool:
    """A unit standing alone after a number ("次" in "=3 次")."""
    return normalize_text(text) in vocabulary().units


def header_roles(texts: Sequence[str]) -> list[str | None] | None:
    """The role of each cell of an indicator-table header row, or ``None`` when the row is not one.

    Roles: ``level1``, ``level2``, ``name``, ``target``, ``actual``, another header's text (an extra column), or
    ``None`` for a cell that is not a header word.
    >>> header_roles(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"])
    [None, 'level1', 'level2', 'name', 'target']
    """
    if not any("指标" in t or "值" in t or "名称" in t for t in texts):
        return None
    vocab = vocabulary()
    roles: list[str | None] = []
    for text in texts:
        key = compact(text)
        key_bare = re.sub(r"\([^()]*\)$", "", key)
        if key in vocab.columns:
            roles.append(vocab.columns[key])
        elif key_bare in vocab.columns:
            roles.append(vocab.columns[key_bare])
        elif key and (key in vocab.header_words or key_bare in vocab.header_words) and key not in vocab.furniture:
            roles.append(key_bare)
        else:
            roles.append(None)
    if "name" in roles and ("target" in roles or "actual" in roles):
        return roles
    if {"level1", "level2", "name"} <= set(roles):
        return roles
    return None


# ---- labels across rows -------------------------------------------------------------------------------


def _level1_of(raw: str) -> str | None:
    category = canonical_category(raw, None)
    return category.level1 if category else None


def _parent_of(raw: str) -> str | None:
    category = canonical_category(None, raw)
    return category.level1 if category and category.level2 else None


class Labels:
    """The 一级/二级 in force, filled down from the rows that state them.

    A merged 一级 cell may state its text in the middle of its block (vertical centring): a new 一级 keeps the
    二级 in force when that 二级 belongs to it.  A label that is both a 一级 and a 二级 (成本指标, 满意度指标) is
    placed by its column when the table says, else by what follows it.
    """

    def __init__(self) -> None:
        self.level1: str | None = None
        self.level2: str | None = None
        self.rows_since = 0
        self._ambiguous_as_level2: str | None = None
        self._both: str | None = None  # an ambiguous label taken as 一级 that may head its rows alone
        self._undo: tuple[str | None, str | None] | None = None

    def feed(self, labels: Sequence[tuple[Label, int | None]], roles: dict[int, str] | None = None) -> bool:
        """Take the labels of one row (with their columns); True when a 一级 arrived that keeps its 二级."""
        self._undo = (self.level1, self.level2)
        self._both = None if labels else self._both
        kept = False
        if len(labels) >= 2:
            kept = self._set1(labels[0][0].text)
            self._set2(labels[-1][0].text)
        elif labels:
            label, col = labels[0]
            role = roles.get(col) if roles is not None and col is not None else None
            if label.level1 and label.level2:
                as_two = self._ambiguous_is_level2(label, role)
            elif label.level1 or label.level2:
                as_two = label.level2
            else:
                as_two = self.rows_since == 0 and self.level1 is not None and self.level2 is None
            if as_two:
                if (
                    not (label.level1 and label.level2)
                    and self.rows_since == 0
                    and self._ambiguous_as_level2 is not None
                    and self.level2 == self._ambiguous_as_level2
                ):
                    self.level1, self.level2 = self._ambiguous_as_level2, None  # it was the 一级 after all
                self._set2(label.text)
                self._ambiguous_as_level2 = label.text if label.level1 and label.level2 else None
            else:
                kept = self._set1(label.text)
                if label.level1 and label.level2 and label.strong:
                    self._both = label.text
        self.rows_since = 0
        return kept

    def for_row(self) -> tuple[str | None, str | None]:
        """The labels of a new row: a lone "满意度指标" (one cell over both label columns) is its 一级 and 二级."""
        if self.level2 is None and self._both is not None and self._both == self.level1:
            return self.level1, self.level1
        return self.level1, self.level2

    def undo(self) -> None:
        """Forget the last ``feed`` (a weak label that turned out to be a 三级 name)."""
        if self._undo is not None:
            self.level1, self.level2 = self._undo
            self._undo = None

    def _ambiguous_is_level2(self, label: Label, role: str | None) -> bool:
        if role in ("level1", "level2"):
            return role == "level2"
        key = clean_label(label.text)
        if key in vocabulary().canonical_level2 or _stem(key) + "指标" in vocabulary().canonical_level2:
            return True
        under = vocabulary().ambiguous_level2.get(_stem(key) + "指标", frozenset())
        return self.level1 is not None and _level1_of(self.level1) in under

    def _set1(self, text: str) -> bool:
        self._both = None
        level1 = _level1_of(text)
        keep = self.level2 is not None and level1 is not None and _parent_of(self.level2) == level1
        self.level1 = text
        if not keep:
            self.level2 = None
        self._ambiguous_as_level2 = None
        return keep

    def _set2(self, text: str) -> None:
        self.level2 = text
        self._both = None


# ---- one project being read ----------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    """An indicator row being assembled."""

    name: str
    target: str
    level1: str | None
    level2: str | None
    position: Position
    page: int | None = None
    actual: str | None = None
    extra: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def indicator(self) -> Indicator:
        return Indicator(
            name=self.name,
            target_raw=self.target,
            level1_raw=self.level1,
            level2_raw=self.level2,
            position=self.position,
            actual_raw=self.actual,
            extra=tuple(self.extra),
        )


_FUNDS = ("total", "fiscal", "carryover", "other", "annual")


class Project:
    """The metadata and rows of one project, as they are found."""

    def __init__(self, source: Position) -> None:
        self.source = source
        self.fields: dict[str, str] = {}
        self.year: int | None = None
        self.form: str | None = None
        self.rows: list[Row] = []
        self.labels = Labels()
        self.warnings: list[str] = []
        self.markers = -1  # the latest marker seen: 0 title, 1 year line, 2 项目名称
        self.scale = 1  # 10000 when the funds block is headed 万元

    def set_field(self, field: str, value: str) -> None:
        """Record a metadata value (the first one stated wins: a form repeats 其他资金 in its second column)."""
        value = repair_breaks(value)
        if field != "ignore" and value and field not in self.fields:
            self.fields[field] = value

    def add(self, row: Row) -> None:
        self.rows.append(row)
        self.labels.rows_since += 1

    def backfill_level1(self) -> None:
        """Give the rows above a mid-block 一级 label that had none its text."""
        level1 = self.labels.level1
        if level1 is None:
            return
        parent = _level1_of(level1)
        for row in reversed(self.rows):
            if row.level1 is not None or row.level2 is None or _parent_of(row.level2) != parent:
                break
            row.level1 = level1

    def filing(self, default_year: int | None) -> Filing:
        f = self.fields
        funds = Funds(**{k: parse_amount(f[k], scale=self.scale) if k in f else None for k in _FUNDS})
        warnings = list(self.warnings)
        for row in self.rows:
            if canonical_category(row.level1, row.level2) is None:
                warnings.append(
                    f"{row.position}: row {row.name!r} has no category (一级 {row.level1!r}, 二级 {row.level2!r}); "
                    "kept as filed"
                )
            if not row.target:
                warnings.append(f"{row.position}: row {row.name!r} has no target value (年度指标值)")
        if not self.rows:
            warnings.append(f"{self.source}: no indicator rows found for this project")
        return Filing(
            source=self.source,
            project=f.get("project"),
            department=f.get("department"),
            unit=f.get("unit"),
            year=self.year or default_year,
            category=f.get("category"),
            funds=funds,
            start=parse_date(f["start"]) if "start" in f else None,
            end=parse_date(f["end"]) if "end" in f else None,
            goal=f.get("goal"),
            indicators=tuple(row.indicator() for row in self.rows),
            warnings=tuple(warnings),
            form=self.form or "目标表",
        )


def no_table(path: str) -> NoIndicatorTableError:
    return NoIndicatorTableError(
        path,
        "no indicator table found (no 三级指标 header and no rows under 一级/二级 labels)",
        hint="check that this is a 绩效目标表 or 自评表",
    )


# ---- rows of cells --------------------------------------------------------------------------------------


_HEADER_TAIL = re.compile(r"(?:值|分值|得分|说明|原因|依据|单位|权重)(?:\([^()]*\))?$")


class _Text(NamedTuple):
    text: str
    cell: Cell


def filings_from_rows(
    rows: Sequence[Sequence[Cell]],
    *,
    path: str,
    sheet: str | None = None,
    table: int | None = None,
    default_year: int | None = None,
) -> list[Filing]:
    """One ``Filing`` per project found in the rows of one sheet or document, in order.

    Raises ``NoIndicatorTableError`` when no row at all reads as an indicator row.
    """
    reader = _GridReader(path, sheet, table, default_year)
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
            and (looks_like_target(rest[0].text) or (roles or {}).get(rest[0].cell.col) == "target")
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
        return bool(name_cols) and t.cell.col < min(name_cols) and not looks_like_target(t.text)

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
            if len(rest) == 1 and not labelled and open_row is not None and looks_like_target(rest[0].text):
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
