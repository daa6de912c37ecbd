"""Training on your own filings: ``annotate`` (rows, doubt, stable ids, earlier answers kept), ``review`` (the queue,
answers, undo, an answers file, a real terminal), ``train --with-shipped`` (weights, the card), ``--model`` and
``$INDICATORNLP_MODEL``.

A new case of the doubt rule goes in ``DOUBT``; a new way of typing an answer in ``ANSWERS``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicatornlp import AnnotationError, Normalized, parse_target
from indicatornlp.annotate import annotate, annotate_to_file, doubt_of
from indicatornlp.annotated import Example, default_annotated_dir, journal_path, read_annotated
from indicatornlp.cli import cli
from indicatornlp.model import choose_weight, train, train_with_shipped, usable
from indicatornlp.review import Question, Review, apply_answers, choice_keys, parse_answer
from test_model import subset  # a few rows of every 二级: fast training

REPO = Path(__file__).resolve().parents[1]
SEED_MD = REPO / "data" / "filings" / "songjiang-zuzhibu-2022.md"
SEED_TXT = REPO / "data" / "filings" / "songjiang-jiguan-2023.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder: the two Songjiang seed filings (two formats), and a file that is no filing."""
    root = tmp_path / "filings"
    (root / "2022").mkdir(parents=True)
    shutil.copy(SEED_MD, root / "2022" / SEED_MD.name)
    shutil.copy(SEED_TXT, root / SEED_TXT.name)
    (root / "README.md").write_text("notes", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def shipped_train() -> list[Example]:
    return read_annotated(default_annotated_dir() / "train")


# ---- annotate ----------------------------------------------------------------------------------------------


def test_annotate_writes_every_indicator_as_a_valid_row(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    result = annotate_to_file([folder], out, region="上海市松江区")
    rows = read_annotated(out)  # the schema of data/annotated: every line validates
    assert len(rows) == len(result.rows) == 96 and result.files == 2 and not result.failures
    assert [Path(p).name for p in result.not_filings] == ["README.md"]
    first = rows[0]
    assert first.id == "filings/2022/songjiang-zuzhibu-2022.md#1.01"
    assert first.source.startswith(str(folder / "2022" / SEED_MD.name) + ", line ")
    assert (first.region, first.project, first.year, first.form) == ("上海市松江区", "党建工作", 2022, "目标表")
    assert all(not e.reviewed for e in rows)
    # the gold label is the canonical filed one
    assert all((e.level1, e.level2) == (e.filed_level1, e.filed_level2) for e in rows)
    assert {e.group for e in rows} >= {"干部工作|2022", "党组织建设|2023"}
    fee = next(e for e in rows if e.name == "局级干部体检费 1500 元/人")
    assert (fee.level2_raw, fee.level2, fee.target_raw) == ("数量指标", "数量指标", "规范")
    assert fee.doubt is not None and "经济成本指标" in fee.doubt
    assert result.doubtful == sum(1 for e in rows if e.doubt)


def test_ids_are_stable_and_a_rerun_changes_nothing(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    annotate_to_file([folder], out)
    first = out.read_bytes()
    again = annotate_to_file([folder], out)
    assert out.read_bytes() == first and again.kept == 0 and again.carried == 0
    elsewhere = tmp_path / "other.jsonl"  # the same folder named another way, from another folder: the same ids
    cwd = os.getcwd()
    try:
        os.chdir(folder / "2022")
        annotate_to_file(["../", "."], elsewhere)
    finally:
        os.chdir(cwd)
    assert [e.id for e in read_annotated(elsewhere)] == [e.id for e in read_annotated(out)]


def test_earlier_answers_are_kept_when_rows_move(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    annotate_to_file([folder], out)
    fee_id = next(e.id for e in read_annotated(out) if e.name == "局级干部体检费 1500 元/人")
    answers = tmp_path / "answers.tsv"
    answers.write_text(f"# reviewed by hand\n{fee_id}\t经济成本\n", encoding="utf-8")
    assert apply_answers(out, answers) == 1
    # the filer adds a row above it: every id below moves by one
    md = folder / "2022" / SEED_MD.name
    text = md.read_text(encoding="utf-8")
    text = text.replace(
        "\t\t\t局级干部体检费 1500 元/人", "\t\t\t新增援派干部慰问人次\t=20 人次\n\t\t\t局级干部体检费 1500 元/人"
    )
    md.write_text(text, encoding="utf-8")
    result = annotate_to_file([folder], out)
    rows = read_annotated(out)
    fee = next(e for e in rows if e.name == "局级干部体检费 1500 元/人")
    assert fee.id != fee_id and result.kept == 1 and not result.lost
    assert (fee.level1, fee.level2, fee.reviewed, fee.filed_level2) == ("成本指标", "经济成本指标", True, "数量指标")
    assert any(e.name == "新增援派干部慰问人次" for e in rows)


def test_rows_of_files_not_read_again_are_kept(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    annotate_to_file([folder], out)
    before = read_annotated(out)
    result = annotate_to_file([folder / SEED_TXT.name], out)  # only one file now, named directly
    assert result.carried == sum(1 for e in before if "songjiang-zuzhibu" in e.id)
    ids = [e.id for e in read_annotated(out)]
    assert ids == [e.id for e in before]  # the file named directly has the ids it had inside the folder


def test_a_file_that_cannot_be_read_is_listed_and_the_others_annotated(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["annotate", str(folder), "-o", str(tmp_path / "rows.jsonl")])
    assert result.exit_code == 1
    assert "broken.xlsx" in result.output and "[E10" in result.output
    assert "annotated 96 rows from 9 filings in 3 files (1 failed)" in result.output
    assert len(read_annotated(tmp_path / "rows.jsonl")) == 96


def test_a_malformed_rows_file_names_file_line_and_field(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    annotate_to_file([folder], out)
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["reviewed"] = "yes"
    lines[2] = json.dumps(record, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (["annotate", str(folder), "-o", str(out)], ["review", str(out)], ["evaluate", str(out)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, args
        assert f"{out}:3: field 'reviewed' must be true or false" in result.output, args
    assert out.read_text(encoding="utf-8").splitlines()[2] == lines[2]  # nothing was overwritten


def _normalized(**fields: object) -> Normalized:
    base: dict[str, object] = {
        "raw": "x",
        "name": "x",
        "target": parse_target(""),
        "level1": "产出指标",
        "level2": "数量指标",
        "filed_level1": "产出指标",
        "filed_level2": "数量指标",
        "predicted_level2": "数量指标",
        "confidence": 0.6,
    }
    base.update(fields)
    return Normalized(**base)  # type: ignore[arg-type]


class _WithAdmissible:
    """A ``Normalized`` as the knowledge work extends it (``admissible``): the rule reads the field when it exists."""

    def __init__(self, n: Normalized, admissible: frozenset[str]) -> None:
        self._n, self.admissible = n, admissible

    def __getattr__(self, name: str) -> object:
        return getattr(self._n, name)


DOUBT = [
    ("agrees", _normalized(), None),
    ("unsure model", _normalized(predicted_level2="质量指标", confidence=0.55), None),
    (
        "contradicted with confidence",
        _normalized(predicted_level2="经济成本指标", confidence=0.93, mismatch=True),
        "the model reads it as 经济成本指标 (0.93)",
    ),
    (
        "outside the admissible set",
        _WithAdmissible(_normalized(), frozenset({"质量指标", "时效指标"})),
        "filed 数量指标 lies outside the admissible set (质量指标 | 时效指标)",
    ),
    ("inside the admissible set", _WithAdmissible(_normalized(), frozenset({"数量指标", "质量指标"})), None),
]


@pytest.mark.parametrize(("case", "n", "expected"), DOUBT, ids=[c[0] for c in DOUBT])
def test_doubt(case: str, n: Normalized, expected: str | None) -> None:
    assert doubt_of(n) == expected


def test_annotate_without_a_usable_model_says_so(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "m.npz"
    bad.write_bytes(b"x")
    (tmp_path / "m.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["annotate", str(folder), "-o", str(tmp_path / "rows.jsonl"), "--model", str(bad)])
    assert result.exit_code == 1 and "[E200]" in result.output
    assert not (tmp_path / "rows.jsonl").exists()


# ---- review ------------------------------------------------------------------------------------------------

ANSWERS = [
    ("社会效益", "label", "社会效益指标"),
    ("社会效益指标", "label", "社会效益指标"),
    ("环境效益", "label", "生态效益指标"),  # a legacy name of the taxonomy
    ("1", "label", "数量指标"),
    ("3", "label", "时效指标"),
    ("12", "unknown", None),
    ("a", "unknown", None),  # a letter key: only where there are more than 9 choices
    ("0", "unknown", None),
    ("", "keep", None),
    ("k", "keep", None),
    ("s", "skip", None),
    ("U", "undo", None),
    ("q", "quit", None),
    ("foo", "unknown", None),
    ("满意", "unknown", None),
]


@pytest.mark.parametrize(("typed", "kind", "label"), ANSWERS, ids=[a[0] or "(enter)" for a in ANSWERS])
def test_parse_answer(typed: str, kind: str, label: str | None) -> None:
    answer = parse_answer(typed, ("数量指标", "质量指标", "时效指标"))
    assert (answer.kind, answer.label) == (kind, label)


@pytest.fixture
def rows_file(folder: Path, tmp_path: Path) -> Path:
    out = tmp_path / "rows.jsonl"
    annotate_to_file([folder], out)
    return out


def test_the_queue_is_doubtful_rows_most_informative_first(rows_file: Path) -> None:
    review = Review(rows_file)
    rows = read_annotated(rows_file)
    assert sorted(review.queue) == [i for i, e in enumerate(rows) if e.doubt and not e.reviewed]
    margins = [round(review._questions[i].margin, 1) for i in review.queue]
    assert margins == sorted(margins)
    q = review.question()
    assert q is not None and (q.number, q.total) == (1, len(review.queue))
    assert set(q.choices) == set(q.choices[:11]) and len(q.choices) == 11
    # the defensible ones first: the admissible set (most probable first), else the prediction and the filed label
    first = q.admissible or (q.predicted, q.row.filed_level2)
    assert set(q.choices[: len(first)]) == set(first) and q.choices[0] == first[0]
    neighbours = [*q.before, *q.after]
    assert neighbours and all(e.id.rpartition(".")[0] == q.row.id.rpartition(".")[0] for e in neighbours)


def test_answers_are_saved_at_once_and_undo_takes_them_back(rows_file: Path) -> None:
    review = Review(rows_file)
    q = review.question()
    assert q is not None
    review.answer("经济成本指标")
    saved = read_annotated(rows_file)[q.index]
    assert (saved.level2, saved.level1, saved.reviewed, saved.filed_level2) == (
        "经济成本指标",
        "成本指标",
        True,
        q.row.filed_level2,
    )
    review.skip()
    assert review.undo() and review.undo()  # the skip, then the answer
    assert review.question() is not None and review.question().index == q.index  # type: ignore[union-attr]
    assert read_annotated(rows_file)[q.index] == q.row
    assert not review.undo()
    review.answer(None)  # the filed label
    assert read_annotated(rows_file)[q.index].level2 == q.row.filed_level2
    # a new session starts with the rows nobody answered
    assert len(Review(rows_file).queue) == len(review.queue) - 1


def test_an_answers_file_with_a_bad_line_names_it_and_changes_nothing(rows_file: Path, tmp_path: Path) -> None:
    before = rows_file.read_bytes()
    first = read_annotated(rows_file)[0].id
    cases = [
        (f"{first}\t满意\n", "answers.tsv:1: '满意' is not a 二级 — answer one of: 数量指标, 质量指标"),
        (f"\n{first} 数量指标\n", "answers.tsv:2: expected id<TAB>answer"),
        ("nobody#1.01\t数量指标\n", "answers.tsv:1: no row with id 'nobody#1.01'"),
        (f"{first}\t\n", "answers.tsv:1: '' is not a 二级"),
    ]
    for text, message in cases:
        answers = tmp_path / "answers.tsv"
        answers.write_text(text, encoding="utf-8")
        with pytest.raises(AnnotationError) as caught:
            apply_answers(rows_file, answers)
        assert message in str(caught.value)
        result = CliRunner().invoke(cli, ["review", str(rows_file), "--answers", str(answers)])
        assert result.exit_code == 1 and message in result.output
    assert rows_file.read_bytes() == before


def test_an_answer_costs_one_journal_line_and_close_merges_it(rows_file: Path) -> None:
    """O(answer), not O(file): the rows file is not rewritten until the review closes; readers see the answer."""
    before = rows_file.read_bytes()
    journal = journal_path(rows_file)
    with Review(rows_file) as review:
        q = review.question()
        assert q is not None
        review.answer("经济成本指标")
        assert rows_file.read_bytes() == before  # untouched
        assert json.loads(journal.read_text(encoding="utf-8")) == {
            "id": q.row.id,
            "level1": "成本指标",
            "level2": "经济成本指标",
            "reviewed": True,
        }
        assert read_annotated(rows_file)[q.index].level2 == "经济成本指标"  # train, evaluate … read it meanwhile
        review.undo()
        assert len(journal.read_text(encoding="utf-8").splitlines()) == 2
        assert read_annotated(rows_file)[q.index] == q.row
        review.answer("经济成本指标")
    assert not journal.exists()
    merged = read_annotated(rows_file)[q.index]
    assert (merged.level2, merged.reviewed) == ("经济成本指标", True)
    assert rows_file.read_bytes() != before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(["answer", "keep", "skip", "undo"]), max_size=12))
def test_the_journal_read_over_the_file_is_the_session(rows_file: Path, steps: list[str]) -> None:
    """Property: after any run of answers, skips and undos, readers see exactly the session's rows (the file and its
    journal), and merging gives the same rows; a second merge changes nothing."""
    copy = rows_file.with_name("copy.jsonl")
    copy.write_bytes(rows_file.read_bytes())
    review = Review(copy)
    for step in steps:
        q = review.question()
        if step == "undo":
            review.undo()
        elif q is not None and step == "skip":
            review.skip()
        elif q is not None:
            review.answer(q.choices[-1] if step == "answer" else None)
        assert read_annotated(copy) == review.rows
    review.close()
    assert read_annotated(copy) == review.rows and not journal_path(copy).exists()
    merged = copy.read_bytes()
    assert review.close() == 0 and copy.read_bytes() == merged


def _journal_line(row_id: str, level2: str = "经济成本指标", level1: str = "成本指标") -> str:
    record = {"id": row_id, "level1": level1, "level2": level2, "reviewed": True}
    return json.dumps(record, ensure_ascii=False) + "\n"


def test_a_journal_left_by_a_kill_is_read_then_merged(rows_file: Path, folder: Path) -> None:
    rows = read_annotated(rows_file)
    first, second = rows[0].id, rows[1].id
    journal = journal_path(rows_file)
    torn = _journal_line(second)[:-9]  # a write cut by the kill: never confirmed to the reviewer, left out
    journal.write_text(_journal_line(first) + torn, encoding="utf-8")
    seen = read_annotated(rows_file)
    assert (seen[0].level2, seen[0].reviewed) == ("经济成本指标", True) and seen[1] == rows[1]
    result = CliRunner().invoke(cli, ["evaluate", str(rows_file)])  # evaluate reads it too
    assert result.exit_code == 0, result.output
    annotate_to_file([folder], rows_file)  # annotate merges it first, then keeps the answer
    assert not journal.exists()
    assert read_annotated(rows_file)[0].level2 == "经济成本指标"
    journal.write_text(_journal_line(second), encoding="utf-8")
    assert Review(rows_file).merged == 1 and not journal.exists()  # so does the next review
    assert read_annotated(rows_file)[1].reviewed


JOURNAL_ERRORS = [
    ("not json", "{nope\n", ":1: not an answer (malformed JSON)"),
    ("a field missing", '{"id": "x", "level2": "数量指标", "reviewed": true}\n', ":1: an answer has the fields id"),
    ("outside the taxonomy", _journal_line("ID", "满意指标", "产出指标"), ":1: unknown 二级 '满意指标'"),
    ("an id of another file", _journal_line("elsewhere#1.01"), ":1: no row with id 'elsewhere#1.01'"),
]


@pytest.mark.parametrize(("case", "text", "message"), JOURNAL_ERRORS, ids=[c[0] for c in JOURNAL_ERRORS])
def test_a_bad_journal_line_names_journal_line(rows_file: Path, case: str, text: str, message: str) -> None:
    journal = journal_path(rows_file)
    journal.write_text(text.replace('"ID"', json.dumps(read_annotated(rows_file)[0].id)), encoding="utf-8")
    before = rows_file.read_bytes()
    with pytest.raises(AnnotationError) as caught:
        read_annotated(rows_file)
    assert f"{journal}{message}" in str(caught.value)
    for args in (["review", str(rows_file)], ["evaluate", str(rows_file)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1 and f"{journal}{message}" in result.output, args
    assert rows_file.read_bytes() == before and journal.exists()  # nothing merged, nothing lost


def test_lines_are_read_where_the_input_is_no_terminal(rows_file: Path) -> None:
    """The fallback: an answer per line (a key, a number or a 二级 by name), an unknown one refused with the labels."""
    queue = Review(rows_file).queue
    result = CliRunner().invoke(cli, ["review", str(rows_file)], input="满意\n经济成本\nb\nq\n")
    assert result.exit_code == 0, result.output
    assert "'满意' is not a label of the taxonomy; the labels are: 1 " in result.output
    assert "quit: 2 answered" in result.output
    rows = read_annotated(rows_file)
    assert rows[queue[0]].level2 == "经济成本指标" and rows[queue[1]].reviewed
    assert not journal_path(rows_file).exists()


pexpect = pytest.importorskip("pexpect")

PROMPT = "q quit > "


def _spawn(rows: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "indicatornlp", "review", str(rows)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 160),
    )
    child.delaybeforesend = None
    child.expect(PROMPT)
    return child


def _key_of(question: Question, label: str) -> str:
    return choice_keys(len(question.choices))[question.choices.index(label)]


def test_review_in_a_terminal_takes_single_keys(rows_file: Path) -> None:
    """Under a pseudo-terminal, one key per answer and no Enter: a key that is no label is refused with the labels
    listed, an answer is in the journal before the next row shows, Enter keeps the filed label, undo and skip work,
    q merges the answers into the file."""
    first = Review(rows_file)
    queue, question = first.queue, first.question()
    assert question is not None
    child = _spawn(rows_file)
    assert "1 of" in child.before and "filed" in child.before and "model" in child.before
    assert " a " in child.before and "press 1–9, a–b" in child.before  # the keys beyond 9 are letters
    child.send("满")
    child.expect(PROMPT)
    assert "'满' is not the key of a label; the labels are: 1 " in child.before and "生态环境成本指标" in child.before
    child.send("x")
    child.expect(PROMPT)
    assert "'x' is not the key of a label" in child.before
    child.send(_key_of(question, "经济成本指标"))  # one key, no Enter
    child.expect("2 of")
    child.expect(PROMPT)
    assert read_annotated(rows_file)[queue[0]].level2 == "经济成本指标"  # on disk, in the journal
    assert journal_path(rows_file).exists()
    child.send("u")
    child.expect("1 of")
    child.expect(PROMPT)
    assert not read_annotated(rows_file)[queue[0]].reviewed
    child.send("\r")  # Enter keeps the filed label
    child.expect("2 of")
    child.expect(PROMPT)
    child.send(" ")  # a space is no answer
    child.expect(PROMPT)
    assert "' ' is not the key of a label" in child.before
    child.send("s")
    child.expect("3 of")
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)
    assert "quit: 1 answered" in child.before
    assert not journal_path(rows_file).exists()  # merged into the file
    rows = read_annotated(rows_file)
    assert rows[queue[0]].reviewed and rows[queue[0]].level2 == rows[queue[0]].filed_level2
    assert not rows[queue[1]].reviewed


def test_a_killed_review_loses_at_most_the_row_on_screen(rows_file: Path) -> None:
    queue = Review(rows_file).queue
    child = _spawn(rows_file)
    child.send("2")
    child.expect("2 of")
    child.expect(PROMPT)
    child.send("1")
    child.expect("3 of")
    child.expect(PROMPT)
    child.kill(signal.SIGKILL)
    child.wait()
    rows = read_annotated(rows_file)  # the file and its journal: every answer given
    assert [rows[i].reviewed for i in queue[:3]] == [True, True, False]
    assert not list(rows_file.parent.glob(".rows.jsonl.*.tmp"))  # no temporary left beside it
    child = _spawn(rows_file)  # the next review merges the journal and goes on
    assert "merged 2 answers left by an interrupted review" in child.before
    assert not journal_path(rows_file).exists()
    child.send("q")
    child.expect(pexpect.EOF)
    assert [e.reviewed for e in (read_annotated(rows_file)[i] for i in queue[:3])] == [True, True, False]


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_review_merges_its_answers(rows_file: Path, how: str) -> None:
    queue = Review(rows_file).queue
    child = _spawn(rows_file)
    child.send("2")
    child.expect("2 of")
    child.expect(PROMPT)
    if how == "SIGTERM":
        child.kill(signal.SIGTERM)
    else:
        child.sendintr()
    child.expect(pexpect.EOF)
    assert "interrupted: 1 answered" in child.before
    assert not journal_path(rows_file).exists()
    assert read_annotated(rows_file)[queue[0]].reviewed
    assert not list(rows_file.parent.glob(".rows.jsonl.*"))  # no temporary, no lock file left


def test_a_second_review_of_the_same_file_is_refused(rows_file: Path) -> None:
    child = _spawn(rows_file)
    result = CliRunner().invoke(cli, ["review", str(rows_file)])
    assert result.exit_code == 1 and "another run is writing it" in result.output
    child.send("q")
    child.expect(pexpect.EOF)


# ---- train --with-shipped, evaluate, --model ------------------------------------------------------------------


def _own(rows: list[Example]) -> list[Example]:
    return [e for e in rows if e.region == "吉林省"]


def test_choose_weight_by_cv_grouped_by_the_users_filings(shipped_train: list[Example]) -> None:
    own = _own(shipped_train)
    base = subset([e for e in shipped_train if e.region != "吉林省"], 8)
    result = choose_weight(base, own, grid=(1.0, 8.0), folds=3)
    assert result["groups"] == len({e.group for e in own}) and result["folds"] == 3
    assert [r["weight"] for r in result["grid"]] == [1.0, 8.0]
    assert result["chosen"] == min(result["grid"], key=lambda r: r["log_loss"])["weight"]
    one_filing = [e for e in own if e.group == own[0].group]
    assert choose_weight(base, one_filing)["chosen"] == 1.0


def test_the_weight_changes_the_model(shipped_train: list[Example]) -> None:
    """The user's filings call 群众满意度 a 社会效益: weighted up, their reading wins over the shipped one."""
    base = subset(shipped_train, 10)
    mine = [
        Example(f"mine#{i}.01", name, "≥95%", "效益指标", "社会效益指标", f"mine#{i}", filed_level2="社会效益指标")
        for i, name in enumerate(["群众满意度", "居民满意度", "服务对象满意度"])
    ]
    light = train_with_shipped({"mine.jsonl": mine}, shipped=base, weight=1.0, folds=0)
    heavy = train_with_shipped({"mine.jsonl": mine}, shipped=base, weight=40.0, folds=0)
    social = [m.predict_proba(["游客满意度 ≥95%"])[0][m.labels.index("社会效益指标")] for m in (light, heavy)]
    assert social[1] > social[0] + 0.1  # weighted up, the user's reading gains
    assert heavy.predict(["游客满意度 ≥95%"])[0].level2 == "社会效益指标"
    assert heavy.card["data"]["sha256_training"] != light.card["data"]["sha256_training"]
    sources = heavy.card["data"]["sources"]
    assert [(s["path"], s["rows"], s["weight"]) for s in sources] == [
        ("shipped train/", len(base), 1.0),
        ("mine.jsonl", 3, 40.0),
    ]
    assert sources[1]["labels"] == {"社会效益指标": 3}


def test_rows_with_a_guessed_label_are_left_out() -> None:
    guessed = Example("a#1.01", "培训人次", "≥100人次", "产出指标", "数量指标", "a#1", doubt="no category filed: …")
    reviewed = Example("a#1.02", "培训人次", "≥100人次", "产出指标", "数量指标", "a#1", reviewed=True)
    assert usable([guessed, reviewed]) == ([reviewed], [guessed])


@pytest.mark.slow
def test_cli_train_with_shipped_then_evaluate_with_the_environment(rows_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "models"
    result = runner.invoke(
        cli, ["train", str(rows_file), "--with-shipped", "--weight", "3", "--folds", "0", "-o", f"{out}/"]
    )
    assert result.exit_code == 0, result.output
    card = json.loads((out / "category.json").read_text(encoding="utf-8"))
    assert [s["weight"] for s in card["data"]["sources"]] == [1.0, 3.0]
    assert card["data"]["rows"] == card["data"]["sources"][0]["rows"] + 96
    assert card["holdout"]["rows"] == len(read_annotated(default_annotated_dir() / "holdout"))
    model = str(out / "category.npz")
    result = runner.invoke(cli, ["evaluate", str(rows_file)], env={"INDICATORNLP_MODEL": model})
    assert result.exit_code == 0, result.output
    assert "rows 96" in result.output
    result = runner.invoke(cli, ["normalize", "群众满意度"], env={"INDICATORNLP_MODEL": model})
    assert result.exit_code == 0 and json.loads(result.output)["level2"] == "服务对象满意度指标"


def test_the_model_option_reads_the_environment(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = str(tmp_path / "none.npz")
    for command in (["normalize", "群众满意度"], ["evaluate"], ["tag", str(SEED_MD), "-o", str(tmp_path / "t.csv")]):
        result = runner.invoke(cli, command, env={"INDICATORNLP_MODEL": missing})
        assert result.exit_code == 2, command
        assert "no such model file (from $INDICATORNLP_MODEL)" in result.output
    result = runner.invoke(cli, ["normalize", "群众满意度", "--model", missing])
    assert result.exit_code == 2 and "(from --model)" in result.output
    # --no-model wins over the environment, but not over --model
    result = runner.invoke(cli, ["audit", str(SEED_MD), "--no-model"], env={"INDICATORNLP_MODEL": missing})
    assert result.exit_code == 2  # the variable still names a missing file
    result = runner.invoke(
        cli,
        ["audit", str(SEED_MD), "--no-model", "--fail-on", "never"],  # the seed has error findings: exit 1 by default
        env={"INDICATORNLP_MODEL": str(default_model_file())},
    )
    assert result.exit_code == 0, result.output


def default_model_file() -> Path:
    from indicatornlp.model import default_model_path

    return default_model_path()


def test_train_without_shipped_takes_several_files(shipped_train: list[Example], tmp_path: Path) -> None:
    small = subset(shipped_train, 4)
    half = len(small) // 2
    files = []
    for n, part in enumerate((small[:half], small[half:])):
        path = tmp_path / f"part{n}.jsonl"
        path.write_text("".join(json.dumps(e.record(), ensure_ascii=False) + "\n" for e in part), encoding="utf-8")
        files.append(str(path))
    out = tmp_path / "m.npz"
    result = CliRunner().invoke(cli, ["train", *files, "--no-select", "--folds", "0", "-o", str(out)])
    assert result.exit_code == 0, result.output
    card = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert card["data"]["rows"] == len(small) and card["data"]["source"].count(".jsonl") == 2
    assert train(small, folds=0).card["data"]["sha256_training"] == card["data"]["sha256_training"]


def test_annotate_api_takes_a_model_object(folder: Path) -> None:
    from indicatornlp.model import load_model

    made = annotate([folder / SEED_TXT.name], model=load_model(), base=folder)
    assert made.files == 1 and len(made.rows) == 16 and made.rows[0].id == f"{SEED_TXT.name}#1.01"
