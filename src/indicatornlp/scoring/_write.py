"""Scorecards to disk: CSV, JSONL, XLSX tables and a self-contained HTML page, every file through ``atomic.py``.

Three tables, as ``tag`` writes them: ``scores`` (one row per indicator), ``findings`` (the S1xx checks, and the
files that could not be scored) and ``summary`` (one row per filing).  ``.csv``/``.jsonl`` write three files
(``out.csv``, ``out.findings.csv``, ``out.summary.csv``); ``.xlsx`` one workbook with three sheets; ``.html`` one page
with a chart of score by 一级 and the deviations of each filing.

>>> rows = score_rows([])
>>> SCORE_COLUMNS[:4], rows
(('source', 'position', 'filing', 'project'), [])
"""

from __future__ import annotations

import csv
import datetime
import html
import json
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..atomic import AtomicFiles
from ..errors import OutputError
from ..records import FINDING_COLUMNS, Finding, Scorecard, _decimal_text

__all__ = [
    "FINDING_COLUMNS",
    "SCORE_COLUMNS",
    "SUMMARY_COLUMNS",
    "Failure",
    "finding_rows",
    "render_scores_html",
    "score_rows",
    "summary_rows",
    "write_scores",
]

SCORE_COLUMNS = (
    "source",
    "position",
    "filing",
    "project",
    "row",
    "level1",
    "name",
    "weight",
    "target",
    "actual",
    "ratio",
    "score",
    "filed_score",
    "rule",
    "flags",
    "reason",
    "findings",
)
"""One row per indicator: ``weight``, ``ratio``, ``score`` and ``filed_score`` as exact decimals written as text."""

SUMMARY_COLUMNS = (
    "source",
    "filing",
    "project",
    "year",
    "indicators",
    "scored",
    "total",
    "possible",
    "percent",
    "grade",
    "filed_total",
    "budget_rate",
    "flags",
    "codes",
    "status",
)
TABLES = {"scores": SCORE_COLUMNS, "findings": FINDING_COLUMNS, "summary": SUMMARY_COLUMNS}

Failure = Finding
"""A file that could not be scored: a finding with ``source`` the file (F001 unreadable, E110 nothing to score)."""


def _d(value: Decimal | None) -> str | None:
    return None if value is None else _decimal_text(value)


def _where(card: Scorecard, position: Any) -> str:
    return str(position).removeprefix(f"{card.source.path}").lstrip(", ") if position is not None else ""


def score_rows(cards: Sequence[tuple[int, Scorecard]]) -> list[dict[str, Any]]:
    """One dict per indicator (keys ``SCORE_COLUMNS``); ``cards`` pairs each card with its number in its file."""
    out = []
    for number, card in cards:
        codes: dict[int, list[str]] = {}
        for f in card.findings:
            if f.row is not None:
                codes.setdefault(f.row, []).append(f.code)
        for r in card.rows:
            out.append(
                {
                    "source": card.source.path,
                    "position": _where(card, r.position),
                    "filing": number,
                    "project": card.project,
                    "row": r.index + 1,
                    "level1": r.level1,
                    "name": r.name,
                    "weight": _d(r.weight),
                    "target": r.target.raw,
                    "actual": None if r.actual is None else r.actual.raw,
                    "ratio": _d(r.ratio),
                    "score": _d(r.score),
                    "filed_score": _d(r.filed_score),
                    "rule": r.rule,
                    "flags": sorted(r.flags),
                    "reason": r.reason,
                    "findings": codes.get(r.index + 1, []),
                }
            )
    return out


def finding_rows(cards: Sequence[tuple[int, Scorecard]], failures: Sequence[Failure] = ()) -> list[dict[str, Any]]:
    """One dict per finding (keys ``FINDING_COLUMNS``), then one per file that could not be scored."""
    out = []
    for number, card in cards:
        positions = {r.index + 1: r.position for r in card.rows}
        for f in card.findings:
            out.append(
                {
                    "source": card.source.path,
                    "position": _where(card, positions.get(f.row) if f.row is not None else card.source),
                    "filing": number,
                    "project": card.project,
                    "row": f.row,
                    "indicator": f.indicator,
                    "code": f.code,
                    "severity": f.severity.value,
                    "message": f.message,
                }
            )
    for failure in failures:
        out.append(
            dict.fromkeys(FINDING_COLUMNS)
            | {
                "source": failure.source,
                "code": failure.code,
                "severity": failure.severity.value,
                "message": failure.message,
            }
        )
    return out


