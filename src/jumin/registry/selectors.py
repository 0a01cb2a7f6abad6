"""The one read path of the register (architecture rule 2): every function takes the actor and
writes an operation-log entry naming the persons it showed (標準仕様書 j1370)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q

from jumin.audit.services import record as audit_record
from jumin.core import clock
from jumin.core.errors import RuleError, error
from jumin.identifiers import rules as idr
from jumin.text.kana import kana_search_key

from .choices import Status
from .models import Household, Person, PersonVersion, Transaction
from .rules import inputs
from .rules.household import standard_order_key

PAGE_SIZE = 50


@dataclass
class SearchQuery:
    """Search keys of 標準仕様書 j340 (basic search)."""

    kana: str = ""
    kana_mode: str = "seion"  # seion (清音化) / exact
    kana_match: str = "prefix"  # prefix / exact
    kanji: str = ""
    birth_date: str = ""
    sex: str = ""
    area_code: str = ""
    address: str = ""
    household_number: str = ""
    atena_number: str = ""
    juminhyo_code: str = ""
    include_removed: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def is_empty(self) -> bool:
        return not any((self.kana, self.kanji, self.birth_date, self.sex, self.area_code, self.address,
                        self.household_number, self.atena_number, self.juminhyo_code))


ALIAS_MATCH_LIMIT = 500
ORDER = ("name_kana_key", "birth_date", "atena_number")
KANJI_ORDER = ("name_kanji_key", "birth_date", "atena_number")


def _order(query: SearchQuery) -> tuple[str, ...]:
    """Results are listed in the order of the key searched, so that the database answers the first
    page from that key's index instead of sorting every match."""
    return KANJI_ORDER if query.kanji and not query.kana else ORDER


def _filters(q: SearchQuery, *, alias: bool = False) -> Q | None:
    """The search condition. With ``alias=True``, the same criteria matched against the 通称
    instead of the name (None when no name criterion applies to 通称)."""
    cond = Q()
    issues = []
    if q.kana:
        mode = "exact" if q.kana_mode == "exact" else "seion"
        key = kana_search_key(q.kana, mode=mode)
        if not key:
            issues.append(error("search.kana_empty", "フリガナにカタカナまたはひらがなを入力してください。", "kana"))
        else:
            column = "name_kana_exact" if mode == "exact" else "name_kana_key"
            lookup = "" if q.kana_match == "exact" else "__startswith"
            if not alias:
                cond &= Q(**{f"{column}{lookup}": key})
            elif mode == "seion":  # 通称 are searched with the 清音化 key only (標準仕様書 j340)
                cond &= Q(**{f"alias_kana_key{lookup}": key})
            else:
                return None
    if q.kanji:
        key = q.kanji.replace(" ", "").replace("\u3000", "")
        if not key:
            issues.append(error("search.kanji_empty", "氏名を入力してください。", "kanji"))
        else:
            key = key.upper() if key.isascii() else key  # アルファベット氏名 are stored in capitals
            cond &= Q(alias__startswith=key) if alias else Q(name_kanji_key__startswith=key)
    if q.birth_date:
        try:
            cond &= Q(birth_date=inputs.exact_date(q.birth_date, "birth_date"))
        except RuleError as exc:
            issues += exc.issues
    if q.sex:
        try:
            cond &= Q(sex=inputs.sex(q.sex, "sex"))
        except RuleError as exc:
            issues += exc.issues
    if q.area_code:
        cond &= Q(area__code=q.area_code)
    if q.address:
        cond &= Q(address__contains=q.address.strip())
    if q.household_number:
        cond &= Q(household__number=idr.normalise_digits(q.household_number))
    if q.atena_number:
        cond &= Q(atena_number=idr.normalise_digits(q.atena_number))
    if q.juminhyo_code:
        cond &= Q(juminhyo_code=idr.normalise_digits(q.juminhyo_code))
    if issues:
        raise RuleError(issues)
    if alias and not (q.kana or q.kanji):
        return None
    if not q.include_removed:
        cond &= Q(status=Status.RESIDENT)
    return cond


class _Results:
    """Search results for the paginator: the persons matched by name, in key order (answered from
    the ordered index), followed by the few matched only by their 通称 (標準仕様書 j340).
    Keeping the 通称 out of the main query lets PostgreSQL serve ``ORDER BY key LIMIT n`` and the
    count from the name index even when a surname matches tens of thousands of residents."""

    def __init__(self, query: SearchQuery):
        main = _filters(query)
        order = _order(query)
        self.main = Person.objects.filter(main).select_related("household", "area").order_by(*order)
        alias = _filters(query, alias=True)
        self.alias_ids: list[int] = []
        if alias is not None:
            self.alias_ids = list(Person.objects.filter(alias).exclude(main).order_by(*order)
                                  .values_list("id", flat=True)[:ALIAS_MATCH_LIMIT])
        self._main_count: int | None = None

    def main_count(self) -> int:
        if self._main_count is None:
            self._main_count = self.main.count()
        return self._main_count

    def count(self) -> int:
        return self.main_count() + len(self.alias_ids)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Person]:
        start, stop = item.start or 0, item.stop
        n = self.main_count()
        rows = list(self.main[start:min(stop, n)]) if start < n else []
        if stop > n and self.alias_ids:
            ids = self.alias_ids[max(0, start - n):stop - n]
            found = {p.id: p for p in Person.objects.filter(id__in=ids).select_related("household", "area")}
            rows += [found[i] for i in ids if i in found]
        return rows


