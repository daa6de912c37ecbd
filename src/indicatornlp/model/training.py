"""Training the category classifier, and choosing its features and parameters by grouped cross-validation.

A scikit-learn ``Pipeline`` (``build_pipeline``): a ``ColumnTransformer`` over the name (TF-IDF of character
1–3-grams and of the words of ``tokenize``) and the target (binary features of ``parse_target``), then a multinomial
``LogisticRegression``.  ``compare`` runs cross-validation grouped by source filing (``StratifiedGroupKFold`` over
``Example.group``) over every feature set × regularization ``C`` × class weights and chooses on out-of-fold log
loss, which rewards probabilities that mean what they say; accuracy, macro-F1 and the calibration (expected
calibration error, reliability bins) are reported beside it.  ``train`` fits one configuration (or the chosen one)
and writes the card: versions, taxonomy version, data hashes, the comparison, the CV and holdout scores.

>>> from indicatornlp.annotated import default_annotated_dir, read_annotated
>>> model = train(read_annotated(default_annotated_dir() / "train"), folds=0)
>>> p = model.predict([("群众满意度", ">=95%")])[0]
>>> p.level1, p.level2, p.probability > 0.5
('满意度指标', '服务对象满意度指标', True)
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..concepts import concept_features
from ..errors import AnnotationError
from ..taxonomy import default_taxonomy
from .arrays import CARD_FORMAT_VERSION
from .core import CARD_FORMAT, Model
from .evaluation import _score, evaluate
from .features import _BLOCKS, BLOCK_WEIGHTS, FEATURE_SETS, _features, _matrix, name_words, target_features
from .labelled import _fingerprint, _Labelled, _labelled
from .validation import (
    DEFAULT_CALIBRATION,
    _a101_scores,
    choose_thresholds,
    fit_temperature,
    scale,
    scores,
    spread,
)

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

    from ..annotated import Example

# what `indicatornlp train` chose by grouped CV on the shipped data (models/category.json): train(select=False) uses it
DEFAULT_FEATURES = "char+target+concept"
DEFAULT_C = 5.0
DEFAULT_CLASS_WEIGHT: str | None = "balanced"
C_GRID = (5.0, 10.0, 20.0, 40.0)
CLASS_WEIGHT_GRID: tuple[str | None, ...] = (None, "balanced")
RANDOM_STATE = 0


def build_pipeline(
    features: str = DEFAULT_FEATURES, *, c: float = DEFAULT_C, class_weight: str | None = DEFAULT_CLASS_WEIGHT
) -> Pipeline:
    """The unfitted pipeline for a feature set (``char+words+target`` …); input: rows of (name, target)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    blocks = _features(features)
    unknown = [b for b in blocks if b not in _BLOCKS]
    if unknown or not blocks:
        raise ValueError(f"unknown feature block {unknown!r} in {features!r}: use {' + '.join(_BLOCKS)}")
    made: dict[str, tuple[str, Any, int]] = {
        "char": ("char", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), 0),
        "words": ("words", TfidfVectorizer(analyzer=name_words, sublinear_tf=True), 0),
        "target": ("target", TfidfVectorizer(analyzer=target_features, binary=True, use_idf=False), 1),
        "concept": ("concept", TfidfVectorizer(analyzer=concept_features, binary=True, use_idf=False), 2),
    }
    weights = {b: BLOCK_WEIGHTS[b] for b in blocks}
    classifier = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000, random_state=RANDOM_STATE)
    return Pipeline(
        [
            ("features", ColumnTransformer([made[b] for b in blocks], transformer_weights=weights)),
            ("classifier", classifier),
        ]
    )