def summary_rows(cards: Sequence[tuple[int, Scorecard]], failures: Sequence[Failure] = ()) -> list[dict[str, Any]]:
    """One dict per filing (keys ``SUMMARY_COLUMNS``), then one ``failed`` row per file that could not be scored."""
    out = []
    for number, card in cards:
        out.append(
            {
                "source": card.source.path,
                "filing": number,
                "project": card.project,
                "year": card.year,
                "indicators": len(card.rows),
                "scored": sum(r.score is not None for r in card.rows),
                "total": _d(card.total),
                "possible": _d(card.possible),
                "percent": _d(card.percent),
                "grade": card.grade,
                "filed_total": _d(card.filed_total),
                "budget_rate": _d(card.budget_rate),
                "flags": sorted(card.flags),
                "codes": sorted({f.code for f in card.findings}),
                "status": "ok",
            }
        )
    for failure in failures:
        out.append(dict.fromkeys(SUMMARY_COLUMNS) | {"source": failure.source, "status": f"failed: {failure.code}"})
    return out


# ---- files -----------------------------------------------------------------------------------------------------

_SUFFIXES = (".csv", ".jsonl", ".xlsx", ".html", ".htm")


def write_scores(
    cards: Sequence[tuple[int, Scorecard]], out: str | os.PathLike[str], *, failures: Sequence[Failure] = ()
) -> tuple[Path, ...]:
    """Write the scorecards to ``out`` by its suffix; returns the files written (the main file last)."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise OutputError(
            str(path), f"cannot write '{path.suffix}' files", hint="name the output .xlsx, .csv, .jsonl or .html"
        )
    tables = {
        "scores": score_rows(cards),
        "findings": finding_rows(cards, failures),
        "summary": summary_rows(cards, failures),
    }
    try:
        with AtomicFiles() as files:
            if suffix in (".html", ".htm"):
                _write_text(files.temp(path), render_scores_html(cards, failures=failures))
                return (path,)
            if suffix == ".xlsx":
                _write_xlsx(files.temp(path), tables)
                return (path,)
            paths = {name: path.with_name(f"{path.stem}.{name}{path.suffix}") for name in ("summary", "findings")}
            paths["scores"] = path
            for name in ("summary", "findings", "scores"):  # the main file is renamed last
                write = _write_jsonl if suffix == ".jsonl" else _write_csv
                write(files.temp(paths[name]), TABLES[name], tables[name])
            return (paths["summary"], paths["findings"], path)
    except OSError as err:
        raise OutputError(str(path), f"cannot be written ({err.strerror})", hint="check the path") from None


def _write_text(temp: Path, text: str) -> None:
    temp.write_text(text, encoding="utf-8")


def _cell(value: Any) -> Any:
    return ";".join(str(v) for v in value) if isinstance(value, list) else value


def _write_csv(temp: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    with temp.open("w", encoding="utf-8-sig", newline="") as handle:  # the byte-order mark tells Excel it is UTF-8
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])


def _write_jsonl(temp: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    with temp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")


def _write_xlsx(temp: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, columns in TABLES.items():
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append(list(columns))
        for row in tables[name]:
            cells = []
            for c in columns:
                value = _cell(row.get(c))
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # "=8个" is a target as filed, not a formula
                cells.append(cell)
            sheet.append(cells)
    book.save(temp)


# ---- html ------------------------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 75em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; } .meta { color: #666; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: .5em 0 1em; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f4f6f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.lost td { background: #fdf2e9; } tr.unscored td { background: #fdedec; }
.grade { font-size: 1.4em; font-weight: 600; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _n(value: Decimal | None) -> str:
    return "" if value is None else _decimal_text(value.quantize(Decimal("0.01")))


def _chart(card: Scorecard) -> str:
    """Score against weight per 一级, as inline SVG bars (the weight grey, the score over it)."""
    parts = card.by_level1()
    if not parts:
        return "<p>No scored rows.</p>"
    bar_h, gap, label_w, bar_w, right = 20, 8, 140, 420, 90
    top = max(w for _, w in parts.values()) or Decimal(1)
    height = len(parts) * (bar_h + gap) + gap
    out = [f'<svg role="img" width="{label_w + bar_w + right}" height="{height}" aria-label="score by 一级">']
    for i, (level1, (got, weight)) in enumerate(parts.items()):
        y = gap + i * (bar_h + gap)
        full = max(1, round(bar_w * float(weight / top)))
        part = round(bar_w * float(got / top))
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" font-size="13">{_e(level1)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{full}" height="{bar_h}" fill="#d5d8dc"/>'
            f'<rect x="{label_w}" y="{y}" width="{part}" height="{bar_h}" fill="#2e86c1">'
            f"<title>{_e(level1)}: {_n(got)} of {_n(weight)}</title></rect>"
            f'<text x="{label_w + full + 6}" y="{y + bar_h - 5}" font-size="13">{_n(got)} / {_n(weight)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def render_scores_html(
    cards: Sequence[tuple[int, Scorecard]], *, failures: Sequence[Failure] = (), generated: str | None = None
) -> str:
    """One self-contained page: per filing its total and grade, a chart of score by 一级, every row, the findings."""
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    out = [
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>indicatornlp scores</title>',
        f"<style>{_CSS}</style></head><body><h1>Scored self-evaluations (绩效自评表)</h1>",
        f'<p class="meta">{len(cards)} filing(s), {len(failures)} file(s) not scored — generated {_e(generated)}</p>',
    ]
    for failure in failures:
        out.append(f"<p><b>{_e(failure.source)}</b>: {_e(failure.message)}</p>")
    for _, card in cards:
        filed = f" — the filer's total {_n(card.filed_total)}" if card.filed_total is not None else ""
        out.append(f'<h2>{_e(card.project or "(no project name)")}</h2><p class="meta">{_e(card.source)}</p>')
        out.append(
            f'<p><span class="grade">{_e(card.grade or "no grade")}</span> {_n(card.total)} of {_n(card.possible)}'
            f" points ({_n(card.percent)} %){_e(filed)}"
            + (f"; 预算执行率 {_n(card.budget_rate)} %" if card.budget_rate is not None else "")
            + "</p>"
        )
        out.append(_chart(card))
        out.append(
            "<table><tr><th>#</th><th>一级</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th>"
            "<th>得分 (ours)</th><th>得分 (filed)</th><th>rule</th><th>偏差原因</th></tr>"
        )
        for r in card.rows:
            css = "unscored" if r.score is None and r.weight is not None else "lost" if r.deviation else ""
            out.append(
                f'<tr class="{css}"><td class="num">{r.index + 1}</td><td>{_e(r.level1)}</td><td>{_e(r.name)}</td>'
                f"<td>{_e(r.target.raw)}</td><td>{_e(r.actual.raw if r.actual else '')}</td>"
                f'<td class="num">{_n(r.weight)}</td><td class="num">{_n(r.score)}</td>'
                f'<td class="num">{_n(r.filed_score)}</td><td>{_e(r.rule)}</td><td>{_e(r.reason)}</td></tr>'
            )
        out.append("</table>")
        if card.findings:
            out.append("<table><tr><th>#</th><th>code</th><th>severity</th><th>indicator</th><th>message</th></tr>")
            for f in card.findings:
                row = "" if f.row is None else f.row
                out.append(
                    f'<tr><td class="num">{row}</td><td>{f.code}</td><td>{f.severity.value}</td>'
                    f"<td>{_e(f.indicator)}</td><td>{_e(f.message)}</td></tr>"
                )
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
