"""Build ``data/annotated/`` from the raw corpus, the seed filings' rows and the reviewer's files.

    python scripts/build_annotated.py              # rewrite data/annotated/{train,holdout,excluded}/ and README counts
    python scripts/build_annotated.py --out DIR    # same inputs, another output directory (the determinism test)

Inputs (all inside the repository; nothing is fetched):
  data/corpus/pages/rows.jsonl, data/corpus/code/filled.jsonl, data/corpus/code/library.jsonl
  tests/fixtures/seed_rows.json       every indicator row of the 9 seed projects (built without it when absent)
  data/annotated/reviews.tsv          the reviewer's decisions: correct / assign / exclude, each with a reason
  data/annotated/concepts.tsv         the first annotation pass: id -> family, concept, unsure, admissible (every row)
  data/annotated/concepts-pass2.tsv   the blind second pass over a sample: checked, and its agreement with the first
                                      pass (pairwise, family and concept level) written into the README counts
  data/annotated/README.md            its block between the ``counts`` markers is regenerated

The output is a pure function of the inputs: ids come from positions in the sources, the split from a fixed
seed, and every file is written in a fixed order, so a re-run gives byte-identical files.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import itertools
import json
import random
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from indicatornlp.taxonomy import canonical_category, default_taxonomy  # noqa: E402

# ---- the split: recorded in the README; change them only with a reason ------------------------------
SPLIT_SEED = 20240917
SPLIT_CANDIDATES = 3000  # seeded candidate splits tried; the best by the score below is kept
HOLDOUT_SHARE = 0.20
MIN_ROWS_BOTH_SIDES = 10  # a 二级 with at least this many rows (in 2+ eligible groups) must be on both sides
MAX_HOLDOUT_GROUP = 60  # a group larger than this stays in train: one filing would dominate the holdout
TRAIN_ONLY_FORMS = ("指标库",)  # indicator dictionaries are not filings: vocabulary for training only

# filed frames that are not indicator categories of a target table (TAXONOMY: keep raw, no canonical category)
FRAME_LABELS = ("预算管理", "财务管理")

BUILT_FILES = ("pages.jsonl", "code.jsonl", "library.jsonl", "seeds.jsonl")
FIELDS = (
    "id",
    "group",
    "source",
    "region",
    "department",
    "project",
    "year",
    "form",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "level1",
    "level2",
    "legacy",
    "filed_level1",
    "filed_level2",
    "reviewed",
    "note",
    "family",
    "concept",
    "unsure",
    "admissible",
)

# metadata of the code sources that their rows do not carry (taken from the corpus README and project titles)
CODE_META: dict[str, dict[str, Any]] = {
    "Noah-wang/pre-performance-evaluation-ai-platform": {
        "region": "北京市通州区",
        "department": "北京市通州区人力资源和社会保障局",
        "year": 2026,
    },
    "hktianyi/Meeting": {"region": "吉林省"},
}

COUNTS_BEGIN = "<!-- counts:begin (written by scripts/build_annotated.py) -->"
COUNTS_END = "<!-- counts:end -->"
_CONCEPT = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")


class BuildError(Exception):
    """An input that the build cannot use (a review for an unknown id, a label outside the taxonomy …)."""


@dataclasses.dataclass
class Row:
    """One indicator on its way to the output (``fields`` holds the output record, ``part`` the file name)."""

    fields: dict[str, Any]
    part: str
    train_only: bool = False
    excluded: str | None = None

    @property
    def id(self) -> str:
        return str(self.fields["id"])


# ---- reading the sources ---------------------------------------------------------------------------


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _record(**values: Any) -> dict[str, Any]:
    record = dict.fromkeys(FIELDS)
    record.update(unsure=False, admissible=[])
    record.update(values)
    return record


def _filed(level1_raw: str | None, level2_raw: str | None) -> tuple[str | None, str | None, bool]:
    category = canonical_category(level1_raw, level2_raw)
    if category is None:
        return None, None, False
    return category.level1, category.level2, category.legacy


def read_pages(corpus: Path) -> list[Row]:
    rows: list[Row] = []
    position: collections.Counter[str] = collections.Counter()
    for raw in _jsonl(corpus / "pages" / "rows.jsonl"):
        stem = raw["excerpt"].removesuffix(".txt")
        position[stem] += 1
        name, note = raw.get("l3"), None
        if not name and raw.get("indicator_desc_raw"):
            name = raw["indicator_desc_raw"]
            note = "no 三级指标 column in this layout: the name is the row's 指标描述"
        project = raw.get("project")
        rows.append(
            Row(
                _record(
                    id=f"{stem}#{position[stem]:02d}",
                    group=f"{stem}|{project}" if project else stem,
                    source=raw.get("source_url") or f"data/corpus/pages/excerpts/{raw['excerpt']}",
                    region=raw.get("region"),
                    department=raw.get("department"),
                    project=project,
                    year=raw.get("year"),
                    form=raw.get("form"),
                    level1_raw=raw.get("l1_raw"),
                    level2_raw=raw.get("l2_raw"),
                    name=name,
                    target_raw=raw.get("target_raw"),
                    note=note,
                ),
                "pages.jsonl",
            )
        )
    return rows


def read_code(corpus: Path, kind: str) -> list[Row]:
    rows: list[Row] = []
    for line, raw in enumerate(_jsonl(corpus / "code" / f"{kind}.jsonl"), 1):
        repo, path, commit = raw.get("repo"), raw["path"], raw.get("commit")
        meta = CODE_META.get(repo or "", {})
        if kind == "library":
            form = "指标库"
        elif "评价表" in str((raw.get("extra") or {}).get("table_type", "")):
            form = "评价表"
        else:
            form = "目标表"
        rows.append(
            Row(
                _record(
                    id=f"{kind}#{line:03d}",
                    group=f"{repo or 'unknown'}:{path}",
                    source=f"https://github.com/{repo}/blob/{commit}/{path}" if repo and commit else path,
                    region=meta.get("region"),
                    department=meta.get("department"),
                    project=raw.get("project"),
                    year=meta.get("year"),
                    form=form,
                    level1_raw=raw.get("l1_raw"),
                    level2_raw=raw.get("l2_raw"),
                    name=raw.get("l3"),
                    target_raw=raw.get("target_raw"),
                ),
                "library.jsonl" if kind == "library" else "code.jsonl",
                train_only=form in TRAIN_ONLY_FORMS,
            )
        )
    return rows


def read_seeds(path: Path) -> list[Row]:
    """Rows of the seed filings: a list of projects (with ``indicators``) or of flat indicator rows."""
    data = json.loads(path.read_text(encoding="utf-8"))
    projects: list[dict[str, Any]] = []
    for item in data:
        if "indicators" in item:
            projects.append(item)
        elif projects and (projects[-1]["source"], projects[-1]["project"]) == (item["source"], item["project"]):
            projects[-1]["indicators"].append(item)
        else:
            projects.append({**item, "indicators": [item]})
    rows: list[Row] = []
    project_number: collections.Counter[str] = collections.Counter()
    for project in projects:
        stem = Path(project["source"]).stem
        project_number[stem] += 1
        for k, indicator in enumerate(project["indicators"], 1):
            rows.append(
                Row(
                    _record(
                        id=f"{stem}#{project_number[stem]}.{k:02d}",
                        group=f"{stem}|{project['project']}",
                        source=f"data/filings/{Path(project['source']).name}",
                        region="上海市松江区",
                        department=project.get("department") or project.get("unit"),
                        project=project["project"],
                        year=project.get("year"),
                        form="目标表",
                        level1_raw=indicator.get("level1_raw"),
                        level2_raw=indicator.get("level2_raw"),
                        name=indicator["name"],
                        target_raw=indicator.get("target_raw"),
                    ),
                    "seeds.jsonl",
                )
            )
    return rows


# ---- the reviewer's files ----------------------------------------------------------------------------


def _tsv(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    if not path.exists():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != width:
            raise BuildError(f"{path}:{number}: expected {width} tab-separated cells, found {len(cells)}")
        yield number, [c.strip() for c in cells]


def _one_line(text: str | None) -> str:
    return " ".join((text or "").replace("\t", " ").splitlines()).strip()


def apply_reviews(rows: list[Row], path: Path) -> None:
    """Label every row: the canonical filed category, or the reviewer's correction / assignment / exclusion."""
    taxonomy = default_taxonomy()
    by_id = {row.id: row for row in rows}
    reviews: dict[str, tuple[int, list[str]]] = {}
    for number, cells in _tsv(path, 6):
        if cells[0] in reviews:
            raise BuildError(f"{path}:{number}: a second review for {cells[0]} (first on line {reviews[cells[0]][0]})")
        if cells[0] not in by_id:
            raise BuildError(f"{path}:{number}: no row has the id {cells[0]!r}")
        if cells[5] != _one_line(by_id[cells[0]].fields["name"]):
            raise BuildError(
                f"{path}:{number}: {cells[0]} is named {by_id[cells[0]].fields['name']!r}, not {cells[5]!r}"
            )
        reviews[cells[0]] = (number, cells)
    for row in rows:
        f = row.fields
        filed1, filed2, legacy = _filed(f["level1_raw"], f["level2_raw"])
        f.update(filed_level1=filed1, filed_level2=filed2, legacy=legacy, level1=filed1, level2=filed2)
        f["reviewed"] = True
        if row.id not in reviews:
            if filed2 is None and f["level2_raw"] and any(x in str(f["level2_raw"]) for x in FRAME_LABELS):
                row.excluded = (
                    f"filed under the {f['level1_raw']}/{f['level2_raw']} frame: a budget- or finance-management "
                    "measure of the evaluation frame, not an indicator category (TAXONOMY: keep raw, no category)"
                )
            elif filed2 is None:
                raise BuildError(
                    f"{row.id}: filed label {f['level1_raw']!r}/{f['level2_raw']!r} has no canonical "
                    f"二级: add a review (assign or exclude) to {path.name}"
                )
            elif not f["name"]:
                raise BuildError(f"{row.id}: the row has no name: add an exclude review to {path.name}")
            continue
        number, (_, action, level1, level2, reason, _name) = reviews[row.id]
        where = f"{path}:{number}"
        if not reason:
            raise BuildError(f"{where}: a review needs a reason")
        if action == "exclude":
            row.excluded = reason
            continue
        if action not in ("correct", "assign"):
            raise BuildError(f"{where}: action must be correct, assign or exclude, not {action!r}")
        if level2 not in taxonomy.level2_names or taxonomy.parent(level2) != level1:
            raise BuildError(f"{where}: {level1}/{level2} is not a category of the taxonomy")
        if action == "correct" and filed2 is None:
            raise BuildError(f"{where}: the row has no filed 二级 to correct: use assign")
        if action == "assign" and filed2 is not None:
            raise BuildError(f"{where}: the row is filed as {filed1}/{filed2}: use correct")
        if (level1, level2) == (filed1, filed2):
            raise BuildError(f"{where}: the correction equals the filed label")
        f.update(level1=level1, level2=level2, note=reason if not f["note"] else f"{f['note']}; {reason}")


