"""``jumin createdemousers``: idempotent demo accounts with a password kept in var/."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_createdemousers_is_idempotent_and_prints_the_login(tmp_path, settings, capsys, client):
    from jumin.accounts.models import Office, Staff

    settings.VAR_DIR = tmp_path
    call_command("createdemousers")
    first = capsys.readouterr().out
    password = (tmp_path / "demo_password").read_text().strip()
    assert len(password) >= 12
    assert (tmp_path / "demo_password").stat().st_mode & 0o777 == 0o600
    assert "http://127.0.0.1:8000/accounts/login/" in first and "clerk" in first and "chief" in first
    assert password in first

    call_command("createdemousers")
    second = capsys.readouterr().out
    assert second == first
    assert (tmp_path / "demo_password").read_text().strip() == password
    assert Office.objects.filter(name="市民課").count() == 1
    clerk = Staff.objects.get(username="clerk")
    chief = Staff.objects.get(username="chief")
    assert Staff.objects.filter(username__in=["clerk", "chief"]).count() == 2
    assert not clerk.is_approver and chief.is_approver
    assert clerk.office.name == chief.office.name == "市民課"
    assert client.login(username="chief", password=password)
    assert not client.login(username="clerk", password="wrong-password-123")


def test_createdemousers_resets_a_changed_password(tmp_path, settings, capsys):
    from jumin.accounts.models import Staff

    settings.VAR_DIR = tmp_path
    call_command("createdemousers")
    password = (tmp_path / "demo_password").read_text().strip()
    clerk = Staff.objects.get(username="clerk")
    clerk.set_password("something-else-42")
    clerk.is_active = False
    clerk.save()
    call_command("createdemousers")
    clerk.refresh_from_db()
    assert clerk.is_active and clerk.check_password(password)
