"""Score every filing under some paths, one file at a time: a file that cannot be read or scored is reported and
the others are scored (``indicatornlp score DIR``).

>>> result = score_paths(["data/filings/ziping-yanglao-2023.md"])
>>> [(n, card.grade) for n, card in result.cards], result.failures
([(1, '良')], [])
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable

from ..errors import IndicatorNLPError, NothingToScoreError, unexpected_message
from ..isolation import checked_walk
from ..readers import Walk, read_filings
from ..records import Finding, Scorecard, Severity
from ._card import score
from ._rules import ScoringRules

__all__ = ["ScoredFiles", "score_paths"]


@dataclasses.dataclass(frozen=True, slots=True)
class ScoredFiles:
    """The scorecards of the filings under some paths, and what could not be scored."""

    cards: list[tuple[int, Scorecard]]
    """Each card with the 1-based number of its filing within its file."""
    failures: list[Finding]
    """One per file that could not be read (``F001``, ``F002`` for a bug) or filing with nothing to score (``S201``)."""
    walk: Walk
    """The files read, and the hidden files and non-filings that were not."""


def score_paths(paths: Iterable[str | os.PathLike[str]], *, rules: ScoringRules | None = None) -> ScoredFiles:
    """Read and score every filing under ``paths`` (files or folders); never raises for one bad file.

    Nothing to read at all (only missing paths, or no filing) raises ``NothingToReadError`` (E111) before anything
    is read or written.
    """
    found = checked_walk(paths)
    cards: list[tuple[int, Scorecard]] = []
    failures: list[Finding] = []
    for path in found.files:
        try:
            filings = read_filings(path)
            empty: list[NothingToScoreError] = []
            for number, filing in enumerate(filings, 1):
                try:
                    cards.append((number, score(filing, rules=rules)))
                except NothingToScoreError as err:
                    empty.append(err)
            failures.extend(_nothing_to_score(path, empty, len(filings)))
        except IndicatorNLPError as err:
            failures.append(Finding.failed(err, path))
        except Exception as err:  # a bug must not end the scoring of a folder of thousands of files
            failures.append(Finding("F002", Severity.ERROR, unexpected_message(err), source=path))
    return ScoredFiles(cards, failures, found)


def _nothing_to_score(path: str, empty: list[NothingToScoreError], filings: int) -> list[Finding]:
    """One finding per filing with nothing to score; one for the file when none of its several filings has any."""
    if len(empty) > 1 and len(empty) == filings:
        err = NothingToScoreError(
            path,
            f"nothing to score: its {filings} filings state no 实际完成值 (绩效目标表, not 自评表)",
            hint=empty[0].hint,
        )
        return [Finding.failed(err, path, code="S201")]
    return [Finding.failed(err, path, code="S201") for err in empty]
