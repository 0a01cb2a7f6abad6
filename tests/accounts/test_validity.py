import datetime as dt

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "valid_from,valid_to,can_login",
    [
        (None, None, True),
        (dt.date(2000, 1, 1), None, True),
        (None, dt.date(2000, 1, 1), False),  # retired / transferred: closed, never deleted
        (dt.date(2999, 1, 1), None, False),  # not yet valid
    ],
)
def test_login_only_within_validity_period(django_user_model, valid_from, valid_to, can_login):
    django_user_model.objects.create_user(username="u1", password="pw-123456789", valid_from=valid_from, valid_to=valid_to)
    assert Client().login(username="u1", password="pw-123456789") is can_login


def test_inactive_account_cannot_login(django_user_model):
    django_user_model.objects.create_user(username="u2", password="pw-123456789", is_active=False)
    assert Client().login(username="u2", password="pw-123456789") is False
