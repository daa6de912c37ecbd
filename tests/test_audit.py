"""The audit: the two Songjiang seed filings as the acceptance case, then each rule on small realistic filings.

Rows of the synthetic filings are taken from the seeds and from data/corpus (public filings), so that each rule
is tried on wording that real filers use; each rule is shown firing and not firing where it should not.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from indicatornlp import Filing, Finding, Funds, Indicator, Normalized, Position, Severity, Target, TargetKind
from indicatornlp.audit import RULES, audit, audit_normalized, indicator_findings
from indicatornlp.errors import ModelError
from indicatornlp.report import by_code, render_html, render_markdown

# the module (``indicatornlp.audit`` on the package is the function)
audit_module = importlib.import_module("indicatornlp.audit")
api_module = importlib.import_module("indicatornlp.api")

ROOT = Path(__file__).resolve().parents[1]
FILINGS = ROOT / "data" / "filings"
FIXTURE = Path(__file__).parent / "fixtures" / "seed_rows.json"

OUT_NUM = ("产出指标", "数量指标")
OUT_QUA = ("产出指标", "质量指标")
OUT_TIME = ("产出指标", "时效指标")
COST = ("成本指标", "经济成本指标")
ECO = ("效益指标", "经济效益指标")
ENV = ("效益指标", "生态效益指标")
LEGACY_COST = ("产出指标", "成本指标")
SOC = ("效益指标", "社会效益指标")
SAT = ("满意度指标", "服务对象满意度指标")


# ---- the seeds -------------------------------------------------------------------------------------------


def _fixture_filings() -> list[Filing]:
    filings = []
    for f in json.loads(FIXTURE.read_text("utf-8")):
        filings.append(
            Filing(
                Position(f["source"]),
                project=f["project"],
                department=f["department"],
                unit=f["unit"],
                year=f["year"],
                funds=Funds(**{k: Decimal(v) for k, v in f["funds"].items() if v is not None}),
                indicators=tuple(
                    Indicator(i["name"], i["target_raw"], i["level1_raw"], i["level2_raw"]) for i in f["indicators"]
                ),
            )
        )
    return filings


SEED_FORMATS = {"txt+md": ("txt", "md"), "xlsx": ("xlsx",), "docx": ("docx",), "pdf": ("pdf",)}


def _read_filings(suffixes: tuple[str, ...]) -> list[Filing]:
    readers = pytest.importorskip("indicatornlp.readers")
    paths = sorted(p for p in FILINGS.glob("songjiang-*") if p.suffix[1:] in suffixes)
    if len(paths) != 2:
        pytest.skip(f"the seeds as {'/'.join(suffixes)} are not in data/filings")
    return [f for path in paths for f in readers.read_filings(path)]


@pytest.fixture(scope="module", params=["fixture-rows", *SEED_FORMATS])
def seeds(request: pytest.FixtureRequest) -> list[tuple[Filing, list[Finding]]]:
    """The 9 seed projects (from the gold rows, then read from each format) with their model-free audit."""
    filings = _fixture_filings() if request.param == "fixture-rows" else _read_filings(SEED_FORMATS[request.param])
    assert len(filings) == 9
    return [(f, audit(f, model=False)) for f in filings]


def _codes_of(seeds: list[tuple[Filing, list[Finding]]], name: str) -> set[str]:
    """The codes raised on the row(s) whose filed name (spaces ignored) is ``name``."""
    key = name.replace(" ", "")
    found = [
        {f.code for f in findings if f.row is not None and filing.indicators[f.row - 1].name.replace(" ", "") == key}
        for filing, findings in seeds
        if any(i.name.replace(" ", "") == key for i in filing.indicators)
    ]
    assert found, f"no seed row named {name!r}"
    return set.union(*found)


SEED_FLAGS = [
    # the 体检费 rows filed under 数量指标: a cost figure outside 成本指标
    pytest.param("局级干部体检费 1500 元/人", "A131", id="体检费-局级-cost-under-数量"),
    pytest.param("处级干部体检费 3200 元/人", "A131", id="体检费-处级-cost-under-数量"),
    # 满意度 rows that are not satisfaction measures
    pytest.param("高质量执行人才管理长效机制", "A130", id="满意度-长效机制-人才"),
    pytest.param("建立公务员管理长效机制", "A130", id="满意度-长效机制-公务员"),
    pytest.param("基层党员群众的获得感进一步增强", "A130", id="满意度-获得感"),
    pytest.param("及时回应信息系统用户需求", "A130", id="满意度-回应需求"),
    # bare numbers and targets without a unit
    pytest.param("公务员管理者培训", "A120", id="12-no-comparator"),
    pytest.param("公务员管理者培训", "A121", id="12-no-unit"),
    pytest.param("干部体检资金到位率", "A121", id="=100-no-unit"),
    pytest.param("人才宣传汇编", "A121", id="=100-no-unit-汇编"),
    pytest.param("人才政策知晓率", "A121", id="≥90-no-unit"),
    pytest.param("干部体检资金使用率", "A121", id=">=90-no-unit"),
    pytest.param("开展重点领域党建工作重要活动等", "A121", id="≥2-no-unit"),
    pytest.param("制作发放《党支部工作手册》", "A121", id="=3500-no-unit"),
    # vague targets
    pytest.param("增强党性修养", "A110", id="提升"),
    pytest.param("精神文明建设成效", "A110", id="显著"),
    pytest.param("文明创建活动成效", "A110", id="明显"),
    pytest.param("激励年轻公务员担当作为", "A110", id="有效"),
    pytest.param("党务工作能力", "A110", id="提升-能力"),
    pytest.param("广大党员干部在各工作领域起到示范引领作用", "A110", id="积极影响"),
    # unquantified where a number is expected
    pytest.param("活动开展及时率", "A111", id="及时率-及时"),
    pytest.param("保障选调生专项招录", "A111", id="数量-规范"),
    pytest.param("群众提升对领导干部工作的满意度", "A111", id="满意度-测评结果好"),
    # budget-management measures as targets
    pytest.param("干部体检资金到位率", "A132", id="资金到位率"),
    pytest.param("干部体检资金使用率", "A132", id="资金使用率"),
    # no target at all
    pytest.param("提升公务员法律法规政策知晓率", "A123", id="empty-target"),
    # vague wording in names
    pytest.param("进一步学深悟透习近平新时代中国特色社会主义思想", "A112", id="name-进一步"),
]


@pytest.mark.parametrize(("name", "code"), SEED_FLAGS)
def test_seed_rows_are_flagged(seeds: list[tuple[Filing, list[Finding]]], name: str, code: str) -> None:
    assert code in _codes_of(seeds, name)


SEED_CLEAN = [
    pytest.param("群众满意度", id="群众满意度->=95%"),
    pytest.param("参训者满意度", id="参训者满意度->=95%"),
    pytest.param("党组织特色活动", id=">=30 场"),
    pytest.param("基层党组织参与情况", id=">=50 家"),
    pytest.param("安全性检查", id="=1 次"),
    pytest.param("新建（购）系统验收通过率", id="=100%"),
]


@pytest.mark.parametrize("name", SEED_CLEAN)
def test_seed_rows_well_filed_have_no_findings(seeds: list[tuple[Filing, list[Finding]]], name: str) -> None:
    assert _codes_of(seeds, name) == set()


def test_every_seed_project_lacks_cost_indicators(seeds: list[tuple[Filing, list[Finding]]]) -> None:
    for filing, findings in seeds:
        assert [f.code for f in findings if f.row is None].count("A203") == 1, filing.project


def test_seed_projects_have_outputs_effects_and_funds_that_add_up(seeds: list[tuple[Filing, list[Finding]]]) -> None:
    # 网络信息系统开发 (90000 = 财政资金 90000 of which 上年结转 90000) must not be flagged
    for filing, findings in seeds:
        codes = {f.code for f in findings}
        assert not codes & {"A201", "A202", "A204", "A205", "A207", "A208"}, (filing.project, codes)


def test_seed_findings_name_their_row_and_source(seeds: list[tuple[Filing, list[Finding]]]) -> None:
    for filing, findings in seeds:
        for f in findings:
            assert f.code in RULES and f.source
            assert " — " in f.text("en") and "——" in f.text("zh"), f  # what is wrong — what to do, in both
            if f.row is not None:  # rows are numbered from 1, as in the filing and every output
                assert f.indicator == filing.indicators[f.row - 1].name
                assert f.target == filing.indicators[f.row - 1].target_raw


# ---- each rule on small filings ----------------------------------------------------------------------------

Row = tuple[tuple[str, str], str, str]


NO_FUNDS = Funds()


def _filing(*rows: Row, project: str = "党建工作", funds: Funds = NO_FUNDS, warnings: tuple[str, ...] = ()) -> Filing:
    return Filing(
        Position("synthetic.txt", line=1),
        project=project,
        year=2022,
        funds=funds,
        indicators=tuple(
            Indicator(name, target, level[0], level[1], Position("synthetic.txt", line=10 + i))
            for i, (level, name, target) in enumerate(rows)
        ),
        warnings=warnings,
    )


def _row_codes(row: Row) -> set[str]:
    return {f.code for f in audit(_filing(row), model=False) if f.row == 1}


ROW_RULES = [
    # A103 no valid category
    pytest.param((("过程指标", "资金管理"), "资金使用合规性", "合规"), "A103", True, id="A103-过程-frame"),
    pytest.param((OUT_NUM, "党组织特色活动", ">=30 场"), "A103", False, id="A103-not-数量"),
    # A110 vague target
    pytest.param((SOC, "增强党性修养", "提升"), "A110", True, id="A110-提升"),
    pytest.param((OUT_QUA, "精神文明建设成效", "显著"), "A110", True, id="A110-显著"),
    pytest.param((ENV, "对控制基建项目成本影响程度", "效果明显"), "A110", True, id="A110-效果明显"),
    pytest.param((SOC, "提升全县消费者维权意识", "不断提升"), "A110", True, id="A110-不断提升"),
    pytest.param((OUT_TIME, "活动开展及时率", "及时"), "A110", False, id="A110-not-及时"),
    pytest.param((OUT_QUA, "监控信息系统正常运行", "规范"), "A110", False, id="A110-not-规范"),
    pytest.param((OUT_QUA, "高质量开展人才峰会", "九城市深化人才合作"), "A110", False, id="A110-not-long-text"),
    pytest.param((SAT, "群众满意度", "≥95%"), "A110", False, id="A110-not-number"),
    # A111 unquantified where a number is expected
    pytest.param((OUT_NUM, "保障选调生专项招录", "规范"), "A111", True, id="A111-数量-规范"),
    pytest.param((OUT_TIME, "宣讲活动开展及时率", "及时"), "A111", True, id="A111-及时率-及时"),
    pytest.param((SAT, "干部和群众满意度普遍提高", "满意"), "A111", True, id="A111-满意度-满意"),
    pytest.param((OUT_TIME, "系统上线及时性", "及时"), "A111", False, id="A111-not-及时性"),
    pytest.param((OUT_QUA, "负责信息系统升级更新", "规范"), "A111", False, id="A111-not-质量-规范"),
    pytest.param((OUT_NUM, "安全性检查", "=1 次"), "A111", False, id="A111-not-number"),
    # A127 a share above 100 %
    pytest.param((OUT_QUA, "验收合格率", "≥292%"), "A127", True, id="A127-合格率-292%"),
    pytest.param((SAT, "群众满意度(%)", "120%"), "A127", True, id="A127-满意度-120%"),
    pytest.param((OUT_QUA, "验收合格率", "≥92%"), "A127", False, id="A127-not-92%"),
    pytest.param((OUT_NUM, "任务完成率", "≥110%"), "A127", False, id="A127-not-完成率"),
    pytest.param((SOC, "农户收入增长率", "≥120%"), "A127", False, id="A127-not-增长率"),
    # A112 vague wording in the name
    pytest.param(
        (OUT_QUA, "进一步学深悟透习近平新时代中国特色社会主义思想", "符合工作要求"), "A112", True, id="A112-进一步"
    ),
    pytest.param((OUT_QUA, "党务工作能力", "提升"), "A112", False, id="A112-not-plain-name"),
    # A120 no comparator
    pytest.param((OUT_QUA, "公务员管理者培训", "12"), "A120", True, id="A120-12"),
    pytest.param((OUT_NUM, "预计新增档案整理移库", "1000标箱"), "A120", True, id="A120-1000标箱"),
    pytest.param((OUT_NUM, "工、青、妇活动", "=3 次"), "A120", False, id="A120-not-=3次"),
    pytest.param((OUT_NUM, "参与培训的基层党组织数量", ">=50 家"), "A120", False, id="A120-not->=50家"),
    # A121 no unit
    pytest.param((ECO, "干部体检资金到位率", "=100"), "A121", True, id="A121-=100"),
    pytest.param((OUT_NUM, "开展重点领域党建工作重要活动等", "≥2"), "A121", True, id="A121-≥2"),
    pytest.param((OUT_NUM, "工、青、妇活动", "=3 次"), "A121", False, id="A121-not-=3次"),
    pytest.param((SAT, "群众满意度", ">=95%"), "A121", False, id="A121-not-95%"),
    # A122 placeholder, A123 empty
    pytest.param((ECO, "脱贫地区特色产业产值", "≥**万元"), "A122", True, id="A122-≥**万元"),
    pytest.param((OUT_NUM, "培训人次", "XX"), "A122", True, id="A122-XX"),
    pytest.param((OUT_NUM, "培训人次", "≥100人次"), "A122", False, id="A122-not-number"),
    pytest.param((SOC, "提升公务员法律法规政策知晓率", ""), "A123", True, id="A123-empty"),
    pytest.param((OUT_TIME, "信息系统日常巡检", "及时"), "A123", False, id="A123-not-及时"),
    # A125 zero cost
    pytest.param((COST, "项目总成本", "=0万元"), "A125", True, id="A125-=0万元"),
    pytest.param((("成本指标", "生态环境成本指标"), "扬尘超标次数", "=0次"), "A125", False, id="A125-not-ecological"),
    pytest.param((COST, "人均培训成本", "≤1500元/人"), "A125", False, id="A125-not-positive"),
    # A126 long name
    pytest.param((SOC, "完善干部体检管理" * 13, "好"), "A126", True, id="A126-104-chars"),
    pytest.param((SOC, "完善干部体检管理" * 12, "好"), "A126", False, id="A126-not-96-chars"),
    # A130 满意度 that is not a satisfaction measure
    pytest.param((SAT, "政策知晓率", "≥90%"), "A130", True, id="A130-知晓率-under-满意度"),
    pytest.param((SAT, "指标1:提升群众安全感", "≥90%"), "A130", True, id="A130-安全感"),
    pytest.param((SAT, "群众满意度", "≥95%"), "A130", False, id="A130-not-满意度"),
    pytest.param((SAT, "服务对象认可度", "≥90%"), "A130", False, id="A130-not-认可度"),
    pytest.param((SOC, "建立公务员管理长效机制", "健全"), "A130", False, id="A130-not-under-效益"),
    # A131 cost figure outside 成本指标
    pytest.param((OUT_NUM, "四技服务经费", "3000"), "A131", True, id="A131-经费-under-数量"),
    pytest.param((OUT_NUM, "基本医疗保险财政补助标准", "589元/人"), "A131", True, id="A131-元/人-under-数量"),
    pytest.param((ENV, "绿化养护费", "≤20万元"), "A131", True, id="A131-费-under-生态效益"),
    pytest.param((COST, "局级干部体检费", "≤1500元/人"), "A131", False, id="A131-not-under-成本"),
    pytest.param((ECO, "促使脱贫户、监测户增加收入", "≥80万元"), "A131", False, id="A131-not-income-under-经济效益"),
    pytest.param((OUT_QUA, "经费支出合规性", "严格执行相关制度规定"), "A131", False, id="A131-not-合规性"),
    pytest.param((SOC, "提升全县消费者维权意识", "不断提升"), "A131", False, id="A131-not-消费者"),
    # A132 budget-management measures
    pytest.param((OUT_NUM, "预算执行率", "100%"), "A132", True, id="A132-预算执行率"),
    pytest.param((ECO, "结余率(计算方法为:结余数/预算数)", "≤5%"), "A132", True, id="A132-结余率"),
    pytest.param((OUT_NUM, "科目调整次数", "≤10次"), "A132", True, id="A132-科目调整次数"),
    pytest.param((OUT_TIME, "财政资金到位及时支付率", "= 100 %"), "A132", True, id="A132-资金到位及时支付率"),
    pytest.param((OUT_TIME, "年度设备采购安装到位率", "100%"), "A132", False, id="A132-not-设备到位率"),
]


@pytest.mark.parametrize(("row", "code", "fires"), ROW_RULES)
def test_row_rule(row: Row, code: str, fires: bool) -> None:
    assert (code in _row_codes(row)) is fires


def _normalized(**kw: Any) -> Normalized:
    base: dict[str, Any] = {
        "raw": "局级干部体检费",
        "name": "局级干部体检费",
        "target": Target("≤1500元/人", TargetKind.NUMERIC),
        "level1": "产出指标",
        "level2": "数量指标",
        "filed_level1": "产出指标",
        "filed_level2": "数量指标",
    }
    base.update(kw)
    return Normalized(**base)


DEC31 = datetime.date(2021, 12, 31)
NORMALIZED_RULES = [
    pytest.param(
        {"predicted_level1": "成本指标", "predicted_level2": "经济成本指标", "confidence": 0.91, "mismatch": True},
        "A101",
        True,
        id="A101-mismatch-with-confidence",
    ),
    pytest.param(
        {"predicted_level1": "产出指标", "predicted_level2": "数量指标", "confidence": 0.91, "mismatch": False},
        "A101",
        False,
        id="A101-not-agreeing",
    ),
    pytest.param(
        {
            "target": Target(
                "44561", TargetKind.DEADLINE, date=datetime.date(2021, 12, 31), flags=frozenset({"excel_serial"})
            )
        },
        "A124",
        True,
        id="A124-excel-serial",
    ),
    pytest.param(
        {"target": Target("2021年12月31日前", TargetKind.DEADLINE, date=DEC31)},
        "A124",
        False,
        id="A124-not-written-date",
    ),
]


@pytest.mark.parametrize(("fields", "code", "fires"), NORMALIZED_RULES)
def test_rule_on_normalized(fields: dict[str, Any], code: str, fires: bool) -> None:
    codes = {f.code for f in indicator_findings(_normalized(**fields))}
    assert (code in codes) is fires


def test_mismatch_message_carries_both_categories_and_the_confidence() -> None:
    n = _normalized(predicted_level1="成本指标", predicted_level2="经济成本指标", confidence=0.912, mismatch=True)
    (f,) = [f for f in indicator_findings(n) if f.code == "A101"]
    for lang in ("zh", "en"):
        text = f.text(lang)
        assert "产出指标/数量指标" in text and "成本指标/经济成本指标" in text and "0.91" in text


GOOD = [
    (OUT_NUM, "党组织特色活动", ">=30 场"),
    (SOC, "人才政策知晓率", "≥90%"),
    (COST, "人均培训成本", "≤1500元/人"),
    (SAT, "群众满意度", ">=95%"),
]


def _filing_codes(filing: Filing) -> list[str]:
    # the project's findings, and the row findings that need the whole filing (duplicates, cost above funds)
    return [f.code for f in audit(filing, model=False) if f.row is None or f.code in ("A206", "A209")]


FILING_RULES = [
    pytest.param(_filing(*GOOD), set(), id="complete-filing"),
    pytest.param(_filing(*[r for r in GOOD if r[0] != OUT_NUM]), {"A201"}, id="A201-no-产出"),
    pytest.param(_filing(*[r for r in GOOD if r[0] != SOC]), {"A202"}, id="A202-no-效益"),
    pytest.param(_filing(*[r for r in GOOD if r[0] != COST]), {"A203"}, id="A203-no-成本"),
    pytest.param(_filing(GOOD[0], GOOD[1]), {"A204", "A203"}, id="A204-two-rows"),
    pytest.param(_filing(), {"A205"}, id="A205-no-rows"),
    pytest.param(_filing(*GOOD, (SAT, "群众 满意度", "≥95%")), {"A206"}, id="A206-duplicate"),
    pytest.param(
        _filing(*GOOD, funds=Funds(total=Decimal(100), fiscal=Decimal(80), other=Decimal(10))),
        {"A207"},
        id="A207-parts-short",
    ),
    pytest.param(
        _filing(*GOOD, funds=Funds(total=Decimal("90000.00"), fiscal=Decimal(90000), carryover=Decimal(90000))),
        set(),
        id="A207-not-carryover-inside-fiscal",
    ),
    pytest.param(
        _filing(*GOOD, funds=Funds(total=Decimal(100), fiscal=Decimal(60), carryover=Decimal(30), other=Decimal(10))),
        set(),
        id="A207-not-carryover-beside-fiscal",
    ),
    pytest.param(
        _filing(*GOOD, funds=Funds(total=Decimal(100), fiscal=Decimal(100), annual=Decimal(200))),
        {"A208"},
        id="A208-annual-above-total",
    ),
    pytest.param(
        _filing(*GOOD, (COST, "项目总成本", "≤90万元"), funds=Funds(total=Decimal(500000), fiscal=Decimal(500000))),
        {"A209"},
        id="A209-cost-above-funds",
    ),
    pytest.param(
        _filing(*GOOD, (COST, "项目总成本", "≤90万元"), funds=Funds(total=Decimal(900000), fiscal=Decimal(900000))),
        set(),
        id="A209-not-cost-within-funds",
    ),
    pytest.param(_filing(*GOOD, warnings=("line 40: row with no category",)), {"A210"}, id="A210-reader-warning"),
    pytest.param(_filing(*GOOD, (LEGACY_COST, "项目总成本", "≤90万元")), {"A102"}, id="A102-88号-成本-under-产出"),
    pytest.param(
        _filing(*GOOD, (ENV, "污染物排放达标率", "≥95%"), (("效益指标", "环境效益指标"), "绿地率", "≥35%")),
        {"A102"},
        id="A102-环境效益",
    ),
]


@pytest.mark.parametrize(("filing", "expected"), FILING_RULES)
def test_filing_rule(filing: Filing, expected: set[str]) -> None:
    assert set(_filing_codes(filing)) - {"A200"} == expected


def test_legacy_layout_is_one_finding_per_label() -> None:
    legacy_rows = [(LEGACY_COST, "局级干部体检费", "≤1500元/人"), (LEGACY_COST, "项目总成本", "≤90万元")]
    findings = audit(_filing(*GOOD, *legacy_rows), model=False)
    (legacy,) = [f for f in findings if f.code == "A102"]
    english, chinese = legacy.text("en"), legacy.text("zh")
    assert legacy.row is None and "2 row(s)" in english and "rows 5, 6" in english and "第 5, 6 行" in chinese
    assert "产出指标 / 成本指标" in english and "成本指标/经济成本指标" in english


def test_missing_cost_is_an_error_for_a_purchase_project() -> None:
    rows = [r for r in GOOD if r[0] != COST]
    (plain,) = [f for f in audit(_filing(*rows), model=False) if f.code == "A203"]
    (bought,) = [f for f in audit(_filing(*rows, project="办公设备购置"), model=False) if f.code == "A203"]
    assert plain.severity is Severity.WARNING and bought.severity is Severity.ERROR


def test_duplicate_points_at_the_first_row() -> None:
    findings = audit(_filing(*GOOD, (SAT, "群众满意度", "≥95%")), model=False)
    (dup,) = [f for f in findings if f.code == "A206"]
    assert dup.row == 5 and "row 4" in dup.text("en") and "第 4 行" in dup.text("zh")


def test_findings_come_project_first_then_rows_in_order() -> None:
    findings = audit(_filing((OUT_NUM, "保障选调生专项招录", "规范"), (SOC, "增强党性修养", "提升")), model=False)
    rows = [f.row for f in findings]
    assert rows == sorted(rows, key=lambda r: (r is not None, r or 0))
    assert rows[0] is None and rows[-1] == 2


def test_every_rule_is_documented_and_tested() -> None:
    doc = audit_module.__doc__ or ""
    documented = set(re.findall(r"^([AFS]\d{3}) ", doc, re.M)) | set(re.findall(r"``(F\d{3})``", doc))
    assert documented == set(RULES)
    tested = {p.values[1] for p in ROW_RULES + NORMALIZED_RULES + SEED_FLAGS}
    tested |= {c for p in FILING_RULES for c in p.values[1]}  # type: ignore[attr-defined]
    tested.add("A200")  # test_model_unavailable_degrades_clearly
    assert {c for c in RULES if c.startswith("A")} <= tested


def test_model_unavailable_degrades_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ModelError("models/default.pkl", "cannot be loaded", hint="retrain it")

    monkeypatch.setattr(api_module, "default_model", broken)
    findings = audit(_filing((OUT_NUM, "局级干部体检费 1500 元/人", "规范")))
    codes = [f.code for f in findings]
    assert codes[0] == "A200" and "cannot be loaded" in findings[0].text("en")
    assert "A131" in codes  # the model-free rules still ran


def test_audit_normalized_rejects_rows_that_do_not_match() -> None:
    with pytest.raises(ValueError, match="1 normalized rows for 0 indicators"):
        audit_normalized(_filing(), [_normalized()])


# ---- the report ------------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//|file:)|url\(|@import|<script|<link|<img""", re.I)


