"""What each 異動 does to the register: pure planning, no Django.

``parse(kind, data, today)`` normalises the input of one 異動届 into a command; ``plan(cmd,
ctx)`` computes, from the current records in ``ctx``, the full new record of every person the
異動 touches, plus the errors and alerts. The services load ``ctx`` under row locks, call
``plan`` and write the result atomically; nothing here touches the database.

Record dicts use the names of ``PersonRecord`` fields; ``household`` holds the 世帯番号 (or a
placeholder ``"new:N"`` for a household the 異動 creates) and ``area`` the 町字コード.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from jumin.core.errors import Issue, RuleError, alert, error
from jumin.identifiers import rules as idr

from . import dates, inputs
from .household import HEAD, check_single_head, relationship_required, remaining_head_changes, two_heads

RESIDENT = "resident"
REMOVED = "removed"
JAPANESE = "japanese"
FOREIGN = "foreign"

# Fields a clerk may change with each correction kind (標準仕様書 j840–j860, 法第9条第2項).
NAME_FIELDS = {"family_name", "given_name", "family_name_kana", "given_name_kana"}
KOSEKI_FIELDS = NAME_FIELDS | {"honseki", "hittosha"}
INSURANCE_FIELDS = {
    "elector_registered", "nhi_insured", "nhi_acquired_on", "nhi_lost_on", "elderly_insured",
    "elderly_acquired_on", "elderly_lost_on", "care_insured", "care_acquired_on", "care_lost_on",
    "pension_number", "pension_kind", "pension_acquired_on", "pension_lost_on",
    "child_allowance_from", "child_allowance_to",
}
FOREIGN_FIELDS = {
    "alphabet_name", "nationality_code", "nationality_name", "foreign_category",
    "residence_status", "period_of_stay", "stay_expires_on", "residence_card_number",
    "residence_notified", "became_foreign_resident_on",
}
CORRECTABLE_FIELDS = (
    KOSEKI_FIELDS | INSURANCE_FIELDS | FOREIGN_FIELDS
    | {"birth_date", "sex", "relationship", "katagaki", "address_number", "postal_code",
       "became_resident_on", "address_set_on", "prev_address", "prev_address_katagaki",
       "prev_municipality_code", "remarks", "juminhyo_code", "my_number"}
)
MINOR_FIELDS = NAME_FIELDS | {"katagaki", "address_number", "honseki", "hittosha", "remarks", "postal_code"}
DATE_FIELDS = {
    "nhi_acquired_on", "nhi_lost_on", "elderly_acquired_on", "elderly_lost_on", "care_acquired_on",
    "care_lost_on", "pension_acquired_on", "pension_lost_on", "child_allowance_from",
    "child_allowance_to", "stay_expires_on",
}
FUZZY_DATE_FIELDS = {"birth_date": "birth_date_text", "became_resident_on": "became_resident_text",
                     "address_set_on": "address_set_text"}
BOOL_FIELDS = {"elector_registered", "nhi_insured", "elderly_insured", "care_insured", "residence_notified"}


@dataclass
class Context:
    """What the planner may know: current records of the persons and households concerned."""

    today: dt.date
    municipality: dict[str, str]  # code, name, prefecture
    blank: dict[str, Any]  # an empty record with every field's default
    persons: dict[str, dict] = field(default_factory=dict)  # 宛名番号 → current record (+ "pending")
    households: dict[str, list[str]] = field(default_factory=dict)  # 世帯番号 → current members
    areas: dict[str, dict] = field(default_factory=dict)  # 町字コード → {"name", "postal_code"}
    # for each new person (index): existing records matched by id (個人番号/住民票コード/在留カード)
    id_matches: dict[int, list[dict]] = field(default_factory=dict)
    # for each new person (index): 除票 matched by 3情報 (氏名・性別・生年月日)
    name_matches: dict[int, list[dict]] = field(default_factory=dict)
    # for each new person (index): current residents matched by 3情報 (possible 二重記載)
    resident_name_matches: dict[int, list[dict]] = field(default_factory=dict)
    # identity numbers the 異動 would record (claimed_numbers) → 宛名番号 of every person holding
    # them now, 除票 included (住民票コード・個人番号・在留カード等番号 are unique among persons)
    number_holders: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # 宛名番号 → 異動日 of the person's latest 履歴 (its 処理日 when it has none): 異動日の順序
    last_event_dates: dict[str, dt.date] = field(default_factory=dict)
    # 世帯番号 of the households a 仮登録 touches (標準仕様書 j530), except the one being decided
    pending_households: set[str] = field(default_factory=set)
    cancelled: dict | None = None  # for 異動の取消し: the target transaction and its versions
    # 宛名番号 of a 転出予定者 → what the 転出届 said: {"kind", "document_number", "new_head",
    # "relationships"}; used when the 転出 takes effect (転入通知 or 予定日 reached)
    move_out_plans: dict[str, dict] = field(default_factory=dict)


@dataclass
class Change:
    """One new version of one person's record. A plan may hold two changes for the same person
    (帰化: the 外国人住民票 is 消除 and a 日本人住民票 is 記載); each becomes its own version."""

    ref: str  # 宛名番号, or "new:N" for a person the 異動 records for the first time
    record: dict[str, Any]
    new: bool = False
    reuse_atena: str | None = None  # returning former resident: the 除票's 宛名番号 is reused
    reason: str | None = None  # 異動事由 of this version when it differs from the 異動's kind


@dataclass
class Plan:
    kind: str
    changes: list[Change] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    late_notification: bool = False
    notices: list[str] = field(default_factory=list)  # told to the clerk, nothing to acknowledge

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def alerts(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]


@dataclass
class Command:
    kind: str
    event: Any  # FuzzyDate or None
    notified_on: dt.date
    data: dict[str, Any]

    @property
    def event_date(self) -> dt.date | None:
        return None if self.event is None else self.event.sort_date

    @property
    def event_text(self) -> str:
        if self.event is None or self.event.is_exact:
            return ""
        return self.event.text


@dataclass(frozen=True)
class KindSpec:
    category: str  # entry / removal / correction (標準仕様書 j210)
    legal_basis: str
    notification: bool  # a 届出 (deadline applies) rather than 職権
    future_allowed: bool = False
    fuzzy_event: bool = False
    # 異動日の順序 (dates.check_event_order) for the persons already recorded that the 異動 changes:
    # "error", "alert" (消除 by 死亡・失踪・職権消除) or "none" (取消し carries the target's 異動日;
    # 転入通知 records the 転入日 at the destination, which may precede the 転出予定日)
    event_order: str = "error"


KINDS: dict[str, KindSpec] = {
    "move_in": KindSpec("entry", "住基法第22条", True),
    "move_in_from_abroad": KindSpec("entry", "住基法第22条", True),
    "move_within": KindSpec("correction", "住基法第23条", True),
    "move_out": KindSpec("removal", "住基法第24条", True, future_allowed=True),
    "move_out_abroad": KindSpec("removal", "住基法第24条", True, future_allowed=True),
    "move_out_confirm": KindSpec("removal", "住基法第9条第1項・令第13条第3項", False, event_order="none"),
    "birth": KindSpec("entry", "住基法第8条・令第12条（戸籍届出に基づく職権記載）", False, fuzzy_event=True),
    "death": KindSpec("removal", "住基法第8条・令第12条（戸籍届出に基づく職権消除）", False, fuzzy_event=True,
                      event_order="alert"),
    "disappearance": KindSpec("removal", "住基法第8条・令第12条（失踪宣告）", False, fuzzy_event=True, event_order="alert"),
    "household_split": KindSpec("correction", "住基法第25条", True),
    "household_merge": KindSpec("correction", "住基法第25条", True),
    "household_change": KindSpec("correction", "住基法第25条", True),
    "head_change": KindSpec("correction", "住基法第25条", True),
    "ex_officio_entry": KindSpec("entry", "住基法第8条・令第12条", False),
    "ex_officio_removal": KindSpec("removal", "住基法第8条・令第12条", False, event_order="alert"),
    "ex_officio_correction": KindSpec("correction", "住基法第8条・令第12条", False),
    "clerical_correction": KindSpec("correction", "令第12条第3項（誤記修正）", False),
    "minor_correction": KindSpec("correction", "規則第11条第3項第2号（軽微な修正）", False),
    "family_register_change": KindSpec("correction", "住基法第9条第2項（戸籍通知）", False),
    "former_surname_entry": KindSpec("correction", "令第30条の13", False),
    "former_surname_deletion": KindSpec("correction", "令第30条の14", False),
    "alias_entry": KindSpec("correction", "令第30条の16", False),
    "alias_deletion": KindSpec("correction", "令第30条の16", False),
    "naturalization": KindSpec("correction", "令第8条の2（帰化）", False),
    "nationality_acquisition": KindSpec("correction", "令第8条の2（国籍取得）", False),
    "nationality_loss": KindSpec("correction", "令第8条の2（国籍喪失）", False),
    "foreign_entry_30_46": KindSpec("entry", "住基法第30条の46", True),
    "foreign_notification_30_47": KindSpec("entry", "住基法第30条の47", True),
    "cancel_increase": KindSpec("entry", "令第12条第3項（異動の取消し）", False, event_order="none"),
    "cancel_decrease": KindSpec("removal", "令第12条第3項（異動の取消し）", False, event_order="none"),
    "cancel_correction": KindSpec("correction", "令第12条第3項（異動の取消し）", False, event_order="none"),
}
CANCEL_KINDS = {"cancel_increase", "cancel_decrease", "cancel_correction"}
MOVE_OUT_KINDS = {"move_out", "move_out_abroad"}


# ---------------------------------------------------------------- parsing


def parse(kind: str, data: dict[str, Any], today: dt.date) -> Command:
    """Normalise the input of one 異動届. Raises RuleError listing every field problem."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise RuleError([error("kind.unknown", "異動事由が正しくありません。", "kind")])
    if not isinstance(data, dict):
        raise RuleError([error("input.type", "入力の形式が正しくありません。", "")])
    spec = KINDS[kind]
    c = inputs.Collector()
    event = None
    if kind not in CANCEL_KINDS:
        event = c.run(inputs.date_value, data.get("event_date"), "event_date", required=True,
                      fuzzy=spec.fuzzy_event)
    notified = c.run(inputs.exact_date, data.get("notified_on"), "notified_on") or today
    parsed: dict[str, Any] = {"remarks": c.run(inputs.text, data.get("remarks"), "remarks", max_len=1000) or ""}
    PARSERS[kind](data, parsed, c)
    c.raise_if_any()
    return Command(kind=kind, event=event, notified_on=notified, data=parsed)


