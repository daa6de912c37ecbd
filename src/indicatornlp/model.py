"""The category classifier: 三级指标 name + 年度指标值 → 二级 (一级 follows from the taxonomy).

A scikit-learn ``Pipeline``: a ``ColumnTransformer`` over the name (TF-IDF of character 1–3-grams and of the words
of ``tokenize``) and the target (binary features of ``parse_target``: kind, comparator, unit, label, direction,
flags, the level of a percentage), then a multinomial ``LogisticRegression``.  Features and parameters are chosen
by cross-validation grouped by source filing (``StratifiedGroupKFold`` over ``Example.group``): every feature set ×
regularization ``C`` × class weights, chosen on out-of-fold log loss, which rewards probabilities that mean what
they say; accuracy, macro-F1 and the calibration (expected calibration error, reliability bins) are reported beside
it and go in the card.

>>> from indicatornlp.annotated import default_annotated_dir, read_annotated
>>> model = train(read_annotated(default_annotated_dir() / "train"), folds=0)
>>> p = model.predict([("群众满意度", ">=95%")])[0]
>>> p.level1, p.level2, p.probability > 0.5
('满意度指标', '服务对象满意度指标', True)

The model file is a ``.npz`` of plain arrays (``Model.save``): per feature block its vocabulary, idf, flags and
weight, and the classifier's classes, coefficients and intercepts.  Predicting needs numpy only (``LinearPipeline``
reproduces the scikit-learn pipeline's ``predict_proba``), so a loaded model never imports scikit-learn, and loading
never unpickles anything.  Beside it a JSON card (same stem, ``.json``) records the format version, the library
versions, the taxonomy version, the sha256 of the training data and of the model file, the row counts, the
grouped-CV comparison and the holdout scores.  ``load_model`` reads the card first: another taxonomy version, a
file that does not match its card or that is not a complete model raise ``ModelError``; another format version warns
(``ModelVersionWarning``).  A shipped default that cannot be used is rebuilt from the shipped annotated data (a few
seconds, with scikit-learn), with one ``ModelRebuiltWarning``.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import itertools
import json
import os
import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import AnnotationError, ModelError
from .records import Prediction
from .targets import parse_target
from .taxonomy import canonical_category, default_taxonomy
from .text import normalize_text, strip_numbering
from .tokenize import tokenize

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

    from .annotated import Example

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURE_SETS",
    "Evaluation",
    "Model",
    "ModelRebuiltWarning",
    "ModelVersionWarning",
    "clean_name",
    "default_model_path",
    "evaluate",
    "load_model",
    "train",
]

MODEL_FILE = "category.npz"
"""File name of a saved model in a directory (the card is ``category.json``)."""
CARD_FORMAT = "indicatornlp-category-model"
CARD_FORMAT_VERSION = 2
"""2: the model as arrays in a ``.npz`` (read without unpickling, predicted with numpy); 1: a joblib pickle."""

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "char": ("char",),
    "words": ("words",),
    "char+words": ("char", "words"),
    "char+target": ("char", "target"),
    "char+words+target": ("char", "words", "target"),
}
"""The feature sets compared by grouped cross-validation (blocks: ``char``, ``words`` of the name, ``target``)."""
# what `indicatornlp train` chose by grouped CV on the shipped data (models/category.json): train(select=False) uses it
DEFAULT_FEATURES = "char+target"
DEFAULT_C = 20.0
DEFAULT_CLASS_WEIGHT: str | None = "balanced"
C_GRID = (5.0, 10.0, 20.0, 40.0)
CLASS_WEIGHT_GRID: tuple[str | None, ...] = (None, "balanced")
RANDOM_STATE = 0
BLOCK_WEIGHTS = {"char": 1.0, "words": 0.5, "target": 0.5}
"""Each block is L2-normalized, then weighted: the character n-grams lead (grouped-CV log loss on train/,
char+words+target at C=20 balanced: 1.097 with these weights, 1.169 with 1/1/1)."""
_BLOCKS = {
    "char": "TF-IDF (sublinear) of character 1-3-grams of the cleaned name",
    "words": "TF-IDF (sublinear) of the words of the cleaned name (indicatornlp.tokenize: rjieba + data/userdict.txt)",
    "target": "binary features of parse_target(target), L2-normalized: kind, comparator, unit, base unit, label(s), "
    "direction, flags, level of a percentage",
}


class ModelVersionWarning(UserWarning):
    """A model saved in another format version than the one this version of indicatornlp writes."""


class ModelRebuiltWarning(UserWarning):
    """The shipped model could not be loaded and was rebuilt from the shipped annotated data."""


# ---- features -------------------------------------------------------------------------------------------

# "指标1:" / "指标2." before the name (some disclosure pages number their rows so), "【新增】" tags
_NAME_DECORATION = re.compile(r"^指标\s*\d+\s*[:：.、]\s*|^【[^】]{0,6}】")
_NAME_EDGES = " \t:：;；,，。、"


@lru_cache(maxsize=65536)
def clean_name(name: str) -> str:
    """The 三级指标 as the model reads it: normalized text, row numbering and tags removed.

    >>> clean_name("（1）群众满意度。")
    '群众满意度'
    >>> clean_name("指标1:维护及时性")
    '维护及时性'
    """
    text = normalize_text(name)
    previous = None
    while previous != text:
        previous = text
        text = _NAME_DECORATION.sub("", strip_numbering(text)).strip(_NAME_EDGES)
    return text


def name_words(name: str) -> tuple[str, ...]:
    """The words of a cleaned name that carry letters or digits (punctuation dropped).

    >>> name_words("“三会一课”开展率")
    ('三会一课', '开展率')
    """
    return tuple(w for w in tokenize(name) if any(ch.isalnum() for ch in w))


@lru_cache(maxsize=65536)
def target_features(raw: str) -> tuple[str, ...]:
    """The target as the model reads it: the fields of ``parse_target`` as tokens.

    >>> target_features(">=95%")
    ('kind=numeric', 'cmp=≥', 'unit=%', 'base=%', 'pct>=90')
    >>> target_features("及时")
    ('kind=qualitative', 'label=及时')
    """
    t = parse_target(raw)
    out = [f"kind={t.kind.value}"]
    if t.comparator is not None:
        out.append(f"cmp={t.comparator.value}")
    if t.unit:
        out += [f"unit={t.unit}", f"base={t.unit.split('/')[0]}"]
    if t.label:
        out += [f"label={label}" for label in t.label.split("、")]
    if t.direction:
        out.append(f"dir={t.direction}")
    out += [f"flag={flag}" for flag in sorted(t.flags)]
    if t.unit == "%" and t.value is not None:
        out.append(_percent_level(t.value))
    return tuple(out)


def _percent_level(value: Decimal) -> str:
    if value >= 90:
        return "pct>=90"
    if value >= 50:
        return "pct>=50"
    if value > 10:
        return "pct>10"
    return "pct<=10"


def _features(name: str) -> tuple[str, ...]:
    return FEATURE_SETS[name] if name in FEATURE_SETS else tuple(name.split("+"))


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
    }
    weights = {b: BLOCK_WEIGHTS[b] for b in blocks}
    classifier = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000, random_state=RANDOM_STATE)
    return Pipeline(
        [
            ("features", ColumnTransformer([made[b] for b in blocks], transformer_weights=weights)),
            ("classifier", classifier),
        ]
    )


# ---- the model as arrays --------------------------------------------------------------------------------

_ANALYZERS: dict[str, Callable[[str], tuple[str, ...]]] = {"name_words": name_words, "target_features": target_features}
"""The callable analyzers a block may name in a saved model (the other kind is ``char``: scikit-learn's)."""
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds to one space
_CHUNK = 2048  # rows per step of the sparse product (bounds the memory of the intermediate)


@dataclasses.dataclass(frozen=True, slots=True)
class _Block:
    """One fitted ``TfidfVectorizer`` of the ``ColumnTransformer``, with its transformer weight."""

    name: str
    column: int
    analyzer: str
    """``char`` (n-grams of the lowercased text, runs of white space folded) or a key of ``_ANALYZERS``."""
    ngram_range: tuple[int, int]
    lowercase: bool
    terms: tuple[str, ...]
    """The vocabulary in column order."""
    idf: np.ndarray | None
    sublinear_tf: bool
    binary: bool
    norm: str | None
    weight: float
    index: dict[str, int] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {term: j for j, term in enumerate(self.terms)})

    def analyze(self, doc: str) -> Sequence[str]:
        """The terms of a document, as the fitted vectorizer's ``build_analyzer()`` gives them."""
        if self.analyzer != "char":
            return _ANALYZERS[self.analyzer](doc)
        if self.lowercase:
            doc = doc.lower()
        doc = _WHITE_SPACES.sub(" ", doc)
        low, high = self.ngram_range
        return [doc[i : i + n] for n in range(low, min(high, len(doc)) + 1) for i in range(len(doc) - n + 1)]

    def transform(self, docs: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The weighted TF-IDF rows of ``docs`` as CSR arrays (indptr, indices, data), like ``vectorizer.transform``
        times the transformer weight."""
        index = self.index
        indptr, indices, counts = [0], [], []
        for doc in docs:
            counted: dict[int, int] = {}
            for term in self.analyze(doc):
                j = index.get(term)
                if j is not None:
                    counted[j] = counted.get(j, 0) + 1
            for j in sorted(counted):
                indices.append(j)
                counts.append(counted[j])
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.intp)
        data = np.asarray(counts, dtype=np.float64)
        if self.binary:
            data.fill(1.0)
        if self.sublinear_tf:
            np.log(data, out=data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[columns]
        starts = np.asarray(indptr, dtype=np.intp)
        if self.norm is not None and len(data):
            lengths = np.diff(starts)
            filled = lengths > 0
            norms = np.zeros(len(lengths))
            parts = data * data if self.norm == "l2" else np.abs(data)
            norms[filled] = np.add.reduceat(parts, starts[:-1][filled])
            if self.norm == "l2":
                np.sqrt(norms, out=norms)
            norms[norms == 0.0] = 1.0
            data /= np.repeat(norms, lengths)
        return starts, columns, data * self.weight


class LinearPipeline:
    """The fitted scikit-learn pipeline (TF-IDF blocks → multinomial logistic regression) as numpy arrays.

    ``predict_proba`` gives what the pipeline's ``predict_proba`` gives (softmax of X·Wᵀ + b), with numpy only;
    ``arrays()`` / ``from_arrays`` are the ``.npz`` form of the model file.
    """

    def __init__(
        self, blocks: Sequence[_Block], classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray
    ) -> None:
        self.blocks = tuple(blocks)
        self.classes_ = np.asarray(list(classes), dtype=str)
        self.coef_ = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        widths = [len(b.terms) for b in self.blocks]
        rows = len(self.classes_) if len(self.classes_) > 2 else 1
        if len(self.classes_) < 2 or self.coef_.shape != (rows, sum(widths)) or self.intercept_.shape != (rows,):
            raise ValueError(
                f"{len(self.classes_)} classes, coefficients {self.coef_.shape} and intercepts "
                f"{self.intercept_.shape} do not fit {sum(widths)} features"
            )
        offsets = np.cumsum([0, *widths])
        # per block: its columns of the coefficients, transposed for the row-wise product
        self._weights = [np.ascontiguousarray(self.coef_[:, a:b].T) for a, b in itertools.pairwise(offsets)]

    def decision_function(self, matrix: np.ndarray) -> np.ndarray:
        """X·Wᵀ + b for rows of (name, target)."""
        scores = np.zeros((len(matrix), len(self.intercept_)))
        for block, weights in zip(self.blocks, self._weights, strict=True):
            starts, columns, data = block.transform(str(doc) for doc in matrix[:, block.column])
            for first in range(0, len(matrix), _CHUNK):
                last = min(first + _CHUNK, len(matrix))
                low, high = starts[first], starts[last]
                if low == high:
                    continue
                lengths = np.diff(starts[first : last + 1])
                filled = lengths > 0
                products = data[low:high, None] * weights[columns[low:high]]
                scores[first:last][filled] += np.add.reduceat(products, starts[first:last][filled] - low, axis=0)
        scores += self.intercept_
        return scores

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """Probabilities in ``classes_`` order: softmax over the classes (two classes: the logistic function)."""
        scores = self.decision_function(matrix)
        if scores.shape[1] == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1 - positive, positive], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> LinearPipeline:
        """Export a pipeline of ``build_pipeline`` after fitting; anything it cannot reproduce raises ValueError."""
        features, classifier = pipeline.named_steps["features"], pipeline.named_steps["classifier"]
        if features.remainder != "drop" or not getattr(classifier, "fit_intercept", False):
            raise ValueError("only a ColumnTransformer without remainder and a classifier with intercepts export")
        weights = features.transformer_weights or {}
        blocks = []
        for name, vectorizer, column in features.transformers_:
            if name == "remainder":
                continue
            analyzer = vectorizer.analyzer
            kind = next((key for key, function in _ANALYZERS.items() if analyzer is function), None)
            if kind is None and analyzer == "char":
                kind = "char"
            settings = (vectorizer.preprocessor, vectorizer.strip_accents, vectorizer.stop_words, vectorizer.input)
            if kind is None or settings != (None, None, None, "content") or not isinstance(column, int):
                raise ValueError(f"block {name!r}: a vectorizer this export does not reproduce ({vectorizer!r})")
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            blocks.append(
                _Block(
                    name=name,
                    column=column,
                    analyzer=kind,
                    ngram_range=(int(vectorizer.ngram_range[0]), int(vectorizer.ngram_range[1])),
                    lowercase=bool(vectorizer.lowercase),
                    terms=tuple(terms),
                    idf=np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None,
                    sublinear_tf=bool(vectorizer.sublinear_tf),
                    binary=bool(vectorizer.binary),
                    norm=vectorizer.norm,
                    weight=float(weights.get(name, 1.0)),
                )
            )
        return cls(blocks, [str(c) for c in classifier.classes_], classifier.coef_, classifier.intercept_)

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything prediction needs, as plain arrays (no objects: the ``.npz`` loads with ``allow_pickle=False``)."""
        out: dict[str, np.ndarray] = {
            "format_version": np.array(CARD_FORMAT_VERSION),
            **_pack("classes", [str(c) for c in self.classes_]),
            **_pack("blocks", [b.name for b in self.blocks]),
            "coef": self.coef_,
            "intercept": self.intercept_,
        }
        for b in self.blocks:
            key = f"block.{b.name}."
            out |= _pack(key + "terms", b.terms)
            out |= _pack(key + "analyzer", [b.analyzer])
            out |= _pack(key + "norm", [b.norm or ""])
            out[key + "column"] = np.array(b.column)
            out[key + "ngram_range"] = np.array(b.ngram_range)
            out[key + "flags"] = np.array([b.lowercase, b.sublinear_tf, b.binary, b.idf is not None])
            out[key + "weight"] = np.array(b.weight)
            if b.idf is not None:
                out[key + "idf"] = b.idf
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> LinearPipeline:
        """The predictor of ``arrays()``; a missing or malformed array raises KeyError or ValueError."""
        version = int(arrays["format_version"])
        if version != CARD_FORMAT_VERSION:
            raise ValueError(f"arrays of format version {version}, this version reads {CARD_FORMAT_VERSION}")
        blocks = []
        for name in _unpack(arrays, "blocks"):
            key = f"block.{name}."
            (analyzer,) = _unpack(arrays, key + "analyzer")
            (norm,) = _unpack(arrays, key + "norm")
            lowercase, sublinear_tf, binary, use_idf = (bool(flag) for flag in arrays[key + "flags"])
            terms = _unpack(arrays, key + "terms")
            idf = np.asarray(arrays[key + "idf"], dtype=np.float64) if use_idf else None
            low, high = (int(n) for n in arrays[key + "ngram_range"])
            column = int(arrays[key + "column"])
            if analyzer != "char" and analyzer not in _ANALYZERS:
                raise ValueError(f"block {name!r}: unknown analyzer {analyzer!r}")
            if norm not in ("", "l1", "l2") or column not in (0, 1) or not 1 <= low <= high:
                raise ValueError(f"block {name!r}: norm {norm!r}, column {column}, n-grams {low}-{high}")
            if idf is not None and idf.shape != (len(terms),):
                raise ValueError(f"block {name!r}: {len(terms)} terms but idf of shape {idf.shape}")
            blocks.append(
                _Block(
                    name,
                    column,
                    analyzer,
                    (low, high),
                    lowercase,
                    terms,
                    idf,
                    sublinear_tf,
                    binary,
                    norm or None,
                    float(arrays[key + "weight"]),
                )
            )
        return cls(blocks, _unpack(arrays, "classes"), arrays["coef"], arrays["intercept"])


def _pack(key: str, strings: Sequence[str]) -> dict[str, np.ndarray]:
    """Strings as UTF-8 bytes and offsets: exact for any text (a numpy str array drops trailing NULs)."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.cumsum([0, *map(len, encoded)], dtype=np.int64)
    return {key + ".utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8), key + ".offsets": offsets}


def _unpack(arrays: Mapping[str, np.ndarray], key: str) -> tuple[str, ...]:
    blob = np.asarray(arrays[key + ".utf8"], dtype=np.uint8).tobytes()
    offsets = [int(n) for n in arrays[key + ".offsets"]]
    if not offsets or offsets[0] != 0 or offsets[-1] != len(blob) or offsets != sorted(offsets):
        raise ValueError(f"{key}: offsets do not fit the {len(blob)} bytes")
    return tuple(blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets))


def _write_npz(path: Path, arrays: Mapping[str, np.ndarray]) -> None:
    """``np.savez_compressed`` with a fixed time stamp on each member: the same model gives the same bytes."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            member = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(value), allow_pickle=False)


# ---- inputs ---------------------------------------------------------------------------------------------

_NAME_KEYS = ("name", "三级指标")
_TARGET_KEYS = ("target", "target_raw", "年度指标值", "指标值")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raw = getattr(value, "raw", None)  # a Target
    return raw if isinstance(raw, str) else str(value)


def _first(mapping: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for key in keys:
        if mapping.get(key) is not None:
            return mapping[key]
    return None


def _pair(item: Any) -> tuple[str, str]:
    """(name, target) of a str, a (name, target) tuple, a mapping, an ``Example``, ``Indicator`` or ``Normalized``."""
    if isinstance(item, str):
        return item, ""
    if isinstance(item, tuple) and len(item) == 2:
        return _text(item[0]), _text(item[1])
    if isinstance(item, Mapping):
        return _text(_first(item, _NAME_KEYS)), _text(_first(item, _TARGET_KEYS))
    if hasattr(item, "name"):
        target = getattr(item, "target_raw", None)
        if target is None:
            target = getattr(item, "target", None)
        return _text(item.name), _text(target)
    raise TypeError(f"cannot classify a {type(item).__name__}: give a name, a (name, target) pair or a mapping")


def _matrix(pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    rows = [(clean_name(name), normalize_text(target)) for name, target in pairs]
    matrix = np.empty((len(rows), 2), dtype=object)
    for i, row in enumerate(rows):
        matrix[i] = row
    return matrix


@dataclasses.dataclass(frozen=True, slots=True)
class _Labelled:
    name: str
    target: str
    level2: str
    group: str
    line: str
    """The example as a canonical JSON line (for the training-data hash)."""


def _labelled(examples: Iterable[Example | Mapping[str, Any]]) -> list[_Labelled]:
    taxonomy = default_taxonomy()
    out = []
    for i, example in enumerate(examples):
        if isinstance(example, Mapping):
            record = {str(k): v for k, v in example.items()}
            where = f"example {i}"
            name, target = _pair(record)
            level1 = _first(record, ("level1", "一级指标"))
            level2 = _first(record, ("level2", "二级指标"))
            category = canonical_category(level1, level2) if (level1 or level2) else None
            if category is None or category.level2 is None:
                raise AnnotationError(
                    where,
                    f"no canonical 二级 for level1={level1!r}, level2={level2!r}",
                    hint=f"allowed 二级: {', '.join(taxonomy.level2_names)}",
                )
            label = category.level2
            group = str(_first(record, ("group", "source", "id")) or f"row {i}")
        else:
            record = {k: v for k, v in example.to_dict().items() if k not in ("path", "line", "split")}
            name, target, label, group = example.name, example.target_raw or "", example.level2, example.group
            if label not in taxonomy.level2_names:  # an Example is validated on reading: a hand-made one may not be
                raise AnnotationError(
                    f"{example.path}:{example.line}" if example.path else example.id,
                    f"unknown 二级 {label!r}",
                    hint=f"allowed: {', '.join(taxonomy.level2_names)}",
                )
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
        if clean_name(name):
            out.append(_Labelled(name, target, label, group, line))
    # a canonical order: the same examples in any order give the same folds and the same fitted model
    return sorted(out, key=lambda r: r.line)


def data_hash(lines: Iterable[str]) -> str:
    """sha256 over the sorted lines (one canonical JSON object per example), joined by newlines."""
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def _fingerprint(rows: Sequence[_Labelled]) -> dict[str, str]:
    """``sha256``: every field of every example; ``sha256_training``: only what the model learns from (name,
    target, 二级, group), which stays put when a field the model ignores (``concept``, ``note``) is added."""
    seen = [json.dumps([r.name, r.target, r.level2, r.group], ensure_ascii=False) for r in rows]
    return {"sha256": data_hash(r.line for r in rows), "sha256_training": data_hash(seen)}


def data_fingerprint(examples: Iterable[Example | Mapping[str, Any]]) -> dict[str, str]:
    """The hashes of training data that a model card records (see ``_fingerprint``)."""
    return _fingerprint(_labelled(examples))


# ---- the model ------------------------------------------------------------------------------------------


class Model:
    """A trained category classifier and its card (a JSON-ready dict; see the module docstring)."""

    def __init__(self, pipeline: LinearPipeline | Pipeline, card: Mapping[str, Any]) -> None:
        self.sklearn_pipeline: Pipeline | None = None
        """The fitted scikit-learn pipeline of a model trained in this process (``None`` for a loaded model)."""
        if not isinstance(pipeline, LinearPipeline):
            self.sklearn_pipeline = pipeline
            pipeline = LinearPipeline.from_pipeline(pipeline)
        self.pipeline = pipeline
        """What predicts: the arrays of the fitted pipeline (a trained and a loaded model give the same numbers)."""
        self.card: dict[str, Any] = dict(card)
        self.labels: tuple[str, ...] = tuple(str(label) for label in pipeline.classes_)
        taxonomy = default_taxonomy()
        self._parents = tuple(taxonomy.parent(label) for label in self.labels)

    def __repr__(self) -> str:
        return f"<Model {self.card.get('features', {}).get('name')} on {self.card.get('data', {}).get('rows')} rows>"

    def predict_proba(self, items: Iterable[Any]) -> np.ndarray:
        """Probabilities of each 二级 in ``self.labels`` order, one row per item (one vectorized call)."""
        matrix = _matrix(_pair(item) for item in items)
        if len(matrix) == 0:
            return np.zeros((0, len(self.labels)))
        probabilities: np.ndarray = self.pipeline.predict_proba(matrix)
        return probabilities

    def predict(self, items: Iterable[Any], *, top: int = 3) -> list[Prediction]:
        """The 二级 (and its 一级) of each item with its probability and ``top`` alternatives, most likely first.

        Items: a name, a (name, target) pair, a mapping (``name``/``三级指标``, ``target``/``年度指标值``), or a
        record with ``name`` and ``target_raw``.
        """
        return self.predictions(self.predict_proba(items), top=top)

    def predictions(self, probabilities: np.ndarray, *, top: int = 3) -> list[Prediction]:
        """``Prediction`` records from rows of ``predict_proba``."""
        if len(probabilities) == 0:
            return []
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, : top + 1]
        best = np.round(np.take_along_axis(probabilities, order, axis=1), 6).tolist()
        labels, parents = self.labels, self._parents
        out = []
        for ranks, values in zip(order.tolist(), best, strict=True):
            first = ranks[0]
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
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        _write_npz(temporary, self.pipeline.arrays())
        blob = temporary.read_bytes()
        card = dict(self.card)
        card["file"] = {"name": target.name, "sha256": hashlib.sha256(blob).hexdigest(), "bytes": len(blob)}
        card_path = target.with_suffix(".json")
        card_temporary = card_path.with_name(card_path.name + ".tmp")
        card_temporary.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, target)
        os.replace(card_temporary, card_path)
        self.card = card
        return target


# ---- evaluation -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one 二级 label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclasses.dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of a model on labelled rows.

    ``macro_f1`` averages over the 二级 labels that occur in the data or in the predictions; ``level1_accuracy``
    compares the 一级 of the predicted and the gold 二级.
    """

    rows: int
    accuracy: float
    macro_f1: float
    level1_accuracy: float
    labels: tuple[str, ...]
    per_class: tuple[ClassScore, ...]
    confusion: tuple[tuple[int, ...], ...]
    """Rows: gold label, columns: predicted label, both in ``labels`` order."""
    groups: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return dataclasses.asdict(self)

    def summary(self) -> dict[str, Any]:
        """The headline figures (what a model card records)."""
        return {
            "rows": self.rows,
            "groups": self.groups,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "level1_accuracy": round(self.level1_accuracy, 4),
        }

    def format(self) -> str:
        """The scores, the per-class table and the confusion matrix as text (columns numbered like the rows)."""
        lines = [
            f"rows {self.rows}  groups {self.groups}  二级 accuracy {self.accuracy:.3f}  二级 macro-F1 "
            f"{self.macro_f1:.3f}  一级 accuracy {self.level1_accuracy:.3f}",
            "",
            f"{'#':>3}  {_pad('二级', 9)}  {'precision':>9}  {'recall':>6}  {'F1':>5}  {'rows':>5}",
        ]
        for i, s in enumerate(self.per_class, 1):
            lines.append(
                f"{i:>3}  {_pad(s.label, 9)}  {s.precision:>9.3f}  {s.recall:>6.3f}  {s.f1:>5.3f}  {s.support:>5}"
            )
        width = max(4, *(len(str(v)) + 1 for row in self.confusion for v in row))
        lines += ["", "confusion (rows: gold, columns: predicted, numbered as above)"]
        lines.append("   " + "".join(f"{j:>{width}}" for j in range(1, len(self.labels) + 1)))
        for i, row in enumerate(self.confusion, 1):
            lines.append(f"{i:>3}" + "".join(f"{v:>{width}}" for v in row))
        return "\n".join(lines)

    def plot(self, path: str | os.PathLike[str]) -> Path:
        """Draw the confusion matrix into a PNG (matplotlib, no pyplot state); CJK labels when a CJK font exists."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        font = _cjk_font()
        names = list(self.labels) if font else [str(i) for i in range(1, len(self.labels) + 1)]
        matrix = np.array(self.confusion, dtype=float)
        figure = Figure(figsize=(8.5, 7.5), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        image = axes.imshow(matrix, cmap="Blues")
        figure.colorbar(image, ax=axes, shrink=0.8)
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                if matrix[i, j]:
                    color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                    axes.text(j, i, f"{int(matrix[i, j])}", ha="center", va="center", color=color, fontsize=8)
        ticks = range(len(names))
        axes.set_xticks(list(ticks), names, rotation=60, ha="right", fontfamily=font or "sans-serif")
        axes.set_yticks(list(ticks), names, fontfamily=font or "sans-serif")
        axes.set_xlabel("predicted" if font else "predicted (numbered as in the text table)")
        axes.set_ylabel("gold")
        axes.set_title(f"accuracy {self.accuracy:.3f}  macro-F1 {self.macro_f1:.3f}  ({self.rows} rows)")
        figure.tight_layout()
        out = Path(path)
        figure.savefig(out, format="png")
        return out


def _pad(text: str, width: int) -> str:
    """Left-align text of full-width characters (two columns each)."""
    columns = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(0, 2 * width - columns)  # width: in full-width characters


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK", "Source Han Sans", "WenQuanYi", "SimHei", "Microsoft YaHei", "PingFang", "Heiti")
    for entry in font_manager.fontManager.ttflist:
        if entry.name.startswith(wanted):
            return str(entry.name)
    return None


def _score(
    gold: Sequence[str], predicted: Sequence[str], *, groups: int = 0, labels: Sequence[str] | None = None
) -> Evaluation:
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    taxonomy = default_taxonomy()
    present = set(gold) | set(predicted)
    order = tuple(label for label in (labels or taxonomy.level2_names) if label in present)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(order), zero_division=0
    )
    rows = len(gold)
    return Evaluation(
        rows=rows,
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / rows if rows else 0.0,
        macro_f1=float(f1_score(gold, predicted, labels=list(order), average="macro", zero_division=0)),
        level1_accuracy=(
            sum(taxonomy.parent(g) == taxonomy.parent(p) for g, p in zip(gold, predicted, strict=True)) / rows
            if rows
            else 0.0
        ),
        labels=order,
        per_class=tuple(
            ClassScore(label, float(p), float(r), float(f), int(s))
            for label, p, r, f, s in zip(order, precision, recall, f1, support, strict=True)
        ),
        confusion=tuple(tuple(int(v) for v in row) for row in confusion_matrix(gold, predicted, labels=list(order))),
        groups=groups,
    )


def evaluate(model: Model, examples: Iterable[Example | Mapping[str, Any]]) -> Evaluation:
    """Score ``model`` on labelled examples (``Example`` records or mappings with name/target/level2).

    >>> from indicatornlp.annotated import default_annotated_dir, read_annotated
    >>> holdout = read_annotated(default_annotated_dir() / "holdout")
    >>> evaluate(load_model(), holdout).accuracy > 0.5
    True
    """
    rows = _labelled(examples)
    predicted = [p.level2 for p in model.predict((r.name, r.target) for r in rows)]
    return _score([r.level2 for r in rows], predicted, groups=len({r.group for r in rows}))


# ---- training and model selection ------------------------------------------------------------------------


def _splits(labels: Sequence[str], groups: Sequence[str], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped, stratified folds; labels rarer than the number of folds are stratified with the most common one."""
    from sklearn.model_selection import StratifiedGroupKFold

    counts = Counter(labels)
    common = counts.most_common(1)[0][0]
    strata = [label if counts[label] >= folds else common for label in labels]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=RANDOM_STATE)
    return list(splitter.split(np.zeros(len(labels)), strata, groups))


def _fit(pipeline: Pipeline, matrix: np.ndarray, labels: np.ndarray) -> Pipeline:
    """Fit with one BLAS thread: on problems this small, threads only contend (3x slower measured on 2 cores)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        return pipeline.fit(matrix, labels)


def _fold(
    features: str,
    c: float,
    class_weight: str | None,
    matrix: np.ndarray,
    gold: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    classes: np.ndarray,
) -> np.ndarray:
    """Probabilities for the test rows of one fold, in the columns of ``classes`` (0 for a class unseen in training)."""
    pipeline = _fit(build_pipeline(features, c=c, class_weight=class_weight), matrix[train], gold[train])
    out = np.zeros((len(test), len(classes)))
    out[:, np.searchsorted(classes, pipeline.classes_)] = pipeline.predict_proba(matrix[test])
    return out


def _out_of_fold(
    rows: Sequence[_Labelled], features: str, c: float, class_weight: str | None, folds: int, jobs: int
) -> dict[str, Any]:
    from joblib import Parallel, delayed
    from sklearn.metrics import log_loss

    matrix = _matrix((r.name, r.target) for r in rows)
    gold = np.array([r.level2 for r in rows])
    classes = np.unique(gold)
    splits = _splits(list(gold), [r.group for r in rows], folds)
    parts = Parallel(n_jobs=jobs)(
        delayed(_fold)(features, c, class_weight, matrix, gold, train, test, classes) for train, test in splits
    )
    probabilities = np.zeros((len(rows), len(classes)))
    for (_, test), part in zip(splits, parts, strict=True):
        probabilities[test] = part
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


def train(
    examples: Iterable[Example | Mapping[str, Any]],
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
) -> Model:
    """Fit the classifier on labelled examples (``Example`` records, or mappings with name/target/level1/level2).

    ``select``: choose features and parameters by grouped CV (``compare``) instead of taking ``features``, ``c``,
    ``class_weight``.  ``folds``: grouped-CV folds for the card's CV scores (0: skip CV).  ``holdout``: examples
    scored once after fitting; the scores go in the card.  Deterministic: the same examples give the same model.
    An example without a canonical 二级 raises ``AnnotationError``.
    """
    rows = _labelled(examples)
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
    elif folds >= 2 and groups >= 2:
        cv = _out_of_fold(rows, features, c, class_weight, min(folds, groups), jobs)
    matrix = _matrix((r.name, r.target) for r in rows)
    pipeline = _fit(
        build_pipeline(features, c=c, class_weight=class_weight), matrix, np.array([r.level2 for r in rows])
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
        "holdout": None,
    }
    model = Model(pipeline, card)
    if holdout is not None:
        scores = evaluate(model, holdout)
        model.card["holdout"] = scores.summary()
    return model


# ---- loading --------------------------------------------------------------------------------------------

_default: Model | None = None
_default_lock = threading.Lock()


def default_model_path() -> Path:
    """The shipped model file: ``indicatornlp/models/`` of an installed wheel, else ``models/`` of a checkout."""
    packaged = resources.files("indicatornlp") / "models" / MODEL_FILE
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "models" / MODEL_FILE


def load_model(path: str | os.PathLike[str] | None = None) -> Model:
    """Load a model: ``path`` names the model file (``….npz``, its card beside it); ``None``: the shipped default.

    Checks the card first: a missing or unreadable card, another taxonomy version, a file that does not match the
    sha256 of its card, or arrays that are not a complete category model raise ``ModelError``; another format
    version warns (``ModelVersionWarning``).  Nothing is unpickled and scikit-learn is not imported.  The default
    loads once per process; if it cannot be used, it is rebuilt from the shipped annotated data
    (``ModelRebuiltWarning``, once).
    """
    if path is not None:
        file = Path(path)
        if file.is_dir():
            raise ModelError(str(file), "is a directory", hint=f"name the model file itself, e.g. {file / MODEL_FILE}")
        return _read(file, default=False)
    global _default
    with _default_lock:
        if _default is None:
            file = default_model_path()
            try:
                _default = _read(file, default=True)
            except _Unloadable as why:
                _default = _rebuild(file, str(why))
        return _default


class _Unloadable(Exception):
    """The shipped default cannot be used as it is (caught by ``load_model``: the model is rebuilt)."""


def _read_card(file: Path) -> dict[str, Any]:
    card_path = file.with_suffix(".json")
    if not file.is_file():
        raise ModelError(str(file), "no such model file", hint="train one with `indicatornlp train -o DIR`")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(
            str(file),
            f"no model card {card_path.name} beside it: not a model saved by indicatornlp",
            hint="save models with Model.save or `indicatornlp train`, which write the card",
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(str(card_path), f"unreadable model card ({err})", hint="retrain the model") from None
    if not isinstance(card, dict) or card.get("format") != CARD_FORMAT:
        raise ModelError(str(card_path), f"not an indicatornlp model card (format is not {CARD_FORMAT!r})")
    return card


def _read(file: Path, *, default: bool) -> Model:
    card = _read_card(file)
    taxonomy = default_taxonomy().version
    if card.get("taxonomy_version") != taxonomy:
        problem = f"made for taxonomy version {card.get('taxonomy_version')!r}, this is {taxonomy!r}"
        if default:
            raise _Unloadable(problem)
        raise ModelError(str(file), problem, hint="retrain it with `indicatornlp train`")
    blob = file.read_bytes()
    expected = card.get("file", {}).get("sha256") if isinstance(card.get("file"), dict) else None
    if hashlib.sha256(blob).hexdigest() != expected:
        raise ModelError(str(file), "the file does not match the sha256 in its card", hint="retrain or restore it")
    saved = card.get("format_version")
    if saved != CARD_FORMAT_VERSION:
        problem = f"saved in model format version {saved}, this version of indicatornlp writes {CARD_FORMAT_VERSION}"
        if default:
            raise _Unloadable(problem)
        if saved == 1:  # a joblib pickle: never unpickled
            raise ModelError(str(file), f"{problem} (format 1 is a pickle, not loaded)", hint="retrain it")
        warnings.warn(f"{file}: {problem}; retrain it if loading fails", ModelVersionWarning, stacklevel=3)
    try:
        # the bytes whose sha256 was checked, and never a pickle
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            pipeline = LinearPipeline.from_arrays({key: archive[key] for key in archive.files})
    except Exception as err:  # a broken archive takes any form (BadZipFile, ValueError, KeyError, EOFError …)
        problem = f"cannot be read as a category model ({type(err).__name__}: {err})"
        if default:
            raise _Unloadable(problem) from err
        raise ModelError(str(file), problem, hint="retrain it with `indicatornlp train`") from None
    unknown = set(map(str, pipeline.classes_)) - set(default_taxonomy().level2_names)
    if unknown:
        raise ModelError(str(file), f"predicts labels outside the taxonomy: {sorted(unknown)}", hint="retrain it")
    return Model(pipeline, card)


def _rebuild(file: Path, reason: str) -> Model:
    from .annotated import default_annotated_dir, read_annotated

    params: dict[str, Any] = {}
    try:
        card = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
        features = card["features"]["name"]
        params = {"features": features, "c": float(card["params"]["C"]), "class_weight": card["params"]["class_weight"]}
        build_pipeline(**params)  # a card from another version may name blocks that no longer exist
    except Exception:  # no usable card: the defaults
        params = {}
    root = default_annotated_dir()
    model = train(
        read_annotated(root / "train"),
        folds=0,
        holdout=read_annotated(root / "holdout") if (root / "holdout").is_dir() else None,
        source=str(root / "train"),
        **params,
    )
    model.card["rebuilt"] = {"from": str(file), "reason": reason}
    warnings.warn(
        f"the shipped model {file} could not be used ({reason}); rebuilt it from the shipped annotated data "
        f"({model.card['data']['rows']} rows) for this process — run `indicatornlp train` to save a fresh one",
        ModelRebuiltWarning,
        stacklevel=4,
    )
    return model
