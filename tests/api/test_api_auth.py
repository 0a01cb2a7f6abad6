"""Authentication of the JSON API: session (with CSRF on unsafe methods) or per-staff Bearer token
stored as a SHA-256 digest; the authenticated staff member is the actor of what the request does."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jumin.accounts.models import ApiToken
from jumin.audit.models import OperationLog
from jumin.registry.models import Transaction

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


ENDPOINTS = [
    ("post", "/api/v1/persons/search"),
    ("get", "/api/v1/persons/0000000019"),
    ("get", "/api/v1/persons/0000000019/history"),
    ("get", "/api/v1/persons/0000000019/as-of?date=2025-04-01"),
    ("get", "/api/v1/households/0000000019"),
    ("get", "/api/v1/households/0000000019/history"),
    ("post", "/api/v1/transactions"),
    ("post", "/api/v1/transactions/check"),
    ("get", "/api/v1/transactions/pending"),
    ("get", "/api/v1/transactions/2026-00000001"),
    ("post", "/api/v1/transactions/2026-00000001/decision"),
]


@pytest.mark.parametrize("method,url", ENDPOINTS)
def test_every_endpoint_requires_authentication(client, town, method, url):
    r = getattr(client, method)(url, *(["{}"] if method == "post" else []),
                                **({"content_type": "application/json"} if method == "post" else {}))
    assert r.status_code == 401
    assert r.json() == {"errors": [{"code": "auth.required", "message": "認証が必要です。ログインするか、APIトークンを指定してください。",
                                    "field": "", "severity": "error"}], "requires_acknowledgement": False}
    assert r["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer jmn_not-a-token", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"])
def test_wrong_credentials_are_401(client, town, header):
    r = client.get("/api/v1/transactions/pending", headers={"Authorization": header})
    assert r.status_code == 401
    assert codes(r) == ["auth.required"]


def test_token_authenticates_as_its_staff_and_records_last_use(client, staff, family):
    row, raw = ApiToken.issue(staff, "連携")
    assert row.last_used_at is None
    r = client.get(f"/api/v1/persons/{family['atena'][0]}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    log = OperationLog.objects.filter(function="registry.person").latest("pk")
    assert log.actor == staff
    assert log.channel == "api"
    assert log.target_atena_numbers == [family["atena"][0]]


def test_only_the_sha256_of_the_token_is_stored(staff):
    row, raw = ApiToken.issue(staff, "連携")
    assert raw.startswith("jmn_") and len(raw) > 40
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert raw not in stored
    assert raw[4:] not in stored


def test_revoked_token_is_refused(client, staff, town):
    row, raw = ApiToken.issue(staff, "連携")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/transactions/pending", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/transactions/pending", headers=headers).status_code == 401


def test_token_of_an_inactive_staff_member_is_refused(client, staff, town):
    raw = ApiToken.issue(staff, "連携")[1]
    staff.is_active = False
    staff.save()
    r = client.get("/api/v1/transactions/pending", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 401


def test_session_authenticates_reads(staff_client, family):
    r = staff_client.get(f"/api/v1/persons/{family['atena'][0]}")
    assert r.status_code == 200
    assert r.json()["atena_number"] == family["atena"][0]


def test_session_post_without_csrf_token_is_403_and_writes_nothing(staff, town, move_in_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    r = client.post("/api/v1/transactions", json.dumps({"kind": "move_in", "data": move_in_data()}),
                    content_type="application/json")
    assert r.status_code == 403
    assert codes(r) == ["auth.csrf"]
    assert Transaction.objects.count() == 0


def test_session_post_with_csrf_token_is_accepted(staff, town, move_in_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    r = client.post("/api/v1/transactions", json.dumps({"kind": "move_in", "data": move_in_data()}),
                    content_type="application/json", headers={"X-CSRFToken": secret})
    assert r.status_code == 201, r.content
    assert Transaction.objects.get().operator == staff


def test_token_post_needs_no_csrf_token(staff, town, move_in_data):
    client = Client(enforce_csrf_checks=True)
    raw = ApiToken.issue(staff, "連携")[1]
    r = client.post("/api/v1/transactions", json.dumps({"kind": "move_in", "data": move_in_data()}),
                    content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 201, r.content
    tx = Transaction.objects.get()
    assert tx.operator == staff
    assert tx.channel == "api"


def test_the_actor_is_the_token_owner_not_the_session_user(client, staff, approver, town, move_in_data):
    """A request carrying both credentials acts as the token's staff member."""
    client.force_login(approver)
    raw = ApiToken.issue(staff, "連携")[1]
    r = client.post("/api/v1/transactions", json.dumps({"kind": "move_in", "data": move_in_data()}),
                    content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 201
    assert Transaction.objects.get().operator == staff


# ---------------------------------------------------------------- jumin createapitoken


def test_createapitoken_prints_the_token_once_and_stores_its_hash(staff, capsys):
    call_command("createapitoken", staff.username, "--name", "住基ネット連携")
    out, err = capsys.readouterr()
    raw = out.strip()
    assert raw.startswith("jmn_") and "\n" not in raw
    row = ApiToken.objects.get()
    assert (row.staff, row.name) == (staff, "住基ネット連携")
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in err
    assert "再表示できません" in err
    Client().get("/api/v1/transactions/pending")  # no effect on the token
    r = Client().get("/api/v1/transactions/pending", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200


@pytest.mark.parametrize("username", ["nobody", "inactive"])
def test_createapitoken_refuses_unknown_or_inactive_staff(django_user_model, username):
    django_user_model.objects.create_user(username="inactive", password="x" * 12, is_active=False)
    with pytest.raises(CommandError):
        call_command("createapitoken", username)
    assert ApiToken.objects.count() == 0