@dataclasses.dataclass(frozen=True)
class Gold:
    """One row of an annotation pass (``concepts.tsv`` or ``concepts-pass2.tsv``)."""

    family: str
    concept: str
    unsure: bool
    admissible: tuple[str, ...]


def read_concepts(path: Path, by_id: dict[str, Row]) -> dict[str, Gold]:
    """An annotation pass, checked: ids, names, dotted ids, a concept inside its family, canonical 二级."""
    taxonomy = default_taxonomy()
    seen: dict[str, int] = {}
    out: dict[str, Gold] = {}
    for number, (row_id, family, concept, unsure, admissible, _note, name) in _tsv(path, 7):
        where = f"{path}:{number}"
        if row_id == "id":  # the header row
            continue
        if row_id in seen:
            raise BuildError(f"{where}: {row_id} already has a concept (line {seen[row_id]})")
        if row_id not in by_id:
            raise BuildError(f"{where}: no row has the id {row_id!r}")
        if not _one_line(by_id[row_id].fields["name"]).startswith(name.removesuffix("…")):
            raise BuildError(f"{where}: {row_id} is named {by_id[row_id].fields['name']!r}, not {name!r}")
        for what, value in (("family", family), ("concept", concept)):
            if not _CONCEPT.match(value):
                raise BuildError(f"{where}: {what} {value!r} is not a dotted lower-case id like satisfaction.public")
        if not concept.startswith(family + "."):
            raise BuildError(f"{where}: concept {concept!r} does not extend its family {family!r}")
        if unsure not in ("0", "1"):
            raise BuildError(f"{where}: unsure must be 0 or 1, not {unsure!r}")
        labels = tuple(label for label in admissible.split(",") if label)
        if unknown := [label for label in labels if label not in taxonomy.level2_names]:
            raise BuildError(f"{where}: admissible names {unknown} outside the taxonomy")
        if by_id[row_id].excluded:
            raise BuildError(f"{where}: {row_id} is excluded and cannot carry a concept")
        seen[row_id] = number
        out[row_id] = Gold(family, concept, unsure == "1", labels)
    return out


