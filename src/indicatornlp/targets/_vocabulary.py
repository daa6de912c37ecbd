"""The vocabulary of target values: ``data/lexicon.toml`` and ``data/units.toml``, checked and indexed.

>>> vocabulary().units["万元"]
Unit(canonical='元', multiplier=Decimal('10000'), ratio=False)
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from ..errors import DataFileError
from ..records import Comparator

__all__ = ["Unit", "Vocabulary", "load_vocabulary", "vocabulary"]

_ONE = Decimal(1)


@dataclasses.dataclass(frozen=True, slots=True)
class Unit:
    """A unit as written, resolved: its canonical form and the multiplier into it."""

    canonical: str | None
    """The base unit (``元`` for ``万元``); ``None`` for a bare multiplier (``万``)."""
    multiplier: Decimal = _ONE
    ratio: bool = False
    """A ratio unit (比例): values below 1 are fractions of 1."""


@dataclasses.dataclass(frozen=True, slots=True)
class Vocabulary:
    """The contents of ``lexicon.toml`` and ``units.toml``, checked and indexed."""

    units: Mapping[str, Unit]
    """Every written form, including prefix + unit combinations (``万粒``) and bare prefixes (``万``)."""
    comparators: Mapping[str, Comparator]
    suffixes: Mapping[str, Comparator]
    more_than: tuple[str, ...]
    """After the number: ``3万余人`` is about 30000 and more (≥, flag ``approx``)."""
    number_leads: tuple[str, ...]
    """Before the number, stating no comparator: ``在90%以上``."""
    system_tokens: tuple[str, ...]
    ocr_confusables: tuple[str, ...]
    labels: Mapping[str, str]
    qualitative: Mapping[str, str]
    """word → label."""
    alone: frozenset[str]
    implied: Mapping[str, tuple[Comparator, Decimal, str, str]]
    """word → (comparator, value, unit, label)."""
    directions: Mapping[str, str]
    modifiers: frozenset[str]
    comparative: frozenset[str]
    joiners: frozenset[str]
    vague: frozenset[str]
    """Every vague word (``[vague]``): flagged in a target."""
    vague_in_names: tuple[str, ...]
    """The vague words also flagged in a 三级指标 name (``[vague]`` entries marked ``"name"``, in file order)."""
    placeholders: frozenset[str]
    placeholder_marks: tuple[str, ...]
    option_lists: frozenset[str]
    name_endings: tuple[str, ...]
    deadline_leads: tuple[str, ...]
    deadline_leads_le: frozenset[str]
    deadline_suffixes: Mapping[str, Comparator]
    recurring: tuple[str, ...]
    completion: frozenset[str]
    zero_events: tuple[str, ...]
    """Events a target wants none of: ``零投诉`` = 0 投诉."""
    zero_leads: tuple[str, ...]
    relative_bases: tuple[str, ...]
    """The words for last year's value (``上年``, ``去年``, ``同期``)."""
    relative_leads: tuple[str, ...]
    relative_frames: tuple[str, ...]
    year_on_year: tuple[str, ...]
    answers: frozenset[str]
    """Whole values that answer a yes/no name (``无``) and are a placeholder under any other."""
    yes_no_names: tuple[str, ...]
    """Words of a name asking yes or no (``是否``): its target ``无`` answers it."""
    money_names: tuple[str, ...]
    """Words of a name about money (``补助``): a per-unit target without unit is in 元."""


def _read_toml(name: str) -> dict[str, Any]:
    path = resources.files("indicatornlp") / "data" / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise DataFileError(
            f"indicatornlp/data/{name}", f"cannot be read: {err}", hint="reinstall indicatornlp"
        ) from err


def _decimal(text: object, where: str) -> Decimal:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        raise DataFileError(
            where, f"{text!r} is not a decimal number", hint='write it as a string like "10000"'
        ) from None


def _comparator(symbol: object, where: str) -> Comparator:
    try:
        return Comparator(str(symbol))
    except ValueError:
        known = " ".join(c.value for c in Comparator)
        raise DataFileError(where, f"unknown comparator {symbol!r}", hint=f"use one of {known}") from None


