"""Architecture rule 1 on the write path: an explicit actor, an operation-log row written in the
same database transaction as the change, and the 個人番号 never stored or logged in clear."""

from __future__ import annotations

import json

import pytest

from jumin.audit.models import OperationLog
from jumin.audit.services import MissingActor
from jumin.core.errors import RuleError
from jumin.identifiers import protection
from jumin.registry import services
from jumin.registry.models import Person, PersonVersion, Transaction

MY_NUMBER = "123456789018"
MY_NUMBER_2 = "621498320257"


def test_every_write_logs_the_actor_the_function_and_the_targets(desk, clerk):
    r = desk.family()
    log = OperationLog.objects.get(function="registry.move_in")
    assert log.actor == clerk and log.kind == "write" and log.result == "ok"
    assert log.target_atena_numbers == sorted(r.atena_numbers)
    assert log.detail == {"document_number": r.transaction.document_number}
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [r.atena_numbers[2]]})
    assert OperationLog.objects.get(function="registry.death").target_atena_numbers == [r.atena_numbers[2]]
    assert OperationLog.objects.filter(kind="write").count() == 2


def test_the_log_row_is_part_of_the_same_database_transaction(desk, monkeypatch, family_move_in):
    """If writing the log fails, the 異動 is not written either (and the other way round)."""
    def broken(**kwargs):
        raise RuntimeError("log store unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    before = desk.counts()
    with pytest.raises(RuntimeError):
        desk.submit("move_in", family_move_in())
    assert desk.counts() == before


def test_a_failing_version_write_leaves_no_log_row(desk, monkeypatch, family_move_in):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PersonVersion.objects, "bulk_create", broken)
    before = desk.counts()
    with pytest.raises(RuntimeError):
        desk.submit("move_in", family_move_in())
    assert desk.counts() == before


@pytest.mark.parametrize("actor", [None, "unsaved", "inactive"])
def test_a_write_without_an_actor_raises_and_writes_nothing(desk, django_user_model, family_move_in, actor):
    if actor == "unsaved":
        actor = django_user_model(username="ghost")
    elif actor == "inactive":
        actor = django_user_model.objects.create_user(username="gone", password="x" * 12, is_active=False)
    before = desk.counts()
    with pytest.raises(MissingActor):
        services.submit(actor=actor, kind="move_in", data=family_move_in())
    with pytest.raises(MissingActor):
        services.check(actor=actor, kind="move_in", data=family_move_in())
    with pytest.raises(MissingActor):
        services.decide(actor=actor, document_number="2025-00000001", approve=True)
    with pytest.raises(MissingActor):
        services.apply_due_move_outs(actor=actor)
    assert desk.counts() == before


def test_my_number_is_stored_encrypted_and_found_by_digest(desk):
    r = desk.single(desk.japanese_person(my_number=MY_NUMBER))
    p = Person.objects.get(atena_number=r.atena_numbers[0])
    assert p.my_number_cipher and MY_NUMBER not in p.my_number_cipher
    assert protection.decrypt(p.my_number_cipher) == MY_NUMBER
    assert Person.objects.get(my_number_digest=protection.digest(MY_NUMBER)) == p
    assert MY_NUMBER not in p.my_number_digest
    (v,) = PersonVersion.objects.filter(atena_number=p.atena_number)
    assert v.my_number_cipher == p.my_number_cipher and MY_NUMBER not in v.my_number_cipher
    tx = Transaction.objects.get(pk=r.transaction.pk)
    assert MY_NUMBER not in json.dumps(tx.payload, ensure_ascii=False)
    assert tx.payload["persons"][0]["my_number"] == "(保護)"
    log = OperationLog.objects.get(function="registry.move_in")
    assert log.my_number_accessed is True and MY_NUMBER not in json.dumps(log.detail)


def test_my_number_in_a_correction_is_encrypted_and_never_in_the_payload(desk):
    r = desk.single()
    a = r.atena_numbers[0]
    c = desk.submit("ex_officio_correction", {"event_date": "令和7年5月10日", "persons": [a],
                                              "changes": {"my_number": "6214 9832 0257"}})
    p = Person.objects.get(atena_number=a)
    assert protection.decrypt(p.my_number_cipher) == MY_NUMBER_2
    assert Person.objects.get(my_number_digest=protection.digest(MY_NUMBER_2)) == p
    text = json.dumps(Transaction.objects.get(pk=c.transaction.pk).payload, ensure_ascii=False)
    assert MY_NUMBER_2 not in text and "6214 9832 0257" not in text
    assert [bool(v.my_number_cipher) for v in desk.versions(a)] == [False, True]


def test_without_a_my_number_nothing_is_recorded(desk):
    r = desk.single()
    p = Person.objects.get(atena_number=r.atena_numbers[0])
    assert p.my_number_cipher == "" and p.my_number_digest == ""
    assert OperationLog.objects.get(function="registry.move_in").my_number_accessed is False


# ------------------------------------------------------------- refusals and checks leave a trace


def _entry(person: dict, **data) -> dict:
    payload = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月26日",
               "address": {"area_code": "002001", "address_number": "9番"},
               "previous_address": {"address": "東京都三鷹市"}, "persons": [person]}
    return payload | data


