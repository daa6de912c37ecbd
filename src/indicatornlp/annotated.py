"""Read and validate annotated indicators (``data/annotated/``): one JSONL line per indicator with its gold label.

Every line is checked: malformed JSON, a missing or unknown field, a value of the wrong type, or a label outside
the taxonomy raises ``AnnotationError`` naming ``file:line`` (an unknown label lists the allowed ones).

A rows file may have an answers journal beside it, ``ROWS.jsonl.answers`` (``journal_path``): ``indicatornlp review``
appends each answer there (one JSON line: ``id``, ``level1``, ``level2``, ``reviewed``) and merges it into the rows
file when it ends.  A review that was killed leaves it behind; ``read_annotated`` reads it over the rows (the last
line of a row wins), so every reader sees every answer given, and the next ``review`` or ``annotate`` merges it.

>>> examples = read_annotated(default_annotated_dir())
>>> sorted({e.split for e in examples})
['holdout', 'train']
>>> e = next(e for e in examples if e.id == "songjiang-jiguan-2023#1.06")
>>> (e.name, e.target_raw, e.level1, e.level2)
('群众满意度', '>=95%', '满意度指标', '服务对象满意度指标')
>>> (e.family, e.admissible, e.unsure)
('satisfaction.public', ('服务对象满意度指标',), False)
>>> e = next(e for e in examples if e.name == "局级干部体检费 1500 元/人")
>>> (e.filed_level2, e.level2, e.corrected)
('数量指标', '经济成本指标', True)
"""

from __future__ import annotations

import dataclasses
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import AnnotationError
from .taxonomy import default_taxonomy

__all__ = ["Example", "default_annotated_dir", "journal_path", "read_annotated", "read_journal", "read_second_pass"]

SECOND_PASS = "concepts-pass2.tsv"
"""The blind second annotation pass, beside train/ and holdout/ (see data/annotated/README.md)."""

SPLITS = ("train", "holdout")

_REQUIRED: dict[str, type] = {"id": str, "group": str, "source": str, "name": str, "level1": str, "level2": str}
_OPTIONAL_STR = (
    "region",
    "department",
    "project",
    "form",
    "level1_raw",
    "level2_raw",
    "target_raw",
    "filed_level1",
    "filed_level2",
    "note",
    "family",
    "concept",
    "doubt",
)
_OPTIONAL_BOOL = ("legacy", "reviewed", "unsure")
_FIELDS = (*_REQUIRED, *_OPTIONAL_STR, *_OPTIONAL_BOOL, "year", "admissible")
_CONCEPT = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
_FIX = "fix the line, or run scripts/build_annotated.py if the file is generated"


