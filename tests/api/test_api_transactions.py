"""異動 through the API: submit, rule errors, alerts, conflicts, 仮登録 and 決裁, reads."""

from __future__ import annotations

import re

import pytest

from jumin.audit.models import OperationLog
from jumin.registry.models import Household, Person, PersonVersion, Transaction

pytestmark = pytest.mark.django_db

MY_NUMBER = "123456789018"  # the 世帯主's 個人番号 in tests/api/conftest.py


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def _move_within(atenas, **overrides) -> dict:
    data = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": atenas,
            "address": {"area_code": "002001", "address_number": "3番4号"}}
    data.update(overrides)
    return data


def _nothing_written(before: int) -> bool:
    return Transaction.objects.count() == before


# ---------------------------------------------------------------- submit


def test_submit_move_in_returns_201_with_the_document_number(api, town, staff, move_in_data):
    r = api.post("/transactions", {"kind": "move_in", "data": move_in_data()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert re.fullmatch(r"\d{4}-\d{8}", body["document_number"])
    assert (body["kind"], body["kind_label"], body["status"], body["held"]) == ("move_in", "国内転入", "committed", False)
    assert len(body["atena_numbers"]) == 3
    assert body["alerts"] == []
    household = Person.objects.get(atena_number=body["atena_numbers"][0]).household
    assert body["households"] == [{"number": household.number, "version": 1}]
    tx = Transaction.objects.get(document_number=body["document_number"])
    assert (tx.operator, tx.channel, tx.status) == (staff, "api", "committed")
    assert tx.subjects == body["atena_numbers"]
    assert set(Person.objects.values_list("atena_number", flat=True)) == set(body["atena_numbers"])
    assert OperationLog.objects.filter(kind="write", function="registry.move_in", actor=staff,
                                       detail__document_number=body["document_number"]).exists()


def test_rule_errors_are_422_with_stable_codes_and_fields(api, town, move_in_data):
    data = move_in_data()
    data["persons"][1]["sex"] = "不明"
    data["persons"][2]["relationship"] = ""
    del data["address"]["area_code"]
    r = api.post("/transactions", {"kind": "move_in", "data": data})
    assert r.status_code == 422
    errors = {(e["code"], e["field"]) for e in r.json()["errors"]}
    assert errors == {("sex.invalid", "persons.1.sex"), ("relationship.empty", "persons.2.relationship"),
                      ("field.required", "address.area_code")}
    sex = next(e for e in r.json()["errors"] if e["code"] == "sex.invalid")
    assert sex == {"code": "sex.invalid", "message": "性別は「男」または「女」を選択してください。",
                   "field": "persons.1.sex", "severity": "error"}
    assert r.json()["requires_acknowledgement"] is False
    assert Transaction.objects.count() == 0 and Person.objects.count() == 0


def test_planning_errors_are_422(api, family, move_in_data):
    """The same 個人番号 cannot be recorded twice (二重記載)."""
    data = move_in_data(persons=[move_in_data()["persons"][0]])
    before = Transaction.objects.count()
    r = api.post("/transactions", {"kind": "move_in", "data": data})
    assert r.status_code == 422
    assert codes(r) == ["move_in.already_registered"]
    assert _nothing_written(before)


def test_unknown_kind_is_the_rules_error(api, town):
    r = api.post("/transactions", {"kind": "teleport", "data": {}})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"code": "kind.unknown", "message": "異動事由が正しくありません。", "field": "kind",
                                   "severity": "error"}]


@pytest.mark.parametrize("body,field", [
    ({"data": {}}, "kind"),
    ({"kind": "move_in"}, "data"),
    ({"kind": "move_in", "data": []}, "data"),
    ({"kind": "move_in", "data": {}, "hold": "perhaps"}, "hold"),
    ({"kind": "move_in", "data": {}, "expected_versions": {"0000000019": "one"}}, "expected_versions.0000000019"),
])
def test_malformed_envelope_is_422_input_invalid(api, town, body, field):
    r = api.post("/transactions", body)
    assert r.status_code == 422
    assert [(e["code"], e["field"]) for e in r.json()["errors"]] == [("input.invalid", field)]


