"""The format registry, reading by content when the suffix lies, and the folder walk (``readers.walk``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indicatornlp.cli import cli
from indicatornlp.errors import CorruptFilingError
from indicatornlp.readers import FORMAT_NAMES, FORMATS, REGISTRY, Walk, find_files, read_filings, walk
from indicatornlp.readers.docx import read_docx
from indicatornlp.readers.xlsx import read_xlsx

FILINGS = Path(__file__).resolve().parents[1] / "data" / "filings"
STEM = "songjiang-jiguan-2023"


def _projects(path: Path) -> list[tuple[str | None, int]]:
    return [(f.project, len(f.indicators)) for f in read_filings(path)]


# ---- the registry ----------------------------------------------------------------------------------------


def test_registry_names_every_suffix_once_and_finds_every_reader() -> None:
    suffixes = [s for f in REGISTRY for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes)) == len(FORMATS)
    assert FORMAT_NAMES == ("text", "markdown", "html", "xlsx", "docx", "pdf")
    for fmt in REGISTRY:
        assert callable(fmt.reader("x")), fmt.name


def test_cli_format_choices_are_the_registry() -> None:
    command = cli.commands["read"]
    option = next(p for p in command.params if p.name == "fmt")
    assert tuple(option.type.choices) == FORMAT_NAMES  # type: ignore[attr-defined]


# ---- a suffix that lies ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".txt", ".md", ".html"])
def test_a_workbook_under_another_suffix_is_read_as_a_workbook(tmp_path: Path, suffix: str) -> None:
    liar = tmp_path / f"{STEM}{suffix}"
    shutil.copy(FILINGS / f"{STEM}.xlsx", liar)
    assert _projects(liar) == _projects(FILINGS / f"{STEM}.xlsx")


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf", ".txt"])
def test_a_word_document_under_another_suffix_is_read_as_one(tmp_path: Path, suffix: str) -> None:
    liar = tmp_path / f"{STEM}{suffix}"
    shutil.copy(FILINGS / f"{STEM}.docx", liar)
    assert _projects(liar) == _projects(FILINGS / f"{STEM}.docx")


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".txt"])
def test_a_pdf_under_another_suffix_is_read_as_one(tmp_path: Path, suffix: str) -> None:
    liar = tmp_path / f"{STEM}{suffix}"
    shutil.copy(FILINGS / f"{STEM}.pdf", liar)
    assert _projects(liar) == _projects(FILINGS / f"{STEM}.pdf")


def test_binary_readers_called_directly_read_the_content_not_the_suffix(tmp_path: Path) -> None:
    liar = tmp_path / "workbook.docx"
    shutil.copy(FILINGS / f"{STEM}.xlsx", liar)
    assert [f.project for f in read_xlsx(liar)] == [f.project for f in read_xlsx(FILINGS / f"{STEM}.xlsx")]
    with pytest.raises(CorruptFilingError, match=r"workbook\.docx.*not a readable Word"):
        read_docx(liar)  # a workbook is no Word document: a coded error, not python-docx's own


def test_cli_reads_a_lying_suffix_without_a_traceback(tmp_path: Path) -> None:
    liar = tmp_path / "filing.docx"
    shutil.copy(FILINGS / f"{STEM}.xlsx", liar)
    result = CliRunner().invoke(cli, ["read", str(liar)])
    assert result.exit_code == 0, result.output
    assert "党组织建设" in result.output


# ---- the folder walk -------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    shutil.copy(FILINGS / f"{STEM}.txt", d / f"{STEM}.txt")
    shutil.copy(FILINGS / f"{STEM}.xlsx", d / "sub" / f"{STEM}.xlsx")
    for name in ("README.md", "out.csv", "rows.jsonl", "logo.png", "scan.JPG", ".DS_Store"):
        (d / name).write_bytes(b"x")
    return d


def test_walk_skips_what_is_not_a_filing_and_says_so(folder: Path) -> None:
    found = walk([folder])
    assert [Path(f).relative_to(folder).as_posix() for f in found.files] == [f"{STEM}.txt", f"sub/{STEM}.xlsx"]
    assert sorted(Path(p).name for p in found.not_filings) == [
        "README.md",
        "logo.png",
        "out.csv",
        "rows.jsonl",
        "scan.JPG",
    ]
    assert [Path(p).name for p in found.hidden] == [".DS_Store"]
    assert found.skipped_line() == "skipped 5 entries that are not filings (README.md, logo.png, out.csv, …)"


def test_walk_keeps_named_files_the_output_and_tables_when_asked(folder: Path) -> None:
    named = walk([folder / "README.md", folder / "out.csv"])
    assert named.files == (str(folder / "README.md"), str(folder / "out.csv")) and not named.not_filings
    quiet = walk([folder], exclude=[folder / "out.csv"])
    assert "out.csv" not in {Path(p).name for p in quiet.not_filings}
    tables = walk([folder], tables=True)
    assert {Path(f).name for f in tables.files} >= {"out.csv", "rows.jsonl"}
    assert Walk(("a",)).skipped_line() is None
    assert Walk(("a",), not_filings=("x/README",)).skipped_line() == "skipped 1 entry that is not a filing (README)"


def test_find_files_is_the_walk_as_a_pair(folder: Path) -> None:
    files, hidden = find_files([folder])
    assert (tuple(files), tuple(hidden)) == (walk([folder]).files, walk([folder]).hidden)


def test_cli_tag_prints_one_line_for_what_it_skipped(folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "t.csv"), "--no-model"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "not filings" in line]
    assert lines == ["indicatornlp: skipped 5 entries that are not filings (README.md, logo.png, out.csv, …)"]


def test_a_government_page_saved_as_shtml_is_read_as_html(tmp_path: Path) -> None:
    # budget-disclosure pages of many 政府 sites are served as .shtml (server-side includes)
    page = tmp_path / "项目绩效目标.shtml"
    rows = [
        ("一级指标", "二级指标", "三级指标", "年度指标值"),
        ("产出指标", "数量指标", "党组织特色活动", ">=30 场"),
        ("效益指标", "社会效益指标", "党员参与率", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%"),
    ]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    page.write_text(f"<html><body><p>项目名称：党组织建设</p><table>{cells}</table></body></html>", encoding="utf-8")
    (filing,) = read_filings(page)
    assert [(i.name, i.target_raw) for i in filing.indicators] == [(r[2], r[3]) for r in rows[1:]]
