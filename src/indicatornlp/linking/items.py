"""Read what a caller gives ``link`` into items: one name, its cleaned key, 二级, parsed target and source each.

``link`` takes strings (``"群众满意度 ≥95%"``), mappings with English or Chinese keys (those of
``readers.rows``), ``Indicator`` or ``Normalized`` records; ``_item`` reads one, ``_prepare`` a sequence (with the
positions skipped for a placeholder name).

>>> items, skipped = _prepare(["群众满意度 ≥95%", {"三级指标": "XX"}])
>>> items[0].key, items[0].target.unit, skipped
('群众满意度', '%', [1])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import lru_cache

from ..readers.rows import LEVEL1_KEYS, LEVEL2_KEYS, NAME_KEYS, SOURCE_KEYS, TARGET_KEYS, first_value
from ..records import Indicator, Normalized, Target
from ..targets import parse_target, split_indicator
from ..taxonomy import canonical_category
from .scoring import clean_name, is_placeholder_name


@dataclasses.dataclass(frozen=True, slots=True)
class _Item:
    """One indicator as ``link`` sees it (``key``: the name cleaned by ``clean_name``)."""

    name: str
    key: str
    level2: str | None
    target: Target | None
    source: str | None


@lru_cache(maxsize=1 << 18)
def _parse(raw: str) -> Target | None:
    return parse_target(raw) if raw.strip() else None


@lru_cache(maxsize=4096)
def _level2_of(level1: str | None, level2: str | None) -> str | None:
    if not level1 and not level2:
        return None
    category = canonical_category(level1, level2)
    return category.level2 if category is not None else None


def _item(position: int, value: object) -> _Item:
    """The item of ``value``, the ``position``-th input (named in the ``TypeError`` for another type)."""
    if isinstance(value, Normalized):
        key = clean_name(value.name or value.raw)
        return _Item(value.name or value.raw, key, value.level2, value.target, value.source)
    if isinstance(value, Indicator):
        source = value.position.path if value.position is not None else None
        target = _parse(value.target_raw)
        return _Item(value.name, clean_name(value.name), _level2_of(value.level1_raw, value.level2_raw), target, source)
    if isinstance(value, str):
        name, raw_target = split_indicator(value)
        return _Item(name, clean_name(name), None, _parse(raw_target), None)
    if isinstance(value, Mapping):
        name = first_value(value, NAME_KEYS) or ""
        raw_target = first_value(value, TARGET_KEYS) or ""
        if raw_target == "" and " " in name.strip():
            name, raw_target = split_indicator(name)
        level2 = _level2_of(first_value(value, LEVEL1_KEYS), first_value(value, LEVEL2_KEYS))
        return _Item(name, clean_name(name), level2, _parse(raw_target), first_value(value, SOURCE_KEYS))
    raise TypeError(
        f"link() takes strings, mappings, Indicator or Normalized records; item {position} is {type(value).__name__}"
    )


def _prepare(indicators: Iterable[object]) -> tuple[list[_Item | None], list[int]]:
    """The items to link (``None`` where skipped) and the skipped positions."""
    items: list[_Item | None] = []
    skipped: list[int] = []
    for position, value in enumerate(indicators):
        item = _item(position, value)
        if is_placeholder_name(item.name):
            items.append(None)
            skipped.append(position)
        else:
            items.append(item)
    return items, skipped
