"""One file's work in a batch: ``tag_file`` (its rows, findings and summaries as table rows) and ``audit_paths``.

Never raises for a bad file: what a file raises becomes its ``FileResult.failure`` (``isolation.isolate``).  The
findings' messages are said in the ``lang`` given (resolved by the caller and passed down, so that a worker of a
cluster, whose environment is not the caller's, writes the same words).

Column meanings: ``filing`` is the 1-based number of the project within its file and ``row`` the 1-based number
of the indicator within its filing; ``level1``/``level2`` are the canonical form of the filed category;
``value``/``upper`` are exact decimals written as text; lists (``flags``, ``findings``) are joined with ``;`` in
CSV and XLSX.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .api import normalize_filings
from .errors import printable
from .isolation import checked_walk, isolate
from .messages import Lang, failed_status, resolve_lang
from .readers import Limits
from .records import Filing, Finding, Indicator, Normalized, Position, Severity
from .rules import audit_normalized
from .tables import SUMMARY_COLUMNS, fingerprint

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

ModelChoice: TypeAlias = "Model | str | os.PathLike[str] | Literal[False] | None"
"""A ``Model``, a path to a model file, ``None`` for the shipped default, or ``False`` for none."""

__all__ = ["FileResult", "ModelChoice", "audit_paths", "tag_file"]


@dataclasses.dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: its rows, findings and summaries, or the reason it could not be read."""

    path: str
    rows: tuple[dict[str, Any], ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    summaries: tuple[dict[str, Any], ...] = ()
    failure: Finding | None = None
    fingerprint: dict[str, Any] | None = None
    """The file as it was read: ``size``, ``mtime_ns`` and ``sha256`` (``fingerprint``)."""


# ---- one file ----------------------------------------------------------------------------------------------

_LOADED: dict[str, Model] = {}


def _resolve_model(model: ModelChoice) -> Model | Literal[False] | None:
    """A model path is loaded once per process (each worker loads its own copy)."""
    if isinstance(model, str | os.PathLike):
        key = os.fspath(model)
        if key not in _LOADED:
            from .model import load_model

            _LOADED[key] = load_model(key)
        return _LOADED[key]
    return model


def _where(position: Position | None, lang: Lang) -> str:
    """Where a row sits in its file, in the run's language (``工作表 表1，第 4 行`` / ``sheet 表1, row 4``)."""
    return "" if position is None else position.place(lang)


def _file_stat(path: str) -> tuple[int | None, str | None]:
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    mtime = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        microseconds=stat.st_mtime_ns // 1000
    )
    return stat.st_size, mtime.isoformat()


def _failure_result(shown: str, path: str, failure: Finding, lang: Lang) -> FileResult:
    size, mtime = _file_stat(path)
    # the table says the reader's error in the run's language; ``failure`` (stderr, .failures) keeps it whole
    finding = _finding_dict(shown, None, None, dataclasses.replace(failure, message=failure.text(lang)), lang)
    summary = dict.fromkeys(SUMMARY_COLUMNS)
    summary.update(
        source=shown, status=failed_status(failure.code), codes=[failure.code], file_size=size, file_mtime=mtime
    )
    return FileResult(shown, findings=(finding,), summaries=(summary,), failure=failure, fingerprint=fingerprint(path))


def _finding_dict(path: str, number: int | None, filing: Filing | None, f: Finding, lang: Lang) -> dict[str, Any]:
    position = ""
    if filing is not None:
        at = filing.indicators[f.row - 1].position if f.row is not None else filing.source
        position = _where(at, lang)
    return {
        "source": path,
        "position": position,
        "filing": number,
        "project": filing.project if filing else None,
        "row": f.row,
        "indicator": f.indicator,
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
    }


def _row_dict(
    path: str, number: int, filing: Filing, i: int, ind: Indicator, n: Normalized, codes: list[str], lang: Lang
) -> dict[str, Any]:
    t = n.target.to_dict()
    return {
        "source": path,
        "position": _where(ind.position, lang),
        "filing": number,
        "project": filing.project,
        "department": filing.department,
        "year": filing.year,
        "row": i + 1,
        "level1_raw": ind.level1_raw,
        "level2_raw": ind.level2_raw,
        "name": ind.name,
        "target_raw": ind.target_raw,
        "level1": n.filed_level1,
        "level2": n.filed_level2,
        "legacy": n.legacy,
        "predicted_level1": n.predicted_level1,
        "predicted_level2": n.predicted_level2,
        "confidence": round(float(n.confidence), 4),
        "mismatch": n.mismatch,
        "admissible": list(n.admissible),
        "measure": n.measure,
        "family": n.family,
        "concept": n.concept,
        "evidence": list(n.evidence),
        "kind": t["kind"],
        "comparator": t["comparator"],
        "value": t["value"],
        "upper": t["upper"],
        "unit": t["unit"],
        "date": t["date"],
        "label": t["label"],
        "direction": t["direction"],
        "flags": t["flags"],
        "findings": codes,
    }


