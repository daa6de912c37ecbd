"""Read text pulled out of a PDF: no cell boundaries, cells broken over lines, page numbers, repeated headers.

The layout is read line by line with the vocabulary of the forms:

* a project starts at its 项目名称 line (with the title and "（2023 年度）" lines just above it);
* metadata is the text between the project's start and its indicator header, read as a stream split at the
  known labels (主管部门, 项目资金总额 …), so that a value broken over lines ("中共上海市松江区" + "区级机关工作委员"
  + "会") comes out whole;
* the 年度总目标 is the text between its label and the header; when the form printed 项目总目标 and 年度总目标
  side by side, the extraction gives two blocks one after the other, and the second one is kept;
* the indicator header is a run of lines made of header words, even broken ("一级指" + "标");
* in the table, a line starts with the labels it holds (a label broken at a line end is joined to the next
  line: "服务对象满" + "意度指标"), then the 三级 name, then the values: the last cell of a line is the target
  (several cells for a 自评表: 年度指标值, 实际完成值, 分值, 得分).  Within a line, cells are separated by
  spaces; "=3 次" (a number and its unit) is one cell.  A name alone on its line takes the value of the next
  line, or continues on it when the next line holds the rest of the name and the value;
* page numbers ("2 / 10", "- 3 -", "第 3 页") are dropped, headers repeated after a page break skipped, and a
  note, a signature or the next section heading ("注:", "填报人", "一、…") ends the table.

>>> text = "项目名称 党组织建设\\n绩效指标\\n一级指\\n标\\n二级指标 三级指标\\n年度指标值\\n"
>>> text += "产出指\\n标\\n数量指标\\n工、青、妇活动 =3 次"
>>> [(i.level1_raw, i.level2_raw, i.name, i.target_raw) for i in read_text("a.txt", text)[0].indicators]
[('产出指标', '数量指标', '工、青、妇活动', '=3 次')]
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Filing, Position
from ..targets import is_target_cell, is_unit
from ..text import bounded_cache
from ._forms import (
    Label,
    as_label,
    clean_key,
    compact,
    is_furniture,
    is_label_prefix,
    is_stop,
    is_title,
    join_broken,
    metadata_key,
    vocabulary,
    year_cell,
    year_of_title,
)
from ._project import Project, Row, no_table

__all__ = ["read_text"]

_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*\d+\s*-|\d+\s*/\s*\d+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_COMPARATOR_ONLY = re.compile(r"^(?:>=|<=|=>|=<|≥|≤|>|<|=|≈|≧|≦|＞＝|＜＝|＞|＜|＝)$")
_NUMBER_END = re.compile(r"\d(?:\.\d+)?$")
_SCORE = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBERED = re.compile(r"^(?:指标\s*\d+|\d+\s*(?:[、．)）]|\.(?!\d))|[(（]\d+[)）]|[①-⑳])")
"""A name that starts with its row number ("指标4.", "2、") starts a row: it continues none and is no value."""
_SCORE_ROLES = frozenset({"分值", "得分", "权重", "权重(%)"})


@dataclass(frozen=True, slots=True)
class Line:
    """A non-empty line of the text with its place."""

    text: str
    number: int
    page: int | None


def read_text(path: str | os.PathLike[str], text: str) -> list[Filing]:
    """Every project of a text extracted from a PDF (already read as ``text``).

    Raises ``NoIndicatorTableError`` when no indicator row is found.
    """
    where = os.fspath(path)
    lines = _lines(text)
    filings: list[Filing] = []
    default_year: int | None = None
    regions = _regions(lines)
    for line in lines[: regions[0][0]] if regions else lines:
        if is_title(line.text):
            default_year = default_year or year_of_title(line.text)
    for start, end in regions:
        project = _read_region(where, lines[start:end])
        if project is not None:
            filings.append(project.filing(default_year))
    if not any(f.indicators for f in filings):
        raise no_table(where)
    return filings


def _lines(text: str) -> list[Line]:
    paged = "\f" in text
    page = 1
    out: list[Line] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        stripped = raw.strip()
        if stripped and not _PAGE_NUMBER.match(stripped):
            out.append(Line(stripped, number, page if paged else None))
    return out


def _regions(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """(start, end) of each project: from its title to the next project's title."""
    anchors = [i for i, line in enumerate(lines) if _starts_with_project_name(line.text)]
    if not anchors:
        return [(0, len(lines))] if lines else []
    starts = []
    for anchor in anchors:
        start = anchor
        while start > 0 and anchor - start < 3 and (is_title(lines[start - 1].text) or _is_year(lines[start - 1].text)):
            start -= 1
        starts.append(start)
    return [(s, e) for s, e in zip(starts, [*starts[1:], len(lines)], strict=True)]


