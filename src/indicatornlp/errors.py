"""Errors a user can cause.  Each carries a code, the place (file, line or row) and what to do.

>>> err = FilingFormatError("a.xyz", "unsupported suffix '.xyz'", hint="give a .pdf, .xlsx, .docx or .txt file")
>>> str(err)
"[E102] a.xyz: unsupported suffix '.xyz' — give a .pdf, .xlsx, .docx or .txt file"
"""

from __future__ import annotations


def printable(text: str) -> str:
    """Text safe to print and to write as UTF-8: the bytes of a file name that is not UTF-8 shown escaped.

    >>> import os
    >>> printable(os.fsdecode(b"\\xb2\\xe2\\xca\\xd4.txt"))
    '\\\\xb2\\\\xe2\\\\xca\\\\xd4.txt'
    >>> printable("党建工作.xlsx")
    '党建工作.xlsx'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:  # a name read from the file system: its undecodable bytes came in as surrogates
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def compose(code: str, where: str | None, problem: str, hint: str | None) -> str:
    """An error's English line: ``[E103] a.txt: the file is empty — check that the download or export completed``."""
    text = f"[{code}] " + (f"{where}: " if where else "") + problem + (f" — {hint}" if hint else "")
    return printable(text)


class IndicatorNLPError(Exception):
    """Base of every error a user can cause (bad file, bad model, bad annotation, bad argument value)."""

    code = "E000"
    exit_code = 1
    """The exit code of the command line (2 for a run that has nothing to do, as for wrong usage)."""

    def __init__(self, where: str | None, problem: str, *, hint: str | None = None) -> None:
        self.where = where
        self.problem = problem
        self.hint = hint
        super().__init__(compose(self.code, where, problem, hint))

    def text(self, lang: str | None = None) -> str:
        """The error in ``lang`` (``None``: the default, Chinese): English is ``str(err)``; Chinese names the code's
        kind of failure and what to do from the catalogue (``messages.error_text``) and keeps the particular detail.

        >>> err = EmptyFilingError("a.txt", "the file is empty", hint="export it again")
        >>> err.text("zh")
        '[E103] a.txt：文件为空（the file is empty — export it again）——请确认下载或导出已完成'
        >>> err.text("en") == str(err)
        True
        """
        from .messages import error_text

        return error_text(self.code, self.where, self.problem, self.hint, lang)

    def __reduce__(self) -> tuple[object, ...]:
        # keep the error picklable across worker processes (joblib, Dask)
        return (_rebuild, (type(self), self.where, self.problem, self.hint))


def _rebuild(cls: type[IndicatorNLPError], where: str | None, problem: str, hint: str | None) -> IndicatorNLPError:
    return cls(where, problem, hint=hint)


class InputError(IndicatorNLPError, TypeError, ValueError):
    """An indicator given in a form no entry point reads (see ``indicatornlp.inputs``), or a field of the wrong kind.

    It is a ``TypeError`` and a ``ValueError`` too, so that code written for either catches it.
    """

    code = "E010"


class FilingError(IndicatorNLPError):
    """A filing could not be read."""

    code = "E100"


class FilingNotFoundError(FilingError):
    """The path does not exist."""

    code = "E101"


class FilingFormatError(FilingError):
    """The suffix or the content is not a format we read."""

    code = "E102"


class EmptyFilingError(FilingError):
    """The file is empty."""

    code = "E103"


class CorruptFilingError(FilingError):
    """The file claims a format but is damaged (a broken PDF, XLSX or DOCX)."""

    code = "E104"


class NoTextLayerError(FilingError):
    """A PDF of scanned images: there is no text to read (OCR it first)."""

    code = "E105"


class NoIndicatorTableError(FilingError):
    """The document holds no indicator table (no 三级指标 header, no category rows)."""

    code = "E106"


class LimitError(FilingError):
    """The file inflates past a limit (uncompressed bytes, zip members, cells, rows, paragraphs, pages, text size).

    The limits (``indicatornlp.readers.Limits``) lie far above any real filing; the message names the limit and
    the environment variable that raises it.
    """

    code = "E107"


class FilingAccessError(FilingError):
    """The file exists but cannot be opened: permission denied, a link loop."""

    code = "E108"


class TextEncodingError(FilingError):
    """Text that cannot be decoded honestly: UTF-8 cut off mid-character, Big5 (traditional Chinese), bad bytes."""

    code = "E109"


class EncryptedFilingError(CorruptFilingError):
    """A password-protected PDF or Office file: save it again without the password."""

    code = "E112"


class NothingToScoreError(FilingError):
    """A filing with no 实际完成值 (a 绩效目标表, not a 自评表): ``score`` has nothing to compare the targets with."""

    code = "E110"


class NothingToReadError(FilingError):
    """A path given does not exist, or the folders given hold no filing: nothing is read, nothing written."""

    code = "E111"
    exit_code = 2


class ModelError(IndicatorNLPError):
    """A model file is missing, corrupt, not a model, or made for another taxonomy version."""

    code = "E200"


class AnnotationError(IndicatorNLPError):
    """A line of annotated data is malformed or carries an unknown label."""

    code = "E300"


class LinkingError(IndicatorNLPError):
    """Bad options for linking (a threshold outside 0–100 …)."""

    code = "E400"


class OutputError(IndicatorNLPError):
    """An output path that cannot be written, or an output format we do not write."""

    code = "E500"


class MissingExtraError(IndicatorNLPError):
    """An optional dependency is not installed (pandas for ``to_dataframe``, matplotlib for ``--plot``, dask …):
    the hint names the extra to install."""

    code = "E700"


class OutputOverlapError(OutputError):
    """The output would replace an input of the run, or lies inside a folder the run reads."""

    code = "E501"
    exit_code = 2


class OutputLockedError(OutputError):
    """Another run is writing the same output (its lock file is held)."""

    code = "E502"


class ResumeError(OutputError):
    """``--resume`` cannot take over the previous output (other options, tables of different runs, no manifest)."""

    code = "E503"


class DataFileError(IndicatorNLPError):
    """A data file of the package (lexicon.toml, units.toml …) is malformed: a bug of the installation."""

    code = "E900"


def unexpected_message(err: BaseException) -> str:
    """The message of an error that is a bug (not an ``IndicatorNLPError``): its type, where, and to report it.

    Used where one file's failure must not end a run over many (``F002``).
    """
    import traceback
    from pathlib import Path

    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"unexpected {type(err).__name__}{where}: {err} — this is a bug in indicatornlp: please report it"
