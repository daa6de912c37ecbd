"""A folder of filings as annotated data: one row per indicator, its filed label as gold, the doubtful rows marked.

A bureau's past filings, with their filed 一级/二级, are already annotated data.  ``annotate(paths)`` reads every
filing under the paths, normalizes each indicator with the model, and gives one ``Example`` per row in the schema of
``data/annotated`` (``indicatornlp.annotated``): id, group (the filing), source with the row's position, region,
department, project, year, form, the raw labels, name, target, the canonical filed label as gold, ``reviewed``
false, and ``doubt`` with its reason (``doubt_of``):

- the filed 二级 lies outside the row's admissible set (``Normalized.admissible``, where the model gives one);
- the model reads the row as another 二级 with confidence (``Normalized.mismatch``);
- nothing usable was filed: the gold label is then the model's guess (the best 二级 under a filed 一级), and
  ``model.mixing.usable`` keeps such a row out of training until a person has reviewed it.

Rows of one project and year form one group (``project|year``; the file and filing where no project is stated):
a 目标表 and its 自评表, or one filing saved in two formats, never sit on both sides of a grouped split.  Ids are
``<file>#<filing>.<row>``: the file's path relative to the folder of the rows file (``filings/2023/a.xlsx``,
``../2021/a.pdf``; relative to ``base`` for ``annotate``), and the 1-based positions of the filing in the file and
of the row in the filing.  A file gets the same ids on every run however the folder is named on the command line
and wherever it is run from, so ``annotate_to_file`` can keep the earlier answers: a reviewed
(or hand-corrected) row keeps its label when its id, name and target are unchanged, or when the same name and
target are found again in the same file (a row moved); rows of files not read in this run stay as they were.

>>> from indicatornlp import Normalized, parse_target
>>> n = Normalized("体检费", "体检费", parse_target(""), "产出指标", "数量指标", filed_level1="产出指标",
...                filed_level2="数量指标", predicted_level2="经济成本指标", confidence=0.93, mismatch=True)
>>> doubt_of(n)
'the model reads it as 经济成本指标 (0.93)'
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .annotated import Example, journal_path, read_annotated, read_journal
from .api import normalize_filings
from .atomic import AtomicFiles, OutputLock, sync_folder
from .errors import IndicatorNLPError, ModelError, OutputError
from .isolation import checked_walk
from .records import Filing, Finding, Normalized, Severity
from .taxonomy import default_taxonomy

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = [
    "Annotation",
    "annotate",
    "annotate_to_file",
    "doubt_of",
    "merge_answers",
    "merge_journal",
    "row_line",
    "write_rows",
]

_FROM_FILING = (
    "id",
    "group",
    "source",
    "department",
    "project",
    "year",
    "form",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "filed_level1",
    "filed_level2",
    "legacy",
    "doubt",
)
"""What a new run states afresh about a row; the other fields (gold label, reviewed, note, concept …) are answers."""


@dataclasses.dataclass(frozen=True, slots=True)
class Annotation:
    """The rows ``annotate`` made, and what it could not use."""

    rows: tuple[Example, ...]
    """One per indicator, in the order of the files and their rows (kept earlier rows in their old place)."""
    files: int = 0
    """Files read or failed."""
    filings: int = 0
    """Filings (projects) read."""
    failures: tuple[Finding, ...] = ()
    """Files that could not be read (``F001``; ``F002`` for a reader's bug), each naming the file."""
    left_out: tuple[str, ...] = ()
    """Rows that cannot be annotation rows (no name, or nothing filed and nothing to classify), with the reason."""
    not_filings: tuple[str, ...] = ()
    """Entries of the folders that are not filings (exports, images, README files)."""
    kept: int = 0
    """Earlier answers kept (``annotate_to_file`` over an existing file)."""
    lost: tuple[str, ...] = ()
    """Earlier answers whose row is no longer in its file (id and name): not carried over."""
    carried: int = 0
    """Earlier rows of files not read in this run, kept as they were."""

    @property
    def doubtful(self) -> int:
        """Rows marked ``doubt`` and not reviewed yet."""
        return sum(1 for e in self.rows if e.doubt and not e.reviewed)


# ---- one row -------------------------------------------------------------------------------------------


def doubt_of(n: Normalized) -> str | None:
    """Why a row with a filed 二级 needs a person's look, or ``None``: outside the admissible set, or contradicted by
    the model with confidence (both reasons when both hold)."""
    reasons = []
    admissible = getattr(n, "admissible", None)  # the defensible 二级 of the row, where the model gives them
    if admissible and n.filed_level2 not in admissible:
        order = default_taxonomy().level2_names
        shown = " | ".join(sorted(admissible, key=lambda label: order.index(label) if label in order else 99))
        reasons.append(f"filed {n.filed_level2} lies outside the admissible set ({shown})")
    if n.mismatch:
        reasons.append(f"the model reads it as {n.predicted_level2} ({n.confidence:.2f})")
    return "; ".join(reasons) or None


def _gold(n: Normalized) -> tuple[str, str, str | None, str | None] | None:
    """(level1, level2, filed 二级 as the filing states or implies it, doubt) of a row; ``None``: no label at all."""
    taxonomy = default_taxonomy()
    filed2 = n.filed_level2
    if filed2 is None and n.filed_level1 is not None:
        children = [c.level2 for c in taxonomy.categories if c.level1 == n.filed_level1 and c.level2]
        if len(children) == 1:  # 满意度指标 filed alone: its one 二级 is what was filed
            filed2 = children[0]
    if filed2 is not None:
        return taxonomy.parent(filed2), filed2, filed2, doubt_of(dataclasses.replace(n, filed_level2=filed2))
    if n.level2 is None:
        return None
    what = f"filed 一级 {n.filed_level1} without its 二级" if n.filed_level1 else "no category filed"
    guess = f"{n.level2} ({n.confidence:.2f})" if n.predicted_level2 == n.level2 else n.level2
    return taxonomy.parent(n.level2), n.level2, None, f"{what}: the label is the model's guess, {guess}"


def _rows_of_filing(
    stem: str, number: int, filing: Filing, normalized: Sequence[Normalized], region: str | None
) -> tuple[list[Example], list[str]]:
    rows, left = [], []
    # one project of one year is one group whatever file it comes in (a 目标表 and its 自评表, one filing saved as
    # .pdf and .xlsx): grouped CV must not see the same rows on both sides
    group = f"{filing.project}|{filing.year or ''}" if filing.project else f"{stem}#{number}"
    for i, (indicator, n) in enumerate(zip(filing.indicators, normalized, strict=True), 1):
        where = str(indicator.position) if indicator.position else filing.source.path
        gold = _gold(n) if indicator.name.strip() else None
        if gold is None:
            why = "no name" if not indicator.name.strip() else "no category filed and nothing to classify"
            left.append(f"{where}: {why} ({indicator.name!r})")
            continue
        level1, level2, filed2, doubt = gold
        rows.append(
            Example(
                id=f"{stem}#{number}.{i:02d}",
                name=indicator.name,
                target_raw=indicator.target_raw or None,
                level1=level1,
                level2=level2,
                group=group,
                source=where,
                region=region,
                department=filing.department,
                project=filing.project,
                year=filing.year,
                form=filing.form,
                level1_raw=indicator.level1_raw,
                level2_raw=indicator.level2_raw,
                filed_level1=default_taxonomy().parent(filed2) if filed2 else n.filed_level1,
                filed_level2=filed2,
                legacy=n.legacy,
                reviewed=False,
                doubt=doubt,
            )
        )
    return rows, left


# ---- one file ------------------------------------------------------------------------------------------

_MODELS: dict[str | None, Model] = {}


def _model(path: str | None) -> Model:
    """The model of a path (``None``: the shipped one), loaded once per process (each worker loads its own)."""
    if path not in _MODELS:
        from .model import load_model

        _MODELS[path] = load_model(path)
    return _MODELS[path]


@dataclasses.dataclass(frozen=True, slots=True)
class _FileRows:
    stem: str
    rows: tuple[Example, ...] = ()
    left_out: tuple[str, ...] = ()
    filings: int = 0
    failure: Finding | None = None


def _annotate_file(path: str, stem: str, model: Model | str | None, region: str | None) -> _FileRows:
    from .readers import read_filings

    try:
        filings = read_filings(path)
    except IndicatorNLPError as err:
        return _FileRows(stem, failure=Finding.failed(err, path))
    except Exception as err:  # a reader bug must not end the annotation of a whole folder (tag says F002 too)
        message = f"{path}: unexpected {type(err).__name__}: {err} — this is a bug in indicatornlp: please report it"
        return _FileRows(stem, failure=Finding("F002", Severity.ERROR, message, source=path))
    resolved = model if model is not None and not isinstance(model, str) else _model(model)
    every, note = normalize_filings(filings, model=resolved)
    if note is not None:  # the model could not be used: no doubt can be computed, so say so instead of guessing
        raise ModelError(None, note, hint="annotate needs a model: check --model or the shipped one")
    rows: list[Example] = []
    left: list[str] = []
    for number, (filing, normalized) in enumerate(zip(filings, every, strict=True), 1):
        made, dropped = _rows_of_filing(stem, number, filing, normalized, region)
        rows += made
        left += dropped
    return _FileRows(stem, tuple(rows), tuple(left), len(filings))


def _stems(
    paths: Iterable[str | os.PathLike[str]], base: str | os.PathLike[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """(file, id stem: its path relative to ``base``) for every file under the paths, and what the walk left out."""
    found = checked_walk(paths)  # nothing to read (missing paths, no filing): E111 before anything is written
    anchor = Path(base).resolve()
    return [(f, Path(os.path.relpath(Path(f).resolve(), anchor)).as_posix()) for f in found.files], list(
        found.not_filings
    )


def annotate(
    paths: Iterable[str | os.PathLike[str]],
    *,
    model: Model | str | os.PathLike[str] | None = None,
    region: str | None = None,
    jobs: int = 1,
    base: str | os.PathLike[str] = ".",
) -> Annotation:
    """Every indicator of the filings under ``paths`` as an annotation row (see the module docstring).

    ``model``: a ``Model``, a path to one, or ``None`` for the shipped one; ``region``: written on every row (the
    filings do not state it); ``jobs``: worker processes, one file per task; ``base``: the folder the ids' file
    paths are relative to.  A file that cannot be read becomes a failure (``F001``) and the others are annotated.
    """
    files, others = _stems(paths, base)
    chosen: Model | str | None = os.fspath(model) if isinstance(model, str | os.PathLike) else model
    if isinstance(chosen, str) or chosen is None:
        _model(chosen)  # a broken model fails here, once, before any file is read
    if jobs > 1 and len(files) > 1:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=jobs)(delayed(_annotate_file)(f, stem, chosen, region) for f, stem in files)
    else:
        results = [_annotate_file(f, stem, chosen, region) for f, stem in files]
    return Annotation(
        rows=tuple(e for r in results for e in r.rows),
        files=len(files),
        filings=sum(r.filings for r in results),
        failures=tuple(r.failure for r in results if r.failure is not None),
        left_out=tuple(x for r in results for x in r.left_out),
        not_filings=tuple(others),
    )


# ---- keeping earlier answers -------------------------------------------------------------------------------


def _stem_of(row_id: str) -> str:
    return row_id.rsplit("#", 1)[0]


def _answered(e: Example) -> bool:
    """A person has spoken on the row: it was reviewed, or its label was changed by hand from the filed one."""
    return e.reviewed or (e.filed_level2 is not None and e.corrected)


def merge_answers(made: Annotation, previous: Sequence[Example]) -> Annotation:
    """``made`` with the answers of ``previous`` rows carried over, and the rows of files it did not read kept.

    An answered earlier row keeps its gold label, ``reviewed``, ``note``, ``concept`` (every field that is not
    read from the filing) when a new row has its id, name and target, or else the same name and target in the same
    file (a row moved).  Answers whose row is gone are listed in ``lost``.
    """
    read = {_stem_of(e.id) for e in made.rows}  # files with rows in this run; the others keep their earlier rows
    by_id = {e.id: i for i, e in enumerate(made.rows)}
    rows = list(made.rows)
    taken: set[int] = set()
    pending: list[Example] = []
    for old in previous:
        if _stem_of(old.id) not in read or not _answered(old):
            continue
        i = by_id.get(old.id)
        if i is not None and (rows[i].name, rows[i].target_raw) == (old.name, old.target_raw):
            taken.add(i)
            rows[i] = _carry(old, rows[i])
        else:
            pending.append(old)
    lost = []
    for old in pending:  # a row moved within its file: the first unclaimed row of the same name and target
        stem = _stem_of(old.id)
        match = next(
            (
                i
                for i, e in enumerate(rows)
                if i not in taken and _stem_of(e.id) == stem and (e.name, e.target_raw) == (old.name, old.target_raw)
            ),
            None,
        )
        if match is None:
            lost.append(f"{old.id} ({old.name})")
            continue
        taken.add(match)
        rows[match] = _carry(old, rows[match])
    # rows of files not read now (or that failed) stay as they were, in their place among the files
    kept_old = [e for e in previous if _stem_of(e.id) not in read]
    order: dict[str, int] = {}
    for e in [*previous, *rows]:
        order.setdefault(_stem_of(e.id), len(order))
    merged = sorted([*kept_old, *rows], key=lambda e: order[_stem_of(e.id)])  # stable: rows keep their order
    return dataclasses.replace(made, rows=tuple(merged), kept=len(taken), lost=tuple(lost), carried=len(kept_old))


def _carry(old: Example, new: Example) -> Example:
    fields = old.record()
    fields.update({name: getattr(new, name) for name in _FROM_FILING})
    if new.region is not None:
        fields["region"] = new.region
    return Example(**fields)


# ---- writing -----------------------------------------------------------------------------------------------


def row_line(example: Example) -> bytes:
    """One JSONL line of the schema (Chinese kept readable), UTF-8 with its newline: what ``write_rows`` writes."""
    return (json.dumps(example.record(), ensure_ascii=False) + "\n").encode("utf-8")


def write_rows(path: str | os.PathLike[str], lines: Sequence[bytes]) -> None:
    """Write encoded lines (``row_line``) atomically (``atomic.py``): a reader, or a killed writer, never sees half a
    file.  The data is on disk (``fsync``, the file then its folder) before it returns: a journal of answers it
    holds can then be removed (``merge_journal``)."""
    data = memoryview(b"".join(lines))
    try:
        with AtomicFiles() as files:
            fd = os.open(files.temp(path), os.O_WRONLY | os.O_TRUNC)
            try:
                while data:
                    data = data[os.write(fd, data) :]
                os.fsync(fd)
            finally:
                os.close(fd)
        sync_folder(Path(path).parent)
    except OSError as err:
        raise OutputError(str(path), f"cannot write the rows ({err.strerror})", hint="check the path") from None


def merge_journal(path: str | os.PathLike[str], rows: Sequence[Example] | None = None) -> int:
    """Merge the answers journal of a rows file (``ROWS.jsonl.answers``, written by ``review``) into the file, then
    remove the journal; returns the rows whose answer it held (0: no journal; an answer undone still counts its row).

    ``rows``: the rows with the journal's answers already in them (a review's own), else they are read
    (``read_annotated`` reads the journal over the file).  The file is replaced atomically and synced before the
    journal goes, so a kill at any point leaves either the journal or the merged file: merging again changes
    nothing.  Call it holding the file's ``OutputLock``.
    """
    journal = journal_path(Path(path))
    if not journal.exists():
        return 0
    merged = list(rows) if rows is not None else read_annotated(Path(path))
    count = len({record["id"] for _, record in read_journal(Path(path))})
    write_rows(path, [row_line(e) for e in merged])
    try:
        journal.unlink()
    except OSError as err:
        raise OutputError(
            str(journal), f"cannot remove the merged answers ({err.strerror})", hint="delete it by hand"
        ) from None
    return count


def annotate_to_file(
    paths: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    model: Model | str | os.PathLike[str] | None = None,
    region: str | None = None,
    jobs: int = 1,
) -> Annotation:
    """``annotate`` the filings into ``out`` (a ``.jsonl`` file); an existing ``out`` is read first (and must be
    valid: its errors name ``file:line``) and its answers are kept (``merge_answers``), those of a killed review
    (its journal) merged first.  ``out`` is locked meanwhile (``OutputLock``: not while a review runs on it)."""
    target = Path(out)
    if target.suffix.lower() != ".jsonl":
        raise OutputError(str(target), "annotation rows are written as JSONL", hint="name the output ….jsonl")
    with OutputLock(target):
        exists = target.is_file() and target.stat().st_size > 0
        if exists:
            merge_journal(target)  # before the ids move: a journal's answers name ids of the file as it is
        previous = read_annotated(target) if exists else []
        made = annotate(paths, model=model, region=region, jobs=jobs, base=target.resolve().parent)
        merged = merge_answers(made, previous)
        write_rows(target, [row_line(e) for e in merged.rows])
    return merged
