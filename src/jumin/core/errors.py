"""Domain error types shared by every app. Pure Python: no Django imports.

A rule never raises a bare string. It returns (or raises, wrapped in ``RuleError``) ``Issue``
objects: a stable ``code`` that API clients and tests rely on, a Japanese ``message`` for the
clerk, the ``field`` the problem belongs to, and a ``severity``:

* ``ERROR`` blocks: nothing of the request is written (標準仕様書 j1440 エラー).
* ``ALERT`` warns: the clerk must acknowledge it (by its code) before the entry is accepted
  (標準仕様書 j1440 アラート).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import Enum
from typing import Iterable


class Severity(str, Enum):
    ERROR = "error"
    ALERT = "alert"


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    field: str = ""
    severity: Severity = Severity.ERROR
    params: dict = dc_field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "severity": self.severity.value,
        }


def error(code: str, message: str, field: str = "", **params) -> Issue:
    return Issue(code=code, message=message, field=field, severity=Severity.ERROR, params=params)


def alert(code: str, message: str, field: str = "", **params) -> Issue:
    return Issue(code=code, message=message, field=field, severity=Severity.ALERT, params=params)


class RuleError(ValueError):
    """Raised when input breaks one or more rules. Carries every issue found, not just the first."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: list[Issue] = list(issues)
        super().__init__("; ".join(f"{i.code}: {i.message}" for i in self.issues))

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.issues]


def raise_if_errors(issues: Iterable[Issue]) -> None:
    issues = list(issues)
    if any(i.is_error for i in issues):
        raise RuleError([i for i in issues if i.is_error])
