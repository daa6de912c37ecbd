"""The tagger: a name (+ target, + project) → measure, family, concept, object class, with the evidence kept.

Steps (each a function below): ``concept_name`` cleans the name and reads a unit written into it; ``target_form``
reads the target's form; ``_measure`` finds the measure word that ends last in the name (or the measure the
target's wording or form states); the family follows from the measure's template, its roles and the form; the
object class is the nearest object word before the measure word, else after it, else the project's.  Linear in the
length of the name (a few regular-expression scans) and cached.

>>> c = tag_concept("资金支付及时率", "100%")
>>> c.family, c.concept, c.level2, c.evidence[:2]
('timeliness.funds', 'timeliness.funds.project_payment', '时效指标', ('measure timeliness: 及时率', 'form rate: %'))
>>> tag_concept("新建道路(公里)", "5").family
'size.length'
>>> tag_concept("党组织特色活动")
Concept(measure=None, family=None, concept=None, object=None, form=None, level2=None, admissible=(), evidence=())
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import cache

from ..records import Concept, TargetKind
from ..targets import parse_target
from ..text import STRIP_PASSES, bounded_cache, normalize_text, strip_decoration
from ._dictionary import COUNTABLE, Dictionary, Measure, default_dictionary, gap_pattern

__all__ = ["concept_name", "concept_qualifiers", "object_phrase", "tag_concept", "target_form"]

_DECORATION = re.compile(r"^(?:指标\s*\d+\s*[:：.．、]?\s*|【[^】]{0,6}】|[★☆▲△●○◆◇■□※*#＊\-—·•]+|其中[:：]?)")
_EDGES = " \t:：;；,，。、等"  # and a trailing 等 (etc.): 开展…重要活动等 counts 活动
_BRACKET = re.compile(r"[(（\[【]([^()（）\[\]【】]*)[)）\]】]")
_MARKS = re.compile(r"[≥≤<>=＞＜≧≦*＊xX×?？\d.\s~\-]+")
# a target written at the end of a name: a comparator and a number or template mark (…人口数≥**人), or a percentage
_EMBEDDED = re.compile(
    r"(?<=[\u4e00-\u9fff])\s*(?:[≥≤<>=]=?\s*(?:[\d.]+|[*＊xX]+)\s*(%|[\u4e00-\u9fff/]{0,4})|[*＊xX]+\s*(%|[\u4e00-\u9fff/]{0,4})|[\d.]+\s*(%))$"
)
_TRAILING_PERCENT = re.compile(r"\s*(?:%|百分比)$")
_EXPLANATION = re.compile(r"[:：=]|为|计算|含义|指|包括|不含")
_PERCENT = frozenset({"%", "百分比", "百分率", "‰"})


_UNKNOWN = Measure("", (), "", {})
"""The measure of a word the dictionary marks unknown (a bare 率): chosen like a noun, it leaves the name untagged."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Scanner:
    """A set of words found by dictionary lookups: at each position the longest word, matches not overlapping
    (what an alternation of the words sorted longest first finds, without trying every word at every position)."""

    words: frozenset[str]
    lengths: tuple[int, ...]

    @classmethod
    def of(cls, words: Iterable[str]) -> _Scanner:
        chosen = frozenset(w for w in words if w)
        return cls(chosen, tuple(sorted({len(w) for w in chosen}, reverse=True)))

    def backward(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) from the end of the text backwards: at each end the longest word that ends there."""
        out = []
        end = len(text)
        while end > 0:
            for n in self.lengths:
                if n <= end and text[end - n : end] in self.words:
                    out.append((end - n, end, text[end - n : end]))
                    end -= n
                    break
            else:
                end -= 1
        return out

    def forward(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) from the start: at each start the longest word that starts there."""
        out = []
        start = 0
        while start < len(text):
            for n in self.lengths:
                if text[start : start + n] in self.words:
                    out.append((start, start + n, text[start : start + n]))
                    start += n
                    break
            else:
                start += 1
        return out

    def ends(self, text: str) -> str | None:
        """The longest word the text ends in."""
        return next((text[-n:] for n in self.lengths if n <= len(text) and text[-n:] in self.words), None)


