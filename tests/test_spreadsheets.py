"""The tables ``tag`` and ``score`` write for people: headers and sheet names in zh or en, a legend of the codes,
formulas neutralized in CSV (``--raw`` off), resume across languages.

Where a new case goes: a header or sheet case in ``HEADERS``/``SHEETS``, a payload in ``PAYLOADS``.  The inputs are
the seed filings of ``data/filings`` and a 自评表 written the way a filer's spreadsheet exports it, with the two
payloads of issue 12 (a target ``=3 次`` and a name ``=HYPERLINK(…)``).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indicatornlp.batch import tag_to_file
from indicatornlp.cli import cli
from indicatornlp.errors import ResumeError
from indicatornlp.messages import code_text
from indicatornlp.rules import RULES
from workbooks import read_book

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "filings" / "songjiang-jiguan-2023.txt"
SELF_EVALUATION = """# 项目支出绩效自评表

| 项目名称 | 社区助餐 |  |  |  |  |  |  |
|---|---|---|---|---|---|---|---|
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| 产出指标 | 数量指标 | 助餐点建设数量 | =3 次 | 3次 | 50 | 50 |  |
| 效益指标 | 社会效益指标 | =HYPERLINK("http://example.invalid","click") | ≥90% | 93% | 40 | 40 |  |
| 满意度指标 | 服务对象满意度指标 | 老年人满意度 | ≥90% | 85% | 10 | 8 |  |
"""


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEED, d / SEED.name)
    return d


@pytest.fixture
def selfeval(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "ziping.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SELF_EVALUATION, encoding="utf-8")
    return path


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _run(command: str, inputs: Path, out: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, [command, str(inputs), "-o", str(out), *args])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    return result


# ---- headers and sheet names ------------------------------------------------------------------------------

HEADERS = [
    # (command, table file, language, the first headers)
    ("tag", "t.csv", "zh", ["文件", "位置", "项目序号", "项目名称", "主管部门", "年度", "行号", "一级指标（原文）"]),
    ("tag", "t.csv", "en", ["source", "position", "filing", "project", "department", "year", "row", "level1_raw"]),
    ("tag", "t.findings.csv", "zh", ["文件", "位置", "项目序号", "项目名称", "行号", "三级指标", "代码", "级别"]),
    ("tag", "t.summary.csv", "en", ["source", "filing", "project", "department", "unit", "year", "category"]),
    ("score", "t.csv", "zh", ["文件", "位置", "项目序号", "项目名称", "行号", "一级指标", "三级指标", "分值"]),
    ("score", "t.csv", "en", ["source", "position", "filing", "project", "row", "level1", "name", "weight"]),
    ("score", "t.summary.csv", "zh", ["文件", "项目序号", "项目名称", "年度", "指标数", "已评分指标数"]),
    ("score", "t.findings.csv", "en", ["source", "position", "filing", "project", "row", "indicator", "code"]),
]


@pytest.mark.parametrize(("command", "name", "lang", "first"), HEADERS, ids=lambda v: str(v)[:12])
def test_csv_headers_are_in_the_language_asked(
    seed: Path, selfeval: Path, tmp_path: Path, command: str, name: str, lang: str, first: list[str]
) -> None:
    out = tmp_path / "out" / "t.csv"
    _run(command, seed.parent / "in", out, "--lang", lang, *(["--no-model"] if command == "tag" else []))
    header = _csv(out.parent / name)[0]
    assert header[: len(first)] == first


SHEETS = [
    ("tag", "zh", ["指标", "审核意见", "汇总", "代码说明"], "三级指标"),
    ("tag", "en", ["indicators", "findings", "summary", "codes"], "name"),
    ("score", "zh", ["评分", "审核意见", "汇总", "代码说明"], "三级指标"),
    ("score", "en", ["scores", "findings", "summary", "codes"], "name"),
]


@pytest.mark.parametrize(("command", "lang", "sheets", "name_header"), SHEETS, ids=lambda v: str(v)[:12])
def test_workbook_sheets_and_headers_are_in_the_language_asked(
    seed: Path, selfeval: Path, tmp_path: Path, command: str, lang: str, sheets: list[str], name_header: str
) -> None:
    out = tmp_path / "t.xlsx"
    _run(command, seed.parent / "in", out, "--lang", lang, *(["--no-model"] if command == "tag" else []))
    book = read_book(out)
    assert list(book) == sheets
    assert name_header in book[sheets[0]][0]
    codes, legend = book[sheets[1]][0].index("代码" if lang == "zh" else "code"), book[sheets[3]]
    used = {row[codes] for row in book[sheets[1]][1:]}
    assert {row[0] for row in legend[1:]} == used  # the legend lists exactly the codes the findings use
    assert all(row[0] in RULES and row[2] and row[3] for row in legend[1:])


@pytest.mark.parametrize("command", ["tag", "score"])
def test_jsonl_keeps_the_english_keys(seed: Path, selfeval: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "t.jsonl"
    _run(command, seed.parent / "in", out, "--lang", "zh", *(["--no-model"] if command == "tag" else []))
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert {"source", "name", "row"} <= first.keys()


def test_the_language_is_passed_down_not_read_from_the_environment(
    seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker of a cluster has its own environment: what it writes must not depend on INDICATORNLP_LANG."""
    monkeypatch.setenv("INDICATORNLP_LANG", "en")
    out = tmp_path / "t.csv"
    tag_to_file([seed], out, model=False, lang="zh")
    rows = _csv(tmp_path / "t.findings.csv")
    assert rows[0][0] == "文件"
    messages = {r[8] for r in rows[1:] if r[6] == "A203"}  # no cost indicator
    assert messages and all(m.startswith("缺少成本指标（") for m in messages), messages
    assert not code_text("A203", "message", "en", cost="x", economic="y").startswith("缺少")


