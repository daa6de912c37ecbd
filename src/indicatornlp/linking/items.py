"""Read what a caller gives ``link`` into items: one name, its cleaned key, 二级, parsed target and source each.

``link`` takes every form of ``indicatornlp.inputs`` (``"群众满意度 ≥95%"``, mappings with English or Chinese keys,
``Indicator`` or ``Normalized`` records …); ``_item`` reads one, ``_prepare`` a sequence (with the
positions skipped for a placeholder name).

>>> items, skipped = _prepare(["群众满意度 ≥95%", {"三级指标": "XX"}])
>>> items[0].key, items[0].target.unit, skipped
('群众满意度', '%', [1])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..inputs import read_input
from ..records import Target
from ..targets import parse_target
from ..taxonomy import canonical_category
from ..text import bounded_cache
from .scoring import clean_name, is_placeholder_name


@dataclasses.dataclass(frozen=True, slots=True)
class _Item:
    """One indicator as ``link`` sees it (``key``: the name cleaned by ``clean_name``)."""

    name: str
    key: str
    level2: str | None
    target: Target | None
    source: str | None


@bounded_cache(1 << 16)
def _parse(raw: str) -> Target | None:
    return parse_target(raw) if raw.strip() else None


@bounded_cache(4096, longest=128)
def _level2_of(level1: str | None, level2: str | None) -> str | None:
    if not level1 and not level2:
        return None
    category = canonical_category(level1, level2)
    return category.level2 if category is not None else None


def _item(position: int, value: object) -> _Item:
    """The item of ``value``, the ``position``-th input (named in the ``InputError`` of a form no one reads)."""
    given = read_input(value, position=position, action="link")
    if given.record is not None:  # a Normalized: its resolved 二级 and its target parsed in context
        record = given.record
        name = record.name or record.raw
        return _Item(name, clean_name(name), record.level2, record.target, record.source)
    source = given.position.path if given.position is not None else given.source
    level2 = _level2_of(given.level1, given.level2)
    return _Item(given.name, clean_name(given.name), level2, _parse(given.target), source)


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
