"""Frozen records and closed vocabularies shared by every layer (stdlib only).

Every record keeps the text as filed beside what was read from it, and a field that
the input did not state stays ``None``.  ``to_dict()`` gives JSON-ready values:
``Decimal`` as a string (exact: ``"0.5"``), dates as ISO strings (``"2022-11-30"``),
enums as their value, frozensets as sorted lists, nested records as dicts.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


class Comparator(enum.StrEnum):
    """The comparator a target states (``≥95%`` → ``GE``); ``None`` when it states none."""

    GE = "≥"
    GT = ">"
    EQ = "="
    LT = "<"
    LE = "≤"
    BETWEEN = "between"
    APPROX = "≈"


class TargetKind(enum.StrEnum):
    """What a target value is: a number, a deadline, a quality word, a direction, free text, or nothing."""

    NUMERIC = "numeric"
    DEADLINE = "deadline"
    QUALITATIVE = "qualitative"
    DIRECTION = "direction"
    TEXT = "text"
    EMPTY = "empty"


class Severity(enum.StrEnum):
    """How much an audit finding matters to a reviewer."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def _decimal_text(value: Decimal) -> str:
    """``Decimal("95.0")`` → ``"95"``, ``Decimal("1E+4")`` → ``"10000"``: plain, exact, no exponent."""
    if value == value.to_integral_value():
        return format(value.to_integral_value(), "f")
    return format(value.normalize(), "f")


class _Record:
    """Mixin: ``to_dict()`` for frozen dataclasses."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (see the module docstring for the conversions)."""
        result: dict[str, Any] = _jsonable(self)
        return result


@dataclasses.dataclass(frozen=True, slots=True)
class Target(_Record):
    """A parsed target value (年度指标值).

    >>> from indicatornlp import parse_target
    >>> t = parse_target("≥95%")
    >>> (t.kind.value, t.comparator.value, t.value, t.unit)
    ('numeric', '≥', Decimal('95'), '%')
    """

    raw: str
    """The text exactly as filed."""
    kind: TargetKind
    """Numeric, deadline, qualitative, direction, free text or empty."""
    comparator: Comparator | None = None
    """The stated comparator; ``None`` when the filing states none (never an invented ``=``)."""
    value: Decimal | None = None
    """The number with multipliers applied (``1.5万元`` → 15000 with unit ``元``); lower bound of a range."""
    upper: Decimal | None = None
    """The upper bound of a range (``300-500人`` → 500)."""
    unit: str | None = None
    """The canonical base unit: ``%``, ``次``, ``人次``, ``元``, ``元/人`` …"""
    date: datetime.date | None = None
    """For deadlines: the date the work is due (``2022年11月30日前`` → 2022-11-30)."""
    label: str | None = None
    """The canonical word of a qualitative or direction target (``及时``, ``提升``); several joined by ``、``."""
    direction: str | None = None
    """``increase``, ``decrease`` or ``maintain`` for direction targets."""
    flags: frozenset[str] = frozenset()
    """Remarks such as ``no_comparator``, ``placeholder``, ``vague``, ``unit_inferred``, ``excel_serial``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Category(_Record):
    """A canonical 一级/二级 pair, and whether the filing used a legacy name or layout for it."""

    level1: str
    """一级指标, canonical (``产出指标``)."""
    level2: str | None
    """二级指标, canonical (``数量指标``); ``None`` when only 一级 was known."""
    legacy: bool = False
    """True when the filed labels were an older or local form (``成本指标`` under ``产出指标``, ``环境效益指标``)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Position(_Record):
    """Where a row or a filing sits in its source: page and line, or sheet and row."""

    path: str
    """The file it was read from."""
    page: int | None = None
    """1-based page of a PDF."""
    line: int | None = None
    """1-based line of a text file (or of a PDF page's text)."""
    sheet: str | None = None
    """Worksheet name of a workbook."""
    row: int | None = None
    """1-based row of a sheet or of a table in a document."""
    table: int | None = None
    """1-based table number within an HTML/Word document."""

    def __str__(self) -> str:
        parts = [self.path]
        for name in ("sheet", "table", "page", "line", "row"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}")
        return ", ".join(parts)


