"""The scoring rules of ``data/scoring.toml`` (or of a file of the same form) as one checked record.

>>> rules = default_rules()
>>> rules.grade(Decimal("86.45")), rules.points["产出指标"], rules.band_of("基本完成").name
('良', Decimal('50'), '部分达成')
>>> rules.is_reverse("服务对象投诉率"), rules.is_reverse("投诉举报处置率")
(True, False)
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from ..errors import DataFileError, IndicatorNLPError, InputError
from ..text import normalize_text

__all__ = ["Band", "ScoringRules", "default_rules", "load_rules"]

_LE_METHODS = ("decay", "inverse")


@dataclasses.dataclass(frozen=True, slots=True)
class Band:
    """A qualitative completion band: its share of the weight (top and bottom, in %) and the words that name it."""

    name: str
    top: Decimal
    bottom: Decimal
    words: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class ScoringRules:
    """Everything ``score`` needs to know about how evaluators score; see ``data/scoring.toml`` for each field."""

    grades: tuple[tuple[str, Decimal], ...]
    """(grade, floor) from the highest floor down: 优 90, 良 80, 中 60, 差 0."""
    points: Mapping[str, Decimal]
    """The default points of each 一级 (and of 预算执行率)."""
    share: Mapping[str, str]
    """一级 that share another's points (成本指标 → 产出指标)."""
    sums: tuple[Decimal, ...]
    """What a table's 分值 may add up to."""
    budget_names: tuple[str, ...]
    total_lines: tuple[str, ...]
    weight_headers: tuple[str, ...]
    score_headers: tuple[str, ...]
    reason_headers: tuple[str, ...]
    bands: tuple[Band, ...]
    """In the order their words are tried (未达成, 部分达成, 达成)."""
    le: str
    """``decay`` or ``inverse``."""
    late_days: int
    tolerance: Decimal
    too_low: Decimal
    reverse_endings: tuple[str, ...]
    source: str = "data/scoring.toml"

    def grade(self, percent: Decimal) -> str:
        """The grade of a total out of 100."""
        return next((name for name, floor in self.grades if percent >= floor), self.grades[-1][0])

    def band_of(self, text: str) -> Band | None:
        """The band whose word the text holds (the most specific band first), or ``None``."""
        cleaned = _clean(text)
        for band in self.bands:
            if any(word in cleaned for word in band.words):
                return band
        return None

    def is_reverse(self, name: str) -> bool:
        """Lower is better for this indicator (事故率, 投诉率, 成本, 时长 …), read from the end of its name."""
        cleaned = _clean(name).rstrip(")）").split("(")[0].split("（")[0] or _clean(name)
        return cleaned.endswith(self.reverse_endings)


def _clean(text: str) -> str:
    return normalize_text(text).replace(" ", "")


@cache
def default_rules() -> ScoringRules:
    """The rules shipped in ``data/scoring.toml`` (read once)."""
    text = resources.files("indicatornlp").joinpath("data/scoring.toml").read_text("utf-8")
    return _rules(tomllib.loads(text), "data/scoring.toml", DataFileError)


def load_rules(path: str | os.PathLike[str]) -> ScoringRules:
    """Rules from a file of the form of ``data/scoring.toml`` (a bureau's own variant: ``le = "inverse"``,
    ``late_days = 30``).  Raises ``InputError`` naming the file and the key that is wrong."""
    shown = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as err:
        raise InputError(shown, f"cannot be read ({err.strerror})", hint="give a scoring rules file (.toml)") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(shown, f"is not TOML ({err})", hint="write it in the form of data/scoring.toml") from None
    return _rules(data, shown, InputError)


def _rules(data: Mapping[str, Any], source: str, error: type[DataFileError] | type[InputError]) -> ScoringRules:
    def fail(key: str, problem: str) -> Exception:
        return error(source, f"[{key}] {problem}", hint="write it in the form of data/scoring.toml")

    def number(key: str, value: Any) -> Decimal:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise fail(key, f"{value!r} is not a number") from None

    def strings(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail(key, "must be a list of words")
        return tuple(_clean(v) for v in value)

    try:
        weights, quantitative = data["weights"], data["quantitative"]
        grades = tuple((str(name), number("grades", floor)) for name, floor in data["grades"]["order"])
        band_table = data["bands"]
        bands = tuple(
            Band(
                name,
                number(f"bands.{name}", band_table[name]["top"]),
                number(f"bands.{name}", band_table[name]["bottom"]),
                strings(f"bands.{name}", band_table[name]["words"]),
            )
            for name in band_table["order"]
        )
        rules = ScoringRules(
            grades=tuple(sorted(grades, key=lambda g: g[1], reverse=True)),
            points={k: number("weights", v) for k, v in weights["points"].items()},
            share=dict(weights.get("share", {})),
            sums=tuple(number("weights", v) for v in weights["sums"]),
            budget_names=strings("budget", data["budget"]["names"]),
            total_lines=strings("lines", data["lines"]["total"]),
            weight_headers=strings("columns", data["columns"]["weight"]),
            score_headers=strings("columns", data["columns"]["score"]),
            reason_headers=strings("columns", data["columns"]["reason"]),
            bands=bands,
            le=str(quantitative["le"]),
            late_days=int(quantitative["late_days"]),
            tolerance=number("quantitative", quantitative["tolerance"]),
            too_low=number("quantitative", quantitative["too_low"]),
            reverse_endings=strings("reverse", data["reverse"]["endings"]),
            source=source,
        )
    except IndicatorNLPError:
        raise  # an InputError is a TypeError too: let the precise message through
    except (KeyError, TypeError, ValueError) as err:
        raise fail("…", f"a key is missing or of the wrong kind ({err})") from None
    if rules.le not in _LE_METHODS:
        raise fail("quantitative", f"le = {rules.le!r}: use one of {', '.join(_LE_METHODS)}")
    if not rules.grades or rules.grades[-1][1] != 0:
        raise fail("grades", "the lowest grade must have floor 0")
    for band in rules.bands:
        if not Decimal(0) <= band.bottom <= band.top <= Decimal(100):
            raise fail(f"bands.{band.name}", "needs 0 ≤ bottom ≤ top ≤ 100")
    return rules
