"""The annotated data: integrity against the taxonomy, the grouped split, the concepts, the reader's errors, and a
build that is deterministic and matches the committed files."""

from __future__ import annotations

import collections
import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicatornlp import AnnotationError
from indicatornlp.annotated import Example, default_annotated_dir, read_annotated
from indicatornlp.taxonomy import default_taxonomy

REPO = Path(__file__).resolve().parents[1]
DATA = default_annotated_dir()
MIN_ROWS_BOTH_SIDES = 10  # scripts/build_annotated.py: a 二级 with this many rows sits on both sides


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return read_annotated(DATA)


# ---- integrity -----------------------------------------------------------------------------------------


def test_the_package_finds_the_annotated_data_of_this_checkout() -> None:
    """In a source checkout it is data/annotated; in a wheel, the copy packaged from it."""
    checkout = REPO / "data" / "annotated"
    files = sorted(p.relative_to(checkout) for p in checkout.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(DATA) for p in DATA.rglob("*") if p.is_file())
    assert all((DATA / f).read_bytes() == (checkout / f).read_bytes() for f in files)


def test_every_file_parses_and_ids_are_unique(examples: list[Example]) -> None:
    assert len(examples) > 1000
    ids = collections.Counter(e.id for e in examples)
    assert [i for i, n in ids.items() if n > 1] == []


def test_every_label_is_a_category_of_the_taxonomy(examples: list[Example]) -> None:
    taxonomy = default_taxonomy()
    for e in examples:
        assert taxonomy.is_canonical(e.level1, e.level2), e.id


def test_no_filing_sits_on_both_sides(examples: list[Example]) -> None:
    sides = collections.defaultdict(set)
    for e in examples:
        sides[e.group].add(e.split)
    assert {g: s for g, s in sides.items() if len(s) > 1} == {}


def test_the_split_is_about_80_20(examples: list[Example]) -> None:
    holdout = sum(e.split == "holdout" for e in examples) / len(examples)
    assert 0.15 <= holdout <= 0.25


def test_every_common_level2_is_on_both_sides(examples: list[Example]) -> None:
    counts = collections.Counter(e.level2 for e in examples)
    common = {label for label, n in counts.items() if n >= MIN_ROWS_BOTH_SIDES}
    assert len(common) >= 9
    for side in ("train", "holdout"):
        assert common <= {e.level2 for e in examples if e.split == side}, side


def test_every_source_of_the_corpus_and_the_seeds_is_represented(examples: list[Example]) -> None:
    corpus = {
        "pages": REPO / "data" / "corpus" / "pages" / "rows.jsonl",
        "filled": REPO / "data" / "corpus" / "code" / "filled.jsonl",
        "library": REPO / "data" / "corpus" / "code" / "library.jsonl",
    }
    excluded = [json.loads(line) for line in (DATA / "excluded" / "excluded.jsonl").read_text("utf-8").splitlines()]
    kept_or_excluded = collections.Counter(
        "pages" if i.startswith("pages") else i.split("#")[0]
        for i in [e.id for e in examples] + [x["id"] for x in excluded]
    )
    for name, path in corpus.items():
        assert kept_or_excluded[name] == len(path.read_text("utf-8").splitlines()), name
    seeds = json.loads((REPO / "tests" / "fixtures" / "seed_rows.json").read_text("utf-8"))
    seed_rows = sum(len(project["indicators"]) for project in seeds)
    assert kept_or_excluded["songjiang-jiguan-2023"] + kept_or_excluded["songjiang-zuzhibu-2022"] == seed_rows


