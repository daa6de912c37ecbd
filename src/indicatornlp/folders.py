"""The package's face for folders: ``tag``, ``audit``, ``library`` and ``score`` over files, folders or globs.

Each takes what the command line takes (a path, a folder read recursively, a glob such as ``"data/*.xlsx"``, or a
list of them) and returns a result made for a notebook: ``.to_dataframe()`` (pandas, optional), a short ``repr``
and an HTML table (``_repr_html_``).  A file that cannot be read never stops the others: it is in the result's
``failures`` (an ``F001`` finding) and in a warning.  A path with no filing at all raises ``FilingNotFoundError``.

>>> result = audit("data/filings/songjiang-jiguan-2023.txt", model=False)
>>> result
Audit(3 filings from 1 files: 0 error, 12 warning, 3 info; 0 failed)
>>> [(f.code, f.row, f.indicator, f.target) for f in result.findings if f.row][:2]
[('A110', 3, '在党群中的影响力范围', '扩大'), ('A111', 4, '活动开展及时率', '及时')]

``score`` takes one ``Filing`` (its ``Scorecard``) or paths (a ``Scores``: every 自评表 under them scored, the
files and 绩效目标表 that could not be, ``to_dataframe("scores" | "findings" | "summary")``).
"""

from __future__ import annotations

import collections
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

from .audit import audit as audit_filing
from .errors import FilingNotFoundError, OutputError
from .records import Filing, Finding, Scorecard, Severity

if TYPE_CHECKING:  # pragma: no cover
    from .batch import ModelChoice, TagResult
    from .results import Findings
    from .scoring import ScoringRules

__all__ = ["Audit", "Library", "Paths", "Scores", "Tagged", "audit", "library", "score", "tag"]

Paths: TypeAlias = "str | os.PathLike[str] | Iterable[str | os.PathLike[str]]"
"""A file, a folder, a glob, or several of them."""


def _paths(paths: Paths, action: str) -> list[str]:
    """The given paths as a list, globs expanded; ``FilingNotFoundError`` when none names a file, ``InputError``
    when what was given is no path."""
    from .inputs import read_paths
    from .readers import expand, walk

    given = read_paths(paths, action=action)
    files = list(walk(expand(given)).files)
    if not files:
        shown = ", ".join(os.fspath(p) for p in given) or "(no path)"
        raise FilingNotFoundError(shown, "no filing found there", hint="give files, folders or globs of filings")
    return files


def _warn(failures: Sequence[Finding], files: int, *, what: str = "read") -> None:
    """One warning naming the files with a failure (a file of several unscored filings counts once)."""
    failed = list(dict.fromkeys(str(f.source) for f in failures))
    if failed:
        names = ", ".join(failed[:3]) + (" …" if len(failed) > 3 else "")
        warnings.warn(f"{len(failed)} of {files} files could not be {what} ({names}): see .failures", stacklevel=3)


def _severity_counts(findings: Iterable[Finding]) -> str:
    found = collections.Counter(f.severity for f in findings)
    return ", ".join(f"{found[s]} {s.value}" for s in Severity)


# ---- audit ---------------------------------------------------------------------------------------------------


