"""Audit a filing the way a reviewer does by hand: each finding has a stable code, a severity and its row.

The rules come from the reviewers' rule book (财预〔2021〕101号, 88号 填报说明, the Shanghai 2025 指引); their
word lists live in ``data/audit.toml``.  Codes are stable: tools and people can filter on them.  The table is
made from the rule registry (``indicatornlp.rules.catalogue()``) when the module is imported:

{catalogue}

``F001``/``F002`` are reported by ``indicatornlp.batch`` for a file it could not read.

>>> from indicatornlp import Filing, Indicator, Position
>>> filing = Filing(Position("人才工作.txt"), project="人才工作", indicators=(
...     Indicator("人才宣讲活动", "≥20场", "产出指标", "数量指标"),
...     Indicator("人才政策知晓率", "≥90%", "效益指标", "社会效益指标"),
...     Indicator("高质量执行人才管理长效机制", "健全", "满意度指标", "服务对象满意度指标")))
>>> [(f.code, f.row) for f in audit(filing, model=False) if f.code != "A200"]
[('A203', None), ('A130', 2)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from .errors import IndicatorNLPError
from .records import Filing, Finding, Indicator, Normalized
from .rules import RULES, Rule, audit_normalized, catalogue_table, indicator_findings
from .taxonomy import canonical_category
from .text import normalize_text

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = [
    "RULES",
    "Rule",
    "audit",
    "audit_normalized",
    "indicator_findings",
    "normalize_filing",
    "normalize_filings",
]

__doc__ = (__doc__ or "").replace("{catalogue}", catalogue_table())  # help() shows the table of every code


def normalize_filing(
    filing: Filing, *, model: Model | Literal[False] | None = None
) -> tuple[list[Normalized], str | None]:
    """Normalize the rows of a filing: with ``model`` (``None``: the shipped default; ``False``: no model).

    Returns the normalized rows and, when no model could be used, the reason (else ``None``).
    Without a model the rows get their filed category and their parsed target, and no prediction.
    """
    (rows,), note = normalize_filings([filing], model=model)
    return rows, note


def normalize_filings(
    filings: Sequence[Filing], *, model: Model | Literal[False] | None = None
) -> tuple[list[list[Normalized]], str | None]:
    """``normalize_filing`` for several filings at once: one model call per budget year, not one per filing."""
    if model is False:
        return [[_plain(ind, f.year) for ind in f.indicators] for f in filings], "no model was asked for"
    try:
        from .api import Normalizer

        normalizer = Normalizer(_default_model() if model is None else model)
        out: list[list[Normalized]] = [[] for _ in filings]
        for year in dict.fromkeys(f.year for f in filings):
            chosen = [i for i, f in enumerate(filings) if f.year == year]
            rows = normalizer.normalize_many([ind for i in chosen for ind in filings[i].indicators], year=year)
            start = 0
            for i in chosen:
                count = len(filings[i].indicators)
                out[i] = list(rows[start : start + count])
                start += count
    except (ImportError, IndicatorNLPError) as err:
        plain = [[_plain(ind, f.year) for ind in f.indicators] for f in filings]
        return plain, str(err) or type(err).__name__
    return out, None


_DEFAULT_MODEL: list[Model] = []
_MODEL_FAILURE: list[str] = []


def _default_model() -> Model:
    """The shipped model, loaded once; a failure is remembered so that a batch does not retry per filing."""
    if _DEFAULT_MODEL:
        return _DEFAULT_MODEL[0]
    if _MODEL_FAILURE:
        from .errors import ModelError

        raise ModelError(None, _MODEL_FAILURE[0])
    try:
        from .model import load_model

        _DEFAULT_MODEL.append(load_model())
    except (ImportError, IndicatorNLPError) as err:
        _MODEL_FAILURE.append(str(err) or type(err).__name__)
        raise
    return _DEFAULT_MODEL[0]


def _plain(ind: Indicator, year: int | None) -> Normalized:
    from .targets import parse_target

    category = canonical_category(ind.level1_raw, ind.level2_raw)
    level1 = category.level1 if category else None
    level2 = category.level2 if category else None
    return Normalized(
        raw=ind.name,
        name=normalize_text(ind.name),
        target=parse_target(ind.target_raw, year=year),
        level1=level1,
        level2=level2,
        filed_level1=level1,
        filed_level2=level2,
        legacy=bool(category and category.legacy),
        source=str(ind.position) if ind.position else None,
    )


def audit(filing: Filing, *, model: Model | Literal[False] | None = None) -> list[Finding]:
    """The findings of one filing: the rows' own (A1xx), then the project's (A2xx); see the module docstring.

    ``model``: a trained ``Model``; ``None`` loads the shipped default on first use; ``False`` runs the
    model-free rules only.  When the model cannot be loaded the other rules still run and an ``A200`` finding
    says why the mismatch check was skipped.
    """
    normalized, model_note = normalize_filing(filing, model=model)
    return audit_normalized(filing, normalized, model_note=model_note)
