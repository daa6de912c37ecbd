"""normalize() and Normalizer: every input form, filed vs predicted, mismatch, targets in context, empty names,
batching, workers, and the `normalize` command."""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import Indicator, Normalized, Position, TargetKind, normalize, parse_target
from indicatornlp.api import MISMATCH_CONFIDENCE, Normalizer, split_indicator, target_in_context
from indicatornlp.cli import cli
from indicatornlp.model import Model, load_model
from indicatornlp.taxonomy import default_taxonomy


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model()


# ---- input forms -------------------------------------------------------------------------------------------

SPLITS = [
    # names written with their targets, as they arrive in spreadsheets and copied table rows
    pytest.param("群众满意度 >=95%", ("群众满意度", ">=95%"), id="seed-space-ge"),
    pytest.param("党组织特色活动 >=30 场", ("党组织特色活动", ">=30 场"), id="seed-space-unit"),
    pytest.param("工、青、妇活动 =3 次", ("工、青、妇活动", "=3 次"), id="seed-eq-count"),
    pytest.param("活动开展及时率 及时", ("活动开展及时率", "及时"), id="seed-qualitative"),
    pytest.param("党务工作能力 提升", ("党务工作能力", "提升"), id="seed-direction"),
    pytest.param("培训人次≥100人次", ("培训人次", "≥100人次"), id="no-space-symbol"),
    pytest.param("群众满意度不低于90%", ("群众满意度", "不低于90%"), id="no-space-word"),
    pytest.param("项目完成时间 2022年11月30日前", ("项目完成时间", "2022年11月30日前"), id="deadline"),
    pytest.param("群众满意度 ≥**%", ("群众满意度", "≥**%"), id="placeholder"),
    pytest.param("群众满意度", ("群众满意度", ""), id="bare-name"),
    # not split: what follows a space or a comparator is still part of the name
    pytest.param("服务对象满 意度", ("服务对象满 意度", ""), id="pdf-break"),
    pytest.param("高质量执行 人才管理长效机制", ("高质量执行 人才管理长效机制", ""), id="space-inside-name"),
    pytest.param("12345热线接通率", ("12345热线接通率", ""), id="digits-in-name"),
    pytest.param("大于等于", ("大于等于", ""), id="comparator-alone"),
    pytest.param("至少全年完成2次宣传", ("至少全年完成2次宣传", ""), id="comparator-at-start"),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_indicator(text: str, expected: tuple[str, str]) -> None:
    assert split_indicator(text) == expected


FORMS: list[Any] = [
    pytest.param("群众满意度 >=95%", {}, id="string"),
    pytest.param("群众满意度", {"target": ">=95%"}, id="string+target"),
    pytest.param({"name": "群众满意度", "target": ">=95%"}, {}, id="mapping-english"),
    pytest.param({"三级指标": "群众满意度", "年度指标值": ">=95%"}, {}, id="mapping-chinese"),
    pytest.param({"三级指标": "群众满意度", "指标值": ">=95%"}, {}, id="mapping-指标值"),
    pytest.param({"name": "群众满意度", "target_raw": ">=95%"}, {}, id="mapping-target_raw"),
    pytest.param(Indicator("群众满意度", ">=95%"), {}, id="indicator"),
]


@pytest.mark.parametrize(("item", "kwargs"), FORMS)
def test_every_input_form_gives_the_same_record(item: Any, kwargs: dict[str, Any]) -> None:
    n = normalize(item, **kwargs)
    assert (n.name, n.target.raw, n.target.value, n.target.unit) == ("群众满意度", ">=95%", Decimal(95), "%")
    assert (n.level1, n.level2) == ("满意度指标", "服务对象满意度指标")
    assert n.predicted_level2 == "服务对象满意度指标" and n.confidence > 0.9


def test_filed_labels_ids_and_sources_come_through() -> None:
    n = normalize(
        {
            "name": "培训人次",
            "target": 30,
            "一级指标": "一、产出指标",
            "二级指标": "（1）数量指标",
            "id": 7,
            "source": "a.xlsx",
        }
    )
    assert (n.filed_level1, n.filed_level2, n.level2, n.id, n.source) == (
        "产出指标",
        "数量指标",
        "数量指标",
        "7",
        "a.xlsx",
    )
    assert n.target.raw == "30"
    ind = Indicator("培训人次", "≥100人次", "产出指标", "数量指标", Position("f.txt", line=12))
    assert normalize(ind).source == "f.txt, line 12"


def test_keyword_arguments_override_the_input() -> None:
    n = normalize({"name": "培训人次", "target": "≥1人次", "level2": "质量指标"}, target="≥100人次", level2="数量指标")
    assert (n.target.value, n.filed_level2) == (Decimal(100), "数量指标")


def test_a_normalized_record_normalizes_to_itself() -> None:
    n = normalize({"name": "体检费", "target": "≤1500元/人", "level1": "产出指标", "level2": "数量指标", "id": "r1"})
    assert normalize(n) == n


@pytest.mark.parametrize(
    ("item", "error", "match"),
    [
        pytest.param({"指标": "群众满意度"}, ValueError, "needs 'name' or '三级指标'", id="mapping-without-name"),
        pytest.param(42, TypeError, "cannot normalize a int", id="int"),
        pytest.param(["群众满意度"], TypeError, "cannot normalize a list", id="list"),
        pytest.param({"name": "群众满意度", "year": "二〇二二"}, ValueError, "year must be an integer", id="bad-year"),
    ],
)
def test_wrong_arguments_say_what_is_expected(item: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        normalize(item)


# ---- categories: filed, predicted, mismatch, legacy ----------------------------------------------------------


def test_a_misfiled_cost_is_a_mismatch_with_findings() -> None:
    # songjiang-zuzhibu-2022: 体检费 filed under 数量指标
    n = normalize(
        {"三级指标": "局级干部体检费", "年度指标值": "≤1500元/人", "一级指标": "产出指标", "二级指标": "数量指标"}
    )
    assert (n.level1, n.level2) == ("产出指标", "数量指标")  # the filed category stands
    assert (n.predicted_level1, n.predicted_level2) == ("成本指标", "经济成本指标")
    assert n.confidence >= MISMATCH_CONFIDENCE and n.mismatch
    assert {"A101", "A131"} <= {f.code for f in n.findings}


def test_an_uncertain_disagreement_is_not_a_mismatch(model: Model) -> None:
    strict = Normalizer(model, mismatch_threshold=1.01)
    n = strict.normalize("局级干部体检费 ≤1500元/人", level1="产出指标", level2="数量指标")
    assert n.predicted_level2 != n.filed_level2 and not n.mismatch
    assert "A101" not in {f.code for f in n.findings}


def test_agreement_is_no_mismatch() -> None:
    n = normalize("群众满意度 >=95%", level1="满意度指标", level2="服务对象满意度指标")
    assert not n.mismatch and n.filed_level2 == n.predicted_level2


def test_a_legacy_layout_is_mapped_and_flagged() -> None:
    n = normalize("人均培训成本 ≤900元/人", level1="产出指标", level2="成本指标")
    assert (n.level1, n.level2, n.legacy) == ("成本指标", "经济成本指标", True)


def test_a_label_of_another_frame_falls_back_to_the_prediction() -> None:
    n = normalize("预算执行率 ≥90%", level1="预算绩效", level2="预算管理")
    assert (n.filed_level1, n.filed_level2) == (None, None)
    assert n.level2 == n.predicted_level2 is not None and not n.mismatch


def test_a_filing_with_only_the_level1_gets_the_best_level2_under_it(model: Model) -> None:
    # 培训人次 reads as 数量指标; filed under 效益指标 alone, it gets the likeliest 效益 label instead
    n = Normalizer(model).normalize("培训人次 ≥100人次", level1="效益指标")
    assert n.predicted_level1 == "产出指标" and n.filed_level2 is None
    probability = dict(zip(model.labels, model.predict_proba([("培训人次", "≥100人次")])[0], strict=True))
    under = [label for label in model.labels if default_taxonomy().parent(label) == "效益指标"]
    assert (n.level1, n.level2) == ("效益指标", max(under, key=probability.__getitem__))


# ---- targets in context ----------------------------------------------------------------------------------

CONTEXT = [
    # (name, target, unit, flags) — the seeds file bare numbers for rates
    pytest.param("人才政策知晓率", "≥90", "%", {"unit_inferred"}, id="seed-知晓率"),
    pytest.param("干部体检资金到位率", "=100", "%", {"unit_inferred"}, id="seed-到位率"),
    pytest.param("群众满意度", ">=90", "%", {"unit_inferred"}, id="满意度"),
    pytest.param("受训学员满意度(%)", "95", "%", {"unit_inferred", "no_comparator"}, id="满意度-percent-suffix"),
    pytest.param("投诉率", "=0", "%", {"unit_inferred"}, id="zero-rate"),
    pytest.param("人才宣讲活动", "≥20", None, {"no_unit"}, id="seed-count-no-unit"),
    pytest.param("验收合格率", "≥0.95", None, {"no_unit"}, id="fraction-not-percent"),
    pytest.param("验收合格率", "≥95%", "%", set(), id="stated-unit"),
    pytest.param("资金使用率", "≥120", None, {"no_unit"}, id="over-100"),
]


@pytest.mark.parametrize(("name", "target", "unit", "flags"), CONTEXT)
def test_bare_numbers_of_rates_are_percentages(name: str, target: str, unit: str | None, flags: set[str]) -> None:
    t = normalize(name, target=target).target
    assert (t.unit, set(t.flags)) == (unit, flags)


def test_an_excel_serial_for_a_date_is_a_deadline() -> None:
    t = normalize("项目完成时间", target="44561").target
    assert (t.kind, t.date, set(t.flags)) == (TargetKind.DEADLINE, datetime.date(2021, 12, 31), {"excel_serial"})
    t = normalize("培训人次", target="44561").target
    assert t.kind is TargetKind.NUMERIC and "maybe_excel_serial" in t.flags


def test_year_completes_deadlines() -> None:
    assert normalize("完成时间 年底前", year=2022).target.date == datetime.date(2022, 12, 31)
    assert normalize({"name": "完成时间", "target": "年底前", "year": "2023"}).target.date == datetime.date(
        2023, 12, 31
    )


def test_target_in_context_leaves_other_targets_alone() -> None:
    for raw in ("及时", "提升", "", "≥95%", "2022年11月30日前"):
        t = parse_target(raw)
        assert target_in_context("活动开展及时率", t) is t


# ---- empty names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "——", "/", "、", "（）", "…"])
def test_empty_and_punctuation_names_get_no_prediction(text: str) -> None:
    n = normalize(text)
    assert n.target.kind is TargetKind.EMPTY
    assert (n.level1, n.level2, n.predicted_level2, n.confidence, n.alternatives) == (None, None, None, 0.0, ())


def test_an_empty_name_keeps_its_filed_category_and_target() -> None:
    n = normalize({"name": "", "target": "≥95%", "level2": "服务对象满意度指标"})
    assert (n.level2, n.predicted_level2, n.confidence, n.target.value) == (
        "服务对象满意度指标",
        None,
        0.0,
        Decimal(95),
    )


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=20)))
def test_normalize_is_total_on_text(name: str, target: str | None) -> None:
    n = normalize(name, target=target)
    assert isinstance(n, Normalized)
    json.dumps(n.to_dict(), ensure_ascii=False)
    if not any(ch.isalnum() for ch in n.name):
        assert n.confidence == 0.0 and n.predicted_level2 is None
    else:
        assert 0.0 < n.confidence <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(categories=["P", "S", "Z"]), max_size=12))
