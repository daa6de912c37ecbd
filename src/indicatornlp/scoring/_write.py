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
from ..cells import Layout, csv_cells, sheet_value
from ..errors import OutputError
from ..messages import Lang, failed_status, header, headers, resolve_lang, severity_name, shown, text
from ..records import FINDING_COLUMNS, Finding, Scorecard, _decimal_text
from ..rules import legend
from ..sheets import Book

__all__ = [
    "FINDING_COLUMNS",
    "LAYOUT",
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
"""A file that could not be scored: a finding with ``source`` the file (F001 unreadable, S201 nothing to score)."""


def _d(value: Decimal | None) -> str | None:
    return None if value is None else _decimal_text(value)


def _where(position: Any, lang: Lang) -> str:
    """Where a row sits in its file, in ``lang`` (``Position.place``: ``第 12 行`` / ``line 12``)."""
    return position.place(lang) if position is not None else ""


def score_rows(
    cards: Sequence[tuple[int, Scorecard]], *, lang: str | None = None, rule_lang: str | None = None
) -> list[dict[str, Any]]:
    """One dict per indicator (keys ``SCORE_COLUMNS``; positions and rules in ``lang``, the rules in ``rule_lang``
    when given: JSONL keeps ``ScoreRow.rule``'s English); ``cards`` pairs each card with its number in its file."""
    language = resolve_lang(lang)
    rules = resolve_lang(rule_lang or language)
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
                    "position": _where(r.position, language),
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
                    "rule": r.rule_text(rules),
                    "flags": sorted(r.flags),
                    "reason": r.reason,
                    "findings": codes.get(r.index + 1, []),
                }
            )
    return out


