"""The examples in the docstrings of the installed package run as written.

Run here rather than with ``--doctest-modules`` so that they exercise the installed package (the wheel in CI),
not the source tree beside it.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import indicatornlp

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(indicatornlp.__path__, prefix="indicatornlp.")
    if info.name != "indicatornlp.__main__"
)


def test_every_module_is_found() -> None:
    assert {"indicatornlp.targets", "indicatornlp.readers", "indicatornlp.readers.text"} <= set(MODULES)


@pytest.mark.parametrize("name", ["indicatornlp", *MODULES])
def test_docstring_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, capsys.readouterr().out