def test_body_that_is_not_json_is_400(api, town):
    r = api.client.post("/api/v1/transactions", "{not json", content_type="application/json", headers=api.headers)
    assert r.status_code == 400
    assert codes(r) == ["input.malformed"]


# ---------------------------------------------------------------- alerts


def test_unacknowledged_alerts_are_422_then_accepted_once_acknowledged(api, town, move_in_data):
    data = move_in_data(notified_on="令和7年5月1日")  # 30 days after the 異動日: 届出期間経過
    r = api.post("/transactions", {"kind": "move_in", "data": data})
    assert r.status_code == 422
    body = r.json()
    assert body["requires_acknowledgement"] is True
    assert body["errors"] == [{"code": "notification.late", "field": "notified_on", "severity": "alert",
                               "message": "異動日から14日を超えた届出です（届出期間経過）。確認のうえ受理してください。"}]
    assert Transaction.objects.count() == 0

    r = api.post("/transactions", {"kind": "move_in", "data": data, "acknowledged_alerts": ["notification.late"]})
    assert r.status_code == 201
    assert [a["code"] for a in r.json()["alerts"]] == ["notification.late"]
    tx = Transaction.objects.get()
    assert tx.acknowledged_alerts == ["notification.late"]
    assert tx.late_notification is True


def test_acknowledging_another_alert_is_not_enough(api, town, move_in_data):
    data = move_in_data(notified_on="令和7年5月1日")
    r = api.post("/transactions", {"kind": "move_in", "data": data, "acknowledged_alerts": ["household.head_auto"]})
    assert r.status_code == 422
    assert r.json()["requires_acknowledgement"] is True


# ---------------------------------------------------------------- conflict


def test_stale_household_version_is_409_and_writes_nothing(api, family):
    household = family["household"]
    version = Household.objects.get(number=household).version
    # another clerk changes the household first
    first = api.post("/transactions", {"kind": "move_within", "data": _move_within(family["atena"]),
                                       "expected_versions": {household: version}})
    assert first.status_code == 201
    assert first.json()["households"] == [{"number": household, "version": version + 1}]
    before = PersonVersion.objects.count()
    r = api.post("/transactions", {"kind": "move_within",
                                   "data": _move_within(family["atena"], address={"area_code": "001002", "address_number": "5番"}),
                                   "expected_versions": {household: version}})
    assert r.status_code == 409
    assert codes(r) == ["household.conflict"]
    assert r.json()["errors"][0]["field"] == "household_number"
    assert PersonVersion.objects.count() == before
    assert Person.objects.get(atena_number=family["atena"][0]).area.code == "002001"


# ---------------------------------------------------------------- 仮登録 and 決裁


