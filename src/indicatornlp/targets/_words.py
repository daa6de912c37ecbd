"""Values without a number of their own: quality and direction words, placeholders, a unit alone, a phrase.

>>> from ._grammar import _grammar
>>> _read_words("及时、满意", "及时、满意", _grammar()).label
'及时、满意'
"""

from __future__ import annotations

import dataclasses
import re

from ..records import Comparator, Target, TargetKind
from ._grammar import _CJK, _Grammar
from ._numbers import _read_numeric, _unit
from ._record import _target

_K = TargetKind


def _read_placeholder(raw: str, s: str, g: _Grammar) -> Target | None:
    if "*" in s and any(ch in s for ch in "年月日"):
        # a date template: (**月**日前)
        if re.fullmatch(r"[\d*年月日号底前之以]+", s):
            return _target(raw, _K.EMPTY, {"placeholder"}, comparator=Comparator.LE if "前" in s else None)
        return None
    m = g.placeholder.fullmatch(s)
    if m is None:
        return None
    unit = _unit(m["unit"], g.vocab) if m["unit"] else None
    if m["unit"] and unit is None:
        return None
    comparator = g.vocab.comparators.get(m["cmp"]) if m["cmp"] else None
    if m["cmp"] and comparator is None:
        return None  # two symbols that make no comparator: <<
    canonical = unit[0].canonical if unit is not None else None
    return _target(raw, _K.EMPTY, {"placeholder"}, comparator=comparator, unit=canonical)


def _read_unit_only(raw: str, s: str, g: _Grammar) -> Target | None:
    """``≧ %``, ``公里``, ``万元/人``: the form's comparator and unit cells, with no number."""
    m = g.unit_only.fullmatch(s)
    if m is None:
        return None
    comparator = g.vocab.comparators.get(m["cmp"]) if m["cmp"] else None
    if m["cmp"] and comparator is None:
        return None
    if not m["unit"]:
        return _target(raw, _K.EMPTY, {"no_value"}, comparator=comparator) if comparator else None
    unit = _unit(m["unit"], g.vocab)
    if unit is None or not unit[0].canonical:
        return None
    return _target(raw, _K.EMPTY, {"no_value"}, comparator=comparator, unit=unit[0].canonical)


def _read_words(raw: str, s: str, g: _Grammar) -> Target | None:
    """Quality and direction words, after an optional short subject: 效果明显, 能力持续提升, 及时、满意."""
    vocab = g.vocab
    if s in vocab.alone:
        return _target(raw, _K.QUALITATIVE, (), label=vocab.qualitative[s])
    m = g.words.fullmatch(s)
    if m is None:
        return None
    body = m["body"]
    tokens = g.word.findall(body)
    if "".join(tokens) != body:
        return None
    labels: list[str] = []
    verbs: list[str] = []
    implied = None
    comparative = vague = False
    for token in tokens:
        if token in vocab.joiners:
            continue
        vague = vague or token in vocab.vague
        if token in vocab.directions:
            verbs.append(token)
        elif token in vocab.implied:
            implied = vocab.implied[token]
        elif token in vocab.qualitative:
            labels.append(vocab.qualitative[token])
        elif token in vocab.comparative:
            comparative = True
    if verbs:
        return _target(
            raw, _K.DIRECTION, {"vague"}, label="、".join(dict.fromkeys(verbs)), direction=vocab.directions[verbs[0]]
        )
    if implied is not None:
        comparator, value, unit, label = implied
        return _target(raw, _K.NUMERIC, {"implied_value"}, comparator=comparator, value=value, unit=unit, label=label)
    if not labels:
        return None
    label = "、".join(dict.fromkeys(labels))
    if comparative:
        return _target(raw, _K.DIRECTION, {"vague"}, label=label, direction="increase")
    return _target(raw, _K.QUALITATIVE, {"vague"} if vague else (), label=label)


def _read_embedded(raw: str, s: str, year: int | None, g: _Grammar) -> Target | None:
    """One quantity inside a short phrase: 至少全年完成2次宣传 → ≥ 2 次, 优秀率≥90% → ≥ 90 %."""
    m = g.embedded.fullmatch(s)
    if m is None:
        return None
    pre, post = m["pre"], m["post"]
    cmp = m["cmp"] or (found.group() if (found := g.leading_comparator.match(pre)) else "")
    for cut in range(len(post), 0, -1):
        unit = g.vocab.units.get(post[:cut])
        if unit is not None and unit.canonical is not None:
            rest = post[cut:]
            break
    else:
        return None
    if len(rest) > 6 or not re.fullmatch(rf"[{_CJK}]*", rest):
        return None
    inner = _read_numeric(raw, cmp + m["number"] + post[:cut], year, g)
    if inner is None or inner.kind is not _K.NUMERIC:
        return None
    return dataclasses.replace(inner, flags=inner.flags | {"with_text"})
