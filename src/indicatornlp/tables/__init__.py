"""The tables ``tag`` writes: their columns (``_columns``), the writers (``_writers``), reading back (``_resume``).

Three tables: ``indicators`` (one row per 三级指标), ``findings`` and ``summary`` (one row per filing).  ``.csv``
and ``.jsonl`` write three files and a manifest; ``.xlsx`` one workbook with a sheet per table and a legend of the
codes its findings use.  **Headers and sheet names are in the run's language** (``lang``: Chinese by default,
``--lang en`` English, from ``data/messages.toml``); JSONL keeps the stable English keys, for programs.  Cells are
data, never formulas (``cells.py``); a workbook is ready to use (``sheets.py``).  The manifest, written last,
holds the run's options (the language among them), the inputs' fingerprints and the tables' row counts, so that
``--resume`` refuses what does not belong together.

>>> neutralize("=3 次"), neutralize("-5"), neutralize("-"), neutralize("群众满意度")
("'=3 次", '-5', "'-", '群众满意度')
"""

from __future__ import annotations

from ..cells import cell_text, neutralize, restore, strip_controls
from ._columns import (
    COLUMNS,
    FINDING_COLUMNS,
    LAYOUT,
    ROW_COLUMNS,
    SUMMARY_COLUMNS,
    TABLES,
    header_lang,
    headers,
    manifest_path,
    output_paths,
    sheet_name,
)
from ._resume import Existing, fingerprint
from ._writers import LEGEND_COLUMNS, TextWriter, Writer, XlsxWriter, writer_for

__all__ = [
    "COLUMNS",
    "FINDING_COLUMNS",
    "LAYOUT",
    "LEGEND_COLUMNS",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "TABLES",
    "Existing",
    "TextWriter",
    "Writer",
    "XlsxWriter",
    "cell_text",
    "fingerprint",
    "header_lang",
    "headers",
    "manifest_path",
    "neutralize",
    "output_paths",
    "restore",
    "sheet_name",
    "strip_controls",
    "writer_for",
]
