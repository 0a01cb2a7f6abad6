"""Fixtures of the staff-UI tests: a small fictional town (areas only; residents are always
recorded through the services), helpers to record a family, and a guard that fails any UI test
in which a response (page, htmx partial, redirect) carried a 個人番号 in clear."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from jumin.core.errors import RuleError
from jumin.identifiers import rules as idr
from sample_town import family_move_in as family_input  # noqa: F401 (imported by the UI tests)

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_GROUPED = re.compile(r"(?<!\d)(\d{4})[ \u00a0\u3000-](\d{4})[ \u00a0\u3000-](\d{4})(?!\d)")


def my_numbers_in(text: str) -> list[str]:
    """Every 個人番号 written in ``text``: a run of 12 digits (ASCII or full-width, also inside a
    longer run of digits) or 3 groups of 4 digits as printed on the card, whose 12th digit is the
    check digit of the first 11 (jumin.identifiers.rules.validate_my_number)."""
    text = text.translate(_FULLWIDTH)
    candidates = [run[i:i + 12] for run in re.findall(r"\d{12,}", text) for i in range(len(run) - 11)]
    candidates += ["".join(m) for m in _GROUPED.findall(text)]
    found = []
    for c in candidates:
        try:
            found.append(idr.validate_my_number(c))
        except RuleError:
            continue
    return found


@dataclass
class Served:
    method: str
    url: str
    status: int
    body: str
    location: str


@pytest.fixture(autouse=True)
def served(monkeypatch):
    """Every response the application served during the test — to the Django test client and to
    the browser through the live server alike (both go through ``BaseHandler.get_response``).
    After the test, none of them may contain a 個人番号 in clear: not in the body (the whole body,
    hidden inputs included), not in the URL asked for, not in a redirect."""
    from django.core.handlers.base import BaseHandler

    seen: list[Served] = []
    original = BaseHandler.get_response

    def get_response(self, request):
        response = original(self, request)
        body = b"" if response.streaming else response.content
        seen.append(Served(request.method, request.get_full_path(), response.status_code,
                           body.decode("utf-8", "replace"), response.get("Location", "")))
        return response

    monkeypatch.setattr(BaseHandler, "get_response", get_response)
    yield seen
    leaks = [f"{s.method} {s.url} ({s.status})" for s in seen if my_numbers_in(f"{s.body} {s.url} {s.location}")]
    assert not leaks, f"個人番号 in clear in: {leaks}"


@pytest.fixture
def family(town, staff):
    """The 山田 family recorded by a 転入 through the services: the Result."""
    from jumin.registry import services

    return services.submit(actor=staff, kind="move_in", data=family_input())
