"""The standing fuzz suite: every public function on generated input, long input in linear time, hostile text.

Where a new case goes: a function of the public surface → ``TOTAL`` (it must never raise on any string); a text
shape that once took quadratic time → ``LONG`` (its name says which pattern it broke).  Time is asserted as a
ratio (four times the input may take at most ``SLOWER`` times as long: linear gives about 4, quadratic 16),
never as a wall clock.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicatornlp import canonical_category, link, normalize, parse_target
from indicatornlp.errors import IndicatorNLPError, LimitError, printable
from indicatornlp.linking.scoring import clean_name, measure_of
from indicatornlp.model.features import target_features
from indicatornlp.readers import Limits
from indicatornlp.readers._binary import decode_text
from indicatornlp.readers.markup import html_rows, text_rows
from indicatornlp.tables import neutralize, restore, strip_controls
from indicatornlp.targets import is_target_cell, split_indicator
from indicatornlp.taxonomy import clean_label
from indicatornlp.text import normalize_text, strip_numbering

# text that looks like a filing's cells: the characters its grammar and readers react to, and any other
CELL = st.text(
    st.one_of(
        st.sampled_from(
            list("≥≤<>=%万元人次年月日前以上内（）()【】、，,.:：;|\t\n 0123456789一二十百率满意度每至及时提升**XX")
        ),
        st.characters(),
    ),
    max_size=60,
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _unwrap(func: Callable[..., Any]) -> Callable[..., Any]:
    return getattr(func, "__wrapped__", func)  # the cached functions: time the work, not the cache


TOTAL: dict[str, Callable[[str], object]] = {
    "parse_target": parse_target,
    "normalize_text": normalize_text,
    "strip_numbering": strip_numbering,
    "split_indicator": split_indicator,
    "is_target_cell": is_target_cell,
    "clean_label": clean_label,
    "canonical_category": lambda s: canonical_category(s, s),
    "clean_name": clean_name,
    "measure_of": measure_of,
    "target_features": target_features,
    "text_rows": text_rows,
    "html_rows": html_rows,
    "normalize": lambda s: _normalize_free(s),
    "normalize a name": lambda s: normalize(s),
    "printable": printable,
    "neutralize": neutralize,
    "strip_controls": strip_controls,
}


@functools.cache
def _normalizer() -> Any:
    from indicatornlp import Normalizer

    return Normalizer()


def _normalize_free(text: str) -> object:
    """A mapping whose every field is the text: name, target and both filed categories."""
    return _normalizer().normalize({"name": text, "target": text, "level1": text, "level2": text})


@pytest.mark.parametrize("name", list(TOTAL))
@FAST
@given(text=CELL)
def test_public_functions_are_total(name: str, text: str) -> None:
    TOTAL[name](text)


@FAST
@given(text=CELL)
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@FAST
@given(text=CELL)
def test_parse_target_keeps_the_raw_text(text: str) -> None:
    assert parse_target(text).raw == text


@FAST
@given(text=CELL)
def test_neutralize_is_undone_exactly_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralize(text)
    assert restore(cell) == text
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(cell)  # only a number may start so


@FAST
@given(data=st.binary(max_size=300))
def test_decode_text_says_text_binary_or_why(data: bytes) -> None:
    try:
        text = decode_text(data, "x.txt")
    except IndicatorNLPError as err:
        assert err.code in ("E109", "E107")
    else:
        assert text is None or isinstance(text, str)


@settings(max_examples=30, deadline=None)
@given(names=st.lists(CELL, min_size=1, max_size=8))
def test_link_takes_any_names(names: list[str]) -> None:
    linkage = link(names)
    placed = [p for c in linkage.clusters for p in c.members]
    assert len(placed) == len(set(placed)) and set(placed) <= set(range(len(names)))


@FAST
@given(html=st.text(st.sampled_from(list('<>/tdrableh ="12345x中')), max_size=200))
def test_html_reader_never_raises_but_a_limit(html: str) -> None:
    with contextlib.suppress(LimitError):
        html_rows(html, where="x.html", limits=Limits(cells=5000))


# ---- linear time ---------------------------------------------------------------------------------------------

SLOWER = 8.0
"""Four times the input may take at most this many times as long (linear: about 4; quadratic: 16)."""

LONG: list[tuple[str, Callable[[str], object], str]] = [
    ("normalize_text: white space far from any CJK (the lookahead rescanned runs)", _unwrap(normalize_text), " \t"),
    ("parse_target: white space", _unwrap(parse_target), " \n"),
    ("split_indicator: a space before each tail (every tail was parsed)", _unwrap(split_indicator), " 每"),
    ("split_indicator: comparators", _unwrap(split_indicator), "中<"),
    ("clean_label: opening brackets never closed", clean_label, "(="),
    ("clean_label: a run of digits before no 分", clean_label, "1"),
    ("clean_label: nested brackets", lambda s: clean_label("(" * len(s) + "x" + ")" * len(s)), "a"),
    ("clean_name: trailing punctuation", _unwrap(clean_name), "名,"),
    ("clean_name: nested brackets", lambda s: _unwrap(clean_name)("【" * len(s) + "x" + "】" * len(s)), "a"),
    ("normalize: brackets in the name (A111, rates)", lambda s: _normalize_free(s), "(（"),
    ("html_rows: text with '<' (the outside text was joined per piece)", html_rows, "<每"),
    ("html_rows: <br> and <div>", html_rows, "<br><div>"),
    ("text_rows: tags never closed", text_rows, "<a"),
]


def _seconds(func: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(("func", "unit"), [(f, u) for _, f, u in LONG], ids=[n for n, _, _ in LONG])
def test_long_input_takes_linear_time(func: Callable[[str], object], unit: str) -> None:
    size = 2000
    while True:  # grow the input until one call takes long enough to be timed
        small = _seconds(func, unit * size)
        if small > 0.01 or size >= 256_000:
            break
        size *= 2
    large = _seconds(func, unit * size * 4)
    # a call under 50 ms on a million characters is linear whatever the ratio (quadratic would take hours)
    assert large <= max(SLOWER * small, 0.05), f"{size} → {size * 4} units: {small:.4f} s → {large:.4f} s"
