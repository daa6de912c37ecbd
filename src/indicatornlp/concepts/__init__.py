"""What an indicator measures: the concept dictionary (``data/concepts.toml``) and the tagger that reads it.

- ``_dictionary``: the dictionary read and checked (``default_dictionary``, ``load_dictionary``): families with the
  二级 they point to and the defensible alternatives, the object-sensitive roles, measure words, object classes,
  target phrases, hard negatives;
- ``_tagger``: ``tag_concept(name, target, project)`` → ``Concept`` (measure, family, concept, object class, target
  form, the 二级 evidence and the words it rests on); ``concept_features`` for the category model.

>>> c = tag_concept("补助资金拨付", "11月底前到位")
>>> c.family, c.level2, c.evidence[0]
('timeliness.funds', '时效指标', 'measure money: 补助资金')
"""

from __future__ import annotations

from functools import lru_cache

from ._dictionary import Dictionary, Family, Measure, ObjectClass, default_dictionary, load_dictionary
from ._tagger import concept_name, concept_qualifiers, measure_and_family, object_phrase, tag_concept, target_form

__all__ = [
    "SEPARATOR",
    "Dictionary",
    "Family",
    "Measure",
    "ObjectClass",
    "concept_features",
    "concept_name",
    "concept_qualifiers",
    "default_dictionary",
    "load_dictionary",
    "measure_and_family",
    "object_phrase",
    "tag_concept",
    "target_form",
]

SEPARATOR = "\x1f"
"""Between the name and the target in the document ``concept_features`` reads (one column of the model)."""


@lru_cache(maxsize=1 << 16)
def concept_features(document: str) -> tuple[str, ...]:
    """The tagger's reading of ``name SEPARATOR target`` as model tokens (measure, family, form, 二级 evidence).

    >>> concept_features("资金支付及时率" + SEPARATOR + "100%")[:4]
    ('measure=timeliness', 'family=timeliness.funds', 'form=rate', 'l2=时效指标')
    >>> concept_features("资金支付及时率" + SEPARATOR + "100%")[4:]
    ('adm=时效指标', 'adm=经济成本指标', 'adm=质量指标')
    >>> concept_features("党组织特色活动" + SEPARATOR)
    ('measure=none',)
    """
    name, _, target = document.partition(SEPARATOR)
    c = tag_concept(name, target)
    if c.measure is None:
        return ("measure=none",)
    out = [f"measure={c.measure}", f"family={c.family}", f"form={c.form}", f"l2={c.level2}"]
    out += [f"adm={label}" for label in c.admissible]
    return tuple(out)
