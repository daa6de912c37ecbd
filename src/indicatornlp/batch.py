"""Tag many filings at once: read every file, normalize and audit every indicator, write one row per indicator.

Outputs by suffix: ``.csv`` and ``.jsonl`` write three files (``out.csv``, ``out.findings.csv``,
``out.summary.csv``); ``.xlsx`` writes one workbook with the sheets ``indicators``, ``findings`` and
``summary``.  Everything is written to temporary files in the output's folder and renamed at the end (the main
file last), so an interrupted run leaves no file behind that looks whole.

Work is split per file: in this process (``jobs=1``), in local joblib workers (``jobs=N``) or on a Dask cluster
(``backend="dask"``, ``scheduler="tcp://host:8786"``, through joblib's Dask backend; the workers must see the
same paths, as on a shared file system).  A file that cannot be read becomes an ``F001`` finding (``F002`` for an
unexpected error) and the run carries on.

**One bad entry never stops a run.**  Every command that reads many files (``read``, ``audit``, ``link``,
``library``, ``score``, ``tag``) goes through the same two functions: ``checked_walk`` finds the files (FIFOs,
devices, link loops listed as skipped, never opened) and refuses, with exit code 2, a path that does not exist
or folders that hold no filing; ``isolate(path, work)`` runs one file's work and turns whatever it raises into an
``F001``/``F002`` failure naming the file.  A new command over files is::

    found = checked_walk(paths)
    for path in found.files:
        outcome = isolate(path, lambda p: score_filing(read_filings(p)))
        ...  # outcome.value, or outcome.failure (a Finding) to report and count

**Outputs never destroy inputs** (``atomic.check_outputs``, before anything is read), one run at a time writes
an output (``atomic.OutputLock``), and ``resume`` trusts only what the output's manifest vouches for: the same
options, tables that belong together, inputs unchanged since (size, modification time and sha256).  Anything
else is refused with the reason (``ResumeError``, E503).

Column meanings: ``filing`` is the 1-based number of the project within its file and ``row`` the 1-based number
of the indicator within its filing; ``level1``/``level2`` are the canonical form of the filed category;
``value``/``upper`` are exact decimals written as text; lists (``flags``, ``findings``) are joined with ``;`` in
CSV and XLSX.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar

from .api import normalize_filings
from .atomic import OutputLock, check_outputs, remove_stale
from .errors import IndicatorNLPError, NothingToReadError, OutputError, printable
from .errors import unexpected_message as _unexpected
from .readers import Limits, Walk, find_files, walk  # the folder walk lives with the readers; find_files: old name
from .records import Filing, Finding, Indicator, Normalized, Position, Severity
from .rules import audit_normalized
from .tables import (
    FINDING_COLUMNS,
    ROW_COLUMNS,
    SUMMARY_COLUMNS,
    TABLES,
    Writer,
    fingerprint,
    manifest_path,
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
    "Outcome",
    "TagResult",
    "audit_paths",
    "checked_walk",
    "find_files",
    "fingerprint",
    "isolate",
    "output_paths",
    "tag_file",
    "tag_paths",
    "tag_to_file",
]

T = TypeVar("T")
_MANIFEST_FORMAT = 1

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
    fingerprint: dict[str, Any] | None = None
    """The file as it was read: ``size``, ``mtime_ns`` and ``sha256`` (``fingerprint``)."""


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
    special: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """Entries of the folders that were not opened, with the reason (FIFOs, devices, link loops)."""
    stripped: int = 0
    """Control characters removed from the cells written (a workbook cannot hold them)."""


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


def _failure_result(shown: str, path: str, failure: Finding) -> FileResult:
    size, mtime = _file_stat(path)
    finding = _finding_dict(shown, None, None, failure)
    summary = dict.fromkeys(SUMMARY_COLUMNS)
    summary.update(
        source=shown, status=f"failed: {failure.code}", codes=[failure.code], file_size=size, file_mtime=mtime
    )
    return FileResult(shown, findings=(finding,), summaries=(summary,), failure=failure, fingerprint=fingerprint(path))


# ---- one bad entry never stops a run ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What ``isolate`` gives for one file: the work's value, or the failure that replaced it."""

    path: str
    """The path as walked (a name that is not UTF-8 keeps its bytes, to open it again)."""
    shown: str
    """The path as written and printed (bytes that are not UTF-8 escaped: ``errors.printable``)."""
    value: T | None = None
    failure: Finding | None = None
    """``F001`` (an ``IndicatorNLPError``: the file is bad) or ``F002`` (anything else: a bug), severity error."""


