"""The text reader (text pulled out of PDFs), the dispatcher's errors, and the ``read`` command.

The gold is ``tests/fixtures/seed_rows.json``, written by hand from the two seed filings; the corpus page texts
of ``data/filings/corpus/`` are checked against the rows a person took from them (``data/corpus/pages/rows.jsonl``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indicatornlp import (
    EmptyFilingError,
    FilingFormatError,
    FilingNotFoundError,
    NoIndicatorTableError,
    canonical_category,
    read_filings,
)
from indicatornlp.cli import cli
from indicatornlp.readers.text import read_text
from indicatornlp.text import normalize_text
from seeds import CORPUS_ROWS, FILINGS, GOLD, check_metadata, gold_rows, rows


def gold_of(source: str) -> list[dict[str, Any]]:
    return [g for g in GOLD if g["source"] == source]


# ---- the seed: songjiang-jiguan-2023.txt -------------------------------------------------------------------

JIGUAN = "songjiang-jiguan-2023.txt"


@pytest.fixture(scope="module")
def jiguan() -> list[Any]:
    return read_filings(FILINGS / JIGUAN)


def test_jiguan_has_its_three_projects(jiguan: list[Any]) -> None:
    assert [f.project for f in jiguan] == [g["project"] for g in gold_of(JIGUAN)]


@pytest.mark.parametrize("index", range(3), ids=[g["project"] for g in gold_of(JIGUAN)])
def test_jiguan_rows_exactly(jiguan: list[Any], index: int) -> None:
    assert rows(jiguan[index]) == gold_rows(gold_of(JIGUAN)[index])


@pytest.mark.parametrize("index", range(3), ids=[g["project"] for g in gold_of(JIGUAN)])
def test_jiguan_metadata(jiguan: list[Any], index: int) -> None:
    check_metadata(jiguan[index], gold_of(JIGUAN)[index])
    assert jiguan[index].warnings == ()


def test_jiguan_positions_point_at_the_row(jiguan: list[Any]) -> None:
    lines = (FILINGS / JIGUAN).read_text("utf-8").splitlines()
    for filing in jiguan:
        assert filing.source.line is not None and "绩效目标填报表" in lines[filing.source.line - 1]
        for indicator in filing.indicators:
            assert indicator.position is not None and indicator.position.path.endswith(JIGUAN)
            assert indicator.name in lines[indicator.position.line - 1]


# ---- layouts of PDF text, from the seed (cut down) and the corpus ------------------------------------------

HEAD = "项目名称 业务培训\n绩效指标\n一级指\n标\n二级指标 三级指标\n年度指标\n值\n"

LAYOUTS = [
    pytest.param(
        HEAD + "产出指\n标\n数量指标 参与培训的基层党组\n织数量 >=50 家\n",
        [("产出指标", "数量指标", "参与培训的基层党组织数量", ">=50 家")],
        id="name-wraps-onto-the-line-of-its-value",
    ),
    pytest.param(
        HEAD + "产出指标\n数量指标\n脱贫户供水设施数量\n≥20座\n",
        [("产出指标", "数量指标", "脱贫户供水设施数量", "≥20座")],
        id="value-on-the-next-line",
    ),
    pytest.param(
        HEAD
        + "效益指标\n\n社会效益\n\n指标\n\n受益脱贫(监测)人口数\n\n≥500人\n\n"
        + "解决脱贫(监测)饮水安全问题人数\n\n≥1000人\n",
        [
            ("效益指标", "社会效益指标", "受益脱贫(监测)人口数", "≥500人"),
            ("效益指标", "社会效益指标", "解决脱贫(监测)饮水安全问题人数", "≥1000人"),
        ],
        id="one-cell-per-line",
    ),
    pytest.param(
        HEAD + "满意度\n指标\n服务对象满\n意度指标\n群众满意度 >=95%\n",
        [("满意度指标", "服务对象满意度指标", "群众满意度", ">=95%")],
        id="labels-broken-over-lines-and-weak-label-as-name",
    ),
    pytest.param(
        HEAD + "产出指标\n数量指标 工、青、妇活动 =3 次\n\n2 / 10\n\n党组织特色活动 >=30 场\n",
        [("产出指标", "数量指标", "工、青、妇活动", "=3 次"), ("产出指标", "数量指标", "党组织特色活动", ">=30 场")],
        id="page-number-inside-the-table",
    ),
    pytest.param(
        HEAD
        + "产出指标\n数量指标 工、青、妇活动 =3 次\n"
        + "一级指标 二级指标 三级指标 年度指标值\n质量指标 党务工作能力 提升\n",
        [("产出指标", "数量指标", "工、青、妇活动", "=3 次"), ("产出指标", "质量指标", "党务工作能力", "提升")],
        id="header-repeated-after-a-page-break",
    ),
    pytest.param(
        HEAD + "产出指标 数量指标 人才宣讲活动 ≥20\n注:各地请根据实际情况填报\n项目经费情况说明 2 宣传与推广\n",
        [("产出指标", "数量指标", "人才宣讲活动", "≥20")],
        id="a-note-ends-the-table",
    ),
    pytest.param(
        HEAD
        + "产出指标 成本指标 流转土地补助标准 <=475元/亩\n"
        + "效益指标 社会效益\n指标\n受益建档立卡贫困人口数≥**人 >=29人\n",
        [
            ("产出指标", "成本指标", "流转土地补助标准", "<=475元/亩"),
            ("效益指标", "社会效益指标", "受益建档立卡贫困人口数≥**人", ">=29人"),
        ],
        id="cost-under-output-legacy-layout",
    ),
    pytest.param(
        "项目名称 麻风病防治\n绩效指标 一级指标 二级指标 三级指标 指标值\n绩效指标 项目完成\n指标\n"
        "时效指标 项目实施时间 2021年1月-12月\n满意度指标 满意度指标 群众幸福感 明显提升\n",
        [
            ("项目完成指标", "时效指标", "项目实施时间", "2021年1月-12月"),
            ("满意度指标", "满意度指标", "群众幸福感", "明显提升"),
        ],
        id="row-header-then-legacy-label-broken",
    ),
    pytest.param(
        "项目名称 药品监管\n一级\n指标\n二级指标 三级指标 指标值 完成值\n数量指标 指标1.药品抽验品种 ≥3 4\n"
        "成本指标 指标1.培训成本 400元/人、天 180元/人、天\n指标2.药品抽验平均标准\n指标3.化妆品抽验平均标准\n",
        [
            (None, "数量指标", "指标1.药品抽验品种", "≥3"),
            ("成本指标", "成本指标", "指标1.培训成本", "400元/人、天"),
            ("成本指标", "成本指标", "指标2.药品抽验平均标准", ""),
            ("成本指标", "成本指标", "指标3.化妆品抽验平均标准", ""),
        ],
        id="self-evaluation-numbered-names-without-values",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LAYOUTS)
def test_layouts(text: str, expected: list[tuple[Any, ...]]) -> None:
    filings = read_text("x.txt", text)
    got = [(i.level1_raw, i.level2_raw, i.name, i.target_raw) for f in filings for i in f.indicators]
    assert got == expected


def test_self_evaluation_keeps_the_actual_value() -> None:
    text = "项目名称 药品监管\n一级指标 二级指标 三级指标 指标值 完成值\n产出指标 数量指标 指标1.药品抽验品种 ≥3 4\n"
    (filing,) = read_text("x.txt", text)
    assert (filing.indicators[0].target_raw, filing.indicators[0].actual_raw) == ("≥3", "4")
    assert filing.form == "自评表"


def test_self_evaluation_weight_and_score() -> None:
    text = (
        "项目名称 委托业务项目\n绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
        "产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8\n"
    )
    (indicator,) = read_text("x.txt", text)[0].indicators
    assert (indicator.level1_raw, indicator.target_raw, indicator.actual_raw) == ("产出指标(50分)", "≥50个", "50")
    assert (indicator.weight_raw, indicator.score_raw, indicator.extra) == ("8", "8", ())


def test_a_row_with_no_category_is_kept_with_a_warning() -> None:
    text = "项目名称 物业管理\n三级指标 指标值\n安置小区物业费 8个\n产出指标 数量指标 开展食品安全专项整治 2次\n"
    (filing,) = read_text("wuye.txt", text)
    assert [i.name for i in filing.indicators] == ["安置小区物业费", "开展食品安全专项整治"]
    assert len(filing.warnings) == 1
    assert "wuye.txt, line 3" in filing.warnings[0] and "安置小区物业费" in filing.warnings[0]


def test_two_goal_blocks_keep_the_annual_one() -> None:
    text = (
        "项目名称 宣传\n项目总目标\n年度总目标\n做好廉政宣传教育，加强机关党员廉洁\n自律意识的培养。\n"
        "做好廉政宣传教育，加强机关\n党员廉洁自律意识的培养。\n一级指标 二级指标 三级指标 年度指标值\n"
        "产出指标 数量指标 宣讲 ≥2\n"
    )
    assert read_text("x.txt", text)[0].goal == "做好廉政宣传教育，加强机关党员廉洁自律意识的培养。"


# ---- corpus page texts: no row lost --------------------------------------------------------------------------

TEXT_EXCERPTS = ["pages-0007.txt", "pages-0017.txt", "pages-0021.txt", "pages-0024.txt", "pages-0046.txt"]


def corpus_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        normalize_text(row["l3"]),
        normalize_text(row["target_raw"] or ""),
        canonical_category(row["l1_raw"], row["l2_raw"]),
    )


def read_keys(path: Path) -> list[tuple[Any, ...]]:
    return [
        (normalize_text(i.name), normalize_text(i.target_raw), canonical_category(i.level1_raw, i.level2_raw))
        for f in read_filings(path)
        for i in f.indicators
    ]


@pytest.mark.parametrize("excerpt", TEXT_EXCERPTS)
def test_corpus_page_text_loses_no_row(excerpt: str) -> None:
    expected = [corpus_key(r) for r in CORPUS_ROWS if r["excerpt"] == excerpt]
    got = read_keys(FILINGS / "corpus" / excerpt)
    assert expected, excerpt
    assert [k for k in expected if k not in got] == []
    assert len(got) <= len(expected) + 1  # at most one row more (a truncated last row of the page)


def test_corpus_self_evaluation_actual_values() -> None:
    expected = {
        (normalize_text(r["l3"]), r["actual_raw"])
        for r in CORPUS_ROWS
        if r["excerpt"] == "pages-0021.txt" and r["actual_raw"]
    }
    got = {
        (normalize_text(i.name), i.actual_raw)
        for f in read_filings(FILINGS / "corpus/pages-0021.txt")
        for i in f.indicators
    }
    assert expected <= got


# ---- bad input ------------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FilingNotFoundError, match=r"\[E101\] .*nowhere\.txt: no such file"):
        read_filings(tmp_path / "nowhere.txt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "filing.xyz"
    path.write_text("项目名称 x", "utf-8")
    with pytest.raises(FilingFormatError, match=r"filing\.xyz: unsupported suffix '\.xyz'"):
        read_filings(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n \t"], ids=["empty", "white-space"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyFilingError, match=r"empty\.txt"):
        read_filings(path)


def test_no_indicator_table(tmp_path: Path) -> None:
    path = tmp_path / "narrative.txt"
    path.write_text((FILINGS / JIGUAN).read_text("utf-8").split("财政项目支出绩效目标填报表 1")[0], "utf-8")
    with pytest.raises(NoIndicatorTableError, match=r"narrative\.txt: no indicator table"):
        read_filings(path)


def test_gb18030_text(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((FILINGS / JIGUAN).read_text("utf-8").encode("gb18030"))
    assert [f.project for f in read_filings(path)] == ["党组织建设", "宣传与推广", "业务培训"]


def test_a_lying_suffix_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "really-text.pdf"
    path.write_bytes((FILINGS / JIGUAN).read_bytes())
    assert len(read_filings(path)) == 3


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "产出指",
                "标",
                "数量指标",
                "满意度",
                "指标",
                "群众满意度 >=95%",
                "三级指标 年度指标值",
                "项目名称 x",
                "2 / 10",
                "注:",
                "=3 次",
                "活动",
                "（2023 年度）",
                "年度总目标",
            ]
        )
        | st.text(max_size=12),
        max_size=25,
    )
)
def test_text_reader_never_raises_anything_else(lines: list[str]) -> None:
    try:
        filings = read_text("x.txt", "\n".join(lines))
    except NoIndicatorTableError:
        return
    assert all(f.indicators or f.project for f in filings)


# ---- the read command ------------------------------------------------------------------------------------


def test_cli_reads_the_good_files_and_reports_the_bad(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    odd = tmp_path / "filing.xyz"
    odd.write_text("x", "utf-8")
    files = [
        str(FILINGS / JIGUAN),
        str(tmp_path / "missing.md"),
        str(empty),
        str(odd),
        str(FILINGS / "corpus/pages-0024.txt"),
    ]
    result = CliRunner().invoke(cli, ["read", "--jsonl", *files])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 16 + 16
    assert records[0]["name"] == "工、青、妇活动" and records[0]["target_raw"] == "=3 次"
    errors = [line for line in result.stderr.splitlines() if "warning" not in line]
    assert len(errors) == 3
    assert "missing.md" in errors[0] and "E101" in errors[0]
    assert "empty.txt" in errors[1] and "E103" in errors[1]
    assert "filing.xyz" in errors[2] and "E102" in errors[2]


def test_cli_table_and_csv() -> None:
    table = CliRunner().invoke(cli, ["read", str(FILINGS / JIGUAN)])
    assert table.exit_code == 0
    assert "党组织建设" in table.stdout and "参训者满意度" in table.stdout
    csv_out = CliRunner().invoke(cli, ["read", "--csv", str(FILINGS / JIGUAN)])
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("file,project,department") and len(lines) == 17


def test_cli_read_has_help() -> None:
    result = CliRunner().invoke(cli, ["read", "--help"])
    assert result.exit_code == 0 and "--jsonl" in result.stdout


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx", ".docx"])
def test_a_suffix_that_lies_is_corrected_by_the_content(tmp_path: Path, suffix: str) -> None:
    seed = FILINGS / "songjiang-jiguan-2023.txt"
    disguised = tmp_path / f"jiguan{suffix}"
    disguised.write_bytes(seed.read_bytes())
    assert [rows(f) for f in read_filings(disguised)] == [rows(f) for f in read_filings(seed)]
