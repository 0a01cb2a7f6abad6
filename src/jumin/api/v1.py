"""JSON API v1 (OpenAPI at /api/v1/openapi.json, browsable at /api/v1/docs).

Authentication: the staff web session (unsafe methods need the CSRF token) or a per-staff API
token (``Authorization: Bearer <token>``, issued with ``jumin createapitoken``). Error bodies and
status codes: ``jumin.api.errors``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jumin.audit.services import MissingActor
from jumin.core.errors import RuleError, error

from . import errors, kinds
from .auth import AUTH, CsrfFailed
from .registry import router as registry_router
from .transactions import SUBMIT_OPERATIONS, router as transactions_router

DESCRIPTION = """\
住民記録システム Jumin の JSON API。

**認証**: 職員のログインセッション（POST 等には CSRF トークン `X-CSRFToken` が必要）、または職員ごとの
APIトークン（`Authorization: Bearer <token>`、`jumin createapitoken USERNAME` で発行）。すべての照会・入力は
認証された職員の操作として操作ログに記録されます。

**エラー**: すべて `{"errors": [{"code", "message", "field", "severity"}], "requires_acknowledgement": bool}`。

| 状態 | 意味 |
|---|---|
| 401 | `auth.required`: 認証されていない |
| 403 | `auth.csrf`: CSRF トークンがない・誤り／`permission.*`: 権限がない |
| 404 | `*.not_found`: 存在しない、または照会が許されない（区別しません） |
| 409 | `household.conflict`: 他の職員が先に世帯を更新した（何も記録されていません） |
| 422 | 規則のエラー（severity=error）、または未確認のアラート（severity=alert、requires_acknowledgement=true） |

**個人番号**は応答に決して含まれません（`has_my_number` のみ）。
"""


class JuminAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        kinds.document(schema, SUBMIT_OPERATIONS)
        return schema


api = JuminAPI(
    title="Jumin API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=AUTH,
)
api.add_router("", registry_router)
api.add_router("", transactions_router)


def _respond(request: HttpRequest, status: int, issues, *, requires_acknowledgement: bool = False):
    return api.create_response(request, errors.body(issues, requires_acknowledgement=requires_acknowledgement),
                               status=status)


@api.exception_handler(errors.ApiError)
def _api_error(request, exc: errors.ApiError):
    return _respond(request, exc.status, exc.issues, requires_acknowledgement=exc.requires_acknowledgement)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _respond(request, 401, [errors.AUTH_REQUIRED])
    response["WWW-Authenticate"] = 'Bearer realm="jumin"'
    return response


@api.exception_handler(MissingActor)
def _missing_actor(request, exc):
    return _respond(request, 401, [errors.AUTH_REQUIRED])


@api.exception_handler(CsrfFailed)
def _csrf_failed(request, exc):
    return _respond(request, 403, [errors.CSRF_FAILED])


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return _respond(request, 422, errors.validation_issues(exc.errors))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return _respond(request, 400, [errors.MALFORMED])
    return _respond(request, exc.status_code, [error(f"http.{exc.status_code}", str(exc))])


@api.exception_handler(RuleError)
def _rule_error(request, exc: RuleError):
    """A rule error an endpoint did not map itself (should not happen): 422 with its issues."""
    return _respond(request, 422, exc.issues)
