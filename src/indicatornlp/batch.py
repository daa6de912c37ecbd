"""Tag many filings at once: read every file, normalize and audit every indicator, write one row per indicator.

Outputs by suffix: ``.csv`` and ``.jsonl`` write three files (``out.csv``, ``out.findings.csv``,
``out.summary.csv``); ``.xlsx`` writes one workbook with the sheets ``indicators``, ``findings`` and
``summary``.  Everything is written to temporary files in the output's folder and renamed at the end (the main
file last), so an interrupted run leaves no file behind that looks whole.

Work is split per file: in this process (``jobs=1``), in local joblib workers (``jobs=N``) or on a Dask cluster
(``backend="dask"``, ``scheduler="tcp://host:8786"``, through joblib's Dask backend; the workers must see the
same paths, as on a shared file system).  A file that cannot be read becomes an ``F001`` finding (``F002`` for an
unexpected error) and the run carries on.

Column meanings: ``filing`` is the 1-based number of the project within its file and ``row`` the 1-based number
of the indicator within its filing; ``level1``/``level2`` are the canonical form of the filed category;
``value``/``upper`` are exact decimals written as text; lists (``flags``, ``findings``) are joined with ``;`` in
CSV and XLSX.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .api import normalize_filings
from .errors import IndicatorNLPError, OutputError
from .errors import unexpected_message as _unexpected
from .readers import find_files, walk  # the folder walk lives with the readers; find_files: its old name
from .records import Filing, Finding, Indicator, Normalized, Position, Severity
from .rules import audit_normalized
from .tables import (
    FINDING_COLUMNS,
    ROW_COLUMNS,
    SUMMARY_COLUMNS,
    TABLES,
    Writer,
    cell_text,
    output_paths,
    writer_for,
)

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

ModelChoice: TypeAlias = "Model | str | os.PathLike[str] | Literal[False] | None"
"""A ``Model``, a path to a model file, ``None`` for the shipped default, or ``False`` for none."""

__all__ = [
    "FINDING_COLUMNS",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "BackendError",
    "FileResult",
    "TagResult",
    "audit_paths",
    "find_files",
    "output_paths",
    "tag_file",
    "tag_paths",
    "tag_to_file",
]

_CONNECT_TIMEOUT = 15
"""Seconds to wait for a Dask scheduler before giving up."""


class BackendError(IndicatorNLPError):
    """The Dask scheduler cannot be reached, or the backend options do not fit together."""

    code = "E600"


@dataclasses.dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: its rows, findings and summaries, or the reason it could not be read."""

    path: str
    rows: tuple[dict[str, Any], ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    summaries: tuple[dict[str, Any], ...] = ()
    failure: Finding | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class TagResult:
    """The result of ``tag_paths`` (or the counts of ``tag_to_file``): JSON-ready dicts by table."""

    rows: list[dict[str, Any]]
    """One per indicator, keys ``ROW_COLUMNS`` (empty for ``tag_to_file``, which streams them to disk)."""
    findings: list[dict[str, Any]]
    """Audit findings and file failures, keys ``FINDING_COLUMNS``."""
    summaries: list[dict[str, Any]]
    """One per filing (and one per failed file), keys ``SUMMARY_COLUMNS``."""
    failures: list[Finding]
    """The files that could not be read (``F001``/``F002``), ``source`` the file."""
    skipped: list[str] = dataclasses.field(default_factory=list)
    """Hidden files and folders (``.git``, ``~$lock.xlsx``) that were not read."""
    not_filings: list[str] = dataclasses.field(default_factory=list)
    """Files in the folders that are not filings (exports, images, ``README*``): not read."""
    files: int = 0
    """Files processed (read or failed)."""
    reused: int = 0
    """Files taken over from the previous output (``resume``)."""
    indicators: int = 0
    """Indicator rows written."""
    filings: int = 0
    """Filings (projects) read."""
    outputs: tuple[str, ...] = ()
    """The files written (``tag_to_file``)."""


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


def _where(position: Position | None) -> str:
    if position is None:
        return ""
    return ", ".join(
        f"{name} {getattr(position, name)}"
        for name in ("sheet", "table", "page", "line", "row")
        if getattr(position, name) is not None
    )


def _file_stat(path: str) -> tuple[int | None, str | None]:
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    mtime = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        microseconds=stat.st_mtime_ns // 1000
    )
    return stat.st_size, mtime.isoformat()


def _failure_result(shown: str, path: str, code: str, message: str) -> FileResult:
    size, mtime = _file_stat(path)
    failure = Finding(code, Severity.ERROR, message.replace(path, shown), source=shown)
    finding = _finding_dict(shown, None, None, failure)
    summary = dict.fromkeys(SUMMARY_COLUMNS)
    summary.update(source=shown, status=f"failed: {code}", codes=[code], file_size=size, file_mtime=mtime)
    return FileResult(shown, findings=(finding,), summaries=(summary,), failure=failure)


