"""Score two indicator names (0–100): names cleaned for matching, their measure words, the weighted mix.

A name is compared cleaned (``clean_name``) and in the form ``measure_of`` gives: its measure word made canonical
from the concept dictionary ``data/concepts.toml`` (满意率, 是否满意 → 满意度), with its family.  ``Weights`` says
how four rapidfuzz similarities and the families add up.

>>> [round(float(s)) for s in score_names(["群众满意度"], ["服务对象满意度"])]
[86]
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..concepts import concept_name, default_dictionary, measure_and_family
from ..errors import LinkingError
from ..text import bounded_cache

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "Weights",
    "clean_name",
    "is_placeholder_name",
    "measure_of",
    "name_features",
    "score_names",
]

Int = npt.NDArray[np.int64]
Float = npt.NDArray[np.float64]

DEFAULT_THRESHOLD = 75.0
"""Chosen on ``data/annotated/train`` only (see ``bench/tune_link.py``); holdout figures in the report."""


@dataclasses.dataclass(frozen=True, slots=True)
class Weights:
    """How the parts of a pair score add up; chosen on the train split (``bench/tune_link.py``).

    The name score (0–100) is the weighted mean of four rapidfuzz similarities of the names (cleaned, and
    with their measure word in its canonical form: 满意率 → 满意度), plus the measure-class term:
    ``ratio`` (``fuzz.ratio``, the whole names), ``partial`` (``fuzz.partial_ratio``, one name inside the
    other), ``reversed_jaro`` (Jaro–Winkler over the reversed names: Chinese indicator names end in their
    measure, 满意度, 及时率, 人次, so a shared ending weighs most) and ``suffix`` (the length of the shared
    ending, ``distance.Postfix``, full at ``suffix_chars`` characters), clipped to 0–100.  The pair score
    adds the 二级 and unit terms and is clipped to 0–100.
    """

    ratio: float = 0.5
    partial: float = 0.0
    reversed_jaro: float = 0.25
    suffix: float = 1.0
    suffix_chars: int = 3
    """A shared ending this long counts fully (满意度, 及时率)."""
    same_measure: float = 5.0
    """Added to the name score when both names are of one family (``data/concepts.toml``)."""
    other_measure: float = -20.0
    """Added when both have a family and the families differ (人次 against 满意度)."""
    same_level2: float = 0.0
    """Added when both have the same 二级."""
    other_level2: float = -20.0
    """Added when both 二级 are known and differ."""
    unit_agrees: float = 3.0
    """Added when the target units (or kinds) agree."""
    unit_differs: float = 0.0
    """Added when they differ (``%`` against ``人次``, a number against 及时)."""

    def __post_init__(self) -> None:
        parts = (self.ratio, self.partial, self.reversed_jaro, self.suffix)
        if min(parts) < 0 or sum(parts) <= 0 or self.suffix_chars < 1:
            raise LinkingError(None, f"bad weights {self!r}", hint="name weights are ≥ 0 and not all 0")


DEFAULT_WEIGHTS = Weights()


# ---- names -------------------------------------------------------------------------------------------

_QUOTES = str.maketrans("", "", "“”\"'‘’《》〈〉「」『』")
_PLACEHOLDER = re.compile(r"^[\W\d_xX*]*$")
_PLACEHOLDER_WORDS = frozenset(
    {"empty", "null", "none", "nan", "n/a", "na", "tbd", "无", "空", "略", "暂无", "待定", "指标", "三级指标"}
)


@bounded_cache(1 << 16)
def clean_name(name: str) -> str:
    """The name as compared: the concept reader's name (``concepts.concept_name``: width folded, numbering,
    ``指标1:``, ``★``, a unit or template mark in brackets and a target written into the name removed, brackets that
    carry meaning kept as text) without quotes.  A pure function, cached (names repeat).

    >>> clean_name("指标10:受训学员满意度(%)")
    '受训学员满意度'
    >>> clean_name("（一）项目(工程)验收合格率")
    '项目工程验收合格率'
    >>> clean_name("培训人次(县内培训)")
    '培训人次县内培训'
    >>> clean_name("制作发放《党支部工作手册》")
    '制作发放党支部工作手册'
    >>> clean_name("受益建档立卡贫困人口数≥**人")
    '受益建档立卡贫困人口数'
    """
    return concept_name(name)[0].translate(_QUOTES)


def is_placeholder_name(name: str) -> bool:
    """True for a name that names nothing: empty, ``—``, ``XX``, ``**``, ``0``, ``EMPTY``, ``无``.

    >>> [is_placeholder_name(s) for s in ["", "XX", "——", "EMPTY", "群众满意度"]]
    [True, True, True, True, False]
    """
    key = clean_name(name)
    return not key or bool(_PLACEHOLDER.match(key)) or key.lower() in _PLACEHOLDER_WORDS


@bounded_cache(1 << 16)
def _reversed(key: str) -> str:
    return key[::-1]


@functools.cache
def _family_codes() -> dict[str, int]:
    """Every family of the concept dictionary, numbered (the measure term of ``Weights`` compares these)."""
    return {family: code for code, family in enumerate(sorted(default_dictionary().families))}


@bounded_cache(1 << 16)
def measure_of(key: str) -> tuple[str | None, str]:
    """The family of a cleaned name (``data/concepts.toml``, read from the name alone) and the name as compared:
    its measure word replaced by the measure's first word (满意率, 是否满意 → 满意度; 时效性 → 及时率).

    >>> measure_of("来访外宾是否满意")
    ('satisfaction.public', '来访外宾满意度')
    >>> measure_of("干警满意度")
    ('satisfaction.staff', '干警满意度')
    >>> measure_of("资金拨付时效性")
    ('timeliness.funds', '资金拨付及时率')
    >>> measure_of("党组织特色活动")
    (None, '党组织特色活动')
    """
    measure, family, word = measure_and_family(key)
    if measure is None or word is None or word not in key:
        return family, key
    canonical = default_dictionary().measures[measure].words[0]
    end = key.rfind(word) + len(word)
    return family, key[: end - len(word)] + canonical + key[end:]


@bounded_cache(1 << 20)
def _measure_code(key: str) -> int:
    family = measure_of(key)[0]
    return -1 if family is None else _family_codes()[family]


def name_features(a: Sequence[str], b: Sequence[str], *, workers: int = 1) -> dict[str, Float]:
    """The rapidfuzz similarities (0–100) of ``a[i]`` and ``b[i]`` that ``Weights`` mixes, on the names as
    compared (``measure_of``); the shared ending in characters under ``"suffix_length"``; and under
    ``"same_measure"`` 1 (same measure class), -1 (different classes) or 0 (one has none)."""
    if len(a) != len(b):
        raise ValueError("name_features() takes two sequences of the same length")
    ca = [measure_of(s)[1] for s in a]
    cb = [measure_of(s)[1] for s in b]
    ma = np.fromiter((_measure_code(s) for s in a), dtype=np.int64, count=len(a))
    mb = np.fromiter((_measure_code(s) for s in b), dtype=np.int64, count=len(b))
    return _features(ca, cb, ma, mb, workers)


def _features(a: Sequence[str], b: Sequence[str], ma: Int, mb: Int, workers: int) -> dict[str, Float]:
    """``name_features`` of names already in their compared form, with their measure-class codes."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import JaroWinkler, Postfix

    ra = [_reversed(s) for s in a]
    rb = [_reversed(s) for s in b]

    def pairwise(scorer: Any, x: Sequence[str], y: Sequence[str]) -> Float:
        if not len(x):
            return np.zeros(0)
        return np.asarray(process.cpdist(x, y, scorer=scorer, workers=workers, dtype=np.float32), dtype=np.float64)

    return {
        "ratio": pairwise(fuzz.ratio, a, b),
        "partial": pairwise(fuzz.partial_ratio, a, b),
        "reversed_jaro": 100.0 * pairwise(JaroWinkler.normalized_similarity, ra, rb),
        "suffix_length": pairwise(Postfix.similarity, a, b),
        "same_measure": np.where((ma >= 0) & (mb >= 0), np.where(ma == mb, 1.0, -1.0), 0.0),
    }


def score_names(a: Sequence[str], b: Sequence[str], *, weights: Weights = DEFAULT_WEIGHTS, workers: int = 1) -> Float:
    """Name similarity (0–100) of ``a[i]`` and ``b[i]`` for every i, on cleaned names.  Symmetric.

    >>> [round(float(s)) for s in score_names(["群众满意度", "培训人次"], ["服务对象满意度", "培训满意度"])]
    [86, 2]
    """
    return _mix(name_features(a, b, workers=workers), weights)


def _mix(features: Mapping[str, Float], weights: Weights) -> Float:
    suffix = 100.0 * np.minimum(features["suffix_length"], weights.suffix_chars) / weights.suffix_chars
    total = weights.ratio + weights.partial + weights.reversed_jaro + weights.suffix
    mixed = (
        weights.ratio * features["ratio"]
        + weights.partial * features["partial"]
        + weights.reversed_jaro * features["reversed_jaro"]
        + weights.suffix * suffix
    ) / total
    measure = features["same_measure"]
    mixed += np.where(measure > 0, weights.same_measure, np.where(measure < 0, weights.other_measure, 0.0))
    result: Float = np.round(np.clip(mixed, 0.0, 100.0), 2).astype(np.float64)
    return result
