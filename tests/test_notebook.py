"""The walkthrough notebook: committed with its outputs, made by its script, and it runs headless."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"
SCRIPT = ROOT / "scripts" / "make_walkthrough.py"


def _read() -> object:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_committed_with_its_outputs() -> None:
    """It reads on a code host without running: every code cell ran, in order, without an error."""
    notebook = _read()
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]  # type: ignore[attr-defined]
    assert code
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = [out for cell in code for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert sum(1 for cell in code if cell.outputs) >= len(code) - 1
    tables = sum("text/html" in out.get("data", {}) for out in outputs)
    assert tables >= 4  # the audit, the DataFrames
    text = "\n".join(out.get("text", "") for out in outputs)
    assert "/work/" not in text and "/home/" not in text  # no path of the machine that ran it


def test_notebook_is_what_its_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_walkthrough", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cells = [(c.cell_type, c.source) for c in _read().cells]  # type: ignore[attr-defined]
    assert cells == [("markdown" if kind == "md" else "code", src) for kind, src in module.CELLS]


@pytest.mark.slow
def test_notebook_runs_headless() -> None:
    """Run from the repository root (.ci/run runs it from notebooks/: the notebook finds the data from both)."""
    from nbclient import NotebookClient

    notebook = _read()
    client = NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    text = "\n".join(
        out.get("text", "")
        for cell in notebook.cells  # type: ignore[attr-defined]
        if cell.cell_type == "code"
        for out in cell.outputs
    )
    outputs = [out for cell in notebook.cells for out in cell.get("outputs", [])]  # type: ignore[attr-defined]
    images = sum("image/png" in out.get("data", {}) for out in outputs)
    assert "9 projects, 96 indicator rows" in text
    assert "A131" in text and "局级干部体检费" in text
    assert "holdout rows from" in text
    assert images == 4  # category distribution, confusion matrix, findings by code, score by 一级
