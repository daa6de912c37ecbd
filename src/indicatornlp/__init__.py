"""indicatornlp: read, classify, parse, link and audit Chinese budget-performance indicators.

>>> from indicatornlp import parse_target, canonical_category
>>> parse_target("不低于90%")
Target('不低于90%' → ≥ 90 %)
>>> canonical_category("产出指标", "进度指标").level2
'时效指标'

Over files, folders or globs, each with ``.to_dataframe()`` (pandas optional) and a table in a notebook:
``read_filings`` (the filings), ``tag`` (one row per indicator, the findings, one summary per filing),
``audit`` (the reviewer's findings; given one ``Filing``: its findings), ``library`` (the 指标库) and ``score``
(the 自评表 scored; given one ``Filing``: its ``Scorecard``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AnnotationError,
    CorruptFilingError,
    EmptyFilingError,
    FilingError,
    FilingFormatError,
    FilingNotFoundError,
    IndicatorNLPError,
    InputError,
    LinkingError,
    MissingExtraError,
    ModelError,
    NoIndicatorTableError,
    NoTextLayerError,
    NothingToScoreError,
    OutputError,
)

# audit() shares its name with its (light) module: bound here, eagerly and after the module is imported (folders.py
# imports it), so that importing the submodule later cannot replace the function by the module on the package
from .folders import audit
from .records import (
    Category,
    Cluster,
    Comparator,
    Concept,
    Filing,
    Finding,
    Funds,
    Indicator,
    Linkage,
    Normalized,
    Pair,
    Position,
    Prediction,
    Scorecard,
    ScoreRow,
    Severity,
    Target,
    TargetKind,
)
from .targets import parse_target
from .taxonomy import canonical_category

if TYPE_CHECKING:  # pragma: no cover
    from .api import Normalizer, normalize
    from .folders import library, score, tag
    from .linking import link
    from .model import Model, load_model, train
    from .readers import read_filings
    from .results import Filings, Findings

# heavy modules (scikit-learn, jieba, readers) load on first use, never at import
_LAZY = {
    "normalize": "api",
    "Normalizer": "api",
    "link": "linking",
    "Model": "model",
    "load_model": "model",
    "train": "model",
    "read_filings": "readers",
    "score": "folders",
    "tag": "folders",
    "Filings": "results",
    "Findings": "results",
    "library": "folders",
}

__all__ = [
    "AnnotationError",
    "Category",
    "Cluster",
    "Comparator",
    "Concept",
    "CorruptFilingError",
    "EmptyFilingError",
    "Filing",
    "FilingError",
    "FilingFormatError",
    "FilingNotFoundError",
    "Filings",
    "Finding",
    "Findings",
    "Funds",
    "Indicator",
    "IndicatorNLPError",
    "InputError",
    "Linkage",
    "LinkingError",
    "MissingExtraError",
    "Model",
    "ModelError",
    "NoIndicatorTableError",
    "NoTextLayerError",
    "Normalized",
    "Normalizer",
    "NothingToScoreError",
    "OutputError",
    "Pair",
    "Position",
    "Prediction",
    "ScoreRow",
    "Scorecard",
    "Severity",
    "Target",
    "TargetKind",
    "audit",
    "canonical_category",
    "library",
    "link",
    "load_model",
    "normalize",
    "parse_target",
    "read_filings",
    "score",
    "tag",
    "train",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("indicatornlp")
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'indicatornlp' has no attribute {name!r}")
