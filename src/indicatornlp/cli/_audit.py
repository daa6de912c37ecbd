"""``audit`` and ``explain``: the reviewer's findings on filings, and what each code means (audit, report, rules)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..errors import FilingNotFoundError, printable
from ..messages import Lang, placeholders, resolve_lang, severity_name, text
from ..records import Filing, Finding, Severity
from ._base import cli, fail, failure_line, lang_option, library_errors, model_choice, model_option, pad

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_FAIL_ON = {"error": 0, "warning": 1, "never": -1}


def _severity(severity: Severity, lang: Lang) -> str:
    """The severity's name, padded to one width, coloured on a terminal (click strips the colour elsewhere)."""
    width = max(len(s.value) for s in Severity) if lang == "en" else 4
    shown = pad(severity_name(severity, lang), width)
    return click.style(shown, fg=_COLOURS[severity], bold=True if severity is Severity.ERROR else None)


def _place(filing: Filing, f: Finding, lang: Lang) -> str:
    """Where the finding's row sits in its file (``第 152 行``, ``sheet 项目1, row 12``)."""
    if f.row is None or not 0 < f.row <= len(filing.indicators):
        return ""
    position = filing.indicators[f.row - 1].position
    return position.place(lang) if position is not None else ""


def _finding_line(filing: Filing, f: Finding, lang: Lang) -> str:
    row = "" if f.row is None else str(f.row)
    name = (f.indicator or "")[:40]
    target = f" [{f.target}]" if f.target else ""
    place = _place(filing, f, lang)
    place = (f"（{place}）" if lang == "zh" else f" ({place})") if place else ""
    colon = "：" if lang == "zh" else ": "
    said = f"{name}{target}{place}{colon}" if name else ""
    return f"{row:>4}  {f.code}  {_severity(f.severity, lang)}  {said}{f.text(lang)}"


def _finding_record(filing: Filing | None, f: Finding, lang: Lang) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "title": f.title(lang),
        "row": f.row,
        "position": _place(filing, f, lang) if filing is not None else None,
        "indicator": f.indicator,
        "target": f.target,
        "message": f.text(lang),
        "source": f.source,
    }


def _counts(findings: Any) -> dict[str, int]:
    return {s.value: sum(f.severity is s for f in findings) for s in Severity}


def _echo(message: object = "", **kwargs: Any) -> None:
    """``click.echo`` of text that may hold a file name that is not UTF-8 (written escaped, never a crash)."""
    click.echo(printable(str(message)), **kwargs)


