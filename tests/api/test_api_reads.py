"""Read endpoints: search, person, history, as-of, household. Every read goes through the
selectors and leaves an operation-log row; the 個人番号 never appears in a response."""

from __future__ import annotations

import pytest

from jumin.audit.models import OperationLog
from jumin.registry import services
from jumin.registry.models import Person

pytestmark = pytest.mark.django_db

MY_NUMBER = "123456789018"  # the 世帯主's 個人番号 in tests/api/conftest.py


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def _move_within(staff, atenas, **overrides):
    data = {"event_date": "令和7年5月1日", "notified_on": "令和7年5月2日", "persons": atenas,
            "address": {"area_code": "002001", "address_number": "3番4号"}}
    data.update(overrides)
    return services.submit(actor=staff, kind="move_within", data=data)


# ---------------------------------------------------------------- search


def test_search_returns_matching_residents_and_logs_who_was_shown(api, family, staff):
    before = OperationLog.objects.filter(kind="search").count()
    r = api.post("/persons/search", {"kana": "ﾔﾏﾀﾞ"})  # half-width, 清音化: matches ヤマダ
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 3 and body["page"] == 1 and body["num_pages"] == 1
    assert sorted(p["atena_number"] for p in body["results"]) == sorted(family["atena"])
    first = next(p for p in body["results"] if p["atena_number"] == family["atena"][0])
    assert first["full_name"] == "山田\u3000太郎"
    assert first["household_number"] == family["household"]
    assert first["address"] == "東京都小金井市本町一丁目1番2号"
    log = OperationLog.objects.filter(kind="search").latest("pk")
    assert OperationLog.objects.filter(kind="search").count() == before + 1
    assert log.actor == staff and log.channel == "api"
    assert sorted(log.target_atena_numbers) == sorted(family["atena"])
    assert log.detail["count"] == 3


def test_search_is_paginated(api, family):
    r = api.post("/persons/search", {"kanji": "山田", "page_size": 2, "page": 2})
    body = r.json()
    assert (body["count"], body["page"], body["page_size"], body["num_pages"]) == (3, 2, 2, 2)
    assert len(body["results"]) == 1


def test_search_by_birth_date_in_wareki(api, family):
    r = api.post("/persons/search", {"birth_date": "昭和55年5月5日", "sex": "男"})
    assert [p["atena_number"] for p in r.json()["results"]] == [family["atena"][0]]


def test_search_without_criteria_is_422(api, town):
    r = api.post("/persons/search", {})
    assert r.status_code == 422
    assert codes(r) == ["search.empty"]


