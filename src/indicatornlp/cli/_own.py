"""``annotate`` and ``review``: your own filings as training data (annotate, review) and ``train --with-shipped``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ._base import cli, library_errors, model_option

if TYPE_CHECKING:  # pragma: no cover
    from ..review import Question, Review


@cli.command("annotate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The rows file, ROWS.jsonl.")
@click.option("--region", default=None, help="The region of the filings, written on every row (行政区划).")
@model_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Local worker processes.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@library_errors
def annotate_command(
    paths: tuple[str, ...], output: str, region: str | None, model_path: str | None, jobs: int, quiet: bool
) -> None:
    """Turn every indicator of the filings under FILE|DIR… into an annotation row of ROWS.jsonl.

    The filed 一级/二级 is the gold label; a row filed outside its admissible set, or that the model reads as
    another 二级 with confidence, is marked ``doubt`` with the reason (run ``indicatornlp review ROWS.jsonl`` on
    those).  Running it again over the same folder keeps the earlier answers.  Files that cannot be read are
    listed and the exit code is 1.

    \b
    Example:
        indicatornlp annotate filings/ -o rows.jsonl --region 上海市松江区
        indicatornlp review rows.jsonl
        indicatornlp train rows.jsonl --with-shipped -o models/
    """
    from ..annotate import annotate_to_file

    result = annotate_to_file(paths, output, model=model_path, region=region, jobs=jobs)
    for failure in result.failures:
        where = "" if str(failure.source) in failure.message else f"{failure.source}: "
        click.echo(f"indicatornlp: {where}{failure.message}", err=True)
    for line in result.left_out:
        click.echo(f"indicatornlp: left out {line}", err=True)
    for line in result.lost:
        click.echo(
            f"indicatornlp: an earlier answer is not carried over (its row is gone from its file): {line}", err=True
        )
    if not quiet:
        kept = f", {result.kept} earlier answers kept" if result.kept else ""
        carried = f", {result.carried} rows of other files kept" if result.carried else ""
        click.echo(
            f"annotated {len(result.rows) - result.carried} rows from {result.filings} filings in {result.files} files"
            f" ({len(result.failures)} failed{kept}{carried}): {result.doubtful} doubtful → {output}",
            err=True,
        )
    if result.failures:
        sys.exit(1)


# ---- review --------------------------------------------------------------------------------------------------


def choice_keys(count: int) -> tuple[str, ...]:
    from ..review import choice_keys as keys  # the review's modules load when a review starts, not with the CLI

    return keys(count)


def _cut(text: str | None, width: int) -> str:
    from ._read import _fit

    return _fit(text or "", width)


def _show(question: Question) -> None:
    row = question.row
    click.echo("")
    click.echo(click.style(f"── {question.number} of {question.total} ── {row.id}", bold=True))
    click.echo(f"doubt      {row.doubt}")
    click.echo(f"source     {row.source}")
    facts = [x for x in (row.project, str(row.year) if row.year else None, row.department, row.region) if x]
    click.echo(f"project    {' · '.join(facts) or '(not stated)'}")
    for e, mark in [*((e, "   ") for e in question.before), (row, " ▶ "), *((e, "   ") for e in question.after)]:
        line = f"{mark}{_cut(e.filed_level2 or e.level2_raw or '—', 16)}  {_cut(e.name, 44)}  {e.target_raw or ''}"
        click.echo(click.style(line, bold=True) if e is row else line)
    filed = f"{row.filed_level1} / {row.filed_level2}" if row.filed_level2 else f"(none: {row.level2_raw or '—'})"
    click.echo(f"filed      {filed}")
    if question.predicted:
        others = ", ".join(f"{label} {p:.2f}" for label, p in question.probabilities[1:3])
        click.echo(f"model      {question.predicted} {question.confidence:.2f}   ({others})")
    if question.admissible:
        click.echo(f"defensible {' | '.join(question.admissible)}")
    click.echo(
        f"evidence   {'; '.join(question.evidence) if question.evidence else '— (character n-grams of the name)'}"
    )
    p = dict(question.probabilities)
    cells = []
    for key, label in zip(choice_keys(len(question.choices)), question.choices, strict=True):
        tag = " (filed)" if label == row.filed_level2 else ""
        cells.append(f"{key:>2} {label} {p.get(label, 0.0):.2f}{tag}")
    for start in range(0, len(cells), 3):
        click.echo("   ".join(_cut(c, 30) for c in cells[start : start + 3]).rstrip())


def _keys_shown(count: int) -> str:
    keys = choice_keys(count)
    digits = f"{keys[0]}–{keys[min(count, 9) - 1]}" if count > 1 else keys[0]
    return digits + (f", {keys[9]}–{keys[-1]}" if count > 10 else f", {keys[9]}" if count == 10 else "")


def _ask(question: Question, *, single: bool) -> str | None:
    """One answer: a key on a terminal (``single``), else a line; ``None`` at the end of input."""
    from ..review import COMMANDS
    from ._keys import read_key

    keep = "Enter keeps the filed label · " if question.row.filed_level2 else ""
    count = len(question.choices)
    if not single:
        click.echo(f"answer {_keys_shown(count)} or a 二级 · {keep}s skip · u undo · q quit > ", nl=False)
        line = sys.stdin.readline()
        return None if line == "" else line.rstrip("\r\n")
    click.echo(f"press {_keys_shown(count)} · {keep}s skip · u undo · q quit > ", nl=False)
    key = read_key()
    if key is None:
        click.echo("")
        return None
    commands = {"\n": "(Enter)", **COMMANDS}
    keys = choice_keys(count)
    if key.lower() in commands:
        click.echo(commands[key.lower()])
    else:
        shown = key.strip() if key.isprintable() else repr(key)  # an arrow key's escape sequence is never echoed raw
        click.echo(f"{key} {question.choices[keys.index(key.lower())]}" if key.lower() in keys else shown)
    return key


def _loop(review: Review, *, single: bool) -> str:
    """Ask until the queue is done or the reviewer quits; returns how it ended."""
    from ..review import Answer, parse_answer

    question = review.question()
    shown = None
    while question is not None:
        if shown is not question.index:
            _show(question)
            shown = question.index
        typed = _ask(question, single=single)
        if typed is None:
            return "end of input"
        answer = parse_answer(typed, question.choices)
        if single and typed != "\n" and not typed.strip():  # a space or a tab is no answer (Enter is)
            answer = Answer("unknown", text=typed)
        if answer.kind == "quit":
            return "quit"
        if answer.kind == "skip":
            review.skip()
        elif answer.kind == "undo":
            if not review.undo():
                click.echo("nothing to undo")
        elif answer.kind == "keep" and question.row.filed_level2 is None:
            click.echo("nothing was filed for this row: choose a label")
        elif answer.kind in ("label", "keep"):
            review.answer(answer.label)
        else:
            keys = choice_keys(len(question.choices))
            allowed = ", ".join(f"{k} {label}" for k, label in zip(keys, question.choices, strict=True))
            what = "is not the key of a label" if single else "is not a label of the taxonomy"
            click.echo(f"{answer.text!r} {what}; the labels are: {allowed}")
        question = review.question()
        if answer.kind == "undo":
            shown = None
    return "done"


@cli.command("review")
@click.argument("rows", type=click.Path(exists=True, dir_okay=False))
@model_option
@click.option(
    "--answers",
    type=click.Path(exists=True, dir_okay=False),
    help="Apply a file of id<TAB>answer lines (a 二级 or keep) instead of asking.",
)
@click.option("--context", type=click.IntRange(min=0), default=2, show_default=True, help="Neighbouring rows shown.")
@library_errors
def review_command(rows: str, model_path: str | None, answers: str | None, context: int) -> None:
    """Review the doubtful rows of ROWS.jsonl in the terminal, most informative first.

    Each row is shown with its filing context, the filed label, the model's prediction and evidence.  Press one
    key, no Enter: the key of a label (1–9, then a, b …; the defensible labels first), Enter to keep the filed
    label, s to skip, u to undo, q to quit.  Where the input is not a terminal, lines are read instead (a key,
    a number or a 二级 by name, then Enter).

    Each answer is one line appended to ROWS.jsonl.answers and synced to disk before the next row shows, so a
    killed review loses at most the row on screen.  When the review ends (q, the last row, Ctrl-C, SIGTERM) the
    answers are merged into ROWS.jsonl, which is replaced atomically; answers a killed review left are merged by
    the next review or annotate, and train and evaluate read them meanwhile.  Run it again to go on.

    \b
    Example:
        indicatornlp review rows.jsonl
        indicatornlp review rows.jsonl --answers answers.tsv
    """
    from ..atomic import OutputLock
    from ..review import Review, apply_answers
    from ._keys import interactive

    with OutputLock(rows):  # one review (or annotate) of a file at a time
        if answers:
            done = apply_answers(rows, answers)
            click.echo(f"applied {done} answers → {rows}", err=True)
            return
        review = Review(rows, model=model_path, context=context)
        if review.merged:
            click.echo(f"merged {review.merged} answers left by an interrupted review → {rows}", err=True)
        if not review.queue:
            click.echo(f"no doubtful rows left to review in {rows}", err=True)
            return
        try:
            how = _loop(review, single=interactive())
        except KeyboardInterrupt:
            how = "interrupted"
        finally:
            review.close()
        left = len(review.queue) - review.position
        click.echo(f"\n{how}: {review.answered} answered, {left} left → {rows}", err=True)


# ---- train --with-shipped ---------------------------------------------------------------------------------


def train_with_shipped(
    data: Sequence[str], output: str, holdout: str | None, weight: float | None, folds: int, jobs: int
) -> None:
    """``indicatornlp train DATA… --with-shipped``: the user's rows with the shipped train/ (``model.mixing``)."""
    from ..annotated import default_annotated_dir, read_annotated
    from ..model import train_with_shipped as fit
    from ..model.mixing import format_weight
    from ._model import finish

    if not data:
        raise click.UsageError("--with-shipped needs your rows: indicatornlp train ROWS.jsonl --with-shipped")
    root = default_annotated_dir()
    holdout_path = holdout or (str(root / "holdout") if (root / "holdout").is_dir() else None)
    click.echo("choosing the weight of your rows by CV grouped by your filings:", err=True)
    model = fit(
        {path: read_annotated(path) for path in data},
        shipped=read_annotated(root / "train"),
        weight=weight,
        folds=folds,
        holdout=read_annotated(holdout_path) if holdout_path else None,
        jobs=jobs,
        progress=lambda line: click.echo("  " + line, err=True),
    )
    weighting: dict[str, Any] = model.card["weighting"]
    for source in model.card["data"]["sources"]:
        left = f", {source['left_out']} left out (no filed 二级, not reviewed)" if source["left_out"] else ""
        click.echo(
            f"{source['path']}: {source['rows']} rows, {source['groups']} filings, weight {source['weight']:g}{left}"
        )
    if weighting.get("reason"):
        click.echo(f"weight {weighting['chosen']:g} ({weighting['reason']})")
    else:
        click.echo(f"chosen by {weighting['criterion']} over {weighting['folds']} folds:")
        for result in weighting["grid"]:
            mark = "  ← chosen" if result["weight"] == weighting["chosen"] else ""
            click.echo("  " + format_weight(result) + mark)
    finish(model, holdout_path, output)
