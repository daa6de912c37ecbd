"""The audit report: one self-contained HTML page (or a Markdown file) per run.

The page carries its own CSS and an inline SVG chart of the findings by code: no script, no font, no image
and no style sheet is fetched, so it opens in a browser with no network.

>>> from indicatornlp import Filing, Finding, Position, Severity
>>> filing = Filing(Position("a.txt"), project="人才工作")
>>> page = render_html([(filing, [Finding("A203", Severity.WARNING, "no 成本指标")])], generated="2025-01-02")
>>> "人才工作" in page and "<svg" in page and "http" not in page
True
"""

from __future__ import annotations

import collections
import datetime
import functools
import html
from collections.abc import Iterable, Sequence
from typing import Any

from .records import Filing, Finding, Severity
from .rules import catalogue

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
.sev { font-weight: 600; white-space: nowrap; }
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


@functools.cache
def _titles() -> dict[str, str]:
    return {rule.code: rule.title for rule in catalogue()}


def _title(code: str) -> str:
    """The rule's short title beside its code (``""`` for a code the catalogue does not know)."""
    return _titles().get(code, "")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _chart(counts: Sequence[tuple[str, Severity, int]]) -> str:
    """A horizontal bar chart as inline SVG."""
    if not counts:
        return "<p>No findings.</p>"
    bar_h, gap, label_w, bar_w, right = 20, 6, 330, 420, 50
    width = label_w + bar_w + right
    height = len(counts) * (bar_h + gap) + gap
    top = max(n for _, _, n in counts)
    parts = [
        # inline <svg> in HTML5 takes its namespace from the parser: no xmlns attribute needed
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'aria-label="findings by code">'
    ]
    for i, (code, severity, n) in enumerate(counts):
        y = gap + i * (bar_h + gap)
        w = max(1, round(bar_w * n / top))
        label = f"{code} {_title(code)}"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" font-size="13">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{_COLORS[severity]}">'
            f"<title>{_e(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + bar_h - 5}" font-size="13">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _totals(audited: Sequence[AuditedFiling], failures: Sequence[Finding]) -> dict[str, int]:
    findings = [f for _, fs in audited for f in fs]
    return {
        "files": len({str(f.source.path) for f, _ in audited} | {str(x.source) for x in failures}),
        "filings": len(audited),
        "indicators": sum(len(f.indicators) for f, _ in audited),
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
        "info": sum(f.severity is Severity.INFO for f in findings),
        "failed files": len(failures),
    }


def _row_label(f: Finding) -> str:
    return "" if f.row is None else str(f.row + 1)