class Audit:
    """The audit of the filings under some paths: ``(filing, findings)`` pairs, and the files not read.

    Iterating gives the pairs; ``findings`` every finding; ``to_dataframe(lang=)`` one row per finding with its
    file, project and position; ``to_html(lang=)``/``to_markdown(lang=)``/``write(path)`` the report.
    """

    def __init__(self, audited: Iterable[tuple[Filing, Iterable[Finding]]], failures: Iterable[Finding] = ()) -> None:
        from .results import Findings

        self.filings: tuple[tuple[Filing, Findings], ...] = tuple((f, Findings(x)) for f, x in audited)
        self.failures = Findings(failures)

    def __iter__(self) -> Iterator[tuple[Filing, Findings]]:
        return iter(self.filings)

    def __len__(self) -> int:
        return len(self.filings)

    @property
    def findings(self) -> Findings:
        """Every finding of every filing, in order (the unreadable files are in ``failures``)."""
        from .results import Findings

        return Findings(f for _, found in self.filings for f in found)

    @property
    def files(self) -> int:
        """Files read or failed."""
        return len({f.source.path for f, _ in self.filings} | {str(x.source) for x in self.failures})

    def rows(self, lang: str | None = None) -> list[dict[str, Any]]:
        """One dict per finding (and per unreadable file): file, position, filing, project and the finding."""
        from .results import finding_row

        out = []
        for number, (filing, found) in enumerate(self.filings, 1):
            for f in found:
                position = filing.indicators[f.row - 1].position if f.row else filing.source
                out.append(
                    {
                        "file": filing.source.path,
                        "position": position.place() if position else None,
                        "filing": number,
                        "project": filing.project,
                        **finding_row(f, lang),
                    }
                )
        out += [{"file": f.source, **finding_row(f, lang)} for f in self.failures]
        return out

    def to_dataframe(self, *, lang: str | None = None) -> Any:
        """One row per finding: file, position, filing, project, code, severity, title, row, indicator, target,
        message (``title``/``message`` in ``lang``: ``"zh"``, the default, or ``"en"``)."""
        from .results import FINDING_COLUMNS, frame

        return frame(self.rows(lang), ("file", "position", "filing", "project", *FINDING_COLUMNS[:-1]))

    def to_html(self, *, lang: str | None = None, title: str | None = None) -> str:
        """The self-contained HTML report (``indicatornlp.report.render_html``)."""
        from .report import render_html

        return render_html(self.filings, failures=self.failures, lang=lang, title=title)

    def to_markdown(self, *, lang: str | None = None, title: str | None = None) -> str:
        """The Markdown report (``indicatornlp.report.render_markdown``)."""
        from .report import render_markdown

        return render_markdown(self.filings, failures=self.failures, lang=lang, title=title)

    def write(self, path: str | os.PathLike[str], *, lang: str | None = None) -> Path:
        """Write the report to ``path`` (``.html`` or ``.md``) through a temporary file renamed at the end."""
        from .atomic import atomic_write
        from .errors import printable

        out = Path(path)
        if out.suffix.lower() not in (".html", ".htm", ".md"):
            raise OutputError(str(out), "the report is .html or .md", hint="name the report .html or .md")
        page = self.to_markdown(lang=lang) if out.suffix.lower() == ".md" else self.to_html(lang=lang)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(out, encoding="utf-8") as handle:  # a link at the path is replaced, never followed
                handle.write(printable(page))  # a file name that is not UTF-8 is written escaped
        except OSError as err:
            raise OutputError(str(out), f"cannot write the report ({err.strerror})", hint="check the path") from None
        return out

    def __repr__(self) -> str:
        return (
            f"Audit({len(self.filings)} filings from {self.files} files: {_severity_counts(self.findings)};"
            f" {len(self.failures)} failed)"
        )

    def _repr_html_(self) -> str:
        from .results import html_table

        rows = []
        for i, (filing, found) in enumerate(self.filings, 1):
            counts = found.counts()
            rows.append(
                {
                    "#": i,
                    "file": filing.source.path,
                    "project": filing.project,
                    "indicators": len(filing.indicators),
                    **{s.value: counts[s] for s in Severity},
                    "codes": sorted({f.code for f in found}),
                }
            )
        columns = ["#", "file", "project", "indicators", "error", "warning", "info", "codes"]
        return html_table(rows, columns, caption=repr(self))


def audit_paths(paths: Paths, *, model: ModelChoice = None, warn: bool = True) -> Audit:
    """Audit every filing under ``paths`` (files, folders, globs): an ``Audit``.

    ``warn``: say in a warning which files could not be read (the command lists them itself).
    """
    from .batch import audit_paths as run

    files = _paths(paths, "audit")
    audited, failures = run(files, model=model)
    if warn:
        _warn(failures, len(files))
    return Audit(audited, failures)


