"""Every text a reviewer reads, in Chinese and English, from one catalogue (``data/messages.toml``).

The audit codes' titles, descriptions and messages, the headings and column headers of the reports, the
spreadsheets and the library, and the lines the commands print.  Chinese is the default (the readers are
Chinese finance reviewers); ``lang="en"``, the commands' ``--lang en`` or ``INDICATORNLP_LANG=en`` give English.

>>> text("report.title", "zh"), text("report.title", "en")
('绩效目标审核报告', 'indicatornlp audit')
>>> text("codes.A120.message", "zh", target="12")
'指标值“12”没有比较符——请按计划写明（下限用 ≥，上限用 ≤，确切数量用 =）'
>>> header("findings", "severity", "zh"), severity_name("warning", "zh")
('级别', '警告')
"""

from __future__ import annotations

import functools
import os
import string
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any, Literal, TypeAlias, cast

from .errors import InputError, compose, printable
from .records import Severity

__all__ = [
    "ENV",
    "LANGS",
    "Args",
    "Lang",
    "code_text",
    "default_lang",
    "entries",
    "error_text",
    "failed_status",
    "header",
    "headers",
    "lookup",
    "nest",
    "placeholders",
    "resolve_lang",
    "severity_name",
    "shown",
    "stored",
    "text",
    "variants",
]

Lang: TypeAlias = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
"""The languages of the catalogue; the first is the default."""
ENV = "INDICATORNLP_LANG"
"""The environment variable that sets the default language (``zh`` or ``en``)."""


@functools.cache
def _catalogue() -> dict[str, Any]:
    source = resources.files("indicatornlp").joinpath("data/messages.toml").read_text("utf-8")
    return tomllib.loads(source)


def default_lang() -> Lang:
    """``INDICATORNLP_LANG`` when it names a language of the catalogue, else Chinese."""
    value = os.environ.get(ENV, "").strip().lower()
    return "en" if value == "en" else "zh"


def resolve_lang(lang: str | None) -> Lang:
    """``lang`` checked (``None``: the default); ``InputError`` for a language the catalogue does not hold.

    >>> resolve_lang("EN"), resolve_lang("zh-CN")
    ('en', 'zh')
    """
    if lang is None:
        return default_lang()
    value = str(lang).strip().lower().split("-")[0].split("_")[0]
    if value == "zh":
        return "zh"
    if value == "en":
        return "en"
    raise InputError(None, f"unknown language {lang!r}", hint=f"use one of {', '.join(LANGS)}")


def lookup(key: str) -> Mapping[str, str] | None:
    """The entry at a dotted key (``codes.A101.title``) as ``{"zh": …, "en": …}``, or ``None``."""
    node: Any = _catalogue()
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, Mapping) and all(isinstance(node.get(lang), str) for lang in LANGS):
        return cast("Mapping[str, str]", node)
    return None


def text(key: str, lang: str | None = None, /, **args: object) -> str:
    """The text at ``key`` in ``lang``, its ``{placeholders}`` filled from ``args``.

    A key the catalogue does not hold is returned as it is (a missing text never hides the rest of a report).
    A value may itself be an entry of the catalogue, said in the same language: ``NAME.key`` names it and
    ``NAME.x`` fill it (``nest``); it replaces ``NAME`` (which may hold the English, for a reader without the
    catalogue).

    >>> inner = nest("rule", "scoring.deadline.late", actual="2023-12-28", late="8", target="2023-12-20")
    >>> text("codes.S104.no_weight", "zh", **dict(inner))
    '时限：2023-12-28 完成，晚于 2023-12-20 共 8 天——请填写该行的分值或一级指标'
    """
    entry = lookup(key)
    if entry is None:
        return key
    language = resolve_lang(lang)
    template = entry[language]
    if not args and "{" not in template:
        return template
    filled = _Args(args)
    for name in placeholders(template):
        inner = args.get(f"{name}.key")
        if isinstance(inner, str) and lookup(inner) is not None:
            prefix = f"{name}."
            values = {k.removeprefix(prefix): v for k, v in args.items() if k.startswith(prefix) and k != f"{name}.key"}
            filled[name] = text(inner, language, **values)
    return template.format_map(filled)


Args: TypeAlias = tuple[tuple[str, str], ...]
"""The values that fill an entry, as (name, value) text pairs (``Finding.args``, ``ScoreRow.rule_args``)."""


def nest(name: str, key: str, /, *pairs: tuple[str, str], **args: object) -> Args:
    """The entry ``key`` filled by ``pairs`` and ``args``, as the values of the placeholder ``name`` of another
    entry (``text`` says it in that entry's language).

    >>> nest("rule", "scoring.range.met", value="400", low="300", high="500")
    (('rule.key', 'scoring.range.met'), ('rule.value', '400'), ('rule.low', '300'), ('rule.high', '500'))
    """
    values = (*pairs, *((k, str(v)) for k, v in args.items()))
    return ((f"{name}.key", key), *((f"{name}.{k}", v) for k, v in values))


