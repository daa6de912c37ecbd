"""Reviewing the doubtful rows of an annotation file: most informative first, each answer saved at once.

``Review(path)`` reads a rows file (``indicatornlp annotate``'s output, or any file of the ``data/annotated``
schema) and queues the rows marked ``doubt`` that nobody has reviewed yet, most informative first: the lowest
margin between the model's probability of its prediction and of the filed label (in steps of 0.1), then the rarer
classes (fewest training rows of the filed or the predicted 二级, from the model's card).  ``question()`` gives the
row on turn with its filing context (neighbouring rows, project), the filed label, the prediction with its
probability and evidence, and the choices: every 二级, the defensible ones first (the admissible set where the
model gives one, else the prediction and the filed label), then by probability, each with its key (``choice_keys``:
``1``…``9``, then ``a``, ``b`` …).  ``answer(label)`` gives the row its gold label and ``reviewed: true``;
``skip()`` and ``undo()`` move along the queue.

Saving costs the answer, not the file: each answer (and each undo) is one line appended to the journal beside the
rows file, ``ROWS.jsonl.answers`` (``annotated.journal_path``), written and ``fsync``-ed before ``answer`` returns,
so a killed review loses at most the row on screen.  ``close()`` (the end of the review: ``q``, the last row,
Ctrl-C, ``SIGTERM``) merges the journal into the rows file, replaced atomically; a review that was killed first
leaves the journal, which ``read_annotated`` reads over the rows (``train`` and ``evaluate`` see every answer) and
the next ``Review`` or ``annotate`` merges.  One review of a file at a time: ``indicatornlp review`` holds the
file's ``OutputLock``.

``parse_answer`` reads what the reviewer typed: a key or number of the choices, a 二级 (or a name the taxonomy
knows, such as 环境效益), Enter or ``k`` for the filed label, ``s`` skip, ``u`` undo, ``q`` quit.
``apply_answers`` takes a file of ``id<TAB>answer`` lines instead (scripts and tests).

>>> parse_answer("社会效益", ("数量指标", "社会效益指标")).label
'社会效益指标'
>>> parse_answer("2", ("数量指标", "社会效益指标")).label
'社会效益指标'
>>> parse_answer("a", tuple(f"{n}" for n in range(11)))  # the tenth choice
Answer(kind='label', label='9', text='a')
>>> parse_answer("xyz", ("数量指标",)).kind
'unknown'
"""

from __future__ import annotations

import dataclasses
import json
import os
import string
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .annotate import merge_journal, row_line, write_rows
from .annotated import Example, journal_path, read_annotated
from .atomic import append_line
from .errors import AnnotationError
from .taxonomy import canonical_category, default_taxonomy

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["Answer", "Question", "Review", "apply_answers", "choice_keys", "parse_answer"]

COMMANDS: dict[str, Literal["keep", "skip", "undo", "quit"]] = {"k": "keep", "s": "skip", "u": "undo", "q": "quit"}
"""The letters that are commands (Enter keeps too), never a choice's key."""
COMMAND_KEYS = frozenset(COMMANDS)


def choice_keys(count: int) -> tuple[str, ...]:
    """The keys of ``count`` choices: ``1``…``9``, then the letters that are no command.

    >>> choice_keys(12)
    ('1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c')
    """
    keys = [*"123456789", *(c for c in string.ascii_lowercase if c not in COMMAND_KEYS)]
    if count > len(keys):
        raise ValueError(f"{count} choices: more than the {len(keys)} keys")
    return tuple(keys[:count])


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """What the reviewer typed, read: a label, a command, or something unknown."""

    kind: Literal["label", "keep", "skip", "undo", "quit", "unknown"]
    label: str | None = None
    """The canonical 二级 of a ``label`` answer."""
    text: str = ""
    """What was typed."""


def parse_answer(text: str, choices: Sequence[str]) -> Answer:
    """Read one answer: ``1``…``N`` (the choices' numbers), a choice's letter key (``choice_keys``), a 二级 or a name
    the taxonomy knows, ``k``/Enter, ``s``, ``u``, ``q``."""
    typed = text.strip()
    commands: dict[str, Literal["keep", "skip", "undo", "quit"]] = {"": "keep", **COMMANDS}
    if typed.lower() in commands:
        return Answer(commands[typed.lower()], text=typed)
    keys = choice_keys(len(choices))
    if len(typed) == 1 and typed.isascii() and typed.isalpha() and typed.lower() in keys:
        return Answer("label", choices[keys.index(typed.lower())], typed)
    if typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(choices):
            return Answer("label", choices[number - 1], typed)
        return Answer("unknown", text=typed)
    category = canonical_category(None, typed)
    if category is not None and category.level2 is not None:
        return Answer("label", category.level2, typed)
    return Answer("unknown", text=typed)


