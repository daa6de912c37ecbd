"""Batch tagging: folders of real filings in, one row per indicator out (CSV, JSONL, XLSX), bad files reported.

The inputs are copies of the seed filings in data/filings/ (every format the readers have there), in temporary
folders, next to broken files made the way they arrive broken (an empty file, a truncated workbook, a file of
another kind).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indicatornlp import OutputError
from indicatornlp import batch as batch_module
from indicatornlp.atomic import new_file_mode
from indicatornlp.batch import (
    FINDING_COLUMNS,
    ROW_COLUMNS,
    SUMMARY_COLUMNS,
    FileResult,
    find_files,
    output_paths,
    tag_file,
    tag_paths,
    tag_to_file,
)
from indicatornlp.cli import cli
from indicatornlp.tables import COLUMNS, header_lang, headers
from workbooks import read_book

readers = pytest.importorskip("indicatornlp.readers")
if not hasattr(readers, "read_filings"):  # pragma: no cover - while the readers are being written
    pytest.skip("the readers have not landed yet", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "data" / "filings"
SEEDS = sorted(FILINGS.glob("songjiang-*.txt")) + sorted(FILINGS.glob("songjiang-*.md"))


def _indicator_count(paths: list[Path]) -> int:
    return sum(len(f.indicators) for p in paths for f in readers.read_filings(p))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two seed filings, one of them twice in a sub-folder."""
    d = tmp_path / "in"
    (d / "2022").mkdir(parents=True)
    for seed in SEEDS:
        shutil.copy(seed, d / seed.name)
    shutil.copy(SEEDS[0], d / "2022" / SEEDS[0].name)
    return d


def _bad_files(d: Path) -> dict[str, Path]:
    bad = {
        "empty": d / "empty.txt",
        "corrupt": d / "truncated.xlsx",
        "unsupported": d / "notes.json",
    }
    bad["empty"].write_bytes(b"")
    bad["corrupt"].write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a zip header and nothing after it
    bad["unsupported"].write_text('{"项目名称": "党建工作"}', encoding="utf-8")
    return bad


def _read_table(path: Path) -> list[dict[str, Any]]:
    """A table's rows by column key (the CSV's header row is in the run's language: mapped back to the keys)."""
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    table = next((t for t in ("findings", "summary") if path.name.endswith(f".{t}.csv")), "indicators")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header_lang(table, header), header
    return [dict(zip(COLUMNS[table], row, strict=True)) for row in rows]


def _snapshot(out: Path) -> Any:
    """The content of a run's output, comparable across runs."""
    if out.suffix == ".xlsx":
        return read_book(out)
    return {table: path.read_bytes() for table, path in output_paths(out).items()}


def _leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.endswith(".tmp"))


# ---- finding files -----------------------------------------------------------------------------------------


def test_find_files_walks_sorted_skips_hidden_and_the_output(folder: Path) -> None:
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (folder / "~$lock.xlsx").write_bytes(b"")
    (folder / "out.csv").write_text("", encoding="utf-8")
    files, skipped = find_files([folder, folder / "missing.pdf"], exclude=[folder / "out.csv"])
    names = [Path(f).relative_to(folder).as_posix() for f in files]
    assert names == ["2022/" + SEEDS[0].name, SEEDS[0].name, SEEDS[1].name, "missing.pdf"]
    assert sorted(Path(s).name for s in skipped) == [".DS_Store", ".git", "~$lock.xlsx"]