# ---- formulas: neutralized in CSV unless --raw ----------------------------------------------------------------

PAYLOADS = [
    # (column of score's CSV, the filed text, as written for a spreadsheet)
    ("target", "=3 次", "'=3 次"),
    ("name", '=HYPERLINK("http://example.invalid","click")', '\'=HYPERLINK("http://example.invalid","click")'),
]


@pytest.mark.parametrize(("column", "filed", "safe"), PAYLOADS, ids=[p[1][:12] for p in PAYLOADS])
@pytest.mark.parametrize("raw", [False, True], ids=["neutralized", "raw"])
def test_score_csv_neutralizes_formulas_unless_raw(
    selfeval: Path, tmp_path: Path, column: str, filed: str, safe: str, raw: bool
) -> None:
    out = tmp_path / "s.csv"
    _run("score", selfeval, out, "--lang", "en", *(["--raw"] if raw else []))
    header, *rows = _csv(out)
    cells = [row[header.index(column)] for row in rows]
    assert (filed if raw else safe) in cells
    assert (safe if raw else filed) not in cells


def test_score_workbook_cells_are_values_of_their_type(selfeval: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    _run("score", selfeval, out)
    book = load_workbook(out)
    assert [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"] == []
    sheet = book["评分"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert rows[0]["年度指标值"] == "=3 次" and rows[0]["分值"] == 50 and rows[0]["得分（复核）"] == 50
    for ws in book.worksheets:
        assert ws.auto_filter.ref and ws.freeze_panes == "A2" and ws["A1"].font.b
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["E"].width  # names wider than row numbers


# ---- resume across languages ----------------------------------------------------------------------------------

RESUMES = [
    # (suffix, the earlier run's language, this run's, refused)
    (".csv", "zh", "zh", False),
    (".csv", "en", "en", False),
    (".xlsx", "zh", "zh", False),
    (".xlsx", "en", "en", False),
    (".csv", "zh", "en", True),
    (".xlsx", "en", "zh", True),
]


@pytest.mark.parametrize(("suffix", "before", "now", "refused"), RESUMES)
def test_resume_takes_over_tables_of_its_language_and_refuses_another(
    seed: Path, tmp_path: Path, suffix: str, before: str, now: str, refused: bool
) -> None:
    out = tmp_path / f"t{suffix}"
    first = tag_to_file([seed], out, model=False, lang=before)
    written = out.read_bytes()
    if refused:
        with pytest.raises(ResumeError, match=rf"lang = '{before}', this run has '{now}'.*--lang"):
            tag_to_file([seed], out, model=False, lang=now, resume=True)
        assert out.read_bytes() == written  # nothing the user had is changed
        return
    again = tag_to_file([seed], out, model=False, lang=now, resume=True)
    assert again.reused == first.files == 1 and again.indicators == first.indicators


def test_the_cli_says_why_a_resume_in_another_language_is_refused(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    _run("tag", seed, out, "--no-model")
    result = CliRunner().invoke(cli, ["tag", str(seed), "-o", str(out), "--no-model", "--resume", "--lang", "en"])
    assert result.exit_code == 1 and "[E503]" in result.stderr and "--lang" in result.stderr


@pytest.mark.parametrize(
    ("lang", "severities", "statuses"),
    [
        ("zh", {"错误", "警告", "提示"}, {"正常", "失败：F001"}),
        ("en", {"error", "warning", "info"}, {"ok", "failed: F001"}),
    ],
)
def test_severity_and_status_cells_are_in_the_language_and_read_back_by_resume(
    seed: Path, tmp_path: Path, lang: str, severities: set[str], statuses: set[str]
) -> None:
    (seed / "broken.docx").write_bytes(b"PK\x03\x04 not a workbook")  # one file that cannot be read: an F001
    out = tmp_path / "t.csv"
    tag_to_file([seed], out, model=False, lang=lang)
    findings, summary = _csv(out.with_name("t.findings.csv")), _csv(out.with_name("t.summary.csv"))
    severity = findings[0].index("级别" if lang == "zh" else "severity")
    status = summary[0].index("状态" if lang == "zh" else "status")
    assert {row[severity] for row in findings[1:]} <= severities and len(findings) > 2
    assert {row[status] for row in summary[1:]} == statuses
    # the failed file's message and every row's place in its file are in the run's language too
    message, place = (
        findings[0].index("问题与建议" if lang == "zh" else "message"),
        findings[0].index("位置" if lang == "zh" else "position"),
    )
    broken = next(row for row in findings[1:] if row[0].endswith("broken.docx"))
    assert ("文件已损坏" in broken[message]) == (lang == "zh") and "[E104]" in broken[message]
    assert {row[place].startswith("第 " if lang == "zh" else "line ") for row in findings[1:] if row[place]} == {True}
    again = tag_to_file([seed], out, model=False, lang=lang, resume=True)  # the shown cells read back as stored
    assert again.reused == 1 and _csv(out.with_name("t.summary.csv")) == summary
