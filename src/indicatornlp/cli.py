"""The ``indicatornlp`` command: a thin layer over the library.

Library errors (``IndicatorNLPError``) become one-line messages and exit code 1; wrong usage exits 2
(click's own convention).  Each command's docstring is its ``--help``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from .errors import IndicatorNLPError

F = TypeVar("F", bound=Callable[..., Any])


def _version() -> str:
    from importlib.metadata import version

    return version("indicatornlp")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(_version(), "--version", prog_name="indicatornlp")
def cli() -> None:
    """Read, classify, parse, link and audit Chinese budget-performance indicators (绩效指标).

    Run ``indicatornlp COMMAND --help`` for the options of each command.
    """


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit with ``code``."""
    click.echo(f"indicatornlp: {message}", err=True)
    sys.exit(code)


def library_errors(func: F) -> F:
    """Turn an ``IndicatorNLPError`` raised by the library into a one-line message and exit code 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except IndicatorNLPError as err:
            fail(str(err))

    return wrapper  # type: ignore[return-value]


def echo_jsonl(records: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line, Chinese kept readable."""
    for record in records:
        click.echo(json.dumps(record, ensure_ascii=False))


def stdin_or_args(values: tuple[str, ...]) -> Iterator[str]:
    """The arguments, where a lone ``-`` stands for the lines of standard input."""
    for value in values:
        if value == "-":
            for line in sys.stdin:
                yield line.rstrip("\r\n")
        else:
            yield value


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
    from .targets import parse_target

    echo_jsonl(parse_target(raw, year=year).to_dict() for raw in stdin_or_args(targets))


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="indicatornlp")


if __name__ == "__main__":  # pragma: no cover
    main()
