"""The reviewers' rules on normalized rows: per indicator (A1xx) and per filing (A2xx), registered by code.

The codes and what they flag are listed in ``indicatornlp.audit`` (the table is made from the registry), which
applies these rules to a filing; ``indicatornlp.normalize()`` attaches the per-indicator findings to each
``Normalized`` record.

Where a new rule goes (four files at most):

- its function, decorated with ``@rule(code, severity, scope=…)``, in ``rules/indicator.py`` (A1xx: one
  indicator alone, ``scope="indicator"``) or ``rules/filing.py`` (A2xx: ``scope="filing"`` for the project,
  ``"row"``/``"rows"`` for a row in its filing); it runs where it is defined in its module and returns
  ``say(variant, **values)`` or ``None``;
- its words, in Chinese and English, in ``data/messages.toml`` (``[codes.CODE]``: ``title``, ``doc`` — its line
  in the catalogue and the legends — and ``message`` with the ``{values}`` the function gives);
- its words, limits and the categories it names in ``data/audit.toml`` (read with ``words``/``number``/
  ``category`` of ``rules/lists.py``: no category name is written in a rule);
- its cases in ``tests/test_audit.py`` (a test fails for a code that is declared but never tried).

The checks of a scored 自评表 (S1xx, scopes ``score`` and ``scorecard``) live in ``rules/selfeval.py`` and are run
by ``indicatornlp.score``; their cases are in ``tests/test_scoring.py``.

>>> sorted(RULES)[:3], catalogue()[-1].code
(['A101', 'A102', 'A103'], 'S201')
"""

from __future__ import annotations

from .filing import audit_normalized
from .indicator import indicator_findings
from .registry import RULES, Message, Rule, Said, catalogue, catalogue_table, legend, rule, say
from .selfeval import card_findings, row_findings  # the S1xx checks of a scored 自评表: in the catalogue too

__all__ = [
    "RULES",
    "Message",
    "Rule",
    "Said",
    "audit_normalized",
    "card_findings",
    "catalogue",
    "catalogue_table",
    "indicator_findings",
    "legend",
    "row_findings",
    "rule",
    "say",
]
