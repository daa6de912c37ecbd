"""Write ``notebooks/walkthrough.ipynb`` from the cells below, executed, with its outputs.

    .venv/bin/python scripts/make_walkthrough.py     # the test extra: nbclient, ipykernel, matplotlib, pandas

The cells run in a fresh ``python3`` kernel from ``notebooks/`` (the package it imports is the one on the kernel's
path: run the script from the environment you want to show), and the notebook is written with their outputs, so
that it reads on a code host without running it.  CI executes it again headless (nbclient, working directory
``notebooks/``), and so does ``tests/test_notebook.py`` from the repository root; it finds the repository from
either.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks" / "walkthrough.ipynb"

CELLS: list[tuple[str, str]] = [
    (
        "md",
        """# indicatornlp: a walkthrough on the Songjiang filings

Two real 项目支出绩效目标申报表 of 上海市松江区 (2022 and 2023, nine projects) go through the whole library:
**read** them, **classify** every indicator into the 2021 taxonomy, **parse** the targets, **link** similar
indicators across the filings, and **audit** them the way a finance-bureau reviewer does.

Over files, folders or globs, `tag`, `audit` and `library` give results a notebook shows as tables, with
`.to_dataframe()` for pandas (section 6). Plots label the categories in English (the machine that runs this
notebook in CI has no Chinese font).""",
    ),
    (
        "code",
        """import os
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt

import indicatornlp
from indicatornlp import Normalizer, audit, link, load_model, parse_target, read_filings

# work from the repository root, whether the notebook runs from notebooks/ or from the root
os.chdir(next(p for p in (Path.cwd(), *Path.cwd().parents) if (p / "data" / "filings").is_dir()))
FILINGS = Path("data/filings")
SEEDS = [FILINGS / "songjiang-jiguan-2023.txt", FILINGS / "songjiang-zuzhibu-2022.md"]
SHORT = {
    "数量指标": "quantity", "质量指标": "quality", "时效指标": "timeliness",
    "经济成本指标": "economic cost", "社会成本指标": "social cost", "生态环境成本指标": "ecological cost",
    "经济效益指标": "economic effect", "社会效益指标": "social effect", "生态效益指标": "ecological effect",
    "可持续影响指标": "lasting effect", "服务对象满意度指标": "satisfaction", None: "(none)",
}
print("indicatornlp", indicatornlp.__version__)""",
    ),
    (
        "md",
        "## 1. Read the filings\n\nOne document often holds several projects: `read_filings` gives one `Filing` each.",
    ),
    (
        "code",
        """filings = [f for path in SEEDS for f in read_filings(path)]
for f in filings:
    name = Path(f.source.path).name
    print(f"{name:28} {f.year}  {f.project:24} {str(f.funds.total):>12} 元  {len(f.indicators):2} indicators")
print(len(filings), "projects,", sum(len(f.indicators) for f in filings), "indicator rows")""",
    ),
    (
        "code",
        """# the rows keep the text as filed, and where it sits in the source
for ind in filings[0].indicators:
    print(f"{ind.level1_raw} / {ind.level2_raw} / {ind.name} / {ind.target_raw!r}   ({ind.position})")""",
    ),
    (
        "md",
        "## 2. Normalize: classify every indicator and parse its target\n\n"
        "The shipped model (character n-grams of the name + features of the parsed target, "
        "a multinomial logistic regression) loads on first use. "
        "`mismatch` marks rows whose filed 二级 the model doubts.",
    ),
    (
        "code",
        """model = load_model()
normalizer = Normalizer(model)
rows = [(f, ind) for f in filings for ind in f.indicators]
normalized = normalizer.normalize_many([ind for _, ind in rows])
print(f"{len(normalized)} indicators normalized")
for n in normalized[:8]:
    filed, guess = SHORT[n.filed_level2], SHORT[n.predicted_level2]
    print(f"{n.name[:22]:24} filed {filed:16} predicted {guess:16} {n.confidence:.2f}  {n.target.kind.value}")""",
    ),
    (
        "code",
        """mismatches = [n for n in normalized if n.mismatch]
print(len(mismatches), "rows where the model disagrees with the filed category:")
for n in mismatches:
    print(f"  {n.name[:40]:42} filed {n.filed_level2}  →  model {n.predicted_level2} ({n.confidence:.2f})")""",
    ),
    ("md", "### The category distribution: filed and predicted"),
    (
        "code",
        """labels = [k for k in SHORT if k]
