"""The words of the filing forms, cell by cell: metadata keys, headers, titles, 一级/二级 labels, amounts, dates.

Every reader uses these tests on one cell (or one token of text without cell boundaries); the words are in
``data/readers.toml`` and the label names in the taxonomy.  Whether a cell is a target value is not decided
here: ``indicatornlp.targets.is_target_cell`` does it with the grammar of the target parser.

>>> metadata_key("项目名称：物业管理")
('project', '物业管理')
>>> as_label("产出指标(50分)").level1
True
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import tomllib
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import NamedTuple

from ..records import TargetKind
from ..targets import parse_target
from ..taxonomy import Taxonomy, clean_label, default_taxonomy
from ..text import bounded_cache, is_cjk, normalize_text

# ---- vocabulary (data/readers.toml and the taxonomy) ----------------------------------------------------


class Label(NamedTuple):
    """A cell read as a 一级/二级 label."""

    text: str
    level1: bool
    """It names a 一级 (or an alias of one)."""
    level2: bool
    """It names a 二级 (or an alias of one)."""
    strong: bool
    """It ends in 指标 (a weak one, such as "满意度", may also be a 三级 name)."""
    other: bool = False
    """A label of another frame (投入/过程 …): kept raw, no canonical category."""


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    """The words of the forms (data/readers.toml) and the label names of the taxonomy."""

    keys: dict[str, str]
    columns: dict[str, str]
    column_words: tuple[tuple[str, tuple[str, ...]], ...]
    header_words: tuple[str, ...]
    stop_prefixes: tuple[str, ...]
    furniture: frozenset[str]
    kinds: frozenset[str]
    ambiguous_level2: dict[str, frozenset[str]]
    level1_stems: frozenset[str]
    level2_stems: frozenset[str]
    other_stems: frozenset[str]
    canonical_level2: frozenset[str]
    label_prefixes: frozenset[str]
    label_starts: frozenset[str]
    """The first characters of the labels (a label printed one character per line starts with one)."""
    label_forms: tuple[str, ...]
    """Every label as written in full (产出指标, 产出, 数量指标 …), longest first: for labels glued to a name."""
    key_prefixes: frozenset[str]
    budget_columns: dict[str, str]
    """A header of the 自评表's funds block → its column (budget, executed, rate, weight, score, initial)."""
    budget_rows: frozenset[str]
    """The labels of the block's total row (年度资金总额)."""


def label_stem(label: str) -> str:
    """A label without its 指标 ending (目标 in evaluation templates, 值 in some local forms): "产出指标" → "产出",
    "投入目标" → "投入", "数量值" → "数量"."""
    if label.endswith(("指标", "目标")) and len(label) > 2:
        return label[:-2]
    return label[:-1] if label.endswith("值") and len(label) > 2 else label


@cache
def vocabulary() -> Vocabulary:
    """The reader vocabulary, read once."""
    data = tomllib.loads(resources.files("indicatornlp").joinpath("data/readers.toml").read_text("utf-8"))
    keys = {clean_key(k): field for field, words in data["metadata"].items() for k in words}
    columns = {compact(k): role for role, words in data["columns"].items() for k in words}
    header_words = tuple(sorted({compact(w) for w in data["header_words"]} | set(columns), key=len, reverse=True))
    taxonomy: Taxonomy = default_taxonomy()
    # the taxonomy keeps its alias tables private; the readers need exact membership, not its fuzzy lookup
    level1 = frozenset(taxonomy._level1)
    level2 = frozenset(taxonomy._level2)
    other = frozenset(taxonomy._not_categories)
    forms = {s + "指标" for s in level1 | level2 | other} | level1 | level2 | other
    prefixes = frozenset(f[:n] for f in forms for n in range(2, len(f)))
    return Vocabulary(
        keys=keys,
        columns=columns,
        column_words=tuple((role, tuple(words)) for role, words in data["column_words"].items()),
        header_words=header_words,
        stop_prefixes=tuple(normalize_text(p) for p in data["stop_prefixes"]),
        furniture=frozenset(compact(w) for w in data["furniture"]),
        kinds=frozenset(compact(w) for w in data["kinds"]),
        ambiguous_level2={k: frozenset(v) for k, v in data["ambiguous_level2"].items()},
        level1_stems=level1,
        level2_stems=level2,
        other_stems=other,
        canonical_level2=frozenset(taxonomy.level2_names),
        label_prefixes=prefixes,
        label_starts=frozenset(f[0] for f in forms if f.endswith("指标")),
        label_forms=tuple(sorted((f for f in forms if f.endswith("指标")), key=len, reverse=True)),
        key_prefixes=frozenset(k[:n] for k in keys for n in range(2, len(k))),
        budget_columns={clean_key(k): role for role, words in data["budget_block"]["columns"].items() for k in words},
        budget_rows=frozenset(clean_key(k) for k in data["budget_block"]["rows"]),
    )


