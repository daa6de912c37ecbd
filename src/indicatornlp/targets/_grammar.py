"""The grammar of target values: regular expressions built from the vocabulary (read once, on first use)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import cache

from ._vocabulary import Vocabulary, vocabulary

_CJK = r"\u4e00-\u9fff"
_TRAILING = "。;；,，、.:： "  # trailing punctuation carries nothing (normalize_text has folded the spaces)


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest words first (so that 大于等于 wins over 大于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_ARABIC = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# a Chinese numeral starts with a digit or 十 (a bare 万/百 is a multiplier, not a number)
_CHINESE = (
    r"[零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾]"
    r"[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_RANGE_SEP = r"-{1,2}|—{1,2}|–|~|〜|至|到"
_MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_YEAR_WORDS = r"年底|年末|年中|年内|年度内|全年|上半年|下半年"  # 年底 alone, or after a year
_YEAR_PART = _YEAR_WORDS + r"|底|末|内"  # after a year only: 2021年底, 2022年度内
# the groups of the numeric pattern in their order (_numbers._read_numeric unpacks them by position)
_NUMERIC_GROUPS = (
    *("cmp", "ocr", "lead", "pct", "n1", "mult", "more", "u1"),
    *("sep", "n2", "u2", "suffix", "remark", "rep"),
)
_CN_MONTHS = {**{ch: n for n, ch in enumerate("一二三四五六七八九十", 1)}, "十一": 11, "十二": 12}
# a year in Chinese digits (二〇二二年: ○ and 零 stand for 〇 too), a day of the month in Chinese (三十一日)
_CN_YEAR = r"[一二][〇○零九][〇○零一二三四五六七八九]{2}"
_DAY = r"[0-3]?\d|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"


@dataclasses.dataclass(frozen=True, slots=True)
class _Grammar:
    vocab: Vocabulary
    numeric: re.Pattern[str]
    per: re.Pattern[str]
    deadline: re.Pattern[str]
    date_piece: re.Pattern[str]
    placeholder: re.Pattern[str]
    unit_only: re.Pattern[str]
    words: re.Pattern[str]
    word: re.Pattern[str]
    leading_comparator: re.Pattern[str]
    vague: re.Pattern[str] | None
    marks: re.Pattern[str]
    embedded: re.Pattern[str]
    both: re.Pattern[str]
    unit_first: re.Pattern[str]
    zero: re.Pattern[str] | None
    relative: re.Pattern[str] | None
    relative_base: re.Pattern[str]
    nothing: frozenset[str]
    """Whole values that state nothing: the placeholders, and the answers (无) until a name says otherwise."""


_DATE_PIECE = rf"""
    (?:(?P<y7>(?:19|20)\d{{2}})年)?第?(?P<q>[一二三四1-4])季度(?P<qp>末|底)?   # 第三季度  2022年二季度末
  | (?P<y>(?:19|20)\d{{2}})[./-](?P<m>\d{{1,2}})(?:[./-](?P<d>\d{{1,2}})(?!\d))?  # 2020.1.1  2022-11-30  2022/11
                                                                         # (2024.03-2024.11: 20 is no day)
  | (?P<y2>(?:19|20)\d{{2}}|{_CN_YEAR})年度?                             # 2022年  2022年度  二〇二二年
    (?:(?P<m2>{_MONTH})月份?(?:(?P<d2>{_DAY})[日号]|(?P<mp2>底|末|初|上旬|中旬|下旬))?)?   # 11月30日  10月底
    (?P<yp2>{_YEAR_PART})?                                               # 2021年底  2021年全年  2022年度内
  | (?P<m3>{_MONTH})月份?(?:(?P<d3>{_DAY})[日号]|(?P<mp3>底|末|初|上旬|中旬|下旬))?        # 11月底  12月31日
  | (?P<m5>1[0-2]|0?[1-9])\.(?P<d5>[0-3]?\d)                            # 12.31 (only after a range sign)
  | (?P<yp6>{_YEAR_WORDS}|年度|当年|本年度?)                             # 年底  全年  上半年
