"""``train`` and ``evaluate``: the category model and the linking scores."""

from __future__ import annotations

import json
from typing import Any

import click

from ._base import cli, library_errors, model_option

# ---- train, evaluate, normalize (model.py, api.py) ------------------------------------------------------


def _annotated_split(data: str | None, split: str) -> Any:
    """DATA as given, or ``split/`` of the shipped annotated data; a directory holding ``split/`` means that."""
    from pathlib import Path

    from ..annotated import default_annotated_dir

    path = Path(data) if data is not None else default_annotated_dir() / split
    return path / split if (path / split).is_dir() else path


@cli.command("train")
@click.argument("data", nargs=-1, type=click.Path(exists=True))
@click.option("-o", "--output", default="models", show_default=True, type=click.Path(), help="Directory or .npz file.")
@click.option(
    "--holdout", type=click.Path(exists=True), help="Rows scored once after fitting [default: holdout/ beside DATA]."
)
@click.option("--no-select", is_flag=True, help="Skip the grouped-CV comparison: default features and parameters.")
@click.option("--folds", type=click.IntRange(min=0), default=5, show_default=True, help="Grouped-CV folds (0: none).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes for CV.")
@click.option(
    "--with-shipped",
    is_flag=True,
    help="Train on DATA together with the shipped train/: your rows weigh more, the weight chosen by CV grouped by "
    "your filings (the shipped features and parameters; the shipped holdout scored).",
)
@click.option(
    "--weight", type=click.FloatRange(min=0, min_open=True), help="With --with-shipped: your rows' weight, not chosen."
)
@library_errors
def train_command(
    data: tuple[str, ...],
    output: str,
    holdout: str | None,
    no_select: bool,
    folds: int,
    jobs: int,
    with_shipped: bool,
    weight: float | None,
) -> None:
    """Train the category model on annotated rows (DATA…: .jsonl files or directories [default: the shipped train/]).

    Compares feature sets and parameters by cross-validation grouped by source filing, fits the best on all of
    DATA, scores it once on the holdout, and writes the model and its JSON card.  With --with-shipped, DATA are
    your own rows (``indicatornlp annotate``) trained together with the shipped data.

    \b
    Example:
        indicatornlp train -o models/
        indicatornlp train data/annotated/train --holdout data/annotated/holdout -o /tmp/model.npz
        indicatornlp train rows.jsonl --with-shipped -o models/
    """
    from pathlib import Path

    from ..annotated import read_annotated
    from ..model import format_comparison, train

    if with_shipped:
        from ._own import train_with_shipped

        train_with_shipped(data, output, holdout, weight, folds, jobs)
        return
    if weight is not None:
        raise click.UsageError("--weight goes with --with-shipped")
    paths = [_annotated_split(d, "train") for d in data] or [_annotated_split(None, "train")]
    train_path = paths[0]
    holdout_path = Path(holdout) if holdout is not None else train_path.parent / "holdout"
    holdout_rows = read_annotated(holdout_path) if (holdout or holdout_path.is_dir()) else None
    say = (lambda line: click.echo("  " + line, err=True)) if not no_select else None
    if say:
        click.echo("grouped cross-validation (one line per configuration):", err=True)
    model = train(
        [e for path in paths for e in read_annotated(path)],
        select=not no_select,
        folds=folds,
        holdout=holdout_rows,
        jobs=jobs,
        source=" + ".join(_shown(path) for path in paths),
        progress=say,
    )
    if model.card["selection"]:
        click.echo(format_comparison(model.card["selection"]))
    finish(model, holdout_path, output)


def finish(model: Any, holdout_path: Any, output: str) -> None:
    """The grouped-CV and holdout lines of a trained model (unless a comparison was printed), then save it."""
    if model.card["cv"] and not model.card["selection"]:
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
@model_option
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


def _evaluate_links(path: Any, threshold: float | None, as_json: bool) -> None:
    """``evaluate --linking``: pairwise scores of link() on the annotated rows that carry a concept."""
    from ..annotated import read_annotated
    from ..linking import DEFAULT_THRESHOLD, evaluate_linking

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


def _evaluate_categories(path: Any, model_path: str | None, plot: str | None, as_json: bool) -> None:
    from ..annotated import read_annotated
    from ..model import evaluate, load_model, usable

    rows, left = usable(read_annotated(path))
    if left:  # rows of `indicatornlp annotate` filed without a 二级: their label is the model's own guess
        click.echo(f"indicatornlp: left out {len(left)} rows with no filed 二级 that nobody reviewed", err=True)
    scores = evaluate(load_model(model_path), rows)
    if as_json:
        click.echo(json.dumps({"data": str(path), **scores.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"{path}\n{scores.format()}")
    if plot:
        click.echo(f"wrote {scores.plot(plot)}", err=True)