@dataclasses.dataclass(frozen=True, slots=True)
class _Tables:
    """The dictionary's words compiled: scanners for measure words, objects and nouns, patterns for the rest."""

    measures: _Scanner
    gapped: re.Pattern[str] | None
    """The measure words with a gap (降低…成本), as one pattern."""
    measure_of: dict[str, str | None]
    """Word → measure id (``None`` for a hard negative, ``""`` for an unknown measure)."""
    objects: _Scanner
    object_of: dict[str, tuple[str | None, bool, bool]]
    """Word → (object id, is a respondent, is a placeholder)."""
    scoped: dict[str, list[tuple[str, _Scanner]]]
    """Family → its scoped object classes in file order, each with its words."""
    scoped_families: frozenset[str]
    people: _Scanner
    people_anywhere: _Scanner
    events: _Scanner
    outputs: _Scanner
    questions: re.Pattern[str] | None
    phrases: tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...], frozenset[str], frozenset[str]], ...]
    """(measure, its words with their patterns, labels, kinds) of each target phrase, in file order."""
    qualifiers: _Scanner
    qualifier_of: dict[str, tuple[str, str]]
    """Word → (set, value) of the qualifiers that tell itemised siblings apart."""
    fillers: re.Pattern[str]
    """The words of a project's title that name no object (project_fillers and placeholders), years and numbers."""


@cache
def _tables(d: Dictionary) -> _Tables:
    measure_words = {w: m.id for m in d.measures.values() for w in m.words}
    words: dict[str, str | None] = {
        **measure_words,
        **dict.fromkeys(d.negative_words),
        **dict.fromkeys(d.unknown_words, ""),
    }
    gapped = [w for w in words if "…" in w]
    object_of: dict[str, tuple[str | None, bool, bool]] = {}
    scoped: dict[str, list[tuple[str, _Scanner]]] = {}
    scoped_families: set[str] = set()
    for o in d.objects:
        if o.scope:
            scoped_families |= o.scope
            for family in sorted(o.scope):
                scoped.setdefault(family, []).append((o.id, _Scanner.of(o.words)))
        else:
            for w in o.words:
                object_of[w] = (o.id, False, False)
    for w in d.respondents:
        oid = object_of.get(w, (None, False, False))[0]
        object_of[w] = (oid, True, False)
    for w in d.placeholders:
        object_of[w] = (None, False, True)
    return _Tables(
        measures=_Scanner.of(w for w in words if "…" not in w),
        gapped=re.compile(gap_pattern(gapped)) if gapped else None,
        measure_of=words,
        objects=_Scanner.of(object_of),
        object_of=object_of,
        scoped=scoped,
        scoped_families=frozenset(scoped_families),
        people=_Scanner.of(d.people_nouns),
        people_anywhere=_Scanner.of(set(d.people_nouns) - {"人"}),
        events=_Scanner.of(d.event_nouns),
        outputs=_Scanner.of(d.output_nouns),
        questions=re.compile(gap_pattern(d.questions)) if d.questions else None,
        phrases=tuple(
            (p.measure, tuple((w, re.compile(gap_pattern([w]))) for w in p.words), p.labels, p.kinds) for p in d.phrases
        ),
        qualifiers=_Scanner.of(w for q in d.qualifiers for w in q.words),
        qualifier_of={w: (q.set, q.value) for q in d.qualifiers for w in q.words},
        fillers=re.compile("|".join([r"\d+年度?", r"\d+", gap_pattern((*d.project_fillers, *d.placeholders))])),
    )


def _gapped_measure(d: Dictionary, text: str) -> str | None:
    """The measure of a match of a word with a gap (``降低…成本``): found by trying each such word."""
    for m in d.measures.values():
        for w in m.words:
            if "…" in w and re.fullmatch(gap_pattern([w]), text):
                return m.id
    return None


# ---- the name and the target ------------------------------------------------------------------------------------