def _finding_dict(path: str, number: int | None, filing: Filing | None, f: Finding) -> dict[str, Any]:
    position = ""
    if filing is not None:
        position = _where(filing.indicators[f.row - 1].position) if f.row is not None else _where(filing.source)
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
    path: str, number: int, filing: Filing, i: int, ind: Indicator, n: Normalized, codes: list[str]
) -> dict[str, Any]:
    t = n.target.to_dict()
    return {
        "source": path,
        "position": _where(ind.position),
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


def tag_file(path: str, *, model: ModelChoice = None, source: str | None = None) -> FileResult:
    """Read one file, normalize and audit its filings.  Never raises for a bad file: see ``FileResult.failure``.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    ``source``: the name to write for the file (default ``path``; a Dask worker reads the absolute path).
    """
    from .readers import read_filings

    shown = source or path
    try:
        filings = read_filings(path)
    except IndicatorNLPError as err:
        return _failure_result(shown, path, "F001", str(err))
    except Exception as err:  # a reader bug must not end a batch of thousands of files
        return _failure_result(shown, path, "F002", _unexpected(err))
    rows: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    size, mtime = _file_stat(path)
    try:
        every, note = normalize_filings(filings, model=_resolve_model(model))
        for number, (filing, normalized) in enumerate(zip(filings, every, strict=True), 1):
            audited = audit_normalized(filing, normalized, model_note=note)
            by_row: dict[int, list[str]] = {}
            for f in audited:
                if f.row is not None:
                    by_row.setdefault(f.row, []).append(f.code)
                if shown != path:  # name the file as the caller did, also in the reader's messages
                    f = dataclasses.replace(f, message=f.message.replace(path, shown))
                findings.append(_finding_dict(shown, number, filing, f))
            for i, (ind, n) in enumerate(zip(filing.indicators, normalized, strict=True)):
                rows.append(_row_dict(shown, number, filing, i, ind, n, sorted(set(by_row.get(i + 1, [])))))
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
    except IndicatorNLPError as err:
        return _failure_result(shown, path, "F001", str(err))
    except Exception as err:
        return _failure_result(shown, path, "F002", _unexpected(err))
    return FileResult(shown, tuple(rows), tuple(findings), tuple(summaries))


def audit_paths(
    paths: Iterable[str | os.PathLike[str]], *, model: ModelChoice = None
) -> tuple[list[tuple[Filing, list[Finding]]], list[Finding]]:
    """Audit every filing under ``paths``: ``(filing, findings)`` pairs, and the files that could not be read.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    """
    from .readers import read_filings

    files, _ = find_files(paths)
    resolved = _resolve_model(model)
    audited: list[tuple[Filing, list[Finding]]] = []
    failures: list[Finding] = []
    for path in files:
        try:
            filings = read_filings(path)
        except IndicatorNLPError as err:
            failures.append(Finding("F001", Severity.ERROR, str(err), source=path))
            continue
        every, note = normalize_filings(filings, model=resolved)
        for filing, normalized in zip(filings, every, strict=True):
            audited.append((filing, audit_normalized(filing, normalized, model_note=note)))
    return audited, failures


# ---- running many files ------------------------------------------------------------------------------------


def _run(
    files: Sequence[str], *, jobs: int, backend: str, scheduler: str | None, model: ModelChoice
) -> Generator[FileResult, None, None]:
    """The results in the order of ``files``, computed here, in joblib workers or on a Dask cluster."""
    if not files:
        return
    if backend == "local" and jobs == 1:
        resolved = _resolve_model(model)
        for path in files:
            yield tag_file(path, model=resolved)
        return
    from joblib import Parallel, delayed

    if backend == "local":
        tasks = (delayed(tag_file)(path, model=model) for path in files)
        yield from Parallel(n_jobs=jobs, return_as="generator")(tasks)
        return
    # the workers of a cluster need not share our working directory: they read absolute paths
    if isinstance(model, str | os.PathLike):
        model = os.path.abspath(model)
    tasks = (delayed(tag_file)(os.path.abspath(path), model=model, source=path) for path in files)
    if backend != "dask":
        raise BackendError(None, f"unknown backend {backend!r}", hint="use 'local' or 'dask'")
    if not scheduler:
        raise BackendError(None, "the dask backend needs a scheduler address", hint="give --scheduler tcp://host:8786")
    try:
        import distributed
    except ImportError as err:
        raise BackendError(
            None, f"dask.distributed is not installed ({err})", hint="pip install indicatornlp[dask]"
        ) from err
    from joblib import parallel_config

    make_client: Any = distributed.Client
    try:
        client = make_client(scheduler, timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        raise BackendError(scheduler, f"cannot reach the Dask scheduler ({err})", hint="check the address") from err
    try:
        with parallel_config(backend="dask"):
            yield from Parallel(n_jobs=jobs if jobs > 1 else -1, return_as="generator")(tasks)
    finally:
        client.close()


def tag_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    model: ModelChoice = None,
    progress: bool = False,
) -> TagResult:
    """Read, normalize and audit every filing under ``paths``; the rows, findings and summaries in memory.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    """
    found = walk(paths)
    files = list(found.files)
    result = TagResult([], [], [], [], list(found.hidden), list(found.not_filings))
    results = _run(files, jobs=jobs, backend=backend, scheduler=scheduler, model=model)
    pending = _progress(results, len(files), progress)
    try:
        for r in pending:
            result.rows.extend(r.rows)
            result.findings.extend(r.findings)
            result.summaries.extend(r.summaries)
            if r.failure:
                result.failures.append(r.failure)
    finally:
        pending.close()
        results.close()
    return dataclasses.replace(
        result,
        files=len(files),
        indicators=len(result.rows),
        filings=sum(1 for s in result.summaries if s["status"] == "ok"),
    )


def _progress(items: Iterable[FileResult], total: int, show: bool) -> Generator[FileResult, None, None]:
    if not show:
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="file", dynamic_ncols=True) as bar:
        for item in items:
            bar.update(1)
            bar.set_postfix_str(Path(item.path).name[-30:], refresh=False)
            yield item


