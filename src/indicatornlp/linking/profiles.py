"""Profiles: identical entries (same cleaned name, 二级, target unit and kind) are one profile, scored once; and the
pair score of two profiles (their name score plus the 二级 and unit terms of ``Weights``).

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
