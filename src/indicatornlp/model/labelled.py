"""Labelled examples as the model learns from and is scored on them: (name, target, 二级, group), and their hashes.

``Example`` records (``indicatornlp.annotated``) or mappings with name/target/level1/level2 are checked against the
taxonomy and put in a canonical order, so that the same examples in any order train the same model.

>>> rows = _labelled([{"name": "群众满意度", "target": ">=95%", "level2": "服务对象满意度指标", "group": "f1"}])
>>> rows[0].name, rows[0].level2, rows[0].group
('群众满意度', '服务对象满意度指标', 'f1')
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..concepts import tag_concept
from ..errors import AnnotationError, InputError
from ..inputs import read_input
from ..taxonomy import canonical_category, default_taxonomy
from .features import clean_name

if TYPE_CHECKING:  # pragma: no cover
    from ..annotated import Example


@dataclasses.dataclass(frozen=True, slots=True)
class _Labelled:
    name: str
    target: str
    level2: str
    group: str
    line: str
    """The example as a canonical JSON line (for the training-data hash)."""
    filed: str | None = None
    """The canonical filed 二级 (``None`` when none was filed)."""
    admissible: tuple[str, ...] = ()
    """The annotated defensible 二级 (empty: not judged)."""
    dictionary: tuple[str, ...] = ()
    """The concept dictionary's admissible 二级 for the row (empty: no measure known)."""
    weight: float = 1.0
    """Its sample weight in training (``train(sample_weight=…)``: a user's own rows weigh more)."""


def _labelled(
    examples: Iterable[Example | Mapping[str, Any]] | str | os.PathLike[str], weights: Sequence[float] | None = None
) -> list[_Labelled]:
    from ..annotated import Example, read_annotated

    taxonomy = default_taxonomy()
    if isinstance(examples, str | os.PathLike):  # a rows file or a folder of them (data/annotated/train)
        examples = read_annotated(os.fspath(examples))
    elif not isinstance(examples, Iterable) or isinstance(examples, Mapping | bytes):
        raise InputError(
            "train()",
            f"takes annotated rows (a .jsonl path, Example records or mappings), not {type(examples).__name__}",
            hint='e.g. train("data/annotated/train") or train([{"name": …, "level2": …}, …])',
        )
    examples = list(examples)
    for i, example in enumerate(examples):
        if not isinstance(example, Mapping | Example):
            raise InputError(
                f"train() example {i}",
                f"is a {type(example).__name__}, not an Example or a mapping with name, target, level1, level2",
                hint="read rows with indicatornlp.annotated.read_annotated, or give mappings",
            )
    if weights is not None and len(weights) != len(examples):
        raise ValueError(f"{len(weights)} sample weights for {len(examples)} examples")
    out = []
    for i, example in enumerate(examples):
        weight = 1.0 if weights is None else float(weights[i])
        if isinstance(example, Mapping):
            record = {str(k): v for k, v in example.items()}
            where = f"example {i}"
            given = read_input(record, position=i, action="train on")
            name, target, level1, level2 = given.name, given.target, given.level1, given.level2
            category = canonical_category(level1, level2) if (level1 or level2) else None
            if category is None or category.level2 is None:
                raise AnnotationError(
                    where,
                    f"no canonical 二级 for level1={level1!r}, level2={level2!r}",
                    hint=f"allowed 二级: {', '.join(taxonomy.level2_names)}",
                )
            label = category.level2
            group = next((str(record[k]) for k in ("group", "source", "id") if record.get(k) is not None), f"row {i}")
            filed, admissible = None, tuple(record.get("admissible") or ())
        else:
            record = {k: v for k, v in example.to_dict().items() if k not in ("path", "line", "split")}
            name, target, label, group = example.name, example.target_raw or "", example.level2, example.group
            filed, admissible = example.filed_level2, example.admissible
            if label not in taxonomy.level2_names:  # an Example is validated on reading: a hand-made one may not be
                raise AnnotationError(
                    f"{example.path}:{example.line}" if example.path else example.id,
                    f"unknown 二级 {label!r}",
                    hint=f"allowed: {', '.join(taxonomy.level2_names)}",
                )
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
        if clean_name(name):
            dictionary = tag_concept(clean_name(name), target).admissible
            out.append(_Labelled(name, target, label, group, line, filed, tuple(admissible), dictionary, weight))
    # a canonical order: the same examples in any order give the same folds and the same fitted model
    return sorted(out, key=lambda r: (r.line, r.weight))


def data_hash(lines: Iterable[str]) -> str:
    """sha256 over the sorted lines (one canonical JSON object per example), joined by newlines."""
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def _fingerprint(rows: Sequence[_Labelled]) -> dict[str, str]:
    """``sha256``: every field of every example; ``sha256_training``: only what the model learns from (name,
    target, 二级, group), which stays put when a field the model ignores (``concept``, ``note``) is added."""
    # a weight other than 1 is part of what the model learns from (and the hashes of unweighted data stay as they were)
    seen = [json.dumps([r.name, r.target, r.level2, r.group, *_weight(r)], ensure_ascii=False) for r in rows]
    return {
        "sha256": data_hash(r.line + "".join(f"\t{w}" for w in _weight(r)) for r in rows),
        "sha256_training": data_hash(seen),
    }


def _weight(row: _Labelled) -> list[float]:
    return [] if row.weight == 1.0 else [row.weight]


def data_fingerprint(examples: Iterable[Example | Mapping[str, Any]]) -> dict[str, str]:
    """The hashes of training data that a model card records (see ``_fingerprint``)."""
    return _fingerprint(_labelled(examples))