@dataclasses.dataclass(frozen=True, slots=True)
class Example:
    """One annotated indicator: the filed text, the gold label, and where it comes from."""

    id: str
    """Stable id, e.g. ``pages-0003#04`` (corpus excerpt and position) or ``songjiang-jiguan-2023#1.06``."""
    name: str
    """三级指标 as filed."""
    target_raw: str | None
    """年度指标值 as filed (``None`` where the row has none)."""
    level1: str
    """Gold canonical 一级."""
    level2: str
    """Gold canonical 二级."""
    group: str
    """The source filing (page or file + project): rows of one group never sit on both sides of a split."""
    concept: str | None = None
    """Rows that measure the same thing share a concept id: the family plus the object class
    (``satisfaction.public.training``; the scheme of CONCEPTS.md)."""
    family: str | None = None
    """The kind of measure: rows whose targets a reviewer would compare share it (``satisfaction.public``)."""
    unsure: bool = False
    """The annotator could not tell the family or concept: left out of linking scores."""
    admissible: tuple[str, ...] = ()
    """The 二级 a careful reviewer may defend for the row, judged blind to the filed label and to any model (empty:
    not judged)."""
    source: str = ""
    """URL or file/repository path of the filing."""
    region: str | None = None
    department: str | None = None
    """主管部门 (or the unit) as stated."""
    project: str | None = None
    """项目名称."""
    year: int | None = None
    form: str | None = None
    """``目标表``, ``自评表``, ``评价表``, ``指标库`` or ``other``."""
    level1_raw: str | None = None
    """The filed 一级 cell, with its decorations."""
    level2_raw: str | None = None
    """The filed 二级 cell, with its decorations."""
    filed_level1: str | None = None
    """Canonical form of the filed category (kept when the gold label corrects it)."""
    filed_level2: str | None = None
    legacy: bool = False
    """The filing used an older or local name or layout."""
    reviewed: bool = False
    """A person checked the label."""
    note: str | None = None
    """Why the gold label differs from the filed one (or another remark on the row)."""
    doubt: str | None = None
    """Why ``indicatornlp annotate`` asks a person to look at the row (``None``: no doubt)."""
    split: str | None = None
    """``train`` or ``holdout`` when the file sits in a directory of that name."""
    path: str = ""
    """The file the example was read from."""
    line: int = 0
    """Its line number in that file."""

    @property
    def corrected(self) -> bool:
        """True when the gold label differs from the canonical filed label."""
        return (self.level1, self.level2) != (self.filed_level1, self.filed_level2)

    def to_dict(self) -> dict[str, Any]:
        """The example as a plain dict (JSON-ready)."""
        return dataclasses.asdict(self)

    def record(self) -> dict[str, Any]:
        """The example as one line of the JSONL schema (what ``read_annotated`` reads back; no path, line, split)."""
        return {name: getattr(self, name) for name in _FIELDS}


def default_annotated_dir() -> Path:
    """The shipped annotated data: inside an installed wheel, or ``<repo>/data/annotated`` in a source checkout."""
    packaged = resources.files("indicatornlp") / "annotated"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "data" / "annotated"
    if checkout.is_dir():
        return checkout
    raise AnnotationError(
        str(checkout),
        "no annotated data found (neither indicatornlp/annotated in the package nor data/annotated in a checkout)",
        hint="reinstall the package, or pass the directory explicitly",
    )


def read_second_pass(root: str | Path | None = None) -> list[dict[str, Any]]:
    """The blind second annotation pass (``concepts-pass2.tsv`` of ``root``, default the shipped annotated data):
    one mapping per row with ``id``, ``family``, ``concept``, ``unsure`` and ``admissible``; empty when the file is
    not there.  ``linking.evaluation.agreement`` compares it with the first pass on the rows' pairs.

    >>> rows = read_second_pass()
    >>> len(rows) >= 0.2 * len(read_annotated(default_annotated_dir())), sorted(rows[0])
    (True, ['admissible', 'concept', 'family', 'id', 'unsure'])
    """
    path = Path(root if root is not None else default_annotated_dir()) / SECOND_PASS
    if not path.is_file():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cells = line.split("\t")
        if len(cells) != 7:
            raise AnnotationError(f"{path}:{number}", f"expected 7 tab-separated cells, found {len(cells)}", hint=_FIX)
        row_id, family, concept, unsure, admissible = cells[:5]
        out.append(
            {
                "id": row_id,
                "family": family,
                "concept": concept,
                "unsure": unsure == "1",
                "admissible": tuple(a for a in admissible.split(",") if a),
            }
        )
    return out


