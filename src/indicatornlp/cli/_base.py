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