def _splits(
    labels: Sequence[str], groups: Sequence[str], folds: int, seed: int = RANDOM_STATE
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped, stratified folds; labels rarer than the number of folds are stratified with the most common one."""
    from sklearn.model_selection import StratifiedGroupKFold

    counts = Counter(labels)
    common = counts.most_common(1)[0][0]
    strata = [label if counts[label] >= folds else common for label in labels]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), strata, groups))


def _fit(pipeline: Pipeline, matrix: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> Pipeline:
    """Fit with one BLAS thread: on problems this small, threads only contend (3x slower measured on 2 cores).

    ``weights``: sample weights of the classifier (``None``: every row weighs 1).
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        if weights is None:
            return pipeline.fit(matrix, labels)
        return pipeline.fit(matrix, labels, classifier__sample_weight=weights)


def _weights(rows: Sequence[_Labelled]) -> np.ndarray | None:
    """The rows' sample weights, or ``None`` when every row weighs 1 (the fit is then exactly the unweighted one)."""
    weights = np.array([r.weight for r in rows], dtype=float)
    return None if bool((weights == 1.0).all()) else weights


def _fold(
    features: str,
    c: float,
    class_weight: str | None,
    matrix: np.ndarray,
    gold: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    classes: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Probabilities for the test rows of one fold, in the columns of ``classes`` (0 for a class unseen in training)."""
    pipeline = _fit(
        build_pipeline(features, c=c, class_weight=class_weight),
        matrix[train],
        gold[train],
        None if weights is None else weights[train],
    )
    out = np.zeros((len(test), len(classes)))
    out[:, np.searchsorted(classes, pipeline.classes_)] = pipeline.predict_proba(matrix[test])
    return out


def _probabilities(
    rows: Sequence[_Labelled],
    features: str,
    c: float,
    class_weight: str | None,
    folds: int,
    jobs: int,
    seed: int = RANDOM_STATE,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities of every row (grouped folds of ``seed``) and their columns (the labels)."""
    from joblib import Parallel, delayed

    matrix = _matrix((r.name, r.target) for r in rows)
    gold = np.array([r.level2 for r in rows])
    classes = np.unique(gold)
    splits = _splits(list(gold), [r.group for r in rows], folds, seed)
    weights = _weights(rows)
    parts = Parallel(n_jobs=jobs)(
        delayed(_fold)(features, c, class_weight, matrix, gold, train, test, classes, weights) for train, test in splits
    )
    probabilities = np.zeros((len(rows), len(classes)))
    for (_, test), part in zip(splits, parts, strict=True):
        probabilities[test] = part
    return probabilities, classes


def _out_of_fold(
    rows: Sequence[_Labelled],
    features: str,
    c: float,
    class_weight: str | None,
    folds: int,
    jobs: int,
    *,
    temperature: float = 1.0,
    probabilities: np.ndarray | None = None,
) -> dict[str, Any]:
    from sklearn.metrics import log_loss

    gold = np.array([r.level2 for r in rows])
    classes = np.unique(gold)
    if probabilities is None:
        probabilities, classes = _probabilities(rows, features, c, class_weight, folds, jobs)
    probabilities = scale(probabilities, temperature)
    predicted = classes[probabilities.argmax(axis=1)]
    scores = _score(list(gold), list(predicted), groups=len({r.group for r in rows}))
    return {
        "features": features,
        "C": c,
        "class_weight": class_weight,
        "accuracy": round(scores.accuracy, 4),
        "macro_f1": round(scores.macro_f1, 4),
        "level1_accuracy": round(scores.level1_accuracy, 4),
        "log_loss": round(float(log_loss(gold, np.clip(probabilities, 1e-15, 1), labels=classes)), 4),
        **_calibration(probabilities.max(axis=1), predicted == gold),
    }


def _calibration(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict[str, Any]:
    """Expected calibration error and reliability bins of out-of-fold predictions."""
    table = []
    error = 0.0
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = (confidence > low) & (confidence <= high) if k else (confidence <= high)
        if inside.any():
            mean_confidence, accuracy = float(confidence[inside].mean()), float(correct[inside].mean())
            error += inside.mean() * abs(mean_confidence - accuracy)
            table.append(
                {
                    "confidence": [low, high],
                    "rows": int(inside.sum()),
                    "mean_confidence": round(mean_confidence, 3),
                    "accuracy": round(accuracy, 3),
                }
            )
    above = {}
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        kept = confidence >= threshold
        above[str(threshold)] = {
            "share": round(float(kept.mean()), 3),
            "accuracy": round(float(correct[kept].mean()), 3) if kept.any() else None,
        }
    return {"ece": round(float(error), 4), "reliability": table, "accuracy_at_confidence": above}


def compare(
    examples: Iterable[Example | Mapping[str, Any]],
    *,
    folds: int = 5,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Grouped cross-validation over every feature set of ``FEATURE_SETS`` × ``C_GRID`` × ``CLASS_WEIGHT_GRID``.

    The configuration with the lowest out-of-fold log loss is ``chosen``: log loss rewards both the right label
    and probabilities that mean what they say, and it is much less noisy than macro-F1 on the rare 二级.  Each
    configuration's accuracy, macro-F1, 一级 accuracy and ECE are reported beside it.
    """
    return _compare(_labelled(examples), folds=folds, jobs=jobs, progress=progress)


def _compare(
    rows: Sequence[_Labelled], *, folds: int, jobs: int, progress: Callable[[str], None] | None
) -> dict[str, Any]:
    groups = len({r.group for r in rows})
    folds = min(folds, groups)
    if folds < 2:
        raise ValueError(f"grouped cross-validation needs at least 2 groups, got {groups}")
    say = progress or (lambda _: None)
    grid = []
    for features in FEATURE_SETS:
        for c in C_GRID:
            for class_weight in CLASS_WEIGHT_GRID:
                result = _out_of_fold(rows, features, c, class_weight, folds, jobs)
                say(_line(result))
                grid.append(result)
    best_per_set = [min((r for r in grid if r["features"] == features), key=_rank) for features in FEATURE_SETS]
    return {
        "splitter": f"StratifiedGroupKFold(n_splits={folds}, shuffle=True, random_state={RANDOM_STATE}) by group",
        "criterion": "out-of-fold log loss",
        "rows": len(rows),
        "groups": groups,
        "features": [_brief(r) for r in best_per_set],
        "grid": [_brief(r) for r in grid],
        "chosen": min(grid, key=_rank),
    }


def _rank(result: Mapping[str, Any]) -> tuple[float, float]:
    return (result["log_loss"], -result["macro_f1"])


def _brief(result: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("features", "C", "class_weight", "accuracy", "macro_f1", "level1_accuracy", "log_loss", "ece")
    return {k: result[k] for k in keys}


def _line(r: Mapping[str, Any]) -> str:
    return (
        f"{r['features']:<18} C={r['C']:<4g} class_weight={r['class_weight']!s:<8}  accuracy {r['accuracy']:.3f}"
        f"  macro-F1 {r['macro_f1']:.3f}  一级 accuracy {r['level1_accuracy']:.3f}  log loss {r['log_loss']:.3f}"
        f"  ECE {r['ece']:.3f}"
    )


def format_comparison(selection: Mapping[str, Any]) -> str:
    """The comparison of ``compare`` as a text table."""
    lines = [f"grouped CV: {selection['splitter']}, {selection['rows']} rows, {selection['groups']} groups"]
    lines.append(f"each feature set at its best C and class weight (by {selection['criterion']}):")
    lines += ["  " + _line(r) for r in selection["features"]]
    lines.append("chosen:")
    lines.append("  " + _line(selection["chosen"]))
    return "\n".join(lines)


def _versions() -> dict[str, str | None]:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {"python": platform.python_version()}
    for package in ("indicatornlp", "scikit-learn", "numpy", "scipy", "joblib", "rjieba", "jieba"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out


def repeated_cv(
    examples: Iterable[Example | Mapping[str, Any]],
    *,
    features: str = DEFAULT_FEATURES,
    c: float = DEFAULT_C,
    class_weight: str | None = DEFAULT_CLASS_WEIGHT,
    calibration: Mapping[str, Any] | None = None,
    folds: int = 5,
    seeds: int = 5,
    jobs: int = 1,
) -> dict[str, Any]:
    """Grouped cross-validation repeated with ``seeds`` seeds (``StratifiedGroupKFold`` by source filing): each
    seed's filed and gold accuracy, macro-F1, 一级 and admissible accuracy, A101 precision and recall (with the
    ``calibration`` thresholds; default ``DEFAULT_CALIBRATION``), and their spread."""
    rows = _labelled(examples)
    groups = len({r.group for r in rows})
    if min(folds, groups) < 2:
        raise ValueError(f"grouped cross-validation needs at least 2 groups, got {groups}")
    settings = {**DEFAULT_CALIBRATION, **(calibration or {})}
    return _repeated(rows, features, c, class_weight, min(folds, groups), seeds, jobs, settings)


def _repeated(
    rows: Sequence[_Labelled],
    features: str,
    c: float,
    class_weight: str | None,
    folds: int,
    repeats: int,
    jobs: int,
    calibration: Mapping[str, Any],
) -> dict[str, Any]:
    """Grouped CV repeated with ``repeats`` seeds: each seed's scores (calibrated probabilities, the A101 thresholds of
    ``calibration``) and their spread, so that a difference inside the noise is not called a gain."""
    runs = []
    for seed in range(repeats):
        probabilities, classes = _probabilities(rows, features, c, class_weight, folds, jobs, seed)
        calibrated = scale(probabilities, float(calibration["temperature"]))
        a101 = _a101_scores(calibrated, list(classes), rows, dict(calibration))
        run = scores(calibrated, list(classes), rows)
        runs.append({**run, "a101_precision": a101["precision"], "a101_recall": a101["recall"]})
    return {
        "splitter": f"StratifiedGroupKFold(n_splits={folds}, shuffle=True, random_state=seed) by group",
        "seeds": list(range(repeats)),
        "runs": [{k: round(v, 4) for k, v in run.items()} for run in runs],
        "spread": spread(runs),
    }


def train(
    examples: Iterable[Example | Mapping[str, Any]] | str | os.PathLike[str],
    *,
    features: str = DEFAULT_FEATURES,
    c: float = DEFAULT_C,
    class_weight: str | None = DEFAULT_CLASS_WEIGHT,
    select: bool = False,
    folds: int = 5,
    holdout: Iterable[Example | Mapping[str, Any]] | None = None,
    jobs: int = 1,
    source: str | None = None,
    progress: Callable[[str], None] | None = None,
    repeats: int = 1,
    sample_weight: Sequence[float] | None = None,
    sources: Sequence[Mapping[str, Any]] | None = None,
) -> Model:
    """Fit the classifier on labelled examples (``Example`` records, mappings with name/target/level1/level2, or a
    path to annotated rows: a ``.jsonl`` file or a folder of them, read by ``annotated.read_annotated``).

    ``select``: choose features and parameters by grouped CV (``compare``) instead of taking ``features``, ``c``,
    ``class_weight``.  ``folds``: grouped-CV folds for the card's CV scores and the calibration (0: neither; the
    model then uses ``DEFAULT_CALIBRATION``).  ``repeats``: grouped CV repeated with this many seeds, the spread of
    the scores in the card (``cv_repeated``).  ``holdout``: examples scored once after fitting; the scores go in the
    card.  Deterministic: the same examples give the same model.  An example without a canonical 二级 raises
    ``AnnotationError``.  ``sample_weight``: one weight per example (a user's own rows weigh more:
    ``model.mixing``); ``sources``: where the examples come from, for the card's ``data.sources`` (path, rows,
    groups, weight, counts per class).
    """
    rows = _labelled(examples, sample_weight)
    if len({r.level2 for r in rows}) < 2:
        raise AnnotationError(source, "training needs examples of at least two 二级 labels", hint="add examples")
    groups = len({r.group for r in rows})
    selection = None
    cv = None
    if select:
        selection = _compare(rows, folds=folds, jobs=jobs, progress=progress)
        chosen = selection["chosen"]
        features, c, class_weight = chosen["features"], chosen["C"], chosen["class_weight"]
        cv = chosen
    calibration: dict[str, Any] = dict(DEFAULT_CALIBRATION)
    repeated = None
    if folds >= 2 and groups >= 2:
        k = min(folds, groups)
        probabilities, classes = _probabilities(rows, features, c, class_weight, k, jobs)
        temperature = fit_temperature(probabilities, np.searchsorted(classes, [r.level2 for r in rows]).tolist())
        calibrated = scale(probabilities, temperature)
        calibration = {
            "temperature": temperature,
            **choose_thresholds(calibrated, list(classes), rows),
            "fitted_on": f"out-of-fold predictions of the training data ({k} grouped folds, seed {RANDOM_STATE})",
        }
        raw = _out_of_fold(rows, features, c, class_weight, k, jobs, probabilities=probabilities)
        cv = _out_of_fold(
            rows, features, c, class_weight, k, jobs, temperature=temperature, probabilities=probabilities
        )
        cv |= {"ece_uncalibrated": raw["ece"], "log_loss_uncalibrated": raw["log_loss"]}
        if repeats > 1:
            repeated = _repeated(rows, features, c, class_weight, k, repeats, jobs, calibration)
    matrix = _matrix((r.name, r.target) for r in rows)
    pipeline = _fit(
        build_pipeline(features, c=c, class_weight=class_weight),
        matrix,
        np.array([r.level2 for r in rows]),
        _weights(rows),
    )
    card: dict[str, Any] = {
        "format": CARD_FORMAT,
        "format_version": CARD_FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": _versions(),
        "taxonomy_version": default_taxonomy().version,
        "data": {
            "source": source,
            **_fingerprint(rows),
            "rows": len(rows),
            "groups": groups,
            "labels": dict(sorted(Counter(r.level2 for r in rows).items())),
            **({"sources": [dict(s) for s in sources]} if sources is not None else {}),
        },
        "features": {
            "name": features,
            "blocks": {b: _BLOCKS[b] for b in _features(features)},
            "weights": {b: BLOCK_WEIGHTS[b] for b in _features(features)},
        },
        "params": {
            "C": c,
            "class_weight": class_weight,
            "classifier": "LogisticRegression(lbfgs, multinomial)",
            "random_state": RANDOM_STATE,
        },
        "selection": selection,
        "cv": cv,
        "cv_repeated": repeated,
        "calibration": calibration,
        "holdout": None,
    }
    model = Model(pipeline, card)
    if holdout is not None:
        scores = evaluate(model, holdout)
        model.card["holdout"] = scores.summary()
    return model