@bounded_cache(1 << 16)
def _unit_form(text: str) -> str | None:
    """The form a unit written in a name shows (``公里`` → length, ``≥**%`` → rate, ``万元`` → money)."""
    unit = _MARKS.sub("", normalize_text(text))
    if not unit:
        return "rate" if "%" in text else None
    if unit in _PERCENT:
        return "rate"
    t = parse_target("1" + unit)
    return _form_of_unit(t.unit) if t.unit and "unknown_unit" not in t.flags else None


def _form_of_unit(unit: str) -> str | None:
    forms = default_dictionary().unit_forms
    if unit in forms:
        return forms[unit]
    if "/" in unit:
        base = unit.split("/")[0]
        if base == "元" or base == "":
            return "money_per_unit"
        return forms.get(base)
    return None


@bounded_cache(1 << 18)
def concept_name(name: str) -> tuple[str, str | None]:
    """The name as the tagger reads it, and the form of a unit written into it (``None`` if none).

    Numbering, ``指标1:``, ``★`` and ``【新增】`` go; a bracket holding a unit or a template mark (``(公里)``,
    ``(≥**%)``) goes and gives the form; a bracket that explains (``(计算方法为:…)``) goes; other brackets keep their
    text (``(县内培训)`` → ``县内培训``); a target written at the end (``…人口数≥**人``) goes and gives the form.

    >>> concept_name("指标1:新建道路(公里)")
    ('新建道路', 'length')
    >>> concept_name("培训人次(县内培训)")
    ('培训人次县内培训', None)
    >>> concept_name("受益建档立卡贫困人口数≥**人")
    ('受益建档立卡贫困人口数', 'people')
    >>> concept_name("在**学科领域影响因子大于**分的论文")
    ('在**学科领域影响因子大于**分的论文', None)
    """
    text = strip_decoration(name, _DECORATION, _EDGES)
    form: str | None = None

    def bracket(found: re.Match[str]) -> str:
        nonlocal form
        inner = found.group(1).strip()
        inner_form = _unit_form(inner) if inner else None
        if inner_form is not None or not inner or not _MARKS.sub("", inner):
            form = form or inner_form
            return ""
        if _EXPLANATION.search(inner) or len(inner) > 10:
            return ""
        return inner

    previous = None
    for _ in range(STRIP_PASSES):  # nested brackets, innermost first (bounded: a hostile name stays linear)
        if previous == text:
            break
        previous, text = text, _BRACKET.sub(bracket, text)
    embedded = _EMBEDDED.search(text)
    # a template mark with no comparator before it is a target only when a unit follows (…人口数**人), not a word
    # (影响因子大于**分的论文, 获得**奖励: the mark stands for a number the filer left open)
    if embedded and embedded.group(2) and _unit_form(embedded.group(2)) is None:
        embedded = None
    if embedded:
        unit = next((g for g in embedded.groups() if g), None)
        form = form or (_unit_form(unit) if unit else None)
        text = text[: embedded.start()]
    if _TRAILING_PERCENT.search(text):
        form, text = form or "rate", _TRAILING_PERCENT.sub("", text)
    return re.sub(r"\s+", "", text).strip(_EDGES), form


@bounded_cache(1 << 16)
def target_form(target: str) -> tuple[str | None, str]:
    """The form of a target and what shows it (``("rate", "%")``, ``("date", "11月底前")``; ``None``: unknown).

    A comparison with last year (``不低于上年``) states no form of its own: the name's measure decides (rule 26).  Two
    targets for a compound row (``80人、500份``) give the form of the first (rule 3).

    >>> target_form("≥95%"), target_form("≤28.4元/株"), target_form("2023年底"), target_form("及时")
    (('rate', '%'), ('money_per_unit', '元/株'), ('date', '2023年底'), ('qualitative', '及时'))
    >>> target_form("不低于上年"), target_form("80人、500份")
    ((None, ''), ('people', '人 (the first of several targets)'))
    """
    t = parse_target(target)
    if t.kind is TargetKind.NUMERIC:
        if t.unit:
            form = _form_of_unit(t.unit)
            return form, t.unit
        return "number", "a bare number"
    if t.kind is TargetKind.DEADLINE:
        return "date", t.raw.strip()
    if t.kind is TargetKind.DIRECTION and "last_year" in t.flags:
        return None, ""
    if t.kind is TargetKind.TEXT and (first := _first_target(target)) is not None:
        return first
    if t.kind in (TargetKind.QUALITATIVE, TargetKind.DIRECTION, TargetKind.TEXT):
        return "qualitative", t.raw.strip()
    return None, ""