def test_output_suffix_must_be_one_we_write(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\[E500\].*'.txt'.*\.csv, \.jsonl or \.xlsx"):
        tag_to_file([tmp_path], tmp_path / "out.txt")


# ---- tagging ------------------------------------------------------------------------------------------------


def test_tag_paths_gives_one_row_per_indicator(folder: Path) -> None:
    result = tag_paths([folder], model=False)
    files = sorted(folder.rglob("songjiang-*"))
    assert result.files == 3 and not result.failures
    assert len(result.rows) == result.indicators == _indicator_count(files)
    assert all(tuple(r) == ROW_COLUMNS for r in result.rows)
    assert all(tuple(f) == FINDING_COLUMNS for f in result.findings)
    assert all(tuple(s) == SUMMARY_COLUMNS for s in result.summaries)
    assert result.filings == len(result.summaries) == 3 + 6 + 3
    # the audit's findings are on the rows they concern
    cost = [r for r in result.rows if str(r["name"]).replace(" ", "").startswith("局级干部体检费")]
    assert cost and all("A131" in r["findings"] for r in cost)
    assert all(r["level2"] == "数量指标" and r["kind"] for r in cost)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_tag_to_file_writes_every_table(folder: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"tags{suffix}"
    result = tag_to_file([folder], out, model=False)
    expected = tag_paths([folder], model=False)
    assert result.indicators == len(expected.rows) and result.filings == expected.filings
    if suffix == ".xlsx":
        sheets = read_book(out)  # Chinese by default: sheet names and headers (issue 12)
        assert list(sheets) == ["指标", "审核意见", "汇总", "代码说明"]
        assert list(sheets["指标"][0]) == headers("indicators", "zh") and len(sheets["指标"]) == len(expected.rows) + 1
        assert len(sheets["审核意见"]) == len(expected.findings) + 1
        assert len(sheets["汇总"]) == len(expected.summaries) + 1
        names = [r[ROW_COLUMNS.index("name")] for r in sheets["指标"][1:]]
    else:
        paths = output_paths(out)
        rows = _read_table(paths["indicators"])
        assert len(rows) == len(expected.rows) and list(rows[0]) == list(ROW_COLUMNS)
        assert len(_read_table(paths["findings"])) == len(expected.findings)
        assert len(_read_table(paths["summary"])) == len(expected.summaries)
        names = [r["name"] for r in rows]
    assert names == [r["name"] for r in expected.rows]
    assert _leftovers(tmp_path) == []


def test_csv_cells_are_plain_text(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "tags.csv"
    tag_to_file([folder], out, model=False)
    rows = _read_table(out)
    row = next(r for r in rows if r["name"] == "群众满意度")
    assert (row["comparator"], row["value"], row["unit"], row["mismatch"]) == ("≥", "95", "%", "false")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark, so that Excel reads UTF-8


def test_bad_files_are_reported_and_good_rows_written(folder: Path, tmp_path: Path) -> None:
    bad = _bad_files(folder)
    out = tmp_path / "tags.csv"
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(out), "--no-model"])
    assert result.exit_code == 1, result.output
    for path in bad.values():
        assert str(path) in result.stderr
    findings = _read_table(output_paths(out)["findings"])
    failed = {f["source"]: f for f in findings if f["code"] == "F001"}
    assert set(failed) == {str(p) for p in bad.values()}
    assert "[E103]" in failed[str(bad["empty"])]["message"]
    assert all(f["severity"] == "错误" and f["message"] for f in failed.values())  # severities in the run's language
    summary = _read_table(output_paths(out)["summary"])
    assert {s["source"] for s in summary if s["status"] == "失败：F001"} == set(failed)
    assert len(_read_table(out)) == _indicator_count(sorted(folder.rglob("songjiang-*")))


def test_an_unexpected_error_is_a_finding_not_a_crash(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = readers.read_filings

    def buggy(path: Any, **kw: Any) -> Any:
        if Path(path).suffix == ".md":
            raise ValueError("list index out of range")
        return real(path, **kw)

    monkeypatch.setattr(readers, "read_filings", buggy)
    result = tag_paths([folder], model=False)
    (failure,) = result.failures
    assert failure.code == "F002" and "ValueError" in failure.message and "bug" in failure.message
    assert result.rows  # the other files were tagged


def test_interrupt_leaves_no_file_behind(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "tags.csv"
    calls: list[str] = []
    seen: list[int] = []

    def interrupted(path: str, **kw: Any) -> FileResult:
        calls.append(path)
        if len(calls) == 3:
            # the first files' rows are already streamed to temporary files next to the output
            seen.append(len(_leftovers(tmp_path)))
            raise KeyboardInterrupt
        return tag_file(path, **kw)

    monkeypatch.setattr(batch_module, "tag_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tag_to_file([folder], out, model=False)
    assert seen == [3]  # tags.csv, tags.findings.csv and tags.summary.csv were being written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]

    calls.clear()
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "tags.xlsx"), "--no-model"])
    assert result.exit_code == 130 and "interrupted" in result.stderr
    assert seen == [3, 1]  # one workbook
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_resume_equals_a_full_run(folder: Path, tmp_path: Path, suffix: str) -> None:
    late = folder / "2022" / SEEDS[1].name
    part, full = tmp_path / f"part{suffix}", tmp_path / f"full{suffix}"
    first = tag_to_file([folder], part, model=False)
    assert first.reused == 0
    shutil.copy(SEEDS[1], late)  # a new submission arrives
    empty = folder / "empty.txt"
    empty.write_bytes(b"")  # and a broken one
    second = tag_to_file([folder], part, model=False, resume=True)
    assert second.reused == 3 and second.files == 5 and len(second.failures) == 1
    tag_to_file([folder], full, model=False)
    assert _snapshot(part) == _snapshot(full)

    # the broken file is fixed: it is read again; the others are taken over
    shutil.copy(SEEDS[0], empty)
    third = tag_to_file([folder], part, model=False, resume=True)
    assert third.reused == 4 and not third.failures
    tag_to_file([folder], full, model=False)
    assert _snapshot(part) == _snapshot(full)
    assert _leftovers(tmp_path) == []


def test_resume_reads_a_changed_file_again(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "tags.jsonl"
    tag_to_file([folder], out, model=False)
    changed = folder / SEEDS[0].name
    changed.write_text(changed.read_text("utf-8").replace("群众满意度", "服务对象满意度"), encoding="utf-8")
    result = tag_to_file([folder], out, model=False, resume=True)
    assert result.reused == 2
    names = {r["name"] for r in _read_table(out) if r["source"] == str(changed)}
    assert "服务对象满意度" in names and "群众满意度" not in names


def test_resume_without_previous_output_is_a_full_run(folder: Path, tmp_path: Path) -> None:
    result = tag_to_file([folder], tmp_path / "tags.csv", model=False, resume=True)
    assert result.reused == 0 and result.files == 3


def test_local_workers_give_the_same_output(folder: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    tag_to_file([folder], one, model=False, jobs=1)
    tag_to_file([folder], two, model=False, jobs=2)
    assert _snapshot(one) == _snapshot(two)


def test_cli_is_quiet_off_a_terminal(folder: Path, tmp_path: Path) -> None:
    (folder / ".DS_Store").write_bytes(b"\x00")
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "t.csv"), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "%|" not in result.stderr  # no progress bar when stderr is not a terminal
    assert "skipped 1 hidden file" in result.stderr and "已标注" in result.stderr  # in Chinese by default
    english = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "e.csv"), "--no-model", "--lang", "en"])
    assert english.exit_code == 0 and "tagged" in english.stderr
    quiet = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "q.csv"), "--no-model", "-q"])
    assert quiet.exit_code == 0 and "已标注" not in quiet.stderr


