"""The fitted pipeline as plain arrays: predicting with numpy only, and the ``.npz`` form of the model file.

``LinearPipeline`` reproduces the ``predict_proba`` of the scikit-learn pipeline of ``training.build_pipeline``
(TF-IDF blocks, then a multinomial logistic regression): per feature block its vocabulary, idf, flags and weight,
and the classifier's classes, coefficients and intercepts.  ``arrays()`` / ``from_arrays`` are what the ``.npz``
holds; ``_write_npz`` writes it byte-for-byte reproducibly.  Nothing here imports scikit-learn or unpickles.

>>> pack = _pack("words", ["群众", "满意度"])
>>> _unpack(pack, "words")
('群众', '满意度')
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..text import char_ngrams
from .features import _ANALYZERS

if TYPE_CHECKING:  # pragma: no cover
    from sklearn.pipeline import Pipeline

CARD_FORMAT_VERSION = 2
"""2: the model as arrays in a ``.npz`` (read without unpickling, predicted with numpy); 1: a joblib pickle."""
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
        return char_ngrams(doc.lower() if self.lowercase else doc, *self.ngram_range)

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
            if norm not in ("", "l1", "l2") or column not in (0, 1, 2) or not 1 <= low <= high:
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
