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

from ..records import Filing, Position
from ..text import bounded_cache
from ._forms import (
    LABEL_ROLES,
    VALUE_ROLES,
    as_label,
    clean_key,
    column_role,
    compact,
    glued_labels,
    is_furniture,
    is_header_text,
    is_label_colon,
    is_title,
    join_broken,
    label_pair,
    metadata_key,
    vocabulary,
    year_cell,
    year_of_title,
)
from ._lines import Line, TableReader
from ._project import Project, no_table
from ._prose import prose

__all__ = ["read_text"]

_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*\d+\s*-|\d+\s*/\s*\d+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.IGNORECASE,
)


def read_text(path: str | os.PathLike[str], text: str) -> list[Filing]:
    """Every project of a text extracted from a PDF (already read as ``text``).

    Raises ``NoIndicatorTableError`` when no indicator row is found.
    """
    where = os.fspath(path)
    lines, cells = _lines(text)
    filings: list[Filing] = []
    default_year: int | None = None
    regions = _regions(lines)
    for line in lines[: regions[0][0]] if regions else lines:
        if is_title(line.text):
            default_year = default_year or year_of_title(line.text)
    for start, end in regions:
        project = _read_region(where, lines[start:end], cells=cells)
        if project is not None:
            filings.append(project.filing(default_year))
    if not any(f.indicators for f in filings):
        raise no_table(where, seen=_seen(lines))
    return filings


def _lines(text: str) -> tuple[list[Line], bool]:
    """The non-empty lines of a text, and whether each is one cell (a page whose cells are separated by blank
    lines, few of them with a space inside; a PDF's text, double-spaced, has several cells to a line)."""
    paged = "\f" in text
    page = 1
    out: list[Line] = []
    filled = apart = spaced = 0
    previous = ""
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if number <= 400:  # the head of the page says how it was flattened
            if stripped:
                filled += 1
                spaced += " " in stripped
            elif previous:
                apart += 1
            previous = stripped
        if "\f" in stripped:
            page += stripped.count("\f")
            stripped = stripped.replace("\f", "").strip()
        if stripped and not _PAGE_NUMBER.match(stripped):
            if len(stripped) < 120:
                out.append(Line(stripped, number, page if paged else None))
            else:
                out.extend(Line(p, number, page if paged else None) for p in _around_header(stripped))
    return out, filled >= 8 and apart * 10 >= filled * 7 and spaced * 5 < filled


def _around_header(line: str) -> list[str]:
    """A long line holding an indicator header among other text (a table dumped on one line) cut before and
    after the header, so that the metadata, the header and the rows are read apart."""
    tokens = line.split()
    best: tuple[int, int] | None = None
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and (column_role(tokens[j]) is not None or is_furniture(tokens[j])):
            j += 1
        if j - i >= 3 and "name" in {column_role(t) for t in tokens[i:j]}:
            best = (i, j)
            break
        i = j + 1
    if best is None:
        return [line]
    i, j = best
    return [" ".join(part) for part in (tokens[:i], tokens[i:j], tokens[j:]) if part]


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


def _read_region(path: str, lines: Sequence[Line], *, cells: bool = False) -> Project | None:
    if not lines:
        return None
    header = _find_header(lines)
    project = Project(Position(path, page=lines[0].page, line=lines[0].number))
    if header is None:
        first_label = next((i for i in range(len(lines)) if _opens_table(lines, i)), None)
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
    _read_metadata(project, lines[:meta_end], single=cells)
    if "actual" in roles:
        project.form = "自评表"
    lead = _leading_fields(lines[meta_end:table_start]) if header is not None else []
    table = lines[table_start:]
    stop = TableReader(project, path, roles, lead=lead, cells=cells).read(table)
    if stop is not None:
        skipped = next((line for line in table[stop + 1 : stop + 13] if _reads_like_a_row(line)), None)
        if skipped is not None:
            at = table[stop]
            project.lost(
                Position(path, page=at.page, line=at.number),
                at.text,
                Position(path, page=skipped.page, line=skipped.number),
                skipped.text,
            )
    if not project.rows and "project" not in project.fields:
        return None
    return project