def test_cli_dask_backend_needs_a_scheduler(folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", str(tmp_path / "t.csv"), "--backend", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.stderr


def test_cli_unreachable_scheduler_is_one_clear_line(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(batch_module, "_CONNECT_TIMEOUT", 1)
    args = ["tag", str(folder), "-o", str(tmp_path / "t.csv"), "--no-model", "--backend", "dask"]
    result = CliRunner().invoke(cli, [*args, "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1 and "[E600]" in result.stderr and "Traceback" not in result.stderr
    assert _leftovers(tmp_path) == [] and not (tmp_path / "t.csv").exists()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_output(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative paths, and workers started in another working directory (as on a real cluster)."""
    distributed = pytest.importorskip("distributed")
    _bad_files(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        monkeypatch.chdir(tmp_path)
        local, remote = Path("local.csv"), Path("dask.csv")
        expected = tag_to_file(["in"], local, model=False)
        result = tag_to_file(["in"], remote, model=False, backend="dask", scheduler=cluster.scheduler_address)
    assert result.files == expected.files == 6 and len(result.failures) == 3
    assert _snapshot(local) == _snapshot(remote)


def test_tag_with_the_shipped_model_fills_the_prediction(folder: Path) -> None:
    result = tag_paths([folder / SEEDS[0].name])
    assert not result.failures and result.rows
    assert all(r["predicted_level2"] and 0 < r["confidence"] <= 1 for r in result.rows)
    assert not any("A200" in s["codes"] for s in result.summaries)
    satisfaction = [r for r in result.rows if r["name"] == "群众满意度"]
    assert satisfaction and all(r["predicted_level2"] == "服务对象满意度指标" for r in satisfaction)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["tag", "--no-model", "-q", "-o", "{out}/tags/indicators.xlsx"], id="tag"),
        pytest.param(["audit", "--no-model", "--fail-on", "never", "-o", "{out}/reports/audit.html"], id="audit"),
        pytest.param(["link", "-o", "{out}/links/links.csv"], id="link"),
        pytest.param(["library", "-o", "{out}/library/library.csv"], id="library"),
    ],
)
def test_outputs_go_into_folders_made_as_needed(folder: Path, tmp_path: Path, command: list[str]) -> None:
    """The README's first command writes to out/ on a fresh checkout, where out/ does not exist yet."""
    args = [arg.format(out=tmp_path / "new") for arg in command]
    result = CliRunner().invoke(cli, [args[0], str(folder), *args[1:]])
    assert result.exit_code == 0, result.output
    assert Path(args[-1]).is_file()


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(OutputError, match="folder cannot be made"):
        tag_to_file([folder], tmp_path / "file" / "tags.csv", model=False)


# ---- issue 12: cells are data, inputs are never destroyed, resume cannot lie ----------------------------------

PAYLOADS = (
    "项目名称\t党建工作\n一级指标\t二级指标\t三级指标\t年度指标值\n"
    '产出指标\t数量指标\t=HYPERLINK("http://example.invalid","click")\t=3 次\n'
    "产出指标\t质量指标\t+1 合格率\t-2\n"
    "产出指标\t时效指标\t项目完成时间\t2022年11月30日前\n"
    "满意度指标\t服务对象满意度指标\t群众\x01满意度\t≥90%\n"
)


def test_workbook_cells_are_values_of_their_type(folder: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    (folder / "payloads.md").write_text(PAYLOADS, encoding="utf-8")
    out = tmp_path / "tags.xlsx"
    result = tag_to_file([folder], out, model=False, lang="en")  # English sheets and headers: the column keys
    assert result.stripped == 1  # the \x01 of 群众\x01满意度
    book = load_workbook(out)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = book["indicators"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    link = next(r for r in rows if str(r["name"]).startswith("=HYPERLINK"))
    assert link["target_raw"] == "=3 次" and link["value"] == 3 and isinstance(link["value"], int)
    assert "群众满意度" in {r["name"] for r in rows}
    percent = next(r for r in rows if r["name"] == "群众满意度" and r["source"].endswith(SEEDS[0].name))
    assert percent["value"] == 95 and percent["confidence"] == 0 and percent["mismatch"] is False
    dated = [r["date"] for r in rows if r["date"] is not None]
    assert dated and all(hasattr(d, "year") for d in dated)  # date cells, not text
    assert all(hasattr(r[-1].value, "year") for r in book["summary"].iter_rows(min_row=2))  # file_mtime
    for name in ("indicators", "findings", "summary"):
        ws = book[name]
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:") and ws.freeze_panes == "A2"
        assert ws["A1"].font.b
    findings = book["findings"]
    severity = next(c for c in findings[1] if c.value == "severity").column_letter
    coloured = {findings[f"{severity}{r}"].fill.fgColor.rgb for r in range(2, findings.max_row + 1)}
    assert len(coloured) >= 2  # warnings and infos in their colours
    assert sheet.column_dimensions["J"].width > sheet.column_dimensions["G"].width  # names wider than row numbers


def test_csv_neutralizes_formulas_unless_raw(folder: Path, tmp_path: Path) -> None:
    (folder / "payloads.md").write_text(PAYLOADS, encoding="utf-8")
    out, raw = tmp_path / "tags.csv", tmp_path / "raw.csv"
    tag_to_file([folder], out, model=False)
    tag_to_file([folder], raw, model=False, raw=True)
    safe = {r["name"]: r for r in _read_table(out)}
    assert safe['\'=HYPERLINK("http://example.invalid","click")']["target_raw"] == "'=3 次"
    assert safe["'+1 合格率"]["target_raw"] == "-2"  # a number is left alone
    assert "群众满意度" in safe  # control character stripped
    plain = {r["name"] for r in _read_table(raw)}
    assert '=HYPERLINK("http://example.invalid","click")' in plain


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        pytest.param(["tag", "{in}", "-o", "{in}/x.xlsx"], "inside the folder", id="tag into the input folder"),
        pytest.param(["tag", "{seed}", "-o", "{seed}"], "is the input", id="tag over the input (suffix .md refused)"),
        pytest.param(["audit", "{seed}", "-o", "{seed}"], "is the input", id="audit over the input"),
        pytest.param(["audit", "{seed}", "-o", "{link}"], "is the input", id="audit through a link to the input"),
        pytest.param(["link", "{in}", "-o", "{in}/links.csv"], "inside the folder", id="link into the input folder"),
        pytest.param(["library", "{seed}", "-o", "-"], "not a file name", id="library to -"),
    ],
)
def test_an_output_never_replaces_an_input(folder: Path, tmp_path: Path, args: list[str], problem: str) -> None:
    seed = folder / SEEDS[1].name
    (tmp_path / "link.md").symlink_to(seed)
    before = seed.read_bytes()
    filled = [a.format(**{"in": folder, "seed": seed, "link": tmp_path / "link.md"}) for a in args]
    if filled[0] == "tag" and filled[-1] == str(seed):
        filled[-1] = str(seed.with_suffix(".xlsx"))
        seed.with_suffix(".xlsx").symlink_to(seed)
    result = CliRunner().invoke(cli, [*filled, "--no-model"] if filled[0] in ("tag", "audit") else filled)
    assert result.exit_code == 2, result.output
    assert "[E501]" in result.stderr and problem in result.stderr
    assert seed.read_bytes() == before and seed.is_file() and (tmp_path / "link.md").resolve() == seed


def test_a_link_at_the_output_is_replaced_not_followed(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "keep.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    (tmp_path / "report.md").symlink_to(elsewhere)
    result = CliRunner().invoke(
        cli, ["audit", str(folder), "--no-model", "--fail-on", "never", "-o", str(tmp_path / "report.md")]
    )
    assert result.exit_code == 0, result.output
    assert elsewhere.read_text("utf-8") == "keep" and not (tmp_path / "report.md").is_symlink()
    assert (tmp_path / "report.md").stat().st_mode & 0o777 == new_file_mode()


def test_nothing_to_read_is_exit_2_and_no_output(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for given in ([str(tmp_path / "empty")], [str(tmp_path / "missing")]):
        result = CliRunner().invoke(cli, ["tag", *given, "-o", str(tmp_path / "out.xlsx"), "--no-model"])
        assert result.exit_code == 2 and "[E111]" in result.stderr, result.output
        assert not (tmp_path / "out.xlsx").exists()
    result = CliRunner().invoke(cli, ["read", str(tmp_path / "missing.md")])
    assert result.exit_code == 2 and "no such file" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["tag", "--no-model", "-o", "out.xlsx"], id="tag"),
        pytest.param(["audit", "--no-model", "-o", "out.html"], id="audit"),
        pytest.param(["library", "-o", "out.csv"], id="library"),
        pytest.param(["link", "-o", "out.csv"], id="link"),
        pytest.param(["score", "-o", "out.csv"], id="score"),
        pytest.param(["annotate", "-o", "out.jsonl"], id="annotate"),
    ],
)
def test_every_command_given_nothing_to_read_says_so_and_writes_nothing(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    out = tmp_path / command[-1]
    for given in (tmp_path / "empty", tmp_path / "missing"):
        result = CliRunner().invoke(cli, [command[0], str(given), *command[1:-1], str(out)])
        assert result.exit_code == 2 and "[E111]" in result.stderr, result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no output, no temporary


@pytest.mark.parametrize("command", ["link", "library"])
def test_link_and_library_refuse_an_output_that_is_no_csv(folder: Path, tmp_path: Path, command: str) -> None:
    out = tmp_path / "library.xlsx"  # a CSV under a workbook's name would not open in Excel
    result = CliRunner().invoke(cli, [command, str(folder), "-o", str(out)])
    assert result.exit_code == 1 and "[E500]" in result.stderr and ".csv" in result.stderr, result.output
    assert not out.exists()


def test_a_second_writer_is_refused_and_stale_temporaries_removed(folder: Path, tmp_path: Path) -> None:
    from indicatornlp.atomic import OutputLock
    from indicatornlp.errors import OutputLockedError

    out = tmp_path / "tags.csv"
    stale = tmp_path / ".tags.findings.csv.99999.abcd.tmp"
    stale.write_text("left by a killed run", encoding="utf-8")
    with OutputLock(out), pytest.raises(OutputLockedError, match=r"\[E502\].*another run is writing it"):
        tag_to_file([folder], out, model=False)
    tag_to_file([folder], out, model=False)
    assert not stale.exists() and _leftovers(tmp_path) == []
    assert not (tmp_path / ".tags.csv.lock").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_resume_refuses_other_options(folder: Path, tmp_path: Path, suffix: str) -> None:
    from indicatornlp.errors import ResumeError

    out = tmp_path / f"tags{suffix}"
    tag_to_file([folder], out, model=False)
    with pytest.raises(ResumeError, match=r"\[E503\].*model = 'none'.*shipped"):
        tag_to_file([folder], out, resume=True)
    if suffix == ".csv":
        with pytest.raises(ResumeError, match="raw = False"):
            tag_to_file([folder], out, model=False, resume=True, raw=True)


def test_resume_refuses_tables_of_different_runs(folder: Path, tmp_path: Path) -> None:
    from indicatornlp.errors import ResumeError

    out, other = tmp_path / "tags.csv", tmp_path / "other" / "tags.csv"
    tag_to_file([folder], out, model=False)
    tag_to_file([folder / SEEDS[0].name], other, model=False)
    shutil.copy(output_paths(other)["summary"], output_paths(out)["summary"])  # a summary from another run
    with pytest.raises(ResumeError, match="different runs"):
        tag_to_file([folder], out, model=False, resume=True)
    (tmp_path / "tags.manifest.json").unlink()
    with pytest.raises(ResumeError, match="no manifest"):
        tag_to_file([folder], out, model=False, resume=True)


def test_resume_reads_a_long_csv_cell_back(folder: Path, tmp_path: Path) -> None:
    long_name = "群众满意度" * 40_000  # 200,000 characters: past the csv module's default field limit
    (folder / "long.md").write_text(PAYLOADS.replace("+1 合格率", long_name), encoding="utf-8")
    out = tmp_path / "tags.csv"
    tag_to_file([folder], out, model=False)
    result = tag_to_file([folder], out, model=False, resume=True)
    assert result.reused == 4


def test_sigterm_stops_tag_like_ctrl_c(folder: Path, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    for i in range(120):  # enough work that the signal lands mid-run, also on a fast machine
        shutil.copy(SEEDS[1], folder / f"copy-{i}.md")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = tmp_path / "tags.csv"
    args = [sys.executable, "-m", "indicatornlp", "tag", str(folder), "-o", str(out), "--no-model", "-q"]
    process = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True)
    while not _leftovers(tmp_path) and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "terminated" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


@pytest.mark.slow
def test_a_dask_scheduler_without_workers_is_a_clear_error(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    from indicatornlp.batch import BackendError

    monkeypatch.setattr(batch_module, "_CONNECT_TIMEOUT", 1)
    with distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(BackendError, match=r"\[E600\].*has no workers"):
            tag_to_file([folder], tmp_path / "t.csv", model=False, backend="dask", scheduler=address)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_an_output_that_cannot_be_written_is_e500_not_a_traceback(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["tag", str(folder), "-o", "/proc/indicatornlp-test.csv", "--no-model"])
    assert result.exit_code == 1 and "[E500]" in result.stderr and "Traceback" not in result.stderr
