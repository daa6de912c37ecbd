"""The audit report: one self-contained HTML page (or a Markdown file) per run, in Chinese or English.

The page carries its own CSS and an inline SVG chart of the findings by code: no script, no font, no image
and no style sheet is fetched, so it opens in a browser with no network.  Every finding shows its row (from 1),
where it sits in the file, the indicator and its target; a legend at the end explains the codes the report uses.
The words come from ``data/messages.toml`` (``lang``: ``"zh"``, the default, or ``"en"``); every value taken
from a filing is escaped (HTML, and Markdown's own syntax).

>>> from indicatornlp import Filing, Finding, Position, Severity
>>> filing = Filing(Position("a.txt"), project="人才工作")
>>> page = render_html([(filing, [Finding("A203", Severity.WARNING, "no 成本指标")])], generated="2025-01-02")
>>> "人才工作" in page and "<svg" in page and "http" not in page and "缺少成本指标" in page
True
"""

from __future__ import annotations

import collections
import datetime
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .messages import resolve_lang, severity_name, text
from .records import Filing, Finding, Severity
from .rules import legend

__all__ = ["AuditedFiling", "by_code", "render_html", "render_markdown"]

AuditedFiling = tuple[Filing, Sequence[Finding]]
"""A filing and its findings (``audit(filing)``)."""

