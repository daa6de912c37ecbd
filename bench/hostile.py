"""Hostile files, kills and the README's main job: the figures of issue 12, printed.

    python bench/hostile.py [--small] [--skip-each] [--kills N]

1. Every entry of the hostile folder (``scripts/make_hostile_files.py``) through ``read``, ``audit``, ``tag``,
   ``link``, ``library`` and ``score``, each in its own process: tracebacks, runs over 1 GB of peak RSS or 60 s,
   and the error codes met.
2. The whole folder, with three seed filings (two 目标表, one 自评表) copied in, through each command at once:
   whether the batch stopped (no output, or the seeds' rows missing).
3. ``tag --resume`` killed (SIGKILL) at several moments and at each rename of its files, then run again: its
   tables equal to a clean run's, or a refusal that says why (never fewer rows).
4. The README's main job (``indicatornlp tag data/filings -o out/indicators.xlsx``): rows, formula cells, filters,
   number and date cells.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [
    ROOT / "data" / "filings" / "songjiang-jiguan-2023.txt",
    ROOT / "data" / "filings" / "songjiang-zuzhibu-2022.md",
    ROOT / "data" / "filings" / "ziping-yanglao-2023.md",  # a 自评表: what score reads
]
GB = 1 << 30
TIMEOUT = 60
CODES = re.compile(r"\[(E\d{3})\]|\b(F00\d)\b")


def run(
    args: list[str], *, cwd: Path, timeout: float = TIMEOUT, env: dict[str, str] | None = None
) -> dict[str, object]:
    """Run ``indicatornlp ARGS`` in a new process: its exit code, stderr, peak RSS (bytes) and wall time."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "indicatornlp", *args], cwd=cwd, stdout=out, stderr=err, env=env
        )
        killed = False
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                killed = True
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return {
        "code": process.returncode,
        "stderr": text,
        "rss": usage.ru_maxrss * 1024,
        "seconds": time.perf_counter() - started,
        "timeout": killed,
    }


