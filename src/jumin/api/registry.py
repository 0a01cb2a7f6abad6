"""Read endpoints: search, persons (current, history, as of a date) and households.

Thin: parse → selector (which checks and logs the read, with the authenticated staff as actor) →
render. "Not found" and "not permitted" answer the same 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from jumin.core.errors import RuleError
from jumin.registry import selectors
from jumin.registry.rules import inputs

from . import schemas as s
from .errors import HOUSEHOLD_NOT_FOUND, PERSON_NOT_FOUND, ApiError

router = Router(tags=["住民・世帯"])

READ_RESPONSES = {401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut}


def _not_found(issue):
    """A selector's refusal, whatever its reason, is the resource's 404 (architecture rule 2)."""
    return ApiError(404, [issue])


@router.post("/persons/search", response={200: s.SearchOut, 401: s.ErrorOut, 403: s.ErrorOut, 422: s.ErrorOut},
             operation_id="search_persons", summary="住民の検索",
             description="標準仕様書 j340 の基本検索。検索条件は個人情報なので URL（アクセスログ）に残らないよう本文で送ります。"
                         "表示した住民は操作ログに記録されます。")
def search_persons(request: HttpRequest, payload: s.SearchIn):
    query = selectors.SearchQuery(**payload.dict())
    try:
        page = selectors.search(actor=request.auth, query=query)
    except RuleError as exc:
        raise ApiError(422, exc.issues) from None
    return {
        "count": page.paginator.count, "page": page.number, "page_size": page.paginator.per_page,
        "num_pages": page.paginator.num_pages, "results": [s.summary_out(p) for p in page.object_list],
    }


@router.get("/persons/{atena_number}", response={200: s.PersonOut, **READ_RESPONSES},
            operation_id="get_person", summary="住民票の照会",
            description="住民票の全記載事項。個人番号は返さず、登録の有無（has_my_number）のみ返します。")
def get_person(request: HttpRequest, atena_number: str, purpose: str = Query("照会", max_length=100, description="照会の目的（操作ログに記録）")):
    try:
        p = selectors.get_person(actor=request.auth, atena_number=atena_number, purpose=purpose or "照会")
    except RuleError:
        raise _not_found(PERSON_NOT_FOUND) from None
    return s.person_out(p)


@router.get("/persons/{atena_number}/history", response={200: list[s.PersonVersionOut], **READ_RESPONSES},
            operation_id="get_person_history", summary="住民票の履歴",
            description="履歴番号順の全版（標準仕様書 j200）。")
def get_person_history(request: HttpRequest, atena_number: str):
    try:
        versions = selectors.person_history(actor=request.auth, atena_number=atena_number)
    except RuleError:
        raise _not_found(PERSON_NOT_FOUND) from None
    if not versions:
        raise _not_found(PERSON_NOT_FOUND)
    return s.versions_out(versions)


@router.get("/persons/{atena_number}/as-of", response={200: s.PersonVersionOut, **READ_RESPONSES, 422: s.ErrorOut},
            operation_id="get_person_as_of", summary="指定日時点の住民票",
            description="異動日がその日以前の最新の版（異動日のない版は処理日で判定）。その日に記録がなければ 404。")
def get_person_as_of(request: HttpRequest, atena_number: str, date: str = Query(..., description="和暦または西暦の日付")):
    try:
        as_of = inputs.exact_date(date, "date", required=True)
    except RuleError as exc:
        raise ApiError(422, exc.issues) from None
    try:
        version = selectors.person_as_of(actor=request.auth, atena_number=atena_number, as_of=as_of)
    except RuleError:
        raise _not_found(PERSON_NOT_FOUND) from None
    if version is None:
        raise _not_found(PERSON_NOT_FOUND)
    return s.versions_out([version])[0]


@router.get("/households/{number}", response={200: s.HouseholdOut, **READ_RESPONSES},
            operation_id="get_household", summary="世帯の照会",
            description="世帯の版と、現在の世帯員（世帯内の並び順）の住民票。")
def get_household(request: HttpRequest, number: str):
    try:
        household, members = selectors.get_household(actor=request.auth, number=number)
    except RuleError:
        raise _not_found(HOUSEHOLD_NOT_FOUND) from None
    return {"number": household.number, "version": household.version,
            "members": [s.person_out(p) for p in members]}


@router.get("/households/{number}/history", response={200: list[s.PersonVersionOut], **READ_RESPONSES},
            operation_id="get_household_history", summary="世帯の履歴",
            description="この世帯に属していた時点の世帯員の版（処理日時順）。")
def get_household_history(request: HttpRequest, number: str):
    try:
        versions = selectors.household_history(actor=request.auth, number=number)
    except RuleError:
        raise _not_found(HOUSEHOLD_NOT_FOUND) from None
    if not versions:
        raise _not_found(HOUSEHOLD_NOT_FOUND)
    return s.versions_out(versions)
