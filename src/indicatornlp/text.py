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

import re
import unicodedata
from functools import lru_cache

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
# white space with a CJK character (or CJK punctuation) on either side carries no meaning
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")

_NUMBERING = re.compile(
    r"""^\s*(?:
        [一二三四五六七八九十]+\s*[、.．]             # 一、  二.
      | [(（]\s*[一二三四五六七八九十\d]+\s*[)）]\s*[、.．]?  # （一） (1)
      | \d+\s*[、.．)）](?!\d)                      # 1.  1、  1)
      | [①-⑳]                                       # ①
    )\s*""",
    re.VERBOSE,
)


@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """NFKC, comparator symbols unified, spaces and line breaks next to Chinese removed, others folded.

    Idempotent: ``normalize_text(normalize_text(s)) == normalize_text(s)``.
    """
    text = unicodedata.normalize("NFKC", text).translate(_SYMBOLS)
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return _SPACES.sub(" ", text).strip()


def strip_numbering(text: str) -> str:
    """Remove leading list numbering (``一、``, ``（1）``, ``1.``, ``①``) from normalized text."""
    previous = None
    while previous != text:
        previous = text
        text = _NUMBERING.sub("", text, count=1)
    return text


def strip_decoration(text: str, decoration: re.Pattern[str], edges: str | None = None) -> str:
    """``normalize_text``, then row numbering and ``decoration`` removed and ``edges`` stripped until stable.

    >>> strip_decoration("（1）★群众满意度。", re.compile("^★"), " 。")
    '群众满意度'
    """
    text = normalize_text(text)
    previous = None
    while previous != text:
        previous = text
        text = decoration.sub("", strip_numbering(text)).strip(edges)
    return text


def is_cjk(char: str) -> bool:
    """True for a Chinese (or other CJK) character."""
    return bool(re.match(f"[{_CJK}]", char))


_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds to one space


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """The character ``low``–``high``-grams of ``text``, runs of white space folded to one space, in the order
    scikit-learn's ``analyzer="char"`` gives them (shorter n-grams first).

    >>> char_ngrams("满意度", 1, 2)
    ['满', '意', '度', '满意', '意度']
    """
    text = _WHITE_SPACES.sub(" ", text)
    return [text[i : i + n] for n in range(low, min(high, len(text)) + 1) for i in range(len(text) - n + 1)]
