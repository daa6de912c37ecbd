"""Score ``link`` against annotated concepts: pairwise precision, recall and F1, and cluster purity.

>>> scores = _pairwise_scores([0, 0, 1], ["sat", "sat", "sat"])
>>> scores["precision"], round(scores["recall"], 3)
(1.0, 0.333)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .pipeline import link
from .scoring import DEFAULT_THRESHOLD, DEFAULT_WEIGHTS, Weights

__all__ = ["evaluate_linking"]


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
