"""異動 endpoints: submit (本登録 or 仮登録), check, pending list, read, and 決裁.

Every write goes through ``jumin.registry.services`` with the authenticated staff as actor; the
rules (``jumin.registry.rules.transactions``) parse ``data``, so errors carry the same codes and
messages as in the UI."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from jumin.core.errors import RuleError
from jumin.registry import selectors, services

from . import schemas as s
from .errors import TRANSACTION_NOT_FOUND, ApiError

router = Router(tags=["異動"])

SUBMIT_OPERATIONS = {"submit_transaction", "check_transaction"}
"""Operations whose request body is documented per 異動事由 (see ``kinds.document``)."""

ERRORS = {401: s.ErrorOut, 403: s.ErrorOut}


def _raise_for_write(exc: RuleError, *, not_found_codes: frozenset[str] = frozenset()) -> None:
    """Map a service exception to the status codes of ``jumin.api.errors``."""
    if isinstance(exc, services.ConflictError):
        raise ApiError(409, exc.issues) from None
    if isinstance(exc, services.AlertsRequireAcknowledgement):
        raise ApiError(422, exc.issues, requires_acknowledgement=True) from None
    if isinstance(exc, services.PermissionDenied):
        raise ApiError(403, exc.issues) from None
    if not_found_codes and set(exc.codes) & not_found_codes:
        raise ApiError(404, [i for i in exc.issues if i.code in not_found_codes]) from None
    raise ApiError(422, exc.issues) from None


@router.post("/transactions", response={201: s.SubmitOut, **ERRORS, 409: s.ErrorOut, 422: s.ErrorOut},
             operation_id="submit_transaction", summary="異動届の入力",
             description=(
                 "異動届1件を検証し、本登録（hold=false）または仮登録（hold=true、決裁待ち）として記録します。"
                 "data の形は kind ごとに異なります（oneOf と例を参照）。\n\n"
                 "* 201: 受理（status が committed または pending）\n"
                 "* 422: エラー（errors、severity=error）。または未確認のアラート（requires_acknowledgement=true、"
                 "severity=alert）: コードを acknowledged_alerts に入れて再送してください\n"
                 "* 409: household.conflict（expected_versions の版と異なる。他の職員が先に更新した）"))
def submit_transaction(request: HttpRequest, payload: s.TransactionIn):
    try:
        result = services.submit(actor=request.auth, kind=payload.kind, data=payload.data, hold=payload.hold,
                                 acknowledged=payload.acknowledged_alerts,
                                 expected_versions=payload.expected_versions or None)
    except RuleError as exc:
        _raise_for_write(exc)
    return Status(201, s.submit_out(result))


@router.post("/transactions/check", response={200: s.CheckOut, **ERRORS},
             operation_id="check_transaction", summary="異動届の検証（記録しない）",
             description="入力と同じ規則で検証し、エラーとアラートを返します。異動は記録しません（照会として操作ログに残ります）。"
                         "hold・acknowledged_alerts・expected_versions は無視します。")
def check_transaction(request: HttpRequest, payload: s.TransactionIn):
    try:
        issues = services.check(actor=request.auth, kind=payload.kind, data=payload.data)
    except RuleError as exc:
        issues = exc.issues
    return {"ok": not any(i.is_error for i in issues), "issues": [i.as_dict() for i in issues]}


@router.get("/transactions/pending", response={200: list[s.TransactionSummaryOut], **ERRORS},
            operation_id="list_pending_transactions", summary="決裁待ちの異動",
            description="仮登録（決裁待ち）の異動の一覧（受付順）。")
def list_pending_transactions(request: HttpRequest):
    return [s.transaction_summary_out(tx) for tx in selectors.pending_transactions(actor=request.auth)]


@router.get("/transactions/{document_number}", response={200: s.TransactionOut, **ERRORS, 404: s.ErrorOut},
            operation_id="get_transaction", summary="異動の照会")
def get_transaction(request: HttpRequest, document_number: str):
    try:
        tx = selectors.get_transaction(actor=request.auth, document_number=document_number)
    except RuleError:
        raise ApiError(404, [TRANSACTION_NOT_FOUND]) from None
    return s.transaction_out(tx)


@router.post("/transactions/{document_number}/decision",
             response={200: s.SubmitOut, **ERRORS, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut},
             operation_id="decide_transaction", summary="仮登録の決裁",
             description=(
                 "決裁権限のある職員が仮登録を承認（本登録）または却下します（標準仕様書 j530）。"
                 "承認時は現在の台帳に対して再検証します。\n\n"
                 "* 403: permission.approve（決裁権限がない）、decide.self_approval（自分の入力）\n"
                 "* 404: decide.not_pending（決裁待ちの異動がない）\n"
                 "* 422 / 409: 再検証のエラー・同時更新"))
def decide_transaction(request: HttpRequest, document_number: str, payload: s.DecisionIn):
    try:
        result = services.decide(actor=request.auth, document_number=document_number,
                                 approve=payload.approve, note=payload.note)
    except RuleError as exc:
        _raise_for_write(exc, not_found_codes=frozenset({"decide.not_pending"}))
    return Status(200, s.submit_out(result))
