"""Audit a filing the way a reviewer does by hand: each finding has a stable code, a severity and its row.

The rules come from the reviewers' rule book (财预〔2021〕101号, 88号 填报说明, the Shanghai 2025 指引); their
word lists live in ``data/audit.toml``.  Codes are stable: tools and people can filter on them.

=====  ========  =====================================================================================
code   severity  what it flags
=====  ========  =====================================================================================
A101   warning   category mismatch: the filed 二级 differs from the model's prediction (with its confidence)
A102   info      legacy layout or label (成本指标 under 产出指标, 环境效益指标, 进度指标 …), once per label
A103   warning   the row has no valid 二级 category (missing, or a label of another frame)
A110   warning   vague target: a direction or an impression (提升, 强化, 明显, 显著, 有效) instead of a level
A111   warning   unquantified target where a number is expected (数量/成本/满意度 rows, names ending in 率 …)
A112   info      vague wording in the indicator name (进一步, 明显, 显著, 不断 …)
A120   warning   numeric target with no comparator (``12``, ``100%``)
A121   warning   numeric target with no unit (``=100``, ``≥90``, ``≥2``)
A122   error     placeholder left in the target (``≥**%``, ``XX``)
A123   error     no target value
A124   warning   an Excel serial number where a date was meant (``44561``)
A125   warning   a zero target for an economic cost
A126   warning   indicator name over 100 characters
A130   warning   a 满意度 indicator that is not a satisfaction measure (no 满意/认可 in its name)
A131   warning   a cost figure outside 成本指标 (a 费/经费/成本 item or a money target under 数量 …)
A132   warning   a budget-management measure used as a target (预算执行率, 资金到位率, 结余率, 科目调整次数)
A200   info      the model was unavailable: the category-mismatch check (A101) was skipped
A201   error     no 产出指标 in the project
A202   error     no 效益指标 in the project
A203   warning   no 成本指标 (Shanghai 2025: every project); an error for construction/purchase projects
A204   warning   fewer than 3 indicators
A205   error     no indicator rows at all
A206   warning   duplicate indicator: the same name twice in one filing
A207   error     funds that do not add up: 项目资金总额 ≠ 财政资金 (+ 上年结转) + 其他资金
A208   warning   年度资金申请总额 larger than 项目资金总额
A209   warning   a total-cost target larger than the project's funds
A210   info      a row the reader could not place (the reader's warning)
=====  ========  =====================================================================================

``F001``/``F002`` (a file that could not be read, an unexpected error) are reported by ``indicatornlp.batch``.

>>> from indicatornlp import Filing, Indicator, Position
>>> filing = Filing(Position("人才工作.txt"), project="人才工作", indicators=(
...     Indicator("人才宣讲活动", "≥20场", "产出指标", "数量指标"),
...     Indicator("人才政策知晓率", "≥90%", "效益指标", "社会效益指标"),
...     Indicator("高质量执行人才管理长效机制", "健全", "满意度指标", "服务对象满意度指标")))
>>> [(f.code, f.row) for f in audit(filing, model=False) if f.code != "A200"]
[('A203', None), ('A130', 2)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .records import Filing, Finding
from .rules import RULES, Rule, audit_normalized, indicator_findings

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["RULES", "Rule", "audit", "audit_normalized", "indicator_findings"]


def audit(filing: Filing, *, model: Model | Literal[False] | None = None) -> list[Finding]:
    """The findings of one filing: the rows' own (A1xx), then the project's (A2xx); see the module docstring.

    ``model``: a trained ``Model``; ``None`` loads the shipped default on first use; ``False`` runs the
    model-free rules only.  When the model cannot be loaded the other rules still run and an ``A200`` finding
    says why the mismatch check was skipped.
    """
    from .api import normalize_filing  # numpy and the model load on first use, not with the package

    normalized, model_note = normalize_filing(filing, model=model)
    return audit_normalized(filing, normalized, model_note=model_note)
