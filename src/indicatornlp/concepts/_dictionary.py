"""The concept dictionary (``data/concepts.toml``) read and checked: families, roles, measures, objects, phrases.

Every reference is checked when the file is read: a family, a 二级, a role set or a role that does not exist, a
measure word claimed by two measures, a form that is no form, an object word claimed by two object classes: each
raises ``DataFileError`` naming the entry and what to do.

>>> d = default_dictionary()
>>> d.families["timeliness.funds"].level2, d.measures["timeliness"].family
('时效指标', 'timeliness.{timeliness}')
>>> sorted(d.expand("satisfaction.{satisfaction}"))
['satisfaction.public', 'satisfaction.staff']
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from ..taxonomy import default_taxonomy

__all__ = [
    "Dictionary",
    "Family",
    "Measure",
    "ObjectClass",
    "Phrase",
    "Qualifier",
    "Role",
    "RoleSet",
    "default_dictionary",
]

UNIT_FORMS: tuple[str, ...] = ("rate", "people", "events", "items", "incidents", "length", "area", "volume")
UNIT_FORMS += ("weight", "money", "duration", "workload", "frequency")
FORMS = (*UNIT_FORMS, "money_per_unit", "date", "qualitative", "number", "none")
"""Every target form: those shown by a unit (``[forms]``), the four without one, and ``none`` (no target at all)."""
COUNTABLE = frozenset({*UNIT_FORMS, "money_per_unit"} - {"rate", "duration"})
"""Forms that count or measure an amount: an effect verb over such a target is a count, not an effect."""
_SET = re.compile(r"\{([a-z_]+)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")
_GAP = "…"
_FILE = "data/concepts.toml"


@dataclasses.dataclass(frozen=True, slots=True)
class Family:
    """A family: a measure with its target form (and role), and the 二级 it points to."""

    id: str
    form: str
    level2: str
    admissible: tuple[str, ...]
    """The defensible 二级, ``level2`` first."""
    when: tuple[tuple[tuple[str, ...], str], ...] = ()
    """(words, 二级): the default 二级 when one of the words is in the name (outside ``admissible``, it joins that
    row's set)."""
    what: str = ""

    def level2_for(self, name: str) -> tuple[str, str | None]:
        """The 二级 for a name and the word that chose it (``None``: the default).

        >>> default_dictionary().families["effect.improvement"].level2_for("促进村集体经济发展")
        ('经济效益指标', '经济')
        """
        for words, level2 in self.when:
            for word in words:
                if word in name:
                    return level2, word
        return self.level2, None


@dataclasses.dataclass(frozen=True, slots=True)
class Role:
    """One role of an object-sensitive measure (``funds`` of timeliness)."""

    id: str
    words: tuple[str, ...]
    forms: frozenset[str] | None = None
    """The role applies only to targets of these forms (``None``: any)."""
    family: str | None = None
    """A family that replaces the template's (the money role ``standard`` is ``benefit.standard``)."""
    per: tuple[str, ...] = ()
    """For an amount per unit (``元/人·月``): the role applies only when the unit is per one of these (``人``,
    ``户``); an amount per mu or per plant is not what a person receives (rule 13)."""

    def fits(self, form: str | None, unit: str | None) -> bool:
        """Whether a target of this form (and unit) may take the role."""
        if self.forms is not None and (form or "none") not in self.forms:
            return False
        if self.per and form == "money_per_unit" and unit and "/" in unit:
            return unit.split("/", 1)[1].startswith(self.per)
        return True


@dataclasses.dataclass(frozen=True, slots=True)
class RoleSet:
    """The roles of an object-sensitive measure, tried in order; ``default`` when none applies."""

    id: str
    default: str
    roles: tuple[Role, ...]

    def role(self, name: str, form: str | None, unit: str | None = None) -> tuple[Role, str | None]:
        """The role of a name (with the word that shows it; ``None`` for the default): the first role whose forms
        (if it names any) include the target's, whose ``per`` (if any) fits the target's unit, and whose words (if
        it has any) occur in the name.

        >>> default_dictionary().role_sets["timeliness"].role("资金支付", "rate")[0].id
        'funds'
        >>> money = default_dictionary().role_sets["money"]
        >>> [money.role("补贴标准", "money_per_unit", unit)[0].id for unit in ("元/人·月", "元/亩")]
        ['standard', 'per_unit']
        """
        for role in self.roles:
            if not role.fits(form, unit):
                continue
            if not role.words:
                if role.forms is not None:
                    return role, f"form {form or 'none'}"
                continue
            for word in role.words:
                if word in name:
                    return role, word
        return next(r for r in self.roles if r.id == self.default), None


@dataclasses.dataclass(frozen=True, slots=True)
class Measure:
    """A measure: its words, its family template and the families other target forms take."""

    id: str
    words: tuple[str, ...]
    family: str
    """A family id, or a template naming a role set (``timeliness.{timeliness}``)."""
    by_form: Mapping[str, str | Mapping[str, str]]
    """form → family (template), or form → {role id → family, ``*`` → family}."""
    what: str = ""
    rank: int = 4
    """4: a measure noun (read from the end of a name); 3, 2: effect verbs (read from the start); 1: a weak state
    noun (yields to an effect verb)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ObjectClass:
    """An object class of the concept level, with its words; ``scope``: the families that alone use it."""

    id: str
    words: tuple[str, ...]
    scope: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True, slots=True)
class Qualifier:
    """Words that give one value of a set that tells itemised siblings apart (``level``: 省级 is ``provincial``)."""

    set: str
    value: str
    words: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Phrase:
    """Target wording that states a measure (``11月底前到位`` → timeliness)."""

    measure: str
    words: tuple[str, ...] = ()
    labels: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True, eq=False)
class Dictionary:
    """The checked contents of ``data/concepts.toml`` (see the file's header for what each part means)."""

    version: str
    families: Mapping[str, Family]
    role_sets: Mapping[str, RoleSet]
    measures: Mapping[str, Measure]
    objects: tuple[ObjectClass, ...]
    respondents: tuple[str, ...]
    placeholders: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    unit_forms: Mapping[str, str]
    """Canonical unit (``parse_target``'s) → form."""
    people_nouns: tuple[str, ...]
    event_nouns: tuple[str, ...]
    output_verbs: tuple[str, ...]
    output_nouns: tuple[str, ...]
    """Nouns of countable outputs (论文, 专利, 刊物): a name without a measure word naming one counts items."""
    questions: tuple[str, ...]
    negative_words: tuple[str, ...]
    unknown_words: tuple[str, ...]
    """Words that name a measure the dictionary does not know (a bare 率): the name stays untagged."""
    negative_pairs: tuple[tuple[str, str, str], ...]
    """(name a, name b, ``family`` or ``concept``): names that must stay apart at that level."""
    form_measures: Mapping[str, str]
    """form → the measure a name without a measure word takes from its target form."""
    change: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """Measure of a change (improvement, reduction) → its words: a target holding one turns a weak state noun
    (rank 1) into that measure."""
    qualifiers: tuple[Qualifier, ...] = ()
    """What tells itemised siblings apart (CONCEPTS.md case 5): different values of one set are never one concept."""
    project_fillers: tuple[str, ...] = ()
    """Words of a project's title that name no object (专项, 绩效, 目标表)."""
    source: str = _FILE

    def expand(self, template: str) -> set[str]:
        """Every family a template can give (``cost.{money}`` → cost.total, cost.item, …, benefit.standard)."""
        names = _SET.findall(template)
        if not names:
            return {template}
        out: set[str] = set()
        for role in self.role_sets[names[0]].roles:
            out |= {role.family} if role.family else self.expand(template.replace(f"{{{names[0]}}}", role.id, 1))
        return out

    def resolve(self, template: str, name: str, form: str | None, unit: str | None = None) -> tuple[str, list[str]]:
        """The family of a template for a name and a form (and the target's unit), with the evidence of each role
        chosen."""
        evidence = []
        while found := _SET.search(template):
            role, word = self.role_sets[found.group(1)].role(name, form, unit)
            evidence.append(f"role {role.id}" + (f": {word}" if word else " (default)"))
            if role.family:
                return role.family, evidence
            template = template[: found.start()] + role.id + template[found.end() :]
        return template, evidence


# ---- reading and checking ----------------------------------------------------------------------------------------


def _strings(value: Any, where: str, *, empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value) or (not value and not empty):
        raise DataFileError(where, "needs a list of non-empty words", hint='write words = ["…", "…"]')
    return tuple(value)


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise DataFileError(where, f'needs {key} = "…"', hint="see the header of data/concepts.toml")
    return value


def _level2(value: Any, where: str) -> str:
    known = default_taxonomy().level2_names
    if value not in known:
        raise DataFileError(where, f"unknown 二级 {value!r}", hint=f"use a canonical 二级: {', '.join(known)}")
    return str(value)


def _families(table: Any, where: str) -> dict[str, Family]:
    if not isinstance(table, dict) or not table:
        raise DataFileError(where, "no [family.*] tables", hint="declare every family the measures name")
    out = {}
    for fid, entry in table.items():
        here = f"{where} [family.{fid!r}]"
        if not _ID.match(fid) or "." not in fid:
            raise DataFileError(here, "a family id is dotted lower case", hint="write it like timeliness.funds")
        form = entry.get("form")
        if form not in FORMS:
            raise DataFileError(here, f"unknown form {form!r}", hint=f"use one of {', '.join(FORMS)}")
        level2 = _level2(entry.get("level2"), here)
        admissible = tuple(_level2(x, here) for x in _strings(entry.get("admissible"), here + " admissible"))
        if level2 not in admissible:
            raise DataFileError(here, f"level2 {level2!r} is not in its admissible list", hint="add it")
        when = []
        for case in entry.get("when", []):
            chosen = _level2(case.get("level2"), here + " when")  # outside the list, it joins the row's set
            when.append((_strings(case.get("words"), here + " when"), chosen))
        ordered = (level2, *(x for x in admissible if x != level2))
        out[fid] = Family(fid, form, level2, ordered, tuple(when), str(entry.get("what", "")))
    return out


def _role_sets(table: Any, where: str, families: Mapping[str, Family]) -> dict[str, RoleSet]:
    out = {}
    for sid, entry in (table or {}).items():
        here = f"{where} [roles.{sid}]"
        roles = []
        for k, role in enumerate(entry.get("role", [])):
            rid = _text(role, "id", f"{here} role {k + 1}")
            forms = role.get("forms")
            if forms is not None and any(f not in FORMS for f in forms):
                raise DataFileError(f"{here} role {rid!r}", f"unknown form in {forms!r}", hint=", ".join(FORMS))
            family = role.get("family")
            if family is not None and family not in families:
                raise DataFileError(f"{here} role {rid!r}", f"unknown family {family!r}", hint="declare it")
            words = _strings(role.get("words", []), f"{here} role {rid!r}", empty=forms is not None)
            per = _strings(role.get("per", []), f"{here} role {rid!r} per", empty=True)
            roles.append(Role(rid, words, frozenset(forms) if forms is not None else None, family, per))
        default = entry.get("default")
        if not isinstance(default, str) or not _ID.match(default) or "." in default:
            raise DataFileError(here, f"default role {default!r} is not a role id", hint='write default = "works"')
        if default not in {r.id for r in roles}:  # a default without words of its own
            roles.append(Role(default, ()))
        out[sid] = RoleSet(sid, str(default), tuple(roles))
    return out


def _check_template(d: Dictionary, template: str, where: str) -> None:
    for name in _SET.findall(template):
        if name not in d.role_sets:
            raise DataFileError(where, f"unknown role set {{{name}}}", hint=f"use one of {sorted(d.role_sets)}")
    for family in d.expand(template):
        if family not in d.families:
            raise DataFileError(where, f"unknown family {family!r} (from {template!r})", hint="declare [family.…]")


def _measures(entries: Any, where: str) -> dict[str, Measure]:
    out: dict[str, Measure] = {}
    for k, entry in enumerate(entries or []):
        mid = _text(entry, "id", f"{where} [[measure]] {k + 1}")
        here = f"{where} [[measure]] {mid!r}"
        if mid in out:
            raise DataFileError(here, "a second measure with this id", hint="merge the two entries")
        by_form = entry.get("by_form", {})
        for form in by_form:
            if form not in FORMS:
                raise DataFileError(here, f"by_form names an unknown form {form!r}", hint=", ".join(FORMS))
        words = _strings(entry.get("words"), here)
        rank = entry.get("rank", 4)
        if rank not in (1, 2, 3, 4):
            raise DataFileError(here, f"rank {rank!r} is not 1, 2, 3 or 4", hint="see the header of the file")
        family = _text(entry, "family", here)
        out[mid] = Measure(mid, words, family, by_form, str(entry.get("what", "")), rank)
    return out


def _check_words(measures: Mapping[str, Measure], d: Dictionary) -> None:
    owner: dict[str, str] = {}
    for m in measures.values():
        for word in m.words:
            if word in owner and owner[word] != m.id:
                first = measures[owner[word]]
                raise DataFileError(
                    f"{d.source} [[measure]] {m.id!r}",
                    f"the measure word {word!r} is claimed by two families: {sorted(d.expand(first.family))} "
                    f"(measure {first.id!r}) and {sorted(d.expand(m.family))} (measure {m.id!r})",
                    hint="keep the word in one measure",
                )
            owner[word] = m.id


def _objects(entries: Any, where: str, families: Mapping[str, Family]) -> tuple[ObjectClass, ...]:
    out = []
    owner: dict[tuple[str, str], str] = {}
    for k, entry in enumerate(entries or []):
        oid = _text(entry, "id", f"{where} [[object]] {k + 1}")
        here = f"{where} [[object]] {oid!r}"
        if not _ID.match(oid) or "." in oid:
            raise DataFileError(here, "an object id is lower case without dots", hint="write it like school_buildings")
        scope = frozenset(entry.get("scope", []))
        if unknown := sorted(scope - set(families)):
            raise DataFileError(here, f"scope names unknown families {unknown}", hint="declare them")
        words = _strings(entry.get("words"), here)
        for word in words:
            for family in sorted(scope) or [""]:  # a scoped class owns its words within each family of its scope
                if (word, family) in owner:
                    raise DataFileError(here, f"the object word {word!r} is claimed by {owner[word, family]!r} too")
                owner[word, family] = oid
        out.append(ObjectClass(oid, words, scope))
    return tuple(out)


def _qualifiers(entries: Any, where: str) -> tuple[Qualifier, ...]:
    out = []
    owner: dict[str, str] = {}
    for k, entry in enumerate(entries or []):
        here = f"{where} [[qualifier]] {k + 1}"
        name, value = _text(entry, "set", here), _text(entry, "value", here)
        words = _strings(entry.get("words"), here)
        for word in words:
            if owner.setdefault(word, f"{name}={value}") != f"{name}={value}":
                raise DataFileError(here, f"the qualifier word {word!r} is {owner[word]!r} too", hint="keep it once")
        out.append(Qualifier(name, value, words))
    return tuple(out)


def _phrases(entries: Any, where: str, measures: Mapping[str, Measure]) -> tuple[Phrase, ...]:
    out = []
    for k, entry in enumerate(entries or []):
        here = f"{where} [[phrase]] {k + 1}"
        measure = entry.get("measure")
        if measure not in measures:
            raise DataFileError(here, f"unknown measure {measure!r}", hint="name the id of a [[measure]]")
        words = _strings(entry.get("words", []), here, empty=True)
        labels = frozenset(_strings(entry.get("labels", []), here, empty=True))
        kinds = frozenset(_strings(entry.get("kinds", []), here, empty=True))
        if not (words or labels or kinds):
            raise DataFileError(here, "a phrase needs words, labels or kinds")
        out.append(Phrase(str(measure), words, labels, kinds))
    return tuple(out)


def _unit_forms(table: Any, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for form, units in (table or {}).items():
        if form == "people_nouns":
            continue
        if form not in UNIT_FORMS:
            raise DataFileError(f"{where} [forms]", f"unknown form {form!r}", hint=", ".join(UNIT_FORMS))
        for unit in _strings(units, f"{where} [forms] {form}"):
            if unit in out:
                raise DataFileError(f"{where} [forms]", f"unit {unit!r} is in {out[unit]!r} and {form!r}")
            out[unit] = form
    return out


def load_dictionary(path: str | Path | None = None) -> Dictionary:
    """Read and check a concept dictionary (``None``: the shipped ``data/concepts.toml``)."""
    if path is None:
        raw = resources.files("indicatornlp").joinpath(_FILE).read_text("utf-8")
        where = _FILE
    else:
        raw, where = Path(path).read_text("utf-8"), str(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        raise DataFileError(where, f"not valid TOML ({err})", hint="fix the syntax") from None
    families = _families(data.get("family"), where)
    measures = _measures(data.get("measure"), where)
    forms = data.get("forms", {})
    d = Dictionary(
        version=str(data.get("version", "")),
        families=families,
        role_sets=_role_sets(data.get("roles"), where, families),
        measures=measures,
        objects=_objects(data.get("object"), where, families),
        respondents=_strings(data.get("respondents", []), f"{where} respondents", empty=True),
        placeholders=_strings(data.get("placeholders", []), f"{where} placeholders", empty=True),
        phrases=_phrases(data.get("phrase"), where, measures),
        unit_forms=_unit_forms(forms, where),
        people_nouns=_strings(forms.get("people_nouns", []), f"{where} [forms] people_nouns", empty=True),
        event_nouns=_strings(data.get("event_nouns", []), f"{where} event_nouns", empty=True),
        output_verbs=_strings(data.get("output_verbs", []), f"{where} output_verbs", empty=True),
        output_nouns=_strings(data.get("output_nouns", []), f"{where} output_nouns", empty=True),
        questions=_strings(data.get("questions", []), f"{where} questions", empty=True),
        negative_words=_strings(data.get("negative", {}).get("words", []), f"{where} [negative]", empty=True),
        unknown_words=_strings(data.get("negative", {}).get("unknown", []), f"{where} [negative]", empty=True),
        negative_pairs=tuple(
            (str(p["a"]), str(p["b"]), str(p.get("apart", "family"))) for p in data.get("negative", {}).get("pairs", [])
        ),
        form_measures=dict(data.get("form_measures", {})),
        change={str(m): _strings(words, f"{where} [change] {m}") for m, words in data.get("change", {}).items()},
        qualifiers=_qualifiers(data.get("qualifier"), where),
        project_fillers=_strings(data.get("project_fillers", []), f"{where} project_fillers", empty=True),
        source=where,
    )
    for m in measures.values():
        here = f"{where} [[measure]] {m.id!r}"
        _check_template(d, m.family, here)
        for form, target in m.by_form.items():
            for choice in target.values() if isinstance(target, Mapping) else [target]:
                _check_template(d, choice, f"{here} by_form {form}")
    for form, measure in d.form_measures.items():
        if form not in FORMS or measure not in measures:
            raise DataFileError(f"{where} [form_measures]", f"{form} = {measure!r}: unknown form or measure")
    for measure in d.change:
        if measure not in measures:
            raise DataFileError(f"{where} [change]", f"unknown measure {measure!r}", hint="name a [[measure]] id")
    for a, b, level in d.negative_pairs:
        if level not in ("family", "concept"):
            raise DataFileError(
                f"{where} [negative] pairs", f"apart = {level!r} for {a!r}/{b!r}", hint="family|concept"
            )
    _check_words(measures, d)
    return d


@cache
def default_dictionary() -> Dictionary:
    """The shipped dictionary, read once."""
    return load_dictionary()


def gap_pattern(words: Iterable[str], *, reverse: bool = False) -> str:
    """An alternation of words (longest first), ``…`` standing for up to 8 characters; optionally reversed.

    >>> gap_pattern(["降低…成本", "成本"], reverse=True)
    '本成.{0,8}?低降|本成'
    """

    def literal(word: str) -> str:
        parts = [re.escape(p[::-1] if reverse else p) for p in word.split(_GAP)]
        return ".{0,8}?".join(reversed(parts) if reverse else parts)

    ordered = sorted(set(words), key=lambda w: (-len(w.replace(_GAP, "")), w))
    return "|".join(literal(w) for w in ordered)
