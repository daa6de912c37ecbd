"""Out-of-fold validation: calibrated probabilities, the admissible 二级 set, the misfiling decision (A101), and
repeated grouped cross-validation with its spread.

Every threshold here is chosen on out-of-fold predictions of the training data (``StratifiedGroupKFold`` by source
filing), never on the holdout:

- ``temperature``: the probabilities are ``softmax(log p / T)`` with the ``T`` that minimizes the out-of-fold log loss;
- the admissible set of a row (``admissible_set``): the labels the calibrated model gives at least ``share``, the
  predicted one, and the labels of the concept dictionary's set that the model gives at least ``dictionary_share``;
- a filed 二级 is misfiled (the audit's A101) when it lies outside that set and the model gives it at most ``limit``.

``choose_thresholds`` picks (share, dictionary_share, limit) with the highest precision whose recall of rows filed
outside the annotators' admissible set is at least ``MIN_RECALL``; if none reaches it, the best F1.

>>> admissible_set(np.array([0.7, 0.2, 0.1]), ("数量指标", "质量指标", "时效指标"), ("时效指标",), share=0.15,
...                dictionary_share=0.05)
('数量指标', '质量指标', '时效指标')
>>> misfiled("时效指标", ("数量指标",), 0.01, limit=0.05)
True
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .labelled import _Labelled

SHARE_GRID = (0.1, 0.2, 0.3)
DICTIONARY_SHARE_GRID = (0.0, 0.01, 0.03, 1.0)
"""1.0 leaves the dictionary's set out (a label must then reach ``share`` like any other)."""
LIMIT_GRID = (0.02, 0.05, 0.1, 0.2)
MIN_RECALL = 0.5
"""The recall of misfilings the A101 thresholds must reach; among those, the most precise is chosen."""
DEFAULT_CALIBRATION: dict[str, float] = {"temperature": 1.0, "share": 0.2, "dictionary_share": 0.03, "limit": 0.05}
"""What a model without a calibration in its card uses."""


def scale(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` row by row; rows of zeros (nothing to classify) stay zeros.

    >>> scale(np.array([[0.5, 0.5], [0.0, 0.0]]), 2.0).tolist()
    [[0.5, 0.5], [0.0, 0.0]]
    """
    if temperature == 1.0 or not len(probabilities):
        return probabilities
    out = np.zeros_like(probabilities)
    filled = probabilities.sum(axis=1) > 0
    logs = np.log(np.clip(probabilities[filled], 1e-12, 1.0)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    np.exp(logs, out=logs)
    out[filled] = logs / logs.sum(axis=1, keepdims=True)
    return out


def fit_temperature(probabilities: np.ndarray, gold: Sequence[int]) -> float:
    """The temperature (0.5–3, by 0.05) that minimizes the log loss of ``probabilities`` on the gold columns."""
    rows = np.arange(len(gold))

    def loss(t: float) -> float:
        return float(-np.mean(np.log(np.clip(scale(probabilities, t)[rows, gold], 1e-12, 1.0))))

    return min((round(t, 2) for t in np.arange(0.5, 3.0001, 0.05)), key=loss)


def admissible_set(
    row: np.ndarray, labels: Sequence[str], dictionary: Sequence[str], *, share: float, dictionary_share: float
) -> tuple[str, ...]:
    """The defensible 二级 of one row, most probable first: the predicted label, every label the calibrated model
    gives at least ``share``, and every label of the dictionary's set it gives at least ``dictionary_share``."""
    if not len(row) or row.max() <= 0:
        return tuple(dictionary)
    index = {label: j for j, label in enumerate(labels)}
    best = int(row.argmax())
    chosen = {labels[best]} | {labels[int(j)] for j in np.flatnonzero(row >= share)}
    chosen |= {label for label in dictionary if label in index and row[index[label]] >= dictionary_share}
    return tuple(sorted(chosen, key=lambda label: (-row[index[label]], label)))


def misfiled(filed: str | None, admissible: Sequence[str], probability: float, *, limit: float) -> bool:
    """The filed 二级 lies outside the admissible set and the model gives it at most ``limit``."""
    return filed is not None and filed not in admissible and probability <= limit


def _a101_scores(
    probabilities: np.ndarray, labels: Sequence[str], rows: Sequence[_Labelled], settings: dict[str, float]
) -> dict[str, Any]:
    """Precision and recall of A101 against the rows filed outside their annotated admissible set."""
    index = {label: j for j, label in enumerate(labels)}
    fired = positives = hits = 0
    for row, p in zip(rows, probabilities, strict=True):
        if row.filed is None or not row.admissible or not p.any():
            continue
        adm = admissible_set(
            p, labels, row.dictionary, share=settings["share"], dictionary_share=settings["dictionary_share"]
        )
        filed_p = float(p[index[row.filed]]) if row.filed in index else 0.0  # a label the model never learnt
        fires = misfiled(row.filed, adm, filed_p, limit=settings["limit"])
        outside = row.filed not in row.admissible
        fired += fires
        positives += outside
        hits += fires and outside
    precision = hits / fired if fired else 0.0
    recall = hits / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fired": fired, "misfiled": positives}


def choose_thresholds(probabilities: np.ndarray, labels: Sequence[str], rows: Sequence[_Labelled]) -> dict[str, Any]:
    """The admissible-set and A101 thresholds, on calibrated out-of-fold probabilities (see the module docstring)."""
    grid = []
    for share, dictionary_share, limit in itertools.product(SHARE_GRID, DICTIONARY_SHARE_GRID, LIMIT_GRID):
        settings = {"share": share, "dictionary_share": dictionary_share, "limit": limit}
        grid.append((settings, _a101_scores(probabilities, labels, rows, settings)))
    reaching = [g for g in grid if g[1]["recall"] >= MIN_RECALL]
    if reaching:
        settings, scores = max(reaching, key=lambda g: (g[1]["precision"], g[1]["recall"]))
    else:
        settings, scores = max(grid, key=lambda g: (g[1]["f1"], g[1]["precision"]))
    return {**settings, "a101_out_of_fold": {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}}


def scores(probabilities: np.ndarray, labels: Sequence[str], rows: Sequence[_Labelled]) -> dict[str, float]:
    """Filed accuracy (against the filed 二级), accuracy, macro-F1 and 一级 accuracy against the gold 二级, and
    admissible accuracy (the prediction inside the annotated set)."""
    from .evaluation import _score

    predicted = [labels[j] for j in probabilities.argmax(axis=1)]
    result = _score([r.level2 for r in rows], predicted)
    judged = [(p, r.admissible) for p, r in zip(predicted, rows, strict=True) if r.admissible]
    filed = [(p, r.filed) for p, r in zip(predicted, rows, strict=True) if r.filed]
    return {
        "filed_accuracy": sum(p == f for p, f in filed) / len(filed) if filed else float("nan"),
        "accuracy": result.accuracy,
        "macro_f1": result.macro_f1,
        "level1_accuracy": result.level1_accuracy,
        "admissible_accuracy": sum(p in adm for p, adm in judged) / len(judged) if judged else float("nan"),
    }


def spread(runs: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean, standard deviation, min and max of each score over repeated runs."""
    out = {}
    for key in runs[0]:
        values = [r[key] for r in runs if r[key] == r[key]]
        if values:
            out[key] = {
                "mean": round(statistics.fmean(values), 4),
                "std": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
                "min": round(min(values), 4),
                "max": round(max(values), 4),
            }
    return out
