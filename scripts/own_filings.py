"""How much a region's own filings help: accuracy on its unseen filings against the number of its filings trained on.

    .venv/bin/python scripts/own_filings.py -j 2 --results own.json  # table + docs/own-filings.png (~5 min, 2 cores)
    .venv/bin/python scripts/own_filings.py --replot own.json           # the same from the saved accuracies
    .venv/bin/python scripts/own_filings.py --draws 4 -j 2              # a quicker, noisier run

For each region of ``data/annotated/`` (train and holdout together, rows grouped by ``region``) with at least
``MIN_FILINGS`` filings (groups) and ``MIN_ROWS`` rows — k = 4 filings to add and at least two left to score — and
for each draw (a seeded shuffle of the region's filings): the first four filings are the pool, the others the
evaluation set, fixed for the draw.  For k = 0, 1, 2, 4 the model is trained on every annotated row of the other
regions plus the first k filings of the pool, and scored (二级 accuracy against the gold label) on the evaluation
set.  Two ways of adding them:

- ``pooled``: the region's rows weigh 1, like any other row;
- ``with-shipped``: what ``indicatornlp train ROWS --with-shipped`` does (``model.train_with_shipped``): the weight of
  the region's rows chosen by CV grouped by its k filings (weight 1 for k = 1: nothing to hold out).

Within a draw every k is scored on the same filings, so the gain over k = 0 is paired.  A gain is claimed only when
it exceeds its spread (mean gain − standard deviation of the gain over the draws > 0); otherwise the table says
"no claim".  The spread of the accuracy itself (which filings are scored moves it more than k does) is printed and
plotted beside it.  The model's features and parameters are the shipped defaults (``train(select=False)``): nothing
here is tuned on the evaluation filings.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from indicatornlp.annotated import Example, default_annotated_dir, read_annotated  # noqa: E402

SEED = 20250101
KS = (0, 1, 2, 4)
MIN_FILINGS = max(KS) + 2  # k = 4 filings to add and at least two to score
MIN_ROWS = 60
MODES = ("pooled", "with-shipped")
MIN_DRAWS = 3  # a spread needs draws
OUT = ROOT / "docs" / "own-filings.png"


def regions(rows: Sequence[Example]) -> tuple[list[str], list[str]]:
    """The regions that qualify, and one line per region saying why it does or does not."""
    by_region: dict[str | None, list[Example]] = defaultdict(list)
    for e in rows:
        by_region[e.region].append(e)
    chosen, lines = [], []
    for region, members in sorted(by_region.items(), key=lambda kv: -len(kv[1])):
        filings = len({e.group for e in members})
        if region is None:
            why = "no region stated (code repositories and indicator dictionaries): not a region"
        elif filings < MIN_FILINGS:
            why = f"{filings} filings < {MIN_FILINGS}"
        elif len(members) < MIN_ROWS:
            why = f"{len(members)} rows < {MIN_ROWS}"
        else:
            why = "qualifies"
            chosen.append(region)
        if region is None or filings >= 3:
            lines.append(f"  {region or '(none)'}: {len(members)} rows, {filings} filings — {why}")
    rest = sum(1 for r in by_region if r is not None and len({e.group for e in by_region[r]}) < 3)
    lines.append(f"  … and {rest} regions with one or two filings — fewer than {MIN_FILINGS}")
    return chosen, lines


def _accuracy(model: Any, rows: Sequence[Example]) -> float:
    from indicatornlp.model import evaluate

    return evaluate(model, rows).accuracy


def one_draw(region: str, draw: int, rows: Sequence[Example], base_model: Any) -> dict[str, Any]:
    """Accuracy per ``mode:k`` on the draw's evaluation filings, the weights chosen, the share of names seen."""
    from indicatornlp.model import train, train_with_shipped

    mine = [e for e in rows if e.region == region]
    base = [e for e in rows if e.region != region]
    filings = sorted({e.group for e in mine})
    random.Random(f"{SEED}:{region}:{draw}").shuffle(filings)
    pool, scored = filings[: max(KS)], set(filings[max(KS) :])
    test = [e for e in mine if e.group in scored]
    out: dict[str, Any] = {"test_rows": len(test), "test_filings": len(scored), "acc": {}, "weight": {}, "seen": {}}
    zero = _accuracy(base_model, test)
    for mode in MODES:
        out["acc"][f"{mode}:0"] = zero
    for k in KS[1:]:
        added = [e for e in mine if e.group in set(pool[:k])]
        names = {e.name for e in added}
        out["seen"][str(k)] = sum(e.name in names for e in test) / len(test)
        pooled = train([*base, *added], folds=0)
        out["acc"][f"pooled:{k}"] = _accuracy(pooled, test)
        mixed = train_with_shipped({region: added}, shipped=base, folds=0)
        out["acc"][f"with-shipped:{k}"] = _accuracy(mixed, test)
        out["weight"][str(k)] = mixed.card["weighting"]["chosen"]
    return out


