"""``tag`` and ``audit``: many filings at once, and the reviewer's findings (batch, audit, report)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import printable
from ..readers import Walk
from ._base import cli, fail, library_errors, raw_option

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
@raw_option
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
    raw: bool,
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
    from ..atomic import Terminated
    from ..batch import tag_to_file

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
            raw=raw,
            progress=progress,
            on_failure=report,
        )
    except Terminated:
        fail("terminated — no output written, the previous one left as it was", 143)
        return
    except KeyboardInterrupt:
        fail("interrupted — no output written", 130)
        return
    for special in Walk((), special=tuple(result.special)).special_lines():
        click.echo(f"indicatornlp: {special}", err=True)
    if result.stripped:
        click.echo(f"indicatornlp: stripped {result.stripped} control character(s) from the cells written", err=True)
    if result.skipped:
        shown = ", ".join(printable(p) for p in result.skipped[:3]) + (" …" if len(result.skipped) > 3 else "")
        click.echo(f"indicatornlp: skipped {len(result.skipped)} hidden file(s) or folder(s): {shown}", err=True)
    if line := Walk((), not_filings=tuple(result.not_filings)).skipped_line():
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
    from ..atomic import atomic_write, check_outputs
    from ..batch import audit_paths, checked_walk
    from ..report import render_html, render_markdown

    if output and not output.lower().endswith((".html", ".htm", ".md")):
        raise click.BadParameter("the report is .html or .md", param_hint="-o/--output")
    if output:
        check_outputs([output], paths)  # before anything is read: never a report over an input
    for line in checked_walk(paths).special_lines():  # FIFOs, devices, link loops: never opened
        click.echo(f"indicatornlp: {line}", err=True)
    audited, failures = audit_paths(paths, model=_model_option(model_path, no_model))
    for failure in failures:
        click.echo(_failure_line(failure), err=True)
    for filing, findings in audited:
        n = {s: sum(f.severity.value == s for f in findings) for s in ("error", "warning", "info")}
        counts = f"{n['error']} error(s), {n['warning']} warning(s), {n['info']} info"
        project = filing.project or "(no project name)"
        click.echo(printable(f"== {filing.source} — {project} ({len(filing.indicators)} indicators): {counts}"))
        for f in findings:
            row = "" if f.row is None else str(f.row + 1)
            name = (f.indicator or "")[:40]
            click.echo(
                printable(f"{row:>4}  {f.code}  {f.severity.value:<7}  {name + ': ' if name else ''}{f.message}")
            )
    if output:
        render = render_markdown if output.lower().endswith(".md") else render_html
        try:
            with atomic_write(output) as handle:  # a link at OUT is replaced, never followed
                handle.write(printable(render(audited, failures=failures)))
        except OSError as err:
            fail(f"[E500] {output}: cannot write the report ({err.strerror}) — check the path")
        click.echo(f"report → {output}", err=True)
    if failures:
        sys.exit(1)