_SEVERAL = re.compile(r"\s*[、，,；;]\s*")


def _first_target(target: str) -> tuple[str, str] | None:
    """The form of the first of several numeric targets written in one cell (``80人、500份``), else ``None``."""
    parts = _SEVERAL.split(target.strip())
    if len(parts) < 2:
        return None
    first = parse_target(parts[0])
    if first.kind is not TargetKind.NUMERIC or not first.unit or parse_target(parts[1]).kind is not TargetKind.NUMERIC:
        return None
    form = _form_of_unit(first.unit)
    return (form, f"{first.unit} (the first of several targets)") if form else None


# ---- the measure -------------------------------------------------------------------------------------------------


def _measure_word(d: Dictionary, key: str) -> tuple[Measure, str, int, int] | None:
    """The measure word of a name: of the words of the highest rank, the one that ends last (a measure noun) or the
    first (an effect verb); hard negatives hide the words inside them; in a yes/no question (是否 …) only the
    clause after the question word counts, when it holds a measure word."""
    t = _tables(d)
    found: list[tuple[Measure, str, int, int]] = []
    for start, end, text in t.measures.backward(key):
        measure = t.measure_of[text]
        if measure is not None:
            found.append((d.measures.get(measure, _UNKNOWN), text, start, end))
    if t.gapped is not None:
        for match in t.gapped.finditer(key):
            gapped = _gapped_measure(d, match.group())
            if gapped is not None:  # a word with a gap hides the words inside it, as a longer word does
                found = [f for f in found if not (match.start() <= f[2] and f[3] <= match.end())]
                found.append((d.measures[gapped], match.group(), match.start(), match.end()))
    if not found:
        return None
    if t.questions is not None and (question := t.questions.search(key)):
        after = [f for f in found if f[2] >= question.end()]
        verbs = [f for f in after if f[0].rank in (2, 3)]
        if verbs:  # 是否提高了…截获率: the verb the question asks about
            return min(verbs, key=lambda f: f[2])
        found = after or found
    top = max(f[0].rank for f in found)
    best = [f for f in found if f[0].rank == top]
    return min(best, key=lambda f: f[2]) if top in (2, 3) else max(best, key=lambda f: f[3])


def _phrase_measure(d: Dictionary, target: str) -> tuple[Measure, str] | None:
    """The measure a target's wording states (decided case 7), with the words that state it."""
    t = parse_target(target)
    if t.kind not in (TargetKind.QUALITATIVE, TargetKind.DIRECTION, TargetKind.TEXT, TargetKind.DEADLINE):
        return None
    text = normalize_text(target)
    labels = set((t.label or "").split("、")) - {""}
    for measure, words, phrase_labels, kinds in _tables(d).phrases:
        for word, pattern in words:
            if pattern.search(text):
                return d.measures[measure], word
        if labels & phrase_labels:
            return d.measures[measure], sorted(labels & phrase_labels)[0]
        if t.kind.value in kinds:
            return d.measures[measure], t.kind.value
    return None


def _change(d: Dictionary, target: str) -> tuple[str, str] | None:
    """The change a qualitative target states (``明显改善`` → improvement), with its word."""
    text = normalize_text(target)
    for measure, words in d.change.items():
        for word in words:
            if word in text:
                return measure, word
    return None


def _family(
    d: Dictionary, measure: Measure, key: str, form: str | None, unit: str | None = None
) -> tuple[str, list[str]]:
    choice = measure.by_form.get(form or "none", measure.family)
    if not isinstance(choice, str):
        role_set = d.role_sets[_role_set_of(measure.family)]
        role, word = role_set.role(key, form, unit)
        evidence = [f"role {role.id}" + (f": {word}" if word else " (default)")]
        return choice.get(role.id, choice.get("*", measure.family)), evidence
    return d.resolve(choice, key, form, unit)