def _spread(values: Sequence[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def _claim(differences: Sequence[float]) -> str:
    if len(differences) < MIN_DRAWS:
        return f"no claim (fewer than {MIN_DRAWS} draws: no spread)"
    if statistics.mean(differences) - _spread(differences) > 0:
        return "gain beyond its spread"
    if statistics.mean(differences) + _spread(differences) < 0:
        return "loss beyond its spread"
    return "no claim: the spread covers it"


def summarize(region: str, draws: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        f"{region}: {draws[0]['test_filings']} filings scored per draw ({min(d['test_rows'] for d in draws)}–"
        f"{max(d['test_rows'] for d in draws)} rows), {len(draws)} draws",
        f"  {'mode':<13} {'k':>2}  {'accuracy':>8}  {'sd':>5}  {'min–max':>11}  {'gain':>6}  {'sd':>5}  {'wins':>5}"
        f"  {'seen':>4}  {'weights chosen':<18}  claim",
    ]
    for mode in MODES:
        for k in KS:
            acc = [d["acc"][f"{mode}:{k}"] for d in draws]
            gain = [d["acc"][f"{mode}:{k}"] - d["acc"][f"{mode}:0"] for d in draws]
            wins = sum(g > 0 for g in gain)
            weights = "" if k == 0 or mode == "pooled" else _weights([d["weight"][str(k)] for d in draws])
            seen = "" if k == 0 else f"{statistics.mean(d['seen'][str(k)] for d in draws):.2f}"
            lines.append(
                f"  {mode:<13} {k:>2}  {statistics.mean(acc):>8.3f}  {_spread(acc):>5.3f}"
                f"  {min(acc):.3f}–{max(acc):.3f}"
                f"  {statistics.mean(gain):>+6.3f}  {_spread(gain):>5.3f}  {wins:>2}/{len(gain):<2}  {seen:>4}"
                f"  {weights:<18}  {'' if k == 0 else _claim(gain)}"
            )
    for k in KS[2:]:  # for k = 1 both are the same model (nothing to hold out: weight 1)
        diff = [d["acc"][f"with-shipped:{k}"] - d["acc"][f"pooled:{k}"] for d in draws]
        lines.append(
            f"  with-shipped − pooled, k = {k}: {statistics.mean(diff):+.3f} (sd {_spread(diff):.3f},"
            f" better in {sum(x > 0 for x in diff)}/{len(diff)}, worse in {sum(x < 0 for x in diff)}) — {_claim(diff)}"
        )
    return lines


def _weights(values: Sequence[float]) -> str:
    counts: dict[float, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    return " ".join(f"{w:g}×{n}" for w, n in sorted(counts.items()))


def plot(results: dict[str, list[dict[str, Any]]], names: dict[str, str], font: str | None, path: Path) -> None:
    """Top: accuracy against k (mean ± sd over the draws, each draw a dot); bottom: the gain over k = 0, paired."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2 * len(results), 7.4), dpi=110)
    FigureCanvasAgg(figure)
    styles = (("pooled", "tab:blue", -0.06), ("with-shipped", "tab:orange", 0.06))
    for n, (region, draws) in enumerate(results.items()):
        top = figure.add_subplot(2, len(results), n + 1)
        bottom = figure.add_subplot(2, len(results), len(results) + n + 1)
        for mode, color, shift in styles:
            xs = [k + shift for k in KS]
            for axes, value in (
                (top, lambda d, k, m=mode: d["acc"][f"{m}:{k}"]),
                (bottom, lambda d, k, m=mode: d["acc"][f"{m}:{k}"] - d["acc"][f"{m}:0"]),
            ):
                values = [[value(d, k) for d in draws] for k in KS]
                for x, ys in zip(xs, values, strict=True):
                    axes.scatter([x] * len(ys), ys, s=8, color=color, alpha=0.25, linewidths=0)
                means = [statistics.mean(ys) for ys in values]
                axes.errorbar(
                    xs,
                    means,
                    yerr=[_spread(ys) for ys in values],
                    color=color,
                    marker="o",
                    capsize=3,
                    label=f"{mode} (mean ± sd)",
                )
        rows = round(statistics.mean(d["test_rows"] for d in draws))
        top.set_title(f"{names[region]}: {len(draws)} draws, ~{rows} rows of {draws[0]['test_filings']} filings scored")
        top.set_ylabel("二级 accuracy on its other filings" if font else "accuracy on its other filings")
        bottom.axhline(0, color="grey", linewidth=0.8)
        bottom.set_ylabel("gain over k = 0 (paired, same filings)")
        bottom.set_xlabel("own filings added to the training data (k)")
        for axes in (top, bottom):
            axes.set_xticks(list(KS))
            axes.grid(alpha=0.3)
            axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")


def _names(chosen: Sequence[str]) -> tuple[dict[str, str], str | None]:
    """Plot titles: the region's name where a CJK font exists, else "region A" (the table gives the name)."""
    from indicatornlp.model.evaluation import _cjk_font

    font = _cjk_font()
    if font:
        from matplotlib import rcParams

        rcParams["font.family"] = [font, "sans-serif"]
        return {r: r for r in chosen}, font
    return {r: f"region {chr(ord('A') + i)}" for i, r in enumerate(chosen)}, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=12, help="seeded draws of the filings per region")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="draws run in parallel")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--results", type=Path, default=None, help="also write the accuracies of every draw (JSON)")
    parser.add_argument("--replot", type=Path, default=None, help="table and plot from a --results file, no training")
    args = parser.parse_args()

    rows = read_annotated(default_annotated_dir())
    chosen, lines = regions(rows)
    qualify = f"qualify: ≥ {MIN_FILINGS} filings, ≥ {MIN_ROWS} rows"
    print(f"{len(rows)} annotated rows (train + holdout); regions ({qualify}):")
    print("\n".join(lines))
    names, font = _names(chosen)
    if args.replot:
        results = json.loads(args.replot.read_text(encoding="utf-8"))
        for region, draws in results.items():
            print()
            print("\n".join(summarize(region, draws)))
    else:
        results = run(rows, chosen, args.draws, args.jobs)
    if args.results:
        args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    plot(results, names, font, args.output)
    legend = "; ".join(f"{names[r]} = {r}" for r in chosen if names[r] != r)
    print(f"\nwrote {args.output}" + (f" ({legend})" if legend else ""))
    print(
        "gain: paired with k = 0 on the same filings, sd over the draws; wins: draws where k beats k = 0; seen: share"
        " of scored rows whose name is among the added rows; weights chosen: weight × draws"
    )


def run(rows: Sequence[Example], chosen: Sequence[str], draws: int, jobs: int) -> dict[str, list[dict[str, Any]]]:
    from joblib import Parallel, delayed

    from indicatornlp.model import train

    results: dict[str, list[dict[str, Any]]] = {}
    for region in chosen:
        start = time.perf_counter()
        base_model = train([e for e in rows if e.region != region], folds=0)
        done = Parallel(n_jobs=jobs)(delayed(one_draw)(region, d, rows, base_model) for d in range(draws))
        results[region] = list(done)
        print()
        print("\n".join(summarize(region, results[region])))
        print(f"  ({time.perf_counter() - start:.0f} s)")
    return results


if __name__ == "__main__":
    main()
