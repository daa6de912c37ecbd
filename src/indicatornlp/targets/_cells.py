"""What a target cell looks like: ``is_target_cell`` (the one test the readers use) and ``split_indicator``."""

from __future__ import annotations

import re
from functools import cache

from ..records import TargetKind
from ..text import bounded_cache, normalize_text
from ._grammar import _CJK, _TRAILING, _grammar
from ._numbers import _unit
from ._vocabulary import vocabulary

__all__ = ["is_target_cell", "is_unit", "split_indicator"]

_NAMED = re.compile(rf"[{_CJK}A-Za-z]")
_SPACE = re.compile(r"\s+")
_TAIL = 800
"""The longest text after a split point that is tried as a target (``parse_target`` reads 200 characters, after
white space is folded)."""


@cache
def _comparator_start() -> re.Pattern[str]:
    """Where a target may start inside a name written without a space: a comparator symbol or word."""
    words = [w for w in vocabulary().comparators if len(w) > 1 or not ("\u4e00" <= w <= "\u9fff")]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@bounded_cache(65536)
def is_target_cell(text: str, *, subject: bool = True) -> bool:
    """A cell that reads as a target value (年度指标值) rather than an indicator name.

    A target is a number, a deadline, a quality or direction word, or a template placeholder; a quantity inside a
    phrase ("至少全年完成2次宣传") is more name than target.  ``subject=False`` is for text without cell boundaries,
    where the words before a quality word may be the end of a name: only the bare words count ("完成", not
    "项目完成", which is also the start of the label 项目完成指标).

    >>> [is_target_cell(t) for t in ("≥95%", "=3 次", "及时", "提升", "2022年11月30日前", "全覆盖", "-")]
    [True, True, True, True, True, True, True]
    >>> [is_target_cell(t) for t in ("党组织特色活动", "群众满意度", "人才政策知晓率", "至少全年完成2次宣传")]
    [False, False, False, False]
    >>> is_target_cell("效果明显"), is_target_cell("项目完成", subject=False)
    (True, False)
    """
    from . import parse_target  # the package's cached parser (the package imports this module)

    t = parse_target(text)
    if "with_text" in t.flags:  # a quantity inside a phrase: the phrase is more name than target
        return False
    if t.kind is TargetKind.EMPTY:
        return "placeholder" in t.flags
    if t.kind is TargetKind.TEXT:
        return False
    if subject or (t.kind not in (TargetKind.QUALITATIVE, TargetKind.DIRECTION) and "implied_value" not in t.flags):
        return True
    g = _grammar()
    words = normalize_text(text).rstrip(_TRAILING)
    m = g.words.fullmatch(words)
    return words in g.vocab.alone or (m is not None and not m["subject"])


def is_unit(text: str) -> bool:
    """A unit as written after a number (``次`` in ``=3 次``, ``万元``, ``元/人``).

    >>> is_unit("次"), is_unit("元/人"), is_unit("满意度")
    (True, True, False)
    """
    return _unit(normalize_text(text), vocabulary()) is not None


@bounded_cache(65536)
def split_indicator(text: str) -> tuple[str, str]:
    """Split a name written with its target: at the first space, or comparator, where a target starts.

    A space starts a target when what follows parses as one (a number, a deadline, a quality or a direction word);
    a comparator (``≥``, ``不低于``) does when what follows it is a number, a deadline or a placeholder.  The
    part before must hold a name (a Chinese or Latin letter).

    >>> split_indicator("群众满意度 >=95%")
    ('群众满意度', '>=95%')
    >>> split_indicator("培训人次≥100人次")
    ('培训人次', '≥100人次')
    >>> split_indicator("党务工作能力 提升")
    ('党务工作能力', '提升')
    >>> split_indicator("服务对象满 意度")
    ('服务对象满 意度', '')
    """
    from . import parse_target

    stripped = text.strip()
    named = _NAMED.search(stripped)
    if named is None:
        return stripped, ""
    first, size = named.start(), len(stripped)  # a head holds a name when it goes past the first letter
    # a tail longer than _TAIL is free text, never a target: trying each would read the text once per space
    for m in _SPACE.finditer(stripped, first + 1, size):
        if size - m.end() <= _TAIL and is_target_cell(stripped[m.end() :]):
            return stripped[: m.start()], stripped[m.end() :]
    for m in _comparator_start().finditer(stripped, max(first + 1, size - _TAIL), size):
        head, tail = stripped[: m.start()], stripped[m.start() :]
        t = parse_target(tail)
        if "with_text" not in t.flags and (
            t.kind in (TargetKind.NUMERIC, TargetKind.DEADLINE) or "placeholder" in t.flags
        ):
            return head.rstrip(), tail
    return stripped, ""