def _role_set_of(template: str) -> str:
    found = re.search(r"\{([a-z_]+)\}", template)
    if found is None:
        raise ValueError(f"a by_form table by role needs a family template with a role set, not {template!r}")
    return found.group(1)


# ---- the object ----------------------------------------------------------------------------------------------------


def _object(
    d: Dictionary, family: str, key: str, start: int, end: int, project: str | None
) -> tuple[str | None, str, bool]:
    """The object class, what shows it, and whether it makes a concept id: the first class scoped to the family that
    the name names; else the nearest object word before the measure word, else after it, else the project's."""
    t = _tables(d)
    for scoped, words in t.scoped.get(family, ()):
        if found := words.forward(key):
            return scoped, f"object {scoped}: {found[0][2]}", True
    rated = family.startswith(("satisfaction.", "state.perception"))
    hits = []
    for begin, finish, word in t.objects.forward(key):
        oid, respondent, placeholder = t.object_of[word]
        if placeholder or oid is None or (rated and respondent):
            continue
        hits.append((begin, finish, word, oid))
    before = [h for h in hits if h[1] <= start]
    after = [h for h in hits if h[0] >= end]
    chosen = before[-1] if before else (after[0] if after else None)
    if chosen is not None:
        return chosen[3], f"object {chosen[3]}: {chosen[2]}", False
    if project:
        text = normalize_text(project)
        inside = [w for _, _, w in t.objects.forward(text) if t.object_of[w][0] is not None]
        if inside:
            word = inside[-1]
            of_project = t.object_of[word][0]
            return of_project, f"object {of_project} (project): {word}", False
    return None, "", False


# ---- the tagger ----------------------------------------------------------------------------------------------------


@bounded_cache(1 << 16)
def measure_and_family(name: str) -> tuple[str | None, str | None, str | None]:
    """The measure, family and measure word of a name read alone (no target, no project): what ``link`` compares
    names by, without the rest of the reading.

    >>> measure_and_family("资金拨付时效性")
    ('timeliness', 'timeliness.funds', '时效性')
    """
    d = default_dictionary()
    key, name_form = concept_name(name)
    found = _measure_word(d, key)
    if found is None or found[0] is _UNKNOWN:
        return None, None, None
    measure, word = found[0], found[1]
    return measure.id, _family(d, measure, key, name_form)[0], word


@bounded_cache(1 << 18)
def object_phrase(name: str, target: str = "", project: str | None = None) -> str:
    """What a row measures its measure on: the name without its measure word, the question words, the words that
    name nothing (placeholders, and respondents for a satisfaction), spaces and punctuation; for a name that names
    nothing else, ``@`` and the project's object class (rule 4).  A satisfaction is the object class it rates, else
    the project's (rules 33, 34).  ``link`` compares rows of one family by these.

    >>> object_phrase("口岸卫生监督频次完成率", "100%"), object_phrase("群众满意度", "≥95%", "乡村道路维修项目")
    ('口岸卫生监督频次', 'roads')
    >>> object_phrase("项目总成本", "≤90万元", "乡村道路维修项目")
    '@roads'
    >>> object_phrase("技术培训对象满意度", "≥95%", "乡村道路维修项目")
    'training'
    >>> object_phrase("是否有利于保护生态环境", "是")
    '生态环境'
    """
    concept, start, end, key = _read(name, _reading(target), project)
    d = default_dictionary()
    t = _tables(d)
    rest = key[:start] + " " + key[end:]
    rated = (concept.family or "").startswith(("satisfaction.", "state.perception"))
    counted = (concept.family or "").startswith("count.people.")  # 培训学员人次 counts the trained, as 培训人次
    if rated:  # what is rated, not who answers (rule 33): the object class named, else the project's (rule 34)
        return concept.object or _project_object(project)
    for begin, finish, word in reversed(t.objects.forward(rest)):
        _, respondent, placeholder = t.object_of[word]
        if placeholder or ((rated or counted) and respondent):
            rest = rest[:begin] + " " + rest[finish:]
    rest = _FILLER.sub(" ", rest)
    if counted:
        for begin, finish, _ in reversed(t.people_anywhere.forward(rest)):
            rest = rest[:begin] + " " + rest[finish:]
    phrase = "".join(ch for ch in rest if ch.isalnum())
    if not phrase:  # a placeholder name (项目总成本): the project's object class (rule 4), else its title
        return "@" + concept.object if concept.object else _project_object(project)
    return phrase


