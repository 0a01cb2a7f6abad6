"""Date rules for 異動 (標準仕様書 j480, j570, j640; 住基法第22条〜第25条)."""

from __future__ import annotations

import datetime as dt

from jumin.core.errors import Issue, alert, error
from jumin.text.wareki import format_wareki

NOTIFICATION_PERIOD_DAYS = 14
"""届出期間: 転入届・転居届・世帯変更届 are due within 14 days of the event (住基法第22条〜第25条);
a 転出届 made more than 14 days after moving is handled as 職権 (標準仕様書 j640)."""


def check_event_date(event_date: dt.date | None, today: dt.date, *, future_allowed: bool,
                     unknown: bool = False) -> list[Issue]:
    """異動日 is required and may not lie after today, except for 転出 (転出予定, 標準仕様書 j480).
    ``unknown``: the 異動日 was entered as 年月日不詳, which j80 allows for 出生・死亡・失踪: there
    is no date to compare, and nothing is missing."""
    if event_date is None:
        if unknown:
            return []
        return [error("event_date.required", "異動日を入力してください。", "event_date")]
    if event_date > today and not future_allowed:
        return [
            error(
                "event_date.future",
                "異動日に未来の日付は入力できません（転出予定を除く）。",
                "event_date",
            )
        ]
    return []


def check_notified_on(notified_on: dt.date, today: dt.date) -> list[Issue]:
    """届出日 defaults to today and may not lie after today (標準仕様書 j570)."""
    if notified_on > today:
        return [error("notified_on.future", "届出日に未来の日付は入力できません。", "notified_on")]
    return []


def check_notified_after_event(event_date: dt.date | None, notified_on: dt.date) -> list[Issue]:
    """A 転入届・転居届・世帯変更届 and the 第30条の46/47 届出 are made after the event ("転入をした日
    から十四日以内", 住基法第22条・第23条・第25条・第30条の46・第30条の47); only a 転出届 may precede it
    (第24条 "転出をする者は、あらかじめ")."""
    if event_date is not None and notified_on < event_date:
        return [error("notified_on.before_event", "届出日が異動日より前です（転出届を除き、届出は異動の後に行います）。", "notified_on")]
    return []


def is_late(event_date: dt.date | None, notified_on: dt.date) -> bool:
    """True when the 届出 came more than 14 days after the 異動日 (届出期間経過)."""
    return event_date is not None and (notified_on - event_date).days > NOTIFICATION_PERIOD_DAYS


def late_notification_alert() -> Issue:
    """The 届出 is accepted but flagged; the clerk acknowledges (住基法第52条 過料 may apply)."""
    return alert(
        "notification.late",
        "異動日から14日を超えた届出です（届出期間経過）。確認のうえ受理してください。",
        "notified_on",
    )


def check_event_order(event_date: dt.date | None, previous: dt.date | None, *, removal: bool) -> list[Issue]:
    """異動日の順序: the 異動日 of a 異動 on a person already recorded may not lie before the
    person's previous 異動 (the latest of 住民となった年月日, 住所を定めた年月日 and the 異動日 of the
    latest 履歴, 標準仕様書 j200): otherwise the history read "as of" a date (j200 履歴照会) would
    show a state that never existed. An error, except for a 消除 by 死亡・失踪宣告・職権消除 (住基法
    第8条・令第12条): the death is known only when the 戸籍届出 arrives, possibly after a later
    異動 was recorded, so the clerk acknowledges an alert instead."""
    if event_date is None or previous is None or event_date >= previous:
        return []
    when = format_wareki(previous)
    if removal:
        return [alert("removal.before_previous_change",
                      f"異動日が前回の異動日（{when}）より前です。届出の遅れた死亡等であることを確認のうえ受理してください。",
                      "event_date", previous=previous.isoformat())]
    return [error("event_date.before_previous_change",
                  f"異動日が前回の異動日（{when}）より前です。異動日を確認してください。",
                  "event_date", previous=previous.isoformat())]
