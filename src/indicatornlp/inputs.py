"""One reader of caller input: ``normalize``, ``link``, ``Model.predict`` and ``tag`` accept the same forms.

An indicator may be given as

- a name (``"群众满意度"``) or a name with its target (``"群众满意度 >=95%"``, split by ``split_indicator``);
- a ``(name, target)`` pair;
- a mapping with English keys (``name``, ``target``, ``level1``, ``level2``, ``id``, ``source``, ``year``) or the
  filing's Chinese headers (``三级指标``/``指标名称``, ``年度指标值``/``指标值``, ``一级指标``, ``二级指标``);
- a record: an ``Indicator``, a ``Normalized`` or an annotated ``Example`` (anything with ``name`` and
  ``target_raw``).

Empty cells (``None``, ``""``, a data frame's NaN) count as absent.  Anything else raises ``InputError`` (a
``TypeError`` and a ``ValueError`` too) naming the item and the field.

>>> read_input({"指标名称": "群众满意度", "指标值": "≥95%", "一级指标": "满意度指标"})[:4]
('群众满意度', '≥95%', '满意度指标', None)
>>> read_input("培训人次 ≥100人次").target
'≥100人次'
>>> read_input(("培训人次", "≥100人次")) == read_input("培训人次 ≥100人次")
True
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from .errors import InputError
from .records import Normalized, Position, Target
from .targets import split_indicator

__all__ = ["FIELDS", "Item", "field_value", "read_input", "read_paths"]

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "三级指标", "指标名称", "三级指标名称", "l3"),
    "target": ("target", "target_raw", "年度指标值", "指标值", "目标值"),
    "level1": ("level1", "level1_raw", "l1_raw", "一级指标"),
    "level2": ("level2", "level2_raw", "l2_raw", "二级指标"),
    "id": ("id",),
    "source": ("source", "source_url", "path", "file"),
    "year": ("year", "年度"),
    "project": ("project", "项目名称"),
}
"""The keys of a mapping that give each field, in order of preference (English first, then the filing's headers)."""

_FORMS = (
    "give a name, 'name target', a (name, target) pair, a mapping with 'name'/'三级指标'/'指标名称' "
    "(and 'target'/'年度指标值', 'level1'/'一级指标', 'level2'/'二级指标'), an Indicator or a Normalized"
)


class Item(NamedTuple):
    """One indicator as the caller gave it: raw text, nothing cleaned or parsed."""

    name: str
    target: str
    level1: str | None = None
    level2: str | None = None
    year: int | None = None
    id: str | None = None
    source: str | None = None
    position: Position | None = None
    """Where an ``Indicator`` sits in its filing."""
    record: Normalized | None = None
    """The ``Normalized`` record given, for callers that reuse what it already knows."""
    project: str | None = None
    """项目名称: context for what a placeholder name (项目, 工程) or a generic satisfaction measures."""


def _text(value: object) -> str | None:
    """A cell as text; ``None`` for an empty one (``None``, ``""``, NaN)."""
    if value is None:
        return None
    if isinstance(value, Target):
        return value.raw or None
    if isinstance(value, float) and value != value:  # NaN from a data frame
        return None
    text = value if isinstance(value, str) else str(value)
    return text or None


def field_value(mapping: Mapping[Any, Any], field: str | tuple[str, ...]) -> str | None:
    """The text of the first key of ``field`` (a name in ``FIELDS``, or the keys themselves) with a value.

    >>> field_value({"name": "", "三级指标": "群众满意度"}, "name")
    '群众满意度'
    >>> field_value({"项目名称": "党建工作"}, ("project", "项目名称"))
    '党建工作'
    """
    for key in FIELDS[field] if isinstance(field, str) else field:
        if (text := _text(mapping.get(key))) is not None:
            return text
    return None


def _year(value: object, where: str | None) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InputError(where, f"year must be an integer, not {value!r}", hint="give the budget year as 2023")


def _where(position: int | None) -> str | None:
    return f"item {position}" if position is not None else None


def read_input(
    item: object,
    *,
    target: object = None,
    level1: str | None = None,
    level2: str | None = None,
    year: int | None = None,
    position: int | None = None,
    action: str = "read",
) -> Item:
    """Read one indicator in any accepted form (see the module docstring); keyword arguments override the item.

    ``position`` (the item's place in the caller's sequence) and ``action`` (``normalize``, ``link`` …) only shape
    the error message.

    >>> read_input("群众满意度", target="≥95%").target
    '≥95%'
    >>> read_input(42, position=1, action="link")
    Traceback (most recent call last):
    ...
    indicatornlp.errors.InputError: [E010] item 1: cannot link a int — give a name, 'name target', ...
    """
    if isinstance(item, Item):  # already read (normalize_filings gives items with their project)
        return item._replace(
            target=_text(target) or "" if target is not None else item.target,
            level1=level1 if level1 is not None else item.level1,
            level2=level2 if level2 is not None else item.level2,
            year=year if year is not None else item.year,
        )
    where = _where(position)
    given_year: object = None
    ident = source = stated_level1 = stated_level2 = project = None
    place: Position | None = None
    record: Normalized | None = None
    if isinstance(item, str):
        name, stated = (item, None) if target is not None else split_indicator(item)
    elif isinstance(item, Normalized):
        name, stated, record = item.raw, item.target.raw, item
        stated_level1, stated_level2 = item.filed_level1, item.filed_level2
        ident, source = item.id, item.source
    elif isinstance(item, Mapping):
        found = field_value(item, "name")
        if found is None and not any(key in item for key in FIELDS["name"]):
            keys = ", ".join(sorted(map(str, item))) or "no keys"
            raise InputError(where, f"a mapping to {action} needs 'name' or '三级指标'; it has {keys}", hint=_FORMS)
        name, stated = found or "", field_value(item, "target")
        if stated is None and target is None:
            name, stated = split_indicator(name)
        stated_level1, stated_level2 = field_value(item, "level1"), field_value(item, "level2")
        ident, source, given_year = (
            field_value(item, "id"),
            field_value(item, "source"),
            item.get("year", item.get("年度")),
        )
        project = field_value(item, "project")
    elif isinstance(item, tuple) and len(item) == 2:
        name, stated = _text(item[0]) or "", _text(item[1])
    elif isinstance(getattr(item, "name", None), str) and hasattr(item, "target_raw"):  # Indicator, Example
        name, stated = item.name, _text(item.target_raw)  # type: ignore[attr-defined]
        stated_level1 = _text(getattr(item, "level1_raw", None))
        stated_level2 = _text(getattr(item, "level2_raw", None))
        place = getattr(item, "position", None)
        source = str(place) if place is not None else _text(getattr(item, "source", None))
        ident, given_year = _text(getattr(item, "id", None)), getattr(item, "year", None)
        project = _text(getattr(item, "project", None))
    else:
        raise InputError(where, f"cannot {action} a {type(item).__name__}", hint=_FORMS)
    if target is not None:
        stated = _text(target)
    return Item(
        name=name,
        target=stated or "",
        level1=level1 if level1 is not None else stated_level1,
        level2=level2 if level2 is not None else stated_level2,
        year=year if year is not None else _year(given_year, where),
        id=ident,
        source=source,
        position=place,
        record=record,
        project=project,
    )


def read_paths(value: object, *, action: str, many: bool = True) -> list[str | os.PathLike[str]]:
    """The paths a caller gave to ``action``: one path, or (``many``) an iterable of them; anything else is an
    ``InputError`` saying what was given.

    >>> read_paths("data/filings", action="tag")
    ['data/filings']
    >>> read_paths(3, action="tag")
    Traceback (most recent call last):
    indicatornlp.errors.InputError: [E010] tag(): takes a path or a list of paths, not int — ...
    """
    hint = f'e.g. {action}("data/filings") or {action}("data/*.xlsx")'
    if isinstance(value, str | os.PathLike):
        return [value]
    if many and isinstance(value, Iterable) and not isinstance(value, bytes | bytearray | Mapping):
        given = list(value)
        for i, path in enumerate(given, 1):
            if not isinstance(path, str | os.PathLike):
                raise InputError(f"{action}()", f"item {i} is a {type(path).__name__}, not a path", hint=hint)
        return given
    wanted = "a path or a list of paths" if many else "a path"
    raise InputError(f"{action}()", f"takes {wanted}, not {type(value).__name__}", hint=hint)