@dataclasses.dataclass(frozen=True, slots=True)
class Indicator(_Record):
    """One 三级指标 row as filed."""

    name: str
    """三级指标 as filed (line breaks of the source repaired)."""
    target_raw: str = ""
    """年度指标值 / 指标值 as filed."""
    level1_raw: str | None = None
    """一级指标 cell as filed (after fill-down of merged cells)."""
    level2_raw: str | None = None
    """二级指标 cell as filed (after fill-down of merged cells)."""
    position: Position | None = None
    """Where the row sits in its source."""
    actual_raw: str | None = None
    """实际完成值 of a 自评表 row."""
    weight_raw: str | None = None
    """分值/权重 of a 自评表 row, as filed."""
    score_raw: str | None = None
    """得分 of a 自评表 row: the filer's own score, as filed."""
    reason_raw: str | None = None
    """偏差原因/未完成原因 of a 自评表 row: why the actual differs from the target, as filed."""
    extra: tuple[tuple[str, str], ...] = ()
    """Other cells of the row by header (指标解释, 分值, 得分 …)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Funds(_Record):
    """项目资金 of a filing, in 元."""

    total: Decimal | None = None
    """项目资金总额."""
    fiscal: Decimal | None = None
    """其中：财政资金."""
    carryover: Decimal | None = None
    """上年结转资金."""
    other: Decimal | None = None
    """其他资金."""
    annual: Decimal | None = None
    """年度资金申请总额."""


@dataclasses.dataclass(frozen=True, slots=True)
class Filing(_Record):
    """One project's 绩效目标表 (or 自评表) with its indicator rows and metadata."""

    source: Position
    """The file and where in it the project starts."""
    project: str | None = None
    """项目名称."""
    department: str | None = None
    """主管部门."""
    unit: str | None = None
    """实施单位."""
    year: int | None = None
    """The budget year."""
    category: str | None = None
    """项目类别 (经常性项目 / 一次性项目 …)."""
    funds: Funds = Funds()
    """项目资金总额 and its split."""
    start: datetime.date | None = None
    """计划开始日期."""
    end: datetime.date | None = None
    """计划完成日期."""
    goal: str | None = None
    """年度总目标."""
    indicators: tuple[Indicator, ...] = ()
    """The indicator rows in filed order."""
    warnings: tuple[str, ...] = ()
    """What the reader could not place (a row with no category …), each naming the row."""
    form: str | None = None
    """``目标表`` or ``自评表``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Finding(_Record):
    """One thing a reviewer would flag, with a stable code."""

    code: str
    """Stable identifier (``A001`` …), documented in ``indicatornlp.audit``."""
    severity: Severity
    """error, warning or info."""
    message: str
    """What is wrong and what to do, in one sentence."""
    indicator: str | None = None
    """The 三级指标 name the finding concerns (``None`` for a finding about the whole filing)."""
    row: int | None = None
    """0-based index of the indicator in its filing (``None`` for the whole filing)."""
    source: str | None = None
    """The file (and position) it concerns."""


@dataclasses.dataclass(frozen=True, slots=True)
class Prediction(_Record):
    """A model's label for one indicator."""

    level1: str | None
    """``None`` (with ``level2`` and a probability of 0) where the name has nothing to classify."""
    level2: str | None
    probability: float
    alternatives: tuple[tuple[str, float], ...] = ()
    """Other 二级 labels with their probabilities, most likely first."""


@dataclasses.dataclass(frozen=True, slots=True)
class Concept(_Record):
    """What an indicator measures, read from the concept dictionary (``data/concepts.toml``).

    A name with no known measure gives ``Concept()``: every field ``None`` and no evidence (never a guess).

    >>> from indicatornlp.concepts import tag_concept
    >>> c = tag_concept("补助资金拨付", "11月底前到位")
    >>> c.measure, c.family, c.form, c.level2
    ('money', 'timeliness.funds', 'date', '时效指标')
    """

    measure: str | None = None
    """The measure id (``satisfaction``, ``timeliness``, ``count_people`` …)."""
    family: str | None = None
    """The kind of measure with its role and target form (``timeliness.funds``, ``count.people.trained``)."""
    concept: str | None = None
    """The family plus the object class (``timeliness.funds.subsidy``); ``None`` when no object class is known."""
    object: str | None = None
    """The object class (``roads``, ``training``, ``subsidy`` …), from the name or, for a name that names none,
    from the project."""
    form: str | None = None
    """The target form: ``rate``, ``people``, ``events``, ``items``, ``money``, ``money_per_unit``, ``date`` …"""
    level2: str | None = None
    """The 二级 the family points to (its default, or the one its ``when`` words choose)."""
    admissible: tuple[str, ...] = ()
    """The 二级 a careful reviewer may defend for this family (``level2`` first)."""
    evidence: tuple[str, ...] = ()
    """What the reading rests on: ``measure 及时率``, ``role funds: 资金``, ``form date: 11月底前到位`` …"""


