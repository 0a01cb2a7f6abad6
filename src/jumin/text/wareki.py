"""和暦 (Japanese era) dates: parsing, formatting, era boundaries and 不詳日. Pure Python.

Sources
-------
* 元号法 (昭和54年法律第43号): 元号は政令で定め、皇位の継承があった場合に限り改める.
* Era starts (the first day of each era; the day before is the last day of the previous era):

  ======  ==========  ==================================================================
  明治    1868-01-25  see "明治" below
  大正    1912-07-30  改元の詔書 (明治45年7月30日): 改元 on the day itself, so 明治 ends 7-29
  昭和    1926-12-25  改元の詔書 (大正15年12月25日): 改元 on the day itself, so 大正 ends 12-24
  平成    1989-01-08  元号を改める政令 (昭和64年政令第1号), 施行 平成元年1月8日
  令和    2019-05-01  元号を改める政令 (平成31年政令第143号), 施行 令和元年5月1日
  ======  ==========  ==================================================================

* 明治: the 改元の詔 of 明治元年9月8日 (1868-10-23) made the change retroactive to the first day of
  慶応4年 (「慶応四年ヲ改テ明治元年ト為ス」), i.e. 慶応4年1月1日 (旧暦) = 1868-01-25 (Gregorian).
  That is the start we record. But Japan used the 天保暦 (lunisolar) until 明治5年12月2日; the
  next day was 明治6年1月1日 = 1873-01-01 (明治5年太政官布告第337号, 改暦ノ布告). 和暦 dates in
  明治元年〜明治5年 are therefore lunisolar dates whose month/day do NOT equal the Gregorian
  month/day. **Decision:** exact (calendar) conversion is supported from 1873-01-01 on
  (``GREGORIAN_START``); 明治5年以前 and 西暦 dates before 1873 are rejected with
  ``date.before_gregorian_calendar``. Where 不詳日 are allowed (j80), a 明治元年〜5年 date is kept
  as written (kind ``NON_CALENDAR``) with a sort date taken numerically (明治N年 = 1867+N, same
  month/day), which is only an approximation. Year numbering is 明治N年 = 西暦1867+N throughout.
* 住民記録システム標準仕様書 j80 (年月日の管理): dates must be real calendar dates, except for
  生年月日, 住民となった年月日, 住所を定めた年月日, 外国人住民となった年月日 and the 異動日 of
  出生・死亡・失踪, which must also accept 暦にない日 (e.g. 2月29日 in a non-leap year,
  明治45年7月30日, 大正15年12月25日) and 不詳日 ("令和○年頃", "推定…", "年月日不詳", "…上旬",
  "…から…までの間") while keeping an internal date. j90/1.3.6: display in 和暦 or 西暦.

Accepted input (normalised with NFKC, so full-width digits/letters and ㍻/㋿ work; all spaces
are removed): "令和7年4月1日", "令和元年5月1日", "R7.4.1", "R07.04.01", "R7/4/1", "H31.4.30",
"平7.4.1" (one-kanji era), "昭和二十年三月十日" (十-style kanji numerals), "2025-04-01",
"2025/4/1", "2025.4.1", "20250401", "2025年4月1日", "西暦2025年4月1日".

Error codes (all ``Issue`` severity ERROR unless noted):

* ``date.empty``                     nothing entered
* ``date.format``                    not a recognisable date
* ``date.invalid``                   not a calendar date (2月30日, 13月, 令和0年)
* ``date.era_out_of_range``          outside the era (平成31年5月1日); params ``suggestion``
                                     (e.g. "令和元年5月1日") and ``suggested_date`` (ISO string)
* ``date.before_gregorian_calendar`` before 1873-01-01 (明治6年1月1日, 太陽暦採用)
* ``date.fuzzy_not_allowed``         不詳日 where j80 does not allow it
* ``date.range_order``               "AからBまでの間" with A after B
* ``date.non_calendar`` (ALERT)      from :func:`fuzzy_date_alerts`: a 暦にない日 was kept as written
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Literal

from jumin.core.errors import Issue, RuleError, alert, error

__all__ = [
    "ERAS",
    "Era",
    "FUZZY_DATE_FIELDS",
    "FuzzyDate",
    "FuzzyKind",
    "GREGORIAN_START",
    "era_of",
    "format_seireki",
    "format_wareki",
    "fuzzy_date_alerts",
    "normalize_date_text",
    "parse_fuzzy_date",
    "parse_wareki",
    "to_wareki",
]


# --------------------------------------------------------------------------------------------
# Eras
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Era:
    """One 元号. ``end`` is the last day (inclusive); ``None`` for the current era."""

    name: str  # 令和
    letter: str  # R
    start: date
    end: date | None

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    @property
    def last_year(self) -> int | None:
        """The highest era year that exists (平成 → 31), ``None`` for the current era."""
        return None if self.end is None else self.end.year - self.start.year + 1

    def gregorian_year(self, era_year: int) -> int:
        return self.start.year + era_year - 1


def _build_eras() -> tuple[Era, ...]:
    starts = [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]
    eras = []
    for i, (name, letter, start) in enumerate(starts):
        end = starts[i + 1][2] - timedelta(days=1) if i + 1 < len(starts) else None
        eras.append(Era(name, letter, start, end))
    return tuple(eras)


ERAS: tuple[Era, ...] = _build_eras()
"""Oldest first. Each era's ``end`` is the day before the next era's ``start``."""

GREGORIAN_START = date(1873, 1, 1)
"""明治6年1月1日: first day of the Gregorian calendar in Japan (明治5年太政官布告第337号)."""

_ERA_BY_TOKEN: dict[str, Era] = {}
for _e in ERAS:
    _ERA_BY_TOKEN[_e.name] = _e
    _ERA_BY_TOKEN[_e.name[0]] = _e  # 明, 大, 昭, 平, 令
    _ERA_BY_TOKEN[_e.letter] = _e
del _e

FUZZY_DATE_FIELDS: frozenset[str] = frozenset(
    {
        "birth_date",  # 生年月日
        "became_resident_on",  # 住民となった年月日
        "address_set_on",  # 住所を定めた年月日
        "became_foreign_resident_on",  # 外国人住民となった年月日
        "event_date_birth",  # 出生の異動日
        "event_date_death",  # 死亡・失踪の異動日
    }
)
"""Fields where 標準仕様書 j80 allows 暦にない日 and 不詳日. Everything else must be exact."""


def era_of(d: date) -> Era:
    """The era of a Gregorian date: the latest era whose start is on or before ``d``."""
    for era in reversed(ERAS):
        if era.start <= d:
            return era
    raise RuleError([_before_gregorian_issue(seireki=True)])


def to_wareki(d: date) -> tuple[Era, int]:
    """(era, era year) of a date, e.g. 2019-05-01 → (令和, 1)."""
    era = era_of(d)
    return era, d.year - era.start.year + 1


def _year_text(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def format_wareki(d: date, style: Literal["long", "short"] = "long") -> str:
    """Format a date in 和暦.

    ``long``: "令和7年4月1日" (year 1 is written 元年: "令和元年5月1日");
    ``short``: "R7.4.1" (year 1 is written 1: "R1.5.1"). Dates before 1873-01-01 have no
    Gregorian-equivalent 和暦 and raise ``RuleError`` (``date.before_gregorian_calendar``).
    """
    if d < GREGORIAN_START:
        raise RuleError([_before_gregorian_issue(seireki=True)])
    era, year = to_wareki(d)
    if style == "long":
        return f"{era.name}{_year_text(year)}年{d.month}月{d.day}日"
    if style == "short":
        return f"{era.letter}{year}.{d.month}.{d.day}"
    raise ValueError(f"unknown style: {style!r}")


def format_seireki(d: date) -> str:
    """Format a date in 西暦: "2025年4月1日"."""
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------------------------
# Normalisation and lexical parsing
# --------------------------------------------------------------------------------------------

_PLACEHOLDERS = str.maketrans({"〇": "○", "◯": "○", "●": "○", "◎": "○"})
_SPACES = re.compile(r"\s+")
_MULTI_PLACEHOLDER = re.compile(r"○+")


def normalize_date_text(text: str) -> str:
    """NFKC (full-width digits/letters → ASCII, ㍻ → 平成), no whitespace, one ○ placeholder.

    Unknown-digit marks 〇 ◯ ● ◎ become ○ and runs of them collapse ("○○月" → "○月");
    "ころ"/"ごろ" become "頃", "初旬" becomes "上旬". Era letters are upper-cased.
    """
    s = unicodedata.normalize("NFKC", text)
    s = _SPACES.sub("", s)
    s = s.translate(_PLACEHOLDERS)
    s = _MULTI_PLACEHOLDER.sub("○", s)
    s = s.replace("ごろ", "頃").replace("ころ", "頃").replace("初旬", "上旬")
    s = s.replace("〜", "~")
    return re.sub(r"[mtshr](?=\d|元)", lambda m: m.group(0).upper(), s)


_KANJI_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_KANJI_NUMBER = re.compile(r"^(?:([一二三四五六七八九])?十([一二三四五六七八九])?|([一二三四五六七八九]))$")


def _to_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    m = _KANJI_NUMBER.match(token)
    if not m:
        raise ValueError(token)
    if m.group(3):
        return _KANJI_DIGITS[m.group(3)]
    tens = _KANJI_DIGITS[m.group(1)] if m.group(1) else 1
    ones = _KANJI_DIGITS[m.group(2)] if m.group(2) else 0
    return tens * 10 + ones


_NUM = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令MTSHR])"

# Exact dates.
_ERA_KANJI_FULL = re.compile(rf"^{_ERA}(?P<y>元|{_NUM})年(?P<m>{_NUM})月(?P<d>{_NUM})日$")
_ERA_SEP_FULL = re.compile(
    rf"^{_ERA}(?P<y>元|\d{{1,3}})(?P<sep>[./-])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})$"
)
_SEIREKI_KANJI_FULL = re.compile(r"^(?:西暦)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
_SEIREKI_SEP_FULL = re.compile(r"^(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$")
_SEIREKI_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")

# Partial dates (不詳日): year [month [day | 旬]] [unknown tail].
_TAIL = r"(?P<tail>○月○日|○月|○日|月日不詳|日不詳)?"
_REST = rf"年(?:(?P<m>{_NUM})月(?:(?P<d>{_NUM})日|(?P<part>上旬|中旬|下旬))?)?{_TAIL}"
_ERA_PARTIAL = re.compile(rf"^{_ERA}(?P<y>元|{_NUM}){_REST}$")
_SEIREKI_PARTIAL = re.compile(rf"^(?:西暦)?(?P<y>\d{{4}}){_REST}$")
# Second endpoint of a range may leave out era/year ("令和7年4月1日から4月10日までの間").
_MONTH_ONLY_PARTIAL = re.compile(rf"^(?P<m>{_NUM})月(?:(?P<d>{_NUM})日|(?P<part>上旬|中旬|下旬))?$")
_DAY_ONLY_PARTIAL = re.compile(rf"^(?P<d>{_NUM})日$")
_RANGE = re.compile(r"^(?P<a>.+?)(?:から|~)(?P<b>.+?)(?:までの間|まで)?$")

_PART_DAYS = {"上旬": (1, 10, 5), "中旬": (11, 20, 15), "下旬": (21, 31, 25)}
_UNKNOWN_TEXTS = {"年月日不詳", "不詳"}
_VALID_TAILS = {
    "year": {"", "○月", "○月○日", "月日不詳"},
    "year_month": {"", "○日", "日不詳"},
    "day": {""},
}


@dataclass(frozen=True)
class _Parts:
    """A possibly partial date as written. ``era`` None means 西暦."""

    era: Era | None
    year: int
    month: int | None = None
    day: int | None = None
    part: str | None = None  # 上旬 / 中旬 / 下旬
    tail: str = ""  # unknown-part marker as written (月日不詳, ○月○日, 日不詳, ○日 …)

    @property
    def gregorian_year(self) -> int:
        return self.era.gregorian_year(self.year) if self.era else self.year

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.part is not None:
            return "part"
        if self.month is not None:
            return "year_month"
        return "year"

    def render(self) -> str:
        if self.era is None:
            s = f"{self.year}年"
        else:
            s = f"{self.era.name}{_year_text(self.year)}年"
        if self.month is not None:
            s += f"{self.month}月"
            if self.day is not None:
                s += f"{self.day}日"
            elif self.part is not None:
                s += self.part
        return s + self.tail

    def with_era_of(self, d: date) -> _Parts:
        """The same written precision, re-expressed in the era (or 西暦) that ``d`` falls in."""
        if self.era is None:
            return _Parts(None, d.year, self.month, self.day, self.part)
        era, year = to_wareki(d)
        return _Parts(era, year, self.month, self.day, self.part)


def _match_exact(s: str) -> _Parts | None:
    try:
        return _match_exact_unchecked(s)
    except ValueError:  # e.g. malformed kanji numerals "十十"
        return None


def _match_exact_unchecked(s: str) -> _Parts | None:
    for rx in (_ERA_KANJI_FULL, _ERA_SEP_FULL):
        m = rx.match(s)
        if m:
            era = _ERA_BY_TOKEN[m["era"]]
            year = 1 if m["y"] == "元" else _to_int(m["y"])
            return _Parts(era, year, _to_int(m["m"]), _to_int(m["d"]))
    for rx in (_SEIREKI_KANJI_FULL, _SEIREKI_SEP_FULL, _SEIREKI_COMPACT):
        m = rx.match(s)
        if m:
            return _Parts(None, int(m["y"]), int(m["m"]), int(m["d"]))
    return None


def _parts_from_partial_match(m: re.Match, era: Era | None) -> _Parts | None:
    year = 1 if m["y"] == "元" else _to_int(m["y"])
    month = _to_int(m["m"]) if m["m"] else None
    day = _to_int(m["d"]) if m["d"] else None
    part = m["part"]
    tail = m["tail"] or ""
    p = _Parts(era, year, month, day, part, tail)
    precision = "day" if (day is not None or part is not None) else p.precision
    if tail not in _VALID_TAILS[precision]:
        return None
    return p


def _match_partial(s: str) -> _Parts | None:
    exact = _match_exact(s)
    if exact:
        return exact
    try:
        m = _ERA_PARTIAL.match(s)
        if m:
            return _parts_from_partial_match(m, _ERA_BY_TOKEN[m["era"]])
        m = _SEIREKI_PARTIAL.match(s)
        if m:
            return _parts_from_partial_match(m, None)
    except ValueError:
        return None
    return None


# --------------------------------------------------------------------------------------------
# Issues
# --------------------------------------------------------------------------------------------

_FORMAT_HINT = "例：令和7年4月1日、R7.4.1、2025-04-01"


def _format_issue(text: str, field: str = "") -> Issue:
    return error(
        "date.format",
        f"日付の形式が正しくありません（入力：{text}）。{_FORMAT_HINT}",
        field,
        input=text,
    )


def _empty_issue(field: str = "") -> Issue:
    return error("date.empty", "日付を入力してください。", field)


def _invalid_issue(p: _Parts, field: str = "") -> Issue:
    return error("date.invalid", f"{p.render()}は存在しない日付です。", field, input=p.render())


def _before_gregorian_issue(*, seireki: bool, field: str = "") -> Issue:
    if seireki:
        msg = "1873年（明治6年）1月1日より前の日付は扱えません。"
    else:
        msg = (
            "明治5年以前の日付は旧暦（太陽暦採用前）のため、西暦の日付に換算できません。"
            "不詳日を入力できる項目では記載のとおり入力できます。"
        )
    return error("date.before_gregorian_calendar", msg, field)


def _era_out_of_range_issue(p: _Parts, lo: date, field: str = "") -> Issue:
    era = p.era
    assert era is not None
    suggestion = p.with_era_of(lo)
    if lo < era.start:
        first = format_wareki(era.start) if era.start >= GREGORIAN_START else f"{era.name}元年"
        span = f"{era.name}は{first}から"
    else:
        assert era.end is not None
        span = f"{era.name}は{format_wareki(era.end)}まで"
    sugg_text = suggestion.render()
    return error(
        "date.era_out_of_range",
        f"{p.render()}は{era.name}の期間外です（{span}）。{sugg_text}ではありませんか。",
        field,
        input=p.render(),
        suggestion=sugg_text,
        suggested_date=lo.isoformat(),
    )


def _fuzzy_not_allowed_issue(field: str = "") -> Issue:
    return error(
        "date.fuzzy_not_allowed",
        "この項目には不詳日（「令和○年頃」「年月日不詳」など）や暦にない日付は入力できません。"
        "実在する年月日を入力してください。",
        field,
    )


# --------------------------------------------------------------------------------------------
# Exact dates
# --------------------------------------------------------------------------------------------


def _exact_or_issue(p: _Parts) -> tuple[date | None, Issue | None]:
    """Resolve a day-precision date strictly. Returns (date, None) or (None, issue)."""
    assert p.day is not None and p.month is not None
    if p.year < 1:
        return None, _invalid_issue(p)
    if p.era is not None and p.era is ERAS[0] and p.gregorian_year < GREGORIAN_START.year:
        return None, _before_gregorian_issue(seireki=False)
    try:
        d = date(p.gregorian_year, p.month, p.day)
    except ValueError:
        return None, _invalid_issue(p)
    if p.era is None:
        if d < GREGORIAN_START:
            return None, _before_gregorian_issue(seireki=True)
        return d, None
    if not p.era.contains(d):
        return None, _era_out_of_range_issue(p, d)
    return d, None


def parse_wareki(text: str, *, field: str = "") -> date:
    """Parse an exact date written in 和暦 or 西暦 (see the module docstring for the forms).

    Raises ``RuleError`` with one issue: ``date.empty``, ``date.format``, ``date.invalid``,
    ``date.era_out_of_range`` (with ``suggestion``/``suggested_date`` params) or
    ``date.before_gregorian_calendar``.
    """
    s = normalize_date_text(text or "")
    if not s:
        raise RuleError([_empty_issue(field)])
    p = _match_exact(s)
    if p is None:
        raise RuleError([_format_issue(text.strip(), field)])
    d, issue = _exact_or_issue(p)
    if issue is not None:
        raise RuleError([_refield(issue, field)])
    assert d is not None
    return d


def _refield(issue: Issue, field: str) -> Issue:
    if not field or issue.field == field:
        return issue
    return Issue(issue.code, issue.message, field, issue.severity, issue.params)


# --------------------------------------------------------------------------------------------
# 不詳日 (標準仕様書 j80)
# --------------------------------------------------------------------------------------------


class FuzzyKind(str, Enum):
    """What a :class:`FuzzyDate` says about the day.

    ``approximate`` (推定… / …頃) is a separate flag on :class:`FuzzyDate` because it combines
    with every precision ("推定昭和20年", "昭和20年3月頃"); the kind ``APPROXIMATE`` is used for a
    presumed *day* ("推定昭和20年3月10日") so that ``EXACT`` always means a certain calendar day.
    """

    EXACT = "exact"  # 令和7年4月1日
    APPROXIMATE = "approximate"  # 推定令和7年4月1日 / 令和7年4月1日頃
    YEAR = "year"  # 令和7年 / 令和7年頃 / 令和7年月日不詳 / 令和7年○月○日
    YEAR_MONTH = "year_month"  # 令和7年4月 / 令和7年4月日不詳 / 令和7年4月○日
    PART_OF_MONTH = "part_of_month"  # 令和7年4月上旬 / 中旬 / 下旬
    RANGE = "range"  # 令和7年4月1日から令和7年4月10日までの間
    NON_CALENDAR = "non_calendar"  # 暦にない日: 平成11年2月29日, 明治45年7月30日, 大正15年12月25日
    UNKNOWN = "unknown"  # 年月日不詳


_KIND_CODES = {
    FuzzyKind.EXACT: "E",
    FuzzyKind.APPROXIMATE: "A",
    FuzzyKind.YEAR: "Y",
    FuzzyKind.YEAR_MONTH: "M",
    FuzzyKind.PART_OF_MONTH: "P",
    FuzzyKind.RANGE: "R",
    FuzzyKind.NON_CALENDAR: "N",
    FuzzyKind.UNKNOWN: "U",
}
_KINDS_BY_CODE = {v: k for k, v in _KIND_CODES.items()}


def _d8(d: date | None) -> str:
    return "" if d is None else d.strftime("%Y%m%d")


def _from_d8(s: str) -> date | None:
    if s == "":
        return None
    if len(s) != 8 or not s.isdigit():
        raise ValueError(f"bad stored date: {s!r}")
    return date(int(s[:4]), int(s[4:6]), int(s[6:]))


@dataclass(frozen=True)
class FuzzyDate:
    """A date as the 住民票 records it: possibly 不詳 or 暦にない日 (標準仕様書 j80).

    * ``text``: the display text, normalised and re-rendered from what was parsed, so that it is
      "as written" but canonical: half-width digits, era in kanji (R → 令和), 元年 for year 1,
      no leading zeros, "初旬" → "上旬", "ころ" → "頃", "○" for any unknown-digit mark, range as
      "AからBまでの間" with both ends written in full. An exact date entered in 西暦 stays 西暦
      ("2025年4月1日"), one entered in 和暦 becomes "令和7年4月1日".
    * ``sort_date``: the internal date used for ordering, age and matching. Exact (and
      approximate, and 暦にない日) dates: the day itself, where a 暦にない日 is mapped by numbers
      (明治45年7月30日 → 1912-07-30; 大正15年12月25日 → 1926-12-25) and an impossible day is
      clamped to the month's last day (平成11年2月29日 → 1999-02-28; 2月30日 → 2月28日/29日).
      Partial dates: a nominal point clamped into ``[earliest, latest]``: year → 7月1日,
      year-month → 15日, 上旬 → 5日, 中旬 → 15日, 下旬 → 25日, range → the midpoint of
      ``[earliest, latest]`` (rounded down). ``年月日不詳`` → ``None`` (nothing is known).
    * ``earliest`` / ``latest``: the interval the value stands for, clipped to the era
      (平成31年 → 2019-01-01 … 2019-04-30; 令和元年 → 2019-05-01 … 2019-12-31).
    * ``approximate``: 推定… or …頃 was written.
    """

    kind: FuzzyKind
    text: str
    sort_date: date | None
    earliest: date | None
    latest: date | None
    approximate: bool = False

    @property
    def is_exact(self) -> bool:
        """True only for a certain, real calendar day (kind ``EXACT``)."""
        return self.kind is FuzzyKind.EXACT

    @property
    def exact_date(self) -> date | None:
        """The day when it is exact, else ``None``."""
        return self.sort_date if self.is_exact else None

    @property
    def sort_key(self) -> tuple[int, date]:
        """Orders unknown dates after all known ones."""
        return (1, date.max) if self.sort_date is None else (0, self.sort_date)

    @classmethod
    def from_date(cls, d: date, *, seireki: bool = False) -> FuzzyDate:
        """An exact value for a real date (displayed in 和暦, or 西暦 when ``seireki``)."""
        text = format_seireki(d) if seireki else format_wareki(d)
        return cls(FuzzyKind.EXACT, text, d, d, d)

    def to_storage(self) -> str:
        """Compact, self-contained string form for one DB column.

        ``"{kind}[~]|{sort}|{earliest}|{latest}|{text}"`` with kind one of E A Y M P R N U, ``~``
        when approximate, dates as YYYYMMDD, ``earliest``/``latest`` left empty when they equal
        ``sort``. E.g. ``"E|20250401|||令和7年4月1日"``, ``"Y~|19450701|19450101|19451231|昭和20年頃"``,
        ``"U||||年月日不詳"``. Loading does not re-parse the text, so values stored under an
        older rule set always load.
        """
        code = _KIND_CODES[self.kind] + ("~" if self.approximate else "")
        lo = "" if self.earliest == self.sort_date else _d8(self.earliest)
        hi = "" if self.latest == self.sort_date else _d8(self.latest)
        return f"{code}|{_d8(self.sort_date)}|{lo}|{hi}|{self.text}"

    @classmethod
    def from_storage(cls, stored: str) -> FuzzyDate:
        """Inverse of :meth:`to_storage`. Raises ``ValueError`` on a malformed value."""
        fields = stored.split("|", 4)
        if len(fields) != 5:
            raise ValueError(f"bad stored FuzzyDate: {stored!r}")
        code, sort_s, lo_s, hi_s, text = fields
        approximate = code.endswith("~")
        kind = _KINDS_BY_CODE.get(code.rstrip("~"))
        if kind is None or not text or len(code.rstrip("~")) != 1:
            raise ValueError(f"bad stored FuzzyDate: {stored!r}")
        sort = _from_d8(sort_s)
        lo = _from_d8(lo_s) if lo_s else sort
        hi = _from_d8(hi_s) if hi_s else sort
        if (sort is None) != (kind is FuzzyKind.UNKNOWN) or (
            sort is not None and not (lo <= sort <= hi)  # type: ignore[operator]
        ):
            raise ValueError(f"inconsistent stored FuzzyDate: {stored!r}")
        return cls(kind, text, sort, lo, hi, approximate)


def _month_last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _interval(p: _Parts) -> tuple[date, date, date]:
    """(earliest, latest, nominal sort point) of a partial date, before era clipping."""
    gy = p.gregorian_year
    if p.month is None:
        return date(gy, 1, 1), date(gy, 12, 31), date(gy, 7, 1)
    last = _month_last_day(gy, p.month)
    if p.part is not None:
        first, final, nominal = _PART_DAYS[p.part]
        end = min(final, last)
        return date(gy, p.month, first), date(gy, p.month, end), date(gy, p.month, nominal)
    return date(gy, p.month, 1), date(gy, p.month, last), date(gy, p.month, 15)


def _resolve_partial(p: _Parts) -> tuple[date, date, date]:
    """Validate a year / year-month / 旬 value; return (earliest, latest, sort). Raises RuleError."""
    if p.year < 1 or (p.month is not None and not 1 <= p.month <= 12):
        raise RuleError([_invalid_issue(p)])
    if p.era is None and p.year < GREGORIAN_START.year:
        raise RuleError([_before_gregorian_issue(seireki=True)])
    lo, hi, nominal = _interval(p)
    if p.era is not None:
        lo_c = max(lo, p.era.start)
        hi_c = hi if p.era.end is None else min(hi, p.era.end)
        if lo_c > hi_c:
            raise RuleError([_era_out_of_range_issue(p, lo)])
        lo, hi = lo_c, hi_c
    return lo, hi, min(max(nominal, lo), hi)


def _non_calendar_ok(p: _Parts) -> bool:
    """Is a day-precision value that failed the strict check acceptable as a 暦にない日?

    Month 1–12 and day 1–31; a 和暦 year must exist in its era (1 ≤ year ≤ last year, so
    明治45年7月30日, 大正15年12月25日, 平成31年5月1日 and 明治3年5月1日 (旧暦) are kept, but
    平成32年1月1日 is an error); a 西暦 year must be 1873 or later.
    """
    assert p.month is not None and p.day is not None
    if not (1 <= p.month <= 12 and 1 <= p.day <= 31 and p.year >= 1):
        return False
    if p.era is None:
        return p.year >= GREGORIAN_START.year
    last = p.era.last_year
    return last is None or p.year <= last


def _non_calendar_sort_date(p: _Parts) -> date:
    assert p.month is not None and p.day is not None
    gy = p.gregorian_year
    return date(gy, p.month, min(p.day, _month_last_day(gy, p.month)))


def _split_modifiers(s: str) -> tuple[str, str, str]:
    prefix = "推定" if s.startswith("推定") else ""
    core = s[len(prefix):]
    suffix = "頃" if core.endswith("頃") else ""
    if suffix:
        core = core[: -len(suffix)]
    return prefix, core, suffix


def _parse_range_end(b: str, a: _Parts) -> _Parts | None:
    p = _match_partial(b)
    if p is not None:
        return p
    m = _MONTH_ONLY_PARTIAL.match(b)
    if m:
        return _Parts(
            a.era, a.year, _to_int(m["m"]), _to_int(m["d"]) if m["d"] else None, m["part"]
        )
    m = _DAY_ONLY_PARTIAL.match(b)
    if m and a.month is not None:
        return _Parts(a.era, a.year, a.month, _to_int(m["d"]))
    return None


def _resolve_endpoint(p: _Parts) -> tuple[date, date]:
    if p.tail:
        raise RuleError([_format_issue(p.render())])
    if p.day is not None:
        d, issue = _exact_or_issue(p)
        if issue is not None:
            raise RuleError([issue])
        assert d is not None
        return d, d
    lo, hi, _ = _resolve_partial(p)
    return lo, hi


def _parse_range(s: str, original: str) -> FuzzyDate | None:
    m = _RANGE.match(s)
    if not m:
        return None
    try:
        a = _match_partial(m["a"])
        b = _parse_range_end(m["b"], a) if a is not None else None
    except ValueError:
        return None
    if a is None or b is None:
        return None
    a_lo, _ = _resolve_endpoint(a)
    b_lo, b_hi = _resolve_endpoint(b)
    if b_lo < a_lo:
        raise RuleError(
            [error("date.range_order", "期間の始まりの日付が終わりの日付より後になっています。", input=original)]
        )
    mid = a_lo + (b_hi - a_lo) // 2
    text = f"{a.render()}から{b.render()}までの間"
    return FuzzyDate(FuzzyKind.RANGE, text, mid, a_lo, b_hi)


def parse_fuzzy_date(text: str, *, allow_fuzzy: bool, field: str = "") -> FuzzyDate:
    """Parse a date that may be a 不詳日 or a 暦にない日 (標準仕様書 j80).

    With ``allow_fuzzy=False`` (every field outside :data:`FUZZY_DATE_FIELDS`) only an exact
    calendar date is accepted: a 暦にない日 gets the precise strict error (``date.invalid``,
    ``date.era_out_of_range`` with its suggestion, ``date.before_gregorian_calendar``) and a
    recognised 不詳日 form gets ``date.fuzzy_not_allowed``.

    With ``allow_fuzzy=True`` the forms are: exact dates (all forms of :func:`parse_wareki`);
    "推定" prefix and/or "頃" suffix on any non-range value; "令和7年" / "令和7年月日不詳" /
    "令和7年○月○日"; "令和7年4月" / "令和7年4月日不詳" / "令和7年4月○日"; "令和7年4月上旬"
    (中旬, 下旬, 初旬 = 上旬); "AからBまでの間" (also "AからBまで", "A〜B"; B may leave out the
    era and year: "令和7年4月1日から4月10日までの間"); "年月日不詳" / "不詳"; and 暦にない日
    (see :func:`_non_calendar_ok`), which are kept as written. Partial and range values must lie
    within their era (平成31年5月 → ``date.era_out_of_range`` suggesting 令和元年5月).
    """
    try:
        return _parse_fuzzy(text, allow_fuzzy=allow_fuzzy)
    except RuleError as exc:
        if field:
            raise RuleError([_refield(i, field) for i in exc.issues]) from None
        raise


def _parse_fuzzy(text: str, *, allow_fuzzy: bool) -> FuzzyDate:
    s = normalize_date_text(text or "")
    if not s:
        raise RuleError([_empty_issue()])
    original = (text or "").strip()

    if s in _UNKNOWN_TEXTS:
        if not allow_fuzzy:
            raise RuleError([_fuzzy_not_allowed_issue()])
        return FuzzyDate(FuzzyKind.UNKNOWN, "年月日不詳", None, None, None)

    if "から" in s or "~" in s:
        if not allow_fuzzy and _RANGE.match(s):
            raise RuleError([_fuzzy_not_allowed_issue()])
        fd = _parse_range(s, original)
        if fd is None:
            raise RuleError([_format_issue(original)])
        return fd

    prefix, core, suffix = _split_modifiers(s)
    approximate = bool(prefix or suffix)
    p = _match_partial(core)
    if p is None:
        raise RuleError([_format_issue(original)])

    if p.day is not None:
        d, issue = _exact_or_issue(p)
        if issue is None:
            assert d is not None
            if not approximate:
                return FuzzyDate(FuzzyKind.EXACT, p.render(), d, d, d)
            if not allow_fuzzy:
                raise RuleError([_fuzzy_not_allowed_issue()])
            return FuzzyDate(FuzzyKind.APPROXIMATE, prefix + p.render() + suffix, d, d, d, True)
        assert issue is not None
        if not allow_fuzzy or not _non_calendar_ok(p):
            raise RuleError([issue])
        sd = _non_calendar_sort_date(p)
        shown = prefix + p.render() + suffix
        return FuzzyDate(FuzzyKind.NON_CALENDAR, shown, sd, sd, sd, approximate)

    if not allow_fuzzy:
        raise RuleError([_fuzzy_not_allowed_issue()])
    lo, hi, sort = _resolve_partial(p)
    kind = {
        "part": FuzzyKind.PART_OF_MONTH,
        "year_month": FuzzyKind.YEAR_MONTH,
        "year": FuzzyKind.YEAR,
    }[p.precision]
    return FuzzyDate(kind, prefix + p.render() + suffix, sort, lo, hi, approximate)


def fuzzy_date_alerts(fd: FuzzyDate, field: str = "") -> list[Issue]:
    """Alerts (j1440 アラート) for a value accepted under j80 that the clerk should confirm.

    A 暦にない日 gets ``date.non_calendar`` with, where the day exists under another era,
    ``suggestion`` / ``suggested_date`` (明治45年7月30日 → 大正元年7月30日). Other kinds: none.
    """
    if fd.kind is not FuzzyKind.NON_CALENDAR:
        return []
    assert fd.sort_date is not None
    core = _split_modifiers(fd.text)[1]
    p = _match_partial(core)
    params: dict = {}
    detail = ""
    if p is not None and p.month is not None and p.day is not None:
        try:
            real = date(p.gregorian_year, p.month, p.day)
        except ValueError:
            real = None
        if real is not None and real >= GREGORIAN_START and p.era is not None:
            suggestion = format_wareki(real)
            params = {"suggestion": suggestion, "suggested_date": real.isoformat()}
            detail = f"（{suggestion}に当たります）"
        elif real is not None and real < GREGORIAN_START:
            detail = "（旧暦の日付のため、並べ替え用の日付は概算です）"
    return [
        alert(
            "date.non_calendar",
            f"「{fd.text}」は暦にない日付です{detail}。記載のとおりでよいか確認してください。",
            field,
            **params,
        )
    ]