def _hold(api, family) -> str:
    r = api.post("/transactions", {"kind": "move_within", "data": _move_within(family["atena"]), "hold": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["held"]) == ("pending", True)
    return body["document_number"]


def test_held_transaction_is_listed_and_locks_the_persons(api, family):
    number = _hold(api, family)
    r = api.get("/transactions/pending")
    assert r.status_code == 200
    pending = r.json()
    assert [t["document_number"] for t in pending] == [number]
    assert pending[0]["status"] == "pending" and pending[0]["kind"] == "move_within"
    assert sorted(pending[0]["subjects"]) == sorted(family["atena"])
    assert api.get(f"/persons/{family['atena'][0]}").json()["pending"] is True
    # another 異動 on a locked person is refused by the rules
    r = api.post("/transactions", {"kind": "move_within", "data": _move_within(family["atena"][:1])})
    assert r.status_code == 422 and "person.pending" in codes(r)


def test_approval_commits_the_held_transaction(api, approver_api, family, approver):
    number = _hold(api, family)
    r = approver_api.post(f"/transactions/{number}/decision", {"approve": True, "note": "確認済み"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["document_number"], body["status"], body["held"]) == (number, "committed", False)
    assert sorted(body["atena_numbers"]) == sorted(family["atena"])
    head = Person.objects.get(atena_number=family["atena"][0])
    assert head.area.code == "002001" and head.pending_transaction is None
    tx = Transaction.objects.get(document_number=number)
    assert (tx.approver, tx.decision_note) == (approver, "確認済み")
    assert api.get("/transactions/pending").json() == []
    # decided once: a second decision finds nothing pending
    again = approver_api.post(f"/transactions/{number}/decision", {"approve": False})
    assert again.status_code == 404
    assert codes(again) == ["decide.not_pending"]


def test_rejection_releases_the_persons(api, approver_api, family):
    number = _hold(api, family)
    r = approver_api.post(f"/transactions/{number}/decision", {"approve": False, "note": "書類不備"})
    assert r.status_code == 200
    assert r.json()["status"] == "rejected"
    head = Person.objects.get(atena_number=family["atena"][0])
    assert head.area.code == "001001" and head.pending_transaction is None
    assert api.get(f"/transactions/{number}").json()["status_label"] == "決裁却下"


def test_staff_without_approval_right_gets_403(api, family):
    number = _hold(api, family)
    r = api.post(f"/transactions/{number}/decision", {"approve": True})
    assert r.status_code == 403
    assert codes(r) == ["permission.approve"]
    assert Transaction.objects.get(document_number=number).status == "pending"


def test_approver_cannot_approve_own_entry(approver_api, family):
    number = _hold(approver_api, family)
    r = approver_api.post(f"/transactions/{number}/decision", {"approve": True})
    assert r.status_code == 403
    assert codes(r) == ["decide.self_approval"]


def test_decision_on_unknown_transaction_is_404(approver_api, town):
    r = approver_api.post("/transactions/2026-99999999/decision", {"approve": True})
    assert r.status_code == 404
    assert codes(r) == ["decide.not_pending"]


def test_decision_requires_approve(approver_api, town):
    r = approver_api.post("/transactions/2026-99999999/decision", {"note": "x"})
    assert r.status_code == 422
    assert [(e["code"], e["field"]) for e in r.json()["errors"]] == [("input.invalid", "approve")]


# ---------------------------------------------------------------- read a transaction / check


def test_read_transaction_shows_the_input_with_the_my_number_masked(api, family, staff):
    r = api.get(f"/transactions/{family['document_number']}")
    assert r.status_code == 200
    body = r.json()
    assert (body["document_number"], body["kind"], body["status"], body["operator"]) == (
        family["document_number"], "move_in", "committed", staff.username)
    assert body["event_date"] == "2025-04-01" and body["notified_on"] == "2025-04-03"
    assert body["input"]["persons"][0]["my_number"] == "(保護)"
    assert body["input"]["persons"][0]["given_name"] == "太郎"
    assert MY_NUMBER not in r.content.decode()
    log = OperationLog.objects.filter(function="registry.transaction").latest("pk")
    assert log.detail == {"document_number": family["document_number"]}


def test_held_transaction_never_exposes_the_protected_my_number(api, town, move_in_data):
    r = api.post("/transactions", {"kind": "move_in", "data": move_in_data(), "hold": True})
    assert r.status_code == 201
    number = r.json()["document_number"]
    assert r.json()["atena_numbers"] == []  # numbered when approved
    tx = Transaction.objects.get(document_number=number)
    cipher = next(iter(tx.payload["protected"].values()))
    r = api.get(f"/transactions/{number}")
    text = r.content.decode()
    assert MY_NUMBER not in text and cipher not in text and "protected" not in r.json()["input"]
    assert r.json()["input"]["persons"][0]["my_number"] == "(保護)"


def test_unknown_transaction_is_404(api, town):
    r = api.get("/transactions/2026-99999999")
    assert r.status_code == 404
    assert codes(r) == ["transaction.not_found"]


def test_check_validates_without_writing(api, town, move_in_data):
    r = api.post("/transactions/check", {"kind": "move_in", "data": move_in_data(notified_on="令和7年5月1日")})
    assert r.status_code == 200
    assert r.json()["ok"] is True
    assert [(i["code"], i["severity"]) for i in r.json()["issues"]] == [("notification.late", "alert")]
    r = api.post("/transactions/check", {"kind": "move_in", "data": {}})
    assert r.json()["ok"] is False
    assert "field.required" in [i["code"] for i in r.json()["issues"]]
    assert Transaction.objects.count() == 0 and Person.objects.count() == 0


def test_session_client_can_submit(session_api, town, staff, move_in_data):
    r = session_api.post("/transactions", {"kind": "move_in", "data": move_in_data()})
    assert r.status_code == 201
    assert Transaction.objects.get().operator == staff
