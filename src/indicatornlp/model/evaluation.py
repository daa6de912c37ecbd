"""Scoring the category model on labelled rows: accuracy, macro-F1, 一级 accuracy, per-class scores, confusion.

``evaluate`` scores a model on examples; ``Evaluation`` formats the scores as text or draws the confusion matrix.

>>> scores = _score(["时效指标", "时效指标"], ["时效指标", "数量指标"])
>>> scores.accuracy, scores.labels
(0.5, ('数量指标', '时效指标'))
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..taxonomy import default_taxonomy
from .core import Model
from .labelled import _labelled

if TYPE_CHECKING:  # pragma: no cover
    from ..annotated import Example


@dataclasses.dataclass(frozen=True, slots=True)
class ClassScore:
    """Precision, recall and F1 of one 二级 label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclasses.dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of a model on labelled rows.

    ``macro_f1`` averages over the 二级 labels that occur in the data or in the predictions; ``level1_accuracy``
    compares the 一级 of the predicted and the gold 二级.
    """

    rows: int
    accuracy: float
    macro_f1: float
    level1_accuracy: float
    labels: tuple[str, ...]
    per_class: tuple[ClassScore, ...]
    confusion: tuple[tuple[int, ...], ...]
    """Rows: gold label, columns: predicted label, both in ``labels`` order."""
    groups: int = 0
    filed_accuracy: float | None = None
    """Agreement with the filed 二级 (rows that filed one; ``None`` when none did)."""
    admissible_accuracy: float | None = None
    """The prediction inside the annotated admissible set (rows that carry one)."""
    a101: dict[str, float] | None = None
    """The audit's A101 against the rows filed outside their annotated admissible set: precision, recall, F1, how
    many it fired on and how many are misfiled."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return dataclasses.asdict(self)

    def summary(self) -> dict[str, Any]:
        """The headline figures (what a model card records)."""
        out: dict[str, Any] = {
            "rows": self.rows,
            "groups": self.groups,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "level1_accuracy": round(self.level1_accuracy, 4),
        }
        if self.filed_accuracy is not None:
            out["filed_accuracy"] = round(self.filed_accuracy, 4)
        if self.admissible_accuracy is not None:
            out["admissible_accuracy"] = round(self.admissible_accuracy, 4)
        if self.a101 is not None:
            out["a101"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in self.a101.items()}
        return out

    def format(self) -> str:
        """The scores, the per-class table and the confusion matrix as text (columns numbered like the rows)."""
        lines = [
            f"rows {self.rows}  groups {self.groups}  二级 accuracy {self.accuracy:.3f}  二级 macro-F1 "
            f"{self.macro_f1:.3f}  一级 accuracy {self.level1_accuracy:.3f}",
        ]
        if self.filed_accuracy is not None or self.admissible_accuracy is not None:
            lines.append(
                f"filed-label accuracy {_shown(self.filed_accuracy)}  admissible accuracy"
                f" {_shown(self.admissible_accuracy)} (the prediction inside the annotated defensible set)"
            )
        if self.a101 is not None:
            a = self.a101
            lines.append(
                f"A101 (filed 二级 outside the admissible set, with confidence): precision {a['precision']:.3f}"
                f"  recall {a['recall']:.3f}  F1 {a['f1']:.3f}  (fired on {a['fired']} rows; {a['misfiled']} rows"
                " filed outside their annotated admissible set)"
            )
        lines += [
            "",
            f"{'#':>3}  {_pad('二级', 9)}  {'precision':>9}  {'recall':>6}  {'F1':>5}  {'rows':>5}",
        ]
        for i, s in enumerate(self.per_class, 1):
            lines.append(
                f"{i:>3}  {_pad(s.label, 9)}  {s.precision:>9.3f}  {s.recall:>6.3f}  {s.f1:>5.3f}  {s.support:>5}"
            )
        width = max(4, *(len(str(v)) + 1 for row in self.confusion for v in row))
        lines += ["", "confusion (rows: gold, columns: predicted, numbered as above)"]
        lines.append("   " + "".join(f"{j:>{width}}" for j in range(1, len(self.labels) + 1)))
        for i, row in enumerate(self.confusion, 1):
            lines.append(f"{i:>3}" + "".join(f"{v:>{width}}" for v in row))
        return "\n".join(lines)

    def plot(self, path: str | os.PathLike[str]) -> Path:
        """Draw the confusion matrix into a PNG (matplotlib, no pyplot state); CJK labels when a CJK font exists.

        Without matplotlib: ``MissingExtraError`` naming the extra (``pip install 'indicatornlp[plot]'``).
        """
        from ..results import require

        require("matplotlib", "plot", purpose="drawing the confusion matrix (--plot)")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        font = _cjk_font()
        names = list(self.labels) if font else [str(i) for i in range(1, len(self.labels) + 1)]
        matrix = np.array(self.confusion, dtype=float)
        figure = Figure(figsize=(8.5, 7.5), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        image = axes.imshow(matrix, cmap="Blues")
        figure.colorbar(image, ax=axes, shrink=0.8)
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                if matrix[i, j]:
                    color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                    axes.text(j, i, f"{int(matrix[i, j])}", ha="center", va="center", color=color, fontsize=8)
        ticks = range(len(names))
        axes.set_xticks(list(ticks), names, rotation=60, ha="right", fontfamily=font or "sans-serif")
        axes.set_yticks(list(ticks), names, fontfamily=font or "sans-serif")
        axes.set_xlabel("predicted" if font else "predicted (numbered as in the text table)")
        axes.set_ylabel("gold")
        axes.set_title(f"accuracy {self.accuracy:.3f}  macro-F1 {self.macro_f1:.3f}  ({self.rows} rows)")
        figure.tight_layout()
        out = Path(path)
        figure.savefig(out, format="png")
        return out


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _pad(text: str, width: int) -> str:
    """Left-align text of full-width characters (two columns each)."""
    columns = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(0, 2 * width - columns)  # width: in full-width characters


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK", "Source Han Sans", "WenQuanYi", "SimHei", "Microsoft YaHei", "PingFang", "Heiti")
    for entry in font_manager.fontManager.ttflist:
        if entry.name.startswith(wanted):
            return str(entry.name)
    return None


def _score(
    gold: Sequence[str], predicted: Sequence[str], *, groups: int = 0, labels: Sequence[str] | None = None
) -> Evaluation:
    from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

    taxonomy = default_taxonomy()
    present = set(gold) | set(predicted)
    order = tuple(label for label in (labels or taxonomy.level2_names) if label in present)
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(order), zero_division=0
    )
    rows = len(gold)
    return Evaluation(
        rows=rows,
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / rows if rows else 0.0,
        macro_f1=float(f1_score(gold, predicted, labels=list(order), average="macro", zero_division=0)),
        level1_accuracy=(
            sum(taxonomy.parent(g) == taxonomy.parent(p) for g, p in zip(gold, predicted, strict=True)) / rows
            if rows
            else 0.0
        ),
        labels=order,
        per_class=tuple(
            ClassScore(label, float(p), float(r), float(f), int(s))
            for label, p, r, f, s in zip(order, precision, recall, f1, support, strict=True)
        ),
        confusion=tuple(tuple(int(v) for v in row) for row in confusion_matrix(gold, predicted, labels=list(order))),
        groups=groups,
    )


