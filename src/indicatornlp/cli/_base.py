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
    """Turn an ``IndicatorNLPError`` raised by the library into a one-line message and exit code 1.

    The message is in the command's ``--lang`` (Chinese by default) where it has one, else in English.
    """
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except IndicatorNLPError as err:
            # exit 2 when the run has nothing to do (a missing path, an output on an input)
            fail(err.text(kwargs.get("lang", "en")), err.exit_code)

    return wrapper  # type: ignore[return-value]


def model_choice(model_path: str | None, no_model: bool) -> Any:
    """``--model PATH`` / ``--no-model`` as the ``model=`` of the library (a path, ``False`` or ``None``)."""
    if model_path and no_model and not model_from_environment():  # --no-model wins over $INDICATORNLP_MODEL
        raise click.UsageError("give either --model or --no-model, not both")
    return False if no_model else model_path


def failure_line(failure: Any, lang: str | None = None) -> str:
    """One line per file that could not be read, in ``lang``: the error names the file, else the file comes first."""
    message = failure.text(lang)
    where = "" if str(failure.source) in message else f"{failure.source}: "
    return f"indicatornlp: {where}{message}"


def lang_option(func: F) -> F:
    """``--lang zh|en``: the language of what the command writes for people (default: ``INDICATORNLP_LANG`` or zh)."""
    from ..messages import LANGS

    return click.option(
        "--lang",
        type=click.Choice(LANGS, case_sensitive=False),
        default=None,
        help="Language of the findings, headings and column headers: zh (the default; INDICATORNLP_LANG) or en.",
    )(func)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (Chinese characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    return text + " " * max(0, width - display_width(text))


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


MODEL_ENV = "INDICATORNLP_MODEL"
"""The environment variable that names a model file for every command that takes ``--model``."""


def _check_model(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import os

    if value is not None and not os.path.isfile(value):
        from click.core import ParameterSource

        given = f"${MODEL_ENV}" if ctx.get_parameter_source("model_path") is ParameterSource.ENVIRONMENT else "--model"
        raise click.BadParameter(f"{value}: no such model file (from {given})", ctx=ctx, param=param)
    return value


def model_option(func: F) -> F:
    """``--model FILE``, or the file named by ``$INDICATORNLP_MODEL``; neither: the shipped model."""
    return click.option(
        "--model",
        "model_path",
        envvar=MODEL_ENV,
        show_envvar=True,
        callback=_check_model,
        type=click.Path(dir_okay=False),
        help=f"A model file (train one with `indicatornlp train`) [default: ${MODEL_ENV}, else the shipped model].",
    )(func)


def model_from_environment() -> bool:
    """True when the current command's ``--model`` came from ``$INDICATORNLP_MODEL`` rather than the command line."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source("model_path") is ParameterSource.ENVIRONMENT