def _seen(lines: Sequence[Line]) -> str:
    """What a text without indicator rows holds of a table, for the error."""
    header = _find_header(lines)
    if header is not None:
        return f"a header at line {lines[header[0]].number}, but no row under it"
    labels = [line for line in lines if (found := as_label(line.text.split()[0])) is not None and found.strong]
    if labels:
        return f"{len(labels)} label line(s) (first at line {labels[0].number}), but no name with a value after them"
    inside = [line for line in lines if any(form in line.text for form in _MAIN_LABELS)]
    if inside:
        words = ", ".join([f for f in _MAIN_LABELS if f in inside[0].text][:3])
        return (
            f"label words ({words} …) inside running text from line {inside[0].number}, with no cells to tell apart "
            "(text glued without separators, or a scrambled sheet)"
        )
    return f"neither in its {len(lines)} non-empty line(s)"


_MAIN_LABELS = ("产出指标", "效益指标", "满意度指标", "数量指标", "质量指标", "时效指标", "成本指标")


def _opens_table(lines: Sequence[Line], i: int) -> bool:
    """The table starts at this line although no header came: a strong label with a name on its line, or alone
    on its line with a label, an item or a value on the next lines (a tree of labels, no header); labels written
    as a pair (【产出指标-数量指标】), announcing prose (数量指标:…), or glued to a name."""
    text = lines[i].text
    if label_pair(text) is not None or prose(text) is not None:
        return True
    tokens = text.split()
    label = as_label(text) or (as_label(tokens[0]) if tokens else None)
    if label is None or not label.strong:
        return bool(tokens) and bool(glued_labels(tokens[0])[0])
    if len(tokens) >= 2 and as_label(text) is None:
        return True
    following = [line.text for line in lines[i + 1 : i + 3]]
    return bool(following) and (
        as_label(following[0]) is not None
        or prose(following[0]) is not None
        or label_pair(following[0]) is not None
        or any(_is_value(t) for t in following[1:])
    )


def _reads_like_a_row(line: Line) -> bool:
    """A line after the end of a table that holds labels and more: the table may go on past what stopped it."""
    tokens = line.text.split()
    if len(tokens) >= 3 and (label := as_label(tokens[0])) is not None and label.strong:
        return True
    return label_pair(line.text) is not None


def _is_value(text: str) -> bool:
    from ..targets import is_target_cell

    return is_target_cell(text)


# ---- header --------------------------------------------------------------------------------------------

_NAME_WORDS = ("三级指标", "指标名称", "三级指标内容", "指标内容", "目标名称", "三级")
_STRUCTURE = LABEL_ROLES | {"name"}


def _find_header(lines: Sequence[Line]) -> tuple[int, int, list[str]] | None:
    """(first line of the header, first line after it, value columns) of the first indicator header."""
    i = 0
    while i < len(lines):
        if not is_header_text(lines[i].text):
            i += 1
            continue
        j = i
        while j < len(lines) and is_header_text(lines[j].text):
            j += 1
        joined = "".join(compact(line.text) for line in lines[i:j])
        if any(word in joined for word in _NAME_WORDS):
            return i, j, list(_header_roles(tuple(line.text for line in lines[i:j])) or _value_roles(joined))
        i = j
    return None


def _leading_fields(lines: Sequence[Line]) -> list[str]:
    """The metadata columns a wide table prints left of its 一级指标 (项目名称 | 项目单位 | 年度绩效目标 | 一级指标 …):
    the first row holds their values before its labels."""
    fields: list[str] = []
    for token in (t for line in lines for t in line.text.split()):
        if column_role(token) in _STRUCTURE:
            break
        key = metadata_key(token)
        fields.append(key[0] if key is not None else "ignore")
    return fields if any(f != "ignore" for f in fields) else []


