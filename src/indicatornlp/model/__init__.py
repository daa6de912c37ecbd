"""The category classifier: 三级指标 name + 年度指标值 → 二级 (一级 follows from the taxonomy).

One job per module, imports one way (each imports only those above it):

- ``features``: what the model reads (``clean_name``, ``name_words``, ``target_features``, the feature blocks);
- ``labelled``: labelled examples as the model learns from and is scored on them, and their hashes;
- ``arrays``: the fitted pipeline as numpy arrays (``LinearPipeline``), predicting without scikit-learn;
- ``core``: the ``Model``: predictions with probabilities, saving the arrays and the card;
- ``evaluation``: ``evaluate`` and its ``Evaluation`` (scores, per-class table, confusion);
- ``training``: ``train``, and ``compare`` (feature and parameter selection by grouped cross-validation);
- ``mixing``: ``train_with_shipped``, a user's own rows with the shipped data, their weight chosen by grouped CV;
- ``persistence``: ``load_model`` (checked against the card), ``default_model()`` (the shipped model, once).

>>> p = load_model().predict([("群众满意度", ">=95%")])[0]
>>> p.level1, p.level2, p.probability > 0.5
('满意度指标', '服务对象满意度指标', True)

The model file is a ``.npz`` of plain arrays (``Model.save``): per feature block its vocabulary, idf, flags and
weight, and the classifier's classes, coefficients and intercepts.  Beside it a JSON card (same stem, ``.json``)
records the format version, the library versions, the taxonomy version, the sha256 of the training data and of the
model file, the row counts, the grouped-CV comparison and the holdout scores.
"""

from __future__ import annotations

from .arrays import CARD_FORMAT_VERSION, LinearPipeline
from .core import CARD_FORMAT, MODEL_FILE, Model
from .evaluation import ClassScore, Evaluation, evaluate
from .features import BLOCK_WEIGHTS, FEATURE_SETS, clean_name, name_words, target_features
from .labelled import data_fingerprint, data_hash
from .mixing import OWN_WEIGHTS, choose_weight, train_with_shipped, usable
from .persistence import (
    ModelRebuiltWarning,
    ModelVersionWarning,
    default_model,
    default_model_path,
    load_model,
)
from .training import (
    C_GRID,
    CLASS_WEIGHT_GRID,
    DEFAULT_C,
    DEFAULT_CLASS_WEIGHT,
    DEFAULT_FEATURES,
    RANDOM_STATE,
    build_pipeline,
    compare,
    format_comparison,
    repeated_cv,
    train,
)

__all__ = [
    "BLOCK_WEIGHTS",
    "CARD_FORMAT",
    "CARD_FORMAT_VERSION",
    "CLASS_WEIGHT_GRID",
    "C_GRID",
    "DEFAULT_C",
    "DEFAULT_CLASS_WEIGHT",
    "DEFAULT_FEATURES",
    "FEATURE_SETS",
    "MODEL_FILE",
    "OWN_WEIGHTS",
    "RANDOM_STATE",
    "ClassScore",
    "Evaluation",
    "LinearPipeline",
    "Model",
    "ModelRebuiltWarning",
    "ModelVersionWarning",
    "build_pipeline",
    "choose_weight",
    "clean_name",
    "compare",
    "data_fingerprint",
    "data_hash",
    "default_model",
    "default_model_path",
    "evaluate",
    "format_comparison",
    "load_model",
    "name_words",
    "repeated_cv",
    "target_features",
    "train",
    "train_with_shipped",
    "usable",
]