def test_excluded_rows_carry_a_reason_and_are_not_in_the_splits(examples: list[Example]) -> None:
    kept = {e.id for e in examples}
    for line in (DATA / "excluded" / "excluded.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        assert row["reason"].strip(), row["id"]
        assert row["id"] not in kept


def test_corrections_keep_the_filed_label_and_say_why(examples: list[Example]) -> None:
    corrected = [e for e in examples if e.corrected]
    assert len(corrected) >= 50
    for e in corrected:
        assert e.note and e.reviewed, e.id


@pytest.mark.parametrize(
    ("name", "filed", "gold"),
    [
        pytest.param("局级干部体检费 1500 元/人", "数量指标", "经济成本指标", id="seed-cost-under-数量"),
        pytest.param("处级干部体检费 3200 元/人", "数量指标", "经济成本指标", id="seed-cost-under-数量-2"),
        pytest.param(
            "高质量执行人才管理长效机制", "服务对象满意度指标", "可持续影响指标", id="seed-mechanism-under-满意度"
        ),
        pytest.param(
            "建立公务员管理长效机制", "服务对象满意度指标", "可持续影响指标", id="seed-mechanism-under-满意度-2"
        ),
        pytest.param("科目调整次数", "数量指标", "经济成本指标", id="corpus-budget-measure-under-数量"),
        pytest.param(
            "结余率(计算方法为:结余数/预算数)", "经济效益指标", "经济成本指标", id="corpus-结余率-under-经济效益"
        ),
        pytest.param("政策知晓率", "服务对象满意度指标", "社会效益指标", id="corpus-知晓率-under-满意度"),
    ],
)
def test_known_misfilings_are_corrected(examples: list[Example], name: str, filed: str, gold: str) -> None:
    matches = [e for e in examples if e.name == name and e.filed_level2 == filed]
    assert matches, name
    assert {e.level2 for e in matches} == {gold}


def test_every_row_has_a_family_and_a_concept_and_every_holdout_row_an_admissible_set(
    examples: list[Example],
) -> None:
    """The gold of CONCEPTS.md: both levels on every row (singletons included), few unsure rows, the defensible 二级
    judged on every holdout row."""
    assert all(e.family and e.concept and e.concept.startswith(e.family + ".") for e in examples)
    assert sum(e.unsure for e in examples) < 0.05 * len(examples)
    assert all(e.admissible for e in examples if e.split == "holdout")
    families = collections.Counter(e.family for e in examples)
    assert len(families) >= 40 and families.most_common(1)[0][1] < 0.25 * len(examples)


def test_a_blind_second_pass_covers_a_fifth_of_the_rows(examples: list[Example]) -> None:
    from indicatornlp.annotated import read_second_pass

    second = read_second_pass(DATA)
    ids = {e.id for e in examples}
    assert len(second) >= 0.2 * len(examples) and {r["id"] for r in second} <= ids
    assert {e.split for e in examples if e.id in {r["id"] for r in second}} == {"train", "holdout"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("群众满意度", "参训者满意度", id="issue-example-public"),
        pytest.param("活动开展及时率", "培训开展及时率", id="issue-example-services-on-time"),
        pytest.param("受益脱贫(监测)户满意度", "退捕渔民抽样调查满意度", id="beneficiaries"),
        pytest.param("项目(工程)验收合格率", "设备验收合格率", id="case-2-acceptance"),
    ],
)
def test_same_measure_same_family(examples: list[Example], a: str, b: str) -> None:
    by_name = {e.name: e.family for e in examples}
    assert by_name[a] is not None and by_name[a] == by_name[b]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("主体班培训人次", "培训学员对培训效果满意度", id="培训人次-vs-培训满意度"),
        pytest.param("培训人员合格率", "验收合格率", id="合格率-training-vs-acceptance"),
        pytest.param("资金支付及时率", "及时完成率", id="及时率-funds-vs-completion"),
        pytest.param("政策知晓率", "群众满意度", id="知晓率-vs-满意度"),
        pytest.param("干警满意度", "群众满意度", id="case-1-staff-vs-public"),
        pytest.param("项目总成本", "降低生产成本", id="cost-vs-savings"),
        pytest.param("活动开展及时率", "党组织特色活动", id="活动-timeliness-vs-count"),
    ],
)
def test_hard_negatives_get_different_families(examples: list[Example], a: str, b: str) -> None:
    by_name = {e.name: e.family for e in examples}
    assert by_name[a] is not None and by_name[b] is not None
    assert by_name[a] != by_name[b]


# ---- the reader's errors ---------------------------------------------------------------------------------

GOOD = {
    "id": "t#1",
    "group": "t",
    "source": "test",
    "name": "群众满意度",
    "target_raw": ">=95%",
    "level1": "满意度指标",
    "level2": "服务对象满意度指标",
}


