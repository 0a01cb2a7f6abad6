"""The daily batch ``jumin close_moveouts`` (標準仕様書 j50: 転出予定日の到来 → 除票)."""

from io import StringIO

from django.core.management import call_command


def test_due_move_out_becomes_removed_record_by_the_system_actor(desk):
    r = desk.single()
    atena = r.atena_numbers[0]
    desk.submit("move_out", {"event_date": "令和7年6月10日", "notified_on": "令和7年6月1日", "persons": [atena],
                             "destination": {"address": "大阪府大阪市北区梅田一丁目1番1号"}})
    out = StringIO()
    call_command("close_moveouts", stdout=out)
    assert desk.person(atena).status == "resident"  # 予定日 not yet come
    assert out.getvalue().strip().splitlines()[-1] == "SUMMARY\tclosed=0\tfailed=0"

    desk.today.set(desk.today.date.replace(day=10))
    out = StringIO()
    call_command("close_moveouts", stdout=out)
    p = desk.person(atena)
    assert (p.status, p.removal_kind, str(p.removed_on)) == ("removed", "move_out", "2025-06-10")
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("OK\t") and lines[0].endswith(atena)
    assert lines[-1] == "SUMMARY\tclosed=1\tfailed=0"
    last = desk.versions(atena)[-1]
    assert last.operator.username == "system" and last.operator.is_system