filed = Counter(n.filed_level2 for n in normalized)
predicted = Counter(n.predicted_level2 for n in normalized)
x = range(len(labels))
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.bar([i - 0.2 for i in x], [filed[k] for k in labels], width=0.4, label="filed")
ax.bar([i + 0.2 for i in x], [predicted[k] for k in labels], width=0.4, label="predicted")
ax.set_xticks(list(x), [SHORT[k] for k in labels], rotation=40, ha="right")
ax.set_ylabel("indicators")
ax.set_title("Songjiang seeds: indicators per level-2 category")
ax.legend()
fig.tight_layout()""",
    ),
    (
        "md",
        "### The confusion matrix on the annotated holdout\n\n"
        "The holdout (`data/annotated/holdout/`) holds whole filings that the model never saw in training "
        "(the split is by source filing); `evaluate` classifies them from name and target alone, as "
        "`indicatornlp evaluate` does.",
    ),
    (
        "code",
        """import numpy as np

from indicatornlp.annotated import default_annotated_dir, read_annotated
from indicatornlp.model import evaluate

holdout = read_annotated(default_annotated_dir() / "holdout")
scores = evaluate(model, holdout)
print(f"{scores.rows} holdout rows from {scores.groups} filings: 二级 accuracy {scores.accuracy:.3f}, "
      f"macro-F1 {scores.macro_f1:.3f}, 一级 accuracy {scores.level1_accuracy:.3f}")
matrix = np.array(scores.confusion)
names = [SHORT.get(k, k) for k in scores.labels]
fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.imshow(matrix, cmap="Blues")
ax.set_xticks(range(len(names)), names, rotation=50, ha="right")
ax.set_yticks(range(len(names)), names)
ax.set_xlabel("predicted")
ax.set_ylabel("gold")
for i in range(len(names)):
    for j in range(len(names)):
        if matrix[i, j]:
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, matrix[i, j], ha="center", va="center", color=color)
ax.set_title("holdout confusion matrix (level-2 categories)")
fig.tight_layout()""",
    ),
    (
        "md",
        "## 3. Parse targets\n\n`parse_target` is total: every string gives a typed record; a comparator that the "
        "filing does not state stays `None` (and is flagged), never an invented `=`.",
    ),
    (
        "code",
        """examples = ["≥95%", ">=30 场", "=3 次", "12", "=100", "不低于90%", "300-500人", "1.5万人次",
            "1500 元/人", "2022年11月30日前", "11月底前", "44561", "及时、满意", "全覆盖", "每人一册",
            "提升", "形成调查报告", "≥**%", ""]
print(f"{'raw':18} {'kind':12} {'cmp':8} {'value':>8} {'upper':>6} {'unit':6} {'date':11} {'label':10} flags")
for raw in examples:
    t = parse_target(raw, year=2022)
    print(f"{raw!r:18} {t.kind.value:12} {str(t.comparator and t.comparator.value):8} {str(t.value):>8} "
          f"{str(t.upper):>6} {str(t.unit):6} {str(t.date):11} {str(t.label):10} {','.join(sorted(t.flags))}")""",
    ),
    (
        "md",
        "## 4. Link indicators across the filings\n\n"
        "`link` finds the same measure written differently (群众满意度 ~ 参训者满意度 ~ 使用者满意度) and groups "
        "them into clusters, with the spread of their targets.",
    ),
    (
        "code",
        """linkage = link(normalized)
print(len(linkage.pairs), "pairs,", len(linkage.clusters), "clusters")
for c in sorted(linkage.clusters, key=lambda c: -len(c.members)):
    if len(c.members) < 2:
        continue
    names = sorted({normalized[m].name for m in c.members})
    print(f"[{c.id}] {c.representative}  ({len(c.members)} rows, {SHORT.get(c.level2, c.level2)})")
    print("     ", " | ".join(names[:6]), "…" if len(names) > 6 else "")
    s = c.spread
    if s.get("numeric"):
        comparator = s["comparator"].value if s.get("comparator") else ""
        print(f"      targets: {comparator} {s['min']}–{s['max']} {s.get('unit') or ''} (median {s['median']})")
    elif s.get("label"):
        print(f"      targets: {s['label']}")""",
    ),
    (
        "md",
        "## 5. Audit\n\n"
        "Each finding has a stable code (the table is in `indicatornlp.audit`), a severity and the row it concerns. "
        "The Songjiang filings show what reviewers flag by hand: 体检费 filed as a quantity, 满意度 rows that "
        "measure no satisfaction, bare numbers without unit, and no 成本指标 in any project.",
    ),
    (
        "code",
        """audited = [(f, audit(f, model=model)) for f in filings]
