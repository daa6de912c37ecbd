"""Normalize the text of one table cell: width, symbols, spaces and PDF line breaks.

>>> normalize_text("服务对象满\\n意度指标")
'服务对象满意度指标'
>>> normalize_text("＞＝９５％")
'>=95%'
>>> normalize_text(" 产 出 指 标 ")
'产出指标'
>>> strip_numbering("（一）数量指标")
'数量指标'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def bounded_cache(maxsize: int, *, longest: int = 256) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``functools.lru_cache`` that keeps only calls whose ``str`` arguments are all at most ``longest`` characters.

    Longer calls are computed and not kept, so a cache holds at most ``maxsize × longest`` characters of keys
    (and results of the same order): bounded in bytes, not only in entries.  A cell of a hostile file (1 MB of
    text) is never held; the short names and targets that repeat are.  ``cache_clear`` and ``cache_info`` work
    as on ``lru_cache``.

    >>> @bounded_cache(16, longest=4)
    ... def shout(text: str) -> str:
    ...     return text.upper()
    >>> shout("abc"), shout("abcdef"), shout.cache_info().currsize
    ('ABC', 'ABCDEF', 1)
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        cached: Any = functools.lru_cache(maxsize=maxsize)(func)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for value in (*args, *kwargs.values()):
                if isinstance(value, str) and len(value) > longest:
                    return func(*args, **kwargs)
            result: R = cached(*args, **kwargs)
            return result

        held: Any = wrapper
        held.cache_clear, held.cache_info = cached.cache_clear, cached.cache_info
        return wrapper

    return decorate


# symbols that NFKC leaves alone but filers use for the comparators of budget systems
_SYMBOLS = str.maketrans(
    {
        "≧": "≥",
        "≦": "≤",
        "═": "=",
        "‹": "<",
        "›": ">",
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,  # byte-order mark
        "\u00ad": None,  # soft hyphen
    }
)

_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACES = re.compile(r"\s+")

_NUMBERING = re.compile(
    r"""^(?:\s*(?:
        [一二三四五六七八九十]+\s*[、.．]             # 一、  二.
      | [(（]\s*[一二三四五六七八九十\d]+\s*[)）]\s*[、.．]?  # （一） (1)
      | \d+\s*[、.．)）](?!\d)                      # 1.  1、  1)
      | [①-⑳]                                       # ①
    )\s*)+""",  # one match for every layer (一、1.): a loop of subs would rescan the text once per layer
    re.VERBOSE,
)
STRIP_PASSES = 8
"""Rounds of decoration stripping: real labels have two or three layers; a bound keeps hostile text linear."""


@bounded_cache(65536)
def normalize_text(text: str) -> str:
    """NFKC, comparator symbols unified, spaces and line breaks next to Chinese removed, others folded.

    Idempotent: ``normalize_text(normalize_text(s)) == normalize_text(s)``.
    """
    text = unicodedata.normalize("NFKC", text).translate(_SYMBOLS)
    return _SPACES.sub(lambda m: _fold_space(text, m.start(), m.end()), text).strip()


def _fold_space(text: str, start: int, end: int) -> str:
    """A run of white space: gone when a CJK character (or CJK punctuation) is on either side, else one space.

    One pass over the runs (a lookahead after ``\\s+`` would rescan a long run from each of its positions).
    """
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if _CJK_CHAR.match(before) or _CJK_CHAR.match(after) else " "


def strip_numbering(text: str) -> str:
    """Remove leading list numbering (``一、``, ``（1）``, ``1.``, ``①``) from normalized text."""
    return _NUMBERING.sub("", text, count=1)


def strip_decoration(text: str, decoration: re.Pattern[str], edges: str | None = None) -> str:
    """``normalize_text``, then row numbering and ``decoration`` removed and ``edges`` stripped until stable.

    >>> strip_decoration("（1）★群众满意度。", re.compile("^★"), " 。")
    '群众满意度'
    """
    text = normalize_text(text)
    for _ in range(STRIP_PASSES):
        previous = text
        text = decoration.sub("", strip_numbering(text)).strip(edges)
        if text == previous:
            break
    return text


def is_cjk(char: str) -> bool:
    """True for a Chinese (or other CJK) character."""
    return bool(_CJK_CHAR.match(char))


_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds to one space


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """The character ``low``–``high``-grams of ``text``, runs of white space folded to one space, in the order
    scikit-learn's ``analyzer="char"`` gives them (shorter n-grams first).

    >>> char_ngrams("满意度", 1, 2)
    ['满', '意', '度', '满意', '意度']
    """
    text = _WHITE_SPACES.sub(" ", text)
    return [text[i : i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]
