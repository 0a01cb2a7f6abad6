"""Helpers for the seed tests: a register emptied between two loads, as on a fresh database."""

from __future__ import annotations

import pytest


def empty_register() -> None:
    """Delete every register row and restart the numbering, like a freshly migrated database."""
    from django.db import connection

    from jumin.audit.models import OperationLog
    from jumin.registry.models import Household, NumberSequence, Person, PersonVersion, Transaction

    PersonVersion.objects.all().delete()
    Person.objects.all().delete()
    Transaction.objects.all().delete()
    Household.objects.all().delete()
    OperationLog.objects.all().delete()
    NumberSequence.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in ("atena", "household", "document"):
                cursor.execute(f"SELECT setval('jumin_seq_{name}', 1, false)")


def snapshot() -> dict[str, list[tuple]]:
    """What must be identical for the same seed: names, dates, numbers, households, history."""
    from jumin.registry.models import Household, Person, PersonVersion, Transaction

    return {
        "persons": list(Person.objects.order_by("atena_number").values_list(
            "atena_number", "household__number", "relationship", "member_order", "family_name", "given_name",
            "family_name_kana", "given_name_kana", "alphabet_name", "alias", "birth_date", "sex", "status",
            "removal_kind", "removed_on", "address", "katagaki", "postal_code", "juminhyo_code",
            "my_number_digest", "residence_card_number", "nationality_code", "foreign_category",
            "became_resident_on", "notified_on", "history_no", "name_kana_key", "name_kanji_key")),
        "versions": list(PersonVersion.objects.order_by("atena_number", "history_no").values_list(
            "atena_number", "history_no", "reason", "event_date", "reported_on", "address", "status",
            "household__number", "transaction__kind")),
        "households": list(Household.objects.order_by("number").values_list("number", "version")),
        "transactions": list(Transaction.objects.order_by("id").values_list(
            "kind", "status", "event_date", "notified_on", "subjects")),
    }


@pytest.fixture
def fresh_register(db):
    """Starts the test on an empty register with numbering restarted (PostgreSQL sequences are
    not rolled back with the previous test), and empties it again when called."""
    empty_register()
    return empty_register


@pytest.fixture
def take_snapshot():
    return snapshot