def test_search_with_a_bad_date_reports_the_rule_code(api, town):
    r = api.post("/persons/search", {"birth_date": "令和99年13月40日"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "birth_date"


def test_search_page_size_is_bounded(api, town):
    r = api.post("/persons/search", {"kana": "ヤマダ", "page_size": 500})
    assert r.status_code == 422
    assert r.json()["errors"][0] == {"code": "input.invalid", "message": "入力の形式が正しくありません（値が大きすぎます）。",
                                     "field": "page_size", "severity": "error"}


# ---------------------------------------------------------------- person


def test_person_has_every_item_but_never_the_my_number(api, family, staff):
    atena = family["atena"][0]
    r = api.get(f"/persons/{atena}", purpose="税務調査")
    assert r.status_code == 200
    body = r.json()
    assert body["atena_number"] == atena
    assert body["has_my_number"] is True
    assert body["household_number"] == family["household"]
    assert body["area_code"] == "001001"
    assert body["relationship"] == "世帯主"
    assert body["birth_date"] == "1980-05-05"
    assert body["honseki"] == "東京都三鷹市下連雀一丁目1番地"
    assert body["prev_municipality_code"] == "132047"
    assert len(body["juminhyo_code"]) == 11
    assert body["pending"] is False
    # every 住民票 item except the protected 個人番号 columns
    person = Person.objects.get(atena_number=atena)
    assert not {"my_number_cipher", "my_number_digest", "my_number"} & set(body)
    assert MY_NUMBER not in r.content.decode()
    assert person.my_number_cipher and person.my_number_cipher not in r.content.decode()
    assert person.my_number_digest not in r.content.decode()
    log = OperationLog.objects.filter(function="registry.person").latest("pk")
    assert (log.actor, log.target_atena_numbers, log.detail) == (staff, [atena], {"purpose": "税務調査"})


def test_person_without_my_number(api, family):
    assert api.get(f"/persons/{family['atena'][1]}").json()["has_my_number"] is False


@pytest.mark.parametrize("atena", ["0000000990", "abc", "0000000019x"])
def test_unknown_person_is_404(api, town, atena):
    r = api.get(f"/persons/{atena}")
    assert r.status_code == 404
    assert r.json() == {"errors": [{"code": "person.not_found", "message": "指定された住民が見つかりません。",
                                    "field": "", "severity": "error"}], "requires_acknowledgement": False}


# ---------------------------------------------------------------- history / as of


def test_person_history_lists_every_version(api, family, staff):
    head = family["atena"][0]
    moved = _move_within(staff, family["atena"])
    r = api.get(f"/persons/{head}/history")
    assert r.status_code == 200
    versions = r.json()
    assert [v["history_no"] for v in versions] == [1, 2]
    assert [v["reason"] for v in versions] == ["move_in", "move_within"]
    assert [v["reason_label"] for v in versions] == ["国内転入", "転居"]
    assert [v["document_number"] for v in versions] == [family["document_number"], moved.transaction.document_number]
    assert [v["area_code"] for v in versions] == ["001001", "002001"]
    assert versions[1]["before_move_address"] == "東京都小金井市本町一丁目1番2号"
    assert versions[0]["operator"] == staff.username
    assert all(v["has_my_number"] for v in versions)
    assert MY_NUMBER not in r.content.decode()
    assert OperationLog.objects.filter(function="registry.history", target_atena_numbers=[head]).exists()


def test_history_of_unknown_person_is_404(api, town):
    assert api.get("/persons/0000000019/history").status_code == 404


@pytest.mark.parametrize("date,expected", [
    ("2025-04-01", "東京都小金井市本町一丁目1番2号"),
    ("令和7年4月30日", "東京都小金井市本町一丁目1番2号"),
    ("2025-05-01", "東京都小金井市緑町一丁目3番4号"),
    ("2026-01-01", "東京都小金井市緑町一丁目3番4号"),
])
def test_person_as_of_a_date(api, family, staff, date, expected):
    _move_within(staff, family["atena"])
    r = api.get(f"/persons/{family['atena'][0]}/as-of", date=date)
    assert r.status_code == 200
    assert r.json()["address"] == expected
    log = OperationLog.objects.filter(function="registry.as_of").latest("pk")
    assert log.target_atena_numbers == [family["atena"][0]]


def test_person_as_of_before_the_first_version_is_404(api, family):
    r = api.get(f"/persons/{family['atena'][0]}/as-of", date="2025-03-31")
    assert r.status_code == 404
    assert codes(r) == ["person.not_found"]


def test_person_as_of_with_a_bad_date_is_422(api, family):
    r = api.get(f"/persons/{family['atena'][0]}/as-of", date="あした")
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "date"


def test_person_as_of_requires_the_date(api, family):
    r = api.get(f"/persons/{family['atena'][0]}/as-of")
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "input.invalid"
    assert r.json()["errors"][0]["field"] == "date"


# ---------------------------------------------------------------- household


def test_household_lists_members_in_order(api, family, staff):
    r = api.get(f"/households/{family['household']}")
    assert r.status_code == 200
    body = r.json()
    assert body["number"] == family["household"]
    assert body["version"] == 1
    assert [m["atena_number"] for m in body["members"]] == family["atena"]
    assert [m["relationship"] for m in body["members"]] == ["世帯主", "妻", "子"]
    assert [m["member_order"] for m in body["members"]] == [1, 2, 3]
    assert MY_NUMBER not in r.content.decode()
    log = OperationLog.objects.filter(function="registry.household").latest("pk")
    assert (log.actor, sorted(log.target_atena_numbers)) == (staff, sorted(family["atena"]))


def test_household_history(api, family, staff):
    _move_within(staff, family["atena"])
    r = api.get(f"/households/{family['household']}/history")
    assert r.status_code == 200
    versions = r.json()
    assert len(versions) == 6
    assert {v["household_number"] for v in versions} == {family["household"]}
    assert [v["reason"] for v in versions].count("move_within") == 3


@pytest.mark.parametrize("path", ["/households/0000000990", "/households/0000000990/history"])
def test_unknown_household_is_404(api, town, path):
    r = api.get(path)
    assert r.status_code == 404
    assert codes(r) == ["household.not_found"]
