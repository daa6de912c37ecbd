"""``link`` and ``library``: the same indicator across filings, and the indicator library (linking)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from ..cells import csv_cells
from ..errors import OutputError
from ._base import F, cli, fail, failure_line, lang_option, library_errors, raw_option

# ---- link, library (linking) ---------------------------------------------------------------------------


def _link_inputs(
    paths: tuple[str, ...], outputs: list[str], lang: str | None = None
) -> tuple[list[dict[str, Any]], int, int]:
    """Indicators of every file under ``paths``; bad files reported on stderr, one line each (in ``lang``).

    The outputs are checked first: none may replace an input or lie in a folder the run reads.
    """
    from ..atomic import check_outputs
    from ..batch import checked_walk, isolate
    from ..readers.rows import read_indicators

    check_outputs(outputs, paths)
    for output in outputs:  # these commands write CSV only: a workbook's name would hold a CSV Excel cannot open
        if Path(output).suffix.lower() != ".csv":
            raise OutputError(output, f"cannot write '{Path(output).suffix}' files", hint="name the output .csv")
    found = checked_walk(paths, tables=True)  # link reads indicator tables (.csv, .jsonl) as well as filings
    for line in found.special_lines():
        click.echo(f"indicatornlp: {line}", err=True)
    indicators: list[dict[str, Any]] = []
    failed = 0
    for path in found.files:
        outcome = isolate(path, read_indicators)
        if outcome.failure is not None:
            click.echo(failure_line(outcome.failure, lang), err=True)
            failed += 1
        else:
            indicators.extend(outcome.value or [])
    return indicators, len(found.files), failed


def _write_csv(path: str, header: list[str], rows: Iterable[list[Any]], *, raw: bool) -> None:
    """Write through a temporary file renamed at the end: no half file is left behind; cells are never formulas."""
    import csv

    from ..atomic import atomic_write

    try:
        with atomic_write(path, encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(csv_cells(row, raw=raw)[0] for row in rows)
    except OSError as err:
        fail(f"[E500] {path}: cannot write ({err.strerror}) — check the path")


_CLUSTER_COLUMNS = ("cluster", "family", "concept", "representative", "level2", "size", "filings", "row")


def _sizes(cluster: Any) -> tuple[int, int]:
    return len(cluster.members), len(cluster.sources)


def _linking_options(func: F) -> F:
    options = [
        click.option("--threshold", type=click.FloatRange(0, 100), help="Pair score 0–100 [default: the tuned one]."),
        click.option("-j", "--jobs", type=int, default=1, show_default=True, help="rapidfuzz workers (-1: all)."),
        click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True),
        click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) for --backend dask."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _link_kwargs(threshold: float | None, jobs: int, backend: str, scheduler: str | None) -> dict[str, Any]:
    from ..linking import DEFAULT_THRESHOLD

    if backend == "dask" and not scheduler:
        raise click.UsageError("--backend dask needs --scheduler tcp://host:port")
    return {
        "threshold": DEFAULT_THRESHOLD if threshold is None else threshold,
        "jobs": jobs,
        "backend": backend,
        "scheduler": scheduler,
    }


@cli.command("link")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="links.csv: the scored pairs.")
@click.option("--clusters", "clusters_path", type=click.Path(dir_okay=False), help="clusters.csv: one row per member.")
@_linking_options
@raw_option
@library_errors
def link_command(
    paths: tuple[str, ...],
    output: str,
    clusters_path: str | None,
    threshold: float | None,
    jobs: int,
    backend: str,
    scheduler: str | None,
    raw: bool,
) -> None:
    """Link similar indicators across filings (FILE|DIR…) and write the pairs (and clusters) as CSV.

    Takes filings in any format ``read`` takes, and CSV/JSONL tables of indicators (the output of ``tag``).
    Each pair names two rows, its score (0–100) and the reasons (name similarity, same 二级, unit/kind
    agreement).  Files that cannot be read are listed on stderr and the exit code is 1.

    \b
    Example:
        indicatornlp link data/filings -o links.csv --clusters clusters.csv
        indicatornlp link tags.csv -o links.csv --threshold 85 --jobs 2
    """
    from ..linking import link

    options = _link_kwargs(threshold, jobs, backend, scheduler)
    # link speaks English (its lines and columns are for analysts and scripts; no --lang)
    indicators, files, failed = _link_inputs(paths, [output, *([clusters_path] if clusters_path else [])], "en")
    linkage = link(indicators, **options)
    cluster_of = {pos: c.id for c in linkage.clusters for pos in c.members}

    def side(pos: int) -> list[Any]:
        row = indicators[pos]
        return [row.get("name"), row.get("target"), row.get("source")]

    header = ["a", "b", "score", "name_score", "same_level2", "unit_agrees", "cluster"]
    header += ["name_a", "target_a", "source_a", "name_b", "target_b", "source_b"]
    _write_csv(
        output,
        header,
        (
            [p.a, p.b, p.score, p.name_score, p.same_level2, p.unit_agrees, cluster_of.get(p.a), *side(p.a), *side(p.b)]
            for p in linkage.pairs
        ),
        raw=raw,
    )
    if clusters_path:
        _write_csv(
            clusters_path,
            [*_CLUSTER_COLUMNS, "name", "target", "source"],
            (
                [c.id, c.family or "", c.concept or "", c.representative, c.level2 or "", *_sizes(c), pos, *side(pos)]
                for c in linkage.clusters
                for pos in c.members
            ),
            raw=raw,
        )
    linked = sum(1 for c in linkage.clusters if len(c.members) > 1)
    click.echo(
        f"linked {len(indicators)} indicators from {files} files ({failed} failed): {len(linkage.pairs)} pairs,"
        f" {len(linkage.clusters)} clusters ({linked} with several members), {len(linkage.skipped)} skipped"
        f" → {output}" + (f", {clusters_path}" if clusters_path else ""),
        err=True,
    )
    if failed:
        sys.exit(1)


@cli.command("library")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="library.csv")
@click.option(
    "--min-filings",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Only entries used in at least this many filings.",
)
@_linking_options
@lang_option
@raw_option
@library_errors
def library_command(
    paths: tuple[str, ...],
    output: str,
    min_filings: int,
    threshold: float | None,
    jobs: int,
    backend: str,
    scheduler: str | None,
    lang: str | None,
    raw: bool,
) -> None:
    """Build an indicator library (指标库) from filings or indicator tables (FILE|DIR…): one row per cluster.

    Rows are grouped by family, then concept (data/concepts.toml).  Each row: the family and concept, the
    representative name, its 二级, how many filings and indicators use it, the typical target (median value with
    the commonest comparator and unit), the outliers (e.g. "≥60%" where the others ask "≥95%", with their sources)
    and the commonest variants of the name.  The column headers are in Chinese (指标名称, 二级指标 …; --lang en:
    name, level2 …).

    \b
    Example:
        indicatornlp library data/filings tags.csv -o library.csv --min-filings 2
    """
    from ..folders import LIBRARY_COLUMNS
    from ..linking import build_library
    from ..messages import headers, resolve_lang, text

    language = resolve_lang(lang)
    options = _link_kwargs(threshold, jobs, backend, scheduler)
    indicators, files, failed = _link_inputs(paths, [output], language)
    rows = [row for row in build_library(indicators, **options) if row["filings"] >= min_filings]
    header = headers("library", LIBRARY_COLUMNS, language)
    _write_csv(output, header, ([row[h] for h in LIBRARY_COLUMNS] for row in rows), raw=raw)
    counts = {"entries": len(rows), "indicators": len(indicators), "files": files, "failed": failed}
    click.echo(text("cli.library_built", language, **counts, output=output), err=True)
    if failed:
        sys.exit(1)
