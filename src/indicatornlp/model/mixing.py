"""Training on a user's own rows together with the shipped data: their rows weigh more, the weight chosen by CV.

``choose_weight`` runs cross-validation grouped by the user's filings: each fold holds out some of them, fits on
every shipped row (weight 1) and the user's other filings (weight ``w``), and scores the held-out filings.  The
weight with the lowest out-of-fold log loss on the user's rows is chosen (ties: the smaller one), with accuracy and
macro-F1 beside it.  With fewer than two filings nothing can be held out: the weight is 1 and the card says why.
``train_with_shipped`` fits the chosen mix and records each source (path, rows, groups, weight, counts per class) and
the weighting table in the card.

A row that came with no filed 二级 and that nobody reviewed carries the model's guess, not a person's label:
``usable`` leaves it out of training and scoring, and says how many.

>>> from indicatornlp.annotated import Example
>>> guessed = Example("a#1.01", "培训人次", "≥100人次", "产出指标", "数量指标", "a#1", filed_level2=None)
>>> filed = Example("a#1.02", "群众满意度", "≥95%", "满意度指标", "服务对象满意度指标", "a#1",
...                 filed_level1="满意度指标", filed_level2="服务对象满意度指标")
>>> [e.id for e in usable([guessed, filed])[0]]
['a#1.02']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import AnnotationError
from .evaluation import _score
from .features import _matrix
from .labelled import _labelled
from .training import DEFAULT_C, DEFAULT_CLASS_WEIGHT, DEFAULT_FEATURES, _fold, _splits, train

if TYPE_CHECKING:  # pragma: no cover
    from ..annotated import Example
    from .core import Model

__all__ = ["OWN_WEIGHTS", "choose_weight", "format_weight", "train_with_shipped", "usable"]

OWN_WEIGHTS = (1.0, 2.0, 4.0, 8.0)
"""The weights of a user's rows that ``choose_weight`` compares (a shipped row weighs 1)."""