# ---- text helpers -----------------------------------------------------------------------------------


def _wide(char: str) -> bool:
    """A Chinese character, CJK punctuation or a full-width form: no space is meant next to it."""
    return is_cjk(char) or "\uff00" <= char <= "\uffef" or char in "“”‘’—…·"


def join_broken(parts: Sequence[str]) -> str:
    """Join pieces of one cell that a line break separated: nothing next to Chinese, one space otherwise.

    >>> join_broken(["服务对象满", "意度指标"])
    '服务对象满意度指标'
    >>> join_broken(["G60", "2023"])
    'G60 2023'
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_wide(out[-1]) or _wide(part[0])):
            out += " "
        out += part
    return out


def repair_breaks(text: str) -> str:
    """A cell's text with its line breaks repaired and its ends stripped (inner spaces kept)."""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    return join_broken(text.splitlines())


def compact(text: str) -> str:
    """Normalized text without any space: the form keys and headers are matched on."""
    return normalize_text(text).replace(" ", "")


_KEY_PREFIX = re.compile(r"^(?:其中|含)[:：]?")
_KEY_SUFFIX = re.compile(r"(?:[:：]|\([^()]*\)){1,8}$")  # bounded: linear on a run of colons


@bounded_cache(8192)
def clean_key(text: str) -> str:
    """A metadata label as matched: ``"其中：财政资金"`` → ``"财政资金"``, ``"项目资金 (元)"`` → ``"项目资金"``."""
    key = compact(text)
    key = _KEY_PREFIX.sub("", key)
    return _KEY_SUFFIX.sub("", key)


@bounded_cache(65536)
def metadata_key(text: str) -> tuple[str, str] | None:
    """The field a metadata label announces and any value written in the same cell ("项目名称：物业管理").

    >>> metadata_key("其中：财政资金")
    ('fiscal', '')
    >>> metadata_key("项目名称：物业管理")
    ('project', '物业管理')
    >>> metadata_key("物业管理") is None
    True
    """
    if len(text) > 40:
        return None
    keys = vocabulary().keys
    key = clean_key(text)
    if key in keys:
        return keys[key], ""
    match = re.match(r"^\s*(?:其中\s*[:：]\s*)?([^:：]{2,12})\s*[:：]\s*(\S.*)$", text.strip())
    if match is None:  # "项目名称 党组织建设": a known label, a space, its value
        match = re.match(r"^\s*(\S{2,12})\s+(\S.*)$", text.strip())
    if match and clean_key(match.group(1)) in keys:
        value = re.split(r"\s+[^:：\s]{2,10}[:：]", match.group(2))[0]  # "温泉县医疗保障局 责任人:马玉秀"
        return keys[clean_key(match.group(1))], value.strip()
    return None


_BOXES = "□■☐☑☒▣√✓✔"
_BOX = re.compile(f"[{_BOXES}]")
_TICKED = "■☑☒▣√✓✔"
_LABEL_COLON = re.compile(r"^[^:：\d\s]{2,10}[:：]")


