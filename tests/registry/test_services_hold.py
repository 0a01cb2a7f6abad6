"""仮登録 → 決裁 → 本登録 (標準仕様書 j530): a held 異動 is not yet 住民票 (no version is
written), it blocks every other 異動 on its persons, and only a 決裁権限 holder other than the
clerk who entered it can commit it; a rejection releases the persons."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jumin.audit.models import OperationLog
from jumin.core.errors import RuleError
from jumin.identifiers import protection
from jumin.registry import selectors, services
from jumin.registry.models import Household, Person, PersonVersion, Transaction

D = dt.date
MY_NUMBER = "123456789018"


@pytest.fixture
def family(desk):
    r = desk.family()
    head, wife, child = r.atena_numbers
    return {"head": head, "wife": wife, "child": child, "household": desk.person(head).household.number}


@pytest.fixture
def held(desk, family):
    """A 世帯主変更 held for 決裁 (it touches every member)."""
    return desk.submit("head_change", {"event_date": "令和7年5月20日", "notified_on": "令和7年5月21日",
                                       "household_number": family["household"], "new_head": family["wife"],
                                       "relationships": {family["head"]: "夫", family["child"]: "子"}}, hold=True)


def test_a_held_transaction_writes_no_version_and_locks_the_persons(desk, family, held):
    assert held.held and held.transaction.status == "pending"
    assert sorted(held.atena_numbers) == sorted([family["head"], family["wife"], family["child"]])
    assert PersonVersion.objects.filter(transaction=held.transaction).count() == 0
    for a in held.atena_numbers:
        p = desk.person(a)
        assert p.history_no == 1 and p.pending_transaction_id == held.transaction.pk
    assert desk.person(family["head"]).relationship == "世帯主"  # not yet 住民票
    log = OperationLog.objects.filter(function="registry.hold.head_change").get()
    assert sorted(log.target_atena_numbers) == sorted(held.atena_numbers) and log.detail["document_number"] == held.transaction.document_number


@pytest.mark.parametrize("kind, data", [
    ("minor_correction", {"persons": ["@child"], "changes": {"katagaki": "A"}}),
    ("death", {"persons": ["@child"]}),
    ("move_within", {"persons": ["@head", "@wife", "@child"], "address": {"area_code": "002001", "address_number": "3番"}}),
])
def test_a_held_transaction_blocks_other_transactions_on_its_persons(desk, family, held, kind, data):
    data = {k: ([family[a[1:]] for a in v] if k == "persons" else v) for k, v in data.items()}
    err = desk.rejects(kind, data | {"event_date": "令和7年5月25日", "notified_on": "令和7年5月25日"}, "person.pending")
    assert err.issues[0].field.startswith("persons")


def test_a_held_transaction_blocks_indirect_changes_too(desk, family):
    """A held correction of the 妻 blocks a 転居 of the 世帯主 that would make her 世帯主 ex officio."""
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    desk.submit("minor_correction", {"event_date": "令和7年5月20日", "persons": [family["wife"]], "changes": {"katagaki": "B"}}, hold=True)
    desk.rejects("move_within", {"event_date": "令和7年5月25日", "notified_on": "令和7年5月25日", "persons": [family["head"]],
                                 "address": {"area_code": "002001", "address_number": "3番"}}, "person.pending")


_BIRTH = {"family_name": "山田", "given_name": "次郎", "family_name_kana": "ヤマダ", "given_name_kana": "ジロウ",
          "birth_date": "令和7年5月25日", "sex": "男", "relationship": "子", "honseki": "東京都"}


@pytest.mark.parametrize("kind", ["birth", "move_in", "household_change", "move_within"])
def test_a_held_transaction_blocks_changes_to_its_household(desk, family, held, chief, kind):
    """Review P2-11: a 世帯主変更 is held; a 出生 into the same household, a 転入 or 世帯変更 joining it,
    a 転居 into it were accepted, and the 決裁 then failed (household.relationship_required).
    Now they wait for the 決裁, which goes through."""
    event = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月25日"}
    home = {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"}  # the family's address
    if kind == "birth":
        data = {"household_number": family["household"], "child": _BIRTH}
    elif kind == "move_in":
        data = {"household_number": family["household"], "previous_address": {"address": "東京都三鷹市"},
                "address": home, "persons": [desk.japanese_person(relationship="同居人")]}
    elif kind == "household_change":  # a lodger living at the same address joins the household
        lodger = desk.single(address=home).atena_numbers[0]
        data = {"persons": [lodger], "target_household_number": family["household"], "new_relationships": {lodger: "同居人"}}
    else:  # a lodger living elsewhere moves into the household
        lodger = desk.single().atena_numbers[0]
        data = {"persons": [lodger], "household_number": family["household"], "relationships": {lodger: "同居人"},
                "address": home}
    err = desk.rejects(kind, data | event, "household.pending")
    assert err.issues[0].field == "household_number"
    services.decide(actor=chief, document_number=held.transaction.document_number, approve=True)
    assert desk.person(family["wife"]).relationship == "世帯主"
    assert not Household.objects.exclude(pending_transaction=None).exists()
    desk.submit(kind, data | event)  # the household is free again


def test_a_held_entry_into_a_household_holds_it_and_a_rejection_frees_it(desk, family, chief):
    """A held 出生 touches no existing person, but the household it joins is held all the same."""
    r = desk.submit("birth", {"event_date": "令和7年5月25日", "household_number": family["household"], "child": _BIRTH}, hold=True)
    assert Household.objects.get(number=family["household"]).pending_transaction_id == r.transaction.pk
    desk.rejects("head_change", {"event_date": "令和7年5月26日", "notified_on": "令和7年5月26日",
                                 "household_number": family["household"], "new_head": family["wife"],
                                 "relationships": {family["head"]: "夫", family["child"]: "子"}}, "household.pending")
    # a change that leaves the household as it is (an insurance item) is not held up
    desk.submit("ex_officio_correction", {"event_date": "令和7年5月26日", "persons": [family["child"]],
                                          "changes": {"nhi_insured": True}})
    services.decide(actor=chief, document_number=r.transaction.document_number, approve=False)
    assert Household.objects.get(number=family["household"]).pending_transaction_id is None


def test_a_held_correction_of_a_member_holds_the_household_too(desk, family):
    """j530: a held 異動 on a person blocks the 異動 that would change that person's household (a
    転出予定 or a 続柄 correction held for 決裁 must not meet a household changed behind it)."""
    desk.submit("minor_correction", {"event_date": "令和7年5月20日", "persons": [family["child"]], "changes": {"katagaki": "B"}},
                hold=True)
    desk.rejects("birth", {"event_date": "令和7年5月25日", "household_number": family["household"], "child": _BIRTH},
                 "household.pending")


def test_a_held_transaction_cannot_be_cancelled_around(desk, family):
    r = desk.submit("minor_correction", {"event_date": "令和7年5月1日", "persons": [family["child"]], "changes": {"katagaki": "A"}})
    desk.submit("minor_correction", {"event_date": "令和7年5月20日", "persons": [family["child"]], "changes": {"katagaki": "B"}}, hold=True)
    desk.rejects("cancel_correction", {"target_document_number": r.transaction.document_number}, "person.pending")


def test_approval_commits_with_the_entry_date_and_the_clerk_as_operator(desk, family, held, chief, clerk):
    desk.today.set(D(2025, 6, 3))
    result = services.decide(actor=chief, document_number=held.transaction.document_number, approve=True, note="確認済み")
    tx = Transaction.objects.get(pk=held.transaction.pk)
    assert tx.status == "committed" and tx.approver == chief and tx.operator == clerk and tx.decision_note == "確認済み"
    assert tx.decided_at is not None
    assert sorted(result.atena_numbers) == sorted([family["head"], family["wife"], family["child"]])
    assert desk.person(family["wife"]).relationship == "世帯主" and desk.person(family["head"]).relationship == "夫"
    for a in result.atena_numbers:
        v = desk.versions(a)[-1]
        assert (v.reason, v.transaction_id, v.event_date, v.reported_on) == ("head_change", tx.pk, D(2025, 5, 20), D(2025, 5, 21))
        assert v.operator == clerk
        assert desk.person(a).pending_transaction_id is None
    assert OperationLog.objects.filter(function="registry.approve", actor=chief).count() == 1
    assert OperationLog.objects.filter(function="registry.head_change", actor=chief).count() == 1


def test_the_default_notification_date_is_the_entry_day_not_the_decision_day(desk, family, chief):
    r = desk.submit("minor_correction", {"event_date": "令和7年5月30日", "persons": [family["child"]], "changes": {"katagaki": "A"}},
                    hold=True)
    desk.today.set(D(2025, 6, 20))
    services.decide(actor=chief, document_number=r.transaction.document_number, approve=True)
    assert desk.versions(family["child"])[-1].reported_on == D(2025, 6, 1)


def test_rejection_releases_the_persons_and_writes_nothing(desk, family, held, chief):
    before = PersonVersion.objects.count()
    services.decide(actor=chief, document_number=held.transaction.document_number, approve=False, note="書類不備")
    tx = Transaction.objects.get(pk=held.transaction.pk)
    assert tx.status == "rejected" and tx.approver == chief and tx.decision_note == "書類不備"
    assert PersonVersion.objects.count() == before
    assert not Person.objects.exclude(pending_transaction=None).exists()
    assert desk.person(family["head"]).relationship == "世帯主"
    desk.submit("minor_correction", {"event_date": "令和7年5月25日", "persons": [family["child"]], "changes": {"katagaki": "A"}})
    with pytest.raises(RuleError) as info:
        services.decide(actor=chief, document_number=held.transaction.document_number, approve=True)
    assert info.value.codes == ["decide.not_pending"]


def test_only_an_approver_who_did_not_enter_it_may_decide(desk, family, held, clerk, chief, approver_staff):
    before = desk.counts()
    with pytest.raises(services.PermissionDenied) as info:
        services.decide(actor=clerk, document_number=held.transaction.document_number, approve=True)
    assert info.value.codes == ["permission.approve"]
    after = desk.counts()
    assert after.pop("OperationLog") == before.pop("OperationLog") + 1 and after == before  # only the refusal logged
    log = OperationLog.objects.latest("pk")
    assert (log.actor, log.kind, log.function, log.result) == (clerk, "approve", "registry.approve", "denied")
    assert log.detail == {"codes": ["permission.approve"], "document_number": held.transaction.document_number}
    # an approver who entered it cannot approve it (a household the held 世帯主変更 does not hold)
    other = desk.person(desk.single().atena_numbers[0]).household.number
    r = services.submit(actor=chief, kind="birth", hold=True, data={
        "event_date": "令和7年5月30日", "household_number": other,
        "child": {"family_name": "佐藤", "given_name": "次郎", "family_name_kana": "サトウ", "given_name_kana": "ジロウ",
                  "birth_date": "令和7年5月30日", "sex": "男", "relationship": "子", "honseki": "東京都"}})
    with pytest.raises(services.PermissionDenied) as info:
        services.decide(actor=chief, document_number=r.transaction.document_number, approve=True)
    assert info.value.codes == ["decide.self_approval"]
    services.decide(actor=approver_staff, document_number=r.transaction.document_number, approve=True)
    assert Person.objects.filter(given_name="次郎", status="resident").count() == 1


def test_approval_revalidates_against_the_register_as_it_is_now(desk, family, chief):
    """A held 転入 whose 個人番号 has meanwhile been recorded for someone else by a direct 転入 fails
    at 決裁 (二重記載); nothing is written, the refusal is logged, and the 異動 stays pending for
    the approver to reject."""
    data = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日",
            "address": {"area_code": "002001", "address_number": "9番"}, "previous_address": {"address": "東京都三鷹市"},
            "persons": [desk.japanese_person(my_number=MY_NUMBER)]}
    r = desk.submit("move_in", data, hold=True)
    other = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ", my_number=MY_NUMBER))
    before = desk.counts()
    with pytest.raises(RuleError) as info:
        services.decide(actor=chief, document_number=r.transaction.document_number, approve=True)
    assert "move_in.already_registered" in info.value.codes
    after = desk.counts()
    assert after.pop("OperationLog") == before.pop("OperationLog") + 1 and after == before
    log = OperationLog.objects.latest("pk")
    assert (log.actor, log.kind, log.function, log.result) == (chief, "approve", "registry.approve", "rejected")
    assert other.atena_numbers[0] in log.target_atena_numbers and log.my_number_accessed
    assert Transaction.objects.get(pk=r.transaction.pk).status == "pending"


def test_held_my_number_is_kept_encrypted_and_dropped_after_the_decision(desk, chief):
    data = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日", "address": {"area_code": "002001", "address_number": "9番"},
            "previous_address": {"address": "東京都三鷹市"}, "persons": [desk.japanese_person(my_number=MY_NUMBER)]}
    r = desk.submit("move_in", data, hold=True)
    assert Person.objects.count() == 0
    tx = Transaction.objects.get(pk=r.transaction.pk)
    text = json.dumps(tx.payload, ensure_ascii=False)
    assert MY_NUMBER not in text and tx.payload["input"]["persons"][0]["my_number"] == "(保護)"
    assert protection.decrypt(tx.payload["protected"]["persons.0.my_number"]) == MY_NUMBER
    services.decide(actor=chief, document_number=tx.document_number, approve=True)
    tx.refresh_from_db()
    assert "protected" not in tx.payload and MY_NUMBER not in json.dumps(tx.payload, ensure_ascii=False)
    assert Person.objects.get(my_number_digest=protection.digest(MY_NUMBER)).given_name == "太郎"


def test_new_alerts_at_approval_must_be_acknowledged_by_the_approver(desk, family, chief):
    """The register changed between entry and 決裁 so that a new alert appears."""
    first = desk.single()
    desk.submit("death", {"event_date": "令和7年5月10日", "persons": [first.atena_numbers[0]]})
    data = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日", "address": {"area_code": "002001", "address_number": "9番"},
            "previous_address": {"address": "東京都三鷹市"}, "persons": [desk.japanese_person(given_name="次郎", given_kana="ジロウ")]}
    r = desk.submit("move_in", data, hold=True)
    # meanwhile a former resident with the same 氏名・性別・生年月日 appears among the 除票
    other = desk.single(desk.japanese_person(given_name="次郎", given_kana="ジロウ"), address_number="7番")
    desk.submit("death", {"event_date": "令和7年5月11日", "persons": [other.atena_numbers[0]]})
    with pytest.raises(services.AlertsRequireAcknowledgement):
        services.decide(actor=chief, document_number=r.transaction.document_number, approve=True)
    services.decide(actor=chief, document_number=r.transaction.document_number, approve=True,
                    acknowledged=["move_in.possible_returning_resident"])
    tx = Transaction.objects.get(pk=r.transaction.pk)
    assert tx.status == "committed" and tx.acknowledged_alerts == ["move_in.possible_returning_resident"]


def test_pending_transactions_are_listed_for_the_approver(desk, held, chief):
    assert [t.document_number for t in selectors.pending_transactions(actor=chief)] == [held.transaction.document_number]