def apply_concepts(rows: list[Row], path: Path) -> dict[str, Gold]:
    """Put the first pass on the rows (family, concept, unsure, admissible); returns it."""
    by_id = {row.id: row for row in rows}
    gold = read_concepts(path, by_id)
    for row_id, g in gold.items():
        by_id[row_id].fields.update(family=g.family, concept=g.concept, unsure=g.unsure, admissible=list(g.admissible))
    return gold


def _pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for row_id, label in labels.items():
        groups[label].append(row_id)
    return {(a, b) for members in groups.values() for a, b in itertools.combinations(sorted(members), 2)}


def agreement(first: dict[str, Gold], second: dict[str, Gold]) -> dict[str, Any]:
    """Pairwise agreement of two passes on the rows both annotated and neither marked unsure: the second pass
    scored against the first (precision, recall, F1 of its same-family or same-concept pairs)."""
    ids = [i for i in second if i in first and not first[i].unsure and not second[i].unsure]
    out: dict[str, Any] = {"rows": len(ids), "sample": len(second)}
    for level in ("family", "concept"):
        a = _pairs({i: getattr(first[i], level) for i in ids})
        b = _pairs({i: getattr(second[i], level) for i in ids})
        p = len(a & b) / len(b) if b else 1.0
        r = len(a & b) / len(a) if a else 1.0
        out[level] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "pairs": len(a)}
    same = sum(set(first[i].admissible) == set(second[i].admissible) for i in ids)
    out["admissible_same"] = same / len(ids) if ids else 1.0
    return out