def read_annotated(path: str | Path) -> list[Example]:
    """Read and validate annotated indicators from a JSONL file or a directory.

    A directory with ``train/`` and/or ``holdout/`` reads both (train first); any other directory reads its
    ``*.jsonl`` files in name order.  Ids must be unique across everything read.  The answers journal of a file
    (``journal_path``), left by a review that was killed or is running, is read over it (``read_journal``).
    """
    root = Path(path)
    if not root.exists():
        raise AnnotationError(str(root), "no such file or directory", hint="give a .jsonl file or a directory of them")
    if root.is_file():
        files = [root]
    else:
        subdirs = [root / s for s in SPLITS if (root / s).is_dir()]
        files = [f for d in subdirs or [root] for f in sorted(d.glob("*.jsonl"))]
        if not files:
            raise AnnotationError(str(root), "no .jsonl files here", hint="give a directory holding train/ or *.jsonl")
    examples: list[Example] = []
    seen: dict[str, str] = {}
    for file in files:
        for example in _read_file(file):
            where = f"{example.path}:{example.line}"
            if example.id in seen:
                raise AnnotationError(where, f"duplicate id {example.id!r} (first at {seen[example.id]})", hint=_FIX)
            seen[example.id] = where
            examples.append(example)
    return examples


def _read_file(file: Path) -> list[Example]:
    split = file.parent.name if file.parent.name in SPLITS else None
    # the journal before the rows: a review merging it meanwhile renames the merged rows into place before it
    # removes the journal, so what is read is the old rows and their answers, or the merged rows (and answers
    # already in them, read again to the same effect) -- assuming no whole second review starts, answers and merges
    # between these two reads (then an older journal would be read over newer rows; the review's lock does not
    # cover readers, and that window is a few milliseconds)
    answers = read_journal(file)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise AnnotationError(str(file), f"not UTF-8 text ({e.reason} at byte {e.start})", hint=_FIX) from None
    examples = []
    for number, text in enumerate(lines, 1):
        if text.strip():
            examples.append(_parse_line(text, f"{file}:{number}", split=split, path=str(file), line=number))
    if answers:
        by_id = {e.id: i for i, e in enumerate(examples)}
        for where, record in answers:
            i = by_id.get(record["id"])
            if i is None:
                raise AnnotationError(
                    where, f"no row with id {record['id']!r} in {file}", hint="the answers belong to another rows file"
                )
            examples[i] = dataclasses.replace(
                examples[i], level1=record["level1"], level2=record["level2"], reviewed=record["reviewed"]
            )
    return examples


# ---- the answers journal of a review ---------------------------------------------------------------------

JOURNAL_FIELDS = ("id", "level1", "level2", "reviewed")
"""The fields of one line of the answers journal: the row and its label after the answer (or after an undo)."""


def journal_path(file: str | Path) -> Path:
    """The answers journal of a rows file: ``rows.jsonl`` → ``rows.jsonl.answers``."""
    path = Path(file)
    return path.with_name(path.name + ".answers")


