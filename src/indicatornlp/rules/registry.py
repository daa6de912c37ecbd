"""The rule registry: every audit code with its severity and the checks that raise it.

A rule is a small function registered with ``@rule(code, severity, scope=…)``; the runners of
``indicatornlp.rules.indicator`` and ``indicatornlp.rules.filing`` run the checks of a scope in the order they
were defined.  A check returns what it found as ``say(variant, **args)``: the words, in Chinese and English, are
the code's entry in ``data/messages.toml`` (``indicatornlp.messages``), filled with ``args`` — so a finding can be
shown in either language (``Finding.text(lang)``).  ``catalogue()`` lists every code: the table of
``indicatornlp.audit``'s docstring, ``indicatornlp explain`` and the reports' legends are made from it.

>>> RULES["A203"].title, RULES["A203"].text("title", "zh")
('no 成本指标', '缺少成本指标')
>>> [c.rule.code for c in checks("rows")]
['A206']
>>> print(catalogue_table().splitlines()[3])
A101   warning   category mismatch: the filed 二级 lies outside the admissible set, the model confident it is wrong
>>> legend(["A203", "A120"], "zh")[0]
('A120', '警告', '缺少比较符', '数值指标值没有比较符（12、100%）')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from .. import messages
from ..records import Finding, Severity

__all__ = [
    "RULES",
    "Check",
    "Message",
    "Rule",
    "Said",
    "Scope",
    "catalogue",
    "catalogue_table",
    "check",
    "checks",
    "legend",
    "rule",
    "say",
]

Scope = Literal["indicator", "row", "rows", "filing", "score", "scorecard"]
"""Where a check looks, and so what it is given and what it returns:

- ``indicator``: one ``Normalized`` row alone → a message or ``None`` (``indicator_findings``, ``normalize()``);
- ``row``: a ``Row`` of a filing (its filed labels, the filing's funds) → a message or ``None``, run before the
  row's own ``indicator`` findings;
- ``rows``: a ``Row`` compared with the rows before it → a message or ``None``, run after them;
- ``filing``: the whole ``Project`` → the messages about the project (any number);
- ``score``/``scorecard``: a scored row of a 自评表 (``rules.selfeval.ScoredRow``) → a message or ``None``, and
  the scored filing (``ScoredCard``) → its messages; run by ``indicatornlp.score`` (S1xx).
"""

F = TypeVar("F", bound=Callable[..., object])


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule: its stable code and its usual severity; its words are in ``data/messages.toml``."""

    code: str
    severity: Severity
    given_title: str = ""
    """A title given in code (a rule whose words are not in the catalogue yet); the catalogue's wins."""
    given_doc: str = ""

    def text(self, field: str, lang: str | None = None) -> str:
        """The code's ``title``, ``doc`` or message template in ``lang`` (default: ``messages.default_lang()``)."""
        found = messages.code_text(self.code, field, lang)
        if found is not None:
            return found
        return {"title": self.given_title, "doc": self.given_doc or self.given_title}.get(field, "")

    @property
    def title(self) -> str:
        """A few words in English, shown beside the code (``vague target``)."""
        return self.text("title", "en")

    @property
    def doc(self) -> str:
        """What it flags, in one line of English: the description in the catalogue of ``indicatornlp.audit``."""
        return self.text("doc", "en")


@dataclasses.dataclass(frozen=True, slots=True)
class Said:
    """What a check found: the variant of its code's message (``message``, ``construction`` …) and the values
    that fill it; ``severity`` when it is said at another severity than the rule's usual one."""

    variant: str = "message"
    args: tuple[tuple[str, str], ...] = ()
    severity: Severity | None = None


def say(variant: str = "message", /, *, severity: Severity | None = None, **args: object) -> Said:
    """What a check returns: ``say(target=t.raw)``, ``say("construction", word=w, severity=Severity.ERROR)``."""
    return Said(variant, tuple((k, str(v)) for k, v in args.items()), severity)


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    """A message in one language only, said at another severity than the rule's usual one (prefer ``say``)."""

    text: str
    severity: Severity


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    """A registered function that raises the findings of one rule, and the scope it runs in."""

    rule: Rule
    scope: Scope
    run: Callable[..., Any]
    """Given the object of its scope; returns ``Said | None`` (``filing``: an iterable of them); a plain ``str``
    or ``Message`` is taken as the message in every language."""

    def finding(
        self,
        said: Said | str | Message,
        *,
        indicator: str | None = None,
        row: int | None = None,
        source: str | None = None,
        target: str | None = None,
    ) -> Finding:
        """The finding of what this check said, at the rule's severity unless it says another.

        ``message`` is in the default language (``messages.default_lang()``); ``Finding.text(lang)`` gives the
        other from ``variant`` and ``args``.
        """
        code = self.rule.code
        if isinstance(said, Said):
            severity = said.severity or self.rule.severity
            text = messages.code_text(code, said.variant, None, **dict(said.args)) or self.rule.given_title
            return Finding(
                code, severity, text, indicator=indicator, row=row, source=source, target=target,
                variant=said.variant, args=said.args,
            )  # fmt: skip
        text, severity = (said.text, said.severity) if isinstance(said, Message) else (said, self.rule.severity)
        return Finding(code, severity, text, indicator=indicator, row=row, source=source, target=target)


RULES: dict[str, Rule] = {}
"""Every code the audit (and the batch tagger) can emit, in the order they were declared."""

_CHECKS: list[Check] = []


def declare(code: str, severity: Severity, title: str = "", *, doc: str = "") -> Rule:
    """Add a code to the catalogue without a check (``F001``: raised by ``indicatornlp.batch``).

    Its words belong in ``data/messages.toml``; ``title``/``doc`` are an English fallback until they are there.
    """
    if code in RULES:
        raise ValueError(f"rule {code} is declared twice")
    RULES[code] = Rule(code, severity, title, doc)
    return RULES[code]


def rule(code: str, severity: Severity, title: str = "", *, scope: Scope, doc: str = "") -> Callable[[F], F]:
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


def catalogue_table(lang: str = "en") -> str:
    """The catalogue as a reStructuredText table: code, severity, what it flags."""
    rows = [f"{r.code:<5}  {r.severity.value:<8}  {r.text('doc', lang)}" for r in catalogue()]
    return "\n".join([_BORDER, "code   severity  what it flags", _BORDER, *rows, _BORDER])


def legend(codes: Iterable[str], lang: str | None = None) -> list[tuple[str, str, str, str]]:
    """The legend of the codes a report uses: (code, severity, title, what it flags) in ``lang``, by code.

    The rows of the legend in the HTML and Markdown reports and in the workbook ``tag`` writes.  A code the
    registry does not know keeps its catalogue words (or none).
    """
    rows = []
    for code in sorted(set(codes)):
        known = RULES.get(code)
        found = known or Rule(code, Severity.INFO)
        severity = messages.severity_name(known.severity, lang) if known else ""
        rows.append((code, severity, found.text("title", lang), found.text("doc", lang)))
    return rows
