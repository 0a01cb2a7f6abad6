"""Every 異動事由 of TransactionKind end to end through ``services.submit``: the current record,
the appended version (異動事由, 異動日, 届出日, transaction) and the household afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.core.errors import RuleError
from jumin.registry import selectors, services
from jumin.registry.choices import TransactionKind
from jumin.registry.models import Household, Person, PersonVersion, Transaction


D = dt.date
MY_NUMBER = "123456789018"


def _members(number: str) -> dict[str, str]:
    """宛名番号 → 続柄 of the current members of a household."""
    return dict(Person.objects.filter(household__number=number, status="resident").values_list("atena_number", "relationship"))


def _last(atena: str) -> PersonVersion:
    return PersonVersion.objects.filter(atena_number=atena).order_by("-history_no").first()


@pytest.fixture
def family(desk):
    r = desk.family()
    head, wife, child = r.atena_numbers
    return {"result": r, "head": head, "wife": wife, "child": child, "household": desk.person(head).household.number}


# ------------------------------------------------------------------------------------ 記載


def test_move_in_records_a_new_household_with_one_version_each(desk, clerk):
    r = desk.family()
    assert r.transaction.status == "committed" and r.transaction.kind == "move_in"
    assert r.transaction.event_date == D(2025, 4, 1) and r.transaction.notified_on == D(2025, 4, 3)
    assert r.transaction.late_notification is False
    head, wife, child = (desk.person(a) for a in r.atena_numbers)
    assert head.household_id == wife.household_id == child.household_id
    assert [head.relationship, wife.relationship, child.relationship] == ["世帯主", "妻", "子"]
    assert [head.member_order, wife.member_order, child.member_order] == [1, 2, 3]
    assert head.address == "東京都小金井市本町一丁目1番2号" and head.katagaki == "コーポ本町101"
    assert head.postal_code == "1840004" and head.area.code == "001001"
    assert head.became_resident_on == head.address_set_on == D(2025, 4, 1)
    assert head.notified_on == D(2025, 4, 3)
    assert head.prev_address == "東京都三鷹市下連雀一丁目1番1号" and head.prev_municipality_code == "132047"
    assert head.birth_date == D(1980, 5, 5) and head.sex == "1" and wife.sex == "2"
    codes = {p.juminhyo_code for p in (head, wife, child)}
    assert len(codes) == 3 and all(len(c) == 11 for c in codes)
    for p in (head, wife, child):
        (v,) = desk.versions(p.atena_number)
        assert (v.history_no, v.reason, v.event_date, v.reported_on) == (1, "move_in", D(2025, 4, 1), D(2025, 4, 3))
        assert v.transaction_id == r.transaction.pk and v.operator == clerk
        assert v.address == p.address and v.juminhyo_code == p.juminhyo_code
    assert r.household_numbers == [head.household.number]
    assert Transaction.objects.get(pk=r.transaction.pk).subjects == r.atena_numbers


def test_move_in_into_an_existing_household_at_the_same_address(desk, family):
    r = desk.submit("move_in", {
        "event_date": "令和7年5月10日", "notified_on": "令和7年5月12日",
        "address": {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"},
        "previous_address": {"address": "大阪府大阪市北区梅田一丁目1番1号"},
        "household_number": family["household"],
        "persons": [desk.japanese_person(family_name="山田", given_name="梅", given_kana="ウメ", family_name_kana="ヤマダ",
                                    sex="女", relationship="母", birth_date="昭和25年3月3日")],
    })
    (mother,) = r.atena_numbers
    assert desk.person(mother).household.number == family["household"]
    assert desk.person(mother).member_order == 4
    assert _members(family["household"])[mother] == "母"


def test_move_in_from_abroad(desk):
    r = desk.submit("move_in_from_abroad", {
        "event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "9番9号"},
        "previous_address": {"address": "アメリカ合衆国"}, "persons": [desk.japanese_person()]})
    p = desk.person(r.atena_numbers[0])
    assert p.prev_address == "国外（アメリカ合衆国）" and p.status == "resident" and p.relationship == "世帯主"
    assert _last(p.atena_number).reason == "move_in_from_abroad"
    assert r.transaction.notified_on == D(2025, 6, 1)  # 届出日 defaults to today


def test_move_in_from_abroad_without_a_previous_address_records_abroad(desk):
    """The 従前の住所 abroad may be unknown: the 転入前住所 is then 国外 (review P3-15: the default
    was dead code because the parser required the address)."""
    r = desk.submit("move_in_from_abroad", {
        "event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "9番9号"},
        "persons": [desk.japanese_person()]})
    assert desk.person(r.atena_numbers[0]).prev_address == "国外"


def test_ex_officio_entry_without_previous_address_records_the_unregistered_period(desk):
    r = desk.submit("ex_officio_entry", {
        "event_date": "令和7年5月1日", "unregistered_from": "令和7年1月1日",
        "address": {"area_code": "001002", "address_number": "8番"}, "persons": [desk.japanese_person()]})
    p = desk.person(r.atena_numbers[0])
    assert p.prev_address == "" and (p.unregistered_from, p.unregistered_to) == (D(2025, 1, 1), D(2025, 5, 1))
    assert r.transaction.late_notification is False  # 職権: no 届出期間


def test_foreign_entry_30_46(desk):
    r = desk.submit("foreign_entry_30_46", {
        "event_date": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "1番"},
        "persons": [desk.foreign_person()]})
    p = desk.person(r.atena_numbers[0])
    assert p.resident_type == "foreign" and p.alphabet_name == "SMITH JOHN"
    assert p.became_foreign_resident_on == D(2025, 5, 20) and p.prev_address == "国外"
    assert p.residence_card_number == "AB12345678CD" and p.stay_expires_on == D(2027, 4, 1)
    assert p.juminhyo_code and p.honseki == ""


def test_foreign_notification_30_47_records_a_foreigner_already_living_in_the_city(desk):
    """住基法第30条の47: not a 転入 — no 従前の住所; the 住所を定めた年月日 may precede the 異動日."""
    r = desk.submit("foreign_notification_30_47", {
        "event_date": "令和7年5月20日", "address_set_on": "令和7年2月1日",
        "address": {"area_code": "002001", "address_number": "2番"},
        "persons": [desk.foreign_person(residence_card_number="CD87654321EF")]})
    p = desk.person(r.atena_numbers[0])
    assert p.status == "resident" and p.resident_type == "foreign"
    assert p.prev_address == "" and p.address_set_on == D(2025, 2, 1)
    assert p.became_foreign_resident_on == D(2025, 5, 20)
    assert _last(p.atena_number).reason == "foreign_notification_30_47"


def test_foreign_notification_30_47_refuses_a_person_already_a_foreign_resident(desk):
    desk.submit("foreign_entry_30_46", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "address": {"area_code": "002001", "address_number": "1番"},
                                        "persons": [desk.foreign_person()]})
    desk.rejects("foreign_notification_30_47", {
        "event_date": "令和7年5月20日", "notified_on": "令和7年5月20日", "address": {"area_code": "002001", "address_number": "1番"},
        "persons": [desk.foreign_person()]}, "move_in.already_registered")


def test_birth_joins_the_household_at_its_address(desk, family):
    r = desk.submit("birth", {
        "event_date": "令和7年5月30日", "household_number": family["household"],
        "child": {"family_name": "山田", "given_name": "次郎", "family_name_kana": "ヤマダ", "given_name_kana": "ジロウ",
                  "birth_date": "令和7年5月30日", "sex": "男", "relationship": "子", "honseki": "東京都三鷹市下連雀一丁目1番地"}})
    child = desk.person(r.atena_numbers[0])
    head = desk.person(family["head"])
    assert child.household_id == head.household_id and child.address == head.address and child.katagaki == head.katagaki
    assert child.became_resident_on == child.address_set_on == D(2025, 5, 30)
    assert child.member_order == 4 and child.prev_address == ""
    assert _last(child.atena_number).reason == "birth"


def test_birth_date_must_equal_the_event_date(desk, family):
    desk.rejects("birth", {
        "event_date": "令和7年5月30日", "household_number": family["household"],
        "child": {"family_name": "山田", "given_name": "次郎", "family_name_kana": "ヤマダ", "given_name_kana": "ジロウ",
                  "birth_date": "令和7年5月29日", "sex": "男", "relationship": "子", "honseki": "東京都"}}, "birth.date_mismatch")


def test_a_foreign_child_defaults_to_transitional_stay_by_birth(desk, family):
    """A foreign child's 第30条の45区分 may be omitted: 出生による経過滞在者 (review P3-15: the default
    was dead code because the parser required the field)."""
    r = desk.submit("birth", {
        "event_date": "令和7年5月30日", "household_number": family["household"],
        "child": {"resident_type": "foreign", "alphabet_name": "YAMADA JIRO", "nationality_code": "USA",
                  "nationality_name": "アメリカ合衆国", "birth_date": "令和7年5月30日", "sex": "男", "relationship": "子"}})
    child = desk.person(r.atena_numbers[0])
    assert child.foreign_category == "transitional_birth" and child.became_foreign_resident_on == D(2025, 5, 30)


@pytest.mark.parametrize("kind", ["death", "disappearance"])
def test_an_unknown_date_of_death_or_disappearance_is_accepted(desk, family, kind):
    """標準仕様書 j80: 不詳日 for the 異動日 of 死亡・失踪 — 年月日不詳 too (review P2-8: it was refused
    as event_date.required)."""
    r = desk.submit(kind, {"event_date": "年月日不詳", "persons": [family["child"]]})
    tx = r.transaction
    assert (tx.event_date, tx.event_date_text) == (None, "年月日不詳")
    child = desk.person(family["child"])
    assert child.status == "removed" and (child.removed_on, child.removed_text) == (None, "年月日不詳")
    assert (_last(child.atena_number).event_date, _last(child.atena_number).event_date_text) == (None, "年月日不詳")


def test_a_birth_of_unknown_date_is_accepted(desk, family):
    r = desk.submit("birth", {
        "event_date": "年月日不詳", "household_number": family["household"],
        "child": {"family_name": "山田", "given_name": "次郎", "family_name_kana": "ヤマダ", "given_name_kana": "ジロウ",
                  "birth_date": "年月日不詳", "sex": "男", "relationship": "子", "honseki": "東京都"}})
    assert (r.transaction.event_date, r.transaction.event_date_text) == (None, "年月日不詳")
    child = desk.person(r.atena_numbers[0])
    assert (child.birth_date, child.birth_date_text, child.became_resident_text) == (None, "年月日不詳", "年月日不詳")


# ------------------------------------------------------------------------------------ 修正 (住所)


def test_move_within_whole_household_keeps_the_household(desk, family):
    before = Household.objects.get(number=family["household"]).version
    r = desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日",
                                    "persons": [family["head"], family["wife"], family["child"]],
                                    "address": {"area_code": "002001", "address_number": "3番4号"}})
    for a in (family["head"], family["wife"], family["child"]):
        p = desk.person(a)
        assert p.household.number == family["household"]
        assert p.address == "東京都小金井市緑町一丁目3番4号" and p.katagaki == ""
        assert p.before_move_address == "東京都小金井市本町一丁目1番2号"
        assert p.address_set_on == D(2025, 5, 1) and p.became_resident_on == D(2025, 4, 1)
        assert p.prev_address == "東京都三鷹市下連雀一丁目1番1号"  # 転入前住所 is kept
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}
    assert Household.objects.get(number=family["household"]).version == before + 1
    assert r.household_numbers == [family["household"]]


def test_move_within_of_the_head_alone_makes_the_last_member_head_automatically(desk, family):
    desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["child"]],
                                "relationships": {family["child"]: "世帯主"},
                                "address": {"area_code": "002001", "address_number": "3番4号"}})
    r = desk.submit("move_within", {"event_date": "令和7年5月3日", "notified_on": "令和7年5月3日", "persons": [family["head"]],
                                    "address": {"area_code": "002001", "address_number": "7番"}})
    # 標準仕様書 j490: one member remains → 世帯主 ex officio, no acknowledgement needed
    assert _members(family["household"]) == {family["wife"]: "世帯主"}
    assert _last(family["wife"]).reason == "head_change"
    assert _last(family["wife"]).transaction_id == r.transaction.pk
    assert any("世帯主" in n for n in r.notices)
    head = desk.person(family["head"])
    assert head.relationship == "世帯主" and head.household.number != family["household"]


def test_move_within_into_another_household_needs_the_relationship_to_its_head(desk, family):
    other = desk.single(address_number="3番4号", area_code="002001")
    other_household = desk.person(other.atena_numbers[0]).household.number
    data = {"event_date": "令和7年5月5日", "notified_on": "令和7年5月5日", "persons": [family["child"]], "household_number": other_household,
            "address": {"area_code": "002001", "address_number": "3番4号"}}
    desk.rejects("move_within", data, "household.relationship_required")
    desk.submit("move_within", data | {"relationships": {family["child"]: "同居人"}})
    assert _members(other_household) == {other.atena_numbers[0]: "世帯主", family["child"]: "同居人"}
    assert desk.person(family["child"]).member_order == 2


# ------------------------------------------------------------------------------------ 転出


def test_move_out_effective_today_removes_and_keeps_the_record_as_a_removed_record(desk, family):
    r = desk.submit("move_out", {"event_date": "令和7年5月31日", "persons": [family["head"], family["wife"], family["child"]],
                                 "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号", "municipality_code": "271276"}})
    for a in r.atena_numbers:
        p = desk.person(a)
        assert p.status == "removed" and p.removal_kind == "move_out" and p.removed_on == D(2025, 5, 31)
        assert p.move_out_address == "大阪府大阪市北区梅田一丁目1番1号" and p.move_out_planned_on == D(2025, 5, 31)
        assert p.address == "東京都小金井市本町一丁目1番2号"  # the 除票 keeps the last address
        assert [v.status for v in desk.versions(a)] == ["resident", "removed"]


def test_move_out_with_a_future_date_is_a_plan_until_the_move_in_notice(desk, family):
    """標準仕様書 j480/j50/j680: 転出予定 keeps the person a resident; the 転入通知 records the 確定
    values beside the 予定 values and removes the record as of the earlier date."""
    everyone = [family["head"], family["wife"], family["child"]]
    r = desk.submit("move_out", {"event_date": "令和7年6月20日", "persons": everyone,
                                 "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号", "municipality_code": "271276"}})
    assert r.notices
    for a in everyone:
        p = desk.person(a)
        assert p.status == "resident" and p.move_out_planned_on == D(2025, 6, 20) and p.removed_on is None
    desk.today.set(D(2025, 6, 25))
    desk.submit("move_out_confirm", {"event_date": "令和7年6月18日", "persons": everyone,
                                     "confirmed_address": "大阪府大阪市北区梅田二丁目2番2号", "notice_on": "令和7年6月24日"})
    for a in everyone:
        p = desk.person(a)
        assert p.status == "removed" and p.removal_kind == "move_out"
        assert p.removed_on == D(2025, 6, 18)  # the 転入日 came before the 予定日
        assert p.move_out_address == "大阪府大阪市北区梅田一丁目1番1号"  # 予定 not overwritten
        assert p.move_out_planned_on == D(2025, 6, 20)
        assert p.move_out_confirmed_address == "大阪府大阪市北区梅田二丁目2番2号"
        assert p.move_out_confirmed_on == D(2025, 6, 18) and p.move_in_notice_on == D(2025, 6, 24)
        assert [v.reason for v in desk.versions(a)] == ["move_in", "move_out", "move_out_confirm"]


def test_move_in_notice_for_a_person_already_removed(desk, family):
    everyone = [family["head"], family["wife"], family["child"]]
    desk.submit("move_out", {"event_date": "令和7年5月20日", "persons": everyone,
                             "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    desk.submit("move_out_confirm", {"event_date": "令和7年5月21日", "persons": [family["head"]],
                                     "confirmed_address": "大阪府大阪市北区梅田一丁目1番1号", "notice_on": "令和7年5月25日"})
    p = desk.person(family["head"])
    assert p.removed_on == D(2025, 5, 20) and p.move_out_confirmed_on == D(2025, 5, 21)
    desk.rejects("move_out_confirm", {"event_date": "令和7年5月21日", "persons": [family["head"]],
                                      "confirmed_address": "大阪府", "notice_on": "令和7年5月26日"},
                 "move_out_confirm.already_confirmed")


def test_move_in_notice_for_a_person_removed_ex_officio(desk, family):
    """j680: a 転入通知 may be received for a person removed by 職権消除."""
    desk.submit("ex_officio_removal", {"event_date": "令和7年5月10日", "persons": [family["child"]]})
    desk.submit("move_out_confirm", {"event_date": "令和7年5月1日", "persons": [family["child"]],
                                     "confirmed_address": "大阪府大阪市北区梅田一丁目1番1号", "notice_on": "令和7年5月25日"})
    p = desk.person(family["child"])
    assert p.status == "removed" and p.removal_kind == "ex_officio_removal" and p.move_in_notice_on == D(2025, 5, 25)


def test_move_in_notice_needs_a_move_out(desk, family):
    data = {"event_date": "令和7年5月1日", "persons": [family["child"]], "confirmed_address": "大阪府", "notice_on": "令和7年5月25日"}
    desk.rejects("move_out_confirm", data, "move_out_confirm.no_move_out")
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    desk.rejects("move_out_confirm", data, "move_out_confirm.not_moved_out")


def test_move_out_abroad(desk, family):
    desk.submit("move_out_abroad", {"event_date": "令和7年5月31日", "persons": [family["head"], family["wife"], family["child"]],
                                    "destination": {"address": "カナダ"}})
    p = desk.person(family["wife"])
    assert p.status == "removed" and p.removal_kind == "move_out_abroad" and p.move_out_address == "カナダ"
    desk.rejects("move_out_confirm", {"event_date": "令和7年5月31日", "persons": [family["wife"]],
                                      "confirmed_address": "カナダ", "notice_on": "令和7年5月31日"},
                 "move_out_confirm.not_moved_out")


def test_planned_move_out_of_the_head_changes_the_head_when_it_takes_effect(desk, family, clerk):
    r = desk.submit("move_out", {"event_date": "令和7年6月10日", "persons": [family["head"]],
                                 "new_head": family["wife"], "relationships": {family["child"]: "子"},
                                 "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    # nothing changes for those who stay while it is only a 予定: still one 世帯主
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}
    desk.today.set(D(2025, 6, 9))
    assert services.apply_due_move_outs(actor=clerk).results == []
    desk.today.set(D(2025, 6, 10))
    out = services.apply_due_move_outs(actor=clerk)
    assert out.failures == {} and len(out.results) == 1
    head = desk.person(family["head"])
    assert head.status == "removed" and head.removed_on == D(2025, 6, 10) and head.removal_kind == "move_out"
    assert _members(family["household"]) == {family["wife"]: "世帯主", family["child"]: "子"}
    # the effect belongs to the 転出届 itself, with its 異動日
    assert _last(family["head"]).transaction_id == r.transaction.pk and _last(family["head"]).event_date == D(2025, 6, 10)
    assert _last(family["wife"]).reason == "head_change" and _last(family["wife"]).transaction_id == r.transaction.pk
    assert services.apply_due_move_outs(actor=clerk).results == []  # idempotent


def test_planned_move_out_of_the_head_needs_a_new_head_when_two_stay(desk, family):
    desk.rejects("move_out", {"event_date": "令和7年6月10日", "persons": [family["head"]],
                              "destination": {"address": "大阪府"}}, "household.head_missing")


def test_confirming_a_planned_move_out_of_the_head_applies_the_new_head(desk, family):
    desk.submit("move_out", {"event_date": "令和7年6月10日", "persons": [family["head"]],
                             "new_head": family["wife"], "relationships": {family["child"]: "子"},
                             "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    desk.submit("move_out_confirm", {"event_date": "令和7年5月31日", "persons": [family["head"]],
                                     "confirmed_address": "大阪府大阪市北区梅田一丁目1番1号", "notice_on": "令和7年6月1日"})
    assert desk.person(family["head"]).status == "removed"
    assert _members(family["household"]) == {family["wife"]: "世帯主", family["child"]: "子"}


# ------------------------------------------------------------------------------------ 消除


@pytest.mark.parametrize("kind", ["death", "disappearance", "ex_officio_removal"])
def test_removal_kinds_keep_a_removed_record(desk, family, kind):
    desk.submit(kind, {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    p = desk.person(family["child"])
    assert p.status == "removed" and p.removal_kind == kind and p.removed_on == D(2025, 5, 3)
    assert len(desk.versions(family["child"])) == 2
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻"}


def test_death_with_an_unknown_date(desk, family):
    desk.submit("death", {"event_date": "令和7年5月頃", "persons": [family["child"]]})
    p = desk.person(family["child"])
    assert p.status == "removed" and p.removed_text == "令和7年5月頃" and p.removed_on is not None


def test_death_of_the_head_of_two_makes_the_other_head(desk, family):
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    desk.submit("death", {"event_date": "令和7年5月4日", "persons": [family["head"]]})
    assert _members(family["household"]) == {family["wife"]: "世帯主"}


def test_death_of_the_head_with_a_new_head_named(desk, family):
    desk.submit("death", {"event_date": "令和7年5月4日", "persons": [family["head"]],
                          "new_head": family["wife"], "relationships": {family["child"]: "子"}})
    assert _members(family["household"]) == {family["wife"]: "世帯主", family["child"]: "子"}


# ------------------------------------------------------------------------------------ 世帯


def test_household_split_then_merge(desk, family):
    desk.submit("household_split", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["child"]],
                                    "new_relationships": {family["child"]: "世帯主"}})
    child = desk.person(family["child"])
    assert child.household.number != family["household"] and child.relationship == "世帯主"
    assert child.address == desk.person(family["head"]).address  # same address
    new_household = child.household.number
    desk.submit("household_merge", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "household_number": new_household,
                                    "target_household_number": family["household"],
                                    "new_relationships": {family["child"]: "子"}})
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}
    assert _members(new_household) == {}
    assert [v.reason for v in desk.versions(family["child"])] == ["move_in", "household_split", "household_merge"]


def test_household_change_of_a_member_into_another_household_at_the_same_address(desk, family):
    desk.submit("household_split", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["wife"], family["child"]],
                                    "new_relationships": {family["wife"]: "世帯主", family["child"]: "子"}})
    new_household = desk.person(family["wife"]).household.number
    desk.submit("household_change", {"event_date": "令和7年5月2日", "notified_on": "令和7年5月2日", "persons": [family["child"]],
                                     "target_household_number": family["household"],
                                     "new_relationships": {family["child"]: "子"}})
    assert _members(new_household) == {family["wife"]: "世帯主"}
    assert _members(family["household"]) == {family["head"]: "世帯主", family["child"]: "子"}


def test_head_change_re_expresses_every_relationship(desk, family):
    desk.submit("head_change", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "household_number": family["household"],
                                "new_head": family["wife"],
                                "relationships": {family["head"]: "夫", family["child"]: "子"}})
    assert _members(family["household"]) == {family["wife"]: "世帯主", family["head"]: "夫", family["child"]: "子"}
    assert {_last(a).reason for a in (family["head"], family["wife"], family["child"])} == {"head_change"}


# ------------------------------------------------------------------------------------ 修正


def test_ex_officio_correction(desk, family):
    desk.submit("ex_officio_correction", {"event_date": "令和7年5月1日", "persons": [family["child"]],
                                          "changes": {"birth_date": "平成22年1月2日", "nhi_insured": True}})
    p = desk.person(family["child"])
    assert p.birth_date == D(2010, 1, 2) and p.nhi_insured is True
    assert [v.birth_date for v in desk.versions(family["child"])] == [D(2010, 1, 1), D(2010, 1, 2)]


def test_clerical_correction_may_correct_a_removed_record(desk, family):
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    desk.submit("clerical_correction", {"event_date": "令和7年5月10日", "persons": [family["child"]],
                                        "changes": {"given_name": "壱郎"}})
    p = desk.person(family["child"])
    assert p.given_name == "壱郎" and p.status == "removed"
    assert p.name_kanji_key == "山田壱郎"  # search keys follow


def test_minor_correction_of_the_address_number_recomposes_the_address(desk, family):
    desk.submit("minor_correction", {"event_date": "令和7年5月1日", "persons": [family["head"]],
                                     "changes": {"address_number": "1番3号", "katagaki": "コーポ本町102"}})
    p = desk.person(family["head"])
    assert (p.address, p.address_number, p.katagaki) == ("東京都小金井市本町一丁目1番3号", "1番3号", "コーポ本町102")


def test_minor_correction_refuses_other_fields(desk, family):
    desk.rejects("minor_correction", {"event_date": "令和7年5月1日", "persons": [family["head"]],
                                      "changes": {"birth_date": "昭和55年5月6日"}}, "correction.field_not_allowed")


@pytest.mark.parametrize("changes, field, value", [
    ({"family_name": "鈴木", "family_name_kana": "スズキ"}, "family_name", "鈴木"),
    ({"honseki": "東京都小金井市本町一丁目1番地"}, "honseki", "東京都小金井市本町一丁目1番地"),
    ({"hittosha": "山田花子"}, "hittosha", "山田花子"),
])
def test_family_register_change(desk, family, changes, field, value):
    """戸籍届出による修正 (法第9条第2項): 氏名, 本籍, 筆頭者."""
    desk.submit("family_register_change", {"event_date": "令和7年5月1日", "persons": [family["wife"]], "changes": changes})
    assert getattr(desk.person(family["wife"]), field) == value
    assert _last(family["wife"]).reason == "family_register_change"


def test_family_register_change_refuses_the_address(desk, family):
    desk.rejects("family_register_change", {"event_date": "令和7年5月1日", "persons": [family["wife"]],
                                            "changes": {"katagaki": "X"}}, "correction.field_not_allowed")


def test_correction_cannot_make_a_head(desk, family):
    desk.rejects("ex_officio_correction", {"event_date": "令和7年5月1日", "persons": [family["wife"]],
                                           "changes": {"relationship": "世帯主"}}, "correction.head_via_head_change")


def test_former_surname_entry_and_deletion(desk, family):
    desk.submit("former_surname_entry", {"event_date": "令和7年5月1日", "persons": [family["wife"]],
                                         "former_surname": "佐藤", "former_surname_kana": "サトウ"})
    assert (desk.person(family["wife"]).former_surname, desk.person(family["wife"]).former_surname_kana) == ("佐藤", "サトウ")
    desk.submit("former_surname_deletion", {"event_date": "令和7年5月2日", "persons": [family["wife"]]})
    assert desk.person(family["wife"]).former_surname == ""
    desk.rejects("former_surname_deletion", {"event_date": "令和7年5月3日", "persons": [family["wife"]]}, "former_surname.none")


def test_alias_entry_and_deletion_keep_the_alias_history(desk):
    r = desk.submit("foreign_entry_30_46", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "address": {"area_code": "002001", "address_number": "1番"},
                                            "persons": [desk.foreign_person()]})
    a = r.atena_numbers[0]
    desk.submit("alias_entry", {"event_date": "令和7年5月2日", "notified_on": "令和7年5月2日", "persons": [a], "alias": "須見寿", "alias_kana": "スミス"})
    p = desk.person(a)
    assert (p.alias, p.alias_kana, p.alias_kana_key) == ("須見寿", "スミス", "スミス")
    desk.submit("alias_deletion", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [a]})
    p = desk.person(a)
    assert p.alias == "" and p.alias_kana_key == ""
    assert p.alias_history == [{"alias": "須見寿", "alias_kana": "スミス", "recorded_on": "2025-05-02", "recorded_by": "132101",
                                "deleted_on": "2025-05-10", "deleted_by": "132101"}]


def test_alias_is_for_foreign_residents_only(desk, family):
    desk.rejects("alias_entry", {"event_date": "令和7年5月2日", "persons": [family["head"]], "alias": "山太", "alias_kana": "ヤマタ"},
                 "alias.foreign_only")


# ------------------------------------------------------------------------------------ 国籍


@pytest.mark.parametrize("kind", ["naturalization", "nationality_acquisition"])
def test_naturalization_removes_the_foreign_record_and_records_a_japanese_one(desk, kind):
    """標準仕様書 j930/j940: same 宛名番号, 住民票コード, 個人番号, address, household, 続柄; the
    外国人住民となった年月日 becomes the 住民となった年月日; the 外国人住民票 is kept as a 除票."""
    r = desk.submit("foreign_entry_30_46", {"event_date": "令和7年4月1日", "notified_on": "令和7年4月1日", "address": {"area_code": "002001", "address_number": "1番"},
                                            "persons": [desk.foreign_person(my_number=MY_NUMBER, alias="須見寿", alias_kana="スミス")]})
    a = r.atena_numbers[0]
    before = desk.person(a)
    desk.submit(kind, {"event_date": "令和7年5月15日", "notified_on": "令和7年5月15日", "persons": [a],
                       "japanese": {"family_name": "須見", "given_name": "寿", "family_name_kana": "スミ", "given_name_kana": "ヒサシ",
                                    "honseki": "東京都小金井市緑町一丁目1番地", "hittosha": "須見寿"}})
    p = desk.person(a)
    assert p.resident_type == "japanese" and p.status == "resident"
    assert (p.family_name, p.given_name, p.honseki) == ("須見", "寿", "東京都小金井市緑町一丁目1番地")
    assert p.juminhyo_code == before.juminhyo_code and p.my_number_digest == before.my_number_digest
    assert (p.address, p.household_id, p.relationship, p.birth_date) == (before.address, before.household_id, "世帯主", before.birth_date)
    assert p.became_resident_on == D(2025, 4, 1)
    assert p.alphabet_name == p.nationality_code == p.residence_card_number == p.alias == "" and p.stay_expires_on is None
    old, new = desk.versions(a)[-2:]
    assert (old.status, old.resident_type, old.removal_kind, old.removed_on) == ("removed", "foreign", kind, D(2025, 5, 15))
    assert old.alphabet_name == "SMITH JOHN"
    assert (new.status, new.resident_type, new.removal_kind) == ("resident", "japanese", "")
    assert old.transaction_id == new.transaction_id


def test_nationality_loss_removes_the_japanese_record_and_records_a_foreign_one(desk, family):
    desk.submit("nationality_loss", {"event_date": "令和7年5月15日", "persons": [family["child"]],
                                     "foreign": {"alphabet_name": "YAMADA ICHIRO", "nationality_code": "USA",
                                                 "nationality_name": "アメリカ合衆国", "foreign_category": "transitional_loss"}})
    p = desk.person(family["child"])
    assert p.resident_type == "foreign" and p.status == "resident" and p.honseki == "" and p.hittosha == ""
    assert p.foreign_category == "transitional_loss" and p.became_foreign_resident_on == D(2025, 5, 15)
    assert p.alphabet_name == "YAMADA ICHIRO" and p.household.number == family["household"]
    old, new = desk.versions(family["child"])[-2:]
    assert (old.status, old.resident_type, old.honseki) == ("removed", "japanese", "東京都三鷹市下連雀一丁目1番地")
    assert new.status == "resident"


def test_naturalization_of_a_japanese_resident_is_refused(desk, family):
    desk.rejects("naturalization", {"event_date": "令和7年5月15日", "persons": [family["head"]],
                                    "japanese": {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
                                                 "given_name_kana": "タロウ", "honseki": "東京都"}}, "naturalization.not_foreign")


# ------------------------------------------------------------------------------------ 取消し


def test_cancel_decrease_undoes_a_move_in_by_appending(desk, family):
    r = family["result"]
    c = desk.submit("cancel_decrease", {"target_document_number": r.transaction.document_number})
    assert c.transaction.cancels_id == r.transaction.pk and c.transaction.event_date == D(2025, 4, 1)
    for a in r.atena_numbers:
        p = desk.person(a)
        assert p.status == "removed" and p.removal_kind == "cancel_decrease"
        assert [v.reason for v in desk.versions(a)] == ["move_in", "cancel_decrease"]  # appended, never deleted
    assert Transaction.objects.filter(pk=r.transaction.pk).exists()
    desk.rejects("cancel_decrease", {"target_document_number": r.transaction.document_number}, "cancel.already_cancelled")


def test_cancel_increase_undoes_a_death_and_the_automatic_head(desk, family):
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    r = desk.submit("death", {"event_date": "令和7年5月4日", "persons": [family["head"]]})
    assert _members(family["household"]) == {family["wife"]: "世帯主"}
    desk.submit("cancel_increase", {"target_document_number": r.transaction.document_number})
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻"}
    head = desk.person(family["head"])
    assert head.status == "resident" and head.removed_on is None and head.removal_kind == ""


def test_cancel_correction_of_a_move_within_restores_the_former_household(desk, family):
    r = desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["head"], family["child"]],
                                    "address": {"area_code": "002001", "address_number": "3番4号"}})
    assert desk.person(family["head"]).household.number != family["household"]
    assert _members(family["household"]) == {family["wife"]: "世帯主"}
    desk.submit("cancel_correction", {"target_document_number": r.transaction.document_number})
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}
    assert desk.person(family["head"]).address == "東京都小金井市本町一丁目1番2号"


def test_cancel_of_a_planned_move_out_that_took_effect_restores_both_steps(desk, family, clerk):
    r = desk.submit("move_out", {"event_date": "令和7年6月10日", "persons": [family["head"]],
                                 "new_head": family["wife"], "relationships": {family["child"]: "子"},
                                 "destination": {"address": "大阪府"}})
    desk.today.set(D(2025, 6, 12))
    services.apply_due_move_outs(actor=clerk)
    desk.submit("cancel_increase", {"target_document_number": r.transaction.document_number})
    head = desk.person(family["head"])
    assert head.status == "resident" and head.move_out_planned_on is None and head.move_out_address == ""
    assert _members(family["household"]) == {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}


def test_cancel_requires_the_matching_kind_and_no_later_change(desk, family):
    r = desk.submit("minor_correction", {"event_date": "令和7年5月1日", "persons": [family["head"]], "changes": {"katagaki": "A"}})
    desk.rejects("cancel_decrease", {"target_document_number": r.transaction.document_number}, "cancel.wrong_kind")
    desk.submit("minor_correction", {"event_date": "令和7年5月2日", "persons": [family["head"]], "changes": {"katagaki": "B"}})
    desk.rejects("cancel_correction", {"target_document_number": r.transaction.document_number}, "cancel.later_changes")
    desk.rejects("cancel_correction", {"target_document_number": "2025-99999999"}, "cancel.not_found")


def test_cancel_of_a_returning_resident_restores_the_removed_record(desk):
    r1 = desk.single(desk.japanese_person(my_number=MY_NUMBER))
    a = r1.atena_numbers[0]
    desk.submit("move_out", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [a], "destination": {"address": "大阪府"}})
    back = desk.single(desk.japanese_person(my_number=MY_NUMBER), event_date="令和7年5月20日", notified_on="令和7年5月21日")
    assert back.atena_numbers == [a]
    desk.submit("cancel_decrease", {"target_document_number": back.transaction.document_number})
    p = desk.person(a)
    assert p.status == "removed" and p.removal_kind == "move_out"  # the 除票 as it was


# ------------------------------------------------------------------------------------ coverage


KIND_TESTS = {
    "move_in", "move_in_from_abroad", "move_within", "move_out", "move_out_abroad", "move_out_confirm", "birth", "death",
    "disappearance", "household_split", "household_merge", "household_change", "head_change", "ex_officio_entry",
    "ex_officio_removal", "ex_officio_correction", "clerical_correction", "minor_correction", "family_register_change",
    "former_surname_entry", "former_surname_deletion", "alias_entry", "alias_deletion", "naturalization",
    "nationality_acquisition", "nationality_loss", "foreign_entry_30_46", "foreign_notification_30_47",
    "cancel_increase", "cancel_decrease", "cancel_correction",
}


def test_every_kind_has_an_end_to_end_test_here():
    """A new 異動事由 must get its end-to-end test in this module."""
    assert set(TransactionKind.values) == KIND_TESTS
    source = open(__file__, encoding="utf-8").read()
    for kind in KIND_TESTS:
        assert f'"{kind}"' in source.split("KIND_TESTS = {")[0], kind


def test_selectors_read_back_what_was_written(desk, family, clerk):
    p = selectors.get_person(actor=clerk, atena_number=family["head"])
    assert p.full_name == "山田\u3000太郎"
    household, members = selectors.get_household(actor=clerk, number=family["household"])
    assert [m.atena_number for m in members] == [family["head"], family["wife"], family["child"]]
    with pytest.raises(RuleError):
        selectors.get_person(actor=clerk, atena_number="0000000000")