def search(*, actor, query: SearchQuery):
    """Search persons; returns a Django Page of Person. Logs every person shown."""
    if query.is_empty():
        raise RuleError([error("search.empty", "検索条件を1つ以上入力してください。")])
    page_size = max(1, min(query.page_size, 200))
    paginator = Paginator(_Results(query), page_size)
    page = paginator.get_page(query.page)
    audit_record(actor=actor, kind="search", function="registry.search",
                 targets=[p.atena_number for p in page.object_list],
                 detail={"criteria": sorted(k for k, v in query.__dict__.items()
                                            if v and k not in ("page", "page_size", "kana_mode", "kana_match")),
                         "include_removed": query.include_removed, "count": paginator.count})
    return page


def get_person(*, actor, atena_number: str, purpose: str = "照会") -> Person:
    p = Person.objects.select_related("household", "area").filter(atena_number=atena_number).first()
    if p is None:
        audit_record(actor=actor, kind="read", function="registry.person", targets=[atena_number], result="not_found")
        raise RuleError([error("person.not_found", "指定された住民が見つかりません。")])
    audit_record(actor=actor, kind="read", function="registry.person", targets=[p.atena_number], detail={"purpose": purpose})
    return p


def person_history(*, actor, atena_number: str) -> list[PersonVersion]:
    versions = list(PersonVersion.objects.filter(atena_number=atena_number)
                    .select_related("transaction", "household", "area", "operator").order_by("history_no"))
    audit_record(actor=actor, kind="read", function="registry.history", targets=[atena_number])
    return versions


def person_as_of(*, actor, atena_number: str, as_of: dt.date) -> PersonVersion | None:
    """The record as it stood on ``as_of`` (by 異動日): the latest version (by 履歴番号) whose 異動日
    is on or before that date, or None before the person was first recorded. A version without
    異動日 counts from its 処理日 (in JST). A 取消し carries the 異動日 of the 異動 it cancels, so
    the past reads as corrected; a 転出予定 counts from its 予定日."""
    next_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(0), tzinfo=clock.JST)
    best = (PersonVersion.objects.filter(atena_number=atena_number)
            .filter(Q(event_date__lte=as_of) | Q(event_date__isnull=True, recorded_at__lt=next_day))
            .select_related("household", "area", "transaction", "operator").order_by("-history_no").first())
    audit_record(actor=actor, kind="read", function="registry.as_of", targets=[atena_number],
                 detail={"as_of": as_of.isoformat()})
    return best


def get_household(*, actor, number: str) -> tuple[Household, list[Person]]:
    h = Household.objects.filter(number=number).first()
    if h is None:
        audit_record(actor=actor, kind="read", function="registry.household", targets=[], result="not_found",
                     detail={"household_number": number})
        raise RuleError([error("household.not_found", "指定された世帯が見つかりません。")])
    members = sorted(Person.objects.filter(household=h, status=Status.RESIDENT).select_related("household", "area"),
                     key=lambda m: standard_order_key(m.relationship, m.birth_date, m.atena_number))
    audit_record(actor=actor, kind="read", function="registry.household", targets=[m.atena_number for m in members],
                 detail={"household_number": number})
    return h, members


def household_history(*, actor, number: str) -> list[PersonVersion]:
    versions = list(PersonVersion.objects.filter(household__number=number).select_related("transaction", "operator", "household", "area")
                    .order_by("recorded_at", "atena_number", "history_no"))
    audit_record(actor=actor, kind="read", function="registry.household_history",
                 targets=sorted({v.atena_number for v in versions}), detail={"household_number": number})
    return versions


def pending_transactions(*, actor) -> list[Transaction]:
    txs = list(Transaction.objects.filter(status="pending").select_related("operator").order_by("processed_at"))
    audit_record(actor=actor, kind="read", function="registry.pending",
                 targets=sorted({a for t in txs for a in t.subjects}))
    return txs


def get_transaction(*, actor, document_number: str) -> Transaction:
    tx = Transaction.objects.select_related("operator", "approver").filter(document_number=document_number).first()
    if tx is None:
        raise RuleError([error("transaction.not_found", "指定された異動が見つかりません。")])
    audit_record(actor=actor, kind="read", function="registry.transaction", targets=tx.subjects,
                 detail={"document_number": document_number})
    return tx
