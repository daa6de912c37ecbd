"""Link indicators that measure the same thing across filings (指标关联), at scale.

The pipeline, each step sub-quadratic:

1. **Names** are cleaned (``clean_name``: width, numbering, ``指标1:``, ``★``, brackets such as ``(%)`` or
   ``（实际调整数）``, quotes, a target written into the name) and de-duplicated: identical entries (same
   name, 二级 and target unit/kind) are one *profile*, scored once.  Each name is compared in the form
   ``measure_of`` gives: its measure word (the head it ends in) made canonical from ``data/measures.toml``
   (满意率, 是否满意 → 满意度; 通过率 → 合格率), with the measure's class.
2. **Blocking**: character 1–3-gram TF-IDF vectors of the distinct names; each name's nearest neighbours by
   cosine come from a sparse product computed in blocks of rows.  An n-gram shared by more than
   ``df_cap`` names (``满意度``) would make the product quadratic (a mega-block), so its postings are cut
   into sub-blocks of ``df_cap`` names that sit next to each other when names are sorted from their last
   character (Chinese indicator names end in their measure: 满意度, 及时率, 人次).  The cost is at most
   ``df_cap`` × the number of n-grams, linear in the number of names.  A sorted-neighbourhood pass over
   the same order (``window``) adds the names that share an ending but whose other n-grams differ.
3. **Scoring** of candidate pairs only, with rapidfuzz (``process.cpdist`` over the pairs of a block,
   ``workers=jobs``): a name score (0–100, ``Weights``: four similarities and the measure classes) plus a
   bonus or penalty for the same or another 二级 and for agreeing or disagreeing target units/kinds,
   clipped to 0–100.  The reasons stay on each ``Pair``.
4. **Clusters**: connected components of the pairs at or above ``threshold``, split so that every member
   scores at least ``threshold`` against its cluster's centre (the most common, then most connected
   name): chains (A~B~C with A≁C) never merge.

Blocks run in this process, or on a Dask cluster (``backend="dask", scheduler="tcp://…"``) with the same
code and the same result.  The weights and the threshold were chosen on ``data/annotated/train`` only
(``bench/tune_link.py``); ``evaluate_linking`` scores them against the annotated concepts.

>>> linkage = link(["群众满意度 ≥95%", "服务对象满意度 ≥95%", "受训学员满意度(%) ≥90%", "培训人次 ≥100人次"])
>>> [[m for m in c.members] for c in linkage.clusters]
[[0, 1, 2], [3]]
>>> linkage.clusters[0].representative
'群众满意度'
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import json
import os
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .errors import FilingError, FilingFormatError, FilingNotFoundError, LinkingError
from .records import Cluster, Comparator, Indicator, Linkage, Normalized, Pair, Target, TargetKind
from .targets import parse_target, split_indicator
from .taxonomy import canonical_category, default_taxonomy
from .text import normalize_text, strip_numbering

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse

__all__ = [
    "DEFAULT_THRESHOLD",
    "Weights",
    "build_library",
    "clean_name",
    "evaluate_linking",
    "is_placeholder_name",
    "link",
    "measure_of",
    "name_features",
    "read_indicators",
    "score_names",
]

Int = npt.NDArray[np.int64]
Float = npt.NDArray[np.float64]

DEFAULT_THRESHOLD = 65.0
"""Chosen on ``data/annotated/train`` only (see ``bench/tune_link.py``); holdout figures in the report."""

DEFAULT_BLOCK_SIZE = 4096
"""Rows of the name matrix per block (one task on a Dask cluster)."""

DEFAULT_NEIGHBOURS = 20
"""Candidates kept per distinct name (the k of k nearest neighbours)."""

DEFAULT_WINDOW = 5
"""Sorted-neighbourhood window over names sorted from their last character."""

DEFAULT_DF_CAP = 400
"""Largest posting list of one n-gram inside a block product; longer ones are cut into sub-blocks."""

_DIRECT_LIMIT = 4000
"""Components up to this many profiles are split by scoring every member against the centre directly;
larger ones (rare: a chain through thousands of names) use the scored pairs only."""


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
    """Added to the name score when both names end in a measure of one class (``data/measures.toml``)."""
    other_measure: float = -20.0
    """Added when both have a measure class and the classes differ (人次 against 满意度)."""
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

_BRACKETS = re.compile(r"[(\[【《〈「『][^()\[\]【】《》〈〉「」『』]*[)\]】》〉」』]")
_DECORATION = re.compile(
    r"""^(?:
        指标\s*\d+\s*[:：.．、]?        # 指标10:  指标5.
      | [★☆▲△●○◆◇■□※*#\-—·•]+     # ★补助… *指标
      | 其中[:：]?                     # 其中桃树种植面积
    )""",
    re.VERBOSE,
)
# a target written into the name: "受益建档立卡贫困人口数≥**人", "干警满意度>=95%"
_EMBEDDED_TARGET = re.compile(r"(?<=[\u4e00-\u9fff])\s*[≥≤<>=]=?\s*[\d.*xX]+\s*[%\u4e00-\u9fff/]{0,4}$")
_TRAILING = re.compile(r"(?:[%‰]|百分比|[:：;；,，。.、\-—/]|\s)+$")
_QUOTES = str.maketrans("", "", "“”\"'‘’《》〈〉「」『』")
_SPACES = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"^[\W\d_xX*]*$")
_PLACEHOLDER_WORDS = frozenset(
    {"empty", "null", "none", "nan", "n/a", "na", "tbd", "无", "空", "略", "暂无", "待定", "指标", "三级指标"}
)


@lru_cache(maxsize=1 << 20)
def clean_name(name: str) -> str:
    """The name as compared: width folded, numbering, ``指标1:``, ``★``, brackets, quotes and spaces removed.

    Brackets go with their content (a unit, a score, a clarification); if nothing else is left, the
    content stays.  A pure function, cached (names repeat).

    >>> clean_name("指标10:受训学员满意度(%)")
    '受训学员满意度'
    >>> clean_name("（一）项目(工程)验收合格率")
    '项目验收合格率'
    >>> clean_name("制作发放《党支部工作手册》")
    '制作发放党支部工作手册'
    >>> clean_name("服务对象满意度%")
    '服务对象满意度'
    >>> clean_name("受益建档立卡贫困人口数≥**人")
    '受益建档立卡贫困人口数'
    """
    text = normalize_text(name)
    previous = None
    while previous != text:
        previous = text
        text = strip_numbering(text)
        text = _DECORATION.sub("", text).strip()
    text = text.translate(_QUOTES)
    without = _BRACKETS.sub("", text)
    while without != text:  # nested brackets
        text, without = without, _BRACKETS.sub("", without)
    if not _SPACES.sub("", without):
        without = re.sub(r"[()\[\]【】]", "", name)
        without = normalize_text(without)
    text = _TRAILING.sub("", _EMBEDDED_TARGET.sub("", without))
    return _SPACES.sub("", text)


def is_placeholder_name(name: str) -> bool:
    """True for a name that names nothing: empty, ``—``, ``XX``, ``**``, ``0``, ``EMPTY``, ``无``.

    >>> [is_placeholder_name(s) for s in ["", "XX", "——", "EMPTY", "群众满意度"]]
    [True, True, True, True, False]
    """
    key = clean_name(name)
    return not key or bool(_PLACEHOLDER.match(key)) or key.lower() in _PLACEHOLDER_WORDS


@lru_cache(maxsize=1 << 20)
def _reversed(key: str) -> str:
    return key[::-1]


@functools.cache
def _measure_table() -> tuple[re.Pattern[str], dict[str, tuple[int, str]], tuple[str, ...]]:
    """The measure words of ``data/measures.toml`` as one pattern over reversed names (the first match in a
    reversed name is the one that ends last in the name; longer words are tried first)."""
    raw = resources.files("indicatornlp").joinpath("data/measures.toml").read_text("utf-8")
    words: dict[str, tuple[int, str]] = {}
    classes: list[str] = []
    for code, entry in enumerate(tomllib.loads(raw)["measure"]):
        classes.append(entry["class"])
        for word in entry["words"]:
            words.setdefault(word, (code, entry["canonical"]))
    ordered = sorted(words, key=lambda w: (-len(w), w))
    pattern = re.compile("|".join(re.escape(w[::-1]) for w in ordered))
    return pattern, words, tuple(classes)


@lru_cache(maxsize=1 << 20)
def measure_of(key: str) -> tuple[str | None, str]:
    """The measure class of a cleaned name and the name as compared (its measure word made canonical).

    >>> measure_of("来访外宾是否满意")
    ('satisfaction', '来访外宾满意度')
    >>> measure_of("干警满意度")
    ('satisfaction.staff', '职工满意度')
    >>> measure_of("培训班次")
    ('count.events', '培训次数')
    >>> measure_of("党组织特色活动")
    (None, '党组织特色活动')
    """
    pattern, words, classes = _measure_table()
    found = pattern.search(key[::-1])
    if found is None:
        return None, key
    word = found.group()[::-1]
    code, canonical = words[word]
    end = len(key) - found.start()
    return classes[code], key[: end - len(word)] + canonical + key[end:]


def _measure_code(key: str) -> int:
    name = measure_of(key)[0]
    return -1 if name is None else _measure_table()[2].index(name)


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


# ---- inputs ------------------------------------------------------------------------------------------

_NAME_KEYS = ("name", "三级指标", "l3", "指标名称")
_TARGET_KEYS = ("target", "target_raw", "年度指标值", "指标值")
_LEVEL1_KEYS = ("level1", "level1_raw", "l1_raw", "一级指标")
_LEVEL2_KEYS = ("level2", "level2_raw", "l2_raw", "二级指标")
_SOURCE_KEYS = ("source", "source_url", "path", "file")
_ID_KEYS = ("id",)

_INFORMATIVE_KINDS = frozenset({TargetKind.NUMERIC, TargetKind.DEADLINE, TargetKind.QUALITATIVE, TargetKind.DIRECTION})


@dataclasses.dataclass(frozen=True, slots=True)
class _Item:
    name: str
    key: str
    level2: str | None
    target: Target | None
    source: str | None


@lru_cache(maxsize=1 << 18)
def _parse(raw: str) -> Target | None:
    return parse_target(raw) if raw.strip() else None


def _first(mapping: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = mapping.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, float) and value != value:  # NaN from a data frame
            continue
        return str(value)
    return None


@lru_cache(maxsize=4096)
def _level2_of(level1: str | None, level2: str | None) -> str | None:
    if not level1 and not level2:
        return None
    category = canonical_category(level1, level2)
    return category.level2 if category is not None else None


def _item(position: int, value: object) -> _Item:
    if isinstance(value, Normalized):
        key = clean_name(value.name or value.raw)
        return _Item(value.name or value.raw, key, value.level2, value.target, value.source)
    if isinstance(value, Indicator):
        source = value.position.path if value.position is not None else None
        target = _parse(value.target_raw)
        return _Item(value.name, clean_name(value.name), _level2_of(value.level1_raw, value.level2_raw), target, source)
    if isinstance(value, str):
        name, raw_target = split_indicator(value)
        return _Item(name, clean_name(name), None, _parse(raw_target), None)
    if isinstance(value, Mapping):
        name = _first(value, _NAME_KEYS) or ""
        raw_target = _first(value, _TARGET_KEYS) or ""
        if raw_target == "" and " " in name.strip():
            name, raw_target = split_indicator(name)
        level2 = _level2_of(_first(value, _LEVEL1_KEYS), _first(value, _LEVEL2_KEYS))
        return _Item(name, clean_name(name), level2, _parse(raw_target), _first(value, _SOURCE_KEYS))
    raise TypeError(
        f"link() takes strings, mappings, Indicator or Normalized records; item {position} is {type(value).__name__}"
    )


# ---- profiles: identical entries scored once -----------------------------------------------------------


def _unit_of(target: Target | None) -> str | None:
    if target is None or target.kind is not TargetKind.NUMERIC:
        return None
    return target.unit


def _kind_of(target: Target | None) -> str | None:
    if target is None or target.kind not in _INFORMATIVE_KINDS:
        return None
    return target.kind.value


@dataclasses.dataclass(slots=True)
class _Profiles:
    keys: list[str]
    """Distinct cleaned names."""
    key_of: Int
    """Profile → index in ``keys``."""
    level2: Int
    """Profile → 二级 code (-1 unknown)."""
    unit: Int
    """Profile → unit code (-1 none)."""
    kind: Int
    """Profile → target kind code (-1 none)."""
    members: list[list[int]]
    """Profile → input positions."""


def _profiles(items: Sequence[_Item | None]) -> _Profiles:
    level2_codes = {name: i for i, name in enumerate(default_taxonomy().level2_names)}
    unit_codes: dict[str, int] = {}
    kind_codes = {kind.value: i for i, kind in enumerate(TargetKind)}
    key_codes: dict[str, int] = {}
    index: dict[tuple[int, int, int, int], int] = {}
    members: list[list[int]] = []
    rows: list[tuple[int, int, int, int]] = []
    for position, item in enumerate(items):
        if item is None:
            continue
        k = key_codes.setdefault(item.key, len(key_codes))
        l2 = level2_codes.get(item.level2, -1) if item.level2 else -1
        unit = _unit_of(item.target)
        u = unit_codes.setdefault(unit, len(unit_codes)) if unit else -1
        kind = _kind_of(item.target)
        kd = kind_codes[kind] if kind else -1
        signature = (k, l2, u, kd)
        p = index.get(signature)
        if p is None:
            p = index[signature] = len(rows)
            rows.append(signature)
            members.append([])
        members[p].append(position)
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return _Profiles(list(key_codes), table[:, 0], table[:, 1], table[:, 2], table[:, 3], members)


def _combine(name: Float, p: _Profiles, a: Int, b: Int, weights: Weights) -> tuple[Float, Int, Int]:
    """Pair scores of profiles ``a[i]``, ``b[i]`` with name scores ``name[i]``; plus the two reasons (same
    二级, unit agrees) as codes of ``_reason_codes``."""
    la, lb = p.level2[a], p.level2[b]
    level_known = (la >= 0) & (lb >= 0)
    level_same = level_known & (la == lb)
    ua, ub = p.unit[a], p.unit[b]
    ka, kb = p.kind[a], p.kind[b]
    units_known = (ua >= 0) & (ub >= 0)
    kinds_known = (ka >= 0) & (kb >= 0)
    unit_known = units_known | kinds_known
    unit_same = np.where(units_known, ua == ub, kinds_known & (ka == kb))
    score = name.astype(np.float64).copy()
    score += np.where(level_same, weights.same_level2, np.where(level_known, weights.other_level2, 0.0))
    score += np.where(unit_same, weights.unit_agrees, np.where(unit_known, weights.unit_differs, 0.0))
    np.clip(score, 0.0, 100.0, out=score)
    score = np.round(score, 2)
    return score, _reason_codes(level_known, level_same), _reason_codes(unit_known, unit_same)


# ---- blocking ----------------------------------------------------------------------------------------


def _name_matrix(keys: Sequence[str], df_cap: int, suffix_rank: Int) -> scipy.sparse.csr_matrix:
    """TF-IDF char 1–3-gram rows, restricted to the 2- and 3-gram columns, each column longer than
    ``df_cap`` cut into sub-columns of names that are neighbours when sorted from their last character.

    Single characters (率, 数, 度 …) are shared by thousands of names and single out no neighbour: they
    weigh in the vector norms but do not make candidates.
    """
    import scipy.sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32, lowercase=False
    )
    x = vectorizer.fit_transform(keys)
    longer = np.fromiter((len(t) > 1 for t in vectorizer.get_feature_names_out()), dtype=bool)
    x = x[:, np.flatnonzero(longer)].tocsc()
    df = np.diff(x.indptr)
    if df.size == 0 or df.max() <= df_cap:
        return x.tocsr()
    column = np.repeat(np.arange(df.size, dtype=np.int64), df)
    entries = np.lexsort((suffix_rank[x.indices], column))
    within = np.arange(x.nnz, dtype=np.int64) - x.indptr[column]
    subcolumns = (df + df_cap - 1) // df_cap
    offset = np.concatenate(([0], np.cumsum(subcolumns)[:-1]))
    new_column = offset[column] + within // df_cap
    return scipy.sparse.csr_matrix(
        (x.data[entries], (x.indices[entries], new_column)), shape=(len(keys), int(subcolumns.sum()))
    )


def _suffix_order(keys: Sequence[str]) -> Int:
    """Indices of ``keys`` sorted from the last character backwards (names ending alike sit together)."""
    return np.asarray(sorted(range(len(keys)), key=lambda i: (_reversed(keys[i]), i)), dtype=np.int64)


_MIN_COSINE = 0.1
"""Candidates below this (partial) cosine are dropped before ranking: they share one rare bigram at most."""


def _block_candidates(
    start: int,
    stop: int,
    *,
    x: scipy.sparse.csr_matrix,
    xt: scipy.sparse.csr_matrix,
    keys: Sequence[str],
    codes: Int,
    neighbours: int,
    weights: Weights,
    workers: int,
) -> tuple[Int, Int, Float]:
    """The ``neighbours`` most similar names of rows ``start:stop``, as pairs (i < j) with name scores."""
    product = x[start:stop] @ xt
    row = np.repeat(np.arange(start, stop, dtype=np.int64), np.diff(product.indptr))
    col = product.indices.astype(np.int64)
    sim = product.data.astype(np.float64)
    keep = (col != row) & (sim >= _MIN_COSINE)
    row, col, sim = row[keep], col[keep], sim[keep]
    # best first within each row (a stable sort: ties stay in the product's column order)
    order = np.argsort((row - start) * 2.0 + (1.0 - np.minimum(sim, 1.0)), kind="stable")
    row, col = row[order], col[order]
    first = np.searchsorted(row, np.arange(start, stop + 1, dtype=np.int64))
    rank = np.arange(row.size) - np.repeat(first[:-1], np.diff(first))
    keep = rank < neighbours
    return _score_pairs(keys, codes, row[keep], col[keep], weights, workers)


def _score_pairs(
    keys: Sequence[str], codes: Int, a: Int, b: Int, weights: Weights, workers: int
) -> tuple[Int, Int, Float]:
    """Unique unordered pairs (i < j) of names in compared form (``codes``: their measure classes), scored."""
    n = len(keys)
    code = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    a, b = code // n, code % n
    features = _features([keys[i] for i in a], [keys[j] for j in b], codes[a], codes[b], workers)
    return a, b, _mix(features, weights)


def _window_candidates(
    keys: Sequence[str], codes: Int, order: Int, window: int, weights: Weights, workers: int
) -> tuple[Int, Int, Float]:
    """Sorted-neighbourhood pass: each name with the next ``window`` names in suffix order.

    Names that share their measure (…满意度, …及时率) but whose other n-grams differ are crowded out of each
    other's nearest neighbours by their own variants; this pass links neighbouring endings.
    """
    a = np.concatenate([order[:-d] for d in range(1, min(window, len(keys) - 1) + 1)])
    b = np.concatenate([order[d:] for d in range(1, min(window, len(keys) - 1) + 1)])
    return _score_pairs(keys, codes, a, b, weights, workers)


def _candidates(
    keys: list[str],
    *,
    neighbours: int,
    window: int,
    block_size: int,
    df_cap: int,
    weights: Weights,
    jobs: int,
    backend: str,
    scheduler: object,
) -> tuple[Int, Int, Float]:
    if len(keys) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    codes = np.fromiter((_measure_code(k) for k in keys), dtype=np.int64, count=len(keys))
    order = _suffix_order(keys)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys), dtype=np.int64)
    x = _name_matrix(keys, df_cap, rank)
    xt = x.T.tocsr()
    bounds = [(s, min(s + block_size, len(keys))) for s in range(0, len(keys), block_size)]
    block = functools.partial(_block_candidates, neighbours=neighbours, weights=weights)
    if backend == "dask":
        parts = _dask_blocks(block, {"x": x, "xt": xt, "keys": keys, "codes": codes}, bounds, scheduler)
    else:
        parts = [block(s, e, x=x, xt=xt, keys=keys, codes=codes, workers=jobs) for s, e in bounds]
    if window:
        parts.append(_window_candidates(keys, codes, order, window, weights, jobs))
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    names = np.concatenate([p[2] for p in parts])
    code, first = np.unique(a * len(keys) + b, return_index=True)
    return code // len(keys), code % len(keys), names[first]


def _dask_blocks(
    block: Any, shared: dict[str, Any], bounds: list[tuple[int, int]], scheduler: object
) -> list[tuple[Int, Int, Float]]:
    """Run ``block(start, stop, **shared, workers=1)`` for every bound on a Dask cluster; ``shared`` goes to
    every worker once (``scatter(broadcast=True)``)."""
    try:
        from distributed import Client
    except ImportError as err:  # pragma: no cover - the dask extra is not installed
        raise LinkingError(
            None, "backend 'dask' needs dask.distributed", hint="pip install 'indicatornlp[dask]'"
        ) from err
    client: Any
    if isinstance(scheduler, Client):
        client, own = scheduler, False
    elif isinstance(scheduler, str) and scheduler:
        try:
            client, own = Client(scheduler), True  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise LinkingError(
                scheduler, f"cannot reach the Dask scheduler ({err})", hint="start one or check the address"
            ) from err
    else:
        raise LinkingError(None, "backend 'dask' needs a scheduler", hint="give scheduler='tcp://host:8786'")
    try:
        names = list(shared)
        scattered = dict(zip(names, client.scatter([shared[n] for n in names], broadcast=True), strict=True))
        # the options go inside a partial: client.map takes some keywords for itself (workers=, key=)
        task = functools.partial(block, workers=1)
        starts, stops = [s for s, _ in bounds], [e for _, e in bounds]
        futures = client.map(task, starts, stops, pure=False, **scattered)
        result: list[tuple[Int, Int, Float]] = client.gather(futures)
        return result
    finally:
        if own:
            client.close()


# ---- clustering --------------------------------------------------------------------------------------


def _clusters(p: _Profiles, a: Int, b: Int, score: Float, threshold: float, weights: Weights) -> list[list[int]]:
    """Profiles grouped: components of the pairs ≥ threshold, split so each member reaches its centre."""
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    n = len(p.members)
    edge = score >= threshold
    ea, eb, es = a[edge], b[edge], score[edge]
    graph = scipy.sparse.coo_matrix((np.ones(ea.size), (ea, eb)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    count = np.array([len(m) for m in p.members], dtype=np.int64)
    strength = np.bincount(ea, weights=es, minlength=n) + np.bincount(eb, weights=es, minlength=n)
    # centrality: most entries, then most strongly connected, then name, then first seen
    key_rank = np.empty(len(p.keys), dtype=np.int64)
    key_rank[np.asarray(sorted(range(len(p.keys)), key=p.keys.__getitem__), dtype=np.int64)] = np.arange(len(p.keys))
    order = np.lexsort((np.arange(n), key_rank[p.key_of], -strength, -count))
    by_component: dict[int, list[int]] = defaultdict(list)
    for i in order.tolist():
        by_component[int(label[i])].append(i)
    groups: list[list[int]] = []
    adjacency: scipy.sparse.csr_matrix | None = None
    is_centre = np.zeros(n, dtype=bool)
    for nodes in by_component.values():
        if len(nodes) == 1:
            groups.append(nodes)
        elif len(nodes) <= _DIRECT_LIMIT:
            groups.extend(_split_direct(p, nodes, threshold, weights))
        else:
            if adjacency is None:
                rows, cols = np.concatenate((ea, eb)), np.concatenate((eb, ea))
                adjacency = scipy.sparse.csr_matrix((np.concatenate((es, es)), (rows, cols)), shape=(n, n))
            groups.extend(_split_by_edges(nodes, adjacency, is_centre))
    return groups


def _split_direct(p: _Profiles, nodes: list[int], threshold: float, weights: Weights) -> list[list[int]]:
    """Greedy: the most central node takes every remaining node that scores ≥ threshold against it."""
    groups = []
    remaining = np.asarray(nodes, dtype=np.int64)
    while remaining.size:
        centre, rest = remaining[0], remaining[1:]
        if not rest.size:
            groups.append([int(centre)])
            break
        centres = np.full(rest.size, centre, dtype=np.int64)
        names = score_names(
            [p.keys[p.key_of[centre]]] * rest.size, [p.keys[k] for k in p.key_of[rest]], weights=weights
        )
        scores, _, _ = _combine(names, p, centres, rest, weights)
        joins = scores >= threshold
        groups.append([int(centre), *rest[joins].tolist()])
        remaining = rest[~joins]
    return groups


def _split_by_edges(nodes: list[int], adjacency: scipy.sparse.csr_matrix, is_centre: Any) -> list[list[int]]:
    """Greedy centres in centrality order (no two adjacent), then each other node joins its best adjacent
    centre (highest score, then lowest index)."""
    indptr, indices, data = adjacency.indptr, adjacency.indices, adjacency.data
    centres: list[int] = []
    for node in nodes:
        if not is_centre[indices[indptr[node] : indptr[node + 1]]].any():
            centres.append(node)
            is_centre[node] = True
    members: dict[int, list[int]] = {c: [c] for c in centres}
    for node in nodes:
        if is_centre[node]:
            continue
        linked = indices[indptr[node] : indptr[node + 1]]
        scores = data[indptr[node] : indptr[node + 1]]
        centre = is_centre[linked]
        linked, scores = linked[centre], scores[centre]
        members[int(linked[np.lexsort((linked, -scores))[0]])].append(node)
    return [members[c] for c in centres]


# ---- the public function -----------------------------------------------------------------------------


def link(
    indicators: Iterable[object],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    jobs: int = 1,
    backend: str = "local",
    scheduler: object = None,
    block_size: int = DEFAULT_BLOCK_SIZE,
    neighbours: int = DEFAULT_NEIGHBOURS,
    window: int = DEFAULT_WINDOW,
    df_cap: int = DEFAULT_DF_CAP,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Linkage:
    """Pair and cluster indicators that measure the same thing.

    ``indicators`` are what ``normalize()`` takes: strings (``"群众满意度 >=95%"``), mappings with English or
    Chinese keys (``name``/``三级指标``, ``target``/``年度指标值``, ``level1``/``一级指标``, ``level2``/``二级指标``,
    ``source``), ``Indicator`` or ``Normalized`` records.  Positions in this sequence name the members.

    ``threshold`` (0–100): pairs scoring at least this are kept and clustered.  ``jobs``: rapidfuzz
    workers (-1: all cores).  ``backend="dask"`` with ``scheduler`` (an address or a ``distributed.Client``)
    runs the blocks on a Dask cluster.  ``block_size``, ``neighbours`` and ``df_cap`` bound the work per
    block (see the module docstring).

    Returns every pair at or above ``threshold`` (an identical entry is paired with its first occurrence
    only, not with every other copy), every cluster (singletons too: each linked position is in exactly
    one), and the positions skipped for empty or placeholder names.

    Raises ``LinkingError`` for a threshold outside 0–100 or an unknown backend, ``TypeError`` for an
    item of another type.
    """
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
        raise LinkingError(None, f"threshold {threshold!r} is outside 0–100", hint="give a score between 0 and 100")
    if backend not in ("local", "dask"):
        raise LinkingError(None, f"unknown backend {backend!r}", hint="use 'local' or 'dask'")
    for option, bound in (("block_size", block_size), ("neighbours", neighbours), ("df_cap", df_cap)):
        if not isinstance(bound, int) or bound < 1:
            raise LinkingError(None, f"{option} must be a positive integer, not {bound!r}")
    if not isinstance(window, int) or window < 0:
        raise LinkingError(None, f"window must be a non-negative integer, not {window!r}")
    items, skipped = _prepare(indicators)
    if len(skipped) == len(items):
        return Linkage(skipped=tuple(skipped))
    p = _profiles(items)
    # blocking and scoring see each name as compared: its measure word made canonical (满意率 → 满意度)
    ka, kb, kscore = _candidates(
        [measure_of(key)[1] for key in p.keys],
        neighbours=neighbours,
        window=window,
        block_size=block_size,
        df_cap=df_cap,
        weights=weights,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
    )
    pa, pb, names = _expand(p, ka, kb, kscore)
    scores, same_level2, unit_agrees = _combine(names, p, pa, pb, weights)
    groups = _clusters(p, pa, pb, scores, float(threshold), weights)
    pairs = _pairs(p, pa, pb, names, scores, same_level2, unit_agrees, float(threshold), weights)
    clusters = _make_clusters(p, groups, items)
    return Linkage(pairs=pairs, clusters=clusters, skipped=tuple(skipped))


def _prepare(indicators: Iterable[object]) -> tuple[list[_Item | None], list[int]]:
    """The items to link (``None`` where skipped) and the skipped positions."""
    items: list[_Item | None] = []
    skipped: list[int] = []
    for position, value in enumerate(indicators):
        item = _item(position, value)
        if is_placeholder_name(item.name):
            items.append(None)
            skipped.append(position)
        else:
            items.append(item)
    return items, skipped


def _expand(p: _Profiles, ka: Int, kb: Int, kscore: Float) -> tuple[Int, Int, Float]:
    """Name pairs → profile pairs (every profile of one name with every profile of the other), plus the
    pairs of profiles that share a name (score 100)."""
    by_key = np.argsort(p.key_of, kind="stable")
    per_key = np.bincount(p.key_of, minlength=len(p.keys))
    start = np.concatenate(([0], np.cumsum(per_key)[:-1]))
    n = per_key[ka] * per_key[kb]
    pair = np.repeat(np.arange(ka.size), n)
    local = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    pa = by_key[start[ka[pair]] + local // per_key[kb[pair]]]
    pb = by_key[start[kb[pair]] + local % per_key[kb[pair]]]
    names = kscore[pair]
    same_a: list[int] = []
    same_b: list[int] = []
    for key in np.flatnonzero(per_key > 1).tolist():
        group = by_key[start[key] : start[key] + per_key[key]].tolist()
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                same_a.append(group[x])
                same_b.append(group[y])
    pa = np.concatenate((pa, np.asarray(same_a, dtype=np.int64)))
    pb = np.concatenate((pb, np.asarray(same_b, dtype=np.int64)))
    names = np.concatenate((names, np.full(len(same_a), 100.0)))
    lo, hi = np.minimum(pa, pb), np.maximum(pa, pb)
    return lo, hi, names


_TRUTH = (None, False, True)


def _reason_codes(known: Any, same: Any) -> Int:
    """-1 unknown, 0 disagree, 1 agree (``_TRUTH[code + 1]`` is the Python value)."""
    return np.where(known, np.where(same, 1, 0), -1).astype(np.int64)


def _pairs(
    p: _Profiles,
    pa: Int,
    pb: Int,
    names: Float,
    scores: Float,
    same_level2: Int,
    unit_agrees: Int,
    threshold: float,
    weights: Weights,
) -> tuple[Pair, ...]:
    """The pairs at or above ``threshold`` between first occurrences of profiles, plus each later copy of
    an entry paired with its first occurrence; sorted by positions."""
    first = np.fromiter((m[0] for m in p.members), dtype=np.int64, count=len(p.members))
    keep = scores >= threshold
    fa, fb = first[pa[keep]], first[pb[keep]]
    parts = [(np.minimum(fa, fb), np.maximum(fa, fb), scores[keep], names[keep], same_level2[keep], unit_agrees[keep])]
    copies = np.flatnonzero(np.fromiter((len(m) > 1 for m in p.members), dtype=bool, count=len(p.members)))
    if copies.size:
        score, same, unit = _combine(np.full(copies.size, 100.0), p, copies, copies, weights)
        kept = score >= threshold
        copies, score, same, unit = copies[kept], score[kept], same[kept], unit[kept]
        counts = np.fromiter((len(p.members[c]) - 1 for c in copies.tolist()), dtype=np.int64, count=copies.size)
        later = np.fromiter(
            (pos for c in copies.tolist() for pos in p.members[c][1:]), dtype=np.int64, count=int(counts.sum())
        )
        parts.append(
            (
                np.repeat(first[copies], counts),
                later,
                np.repeat(score, counts),
                np.full(later.size, 100.0),
                np.repeat(same, counts),
                np.repeat(unit, counts),
            )
        )
    a, b, sc, nm, sl, ua = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((b, a))
    return tuple(
        map(
            Pair,
            a[order].tolist(),
            b[order].tolist(),
            sc[order].tolist(),
            nm[order].tolist(),
            [_TRUTH[c + 1] for c in sl[order].tolist()],
            [_TRUTH[c + 1] for c in ua[order].tolist()],
        )
    )


def _make_clusters(p: _Profiles, groups: list[list[int]], items: Sequence[_Item | None]) -> tuple[Cluster, ...]:
    made = []
    for group in groups:
        positions = sorted(pos for profile in group for pos in p.members[profile])
        made.append((group[0], positions))
    made.sort(key=lambda g: (-len(g[1]), g[1][0]))
    clusters = []
    for number, (centre, positions) in enumerate(made):
        members = [items[pos] for pos in positions]
        present = [m for m in members if m is not None]
        level2 = Counter(m.level2 for m in present if m.level2).most_common(1)
        sources = tuple(dict.fromkeys(m.source for m in present if m.source))
        clusters.append(
            Cluster(
                id=number,
                representative=p.keys[p.key_of[centre]],
                members=tuple(positions),
                level2=level2[0][0] if level2 else None,
                sources=sources,
                spread=_spread([m.target for m in present]),
            )
        )
    return tuple(clusters)


def _median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _spread(targets: Sequence[Target | None]) -> dict[str, Any]:
    """Unit, comparator and min/median/max of the members' numeric targets (those in the commonest unit)."""
    numeric = [t for t in targets if t is not None and t.kind is TargetKind.NUMERIC and t.value is not None]
    kinds = Counter(t.kind.value for t in targets if t is not None)
    labels = Counter(t.label for t in targets if t is not None and t.label)
    spread: dict[str, Any] = {
        "unit": None,
        "comparator": None,
        "min": None,
        "median": None,
        "max": None,
        "numeric": len(numeric),
        "kinds": dict(sorted(kinds.items())),
        "label": labels.most_common(1)[0][0] if labels else None,
    }
    if numeric:
        unit = Counter(t.unit for t in numeric).most_common(1)[0][0]
        same = [t for t in numeric if t.unit == unit]
        comparators = Counter(t.comparator for t in same if t.comparator is not None).most_common(1)
        values = [t.value for t in same if t.value is not None]
        spread.update(
            unit=unit,
            comparator=comparators[0][0] if comparators else None,
            min=min(values),
            median=_median(values),
            max=max(values),
        )
    return spread


# ---- reading indicators from files --------------------------------------------------------------------

_TABLE_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson"})


def read_indicators(path: str | os.PathLike[str]) -> list[dict[str, str | None]]:
    """The indicators of one file, as mappings that ``link`` takes (``name``, ``target``, ``level2``, ``source`` …).

    A ``.csv`` or ``.jsonl`` file is a table of indicators (the output of ``indicatornlp tag``, or any table
    with a ``name``/``三级指标`` column); its ``source`` and ``filing`` columns name the filing of each row.
    Any other file is a filing, read with ``read_filings``: each project's rows get the source
    ``path#N`` (N: the project's number in the file, as ``tag`` writes it).

    Raises an ``IndicatorNLPError`` naming the file (and line) when it cannot be read.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FilingNotFoundError(name, "no such file", hint="check the path")
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _TABLE_SUFFIXES:
        return _read_table(name, suffix)
    from .readers import read_filings

    out: list[dict[str, str | None]] = []
    for number, filing in enumerate(read_filings(name), 1):
        source = f"{filing.source.path}#{number}"
        for ind in filing.indicators:
            out.append(
                {
                    "name": ind.name,
                    "target": ind.target_raw,
                    "level1": ind.level1_raw,
                    "level2": ind.level2_raw,
                    "source": source,
                    "project": filing.project,
                }
            )
    return out


def _table_row(row: Mapping[str, Any], path: str) -> dict[str, str | None]:
    source = _first(row, _SOURCE_KEYS) or path
    filing = _first(row, ("filing",))
    return {
        "name": _first(row, _NAME_KEYS) or "",
        "target": _first(row, _TARGET_KEYS),
        "level1": _first(row, _LEVEL1_KEYS) or _first(row, ("predicted_level1",)),
        "level2": _first(row, _LEVEL2_KEYS) or _first(row, ("predicted_level2",)),
        "source": f"{source}#{filing}" if filing else source,
        "project": _first(row, ("project", "项目名称")),
    }


def _read_table(path: str, suffix: str) -> list[dict[str, str | None]]:
    hint = "give a table with a 'name' (or '三级指标') column, as 'indicatornlp tag' writes"
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                reader = csv.DictReader(handle)
                if not any(key in (reader.fieldnames or ()) for key in _NAME_KEYS):
                    raise FilingFormatError(path, "no indicator-name column in the header", hint=hint)
                return [_table_row(row, path) for row in reader]
            out = []
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise FilingFormatError(f"{path}:{number}", f"not a JSON line ({err.msg})", hint=hint) from None
                if not isinstance(row, dict) or not any(key in row for key in _NAME_KEYS):
                    raise FilingFormatError(f"{path}:{number}", "not an object with an indicator name", hint=hint)
                out.append(_table_row(row, path))
            return out
    except UnicodeDecodeError:
        raise FilingFormatError(path, "is not UTF-8 text", hint="save the table as UTF-8") from None
    except csv.Error as err:
        raise FilingFormatError(path, f"is not a readable CSV table ({err})", hint=hint) from None
    except OSError as err:
        raise FilingError(path, f"cannot be read ({err.strerror})", hint="check the permissions") from None


# ---- the indicator library (指标库) -------------------------------------------------------------------

_UPWARD = frozenset({Comparator.GE, Comparator.GT})
_DOWNWARD = frozenset({Comparator.LE, Comparator.LT})


def _format_target(comparator: Comparator | None, value: Decimal | None, unit: str | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return f"{comparator.value if comparator and comparator is not Comparator.BETWEEN else ''}{text}{unit or ''}"


def _outliers(targets: Sequence[tuple[int, Target, str | None]], spread: Mapping[str, Any]) -> list[tuple[int, str]]:
    """Members whose numeric target is far from the typical one, or points the other way (≤ where ≥)."""
    unit, median, typical = spread.get("unit"), spread.get("median"), spread.get("comparator")
    same = [(pos, t, src) for pos, t, src in targets if t.kind is TargetKind.NUMERIC and t.value is not None]
    same = [(pos, t, src) for pos, t, src in same if t.unit == unit]
    if median is None or len(same) < 3:
        return []
    values = [t.value for _, t, _ in same if t.value is not None]
    mad = _median([abs(v - median) for v in values])
    found = []
    for pos, t, src in same:
        assert t.value is not None
        reasons = []
        deviation = abs(t.value - median)
        limit = 3 * Decimal("1.4826") * mad if mad else Decimal("0.25") * abs(median)
        if deviation > limit and (not median or deviation / abs(median) > Decimal("0.1")):
            reasons.append("value")
        if (typical in _UPWARD and t.comparator in _DOWNWARD) or (typical in _DOWNWARD and t.comparator in _UPWARD):
            reasons.append("comparator")
        if reasons:
            found.append((pos, f"{t.raw.strip()} ({src or 'position ' + str(pos)})"))
    return found


def build_library(
    indicators: Sequence[object],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    jobs: int = 1,
    backend: str = "local",
    scheduler: object = None,
    linkage: Linkage | None = None,
) -> list[dict[str, Any]]:
    """An indicator library (指标库): one row per cluster, largest first.

    Each row: the representative name, the commonest 二级, how many filings (distinct sources) and how many
    indicators use it, the typical target (median value with the commonest comparator and unit), the
    outliers (targets far from the typical one or pointing the other way, with their sources) and the
    commonest variants of the name.

    >>> rows = build_library([
    ...     {"name": "群众满意度", "target": "≥95%", "source": "a"},
    ...     {"name": "服务对象满意度", "target": "≥95%", "source": "b"},
    ...     {"name": "群众满意度", "target": "≥95%", "source": "c"},
    ...     {"name": "群众满意度(%)", "target": "≥60%", "source": "d"},
    ... ])
    >>> (rows[0]["name"], rows[0]["filings"], rows[0]["typical_target"], rows[0]["outliers"])
    ('群众满意度', 4, '≥95%', '≥60% (d)')
    """
    items = [_item(i, value) for i, value in enumerate(indicators)]
    if linkage is None:
        linkage = link(indicators, threshold=threshold, jobs=jobs, backend=backend, scheduler=scheduler)
    rows = []
    for cluster in linkage.clusters:
        members = [items[pos] for pos in cluster.members]
        targets = [(pos, m.target, m.source) for pos, m in zip(cluster.members, members, strict=True) if m.target]
        spread = cluster.spread
        comparator = spread.get("comparator")
        typical = _format_target(comparator, spread.get("median"), spread.get("unit"))
        if not typical and spread.get("label"):
            typical = str(spread["label"])
        outliers = _outliers(targets, spread)
        variants = Counter(m.key for m in members).most_common(5)
        rows.append(
            {
                "name": cluster.representative,
                "level2": cluster.level2 or "",
                "filings": len(cluster.sources) if cluster.sources else len(cluster.members),
                "indicators": len(cluster.members),
                "typical_target": typical,
                "comparator": comparator.value if isinstance(comparator, Comparator) else "",
                "median": _format_target(None, spread.get("median"), None),
                "unit": spread.get("unit") or "",
                "min": _format_target(None, spread.get("min"), None),
                "max": _format_target(None, spread.get("max"), None),
                "outliers": "; ".join(text for _, text in outliers),
                "variants": "; ".join(f"{name} ×{n}" for name, n in variants),
                "cluster": cluster.id,
            }
        )
    return rows


# ---- evaluation against the annotated concepts ---------------------------------------------------------


def _field(example: object, *names: str) -> Any:
    for name in names:
        value = example.get(name) if isinstance(example, Mapping) else getattr(example, name, None)
        if value not in (None, ""):
            return value
    return None


def evaluate_linking(
    examples: Iterable[object], *, threshold: float = DEFAULT_THRESHOLD, weights: Weights = DEFAULT_WEIGHTS
) -> dict[str, Any]:
    """Pairwise precision/recall/F1 and cluster purity of ``link`` against annotated concepts.

    ``examples`` are annotated rows (mappings or records with ``name``, ``target_raw``, the filed
    ``level1_raw``/``level2_raw``, ``source`` and ``concept``); rows without a concept are left out.  Two
    rows with the same concept are a positive pair.  Only what a filing states goes into ``link`` (the
    filed category, never the gold one).

    >>> rows = [{"name": n, "concept": c} for n, c in
    ...         [("群众满意度", "sat"), ("服务对象满意度", "sat"), ("培训人次", "n"), ("培训满意度", "sat")]]
    >>> result = evaluate_linking(rows)
    >>> sorted(result)[:4]
    ['clusters', 'concepts', 'f1', 'false_negatives']
    """
    rows = []
    concepts = []
    for example in examples:
        concept = _field(example, "concept")
        if concept is None:
            continue
        rows.append(
            {
                "name": _field(example, "name", "l3") or "",
                "target": _field(example, "target_raw", "target") or "",
                "level1": _field(example, "level1_raw", "l1_raw"),
                "level2": _field(example, "level2_raw", "l2_raw"),
                "source": _field(example, "source", "source_url"),
            }
        )
        concepts.append(str(concept))
    linkage = link(rows, threshold=threshold, weights=weights)
    assigned = [-1] * len(rows)
    for cluster in linkage.clusters:
        for pos in cluster.members:
            assigned[pos] = cluster.id
    next_id = len(linkage.clusters)
    for pos in linkage.skipped:  # a skipped row is alone
        assigned[pos] = next_id
        next_id += 1
    return _pairwise_scores(assigned, concepts) | {"threshold": float(threshold), "skipped": len(linkage.skipped)}


def _pairs_within(groups: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups)


def _pairwise_scores(assigned: Sequence[int], concepts: Sequence[str]) -> dict[str, Any]:
    together = Counter(zip(assigned, concepts, strict=True))
    true_positives = _pairs_within(together.values())
    predicted = _pairs_within(Counter(assigned).values())
    gold = _pairs_within(Counter(concepts).values())
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    best: dict[int, int] = defaultdict(int)
    for (cluster, _), n in together.items():
        best[cluster] = max(best[cluster], n)
    best_cluster: dict[str, int] = defaultdict(int)
    for (_, concept), n in together.items():
        best_cluster[concept] = max(best_cluster[concept], n)
    total = len(concepts)
    return {
        "rows": total,
        "concepts": len(set(concepts)),
        "clusters": len(set(assigned)),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "purity": sum(best.values()) / total if total else 1.0,
        "inverse_purity": sum(best_cluster.values()) / total if total else 1.0,
        "true_positives": true_positives,
        "false_positives": predicted - true_positives,
        "false_negatives": gold - true_positives,
    }
