"""History is append-only (標準仕様書 j200): every change appends a full new version keyed
(宛名番号, 履歴番号); any past state can be read back ("as of" a date); removed persons stay as
除票."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.audit.models import OperationLog
from jumin.registry import selectors, services
from jumin.registry.models import RECORD_FIELDS, Person, PersonVersion

D = dt.date


@pytest.fixture
def family(desk):
    r = desk.family()
    head, wife, child = r.atena_numbers
    return {"result": r, "head": head, "wife": wife, "child": child, "household": desk.person(head).household.number}


def _history(desk, family, clerk):
    """転居 (5/1), 方書の修正 (5/10, entered 5/12), 転出 (5/20) of the 世帯主's household."""
    everyone = [family["head"], family["wife"], family["child"]]
    t1 = desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": everyone,
                                     "address": {"area_code": "002001", "address_number": "3番4号"}})
    t2 = desk.submit("minor_correction", {"event_date": "令和7年5月10日", "notified_on": "令和7年5月12日",
                                          "persons": [family["head"]], "changes": {"katagaki": "緑荘201"}})
    t3 = desk.submit("move_out", {"event_date": "令和7年5月20日", "notified_on": "令和7年5月20日", "persons": everyone,
                                  "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    return t1, t2, t3


def test_every_change_appends_a_full_version(desk, family, clerk):
    t1, t2, t3 = _history(desk, family, clerk)
    versions = desk.versions(family["head"])
    assert [v.history_no for v in versions] == [1, 2, 3, 4]
    assert [v.reason for v in versions] == ["move_in", "move_within", "minor_correction", "move_out"]
    assert [v.event_date for v in versions] == [D(2025, 4, 1), D(2025, 5, 1), D(2025, 5, 10), D(2025, 5, 20)]
    assert [v.reported_on for v in versions] == [D(2025, 4, 3), D(2025, 5, 2), D(2025, 5, 12), D(2025, 5, 20)]
    assert [v.transaction_id for v in versions] == [family["result"].transaction.pk, t1.transaction.pk, t2.transaction.pk, t3.transaction.pk]
    assert all(v.operator == clerk and v.recorded_at is not None for v in versions)
    # each version is the whole row: unchanged items are repeated, not left blank
    assert {v.family_name for v in versions} == {"山田"} and {v.honseki for v in versions} == {"東京都三鷹市下連雀一丁目1番地"}
    assert {v.juminhyo_code for v in versions} == {desk.person(family["head"]).juminhyo_code}
    assert [v.katagaki for v in versions] == ["コーポ本町101", "", "緑荘201", "緑荘201"]
    # the latest version equals the current projection, item by item
    p = desk.person(family["head"])
    assert {f: getattr(versions[-1], f) for f in RECORD_FIELDS} == {f: getattr(p, f) for f in RECORD_FIELDS}
    assert p.history_no == 4
    # the other members were not touched by the correction
    assert [v.reason for v in desk.versions(family["wife"])] == ["move_in", "move_within", "move_out"]


def test_versions_cannot_be_rewritten(desk, family):
    v = desk.versions(family["head"])[0]
    v.family_name = "改竄"
    with pytest.raises(RuntimeError):
        v.save()
    assert PersonVersion.objects.get(pk=v.pk).family_name == "山田"


def test_person_as_of_reads_any_past_state(desk, family, clerk):
    _history(desk, family, clerk)

    def as_of(day):
        return selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=day)

    assert as_of(D(2025, 3, 31)) is None
    assert as_of(D(2025, 4, 1)).address == "東京都小金井市本町一丁目1番2号"
    assert as_of(D(2025, 4, 30)).katagaki == "コーポ本町101"
    v = as_of(D(2025, 5, 1))
    assert (v.address, v.katagaki, v.status) == ("東京都小金井市緑町一丁目3番4号", "", "resident")
    assert as_of(D(2025, 5, 15)).katagaki == "緑荘201"
    assert as_of(D(2025, 5, 20)).status == "removed"
    assert OperationLog.objects.filter(function="registry.as_of", actor=clerk).count() == 6


def test_as_of_after_a_cancellation_reads_the_corrected_past(desk, family, clerk):
    r = desk.submit("move_within", {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日",
                                    "persons": [family["head"], family["wife"], family["child"]],
                                    "address": {"area_code": "002001", "address_number": "3番4号"}})
    desk.submit("cancel_correction", {"target_document_number": r.transaction.document_number})
    v = selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=D(2025, 5, 15))
    assert v.address == "東京都小金井市本町一丁目1番2号" and v.reason == "cancel_correction"
    assert len(desk.versions(family["head"])) == 3  # nothing deleted


def test_a_planned_move_out_counts_from_its_planned_date(desk, family, clerk):
    everyone = [family["head"], family["wife"], family["child"]]
    desk.submit("move_out", {"event_date": "令和7年6月10日", "persons": everyone, "destination": {"address": "大阪府"}})
    desk.today.set(D(2025, 6, 11))
    services.apply_due_move_outs(actor=clerk)
    assert selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=D(2025, 6, 5)).status == "resident"
    assert selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=D(2025, 6, 5)).move_out_planned_on is None
    assert selectors.person_as_of(actor=clerk, atena_number=family["head"], as_of=D(2025, 6, 10)).status == "removed"


def test_removed_persons_are_kept_as_removed_records(desk, family, clerk):
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    p = Person.objects.get(atena_number=family["child"])
    assert p.status == "removed" and p.removed_on == D(2025, 5, 3)
    found = selectors.search(actor=clerk, query=selectors.SearchQuery(kana="ヤマダ"))
    assert family["child"] not in [x.atena_number for x in found.object_list]
    found = selectors.search(actor=clerk, query=selectors.SearchQuery(kana="ヤマダ", include_removed=True))
    assert family["child"] in [x.atena_number for x in found.object_list]
    assert [v.status for v in selectors.person_history(actor=clerk, atena_number=family["child"])] == ["resident", "removed"]


def test_household_history_and_versions(desk, family, clerk):
    before = desk.person(family["head"]).household.version
    desk.submit("death", {"event_date": "令和7年5月3日", "persons": [family["child"]]})
    assert desk.person(family["head"]).household.version == before + 1
    versions = selectors.household_history(actor=clerk, number=family["household"])
    assert [(v.atena_number, v.reason) for v in versions][-1] == (family["child"], "death")
