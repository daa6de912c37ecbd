"""The ``indicatornlp`` command: a thin layer over the library.

Library errors (``IndicatorNLPError``) become one-line messages and exit code 1; wrong usage exits 2
(click's own convention).  Each command's docstring is its ``--help``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from .errors import IndicatorNLPError
from .readers import FORMAT_NAMES, walk

F = TypeVar("F", bound=Callable[..., Any])


def _version() -> str:
    from importlib.metadata import version

    return version("indicatornlp")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(_version(), "--version", prog_name="indicatornlp")
def cli() -> None:
    """Read, classify, parse, link and audit Chinese budget-performance indicators (绩效指标).

    Run ``indicatornlp COMMAND --help`` for the options of each command.
    """


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit with ``code``."""
    click.echo(f"indicatornlp: {message}", err=True)
    sys.exit(code)


def library_errors(func: F) -> F:
    """Turn an ``IndicatorNLPError`` raised by the library into a one-line message and exit code 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except IndicatorNLPError as err:
            fail(str(err))

    return wrapper  # type: ignore[return-value]


def echo_jsonl(records: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line, Chinese kept readable."""
    for record in records:
        click.echo(json.dumps(record, ensure_ascii=False))


def stdin_or_args(values: tuple[str, ...]) -> Iterator[str]:
    """The arguments, where a lone ``-`` stands for the lines of standard input."""
    for value in values:
        if value == "-":
            for line in sys.stdin:
                yield line.rstrip("\r\n")
        else:
            yield value


# ---- commands ----------------------------------------------------------------------------------------
# Each command lives in its own section below; keep them thin: parse options, call the library, print.


@cli.command("parse-target")
@click.argument("targets", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="Year for deadlines that state none (年底前).")
def parse_target_command(targets: tuple[str, ...], year: int | None) -> None:
    """Parse target values (年度指标值) and print one JSON record per value.

    \b
    Example:
        indicatornlp parse-target "≥95%" "2022年11月30日前"
        printf '及时\\n=3 次\\n' | indicatornlp parse-target -
    """
    from .targets import parse_target

    echo_jsonl(parse_target(raw, year=year).to_dict() for raw in stdin_or_args(targets))


# ---- tag and audit (batch.py, audit.py, report.py) ----


def _model_option(model_path: str | None, no_model: bool) -> Any:
    if model_path and no_model:
        raise click.UsageError("give either --model or --no-model, not both")
    return False if no_model else model_path


def _failure_line(failure: Any) -> str:
    """One line per file that could not be read: the error names the file, else the file comes first."""
    where = "" if str(failure.source) in failure.message else f"{failure.source}: "
    return f"indicatornlp: {where}{failure.message}"