@overload
def audit(filing: Filing, *, model: ModelChoice = None) -> Findings: ...
@overload
def audit(filing: Paths, *, model: ModelChoice = None) -> Audit: ...
def audit(filing: Filing | Paths, *, model: ModelChoice = None) -> Findings | Audit:
    """Audit a ``Filing`` (its ``Findings``), or every filing under files, folders or globs (an ``Audit``).

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default (loaded on first use), ``False`` for
    the model-free rules only.  The codes: ``indicatornlp explain`` or ``indicatornlp.audit``'s docstring.
    """
    from .results import Findings

    if isinstance(filing, Filing):
        if isinstance(model, str | os.PathLike):
            from .tagging import _resolve_model

            resolved = _resolve_model(model)
            return Findings(audit_filing(filing, model=resolved if resolved is not False else False))
        return Findings(audit_filing(filing, model=model))
    return audit_paths(filing, model=model)


# ---- tag -----------------------------------------------------------------------------------------------------

_TABLES = {"indicators": "rows", "findings": "findings", "summary": "summaries"}


class Tagged:
    """What ``tag`` gives: one row per indicator (``rows``), the findings, one summary per filing, the failures.

    ``to_dataframe("indicators" | "findings" | "summary")``: the table as ``tag -o`` writes it, with numbers
    (value, upper, confidence, funds) as floats and dates as datetimes.
    """

    def __init__(self, result: TagResult) -> None:
        from .results import Findings

        self.result = result
        self.rows = result.rows
        self.findings = result.findings
        self.summaries = result.summaries
        self.failures = Findings(result.failures)

    def to_dataframe(self, table: Literal["indicators", "findings", "summary"] = "indicators") -> Any:
        """One of the three tables of ``tag`` as a DataFrame."""
        from .results import frame
        from .tables import COLUMNS

        if table not in _TABLES:
            raise ValueError(f"no table {table!r}: use one of {', '.join(_TABLES)}")
        return frame(getattr(self, _TABLES[table]), COLUMNS[table])

    def __repr__(self) -> str:
        r = self.result
        return (
            f"Tagged({len(self.rows)} indicators in {r.filings} filings from {r.files} files,"
            f" {len(self.findings)} findings, {len(self.failures)} failed)"
        )

    def _repr_html_(self) -> str:
        from .results import html_table

        columns = ["source", "filing", "project", "year", "indicators", "errors", "warnings", "infos", "status"]
        return html_table(self.summaries, columns, caption=repr(self))


def tag(
    paths: Paths,
    *,
    model: ModelChoice = None,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
    lang: str | None = None,
) -> Tagged:
    """Read, normalize and audit every filing under files, folders or globs: the tables ``tag -o`` writes.

    ``model``: a ``Model``, a path to one, ``None`` for the shipped default, ``False`` for none; ``jobs``,
    ``backend`` and ``scheduler`` as for the command (``indicatornlp.batch``); ``lang``: the language of the
    findings' messages (``None``: the default, Chinese).

    >>> tagged = tag("data/filings/songjiang-jiguan-2023.txt", model=False)
    >>> tagged
    Tagged(16 indicators in 3 filings from 1 files, 15 findings, 0 failed)
    >>> [(r["row"], r["name"], r["findings"]) for r in tagged.rows[2:4]]
    [(3, '在党群中的影响力范围', ['A110']), (4, '活动开展及时率', ['A111'])]
    """
    from .batch import tag_paths

    files = _paths(paths, "tag")
    result = tag_paths(
        files, jobs=jobs, backend=backend, scheduler=scheduler, model=model, progress=progress, lang=lang
    )
    _warn(result.failures, len(files))
    return Tagged(result)


# ---- score ---------------------------------------------------------------------------------------------------


