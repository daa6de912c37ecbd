"""Profiles: identical entries (same cleaned name, 二级, target unit and kind, family and concept) are one profile,
scored once; and the pair score of two profiles (their name score plus the 二级 and unit terms of ``Weights``).

>>> from .items import _prepare
>>> p = _profiles(_prepare(["群众满意度 ≥95%", "群众满意度 ≥90%", "培训人次 100人次"])[0])
>>> p.keys, p.members
(['群众满意度', '培训人次'], [[0, 1], [2]])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..records import Target, TargetKind
from ..taxonomy import default_taxonomy
from .items import _Item
from .scoring import Float, Int, Weights

_INFORMATIVE_KINDS = frozenset({TargetKind.NUMERIC, TargetKind.DEADLINE, TargetKind.QUALITATIVE, TargetKind.DIRECTION})


def _unit_of(target: Target | None, form: str | None = None) -> str | None:
    """The target's unit; a row without one whose name states a unit (``新建道路(公里)``) has that form."""
    if target is not None and target.kind is TargetKind.NUMERIC and target.unit:
        return target.unit
    if form is not None and (target is None or target.kind in (TargetKind.NUMERIC, TargetKind.EMPTY)):
        return f"form:{form}"
    return None


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
    family: Int
    """Profile → family code (-1 none): an index into ``families``."""
    concept: Int
    """Profile → concept code (-1 none): an index into ``concepts``."""
    families: list[str]
    concepts: list[str]
    phrase: Int
    """Profile → object phrase code: an index into ``phrases``."""
    phrases: list[str]


def _profiles(items: Sequence[_Item | None]) -> _Profiles:
    level2_codes = {name: i for i, name in enumerate(default_taxonomy().level2_names)}
    unit_codes: dict[str, int] = {}
    kind_codes = {kind.value: i for i, kind in enumerate(TargetKind)}
    key_codes: dict[str, int] = {}
    family_codes: dict[str, int] = {}
    concept_codes: dict[str, int] = {}
    phrase_codes: dict[str, int] = {}
    index: dict[tuple[int, int, int, int, int, int, int], int] = {}
    members: list[list[int]] = []
    rows: list[tuple[int, int, int, int, int, int, int]] = []
    for position, item in enumerate(items):
        if item is None:
            continue
        k = key_codes.setdefault(item.key, len(key_codes))
        l2 = level2_codes.get(item.level2, -1) if item.level2 else -1
        unit = _unit_of(item.target, item.form)
        u = unit_codes.setdefault(unit, len(unit_codes)) if unit else -1
        kind = _kind_of(item.target)
        kd = kind_codes[kind] if kind else -1
        f = family_codes.setdefault(item.family, len(family_codes)) if item.family else -1
        c = concept_codes.setdefault(item.concept, len(concept_codes)) if item.concept else -1
        ph = phrase_codes.setdefault(item.phrase, len(phrase_codes))
        signature = (k, l2, u, kd, f, c, ph)
        p = index.get(signature)
        if p is None:
            p = index[signature] = len(rows)
            rows.append(signature)
            members.append([])
        members[p].append(position)
    table = np.array(rows, dtype=np.int64).reshape(-1, 7)
    return _Profiles(
        list(key_codes),
        table[:, 0],
        table[:, 1],
        table[:, 2],
        table[:, 3],
        members,
        table[:, 4],
        table[:, 5],
        list(family_codes),
        list(concept_codes),
        table[:, 6],
        list(phrase_codes),
    )


def _object_scores(name: Float, p: _Profiles, a: Int, b: Int) -> Float:
    """Two profiles of one family are compared by what they measure on (their object phrases, ``fuzz.ratio``; two
    empty phrases agree): the shared measure word says nothing about whether they are one concept."""
    same = np.flatnonzero((p.family[a] >= 0) & (p.family[a] == p.family[b]))
    if not same.size:
        return name
    from rapidfuzz import fuzz, process

    left = [p.phrases[k] for k in p.phrase[a[same]].tolist()]
    right = [p.phrases[k] for k in p.phrase[b[same]].tolist()]
    ratio = np.asarray(process.cpdist(left, right, scorer=fuzz.ratio, dtype=np.float32), dtype=np.float64)
    both_empty = np.fromiter((not x and not y for x, y in zip(left, right, strict=True)), dtype=bool, count=same.size)
    out = name.astype(np.float64).copy()
    out[same] = np.where(both_empty, 100.0, ratio)
    return out


def _combine(name: Float, p: _Profiles, a: Int, b: Int, weights: Weights) -> tuple[Float, Int, Int]:
    """Pair scores of profiles ``a[i]``, ``b[i]`` with name scores ``name[i]`` (object phrases within a family);
    plus the two reasons (same 二级, unit agrees) as codes of ``_reason_codes``."""
    name = _object_scores(name, p, a, b)
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
