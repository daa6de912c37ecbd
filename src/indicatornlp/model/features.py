"""What the category model reads: the cleaned 三级指标 name, its words, the 年度指标值 as ``parse_target`` tokens.

A row of the model is (name, target): ``_matrix`` turns caller items (a name, a pair, a mapping, a record) into
rows of (``clean_name``, ``normalize_text``, the two joined for the concept tagger); the feature blocks of
``FEATURE_SETS`` read them: ``char`` n-grams and ``words`` of the name, ``target_features`` of the target, and
``concept_features`` (what the concept dictionary reads the row as: its measure, family, target form and the 二级
evidence).

>>> _matrix([("（1）群众满意度。", "≥95%")]).tolist()
[['群众满意度', '≥95%', '群众满意度\\x1f≥95%']]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

import numpy as np

from ..concepts import SEPARATOR, concept_features
from ..inputs import read_input
from ..targets import parse_target
from ..text import bounded_cache, normalize_text, strip_decoration
from ..tokenize import tokenize

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "char": ("char",),
    "words": ("words",),
    "char+words": ("char", "words"),
    "char+target": ("char", "target"),
    "char+words+target": ("char", "words", "target"),
    "char+target+concept": ("char", "target", "concept"),
    "char+words+target+concept": ("char", "words", "target", "concept"),
}
"""The feature sets compared by grouped cross-validation (blocks: ``char``, ``words`` of the name, ``target``)."""
BLOCK_WEIGHTS = {"char": 1.0, "words": 0.5, "target": 0.5, "concept": 1.0}
"""Each block is L2-normalized, then weighted: the character n-grams lead (grouped-CV log loss on train/,
char+words+target at C=20 balanced: 1.097 with these weights, 1.169 with 1/1/1)."""
_BLOCKS = {
    "char": "TF-IDF (sublinear) of character 1-3-grams of the cleaned name",
    "words": "TF-IDF (sublinear) of the words of the cleaned name (indicatornlp.tokenize: rjieba + data/userdict.txt)",
    "target": "binary features of parse_target(target), L2-normalized: kind, comparator, unit, base unit, label(s), "
    "direction, flags, level of a percentage",
    "concept": "binary features of the concept tagger (data/concepts.toml), L2-normalized: measure, family, target "
    "form, the 二级 its family points to and the admissible 二级",
}

# "指标1:" / "指标2." before the name (some disclosure pages number their rows so), "【新增】" tags
_NAME_DECORATION = re.compile(r"^指标\s*\d+\s*[:：.、]\s*|^【[^】]{0,6}】")
_NAME_EDGES = " \t:：;；,，。、"


@bounded_cache(65536)
def clean_name(name: str) -> str:
    """The 三级指标 as the model reads it: normalized text, row numbering and tags removed.

    >>> clean_name("（1）群众满意度。")
    '群众满意度'
    >>> clean_name("指标1:维护及时性")
    '维护及时性'
    """
    return strip_decoration(name, _NAME_DECORATION, _NAME_EDGES)


def name_words(name: str) -> tuple[str, ...]:
    """The words of a cleaned name that carry letters or digits (punctuation dropped).

    >>> name_words("“三会一课”开展率")
    ('三会一课', '开展率')
    """
    return tuple(w for w in tokenize(name) if any(ch.isalnum() for ch in w))


@bounded_cache(65536)
def target_features(raw: str) -> tuple[str, ...]:
    """The target as the model reads it: the fields of ``parse_target`` as tokens.

    >>> target_features(">=95%")
    ('kind=numeric', 'cmp=≥', 'unit=%', 'base=%', 'pct>=90')
    >>> target_features("及时")
    ('kind=qualitative', 'label=及时')
    """
    t = parse_target(raw)
    out = [f"kind={t.kind.value}"]
    if t.comparator is not None:
        out.append(f"cmp={t.comparator.value}")
    if t.unit:
        out += [f"unit={t.unit}", f"base={t.unit.split('/')[0]}"]
    if t.label:
        out += [f"label={label}" for label in t.label.split("、")]
    if t.direction:
        out.append(f"dir={t.direction}")
    out += [f"flag={flag}" for flag in sorted(t.flags)]
    if t.unit == "%" and t.value is not None:
        out.append(_percent_level(t.value))
    return tuple(out)


def _percent_level(value: Decimal) -> str:
    if value >= 90:
        return "pct>=90"
    if value >= 50:
        return "pct>=50"
    if value > 10:
        return "pct>10"
    return "pct<=10"


def _features(name: str) -> tuple[str, ...]:
    return FEATURE_SETS[name] if name in FEATURE_SETS else tuple(name.split("+"))


_ANALYZERS: dict[str, Callable[[str], tuple[str, ...]]] = {
    "name_words": name_words,
    "target_features": target_features,
    "concept_features": concept_features,
}
"""The callable analyzers a block may name in a saved model (the other kind is ``char``: scikit-learn's)."""


def _pair(item: object, position: int | None = None) -> tuple[str, str]:
    """(name, target) of an item in any form of ``indicatornlp.inputs``."""
    given = read_input(item, position=position, action="classify")
    return given.name, given.target


def has_content(name: str) -> bool:
    """A cleaned name with a letter or a digit: something to classify (``""`` and ``"—"`` are not)."""
    return any(ch.isalnum() for ch in name)


def _matrix(pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    rows = [(clean_name(name), normalize_text(target)) for name, target in pairs]
    matrix = np.empty((len(rows), 3), dtype=object)
    for i, (name, target) in enumerate(rows):
        matrix[i] = (name, target, name + SEPARATOR + target)
    return matrix
