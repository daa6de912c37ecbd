"""The standard 一级/二级 taxonomy and the mapping of filed labels onto it (data in ``data/taxonomy.toml``).

>>> canonical_category("产出指\\n标", "（一）数量指标")
Category(level1='产出指标', level2='数量指标', legacy=False)
>>> canonical_category("产出指标", "成本指标")
Category(level1='成本指标', level2='经济成本指标', legacy=True)
>>> canonical_category(None, "服务对象满 意度指标")
Category(level1='满意度指标', level2='服务对象满意度指标', legacy=False)
>>> canonical_category("满意度指标", "服务对象")  # a 二级 label broken across the two cells
Category(level1='满意度指标', level2='服务对象满意度指标', legacy=False)
>>> canonical_category("过程指标", "资金管理") is None
True
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from .records import Category
from .text import STRIP_PASSES, bounded_cache, normalize_text, strip_numbering

_DECORATION = re.compile(
    r"""
      [(\[【][^()\[\]【】]*[)\]】]  # (50分)  (必填硬性指标)  【一】 (innermost first: no rescans)
    | (?<![\d.])\d+(?:\.\d+)?分$    # 产出指标50分 (from the first digit only)
    | (?<=指标)分$                 # 成本指标(0-20)分, once the brackets are gone
    | ^[:：\-—·•*]+ | (?<![:：\-—·•*])[:：\-—·•*]+$  # stray punctuation at either end (a run once)
    """,
    re.VERBOSE,
)


def clean_label(text: str) -> str:
    """A filed 一级/二级 label with width, spaces, numbering and decorations removed.

    >>> clean_label("产 出 指 标(50分)")
    '产出指标'
    """
    text = normalize_text(text).replace(" ", "")
    for _ in range(STRIP_PASSES):
        previous = text
        text = _DECORATION.sub("", strip_numbering(text))
        if text == previous:
            break
    return text


def _stem(label: str) -> str:
    return label[:-2] if label.endswith("指标") and len(label) > 2 else label


@dataclasses.dataclass(frozen=True, eq=False)
class Taxonomy:
    """The canonical table with its aliases, read from a TOML file."""

    version: str
    categories: tuple[Category, ...]
    definitions: dict[str, str]
    _level1: dict[str, tuple[str, bool]]
    _level2: dict[str, tuple[str, str, bool]]
    _not_categories: frozenset[str]

    @classmethod
    def from_toml(cls, path: str | Path | None = None) -> Taxonomy:
        """Read a taxonomy file (``None``: the one shipped with the package)."""
        if path is None:
            raw = resources.files("indicatornlp").joinpath("data/taxonomy.toml").read_text("utf-8")
        else:
            raw = Path(path).read_text("utf-8")
        data = tomllib.loads(raw)
        categories = tuple(Category(c["level1"], c["level2"]) for c in data["category"])
        level1: dict[str, tuple[str, bool]] = {}
        level2: dict[str, tuple[str, str, bool]] = {}
        for c in categories:
            level1[_stem(c.level1)] = (c.level1, False)
            assert c.level2 is not None
            level2[_stem(c.level2)] = (c.level1, c.level2, False)
        for a in data.get("level1_alias", []):
            level1.setdefault(_stem(clean_label(a["alias"])), (a["canonical"], bool(a["legacy"])))
        for a in data.get("level2_alias", []):
            level2.setdefault(_stem(clean_label(a["alias"])), (a["level1"], a["level2"], bool(a["legacy"])))
        not_categories = frozenset(_stem(clean_label(x)) for x in data.get("not_categories", []))
        definitions = {c["level2"]: c.get("definition", "") for c in data["category"]}
        return cls(data["version"], categories, definitions, level1, level2, not_categories)

    @property
    def level1_names(self) -> tuple[str, ...]:
        """The canonical 一级 names in table order."""
        return tuple(dict.fromkeys(c.level1 for c in self.categories))

    @property
    def level2_names(self) -> tuple[str, ...]:
        """The canonical 二级 names in table order."""
        return tuple(c.level2 for c in self.categories if c.level2)

    def parent(self, level2: str) -> str:
        """The 一级 of a canonical 二级 (``KeyError`` for an unknown one)."""
        for c in self.categories:
            if c.level2 == level2:
                return c.level1
        raise KeyError(level2)

    def is_canonical(self, level1: str | None, level2: str | None) -> bool:
        """True when the pair is a row of the canonical table."""
        return any(c.level1 == level1 and c.level2 == level2 for c in self.categories)

    def _lookup1(self, label: str) -> tuple[str, bool] | None:
        key = _stem(clean_label(label))
        if not key or key in self._not_categories:
            return None
        if key in self._level1:
            return self._level1[key]
        found = _longest_inside(key, self._level1)
        return self._level1[found] if found else None

    def _lookup2(self, label: str) -> tuple[str, str, bool] | None:
        key = _stem(clean_label(label))
        if not key or key in self._not_categories:
            return None
        if key in self._level2:
            return self._level2[key]
        found = _longest_inside(key, self._level2)
        return self._level2[found] if found else None

    def _joined(self, level1: str, level2: str) -> tuple[str, str, bool] | None:
        """A 二级 label broken across the two cells ("满意度指标" + "服务对象"): the two joined, in either order, are
        exactly a known 二级 label (not merely one found inside, which many pairs would hold)."""
        first, second = clean_label(level1), clean_label(level2)
        for joined in (_stem(second + first), _stem(first + second)):
            if joined in self._level2 and joined not in self._not_categories:
                return self._level2[joined]
        return None

    @bounded_cache(4096, longest=128)  # taxonomies are few and live as long as the process
    def canonical(self, level1: str | None, level2: str | None) -> Category | None:
        """See ``canonical_category``."""
        one = self._lookup1(level1) if level1 else None
        two = self._lookup2(level2) if level2 else None
        if level1 and level2 and (one is None or two is None):
            joined = self._joined(level1, level2)
            if joined is not None:
                return Category(joined[0], joined[1], joined[2])
        if two is None:
            if one is None and level2:
                one = self._lookup1(level2)  # a 一级 label filed in the 二级 column
            if one is None:
                return None
            return Category(one[0], None, one[1])
        parent, child, legacy = two
        if one is not None:
            legacy = legacy or one[1] or one[0] != parent
        return Category(parent, child, legacy)


def _longest_inside(key: str, table: Mapping[str, object]) -> str | None:
    """The longest known label that stands inside ``key`` ("产出数量指标" holds "数量")."""
    best: str | None = None
    for known in table:
        if len(known) >= 2 and known in key and (best is None or len(known) > len(best)):
            best = known
    return best


@cache
def default_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package."""
    return Taxonomy.from_toml()


def canonical_category(level1: str | None, level2: str | None) -> Category | None:
    """Map a filed 一级/二级 pair onto the canonical taxonomy; ``None`` when it is no indicator category.

    Survives PDF breaks ("产出指\\n标"), numbering ("一、", "（1）"), decorations ("(50分)"), spaces and
    full-width forms, and a 二级 label broken across the two cells ("满意度指标", "服务对象"); a 二级 given
    without 一级 gets its 一级 from the table.  ``legacy`` is true when the
    filing used an older or local name or layout.
    """
    return default_taxonomy().canonical(level1, level2)
