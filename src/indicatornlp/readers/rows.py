"""Read a file of indicator rows: ``read_indicators(path)`` → one mapping per indicator, as ``link`` takes them.

A ``.csv`` or ``.jsonl`` file is a table of indicators (what ``indicatornlp tag`` writes, or any table with a
``name``/``三级指标`` column); any other file is a filing, read with ``read_filings``.  The column names this module
knows (``NAME_KEYS`` …) are the ones a mapping of one indicator may use.

>>> rows = read_indicators("data/filings/songjiang-jiguan-2023.txt")
>>> rows[0]["source"], rows[0]["level1"]
('data/filings/songjiang-jiguan-2023.txt#1', '产出指标')
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import FilingError, FilingFormatError, FilingNotFoundError
from . import read_filings

__all__ = [
    "LEVEL1_KEYS",
    "LEVEL2_KEYS",
    "NAME_KEYS",
    "SOURCE_KEYS",
    "TARGET_KEYS",
    "first_value",
    "read_indicators",
]

NAME_KEYS = ("name", "三级指标", "l3", "指标名称")
"""Keys (columns) that hold an indicator's name, first found wins."""
TARGET_KEYS = ("target", "target_raw", "年度指标值", "指标值")
"""Keys that hold its target as written."""
LEVEL1_KEYS = ("level1", "level1_raw", "l1_raw", "一级指标")
"""Keys that hold its filed 一级指标."""
LEVEL2_KEYS = ("level2", "level2_raw", "l2_raw", "二级指标")
"""Keys that hold its filed 二级指标."""
SOURCE_KEYS = ("source", "source_url", "path", "file")
"""Keys that name the file it comes from."""

_TABLE_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson"})


def first_value(mapping: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    """The first of ``keys`` with a value (not empty, not a data frame's NaN), as text.

    >>> first_value({"name": "", "三级指标": "群众满意度"}, NAME_KEYS)
    '群众满意度'
    """
    for key in keys:
        value = mapping.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, float) and value != value:  # NaN from a data frame
            continue
        return str(value)
    return None


def read_indicators(path: str | os.PathLike[str]) -> list[dict[str, str | None]]:
    """The indicators of one file, as mappings that ``link`` takes (``name``, ``target``, ``level2``, ``source`` …).

    A ``.csv`` or ``.jsonl`` file is a table of indicators (the output of ``indicatornlp tag``, or any table
    with a ``name``/``三级指标`` column); its ``source`` and ``filing`` columns name the filing of each row.
    Any other file is a filing, read with ``read_filings``: each project's rows get the source
    ``path#N`` (N: the project's number in the file, as ``tag`` writes it).

    Raises an ``IndicatorNLPError`` naming the file (and line) when it cannot be read.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FilingNotFoundError(name, "no such file", hint="check the path")
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _TABLE_SUFFIXES:
        return _read_table(name, suffix)
    out: list[dict[str, str | None]] = []
    for number, filing in enumerate(read_filings(name), 1):
        source = f"{filing.source.path}#{number}"
        for ind in filing.indicators:
            out.append(
                {
                    "name": ind.name,
                    "target": ind.target_raw,
                    "level1": ind.level1_raw,
                    "level2": ind.level2_raw,
                    "source": source,
                    "project": filing.project,
                }
            )
    return out


def _table_row(row: Mapping[str, Any], path: str) -> dict[str, str | None]:
    source = first_value(row, SOURCE_KEYS) or path
    filing = first_value(row, ("filing",))
    return {
        "name": first_value(row, NAME_KEYS) or "",
        "target": first_value(row, TARGET_KEYS),
        "level1": first_value(row, LEVEL1_KEYS) or first_value(row, ("predicted_level1",)),
        "level2": first_value(row, LEVEL2_KEYS) or first_value(row, ("predicted_level2",)),
        "source": f"{source}#{filing}" if filing else source,
        "project": first_value(row, ("project", "项目名称")),
    }


def _read_table(path: str, suffix: str) -> list[dict[str, str | None]]:
    hint = "give a table with a 'name' (or '三级指标') column, as 'indicatornlp tag' writes"
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                reader = csv.DictReader(handle)
                if not any(key in (reader.fieldnames or ()) for key in NAME_KEYS):
                    raise FilingFormatError(path, "no indicator-name column in the header", hint=hint)
                return [_table_row(row, path) for row in reader]
            out = []
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise FilingFormatError(f"{path}:{number}", f"not a JSON line ({err.msg})", hint=hint) from None
                if not isinstance(row, dict) or not any(key in row for key in NAME_KEYS):
                    raise FilingFormatError(f"{path}:{number}", "not an object with an indicator name", hint=hint)
                out.append(_table_row(row, path))
            return out
    except UnicodeDecodeError:
        raise FilingFormatError(path, "is not UTF-8 text", hint="save the table as UTF-8") from None
    except csv.Error as err:
        raise FilingFormatError(path, f"is not a readable CSV table ({err})", hint=hint) from None
    except OSError as err:
        raise FilingError(path, f"cannot be read ({err.strerror})", hint="check the permissions") from None
