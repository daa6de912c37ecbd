"""``normalize()`` and ``Normalizer``: clean an indicator, classify it, parse its target in context, audit it.

>>> n = normalize("群众满意度 >=95%")
>>> n.name, n.level1, n.level2, n.target.comparator.value, n.target.value, n.target.unit
('群众满意度', '满意度指标', '服务对象满意度指标', '≥', Decimal('95'), '%')
>>> n = normalize({"三级指标": "活动开展及时率", "年度指标值": ">=90", "一级指标": "产出指标", "二级指标": "进度指标"})
>>> n.level2, n.filed_level2, n.legacy, n.target.unit, sorted(n.target.flags)
('时效指标', '时效指标', True, '%', ['unit_inferred'])
>>> normalize("").target.kind.value, normalize("").confidence
('empty', 0.0)

Inputs: every form of ``indicatornlp.inputs`` (a name; a name with its target, split where a target starts; a
``(name, target)`` pair; a mapping with English keys or the filing's Chinese headers; an ``Indicator``; a
``Normalized``, normalized again from what it was given).  Keyword arguments override what the input states.

What comes back (``Normalized``):

- ``level1``/``level2``: the filed category when it is a valid one (``canonical_category``), else the prediction.
  A filing that gives only the 一级 gets the most probable 二级 under that 一级.
- ``predicted_*``, ``confidence``, ``alternatives``: the model's reading of the name and target (probabilities
  calibrated out of fold: the card's ``calibration.temperature``).
- ``measure``, ``family``, ``concept``, ``evidence``: what the concept dictionary reads the row as
  (``indicatornlp.concepts.tag_concept`` of the name, the target and the project); all ``None`` / empty when it
  knows no measure.
- ``admissible``: the 二级 a careful reviewer may defend for the row (``model.validation.admissible_set``: the
  prediction, the labels the model gives at least the card's ``share``, and the dictionary's labels it gives at least
  ``dictionary_share``).
- ``mismatch``: the filed 二级 lies outside ``admissible`` and the model is confident it is wrong: it gives the filed
  label at most the card's ``limit`` (a confidence of at least ``1 - limit`` that the label is wrong; override it
  with ``mismatch_threshold``).  The thresholds were chosen on out-of-fold predictions of the training data for the
  most precise A101 that finds half of the rows filed outside the annotated admissible set.
- ``target``: ``parse_target`` in the context of the name: a bare number (0, or above 1 and at most 100) for a
  rate (a name ending in 率, 满意度, 占比, 比例, 比重, or ``(%)``) gets unit ``%`` and flag ``unit_inferred``; an
  Excel serial for a 时间/日期 indicator becomes a DEADLINE with flag ``excel_serial``.
- ``findings``: the per-indicator rules of ``indicatornlp.rules`` (``indicator_findings``).

An empty name, or one of punctuation only, gets no prediction (confidence 0) and its target as parsed.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

import numpy as np

from .concepts import tag_concept
from .errors import IndicatorNLPError
from .inputs import Item, read_input
from .model import Model, clean_name, default_model, load_model
from .model.validation import admissible_set
from .records import Filing, Indicator, Normalized, Target, TargetKind
from .rules import indicator_findings
from .rules.filing import MODEL_OFF
from .targets import as_excel_date, parse_target, split_indicator, vocabulary
from .taxonomy import canonical_category, default_taxonomy
from .text import normalize_text

__all__ = [
    "MISMATCH_CONFIDENCE",
    "Normalizer",
    "normalize",
    "normalize_filing",
    "normalize_filings",
    "split_indicator",
    "target_in_context",
]

MISMATCH_CONFIDENCE = 0.95
"""The confidence that a filed 二级 is wrong (1 - the model's probability of it) from which a label outside the
admissible set is a ``mismatch``, for a model whose card records no calibration; a calibrated model uses
``1 - calibration["limit"]``."""

# a name that ends so is a rate: a bare number in its target is a percentage
_RATE = re.compile(r"(?:率|满意度|占比|比例|比重)(?:[(（][^()（）]*[)）])?$|[(（]%[)）]$")
# a name that asks for a date: an Excel serial number in its target is one
_DATE_NAME = re.compile(r"时间|日期|时限|期限|截止|完成时")
_HUNDRED = Decimal(100)
# a unit the name states at its end, in brackets: 补助标准(元/亩)  补贴金额（万元）
_UNIT_IN_NAME = re.compile(r"[(（]([^()（）]{1,10})[)）]$")


# ---- context ------------------------------------------------------------------------------------------


def target_in_context(name: str, target: Target) -> Target:
    """The target read with what its (cleaned) name says: a rate's bare number is a %, a date's serial is a date,
    a per-unit number takes the name's money unit, and 无 answers a yes/no name.

    >>> t = target_in_context("培训合格率", parse_target(">=90"))
    >>> t.unit, sorted(t.flags)
    ('%', ['unit_inferred'])
    >>> t = target_in_context("项目完成时间", parse_target("44561"))
    >>> t.kind.value, t.date, sorted(t.flags)
    ('deadline', datetime.date(2021, 12, 31), ['excel_serial'])
    >>> t = target_in_context("耕地地力保护补贴标准", parse_target("每亩450"))
    >>> t.value, t.unit, sorted(t.flags)
    (Decimal('450'), '元/亩', ['unit_inferred'])
    >>> target_in_context("是否发生安全事故", parse_target("无")).label
    '无'
    """
    if target.kind is TargetKind.EMPTY:
        return _answer(name, target)
    if target.kind is not TargetKind.NUMERIC or target.value is None:
        return target
    if "maybe_excel_serial" in target.flags and _DATE_NAME.search(name):
        return as_excel_date(target)
    if target.unit is None and "no_unit" in target.flags and _RATE.search(name):
        low, high = target.value, target.upper if target.upper is not None else target.value
        if low >= 0 and high <= _HUNDRED and (high > 1 or high == 0):
            return dataclasses.replace(target, unit="%", flags=(target.flags - {"no_unit"}) | {"unit_inferred"})
    if "partial_unit" in target.flags and target.unit and target.unit.startswith("/"):
        return _per_unit(name, target)
    return target


def _answer(name: str, target: Target) -> Target:
    """``无`` under a name asking yes or no, or counting events a target wants none of: none occurred."""
    vocab = vocabulary()
    text = normalize_text(target.raw).strip()
    if "placeholder" not in target.flags or text not in vocab.answers:
        return target
    if not any(w in name for w in (*vocab.yes_no_names, *vocab.zero_events)):
        return target
    return dataclasses.replace(target, kind=TargetKind.QUALITATIVE, label=vocab.qualitative[text], flags=frozenset())


def _per_unit(name: str, target: Target) -> Target:
    """``每亩450`` (450 /亩) under a name that states its unit (``(元/亩)``, ``（元）``) or is about money (元).

    A name's unit with a multiplier (``（万元/亩）``) is left alone: whether the number already has it is unknown.
    """
    vocab = vocabulary()
    stated = _UNIT_IN_NAME.search(name)
    numerator, _, denominator = stated.group(1).partition("/") if stated else ("", "", "")
    unit = vocab.units.get(numerator) if stated else None
    if not stated and any(w in name for w in vocab.money_names):
        unit = vocab.units["元"]
    if unit is None or unit.canonical is None or "/" in unit.canonical or unit.multiplier != 1:
        return target
    per = vocab.units.get(denominator) if denominator else None
    if denominator and (per is None or f"/{per.canonical}" != target.unit):
        return target  # the name's unit is per something else
    flags = (target.flags - {"partial_unit"}) | {"unit_inferred"}
    return dataclasses.replace(target, unit=f"{unit.canonical}{target.unit}", flags=flags)


# ---- the normalizer ---------------------------------------------------------------------------------------


class Normalizer:
    """Normalize indicators with one model (``None``: the shipped default, loaded on first use).

    ``mismatch_threshold``: the confidence that a filed 二级 is wrong from which a label outside the admissible set is
    a mismatch (``None``: the model card's calibration).

    >>> Normalizer().normalize_many(["培训人次 ≥100人次", "活动开展及时率 及时"])[1].level2
    '时效指标'
    """

    def __init__(
        self,
        model: Model | str | os.PathLike[str] | None = None,
        *,
        mismatch_threshold: float | None = None,
    ) -> None:
        self._model = load_model(model) if isinstance(model, str | os.PathLike) else model
        """The model given, or ``None`` for the shipped one (``default_model()``, the process' one copy)."""
        self.mismatch_threshold = mismatch_threshold

    @property
    def model(self) -> Model:
        """The model (the shipped default is loaded on first use)."""
        return self._model if self._model is not None else default_model()

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self.model, "mismatch_threshold": self.mismatch_threshold}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["model"], mismatch_threshold=state["mismatch_threshold"])  # type: ignore[misc]

    def normalize(
        self,
        indicator: object,
        *,
        target: object = None,
        level1: str | None = None,
        level2: str | None = None,
        year: int | None = None,
    ) -> Normalized:
        """One indicator (see the module docstring for the inputs and what comes back)."""
        item = read_input(indicator, target=target, level1=level1, level2=level2, year=year, action="normalize")
        return self._run([item])[0]

    def normalize_many(
        self, indicators: Iterable[object], *, jobs: int = 1, year: int | None = None
    ) -> list[Normalized]:
        """Many indicators, in order: repeated (name, target, category) rows are done once, and the model classifies
        all the others in one vectorized call.  ``year``: for the targets of items that state none.

        ``jobs > 1`` (``-1``: one per CPU) splits the distinct rows over joblib worker processes.  Each worker
        imports scikit-learn and gets the model, and the records travel back pickled: measured on 2 busy cores,
        100,000 rows took 6 s in-process and 13 s with 2 workers (``bench/bench_normalize.py``), so keep
        ``jobs=1`` unless the cores are free and the batches large.
        """
        items = [read_input(indicator, position=i, action="normalize") for i, indicator in enumerate(indicators)]
        if year is not None:
            items = [item._replace(year=year) if item.year is None else item for item in items]
        unique = list(dict.fromkeys(_key(item) for item in items))
        workers = min(jobs if jobs > 0 else os.cpu_count() or 1, len(unique))
        if workers <= 1:
            return self._run(items)
        from joblib import Parallel, delayed

        chunks = [unique[i::workers] for i in range(workers)]
        parts = Parallel(n_jobs=workers)(delayed(_run_keys)(self, chunk) for chunk in chunks)
        done = {
            key: result
            for chunk, part in zip(chunks, parts, strict=True)
            for key, result in zip(chunk, part, strict=True)
        }
        return [self._place(done[_key(item)], item) for item in items]

    def _run(self, items: Sequence[Item]) -> list[Normalized]:
        unique = list(dict.fromkeys(_key(item) for item in items))
        done = dict(zip(unique, self._normalize_keys(unique), strict=True))
        return [self._place(done[_key(item)], item) for item in items]

    @staticmethod
    def _place(result: Normalized, item: Item) -> Normalized:
        if item.id is None and item.source is None:
            return result
        findings = result.findings
        if item.source is not None and findings:
            findings = tuple(dataclasses.replace(f, source=item.source) for f in findings)
        return dataclasses.replace(result, id=item.id, source=item.source, findings=findings)

    def _threshold(self, model: Model) -> float:
        if self.mismatch_threshold is not None:
            return self.mismatch_threshold
        if model.card.get("calibration"):
            return 1.0 - float(model.calibration["limit"])
        return MISMATCH_CONFIDENCE

    def _normalize_keys(self, keys: Sequence[_Key]) -> list[Normalized]:
        names = [clean_name(name) for name, *_ in keys]
        # the model reads only the name and the target: one row per distinct pair
        rows: dict[tuple[str, str], int] = {}
        for name, key in zip(names, keys, strict=True):
            if _has_content(name):
                rows.setdefault((name, key[1]), len(rows))
        probabilities = np.zeros((0, 0))
        predictions = []
        model = None
        if rows:
            model = self.model
            probabilities = model.predict_proba(list(rows))
            predictions = model.predictions(probabilities)
        out = []
        for name, (raw, target_raw, level1, level2, year, project) in zip(names, keys, strict=True):
            k = rows.get((name, target_raw))
            prediction = predictions[k] if k is not None else None
            concept = tag_concept(name, target_raw, project)
            category = canonical_category(level1, level2) if (level1 or level2) else None
            filed1 = category.level1 if category else None
            filed2 = category.level2 if category else None
            out_level2 = filed2
            if out_level2 is None and prediction is not None:
                if filed1 is None or prediction.level1 == filed1:
                    out_level2 = prediction.level2
                else:  # a filing that states only the 一级: the most probable 二级 under it
                    out_level2 = self._best_under(filed1, probabilities[k])
            out_level1 = filed1 or (prediction.level1 if prediction else None)
            fields: dict[str, Any] = {
                "raw": raw,
                "name": name,
                "target": target_in_context(name, parse_target(target_raw, year=year)),
                "level1": out_level1,
                "level2": out_level2,
                "filed_level1": filed1,
                "filed_level2": filed2,
                "legacy": bool(category and category.legacy),
                "measure": concept.measure,
                "family": concept.family,
                "concept": concept.concept,
                "evidence": concept.evidence,
                "admissible": concept.admissible,
            }
            if prediction is not None and model is not None and k is not None:
                row = probabilities[k]
                settings = model.calibration
                admissible = admissible_set(
                    row,
                    model.labels,
                    concept.admissible,
                    share=float(settings["share"]),
                    dictionary_share=float(settings["dictionary_share"]),
                )
                filed_p = float(row[model.labels.index(filed2)]) if filed2 in model.labels else 0.0
                fields.update(
                    predicted_level1=prediction.level1,
                    predicted_level2=prediction.level2,
                    confidence=prediction.probability,
                    alternatives=prediction.alternatives,
                    admissible=admissible,
                    mismatch=bool(filed2 and filed2 not in admissible and 1.0 - filed_p >= self._threshold(model)),
                )
            n = Normalized(**fields)
            if findings := indicator_findings(n):
                n = Normalized(**fields, findings=tuple(findings))
            out.append(n)
        return out

    def _best_under(self, level1: str, row: np.ndarray) -> str | None:
        taxonomy = default_taxonomy()
        labels = self.model.labels
        children = [j for j, label in enumerate(labels) if taxonomy.parent(label) == level1]
        if not children:
            return None
        return labels[max(children, key=lambda j: row[j])]


_Key = tuple[str, str, str | None, str | None, int | None, str | None]


def _key(item: Item) -> _Key:
    """What the result depends on: the same key gives the same ``Normalized`` (placed by its id and source)."""
    return (item.name, item.target, item.level1, item.level2, item.year, item.project)


def _run_keys(normalizer: Normalizer, keys: Sequence[_Key]) -> list[Normalized]:
    return normalizer._normalize_keys(keys)


def _has_content(name: str) -> bool:
    return any(ch.isalnum() for ch in name)


_shared: Normalizer | None = None


def normalize(
    indicator: object,
    *,
    target: object = None,
    level1: str | None = None,
    level2: str | None = None,
    year: int | None = None,
    model: Model | None = None,
) -> Normalized:
    """Clean, classify and parse one indicator (see the module docstring); ``model``: ``None`` for the shipped one."""
    normalizer = Normalizer(model)
    return normalizer.normalize(indicator, target=target, level1=level1, level2=level2, year=year)


# ---- filings ----------------------------------------------------------------------------------------------


def normalize_filing(
    filing: Filing, *, model: Model | Literal[False] | None = None
) -> tuple[list[Normalized], str | None]:
    """Normalize the rows of a filing: with ``model`` (``None``: the shipped default; ``False``: no model).

    Returns the normalized rows and, when no model could be used, the reason (else ``None``).
    Without a model the rows get their filed category and their parsed target, and no prediction.
    """
    (rows,), note = normalize_filings([filing], model=model)
    return rows, note


def normalize_filings(
    filings: Sequence[Filing], *, model: Model | Literal[False] | None = None
) -> tuple[list[list[Normalized]], str | None]:
    """``normalize_filing`` for several filings at once: one model call per budget year, not one per filing."""
    if model is False:
        return [[_plain(ind, f.year, f.project) for ind in f.indicators] for f in filings], MODEL_OFF
    try:
        normalizer = Normalizer(default_model() if model is None else model)
        out: list[list[Normalized]] = [[] for _ in filings]
        for year in dict.fromkeys(f.year for f in filings):
            chosen = [i for i, f in enumerate(filings) if f.year == year]
            items = [
                read_input(ind, position=k, action="normalize")._replace(project=filings[i].project)
                for i in chosen
                for k, ind in enumerate(filings[i].indicators)
            ]
            rows = normalizer.normalize_many(items, year=year)
            start = 0
            for i in chosen:
                count = len(filings[i].indicators)
                out[i] = list(rows[start : start + count])
                start += count
    except (ImportError, IndicatorNLPError) as err:
        plain = [[_plain(ind, f.year, f.project) for ind in f.indicators] for f in filings]
        return plain, str(err) or type(err).__name__
    return out, None


def _plain(ind: Indicator, year: int | None, project: str | None = None) -> Normalized:
    category = canonical_category(ind.level1_raw, ind.level2_raw)
    level1 = category.level1 if category else None
    level2 = category.level2 if category else None
    concept = tag_concept(clean_name(ind.name), ind.target_raw, project)
    return Normalized(
        raw=ind.name,
        name=normalize_text(ind.name),
        target=parse_target(ind.target_raw, year=year),
        level1=level1,
        level2=level2,
        filed_level1=level1,
        filed_level2=level2,
        legacy=bool(category and category.legacy),
        source=str(ind.position) if ind.position else None,
        measure=concept.measure,
        family=concept.family,
        concept=concept.concept,
        evidence=concept.evidence,
        admissible=concept.admissible,
    )
