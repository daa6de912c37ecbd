"""Collections of results for notebooks: ``.to_dataframe()``, a short ``repr`` and a ``_repr_html_`` table.

``Filings`` (what ``read_filings`` gives) and ``Findings`` (what ``audit(filing)`` gives) are lists of records;
``frame`` turns rows of JSON-ready values into a pandas ``DataFrame`` with float, integer and datetime columns
(pandas is optional: ``pip install 'indicatornlp[pandas]'``; without it ``to_dataframe`` raises
``MissingExtraError`` saying so).  ``html_table`` is the one HTML table of every ``_repr_html_``.

>>> from indicatornlp import Finding, Severity
>>> found = Findings([Finding("A123", Severity.ERROR, "…", indicator="群众满意度", row=2, args=())])
>>> found
Findings(1 findings: 1 error, 0 warning, 0 info)
>>> "<table" in found._repr_html_() and "群众满意度" in found._repr_html_()
True
"""

from __future__ import annotations

import collections
import datetime
import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .errors import MissingExtraError
from .messages import resolve_lang, severity_name, text
from .records import Filing, Finding, Severity

__all__ = ["BOOLEANS", "DATES", "FLOATS", "INTEGERS", "Filings", "Findings", "frame", "html_table", "require"]

FLOATS = frozenset(
    {"value", "upper", "confidence", "funds_total", "funds_fiscal", "median", "min", "max", "score", "name_score"}
    | {"weight", "ratio", "filed_score", "total", "possible", "percent", "filed_total", "budget_rate"}
)
"""Columns read as floats (exact decimals in ``to_dict``: ``"0.5"``; here numbers a spreadsheet can sum)."""
DATES = frozenset({"date", "start", "end", "file_mtime"})
"""Columns read as datetimes."""
BOOLEANS = frozenset({"legacy", "mismatch", "same_level2", "unit_agrees"})
"""Columns read as (nullable) booleans."""
INTEGERS = frozenset(
    {"year", "row", "filing", "indicators", "filings", "errors", "warnings", "infos", "file_size", "scored"}
)
"""Columns read as (nullable) integers."""

_SHOWN = 20
"""Rows a ``_repr_html_`` table shows before saying how many more there are."""


def require(module: str, extra: str, *, purpose: str) -> Any:
    """Import an optional dependency, or raise ``MissingExtraError`` naming the extra that installs it.

    >>> require("json", "none", purpose="testing").__name__
    'json'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            None,
            f"{purpose} needs {module.split('.')[0]}, which is not installed",
            hint=f"pip install 'indicatornlp[{extra}]'",
        ) from None


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _moment(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def frame(rows: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """Rows (dicts of JSON-ready values) as a ``pandas.DataFrame``: numbers as float and nullable integer columns
    (``FLOATS``, ``INTEGERS``), dates and times as ``datetime64`` (``DATES``), ``Decimal`` as float.

    ``columns``: their order (default: the keys of the first row).
    """
    pd = require("pandas", "pandas", purpose="to_dataframe()")
    rows = list(rows)
    names = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    data: dict[str, list[Any]] = {c: [row.get(c) for row in rows] for c in names}
    out = pd.DataFrame(index=range(len(rows)))
    for name, values in data.items():
        if name in FLOATS or any(isinstance(v, Decimal) for v in values):
            out[name] = pd.array([_number(v) for v in values], dtype="Float64")
        elif name in DATES:
            out[name] = pd.to_datetime(pd.Series([_moment(v) for v in values], dtype=object), utc=False, format="mixed")
        elif name in BOOLEANS and all(v is None or isinstance(v, bool) for v in values):
            out[name] = pd.array(values, dtype="boolean")
        elif name in INTEGERS and all(v is None or isinstance(v, int) for v in values):
            out[name] = pd.array(values, dtype="Int64")
        else:
            out[name] = pd.Series(values, dtype=object)
    return out


def html_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, caption: str = "") -> str:
    """An HTML table of the first rows (every value escaped), saying how many rows are not shown."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows[:_SHOWN]:
        cells = "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    more = f"<p>… {len(rows) - _SHOWN} more</p>" if len(rows) > _SHOWN else ""
    title = f"<p><b>{html.escape(caption)}</b></p>" if caption else ""
    return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def indicator_rows(filing: Filing) -> list[dict[str, Any]]:
    """One dict per indicator of ``filing``, with the filing's metadata (the rows of ``Filings.to_dataframe``)."""
    funds = filing.funds
    meta = {
        "file": filing.source.path,
        "project": filing.project,
        "department": filing.department,
        "unit": filing.unit,
        "year": filing.year,
        "form": filing.form,
        "funds_total": funds.total,
        "funds_fiscal": funds.fiscal,
        "start": filing.start,
        "end": filing.end,
    }
    rows = []
    for number, ind in enumerate(filing.indicators, 1):
        rows.append(
            {
                **meta,
                "row": number,
                "position": ind.position.place() if ind.position else None,
                "level1_raw": ind.level1_raw,
                "level2_raw": ind.level2_raw,
                "name": ind.name,
                "target_raw": ind.target_raw,
                "actual_raw": ind.actual_raw,
                "weight_raw": ind.weight_raw,
                "score_raw": ind.score_raw,
                "reason_raw": ind.reason_raw,
            }
        )
    return rows


