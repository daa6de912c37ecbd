"""What every command shares: the ``indicatornlp`` group, turning library errors into messages, JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from ..errors import IndicatorNLPError

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
            fail(str(err), err.exit_code)  # 2 when the run has nothing to do (a missing path, an output on an input)

    return wrapper  # type: ignore[return-value]


def csv_cell(value: Any, *, raw: bool) -> str:
    """A value as a CSV cell for a spreadsheet: control characters stripped, formulas neutralized unless ``raw``."""
    from ..errors import printable
    from ..tables import neutralize, strip_controls

    text, _ = strip_controls(printable("" if value is None else str(value)))
    return text if raw else neutralize(text)


raw_option = click.option(
    "--raw",
    is_flag=True,
    help="CSV text cells as they are: no apostrophe before a leading = + - @ (which a spreadsheet runs as a formula).",
)


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
