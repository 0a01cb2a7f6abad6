"""Fixtures of the staff-UI tests: a small fictional town (areas only; residents are always
recorded through the services), helpers to record a family, and a guard that fails any UI test
in which a response (page, htmx partial, redirect) carried a 個人番号 in clear."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from jumin.core.errors import RuleError
from jumin.identifiers import rules as idr

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
def town(db):
    from jumin.registry.models import Area, Municipality

    m = Municipality.objects.create(code="132101", name="小金井市", prefecture="東京都",
                                    mayor_title="東京都小金井市長", is_self=True)
    areas = {
        code: Area.objects.create(municipality=m, code=code, name=name, postal_code=postal)
        for code, name, postal in [
            ("001001", "本町一丁目", "1840004"),
            ("001002", "本町二丁目", "1840004"),
            ("002001", "緑町一丁目", "1840003"),
        ]
    }
    return {"municipality": m, "areas": areas}


def family_input(**overrides) -> dict:
    """A 3-person 転入届 (世帯主, 妻, 子) in the services' input format."""
    data = {
        "event_date": "令和7年4月1日",
        "notified_on": "令和7年4月3日",
        "address": {"area_code": "001001", "address_number": "1番2号", "katagaki": "コーポ本町101"},
        "previous_address": {"address": "東京都三鷹市下連雀一丁目1番1号", "municipality_code": "132047",
                             "head_name": "山田 太郎"},
        "persons": [
            {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
             "birth_date": "昭和55年5月5日", "sex": "男", "relationship": "世帯主",
             "honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"},
            {"family_name": "山田", "given_name": "花子", "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ",
             "birth_date": "1982-03-03", "sex": "女", "relationship": "妻",
             "honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"},
            {"family_name": "山田", "given_name": "一郎", "family_name_kana": "ヤマダ", "given_name_kana": "イチロウ",
             "birth_date": "平成22年1月1日", "sex": "男", "relationship": "子",
             "honseki": "東京都三鷹市下連雀一丁目1番地", "hittosha": "山田太郎"},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def family(town, staff):
    """The 山田 family recorded by a 転入 through the services: the Result."""
    from jumin.registry import services

    return services.submit(actor=staff, kind="move_in", data=family_input())