@bounded_cache(1 << 14)
def _project_object(project: str | None) -> str:
    """What a project's title names when no object class does: the title without years, numbers, punctuation and
    the words that name nothing (``project_fillers``, placeholders), after ``@`` (``""``: no project, nothing known).

    >>> _project_object("2019年度辅警人员经费"), _project_object("委托业务项目"), _project_object(None)
    ('@辅警人员', '@委托业务', '')
    """
    if not project:
        return ""
    rest = _tables(default_dictionary()).fillers.sub(" ", normalize_text(project))
    core = "".join(ch for ch in rest if ch.isalnum())
    return "@" + core if core else ""


@bounded_cache(1 << 16)
def concept_qualifiers(name: str) -> tuple[str, ...]:
    """The qualifiers a name gives (``set=value``, sorted; two values of one set joined by ``+``): rows whose names
    give different values of one set are never one concept (CONCEPTS.md case 5: itemised siblings).

    >>> concept_qualifiers("学生省级比赛获奖数量"), concept_qualifiers("培养博士后"), concept_qualifiers("培训人次")
    (('level=provincial',), ('degree=postdoc',), ())
    >>> concept_qualifiers("国家级、省级教学成果奖")
    ('level=national+provincial',)
    """
    t = _tables(default_dictionary())
    values: dict[str, set[str]] = {}
    for _, _, word in t.qualifiers.forward(concept_name(name)[0]):
        kind, value = t.qualifier_of[word]
        values.setdefault(kind, set()).add(value)
    return tuple(sorted(f"{kind}={'+'.join(sorted(v))}" for kind, v in values.items()))


_FILLER = re.compile(r"是否|有利于|有效|进一步|不断|逐步|持续|了|的|对|其中|各类|各项|全年|本年度|年度|全面")


@bounded_cache(1 << 18)
def tag_concept(name: str, target: str = "", project: str | None = None) -> Concept:
    """What a 三级指标 measures (``Concept``), read from its name, its target and the project's name.

    A name with no known measure (no measure word, no target phrase, no countable target form) gives an empty
    ``Concept()``: no measure, no family, no evidence.  Only a wrong argument type raises (``TypeError``).

    >>> c = tag_concept("群众满意度", "≥95%", "城区道路维修工程")
    >>> c.family, c.object, c.admissible
    ('satisfaction.public', 'roads', ('服务对象满意度指标',))
    >>> tag_concept("补助发放及时率", "100%").concept
    'timeliness.funds.subsidy'
    >>> tag_concept("干警满意度", "≥95%").family
    'satisfaction.staff'
    >>> tag_concept("经费使用管理", "符合专项资金管理办法").family
    'compliance.state'
    """
    if not isinstance(name, str) or not isinstance(target, str) or not isinstance(project, str | None):
        raise TypeError("tag_concept() takes the name, target and project as str")
    return _read(name, _reading(target), project)[0]


@bounded_cache(1 << 16)
def _reading(target: str) -> str:
    """What of a target the tagger reads: a number only through its unit (``≥95%`` and ``100%`` read alike), so
    that rows whose targets differ in their numbers only are read once."""
    t = parse_target(target)
    if t.kind is not TargetKind.NUMERIC or "implied_value" in t.flags:
        return target
    if t.unit is None:  # a nominal 100 (rule 6) is read apart from a count
        return "100" if t.value == 100 and t.upper is None else "1"
    same = f"1{t.unit}"
    return same if parse_target(same).unit == t.unit else target


