"""``score_paths`` and ``indicatornlp score``: a folder scored file by file, the outputs, the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indicatornlp import OutputError
from indicatornlp.cli import cli
from indicatornlp.scoring import score_paths, write_scores

ROOT = Path(__file__).resolve().parent.parent
HAND_MADE = ROOT / "data" / "filings" / "ziping-yanglao-2023.md"

TARGET_TABLE = """项目支出绩效目标表（2023年度）
项目名称 社区助餐
一级指标\t二级指标\t三级指标\t年度指标值
产出指标\t数量指标\t助餐服务人次\t≥36000人次
满意度指标\t服务对象满意度指标\t老年人满意度\t≥90%
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b-goals.txt").write_text(TARGET_TABLE, encoding="utf-8")
    (tmp_path / "a-selfeval.md").write_text(HAND_MADE.read_text("utf-8"), encoding="utf-8")
    return tmp_path


def test_a_folder_scores_what_it_can_and_lists_the_rest(folder: Path) -> None:
    result = score_paths([folder])
    assert [card.project for _, card in result.cards] == ["社区居家养老服务补贴"]
    assert [(f.code, Path(str(f.source)).name) for f in result.failures] == [("S201", "b-goals.txt")]
    assert "nothing to score" in result.failures[0].message


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx", ".html"])
def test_the_command_writes_each_format_and_exits_1_for_a_target_table(folder: Path, suffix: str) -> None:
    out = folder / "out" / f"scores{suffix}"
    result = CliRunner().invoke(cli, ["score", str(folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "b-goals.txt" in result.stderr and "nothing to score" in result.stderr
    assert "社区居家养老服务补贴——86.45 分（满分 100）良，填报 90.45" in result.stdout  # Chinese by default
    assert "已评分 1 个项目 → " in result.stderr
    written = sorted(p.name for p in out.parent.iterdir())
    if suffix in (".csv", ".jsonl"):
        assert written == sorted(f"scores{x}{suffix}" for x in ("", ".findings", ".summary"))
    else:
        assert written == [f"scores{suffix}"]
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert [r["score"] for r in rows][:3] == ["8", "6.8", "9.65"] and rows[7]["target"] == "=1200元/人"
        summary = [json.loads(line) for line in (out.parent / "scores.summary.jsonl").read_text("utf-8").splitlines()]
        assert [s["status"] for s in summary] == ["ok", "failed: S201"] and summary[0]["grade"] == "良"
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(out, read_only=True)
        rows = list(book["评分"].iter_rows(values_only=True))  # Chinese sheet names by default
        assert rows[8][8] == "=1200元/人"  # a target as filed, not a formula
        assert list(book["汇总"].iter_rows(values_only=True))[1][9] == "良"
        book.close()
    if suffix == ".html":
        page = out.read_text("utf-8")
        assert "<svg" in page and "社区居家养老服务补贴" in page and "http" not in page


def test_the_command_without_output_and_with_own_rules(tmp_path: Path) -> None:
    text = (ROOT / "src" / "indicatornlp" / "data" / "scoring.toml").read_text("utf-8")
    own = tmp_path / "own.toml"
    own.write_text(text.replace("late_days = 0", "late_days = 16"), "utf-8")  # 8 days late → half of 6 points
    result = CliRunner().invoke(cli, ["score", str(HAND_MADE), "--rules", str(own), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "89.45 of 100 良, filed 90.45; 5 finding(s)" in result.stdout


def test_an_output_of_another_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write '\.pdf' files"):
        write_scores([], tmp_path / "scores.pdf")
    result = CliRunner().invoke(cli, ["score", str(HAND_MADE), "-o", str(tmp_path / "s.pdf")])
    assert result.exit_code == 1 and "[E500]" in result.stderr
    assert not list(tmp_path.iterdir())
