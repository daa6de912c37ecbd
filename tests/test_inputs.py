"""One reader of caller input: every entry point accepts the same forms and rejects the same ones alike.

A new accepted form goes into ``ACCEPTED`` (and ``indicatornlp.inputs``); a rejected one into ``REJECTED``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import indicatornlp
from indicatornlp import Indicator, InputError, Normalizer, Position, link, load_model, normalize
from indicatornlp.inputs import Item, read_input

ACCEPTED = [
    pytest.param("群众满意度", ("群众满意度", ""), id="name"),
    pytest.param("群众满意度 >=95%", ("群众满意度", ">=95%"), id="name-target"),
    pytest.param(("群众满意度", ">=95%"), ("群众满意度", ">=95%"), id="pair"),
    pytest.param({"name": "群众满意度", "target": ">=95%"}, ("群众满意度", ">=95%"), id="english-keys"),
    pytest.param({"三级指标": "群众满意度", "年度指标值": ">=95%"}, ("群众满意度", ">=95%"), id="filing-headers"),
    pytest.param({"指标名称": "群众满意度", "指标值": ">=95%"}, ("群众满意度", ">=95%"), id="指标名称"),
    pytest.param({"name": "群众满意度 >=95%"}, ("群众满意度", ">=95%"), id="mapping-name-with-target"),
    pytest.param({"name": "群众满意度", "target": math.nan}, ("群众满意度", ""), id="nan-cell"),
    pytest.param({"name": "", "三级指标": "群众满意度"}, ("群众满意度", ""), id="empty-cell-skipped"),
    pytest.param(
        Indicator("群众满意度", ">=95%", "满意度指标", "服务对象满意度指标"), ("群众满意度", ">=95%"), id="Indicator"
    ),
    pytest.param("", ("", ""), id="empty-name"),
]

REJECTED = [
    pytest.param({"指标": "群众满意度"}, "needs 'name' or '三级指标'", id="mapping-without-name"),
    pytest.param(42, "cannot .* a int", id="int"),
    pytest.param(["群众满意度"], "cannot .* a list", id="list"),
    pytest.param(("群众满意度",), "cannot .* a tuple", id="one-tuple"),
    pytest.param({"name": "群众满意度", "year": "二〇二二"}, "year must be an integer", id="bad-year"),
]

ENTRY_POINTS: dict[str, Callable[[Any], object]] = {
    "normalize": normalize,
    "normalize_many": lambda item: Normalizer().normalize_many([item]),
    "link": lambda item: link([item, "培训人次 ≥100人次"]),
    "predict": lambda item: load_model().predict([item]),
}


@pytest.mark.parametrize(("item", "expected"), ACCEPTED)
def test_the_reader_reads_every_form(item: object, expected: tuple[str, str]) -> None:
    assert read_input(item)[:2] == expected


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("item", "expected"), ACCEPTED)
def test_every_entry_point_accepts_every_form(entry: str, item: object, expected: tuple[str, str]) -> None:
    ENTRY_POINTS[entry](item)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(("item", "match"), REJECTED)
def test_every_entry_point_rejects_alike(entry: str, item: object, match: str) -> None:
    with pytest.raises(InputError, match=match) as caught:
        ENTRY_POINTS[entry](item)
    assert caught.value.code == "E010"
    assert isinstance(caught.value, TypeError | ValueError)


def test_keywords_override_the_item() -> None:
    item = read_input(
        {"name": "培训人次", "target": "≥1人次", "二级指标": "质量指标"}, target="≥100人次", level2="数量指标"
    )
    assert (item.target, item.level2) == ("≥100人次", "数量指标")


def test_a_position_and_an_indicator_keep_where_they_come_from() -> None:
    where = Position("a.xlsx", sheet="表1", row=4)
    item = read_input(Indicator("群众满意度", "≥95%", position=where))
    assert item == Item("群众满意度", "≥95%", source=str(where), position=where)


def test_an_error_names_the_item() -> None:
    with pytest.raises(InputError, match=r"\[E010\] item 3: cannot link a float"):
        read_input(1.5, position=3, action="link")


# ---- paths: what the folder functions and train take ----------------------------------------------------------

PATH_TAKERS: dict[str, Callable[[Any], Any]] = {
    "tag": lambda x: indicatornlp.tag(x, model=False),
    "audit": lambda x: indicatornlp.audit(x, model=False),
    "score": indicatornlp.score,
    "library": indicatornlp.library,
    "read_filings": indicatornlp.read_filings,
}


@pytest.mark.parametrize("entry", PATH_TAKERS)
@pytest.mark.parametrize(
    ("given", "match"),
    [
        pytest.param(3, r"takes a path.*, not int", id="int"),
        pytest.param(None, r"takes a path.*, not NoneType", id="none"),
        pytest.param(b"data/filings", r"takes a path.*, not bytes", id="bytes"),
        pytest.param({"name": "x"}, r"takes a path.*, not dict", id="mapping"),
    ],
)
def test_what_is_no_path_is_named(entry: str, given: object, match: str) -> None:
    with pytest.raises(InputError, match=rf"\[E010\] {entry}\(\): {match}"):
        PATH_TAKERS[entry](given)


def test_a_list_item_that_is_no_path_is_named() -> None:
    with pytest.raises(InputError, match=r"\[E010\] tag\(\): item 2 is a int, not a path"):
        indicatornlp.tag(["data/filings", 3], model=False)


@pytest.mark.parametrize(
    ("given", "match"),
    [
        pytest.param(3, r"train\(\): takes annotated rows .*, not int", id="int"),
        pytest.param({"name": "x"}, r"train\(\): takes annotated rows .*, not dict", id="mapping"),
        pytest.param(["群众满意度"], r"train\(\) example 0: is a str, not an Example", id="a-name"),
    ],
)
def test_train_names_what_it_cannot_learn_from(given: object, match: str) -> None:
    with pytest.raises(InputError, match=match):
        indicatornlp.train(given, folds=0)  # type: ignore[arg-type]
