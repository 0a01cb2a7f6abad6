"""二重記載の防止 (標準仕様書 j600): 住民票コード, 個人番号 and 在留カード等番号 each identify one
person. The planner refuses a number another person holds (corrections included) or one entered
for two persons of the same 異動; the partial unique constraints on Person are the net under two
clerks racing, and their violation is the same clean error, never a 500 (review P1.2)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction as db_transaction

from jumin.audit.models import OperationLog
from jumin.identifiers import protection
from jumin.registry import services
from jumin.registry.models import Person

MY_NUMBER = "123456789018"
MY_NUMBER_2 = "621498320257"
JCODE = "12345678903"  # a valid 住民票コード (check digit 3), fictional
CARD = "AB12345678CD"
CARD_2 = "CD87654321EF"
CODE = {"juminhyo_code": "identity.duplicate_juminhyo_code", "my_number": "identity.duplicate_my_number",
        "residence_card_number": "identity.duplicate_residence_card"}


def _entry(desk, persons, kind="move_in") -> dict:
    data = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日",
            "address": {"area_code": "002001", "address_number": "9番"}, "persons": persons}
    if kind == "move_in":
        data["previous_address"] = {"address": "東京都三鷹市下連雀二丁目2番2号"}
    return data


def _two(desk, key: str, value: str) -> tuple[str, list[dict]]:
    if key == "residence_card_number":
        first = desk.foreign_person(residence_card_number=value)
        second = desk.foreign_person(alphabet_name="SMITH JANE", sex="女", relationship="妻", residence_card_number=value)
        return "foreign_entry_30_46", [first, second]
    first = desk.japanese_person(**{key: value})
    second = desk.japanese_person(given_name="花子", given_kana="ハナコ", sex="女", relationship="妻", **{key: value})
    return "move_in", [first, second]


@pytest.mark.parametrize("key, value", [("juminhyo_code", JCODE), ("my_number", MY_NUMBER),
                                        ("residence_card_number", CARD)])
def test_two_persons_of_one_entry_with_the_same_number_are_refused(desk, key, value):
    kind, persons = _two(desk, key, value)
    err = desk.rejects(kind, _entry(desk, persons, kind), CODE[key])
    (issue,) = [i for i in err.issues if i.code == CODE[key]]
    assert issue.field == f"persons.1.{key}"
    assert MY_NUMBER not in issue.message


def _resident_with(desk, key: str, value: str) -> str:
    if key == "residence_card_number":
        r = desk.submit("foreign_entry_30_46", _entry(desk, [desk.foreign_person(residence_card_number=value)],
                                                         "foreign_entry_30_46"))
    else:
        r = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ", **{key: value} if key == "my_number" else {}))
    return r.atena_numbers[0]


@pytest.mark.parametrize("kind", ["ex_officio_correction", "clerical_correction"])
@pytest.mark.parametrize("key", ["juminhyo_code", "my_number", "residence_card_number"])
def test_a_correction_cannot_give_a_person_a_number_another_person_holds(desk, kind, key):
    holder = _resident_with(desk, key, CARD if key == "residence_card_number" else MY_NUMBER)
    value = {"juminhyo_code": desk.person(holder).juminhyo_code, "my_number": MY_NUMBER, "residence_card_number": CARD}[key]
    if key == "residence_card_number":
        target = desk.submit("foreign_entry_30_46", _entry(desk, [desk.foreign_person(
            alphabet_name="LEE ANN", sex="女", residence_card_number=CARD_2)], "foreign_entry_30_46")).atena_numbers[0]
    else:
        target = desk.single(address_number="7番").atena_numbers[0]
    err = desk.rejects(kind, {"event_date": "令和7年5月30日", "persons": [target], "changes": {key: value}}, CODE[key])
    assert err.issues[0].field == f"changes.{key}"
    log = OperationLog.objects.latest("pk")
    assert holder in log.target_atena_numbers and target in log.target_atena_numbers  # the match is logged
    assert log.my_number_accessed is (key == "my_number")


def test_a_number_held_by_a_removed_person_is_not_given_to_another(desk):
    """A 除票 keeps its numbers (a returning resident gets them back, 標準仕様書 j600)."""
    gone = desk.single(desk.japanese_person(my_number=MY_NUMBER)).atena_numbers[0]
    desk.submit("move_out", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日", "persons": [gone],
                             "destination": {"address": "大阪府"}})
    target = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ"), address_number="7番").atena_numbers[0]
    desk.rejects("ex_officio_correction", {"event_date": "令和7年5月30日", "persons": [target],
                                           "changes": {"my_number": MY_NUMBER}}, "identity.duplicate_my_number")


def test_a_correction_to_ones_own_number_or_a_free_number_is_accepted(desk):
    a = desk.single(desk.japanese_person(my_number=MY_NUMBER)).atena_numbers[0]
    desk.submit("ex_officio_correction", {"event_date": "令和7年5月30日", "persons": [a], "changes": {"my_number": MY_NUMBER}})
    desk.submit("ex_officio_correction", {"event_date": "令和7年5月31日", "persons": [a], "changes": {"my_number": MY_NUMBER_2}})
    assert desk.person(a).my_number_digest == protection.digest(MY_NUMBER_2)


def test_nationality_loss_cannot_record_a_residence_card_number_another_person_holds(desk):
    _resident_with(desk, "residence_card_number", CARD)
    a = desk.single(address_number="7番").atena_numbers[0]
    foreign = {"alphabet_name": "SATO TARO", "nationality_code": "USA", "nationality_name": "アメリカ合衆国",
               "foreign_category": "mid_long_term", "residence_status": "永住者", "period_of_stay": "無期限",
               "stay_expires_on": "2030-01-01", "residence_card_number": CARD}
    err = desk.rejects("nationality_loss", {"event_date": "令和7年5月30日", "persons": [a], "foreign": foreign},
                       "identity.duplicate_residence_card")
    assert err.issues[0].field == "foreign.residence_card_number"


@pytest.mark.parametrize("column, value", [("juminhyo_code", None), ("my_number_digest", "d" * 64),
                                           ("residence_card_number", CARD)])
def test_the_database_refuses_two_persons_with_the_same_number(desk, column, value):
    a, b = desk.family().atena_numbers[:2]
    value = value or desk.person(a).juminhyo_code
    Person.objects.filter(atena_number=a).update(**{column: value})
    with pytest.raises(IntegrityError), db_transaction.atomic():
        Person.objects.filter(atena_number=b).update(**{column: value})
    # blank means "not recorded": any number of persons may have none
    Person.objects.filter(atena_number__in=[a, b]).update(**{column: ""})


def test_a_race_on_a_correction_is_a_clean_rule_error(desk, monkeypatch):
    """The planner's check and the advisory lock normally stop a duplicate; if a number slips
    through (simulated: the holders are not loaded), the unique constraint answers with the same
    error — logged, nothing written."""
    holder = desk.single(desk.japanese_person(my_number=MY_NUMBER)).atena_numbers[0]
    target = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ"), address_number="7番").atena_numbers[0]
    monkeypatch.setattr(services, "_load_number_holders", lambda ctx, claims: None)
    err = desk.rejects("ex_officio_correction", {"event_date": "令和7年5月30日", "persons": [target],
                                                 "changes": {"my_number": MY_NUMBER}}, "identity.duplicate_my_number")
    assert err.issues[0].field == "changes.my_number"
    assert desk.person(target).my_number_digest == "" and desk.person(holder).my_number_digest


def test_a_race_on_a_new_person_is_a_clean_rule_error(desk, monkeypatch):
    first = desk.single(desk.japanese_person(my_number=MY_NUMBER)).atena_numbers[0]
    monkeypatch.setattr(services, "_match_identities", lambda ctx, persons, residents=True: set())
    err = desk.rejects("move_in", _entry(desk, [desk.japanese_person(given_name="次郎", given_kana="ジロウ", my_number=MY_NUMBER)]),
                       "identity.duplicate_my_number")
    assert err.issues[0].field == "persons.0.my_number"
    assert Person.objects.filter(my_number_digest=protection.digest(MY_NUMBER)).get().atena_number == first