def test_html_report_is_self_contained(seeds: list[tuple[Filing, list[Finding]]]) -> None:
    failure = Finding("F001", Severity.ERROR, "[E103] empty.txt: the file is empty — give a filing", source="empty.txt")
    page = render_html(seeds, failures=[failure], generated="2025-01-02T00:00:00")
    assert not EXTERNAL.search(page)
    assert "http" not in page
    assert page.count("<svg") == 1 and page.count("<rect") == len(
        by_code([f for _, fs in seeds for f in fs] + [failure])
    )
    for filing, _ in seeds:
        assert f">{filing.project}<" in page
    assert "局级干部体检费 1500 元/人" in page and "empty.txt" in page


def test_html_report_escapes_the_filed_text() -> None:
    filing = _filing((OUT_NUM, "<script>alert(1)</script>", "规范"), project="A & B")
    page = render_html([(filing, audit(filing, model=False))])
    assert "<script>" not in page and "&lt;script&gt;" in page and "A &amp; B" in page


def test_markdown_report(seeds: list[tuple[Filing, list[Finding]]]) -> None:
    text = render_markdown(seeds, generated="2025-01-02", lang="en")
    assert text.startswith("# indicatornlp audit")
    assert "| A203 | no 成本指标 | warning | 9 |" in text
    assert text.count("\n### ") == 9
    assert "| A203 | warning | no 成本指标 | no 成本指标 (Shanghai 2025: every project)" in text  # the legend
    chinese = render_markdown(seeds, generated="2025-01-02")
    assert chinese.startswith("# 绩效目标审核报告") and "| A203 | 缺少成本指标 | 警告 | 9 |" in chinese
    assert (
        "## 代码说明" in chinese
        and "| A203 | 警告 | 缺少成本指标 | 缺少成本指标（上海 2025 年起所有项目必填）" in chinese
    )