class _Args(dict[str, object]):
    """Placeholders the caller did not give stay visible as ``{name}`` instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def code_text(code: str, field: str, lang: str | None = None, /, **args: object) -> str | None:
    """A code's ``title``, ``doc``, ``message`` or message variant in ``lang``; ``None`` when not in the catalogue.

    >>> code_text("A203", "title", "zh"), code_text("A999", "title", "zh")
    ('缺少成本指标', None)
    """
    key = f"codes.{code}.{field}"
    return text(key, lang, **args) if lookup(key) is not None else None


def variants(code: str) -> list[str]:
    """The messages a code can say, ``message`` first (``A203``: ``message``, ``construction``).

    >>> variants("A203"), variants("A999")
    (['message', 'construction'], [])
    """
    node = _catalogue().get("codes", {}).get(code, {})
    found = [k for k in node if k not in ("title", "doc") and lookup(f"codes.{code}.{k}") is not None]
    return sorted(found, key=lambda k: k != "message")


def severity_name(severity: object, lang: str | None = None) -> str:
    """``错误``/``警告``/``提示`` (or ``error``/``warning``/``info``) for a ``Severity`` or its value."""
    value = str(getattr(severity, "value", severity))
    return text(f"severity.{value}", lang) if lookup(f"severity.{value}") else value


_FAILED = "failed: "


def failed_status(code: str) -> str:
    """The stored status of a file that could not be read or scored (``shown`` says it in a language).

    >>> failed_status("F001")
    'failed: F001'
    """
    return _FAILED + code


def shown(column: str, value: object, lang: str | None = None) -> object:
    """A table cell as its reader sees it: a finding's ``severity`` and a file's ``status`` in ``lang``; any other
    cell as it is.  JSONL keeps the stored value; ``stored`` reads a shown cell back.

    >>> shown("severity", "warning", "zh"), shown("status", "failed: F001", "zh"), shown("name", "ok", "zh")
    ('警告', '失败：F001', 'ok')
    """
    if not isinstance(value, str):
        return value
    if column == "severity":
        return severity_name(value, lang)
    if column == "status":
        if value == "ok":
            return text("status.ok", lang)
        if value.startswith(_FAILED):
            return text("status.failed", lang, code=value.removeprefix(_FAILED))
    return value


def stored(column: str, value: object) -> object:
    """The stored value of a cell ``shown`` wrote, in either language (``--resume`` reads earlier tables back).

    >>> stored("severity", "警告"), stored("status", "失败：F001"), stored("status", "ok")
    ('warning', 'failed: F001', 'ok')
    """
    if not isinstance(value, str) or column not in ("severity", "status"):
        return value
    for lang in LANGS:
        if column == "severity":
            found = next((s.value for s in Severity if severity_name(s, lang) == value), None)
            if found is not None:
                return found
        elif value == text("status.ok", lang):
            return "ok"
        elif value.startswith(prefix := text("status.failed", lang, code="")):
            return failed_status(value.removeprefix(prefix))
    return value


def header(table: str, column: str, lang: str | None = None) -> str:
    """The header of ``column`` in ``table`` (``indicators``, ``findings``, ``summary``, ``library`` …).

    A column the catalogue does not name keeps its own name.
    """
    key = f"columns.{table}.{column}"
    return text(key, lang) if lookup(key) is not None else column


def headers(table: str, columns: Sequence[str], lang: str | None = None) -> list[str]:
    """The headers of ``columns`` of ``table`` in ``lang``.

    >>> headers("library", ["name", "median"], "zh")
    ['指标名称', '中位数']
    """
    return [header(table, c, lang) for c in columns]


def entries() -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every leaf of the catalogue with its dotted key (a leaf is a table with a text per language)."""

    def walk(prefix: str, node: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for name, value in node.items():
            key = f"{prefix}.{name}" if prefix else name
            if isinstance(value, Mapping) and any(isinstance(v, str) for v in value.values()):
                yield key, value
            elif isinstance(value, Mapping):
                yield from walk(key, value)

    yield from walk("", _catalogue())


def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` a template fills.

    >>> sorted(placeholders("填报在{filed}下（置信度 {confidence}）"))
    ['confidence', 'filed']
    """
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def error_text(code: str, where: str | None, problem: str, hint: str | None, lang: str | None = None) -> str:
    """An error (or a file's failure) in ``lang``: English as raised; Chinese from ``[errors.CODE]`` — the kind of
    failure and what to do — with the particular detail and hint kept in brackets (a code the catalogue lacks:
    English).

    >>> error_text("E101", "a.pdf", "no such file", "check the path", "zh")
    '[E101] a.pdf：找不到该文件（no such file — check the path）——请检查路径'
    """
    if resolve_lang(lang) == "en" or lookup(f"errors.{code}.title") is None:
        return compose(code, where, problem, hint)
    title, todo = text(f"errors.{code}.title", "zh"), text(f"errors.{code}.todo", "zh")
    detail = problem + (f" — {hint}" if hint else "")
    return printable(f"[{code}] " + (f"{where}：" if where else "") + f"{title}（{detail}）——{todo}")
