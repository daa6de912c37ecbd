"""One project being read: its metadata fields, the 一级/二级 labels in force, its indicator rows → ``Filing``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal

from ..errors import NoIndicatorTableError
from ..records import Filing, Funds, Indicator, Position
from ..targets import is_unit
from ..taxonomy import canonical_category, clean_label
from ._forms import (
    Label,
    budget_block,
    is_comparator,
    join_broken,
    label_stem,
    parse_amount,
    parse_date,
    repair_breaks,
    resolve_ticks,
    vocabulary,
)

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
        if key in vocabulary().canonical_level2 or label_stem(key) + "指标" in vocabulary().canonical_level2:
            return True
        under = vocabulary().ambiguous_level2.get(label_stem(key) + "指标", frozenset())
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
    weight: str | None = None
    score: str | None = None
    reason: str | None = None
    extra: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def fill(self, values: Sequence[tuple[str, str]]) -> None:
        """Take the (role, text) cells of the row in source order; a target split over cells (≥ | 60 | 人) is joined.

        A cell of a comparator column that holds no comparator (正向, 定性) is kept as an extra ``指标性质``.
        """
        if len(values) == 1 and values[0][0] == "target" and not self.target:
            self.target = values[0][1]  # the common row: a name and its target
            return
        parts: list[tuple[str, str]] = []
        for role, text in values:
            if not text:
                continue
            if role == "comparator" and not is_comparator(text):
                self.extra.append(("指标性质", text))
            elif role in _TARGET_PARTS:
                parts.append((role, text))
            elif role in _FIELDS:
                old = getattr(self, role)
                setattr(self, role, join_broken([old, text]) if old else text)
            else:
                self.extra.append((role, text))
        if len(parts) > 1:  # a unit the target already ends with ("% | ≥95%") is said once
            value = next((text for role, text in parts if role == "target"), "")
            parts = [(r, t) for r, t in parts if not (r == "unit" and value.endswith(t) and is_unit(t))]
        if parts:
            joined = " ".join(text for _, text in parts)
            self.target = join_broken([self.target, joined]) if self.target else joined

    def filled(self) -> list[str]:
        """The value columns the row has (a target fills its comparator and unit columns too)."""
        roles = ["comparator", "target", "unit"] if self.target else []
        return roles + [role for role in _FIELDS if getattr(self, role) is not None] + [r for r, _ in self.extra]

    def has_values(self, values: Sequence[tuple[str, str]]) -> bool:
        """The row already holds a value for one of these roles (so they belong to a new row)."""
        for role, _ in values:
            if role in _TARGET_PARTS and self.target:
                return True
            if role in _FIELDS and getattr(self, role) is not None:
                return True
        return False

    def indicator(self) -> Indicator:
        return Indicator(
            name=self.name,
            target_raw=self.target,
            level1_raw=self.level1,
            level2_raw=self.level2,
            position=self.position,
            actual_raw=self.actual,
            weight_raw=self.weight,
            score_raw=self.score,
            reason_raw=self.reason,
            extra=tuple(self.extra),
        )


_TARGET_PARTS = frozenset({"comparator", "target", "unit"})
_FIELDS = frozenset({"actual", "weight", "score", "reason"})


def _short(text: str) -> str:
    return repr(text if len(text) <= 24 else text[:23] + "…")


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
        self.lost_thread = False  # a warning says where the table stopped while rows seemed to go on
        self.markers = -1  # the latest marker seen: 0 title, 1 year line, 2 项目名称
        self.scale = 1  # 10000 when the funds block is headed 万元
        self.meta_cells: list[str] = []  # the metadata's cells in reading order, for the 自评表's funds block

    def set_field(self, field: str, value: str) -> None:
        """Record a metadata value (the first one stated wins: a form repeats 其他资金 in its second column)."""
        value = resolve_ticks(repair_breaks(value)) or ""
        if field != "ignore" and value and field not in self.fields:
            self.fields[field] = value

    def lost(self, stop: Position, stop_text: str, skipped: Position, skipped_text: str) -> None:
        """The table ended at ``stop`` but rows seem to go on at ``skipped``: say so once (never a silent stop)."""
        if not self.lost_thread:
            self.lost_thread = True
            self.warnings.append(
                f"{stop}: the indicator table stops at {_short(stop_text)}, but {skipped} ({_short(skipped_text)}) "
                "after it reads like more indicator rows; they were not read"
            )

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

    def execution(self, funds: Funds) -> Funds:
        """``funds`` with the budget execution a 自评表's funds block states (年度资金总额: 全年预算数, 全年执行数,
        分值, 执行率, 得分)."""
        block = budget_block(self.meta_cells)
        if block is None:
            return funds
        values, raw = block
        scale = 10000 if any(_WAN.search(cell) for cell in self.meta_cells) else self.scale  # "项目资金 (万元)"
        rate = _number(values.get("rate"))
        if rate is not None and not values["rate"].endswith("%") and rate <= Decimal("1.5"):
            rate *= 100  # a ratio (0.958): the rate in %
        return dataclasses.replace(
            funds,
            budget=parse_amount(values["budget"], scale=scale) if "budget" in values else None,
            executed=parse_amount(values["executed"], scale=scale) if "executed" in values else None,
            execution_rate=rate,
            execution_weight=_number(values.get("weight")),
            execution_score=_number(values.get("score")),
            execution_raw=raw,
        )

    def filing(self, default_year: int | None) -> Filing:
        f = self.fields
        amounts = {k: parse_amount(f[k], scale=self.scale) if k in f else None for k in _FUNDS}
        funds = self.execution(
            Funds(amounts["total"], amounts["fiscal"], amounts["carryover"], amounts["other"], amounts["annual"])
        )
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


_WAN = re.compile(r"[(（]\s*万元\s*[)）]")


def _number(text: str | None) -> Decimal | None:
    return parse_amount(text.rstrip("%分")) if text else None


def no_table(path: str, *, seen: str = "") -> NoIndicatorTableError:
    """The error of a file with no indicator row, saying what was looked for (and ``seen``: what was found)."""
    looked = (
        "no indicator table found: looked for a header naming the 三级指标 and 指标值 columns (三级指标, 指标名称, "
        "年度指标值 …) and for rows under 一级/二级 labels (产出指标, 数量指标 …), as a table, cells on lines, or "
        "prose (数量指标:name≥value)"
    )
    return NoIndicatorTableError(
        path,
        f"{looked}; {seen}" if seen else f"{looked}; found neither",
        hint="check that this is a 绩效目标表 or 自评表; a scanned page needs OCR first",
    )
