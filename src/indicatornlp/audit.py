"""Audit a filing the way a reviewer does by hand: each finding has a stable code, a severity and its row.

The rules come from the reviewers' rule book (财预〔2021〕101号, 88号 填报说明, the Shanghai 2025 指引); their
word lists live in ``data/audit.toml``, their words in Chinese and English in ``data/messages.toml``.  Codes are
stable: tools and people can filter on them, and ``indicatornlp explain CODE`` says what one means.  The table is
made from the rule registry (``indicatornlp.rules.catalogue()``) when the module is imported:

{catalogue}

``F001``/``F002`` are reported by ``indicatornlp.batch`` for a file it could not read.

>>> from indicatornlp import Filing, Indicator, Position
>>> filing = Filing(Position("人才工作.txt"), project="人才工作", indicators=(
...     Indicator("人才宣讲活动", "≥20场", "产出指标", "数量指标"),
...     Indicator("人才政策知晓率", "≥90%", "效益指标", "社会效益指标"),
...     Indicator("高质量执行人才管理长效机制", "健全", "满意度指标", "服务对象满意度指标")))
>>> [(f.code, f.row) for f in audit(filing, model=False) if f.code != "A200"]
[('A203', None), ('A130', 3)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .records import Filing, Finding
from .rules import RULES, Rule, audit_normalized, catalogue_table, indicator_findings

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["RULES", "Rule", "audit", "audit_normalized", "indicator_findings"]

__doc__ = (__doc__ or "").replace("{catalogue}", catalogue_table())  # help() shows the table of every code


def audit(filing: Filing, *, model: Model | Literal[False] | None = None) -> list[Finding]:
    """The findings of one filing: the rows' own (A1xx), then the project's (A2xx); see the module docstring.

    ``model``: a trained ``Model``; ``None`` loads the shipped default on first use; ``False`` runs the
    model-free rules only.  When the model cannot be loaded the other rules still run and an ``A200`` finding
    says why the mismatch check was skipped.
    """
    from .api import normalize_filing  # numpy and the model load on first use, not with the package

    normalized, model_note = normalize_filing(filing, model=model)
    return audit_normalized(filing, normalized, model_note=model_note)