def resolve_ticks(text: str) -> str | None:
    """The option a filer ticked among the choices a form prints (``持续性项目■ 新增性项目□`` → 持续性项目), the
    text itself when it holds no boxes, ``None`` when no box is ticked (the field was not stated).

    >>> resolve_ticks("持续性项目■ 新增性项目□"), resolve_ticks("□新增 ■延续"), resolve_ticks("新增□ 延续□")
    ('持续性项目', '延续', None)
    """
    if not _BOX.search(text):
        return text
    boxes = _BOXES + "口"  # 口: a box read by OCR (only among other boxes)
    pattern = f"([{re.escape(boxes)}])"
    parts = [p.strip() for p in re.split(pattern, text.strip())]
    after = parts[-1] == ""  # "option□ option□": each box follows its option
    pairs = zip(parts[0::2], parts[1::2], strict=False) if after else zip(parts[2::2], parts[1::2], strict=False)
    ticked = [_option(option, after) for option, box in pairs if box in _TICKED]
    ticked = [t for t in ticked if t]
    return "、".join(ticked) if ticked else None


def _option(text: str, after: bool) -> str:
    """The words of one option ("其他运转类: 专项运转类" → 专项运转类; a group label before a colon dropped)."""
    words = re.split(r"\s+", re.sub(r"^.*[:：]", "", text).strip())
    return (words[-1] if after else words[0]).strip(":：,，、") if words else ""


@bounded_cache(16384)
def is_label_colon(text: str) -> bool:
    """A cell that announces a value with a colon ("评价类型:", "责任人:马玉秀"): a metadata label, known or not."""
    return bool(_LABEL_COLON.match(compact(text)))


def is_furniture(text: str) -> bool:
    """A row header or separator with no data of its own ("绩效 指标", "---")."""
    key = compact(text)
    return key in vocabulary().furniture or not key.strip("-:|—") or (len(key) >= 3 and not key.strip("="))


def is_stop(text: str) -> bool:
    """A note, signature or section heading that ends an indicator table."""
    t = normalize_text(text)
    return (
        t.startswith(vocabulary().stop_prefixes)
        or (bool(re.match(r"^[一二三四五六七八九十]+、", t)) and as_label(t) is None)
        or bool(re.search(r"\((?:盖章|签章|签字)\)", t))
    )


_TITLE = re.compile(r"(?:绩效目标|绩效自评|自评|绩效)[^。，,;；]{0,12}?表\d*(?:\([^()]*\))?$")
_YEAR_CELL = re.compile(r"^[(（]?(\d{4})年度?[)）]?$")
_YEAR_IN_TITLE = re.compile(r"(?<!\d)((?:19|20)\d{2})年")


def is_title(text: str) -> bool:
    """The title of a form ("财政项目支出绩效目标填报表 1", "项目支出绩效自评表")."""
    key = compact(text)
    return 4 <= len(key) <= 60 and bool(_TITLE.search(key))


def year_cell(text: str) -> int | None:
    """The year of a "（2023 年度）" line or cell."""
    match = _YEAR_CELL.match(compact(text))
    return int(match.group(1)) if match else None


def year_of_title(text: str) -> int | None:
    """The year in a title ("2023 年财政支出项目绩效目标申报表")."""
    match = _YEAR_IN_TITLE.search(compact(text))
    return int(match.group(1)) if match else None


_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_amount(text: str, *, scale: int = 1) -> Decimal | None:
    """The first amount in a cell, in 元 (``scale`` 10000 for a block headed 万元; "854万" counts 万 itself).

    >>> parse_amount("580000.00")
    Decimal('580000.00')
    >>> parse_amount("854万(高标准农田建设400万元)")
    Decimal('8540000')
    """
    t = normalize_text(text).replace(",", "")
    match = _AMOUNT.search(t)
    if not match:
        return None
    try:
        value = Decimal(match.group())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    if t[match.end() :].lstrip().startswith("万"):
        scale = 10000
    return value * scale if scale != 1 else value


def parse_date(text: str) -> datetime.date | None:
    """The first date in a cell ("2023-01-01", "2023年1月1日", "2023/1/1 00:00:00").

    >>> parse_date("2022年12月31日")
    datetime.date(2022, 12, 31)
    """
    match = _DATE.search(normalize_text(text))
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# ---- labels and values --------------------------------------------------------------------------------


