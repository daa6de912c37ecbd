"""The words of the filing forms, cell by cell: metadata keys, headers, titles, 一级/二级 labels, amounts, dates.

Every reader uses these tests on one cell (or one token of text without cell boundaries); the words are in
``data/readers.toml`` and the label names in the taxonomy.  Whether a cell is a target value is not decided
here: ``indicatornlp.targets.is_target_cell`` does it with the grammar of the target parser.

>>> metadata_key("项目名称：物业管理")
('project', '物业管理')
>>> as_label("产出指标(50分)").level1
True
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import NamedTuple

from ..taxonomy import Taxonomy, clean_label, default_taxonomy
from ..text import bounded_cache, is_cjk, normalize_text

# ---- vocabulary (data/readers.toml and the taxonomy) ----------------------------------------------------


class Label(NamedTuple):
    """A cell read as a 一级/二级 label."""

    text: str
    level1: bool
    """It names a 一级 (or an alias of one)."""
    level2: bool
    """It names a 二级 (or an alias of one)."""
    strong: bool
    """It ends in 指标 (a weak one, such as "满意度", may also be a 三级 name)."""
    other: bool = False
    """A label of another frame (投入/过程 …): kept raw, no canonical category."""


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """The words of the forms (data/readers.toml) and the label names of the taxonomy."""

    keys: dict[str, str]
    columns: dict[str, str]
    header_words: tuple[str, ...]
    stop_prefixes: tuple[str, ...]
    furniture: frozenset[str]
    ambiguous_level2: dict[str, frozenset[str]]
    level1_stems: frozenset[str]
    level2_stems: frozenset[str]
    other_stems: frozenset[str]
    canonical_level2: frozenset[str]
    label_prefixes: frozenset[str]
    key_prefixes: frozenset[str]


def label_stem(label: str) -> str:
    """A label without its 指标 ending: "产出指标" → "产出"."""
    return label[:-2] if label.endswith("指标") and len(label) > 2 else label


@cache
def vocabulary() -> Vocabulary:
    """The reader vocabulary, read once."""
    data = tomllib.loads(resources.files("indicatornlp").joinpath("data/readers.toml").read_text("utf-8"))
    keys = {clean_key(k): field for field, words in data["metadata"].items() for k in words}
    columns = {compact(k): role for role, words in data["columns"].items() for k in words}
    header_words = tuple(sorted({compact(w) for w in data["header_words"]} | set(columns), key=len, reverse=True))
    taxonomy: Taxonomy = default_taxonomy()
    # the taxonomy keeps its alias tables private; the readers need exact membership, not its fuzzy lookup
    level1 = frozenset(taxonomy._level1)
    level2 = frozenset(taxonomy._level2)
    other = frozenset(taxonomy._not_categories)
    forms = {s + "指标" for s in level1 | level2 | other} | level1 | level2 | other
    prefixes = frozenset(f[:n] for f in forms for n in range(2, len(f)))
    return Vocabulary(
        keys=keys,
        columns=columns,
        header_words=header_words,
        stop_prefixes=tuple(normalize_text(p) for p in data["stop_prefixes"]),
        furniture=frozenset(compact(w) for w in data["furniture"]),
        ambiguous_level2={k: frozenset(v) for k, v in data["ambiguous_level2"].items()},
        level1_stems=level1,
        level2_stems=level2,
        other_stems=other,
        canonical_level2=frozenset(taxonomy.level2_names),
        label_prefixes=prefixes,
        key_prefixes=frozenset(k[:n] for k in keys for n in range(2, len(k))),
    )


# ---- text helpers -----------------------------------------------------------------------------------


def _wide(char: str) -> bool:
    """A Chinese character, CJK punctuation or a full-width form: no space is meant next to it."""
    return is_cjk(char) or "\uff00" <= char <= "\uffef" or char in "“”‘’—…·"


def join_broken(parts: Sequence[str]) -> str:
    """Join pieces of one cell that a line break separated: nothing next to Chinese, one space otherwise.

    >>> join_broken(["服务对象满", "意度指标"])
    '服务对象满意度指标'
    >>> join_broken(["G60", "2023"])
    'G60 2023'
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def repair_breaks(text: str) -> str:
    """A cell's text with its line breaks repaired and its ends stripped (inner spaces kept)."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    return join_broken(text.splitlines())


def compact(text: str) -> str:
    """Normalized text without any space: the form keys and headers are matched on."""
    return normalize_text(text).replace(" ", "")


_KEY_PREFIX = re.compile(r"^(?:其中|含)[:：]?")
_KEY_SUFFIX = re.compile(r"(?:[:：]|\([^()]*\)){1,8}$")  # bounded: linear on a run of colons


@bounded_cache(8192)
def clean_key(text: str) -> str:
    """A metadata label as matched: ``"其中：财政资金"`` → ``"财政资金"``, ``"项目资金 (元)"`` → ``"项目资金"``."""
    key = compact(text)
    key = _KEY_PREFIX.sub("", key)
    return _KEY_SUFFIX.sub("", key)


@bounded_cache(65536)
def metadata_key(text: str) -> tuple[str, str] | None:
    """The field a metadata label announces and any value written in the same cell ("项目名称：物业管理").

    >>> metadata_key("其中：财政资金")
    ('fiscal', '')
    >>> metadata_key("项目名称：物业管理")
    ('project', '物业管理')
    >>> metadata_key("物业管理") is None
    True
    """
    if len(text) > 40:
        return None
    keys = vocabulary().keys
    key = clean_key(text)
    if key in keys:
        return keys[key], ""
    match = re.match(r"^\s*(?:其中\s*[:：]\s*)?([^:：]{2,12})\s*[:：]\s*(\S.*)$", text.strip())
    if match and clean_key(match.group(1)) in keys:
        return keys[clean_key(match.group(1))], match.group(2).strip()
    return None


def is_furniture(text: str) -> bool:
    """A row header or separator with no data of its own ("绩效 指标", "---")."""
    key = compact(text)
    return key in vocabulary().furniture or not key.strip("-=:|")


def is_stop(text: str) -> bool:
    """A note, signature or section heading that ends an indicator table."""
    t = normalize_text(text)
    return (
        t.startswith(vocabulary().stop_prefixes)
        or bool(re.match(r"^[一二三四五六七八九十]+、", t))
        or bool(re.search(r"\((?:盖章|签章|签字)\)", t))
    )


_TITLE = re.compile(r"(?:绩效目标|绩效自评|自评|绩效)[^。，,;；]{0,12}?表\d*(?:\([^()]*\))?$")
_YEAR_CELL = re.compile(r"^[(（]?(\d{4})年度?[)）]?$")
_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def is_title(text: str) -> bool:
    """The title of a form ("财政项目支出绩效目标填报表 1", "项目支出绩效自评表")."""
    key = compact(text)
    return 4 <= len(key) <= 60 and bool(_TITLE.search(key))


def year_cell(text: str) -> int | None:
    """The year of a "（2023 年度）" line or cell."""
    match = _YEAR_CELL.match(compact(text))
    return int(match.group(1)) if match else None


def year_of_title(text: str) -> int | None:
    """The year in a title ("2023 年财政支出项目绩效目标申报表")."""
    match = _YEAR_IN_TITLE.search(compact(text))
    return int(match.group(1)) if match else None


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_amount(text: str, *, scale: int = 1) -> Decimal | None:
    """The first amount in a cell, in 元 (``scale`` 10000 for a block headed 万元; "854万" counts 万 itself).

    >>> parse_amount("580000.00")
    Decimal('580000.00')
    >>> parse_amount("854万(高标准农田建设400万元)")
    Decimal('8540000')
    """
    t = normalize_text(text).replace(",", "")
    match = _AMOUNT.search(t)
    if not match:
        return None
    try:
        value = Decimal(match.group())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    if t[match.end() :].lstrip().startswith("万"):
        scale = 10000
    return value * scale if scale != 1 else value


def parse_date(text: str) -> datetime.date | None:
    """The first date in a cell ("2023-01-01", "2023年1月1日", "2023/1/1 00:00:00").

    >>> parse_date("2022年12月31日")
    datetime.date(2022, 12, 31)
    """
    match = _DATE.search(normalize_text(text))
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# ---- labels and values --------------------------------------------------------------------------------


@bounded_cache(16384)
def as_label(text: str) -> Label | None:
    """The cell read as a 一级/二级 label, or ``None`` (a 三级 name, a value, anything else).

    >>> as_label("产出指标(50分)").level1
    True
    >>> as_label("服务对象满 意度指标").strong
    True
    >>> as_label("群众满意度").strong  # an alias of a 二级, but also a common 三级 name
    False
    >>> as_label("群众满意度调查") is None
    True
    """
    if len(text) > 40:
        return None
    label = clean_label(text)
    if not label or len(label) > 20 or re.search(r"\d", label):
        return None
    vocab = vocabulary()
    stem = label_stem(label)
    strong = label.endswith("指标")
    if stem in vocab.other_stems:
        return Label(text, stem in {"投入", "过程", "决策"}, stem not in {"投入", "过程", "决策"}, strong, other=True)
    one, two = stem in vocab.level1_stems, stem in vocab.level2_stems
    if not (one or two):
        return None
    return Label(text, one, two, strong)


def is_label_prefix(text: str) -> bool:
    """A piece of a label broken by a line end ("产出指", "服务对象满")."""
    label = clean_label(text)
    return len(label) >= 2 and label in vocabulary().label_prefixes


def header_roles(texts: Sequence[str]) -> list[str | None] | None:
    """The role of each cell of an indicator-table header row, or ``None`` when the row is not one.

    Roles: ``level1``, ``level2``, ``name``, ``target``, ``actual``, another header's text (an extra column), or
    ``None`` for a cell that is not a header word.
    >>> header_roles(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"])
    [None, 'level1', 'level2', 'name', 'target']
    """
    if not any("指标" in t or "值" in t or "名称" in t for t in texts):
        return None
    vocab = vocabulary()
    roles: list[str | None] = []
    for text in texts:
        key = compact(text)
        key_bare = re.sub(r"\([^()]*\)$", "", key)
        if key in vocab.columns:
            roles.append(vocab.columns[key])
        elif key_bare in vocab.columns:
            roles.append(vocab.columns[key_bare])
        elif key and (key in vocab.header_words or key_bare in vocab.header_words) and key not in vocab.furniture:
            roles.append(key_bare)
        else:
            roles.append(None)
    if "name" in roles and ("target" in roles or "actual" in roles):
        return roles
    if {"level1", "level2", "name"} <= set(roles):
        return roles
    return None
