"""The rule registry: every audit code with its severity, title and description, and the checks that raise it.

A rule is a small function registered with ``@rule(code, severity, title, scope=…, doc=…)``; the runners of
``indicatornlp.rules.indicator`` and ``indicatornlp.rules.filing`` run the checks of a scope in the order they
were defined.  ``catalogue()`` lists every code: the table of ``indicatornlp.audit``'s docstring and the titles
of the report are made from it.

>>> RULES["A203"].title
'no 成本指标'
>>> [c.rule.code for c in checks("rows")]
['A206']
>>> print(catalogue_table().splitlines()[3])
A101   warning   category mismatch: the filed 二级 lies outside the admissible set, the model confident it is wrong
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from ..records import Finding, Severity

__all__ = ["RULES", "Check", "Message", "Rule", "Scope", "catalogue", "catalogue_table", "check", "checks", "rule"]

Scope = Literal["indicator", "row", "rows", "filing"]
"""Where a check looks, and so what it is given and what it returns:

- ``indicator``: one ``Normalized`` row alone → a message or ``None`` (``indicator_findings``, ``normalize()``);
- ``row``: a ``Row`` of a filing (its filed labels, the filing's funds) → a message or ``None``, run before the
  row's own ``indicator`` findings;
- ``rows``: a ``Row`` compared with the rows before it → a message or ``None``, run after them;
- ``filing``: the whole ``Project`` → the messages about the project (any number).
"""

F = TypeVar("F", bound=Callable[..., object])


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule: its stable code, its usual severity and a short title."""

    code: str
    severity: Severity
    title: str
    """A few words, shown beside the code in the report (``vague target``)."""
    doc: str = ""
    """What it flags, in one line: the description in the catalogue of ``indicatornlp.audit``."""


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    """A message said at another severity than the rule's usual one (A203 in a construction project)."""

    text: str
    severity: Severity


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """A registered function that raises the findings of one rule, and the scope it runs in."""

    rule: Rule
    scope: Scope
    run: Callable[..., Any]
    """Given the object of its scope; returns ``str | Message | None`` (``filing``: an iterable of them)."""

    def finding(
        self, said: str | Message, *, indicator: str | None = None, row: int | None = None, source: str | None = None
    ) -> Finding:
        """The finding of a message of this check, at the rule's severity unless the message says another."""
        text, severity = (said.text, said.severity) if isinstance(said, Message) else (said, self.rule.severity)
        return Finding(self.rule.code, severity, text, indicator=indicator, row=row, source=source)


RULES: dict[str, Rule] = {}
"""Every code the audit (and the batch tagger) can emit, in the order they were declared."""

_CHECKS: list[Check] = []


def declare(code: str, severity: Severity, title: str, *, doc: str) -> Rule:
    """Add a code to the catalogue without a check (``F001``: raised by ``indicatornlp.batch``)."""
    if code in RULES:
        raise ValueError(f"rule {code} is declared twice")
    RULES[code] = Rule(code, severity, title, doc)
    return RULES[code]


def rule(code: str, severity: Severity, title: str, *, scope: Scope, doc: str) -> Callable[[F], F]:
    """Declare a rule and register the decorated function as its check (the function is returned unchanged)."""
    declare(code, severity, title, doc=doc)
    return check(code, scope=scope)


def check(code: str, *, scope: Scope) -> Callable[[F], F]:
    """Register one more check of a declared rule (A102: its rows are summed up once per filing)."""

    def register(run: F) -> F:
        _CHECKS.append(Check(RULES[code], scope, run))
        return run

    return register


def checks(scope: Scope) -> tuple[Check, ...]:
    """The checks of a scope, in the order they were registered (their run order)."""
    return tuple(c for c in _CHECKS if c.scope == scope)


def catalogue() -> tuple[Rule, ...]:
    """Every rule, sorted by code."""
    return tuple(sorted(RULES.values(), key=lambda r: r.code))


_BORDER = "=====  ========  " + "=" * 85


def catalogue_table() -> str:
    """The catalogue as a reStructuredText table: code, severity, what it flags."""
    rows = [f"{r.code:<5}  {r.severity.value:<8}  {r.doc}" for r in catalogue()]
    return "\n".join([_BORDER, "code   severity  what it flags", _BORDER, *rows, _BORDER])
