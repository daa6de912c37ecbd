"""The rule registry: the catalogue, the run order, and no category name written inside a rule.

What each rule flags on real wording is tried in tests/test_audit.py (a new rule's cases go there).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import indicatornlp.rules
from indicatornlp import Severity
from indicatornlp.rules import RULES, catalogue, catalogue_table, rule
from indicatornlp.rules.lists import check_categories
from indicatornlp.rules.registry import Scope, checks
from indicatornlp.taxonomy import default_taxonomy

RULES_DIR = Path(indicatornlp.rules.__file__).parent
audit_module = importlib.import_module("indicatornlp.audit")


def test_the_audit_docstring_shows_the_catalogue() -> None:
    assert catalogue_table() in (audit_module.__doc__ or "")
    assert "{catalogue}" not in (audit_module.__doc__ or "")


def test_the_catalogue_has_every_code_once_in_order() -> None:
    codes = [r.code for r in catalogue()]
    assert codes == sorted(RULES) and len(codes) == len(set(codes))
    assert {"F001", "F002"} <= set(codes)
    assert all(r.title and r.doc for r in catalogue())


def test_codes_match_their_scope() -> None:
    scopes: tuple[Scope, ...] = ("indicator", "row", "rows", "filing")
    checked = {c.rule.code for scope in scopes for c in checks(scope)}
    assert all(c.rule.code.startswith("A1") for c in checks("indicator"))
    assert {c.rule.code for c in checks("filing")} - {"A102"} <= {c for c in RULES if c.startswith("A2")}
    assert checked == {c for c in RULES if c.startswith("A")}  # F codes are raised by batch, not by a check


def _run_order(scope: Scope, known: list[str]) -> list[str]:
    """The codes of a scope in run order, those of ``known`` only (a new rule may run anywhere)."""
    return [c.rule.code for c in checks(scope) if c.rule.code in known]


RUN_ORDER: dict[Scope, list[str]] = {
    "indicator": [
        *("A101", "A102", "A110", "A130", "A131", "A132", "A111", "A112"),
        *("A120", "A121", "A122", "A123", "A124", "A125", "A126"),
    ],
    "filing": ["A200", "A205", "A201", "A202", "A203", "A204", "A207", "A208", "A210", "A102"],
    "row": ["A209", "A103"],
    "rows": ["A206"],
}


@pytest.mark.parametrize("scope", RUN_ORDER)
def test_rules_run_in_the_order_they_are_defined(scope: Scope) -> None:
    # the order of findings within a row and within a filing (tests and reports compare lists)
    assert _run_order(scope, RUN_ORDER[scope]) == RUN_ORDER[scope]


def test_a_code_cannot_be_declared_twice() -> None:
    with pytest.raises(ValueError, match="A101 is declared twice"):
        rule("A101", Severity.INFO, "again", scope="indicator", doc="again")


def _strings_in_bodies(path: Path) -> list[tuple[str, int, str]]:
    """String constants inside the functions of a module (docstrings and decorator arguments left out)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        body = node.body[1:] if ast.get_docstring(node) else node.body
        for statement in body:
            for inner in ast.walk(statement):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    found.append((node.name, inner.lineno, inner.value))
    return found


@pytest.mark.parametrize("module", ["indicator.py", "filing.py"])
def test_no_category_name_is_written_in_a_rule(module: str) -> None:
    taxonomy = default_taxonomy()
    names = {*taxonomy.level1_names, *taxonomy.level2_names}
    written = [(f, line, s) for f, line, s in _strings_in_bodies(RULES_DIR / module) if any(n in s for n in names)]
    assert not written, "name categories by their role in data/audit.toml [categories]: " + repr(written)


def test_the_categories_of_audit_toml_are_checked_against_the_taxonomy() -> None:
    check_categories({"cost": "成本指标", "numeric": ["数量指标"]})
    with pytest.raises(ValueError, match=r"\[categories\] numeric: '数量' is not a category"):
        check_categories({"numeric": ["数量指标", "数量"]})