def finding_rows(
    cards: Sequence[tuple[int, Scorecard]], failures: Sequence[Failure] = (), *, lang: str | None = None
) -> list[dict[str, Any]]:
    """One dict per finding (keys ``FINDING_COLUMNS``, the message in ``lang``), then one per file not scored."""
    language = resolve_lang(lang)
    out = []
    for number, card in cards:
        positions = {r.index + 1: r.position for r in card.rows}
        for f in card.findings:
            out.append(
                {
                    "source": card.source.path,
                    "position": _where(positions.get(f.row) if f.row is not None else card.source, language),
                    "filing": number,
                    "project": card.project,
                    "row": f.row,
                    "indicator": f.indicator,
                    "code": f.code,
                    "severity": f.severity.value,
                    "message": f.text(lang),
                }
            )
    for failure in failures:
        out.append(
            dict.fromkeys(FINDING_COLUMNS)
            | {
                "source": failure.source,
                "code": failure.code,
                "severity": failure.severity.value,
                "message": failure.text(lang),
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
        out.append(dict.fromkeys(SUMMARY_COLUMNS) | {"source": failure.source, "status": failed_status(failure.code)})
    return out


# ---- files -----------------------------------------------------------------------------------------------------

_SUFFIXES = (".csv", ".jsonl", ".xlsx", ".html", ".htm")
_HEADERS = {"scores": "scores", "findings": "findings", "summary": "score_summary"}
"""The catalogue's ``[columns.TABLE]`` of each table's headers (``data/messages.toml``)."""

LAYOUT = Layout(
    numbers=frozenset({"filing", "row", "weight", "ratio", "score", "filed_score", "year", "indicators", "scored"})
    | frozenset({"total", "possible", "percent", "filed_total", "budget_rate"}),
    severity="severity",
)
"""How a workbook stores the columns of the three tables that are not text (decimals as number cells)."""


def write_scores(
    cards: Sequence[tuple[int, Scorecard]],
    out: str | os.PathLike[str],
    *,
    failures: Sequence[Failure] = (),
    lang: str | None = None,
    raw: bool = False,
) -> tuple[Path, ...]:
    """Write the scorecards to ``out`` by its suffix; returns the files written (the main file last).

    ``lang``: the language of the headers, sheet names, findings, rules and page (``zh``, ``en``; ``None``: the
    default); JSONL keeps the stable English keys and the English rule (``ScoreRow.rule``).  CSV text cells that a
    spreadsheet would run as a formula get a leading apostrophe unless ``raw`` (``cells.neutralize``); a workbook
    holds typed cells and, when there are findings, a legend of their codes.
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise OutputError(
            str(path), f"cannot write '{path.suffix}' files", hint="name the output .xlsx, .csv, .jsonl or .html"
        )
    language = resolve_lang(lang)
    tables = {
        "scores": score_rows(cards, lang=language, rule_lang="en" if suffix == ".jsonl" else None),
        "findings": finding_rows(cards, failures, lang=language),
        "summary": summary_rows(cards, failures),
    }
    try:
        with AtomicFiles() as files:
            if suffix in (".html", ".htm"):
                _write_text(files.temp(path), render_scores_html(cards, failures=failures, lang=language))
                return (path,)
            if suffix == ".xlsx":
                _write_xlsx(files, path, tables, language)
                return (path,)
            paths = {name: path.with_name(f"{path.stem}.{name}{path.suffix}") for name in ("summary", "findings")}
            paths["scores"] = path
            for name in ("summary", "findings", "scores"):  # the main file is renamed last
                if suffix == ".jsonl":
                    _write_jsonl(files.temp(paths[name]), TABLES[name], tables[name])
                else:
                    _write_csv(files.temp(paths[name]), name, tables[name], language, raw=raw)
            return (paths["summary"], paths["findings"], path)
    except OSError as err:
        raise OutputError(str(path), f"cannot be written ({err.strerror})", hint="check the path") from None


def _write_text(temp: Path, text: str) -> None:
    temp.write_text(text, encoding="utf-8")


def _write_csv(temp: Path, table: str, rows: Iterable[dict[str, Any]], lang: Lang, *, raw: bool) -> None:
    columns = TABLES[table]
    with temp.open("w", encoding="utf-8-sig", newline="") as handle:  # the byte-order mark tells Excel it is UTF-8
        writer = csv.writer(handle)
        writer.writerow(headers(_HEADERS[table], columns, lang))
        for row in rows:
            writer.writerow(csv_cells((shown(c, row.get(c), lang) for c in columns), raw=raw)[0])


def _write_jsonl(temp: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    with temp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")


def _write_xlsx(files: AtomicFiles, path: Path, tables: dict[str, list[dict[str, Any]]], lang: Lang) -> None:
    book = Book(files, path)
    for name, columns in TABLES.items():
        sheet = book.sheet(text(f"sheets.{name}", lang), columns, headers(_HEADERS[name], columns, lang), LAYOUT)
        for row in tables[name]:
            sheet.append([sheet_value(shown(c, row.get(c), lang))[0] for c in columns])
    codes = {str(f["code"]) for f in tables["findings"] if f.get("code")}
    if codes:
        book.legend(legend(codes, lang), lang)
    book.save(files.temp(path))


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


def _chart(card: Scorecard, lang: Lang) -> str:
    """Score against weight per 一级, as inline SVG bars (the weight grey, the score over it)."""
    parts = card.by_level1()
    if not parts:
        return f"<p>{_e(text('scores.no_rows', lang))}</p>"
    bar_h, gap, label_w, bar_w, right = 20, 8, 140, 420, 90
    top = max(w for _, w in parts.values()) or Decimal(1)
    height = len(parts) * (bar_h + gap) + gap
    label = _e(text("scores.chart_label", lang))
    out = [f'<svg role="img" width="{label_w + bar_w + right}" height="{height}" aria-label="{label}">']
    for i, (level1, (got, weight)) in enumerate(parts.items()):
        y = gap + i * (bar_h + gap)
        full = max(1, round(bar_w * float(weight / top)))
        part = round(bar_w * float(got / top))
        of = _e(text("scores.of", lang, got=_n(got), weight=_n(weight)))
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" font-size="13">{_e(level1)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{full}" height="{bar_h}" fill="#d5d8dc"/>'
            f'<rect x="{label_w}" y="{y}" width="{part}" height="{bar_h}" fill="#2e86c1">'
            f"<title>{_e(level1)}: {of}</title></rect>"
            f'<text x="{label_w + full + 6}" y="{y + bar_h - 5}" font-size="13">{_n(got)} / {_n(weight)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _heads(keys: Iterable[tuple[str, str]], lang: Lang) -> str:
    return "".join(
        f"<th>{_e(text(key, lang) if table == '' else header(table, key, lang))}</th>" for table, key in keys
    )


_ROW_HEADS = (
    ("", "scores.number"),
    ("scores", "level1"),
    ("scores", "name"),
    ("scores", "target"),
    ("scores", "actual"),
    ("scores", "weight"),
    ("", "scores.score"),
    ("", "scores.filed_score"),
    ("", "scores.rule"),
    ("scores", "reason"),
)
_FINDING_HEADS = (("", "scores.number"), ("findings", "code"), ("findings", "severity"), ("findings", "indicator"))


def render_scores_html(
    cards: Sequence[tuple[int, Scorecard]],
    *,
    failures: Sequence[Failure] = (),
    generated: str | None = None,
    lang: str | None = None,
) -> str:
    """One self-contained page: per filing its total and grade, a chart of score by 一级, every row, the findings.

    ``lang``: the language of the headings and messages (``None``: the default, Chinese); a legend of the codes
    the findings use ends the page.
    """
    language = resolve_lang(lang)
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    meta = text("scores.meta", language, filings=len(cards), failed=len(failures), generated=generated)
    out = [
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>indicatornlp scores</title>',
        f"<style>{_CSS}</style></head><body><h1>{_e(text('scores.title', language))}</h1>",
        f'<p class="meta">{_e(meta)}</p>',
    ]
    for failure in failures:
        out.append(f"<p><b>{_e(failure.source)}</b>: {_e(failure.text(language))}</p>")
    codes: set[str] = {f.code for f in failures}
    for _, card in cards:
        filed = "" if card.filed_total is None else text("scores.filed", language, total=_n(card.filed_total))
        rate = "" if card.budget_rate is None else text("scores.budget_rate", language, rate=_n(card.budget_rate))
        points = text(
            "scores.points", language, total=_n(card.total), possible=_n(card.possible), percent=_n(card.percent)
        )
        project = card.project or text("report.no_project", language)
        out.append(f'<h2>{_e(project)}</h2><p class="meta">{_e(card.source)}</p>')
        grade = card.grade or text("scores.no_grade", language)
        out.append(f'<p><span class="grade">{_e(grade)}</span> {_e(points)}{_e(filed)}{_e(rate)}</p>')
        out.append(_chart(card, language))
        out.append(f"<table><tr>{_heads(_ROW_HEADS, language)}</tr>")
        for r in card.rows:
            css = "unscored" if r.score is None and r.weight is not None else "lost" if r.deviation else ""
            out.append(
                f'<tr class="{css}"><td class="num">{r.index + 1}</td><td>{_e(r.level1)}</td><td>{_e(r.name)}</td>'
                f"<td>{_e(r.target.raw)}</td><td>{_e(r.actual.raw if r.actual else '')}</td>"
                f'<td class="num">{_n(r.weight)}</td><td class="num">{_n(r.score)}</td>'
                f'<td class="num">{_n(r.filed_score)}</td><td>{_e(r.rule_text(language))}</td>'
                f"<td>{_e(r.reason)}</td></tr>"
            )
        out.append("</table>")
        if card.findings:
            heads = _heads((*_FINDING_HEADS, ("findings", "message")), language)
            out.append(f"<h3>{_e(text('report.findings', language))}</h3><table><tr>{heads}</tr>")
            for f in card.findings:
                row = "" if f.row is None else f.row
                out.append(
                    f'<tr><td class="num">{row}</td><td>{f.code}</td><td>{_e(severity_name(f.severity, language))}</td>'
                    f"<td>{_e(f.indicator)}</td><td>{_e(f.text(language))}</td></tr>"
                )
                codes.add(f.code)
            out.append("</table>")
    if codes:
        keys = [("legend", c) for c in ("code", "severity", "title", "doc")]
        out.append(f"<h2>{_e(text('report.legend', language))}</h2><table><tr>{_heads(keys, language)}</tr>")
        for code, severity, title, doc in legend(codes, language):
            out.append(f"<tr><td>{_e(code)}</td><td>{_e(severity)}</td><td>{_e(title)}</td><td>{_e(doc)}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)