def evaluate(model: Model, examples: Iterable[Example | Mapping[str, Any]]) -> Evaluation:
    """Score ``model`` on labelled examples (``Example`` records or mappings with name/target/level2).

    >>> from indicatornlp.annotated import default_annotated_dir, read_annotated
    >>> from indicatornlp.model import load_model
    >>> holdout = read_annotated(default_annotated_dir() / "holdout")
    >>> evaluate(load_model(), holdout).accuracy > 0.5
    True
    """
    from .validation import _a101_scores

    rows = _labelled(examples)
    probabilities = model.predict_proba((r.name, r.target) for r in rows)
    predicted = [p.level2 or "" for p in model.predictions(probabilities)]
    scores = _score([r.level2 for r in rows], predicted, groups=len({r.group for r in rows}))
    filed = [(p, r.filed) for p, r in zip(predicted, rows, strict=True) if r.filed]
    judged = [(p, r.admissible) for p, r in zip(predicted, rows, strict=True) if r.admissible]
    a101 = _a101_scores(probabilities, model.labels, rows, model.calibration) if judged else None
    return dataclasses.replace(
        scores,
        filed_accuracy=sum(p == f for p, f in filed) / len(filed) if filed else None,
        admissible_accuracy=sum(p in a for p, a in judged) / len(judged) if judged else None,
        a101=a101,
    )
