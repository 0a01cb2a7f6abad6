"""Request and response schemas of the JSON API, and the functions that turn the selectors'
objects into them.

A person is exposed with every 住民票 item (住基法第7条, 第30条の45) except the 個人番号, which is
never returned in clear: only ``has_my_number`` says whether one is recorded. The record schemas
are derived from the model fields (``PersonRecord``) so that a new 住民票 item appears in the API
and its document without a second list to maintain; ``SECRET_FIELDS`` is the deny-list."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from django.db import models
from ninja import Field, Schema
from pydantic import create_model

from jumin.registry.choices import TransactionKind, TransactionStatus
from jumin.registry.models import RECORD_FIELDS, Household, Person, PersonVersion, Transaction
from jumin.registry.selectors import PAGE_SIZE

SECRET_FIELDS = frozenset({"my_number_cipher", "my_number_digest"})
"""Never in an API response (個人番号 protection: 番号法第12条)."""

FOREIGN_KEYS = frozenset({"household", "area"})
RECORD_ITEMS: tuple[str, ...] = tuple(n for n in RECORD_FIELDS if n not in SECRET_FIELDS | FOREIGN_KEYS)


# ---------------------------------------------------------------- errors


class IssueOut(Schema):
    code: str = Field(title="コード", description="安定した識別子（例: household.conflict）")
    message: str = Field(title="メッセージ")
    field: str = Field(title="項目", description="問題のある入力項目（ドット区切りのパス）。全体にかかる場合は空")
    severity: str = Field(title="重大度", description="error（受理できない）または alert（確認のうえ受理できる）")


class ErrorOut(Schema):
    errors: list[IssueOut]
    requires_acknowledgement: bool = Field(
        False, title="アラートの確認が必要",
        description="true のとき errors はすべてアラート。コードを acknowledged_alerts に入れて再送すると受理されます")


# ---------------------------------------------------------------- records


def _annotation(f: models.Field) -> Any:
    if isinstance(f, models.BooleanField):
        t: Any = bool
    elif isinstance(f, models.DateTimeField):
        t = dt.datetime
    elif isinstance(f, models.DateField):
        t = dt.date
    elif isinstance(f, models.IntegerField):
        t = int
    elif isinstance(f, models.JSONField):
        return Any
    else:
        t = str
    return Optional[t] if f.null else t


def _record_fields() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in RECORD_ITEMS:
        f = Person._meta.get_field(name)
        description = "、".join(f"{value}: {label}" for value, label in f.choices) if f.choices else None
        out[name] = (_annotation(f), Field(..., title=str(f.verbose_name), description=description))
    return out


_IDENTITY = {
    "atena_number": (str, Field(title="宛名番号")),
    "history_no": (int, Field(title="履歴番号")),
    "household_number": (str, Field(title="世帯番号")),
    "area_code": (Optional[str], Field(None, title="町字コード")),
    "full_name": (str, Field(title="氏名", description="日本人住民は氏と名、外国人住民で漢字氏名がなければアルファベット氏名")),
    "full_name_kana": (str, Field(title="氏名（フリガナ）")),
    "has_my_number": (bool, Field(title="個人番号の登録", description="個人番号そのものはAPIでは返しません（登録あり/なしのみ）")),
}

PersonOut = create_model(
    "Person", __base__=Schema, __doc__="住民票（現在の記載事項）",
    pending=(bool, Field(title="決裁待ち", description="決裁待ち（仮登録）の異動があり、他の異動を入力できない")),
    **_IDENTITY, **_record_fields(),
)

PersonVersionOut = create_model(
    "PersonVersion", __base__=Schema, __doc__="住民票の履歴（ある時点の全記載事項。標準仕様書 j200）",
    reason=(str, Field(title="異動事由", description="、".join(f"{k}: {v}" for k, v in TransactionKind.choices))),
    reason_label=(str, Field(title="異動事由（表示）")),
    event_date=(Optional[dt.date], Field(None, title="異動日")),
    event_date_text=(str, Field("", title="異動日（不詳日表記）")),
    reported_on=(Optional[dt.date], Field(None, title="届出日")),
    recorded_at=(dt.datetime, Field(title="処理日時")),
    document_number=(str, Field(title="受付番号")),
    operator=(str, Field(title="入力者")),
    **_IDENTITY, **_record_fields(),
)


def _has_my_number(obj) -> bool:
    return bool(obj.my_number_cipher)


def _items(obj) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in RECORD_ITEMS}


def person_out(p: Person) -> dict:
    return {
        **_items(p),
        "atena_number": p.atena_number,
        "history_no": p.history_no,
        "household_number": p.household.number,
        "area_code": p.area.code if p.area_id else None,
        "full_name": p.full_name,
        "full_name_kana": p.full_name_kana,
        "has_my_number": _has_my_number(p),
        "pending": p.pending_transaction_id is not None,
    }


def versions_out(versions: Iterable[PersonVersion]) -> list[dict]:
    """Serialise versions as the selectors return them (household, area, transaction and operator
    fetched with each row)."""
    return [
        {
            **_items(v),
            "atena_number": v.atena_number,
            "history_no": v.history_no,
            "household_number": v.household.number,
            "area_code": v.area.code if v.area_id else None,
            "full_name": v.full_name,
            "full_name_kana": v.full_name_kana,
            "has_my_number": _has_my_number(v),
            "reason": v.reason,
            "reason_label": v.get_reason_display(),
            "event_date": v.event_date,
            "event_date_text": v.event_date_text,
            "reported_on": v.reported_on,
            "recorded_at": v.recorded_at,
            "document_number": v.transaction.document_number,
            "operator": v.operator.username,
        }
        for v in versions
    ]


class PersonSummaryOut(Schema):
    """検索結果の1行。"""

    atena_number: str = Field(title="宛名番号")
    status: str = Field(title="住民状態")
    resident_type: str = Field(title="住民種別")
    full_name: str = Field(title="氏名")
    full_name_kana: str = Field(title="氏名（フリガナ）")
    alphabet_name: str = Field(title="氏名（アルファベット）")
    alias: str = Field(title="通称")
    birth_date: Optional[dt.date] = Field(title="生年月日", description="年月日不詳のときは birth_date_text を参照")
    birth_date_text: str = Field(title="生年月日（不詳日表記）")
    sex: str = Field(title="性別")
    household_number: str = Field(title="世帯番号")
    relationship: str = Field(title="続柄")
    address: str = Field(title="住所")
    katagaki: str = Field(title="方書")
    pending: bool = Field(title="決裁待ち")


def summary_out(p: Person) -> dict:
    return {
        "atena_number": p.atena_number, "status": p.status, "resident_type": p.resident_type,
        "full_name": p.full_name, "full_name_kana": p.full_name_kana, "alphabet_name": p.alphabet_name,
        "alias": p.alias, "birth_date": p.birth_date, "birth_date_text": p.birth_date_text, "sex": p.sex,
        "household_number": p.household.number, "relationship": p.relationship, "address": p.address,
        "katagaki": p.katagaki, "pending": p.pending_transaction_id is not None,
    }


class SearchIn(Schema):
    """検索条件（標準仕様書 j340 基本検索）。1つ以上の条件が必要です。"""

    kana: str = Field("", max_length=120, title="氏名（フリガナ）", description="通称のフリガナも検索します")
    kana_mode: str = Field("seion", pattern="^(seion|exact)$", title="カナの照合", description="seion（清音化して照合）または exact")
    kana_match: str = Field("prefix", pattern="^(prefix|exact)$", title="一致方法", description="prefix（前方一致）または exact（完全一致）")
    kanji: str = Field("", max_length=120, title="氏名（漢字）", description="前方一致。通称・アルファベット氏名も対象")
    birth_date: str = Field("", max_length=40, title="生年月日", description="和暦または西暦")
    sex: str = Field("", max_length=6, title="性別", description="男・女・1・2")
    area_code: str = Field("", max_length=12, title="町字コード")
    address: str = Field("", max_length=200, title="住所（部分一致）")
    household_number: str = Field("", max_length=20, title="世帯番号")
    atena_number: str = Field("", max_length=20, title="宛名番号")
    juminhyo_code: str = Field("", max_length=20, title="住民票コード")
    include_removed: bool = Field(False, title="除票を含める")
    page: int = Field(1, ge=1, title="ページ")
    page_size: int = Field(PAGE_SIZE, ge=1, le=200, title="1ページの件数")


class SearchOut(Schema):
    count: int = Field(title="該当件数")
    page: int = Field(title="ページ")
    page_size: int = Field(title="1ページの件数")
    num_pages: int = Field(title="ページ数")
    results: list[PersonSummaryOut]


class HouseholdOut(Schema):
    """世帯と、その現在の世帯員（世帯内の並び順）。"""

    number: str = Field(title="世帯番号")
    version: int = Field(title="版", description="異動のたびに増える。expected_versions に渡すと同時更新を検出します")
    members: list[PersonOut]  # type: ignore[valid-type]


# ---------------------------------------------------------------- transactions


class TransactionIn(Schema):
    """異動届1件。data の形は異動事由（kind）ごとに異なります（oneOf を参照）。"""

    kind: str = Field(title="異動事由")
    data: dict[str, Any] = Field(title="届出の内容")
    hold: bool = Field(False, title="仮登録")
    acknowledged_alerts: list[str] = Field(default_factory=list, title="確認済みアラート")
    expected_versions: dict[str, int] = Field(default_factory=dict, title="世帯の版")


class DecisionIn(Schema):
    """仮登録の決裁（標準仕様書 j530）。"""

    approve: bool = Field(title="承認", description="true: 承認して本登録、false: 却下")
    note: str = Field("", max_length=1000, title="決裁メモ")


class HouseholdVersionOut(Schema):
    number: str = Field(title="世帯番号")
    version: int = Field(title="版")


class SubmitOut(Schema):
    """受理した異動（本登録、または仮登録）。"""

    document_number: str = Field(title="受付番号")
    kind: str = Field(title="異動事由")
    kind_label: str = Field(title="異動事由（表示）")
    status: str = Field(title="状態", description="、".join(f"{k}: {v}" for k, v in TransactionStatus.choices))
    held: bool = Field(title="仮登録", description="true: 決裁待ち。新たに記載する住民の宛名番号は承認時に付番されます")
    atena_numbers: list[str] = Field(title="異動者の宛名番号")
    households: list[HouseholdVersionOut] = Field(title="異動した世帯と新しい版")
    alerts: list[IssueOut] = Field(title="確認済みのアラート")


def submit_out(result) -> dict:
    tx = result.transaction
    versions = dict(Household.objects.filter(number__in=result.household_numbers).values_list("number", "version"))
    return {
        "document_number": tx.document_number, "kind": tx.kind, "kind_label": tx.get_kind_display(),
        "status": tx.status, "held": tx.status == TransactionStatus.PENDING,
        "atena_numbers": list(result.atena_numbers),
        "households": [{"number": n, "version": versions[n]} for n in result.household_numbers if n in versions],
        "alerts": [a.as_dict() for a in result.alerts],
    }


class CheckOut(Schema):
    ok: bool = Field(title="受理可能", description="エラーがない（アラートは確認が必要）")
    issues: list[IssueOut]


class TransactionSummaryOut(Schema):
    document_number: str = Field(title="受付番号")
    kind: str = Field(title="異動事由")
    kind_label: str = Field(title="異動事由（表示）")
    status: str = Field(title="状態")
    status_label: str = Field(title="状態（表示）")
    event_date: Optional[dt.date] = Field(None, title="異動日")
    event_date_text: str = Field("", title="異動日（不詳日表記）")
    notified_on: Optional[dt.date] = Field(None, title="届出日")
    processed_at: dt.datetime = Field(title="処理日時")
    late_notification: bool = Field(title="届出期間経過")
    operator: str = Field(title="入力者")
    approver: Optional[str] = Field(None, title="決裁者")
    decided_at: Optional[dt.datetime] = Field(None, title="決裁日時")
    decision_note: str = Field("", title="決裁メモ")
    acknowledged_alerts: list[str] = Field(title="確認済みアラート")
    subjects: list[str] = Field(title="異動者の宛名番号")
    channel: str = Field("", title="入力経路")


class TransactionOut(TransactionSummaryOut):
    cancels: Optional[str] = Field(None, title="取消対象の受付番号")
    input: dict[str, Any] = Field(title="入力内容", description="受理した入力（個人番号は「(保護)」と表示）")


def transaction_summary_out(tx: Transaction) -> dict:
    return {
        "document_number": tx.document_number, "kind": tx.kind, "kind_label": tx.get_kind_display(),
        "status": tx.status, "status_label": tx.get_status_display(), "event_date": tx.event_date,
        "event_date_text": tx.event_date_text, "notified_on": tx.notified_on, "processed_at": tx.processed_at,
        "late_notification": tx.late_notification, "operator": tx.operator.username,
        "approver": tx.approver.username if tx.approver_id else None, "decided_at": tx.decided_at,
        "decision_note": tx.decision_note, "acknowledged_alerts": list(tx.acknowledged_alerts),
        "subjects": list(tx.subjects), "channel": tx.channel,
    }


def transaction_out(tx: Transaction) -> dict:
    payload = tx.payload or {}
    # a 仮登録 keeps {"input": masked input, "protected": encrypted 個人番号}: never expose the latter
    data = payload.get("input", {}) if "protected" in payload or tx.status == TransactionStatus.PENDING else payload
    cancels = None
    if tx.cancels_id:
        cancels = Transaction.objects.filter(pk=tx.cancels_id).values_list("document_number", flat=True).first()
    return {**transaction_summary_out(tx), "cancels": cancels, "input": data}
