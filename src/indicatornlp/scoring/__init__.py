"""Score self-evaluations (绩效自评表) the way evaluators do: ``score(filing) -> Scorecard``.

Per indicator the 实际完成值 is compared with the 年度指标值 (both read by ``parse_target``) and earns its weight in
full, in part or not at all, by the rules of ``data/scoring.toml``: ≥ targets in proportion, ≤ targets decaying to 0
at twice the target, ranges, deadlines, the 达成/部分达成/未达成 bands of qualitative targets, reverse indicators
(事故率, 投诉率, 成本, 时长) as ≤ whatever the comparator.  Weights come from the table's 分值, else the 一级 points
(产出 50, 效益 30, 满意度 10, 预算执行率 10) split evenly.  The card adds up, grades (优 ≥ 90, 良 80–89, 中 60–79,
差 < 60) and carries the reviewer's findings (S1xx, in ``indicatornlp.audit``'s table of codes).

Modules: ``_rules`` (the data file as a record), ``_judge`` (one actual against its target), ``_card`` (``score``:
weights, totals, grade, findings), ``_files`` (``score_paths``: a folder, one file at a time), ``_write`` (CSV, JSONL,
XLSX and HTML through ``atomic.py``).

>>> from indicatornlp import Filing, Indicator, Position
>>> filing = Filing(Position("a.txt"), year=2023, indicators=(
...     Indicator("服务需求响应时长", "≤24小时", "产出指标", "时效指标", actual_raw="30小时"),
...     Indicator("老年人满意度", "≥90%", "满意度指标", "服务对象满意度指标", actual_raw="93.5%")))
>>> card = score(filing)
>>> [(r.weight, r.score) for r in card.rows]
[(Decimal('50.00'), Decimal('37.50')), (Decimal('10.00'), Decimal('10.00'))]
>>> card.total, card.possible, card.percent, card.grade
(Decimal('47.50'), Decimal('60.00'), Decimal('79.17'), '中')
"""

from __future__ import annotations

from ._card import filed_cells, score
from ._files import ScoredFiles, score_paths
from ._judge import Judgement, judge
from ._rules import Band, ScoringRules, default_rules, load_rules
from ._write import TABLES, finding_rows, render_scores_html, score_rows, summary_rows, write_scores

__all__ = [
    "TABLES",
    "Band",
    "Judgement",
    "ScoredFiles",
    "ScoringRules",
    "default_rules",
    "filed_cells",
    "finding_rows",
    "judge",
    "load_rules",
    "render_scores_html",
    "score",
    "score_paths",
    "score_rows",
    "summary_rows",
    "write_scores",
]
