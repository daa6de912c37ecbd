"""Indicators written as prose or as cells glued without separators: split a name from its target.

Pages flatten their tables in ways that lose the cell boundaries: an item of prose ("数量指标:农机手培训人数≥120人;
培训完成时间,2026年9月底前;"), a cell that lists several indicators ("开展消防演练次数4次;发放宣传手册数量2000份"), a
target after its name in brackets ("指标1:机柜数量(≥77台)"), a report naming its columns ("…年初任务数101974人,全年
完成值103119人").  These functions find where the name ends and the target starts, with ``targets.split_indicator``
and ``is_target_cell`` saying what a target looks like; a template hint in brackets ("(≥**株)") stays in the name.

>>> prose("数量指标:农机手培训人数≥120人;时效指标:培训完成时间,2026年9月底前。")
[(['数量指标'], '农机手培训人数≥120人;'), (['时效指标'], '培训完成时间,2026年9月底前。')]
"""

from __future__ import annotations

import re

from ..targets import is_target_cell, split_indicator
from ._forms import as_label, inline_column, is_placeholder, is_unknown_label

__all__ = ["is_item", "items", "prose", "split_item"]

_ITEM_END = re.compile(r"[;；。]+$")
"""An item of prose ("农机手培训人数≥120人;") ends in a semicolon or a full stop."""
_MARKS = re.compile(r"[:：,，]")
_LABEL_MARK = re.compile(r"([^\s:：;；。,，]{2,24}?(?:指标|目标))\s*[:：,，。]")
"""A label that announces the items after it ("数量指标:", "服务对象满意度指标,", "数量指标。")."""


def is_item(text: str) -> bool:
    """A cell that ends like an item of prose (a semicolon or a full stop)."""
    return bool(_ITEM_END.search(text))


def _masked(text: str) -> str:
    """The text with what stands in brackets blotted out: a template hint "(≥**株)" is part of the name."""
    return re.sub(r"[(（][^()（）]*[)）]", lambda m: "〇" * len(m.group()), text)


def split_item(text: str, *, glued: bool = False) -> tuple[str, str]:
    """A name written with its target in one cell or item: at a comparator (outside brackets), at the last comma
    before a value, before a value in brackets at its end, or (``glued``: cells that lost their boundaries) before
    the value it ends with ("修缮农村道路里程12公里" → 12公里).  Without a target the text is kept whole.

    >>> split_item("培训完成时间,2026年9月底前;")
    ('培训完成时间', '2026年9月底前')
    >>> split_item("种植作物成活率(≥**%)>=85")
    ('种植作物成活率(≥**%)', '>=85')
    >>> split_item("指标1:机柜数量(≥77台)")
    ('指标1:机柜数量', '≥77台')
    >>> split_item("群众出行条件持续改善", glued=True)
    ('群众出行条件', '持续改善')
    """
    bare = _ITEM_END.sub("", text.strip())
    head, target = split_indicator(_masked(bare))
    if target and not is_placeholder(target):
        return bare[: len(head)].rstrip(), bare[len(head) :].strip()
    inside = re.fullmatch(r"(.+?)[(（]([^()（）]+)[)）]", bare)
    if inside and is_target_cell(inside.group(2)) and not is_placeholder(inside.group(2)):
        return inside.group(1), inside.group(2)
    name, comma, tail = max(bare.rpartition(","), bare.rpartition("，"), key=lambda p: len(p[0]))
    if comma and name and is_target_cell(tail, subject=False):
        return name, tail
    if glued:
        for at in range(2, len(bare) - 1):  # the longest end that is a value on its own (no name in it)
            if is_target_cell(bare[at:], subject=False):
                return bare[:at], bare[at:]
    return text.strip(), ""


def prose(text: str) -> list[tuple[list[str], str]] | None:
    """The labels and items of a line of prose ("数量指标:a≥1个,b=100%;时效指标:c。"), or ``None`` when the line
    announces no label with a colon.

    >>> prose("效益指标:经济效益指标:产值(≥**万元)≥80万元,增收≥80万元;")
    [(['效益指标', '经济效益指标'], '产值(≥**万元)≥80万元,增收≥80万元;')]
    """
    if not ("指标" in text or "目标" in text) or not _MARKS.search(text):
        return None
    parts: list[tuple[list[str], str]] = []
    at = 0
    labels: list[str] = []
    for match in _LABEL_MARK.finditer(text):
        label = _label_in(match.group(1))
        if label is None:
            continue
        between = text[at : match.end(1) - len(label)]
        if between.strip(" ,，;；。"):
            parts.append((labels, between))
            labels = []
        labels.append(label)
        at = match.end()
    if not parts and not labels:
        return None
    parts.append((labels, text[at:]))
    return parts


def _label_in(text: str) -> str | None:
    """The label a run of text ends with ("设 1条数量指标" → 数量指标), known, or a short one ending in 指标."""
    for start in range(len(text) - 1):
        found = as_label(text[start:])
        if found is not None and found.strong:
            return text[start:]
    return text if is_unknown_label(text, longest=8) else None


def _pieces(text: str) -> list[tuple[str, str]]:
    """The text cut at commas, semicolons and full stops outside brackets: (piece, the mark that ended it)."""
    out: list[tuple[str, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",，;；。":
            out.append((text[start:i], ch))
            start = i + 1
    if text[start:].strip():
        out.append((text[start:], ""))
    return out


def items(text: str, *, glued: bool = False) -> list[tuple[str, str, str | None]]:
    """The (name, target, actual) items of a stretch of prose: an item ends with its target (at the next comma or
    semicolon), or, without one, at a semicolon or full stop; commas inside a name are kept.  A report's prose
    may name the columns ("…年初任务数101974人,全年完成值103119人"): the actual goes to the item before it.

    >>> items("种植数量,黄金蜜种植数量(≥**株)>=17600株;成活率(≥**%)>=85;")
    [('种植数量,黄金蜜种植数量(≥**株)', '>=17600株', None), ('成活率(≥**%)', '>=85', None)]
    >>> items("领取人数年初任务数101974人,全年完成值103119人;")
    [('领取人数', '101974人', '103119人')]
    """
    out: list[tuple[str, str, str | None]] = []
    name = ""
    for piece, mark in _pieces(text):
        inline = inline_column(piece)
        if inline is not None and is_target_cell(inline[2]):
            head, role, value = inline
            if role == "actual" and out and not (name + head).strip(" ,，;；。"):
                out[-1] = (out[-1][0], out[-1][1], value)
                name = ""
                continue
            if role == "target":
                out.append(((name + head).strip(), value, None))
                name = ""
                continue
        head, target = split_indicator(_masked(piece))
        if target and not is_placeholder(target):
            out.append(((name + piece[: len(head)]).strip(), piece[len(head) :].strip(), None))
            name = ""
            continue
        name += piece + mark
        if mark not in ",，" and name.strip(" ,，;；。"):
            out.append((*split_item(name, glued=glued), None))
            name = ""
    if name.strip(" ,，;；。"):
        out.append((*split_item(name, glued=glued), None))
    return out