by_code = Counter(x.code for _, findings in audited for x in findings)
fig, ax = plt.subplots(figsize=(8, 3.5))
codes = sorted(by_code, key=lambda c: (-by_code[c], c))
ax.barh(codes[::-1], [by_code[c] for c in codes[::-1]], color="#d68910")
ax.set_xlabel("findings")
ax.set_title("audit findings by code, nine Songjiang projects")
fig.tight_layout()""",
    ),
    (
        "code",
        """filing, findings = next((f, x) for f, x in audited if f.project == "干部工作")
print(filing.project, "—", len(filing.indicators), "indicators,", len(findings), "findings")
for x in findings:  # rows are numbered from 1, as in the filing
    row = "" if x.row is None else x.row
    print(f"{row:>3} {x.code} {x.severity.value:8} {(x.indicator or '')[:24]:26} {x.text('zh')[:80]}")
print()
print("in English:", findings[3].text("en"))""",
    ),
    (
        "md",
        "The same audit as a self-contained HTML page (no network needed to open it), and the batch version "
        "for folders of submissions:\n\n"
        "```\nindicatornlp audit data/filings/songjiang-zuzhibu-2022.md -o audit.html\n"
        "indicatornlp tag data/filings -o tags.xlsx --jobs 2\n```",
    ),
    (
        "code",
        """result = indicatornlp.audit(SEEDS, model=model)   # files, folders or globs: every filing under them
page = result.to_html()                               # the report, in Chinese (lang="en": English)
print(f"report: {len(page) / 1024:.0f} KiB of HTML, {page.count('<tr')} table rows, one inline SVG chart")
result""",
    ),
    (
        "md",
        "## 6. DataFrames\n\n"
        "`tag` gives the three tables the command writes (indicators, findings, one summary per filing); "
        "`to_dataframe()` turns them into pandas DataFrames with the numbers as floats and the dates as datetimes, "
        "so that they sum and sort as numbers.",
    ),
    (
        "code",
        """tagged = indicatornlp.tag(SEEDS, model=model)
rows = tagged.to_dataframe()
print(tagged)
print(rows.dtypes[["row", "value", "confidence", "date"]].to_string())
columns = ["project", "row", "name", "target_raw", "kind", "value", "unit", "date", "predicted_level2", "findings"]
rows[columns].head(8)""",
    ),
    (
        "code",
        """# the numeric targets by predicted category: how many, and their median
rows[rows["kind"] == "numeric"].groupby("predicted_level2")["value"].agg(["count", "median"])""",
    ),
    (
        "code",
        """# the findings by code and severity, with the words of each code
findings = result.to_dataframe()
table = findings.pivot_table(index=["code", "title"], columns="severity", values="message", aggfunc="size")
table.fillna(0).astype(int)""",
    ),
    (
        "md",
        "## 7. Score a self-evaluation (自评表)\n\n"
        "`score()` compares each 实际完成值 with its 年度指标值 and awards the 分值 in full, in part or not at all "
        "(the rules of `data/scoring.toml`: ≥ in proportion, ≤ decaying to 0 at twice the target, deadlines, the "
        "达成/部分达成/未达成 bands, reverse indicators); the filer's own 得分 stays beside ours, and the reviewer's "
        "checks come as findings (S1xx). The filing is a hand-made 自评表 shipped in `data/filings/`.",
    ),
    (
        "code",
        """from indicatornlp import score

[selfeval] = read_filings(FILINGS / "ziping-yanglao-2023.xlsx")
card = score(selfeval)
print(f"{card.project}: {card.total} of {card.possible} → {card.grade}; the filer's own total {card.filed_total}")
LEVEL1 = {"产出指标": "output", "成本指标": "cost", "效益指标": "effect", "满意度指标": "satisfaction",
          "预算执行率": "budget execution"}
parts = card.by_level1()
names = [LEVEL1.get(k, k) for k in parts]
fig, ax = plt.subplots(figsize=(8, 3))
ax.barh(names, [float(w) for _, w in parts.values()], color="#d5d8dc", label="weight")
ax.barh(names, [float(s) for s, _ in parts.values()], color="#2e86c1", label="computed score")
ax.invert_yaxis()
ax.set_xlabel("points")
ax.set_title("score by level 1")
ax.legend(loc="lower right")
fig.tight_layout()""",
    ),
    (
        "code",
        """# the deviations: where points were lost, with the filer's score and reason; then the reviewer's checks
for r in card.rows:
    if r.deviation or r.score is None or r.filed_score != r.score:
        print(f"{r.index + 1:>2} {r.name:<14} {r.weight}→{r.score} (filed {r.filed_score}) {r.rule} | {r.reason or ''}")
