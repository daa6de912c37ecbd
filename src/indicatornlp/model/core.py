"""The trained category classifier: predicting 二级 (and 一级) with probabilities, and saving it with its card.

>>> from indicatornlp.model import load_model
>>> load_model().predict(["活动开展及时率"])[0].level2
'时效指标'
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..atomic import AtomicFiles
from ..records import Prediction
from ..taxonomy import default_taxonomy
from .arrays import LinearPipeline, _write_npz
from .features import _matrix, _pair, has_content
from .validation import DEFAULT_CALIBRATION, scale

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

MODEL_FILE = "category.npz"
"""File name of a saved model in a directory (the card is ``category.json``)."""
CARD_FORMAT = "indicatornlp-category-model"
"""The ``format`` of a model card (its ``format_version`` is ``CARD_FORMAT_VERSION``)."""


class Model:
    """A trained category classifier and its card (a JSON-ready dict; see ``indicatornlp.model``)."""

    def __init__(self, pipeline: LinearPipeline | Pipeline, card: Mapping[str, Any]) -> None:
        self.sklearn_pipeline: Pipeline | None = None
        """The fitted scikit-learn pipeline of a model trained in this process (``None`` for a loaded model)."""
        if not isinstance(pipeline, LinearPipeline):
            self.sklearn_pipeline = pipeline
            pipeline = LinearPipeline.from_pipeline(pipeline)
        self.pipeline = pipeline
        """What predicts: the arrays of the fitted pipeline (a trained and a loaded model give the same numbers)."""
        self.card: dict[str, Any] = dict(card)
        self.calibration: dict[str, Any] = {**DEFAULT_CALIBRATION, **(self.card.get("calibration") or {})}
        """Temperature, admissible-set and A101 thresholds, chosen out of fold at training (``model.validation``)."""
        self.labels: tuple[str, ...] = tuple(str(label) for label in pipeline.classes_)
        taxonomy = default_taxonomy()
        self._parents = tuple(taxonomy.parent(label) for label in self.labels)

    def __repr__(self) -> str:
        return f"<Model {self.card.get('features', {}).get('name')} on {self.card.get('data', {}).get('rows')} rows>"

    def predict_proba(self, items: Iterable[Any]) -> np.ndarray:
        """Calibrated probabilities of each 二级 in ``self.labels`` order, one row per item (one vectorized call).

        Items: any form of ``indicatornlp.inputs``.  A name with nothing to classify (``""``, ``"—"``) gets a row of
        zeros, as ``normalize`` gives it no prediction.  The classifier's probabilities are scaled by the temperature
        of the card's calibration (fitted out of fold at training).
        """
        matrix = _matrix(_pair(item, position) for position, item in enumerate(items))
        probabilities = np.zeros((len(matrix), len(self.labels)))
        known = [i for i, name in enumerate(matrix[:, 0]) if has_content(name)] if len(matrix) else []
        if known:
            probabilities[known] = self.pipeline.predict_proba(matrix[known])
        return scale(probabilities, float(self.calibration["temperature"]))

    def predict(self, items: Iterable[Any], *, top: int = 3) -> list[Prediction]:
        """The 二级 (and its 一级) of each item with its probability and ``top`` alternatives, most likely first.

        Items: any form of ``indicatornlp.inputs`` (a name, ``"name target"``, a (name, target) pair, a mapping,
        an ``Indicator``, a ``Normalized``).  A name with nothing to classify gets ``Prediction(None, None, 0.0)``.
        """
        return self.predictions(self.predict_proba(items), top=top)

    def predictions(self, probabilities: np.ndarray, *, top: int = 3) -> list[Prediction]:
        """``Prediction`` records from rows of ``predict_proba`` (a row of zeros: no prediction)."""
        if len(probabilities) == 0:
            return []
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, : top + 1]
        best = np.round(np.take_along_axis(probabilities, order, axis=1), 6).tolist()
        labels, parents = self.labels, self._parents
        out = []
        for ranks, values in zip(order.tolist(), best, strict=True):
            first = ranks[0]
            if values[0] == 0:
                out.append(Prediction(None, None, 0.0))
                continue
            alternatives = tuple(zip([labels[j] for j in ranks[1:]], values[1:], strict=True))
            out.append(Prediction(parents[first], labels[first], values[0], alternatives))
        return out

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model (a ``.npz`` of arrays) and its card (same stem, ``.json``); a directory gets
        ``category.npz``.

        Both are written to temporary files and renamed, so that a reader never sees half a model.
        """
        target = Path(path)
        if target.is_dir() or str(path).endswith(("/", os.sep)):
            target = target / MODEL_FILE
        with AtomicFiles() as files:  # the card last: a card beside a model file means the pair is complete
            temporary = files.temp(target)
            _write_npz(temporary, self.pipeline.arrays())
            blob = temporary.read_bytes()
            card = dict(self.card)
            card["file"] = {"name": target.name, "sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}
            files.temp(target.with_suffix(".json")).write_text(
                json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        self.card = card
        return target
