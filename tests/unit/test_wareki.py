"""和暦 parsing/formatting, era boundaries and 不詳日 (標準仕様書 j80). Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jumin.core.errors import RuleError, Severity
from jumin.text.wareki import (
    ERAS,
    FUZZY_DATE_FIELDS,
    GREGORIAN_START,
    FuzzyDate,
    FuzzyKind,
    era_of,
    format_seireki,
    format_wareki,
    fuzzy_date_alerts,
    normalize_date_text,
    parse_fuzzy_date,
    parse_wareki,
    to_wareki,
)

D = date
LAST = date(2100, 12, 31)
dates = st.dates(min_value=GREGORIAN_START, max_value=LAST)


def issue_of(exc: pytest.ExceptionInfo[RuleError]):
    assert len(exc.value.issues) == 1
    return exc.value.issues[0]


# --- era table -----------------------------------------------------------------------------------


def test_era_table_boundaries():
    assert [(e.name, e.letter, e.start, e.end) for e in ERAS] == [
        ("明治", "M", D(1868, 1, 25), D(1912, 7, 29)),
        ("大正", "T", D(1912, 7, 30), D(1926, 12, 24)),
        ("昭和", "S", D(1926, 12, 25), D(1989, 1, 7)),
        ("平成", "H", D(1989, 1, 8), D(2019, 4, 30)),
        ("令和", "R", D(2019, 5, 1), None),
    ]
    assert [e.last_year for e in ERAS] == [45, 15, 64, 31, None]
    assert GREGORIAN_START == D(1873, 1, 1)


# --- parse_wareki: accepted forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("令和7年4月1日", D(2025, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("令和1年5月1日", D(2019, 5, 1)),
        ("R7.4.1", D(2025, 4, 1)),
        ("R07.04.01", D(2025, 4, 1)),
        ("r7.4.1", D(2025, 4, 1)),
        ("R7/4/1", D(2025, 4, 1)),
        ("R7-4-1", D(2025, 4, 1)),
        ("R元.5.1", D(2019, 5, 1)),
        ("Ｒ７．４．１", D(2025, 4, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        ("H1.1.8", D(1989, 1, 8)),
        ("S64.1.7", D(1989, 1, 7)),
        ("T1.7.30", D(1912, 7, 30)),
        ("M45.7.29", D(1912, 7, 29)),
        ("M6.1.1", D(1873, 1, 1)),
        ("平成３１年４月３０日", D(2019, 4, 30)),
        ("令和 7年 4月 1日", D(2025, 4, 1)),
        ("　令和７年　４月　１日　", D(2025, 4, 1)),
        ("平7.4.1", D(1995, 4, 1)),
        ("昭和二十年三月十日", D(1945, 3, 10)),
        ("平成三十一年四月三十日", D(2019, 4, 30)),
        ("㍻元年1月8日", D(1989, 1, 8)),
        ("㋿7年4月1日", D(2025, 4, 1)),
        ("明治6年1月1日", D(1873, 1, 1)),
        ("2025-04-01", D(2025, 4, 1)),
        ("2025/4/1", D(2025, 4, 1)),
        ("2025.4.1", D(2025, 4, 1)),
        ("20250401", D(2025, 4, 1)),
        ("2025年4月1日", D(2025, 4, 1)),
        ("西暦2025年4月1日", D(2025, 4, 1)),
        ("２０２５年４月１日", D(2025, 4, 1)),
        ("2024-02-29", D(2024, 2, 29)),
        ("1873-01-01", D(1873, 1, 1)),
    ],
)
def test_parse_wareki_accepts(text, expected):
    assert parse_wareki(text) == expected


# --- parse_wareki: era boundaries -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, suggestion, suggested_date, message",
    [
        (
            "平成31年5月1日",
            "令和元年5月1日",
            "2019-05-01",
            "平成31年5月1日は平成の期間外です（平成は平成31年4月30日まで）。令和元年5月1日ではありませんか。",
        ),
        (
            "昭和64年1月8日",
            "平成元年1月8日",
            "1989-01-08",
            "昭和64年1月8日は昭和の期間外です（昭和は昭和64年1月7日まで）。平成元年1月8日ではありませんか。",
        ),
        (
            "令和元年4月30日",
            "平成31年4月30日",
            "2019-04-30",
            "令和元年4月30日は令和の期間外です（令和は令和元年5月1日から）。平成31年4月30日ではありませんか。",
        ),
        (
            "平成元年1月7日",
            "昭和64年1月7日",
            "1989-01-07",
            "平成元年1月7日は平成の期間外です（平成は平成元年1月8日から）。昭和64年1月7日ではありませんか。",
        ),
        (
            "明治45年7月30日",
            "大正元年7月30日",
            "1912-07-30",
            "明治45年7月30日は明治の期間外です（明治は明治45年7月29日まで）。大正元年7月30日ではありませんか。",
        ),
        (
            "大正15年12月25日",
            "昭和元年12月25日",
            "1926-12-25",
            "大正15年12月25日は大正の期間外です（大正は大正15年12月24日まで）。昭和元年12月25日ではありませんか。",
        ),
        (
            "H31.5.1",
            "令和元年5月1日",
            "2019-05-01",
            "平成31年5月1日は平成の期間外です（平成は平成31年4月30日まで）。令和元年5月1日ではありませんか。",
        ),
        (
            "平成32年1月1日",
            "令和2年1月1日",
            "2020-01-01",
            "平成32年1月1日は平成の期間外です（平成は平成31年4月30日まで）。令和2年1月1日ではありませんか。",
        ),
    ],
)
def test_parse_wareki_era_out_of_range(text, suggestion, suggested_date, message):
    with pytest.raises(RuleError) as exc:
        parse_wareki(text, field="birth_date")
    issue = issue_of(exc)
    assert issue.code == "date.era_out_of_range"
    assert issue.message == message
    assert issue.field == "birth_date"
    assert issue.severity is Severity.ERROR
    assert issue.params["suggestion"] == suggestion
    assert issue.params["suggested_date"] == suggested_date
    # the suggestion itself is valid and means the same day
    assert parse_wareki(suggestion).isoformat() == suggested_date


@pytest.mark.parametrize(
    "text", ["平成31年4月30日", "令和元年5月1日", "昭和64年1月7日", "平成元年1月8日",
             "明治45年7月29日", "大正元年7月30日", "大正15年12月24日", "昭和元年12月25日"]
)
def test_last_and_first_day_of_each_era_are_valid(text):
    parse_wareki(text)


# --- parse_wareki: other errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code, message",
    [
        ("令和7年2月30日", "date.invalid", "令和7年2月30日は存在しない日付です。"),
        ("令和5年2月29日", "date.invalid", "令和5年2月29日は存在しない日付です。"),
        ("2025-02-29", "date.invalid", "2025年2月29日は存在しない日付です。"),
        ("R7.13.1", "date.invalid", "令和7年13月1日は存在しない日付です。"),
        ("令和0年1月1日", "date.invalid", "令和0年1月1日は存在しない日付です。"),
        ("2025-04-00", "date.invalid", "2025年4月0日は存在しない日付です。"),
        ("", "date.empty", "日付を入力してください。"),
        ("　 ", "date.empty", "日付を入力してください。"),
        ("abc", "date.format", "日付の形式が正しくありません（入力：abc）。例：令和7年4月1日、R7.4.1、2025-04-01"),
        ("令和7年4月", "date.format", "日付の形式が正しくありません（入力：令和7年4月）。例：令和7年4月1日、R7.4.1、2025-04-01"),
        ("令和十十年1月1日", "date.format",
         "日付の形式が正しくありません（入力：令和十十年1月1日）。例：令和7年4月1日、R7.4.1、2025-04-01"),
        ("2025/4-1", "date.format", "日付の形式が正しくありません（入力：2025/4-1）。例：令和7年4月1日、R7.4.1、2025-04-01"),
        ("1872-12-31", "date.before_gregorian_calendar", "1873年（明治6年）1月1日より前の日付は扱えません。"),
        ("明治5年12月2日", "date.before_gregorian_calendar",
         "明治5年以前の日付は旧暦（太陽暦採用前）のため、西暦の日付に換算できません。"
         "不詳日を入力できる項目では記載のとおり入力できます。"),
    ],
)
def test_parse_wareki_errors(text, code, message):
    with pytest.raises(RuleError) as exc:
        parse_wareki(text)
    issue = issue_of(exc)
    assert (issue.code, issue.message) == (code, message)


def test_normalize_date_text():
    assert normalize_date_text(" 令和 ７年　〇月◯日 ころ") == "令和7年○月○日頃"
    assert normalize_date_text("r7.4.1") == "R7.4.1"
    assert normalize_date_text("令和7年4月初旬") == "令和7年4月上旬"


# --- format ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, long, short",
    [
        (D(2025, 4, 1), "令和7年4月1日", "R7.4.1"),
        (D(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (D(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (D(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (D(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (D(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (D(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (D(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (D(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (D(1873, 1, 1), "明治6年1月1日", "M6.1.1"),
        (D(2100, 12, 31), "令和82年12月31日", "R82.12.31"),
    ],
)
def test_format_wareki(d, long, short):
    assert format_wareki(d) == long
    assert format_wareki(d, "long") == long
    assert format_wareki(d, style="short") == short


def test_format_wareki_rejects_pre_gregorian_and_bad_style():
    with pytest.raises(RuleError) as exc:
        format_wareki(D(1872, 12, 31))
    assert exc.value.codes == ["date.before_gregorian_calendar"]
    with pytest.raises(ValueError):
        format_wareki(D(2025, 4, 1), "medium")  # type: ignore[arg-type]


def test_format_seireki():
    assert format_seireki(D(2025, 4, 1)) == "2025年4月1日"
    assert format_seireki(D(1989, 1, 8)) == "1989年1月8日"


def test_to_wareki():
    assert to_wareki(D(2019, 5, 1)) == (ERAS[4], 1)
    assert to_wareki(D(2019, 4, 30)) == (ERAS[3], 31)


# --- properties ------------------------------------------------------------------------------------


@given(dates)
def test_round_trip_long(d):
    assert parse_wareki(format_wareki(d, "long")) == d


@given(dates)
def test_round_trip_short(d):
    assert parse_wareki(format_wareki(d, "short")) == d


@given(dates)
def test_era_is_latest_era_starting_on_or_before(d):
    expected = [e for e in ERAS if e.start <= d][-1]
    assert era_of(d) == expected
    assert format_wareki(d).startswith(expected.name)
    assert format_wareki(d, "short").startswith(expected.letter)


@given(dates)
def test_formatted_year_never_outside_its_era(d):
    era, year = to_wareki(d)
    assert era.contains(d)
    assert 1 <= year and (era.last_year is None or year <= era.last_year)
    assert ("元年" in format_wareki(d)) == (year == 1)


def test_round_trip_every_day_1873_to_2100():
    """Exhaustive version of the properties above (83,275 days, about a second)."""
    d = GREGORIAN_START
    one = timedelta(days=1)
    count = 0
    while d <= LAST:
        long, short = format_wareki(d), format_wareki(d, "short")
        assert parse_wareki(long) == d, long
        assert parse_wareki(short) == d, short
        assert parse_fuzzy_date(long, allow_fuzzy=False).sort_date == d
        d += one
        count += 1
    assert count == 83275
    for bad in ("平成31年5月1日", "昭和64年1月8日", "明治45年7月30日", "大正15年12月25日"):
        with pytest.raises(RuleError):
            parse_wareki(bad)


# --- 不詳日 ----------------------------------------------------------------------------------------


def test_fuzzy_fields():
    assert FUZZY_DATE_FIELDS == frozenset(
        {"birth_date", "became_resident_on", "address_set_on", "became_foreign_resident_on",
         "event_date_birth", "event_date_death"}
    )


K = FuzzyKind


@pytest.mark.parametrize(
    "text, kind, display, sort, earliest, latest, approximate",
    [
        ("令和7年4月1日", K.EXACT, "令和7年4月1日", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1), False),
        ("R7.4.1", K.EXACT, "令和7年4月1日", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1), False),
        ("2025-04-01", K.EXACT, "2025年4月1日", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1), False),
        ("年月日不詳", K.UNKNOWN, "年月日不詳", None, None, None, False),
        ("不詳", K.UNKNOWN, "年月日不詳", None, None, None, False),
        ("令和7年頃", K.YEAR, "令和7年頃", D(2025, 7, 1), D(2025, 1, 1), D(2025, 12, 31), True),
        ("令和７年ころ", K.YEAR, "令和7年頃", D(2025, 7, 1), D(2025, 1, 1), D(2025, 12, 31), True),
        ("昭和20年", K.YEAR, "昭和20年", D(1945, 7, 1), D(1945, 1, 1), D(1945, 12, 31), False),
        ("昭和20年月日不詳", K.YEAR, "昭和20年月日不詳", D(1945, 7, 1), D(1945, 1, 1), D(1945, 12, 31), False),
        ("昭和20年〇月〇日", K.YEAR, "昭和20年○月○日", D(1945, 7, 1), D(1945, 1, 1), D(1945, 12, 31), False),
        ("推定昭和20年", K.YEAR, "推定昭和20年", D(1945, 7, 1), D(1945, 1, 1), D(1945, 12, 31), True),
        ("1950年頃", K.YEAR, "1950年頃", D(1950, 7, 1), D(1950, 1, 1), D(1950, 12, 31), True),
        ("平成31年", K.YEAR, "平成31年", D(2019, 4, 30), D(2019, 1, 1), D(2019, 4, 30), False),
        ("令和元年", K.YEAR, "令和元年", D(2019, 7, 1), D(2019, 5, 1), D(2019, 12, 31), False),
        ("昭和64年", K.YEAR, "昭和64年", D(1989, 1, 7), D(1989, 1, 1), D(1989, 1, 7), False),
        ("昭和20年3月", K.YEAR_MONTH, "昭和20年3月", D(1945, 3, 15), D(1945, 3, 1), D(1945, 3, 31), False),
        ("昭和20年3月日不詳", K.YEAR_MONTH, "昭和20年3月日不詳", D(1945, 3, 15), D(1945, 3, 1), D(1945, 3, 31), False),
        ("昭和20年3月○日", K.YEAR_MONTH, "昭和20年3月○日", D(1945, 3, 15), D(1945, 3, 1), D(1945, 3, 31), False),
        ("昭和20年3月頃", K.YEAR_MONTH, "昭和20年3月頃", D(1945, 3, 15), D(1945, 3, 1), D(1945, 3, 31), True),
        ("平成31年4月", K.YEAR_MONTH, "平成31年4月", D(2019, 4, 15), D(2019, 4, 1), D(2019, 4, 30), False),
        ("昭和20年3月上旬", K.PART_OF_MONTH, "昭和20年3月上旬", D(1945, 3, 5), D(1945, 3, 1), D(1945, 3, 10), False),
        ("昭和20年3月初旬", K.PART_OF_MONTH, "昭和20年3月上旬", D(1945, 3, 5), D(1945, 3, 1), D(1945, 3, 10), False),
        ("昭和20年3月中旬", K.PART_OF_MONTH, "昭和20年3月中旬", D(1945, 3, 15), D(1945, 3, 11), D(1945, 3, 20), False),
        ("昭和20年2月下旬", K.PART_OF_MONTH, "昭和20年2月下旬", D(1945, 2, 25), D(1945, 2, 21), D(1945, 2, 28), False),
        ("令和元年5月上旬頃", K.PART_OF_MONTH, "令和元年5月上旬頃", D(2019, 5, 5), D(2019, 5, 1), D(2019, 5, 10), True),
        ("推定令和7年4月1日", K.APPROXIMATE, "推定令和7年4月1日", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1), True),
        ("R7.4.1頃", K.APPROXIMATE, "令和7年4月1日頃", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1), True),
        (
            "令和7年4月1日から令和7年4月10日までの間", K.RANGE, "令和7年4月1日から令和7年4月10日までの間",
            D(2025, 4, 5), D(2025, 4, 1), D(2025, 4, 10), False,
        ),
        (
            "令和7年4月1日から4月10日まで", K.RANGE, "令和7年4月1日から令和7年4月10日までの間",
            D(2025, 4, 5), D(2025, 4, 1), D(2025, 4, 10), False,
        ),
        (
            "令和7年4月1日〜10日", K.RANGE, "令和7年4月1日から令和7年4月10日までの間",
            D(2025, 4, 5), D(2025, 4, 1), D(2025, 4, 10), False,
        ),
        (
            "昭和63年から平成2年までの間", K.RANGE, "昭和63年から平成2年までの間",
            D(1989, 7, 1), D(1988, 1, 1), D(1990, 12, 31), False,
        ),
        ("明治45年7月30日", K.NON_CALENDAR, "明治45年7月30日", D(1912, 7, 30), D(1912, 7, 30), D(1912, 7, 30), False),
        ("大正15年12月25日", K.NON_CALENDAR, "大正15年12月25日", D(1926, 12, 25), D(1926, 12, 25), D(1926, 12, 25), False),
        ("平成11年2月29日", K.NON_CALENDAR, "平成11年2月29日", D(1999, 2, 28), D(1999, 2, 28), D(1999, 2, 28), False),
        ("2023年2月29日", K.NON_CALENDAR, "2023年2月29日", D(2023, 2, 28), D(2023, 2, 28), D(2023, 2, 28), False),
        ("昭和20年4月31日", K.NON_CALENDAR, "昭和20年4月31日", D(1945, 4, 30), D(1945, 4, 30), D(1945, 4, 30), False),
        ("平成31年5月1日", K.NON_CALENDAR, "平成31年5月1日", D(2019, 5, 1), D(2019, 5, 1), D(2019, 5, 1), False),
        ("明治3年5月1日", K.NON_CALENDAR, "明治3年5月1日", D(1870, 5, 1), D(1870, 5, 1), D(1870, 5, 1), False),
        ("推定明治45年7月30日", K.NON_CALENDAR, "推定明治45年7月30日", D(1912, 7, 30), D(1912, 7, 30), D(1912, 7, 30), True),
    ],
)
def test_parse_fuzzy_date(text, kind, display, sort, earliest, latest, approximate):
    fd = parse_fuzzy_date(text, allow_fuzzy=True)
    assert fd == FuzzyDate(kind, display, sort, earliest, latest, approximate)
    assert fd.is_exact == (kind is K.EXACT)
    assert fd.exact_date == (sort if kind is K.EXACT else None)
    # the display text parses back to the same value, and the storage form round-trips
    assert parse_fuzzy_date(fd.text, allow_fuzzy=True) == fd
    assert FuzzyDate.from_storage(fd.to_storage()) == fd


@pytest.mark.parametrize(
    "text, code",
    [
        ("令和7年頃", "date.fuzzy_not_allowed"),
        ("年月日不詳", "date.fuzzy_not_allowed"),
        ("昭和20年3月", "date.fuzzy_not_allowed"),
        ("昭和20年3月上旬", "date.fuzzy_not_allowed"),
        ("推定令和7年4月1日", "date.fuzzy_not_allowed"),
        ("令和7年4月1日から令和7年4月10日までの間", "date.fuzzy_not_allowed"),
        ("平成31年5月", "date.fuzzy_not_allowed"),
        # 暦にない日 outside the j80 fields get the precise strict error
        ("平成31年5月1日", "date.era_out_of_range"),
        ("明治45年7月30日", "date.era_out_of_range"),
        ("平成11年2月29日", "date.invalid"),
        ("明治3年5月1日", "date.before_gregorian_calendar"),
        ("xyz", "date.format"),
        ("", "date.empty"),
    ],
)
def test_parse_fuzzy_date_strict(text, code):
    with pytest.raises(RuleError) as exc:
        parse_fuzzy_date(text, allow_fuzzy=False, field="notified_on")
    issue = issue_of(exc)
    assert issue.code == code
    assert issue.field == "notified_on"


def test_fuzzy_not_allowed_message():
    with pytest.raises(RuleError) as exc:
        parse_fuzzy_date("令和7年頃", allow_fuzzy=False)
    assert issue_of(exc).message == (
        "この項目には不詳日（「令和○年頃」「年月日不詳」など）や暦にない日付は入力できません。"
        "実在する年月日を入力してください。"
    )


def test_strict_exact_through_fuzzy_parser():
    fd = parse_fuzzy_date("R7.4.1", allow_fuzzy=False)
    assert fd == FuzzyDate(K.EXACT, "令和7年4月1日", D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 1))


@pytest.mark.parametrize(
    "text, code, suggestion",
    [
        ("平成31年5月", "date.era_out_of_range", "令和元年5月"),
        ("令和元年4月", "date.era_out_of_range", "平成31年4月"),
        ("平成32年", "date.era_out_of_range", "令和2年"),
        ("平成31年5月上旬", "date.era_out_of_range", "令和元年5月上旬"),
        ("平成32年1月1日", "date.era_out_of_range", "令和2年1月1日"),  # year past the era: not kept
        ("令和7年13月", "date.invalid", None),
        ("令和7年4月32日", "date.invalid", None),
        ("1872年頃", "date.before_gregorian_calendar", None),
        ("令和7年4月10日から令和7年4月1日までの間", "date.range_order", None),
        ("令和7年○日", "date.format", None),
        ("令和7年4月1日日不詳", "date.format", None),
        ("から", "date.format", None),
    ],
)
def test_parse_fuzzy_date_errors(text, code, suggestion):
    with pytest.raises(RuleError) as exc:
        parse_fuzzy_date(text, allow_fuzzy=True)
    issue = issue_of(exc)
    assert issue.code == code
    assert issue.params.get("suggestion") == suggestion


def test_storage_form():
    assert parse_fuzzy_date("令和7年4月1日", allow_fuzzy=True).to_storage() == "E|20250401|||令和7年4月1日"
    assert parse_fuzzy_date("昭和20年頃", allow_fuzzy=True).to_storage() == "Y~|19450701|19450101|19451231|昭和20年頃"
    assert parse_fuzzy_date("年月日不詳", allow_fuzzy=True).to_storage() == "U||||年月日不詳"
    assert parse_fuzzy_date("明治45年7月30日", allow_fuzzy=True).to_storage() == "N|19120730|||明治45年7月30日"
    assert FuzzyDate.from_storage("E|20250401|||令和7年4月1日") == FuzzyDate.from_date(D(2025, 4, 1))
    assert FuzzyDate.from_date(D(2025, 4, 1), seireki=True).text == "2025年4月1日"


@pytest.mark.parametrize(
    "stored",
    ["", "E|20250401", "X|20250401|||x", "E|2025041|||x", "E|20250401|||", "U|20250101|||年月日不詳",
     "Y|20250701|20250801|20251231|令和7年", "EE|20250401|||x", "E||||x"],
)
def test_from_storage_rejects_malformed(stored):
    with pytest.raises(ValueError):
        FuzzyDate.from_storage(stored)


def test_sort_key_puts_unknown_last():
    values = [parse_fuzzy_date(t, allow_fuzzy=True) for t in ("年月日不詳", "令和7年頃", "昭和20年3月10日")]
    assert [v.text for v in sorted(values, key=lambda v: v.sort_key)] == [
        "昭和20年3月10日", "令和7年頃", "年月日不詳"
    ]


def test_fuzzy_date_alerts():
    fd = parse_fuzzy_date("明治45年7月30日", allow_fuzzy=True)
    [a] = fuzzy_date_alerts(fd, "birth_date")
    assert a.code == "date.non_calendar"
    assert a.severity is Severity.ALERT
    assert a.field == "birth_date"
    assert a.message == "「明治45年7月30日」は暦にない日付です（大正元年7月30日に当たります）。記載のとおりでよいか確認してください。"
    assert a.params == {"suggestion": "大正元年7月30日", "suggested_date": "1912-07-30"}
    [b] = fuzzy_date_alerts(parse_fuzzy_date("平成11年2月29日", allow_fuzzy=True))
    assert b.message == "「平成11年2月29日」は暦にない日付です。記載のとおりでよいか確認してください。"
    assert b.params == {}
    assert fuzzy_date_alerts(parse_fuzzy_date("令和7年頃", allow_fuzzy=True)) == []
    assert fuzzy_date_alerts(parse_fuzzy_date("令和7年4月1日", allow_fuzzy=True)) == []


# properties over 不詳日 ------------------------------------------------------------------------


@st.composite
def fuzzy_texts(draw):
    d = draw(dates)
    era, year = to_wareki(d)
    y = f"{era.name}{'元' if year == 1 else year}年"
    form = draw(st.sampled_from(["exact", "year", "ym", "part", "approx", "seireki", "range"]))
    if form == "exact":
        return format_wareki(d)
    if form == "year":
        return y + draw(st.sampled_from(["", "頃", "月日不詳"]))
    if form == "ym":
        return f"{y}{d.month}月" + draw(st.sampled_from(["", "頃", "日不詳", "○日"]))
    if form == "part":
        return f"{y}{d.month}月" + draw(st.sampled_from(["上旬", "中旬", "下旬"]))
    if form == "approx":
        return "推定" + format_wareki(d)
    if form == "seireki":
        return format_seireki(d)
    end = d + timedelta(days=draw(st.integers(0, 400)))
    if end > LAST:
        end = d
    return f"{format_wareki(d)}から{format_wareki(end)}までの間"


@given(fuzzy_texts())
def test_fuzzy_round_trips(text):
    fd = parse_fuzzy_date(text, allow_fuzzy=True)
    assert parse_fuzzy_date(fd.text, allow_fuzzy=True) == fd
    assert FuzzyDate.from_storage(fd.to_storage()) == fd
    assert fd.earliest <= fd.sort_date <= fd.latest
    assert len(fd.to_storage()) <= 80


@given(dates)
def test_fuzzy_year_interval_lies_in_its_era(d):
    era, year = to_wareki(d)
    fd = parse_fuzzy_date(f"{era.name}{year}年", allow_fuzzy=True)
    assert era.contains(fd.earliest) and era.contains(fd.latest)
    assert fd.earliest <= d <= fd.latest