# ---- writing -----------------------------------------------------------------------------------------------


def _reusable(writer: Writer, existing: dict[str, list[Any]], files: Sequence[str]) -> set[str]:
    """Files whose every filing was written ``ok`` and that have not changed since (size and mtime)."""
    ok: dict[str, bool] = {}
    for item in existing["summary"]:
        s = writer.decode("summary", item)
        source = str(s.get("source") or "")
        size, mtime = _file_stat(source)
        fresh = (
            s.get("status") == "ok"
            and cell_text(s.get("file_size")) == cell_text(size)
            and s.get("file_mtime") == mtime
        )
        ok[source] = ok.get(source, True) and fresh
    return {f for f in files if ok.get(f)}


def tag_to_file(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    model: ModelChoice = None,
    resume: bool = False,
    progress: bool = False,
    on_failure: Callable[[Finding], None] | None = None,
) -> TagResult:
    """Tag every filing under ``paths`` into ``out`` (``.csv``, ``.jsonl`` or ``.xlsx``); return the counts.

    With ``resume``, files already written ``ok`` to ``out`` (and unchanged since) are taken over instead of
    being read again; files that failed are retried.  The result equals a full run over the same files.
    ``on_failure`` is called for each file that cannot be read, as soon as it is known.
    """
    out = Path(out)
    writer = writer_for(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(str(out), f"its folder cannot be made ({err.strerror})", hint="check the path") from None
    found = walk(paths, exclude=set(writer.paths.values()))
    files = list(found.files)
    existing = writer.read_existing() if resume else None
    reuse = _reusable(writer, existing, files) if existing else set()
    previous: dict[str, dict[str, list[Any]]] = {t: {} for t in TABLES}
    if existing:
        for table in TABLES:
            for item in existing[table]:
                source = str(writer.decode(table, item).get("source") or "")
                if source in reuse:
                    previous[table].setdefault(source, []).append(item)
    todo = [f for f in files if f not in reuse]
    results = _run(todo, jobs=jobs, backend=backend, scheduler=scheduler, model=model)
    pending = _progress(results, len(todo), progress)
    failures: list[Finding] = []
    counts = {"indicators": 0, "filings": 0}
    writer.open()
    try:

        def emit(path: str, tables: dict[str, Sequence[Any]]) -> None:
            for table in TABLES:
                for item in tables.get(table, ()):
                    writer.write(table, item)
            counts["indicators"] += len(tables.get("indicators", ()))

        for path in files:
            if path in reuse:
                emit(path, {t: previous[t].get(path, []) for t in TABLES})
                counts["filings"] += len(previous["summary"].get(path, []))
                continue
            r = next(pending)
            assert r.path == path, (r.path, path)
            emit(
                path,
                {
                    "indicators": [writer.encode("indicators", x) for x in r.rows],
                    "findings": [writer.encode("findings", x) for x in r.findings],
                    "summary": [writer.encode("summary", x) for x in r.summaries],
                },
            )
            if r.failure:
                failures.append(r.failure)
                if on_failure:
                    on_failure(r.failure)
            else:
                counts["filings"] += len(r.summaries)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        pending.close()
        results.close()
    outputs = tuple(dict.fromkeys(str(p) for p in writer.paths.values()))
    return TagResult(
        [],
        [],
        [],
        failures,
        list(found.hidden),
        list(found.not_filings),
        files=len(files),
        reused=len(reuse),
        indicators=counts["indicators"],
        filings=counts["filings"],
        outputs=outputs,
    )
