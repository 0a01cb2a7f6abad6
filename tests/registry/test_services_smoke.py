import pytest

from jumin.registry import services
from jumin.registry.models import Person, PersonVersion


def test_move_in_then_move_within(town, clerk, family_move_in):
    r = services.submit(actor=clerk, kind="move_in", data=family_move_in())
    assert len(r.atena_numbers) == 3
    head = Person.objects.get(atena_number=r.atena_numbers[0])
    assert head.address == "東京都小金井市本町一丁目1番2号"
    assert head.juminhyo_code and len(head.juminhyo_code) == 11
    r2 = services.submit(actor=clerk, kind="move_within", data={
        "event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": r.atena_numbers,
        "address": {"area_code": "002001", "address_number": "3番4号"}})
    head.refresh_from_db()
    assert head.address == "東京都小金井市緑町一丁目3番4号"
    assert head.before_move_address == "東京都小金井市本町一丁目1番2号"
    assert PersonVersion.objects.filter(atena_number=head.atena_number).count() == 2
