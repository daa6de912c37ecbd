"""The tokenizer: domain terms stay whole, the dictionary agrees with the corpus, no dependency's global state is
touched, and the result is deterministic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicatornlp.annotated import default_annotated_dir, read_annotated
from indicatornlp.text import normalize_text
from indicatornlp.tokenize import read_userdict, tokenize

REPO = Path(__file__).resolve().parents[1]

SEEDS = [
    pytest.param("群众满意度", ["群众", "满意度"], id="群众满意度"),
    pytest.param("参训者满意度", ["参训者", "满意度"], id="参训者满意度"),
    pytest.param("活动开展及时率", ["活动", "开展", "及时率"], id="活动开展及时率"),
    pytest.param("培训开展及时率", ["培训", "开展", "及时率"], id="培训开展及时率"),
    pytest.param("宣讲活动开展及时率", ["宣讲", "活动", "开展", "及时率"], id="宣讲活动开展及时率"),
    pytest.param("制作发放《党支部工作手册》", ["党支部", "工作手册"], id="党支部工作手册"),
    pytest.param(
        "“三会一课”、主题党日、发展党员等党建基础性工作", ["三会一课", "主题党日", "发展党员", "党建"], id="三会一课"
    ),
    pytest.param("人才政策知晓率", ["人才", "政策", "知晓率"], id="人才政策知晓率"),
    pytest.param("局级干部体检费 1500 元/人", ["局级干部", "体检费", "1500"], id="体检费"),
    pytest.param("新建（购）系统验收通过率", ["验收", "通过率"], id="验收通过率"),
    pytest.param("参与培训的基层党组织数量", ["基层", "党组织", "数量"], id="基层党组织"),
    pytest.param("全区组工干部参训", ["组工干部", "参训"], id="参训"),
]

CORPUS = [
    pytest.param("受益脱贫(监测)户满意度", ["受益", "满意度"], id="受益户满意度"),
    pytest.param("项目(工程)验收合格率", ["验收", "合格率"], id="验收合格率"),
    pytest.param("农村饮水工程覆盖服务人口数", ["覆盖"], id="覆盖"),
    pytest.param("卫生检疫人员培训覆盖率", ["卫生检疫", "覆盖率"], id="培训覆盖率"),
    pytest.param("主体班培训人次", ["培训", "人次"], id="培训人次"),
    pytest.param("培训班次（会议次数）", ["培训", "班次", "会议", "次数"], id="培训班次"),
    pytest.param("资金支付及时率", ["资金", "支付", "及时率"], id="资金支付及时率"),
    pytest.param("政策知晓率", ["政策", "知晓率"], id="政策知晓率"),
    pytest.param("服务对象满意度%", ["服务对象", "满意度", "%"], id="服务对象满意度"),
    pytest.param("人均培训成本控制率", ["人均", "培训", "成本", "控制率"], id="成本控制率"),
    pytest.param("理论教育和党性教育课时比例", ["党性", "教育", "课时", "比例"], id="课时"),
    pytest.param("适龄儿童国家免疫规划疫苗接种率", ["免疫规划", "疫苗", "接种率"], id="接种率"),
    pytest.param("受益建档立卡贫困人口数(≥**人)", ["建档立卡"], id="建档立卡"),
    pytest.param("是否提高检验检疫技术保障能力", ["检验检疫"], id="检验检疫"),
    pytest.param("种植作物成活率(≥**%)", ["种植", "作物", "成活率"], id="成活率"),
    pytest.param("补助发放及时率", ["补助", "发放", "及时率"], id="补助发放及时率"),
    pytest.param("支出预算执行率（%）", ["预算", "执行率"], id="预算执行率"),
]

ISSUE = [
    pytest.param("受训学员满意度(%)", ["学员", "满意度", "%"], id="受训学员满意度"),
    pytest.param("发放党支部工作手册", ["发放", "党支部", "工作手册"], id="发放党支部工作手册"),
    pytest.param("服务对象满意度", ["服务对象", "满意度"], id="服务对象满意度-exact"),
]


@pytest.mark.parametrize(("text", "words"), SEEDS + CORPUS + ISSUE)
def test_domain_terms_stay_whole(text: str, words: list[str]) -> None:
    tokens = tokenize(text)
    for word in words:
        assert word in tokens, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("群众满意度", ("群众", "满意度"), id="exact-满意度"),
        pytest.param("服务对象满 意度", ("服务对象", "满意度"), id="pdf-break-inside-a-word"),
        pytest.param("  ", (), id="white-space-only"),
        pytest.param("", (), id="empty"),
        pytest.param("≥95%", ("≥", "95%"), id="target-like"),
    ],
)
def test_normalized_and_white_space_dropped(text: str, expected: tuple[str, ...]) -> None:
    assert tokenize(text) == expected


def test_names_that_share_a_measure_share_its_token() -> None:
    """Hard negatives keep their distinguishing word and share only what they share."""
    count, satisfaction = tokenize("培训人次"), tokenize("培训满意度")
    assert set(count) & set(satisfaction) == {"培训"}


@given(st.text(max_size=40))
def test_never_raises_and_keeps_every_character(text: str) -> None:
    tokens = tokenize(text)
    assert all(t and not t.isspace() for t in tokens)
    clean = normalize_text(text).encode("utf-8", "replace").decode("utf-8")
    assert "".join(tokens) == "".join(ch for ch in clean if not ch.isspace())


@given(st.text(alphabet="群众满意度及时率三会一课活动开展培训人次党支部 0123456789%≥", max_size=30))
def test_deterministic(text: str) -> None:
    first = tokenize(text)
    tokenize.cache_clear()
    assert tokenize(text) == first


# ---- the dictionary ------------------------------------------------------------------------------------


def test_the_dictionary_parses_has_a_few_hundred_terms_and_no_duplicates() -> None:
    entries = read_userdict()
    words = [e.word for e in entries]
    assert 200 <= len(words) <= 1000
    assert len(set(words)) == len(words)
    assert all(e.freq > 0 and e.tag for e in entries)


def test_the_dictionary_opens_with_a_comment_header_on_its_source() -> None:
    text = (REPO / "src" / "indicatornlp" / "data" / "userdict.txt").read_text("utf-8")
    header = text.split("\n\n")[0]
    assert header.startswith("#") and "Source:" in text[:2000] and "Fields" in text[:3000]


def test_every_dictionary_term_occurs_in_the_corpus_or_the_seeds() -> None:
    texts = [e.name for e in read_annotated(default_annotated_dir())]
    texts += [p.read_text("utf-8") for p in (REPO / "data" / "corpus" / "pages" / "excerpts").glob("*.txt")]
    texts += [
        (REPO / "data" / "filings" / f).read_text("utf-8")
        for f in ("songjiang-jiguan-2023.txt", "songjiang-zuzhibu-2022.md")
    ]
    texts += [(REPO / "data" / "corpus" / "code" / "filled.jsonl").read_text("utf-8")]
    blob = normalize_text("\n".join(texts))
    assert [e.word for e in read_userdict() if e.word not in blob] == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("及时率", "line 1", id="no-freq"),
        pytest.param("# header\n及时率 many n", "line 2", id="freq-not-a-number"),
        pytest.param("及时率 0 n", "freq > 0", id="zero-freq"),
        pytest.param("及时 率 20000 n", "line 1", id="space-in-word"),
    ],
)
def test_a_malformed_dictionary_line_is_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        read_userdict(text)


# ---- no global state touched -----------------------------------------------------------------------------

_PROBE = """
import json, logging, sys, threading
root_handlers = list(logging.getLogger().handlers)
import indicatornlp.tokenize as t
results = []
threads = [threading.Thread(target=lambda: results.append(t.tokenize("活动开展及时率"))) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
names = json.loads(sys.stdin.read())
out = {
    "threads": sorted(set(results)),
    "tokens": [t.tokenize(n) for n in names],
    "jieba_imported": "jieba" in sys.modules,
    "root_handlers_same": list(logging.getLogger().handlers) == root_handlers,
}
import rjieba
out["rjieba_global"] = rjieba.cut("活动开展及时率")
import jieba
jieba_handlers = list(logging.getLogger("jieba").handlers)
t.tokenize.cache_clear()
t.tokenize("三会一课主题党日")
out["jieba_dt_untouched"] = not jieba.dt.initialized and "三会一课" not in jieba.dt.FREQ
out["jieba_handlers_same"] = list(logging.getLogger("jieba").handlers) == jieba_handlers
print(json.dumps(out, ensure_ascii=False))
"""


def test_global_state_untouched_thread_safe_and_same_cuts_in_a_fresh_process() -> None:
    names = sorted({e.name for e in read_annotated(default_annotated_dir())})[:200]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no log line, no warning
    out = json.loads(done.stdout)
    assert out["threads"] == [["活动", "开展", "及时率"]]
    assert out["tokens"] == [list(tokenize(n)) for n in names]
    assert out["jieba_imported"] is False
    assert out["root_handlers_same"] is True
    assert out["rjieba_global"] == ["活动", "开展", "及时", "率"]  # rjieba's own instance never got our words
    assert out["jieba_dt_untouched"] is True
    assert out["jieba_handlers_same"] is True


def test_importing_the_module_does_not_import_the_segmenter() -> None:
    code = "import sys, indicatornlp.tokenize; print('rjieba' in sys.modules, 'jieba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_jieba_and_rjieba_agree_on_the_corpus_names() -> None:
    """The reason rjieba could replace jieba: the same cuts with the same dictionary (digit spans aside)."""
    jieba = pytest.importorskip("jieba")
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = jieba.Tokenizer.gen_pfdict(tokenizer.get_dict_file())  # no logging
    tokenizer.initialized = True
    for entry in read_userdict():
        tokenizer.add_word(entry.word, entry.freq, entry.tag)
    names = sorted({normalize_text(e.name) for e in read_annotated(default_annotated_dir())})
    differ = [n for n in names if tuple(w for w in tokenizer.cut(n) if not w.isspace()) != tokenize(n)]
    assert len(differ) <= len(names) // 100, differ
    assert all(any(c.isdigit() for c in n) for n in differ), differ
