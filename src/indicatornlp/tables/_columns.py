"""The tables ``tag`` writes: their columns, how a workbook types them, their headers and sheet names, their files.

>>> headers("summary", "zh")[:3], headers("summary", "en")[:3]
(['文件', '项目序号', '项目名称'], ['source', 'filing', 'project'])
>>> sheet_name("findings", "zh"), header_lang("summary", SUMMARY_COLUMNS), header_lang("summary", ["?"])
('审核意见', 'en', None)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..cells import Layout
from ..errors import OutputError
from ..messages import LANGS, Lang, text
from ..messages import headers as _headers
from ..records import FINDING_COLUMNS

__all__ = [
    "COLUMNS",
    "FINDING_COLUMNS",
    "LAYOUT",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "TABLES",
    "header_lang",
    "headers",
    "manifest_path",
    "output_paths",
    "sheet_name",
]

ROW_COLUMNS = (
    "source",
    "position",
    "filing",
    "project",
    "department",
    "year",
    "row",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "level1",
    "level2",
    "legacy",
    "predicted_level1",
    "predicted_level2",
    "confidence",
    "mismatch",
    "admissible",
    "measure",
    "family",
    "concept",
    "evidence",
    "kind",
    "comparator",
    "value",
    "upper",
    "unit",
    "date",
    "label",
    "direction",
    "flags",
    "findings",
)
"""Columns of the indicator rows (one per 三级指标)."""


SUMMARY_COLUMNS = (
    "source",
    "filing",
    "project",
    "department",
    "unit",
    "year",
    "category",
    "funds_total",
    "indicators",
    "errors",
    "warnings",
    "infos",
    "codes",
    "status",
    "file_size",
    "file_mtime",
)
"""Columns of the per-filing summaries (one row per filing; one ``failed`` row per unreadable file)."""

TABLES = ("indicators", "findings", "summary")
COLUMNS = {"indicators": ROW_COLUMNS, "findings": FINDING_COLUMNS, "summary": SUMMARY_COLUMNS}

LAYOUT = Layout(
    numbers=frozenset(
        {"filing", "row", "year", "confidence", "value", "upper", "funds_total", "indicators", "errors", "warnings"}
        | {"infos", "file_size"}
    ),
    booleans=frozenset({"legacy", "mismatch"}),
    dates={"date": "yyyy-mm-dd", "file_mtime": "yyyy-mm-dd hh:mm:ss"},
    formats={"confidence": "0.00", "funds_total": "#,##0.00", "file_size": "#,##0"},
    severity="severity",
)
"""How a workbook stores the columns of the three tables that are not text."""


def headers(table: str, lang: Lang) -> list[str]:
    """Row 1 of ``table`` in CSV and XLSX: the catalogue's headers (``data/messages.toml``, ``[columns.TABLE]``)."""
    return _headers(table, COLUMNS[table], lang)


def sheet_name(table: str, lang: Lang) -> str:
    """The sheet of ``table`` in the workbook (``[sheets]``: ``指标`` / ``indicators`` …)."""
    return text(f"sheets.{table}", lang)


def header_lang(table: str, row: Sequence[Any]) -> Lang | None:
    """The language whose headers ``row`` is (an earlier run's table, read back for ``--resume``), or ``None``."""
    found = [str(cell) if cell is not None else "" for cell in row]
    return next((lang for lang in LANGS if found == headers(table, lang)), None)


def output_paths(out: str | os.PathLike[str]) -> dict[str, Path]:
    """The files a run writes for ``out``, by table (an ``.xlsx`` holds all three tables).

    >>> {k: v.name for k, v in output_paths("tags.csv").items()}
    {'indicators': 'tags.csv', 'findings': 'tags.findings.csv', 'summary': 'tags.summary.csv'}
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return dict.fromkeys(TABLES, path)
    if suffix not in (".csv", ".jsonl"):
        raise OutputError(
            str(path), f"cannot write '{path.suffix}' files", hint="name the output .csv, .jsonl or .xlsx"
        )
    return {
        "indicators": path,
        "findings": path.with_name(f"{path.stem}.findings{path.suffix}"),
        "summary": path.with_name(f"{path.stem}.summary{path.suffix}"),
    }


def manifest_path(out: str | os.PathLike[str]) -> Path | None:
    """The manifest file beside CSV/JSONL tables (``tags.manifest.json``); ``None`` for a workbook (a sheet)."""
    path = Path(out)
    return None if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.stem}.manifest.json")