def _line(**change: object) -> str:
    record = {**GOOD, **change}
    return json.dumps({k: v for k, v in record.items() if v is not ...}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("second_line", "expected"),
    [
        pytest.param('{"id": "t#2", "name": ', "malformed JSON", id="malformed-json"),
        pytest.param('["a", "list"]', "expected a JSON object", id="not-an-object"),
        pytest.param(_line(id="t#2", level2=...), "missing field 'level2'", id="missing-field"),
        pytest.param(_line(id="t#2", name="  "), "field 'name' must be a non-empty string", id="empty-name"),
        pytest.param(_line(id="t#2", levle1="产出指标"), "unknown field 'levle1'", id="misspelled-field"),
        pytest.param(_line(id="t#2", year="2022"), "field 'year' must be an integer", id="year-as-string"),
        pytest.param(_line(id="t#2", reviewed="yes"), "field 'reviewed' must be true or false", id="reviewed-not-bool"),
        pytest.param(_line(id="t#2", level2="满意度"), "unknown 二级 '满意度'", id="unknown-level2"),
        pytest.param(_line(id="t#2", level1="效益指标"), "一级 '效益指标' does not match", id="wrong-parent"),
        pytest.param(_line(id="t#2", filed_level2="成本"), "unknown filed 二级 '成本'", id="unknown-filed-label"),
        pytest.param(_line(id="t#2", concept="Satisfaction Served"), "not a dotted lower-case id", id="bad-concept"),
        pytest.param(
            _line(id="t#2", family="timeliness.funds", concept="cost.total.roads"),
            "concept 'cost.total.roads' does not extend its family 'timeliness.funds'",
            id="concept-outside-its-family",
        ),
        pytest.param(
            _line(id="t#2", admissible=["数量"]), "admissible 二级 '数量' is not in the taxonomy", id="bad-set"
        ),
        pytest.param(_line(id="t#2", admissible="数量指标"), "field 'admissible' must be a list", id="set-not-a-list"),
        pytest.param(_line(id="t#2", unsure=1), "field 'unsure' must be true or false", id="unsure-not-bool"),
        pytest.param(_line(), "duplicate id 't#1' (first at", id="duplicate-id"),
    ],
)
def test_a_bad_line_names_file_and_line(tmp_path: Path, second_line: str, expected: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(_line() + "\n" + second_line + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        read_annotated(path)
    message = str(caught.value)
    assert message.startswith(f"[E300] {path}:2: ")
    assert expected in message


def test_an_unknown_label_lists_the_allowed_labels(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(_line(level2="产出数量") + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="allowed: 数量指标, 质量指标, 时效指标, 经济成本指标"):
        read_annotated(path)


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "holdout").mkdir()
    (tmp_path / "train" / "a.jsonl").write_text(_line() + "\n", encoding="utf-8")
    (tmp_path / "holdout" / "b.jsonl").write_text(_line(group="u") + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        read_annotated(tmp_path)
    assert f"{tmp_path / 'holdout' / 'b.jsonl'}:1" in str(caught.value)
    assert f"first at {tmp_path / 'train' / 'a.jsonl'}:1" in str(caught.value)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda p: p / "missing", "no such file or directory", id="missing-path"),
        pytest.param(lambda p: p, "no .jsonl files here", id="empty-directory"),
    ],
)
def test_bad_paths(tmp_path: Path, make: object, expected: str) -> None:
    assert callable(make)
    with pytest.raises(AnnotationError, match=expected):
        read_annotated(make(tmp_path))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(_line().encode("gbk") + b"\n")
    with pytest.raises(AnnotationError, match="not UTF-8"):
        read_annotated(path)


def test_a_user_file_with_optional_fields_left_out_reads(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(_line(target_raw=...) + "\n\n", encoding="utf-8")
    (example,) = read_annotated(path)
    assert (example.target_raw, example.concept, example.reviewed, example.split, example.line) == (
        None,
        None,
        False,
        None,
        1,
    )


# ---- the build -----------------------------------------------------------------------------------------


def test_the_build_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    """Two runs under different hash seeds reproduce the committed files byte for byte."""
    script = REPO / "scripts" / "build_annotated.py"
    runs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(
            (
                out,
                subprocess.Popen(
                    [sys.executable, str(script), "--out", str(out)], env=env, stderr=subprocess.PIPE, text=True
                ),
            )
        )
    for out, process in runs:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        built = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
        assert built, stderr
        for relative in built:
            assert filecmp.cmp(out / relative, DATA / relative, shallow=False), (
                f"{relative} differs from the committed file: run python scripts/build_annotated.py"
            )