def render_html(
    audited: Sequence[AuditedFiling],
    *,
    failures: Sequence[Finding] = (),
    title: str = "indicatornlp audit",
    generated: str | None = None,
) -> str:
    """One self-contained HTML page: totals, a chart of findings by code, a summary per filing, the findings.

    ``failures`` are the files that could not be read (``F001`` findings, their ``source`` the file).
    ``row`` numbers on the page are 1-based (the first indicator of a filing is row 1).
    """
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    totals = _totals(audited, failures)
    all_findings = [f for _, fs in audited for f in fs] + list(failures)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Generated {_e(generated)} by indicatornlp. Row numbers are 1-based; '
        "codes are explained in <code>indicatornlp.audit</code>.</p>",
        '<div class="cards">',
    ]
    for label, value in totals.items():
        out.append(f'<div class="card"><b>{value}</b>{_e(label)}</div>')
    out.append("</div>")

    out.append("<h2>Findings by code</h2>")
    out.append(_chart(by_code(all_findings)))

    out.append("<h2>Filings</h2>")
    out.append(
        "<table><thead><tr><th>#</th><th>source</th><th>project 项目名称</th><th>department 主管部门</th>"
        "<th>year</th><th>indicators</th><th>errors</th><th>warnings</th><th>info</th><th>codes</th>"
        "</tr></thead><tbody>"
    )
    for i, (filing, findings) in enumerate(audited, 1):
        sev = collections.Counter(f.severity for f in findings)
        codes = ", ".join(sorted({f.code for f in findings}))
        out.append(
            f'<tr><td class="num"><a href="#f{i}">{i}</a></td><td>{_e(filing.source)}</td>'
            f"<td>{_e(filing.project)}</td><td>{_e(filing.department)}</td><td>{_e(filing.year)}</td>"
            f'<td class="num">{len(filing.indicators)}</td><td class="num error">{sev[Severity.ERROR]}</td>'
            f'<td class="num warning">{sev[Severity.WARNING]}</td><td class="num info">{sev[Severity.INFO]}</td>'
            f"<td>{_e(codes)}</td></tr>"
        )
    out.append("</tbody></table>")

    if failures:
        out.append("<h2>Files that could not be read</h2>")
        out.append("<table><thead><tr><th>file</th><th>code</th><th>reason</th></tr></thead><tbody>")
        for f in failures:
            out.append(f"<tr><td>{_e(f.source)}</td><td>{_e(f.code)}</td><td>{_e(f.message)}</td></tr>")
        out.append("</tbody></table>")

    out.append("<h2>Findings</h2>")
    for i, (filing, findings) in enumerate(audited, 1):
        out.append(
            f'<h3 id="f{i}">{i}. {_e(filing.project or "(no project name)")} '
            f'<span class="meta">— {_e(filing.source)}</span></h3>'
        )
        if not findings:
            out.append("<p>No findings.</p>")
            continue
        out.append(
            "<table><thead><tr><th>row</th><th>indicator 三级指标</th><th>code</th><th>severity</th>"
            "<th>what is wrong — what to do</th></tr></thead><tbody>"
        )
        for f in findings:
            out.append(
                f'<tr><td class="num">{_row_label(f)}</td><td>{_e(f.indicator)}</td>'
                f'<td title="{_e(_title(f.code))}">{_e(f.code)}</td>'
                f'<td class="sev {f.severity.value}">{f.severity.value}</td><td>{_e(f.message)}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _md(value: Any) -> str:
    return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")


def render_markdown(
    audited: Sequence[AuditedFiling],
    *,
    failures: Sequence[Finding] = (),
    title: str = "indicatornlp audit",
    generated: str | None = None,
) -> str:
    """The same report as Markdown (the chart becomes a table with text bars)."""
    generated = generated or datetime.datetime.now().isoformat(timespec="seconds")
    totals = _totals(audited, failures)
    all_findings = [f for _, fs in audited for f in fs] + list(failures)
    out = [f"# {title}", "", f"Generated {generated} by indicatornlp. Row numbers are 1-based.", ""]
    out.append(" · ".join(f"**{v}** {k}" for k, v in totals.items()))
    out += ["", "## Findings by code", ""]
    counts = by_code(all_findings)
    if counts:
        top = max(n for _, _, n in counts)
        out += ["| code | rule | severity | count | |", "|---|---|---|---:|---|"]
        for code, severity, n in counts:
            bar = "█" * max(1, round(30 * n / top))
            out.append(f"| {code} | {_md(_title(code))} | {severity.value} | {n} | {bar} |")
    else:
        out.append("No findings.")
    out += ["", "## Filings", ""]
    out.append("| # | source | project | department | year | indicators | errors | warnings | info |")
    out.append("|---:|---|---|---|---|---:|---:|---:|---:|")
    for i, (filing, findings) in enumerate(audited, 1):
        sev = collections.Counter(f.severity for f in findings)
        out.append(
            f"| {i} | {_md(filing.source)} | {_md(filing.project)} | {_md(filing.department)} | {_md(filing.year)} "
            f"| {len(filing.indicators)} | {sev[Severity.ERROR]} | {sev[Severity.WARNING]} | {sev[Severity.INFO]} |"
        )
    if failures:
        out += ["", "## Files that could not be read", "", "| file | code | reason |", "|---|---|---|"]
        out += [f"| {_md(f.source)} | {f.code} | {_md(f.message)} |" for f in failures]
    out += ["", "## Findings"]
    for i, (filing, findings) in enumerate(audited, 1):
        out += ["", f"### {i}. {filing.project or '(no project name)'} — {filing.source}", ""]
        if not findings:
            out.append("No findings.")
            continue
        out += ["| row | indicator | code | severity | what is wrong — what to do |", "|---:|---|---|---|---|"]
        out += [
            f"| {_row_label(f)} | {_md(f.indicator)} | {f.code} | {f.severity.value} | {_md(f.message)} |"
            for f in findings
        ]
    return "\n".join(out) + "\n"
