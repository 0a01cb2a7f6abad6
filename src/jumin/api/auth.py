"""Authentication of the JSON API: a staff session (CSRF-checked for unsafe methods) or a per-staff
API token (``Authorization: Bearer <token>``, no CSRF: a browser never sends it on its own).

The authenticated staff member is ``request.auth`` and is the actor of every service and selector
call the request makes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from jumin.accounts.backends import account_is_valid
from jumin.accounts.models import ApiToken
from jumin.core import clock

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
"""``last_used_at`` is written at most once a minute per token, not on every request."""

MAX_TOKEN_LENGTH = 200


class CsrfFailed(Exception):
    """A session-authenticated unsafe request without a valid CSRF token."""


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``: looked up by the SHA-256 of the token."""

    def authenticate(self, request: HttpRequest, token: str) -> Optional[Any]:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = (ApiToken.objects.select_related("staff", "staff__office")
               .filter(token_hash=ApiToken.digest(token), revoked_at__isnull=True).first())
        if row is None or not account_is_valid(row.staff):
            return None
        now = clock.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.api_token = row
        return row.staff


class StaffSession(SessionAuth):
    """The staff web session; unsafe methods must carry the CSRF token (``X-CSRFToken``).

    The CSRF check runs only when there is an authenticated session, so that a request with no
    credentials at all is answered 401 (not 403)."""

    def __call__(self, request: HttpRequest) -> Optional[Any]:
        user = self.authenticate(request, request.COOKIES.get(self.param_name))
        if user is None:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, key: Optional[str]) -> Optional[Any]:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and account_is_valid(user):
            return user
        return None


AUTH = [BearerToken(), StaffSession()]