def _parse_address(data: Any, c: inputs.Collector, prefix: str) -> dict | None:
    if not isinstance(data, dict):
        c.add(error("field.required", "住所を入力してください。", prefix))
        return None
    return {
        "area_code": c.run(inputs.text, data.get("area_code"), f"{prefix}.area_code", required=True, max_len=12),
        "address_number": c.run(inputs.text, data.get("address_number"), f"{prefix}.address_number", required=True, max_len=60),
        "katagaki": c.run(inputs.text, data.get("katagaki"), f"{prefix}.katagaki", max_len=120) or "",
    }


def _parse_outside_address(data: Any, c: inputs.Collector, prefix: str, *, required: bool) -> dict:
    if not isinstance(data, dict):
        if required:
            c.add(error("field.required", "住所を入力してください。", prefix))
        return {"address": "", "katagaki": "", "municipality_code": "", "head_name": ""}
    return {
        "address": c.run(inputs.text, data.get("address"), f"{prefix}.address", required=required) or "",
        "katagaki": c.run(inputs.text, data.get("katagaki"), f"{prefix}.katagaki", max_len=120) or "",
        "municipality_code": c.run(inputs.municipality_code, data.get("municipality_code"), f"{prefix}.municipality_code") or "",
        "head_name": c.run(inputs.text, data.get("head_name"), f"{prefix}.head_name", max_len=100) or "",
    }


def _parse_person(p: Any, c: inputs.Collector, prefix: str, *, default_type: str | None = None,
                  category_required: bool = True) -> dict:
    """A person recorded for the first time (転入・出生・職権記載・第30条の46). ``category_required``
    False: the 第30条の45区分 may be omitted (a foreign child's 出生: 出生による経過滞在者)."""
    if not isinstance(p, dict):
        c.add(error("input.type", "世帯員の入力が正しくありません。", prefix))
        return {}
    rtype = p.get("resident_type") or default_type or JAPANESE
    if rtype not in (JAPANESE, FOREIGN):
        c.add(error("resident_type.invalid", "住民種別が正しくありません。", f"{prefix}.resident_type"))
        rtype = JAPANESE
    japanese = rtype == JAPANESE
    out: dict[str, Any] = {"resident_type": rtype}
    out["family_name"] = c.run(inputs.kanji_name, p.get("family_name"), f"{prefix}.family_name", required=japanese) or ""
    out["given_name"] = c.run(inputs.kanji_name, p.get("given_name"), f"{prefix}.given_name", required=japanese) or ""
    out["family_name_kana"] = c.run(inputs.kana_name, p.get("family_name_kana"), f"{prefix}.family_name_kana", required=japanese) or ""
    out["given_name_kana"] = c.run(inputs.kana_name, p.get("given_name_kana"), f"{prefix}.given_name_kana", required=japanese) or ""
    out["former_surname"] = c.run(inputs.kanji_name, p.get("former_surname"), f"{prefix}.former_surname") or ""
    out["former_surname_kana"] = c.run(inputs.kana_name, p.get("former_surname_kana"), f"{prefix}.former_surname_kana") or ""
    birth = c.run(inputs.date_value, p.get("birth_date"), f"{prefix}.birth_date", required=True, fuzzy=True)
    out["birth_date"] = birth.sort_date if birth else None
    out["birth_date_text"] = "" if birth is None or birth.is_exact else birth.text
    out["sex"] = c.run(inputs.sex, p.get("sex"), f"{prefix}.sex")
    out["relationship"] = c.run(inputs.relationship, p.get("relationship"), f"{prefix}.relationship")
    out["honseki"] = c.run(inputs.text, p.get("honseki"), f"{prefix}.honseki", required=japanese) or ""
    out["hittosha"] = c.run(inputs.kanji_name, p.get("hittosha"), f"{prefix}.hittosha", max_len=60) or ""
    out["juminhyo_code"] = c.run(inputs.optional_identifier, idr.validate_juminhyo_code, p.get("juminhyo_code"), f"{prefix}.juminhyo_code") or ""
    out["my_number"] = c.run(inputs.optional_identifier, idr.validate_my_number, p.get("my_number"), f"{prefix}.my_number") or ""
    out["returning_atena_number"] = ""
    if p.get("returning_atena_number"):
        out["returning_atena_number"] = c.run(inputs.atena_number, p.get("returning_atena_number"), f"{prefix}.returning_atena_number") or ""
    _parse_insurance(p, out, c, prefix)
    if not japanese:
        _parse_foreign(p, out, c, prefix, required=True, category_required=category_required)
    return out


def _parse_insurance(p: dict, out: dict, c: inputs.Collector, prefix: str) -> None:
    for name in INSURANCE_FIELDS:
        if name not in p:
            continue
        if name in BOOL_FIELDS:
            out[name] = c.run(inputs.boolean, p[name], f"{prefix}.{name}")
        elif name in DATE_FIELDS:
            out[name] = c.run(inputs.exact_date, p[name], f"{prefix}.{name}")
        else:
            out[name] = c.run(inputs.text, p[name], f"{prefix}.{name}", max_len=10) or ""


def _parse_foreign(p: dict, out: dict, c: inputs.Collector, prefix: str, *, required: bool,
                   category_required: bool = True) -> None:
    """外国人住民の記載事項 (住基法第30条の45)."""
    out["alphabet_name"] = c.run(inputs.alphabet_name, p.get("alphabet_name"), f"{prefix}.alphabet_name", required=required) or ""
    out["alias"] = c.run(inputs.kanji_name, p.get("alias"), f"{prefix}.alias") or ""
    out["alias_kana"] = c.run(inputs.kana_name, p.get("alias_kana"), f"{prefix}.alias_kana") or ""
    out["nationality_code"] = c.run(inputs.text, p.get("nationality_code"), f"{prefix}.nationality_code", required=required, max_len=3) or ""
    out["nationality_name"] = c.run(inputs.text, p.get("nationality_name"), f"{prefix}.nationality_name", required=required, max_len=60) or ""
    category = c.run(inputs.choice, p.get("foreign_category"), f"{prefix}.foreign_category", inputs.FOREIGN_CATEGORIES,
                     required=required and category_required) or ""
    out["foreign_category"] = category
    out["residence_status"] = c.run(inputs.text, p.get("residence_status"), f"{prefix}.residence_status", max_len=60) or ""
    out["period_of_stay"] = c.run(inputs.text, p.get("period_of_stay"), f"{prefix}.period_of_stay", max_len=40) or ""
    out["stay_expires_on"] = c.run(inputs.exact_date, p.get("stay_expires_on"), f"{prefix}.stay_expires_on")
    became = c.run(inputs.exact_date, p.get("became_foreign_resident_on"), f"{prefix}.became_foreign_resident_on")
    out["became_foreign_resident_on"] = became
    card = p.get("residence_card_number")
    if category == "special_permanent":
        out["residence_card_number"] = c.run(inputs.optional_identifier, idr.validate_special_permanent_resident_number, card, f"{prefix}.residence_card_number") or ""
    else:
        out["residence_card_number"] = c.run(inputs.optional_identifier, idr.validate_residence_card_number, card, f"{prefix}.residence_card_number") or ""
    if category == "mid_long_term" and required:
        for name in ("residence_status", "period_of_stay", "residence_card_number"):
            if not out.get(name):
                c.add(error("field.required", "中長期在留者は在留資格・在留期間・在留カード番号が必要です。", f"{prefix}.{name}"))
        if out.get("stay_expires_on") is None:
            c.add(error("field.required", "在留期間の満了の日を入力してください。", f"{prefix}.stay_expires_on"))
    if category == "special_permanent" and required and not out.get("residence_card_number"):
        c.add(error("field.required", "特別永住者証明書の番号を入力してください。", f"{prefix}.residence_card_number"))


def _parse_atena_list(data: dict, c: inputs.Collector, key: str = "persons") -> list[str]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        c.add(error("field.required", "異動者を1人以上指定してください。", key))
        return []
    out = []
    for i, value in enumerate(raw):
        atena = c.run(inputs.atena_number, value, f"{key}.{i}")
        if atena and atena not in out:
            out.append(atena)
    return out


def _parse_relationship_map(data: dict, c: inputs.Collector, key: str) -> dict[str, str]:
    """宛名番号 → 続柄 (標準仕様書 j730: each 続柄 relative to the 世帯主 of the household concerned)."""
    rels = data.get(key)
    if rels in (None, ""):
        return {}
    if not isinstance(rels, dict):
        c.add(error("field.type", "続柄の指定は「宛名番号: 続柄」の形式で入力してください。", key))
        return {}
    out: dict[str, str] = {}
    for atena, rel in rels.items():
        value = c.run(inputs.relationship, rel, f"{key}.{atena}")
        if value:
            out[str(atena)] = value
    return out


def _parse_head(data: dict, parsed: dict, c: inputs.Collector) -> None:
    """新しい世帯主 and the 続柄 of those who stay (世帯主不在, 標準仕様書 j490)."""
    parsed["new_head"] = c.run(inputs.atena_number, data["new_head"], "new_head") if data.get("new_head") else None
    parsed["relationships"] = _parse_relationship_map(data, c, "relationships")


def _p_entry(data, parsed, c, *, default_type: str | None = None, previous: str = "required") -> None:
    """Persons recorded at an address in the city: 転入, 職権記載, 第30条の46, 第30条の47.
    ``previous`` says whether the 従前の住所 is "required", "optional" or "none" (not a 転入)."""
    persons = data.get("persons")
    if not isinstance(persons, list) or not persons:
        c.add(error("field.required", "記載する住民を1人以上入力してください。", "persons"))
        persons = []
    parsed["persons"] = [_parse_person(p, c, f"persons.{i}", default_type=default_type) for i, p in enumerate(persons)]
    parsed["address"] = _parse_address(data.get("address"), c, "address")
    if previous == "none":
        parsed["previous_address"] = _parse_outside_address(None, c, "previous_address", required=False)
    else:
        parsed["previous_address"] = _parse_outside_address(
            data.get("previous_address"), c, "previous_address", required=previous == "required")
    parsed["household_number"] = c.run(inputs.household_number, data["household_number"], "household_number") if data.get("household_number") else None


def _p_move_in(data, parsed, c):
    _p_entry(data, parsed, c)


def _p_move_in_from_abroad(data, parsed, c):
    """国外からの転入 (住基法第22条): the 従前の住所 abroad may be unknown; the 転入前住所 is then
    recorded as 国外 (標準仕様書 j900)."""
    _p_entry(data, parsed, c, previous="optional")


def _p_foreign_only(parsed, c, article: str) -> None:
    for i, p in enumerate(parsed["persons"]):
        if p.get("resident_type") != FOREIGN:
            c.add(error("foreign.required", f"第{article}による届出は外国人住民のみです。", f"persons.{i}.resident_type"))


