"""Fixtures of the API and batch tests: a small town (municipality and 町字: not personal data),
sample 異動 input, API tokens and clients. Persons are only ever created through the API or the
services."""

from __future__ import annotations

import json

import pytest
from sample_town import family_move_in

MY_NUMBER = "123456789018"  # a valid 個人番号 (check digit 8) used to prove it never leaks


def _move_in(**overrides) -> dict:
    data = family_move_in()
    data["persons"][0]["my_number"] = MY_NUMBER
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

