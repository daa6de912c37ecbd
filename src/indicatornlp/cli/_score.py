"""``score``: self-evaluations (绩效自评表) scored the way evaluators do (``indicatornlp.scoring``)."""

from __future__ import annotations

import sys

import click

from ._base import cli, lang_option, library_errors, raw_option


@cli.command("score")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="OUT.xlsx, OUT.csv, OUT.jsonl or OUT.html"
)
@click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False), help="Own scoring rules (.toml).")
@click.option("-q", "--quiet", is_flag=True, help="No line per filing.")
@raw_option
@lang_option
@library_errors
def score_command(
    paths: tuple[str, ...], output: str | None, rules_path: str | None, quiet: bool, raw: bool, lang: str | None
) -> None:
    """Score every 自评表 under FILE|DIR…: each 实际完成值 against its 年度指标值, weighted, added up and graded.

    Prints one line per filing (total, grade, the filer's own total) and writes the scorecards with -o: OUT.csv and
    OUT.jsonl come with OUT.findings.* and OUT.summary.*; OUT.xlsx holds the sheets 评分, 审核意见 and 汇总 (and
    代码说明, a legend of the codes the findings use); OUT.html is one page with a chart of score by 一级 and the
    deviations.  Headers, sheet names, findings and the page are in Chinese (--lang en: English); JSONL keeps
    the stable English field names (it is for programs).  A file that cannot be read (F001), or a
    filing with no 实际完成值 to score (S201, a 绩效目标表), is listed and the exit code is 1; the others are scored.
    The rules are those of data/scoring.toml; --rules gives a file of the same form (a bureau's own variant).

    \b
    Example:
        indicatornlp score data/filings/ziping-yanglao-2023.xlsx
        indicatornlp score submissions/ -o scores.xlsx
    """
    from ..scoring import load_rules, score_paths, write_scores

    rules = load_rules(rules_path) if rules_path else None
    result = score_paths(paths, rules=rules)
    for failure in result.failures:
        where = "" if str(failure.source) in failure.message else f"{failure.source}: "
        click.echo(f"indicatornlp: {where}{failure.message}", err=True)
    if line := result.walk.skipped_line():
        click.echo(f"indicatornlp: {line}", err=True)
    if not quiet:
        for _, card in result.cards:
            total = "—" if card.total is None else f"{card.total:f}"
            grade = card.grade or "no grade"
            filed = "" if card.filed_total is None else f", filed {card.filed_total:f}"
            unscored = sum(r.score is None and r.weight is not None for r in card.rows)
            note = f", {unscored} row(s) not scored" if unscored else ""
            click.echo(
                f"{card.source.path}: {card.project or '(no project name)'} — {total} of {card.possible or 0:f}"
                f" {grade}{filed}{note}; {len(card.findings)} finding(s)"
            )
    if output:
        written = write_scores(result.cards, output, failures=result.failures, lang=lang, raw=raw)
        click.echo(f"scored {len(result.cards)} filing(s) → {', '.join(str(p) for p in written)}", err=True)
    if result.failures:
        sys.exit(1)
