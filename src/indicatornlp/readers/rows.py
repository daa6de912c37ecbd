"""Read a file of indicator rows: ``read_indicators(path)`` → one mapping per indicator, as ``link`` takes them.

A ``.csv`` or ``.jsonl`` file is a table of indicators (what ``indicatornlp tag`` writes, or any table with a
``name``/``三级指标`` column); any other file is a filing, read with ``read_filings``.  Its columns are the keys a
mapping of one indicator may use (``indicatornlp.inputs.FIELDS``).

>>> rows = read_indicators("data/filings/songjiang-jiguan-2023.txt")
>>> rows[0]["source"], rows[0]["level1"]
('data/filings/songjiang-jiguan-2023.txt#1', '产出指标')
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping
from typing import Any

from ..errors import FilingError, FilingFormatError, FilingNotFoundError
from ..inputs import FIELDS, field_value
from . import read_filings

__all__ = ["read_indicators"]

_TABLE_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson"})


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
    source = field_value(row, "source") or path
    filing = field_value(row, ("filing",))
    return {
        "name": field_value(row, "name") or "",
        "target": field_value(row, "target"),
        "level1": field_value(row, "level1") or field_value(row, ("predicted_level1",)),
        "level2": field_value(row, "level2") or field_value(row, ("predicted_level2",)),
        "source": f"{source}#{filing}" if filing else source,
        "project": field_value(row, ("project", "项目名称")),
    }


def _read_table(path: str, suffix: str) -> list[dict[str, str | None]]:
    hint = "give a table with a 'name' (or '三级指标') column, as 'indicatornlp tag' writes"
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                reader = csv.DictReader(handle)
                if not any(key in (reader.fieldnames or ()) for key in FIELDS["name"]):
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
                if not isinstance(row, dict) or not any(key in row for key in FIELDS["name"]):
                    raise FilingFormatError(f"{path}:{number}", "not an object with an indicator name", hint=hint)
                out.append(_table_row(row, path))
            return out
    except UnicodeDecodeError:
        raise FilingFormatError(path, "is not UTF-8 text", hint="save the table as UTF-8") from None
    except csv.Error as err:
        raise FilingFormatError(path, f"is not a readable CSV table ({err})", hint=hint) from None
    except OSError as err:
        raise FilingError(path, f"cannot be read ({err.strerror})", hint="check the permissions") from None
