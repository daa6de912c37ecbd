"""The message catalogue: every entry in Chinese and English with the same placeholders, every code present.

Where a new entry goes: ``src/indicatornlp/data/messages.toml`` (its header lists the tables); a new audit code
needs ``title``, ``doc`` and ``message`` under ``[codes.CODE]`` — ``test_every_code_has_both_languages`` fails
until it has them.
"""

from __future__ import annotations

import re

import pytest

from indicatornlp import Finding, Severity
from indicatornlp import messages as m
from indicatornlp.errors import CorruptFilingError, IndicatorNLPError, NothingToReadError
from indicatornlp.rules import RULES, catalogue, legend
from indicatornlp.tables import COLUMNS

ENTRIES = list(m.entries())
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_catalogue_is_not_empty() -> None:
    assert len(ENTRIES) > 150


@pytest.mark.parametrize(("key", "entry"), ENTRIES, ids=[k for k, _ in ENTRIES])
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str, entry: dict[str, str]) -> None:
    assert set(entry) == set(m.LANGS), key
    zh, en = entry["zh"], entry["en"]
    assert zh.strip() and en.strip(), key
    assert m.placeholders(zh) == m.placeholders(en), key
    if key.startswith(("codes.", "report.", "cli.")) and not key.startswith(("codes.F", "cli.explain_more")):
        assert HAN.search(zh), f"{key}: the Chinese text has no Chinese"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_code_has_both_languages(code: str) -> None:
    for field in ("title", "doc", "message"):
        assert m.lookup(f"codes.{code}.{field}") is not None, f"add [codes.{code}] {field} to data/messages.toml"
    assert m.variants(code)[0] == "message"


def test_the_catalogue_names_no_code_the_registry_lacks() -> None:
    codes = {key.split(".")[1] for key, _ in ENTRIES if key.startswith("codes.")}
    assert codes <= set(RULES), codes - set(RULES)


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_every_column_of_the_tables_has_a_header(table: str) -> None:
    for column in COLUMNS[table]:
        assert m.lookup(f"columns.{table}.{column}") is not None, (table, column)
    zh = m.headers(table, COLUMNS[table], "zh")
    assert len(set(zh)) == len(zh), f"two columns of {table} share a Chinese header"


def test_a_finding_is_said_in_either_language() -> None:
    f = Finding("A121", Severity.WARNING, "x", variant="inferred", args=(("target", ">=90"), ("unit", "%")))
    assert f.text("zh") == "指标值“>=90”没有计量单位（按名称推断为 %）——请写明单位（%、次、人、元等）"
    assert f.text("en") == "target '>=90' states no unit (read as % from the name) — write the unit (%, 次, 人, 元 …)"
    assert f.title("zh") == "缺少单位" and f.title("en") == "missing unit"


def test_a_finding_the_catalogue_cannot_fill_keeps_its_message() -> None:
    failure = Finding("F001", Severity.ERROR, "[E103] a.txt: the file is empty — give a filing", source="a.txt")
    assert failure.text("zh") == failure.text("en") == failure.message


def test_the_default_language_is_chinese_and_the_environment_can_change_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(m.ENV, raising=False)
    assert m.default_lang() == "zh" and m.text("severity.error") == "错误"
    monkeypatch.setenv(m.ENV, "en")
    assert m.default_lang() == "en" and m.text("severity.error") == "error"
    monkeypatch.setenv(m.ENV, "fr")
    assert m.default_lang() == "zh"


def test_an_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(m.InputError, match=r"\[E010\].*unknown language 'fr' — use one of zh, en"):
        m.resolve_lang("fr")


def test_a_missing_placeholder_stays_visible() -> None:
    assert m.text("codes.A120.message", "en").startswith("target '{target}' states no comparator")


def test_the_legend_lists_each_code_once_in_either_language() -> None:
    rows = legend(["A203", "A120", "A203"], "en")
    assert rows == [
        ("A120", "warning", "no comparator", "numeric target with no comparator (12, 100%)"),
        (
            "A203",
            "warning",
            "no 成本指标",
            "no 成本指标 (Shanghai 2025: every project); an error for construction/purchase projects",
        ),
    ]
    assert [r[2] for r in legend([r.code for r in catalogue()], "zh")][:2] == ["类别不符", "旧版表式"]


def _error_classes() -> list[type[IndicatorNLPError]]:
    found, todo = [], [IndicatorNLPError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda c: f"{c.code} {c.__name__}")
def test_every_error_code_says_what_went_wrong_and_what_to_do_in_both_languages(cls: type) -> None:
    for field in ("title", "todo"):
        entry = m.lookup(f"errors.{cls.code}.{field}")
        assert entry is not None and entry["zh"] and entry["en"], (cls.code, field)


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        pytest.param(
            CorruptFilingError("a.docx", "not a zip file", hint="save it again"),
            "[E104] a.docx：文件已损坏（not a zip file — save it again）——请用原软件打开后重新保存，或重新下载",
            "[E104] a.docx: not a zip file — save it again",
            id="a file",
        ),
        pytest.param(
            NothingToReadError(None, "no filing to read"),
            "[E111] 没有可读取的申报表（no filing to read）——请检查路径：未读取、也未写入任何内容",
            "[E111] no filing to read",
            id="no place",
        ),
    ],
)
def test_an_error_and_a_failed_file_read_in_either_language(error: IndicatorNLPError, zh: str, en: str) -> None:
    assert (error.text("zh"), error.text("en"), str(error)) == (zh, en, en)
    failed = Finding.failed(error, "a.docx")
    assert (failed.code, failed.message, failed.text("zh"), failed.text("en")) == ("F001", en, zh, en)
