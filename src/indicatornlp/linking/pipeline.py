"""``link``: the linking pipeline in order (items → profiles → blocking → scoring → clusters → records).

>>> linkage = link(["群众满意度 ≥95%", "群众满意度 ≥95%", "服务对象满意度 ≥95%", "——"])
>>> [(p.a, p.b, p.score) for p in linkage.pairs], linkage.skipped
([(0, 1, 100.0), (0, 2, 100.0)], (3,))
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import LinkingError
from ..records import Linkage
from .blocking import DEFAULT_BLOCK_SIZE, DEFAULT_DF_CAP, DEFAULT_NEIGHBOURS, DEFAULT_WINDOW, _candidates
from .clustering import _make_clusters, _pairs
from .dictionary import _allowed, _groups
from .items import _prepare
from .profiles import _combine, _expand, _profiles
from .scoring import DEFAULT_THRESHOLD, DEFAULT_WEIGHTS, Weights, measure_of

__all__ = ["link"]


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
    groups = _groups(p, pa, pb, scores, float(threshold), weights)
    keep = _allowed(p, pa, pb)  # pairs the dictionary rules out are not reported either
    pa, pb, names, scores = pa[keep], pb[keep], names[keep], scores[keep]
    same_level2, unit_agrees = same_level2[keep], unit_agrees[keep]
    pairs = _pairs(p, pa, pb, names, scores, same_level2, unit_agrees, float(threshold), weights)
    clusters = _make_clusters(p, groups, items)
    return Linkage(pairs=pairs, clusters=clusters, skipped=tuple(skipped))