def load_vocabulary(lexicon: Mapping[str, Any], units: Mapping[str, Any]) -> Vocabulary:
    """Check and index the contents of the two data files (raises ``DataFileError`` naming the bad entry)."""
    lex, uni = "indicatornlp/data/lexicon.toml", "indicatornlp/data/units.toml"
    table: dict[str, Unit] = {}
    for form, entry in units.get("units", {}).items():
        where = f"{uni} [units] {form!r}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("canonical"), str):
            raise DataFileError(where, "needs a canonical form", hint='write { canonical = "元" }')
        table[form] = Unit(entry["canonical"], _decimal(entry.get("multiplier", "1"), where), bool(entry.get("ratio")))
    prefixes = {p: _decimal(m, f"{uni} [prefixes] {p!r}") for p, m in units.get("prefixes", {}).items()}
    # a prefix before a listed simple unit: 万粒, 万平方米 (listed forms such as 千克 and 万元 win)
    simple = [(form, unit) for form, unit in table.items() if "/" not in form and unit.multiplier == 1]
    for prefix, factor in prefixes.items():
        table.setdefault(prefix, Unit(None, factor))
        for form, unit in simple:
            table.setdefault(prefix + form, Unit(unit.canonical, factor, unit.ratio))

    labels = dict(lexicon.get("labels", {}))
    qualitative: dict[str, str] = {}
    alone: set[str] = set()
    for word, entry in lexicon.get("qualitative", {}).items():
        label = entry.get("label") if isinstance(entry, Mapping) else None
        if not isinstance(label, str) or label not in labels:
            raise DataFileError(f"{lex} [qualitative] {word!r}", f"label {label!r} is not in [labels]")
        qualitative[word] = label
        if entry.get("alone"):
            alone.add(word)
    implied = {}
    for word, entry in lexicon.get("implied_numbers", {}).items():
        where = f"{lex} [implied_numbers] {word!r}"
        if entry.get("label") not in labels:
            raise DataFileError(where, f"label {entry.get('label')!r} is not in [labels]")
        implied[word] = (
            _comparator(entry["comparator"], where),
            _decimal(entry["value"], where),
            str(entry["unit"]),
            str(entry["label"]),
        )
    directions = dict(lexicon.get("directions", {}))
    for word, direction in directions.items():
        if direction not in ("increase", "decrease", "maintain"):
            raise DataFileError(
                f"{lex} [directions] {word!r}", f"direction {direction!r} is not increase/decrease/maintain"
            )
    vague = dict(lexicon.get("vague", {}))
    for word, scope in vague.items():
        if scope not in ("value", "name"):
            raise DataFileError(f"{lex} [vague] {word!r}", f"scope {scope!r} is not value or name")
    deadline = lexicon.get("deadline", {})
    zero = lexicon.get("zero", {})
    relative = lexicon.get("relative", {})
    context = lexicon.get("context", {})
    return Vocabulary(
        units=table,
        comparators={w: _comparator(c, f"{lex} [comparators] {w!r}") for w, c in lexicon["comparators"].items()},
        suffixes={
            w: _comparator(c, f"{lex} [comparator_suffixes] {w!r}") for w, c in lexicon["comparator_suffixes"].items()
        },
        more_than=tuple(lexicon.get("more_than", ())),
        number_leads=tuple(lexicon.get("number_leads", ())),
        system_tokens=tuple(lexicon.get("system_tokens", ())),
        ocr_confusables=tuple(lexicon.get("ocr_confusables", ())),
        labels=labels,
        qualitative=qualitative,
        alone=frozenset(alone),
        implied=implied,
        directions=directions,
        modifiers=frozenset(lexicon.get("modifiers", ())),
        comparative=frozenset(lexicon.get("comparative_modifiers", ())),
        joiners=frozenset(lexicon.get("joiners", ())),
        vague=frozenset(vague),
        vague_in_names=tuple(w for w, scope in vague.items() if scope == "name"),
        placeholders=frozenset(lexicon.get("placeholders", ())),
        placeholder_marks=tuple(lexicon.get("placeholder_marks", ())),
        option_lists=frozenset(lexicon.get("option_lists", ())),
        name_endings=tuple(lexicon.get("name_endings", ())),
        deadline_leads=tuple(deadline.get("leads", ())),
        deadline_leads_le=frozenset(deadline.get("leads_le", ())),
        deadline_suffixes={
            w: _comparator(c, f"{lex} [deadline] suffixes {w!r}") for w, c in deadline.get("suffixes", {}).items()
        },
        recurring=tuple(deadline.get("recurring", ())),
        completion=frozenset(deadline.get("completion", ())),
        zero_events=tuple(zero.get("events", ())),
        zero_leads=tuple(zero.get("leads", ())),
        relative_bases=tuple(relative.get("bases", ())),
        relative_leads=tuple(relative.get("leads", ())),
        relative_frames=tuple(relative.get("frames", ())),
        year_on_year=tuple(relative.get("year_on_year", ())),
        answers=frozenset(context.get("answers", ())),
        yes_no_names=tuple(context.get("yes_no", ())),
        money_names=tuple(context.get("money", ())),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (read once, on first use)."""
    return load_vocabulary(_read_toml("lexicon.toml"), _read_toml("units.toml"))