def _p_foreign_entry(data, parsed, c):
    """住基法第30条の46: a 中長期在留者等 entering from abroad; 転入前住所 may be blank (j910)."""
    _p_entry(data, parsed, c, default_type=FOREIGN, previous="optional")
    _p_foreign_only(parsed, c, "30条の46")


def _p_foreign_30_47(data, parsed, c):
    """住基法第30条の47: a foreigner already living in the city (not a 外国人住民 yet, e.g. 短期滞在)
    becomes a 中長期在留者等 — recorded like a 国外転入 (j920) but without a 従前の住所; the
    住所を定めた年月日 may be earlier than the 異動日."""
    _p_entry(data, parsed, c, default_type=FOREIGN, previous="none")
    _p_foreign_only(parsed, c, "30条の47")
    parsed["address_set_on"] = c.run(inputs.exact_date, data.get("address_set_on"), "address_set_on")


def _p_move_within(data, parsed, c):
    allowed = {"event_date", "notified_on", "remarks", "persons", "address", "household_number",
               "new_household", "new_head", "relationships", "acknowledged_alerts", "expected_versions",
               "hold", "kind"}
    extra = sorted(set(data) - allowed)
    if extra:
        c.add(error("move_within.only_address", "転居では住所と世帯以外の項目は変更できません（職権修正等で行ってください）。", extra[0]))
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["address"] = _parse_address(data.get("address"), c, "address")
    parsed["household_number"] = c.run(inputs.household_number, data["household_number"], "household_number") if data.get("household_number") else None
    _parse_head(data, parsed, c)


