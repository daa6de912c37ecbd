"""The indicator library (指标库): one row per cluster, grouped by family then concept, with the typical target
and the outliers.

>>> rows = build_library(["群众满意度 ≥95%", "服务对象满意度 ≥90%", "培训人次 ≥100人次"])
>>> [(r["family"], r["name"], r["indicators"], r["typical_target"]) for r in rows]
[('count.people.trained', '培训人次', 1, '≥100人次'), ('satisfaction.public', '服务对象满意度', 2, '≥92.5%')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..records import Comparator, Linkage, Target, TargetKind
from .clustering import _median
from .items import _item
from .pipeline import link
from .scoring import DEFAULT_THRESHOLD

__all__ = ["build_library"]

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
    """An indicator library (指标库): one row per cluster, grouped by family (families by name, clusters without
    one last), then by concept, largest first.

    Each row: the family and concept ids (empty where the concept dictionary knows none), the representative
    name, the commonest 二级, how many filings (distinct sources) and how many indicators use it, the typical
    target (median value with the commonest comparator and unit), the outliers (targets far from the typical one
    or pointing the other way, with their sources) and the commonest variants of the name.

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
                "family": cluster.family or "",
                "concept": cluster.concept or "",
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
    rows.sort(key=lambda r: (not r["family"], str(r["family"]), -int(r["indicators"]), str(r["concept"]), r["cluster"]))
    return rows
