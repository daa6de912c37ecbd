"""Link indicators that measure the same thing across filings (指标关联), at scale.

The pipeline (``pipeline.link``), each step sub-quadratic:

1. **Items** (``items``): what the caller gives, read into a name, its 二级, its parsed target, its source, and what
   the concept dictionary (``data/concepts.toml``, ``concepts.tag_concept``) reads it as: its family, its concept
   id where the dictionary knows one, and its object phrase.
2. **Names** (``scoring``) are cleaned (``clean_name``: width, numbering, ``指标1:``, ``★``, a unit or template mark
   in brackets, quotes, a target written into the name; brackets that carry meaning stay, ``(县内培训)``) and
   de-duplicated: identical entries are one *profile* (``profiles``), scored once.  Each name is compared in the
   form ``measure_of`` gives: its measure word made canonical (满意率, 是否满意 → 满意度; 时效性 → 及时率).
3. **Blocking** (``blocking``): character 1–3-gram TF-IDF vectors of the distinct names; each name's nearest
   neighbours by cosine come from a sparse product computed in blocks of rows, with the postings of common
   n-grams (``满意度``) cut into sub-blocks of ``df_cap`` names sorted from their last character, plus a
   sorted-neighbourhood pass (``window``) over names that share an ending.
4. **Scoring** of candidate pairs only, with rapidfuzz: a name score (0–100, ``Weights``) plus a bonus or penalty
   for the same or another 二级 and for agreeing or disagreeing target units/kinds, clipped to 0–100; two rows of
   one family are scored on their object phrases (what they measure their measure on).  The reasons stay on each
   ``Pair``.
5. **Groups, dictionary first** (``dictionary``): one group per concept id; two concept ids, or two families, never
   link; a row without a concept id joins a concept group of its family by its mean score to it (never as a centre
   that could bridge two groups); the rest are clustered as before (``clustering``: components of the pairs at or
   above ``threshold``, split so that every member reaches its centre).  Each ``Cluster`` carries its ``family``
   and ``concept``.

Blocks run in this process, or on a Dask cluster (``backend="dask", scheduler="tcp://…"``) with the same
code and the same result.  The weights and the threshold were chosen on ``data/annotated/train`` only
(``bench/tune_link.py``); ``evaluate_linking`` (``evaluation``) scores them against the annotated concepts, and
``build_library`` (``library``) turns the clusters into an indicator library (指标库).

>>> linkage = link(["群众满意度 ≥95%", "服务对象满意度 ≥95%", "受训学员满意度(%) ≥90%", "培训人次 ≥100人次"])
>>> [[m for m in c.members] for c in linkage.clusters]
[[0, 1], [2], [3]]
>>> [(c.family, c.concept) for c in linkage.clusters][1:]
[('satisfaction.public', None), ('count.people.trained', None)]
"""

from __future__ import annotations

from ..readers.rows import read_indicators  # kept here for the callers of indicatornlp.linking.read_indicators
from .blocking import DEFAULT_BLOCK_SIZE as DEFAULT_BLOCK_SIZE  # the tuning knobs (bench/tune_link.py)
from .blocking import DEFAULT_DF_CAP as DEFAULT_DF_CAP
from .blocking import DEFAULT_NEIGHBOURS as DEFAULT_NEIGHBOURS
from .blocking import DEFAULT_WINDOW as DEFAULT_WINDOW
from .evaluation import evaluate_linking
from .library import build_library
from .pipeline import link
from .scoring import (
    DEFAULT_THRESHOLD,
    Weights,
    clean_name,
    is_placeholder_name,
    measure_of,
    name_features,
    score_names,
)
from .scoring import DEFAULT_WEIGHTS as DEFAULT_WEIGHTS

__all__ = [
    "DEFAULT_THRESHOLD",
    "Weights",
    "build_library",
    "clean_name",
    "evaluate_linking",
    "is_placeholder_name",
    "link",
    "measure_of",
    "name_features",
    "read_indicators",
    "score_names",
]