@bounded_cache(1 << 18)
def _read(name: str, target: str, project: str | None) -> tuple[Concept, int, int, str]:
    """The concept of a row, the span of its measure word in the cleaned name (empty at its end when the measure
    comes from the target), and the cleaned name."""
    d = default_dictionary()
    key, name_form = concept_name(name)
    form, shown = target_form(target) if target else (None, "")
    evidence: list[str] = []
    if form in (None, "number") and name_form is not None:
        form, shown = name_form, "unit in the name"
    found = _measure_word(d, key)
    if found is not None and found[0] is _UNKNOWN:
        return Concept(), found[2], found[3], key
    t = _tables(d)
    head = key[: found[2]] if found else key
    generic = found is None or found[0].id == "count"  # a count of whatever the name names
    # a bare number counts what the name names; with no target at all, a count word (数量) says it is a count, and
    # so does a verb of producing at the start of a name without a measure word (举办前沿研究性讲座, 发表论文), or
    # the noun of a countable output (专利授权, 国外期刊论文发表)
    made = (
        found is None
        and form is None
        and not target
        and (key.startswith(d.output_verbs) or bool(t.outputs.forward(key)))
    )
    # an effect verb over a bare number that is no nominal 100 (rule 6) counts: 打造…模式 → 1
    verb_counted = found is not None and found[0].rank < 4 and form == "number" and target != "100"
    if verb_counted:
        head = key
    if (generic or verb_counted) and (form == "number" or (form is None and found is not None) or made):
        if people := t.people.ends(head):
            form, shown = "people", f"people noun {people}"
        elif event := t.events.ends(head):
            form, shown = "events", f"event noun {event}"
        elif (found is None or verb_counted) and form == "number":
            form, shown = "items", "a bare number counts what the name names"
        elif made:
            form, shown = "items", "a verb of producing or an output noun names an output counted"
    if generic and form == "events" and (output := t.outputs.ends(head)) and not t.events.ends(head):
        form, shown = "items", f"output noun {output}: issues or copies are items"
    if form is not None:
        evidence.append(f"form {form}: {shown}")
    if found is not None and found[0].rank < 4 and form in COUNTABLE and form in d.form_measures:
        # 建立预防接种证 → 221人: an output counted, whatever verb names it
        evidence.insert(0, f"measure {d.form_measures[form]} (form; not {found[0].id}: {found[1]})")
        measure, start, end = d.measures[d.form_measures[form]], found[2], found[3]
    elif found is not None:
        measure, word, start, end = found
        evidence.insert(0, f"measure {measure.id}: {word}")
        change = _change(d, target) if measure.rank == 1 and form in ("qualitative", None) else None
        if change is not None:  # a state named, a change stated (村容村貌 → 明显改善): the change (rules 30, 31)
            measure = d.measures[change[0]]
            evidence[0] = f"measure {measure.id} (target: {change[1]}; not {found[0].id}: {word})"
    else:
        start = end = len(key)
        stated = _phrase_measure(d, target) if target else None
        if stated is not None:
            measure = stated[0]
            evidence.insert(0, f"measure {measure.id} (target): {stated[1]}")
        elif form is not None and form in d.form_measures:
            measure = d.measures[d.form_measures[form]]
            evidence.insert(0, f"measure {measure.id} (form)")
        else:
            return Concept(), start, end, key
    family, roles = _family(d, measure, key, form, shown if form == "money_per_unit" else None)
    evidence += roles
    level2, chosen_by = d.families[family].level2_for(key)
    if chosen_by:
        evidence.append(f"level2 {level2}: {chosen_by}")
    obj, why, makes_concept = _object(d, family, key, start, end, project)
    if why:
        evidence.append(why)
    concept = Concept(
        measure=measure.id,
        family=family,
        concept=f"{family}.{obj}" if obj and makes_concept else None,
        object=obj,
        form=form,
        level2=level2,
        admissible=d.families[family].admissible
        if chosen_by is None
        else _first(level2, d.families[family].admissible),
        evidence=tuple(evidence),
    )
    return concept, start, end, key


def _first(level2: str, admissible: tuple[str, ...]) -> tuple[str, ...]:
    return (level2, *(x for x in admissible if x != level2))