@dataclasses.dataclass(frozen=True, slots=True)
class Normalized(_Record):
    """An indicator cleaned, classified and with its target parsed (see ``normalize``)."""

    raw: str
    """The name as given."""
    name: str
    """The cleaned 三级指标 name."""
    target: Target
    """The parsed 年度指标值 (with context from the name: a 率 gets unit ``%``)."""
    level1: str | None
    """The filed 一级 when valid, else the prediction."""
    level2: str | None
    """The filed 二级 when valid, else the prediction."""
    filed_level1: str | None = None
    """The canonical filed 一级 (``None`` when none was filed or it is not a category)."""
    filed_level2: str | None = None
    """The canonical filed 二级."""
    legacy: bool = False
    """The filed labels were a legacy form."""
    predicted_level1: str | None = None
    predicted_level2: str | None = None
    confidence: float = 0.0
    """The model's probability for ``predicted_level2`` (0 when there was nothing to classify)."""
    alternatives: tuple[tuple[str, float], ...] = ()
    mismatch: bool = False
    """The filed 二级 lies outside ``admissible`` and the model is confident that it is wrong (see ``normalize``)."""
    measure: str | None = None
    """What the name measures, from the concept dictionary (``satisfaction``, ``timeliness`` …; ``None``: unknown)."""
    family: str | None = None
    """The measure's family (``timeliness.funds``); ``None`` when the dictionary knows no measure."""
    concept: str | None = None
    """The family plus the object class (``timeliness.funds.subsidy``); ``None`` when not known."""
    evidence: tuple[str, ...] = ()
    """The words and the target form the reading rests on (empty when nothing is known)."""
    admissible: tuple[str, ...] = ()
    """The 二级 a careful reviewer may defend for the row (the dictionary's set joined with the model's likely
    labels); ``predicted_level2`` is always in it."""
    findings: tuple[Finding, ...] = ()
    source: str | None = None
    """Where the indicator came from, when known."""
    id: str | None = None
    """The caller's id, when given."""


@dataclasses.dataclass(frozen=True, slots=True)
class Pair(_Record):
    """Two linked indicators, by their positions in the input of ``link``."""

    a: int
    b: int
    score: float
    """0–100, higher is more alike."""
    name_score: float
    """rapidfuzz similarity of the normalized names, 0–100."""
    same_level2: bool | None
    """Both in the same 二级 (``None`` when one is unknown)."""
    unit_agrees: bool | None
    """Their targets' units (or kinds) agree (``None`` when one has none)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Cluster(_Record):
    """Indicators that measure the same thing."""

    id: int
    representative: str
    """The most central (or most common) name."""
    members: tuple[int, ...]
    """Positions in the input of ``link``."""
    level2: str | None = None
    """The most common 二级 of the members."""
    sources: tuple[str, ...] = ()
    """Distinct sources of the members."""
    spread: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """The members' targets: unit, comparator, min, median, max of values."""
    family: str | None = None
    """The family its members share (``satisfaction.public``): ``None`` when the concept dictionary knows none."""
    concept: str | None = None
    """The concept id that made it (``timeliness.funds.subsidy``): ``None`` for a cluster made by name similarity."""


@dataclasses.dataclass(frozen=True, slots=True)
class Linkage(_Record):
    """The result of ``link``: scored pairs and the clusters they form."""

    pairs: tuple[Pair, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    skipped: tuple[int, ...] = ()
    """Positions left out (empty or placeholder names)."""
