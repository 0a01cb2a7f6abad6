"""A small fictional town, built through the services (never by saving persons directly)."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def clerk(db, django_user_model):
    return django_user_model.objects.create_user(username="clerk1", password="x" * 12, display_name="窓口 一郎")


@pytest.fixture
def chief(db, django_user_model):
    return django_user_model.objects.create_user(username="chief1", password="x" * 12, display_name="課長 花子", is_approver=True)


# --- the write path's test kit (test_services_*.py) ---------------------------------------------
# Nothing here imports Django models at module level (see tests/conftest.py).

TODAY = dt.date(2025, 6, 1)  # 令和7年6月1日
MY_NUMBER = "123456789018"  # a valid 個人番号 (check digit 8), fictional
MY_NUMBER_2 = "621498320257"


@pytest.fixture
def today(monkeypatch):
    """Freezes ``jumin.core.clock`` (the one "today" of the services and selectors) at 令和7年6月1日
    10:00 JST. ``today.date`` is the frozen date; ``today.set(date)`` moves it."""
    from jumin.core import clock

    class FrozenClock:
        date = TODAY

        def set(self, value: dt.date) -> None:
            self.date = value

    frozen = FrozenClock()
    monkeypatch.setattr(clock, "today", lambda: frozen.date)
    monkeypatch.setattr(
        clock, "now",
        lambda: dt.datetime.combine(frozen.date, dt.time(10), tzinfo=clock.JST).astimezone(dt.timezone.utc),
    )
    return frozen


def foreign_person(**overrides) -> dict:
    """A 中長期在留者 as entered on a 転入届 / 第30条の46 届出."""
    data = {
        "resident_type": "foreign", "alphabet_name": "SMITH JOHN", "birth_date": "1990-02-03", "sex": "男",
        "relationship": "世帯主", "nationality_code": "USA", "nationality_name": "アメリカ合衆国",
        "foreign_category": "mid_long_term", "residence_status": "技術・人文知識・国際業務",
        "period_of_stay": "3年", "stay_expires_on": "2027-04-01", "residence_card_number": "AB12345678CD",
    }
    data.update(overrides)
    return data


def japanese_person(given_name="太郎", given_kana="タロウ", relationship="世帯主", **overrides) -> dict:
    data = {"family_name": "佐藤", "given_name": given_name, "family_name_kana": "サトウ", "given_name_kana": given_kana,
            "birth_date": "昭和60年1月2日", "sex": "男", "relationship": relationship,
            "honseki": "東京都小金井市本町一丁目1番地", "hittosha": "佐藤太郎"}
    data.update(overrides)
    return data


class Desk:
    """A clerk's desk at the 市民課 window: every write goes through ``services.submit``.
    (tests/ is not a package: test modules reach these helpers through the ``desk`` fixture.)"""

    MY_NUMBER = MY_NUMBER
    MY_NUMBER_2 = MY_NUMBER_2
    japanese_person = staticmethod(japanese_person)
    foreign_person = staticmethod(foreign_person)

    def __init__(self, clerk, today, family_move_in):
        self.clerk = clerk
        self.today = today
        self._family = family_move_in

    def submit(self, kind: str, data: dict, *, actor=None, **kwargs):
        from jumin.registry import services

        return services.submit(actor=actor or self.clerk, kind=kind, data=data, **kwargs)

    def family(self, **overrides):
        """The 山田 family (世帯主 太郎, 妻 花子, 子 一郎) moves in on 令和7年4月1日; returns the Result
        (atena_numbers in input order)."""
        return self.submit("move_in", self._family(**overrides))

    def single(self, person: dict | None = None, *, address_number: str = "5番6号", area_code: str = "001002", **data):
        """One person moves in alone (a household of one) from 三鷹市."""
        payload = {
            "event_date": "令和7年5月1日", "notified_on": "令和7年5月2日",
            "address": {"area_code": area_code, "address_number": address_number},
            "previous_address": {"address": "東京都三鷹市下連雀二丁目2番2号", "municipality_code": "132047"},
            "persons": [person or japanese_person()],
        }
        payload.update(data)
        return self.submit(payload.pop("kind", "move_in"), payload)

    @staticmethod
    def person(atena: str):
        from jumin.registry.models import Person

        return Person.objects.select_related("household", "area").get(atena_number=atena)

    @staticmethod
    def versions(atena: str) -> list:
        from jumin.registry.models import PersonVersion

        return list(PersonVersion.objects.filter(atena_number=atena).select_related("household").order_by("history_no"))

    @staticmethod
    def counts() -> dict[str, int]:
        """Rows of every table the write path may touch."""
        from jumin.audit.models import OperationLog
        from jumin.registry.models import Household, Person, PersonVersion, Transaction

        return {m.__name__: m.objects.count()
                for m in (Person, PersonVersion, Transaction, Household, OperationLog)} | {
            "pending": Person.objects.exclude(pending_transaction=None).count(),
            "household_versions": sum(Household.objects.values_list("version", flat=True)),
        }

    def rejects(self, kind: str, data: dict, *codes: str, exc=None, **kwargs):
        """Submit, expect a rejection carrying ``codes``, and check that nothing was written.
        Returns the exception."""
        from jumin.core.errors import RuleError

        from jumin.audit.models import OperationLog

        before = self.counts()
        last_log = OperationLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with pytest.raises(exc or RuleError) as info:
            self.submit(kind, data, **kwargs)
        after = self.counts()
        assert after.pop("OperationLog") == before.pop("OperationLog") + 1, "a refusal leaves exactly one log row"
        assert after == before, "a rejected 異動 wrote something"
        (log,) = OperationLog.objects.filter(pk__gt=last_log)
        from jumin.registry.rules.transactions import KINDS

        function = f"registry.{kind}" if kind in KINDS else "registry.unknown"
        assert (log.kind, log.function, log.actor_id) == ("write", function, (kwargs.get("actor") or self.clerk).pk)
        assert log.result in ("rejected", "alerts", "conflict") and log.detail["codes"] == list(dict.fromkeys(info.value.codes))
        for code in codes:
            assert code in info.value.codes, (code, info.value.codes)
        if exc is None:  # an error, not alerts to acknowledge
            from jumin.registry.services import AlertsRequireAcknowledgement

            assert not isinstance(info.value, AlertsRequireAcknowledgement), info.value.codes
            assert all(i.is_error for i in info.value.issues)
        for issue in info.value.issues:
            assert issue.message and issue.code and issue.field, issue  # the clerk sees where
            assert any("\u3040" <= ch <= "\u9fff" for ch in issue.message), issue.message  # Japanese
        return info.value


@pytest.fixture
def desk(town, clerk, today, family_move_in) -> Desk:
    return Desk(clerk, today, family_move_in)


@pytest.fixture
def approver_staff(db, django_user_model):
    """A second 決裁権限 holder (the ``chief`` fixture is the first)."""
    return django_user_model.objects.create_user(username="chief2", password="x" * 12, display_name="係長 次郎", is_approver=True)