def _starts_with_project_name(text: str) -> bool:
    first = text.split()[0] if text.split() else ""
    key = metadata_key(first) or metadata_key(text[:8])
    return key is not None and key[0] == "project"


def _is_year(text: str) -> bool:
    return year_cell(text) is not None


def _read_region(path: str, lines: Sequence[Line]) -> Project | None:
    if not lines:
        return None
    header = _find_header(lines)
    project = Project(Position(path, page=lines[0].page, line=lines[0].number))
    if header is None:
        first_label = next((i for i, line in enumerate(lines) if _opens_table(line.text)), None)
        meta_end, table_start, roles = (
            (first_label, first_label, ["target"])
            if first_label is not None
            else (
                len(lines),
                len(lines),
                ["target"],
            )
        )
    else:
        meta_end, table_start, roles = header
    _read_metadata(project, lines[:meta_end])
    if "actual" in roles:
        project.form = "自评表"
    _TableReader(project, path, roles).read(lines[table_start:])
    if not project.rows and "project" not in project.fields:
        return None
    return project


def _opens_table(text: str) -> bool:
    tokens = text.split()
    if len(tokens) < 2:
        return False
    label = as_label(tokens[0])
    return label is not None and label.strong


# ---- header --------------------------------------------------------------------------------------------

_NAME_WORDS = ("三级指标", "指标名称", "三级指标内容")


@bounded_cache(16384)
def _header_like(text: str) -> bool:
    """A line made of header words, or of pieces of them ("一级指", "标", "年度指标")."""
    if not text.strip() or as_label(text) is not None or is_label_prefix(text):
        return False
    vocab = vocabulary()
    for token in text.split():
        rest = compact(token)
        for word in vocab.header_words:
            rest = rest.replace(word, "")
        rest = re.sub(r"[()（）\[\]【】:：、/]", "", rest)
        if rest and not any(rest in word for word in vocab.header_words):
            return False
    return True


def _find_header(lines: Sequence[Line]) -> tuple[int, int, list[str]] | None:
    """(first line of the header, first line after it, value columns) of the first indicator header."""
    i = 0
    while i < len(lines):
        if not _header_like(lines[i].text):
            i += 1
            continue
        j = i
        while j < len(lines) and _header_like(lines[j].text):
            j += 1
        joined = "".join(compact(line.text) for line in lines[i:j])
        if any(word in joined for word in _NAME_WORDS):
            return i, j, _value_roles(joined)
        i = j
    return None


def _value_roles(header: str) -> list[str]:
    """The value columns after the 三级 name, in order: target, actual and score columns."""
    columns = vocabulary().columns
    words = sorted([*columns, *_SCORE_ROLES], key=len, reverse=True)
    name_at = min((header.find(w) for w in _NAME_WORDS if w in header), default=0)
    roles: list[str] = []
    i = name_at
    while i < len(header):
        for word in words:
            if header.startswith(word, i):
                role = columns.get(word, word)
                if (role in ("target", "actual") or word in _SCORE_ROLES) and role not in roles:
                    roles.append(role)
                i += len(word)
                break
        else:
            i += 1
    if "target" not in roles:
        roles.insert(0, "target")
    return roles


# ---- metadata ------------------------------------------------------------------------------------------


def _read_metadata(project: Project, lines: Sequence[Line]) -> None:
    body: list[Line] = []
    goal_at: int | None = None
    for line in lines:
        if is_title(line.text):
            project.year = project.year or year_of_title(line.text)
            if "自评" in line.text:
                project.form = "自评表"
            continue
        year = year_cell(line.text)
        if year is not None:
            project.year = project.year or year
            continue
        if goal_at is None and any(_is_goal_key(tok) for tok in line.text.split()):
            goal_at = len(body)
        body.append(line)
    cells = [tok for line in (body if goal_at is None else body[:goal_at]) for tok in line.text.split()]
    _read_key_values(project, cells)
    if goal_at is not None:
        first = body[goal_at].text.split()
        at = next(i for i, tok in enumerate(first) if _is_goal_key(tok))
        _read_key_values(project, first[:at])
        after = [tok for tok in first[at + 1 :] if metadata_key(tok) is None]
        goal_lines = ([" ".join(after)] if after else []) + [line.text for line in body[goal_at + 1 :]]
        goal = _annual_block(goal_lines)
        if goal:
            project.set_field("goal", goal)


