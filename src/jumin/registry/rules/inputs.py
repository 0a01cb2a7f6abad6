"""Normalisation of 異動 input into clean values. Pure: no Django.

Every function takes the raw (JSON-like) value and the field path used in error messages, and
returns the normalised value or collects ``Issue`` objects in the given list. Nothing is ever
stored un-normalised: the services store only what these functions return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jumin.core.errors import Issue, RuleError, error
from jumin.identifiers import rules as idr
from jumin.text import names, wareki

from .relationship import validate_relationship

SEXES = {"1": "1", "2": "2", "男": "1", "女": "2", "male": "1", "female": "2"}
RESIDENT_TYPES = {"japanese", "foreign"}
FOREIGN_CATEGORIES = {
    "mid_long_term",
    "special_permanent",
    "temporary_refuge",
    "provisional_stay",
    "transitional_birth",
    "transitional_loss",
}


class Collector:
    """Collects issues from many fields so the clerk sees every problem at once."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def run(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RuleError as exc:
            self.issues.extend(exc.issues)
            return None

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def raise_if_any(self) -> None:
        if any(i.is_error for i in self.issues):
            raise RuleError([i for i in self.issues if i.is_error])


def type_error(field: str, message: str = "文字列で入力してください。") -> RuleError:
    """A JSON value of the wrong type (a number, list or object where text is expected): always
    this clean error, never a TypeError reaching the caller (the API answers 400, not 500)."""
    return RuleError([error("field.type", message, field)])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _string(value: Any, field: str, *, required: bool) -> str | None:
    """The common head of every text wrapper: None for a blank optional value, field.required for
    a blank required one, field.type for anything that is not a string."""
    if _blank(value):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return None
    if not isinstance(value, str):
        raise type_error(field)
    return value


def text(value: Any, field: str, *, required: bool = False, max_len: int = 200) -> str:
    """Free text (住所, 方書, 本籍, 備考 …): control and bidi characters rejected."""
    value = _string(value, field, required=required)
    return "" if value is None else names.validate_free_text(value, field=field, max_len=max_len)


def kanji_name(value: Any, field: str, *, required: bool = False, max_len: int = 30) -> str:
    value = _string(value, field, required=required)
    return "" if value is None else names.validate_kanji_name(value, field=field, max_len=max_len)


def kana_name(value: Any, field: str, *, required: bool = False, max_len: int = 60) -> str:
    value = _string(value, field, required=required)
    return "" if value is None else names.validate_kana_name(value, field=field, max_len=max_len)


def alphabet_name(value: Any, field: str, *, required: bool = False) -> str:
    value = _string(value, field, required=required)
    return "" if value is None else names.validate_alphabet_name(value, field=field, max_len=200)


def date_value(
    value: Any, field: str, *, required: bool = False, fuzzy: bool = False
) -> wareki.FuzzyDate | None:
    """A date in 和暦 or 西暦. 不詳日 only where 標準仕様書 j80 allows it (``fuzzy``)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = value.isoformat()
    if not _blank(value) and not isinstance(value, str):
        raise type_error(field, "日付を文字列で入力してください。")
    value = _string(value, field, required=required)
    if value is None:
        return None
    try:
        return wareki.parse_fuzzy_date(value, allow_fuzzy=fuzzy)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def exact_date(value: Any, field: str, *, required: bool = False) -> dt.date | None:
    fd = date_value(value, field, required=required, fuzzy=False)
    return None if fd is None else fd.sort_date


def _with_field(issue: Issue, field: str) -> Issue:
    return Issue(issue.code, issue.message, field, issue.severity, issue.params)


def sex(value: Any, field: str) -> str:
    """性別 (住基法第7条第3号): 男/女, or the 住基ネット code 1/2 (also as a JSON number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not _blank(value) and not isinstance(value, str):
        raise type_error(field)
    key = (value or "").strip().lower()
    if key not in SEXES:
        raise RuleError([error("sex.invalid", "性別は「男」または「女」を選択してください。", field)])
    return SEXES[key]


def relationship(value: Any, field: str) -> str:
    if _blank(value):
        raise RuleError([error("relationship.empty", "続柄を入力してください。", field)])
    if not isinstance(value, str):
        raise type_error(field)
    try:
        return validate_relationship(value)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def optional_identifier(fn, value: Any, field: str) -> str:
    """個人番号・住民票コード・在留カード等番号 …: text only (a JSON number would lose leading zeros)."""
    value = _string(value, field, required=False)
    if value is None:
        return ""
    try:
        return fn(value)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def municipality_code(value: Any, field: str) -> str:
    return optional_identifier(idr.validate_local_government_code, value, field)


TRUE_WORDS = {"1", "true", "yes", "on", "有", "該当"}
FALSE_WORDS = {"", "0", "false", "no", "off", "無", "非該当"}


def boolean(value: Any, field: str = "") -> bool:
    """A flag: JSON true/false, 0/1, or a word (有/無, 該当/非該当, true/false, on/off)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int):
        if value in (0, 1):
            return bool(value)
    elif isinstance(value, str):
        key = value.strip().lower()
        if key in TRUE_WORDS | FALSE_WORDS:
            return key in TRUE_WORDS
    raise type_error(field, "「有」または「無」（true または false）で入力してください。")


def choice(value: Any, field: str, allowed: set[str], *, required: bool = True) -> str:
    value = _string(value, field, required=required)
    if value is None:
        return ""
    if value not in allowed:
        raise RuleError([error("field.choice", "選択肢にない値です。", field)])
    return value


def _sequence_number(fn, value: Any, field: str, missing: str) -> str:
    if _blank(value):
        raise RuleError([error("field.required", missing, field)])
    if not isinstance(value, str):
        raise type_error(field)
    try:
        return fn(value)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def atena_number(value: Any, field: str) -> str:
    return _sequence_number(idr.validate_atena_number, value, field, "宛名番号を指定してください。")


def household_number(value: Any, field: str) -> str:
    return _sequence_number(idr.validate_household_number, value, field, "世帯番号を指定してください。")
