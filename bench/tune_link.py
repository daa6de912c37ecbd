"""Choose the linking weights and threshold on ``data/annotated/train`` only; report train and holdout.

The annotated rows that carry a ``concept`` are the gold: two rows with the same concept are a positive
pair.  The weights (name-score mixture, measure, 二级 and unit terms) are searched by coordinate descent
from the shipped defaults, each weighting at every threshold, scored end to end on the train split: the
candidates come from ``link``'s own blocking, and each weighting goes through ``link``'s own scoring and
clustering (with the chaining guard); the best pairwise F1 wins (ties: fewer false positives).  The
holdout split is read only to print the figures of the winner and of the shipped defaults, never to
choose.  The winner is then re-checked through ``evaluate_linking`` (the public path).

    .venv/bin/python bench/tune_link.py            # about a minute
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from indicatornlp.annotated import Example, default_annotated_dir, read_annotated
from indicatornlp.linking import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_DF_CAP,
    DEFAULT_NEIGHBOURS,
    DEFAULT_THRESHOLD,
    DEFAULT_WEIGHTS,
    DEFAULT_WINDOW,
    Weights,
    evaluate_linking,
    measure_of,
    name_features,
)
from indicatornlp.linking.blocking import _candidates
from indicatornlp.linking.clustering import _clusters
from indicatornlp.linking.evaluation import _pairwise_scores
from indicatornlp.linking.items import _prepare
from indicatornlp.linking.profiles import _combine, _expand, _profiles
from indicatornlp.linking.scoring import _mix


def _figures(result: dict[str, Any]) -> str:
    return (
        f"P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"purity {result['purity']:.3f}  ({result['rows']} rows, {result['concepts']} concepts, "
        f"{result['clusters']} clusters, {result['true_positives'] + result['false_negatives']} gold pairs)"
    )


_SEARCH: dict[str, list[Any]] = {
    "ratio": [0.0, 0.25, 0.5, 0.75, 1.0],
    "partial": [0.0, 0.25, 0.5, 0.75, 1.0],
    "reversed_jaro": [0.0, 0.25, 0.5, 0.75, 1.0],
    "suffix": [0.0, 0.25, 0.5, 0.75, 1.0],
    "suffix_chars": [1, 2, 3, 4],
    "same_measure": [0.0, 5.0, 10.0, 15.0, 20.0, 30.0],
    "other_measure": [0.0, -10.0, -20.0, -30.0, -50.0],
    "same_level2": [0.0, 5.0, 10.0, 15.0],
    "other_level2": [0.0, -5.0, -10.0, -20.0, -30.0],
    "unit_agrees": [0.0, 3.0, 5.0, 10.0],
    "unit_differs": [0.0, -5.0, -10.0, -20.0, -30.0],
}
"""The values tried for each weight (coordinate descent: one weight at a time, every threshold)."""


class _Split:
    """One split's concept rows with link's candidates and their name features, computed once."""

    def __init__(self, examples: Sequence[Example]) -> None:
        rows = [
            {"name": e.name, "target": e.target_raw or "", "level1": e.level1_raw, "level2": e.level2_raw}
            for e in examples
        ]
        self.concepts = [str(e.concept) for e in examples]
        self.items, self.skipped = _prepare(rows)
        self.p = _profiles(self.items)
        self.ka, self.kb, _ = _candidates(
            [measure_of(key)[1] for key in self.p.keys],
            neighbours=DEFAULT_NEIGHBOURS,
            window=DEFAULT_WINDOW,
            block_size=DEFAULT_BLOCK_SIZE,
            df_cap=DEFAULT_DF_CAP,
            weights=DEFAULT_WEIGHTS,
            jobs=1,
            backend="local",
            scheduler=None,
        )
        keys = self.p.keys
        self.features = name_features([keys[i] for i in self.ka], [keys[j] for j in self.kb])

    def evaluate(self, weights: Weights, thresholds: Sequence[float]) -> list[dict[str, Any]]:
        pa, pb, names = _expand(self.p, self.ka, self.kb, _mix(self.features, weights))
        scores, _, _ = _combine(names, self.p, pa, pb, weights)
        out = []
        for threshold in thresholds:
            assigned = [-1] * len(self.items)
            for number, group in enumerate(_clusters(self.p, pa, pb, scores, threshold, weights)):
                for profile in group:
                    for position in self.p.members[profile]:
                        assigned[position] = number
            for extra, position in enumerate(self.skipped, len(assigned)):
                assigned[position] = extra
            out.append(_pairwise_scores(assigned, self.concepts) | {"threshold": threshold})
        return out


def _search(split: _Split, thresholds: Sequence[float], rounds: int) -> tuple[Weights, float, dict[str, Any]]:
    """Coordinate descent from the shipped defaults; the key is (F1, fewer false positives)."""

    def best_of(weights: Weights) -> tuple[tuple[float, int], float, dict[str, Any]]:
        results = split.evaluate(weights, thresholds)
        top = max(results, key=lambda r: (r["f1"], -r["false_positives"]))
        return (top["f1"], -top["false_positives"]), top["threshold"], top

    current = DEFAULT_WEIGHTS
    key, threshold, result = best_of(current)
    for number in range(1, rounds + 1):
        improved = False
        for field, values in _SEARCH.items():
            for value in values:
                try:
                    candidate = dataclasses.replace(current, **{field: value})
                except Exception:  # all name weights at 0: not a weighting
                    continue
                k, t, r = best_of(candidate)
                if k > key:
                    key, threshold, result, current, improved = k, t, r, candidate, True
        print(f"  round {number}: train F1 {key[0]:.3f} at threshold {threshold}")
        if not improved:
            break
    return current, threshold, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of coordinate descent")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[50, 55, 60, 65, 70, 75, 80, 85, 90])
    args = parser.parse_args()
    train = [e for e in read_annotated(default_annotated_dir() / "train") if e.concept]
    holdout = [e for e in read_annotated(default_annotated_dir() / "holdout") if e.concept]
    print(f"{len(train)} train rows and {len(holdout)} holdout rows with a concept")
    started = time.perf_counter()
    weights, threshold, _ = _search(_Split(train), args.thresholds, args.rounds)
    print(f"\nchosen on train ({time.perf_counter() - started:.0f} s): threshold {threshold}")
    print(f"  {dataclasses.asdict(weights)}")
    print(f"  train   {_figures(evaluate_linking(train, threshold=threshold, weights=weights))}")
    print(f"  holdout {_figures(evaluate_linking(holdout, threshold=threshold, weights=weights))}")
    print(f"\nshipped defaults: threshold {DEFAULT_THRESHOLD}")
    print(f"  {dataclasses.asdict(DEFAULT_WEIGHTS)}")
    print(f"  train   {_figures(evaluate_linking(train))}")
    print(f"  holdout {_figures(evaluate_linking(holdout))}")


if __name__ == "__main__":
    main()