print()
for f in card.findings:
    print(f.code, "" if f.row is None else f.row, f.text("zh"))""",
    ),
    (
        "md",
        "## 8. Train on your own filings\n\n"
        "A bureau's past filings, with their filed labels, are annotated data. The Songjiang 组织部 filing (2022) "
        "plays *your own filings*: annotate it, answer the doubtful rows, train with the shipped data, and score on "
        "an unseen filing (机关 2023). Both models are trained without any 上海市松江区 row (the shipped data holds "
        "these filings). One filing of 16 rows is an illustration, not evidence: the measured case is "
        "`docs/own-filings.png` (`python scripts/own_filings.py`).\n\n"
        "```\nindicatornlp annotate my-filings/ -o rows.jsonl\nindicatornlp review rows.jsonl\n"
        "indicatornlp train rows.jsonl --with-shipped -o my-model/\n```",
    ),
    (
        "code",
        """import tempfile

from indicatornlp.annotate import annotate_to_file
from indicatornlp.annotated import default_annotated_dir, read_annotated
from indicatornlp.model import evaluate, train, train_with_shipped
from indicatornlp.review import Review, apply_answers

work = Path(tempfile.mkdtemp())
mine, unseen = work / "rows.jsonl", work / "unseen.jsonl"
made = annotate_to_file([FILINGS / "songjiang-zuzhibu-2022.md"], mine, region="上海市松江区")
annotate_to_file([FILINGS / "songjiang-jiguan-2023.txt"], unseen, region="上海市松江区")
print(f"{len(made.rows)} rows from {made.filings} filings, {made.doubtful} doubtful")
for e in made.rows:
    if e.doubt:
        print(f"  {e.name[:30]:<30}  filed {e.filed_level2}  — {e.doubt}")""",
    ),
    (
        "code",
        """review = Review(mine)  # in a terminal: indicatornlp review rows.jsonl
q = review.question()
print(f"1 of {q.total}: {q.row.name} (filed {q.row.filed_level2}); model {q.predicted} {q.confidence:.2f}")
print("choices:", ", ".join(f"{k} {label}" for k, label in enumerate(q.choices[:4], 1)), "…")
reviewer = {"局级干部体检费 1500 元/人": "经济成本指标", "处级干部体检费 3200 元/人": "经济成本指标"}  # TAXONOMY rule 6
answers = work / "answers.tsv"
lines = [f"{e.id}\\t{reviewer[e.name]}\\n" for e in made.rows if e.name in reviewer]
answers.write_text("".join(lines), encoding="utf-8")
print(apply_answers(mine, answers), "answers saved;", Counter(e.reviewed for e in read_annotated(mine)))""",
    ),
    (
        "code",
        """shipped = [e for e in read_annotated(default_annotated_dir()) if e.region != "上海市松江区"]
without = train(shipped, folds=0)
with_own = train_with_shipped({"rows.jsonl": read_annotated(mine)}, shipped=shipped, folds=0)
w = with_own.card["weighting"]
print("weight of your rows:", w["chosen"], f"(grouped CV over {w['folds']} folds)")
held_out = read_annotated(unseen)
for label, trained in (("shipped data only", without), ("with your filing", with_own)):
    accuracy = evaluate(trained, held_out).accuracy
    print(f"{label:<18} accuracy on the unseen filing {accuracy:.3f} ({len(held_out)} rows)")""",
    ),
]


def main() -> None:
    from nbclient import NotebookClient

    cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    for number, cell in enumerate(cells, 1):
        cell.id = f"cell-{number:02d}"  # stable ids: the committed file changes only when a cell or output does
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    OUT.parent.mkdir(exist_ok=True)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=False,  # no timestamps: the committed file changes only when an output does
        resources={"metadata": {"path": str(OUT.parent)}},
    )
    client.execute()
    for cell in notebook.cells:  # one output per stream run: how a kernel chunks its stdout is not part of the file
        merged: list[dict[str, object]] = []
        for out in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if last and out["output_type"] == "stream" == last["output_type"] and out["name"] == last["name"]:
                last["text"] = str(last["text"]) + out["text"]
            else:
                merged.append(out)
        if cell.cell_type == "code":
            cell.outputs = merged
    notebook.metadata["language_info"] = {"name": "python"}  # not the kernel's exact version
    nbformat.validate(notebook)
    nbformat.write(notebook, OUT)
    outputs = sum(len(c.get("outputs", [])) for c in notebook.cells)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cells)} cells, {outputs} outputs")


if __name__ == "__main__":
    main()
