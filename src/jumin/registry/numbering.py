"""Allocation of 宛名番号, 世帯番号, 受付番号 and 住民票コード.

On PostgreSQL numbers come from database sequences (``nextval`` never blocks concurrent
異動, unlike a locked counter row); on SQLite, whose writers are serialised anyway, from a
counter row. Gaps after a rollback are allowed: 標準仕様書 j130 asks for a simple sequence with
a check digit, not for gap-free numbering."""

from __future__ import annotations

import secrets

from django.db import connection
from django.db.models import F

from jumin.identifiers import rules as idr

from .models import NumberSequence, Person

SEQUENCES = ("atena", "household", "document")


def next_value(name: str) -> int:
    if name not in SEQUENCES:
        raise ValueError(name)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT nextval('jumin_seq_{name}')")
            return cur.fetchone()[0]
    seq, _ = NumberSequence.objects.get_or_create(name=name)
    NumberSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    return NumberSequence.objects.values_list("last_value", flat=True).get(pk=seq.pk)


def new_atena_number() -> str:
    return idr.make_atena_number(next_value("atena"))


def new_household_number() -> str:
    return idr.make_household_number(next_value("household"))


def new_document_number(year: int) -> str:
    """受付番号: 西暦年 + 8-digit sequence, e.g. ``2026-00000123``."""
    return f"{year}-{next_value('document'):08d}"


def new_juminhyo_code() -> str:
    """住民票コード chosen at random among unused codes (標準仕様書 j870).

    The standard takes the random choice from the pool of 空きコード that J-LIS distributes
    through the 市町村CS; until the 住基ネット link exists, codes are drawn at random from the
    whole 10-digit space here, checked for uniqueness, and completed with the check digit."""
    for _ in range(20):
        body = f"{secrets.randbelow(10**10):010d}"
        code = body + str(idr.juminhyo_code_check_digit(body))
        if not Person.objects.filter(juminhyo_code=code).exists():
            return code
    raise RuntimeError("住民票コードを割り当てられませんでした。")