def isolate(path: str, work: Callable[[str], T], *, shown: str | None = None) -> Outcome[T]:
    """Run ``work(path)``; whatever it raises (but Ctrl-C) becomes the ``Outcome``'s failure, naming the file.

    >>> isolate("missing.pdf", lambda p: open(p)).failure.code
    'F002'
    >>> from indicatornlp.readers import read_filings
    >>> print(isolate("missing.pdf", read_filings).failure.message)
    [E101] missing.pdf: no such file — check the path
    """
    name = shown if shown is not None else printable(path)
    try:
        return Outcome(path, name, value=work(path))
    except IndicatorNLPError as err:
        return Outcome(path, name, failure=_failure(name, path, "F001", str(err)))
    except Exception as err:  # a reader bug must not end a batch of thousands of files
        return Outcome(path, name, failure=_failure(name, path, "F002", _unexpected(err)))


def _failure(shown: str, path: str, code: str, message: str) -> Finding:
    text = message.replace(printable(path), shown) if printable(path) != shown else message
    return Finding(code, Severity.ERROR, text, source=shown)


def checked_walk(
    paths: Iterable[str | os.PathLike[str]], *, tables: bool = False, exclude: Iterable[str | os.PathLike[str]] = ()
) -> Walk:
    """``readers.walk``, refusing a run with nothing to read: only paths that do not exist, or no filing at all.

    Raises ``NothingToReadError`` (E111, exit code 2) before anything is read or written.  A missing path among
    others is kept: reading it is one ``F001`` failure (E101), and the other files are read.
    """
    given = [os.fspath(p) for p in paths]
    found = walk(given, tables=tables, exclude=exclude)
    if found.missing and len(found.missing) == len(found.files):
        raise NothingToReadError(
            ", ".join(printable(p) for p in found.missing),
            "no such file or folder",
            hint="check the path: nothing was read or written",
        )
    if not found.files:
        skipped = len(found.hidden) + len(found.not_filings) + len(found.special)
        what = f" ({skipped} entries skipped: hidden, not filings or not files)" if skipped else ""
        raise NothingToReadError(
            ", ".join(printable(p) for p in given) or None,
            f"no filing to read{what}",
            hint="give files in the formats `indicatornlp read --help` lists: nothing was written",
        )
    return found


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


def tag_file(
    path: str, *, model: ModelChoice = None, source: str | None = None, limits: Limits | None = None
) -> FileResult:
    """Read one file, normalize and audit its filings.  Never raises for a bad file: see ``FileResult.failure``.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    ``source``: the name to write for the file (default ``path``; a Dask worker reads the absolute path).
    ``limits``: what the file may inflate to (``readers.Limits``; default: the environment's).
    """
    shown = source or printable(path)
    found = fingerprint(path)  # before reading: what was read is at least as new as what is recorded
    outcome = isolate(path, lambda p: _tag_filings(p, shown, model, limits), shown=shown)
    if outcome.failure is not None:
        return _failure_result(shown, path, outcome.failure)
    assert outcome.value is not None
    rows, findings, summaries = outcome.value
    return FileResult(shown, tuple(rows), tuple(findings), tuple(summaries), fingerprint=found)


