"""異動日の順序 (review P1.3): a 異動 on a person already recorded may not be dated before the
person's previous 異動, or the history read "as of" a date shows a state that never existed.
死亡・失踪・職権消除 dated earlier are an alert (a death is known only when the 戸籍届出 arrives);
取消し and 転入通知 keep their own dates."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.registry import selectors, services
from jumin.registry.rules import transactions as rules

D = dt.date


@pytest.fixture
def family(desk):
    """The 山田 family moved in on 令和7年4月1日 (届出 4月3日)."""
    r = desk.family()
    head, wife, child = r.atena_numbers
    return {"head": head, "wife": wife, "child": child, "household": desk.person(head).household.number, "result": r}


def test_a_move_within_dated_before_the_move_in_is_refused_and_as_of_stays_true(desk, family, clerk):
    """The review's case: a 転居 dated 令和6年1月1日 for a family that arrived on 令和7年4月1日."""
    err = desk.rejects("move_within", {"event_date": "令和6年1月1日", "notified_on": "令和7年5月1日",
                                       "persons": [family["head"], family["wife"], family["child"]],
                                       "address": {"area_code": "002001", "address_number": "3番"}},
                       "event_date.before_previous_change", acknowledged=["notification.late"])
    (issue,) = [i for i in err.issues if i.code == "event_date.before_previous_change"]
    assert issue.field == "event_date" and "令和7年4月1日" in issue.message  # the previous 異動日, in 和暦
    assert selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=D(2024, 6, 1)) is None


CASES = {
    "move_within": lambda f: {"persons": [f["head"], f["wife"], f["child"]], "address": {"area_code": "002001", "address_number": "3番"}},
    "move_out": lambda f: {"persons": [f["child"]], "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}},
    "household_split": lambda f: {"persons": [f["child"]], "new_relationships": {f["child"]: "世帯主"}},
    "head_change": lambda f: {"household_number": f["household"], "new_head": f["wife"],
                              "relationships": {f["head"]: "夫", f["child"]: "子"}},
    "minor_correction": lambda f: {"persons": [f["child"]], "changes": {"katagaki": "コーポ本町102"}},
    "ex_officio_correction": lambda f: {"persons": [f["child"]], "changes": {"nhi_insured": True}},
    "clerical_correction": lambda f: {"persons": [f["child"]], "changes": {"given_name_kana": "イチロー"}},
    "former_surname_entry": lambda f: {"persons": [f["wife"]], "former_surname": "佐藤", "former_surname_kana": "サトウ"},
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_change_dated_before_the_previous_change_is_refused_and_the_same_day_is_accepted(desk, family, kind):
    desk.submit("move_within", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日",
                                "persons": [family["head"], family["wife"], family["child"]],
                                "address": {"area_code": "001002", "address_number": "2番"}})
    data = CASES[kind](family)
    err = desk.rejects(kind, data | {"event_date": "令和7年5月9日", "notified_on": "令和7年5月12日"},
                       "event_date.before_previous_change")
    assert "令和7年5月10日" in next(i.message for i in err.issues if i.code == "event_date.before_previous_change")
    desk.submit(kind, data | {"event_date": "令和7年5月10日", "notified_on": "令和7年5月12日"})


def test_a_member_whose_head_changes_counts_too(desk, family):
    """The 世帯主 leaves; the one who stays becomes 世帯主 ex officio with the 転出's 異動日, which may
    not lie before that member's own last 異動."""
    desk.submit("household_split", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日",
                                    "persons": [family["head"], family["wife"]],
                                    "new_relationships": {family["head"]: "世帯主", family["wife"]: "妻"}})
    child = desk.person(family["child"])
    assert child.relationship == "世帯主"  # the member left alone became 世帯主 on 5月10日
    desk.rejects("move_out", {"event_date": "令和7年5月5日", "notified_on": "令和7年5月12日", "persons": [family["child"]],
                              "destination": {"address": "大阪府"}}, "event_date.before_previous_change")


def test_a_death_dated_before_the_person_became_resident_is_an_alert(desk, family, clerk):
    """The 死亡届 may reach the register late (戸籍届出 → 職権消除): the clerk acknowledges the alert,
    and the history then reads consistently: dead from the 異動日 on, never resident again."""
    data = {"event_date": "令和7年3月20日", "persons": [family["child"]]}
    err = desk.rejects("death", data, "removal.before_previous_change", exc=services.AlertsRequireAcknowledgement)
    assert "令和7年4月1日" in err.issues[0].message
    desk.submit("death", data, acknowledged=["removal.before_previous_change"])
    child = desk.person(family["child"])
    assert child.status == "removed" and child.removed_on == D(2025, 3, 20)

    def as_of(day):
        v = selectors.person_as_of(actor=clerk, atena_number=family["child"], as_of=day)
        return v and v.status

    assert [as_of(D(2025, 3, 1)), as_of(D(2025, 3, 25)), as_of(D(2025, 4, 15)), as_of(D(2025, 6, 1))] == [
        None, "removed", "removed", "removed"]


def test_a_cancel_keeps_the_date_of_the_transaction_it_cancels(desk, family):
    moved = desk.submit("move_within", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月10日",
                                        "persons": [family["head"], family["wife"], family["child"]],
                                        "address": {"area_code": "001002", "address_number": "2番"}})
    desk.submit("cancel_correction", {"target_document_number": moved.transaction.document_number})
    assert desk.person(family["head"]).address.endswith("本町一丁目1番2号")


def test_a_move_in_notice_may_give_a_date_before_the_planned_move_out(desk, family):
    """転入通知 (j680): the 転入日 at the destination may precede the 転出予定日 of the 転出届."""
    desk.submit("move_out", {"event_date": "令和7年6月20日", "notified_on": "令和7年5月31日", "persons": [family["child"]],
                             "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    desk.submit("move_out_confirm", {"event_date": "令和7年5月31日", "persons": [family["child"]],
                                     "confirmed_address": "大阪府大阪市北区梅田一丁目1番1号", "notice_on": "令和7年6月1日"})
    assert desk.person(family["child"]).removed_on == D(2025, 5, 31)


def test_a_future_move_out_plan_does_not_push_the_previous_date_past_today():
    ctx = rules.Context(today=D(2025, 6, 1), municipality={}, blank={}, last_event_dates={"A": D(2025, 6, 30)})
    assert rules.previous_event_date(ctx, {"atena_number": "A", "became_resident_on": D(2025, 4, 1)}) == D(2025, 6, 1)
    assert rules.previous_event_date(ctx, {"atena_number": "B", "became_resident_on": D(2025, 4, 1),
                                           "address_set_on": D(2025, 5, 1)}) == D(2025, 5, 1)
    assert rules.previous_event_date(ctx, {"atena_number": "B"}) is None
