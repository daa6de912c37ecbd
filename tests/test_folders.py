"""The notebook face: tag, audit, library and read_filings over files, folders and globs; to_dataframe, reprs,
_repr_html_; the audit and explain commands' options.  Real examples: the Songjiang seeds in data/filings."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import indicatornlp
from indicatornlp import (
    Filing,
    FilingNotFoundError,
    Findings,
    Indicator,
    MissingExtraError,
    Position,
    Scorecard,
    audit,
    library,
    parse_target,
    read_filings,
    score,
    tag,
)
from indicatornlp.cli import cli

FILINGS = Path(__file__).resolve().parents[1] / "data" / "filings"
JIGUAN = FILINGS / "songjiang-jiguan-2023.txt"
ZUZHIBU = FILINGS / "songjiang-zuzhibu-2022.md"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two seeds in a folder, one of them twice in a subfolder, and a file that is not a filing."""
    d = tmp_path / "submissions"
    (d / "2023").mkdir(parents=True)
    shutil.copy(JIGUAN, d / JIGUAN.name)
    shutil.copy(ZUZHIBU, d / ZUZHIBU.name)
    shutil.copy(JIGUAN, d / "2023" / JIGUAN.name)
    return d


@pytest.fixture
def broken(folder: Path) -> Path:
    (folder / "empty.txt").write_bytes(b"")
    return folder


# ---- the package's face ----------------------------------------------------------------------------------------


def test_the_folder_functions_are_at_the_top_level() -> None:
    for name in ("tag", "audit", "library", "score", "read_filings", "Filings", "Findings"):
        assert name in indicatornlp.__all__ and getattr(indicatornlp, name) is not None


@pytest.mark.parametrize(
    ("given", "files"),
    [
        pytest.param(lambda d: d, 3, id="folder"),
        pytest.param(lambda d: str(d / "*.txt"), 1, id="glob"),
        pytest.param(lambda d: str(d / "**" / "*.txt"), 2, id="recursive-glob"),
        pytest.param(lambda d: [d / JIGUAN.name, d / ZUZHIBU.name], 2, id="list"),
    ],
)
def test_audit_takes_files_folders_and_globs(folder: Path, given: object, files: int) -> None:
    result = audit(given(folder), model=False)  # type: ignore[operator]
    assert result.files == files and not result.failures
    for filing, findings in result:
        assert isinstance(findings, Findings)
        for f in findings:
            if f.row is not None:  # rows from 1, as in the filing and every output
                assert f.indicator == filing.indicators[f.row - 1].name
                assert f.target == filing.indicators[f.row - 1].target_raw


def test_audit_of_one_filing_gives_its_findings() -> None:
    filing = Filing(
        Position("a.txt"), project="人才工作", indicators=(Indicator("人才宣讲活动", "≥20", "产出指标", "数量指标"),)
    )
    found = audit(filing, model=False)
    assert isinstance(found, Findings) and [f.code for f in found if f.row == 1] == ["A121"]


def test_a_bad_file_is_a_failure_not_an_end(broken: Path) -> None:
    with pytest.warns(UserWarning, match=r"1 of 4 files could not be read .*empty\.txt"):
        result = audit(broken, model=False)
    assert len(result) == 3 + 6 + 3 and [f.code for f in result.failures] == ["F001"]
    assert "[E103]" in result.failures[0].message
    with pytest.warns(UserWarning, match="see .failures"):
        filings = read_filings(broken)
    assert len(filings) == 12 and len(filings.failures) == 1


@pytest.mark.parametrize("call", [audit, tag, read_filings, library, score], ids=lambda f: f.__name__)
def test_a_folder_with_no_filing_is_a_clear_error(tmp_path: Path, call: object) -> None:
    with pytest.raises(FilingNotFoundError, match=r"\[E101\] .*: no filing found there"):
        call(tmp_path)  # type: ignore[operator]


SELF_EVALUATION = FILINGS / "ziping-yanglao-2023.md"


@pytest.mark.parametrize(
    ("given", "cards", "not_scored"),
    [
        pytest.param(lambda d: d / SELF_EVALUATION.name, 1, 0, id="file"),
        pytest.param(lambda d: d, 1, 3, id="folder-with-target-tables"),  # the 绩效目标表: S201, not an end
        pytest.param(lambda d: str(d / "*.md"), 1, 1, id="glob"),
        pytest.param(lambda d: [d / SELF_EVALUATION.name, d / JIGUAN.name], 1, 1, id="list"),
    ],
)
def test_score_takes_files_folders_and_globs(folder: Path, given: object, cards: int, not_scored: int) -> None:
    shutil.copy(SELF_EVALUATION, folder / SELF_EVALUATION.name)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        scores = score(given(folder))  # type: ignore[operator]
    assert len(scores) == cards and len(scores.failures) == not_scored
    assert all(f.code == "S201" for f in scores.failures) and len(said) == (1 if not_scored else 0)
    assert [(card.total, card.grade) for card in scores] == [(Decimal("86.45"), "良")]
    assert repr(scores) == f"Scores(1 filings scored (良 1); {not_scored} not scored)"