def _is_fragment(word: str) -> bool:
    """A piece of a header word broken over lines ("一级指", "年度" of 年度指标值)."""
    role = column_role(word)
    if role in _STRUCTURE or role in VALUE_ROLES:
        return False
    return role is None or any(w.startswith(word) and w != word for w in vocabulary().columns)


@bounded_cache(1024)
def _header_roles(lines: tuple[str, ...]) -> tuple[str, ...] | None:
    """The columns right of the 三级 name, read cell by cell from a header given over lines: a line whose cells
    complete words broken on the line above ("年度 实际 分值" + "指标值 完成值") joins them to those words."""
    columns: list[str] = []
    for line in lines:
        tokens = [compact(t) for t in line.split() if compact(t)]
        broken = [i for i, c in enumerate(columns) if _is_fragment(c)][-len(tokens) :] if tokens else []
        if len(broken) == len(tokens) and all(
            columns[i] + t in vocabulary().header_words for i, t in zip(broken, tokens, strict=True)
        ):
            for i, t in zip(broken, tokens, strict=True):
                columns[i] += t
        else:
            columns += tokens
    roles = [column_role(c) for c in columns]
    if "name" not in roles:
        return None
    after = [r for r in roles[roles.index("name") + 1 :] if r is not None and r not in _STRUCTURE]
    if "target" not in after:
        after.insert(0, "target")
    return tuple(after)


def _value_roles(header: str) -> list[str]:
    """The value columns after the 三级 name, in order, from a header whose words are broken anywhere."""
    columns = vocabulary().columns
    words = sorted(columns, key=len, reverse=True)
    name_at = min((header.find(w) for w in _NAME_WORDS if w in header), default=0)
    roles: list[str] = []
    i = name_at
    while i < len(header):
        for word in words:
            if header.startswith(word, i):
                role = columns.get(word, word)
                if role in VALUE_ROLES and role not in roles:
                    roles.append(role)
                i += len(word)
                break
        else:
            i += 1
    if "target" not in roles:
        roles.insert(0, "target")
    return roles


# ---- metadata ------------------------------------------------------------------------------------------


def _read_metadata(project: Project, lines: Sequence[Line], *, single: bool = False) -> None:
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
    cells = [
        tok
        for line in (body if goal_at is None else body[:goal_at])
        for tok in ((line.text,) if single else line.text.split())
    ]
    _read_key_values(project, cells, single=single)
    project.meta_cells += [tok for line in body for tok in ((line.text,) if single else line.text.split())]
    if goal_at is not None:
        first = body[goal_at].text.split()
        at = next(i for i, tok in enumerate(first) if _is_goal_key(tok))
        _read_key_values(project, first[:at])
        after = [tok for tok in first[at + 1 :] if metadata_key(tok) is None]
        goal_lines = ([" ".join(after)] if after else []) + [line.text for line in body[goal_at + 1 :]]
        goal = _annual_block(goal_lines)
        if goal:
            project.set_field("goal", goal)


def _read_key_values(project: Project, cells: Sequence[str], *, single: bool = False) -> None:
    """Labels and the values after them; a label broken over lines ("计划完成日" + "期") is joined first.

    A value runs over the cells up to the next label (a value broken over lines), or an unknown label with a colon
    ("评价类型:"); with ``single`` (a page of one cell per line) a value is one cell.
    """
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
        if i + 1 < len(cells) and _is_key_prefix(
            cell
        ):  # a label broken over cells, or one going on ("主管部门" + "及编码")
            for n in (3, 2):
                if i + n <= len(cells) and (longer := metadata_key("".join(cells[i : i + n]))) is not None:
                    key, width = longer, n
                    break
        if key is None and (":" in cell or "：" in cell) and is_label_colon(cell):
            key = ("ignore", "")  # a label the forms do not list: what follows belongs to it, not to the field before
        if key is None:
            if not (single and parts):
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
