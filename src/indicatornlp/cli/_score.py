"""``score``: self-evaluations (绩效自评表) scored the way evaluators do (``indicatornlp.scoring``)."""

from __future__ import annotations

import sys

import click

from ..messages import resolve_lang, text
from ._base import cli, failure_line, lang_option, library_errors, raw_option


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
    lang = resolve_lang(lang)
    for failure in result.failures:
        click.echo(failure_line(failure, lang), err=True)
    if line := result.walk.skipped_line():
        click.echo(f"indicatornlp: {line}", err=True)
    if not quiet:
        for _, card in result.cards:
            unscored = sum(r.score is None and r.weight is not None for r in card.rows)
            filed = None if card.filed_total is None else f"{card.filed_total:f}"
            click.echo(
                text(
                    "cli.score_line",
                    lang,
                    path=card.source.path,
                    project=card.project or text("cli.score_no_project", lang),
                    total="—" if card.total is None else f"{card.total:f}",
                    possible=f"{card.possible or 0:f}",
                    grade=card.grade or text("scores.no_grade", lang),
                    filed="" if filed is None else text("cli.score_filed", lang, total=filed),
                    unscored=text("cli.score_unscored", lang, rows=unscored) if unscored else "",
                    findings=len(card.findings),
                )
            )
    if output:
        written = write_scores(result.cards, output, failures=result.failures, lang=lang, raw=raw)
        outputs = ", ".join(str(p) for p in written)
        click.echo(text("cli.scored", lang, filings=len(result.cards), outputs=outputs), err=True)
    if result.failures:
        sys.exit(1)