"""


def _symbols(words: Iterable[str]) -> str:
    """The characters of the comparators written without Chinese (``>=`` ``≥`` ``±`` …)."""
    return "".join(sorted({ch for w in words if not re.search(f"[{_CJK}]", w) for ch in w}))


def _comparator_pattern(words: Iterable[str]) -> str:
    """Symbols as a character class, words behind a lookahead on their first character (a fast miss)."""
    named = [w for w in words if re.search(f"[{_CJK}]", w)]
    return rf"[{re.escape(_symbols(words))}]{{1,2}}|{_guarded(named)}"


def _first(*words: Iterable[str]) -> str:
    """A lookahead on the first characters of the words: a fast miss before an alternation that cannot match
    (no words: a lookahead that never matches)."""
    firsts = "".join(sorted({w[0] for group in words for w in group if w}))
    return f"(?=[{re.escape(firsts)}])" if firsts else "(?!)"


def _guarded(words: Iterable[str]) -> str:
    """The alternation of the words behind a lookahead on their first characters."""
    listed = list(words)
    return f"{_first(listed)}(?:{_alternation(listed)})"


def _without_names(pattern: str) -> str:
    return re.sub(r"\?P<\w+>", "?:", pattern)


@cache
def _grammar() -> _Grammar:
    v = vocabulary()
    cmp = _comparator_pattern(v.comparators)
    suffix = _alternation(v.suffixes)
    more = _alternation(v.more_than)
    ocr = _alternation(v.ocr_confusables)
    prefix_words = [form for form, unit in v.units.items() if unit.canonical is None]
    prefixes = _alternation(prefix_words)
    numeric = re.compile(
        rf"""
        (?:(?P<cmp>{cmp})|(?P<ocr>{ocr})(?=\d)|(?P<lead>{_guarded(v.number_leads)}))?  # a comparator, OCR damage
        \s*                                           # before a digit, or a word that states none (在90%以上)
        (?P<pct>百分之)?                              # 百分之九十五
        (?P<n1>{_ARABIC}|{_CHINESE}|(?<=百分之)百)      # the number, Arabic or Chinese
        \s*
        (?:{_first(prefix_words, v.more_than)}(?P<mult>{prefixes})?(?P<more>{more}))?  # 200余人  3万余人: and more
        (?P<u1>(?:[^\d\s()~]|(?<=/)\d+|(?<=[A-Za-z])\d)*?)  # its unit (人/10万人, m2), checked against units.toml
        (?:
            \s*(?P<sep>{_RANGE_SEP})\s*               # a range: 300-500人  3至5次  1万-2万元
            (?P<n2>{_ARABIC}|{_CHINESE})
            \s*
            (?P<u2>(?:[^\d\s()~]|(?<=/)\d+|(?<=[A-Za-z])\d)*?)  # the unit of the upper bound (and of both)
        )?
        \s*
        (?P<suffix>{suffix})?                         # 95%以上  200人左右  10%以内
        (?:\s*\((?P<remark>[^()]*)\))?                # a remark in brackets: 100%(1.0)
        (?P<rep>\s+(?P=n1))?                          # the number again, from a neighbouring cell
        """,
        re.VERBOSE,
    )
    per = re.compile(
        rf"""
        (?P<cmp0>{cmp})?                              # 不少于每月1次
        每(?P<den>[^\d\s]{{1,3}}?)                     # 每人  每月  每季度
        (?:每(?P<den2>[^\d\s]{{1,3}}?))?               # 每人每年
        (?P<cmp>{cmp})?\s*                            # 每季度至少1次
        (?P<n>{_ARABIC}|{_CHINESE})                    # 一  1
        (?P<unit>[^\d\s]{{1,4}})?                      # 册  次; none in 每亩450 (450 per 亩)
        """,
        re.VERBOSE,
    )
    piece = _without_names(_DATE_PIECE)
    leads = _alternation(v.deadline_leads)
    recurring = _alternation(v.recurring)
    dsuffix = _alternation(v.deadline_suffixes)
    deadline = re.compile(
        rf"""
        (?P<lead>{leads})?                            # 完成时间为  截至  于
        (?P<every>{recurring})?                       # 每年
        (?P<a>(?:{_MONTH})(?=\s*(?:{_RANGE_SEP})\s*\d)|{piece})   # a date; a bare month before a range sign
        (?:\s*(?P<sep>{_RANGE_SEP})\s*(?P<b>{piece}))? # the end of a period
        (?P<suffix>{dsuffix})?                        # 前  之前  内
        (?P<tail>.{{0,30}})                           # 执行完成  100%到位
        """,
        re.VERBOSE,
    )
    marks = "".join(re.escape(m) for m in v.placeholder_marks)
    placeholder = re.compile(
        rf"""
        (?P<cmp>{cmp})?\s*                            # ≥
        (?P<marks>[{marks}]+)\s*                      # **  XX  N
        (?P<unit>[^\d\s{marks}]*)                     # %  万元  户
        """,
        re.VERBOSE,
    )
    unit_only = re.compile(rf"(?P<cmp>{cmp})?\s*(?P<unit>[^\d\s]*)")
    content = [w for w in v.qualitative if w not in v.alone]
    alternation = _alternation([*content, *v.implied, *v.directions, *v.modifiers, *v.joiners])
    words = re.compile(rf"(?P<subject>[{_CJK}]{{0,6}}?)(?P<body>(?:{alternation})+)")
    word = re.compile(alternation)
    leading_comparator = re.compile(cmp)
    embedded = re.compile(
        rf"""
        (?:(?:19|20)\d{{2}}年度?)?                    # 2023年培训200人: the year the quantity is for
        (?P<pre>[{_CJK}]{{0,8}}?)                     # 补助资金及时到位  至少全年完成  优秀率
        (?P<cmp>{cmp})?\s*                            # ≥
        (?P<number>\d+(?:\.\d+)?)                      # the one number
        (?P<post>[^\d\s]{{0,8}})                        # its unit, then a few words: 次宣传
        """,
        re.VERBOSE,
    )
    both = re.compile(r"(?P<low>[^,且]+?)\s*(?:且|并且|,|、)\s*(?P<high>[^,且]+)")
    # the unit, then the comparator and the number, as joined cells of a form come out: "公里 = 12", "% ≥ 90"
    unit_first = re.compile(
        rf"""
        {_first(v.units)}                                  # a fast miss: no unit starts so (一次性通过)
        (?P<unit>[^\d\s{re.escape(_symbols(v.comparators))}]{{1,12}}?)  # 公里  %  万元  元/人
        \s*(?P<rest>(?:{cmp})?\s*(?:{_ARABIC}|{_CHINESE})(?:{prefixes})?)  # = 12  ≥ 90  不少于 300: no unit of its own
        """,
        re.VERBOSE,
    )
    zero = None
    if v.zero_events:
        events = _alternation(v.zero_events)
        zero = re.compile(
            rf"""
            (?:{_alternation(v.zero_leads)})?           # 确保零事故: the verb adds nothing
            (?:零(?P<after>[{_CJK}]{{0,4}}?(?:{events}))   # 零投诉  零安全事故
              |(?P<before>[{_CJK}]{{0,4}}?(?:{events}))零发生)   # 安全事故零发生
            """,
            re.VERBOSE,
        )
    relative, relative_base = None, re.compile("(?!)")  # no bases: nothing is relative
    if v.relative_bases:
        bases = _alternation([*v.relative_bases, *v.year_on_year])
        verbs = _alternation(v.directions)
        relative = re.compile(
            rf"""
            (?:(?P<cmp>{cmp})|(?P<pre>{verbs}))?      # 不低于上年  保持上年水平
            (?:{_alternation(v.relative_leads)})?     # 较上年  比去年  与上年同期
            (?P<base>{bases})                         # 上年  上年同期  同比
            (?:{_alternation(v.relative_frames)})?    # 基础上  水平  相比
            (?:
                (?:{_alternation(v.modifiers)})*      # 有所  基本
                (?P<verb>{verbs})                     # 提高  下降  持平
                (?P<amount>.{{1,30}})?                # 5%  2个百分点以上  不低于5%
            )?
            """,
            re.VERBOSE,
        )
        relative_base = re.compile(bases)  # a fast test that a value names a base at all
    vague = re.compile(_alternation(v.vague)) if v.vague else None
    return _Grammar(
        v, numeric, per, deadline, re.compile(_DATE_PIECE, re.VERBOSE), placeholder, unit_only, words, word,
        leading_comparator, vague, re.compile(f"[{marks}]"), embedded, both, unit_first, zero, relative,
        relative_base, v.placeholders | v.answers,
    )  # fmt: skip