class Scores:
    """What ``score`` gives over paths: each scored 自评表 (``cards``: its 1-based number in its file and its
    ``Scorecard``), and the files or 绩效目标表 that could not be scored (``failures``: F001, F002, S201).

    ``to_dataframe("scores" | "findings" | "summary")``: the tables ``score -o`` writes (weights and scores as
    floats); ``write(path)``: those tables as ``.xlsx``, ``.csv``, ``.jsonl`` or an ``.html`` page.
    """

    def __init__(self, cards: Sequence[tuple[int, Scorecard]], failures: Iterable[Finding] = ()) -> None:
        from .results import Findings

        self.cards = list(cards)
        self.failures = Findings(failures)

    def __iter__(self) -> Iterator[Scorecard]:
        return (card for _, card in self.cards)

    def __len__(self) -> int:
        return len(self.cards)

    def to_dataframe(
        self, table: Literal["scores", "findings", "summary"] = "summary", *, lang: str | None = None
    ) -> Any:
        """One of the three tables of ``score -o`` as a DataFrame (``lang``: the findings' messages and the rules)."""
        from .results import frame
        from .scoring import TABLES, finding_rows, score_rows, summary_rows

        if table not in TABLES:
            raise ValueError(f"no table {table!r}: use one of {', '.join(TABLES)}")
        rows = {
            "scores": lambda: score_rows(self.cards, lang=lang),
            "findings": lambda: finding_rows(self.cards, self.failures, lang=lang),
            "summary": lambda: summary_rows(self.cards, self.failures),
        }[table]()
        return frame(rows, TABLES[table])

    def write(self, path: str | os.PathLike[str], *, lang: str | None = None, raw: bool = False) -> tuple[Path, ...]:
        """Write the tables (or the page) as ``score -o path`` does; returns the files written."""
        from .scoring import write_scores

        return write_scores(self.cards, path, failures=self.failures, lang=lang, raw=raw)

    def __repr__(self) -> str:
        graded = collections.Counter(card.grade or "—" for card in self)
        grades = ", ".join(f"{grade} {n}" for grade, n in sorted(graded.items()))
        return f"Scores({len(self.cards)} filings scored ({grades}); {len(self.failures)} not scored)"

    def _repr_html_(self) -> str:
        from .results import html_table
        from .scoring import summary_rows

        columns = ["source", "filing", "project", "total", "possible", "grade", "filed_total", "status"]
        return html_table(summary_rows(self.cards, self.failures), columns, caption=repr(self))


@overload
def score(filing: Filing, *, rules: ScoringRules | None = None) -> Scorecard: ...
@overload
def score(filing: Paths, *, rules: ScoringRules | None = None) -> Scores: ...
def score(filing: Filing | Paths, *, rules: ScoringRules | None = None) -> Scorecard | Scores:
    """Score a 自评表 ``Filing`` (its ``Scorecard``), or every filing under files, folders or globs (``Scores``).

    ``rules``: ``scoring.load_rules(path)`` for a bureau's own variant.  One filing with nothing to score (a
    绩效目标表) raises ``NothingToScoreError``; over paths it is one of the ``failures`` (S201), like a file that
    cannot be read (F001), and a warning names them.

    >>> scores = score("data/filings/ziping-yanglao-2023.md")
    >>> scores
    Scores(1 filings scored (良 1); 0 not scored)
    >>> [(card.total, card.grade) for card in scores]
    [(Decimal('86.45'), '良')]
    """
    from .scoring import score as score_filing
    from .scoring import score_paths

    if isinstance(filing, Filing):
        return score_filing(filing, rules=rules)
    files = _paths(filing, "score")
    result = score_paths(files, rules=rules)
    _warn(result.failures, len(files), what="scored")
    return Scores(result.cards, result.failures)


# ---- library -------------------------------------------------------------------------------------------------

LIBRARY_COLUMNS = (
    "family",
    "concept",
    "name",
    "level2",
    "filings",
    "indicators",
    "typical_target",
    "comparator",
    "median",
    "unit",
    "min",
    "max",
    "outliers",
    "variants",
    "cluster",
)
"""The columns of the indicator library (the CSV of ``indicatornlp library``, in this order)."""


