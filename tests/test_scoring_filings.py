"""The hand-made 自评表 of ``data/filings/ziping-yanglao-2023.*`` in every format, against scores worked out by hand.

The form (``tests/fixtures/selfeval.json``, written out by ``scripts/make_selfeval.py``) has 13 indicators, one or
more per rule of ``data/scoring.toml``; ``EXPECTED`` is each row's score computed by hand from the rule named beside
it, with the filer's own 得分 where it differs.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from indicatornlp import read_filings, score

ROOT = Path(__file__).resolve().parent.parent
FILINGS = ROOT / "data" / "filings"
STEM = "ziping-yanglao-2023"
FORMATS = ("txt", "md", "xlsx", "docx", "pdf")

# (三级指标, weight, score by hand, how)
EXPECTED = [
    ("居家养老服务补贴人数", "8", "8", "≥1200人, 1260人: met"),
    ("助餐服务人次", "8", "6.8", "≥36000人次, 30600人次: 30600/36000 = 85 % of 8"),
    ("预算执行率", "10", "9.65", "100%, 96.5%: a bare target reads as ≥, 96.5 % of 10"),
    ("服务质量抽查合格率", "5", "5", "≥95%, 0.97: a ratio, 97 % ≥ 95 %"),
    ("服务对象投诉率", "5", "5", "≥2% for a 投诉率 (lower is better): scored as ≤2 %, 1.5 % meets it"),
    ("补贴资金发放时间", "6", "0", "by 2023-12-20, done 2023-12-28: 8 days late, no partial credit (filer: 4)"),
    ("服务需求响应时长", "6", "4.5", "≤24小时, 30小时: (48 − 30) / 24 = 75 % of 6"),
    ("人均补贴标准", "6", "6", "=1200元/人, 1200元/人: met"),
    ("项目总成本", "6", "6", "≤120万元 = 1 200 000 元, 1158000元: met"),
    ("单次上门服务时长", "10", "7.5", "1-2小时, 2.5小时: above the range, (4 − 2.5) / 2 = 75 % of 10"),
    ("家庭照护培训场次", "10", "10", "≥20场, 36场: met (180 %: target set too low)"),
    ("居家养老服务网络", "10", "8", "持续完善, 基本完成: 部分达成, the band's top 80 % of 10"),
    ("老年人对助餐服务的满意度", "10", "10", "≥90%, 93.5%: met"),
]
TOTAL, FILED_TOTAL = Decimal("86.45"), Decimal("90.45")  # 良 by our rules, 优 by the filer's own 得分
FINDINGS = [("S105", 4), ("S108", 5), ("S101", 6), ("S105", 9), ("S102", 11)]  # rows from 1


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_hand_made_self_evaluation_scores_as_worked_out_by_hand(suffix: str) -> None:
    [filing] = read_filings(FILINGS / f"{STEM}.{suffix}")
    card = score(filing)
    got = [(r.name, r.weight, r.score) for r in card.rows]
    assert got == [(name, Decimal(w), Decimal(s)) for name, w, s, _ in EXPECTED]
    assert (card.total, card.possible, card.grade, card.filed_total) == (TOTAL, Decimal(100), "良", FILED_TOTAL)
    assert card.budget_rate == Decimal("96.5") and not card.flags
    assert [(f.code, f.row) for f in card.findings] == FINDINGS
    assert card.rows[1].reason == "两个助餐点装修停业两个月"
    assert card.by_level1() == {
        "产出指标": (Decimal("29.3"), Decimal(38)),  # 8 + 6.8 + 5 + 5 + 0 + 4.5 of 8 + 8 + 5 + 5 + 6 + 6
        "预算执行率": (Decimal("9.65"), Decimal(10)),
        "成本指标": (Decimal(12), Decimal(12)),
        "效益指标": (Decimal("25.5"), Decimal(30)),
        "满意度指标": (Decimal(10), Decimal(10)),
    }


# ---- the committed files are what the script writes -----------------------------------------------------------


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_selfeval", ROOT / "scripts" / "make_selfeval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_selfeval", module)
    spec.loader.exec_module(module)
    return module


def _content(path: Path) -> Any:
    if path.suffix in (".txt", ".md"):
        return path.read_text("utf-8")
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets]
    if path.suffix == ".docx":
        from docx import Document

        return [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() for page in pdf.pages]


def test_the_committed_files_are_what_the_script_writes(tmp_path: Path) -> None:
    written = _script().make_selfeval(tmp_path)
    assert [p.suffix[1:] for p in written] == list(FORMATS)
    for path in written:
        assert _content(path) == _content(FILINGS / path.name), (
            f"data/filings/{path.name}: run scripts/make_selfeval.py"
        )