def test_score_of_one_filing_is_its_scorecard_and_of_paths_the_tables_of_the_command(tmp_path: Path) -> None:
    [filing] = read_filings(SELF_EVALUATION)
    assert isinstance(score(filing), Scorecard) and score(filing).total == Decimal("86.45")
    scores = score(SELF_EVALUATION)
    summary = scores.to_dataframe()
    assert list(summary["total"]) == [86.45] and str(summary["total"].dtype) == "Float64"
    rows = scores.to_dataframe("scores")
    assert len(rows) == 13 and {str(rows[c].dtype) for c in ("weight", "score", "filed_score")} == {"Float64"}
    assert "<table" in scores._repr_html_() and "社区居家养老服务补贴" in scores._repr_html_()
    written = scores.write(tmp_path / "scores.xlsx")
    assert [p.name for p in written] == ["scores.xlsx"] and written[0].stat().st_size > 0
    with pytest.raises(ValueError, match="no table 'rows'"):
        scores.to_dataframe("rows")  # type: ignore[arg-type]


def test_read_filings_takes_a_folder_and_a_glob(folder: Path) -> None:
    assert [f.project for f in read_filings(folder / "*.txt")] == ["党组织建设", "宣传与推广", "业务培训"]
    every = read_filings(folder)
    assert len(every) == 3 + 6 + 3 and every.failures == ()


def test_tag_gives_the_tables_of_the_command(folder: Path) -> None:
    tagged = tag(folder / "*.md", model=False)
    assert repr(tagged) == "Tagged(80 indicators in 6 filings from 1 files, 58 findings, 0 failed)"
    assert [r["row"] for r in tagged.rows[:3]] == [1, 2, 3]


def test_library_of_paths_and_of_indicators(folder: Path) -> None:
    lib = library(folder, min_filings=2)
    assert lib and all(row["filings"] >= 2 for row in lib) and lib.files == 3
    names = ["群众满意度 ≥95%", "服务对象满意度 ≥90%", "培训人次 ≥100人次"]
    assert [r["name"] for r in library(indicators=names)] == ["培训人次", "服务对象满意度"]  # by family, then concept
    with pytest.raises(TypeError, match="paths or indicators="):
        library()


# ---- DataFrames ---------------------------------------------------------------------------------------------


def test_to_dataframe_has_numbers_and_dates(folder: Path) -> None:
    pd = pytest.importorskip("pandas")
    rows = tag(folder / ZUZHIBU.name, model=False).to_dataframe()
    assert str(rows["value"].dtype) == "Float64" and str(rows["row"].dtype) == "Int64"
    assert rows["value"].sum() > 0  # numbers a spreadsheet (or pandas) can sum, not text
    deadline = rows[rows["kind"] == "deadline"]
    assert pd.api.types.is_datetime64_any_dtype(rows["date"]) and deadline["date"].notna().all()
    summary = tag(folder / ZUZHIBU.name, model=False).to_dataframe("summary")
    assert str(summary["funds_total"].dtype) == "Float64" and pd.api.types.is_datetime64_any_dtype(
        summary["file_mtime"]
    )
    findings = audit(folder / ZUZHIBU.name, model=False).to_dataframe(lang="en")
    assert {"file", "position", "row", "indicator", "target", "code", "message"} <= set(findings.columns)
    assert findings["message"].str.contains("states no unit").any()
    filings = read_filings(folder / ZUZHIBU.name).to_dataframe()
    assert str(filings["funds_total"].dtype) == "Float64" and len(filings) == 80


def test_to_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # an import of pandas now fails
    with pytest.raises(
        MissingExtraError, match=r"\[E700\] to_dataframe\(\) needs pandas.*pip install 'indicatornlp\[pandas\]'"
    ):
        read_filings(JIGUAN).to_dataframe()


def test_a_missing_plot_library_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from indicatornlp.results import require

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"needs matplotlib.*indicatornlp\[plot\]"):
        require("matplotlib", "plot", purpose="drawing the confusion matrix (--plot)")


# ---- reprs -------------------------------------------------------------------------------------------------


REPRS = [
    pytest.param(parse_target("≥95%"), "Target('≥95%' → ≥ 95 %)", id="target"),
    pytest.param(parse_target("300-500人"), "Target('300-500人' → 300–500 人)", id="range"),
    pytest.param(parse_target("及时"), "Target('及时' → 及时)", id="qualitative"),
    pytest.param(parse_target(""), "Target('' → empty [blank])", id="empty"),
    pytest.param(Position("a.xlsx", sheet="项目1", row=12), "Position('a.xlsx, sheet 项目1, row 12')", id="position"),
]


