"""Read what a caller gives ``link`` into items: one name, its cleaned key, 二级, parsed target, source, and the
family and concept the concept dictionary reads it as (``concepts.tag_concept`` of the name, target and project).

``link`` takes every form of ``indicatornlp.inputs`` (``"群众满意度 ≥95%"``, mappings with English or Chinese keys,
``Indicator`` or ``Normalized`` records …); ``_item`` reads one, ``_prepare`` a sequence (with the
positions skipped for a placeholder name).

>>> items, skipped = _prepare(["群众满意度 ≥95%", {"三级指标": "XX"}])
>>> items[0].key, items[0].target.unit, items[0].family, skipped
('群众满意度', '%', 'satisfaction.public', [1])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..concepts import object_phrase, tag_concept
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
    family: str | None = None
    """The family the concept dictionary reads the row as (``None``: no measure known)."""
    concept: str | None = None
    """Its concept id (``None``: no object class known)."""
    form: str | None = None
    """The target form (a unit written in the name counts: ``新建道路(公里)`` is a length)."""
    phrase: str = ""
    """What it measures its measure on (``concepts.object_phrase``): rows of one family are compared by it."""


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
    if given.record is not None:  # a Normalized: its resolved 二级, its target parsed in context, its concept
        record = given.record
        name = record.name or record.raw
        form = tag_concept(name, record.target.raw).form
        phrase = object_phrase(name, record.target.raw)
        return _Item(
            name,
            clean_name(name),
            record.level2,
            record.target,
            record.source,
            record.family,
            record.concept,
            form,
            phrase,
        )
    source = given.position.path if given.position is not None else given.source
    level2 = _level2_of(given.level1, given.level2)
    concept = tag_concept(given.name, given.target, given.project)
    item = _Item(given.name, clean_name(given.name), level2, _parse(given.target), source)
    phrase = object_phrase(given.name, given.target, given.project)
    return dataclasses.replace(item, family=concept.family, concept=concept.concept, form=concept.form, phrase=phrase)


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