def test_a_refused_submit_logs_the_persons_it_matched_and_the_my_number_lookup(desk, clerk):
    """Review P1.5: a 転入 refused because the 個人番号 is already registered revealed that fact; the
    lookup is logged although the 異動 was rolled back."""
    owner = desk.single(desk.japanese_person(my_number=MY_NUMBER)).atena_numbers[0]
    before = {k: v for k, v in desk.counts().items() if k != "OperationLog"}
    with pytest.raises(RuleError) as info:
        desk.submit("move_in", _entry(desk.japanese_person(given_name="次郎", given_kana="ジロウ", my_number=MY_NUMBER)))
    assert info.value.codes == ["move_in.already_registered"]
    assert {k: v for k, v in desk.counts().items() if k != "OperationLog"} == before
    log = OperationLog.objects.latest("pk")
    assert (log.actor, log.kind, log.function, log.result) == (clerk, "write", "registry.move_in", "rejected")
    assert log.target_atena_numbers == [owner] and log.my_number_accessed is True
    assert log.detail == {"codes": ["move_in.already_registered"]}
    assert MY_NUMBER not in json.dumps(log.detail)


def test_unacknowledged_alerts_and_conflicts_are_logged_with_their_result(desk, clerk):
    r = desk.family()
    head = r.atena_numbers[0]
    household = Person.objects.get(atena_number=head).household.number
    with pytest.raises(services.AlertsRequireAcknowledgement):
        desk.submit("move_in", _entry(desk.japanese_person(family_name="山田", given_name="太郎", family_name_kana="ヤマダ",
                                                           given_name_kana="タロウ", birth_date="昭和55年5月5日")))
    log = OperationLog.objects.latest("pk")
    assert (log.kind, log.function, log.result) == ("write", "registry.move_in", "alerts")
    assert log.detail == {"codes": ["move_in.possible_duplicate"]} and head in log.target_atena_numbers
    with pytest.raises(services.ConflictError):
        desk.submit("minor_correction", {"event_date": "令和7年5月25日", "persons": [head], "changes": {"katagaki": "A"}},
                    expected_versions={household: 0})
    log = OperationLog.objects.latest("pk")
    assert (log.kind, log.function, log.result, log.detail) == (
        "write", "registry.minor_correction", "conflict", {"codes": ["household.conflict"]})
    assert OperationLog.objects.filter(result="ok", kind="write").count() == 1  # only the family's 転入


def test_a_check_logs_a_read_of_what_it_matched(desk, clerk):
    r = desk.family()
    head = r.atena_numbers[0]
    issues = services.check(actor=clerk, kind="move_in", data=_entry(desk.japanese_person(
        family_name="山田", given_name="太郎", family_name_kana="ヤマダ", given_name_kana="タロウ",
        birth_date="昭和55年5月5日", my_number=MY_NUMBER)))
    assert [i.code for i in issues] == ["move_in.possible_duplicate"] and head in issues[0].message
    log = OperationLog.objects.latest("pk")
    assert (log.actor, log.kind, log.function, log.result) == (clerk, "read", "registry.check.move_in", "checked")
    assert log.target_atena_numbers == [head] and log.my_number_accessed is True
    assert log.detail == {"codes": ["move_in.possible_duplicate"]}
    assert Transaction.objects.count() == 1 and Person.objects.count() == 3  # nothing else written


def test_a_held_entry_and_its_rejection_log_the_my_number_access(desk, clerk, chief):
    held = desk.submit("move_in", _entry(desk.japanese_person(my_number=MY_NUMBER)), hold=True)
    log = OperationLog.objects.get(function="registry.hold.move_in")
    assert log.my_number_accessed is True and log.detail == {"document_number": held.transaction.document_number}
    services.decide(actor=chief, document_number=held.transaction.document_number, approve=False)
    assert OperationLog.objects.get(function="registry.reject").my_number_accessed is True
    plain = desk.submit("move_in", _entry(desk.japanese_person(given_name="次郎", given_kana="ジロウ"),
                                          address={"area_code": "001001", "address_number": "3番"}), hold=True)
    assert OperationLog.objects.filter(function="registry.hold.move_in").latest("pk").my_number_accessed is False
    services.decide(actor=chief, document_number=plain.transaction.document_number, approve=False)
    assert OperationLog.objects.filter(function="registry.reject").latest("pk").my_number_accessed is False


@pytest.mark.postgres_only
def test_check_takes_no_row_locks(desk, clerk):
    """Inline validation (a check on every field change) must not lock households or persons with
    SELECT … FOR UPDATE; the submit does (the test would pass vacuously without that contrast)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    r = desk.family()
    data = {"event_date": "令和7年5月25日", "notified_on": "令和7年5月25日", "persons": [r.atena_numbers[2]],
            "changes": {"katagaki": "A"}}
    with CaptureQueriesContext(connection) as checked:
        assert services.check(actor=clerk, kind="minor_correction", data=data) == []
    assert not [q["sql"] for q in checked.captured_queries if "FOR UPDATE" in q["sql"] or "advisory" in q["sql"]]
    with CaptureQueriesContext(connection) as submitted:
        desk.submit("minor_correction", data)
    assert [q["sql"] for q in submitted.captured_queries if "FOR UPDATE" in q["sql"]]