def each_entry(folder: Path, work: Path) -> None:
    listing = [line.split("\t") for line in (folder / ".hostile.tsv").read_text("utf-8").splitlines()]
    commands = {
        "read": lambda p: ["read", p],
        "audit": lambda p: ["audit", p, "--no-model"],
        "tag": lambda p: ["tag", p, "-o", str(work / "t.xlsx"), "--no-model", "-q"],
        "link": lambda p: ["link", p, "-o", str(work / "l.csv")],
        "library": lambda p: ["library", p, "-o", str(work / "lib.csv")],
        "score": lambda p: ["score", p, "-o", str(work / "s.csv")],
    }
    runs = tracebacks = heavy = slow = 0
    codes: Counter[str] = Counter()
    worst_rss, worst_time = (0, ""), (0.0, "")
    for name, _kind, _ in listing:
        path = os.fsdecode(
            os.path.join(os.fsencode(folder), name.encode("utf-8").decode("unicode_escape").encode("latin-1"))
        )
        if not os.path.lexists(path):
            path = str(folder / name)
        for command, args in commands.items():
            result = run(args(path), cwd=work)
            runs += 1
            stderr = str(result["stderr"])
            if "Traceback" in stderr:
                tracebacks += 1
                print(f"  TRACEBACK {command} {name}: {stderr.strip().splitlines()[-1]}")
            if int(result["rss"]) > GB:  # type: ignore[call-overload]
                heavy += 1
                print(f"  OVER 1 GB {command} {name}: {int(result['rss']) >> 20} MiB")  # type: ignore[call-overload]
            if result["timeout"] or float(result["seconds"]) > TIMEOUT:  # type: ignore[arg-type]
                slow += 1
                print(f"  OVER {TIMEOUT} s {command} {name}")
            for match in CODES.finditer(stderr):
                codes[match.group(1) or match.group(2)] += 1
            worst_rss = max(worst_rss, (int(result["rss"]), f"{command} {name}"))  # type: ignore[call-overload]
            worst_time = max(worst_time, (float(result["seconds"]), f"{command} {name}"))  # type: ignore[arg-type]
    print(
        f"each entry: {len(listing)} entries x {len(commands)} commands = {runs} runs: {tracebacks} tracebacks,"
        f" {heavy} over 1 GB RSS, {slow} over {TIMEOUT} s"
    )
    print(f"  peak RSS {worst_rss[0] >> 20} MiB ({worst_rss[1]}), longest {worst_time[0]:.1f} s ({worst_time[1]})")
    print("  codes met: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items())))


def whole_folder(folder: Path, work: Path) -> None:
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    count = "import sys; from indicatornlp.readers import read_filings as r;"
    count += "print(sum(len(f.indicators) for p in sys.argv[1:] for f in r(p)))"
    expected = int(subprocess.run([sys.executable, "-c", count, *map(str, SEEDS)], capture_output=True).stdout)
    stopped = 0
    checks = {
        "tag": (["tag", str(folder), "-o", str(work / "all.csv"), "--no-model", "-q"], work / "all.csv"),
        "read": (["read", str(folder), "--csv"], None),
        "audit": (["audit", str(folder), "--no-model", "-o", str(work / "all.html")], work / "all.html"),
        "link": (["link", str(folder), "-o", str(work / "all-links.csv")], work / "all-links.csv"),
        "library": (["library", str(folder), "-o", str(work / "all-library.csv")], work / "all-library.csv"),
        "score": (["score", str(folder), "-o", str(work / "all-scores.csv")], work / "all-scores.csv"),
    }
    for command, (args, output) in checks.items():
        result = run(args, cwd=work, timeout=600)
        written = output is None or output.exists()
        good = True
        if command == "tag" and written:
            import csv

            csv.field_size_limit(1 << 30)  # long-cell.md holds a cell of a million characters
            with (work / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
                # the first column is the file (文件 / source: the header is in the run's language)
                rows = [r for r in list(csv.reader(handle))[1:] if Path(r[0]).name in {s.name for s in SEEDS}]
            good = len(rows) == expected
        tb = "Traceback" in str(result["stderr"])
        if not written or not good or tb or result["timeout"]:
            stopped += 1
        print(
            f"  {command:<8} exit {result['code']}, {float(result['seconds']):.1f} s,"  # type: ignore[arg-type]
            f" {int(result['rss']) >> 20} MiB, output {'written' if written else 'MISSING'}"  # type: ignore[call-overload]
            + (f", seeds' {expected} rows {'all there' if good else 'MISSING'}" if command == "tag" else "")
            + (", TRACEBACK" if tb else "")
        )
    print(f"whole folder: {stopped} of {len(checks)} batches stopped by one entry")


def kills(work: Path, count: int) -> None:
    """Resume after SIGKILL: at moments through the run, and at each rename (a child that kills itself there)."""
    folder = work / "in"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for i in range(6):
        for seed in SEEDS:
            shutil.copy(seed, folder / f"{i}-{seed.name}")
    clean = work / "clean.csv"
    run(["tag", str(folder), "-o", str(clean), "--no-model", "-q"], cwd=work)
    tables = ("", ".findings", ".summary")

    def snapshot(out: Path) -> list[bytes | None]:
        return [p.read_bytes() if p.exists() else None for p in (out.with_name(out.stem + t + ".csv") for t in tables)]

    expected = snapshot(clean)
    same = refused = wrong = 0
    seed_older = folder / "0-older.md"
    moments = [0.3 + 0.25 * i for i in range(count)]
    renames = [1, 2, 3, 4]
    for k, moment in enumerate([*moments, *[None] * len(renames)]):
        out = work / f"kill{k}.csv"
        shutil.copy(SEEDS[1], seed_older)
        run(["tag", str(folder), "-o", str(out), "--no-model", "-q"], cwd=work)  # an earlier, complete output
        seed_older.unlink()
        args = ["tag", str(folder), "-o", str(out), "--no-model", "-q", "--resume"]
        if moment is not None:
            process = subprocess.Popen(
                [sys.executable, "-m", "indicatornlp", *args], cwd=work, stderr=subprocess.DEVNULL
            )
            time.sleep(moment)
            process.send_signal(signal.SIGKILL)
            process.wait()
        else:
            rename = renames[k - len(moments)]
            code = (
                "import os, sys, runpy\n"
                "real = os.replace\ncount = [0]\n"
                "def replace(*a, **k):\n    real(*a, **k)\n    count[0] += 1\n"
                f"    if count[0] == {rename}: os.kill(os.getpid(), 9)\n"
                "os.replace = replace\nsys.argv = ['indicatornlp', *sys.argv[1:]]\n"
                "runpy.run_module('indicatornlp', run_name='__main__')\n"
            )
            subprocess.run([sys.executable, "-c", code, *args], cwd=work, stderr=subprocess.DEVNULL, check=False)
        again = run(args, cwd=work)
        if again["code"] in (0,) and snapshot(out) == expected:
            same += 1
        elif again["code"] != 0 and "[E503]" in str(again["stderr"]):
            refused += 1
            print(
                f"  kill {f'at {moment:.2f} s' if moment else f'at rename {renames[k - len(moments)]}'}: refused —"
                f" {str(again['stderr']).strip().splitlines()[-1][:160]}"
            )
        else:
            wrong += 1
            print(f"  kill {k}: WRONG exit {again['code']} {str(again['stderr'])[-300:]}")
    total = len(moments) + len(renames)
    print(
        f"kill then --resume: {total} runs: {same} identical to a clean run, {refused} refused with the reason,"
        f" {wrong} wrong"
    )


def readme_job(work: Path) -> None:
    out = work / "out" / "indicators.xlsx"
    result = run(["tag", str(ROOT / "data" / "filings"), "-o", str(out)], cwd=work, timeout=600)
    from openpyxl import load_workbook

    book = load_workbook(out)
    rows = book.worksheets[0].max_row - 1  # the indicators: 指标 (or indicators with --lang en)
    formulas = numbers = dates = 0
    filters = []
    for sheet in book.worksheets:
        filters.append(f"{sheet.title}: {sheet.auto_filter.ref or 'none'}, frozen {sheet.freeze_panes}")
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                formulas += cell.data_type == "f"
                numbers += cell.data_type == "n" and cell.value is not None and not cell.is_date
                dates += bool(cell.is_date)
    first = str(result["stderr"]).strip().splitlines()[-1]
    print(
        f"README's main job: exit {result['code']}, {rows} indicator rows, {formulas} formula cells,"
        f" {numbers} number cells, {dates} date cells ({first})"
    )
    print("  " + "; ".join(filters))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="bombs 16 times smaller")
    parser.add_argument("--skip-each", action="store_true", help="skip the one-entry-at-a-time runs")
    parser.add_argument("--kills", type=int, default=8, help="kill moments (besides the 4 renames)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder, work = base / "hostile", base / "work"
        work.mkdir()
        # built in another process: a child's peak RSS starts from its parent's, which must stay small
        script = [sys.executable, str(ROOT / "scripts" / "make_hostile_files.py"), str(folder)]
        subprocess.run([*script, *(["--small"] if args.small else [])], check=True, stdout=subprocess.DEVNULL)
        if not args.skip_each:
            each_entry(folder, work)
        whole_folder(folder, work)
        kills(work, args.kills)
        readme_job(work)


if __name__ == "__main__":
    main()
