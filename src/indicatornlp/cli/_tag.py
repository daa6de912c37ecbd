"""``tag``: many filings at once, one row per indicator with its findings (batch, tables)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import printable
from ..readers import Walk
from ._base import cli, fail, failure_line, lang_option, library_errors, model_choice, model_option, raw_option

# ---- tag (batch.py, tables.py) ----


@cli.command("tag")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="OUT.csv, OUT.jsonl or OUT.xlsx")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Local worker processes.")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) for --backend dask.")
@model_option
@click.option("--no-model", is_flag=True, help="Skip the classifier: filed categories and model-free rules only.")
@click.option("--resume", is_flag=True, help="Take over the files already in OUT (unchanged since), read the rest.")
@raw_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@lang_option
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
    lang: str | None,
) -> None:
    """Read every filing under FILE|DIR…, normalize and audit each indicator, write one row per indicator.

    OUT.csv and OUT.jsonl come with OUT.findings.* and OUT.summary.*; OUT.xlsx holds the sheets 指标, 审核意见,
    汇总 and 代码说明 (a legend of the codes used).  Files that cannot be read are listed (code F001) and the exit
    code is 1.  Column headers, sheet names and the findings' messages are in Chinese (--lang en: English);
    JSONL keeps the stable English field names (it is for programs).  --resume needs the --lang of the run that
    wrote OUT.  ``indicatornlp explain CODE`` says what a code means.

    \b
    Example:
        indicatornlp tag data/filings -o tags.xlsx --jobs 2
        indicatornlp tag submissions/ -o tags.csv --backend dask --scheduler tcp://10.0.0.5:8786
    """
    from ..atomic import Terminated
    from ..batch import tag_to_file
    from ..messages import resolve_lang, text

    language = resolve_lang(lang)
    if backend == "dask" and not scheduler:
        raise click.UsageError("--backend dask needs --scheduler tcp://host:port")
    model = model_choice(model_path, no_model)

    progress = not quiet and sys.stderr.isatty()

    def report(failure: Any) -> None:
        if progress:  # above the progress bar, not through it
            from tqdm import tqdm

            tqdm.write(failure_line(failure, language), file=sys.stderr)
        else:
            click.echo(failure_line(failure, language), err=True)

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
            lang=language,  # passed down to the writers and the workers (a cluster's do not share our environment)
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
        reused = text("cli.reused", language, count=result.reused) if result.reused else ""
        counts = {"indicators": result.indicators, "filings": result.filings, "files": result.files}
        outputs = ", ".join(result.outputs)
        line = text("cli.tagged", language, **counts, failed=len(result.failures), reused=reused, outputs=outputs)
        click.echo(line, err=True)
    if result.failures:
        sys.exit(1)