# ---- the split ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Split:
    holdout_groups: tuple[str, ...]
    candidate: int
    score: float


def split_groups(rows: list[Row]) -> Split:
    """Choose the holdout groups: seeded candidates, each filled greedily, scored on per-二级 balance."""
    sizes: dict[str, int] = collections.Counter()
    labels: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    pinned: set[str] = set()
    for row in rows:
        group = row.fields["group"]
        sizes[group] += 1
        labels[group][row.fields["level2"]] += 1
        if row.train_only:
            pinned.add(group)
    pinned |= {g for g, n in sizes.items() if n > MAX_HOLDOUT_GROUP}
    eligible = sorted(g for g in sizes if g not in pinned)
    total = sum(sizes.values())
    label_total: collections.Counter[str] = collections.Counter()
    label_groups: collections.Counter[str] = collections.Counter()
    for group in sizes:
        label_total.update(labels[group])
        if group in eligible:
            label_groups.update(labels[group].keys())
    required = sorted(
        label for label, n in label_total.items() if n >= MIN_ROWS_BOTH_SIDES and label_groups[label] >= 2
    )
    target = HOLDOUT_SHARE * total

    def score(chosen: list[str]) -> float:
        held: collections.Counter[str] = collections.Counter()
        for group in chosen:
            held.update(labels[group])
        value = (sum(held.values()) - target) ** 2 / target
        for label in required:
            h, n = held[label], label_total[label]
            if h == 0 or h == n:
                value += 1e6
            value += (h - HOLDOUT_SHARE * n) ** 2 / (HOLDOUT_SHARE * n)
        return value

    best: Split | None = None
    for candidate in range(SPLIT_CANDIDATES):
        order = list(eligible)
        random.Random(f"{SPLIT_SEED}:{candidate}").shuffle(order)
        chosen: list[str] = []
        held = 0
        for group in order:
            if held + sizes[group] <= target * 1.05:
                chosen.append(group)
                held += sizes[group]
        value = score(chosen)
        if best is None or value < best.score:
            best = Split(tuple(sorted(chosen)), candidate, value)
    assert best is not None
    return best


# ---- writing -----------------------------------------------------------------------------------------


