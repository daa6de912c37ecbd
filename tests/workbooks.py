"""Reading back the workbooks the commands write, shared by the tests of ``tag`` and ``score``."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def read_book(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet of the workbook at ``path``, by name, as rows of cell values (the header row first)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()