def read_journal(file: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """The answers journaled beside a rows file (``journal_path``), each with its ``journal:line``, checked.

    A last line without its newline is an answer whose write was cut by a kill, never confirmed to the reviewer:
    it is left out.  Any other line that is not an answer (bad JSON, a missing or unknown field, a label outside
    the taxonomy) raises ``AnnotationError`` naming ``journal:line``.  No journal: ``[]``.
    """
    journal = journal_path(file)
    fix = f"a killed review left its answers in {journal.name}: fix the line, or delete the file (its answers are lost)"
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise AnnotationError(str(journal), f"cannot read the answers ({err.strerror})", hint=fix) from None
    complete = data[: data.rfind(b"\n") + 1]
    out = []
    for number, raw in enumerate(complete.splitlines(), 1):
        where = f"{journal}:{number}"
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise AnnotationError(where, "not an answer (malformed JSON)", hint=fix) from None
        if not isinstance(record, dict) or sorted(record) != sorted(JOURNAL_FIELDS):
            raise AnnotationError(where, f"an answer has the fields {', '.join(JOURNAL_FIELDS)}", hint=fix)
        if not isinstance(record["id"], str) or not isinstance(record["reviewed"], bool):
            raise AnnotationError(where, "the id must be a string and reviewed true or false", hint=fix)
        if not isinstance(record["level1"], str) or not isinstance(record["level2"], str):
            raise AnnotationError(where, "the labels must be strings", hint=fix)
        _check_label(record["level1"], record["level2"], where, what="")
        out.append((where, record))
    return out


def _parse_line(text: str, where: str, *, split: str | None, path: str, line: int) -> Example:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        raise AnnotationError(where, f"malformed JSON: {e.msg} at column {e.colno}", hint=_FIX) from None
    if not isinstance(record, dict):
        raise AnnotationError(where, f"expected a JSON object, found {type(record).__name__}", hint=_FIX)
    unknown = sorted(set(record) - set(_FIELDS))
    if unknown:
        raise AnnotationError(where, f"unknown field {unknown[0]!r}", hint=f"the fields are: {', '.join(_FIELDS)}")
    for name, kind in _REQUIRED.items():
        value = record.get(name)
        if value is None:
            raise AnnotationError(where, f"missing field {name!r}", hint=_FIX)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise AnnotationError(where, f"field {name!r} must be a non-empty string, not {value!r}", hint=_FIX)
    for name in _OPTIONAL_STR:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise AnnotationError(where, f"field {name!r} must be a string or null, not {record[name]!r}", hint=_FIX)
    for name in _OPTIONAL_BOOL:
        if name in record and not isinstance(record[name], bool):
            raise AnnotationError(where, f"field {name!r} must be true or false, not {record[name]!r}", hint=_FIX)
    year = record.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise AnnotationError(where, f"field 'year' must be an integer or null, not {year!r}", hint=_FIX)
    _check_label(record["level1"], record["level2"], where, what="")
    if record.get("filed_level1") is not None or record.get("filed_level2") is not None:
        _check_label(record.get("filed_level1"), record.get("filed_level2"), where, what="filed ")
    for key in ("family", "concept"):
        value = record.get(key)
        if value is not None and not _CONCEPT.match(value):
            raise AnnotationError(
                where, f"{key} {value!r} is not a dotted lower-case id", hint="write it like satisfaction.public"
            )
    family, concept = record.get("family"), record.get("concept")
    if family is not None and concept is not None and not concept.startswith(family + "."):
        raise AnnotationError(where, f"concept {concept!r} does not extend its family {family!r}", hint=_FIX)
    admissible = record.get("admissible") or []
    if not isinstance(admissible, list) or not all(isinstance(x, str) for x in admissible):
        raise AnnotationError(where, f"field 'admissible' must be a list of 二级 names, not {admissible!r}", hint=_FIX)
    taxonomy = default_taxonomy()
    if unknown := [x for x in admissible if x not in taxonomy.level2_names]:
        raise AnnotationError(
            where,
            f"admissible 二级 {unknown[0]!r} is not in the taxonomy",
            hint=f"allowed: {', '.join(taxonomy.level2_names)}",
        )
    fields = {k: record[k] for k in _FIELDS if k in record}
    fields["admissible"] = tuple(admissible)
    fields.setdefault("target_raw", None)
    return Example(**fields, split=split, path=path, line=line)


def _check_label(level1: str | None, level2: str | None, where: str, *, what: str) -> None:
    taxonomy = default_taxonomy()
    if level2 is None:
        # a filed label may lack its 二级 (满意度指标 filed alone): the 一级 must still be canonical
        if level1 not in taxonomy.level1_names:
            raise AnnotationError(
                where, f"unknown {what}一级 {level1!r}", hint=f"allowed: {', '.join(taxonomy.level1_names)}"
            )
        return
    if level2 not in taxonomy.level2_names:
        raise AnnotationError(
            where, f"unknown {what}二级 {level2!r}", hint=f"allowed: {', '.join(taxonomy.level2_names)}"
        )
    parent = taxonomy.parent(level2)
    if level1 != parent:
        raise AnnotationError(
            where,
            f"{what}一级 {level1!r} does not match {what}二级 {level2!r}",
            hint=f"the 一级 of {level2} is {parent}",
        )
