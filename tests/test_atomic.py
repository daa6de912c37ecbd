"""The one atomic writer: whole files or none, the permissions of a new file, no temporary left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indicatornlp.atomic import AtomicFiles, atomic_write, new_file_mode


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_written_files_keep_normal_permissions(tmp_path: Path, umask_022: object) -> None:
    with atomic_write(tmp_path / "out.csv") as out:
        out.write("name\n")
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o644 == new_file_mode()


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_write(path) as out:
        out.write("half")
        raise KeyboardInterrupt
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_group_is_renamed_in_the_order_asked(tmp_path: Path) -> None:
    files = AtomicFiles()
    first, last = files.temp(tmp_path / "sub" / "a.findings.csv"), files.temp(tmp_path / "sub" / "a.csv")
    first.write_text("1", encoding="utf-8")
    last.write_text("2", encoding="utf-8")
    assert not (tmp_path / "sub" / "a.csv").exists()
    files.commit()
    names = sorted(p.name for p in (tmp_path / "sub").iterdir())
    assert names == ["a.csv", "a.findings.csv"]
    assert (tmp_path / "sub" / "a.findings.csv").stat().st_mtime_ns <= (tmp_path / "sub" / "a.csv").stat().st_mtime_ns


def test_abort_removes_every_temporary(tmp_path: Path) -> None:
    files = AtomicFiles()
    for name in ("a.csv", "b.csv"):
        files.temp(tmp_path / name).write_text("x", encoding="utf-8")
    files.abort()
    assert list(tmp_path.iterdir()) == []
