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


def _short(text: object, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    value = "" if text is None else str(text)
    return value if len(value) <= width else value[: width - 1] + "…"


def _category(level1: str | None, level2: str | None) -> str:
    return "/".join(x for x in (level1, level2) if x) or "no category"


class _Record:
    """Mixin: ``to_dict()`` for frozen dataclasses."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (see the module docstring for the conversions)."""
        result: dict[str, Any] = _jsonable(self)
        return result


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Target(_Record):
    """A parsed target value (年度指标值).

    >>> from indicatornlp import parse_target
    >>> t = parse_target("≥95%")
    >>> (t.kind.value, t.comparator.value, t.value, t.unit)
    ('numeric', '≥', Decimal('95'), '%')
    >>> t, parse_target("1.5万元"), parse_target("2022年11月30日前")
    (Target('≥95%' → ≥ 95 %), Target('1.5万元' → 15000 元 [no_comparator]), Target('2022年11月30日前' → ≤ 2022-11-30))
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
    """For deadlines: the date the work is due (``2022年11月30日前`` → 2022-11-30); a period's end
    (``2024.03-2024.11`` → 2024-11-30, its first day: ``targets.period_start``)."""
    label: str | None = None
    """The canonical word of a qualitative or direction target (``及时``, ``提升``); several joined by ``、``."""
    direction: str | None = None
    """``increase``, ``decrease`` or ``maintain`` for direction targets."""
    flags: frozenset[str] = frozenset()
    """Remarks such as ``no_comparator``, ``placeholder``, ``vague``, ``unit_inferred``, ``excel_serial``;
    ``last_year`` on a DIRECTION measured from last year's value (``较上年提高5%``: the 5 % is the change, not the
    level), ``approx`` on a round number and some more (``3万余人``).  The full list: ``indicatornlp.targets``."""

    def summary(self) -> str:
        """What was read, in a few characters: ``≥ 95 %``, ``300–500 人``, ``≤ 2022-11-30``, ``及时``, ``empty``."""
        kind = self.kind
        if kind is TargetKind.NUMERIC and self.value is not None:
            number = _decimal_text(self.value)
            if self.upper is not None:
                number += "–" + _decimal_text(self.upper)
            comparator = self.comparator if self.comparator not in (None, Comparator.BETWEEN) else None
            parts = [comparator.value if comparator else "", number, self.unit or ""]
            return " ".join(p for p in parts if p)
        if kind is TargetKind.DEADLINE and self.date is not None:
            return f"{self.comparator.value if self.comparator else ''} {self.date.isoformat()}".strip()
        if kind in (TargetKind.QUALITATIVE, TargetKind.DIRECTION) and self.label:
            return self.label + (f" ({self.direction})" if self.direction else "")
        return kind.value

    def __repr__(self) -> str:
        flags = f" [{', '.join(sorted(self.flags))}]" if self.flags else ""
        return f"Target({_short(self.raw, 30)!r} → {self.summary()}{flags})"


@dataclasses.dataclass(frozen=True, slots=True)
class Category(_Record):
    """A canonical 一级/二级 pair, and whether the filing used a legacy name or layout for it."""

    level1: str
    """一级指标, canonical (``产出指标``)."""
    level2: str | None
    """二级指标, canonical (``数量指标``); ``None`` when only 一级 was known."""
    legacy: bool = False
    """True when the filed labels were an older or local form (``成本指标`` under ``产出指标``, ``环境效益指标``)."""


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
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
        return self.shown()

    def shown(self, lang: str = "en") -> str:
        """The file and the place in it, in ``lang``.

        >>> Position("a.xlsx", sheet="表1", row=4).shown("zh")
        'a.xlsx，工作表 表1，第 4 行'
        """
        return ("，" if lang == "zh" else ", ").join(x for x in (self.path, self.place(lang)) if x)

    def place(self, lang: str = "en") -> str:
        """Where in its file, without the file (``""``: nowhere).

        >>> Position("a.pdf", page=2, line=14).place(), Position("a.pdf", page=2, line=14).place("zh")
        ('page 2, line 14', '第 2 页，第 14 行')
        """
        found = [(name, getattr(self, name)) for name in ("sheet", "table", "page", "line", "row")]
        if lang == "en":
            return ", ".join(f"{name} {value}" for name, value in found if value is not None)
        from .messages import text

        return "，".join(text(f"position.{name}", lang, value=value) for name, value in found if value is not None)

    def __repr__(self) -> str:
        return f"Position({str(self)!r})"


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Indicator(_Record):
    """One 三级指标 row as filed.

    >>> Indicator("群众满意度", ">=95%", "满意度指标", "服务对象满意度指标")
    Indicator('群众满意度', '>=95%', 满意度指标/服务对象满意度指标)
    """

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

    def __repr__(self) -> str:
        category = _category(self.level1_raw, self.level2_raw)
        return f"Indicator({_short(self.name, 30)!r}, {_short(self.target_raw, 20)!r}, {category})"


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
    budget: Decimal | None = None
    """全年预算数 (A) of a 自评表's 年度资金总额 row."""
    executed: Decimal | None = None
    """全年执行数 (B) of that row."""
    execution_rate: Decimal | None = None
    """执行率 (B/A) as stated, in % (a stated ratio ``0.958`` is 95.8)."""
    execution_weight: Decimal | None = None
    """The 分值 of the budget execution, as stated in the block."""
    execution_score: Decimal | None = None
    """Its 得分, as filed."""
    execution_raw: str | None = None
    """The 年度资金总额 row of the block as filed (``"年度资金总额: 9.48 9.48 10 100% 10"``)."""


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Filing(_Record):
    """One project's 绩效目标表 (or 自评表) with its indicator rows and metadata.

    >>> Filing(Position("a.txt", line=3), project="党组织建设", year=2023, indicators=(Indicator("x"),))
    Filing('党组织建设', 2023, 1 indicators, a.txt, line 3)
    """

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

    def __repr__(self) -> str:
        year = f", {self.year}" if self.year is not None else ""
        return f"Filing({_short(self.project, 30)!r}{year}, {len(self.indicators)} indicators, {self.source})"


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Finding(_Record):
    """One thing a reviewer would flag, with a stable code (``indicatornlp explain CODE`` says what it means).

    >>> f = Finding("A120", Severity.WARNING, "…", indicator="培训人次", row=3, target="100", args=(("target", "100"),))
    >>> f.text("en")[:33], f.text("zh")[:13]
    ("target '100' states no comparator", '指标值“100”没有比较符')
    >>> f
    Finding(A120 warning, row 3 '培训人次' [100]: …)
    """

    code: str
    """Stable identifier (``A101`` …): ``indicatornlp explain CODE`` and ``indicatornlp.audit`` list them."""
    severity: Severity
    """error, warning or info."""
    message: str
    """What is wrong and what to do, in one sentence, in the default language (``Finding.text(lang)``: any)."""
    indicator: str | None = None
    """The 三级指标 name the finding concerns (``None`` for a finding about the whole filing)."""
    row: int | None = None
    """1-based number of the indicator in its filing (``filing.indicators[row - 1]``; ``None``: the whole filing)."""
    source: str | None = None
    """The file (and position) it concerns."""
    target: str | None = None
    """The 年度指标值 of the row, as filed (``None`` for a finding about the whole filing)."""
    variant: str = "message"
    """Which of its code's messages it says (``data/messages.toml``: ``message``, ``construction`` …)."""
    args: tuple[tuple[str, str], ...] = ()
    """The values that fill the message (``(("target", "≥**%"),)``): what ``text`` renders in any language."""

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``; ``None``: the default), made from the catalogue.

        A finding whose code or values the catalogue cannot fill (a file that could not be read: ``F001`` with the
        reader's error) says its ``message`` in every language.
        """
        from .messages import error_text, lookup, placeholders

        args = dict(self.args)
        if "error_code" in args:  # a file that could not be read (``failed``): the reader's error in either language
            where, hint = args.get("where") or None, args.get("hint") or None
            return error_text(args["error_code"], where, args.get("problem", ""), hint, lang)
        entry = lookup(f"codes.{self.code}.{self.variant}")
        if entry is None or not placeholders(entry["en"]) <= args.keys():
            return self.message
        from .messages import code_text

        return code_text(self.code, self.variant, lang, **args) or self.message

    @classmethod
    def failed(cls, error: Any, source: str, *, code: str = "F001") -> Finding:
        """The finding of a file that could not be read: ``error`` (an ``IndicatorNLPError``) kept in its parts, so
        that ``text(lang)`` says it in either language; ``message`` is its English line.

        >>> from indicatornlp.errors import EmptyFilingError
        >>> f = Finding.failed(EmptyFilingError("a.txt", "the file is empty"), "a.txt")
        >>> f.code, f.message
        ('F001', '[E103] a.txt: the file is empty')
        >>> f.text("zh")
        '[E103] a.txt：文件为空（the file is empty）——请确认下载或导出已完成'
        """
        parts = (("error_code", error.code), ("where", error.where or ""), ("problem", error.problem))
        return cls(code, Severity.ERROR, str(error), source=source, args=(*parts, ("hint", error.hint or "")))

    def title(self, lang: str | None = None) -> str:
        """The few words of its code (``缺少比较符`` / ``no comparator``); ``""`` for a code not in the catalogue."""
        from .messages import code_text

        return code_text(self.code, "title", lang) or ""

    def __repr__(self) -> str:
        where = "" if self.row is None else f", row {self.row}"
        name = f" {_short(self.indicator, 20)!r}" if self.indicator else ""
        target = f" [{_short(self.target, 16)}]" if self.target else ""
        return f"Finding({self.code} {self.severity.value}{where}{name}{target}: {_short(self.message, 60)})"


FINDING_COLUMNS = ("source", "position", "filing", "project", "row", "indicator", "code", "severity", "message")
"""The columns of a finding as a table row (``tag``'s and ``score``'s findings tables; ``row`` empty for a finding about
the whole filing or file)."""


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


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
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

    def __repr__(self) -> str:
        confidence = f" ({self.confidence:.2f})" if self.predicted_level2 else ""
        flag = ", mismatch" if self.mismatch else ""
        codes = f", {', '.join(f.code for f in self.findings)}" if self.findings else ""
        return (
            f"Normalized({_short(self.name, 30)!r} → {_category(self.level1, self.level2)}{confidence}{flag},"
            f" {self.target.summary()}{codes})"
        )


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


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
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

    def __repr__(self) -> str:
        level2 = f", {self.level2}" if self.level2 else ""
        return f"Cluster({self.id}: {_short(self.representative, 30)!r}, {len(self.members)} members{level2})"


@dataclasses.dataclass(frozen=True, slots=True, repr=False)
class Linkage(_Record):
    """The result of ``link``: scored pairs and the clusters they form."""

    pairs: tuple[Pair, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    skipped: tuple[int, ...] = ()
    """Positions left out (empty or placeholder names)."""

    def __repr__(self) -> str:
        several = sum(1 for c in self.clusters if len(c.members) > 1)
        return (
            f"Linkage({len(self.pairs)} pairs, {len(self.clusters)} clusters ({several} with several members),"
            f" {len(self.skipped)} skipped)"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ScoreRow(_Record):
    """One indicator of a 自评表 scored the way evaluators do (see ``indicatornlp.score``).

    >>> from indicatornlp import parse_target
    >>> row = ScoreRow("培训人次", parse_target("≥100人次"), parse_target("80人次"), weight=Decimal(10),
    ...                ratio=Decimal("0.8"), score=Decimal(8), rule="≥: 80 of 100 → 80 % of the weight")
    >>> row.score, row.deviation
    (Decimal('8'), Decimal('2'))
    """

    name: str
    """三级指标 as filed."""
    target: Target
    """年度指标值, parsed (``parse_target``)."""
    actual: Target | None = None
    """实际完成值, parsed with the same parser; ``None`` when the row states none."""
    weight: Decimal | None = None
    """分值/权重: as filed, else the default share of its 一级; ``None`` for a row the table leaves unweighted."""
    ratio: Decimal | None = None
    """实际完成值 ÷ 年度指标值 for numbers (``None`` for words and dates)."""
    score: Decimal | None = None
    """The computed score (2 decimals); ``None`` when the row cannot be scored (never a silent 0)."""
    rule: str = ""
    """Which rule gave the score, and why (``≤: 30 above 24, decaying to 0 at 48 → 75 %``)."""
    filed_score: Decimal | None = None
    """得分 as the filer stated it."""
    flags: frozenset[str] = frozenset()
    """Remarks: ``no_actual``, ``not_comparable``, ``unit_converted``, ``ratio_as_percent``, ``reverse``, ``late`` …"""
    level1: str | None = None
    """The canonical 一级 of the filed labels (``产出指标``); ``预算执行率`` for the budget-execution row."""
    reason: str | None = None
    """偏差原因 as filed."""
    index: int = 0
    """0-based index of the indicator in ``Filing.indicators``; -1 for the 预算执行率 of the funds block above the
    table (``Funds.budget``/``executed``), shown as row 0."""
    position: Position | None = None
    """Where the row sits in its source."""
    rule_key: str | None = None
    """``rule`` as a sentence of the catalogue (``scoring.at_most.decay``, ``data/messages.toml``), to be said in
    either language; ``None``: ``rule`` is said as it is."""
    rule_args: tuple[tuple[str, str], ...] = ()
    """The values that fill it (``(("value", "30"), ("goal", "24") …)``; a nested rule's as ``rule.NAME``)."""

    def rule_text(self, lang: str | None = None) -> str:
        """``rule`` in ``lang`` (``None``: the default, Chinese); ``rule`` itself when it has no ``rule_key``.

        >>> from indicatornlp import parse_target
        >>> row = ScoreRow("响应时长", parse_target("≤24小时"), rule="≤: 20 against 24: met",
        ...                rule_key="scoring.at_most.met", rule_args=(("value", "20"), ("goal", "24")))
        >>> row.rule_text("zh"), row.rule_text("en")
        ('≤：实际 20，目标 24，达成', '≤: 20 against 24: met')
        """
        if self.rule_key is None:
            return self.rule
        from .messages import text

        return text(self.rule_key, lang, **dict(self.rule_args))

    @property
    def deviation(self) -> Decimal | None:
        """The points lost: weight − score (``None`` when either is unknown)."""
        if self.weight is None or self.score is None:
            return None
        return self.weight - self.score


@dataclasses.dataclass(frozen=True, slots=True)
class Scorecard(_Record):
    """A 自评表 scored: one ``ScoreRow`` per indicator, the total, the grade and the reviewer's findings.

    >>> card = Scorecard(Position("a.txt"), total=Decimal("86.45"), possible=Decimal(100), grade="良")
    >>> card.percent, card.grade
    (Decimal('86.45'), '良')
    """

    source: Position
    """The file and where in it the project starts."""
    project: str | None = None
    """项目名称."""
    year: int | None = None
    """The budget year."""
    rows: tuple[ScoreRow, ...] = ()
    """The indicators in filed order (a 总分/合计 line is not one)."""
    total: Decimal | None = None
    """The sum of the scores of the weighted rows (``None`` when none could be scored)."""
    possible: Decimal | None = None
    """The sum of their weights: 100 on a complete table, 90 when 预算执行率's 10 points are outside the table."""
    grade: str | None = None
    """优 (≥ 90), 良 (80–89), 中 (60–79) or 差 (< 60) of ``percent``; ``None`` while a weighted row is unscored."""
    budget_rate: Decimal | None = None
    """预算执行率 in %, where the filing states it (its 预算执行率 row)."""
    filed_total: Decimal | None = None
    """The filer's total: the 总分 line of the table, else the sum of the filed 得分 when every row has one."""
    findings: tuple[Finding, ...] = ()
    """The reviewer's checks (codes ``S1xx``), the card's first, then by row."""
    flags: frozenset[str] = frozenset()
    """``default_weights``, ``budget_outside_table``, ``incomplete``."""

    @property
    def percent(self) -> Decimal | None:
        """``total`` out of 100 (``total`` itself when the weights add up to 100)."""
        if self.total is None or not self.possible:
            return None
        return (self.total * 100 / self.possible).quantize(Decimal("0.01"))

    def by_level1(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(score, weight) per 一级 over the scored rows, in filed order: the chart of a scored filing.

        >>> from indicatornlp import parse_target
        >>> t = parse_target("≥1")
        >>> rows = (ScoreRow("a", t, weight=Decimal(10), score=Decimal(8), level1="产出指标"),
        ...         ScoreRow("b", t, weight=Decimal(5), score=Decimal(5), level1="产出指标"))
        >>> Scorecard(Position("a.txt"), rows=rows).by_level1()
        {'产出指标': (Decimal('13'), Decimal('15'))}
        """
        parts: dict[str, tuple[Decimal, Decimal]] = {}
        for row in self.rows:
            if row.score is None or row.weight is None:
                continue
            key = row.level1 or "(no 一级)"
            score, weight = parts.get(key, (Decimal(0), Decimal(0)))
            parts[key] = (score + row.score, weight + row.weight)
        return parts