@cli.command("tag")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="OUT.csv, OUT.jsonl or OUT.xlsx")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Local worker processes.")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) for --backend dask.")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False), help="A trained model file.")
@click.option("--no-model", is_flag=True, help="Skip the classifier: filed categories and model-free rules only.")
@click.option("--resume", is_flag=True, help="Take over the files already in OUT (unchanged since), read the rest.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@library_errors
def tag_command(
    paths: tuple[str, ...],
    output: str,
    jobs: int,
    backend: str,
    scheduler: str | None,
    model_path: str | None,
    no_model: bool,
    resume: bool,
    quiet: bool,
) -> None:
    """Read every filing under FILE|DIR…, normalize and audit each indicator, write one row per indicator.

    OUT.csv and OUT.jsonl come with OUT.findings.* and OUT.summary.*; OUT.xlsx holds the sheets indicators,
    findings and summary.  Files that cannot be read are listed (code F001) and the exit code is 1.

    \b
    Example:
        indicatornlp tag data/filings -o tags.xlsx --jobs 2
        indicatornlp tag submissions/ -o tags.csv --backend dask --scheduler tcp://10.0.0.5:8786
    """
    from .batch import tag_to_file

    if backend == "dask" and not scheduler:
        raise click.UsageError("--backend dask needs --scheduler tcp://host:port")
    model = _model_option(model_path, no_model)

    progress = not quiet and sys.stderr.isatty()

    def report(failure: Any) -> None:
        if progress:  # above the progress bar, not through it
            from tqdm import tqdm

            tqdm.write(_failure_line(failure), file=sys.stderr)
        else:
            click.echo(_failure_line(failure), err=True)

    try:
        result = tag_to_file(
            paths,
            output,
            jobs=jobs,
            backend=backend,
            scheduler=scheduler,
            model=model,
            resume=resume,
            progress=progress,
            on_failure=report,
        )
    except KeyboardInterrupt:
        fail("interrupted — no output written", 130)
        return
    if result.skipped:
        shown = ", ".join(result.skipped[:3]) + (" …" if len(result.skipped) > 3 else "")
        click.echo(f"indicatornlp: skipped {len(result.skipped)} hidden file(s) or folder(s): {shown}", err=True)
    if line := walk(paths, exclude=result.outputs).skipped_line():
        click.echo(f"indicatornlp: {line}", err=True)
    if not quiet:
        reused = f", {result.reused} taken over from the previous output" if result.reused else ""
        click.echo(
            f"tagged {result.indicators} indicators in {result.filings} filings from {result.files} files"
            f" ({len(result.failures)} failed{reused}) → {', '.join(result.outputs)}",
            err=True,
        )
    if result.failures:
        sys.exit(1)


@cli.command("audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write a report: .html or .md")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False), help="A trained model file.")
@click.option("--no-model", is_flag=True, help="Skip the classifier: model-free rules only.")
@library_errors
def audit_command(paths: tuple[str, ...], output: str | None, model_path: str | None, no_model: bool) -> None:
    """Audit filings (FILE or DIR…) against the rules reviewers apply, and print the findings.

    Each finding has a stable code (A101 … A210, explained in ``indicatornlp.audit``), a severity and its row.
    Files that cannot be read are listed (F001) and the exit code is 1.

    \b
    Example:
        indicatornlp audit data/filings/songjiang-zuzhibu-2022.md -o audit.html
    """
    from pathlib import Path

    from .batch import audit_paths
    from .report import render_html, render_markdown

    if output and not output.lower().endswith((".html", ".htm", ".md")):
        raise click.BadParameter("the report is .html or .md", param_hint="-o/--output")
    audited, failures = audit_paths(paths, model=_model_option(model_path, no_model))
    for failure in failures:
        click.echo(_failure_line(failure), err=True)
    for filing, findings in audited:
        n = {s: sum(f.severity.value == s for f in findings) for s in ("error", "warning", "info")}
        counts = f"{n['error']} error(s), {n['warning']} warning(s), {n['info']} info"
        project = filing.project or "(no project name)"
        click.echo(f"== {filing.source} — {project} ({len(filing.indicators)} indicators): {counts}")
        for f in findings:
            row = "" if f.row is None else str(f.row + 1)
            name = (f.indicator or "")[:40]
            click.echo(f"{row:>4}  {f.code}  {f.severity.value:<7}  {name + ': ' if name else ''}{f.message}")
    if output:
        render = render_markdown if output.lower().endswith(".md") else render_html
        try:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(render(audited, failures=failures))
        except OSError as err:
            fail(f"[E500] {output}: cannot write the report ({err.strerror}) — check the path")
        click.echo(f"report → {output}", err=True)
    if failures:
        sys.exit(1)


# ---- link, library (linking) ---------------------------------------------------------------------------