@pytest.mark.parametrize(("record", "shown"), REPRS)
def test_reprs_are_short(record: object, shown: str) -> None:
    assert repr(record) == shown


def test_reprs_of_real_records_stay_short() -> None:
    filings = read_filings(ZUZHIBU)
    found = audit(filings[1], model=False)
    for record in (*filings, *filings[1].indicators, *found, found, audit(ZUZHIBU, model=False)):
        assert len(repr(record)) < 200, repr(record)


def test_collections_show_as_html_tables_with_the_text_escaped() -> None:
    filing = Filing(Position("<a>.txt"), project="<script>x</script>", indicators=(Indicator("<b>名</b>", "=1"),))
    page = indicatornlp.Filings([filing])._repr_html_()
    assert "<table" in page and "&lt;script&gt;" in page and "<script>" not in page
    found = audit(filing, model=False)
    assert "&lt;b&gt;名&lt;/b&gt;" in found._repr_html_()
    assert "<table" in audit(JIGUAN, model=False)._repr_html_()
    assert "<table" in tag(JIGUAN, model=False)._repr_html_()


# ---- the audit command ------------------------------------------------------------------------------------


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, [*args])


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [("error", 1), ("warning", 1), ("never", 0)],
)
def test_audit_fails_on_the_severity_asked(fail_on: str, code: int) -> None:
    result = _run("audit", str(ZUZHIBU), "--no-model", "--fail-on", fail_on, "-q")
    assert result.exit_code == code  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]  # -q: nothing but errors


def test_audit_of_a_clean_filing_exits_0_on_warnings_only() -> None:
    # the jiguan seed has warnings and info but no error
    assert _run("audit", str(JIGUAN), "--no-model").exit_code == 0  # type: ignore[attr-defined]
    assert _run("audit", str(JIGUAN), "--no-model", "--fail-on", "warning").exit_code == 1  # type: ignore[attr-defined]


def test_audit_json_and_jsonl() -> None:
    document = json.loads(_run("audit", str(JIGUAN), "--no-model", "--format", "json", "--lang", "en").stdout)  # type: ignore[attr-defined]
    assert document["lang"] == "en" and len(document["filings"]) == 3
    first = document["filings"][0]
    assert first["project"] == "党组织建设" and first["counts"]["warning"] >= 1
    row = next(f for f in first["findings"] if f["row"] is not None)
    assert row["position"].startswith("line ") and row["target"] and row["title"] and "—" in row["message"]
    lines = _run("audit", str(JIGUAN), "--no-model", "--format", "jsonl").stdout.splitlines()  # type: ignore[attr-defined]
    records = [json.loads(line) for line in lines]
    assert sum(len(f["findings"]) for f in document["filings"]) == len(records)
    assert records[0]["file"] == str(JIGUAN) and "——" in records[-1]["message"]  # Chinese by default


def test_audit_of_nothing_is_exit_2(tmp_path: Path) -> None:
    result = _run("audit", str(tmp_path))
    assert result.exit_code == 2 and "no filing to read" in result.stderr  # type: ignore[attr-defined]


# ---- explain ----------------------------------------------------------------------------------------------


def test_explain_lists_every_code() -> None:
    from indicatornlp.rules import RULES

    result = _run("explain", "--lang", "en")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    listed = [line.split()[0] for line in result.stdout.splitlines() if line[:1] in "AFS" and line.strip()]  # type: ignore[attr-defined]
    assert listed == sorted(RULES)
    assert "A120  warning  no comparator — numeric target with no comparator" in result.stdout  # type: ignore[attr-defined]


def test_explain_one_code_in_either_language() -> None:
    zh = _run("explain", "a203").stdout  # type: ignore[attr-defined]
    assert "A203  缺少成本指标" in zh and "级别: 警告" in zh and "工程建设或购置类项目（“…”）缺少…" in zh
    en = _run("explain", "A131", "--lang", "en").stdout  # type: ignore[attr-defined]
    assert "what it flags: a cost figure outside 成本指标" in en and "move it to …/…" in en


def test_explain_an_unknown_code() -> None:
    result = _run("explain", "A999")
    assert result.exit_code == 2 and "A999" in result.stderr  # type: ignore[attr-defined]


def test_severities_are_coloured_on_a_terminal_only() -> None:
    plain = CliRunner().invoke(cli, ["audit", str(JIGUAN), "--no-model"])
    assert "\x1b[" not in plain.stdout and "警告" in plain.stdout
    coloured = CliRunner().invoke(cli, ["audit", str(JIGUAN), "--no-model"], color=True)
    assert "\x1b[33m警告" in coloured.stdout  # yellow warnings where colour is wanted
