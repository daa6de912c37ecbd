"""Dictionary first: profiles with the same concept id are one group; different ids never link; the rest is fuzzy.

``_groups`` turns scored profile pairs into groups in four steps:

1. every concept id of the concept dictionary (``data/concepts.toml``, read by ``concepts.tag_concept``) is one
   group, whatever the wording (时限/时间, 合规率/合规性 …);
2. an edge between two profiles with concept ids, between two profiles of different families, or between two
   profiles whose names give different qualifiers of one set (省级 and 国家级, 主编 and 参编: itemised siblings,
   CONCEPTS.md case 5; ``concepts.concept_qualifiers``) is dropped: the dictionary has said they differ;
3. a profile without a concept id joins a concept group of its family (any group, if it has no family) when its
   mean score against the group's members (the ``JOIN_SAMPLE`` commonest) reaches the threshold: it joins, it never
   becomes a centre that could bridge two groups;
4. the other profiles are clustered as before (``clustering._clusters``: components split so that every member
   reaches its centre), and a cluster holding two families keeps its centre's and lets the others go.

>>> from .items import _prepare
>>> from .profiles import _profiles
>>> p = _profiles(_prepare(["资金支付及时率", "资金支付时效性", "项目完成及时率"])[0])
>>> [p.concepts[c] if c >= 0 else None for c in p.concept.tolist()]
['timeliness.funds.project_payment', 'timeliness.funds.project_payment', None]
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from ..concepts import concept_qualifiers
from .clustering import _clusters
from .profiles import _combine, _Profiles
from .scoring import Float, Int, Weights, score_names

JOIN_SAMPLE = 20
"""A profile's mean score to a concept group is taken over the group's commonest members, at most this many."""


def _allowed(p: _Profiles, a: Int, b: Int) -> np.ndarray:
    """The pairs the dictionary does not rule out: not two concept ids, not two different families, not two names
    that give different qualifiers of one set."""
    fa, fb = p.family[a], p.family[b]
    other_family = (fa >= 0) & (fb >= 0) & (fa != fb)
    both_concepts = (p.concept[a] >= 0) & (p.concept[b] >= 0)
    allowed: np.ndarray = ~(other_family | both_concepts | _siblings(p, p.key_of[a], p.key_of[b]))
    return allowed


def _siblings(p: _Profiles, ka: Int, kb: Int) -> np.ndarray:
    """Pairs of names (key codes) that give different values of one qualifier set: itemised siblings.

    >>> from .items import _prepare
    >>> from .profiles import _profiles
    >>> p = _profiles(_prepare(["省级教学成果奖", "国家级教学成果奖", "教学成果奖"])[0])
    >>> _siblings(p, np.array([0, 0]), np.array([1, 2])).tolist()
    [True, False]
    """
    used = np.unique(np.concatenate((ka, kb)))
    given = {int(k): concept_qualifiers(p.keys[k]) for k in used.tolist()}
    sets = sorted({q.split("=", 1)[0] for qs in given.values() for q in qs})
    if not sets:
        return np.zeros(ka.size, dtype=bool)
    values: dict[str, int] = {}
    codes = np.full((len(p.keys), len(sets)), -1, dtype=np.int64)
    for k, qs in given.items():
        for q in qs:
            codes[k, sets.index(q.split("=", 1)[0])] = values.setdefault(q, len(values))
    qa, qb = codes[ka], codes[kb]
    out: np.ndarray = ((qa >= 0) & (qb >= 0) & (qa != qb)).any(axis=1)
    return out


def _order(p: _Profiles, nodes: list[int]) -> list[int]:
    """Commonest first (rows per profile), then by name: the first is the group's representative."""
    return sorted(nodes, key=lambda i: (-len(p.members[i]), p.keys[p.key_of[i]], i))


def _join(
    p: _Profiles, a: Int, b: Int, score: Float, threshold: float, weights: Weights, groups: dict[int, list[int]]
) -> dict[int, int]:
    """Profiles without a concept id → the concept group they join (mean score at or above the threshold)."""
    close = score >= threshold
    rest_b = close & (p.concept[a] >= 0) & (p.concept[b] < 0)
    rest_a = close & (p.concept[b] >= 0) & (p.concept[a] < 0)
    rows = np.concatenate((b[rest_b], a[rest_a]))
    codes = np.concatenate((p.concept[a[rest_b]], p.concept[b[rest_a]]))
    if not rows.size:
        return {}
    group_family = {code: int(p.family[members[0]]) for code, members in groups.items()}
    candidates = sorted(
        {
            (int(r), int(g))
            for r, g in zip(rows.tolist(), codes.tolist(), strict=True)
            if p.family[r] < 0 or p.family[r] == group_family[g]
        }
    )
    if not candidates:
        return {}
    sample = {g: _order(p, groups[g])[:JOIN_SAMPLE] for g in {g for _, g in candidates}}
    left = np.fromiter((r for r, g in candidates for _ in sample[g]), dtype=np.int64)
    right = np.fromiter((m for _, g in candidates for m in sample[g]), dtype=np.int64)
    names = score_names([p.keys[k] for k in p.key_of[left]], [p.keys[k] for k in p.key_of[right]], weights=weights)
    scores, _, _ = _combine(names, p, left, right, weights)
    sizes = np.fromiter((len(sample[g]) for _, g in candidates), dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    means = np.add.reduceat(scores, starts) / sizes
    best: dict[int, tuple[float, int]] = {}
    for (r, g), mean in zip(candidates, means.tolist(), strict=True):
        if mean >= threshold and (r not in best or (mean, -g) > (best[r][0], -best[r][1])):
            best[r] = (mean, g)
    return {r: g for r, (_, g) in best.items()}


def _family_pure(p: _Profiles, group: list[int]) -> list[list[int]]:
    """A fuzzy group keeps the family of its centre (or its commonest family); members of another family leave."""
    families = [int(p.family[i]) for i in group]
    known = [f for f in families if f >= 0]
    if len(set(known)) <= 1:
        return [group]
    keep = families[0] if families[0] >= 0 else Counter(known).most_common(1)[0][0]
    stay = [i for i, f in zip(group, families, strict=True) if f < 0 or f == keep]
    return [stay] + [[i] for i, f in zip(group, families, strict=True) if f >= 0 and f != keep]


def _groups(p: _Profiles, a: Int, b: Int, score: Float, threshold: float, weights: Weights) -> list[list[int]]:
    """Profiles grouped dictionary first (see the module docstring); each group's representative comes first."""
    keep = _allowed(p, a, b)
    a, b, score = a[keep], b[keep], score[keep]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(p.concept >= 0).tolist():
        groups[int(p.concept[i])].append(i)
    joined = _join(p, a, b, score, threshold, weights, groups)
    rest = p.concept < 0
    for profile, code in sorted(joined.items()):
        groups[code].append(profile)
        rest[profile] = False
    out = [_order(p, [i for i in members if p.concept[i] >= 0]) + sorted(
        (i for i in members if p.concept[i] < 0), key=lambda i: (-len(p.members[i]), i)
    ) for _, members in sorted(groups.items())]  # fmt: skip
    fuzzy_edges = rest[a] & rest[b]
    for group in _clusters(p, a[fuzzy_edges], b[fuzzy_edges], score[fuzzy_edges], threshold, weights):
        if rest[group[0]]:
            out.extend(_family_pure(p, group))
    return out
