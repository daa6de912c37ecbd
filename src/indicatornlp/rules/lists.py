"""What the rules read from ``data/audit.toml``: word lists, limits, and the categories they name.

The categories of its ``[categories]`` table are checked against the taxonomy when the file is first read, so
that a renamed category fails loudly instead of never matching again.

>>> category("cost"), sorted(categories("numeric"))
('成本指标', ['数量指标', '服务对象满意度指标', '经济成本指标'])
>>> words("satisfaction_words")
('满意', '认可', '认同')
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from ..taxonomy import default_taxonomy

__all__ = ["categories", "category", "number", "words"]


@cache
def _table() -> dict[str, Any]:
    data = tomllib.loads(resources.files("indicatornlp").joinpath("data/audit.toml").read_text("utf-8"))
    check_categories(data.get("categories", {}))
    return data


def check_categories(table: Mapping[str, str | list[str]]) -> None:
    """Raise ``ValueError`` for a name in ``[categories]`` that is no 一级 or 二级 of the taxonomy."""
    taxonomy = default_taxonomy()
    known = {*taxonomy.level1_names, *taxonomy.level2_names}
    for role, value in table.items():
        for name in [value] if isinstance(value, str) else value:
            if name not in known:
                raise ValueError(
                    f"data/audit.toml, [categories] {role}: {name!r} is not a category of data/taxonomy.toml"
                    " — use the canonical 一级/二级 name"
                )


@cache
def words(key: str) -> tuple[str, ...]:
    """A word list of ``audit.toml``, in file order."""
    return tuple(_table()[key])


def number(key: str) -> int:
    """A limit of ``audit.toml`` (``max_name_length``)."""
    return int(_table()[key])


def category(role: str) -> str:
    """The one category named ``role`` in ``[categories]`` (``category("cost")`` is the 一级 成本指标)."""
    name = _table()["categories"][role]
    assert isinstance(name, str), f"[categories] {role} is a list: use categories()"
    return name


@cache
def categories(role: str) -> frozenset[str]:
    """The categories listed as ``role`` in ``[categories]``."""
    return frozenset(_table()["categories"][role])