def test_punctuation_only_names_never_get_a_prediction(name: str) -> None:
    n = normalize(name, target="")
    assert n.target.kind is TargetKind.EMPTY
    if not any(ch.isalnum() for ch in n.name):  # NFKC makes letters of a few symbols: ⒜ → (a), ² → 2
        assert n.predicted_level2 is None and n.confidence == 0.0


# ---- batches -----------------------------------------------------------------------------------------------


class CountingModel(Model):
    """The shipped model, counting its vectorized calls and the rows they carry."""

    def __init__(self, inner: Model) -> None:
        super().__init__(inner.pipeline, inner.card)
        self.calls: list[int] = []

    def predict_proba(self, items: Any) -> np.ndarray:
        items = list(items)
        self.calls.append(len(items))
        return super().predict_proba(items)


ROWS = [
    {"三级指标": "群众满意度", "年度指标值": ">=95%", "一级指标": "满意度指标", "二级指标": "服务对象满意度指标"},
    {"三级指标": "党组织特色活动", "年度指标值": ">=30 场", "一级指标": "产出指标", "二级指标": "数量指标"},
    "活动开展及时率 及时",
    {"三级指标": "群众满意度", "年度指标值": ">=95%", "一级指标": "满意度指标", "二级指标": "服务对象满意度指标"},
    "",
    {"name": "群众满意度", "target": ">=95%", "id": "other-filing"},
    "活动开展及时率 及时",
]


