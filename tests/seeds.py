"""The gold of the two seed filings and the corpus rows, shared by the reader tests.

``tests/fixtures/seed_rows.json`` was written by hand from the seeds (every indicator row and the metadata of
their 9 projects); ``data/corpus/pages/rows.jsonl`` holds the rows a person took from each corpus page.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from indicatornlp import canonical_category

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "data" / "filings"
GOLD: list[dict[str, Any]] = json.loads((ROOT / "tests" / "fixtures" / "seed_rows.json").read_text("utf-8"))
CORPUS_ROWS = [json.loads(line) for line in (ROOT / "data/corpus/pages/rows.jsonl").read_text("utf-8").splitlines()]


def rows(filing: Any) -> list[tuple[Any, ...]]:
    """A filing's rows as (一级, 二级, 三级, target, canonical category)."""
    return [
        (i.level1_raw, i.level2_raw, i.name, i.target_raw, canonical_category(i.level1_raw, i.level2_raw))
        for i in filing.indicators
    ]


def gold_rows(project: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A gold project's rows in the shape of ``rows``."""
    return [
        (
            i["level1_raw"],
            i["level2_raw"],
            i["name"],
            i["target_raw"],
            canonical_category(i["level1_raw"], i["level2_raw"]),
        )
        for i in project["indicators"]
    ]


def check_metadata(filing: Any, gold: dict[str, Any]) -> None:
    """The project metadata read equals the gold's."""
    got = {k: getattr(filing, k) for k in ("project", "department", "unit", "year", "category", "goal")}
    assert got == {k: gold[k] for k in got}
    assert {k: getattr(filing.funds, k) for k in gold["funds"]} == {k: Decimal(v) for k, v in gold["funds"].items()}
    assert (filing.start.isoformat(), filing.end.isoformat()) == (gold["start"], gold["end"])


def load_script(relative: str) -> ModuleType:
    """A script of the repository (``scripts/make_filings.py``, ``bench/reader_coverage.py``) as a module."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(path.stem, module)
    spec.loader.exec_module(module)
    return module
