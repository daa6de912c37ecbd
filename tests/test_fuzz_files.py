"""Hostile files and killed runs: the folder ``scripts/make_hostile_files.py`` builds (its bombs made small), read
one by one and all at once, and ``tag --resume`` after a SIGKILL at each rename of its files.

Where a new case goes: a new kind of hostile file → ``scripts/make_hostile_files.py`` (with what a reader must
do) and, when a code is promised, ``EXPECTED`` below.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indicatornlp.batch import tag_to_file
from indicatornlp.cli import cli
from indicatornlp.errors import IndicatorNLPError
from indicatornlp.readers import read_filings, walk

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_hostile_files import build  # noqa: E402

SEEDS = [
    ROOT / "data" / "filings" / "songjiang-jiguan-2023.txt",
    ROOT / "data" / "filings" / "songjiang-zuzhibu-2022.md",
]

# what reading each entry must give: a code (the error it raises) or "read" (at least one filing)
EXPECTED = {
    "xlsx-as.docx": "read",
    "xlsx-as.pdf": "read",
    "xlsx-as.txt": "read",
    "docx-as.xlsx": "read",
    "pdf-as.docx": "read",
    "truncated.xlsx": "E104",
    "truncated.docx": "E104",
    "truncated.pdf": "E104",
    "truncated-utf8.md": "E109",
    "zero-bytes.xlsx": "E103",
    "zero-bytes.pdf": "E103",
    "white-space.txt": "E103",
    "encrypted-user-password.pdf": "E112",
    "encrypted-owner-password-only.pdf": "E112",
    "password-protected.xlsx": "E112",
    "old-binary.xls.xlsx": "E102",
    "entity-bomb.docx": "E104",
    "many-parts.xlsx": "E107",
    "paragraph-bomb.docx": "E107",
    "row-far-away.xlsx": "E107",
    "wide-rows.xlsx": "E107",
    "gridspan-bomb.docx": "E107",
    "rowspan-bomb.html": "E107",
    "pdf-content-bomb.pdf": "E107",
    "pdf-text-bomb.pdf": "E107",
    "utf16le-no-bom.md": "read",
    "utf16be-no-bom.md": "read",
    "gb18030.md": "read",
    "big5.md": "E109",
    "binary-noise.txt": "E102",
    "formula-payloads.md": "read",
    "long-cell.md": "read",
    "fifo.md": "E102",
    "loop-a.md": "E108",
    "zero-device.md": "E102",
    "dangling.md": "E101",
}


# limits ten times lower than the defaults: the bombs are refused sooner (and the limits shown to be settable)
LOW_LIMITS = {"CELLS": "200000", "XML_ELEMENTS": "400000", "STREAM_BYTES": "2M", "PAGE_CHARS": "20000"}


@pytest.fixture(autouse=True)
def _low_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LOW_LIMITS.items():
        monkeypatch.setenv(f"INDICATORNLP_MAX_{name}", value)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    build(folder, small=True)
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, hostile: Path) -> Path:
    """A reviewer's folder: two filings among the entries that used to stop a batch (no bombs: they are timed
    one by one above)."""
    folder = tmp_path_factory.mktemp("mixed") / "in"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    for name in ("xlsx-as.docx", "truncated.xlsx", "big5.md", "formula-payloads.md", "README.md", "zero-bytes.pdf"):
        shutil.copy(hostile / name, folder / name)
    shutil.copy(hostile / "-o.md", folder / os.fsdecode(b"\xb2\xe2\xca\xd4-gbk-name.md"))
    os.mkfifo(folder / "fifo.md")
    os.symlink("/dev/zero", folder / "zero-device.md")
    os.symlink("loop-b.md", folder / "loop-a.md")
    os.symlink("loop-a.md", folder / "loop-b.md")
    os.symlink(".", folder / "self-folder")
    return folder


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_each_hostile_file_gives_its_code(hostile: Path, name: str, expected: str) -> None:
    try:
        filings = read_filings(hostile / name)
    except IndicatorNLPError as err:
        assert err.code == expected, str(err)
        assert str(hostile / name) in str(err)  # the message names the file
    else:
        assert expected == "read" and filings


def test_the_walk_opens_no_special_entry(hostile: Path) -> None:
    found = walk([hostile])
    special = {os.path.basename(p.rstrip(os.sep)): reason for p, reason in found.special}
    assert "FIFO" in special["fifo.md"] and "device" in special["zero-device.md"]
    assert "loop" in special["loop-a.md"] and "does not exist" in special["dangling.md"]
    assert "loop" in special["self-folder"]
    assert not {"fifo.md", "zero-device.md", "loop-a.md"} & {os.path.basename(f) for f in found.files}
    assert any(os.path.basename(p) == "README.md" for p in found.not_filings)


def test_one_tag_run_over_the_whole_folder_writes_every_good_file(hostile: Path, tmp_path: Path) -> None:
    for seed in SEEDS:
        shutil.copy(seed, hostile / seed.name)
    try:
        out = tmp_path / "all.xlsx"
        result = tag_to_file([hostile], out, model=False)
    finally:
        for seed in SEEDS:
            (hostile / seed.name).unlink()
    expected = sum(len(f.indicators) for seed in SEEDS for f in read_filings(seed))
    from openpyxl import load_workbook

    book = load_workbook(out)
    sources = [row[0].value for row in book["指标"].iter_rows(min_row=2)]
    assert sum(Path(s).name in {s.name for s in SEEDS} for s in sources) == expected
    assert result.failures and all(f.code == "F001" for f in result.failures)  # no F002: no reader bug
    assert "\\xb2\\xe2\\xca\\xd4-gbk-name.md" in {Path(s).name for s in sources}  # escaped, not lost
    formulas = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    names = {row[9].value for row in book["指标"].iter_rows(min_row=2)}
    assert '=HYPERLINK("http://example.invalid","click")' in names  # kept as the filer's text
    assert result.stripped >= 2  # the control characters of formula-payloads.md


def test_every_command_reads_every_good_file_of_a_mixed_folder(mixed: Path, tmp_path: Path) -> None:
    for args in (
        ["read", str(mixed), "--csv"],
        ["audit", str(mixed), "--no-model", "-o", str(tmp_path / "audit.html")],
        ["link", str(mixed), "-o", str(tmp_path / "links.csv")],
        ["library", str(mixed), "-o", str(tmp_path / "library.csv")],
        ["tag", str(mixed), "-o", str(tmp_path / "tags.xlsx"), "--no-model"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "Traceback" not in result.stderr
        assert "skipped" in result.stderr and "FIFO" in result.stderr and "big5.md" in result.stderr
    assert "群众满意度" in (tmp_path / "audit.html").read_text("utf-8")


# ---- killed runs ----------------------------------------------------------------------------------------------

_KILL_AT_RENAME = """
import os, runpy, sys
real, count = os.replace, [0]
def replace(*args, **kwargs):
    real(*args, **kwargs)
    count[0] += 1
    if count[0] == int(os.environ["KILL_AT"]):
        os.kill(os.getpid(), 9)