def _evaluate_links(path: Any, threshold: float | None, as_json: bool) -> None:
    """``evaluate --linking``: pairwise scores of link() on the annotated rows that carry a concept."""
    from .annotated import read_annotated
    from .linking import DEFAULT_THRESHOLD, evaluate_linking

    result = evaluate_linking(read_annotated(path), threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(
        f"linking on {path} ({result['rows']} rows with a concept, {result['concepts']} concepts,"
        f" threshold {result['threshold']:g}): {result['clusters']} clusters"
    )
    click.echo(
        f"pairwise precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}"
        f"  (TP {result['true_positives']}, FP {result['false_positives']}, FN {result['false_negatives']})"
    )
    click.echo(f"cluster purity {result['purity']:.3f}  inverse purity {result['inverse_purity']:.3f}")


def _link_inputs(paths: tuple[str, ...]) -> tuple[list[dict[str, Any]], int, int]:
    """Indicators of every file under ``paths``; bad files reported on stderr, one line each."""
    from .readers.rows import read_indicators

    files = walk(paths, tables=True).files  # link reads indicator tables (.csv, .jsonl) as well as filings
    indicators: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            indicators.extend(read_indicators(path))
        except IndicatorNLPError as err:
            click.echo(f"indicatornlp: {err}", err=True)
            failed += 1
    return indicators, len(files), failed


def _write_csv(path: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    """Write through a temporary file renamed at the end: no half file is left behind."""
    import csv

    from .atomic import atomic_write

    try:
        with atomic_write(path, encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as err:
        fail(f"[E500] {path}: cannot write ({err.strerror}) — check the path")


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
    from .linking import DEFAULT_THRESHOLD

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
@library_errors
def link_command(
    paths: tuple[str, ...],
    output: str,
    clusters_path: str | None,
    threshold: float | None,
    jobs: int,
    backend: str,
    scheduler: str | None,
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
    from .linking import link

    options = _link_kwargs(threshold, jobs, backend, scheduler)
    indicators, files, failed = _link_inputs(paths)
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
    )
    if clusters_path:
        _write_csv(
            clusters_path,
            ["cluster", "representative", "level2", "size", "filings", "row", "name", "target", "source"],
            (
                [c.id, c.representative, c.level2 or "", len(c.members), len(c.sources), pos, *side(pos)]
                for c in linkage.clusters
                for pos in c.members
            ),
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
@library_errors
def library_command(
    paths: tuple[str, ...],
    output: str,
    min_filings: int,
    threshold: float | None,
    jobs: int,
    backend: str,
    scheduler: str | None,
) -> None:
    """Build an indicator library (指标库) from filings or indicator tables (FILE|DIR…): one row per cluster.

    Each row: the representative name, its 二级, how many filings and indicators use it, the typical target
    (median value with the commonest comparator and unit), the outliers (e.g. "≥60%" where the others ask
    "≥95%", with their sources) and the commonest variants of the name.

    \b
    Example:
        indicatornlp library data/filings tags.csv -o library.csv --min-filings 2
    """
    from .linking import build_library

    options = _link_kwargs(threshold, jobs, backend, scheduler)
    indicators, files, failed = _link_inputs(paths)
    rows = [row for row in build_library(indicators, **options) if row["filings"] >= min_filings]
    header = ["name", "level2", "filings", "indicators", "typical_target", "comparator", "median", "unit"]
    header += ["min", "max", "outliers", "variants", "cluster"]
    _write_csv(output, header, ([row[h] for h in header] for row in rows))
    click.echo(
        f"library of {len(rows)} entries from {len(indicators)} indicators in {files} files ({failed} failed)"
        f" → {output}",
        err=True,
    )
    if failed:
        sys.exit(1)


# ---- read (readers/) -----------------------------------------------------------------------------------

_READ_FIELDS = [
    "file",
    "project",
    "department",
    "unit",
    "year",
    "form",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "actual_raw",
    "extra",
    "position",
]


def _read_records(filing: Any) -> Iterator[dict[str, Any]]:
    for indicator in filing.indicators:
        yield {
            "file": filing.source.path,
            "project": filing.project,
            "department": filing.department,
            "unit": filing.unit,
            "year": filing.year,
            "form": filing.form,
            "level1_raw": indicator.level1_raw,
            "level2_raw": indicator.level2_raw,
            "name": indicator.name,
            "target_raw": indicator.target_raw,
            "actual_raw": indicator.actual_raw,
            "extra": dict(indicator.extra),
            "position": str(indicator.position) if indicator.position else None,
        }


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut to ``width`` display columns (Chinese counts double) and pad."""
    out, used = "", 0
    for ch in text:
        w = _display_width(ch)
        if used + w > width - (1 if len(text) > len(out) + 1 else 0):
            out += "…"
            used += 1
            break
        out, used = out + ch, used + w
    return out + " " * max(0, width - used)


@cli.command("read")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON object per indicator row.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default=None,
    help="Read every FILE as this format, whatever its suffix.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print the readers' warnings (rows with no category …).")
def read_command(files: tuple[str, ...], as_jsonl: bool, as_csv: bool, fmt: str | None, quiet: bool) -> None:
    """Read filings (.txt, .md, .html, .xlsx, .docx, .pdf) and print their indicator rows.

    Prints a table by default (project, 一级, 二级, 三级指标, 年度指标值), or every field with --jsonl / --csv.
    A file that cannot be read gets one line on stderr; the others are still read, and the exit code is 1.

    \b
    Example:
        indicatornlp read data/filings/songjiang-jiguan-2023.txt
        indicatornlp read data/filings/*.md --csv > rows.csv
    """
    import csv

    from .readers import read_filings

    if as_jsonl and as_csv:
        raise click.UsageError("give either --jsonl or --csv, not both")
    failed = 0
    writer = csv.DictWriter(sys.stdout, fieldnames=_READ_FIELDS, lineterminator="\n") if as_csv else None
    if writer is not None:
        writer.writeheader()
    for path in files:
        try:
            filings = read_filings(path, format=fmt)
        except IndicatorNLPError as err:
            click.echo(f"indicatornlp: {err}", err=True)
            failed += 1
            continue
        for filing in filings:
            if not quiet:
                for warning in filing.warnings:
                    click.echo(f"indicatornlp: warning: {warning}", err=True)
            records = list(_read_records(filing))
            if as_jsonl:
                echo_jsonl(records)
            elif writer is not None:
                for record in records:
                    record["extra"] = json.dumps(record["extra"], ensure_ascii=False) if record["extra"] else ""
                    writer.writerow(record)
            else:
                head = f"== {filing.source} — {filing.project or '(no project name)'}"
                click.echo(f"{head} ({filing.year or 'year ?'}, {len(records)} rows)")
                for r in records:
                    values = [r["level1_raw"] or "", r["level2_raw"] or "", r["name"], r["target_raw"]]
                    line = "  ".join(_fit(v, w) for v, w in zip(values, (12, 20, 50, 16), strict=True))
                    if r["actual_raw"] is not None:
                        line += "  " + r["actual_raw"]
                    click.echo(line.rstrip())
    if failed:
        sys.exit(1)


# ---- train, evaluate, normalize (model.py, api.py) ------------------------------------------------------


def _annotated_split(data: str | None, split: str) -> Any:
    """DATA as given, or ``split/`` of the shipped annotated data; a directory holding ``split/`` means that."""
    from pathlib import Path

    from .annotated import default_annotated_dir

    path = Path(data) if data is not None else default_annotated_dir() / split
    return path / split if (path / split).is_dir() else path


@cli.command("train")
@click.argument("data", required=False, type=click.Path(exists=True))
@click.option("-o", "--output", default="models", show_default=True, type=click.Path(), help="Directory or .npz file.")
@click.option(
    "--holdout", type=click.Path(exists=True), help="Rows scored once after fitting [default: holdout/ beside DATA]."
)
@click.option("--no-select", is_flag=True, help="Skip the grouped-CV comparison: default features and parameters.")
@click.option("--folds", type=click.IntRange(min=0), default=5, show_default=True, help="Grouped-CV folds (0: none).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes for CV.")
@library_errors
def train_command(data: str | None, output: str, holdout: str | None, no_select: bool, folds: int, jobs: int) -> None:
    """Train the category model on annotated rows (DATA: a .jsonl file or directory [default: the shipped train/]).

    Compares feature sets and parameters by cross-validation grouped by source filing, fits the best on all of
    DATA, scores it once on the holdout, and writes the model and its JSON card.

    \b
    Example:
        indicatornlp train -o models/
        indicatornlp train data/annotated/train --holdout data/annotated/holdout -o /tmp/model.npz
    """
    from pathlib import Path

    from .annotated import read_annotated
    from .model import format_comparison, train

    train_path = _annotated_split(data, "train")
    holdout_path = Path(holdout) if holdout is not None else train_path.parent / "holdout"
    holdout_rows = read_annotated(holdout_path) if (holdout or holdout_path.is_dir()) else None
    say = (lambda line: click.echo("  " + line, err=True)) if not no_select else None
    if say:
        click.echo("grouped cross-validation (one line per configuration):", err=True)
    model = train(
        read_annotated(train_path),
        select=not no_select,
        folds=folds,
        holdout=holdout_rows,
        jobs=jobs,
        source=_shown(train_path),
        progress=say,
    )
    if model.card["selection"]:
        click.echo(format_comparison(model.card["selection"]))
    elif model.card["cv"]:
        cv = model.card["cv"]
        click.echo(f"grouped CV: accuracy {cv['accuracy']:.3f}  macro-F1 {cv['macro_f1']:.3f}  ECE {cv['ece']:.3f}")
    if model.card["holdout"]:
        h = model.card["holdout"]
        click.echo(
            f"holdout ({holdout_path}, {h['rows']} rows, {h['groups']} groups): 二级 accuracy {h['accuracy']:.3f}"
            f"  二级 macro-F1 {h['macro_f1']:.3f}  一级 accuracy {h['level1_accuracy']:.3f}"
        )
    written = model.save(output)
    click.echo(f"wrote {written} and {written.with_suffix('.json')}")


def _shown(path: Any) -> str:
    """A path as the card records it: relative to the repository (or the working directory) when inside it."""
    from pathlib import Path

    resolved = Path(path).resolve()
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if resolved.is_relative_to(base):
            return str(resolved.relative_to(base))
    return str(path)


@cli.command("evaluate")
@click.argument("data", required=False, type=click.Path(exists=True))
@click.option(
    "--model", "model_path", type=click.Path(exists=True, dir_okay=False), help="A model file [default: shipped]."
)
@click.option("--plot", type=click.Path(dir_okay=False), help="Also draw the confusion matrix into this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--linking", is_flag=True, help="Score link() against the rows' concepts instead of the model.")
@click.option("--threshold", type=click.FloatRange(0, 100), default=None, help="With --linking: the pair score.")
@library_errors
def evaluate_command(
    data: str | None, model_path: str | None, plot: str | None, as_json: bool, linking: bool, threshold: float | None
) -> None:
    """Score the category model on annotated rows (DATA [default: the shipped holdout/]).

    Prints accuracy, macro-F1, the per-class precision/recall/F1 table and the confusion matrix.  With
    ``--linking``: pairwise precision/recall/F1 and cluster purity of ``link`` on the rows with a concept.

    \b
    Example:
        indicatornlp evaluate
        indicatornlp evaluate data/annotated/holdout --model models/category.npz --plot confusion.png
        indicatornlp evaluate --linking data/annotated/train
    """
    # each evaluation is one helper; another kind (--linking) adds its option and a branch here
    if linking:
        _evaluate_links(_annotated_split(data, "holdout"), threshold, as_json)
        return
    _evaluate_categories(_annotated_split(data, "holdout"), model_path, plot, as_json)


def _evaluate_categories(path: Any, model_path: str | None, plot: str | None, as_json: bool) -> None:
    from .annotated import read_annotated
    from .model import evaluate, load_model

    scores = evaluate(load_model(model_path), read_annotated(path))
    if as_json:
        click.echo(json.dumps({"data": str(path), **scores.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"{path}\n{scores.format()}")
    if plot:
        click.echo(f"wrote {scores.plot(plot)}", err=True)


@cli.command("normalize")
@click.argument("indicators", nargs=-1, required=True)
@click.option("--level1", default=None, help="The filed 一级指标 of every indicator given.")
@click.option("--level2", default=None, help="The filed 二级指标 of every indicator given.")
@click.option("--year", type=int, default=None, help="Year for deadlines that state none (年底前).")
@click.option(
    "--model", "model_path", type=click.Path(exists=True, dir_okay=False), help="A model file [default: shipped]."
)
@library_errors
def normalize_command(
    indicators: tuple[str, ...], level1: str | None, level2: str | None, year: int | None, model_path: str | None
) -> None:
    """Normalize indicators (a name, or a name and its target) and print one JSON record per indicator.

    \b
    Example:
        indicatornlp normalize "群众满意度 >=95%" "活动开展及时率"
        printf '培训人次 ≥100人次\\n' | indicatornlp normalize - --level2 数量指标
    """
    from .api import Normalizer, split_indicator

    items = []
    for text in stdin_or_args(indicators):
        name, target = split_indicator(text)
        items.append({"name": name, "target": target, "level1": level1, "level2": level2})
    echo_jsonl(n.to_dict() for n in Normalizer(model_path).normalize_many(items, year=year))


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="indicatornlp")


if __name__ == "__main__":  # pragma: no cover
    main()
