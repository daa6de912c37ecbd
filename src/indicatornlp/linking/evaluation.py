"""Score ``link`` against annotated families and concepts: pairwise precision, recall and F1, and cluster purity.

Every annotated row counts (a row with no partner is a singleton, so a wrong merge always costs); rows marked
``unsure`` are left out.  At concept level the predicted groups are ``link``'s clusters; at family level they are the
clusters merged by ``Cluster.family`` (a cluster without a family stays alone).

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

__all__ = ["agreement", "evaluate_linking"]


def _field(example: object, *names: str) -> Any:
    for name in names:
        value = example.get(name) if isinstance(example, Mapping) else getattr(example, name, None)
        if value not in (None, ""):
            return value
    return None


def evaluate_linking(
    examples: Iterable[object], *, threshold: float = DEFAULT_THRESHOLD, weights: Weights = DEFAULT_WEIGHTS
) -> dict[str, Any]:
    """Pairwise precision/recall/F1 and cluster purity of ``link`` against annotated concepts (the top-level keys)
    and families (under ``"family"``).

    ``examples`` are annotated rows (mappings or records with ``name``, ``target_raw``, the filed
    ``level1_raw``/``level2_raw``, ``project``, ``source``, ``concept`` and ``family``); rows without a concept and
    rows marked ``unsure`` are left out.  Two rows with the same concept (family) are a positive pair.  Only what a
    filing states goes into ``link`` (the filed category and the project, never the gold labels).

    >>> rows = [{"name": n, "concept": c} for n, c in
    ...         [("群众满意度", "sat"), ("服务对象满意度", "sat"), ("培训人次", "n"), ("培训满意度", "sat")]]
    >>> result = evaluate_linking(rows)
    >>> sorted(result)[:4]
    ['clusters', 'concepts', 'f1', 'false_negatives']
    """
    rows = []
    concepts = []
    families = []
    for example in examples:
        concept = _field(example, "concept")
        if concept is None or _field(example, "unsure") is True:
            continue
        rows.append(
            {
                "name": _field(example, "name", "l3") or "",
                "target": _field(example, "target_raw", "target") or "",
                "level1": _field(example, "level1_raw", "l1_raw"),
                "level2": _field(example, "level2_raw", "l2_raw"),
                "source": _field(example, "source", "source_url"),
                "project": _field(example, "project"),
            }
        )
        concepts.append(str(concept))
        families.append(str(_field(example, "family") or concept))
    linkage = link(rows, threshold=threshold, weights=weights)
    assigned = [-1] * len(rows)
    family_of: list[str] = [""] * len(rows)
    for cluster in linkage.clusters:
        for pos in cluster.members:
            assigned[pos] = cluster.id
            family_of[pos] = cluster.family or f"cluster {cluster.id}"
    next_id = len(linkage.clusters)
    for pos in linkage.skipped:  # a skipped row is alone
        assigned[pos] = next_id
        family_of[pos] = f"skipped {pos}"
        next_id += 1
    family = _pairwise_scores(family_of, families)
    family["families"] = family.pop("concepts")
    family |= _errors_by_family(family_of, families)
    return _pairwise_scores(assigned, concepts) | {
        "threshold": float(threshold),
        "skipped": len(linkage.skipped),
        "family": family,
    }


def agreement(first: Iterable[object], second: Iterable[object]) -> dict[str, Any]:
    """Pairwise agreement of two annotation passes (records or mappings with ``id``, ``family``, ``concept``,
    ``unsure``) on the rows both annotated and neither marked unsure: the second scored against the first, at family
    and concept level.  Ids may be spelled differently for one concept: only the pairs count.

    >>> a = [{"id": i, "family": f, "concept": c} for i, f, c in [(1, "x", "x.a"), (2, "x", "x.a"), (3, "y", "y.a")]]
    >>> b = [{"id": i, "family": f, "concept": c} for i, f, c in [(1, "p", "p.q"), (2, "p", "p.r"), (3, "r", "r.s")]]
    >>> result = agreement(a, b)
    >>> result["family"]["f1"], result["concept"]["recall"]
    (1.0, 0.0)
    """
    sure = {_field(e, "id"): e for e in first if _field(e, "unsure") is not True and _field(e, "concept")}
    both = [(sure[_field(e, "id")], e) for e in second if _field(e, "id") in sure and _field(e, "unsure") is not True]
    out: dict[str, Any] = {"rows": len(both)}
    for level in ("family", "concept"):
        gold = [str(_field(x, level)) for x, _ in both]
        other = [str(_field(y, level)) for _, y in both]
        out[level] = _pairwise_scores(other, gold)
    return out


def _errors_by_family(assigned: Sequence[str], families: Sequence[str]) -> dict[str, dict[str, int]]:
    """Where the family-level errors come from: the false pairs of each predicted family and the missed pairs of each
    gold family, most first (families with none left out).

    >>> _errors_by_family(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    {'false_by_family': {'a': 2}, 'missed_by_family': {'y': 1}}
    """
    together = Counter(zip(assigned, families, strict=True))
    inside: Counter[str] = Counter()
    shared: Counter[str] = Counter()
    for (predicted, gold), n in together.items():
        inside[predicted] += _pairs(n)
        shared[gold] += _pairs(n)
    false = {f: _pairs(n) - inside[f] for f, n in Counter(assigned).items()}
    missed = {f: _pairs(n) - shared[f] for f, n in Counter(families).items()}
    return {
        "false_by_family": dict(sorted(((f, n) for f, n in false.items() if n), key=lambda x: (-x[1], x[0]))),
        "missed_by_family": dict(sorted(((f, n) for f, n in missed.items() if n), key=lambda x: (-x[1], x[0]))),
    }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _pairs_within(groups: Iterable[int]) -> int:
    return sum(_pairs(n) for n in groups)


def _pairwise_scores(assigned: Sequence[object], concepts: Sequence[str]) -> dict[str, Any]:
    together = Counter(zip(assigned, concepts, strict=True))
    true_positives = _pairs_within(together.values())
    predicted = _pairs_within(Counter(assigned).values())
    gold = _pairs_within(Counter(concepts).values())
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    best: dict[object, int] = defaultdict(int)
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
