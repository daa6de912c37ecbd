"""Reading a saved category model back, checked against its card; and the shipped default, loaded once.

A model file is a ``.npz`` of plain arrays (``Model.save``, ``arrays.LinearPipeline``) with a JSON card beside it
(same stem, ``.json``).  ``load_model`` reads the card first: another taxonomy version, a file that does not match
its card's sha256, or arrays that are not a complete model raise ``ModelError``; another format version warns
(``ModelVersionWarning``).  Loading never unpickles and never imports scikit-learn.  ``default_model()`` is the
one cache of the shipped model; a shipped default that cannot be used is rebuilt from the shipped annotated data
(a few seconds, with scikit-learn), with one ``ModelRebuiltWarning``.

>>> default_model_path().name
'category.npz'
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndicatorNLPError, ModelError
from ..taxonomy import default_taxonomy
from .arrays import CARD_FORMAT_VERSION, LinearPipeline
from .core import CARD_FORMAT, MODEL_FILE, Model
from .training import build_pipeline, train


class ModelVersionWarning(UserWarning):
    """A model saved in another format version than the one this version of indicatornlp writes."""


class ModelRebuiltWarning(UserWarning):
    """The shipped model could not be loaded and was rebuilt from the shipped annotated data."""


_default: Model | None = None
"""The shipped model once ``default_model()`` has loaded it (guarded by ``_default_lock``)."""
_default_lock = threading.Lock()


def default_model_path() -> Path:
    """The shipped model file: ``indicatornlp/models/`` of an installed wheel, else ``models/`` of a checkout."""
    packaged = resources.files("indicatornlp") / "models" / MODEL_FILE
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "models" / MODEL_FILE


def load_model(path: str | os.PathLike[str] | None = None) -> Model:
    """Load a model: ``path`` names the model file (``….npz``, its card beside it); ``None``: the shipped default.

    Checks the card first: a missing or unreadable card, another taxonomy version, a file that does not match the
    sha256 of its card, or arrays that are not a complete category model raise ``ModelError``; another format
    version warns (``ModelVersionWarning``).  Nothing is unpickled and scikit-learn is not imported.  The default
    is ``default_model()``: loaded once per process, rebuilt from the shipped annotated data if it cannot be used
    (``ModelRebuiltWarning``, once).
    """
    if path is not None:
        file = Path(path)
        if file.is_dir():
            raise ModelError(str(file), "is a directory", hint=f"name the model file itself, e.g. {file / MODEL_FILE}")
        return _read(file, default=False)
    return _load_default()


def default_model() -> Model:
    """The shipped model, loaded on first use and then the same object for the whole process (thread-safe).

    If the shipped file cannot be used (another taxonomy or format version, a broken archive), it is rebuilt from
    the shipped annotated data, with one ``ModelRebuiltWarning``.  ``load_model()`` returns the same object.  If
    neither works, the error is remembered and raised again on later calls without retrying.

    >>> default_model() is default_model() is load_model()
    True
    """
    return _load_default()


_failure: str | None = None
"""Why the shipped model could not be loaded nor rebuilt: a batch does not retry it per filing."""


def _load_default() -> Model:
    global _default, _failure
    with _default_lock:
        if _default is None:
            if _failure is not None:
                raise ModelError(None, _failure)
            file = default_model_path()
            try:
                try:
                    _default = _read(file, default=True)
                except _Unloadable as why:
                    _default = _rebuild(file, str(why))
            except (ImportError, IndicatorNLPError) as err:
                _failure = str(err) or type(err).__name__
                raise
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
    from ..annotated import default_annotated_dir, read_annotated

    params: dict[str, Any] = {}
    calibration: dict[str, Any] | None = None
    try:
        card = json.loads(file.with_suffix(".json").read_text(encoding="utf-8"))
        features = card["features"]["name"]
        params = {"features": features, "c": float(card["params"]["C"]), "class_weight": card["params"]["class_weight"]}
        build_pipeline(**params)  # a card from another version may name blocks that no longer exist
        calibration = card.get("calibration") if isinstance(card.get("calibration"), dict) else None
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
    if calibration is not None:  # the shipped calibration (fitted out of fold on the same data) is kept
        model.card["calibration"] = calibration
        model.calibration = {**model.calibration, **calibration}
    model.card["rebuilt"] = {"from": str(file), "reason": reason}
    warnings.warn(
        f"the shipped model {file} could not be used ({reason}); rebuilt it from the shipped annotated data "
        f"({model.card['data']['rows']} rows) for this process — run `indicatornlp train` to save a fresh one",
        ModelRebuiltWarning,
        stacklevel=5,  # past _rebuild, _load_default and load_model / default_model: where their caller was called
    )
    return model