class Filings(list[Filing]):
    """The filings ``read_filings`` read (a list), and the files it could not read (``failures``: F001 findings).

    ``to_dataframe()``: one row per indicator with its filing's metadata (funds as float, dates as datetime).
    """

    def __init__(self, filings: Iterable[Filing] = (), *, failures: Iterable[Finding] = ()) -> None:
        super().__init__(filings)
        self.failures: tuple[Finding, ...] = tuple(failures)

    def to_dataframe(self) -> Any:
        """One row per indicator: file, project, department, unit, year, form, funds, dates, the row as filed."""
        rows = [row for filing in self for row in indicator_rows(filing)]
        return frame(rows, _INDICATOR_COLUMNS)

    def _repr_html_(self) -> str:
        rows = [
            {
                "#": i,
                "file": f.source.path,
                "where": f.source.place(),
                "project": f.project,
                "year": f.year,
                "indicators": len(f.indicators),
            }
            for i, f in enumerate(self, 1)
        ]
        caption = f"{len(self)} filings, {sum(len(f.indicators) for f in self)} indicators"
        if self.failures:
            caption += f"; {len(self.failures)} file(s) could not be read (.failures)"
        return html_table(rows, ["#", "file", "where", "project", "year", "indicators"], caption=caption)


_INDICATOR_COLUMNS = (
    "file",
    "position",
    "project",
    "department",
    "unit",
    "year",
    "form",
    "funds_total",
    "funds_fiscal",
    "start",
    "end",
    "row",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "actual_raw",
    "weight_raw",
    "score_raw",
    "reason_raw",
)


def finding_row(f: Finding, lang: str | None = None) -> dict[str, Any]:
    """A finding as a row of a table, its words in ``lang``."""
    return {
        "code": f.code,
        "severity": f.severity.value,
        "title": f.title(lang),
        "row": f.row,
        "indicator": f.indicator,
        "target": f.target,
        "message": f.text(lang),
        "source": f.source,
    }


FINDING_COLUMNS = ("code", "severity", "title", "row", "indicator", "target", "message", "source")


class Findings(list[Finding]):
    """Findings (a list), with ``to_dataframe(lang)``: code, severity, title, row, indicator, target, message."""

    def counts(self) -> dict[Severity, int]:
        """How many findings of each severity."""
        found = collections.Counter(f.severity for f in self)
        return {s: found[s] for s in Severity}

    def to_dataframe(self, *, lang: str | None = None) -> Any:
        """One row per finding; ``title`` and ``message`` in ``lang`` (``"zh"``, the default, or ``"en"``)."""
        lang = resolve_lang(lang)
        return frame([finding_row(f, lang) for f in self], FINDING_COLUMNS)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {s.value}" for s, n in self.counts().items())
        return f"Findings({len(self)} findings: {counts})"

    def _repr_html_(self) -> str:
        lang = resolve_lang(None)
        rows = [{**finding_row(f, lang), "severity": severity_name(f.severity, lang)} for f in self]
        columns = ("row", "indicator", "target", "code", "severity", "message")
        shown = [{text(f"columns.findings.{c}", lang): row[c] for c in columns} for row in rows]
        return html_table(shown, [text(f"columns.findings.{c}", lang) for c in columns], caption=repr(self))