def tag_file(
    path: str,
    *,
    model: ModelChoice = None,
    source: str | None = None,
    limits: Limits | None = None,
    lang: str | None = None,
) -> FileResult:
    """Read one file, normalize and audit its filings.  Never raises for a bad file: see ``FileResult.failure``.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    ``source``: the name to write for the file (default ``path``; a Dask worker reads the absolute path).
    ``limits``: what the file may inflate to (``readers.Limits``; default: the environment's).
    ``lang``: the language of the findings' messages (``zh``, ``en``; ``None``: ``messages.default_lang()``).
    """
    shown = source or printable(path)
    language = resolve_lang(lang)
    found = fingerprint(path)  # before reading: what was read is at least as new as what is recorded
    outcome = isolate(path, lambda p: _tag_filings(p, shown, model, limits, language), shown=shown)
    if outcome.failure is not None:
        return _failure_result(shown, path, outcome.failure, language)
    assert outcome.value is not None
    rows, findings, summaries = outcome.value
    return FileResult(shown, tuple(rows), tuple(findings), tuple(summaries), fingerprint=found)


def _tag_filings(
    path: str, shown: str, model: ModelChoice, limits: Limits | None, lang: Lang
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    from .readers import read_filings

    filings = read_filings(path, limits=limits)
    rows: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    size, mtime = _file_stat(path)
    named = printable(path)
    every, note = normalize_filings(filings, model=_resolve_model(model))
    for number, (filing, normalized) in enumerate(zip(filings, every, strict=True), 1):
        audited = audit_normalized(filing, normalized, model_note=note)
        by_row: dict[int, list[str]] = {}
        for f in audited:
            if f.row is not None:
                by_row.setdefault(f.row, []).append(f.code)
            message = f.text(lang)  # in the run's language, whatever this process's environment says
            if shown != path:  # name the file as the caller did (and printable), also in the rules' messages
                message = printable(message.replace(path, shown).replace(named, shown))
            f = dataclasses.replace(f, message=message)
            findings.append(_finding_dict(shown, number, filing, f, lang))
        for i, (ind, n) in enumerate(zip(filing.indicators, normalized, strict=True)):
            rows.append(_row_dict(shown, number, filing, i, ind, n, sorted(set(by_row.get(i + 1, []))), lang))
        severities = [f.severity for f in audited]
        summaries.append(
            {
                "source": shown,
                "filing": number,
                "project": filing.project,
                "department": filing.department,
                "unit": filing.unit,
                "year": filing.year,
                "category": filing.category,
                "funds_total": filing.funds.to_dict()["total"],
                "indicators": len(filing.indicators),
                "errors": severities.count(Severity.ERROR),
                "warnings": severities.count(Severity.WARNING),
                "infos": severities.count(Severity.INFO),
                "codes": sorted({f.code for f in audited}),
                "status": "ok",
                "file_size": size,
                "file_mtime": mtime,
            }
        )
    return rows, findings, summaries


def audit_paths(
    paths: Iterable[str | os.PathLike[str]], *, model: ModelChoice = None, limits: Limits | None = None
) -> tuple[list[tuple[Filing, list[Finding]]], list[Finding]]:
    """Audit every filing under ``paths``: ``(filing, findings)`` pairs, and the files that could not be read.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.  A file that
    fails (to be read, or anywhere after) is one ``F001``/``F002`` failure; the others are audited.  Raises
    ``NothingToReadError`` when a path does not exist or nothing is there to read.
    """
    from .readers import read_filings

    found = checked_walk(paths)
    resolved = _resolve_model(model)

    def audit_file(path: str) -> list[tuple[Filing, list[Finding]]]:
        filings = read_filings(path, limits=limits)
        every, note = normalize_filings(filings, model=resolved)
        return [
            (filing, audit_normalized(filing, normalized, model_note=note))
            for filing, normalized in zip(filings, every, strict=True)
        ]

    audited: list[tuple[Filing, list[Finding]]] = []
    failures: list[Finding] = []
    for path in found.files:
        outcome = isolate(path, audit_file)
        if outcome.failure is not None:
            failures.append(outcome.failure)
        else:
            audited.extend(outcome.value or [])
    return audited, failures
