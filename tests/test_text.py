"""normalize_text and strip_numbering on cell texts as they come out of real filings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicatornlp.text import normalize_text, strip_numbering

CASES = [
    # seeds: PDF line breaks inside labels and names (songjiang-jiguan-2023.txt)
    pytest.param("服务对象满\n\n意度指标", "服务对象满意度指标", id="seed-broken-label"),
    pytest.param("一级指\n标", "一级指标", id="seed-broken-header"),
    pytest.param("=3 次", "=3次", id="seed-space-before-unit"),
    pytest.param(">=95%", ">=95%", id="seed-ascii-comparator"),
    pytest.param("1500 元/人", "1500元/人", id="seed-compound-unit"),
    pytest.param("每年 3 至 11 月", "每年3至11月", id="seed-period"),
    pytest.param("G60 科创走廊", "G60科创走廊", id="seed-latin-and-chinese"),
    # corpus: full width, spaced letters, decorations
    pytest.param("＞＝９５％", ">=95%", id="fullwidth-comparator"),
    pytest.param("≧90%", "≥90%", id="jis-comparator"),
    pytest.param("═100%", "=100%", id="box-drawing-equals"),
    pytest.param("产 出 指 标 (50分)", "产出指标(50分)", id="letter-spaced"),
    pytest.param("\ufeff群众满意度\u200b", "群众满意度", id="zero-width"),
    pytest.param("（一）数量指标", "(一)数量指标", id="fullwidth-brackets"),
    pytest.param("Web  of   Science", "Web of Science", id="latin-spaces-folded"),
    pytest.param("≥ 95 %", "≥ 95 %", id="no-cjk-spaces-kept"),
    pytest.param("", "", id="empty"),
]


@pytest.mark.parametrize(("raw", "want"), CASES)
def test_normalize_text(raw: str, want: str) -> None:
    assert normalize_text(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("一、产出指标", "产出指标"),
        ("(一)数量指标", "数量指标"),
        ("(1)进度指标", "进度指标"),
        ("1.质量指标", "质量指标"),
        ("2、社会效益指标", "社会效益指标"),
        ("①群众满意度", "群众满意度"),
        ("1.5万元", "1.5万元"),
        ("3次", "3次"),
        ("十二场", "十二场"),
    ],
)
def test_strip_numbering(raw: str, want: str) -> None:
    assert strip_numbering(raw) == want


@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_normalized_text_has_no_line_breaks_or_edge_spaces(text: str) -> None:
    out = normalize_text(text)
    assert "\n" not in out
    assert out == out.strip()
