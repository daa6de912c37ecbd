"""Clusters from scored pairs: components of the pairs at or above the threshold, split so that every member
scores at least the threshold against its cluster's centre (the most common, then most connected name), so
chains (A~B~C with A≁C) never merge; then the ``Pair`` and ``Cluster`` records, with each cluster's target spread.

>>> from indicatornlp.targets import parse_target
>>> _spread([parse_target("≥95%"), parse_target("≥90%"), parse_target("及时")])["median"]
Decimal('92.5')
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ..records import Cluster, Pair, Target, TargetKind
from .items import _Item
from .profiles import _TRUTH, _combine, _Profiles
from .scoring import Float, Int, Weights, score_names

if TYPE_CHECKING:  # pragma: no cover
    import scipy.sparse

_DIRECT_LIMIT = 4000
"""Components up to this many profiles are split by scoring every member against the centre directly;
larger ones (rare: a chain through thousands of names) use the scored pairs only."""


# ---- clusters from scored pairs ------------------------------------------------------------------------


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


# ---- the records: pairs, clusters and each cluster's target spread ------------------------------------


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
        families = Counter(m.family for m in present if m.family).most_common(1)
        concepts = {m.concept for m in present if m.concept}
        clusters.append(
            Cluster(
                id=number,
                representative=p.keys[p.key_of[centre]],
                members=tuple(positions),
                level2=level2[0][0] if level2 else None,
                sources=sources,
                spread=_spread([m.target for m in present]),
                family=families[0][0] if families else None,
                concept=next(iter(concepts)) if len(concepts) == 1 else None,
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