@cli.command("audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write a report: .html or .md")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text: a block per filing; json: one document; jsonl: one finding per line.",
)
@click.option(
    "--fail-on",
    type=click.Choice(list(_FAIL_ON)),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is this severe (warning: errors or warnings; never: findings never fail).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors: the exit code (and -o) tell the rest.")
@lang_option
@model_option
@click.option("--no-model", is_flag=True, help="Skip the classifier: model-free rules only.")
@library_errors
def audit_command(
    paths: tuple[str, ...],
    output: str | None,
    fmt: str,
    fail_on: str,
    quiet: bool,
    lang: str | None,
    model_path: str | None,
    no_model: bool,
) -> None:
    """Audit filings (FILE, DIR or GLOB…) against the rules reviewers apply, and print the findings.

    Each finding shows its row (from 1), the indicator, its target [in brackets], where it sits in the file, a
    stable code, its severity and what to do; ``indicatornlp explain CODE`` says what a code means, and the
    report (-o) ends with a legend of the codes it uses.  Exits 1 when a finding is an error (--fail-on), and
    when a file cannot be read (listed on stderr, code F001; the other files are audited).

    \b
    Example:
        indicatornlp audit data/filings/songjiang-zuzhibu-2022.md -o audit.html
        indicatornlp audit submissions/ --format jsonl --fail-on warning --lang en
    """
    from ..folders import audit_paths

    if output and not output.lower().endswith((".html", ".htm", ".md")):
        raise click.BadParameter("the report is .html or .md", param_hint="-o/--output")
    language = resolve_lang(lang)
    if output:
        from ..atomic import check_outputs

        check_outputs([output], paths)  # before anything is read: never a report over an input
    from ..batch import checked_walk

    for line in checked_walk(paths).special_lines():  # FIFOs, devices, link loops: never opened
        _echo(f"indicatornlp: {line}", err=True)
    try:
        result = audit_paths(paths, model=model_choice(model_path, no_model), warn=False)
    except FilingNotFoundError as err:  # nothing to audit: say so, write nothing
        fail(str(err), 2)
        return
    for failure in result.failures:
        _echo(failure_line(failure, language), err=True)
    if not quiet:
        _print(result, fmt, language)
    if output:
        written = result.write(output, lang=language)
        if not quiet:
            _echo(text("cli.report_written", language, path=written), err=True)
    worst = min((_RANK[f.severity] for f in result.findings), default=None)
    if result.failures or (worst is not None and worst <= _FAIL_ON[fail_on]):
        sys.exit(1)


def _print(result: Any, fmt: str, lang: Lang) -> None:
    if fmt == "json":
        document = {
            "lang": lang,
            "filings": [
                {
                    "source": filing.source.path,
                    "position": filing.source.place(lang),
                    "project": filing.project,
                    "department": filing.department,
                    "year": filing.year,
                    "indicators": len(filing.indicators),
                    "counts": _counts(found),
                    "findings": [_finding_record(filing, f, lang) for f in found],
                }
                for filing, found in result
            ],
            "failures": [_finding_record(None, f, lang) for f in result.failures],
            "counts": _counts(result.findings),
        }
        _echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    if fmt == "jsonl":
        for number, (filing, found) in enumerate(result, 1):
            for f in found:
                head = {"file": filing.source.path, "filing": number, "project": filing.project}
                _echo(json.dumps({**head, **_finding_record(filing, f, lang)}, ensure_ascii=False))
        for f in result.failures:
            _echo(json.dumps({"file": f.source, **_finding_record(None, f, lang)}, ensure_ascii=False))
        return
    for filing, found in result:
        counts = _counts(found)
        project = filing.project or text("report.no_project", lang)
        _echo(
            text(
                "cli.audit_head",
                lang,
                source=filing.source.shown(lang),
                project=project,
                indicators=len(filing.indicators),
                errors=counts["error"],
                warnings=counts["warning"],
                infos=counts["info"],
            )
        )
        for f in found:
            _echo(_finding_line(filing, f, lang))
    counts = _counts(result.findings)
    summary = text(
        "cli.audit_total",
        lang,
        filings=len(result),
        files=result.files,
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        failed=len(result.failures),
    )
    _echo(summary, err=True)


# ---- explain ---------------------------------------------------------------------------------------------------


def _template(code: str, variant: str, lang: Lang) -> str:
    """A message of a code with its values shown as ``…``."""
    from ..messages import code_text, lookup

    entry = lookup(f"codes.{code}.{variant}")
    names = placeholders(entry["en"]) if entry else frozenset()
    return code_text(code, variant, lang, **dict.fromkeys(names, "…")) or ""


@cli.command("explain")
@click.argument("codes", nargs=-1)
@lang_option
def explain_command(codes: tuple[str, ...], lang: str | None) -> None:
    """Say what an audit code means (A101 …), or list every code with its severity and title.

    \b
    Example:
        indicatornlp explain            # every code, one line each
        indicatornlp explain A131 A203  # what they flag and what their findings say
    """
    from ..messages import variants
    from ..rules import RULES, catalogue

    language = resolve_lang(lang)
    if not codes:
        for rule in catalogue():
            severity = _severity(rule.severity, language)
            click.echo(f"{rule.code}  {severity}  {rule.text('title', language)} — {rule.text('doc', language)}")
        click.echo("\n" + text("cli.explain_more", language))
        return
    unknown = [c for c in codes if c.upper() not in RULES]
    if unknown:
        fail(text("cli.explain_unknown", language, code=", ".join(unknown)), 2)
    for i, code in enumerate(c.upper() for c in codes):
        rule = RULES[code]
        if i:
            click.echo()
        click.echo(click.style(f"{code}  {rule.text('title', language)}", bold=True))
        click.echo(f"  {text('cli.explain_severity', language)}: {_severity(rule.severity, language).rstrip()}")
        click.echo(f"  {text('cli.explain_flags', language)}: {rule.text('doc', language)}")
        for variant in variants(code):
            click.echo(f"  {text('cli.explain_says', language)}: {_template(code, variant, language)}")