_COLORS = {Severity.ERROR: "#c0392b", Severity.WARNING: "#d68910", Severity.INFO: "#2e86c1"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

_CSS = """
body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 75em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.meta { color: #666; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: .5em 0 1em; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f4f6f7; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { font-weight: 600; white-space: nowrap; } .target { white-space: nowrap; }
.error { color: #c0392b; } .warning { color: #b9770e; } .info { color: #2e86c1; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .6em 1em; min-width: 8em; }
.card b { display: block; font-size: 1.6em; }
code { background: #f4f6f7; padding: 0 .2em; border-radius: 3px; }
"""


def by_code(findings: Iterable[Finding]) -> list[tuple[str, Severity, int]]:
    """Counts of findings per code, most frequent first (ties by code).

    >>> from indicatornlp import Finding, Severity
    >>> by_code([Finding("A120", Severity.WARNING, "x"), Finding("A120", Severity.WARNING, "y")])
    [('A120', <Severity.WARNING: 'warning'>, 2)]
    """
    counts: collections.Counter[str] = collections.Counter()
    severity: dict[str, Severity] = {}
    for f in findings:
        counts[f.code] += 1
        # a code can be raised at several severities (A203): chart it at its most severe
        if f.code not in severity or _ORDER[f.severity] < _ORDER[severity[f.code]]:
            severity[f.code] = f.severity
    return sorted(((c, severity[c], n) for c, n in counts.items()), key=lambda x: (-x[2], x[0]))


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _chart(counts: Sequence[tuple[str, Severity, int]], titles: dict[str, str], lang: str) -> str:
    """A horizontal bar chart as inline SVG."""
    if not counts:
        return f"<p>{_e(text('report.no_findings', lang))}</p>"
    bar_h, gap, label_w, bar_w, right = 20, 6, 330, 420, 50
    width = label_w + bar_w + right
    height = len(counts) * (bar_h + gap) + gap
    top = max(n for _, _, n in counts)
    parts = [
        # inline <svg> in HTML5 takes its namespace from the parser: no xmlns attribute needed
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{_e(text("report.chart_label", lang))}">'
    ]
    for i, (code, severity, n) in enumerate(counts):
        y = gap + i * (bar_h + gap)
        w = max(1, round(bar_w * n / top))
        label = f"{code} {titles.get(code, '')}"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" font-size="13">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{_COLORS[severity]}">'
            f"<title>{_e(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + bar_h - 5}" font-size="13">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _totals(audited: Sequence[AuditedFiling], failures: Sequence[Finding], lang: str) -> list[tuple[str, int]]:
    findings = [f for _, fs in audited for f in fs]
    counts = {
        "files": len({str(f.source.path) for f, _ in audited} | {str(x.source) for x in failures}),
        "projects": len(audited),
        "indicators": sum(len(f.indicators) for f, _ in audited),
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "infos": sum(f.severity is Severity.INFO for f in findings),
        "failed_files": len(failures),
    }
    return [(text(f"report.{key}", lang), n) for key, n in counts.items()]


def _row_label(f: Finding) -> str:
    return "" if f.row is None else str(f.row)


def _place(filing: Filing, f: Finding, lang: str) -> str:
    """Where the finding's row sits in its file (page, line, sheet, row), or the filing's start."""
    if f.row is not None and 0 < f.row <= len(filing.indicators):
        position = filing.indicators[f.row - 1].position
        if position is not None:
            return position.place(lang)
    return filing.source.place(lang) if f.row is None else ""


class _Words:
    """The report's words in one language: headings, column headers, severities, the codes' titles."""

    def __init__(self, lang: str, codes: Iterable[str]) -> None:
        self.lang = resolve_lang(lang)
        self.legend = legend(codes, self.lang)
        self.titles = {code: title for code, _, title, _ in self.legend}

    def __call__(self, key: str, **args: Any) -> str:
        return text(key, self.lang, **args)

    def column(self, table: str, name: str) -> str:
        return text(f"columns.{table}.{name}", self.lang)

    def severity(self, severity: Severity) -> str:
        return severity_name(severity, self.lang)


def _start(
    audited: Sequence[AuditedFiling], failures: Sequence[Finding], lang: str | None
) -> tuple[_Words, list[Finding]]:
    every = [f for _, fs in audited for f in fs] + list(failures)
    return _Words(resolve_lang(lang), (f.code for f in every)), every


def render_html(
    audited: Sequence[AuditedFiling],
    *,
    failures: Sequence[Finding] = (),
    title: str | None = None,
    generated: str | None = None,
    lang: str | None = None,
) -> str:
    """One self-contained HTML page: totals, a chart of findings by code, a summary per filing, the findings,
    and the legend of the codes used.

    ``failures`` are the files that could not be read (``F001`` findings, their ``source`` the file).
    ``row`` numbers on the page are 1-based (the first indicator of a filing is row 1), as ``Finding.row`` is.
    ``lang``: ``"zh"`` (default) or ``"en"``.
    """
    words, every = _start(audited, failures, lang)
    title = title or words("report.title")
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    html_lang = "zh-CN" if words.lang == "zh" else "en"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(words("report.generated", generated=generated))}</p>',
        '<div class="cards">',
    ]
    for label, value in _totals(audited, failures, words.lang):
        out.append(f'<div class="card"><b>{value}</b>{_e(label)}</div>')
    out.append("</div>")

    out.append(f"<h2>{_e(words('report.by_code'))}</h2>")
    out.append(_chart(by_code(every), words.titles, words.lang))

    columns = ("number", "source", "project", "department", "year", "indicators", "errors", "warnings", "infos")
    out.append(f"<h2>{_e(words('report.filings'))}</h2>")
    heads = "".join(f"<th>{_e(words.column('filings', c))}</th>" for c in (*columns, "codes"))
    out.append(f"<table><thead><tr>{heads}</tr></thead><tbody>")
    for i, (filing, findings) in enumerate(audited, 1):
        sev = collections.Counter(f.severity for f in findings)
        codes = ", ".join(sorted({f.code for f in findings}))
        out.append(
            f'<tr><td class="num"><a href="#f{i}">{i}</a></td><td>{_e(filing.source.shown(words.lang))}</td>'
            f"<td>{_e(filing.project)}</td><td>{_e(filing.department)}</td><td>{_e(filing.year)}</td>"
            f'<td class="num">{len(filing.indicators)}</td><td class="num error">{sev[Severity.ERROR]}</td>'
            f'<td class="num warning">{sev[Severity.WARNING]}</td><td class="num info">{sev[Severity.INFO]}</td>'
            f"<td>{_e(codes)}</td></tr>"
        )
    out.append("</tbody></table>")

    if failures:
        out.append(f"<h2>{_e(words('report.failures'))}</h2>")
        heads = "".join(
            f"<th>{_e(h)}</th>"
            for h in (
                words.column("filings", "source"),
                words.column("findings", "code"),
                words.column("filings", "reason"),
            )
        )
        out.append(f"<table><thead><tr>{heads}</tr></thead><tbody>")
        for f in failures:
            out.append(f"<tr><td>{_e(f.source)}</td><td>{_e(f.code)}</td><td>{_e(f.text(words.lang))}</td></tr>")
        out.append("</tbody></table>")

    out.append(f"<h2>{_e(words('report.findings'))}</h2>")
    finding_columns = ("row", "position", "indicator", "target", "code", "severity", "message")
    heads = "".join(f"<th>{_e(words.column('findings', c))}</th>" for c in finding_columns)
    for i, (filing, findings) in enumerate(audited, 1):
        out.append(
            f'<h3 id="f{i}">{i}. {_e(filing.project or words("report.no_project"))} '
            f'<span class="meta">— {_e(filing.source.shown(words.lang))}</span></h3>'
        )
        if not findings:
            out.append(f"<p>{_e(words('report.no_findings'))}</p>")
            continue
        out.append(f"<table><thead><tr>{heads}</tr></thead><tbody>")
        for f in findings:
            out.append(
                f'<tr><td class="num">{_row_label(f)}</td><td>{_e(_place(filing, f, words.lang))}</td>'
                f'<td>{_e(f.indicator)}</td><td class="target">{_e(f.target)}</td>'
                f'<td title="{_e(words.titles.get(f.code, ""))}"><a href="#code-{_e(f.code)}">{_e(f.code)}</a></td>'
                f'<td class="sev {f.severity.value}">{_e(words.severity(f.severity))}</td>'
                f"<td>{_e(f.text(words.lang))}</td></tr>"
            )
        out.append("</tbody></table>")

    if words.legend:
        out.append(f"<h2>{_e(words('report.legend'))}</h2>")
        heads = "".join(f"<th>{_e(words.column('legend', c))}</th>" for c in ("code", "severity", "title", "doc"))
        out.append(f"<table><thead><tr>{heads}</tr></thead><tbody>")
        for code, severity, code_title, doc in words.legend:
            out.append(
                f'<tr id="code-{_e(code)}"><td>{_e(code)}</td><td>{_e(severity)}</td><td>{_e(code_title)}</td>'
                f"<td>{_e(doc)}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# Markdown's own syntax in a value: escaped with a backslash (CommonMark: any ASCII punctuation may be)
_MD_SYNTAX = re.compile(r"([\\`*_\[\]{}|~#!])")


def _md(value: Any) -> str:
    """A value as Markdown table text: HTML escaped, Markdown syntax escaped, on one line.

    >>> _md("<b>x</b> | *y* [z](http://a)")
    '&lt;b&gt;x&lt;/b&gt; \\\\| \\\\*y\\\\* \\\\[z\\\\](http://a)'
    """
    raw = " ".join(("" if value is None else str(value)).split())
    return _MD_SYNTAX.sub(r"\\\1", html.escape(raw, quote=False))


def render_markdown(
    audited: Sequence[AuditedFiling],
    *,
    failures: Sequence[Finding] = (),
    title: str | None = None,
    generated: str | None = None,
    lang: str | None = None,
) -> str:
    """The same report as Markdown (the chart becomes a table with text bars); every value is escaped."""
    words, every = _start(audited, failures, lang)
    title = title or words("report.title")
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    out = [f"# {_md(title)}", "", _md(words("report.generated", generated=generated)), ""]
    out.append(" · ".join(f"**{v}** {_md(k)}" for k, v in _totals(audited, failures, words.lang)))
    out += ["", f"## {_md(words('report.by_code'))}", ""]
    counts = by_code(every)
    if counts:
        top = max(n for _, _, n in counts)
        heads = [words.column("legend", "code"), words.column("legend", "title"), words.column("legend", "severity")]
        out += ["| " + " | ".join(map(_md, heads)) + f" | {_md(words('report.count'))} | |", "|---|---|---|---:|---|"]
        for code, severity, n in counts:
            bar = "█" * max(1, round(30 * n / top))
            out.append(
                f"| {_md(code)} | {_md(words.titles.get(code, ''))} | {_md(words.severity(severity))} | {n} | {bar} |"
            )
    else:
        out.append(_md(words("report.no_findings")))
    out += ["", f"## {_md(words('report.filings'))}", ""]
    columns = ("number", "source", "project", "department", "year", "indicators", "errors", "warnings", "infos")
    out.append("| " + " | ".join(_md(words.column("filings", c)) for c in columns) + " |")
    out.append("|---:|---|---|---|---|---:|---:|---:|---:|")
    for i, (filing, findings) in enumerate(audited, 1):
        sev = collections.Counter(f.severity for f in findings)
        out.append(
            f"| {i} | {_md(filing.source.shown(words.lang))} | {_md(filing.project)} | {_md(filing.department)} "
            f"| {_md(filing.year)} "
            f"| {len(filing.indicators)} | {sev[Severity.ERROR]} | {sev[Severity.WARNING]} | {sev[Severity.INFO]} |"
        )
    if failures:
        heads = [words.column("filings", "source"), words.column("findings", "code"), words.column("filings", "reason")]
        out += [
            "",
            f"## {_md(words('report.failures'))}",
            "",
            "| " + " | ".join(map(_md, heads)) + " |",
            "|---|---|---|",
        ]
        out += [f"| {_md(f.source)} | {_md(f.code)} | {_md(f.text(words.lang))} |" for f in failures]
    out += ["", f"## {_md(words('report.findings'))}"]
    finding_columns = ("row", "position", "indicator", "target", "code", "severity", "message")
    for i, (filing, findings) in enumerate(audited, 1):
        project = filing.project or words("report.no_project")
        out += ["", f"### {i}. {_md(project)} — {_md(filing.source.shown(words.lang))}", ""]
        if not findings:
            out.append(_md(words("report.no_findings")))
            continue
        out += [
            "| " + " | ".join(_md(words.column("findings", c)) for c in finding_columns) + " |",
            "|---:|---|---|---|---|---|---|",
        ]
        out += [
            f"| {_row_label(f)} | {_md(_place(filing, f, words.lang))} | {_md(f.indicator)} | {_md(f.target)} "
            f"| {_md(f.code)} | {_md(words.severity(f.severity))} | {_md(f.text(words.lang))} |"
            for f in findings
        ]
    if words.legend:
        heads = [words.column("legend", c) for c in ("code", "severity", "title", "doc")]
        out += ["", f"## {_md(words('report.legend'))}", "", "| " + " | ".join(map(_md, heads)) + " |"]
        out.append("|---|---|---|---|")
        out += [f"| {_md(c)} | {_md(s)} | {_md(t)} | {_md(d)} |" for c, s, t, d in words.legend]
    return "\n".join(out) + "\n"
