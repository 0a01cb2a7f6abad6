"""Two clerks at the same time, on PostgreSQL (row locks are no-ops on SQLite): exactly one
succeeds, the other gets a clear conflict (household.conflict) or rule error, and the database
holds exactly one new version."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from jumin.core.errors import RuleError
from jumin.registry import services
from jumin.registry.models import Household, Person, PersonVersion

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

MY_NUMBER = "123456789018"


def _race(*jobs):
    """Run each job in its own thread, started together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(i, job):
        try:
            outcomes[i] = job(barrier)
        except Exception as exc:  # noqa: BLE001 - the outcome is the point
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a clerk is still waiting (deadlock?)"
    return outcomes


def _birth(household: str, given: str, kana: str) -> dict:
    return {"event_date": "令和7年5月30日", "household_number": household,
            "child": {"family_name": "山田", "given_name": given, "family_name_kana": "ヤマダ", "given_name_kana": kana,
                      "birth_date": "令和7年5月30日", "sex": "男", "relationship": "子", "honseki": "東京都"}}


def test_two_clerks_changing_the_same_household_one_gets_a_conflict(desk, clerk, django_user_model):
    r = desk.family()
    household = Person.objects.get(atena_number=r.atena_numbers[0]).household.number
    other_clerk = django_user_model.objects.create_user(username="clerk2", password="x" * 12, display_name="窓口 二郎")
    versions_before = PersonVersion.objects.count()

    def clerk_enters(actor, given, kana):
        def job(barrier):
            version = Household.objects.get(number=household).version  # what the clerk saw on screen
            barrier.wait()
            return services.submit(actor=actor, kind="birth", data=_birth(household, given, kana),
                                   expected_versions={household: version})
        return job

    outcomes = _race(clerk_enters(clerk, "次郎", "ジロウ"), clerk_enters(other_clerk, "三郎", "サブロウ"))
    results = [o for o in outcomes if isinstance(o, services.Result)]
    conflicts = [o for o in outcomes if isinstance(o, services.ConflictError)]
    assert len(results) == 1 and len(conflicts) == 1, outcomes
    assert conflicts[0].codes == ["household.conflict"] and conflicts[0].issues[0].message
    assert PersonVersion.objects.count() == versions_before + 1
    assert Person.objects.filter(household__number=household, status="resident").count() == 4
    assert Household.objects.get(number=household).version == 2  # move_in, then the one birth


def test_two_clerks_recording_the_same_person_only_one_succeeds(desk, clerk, django_user_model):
    """二重記載の防止 under concurrency: the same 個人番号 entered at two windows at once."""
    other_clerk = django_user_model.objects.create_user(username="clerk2", password="x" * 12)

    def move_in(actor, number):
        def job(barrier):
            barrier.wait()
            return services.submit(actor=actor, kind="move_in", data={
                "event_date": "令和7年5月25日", "notified_on": "令和7年5月26日",
                "address": {"area_code": "002001", "address_number": number},
                "previous_address": {"address": "東京都三鷹市"}, "persons": [desk.japanese_person(my_number=MY_NUMBER)]})
        return job

    outcomes = _race(move_in(clerk, "1番"), move_in(other_clerk, "2番"))
    results = [o for o in outcomes if isinstance(o, services.Result)]
    errors = [o for o in outcomes if isinstance(o, RuleError)]
    assert len(results) == 1 and len(errors) == 1, outcomes
    assert "move_in.already_registered" in errors[0].codes
    assert Person.objects.count() == 1 and PersonVersion.objects.count() == 1


def test_without_expected_versions_concurrent_changes_are_serialised(desk, clerk, django_user_model):
    r = desk.family()
    household = Person.objects.get(atena_number=r.atena_numbers[0]).household.number
    other_clerk = django_user_model.objects.create_user(username="clerk2", password="x" * 12)

    def birth(actor, given, kana):
        def job(barrier):
            barrier.wait()
            return services.submit(actor=actor, kind="birth", data=_birth(household, given, kana))
        return job

    outcomes = _race(birth(clerk, "次郎", "ジロウ"), birth(other_clerk, "三郎", "サブロウ"))
    assert all(isinstance(o, services.Result) for o in outcomes), outcomes
    orders = sorted(Person.objects.filter(household__number=household).values_list("member_order", flat=True))
    assert orders == [1, 2, 3, 4, 5]  # the second saw the first child: no duplicate 並び順
