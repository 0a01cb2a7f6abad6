"""How the API reports problems: one body shape for every status,

    {"errors": [{"code", "message", "field", "severity"}], "requires_acknowledgement": false}

with the stable codes and Japanese messages of the rules (jumin.core.errors), exactly as the UI
shows them. Status codes:

* 401 ``auth.required``: no valid session or token.
* 403 ``auth.csrf``: a session-authenticated unsafe request without the CSRF token;
  ``permission.*`` / ``decide.self_approval``: the staff member may not perform the operation
  (決裁権限がない、自分の入力は決裁できない).
* 404 ``*.not_found``: the person, household or transaction does not exist *or may not be seen*
  — the two look the same (architecture rule 2).
* 409 ``household.conflict``: another clerk changed the household first; nothing was written.
* 422 rule errors (``severity: "error"``), or alerts the clerk has not acknowledged
  (``severity: "alert"``, ``requires_acknowledgement: true``): resubmit with their codes in
  ``acknowledged_alerts``. Malformed request bodies are 422 ``input.invalid`` (400
  ``input.malformed`` when the body is not JSON at all).
"""

from __future__ import annotations

from typing import Iterable

from jumin.core.errors import Issue, error


class ApiError(Exception):
    """Raised by an endpoint to answer with ``status`` and the issues in the common shape."""

    def __init__(self, status: int, issues: Iterable[Issue], *, requires_acknowledgement: bool = False):
        self.status = status
        self.issues = list(issues)
        self.requires_acknowledgement = requires_acknowledgement
        super().__init__("; ".join(i.code for i in self.issues))

    def body(self) -> dict:
        return body(self.issues, requires_acknowledgement=self.requires_acknowledgement)


def body(issues: Iterable[Issue], *, requires_acknowledgement: bool = False) -> dict:
    return {"errors": [i.as_dict() for i in issues], "requires_acknowledgement": requires_acknowledgement}


AUTH_REQUIRED = error("auth.required", "認証が必要です。ログインするか、APIトークンを指定してください。")
CSRF_FAILED = error("auth.csrf", "CSRFトークンが正しくありません。画面を再読み込みしてから操作してください。")
MALFORMED = error("input.malformed", "リクエストの本文をJSONとして読み取れません。")

PERSON_NOT_FOUND = error("person.not_found", "指定された住民が見つかりません。")
HOUSEHOLD_NOT_FOUND = error("household.not_found", "指定された世帯が見つかりません。")
TRANSACTION_NOT_FOUND = error("transaction.not_found", "指定された異動が見つかりません。")


def validation_issues(errors: list[dict]) -> list[Issue]:
    """ninja/pydantic request validation errors → issues with a dotted field path."""
    out = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        # ("body", "<param>", "field", ...) / ("query", "field") / ("path", "field")
        if loc and loc[0] == "body":
            loc = loc[2:]
        elif loc:
            loc = loc[1:]
        out.append(error("input.invalid", f"入力の形式が正しくありません（{_message(e)}）。", ".".join(loc)))
    return out or [error("input.invalid", "入力の形式が正しくありません。")]


_PYDANTIC_MESSAGES = {
    "missing": "必須項目です",
    "bool_parsing": "真偽値（true/false）で指定してください",
    "bool_type": "真偽値（true/false）で指定してください",
    "int_parsing": "整数で指定してください",
    "int_type": "整数で指定してください",
    "string_type": "文字列で指定してください",
    "list_type": "配列で指定してください",
    "dict_type": "オブジェクトで指定してください",
    "model_attributes_type": "オブジェクトで指定してください",
    "greater_than_equal": "値が小さすぎます",
    "less_than_equal": "値が大きすぎます",
    "string_too_long": "文字数が多すぎます",
}


def _message(e: dict) -> str:
    return _PYDANTIC_MESSAGES.get(e.get("type", ""), "値が正しくありません")
