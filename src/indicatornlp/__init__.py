"""indicatornlp: read, classify, parse, link and audit Chinese budget-performance indicators.

>>> from indicatornlp import parse_target, canonical_category
>>> parse_target("不低于90%").comparator.value
'≥'
>>> canonical_category("产出指标", "进度指标").level2
'时效指标'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# audit() shares its name with its (light) module: bound here, eagerly, so that importing the submodule later
# (api.py does) cannot replace the function by the module on the package
from .audit import audit
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
    ModelError,
    NoIndicatorTableError,
    NoTextLayerError,
    OutputError,
)
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
    Severity,
    Target,
    TargetKind,
)
from .targets import parse_target
from .taxonomy import canonical_category

if TYPE_CHECKING:  # pragma: no cover
    from .api import Normalizer, normalize
    from .linking import link
    from .model import Model, load_model, train
    from .readers import read_filings

# heavy modules (scikit-learn, jieba, readers) load on first use, never at import
_LAZY = {
    "normalize": "api",
    "Normalizer": "api",
    "link": "linking",
    "Model": "model",
    "load_model": "model",
    "train": "model",
    "read_filings": "readers",
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
    "Finding",
    "Funds",
    "Indicator",
    "IndicatorNLPError",
    "InputError",
    "Linkage",
    "LinkingError",
    "Model",
    "ModelError",
    "NoIndicatorTableError",
    "NoTextLayerError",
    "Normalized",
    "Normalizer",
    "OutputError",
    "Pair",
    "Position",
    "Prediction",
    "Severity",
    "Target",
    "TargetKind",
    "audit",
    "canonical_category",
    "link",
    "load_model",
    "normalize",
    "parse_target",
    "read_filings",
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
