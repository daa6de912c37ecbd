"""Tag many filings at once: read every file, normalize and audit every indicator, write one row per indicator.

Outputs by suffix: ``.csv`` and ``.jsonl`` write three files (``out.csv``, ``out.findings.csv``,
``out.summary.csv``); ``.xlsx`` writes one workbook with the sheets of the three tables and a legend of the codes
the findings use.  Headers and sheet names are in ``lang`` (Chinese by default; JSONL keeps its English keys).
Everything is written to temporary files in the output's folder and renamed at the end (the main file last), so an
interrupted run leaves no file behind that looks whole.

Work is split per file (``tagging.tag_file``): in this process (``jobs=1``), in local joblib workers (``jobs=N``)
or on a Dask cluster (``backend="dask"``, ``scheduler="tcp://host:8786"``, through joblib's Dask backend; the
workers must see the same paths, as on a shared file system).  Whatever decides the output (the model, the limits,
the language) is resolved here and passed to the workers: they do not share this process's environment.  A file
that cannot be read becomes an ``F001`` finding (``F002`` for an unexpected error) and the run carries on
(``isolation.py``: ``checked_walk`` and ``isolate``, the same for every command over files).

**Outputs never destroy inputs** (``atomic.check_outputs``, before anything is read), one run at a time writes
an output (``atomic.OutputLock``), and ``resume`` trusts only what the output's manifest vouches for: the same
options (the language among them), tables that belong together, inputs unchanged since (size, modification time
and sha256).  Anything else is refused with the reason (``ResumeError``, E503).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from pathlib import Path
from typing import Any

from .atomic import OutputLock, check_outputs, remove_stale
from .errors import IndicatorNLPError, OutputError, printable
from .isolation import Outcome, checked_walk, isolate
from .messages import Lang, resolve_lang
from .readers import Limits, find_files  # the folder walk lives with the readers; find_files: old name
from .records import Finding
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
from .tagging import FileResult, ModelChoice, _resolve_model, audit_paths, tag_file

__all__ = [
    "FINDING_COLUMNS",
    "ROW_COLUMNS",
    "SUMMARY_COLUMNS",
    "BackendError",
    "FileResult",
    "ModelChoice",
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

_MANIFEST_FORMAT = 1

_CONNECT_TIMEOUT = 15
"""Seconds to wait for a Dask scheduler before giving up."""


class BackendError(IndicatorNLPError):
    """The Dask scheduler cannot be reached, or the backend options do not fit together."""

    code = "E600"


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


# ---- running many files ------------------------------------------------------------------------------------


def _run(
    files: Sequence[str],
    *,
    jobs: int,
    backend: str,
    scheduler: str | None,
    model: ModelChoice,
    limits: Limits | None = None,
    lang: Lang = "zh",
) -> Generator[FileResult, None, None]:
    """The results in the order of ``files``, computed here, in joblib workers or on a Dask cluster."""
    if not files:
        return
    limits = limits or Limits.from_env()  # resolved here: a worker of a cluster has another environment
    if backend == "local" and jobs == 1:
        resolved = _resolve_model(model)
        for path in files:
            yield tag_file(path, model=resolved, limits=limits, lang=lang)
        return
    from joblib import Parallel, delayed

    if backend == "local":
        tasks = (delayed(tag_file)(path, model=model, limits=limits, lang=lang) for path in files)
        yield from Parallel(n_jobs=jobs, return_as="generator")(tasks)
        return
    # the workers of a cluster need not share our working directory: they read absolute paths
    if isinstance(model, str | os.PathLike):
        model = os.path.abspath(model)
    tasks = (
        delayed(tag_file)(os.path.abspath(path), model=model, source=printable(path), limits=limits, lang=lang)
        for path in files
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
    lang: str | None = None,
) -> TagResult:
    """Read, normalize and audit every filing under ``paths``; the rows, findings and summaries in memory.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none.  ``lang``: the
    language of the findings' messages (``None``: ``messages.default_lang()``, resolved here).
    Raises ``NothingToReadError`` when a path does not exist or nothing is there to read.
    """
    found = checked_walk(paths)
    files = list(found.files)
    result = TagResult([], [], [], [], list(found.hidden), list(found.not_filings), special=list(found.special))
    language = resolve_lang(lang)
    results = _run(files, jobs=jobs, backend=backend, scheduler=scheduler, model=model, limits=limits, lang=language)
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
        "lang": writer.lang,
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
    lang: str | None = None,
) -> TagResult:
    """Tag every filing under ``paths`` into ``out`` (``.csv``, ``.jsonl`` or ``.xlsx``); return the counts.

    Before anything is read, ``out`` is refused when it would replace an input or lie in a folder the run reads
    (``OutputOverlapError``), and locked against a second writer (``OutputLockedError``).  With ``resume``, files
    already written ``ok`` to ``out`` and unchanged since are taken over instead of being read again; files
    that failed are retried.  The result equals a full run over the same files; what the previous output's
    manifest does not vouch for is refused (``ResumeError``).  ``raw``: CSV text cells as they are (no
    apostrophe before ``=``, ``+``, ``-``, ``@``).  ``on_failure`` is called for each file that cannot be read,
    as soon as it is known.  ``lang``: the language of the headers, sheet names and findings (``zh``, ``en``;
    ``None``: ``messages.default_lang()``, resolved here and passed to the workers); JSONL keeps English keys.
    A resume with another language than the earlier run's is refused (its tables would mix two languages).
    """
    out = Path(out)
    given = [os.fspath(p) for p in paths]
    writer = writer_for(out, raw=raw, lang=resolve_lang(lang))
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
        reuse, previous = existing.reusable(str(out), writer.decode, options, files) if existing else (set(), {})
        todo = [f for f in files if f not in reuse]
        results = _run(
            todo, jobs=jobs, backend=backend, scheduler=scheduler, model=model, limits=limits, lang=writer.lang
        )
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