class Library(list[dict[str, Any]]):
    """The indicator library (指标库): one dict per entry (``LIBRARY_COLUMNS``), largest first; ``failures``."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (), *, failures: Iterable[Finding] = (), files: int = 0):
        from .results import Findings

        super().__init__(rows)
        self.failures = Findings(failures)
        self.files = files

    def to_dataframe(self) -> Any:
        """One row per entry; ``median``, ``min`` and ``max`` as floats."""
        from .results import frame

        return frame(self, LIBRARY_COLUMNS)

    def __repr__(self) -> str:
        return f"Library({len(self)} entries from {self.files} files, {len(self.failures)} failed)"

    def _repr_html_(self) -> str:
        from .results import html_table

        columns = ["name", "level2", "filings", "indicators", "typical_target", "outliers"]
        return html_table(self, columns, caption=repr(self))


def library(
    paths: Paths | None = None,
    *,
    indicators: Sequence[object] | None = None,
    min_filings: int = 1,
    threshold: float | None = None,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
) -> Library:
    """The indicator library (指标库) of the filings and indicator tables (``tag``'s CSV/JSONL) under ``paths``,
    or of ``indicators`` given in memory (any form ``link`` takes: names, ``Filing`` rows, ``Normalized`` …).

    Entries used in fewer than ``min_filings`` filings are left out.

    >>> seeds = ["data/filings/songjiang-zuzhibu-2022.md", "data/filings/songjiang-jiguan-2023.txt"]
    >>> lib = library(seeds, min_filings=2)
    >>> lib
    Library(1 entries from 2 files, 0 failed)
    >>> lib[0]["family"], lib[0]["name"], lib[0]["filings"], lib[0]["typical_target"]
    ('timeliness.services', '活动开展及时率', 3, '及时')
    """
    from .linking import DEFAULT_THRESHOLD, build_library

    if (paths is None) == (indicators is None):
        from .errors import InputError

        given = "both" if paths is not None else "NoneType"
        raise InputError(
            "library()",
            f"takes a path or a list of paths or indicators= (one of them), not {given}",
            hint='e.g. library("data")',
        )
    failures: list[Finding] = []
    files = 0
    if paths is not None:
        items, failures, files = read_tables(paths)
    else:
        items = [i for value in indicators or () for i in _rows_of(value)]
    rows = build_library(
        items,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        jobs=jobs,
        backend=backend,
        scheduler=scheduler,
    )
    return Library((r for r in rows if r["filings"] >= min_filings), failures=failures, files=files)


def _rows_of(value: object) -> list[Any]:
    """A ``Filing`` stands for its indicators (with its source); anything else is one indicator."""
    if isinstance(value, Filing):
        return [{"name": i.name, "target": i.target_raw, "level2": i.level2_raw, "source": str(value.source)}
                for i in value.indicators]  # fmt: skip
    return [value]


def read_tables(paths: Paths) -> tuple[list[dict[str, Any]], list[Finding], int]:
    """The indicators of every filing and indicator table (.csv, .jsonl) under ``paths``, the files that could
    not be read (``F001``), and how many files there were."""
    from .errors import IndicatorNLPError
    from .inputs import read_paths
    from .readers import expand, walk
    from .readers.rows import read_indicators

    given = read_paths(paths, action="library")
    files = walk(expand(given), tables=True).files
    if not files:
        shown = ", ".join(os.fspath(p) for p in given)
        raise FilingNotFoundError(shown, "no filing found there", hint="give files, folders or globs of filings")
    indicators: list[dict[str, Any]] = []
    failures: list[Finding] = []
    for path in files:
        try:
            indicators.extend(read_indicators(path))
        except IndicatorNLPError as err:
            failures.append(Finding.failed(err, path))
    return indicators, failures, len(files)