def _dump(path: Path, records: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")


def counts_block(
    kept: list[Row], holdout: set[str], excluded: list[Row], split: Split, agreed: dict[str, Any] | None
) -> str:
    taxonomy = default_taxonomy()
    side: dict[str, collections.Counter[str]] = {"train": collections.Counter(), "holdout": collections.Counter()}
    for row in kept:
        side["holdout" if row.fields["group"] in holdout else "train"][row.fields["level2"]] += 1
    groups = {s: {r.fields["group"] for r in kept if (r.fields["group"] in holdout) == (s == "holdout")} for s in side}
    lines = [
        COUNTS_BEGIN,
        "",
        f"Split seed `{SPLIT_SEED}`, candidate {split.candidate} of {SPLIT_CANDIDATES} (score {split.score:.2f}); "
        f"{len(kept)} rows kept, {len(excluded)} excluded.",
        "",
        "| 一级 | 二级 | train | holdout | all |",
        "|---|---|---:|---:|---:|",
    ]
    for category in taxonomy.categories:
        level2 = category.level2
        assert level2 is not None
        t, h = side["train"][level2], side["holdout"][level2]
        lines.append(f"| {category.level1} | {level2} | {t} | {h} | {t + h} |")
    t, h = sum(side["train"].values()), sum(side["holdout"].values())
    lines.append(f"| **all** | | **{t}** | **{h}** | **{t + h}** |")
    lines.append(
        f"| groups (filings) | | {len(groups['train'])} | {len(groups['holdout'])} | "
        f"{len(groups['train']) + len(groups['holdout'])} |"
    )
    concepts = collections.Counter(r.fields["concept"] for r in kept if r.fields["concept"])
    families = collections.Counter(r.fields["family"] for r in kept if r.fields["family"])
    unsure = sum(1 for r in kept if r.fields["unsure"])
    with_set = collections.Counter(
        "holdout" if r.fields["group"] in holdout else "train" for r in kept if r.fields["admissible"]
    )
    outside = sum(
        1
        for r in kept
        if r.fields["admissible"]
        and r.fields["filed_level2"]
        and r.fields["filed_level2"] not in r.fields["admissible"]
    )
    reasons = collections.Counter(
        "correct" if r.fields["filed_level2"] else "assign"
        for r in kept
        if r.fields["note"] and r.fields["level2"] != r.fields["filed_level2"]
    )
    lines += [
        "",
        f"Labels corrected by review: {reasons['correct']}; assigned to rows filed without a category: "
        f"{reasons['assign']}.",
        "",
        f"Concepts (first pass): {len(families)} families and {len(concepts)} concepts over {sum(concepts.values())} "
        f"rows, {unsure} unsure. Admissible 二级 sets on {with_set['train']} train and {with_set['holdout']} holdout "
        f"rows; the filed 二级 lies outside the set on {outside} rows.",
    ]
    if agreed is not None:
        f, c = agreed["family"], agreed["concept"]
        lines += [
            "",
            f"Blind second pass: {agreed['sample']} rows, {agreed['rows']} sure in both passes. Pairwise agreement "
            f"(second pass against the first): family P {f['precision']:.3f} R {f['recall']:.3f} F1 {f['f1']:.3f} "
            f"({f['pairs']} pairs); concept P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} "
            f"({c['pairs']} pairs); the same admissible set on {agreed['admissible_same']:.1%} of the rows.",
        ]
    lines += ["", COUNTS_END]
    return "\n".join(lines)


def build(out: Path, *, root: Path = ROOT, log: bool = True) -> dict[str, int]:
    corpus = root / "data" / "corpus"
    annotated = root / "data" / "annotated"
    rows = read_pages(corpus) + read_code(corpus, "filled") + read_code(corpus, "library")
    seeds = root / "tests" / "fixtures" / "seed_rows.json"
    if seeds.exists():
        rows += read_seeds(seeds)
    elif log:
        print(f"warning: {seeds} not found: building without the seed filings", file=sys.stderr)
    ids = collections.Counter(row.id for row in rows)
    if duplicated := sorted(i for i, n in ids.items() if n > 1):
        raise BuildError(f"duplicate ids: {duplicated[:5]}")
    apply_reviews(rows, annotated / "reviews.tsv")
    first = apply_concepts(rows, annotated / "concepts.tsv")
    second = annotated / "concepts-pass2.tsv"
    agreed = agreement(first, read_concepts(second, {r.id: r for r in rows})) if second.exists() else None

    kept = [r for r in rows if not r.excluded]
    excluded = [r for r in rows if r.excluded]
    split = split_groups(kept)
    holdout = set(split.holdout_groups)
    for side in ("train", "holdout"):
        for part in BUILT_FILES:
            records = [
                r.fields for r in kept if r.part == part and (r.fields["group"] in holdout) == (side == "holdout")
            ]
            target = out / side / part
            if records:
                _dump(target, records)
            elif target.exists():
                target.unlink()
    _dump(out / "excluded" / "excluded.jsonl", ({**r.fields, "reason": r.excluded} for r in excluded))

    readme = (annotated / "README.md").read_text(encoding="utf-8")
    if COUNTS_BEGIN in readme and COUNTS_END in readme:
        head, rest = readme.split(COUNTS_BEGIN, 1)
        tail = rest.split(COUNTS_END, 1)[1]
        readme = head + counts_block(kept, holdout, excluded, split, agreed) + tail
    (out / "README.md").write_text(readme, encoding="utf-8")

    summary = {
        "rows": len(rows),
        "kept": len(kept),
        "excluded": len(excluded),
        "train": sum(1 for r in kept if r.fields["group"] not in holdout),
        "holdout": sum(1 for r in kept if r.fields["group"] in holdout),
    }
    if log:
        print(" ".join(f"{k}={v}" for k, v in summary.items()), file=sys.stderr)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "annotated", help="output directory")
    args = parser.parse_args(argv)
    try:
        build(args.out)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
