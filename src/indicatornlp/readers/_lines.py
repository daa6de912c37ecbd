"""The indicator table of a text without cell boundaries, read line by line (the table part of ``readers.text``).

A line starts with the labels it holds (a label broken at a line end is joined to the next line: "服务对象满" +
"意度指标"; one printed a character per line is joined too: "产" / "出" / "指" / "标"), then the 三级 name, then
the values.  The value columns come from the header (``roles``: 年度指标值, 实际完成值, 分值, 得分, and the
计算符号 / 度量单位 of forms that split a target over cells); the cells of a line are matched to them by what
they hold (a 分值 is a number, a 度量单位 a unit) with ``align``, so that a line whose empty cells vanished still
puts each value under its column.  A line holding many rows (a table dumped on one line) is read from the left,
row after row.  A name alone on its line takes the values of the next lines; in a page whose cells are separated
by blank lines (``cells=True``) each line is one cell, read in column order.  Cells glued without separators
("产出指标数量指标修缮农村道路里程12公里") lose their known labels from the front and their target from the end.

>>> reader = TableReader(Project(Position("x.txt")), "x.txt", ["comparator", "comparator", "target", "unit", "weight"])
>>> reader.assign(["出差人次", "正向", "= 24 人/次", "4"])
('出差人次', [('comparator', '正向'), ('target', '= 24 人/次'), ('weight', '4')])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Position
from ..targets import is_target_cell, is_unit
from ..text import bounded_cache, normalize_text, strip_numbering
from ._columns import fit_score, is_number
from ._forms import (
    VALUE_ROLES,
    Label,
    as_label,
    glued_labels,
    is_furniture,
    is_header_text,
    is_kind,
    is_label_prefix,
    is_stop,
    is_total,
    is_unknown_label,
    join_broken,
    label_pair,
)
from ._project import Project, Row
from ._prose import is_item, items, prose, split_item

__all__ = ["Line", "TableReader", "merge_tokens"]

_COMPARATOR_ONLY = re.compile(r"^(?:>=|<=|=>|=<|≥|≤|>|<|=|≈|≧|≦|＞＝|＜＝|＞|＜|＝)$")
_NUMBER_END = re.compile(r"\d(?:\.\d+)?$")
_NUMBERED = re.compile(r"^(?:指标\s*\d+|\d+\s*(?:[、．)）]|\.(?!\d))|[(（]\d+[)）]|[①-⑳])")
"""A name that starts with its row number ("指标4.", "2、") starts a row: it continues none and is no value."""
_BRACKETED = re.compile(r"[(（][^()（）*]*\d[^()（）*]*[)）]$|[(（][^()（）]{2,8}[)）]$")
"""A cell ending in a bracket that may hold its target ("指标1:机柜数量(≥77台)", "…(正面支撑)")."""
_NOT_FOUND = float("-inf")
_SKIPPED = {"target": -3.0, "actual": -1.5}
"""What leaving a column empty costs when lining a line's cells up with the columns."""


@dataclass(frozen=True, slots=True)
class Line:
    """A non-empty line of the text with its place."""

    text: str
    number: int
    page: int | None


@bounded_cache(16384)
def _only_numbering(token: str) -> bool:
    """A token that is only list numbering ("一、", "(一)")."""
    return not strip_numbering(normalize_text(token))


@bounded_cache(16384)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(merge_tokens(text.split()))


def merge_tokens(tokens: list[str]) -> list[str]:
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


