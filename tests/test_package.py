"""The public surface, the direction of imports, the CLI's help, and no reads outside the repository."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import indicatornlp
from indicatornlp.cli import cli

SRC = Path(indicatornlp.__file__).parent
REPO = Path(__file__).parents[1]

# lower layers never import higher ones (ARCHITECTURE.md, "Layers": keep the two in step)
LAYERS = {
    "records": 0,
    "errors": 0,
    "messages": 0,
    "text": 1,
    "results": 1,
    "atomic": 1,
    "cells": 1,
    "sheets": 1,
    "taxonomy": 2,
    "tokenize": 2,
    "targets": 2,
    "inputs": 3,
    "annotated": 3,
    "concepts": 3,
    "readers": 3,
    "model": 4,
    "isolation": 4,
    "rules": 5,
    "linking": 5,
    "scoring": 5,
    "api": 6,
    "report": 6,
    "audit": 7,
    "tables": 7,
    "tagging": 7,
    "annotate": 7,
    "review": 7,
    "batch": 8,
    "folders": 9,
    "cli": 9,
    "__main__": 10,
}
MAX_LINES = 700


def _module_layer(path: Path) -> tuple[str, int]:
    rel = path.relative_to(SRC)
    top = rel.parts[0].removesuffix(".py")
    return top, LAYERS.get(top, -1)


def _imported_modules(path: Path) -> set[str]:
    """The top-level modules of the package that a file imports (relative or absolute)."""
    depth = len(path.relative_to(SRC).parts)  # 1 for top-level modules, 2 inside readers/
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == depth:
            found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("indicatornlp."):
            found.add((node.module or "").split(".")[1])
    return found


def test_every_module_has_a_layer() -> None:
    for path in SRC.rglob("*.py"):
        top, layer = _module_layer(path)
        if top != "__init__":
            assert layer >= 0, f"{path.relative_to(SRC)}: add it to LAYERS in tests/test_package.py"


def test_no_file_is_over_the_limit() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these by job (ARCHITECTURE.md): {long}"


def test_the_architecture_page_names_every_module_in_its_layer() -> None:
    page = (REPO / "ARCHITECTURE.md").read_text("utf-8")
    rows = {name: int(layer) for layer, name in re.findall(r"^\| (\d+) \| `([a-z_]+)(?:\.py|/)` \|", page, re.M)}
    assert rows == {name: layer for name, layer in LAYERS.items() if name != "__main__"}


def test_imports_go_down_the_layers() -> None:
    for path in SRC.rglob("*.py"):
        top, layer = _module_layer(path)
        if top == "__init__":
            continue
        for name in _imported_modules(path):
            if name in LAYERS and name != top:
                assert LAYERS[name] <= layer, f"{path.relative_to(SRC)} (layer {layer}) imports {name}"


def test_all_names_resolve() -> None:
    for name in indicatornlp.__all__:
        assert getattr(indicatornlp, name) is not None, name


def test_import_is_light() -> None:
    code = (
        "import sys, indicatornlp; "
        "heavy = [m for m in ('sklearn', 'jieba', 'pdfplumber', 'openpyxl', 'docx', 'dask', 'rapidfuzz') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at package import: {out.stdout}"


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    assert indicatornlp.__version__ == version("indicatornlp")


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import click

    assert isinstance(group, click.Group)
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("command", _commands(cli), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_cli_version_and_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and indicatornlp.__version__ in result.output
    assert runner.invoke(cli, ["no-such-command"]).exit_code == 2
    assert runner.invoke(cli, ["parse-target"]).exit_code == 2


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "indicatornlp", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "parse-target" in out.stdout


def test_nothing_reads_outside_the_repository() -> None:
    """A user's clone has no ../shared: code, tests, benches and the notebook must not reach for it."""
    for folder in ("src", "tests", "bench", "notebooks", "scripts"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix in {".py", ".ipynb", ".toml", ".txt"} and path.is_file() and path.name != "test_package.py":
                assert "../shared" not in path.read_text("utf-8", errors="replace"), path


def test_data_files_open_with_a_header() -> None:
    for path in (SRC / "data").iterdir():
        if path.suffix in {".toml", ".txt"}:
            first = path.read_text("utf-8").lstrip("\ufeff")[:1]
            assert first == "#", f"{path.name} must open with a comment on its source and fields"
