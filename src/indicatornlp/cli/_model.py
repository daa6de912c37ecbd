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
    "--repeats", type=click.IntRange(min=1), default=5, show_default=True, help="Seeds of the repeated grouped CV."
)
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
    repeats: int,
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
        repeats=repeats if folds >= 2 else 1,
    )
    if model.card["selection"]:
        click.echo(format_comparison(model.card["selection"]))
    finish(model, holdout_path, output)


def finish(model: Any, holdout_path: Any, output: str) -> None:
    """The grouped-CV and holdout lines of a trained model (unless a comparison was printed), then save it."""
    if model.card["cv"] and not model.card["selection"]:
        cv = model.card["cv"]
        click.echo(f"grouped CV: accuracy {cv['accuracy']:.3f}  macro-F1 {cv['macro_f1']:.3f}  ECE {cv['ece']:.3f}")
    if model.card.get("cv_repeated"):
        click.echo(_format_spread(model.card["cv_repeated"]))
    if model.card.get("cv") and model.card.get("calibration"):
        cal = model.card["calibration"]
        a101 = cal.get("a101_out_of_fold", {})
        click.echo(
            f"calibration: temperature {cal['temperature']:g}, admissible share {cal['share']:g} (dictionary"
            f" {cal['dictionary_share']:g}), A101 limit {cal['limit']:g}: out-of-fold A101 precision"
            f" {a101.get('precision', 0):.3f} recall {a101.get('recall', 0):.3f}"
        )
    if model.card["holdout"]:
        h = model.card["holdout"]
        click.echo(
            f"holdout ({holdout_path}, {h['rows']} rows, {h['groups']} groups): 二级 accuracy {h['accuracy']:.3f}"
            f"  二级 macro-F1 {h['macro_f1']:.3f}  一级 accuracy {h['level1_accuracy']:.3f}"
        )
    written = model.save(output)
    click.echo(f"wrote {written} and {written.with_suffix('.json')}")


def _format_spread(repeated: Any) -> str:
    """The repeated grouped CV as mean ± standard deviation [min–max] per score."""
    lines = [f"repeated grouped CV ({len(repeated['seeds'])} seeds, {repeated['splitter']}):"]
    for key, s in repeated["spread"].items():
        lines.append(f"  {key:<20} {s['mean']:.3f} ± {s['std']:.3f}  [{s['min']:.3f}–{s['max']:.3f}]")
    return "\n".join(lines)


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
@click.option("--cv", is_flag=True, help="Repeated grouped CV of the model's configuration on DATA [default: train/].")
@click.option("--seeds", type=click.IntRange(min=1), default=5, show_default=True, help="With --cv: the seeds.")
@library_errors
def evaluate_command(
    data: str | None,
    model_path: str | None,
    plot: str | None,
    as_json: bool,
    linking: bool,
    threshold: float | None,
    cv: bool,
    seeds: int,
) -> None:
    """Score the category model on annotated rows (DATA [default: the shipped holdout/]).

    Prints the filed-label accuracy, accuracy, macro-F1 and 一级 accuracy, the admissible accuracy (the prediction
    inside the annotated defensible set), A101's precision and recall against the rows filed outside that set, the
    per-class table and the confusion matrix.  With ``--linking``: pairwise precision/recall/F1 of ``link`` at
    concept and family level (every row; unsure rows left out), with the agreement of the two annotation passes
    beside, and the families the false and the missed pairs come from.  With ``--cv``: grouped CV of the model's
    configuration repeated with ``--seeds`` seeds (5 folds), each score's mean, spread and range.

    \b
    Example:
        indicatornlp evaluate
        indicatornlp evaluate data/annotated/holdout --model models/category.npz --plot confusion.png
        indicatornlp evaluate --linking data/annotated/train
        indicatornlp evaluate --cv
    """
    # each evaluation is one helper; another kind (--linking, --cv) adds its option and a branch here
    if linking:
        _evaluate_links(_annotated_split(data, "holdout"), threshold, as_json)
        return
    if cv:
        _evaluate_cv(_annotated_split(data, "train"), model_path, seeds, as_json)
        return
    _evaluate_categories(_annotated_split(data, "holdout"), model_path, plot, as_json)


def _evaluate_cv(path: Any, model_path: str | None, seeds: int, as_json: bool) -> None:
    """``evaluate --cv``: the shipped (or given) model's features, parameters and calibration, repeated grouped CV."""
    from ..annotated import read_annotated
    from ..model import load_model, repeated_cv

    model = load_model(model_path)
    params = model.card.get("params", {})
    result = repeated_cv(
        read_annotated(path),
        features=model.card.get("features", {}).get("name"),
        c=float(params.get("C", 1.0)),
        class_weight=params.get("class_weight"),
        calibration=model.calibration,
        seeds=seeds,
    )
    if as_json:
        click.echo(json.dumps({"data": str(path), **result}, ensure_ascii=False))
        return
    click.echo(f"{path}")
    click.echo(_format_spread(result))


def _evaluate_links(path: Any, threshold: float | None, as_json: bool) -> None:
    """``evaluate --linking``: pairwise scores of link() at concept and family level, and the annotators' agreement
    on the double-annotated rows of DATA."""
    from ..annotated import read_annotated, read_second_pass
    from ..linking import DEFAULT_THRESHOLD, evaluate_linking
    from ..linking.evaluation import agreement

    rows = read_annotated(path)
    result = evaluate_linking(rows, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    ids = {e.id for e in rows}
    second = [r for r in read_second_pass() if r["id"] in ids]
    result["agreement"] = agreement(rows, second) if second else None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    family, agreed = result["family"], result["agreement"]
    click.echo(
        f"linking on {path} ({result['rows']} rows, unsure left out; {result['concepts']} concepts,"
        f" {family['families']} families; threshold {result['threshold']:g}): {result['clusters']} clusters"
    )
    for level, r in (("concept", result), ("family", family)):
        line = (
            f"{level:<8} pairwise precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}"
            f"  (TP {r['true_positives']}, FP {r['false_positives']}, FN {r['false_negatives']})"
        )
        if agreed:
            a = agreed[level]
            line += f"   annotators: P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}"
        click.echo(line)
    if agreed:
        click.echo(f"(annotator agreement: the blind second pass against the first on {agreed['rows']} rows of DATA)")
    click.echo(f"cluster purity {result['purity']:.3f}  inverse purity {result['inverse_purity']:.3f}")
    for key, what in (
        ("false_by_family", "false pairs by predicted family"),
        ("missed_by_family", "missed pairs by gold family"),
    ):
        top = ", ".join(f"{f} {n}" for f, n in list(family[key].items())[:6])
        click.echo(f"family {what}: {top or 'none'}")


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