def _read_key_values(project: Project, cells: Sequence[str]) -> None:
    """Labels and the values after them; a label broken over lines ("计划完成日" + "期") is joined first."""
    field: str | None = None
    parts: list[str] = []

    def close() -> None:
        if field is not None and parts:
            project.set_field(field, join_broken(parts))

    i = 0
    while i < len(cells):
        cell = cells[i]
        if re.search(r"[(（]\s*万元\s*[)）]", cell):
            project.scale = 10000
        key = metadata_key(cell)
        width = 1
        if key is None and _is_key_prefix(cell):
            for n in (2, 3):
                if i + n <= len(cells) and (key := metadata_key("".join(cells[i : i + n]))) is not None:
                    width = n
                    break
        if key is None:
            parts.append(cell)
            i += 1
            continue
        close()
        field, inline = key
        parts = [inline] if inline else []
        i += width
    close()


def _is_key_prefix(cell: str) -> bool:
    return clean_key(cell) in vocabulary().key_prefixes


def _is_goal_key(token: str) -> bool:
    key = metadata_key(token)
    return key is not None and key[0] == "goal"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _annual_block(lines: Sequence[str]) -> str:
    """The 年度总目标 text: the second of two side-by-side blocks (项目总目标, 年度总目标), else all of it."""
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ""
    cuts = [i for i in range(1, len(lines)) if re.search(r"[。；;.!！]$", lines[i - 1])]
    for i in cuts:
        if compact(join_broken(lines[:i])) == compact(join_broken(lines[i:])):
            return join_broken(lines[i:])
    best, best_gap = None, 0.0
    for i in cuts:
        a, b = lines[:i], lines[i:]
        if len(a) < 3 or len(b) < 3:
            continue
        wa = sorted(_width(x) for x in a[:-1])
        wb = sorted(_width(x) for x in b[:-1])
        gap = abs(wa[len(wa) // 2] - wb[len(wb) // 2])
        if gap >= 4 and gap > best_gap:
            best, best_gap = i, gap
    return join_broken(lines[best:] if best is not None else lines)


# ---- the indicator table -------------------------------------------------------------------------------


def _merge_tokens(tokens: list[str]) -> list[str]:
    """Join the pieces of one cell that spaces split: "=3" + "次", "≥" + "95%"."""
    out: list[str] = []
    for tok in tokens:
        previous = out[-1] if out else ""
        if _COMPARATOR_ONLY.match(previous) or (
            previous and is_unit(tok) and _NUMBER_END.search(previous) and is_target_cell(previous)
        ):
            out[-1] = f"{previous} {tok}"
        else:
            out.append(tok)
    return out


class _TableReader:
    def __init__(self, project: Project, path: str, roles: list[str]) -> None:
        self.project = project
        self.path = path
        self.roles = roles
        self.pending: list[Line] = []  # a label broken at a line end, waiting for its rest
        self.weak: str | None = None  # the last label fed, when weak ("满意度"): it may be a 三级 name
        self.open_name_alone = False  # the open row's name stood alone on its line

    def read(self, lines: Sequence[Line]) -> None:
        for index, line in enumerate(lines):
            if not self.pending and is_stop(line.text):
                break
            if not self.pending and _header_like(line.text):
                continue
            tokens = _merge_tokens(line.text.split())
            while tokens and is_furniture(tokens[0]):
                tokens.pop(0)
            if not tokens:
                continue
            labels, texts = self.split_labels(tokens, line)
            nxt = lines[index + 1] if index + 1 < len(lines) else None
            self.line(labels, texts, line, nxt)
        self.flush_pending(None)

    def split_labels(self, tokens: list[str], line: Line) -> tuple[list[str], list[str]]:
        labels: list[str] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            last = i == len(tokens) - 1
            if self.pending:
                joined = "".join(p.text for p in self.pending) + tok
                found = as_label(joined)
                if found is not None and found.strong:
                    labels.append(joined)
                    self.pending = []
                    i += 1
                    continue
                if last and is_label_prefix(joined):
                    self.pending.append(Line(tok, line.number, line.page))
                    return labels, []
                self.flush_pending(line)
            found = as_label(tok)
            if found is not None and found.strong:
                labels.append(tok)
            elif last and is_label_prefix(tok) and not is_target_cell(tok, subject=False):
                self.pending = [Line(tok, line.number, line.page)]
                return labels, []
            elif found is not None:
                labels.append(tok)
            else:
                break
            i += 1
        return labels, tokens[i:]

    def flush_pending(self, before: Line | None) -> None:
        """A broken label that found no rest: a weak label on its own, or a name fragment."""
        if not self.pending:
            return
        pieces, self.pending = self.pending, []
        text = "".join(p.text for p in pieces)
        if as_label(text) is not None:
            self.feed([text])
        else:
            self.line([], [text], pieces[0], before)

    def feed(self, labels: list[str]) -> None:
        found: list[Label] = [label for text in labels if (label := as_label(text)) is not None]
        if self.project.labels.feed([(label, None) for label in found]):
            self.project.backfill_level1()
        self.weak = found[-1].text if found and not found[-1].strong else None

    def open_row(self) -> Row | None:
        project = self.project
        return project.rows[-1] if project.rows and project.labels.rows_since > 0 else None

    def line(self, labels: list[str], texts: list[str], line: Line, nxt: Line | None) -> None:
        if labels and texts and len(texts) == 1 and is_target_cell(texts[0]):
            last = as_label(labels[-1])
            if last is not None and not last.strong:
                texts = [labels.pop(), *texts]  # "群众满意度 ≥95%": the weak label is the 三级 name
        if labels:
            self.feed(labels)
        if not texts:
            return
        open_row = self.open_row()
        if not labels and open_row is not None and self.missing(open_row):
            if all(is_target_cell(t) or _SCORE.match(t) for t in texts):
                self.fill(open_row, list(zip(self.missing(open_row), texts, strict=False)))
                return
            if len(texts) == 1 and self.missing(open_row)[0] == "target" and not _NUMBERED.match(texts[0]):
                if nxt is not None and self.is_lone_value(nxt):
                    open_row.name = join_broken([open_row.name, texts[0]])  # the name wraps; its value follows
                else:
                    open_row.target = texts[0]  # a value written out in words, on its own line
                return
            if (
                len(texts) >= 2
                and self.open_name_alone
                and not is_target_cell(texts[0])
                and not _NUMBERED.match(texts[0])
            ):
                name, values = self.split(texts)
                open_row.name = join_broken([open_row.name, name])  # "参与培训的基层党组" + "织数量 >=50 家"
                self.fill(open_row, values)
                self.open_name_alone = False
                return
        if len(texts) == 1 and open_row is None and self.weak is not None and is_target_cell(texts[0]):
            weak = self.weak
            self.project.labels.undo()  # the weak label was the 三级 name of this value
            self.weak = None
            self.new_row(weak, [("target", texts[0])], line)
            return
        name, values = self.split(texts)
        self.new_row(name, values, line)
        self.open_name_alone = len(texts) == 1

    def missing(self, row: Row) -> list[str]:
        have = {"target"} if row.target else set()
        if row.actual is not None:
            have.add("actual")
        have.update(role for role, _ in row.extra)
        return [role for role in self.roles if role not in have]

    def is_lone_value(self, line: Line) -> bool:
        tokens = _merge_tokens(line.text.split())
        return len(tokens) == 1 and is_target_cell(tokens[0]) and as_label(tokens[0]) is None

    def split(self, texts: list[str]) -> tuple[str, list[tuple[str, str]]]:
        """The name and the (role, value) cells of a line, values taken from the right."""
        if len(texts) == 1:
            return texts[0], []
        tokens = list(texts)
        taken: dict[str, str] = {}
        word_roles = [r for r in self.roles if r not in _SCORE_ROLES]
        for role in reversed(self.roles):
            if len(tokens) <= 1:
                break
            if role in _SCORE_ROLES:
                if _SCORE.match(tokens[-1]):
                    taken[role] = tokens.pop()
                continue
            if len(tokens) < word_roles.index(role) + 2:
                continue
            taken[role] = tokens.pop()
        return " ".join(tokens), [(r, taken[r]) for r in self.roles if r in taken]

    @staticmethod
    def fill(row: Row, values: Sequence[tuple[str, str]]) -> None:
        for role, value in values:
            if role == "target":
                row.target = value
            elif role == "actual":
                row.actual = value
            else:
                row.extra.append((role, value))

    def new_row(self, name: str, values: Sequence[tuple[str, str]], line: Line) -> None:
        project = self.project
        level1, level2 = project.labels.for_row()
        row = Row(
            name=name,
            target="",
            level1=level1,
            level2=level2,
            position=Position(self.path, page=line.page, line=line.number),
            page=line.page,
        )
        self.fill(row, values)
        project.add(row)
