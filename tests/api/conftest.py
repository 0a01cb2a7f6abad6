"""Fixtures of the API and batch tests: a small town (municipality and 町字: not personal data),
sample 異動 input, API tokens and clients. Persons are only ever created through the API or the
services."""

from __future__ import annotations

import json

import pytest

MY_NUMBER = "123456789018"  # a valid 個人番号 (check digit 8) used to prove it never leaks


@pytest.fixture
def town(db):
    from jumin.registry.models import Area, Municipality

    m = Municipality.objects.create(code="132101", name="小金井市", prefecture="東京都",
                                    mayor_title="東京都小金井市長", is_self=True)
    for code, name, postal in [("001001", "本町一丁目", "1840004"), ("001002", "本町二丁目", "1840004"),
                               ("002001", "緑町一丁目", "1840003")]:
        Area.objects.create(municipality=m, code=code, name=name, postal_code=postal)
    return m


def _move_in(**overrides) -> dict:
    honseki = {"honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"}
    data = {
        "event_date": "令和7年4月1日",
        "notified_on": "令和7年4月3日",
        "address": {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"},
        "previous_address": {"address": "東京都三鷹市下連雀一丁目1番1号", "municipality_code": "132047",
                             "head_name": "山田 太郎"},
        "persons": [
            {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
             "birth_date": "昭和55年5月5日", "sex": "男", "relationship": "世帯主", "my_number": MY_NUMBER, **honseki},
            {"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
             "birth_date": "1982-03-03", "sex": "女", "relationship": "妻", **honseki},
            {"family_name": "山田", "given_name": "一郎", "family_name_kana": "ヤマダ", "given_name_kana": "イチロウ",
             "birth_date": "平成22年1月1日", "sex": "男", "relationship": "子", **honseki},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def move_in_data():
    """Input of a 3-person 転入届 (世帯主 with a 個人番号, 妻, 子); keywords override top-level keys."""
    return _move_in


@pytest.fixture
def family(town, staff, move_in_data):
    """The 山田 family moved in through the services (宛名番号 in household order)."""
    from jumin.registry import services

    result = services.submit(actor=staff, kind="move_in", data=move_in_data())
    return {"atena": result.atena_numbers, "household": result.household_numbers[0],
            "document_number": result.transaction.document_number}


@pytest.fixture
def token(staff):
    """A fresh API token of ``staff`` (the raw token string)."""
    from jumin.accounts.models import ApiToken

    return ApiToken.issue(staff, "テスト")[1]


class Api:
    """Thin JSON helper around a Django test client for /api/v1/."""

    def __init__(self, client, headers=None):
        self.client = client
        self.headers = headers or {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path, body=None, headers=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body if body is not None else {}),
                                content_type="application/json", headers={**self.headers, **(headers or {})})


@pytest.fixture
def api(client, token):
    """The API as ``staff`` through a Bearer token (no session, no CSRF)."""
    return Api(client, {"Authorization": f"Bearer {token}"})


@pytest.fixture
def session_api(staff_client):
    """The API as ``staff`` through the web session (the test client does not enforce CSRF)."""
    return Api(staff_client)


@pytest.fixture
def approver_api(approver):
    from django.test import Client

    from jumin.accounts.models import ApiToken

    return Api(Client(), {"Authorization": f"Bearer {ApiToken.issue(approver, 'テスト')[1]}"})

