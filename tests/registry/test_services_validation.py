"""Validation before commit: every rejection carries a stable code, a Japanese message and the
field, and NOTHING of it is written (``desk.rejects`` compares the row counts of Person,
PersonVersion, Transaction and Household before and after) but the one operation-log row of the
refusal (result and codes checked). Errors block; alerts must be acknowledged by code and are a
different exception."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.core.errors import RuleError, Severity
from jumin.registry import services
from jumin.registry.models import Person, Transaction

D = dt.date
MY_NUMBER = "123456789018"


@pytest.fixture
def family(desk):
    r = desk.family()
    head, wife, child = r.atena_numbers
    return {"result": r, "head": head, "wife": wife, "child": child, "household": desk.person(head).household.number}


def _move_in(desk, person: dict, **data) -> dict:
    payload = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日",
               "address": {"area_code": "002001", "address_number": "9番"},
               "previous_address": {"address": "東京都三鷹市下連雀二丁目2番2号"}, "persons": [person]}
    payload.update(data)
    return payload


# ------------------------------------------------------------------------- 二重記載・再転入者 (j600)


@pytest.mark.parametrize("key", ["juminhyo_code", "my_number", "residence_card_number"])
def test_move_in_of_a_person_already_registered_is_refused(desk, key):
    if key == "residence_card_number":
        first = desk.submit("foreign_entry_30_46", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "address": {"area_code": "002001", "address_number": "1番"},
                                                    "persons": [desk.foreign_person()]})
        value = "AB12345678CD"
        again = desk.foreign_person(alphabet_name="SMITH JON", birth_date="1991-01-01")
    else:
        first = desk.single(desk.japanese_person(my_number=MY_NUMBER))
        value = MY_NUMBER if key == "my_number" else desk.person(first.atena_numbers[0]).juminhyo_code
        again = desk.japanese_person(given_name="次郎", given_kana="ジロウ")
    again[key] = value
    err = desk.rejects("move_in", _move_in(desk, again), "move_in.already_registered")
    assert err.issues[0].field == "persons.0"


def test_returning_resident_matched_by_number_reuses_the_removed_record(desk):
    r = desk.single(desk.japanese_person(my_number=MY_NUMBER))
    atena = r.atena_numbers[0]
    code = desk.person(atena).juminhyo_code
    desk.submit("move_out", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [atena],
                             "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    back = desk.submit("move_in", _move_in(desk, desk.japanese_person(my_number=MY_NUMBER, given_name="太朗")))
    assert back.atena_numbers == [atena]  # automatic: same 宛名番号
    p = desk.person(atena)
    assert p.status == "resident" and p.juminhyo_code == code and p.given_name == "太朗"
    assert p.became_resident_on == D(2025, 5, 25) and p.removed_on is None and p.removal_kind == ""
    assert [v.status for v in desk.versions(atena)] == ["resident", "removed", "resident"]
    assert Person.objects.count() == 1


def test_returning_resident_matched_by_juminhyo_code_keeps_the_my_number(desk):
    r = desk.single(desk.japanese_person(my_number=MY_NUMBER))
    atena = r.atena_numbers[0]
    before = desk.person(atena)
    desk.submit("move_out", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [atena],
                             "destination": {"address": "大阪府"}})
    back = desk.submit("move_in", _move_in(desk, desk.japanese_person(juminhyo_code=before.juminhyo_code)))
    assert back.atena_numbers == [atena]
    assert desk.person(atena).my_number_digest == before.my_number_digest != ""


def test_returning_resident_matched_by_name_is_an_alert_offering_the_candidates(desk):
    r = desk.single()
    atena = r.atena_numbers[0]
    desk.submit("move_out", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [atena],
                             "destination": {"address": "大阪府"}})
    data = _move_in(desk, desk.japanese_person())
    err = desk.rejects("move_in", data, "move_in.possible_returning_resident", exc=services.AlertsRequireAcknowledgement)
    (issue,) = err.issues
    assert issue.severity is Severity.ALERT and issue.params["candidates"] == [atena] and atena in issue.message
    # the clerk names the candidate: the 除票 is reused
    data["persons"][0]["returning_atena_number"] = atena
    assert desk.submit("move_in", data).atena_numbers == [atena]


def test_returning_resident_alert_acknowledged_without_a_choice_records_a_new_person(desk):
    r = desk.single()
    atena = r.atena_numbers[0]
    desk.submit("death", {"event_date": "令和7年5月10日", "persons": [atena]})
    new = desk.submit("move_in", _move_in(desk, desk.japanese_person()), acknowledged=["move_in.possible_returning_resident"])
    assert new.atena_numbers != [atena]
    assert new.transaction.acknowledged_alerts == ["move_in.possible_returning_resident"]


def test_a_deceased_persons_record_is_never_reused_by_a_move_in(desk):
    r = desk.single(desk.japanese_person(my_number=MY_NUMBER))
    atena = r.atena_numbers[0]
    desk.submit("death", {"event_date": "令和7年5月10日", "persons": [atena]})
    desk.rejects("move_in", _move_in(desk, desk.japanese_person(my_number=MY_NUMBER)), "move_in.deceased")
    desk.rejects("move_in", _move_in(desk, desk.japanese_person(returning_atena_number=atena)), "move_in.deceased")


def test_returning_atena_number_must_be_a_removed_record(desk, family):
    desk.rejects("move_in", _move_in(desk, desk.japanese_person(returning_atena_number=family["child"])),
                 "move_in.returning_not_removed")


@pytest.mark.parametrize("kind", ["move_in", "ex_officio_entry", "foreign_entry_30_46"])
def test_a_current_residents_namesake_is_an_alert_listing_the_candidates(desk, kind):
    """Review P2-7: a second 記載 of a current resident without numbers (same 氏名・性別・生年月日)."""
    foreign = kind == "foreign_entry_30_46"
    first = desk.submit(kind, _move_in(desk, desk.foreign_person() if foreign else desk.japanese_person()))
    again = desk.foreign_person(residence_card_number="CD87654321EF") if foreign else desk.japanese_person()
    data = _move_in(desk, again | {"relationship": "世帯主"}, address={"area_code": "001001", "address_number": "1番"})
    err = desk.rejects(kind, data, "move_in.possible_duplicate", exc=services.AlertsRequireAcknowledgement)
    (issue,) = err.issues
    assert issue.params["candidates"] == first.atena_numbers and first.atena_numbers[0] in issue.message
    assert issue.field == "persons.0"
    # a namesake born the same day exists: acknowledged, a second person is recorded
    second = desk.submit(kind, data, acknowledged=["move_in.possible_duplicate"])
    assert second.atena_numbers != first.atena_numbers
    # a different 生年月日 is no candidate
    other = (desk.foreign_person(residence_card_number="EF11223344GH", birth_date="1990-02-04") if foreign
             else desk.japanese_person(birth_date="昭和60年1月3日"))
    desk.submit(kind, _move_in(desk, other, address={"area_code": "001001", "address_number": "2番"}))


# ------------------------------------------------------------------------- 転居 (法第23条)


@pytest.mark.parametrize("extra", [{"family_name": "鈴木"}, {"birth_date": "昭和55年5月6日"}, {"honseki": "大阪府"}])
def test_move_within_refuses_anything_but_address_and_household(desk, family, extra):
    data = {"event_date": "令和7年5月1日", "persons": [family["head"], family["wife"], family["child"]],
            "address": {"area_code": "002001", "address_number": "3番4号"}} | extra
    err = desk.rejects("move_within", data, "move_within.only_address")
    assert err.issues[0].field == next(iter(extra))


def test_move_within_to_an_unknown_area(desk, family):
    desk.rejects("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["head"]],
                                 "address": {"area_code": "999999", "address_number": "1番"}}, "address.area_unknown")


def test_move_within_of_part_of_a_household_needs_one_head_among_those_moving(desk, family):
    err = desk.rejects("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月1日", "persons": [family["child"]],
                                       "address": {"area_code": "002001", "address_number": "3番4号"}}, "household.no_head")
    assert err.issues[0].field


# ------------------------------------------------------------------------- 日付 (j480, j570, 法第22条〜)


@pytest.mark.parametrize("kind, data", [
    ("move_within", {"persons": ["@head"], "address": {"area_code": "002001", "address_number": "3番"}}),
    ("death", {"persons": ["@child"]}),
    ("minor_correction", {"persons": ["@head"], "changes": {"katagaki": "A"}}),
    ("move_out_confirm", {"persons": ["@head"], "confirmed_address": "大阪府", "notice_on": "令和7年6月1日"}),
])
def test_event_date_after_today_is_an_error(desk, family, kind, data):
    data = {k: ([family[a[1:]] for a in v] if k == "persons" else v) for k, v in data.items()}
    err = desk.rejects(kind, data | {"event_date": "令和7年6月2日", "notified_on": "令和7年6月1日"}, "event_date.future")
    assert err.issues[0].field == "event_date"


def test_move_out_may_be_dated_in_the_future(desk, family):
    r = desk.submit("move_out_abroad", {"event_date": "令和8年1月10日", "persons": [family["head"], family["wife"], family["child"]],
                                        "destination": {"address": "カナダ"}})
    assert r.transaction.event_date == D(2026, 1, 10)
    assert desk.person(family["head"]).status == "resident"


def test_notified_on_after_today_is_an_error(desk, family):
    err = desk.rejects("move_within", {"event_date": "令和7年5月30日", "notified_on": "令和7年6月2日", "persons": [family["head"]],
                                       "address": {"area_code": "002001", "address_number": "3番"}}, "notified_on.future")
    assert err.issues[0].field == "notified_on"


def test_notified_on_before_the_move_is_an_error_except_for_a_move_out(desk, family):
    desk.rejects("move_within", {"event_date": "令和7年5月30日", "notified_on": "令和7年5月29日", "persons": [family["head"]],
                                 "address": {"area_code": "002001", "address_number": "3番"}}, "notified_on.before_event")
    desk.submit("move_out", {"event_date": "令和7年6月30日", "notified_on": "令和7年6月1日",
                             "persons": [family["head"], family["wife"], family["child"]], "destination": {"address": "大阪府"}})


def test_late_notification_is_an_alert_then_flagged(desk, family):
    data = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月16日", "persons": [family["head"], family["wife"], family["child"]],
            "address": {"area_code": "002001", "address_number": "3番"}}
    err = desk.rejects("move_within", data, "notification.late", exc=services.AlertsRequireAcknowledgement)
    assert [i.severity for i in err.issues] == [Severity.ALERT] and err.issues[0].field == "notified_on"
    desk.rejects("move_within", data, "notification.late", exc=services.AlertsRequireAcknowledgement,
                 acknowledged=["some.other_alert"])
    r = desk.submit("move_within", data, acknowledged=["notification.late"])
    tx = Transaction.objects.get(pk=r.transaction.pk)
    assert tx.late_notification is True and tx.acknowledged_alerts == ["notification.late"]


def test_fourteen_days_is_not_late(desk, family):
    r = desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月15日", "persons": [family["head"], family["wife"], family["child"]],
                                    "address": {"area_code": "002001", "address_number": "3番"}})
    assert r.transaction.late_notification is False and r.alerts == []


def test_ex_officio_entries_have_no_notification_period(desk, family):
    r = desk.submit("death", {"event_date": "令和7年4月2日", "persons": [family["child"]]})
    assert r.transaction.late_notification is False


# ------------------------------------------------------------------------- 世帯主 (j490, j720)


def test_head_leaving_two_members_needs_a_new_head(desk, family):
    err = desk.rejects("death", {"event_date": "令和7年5月3日", "persons": [family["head"]]}, "household.head_missing")
    assert err.issues[0].field == "new_head"
    desk.rejects("death", {"event_date": "令和7年5月3日", "persons": [family["head"]], "new_head": family["wife"]},
                 "household.relationship_required")
    desk.rejects("death", {"event_date": "令和7年5月3日", "persons": [family["head"]], "new_head": family["head"],
                           "relationships": {family["child"]: "子"}}, "household.new_head_not_member")
    desk.rejects("death", {"event_date": "令和7年5月3日", "persons": [family["head"]], "new_head": family["wife"],
                           "relationships": {family["child"]: "世帯主"}}, "household.two_heads")


def test_household_change_with_an_address_change_is_refused(desk, family):
    other = desk.single(address_number="3番4号", area_code="002001")
    target = desk.person(other.atena_numbers[0]).household.number
    data = {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [family["child"]],
            "target_household_number": target, "new_relationships": {family["child"]: "同居人"}}
    desk.rejects("household_change", data, "household_change.address_change")
    desk.rejects("household_merge", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日",
                                     "household_number": family["household"], "target_household_number": target,
                                     "new_relationships": {family["head"]: "同居人", family["wife"]: "同居人", family["child"]: "同居人"}},
                 "household_change.address_change")


@pytest.mark.parametrize("kind", ["household_split", "household_change", "head_change", "household_merge"])
def test_household_kinds_refuse_an_address_in_the_input(desk, family, kind):
    data = {"event_date": "令和7年5月10日", "persons": [family["child"]], "household_number": family["household"],
            "target_household_number": family["household"], "new_head": family["wife"],
            "address": {"area_code": "002001", "address_number": "3番4号"}}
    desk.rejects(kind, data, "household_change.address_change")


def test_household_split_of_the_whole_household_is_refused(desk, family):
    desk.rejects("household_split", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日",
                                     "persons": [family["head"], family["wife"], family["child"]],
                                     "new_relationships": {family["head"]: "世帯主", family["wife"]: "妻", family["child"]: "子"}},
                 "household_split.whole_household")


def test_move_in_into_an_existing_household_cannot_bring_a_second_head(desk, family):
    desk.rejects("move_in", _move_in(desk, desk.japanese_person(), household_number=family["household"],
                                     address={"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"}),
                 "household.two_heads")


def test_move_in_of_a_new_household_needs_exactly_one_head(desk):
    desk.rejects("move_in", _move_in(desk, desk.japanese_person(relationship="子")), "household.no_head")


# ------------------------------------------------------------------------- 消除された住民


@pytest.mark.parametrize("kind, data", [
    ("move_within", {"address": {"area_code": "002001", "address_number": "3番"}}),
    ("move_out", {"destination": {"address": "大阪府"}}),
    ("death", {}),
    ("minor_correction", {"changes": {"katagaki": "A"}}),
    ("household_split", {"new_relationships": {"@": "世帯主"}}),
])
def test_a_removed_person_cannot_be_moved(desk, family, kind, data):
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    data = {k: ({family["child"]: x for x in v.values()} if k == "new_relationships" else v) for k, v in data.items()}
    err = desk.rejects(kind, {"event_date": "令和7年5月5日", "notified_on": "令和7年5月5日", "persons": [family["child"]]} | data,
                       "person.removed")
    assert err.issues[0].field == "persons.0"


def test_a_planned_move_out_blocks_a_move_within_and_a_second_move_out(desk, family):
    everyone = [family["head"], family["wife"], family["child"]]
    desk.submit("move_out", {"event_date": "令和7年6月30日", "persons": everyone, "destination": {"address": "大阪府"}})
    desk.rejects("move_within", {"event_date": "令和7年6月1日", "persons": everyone,
                                 "address": {"area_code": "002001", "address_number": "3番"}}, "person.move_out_planned")
    desk.rejects("move_out", {"event_date": "令和7年6月30日", "persons": everyone, "destination": {"address": "京都府"}},
                 "move_out.already_planned")


# ------------------------------------------------------------------------- input


def test_unknown_kind_and_malformed_input(desk, family):
    desk.rejects("teleport", {}, "kind.unknown")
    err = desk.rejects("move_in", {"event_date": "令和7年2月30日", "persons": [{"family_name": "山田"}], "address": "x"},
                       "date.invalid", "field.required")
    fields = {i.field for i in err.issues}
    assert {"event_date", "address", "previous_address", "persons.0.birth_date"} <= fields


def test_invalid_my_number_is_refused_with_its_field(desk):
    err = desk.rejects("move_in", _move_in(desk, desk.japanese_person(my_number="123456789012")), "my_number.check_digit")
    assert err.issues[0].field == "persons.0.my_number"
    assert "123456789012" not in err.issues[0].message


def test_check_validates_without_writing(desk, family, clerk):
    before = desk.counts()
    issues = services.check(actor=clerk, kind="death", data={"event_date": "令和7年5月3日", "persons": [family["head"]]})
    assert [i.code for i in issues] == ["household.head_missing"]
    assert services.check(actor=clerk, kind="death", data={"event_date": "令和7年5月3日", "persons": [family["child"]]}) == []
    assert services.check(actor=clerk, kind="death", data={"persons": [family["child"]]})[0].code == "field.required"
    after = desk.counts()
    assert after.pop("OperationLog") == before.pop("OperationLog") + 2  # the two checks that read the register
    assert after == before
    assert desk.person(family["child"]).status == "resident"


def test_errors_are_not_alerts(desk, family):
    """An error blocks even when its code is "acknowledged"."""
    err = desk.rejects("death", {"event_date": "令和7年5月3日", "persons": [family["head"]]}, "household.head_missing",
                       acknowledged=["household.head_missing"])
    assert not isinstance(err, services.AlertsRequireAcknowledgement)
    assert all(i.severity is Severity.ERROR for i in err.issues)
    assert isinstance(err, RuleError)
