"""Date rules of 異動 (標準仕様書 j480, j570; 住基法第22条〜第25条). Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from jumin.core.errors import Severity
from jumin.registry.rules import dates

TODAY = dt.date(2025, 6, 1)


def codes(issues):
    return [i.code for i in issues]


def test_event_date_is_required():
    assert codes(dates.check_event_date(None, TODAY, future_allowed=True)) == ["event_date.required"]


@pytest.mark.parametrize("event, future_allowed, expected", [
    (TODAY, False, []),
    (TODAY - dt.timedelta(days=1), False, []),
    (TODAY + dt.timedelta(days=1), False, ["event_date.future"]),
    (TODAY + dt.timedelta(days=1), True, []),  # 転出予定
    (TODAY + dt.timedelta(days=400), True, []),
])
def test_event_date_may_not_lie_after_today_except_a_move_out(event, future_allowed, expected):
    issues = dates.check_event_date(event, TODAY, future_allowed=future_allowed)
    assert codes(issues) == expected
    assert all(i.field == "event_date" and i.is_error for i in issues)


def test_notified_on_may_not_lie_after_today():
    assert dates.check_notified_on(TODAY, TODAY) == []
    (issue,) = dates.check_notified_on(TODAY + dt.timedelta(days=1), TODAY)
    assert (issue.code, issue.field, issue.severity) == ("notified_on.future", "notified_on", Severity.ERROR)


def test_a_notification_follows_the_event():
    assert dates.check_notified_after_event(TODAY, TODAY) == []
    assert dates.check_notified_after_event(None, TODAY) == []
    assert codes(dates.check_notified_after_event(TODAY, TODAY - dt.timedelta(days=1))) == ["notified_on.before_event"]


@pytest.mark.parametrize("days, late", [(0, False), (14, False), (15, True), (100, True), (-5, False)])
def test_late_means_more_than_fourteen_days_after_the_event(days, late):
    event = dt.date(2025, 5, 1)
    assert dates.is_late(event, event + dt.timedelta(days=days)) is late


def test_late_notification_is_an_alert_on_the_notification_date():
    issue = dates.late_notification_alert()
    assert (issue.code, issue.field, issue.severity) == ("notification.late", "notified_on", Severity.ALERT)
    assert "14日" in issue.message