@bounded_cache(16384)
def as_label(text: str) -> Label | None:
    """The cell read as a 一级/二级 label, or ``None`` (a 三级 name, a value, anything else).

    >>> as_label("产出指标(50分)").level1
    True
    >>> as_label("服务对象满 意度指标").strong
    True
    >>> as_label("群众满意度").strong  # an alias of a 二级, but also a common 三级 name
    False
    >>> as_label("群众满意度调查") is None
    True
    """
    if len(text) > 40:
        return None
    label = clean_label(text)
    if not label or len(label) > 20 or re.search(r"\d", label):
        return None
    vocab = vocabulary()
    stem = label_stem(label)
    strong = label.endswith(("指标", "目标", "值"))
    if stem in vocab.other_stems:
        return Label(text, stem in {"投入", "过程", "决策"}, stem not in {"投入", "过程", "决策"}, strong, other=True)
    one, two = stem in vocab.level1_stems, stem in vocab.level2_stems
    if not (one or two):
        return None
    return Label(text, one, two, strong)


_DASH = re.compile(r"[-—–－]")
_LABEL_PAIR = re.compile(r"^[【\[(（]?([^【】\[\]()（）]+?)\s*[-—–－]+\s*([^【】\[\]()（）]+?)[】\])）]?$")


def label_pair(text: str) -> list[str] | None:
    """A 一级 and a 二级 label written together ("【产出指标-数量指标】"), or ``None``.

    >>> label_pair("【效益指标-社会效益指标】")
    ['效益指标', '社会效益指标']
    """
    if not _DASH.search(text):
        return None
    match = _LABEL_PAIR.match(text.strip())
    if match is None:
        return None
    parts = [match.group(1), match.group(2)]
    return parts if all((found := as_label(p)) is not None and found.strong for p in parts) else None


@bounded_cache(16384)
def is_comparator(text: str) -> bool:
    """A cell holding only a comparator (``≥``, ``=``, ``大于等于``): the first of a target split over cells.

    >>> [is_comparator(t) for t in ("≥", "＝", "大于等于", "≥90%", "正向", "定性")]
    [True, True, True, False, False, False]
    """
    if not text or len(text) > 6:
        return False
    target = parse_target(text)
    return target.kind is TargetKind.EMPTY and target.comparator is not None


def is_kind(text: str) -> bool:
    """A 指标性质/指标方向 word (定性, 正向): what kind of target the row has, never part of it."""
    return compact(text) in vocabulary().kinds


@bounded_cache(16384)
def is_placeholder(text: str) -> bool:
    """A row slot the filer left unfilled ("指标2:", "……", "—"): never an indicator, never the end of a table.

    >>> [is_placeholder(t) for t in ("指标2:", "……", "指标1:资助学生人数", "群众满意度")]
    [True, True, False, False]
    """
    key = compact(text)
    if _SLOT.fullmatch(key):
        return True
    target = parse_target(key)
    return target.kind is TargetKind.EMPTY and bool(target.flags & {"blank", "placeholder"}) and not key.isalnum()


_SLOT = re.compile(r"(?:指标|目标)\d{0,2}[:：.、]?|\d{1,2}[:：、]")


_TOTAL = re.compile(r"^(?:合计|总分|总计|小计|合计得分|总得分)[:：]?\s*\d*(?:\.\d+)?$")


def is_total(text: str) -> bool:
    """合计 / 总分, with or without its number: the sum of the scores under the indicators, not one of them.

    >>> is_total("合计"), is_total("合计100"), is_total("合计完成率")
    (True, True, False)
    """
    return text[:1] in "合总小 " and bool(_TOTAL.match(compact(text)))


def is_unknown_label(text: str, *, longest: int = 10) -> bool:
    """A short cell ending in 指标 that the taxonomy does not know (计划管理指标, 社会、经济、生态效益 指标): a label
    of the filer's own, not the start of a name.

    >>> is_unknown_label("计划管理指标"), is_unknown_label("产出指标"), is_unknown_label("绩效指标")
    (True, False, False)
    """
    key = compact(text)
    return (
        bool(re.search(r"指标[等)）]*$", key))
        and 4 <= len(key) <= longest
        and not re.search(r"\d", key)
        and not is_kind(key)
        and not is_furniture(key)
        and as_label(text) is None
    )


