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


def text(value: Any, field: str, *, required: bool = False, max_len: int = 200) -> str:
    """Free text (住所, 方書, 本籍, 備考 …): control and bidi characters rejected."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return ""
    if not isinstance(value, str):
        raise RuleError([error("field.type", "文字列で入力してください。", field)])
    return names.validate_free_text(value, field=field, max_len=max_len)


def kanji_name(value: Any, field: str, *, required: bool = False, max_len: int = 30) -> str:
    if value in (None, ""):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return ""
    return names.validate_kanji_name(value, field=field, max_len=max_len)


def kana_name(value: Any, field: str, *, required: bool = False, max_len: int = 60) -> str:
    if value in (None, ""):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return ""
    return names.validate_kana_name(value, field=field, max_len=max_len)


def alphabet_name(value: Any, field: str, *, required: bool = False) -> str:
    if value in (None, ""):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return ""
    return names.validate_alphabet_name(value, field=field, max_len=200)


def date_value(
    value: Any, field: str, *, required: bool = False, fuzzy: bool = False
) -> wareki.FuzzyDate | None:
    """A date in 和暦 or 西暦. 不詳日 only where 標準仕様書 j80 allows it (``fuzzy``)."""
    if value in (None, ""):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise RuleError([error("field.type", "日付を文字列で入力してください。", field)])
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
    key = str(value or "").strip().lower()
    if key not in SEXES:
        raise RuleError([error("sex.invalid", "性別は「男」または「女」を選択してください。", field)])
    return SEXES[key]


def relationship(value: Any, field: str) -> str:
    if value in (None, ""):
        raise RuleError([error("relationship.empty", "続柄を入力してください。", field)])
    try:
        return validate_relationship(value)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def optional_identifier(fn, value: Any, field: str) -> str:
    if value in (None, ""):
        return ""
    try:
        return fn(value)
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def municipality_code(value: Any, field: str) -> str:
    return optional_identifier(idr.validate_local_government_code, value, field)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "有", "該当"}


def choice(value: Any, field: str, allowed: set[str], *, required: bool = True) -> str:
    if value in (None, ""):
        if required:
            raise RuleError([error("field.required", "必須項目です。", field)])
        return ""
    if value not in allowed:
        raise RuleError([error("field.choice", "選択肢にない値です。", field)])
    return value


def atena_number(value: Any, field: str) -> str:
    if value in (None, ""):
        raise RuleError([error("field.required", "宛名番号を指定してください。", field)])
    try:
        return idr.validate_atena_number(str(value))
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None


def household_number(value: Any, field: str) -> str:
    if value in (None, ""):
        raise RuleError([error("field.required", "世帯番号を指定してください。", field)])
    try:
        return idr.validate_household_number(str(value))
    except RuleError as exc:
        raise RuleError([_with_field(i, field) for i in exc.issues]) from None