def test_markdown_report_escapes_the_filed_text() -> None:
    filing = _filing((OUT_NUM, "<b>x</b> | *y* [z](http://a)", "规范"), project="A_B")
    text = render_markdown([(filing, audit(filing, model=False))])
    assert "&lt;b&gt;x&lt;/b&gt; \\| \\*y\\* \\[z\\](http://a)" in text and "A\\_B" in text
    assert "<b>" not in text and "| *y*" not in text


def test_report_rows_show_the_position_and_the_target() -> None:
    filing = _filing((OUT_NUM, "党组织特色活动", "30"))
    page = render_html([(filing, audit(filing, model=False))], lang="en")
    assert '<td class="num">1</td><td>line 10</td><td>党组织特色活动</td><td class="target">30</td>' in page


# ---- the command ------------------------------------------------------------------------------------------


def test_cli_audit_prints_findings_and_writes_a_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indicatornlp.cli import cli

    seed = FILINGS / "songjiang-zuzhibu-2022.md"
    report = tmp_path / "audit.html"
    result = CliRunner().invoke(cli, ["audit", str(seed), "--no-model", "-o", str(report), "--lang", "en"])
    assert result.exit_code == 1, result.output  # the seeds hold error findings (--fail-on error, the default)
    assert result.stdout.count("\n== ") + result.stdout.startswith("== ") == 6
    found = r"^\s+4  A131  warning  局级干部体检费 1500 元/人 \[规范\] \(line 166\): a cost figure"
    assert re.search(found, result.stdout, re.M), result.stdout
    page = report.read_text("utf-8")
    assert "干部工作" in page and not EXTERNAL.search(page) and "Codes" in page

    md = tmp_path / "audit.md"
    result = CliRunner().invoke(cli, ["audit", str(seed), "--no-model", "-o", str(md), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "   4  A131  警告  局级干部体检费 1500 元/人 [规范]（第 166 行）：成本类指标填报在" in result.stdout
    assert md.read_text("utf-8").startswith("# 绩效目标审核报告")


def test_cli_audit_reports_a_bad_file_and_carries_on(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indicatornlp.cli import cli

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    seed = FILINGS / "songjiang-jiguan-2023.txt"
    result = CliRunner().invoke(cli, ["audit", str(empty), str(seed), "--no-model"])
    assert result.exit_code == 1
    assert f"[E103] {empty}" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.count("== ") == 3


def test_cli_audit_report_suffix_is_checked(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indicatornlp.cli import cli

    result = CliRunner().invoke(
        cli, ["audit", str(FILINGS / "songjiang-jiguan-2023.txt"), "-o", str(tmp_path / "a.pdf")]
    )
    assert result.exit_code == 2 and ".html or .md" in result.stderr


def test_the_model_adds_only_the_mismatch_check() -> None:
    """With the shipped model the findings are the model-free ones, less A200, plus any A101."""
    for filing in _fixture_filings():
        plain = {(f.code, f.row) for f in audit(filing, model=False)} - {("A200", None)}
        with_model = {(f.code, f.row) for f in audit(filing)}
        assert {x for x in with_model if x[0] != "A101"} == plain, filing.project