os.replace = replace
sys.argv = ["indicatornlp", *sys.argv[1:]]
runpy.run_module("indicatornlp", run_name="__main__")
"""


def _tag(args: list[str], *, kill_at: int | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if kill_at is None:
        command = [sys.executable, "-m", "indicatornlp", *args]
    else:
        env["KILL_AT"] = str(kill_at)
        command = [sys.executable, "-c", _KILL_AT_RENAME, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def _tables(out: Path) -> list[bytes]:
    return [out.with_name(out.stem + t + ".csv").read_bytes() for t in ("", ".findings", ".summary")]


@pytest.mark.slow
def test_kill_then_resume_gives_the_clean_run_or_says_why(tmp_path: Path) -> None:
    """SIGKILL after each rename of the four files (three tables, then the manifest) and in the middle of a run."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        for seed in SEEDS:
            shutil.copy(seed, folder / f"{i}-{seed.name}")
    clean = tmp_path / "clean.csv"
    assert _tag(["tag", str(folder), "-o", str(clean), "--no-model", "-q"], cwd=tmp_path).returncode == 0
    late = folder / "late.md"
    outcomes = []
    for kill_at in (1, 3, 4, None):
        out = tmp_path / f"out{kill_at}.csv"
        shutil.copy(SEEDS[1], late)
        _tag(["tag", str(folder), "-o", str(out), "--no-model", "-q"], cwd=tmp_path)  # an earlier complete run
        late.unlink()
        args = ["tag", str(folder), "-o", str(out), "--no-model", "-q", "--resume"]
        if kill_at is None:  # a kill at a moment, not at a rename
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
            process = subprocess.Popen([sys.executable, "-m", "indicatornlp", *args], cwd=tmp_path, env=env)
            time.sleep(1.0)
            process.send_signal(signal.SIGKILL)
            process.wait()
        else:
            killed = _tag(args, kill_at=kill_at, cwd=tmp_path)
            assert killed.returncode == -9
        again = _tag(args, cwd=tmp_path)
        if again.returncode == 0:
            assert _tables(out) == _tables(clean)
            outcomes.append("same")
        else:
            # the reason in the run's language (Chinese by default): resume refused, run again without --resume
            assert again.returncode == 1 and "[E503]" in again.stderr and "请去掉 --resume 重新运行" in again.stderr
            outcomes.append("refused")
        assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".lock"))]
    assert outcomes[-1] == "same" and "refused" in outcomes  # killed mid-renames: tables of two runs, refused
    with (tmp_path / "clean.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) > 0


# ---- limits and honest messages --------------------------------------------------------------------------------


def test_limits_are_set_by_keyword_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from indicatornlp.errors import InputError, LimitError
    from indicatornlp.readers import Limits

    seed = ROOT / "data" / "filings" / "songjiang-jiguan-2023.xlsx"
    with pytest.raises(LimitError, match=r"\[E107\].*songjiang-jiguan-2023.xlsx: more than 50 cells.*CELLS"):
        read_filings(seed, limits=Limits(cells=50))
    monkeypatch.setenv("INDICATORNLP_MAX_FILE_BYTES", "1K")
    with pytest.raises(LimitError, match=r"KiB on disk, over the limit of 1 KiB \(limit 'file_bytes'"):
        read_filings(seed)
    monkeypatch.setenv("INDICATORNLP_MAX_FILE_BYTES", "lots")
    with pytest.raises(InputError, match="INDICATORNLP_MAX_FILE_BYTES='lots'"):
        read_filings(seed)


def test_permission_denied_is_said_as_such(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """(The tests run as root, for whom chmod 000 denies nothing: the system's answer is given to the reader.)"""
    import errno

    from indicatornlp.readers import _binary

    path = tmp_path / "filing.md"
    shutil.copy(SEEDS[1], path)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(_binary.os, "stat", denied)
    with pytest.raises(IndicatorNLPError, match=r"\[E108\].*cannot be read: permission denied"):
        read_filings(path)
