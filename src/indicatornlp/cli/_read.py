"""``parse-target``, ``read`` and ``normalize``: one target, one filing, one indicator at a time."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import click

from ..cells import csv_cells
from ..readers import FORMAT_NAMES
from ._base import cli, display_width, echo_jsonl, library_errors, model_option, raw_option, stdin_or_args

# ---- commands ----------------------------------------------------------------------------------------
# Each command lives in its own section below; keep them thin: parse options, call the library, print.


@cli.command("parse-target")
@click.argument("targets", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="Year for deadlines that state none (年底前).")
def parse_target_command(targets: tuple[str, ...], year: int | None) -> None:
    """Parse target values (年度指标值) and print one JSON record per value.

    \b
    Example:
        indicatornlp parse-target "≥95%" "2022年11月30日前"
        printf '及时\\n=3 次\\n' | indicatornlp parse-target -
    """
    from ..targets import parse_target

    echo_jsonl(parse_target(raw, year=year).to_dict() for raw in stdin_or_args(targets))


# ---- read (readers/) -----------------------------------------------------------------------------------

_READ_FIELDS = [
    "file",
    "project",
    "department",
    "unit",
    "year",
    "form",
    "level1_raw",
    "level2_raw",
    "name",
    "target_raw",
    "actual_raw",
    "weight_raw",
    "score_raw",
    "reason_raw",
    "extra",
    "position",
]


def _read_records(filing: Any) -> Iterator[dict[str, Any]]:
    from ..results import indicator_rows

    for row, indicator in zip(indicator_rows(filing), filing.indicators, strict=True):
        where = str(indicator.position) if indicator.position else None
        yield {k: row.get(k) for k in _READ_FIELDS} | {"extra": dict(indicator.extra), "position": where}


def _fit(text: str, width: int) -> str:
    """Cut to ``width`` display columns (Chinese counts double) and pad."""
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - (1 if len(text) > len(out) + 1 else 0):
            out += "…"
            used += 1
            break
        out, used = out + ch, used + w
    return out + " " * max(0, width - used)


@cli.command("read")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", "as_jsonl", is_flag=True, help="One JSON object per indicator row.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default=None,
    help="Read every FILE as this format, whatever its suffix.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not print the readers' warnings (rows with no category …).")
@raw_option
@library_errors
def read_command(files: tuple[str, ...], as_jsonl: bool, as_csv: bool, fmt: str | None, quiet: bool, raw: bool) -> None:
    """Read filings (.txt, .md, .html, .xlsx, .docx, .pdf) and print their indicator rows.

    Prints a table by default (project, 一级, 二级, 三级指标, 年度指标值), or every field with --jsonl / --csv.
    A file that cannot be read gets one line on stderr; the others are still read, and the exit code is 1.

    \b
    Example:
        indicatornlp read data/filings/songjiang-jiguan-2023.txt
        indicatornlp read data/filings/*.md --csv > rows.csv
    """
    import csv

    from ..batch import checked_walk, isolate
    from ..readers import read_filings

    if as_jsonl and as_csv:
        raise click.UsageError("give either --jsonl or --csv, not both")
    found = checked_walk(files)  # a missing path: exit 2 before anything is read; folders are walked
    for line in found.special_lines():
        click.echo(f"indicatornlp: {line}", err=True)
    failed = 0
    writer = csv.writer(sys.stdout, lineterminator="\n") if as_csv else None
    if writer is not None:
        writer.writerow(_READ_FIELDS)
    for path in found.files:
        outcome = isolate(path, lambda p: read_filings(p, format=fmt))
        if outcome.failure is not None:
            click.echo(f"indicatornlp: {outcome.failure.message}", err=True)
            failed += 1
            continue
        for filing in outcome.value or []:
            if not quiet:
                for warning in filing.warnings:
                    click.echo(f"indicatornlp: warning: {warning}", err=True)
            records = list(_read_records(filing))
            if as_jsonl:
                echo_jsonl(records)
            elif writer is not None:
                for record in records:
                    record["extra"] = json.dumps(record["extra"], ensure_ascii=False) if record["extra"] else ""
                    writer.writerow(csv_cells((record[field] for field in _READ_FIELDS), raw=raw)[0])
            else:
                head = f"== {filing.source} — {filing.project or '(no project name)'}"
                click.echo(f"{head} ({filing.year or 'year ?'}, {len(records)} rows)")
                for r in records:
                    values = [r["level1_raw"] or "", r["level2_raw"] or "", r["name"], r["target_raw"]]
                    line = "  ".join(_fit(v, w) for v, w in zip(values, (12, 20, 50, 16), strict=True))
                    if r["actual_raw"] is not None:
                        line += "  " + r["actual_raw"]
                    click.echo(line.rstrip())
    if failed:
        sys.exit(1)


@cli.command("normalize")
@click.argument("indicators", nargs=-1, required=True)
@click.option("--level1", default=None, help="The filed 一级指标 of every indicator given.")
@click.option("--level2", default=None, help="The filed 二级指标 of every indicator given.")
@click.option("--year", type=int, default=None, help="Year for deadlines that state none (年底前).")
@model_option
@library_errors
def normalize_command(
    indicators: tuple[str, ...], level1: str | None, level2: str | None, year: int | None, model_path: str | None
) -> None:
    """Normalize indicators (a name, or a name and its target) and print one JSON record per indicator.

    \b
    Example:
        indicatornlp normalize "群众满意度 >=95%" "活动开展及时率"
        printf '培训人次 ≥100人次\\n' | indicatornlp normalize - --level2 数量指标
    """
    from ..api import Normalizer, split_indicator

    items = []
    for text in stdin_or_args(indicators):
        name, target = split_indicator(text)
        items.append({"name": name, "target": target, "level1": level1, "level2": level2})
    echo_jsonl(n.to_dict() for n in Normalizer(model_path).normalize_many(items, year=year))