def usable(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """The rows a model may learn from or be scored on, and those left out (no filed 二级 and not reviewed)."""
    kept = [e for e in examples if e.reviewed or e.filed_level2 is not None]
    left = [e for e in examples if not (e.reviewed or e.filed_level2 is not None)]
    return kept, left


def choose_weight(
    shipped: Sequence[Example],
    own: Sequence[Example],
    *,
    grid: Sequence[float] = OWN_WEIGHTS,
    folds: int = 5,
    jobs: int = 1,
    features: str = DEFAULT_FEATURES,
    c: float = DEFAULT_C,
    class_weight: str | None = DEFAULT_CLASS_WEIGHT,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The weight of the ``own`` rows by cross-validation grouped by their filings (``Example.group``).

    Returns ``chosen`` (the weight), ``criterion``, ``folds``, ``groups``, ``rows`` and ``grid``: per weight the
    out-of-fold accuracy, macro-F1 and log loss on the own rows; with fewer than two own filings, ``chosen`` is 1
    and ``reason`` says why.
    """
    from joblib import Parallel, delayed
    from sklearn.metrics import log_loss

    shipped_rows, own_rows = _labelled(shipped), _labelled(own)
    groups = len({r.group for r in own_rows})
    base = {"criterion": "out-of-fold log loss on the own rows", "rows": len(own_rows), "groups": groups}
    if groups < 2:
        return {**base, "chosen": 1.0, "folds": 0, "grid": [], "reason": f"{groups} filing(s): nothing to hold out"}
    rows = [*shipped_rows, *own_rows]
    matrix = _matrix((r.name, r.target) for r in rows)
    gold = np.array([r.level2 for r in rows])
    classes = np.unique(gold)
    start = len(shipped_rows)
    k = min(max(folds, 2), groups)
    splits = [
        (np.concatenate([np.arange(start), start + train]), start + test)
        for train, test in _splits([r.level2 for r in own_rows], [r.group for r in own_rows], k)
    ]
    weights = {w: np.concatenate([np.ones(start), np.full(len(own_rows), float(w))]) for w in grid}
    tasks = [(w, train, test) for w in grid for train, test in splits]
    parts = Parallel(n_jobs=jobs)(
        delayed(_fold)(features, c, class_weight, matrix, gold, train, test, classes, weights[w])
        for w, train, test in tasks
    )
    table = []
    for w in grid:
        probabilities = np.zeros((len(rows), len(classes)))
        for (weight, _, test), part in zip(tasks, parts, strict=True):
            if weight == w:
                probabilities[test] = part
        own_probabilities, own_gold = probabilities[start:], gold[start:]
        predicted = classes[own_probabilities.argmax(axis=1)]
        scores = _score(list(own_gold), list(predicted), groups=groups)
        loss = float(log_loss(own_gold, np.clip(own_probabilities, 1e-15, 1), labels=classes))
        result = {
            "weight": float(w),
            "accuracy": round(scores.accuracy, 4),
            "macro_f1": round(scores.macro_f1, 4),
            "level1_accuracy": round(scores.level1_accuracy, 4),
            "log_loss": round(loss, 4),
        }
        table.append(result)
        if progress:
            progress(format_weight(result))
    chosen = min(table, key=lambda r: (r["log_loss"], r["weight"]))
    return {**base, "chosen": chosen["weight"], "folds": k, "grid": table}


def format_weight(result: Mapping[str, Any]) -> str:
    """One line of the weighting table."""
    return (
        f"own rows × {result['weight']:<4g} accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}"
        f"  一级 accuracy {result['level1_accuracy']:.3f}  log loss {result['log_loss']:.3f}"
    )


def _source(path: str, rows: Sequence[Example], weight: float, left_out: int = 0) -> dict[str, Any]:
    return {
        "path": path,
        "rows": len(rows),
        "groups": len({e.group for e in rows}),
        "weight": weight,
        "left_out": left_out,
        "labels": dict(sorted(Counter(e.level2 for e in rows).items())),
    }


def train_with_shipped(
    own: Mapping[str, Sequence[Example]],
    *,
    shipped: Sequence[Example],
    shipped_source: str = "shipped train/",
    weight: float | None = None,
    grid: Sequence[float] = OWN_WEIGHTS,
    folds: int = 5,
    weight_folds: int = 5,
    holdout: Sequence[Example] | None = None,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Model:
    """Fit on the shipped rows and the user's rows (``own``: path → rows), theirs weighted by ``weight`` or by
    ``choose_weight`` (over ``weight_folds`` folds of the user's filings).  The card gets ``data.sources`` and
    ``weighting``; ``folds``: grouped CV over all rows for the card's ``cv`` (0: none); ``holdout``: scored once
    (the shipped holdout by default in the CLI).

    An id found in two sources raises ``AnnotationError`` naming both.
    """
    seen: dict[str, str] = {e.id: shipped_source for e in shipped}
    for path, rows in own.items():
        for e in rows:
            if e.id in seen:
                raise AnnotationError(
                    f"{e.path or path}:{e.line}",
                    f"id {e.id!r} is also in {seen[e.id]}",
                    hint="give each rows file once; ids must be unique across the sources",
                )
            seen[e.id] = path
    kept: dict[str, list[Example]] = {}
    left: dict[str, int] = {}
    for path, rows in own.items():
        kept[path], dropped = usable(rows)
        left[path] = len(dropped)
    everything = [e for rows in kept.values() for e in rows]
    if weight is None:
        weighting = choose_weight(shipped, everything, grid=grid, folds=weight_folds, jobs=jobs, progress=progress)
    else:
        weighting = {"chosen": float(weight), "reason": "given", "grid": []}
    chosen = float(weighting["chosen"])
    sources = [_source(shipped_source, shipped, 1.0)]
    sources += [_source(path, rows, chosen, left[path]) for path, rows in kept.items()]
    model = train(
        [*shipped, *everything],
        sample_weight=[1.0] * len(shipped) + [chosen] * len(everything),
        sources=sources,
        folds=folds,
        holdout=holdout,
        jobs=jobs,
        source=" + ".join(s["path"] for s in sources),
    )
    model.card["weighting"] = weighting
    return model