def test_normalize_many_batches_and_caches(model: Model) -> None:
    counting = CountingModel(model)
    many = Normalizer(counting).normalize_many(ROWS)
    assert counting.calls == [3]  # one call, with the three distinct non-empty (name, target, category) rows
    assert many == [Normalizer(model).normalize(row) for row in ROWS]
    assert many[5].id == "other-filing" and many[0].id is None


def test_normalize_many_with_workers_gives_the_same_records(model: Model) -> None:
    rows = ROWS * 3 + [f"培训班{i}期 ≥{i}次" for i in range(20)]
    assert Normalizer(model).normalize_many(rows, jobs=2) == Normalizer(model).normalize_many(rows)


def test_normalize_many_year_fills_only_items_that_state_none() -> None:
    out = Normalizer().normalize_many(
        [{"name": "完成时间", "target": "年底前", "year": 2021}, "完成时间 年底前"], year=2022
    )
    assert [n.target.date for n in out] == [datetime.date(2021, 12, 31), datetime.date(2022, 12, 31)]


def test_normalize_many_of_nothing() -> None:
    assert Normalizer().normalize_many([]) == []


def test_records_are_json_ready() -> None:
    n = normalize("局级干部体检费 ≤1500元/人", level1="产出指标", level2="数量指标")
    data = json.loads(json.dumps(n.to_dict(), ensure_ascii=False))
    assert data["target"]["value"] == "1500" and data["mismatch"] is True
    assert data["alternatives"][0][0] in model_labels()
    assert dataclasses.asdict(n)["name"] == "局级干部体检费"


def model_labels() -> tuple[str, ...]:
    return load_model().labels


# ---- the command -------------------------------------------------------------------------------------------


def test_cli_normalize_prints_one_json_per_indicator() -> None:
    result = CliRunner().invoke(cli, ["normalize", "群众满意度 >=95%", "", "活动开展及时率"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["name"] for r in records] == ["群众满意度", "", "活动开展及时率"]
    assert records[0]["target"]["unit"] == "%" and records[0]["level2"] == "服务对象满意度指标"
    assert records[1]["confidence"] == 0.0


def test_cli_normalize_reads_stdin_and_takes_filed_labels() -> None:
    result = CliRunner().invoke(
        cli,
        ["normalize", "-", "--level1", "产出指标", "--level2", "数量指标"],
        input="体检费 ≤1500元/人\n培训人次 ≥100人次\n",
    )
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["mismatch"] is True and second["mismatch"] is False
