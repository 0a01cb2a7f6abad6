"""Login backend: an account outside its validity period cannot log in (標準仕様書 j1380 期間).

Accounts are never deleted at transfer or retirement; ``valid_to`` (or ``is_active=False``)
closes them while keeping their audit trail."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from jumin.core import clock


def account_is_valid(user) -> bool:
    if not getattr(user, "is_active", False):
        return False
    today = clock.today()
    if user.valid_from and today < user.valid_from:
        return False
    if user.valid_to and today > user.valid_to:
        return False
    return True


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return account_is_valid(user)