@dataclasses.dataclass(frozen=True, slots=True)
class Question:
    """One doubtful row as the reviewer sees it."""

    index: int
    """0-based line of the row in the file (blank lines not counted)."""
    number: int
    """1-based place in the queue."""
    total: int
    """Rows in the queue."""
    row: Example
    before: tuple[Example, ...]
    """The rows of the same filing just before it, in the order of the file."""
    after: tuple[Example, ...]
    """The rows just after it."""
    predicted: str | None
    confidence: float
    probabilities: tuple[tuple[str, float], ...]
    """Every 二级 with the model's probability, most probable first."""
    evidence: tuple[str, ...]
    """What the model read (``Normalized.evidence`` where it gives it; empty otherwise)."""
    admissible: tuple[str, ...] | None
    """The defensible 二级 of the row (``Normalized.admissible``), ``None`` where the model gives none."""
    choices: tuple[str, ...]
    """Every 二级, the defensible first: the reviewer presses the key of one (``choice_keys``)."""
    margin: float
    """The model's probability of its prediction minus that of the filed label (top two where none was filed)."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Step:
    position: int
    previous: Example | None
    """The row before the answer (``None``: the step was a skip)."""


class Review:
    """A review session over a rows file (see the module docstring); ``model``: ``None`` for the shipped one.

    Opening it merges the journal a killed review left (``merged``: its answer lines); ``close()``, or the end of a
    ``with`` block, merges this session's.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, model: Model | str | os.PathLike[str] | None = None, context: int = 2
    ) -> None:
        from .api import Normalizer

        self.path = Path(path)
        self.journal = journal_path(self.path)
        """Where the answers go one line each until ``close()`` merges them."""
        self.merged = merge_journal(self.path)
        """Answer lines of an earlier, killed review merged when this one opened."""
        self.rows: list[Example] = read_annotated(self.path)
        self._lines = [row_line(e) for e in self.rows]
        self.context = context
        normalizer = Normalizer(model)
        waiting = [i for i, e in enumerate(self.rows) if e.doubt and not e.reviewed]
        items = [
            {"name": e.name, "target": e.target_raw or "", "level1": e.filed_level1, "level2": e.filed_level2}
            for e in (self.rows[i] for i in waiting)
        ]
        normalized = normalizer.normalize_many(items)
        labels = normalizer.model.labels
        probabilities = normalizer.model.predict_proba([(item["name"], item["target"]) for item in items])
        counts = normalizer.model.card.get("data", {}).get("labels", {})
        self._questions: dict[int, Question] = {}
        order: dict[int, tuple[float, int, float, int]] = {}
        for i, n, row in zip(waiting, normalized, probabilities, strict=True):
            e = self.rows[i]
            ranked = tuple(sorted(zip(labels, (float(p) for p in row), strict=True), key=lambda lp: -lp[1]))
            p = dict(ranked)
            if e.filed_level2 is not None:
                margin = ranked[0][1] - p.get(e.filed_level2, 0.0)
            else:
                margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
            admissible = getattr(n, "admissible", None)
            admissible = tuple(sorted(admissible, key=lambda label: -p.get(label, 0.0))) if admissible else None
            evidence = tuple(str(x) for x in (getattr(n, "evidence", None) or ()))
            first = admissible or tuple(x for x in (n.predicted_level2, e.filed_level2) if x)
            rest = [label for label, _ in ranked] + list(default_taxonomy().level2_names)
            choices = tuple(dict.fromkeys([*first, *rest]))
            rarity = min(counts.get(x, 0) for x in {e.level2, n.predicted_level2 or e.level2})
            question = Question(
                i, 0, 0, e, (), (), n.predicted_level2, n.confidence, ranked, evidence, admissible, choices, margin
            )
            self._questions[i] = question
            order[i] = (round(margin, 1), rarity, margin, i)
        self.queue: list[int] = sorted(order, key=order.__getitem__)
        """Row indices in the order they are asked."""
        self.position = 0
        """The place in ``queue`` of the row on turn (``len(queue)``: done)."""
        self._steps: list[_Step] = []
        self._groups: dict[str, list[int]] | None = None
        self.answered = 0
        """Answers given in this session (undone ones taken back)."""

    def question(self) -> Question | None:
        """The row on turn, or ``None`` when the queue is done."""
        if self.position >= len(self.queue):
            return None
        i = self.queue[self.position]
        question = self._questions[i]
        row = self.rows[i]
        if self._groups is None:
            self._groups = {}
            for j, e in enumerate(self.rows):
                self._groups.setdefault(_filing(e), []).append(j)
        same = self._groups[_filing(row)]
        at = same.index(i)
        before = tuple(self.rows[j] for j in same[max(0, at - self.context) : at])
        after = tuple(self.rows[j] for j in same[at + 1 : at + 1 + self.context])
        return dataclasses.replace(
            question, row=row, number=self.position + 1, total=len(self.queue), before=before, after=after
        )

    def answer(self, label: str | None) -> None:
        """Give the row on turn its gold 二级 (``None``: the filed label), mark it reviewed, save the file."""
        question = self.question()
        if question is None:
            raise IndexError("the review is done: no row to answer")
        row = question.row
        chosen = label if label is not None else row.filed_level2
        if chosen is None or chosen not in default_taxonomy().level2_names:
            raise AnnotationError(
                f"{self.path}:{row.line}",
                f"no 二级 to give {row.id} ({chosen!r})",
                hint=f"choose one of: {', '.join(default_taxonomy().level2_names)}",
            )
        self._steps.append(_Step(self.position, row))
        self._set(question.index, _answered(row, chosen))
        self.answered += 1
        self.position += 1

    def skip(self) -> None:
        """Leave the row on turn as it is (it comes again in the next review)."""
        if self.position < len(self.queue):
            self._steps.append(_Step(self.position, None))
            self.position += 1

    def undo(self) -> bool:
        """Take back the last answer or skip and go back to its row (the file is saved); ``False``: nothing to undo."""
        if not self._steps:
            return False
        step = self._steps.pop()
        self.position = step.position
        if step.previous is not None:
            self._set(self.queue[step.position], step.previous)
            self.answered -= 1
        return True

    def _set(self, index: int, row: Example) -> None:
        """Journal the row's label (one line, synced), then take it."""
        record = {"id": row.id, "level1": row.level1, "level2": row.level2, "reviewed": row.reviewed}
        append_line(self.journal, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self.rows[index] = row
        self._lines[index] = row_line(row)

    def close(self) -> int:
        """Merge this session's answers into the rows file (atomically) and remove the journal; returns the lines
        merged.  Call it once the review ends; the session can go on afterwards (the next answer starts a new
        journal)."""
        return merge_journal(self.path, self.rows)

    def __enter__(self) -> Review:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _filing(e: Example) -> str:
    """The filing of a row: ``file#2`` of an id ``file#2.05`` (``annotate``'s ids), else its group."""
    head, _, position = e.id.rpartition("#")
    filing, dot, _ = position.partition(".")
    return f"{head}#{filing}" if head and dot else e.group


def _answered(row: Example, label: str) -> Example:
    return dataclasses.replace(row, level1=default_taxonomy().parent(label), level2=label, reviewed=True)


def apply_answers(path: str | os.PathLike[str], answers: str | os.PathLike[str]) -> int:
    """Apply a file of answers to a rows file and save it (atomically); returns the rows answered.

    Each line of ``answers`` is ``id<TAB>answer``: a 二级 (or a name the taxonomy knows) or ``keep`` (the filed
    label); blank lines and ``#`` comments are skipped.  An unknown id, an answer outside the taxonomy or a ``keep``
    for a row with no filed label raises ``AnnotationError`` naming ``answers:line`` (and listing the labels), and
    nothing is written.  The answers a killed review left in its journal are merged too.
    """
    rows = read_annotated(Path(path))
    before = list(rows)
    by_id = {e.id: i for i, e in enumerate(rows)}
    allowed = default_taxonomy().level2_names
    try:
        text = Path(answers).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AnnotationError(str(answers), f"cannot read the answers ({err})", hint="give a UTF-8 text file") from None
    done = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{answers}:{number}"
        row_id, sep, typed = line.partition("\t")
        if not sep:
            raise AnnotationError(where, "expected id<TAB>answer", hint="separate the id and the answer by a tab")
        i = by_id.get(row_id.strip())
        if i is None:
            raise AnnotationError(where, f"no row with id {row_id.strip()!r} in {path}", hint="check the id")
        answer = parse_answer("k" if typed.strip().lower() == "keep" else typed.strip() or "?", ())
        label = rows[i].filed_level2 if answer.kind == "keep" else answer.label
        if answer.kind not in ("label", "keep") or label is None:
            what = "no filed label to keep" if answer.kind == "keep" else f"{typed.strip()!r} is not a 二级"
            raise AnnotationError(where, what, hint=f"answer one of: {', '.join(allowed)}")
        rows[i] = _answered(rows[i], label)
        done += 1
    merge_journal(path, before)  # first on its own: a kill between the two writes re-applies nothing over these
    write_rows(path, [row_line(e) for e in rows])
    return done