def align(roles: Sequence[str], texts: Sequence[str]) -> tuple[int, list[tuple[str, str]]] | None:
    """The best split of a line's cells into a name (the first ``cut`` cells) and values matched in order to the
    value columns ``roles`` (any may stay empty), by how well each value fits its column; ``None`` when no split
    places them all.  One pass over the suffixes: ``best[i][j]`` is the best score of ``texts[i:]`` under
    ``roles[j:]``; the shortest name wins a tie.

    >>> align(["target", "actual", "weight", "score"], ["经费支出合规性", "严格执行", "达成预期指标", "8", "8"])
    (1, [('target', '严格执行'), ('actual', '达成预期指标'), ('weight', '8'), ('score', '8')])
    """
    n, m = len(texts), len(roles)
    fits = [[fit_score(role, text) for role in roles] for text in texts]
    skips = [_SKIPPED.get(role, 0.0) for role in roles]
    best = [[_NOT_FOUND] * (m + 1) for _ in range(n + 1)]
    best[n][m] = 0.0
    for j in range(m - 1, -1, -1):
        best[n][j] = best[n][j + 1] + skips[j]
    for i in range(n - 1, 0, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            fit = fits[i][j]
            take = below[j + 1] + fit if fit is not None else _NOT_FOUND
            row[j] = max(row[j + 1] + skips[j], take)
    cut = max(range(1, n + 1), key=lambda c: (best[c][0], -c))
    if best[cut][0] == _NOT_FOUND:
        return None
    pairs: list[tuple[str, str]] = []
    i, j = cut, 0
    while i < n:
        fit = fits[i][j]
        if fit is not None and best[i + 1][j + 1] + fit == best[i][j]:
            pairs.append((roles[j], texts[i]))
            i += 1
        j += 1
    return cut, pairs


def _paragraph(lines: Sequence[Line], start: int) -> tuple[str, int]:
    """A line of prose with the lines that go on from it (a PDF breaks prose anywhere, even inside a label:
    "设 1条满意" + "度指标:…"): up to the line ending in a full stop, before a label, a heading or a note."""
    parts = [lines[start].text]
    end = start
    while not lines[end].text.endswith("。") and end + 1 < len(lines):
        following = lines[end + 1].text
        found = as_label(following)
        if is_stop(following) or is_header_text(following) or (found is not None and found.strong):
            break
        end += 1
        parts.append(following)
    return join_broken(parts), end


class TableReader:
    """The rows of one project's indicator table, fed line by line."""

    def __init__(
        self, project: Project, path: str, roles: list[str], *, lead: Sequence[str] = (), cells: bool = False
    ) -> None:
        self.project = project
        self.cells = cells  # each line is one cell (a page whose cells are separated by blank lines): never split
        self.path = path
        self.roles = roles
        self.lead = list(lead)  # metadata columns left of the labels (项目名称 …): the first row holds their values
        self.pending: list[Line] = []  # a label broken at a line end, waiting for its rest
        self.weak: str | None = None  # the last label fed, when weak ("满意度"): it may be a 三级 name
        self.open_name_alone = False  # the open row's name stood alone on its line
        self.glued = False  # the line's labels were glued to its name: its target is glued to it too

    def read(self, lines: Sequence[Line]) -> int | None:
        """Read the table; the index of the line that ended it (a note, the next section), if any."""
        joined_up_to = -1  # lines of prose joined to a line above
        for index, line in enumerate(lines):
            if index <= joined_up_to:
                continue
            if not self.pending and is_stop(line.text):
                self.flush_pending(None)
                return index
            if not self.pending and is_header_text(line.text):
                continue
            parts = prose(line.text) if not self.pending else None
            if parts is not None:
                text, joined_up_to = _paragraph(lines, index)
                self.prose(prose(text) or parts, line)
                continue
            tokens = self.tokens(line)
            while tokens and (is_furniture(tokens[0]) or _only_numbering(tokens[0])):
                tokens.pop(0)  # "绩效指标", "一、" before the labels
            if self.lead:
                tokens = self.leading_values(tokens)
            if not tokens:
                continue
            labels, texts = self.split_labels(tokens, line)
            nxt = lines[index + 1] if index + 1 < len(lines) else None
            if not self.cells and len(texts) > len(self.roles) + 4:
                self.segment(labels, texts, line)
            else:
                self.line(labels, texts, line, nxt)
        self.flush_pending(None)
        return None

    def leading_values(self, tokens: list[str]) -> list[str]:
        """The cells of a wide table's metadata columns before the first row's labels, set on the project."""
        at = next((i for i, t in enumerate(tokens[: len(self.lead) + 1]) if _label(t).strong and as_label(t)), 0)
        if at == len(self.lead):
            for field, value in zip(self.lead, tokens[:at], strict=True):
                self.project.set_field(field, value)
            self.lead = []
            return tokens[at:]
        return tokens

    def tokens(self, line: Line) -> list[str]:
        return [line.text] if self.cells else list(_tokens(line.text))

    def split_labels(self, tokens: list[str], line: Line) -> tuple[list[str], list[str]]:
        labels: list[str] = []
        self.glued = False
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
            elif last and is_label_prefix(tok, single=len(tokens) == 1) and not is_target_cell(tok, subject=False):
                self.pending = [Line(tok, line.number, line.page)]
                return labels, []
            elif found is not None:
                labels.append(tok)
            elif (pair := label_pair(tok)) is not None:
                labels += pair  # 【产出指标-数量指标】
            elif len(tokens) == 1 and is_unknown_label(tok):
                labels.append(tok)  # 计划管理指标: a short line ending in 指标 is a label, not the start of a name
            else:
                glued, rest = glued_labels(tok)
                if glued:
                    self.glued = True
                    return labels + glued, [rest, *tokens[i + 1 :]]
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
        found: list[Label] = [_label(text) for text in labels]
        if self.project.labels.feed([(label, None) for label in found]):
            self.project.backfill_level1()
        self.weak = found[-1].text if found and not found[-1].strong else None

    def open_row(self) -> Row | None:
        project = self.project
        return project.rows[-1] if project.rows and project.labels.rows_since > 0 else None

    def line(self, labels: list[str], texts: list[str], line: Line, nxt: Line | None) -> None:
        weak_last = bool(labels) and bool(texts) and not _label(labels[-1]).strong
        if weak_last and (len(labels) >= 3 or all(is_target_cell(t) or is_number(t) for t in texts)):
            texts = [labels.pop(), *texts]  # "群众满意度 ≥95%": the weak label is the 三级 name
        if labels:
            self.feed(labels)
        if not texts:
            return
        open_row = self.open_row()
        if (
            not labels
            and open_row is not None
            and self.missing(open_row)
            and self.continues(open_row, texts, line, nxt)
        ):
            return
        if len(texts) == 1 and open_row is None and self.weak is not None and is_target_cell(texts[0]):
            weak = self.weak
            self.project.labels.undo()  # the weak label was the 三级 name of this value
            self.weak = None
            self.new_row(weak, [("target", texts[0])], line)
            return
        if len(texts) == 1 and (self.glued or is_item(texts[0]) or _BRACKETED.search(texts[0])):
            name, target = split_item(texts[0], glued=self.glued)  # a cell or an item with no space before its value
            self.new_row(name, [("target", target)] if target else [], line)
            self.open_name_alone = not target
            return
        if not labels and len(texts) == 1 and is_number(texts[0]):
            if open_row is not None:
                open_row.extra.append(("", texts[0]))  # a score of a column the header does not name
            return  # a bare number is never a name (the points of a block, "50", above its rows)
        name, values = self.assign(texts)
        self.new_row(name, values, line)
        self.open_name_alone = len(texts) == 1

    def continues(self, row: Row, texts: list[str], line: Line, nxt: Line | None) -> bool:
        """Give the open row the values on this line (or the rest of its name); False when the line starts a row."""
        missing = self.missing(row)
        if self.cells and len(texts) == 1 and as_label(texts[0]) is None:
            values = self.fit_missing(missing, texts, strict=False)
            if values is not None:
                row.fill(values)  # one cell per line: the next cells are the row's values, in column order
                return True
        if all(is_target_cell(t) or is_number(t) for t in texts):
            values = self.fit_missing(missing, texts, strict=True)
            if values is not None:
                row.fill(values)
                return True
        if len(texts) == 1 and missing[0] == "target" and not _NUMBERED.match(texts[0]):
            if nxt is not None and self.is_lone_value(nxt):
                row.name = join_broken([row.name, texts[0]])  # the name wraps; its value follows
            else:
                row.target = texts[0]  # a value written out in words, on its own line
            return True
        if len(texts) >= 2 and self.open_name_alone and not is_target_cell(texts[0]) and not _NUMBERED.match(texts[0]):
            name, values = self.assign(texts)
            row.name = join_broken([row.name, name])  # "参与培训的基层党组" + "织数量 >=50 家"
            row.fill(values)
            self.open_name_alone = False
            return True
        return False

    def fit_missing(self, missing: list[str], texts: list[str], *, strict: bool) -> list[tuple[str, str]] | None:
        """The cells of a line under the open row's missing columns, in order, each fitting its column."""
        values: list[tuple[str, str]] = []
        at = 0
        for text in texts:
            while at < len(missing) and not _fits(missing[at], text, strict=strict):
                at += 1
            if at >= len(missing):
                return None
            values.append((missing[at], text))
            at += 1
        return values

    def missing(self, row: Row) -> list[str]:
        """The columns the row has no value for; none but extras (备注, 指标解释) left on a line of several cells
        means the row is complete."""
        filled = set(row.filled())
        missing = [role for role in self.roles if role not in filled]
        return missing if self.cells or any(role in VALUE_ROLES for role in missing) else []

    def is_lone_value(self, line: Line) -> bool:
        tokens = self.tokens(line)
        return len(tokens) == 1 and is_target_cell(tokens[0]) and as_label(tokens[0]) is None

    def assign(self, texts: list[str]) -> tuple[str, list[tuple[str, str]]]:
        """The name and the (role, value) cells of a line: the split of the line that best fits the columns."""
        if len(texts) == 1:
            return texts[0], []
        if self.roles == ["target"] and not is_kind(texts[-1]):
            return " ".join(texts[:-1]), [("target", texts[-1])]  # the common form: a name and its value
        if len(texts) == 2:  # a name and one value: the column it fits best (what ``align`` finds, in one pass)
            skips = sum(_SKIPPED.get(role, 0.0) for role in self.roles)
            scored = [
                (fit + skips - _SKIPPED.get(role, 0.0), -at, role)
                for at, role in enumerate(self.roles)
                if (fit := fit_score(role, texts[1])) is not None
            ]
            if scored and max(scored)[0] >= skips:
                return texts[0], [(max(scored)[2], texts[1])]
            return " ".join(texts), []
        found = align(self.roles, texts)
        if found is None:
            return " ".join(texts), []
        return " ".join(texts[: found[0]]), found[1]

    def prose(self, parts: list[tuple[list[str], str]], line: Line) -> None:
        """A line of prose: labels announced with a colon, then items (name and target) after them."""
        for labels, text in parts:
            if labels:
                self.feed(labels)
            for name, target, actual in items(text):
                values = [("target", target)] if target else []
                self.new_row(name, values + ([("actual", actual)] if actual else []), line)

    def glued_cells(self, texts: list[str], line: Line) -> None:
        """A line of cells each glued to its labels and its target ("产出指标数量指标足额保障率=100% 22.5 …")."""
        for text in texts:
            labels, rest = glued_labels(text)
            if labels:
                self.feed(labels)
            if is_number(rest):
                row = self.open_row()
                if row is not None:
                    row.extra.append(("", rest))  # its score
                continue
            if is_total(rest) or is_stop(rest):
                return
            name, target = split_item(rest, glued=True)
            self.new_row(name, [("target", target)] if target else [], line)

    def segment(self, labels: list[str], texts: list[str], line: Line) -> None:
        """A line holding many rows (a table dumped on one line): labels, a name and its values, from the left."""
        if labels:
            self.feed(labels)
        if self.glued:
            self.glued_cells(texts, line)
            return
        i = 0
        while i < len(texts):
            found: list[str] = []
            while i < len(texts) and (label := as_label(texts[i])) is not None and (label.strong or found):
                found.append(texts[i])
                i += 1
            if found:
                self.feed(found)
            if i >= len(texts):
                break
            name, i = texts[i], i + 1
            values: list[tuple[str, str]] = []
            for role in self.roles:
                if i >= len(texts) or ((label := as_label(texts[i])) is not None and label.strong):
                    break
                if role in ("target", "actual") or (role in _TYPED and _fits(role, texts[i], strict=True)):
                    values.append((role, texts[i]))
                    i += 1
            self.new_row(name, values, line)

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
        row.fill(values)
        project.add(row)


_TYPED = frozenset({"weight", "score", "comparator", "unit"})


def _fits(role: str, text: str, *, strict: bool) -> bool:
    """A value may sit in a column; ``strict`` asks a target or actual to look like a value too.  A reason
    (偏差原因), usually left empty, takes only a sentence: a short text is the next row's name."""
    score = fit_score(role, text)
    if score is None or score < 0:
        return False
    if role == "reason":
        return len(text) > 20 or bool(_SENTENCE.search(text))
    return not strict or role not in ("target", "actual") or is_target_cell(text) or is_number(text)


_SENTENCE = re.compile(r"[，,。;；]")


def _label(text: str) -> Label:
    found = as_label(text)
    return found if found is not None else Label(text, False, True, True, other=True)