def _tag_filings(
    path: str, shown: str, model: ModelChoice, limits: Limits | None
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
            if shown != path:  # name the file as the caller did (and printable), also in the rules' messages
                f = dataclasses.replace(f, message=printable(f.message.replace(path, shown).replace(named, shown)))
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


# ---- running many files ------------------------------------------------------------------------------------


def _run(
    files: Sequence[str],
    *,
    jobs: int,
    backend: str,
    scheduler: str | None,
    model: ModelChoice,
    limits: Limits | None = None,
) -> Generator[FileResult, None, None]:
    """The results in the order of ``files``, computed here, in joblib workers or on a Dask cluster."""
    if not files:
        return
    limits = limits or Limits.from_env()  # resolved here: a worker of a cluster has another environment
    if backend == "local" and jobs == 1:
        resolved = _resolve_model(model)
        for path in files:
            yield tag_file(path, model=resolved, limits=limits)
        return
    from joblib import Parallel, delayed

    if backend == "local":
        tasks = (delayed(tag_file)(path, model=model, limits=limits) for path in files)
        yield from Parallel(n_jobs=jobs, return_as="generator")(tasks)
        return
    # the workers of a cluster need not share our working directory: they read absolute paths
    if isinstance(model, str | os.PathLike):
        model = os.path.abspath(model)
    tasks = (
        delayed(tag_file)(os.path.abspath(path), model=model, source=printable(path), limits=limits) for path in files
    )
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
        try:
            client.wait_for_workers(1, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise BackendError(
                scheduler,
                f"the Dask scheduler has no workers (none joined within {_CONNECT_TIMEOUT} s)",
                hint="start workers: dask worker " + scheduler,
            ) from err
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
    limits: Limits | None = None,
) -> TagResult:
    """Read, normalize and audit every filing under ``paths``; the rows, findings and summaries in memory.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.
    Raises ``NothingToReadError`` when a path does not exist or nothing is there to read.
    """
    found = checked_walk(paths)
    files = list(found.files)
    result = TagResult([], [], [], [], list(found.hidden), list(found.not_filings), special=list(found.special))
    results = _run(files, jobs=jobs, backend=backend, scheduler=scheduler, model=model, limits=limits)
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("indicatornlp")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
        return "unknown"


def _sha256_file(path: str | os.PathLike[str]) -> str | None:
    found = fingerprint(os.fspath(path))
    return None if found is None else found["sha256"]


def model_identity(model: ModelChoice) -> str:
    """What decides the predictions of a run: ``"none"``, or the sha256 of the model file or card."""
    if model is False:
        return "none"
    if model is None:
        from .model import default_model_path

        return f"shipped {_sha256_file(default_model_path())}"
    if isinstance(model, str | os.PathLike):
        return f"file {_sha256_file(model)}"
    card = json.dumps(getattr(model, "card", {}), sort_keys=True, default=str)
    return f"model {hashlib.sha256(card.encode()).hexdigest()}"


def _options(writer: Writer, model: ModelChoice, limits: Limits) -> dict[str, Any]:
    """The options whose change changes the output: a resumed run must have the same."""
    return {
        "indicatornlp": _version(),
        "manifest": _MANIFEST_FORMAT,
        "model": model_identity(model),
        "raw": writer.raw,
        "limits": dataclasses.asdict(limits),
    }


def tag_to_file(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    model: ModelChoice = None,
    resume: bool = False,
    raw: bool = False,
    progress: bool = False,
    on_failure: Callable[[Finding], None] | None = None,
    limits: Limits | None = None,
) -> TagResult:
    """Tag every filing under ``paths`` into ``out`` (``.csv``, ``.jsonl`` or ``.xlsx``); return the counts.

    Before anything is read, ``out`` is refused when it would replace an input or lie in a folder the run reads
    (``OutputOverlapError``), and locked against a second writer (``OutputLockedError``).  With ``resume``, files
    already written ``ok`` to ``out`` and unchanged since are taken over instead of being read again; files
    that failed are retried.  The result equals a full run over the same files; what the previous output's
    manifest does not vouch for is refused (``ResumeError``).  ``raw``: CSV text cells as they are (no
    apostrophe before ``=``, ``+``, ``-``, ``@``).  ``on_failure`` is called for each file that cannot be read,
    as soon as it is known.
    """
    out = Path(out)
    given = [os.fspath(p) for p in paths]
    writer = writer_for(out, raw=raw)
    companion = manifest_path(out)
    finals = list(dict.fromkeys([*writer.paths.values(), *([companion] if companion else [])]))
    check_outputs(finals, given)
    found = checked_walk(given, exclude=finals)
    files = list(found.files)
    limits = limits or Limits.from_env()
    options = _options(writer, model, limits)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(str(out), f"its folder cannot be made ({err.strerror})", hint="check the path") from None
    with OutputLock(out):
        for final in finals:
            remove_stale(final)
        existing = writer.read_existing() if resume else None
        reuse, previous = existing.reusable(writer, options, files) if existing else (set(), {})
        todo = [f for f in files if f not in reuse]
        results = _run(todo, jobs=jobs, backend=backend, scheduler=scheduler, model=model, limits=limits)
        pending = _progress(results, len(todo), progress)
        failures: list[Finding] = []
        filings = 0
        inputs: list[dict[str, Any]] = []
        try:
            writer.open()  # inside: a signal while the temporaries are made still removes them
            for path in files:
                before = dict(writer.counts)
                if path in reuse:
                    shown = printable(path)
                    for table in TABLES:
                        for item in previous[shown][table]:
                            writer.write(table, item)
                    filings += len(previous[shown]["summary"])
                    found_print = fingerprint(path)
                    status = "ok"
                else:
                    r = next(pending)
                    assert r.path == printable(path), (r.path, path)
                    shown, found_print = r.path, r.fingerprint
                    for table, dicts in (("indicators", r.rows), ("findings", r.findings), ("summary", r.summaries)):
                        for row in dicts:
                            writer.write(table, writer.encode(table, row))
                    status = "failed" if r.failure else "ok"
                    if r.failure:
                        failures.append(r.failure)
                        if on_failure:
                            on_failure(r.failure)
                    else:
                        filings += len(r.summaries)
                counts = {t: writer.counts[t] - before[t] for t in TABLES}
                inputs.append({"source": shown, "fingerprint": found_print, "status": status, "rows": counts})
            manifest = {
                "options": options,
                "inputs": inputs,
                "written": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            }
            writer.commit(manifest)
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
        indicators=writer.counts["indicators"],
        filings=filings,
        outputs=outputs,
        special=list(found.special),
        stripped=writer.stripped,
    )