def is_label_prefix(text: str, *, single: bool = False) -> bool:
    """A piece of a label broken by a line end ("产出指", "服务对象满"); with ``single``, also its first character
    alone (a label printed one character per line: "产" / "出" / "指" / "标")."""
    label = clean_label(text)
    if single and len(label) == 1:
        return label in vocabulary().label_starts
    return len(label) >= 2 and label in vocabulary().label_prefixes


def glued_labels(text: str) -> tuple[list[str], str]:
    """The labels a cell starts with when the page lost its cell boundaries, and the rest of it.

    >>> glued_labels("产出指标数量指标修缮农村道路里程12公里")
    (['产出指标', '数量指标'], '修缮农村道路里程12公里')
    >>> glued_labels("党组织特色活动")
    ([], '党组织特色活动')
    """
    labels: list[str] = []
    rest = text
    forms = _forms_by_start()
    while len(rest) > 4:
        found = next((f for f in forms.get(rest[:2], ()) if rest.startswith(f) and len(rest) > len(f)), None)
        if found is None:
            break
        labels.append(found)
        rest = rest[len(found) :]
    return labels, rest


@cache
def _forms_by_start() -> dict[str, tuple[str, ...]]:
    """The full label forms by their first two characters, longest first."""
    out: dict[str, list[str]] = {}
    for form in vocabulary().label_forms:
        out.setdefault(form[:2], []).append(form)
    return {start: tuple(forms) for start, forms in out.items()}


@bounded_cache(16384)
def is_header_text(text: str) -> bool:
    """A line made of header words, or of pieces of them ("一级指", "标", "年度指标").

    >>> is_header_text("一级指标 二级指标 三级指标 年度指标值"), is_header_text("产出指标 数量指标")
    (True, False)
    """
    if not text.strip() or as_label(text) is not None or is_label_prefix(text, single=True):
        return False
    vocab = vocabulary()
    for token in text.split():
        rest = re.sub(r"[(（][^)）]*[)）]", "", compact(token))  # 绩效指标(权重分值90分 …)
        if metadata_key(rest) is not None:
            continue  # a wide table's own columns (项目名称, 项目单位 …) before its 一级指标
        for word in vocab.header_words:
            rest = rest.replace(word, "")
        rest = re.sub(r"[()（）\[\]【】:：、/]", "", rest)
        if rest and not any(rest in word for word in vocab.header_words):
            return False
    return True


VALUE_ROLES = frozenset({"target", "actual", "comparator", "unit", "weight", "score", "reason"})
"""The roles of the columns right of the 三级 name that ``Indicator`` has a field for (the others are extras)."""
LABEL_ROLES = frozenset({"level1", "level2"})


@bounded_cache(8192)
def column_role(text: str) -> str | None:
    """The role of one header cell of an indicator table, its own text for an extra column, or ``None``.

    >>> [column_role(t) for t in ("三级指标", "年初目标值(A)", "全年完成值", "计算符号", "指标解释", "项目名称")]
    ['name', 'target', 'actual', 'comparator', '指标解释', None]
    """
    vocab = vocabulary()
    key = compact(text)
    bare = re.sub(r"\([^()]*\)$", "", key)
    if key in vocab.columns:
        return vocab.columns[key]
    if bare in vocab.columns:
        return vocab.columns[bare]
    if not key or key in vocab.furniture:
        return None
    if key in vocab.header_words or bare in vocab.header_words:
        return bare
    if 2 < len(bare) <= 16 and not re.search(r"\d", bare):
        for role, words in vocab.column_words:
            if any(word in bare for word in words):
                return bare if role == "extra" else role
    return None


@cache
def _inline_words() -> re.Pattern[str]:
    words = [w for w, role in vocabulary().columns.items() if role in ("target", "actual") and len(w) >= 3]
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"(?P<word>{alternation})(?:为|是|:|：)?(?P<value>.+)$")


def inline_column(text: str) -> tuple[str, str, str] | None:
    """A stretch of a report's prose that names a column before its value: (what comes before, the role, value).

    >>> inline_column("养老金领取人数年初任务数101974人")
    ('养老金领取人数', 'target', '101974人')
    >>> inline_column("全年完成值为103119人")
    ('', 'actual', '103119人')
    """
    match = _inline_words().search(text)
    if match is None:
        return None
    return text[: match.start()], vocabulary().columns[match.group("word")], match.group("value").strip()


