"""The ``indicatornlp`` command: a thin layer over the library.

Library errors (``IndicatorNLPError``) become one-line messages and exit code 1; wrong usage exits 2
(click's own convention).  Each command's docstring is its ``--help``.  The commands live by job in
``_read`` (parse-target, read, normalize), ``_tag`` (tag), ``_audit`` (audit, explain), ``_score`` (score),
``_link`` (link, library), ``_model`` (train, evaluate) and ``_own`` (annotate, review, train --with-shipped);
importing them registers them on the group of ``_base``.
"""

from __future__ import annotations

from . import _audit, _link, _model, _own, _read, _score, _tag
from ._base import cli

__all__ = ["cli", "main"]
_COMMANDS = (_audit, _link, _model, _own, _read, _score, _tag)


def main() -> None:
    """Entry point of the console script: ``SIGTERM`` stops a run as Ctrl-C does (temporary files removed)."""
    import sys

    from ..atomic import sigterm_as_interrupt

    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed escaped, never a traceback
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    with sigterm_as_interrupt():
        cli(prog_name="indicatornlp")