def _p_move_out(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["destination"] = _parse_outside_address(data.get("destination"), c, "destination", required=True)
    _parse_head(data, parsed, c)


def _p_move_out_confirm(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["confirmed_address"] = c.run(inputs.text, data.get("confirmed_address"), "confirmed_address", required=True) or ""
    parsed["notice_on"] = c.run(inputs.exact_date, data.get("notice_on"), "notice_on", required=True)
    _parse_head(data, parsed, c)


def _p_birth(data, parsed, c):
    child = data.get("child")
    # a foreign child's 第30条の45区分 defaults to 出生による経過滞在者 (住基法第30条の45の表, 入管法第22条の2)
    parsed["child"] = _parse_person(child, c, "child", category_required=False)
    parsed["household_number"] = c.run(inputs.household_number, data.get("household_number"), "household_number")


def _p_removal(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    _parse_head(data, parsed, c)


def _no_address_change(data: dict, c: inputs.Collector) -> None:
    """世帯変更届 cannot be combined with an address change (標準仕様書 j720: 実装しない)."""
    if data.get("address") or data.get("destination"):
        c.add(error("household_change.address_change",
                    "世帯の変更と住所の変更は同時にできません。先に転居を入力してください。", "address"))


def _parse_new_relationships(data: dict, parsed: dict, c: inputs.Collector) -> None:
    """新しい世帯での続柄: 宛名番号 → 続柄 (relative to the 世帯主 of the household joined)."""
    parsed["new_relationships"] = _parse_relationship_map(data, c, "new_relationships")


def _p_household_split(data, parsed, c):
    _no_address_change(data, c)
    parsed["persons"] = _parse_atena_list(data, c)
    _parse_new_relationships(data, parsed, c)
    _parse_head(data, parsed, c)


def _p_household_merge(data, parsed, c):
    _no_address_change(data, c)
    parsed["household_number"] = c.run(inputs.household_number, data.get("household_number"), "household_number")
    parsed["target_household_number"] = c.run(inputs.household_number, data.get("target_household_number"), "target_household_number")
    _parse_new_relationships(data, parsed, c)


def _p_household_change(data, parsed, c):
    _no_address_change(data, c)
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["target_household_number"] = c.run(inputs.household_number, data.get("target_household_number"), "target_household_number")
    _parse_new_relationships(data, parsed, c)
    _parse_head(data, parsed, c)


def _p_head_change(data, parsed, c):
    _no_address_change(data, c)
    parsed["household_number"] = c.run(inputs.household_number, data.get("household_number"), "household_number")
    _parse_head(data, parsed, c)
    if not parsed.get("new_head"):
        c.add(error("field.required", "新しい世帯主を指定してください。", "new_head"))


def _p_ex_officio_entry(data, parsed, c):
    """職権記載 (住所設定・未届転入): the 従前の住所 may be unknown."""
    _p_entry(data, parsed, c, previous="optional")
    parsed["unregistered_from"] = c.run(inputs.exact_date, data.get("unregistered_from"), "unregistered_from")


def _fuzzy(required: bool = False) -> Callable[[Any, str], Any]:
    return lambda value, f: inputs.date_value(value, f, required=required, fuzzy=True)


TEXT_CHANGE_FIELDS = {
    "honseki", "katagaki", "address_number", "postal_code", "prev_address", "prev_address_katagaki",
    "pension_number", "pension_kind", "nationality_code", "nationality_name", "residence_status", "period_of_stay",
}
CHANGE_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "family_name": partial(inputs.kanji_name, required=True),
    "given_name": partial(inputs.kanji_name, required=True),
    "family_name_kana": inputs.kana_name,
    "given_name_kana": inputs.kana_name,
    "hittosha": partial(inputs.kanji_name, max_len=60),
    "alphabet_name": partial(inputs.alphabet_name, required=True),
    "birth_date": _fuzzy(required=True),  # 不詳日 allowed (標準仕様書 j80)
    "became_resident_on": _fuzzy(),
    "address_set_on": _fuzzy(),
    "sex": inputs.sex,
    "relationship": inputs.relationship,
    "juminhyo_code": partial(inputs.optional_identifier, idr.validate_juminhyo_code),
    "my_number": partial(inputs.optional_identifier, idr.validate_my_number),
    "residence_card_number": partial(inputs.optional_identifier, idr.validate_residence_card_number),
    "prev_municipality_code": inputs.municipality_code,
    "foreign_category": partial(inputs.choice, allowed=inputs.FOREIGN_CATEGORIES),
    "remarks": partial(inputs.text, max_len=1000),
    **{name: inputs.exact_date for name in DATE_FIELDS | {"became_foreign_resident_on"}},
    **{name: inputs.boolean for name in BOOL_FIELDS},
    **{name: inputs.text for name in TEXT_CHANGE_FIELDS},
}
"""How each correctable item is normalised (標準仕様書 j840–j860: a correction stores the same
normalised values as a 記載)."""
assert set(CHANGE_PARSERS) == CORRECTABLE_FIELDS, sorted(set(CHANGE_PARSERS) ^ CORRECTABLE_FIELDS)


def _parse_changes(data: dict, parsed: dict, c: inputs.Collector, allowed: set[str]) -> None:
    """修正内容: item name → new value, only the items the kind may change (``allowed``)."""
    parsed["persons"] = _parse_atena_list(data, c)
    if len(parsed["persons"]) > 1:
        c.add(error("correction.one_person", "修正は1人ずつ行ってください。", "persons"))
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        c.add(error("field.required", "修正する項目を入力してください。", "changes"))
        parsed["changes"] = {}
        return
    out: dict[str, Any] = {}
    for name, value in changes.items():
        f = f"changes.{name}"
        if name not in allowed:
            c.add(error("correction.field_not_allowed", "この異動事由ではこの項目は修正できません。", f))
            continue
        result = c.run(CHANGE_PARSERS[name], value, f)
        if name in FUZZY_DATE_FIELDS:
            out[name] = result.sort_date if result else None
            out[FUZZY_DATE_FIELDS[name]] = "" if result is None or result.is_exact else result.text
        else:
            out[name] = result
    parsed["changes"] = out


def _corrections(allowed: set[str]) -> Callable:
    return lambda data, parsed, c: _parse_changes(data, parsed, c, allowed)


def _p_former_surname_entry(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["former_surname"] = c.run(inputs.kanji_name, data.get("former_surname"), "former_surname", required=True)
    parsed["former_surname_kana"] = c.run(inputs.kana_name, data.get("former_surname_kana"), "former_surname_kana", required=True)


def _p_alias_entry(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    parsed["alias"] = c.run(inputs.kanji_name, data.get("alias"), "alias", required=True)
    parsed["alias_kana"] = c.run(inputs.kana_name, data.get("alias_kana"), "alias_kana", required=True)


def _p_persons_only(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)


def _p_naturalization(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    p = data.get("japanese") if isinstance(data.get("japanese"), dict) else {}
    parsed["family_name"] = c.run(inputs.kanji_name, p.get("family_name"), "japanese.family_name", required=True)
    parsed["given_name"] = c.run(inputs.kanji_name, p.get("given_name"), "japanese.given_name", required=True)
    parsed["family_name_kana"] = c.run(inputs.kana_name, p.get("family_name_kana"), "japanese.family_name_kana", required=True)
    parsed["given_name_kana"] = c.run(inputs.kana_name, p.get("given_name_kana"), "japanese.given_name_kana", required=True)
    parsed["honseki"] = c.run(inputs.text, p.get("honseki"), "japanese.honseki", required=True)
    parsed["hittosha"] = c.run(inputs.kanji_name, p.get("hittosha"), "japanese.hittosha") or ""


def _p_nationality_loss(data, parsed, c):
    parsed["persons"] = _parse_atena_list(data, c)
    p = data.get("foreign") if isinstance(data.get("foreign"), dict) else {}
    foreign: dict[str, Any] = {}
    _parse_foreign(p, foreign, c, "foreign", required=True)
    parsed["foreign"] = foreign


def _p_cancel(data, parsed, c):
    """異動の取消し (令第12条第3項): the 受付番号 of the 異動 to cancel."""
    number = data.get("target_document_number")
    if number is not None and not isinstance(number, str):
        c.add(error("field.type", "受付番号を文字列で入力してください（例: 2025-00000123）。", "target_document_number"))
        number = None
    elif not (number or "").strip():
        c.add(error("field.required", "取り消す異動の受付番号を入力してください。", "target_document_number"))
    number = (number or "").strip()
    if len(number) > 20:
        c.add(error("field.too_long", "受付番号が長すぎます。", "target_document_number"))
    parsed["target_document_number"] = number


PARSERS: dict[str, Callable] = {
    "move_in": _p_move_in,
    "move_in_from_abroad": _p_move_in_from_abroad,
    "move_within": _p_move_within,
    "move_out": _p_move_out,
    "move_out_abroad": _p_move_out,
    "move_out_confirm": _p_move_out_confirm,
    "birth": _p_birth,
    "death": _p_removal,
    "disappearance": _p_removal,
    "household_split": _p_household_split,
    "household_merge": _p_household_merge,
    "household_change": _p_household_change,
    "head_change": _p_head_change,
    "ex_officio_entry": _p_ex_officio_entry,
    "ex_officio_removal": _p_removal,
    "ex_officio_correction": _corrections(CORRECTABLE_FIELDS),
    "clerical_correction": _corrections(CORRECTABLE_FIELDS),
    "minor_correction": _corrections(MINOR_FIELDS),
    "family_register_change": _corrections(KOSEKI_FIELDS),
    "former_surname_entry": _p_former_surname_entry,
    "former_surname_deletion": _p_persons_only,
    "alias_entry": _p_alias_entry,
    "alias_deletion": _p_persons_only,
    "naturalization": _p_naturalization,
    "nationality_acquisition": _p_naturalization,
    "nationality_loss": _p_nationality_loss,
    "foreign_entry_30_46": _p_foreign_entry,
    "foreign_notification_30_47": _p_foreign_30_47,
    "cancel_increase": _p_cancel,
    "cancel_decrease": _p_cancel,
    "cancel_correction": _p_cancel,
}


def new_persons(cmd: Command) -> list[dict]:
    """The persons a 記載 records for the first time (転入・職権記載・第30条の46/47・出生)."""
    d = cmd.data
    if isinstance(d.get("child"), dict):
        return [d["child"]]
    persons = d.get("persons")
    if isinstance(persons, list):
        return [p for p in persons if isinstance(p, dict)]
    return []


IDENTITY_FIELDS: dict[str, tuple[str, str]] = {
    "juminhyo_code": ("identity.duplicate_juminhyo_code", "住民票コード"),
    "my_number": ("identity.duplicate_my_number", "個人番号"),
    "residence_card_number": ("identity.duplicate_residence_card", "在留カード等番号"),
}
"""住民票コード (住基法第30条の2), 個人番号 (番号法第7条) and 在留カード等番号 each identify one person:
two persons on the register never share one (二重記載の防止, 標準仕様書 j600)."""


def duplicate_identity(name: str, field: str) -> Issue:
    """The number ``name`` is already held by another person, or entered twice in one 異動.
    The message never repeats the number (a 個人番号 is not shown, 番号法第12条)."""
    code, label = IDENTITY_FIELDS[name]
    return error(code, f"{label}が他の人と重複しています（{label}は1人に1つです）。番号を確認してください。", field)


@dataclass(frozen=True)
class Claim:
    """An identity number the 異動 would record: for a person already recorded (``atena``) or for
    the ``index``-th person recorded for the first time."""

    name: str  # juminhyo_code / my_number / residence_card_number
    value: str
    field: str
    atena: str | None = None
    index: int | None = None


def claimed_numbers(cmd: Command) -> list[Claim]:
    """Every 住民票コード, 個人番号 and 在留カード等番号 the 異動 would record, with the field it was
    entered in: those of the persons recorded for the first time, a correction's new numbers
    (職権修正・誤記修正) and the 在留カード等番号 of a 国籍喪失."""
    d = cmd.data
    out: list[Claim] = []
    prefix = "child" if isinstance(d.get("child"), dict) else "persons"
    for i, person in enumerate(new_persons(cmd)):
        field_prefix = prefix if prefix == "child" else f"persons.{i}"
        out += [Claim(name, person[name], f"{field_prefix}.{name}", index=i)
                for name in IDENTITY_FIELDS if person.get(name)]
    persons = d.get("persons") if isinstance(d.get("persons"), list) else []
    atenas = [a for a in persons if isinstance(a, str)]
    numbers = dict(d.get("changes") or {})
    prefix = "changes"
    if isinstance(d.get("foreign"), dict):
        numbers, prefix = {"residence_card_number": d["foreign"].get("residence_card_number")}, "foreign"
    for atena in atenas:
        out += [Claim(name, numbers[name], f"{prefix}.{name}", atena=atena)
                for name in IDENTITY_FIELDS if numbers.get(name)]
    return out


def _check_identities(cmd: Command, ctx: Context, p: Plan) -> None:
    """二重記載の防止 (標準仕様書 j600): a number the 異動 records may not be held by another person
    (``ctx.number_holders``, loaded by the services for persons already recorded; the persons
    recorded for the first time are matched in ``_match_new_persons``), nor be entered for two
    persons in the same 異動 (two persons of one 転入届 with the same 個人番号)."""
    seen: dict[tuple[str, str], str | int] = {}
    for claim in claimed_numbers(cmd):
        key = (claim.name, claim.value)
        who = claim.atena if claim.atena is not None else claim.index
        if key in seen and seen[key] != who:
            p.issues.append(duplicate_identity(claim.name, claim.field))
            continue
        seen[key] = who
        if claim.atena is not None and set(ctx.number_holders.get(key, ())) - {claim.atena}:
            p.issues.append(duplicate_identity(claim.name, claim.field))


def subjects(cmd: Command) -> tuple[set[str], set[str]]:
    """宛名番号 and 世帯番号 the planner needs loaded (the services lock them). The members of
    every household concerned are loaded by the services as well."""
    d = cmd.data
    persons = d.get("persons")
    atenas = {a for a in persons if isinstance(a, str)} if isinstance(persons, list) else set()
    households = {h for h in (d.get("household_number"), d.get("target_household_number")) if h}
    if d.get("new_head"):
        atenas.add(d["new_head"])
    atenas |= {p["returning_atena_number"] for p in new_persons(cmd) if p.get("returning_atena_number")}
    return atenas, households


def head_instruction(data: Any) -> dict[str, Any]:
    """What a (stored) 転出届 said about the 世帯主 of those who stay: {"new_head", "relationships"}.
    Invalid parts are dropped: they were validated when the 届出 was accepted."""
    c = inputs.Collector()
    parsed: dict[str, Any] = {}
    _parse_head(data if isinstance(data, dict) else {}, parsed, c)
    return {"new_head": parsed.get("new_head"), "relationships": parsed.get("relationships", {})}


# ---------------------------------------------------------------- planning


def plan(cmd: Command, ctx: Context) -> Plan:
    """Every check of 標準仕様書 第4章 that applies to ``cmd`` and the new records it produces.

    Date rules first (j480 異動日, j570 届出日, 住基法第22条〜第25条 届出期間), then the kind's own
    planner, then the rules that hold for every kind: nothing touches a person held by a
    仮登録 (j530), and every household keeps exactly one 世帯主 (住基法第7条第4号)."""
    spec = KINDS[cmd.kind]
    p = Plan(kind=cmd.kind)
    p.issues += dates.check_notified_on(cmd.notified_on, ctx.today)
    if cmd.kind not in CANCEL_KINDS:
        p.issues += dates.check_event_date(cmd.event_date, ctx.today, future_allowed=spec.future_allowed,
                                           unknown=cmd.event is not None)
        if spec.notification:
            if cmd.kind not in MOVE_OUT_KINDS:  # only a 転出届 may precede the move (法第24条)
                p.issues += dates.check_notified_after_event(cmd.event_date, cmd.notified_on)
            if dates.is_late(cmd.event_date, cmd.notified_on):
                p.late_notification = True
                p.issues.append(dates.late_notification_alert())
    _check_identities(cmd, ctx, p)
    PLANNERS[cmd.kind](cmd, ctx, p)
    _check_event_order(cmd, ctx, p)
    _finish(ctx, p)
    return p


def previous_event_date(ctx: Context, rec: dict) -> dt.date | None:
    """The date of a person's previous 異動: the latest of 住民となった年月日, 住所を定めた年月日 and
    the 異動日 of the latest 履歴. A 転出予定日 still in the future counts as today (the 転出予定者
    is a resident until then, 標準仕様書 j50)."""
    dates_ = [d for d in (rec.get("became_resident_on"), rec.get("address_set_on"),
                          ctx.last_event_dates.get(rec.get("atena_number", ""))) if d]
    return min(max(dates_), ctx.today) if dates_ else None


def _check_event_order(cmd: Command, ctx: Context, p: Plan) -> None:
    """異動日の順序 (dates.check_event_order) for every person already recorded whose record the
    異動 changes, including those whose 世帯主 it changes; one issue naming the latest date."""
    mode = KINDS[cmd.kind].event_order
    if mode == "none" or cmd.event_date is None:
        return
    previous = [previous_event_date(ctx, ctx.persons[ch.ref]) for ch in p.changes
                if not ch.new and not ch.reuse_atena and ch.ref in ctx.persons]
    previous = [d for d in previous if d]
    if previous:
        p.issues += dates.check_event_order(cmd.event_date, max(previous), removal=mode == "alert")


def _finish(ctx: Context, p: Plan) -> None:
    _check_pending(ctx, p)
    if not p.errors:
        p.issues += _check_households(ctx, p)


def _check_pending(ctx: Context, p: Plan) -> None:
    """仮登録 (標準仕様書 j530): a person held by a 異動 awaiting 決裁 is changed by nothing else,
    not even indirectly (a 世帯主 set ex officio, a 続柄 re-expressed by a 世帯主変更); and no
    person joins or leaves a household a held 異動 touches (a 出生 into it, a 転入 or 世帯変更
    joining it), so that its 決裁 never fails because of a later 異動."""
    reported = {i.params.get("atena") for i in p.issues if i.code == "person.pending"}
    for ch in p.changes:
        rec = ctx.persons.get(ch.ref)
        if rec and rec.get("pending") and ch.ref not in reported:
            reported.add(ch.ref)
            p.issues.append(_pending_error("persons", ch.ref))
    if reported or not ctx.pending_households:
        return
    for household in sorted(households_changed(ctx, p) & ctx.pending_households):
        p.issues.append(error("household.pending",
                              "この世帯には決裁待ち（仮登録）の異動があります。決裁後に入力してください。",
                              "household_number", household=household))


HOUSEHOLD_SHAPING = ("status", "household", "relationship", "address", "katagaki")
"""The items whose change alters a household: who belongs to it, its 世帯主 and 続柄, its 住所."""


def households_changed(ctx: Context, p: Plan) -> set[str]:
    """世帯番号 of the existing households whose make-up the plan changes: a resident joins,
    leaves or is 消除, a 続柄 or the 世帯主 changes, or the 住所 changes. (A correction of, say, a
    保険 item does not change the household.)"""
    out: set[str] = set()
    for ch in p.changes:
        new = ch.record
        old = None if ch.new else ctx.persons.get(ch.ref)
        if old is None or old["status"] != RESIDENT:
            if new["status"] == RESIDENT:
                out.add(new["household"])
            continue
        if any(new.get(k) != old.get(k) for k in HOUSEHOLD_SHAPING):
            out.add(old["household"])
            if new["status"] == RESIDENT:
                out.add(new["household"])
    return {h for h in out if h and not h.startswith("new:")}


def households_held(ctx: Context, p: Plan) -> set[str]:
    """世帯番号 of the households a 仮登録 of this plan holds (標準仕様書 j530): those whose make-up it
    changes, and the households of every resident whose record it changes — nothing may join,
    leave or reshape them before the 決裁, which then never fails because of a later 異動."""
    out = households_changed(ctx, p)
    out |= {ctx.persons[ch.ref]["household"] for ch in p.changes
            if not ch.new and ch.ref in ctx.persons and ctx.persons[ch.ref]["status"] == RESIDENT}
    return {h for h in out if h and not h.startswith("new:")}


def _pending_error(field: str, atena: str) -> Issue:
    return error("person.pending", "この住民には決裁待ち（仮登録）の異動があります。決裁後に入力してください。",
                 field, atena=atena)


def _check_households(ctx: Context, p: Plan) -> list[Issue]:
    """住基法第7条第4号: after the 異動 every household that still has members has exactly one
    世帯主. The kinds check this with precise messages; this is the net under all of them."""
    final = {ch.ref: ch.record for ch in p.changes}  # the last version of each person counts
    touched = {rec["household"] for rec in final.values()}
    touched |= {ctx.persons[ref]["household"] for ref in final if ref in ctx.persons}
    issues = []
    for household in sorted(touched):
        members = {a: r for a, r in _members(ctx, household).items() if a not in final}
        members |= {ref: rec for ref, rec in final.items()
                    if rec["household"] == household and rec["status"] == RESIDENT}
        heads = sum(1 for r in members.values() if r["relationship"] == HEAD)
        if members and heads == 0:
            issues.append(error("household.no_head", "この異動の後、世帯主のいない世帯が残ります。世帯主を指定してください。", "persons"))
        elif heads > 1:
            issues.append(two_heads("persons"))
    return issues


def _current(ctx: Context, atena: str, field: str, p: Plan, *, allow_removed: bool = False) -> dict | None:
    """The current record of a person the 異動 names, or None with the reason recorded: unknown,
    held by a 仮登録 (j530), or a 除票 (a 消除 person cannot be moved)."""
    rec = ctx.persons.get(atena)
    if rec is None:
        p.issues.append(error("person.not_found", "指定された住民が見つかりません。", field))
        return None
    if rec.get("pending"):
        p.issues.append(_pending_error(field, atena))
        return None
    if rec["status"] == REMOVED and not allow_removed:
        p.issues.append(error("person.removed", "消除された住民（除票）は異動できません。", field))
        return None
    return rec


def _residents(ctx: Context, atenas: list[str], p: Plan, *, staying: bool = False) -> list[dict]:
    """The current records of the persons listed in ``persons``. ``staying=True`` also refuses a
    転出予定者 (they leave the city; a 転居 or 世帯 change would be undone by the 転出)."""
    out = []
    for i, atena in enumerate(atenas):
        rec = _current(ctx, atena, f"persons.{i}", p)
        if rec is None:
            continue
        if staying and rec.get("move_out_planned_on"):
            p.issues.append(error("person.move_out_planned", "転出予定の住民です。先に転出の取消しを行ってください。", f"persons.{i}"))
            continue
        out.append(rec)
    return out


def _members(ctx: Context, household: str) -> dict[str, dict]:
    """Current resident members of a household, in 世帯内の並び順."""
    return {a: ctx.persons[a] for a in ctx.households.get(household, []) if a in ctx.persons}


def _next_order(ctx: Context, household: str, extra: int = 0) -> int:
    orders = [ctx.persons[a]["member_order"] for a in ctx.households.get(household, []) if a in ctx.persons]
    return (max(orders) if orders else 0) + 1 + extra


def _compose_address(ctx: Context, area: dict, address_number: str) -> str:
    m = ctx.municipality
    return f"{m['prefecture']}{m['name']}{area['name']}{address_number}"


def _city_address(cmd_addr: dict, ctx: Context, p: Plan, field: str) -> dict | None:
    """An address in the city from the 住所辞書 (標準仕様書 1.3.3): 町字コード + 番地 + 方書."""
    area = ctx.areas.get(cmd_addr["area_code"])
    if area is None:
        p.issues.append(error("address.area_unknown", "町字コードが住所辞書にありません。", f"{field}.area_code"))
        return None
    return {
        "area": cmd_addr["area_code"],
        "postal_code": area.get("postal_code", ""),
        "address": _compose_address(ctx, area, cmd_addr["address_number"]),
        "address_number": cmd_addr["address_number"],
        "katagaki": cmd_addr["katagaki"],
    }


def _same_address(a: dict, b: dict) -> bool:
    return (a.get("address"), a.get("katagaki")) == (b.get("address"), b.get("katagaki"))


def _display_name(rec: dict) -> str:
    name = f"{rec.get('family_name', '')}\u3000{rec.get('given_name', '')}".strip("\u3000")
    return name or rec.get("alphabet_name", "") or rec.get("atena_number", "")


def _put(p: Plan, atena: str, rec: dict, *, reason: str | None = None) -> None:
    """Record the new state of one person (a later call for the same person replaces it)."""
    for ch in p.changes:
        if ch.ref == atena:
            ch.record, ch.reason = rec, reason
            return
    p.changes.append(Change(ref=atena, record=rec, reason=reason))


def _leave(ctx: Context, p: Plan, leaving: list[str], *, new_head: str | None = None,
           relationships: dict[str, str] | None = None, apply: bool = True) -> None:
    """世帯主不在 (標準仕様書 j490) for every household the ``leaving`` persons leave.

    One member stays → that member becomes 世帯主 ex officio (no acknowledgement: the clerk is
    told). Two or more stay → the entry must name the new 世帯主 and every other staying member's
    続柄 to them (j730), otherwise it is an error. The staying members' versions carry the 異動事由
    世帯主変更. ``apply=False`` only checks: for a 転出予定 the change is made when it takes effect."""
    by_household: dict[str, set[str]] = {}
    for atena in leaving:
        rec = ctx.persons.get(atena)
        if rec and rec["status"] == RESIDENT:
            by_household.setdefault(rec["household"], set()).add(atena)
    for household, gone in by_household.items():
        members = _members(ctx, household)
        changes, issues = remaining_head_changes(members, gone, new_head=new_head, relationships=relationships or {})
        p.issues += issues
        if issues or not apply:
            continue
        staying = [a for a in members if a not in gone]
        for atena, fields in changes.items():
            if any(ch.ref == atena for ch in p.changes):
                continue
            rec = dict(members[atena])
            rec.update(fields)
            p.changes.append(Change(ref=atena, record=rec, reason="head_change"))
            if len(staying) == 1:
                p.notices.append(f"残る世帯員が1人のため、{_display_name(rec)}を世帯主としました（標準仕様書 j490）。")


def _new_person_record(ctx: Context, person: dict) -> dict:
    rec = dict(ctx.blank)
    for key, value in person.items():
        if key in rec and value is not None:
            rec[key] = value
    rec["my_number"] = person.get("my_number", "")
    return rec


def _match_new_persons(ctx: Context, persons: list[dict], p: Plan, prefix: str) -> list[str | None]:
    """二重記載の防止と再転入者 (標準仕様書 j600). A person matched by 個人番号・住民票コード・在留カード
    番号 to a current resident is an error (already registered); matched so to a 除票, the 除票's
    宛名番号 (and 住民票コード, 個人番号) is reused automatically. A match by 氏名・性別・生年月日 alone
    is an alert offering the candidates; naming one in ``returning_atena_number`` reuses it.
    Returns, per person, the 宛名番号 to reuse or None."""
    reuse: list[str | None] = []
    for i, person in enumerate(persons):
        field = f"{prefix}.{i}"
        chosen = person.get("returning_atena_number") or None
        matches = ctx.id_matches.get(i, [])
        if any(m["status"] == RESIDENT for m in matches):
            p.issues.append(error("move_in.already_registered", "この方は既に住民として記録されています（二重記載はできません）。", field))
            reuse.append(None)
            continue
        removed = [m for m in matches if m["status"] == REMOVED]
        if len({m["atena_number"] for m in removed}) > 1:
            p.issues.append(error("move_in.ambiguous_returning", "番号が一致する除票が複数あります。番号を確認してください。", field))
            reuse.append(None)
            continue
        if removed and removed[0].get("removal_kind") == "death":
            # a 除票 removed by death is never re-entered by a 転入; a wrong death record is
            # corrected by 異動の取消し（増） or 職権記載 (令第12条第3項)
            p.issues.append(error("move_in.deceased", "番号が一致する除票は死亡により消除されています。転入として記載できません。", field))
            reuse.append(None)
            continue
        if removed:
            match = removed[0]["atena_number"]
            if chosen and chosen != match:
                p.issues.append(error("move_in.returning_mismatch", "番号が一致する除票と異なる宛名番号が指定されています。", field))
            reuse.append(match)
            continue
        if chosen:
            rec = ctx.persons.get(chosen)
            if rec is not None and rec["status"] == REMOVED and rec.get("removal_kind") == "death":
                p.issues.append(error("move_in.deceased", "指定された除票は死亡により消除されています。転入として記載できません。", f"{field}.returning_atena_number"))
                reuse.append(None)
            elif rec is None or rec["status"] != REMOVED:
                p.issues.append(error("move_in.returning_not_removed", "再転入として指定された宛名番号は除票ではありません。", f"{field}.returning_atena_number"))
                reuse.append(None)
            else:
                reuse.append(chosen)
            continue
        _possible_duplicate(ctx, i, p, field)
        candidates = [m["atena_number"] for m in ctx.name_matches.get(i, [])][:5]
        if candidates:
            p.issues.append(alert("move_in.possible_returning_resident",
                                  f"氏名・性別・生年月日が一致する除票があります（宛名番号 {'、'.join(candidates)}）。"
                                  "再転入の場合は宛名番号を指定してください。",
                                  field, candidates=candidates))
        reuse.append(None)
    return reuse


def _possible_duplicate(ctx: Context, index: int, p: Plan, field: str) -> None:
    """二重記載の防止 (標準仕様書 j600) without numbers: a current resident with the same 氏名・性別・
    生年月日 may be the same person entered twice. An alert listing the candidates; the clerk checks
    and acknowledges (a namesake born the same day does exist)."""
    candidates = [m["atena_number"] for m in ctx.resident_name_matches.get(index, [])][:5]
    if candidates:
        p.issues.append(alert("move_in.possible_duplicate",
                              f"氏名・性別・生年月日が一致する住民がいます（宛名番号 {'、'.join(candidates)}）。"
                              "同一人の二重記載でないことを確認してください。",
                              field, candidates=candidates))


def _former_record(ctx: Context, index: int, atena: str) -> dict:
    return ctx.persons.get(atena) or next(m for m in ctx.id_matches.get(index, []) if m["atena_number"] == atena)


def _plan_entry(cmd: Command, ctx: Context, p: Plan, *, origin: str) -> None:
    """転入 (国内・国外, 住基法第22条), 職権記載 (令第12条), 第30条の46 and 第30条の47: record new
    persons at an address in the city, in a new household (exactly one 世帯主) or joining an
    existing one at the same address. ``origin``: "domestic", "abroad" (転入前住所 defaults to
    国外) or "in_japan" (第30条の47: not a 転入, no 従前の住所)."""
    d = cmd.data
    addr = _city_address(d["address"], ctx, p, "address") if d.get("address") else None
    reuse = _match_new_persons(ctx, d["persons"], p, "persons")
    household = d.get("household_number")
    if household:
        members = _members(ctx, household)
        if not members:
            p.issues.append(error("household.not_found", "指定された世帯が見つかりません（現存する世帯を指定してください）。", "household_number"))
            return
        for i, person in enumerate(d["persons"]):
            if person["relationship"] == HEAD:
                p.issues.append(two_heads(f"persons.{i}.relationship"))
        if addr and not _same_address(addr, next(iter(members.values()))):
            p.issues.append(error("household.address_mismatch", "既存の世帯に入る場合、住所は世帯と同じでなければなりません。", "address"))
        target = household
    else:
        p.issues += check_single_head([(f"persons.{i}.relationship", x["relationship"]) for i, x in enumerate(d["persons"])])
        target = "new:0"
    if addr is None:
        return
    prev = d.get("previous_address") or {}
    prev_address = prev.get("address", "")
    if origin == "abroad" and not prev_address.startswith("国外"):
        # 国外からの転入: the 転入前住所 is 国外, followed by the country (or address abroad) if given
        prev_address = f"国外（{prev_address}）" if prev_address else "国外"
    for i, person in enumerate(d["persons"]):
        rec = _new_person_record(ctx, {k: v for k, v in person.items() if k != "returning_atena_number"})
        if reuse[i]:
            # a returning former resident keeps 宛名番号 and 住民票コード (標準仕様書 j600)
            old = _former_record(ctx, i, reuse[i])
            rec["juminhyo_code"] = rec["juminhyo_code"] or old.get("juminhyo_code", "")
        rec.update(addr)
        rec.update(
            status=RESIDENT,
            household=target,
            member_order=(_next_order(ctx, target, i) if household else i + 1),
            became_resident_on=cmd.event_date,
            address_set_on=d.get("address_set_on") or cmd.event_date,
            notified_on=cmd.notified_on,
            remarks=d.get("remarks", ""),
            prev_address=prev_address,
            prev_address_katagaki=prev.get("katagaki", ""),
            prev_municipality_code=prev.get("municipality_code", ""),
            prev_head_name=prev.get("head_name", ""),
        )
        if rec["resident_type"] == FOREIGN and not rec.get("became_foreign_resident_on"):
            rec["became_foreign_resident_on"] = cmd.event_date
        if cmd.kind == "ex_officio_entry" and d.get("unregistered_from"):
            rec["unregistered_from"] = d["unregistered_from"]
            rec["unregistered_to"] = cmd.event_date
        p.changes.append(Change(ref=reuse[i] or f"new:{i}", record=rec, new=reuse[i] is None, reuse_atena=reuse[i]))


def _plan_move_in(cmd, ctx, p):
    _plan_entry(cmd, ctx, p, origin="abroad" if cmd.kind == "move_in_from_abroad" else "domestic")


def _plan_foreign_entry(cmd, ctx, p):
    _plan_entry(cmd, ctx, p, origin="abroad")


def _plan_foreign_30_47(cmd, ctx, p):
    _plan_entry(cmd, ctx, p, origin="in_japan")


def _plan_move_within(cmd: Command, ctx: Context, p: Plan) -> None:
    """転居 (住基法第23条): only the address changes, and the household where the move requires it.

    * the whole household moves: it stays the same household;
    * some members move: they form a new household, exactly one of them 世帯主 (``relationships``
      re-expresses their 続柄 where needed);
    * some members move into a household already at the new address (``household_number``): each
      needs a 続柄 to its 世帯主 and none can be 世帯主.

    Those left behind without 世帯主 are handled by 世帯主不在 (j490). Other items cannot be changed
    by a 転居 (the parser refuses them)."""
    d = cmd.data
    recs = _residents(ctx, d["persons"], p, staying=True)
    addr = _city_address(d["address"], ctx, p, "address") if d.get("address") else None
    if not recs or addr is None or p.errors:
        return
    if any(_same_address(r, addr) for r in recs):
        p.issues.append(alert("move_within.same_address", "転居前と同じ住所です（同一住所への転居）。", "address"))
    moving = [r["atena_number"] for r in recs]
    rels = d.get("relationships", {})
    households = {r["household"] for r in recs}
    target = d.get("household_number")
    if target and not (households == {target} and set(ctx.households.get(target, [])) <= set(moving)):
        joining = [r for r in recs if r["household"] != target]
        others = {a: r for a, r in _members(ctx, target).items() if a not in moving}
        if not others:
            p.issues.append(error("household.not_found", "指定された世帯が見つかりません。", "household_number"))
            return
        if not _same_address(next(iter(others.values())), addr):
            p.issues.append(error("household.address_mismatch", "転居先の世帯と住所が一致しません。", "address"))
            return
        for r in joining:
            field = f"relationships.{r['atena_number']}"
            rel = rels.get(r["atena_number"])
            if not rel:
                p.issues.append(relationship_required(field))
            elif rel == HEAD:
                p.issues.append(two_heads(field))
        if p.errors:
            return
        new_relationship = {r["atena_number"]: rels[r["atena_number"]] for r in joining}
        _leave(ctx, p, [r["atena_number"] for r in joining], new_head=d.get("new_head"), relationships=rels)
    else:
        if len(households) != 1:
            p.issues.append(error("move_within.many_households", "複数の世帯の転居は世帯ごとに入力してください。", "persons"))
            return
        household = next(iter(households))
        if set(ctx.households.get(household, [])) <= set(moving):
            target, new_relationship = household, {}
        else:
            target = "new:0"
            new_relationship = {r["atena_number"]: rels.get(r["atena_number"], r["relationship"]) for r in recs}
            p.issues += check_single_head([(f"relationships.{a}", rel) for a, rel in new_relationship.items()])
            _leave(ctx, p, moving, new_head=d.get("new_head"), relationships=rels)
    for i, r in enumerate(recs):
        rec = dict(r)
        rec.update(addr)
        rec.update(household=target, address_set_on=cmd.event_date, notified_on=cmd.notified_on,
                   before_move_address=r["address"])
        if r["atena_number"] in new_relationship:
            rec["relationship"] = new_relationship[r["atena_number"]]
            rec["member_order"] = i + 1 if target.startswith("new:") else _next_order(ctx, target, i)
        _put(p, r["atena_number"], rec)


def _plan_move_out(cmd: Command, ctx: Context, p: Plan) -> None:
    """転出 (住基法第24条; 国外転出を含む).

    異動日 on or before today: the record becomes a 除票 now (消除事由の生じた年月日 = 転出予定年月日,
    標準仕様書 j10) and 世帯主不在 (j490) applies to those who stay. A future 異動日 records a
    転出予定 only (j480, j50): the person stays a resident, counted as 現存 (j1080), until the
    転入通知 arrives (move_out_confirm) or the 予定日 is reached (plan_move_out_effect); 世帯主不在
    is checked now and applied then, with the 世帯主 named here."""
    d = cmd.data
    recs = []
    for i, r in enumerate(_residents(ctx, d["persons"], p)):
        if r.get("move_out_planned_on"):
            p.issues.append(error("move_out.already_planned", "既に転出予定が記録されています。", f"persons.{i}"))
        else:
            recs.append(r)
    if not recs or p.errors:
        return
    effective = cmd.event_date is not None and cmd.event_date <= ctx.today
    _leave(ctx, p, [r["atena_number"] for r in recs], new_head=d.get("new_head"),
           relationships=d.get("relationships"), apply=effective)
    dest = d["destination"]
    for r in recs:
        rec = dict(r)
        rec.update(
            move_out_address=dest["address"] if cmd.kind == "move_out" else (dest["address"] or "国外"),
            move_out_katagaki=dest["katagaki"],
            move_out_municipality_code=dest["municipality_code"],
            move_out_head_name=dest["head_name"],
            move_out_planned_on=cmd.event_date,
        )
        if effective:
            rec.update(status=REMOVED, removal_kind=cmd.kind, removed_on=cmd.event_date, removed_text="")
        _put(p, r["atena_number"], rec)
    if not effective:
        p.notices.append("転出予定として記録しました。転出予定日または転入通知の受理をもって消除されます（標準仕様書 j50）。")


def _move_out_takes_effect(ctx: Context, p: Plan, recs: list[dict], *, new_head: str | None,
                           relationships: dict[str, str], removed_on: Callable[[dict], dt.date]) -> None:
    """A 転出予定 becomes a 除票 (j50), and 世帯主不在 (j490) applies to those who stay."""
    for r in recs:
        rec = next((ch.record for ch in p.changes if ch.ref == r["atena_number"]), None) or dict(r)
        kind = ctx.move_out_plans.get(r["atena_number"], {}).get("kind") or "move_out"
        rec.update(status=REMOVED, removal_kind=kind, removed_on=removed_on(r), removed_text="")
        _put(p, r["atena_number"], rec)
    plans = [ctx.move_out_plans.get(r["atena_number"], {}) for r in recs]
    new_head = new_head or next((x["new_head"] for x in plans if x.get("new_head")), None)
    relationships = relationships or next((x["relationships"] for x in plans if x.get("relationships")), {})
    _leave(ctx, p, [r["atena_number"] for r in recs], new_head=new_head, relationships=relationships)


def plan_move_out_effect(ctx: Context, atenas: list[str]) -> Plan:
    """転出予定日の到来 (標準仕様書 j50: a 転出 is 消除 on the earlier of the 転出予定年月日 and the
    転入日 in the 転入通知). Used by the daily batch for 転出予定者 whose 予定日 has come without a
    転入通知; 世帯主不在 is applied with what their 転出届 said."""
    p = Plan(kind="move_out")
    recs = []
    for i, atena in enumerate(atenas):
        r = _current(ctx, atena, f"persons.{i}", p)
        if r is None:
            continue
        planned = r.get("move_out_planned_on")
        if not planned or planned > ctx.today:
            p.issues.append(error("move_out.not_due", "転出予定日が到来していません。", f"persons.{i}"))
            continue
        recs.append(r)
    if not p.errors:
        _move_out_takes_effect(ctx, p, recs, new_head=None, relationships={},
                               removed_on=lambda r: r["move_out_planned_on"])
    _finish(ctx, p)
    return p


def _plan_move_out_confirm(cmd: Command, ctx: Context, p: Plan) -> None:
    """転入通知の受理 (住基法第9条第1項・令第13条第3項, 標準仕様書 j680): the 転出先住所(確定), the
    転出年月日(確定) (= the 異動日, the 転入日 at the destination) and the 転入通知受理年月日 are recorded
    beside the 予定 values, never over them. A 転出予定者 still on the register becomes a 除票 now,
    as of the earlier of the 予定日 and the 転入日 (j50), with 世帯主不在 applied; a person removed
    by 職権消除 may receive a 転入通知 too (j680). 国外転出 has no 転入通知."""
    d = cmd.data
    effective = []
    for i, atena in enumerate(d["persons"]):
        field = f"persons.{i}"
        r = _current(ctx, atena, field, p, allow_removed=True)
        if r is None:
            continue
        if r["status"] == REMOVED and r["removal_kind"] not in ("move_out", "ex_officio_removal"):
            p.issues.append(error("move_out_confirm.not_moved_out", "国内転出または職権消除の記録がない住民です。", field))
            continue
        if r["status"] == RESIDENT and not r.get("move_out_planned_on"):
            p.issues.append(error("move_out_confirm.no_move_out", "転出届が記録されていません。", field))
            continue
        if r["status"] == RESIDENT and ctx.move_out_plans.get(atena, {}).get("kind") == "move_out_abroad":
            p.issues.append(error("move_out_confirm.abroad", "国外転出には転入通知はありません。", field))
            continue
        if r.get("move_in_notice_on"):
            p.issues.append(error("move_out_confirm.already_confirmed", "既に転入通知を受理しています。", field))
            continue
        rec = dict(r)
        rec.update(move_out_confirmed_address=d["confirmed_address"], move_out_confirmed_on=cmd.event_date,
                   move_in_notice_on=d["notice_on"])
        _put(p, atena, rec)
        if r["status"] == RESIDENT:
            effective.append(r)
    if effective and not p.errors:
        _move_out_takes_effect(ctx, p, effective, new_head=d.get("new_head"), relationships=d.get("relationships"),
                               removed_on=lambda r: min(cmd.event_date, r["move_out_planned_on"]))


def _plan_birth(cmd: Command, ctx: Context, p: Plan) -> None:
    """出生 (戸籍届出に基づく職権記載, 住基法第8条・令第12条, 標準仕様書 j770): the child joins an
    existing household at its address; the 異動日 is the birth date."""
    d = cmd.data
    household = d["household_number"]
    members = _members(ctx, household)
    if not members:
        p.issues.append(error("household.not_found", "指定された世帯が見つかりません。", "household_number"))
        return
    child = d["child"]
    if child.get("relationship") == HEAD:
        p.issues.append(two_heads("child.relationship"))
    if cmd.event and child.get("birth_date") and cmd.event.sort_date != child["birth_date"]:
        p.issues.append(error("birth.date_mismatch", "異動日（出生日）と生年月日が一致しません。", "event_date"))
    head = next((m for m in members.values() if m["relationship"] == HEAD), next(iter(members.values())))
    rec = _new_person_record(ctx, {k: v for k, v in child.items() if k != "returning_atena_number"})
    rec.update({k: head[k] for k in ("area", "postal_code", "address", "address_number", "katagaki")})
    rec.update(status=RESIDENT, household=household, member_order=_next_order(ctx, household),
               became_resident_on=child.get("birth_date"), became_resident_text=child.get("birth_date_text", ""),
               address_set_on=child.get("birth_date"), address_set_text=child.get("birth_date_text", ""),
               notified_on=cmd.notified_on, remarks=d.get("remarks", ""))
    if rec["resident_type"] == FOREIGN:
        rec["foreign_category"] = rec["foreign_category"] or "transitional_birth"
        rec["became_foreign_resident_on"] = child.get("birth_date")
    p.changes.append(Change(ref="new:0", record=rec, new=True))


def _plan_removal(cmd: Command, ctx: Context, p: Plan) -> None:
    """死亡・失踪宣告 (戸籍届出に基づく職権消除, 標準仕様書 j810/j820) and 職権消除 (j830): the records
    become 除票 (kept, 住基法第15条の2); 世帯主不在 (j490) applies to those who stay."""
    d = cmd.data
    recs = _residents(ctx, d["persons"], p)
    for r in recs:
        if cmd.event_date and r["birth_date"] and cmd.event_date < r["birth_date"]:
            p.issues.append(error("event_date.before_birth", "異動日が生年月日より前です。", "event_date"))
    _leave(ctx, p, [r["atena_number"] for r in recs], new_head=d.get("new_head"), relationships=d.get("relationships"))
    for r in recs:
        rec = dict(r)
        rec.update(status=REMOVED, removal_kind=cmd.kind, removed_on=cmd.event_date, removed_text=cmd.event_text)
        _put(p, r["atena_number"], rec)


def _plan_household_split(cmd: Command, ctx: Context, p: Plan) -> None:
    """世帯分離 (住基法第25条): some members form a new household at the same address; one of them
    is its 世帯主 and the others' 続柄 are given relative to that 世帯主."""
    d = cmd.data
    recs = _residents(ctx, d["persons"], p, staying=True)
    if not recs or p.errors:
        return
    households = {r["household"] for r in recs}
    if len(households) != 1:
        p.issues.append(error("household.many", "同じ世帯の世帯員を指定してください。", "persons"))
        return
    household = households.pop()
    if set(ctx.households.get(household, [])) <= {r["atena_number"] for r in recs}:
        p.issues.append(error("household_split.whole_household", "世帯全員を分離することはできません。", "persons"))
        return
    rels = [(f"new_relationships.{r['atena_number']}", d["new_relationships"].get(r["atena_number"], "")) for r in recs]
    for f, rel in rels:
        if not rel:
            p.issues.append(relationship_required(f))
    p.issues += check_single_head([x for x in rels if x[1]])
    _leave(ctx, p, [r["atena_number"] for r in recs], new_head=d.get("new_head"), relationships=d.get("relationships"))
    for i, r in enumerate(recs):
        rec = dict(r)
        rec.update(household="new:0", relationship=d["new_relationships"].get(r["atena_number"], r["relationship"]),
                   member_order=i + 1, notified_on=cmd.notified_on)
        _put(p, r["atena_number"], rec)


def _plan_household_join(cmd: Command, ctx: Context, p: Plan, movers: list[dict], target: str) -> None:
    """Members join another household at the same address (世帯合併・世帯変更, 住基法第25条). A
    世帯変更 cannot be combined with an address change (標準仕様書 j720)."""
    target_members = _members(ctx, target)
    if not target_members:
        p.issues.append(error("household.not_found", "異動先の世帯が見つかりません。", "target_household_number"))
        return
    target_head = next(iter(target_members.values()))
    for r in movers:
        if r["household"] == target:
            p.issues.append(error("household.same", "既に異動先の世帯に属しています。", "target_household_number"))
            return
        if not _same_address(r, target_head):
            p.issues.append(error("household_change.address_change", "世帯変更と住所の変更は同時にできません。先に転居を入力してください。", "target_household_number"))
            return
    for i, r in enumerate(movers):
        rel = cmd.data["new_relationships"].get(r["atena_number"])
        if not rel:
            p.issues.append(relationship_required(f"new_relationships.{r['atena_number']}"))
            continue
        if rel == HEAD:
            p.issues.append(two_heads(f"new_relationships.{r['atena_number']}"))
            continue
        rec = dict(r)
        rec.update(household=target, relationship=rel, member_order=_next_order(ctx, target, i), notified_on=cmd.notified_on)
        _put(p, r["atena_number"], rec)


def _plan_household_merge(cmd: Command, ctx: Context, p: Plan) -> None:
    """世帯合併 (住基法第25条): a whole household joins another at the same address."""
    d = cmd.data
    members = list(_members(ctx, d["household_number"]).values())
    if not members:
        p.issues.append(error("household.not_found", "世帯が見つかりません。", "household_number"))
        return
    for m in members:
        _current(ctx, m["atena_number"], "household_number", p)
    if not p.errors:
        _plan_household_join(cmd, ctx, p, members, d["target_household_number"])


def _plan_household_change(cmd: Command, ctx: Context, p: Plan) -> None:
    """世帯変更 (住基法第25条): some members move to another household at the same address."""
    d = cmd.data
    recs = _residents(ctx, d["persons"], p, staying=True)
    if not recs or p.errors:
        return
    _leave(ctx, p, [r["atena_number"] for r in recs], new_head=d.get("new_head"), relationships=d.get("relationships"))
    _plan_household_join(cmd, ctx, p, recs, d["target_household_number"])


def _plan_head_change(cmd: Command, ctx: Context, p: Plan) -> None:
    """世帯主変更 (住基法第25条, 標準仕様書 j730: every member's 続柄 re-expressed to the new head)."""
    d = cmd.data
    members = _members(ctx, d["household_number"])
    if not members:
        p.issues.append(error("household.not_found", "世帯が見つかりません。", "household_number"))
        return
    for a in members:
        _current(ctx, a, "household_number", p)
    if d["new_head"] not in members:
        p.issues.append(error("household.new_head_not_member", "新しい世帯主は世帯員から選んでください。", "new_head"))
        return
    if members[d["new_head"]]["relationship"] == HEAD:
        p.issues.append(error("head_change.same_head", "既に世帯主です。", "new_head"))
        return
    for a, r in members.items():
        rec = dict(r)
        if a == d["new_head"]:
            rec["relationship"] = HEAD
        else:
            rel = d["relationships"].get(a)
            if not rel:
                p.issues.append(relationship_required(f"relationships.{a}"))
                continue
            if rel == HEAD:
                p.issues.append(two_heads(f"relationships.{a}"))
                continue
            rec["relationship"] = rel
        rec["notified_on"] = cmd.notified_on
        _put(p, a, rec)


def _plan_correction(cmd: Command, ctx: Context, p: Plan) -> None:
    """職権修正・誤記修正・軽微な修正・戸籍届出による修正 (住基法第8条・第9条第2項, 令第12条第3項,
    標準仕様書 j840–j860): only the fields the kind allows (checked by the parser) change; a 誤記
    修正 may correct a 除票 too. A new version is appended: history is never overwritten (j860).
    A 世帯主 is changed by 世帯主変更 only; a corrected 番地 re-composes the 住所."""
    d = cmd.data
    for i, a in enumerate(d["persons"]):
        r = _current(ctx, a, f"persons.{i}", p, allow_removed=cmd.kind == "clerical_correction")
        if r is None:
            continue
        rec = dict(r)
        changed = False
        for name, value in d["changes"].items():
            if rec.get(name) != value:
                rec[name] = value
                changed = True
        if not changed:
            p.issues.append(error("correction.no_change", "修正内容が現在の記録と同じです。", "changes"))
            continue
        if "relationship" in d["changes"] and (d["changes"]["relationship"] == HEAD) != (r["relationship"] == HEAD):
            p.issues.append(error("correction.head_via_head_change", "世帯主の変更は世帯主変更で行ってください。", "changes.relationship"))
        if "address_number" in d["changes"] and rec.get("area") in ctx.areas:
            rec["address"] = _compose_address(ctx, ctx.areas[rec["area"]], rec["address_number"])
        _put(p, a, rec)


def _residents_of_type(ctx: Context, p: Plan, atenas: list[str], resident_type: str, code: str,
                       message: str) -> list[tuple[int, str, dict]]:
    """(index, 宛名番号, current record) of the persons named, refusing with ``code`` those who are
    not of ``resident_type``: 旧氏 is for 日本人住民 (令第30条の13), 通称 for 外国人住民 (令第30条の16),
    帰化・国籍取得 start from a 外国人住民票 and 国籍喪失 from a 日本人住民票 (令第8条の2)."""
    out = []
    for i, a in enumerate(atenas):
        r = _current(ctx, a, f"persons.{i}", p)
        if r is None:
            continue
        if r["resident_type"] != resident_type:
            p.issues.append(error(code, message, f"persons.{i}"))
            continue
        out.append((i, a, r))
    return out


def _plan_former_surname(cmd: Command, ctx: Context, p: Plan) -> None:
    """旧氏の記載・削除 (令第30条の13, 第30条の14): Japanese residents only."""
    d = cmd.data
    for i, a, r in _residents_of_type(ctx, p, d["persons"], JAPANESE, "former_surname.japanese_only",
                                      "旧氏は日本人住民のみ記載できます。"):
        rec = dict(r)
        if cmd.kind == "former_surname_entry":
            rec.update(former_surname=d["former_surname"], former_surname_kana=d["former_surname_kana"])
        else:
            if not r["former_surname"]:
                p.issues.append(error("former_surname.none", "旧氏が記載されていません。", f"persons.{i}"))
                continue
            rec.update(former_surname="", former_surname_kana="")
        _put(p, a, rec)


def _plan_alias(cmd: Command, ctx: Context, p: Plan) -> None:
    """通称の記載・削除 (令第30条の16): foreign residents only; the 通称履歴 keeps every alias
    with the date and municipality of its entry and deletion (令第30条の27)."""
    d = cmd.data
    for i, a, r in _residents_of_type(ctx, p, d["persons"], FOREIGN, "alias.foreign_only",
                                      "通称は外国人住民のみ記載できます。"):
        rec = dict(r)
        history = [dict(h) for h in r.get("alias_history") or []]
        when = cmd.event_date.isoformat() if cmd.event_date else ""
        if cmd.kind == "alias_entry":
            if r["alias"]:
                p.issues.append(error("alias.exists", "既に通称が記載されています。先に通称の削除を行ってください。", f"persons.{i}"))
                continue
            history.append({"alias": d["alias"], "alias_kana": d["alias_kana"], "recorded_on": when,
                            "recorded_by": ctx.municipality["code"], "deleted_on": "", "deleted_by": ""})
            rec.update(alias=d["alias"], alias_kana=d["alias_kana"])
        else:
            if not r["alias"]:
                p.issues.append(error("alias.none", "通称が記載されていません。", f"persons.{i}"))
                continue
            for h in reversed(history):
                if h.get("alias") == r["alias"] and not h.get("deleted_on"):
                    h.update(deleted_on=when, deleted_by=ctx.municipality["code"])
                    break
            rec.update(alias="", alias_kana="")
        rec["alias_history"] = history
        _put(p, a, rec)


def _replace_record(p: Plan, atena: str, old: dict, new: dict, cmd: Command) -> None:
    """帰化・国籍取得・国籍喪失 (令第8条の2, 標準仕様書 j930–j950): the person's 住民票 of one kind is
    消除 and one of the other kind is 記載. Both are versions of the same 宛名番号: first the old
    record as a 除票 (消除事由 = this 異動), then the new record (the current one)."""
    removed = dict(old)
    removed.update(status=REMOVED, removal_kind=cmd.kind, removed_on=cmd.event_date, removed_text="")
    p.changes.append(Change(ref=atena, record=removed))
    new.update(status=RESIDENT, removal_kind="", removed_on=None, removed_text="", notified_on=cmd.notified_on)
    p.changes.append(Change(ref=atena, record=new))


def _plan_naturalization(cmd: Command, ctx: Context, p: Plan) -> None:
    """帰化・国籍取得 (標準仕様書 j930/j940): the 外国人住民票 is 消除 and a 日本人住民票 is 記載,
    carrying over 住所, 生年月日, 性別, 続柄, 住所を定めた年月日, 住民票コード, 宛名番号, 個人番号 and
    転入前住所; the 外国人住民となった年月日 becomes the 住民となった年月日. 氏名 and 戸籍の表示 come
    from the 戸籍."""
    d = cmd.data
    for _, a, r in _residents_of_type(ctx, p, d["persons"], FOREIGN, "naturalization.not_foreign",
                                      "外国人住民ではありません。"):
        rec = dict(r)
        rec.update({k: d[k] for k in ("family_name", "given_name", "family_name_kana", "given_name_kana", "honseki", "hittosha")})
        rec.update(resident_type=JAPANESE, became_resident_on=r.get("became_foreign_resident_on") or r.get("became_resident_on"),
                   became_resident_text="")
        for name in FOREIGN_FIELDS | {"alias", "alias_kana"}:
            rec[name] = ctx.blank[name]
        _replace_record(p, a, r, rec, cmd)


def _plan_nationality_loss(cmd: Command, ctx: Context, p: Plan) -> None:
    """国籍喪失 (標準仕様書 j950): the 日本人住民票 is 消除 and a 外国人住民票 is 記載 with the same
    宛名番号, 住民票コード and 個人番号; the 外国人住民となった年月日 is the day of the loss (the person
    was already a resident, 住基法第30条の45), unless given."""
    d = cmd.data
    for i, a, r in _residents_of_type(ctx, p, d["persons"], JAPANESE, "nationality_loss.not_japanese",
                                      "日本人住民ではありません。"):
        rec = dict(r)
        rec.update(d["foreign"])
        rec.update(resident_type=FOREIGN, honseki="", hittosha="", former_surname="", former_surname_kana="",
                   became_foreign_resident_on=d["foreign"].get("became_foreign_resident_on") or cmd.event_date)
        _replace_record(p, a, r, rec, cmd)


CANCEL_FOR_CATEGORY = {"entry": "cancel_decrease", "removal": "cancel_increase", "correction": "cancel_correction"}


def _plan_cancel(cmd: Command, ctx: Context, p: Plan) -> None:
    """異動の取消し (令第12条第3項, 標準仕様書 j980): never a delete. For every person the target
    異動 touched (including those whose 世帯主 it changed), a new version restoring the record as it
    was before the target is appended — so undoing an address change restores the former 世帯. The
    kind must match what the target did: （減） undoes a 記載, （増） a 消除, （修正） a 修正.
    Only possible while the target's versions are still the latest."""
    target = ctx.cancelled
    if target is None:
        p.issues.append(error("cancel.not_found", "取り消す異動が見つかりません。", "target_document_number"))
        return
    if target["already_cancelled"]:
        p.issues.append(error("cancel.already_cancelled", "この異動は既に取り消されています。", "target_document_number"))
        return
    if target["kind"] in CANCEL_KINDS:
        p.issues.append(error("cancel.of_cancel", "取消しの取消しはできません。新たな異動で入力してください。", "target_document_number"))
        return
    expected = CANCEL_FOR_CATEGORY[KINDS[target["kind"]].category]
    if cmd.kind != expected:
        label = {"cancel_decrease": "異動の取消し（減）", "cancel_increase": "異動の取消し（増）",
                 "cancel_correction": "異動の取消し（修正）"}[expected]
        p.issues.append(error("cancel.wrong_kind", f"この異動の取消しは「{label}」です。", "kind", expected=expected))
        return
    for atena, before in target["before"].items():
        current = ctx.persons.get(atena)
        if current is None:
            continue
        if current.get("pending"):
            p.issues.append(_pending_error("target_document_number", atena))
            continue
        if current["history_no"] != target["after_history_no"][atena]:
            p.issues.append(error("cancel.later_changes", "この異動の後に別の異動があるため取り消せません。後の異動から取り消してください。", "target_document_number"))
            continue
        if before is None:  # the 異動 recorded this person: the record is removed (減)
            rec = dict(current)
            rec.update(status=REMOVED, removal_kind=cmd.kind, removed_on=target["event_date"], removed_text="")
        else:
            rec = dict(before)
        _put(p, atena, rec)


PLANNERS: dict[str, Callable[[Command, Context, Plan], None]] = {
    "move_in": _plan_move_in,
    "move_in_from_abroad": _plan_move_in,
    "move_within": _plan_move_within,
    "move_out": _plan_move_out,
    "move_out_abroad": _plan_move_out,
    "move_out_confirm": _plan_move_out_confirm,
    "birth": _plan_birth,
    "death": _plan_removal,
    "disappearance": _plan_removal,
    "household_split": _plan_household_split,
    "household_merge": _plan_household_merge,
    "household_change": _plan_household_change,
    "head_change": _plan_head_change,
    "ex_officio_entry": _plan_move_in,
    "ex_officio_removal": _plan_removal,
    "ex_officio_correction": _plan_correction,
    "clerical_correction": _plan_correction,
    "minor_correction": _plan_correction,
    "family_register_change": _plan_correction,
    "former_surname_entry": _plan_former_surname,
    "former_surname_deletion": _plan_former_surname,
    "alias_entry": _plan_alias,
    "alias_deletion": _plan_alias,
    "naturalization": _plan_naturalization,
    "nationality_acquisition": _plan_naturalization,
    "nationality_loss": _plan_nationality_loss,
    "foreign_entry_30_46": _plan_foreign_entry,
    "foreign_notification_30_47": _plan_foreign_30_47,
    "cancel_increase": _plan_cancel,
    "cancel_decrease": _plan_cancel,
    "cancel_correction": _plan_cancel,
}