def header_roles(texts: Sequence[str]) -> list[str | None] | None:
    """The role of each cell of an indicator-table header row, or ``None`` when the row is not one.

    Roles: ``level1``, ``level2``, ``name``, one of ``VALUE_ROLES``, another header's text (an extra column), or
    ``None`` for a cell that is not a header word.
    >>> header_roles(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"])
    [None, 'level1', 'level2', 'name', 'target']
    >>> header_roles(["三级指标", "分值", "年初目标值(A)", "实际完成值(B)", "得分", "未完成原因和改进措施"])
    ['name', 'weight', 'target', 'actual', 'score', 'reason']
    """
    if not any("指标" in t or "值" in t or "名称" in t for t in texts):
        return None
    roles = [column_role(text) for text in texts]
    if "name" in roles and ("target" in roles or "actual" in roles):
        return roles
    if {"level1", "level2", "name"} <= set(roles):
        return roles
    return None


# ---- the funds block of a 自评表 (全年预算数 / 全年执行数 / 分值 / 执行率 / 得分) -----------------------------------

_BLOCK_VALUE = re.compile(r"[+-]?\d+(?:\.\d+)?(?:%|万元?|元|分)?")
_BLOCK_EMPTY = frozenset({"—", "-", "/", "——", "－", "无"})


def budget_block(cells: Sequence[str]) -> tuple[dict[str, str], str] | None:
    """The 年度资金总额 row of a 自评表's funds block: its values by column, and the row as filed.

    ``cells`` are the tokens of the metadata, in reading order; the header (全年预算数, 全年执行数, 分值, 执行率,
    得分 …) comes first, the row label 年度资金总额 before its values (or at the end of the header).  Values are
    placed by column; when one fewer is printed than there are columns (an empty cell the page lost), the stated
    rate (the value with %) says whether the 年初预算数 or the trailing 得分 is the empty one.  ``None`` when the
    block is not there or its values cannot be placed.

    >>> page = "全年预算数(A) 全年执行数(B) 分值 执行率(B/A) 得分 年度资金总额: 9.48 9.48 10 100% 10"
    >>> values, raw = budget_block(page.split())
    >>> values
    {'budget': '9.48', 'executed': '9.48', 'weight': '10', 'rate': '100%', 'score': '10'}
    """
    v = vocabulary()
    roles: list[str] = []
    label_at: int | None = None
    for i, cell in enumerate(cells):
        key = clean_key(cell)
        role = v.budget_columns.get(key)
        if role is not None and label_at is None:
            if role in roles:
                roles = []  # a second header (the block repeated): start over
            roles.append(role)
        elif key in v.budget_rows and len(roles) >= 2:
            label_at = i
            break
    if label_at is None or ("rate" not in roles and not {"budget", "executed"} <= set(roles)):
        return None
    values: list[str] = []
    for cell in cells[label_at + 1 :]:
        text = compact(cell)
        if not text:
            continue
        if text in _BLOCK_EMPTY or _BLOCK_VALUE.fullmatch(text):
            values.append(text)
        else:
            break
    placed = _place(roles, values)
    if placed is None:
        return None
    raw = " ".join([cells[label_at].strip(), *values])
    return {role: value for role, value in placed.items() if value not in _BLOCK_EMPTY}, raw


def _place(roles: Sequence[str], values: Sequence[str]) -> dict[str, str] | None:
    """Values by column: all of them, or all but an empty 年初预算数 or 得分 (the rate's % says which)."""
    if not values:
        return None
    if len(values) >= len(roles):
        return dict(zip(roles, values, strict=False))
    if len(values) != len(roles) - 1:
        return None
    rate = next((i for i, value in enumerate(values) if value.endswith("%")), None)
    for dropped in ("initial", "score"):
        if dropped in roles:
            kept = [r for r in roles if r != dropped]
            if rate is None or ("rate" in kept and kept.index("rate") == rate):
                return dict(zip(kept, values, strict=True))
    return None
